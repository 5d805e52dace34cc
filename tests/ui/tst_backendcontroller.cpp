// Trace backends in the window: fetched traces merge into the open model
// off the GUI thread, links into them resolve, cancel keeps what arrived,
// an unresolved link in the details asks for its target, and the dialogs
// search and keep secrets out of the settings file.

#include "common/backendstore.h"

#include "ui/backendcontroller.h"
#include "ui/backendsdialog.h"
#include "ui/backendsearchdialog.h"
#include "ui/detailsmodel.h"
#include "ui/detailspanel.h"
#include "ui/session.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QTreeView>
#include <QTreeWidget>

#include <fstream>
#include <sstream>

using namespace causeway;
using namespace causeway::ui;
using causeway::test::BackendStore;
using causeway::test::FakeBackend;
using causeway::test::FakeRequest;
using TestModel = causeway::test::TestModelBuilder;

namespace {

backend::BackendConfig tempo(const FakeBackend &server)
{
    backend::BackendConfig c;
    c.name = "tempo-test";
    c.kind = backend::BackendKind::Tempo;
    c.baseUrl = server.url();
    return c;
}

std::shared_ptr<const Model> localModel()
{
    return std::make_shared<Model>(causeway::test::linkedTrace(1, {2}, "local-svc", "consume"));
}

uint32_t unresolved(const Model &m)
{
    uint32_t n = 0;
    for (const Link &l : m.links)
        n += !l.resolved();
    return n;
}

} // namespace

