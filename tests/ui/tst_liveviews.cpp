// Views under live data: a refresh that does not touch the focus trace
// leaves the flame graph's rows as they were (no restart, zoom and scroll
// stay), a refresh that gives the focus trace spans or links rebuilds them,
// and a focus trace removed by the retention cap says so instead of failing.
// The details panel, the search results and the link map keep what the user
// picked across refreshes that leave it alone, and drop only what the cap
// evicted. The lanes keep the summaries of busy traces a refresh did not
// touch, and build again those it did. The trace list keeps the reader's
// place: it follows the newest rows when shown to its end, and otherwise
// keeps its rows still while older traces are evicted above them.

#include "core/lanessummary.h"
#include "core/live/livemodel.h"
#include "core/load.h"
#include "core/linkmap.h"
#include "ui/detailsmodel.h"
#include "ui/detailspanel.h"
#include "ui/flamegraph.h"
#include "ui/flamepainter.h"
#include "ui/laneslayout.h"
#include "ui/lanesview.h"
#include "ui/linkmappainter.h"
#include "ui/linkmapview.h"
#include "ui/resultlist.h"
#include "ui/searchpanel.h"
#include "ui/session.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include "common/testutil.h"

#include <QLineEdit>
#include <QScrollBar>
#include <QTableView>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <cstdio>
#include <set>
#include <string>

using namespace causeway;
using namespace causeway::ui;
using test::hexId;

namespace {

// Spans `first`..`first + count - 1` of trace `trace` (span 1 the root,
// the others its children); `linkTo` links the first of them to trace
// linkTo's root. The trace starts at trace * 1 ms unless `at` says otherwise.
Model spans(int trace, int first, int count, int linkTo = 0, uint64_t at = 0)
{
    std::string json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},"
                       "\"scopeSpans\":[{\"scope\":{},\"spans\":[";
    for (int s = first; s < first + count; ++s) {
        const uint64_t start = (at ? at : uint64_t(trace) * 1'000'000) + uint64_t(s) * 1000;
        json += std::string(s > first ? "," : "") + "{\"traceId\":\"" + hexId(trace, 32) + "\",\"spanId\":\"" + hexId(trace * 256 + s, 16)
            + "\"" + (s > 1 ? ",\"parentSpanId\":\"" + hexId(trace * 256 + 1, 16) + "\"" : std::string())
            + ",\"name\":\"op\",\"startTimeUnixNano\":\"" + std::to_string(start) + "\",\"endTimeUnixNano\":\""
            + std::to_string(start + (s == 1 ? 900'000 : 500)) + "\"";
        if (linkTo && s == first)
            json += ",\"links\":[{\"traceId\":\"" + hexId(linkTo, 32) + "\",\"spanId\":\"" + hexId(linkTo * 256 + 1, 16) + "\"}]";
        json += "}";
    }
    json += "]}]}]}";
    Model m;
    loadBuffer("live", json, m);
    return m;
}

TraceId traceId(int n)
{
    TraceId id;
    parseId(hexId(n, 32), id);
    return id;
}

SpanId spanId(int trace, int span)
{
    SpanId id;
    parseId(hexId(trace * 256 + span, 16), id);
    return id;
}

// A session fed by a live model, one refresh per call.
struct LiveFeed
{
    live::LiveModel live;
    Session session;
    void refresh(std::vector<Model> fragments)
    {
        for (Model &f : fragments)
            live.add(std::move(f));
        live.publish();
        live::Published p = live.take();
        session.replaceModel(std::move(p.model), p.changes);
    }
    uint32_t span(int trace, int span) const { return session.model()->findSpan(traceId(trace), spanId(trace, span)); }
};

std::vector<Model> models(std::initializer_list<std::tuple<int, int, int, int>> list)
{
    std::vector<Model> out;
    for (auto [trace, first, count, linkTo] : list)
        out.push_back(spans(trace, first, count, linkTo));
    return out;
}

} // namespace

class TestLiveViews : public QObject
{
    Q_OBJECT

private slots:
    void lanesKeepUntouchedSummaries()
    {
        // Two busy traces, 1 and 2, each with 1,000 traces linking to it.
        LiveFeed feed;
        std::vector<Model> first = models({{1, 1, 2, 0}, {2, 1, 2, 0}});
        for (int t = 0; t < 1000; ++t) {
            first.push_back(spans(1000 + t, 1, 1, 1));
            first.push_back(spans(3000 + t, 1, 1, 2));
        }
        feed.refresh(std::move(first));
        Session &session = feed.session;
        const uint32_t one = session.model()->findTrace(traceId(1));
        session.navigateTo(one);
        LanesView view(&session);
        view.resize(1200, 800);
        LanesOptions depth1;
        auto summaryOf = [&](int trace) {
            return view.summaries().find(*session.model(), session.model()->findTrace(traceId(trace)), depth1);
        };
        QTRY_VERIFY_WITH_TIMEOUT(summaryOf(1) && summaryOf(2), 20000); // built on a worker after the load
        const auto oneBefore = summaryOf(1), twoBefore = summaryOf(2);

        // A new trace links to trace 1: its summary is built again, trace 2's is the same one.
        feed.refresh(models({{5000, 1, 1, 1}}));
        QCOMPARE(summaryOf(2), twoBefore);
        QTRY_VERIFY_WITH_TIMEOUT(summaryOf(1) != nullptr, 20000);
        QVERIFY(summaryOf(1) != oneBefore);
        QTRY_VERIFY(!view.collecting());
        const LanesLayout &layout = view.lanesLayout();
        QCOMPARE(layout.focus, session.model()->findTrace(traceId(1)));
        size_t members = 0;
        for (const Lane &lane : layout.lanes)
            members += lane.isGroup() ? lane.members.size() : 0;
        QCOMPARE(members, size_t(1001));

        // A refresh that touches neither keeps both.
        const auto oneNow = summaryOf(1);
        feed.refresh(models({{7000, 1, 3, 0}}));
        QCOMPARE(summaryOf(1), oneNow);
        QCOMPARE(summaryOf(2), twoBefore);
    }

