// The lanes at the sizes span links exist for: fan-outs and fan-ins of 3,
// 40, 1,000, 10,000 and 100,000 linked traces, and the bundled sample. For
// each, at 1600 px: the axis has at most a few breaks, edges are bundled to
// one per pair of lanes, the lanes fit a screen, every failed member is one
// click away, no two axis labels or counts overlap, and every span drawn
// can be clicked, and no edge passes over a lane it has nothing to do with.
// Then a user's journey through a 10,000-item batch; two-hop trees whose
// edges cross only what no order avoids; failed members one click away when
// their ticks crowd (clusters); a first view that keeps a batch's focus
// readable however long its inputs span; a collect off the GUI thread; and
// a consumer tied to two dozen different traces, whose crowded margins each
// carry one trunk and whose view survives resizing.

#include "ui/drawing.h"
#include "ui/laneslayout.h"
#include "ui/lanemembersdialog.h"
#include "ui/lanegroupmodel.h"
#include "ui/lanespainter.h"
#include "ui/lanesview.h"
#include "ui/session.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"
#include "core/lanessummary.h"
#include "core/load.h"

#include <QAbstractItemModel>
#include <QAbstractScrollArea>
#include <QScrollBar>
#include <QApplication>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <string>

using namespace causeway;
using namespace causeway::ui;
using causeway::test::TestModelBuilder;

namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kBase = 1700000000ull * 1000000000ull;
constexpr double kWidth = 1600;
constexpr double kScreen = 1000;

std::string sku(uint32_t i)
{
    char text[16];
    std::snprintf(text, sizeof text, "SKU-%05u", i);
    return text;
}

// Trace 1 is the hub. In a fan-out its "publish" span is linked to by n
// consumer traces (they are downstream of it); in a fan-in its "settle"
// span links to n item traces (upstream of it). Members start ~250 ms
// apart, every 97th fails, one lasts 5 s, and two differ: a retry and a
// dead-letter handler. Trace 2 follows the hub (links to its span).
struct Scenario
{
    std::shared_ptr<const Model> model;
    uint32_t hub = kNone;
    uint32_t follower = kNone;
    std::vector<uint32_t> members;   // model trace indices, by item number
};

Scenario generate(uint32_t n, bool fanIn)
{
    TestModelBuilder b("shop");
    const uint64_t hubStart = fanIn ? kBase + uint64_t(n) * 250 * kMs + 5000 * kMs : kBase;
    const uint32_t itemsBase = 100;
    std::vector<TestModelBuilder::LinkSpec> hubLinks;
    auto itemStart = [&](uint32_t i) {
        return fanIn ? kBase + uint64_t(i) * 250 * kMs : kBase + 50 * kMs + uint64_t(i) * 250 * kMs;
    };
    if (fanIn)
        for (uint32_t i = 0; i < n; ++i)
            hubLinks.push_back({itemsBase + i, 1, {{"item.sku", sku(i)}}});
    b.add({.trace = 1, .span = 1, .start = hubStart, .duration = 120 * kMs, .name = fanIn ? "settle batch" : "nightly export"});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = hubStart + 5 * kMs, .duration = 80 * kMs,
           .name = fanIn ? "settle" : "publish", .links = hubLinks});
    b.add({.trace = 2, .span = 1, .start = hubStart + 400 * kMs, .duration = 30 * kMs, .name = "publish report",
           .links = {{1, 2}}});
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t t = itemsBase + i;
        const bool retry = n > 3 && i == n / 2 + 1;
        const bool deadLetter = n > 3 && i == n - 1;
        const char *name = retry ? "retry item" : deadLetter ? "dead-letter handler" : "process item";
        const uint64_t duration = i == 7 % std::max<uint32_t>(n, 1) && n >= 40 ? 5000 * kMs : (2 + i % 5) * kMs;
        std::vector<TestModelBuilder::LinkSpec> links;
        if (!fanIn)
            links.push_back({1, 2, {{"item.sku", sku(i)}}});
        b.add({.trace = t, .span = 1, .start = itemStart(i), .duration = duration, .name = name, .links = links,
               .status = i % 97 == 0 ? StatusCode::Error : StatusCode::Unset});
        b.add({.trace = t, .span = 2, .parent = 1, .start = itemStart(i) + duration / 4, .duration = duration / 2,
               .name = "write row"});
    }
    Scenario s;
    s.model = std::make_shared<const Model>(b.finish());
    s.hub = s.model->findTrace(TestModelBuilder::traceId(1));
    s.follower = s.model->findTrace(TestModelBuilder::traceId(2));
    for (uint32_t i = 0; i < n; ++i)
        s.members.push_back(s.model->findTrace(TestModelBuilder::traceId(itemsBase + i)));
    return s;
}

std::shared_ptr<const Model> bundledModel()
{
    auto model = std::make_shared<Model>();
    const LoadResult result = loadFiles({test::bundledSample("causeway-sample.jsonl")}, *model);
    if (!result.ok)
        qWarning("%s", result.error.text().c_str());
    return model;
}

// A session at `focus` (and `span`) with its lanes view, shown at `size`:
// what the tests that drive the widget start from. The caller waits for
// the window to be exposed.
struct LanesWindow
{
    Session session;
    std::unique_ptr<LanesView> view;
    LanesWindow(std::shared_ptr<const Model> model, uint32_t focus, QSize size = QSize(int(kWidth), 900),
                uint32_t span = kNone)
    {
        session.setModel(std::move(model));
        session.navigateTo(focus, span);
        view = std::make_unique<LanesView>(&session);
        view->resize(size);
        view->show();
    }
};

// A point on a lane's title that no edge crosses.
QPointF titlePoint(const LanesLayout &layout, const Lane &lane)
{
    QPointF at(lane.title.left() + 60, lane.title.center().y());
    const double right = (lane.errorChip.isEmpty() ? lane.title.right() : lane.errorChip.left()) - 4;
    while (edgeAt(layout, at) >= 0 && at.x() < right)
        at.rx() += 6;
    return at;
}

// Lanes an edge passes over that have nothing to do with it: strictly
// between its two lanes, with no edge to either end, and not a member lane
// of either end's group (or the group of either end).
size_t unrelatedCrossings(const LanesLayout &layout)
{
    const int n = int(layout.lanes.size());
    std::vector<std::vector<bool>> linked(size_t(n), std::vector<bool>(size_t(n), false));
    for (const LaneEdge &e : layout.edges)
        linked[size_t(e.fromLane)][size_t(e.toLane)] = linked[size_t(e.toLane)][size_t(e.fromLane)] = true;
    auto related = [&](int k, int end) {
        const Lane &a = layout.lanes[size_t(k)], &b = layout.lanes[size_t(end)];
        return linked[size_t(k)][size_t(end)] || a.group == end || b.group == k || (a.group >= 0 && a.group == b.group);
    };
    size_t crossings = 0;
    for (const LaneEdge &e : layout.edges)
        for (int k = std::min(e.fromLane, e.toLane) + 1; k < std::max(e.fromLane, e.toLane); ++k)
            if (!related(k, e.fromLane) && !related(k, e.toLane))
                ++crossings;
    return crossings;
}

// A two-hop tree around trace 1: `k` traces one link away (each its own
// name), each followed by one or two traces of its own, and the first by a
// crowd of 30 look-alikes. Downstream (they link to what reached them) or
// upstream (mirrored: what reached them links to them).
std::shared_ptr<const Model> tree(uint32_t k, bool upstream)
{
    TestModelBuilder b("shop");
    using Link = TestModelBuilder::LinkSpec;
    const uint64_t focusStart = upstream ? kBase + 10000 * kMs : kBase;
    std::vector<Link> focusLinks;
    std::vector<std::string> names;
    std::vector<std::string> followName;
    for (uint32_t i = 0; i < k; ++i) {
        names.push_back("step " + std::to_string(i));
        followName.push_back("follow-up of " + std::to_string(i));
    }
    auto next = [&](uint32_t i) {
        std::vector<uint32_t> out;
        const uint32_t followers = i == 0 ? 30 : 1 + i % 2;
        for (uint32_t j = 0; j < followers; ++j)
            out.push_back(1000 + i * 100 + j);
        return out;
    };
    for (uint32_t i = 0; i < k; ++i) {
        const uint32_t t = 10 + i;
        const uint64_t start = upstream ? focusStart - (k - i) * 200 * kMs : focusStart + (1 + i) * 200 * kMs;
        std::vector<Link> links;
        if (upstream) {
            focusLinks.push_back({t, 1});
            for (uint32_t f : next(i))
                links.push_back({f, 1});
        } else {
            links.push_back({1, 2});
        }
        b.add({.trace = t, .span = 1, .start = start, .duration = 50 * kMs, .name = names[i], .links = links});
        uint32_t j = 0;
        for (uint32_t f : next(i)) {
            const uint64_t fs = upstream ? start - (1 + j) * 20 * kMs : start + (1 + j) * 20 * kMs;
            std::vector<Link> fl;
            if (!upstream)
                fl.push_back({t, 1});
            b.add({.trace = f, .span = 1, .start = fs, .duration = 10 * kMs, .name = i == 0 ? "crowd" : followName[i],
                   .links = fl});
            ++j;
        }
    }
    b.add({.trace = 1, .span = 1, .start = focusStart, .duration = 100 * kMs, .name = "hub"});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = focusStart + 10 * kMs, .duration = 50 * kMs, .name = "hub step",
           .links = focusLinks});
    return std::make_shared<const Model>(b.finish());
}

