// A file that shrinks while it is being loaded (truncated by a log rotation,
// an exporter starting it again) or is written over in place: the load ends
// with an error naming the file, what was built from it is dropped, and the
// process lives on. A read of a file mapping past the file's end raised
// SIGBUS and ended the process. A file appended to loads what it held.

#include "core/load.h"
#include "core/mappingguard.h"
#include "core/writer.h"

#include "bench/otlpgen.h"
#include "common/testutil.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <csignal>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace causeway;
using namespace causeway::test;

namespace {

// OTLP/JSON from the bench generator, as the Collector's file exporter
// writes it (JsonLines) or as one document (Json).
std::string generated(bench::OtlpGenerator::Format format, uint64_t bytes)
{
    return bench::generatedOtlp(format, bytes, 42);
}

// The same spans as OTLP protobuf, written by Causeway's writer.
std::string asProtobuf(const std::string &json)
{
    Model model;
    const LoadResult r = loadBuffer("generated.jsonl", json, model);
    if (!r.ok)
        return {};
    model.finalize();
    std::ostringstream out;
    std::string error;
    if (!writeModel(model, OutputFormat::OtlpProto, out, error))
        return {};
    return out.str();
}

// Loads `path` on two threads; `change` alters the file at the load's
// first progress report. `reports` counts the reports.
template<typename Change>
LoadResult loadChangedOnce(const std::string &path, Model &model, std::atomic<int> &reports, Change change)
{
    LoadOptions options;
    options.threads = 2;
    options.progress = [&](double fraction) {
        if (fraction < 1.0 && reports.fetch_add(1) == 0)
            change();
    };
    return loadFiles({path}, model, options);
}

// The child of unguardedReadPastTheEndStillEndsTheProcess, in `dir`: one
// mapping guarded, another read past its file's end. Exits only if the read
// did not end the process.
constexpr const char *kChildVariable = "CAUSEWAY_TEST_UNGUARDED_READ_IN";
int unguardedReadChild(const std::string &dir)
{
    const long page = sysconf(_SC_PAGESIZE);
    const std::string guardedPath = dir + "/guarded.bin", otherPath = dir + "/other.bin";
    for (const std::string &path : {guardedPath, otherPath}) {
        std::ofstream out(path, std::ios::binary);
        out << std::string(size_t(page) * 2, 'x');
    }
    const int g = ::open(guardedPath.c_str(), O_RDONLY);
    const int o = ::open(otherPath.c_str(), O_RDWR);
    void *gp = g >= 0 ? mmap(nullptr, size_t(page) * 2, PROT_READ, MAP_PRIVATE, g, 0) : MAP_FAILED;
    void *op = o >= 0 ? mmap(nullptr, size_t(page) * 2, PROT_READ, MAP_PRIVATE, o, 0) : MAP_FAILED;
    if (gp == MAP_FAILED || op == MAP_FAILED)
        return 3;
    detail::MappingGuard guard(gp, size_t(page) * 2);
    if (!guard.guarded() || ftruncate(o, 0) != 0)
        return 4;
    const char c = static_cast<const volatile char *>(op)[page + 1]; // raises SIGBUS
    return c == 0 ? 0 : 5;
}

} // namespace