class TestBackendController : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Never the user's own settings.
        qputenv("CAUSEWAY_BACKENDS_FILE", m_dir.filePath(QStringLiteral("backends.json")).toUtf8());
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    }

    void expandMergesIntoTheOpenModel()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {});
        store.delayMs = 150;
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QWidget window;
        Session session;
        session.setModel(localModel());
        session.navigateTo(0);
        BackendController controller(&session, &window);
        QSignalSpy finished(&controller, &BackendController::finished);
        // The GUI thread keeps running while the backend answers.
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, this, [&] { ++ticks; });
        timer.start(20);

        BackendController::Request request;
        request.ids = {TestModel::traceId(1)};
        request.upstreamDepth = 5;
        request.what = QStringLiteral("links");
        QVERIFY(controller.start(tempo(server), request));
        QVERIFY(controller.isRunning());
        QVERIFY(!controller.start(tempo(server), request)); // one at a time
        QVERIFY(finished.wait(10000));
        QVERIFY(finished[0][0].toBool());
        QVERIFY(ticks >= 10); // three requests of 150 ms each: the event loop ran meanwhile
        const auto model = session.model();
        QCOMPARE(model->traces.size(), size_t(4));
        QCOMPARE(unresolved(*model), 0u);
        QCOMPARE(model->diagnostics.count(diag::FetchedFromBackend), uint64_t(3));
        QVERIFY(controller.lastSummary().startsWith(QStringLiteral("Fetched 3 traces from tempo-test")));
        // The focus stayed where it was.
        QCOMPARE(model->traces[session.focusTrace()].id, TestModel::traceId(1));
    }

    void capIsSaidInTheStatusBar()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QWidget window;
        Session session;
        session.setModel(localModel());
        BackendController controller(&session, &window);
        QSignalSpy finished(&controller, &BackendController::finished);
        BackendController::Request request;
        request.ids = {TestModel::traceId(1)};
        request.upstreamDepth = 5;
        request.maxTraces = 2;
        controller.start(tempo(server), request);
        QVERIFY(finished.wait(10000));
        QCOMPARE(session.model()->traces.size(), size_t(3));
        QVERIFY(controller.lastSummary().contains(QStringLiteral("stopped at the cap of 2 traces")));
        auto *label = controller.statusWidget()->findChild<QLabel *>();
        QVERIFY(label->text().contains(QStringLiteral("cap of 2")));
    }

    void cancelKeepsWhatIsLoaded()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {});
        store.delayMs = 400;
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QWidget window;
        Session session;
        session.setModel(localModel());
        BackendController controller(&session, &window);
        QSignalSpy finished(&controller, &BackendController::finished);
        connect(&controller, &BackendController::progress, &controller, [&](uint32_t fetched) {
            if (fetched == 1)
                controller.cancel();
        });
        BackendController::Request request;
        request.ids = {TestModel::traceId(1)};
        request.upstreamDepth = 5;
        controller.start(tempo(server), request);
        QVERIFY(finished.wait(10000));
        QVERIFY(!controller.isRunning());
        QVERIFY(session.model()->traces.size() >= 2); // the local trace and what arrived
        QVERIFY(session.model()->traces.size() < 4);
        QVERIFY(controller.lastSummary().contains(QStringLiteral("cancelled")));
    }

    void failureLosesNothing()
    {
        QWidget window;
        Session session;
        session.setModel(localModel());
        BackendController controller(&session, &window);
        QSignalSpy finished(&controller, &BackendController::finished);
        backend::BackendConfig c;
        c.name = "down";
        c.kind = backend::BackendKind::Tempo;
        c.baseUrl = "http://127.0.0.1:" + std::to_string(FakeBackend::closedPort());
        BackendController::Request request;
        request.ids = {TestModel::traceId(2)};
        controller.start(c, request);
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished[0][0].toBool());
        QVERIFY(finished[0][1].toString().contains(QStringLiteral("unreachable")));
        QCOMPARE(session.model()->traces.size(), size_t(1));
        QCOMPARE(session.model()->spanCount(), size_t(2));
    }

    void unresolvedLinkInTheDetailsAsksForItsTarget()
    {
        Session session;
        session.setModel(localModel());
        const Model &m = *session.model();
        uint32_t linking = kNone;
        for (uint32_t s = 0; s < m.spanCount(); ++s)
            if (!m.cold[s].links.empty())
                linking = s;
        session.navigateTo(m.hot[linking].trace, linking);
        DetailsPanel panel(&session);
        QSignalSpy asked(&panel, &DetailsPanel::missingLinkActivated);
        const QModelIndex section = panel.detailsModel()->section(QStringLiteral("Links to"));
        QVERIFY(section.isValid());
        QVERIFY(panel.activate(panel.detailsModel()->index(0, 0, section)));
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0][0].toString(), QString::fromStdString(TestModel::traceId(2).hex()));
    }

    void searchDialogListsResults()
    {
        BackendStore store;
        store.add(0x10, {});
        store.add(0x11, {0x10});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendSearchDialog dialog({tempo(server)});
        QSignalSpy done(&dialog, &BackendSearchDialog::searchFinished);
        size_t opened = 0;
        connect(&dialog, &BackendSearchDialog::openRequested, this,
                [&](const backend::BackendConfig &, const std::vector<TraceId> &ids) { opened = ids.size(); });
        dialog.traceqlEdit()->setText(QStringLiteral("{}"));
        dialog.search();
        QVERIFY(done.wait(10000));
        QCOMPARE(dialog.results()->topLevelItemCount(), 2);
        QCOMPARE(dialog.results()->topLevelItem(0)->text(0), QStringLiteral("backend-op"));
        QCOMPARE(dialog.results()->topLevelItem(0)->text(1), QStringLiteral("backend-svc"));
        dialog.results()->selectAll();
        dialog.openSelected();
        QCOMPARE(opened, size_t(2));
    }

    void settingsKeepNoSecret()
    {
        BackendsDialog dialog;
        const auto combos = dialog.findChildren<QComboBox *>(); // kind, then credentials
        QCOMPARE(combos.size(), 2);
        combos[1]->setCurrentIndex(1); // bearer token
        auto *note = dialog.findChild<QLabel *>(QStringLiteral("secretNote"));
        // No keychain here: the dialog says the secret comes from the environment.
        QVERIFY2(note->text().contains(QStringLiteral("environment variable CAUSEWAY_BACKEND_1_TOKEN")), qPrintable(note->text()));
        QVERIFY(dialog.save());
        std::ifstream in(qgetenv("CAUSEWAY_BACKENDS_FILE").toStdString());
        std::stringstream ss;
        ss << in.rdbuf();
        QVERIFY(ss.str().find("\"auth\": \"bearer\"") != std::string::npos);
        QVERIFY(ss.str().find("\"secretEnv\": \"CAUSEWAY_BACKEND_1_TOKEN\"") != std::string::npos);
        QCOMPARE(dialog.backends().size(), size_t(1));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestBackendController)
#include "tst_backendcontroller.moc"
