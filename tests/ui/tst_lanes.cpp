// The linked-trace lanes: which traces get lanes, the gap-compressed time
// axis, edge hit-testing and navigation, grouping of fan-outs, the group
// list, and the exported drawing.

#include "ui/displaytext.h"
#include "ui/drawing.h"
#include "ui/lanemembersdialog.h"
#include "ui/lanespainter.h"
#include "ui/lanegroupmodel.h"
#include "ui/laneslayout.h"
#include "ui/lanesview.h"
#include "ui/palette.h"
#include "ui/session.h"

#include "common/testutil.h"
#include "core/load.h"

#include <QAbstractItemModelTester>
#include <QAbstractScrollArea>
#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QMenu>
#include <QTest>

#include <algorithm>
#include <numeric>
#include <set>
#include <memory>
#include <string>
#include <vector>

using namespace causeway;
using namespace causeway::ui;

namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kBase = 1700000000ull * 1000000000ull; // Nov 2023, in ns

// Builds a Model the way the readers do: spans with ids, links by id, then finalize().
class TestModelBuilder
{
public:
    static TraceId traceId(uint64_t n)
    {
        TraceId id;
        // Distinct leading digits too, as the short ids on screen show them.
        for (int i = 0; i < 8; ++i)
            id.bytes[8 + i] = uint8_t(n >> (56 - 8 * i));
        const uint64_t mixed = (n + 1) * 0x9e3779b97f4a7c15ull;
        for (int i = 0; i < 8; ++i)
            id.bytes[i] = uint8_t(mixed >> (56 - 8 * i));
        return id;
    }
    static SpanId spanId(uint64_t n)
    {
        SpanId id;
        for (int i = 0; i < 8; ++i)
            id.bytes[i] = uint8_t(n >> (56 - 8 * i));
        return id;
    }

    // Returns the index the span will have (spans are appended in order).
    uint32_t span(uint64_t trace, uint64_t id, uint64_t parent, uint64_t start, uint64_t end, const char *name,
                  const char *service, bool error = false)
    {
        SpanHot h;
        h.start = start;
        h.end = end;
        h.name = m_model.strings.intern(name);
        h.service = m_model.strings.intern(service);
        h.status = error ? StatusCode::Error : StatusCode::Unset;
        SpanCold c;
        c.traceId = traceId(trace);
        c.spanId = spanId(id);
        if (parent)
            c.parentSpanId = spanId(parent);
        m_model.hot.push_back(h);
        m_model.cold.push_back(c);
        return uint32_t(m_model.hot.size() - 1);
    }

    void link(uint32_t from, uint64_t trace, uint64_t span, std::vector<std::pair<std::string, std::string>> attrs = {})
    {
        m_links.push_back({from, trace, span, std::move(attrs)});
    }

    std::shared_ptr<const Model> finish()
    {
        std::stable_sort(m_links.begin(), m_links.end(), [](const Pending &a, const Pending &b) { return a.from < b.from; });
        for (const Pending &p : m_links) {
            Link l;
            l.from = p.from;
            l.traceId = traceId(p.trace);
            l.spanId = spanId(p.span);
            l.attributes.first = uint32_t(m_model.attributes.size());
            for (const auto &[k, v] : p.attrs)
                m_model.attributes.push_back({m_model.strings.intern(k), Value::makeString(m_model.strings.intern(v))});
            l.attributes.count = uint32_t(p.attrs.size());
            Range &r = m_model.cold[p.from].links;
            if (r.count == 0)
                r.first = uint32_t(m_model.links.size());
            ++r.count;
            m_model.links.push_back(l);
        }
        m_model.finalize();
        return std::make_shared<const Model>(std::move(m_model));
    }

private:
    struct Pending
    {
        uint32_t from;
        uint64_t trace, span;
        std::vector<std::pair<std::string, std::string>> attrs;
    };
    Model m_model;
    std::vector<Pending> m_links;
};

// A producer trace (1) whose publish span three consumer traces (2, 3, 4) link to.
struct FanIn
{
    std::shared_ptr<const Model> model;
    uint32_t publish = kNone;
    uint32_t consume[3] = {kNone, kNone, kNone};
};

FanIn smallFanOut()
{
    TestModelBuilder b;
    FanIn f;
    b.span(1, 1, 0, kBase, kBase + 3 * kMs, "POST /orders", "checkout");
    f.publish = b.span(1, 2, 1, kBase + kMs, kBase + 2 * kMs, "orders publish", "checkout");
    for (int i = 0; i < 3; ++i) {
        const uint64_t start = kBase + uint64_t(6 + 5 * i) * kMs;
        b.span(uint64_t(2 + i), 1, 0, start, start + 3 * kMs, "orders process", "billing", i == 1);
        f.consume[i] = b.span(uint64_t(2 + i), 2, 1, start + kMs / 2, start + 2 * kMs, "charge card", "billing");
        b.link(f.consume[i], 1, 2, {{"messaging.system", "kafka"}, {"messaging.destination.name", "orders"}});
    }
    f.model = b.finish();
    return f;
}

uint32_t traceOf(const Model &m, uint64_t n)
{
    return m.findTrace(TestModelBuilder::traceId(n));
}

int edgeFromTrace(const Model &m, const LanesLayout &layout, uint32_t trace)
{
    for (int i = 0; i < int(layout.edges.size()); ++i) {
        const LaneEdge &e = layout.edges[i];
        if (e.fromSpan != kNone && m.hot[e.fromSpan].trace == trace)
            return i;
    }
    return -1;
}

void sendMouse(QWidget *w, QEvent::Type type, QPointF pos, Qt::MouseButton button = Qt::NoButton)
{
    QMouseEvent event(type, pos, w->mapToGlobal(pos), button,
                      type == QEvent::MouseButtonRelease || type == QEvent::MouseMove ? Qt::NoButton : button,
                      Qt::NoModifier);
    QApplication::sendEvent(w, &event);
}

} // namespace

