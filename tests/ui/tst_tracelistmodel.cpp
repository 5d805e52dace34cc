// The trace list: model invariants, numeric sorting, text filter, links-only
// toggle, and selection driving the session.

#include "shellmodel.h"

#include "tests/common/modelbuilder.h"
#include "tests/common/testutil.h"

#include "core/live/livemodel.h"
#include "core/load.h"
#include "ui/session.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QCheckBox>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <numeric>

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

// `count` traces with few distinct root names (some differing only in
// case), 1 to 5 spans, scattered starts and durations, every third linked
// to the one before, a few with errors.
std::shared_ptr<const Model> scaleModel(uint32_t count)
{
    test::TestModelBuilder b("checkout-api");
    const std::string names[] = {"GET /cart", "get /cart", "POST /pay", "Reserve item", "ship", "Audit", "zeta"};
    uint64_t x = 88172645463325252ull;
    for (uint32_t t = 0; t < count; ++t) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        const uint64_t start = (x % 1000) * 1000'000; // many equal starts: ties keep trace order
        const uint32_t spans = 1 + t % 5;
        for (uint32_t s = 1; s <= spans; ++s) {
            test::TestModelBuilder::SpanSpec spec{.trace = t + 1, .span = s, .parent = s == 1 ? 0u : 1u,
                                                  .start = start + s, .duration = 1000 + (x >> 20) % 50'000,
                                                  .name = names[(t * 7 + (x & 3)) % 7],
                                                  .status = s == 2 && t % 11 == 0 ? StatusCode::Error : StatusCode::Unset};
            if (s == 1 && t % 3 == 2)
                spec.links = {{.trace = t, .span = 1}};
            b.add(spec);
        }
    }
    return std::make_shared<const Model>(b.finish());
}

// The order QSortFilterProxyModel gave: a stable sort of source rows by
// SortRole's values (text as lowercase text, numbers as numbers), kept when
// FilterTextRole holds every word.
QList<uint> expectedOrder(const TraceListModel &list, int column, Qt::SortOrder order, const QString &text)
{
    const QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QList<uint> rows;
    for (int r = 0; r < list.rowCount(); ++r) {
        const QString hay = list.index(r, 0).data(TraceListModel::FilterTextRole).toString();
        if (std::all_of(words.begin(), words.end(), [&](const QString &w) { return hay.contains(w, Qt::CaseInsensitive); }))
            rows << uint(r);
    }
    auto value = [&](uint r) { return list.index(int(r), column).data(TraceListModel::SortRole); };
    std::stable_sort(rows.begin(), rows.end(), [&](uint a, uint b) {
        const QVariant va = value(a), vb = value(b);
        const int c = va.typeId() == QMetaType::QString ? va.toString().compare(vb.toString())
                                                        : (va.toULongLong() < vb.toULongLong() ? -1 : va.toULongLong() > vb.toULongLong());
        return order == Qt::AscendingOrder ? c < 0 : c > 0;
    });
    return rows;
}

