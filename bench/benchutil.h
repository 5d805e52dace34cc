#pragma once
// Timing helpers shared by the benchmarks.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

namespace causeway::bench {

inline volatile uint64_t g_sink = 0; // keeps results alive so the work is not optimised away

// Median wall time of `repeats` runs of `work`, in milliseconds. `work`
// returns something derived from its result, which is kept in g_sink.
inline double medianMs(int repeats, const std::function<uint64_t()> &work)
{
    std::vector<double> times;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        g_sink = g_sink + work();
        const auto t1 = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace causeway::bench
