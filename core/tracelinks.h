#pragma once

// Walks over the links that leave or enter one trace: the link graph's
// chain walk and the lanes' bundling read links this one way.

#include "core/model.h"

namespace causeway {

// Calls visit(span) for `onlySpan`, or for every span of `trace` when it is kNone.
template<typename Visit>
inline void forEachSpan(const Model &model, uint32_t trace, uint32_t onlySpan, Visit &&visit)
{
    if (onlySpan != kNone) {
        visit(onlySpan);
        return;
    }
    const Range spans = model.traces[trace].spans;
    for (uint32_t i = spans.first; i < spans.end(); ++i)
        visit(model.traceSpans[i]);
}

// Calls f(neighbourTrace, linkIndex) for every resolved link that leaves
// `trace` towards a cause (upstream) in another trace. With `onlySpan` set,
// only that span's links count (the first hop of a span reference).
template<typename F>
void forEachUpstream(const Model &model, uint32_t trace, uint32_t onlySpan, F &&f)
{
    auto visitSpan = [&](uint32_t span) {
        // The flag in the hot record spares a cold-record read for the many
        // spans without links.
        if (!(model.hot[span].hasLinks & 1))
            return;
        const Range r = model.outgoingLinks(span);
        for (uint32_t l = r.first; l < r.end(); ++l) {
            const uint32_t target = model.links[l].target;
            if (target == kNone)
                continue;
            const uint32_t other = model.hot[target].trace;
            if (other != trace)
                f(other, l);
        }
    };
    forEachSpan(model, trace, onlySpan, visitSpan);
}

// As forEachUpstream, towards the effects: traces whose spans link into `trace`.
template<typename F>
void forEachDownstream(const Model &model, uint32_t trace, uint32_t onlySpan, F &&f)
{
    auto visitSpan = [&](uint32_t span) {
        if (!(model.hot[span].hasLinks & 2))
            return;
        const Range r = model.incomingLinks(span);
        for (uint32_t i = r.first; i < r.end(); ++i) {
            const uint32_t l = model.incoming[i];
            const uint32_t other = model.hot[model.links[l].from].trace;
            if (other != trace)
                f(other, l);
        }
    };
    forEachSpan(model, trace, onlySpan, visitSpan);
}

} // namespace causeway
