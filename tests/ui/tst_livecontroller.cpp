// Live data in the GUI: the controller feeds received and followed traces
// into the session without moving the user's place, links resolve when
// their target arrives, the retention cap reports what it dropped, and the
// receive dialog insists on an explicit choice for non-loopback addresses.

#include "common/httpclient.h"

#include "core/load.h"
#include "ui/livecontroller.h"
#include "ui/receivedialog.h"
#include "ui/session.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include "common/testutil.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QWidget>

#include <cstdio>
#include <fstream>

using namespace causeway;
using namespace causeway::ui;
using namespace causeway::test;

namespace {

// One trace of two spans starting at `start` ns; the child may link elsewhere.
std::string traceJson(int trace, uint64_t start, int linkTrace = 0)
{
    const std::string t = hexId(trace, 32);
    std::string link;
    if (linkTrace)
        link = ",\"links\":[{\"traceId\":\"" + hexId(linkTrace, 32) + "\",\"spanId\":\"" + hexId(linkTrace * 16 + 1, 16) + "\"}]";
    auto span = [&](int id, int parent, uint64_t s, const std::string &extra) {
        return "{\"traceId\":\"" + t + "\",\"spanId\":\"" + hexId(id, 16) + "\""
            + (parent ? ",\"parentSpanId\":\"" + hexId(parent, 16) + "\"" : std::string()) + ",\"name\":\"op\",\"startTimeUnixNano\":\""
            + std::to_string(s) + "\",\"endTimeUnixNano\":\"" + std::to_string(s + 1000) + "\"" + extra + "}";
    };
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"live\"}}]},"
           "\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":["
        + span(trace * 16 + 1, 0, start, "") + "," + span(trace * 16 + 2, trace * 16 + 1, start + 100, link) + "]}]}]}";
}

TraceId traceId(int n)
{
    TraceId id;
    parseId(hexId(n, 32), id);
    return id;
}

SpanId spanId(int n)
{
    SpanId id;
    parseId(hexId(n, 16), id);
    return id;
}

ReceiveSettings localSettings()
{
    ReceiveSettings s;
    s.httpAddress = QStringLiteral("127.0.0.1:0");
    s.grpcAddress = QStringLiteral("127.0.0.1:0");
    s.maxSpans = 0;
    return s;
}

} // namespace

class TestLiveController : public QObject
{
    Q_OBJECT

private slots:
    void receivedTracesKeepThePlace();
    void retentionCapIsReported();
    void followFile();
    void openedFilesStay();
    void traceListUpdatesInPlace();
    void bindsLoopbackByDefault();
    void refusesRemoteWithoutConsent();
    void dialogWarnsAboutRemote();
};

void TestLiveController::receivedTracesKeepThePlace()
{
    QWidget window;
    Session session;
    LiveController live(&session, &window);
    QString error;
    QVERIFY2(live.startReceiving(localSettings(), error), qPrintable(error));
    QVERIFY(live.isReceiving());
    QVERIFY(live.httpPort() != 0 && live.grpcPort() != 0);
    QVERIFY(live.statusText().contains(QStringLiteral("OTLP/HTTP http://127.0.0.1:%1/v1/traces").arg(live.httpPort())));
    QVERIFY(live.statusText().contains(QStringLiteral("OTLP/gRPC 127.0.0.1:%1").arg(live.grpcPort())));

    // An old trace, then a consumer linking to a producer that has not arrived yet.
    QSignalSpy published(&live, &LiveController::published);
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(1, 1000)).status, 200);
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(5, 5'000'000, 3)).status, 200);
    QVERIFY(published.wait(5000));
    live.publishNow();
    QCOMPARE(session.model()->spanCount(), size_t(4));
    QVERIFY(!session.model()->links[0].resolved());

    const uint32_t consumer = session.model()->findTrace(traceId(5));
    session.navigateTo(consumer, session.model()->findSpan(traceId(5), spanId(5 * 16 + 2)));
    session.setVisibleRange(5'000'050, 5'000'600);
    QSignalSpy focus(&session, &Session::focusChanged);

    // More traces arrive and the retention cap drops the oldest, so the
    // consumer's trace index moves.
    live.setRetention({0, 3, 0.0});
    for (int t = 2; t <= 3; ++t)
        QCOMPARE(post(live.httpPort(), "application/json", traceJson(t, uint64_t(t) * 1000)).status, 200);
    QVERIFY(published.wait(5000));
    live.publishNow();
    const auto &model = *session.model();
    QCOMPARE(model.spanCount(), size_t(6));
    QVERIFY(model.findTrace(traceId(1)) == kNone);
    // Still on the same trace and span, same range; the link now resolves.
    QCOMPARE(model.traces[session.focusTrace()].id, traceId(5));
    QCOMPARE(model.cold[session.selectedSpan()].spanId, spanId(5 * 16 + 2));
    QCOMPARE(session.current().viewStart, uint64_t(5'000'050));
    QCOMPARE(session.current().viewEnd, uint64_t(5'000'600));
    QVERIFY(session.focusTrace() != consumer);
    QVERIFY(!focus.isEmpty());
    QCOMPARE(focus.last().at(0).toUInt(), session.focusTrace());
    QVERIFY(model.links[0].resolved());
    QCOMPARE(model.cold[model.links[0].target].traceId, traceId(3));

    live.stopReceiving();
    QVERIFY(!live.isReceiving());
    QVERIFY(live.statusText().isEmpty());
    QVERIFY(!live.receiveAction()->isChecked());
}

