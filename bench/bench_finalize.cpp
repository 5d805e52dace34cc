// Model::finalize() over a loaded file: the indexes every load derives once
// its records are in (span identity, traces, parents, per-trace span lists,
// depths, summaries, the link table by target). Loads FILE once, then runs
// finalize() again REPEATS times on the same records (warm memory: what the
// derivation itself costs, without the fresh pages of a first load) and
// reports the median and best, as a ratio against a baseline measured in
// the same run: one pass over the spans hashing each (trace id, span id)
// with spanKeyHash, the least work an index of the spans must do.
//
// Usage: bench_finalize FILE [REPEATS]

#include "benchutil.h"
#include "core/allocator.h"
#include "core/load.h"
#include "core/model.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace causeway;
using causeway::bench::g_sink;
using causeway::bench::medianMs;

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_finalize FILE [REPEATS]\n");
        return 2;
    }
    const int repeats = argc > 2 ? std::max(1, std::atoi(argv[2])) : 9;
    applyAllocatorPolicy();
    Model model;
    const auto t0 = std::chrono::steady_clock::now();
    const LoadResult loaded = loadFiles({argv[1]}, model, LoadOptions{});
    const auto t1 = std::chrono::steady_clock::now();
    if (!loaded.ok) {
        std::fprintf(stderr, "%s\n", loaded.error.text().c_str());
        return 1;
    }
    std::printf("file       %s\n", argv[1]);
    std::printf("model      %zu spans, %zu traces, %zu links; loaded in %.0f ms\n", model.hot.size(),
                model.traces.size(), model.links.size(), std::chrono::duration<double, std::milli>(t1 - t0).count());

    const auto baseline = [&] {
        uint64_t h = 0;
        for (const SpanCold &c : model.cold)
            h ^= Model::spanKeyHash(c.traceId, c.spanId);
        return h;
    };
    std::vector<double> times;
    double base = 0;
    // Baseline and finalize() take turns, so both meet the machine alike.
    for (int i = 0; i < repeats; ++i) {
        base += medianMs(1, baseline);
        const auto a = std::chrono::steady_clock::now();
        model.finalize();
        const auto b = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::milli>(b - a).count());
        g_sink = g_sink + model.traces.size();
    }
    base /= repeats;
    std::sort(times.begin(), times.end());
    const double median = times[times.size() / 2], best = times.front();
    std::printf("baseline   %.1f ms (hash every span's ids once, mean of %d)\n", base, repeats);
    std::printf("finalize   median %.1f ms, best %.1f ms over %d runs: %.1fx the baseline (median), %.0f ns per span\n",
                median, best, repeats, median / base, median * 1e6 / double(std::max<size_t>(1, model.hot.size())));
    return 0;
}
