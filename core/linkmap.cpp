#include "core/linkmap.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace causeway {

namespace {

constexpr std::string_view kDestinationKey = "messaging.destination.name";

// Open addressing with linear probing, 64-bit keys: every link costs two or
// three lookups, and std::unordered_map's node per entry made them cache
// misses that dominated the whole query.
class FlatMap
{
public:
    static constexpr uint64_t kEmpty = ~uint64_t(0);

    // Returns the value for `key`, inserting `fresh` when absent; `inserted` says which.
    uint32_t findOrInsert(uint64_t key, uint32_t fresh, bool &inserted)
    {
        if ((m_size + 1) * 2 > m_keys.size())
            grow();
        size_t i = slot(key);
        while (m_keys[i] != kEmpty) {
            if (m_keys[i] == key) {
                inserted = false;
                return m_values[i];
            }
            i = (i + 1) & (m_keys.size() - 1);
        }
        m_keys[i] = key;
        m_values[i] = fresh;
        ++m_size;
        inserted = true;
        return fresh;
    }

private:
    size_t slot(uint64_t key) const
    {
        // Fibonacci hashing spreads the small, dense ids over the table.
        return size_t((key * 0x9e3779b97f4a7c15ULL) >> m_shift);
    }
    void grow()
    {
        std::vector<uint64_t> keys = std::move(m_keys);
        std::vector<uint32_t> values = std::move(m_values);
        const size_t capacity = keys.empty() ? 64 : keys.size() * 2;
        m_keys.assign(capacity, kEmpty);
        m_values.assign(capacity, 0);
        m_shift = 64 - unsigned(__builtin_ctzll(capacity));
        m_size = 0;
        for (size_t i = 0; i < keys.size(); ++i) {
            if (keys[i] == kEmpty)
                continue;
            size_t j = slot(keys[i]);
            while (m_keys[j] != kEmpty)
                j = (j + 1) & (capacity - 1);
            m_keys[j] = keys[i];
            m_values[j] = values[i];
            ++m_size;
        }
    }

    std::vector<uint64_t> m_keys;
    std::vector<uint32_t> m_values;
    unsigned m_shift = 64;
    size_t m_size = 0;
};

// The group a span (or a link's destination) falls into, before nodes get
// their final order. One map per kind of group keeps the keys 64-bit.
class Groups
{
public:
    explicit Groups(const Model &model) : m_model(model) {}

    uint32_t service(StringId service)
    {
        return find(m_services, service, LinkMapNode::Kind::Service, service, 0);
    }
    uint32_t operation(StringId service, StringId name)
    {
        return find(m_operations, uint64_t(service) << 32 | name, LinkMapNode::Kind::Operation, service, name);
    }
    uint32_t destination(StringId name)
    {
        return find(m_destinations, name, LinkMapNode::Kind::Destination, 0, name);
    }
    uint32_t notLoaded()
    {
        if (m_notLoaded == kNone) {
            m_notLoaded = uint32_t(m_nodes.size());
            LinkMapNode node;
            node.kind = LinkMapNode::Kind::NotLoaded;
            node.label = "(not loaded)";
            m_nodes.push_back(std::move(node));
        }
        return m_notLoaded;
    }
    std::vector<LinkMapNode> &nodes() { return m_nodes; }

private:
    uint32_t find(FlatMap &map, uint64_t key, LinkMapNode::Kind kind, StringId service, StringId name)
    {
        bool inserted = false;
        const uint32_t node = map.findOrInsert(key, uint32_t(m_nodes.size()), inserted);
        if (inserted) {
            LinkMapNode added;
            added.kind = kind;
            added.service = service;
            added.name = name;
            const std::string_view s = m_model.str(service), n = m_model.str(name);
            switch (kind) {
            case LinkMapNode::Kind::Service: added.label = s.empty() ? "(no service)" : std::string(s); break;
            case LinkMapNode::Kind::Operation:
                added.label = (s.empty() ? std::string("(no service)") : std::string(s)) + ": "
                    + (n.empty() ? std::string("(unnamed)") : std::string(n));
                break;
            case LinkMapNode::Kind::Destination: added.label = std::string(n); break;
            case LinkMapNode::Kind::NotLoaded: break;
            }
            m_nodes.push_back(std::move(added));
        }
        return node;
    }

    const Model &m_model;
    FlatMap m_services, m_operations, m_destinations;
    std::vector<LinkMapNode> m_nodes;
    uint32_t m_notLoaded = kNone;
};

// The string value of `key` in an attribute list, or 0.
StringId stringAttribute(const Model &model, Range attributes, StringId key)
{
    for (uint32_t a = attributes.first; a < attributes.end(); ++a) {
        const Attribute &attr = model.attributes[a];
        if (attr.key == key && attr.value.type == ValueType::String && attr.value.str != 0)
            return attr.value.str;
    }
    return 0;
}

} // namespace