    void flameGraphUpdatesFromWhatChanged()
    {
        live::LiveModel live;
        Session session;
        FlameGraphWidget flame(&session);
        flame.resize(800, 400);
        auto refresh = [&](std::initializer_list<Model *> fragments) {
            for (Model *f : fragments)
                live.add(std::move(*f));
            live.publish();
            live::Published p = live.take();
            session.replaceModel(std::move(p.model), p.changes);
        };
        Model a = spans(1, 1, 3), b = spans(2, 1, 2);
        refresh({&a, &b});
        session.navigateTo(session.model()->findTrace(traceId(1)));
        const auto rows = flame.painter().rows();
        QVERIFY(rows && rows->entryCount() == 3);

        // Another trace arrives: the focus trace's rows stay, read from the new snapshot.
        Model c = spans(3, 1, 4);
        refresh({&c});
        QCOMPARE(session.focusTrace(), session.model()->findTrace(traceId(1)));
        QVERIFY(session.traceUnchanged(session.focusTrace()));
        QCOMPARE(flame.painter().rows()->entryCount(), size_t(3));
        QCOMPARE(flame.painter().rows()->model(), session.model().get());
        // Nothing still reads the snapshot before: the live model reuses it.
        const uint64_t copies = live.stats().wholeCopies;
        Model d = spans(4, 1, 1);
        refresh({&d});
        QCOMPARE(live.stats().wholeCopies, copies);

        // The focus trace gets a span: rebuilt with it.
        Model e = spans(1, 4, 1);
        refresh({&e});
        QVERIFY(!session.traceUnchanged(session.focusTrace()));
        QCOMPARE(flame.painter().rows()->entryCount(), size_t(4));
        QCOMPARE(flame.painter().rows()->model(), session.model().get());

        // A link into the focus trace: rebuilt (its root is now a link target).
        const auto before = flame.painter().rows();
        Model f = spans(5, 1, 1, 1);
        refresh({&f});
        QVERIFY(flame.painter().rows() != before);
        const uint32_t root = session.model()->traces[session.focusTrace()].root;
        QCOMPARE(flame.painter().rows()->entryFlags(flame.painter().rows()->entryOf(root)) & FlameRows::LinksIn,
                 int(FlameRows::LinksIn));
    }

