// The trace list: model invariants, numeric sorting, text filter, links-only
// toggle, and selection driving the session.

#include "shellmodel.h"

#include "core/live/livemodel.h"
#include "core/load.h"
#include "ui/session.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace causeway;
using namespace causeway::ui;

namespace {
// One request of `count` one-span traces, trace n starting at n µs.
Model tracesFragment(int first, int count)
{
    std::string json = "{\"resourceSpans\":[{\"resource\":{},\"scopeSpans\":[{\"scope\":{},\"spans\":[";
    for (int n = first; n < first + count; ++n) {
        char ids[80];
        std::snprintf(ids, sizeof ids, "\"traceId\":\"%032x\",\"spanId\":\"%016x\"", n, n);
        json += std::string(n > first ? "," : "") + "{" + ids + ",\"name\":\"op\",\"startTimeUnixNano\":\""
            + std::to_string(uint64_t(n) * 1000) + "\",\"endTimeUnixNano\":\"" + std::to_string(uint64_t(n) * 1000 + 500) + "\"}";
    }
    json += "]}]}]}";
    Model m;
    loadBuffer("live", json, m);
    return m;
}
} // namespace

class TestTraceListModel : public QObject
{
    Q_OBJECT
private slots:
    void passesModelTester()
    {
        TraceListModel model;
        TraceFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester sourceTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto shell = test::makeShellModel();
        model.setModel(shell.model);
        QCOMPARE(model.rowCount(), 4);
        proxy.sort(TraceListModel::Spans);
        proxy.setText(QStringLiteral("orders"));
        proxy.setOnlyLinked(true);
        proxy.setText({});
        model.setModel(nullptr);
        QCOMPARE(proxy.rowCount(), 0);
    }

    void showsTraceSummaries()
    {
        const auto shell = test::makeShellModel();
        TraceListModel model;
        model.setModel(shell.model);
        auto cell = [&](uint32_t trace, int column) { return model.index(int(trace), column).data().toString(); };
        QCOMPARE(cell(shell.checkout, TraceListModel::RootSpan), QStringLiteral("checkout"));
        QCOMPARE(cell(shell.consume, TraceListModel::Services), QStringLiteral("billing"));
        QCOMPARE(cell(shell.consume, TraceListModel::Errors), QStringLiteral("1"));
        QCOMPARE(cell(shell.retry, TraceListModel::LinksOut), QStringLiteral("2"));
        QCOMPARE(cell(shell.consume, TraceListModel::LinksIn), QStringLiteral("1"));
        QCOMPARE(cell(shell.lone, TraceListModel::Spans), QStringLiteral("12"));
        QCOMPARE(cell(shell.consume, TraceListModel::Duration), QStringLiteral("100 µs"));
        QCOMPARE(cell(shell.checkout, TraceListModel::Start), QStringLiteral("01-01 00:00:01.000"));
    }

