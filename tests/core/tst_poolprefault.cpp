// Faulting in a model's reserved pools from another thread (prefaultForWrite,
// PoolPrefaulter), and merges that run while it happens.

#include "core/hugepages.h"
#include "core/load.h"
#include "core/poolprefault.h"
#include "core/writer.h"

#include "common/modelcompare.h"
#include "common/otlpmessages.h"
#include "common/testutil.h"

#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

using namespace causeway;
using namespace causeway::test;

namespace {

constexpr size_t kPage = 4096;

// Pages of [begin, begin + bytes) that are resident, by mincore.
size_t residentPages(const void *begin, size_t bytes)
{
    const auto b = reinterpret_cast<uintptr_t>(begin) & ~(kPage - 1);
    const auto e = (reinterpret_cast<uintptr_t>(begin) + bytes + kPage - 1) & ~(kPage - 1);
    std::vector<unsigned char> in((e - b) / kPage);
    if (mincore(reinterpret_cast<void *>(b), e - b, in.data()) != 0)
        return 0;
    size_t n = 0;
    for (unsigned char c : in)
        n += c & 1;
    return n;
}

// Fresh anonymous memory: nothing resident until written or faulted in.
struct Anonymous
{
    explicit Anonymous(size_t bytes, int prot = PROT_READ | PROT_WRITE)
        : size(bytes), data(static_cast<char *>(mmap(nullptr, bytes, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)))
    {
        // Small pages, so mincore counts what was faulted in page by page.
        if (data != MAP_FAILED)
            madvise(data, size, MADV_NOHUGEPAGE);
    }
    ~Anonymous()
    {
        if (data != MAP_FAILED)
            munmap(data, size);
    }
    size_t size;
    char *data;
};

// A field of /proc/self/smaps (in kB, or the flag's value) for the mapping
// that holds `address`; -1 if there is none.
long smapsField(const void *address, const std::string &field)
{
    std::ifstream smaps("/proc/self/smaps");
    const auto at = reinterpret_cast<uintptr_t>(address);
    bool inside = false;
    for (std::string line; std::getline(smaps, line);) {
        unsigned long from = 0, to = 0;
        if (std::sscanf(line.c_str(), "%lx-%lx ", &from, &to) == 2 && line.find(':') > line.find('-')
            && line.find(' ') > line.find('-')) {
            inside = at >= from && at < to;
            continue;
        }
        if (inside && line.rfind(field + ":", 0) == 0)
            return std::stol(line.substr(field.size() + 1));
    }
    return -1;
}

bool populateWriteSupported()
{
    Anonymous probe(kPage);
    return prefaultForWrite(probe.data, kPage);
}

std::string diagnosticsText(const Model &m)
{
    std::string out;
    for (const auto &d : m.diagnostics.items())
        out += d.code + ": " + d.message + "\n";
    return out;
}

} // namespace

