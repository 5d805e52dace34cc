// Lanes from a summary against lanes from the model: on random link graphs
// (fan-outs and fan-ins of up to 2,500 traces, chains, cycles, links inside
// a trace and to traces not loaded, start times that tie, a mix of look-alike
// and differing root spans), at depths 1 to 3, with loose and tight grouping,
// one summary per focus reused for several came-from traces and pins, the
// selection made from the summary equals selectLanes() on the model in every
// lane, member, mark, spread, table and edge (links in order, lag range,
// ends). The cache keeps one summary per focus and options, and forgets
// them for another model.

#include "core/lanessummary.h"
#include "core/linkgraph.h"

#include "common/modelbuilder.h"

#include <QtTest>

#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace causeway;
using causeway::test::TestModelBuilder;

namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kBase = 1700000000ull * 1'000'000'000ull;

struct Graph
{
    Model model;
    std::vector<uint32_t> hubs;      // model trace indices of the traces most links meet
    // Trace n's spans as given to the builder (spans[0] is empty): to feed
    // the same graph in batches, as live data arrives.
    std::vector<std::vector<TestModelBuilder::SpanSpec>> spans;
    uint32_t hubCount = 0;
};

// A random graph: a few hubs, each with a fan of traces linking to it or
// linked from it, chains between fan members (depth 2 and 3 reach them),
// some links back (cycles), inside a trace, and to a trace not loaded.
Graph randomGraph(uint32_t seed)
{
    std::mt19937 rng(seed);
    auto pick = [&](uint32_t n) { return uint32_t(rng() % n); };
    const uint32_t traces = 4 + pick(seed % 5 == 0 ? 2500 : 600);
    const uint32_t hubCount = 1 + pick(3);
    const char *names[] = {"process item", "process item", "process item", "retry item", "dead letter",
                           "compensate", "audit", "process item", "index", "notify"};
    const uint32_t nameCount = 3 + pick(8);
    const uint64_t spread = 1 + pick(seed % 3 == 0 ? 20 : 5000); // small: many equal starts
    TestModelBuilder b("shop");
    // Spans of trace n are 10n, 10n+1, 10n+2.
    std::vector<uint32_t> spanCount(traces + 1);
    struct Pending
    {
        uint32_t trace;
        std::vector<TestModelBuilder::LinkSpec> links[3];
    };
    std::vector<Pending> pending(traces + 1);
    for (uint32_t t = 1; t <= traces; ++t)
        spanCount[t] = 1 + pick(3);
    auto anySpan = [&](uint32_t t) { return TestModelBuilder::LinkSpec{t, 10 * t + pick(spanCount[t])}; };
    auto link = [&](uint32_t from, uint32_t to) {
        pending[from].links[pick(spanCount[from])].push_back(anySpan(to));
    };
    const uint32_t fanRate = 30 + pick(70); // percent of traces in a hub's fan
    for (uint32_t t = 1 + hubCount; t <= traces; ++t) {
        for (uint32_t h = 1; h <= hubCount; ++h) {
            if (pick(100) >= fanRate / h)
                continue;
            if (pick(4) == 0)
                link(h, t);   // the hub links to it: it is upstream of the hub
            else
                link(t, h);   // it links to the hub: downstream
            if (pick(3) == 0) // a second link between the same two traces
                link(t, h);
        }
        if (pick(6) == 0)
            link(t, 1 + hubCount + pick(traces - hubCount)); // chains, cycles, inner links
        if (pick(40) == 0)
            pending[t].links[0].push_back({traces + 100, 1}); // not loaded
    }
    for (uint32_t h = 1; h < hubCount; ++h)
        if (pick(2))
            link(h, h + 1);
    std::vector<std::vector<TestModelBuilder::SpanSpec>> specs(traces + 1);
    for (uint32_t t = 1; t <= traces; ++t) {
        const uint64_t start = kBase + pick(uint32_t(spread)) * kMs;
        const uint64_t duration = (1 + pick(50)) * kMs;
        const StatusCode status = pick(12) == 0 ? StatusCode::Error : StatusCode::Unset;
        const std::string_view name = t <= hubCount ? "hub" : names[pick(nameCount)];
        specs[t].push_back({.trace = t, .span = 10 * t, .start = start, .duration = duration, .name = name,
                            .links = pending[t].links[0], .status = status});
        for (uint32_t k = 1; k < spanCount[t]; ++k)
            specs[t].push_back({.trace = t, .span = 10 * t + k, .parent = 10 * t, .start = start + k * kMs / 2,
                                .duration = duration / 2, .name = "step", .links = pending[t].links[k],
                                .status = pick(30) == 0 ? StatusCode::Error : StatusCode::Unset});
        for (const auto &spec : specs[t])
            b.add(spec);
    }
    Graph g{b.finish(), {}, std::move(specs), hubCount};
    for (uint32_t h = 1; h <= hubCount; ++h)
        g.hubs.push_back(g.model.findTrace(TestModelBuilder::traceId(h)));
    return g;
}