class TestShrinkingFile : public QObject
{
    Q_OBJECT

private slots:
    // The guard itself: bytes before the new end read as they were written,
    // bytes past it as zeros, and the guard says where the zeros began.
    void guardReadsZerosPastTheEnd()
    {
        QTemporaryDir dir;
        const long page = sysconf(_SC_PAGESIZE);
        std::string bytes(size_t(page) * 16, 'x');
        for (size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = char('a' + i % 26);
        const std::string path = writeFile(dir, "sixteen-pages.bin", bytes);
        const int fd = ::open(path.c_str(), O_RDWR);
        QVERIFY(fd >= 0);
        void *p = mmap(nullptr, bytes.size(), PROT_READ, MAP_PRIVATE, fd, 0);
        QVERIFY(p != MAP_FAILED);
        const auto *mapped = static_cast<const volatile char *>(p);
        {
            detail::MappingGuard guard(p, bytes.size());
            QVERIFY(guard.guarded());
            QCOMPARE(mapped[10], bytes[10]);
            QVERIFY(!guard.hit());
            QCOMPARE(ftruncate(fd, page * 3 + 100), 0);
            // Inside the file's new last page, and past it.
            QCOMPARE(mapped[page * 3 + 50], bytes[size_t(page) * 3 + 50]);
            QCOMPARE(mapped[page * 9 + 7], char(0));
            QVERIFY(guard.hit());
            QCOMPARE(guard.firstLostByte(), uint64_t(page) * 9);
            // An earlier page past the end: the zeros start there now.
            QCOMPARE(mapped[page * 5], char(0));
            QCOMPARE(guard.firstLostByte(), uint64_t(page) * 5);
            QCOMPARE(mapped[page * 15 + page - 1], char(0));
            QCOMPARE(mapped[page * 2], bytes[size_t(page) * 2]);
        }
        munmap(p, bytes.size());
        ::close(fd);
    }

    // A SIGBUS outside every guarded range still ends the process: the
    // guard passes it on (to the default action, or to a sanitizer's
    // handler, which aborts). Run in a process of its own, started afresh
    // (this one has Qt Test's crash handler, which the guard would pass the
    // signal on to).
    void unguardedReadPastTheEndStillEndsTheProcess()
    {
        QTemporaryDir dir;
        const std::string dirPath = dir.path().toStdString();
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            setenv(kChildVariable, dirPath.c_str(), 1);
            // Under AddressSanitizer: the default action, not its report.
            const char *asan = std::getenv("ASAN_OPTIONS");
            setenv("ASAN_OPTIONS", (std::string(asan ? asan : "") + ":handle_sigbus=0").c_str(), 1);
            execl("/proc/self/exe", "tst_shrinkingfile", static_cast<char *>(nullptr));
            _exit(2);
        }
        int status = 0;
        QCOMPARE(waitpid(child, &status, 0), child);
        QVERIFY2(WIFSIGNALED(status), qPrintable(QStringLiteral("the child exited with %1").arg(WEXITSTATUS(status))));
        QVERIFY2(WTERMSIG(status) == SIGBUS || WTERMSIG(status) == SIGABRT,
                 qPrintable(QStringLiteral("the child ended by signal %1").arg(WTERMSIG(status))));
    }