class TestLanes : public QObject
{
    Q_OBJECT

private slots:
    void timeMapBreaks_data();
    void timeMapBreaks();
    void timeMapMonotonic();
    void collectsBothDirections();
    void depthTwoReachesTwoHops();
    void fanOutGroups();
    void groupModelPassesTester();
    void clickEdgeNavigatesAndBackRestores();
    void emptyLanesSayWhatGoesThere();
    void clickUpstreamEdgeSelectsTarget();
    void hoverHighlightsEdge();
    void clickSpanNavigates();
    void groupLaneOpensListThatNavigates();
    void depthControl();
    void narrowToolBarListsWhatItHides();
    void hoursApartTracesGetABreak();
    void drawingPaintsLanes();
    void bundledSampleBatchAfterLongGap();
    void bundledSampleRetryChain();
    void fitFocusZoomsTheAxis();
    void scrollsWhenLanesDoNotFit();
};

void TestLanes::timeMapBreaks_data()
{
    QTest::addColumn<qulonglong>("gap");
    QTest::addColumn<int>("breaks");
    QTest::addColumn<QString>("label");
    // Two 5 ms traces: content 10 ms, so gaps up to 40 ms stay linear.
    QTest::newRow("short_gap_linear") << qulonglong(12 * kMs) << 0 << QString();
    QTest::newRow("just_under_factor") << qulonglong(39 * kMs) << 0 << QString();
    QTest::newRow("over_factor") << qulonglong(500 * kMs) << 1 << QStringLiteral("+500 ms");
    QTest::newRow("two_hours_14_min") << qulonglong((2 * 3600 + 14 * 60) * 1000 * kMs) << 1 << QStringLiteral("+2 h 14 min");
}

void TestLanes::timeMapBreaks()
{
    QFETCH(qulonglong, gap);
    QFETCH(int, breaks);
    QFETCH(QString, label);
    TimeMapOptions options;
    const uint64_t a0 = kBase, a1 = kBase + 5 * kMs, b0 = a1 + gap, b1 = b0 + 5 * kMs;
    const TimeMap map({{b0, b1}, {a0, a1}}, 10, 1010, options);
    const auto &pieces = map.pieces();
    const int compressed = int(std::count_if(pieces.begin(), pieces.end(), [](const auto &p) { return p.compressed; }));
    QCOMPARE(compressed, breaks);
    QCOMPARE(map.toX(a0), 10.0);
    QCOMPARE(map.toX(b1), 1010.0);
    if (breaks == 0) {
        // One scale across the gap: x is proportional to time.
        const double expected = 10 + 1000.0 * double(gap / 2 + 5 * kMs) / double(b1 - a0);
        QVERIFY(qAbs(map.toX(a1 + gap / 2) - expected) < 1e-6);
        QVERIFY(qAbs(map.scale() - 1000.0 / double(b1 - a0)) < 1e-15);
    } else {
        const auto it = std::find_if(pieces.begin(), pieces.end(), [](const auto &p) { return p.compressed; });
        QCOMPARE(it->x1 - it->x0, options.breakWidth);
        QCOMPARE(it->t0, a1);
        QCOMPARE(it->t1, b0);
        QCOMPARE(display::offset(int64_t(it->t1 - it->t0)), label);
        // Both traces share what is left, at one scale.
        QVERIFY(qAbs((map.toX(a1) - map.toX(a0)) - (map.toX(b1) - map.toX(b0))) < 1e-6);
        QVERIFY(qAbs((map.toX(a1) - map.toX(a0)) - (1000 - options.breakWidth) / 2) < 1e-6);
    }
}

void TestLanes::timeMapMonotonic()
{
    // Traces scattered over a day, some overlapping, some hours apart.
    std::vector<std::pair<uint64_t, uint64_t>> intervals;
    uint64_t seed = 42;
    auto next = [&seed] {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        return seed >> 33;
    };
    for (int i = 0; i < 200; ++i) {
        // Three bursts of an hour, hours apart.
        const uint64_t start = kBase + uint64_t(i % 3) * 8 * 3600 * 1000 * kMs + (next() % 3600) * 1000 * kMs;
        intervals.emplace_back(start, start + (next() % 5000) * kMs);
    }
    const TimeMap map(intervals, 0, 1600);
    const uint64_t first = std::min_element(intervals.begin(), intervals.end())->first;
    uint64_t last = 0;
    for (const auto &iv : intervals)
        last = std::max(last, iv.second);
    QCOMPARE(map.breakCount(), size_t(2));
    double previous = -1;
    for (uint64_t t = first; t <= last; t += (last - first) / 20000) {
        const double x = map.toX(t);
        QVERIFY2(x >= previous, qPrintable(QString::number(t)));
        QVERIFY(x >= 0 && x <= 1600 + 1e-6);
        // toTime inverts toX (to within a pixel's worth of time).
        QVERIFY(qAbs(map.toX(map.toTime(x)) - x) < 0.01);
        previous = x;
    }
    QCOMPARE(map.toX(first), 0.0);
    QVERIFY(qAbs(map.toX(last) - 1600) < 1e-6);
    // Breaks are laid end to end with the linear pieces: no holes, no overlaps.
    for (size_t i = 1; i < map.pieces().size(); ++i) {
        QCOMPARE(map.pieces()[i].t0 >= map.pieces()[i - 1].t1, true);
        QVERIFY(qAbs(map.pieces()[i].x0 - map.pieces()[i - 1].x1) < 1e-9);
        QVERIFY(map.pieces()[i].x1 > map.pieces()[i].x0 || map.pieces()[i].t1 == map.pieces()[i].t0);
    }
}

