// Headless answers about asynchronous time: the link map, chain timing and
// the critical path of a trace.

#include "app/cli.h"
#include "app/cli_timing.h"

#include "core/chaintiming.h"
#include "core/criticalpath.h"
#include "core/linkgraph.h"
#include "core/linkmap.h"
#include "core/load.h"
#include "ui/displaytext.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>
#include <sstream>

namespace causeway::app {

namespace {

using Json = nlohmann::ordered_json;

std::string durationText(uint64_t ns)
{
    return ui::display::duration(ns).toStdString();
}

std::string lagText(int64_t ns)
{
    return ui::display::lag(ns).toStdString();
}

std::string spanText(const Model &model, uint32_t span)
{
    return std::string(model.str(model.hot[span].name));
}

std::string rootText(const Model &model, uint32_t trace)
{
    const uint32_t root = model.traces[trace].root;
    return root == kNone ? std::string("(no root)") : spanText(model, root);
}

const char *kindName(LinkMapNode::Kind kind)
{
    switch (kind) {
    case LinkMapNode::Kind::Service: return "service";
    case LinkMapNode::Kind::Operation: return "operation";
    case LinkMapNode::Kind::Destination: return "destination";
    case LinkMapNode::Kind::NotLoaded: return "not_loaded";
    }
    return "";
}

// Pads to a display width counted in code points, so "µs" and "−" line up.
std::string pad(const std::string &text, size_t width)
{
    size_t points = 0;
    for (unsigned char c : text)
        points += (c & 0xc0) != 0x80;
    return points >= width ? text + ' ' : text + std::string(width - points, ' ');
}

int linkmapCommand(const std::vector<std::string> &argv)
{
    Args args;
    std::string error;
    if (!args.parse(argv, {"--by"}, {"--json"}, error))
        return usageError("linkmap", error);
    LinkMapGrouping grouping = LinkMapGrouping::Service;
    if (auto by = args.value("--by"); by && !parseLinkMapGrouping(*by, grouping))
        return usageError("linkmap", "--by takes service, operation or destination, not '" + *by + "'");
    if (args.positionals().empty())
        return usageError("linkmap", "no input files");
    Model model;
    if (!loadForCommand(args.positionals(), model))
        return kExitError;
    const LinkMap map = buildLinkMap(model, grouping);

    if (args.flag("--json")) {
        Json nodes = Json::array();
        for (const LinkMapNode &n : map.nodes)
            nodes.push_back({{"kind", kindName(n.kind)}, {"label", n.label}});
        Json edges = Json::array();
        for (const LinkMapEdge &e : map.edges) {
            Json edge = {{"from", map.nodes[e.from].label}, {"to", map.nodes[e.to].label},
                         {"fromNode", e.from}, {"toNode", e.to},
                         {"links", e.linkCount()}, {"causeTraces", e.causeTraces}, {"effectTraces", e.effectTraces}};
            if (e.lag.count)
                edge["lagNanos"] = {{"min", e.lag.min}, {"p50", e.lag.p50}, {"p95", e.lag.p95}, {"p99", e.lag.p99}, {"max", e.lag.max}};
            else
                edge["lagNanos"] = nullptr;
            edge["effectTracesWithErrors"] = e.effectTracesWithErrors;
            edge["errorShare"] = e.errorShare();
            edge["unresolved"] = e.unresolved;
            edge["dropped"] = e.dropped;
            edges.push_back(std::move(edge));
        }
        Json out = {{"by", linkMapGroupingName(grouping)}, {"links", map.links}, {"resolved", map.resolved},
                    {"unresolved", map.unresolved}, {"dropped", map.dropped}, {"nodes", nodes}, {"edges", edges}};
        std::cout << out.dump(2) << '\n';
        return kExitOk;
    }

    std::cout << "Link map by " << linkMapGroupingName(grouping) << ": " << map.links << " links, " << map.resolved
              << " resolved, " << map.unresolved << " to spans not loaded, " << map.dropped << " dropped by the sender\n";
    std::cout << "Lag: the linking span's start minus its target's start.\n\n";
    size_t width = 10;
    for (const LinkMapNode &n : map.nodes)
        width = std::max(width, n.label.size());
    width = std::min<size_t>(width, 48);
    std::cout << pad("FROM (targets)", width) << pad("TO (linking spans)", width)
              << pad("LINKS", 7) << pad("TRACES", 10) << pad("LAG min", 11) << pad("p50", 11) << pad("p95", 11)
              << pad("p99", 11) << pad("max", 11) << "ERRORS DOWNSTREAM\n";
    for (const LinkMapEdge &e : map.edges) {
        std::ostringstream traces;
        traces << e.causeTraces << "->" << e.effectTraces;
        std::cout << pad(map.nodes[e.from].label, width) << pad(map.nodes[e.to].label, width) << pad(std::to_string(e.linkCount()), 7)
                  << pad(traces.str(), 10);
        if (e.lag.count)
            std::cout << pad(lagText(e.lag.min), 11) << pad(lagText(e.lag.p50), 11) << pad(lagText(e.lag.p95), 11)
                      << pad(lagText(e.lag.p99), 11) << pad(lagText(e.lag.max), 11);
        else
            std::cout << pad("-", 11) << pad("-", 11) << pad("-", 11) << pad("-", 11) << pad("-", 11);
        std::cout << e.effectTracesWithErrors << '/' << e.effectTraces << " ("
                  << int(e.errorShare() * 100 + 0.5) << "%)";
        if (e.unresolved || e.dropped)
            std::cout << "  " << e.unresolved << " not loaded, " << e.dropped << " dropped";
        std::cout << '\n';
    }
    return kExitOk;
}

int criticalPathCommand(const std::vector<std::string> &argv)
{
    Args args;
    std::string error;
    if (!args.parse(argv, {}, {"--json"}, error))
        return usageError("critical-path", error);
    const auto &positionals = args.positionals();
    if (positionals.empty())
        return usageError("critical-path", "missing REF (TRACEID or TRACEID/SPANID) and input files");
    if (positionals.size() < 2)
        return usageError("critical-path", "no input files");
    {
        TraceId trace;
        std::optional<SpanId> span;
        if (!parseReference(positionals[0], trace, span, &error))
            return fatalError(error);
    }
    Model model;
    if (!loadForCommand({positionals.begin() + 1, positionals.end()}, model))
        return kExitError;
    Reference ref;
    if (!resolveReference(model, positionals[0], ref, error))
        return fatalError(error);
    const CriticalPath path = criticalPath(model, ref.trace);
    const Trace &trace = model.traces[ref.trace];

    if (args.flag("--json")) {
        Json sections = Json::array();
        for (const CriticalPathSection &s : path.sections)
            sections.push_back({{"spanId", model.cold[s.span].spanId.hex()}, {"name", spanText(model, s.span)},
                                {"service", std::string(model.str(model.hot[s.span].service))},
                                {"startNanos", s.start}, {"endNanos", s.end}, {"durationNanos", s.end - s.start}});
        std::cout << Json{{"traceId", trace.id.hex()}, {"totalNanos", path.total()}, {"sections", sections}}.dump(2) << '\n';
        return kExitOk;
    }
    std::cout << "Critical path of " << trace.id.hex() << " (" << rootText(model, ref.trace) << "): "
              << durationText(path.total()) << " in " << path.sections.size() << " sections, latest first\n";
    std::cout << pad("AT", 12) << pad("FOR", 12) << pad("SPAN", 18) << "NAME\n";
    for (const CriticalPathSection &s : path.sections)
        std::cout << pad("+" + durationText(s.start - trace.start), 12) << pad(durationText(s.end - s.start), 12)
                  << pad(model.cold[s.span].spanId.hex(), 18) << spanText(model, s.span) << "  ["
                  << model.str(model.hot[s.span].service) << "]\n";
    return kExitOk;
}

const CommandRegistrar linkmapRegistration({"linkmap", "every span link aggregated: who links to whom, with lag and errors",
    "Usage: causeway linkmap [--by service|operation|destination] [--json] FILE...\n\n"
    "Aggregates every span link in the files into edges from a group of target\n"
    "spans (causes: producers, failed attempts, batch items) to a group of linking\n"
    "spans (effects: consumers, retries, batches).\n\n"
    "  --by service       group spans by service (the default)\n"
    "  --by operation     by service and span name\n"
    "  --by destination   by messaging.destination.name (linking span, else target\n"
    "                     span, else the link): edges run from the destination to the\n"
    "                     consuming operation; links without one fall back to operation\n"
    "  --json             {by, links, resolved, unresolved, dropped, nodes: [{kind,\n"
    "                     label}], edges: [{from, to, fromNode, toNode, links,\n"
    "                     causeTraces, effectTraces, lagNanos: {min, p50, p95, p99,\n"
    "                     max} or null, effectTracesWithErrors, errorShare,\n"
    "                     unresolved, dropped}]}\n\n"
    "Lag is the linking span's start minus its target span's start; negative when\n"
    "clocks disagree. Percentiles are nearest rank. Links to spans that are not\n"
    "loaded, and links the sender dropped, come from the node \"(not loaded)\".\n",
    linkmapCommand});

const CommandRegistrar criticalPathRegistration({"critical-path", "the spans that bound a trace's end, as Jaeger computes them",
    "Usage: causeway critical-path [--json] REF FILE...\n\n"
    "REF is TRACEID or TRACEID/SPANID in hex (the span's trace is used). Walks back\n"
    "from the end of each root span through the child that finished last, as Jaeger\n"
    "UI and Grafana do; children are first clipped to their parent's time.\n\n"
    "  --json   {traceId, totalNanos, sections: [{spanId, name, service,\n"
    "           startNanos, endNanos, durationNanos}]}, latest section first\n",
    criticalPathCommand});

} // namespace

int printChainTiming(const Model &model, const Reference &start, const ChainOptions &options, bool json)
{
    const ChainTiming timing = chainTiming(model, start, options);
    auto viaJson = [&](const ChainTimingHop &h) -> Json {
        if (h.via == kNone)
            return nullptr;
        const Link &l = model.links[h.via];
        return {{"fromTraceId", model.traces[model.hot[l.from].trace].id.hex()},
                {"fromSpanId", model.cold[l.from].spanId.hex()},
                {"toTraceId", l.traceId.hex()}, {"toSpanId", l.spanId.hex()}, {"lagNanos", linkLag(model, h.via)}};
    };
    if (json) {
        Json hops = Json::array();
        for (const ChainTimingHop &h : timing.hops)
            hops.push_back({{"traceId", model.traces[h.trace].id.hex()}, {"root", rootText(model, h.trace)},
                            {"service", std::string(model.str(h.service))}, {"hops", h.hops},
                            {"startNanos", h.start}, {"endNanos", h.end}, {"waitBeforeNanos", h.waitBefore},
                            {"insideNanos", h.inside}, {"via", viaJson(h)}});
        std::cout << Json{{"startNanos", timing.start}, {"endNanos", timing.end}, {"elapsedNanos", timing.elapsed()},
                          {"insideNanos", timing.inside}, {"betweenNanos", timing.between}, {"hops", hops}}
                         .dump(2)
                  << '\n';
        return kExitOk;
    }
    std::cout << "Elapsed " << durationText(timing.elapsed()) << " from the first span to the last, "
              << durationText(timing.inside) << " inside traces, " << durationText(timing.between) << " between them ("
              << timing.hops.size() << " traces)\n";
    std::cout << pad("AT", 12) << pad("WAIT", 12) << pad("INSIDE", 12) << pad("LAG", 12) << pad("HOPS", 6)
              << pad("TRACE", 34) << "ROOT\n";
    for (const ChainTimingHop &h : timing.hops)
        std::cout << pad("+" + durationText(h.start - timing.start), 12) << pad(durationText(h.waitBefore), 12)
                  << pad(durationText(h.inside), 12) << pad(h.via == kNone ? std::string("-") : lagText(linkLag(model, h.via)), 12)
                  << pad(std::to_string(h.hops), 6) << pad(model.traces[h.trace].id.hex(), 34) << rootText(model, h.trace) << "  ["
                  << model.str(h.service) << "]\n";
    return kExitOk;
}

} // namespace causeway::app
