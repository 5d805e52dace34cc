#pragma once
// The model that grows while traces arrive. Receivers and the file follower
// hand in decoded fragments from any thread; publish() appends what came in
// to the model in place (Model::append: only the new spans and the traces
// they touch are visited), applies the retention cap by evicting the oldest
// traces in place, and returns the new snapshot.
//
// Snapshots are read by the GUI thread and its workers while the next one is
// made, so two copies are kept that take the same steps: the published one,
// and a spare one that catches up with the steps it missed once nobody reads
// it any more (a worker still holding it makes publish() copy the published
// one whole instead). Each publish therefore costs about twice the batch,
// never the whole model. No step is taken twice, though: the spare copies
// from the published copy instead. After appends only, it copies what they
// added at the ends of the arrays and the records their logs say they
// changed (Model::catchUpWithAppends: the cost of the batch, without its
// lookups and summaries); after an eviction, every array the eviction moved
// and renumbered (Model::catchUpWith, a memcpy each).

#include "core/model.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace causeway::live {

struct Retention
{
    // 0 means no cap. The caps are a high watermark: no published snapshot
    // holds more. When a publish would pass either, the oldest traces (by
    // start time) are dropped until the model is at the low watermark, the
    // cap less `headroom` of it (clamped to 0..0.9), and new traces then fill
    // it up again without anything dropped. Dropping moves every record after
    // the first dropped span (Model::evictTraces: O(retained)), so it happens
    // in batches of a fifth of the cap: about once per fifth of the cap of new
    // spans, which keeps its cost per new span the same at any cap (about 4
    // records moved per span that arrives). Once the cap is reached, between
    // 80% and 100% of it is kept. A refresh that brings more than the
    // headroom evicts in every publish, down to the low watermark.
    uint64_t maxSpans = 0;
    uint64_t maxTraces = 0;
    double headroom = 0.2;
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
    uint64_t publishes = 0;
    uint64_t wholeCopies = 0;     // publishes that copied the model (the spare was still read)
    uint64_t spareCatchUps = 0;   // publishes whose spare copy took an eviction by copying the published arrays
    uint64_t spareAppendCatchUps = 0; // publishes whose spare copy took appends by copying what they added and changed
    double lastPublishMs = 0;     // wall time of the last publish
};

// A deep copy of a model (Model::clone).
inline Model cloneModel(const Model &model) { return model.clone(); }

// A snapshot and what changed since the one taken before it.
struct Published
{
    std::shared_ptr<const Model> model;
    ModelChanges changes;         // reset when the taker must start over
};

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
    // The newest snapshot and the changes since the snapshot the previous
    // take() returned (reset on the first call and after rebase()).
    Published take();
    LiveStats stats() const;
    // Spans added but not yet published.
    uint64_t pendingSpans() const;

private:
    // What one publish did, for the spare copy to catch up with.
    struct Step
    {
        bool evicted = false;
        AppendLog appended;           // what the append changed in records already there
    };

    mutable std::mutex m_mutex;
    std::vector<Model> m_pending;
    uint64_t m_pendingSpans = 0;
    Retention m_retention;
    bool m_retentionChanged = false;
    bool m_rebased = false;
    LiveStats m_stats;
    std::shared_ptr<const Model> m_snapshot;
    ModelChanges m_changes;       // since the last take()
    bool m_haveChanges = false;   // m_changes holds steps no take() has returned yet
    bool m_taken = false;         // a take() happened since the start or the last rebase()

    // Used by the publishing thread only.
    std::shared_ptr<Model> m_front;   // the published copy when it is ours to change later
    std::shared_ptr<Model> m_spare;
    std::vector<Step> m_spareBehind;  // steps the spare has not taken
};

} // namespace causeway::live
