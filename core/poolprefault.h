#pragma once
// Faults in a model's reserved pools ahead of the merges that fill them, on
// a thread other than the one merging.
//
// A large load reserves room for the rest of the input in the model's pools
// (Model::reserveLike), and the loading thread then fills that room merge by
// merge. Each first write of a page was a page fault and the kernel zeroing
// the page, on the loading thread: in a protobuf load that thread sets the
// pace, and `clear_page_erms` was 17% of its samples. Here the loading thread
// says how far the input has come, and a decoding thread, between two pieces
// of work, faults in the pools that far plus a lead (prefaultForWrite).
//
// Faulting in never changes what memory holds, so it needs no ordering with
// the merges' writes. A pool that outgrows its reservation moves; the range
// tracked before then is faulted in no further than allowed, and at worst
// fails or touches pages the heap has reused, changing nothing either way.

#include <atomic>
#include <cstddef>
#include <mutex>
#include <vector>

namespace causeway {

class Model;

class PoolPrefaulter
{
public:
    // The room beyond the records `model`'s pools hold now, to be faulted in
    // as allow() permits. Replaces what was tracked before. Loading thread.
    void track(const Model &model);
    // Stops tracking; returns once no thread is faulting in (before the
    // tracked pools are reallocated, so their old ranges are left alone).
    void clear();
    // Up to `fraction` (0..1) of the tracked room may be faulted in: what
    // the merges will have filled by then, plus a lead. Loading thread.
    void allow(double fraction);
    // Faults in what is allowed and not yet faulted in. Any thread; returns
    // at once while another thread is at it, or when nothing is tracked.
    void run();
    // Tracked bytes faulted in so far (for tests and benchmarks).
    size_t faultedBytes() const { return m_faulted.load(std::memory_order_relaxed); }

private:
    struct Room
    {
        const char *begin;
        size_t bytes;
        size_t done;
    };
    std::mutex m_mutex; // held while tracking and while faulting in
    std::vector<Room> m_rooms;
    std::atomic<double> m_allowed{0.0};
    std::atomic<size_t> m_faulted{0};
    bool m_unsupported = false;
};

} // namespace causeway