// A consumer trace (1) at the centre of a star of traces that each differ
// (own service, own name), so each keeps a lane: it links to `up` producers
// seconds before it, from spans at several depths, and `down` traces seconds
// after it link to it; every third of those also links to a producer. So
// most edges run down a margin, many more than its tracks hold, and the
// first view (the focus and the ends nearest it) leaves the far ends off to
// the sides, as a generated 1 GB export's busiest consumer does.
Scenario star(uint32_t up, uint32_t down)
{
    TestModelBuilder b("inventory-api");
    using Link = TestModelBuilder::LinkSpec;
    const uint64_t focusStart = kBase + 10000 * kMs;
    b.add({.trace = 1, .span = 1, .start = focusStart, .duration = 28 * kMs, .name = "user-events process"});
    for (uint32_t i = 0; i < up; ++i) {
        b.add({.trace = 1, .span = 2 + i, .parent = i < 4 ? 1 : 2 + i % 4, .start = focusStart + (1 + i) * kMs,
               .duration = 3 * kMs, .name = "step " + std::to_string(i), .links = {Link{100 + i, 1}}});
        b.add({.trace = 100 + i, .span = 1, .start = focusStart - (700 + 230 * i) * kMs, .duration = (30 + 20 * i) * kMs,
               .name = "publish " + std::to_string(i)});
    }
    for (uint32_t i = 0; i < down; ++i) {
        std::vector<Link> links{{1, 2 + i % std::max<uint32_t>(up, 1)}};
        if (i % 3 == 0 && up > 0)
            links.push_back({100 + (i * 5) % up, 1});
        b.add({.trace = 200 + i, .span = 1, .start = focusStart + (500 + 1700 * i) * kMs, .duration = (20 + 15 * i) * kMs,
               .name = "handle " + std::to_string(i), .links = links});
    }
    Scenario s;
    s.model = std::make_shared<const Model>(b.finish());
    s.hub = s.model->findTrace(TestModelBuilder::traceId(1));
    return s;
}

// A straight run of an edge's route or a stub, as a box (at least 1 px thick).
QRectF runBox(QPointF p, QPointF q)
{
    return QRectF(p, q).normalized().adjusted(-0.5, -0.5, 0.5, 0.5);
}

// Edges and link stubs stay off every header but their own lanes': each run
// of an edge's route misses the title of every lane but its two ends; a stub
// (line and marker) misses every other lane's title. Returns the number of
// runs checked (added to `runs`).
// Where edges share a margin or a gap, each has a track of its own: no
// two edges' runs lie within 2 px of one line for more than a pixel.
// `shared`: how many runs had to be moved off a line another edge uses.
void checkRunsApart(const LanesLayout &layout, size_t *shared = nullptr)
{
    struct Run
    {
        bool vertical;
        double at, lo, hi;
        int edge;
    };
    std::vector<Run> runs;
    for (int i = 0; i < int(layout.edges.size()); ++i) {
        const std::vector<QPointF> &r = layout.edges[size_t(i)].route;
        for (size_t k = 1; k < r.size(); ++k) {
            const QPointF p = r[k - 1], q = r[k];
            const bool vertical = p.x() == q.x();
            Run run{vertical, vertical ? p.x() : p.y(), vertical ? std::min(p.y(), q.y()) : std::min(p.x(), q.x()),
                    vertical ? std::max(p.y(), q.y()) : std::max(p.x(), q.x()), i};
            if (!vertical) { // only what is on screen
                run.lo = std::max(run.lo, 0.0);
                run.hi = std::min(run.hi, layout.width);
            } else if (run.at < 0 || run.at > layout.width) {
                continue;
            }
            if (run.hi - run.lo > 1)
                runs.push_back(run);
        }
    }
    for (size_t a = 0; a < runs.size(); ++a) {
        for (size_t b = a + 1; b < runs.size(); ++b) {
            const Run &x = runs[a], &y = runs[b];
            if (x.edge == y.edge || x.vertical != y.vertical)
                continue;
            const double overlap = std::min(x.hi, y.hi) - std::max(x.lo, y.lo);
            if (overlap <= 1)
                continue;
            if (shared && std::abs(x.at - y.at) < 5)
                ++*shared;
            if (std::abs(x.at - y.at) < 2)
                for (int e : {x.edge, y.edge}) {
                    QString t;
                    for (QPointF p : layout.edges[size_t(e)].route)
                        t += QStringLiteral(" (%1,%2)").arg(p.x()).arg(p.y());
                    qWarning("edge %d %d->%d:%s margin %g", e, layout.edges[size_t(e)].fromLane, layout.edges[size_t(e)].toLane, qPrintable(t), layout.style.margin);
                }
            QVERIFY2(std::abs(x.at - y.at) >= 2,
                     qPrintable(QStringLiteral("edges %1 and %2 share a %3 run at %4 (%5..%6) at width %7")
                                    .arg(x.edge).arg(y.edge).arg(x.vertical ? QStringLiteral("vertical") : QStringLiteral("horizontal"))
                                    .arg(x.at).arg(std::max(x.lo, y.lo)).arg(std::min(x.hi, y.hi)).arg(layout.width)));
        }
    }
}

void checkClearOfOtherHeaders(const LanesLayout &layout, size_t *runCount = nullptr)
{
    size_t runs = 0;
    for (const LaneEdge &e : layout.edges) {
        QVERIFY(e.route.size() >= 2);
        QCOMPARE(e.route.front(), e.a);
        QCOMPARE(e.route.back(), e.b);
        for (size_t k = 1; k < e.route.size(); ++k) {
            const QRectF run = runBox(e.route[k - 1], e.route[k]);
            // Straight runs only: across or down, never through a header at a slant.
            QVERIFY2(e.route[k - 1].x() == e.route[k].x() || e.route[k - 1].y() == e.route[k].y(),
                     qPrintable(QStringLiteral("edge %1->%2: slanted run").arg(e.fromLane).arg(e.toLane)));
            ++runs;
            for (int li = 0; li < int(layout.lanes.size()); ++li) {
                if (li == e.fromLane || li == e.toLane)
                    continue;
                QVERIFY2(!run.intersects(layout.lanes[size_t(li)].title),
                         qPrintable(QStringLiteral("edge %1->%2 run (%3,%4)-(%5,%6) crosses the title of lane %7 at width %8")
                                        .arg(e.fromLane).arg(e.toLane).arg(e.route[k - 1].x()).arg(e.route[k - 1].y())
                                        .arg(e.route[k].x()).arg(e.route[k].y()).arg(li).arg(layout.width)));
            }
        }
        // An end off to a side is an arrow in that side's gutter, level with its lane's body.
        for (auto [end, off, lane] : {std::tuple{e.a, e.offA, e.fromLane}, std::tuple{e.b, e.offB, e.toLane}}) {
            if (!off)
                continue;
            const Lane &l = layout.lanes[size_t(lane)];
            QVERIFY2((off < 0 ? end.x() < l.title.left() : end.x() > l.title.right()) && end.y() >= l.body.top()
                         && end.y() <= l.body.bottom(),
                     qPrintable(QStringLiteral("edge %1->%2: an end off to a side outside its lane's gutter").arg(e.fromLane).arg(e.toLane)));
        }
    }
    for (const LaneStub &stub : layout.stubs) {
        for (int li = 0; li < int(layout.lanes.size()); ++li) {
            if (li == stub.lane)
                continue;
            const QRectF &title = layout.lanes[size_t(li)].title;
            QVERIFY2(!runBox(stub.a, stub.b).intersects(title) && !stub.marker.intersects(title),
                     qPrintable(QStringLiteral("stub of lane %1 crosses the title of lane %2").arg(stub.lane).arg(li)));
        }
        ++runs;
    }
    if (runCount)
        *runCount += runs;
}

