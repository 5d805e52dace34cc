#include "core/linkgraph.h"

#include "core/jsonexport.h"
#include "core/tracelinks.h"

#include <algorithm>
#include <unordered_map>

namespace causeway {

namespace {

// The attribute summary of an edge keeps only the few most common pairs: an
// edge of 10,000 links with a unique message id each must not carry 10,000.
constexpr size_t kAttributeSummaryLimit = 5;

struct LagStats
{
    int64_t min = 0, median = 0, max = 0;
};

LagStats lagStats(const Model &model, const std::vector<uint32_t> &links, std::vector<int64_t> &scratch)
{
    LagStats out;
    if (links.empty())
        return out;
    scratch.clear();
    scratch.reserve(links.size());
    for (uint32_t l : links)
        scratch.push_back(linkLag(model, l));
    std::sort(scratch.begin(), scratch.end());
    const size_t n = scratch.size();
    out.min = scratch.front();
    out.max = scratch.back();
    if (n % 2)
        out.median = scratch[n / 2];
    else
        out.median = scratch[n / 2 - 1] + (scratch[n / 2] - scratch[n / 2 - 1]) / 2;
    return out;
}

std::string attributeValueText(const Model &model, const Value &v)
{
    switch (v.type) {
    case ValueType::Empty: return {};
    case ValueType::String: return std::string(model.str(v.str));
    case ValueType::Bool: return v.b ? "true" : "false";
    case ValueType::Int: return std::to_string(v.i);
    case ValueType::Bytes: return base64Encode(model.str(v.str));
    case ValueType::Double:
    case ValueType::Array:
    case ValueType::KvList: return valueToJson(model, v).dump();
    }
    return {};
}

std::vector<TraceEdge::AttributeCount> attributeSummary(const Model &model, const std::vector<uint32_t> &links)
{
    // Keyed by "key\0value" so one map serves any value type.
    std::unordered_map<std::string, uint32_t> counts;
    std::string key;
    for (uint32_t l : links) {
        const Range r = model.links[l].attributes;
        for (uint32_t a = r.first; a < r.end(); ++a) {
            const Attribute &attr = model.attributes[a];
            key.assign(model.str(attr.key));
            key.push_back('\0');
            key += attributeValueText(model, attr.value);
            ++counts[key];
        }
    }
    std::vector<TraceEdge::AttributeCount> out;
    out.reserve(counts.size());
    for (const auto &[k, n] : counts) {
        const auto zero = k.find('\0');
        out.push_back({k.substr(0, zero), k.substr(zero + 1), n});
    }
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) {
        if (a.count != b.count)
            return a.count > b.count;
        return a.key != b.key ? a.key < b.key : a.value < b.value;
    });
    if (out.size() > kAttributeSummaryLimit)
        out.resize(kAttributeSummaryLimit);
    return out;
}

} // namespace

int64_t linkLag(const Model &model, uint32_t link)
{
    const Link &l = model.links[link];
    // Unsigned difference converted back: C++20 makes this modular, so a
    // linking span that starts before its target gives a negative lag.
    return int64_t(model.hot[l.from].start - model.hot[l.target].start);
}

LagDistribution lagDistributionOf(std::vector<int64_t> &lags)
{
    LagDistribution out;
    if (lags.empty())
        return out;
    std::sort(lags.begin(), lags.end());
    const size_t n = lags.size();
    auto rank = [&](unsigned percent) {
        // ceil(percent * n / 100) in integers, at least 1.
        const size_t r = std::max<size_t>(1, (size_t(percent) * n + 99) / 100);
        return lags[r - 1];
    };
    out.count = uint32_t(n);
    out.min = lags.front();
    out.max = lags.back();
    out.p50 = rank(50);
    out.p95 = rank(95);
    out.p99 = rank(99);
    return out;
}