std::string spreadText(const Spread &s)
{
    std::ostringstream out;
    out << s.min << '/' << s.median << '/' << s.p95 << '/' << s.max;
    return out.str();
}

// The first difference between two selections, or empty.
std::string difference(const LanesSelection &a, const LanesSelection &b)
{
    std::ostringstream out;
    if (a.focus != b.focus || a.origin != b.origin || a.focusLane != b.focusLane)
        return "focus, origin or focus lane";
    if (a.lanes.size() != b.lanes.size()) {
        out << "lane count " << a.lanes.size() << " vs " << b.lanes.size();
        return out.str();
    }
    for (size_t i = 0; i < a.lanes.size(); ++i) {
        const LaneSpec &x = a.lanes[i], &y = b.lanes[i];
        out.str({});
        out << "lane " << i << ": ";
        if (x.kind != y.kind || x.trace != y.trace || x.hops != y.hops || x.anchor != y.anchor || x.marks != y.marks
            || x.group != y.group)
            return out.str() + "kind, trace, hops, anchor, marks or group";
        if (x.service != y.service || x.rootName != y.rootName || !(x.members == y.members.vector())
            || !(x.memberStarts == y.memberStarts.vector()) || x.errorMembers != y.errorMembers
            || x.errorSpans != y.errorSpans || x.memberStart != y.memberStart || x.memberEnd != y.memberEnd
            || !(x.coverage == y.coverage.vector()))
            return out.str() + "members";
        if (spreadText(x.duration) != spreadText(y.duration) || spreadText(x.lag) != spreadText(y.lag))
            return out.str() + "spreads";
    }
    if (a.laneOf != b.laneOf || a.groupOf != b.groupOf)
        return "per-trace lane tables";
    if (a.edges.size() != b.edges.size()) {
        out.str({});
        out << "edge count " << a.edges.size() << " vs " << b.edges.size();
        return out.str();
    }
    for (size_t i = 0; i < a.edges.size(); ++i) {
        const LaneLinkBundle &x = a.edges[i], &y = b.edges[i];
        out.str({});
        out << "edge " << i << " (" << x.fromLane << "->" << x.toLane << ", " << x.links.size() << " links): ";
        if (x.fromLane != y.fromLane || x.toLane != y.toLane)
            return out.str() + "lanes";
        if (x.links != y.links)
            return out.str() + "links";
        if (x.lagMin != y.lagMin || x.lagMax != y.lagMax)
            return out.str() + "lag range";
        if (x.fromSpan != y.fromSpan || x.toSpan != y.toSpan)
            return out.str() + "end spans";
        if (x.fromTime != y.fromTime || x.toTime != y.toTime)
            return out.str() + "end times";
    }
    return {};
}

} // namespace