// The items of every lane's header (badge, text, failed chip) side by side
// inside the header, none over another, and no edge count over any of them.
void checkHeaders(const Model &m, const LanesLayout &layout)
{
    for (const Lane &lane : layout.lanes) {
        const std::vector<QRectF> boxes = laneHeaderBoxes(m, layout, lane);
        QVERIFY(!boxes.empty());
        for (size_t i = 0; i < boxes.size(); ++i) {
            QVERIFY2(lane.title.adjusted(-0.5, -1.5, 0.5, 1.5).contains(boxes[i]),
                     qPrintable(QStringLiteral("header item %1 outside its header").arg(i)));
            for (size_t j = i + 1; j < boxes.size(); ++j)
                QVERIFY2(!boxes[i].adjusted(0.5, 0.5, -0.5, -0.5).intersects(boxes[j]),
                         qPrintable(QStringLiteral("header items %1 and %2 overlap at width %3").arg(i).arg(j).arg(layout.width)));
            for (const LaneEdge &e : layout.edges)
                QVERIFY(e.countRect.isEmpty() || !e.countRect.intersects(boxes[i]));
            for (const LaneStub &stub : layout.stubs)
                QVERIFY(stub.marker.isEmpty() || !stub.marker.intersects(boxes[i]) || layout.lanes[size_t(stub.lane)].title == lane.title);
        }
        // A group with failed members keeps its chip, last, at any width.
        if (lane.isGroup() && !lane.errorMembers.empty())
            QVERIFY(boxes.back() == lane.errorChip && !lane.errorChipText.isEmpty());
    }
}

// The checks every size must pass, on the first view (what the user sees).
void checkReadable(const Model &m, uint32_t focus, double width = kWidth)
{
    LanesLayout layout = collectLanes(m, focus);
    const LanesStyle style;
    const LanesViewport view = initialViewport(m, layout, width, style);
    layoutLanes(m, layout, width, style, view.zoom, view.pan);
    checkHeaders(m, layout);
    if (QTest::currentTestFailed())
        return;
    checkClearOfOtherHeaders(layout);
    if (QTest::currentTestFailed())
        return;

    // At most a few breaks.
    QVERIFY2(layout.time.breakCount() <= 3, qPrintable(QString::number(layout.time.breakCount())));
    // Lanes fit a screen, the focus among them.
    QVERIFY2(layout.height <= kScreen, qPrintable(QString::number(layout.height)));
    QVERIFY(layout.lanes[layout.focusLane].rect.bottom() <= kScreen);
    // At most one edge per pair of lanes.
    std::set<std::pair<int, int>> pairs;
    for (const LaneEdge &e : layout.edges)
        QVERIFY(pairs.insert({std::min(e.fromLane, e.toLane), std::max(e.fromLane, e.toLane)}).second);
    QVERIFY(layout.edges.size() < layout.lanes.size() * 2);

    // Every failed trace in the neighbourhood is one click away: its own
    // lane's title, or its tick on its group's density strip.
    size_t viaTick = 0, viaChip = 0, viaCluster = 0;
    for (uint32_t t = 0; t < m.traces.size(); ++t) {
        if (!m.traces[t].errorCount || layout.laneOf[t] < 0 || t == focus)
            continue;
        const Lane &lane = layout.lanes[layout.laneOf[t]];
        if (!lane.isGroup()) {
            const LanesHit hit = lanesHitTest(layout, titlePoint(layout, lane));
            QCOMPARE(hit.kind, LanesHit::Trace);
            QCOMPARE(hit.trace, t);
            continue;
        }
        const auto tick = std::find_if(lane.errorTicks.begin(), lane.errorTicks.end(), [t](const auto &v) { return v.second == t; });
        bool direct = false, inCluster = false;
        if (tick != lane.errorTicks.end()) {
            for (double dy : {0.5, 0.25, 0.75}) {
                const LanesHit h = lanesHitTest(layout, QPointF(tick->first, lane.body.top() + dy * lane.body.height()));
                if (h.kind == LanesHit::ErrorMember && h.trace == t)
                    direct = true;
                // Ticks closer than a click can tell apart: their cluster lists them.
                if (h.kind == LanesHit::ErrorCluster) {
                    const auto &members = lane.errorClusters[size_t(h.cluster)].members;
                    if (std::find(members.begin(), members.end(), t) != members.end())
                        direct = inCluster = true;
                }
            }
            viaCluster += inCluster ? 1 : 0;
            // On the view, a failed member always has its tick or cluster.
            QVERIFY(direct);
        }
        if (!direct) {
            // Off the first view: the group's "N failed" chip lists exactly the failed.
            QVERIFY(!lane.errorChip.isEmpty());
            QCOMPARE(lanesHitTest(layout, lane.errorChip.center()).kind, LanesHit::GroupErrors);
            ++viaChip;
        } else {
            ++viaTick;
        }
    }

    if (viaChip || viaCluster)
        qInfo("%zu failed members on the view (%zu in clusters), %zu off it through the failed list", viaTick, viaCluster,
              viaChip);
    // Edges pass over no lane they have nothing to do with.
    QCOMPARE(unrelatedCrossings(layout), size_t(0));
    qInfo("lanes %zu, edges %zu, breaks %zu, height %.0f", layout.lanes.size(), layout.edges.size(),
          layout.time.breakCount(), layout.height);

    // No two labels overlap: axis labels, each other's tick marks, the edge counts.
    const double h = style.axisHeight;
    for (size_t i = 0; i < layout.axisLabels.size(); ++i) {
        for (size_t j = i + 1; j < layout.axisLabels.size(); ++j)
            QVERIFY(!layout.axisLabels[i].rect.intersects(layout.axisLabels[j].rect));
        for (const AxisTick &tick : layout.ticks) {
            const QRectF mark(tick.x, h - 7, 1, 6);
            if (qAbs(layout.axisLabels[i].rect.left() - 3 - tick.x) < 0.5)
                continue; // its own tick
            QVERIFY2(!layout.axisLabels[i].rect.intersects(mark), qPrintable(layout.axisLabels[i].text.text()));
        }
    }
    for (size_t i = 0; i < layout.edges.size(); ++i) {
        const QRectF &a = layout.edges[i].countRect;
        if (a.isEmpty())
            continue;
        for (size_t j = i + 1; j < layout.edges.size(); ++j)
            QVERIFY(!a.intersects(layout.edges[j].countRect));
        for (const Lane &lane : layout.lanes)
            QVERIFY(!a.intersects(lane.title));
    }

    // Every span drawn in a lane can be clicked somewhere in its box.
    for (int li = 0; li < int(layout.lanes.size()); ++li) {
        const Lane &lane = layout.lanes[li];
        if (lane.isGroup() || lane.flameView.rect.width() <= 0)
            continue;
        const Range spans = m.traces[lane.trace].spans;
        for (uint32_t k = spans.first; k < spans.end() && k < spans.first + 200; ++k) {
            const uint32_t s = m.traceSpans[k];
            const QRectF r = laneSpanRect(m, layout, lane, s).intersected(lane.flameView.rect);
            if (r.isEmpty() || r.bottom() > lane.body.bottom())
                continue;
            bool hit = false;
            for (double fx : {0.5, 0.1, 0.9})
                for (double fy : {0.5, 0.2, 0.8}) {
                    const LanesHit h = lanesHitTest(layout, QPointF(r.left() + fx * r.width(), r.top() + fy * r.height()));
                    hit |= h.kind == LanesHit::Span && h.lane == li;
                }
            if (!hit) {
                const LanesHit h = lanesHitTest(layout, r.center());
                qWarning("rect %f %f %f %f body %f %f kind %d lane %d span %u edge %d", r.left(), r.top(), r.width(), r.height(),
                         lane.body.top(), lane.body.bottom(), int(h.kind), h.lane, h.span, h.edge);
            }
            QVERIFY2(hit, qPrintable(QStringLiteral("span %1 in lane %2 cannot be clicked").arg(s).arg(li)));
        }
        // A thin trace is still a target of a usable size.
        QVERIFY(lane.traceHit.width() >= style.minHitWidth - 1e-6);
    }
}

