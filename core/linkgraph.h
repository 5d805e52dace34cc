#pragma once
// The causal graph that span links make between traces, and the questions
// people ask of it.
//
// A link stored on span S (in trace A) that points to span T (in trace B)
// says T caused S. Upstream of a trace: follow links outgoing (from the
// linking span's trace to the target's trace). Downstream: follow them
// backwards (from a target's trace to the traces whose spans link into it).
// Unresolved targets are not traces; cycles, links inside one trace and
// self-links never loop.

#include "core/model.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace causeway {

enum class Direction { Upstream, Downstream, Both };

// "TRACEID" or "TRACEID/SPANID" resolved against a model.
struct Reference
{
    uint32_t trace = kNone;
    uint32_t span = kNone;   // kNone for a whole-trace reference
};

// Each part may be any unique prefix of a loaded id (the views show 8-digit
// short ids). Fails with a clear message for malformed hex, ids that are not
// loaded and prefixes that more than one loaded id starts with.
bool resolveReference(const Model &model, std::string_view text, Reference &out, std::string &error);

struct ChainOptions
{
    Direction direction = Direction::Both;
    uint32_t maxDepth = UINT32_MAX;  // hops; 0 gives only the start trace
    bool sortById = true;            // false: in the order reached (cheaper for 100,000 traces)
};

struct ChainResult
{
    std::vector<uint32_t> traces;    // trace indices reached, including the start, sorted by trace id (or as reached)
    std::vector<uint32_t> hops;      // hops[i]: fewest hops from the start to traces[i]
    std::vector<uint32_t> via;       // via[i]: the link that first reached traces[i] (kNone for the start)
};

// For a span reference the first hop uses only links into or out of that
// span; later hops use any span of the traces reached.
ChainResult chain(const Model &model, const Reference &start, const ChainOptions &options = {});

// Spans with status ERROR in the traces downstream of `start`, excluding the
// start trace itself, sorted by trace id then span id.
std::vector<uint32_t> errorsDownstream(const Model &model, const Reference &start, uint32_t maxDepth = UINT32_MAX);
// The same in the traces `direction` of `start` (errorsDownstream is
// Direction::Downstream): a batch's failed items are upstream of it, in
// the traces it links to.
std::vector<uint32_t> errorsAlong(const Model &model, const Reference &start, Direction direction,
                                  uint32_t maxDepth = UINT32_MAX);

// The lag of a resolved link, in nanoseconds: the linking span's start minus
// the target span's start. This is the one definition every view and command
// uses (README, "Lag"). It is signed: when clocks disagree and a consumer
// appears to start before its producer, the lag is negative and shown as such,
// never clamped to zero nor dropped.
int64_t linkLag(const Model &model, uint32_t link);

// The lag distribution of a set of resolved links. Percentiles are nearest
// rank: the p-th is the smallest lag with at least p% of the links at or below
// it (sorted[ceil(p / 100 * n) - 1]).
struct LagDistribution
{
    uint32_t count = 0;
    int64_t min = 0, p50 = 0, p95 = 0, p99 = 0, max = 0;
};
LagDistribution lagDistribution(const Model &model, const std::vector<uint32_t> &links);
// The same over lags already computed; sorts `lags` in place.
LagDistribution lagDistributionOf(std::vector<int64_t> &lags);

// All links from spans of `effect` to spans of `cause`, aggregated.
struct TraceEdge
{
    uint32_t cause = kNone;          // trace holding the link targets (producer, failed attempt, item)
    uint32_t effect = kNone;         // trace holding the linking spans (consumer, retry, batch)
    std::vector<uint32_t> links;     // indices into Model::links
    // Lag from target span start to linking span start, nanoseconds (may be negative).
    int64_t lagMin = 0, lagMedian = 0, lagMax = 0;
    // Most common link attribute values, e.g. {"messaging.destination.name", "orders", 12}.
    struct AttributeCount { std::string key, value; uint32_t count = 0; };
    std::vector<AttributeCount> attributeSummary;
};

// Every trace-to-trace edge in the model (links inside one trace excluded).
std::vector<TraceEdge> traceEdges(const Model &model);

// The neighbourhood of a trace, ready to lay out.
struct GraphOptions
{
    uint32_t depth = 2;              // hops from the centre, both directions; ignored for the whole model
    uint32_t nodeCap = 500;          // at most this many nodes; beyond, `truncated` is set
    uint32_t groupThreshold = 25;    // siblings of one fan-out beyond this collapse into a group node
    std::vector<uint32_t> expandedGroups = {}; // group keys (GraphNode::groupKey) shown member by member
    // Around a trace (not the whole model): links from the graph's traces to
    // traces that are not loaded end at a "not loaded" node per target trace,
    // at most this many, so a click can fetch it from a backend. 0: none.
    uint32_t unresolvedCap = 0;
};

struct GraphNode
{
    uint32_t trace = kNone;          // the trace, or kNone for a group node
    uint32_t hops = 0;               // distance from the centre
    // Group nodes: the collapsed traces and a key that stays stable across rebuilds.
    std::vector<uint32_t> members;
    uint32_t groupKey = kNone;
    // The user expanded the group: it shows its members one by one, compactly
    // as one block node, and their own links are followed on the next hop.
    bool expanded = false;
    // A link target whose trace is not loaded: its id, and no trace.
    bool notLoaded = false;
    TraceId missing;
    bool isGroup() const { return trace == kNone && !notLoaded; }
};

struct GraphEdge
{
    uint32_t from = 0, to = 0;       // node indices, cause -> effect
    uint32_t linkCount = 0;
    int64_t lagMedian = 0;
    int64_t lagMin = 0, lagMax = 0;
    std::vector<uint32_t> links;     // indices into Model::links (all of them, also for groups)
};

struct TraceGraph
{
    std::vector<GraphNode> nodes;
    std::vector<GraphEdge> edges;
    uint32_t centre = kNone;         // node index of the centre trace, kNone for the whole model
    bool truncated = false;          // the node cap was reached
    uint32_t unresolvedDropped = 0;  // not-loaded targets beyond GraphOptions::unresolvedCap
};

// centreTrace == kNone: the whole model.
TraceGraph buildTraceGraph(const Model &model, uint32_t centreTrace, const GraphOptions &options = {});

} // namespace causeway
