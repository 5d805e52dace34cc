#include "core/linkmap.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>

namespace causeway {

namespace {

constexpr std::string_view kDestinationKey = "messaging.destination.name";

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
    uint32_t find(std::unordered_map<uint64_t, uint32_t> &map, uint64_t key, LinkMapNode::Kind kind, StringId service,
                  StringId name)
    {
        auto [it, inserted] = map.try_emplace(key, uint32_t(m_nodes.size()));
        if (inserted) {
            LinkMapNode node;
            node.kind = kind;
            node.service = service;
            node.name = name;
            const std::string_view s = m_model.str(service), n = m_model.str(name);
            switch (kind) {
            case LinkMapNode::Kind::Service: node.label = s.empty() ? "(no service)" : std::string(s); break;
            case LinkMapNode::Kind::Operation:
                node.label = (s.empty() ? std::string("(no service)") : std::string(s)) + ": "
                    + (n.empty() ? std::string("(unnamed)") : std::string(n));
                break;
            case LinkMapNode::Kind::Destination: node.label = std::string(n); break;
            case LinkMapNode::Kind::NotLoaded: break;
            }
            m_nodes.push_back(std::move(node));
        }
        return it->second;
    }

    const Model &m_model;
    std::unordered_map<uint64_t, uint32_t> m_services, m_operations, m_destinations;
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

    // (from node << 32 | to node, link): sorting groups each edge's links.
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    keyed.reserve(model.links.size());
    for (uint32_t l = 0; l < model.links.size(); ++l) {
        const Link &link = model.links[l];
        const uint32_t effect = spanGroup(link.from);
        uint32_t cause;
        if (!link.resolved())
            cause = groups.notLoaded();
        else if (StringId d = destinationOf(l))
            cause = groups.destination(d);
        else
            cause = spanGroup(link.target);
        keyed.emplace_back(uint64_t(cause) << 32 | effect, l);
    }
    // Dropped links have no record, only a count on the span that had them.
    std::unordered_map<uint32_t, uint64_t> droppedByGroup;
    for (uint32_t s = 0; s < model.cold.size(); ++s) {
        if (const uint32_t n = model.cold[s].droppedLinksCount) {
            droppedByGroup[spanGroup(s)] += n;
            map.dropped += n;
        }
    }
    if (!droppedByGroup.empty())
        groups.notLoaded();

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
    for (auto &[key, l] : keyed)
        key = uint64_t(rank[key >> 32]) << 32 | rank[uint32_t(key)];
    std::unordered_map<uint32_t, uint64_t> dropped;
    for (const auto &[g, n] : droppedByGroup)
        dropped[rank[g]] = n;
    const uint32_t notLoaded = map.nodes.empty() || map.nodes.back().kind != LinkMapNode::Kind::NotLoaded
        ? kNone
        : uint32_t(map.nodes.size() - 1);
    // Groups whose only "not loaded" links were dropped still get their edge.
    for (const auto &[g, n] : dropped) {
        (void)n;
        keyed.emplace_back(uint64_t(notLoaded) << 32 | g, kNone);
    }
    std::sort(keyed.begin(), keyed.end());

    // Distinct traces per edge, counted with a stamp per trace.
    std::vector<uint32_t> causeStamp(model.traces.size(), kNone), effectStamp(model.traces.size(), kNone);
    std::vector<std::pair<int64_t, uint32_t>> lagged;
    std::vector<int64_t> lags;
    for (size_t i = 0; i < keyed.size();) {
        const uint64_t key = keyed[i].first;
        LinkMapEdge e;
        e.from = uint32_t(key >> 32);
        e.to = uint32_t(key);
        const auto edgeIndex = uint32_t(map.edges.size());
        lagged.clear();
        size_t j = i;
        for (; j < keyed.size() && keyed[j].first == key; ++j) {
            const uint32_t l = keyed[j].second;
            if (l == kNone)
                continue;
            const Link &link = model.links[l];
            const uint32_t effectTrace = model.hot[link.from].trace;
            if (effectStamp[effectTrace] != edgeIndex) {
                effectStamp[effectTrace] = edgeIndex;
                ++e.effectTraces;
                e.effectTracesWithErrors += model.traces[effectTrace].errorCount > 0;
            }
            if (!link.resolved()) {
                ++e.unresolved;
                e.links.push_back(l);
                continue;
            }
            const uint32_t causeTrace = model.hot[link.target].trace;
            if (causeStamp[causeTrace] != edgeIndex) {
                causeStamp[causeTrace] = edgeIndex;
                ++e.causeTraces;
            }
            lagged.emplace_back(linkLag(model, l), l);
        }
        if (!lagged.empty()) {
            // Slowest first; equal lags in link table order.
            std::sort(lagged.begin(), lagged.end(), [](const auto &a, const auto &b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
            lags.clear();
            for (const auto &[lag, l] : lagged) {
                lags.push_back(lag);
                e.links.push_back(l);
            }
            e.lag = lagDistributionOf(lags);
        }
        if (e.from == notLoaded)
            if (auto it = dropped.find(e.to); it != dropped.end())
                e.dropped = it->second;
        map.resolved += e.links.size() - e.unresolved;
        map.unresolved += e.unresolved;
        map.edges.push_back(std::move(e));
        i = j;
    }
    return map;
}

} // namespace causeway
