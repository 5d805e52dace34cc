#include "core/lanessummary.h"

#include "core/linkgraph.h"
#include "core/tracelinks.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

namespace causeway {

namespace {

// A run this long is bundled from its sorted copies; a shorter one link by
// link, as selectLanes() does (sorting it would cost more than it saves).
constexpr uint32_t kLongRun = 64;

// How a link between two lanes was found, and so what surfacing the group
// member at its far end does to it.
enum class RunKind : uint8_t {
    Outgoing,  // from an own lane's span to a group member: goes to the member's own lane instead
    Incoming,  // from a group member to an own lane's span: found from the member's own lane instead
    Between,   // from a member of one group to a member of another: found from the member's own lane instead
};

// The traces at a planned link's two ends (the link itself is kept apart,
// in LanesSummary::links, so that a run's links copy as one block).
struct PlanEntry
{
    uint32_t fromTrace, targetTrace;
};

// Consecutive links bundled into one pair of lanes, found the same way.
struct PlanRun
{
    int from = -1, to = -1;          // base lanes, as bundled: the linking lane, the target lane
    RunKind kind = RunKind::Outgoing;
    uint32_t begin = 0, end = 0;     // into LanesSummary::entries
    uint32_t sorted = kNone;         // long runs: into LanesSummary::sorted
};

struct SortedRun
{
    std::vector<int64_t> lags;               // ascending
    std::vector<uint64_t> fromStarts;        // the linking spans' starts, ascending
    std::vector<uint64_t> targetStarts;      // the targets' starts, ascending
    std::vector<uint32_t> byFromStart;       // run positions by (linking span start, position)
};

uint64_t fromStartOf(const Model &model, uint32_t link)
{
    return model.hot[model.links[link].from].start;
}

uint64_t targetStartOf(const Model &model, uint32_t link)
{
    return model.hot[model.links[link].target].start;
}

} // namespace

struct LanesSummary
{
    uint32_t focus = kNone;
    LanesQueryOptions options;       // cameFrom and pinned cleared
    LanesSelection base;             // the selection with nothing came-from or pinned
    std::vector<uint32_t> via;       // per model trace reached: the link that reached it
    size_t groups = 0;
    std::vector<PlanEntry> entries;
    std::vector<uint32_t> links;     // per entry: the link
    std::vector<PlanRun> runs;
    std::vector<uint32_t> laneRuns;  // per base lane: its first run; own lanes' links, found from them
    uint32_t betweenRuns = 0;        // runs from here on: between two groups
    std::vector<SortedRun> sorted;
    // Per model trace: the entries that surfacing it as a lane of its own changes.
    std::vector<uint32_t> touchOffsets;
    std::vector<uint32_t> touches;
};

size_t summaryMemory(const LanesSummary &s)
{
    size_t bytes = s.via.capacity() * 4 + s.entries.capacity() * sizeof(PlanEntry) + s.links.capacity() * 4 + s.runs.capacity() * sizeof(PlanRun)
        + s.touchOffsets.capacity() * 4 + s.touches.capacity() * 4 + s.base.laneOf.capacity() * 4
        + s.base.groupOf.capacity() * 4 + s.base.edges.size() * sizeof(LaneLinkBundle);
    for (const SortedRun &r : s.sorted)
        bytes += r.lags.capacity() * 8 + r.fromStarts.capacity() * 8 + r.targetStarts.capacity() * 8
            + r.byFromStart.capacity() * 4;
    for (const LaneSpec &lane : s.base.lanes)
        bytes += lane.members.size() * 4 + lane.memberStarts.size() * 8 + lane.coverage.size() * 16
            + lane.errorMembers.capacity() * 4;
    return bytes;
}

std::shared_ptr<const LanesSummary> summarizeLanes(const Model &model, uint32_t focus, const LanesQueryOptions &options)
{
    auto s = std::make_shared<LanesSummary>();
    s->focus = focus;
    s->options = options;
    s->options.cameFrom = kNone;
    s->options.pinned.clear();
    s->base = selectLanes(model, focus, s->options);
    if (focus >= model.traces.size())
        return s;
    const LanesSelection &base = s->base;

    // The link that reached each trace: where a member surfaced later hangs.
    // A trace reached both ways is upstream, as in selectLanes().
    s->via.assign(model.traces.size(), kNone);
    const ChainResult up = chain(model, {focus, kNone}, {Direction::Upstream, s->options.depth, false});
    const ChainResult down = chain(model, {focus, kNone}, {Direction::Downstream, s->options.depth, false});
    std::vector<uint8_t> upstream(model.traces.size(), 0);
    for (size_t i = 0; i < up.traces.size(); ++i) {
        upstream[up.traces[i]] = 1;
        s->via[up.traces[i]] = up.via[i];
    }
    for (size_t i = 0; i < down.traces.size(); ++i)
        if (!upstream[down.traces[i]])
            s->via[down.traces[i]] = down.via[i];

    // The links between lanes in the order selectLanes() bundles them, cut
    // into runs that go to one pair of lanes.
    // A selection replays the runs lane by lane: each lane starts a run of its own.
    bool laneStart = true;
    auto record = [&](int from, int to, RunKind kind, uint32_t link, uint32_t fromTrace, uint32_t targetTrace) {
        if (laneStart || s->runs.empty() || s->runs.back().from != from || s->runs.back().to != to || s->runs.back().kind != kind
            || s->runs.back().end != s->entries.size()) {
            PlanRun run;
            run.from = from;
            run.to = to;
            run.kind = kind;
            run.begin = run.end = uint32_t(s->entries.size());
            s->runs.push_back(run);
            laneStart = false;
        }
        s->entries.push_back({fromTrace, targetTrace});
        s->links.push_back(link);
        ++s->runs.back().end;
    };
    auto outgoing = [&](int li, uint32_t t, bool toGroupsOnly) {
        forEachUpstream(model, t, kNone, [&](uint32_t target, uint32_t l) {
            const int lj = base.laneOf[target];
            if (lj >= 0 && lj != li && (!toGroupsOnly || base.lanes[lj].isGroup()))
                record(li, lj, toGroupsOnly ? RunKind::Between : RunKind::Outgoing, l, t, target);
        });
    };
    auto incomingFromGroups = [&](int li, uint32_t t) {
        forEachDownstream(model, t, kNone, [&](uint32_t from, uint32_t l) {
            const int lj = base.laneOf[from];
            if (lj >= 0 && lj != li && base.lanes[lj].isGroup())
                record(lj, li, RunKind::Incoming, l, from, t);
        });
    };
    s->groups = size_t(std::count_if(base.lanes.begin(), base.lanes.end(), [](const LaneSpec &l) { return l.isGroup(); }));
    s->laneRuns.resize(base.lanes.size() + 1);
    for (int li = 0; li < int(base.lanes.size()); ++li) {
        s->laneRuns[size_t(li)] = uint32_t(s->runs.size());
        const LaneSpec &lane = base.lanes[size_t(li)];
        laneStart = true;
        if (lane.isGroup())
            continue;
        outgoing(li, lane.trace, false);
        if (s->groups)
            incomingFromGroups(li, lane.trace);
    }
    s->laneRuns[base.lanes.size()] = uint32_t(s->runs.size());
    s->betweenRuns = uint32_t(s->runs.size());
    for (int li = 0; s->groups > 1 && li < int(base.lanes.size()); ++li) {
        const LaneSpec &lane = base.lanes[size_t(li)];
        if (!lane.isGroup())
            continue;
        for (uint32_t m : base.groupedMembersInModelOrder(li))
            outgoing(li, m, true);
    }

    // The long runs, sorted once.
    for (PlanRun &run : s->runs) {
        const uint32_t n = run.end - run.begin;
        if (n < kLongRun)
            continue;
        SortedRun sr;
        sr.lags.reserve(n);
        sr.fromStarts.reserve(n);
        sr.targetStarts.reserve(n);
        std::vector<std::pair<uint64_t, uint32_t>> byStart;
        byStart.reserve(n);
        for (uint32_t p = 0; p < n; ++p) {
            const uint32_t l = s->links[run.begin + p];
            const uint64_t from = fromStartOf(model, l), target = targetStartOf(model, l);
            sr.lags.push_back(int64_t(from - target)); // linkLag()
            sr.fromStarts.push_back(from);
            sr.targetStarts.push_back(target);
            byStart.emplace_back(from, p);
        }
        std::sort(sr.lags.begin(), sr.lags.end());
        std::sort(sr.fromStarts.begin(), sr.fromStarts.end());
        std::sort(sr.targetStarts.begin(), sr.targetStarts.end());
        std::sort(byStart.begin(), byStart.end());
        sr.byFromStart.reserve(n);
        for (const auto &[start, p] : byStart)
            sr.byFromStart.push_back(p);
        run.sorted = uint32_t(s->sorted.size());
        s->sorted.push_back(std::move(sr));
    }

    // Which entries surfacing each group member changes: those where it is
    // the group end of the link.
    s->touchOffsets.assign(model.traces.size() + 1, 0);
    auto forEachTouch = [&](auto &&f) {
        for (const PlanRun &run : s->runs)
            for (uint32_t e = run.begin; e < run.end; ++e) {
                const PlanEntry &entry = s->entries[e];
                if (run.kind != RunKind::Incoming && base.lanes[size_t(run.to)].isGroup())
                    f(entry.targetTrace, e);
                if (run.kind != RunKind::Outgoing)
                    f(entry.fromTrace, e);
            }
    };
    forEachTouch([&](uint32_t t, uint32_t) { ++s->touchOffsets[t + 1]; });
    for (size_t t = 0; t < model.traces.size(); ++t)
        s->touchOffsets[t + 1] += s->touchOffsets[t];
    s->touches.resize(s->touchOffsets.back());
    std::vector<uint32_t> fill(s->touchOffsets.begin(), s->touchOffsets.end() - 1);
    forEachTouch([&](uint32_t t, uint32_t e) { s->touches[fill[t]++] = e; });
    return s;
}

LanesSelection selectLanes(const Model &model, const LanesSummary &summary, const LanesQueryOptions &options)
{
    const LanesSelection &base = summary.base;
    LanesSelection out;
    out.focus = base.focus;
    out.origin = base.origin;
    out.options = options;
    // A summary carried over to a model that grew (LanesSummaryCache::
    // carryOver) has no entries for the traces that came after it: none of
    // them is in reach.
    if (base.focus >= model.traces.size() || base.laneOf.size() > model.traces.size())
        return out;

    // What came-from and the pins change: marks on lanes the summary has,
    // and members that now surface next to their group.
    struct Surfaced
    {
        uint32_t trace;
        uint8_t marks;
        int group;                   // base lane
    };
    std::vector<Surfaced> fresh;
    std::vector<std::pair<int, uint8_t>> extraMarks; // base lane, marks
    auto mark = [&](uint32_t t, uint8_t m) {
        if (t >= base.groupOf.size() || base.groupOf[t] < 0)
            return; // marks are for group members only, as in selectLanes()
        const int group = base.groupOf[t], own = base.laneOf[t];
        if (own != group) {
            auto it = std::find_if(extraMarks.begin(), extraMarks.end(), [own](const auto &x) { return x.first == own; });
            if (it == extraMarks.end())
                extraMarks.emplace_back(own, m);
            else
                it->second |= m;
            return;
        }
        auto it = std::find_if(fresh.begin(), fresh.end(), [t](const Surfaced &x) { return x.trace == t; });
        if (it == fresh.end())
            fresh.push_back({t, m, group});
        else
            it->marks |= m;
    };
    if (options.cameFrom != kNone)
        mark(options.cameFrom, MarkCameFrom);
    for (uint32_t p : options.pinned)
        mark(p, MarkPinned);

    // The lanes: the summary's, with the fresh members placed among their
    // group's surfaced lanes by anchor.
    std::vector<int> laneMap(base.lanes.size(), -1); // base lane -> lane
    std::vector<uint32_t> freshLane;                 // per fresh member: its lane
    freshLane.resize(fresh.size());
    out.lanes.reserve(base.lanes.size() + fresh.size());
    for (size_t bi = 0; bi < base.lanes.size();) {
        const LaneSpec &lane = base.lanes[bi];
        if (!lane.isGroup()) {
            laneMap[bi] = int(out.lanes.size());
            out.lanes.push_back(lane);
            ++bi;
            continue;
        }
        const int gi = int(out.lanes.size());
        laneMap[bi] = gi;
        out.lanes.push_back(lane);
        size_t end = bi + 1;
        while (end < base.lanes.size() && base.lanes[end].group == int(bi))
            ++end;
        // (base lane or -1, fresh index)
        struct Own
        {
            uint64_t anchor;
            uint32_t trace;
            int baseLane;
            size_t freshIndex;
        };
        std::vector<Own> owns;
        for (size_t k = bi + 1; k < end; ++k)
            owns.push_back({base.lanes[k].anchor, base.lanes[k].trace, int(k), 0});
        for (size_t f = 0; f < fresh.size(); ++f) {
            if (fresh[f].group != int(bi))
                continue;
            const uint32_t via = summary.via[fresh[f].trace];
            uint64_t anchor = 0;
            if (via != kNone)
                anchor = lane.kind == LaneKind::Upstream ? targetStartOf(model, via) : fromStartOf(model, via);
            owns.push_back({anchor, fresh[f].trace, -1, f});
        }
        if (owns.size() > end - bi - 1)
            std::sort(owns.begin(), owns.end(),
                      [](const Own &a, const Own &b) { return std::tie(a.anchor, a.trace) < std::tie(b.anchor, b.trace); });
        for (const Own &o : owns) {
            if (o.baseLane >= 0) {
                laneMap[size_t(o.baseLane)] = int(out.lanes.size());
                out.lanes.push_back(base.lanes[size_t(o.baseLane)]);
            } else {
                const Surfaced &f = fresh[o.freshIndex];
                LaneSpec own;
                own.kind = lane.kind;
                own.trace = f.trace;
                own.hops = lane.hops;
                own.anchor = o.anchor;
                own.marks = f.marks;
                if (model.traces[f.trace].errorCount)
                    own.marks |= MarkError;
                freshLane[o.freshIndex] = uint32_t(out.lanes.size());
                out.lanes.push_back(std::move(own));
            }
            out.lanes.back().group = gi;
        }
        bi = end;
    }
    for (const auto &[lane, marks] : extraMarks)
        out.lanes[size_t(laneMap[size_t(lane)])].marks |= marks;
    out.focusLane = base.focusLane >= 0 ? laneMap[size_t(base.focusLane)] : -1;

    // Per trace: the summary's tables with the lanes renumbered.
    bool identity = true;
    for (size_t i = 0; i < laneMap.size(); ++i)
        identity &= laneMap[i] == int(i);
    if (identity) {
        out.laneOf = base.laneOf;
        out.groupOf = base.groupOf;
        out.laneOf.resize(model.traces.size(), -1);
        out.groupOf.resize(model.traces.size(), -1);
    } else {
        out.laneOf.resize(model.traces.size(), -1);
        out.groupOf.resize(model.traces.size(), -1);
        for (size_t t = 0; t < base.laneOf.size(); ++t) {
            const int l = base.laneOf[t], g = base.groupOf[t];
            out.laneOf[t] = l < 0 ? -1 : laneMap[size_t(l)];
            out.groupOf[t] = g < 0 ? -1 : laneMap[size_t(g)];
        }
    }
    for (size_t f = 0; f < fresh.size(); ++f)
        out.laneOf[fresh[f].trace] = int(freshLane[f]);

    // Edges, in the order and with the contents selectLanes() gives them:
    // the summary's runs replayed lane by lane, the fresh members' own
    // links walked where their lanes come.
    std::unordered_map<uint64_t, size_t> bundleOf;
    struct Source
    {
        const std::vector<uint64_t> *sorted;
        std::vector<uint64_t> excluded; // ascending: values of links taken out of the run
    };
    struct Ends
    {
        uint32_t first = kNone;
        uint64_t firstStart = 0;
        std::vector<Source> sources[2];  // at the linking / the target end, when that end is a group
        std::vector<uint64_t> loose[2];
    };
    std::vector<Ends> ends;
    auto bundle = [&](int from, int to) -> size_t {
        const uint64_t key = uint64_t(std::min(from, to)) << 32 | uint32_t(std::max(from, to));
        auto [it, inserted] = bundleOf.try_emplace(key, out.edges.size());
        if (inserted) {
            out.edges.push_back(LaneLinkBundle::between(from, to));
            ends.emplace_back();
        }
        return it->second;
    };
    auto add = [&](int from, int to, uint32_t l) {
        const size_t k = bundle(from, to);
        LaneLinkBundle &b = out.edges[k];
        Ends &e = ends[k];
        b.links.push_back(l);
        const uint64_t fromStart = fromStartOf(model, l), targetStart = targetStartOf(model, l);
        const int64_t lag = int64_t(fromStart - targetStart); // linkLag()
        b.lagMin = std::min(b.lagMin, lag);
        b.lagMax = std::max(b.lagMax, lag);
        if (from == b.fromLane && (e.first == kNone || fromStart < e.firstStart)) {
            e.first = l;
            e.firstStart = fromStart;
        }
        if (out.lanes[size_t(b.fromLane)].isGroup())
            e.loose[0].push_back(fromStart);
        if (out.lanes[size_t(b.toLane)].isGroup())
            e.loose[1].push_back(targetStart);
    };
    // A fresh member's own links, walked as selectLanes() walks an own lane's.
    const size_t groups = summary.groups;
    auto walkOwn = [&](int li, uint32_t t) {
        forEachUpstream(model, t, kNone, [&](uint32_t target, uint32_t l) {
            const int lj = out.laneOf[target];
            if (lj >= 0 && lj != li)
                add(li, lj, l);
        });
        if (!groups)
            return;
        forEachDownstream(model, t, kNone, [&](uint32_t from, uint32_t l) {
            const int lj = out.laneOf[from];
            if (lj >= 0 && lj != li && out.lanes[size_t(lj)].isGroup())
                add(lj, li, l);
        });
    };

    // The entries fresh members change, in plan order.
    std::vector<uint32_t> touched;
    for (const Surfaced &f : fresh)
        touched.insert(touched.end(), summary.touches.begin() + summary.touchOffsets[f.trace],
                       summary.touches.begin() + summary.touchOffsets[f.trace + 1]);
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());

