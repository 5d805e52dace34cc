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
    for (uint32_t t = 1; t <= traces; ++t) {
        const uint64_t start = kBase + pick(uint32_t(spread)) * kMs;
        const uint64_t duration = (1 + pick(50)) * kMs;
        const StatusCode status = pick(12) == 0 ? StatusCode::Error : StatusCode::Unset;
        const std::string_view name = t <= hubCount ? "hub" : names[pick(nameCount)];
        b.add({.trace = t, .span = 10 * t, .start = start, .duration = duration, .name = name,
               .links = pending[t].links[0], .status = status});
        for (uint32_t k = 1; k < spanCount[t]; ++k)
            b.add({.trace = t, .span = 10 * t + k, .parent = 10 * t, .start = start + k * kMs / 2,
                   .duration = duration / 2, .name = "step", .links = pending[t].links[k],
                   .status = pick(30) == 0 ? StatusCode::Error : StatusCode::Unset});
    }
    Graph g{b.finish(), {}};
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
};

QTEST_GUILESS_MAIN(TestLanesSummary)
#include "tst_lanessummary.moc"