    void largeRefreshInsertsRowsInSlices()
    {
        // A refresh with thousands of new traces inserts one slice of rows at
        // once and the rest on later turns of the event loop; a refresh that
        // evicts traces not shown yet has no row to remove for them.
        live::LiveModel live;
        TraceListModel model;
        TraceFilterProxy proxy;
        proxy.setSourceModel(&model);
        proxy.sort(TraceListModel::Start, Qt::DescendingOrder);
        QAbstractItemModelTester sourceTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto refresh = [&](int first, int count) {
            live.add(tracesFragment(first, count));
            live.publish();
            const live::Published p = live.take();
            model.applyChanges(p.model, p.changes);
            return p.model;
        };
        refresh(1, 10);
        QCOMPARE(model.rowCount(), 10);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        auto shown = refresh(11, 4000);
        QCOMPARE(model.rowCount(), 10 + TraceListModel::kRowsPerSlice);
        QCOMPARE(model.pendingRows(), 4000 - TraceListModel::kRowsPerSlice);
        QCOMPARE(proxy.rowCount(), model.rowCount());

        // Keep 1000 traces: the oldest 3020 go, shown or not.
        live.setRetention({0, 1000, 0.0});
        shown = refresh(4011, 10);
        QCOMPARE(shown->traces.size(), size_t(1000));
        QVERIFY(model.rowCount() <= 1000);
        QTRY_COMPARE(model.pendingRows(), 0);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.rowCount(), 1000);
        QCOMPARE(proxy.rowCount(), 1000);
        for (int row = 0; row < model.rowCount(); ++row) {
            QCOMPARE(model.index(row, 0).data(TraceListModel::TraceRole).toUInt(), uint32_t(row));
            QCOMPARE(model.index(row, TraceListModel::Start).data(TraceListModel::SortRole).toULongLong(),
                     qulonglong(shown->traces[uint32_t(row)].start));
        }
        // Newest first in the sorted view.
        QCOMPARE(proxy.index(0, TraceListModel::Start).data(TraceListModel::SortRole).toULongLong(), qulonglong(4020 * 1000));
    }

    void sortsNumbersAsNumbers_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QList<uint>>("ascending");
        // Spans: 2, 2, 1, 12; as text "12" would sort before "2".
        QTest::newRow("spans") << int(TraceListModel::Spans) << QList<uint>{2, 0, 1, 3};
        // Durations 9 µs, 100 µs, 500 ns, 20 µs; as text "100 µs" < "20 µs" < "500 ns" < "9 µs".
        QTest::newRow("duration") << int(TraceListModel::Duration) << QList<uint>{2, 0, 3, 1};
        // The lone trace starts first, 0.1 s before the others.
        QTest::newRow("start") << int(TraceListModel::Start) << QList<uint>{3, 0, 1, 2};
    }

    void sortsNumbersAsNumbers()
    {
        QFETCH(int, column);
        QFETCH(QList<uint>, ascending);
        const auto shell = test::makeShellModel();
        TraceListModel model;
        TraceFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setModel(shell.model);
        proxy.sort(column, Qt::AscendingOrder);
        QList<uint> order;
        for (int r = 0; r < proxy.rowCount(); ++r)
            order << proxy.traceAt(r);
        QCOMPARE(order, ascending);
        proxy.sort(column, Qt::DescendingOrder);
        QCOMPARE(proxy.traceAt(0), ascending.last());
    }

    void filtersByTextAndLinks()
    {
        const auto shell = test::makeShellModel();
        TraceListModel model;
        TraceFilterProxy proxy;
        proxy.setSourceModel(&model);
        model.setModel(shell.model);

        proxy.setText(QStringLiteral("CHARGE"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.traceAt(0), shell.retry);
        // By service name, and every word must match.
        proxy.setText(QStringLiteral("billing consume"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.traceAt(0), shell.consume);
        proxy.setText(QStringLiteral("billing nightly"));
        QCOMPARE(proxy.rowCount(), 0);
        // By trace id: trace 4 is 0x0100..0004.
        proxy.setText(QStringLiteral("00000004"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.traceAt(0), shell.lone);

        proxy.setText({});
        proxy.setOnlyLinked(true);
        QCOMPARE(proxy.rowCount(), 3);
        QCOMPARE(proxy.rowForTrace(shell.lone), -1);
        QVERIFY(proxy.rowForTrace(shell.checkout) >= 0); // linked to (incoming only)
        proxy.setOnlyLinked(false);
        QCOMPARE(proxy.rowCount(), 4);
    }

    void panelSelectionNavigatesAndFollowsFocus()
    {
        const auto shell = test::makeShellModel();
        Session session;
        TraceListPanel panel(&session);
        session.setModel(shell.model);
        QCOMPARE(panel.proxy()->rowCount(), 4);

        QSignalSpy focus(&session, &Session::focusChanged);
        const int row = panel.proxy()->rowForTrace(shell.lone);
        panel.view()->selectRow(row);
        QCOMPARE(session.focusTrace(), shell.lone);
        QCOMPARE(focus.count(), 1);
        QVERIFY(session.canGoBack());

        // Navigation elsewhere moves the current row along.
        session.navigateTo(shell.retry);
        QCOMPARE(panel.proxy()->traceAt(panel.view()->currentIndex().row()), shell.retry);
        session.back();
        QCOMPARE(panel.proxy()->traceAt(panel.view()->currentIndex().row()), shell.lone);

        // The filter and the toggle are wired to the proxy.
        panel.filterEdit()->setText(QStringLiteral("retry"));
        QCOMPARE(panel.proxy()->rowCount(), 1);
        panel.filterEdit()->clear();
        panel.onlyLinkedBox()->setChecked(true);
        QCOMPARE(panel.proxy()->rowCount(), 3);
    }
};

QTEST_MAIN(TestTraceListModel)
#include "tst_tracelistmodel.moc"