class TestLanesSummary : public QObject
{
    Q_OBJECT
private slots:
    void sameAsFromTheModel()
    {
        size_t compared = 0, withFresh = 0, longEdges = 0;
        for (uint32_t seed = 1; seed <= 220; ++seed) {
            const Graph g = randomGraph(seed);
            std::mt19937 rng(seed * 7919);
            std::vector<uint32_t> foci = g.hubs;
            foci.push_back(uint32_t(rng() % g.model.traces.size()));
            for (uint32_t focus : foci) {
                LanesQueryOptions options;
                options.depth = 1 + rng() % 3;
                const uint32_t groupMins[] = {2, 3, 4, 6};
                const uint32_t maxLanes[] = {3, 6, 14};
                options.groupMin = groupMins[rng() % 4];
                options.maxLanes = maxLanes[rng() % 3];
                options.surfacedErrors = rng() % 4;
                const auto summary = summarizeLanes(g.model, focus, options);
                const LanesSelection plain = selectLanes(g.model, focus, options);
                // Came-from and pins among the reached traces (mostly group
                // members), plus the odd trace out of reach.
                std::vector<uint32_t> reached;
                for (uint32_t t = 0; t < plain.laneOf.size(); ++t)
                    if (plain.laneOf[t] >= 0 && t != focus)
                        reached.push_back(t);
                // Members whose links decide a long bundle's lag range, first
                // link or ends: surfacing them takes exactly those links out.
                std::vector<uint32_t> decisive;
                for (const LaneLinkBundle &e : plain.edges) {
                    if (e.links.size() < 64)
                        continue;
                    const bool groupFrom = plain.lanes[size_t(e.fromLane)].isGroup();
                    const bool groupTo = plain.lanes[size_t(e.toLane)].isGroup();
                    if (!groupFrom && !groupTo)
                        continue;
                    auto member = [&](uint32_t l) {
                        const Link &link = g.model.links[l];
                        return g.model.hot[groupFrom ? link.from : link.target].trace;
                    };
                    std::vector<std::pair<int64_t, uint32_t>> byLag;
                    std::vector<std::pair<uint64_t, uint32_t>> byStart;
                    for (uint32_t l : e.links) {
                        byLag.emplace_back(linkLag(g.model, l), l);
                        byStart.emplace_back(g.model.hot[groupFrom ? g.model.links[l].from : g.model.links[l].target].start, l);
                    }
                    std::sort(byLag.begin(), byLag.end());
                    std::sort(byStart.begin(), byStart.end());
                    decisive.push_back(member(byLag.front().second));
                    decisive.push_back(member(byLag.back().second));
                    decisive.push_back(member(byStart.front().second));
                    decisive.push_back(member(byStart[byStart.size() / 2].second));
                    decisive.push_back(member(byStart[(byStart.size() - 1) / 2].second));
                    decisive.push_back(member(e.links.front()));
                }
                for (int variant = 0; variant < 8; ++variant) {
                    LanesQueryOptions o = options;
                    if (variant >= 5 && !decisive.empty()) {
                        o.cameFrom = decisive[rng() % decisive.size()];
                        for (int p = 0; p < variant - 4; ++p)
                            o.pinned.push_back(decisive[rng() % decisive.size()]);
                    } else if (variant > 0 && !reached.empty()) {
                        o.cameFrom = rng() % 4 ? reached[rng() % reached.size()] : uint32_t(rng() % g.model.traces.size());
                        const size_t pins = rng() % (variant + 1);
                        for (size_t p = 0; p < pins; ++p)
                            o.pinned.push_back(reached[rng() % reached.size()]);
                        if (variant == 4 && !o.pinned.empty())
                            o.pinned.push_back(o.cameFrom); // pinned and came from
                    }
                    const LanesSelection full = selectLanes(g.model, focus, o);
                    const LanesSelection fromSummary = selectLanes(g.model, *summary, o);
                    const std::string diff = difference(full, fromSummary);
                    QVERIFY2(diff.empty(), ("seed " + std::to_string(seed) + ", focus " + std::to_string(focus)
                                            + ", depth " + std::to_string(o.depth) + ", variant " + std::to_string(variant)
                                            + ": " + diff)
                                               .c_str());
                    ++compared;
                    withFresh += full.lanes.size() > plain.lanes.size();
                    for (const LaneLinkBundle &e : full.edges)
                        longEdges += e.links.size() >= 200;
                }
            }
        }
        // The comparisons covered what matters: members surfaced by came-from
        // and pins, and bundles long enough to be taken from sorted runs.
        QVERIFY(compared > 3000);
        QVERIFY(withFresh > 300);
        QVERIFY(longEdges > 300);
    }

