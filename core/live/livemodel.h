#pragma once
// The model that grows while traces arrive. Receivers and the file follower
// hand in decoded fragments from any thread; publish() merges what came in
// into a new immutable snapshot, applies the retention cap and returns it.
// Earlier snapshots stay valid for whoever still holds them.

#include "core/model.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace causeway::live {

struct Retention
{
    // 0 means no cap. When either is passed, the oldest traces (by start
    // time) are dropped until the model is back under the cap with some
    // headroom, so that dropping (which rebuilds the model) is not repeated
    // on every publish.
    uint64_t maxSpans = 0;
    uint64_t maxTraces = 0;
    double headroom = 0.1;
};

struct LiveStats
{
    uint64_t spansReceived = 0;   // spans handed in, before de-duplication
    uint64_t fragments = 0;
    uint64_t droppedTraces = 0;   // removed by the retention cap
    uint64_t droppedSpans = 0;
    uint64_t retainedSpans = 0;   // in the last snapshot
    uint64_t retainedTraces = 0;
    uint64_t modelBytes = 0;      // Model::memoryUsage() of the last snapshot
};

// A deep copy of a model's records (strings re-interned, ids preserved).
// The copy's lookup indexes are rebuilt by finalize(); call it before
// findTrace()/findSpan().
Model cloneModel(const Model &model);

// The spans of `model` whose trace is not in `dropTraces`, as a new finalized model.
Model withoutTraces(const Model &model, const std::vector<uint32_t> &dropTraces);

class LiveModel
{
public:
    LiveModel();

    // Thread-safe. `fragment` comes straight from loadBuffer (not finalized).
    void add(Model &&fragment);

    // Continue from `base` (a finalized model, e.g. files the user opened)
    // instead of the current snapshot; what is pending is merged into it at
    // the next publish. Nothing is copied until then.
    void rebase(std::shared_ptr<const Model> base);

    void setRetention(const Retention &retention);
    Retention retention() const;

    // Merges everything added since the last call. Returns the current
    // snapshot (the same pointer when nothing arrived and the cap is unchanged).
    // Call from one thread at a time.
    std::shared_ptr<const Model> publish();

    std::shared_ptr<const Model> snapshot() const;
    LiveStats stats() const;
    // Spans added but not yet published.
    uint64_t pendingSpans() const;

private:
    mutable std::mutex m_mutex;
    std::vector<Model> m_pending;
    uint64_t m_pendingSpans = 0;
    Retention m_retention;
    bool m_retentionChanged = false;
    LiveStats m_stats;
    std::shared_ptr<const Model> m_snapshot;
};

} // namespace causeway::live
