#pragma once
// The lanes around a focus trace, summarised once so that a focus change
// does not visit each of 100,000 linked traces again.
//
// A LanesSummary keeps what selectLanes() works out that does not depend on
// where the user came from or what they pinned: the chain walks, the
// grouping, each group's members by start, spreads and coverage, the order
// of the lanes, and every link between two lanes in the order the bundling
// meets it, in runs that go to one pair of lanes, the long runs sorted once
// by lag and by the starts of their two ends. A selection made from it
// shares the groups' member lists, copies each bundle's links once, and
// takes a bundle's lag range and where its ends sit from the sorted runs,
// with the links of members that came-from or a pin surfaces taken out (a
// few lookups each). Only such a member's own links are walked. The result
// is the selection selectLanes() makes from the model itself, lane for lane
// and link for link (tests/core/tst_lanessummary).
//
// A summary belongs to one model state. A model that grew by appending
// (live data, Model::append) keeps the summaries none of whose traces the
// step touched: their traces, links and times are where they were
// (LanesSummaryCache::carryOver); any other change needs new ones.
// LanesSummaryCache keeps them per model.

#include "core/lanesquery.h"

#include <atomic>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

namespace causeway {

struct LanesSummary;

// The summary of the lanes around `focus` under `options`' depth, grouping
// and surfacing of failed members (options.cameFrom and options.pinned are
// ignored: they are applied per selection). One pass like selectLanes(),
// plus sorting the long runs of links.
std::shared_ptr<const LanesSummary> summarizeLanes(const Model &model, uint32_t focus, const LanesQueryOptions &options);
// What selectLanes(model, focus, options) returns, made from a summary of
// the same model, focus, depth and grouping.
LanesSelection selectLanes(const Model &model, const LanesSummary &summary, const LanesQueryOptions &options);
// Bytes a summary holds besides the model (for benchmarks).
size_t summaryMemory(const LanesSummary &summary);

// Summaries of one model, by focus and options. Safe to use from several
// threads; a summary is built outside the lock, once: a thread asking for
// one that another is building waits for it (the view's collect and the
// pass after a load meet on the busiest trace).
class LanesSummaryCache
{
public:
    // A focus with fewer links of its own (in and out) than this is
    // selected directly: it is as fast without a summary.
    static constexpr uint64_t kMinLinks = 1000;

    // The summary, built now when missing. A different model (or the same
    // one grown) drops what was kept for the previous one.
    std::shared_ptr<const LanesSummary> get(const Model &model, uint32_t focus, const LanesQueryOptions &options);
    // The summary if it is built, else null (also while it is being built).
    std::shared_ptr<const LanesSummary> find(const Model &model, uint32_t focus, const LanesQueryOptions &options) const;
    // Builds the summaries of the traces with at least `minLinks` links of
    // their own, `first` first (the focus, when it is one of them), then
    // the busiest first, until `cancel` is set. Returns how many it built.
    // Meant for a worker after a load, or a change of depth.
    size_t warm(const Model &model, const LanesQueryOptions &options, uint64_t minLinks,
                const std::atomic<bool> *cancel = nullptr, uint32_t first = kNone);
    // Takes over from `previous`, whose model `model` grew from by
    // `changes` (one or more Model::append steps, as live data publishes
    // them): the summaries built there that no touched trace is part of
    // are kept for `model` as they are (a trace is touched when it got
    // spans or links, or a link of its found a new span); the others are
    // left to build again. An eviction or a reset renumbers the model: then
    // nothing is kept. Returns how many summaries were kept.
    size_t carryOver(const LanesSummaryCache &previous, const Model &model, const ModelChanges &changes);
    size_t size() const;
    void clear();

private:
    using Key = std::tuple<uint32_t, uint32_t, uint32_t, uint32_t, uint32_t>;
    static Key keyOf(uint32_t focus, const LanesQueryOptions &options);
    // Under the lock: forget everything kept for another model.
    void bindLocked(const Model &model) const;

    mutable std::mutex m_mutex;
    mutable const Model *m_model = nullptr;
    using Shape = std::tuple<size_t, size_t, size_t, size_t>;
    static Shape shapeOf(const Model &model);
    mutable Shape m_shape{};
    mutable std::map<Key, std::shared_future<std::shared_ptr<const LanesSummary>>> m_summaries;
};

// selectLanes() through a cache: a focus with many links from its summary
// (built on first use), any other directly.
LanesSelection selectLanes(const Model &model, uint32_t focus, const LanesQueryOptions &options,
                           LanesSummaryCache &cache);

} // namespace causeway
