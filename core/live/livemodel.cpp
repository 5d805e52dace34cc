#include "core/live/livemodel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <unordered_set>

namespace causeway::live {

namespace {
// The low watermark: what the cap leaves after dropping, the cap less the headroom.
uint64_t target(uint64_t cap, double headroom)
{
    return cap ? std::max<uint64_t>(1, uint64_t(double(cap) * (1.0 - std::clamp(headroom, 0.0, 0.9)))) : 0;
}
} // namespace

LiveModel::LiveModel()
    : m_background(std::make_shared<Background>())
{
    auto empty = std::make_shared<Model>();
    empty->finalize();
    m_front = empty;
    m_snapshot = handOut(m_front);
}

LiveModel::~LiveModel()
{
    {
        std::lock_guard lock(m_background->mutex);
        m_background->stop = true;
    }
    m_background->wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::shared_ptr<const Model> LiveModel::handOut(const std::shared_ptr<Model> &model)
{
    // The snapshot's own count says when its last reader let go: the
    // model's owner reference it holds goes then, and the live model's
    // thread, which may be waiting for that, is woken.
    struct Release
    {
        mutable std::shared_ptr<Model> model;
        std::shared_ptr<Background> background;
        void operator()(const Model *) const
        {
            model.reset();
            {
                std::lock_guard lock(background->mutex);
            }
            background->wake.notify_all();
        }
    };
    return std::shared_ptr<const Model>(model.get(), Release{model, m_background});
}

LiveModel::CatchUp LiveModel::catchUp(Model &spare, const Model &ahead, const std::vector<Step> &steps)
{
    // The published copy already holds the result of the steps the spare
    // missed: copying from it is cheaper than taking the steps again. An
    // eviction moves and renumbers nearly every record it keeps, so after
    // one every array is copied (a memcpy each); after appends only, what
    // they added and changed.
    const bool evicted = std::any_of(steps.begin(), steps.end(), [](const Step &step) { return step.evicted; });
    if (evicted) {
        spare.catchUpWith(ahead);
        return CatchUp::Whole;
    }
    std::vector<const AppendLog *> logs;
    for (const Step &step : steps)
        logs.push_back(&step.appended);
    return spare.catchUpWithAppends(ahead, logs) ? CatchUp::Appends : CatchUp::Whole;
}

void LiveModel::runBackground()
{
    Background &b = *m_background;
    std::unique_lock lock(b.mutex);
    for (;;) {
        // The spare is ours once the job holds the only reference to it.
        b.wake.wait(lock, [&] { return b.stop || (b.posted && !b.running && !b.finished && b.spare.use_count() == 1); });
        if (b.stop)
            return;
        b.running = true;
        lock.unlock();
        // Whoever held it last released it before we saw the count drop:
        // their reads happen before our writes.
        std::atomic_thread_fence(std::memory_order_acquire);
        const auto t0 = std::chrono::steady_clock::now();
        const CatchUp how = catchUp(*b.spare, *b.ahead, b.steps);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        {
            std::lock_guard statsLock(m_mutex);
            m_stats.backgroundCatchUps += 1;
            m_stats.backgroundCatchUpMs += ms;
        }
        lock.lock();
        b.result = how;
        b.running = false;
        b.finished = true;
        b.done.notify_all();
    }
}

bool LiveModel::collectBackground(CatchUp &how)
{
    Background &b = *m_background;
    std::unique_lock lock(b.mutex);
    if (!b.posted)
        return false;
    b.done.wait(lock, [&] { return !b.running; });
    const bool took = b.finished;
    how = b.result;
    m_spare = std::move(b.spare);
    b.ahead.reset(); // the published copy: m_front holds it too
    if (took)
        m_spareBehind.clear();
    else
        m_spareBehind = std::move(b.steps);
    b.steps.clear();
    b.posted = b.finished = false;
    return took;
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
    m_rebased = true;
    m_stats.retainedSpans = m_snapshot->spanCount();
    m_stats.retainedTraces = m_snapshot->traces.size();
    m_changes = ModelChanges{};
    m_changes.reset = true;
    m_haveChanges = true;
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

Published LiveModel::take()
{
    std::lock_guard lock(m_mutex);
    Published out;
    out.model = m_snapshot;
    if (!m_taken) {
        out.changes.reset = true;
    } else if (m_haveChanges) {
        out.changes = std::move(m_changes);
    } else {
        out.changes.firstNewTrace = uint32_t(m_snapshot->traces.size());
        out.changes.firstNewSpan = uint32_t(m_snapshot->spanCount());
    }
    m_changes = ModelChanges{};
    m_haveChanges = false;
    m_taken = true;
    return out;
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
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<Model> pending;
    Retention retention;
    std::shared_ptr<const Model> previous;
    bool retentionChanged, rebased;
    {
        std::lock_guard lock(m_mutex);
        pending.swap(m_pending);
        m_pendingSpans = 0;
        retention = m_retention;
        retentionChanged = m_retentionChanged;
        m_retentionChanged = false;
        rebased = m_rebased;
        m_rebased = false;
        previous = m_snapshot;
    }
    if (pending.empty() && !retentionChanged)
        return previous;
    // The spare's catch-up, if it was posted: done by now, or taken back.
    CatchUp backgroundHow = CatchUp::Whole;
    const bool background = collectBackground(backgroundHow);
    if (rebased) {
        // The base belongs to whoever opened it: copies of ours start from it.
        m_front.reset();
        m_spare.reset();
        m_spareBehind.clear();
    }

    // The fragments as one batch: one pass over the model's indexes for all.
    Model batch;
    for (auto &fragment : pending)
        batch.merge(std::move(fragment));
    pending.clear();

    // The copy to change: the spare, brought up to date, when nobody reads it.
    bool copied = false, caughtUp = false, caughtUpAppends = false;
    std::shared_ptr<Model> next = std::move(m_spare);
    const bool ours = next && previous.get() == m_front.get();
    if (ours && background) {
        caughtUp = backgroundHow == CatchUp::Whole;
        caughtUpAppends = backgroundHow == CatchUp::Appends;
    } else if (ours && next.use_count() == 1) {
        // Whoever held it last released it before we saw the count drop:
        // their reads happen before our writes.
        std::atomic_thread_fence(std::memory_order_acquire);
        if (!m_spareBehind.empty()) {
            const CatchUp how = catchUp(*next, *m_front, m_spareBehind);
            caughtUp = how == CatchUp::Whole;
            caughtUpAppends = how == CatchUp::Appends;
        }
    } else {
        next = std::make_shared<Model>(previous->clone());
        copied = true;
    }
    m_spareBehind.clear();

    Step step;
    std::vector<uint32_t> evictBefore, evictAfter;
    const uint64_t spanTarget = target(retention.maxSpans, retention.headroom);
    const uint64_t traceTarget = target(retention.maxTraces, retention.headroom);
    // Make room before appending, so that views see rows go, then rows come.
    uint64_t batchTraces = 0;
    if (retention.maxTraces) {
        std::unordered_set<TraceId, TraceIdHash> seen;
        for (const SpanCold &c : batch.cold)
            if (next->findTrace(c.traceId) == kNone && seen.insert(c.traceId).second)
                ++batchTraces;
    }
    const bool spansOver = retention.maxSpans && next->spanCount() + batch.spanCount() > retention.maxSpans;
    const bool tracesOver = retention.maxTraces && next->traces.size() + batchTraces > retention.maxTraces;
    if (spansOver || tracesOver) {
        if ((spansOver && spanTarget <= batch.spanCount()) || (tracesOver && traceTarget <= batchTraces)) {
            evictBefore.resize(next->traces.size());
            for (uint32_t t = 0; t < evictBefore.size(); ++t)
                evictBefore[t] = t;
        } else {
            evictBefore = next->oldestTraces(spansOver ? spanTarget - batch.spanCount() : 0,
                                                  tracesOver ? traceTarget - batchTraces : 0);
        }
    }
    ModelChanges changes;
    next->evictTraces(evictBefore, changes);
    uint64_t droppedSpans = changes.evictedSpans;
    ModelChanges appended;
    next->append(batch, appended, &step.appended);
    changes.followBy(appended);
    // A trace cap, or a batch larger than the span cap: evict again afterwards.
    const bool overSpans = retention.maxSpans && next->spanCount() > retention.maxSpans;
    const bool overTraces = retention.maxTraces && next->traces.size() > retention.maxTraces;
    if (overSpans || overTraces) {
        evictAfter = next->oldestTraces(overSpans ? spanTarget : 0, overTraces ? traceTarget : 0);
        ModelChanges after;
        next->evictTraces(evictAfter, after);
        droppedSpans += after.evictedSpans;
        changes.followBy(after);
    }

    const uint64_t droppedTraces = evictBefore.size() + evictAfter.size();
    step.evicted = droppedTraces > 0;
    // The copy published before becomes the spare, to take this step later.
    if (m_front) {
        m_spare = std::move(m_front);
        m_spareBehind.push_back(std::move(step));
    }
    m_front = next;
    // The spare catches up on the live model's thread once its readers let go.
    if (m_spare) {
        {
            std::lock_guard lock(m_background->mutex);
            m_background->posted = true;
            m_background->finished = false;
            m_background->spare = std::move(m_spare);
            m_background->ahead = m_front;
            m_background->steps = std::move(m_spareBehind);
        }
        m_spareBehind.clear();
        if (!m_thread.joinable())
            m_thread = std::thread([this] { runBackground(); });
        m_background->wake.notify_all();
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    std::lock_guard lock(m_mutex);
    m_stats.droppedTraces += droppedTraces;
    m_stats.droppedSpans += droppedSpans;
    m_stats.retainedSpans = next->spanCount();
    m_stats.retainedTraces = next->traces.size();
    m_stats.modelBytes = next->memoryUsage();
    m_stats.publishes += 1;
    m_stats.wholeCopies += copied;
    m_stats.spareCatchUps += caughtUp;
    m_stats.spareAppendCatchUps += caughtUpAppends;
    m_stats.lastPublishMs = ms;
    if (m_haveChanges)
        m_changes.followBy(changes);
    else
        m_changes = std::move(changes);
    m_haveChanges = true;
    m_snapshot = handOut(next);
    return m_snapshot;
}

} // namespace causeway::live