void TestLanes::collectsBothDirections()
{
    const FanIn f = smallFanOut();
    const Model &m = *f.model;
    // From the producer: three consumers downstream.
    LanesLayout producer = collectLanes(m, traceOf(m, 1));
    QCOMPARE(producer.lanes.size(), size_t(4));
    QCOMPARE(producer.focusLane, 0);
    QCOMPARE(producer.laneCount(LaneKind::Downstream), 3);
    QCOMPARE(producer.edges.size(), size_t(3));
    for (int i = 1; i <= 3; ++i) {
        QCOMPARE(producer.lanes[i].hops, 1u);
        QCOMPARE(producer.lanes[i].trace, traceOf(m, uint64_t(1 + i))); // by start time
    }
    for (const LaneEdge &e : producer.edges) {
        QCOMPARE(e.toSpan, f.publish);
        QCOMPARE(e.toLane, 0);
        // Lag: from the publish start to the consumer span start.
        QCOMPARE(e.lagMin, int64_t(m.hot[e.fromSpan].start - m.hot[f.publish].start));
    }
    // From a consumer: the producer upstream, above the focus; the other consumers are not linked to it.
    LanesLayout consumer = collectLanes(m, traceOf(m, 3));
    QCOMPARE(consumer.lanes.size(), size_t(2));
    QCOMPARE(consumer.focusLane, 1);
    QCOMPARE(consumer.lanes[0].kind, LaneKind::Upstream);
    QCOMPARE(consumer.lanes[0].trace, traceOf(m, 1));
    QCOMPARE(consumer.edges.size(), size_t(1));
    QCOMPARE(consumer.edges[0].fromSpan, f.consume[1]);
    QCOMPARE(consumer.edges[0].toSpan, f.publish);
}

void TestLanes::depthTwoReachesTwoHops()
{
    // A retry chain: 3 retries 2, 2 retries 1; and 4 is a batch over 3.
    TestModelBuilder b;
    const uint32_t a = b.span(1, 1, 0, kBase, kBase + 2 * kMs, "attempt 1", "payments", true);
    const uint32_t r1 = b.span(2, 1, 0, kBase + 10 * kMs, kBase + 12 * kMs, "attempt 2", "payments", true);
    const uint32_t r2 = b.span(3, 1, 0, kBase + 30 * kMs, kBase + 32 * kMs, "attempt 3", "payments");
    const uint32_t batch = b.span(4, 1, 0, kBase + 40 * kMs, kBase + 50 * kMs, "settle batch", "ledger");
    b.link(r1, 1, 1, {{"retry.attempt", "2"}});
    b.link(r2, 2, 1, {{"retry.attempt", "3"}});
    b.link(batch, 3, 1);
    auto model = b.finish();
    const Model &m = *model;
    Q_UNUSED(a);

    const LanesLayout one = collectLanes(m, traceOf(m, 1), LanesOptions{.depth = 1, .groupMin = 12});
    QCOMPARE(one.lanes.size(), size_t(2));
    QCOMPARE(one.laneOfTrace(traceOf(m, 3)), -1);

    const LanesLayout two = collectLanes(m, traceOf(m, 1), LanesOptions{.depth = 2, .groupMin = 12});
    QCOMPARE(two.lanes.size(), size_t(3));
    QVERIFY(two.laneOfTrace(traceOf(m, 3)) >= 0);
    const Lane &hop2 = two.lanes[two.laneOfTrace(traceOf(m, 3))];
    QCOMPARE(hop2.hops, 2u);
    QCOMPARE(hop2.kind, LaneKind::Downstream);
    // The 2-hop edge (3 -> 2) is drawn too, between the two downstream lanes.
    QCOMPARE(two.edges.size(), size_t(2));

    const LanesLayout three = collectLanes(m, traceOf(m, 1), LanesOptions{.depth = 3, .groupMin = 12});
    QCOMPARE(three.lanes.size(), size_t(4));
    QCOMPARE(three.lanes.back().trace, traceOf(m, 4));
    QCOMPARE(three.lanes.back().hops, 3u);

    // From the middle, both ways at depth 2: 1 above, 3 and 4 below.
    const LanesLayout middle = collectLanes(m, traceOf(m, 2), LanesOptions{.depth = 2, .groupMin = 12});
    QCOMPARE(middle.laneCount(LaneKind::Upstream), 1);
    QCOMPARE(middle.laneCount(LaneKind::Downstream), 2);
    QCOMPARE(middle.lanes[middle.focusLane].trace, traceOf(m, 2));
}

namespace {
// A producer with `n` consumer traces, each linking to the publish span.
std::shared_ptr<const Model> bigFanOut(int n, uint32_t *publish = nullptr)
{
    TestModelBuilder b;
    b.span(1, 1, 0, kBase, kBase + 5 * kMs, "nightly export", "exporter");
    const uint32_t p = b.span(1, 2, 1, kBase + kMs, kBase + 2 * kMs, "publish batch", "exporter");
    if (publish)
        *publish = p;
    for (int i = 0; i < n; ++i) {
        const uint64_t start = kBase + 10 * kMs + uint64_t(i) * kMs / 4;
        const uint32_t root = b.span(uint64_t(100 + i), 1, 0, start, start + 2 * kMs, "process item", "worker", i % 97 == 0);
        b.span(uint64_t(100 + i), 2, 1, start + kMs / 10, start + kMs, "write row", "db");
        b.link(root, 1, 2, {{"item.index", std::to_string(i)}});
    }
    return b.finish();
}
} // namespace