// Data rows of a fan-out and a fan-in of each size: columns n and fanIn.
void addFanRows(std::initializer_list<int> sizes)
{
    QTest::addColumn<int>("n");
    QTest::addColumn<bool>("fanIn");
    for (int n : sizes)
        for (bool fanIn : {false, true})
            QTest::addRow("%s_%d", fanIn ? "fanin" : "fanout", n) << n << fanIn;
}

} // namespace

class TestLanesScale : public QObject
{
    Q_OBJECT
private slots:
    void readable_data();
    void readable();
    void edgesClearOfOtherHeaders_data();
    void edgesClearOfOtherHeaders();
    void nextErrorVisitsEveryFailedTrace_data();
    void nextErrorVisitsEveryFailedTrace();
    void groupsBeforeOwnLanes_data();
    void groupsBeforeOwnLanes();
    void bundledSample();
    void journeyThroughABatch();
    void edgesCrossNoUnrelatedLane_data();
    void edgesCrossNoUnrelatedLane();
    void failedMembersOneClickShowingAll_data();
    void failedMembersOneClickShowingAll();
    void firstViewFitsFocus();
    void selectedMemberSurfaces();
    void firstViewShowsFocusLane_data();
    void firstViewShowsFocusLane();
    void resizeKeepsTheTimeInView();
    void crowdedMarginIsOneTrunk();
    void clusterClickListsItsMembers();
    void collectsOffTheGuiThread();
    void membersListFillsFromAWorker();
    void otherDepthSummarisedOnTheWorker();
};

void TestLanesScale::edgesCrossNoUnrelatedLane_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("upstream");
    for (int k : {3, 8, 13})
        for (bool upstream : {false, true})
            QTest::addRow("%s_%d", upstream ? "fanin" : "fanout", k) << k << upstream;
}

void TestLanesScale::edgesCrossNoUnrelatedLane()
{
    QFETCH(int, k);
    QFETCH(bool, upstream);
    const auto model = tree(uint32_t(k), upstream);
    const Model &m = *model;
    auto laneOf = [&](const LanesLayout &l, uint64_t n) { return l.laneOfTrace(m.findTrace(TestModelBuilder::traceId(n))); };
    const uint32_t hub = m.findTrace(TestModelBuilder::traceId(1));
    LanesOptions options;
    options.depth = 2;
    options.maxLanes = 64;
    LanesLayout layout = collectLanes(m, hub, options);
    layoutLanes(m, layout, kWidth, LanesStyle());
    // Each step's followers sit right beyond it (the crowd after step 0 is
    // one group lane and its slowest member), before the next step; steps
    // go by anchor time, top to bottom.
    for (uint32_t i = 0; i < uint32_t(k); ++i) {
        const int step = laneOf(layout, 10 + i);
        QVERIFY(step >= 0 && !layout.lanes[step].isGroup());
        if (i == 0) {
            // The crowd: its group lane, then its slowest member's lane.
            const int group = layout.groupOf[m.findTrace(TestModelBuilder::traceId(1000))];
            QVERIFY(layout.lanes[group].isGroup());
            QCOMPARE(group, upstream ? step - 2 : step + 1);
        } else {
            QCOMPARE(laneOf(layout, 1000 + i * 100), upstream ? step - 1 : step + 1);
        }
        if (i + 1 < uint32_t(k))
            QVERIFY(step < laneOf(layout, 11 + i));
    }
    // An edge from a step to its followers crosses nothing; an edge from a
    // step to the focus passes only over the steps between and their
    // followers, the fewest any order allows: no lane of a farther step's
    // subtree, none of the focus's other direction.
    size_t expected = 0;
    std::vector<size_t> extra; // lanes beyond each step in its subtree
    for (uint32_t i = 0; i < uint32_t(k); ++i)
        extra.push_back(i == 0 ? 2 : 1 + i % 2);
    for (uint32_t i = 0; i < uint32_t(k); ++i)
        for (uint32_t j = 0; j < uint32_t(k); ++j)
            if (upstream ? j > i : j < i)
                expected += extra[j];
    QCOMPARE(unrelatedCrossings(layout), expected);
    // In hop bands (every step, then every follower) there would be more.
    size_t banded = 0;
    for (uint32_t i = 0; i < uint32_t(k); ++i)
        banded += (uint32_t(k) - 1 - i) + [&] { size_t n = 0; for (uint32_t j = 0; j < i; ++j) n += extra[j]; return n; }();
    QVERIFY(k < 2 || expected < banded);
}

void TestLanesScale::failedMembersOneClickShowingAll_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<bool>("fanIn");
    QTest::addRow("fanout_100000") << 100000 << false;
    QTest::addRow("fanin_10000") << 10000 << true;
    QTest::addRow("fanout_1000") << 1000 << false;
}

void TestLanesScale::failedMembersOneClickShowingAll()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    const Model &m = *s.model;
    LanesLayout layout = collectLanes(m, s.hub);
    const LanesStyle style;
    layoutLanes(m, layout, kWidth, style); // everything on the axis
    size_t failed = 0, clusters = 0;
    for (int li = 0; li < int(layout.lanes.size()); ++li) {
        const Lane &lane = layout.lanes[li];
        if (!lane.isGroup())
            continue;
        // Every failed member is in exactly one cluster; a single one is
        // focused by its click, several are listed by theirs.
        std::vector<uint32_t> seen;
        for (size_t c = 0; c < lane.errorClusters.size(); ++c) {
            const Lane::ErrorCluster &cluster = lane.errorClusters[c];
            if (c > 0) // side by side, never overlapping
                QVERIFY(cluster.hit.left() >= lane.errorClusters[c - 1].hit.right() - 1e-9);
            QVERIFY(cluster.hit.width() >= 1);
            const LanesHit h = lanesHitTest(layout, cluster.hit.center());
            if (cluster.members.size() == 1) {
                QCOMPARE(h.kind, LanesHit::ErrorMember);
                QCOMPARE(h.trace, cluster.members.front());
            } else {
                QCOMPARE(h.kind, LanesHit::ErrorCluster);
                QCOMPARE(h.cluster, int(c));
                ++clusters;
            }
            seen.insert(seen.end(), cluster.members.begin(), cluster.members.end());
        }
        std::vector<uint32_t> expected = lane.errorMembers;
        std::sort(seen.begin(), seen.end());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(seen, expected);
        failed += expected.size();
    }
    QVERIFY(failed > 0);
    if (n >= 100000)
        QVERIFY(clusters > 0); // too many to tick one by one
}

void TestLanesScale::firstViewFitsFocus()
{
    // 10,000 items 250 ms apart: the batch's inputs span 41 minutes.
    const Scenario s = generate(10000, true);
    const Model &m = *s.model;
    LanesLayout layout = collectLanes(m, s.hub);
    const LanesStyle style;
    const LanesViewport view = initialViewport(m, layout, kWidth, style);
    layoutLanes(m, layout, kWidth, style, view.zoom, view.pan);
    const Trace &hub = m.traces[s.hub];
    const double margin = layout.style.margin; // as placed: wider where many edges run down it
    const double inner = kWidth - 2 * margin;
    const double focusWidth = layout.time.toX(hub.end) - layout.time.toX(hub.start);
    QVERIFY2(focusWidth >= 0.2 * inner, qPrintable(QString::number(focusWidth)));
    QVERIFY(layout.time.toX(hub.start) >= 0 && layout.time.toX(hub.end) <= kWidth);
    // The linked traces lie off to the left: their edges end in arrows in
    // the gutter beside the lanes, on screen.
    size_t stubs = 0;
    for (const LaneEdge &e : layout.edges) {
        for (auto [end, off] : {std::pair{e.a, e.offA}, std::pair{e.b, e.offB}}) {
            QVERIFY(end.x() >= 0 && end.x() <= kWidth);
            if (off) {
                QVERIFY(off < 0 ? end.x() < margin : end.x() > kWidth - margin);
                ++stubs;
            } else {
                QVERIFY(end.x() >= margin - 1e-6 && end.x() <= kWidth - margin + 1e-6);
            }
        }
    }
    QVERIFY(stubs > 0);
    // Show all (zoom 1) makes it the sliver the first view avoids.
    layoutLanes(m, layout, kWidth, style);
    QVERIFY(layout.time.toX(hub.end) - layout.time.toX(hub.start) < focusWidth / 4);
}

