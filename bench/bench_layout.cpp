// Graph layout of trace neighbourhoods of 100, 1,000 and 10,000 traces, with
// fan-outs collapsed the way the graph view collapses them. Each case times
// buildTraceGraph() and layoutGraph() separately; layout times are reported
// as ratios against a baseline measured in the same run: laying out a
// 10-node graph with dot.
//
// Cases (synthetic models):
//   fanout  one producer trace, every other trace links to it: one group node
//   mixed   the whole model: producers, each with 40 consumers (one group)
//           and a batch trace linking 5 of them that the next producer links
//           to: 3 nodes per 42 traces
//   chain   a retry chain through every trace: nothing to collapse; around
//           its first trace (capped at 500 nodes, dot), and as the whole
//           model (chain/all: capped at 2,000 nodes, sfdp beyond 1,000)
//
// Usage: bench_layout [MAX_TRACES] [REPEATS]   (MAX_TRACES default 10000)

#include "core/layout/graphlayout.h"
#include "core/linkgraph.h"

#include "tests/common/modelbuilder.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

using namespace causeway;
using causeway::test::TestModelBuilder;

namespace {

constexpr uint64_t kMs = 1'000'000;

double medianMs(int repeats, const std::function<void()> &work)
{
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        work();
        const auto t1 = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

Model fanOut(uint32_t traces)
{
    TestModelBuilder b("producer");
    b.add({.trace = 1, .span = 1, .start = 0, .duration = 5 * kMs, .name = "publish orders", .kind = SpanKind::Producer});
    for (uint32_t i = 1; i < traces; ++i)
        b.add({.trace = 1 + i, .span = 1 + i, .start = 10 * kMs + i * 1000, .duration = 2 * kMs, .name = "process order",
               .links = {{1, 1, {{"messaging.destination.name", "orders"}}}}, .kind = SpanKind::Consumer});
    return b.finish();
}

Model mixed(uint32_t traces)
{
    TestModelBuilder b("shop");
    const uint32_t hubs = std::max(1u, traces / 42);
    uint32_t next = 1;
    uint32_t previousSettlement = 0;
    for (uint32_t h = 0; h < hubs; ++h) {
        const uint32_t hub = next++;
        const uint64_t t0 = uint64_t(h) * 1000 * kMs;
        std::vector<TestModelBuilder::LinkSpec> up;
        if (previousSettlement)
            up.push_back({previousSettlement, previousSettlement});
        b.add({.trace = hub, .span = hub, .start = t0, .duration = 5 * kMs, .name = "publish orders", .links = up});
        std::vector<TestModelBuilder::LinkSpec> batch;
        for (uint32_t c = 0; c < 40; ++c) {
            const uint32_t consumer = next++;
            b.add({.trace = consumer, .span = consumer, .start = t0 + 10 * kMs + c * kMs, .duration = 3 * kMs,
                   .name = "process order", .links = {{hub, hub}}});
            if (c < 5)
                batch.push_back({consumer, consumer});
        }
        const uint32_t settle = next++;
        b.add({.trace = settle, .span = settle, .start = t0 + 500 * kMs, .name = "nightly settlement", .links = batch});
        previousSettlement = settle;
    }
    return b.finish();
}

Model retryChain(uint32_t traces)
{
    TestModelBuilder b("payments");
    for (uint32_t i = 1; i <= traces; ++i) {
        std::vector<TestModelBuilder::LinkSpec> links;
        if (i > 1)
            links.push_back({i - 1, i - 1, {{"retry.attempt", std::to_string(i)}}});
        b.add({.trace = i, .span = i, .start = uint64_t(i) * 100 * kMs, .duration = 20 * kMs, .name = "charge card",
               .links = links, .status = i < traces ? StatusCode::Error : StatusCode::Unset});
    }
    return b.finish();
}

// The request the graph view would send: fixed-size boxes, labelled edges.
LayoutRequest requestFor(const TraceGraph &graph)
{
    LayoutRequest r;
    r.labelFontSize = 10;
    for (size_t i = 0; i < graph.nodes.size(); ++i) {
        char id[24]; // formatted by hand: GCC 12 warns falsely (-Wrestrict) on "n" + std::to_string(i)
        std::snprintf(id, sizeof id, "n%zu", i);
        r.nodes.push_back({id, std::string(), graph.nodes[i].isGroup() ? 170.0 : 160.0, 52});
    }
    for (const GraphEdge &e : graph.edges)
        r.edges.push_back({e.from, e.to, std::to_string(e.linkCount) + " links · 12 ms"});
    return r;
}

LayoutRequest smallBaseline()
{
    LayoutRequest r;
    for (uint32_t i = 0; i < 10; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "b%u", i);
        r.nodes.push_back({id, std::string(), 160, 52});
    }
    for (uint32_t i = 1; i < 10; ++i)
        r.edges.push_back({(i - 1) / 2, i, "1 link · 3 ms"});
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    const uint32_t maxTraces = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 10000;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

    const LayoutRequest base = smallBaseline();
    layoutGraph(base); // loads the Graphviz plugins outside the timing
    const double baseline = medianMs(repeats * 4, [&] {
        if (!layoutGraph(base).ok)
            std::abort();
    });
    std::printf("baseline: 10-node dot layout %.3f ms (median of %d)\n\n", baseline, repeats * 4);
    std::printf("%-9s %7s %7s %6s %6s %10s %11s %12s\n", "case", "traces", "nodes", "edges", "engine", "build ms",
                "layout ms", "layout/base");

    // The graph view's parameters: a focus trace's neighbourhood is capped at
    // 500 nodes (GraphOptions' default), the whole model at 2,000 (export
    // without --trace).
    struct Case
    {
        const char *name;
        Model (*make)(uint32_t);
        bool wholeModel;
        uint32_t nodeCap;
    };
    const Case cases[] = {
        {"fanout", fanOut, false, 500},
        {"mixed", mixed, true, 2000},
        {"chain", retryChain, false, 500},
        {"chain/all", retryChain, true, 2000},
    };
    for (const Case &c : cases) {
        for (uint32_t traces : {100u, 1000u, 10000u}) {
            if (traces > maxTraces)
                continue;
            const Model model = c.make(traces);
            GraphOptions options;
            options.nodeCap = c.nodeCap;
            options.depth = c.make == retryChain ? traces : 2;
            const uint32_t centre = c.wholeModel ? kNone : 0;
            TraceGraph graph;
            const double build = medianMs(repeats, [&] { graph = buildTraceGraph(model, centre, options); });
            const LayoutRequest request = requestFor(graph);
            LayoutResult result;
            // Fewer runs for the slow cases: their time is seconds, not noise.
            const int runs = graph.nodes.size() > 1000 ? 1 : repeats;
            const double layout = medianMs(runs, [&] { result = layoutGraph(request); });
            if (!result.ok) {
                std::fprintf(stderr, "%s %u: layout failed: %s\n", c.name, traces, result.error.c_str());
                return 1;
            }
            std::printf("%-9s %7u %6zu%s %6zu %6s %10.2f %11.2f %11.1fx\n", c.name, traces, graph.nodes.size(),
                        graph.truncated ? "+" : " ", graph.edges.size(), result.engine.c_str(), build, layout,
                        layout / baseline);
            std::fflush(stdout);
        }
    }
    std::printf("\n+: the node cap was reached (the view says so above the graph)\n");
    return 0;
}
