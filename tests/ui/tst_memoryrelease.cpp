// The window gives back the memory of a model it replaces. With the
// allocator policy the program applies (core/allocator.h), malloc keeps
// freed blocks of every size in its heap; the window releases them once a
// load has been shown.

#include "bench/otlpgen.h"
#include "common/testutil.h"
#include "core/allocator.h"
#include "ui/loadworker.h"
#include "ui/mainwindow.h"
#include "ui/session.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <string>

using namespace causeway;
using namespace causeway::ui;

namespace {

bool waitLoaded(MainWindow &w)
{
    QSignalSpy spy(&w, &MainWindow::loadFinished);
    return spy.wait(60000) && spy.first().at(0).toBool();
}

} // namespace

class TestMemoryRelease : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<LoadOutcome>();
        if (allocatorHeapRoom() == 0)
            QSKIP("no heap room in this process (a sanitizer, GLIBC_TUNABLES, strict overcommit or a limit)");
    }

    void replacedModelGoesBack()
    {
        QTemporaryDir dir;
        const std::string big = test::writeFile(
            dir, "big.jsonl", bench::generatedOtlp(bench::OtlpGenerator::Format::JsonLines, uint64_t(96) << 20, 7));
        const std::string small = test::bundledSample("causeway-sample.jsonl");

        MainWindow w;
        w.show();
        w.openFiles({QString::fromStdString(big)});
        QVERIFY(waitLoaded(w));
        const size_t modelBytes = w.session()->model()->memoryUsage();
        QVERIFY(modelBytes > (size_t(20) << 20));
        QTest::qWait(1500); // the release after the first load
        const uint64_t loaded = test::residentBytes();

        w.openFiles({QString::fromStdString(small)});
        QVERIFY(waitLoaded(w));
        QVERIFY(w.session()->model()->spanCount() < 10000);
        // Released a second after the load was shown, on a pool thread.
        QElapsedTimer waited;
        waited.start();
        uint64_t now = test::residentBytes();
        while (now + modelBytes / 2 > loaded && waited.elapsed() < 10000) {
            QTest::qWait(100);
            now = test::residentBytes();
        }
        QVERIFY2(now + modelBytes / 2 <= loaded,
                 qPrintable(QStringLiteral("resident %1 MB with the big model (%2 MB), %3 MB after replacing it")
                                .arg(loaded >> 20).arg(modelBytes >> 20).arg(now >> 20)));
    }
};

int main(int argc, char **argv)
{
    // As the causeway executable does, before any thread starts.
    applyAllocatorPolicy();
    QApplication app(argc, argv);
    TestMemoryRelease test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_memoryrelease.moc"