// A failed member selected outside the focus (what N selects) surfaces as a
// lane of its own next to its group, as failed (not pinned), on screen and
// in an export alike (one collect, one painter).
void TestLanesScale::selectedMemberSurfaces()
{
    const Scenario s = generate(10000, false);
    const Model &m = *s.model;
    const LanesLayout plain = collectLanes(m, s.hub);
    const uint32_t member = s.members[97 * 50];
    QCOMPARE(plain.lanes[size_t(plain.laneOfTrace(member))].isGroup(), true);
    const uint32_t span = m.traces[member].root;
    QCOMPARE(m.hot[span].status, StatusCode::Error);
    const LanesLayout with = collectLanes(m, s.hub, LanesOptions{}, span);
    QCOMPARE(with.lanes.size(), plain.lanes.size() + 1);
    const int lane = with.laneOfTrace(member);
    QVERIFY(lane >= 0 && !with.lanes[size_t(lane)].isGroup());
    QCOMPARE(with.lanes[size_t(lane)].group, with.laneOfTrace(s.members[1]));
    QVERIFY(with.lanes[size_t(lane)].marks & MarkError);
    QVERIFY(!(with.lanes[size_t(lane)].marks & MarkPinned));
    // Pinned by the user as well: it stays marked pinned.
    LanesOptions pinned;
    pinned.pinned = {member};
    const LanesLayout both = collectLanes(m, s.hub, pinned, span);
    QVERIFY(both.lanes[size_t(both.laneOfTrace(member))].marks & MarkPinned);
    // The export draws the same lanes: one more, so a taller drawing.
    DrawingOptions options;
    options.trace = s.hub;
    const double plainHeight = lanesDrawing(m, options).size.height();
    options.span = span;
    QVERIFY(lanesDrawing(m, options).size.height() > plainHeight);
}

void TestLanesScale::firstViewShowsFocusLane_data()
{
    addFanRows({3, 40, 1000, 10000});
}

// A fan-in's upstream lanes come first: in a small window the focus lane
// used to open below the fold, and a window made smaller after it opened
// left it there.
void TestLanesScale::firstViewShowsFocusLane()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    Session session;
    session.setModel(s.model);
    session.navigateTo(s.hub);
    auto focusShown = [&](const LanesView &view) {
        const LanesLayout &layout = view.lanesLayout();
        if (layout.focusLane < 0)
            return false;
        const auto *area = qobject_cast<const QAbstractScrollArea *>(view.canvas()->parentWidget());
        const QRectF lane = layout.lanes[size_t(layout.focusLane)].rect.translated(0, -area->verticalScrollBar()->value());
        // Its header and the top of its flame graph below the axis, above the bottom edge.
        return lane.top() >= layout.style.axisHeight - 1 && lane.top() + 40 <= view.canvas()->height();
    };
    // The lanes pane of a window of each size, and the narrow pane the main window leaves them.
    const QSize sizes[] = {{1600, 1000}, {1000, 700}, {800, 600}, {1000, 420}, {800, 330}};
    for (QSize size : sizes) {
        LanesView view(&session);
        view.resize(size);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(!view.collecting());
        QVERIFY2(focusShown(view), qPrintable(QStringLiteral("%1x%2").arg(size.width()).arg(size.height())));
    }
    // Opened large, then made smaller: the focus lane stays in sight, until the user scrolls.
    LanesView view(&session);
    view.resize(1600, 1000);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    for (QSize size : sizes) {
        view.resize(size);
        QTest::qWait(1);
        QVERIFY2(focusShown(view), qPrintable(QStringLiteral("resized to %1x%2").arg(size.width()).arg(size.height())));
    }
}

// With more edges down a margin than its tracks hold, the margin is widened
// once: the axis starts where the lane bodies do, and a resize keeps the
// time at the left edge (widened twice, each resize moved the view seconds
// away from the focus).
void TestLanesScale::resizeKeepsTheTimeInView()
{
    const Scenario s = star(12, 14);
    const Model &m = *s.model;
    const uint32_t focus = s.hub;
    LanesLayout layout = collectLanes(m, focus);
    const LanesStyle style;
    QVERIFY(std::none_of(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); }));
    QVERIFY2(layout.gutterEdges > 8, qPrintable(QString::number(layout.gutterEdges)));
    for (double width : {kWidth, 900.0}) {
        const LanesViewport first = initialViewport(m, layout, width, style);
        for (LanesViewport v : {LanesViewport{}, first}) {
            layoutLanes(m, layout, width, style, v.zoom, v.pan);
            QCOMPARE(layout.style.margin, 3 * style.margin);
            const Lane &f = layout.lanes[size_t(layout.focusLane)];
            QCOMPARE(f.body.left(), layout.style.margin);
            if (v.zoom == 1) {
                QCOMPARE(layout.time.pieces().front().x0, layout.style.margin);
                QCOMPARE(layout.time.pieces().back().x1, width - layout.style.margin);
            } else {
                // The first view shows the focus trace whole.
                QVERIFY(layout.time.toX(m.traces[focus].start) >= layout.style.margin - 0.5);
                QVERIFY(layout.time.toX(m.traces[focus].end) <= width - layout.style.margin + 0.5);
            }
        }
    }

    LanesWindow window(s.model, focus, QSize(1000, 700));
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(!view.collecting());
    const Trace &t = m.traces[focus];
    auto leftTime = [&] { return view.lanesLayout().time.toTime(view.lanesLayout().style.margin); };
    const uint64_t left = leftTime();
    QVERIFY(view.lanesLayout().zoom > 1);
    QVERIFY(left <= t.start);
    for (int width : {980, 1210, 900, 1000, 760, 1000}) {
        view.resize(width, 700);
        QTest::qWait(1);
        const LanesLayout &now = view.lanesLayout();
        QCOMPARE(now.width, double(view.canvas()->width()));
        // Within a pixel's time of where it was.
        const double pixel = double(now.time.toTime(now.style.margin + 100) - now.time.toTime(now.style.margin)) / 100;
        QVERIFY2(std::abs(double(int64_t(leftTime() - left))) <= 2 * pixel,
                 qPrintable(QStringLiteral("width %1: left edge moved by %2 ns").arg(width).arg(int64_t(leftTime() - left))));
        QVERIFY(now.time.toX(t.start) < now.width - now.style.margin);
    }
}