void TestLiveController::retentionCapIsReported()
{
    QWidget window;
    Session session;
    LiveController live(&session, &window);
    ReceiveSettings settings = localSettings();
    settings.grpc = false;
    settings.maxTraces = 5;
    QString error;
    QVERIFY(live.startReceiving(settings, error));
    for (int t = 1; t <= 12; ++t)
        QCOMPARE(post(live.httpPort(), "application/json", traceJson(t, uint64_t(t) * 1000)).status, 200);
    live.publishNow();
    QVERIFY(session.model()->traces.size() <= 5);
    const auto stats = live.stats();
    QCOMPARE(stats.droppedTraces + stats.retainedTraces, uint64_t(12));
    QVERIFY(session.model()->findTrace(traceId(12)) != kNone);
    QVERIFY(session.model()->findTrace(traceId(1)) == kNone);
    QTRY_VERIFY(live.statusLabel()->text().contains(QStringLiteral("oldest traces")));
    QVERIFY(live.statusText().contains(QString::number(stats.droppedTraces) + QStringLiteral(" oldest traces")));
}

void TestLiveController::followFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("exporter.jsonl")).toStdString();
    {
        std::ofstream out(path);
        out << traceJson(1, 1000) << '\n';
    }
    QWidget window;
    Session session;
    LiveController live(&session, &window);
    QSignalSpy published(&live, &LiveController::published);
    live.follow(QString::fromStdString(path));
    QVERIFY(live.isFollowing());
    QVERIFY(live.statusText().contains(QStringLiteral("following exporter.jsonl")));
    QTRY_COMPARE_WITH_TIMEOUT(session.model() ? session.model()->spanCount() : size_t(0), size_t(2), 5000);
    {
        std::ofstream out(path, std::ios::app);
        out << traceJson(2, 2000, 1) << '\n';
    }
    QTRY_COMPARE_WITH_TIMEOUT(session.model()->spanCount(), size_t(4), 5000);
    QVERIFY(session.model()->links[0].resolved());
    live.stopFollowing();
    QVERIFY(!live.followAction()->isChecked());
}