    void evictedFocusSaysSo()
    {
        live::LiveModel live;
        Session session;
        FlameGraphWidget flame(&session);
        TraceListPanel list(&session); // its current row must not pick a new focus
        QSignalSpy evicted(&session, &Session::focusEvicted);
        auto refresh = [&](Model m) {
            live.add(std::move(m));
            live.publish();
            live::Published p = live.take();
            session.replaceModel(std::move(p.model), p.changes);
        };
        refresh(spans(1, 1, 3));
        refresh(spans(2, 1, 3));
        session.navigateTo(session.model()->findTrace(traceId(1)));
        QVERIFY(flame.painter().rows());
        live.setRetention({0, 2, 0.0});
        refresh(spans(3, 1, 3));
        QCOMPARE(session.model()->traces.size(), size_t(2));
        QCOMPARE(session.focusTrace(), kNone);
        QCOMPARE(evicted.count(), 1);
        QVERIFY(!flame.painter().rows() || flame.painter().rows()->entryCount() == 0);
        flame.resize(600, 300);
        QImage image(flame.size(), QImage::Format_ARGB32);
        flame.render(&image); // paints the message, not a stale trace
        // Going to another trace shows it.
        session.navigateTo(session.model()->findTrace(traceId(3)));
        QCOMPARE(flame.painter().rows()->entryCount(), size_t(3));
    }

    void detailsKeepTheirRows()
    {
        LiveFeed feed;
        DetailsPanel details(&feed.session);
        details.resize(500, 600);
        details.show();
        // Trace 3 links to trace 2; trace 1 is the oldest.
        feed.refresh(models({{1, 1, 3, 0}, {2, 1, 3, 0}, {3, 1, 3, 2}}));
        feed.session.navigateTo(feed.session.model()->findTrace(traceId(3)), feed.span(3, 1));
        DetailsModel *rows = details.detailsModel();
        QCOMPARE(rows->span(), feed.span(3, 1));
        // The user collapses the attributes and puts the cursor on the link.
        const QModelIndex linksTo = rows->section(QStringLiteral("Links to"));
        QVERIFY(linksTo.isValid() && rows->rowCount(linksTo) == 1);
        details.view()->collapse(rows->section(QStringLiteral("Span")));
        details.view()->setCurrentIndex(rows->index(0, 0, linksTo));
        QSignalSpy resets(rows, &QAbstractItemModel::modelReset);

        // Another trace arrives: same rows, no reset, read from the new snapshot.
        feed.refresh(models({{4, 1, 2, 0}}));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(rows->model(), feed.session.model());
        QVERIFY(!details.view()->isExpanded(rows->section(QStringLiteral("Span"))));
        QCOMPARE(details.view()->currentIndex(), rows->index(0, 0, rows->section(QStringLiteral("Links to"))));

        // The cap evicts trace 1: spans move down, the rows stay and lead to
        // the linked span's new index.
        feed.live.setRetention({0, 4, 0.0});
        feed.refresh(models({{5, 1, 1, 0}}));
        QVERIFY(feed.session.model()->findTrace(traceId(1)) == kNone);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(rows->span(), feed.span(3, 1));
        uint32_t trace = kNone, span = kNone;
        QVERIFY(rows->navigationTarget(details.view()->currentIndex(), trace, span));
        QCOMPARE(span, feed.span(2, 1));
        QCOMPARE(trace, feed.session.model()->findTrace(traceId(2)));

        // The linked trace goes: the link row says "not loaded", rows rebuilt.
        feed.refresh(models({{6, 1, 1, 0}}));
        QVERIFY(feed.session.model()->findTrace(traceId(2)) == kNone);
        QCOMPARE(resets.count(), 1);
        const QModelIndex link = rows->index(0, 0, rows->section(QStringLiteral("Links to")));
        QCOMPARE(link.data().toString(), QStringLiteral("target not loaded"));
        // Nothing still reads the snapshots before: no whole copies after the first.
        QCOMPARE(feed.live.stats().wholeCopies, uint64_t(1));
    }

