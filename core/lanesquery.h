#pragma once
// Which linked traces the lanes view shows around a focus trace, and how.
//
// The traces one or more link hops away (core's chain() walk, per direction)
// are grouped by look: in each direction and hop, traces whose root span has
// the same service and name form one group lane when there are more than a
// few of them. Traces that differ (a retry, a dead-letter handler, a
// compensation) keep lanes of their own. Inside a group the members worth a
// look surface as lanes next to it: failed ones, the slowest, the trace the
// user came from and the ones the user pinned. Each lane sits just beyond
// the lane one hop nearer the focus that it hangs from (a tree laid out
// depth first), siblings ordered by the time of the link that ties them to
// the chain: edges fan out instead of crossing, and pass over no lane they
// have nothing to do with. Edges are bundled to at most one per pair of lanes.
//
// Plain C++ (no Qt): the GUI, the exporter and the tests share it.

#include "core/model.h"
#include "core/sharedarray.h"

#include <string>
#include <string_view>
#include <vector>

namespace causeway {

enum class LaneKind : uint8_t { Focus, Upstream, Downstream };

// Why a member of a group has a lane of its own (bits).
enum LaneMark : uint8_t {
    MarkNone = 0,
    MarkError = 1,     // it failed
    MarkSlowest = 2,   // the longest of its group
    MarkCameFrom = 4,  // the trace the user navigated here from
    MarkPinned = 8,    // pinned from the members list
};

// min / median / p95 / max of a group's member durations or link lags (ns).
struct Spread
{
    int64_t min = 0, median = 0, p95 = 0, max = 0;
};

struct LaneSpec
{
    LaneKind kind = LaneKind::Focus;
    uint32_t trace = kNone;          // kNone for a group lane
    uint32_t hops = 0;               // link hops from the focus
    uint64_t anchor = 0;             // when the link tying it to the chain starts (its own side)
    uint8_t marks = MarkNone;        // a group member with a lane of its own: why
    int group = -1;                  // that member's group lane

    // Group lanes.
    StringId service = 0, rootName = 0; // what the members look like
    // Shared, not copied, between selections made from one summary
    // (core/lanessummary.h): a group of 100,000 costs nothing to hand out.
    SharedArray<uint32_t> members;   // by start time, the surfaced ones included
    SharedArray<uint64_t> memberStarts; // their start times, in the same order (sorted)
    std::vector<uint32_t> errorMembers; // members with a failed span, by start time
    uint32_t errorSpans = 0;
    uint64_t memberStart = 0, memberEnd = 0;
    Spread duration, lag;
    // The members' time coverage, merged: what the time axis has to show.
    SharedArray<std::pair<uint64_t, uint64_t>> coverage;

    bool isGroup() const { return trace == kNone; }
};

// One bundled edge between two lanes: every link between their traces.
struct LaneLinkBundle
{
    int fromLane = -1;               // the lane holding the linking spans (the effect)
    int toLane = -1;                 // the lane holding the targets (the cause)
    std::vector<uint32_t> links;     // indices into Model::links
    uint32_t fromSpan = kNone;       // the earliest linking span (kNone at a group end)
    uint32_t toSpan = kNone;         // its target (kNone at a group end)
    uint64_t fromTime = 0, toTime = 0; // where the ends sit on the time axis
    int64_t lagMin = 0, lagMax = 0;  // target start -> linking span start

    // An empty bundle between two lanes whose lag range takes the first link's.
    static LaneLinkBundle between(int from, int to)
    {
        LaneLinkBundle b;
        b.fromLane = from;
        b.toLane = to;
        b.lagMin = INT64_MAX;
        b.lagMax = INT64_MIN;
        return b;
    }
};

struct LanesQueryOptions
{
    uint32_t depth = 1;              // link hops in each direction
    uint32_t groupMin = 4;           // look-alikes that form a group lane
    uint32_t maxLanes = 14;          // own lanes per direction before look-alikes group more loosely
    uint32_t surfacedErrors = 3;     // failed members per group that get lanes of their own
    uint32_t cameFrom = kNone;       // the trace the user came from: surfaced and marked
    std::vector<uint32_t> pinned {}; // members the user pinned as lanes of their own
};

struct LanesSelection
{
    uint32_t focus = kNone;
    uint64_t origin = 0;             // the focus trace's start
    LanesQueryOptions options;
    std::vector<LaneSpec> lanes;     // top to bottom
    int focusLane = -1;
    std::vector<LaneLinkBundle> edges;
    std::vector<int> laneOf;         // per model trace: its own lane, else its group's, else -1
    std::vector<int> groupOf;        // per model trace: its group lane, or -1

    int laneOfTrace(uint32_t trace) const { return trace < laneOf.size() ? laneOf[trace] : -1; }
    int laneCount(LaneKind kind) const;
    // The members of group lane `lane` that have no lane of their own, in
    // model order: the spans and links of neighbouring traces sit together
    // in memory, so walking their links in this order reads memory in turn.
    std::vector<uint32_t> groupedMembersInModelOrder(int lane) const;
};

LanesSelection selectLanes(const Model &model, uint32_t focus, const LanesQueryOptions &options = {});

// One row of a group's members list.
struct LaneMember
{
    uint32_t trace = kNone;
    uint32_t hops = 0;
    uint32_t link = kNone;           // the link that ties it to the chain
    uint32_t linkingSpan = kNone;    // that link's two ends
    uint32_t linkedSpan = kNone;
    int64_t start = 0;               // offset from the focus trace's start
    uint64_t duration = 0;
    int64_t lag = 0;                 // target start -> linking span start
    uint32_t errors = 0;             // failed spans
};

std::vector<LaneMember> laneMembers(const Model &model, const LanesSelection &selection, int lane);

// The attribute keys on the members' linking and linked spans and links, the
// ones whose values tell members apart first (most distinct values).
std::vector<std::string> memberAttributeKeys(const Model &model, const std::vector<LaneMember> &members,
                                             size_t sample = 2000);
// The value of `key` on the member's link, linking span or linked span
// (first found), as text; empty when none has it.
std::string memberAttribute(const Model &model, const LaneMember &member, std::string_view key);

// The members list's filter. Words separated by spaces must all match:
// "key=value" matches an attribute of the linking or linked span or of the
// link (value as a prefix; "key=" any value); a word of hex digits matches a
// trace id prefix; "error" / "errors" matches failed members; any other word
// matches the root span or service name (case-insensitive, substring).
class MemberFilter
{
public:
    MemberFilter() = default;
    explicit MemberFilter(std::string_view text);
    bool empty() const { return m_terms.empty(); }
    bool matches(const Model &model, const LaneMember &member) const;

private:
    struct Term
    {
        std::string key, value;      // key empty: a plain word in value
        bool pair = false;
        bool hex = false;
        bool errors = false;
    };
    std::vector<Term> m_terms;
};

} // namespace causeway
