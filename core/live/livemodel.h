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
//
// The spare catches up on a thread of the live model's own as soon as the
// last reader releases it (the snapshots handed out tell it so when they
// are released), not at the start of the next publish: the refresh then
// costs the batch's own steps, and after an eviction the copy of the whole
// model (10-15 ms at a million spans) happens between refreshes, on the
// other core. A publish that finds the spare's catch-up still running waits
// for it; one that comes before the spare was released catches it up
// itself, or copies the published one whole as before.

#include "core/model.h"

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
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
    uint64_t backgroundCatchUps = 0;  // catch-ups done between publishes, on the live model's thread (counted when done)
    double backgroundCatchUpMs = 0;   // their wall time in all (work taken off the publishing thread)
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
    ~LiveModel();
    LiveModel(const LiveModel &) = delete;
    LiveModel &operator=(const LiveModel &) = delete;

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

    // How the spare copy caught up with the published one.
    enum class CatchUp { Appends, Whole };
    // Brings `spare` level with `ahead` (the published copy), which took
    // `steps` since the two were equal.
    static CatchUp catchUp(Model &spare, const Model &ahead, const std::vector<Step> &steps);

    // The spare's catch-up between publishes: posted by publish() for the
    // live model's thread, which runs it once the spare's last reader let go
    // (the released snapshot wakes it), and collected by the next publish().
    struct Background
    {
        std::mutex mutex;
        std::condition_variable wake;   // a job was posted, a snapshot released, or stop
        std::condition_variable done;   // the job ran
        bool stop = false;
        bool posted = false;            // a job waits or runs
        bool running = false;
        bool finished = false;          // the job ran; `result` says how
        std::shared_ptr<Model> spare;   // the job: bring the spare level with `ahead`
        std::shared_ptr<Model> ahead;
        std::vector<Step> steps;
        CatchUp result = CatchUp::Whole;
    };
    void runBackground();
    // Takes back the posted job (waiting if it runs): whether the spare
    // took it. Otherwise m_spare and m_spareBehind are as when it was posted.
    bool collectBackground(CatchUp &how);
    // The snapshot handed out for `model`: when its last holder lets go,
    // the live model's thread is woken.
    std::shared_ptr<const Model> handOut(const std::shared_ptr<Model> &model);

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
    std::shared_ptr<Background> m_background; // shared with the snapshots handed out
    std::thread m_thread;             // started with the first job
};

} // namespace causeway::live
