#include "core/live/livemodel.h"

#include "core/load.h"
#include "core/writer.h"

#include <algorithm>
#include <numeric>

namespace causeway::live {

Model cloneModel(const Model &model)
{
    Model out;
    // Interning in id order gives every string its old id: the pool holds
    // each string once and id 0 is the empty string in both.
    for (StringId id = 1; id < model.strings.size(); ++id)
        out.strings.intern(model.strings.view(id));
    out.resources = model.resources;
    out.scopes = model.scopes;
    out.hot = model.hot;
    out.cold = model.cold;
    out.events = model.events;
    out.links = model.links;
    out.attributes = model.attributes;
    out.values = model.values;
    out.traces = model.traces;
    out.traceSpans = model.traceSpans;
    out.traceServices = model.traceServices;
    out.incoming = model.incoming;
    out.incomingOffsets = model.incomingOffsets;
    out.diagnostics = model.diagnostics;
    out.sources = model.sources;
    return out;
}

Model withoutTraces(const Model &model, const std::vector<uint32_t> &dropTraces)
{
    std::vector<char> drop(model.traces.size(), 0);
    for (uint32_t t : dropTraces)
        if (t < drop.size())
            drop[t] = 1;
    std::vector<uint32_t> keep;
    keep.reserve(model.spanCount());
    for (uint32_t s = 0; s < model.spanCount(); ++s)
        if (model.hot[s].trace == kNone || !drop[model.hot[s].trace])
            keep.push_back(s);
    // The writer and reader are lossless, and going through them compacts
    // every pool (strings, attributes, events) instead of leaving the
    // dropped spans' records behind.
    Model out;
    if (!keep.empty()) {
        const std::string line = toOtlpJsonLine(model, keep);
        LoadOptions options;
        options.threads = 1;
        loadBuffer("retained", line, out, options);
    }
    out.diagnostics = model.diagnostics;
    out.finalize();
    return out;
}

LiveModel::LiveModel()
{
    auto empty = std::make_shared<Model>();
    empty->finalize();
    m_snapshot = std::move(empty);
}

void LiveModel::add(Model &&fragment)
{
    std::lock_guard lock(m_mutex);
    m_stats.spansReceived += fragment.spanCount();
    m_stats.fragments += 1;
    m_pendingSpans += fragment.spanCount();
    m_pending.push_back(std::move(fragment));
}

void LiveModel::rebase(std::shared_ptr<const Model> base)
{
    if (!base) {
        auto empty = std::make_shared<Model>();
        empty->finalize();
        base = std::move(empty);
    }
    std::lock_guard lock(m_mutex);
    m_snapshot = std::move(base);
    m_stats.retainedSpans = m_snapshot->spanCount();
    m_stats.retainedTraces = m_snapshot->traces.size();
    // The next publish must produce a new snapshot even with nothing pending,
    // so the cap applies to the new base too.
    m_retentionChanged = true;
}

void LiveModel::setRetention(const Retention &retention)
{
    std::lock_guard lock(m_mutex);
    m_retention = retention;
    m_retentionChanged = true;
}

Retention LiveModel::retention() const
{
    std::lock_guard lock(m_mutex);
    return m_retention;
}

std::shared_ptr<const Model> LiveModel::snapshot() const
{
    std::lock_guard lock(m_mutex);
    return m_snapshot;
}

LiveStats LiveModel::stats() const
{
    std::lock_guard lock(m_mutex);
    return m_stats;
}

uint64_t LiveModel::pendingSpans() const
{
    std::lock_guard lock(m_mutex);
    return m_pendingSpans;
}

std::shared_ptr<const Model> LiveModel::publish()
{
    std::vector<Model> pending;
    Retention retention;
    std::shared_ptr<const Model> previous;
    bool retentionChanged;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_pending);
        m_pendingSpans = 0;
        retention = m_retention;
        retentionChanged = m_retentionChanged;
        m_retentionChanged = false;
        previous = m_snapshot;
    }
    if (pending.empty() && !retentionChanged)
        return previous;

    // The merge and finalize run without the lock so receivers never wait on them.
    auto next = std::make_shared<Model>(cloneModel(*previous));
    for (auto &fragment : pending)
        next->merge(std::move(fragment));
    next->finalize();

    uint64_t droppedTraces = 0, droppedSpans = 0;
    const bool overSpans = retention.maxSpans && next->spanCount() > retention.maxSpans;
    const bool overTraces = retention.maxTraces && next->traces.size() > retention.maxTraces;
    if (overSpans || overTraces) {
        const double keepShare = 1.0 - std::clamp(retention.headroom, 0.0, 0.9);
        const uint64_t spanTarget = retention.maxSpans ? uint64_t(double(retention.maxSpans) * keepShare) : UINT64_MAX;
        const uint64_t traceTarget = retention.maxTraces ? uint64_t(double(retention.maxTraces) * keepShare) : UINT64_MAX;
        std::vector<uint32_t> order(next->traces.size());
        std::iota(order.begin(), order.end(), 0u);
        std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
            const auto &ta = next->traces[a], &tb = next->traces[b];
            return ta.start != tb.start ? ta.start < tb.start : a < b;
        });
        uint64_t spans = next->spanCount(), traces = next->traces.size();
        std::vector<uint32_t> drop;
        for (uint32_t t : order) {
            if (spans <= spanTarget && traces <= traceTarget)
                break;
            drop.push_back(t);
            spans -= next->traces[t].spans.count;
            traces -= 1;
            droppedSpans += next->traces[t].spans.count;
        }
        droppedTraces = drop.size();
        next = std::make_shared<Model>(withoutTraces(*next, drop));
    }

    std::lock_guard lock(m_mutex);
    m_stats.droppedTraces += droppedTraces;
    m_stats.droppedSpans += droppedSpans;
    m_stats.retainedSpans = next->spanCount();
    m_stats.retainedTraces = next->traces.size();
    m_stats.modelBytes = next->memoryUsage();
    m_snapshot = next;
    return m_snapshot;
}

} // namespace causeway::live