    void cacheKeepsSummariesPerModel()
    {
        const Graph a = randomGraph(5);
        const Graph b = randomGraph(10);
        LanesSummaryCache cache;
        LanesQueryOptions options;
        const auto first = cache.get(a.model, a.hubs[0], options);
        QCOMPARE(cache.get(a.model, a.hubs[0], options), first);
        QCOMPARE(cache.find(a.model, a.hubs[0], options), first);
        options.depth = 2;
        QVERIFY(cache.find(a.model, a.hubs[0], options) == nullptr);
        cache.get(a.model, a.hubs[0], options);
        QCOMPARE(cache.size(), size_t(2));
        // Another model: what was kept for the first is dropped.
        QVERIFY(cache.find(b.model, b.hubs[0], options) == nullptr);
        QCOMPARE(cache.size(), size_t(0));

        // Warming builds the busy traces' summaries, the busiest first, and
        // the cached selection equals the plain one.
        LanesQueryOptions depth1;
        const size_t built = cache.warm(b.model, depth1, 50);
        QVERIFY(built >= 1);
        QVERIFY(cache.find(b.model, b.hubs[0], depth1) != nullptr);
        depth1.cameFrom = b.model.traces.size() > 20 ? 20 : 0;
        QCOMPARE(difference(selectLanes(b.model, b.hubs[0], depth1, cache), selectLanes(b.model, b.hubs[0], depth1)),
                 std::string());
        // Two threads asking at once get the one summary, built once.
        LanesSummaryCache shared;
        std::shared_ptr<const LanesSummary> fromA, fromB;
        std::thread ta([&] { fromA = shared.get(a.model, a.hubs[0], depth1); });
        std::thread tb([&] { fromB = shared.get(a.model, a.hubs[0], depth1); });
        ta.join();
        tb.join();
        QVERIFY(fromA != nullptr);
        QCOMPARE(fromA, fromB);
        QCOMPARE(shared.size(), size_t(1));

        std::atomic<bool> cancel{true};
        LanesSummaryCache other;
        QCOMPARE(other.warm(b.model, depth1, 1, &cancel), size_t(0));
    }

