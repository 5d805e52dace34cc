// Trace backends in the window: fetched traces merge into the open model
// off the GUI thread, links into them resolve, cancel keeps what arrived,
// an unresolved link in the details, the lanes or the graph fetches its
// target and shows it, a fetched trace says where it came from, and the
// dialogs search, test the connection and keep secrets out of the settings file.

#include "common/backendstore.h"

#include "ui/backendcontroller.h"
#include "ui/backendsdialog.h"
#include "ui/backendsearchdialog.h"
#include "ui/detailsmodel.h"
#include "ui/detailspanel.h"
#include "ui/graphview.h"
#include "ui/laneslayout.h"
#include "ui/lanesview.h"
#include "ui/mainwindow.h"
#include "ui/tracelistmodel.h"
#include "ui/session.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QIcon>
#include <QTimeZone>
#include <QToolButton>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
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
using causeway::test::FakeReply;
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

void configure(const std::vector<backend::BackendConfig> &backends)
{
    std::string error;
    QVERIFY2(backend::saveBackends(qgetenv("CAUSEWAY_BACKENDS_FILE").toStdString(), backends, error), error.c_str());
}

int requestsFor(const FakeBackend &server, const TraceId &id)
{
    int n = 0;
    for (const FakeRequest &r : server.requests())
        n += r.path.find(id.hex()) != std::string::npos;
    return n;
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

    // Each test starts with no backends configured.
    void init()
    {
        QFile::remove(m_dir.filePath(QStringLiteral("backends.json")));
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

    // The lanes draw a stub for the link to trace 2, which is not loaded; a
    // click on it fetches trace 2 through the configured backend and focuses
    // it; the lanes then show trace 1 below it and a stub towards trace 3,
    // whose click grows the picture by one more trace.
    void clickingALaneStubFetchesItsTarget()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {});
        store.delayMs = 100;
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        configure({tempo(server)});
        MainWindow window;
        window.resize(1400, 900);
        window.session()->setModel(localModel());
        window.session()->navigateTo(0);
        window.showView(MainWindow::View::Lanes);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *controller = window.findChild<BackendController *>();
        QVERIFY(controller);
        QSignalSpy finished(controller, &BackendController::finished);
        QSignalSpy asked(window.lanes(), &LanesView::missingTraceActivated);

        QTRY_COMPARE(window.lanes()->lanesLayout().stubs.size(), size_t(1));
        const LaneStub stub = window.lanes()->lanesLayout().stubs[0];
        QCOMPARE(stub.target, TestModel::traceId(2));
        QCOMPARE(stub.lane, window.lanes()->lanesLayout().focusLane);
        QTest::mouseClick(window.lanes()->canvas(), Qt::LeftButton, {}, stub.marker.center().toPoint());
        QCOMPARE(asked.size(), 1);
        // Progress and cancel show in the status bar while it runs.
        QVERIFY(controller->isRunning());
        QVERIFY(controller->statusWidget()->findChild<QToolButton *>()->isVisible());
        QVERIFY(finished.wait(10000));
        QVERIFY2(finished[0][0].toBool(), qPrintable(finished[0][1].toString()));
        const auto model = window.session()->model();
        QCOMPARE(model->traces.size(), size_t(2));
        QCOMPARE(model->traces[window.session()->focusTrace()].id, TestModel::traceId(2));
        QCOMPARE(unresolved(*model), 1u); // 2 -> 3: one more click away
        QCOMPARE(requestsFor(server, TestModel::traceId(2)), 1);
        QCOMPARE(requestsFor(server, TestModel::traceId(3)), 0); // a click fetches its target, nothing beyond

        // Trace 1 is now a lane below the fetched trace, and trace 3 a stub.
        QTRY_COMPARE(window.lanes()->lanesLayout().lanes.size(), size_t(2));
        QTRY_COMPARE(window.lanes()->lanesLayout().stubs.size(), size_t(1));
        const LaneStub next = window.lanes()->lanesLayout().stubs[0];
        QCOMPARE(next.target, TestModel::traceId(3));
        QTest::mouseClick(window.lanes()->canvas(), Qt::LeftButton, {}, next.marker.center().toPoint());
        QVERIFY(finished.wait(10000));
        QCOMPARE(window.session()->model()->traces.size(), size_t(3));
        QCOMPARE(unresolved(*window.session()->model()), 0u);
        QCOMPARE(window.session()->model()->traces[window.session()->focusTrace()].id, TestModel::traceId(3));
        // Back returns to where the clicks were.
        window.session()->back();
        QCOMPARE(window.session()->model()->traces[window.session()->focusTrace()].id, TestModel::traceId(2));
    }

    // One span linking to two traces that are not loaded: two stubs, side by
    // side, neither hiding the other's id; a trace whose span alone is
    // missing gets none (fetching would not bring it).
    void stubsOfOneSpanDoNotOverlap()
    {
        TestModel b("local-svc");
        b.add({1, 101, 0, 1'700'000'000'000'000'000ULL, 50'000'000, "consume", {{2, 201}, {3, 301}, {4, 999}}});
        b.add({4, 401, 0, 1'700'000'000'000'000'000ULL, 10'000'000, "produce"});
        Session session;
        session.setModel(std::make_shared<Model>(b.finish()));
        session.navigateTo(session.model()->findTrace(TestModel::traceId(1)));
        LanesView view(&session);
        view.resize(1200, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_COMPARE(view.lanesLayout().stubs.size(), size_t(2));
        const auto &stubs = view.lanesLayout().stubs;
        QCOMPARE(stubs[0].target, TestModel::traceId(2));
        QCOMPARE(stubs[1].target, TestModel::traceId(3));
        QCOMPARE(stubs[0].span, stubs[1].span);
        QVERIFY(!stubs[0].marker.intersects(stubs[1].marker));
        QSignalSpy asked(&view, &LanesView::missingTraceActivated);
        QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, stubs[1].marker.center().toPoint());
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0][0].toString(), QString::fromStdString(TestModel::traceId(3).hex()));
    }

    void cancellingALinkFetchKeepsTheModel()
    {
        BackendStore store;
        store.add(2, {});
        store.delayMs = 3000;
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        configure({tempo(server)});
        MainWindow window;
        window.resize(1400, 900);
        window.session()->setModel(localModel());
        window.session()->navigateTo(0);
        window.showView(MainWindow::View::Lanes);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto *controller = window.findChild<BackendController *>();
        QSignalSpy finished(controller, &BackendController::finished);
        QTRY_COMPARE(window.lanes()->lanesLayout().stubs.size(), size_t(1));
        const auto before = window.session()->model();
        QTest::mouseClick(window.lanes()->canvas(), Qt::LeftButton, {},
                          window.lanes()->lanesLayout().stubs[0].marker.center().toPoint());
        QVERIFY(controller->isRunning());
        QTest::qWait(200);
        QElapsedTimer clock;
        clock.start();
        QTest::mouseClick(controller->statusWidget()->findChild<QToolButton *>(), Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY(clock.elapsed() < 2500); // did not wait for the slow answer
        QCOMPARE(window.session()->model(), before);
        QCOMPARE(window.session()->focusTrace(), 0u);
        QVERIFY(controller->lastSummary().contains(QStringLiteral("cancelled")));
    }

    // The trace graph ends the link at a "not loaded" node; a click fetches it.
    void clickingANotLoadedGraphNodeFetchesIt()
    {
        BackendStore store;
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        configure({tempo(server)});
        MainWindow window;
        window.resize(1400, 900);
        window.session()->setModel(localModel());
        window.session()->navigateTo(0);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy laidOut(window.graph(), &GraphView::layoutFinished);
        window.showView(MainWindow::View::Graph);
        QTRY_VERIFY(window.graph()->picture() && window.graph()->picture()->hasLayout() && !window.graph()->isLayingOut());
        const GraphPicture *picture = window.graph()->picture();
        int missing = -1;
        for (size_t i = 0; i < picture->graph().nodes.size(); ++i)
            if (picture->graph().nodes[i].notLoaded)
                missing = int(i);
        QVERIFY(missing >= 0);
        QCOMPARE(picture->graph().nodes[size_t(missing)].missing, TestModel::traceId(2));
        QVERIFY(picture->nodeLines(missing).join(QLatin1Char(' ')).contains(QStringLiteral("not loaded")));
        QCOMPARE(picture->graph().edges.size(), size_t(1));
        QVERIFY(picture->edgeLabel(0).contains(QStringLiteral("not loaded")));

        auto *controller = window.findChild<BackendController *>();
        QSignalSpy finished(controller, &BackendController::finished);
        QSignalSpy asked(window.graph(), &GraphView::missingTraceActivated);
        QTest::mouseClick(window.graph(), Qt::LeftButton, {}, window.graph()->toWidget(picture->nodeRect(missing).center()).toPoint());
        QCOMPARE(asked.size(), 1);
        QVERIFY(finished.wait(10000));
        const auto model = window.session()->model();
        QCOMPARE(model->traces.size(), size_t(2));
        QCOMPARE(model->traces[window.session()->focusTrace()].id, TestModel::traceId(2));
        // The new picture has both traces and no placeholder.
        QTRY_VERIFY(window.graph()->picture() && window.graph()->picture()->graph().nodes.size() == 2
                    && !window.graph()->isLayingOut());
        for (const GraphNode &n : window.graph()->picture()->graph().nodes)
            QVERIFY(!n.notLoaded);
    }

    // The trace list and the details say which trace came from which backend, and when.
    void fetchedTracesAreMarked()
    {
        BackendStore store;
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QWidget window;
        Session session;
        session.setModel(localModel());
        session.navigateTo(0);
        BackendController controller(&session, &window);
        QSignalSpy finished(&controller, &BackendController::finished);
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        BackendController::Request request;
        request.ids = {TestModel::traceId(2)};
        QVERIFY(controller.start(tempo(server), request));
        QVERIFY(finished.wait(10000));
        const auto model = session.model();
        const uint32_t fetched = model->findTrace(TestModel::traceId(2)), local = model->findTrace(TestModel::traceId(1));
        QVERIFY(fetched != kNone && local != kNone);

        TraceListModel list;
        QAbstractItemModelTester tester(&list);
        list.setModel(model);
        const QString mark = list.index(int(fetched), TraceListModel::RootSpan).data(TraceListModel::FetchedRole).toString();
        QVERIFY2(mark.startsWith(QStringLiteral("fetched from tempo-test at ")), qPrintable(mark));
        const QDateTime at = QDateTime::fromString(mark.mid(27, 19), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        QVERIFY2(at.isValid(), qPrintable(mark.mid(27, 19)));
        QVERIFY(std::abs(QDateTime(at.date(), at.time(), QTimeZone::utc()).toSecsSinceEpoch() - before) < 60);
        QVERIFY(!list.index(int(fetched), TraceListModel::RootSpan).data(Qt::DecorationRole).value<QIcon>().isNull());
        QVERIFY(list.index(int(fetched), TraceListModel::Spans).data(Qt::ToolTipRole).toString().contains(mark));
        // The trace from the file has no mark.
        QVERIFY(list.index(int(local), TraceListModel::RootSpan).data(TraceListModel::FetchedRole).toString().isEmpty());
        QVERIFY(!list.index(int(local), TraceListModel::RootSpan).data(Qt::DecorationRole).isValid());
        QVERIFY(!list.index(int(local), TraceListModel::Spans).data(Qt::ToolTipRole).toString().contains(QStringLiteral("fetched")));

        // The details of a fetched span: the source row, with the URL it came from.
        session.navigateTo(fetched, model->traceSpans[model->traces[fetched].spans.first]);
        DetailsModel details;
        details.setSpan(model, session.selectedSpan());
        const QModelIndex span = details.section(QStringLiteral("Span"));
        bool found = false;
        for (int r = 0; r < details.rowCount(span); ++r) {
            const QModelIndex key = details.index(r, 0, span);
            if (key.data().toString() != QStringLiteral("source"))
                continue;
            found = true;
            QCOMPARE(key.siblingAtColumn(1).data().toString(), mark);
            QVERIFY(details.index(0, 1, key).data().toString().contains(QString::fromStdString(TestModel::traceId(2).hex())));
        }
        QVERIFY(found);
        // Opening files again clears the marks with the model they belong to.
        session.setModel(localModel());
        list.setModel(session.model());
        QVERIFY(list.index(0, 0).data(TraceListModel::FetchedRole).toString().isEmpty());
    }

    void testConnectionReportsSuccessAndThePreciseError()
    {
        BackendStore store;
        store.add(2, {});
        bool requireToken = false;
        FakeBackend server([&](const FakeRequest &r) {
            // /api/echo answers anyone (as Tempo does); a search needs the token.
            if (requireToken && r.path == "/api/search" && r.header("authorization") != "Bearer tok-123")
                return FakeReply::text(401, "unauthorized");
            return store.answer(r);
        });
        backend::BackendConfig c = tempo(server);
        configure({c});
        {
            BackendsDialog dialog;
            QSignalSpy tested(&dialog, &BackendsDialog::connectionTested);
            auto *button = dialog.findChild<QPushButton *>(QStringLiteral("testConnection"));
            QVERIFY(button);
            QTest::mouseClick(button, Qt::LeftButton);
            QVERIFY(dialog.isTesting());
            QVERIFY(!button->isEnabled());
            QVERIFY(tested.wait(10000));
            QVERIFY2(tested[0][0].toBool(), qPrintable(tested[0][1].toString()));
            const QString text = dialog.findChild<QLabel *>(QStringLiteral("connectionResult"))->text();
            QVERIFY2(text.contains(QStringLiteral("Connected to backend tempo-test")), qPrintable(text));
            QVERIFY(text.contains(QStringLiteral("found 1 trace")));
            QVERIFY(button->isEnabled());
        }
        // Credentials refused: said as credentials; the token never shows.
        requireToken = true;
        c.auth = backend::AuthType::Bearer;
        c.secretStore = backend::SecretStore::Environment;
        c.secretEnv = "CAUSEWAY_TEST_CONNECTION_TOKEN";
        configure({c});
        qputenv("CAUSEWAY_TEST_CONNECTION_TOKEN", "wrong-tok-456");
        {
            BackendsDialog dialog;
            QSignalSpy tested(&dialog, &BackendsDialog::connectionTested);
            dialog.testConnection();
            QVERIFY(tested.wait(10000));
            QVERIFY(!tested[0][0].toBool());
            const QString message = tested[0][1].toString();
            QVERIFY2(message.contains(QStringLiteral("credentials")), qPrintable(message));
            QVERIFY(!message.contains(QStringLiteral("wrong-tok-456")));
        }
        qputenv("CAUSEWAY_TEST_CONNECTION_TOKEN", "tok-123");
        {
            BackendsDialog dialog;
            QSignalSpy tested(&dialog, &BackendsDialog::connectionTested);
            dialog.testConnection();
            QVERIFY(tested.wait(10000));
            QVERIFY2(tested[0][0].toBool(), qPrintable(tested[0][1].toString()));
        }
        // The variable unset: the message names it.
        qunsetenv("CAUSEWAY_TEST_CONNECTION_TOKEN");
        {
            BackendsDialog dialog;
            QSignalSpy tested(&dialog, &BackendsDialog::connectionTested);
            dialog.testConnection();
            QVERIFY(tested.wait(10000));
            QVERIFY(!tested[0][0].toBool());
            QVERIFY(tested[0][1].toString().contains(QStringLiteral("CAUSEWAY_TEST_CONNECTION_TOKEN is not set")));
        }
        // Nothing listening: unreachable, and the GUI thread was free meanwhile.
        backend::BackendConfig down = tempo(server);
        down.baseUrl = "http://127.0.0.1:" + std::to_string(FakeBackend::closedPort());
        configure({down});
        {
            BackendsDialog dialog;
            QSignalSpy tested(&dialog, &BackendsDialog::connectionTested);
            dialog.testConnection();
            QVERIFY(tested.wait(10000));
            QVERIFY(!tested[0][0].toBool());
            QVERIFY2(tested[0][1].toString().contains(QStringLiteral("unreachable")), qPrintable(tested[0][1].toString()));
        }
        // Jaeger (API v3), detected by asking: it lists its services.
        BackendStore jaegerStore;
        jaegerStore.shape = BackendStore::Shape::JaegerV3;
        FakeBackend jaeger([&](const FakeRequest &r) { return jaegerStore.answer(r); });
        backend::BackendConfig j;
        j.name = "jaeger-test";
        j.baseUrl = jaeger.url();
        configure({j});
        {
            BackendsDialog dialog;
            QSignalSpy tested(&dialog, &BackendsDialog::connectionTested);
            dialog.testConnection();
            QVERIFY(tested.wait(10000));
            QVERIFY2(tested[0][0].toBool(), qPrintable(tested[0][1].toString()));
            QVERIFY2(tested[0][1].toString().contains(QStringLiteral("as Jaeger (API v3): /api/v3/services lists 1 service")),
                     qPrintable(tested[0][1].toString()));
        }
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
