// Headless causal queries over span links: chain, errors.

#include "app/cli.h"
#include "app/cli_backend.h"
#include "app/cli_timing.h"

#include "core/linkgraph.h"
#include "core/load.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>

namespace causeway::app {

namespace {

// --depth N, or unlimited. False (with a usage error printed) on bad text.
bool depthOption(const Args &args, const char *command, uint32_t &depth, int &status)
{
    depth = UINT32_MAX;
    auto text = args.value("--depth");
    if (!text)
        return true;
    uint64_t n = 0;
    if (!parseCount(*text, n)) {
        status = usageError(command, "--depth needs a non-negative number, not '" + *text + "'");
        return false;
    }
    depth = n >= UINT32_MAX ? UINT32_MAX : uint32_t(n);
    return true;
}

// The reference is checked for malformed hex before the (possibly long) load,
// and for presence after it.
bool checkReferenceSyntax(const std::string &text)
{
    ReferencePattern pattern;
    std::string error;
    if (!parseReferencePattern(text, pattern, &error)) {
        fatalError(error);
        return false;
    }
    return true;
}

std::string rootName(const Model &model, uint32_t trace)
{
    const uint32_t root = model.traces[trace].root;
    return root == kNone ? std::string() : std::string(model.str(model.hot[root].name));
}

int chainCommand(const std::vector<std::string> &argvIn)
{
    std::vector<std::string> argv = argvIn;
    BackendCli backendCli;
    if (int status = kExitOk; !backendCli.take("chain", argv, status))
        return status;
    Args args;
    std::string error;
    if (!args.parse(argv, {"--depth"}, {"--upstream", "--downstream", "--both", "--json", "--timing"}, error))
        return usageError("chain", error);
    const int directions = int(args.flag("--upstream")) + int(args.flag("--downstream")) + int(args.flag("--both"));
    if (directions > 1)
        return usageError("chain", "give at most one of --upstream, --downstream, --both");
    ChainOptions options;
    if (args.flag("--upstream"))
        options.direction = Direction::Upstream;
    else if (args.flag("--downstream"))
        options.direction = Direction::Downstream;
    int status = kExitOk;
    if (!depthOption(args, "chain", options.maxDepth, status))
        return status;
    const auto &positionals = args.positionals();
    if (positionals.empty())
        return usageError("chain", "missing REF (TRACEID or TRACEID/SPANID) and input files");
    if (positionals.size() < 2 && !backendCli.enabled())
        return usageError("chain", "no input files");
    if (!checkReferenceSyntax(positionals[0]))
        return kExitError;

    Model model;
    if (!loadForCommand({positionals.begin() + 1, positionals.end()}, model))
        return kExitError;
    if (backendCli.enabled()) {
        TraceId id;
        std::optional<SpanId> span;
        parseReference(positionals[0], id, span, nullptr);
        const uint32_t depth = std::min<uint32_t>(options.maxDepth, 10);
        if (!backendCli.expand(model, {id}, options.direction != Direction::Downstream ? depth : 0,
                               options.direction != Direction::Upstream ? depth : 0))
            return kExitError;
    }
    Reference start;
    if (!resolveReference(model, positionals[0], start, error))
        return fatalError(error);

    if (args.flag("--timing"))
        return printChainTiming(model, start, options, args.flag("--json"));
    const ChainResult result = chain(model, start, options);
    if (args.flag("--json")) {
        nlohmann::ordered_json ids = nlohmann::ordered_json::array();
        for (uint32_t t : result.traces)
            ids.push_back(model.traces[t].id.hex());
        std::cout << nlohmann::ordered_json{{"traces", ids}}.dump(2) << '\n';
        return kExitOk;
    }
    for (size_t i = 0; i < result.traces.size(); ++i) {
        const uint32_t t = result.traces[i];
        std::cout << model.traces[t].id.hex() << "  " << result.hops[i] << (result.hops[i] == 1 ? " hop   " : " hops  ")
                  << rootName(model, t) << '\n';
    }
    return kExitOk;
}

int errorsCommand(const std::vector<std::string> &argvIn)
{
    std::vector<std::string> argv = argvIn;
    BackendCli backendCli;
    if (int status = kExitOk; !backendCli.take("errors", argv, status))
        return status;
    Args args;
    std::string error;
    if (!args.parse(argv, {"--downstream-of", "--upstream-of", "--depth"}, {"--json"}, error))
        return usageError("errors", error);
    const auto downstreamOf = args.value("--downstream-of");
    const auto upstreamOf = args.value("--upstream-of");
    if (downstreamOf && upstreamOf)
        return usageError("errors", "--downstream-of and --upstream-of are exclusive: one start, one direction");
    if (!downstreamOf && !upstreamOf)
        return usageError("errors", "--downstream-of REF or --upstream-of REF is required");
    const auto reference = downstreamOf ? downstreamOf : upstreamOf;
    const Direction direction = downstreamOf ? Direction::Downstream : Direction::Upstream;
    uint32_t depth = UINT32_MAX;
    int status = kExitOk;
    if (!depthOption(args, "errors", depth, status))
        return status;
    if (args.positionals().empty() && !backendCli.enabled())
        return usageError("errors", "no input files");
    if (!checkReferenceSyntax(*reference))
        return kExitError;

    Model model;
    if (!loadForCommand(args.positionals(), model))
        return kExitError;
    if (backendCli.enabled()) {
        TraceId id;
        std::optional<SpanId> span;
        parseReference(*reference, id, span, nullptr);
        const uint32_t hops = std::min<uint32_t>(depth, 10);
        if (!backendCli.expand(model, {id}, direction == Direction::Upstream ? hops : 0, direction == Direction::Downstream ? hops : 0))
            return kExitError;
    }
    Reference start;
    if (!resolveReference(model, *reference, start, error))
        return fatalError(error);

    const std::vector<uint32_t> spans = errorsAlong(model, start, direction, depth);
    if (args.flag("--json")) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (uint32_t s : spans) {
            const SpanCold &c = model.cold[s];
            list.push_back({{"traceId", c.traceId.hex()},
                            {"spanId", c.spanId.hex()},
                            {"name", std::string(model.str(model.hot[s].name))},
                            {"message", std::string(model.str(c.statusMessage))}});
        }
        std::cout << nlohmann::ordered_json{{"spans", list}}.dump(2) << '\n';
        return kExitOk;
    }
    for (uint32_t s : spans) {
        const SpanCold &c = model.cold[s];
        std::cout << c.traceId.hex() << '/' << c.spanId.hex() << "  " << model.str(model.hot[s].name);
        if (c.statusMessage)
            std::cout << ": " << model.str(c.statusMessage);
        std::cout << '\n';
    }
    return kExitOk;
}

const CommandRegistrar chainRegistration({"chain", "traces causally linked to a trace or span, following span links",
    "Usage: causeway chain [--upstream|--downstream|--both] [--depth N] [--timing] [--json] REF FILE...\n\n"
    "REF is TRACEID or TRACEID/SPANID in hex; any unique prefix of an id will do\n"
    "(such as the 8-digit short ids the views show). A link on span S pointing to span T\n"
    "says T caused S.\n\n"
    "  --upstream     follow links from linking spans to their targets (causes)\n"
    "  --downstream   follow links backwards, to the spans that link here (effects)\n"
    "  --both         either way: every trace connected by links (the default)\n"
    "  --depth N      at most N hops (default: no limit)\n"
    "  --json         {\"traces\": [TRACEID, ...]}, sorted, including the start\n"
    "  --timing       where the chain's time goes: elapsed from its first span to its\n"
    "                 last, split into time inside traces and between them (queues,\n"
    "                 batching, back-off), per trace in start order with the lag of\n"
    "                 the link that reached it; overlapping traces count once. With\n"
    "                 --json: {startNanos, endNanos, elapsedNanos, insideNanos,\n"
    "                 betweenNanos, hops: [{traceId, root, service, hops, startNanos,\n"
    "                 endNanos, waitBeforeNanos, insideNanos, via}]}\n\n"
    "For a span reference the first hop uses only that span's links; later hops\n"
    "use any span of the traces reached. Text output: one trace per line with its\n"
    "hops from the start and its root span's name (with --timing, and its service).\n\n"
    "With --backend, traces that are not in the files are fetched as the links\n"
    "lead to them (at most 10 hops; downstream needs Tempo); FILEs are optional.\n\n" + std::string(kBackendUsage),
    chainCommand});

const CommandRegistrar errorsRegistration({"errors", "error spans in the traces downstream (or upstream) of a trace or span",
    "Usage: causeway errors --downstream-of REF [--depth N] [--json] FILE...\n"
    "       causeway errors --upstream-of REF [--depth N] [--json] FILE...\n\n"
    "Lists the spans with status ERROR in the traces that REF (TRACEID or\n"
    "TRACEID/SPANID, hex, or any unique prefix of them) caused through span links, directly or not; the\n"
    "start trace itself is not included. With --upstream-of, in the traces that caused\n"
    "REF instead: the failed items of a batch that links to them.\n\n"
    "  --depth N   at most N hops (default: no limit)\n"
    "  --json      {\"spans\": [{\"traceId\", \"spanId\", \"name\", \"message\"}]},\n"
    "              sorted by trace id, then span id\n\n"
    "With --backend, the traces downstream are found in the backend too (Tempo's\n"
    "TraceQL link search), the traces upstream by their ids (at most 10 hops);\n"
    "FILEs are optional.\n\n" + std::string(kBackendUsage),
    errorsCommand});

} // namespace

} // namespace causeway::app
