#pragma once
// What a trace says of itself, from its own spans: first start, last end,
// the earliest root, roots, errors, deepest level and distinct services. One
// loop for a full load (Model::finalize) and for a trace that grew
// (Model::append), so both give the same figures. Links out are counted by
// the callers: finalize sums them in span order, where the cold records are
// read in sequence rather than missed once per span.

#include "core/model.h"

#include <algorithm>
#include <vector>

namespace causeway::detail {

// `first`..`last`: the trace's span indices, sorted by start. The distinct
// services are appended to `services`, and tr.services points at them.
inline void summariseTraceSpans(Trace &tr, const std::vector<SpanHot> &hot, const uint32_t *first,
                                const uint32_t *last, std::vector<StringId> &services)
{
    tr.start = UINT64_MAX;
    tr.end = 0;
    tr.root = kNone;
    tr.rootCount = 0;
    tr.errorCount = 0;
    tr.maxDepth = 0;
    const auto servicesFirst = uint32_t(services.size());
    for (auto it = first; it != last; ++it) {
        const SpanHot &h = hot[*it];
        tr.start = std::min(tr.start, h.start);
        tr.end = std::max(tr.end, h.end);
        if (h.parent == kNone) {
            ++tr.rootCount;
            if (tr.root == kNone)
                tr.root = *it;
        }
        if (h.status == StatusCode::Error)
            ++tr.errorCount;
        tr.maxDepth = std::max(tr.maxDepth, h.depth);
        if (h.service && std::find(services.begin() + servicesFirst, services.end(), h.service) == services.end())
            services.push_back(h.service);
    }
    tr.services = {servicesFirst, uint32_t(services.size()) - servicesFirst};
}

} // namespace causeway::detail
