// Causal queries on a large fan-out: one batch span linking N item traces
// (default 10,000, each of four spans). Times chain() from the batch trace and
// buildTraceGraph() with grouping, as ratios against a baseline measured in
// the same run: one pass over every link reading both ends' traces, the least
// work any query over the links must do.
//
// Usage: bench_chain [ITEMS] [REPEATS]

#include "benchutil.h"
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
using causeway::bench::g_sink;
using causeway::bench::medianMs;
using causeway::test::TestModelBuilder;

namespace {

Model fanOut(uint32_t items)
{
    TestModelBuilder b;
    constexpr uint64_t ms = 1'000'000;
    std::vector<TestModelBuilder::LinkSpec> links;
    links.reserve(items);
    for (uint32_t i = 0; i < items; ++i) {
        const uint32_t t = 1000 + i;
        const uint64_t start = uint64_t(i) * ms;
        b.add({.trace = t, .span = 1, .start = start, .duration = 5 * ms, .name = "POST /payments", .kind = SpanKind::Server});
        b.add({.trace = t, .span = 2, .parent = 1, .start = start + 100, .name = "PaymentService.capture"});
        b.add({.trace = t, .span = 3, .parent = 2, .start = start + 200, .name = "INSERT shop.payments", .kind = SpanKind::Client});
        b.add({.trace = t, .span = 4, .parent = 1, .start = start + 300, .name = "payment-events publish",
               .kind = SpanKind::Producer});
        links.push_back({t, 2, {{"shop.settlement.batch_id", "b-1"}, {"shop.settlement.line", std::to_string(i)}}});
    }
    b.add({.trace = 1, .span = 1, .start = (uint64_t(items) + 60'000) * ms, .name = "settle-payments", .links = links});
    return b.finish();
}

} // namespace

int main(int argc, char **argv)
{
    const uint32_t items = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 10'000;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 21;

    const auto b0 = std::chrono::steady_clock::now();
    const Model model = fanOut(items);
    const auto b1 = std::chrono::steady_clock::now();
    const uint32_t batch = model.findTrace(TestModelBuilder::traceId(1));
    std::printf("model: %zu traces, %zu spans, %zu links (built and finalized in %.1f ms); %d repeats, medians\n",
                model.traces.size(), model.spanCount(), model.links.size(),
                std::chrono::duration<double, std::milli>(b1 - b0).count(), repeats);

    const double baseline = medianMs(repeats, [&] {
        uint64_t sum = 0;
        for (const Link &l : model.links)
            if (l.target != kNone)
                sum += model.hot[l.from].trace ^ model.hot[l.target].trace;
        return sum;
    });

    struct Row
    {
        const char *name;
        double ms;
    };
    std::vector<Row> rows;
    rows.push_back({"chain upstream from the batch", medianMs(repeats, [&] {
                        return uint64_t(chain(model, {batch, kNone}, {Direction::Upstream}).traces.size());
                    })});
    const double chainBoth = medianMs(repeats, [&] {
        return uint64_t(chain(model, {batch, kNone}, {Direction::Both}).traces.size());
    });
    rows.push_back({"chain both ways from the batch", chainBoth});
    rows.push_back({"chain both ways from one item", medianMs(repeats, [&] {
                        const uint32_t item = model.findTrace(TestModelBuilder::traceId(1000 + items / 2));
                        return uint64_t(chain(model, {item, kNone}, {Direction::Both}).traces.size());
                    })});
    uint64_t groupMembers = 0;
    rows.push_back({"buildTraceGraph(batch), grouped", medianMs(repeats, [&] {
                        const TraceGraph g = buildTraceGraph(model, batch);
                        groupMembers = g.nodes.size() > 1 ? g.nodes[1].members.size() : 0;
                        return uint64_t(g.nodes.size() + g.edges.size());
                    })});
    rows.push_back({"buildTraceGraph(whole model), grouped", medianMs(repeats, [&] {
                        const TraceGraph g = buildTraceGraph(model, kNone);
                        return uint64_t(g.nodes.size() + g.edges.size());
                    })});
    rows.push_back({"buildTraceGraph(batch), group expanded", medianMs(repeats, [&] {
                        GraphOptions options;
                        options.nodeCap = items + 10;
                        options.expandedGroups = {batch * 2};
                        const TraceGraph g = buildTraceGraph(model, batch, options);
                        return uint64_t(g.nodes.size() + g.edges.size());
                    })});
    rows.push_back({"traceEdges (lag, attribute summary)", medianMs(repeats, [&] {
                        return uint64_t(traceEdges(model).size());
                    })});

    std::printf("%-42s %10.3f ms  (ratio 1)\n", "baseline: one pass over every link", baseline);
    for (const Row &r : rows)
        std::printf("%-42s %10.3f ms  ratio %.1f\n", r.name, r.ms, r.ms / baseline);
    std::printf("group members in the batch's graph: %llu\n", static_cast<unsigned long long>(groupMembers));
    std::printf("chain from the batch: %s the 50 ms target\n", chainBoth <= 50.0 ? "within" : "OVER");
    return chainBoth <= 50.0 ? 0 : 1;
}