    // A touched entry: a link to a fresh member goes to its lane; any other
    // is found from the fresh member's lane, or not at all.
    auto retarget = [&](const PlanRun &run, int from, uint32_t e) {
        if (run.kind != RunKind::Outgoing)
            return;
        const PlanEntry &entry = summary.entries[e];
        add(from, out.laneOf[entry.targetTrace], summary.links[e]);
    };
    auto replay = [&](const PlanRun &run) {
        const int from = laneMap[size_t(run.from)], to = laneMap[size_t(run.to)];
        const auto t0 = std::lower_bound(touched.begin(), touched.end(), run.begin);
        const auto t1 = std::lower_bound(t0, touched.end(), run.end);
        if (run.sorted == kNone) {
            auto t = t0;
            for (uint32_t e = run.begin; e < run.end; ++e) {
                if (t != t1 && *t == e) {
                    ++t;
                    retarget(run, from, e);
                    continue;
                }
                add(from, to, summary.links[e]);
            }
            return;
        }
        // A long run: its links in one copy, its lag range and ends from
        // its sorted copies without the touched ones.
        const SortedRun &sr = summary.sorted[run.sorted];
        std::vector<uint32_t> out_; // run positions taken out
        out_.reserve(size_t(t1 - t0));
        size_t k = kNone;
        uint32_t previous = run.begin;
        for (auto t = t0; t != t1; ++t) {
            if (*t > previous && k == kNone)
                k = bundle(from, to);
            retarget(run, from, *t);
            out_.push_back(*t - run.begin);
            previous = *t + 1;
        }
        const uint32_t n = run.end - run.begin;
        if (out_.size() == n)
            return;
        if (k == kNone)
            k = bundle(from, to);
        LaneLinkBundle &b = out.edges[k];
        Ends &e = ends[k];
        b.links.reserve(b.links.size() + n - out_.size());
        const auto links = summary.links.begin();
        uint32_t p = run.begin;
        for (uint32_t x : out_) {
            b.links.insert(b.links.end(), links + p, links + run.begin + x);
            p = run.begin + x + 1;
        }
        b.links.insert(b.links.end(), links + p, links + run.end);
        // Values of the taken-out links, to skip in the sorted copies.
        std::vector<int64_t> lags;
        std::vector<uint64_t> fromStarts, targetStarts;
        for (uint32_t x : out_) {
            const uint32_t l = summary.links[run.begin + x];
            fromStarts.push_back(fromStartOf(model, l));
            targetStarts.push_back(targetStartOf(model, l));
            lags.push_back(int64_t(fromStarts.back() - targetStarts.back()));
        }
        std::sort(lags.begin(), lags.end());
        std::sort(fromStarts.begin(), fromStarts.end());
        std::sort(targetStarts.begin(), targetStarts.end());
        size_t lo = 0;
        for (size_t j = 0; lo < sr.lags.size() && j < lags.size() && sr.lags[lo] == lags[j]; ++j)
            ++lo;
        size_t hi = sr.lags.size();
        for (size_t j = lags.size(); hi > lo && j > 0 && sr.lags[hi - 1] == lags[j - 1]; --j)
            --hi;
        b.lagMin = std::min(b.lagMin, sr.lags[lo]);
        b.lagMax = std::max(b.lagMax, sr.lags[hi - 1]);
        if (from == b.fromLane) {
            for (uint32_t pos : sr.byFromStart) {
                if (std::binary_search(out_.begin(), out_.end(), pos))
                    continue;
                const uint32_t l = summary.links[run.begin + pos];
                const uint64_t start = fromStartOf(model, l);
                if (e.first == kNone || start < e.firstStart) {
                    e.first = l;
                    e.firstStart = start;
                }
                break;
            }
        }
        if (out.lanes[size_t(b.fromLane)].isGroup())
            e.sources[0].push_back({&sr.fromStarts, std::move(fromStarts)});
        if (out.lanes[size_t(b.toLane)].isGroup())
            e.sources[1].push_back({&sr.targetStarts, std::move(targetStarts)});
    };