    void searchResultsFollowLiveData()
    {
        LiveFeed feed;
        ResultList results(&feed.session);
        SearchPanel search(&feed.session, &results);
        search.show();
        results.show();
        feed.refresh(models({{1, 1, 3, 0}, {2, 1, 2, 0}, {3, 1, 4, 0}}));
        search.lineEdit()->setText(QStringLiteral("op"));
        QSignalSpy finished(&search, &SearchPanel::finished);
        search.search();
        QVERIFY(finished.count() > 0 || finished.wait(5000));
        QCOMPARE(results.entries().size(), size_t(9));
        // The user steps to the second span of trace 3.
        const uint32_t pick = feed.span(3, 2);
        int row = -1;
        for (size_t i = 0; i < results.entries().size(); ++i)
            if (results.entries()[i].span == pick)
                row = int(i);
        QVERIFY(row >= 0);
        results.goTo(row);
        const uint32_t focus = feed.session.focusTrace();

        // New spans, in a new trace and in trace 1: found, the current row stays on its span.
        feed.refresh(models({{4, 1, 2, 0}, {1, 4, 1, 0}}));
        QCOMPARE(results.entries().size(), size_t(12));
        QCOMPARE(search.matches().size(), size_t(12));
        QCOMPARE(results.entries()[size_t(results.currentRow())].span, feed.span(3, 2));
        QCOMPARE(feed.session.focusTrace(), focus); // nothing navigated
        for (size_t i = 1; i < search.matches().size(); ++i)
            QVERIFY(feed.session.model()->hot[search.matches()[i - 1]].trace
                    <= feed.session.model()->hot[search.matches()[i]].trace);

        // The cap evicts trace 1: its four matches go, the others are renumbered.
        feed.live.setRetention({0, 4, 0.0});
        feed.refresh(models({{5, 1, 1, 0}}));
        QVERIFY(feed.session.model()->findTrace(traceId(1)) == kNone);
        QCOMPARE(results.entries().size(), size_t(9));
        QCOMPARE(results.entries()[size_t(results.currentRow())].span, feed.span(3, 2));
        for (const ResultEntry &e : results.entries())
            QCOMPARE(feed.session.model()->hot[e.span].trace, e.trace);
        QCOMPARE(feed.live.stats().wholeCopies, uint64_t(1));
    }