void TestLanes::fanOutGroups()
{
    uint32_t publish = kNone;
    auto model = bigFanOut(1000, &publish);
    const Model &m = *model;
    LanesLayout layout = collectLanes(m, traceOf(m, 1));
    // 1,000 look-alike consumers: one group lane, before any own lane is picked.
    const auto groups = std::count_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
    QCOMPARE(groups, 1);
    const auto groupIt = std::find_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
    const Lane &group = *groupIt;
    QCOMPARE(group.members.size(), size_t(1000));
    const auto failed = size_t(std::count_if(group.members.begin(), group.members.end(),
                                             [&](uint32_t t) { return m.traces[t].errorCount > 0; }));
    QCOMPARE(group.errorMembers.size(), failed);
    QCOMPARE(failed, size_t(11)); // items 0, 97, ..., 970 fail
    // The failed ones surface first (three), then the slowest: lanes right after the group.
    const int g = int(groupIt - layout.lanes.begin());
    int surfaced = 0;
    for (const Lane &lane : layout.lanes)
        if (lane.group == g) {
            ++surfaced;
            QVERIFY(lane.marks != MarkNone);
            QCOMPARE(layout.groupOf[lane.trace], g);
            QCOMPARE(layout.laneOf[lane.trace], int(&lane - layout.lanes.data()));
        }
    QVERIFY(surfaced >= 3 && surfaced <= 4);
    QVERIFY(laneTitle(m, group).startsWith(QStringLiteral("1,000 × process item")));
    // At most one edge per pair of lanes; the group's bundle carries the rest.
    std::set<std::pair<int, int>> pairs;
    for (const LaneEdge &e : layout.edges)
        QVERIFY(pairs.insert({std::min(e.fromLane, e.toLane), std::max(e.fromLane, e.toLane)}).second);
    const auto bundle = std::find_if(layout.edges.begin(), layout.edges.end(), [](const LaneEdge &e) { return e.fromSpan == kNone; });
    QVERIFY(bundle != layout.edges.end());
    QCOMPARE(bundle->links.size(), size_t(1000 - surfaced));
    QCOMPARE(bundle->toSpan, publish);

    layoutLanes(m, layout, 1400, LanesStyle{});
    QVERIFY(layout.height > 0);
    QCOMPARE(group.density.size(), size_t(1400 - 2 * layout.style.margin)); // the margin as placed: wider for the edges down it
    // Every member's start is counted once in the density strip.
    QCOMPARE(size_t(std::accumulate(group.density.begin(), group.density.end(), 0)), group.members.size());
    QCOMPARE(group.errorTicks.size(), failed);
    QVERIFY(qAbs(bundle->a.y() - group.body.top()) < 1e-6 || qAbs(bundle->a.y() - group.body.bottom()) < 1e-6);
    QVERIFY(bundle->penWidth > layout.edges.front().penWidth || layout.edges.front().links.size() > 1);
}

void TestLanes::groupModelPassesTester()
{
    auto model = bigFanOut(300);
    const Model &m = *model;
    const LanesSelection selection = selectLanes(m, traceOf(m, 1));
    const auto g = int(std::find_if(selection.lanes.begin(), selection.lanes.end(), [](const LaneSpec &l) { return l.isGroup(); })
                       - selection.lanes.begin());
    QVERIFY(g < int(selection.lanes.size()));
    const LaneSpec &group = selection.lanes[g];
    LaneGroupModel groupModel(model, laneMembers(m, selection, g));
    QAbstractItemModelTester tester(&groupModel, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(groupModel.rowCount(), int(group.members.size()));
    QCOMPARE(groupModel.index(0, LaneGroupModel::TraceColumn).data().toString(),
             QString::fromStdString(m.traces[group.members[0]].id.hex()));
    QCOMPARE(groupModel.index(0, LaneGroupModel::HopsColumn).data().toInt(), 1);
    QCOMPARE(groupModel.index(3, 0).data(LaneGroupModel::TraceRole).toUInt(), group.members[3]);

    groupModel.sort(LaneGroupModel::StartColumn, Qt::DescendingOrder);
    // Sorted by the numeric start, not by the text: the last consumer first.
    QCOMPARE(groupModel.index(0, 0).data(LaneGroupModel::TraceRole).toUInt(), group.members.back());
    groupModel.setFilter(QStringLiteral("error"));
    QCOMPARE(groupModel.rowCount(), int(group.errorMembers.size()));
    groupModel.setFilter(QString::fromStdString(m.traces[group.members[7]].id.hex().substr(0, 16)));
    QCOMPARE(groupModel.rowCount(), 1);
    QCOMPARE(groupModel.traceAt(0), group.members[7]);
}

// With nothing loaded or nothing in focus, the flame graph says what is
// missing; the lanes below say what they will show instead of repeating it.
void TestLanes::emptyLanesSayWhatGoesThere()
{
    Session session;
    LanesView view(&session);
    view.resize(900, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.message(), display::lanesEmpty());
    QVERIFY(view.message() != display::nothingLoaded());

    const FanIn f = smallFanOut();
    session.setModel(f.model, kNone);
    QCOMPARE(session.focusTrace(), kNone);
    QCOMPARE(view.message(), display::lanesEmpty());
    QVERIFY(view.message() != display::noFocus());

    session.navigateTo(traceOf(*f.model, 1));
    QVERIFY(!view.lanesLayout().lanes.empty());
    QVERIFY(view.message().isEmpty());
}

void TestLanes::clickEdgeNavigatesAndBackRestores()
{
    const FanIn f = smallFanOut();
    Session session;
    session.setModel(f.model);
    const Model &m = *f.model;
    QCOMPARE(session.focusTrace(), traceOf(m, 1)); // the trace with the most links
    session.select(f.publish);
    LanesView view(&session);
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.lanesLayout().focus, traceOf(m, 1));

    const uint32_t consumer = traceOf(m, 3);
    const int edge = edgeFromTrace(m, view.lanesLayout(), consumer);
    QVERIFY(edge >= 0);
    const QPointF onEdge = view.lanesLayout().edges[edge].path.pointAtPercent(0.5);
    QCOMPARE(edgeAt(view.lanesLayout(), onEdge), edge);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, onEdge.toPoint());

    QCOMPARE(session.focusTrace(), consumer);
    QCOMPARE(session.selectedSpan(), f.consume[1]);
    QCOMPARE(view.lanesLayout().focus, consumer);
    QCOMPARE(view.lanesLayout().lanes[view.lanesLayout().focusLane].trace, consumer);

    session.back();
    QCOMPARE(session.focusTrace(), traceOf(m, 1));
    QCOMPARE(session.selectedSpan(), f.publish);
    QCOMPARE(view.lanesLayout().focus, traceOf(m, 1));
    QCOMPARE(view.lanesLayout().lanes.size(), size_t(4));
}