// More edges down a margin than it has tracks for: one trunk per margin
// (not a band of dotted lines 2 px apart), its dots on one grid so the
// edges sharing it draw one dotted line, and every edge still picked by the
// mouse somewhere along its way. Runs through the focus lane's body stay
// apart, and so do runs in the gaps of edges that meet at no lane.
void TestLanesScale::crowdedMarginIsOneTrunk()
{
    const Scenario s = star(12, 14);
    const Model &m = *s.model;
    const uint32_t focus = s.hub;
    LanesLayout layout = collectLanes(m, focus);
    const LanesStyle style;
    int crowded = 0;
    for (double width : {kWidth, 1000.0}) {
        const LanesViewport first = initialViewport(m, layout, width, style);
        for (LanesViewport v : {first, LanesViewport{}}) {
            layoutLanes(m, layout, width, style, v.zoom, v.pan);
            const double left = layout.style.margin, right = width - layout.style.margin;
            std::set<double> trunks[2];
            size_t sideEdges[2] = {0, 0};
            std::map<double, std::set<double>> phases; // per trunk x: dot y modulo the spacing
            for (const LaneEdge &e : layout.edges) {
                bool counted[2] = {false, false};
                for (size_t k = 1; k < e.route.size(); ++k) {
                    const QPointF p = e.route[k - 1], q = e.route[k];
                    if (p.x() != q.x() || (p.x() >= left && p.x() <= right) || std::abs(p.y() - q.y()) <= 1)
                        continue;
                    trunks[p.x() > right].insert(p.x());
                    if (!std::exchange(counted[p.x() > right], true))
                        ++sideEdges[p.x() > right];
                }
                // Dots on the edge's own runs down a margin (not where a run along a gap crosses one).
                for (const QRectF &d : e.dots) {
                    const QPointF c = d.center();
                    if (c.x() >= left && c.x() <= right)
                        continue;
                    for (size_t k = 1; k < e.route.size(); ++k)
                        if (e.route[k - 1].x() == c.x() && e.route[k].x() == c.x()
                            && c.y() >= std::min(e.route[k - 1].y(), e.route[k].y()) && c.y() <= std::max(e.route[k - 1].y(), e.route[k].y())) {
                            phases[c.x()].insert(std::fmod(c.y(), 4.0));
                            break;
                        }
                }
            }
            // A 30 px margin has 7 tracks 4 px apart; beyond that, one line.
            for (int side : {0, 1}) {
                if (sideEdges[side] <= 7)
                    continue;
                ++crowded;
                QVERIFY2(trunks[side].size() == 1, qPrintable(QStringLiteral("side %1: %2 lines").arg(side).arg(trunks[side].size())));
            }
            for (const auto &[x, ys] : phases)
                QVERIFY2(ys.size() == 1, qPrintable(QStringLiteral("dots at x %1 on %2 grids").arg(x).arg(ys.size())));
            // Every edge is the one the mouse picks somewhere along its way.
            for (int i = 0; i < int(layout.edges.size()); ++i) {
                const LaneEdge &e = layout.edges[size_t(i)];
                const bool picked = std::any_of(e.samples.begin(), e.samples.end(), [&](QPointF p) {
                    return p.x() >= 0 && p.x() <= width && edgeAt(layout, p) == i;
                });
                QVERIFY2(picked, qPrintable(QStringLiteral("edge %1 (%2 -> %3)").arg(i).arg(e.fromLane).arg(e.toLane)));
            }
            checkClearOfOtherHeaders(layout);
            if (QTest::currentTestFailed())
                return;
        }
    }
    // Both margins of the first views are crowded.
    QVERIFY2(crowded >= 4, qPrintable(QString::number(crowded)));
}

void TestLanesScale::clusterClickListsItsMembers()
{
    const Scenario s = generate(100000 / 4, false);
    LanesWindow window(s.model, s.hub);
    Session &session = window.session;
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(!view.collecting());
    QTest::keyClick(view.canvas()->parentWidget(), Qt::Key_0); // show all
    const LanesLayout &layout = view.lanesLayout();
    const auto group = std::find_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
    QVERIFY(group != layout.lanes.end());
    const auto cluster = std::find_if(group->errorClusters.begin(), group->errorClusters.end(),
                                      [](const Lane::ErrorCluster &c) { return c.members.size() > 1; });
    QVERIFY(cluster != group->errorClusters.end());
    const std::vector<uint32_t> expected = cluster->members;
    QVERIFY(group->rect.bottom() < view.canvas()->height());
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, cluster->hit.center().toPoint());
    QTRY_VERIFY(view.membersDialog());
    QTRY_VERIFY(!view.membersDialog()->listing());
    QAbstractItemModel *list = view.membersDialog()->table()->model();
    QCOMPARE(list->rowCount(), int(expected.size()));
    QCOMPARE(session.focusTrace(), s.hub); // listing never navigates
}

void TestLanesScale::collectsOffTheGuiThread()
{
    // 30,000 links into the hub: collected on a worker, the previous lanes
    // stay until it lands, and a newer focus wins over a late result.
    const Scenario s = generate(30000, false);
    LanesWindow window(s.model, s.follower);
    Session &session = window.session;
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(!view.collecting());
    QCOMPARE(view.lanesLayout().focus, s.follower);
    // Once a model arrives the view summarises its busy traces on a worker,
    // and a summarised hub is quick (otherDepthSummarisedOnTheWorker): the
    // hub is focused in the same turn as a new model, before that pass can
    // have reached it, so its lanes are collected on a worker.
    session.setModel(std::make_shared<const Model>(s.model->clone()), s.follower);
    QVERIFY(!view.collecting());
    session.navigateTo(s.hub);
    QVERIFY(view.collecting());
    QCOMPARE(view.lanesLayout().focus, s.follower); // still the previous lanes, drawable
    QTRY_VERIFY_WITH_TIMEOUT(!view.collecting(), 20000);
    QCOMPARE(view.lanesLayout().focus, s.hub);
    QVERIFY(view.lanesLayout().lanes.size() > 2);
    // Two quick focus changes: the last one is what shows.
    session.navigateTo(s.follower);
    session.navigateTo(s.hub);
    session.navigateTo(s.members[5]);
    QTRY_VERIFY_WITH_TIMEOUT(!view.collecting(), 20000);
    QTest::qWait(50);
    QCOMPARE(view.lanesLayout().focus, s.members[5]);
}

void TestLanesScale::membersListFillsFromAWorker()
{
    // 100,000 members: the list opens at once, the rows (a chain walk and
    // every member's attribute) come from a worker, and they are the rows
    // laneMembers() gives.
    const Scenario s = generate(100000, false);
    LanesWindow window(s.model, s.hub);
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY_WITH_TIMEOUT(!view.collecting(), 20000);
    const LanesLayout &layout = view.lanesLayout();
    const auto group = std::find_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
    QVERIFY(group != layout.lanes.end());
    QVERIFY(group->members.size() > 99000);
    const int lane = int(group - layout.lanes.begin());
    QPointF at(group->title.left() + 200, group->title.center().y());
    while (edgeAt(layout, at) >= 0 && at.x() < group->errorChip.left() - 10)
        at.rx() += 8;
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at.toPoint());
    LaneMembersDialog *dialog = view.membersDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->listing()); // open, the rows not yet there: nothing was listed on this thread
    QCOMPARE(dialog->membersModel()->rowCount(), 0);
    QSignalSpy listed(dialog, &LaneMembersDialog::listed);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->listing(), 20000);
    QCOMPARE(listed.count(), 1);

    const LanesSelection selection = selectionOf(layout);
    std::vector<LaneMember> expected = laneMembers(*s.model, selection, lane);
    LaneGroupModel *rows = dialog->membersModel();
    QCOMPARE(rows->totalCount(), int(expected.size()));
    QCOMPARE(rows->rowCount(), int(group->members.size()));
    // Sorted by start, as the members are: row i is member i, with its hop and link.
    for (int i = 0; i < rows->rowCount(); i += 997) {
        QCOMPARE(rows->traceAt(i), expected[size_t(i)].trace);
        QCOMPARE(rows->index(i, LaneGroupModel::HopsColumn).data(LaneGroupModel::SortRole).toUInt(), expected[size_t(i)].hops);
        QCOMPARE(rows->index(i, LaneGroupModel::LagColumn).data(LaneGroupModel::SortRole).toLongLong(), expected[size_t(i)].lag);
    }
    // The attribute column shows the key that tells them apart.
    QCOMPARE(rows->attributeKey(), QStringLiteral("item.sku"));
    QCOMPARE(rows->index(0, LaneGroupModel::AttributeColumn).data().toString(), QStringLiteral("SKU-00000"));

    // Closed while listing: the late rows go nowhere.
    QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at.toPoint());
    QVERIFY(view.membersDialog() && view.membersDialog()->listing());
    view.membersDialog()->close();
    QTRY_VERIFY(!view.membersDialog());
    QTest::qWait(200);
}

void TestLanesScale::otherDepthSummarisedOnTheWorker()
{
    // 2,000 links: at depth 1 collected at once; another depth builds its
    // summary on a worker (the previous lanes stay meanwhile), and keeps it:
    // going back and forth between depths is then immediate.
    const Scenario s = generate(2000, false);
    LanesWindow window(s.model, s.hub);
    Session &session = window.session;
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QTRY_VERIFY(!view.collecting());
    QCOMPARE(view.lanesLayout().options.depth, 1u);
    LanesOptions deep;
    deep.depth = 2;
    QVERIFY(view.summaries().find(*s.model, s.hub, deep) == nullptr);
    view.setDepth(2);
    QTRY_VERIFY_WITH_TIMEOUT(!view.collecting(), 20000);
    QCOMPARE(view.lanesLayout().options.depth, 2u);
    QVERIFY(view.summaries().find(*s.model, s.hub, deep) != nullptr);
    deep.cameFrom = session.previousTrace();
    const LanesLayout plain = collectLanes(*s.model, s.hub, deep);
    QCOMPARE(view.lanesLayout().lanes.size(), plain.lanes.size());
    QCOMPARE(view.lanesLayout().edges.size(), plain.edges.size());
    for (int round = 0; round < 2; ++round) {
        view.setDepth(1);
        QVERIFY(!view.collecting());
        QCOMPARE(view.lanesLayout().options.depth, 1u);
        view.setDepth(2);
        QVERIFY(!view.collecting()); // summarised at depth 2 already
        QCOMPARE(view.lanesLayout().options.depth, 2u);
        QCOMPARE(view.lanesLayout().lanes.size(), plain.lanes.size());
    }
}

