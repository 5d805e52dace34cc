#pragma once
// Where the time of an asynchronous chain goes.
//
// A causal chain (the traces reached from a trace or span through links, in
// the chosen direction) runs on one timeline: from its earliest span start to
// its latest span end. That elapsed time splits exactly into time inside
// traces (some trace of the chain was running) and time between them (none
// was: messages waiting in a queue, a batch collecting items, a retry's
// back-off). Linked traces are never nested, so their durations are never
// added up: overlapping traces count once.
//
// Per hop, in start order, each trace is charged with the part of the
// timeline it was the first to cover (`inside`) and the gap before its start
// that no earlier trace covered (`waitBefore`). The hops' inside times add up
// to the chain's inside time, their waits to its time between traces.

#include "core/linkgraph.h"

#include <vector>

namespace causeway {

struct ChainTimingHop
{
    uint32_t trace = kNone;
    uint32_t hops = 0;             // fewest links from the start trace
    uint32_t via = kNone;          // the link that reached it; kNone for the start
    StringId service = 0;          // its root span's service (0, the empty string, without a root)
    uint64_t start = 0, end = 0;   // the trace's earliest span start and latest span end
    uint64_t waitBefore = 0;       // ns of the timeline before `start` that no earlier trace covered
    uint64_t inside = 0;           // ns of the timeline this trace was the first to cover
};

struct ChainTiming
{
    uint64_t start = 0, end = 0;   // the chain's timeline
    uint64_t inside = 0;           // ns when at least one trace of the chain was running
    uint64_t between = 0;          // ns when none was
    std::vector<ChainTimingHop> hops; // by start, then hops, then trace id
    uint64_t elapsed() const { return end - start; }
};

ChainTiming chainTiming(const Model &model, const Reference &start, const ChainOptions &options = {});

} // namespace causeway