void TestLiveController::openedFilesStay()
{
    auto modelOf = [](const std::string &json) {
        auto m = std::make_shared<Model>();
        loadBuffer("file", json, *m);
        m->finalize();
        return std::shared_ptr<const Model>(std::move(m));
    };
    QWidget window;
    Session session;
    session.setModel(modelOf(traceJson(1, 1000)));
    LiveController live(&session, &window);
    ReceiveSettings settings = localSettings();
    settings.grpc = false;
    QString error;
    QVERIFY(live.startReceiving(settings, error));
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(2, 2000, 1)).status, 200);
    live.publishNow();
    // Received data is added to what was open, and links into it resolve.
    QCOMPARE(session.model()->spanCount(), size_t(4));
    QVERIFY(session.model()->links[0].resolved());

    // Opening another file while receiving: later data joins the new file.
    session.setModel(modelOf(traceJson(7, 7000)));
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(8, 8000, 7)).status, 200);
    live.publishNow();
    QCOMPARE(session.model()->spanCount(), size_t(4));
    QVERIFY(session.model()->findTrace(traceId(7)) != kNone);
    QVERIFY(session.model()->findTrace(traceId(8)) != kNone);
    QVERIFY(session.model()->findTrace(traceId(1)) == kNone);
    QVERIFY(session.model()->links[0].resolved());
}