LagDistribution lagDistribution(const Model &model, const std::vector<uint32_t> &links)
{
    std::vector<int64_t> lags;
    lags.reserve(links.size());
    for (uint32_t l : links)
        if (model.links[l].resolved())
            lags.push_back(linkLag(model, l));
    return lagDistributionOf(lags);
}

bool resolveReference(const Model &model, std::string_view text, Reference &out, std::string &error)
{
    out = {};
    ReferencePattern pattern;
    if (!parseReferencePattern(text, pattern, &error))
        return false;
    // Up to a few matches are named when a prefix is ambiguous.
    constexpr size_t kNamed = 4;
    auto ambiguous = [&](const char *what, const std::string &prefix, size_t n, const std::vector<std::string> &examples) {
        error = std::string(what) + " id prefix '" + prefix + "' is ambiguous: " + std::to_string(n) + " loaded "
            + what + "s start with it (";
        for (size_t i = 0; i < examples.size(); ++i)
            error += (i ? ", " : "") + examples[i];
        error += n > examples.size() ? ", ...); type more digits" : "); type more digits";
        return false;
    };

    if (pattern.trace.size() == 32) {
        TraceId id;
        parseId(pattern.trace, id);
        out.trace = model.findTrace(id);
        if (out.trace == kNone) {
            error = "trace " + pattern.trace + " is not loaded";
            return false;
        }
    } else {
        size_t matches = 0;
        std::vector<std::string> examples;
        for (uint32_t t = 0; t < model.traces.size(); ++t) {
            if (!hasHexPrefix(model.traces[t].id, pattern.trace))
                continue;
            if (++matches == 1)
                out.trace = t;
            if (examples.size() < kNamed)
                examples.push_back(model.traces[t].id.hex().substr(0, std::max<size_t>(8, pattern.trace.size() + 2)));
        }
        if (matches == 0) {
            error = "no loaded trace id starts with '" + pattern.trace + "'";
            return false;
        }
        if (matches > 1) {
            out = {};
            return ambiguous("trace", pattern.trace, matches, examples);
        }
    }
    if (!pattern.hasSpan)
        return true;

    const TraceId &traceId = model.traces[out.trace].id;
    if (pattern.span.size() == 16) {
        SpanId id;
        parseId(pattern.span, id);
        out.span = model.findSpan(traceId, id);
        if (out.span == kNone) {
            error = "span " + traceId.hex() + "/" + pattern.span + " is not loaded";
            out = {};
            return false;
        }
        return true;
    }
    size_t matches = 0;
    std::vector<std::string> examples;
    const Range spans = model.traces[out.trace].spans;
    for (uint32_t i = spans.first; i < spans.end(); ++i) {
        const uint32_t s = model.traceSpans[i];
        if (!hasHexPrefix(model.cold[s].spanId, pattern.span))
            continue;
        if (++matches == 1)
            out.span = s;
        if (examples.size() < kNamed)
            examples.push_back(model.cold[s].spanId.hex());
    }
    if (matches == 1)
        return true;
    const uint32_t trace = out.trace;
    out = {};
    if (matches == 0) {
        error = "no span of trace " + model.traces[trace].id.hex() + " has an id starting with '" + pattern.span + "'";
        return false;
    }
    return ambiguous("span", pattern.span, matches, examples);
}

