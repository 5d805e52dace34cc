// Headless commands over the loaded model: stats, links, convert.

#include "app/cli.h"

#include "core/load.h"
#include "core/jsonexport.h"
#include "core/writer.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

namespace causeway::app {

namespace {

const char *severityName(Severity s)
{
    switch (s) {
    case Severity::Info: return "info";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
    }
    return "warning";
}

int stats(const std::vector<std::string> &argv)
{
    Args args;
    std::string error;
    if (!args.parse(argv, {}, {"--json"}, error))
        return usageError("stats", error);
    if (args.positionals().empty())
        return usageError("stats", "no input files");
    Model model;
    if (!loadForCommand(args.positionals(), model))
        return kExitError;

    uint64_t resolved = 0, crossTrace = 0, errors = 0, dropped = 0;
    for (const auto &l : model.links) {
        resolved += l.resolved();
        crossTrace += l.traceId != model.cold[l.from].traceId;
    }
    for (const auto &h : model.hot)
        errors += h.status == StatusCode::Error;
    for (const auto &c : model.cold)
        dropped += c.droppedLinksCount;

    nlohmann::ordered_json out;
    out["traces"] = model.traces.size();
    out["spans"] = model.spanCount();
    out["links"] = model.links.size();
    out["resolvedLinks"] = resolved;
    out["unresolvedLinks"] = model.links.size() - resolved;
    out["crossTraceLinks"] = crossTrace;
    out["errorSpans"] = errors;
    out["droppedLinks"] = dropped;
    out["diagnostics"] = nlohmann::ordered_json::array();
    for (const auto &d : model.diagnostics.items())
        out["diagnostics"].push_back({{"severity", severityName(d.severity)}, {"code", d.code}, {"count", d.count}, {"message", d.message}});

    if (args.flag("--json")) {
        std::cout << out.dump(2) << '\n';
        return kExitOk;
    }
    std::cout << "traces            " << model.traces.size() << '\n'
              << "spans             " << model.spanCount() << '\n'
              << "links             " << model.links.size() << " (" << resolved << " resolved, "
              << model.links.size() - resolved << " unresolved, " << crossTrace << " across traces)\n"
              << "error spans       " << errors << '\n'
              << "dropped links     " << dropped << '\n';
    if (!model.diagnostics.empty()) {
        std::cout << "diagnostics:\n";
        for (const auto &d : model.diagnostics.items())
            std::cout << "  " << severityName(d.severity) << ' ' << d.code << " x" << d.count << ": " << d.message << '\n';
    }
    return kExitOk;
}

int links(const std::vector<std::string> &argv)
{
    Args args;
    std::string error;
    if (!args.parse(argv, {}, {"--json"}, error))
        return usageError("links", error);
    if (args.positionals().empty())
        return usageError("links", "no input files");
    Model model;
    if (!loadForCommand(args.positionals(), model))
        return kExitError;

    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto &l : model.links) {
        const auto &from = model.cold[l.from];
        nlohmann::ordered_json entry;
        entry["from"] = {{"traceId", from.traceId.hex()}, {"spanId", from.spanId.hex()}};
        entry["to"] = {{"traceId", l.traceId.hex()}, {"spanId", l.spanId.hex()}};
        entry["resolved"] = l.resolved();
        entry["attributes"] = attributesToJson(model, l.attributes);
        list.push_back(std::move(entry));
    }
    if (args.flag("--json")) {
        std::cout << nlohmann::ordered_json{{"links", list}}.dump(2) << '\n';
        return kExitOk;
    }
    for (const auto &l : model.links) {
        const auto &from = model.cold[l.from];
        std::cout << from.traceId.hex() << '/' << from.spanId.hex() << " -> " << l.traceId.hex() << '/' << l.spanId.hex()
                  << (l.resolved() ? "" : "  (unresolved)") << "  " << model.str(model.hot[l.from].name) << '\n';
    }
    return kExitOk;
}

int convert(const std::vector<std::string> &argv)
{
    Args args;
    std::string error;
    if (!args.parse(argv, {"--to", "-o", "--output"}, {}, error))
        return usageError("convert", error);
    auto to = args.value("--to");
    auto output = args.value("-o");
    if (!output)
        output = args.value("--output");
    if (!to)
        return usageError("convert", "--to is required (otlp-json, otlp-jsonl or otlp-proto)");
    if (!output)
        return usageError("convert", "-o OUT is required");
    if (args.positionals().empty())
        return usageError("convert", "no input files");
    OutputFormat format;
    if (*to == "otlp-json")
        format = OutputFormat::OtlpJson;
    else if (*to == "otlp-jsonl")
        format = OutputFormat::OtlpJsonLines;
    else if (*to == "otlp-proto")
        format = OutputFormat::OtlpProto;
    else
        return usageError("convert", "unknown format '" + *to + "' (otlp-json, otlp-jsonl or otlp-proto)");

    Model model;
    if (!loadForCommand(args.positionals(), model))
        return kExitError;
    std::ofstream out(*output, std::ios::binary | std::ios::trunc);
    if (!out)
        return fatalError(*output + ": cannot open for writing");
    if (!writeModel(model, format, out, error))
        return fatalError(*output + ": " + error);
    out.close();
    if (!out)
        return fatalError(*output + ": write failed");
    for (const auto &d : model.diagnostics.items())
        std::cerr << "causeway: " << severityName(d.severity) << ' ' << d.code << " x" << d.count << ": " << d.message << '\n';
    return kExitOk;
}

const CommandRegistrar statsCommand({"stats", "counts of traces, spans and links, and load diagnostics",
    "Usage: causeway stats [--json] FILE...\n\n"
    "Loads FILEs into one model and prints counts of traces, spans, links (resolved,\n"
    "unresolved, across traces), error spans, dropped links, and what was skipped.\n\n"
    "  --json   one JSON object: traces, spans, links, resolvedLinks, unresolvedLinks,\n"
    "           crossTraceLinks, errorSpans, droppedLinks, diagnostics\n",
    stats});

const CommandRegistrar linksCommand({"links", "every span link: from, to, resolved, attributes",
    "Usage: causeway links [--json] FILE...\n\n"
    "Lists every Span.links entry. With --json: {\"links\": [{\"from\": {traceId, spanId},\n"
    "\"to\": {traceId, spanId}, \"resolved\", \"attributes\"}]}, ids in lowercase hex.\n",
    links});

const CommandRegistrar convertCommand({"convert", "write the loaded model as OTLP/JSON, JSON Lines or protobuf",
    "Usage: causeway convert --to otlp-json|otlp-jsonl|otlp-proto -o OUT FILE...\n\n"
    "Loads FILEs into one model and writes it back out, losslessly: loading OUT\n"
    "gives the same model, field for field.\n",
    convert});

} // namespace

} // namespace causeway::app
