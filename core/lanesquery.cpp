#include "core/lanesquery.h"

#include "core/linkgraph.h"
#include "core/spansearch.h"
#include "core/tracelinks.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>
#include <utility>
#include <unordered_map>

namespace causeway {

namespace {

int64_t signedDiff(uint64_t a, uint64_t b)
{
    return a >= b ? int64_t(a - b) : -int64_t(b - a);
}

// Order statistics by selection, not a full sort: a group of 100,000
// members is summarised in linear time.
Spread spreadOf(std::vector<int64_t> &values)
{
    Spread s;
    if (values.empty())
        return s;
    const size_t n = values.size();
    const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
    s.min = *lo;
    s.max = *hi;
    const size_t p95 = std::min(n - 1, (n * 95 + 99) / 100 - 1);
    const size_t median = (n - 1) / 2;
    std::nth_element(values.begin(), values.begin() + long(p95), values.end());
    s.p95 = values[p95];
    // Everything before p95 is now at or below it: the median is among them.
    std::nth_element(values.begin(), values.begin() + long(median), values.begin() + long(p95) + 1);
    s.median = values[median];
    return s;
}

// What a group needs of a member, sorted by start: 24 bytes, so the sort
// and every pass after it move little memory.
struct MemberKey
{
    static constexpr uint32_t kFailed = 0x80000000u; // in index: the member has a failed span
    uint64_t start, end;
    uint32_t trace;
    uint32_t index;                  // into the group's members as reached, | kFailed
};

// By start, ties by trace index. A stable radix sort on the start's offset
// from the earliest (11 bits a pass, as many passes as the spread of starts
// needs), then the rare runs of equal starts by trace: at 100,000 members
// several times cheaper than a comparison sort.
void sortByStart(std::vector<MemberKey> &keys)
{
    const auto less = [](const MemberKey &a, const MemberKey &b) {
        return a.start != b.start ? a.start < b.start : a.trace < b.trace;
    };
    if (keys.size() < 512) {
        std::sort(keys.begin(), keys.end(), less);
        return;
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (const MemberKey &k : keys) {
        lo = std::min(lo, k.start);
        hi = std::max(hi, k.start);
    }
    constexpr int kBits = 11;
    constexpr size_t kBuckets = size_t(1) << kBits;
    std::vector<MemberKey> other(keys.size());
    std::vector<uint32_t> count(kBuckets);
    for (int shift = 0; shift < 64 && ((hi - lo) >> shift) != 0; shift += kBits) {
        std::fill(count.begin(), count.end(), 0);
        for (const MemberKey &k : keys)
            ++count[((k.start - lo) >> shift) & (kBuckets - 1)];
        uint32_t sum = 0;
        for (uint32_t &c : count)
            sum += std::exchange(c, sum);
        for (const MemberKey &k : keys)
            other[count[((k.start - lo) >> shift) & (kBuckets - 1)]++] = k;
        keys.swap(other);
    }
    for (size_t i = 0; i < keys.size();) {
        size_t j = i + 1;
        while (j < keys.size() && keys[j].start == keys[i].start)
            ++j;
        if (j - i > 1)
            std::sort(keys.begin() + long(i), keys.begin() + long(j), less);
        i = j;
    }
}

// A trace the walk reached, with what the grouping and the summaries need
// of it, read from the model once here: afterwards every pass reads this
// array in order instead of the trace table, the root span and the link
// again at random (at 100,000 members those cache misses were most of the
// cost).
struct Found
{
    uint32_t trace = kNone;
    uint32_t hops = 0;
    uint32_t via = kNone;
    uint64_t anchor = 0;             // the span of this trace the link touches: when it starts
    uint64_t start = 0, end = 0;
    uint32_t errors = 0;
    StringId service = 0, name = 0;  // its root span's
    int64_t lag = 0;                 // of the link `via`
};

// `upstream`: the walk went to causes, so the link's target is in this trace.
Found found(const Model &model, uint32_t trace, uint32_t hops, uint32_t via, bool upstream)
{
    Found f;
    f.trace = trace;
    f.hops = hops;
    f.via = via;
    const Trace &t = model.traces[trace];
    f.start = t.start;
    f.end = t.end;
    f.errors = t.errorCount;
    if (t.root != kNone) {
        f.service = model.hot[t.root].service;
        f.name = model.hot[t.root].name;
    }
    if (via != kNone) {
        const Link &l = model.links[via];
        const uint64_t from = model.hot[l.from].start, target = model.hot[l.target].start;
        f.anchor = upstream ? target : from;
        f.lag = int64_t(from - target); // linkLag()
    }
    return f;
}

std::string lower(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool isHex(std::string_view text)
{
    return !text.empty()
        && std::all_of(text.begin(), text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

} // namespace

std::vector<uint32_t> LanesSelection::groupedMembersInModelOrder(int lane) const
{
    const LaneSpec &group = lanes[size_t(lane)];
    std::vector<uint32_t> inOrder;
    inOrder.reserve(group.members.size());
    for (uint32_t m : group.members)
        if (laneOf[m] == lane)
            inOrder.push_back(m);
    std::sort(inOrder.begin(), inOrder.end());
    return inOrder;
}

int LanesSelection::laneCount(LaneKind kind) const
{
    return int(std::count_if(lanes.begin(), lanes.end(), [kind](const LaneSpec &l) { return l.kind == kind; }));
}

LanesSelection selectLanes(const Model &model, uint32_t focus, const LanesQueryOptions &options)
{
    LanesSelection out;
    out.focus = focus;
    out.options = options;
    if (focus >= model.traces.size())
        return out;
    out.origin = model.traces[focus].start;
    out.laneOf.assign(model.traces.size(), -1);
    out.groupOf.assign(model.traces.size(), -1);

    // One lane per trace: a trace reached both ways (a cycle) stays upstream.
    const ChainResult up = chain(model, {focus, kNone}, {Direction::Upstream, options.depth, false});
    const ChainResult down = chain(model, {focus, kNone}, {Direction::Downstream, options.depth, false});
    std::vector<uint8_t> upstream(model.traces.size(), 0);
    std::vector<Found> reached[2];
    reached[0].reserve(up.traces.size());
    reached[1].reserve(down.traces.size());
    for (size_t i = 0; i < up.traces.size(); ++i) {
        if (up.traces[i] == focus)
            continue;
        upstream[up.traces[i]] = 1;
        reached[0].push_back(found(model, up.traces[i], up.hops[i], up.via[i], true));
    }
    for (size_t i = 0; i < down.traces.size(); ++i)
        if (down.traces[i] != focus && !upstream[down.traces[i]])
            reached[1].push_back(found(model, down.traces[i], down.hops[i], down.via[i], false));

    // A unit is a group lane with the members that surface next to it, or one own lane.
    struct Unit
    {
        LaneSpec lane;
        std::vector<LaneSpec> surfaced;
        uint32_t parent = kNone;     // the trace one hop nearer the focus it hangs from (most members')
    };
    // The trace at the near end of the link that reached `f`.
    auto parentOf = [&](const Found &f, bool upstream) -> uint32_t {
        if (f.via == kNone)
            return focus;
        const Link &l = model.links[f.via];
        return model.hot[upstream ? l.from : l.target].trace;
    };
    std::vector<int64_t> scratch;
    auto makeGroup = [&](LaneKind kind, uint32_t hops, StringId service, StringId name,
                         const std::vector<const Found *> &members) {
        Unit unit;
        LaneSpec &g = unit.lane;
        g.kind = kind;
        g.hops = hops;
        g.service = service;
        g.rootName = name;
        // One pass in the order reached (close to model order, so the cache
        // serves it) copies what the rest needs into 24-byte keys; the keys
        // are then sorted by start, and every later pass reads them in
        // order, never the records they came from.
        std::vector<MemberKey> order(members.size());
        scratch.clear();
        std::vector<int64_t> lags;
        lags.reserve(members.size());
        g.anchor = UINT64_MAX;
        for (size_t i = 0; i < members.size(); ++i) {
            const Found *f = members[i];
            order[i] = {f->start, f->end, f->trace, uint32_t(i) | (f->errors ? MemberKey::kFailed : 0)};
            scratch.push_back(int64_t(f->end - f->start));
            if (f->via != kNone)
                lags.push_back(f->lag);
            g.anchor = std::min(g.anchor, f->anchor);
            g.errorSpans += f->errors;
        }
        g.duration = spreadOf(scratch);
        g.lag = spreadOf(lags);
        sortByStart(order);
        g.memberStart = UINT64_MAX;
        std::vector<uint32_t> memberList;
        std::vector<uint64_t> memberStarts;
        std::vector<std::pair<uint64_t, uint64_t>> coverage;
        memberList.reserve(order.size());
        memberStarts.reserve(order.size());
        const MemberKey *slowest = nullptr;
        for (const MemberKey &m : order) {
            memberList.push_back(m.trace);
            memberStarts.push_back(m.start);
            if (m.index & MemberKey::kFailed)
                g.errorMembers.push_back(m.trace);
            g.memberStart = std::min(g.memberStart, m.start);
            g.memberEnd = std::max(g.memberEnd, m.end);
            if (!coverage.empty() && m.start <= coverage.back().second)
                coverage.back().second = std::max(coverage.back().second, m.end);
            else
                coverage.emplace_back(m.start, m.end);
            if (!slowest || m.end - m.start > slowest->end - slowest->start)
                slowest = &m;
        }
        g.members = std::move(memberList);
        g.memberStarts = std::move(memberStarts);
        g.coverage = std::move(coverage);

        // The members worth a look get lanes of their own next to the group:
        // a handful, so a short list, not a lookup per member.
        struct Marked
        {
            const Found *found;
            uint8_t marks;
        };
        std::vector<Marked> marked;
        auto mark = [&](const Found *f, uint8_t m) {
            auto it = std::find_if(marked.begin(), marked.end(), [f](const Marked &x) { return x.found == f; });
            if (it == marked.end())
                marked.push_back({f, m});
            else
                it->marks |= m;
        };
        for (size_t i = 0, n = 0; n < g.errorMembers.size() && n < options.surfacedErrors; ++i)
            if (order[i].index & MemberKey::kFailed) {
                mark(members[order[i].index & ~MemberKey::kFailed], MarkError);
                ++n;
            }
        if (slowest && members.size() > 1)
            mark(members[slowest->index & ~MemberKey::kFailed], MarkSlowest);
        if (options.cameFrom != kNone || !options.pinned.empty()) {
            for (const Found *f : members) {
                if (f->trace == options.cameFrom)
                    mark(f, MarkCameFrom);
                if (!options.pinned.empty()
                    && std::find(options.pinned.begin(), options.pinned.end(), f->trace) != options.pinned.end())
                    mark(f, MarkPinned);
            }
        }
        for (const Marked &m : marked) {
            const Found *f = m.found;
            LaneSpec own;
            own.kind = kind;
            own.trace = f->trace;
            own.hops = f->hops;
            own.anchor = f->anchor;
            own.marks = m.marks;
            if (f->errors)
                own.marks |= MarkError;
            unit.surfaced.push_back(std::move(own));
        }
        std::sort(unit.surfaced.begin(), unit.surfaced.end(),
                  [](const LaneSpec &a, const LaneSpec &b) { return std::tie(a.anchor, a.trace) < std::tie(b.anchor, b.trace); });
        if (hops <= 1) {
            unit.parent = focus;
        } else {
            // By start time, as the members are listed: ties go the same way every time.
            std::unordered_map<uint32_t, uint32_t> votes;
            uint32_t best = 0;
            for (const MemberKey &m : order) {
                const uint32_t parent = parentOf(*members[m.index & ~MemberKey::kFailed], kind == LaneKind::Upstream);
                const uint32_t n = ++votes[parent];
                if (n > best || (n == best && parent < unit.parent)) {
                    best = n;
                    unit.parent = parent;
                }
            }
        }
        return unit;
    };

    std::vector<int> unitOfTrace(model.traces.size(), -1); // scratch of unitsOf, left all -1
    auto unitsOf = [&](const std::vector<Found> &all, LaneKind kind) {
        std::vector<Unit> units;
        // Look-alikes: same hop, service and root span name.
        std::map<std::tuple<uint32_t, StringId, StringId>, std::vector<const Found *>> byLook;
        for (const Found &f : all)
            byLook[{f.hops, f.service, f.name}].push_back(&f);
        std::vector<const Found *> singles;
        for (auto &[key, members] : byLook) {
            if (members.size() >= options.groupMin)
                units.push_back(makeGroup(kind, std::get<0>(key), std::get<1>(key), std::get<2>(key), members));
            else
                singles.insert(singles.end(), members.begin(), members.end());
        }
        if (singles.size() > options.maxLanes) {
            // Too many that differ: group them by service, then what is left by hop.
            std::map<std::pair<uint32_t, StringId>, std::vector<const Found *>> byService;
            for (const Found *f : singles)
                byService[{f->hops, f->service}].push_back(f);
            singles.clear();
            for (auto &[key, members] : byService) {
                if (members.size() >= 2)
                    units.push_back(makeGroup(kind, key.first, key.second, 0, members));
                else
                    singles.push_back(members.front());
            }
            if (singles.size() > options.maxLanes) {
                std::map<uint32_t, std::vector<const Found *>> byHop;
                for (const Found *f : singles)
                    byHop[f->hops].push_back(f);
                singles.clear();
                for (auto &[hops, members] : byHop)
                    units.push_back(makeGroup(kind, hops, 0, 0, members));
            }
        }
        for (const Found *f : singles) {
            Unit unit;
            unit.parent = parentOf(*f, kind == LaneKind::Upstream);
            unit.lane.kind = kind;
            unit.lane.trace = f->trace;
            unit.lane.hops = f->hops;
            unit.lane.anchor = f->anchor;
            units.push_back(std::move(unit));
        }
        // Each unit hangs from the lane one hop nearer the focus that reached
        // it, and sits right beyond it, before that lane's later siblings: an
        // edge then passes only over lanes of its own subtree, never over an
        // unrelated one (in plain hop bands a 2-hop edge would cross every
        // other 1-hop lane). Siblings go by link anchor time, so edges from
        // one lane fan out instead of crossing. Upstream mirrors it: the
        // nearest causes sit just above the focus.
        const bool upstream = kind == LaneKind::Upstream;
        for (size_t u = 0; u < units.size(); ++u) {
            const LaneSpec &lane = units[u].lane;
            if (lane.isGroup())
                for (uint32_t m : lane.members)
                    unitOfTrace[m] = int(u);
            else
                unitOfTrace[lane.trace] = int(u);
        }
        const size_t root = units.size();
        std::vector<std::vector<size_t>> children(units.size() + 1);
        for (size_t u = 0; u < units.size(); ++u) {
            const int p = units[u].parent != kNone ? unitOfTrace[units[u].parent] : -1;
            const bool nearer = p >= 0 && units[size_t(p)].lane.hops < units[u].lane.hops;
            children[nearer ? size_t(p) : root].push_back(u);
        }
        auto firstTrace = [&](size_t u) { return units[u].lane.isGroup() ? units[u].lane.members.front() : units[u].lane.trace; };
        for (auto &kids : children)
            std::sort(kids.begin(), kids.end(), [&](size_t a, size_t b) {
                const auto ka = std::make_tuple(units[a].lane.anchor, firstTrace(a));
                const auto kb = std::make_tuple(units[b].lane.anchor, firstTrace(b));
                return upstream ? kb < ka : ka < kb;
            });
        std::vector<size_t> order;
        order.reserve(units.size());
        std::vector<size_t> stack(children[root].rbegin(), children[root].rend());
        while (!stack.empty()) {
            const size_t u = stack.back();
            stack.pop_back();
            order.push_back(u);
            stack.insert(stack.end(), children[u].rbegin(), children[u].rend());
        }
        if (upstream)
            std::reverse(order.begin(), order.end());
        for (size_t u = 0; u < units.size(); ++u) {
            const LaneSpec &lane = units[u].lane;
            if (lane.isGroup())
                for (uint32_t m : lane.members)
                    unitOfTrace[m] = -1;
            else
                unitOfTrace[lane.trace] = -1;
        }
        std::vector<Unit> sorted;
        sorted.reserve(units.size());
        for (size_t u : order)
            sorted.push_back(std::move(units[u]));
        return sorted;
    };

    auto place = [&](std::vector<Unit> units) {
        for (Unit &unit : units) {
            const int index = int(out.lanes.size());
            out.lanes.push_back(std::move(unit.lane));
            for (LaneSpec &own : unit.surfaced) {
                own.group = index;
                out.lanes.push_back(std::move(own));
            }
        }
    };
    place(unitsOf(reached[0], LaneKind::Upstream));
    LaneSpec focusLane;
    focusLane.kind = LaneKind::Focus;
    focusLane.trace = focus;
    focusLane.anchor = model.traces[focus].start;
    out.focusLane = int(out.lanes.size());
    out.lanes.push_back(std::move(focusLane));
    place(unitsOf(reached[1], LaneKind::Downstream));

    for (int i = 0; i < int(out.lanes.size()); ++i) {
        const LaneSpec &lane = out.lanes[i];
        if (lane.isGroup()) {
            for (uint32_t m : lane.members) {
                out.groupOf[m] = i;
                if (out.laneOf[m] < 0)
                    out.laneOf[m] = i;
            }
        }
    }
    for (int i = 0; i < int(out.lanes.size()); ++i)
        if (!out.lanes[i].isGroup())
            out.laneOf[out.lanes[i].trace] = i;

    // Edges: every link between the traces of two lanes, one bundle per pair
    // of lanes. Each link is found once, from an own lane where it has one:
    // an own lane's outgoing links, and its incoming links from group
    // members (the incoming index, so a group of 100,000 is not walked span
    // by span). Only links between two groups need their members' spans.
    std::unordered_map<uint64_t, size_t> bundleOf;
    uint64_t lastKey = UINT64_MAX;
    size_t lastBundle = 0;
    // What placing a bundle's ends needs, gathered while its links are
    // read anyway: the earliest linking span from its linking lane, and at
    // a group end every link's start there (for the median).
    struct Ends
    {
        uint32_t first = kNone;
        uint64_t firstStart = 0;
        std::vector<uint64_t> starts[2]; // at the linking / the target end, when that end is a group
    };
    std::vector<Ends> ends;
    auto add = [&](int from, int to, uint32_t l) {
        const uint64_t key = uint64_t(std::min(from, to)) << 32 | uint32_t(std::max(from, to));
        if (key != lastKey) {
            // Neighbouring links mostly share a bundle: hash only on a change.
            auto [it, inserted] = bundleOf.try_emplace(key, out.edges.size());
            if (inserted) {
                out.edges.push_back(LaneLinkBundle::between(from, to));
                ends.emplace_back();
            }
            lastKey = key;
            lastBundle = it->second;
        }
        LaneLinkBundle &b = out.edges[lastBundle];
        Ends &e = ends[lastBundle];
        b.links.push_back(l);
        const Link &link = model.links[l];
        const uint64_t fromStart = model.hot[link.from].start, targetStart = model.hot[link.target].start;
        const int64_t lag = int64_t(fromStart - targetStart); // linkLag()
        b.lagMin = std::min(b.lagMin, lag);
        b.lagMax = std::max(b.lagMax, lag);
        // `from` is the lane of the linking span's trace: a link the other
        // way round in a cycle does not place the linking end.
        if (from == b.fromLane && (e.first == kNone || fromStart < e.firstStart)) {
            e.first = l;
            e.firstStart = fromStart;
        }
        if (out.lanes[b.fromLane].isGroup())
            e.starts[0].push_back(fromStart);
        if (out.lanes[b.toLane].isGroup())
            e.starts[1].push_back(targetStart);
    };
    auto outgoing = [&](int li, uint32_t t, bool toGroupsOnly) {
        forEachUpstream(model, t, kNone, [&](uint32_t target, uint32_t l) {
            const int lj = out.laneOf[target];
            if (lj >= 0 && lj != li && (!toGroupsOnly || out.lanes[lj].isGroup()))
                add(li, lj, l);
        });
    };
    auto incomingFromGroups = [&](int li, uint32_t t) {
        forEachDownstream(model, t, kNone, [&](uint32_t from, uint32_t l) {
            const int lj = out.laneOf[from];
            if (lj >= 0 && lj != li && out.lanes[lj].isGroup())
                add(lj, li, l);
        });
    };
    const auto groups = size_t(std::count_if(out.lanes.begin(), out.lanes.end(), [](const LaneSpec &l) { return l.isGroup(); }));
    for (int li = 0; li < int(out.lanes.size()); ++li) {
        const LaneSpec &lane = out.lanes[li];
        if (lane.isGroup())
            continue;
        outgoing(li, lane.trace, false);
        // Without groups there is nothing to find there: a consumer focused
        // next to a producer of 100,000 links does not walk them all.
        if (groups)
            incomingFromGroups(li, lane.trace);
    }
    for (int li = 0; groups > 1 && li < int(out.lanes.size()); ++li) {
        const LaneSpec &lane = out.lanes[li];
        if (!lane.isGroup())
            continue;
        for (uint32_t m : out.groupedMembersInModelOrder(li))
            outgoing(li, m, true);
    }
    // Where each bundle's ends sit: at an own lane the earliest linking span
    // (and its target); at a group the median, so the bundle meets its crowd.
    for (size_t k = 0; k < out.edges.size(); ++k) {
        LaneLinkBundle &b = out.edges[k];
        Ends &e = ends[k];
        const uint32_t first = e.first != kNone ? e.first : b.links.front();
        auto endTime = [&](bool from) {
            const LaneSpec &lane = out.lanes[from ? b.fromLane : b.toLane];
            if (!lane.isGroup())
                return model.hot[from ? model.links[first].from : model.links[first].target].start;
            std::vector<uint64_t> &starts = e.starts[from ? 0 : 1];
            std::nth_element(starts.begin(), starts.begin() + long(starts.size() / 2), starts.end());
            return starts[starts.size() / 2];
        };
        b.fromSpan = out.lanes[b.fromLane].isGroup() ? kNone : model.links[first].from;
        b.toSpan = out.lanes[b.toLane].isGroup() ? kNone : model.links[first].target;
        b.fromTime = endTime(true);
        b.toTime = endTime(false);
    }
    return out;
}

std::vector<LaneMember> laneMembers(const Model &model, const LanesSelection &selection, int lane)
{
    std::vector<LaneMember> out;
    if (lane < 0 || lane >= int(selection.lanes.size()) || !selection.lanes[lane].isGroup())
        return out;
    const LaneSpec &group = selection.lanes[lane];
    const bool upstream = group.kind == LaneKind::Upstream;
    const ChainResult reach = chain(model, {selection.focus, kNone},
                                    {upstream ? Direction::Upstream : Direction::Downstream, selection.options.depth, false});
    std::unordered_map<uint32_t, size_t> indexOf;
    indexOf.reserve(reach.traces.size());
    for (size_t i = 0; i < reach.traces.size(); ++i)
        indexOf.emplace(reach.traces[i], i);
    out.reserve(group.members.size());
    for (uint32_t m : group.members) {
        LaneMember row;
        row.trace = m;
        const Trace &t = model.traces[m];
        row.start = signedDiff(t.start, selection.origin);
        row.duration = t.duration();
        row.errors = t.errorCount;
        auto it = indexOf.find(m);
        if (it != indexOf.end()) {
            row.hops = reach.hops[it->second];
            row.link = reach.via[it->second];
        }
        if (row.link != kNone) {
            row.linkingSpan = model.links[row.link].from;
            row.linkedSpan = model.links[row.link].target;
            row.lag = linkLag(model, row.link);
        }
        out.push_back(row);
    }
    return out;
}

namespace {

// Calls f(attribute) for the attributes of the member's link, then its
// linking span, then its linked span.
template<typename F>
void forEachMemberAttribute(const Model &model, const LaneMember &member, F &&f)
{
    if (member.link == kNone)
        return;
    for (const Range r : {model.links[member.link].attributes, model.cold[member.linkingSpan].attributes,
                          model.cold[member.linkedSpan].attributes})
        for (uint32_t a = r.first; a < r.end(); ++a)
            if (f(model.attributes[a]))
                return;
}

} // namespace

std::vector<std::string> memberAttributeKeys(const Model &model, const std::vector<LaneMember> &members, size_t sample)
{
    std::map<std::string, std::set<std::string>> values;
    const size_t step = std::max<size_t>(1, members.size() / std::max<size_t>(1, sample));
    for (size_t i = 0; i < members.size(); i += step) {
        forEachMemberAttribute(model, members[i], [&](const Attribute &a) {
            auto &set = values[std::string(model.str(a.key))];
            if (set.size() < 1000)
                set.insert(valueText(model, a.value));
            return false;
        });
    }
    std::vector<std::pair<size_t, std::string>> ranked;
    for (auto &[key, set] : values)
        ranked.emplace_back(set.size(), key);
    std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> out;
    for (auto &[n, key] : ranked)
        out.push_back(std::move(key));
    return out;
}

std::string memberAttribute(const Model &model, const LaneMember &member, std::string_view key)
{
    std::string out;
    forEachMemberAttribute(model, member, [&](const Attribute &a) {
        if (model.str(a.key) != key)
            return false;
        out = valueText(model, a.value);
        return true;
    });
    return out;
}

MemberFilter::MemberFilter(std::string_view text)
{
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
            ++i;
        size_t j = i;
        while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])))
            ++j;
        if (j > i) {
            const std::string_view word = text.substr(i, j - i);
            Term term;
            const size_t eq = word.find('=');
            if (eq != std::string_view::npos && eq > 0) {
                term.pair = true;
                term.key = std::string(word.substr(0, eq));
                term.value = lower(word.substr(eq + 1));
            } else {
                term.value = lower(word);
                term.hex = isHex(word);
                term.errors = term.value == "error" || term.value == "errors";
            }
            m_terms.push_back(std::move(term));
        }
        i = j;
    }
}

bool MemberFilter::matches(const Model &model, const LaneMember &member) const
{
    const Trace &t = model.traces[member.trace];
    for (const Term &term : m_terms) {
        if (term.pair) {
            bool found = false;
            forEachMemberAttribute(model, member, [&](const Attribute &a) {
                if (model.str(a.key) != term.key)
                    return false;
                found = lower(valueText(model, a.value)).starts_with(term.value);
                return found;
            });
            if (!found)
                return false;
            continue;
        }
        if (term.errors && member.errors)
            continue;
        if (term.hex && t.id.hex().starts_with(term.value))
            continue;
        bool named = false;
        if (t.root != kNone) {
            named = lower(model.str(model.hot[t.root].name)).find(term.value) != std::string::npos
                || lower(model.str(model.hot[t.root].service)).find(term.value) != std::string::npos;
        }
        if (!named)
            return false;
    }
    return true;
}

} // namespace causeway