class TestPoolPrefault : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        if (!populateWriteSupported())
            QSKIP("the kernel has no MADV_POPULATE_WRITE");
    }

    // Faulting in makes the pages resident and zero, and never changes
    // what written pages hold.
    void faultsInWithoutChangingContents()
    {
        Anonymous fresh(64 * kPage);
        QVERIFY(fresh.data != MAP_FAILED);
        QCOMPARE(residentPages(fresh.data, fresh.size), size_t(0));
        QVERIFY(prefaultForWrite(fresh.data, fresh.size));
        QCOMPARE(residentPages(fresh.data, fresh.size), size_t(64));
        for (size_t i = 0; i < fresh.size; ++i)
            QCOMPARE(fresh.data[i], '\0');

        std::vector<char> written(size_t(1) << 20);
        for (size_t i = 0; i < written.size(); ++i)
            written[i] = char(i * 131 + 7);
        const std::vector<char> before = written;
        // Not page-aligned at either end: only whole pages inside are touched.
        QVERIFY(prefaultForWrite(written.data() + 3, written.size() - 10));
        QVERIFY(written == before);
    }

    // A file mapping's pages are mapped in for reading in one call, as a
    // reader is about to go through them; what they hold is the file's.
    void mapsAFileInForReading()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::string text(size_t(1) << 20, '\0');
        for (size_t i = 0; i < text.size(); ++i)
            text[i] = char('a' + i % 23);
        const std::string path = writeFile(dir, "mapped.bin", text);
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        QVERIFY(fd >= 0);
        auto *mapped = static_cast<const char *>(mmap(nullptr, text.size(), PROT_READ, MAP_PRIVATE, fd, 0));
        ::close(fd);
        QVERIFY(mapped != MAP_FAILED);
        QCOMPARE(smapsField(mapped, "Rss"), 0L); // nothing read yet
        // Not page-aligned at either end: the pages the range touches.
        if (!prefaultForRead(mapped + 5, text.size() - 5 - kPage - 3)) {
            munmap(const_cast<char *>(mapped), text.size());
            QSKIP("the kernel has no MADV_POPULATE_READ");
        }
        QCOMPARE(smapsField(mapped, "Rss"), long(text.size() / 1024));
        QVERIFY(std::memcmp(mapped, text.data(), text.size()) == 0);
        // Memory that is not mapped is refused.
        munmap(const_cast<char *>(mapped), text.size());
        QVERIFY(!prefaultForRead(mapped, text.size()));
    }

    // Tables a load fills whole move to storage advised as huge, keeping
    // their elements; a shrink copies only where an eighth is unused.
    void tablesMoveToHugeStorage()
    {
        const size_t n = size_t(3) << 20; // 12 MB of uint32_t: whole huge pages inside
        std::vector<uint32_t> table{7, 8, 9};
        reserveHuge(table, n);
        QVERIFY(table.capacity() >= n);
        QCOMPARE(table, (std::vector<uint32_t>{7, 8, 9}));
        const uint32_t *storage = table.data();
        reserveHuge(table, 10); // room enough: nothing moves
        QCOMPARE(table.data(), storage);
        table.resize(n, 1);
        const char *middle = reinterpret_cast<const char *>(table.data()) + n * 2;
        std::string thp;
        {
            std::ifstream enabled("/sys/kernel/mm/transparent_hugepage/enabled");
            std::getline(enabled, thp);
        }
        if (thp.find("[never]") == std::string::npos)
            QCOMPARE(smapsField(middle, "THPeligible"), 1L);

        table.resize(n / 2);
        shrinkHuge(table);
        QCOMPARE(table.capacity(), n / 2);
        QCOMPARE(table.size(), n / 2);
        QCOMPARE(table[0], 7u);
        QCOMPARE(table[n / 2 - 1], 1u);
        if (thp.find("[never]") == std::string::npos)
            QCOMPARE(smapsField(table.data() + n / 4, "THPeligible"), 1L);
        table.pop_back(); // far less than an eighth unused: left as it is
        storage = table.data();
        shrinkHuge(table);
        QCOMPARE(table.data(), storage);
        QCOMPARE(table.capacity(), n / 2);
    }

    // A range not mapped, or mapped read-only, is refused and left as it is.
    void refusesWhatCannotBeWritten()
    {
        Anonymous readOnly(16 * kPage, PROT_READ);
        QVERIFY(readOnly.data != MAP_FAILED);
        QVERIFY(!prefaultForWrite(readOnly.data, readOnly.size));
        QCOMPARE(residentPages(readOnly.data, readOnly.size), size_t(0));

        auto *gone = static_cast<char *>(mmap(nullptr, 16 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
        QVERIFY(gone != MAP_FAILED);
        munmap(gone, 16 * kPage);
        QVERIFY(!prefaultForWrite(gone, 16 * kPage));
        // Less than a page inside the range: nothing to do, not an error.
        QVERIFY(prefaultForWrite(gone + 1, 100));
    }

    // The prefaulter faults in the tracked room only as far as allowed, so a
    // reservation larger than the load needs does not become resident.
    void staysWithinWhatIsAllowed()
    {
        Model m;
        m.attributes.reserve((size_t(32) << 20) / sizeof(Attribute));
        m.cold.reserve((size_t(16) << 20) / sizeof(SpanCold));
        const size_t attributeBytes = m.attributes.capacity() * sizeof(Attribute);
        const size_t coldBytes = m.cold.capacity() * sizeof(SpanCold);
        // The heap may hand out memory it used before (an address
        // sanitizer's allocator does): the reserved, unused room is given
        // back to the kernel first, whole pages inside it, so that only
        // what the prefaulter touches becomes resident. (The heap may have
        // written its header into the first page.)
        for (auto [data, bytes] : {std::pair{static_cast<void *>(m.attributes.data()), attributeBytes},
                                   std::pair{static_cast<void *>(m.cold.data()), coldBytes}}) {
            const auto begin = (reinterpret_cast<uintptr_t>(data) + kPage - 1) & ~(kPage - 1);
            const auto end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kPage - 1);
            madvise(data, bytes, MADV_NOHUGEPAGE);
            QCOMPARE(madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED), 0);
        }
        QVERIFY(residentPages(m.attributes.data(), attributeBytes) <= 1);

        PoolPrefaulter prefaulter;
        prefaulter.run(); // nothing tracked: nothing done
        QCOMPARE(prefaulter.faultedBytes(), size_t(0));
        prefaulter.track(m);
        prefaulter.run(); // nothing allowed yet
        QCOMPARE(prefaulter.faultedBytes(), size_t(0));

        prefaulter.allow(0.25);
        prefaulter.run();
        const size_t allowed = attributeBytes / 4 + coldBytes / 4;
        QVERIFY(prefaulter.faultedBytes() <= allowed);
        QVERIFY(prefaulter.faultedBytes() + 2 * kPage >= allowed);
        const size_t resident = residentPages(m.attributes.data(), attributeBytes);
        QVERIFY2(resident * kPage <= attributeBytes / 4 + 2 * kPage && resident * kPage + 2 * kPage >= attributeBytes / 4,
            std::to_string(resident).c_str());

        // Allowing less later undoes nothing and faults in nothing more.
        const size_t before = prefaulter.faultedBytes();
        prefaulter.allow(0.1);
        prefaulter.run();
        QCOMPARE(prefaulter.faultedBytes(), before);
        prefaulter.allow(2.0); // clamped to the whole room
        prefaulter.run();
        QVERIFY(prefaulter.faultedBytes() <= attributeBytes + coldBytes);
        QCOMPARE(residentPages(m.cold.data(), coldBytes) * kPage >= coldBytes - 2 * kPage, true);
    }

    // Many small fragments with shared strings (keys, names, services) and
    // distinct ones (ids, values), merged one by one into a model whose
    // reserved pools another thread faults in meanwhile: the same model,
    // and the same string ids, as one sequential load of all of them.
    void mergesWhileFaultingInMatchSequentialLoad()
    {
        std::string all;
        std::vector<std::string> parts;
        for (unsigned seed = 700; seed < 760; ++seed) {
            parts.push_back(RandomTraces(seed).make(3, 12).SerializeAsString());
            all += parts.back(); // concatenated TracesData is one TracesData
        }
        LoadOptions one;
        one.threads = 1;
        Model sequential;
        LoadResult r = loadBuffer("all.pb", all, sequential, one);
        QVERIFY2(r.ok, r.error.text().c_str());

        Model merged;
        PoolPrefaulter prefaulter;
        std::atomic<bool> stop{false};
        std::thread faulting([&] {
            while (!stop.load())
                prefaulter.run();
        });
        Model fragment;
        for (size_t k = 0; k < parts.size(); ++k) {
            r = loadBuffer("part.pb", parts[k], fragment, one);
            QVERIFY2(r.ok, r.error.text().c_str());
            if (k == 0) {
                merged.merge(std::move(fragment));
                // Room for about seven times what all parts need: pools of
                // some MB, of which the merges fill the first seventh.
                merged.reserveLike({}, double(parts.size()) * 7);
                prefaulter.track(merged);
            } else {
                // A reused fragment, as the loaders hand them back.
                merged.mergeReusing(fragment);
            }
            prefaulter.allow(double(k + 2) / double(parts.size()) / 7);
        }
        stop = true;
        faulting.join();
        QVERIFY(prefaulter.faultedBytes() > 0);

        sequential.finalize();
        merged.finalize();
        QVERIFY(sequential.spanCount() > 1000);
        const std::string diff = compareModels(sequential, merged);
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(diagnosticsText(merged), diagnosticsText(sequential));
        QCOMPARE(QString::fromStdString(test::compareStringIds(sequential, merged)), QString());
    }

    // Under an address-space limit with little room beyond what the load
    // needs, JSON Lines and protobuf loads whose pools are faulted in
    // ahead still load, whole (in a child process, so the limit stays there).
    void loadsUnderAMemoryLimit()
    {
        std::string lines, proto;
        for (unsigned seed = 500; lines.size() < (size_t(24) << 20); ++seed) {
            const std::string part = RandomTraces(seed).make(10, 40).SerializeAsString();
            proto += part;
            Model m;
            QVERIFY(loadBuffer("part.pb", part, m).ok);
            std::ostringstream out;
            std::string error;
            QVERIFY(writeModel(m, OutputFormat::OtlpJsonLines, out, error));
            lines += out.str();
        }
        Model expected;
        QVERIFY(loadBuffer("all.pb", proto, expected).ok);
        const size_t spans = expected.hot.size();

        // The process's address space now, from /proc/self/statm (pages).
        size_t pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        QVERIFY(pages > 0);
        const rlim_t limit = rlim_t(pages) * kPage + (rlim_t(384) << 20);
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            const rlimit rl{limit, limit};
            if (setrlimit(RLIMIT_AS, &rl) != 0)
                _exit(10);
            LoadOptions two;
            two.threads = 2;
            Model a, b;
            const bool ok = loadBuffer("big.jsonl", lines, a, two).ok && loadBuffer("big.pb", proto, b, two).ok;
            _exit(!ok ? 11 : a.hot.size() != spans || b.hot.size() != spans ? 12 : 0);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
    }

    // A large protobuf input, decoded by two threads while one of them
    // faults in the model's pools: damage in a late piece is reported at the
    // offset one thread reports.
    void damageInALatePieceKeepsItsOffset()
    {
        std::string bytes;
        size_t at = 0;
        for (unsigned seed = 900; bytes.size() < (size_t(24) << 20); ++seed) {
            bytes += RandomTraces(seed).make(20, 60).SerializeAsString(); // concatenated TracesData is one TracesData
            if (!at && bytes.size() >= (size_t(20) << 20))
                at = bytes.size();
        }
        // Between two ResourceSpans, 4 MB before the end: one whose first
        // field has wire type 7, which does not exist.
        std::string damaged = bytes;
        damaged.insert(at, std::string("\x0a\x02\x0f\x00", 4));
        LoadOptions one, two;
        one.threads = 1;
        two.threads = 2;
        Model a, b;
        const LoadResult ra = loadBuffer("big.pb", damaged, a, one);
        const LoadResult rb = loadBuffer("big.pb", damaged, b, two);
        QVERIFY(!ra.ok);
        QVERIFY(!rb.ok);
        QVERIFY2(rb.error.message.find("malformed OTLP protobuf") == 0, rb.error.message.c_str());
        QCOMPARE(ra.error.offset, uint64_t(at + 2));
        QCOMPARE(rb.error.offset, ra.error.offset);
        QCOMPARE(rb.error.text(), ra.error.text());

        // Undamaged, the two loads agree.
        Model c, d;
        QVERIFY(loadBuffer("big.pb", bytes, c, one).ok);
        QVERIFY(loadBuffer("big.pb", bytes, d, two).ok);
        c.finalize();
        d.finalize();
        const std::string diff = compareModels(c, d);
        QVERIFY2(diff.empty(), diff.c_str());
    }
};

QTEST_GUILESS_MAIN(TestPoolPrefault)
#include "tst_poolprefault.moc"