void TestLanes::clickUpstreamEdgeSelectsTarget()
{
    const FanIn f = smallFanOut();
    Session session;
    session.setModel(f.model);
    const Model &m = *f.model;
    session.navigateTo(traceOf(m, 4));
    LanesView view(&session);
    view.resize(1000, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.lanesLayout().edges.size(), size_t(1));
    const QPointF onEdge = view.lanesLayout().edges[0].path.pointAtPercent(0.4);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, onEdge.toPoint());
    QCOMPARE(session.focusTrace(), traceOf(m, 1));
    QCOMPARE(session.selectedSpan(), f.publish);
    session.back();
    QCOMPARE(session.focusTrace(), traceOf(m, 4));
}

void TestLanes::hoverHighlightsEdge()
{
    const FanIn f = smallFanOut();
    Session session;
    session.setModel(f.model);
    LanesView view(&session);
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const Model &m = *f.model;
    const int edge = edgeFromTrace(m, view.lanesLayout(), traceOf(m, 4));
    QVERIFY(edge >= 0);
    QCOMPARE(view.hoveredEdge(), -1);
    const QPointF onEdge = view.lanesLayout().edges[edge].path.pointAtPercent(0.6);
    sendMouse(view.canvas(), QEvent::MouseMove, onEdge);
    QCOMPARE(view.hoveredEdge(), edge);
    QCOMPARE(view.canvas()->cursor().shape(), Qt::PointingHandCursor);
    const QString out = qEnvironmentVariable("CAUSEWAY_LANES_PNG");
    if (!out.isEmpty())
        view.grab().save(out + QStringLiteral("-widget-hover.png"));
    // The tooltip carries the link's attributes and its lag.
    const QString tip = edgeToolTip(m, view.lanesLayout(), view.lanesLayout().edges[edge]);
    QVERIFY(tip.contains(QStringLiteral("messaging.system = kafka")));
    QVERIFY(tip.contains(QStringLiteral("lag 15.5 ms")));
    // Away from every edge and span: nothing is highlighted.
    sendMouse(view.canvas(), QEvent::MouseMove, QPointF(view.canvas()->width() - 5, view.canvas()->height() - 5));
    QCOMPARE(view.hoveredEdge(), -1);
    QCOMPARE(session.focusTrace(), traceOf(m, 1)); // hovering never navigates
}

void TestLanes::clickSpanNavigates()
{
    const FanIn f = smallFanOut();
    Session session;
    session.setModel(f.model);
    LanesView view(&session);
    view.resize(1200, 700);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const Model &m = *f.model;
    const LanesLayout &layout = view.lanesLayout();
    const uint32_t trace = traceOf(m, 2);
    const Lane &lane = layout.lanes[layout.laneOfTrace(trace)];
    const uint32_t root = m.traces[trace].root;
    // Right end of the root span: the edge leaves from its left end.
    const QRectF box = laneSpanRect(m, layout, lane, root);
    const QPoint inside(int(box.right() - 3), int(box.center().y()));
    QVERIFY(box.contains(inside));
    QCOMPARE(edgeAt(layout, inside), -1);
    QCOMPARE(spanAt(layout, inside).span, root);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, inside);
    QCOMPARE(session.focusTrace(), trace);
    QCOMPARE(session.selectedSpan(), root);
}

void TestLanes::groupLaneOpensListThatNavigates()
{
    auto model = bigFanOut(40);
    Session session;
    session.setModel(model);
    const Model &m = *model;
    LanesView view(&session);
    view.resize(1200, 1400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const LanesLayout &layout = view.lanesLayout();
    const auto groupIt = std::find_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
    QVERIFY(groupIt != layout.lanes.end());
    const Lane &group = *groupIt;
    QCOMPARE(group.members.size(), size_t(40));
    QVERIFY(layout.lanes.back().rect.bottom() < view.canvas()->height()); // all on screen, no scrolling needed
    const std::vector<uint32_t> members = group.members;
    // Its header, away from the edges.
    QPoint header(int(group.title.left()) + 160, int(group.title.center().y()));
    while (edgeAt(layout, header) >= 0 && header.x() < group.title.right() - 200)
        header.rx() += 10;
    QCOMPARE(edgeAt(layout, header), -1);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, header);
    QCOMPARE(session.focusTrace(), traceOf(m, 1));

    QTRY_VERIFY(view.membersDialog());
    auto *table = view.membersDialog()->table();
    QTRY_VERIFY(table->isVisible());
    QTRY_VERIFY(!view.membersDialog()->listing()); // the rows come from a worker
    QCOMPARE(table->model()->rowCount(), int(members.size()));
    const QModelIndex row = table->model()->index(5, 0);
    const uint32_t chosen = row.data(LaneGroupModel::TraceRole).toUInt();
    QVERIFY(std::find(members.begin(), members.end(), chosen) != members.end());
    table->setCurrentIndex(row);
    QTest::keyClick(table, Qt::Key_Return);
    QCOMPARE(session.focusTrace(), chosen);
    QCOMPARE(view.lanesLayout().focus, chosen);
    QTRY_VERIFY(!view.membersDialog()); // the list closed itself
    session.back();
    QCOMPARE(session.focusTrace(), traceOf(m, 1));

    // The bundled edge into the group opens the same list.
    const auto &edges = view.lanesLayout().edges;
    const auto bundle = std::find_if(edges.begin(), edges.end(), [](const LaneEdge &e) { return e.fromSpan == kNone; });
    QVERIFY(bundle != edges.end());
    const QPointF onBundle = bundle->path.pointAtPercent(0.3);
    QCOMPARE(edgeAt(view.lanesLayout(), onBundle), int(bundle - edges.begin()));
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, onBundle.toPoint());
    QCOMPARE(session.focusTrace(), traceOf(m, 1));
    QTRY_VERIFY(view.membersDialog());
    QTRY_VERIFY(!view.membersDialog()->listing());
    QCOMPARE(view.membersDialog()->table()->model()->rowCount(), int(members.size()));
}