void TestLanesScale::readable_data()
{
    addFanRows({3, 40, 1000, 10000, 100000});
}

void TestLanesScale::readable()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    // At full width and in a narrow window.
    for (double width : {kWidth, 800.0}) {
        checkReadable(*s.model, s.hub, width);
        if (QTest::currentTestFailed())
            return;
        // From a member too: the hub is its one neighbour, a lane of its own.
        checkReadable(*s.model, s.members[uint32_t(n) / 3], width);
        if (QTest::currentTestFailed())
            return;
    }
}

void TestLanesScale::edgesClearOfOtherHeaders_data()
{
    addFanRows({3, 40, 1000, 10000});
}

void TestLanesScale::edgesClearOfOtherHeaders()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    const Model &m = *s.model;
    LanesLayout layout = collectLanes(m, s.hub);
    const LanesStyle style;
    size_t offEnds = 0, runs = 0, sideBySide = 0;
    for (double width : {kWidth, 1000.0, 800.0}) {
        // The first view (ends off to the sides), all of it, and zoomed in on the focus.
        const LanesViewport first = initialViewport(m, layout, width, style);
        const Trace &hub = m.traces[s.hub];
        const LanesViewport close = fitTimeRange(m, layout, width, style, hub.start, hub.end);
        for (LanesViewport v : {first, LanesViewport{}, close}) {
            layoutLanes(m, layout, width, style, v.zoom, v.pan);
            QVERIFY(!layout.edges.empty());
            checkClearOfOtherHeaders(layout, &runs);
            if (QTest::currentTestFailed())
                return;
            checkRunsApart(layout, &sideBySide);
            if (QTest::currentTestFailed())
                return;
            // The margin holds a track per edge that runs down it, within limits.
            QVERIFY(layout.style.margin >= style.margin && layout.style.margin <= 3 * style.margin);
            for (int i = 0; i < int(layout.edges.size()); ++i) {
                const LaneEdge &e = layout.edges[size_t(i)];
                offEnds += (e.offA ? 1 : 0) + (e.offB ? 1 : 0);
                // Its run into the far lane picks this edge, though the
                // margin it runs in carries the edges to lanes beyond.
                const bool fromFocus = e.fromLane == layout.focusLane;
                const QPointF p = fromFocus ? e.route[e.route.size() - 2] : e.route[1];
                const QPointF q = fromFocus ? e.route.back() : e.route.front();
                const double run = std::hypot(p.x() - q.x(), p.y() - q.y());
                QCOMPARE(edgeAt(layout, q + (p - q) * (std::min(4.0, run / 2) / run)), i);
            }
        }
    }
    // Edges between lanes that are not neighbours pass others: their routes are checked, not skipped.
    QVERIFY(runs > layout.edges.size());
    if (n >= 1000)
        QVERIFY(offEnds > 0); // ends off to the sides were among them
    // Edges did share margins and gaps: they were drawn side by side, not skipped.
    if (n >= 40)
        QVERIFY(sideBySide > 0);
}

void TestLanesScale::nextErrorVisitsEveryFailedTrace_data()
{
    addFanRows({1000, 10000});
}

void TestLanesScale::nextErrorVisitsEveryFailedTrace()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    const Model &m = *s.model;
    LanesWindow window(s.model, s.hub, QSize(1600, 1000));
    Session &session = window.session;
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy status(&view, &LanesView::statusMessage);

    // Every 97th member fails: the failed members, whether grouped or surfaced in lanes of their own.
    std::set<uint32_t> failed;
    for (uint32_t i = 0; i < uint32_t(n); i += 97)
        failed.insert(s.members[i]);
    QVERIFY(failed.size() > 10);

    // N, from the keyboard, with the lanes focused: the first failed trace by start time.
    view.activateWindow();
    view.canvas()->setFocus();
    QVERIFY(QTest::qWaitForWindowActive(&view));
    QTest::keyClick(view.canvas(), Qt::Key_N);
    QCOMPARE(status.size(), 1);
    QCOMPARE(view.errorTour().size(), failed.size());
    auto statusHead = [&] { return status.back().at(0).toString().section(QStringLiteral("  ·  "), 0, 0); };
    QCOMPARE(statusHead(), QStringLiteral("error 1 of %L1").arg(failed.size()));
    const QAbstractScrollArea *area = qobject_cast<const QAbstractScrollArea *>(view.canvas()->parentWidget());
    QVERIFY(area);
    // The batch stays the focus; the member is selected in place (the
    // details show its failed span), in a lane of its own, framed, in view.
    auto checkSelectedInPlace = [&]() -> uint32_t {
        const uint32_t span = session.selectedSpan();
        if (span >= m.hot.size())
            return kNone;
        const uint32_t t = m.hot[span].trace;
        const LanesLayout &layout = view.lanesLayout();
        const int lane = layout.laneOfTrace(t);
        const bool ok = session.focusTrace() == s.hub && layout.focus == s.hub && m.hot[span].status == StatusCode::Error
            && lane >= 0 && !layout.lanes[size_t(lane)].isGroup() && !(layout.lanes[size_t(lane)].marks & MarkPinned);
        if (!ok) {
            qWarning("selected %u trace %u focus %u/%u lane %d", span, t, session.focusTrace(), layout.focus, lane);
            return kNone;
        }
        // Its lane and its failed span are on screen.
        const int scroll = area->verticalScrollBar()->value();
        const QRectF r = layout.lanes[size_t(lane)].rect.translated(0, -scroll);
        const QRectF box = laneSpanRect(m, layout, layout.lanes[size_t(lane)], span);
        if (r.top() < layout.style.axisHeight - 1 || r.bottom() > view.canvas()->height() + 1
            || box.right() < 0 || box.left() > view.canvas()->width()) {
            qWarning("lane %d at %g..%g, span at %g..%g: off screen", lane, r.top(), r.bottom(), box.left(), box.right());
            return kNone;
        }
        return t;
    };
    const uint32_t first = checkSelectedInPlace();
    QVERIFY(failed.count(first));
    QVERIFY(!session.canGoBack() || session.previousTrace() != s.hub); // no history entry per step

    // The rest by action: each failed member once, in start order, then round to the first.
    std::set<uint32_t> visited{first};
    uint64_t lastStart = m.traces[first].start;
    for (size_t k = 1; k < failed.size(); ++k) {
        view.nextErrorAction()->trigger();
        const uint32_t t = checkSelectedInPlace();
        QVERIFY2(failed.count(t), qPrintable(QString::number(k)));
        QVERIFY(m.traces[t].start >= lastStart);
        lastStart = m.traces[t].start;
        QVERIFY(visited.insert(t).second);
        QCOMPARE(statusHead(), QStringLiteral("error %L1 of %L2").arg(k + 1).arg(failed.size()));
    }
    QCOMPARE(visited.size(), failed.size());
    const uint32_t last = checkSelectedInPlace();
    view.nextErrorAction()->trigger();
    QCOMPARE(checkSelectedInPlace(), first);
    QVERIFY(status.back().at(0).toString().startsWith(QStringLiteral("error 1 of %L1 (from the first again)").arg(failed.size())));
    // Shift+N from the first wraps back to the last, then walks back in reverse start order.
    QTest::keyClick(view.canvas(), Qt::Key_N, Qt::ShiftModifier);
    QCOMPARE(checkSelectedInPlace(), last);
    std::set<uint32_t> back{last};
    lastStart = m.traces[last].start;
    for (size_t k = 1; k < failed.size(); ++k) {
        view.previousErrorAction()->trigger();
        const uint32_t t = checkSelectedInPlace();
        QVERIFY(failed.count(t));
        QVERIFY(m.traces[t].start <= lastStart);
        lastStart = m.traces[t].start;
        QVERIFY(back.insert(t).second);
    }
    QCOMPARE(back.size(), failed.size());
    QCOMPARE(checkSelectedInPlace(), first);
    QVERIFY(!session.canGoBack()); // stepping in place left no history

    // Enter focuses the selected member; Back returns to the batch with it
    // still selected, and stepping goes on from it.
    view.nextErrorAction()->trigger();
    const uint32_t second = checkSelectedInPlace();
    QVERIFY(failed.count(second) && second != first);
    const uint32_t secondSpan = session.selectedSpan();
    QTest::keyClick(view.canvas(), Qt::Key_Return);
    QCOMPARE(session.focusTrace(), second);
    QCOMPARE(session.selectedSpan(), secondSpan);
    QCOMPARE(view.lanesLayout().focus, second);
    session.back();
    QCOMPARE(session.focusTrace(), s.hub);
    QCOMPARE(session.selectedSpan(), secondSpan);
    QCOMPARE(checkSelectedInPlace(), second);
    view.previousErrorAction()->trigger();
    QCOMPARE(checkSelectedInPlace(), first);
    // From the member focused, N goes back to the batch with the next one selected.
    view.nextErrorAction()->trigger();
    QTest::keyClick(view.canvas(), Qt::Key_Return);
    QCOMPARE(session.focusTrace(), second);
    view.nextErrorAction()->trigger();
    QCOMPARE(session.focusTrace(), s.hub);
    const uint32_t third = checkSelectedInPlace();
    QVERIFY(failed.count(third) && third != first && third != second);
    QCOMPARE(view.errorTour().size(), failed.size());
}