ChainResult chain(const Model &model, const Reference &start, const ChainOptions &options)
{
    ChainResult result;
    if (start.trace >= model.traces.size())
        return result;
    const bool up = options.direction != Direction::Downstream;
    const bool down = options.direction != Direction::Upstream;

    std::vector<uint32_t> hops(model.traces.size(), kNone);
    std::vector<uint32_t> via(model.traces.size(), kNone);
    std::vector<uint32_t> reached{start.trace};
    std::vector<uint32_t> frontier{start.trace}, next;
    hops[start.trace] = 0;
    for (uint32_t depth = 0; depth < options.maxDepth && !frontier.empty(); ++depth) {
        next.clear();
        auto visit = [&](uint32_t trace, uint32_t link) {
            if (hops[trace] != kNone)
                return;
            hops[trace] = depth + 1;
            via[trace] = link;
            next.push_back(trace);
            reached.push_back(trace);
        };
        const uint32_t onlySpan = depth == 0 ? start.span : kNone;
        for (uint32_t t : frontier) {
            if (up)
                forEachUpstream(model, t, onlySpan, visit);
            if (down)
                forEachDownstream(model, t, onlySpan, visit);
        }
        frontier.swap(next);
    }

    if (options.sortById)
        std::sort(reached.begin(), reached.end(),
                  [&](uint32_t a, uint32_t b) { return model.traces[a].id < model.traces[b].id; });
    result.hops.reserve(reached.size());
    result.via.reserve(reached.size());
    for (uint32_t t : reached) {
        result.hops.push_back(hops[t]);
        result.via.push_back(via[t]);
    }
    result.traces = std::move(reached);
    return result;
}

std::vector<uint32_t> errorsDownstream(const Model &model, const Reference &start, uint32_t maxDepth)
{
    return errorsAlong(model, start, Direction::Downstream, maxDepth);
}

std::vector<uint32_t> errorsAlong(const Model &model, const Reference &start, Direction direction, uint32_t maxDepth)
{
    std::vector<uint32_t> out;
    const ChainResult reached = chain(model, start, {direction, maxDepth});
    for (uint32_t t : reached.traces) {
        if (t == start.trace)
            continue;
        const Range spans = model.traces[t].spans;
        for (uint32_t i = spans.first; i < spans.end(); ++i)
            if (model.hot[model.traceSpans[i]].status == StatusCode::Error)
                out.push_back(model.traceSpans[i]);
    }
    std::sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) {
        const SpanCold &x = model.cold[a], &y = model.cold[b];
        return x.traceId != y.traceId ? x.traceId < y.traceId : x.spanId < y.spanId;
    });
    return out;
}

std::vector<TraceEdge> traceEdges(const Model &model)
{
    // (cause << 32 | effect, link): sorting groups each edge's links together.
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    for (uint32_t l = 0; l < model.links.size(); ++l) {
        const Link &link = model.links[l];
        if (!link.resolved())
            continue;
        const uint32_t effect = model.hot[link.from].trace;
        const uint32_t cause = model.hot[link.target].trace;
        if (effect != cause)
            keyed.emplace_back(uint64_t(cause) << 32 | effect, l);
    }
    std::sort(keyed.begin(), keyed.end());

    std::vector<TraceEdge> edges;
    std::vector<int64_t> scratch;
    for (size_t i = 0; i < keyed.size();) {
        TraceEdge e;
        e.cause = uint32_t(keyed[i].first >> 32);
        e.effect = uint32_t(keyed[i].first);
        size_t j = i;
        for (; j < keyed.size() && keyed[j].first == keyed[i].first; ++j)
            e.links.push_back(keyed[j].second);
        const LagStats lag = lagStats(model, e.links, scratch);
        e.lagMin = lag.min;
        e.lagMedian = lag.median;
        e.lagMax = lag.max;
        e.attributeSummary = attributeSummary(model, e.links);
        edges.push_back(std::move(e));
        i = j;
    }
    return edges;
}

