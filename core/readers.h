#pragma once
// The format readers behind loadBuffer(). Internal to the core.
//
// Each reader appends to a Model that is not yet finalized, through a
// ModelBuilder (core/modelbuilder.h), which keeps every list contiguous.
//
// A problem in one record is counted in model.diagnostics (an entry of
// core/diagnosticcodes.inc, first place as "NAME: byte N" or "NAME: line N")
// and the record is skipped or repaired; a structural problem returns false
// and fills `error`.

#include "core/load.h"

namespace causeway::detail {

// AnyValue nesting (arrays and kvlists in values) deeper than this is cut,
// with a value_too_deep warning, by every reader alike.
inline constexpr int kMaxAnyValueDepth = 64;

struct ReadContext
{
    std::string_view name;           // file name for messages
    const LoadOptions *options = nullptr;
    // Readers call this with the end offset of the input they are done with,
    // so a memory-mapped file's pages can be released as the load advances,
    // and with the fraction of progress. May be empty.
    std::function<void(uint64_t doneUpTo)> consumed;
    // When the input is a regular file's whole contents mapped into memory,
    // its descriptor (-1 otherwise): a reader going through a stretch of it
    // once may copy the stretch into a buffer it reuses (copy()) instead of
    // reading the mapping. The first read of each page of a fresh mapping
    // costs far more than a copy on some machines (on a shadow-paging VM,
    // one exit to the hypervisor per 4 KB page: ~0.4 s per GB here, against
    // 0.08 s to copy the same GB through a reused 1 MB buffer).
    int fd = -1;
    std::string_view mapped{}; // the mapping fd's contents are read through

    bool cancelled() const { return options && options->cancel && options->cancel->load(std::memory_order_relaxed); }
    void done(uint64_t upTo) const
    {
        if (consumed)
            consumed(upTo);
    }
    // Copies `part`, a view into `mapped`, from the file into `out`; false
    // when there is no descriptor, `part` lies elsewhere (a decompressed or
    // repaired copy) or the file gave fewer bytes (it shrank): the caller
    // then reads `part` itself.
    bool copy(std::string_view part, char *out) const;
};

// OTLP/JSON: a TracesData / ExportTraceServiceRequest document, a backend
// wrapper ({"result":...}, {"batches":[...]}, {"trace":{...}}), or JSON Lines.
bool readOtlpJson(std::string_view bytes, bool jsonLines, const ReadContext &ctx, Model &out, LoadError &error);

// OTLP protobuf: one TracesData message, or the Collector file exporter's
// framing (4-byte big-endian length before each message, each optionally zstd).
bool readOtlpProto(std::string_view bytes, bool framed, const ReadContext &ctx, Model &out, LoadError &error);

// Jaeger JSON: a v1 query API response / Jaeger UI download ({"data": [...]}
// or {"data": {...}}), one trace object, or an array of trace objects.
bool readJaegerJson(std::string_view bytes, const ReadContext &ctx, Model &out, LoadError &error);

// Zipkin v2 JSON: a list of spans, or a list of lists of spans.
bool readZipkinJson(std::string_view bytes, const ReadContext &ctx, Model &out, LoadError &error);

// Decompress gzip or zstd (by magic) into out, refusing past `limit` bytes.
bool decompress(std::string_view bytes, uint64_t limit, std::string &out, std::string &error);

} // namespace causeway::detail
