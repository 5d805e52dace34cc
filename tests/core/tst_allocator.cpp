// The process's malloc policy (core/allocator.h): large blocks come from a
// heap advised as huge pages and are taken again once freed, and
// releaseFreeMemory() gives the free pages back and advises the heap again.
#include "common/testutil.h"
#include "core/allocator.h"

#include <QFile>
#include <QTest>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Mapping
{
    bool found = false;
    bool huge = false;   // VmFlags has "hg" (MADV_HUGEPAGE)
    uint64_t size = 0;   // bytes
};

// The mapping of /proc/self/smaps that holds `p`.
Mapping mappingOf(const void *p)
{
    const auto at = reinterpret_cast<uintptr_t>(p);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    Mapping m;
    bool inside = false;
    while (std::getline(smaps, line)) {
        unsigned long long from = 0, to = 0;
        char dash = 0;
        std::istringstream head(line);
        if ((head >> std::hex >> from >> dash >> to) && dash == '-' && line.find(':') > line.find(' ')) {
            inside = at >= from && at < to;
            if (inside) {
                m.found = true;
                m.size = to - from;
            }
            continue;
        }
        if (inside && line.rfind("VmFlags:", 0) == 0) {
            m.huge = (line + " ").find(" hg ") != std::string::npos;
            return m;
        }
    }
    return m;
}

constexpr size_t kBlock = size_t(48) << 20; // above the 32 MB mmap threshold

// Writes every page of [p, p + n) (volatile: a store into a block about to
// be freed is otherwise dropped by the compiler).
void touch(char *p, size_t n)
{
    volatile char *v = p;
    for (size_t i = 0; i < n; i += 4096)
        v[i] = 1;
}

} // namespace

class TestAllocator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        if (!QFile::exists(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled")))
            QSKIP("this kernel has no transparent huge pages");
        causeway::applyAllocatorPolicy();
        if (causeway::allocatorHeapRoom() == 0)
            QSKIP("no heap room here: a sanitizer's allocator, GLIBC_TUNABLES setting malloc, strict overcommit "
                  "accounting or a limit on address space or data");
        QVERIFY(causeway::allocatorHeapRoom() >= (size_t(64) << 20));
    }

    // A block above the mmap threshold comes from the heap advised as huge
    // pages, and once freed the same memory serves the next one.
    void largeBlocksFromTheHugeHeap()
    {
        char *a = static_cast<char *>(std::malloc(kBlock));
        QVERIFY(a);
        touch(a, kBlock);
        // Only the whole 2 MB blocks inside the heap's room are advised.
        const Mapping m = mappingOf(a + kBlock / 2);
        QVERIFY(m.found);
        QVERIFY2(m.huge, "the block's mapping is not advised as huge pages");
        QVERIFY2(m.size >= (uint64_t(512) << 20), "the block has a mapping of its own, not the heap's room");
        const auto first = reinterpret_cast<uintptr_t>(a);
        std::free(a);
        char *b = static_cast<char *>(std::malloc(kBlock));
        QCOMPARE(reinterpret_cast<uintptr_t>(b), first);
        std::free(b);
    }

    // Freed memory stays resident until released; released, it is gone, and
    // the heap serves large blocks from huge pages again.
    void releaseGivesPagesBack()
    {
        // Two blocks, the first freed while the second holds the heap's top
        // up: the first is a free block inside the heap, not the top.
        char *low = static_cast<char *>(std::malloc(kBlock));
        char *high = static_cast<char *>(std::malloc(size_t(1) << 20));
        QVERIFY(low && high);
        touch(low, kBlock);
        touch(high, size_t(1) << 20);
        std::free(low);
        const uint64_t before = causeway::test::residentBytes();
        causeway::releaseFreeMemory();
        const uint64_t after = causeway::test::residentBytes();
        QVERIFY2(after + kBlock / 2 < before,
                 qPrintable(QStringLiteral("resident %1 MB before the release, %2 MB after")
                                .arg(before >> 20).arg(after >> 20)));
        std::free(high);
        causeway::releaseFreeMemory();
        char *again = static_cast<char *>(std::malloc(kBlock));
        QVERIFY(again);
        QVERIFY2(mappingOf(again + kBlock / 2).huge, "after the release, the heap is no longer advised as huge pages");
        std::free(again);
    }
};

QTEST_APPLESS_MAIN(TestAllocator)
#include "tst_allocator.moc"