void TestLanesScale::groupsBeforeOwnLanes_data()
{
    readable_data();
}

void TestLanesScale::groupsBeforeOwnLanes()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    const Model &m = *s.model;
    const LanesSelection sel = selectLanes(m, s.hub);
    const LaneKind kind = fanIn ? LaneKind::Upstream : LaneKind::Downstream;
    if (n <= 3) {
        // Three look-alikes read fine as lanes of their own (and the report after the hub).
        QCOMPARE(sel.laneCount(kind), fanIn ? 3 : 4);
        return;
    }
    // One group of "process item"; the retry and the dead-letter handler keep their own lanes.
    std::vector<const LaneSpec *> groups;
    for (const LaneSpec &l : sel.lanes)
        if (l.isGroup())
            groups.push_back(&l);
    QCOMPARE(groups.size(), size_t(1));
    QCOMPARE(groups[0]->members.size(), size_t(n - 2));
    QCOMPARE(std::string(m.str(groups[0]->rootName)), std::string("process item"));
    for (uint32_t i : {uint32_t(n) / 2 + 1, uint32_t(n) - 1}) {
        const int lane = sel.laneOf[s.members[i]];
        QVERIFY(lane >= 0);
        QVERIFY(!sel.lanes[lane].isGroup());
        QCOMPARE(sel.lanes[lane].group, -1);
    }
    // The slowest surfaces, marked; failed members too.
    const int slow = sel.laneOf[s.members[7]];
    QVERIFY(!sel.lanes[slow].isGroup());
    QVERIFY(sel.lanes[slow].marks & MarkSlowest);
    QVERIFY(sel.lanes[sel.laneOf[s.members[0]]].marks & MarkError);
    // Failed members are counted and listed by the "error" filter.
    const int g = int(groups[0] - sel.lanes.data());
    const std::vector<LaneMember> members = laneMembers(m, sel, g);
    const MemberFilter failed("error");
    const auto listed = std::count_if(members.begin(), members.end(), [&](const LaneMember &r) { return failed.matches(m, r); });
    QCOMPARE(size_t(listed), groups[0]->errorMembers.size());
    QVERIFY(listed > 0);
    // Lanes of one direction are in link anchor order within a hop.
    for (size_t i = 1; i < sel.lanes.size(); ++i) {
        const LaneSpec &a = sel.lanes[i - 1], &b = sel.lanes[i];
        if (a.kind == kind && b.kind == kind && a.group < 0 && b.group < 0 && a.hops == b.hops)
            QVERIFY(a.anchor <= b.anchor);
    }
    // The trace the user came from is surfaced and marked.
    LanesQueryOptions options;
    options.cameFrom = s.members[uint32_t(n) / 3];
    const LanesSelection back = selectLanes(m, s.hub, options);
    const int came = back.laneOf[options.cameFrom];
    QVERIFY(!back.lanes[came].isGroup());
    QVERIFY(back.lanes[came].marks & MarkCameFrom);
}

void TestLanesScale::bundledSample()
{
    auto model = bundledModel();
    const Model &m = *model;
    QVERIFY(m.traces.size() > 40);
    // The trace the sample opens on (most links) and every other linked trace.
    uint32_t busiest = 0;
    for (uint32_t t = 0; t < m.traces.size(); ++t) {
        if (m.traces[t].linksIn + m.traces[t].linksOut > m.traces[busiest].linksIn + m.traces[busiest].linksOut)
            busiest = t;
        if (m.traces[t].linksIn + m.traces[t].linksOut)
            checkReadable(m, t);
    }
    LanesLayout layout = collectLanes(m, busiest);
    QVERIFY(std::any_of(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); }));
}

void TestLanesScale::journeyThroughABatch()
{
    const Scenario s = generate(10000, true);
    const Model &m = *s.model;
    const uint32_t item = s.members[42];
    const uint32_t itemSpan = m.traces[item].root;
    LanesWindow window(s.model, item, QSize(1600, 1000), itemSpan);
    Session &session = window.session;
    LanesView &view = *window.view;
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto clickTitleOf = [&](uint32_t trace) {
        const LanesLayout &layout = view.lanesLayout();
        const int lane = layout.laneOfTrace(trace);
        QVERIFY(lane >= 0);
        QVERIFY(!layout.lanes[lane].isGroup());
        const QRectF title = layout.lanes[lane].title;
        QPointF at(title.left() + title.width() * 0.6, title.center().y());
        while (edgeAt(layout, at) >= 0 && at.x() < title.right() - 10)
            at.rx() += 8;
        QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at.toPoint());
    };

    // One click to the batch, one to what follows it.
    clickTitleOf(s.hub);
    QCOMPARE(session.focusTrace(), s.hub);
    // The item the user came from surfaces next to the batch's group, marked.
    {
        const LanesLayout &layout = view.lanesLayout();
        const int lane = layout.laneOfTrace(item);
        QVERIFY(lane >= 0 && !layout.lanes[lane].isGroup());
        QVERIFY(layout.lanes[lane].marks & MarkCameFrom);
    }
    clickTitleOf(s.follower);
    QCOMPARE(session.focusTrace(), s.follower);
    // Back twice: the item, with its selection.
    session.back();
    session.back();
    QCOMPARE(session.focusTrace(), item);
    QCOMPARE(session.selectedSpan(), itemSpan);

    // From the batch, item #5000 by its attribute value: click the group,
    // type the value, Enter.
    session.navigateTo(s.hub);
    int actions = 0;
    {
        const LanesLayout &layout = view.lanesLayout();
        const auto group = std::find_if(layout.lanes.begin(), layout.lanes.end(), [](const Lane &l) { return l.isGroup(); });
        QVERIFY(group != layout.lanes.end());
        QCOMPARE(group->members.size(), size_t(9998));
        QPointF at(group->title.left() + 200, group->title.center().y());
        while (edgeAt(layout, at) >= 0 && at.x() < group->errorChip.left() - 10)
            at.rx() += 8;
        QTest::mouseClick(view.canvas(), Qt::LeftButton, {}, at.toPoint());
        ++actions;
    }
    QTRY_VERIFY(view.membersDialog());
    LaneMembersDialog *dialog = view.membersDialog();
    QVERIFY(dialog->filterBox()->hasFocus() || dialog->filterBox()->isVisible());
    QTest::keyClicks(dialog->filterBox(), QStringLiteral("item.sku=SKU-05000"));
    ++actions;
    QTRY_VERIFY(!dialog->listing()); // typed while the rows were listed: the filter applies to them
    QCOMPARE(dialog->membersModel()->rowCount(), 1);
    QTest::keyClick(dialog->filterBox(), Qt::Key_Return);
    ++actions;
    QCOMPARE(session.focusTrace(), s.members[5000]);
    QVERIFY(actions <= 3);
}

QTEST_MAIN(TestLanesScale)
#include "tst_lanesscale.moc"