    std::vector<int> freshOfLane(out.lanes.size(), -1);
    for (size_t f = 0; f < fresh.size(); ++f)
        freshOfLane[freshLane[f]] = int(f);
    std::vector<int> baseOfLane(out.lanes.size(), -1);
    for (size_t bi = 0; bi < laneMap.size(); ++bi)
        baseOfLane[size_t(laneMap[bi])] = int(bi);
    for (int li = 0; li < int(out.lanes.size()); ++li) {
        if (out.lanes[size_t(li)].isGroup())
            continue;
        if (freshOfLane[size_t(li)] >= 0) {
            walkOwn(li, out.lanes[size_t(li)].trace);
            continue;
        }
        const int bi = baseOfLane[size_t(li)];
        for (uint32_t r = summary.laneRuns[size_t(bi)]; r < summary.laneRuns[size_t(bi) + 1]; ++r)
            replay(summary.runs[r]);
    }
    for (uint32_t r = summary.betweenRuns; r < summary.runs.size(); ++r)
        replay(summary.runs[r]);

    // Where each bundle's ends sit, as selectLanes() places them.
    for (size_t k = 0; k < out.edges.size(); ++k) {
        LaneLinkBundle &b = out.edges[k];
        Ends &e = ends[k];
        const uint32_t first = e.first != kNone ? e.first : b.links.front();
        auto endTime = [&](bool from) -> uint64_t {
            const LaneSpec &lane = out.lanes[size_t(from ? b.fromLane : b.toLane)];
            if (!lane.isGroup())
                return from ? fromStartOf(model, first) : targetStartOf(model, first);
            // The (n / 2)-th smallest start over the runs and the loose links.
            std::vector<uint64_t> &loose = e.loose[from ? 0 : 1];
            const std::vector<Source> &sources = e.sources[from ? 0 : 1];
            std::sort(loose.begin(), loose.end());
            const size_t rank = b.links.size() / 2;
            auto atMost = [&](uint64_t v) {
                size_t n = size_t(std::upper_bound(loose.begin(), loose.end(), v) - loose.begin());
                for (const Source &src : sources)
                    n += size_t(std::upper_bound(src.sorted->begin(), src.sorted->end(), v) - src.sorted->begin())
                        - size_t(std::upper_bound(src.excluded.begin(), src.excluded.end(), v) - src.excluded.begin());
                return n;
            };
            uint64_t lo = 0, hi = UINT64_MAX; // the smallest v with more than `rank` starts at or before it
            while (lo < hi) {
                const uint64_t mid = lo + (hi - lo) / 2;
                if (atMost(mid) > rank)
                    hi = mid;
                else
                    lo = mid + 1;
            }
            return lo;
        };
        b.fromSpan = out.lanes[size_t(b.fromLane)].isGroup() ? kNone : model.links[first].from;
        b.toSpan = out.lanes[size_t(b.toLane)].isGroup() ? kNone : model.links[first].target;
        b.fromTime = endTime(true);
        b.toTime = endTime(false);
    }
    return out;
}

