// The link map over a large generated export: buildLinkMap by service, by
// operation and by destination, as ratios against a baseline measured in the
// same run (one pass over every link reading both ends' traces, the least
// work any query over all links must do). Target: under 0.5 s for the 1 GB
// export of about 230,000 links. Also times the critical path of the largest
// trace and chain timing from the trace with the most links.
//
// Usage: bench_linkmap [MEGABYTES] [REPEATS]   (default 1024 MB, 5 repeats)
// The export is generated with bench/otlpgen.h (seed 42) into a temporary
// file, loaded once, then removed.

#include "benchutil.h"
#include "otlpgen.h"

#include "core/chaintiming.h"
#include "core/criticalpath.h"
#include "core/linkmap.h"
#include "core/load.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

using namespace causeway;
using causeway::bench::medianMs;

int main(int argc, char **argv)
{
    const uint64_t megabytes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1024;
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;

    char path[] = "/tmp/causeway-bench-linkmap-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) {
        std::perror("mkstemp");
        return 2;
    }
    std::FILE *out = fdopen(fd, "wb");
    bench::GenStats stats;
    bench::OtlpGenerator gen(bench::OtlpGenerator::Format::JsonLines, 42);
    if (!out || !gen.write(out, megabytes << 20, stats) || std::fclose(out) != 0) {
        std::perror("write");
        unlink(path);
        return 2;
    }
    Model model;
    const auto l0 = std::chrono::steady_clock::now();
    const LoadResult loaded = loadFiles({path}, model);
    const auto l1 = std::chrono::steady_clock::now();
    unlink(path);
    if (!loaded.ok) {
        std::fprintf(stderr, "load failed: %s\n", loaded.error.text().c_str());
        return 2;
    }
    std::printf("export: %.0f MB, %zu traces, %zu spans, %zu links (%llu unresolved); loaded in %.1f s; %d repeats, medians\n",
                double(stats.bytes) / (1 << 20), model.traces.size(), model.spanCount(), model.links.size(),
                static_cast<unsigned long long>(stats.unresolvedLinks), std::chrono::duration<double>(l1 - l0).count(), repeats);

    const double baseline = medianMs(repeats, [&] {
        uint64_t sum = 0;
        for (const Link &l : model.links)
            if (l.target != kNone)
                sum += model.hot[l.from].trace ^ model.hot[l.target].trace;
        return sum;
    });
    std::printf("%-44s %10.3f ms  (ratio 1)\n", "baseline: one pass over every link", baseline);

    double worst = 0;
    for (LinkMapGrouping g : {LinkMapGrouping::Service, LinkMapGrouping::Operation, LinkMapGrouping::Destination}) {
        size_t nodes = 0, edges = 0;
        const double t = medianMs(repeats, [&] {
            const LinkMap map = buildLinkMap(model, g);
            nodes = map.nodes.size();
            edges = map.edges.size();
            return uint64_t(map.resolved);
        });
        worst = std::max(worst, t);
        const std::string name = std::string("buildLinkMap by ") + linkMapGroupingName(g);
        std::printf("%-44s %10.3f ms  ratio %.1f  (%zu nodes, %zu edges)\n", name.c_str(), t, t / baseline, nodes, edges);
    }

    uint32_t biggest = 0, busiest = 0;
    for (uint32_t t = 0; t < model.traces.size(); ++t) {
        if (model.traces[t].spans.count > model.traces[biggest].spans.count)
            biggest = t;
        const Trace &a = model.traces[t], &b = model.traces[busiest];
        if (a.linksIn + a.linksOut > b.linksIn + b.linksOut)
            busiest = t;
    }
    const double cp = medianMs(repeats, [&] { return uint64_t(criticalPath(model, biggest).sections.size()); });
    std::printf("%-44s %10.3f ms  (%u spans)\n", "criticalPath of the largest trace", cp, model.traces[biggest].spans.count);
    size_t hops = 0;
    const double ct = medianMs(repeats, [&] {
        const ChainTiming timing = chainTiming(model, {busiest, kNone}, {Direction::Both});
        hops = timing.hops.size();
        return uint64_t(timing.inside);
    });
    std::printf("%-44s %10.3f ms  ratio %.1f  (%zu traces)\n", "chainTiming both ways from the busiest trace", ct, ct / baseline, hops);
    std::printf("link map: %s the 500 ms target\n", worst <= 500.0 ? "within" : "OVER");
    return worst <= 500.0 ? 0 : 1;
}
