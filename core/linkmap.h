#pragma once
// The link map: every span link of the loaded data, aggregated into edges
// between groups of target spans (the causes: producers, failed attempts,
// batch items) and groups of linking spans (the effects: consumers, retries,
// batches).
//
// Groups are services, operations (service + span name), or messaging
// destinations. By destination, a link's destination is the
// `messaging.destination.name` attribute of the linking span, else of the
// target span, else of the link itself; the edge then runs from the
// destination to the linking span's operation ("which topic feeds which
// consumer, with what lag"). A link with no destination anywhere falls back
// to operation -> operation.
//
// Links whose target is not loaded, and links the sender dropped
// (Span.dropped_links_count), have no target group: they are counted on an
// edge from the one "not loaded" node to the linking group, with no lag.

#include "core/linkgraph.h"
#include "core/model.h"

#include <string>
#include <vector>

namespace causeway {

enum class LinkMapGrouping { Service, Operation, Destination };

// "service", "operation", "destination"; false for anything else.
bool parseLinkMapGrouping(std::string_view text, LinkMapGrouping &out);
const char *linkMapGroupingName(LinkMapGrouping grouping);

struct LinkMapNode
{
    enum class Kind : uint8_t { Service, Operation, Destination, NotLoaded };
    Kind kind = Kind::Service;
    StringId service = 0;          // Service, Operation: the service name
    StringId name = 0;             // Operation: the span name; Destination: the destination name
    std::string label;             // "checkout-api", "checkout-api: orders publish", "orders", "(not loaded)"
};

struct LinkMapEdge
{
    uint32_t from = 0;             // node index: the target (cause) group
    uint32_t to = 0;               // node index: the linking (effect) group
    std::vector<uint32_t> links;   // indices into Model::links, slowest first (unresolved: in table order)
    uint32_t causeTraces = 0;      // distinct traces holding the targets
    uint32_t effectTraces = 0;     // distinct traces holding the linking spans (downstream)
    uint32_t effectTracesWithErrors = 0; // of those, traces with at least one ERROR span
    LagDistribution lag;           // over the resolved links (none on the "not loaded" edges)
    uint32_t unresolved = 0;       // links whose target span is not loaded
    uint64_t dropped = 0;          // links the sender dropped (only on "not loaded" edges)

    uint32_t linkCount() const { return uint32_t(links.size()); }
    double errorShare() const { return effectTraces ? double(effectTracesWithErrors) / effectTraces : 0.0; }
};

struct LinkMap
{
    LinkMapGrouping grouping = LinkMapGrouping::Service;
    std::vector<LinkMapNode> nodes;    // sorted by label, "not loaded" last
    std::vector<LinkMapEdge> edges;    // sorted by (from, to)
    uint64_t links = 0;                // every link in the model
    uint64_t resolved = 0;
    uint64_t unresolved = 0;
    uint64_t dropped = 0;              // sum of dropped_links_count
};

LinkMap buildLinkMap(const Model &model, LinkMapGrouping grouping);

} // namespace causeway