void TestLiveController::traceListUpdatesInPlace()
{
    QWidget window;
    Session session;
    LiveController live(&session, &window);
    TraceListPanel panel(&session, &window);
    auto *list = panel.findChild<TraceListModel *>();
    auto *view = panel.findChild<QTableView *>();
    QVERIFY(list && view);
    QAbstractItemModelTester tester(list, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    ReceiveSettings settings = localSettings();
    settings.grpc = false;
    QVERIFY2(live.startReceiving(settings, error), qPrintable(error));
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(1, 1000)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(live.stats().spansReceived, uint64_t(2), 5000);
    live.publishNow();
    QCOMPARE(list->rowCount(), 1);

    QSignalSpy resets(list, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(list, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(list, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(list, &QAbstractItemModel::dataChanged);
    for (int t = 2; t <= 3; ++t)
        QCOMPARE(post(live.httpPort(), "application/json", traceJson(t, uint64_t(t) * 1000)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(live.stats().spansReceived, uint64_t(6), 5000);
    live.publishNow();
    QCOMPARE(list->rowCount(), 3);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 1);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);

    // The user is on trace 2; a new trace links to it: one row more, trace
    // 2's row changes (one link in) and stays the current one.
    const uint32_t two = session.model()->findTrace(traceId(2));
    session.navigateTo(two);
    QCOMPARE(view->currentIndex().siblingAtColumn(0).data(TraceListModel::TraceRole).toUInt(), two);
    changed.clear();
    inserted.clear();
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(4, 4000, 2)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(live.stats().spansReceived, uint64_t(8), 5000);
    live.publishNow();
    QCOMPARE(resets.count(), 0);
    QCOMPARE(list->rowCount(), 4);
    QCOMPARE(inserted.count(), 1);
    bool twoChanged = false;
    for (const auto &args : changed)
        twoChanged = twoChanged || (args.at(0).toModelIndex().row() <= int(two) && args.at(1).toModelIndex().row() >= int(two));
    QVERIFY(twoChanged);
    QCOMPARE(list->index(int(two), TraceListModel::LinksIn).data().toString(), QStringLiteral("1"));
    QCOMPARE(view->currentIndex().siblingAtColumn(0).data(TraceListModel::TraceRole).toUInt(), two);

    // The cap: the oldest trace's row goes, the new one comes, no reset.
    live.setRetention({0, 4, 0.0});
    QCOMPARE(post(live.httpPort(), "application/json", traceJson(6, 6000)).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(live.stats().spansReceived, uint64_t(10), 5000);
    live.publishNow();
    QCOMPARE(resets.count(), 0);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 0);
    QCOMPARE(removed.at(0).at(2).toInt(), 0);
    QCOMPARE(list->rowCount(), 4);
    QCOMPARE(session.model()->findTrace(traceId(1)), kNone);
    for (int row = 0; row < list->rowCount(); ++row)
        QCOMPARE(list->index(row, 0).data(TraceListModel::TraceRole).toUInt(), uint32_t(row));
    // Still on trace 2, now at another index.
    QCOMPARE(session.focusTrace(), session.model()->findTrace(traceId(2)));
    QCOMPARE(view->currentIndex().siblingAtColumn(0).data(TraceListModel::TraceRole).toUInt(), session.focusTrace());
}

void TestLiveController::bindsLoopbackByDefault()
{
    // What the user gets without changing anything: this machine only.
    const ReceiveSettings defaults;
    QCOMPARE(defaults.httpAddress, QStringLiteral("127.0.0.1:4318"));
    QCOMPARE(defaults.grpcAddress, QStringLiteral("127.0.0.1:4317"));
    QVERIFY(!defaults.allowRemote);
    QWidget window;
    Session session;
    LiveController live(&session, &window);
    ReceiveSettings settings;
    // The default addresses with free ports, so a running receiver does not get in the way.
    settings.httpAddress.replace(QStringLiteral(":4318"), QStringLiteral(":0"));
    settings.grpcAddress.replace(QStringLiteral(":4317"), QStringLiteral(":0"));
    QString error;
    QVERIFY2(live.startReceiving(settings, error), qPrintable(error));
    QVERIFY(live.statusText().contains(QStringLiteral("http://127.0.0.1:%1/").arg(live.httpPort())));
    QVERIFY(live.statusText().contains(QStringLiteral("OTLP/gRPC 127.0.0.1:%1").arg(live.grpcPort())));
    QVERIFY(!live.statusText().contains(QStringLiteral("open to other machines")));
}

void TestLiveController::refusesRemoteWithoutConsent()
{
    QWidget window;
    Session session;
    LiveController live(&session, &window);
    ReceiveSettings settings = localSettings();
    settings.httpAddress = QStringLiteral("0.0.0.0:0");
    QString error;
    QVERIFY(!live.startReceiving(settings, error));
    QVERIFY(error.contains(QStringLiteral("other machines")));
    QVERIFY(!live.isReceiving());
    settings.httpAddress = QStringLiteral("not an address");
    QVERIFY(!live.startReceiving(settings, error));
    QVERIFY(!live.isReceiving());
}

void TestLiveController::dialogWarnsAboutRemote()
{
    ReceiveDialog dialog(ReceiveSettings{});
    auto *http = dialog.findChild<QLineEdit *>(QStringLiteral("httpAddress"));
    auto *allow = dialog.findChild<QCheckBox *>(QStringLiteral("allowRemote"));
    auto *warning = dialog.findChild<QLabel *>(QStringLiteral("remoteWarning"));
    auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(http && allow && warning && ok);
    QCOMPARE(http->text(), QStringLiteral("127.0.0.1:4318"));
    QCOMPARE(dialog.findChild<QLineEdit *>(QStringLiteral("grpcAddress"))->text(), QStringLiteral("127.0.0.1:4317"));
    QVERIFY(warning->text().isEmpty());
    QVERIFY(ok->isEnabled());
    http->setText(QStringLiteral("0.0.0.0:4318"));
    QVERIFY(!warning->text().isEmpty());
    QVERIFY(!ok->isEnabled());
    allow->setChecked(true);
    QVERIFY(ok->isEnabled());
    QVERIFY(warning->text().contains(QStringLiteral("Anyone")));
    const ReceiveSettings s = dialog.settings();
    QCOMPARE(s.httpAddress, QStringLiteral("0.0.0.0:4318"));
    QVERIFY(s.allowRemote);
    QCOMPARE(s.maxSpans, ReceiveSettings{}.maxSpans);
    // The cap reads in spans, digits grouped, and any count can be typed.
    auto *maxSpans = dialog.findChild<QSpinBox *>(QStringLiteral("maxSpans"));
    QVERIFY(maxSpans);
    QCOMPARE(maxSpans->text(), QLocale().toString(2'000'000) + QStringLiteral(" spans"));
    maxSpans->setValue(1'250'000);
    QCOMPARE(dialog.settings().maxSpans, uint64_t(1'250'000));
    maxSpans->setValue(0);
    QCOMPARE(maxSpans->text(), QStringLiteral("no limit"));
    QCOMPARE(dialog.settings().maxSpans, uint64_t(0));
}

QTEST_MAIN(TestLiveController)
#include "tst_livecontroller.moc"
