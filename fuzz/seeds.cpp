// Writes the seed corpus of every fuzz target from the test data: each file
// as it is, plus what Causeway writes from it (OTLP/JSON, JSON Lines,
// protobuf, the Collector's framing with a plain and a zstd frame, gzip and
// zstd of each), so every target starts from valid input of its format.
//   causeway_fuzz_seeds OUT_DIR FILE...
#include "core/load.h"
#include "core/writer.h"

#include <zlib.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace fs = std::filesystem;
using namespace causeway;

namespace {

// Larger files slow every execution and add little coverage.
constexpr uintmax_t maxSeedBytes = 64 * 1024;

fs::path outDir;

void put(const std::string &target, const std::string &name, const std::string &bytes)
{
    fs::create_directories(outDir / target);
    std::ofstream(outDir / target / name, std::ios::binary) << bytes;
}

std::string gzip(const std::string &in)
{
    z_stream z{};
    deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, uLong(in.size())) + 32, '\0');
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
    z.avail_in = uInt(in.size());
    z.next_out = reinterpret_cast<Bytef *>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string zstd(const std::string &in)
{
    std::string out(ZSTD_compressBound(in.size()), '\0');
    out.resize(ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 19));
    return out;
}

std::string frame(const std::string &message)
{
    const uint32_t n = uint32_t(message.size());
    const char length[4] = {char(n >> 24), char(n >> 16), char(n >> 8), char(n)};
    return std::string(length, 4) + message;
}

std::string write(const Model &model, OutputFormat format)
{
    std::ostringstream out;
    std::string error;
    writeModel(model, format, out, error);
    return std::move(out).str();
}

// Where a file as it is goes: the target for its format.
const char *targetFor(Format format)
{
    switch (format) {
    case Format::OtlpJson:
    case Format::OtlpJsonLines: return "json";
    case Format::OtlpProto: return "proto";
    case Format::OtlpProtoFramed: return "proto_framed";
    case Format::Gzip:
    case Format::Zstd: return "compressed";
    case Format::JaegerJson:
    case Format::ZipkinJson: // read through the sniffer by the round-trip target
    case Format::Unknown: break;
    }
    return nullptr;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::cerr << "usage: causeway_fuzz_seeds OUT_DIR FILE...\n";
        return 2;
    }
    outDir = argv[1];
    fs::remove_all(outDir);
    int seeds = 0;
    for (int i = 2; i < argc; ++i) {
        const fs::path path = argv[i];
        if (fs::file_size(path) > maxSeedBytes)
            continue;
        std::string bytes, error;
        if (!readFile(path.string(), bytes, error)) {
            std::cerr << path.string() << ": " << error << '\n';
            return 1;
        }
        // Names keep the directory: tests/data has equal names in different folders.
        const std::string name = path.parent_path().filename().string() + "_" + path.filename().string();
        if (const char *target = targetFor(sniffFormat(bytes))) {
            put(target, name, bytes);
            ++seeds;
        }
        Model model;
        if (!loadBuffer(name, bytes, model).ok)
            continue;
        model.finalize();
        put("roundtrip", name, bytes);
        const std::string proto = write(model, OutputFormat::OtlpProto);
        const std::string json = write(model, OutputFormat::OtlpJson);
        const std::string jsonl = write(model, OutputFormat::OtlpJsonLines);
        put("json", name + ".written.json", json);
        put("json", name + ".written.jsonl", jsonl);
        put("proto", name + ".written.pb", proto);
        put("proto_framed", name + ".framed.bin", frame(proto) + frame(zstd(proto)));
        put("compressed", name + ".json.gz", gzip(json));
        put("compressed", name + ".jsonl.zst", zstd(jsonl));
        put("compressed", name + ".pb.gz", gzip(proto));
        put("compressed", name + ".pb.zst", zstd(proto));
        put("roundtrip", name + ".written.pb", proto);
        seeds += 9;
    }
    std::cout << "fuzz seeds: " << seeds << " files in " << outDir.string() << '\n';
    return seeds > 0 ? 0 : 1;
}
