#pragma once
// The critical path of one trace, computed the way Jaeger UI and Grafana do:
// the chain of span sections that bounds the trace's end.
//
// First each span is clipped to its parent's time (a child that starts after
// its parent ends, or ends before it starts, is left out with its subtree).
// Then, from each root: take the child that finished last; the parent's time
// after that child's end is on the path; continue inside that child. A span
// without (more) children is on the path from its start; then walk back up to
// its parent and pick the child that finished last before that start. Parent
// and child links only: span links do not bound a trace's end.

#include "core/model.h"

#include <vector>

namespace causeway {

struct CriticalPathSection
{
    uint32_t span = kNone;
    uint64_t start = 0, end = 0;   // nanoseconds; start < end
};

struct CriticalPath
{
    uint32_t trace = kNone;
    // From the end of the trace backwards, root by root (roots in start order).
    std::vector<CriticalPathSection> sections;
    // Spans with at least one section, sorted by index.
    std::vector<uint32_t> spans;
    // Nanoseconds on the path (sections never overlap within one root).
    uint64_t total() const;
    bool contains(uint32_t span) const;
};

CriticalPath criticalPath(const Model &model, uint32_t trace);

} // namespace causeway
