// Loading off the GUI thread: a model arrives, damage becomes diagnostics,
// a fatal error names the file, cancel stops a load, a new load supersedes.

#include "shellmodel.h"

#include "common/testutil.h"
#include "core/writer.h"
#include "ui/loadworker.h"
#include "ui/session.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <sstream>

using namespace causeway;
using namespace causeway::ui;

namespace {

std::string protoBytes(const Model &model)
{
    std::ostringstream out;
    std::string error;
    if (!writeModel(model, OutputFormat::OtlpProto, out, error))
        qFatal("writeModel: %s", error.c_str());
    return out.str();
}

std::string frame(const std::string &message)
{
    const auto n = uint32_t(message.size());
    std::string out{char(n >> 24), char(n >> 16), char(n >> 8), char(n)};
    return out + message;
}

LoadOutcome waitFor(QSignalSpy &spy)
{
    if (spy.isEmpty() && !spy.wait(20000))
        qFatal("no load outcome");
    return spy.takeFirst().at(0).value<LoadOutcome>();
}

} // namespace

class TestLoadWorker : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { qRegisterMetaType<LoadOutcome>(); }

    void deliversAModel()
    {
        QTemporaryDir dir;
        const auto shell = test::makeShellModel();
        const std::string path = test::writeFile(dir, "shell.pb", protoBytes(*shell.model));
        LoadWorker worker;
        QSignalSpy done(&worker, &LoadWorker::finished);
        QSignalSpy progress(&worker, &LoadWorker::progress);
        worker.start({path});
        QVERIFY(worker.isRunning());
        const LoadOutcome outcome = waitFor(done);
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Loaded));
        QVERIFY(outcome.model);
        QCOMPARE(outcome.model->spanCount(), shell.model->spanCount());
        QCOMPARE(outcome.model->traces.size(), size_t(4));
        QCOMPARE(outcome.files, std::vector<std::string>{path});
        QVERIFY(!worker.isRunning());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toDouble(), 1.0);
        QCOMPARE(progress.last().at(1).toULongLong(), quint64(shell.model->spanCount()));
    }

    void outcomeCarriesWhatTheWindowShowsFirst()
    {
        // The start trace and the resolved link count come with the model,
        // counted on the loading thread: the same as counting on the GUI
        // thread would give, so that the hand-over needs no pass over it.
        const std::string sample = test::bundledSample("causeway-sample.jsonl");
        LoadWorker worker;
        QSignalSpy done(&worker, &LoadWorker::finished);
        worker.start({sample});
        const LoadOutcome outcome = waitFor(done);
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Loaded));
        const Model &model = *outcome.model;
        QVERIFY(model.links.size() > 10);
        uint64_t resolved = 0;
        for (const Link &l : model.links)
            resolved += l.resolved();
        QVERIFY(resolved > 0 && resolved <= model.links.size());
        QCOMPARE(outcome.resolvedLinks, resolved);
        QCOMPARE(outcome.startTrace, Session::busiestTrace(model));
        const Trace &start = model.traces[outcome.startTrace];
        for (const Trace &t : model.traces)
            QVERIFY(t.linksIn + t.linksOut <= start.linksIn + start.linksOut);
        Session session;
        session.setModel(outcome.model, outcome.startTrace);
        QCOMPARE(session.focusTrace(), outcome.startTrace);
    }

    void damageBecomesDiagnostics()
    {
        QTemporaryDir dir;
        const auto shell = test::makeShellModel();
        // A Collector file-exporter file whose last frame was cut short.
        const std::string good = frame(protoBytes(*shell.model));
        const std::string path = test::writeFile(dir, "cut.pb", good + good.substr(0, 40));
        LoadWorker worker;
        QSignalSpy done(&worker, &LoadWorker::finished);
        worker.start({path});
        const LoadOutcome outcome = waitFor(done);
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Loaded));
        QCOMPARE(outcome.model->spanCount(), shell.model->spanCount());
        QCOMPARE(outcome.model->diagnostics.count(diag::ProtoFrameTruncated), uint64_t(1));
    }

    void fatalErrorNamesTheFile()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath(QStringLiteral("nowhere.json")).toStdString();
        const std::string text = test::writeFile(dir, "notes.txt", "just some notes\n");
        LoadWorker worker;
        QSignalSpy done(&worker, &LoadWorker::finished);
        worker.start({missing});
        LoadOutcome outcome = waitFor(done);
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Failed));
        QVERIFY(outcome.error.startsWith(QString::fromStdString(missing)));
        QVERIFY(!outcome.model);
        worker.start({text});
        outcome = waitFor(done);
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Failed));
        QVERIFY(outcome.error.contains(QStringLiteral("notes.txt")));
        QVERIFY(outcome.error.contains(QStringLiteral("not a trace file")));
    }

    void cancelStopsALoad()
    {
        QTemporaryDir dir;
        const auto shell = test::makeShellModel();
        const std::string message = frame(protoBytes(*shell.model));
        std::string many;
        for (int i = 0; i < 400; ++i)
            many += message;
        const std::string path = test::writeFile(dir, "many.pb", many);

        LoadWorker worker;
        // 400 frames at 10 ms each would take four seconds.
        worker.setProgressHook([](double) { QThread::msleep(10); });
        QSignalSpy done(&worker, &LoadWorker::finished);
        QSignalSpy progress(&worker, &LoadWorker::progress);
        QElapsedTimer timer;
        timer.start();
        worker.start({path});
        QVERIFY(progress.wait(5000));
        worker.cancel();
        const LoadOutcome outcome = waitFor(done);
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Cancelled));
        QVERIFY(!outcome.model);
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    }

    void newLoadSupersedesTheRunningOne()
    {
        QTemporaryDir dir;
        const auto shell = test::makeShellModel();
        const std::string message = frame(protoBytes(*shell.model));
        std::string many;
        for (int i = 0; i < 100; ++i)
            many += message;
        const std::string slow = test::writeFile(dir, "slow.pb", many);
        const std::string quick = test::writeFile(dir, "quick.pb", message);
        LoadWorker worker;
        worker.setProgressHook([](double) { QThread::msleep(5); });
        QSignalSpy done(&worker, &LoadWorker::finished);
        worker.start({slow});
        worker.start({quick});
        const LoadOutcome outcome = waitFor(done);
        QCOMPARE(outcome.files, std::vector<std::string>{quick});
        QCOMPARE(int(outcome.status), int(LoadOutcome::Status::Loaded));
        QVERIFY(!done.wait(300)); // the superseded load reports nothing
    }
};

QTEST_MAIN(TestLoadWorker)
#include "tst_loadworker.moc"
