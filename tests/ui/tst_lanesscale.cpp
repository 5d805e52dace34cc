// The lanes at the sizes span links exist for: fan-outs and fan-ins of 3,
// 40, 1,000, 10,000 and 100,000 linked traces, and the bundled sample. For
// each, at 1600 px: the axis has at most a few breaks, edges are bundled to
// one per pair of lanes, the lanes fit a screen, every failed member is one
// click away, no two axis labels or counts overlap, and every span drawn
// can be clicked. Then a user's journey through a 10,000-item batch.

#include "ui/laneslayout.h"
#include "ui/lanemembersdialog.h"
#include "ui/lanegroupmodel.h"
#include "ui/lanesview.h"
#include "ui/session.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"
#include "core/load.h"

#include <QApplication>
#include <QLineEdit>
#include <QTableView>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
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

// A point on a lane's title that no edge crosses.
QPointF titlePoint(const LanesLayout &layout, const Lane &lane)
{
    QPointF at(lane.title.left() + 60, lane.title.center().y());
    const double right = (lane.errorChip.isEmpty() ? lane.title.right() : lane.errorChip.left()) - 4;
    while (edgeAt(layout, at) >= 0 && at.x() < right)
        at.rx() += 6;
    return at;
}

// The checks every size must pass, on the first view (what the user sees).
void checkReadable(const Model &m, uint32_t focus)
{
    LanesLayout layout = collectLanes(m, focus);
    const LanesStyle style;
    const LanesViewport view = initialViewport(m, layout, kWidth, style);
    layoutLanes(m, layout, kWidth, style, view.zoom, view.pan);

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
    size_t viaTick = 0, viaChip = 0;
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
        bool direct = false;
        if (tick != lane.errorTicks.end()) {
            for (double dy : {0.5, 0.25, 0.75}) {
                const LanesHit h = lanesHitTest(layout, QPointF(tick->first, lane.body.top() + dy * lane.body.height()));
                direct |= h.kind == LanesHit::ErrorMember && h.trace == t;
            }
        }
        if (!direct) {
            // Ticks closer than a click can tell apart (or off the first
            // view): the group's "N failed" chip lists exactly the failed.
            QVERIFY(!lane.errorChip.isEmpty());
            QCOMPARE(lanesHitTest(layout, lane.errorChip.center()).kind, LanesHit::GroupErrors);
            ++viaChip;
        } else {
            ++viaTick;
        }
    }

    if (viaChip)
        qInfo("%zu failed members by their tick, %zu through the failed list", viaTick, viaChip);
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
            QVERIFY2(!layout.axisLabels[i].rect.intersects(mark), qPrintable(layout.axisLabels[i].text));
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

} // namespace

class TestLanesScale : public QObject
{
    Q_OBJECT
private slots:
    void readable_data();
    void readable();
    void groupsBeforeOwnLanes_data();
    void groupsBeforeOwnLanes();
    void bundledSample();
    void journeyThroughABatch();
};

void TestLanesScale::readable_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<bool>("fanIn");
    for (int n : {3, 40, 1000, 10000, 100000})
        for (bool fanIn : {false, true})
            QTest::addRow("%s_%d", fanIn ? "fanin" : "fanout", n) << n << fanIn;
}

void TestLanesScale::readable()
{
    QFETCH(int, n);
    QFETCH(bool, fanIn);
    const Scenario s = generate(uint32_t(n), fanIn);
    checkReadable(*s.model, s.hub);
    // From a member too: the hub is its one neighbour, a lane of its own.
    checkReadable(*s.model, s.members[uint32_t(n) / 3]);
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
    Session session;
    session.setModel(s.model);
    const uint32_t item = s.members[42];
    const uint32_t itemSpan = m.traces[item].root;
    session.navigateTo(item, itemSpan);
    LanesView view(&session);
    view.resize(1600, 1000);
    view.show();
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
    QCOMPARE(dialog->membersModel()->rowCount(), 1);
    QTest::keyClick(dialog->filterBox(), Qt::Key_Return);
    ++actions;
    QCOMPARE(session.focusTrace(), s.members[5000]);
    QVERIFY(actions <= 3);
}

QTEST_MAIN(TestLanesScale)
#include "tst_lanesscale.moc"
