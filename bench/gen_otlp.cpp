// gen_otlp: writes synthetic OTLP/JSON of a chosen size for load benchmarks.
//
//   gen_otlp --size 200M --out FILE [--format json|jsonl] [--seed N]
//
// The same arguments always give the same bytes.

#include "otlpgen.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

int usage(const char *message)
{
    if (message)
        std::fprintf(stderr, "gen_otlp: %s\n", message);
    std::fprintf(stderr,
        "usage: gen_otlp --size SIZE --out FILE [--format json|jsonl] [--seed N]\n"
        "  SIZE   bytes, or with a suffix k, M or G (200M)\n"
        "  json   one TracesData document (default)\n"
        "  jsonl  one ExportTraceServiceRequest per line, as the Collector's file exporter writes\n");
    return 2;
}

} // namespace

int main(int argc, char **argv)
{
    using causeway::bench::OtlpGenerator;
    uint64_t size = 0;
    std::string out;
    OtlpGenerator::Format format = OtlpGenerator::Format::Json;
    uint64_t seed = 42;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h")
            return usage(nullptr), 0;
        if (i + 1 >= argc)
            return usage(("missing value after " + std::string(arg)).c_str());
        const std::string_view value = argv[++i];
        if (arg == "--size") {
            size = causeway::bench::parseSize(value);
            if (!size)
                return usage("--size wants a positive size such as 200M");
        } else if (arg == "--out") {
            out = value;
        } else if (arg == "--format") {
            if (value == "json")
                format = OtlpGenerator::Format::Json;
            else if (value == "jsonl")
                format = OtlpGenerator::Format::JsonLines;
            else
                return usage("--format is json or jsonl");
        } else if (arg == "--seed") {
            char *end = nullptr;
            seed = std::strtoull(argv[i], &end, 10);
            if (*end)
                return usage("--seed wants a number");
        } else {
            return usage(("unknown option " + std::string(arg)).c_str());
        }
    }
    if (!size || out.empty())
        return usage("--size and --out are required");

    std::FILE *file = out == "-" ? stdout : std::fopen(out.c_str(), "wb");
    if (!file) {
        std::perror(out.c_str());
        return 1;
    }
    causeway::bench::GenStats stats;
    OtlpGenerator generator(format, seed);
    const bool written = generator.write(file, size, stats);
    if ((file != stdout && std::fclose(file) != 0) || !written) {
        std::perror(out.c_str());
        return 1;
    }
    std::fprintf(stderr, "%s: %llu bytes, %llu traces, %llu spans, %llu links (%llu unresolved), %llu events, %llu lines\n",
                 out.c_str(), (unsigned long long)stats.bytes, (unsigned long long)stats.traces,
                 (unsigned long long)stats.spans, (unsigned long long)stats.links,
                 (unsigned long long)stats.unresolvedLinks, (unsigned long long)stats.events,
                 (unsigned long long)stats.lines);
    return 0;
}