void TestLanes::narrowToolBarListsWhatItHides()
{
    // In a narrow pane the buttons that do not fit go behind the tool bar's »
    // button, and it lists them: Next error, the last, stays within reach.
    TestModelBuilder b;
    const uint32_t r = b.span(1, 1, 0, kBase, kBase + 2 * kMs, "attempt 1", "payments", true);
    b.span(2, 1, 0, kBase + 10 * kMs, kBase + 12 * kMs, "attempt 2", "payments");
    b.link(r, 2, 1);
    auto model = b.finish();
    Session session;
    session.setModel(model, kNone);
    LanesView view(&session);
    // Nothing in focus: nothing to step through.
    QVERIFY(!view.nextErrorAction()->isEnabled());
    session.navigateTo(traceOf(*model, 1));
    QVERIFY(view.nextErrorAction()->isEnabled());
    view.resize(1200, 400);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *tools = view.findChild<QToolBar *>(QStringLiteral("lanesToolBar"));
    QVERIFY(tools);
    auto *extension = tools->findChild<QToolButton *>(QStringLiteral("qt_toolbar_ext_button"));
    QVERIFY(extension);
    QVERIFY(!extension->isVisible()); // everything fits

    view.resize(260, 400);
    QTRY_VERIFY(extension->isVisible());
    QVERIFY(extension->isEnabled());
    QVERIFY(!tools->widgetForAction(view.nextErrorAction())->isVisible());
    QList<QAction *> listed;
    bool looked = false;
    QTimer::singleShot(200, &view, [&] {
        if (auto *menu = qobject_cast<QMenu *>(QApplication::activePopupWidget())) {
            listed = menu->actions();
            menu->close();
        }
        looked = true;
    });
    QTest::mouseClick(extension, Qt::LeftButton);
    QTRY_VERIFY(looked);
    QVERIFY2(listed.contains(view.nextErrorAction()), qPrintable(QString::number(listed.size())));
}

void TestLanes::depthControl()
{
    TestModelBuilder b;
    b.span(1, 1, 0, kBase, kBase + 2 * kMs, "attempt 1", "payments", true);
    const uint32_t r1 = b.span(2, 1, 0, kBase + 10 * kMs, kBase + 12 * kMs, "attempt 2", "payments", true);
    const uint32_t r2 = b.span(3, 1, 0, kBase + 30 * kMs, kBase + 32 * kMs, "attempt 3", "payments");
    b.link(r1, 1, 1);
    b.link(r2, 2, 1);
    auto model = b.finish();
    Session session;
    session.setModel(model);
    session.navigateTo(traceOf(*model, 1));
    LanesView view(&session);
    view.resize(900, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy spy(&view, &LanesView::depthChanged);
    QCOMPARE(view.depth(), 1);
    QCOMPARE(view.lanesLayout().lanes.size(), size_t(2));
    view.canvas()->parentWidget()->setFocus();
    QTest::keyClick(view.canvas()->parentWidget(), Qt::Key_Plus);
    QCOMPARE(view.depth(), 2);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 2);
    QCOMPARE(view.lanesLayout().lanes.size(), size_t(3));
    view.setDepth(1);
    QCOMPARE(view.lanesLayout().lanes.size(), size_t(2));
    view.setDepth(0); // clamped
    QCOMPARE(view.depth(), 1);
    QCOMPARE(spy.count(), 2);
}

void TestLanes::hoursApartTracesGetABreak()
{
    // A message consumed 2 h 14 min after it was produced.
    TestModelBuilder b;
    const uint64_t later = kBase + (2 * 3600 + 14 * 60) * 1000 * kMs;
    b.span(1, 1, 0, kBase, kBase + 4 * kMs, "enqueue report", "scheduler");
    const uint32_t consume = b.span(2, 1, 0, later + 4 * kMs, later + 9 * kMs, "build report", "reports");
    b.link(consume, 1, 1);
    auto model = b.finish();
    const Model &m = *model;
    LanesLayout layout = collectLanes(m, traceOf(m, 2));
    LanesStyle style;
    layoutLanes(m, layout, 1200, style);
    const auto &pieces = layout.time.pieces();
    QCOMPARE(pieces.size(), size_t(3));
    QVERIFY(pieces[1].compressed);
    QCOMPARE(pieces[1].x1 - pieces[1].x0, style.time.breakWidth);
    QCOMPARE(display::offset(int64_t(pieces[1].t1 - pieces[1].t0)), QStringLiteral("+2 h 14 min"));
    // The two traces get the rest of the width between them, at one scale.
    const double producerWidth = layout.time.toX(kBase + 4 * kMs) - layout.time.toX(kBase);
    const double consumerWidth = layout.time.toX(later + 9 * kMs) - layout.time.toX(later + 4 * kMs);
    QVERIFY(qAbs(producerWidth * 5 - consumerWidth * 4) < 1e-6);
    QVERIFY(producerWidth > 400);
    // The axis labels the consumer's stretch from its own start, as an offset from the focus.
    QVERIFY(std::any_of(layout.ticks.begin(), layout.ticks.end(), [](const AxisTick &t) { return t.origin; }));
    QVERIFY(std::any_of(layout.ticks.begin(), layout.ticks.end(),
                        [](const AxisTick &t) { return t.label == QStringLiteral("−2 h 14 min"); }));
}