    // Live data: the graph arrives in batches (new members of the hubs,
    // members that fail later, links whose target comes later) and the
    // retention cap evicts the oldest traces. After each step the cache
    // carried over from the one before gives, for every focus and options
    // it had summaries of, exactly the selection made from the model; the
    // summaries no touched trace is part of are the same objects, the
    // others built again.
    void carriedOverAcrossLiveSteps()
    {
        size_t compared = 0, kept = 0, rebuilt = 0, steps = 0, evictions = 0;
        for (uint32_t seed = 1; seed <= 24; ++seed) {
            const Graph g = randomGraph(seed);
            std::mt19937 rng(seed * 104729);
            const uint32_t traces = uint32_t(g.spans.size() - 1);
            // The hubs and half the others first; the rest in batches.
            uint32_t next = g.hubCount + 1 + (traces - g.hubCount) / 2;
            TestModelBuilder first("shop");
            for (uint32_t t = 1; t < next; ++t)
                for (const auto &spec : g.spans[t])
                    first.add(spec);
            Model model = first.finish();
            uint32_t nextSpan = 10 * (traces + 200); // span ids of spans added later
            std::vector<std::pair<uint32_t, LanesQueryOptions>> asked; // (trace number, options)
            auto options = [&](uint32_t depth) {
                LanesQueryOptions o;
                o.depth = depth;
                o.groupMin = 2 + rng() % 4;
                o.maxLanes = rng() % 2 ? 14 : 4;
                o.surfacedErrors = rng() % 4;
                return o;
            };
            for (uint32_t h = 1; h <= g.hubCount; ++h)
                for (uint32_t depth = 1; depth <= 3; ++depth)
                    asked.emplace_back(h, options(depth));
            for (int k = 0; k < 3; ++k)
                asked.emplace_back(g.hubCount + 1 + rng() % (traces - g.hubCount), options(1 + rng() % 2));

            auto cache = std::make_unique<LanesSummaryCache>();
            auto check = [&](LanesSummaryCache &c, const std::string &where) {
                for (const auto &[number, o] : asked) {
                    const uint32_t focus = model.findTrace(TestModelBuilder::traceId(number));
                    if (focus == kNone)
                        continue;
                    LanesQueryOptions with = o;
                    if (model.traces.size() > 1)
                        with.cameFrom = uint32_t(rng() % model.traces.size());
                    for (const LanesQueryOptions &variant : {o, with}) {
                        const auto summary = c.get(model, focus, variant);
                        const std::string diff = difference(selectLanes(model, focus, variant), selectLanes(model, *summary, variant));
                        QVERIFY2(diff.empty(), ("seed " + std::to_string(seed) + ", " + where + ", trace " + std::to_string(number)
                                                + ", depth " + std::to_string(o.depth) + ": " + diff)
                                                   .c_str());
                        ++compared;
                    }
                }
            };
            check(*cache, "first load");
            if (QTest::currentTestFailed())
                return;
            for (int step = 0; next <= traces || step < 6; ++step) {
                // What the previous cache holds, to tell kept from rebuilt.
                std::vector<std::shared_ptr<const LanesSummary>> before;
                for (const auto &[number, o] : asked) {
                    const uint32_t focus = model.findTrace(TestModelBuilder::traceId(number));
                    before.push_back(focus == kNone ? nullptr : cache->find(model, focus, o));
                }
                ModelChanges changes;
                std::string what;
                const int kind = int(rng() % 10);
                if (kind == 0 && model.traces.size() > 8) {
                    // The cap: the oldest few go.
                    const std::vector<uint32_t> drop = model.oldestTraces(0, model.traces.size() - 1 - rng() % 4);
                    model.evictTraces(drop, changes);
                    what = "eviction";
                    ++evictions;
                } else {
                    TestModelBuilder batch("shop");
                    // A member that fails later: a failed span joins a trace already loaded.
                    if (kind <= 3) {
                        const uint32_t number = g.hubCount + 1 + rng() % (next - g.hubCount - 1);
                        const auto &root = g.spans[number].front();
                        if (model.findTrace(TestModelBuilder::traceId(number)) != kNone)
                            batch.add({.trace = number, .span = nextSpan++, .parent = root.span, .start = root.start + kMs / 4,
                                       .duration = kMs, .name = "step", .status = StatusCode::Error});
                    }
                    // New traces: members arriving at the hubs, chains, links to traces still to come.
                    const uint32_t count = std::min(next <= traces ? traces + 1 - next : 0u, 1 + uint32_t(rng() % 40));
                    for (uint32_t t = next; t < next + count; ++t)
                        for (const auto &spec : g.spans[t])
                            batch.add(spec);
                    next += count;
                    Model fragment = batch.finish();
                    model.append(fragment, changes);
                    what = "append";
                }
                ++steps;
                auto carried = std::make_unique<LanesSummaryCache>();
                const size_t n = carried->carryOver(*cache, model, changes);
                if (!changes.evictedTraces.empty())
                    QCOMPARE(n, size_t(0)); // evictions renumber: nothing is kept
                // Kept ones are the same objects; what is not kept is built again on demand.
                for (size_t i = 0; i < asked.size(); ++i) {
                    const uint32_t focus = model.findTrace(TestModelBuilder::traceId(asked[i].first));
                    if (focus == kNone || !before[i])
                        continue;
                    const auto now = carried->find(model, focus, asked[i].second);
                    if (now) {
                        QCOMPARE(now, before[i]);
                        ++kept;
                    } else {
                        ++rebuilt;
                    }
                }
                cache = std::move(carried);
                check(*cache, what + " step " + std::to_string(step));
                if (QTest::currentTestFailed())
                    return;
            }
        }
        // Both ways were taken, often.
        QVERIFY(compared > 2000);
        QVERIFY(kept > 200);
        QVERIFY(rebuilt > 200);
        QVERIFY(evictions > 20);
        qInfo("%zu live steps (%zu evictions): %zu summaries kept, %zu built again, %zu selections compared", steps,
              evictions, kept, rebuilt, compared);
    }