TraceGraph buildTraceGraph(const Model &model, uint32_t centreTrace, const GraphOptions &options)
{
    TraceGraph graph;
    const auto traceCount = uint32_t(model.traces.size());
    if (centreTrace != kNone && centreTrace >= traceCount)
        return graph;
    const bool wholeModel = centreTrace == kNone;
    const uint32_t maxHops = wholeModel ? UINT32_MAX : options.depth;

    std::vector<uint32_t> nodeOf(traceCount, kNone); // trace -> node (a group node for its members)
    std::vector<uint32_t> stamp(traceCount, 0);      // dedupes one hub's neighbours
    uint32_t stampValue = 0;
    std::vector<uint32_t> expandedGroups = options.expandedGroups;
    std::sort(expandedGroups.begin(), expandedGroups.end());
    std::vector<uint32_t> fresh, frontier, next;

    auto addNode = [&](uint32_t trace, uint32_t hops) {
        if (graph.nodes.size() >= options.nodeCap) {
            graph.truncated = true;
            return false;
        }
        nodeOf[trace] = uint32_t(graph.nodes.size());
        GraphNode node;
        node.trace = trace;
        node.hops = hops;
        graph.nodes.push_back(std::move(node));
        return true;
    };

    // Places the traces one hop from `hub` in one direction that are not yet
    // in the graph: as nodes queued for the next hop, or as one group node
    // that is not expanded further.
    auto expand = [&](uint32_t hub, bool upstream) {
        ++stampValue;
        fresh.clear();
        auto visit = [&](uint32_t trace, uint32_t) {
            if (nodeOf[trace] == kNone && stamp[trace] != stampValue) {
                stamp[trace] = stampValue;
                fresh.push_back(trace);
            }
        };
        if (upstream)
            forEachUpstream(model, hub, kNone, visit);
        else
            forEachDownstream(model, hub, kNone, visit);
        if (fresh.empty())
            return;
        const uint32_t hops = graph.nodes[nodeOf[hub]].hops + 1;
        // The hub's index and the direction name a fan-out: both survive a
        // rebuild with another centre or depth, so an expansion sticks.
        const uint32_t key = hub * 2 + (upstream ? 0 : 1);
        // An expanded fan-out stays one node (its members drawn as a block):
        // a thousand siblings as separate nodes make one endless column.
        if (fresh.size() > options.groupThreshold) {
            if (graph.nodes.size() >= options.nodeCap) {
                graph.truncated = true;
                return;
            }
            GraphNode group;
            group.hops = hops;
            group.groupKey = key;
            group.expanded = std::binary_search(expandedGroups.begin(), expandedGroups.end(), key);
            group.members = fresh;
            std::sort(group.members.begin(), group.members.end());
            const auto index = uint32_t(graph.nodes.size());
            for (uint32_t m : group.members)
                nodeOf[m] = index;
            // Expanded, the members' own links are followed on the next hop.
            if (group.expanded)
                next.insert(next.end(), group.members.begin(), group.members.end());
            graph.nodes.push_back(std::move(group));
            return;
        }
        for (uint32_t trace : fresh) {
            if (!addNode(trace, hops))
                return;
            next.push_back(trace);
        }
    };

    auto bfs = [&](uint32_t seed) {
        if (!addNode(seed, 0))
            return;
        frontier.assign(1, seed);
        for (uint32_t hop = 0; hop < maxHops && !frontier.empty() && !graph.truncated; ++hop) {
            next.clear();
            for (uint32_t t : frontier) {
                if (graph.truncated)
                    break;
                expand(t, true);
                expand(t, false);
            }
            frontier.swap(next);
        }
    };

    if (!wholeModel) {
        bfs(centreTrace);
        if (!graph.nodes.empty())
            graph.centre = 0;
    } else {
        // Hubs first: starting each component at its busiest trace makes a
        // fan-out collapse into one group instead of splitting around
        // whichever of its members happened to be loaded first.
        std::vector<std::pair<uint32_t, uint32_t>> seeds; // (degree, trace)
        std::vector<uint32_t> isolated;
        for (uint32_t t = 0; t < traceCount; ++t) {
            const uint32_t degree = model.traces[t].linksIn + model.traces[t].linksOut;
            if (degree)
                seeds.emplace_back(degree, t);
            else
                isolated.push_back(t);
        }
        std::sort(seeds.begin(), seeds.end(), [](const auto &a, const auto &b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
        });
        for (const auto &[degree, t] : seeds) {
            if (graph.truncated)
                break;
            if (nodeOf[t] == kNone)
                bfs(t);
        }
        for (uint32_t t : isolated) {
            if (graph.truncated)
                break;
            addNode(t, 0);
        }
    }

    // Edges between placed nodes: every resolved link whose two traces are in
    // the graph, keyed by (cause node, effect node) so that a group's links
    // add up on one edge. Links inside one node (one trace, or two members of
    // one group) are not edges.
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    auto collect = [&](uint32_t trace) {
        const uint32_t effectNode = nodeOf[trace];
        const Range spans = model.traces[trace].spans;
        for (uint32_t i = spans.first; i < spans.end(); ++i) {
            const Range r = model.outgoingLinks(model.traceSpans[i]);
            for (uint32_t l = r.first; l < r.end(); ++l) {
                const uint32_t target = model.links[l].target;
                if (target == kNone)
                    continue;
                const uint32_t causeNode = nodeOf[model.hot[target].trace];
                if (causeNode != kNone && causeNode != effectNode)
                    keyed.emplace_back(uint64_t(causeNode) << 32 | effectNode, l);
            }
        }
    };
    for (const GraphNode &node : graph.nodes) {
        if (node.isGroup()) {
            for (uint32_t m : node.members)
                collect(m);
        } else {
            collect(node.trace);
        }
    }

    // Targets that are not loaded, one node per target trace (never a loaded
    // trace whose span alone is missing: fetching would not change that).
    if (!wholeModel && options.unresolvedCap) {
        std::vector<std::pair<TraceId, uint32_t>> missingNodes; // target trace -> node
        const size_t placed = graph.nodes.size();
        for (size_t n = 0; n < placed; ++n) {
            if (graph.nodes[n].isGroup())
                continue;
            const Range spans = model.traces[graph.nodes[n].trace].spans;
            for (uint32_t i = spans.first; i < spans.end(); ++i) {
                const Range r = model.outgoingLinks(model.traceSpans[i]);
                for (uint32_t l = r.first; l < r.end(); ++l) {
                    const Link &link = model.links[l];
                    if (link.resolved() || model.findTrace(link.traceId) != kNone)
                        continue;
                    auto it = std::find_if(missingNodes.begin(), missingNodes.end(),
                                           [&](const auto &m) { return m.first == link.traceId; });
                    if (it == missingNodes.end()) {
                        if (missingNodes.size() >= options.unresolvedCap) {
                            ++graph.unresolvedDropped;
                            continue;
                        }
                        GraphNode node;
                        node.notLoaded = true;
                        node.missing = link.traceId;
                        node.hops = graph.nodes[n].hops + 1;
                        missingNodes.emplace_back(link.traceId, uint32_t(graph.nodes.size()));
                        graph.nodes.push_back(std::move(node));
                        it = missingNodes.end() - 1;
                    }
                    keyed.emplace_back(uint64_t(it->second) << 32 | uint32_t(n), l);
                }
            }
        }
    }

    std::sort(keyed.begin(), keyed.end());
    std::vector<int64_t> scratch;
    for (size_t i = 0; i < keyed.size();) {
        GraphEdge e;
        e.from = uint32_t(keyed[i].first >> 32);
        e.to = uint32_t(keyed[i].first);
        size_t j = i;
        for (; j < keyed.size() && keyed[j].first == keyed[i].first; ++j)
            e.links.push_back(keyed[j].second);
        e.linkCount = uint32_t(e.links.size());
        if (!graph.nodes[e.from].notLoaded) { // no lag without the target's start
            const LagStats lag = lagStats(model, e.links, scratch);
            e.lagMin = lag.min;
            e.lagMedian = lag.median;
            e.lagMax = lag.max;
        }
        graph.edges.push_back(std::move(e));
        i = j;
    }
    return graph;
}

} // namespace causeway