void TestLanes::drawingPaintsLanes()
{
    uint32_t publish = kNone;
    auto model = bigFanOut(60, &publish);
    const Model &m = *model;
    DrawingOptions options;
    options.trace = traceOf(m, 1);
    options.span = publish;
    options.width = 1400;
    for (bool dark : {false, true}) {
        options.dark = dark;
        const Drawing drawing = lanesDrawing(m, options);
        QCOMPARE(drawing.size.width(), 1400.0);
        QVERIFY(drawing.size.height() > 150);
        QImage image(drawing.size.toSize() * 2, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(2);
        image.fill(Qt::transparent);
        {
            QPainter p(&image);
            drawing.paint(p);
        }
        const QString out = qEnvironmentVariable("CAUSEWAY_LANES_PNG");
        if (!out.isEmpty())
            image.save(out + (dark ? QStringLiteral("-dark.png") : QStringLiteral("-light.png")));

        // The same layout the drawing used: the focus trace's root span shows its service colour.
        LanesLayout layout = collectLanes(m, options.trace);
        const LanesViewport viewport = initialViewport(m, layout, options.width, LanesStyle{});
        layoutLanes(m, layout, options.width, LanesStyle{}, viewport.zoom, viewport.pan);
        const Lane &lane = layout.lanes[layout.focusLane];
        const QRectF r = laneSpanRect(m, layout, lane, m.traces[lane.trace].root);
        QVERIFY(r.width() > 6);
        // Most of its device pixels (edges cross some of them) show the service colour.
        const QRect box((r.topLeft() * 2).toPoint() + QPoint(2, 2), (r.bottomRight() * 2).toPoint() - QPoint(2, 2));
        int match = 0;
        for (int y = box.top(); y <= box.bottom(); ++y)
            for (int x = box.left(); x <= box.right(); ++x)
                match += image.pixelColor(x, y).rgb() == serviceColor("exporter").rgb();
        QVERIFY2(match > box.width() * box.height() * 6 / 10, qPrintable(QString::number(match)));
        // The background follows the palette.
        const QColor corner = image.pixelColor(image.width() - 2, image.height() - 2);
        QCOMPARE(corner.lightnessF() < 0.5, dark);
    }
}

namespace {

std::shared_ptr<const Model> bundledModel()
{
    auto model = std::make_shared<Model>();
    const LoadResult result = loadFiles({test::bundledSample("causeway-sample.jsonl")}, *model);
    if (!result.ok)
        qWarning("%s", result.error.text().c_str());
    return model;
}

uint32_t traceByHex(const Model &m, const char *hex)
{
    TraceId id;
    if (parseId<16>(hex, id) != IdParse::Ok)
        return kNone;
    return m.findTrace(id);
}

void savePng(const Model &m, uint32_t trace, uint32_t depth, const char *name)
{
    const QString out = qEnvironmentVariable("CAUSEWAY_LANES_PNG");
    if (out.isEmpty())
        return;
    DrawingOptions options;
    options.trace = trace;
    options.depth = depth;
    options.width = 1500;
    const Drawing drawing = lanesDrawing(m, options);
    QImage image(drawing.size.toSize() * 2, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(2);
    QPainter p(&image);
    drawing.paint(p);
    p.end();
    image.save(out + QStringLiteral("-") + QString::fromUtf8(name) + QStringLiteral(".png"));
}

} // namespace

void TestLanes::bundledSampleBatchAfterLongGap()
{
    auto model = bundledModel();
    const Model &m = *model;
    QCOMPARE(m.traces.size(), size_t(84));
    // The nightly settlement: 40 links to payment captures made 2 h 14 min earlier.
    const uint32_t batch = traceByHex(m, "bf68987c6db0b484b5ce1735f262b0e2");
    QVERIFY(batch != kNone);
    LanesLayout layout = collectLanes(m, batch);
    // Two kinds of capture, two group lanes; the failed and the slowest surface next to them.
    QCOMPARE(layout.laneCount(LaneKind::Upstream), 4);
    QCOMPARE(layout.laneCount(LaneKind::Downstream), 0);
    QVERIFY(layout.lanes.front().isGroup());
    size_t members = 0;
    for (const Lane &lane : layout.lanes)
        members += lane.isGroup() ? lane.members.size() : 0;
    QCOMPARE(members, size_t(40));
    size_t links = 0;
    for (const LaneEdge &e : layout.edges) {
        links += e.links.size();
        QCOMPARE(e.fromLane, layout.focusLane);
        QCOMPARE(m.str(m.hot[e.fromSpan].name), std::string_view("settle-payments"));
    }
    QCOMPARE(links, size_t(40));
    const auto bundle = std::find_if(layout.edges.begin(), layout.edges.end(), [](const LaneEdge &e) { return e.toSpan == kNone; });
    QVERIFY(bundle != layout.edges.end());
    QVERIFY(layout.lanes[bundle->toLane].isGroup());
    // Link attributes reach the tooltip: a double among them.
    const LaneEdge &single = layout.edges[bundle == layout.edges.begin() ? 1 : 0];
    const QString tip = edgeToolTip(m, layout, single);
    QVERIFY2(tip.contains(QStringLiteral("shop.settlement.batch_id = ")), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("shop.payment.amount = ")));

    layoutLanes(m, layout, 1500, LanesStyle{});
    // The night between the last capture and the batch is one break, labelled with its length.
    const TimeMap::Piece *longest = nullptr;
    for (const auto &piece : layout.time.pieces())
        if (piece.compressed && (!longest || piece.t1 - piece.t0 > longest->t1 - longest->t0))
            longest = &piece;
    QVERIFY(longest);
    QCOMPARE(display::offset(int64_t(longest->t1 - longest->t0)), QStringLiteral("+2 h 14 min"));
    QCOMPARE(longest->t1, m.traces[batch].start);
    savePng(m, batch, 1, "batch");
}

void TestLanes::bundledSampleRetryChain()
{
    auto model = bundledModel();
    const Model &m = *model;
    // Checkout of order ord_4dbnd: inventory fails, is retried twice, then dead-lettered.
    const uint32_t checkout = traceByHex(m, "10aa1b3084c289e4a1901ac4ae17688d");
    const uint32_t attempt1 = traceByHex(m, "da6f7dff4ba24091b92558d70fc6bf60");
    const uint32_t attempt3 = traceByHex(m, "160d8fce005a3b375afc0a8668bb5e0a");
    const uint32_t deadLetter = traceByHex(m, "068bbe47b77eb63ac9aec14cc9cf35e1");
    const uint32_t receipt = traceByHex(m, "7cdf1d2c4f15bf7f958cd720ec95efd3");
    QVERIFY(checkout != kNone && attempt1 != kNone && attempt3 != kNone && deadLetter != kNone && receipt != kNone);

    const LanesLayout one = collectLanes(m, checkout, LanesOptions{.depth = 1, .groupMin = 12});
    QVERIFY(one.laneOfTrace(attempt1) >= 0);
    QCOMPARE(one.laneOfTrace(receipt), -1);
    const LanesLayout three = collectLanes(m, checkout, LanesOptions{.depth = 3, .groupMin = 12});
    QCOMPARE(three.lanes[three.laneOfTrace(attempt1)].hops, 1u);
    QCOMPARE(three.lanes[three.laneOfTrace(receipt)].hops, 2u);
    QCOMPARE(three.lanes[three.laneOfTrace(attempt3)].hops, 3u);
    QCOMPARE(three.laneOfTrace(deadLetter), -1);
    const LanesLayout four = collectLanes(m, checkout, LanesOptions{.depth = 4, .groupMin = 12});
    QCOMPARE(four.lanes[four.laneOfTrace(deadLetter)].hops, 4u);
    // Lanes run outward: each below the focus sits beyond a lane one hop nearer that it links to.
    for (int i = four.focusLane + 1; i < int(four.lanes.size()); ++i) {
        bool hangs = false;
        for (const LaneEdge &e : four.edges) {
            const int other = e.fromLane == i ? e.toLane : e.toLane == i ? e.fromLane : -1;
            hangs |= other >= four.focusLane && other < i && (other == four.focusLane || four.lanes[other].hops + 1 == four.lanes[i].hops);
        }
        QVERIFY2(hangs || four.lanes[i].group >= 0, qPrintable(QString::number(i)));
    }
    savePng(m, checkout, 4, "retry");

    // From the dead letter, upstream all the way to the checkout at depth 4.
    const LanesLayout back = collectLanes(m, deadLetter, LanesOptions{.depth = 4, .groupMin = 12});
    QCOMPARE(back.lanes.front().trace, checkout);
    QCOMPARE(back.lanes.front().hops, 4u);
    QCOMPARE(back.laneCount(LaneKind::Downstream), 0);
    savePng(m, deadLetter, 4, "deadletter");
}

void TestLanes::fitFocusZoomsTheAxis()
{
    auto model = bundledModel();
    const Model &m = *model;
    Session session;
    session.setModel(model);
    const uint32_t checkout = traceByHex(m, "10aa1b3084c289e4a1901ac4ae17688d");
    session.navigateTo(checkout);
    LanesView view(&session);
    view.setDepth(3);
    view.resize(1400, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto focusWidth = [&] {
        const LanesLayout &l = view.lanesLayout();
        return l.time.toX(m.traces[checkout].end) - l.time.toX(m.traces[checkout].start);
    };
    // Its consumers run for seconds, yet the first view shows the 23 ms
    // checkout readable: at least a fifth of the width, not a sliver.
    const double before = focusWidth();
    QVERIFY2(before >= 0.19 * (view.canvas()->width() - 20), qPrintable(QString::number(before)));
    view.canvas()->parentWidget()->setFocus();
    QTest::keyClick(view.canvas()->parentWidget(), Qt::Key_F);
    const double canvasWidth = view.canvas()->width();
    QVERIFY2(focusWidth() > 0.6 * canvasWidth && focusWidth() < 0.8 * canvasWidth, qPrintable(QString::number(focusWidth())));
    const Lane &focus = view.lanesLayout().lanes[view.lanesLayout().focusLane];
    QVERIFY(focus.flameView.rect.left() >= 0 && focus.flameView.rect.right() <= canvasWidth);
    // Lanes outside the window keep their place on the axis, clipped to the screen.
    for (const Lane &lane : view.lanesLayout().lanes)
        if (!lane.isGroup())
            QVERIFY(lane.flameView.rect.left() >= 0 && lane.flameView.rect.right() <= canvasWidth);
    // A click on a span still finds it when zoomed.
    const uint32_t root = m.traces[checkout].root;
    const QRectF box = laneSpanRect(m, view.lanesLayout(), focus, root);
    QCOMPARE(spanAt(view.lanesLayout(), QPointF(box.center().x(), box.center().y())).span, root);
    const QString out = qEnvironmentVariable("CAUSEWAY_LANES_PNG");
    if (!out.isEmpty())
        view.grab().save(out + QStringLiteral("-widget-fit.png"));
    // Back to everything.
    QTest::keyClick(view.canvas()->parentWidget(), Qt::Key_0);
    QCOMPARE(view.lanesLayout().zoom, 1.0);
    QVERIFY(focusWidth() < before);
}

void TestLanes::scrollsWhenLanesDoNotFit()
{
    auto model = bigFanOut(40);
    Session session;
    session.setModel(model);
    LanesView view(&session);
    view.resize(1000, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *area = view.findChild<QAbstractScrollArea *>();
    QVERIFY(area);
    QScrollBar *bar = area->verticalScrollBar();
    const LanesLayout &layout = view.lanesLayout();
    QCOMPARE(bar->maximum(), int(std::ceil(layout.height)) - view.canvas()->height());
    QVERIFY(bar->maximum() > 0);
    // The focus lane is at the top and in sight: no scrolling yet.
    QCOMPARE(bar->value(), 0);

    const Lane &group = *std::find_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
    bar->setValue(std::min(bar->maximum(), int(group.rect.top() - layout.style.axisHeight)));
    QVERIFY(bar->value() > 0);
    const int scroll = bar->value();
    // The group's header, in viewport coordinates, now that the lanes scrolled under the axis.
    // A point of it that no edge crosses.
    QPoint header(int(group.title.left()) + 160, int(group.title.center().y()) - scroll);
    while (edgeAt(layout, QPointF(header.x(), header.y() + scroll)) >= 0 && header.x() < group.title.right() - 40)
        header.rx() += 6;
    QVERIFY(header.y() > layout.style.axisHeight && header.y() < view.canvas()->height());
    QVERIFY(edgeAt(layout, QPointF(header.x(), header.y() + scroll)) < 0);
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, header);
    auto *table = view.findChild<QTableView *>();
    QVERIFY(table);
    QTRY_COMPARE(table->model()->rowCount(), int(group.members.size())); // listed on a worker
    // A click on the pinned axis does nothing, whatever lies under it.
    const uint32_t focus = session.focusTrace();
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, QPoint(40, 10));
    QCOMPARE(session.focusTrace(), focus);
}

QTEST_MAIN(TestLanes)
#include "tst_lanes.moc"