bool parseLinkMapGrouping(std::string_view text, LinkMapGrouping &out)
{
    if (text == "service")
        out = LinkMapGrouping::Service;
    else if (text == "operation")
        out = LinkMapGrouping::Operation;
    else if (text == "destination")
        out = LinkMapGrouping::Destination;
    else
        return false;
    return true;
}

const char *linkMapGroupingName(LinkMapGrouping grouping)
{
    switch (grouping) {
    case LinkMapGrouping::Service: return "service";
    case LinkMapGrouping::Operation: return "operation";
    case LinkMapGrouping::Destination: return "destination";
    }
    return "service";
}

LinkMap buildLinkMap(const Model &model, LinkMapGrouping grouping)
{
    LinkMap map;
    map.grouping = grouping;
    map.links = model.links.size();
    Groups groups(model);
    const StringId destinationKey = grouping == LinkMapGrouping::Destination ? model.strings.find(kDestinationKey)
                                                                             : StringPool::kNotFound;

    auto spanGroup = [&](uint32_t span) {
        const SpanHot &h = model.hot[span];
        if (grouping == LinkMapGrouping::Service)
            return groups.service(h.service);
        return groups.operation(h.service, h.name);
    };
    auto destinationOf = [&](uint32_t link) -> StringId {
        if (destinationKey == StringPool::kNotFound)
            return 0;
        const Link &l = model.links[link];
        if (StringId d = stringAttribute(model, model.cold[l.from].attributes, destinationKey))
            return d;
        if (l.resolved())
            if (StringId d = stringAttribute(model, model.cold[l.target].attributes, destinationKey))
                return d;
        return stringAttribute(model, l.attributes, destinationKey);
    };

    // One sequential pass over the links: each link's edge (numbered in
    // order of first appearance) and what the edge statistics need, so the
    // later passes read small arrays instead of the spans again.
    const auto linkCount = uint32_t(model.links.size());
    FlatMap edgeOf;                                // (cause group << 32 | effect group) -> edge
    std::vector<uint64_t> edgeKeys;                // per edge, its key
    std::vector<uint32_t> edgeSize;                // per edge, its link count
    std::vector<uint32_t> linkEdge(linkCount);
    std::vector<int64_t> lag(linkCount, 0);
    std::vector<uint32_t> causeTrace(linkCount, kNone), effectTrace(linkCount);
    auto edgeFor = [&](uint64_t key) {
        bool inserted = false;
        const uint32_t e = edgeOf.findOrInsert(key, uint32_t(edgeKeys.size()), inserted);
        if (inserted) {
            edgeKeys.push_back(key);
            edgeSize.push_back(0);
        }
        return e;
    };
    // The links are in table order but their spans are anywhere: ask for the
    // spans a few links ahead so their cache misses overlap instead of
    // queueing one behind the other (the pass was bound by them).
    constexpr uint32_t kAhead = 12;
    const bool readsCold = destinationKey != StringPool::kNotFound;
    for (uint32_t l = 0; l < linkCount; ++l) {
        if (l + kAhead < linkCount) {
            const Link &ahead = model.links[l + kAhead];
            __builtin_prefetch(&model.hot[ahead.from]);
            if (ahead.resolved())
                __builtin_prefetch(&model.hot[ahead.target]);
            if (readsCold)
                __builtin_prefetch(&model.cold[ahead.from]);
        }
        const Link &link = model.links[l];
        const uint32_t effect = spanGroup(link.from);
        effectTrace[l] = model.hot[link.from].trace;
        uint32_t cause;
        if (!link.resolved()) {
            cause = groups.notLoaded();
        } else {
            causeTrace[l] = model.hot[link.target].trace;
            lag[l] = linkLag(model, l);
            if (StringId d = destinationOf(l))
                cause = groups.destination(d);
            else
                cause = spanGroup(link.target);
        }
        const uint32_t e = edgeFor(uint64_t(cause) << 32 | effect);
        linkEdge[l] = e;
        ++edgeSize[e];
    }
    // Dropped links have no record, only a count on the span that had them.
    std::vector<std::pair<uint32_t, uint64_t>> droppedEdges; // (edge, dropped)
    {
        std::unordered_map<uint32_t, uint64_t> droppedByGroup;
        for (uint32_t s = 0; s < model.cold.size(); ++s) {
            if (const uint32_t n = model.cold[s].droppedLinksCount) {
                droppedByGroup[spanGroup(s)] += n;
                map.dropped += n;
            }
        }
        for (const auto &[g, n] : droppedByGroup)
            droppedEdges.emplace_back(edgeFor(uint64_t(groups.notLoaded()) << 32 | g), n);
    }

    const auto edgeCount = uint32_t(edgeKeys.size());
    std::vector<char> traceFailed(model.traces.size());
    for (size_t t = 0; t < model.traces.size(); ++t)
        traceFailed[t] = model.traces[t].errorCount > 0;

    // Nodes sorted by label, "not loaded" last; edges renumbered to match.
    std::vector<LinkMapNode> &nodes = groups.nodes();
    std::vector<uint32_t> order(nodes.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        const bool ma = nodes[a].kind == LinkMapNode::Kind::NotLoaded, mb = nodes[b].kind == LinkMapNode::Kind::NotLoaded;
        if (ma != mb)
            return mb;
        if (nodes[a].label != nodes[b].label)
            return nodes[a].label < nodes[b].label;
        return nodes[a].kind < nodes[b].kind;
    });
    std::vector<uint32_t> rank(nodes.size());
    map.nodes.reserve(nodes.size());
    for (uint32_t i = 0; i < order.size(); ++i) {
        rank[order[i]] = i;
        map.nodes.push_back(std::move(nodes[order[i]]));
    }
    std::vector<std::pair<uint64_t, uint32_t>> edgeOrder(edgeCount); // (ranked key, edge)
    for (uint32_t e = 0; e < edgeCount; ++e)
        edgeOrder[e] = {uint64_t(rank[edgeKeys[e] >> 32]) << 32 | rank[uint32_t(edgeKeys[e])], e};
    std::sort(edgeOrder.begin(), edgeOrder.end());
    std::vector<uint32_t> position(edgeCount); // edge -> its place in map.edges
    for (uint32_t i = 0; i < edgeCount; ++i)
        position[edgeOrder[i].second] = i;
    std::vector<uint64_t> dropped(edgeCount, 0);
    for (const auto &[e, n] : droppedEdges)
        dropped[position[e]] = n;

    // What the statistics read of each link, in the final order of the
    // edges and, within an edge, in link table order (a counting sort:
    // linear). The edges are then built reading one array front to back;
    // read through the edge numbers instead, by operation (an edge per link
    // or two) every edge cost several cache misses.
    struct LinkFacts
    {
        int64_t lag;
        uint32_t link, effectTrace, causeTrace;
    };
    std::vector<uint32_t> offset(edgeCount + 1, 0);
    for (uint32_t e = 0; e < edgeCount; ++e)
        offset[position[e] + 1] = edgeSize[e];
    for (uint32_t i = 0; i < edgeCount; ++i)
        offset[i + 1] += offset[i];
    std::vector<LinkFacts> facts(linkCount);
    {
        std::vector<uint32_t> fill(offset.begin(), offset.end() - 1);
        for (uint32_t l = 0; l < linkCount; ++l)
            facts[fill[position[linkEdge[l]]]++] = {lag[l], l, effectTrace[l], causeTrace[l]};
    }

    // Distinct traces per edge, counted with a stamp per trace.
    std::vector<uint32_t> causeStamp(model.traces.size(), kNone), effectStamp(model.traces.size(), kNone);
    std::vector<std::pair<int64_t, uint32_t>> lagged;
    std::vector<int64_t> lags;
    map.edges.reserve(edgeCount);
    for (uint32_t edge = 0; edge < edgeCount; ++edge) {
        LinkMapEdge e;
        const uint64_t key = edgeOrder[edge].first;
        e.from = uint32_t(key >> 32);
        e.to = uint32_t(key);
        e.dropped = dropped[edge];
        const uint32_t stamp = edge;
        e.links.reserve(offset[edge + 1] - offset[edge]);
        lagged.clear();
        for (uint32_t i = offset[edge]; i < offset[edge + 1]; ++i) {
            const LinkFacts &f = facts[i];
            const uint32_t l = f.link;
            const uint32_t et = f.effectTrace;
            if (effectStamp[et] != stamp) {
                effectStamp[et] = stamp;
                ++e.effectTraces;
                e.effectTracesWithErrors += traceFailed[et];
            }
            const uint32_t ct = f.causeTrace;
            if (ct == kNone) {
                ++e.unresolved;
                e.links.push_back(l);
                continue;
            }
            if (causeStamp[ct] != stamp) {
                causeStamp[ct] = stamp;
                ++e.causeTraces;
            }
            lagged.emplace_back(f.lag, l);
        }
        if (!lagged.empty()) {
            // Slowest first; equal lags in link table order. (By operation
            // most edges hold one link: nothing to sort.)
            if (lagged.size() > 1)
                std::sort(lagged.begin(), lagged.end(), [](const auto &a, const auto &b) {
                    return a.first != b.first ? a.first > b.first : a.second < b.second;
                });
            lags.resize(lagged.size());
            for (size_t i = 0; i < lagged.size(); ++i) {
                // Reversed: ascending for the distribution.
                lags[lagged.size() - 1 - i] = lagged[i].first;
                e.links.push_back(lagged[i].second);
            }
            e.lag = lagDistributionOf(lags);
        }
        map.resolved += e.links.size() - e.unresolved;
        map.unresolved += e.unresolved;
        map.edges.push_back(std::move(e));
    }
    return map;
}

} // namespace causeway