LanesSummaryCache::Key LanesSummaryCache::keyOf(uint32_t focus, const LanesQueryOptions &options)
{
    return {focus, options.depth, options.groupMin, options.maxLanes, options.surfacedErrors};
}

LanesSummaryCache::Shape LanesSummaryCache::shapeOf(const Model &model)
{
    return {model.traces.size(), model.spanCount(), model.links.size(), model.incoming.size()};
}

void LanesSummaryCache::bindLocked(const Model &model) const
{
    const Shape shape = shapeOf(model);
    if (m_model != &model || m_shape != shape) {
        m_summaries.clear();
        m_model = &model;
        m_shape = shape;
    }
}

std::shared_ptr<const LanesSummary> LanesSummaryCache::find(const Model &model, uint32_t focus,
                                                            const LanesQueryOptions &options) const
{
    std::lock_guard lock(m_mutex);
    bindLocked(model);
    auto it = m_summaries.find(keyOf(focus, options));
    if (it == m_summaries.end() || it->second.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
        return nullptr;
    return it->second.get();
}

std::shared_ptr<const LanesSummary> LanesSummaryCache::get(const Model &model, uint32_t focus,
                                                           const LanesQueryOptions &options)
{
    std::promise<std::shared_ptr<const LanesSummary>> promise;
    std::shared_future<std::shared_ptr<const LanesSummary>> summary;
    bool build = false;
    {
        std::lock_guard lock(m_mutex);
        bindLocked(model);
        auto [it, inserted] = m_summaries.try_emplace(keyOf(focus, options));
        if (inserted)
            it->second = promise.get_future().share();
        summary = it->second;
        build = inserted;
    }
    if (build) {
        try {
            promise.set_value(summarizeLanes(model, focus, options));
        } catch (...) {
            // Out of memory, say: whoever waits hears it too, and a later call tries again.
            promise.set_exception(std::current_exception());
            std::lock_guard lock(m_mutex);
            if (m_model == &model)
                m_summaries.erase(keyOf(focus, options));
            throw;
        }
    }
    return summary.get();
}

size_t LanesSummaryCache::warm(const Model &model, const LanesQueryOptions &options, uint64_t minLinks,
                               const std::atomic<bool> *cancel, uint32_t first)
{
    std::vector<std::pair<uint64_t, uint32_t>> busy; // (links, trace)
    for (uint32_t t = 0; t < model.traces.size(); ++t) {
        const uint64_t links = uint64_t(model.traces[t].linksIn) + model.traces[t].linksOut;
        if (links >= minLinks)
            busy.emplace_back(links, t);
    }
    std::sort(busy.begin(), busy.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (first != kNone)
        std::stable_partition(busy.begin(), busy.end(), [first](const auto &b) { return b.second == first; });
    size_t built = 0;
    for (const auto &[links, t] : busy) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            break;
        if (!find(model, t, options)) {
            get(model, t, options);
            ++built;
        }
    }
    return built;
}

size_t LanesSummaryCache::carryOver(const LanesSummaryCache &previous, const Model &model, const ModelChanges &changes)
{
    std::vector<std::pair<Key, std::shared_ptr<const LanesSummary>>> ready;
    {
        std::lock_guard lock(previous.m_mutex);
        // Appending keeps every index; the model before the step had
        // exactly the traces and spans before the new ones.
        const bool appended = previous.m_model && !changes.reset && changes.evictedTraces.empty()
            && std::get<0>(previous.m_shape) == changes.firstNewTrace && std::get<1>(previous.m_shape) == changes.firstNewSpan
            && changes.firstNewTrace <= model.traces.size() && changes.firstNewSpan <= model.spanCount()
            && std::get<2>(previous.m_shape) <= model.links.size();
        if (appended)
            for (const auto &[key, summary] : previous.m_summaries)
                if (summary.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
                    ready.emplace_back(key, summary.get());
    }
    std::lock_guard lock(m_mutex);
    m_summaries.clear();
    m_model = &model;
    m_shape = shapeOf(model);
    if (ready.empty())
        return 0;

    // The traces the step touched: those that got spans or incoming links
    // (changes.changedTraces), and those at the other end of any link of a
    // new span, whichever way it goes (a link waiting for its target that
    // found it now marks no trace of its own in the changes).
    std::vector<uint32_t> touched = changes.changedTraces;
    for (uint32_t s = changes.firstNewSpan; s < model.spanCount(); ++s) {
        if (model.hot[s].trace < changes.firstNewTrace)
            touched.push_back(model.hot[s].trace);
        forEachUpstream(model, model.hot[s].trace, s, [&](uint32_t other, uint32_t) {
            if (other < changes.firstNewTrace)
                touched.push_back(other);
        });
        forEachDownstream(model, model.hot[s].trace, s, [&](uint32_t other, uint32_t) {
            if (other < changes.firstNewTrace)
                touched.push_back(other);
        });
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());

    // A summary reads the traces its chain walks reached, and their links
    // among each other: one untouched trace of them all keeps it true.
    size_t kept = 0;
    for (auto &entry : ready) {
        const LanesSummary &summary = *entry.second;
        const bool affected = std::any_of(touched.begin(), touched.end(), [&summary](uint32_t t) {
            return t == summary.focus || (t < summary.via.size() && summary.via[t] != kNone);
        });
        if (affected)
            continue;
        std::promise<std::shared_ptr<const LanesSummary>> promise;
        promise.set_value(std::move(entry.second));
        m_summaries.emplace(entry.first, promise.get_future().share());
        ++kept;
    }
    return kept;
}

size_t LanesSummaryCache::size() const
{
    std::lock_guard lock(m_mutex);
    return m_summaries.size();
}

void LanesSummaryCache::clear()
{
    std::lock_guard lock(m_mutex);
    m_summaries.clear();
    m_model = nullptr;
}

LanesSelection selectLanes(const Model &model, uint32_t focus, const LanesQueryOptions &options,
                           LanesSummaryCache &cache)
{
    if (focus >= model.traces.size()
        || uint64_t(model.traces[focus].linksIn) + model.traces[focus].linksOut < LanesSummaryCache::kMinLinks)
        return selectLanes(model, focus, options);
    return selectLanes(model, *cache.get(model, focus, options), options);
}

} // namespace causeway