    // One refresh that touches one hub: the other hub's summary is kept,
    // the touched one's is not. A link of a kept trace that waited for its
    // target and found it touches that trace.
    void carryOverKeepsUntouchedHubs()
    {
        // Hubs 1 and 2, each with 30 members linking to it; hub 2 links to
        // trace 99, not loaded yet.
        auto member = [](TestModelBuilder &b, uint32_t t, uint32_t hub) {
            b.add({.trace = t, .span = 10 * t, .start = kBase + t * kMs, .duration = kMs, .name = "process item",
                   .links = {{hub, 10 * hub}}});
        };
        TestModelBuilder b("shop");
        b.add({.trace = 1, .span = 10, .start = kBase, .duration = 100 * kMs, .name = "hub"});
        b.add({.trace = 2, .span = 20, .start = kBase, .duration = 100 * kMs, .name = "hub", .links = {{99, 990}}});
        for (uint32_t t = 10; t < 40; ++t)
            member(b, t, 1);
        for (uint32_t t = 40; t < 70; ++t)
            member(b, t, 2);
        Model model = b.finish();
        const uint32_t hub1 = model.findTrace(TestModelBuilder::traceId(1));
        const uint32_t hub2 = model.findTrace(TestModelBuilder::traceId(2));
        LanesQueryOptions depth1, depth2;
        depth2.depth = 2;
        LanesSummaryCache cache;
        const auto s1 = cache.get(model, hub1, depth1), s2 = cache.get(model, hub2, depth1), s2deep = cache.get(model, hub2, depth2);

        // A new member of hub 1.
        TestModelBuilder more("shop");
        member(more, 80, 1);
        ModelChanges changes;
        model.append(more.finish(), changes);
        LanesSummaryCache next;
        QCOMPARE(next.carryOver(cache, model, changes), size_t(2));
        QVERIFY(next.find(model, hub1, depth1) == nullptr);
        QCOMPARE(next.find(model, hub2, depth1), s2);
        QCOMPARE(next.find(model, hub2, depth2), s2deep);
        // (Small hubs: selectLanes(..., cache) would not use a summary; ask for them.)
        QCOMPARE(difference(selectLanes(model, *next.get(model, hub2, depth2), depth2), selectLanes(model, hub2, depth2)),
                 std::string());
        const LanesSelection grown = selectLanes(model, *next.get(model, hub1, depth1), depth1);
        QCOMPARE(difference(grown, selectLanes(model, hub1, depth1)), std::string());
        QVERIFY(next.find(model, hub1, depth1) != s1);
        const auto group = std::find_if(grown.lanes.begin(), grown.lanes.end(), [](const LaneSpec &l) { return l.isGroup(); });
        QVERIFY(group != grown.lanes.end());
        QCOMPARE(group->members.size(), size_t(31));

        // Trace 99 arrives: hub 2's waiting link finds it, and the change
        // lists no trace of hub 2's. Its summaries are built again: 99 is
        // an upstream lane now.
        TestModelBuilder target("shop");
        target.add({.trace = 99, .span = 990, .start = kBase, .duration = kMs, .name = "upstream"});
        ModelChanges found;
        model.append(target.finish(), found);
        QCOMPARE(found.resolvedLinks, uint64_t(1));
        LanesSummaryCache after;
        QCOMPARE(after.carryOver(next, model, found), size_t(1)); // hub 1's, built above
        QVERIFY(!std::binary_search(found.changedTraces.begin(), found.changedTraces.end(), hub2));
        QVERIFY(after.find(model, hub2, depth1) == nullptr);
        QVERIFY(after.find(model, hub2, depth2) == nullptr);
        const LanesSelection now = selectLanes(model, *after.get(model, hub2, depth1), depth1);
        QCOMPARE(difference(now, selectLanes(model, hub2, depth1)), std::string());
        const int lane = now.laneOfTrace(model.findTrace(TestModelBuilder::traceId(99)));
        QVERIFY(lane >= 0);
        QCOMPARE(now.lanes[size_t(lane)].kind, LaneKind::Upstream);
    }
};

QTEST_GUILESS_MAIN(TestLanesSummary)
#include "tst_lanessummary.moc"