QList<uint> shownOrder(const TraceFilterProxy &proxy)
{
    QList<uint> rows;
    for (int r = 0; r < proxy.rowCount(); ++r)
        rows << proxy.traceAt(r);
    return rows;
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
        // All on one day: the time alone, the day in the header's tooltip.
        QCOMPARE(cell(shell.checkout, TraceListModel::Start), QStringLiteral("00:00:01.000"));
        QVERIFY(model.headerData(TraceListModel::Start, Qt::Horizontal, Qt::ToolTipRole).toString().endsWith(
            QStringLiteral("all of them on 1970-01-01")));
    }

    void startShowsTheDayWhenTracesSpanDays()
    {
        // Live: a trace, then one a day later. Month and day come back for
        // every row shown, and the header stops naming one day.
        const uint64_t day = 86'400ull * 1'000'000'000ull;
        auto trace = [&](int t) {
            const std::string id = test::hexId(t, 32);
            const std::string json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"" + id
                + "\",\"spanId\":\"" + test::hexId(t, 16) + "\",\"name\":\"op\",\"startTimeUnixNano\":\""
                + std::to_string(day * uint64_t(t) + 5'000'000) + "\",\"endTimeUnixNano\":\""
                + std::to_string(day * uint64_t(t) + 6'000'000) + "\"}]}]}]}";
            Model m;
            loadBuffer("day", json, m);
            return m;
        };
        live::LiveModel live;
        TraceListModel model;
        auto refresh = [&](int t) {
            live.add(trace(t));
            live.publish();
            const live::Published p = live.take();
            if (model.model())
                model.applyChanges(p.model, p.changes);
            else
                model.setModel(p.model);
        };
        auto tip = [&] { return model.headerData(TraceListModel::Start, Qt::Horizontal, Qt::ToolTipRole).toString(); };
        refresh(1);
        QCOMPARE(model.index(0, TraceListModel::Start).data().toString(), QStringLiteral("00:00:00.005"));
        QVERIFY2(tip().endsWith(QStringLiteral("all of them on 1970-01-02")), qPrintable(tip()));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        refresh(2);
        while (model.insertSlice()) {
        }
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(0, TraceListModel::Start).data().toString(), QStringLiteral("01-02 00:00:00.005"));
        QCOMPARE(model.index(1, TraceListModel::Start).data().toString(), QStringLiteral("01-03 00:00:00.005"));
        QVERIFY2(!tip().contains(QStringLiteral("all of them")), qPrintable(tip()));
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

    void sortsFiltersAndKeepsSelectionAtScale_data()
    {
        QTest::addColumn<int>("traces");
        QTest::addColumn<bool>("onWorker");
        for (int n : {3, 40, 1000, 10'000}) {
            QTest::addRow("%d traces, inline", n) << n << false;
            QTest::addRow("%d traces, on a worker", n) << n << true;
        }
    }

    void sortsFiltersAndKeepsSelectionAtScale()
    {
        // Every column both ways in the order the old per-row comparison
        // gave; the selected trace stays selected; a filter keeps what
        // FilterTextRole matches. On a worker (asyncRows 0) each request
        // lands in one update and a newer one cancels an older.
        QFETCH(int, traces);
        QFETCH(bool, onWorker);
        const auto model = scaleModel(uint32_t(traces));
        TraceListModel list;
        TraceFilterProxy proxy;
        if (onWorker)
            proxy.setAsyncRows(0);
        proxy.setSourceModel(&list);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QItemSelectionModel selection(&proxy);
        QSignalSpy busy(&proxy, &TraceFilterProxy::busyChanged);
        proxy.sort(TraceListModel::Start);
        list.setModel(model);
        QTRY_VERIFY(!proxy.isBusy());
        QCOMPARE(proxy.rowCount(), traces);
        QCOMPARE(busy.isEmpty(), !onWorker);

        const uint32_t chosen = uint32_t(traces / 2);
        selection.setCurrentIndex(proxy.index(proxy.rowForTrace(chosen), 0),
                                  QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QSignalSpy layouts(&proxy, &QAbstractItemModel::layoutChanged);
        QSignalSpy resets(&proxy, &QAbstractItemModel::modelReset);
        for (int column = 0; column < TraceListModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                layouts.clear();
                proxy.sort(column, order);
                QTRY_VERIFY(!proxy.isBusy());
                QCOMPARE(layouts.count(), 1);
                QCOMPARE(shownOrder(proxy), expectedOrder(list, column, order, {}));
                QCOMPARE(proxy.traceAt(selection.currentIndex().row()), chosen);
                QVERIFY(selection.isRowSelected(selection.currentIndex().row()));
            }
        }
        QCOMPARE(resets.count(), 0);

        // A newer sort cancels the one running: one update, in the newer order.
        layouts.clear();
        proxy.sort(TraceListModel::Spans, Qt::DescendingOrder);
        proxy.sort(TraceListModel::Duration, Qt::AscendingOrder);
        QTRY_VERIFY(!proxy.isBusy());
        QCOMPARE(layouts.count(), onWorker ? 1 : 2);
        QCOMPARE(shownOrder(proxy), expectedOrder(list, TraceListModel::Duration, Qt::AscendingOrder, {}));

        // Filters: by root name (any case), by two words, by part of a trace id.
        const QString idPart = QString::fromLatin1(model->traces[chosen].id.hex().substr(24));
        for (const QString &text : {QStringLiteral("CART"), QStringLiteral("pay checkout"), QStringLiteral("/cart get"),
                                    idPart, QStringLiteral("nothing-like-this")}) {
            proxy.setText(text);
            QTRY_VERIFY(!proxy.isBusy());
            QCOMPARE(shownOrder(proxy), expectedOrder(list, TraceListModel::Duration, Qt::AscendingOrder, text));
        }
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setText(idPart);
        QTRY_VERIFY(!proxy.isBusy());
        QVERIFY(proxy.rowForTrace(chosen) >= 0);
        proxy.setText({});
        proxy.setOnlyLinked(true);
        QTRY_VERIFY(!proxy.isBusy());
        for (int r = 0; r < proxy.rowCount(); ++r) {
            const Trace &t = model->traces[proxy.traceAt(r)];
            QVERIFY(t.linksIn + t.linksOut > 0);
        }
        QCOMPARE(proxy.rowCount(), int(std::count_if(model->traces.begin(), model->traces.end(),
                                                     [](const Trace &t) { return t.linksIn + t.linksOut > 0; })));
    }

    void rowsArrivingDuringASortOnAWorker()
    {
        // Live data with every sort on a worker: rows that arrive while a
        // sort runs are merged into its result; evicted rows leave; the
        // source is never reset.
        live::LiveModel live;
        TraceListModel model;
        TraceFilterProxy proxy;
        proxy.setAsyncRows(0);
        proxy.setSourceModel(&model);
        proxy.sort(TraceListModel::Start, Qt::DescendingOrder);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        std::shared_ptr<const Model> shown;
        auto refresh = [&](int first, int count) {
            live.add(tracesFragment(first, count));
            live.publish();
            const live::Published p = live.take();
            model.applyChanges(p.model, p.changes);
            shown = p.model;
        };
        refresh(1, 10);
        refresh(11, 3000); // the first slice lands while the first sort runs
        QTRY_VERIFY(model.pendingRows() == 0 && !proxy.isBusy());
        QCOMPARE(proxy.rowCount(), 3010);
        live.setRetention({0, 1000, 0.0});
        refresh(3011, 10);
        QTRY_VERIFY(model.pendingRows() == 0 && !proxy.isBusy());
        QCOMPARE(resets.count(), 1); // the first model only
        QCOMPARE(proxy.rowCount(), 1000);
        QCOMPARE(shownOrder(proxy), expectedOrder(model, TraceListModel::Start, Qt::DescendingOrder, {}));
        QCOMPARE(proxy.index(0, TraceListModel::Start).data(TraceListModel::SortRole).toULongLong(), qulonglong(3020 * 1000));
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
