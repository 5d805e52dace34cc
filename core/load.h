#pragma once
// Loading trace files into a Model: read, decompress, sniff the format from
// the first bytes, dispatch to a reader, merge, finalize.

#include "core/model.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace causeway {

enum class Format {
    Unknown,
    OtlpJson,        // one JSON document (TracesData, ExportTraceServiceRequest, or a backend wrapper)
    OtlpJsonLines,   // one JSON document per line (Collector file exporter)
    OtlpProto,       // one TracesData / ExportTraceServiceRequest message
    OtlpProtoFramed, // Collector file exporter: 4-byte big-endian length before each message
    JaegerJson,      // Jaeger v1 query API / Jaeger UI download: {"data":[{traceID, spans, processes}]}
    ZipkinJson,      // Zipkin v2: a list of spans (or a list of such lists)
    Gzip,
    Zstd,
};

const char *formatName(Format f);

// Guess the format from the first bytes. Never looks at the file name.
Format sniffFormat(std::string_view bytes);

// Half of what this process can hold (physical memory, cgroup limit, address
// space rlimit), at most 8 GiB: the default for LoadOptions::maxDecompressedBytes.
uint64_t defaultMaxDecompressedBytes();

struct LoadOptions
{
    // Decompressed size limit per file: a gzip/zstd bomb stops here with an
    // error. Also bounds what is read from a pipe or device.
    uint64_t maxDecompressedBytes = defaultMaxDecompressedBytes();
    // Parser threads for large JSON documents (0: hardware concurrency).
    unsigned threads = 0;
    // Called now and then with the fraction done (0..1) of the whole load.
    std::function<void(double)> progress;
    // When set, holds the number of spans read so far (all files) each time
    // `progress` is called: a figure in spans for the user, not only percent.
    std::atomic<uint64_t> *spansRead = nullptr;
    // Set to true from another thread to abandon the load.
    const std::atomic<bool> *cancel = nullptr;
    // The format when the caller knows it (a receiver told the content type):
    // loadBuffer() then reads it as that without sniffing. Unknown: sniff.
    Format format = Format::Unknown;
};

// A fatal error: which file, where, and what was wrong.
struct LoadError
{
    std::string file;
    uint64_t offset = 0;     // byte offset in the (decompressed) input
    uint64_t line = 0;       // 1-based line, 0 when not meaningful
    std::string message;
    // "FILE: line L: MESSAGE" / "FILE: byte O: MESSAGE" / "FILE: MESSAGE"
    std::string text() const;
};

struct LoadResult
{
    bool ok = true;
    bool cancelled = false;
    LoadError error;           // set when !ok && !cancelled
    uint64_t bytesRead = 0;
    uint64_t spansAdded = 0;
};

// Reads one buffer (already in memory) into `out`, which is not finalized.
// `name` is used in messages. Records with problems are skipped or repaired
// with diagnostics in out.diagnostics; a structural problem is fatal.
LoadResult loadBuffer(std::string_view name, std::string_view bytes, Model &out, const LoadOptions &options = {});

// Loads every file into `model` (merging into what it holds) and finalizes it.
// Stops at the first fatal error; the model then holds what earlier files gave.
LoadResult loadFiles(const std::vector<std::string> &paths, Model &model, const LoadOptions &options = {});

// Reads a whole file into memory. Returns false with a message on failure.
bool readFile(const std::string &path, std::string &out, std::string &error);

} // namespace causeway
