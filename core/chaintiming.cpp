#include "core/chaintiming.h"

#include <algorithm>

namespace causeway {

ChainTiming chainTiming(const Model &model, const Reference &start, const ChainOptions &options)
{
    ChainTiming timing;
    // The hops are sorted below by time (ties by trace id): the chain's own
    // sort by id would be undone, and costs as much again on a large chain.
    ChainOptions unsorted = options;
    unsorted.sortById = false;
    const ChainResult reached = chain(model, start, unsorted);
    if (reached.traces.empty())
        return timing;
    timing.hops.reserve(reached.traces.size());
    for (size_t i = 0; i < reached.traces.size(); ++i) {
        const Trace &t = model.traces[reached.traces[i]];
        ChainTimingHop hop;
        hop.trace = reached.traces[i];
        hop.hops = reached.hops[i];
        hop.via = reached.via[i];
        hop.start = t.start;
        hop.end = t.end;
        hop.service = t.root == kNone ? 0 : model.hot[t.root].service;
        timing.hops.push_back(hop);
    }
    std::sort(timing.hops.begin(), timing.hops.end(), [&](const ChainTimingHop &a, const ChainTimingHop &b) {
        if (a.start != b.start)
            return a.start < b.start;
        if (a.hops != b.hops)
            return a.hops < b.hops;
        return model.traces[a.trace].id < model.traces[b.trace].id;
    });

    // One sweep in start order: `covered` is how far the timeline is covered.
    timing.start = timing.hops.front().start;
    uint64_t covered = timing.start;
    for (ChainTimingHop &hop : timing.hops) {
        if (hop.start > covered)
            hop.waitBefore = hop.start - covered;
        const uint64_t from = std::max(hop.start, covered);
        if (hop.end > from)
            hop.inside = hop.end - from;
        covered = std::max(covered, hop.end);
        timing.inside += hop.inside;
        timing.between += hop.waitBefore;
    }
    timing.end = covered;
    return timing;
}

} // namespace causeway