    void traceListKeepsTheReadersPlace()
    {
        // Traces 1, 2, ... one per refresh, at most 60 kept. A list shown
        // to its last row keeps showing the newest; one scrolled up keeps
        // its rows in place while older traces are evicted above them.
        LiveFeed feed;
        feed.live.setRetention({0, 60, 0.0});
        TraceListPanel list(&feed.session);
        list.resize(420, 320);
        list.show();
        QVERIFY(QTest::qWaitForWindowExposed(&list));
        QTableView *view = list.view();
        int next = 1;
        auto feedTraces = [&](int count) {
            for (int i = 0; i < count; ++i, ++next) {
                feed.refresh(models({{next, 1, 1, 0}}));
                QCoreApplication::processEvents(); // the rows' slices, the view's layout, as between refreshes
            }
        };
        auto traceAtRow = [&](int y) {
            const int row = view->rowAt(y);
            return row < 0 ? kNone : list.proxy()->traceAt(row);
        };
        auto newest = [&] { return feed.session.model()->findTrace(traceId(next - 1)); };
        const int bottom = view->viewport()->height() - 1;

        feedTraces(40);
        QVERIFY(view->verticalScrollBar()->maximum() > 0); // more rows than fit
        QCOMPARE(traceAtRow(bottom), newest());
        feedTraces(40); // past the cap: the oldest go
        QCOMPARE(feed.session.model()->traces.size(), size_t(60));
        QCOMPARE(traceAtRow(bottom), newest());

        // Scrolled up, away from the focus trace: trace 40 on top stays on
        // top while older ones go, and the list does not jump back to the
        // focus at each refresh.
        feed.session.navigateTo(newest());
        view->scrollTo(list.proxy()->index(list.proxy()->rowForTrace(feed.session.model()->findTrace(traceId(40))), 0),
                       QAbstractItemView::PositionAtTop);
        QCOMPARE(traceAtRow(0), feed.session.model()->findTrace(traceId(40)));
        feedTraces(10);
        QCOMPARE(traceAtRow(0), feed.session.model()->findTrace(traceId(40)));
        QVERIFY(traceAtRow(bottom) != newest());
        QCOMPARE(feed.session.focusTrace(), feed.session.model()->findTrace(traceId(80)));
        // The top row itself evicted: the first one kept after it takes its place.
        feedTraces(20); // keeps 51..110
        QCOMPARE(feed.session.model()->findTrace(traceId(40)), kNone);
        QCOMPARE(traceAtRow(0), feed.session.model()->findTrace(traceId(51)));

        // A refresh whose traces fall between those shown, in more places
        // than the list inserts rows for one by one: it places them all anew.
        feed.live.setRetention({0, 0, 0.0});
        feedTraces(40); // 51..150
        view->scrollTo(list.proxy()->index(list.proxy()->rowForTrace(feed.session.model()->findTrace(traceId(70))), 0),
                       QAbstractItemView::PositionAtTop);
        std::vector<Model> between;
        for (int t = 51; t < 150; ++t)
            between.push_back(spans(1000 + t, 1, 1, 0, uint64_t(t) * 1'000'000 + 500'000));
        QSignalSpy reset(list.proxy(), &QAbstractItemModel::modelReset);
        feed.refresh(std::move(between));
        QCoreApplication::processEvents();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(traceAtRow(0), feed.session.model()->findTrace(traceId(70)));

        // Back at the end, it follows again.
        view->scrollToBottom();
        feedTraces(5);
        QCOMPARE(traceAtRow(bottom), newest());
    }

    void viewsAgreeAfterManyEvictions()
    {
        // Sixty refreshes at a cap of 12 traces: each brings new traces,
        // spans for a kept trace and links to traces still to come and to
        // traces already gone. After each, the search results, the trace
        // list and its sorted view say what the snapshot holds, and links
        // into evicted traces are unresolved until those come back.
        LiveFeed feed;
        feed.live.setRetention({0, 12, 0.0});
        ResultList results(&feed.session);
        SearchPanel search(&feed.session, &results);
        TraceListModel list;
        TraceFilterProxy sorted;
        sorted.setSourceModel(&list);
        sorted.sort(TraceListModel::Start, Qt::DescendingOrder);
        search.show();
        results.show();
        connect(&feed.session, &Session::modelUpdated, &list,
                [&](const ModelChanges &changes) { list.applyChanges(feed.session.model(), changes); });
        connect(&feed.session, &Session::modelChanged, &list, [&] {
            if (list.model() != feed.session.model())
                list.setModel(feed.session.model());
        });
        feed.refresh(models({{1, 1, 3, 0}}));
        search.lineEdit()->setText(QStringLiteral("op"));
        QSignalSpy finished(&search, &SearchPanel::finished);
        search.search();
        QVERIFY(finished.count() > 0 || finished.wait(5000));
        uint64_t evicted = 0;
        for (int step = 2; step <= 60; ++step) {
            // Trace `step` links to the trace two steps ahead (not loaded
            // yet) and to the trace ten steps back (kept, then evicted
            // two steps later while this one stays).
            std::vector<Model> fragments = models({{step, 1, 3, step + 2}, {step, 4, 1, step > 10 ? step - 10 : 0}});
            if (step > 3)
                fragments.push_back(spans(step - 2, 10 + step, 1)); // a kept trace gets a span
            feed.refresh(std::move(fragments));
            while (list.insertSlice()) {
            }
            const Model &m = *feed.session.model();
            evicted = feed.live.stats().droppedTraces;
            QVERIFY(m.traces.size() <= 12);
            QCOMPARE(list.rowCount(), int(m.traces.size()));
            QCOMPARE(sorted.rowCount(), int(m.traces.size()));
            for (int r = 1; r < sorted.rowCount(); ++r) {
                const auto above = uint32_t(sorted.mapToSource(sorted.index(r - 1, 0)).row());
                const auto below = uint32_t(sorted.mapToSource(sorted.index(r, 0)).row());
                QVERIFY(m.traces[above].start >= m.traces[below].start);
            }
            // Every span is named "op"; new traces may be searched on a worker.
            QTRY_COMPARE(results.entries().size(), m.spanCount());
            std::set<uint32_t> shown;
            for (const ResultEntry &e : results.entries()) {
                QVERIFY(e.span < m.spanCount());
                QCOMPARE(m.hot[e.span].trace, e.trace);
                shown.insert(e.span);
            }
            QCOMPARE(shown.size(), m.spanCount());
            for (const Link &l : m.links) {
                const uint32_t target = m.findSpan(l.traceId, l.spanId);
                QCOMPARE(l.target, target);
            }
            if (step == 50) // trace 40 is still kept
                QVERIFY(m.links[m.cold[feed.span(50, 4)].links.first].target != kNone);
        }
        QVERIFY(evicted >= 45);
        // Trace 60 links to 62, never loaded; trace 50 linked to 40 when it
        // came, and 40 has gone since. Both resolve when their targets come.
        const Model &m = *feed.session.model();
        QCOMPARE(m.findTrace(traceId(40)), kNone);
        QCOMPARE(m.links[m.cold[feed.span(50, 4)].links.first].target, kNone);
        feed.live.setRetention({0, 0, 0.0});
        feed.refresh(models({{62, 1, 1, 0}, {40, 1, 1, 0}}));
        const Model &after = *feed.session.model();
        QCOMPARE(after.links[after.cold[feed.span(60, 1)].links.first].target, feed.span(62, 1));
        QCOMPARE(after.links[after.cold[feed.span(50, 4)].links.first].target, feed.span(40, 1));
    }

    void linkMapKeepsTheSelectedEdge()
    {
        LiveFeed feed;
        LinkMapView map(&feed.session);
        map.resize(900, 700);
        map.show();
        // Traces 2..5 link to trace 1's root.
        QSignalSpy shown(&map, &LinkMapView::mapShown);
        feed.refresh(models({{1, 1, 2, 0}, {2, 1, 2, 1}, {3, 1, 2, 1}, {4, 1, 2, 1}}));
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QVERIFY(map.picture() && !map.picture()->map().edges.empty());
        map.showEdge(0);
        QTreeWidget *list = map.linkList();
        QCOMPARE(list->topLevelItemCount(), 3);
        list->setCurrentItem(list->topLevelItem(1));
        const QString current = list->currentItem()->text(2);

        // More links arrive: the same edge is selected in the new map, the
        // same link row current, and the list grew.
        shown.clear();
        feed.refresh(models({{6, 1, 2, 1}}));
        QVERIFY(shown.count() > 0 || shown.wait(30000));
        QCOMPARE(map.picture()->selectedEdge(), 0);
        QCOMPARE(list->topLevelItemCount(), 4);
        QCOMPARE(list->currentItem()->text(2), current);
        // A row made before the refresh still goes to its linking span.
        QSignalSpy activated(&map, &LinkMapView::linkActivated);
        emit list->itemActivated(list->currentItem(), 0);
        QCOMPARE(activated.count(), 1);
        QCOMPARE(feed.session.model()->hot[feed.session.selectedSpan()].trace, feed.session.focusTrace());
    }
};

QTEST_MAIN(TestLiveViews)
#include "tst_liveviews.moc"