    // Loading a file that is truncated to a few bytes once the load has
    // started: every reader (JSON Lines, one document, protobuf) meets the
    // end while it reads on two threads.
    void loadEndsWithAnErrorWhenTheFileShrinks_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("kind");
        QTest::newRow("JSON Lines") << "shrinks.jsonl" << 0;
        QTest::newRow("one document") << "shrinks.json" << 1;
        QTest::newRow("protobuf") << "shrinks.pb" << 2;
    }
    void loadEndsWithAnErrorWhenTheFileShrinks()
    {
        QFETCH(QString, name);
        QFETCH(int, kind);
        // Large enough that each reader cuts it into many pieces: the first
        // progress report comes after the first of them is merged, and
        // most are read after it.
        const std::string lines = generated(bench::OtlpGenerator::Format::JsonLines, size_t(24) << 20);
        const std::string bytes = kind == 0 ? lines
            : kind == 1             ? generated(bench::OtlpGenerator::Format::Json, size_t(24) << 20)
                                    : asProtobuf(generated(bench::OtlpGenerator::Format::JsonLines, size_t(96) << 20));
        QVERIFY(bytes.size() > (size_t(20) << 20));
        QTemporaryDir dir;
        const std::string before = writeFile(dir, "before.jsonl", lines.substr(0, lines.find('\n') + 1));
        const std::string path = writeFile(dir, name.toUtf8().constData(), bytes);

        LoadOptions options;
        options.threads = 2;
        std::atomic<int> reports{0};
        options.progress = [&](double fraction) {
            // The second file's first report (the first file takes the first half).
            if (fraction > 0.5 && fraction < 1.0 && reports.fetch_add(1) == 0)
                truncate(path.c_str(), 1000);
        };
        Model model;
        const LoadResult r = loadFiles({before, path}, model, options);
        QVERIFY(reports.load() > 0);
        QVERIFY(!r.ok);
        QVERIFY(!r.cancelled);
        QCOMPARE(QString::fromStdString(r.error.file), QString::fromStdString(path));
        QCOMPARE(r.error.offset, uint64_t(1000));
        QVERIFY2(r.error.message.find("shrank while it was being read") != std::string::npos, r.error.message.c_str());
        QVERIFY2(r.error.message.find(std::to_string(bytes.size()) + " bytes when opened") != std::string::npos,
                 r.error.message.c_str());
        // What the first file gave stays, finalized; nothing of the second.
        Model first;
        QVERIFY(loadFiles({before}, first).ok);
        QVERIFY(first.spanCount() > 0);
        QCOMPARE(model.spanCount(), first.spanCount());
        QCOMPARE(model.traces.size(), first.traces.size());
    }

    // Cut short and then as long as before again (an exporter starting the
    // file anew and writing past its old size) before the load ends: the
    // size says nothing, the pages the readers could not read do.
    void loadEndsWithAnErrorWhenTheFileIsCutAndGrowsAgain()
    {
        const std::string lines = generated(bench::OtlpGenerator::Format::JsonLines, size_t(24) << 20);
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "cut-and-grown.jsonl", lines);
        LoadOptions options;
        options.threads = 2;
        std::atomic<int> reports{0};
        std::atomic<double> cutAt{0}, grownAt{0};
        options.progress = [&](double fraction) {
            const int n = reports.fetch_add(1);
            // The stretches submitted after the first report are read after
            // the cut; the fourth report comes once at least two of them
            // (a report per 1.5 MB, a stretch per MB) are merged.
            if (n == 0 && fraction < 1.0) {
                cutAt = fraction;
                truncate(path.c_str(), 1000);
            } else if (n == 3 && fraction < 1.0) {
                grownAt = fraction;
                truncate(path.c_str(), off_t(lines.size()));
            }
        };
        Model model;
        const LoadResult r = loadFiles({path}, model, options);
        QVERIFY2(grownAt.load() > cutAt.load(), qPrintable(QStringLiteral("%1 reports").arg(reports.load())));
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.error.file), QString::fromStdString(path));
        QVERIFY2(r.error.message.find("could not be read from here on") != std::string::npos, r.error.message.c_str());
        // The first page no read could get: past the cut, before the file
        // had grown again.
        QVERIFY2(r.error.offset >= uint64_t(sysconf(_SC_PAGESIZE)), qPrintable(QString::number(r.error.offset)));
        QVERIFY2(double(r.error.offset) < grownAt.load() * double(lines.size()) + double(size_t(2) << 20),
                 qPrintable(QString::number(r.error.offset)));
        QCOMPARE(model.spanCount(), size_t(0));
        qInfo("cut at %.3f, grown at %.3f of the file, first page lost at byte %llu", cutAt.load(), grownAt.load(),
              static_cast<unsigned long long>(r.error.offset));
    }

    // Written over in place, as long as before (an exporter rewriting the
    // file from the start): the readers may have seen old and new bytes
    // alike, so nothing of the file is kept and the error says why.
    void loadEndsWithAnErrorWhenTheFileIsWrittenOver()
    {
        const std::string lines = generated(bench::OtlpGenerator::Format::JsonLines, size_t(24) << 20);
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "written-over.jsonl", lines);
        std::atomic<int> reports{0};
        bool written = false;
        Model model;
        const LoadResult r = loadChangedOnce(path, model, reports, [&] {
            // Far past where the readers are: the bytes the load reads
            // there are the new ones, those before it the old.
            const int fd = ::open(path.c_str(), O_WRONLY);
            const std::string over(4096, ' ');
            written = fd >= 0 && ::pwrite(fd, over.data(), over.size(), off_t(lines.size() / 2)) == ssize_t(over.size());
            if (fd >= 0)
                ::close(fd);
        });
        QVERIFY(reports.load() > 0);
        QVERIFY(written);
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.error.file), QString::fromStdString(path));
        QCOMPARE(r.error.offset, uint64_t(0));
        QVERIFY2(r.error.message.find("written over while it was being read") != std::string::npos,
                 r.error.message.c_str());
        QCOMPARE(model.spanCount(), size_t(0));
    }

    // Appended to while it is read (a Collector's file exporter writing on):
    // the bytes there when it was opened are read as they were, and load.
    void aFileAppendedToWhileReadLoadsWhatItHeld()
    {
        const std::string lines = generated(bench::OtlpGenerator::Format::JsonLines, size_t(24) << 20);
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "appended.jsonl", lines);
        Model alone;
        QVERIFY(loadFiles({path}, alone).ok);
        std::atomic<int> reports{0};
        Model model;
        const LoadResult r = loadChangedOnce(path, model, reports, [&] {
            std::ofstream out(path, std::ios::binary | std::ios::app);
            out << lines.substr(0, lines.find('\n') + 1);
        });
        QVERIFY(reports.load() > 0);
        QVERIFY2(r.ok, r.error.message.c_str());
        QCOMPARE(r.bytesRead, uint64_t(lines.size()));
        QCOMPARE(model.spanCount(), alone.spanCount());
        QCOMPARE(model.traces.size(), alone.traces.size());
    }
};

int main(int argc, char **argv)
{
    if (const char *dir = std::getenv(kChildVariable))
        return unguardedReadChild(dir);
    QCoreApplication app(argc, argv);
    TestShrinkingFile test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_shrinkingfile.moc"
