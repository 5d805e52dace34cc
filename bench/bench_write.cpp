// Writing and reading OTLP with causeway's own encoders and protobuf decoder.
//
//   bench_write [--size 200M] [--runs 3]
//
// Builds a model of about --size bytes of OTLP protobuf (synthetic data from
// otlpgen.h, loaded once and repeated), then measures, best of --runs:
//
//   copy floor     writing a buffer of the output's size to the same sink
//   write proto    causeway::writeModel(OtlpProto)
//   write json     causeway::writeModel(OtlpJson)
//   write jsonl    causeway::writeModel(OtlpJsonLines)
//   read pb        loadBuffer of the protobuf bytes (decode only, no finalize)
//   read json      loadBuffer of the OTLP/JSON bytes (decode only, no finalize)
//
// Sinks discard the bytes (a counting streambuf), so the figures are the
// encoders' CPU cost; `x floor` is time / copy-floor time of the same size.

#include "core/load.h"
#include "core/writer.h"
#include "otlpgen.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <streambuf>

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Counts what is written and keeps nothing.
class CountingBuf : public std::streambuf
{
public:
    uint64_t count = 0;

protected:
    int_type overflow(int_type c) override
    {
        if (c != traits_type::eof())
            ++count;
        return traits_type::not_eof(c);
    }
    std::streamsize xsputn(const char *, std::streamsize n) override
    {
        count += uint64_t(n);
        return n;
    }
};

struct Row
{
    const char *name;
    double best = 1e300;
    uint64_t bytes = 0;
};

} // namespace

int main(int argc, char **argv)
{
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    uint64_t target = uint64_t(200) << 20;
    int runs = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--size" && i + 1 < argc)
            target = causeway::bench::parseSize(argv[++i]);
        else if (a == "--runs" && i + 1 < argc)
            runs = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: bench_write [--size 200M] [--runs 3]\n");
            return 2;
        }
    }

    // A 20 MB synthetic JSON sample, loaded once and written as protobuf.
    std::string seedJson;
    {
        char *buf = nullptr;
        size_t len = 0;
        std::FILE *mem = open_memstream(&buf, &len);
        causeway::bench::GenStats stats;
        causeway::bench::OtlpGenerator gen(causeway::bench::OtlpGenerator::Format::Json, 42);
        gen.write(mem, uint64_t(20) << 20, stats);
        std::fclose(mem);
        seedJson.assign(buf, len);
        std::free(buf);
    }
    std::string seedPb;
    {
        causeway::Model seed;
        const auto r = causeway::loadBuffer("seed.json", seedJson, seed);
        if (!r.ok) {
            std::fprintf(stderr, "bench_write: %s\n", r.error.text().c_str());
            return 1;
        }
        std::ostringstream out;
        std::string error;
        causeway::writeModel(seed, causeway::OutputFormat::OtlpProto, out, error);
        seedPb = out.str();
    }
    // Concatenated TracesData messages are one TracesData message.
    std::string pb;
    while (pb.size() < target)
        pb += seedPb;

    causeway::Model model;
    if (auto r = causeway::loadBuffer("big.pb", pb, model); !r.ok) {
        std::fprintf(stderr, "bench_write: %s\n", r.error.text().c_str());
        return 1;
    }
    std::string json;
    {
        std::ostringstream out;
        std::string error;
        causeway::writeModel(model, causeway::OutputFormat::OtlpJson, out, error);
        json = out.str();
    }
    std::printf("%zu spans; protobuf %.1f MB, OTLP/JSON %.1f MB\n", model.spanCount(), double(pb.size()) / 1e6,
        double(json.size()) / 1e6);

    Row rows[] = {{"copy floor pb"}, {"copy floor json"}, {"write proto"}, {"write json"}, {"write jsonl"}, {"read pb"}, {"read json"}};
    for (int run = 0; run < runs; ++run) {
        auto timeWrite = [&](Row &row, causeway::OutputFormat f) {
            CountingBuf sink;
            std::ostream out(&sink);
            std::string error;
            const auto t0 = Clock::now();
            causeway::writeModel(model, f, out, error);
            row.best = std::min(row.best, since(t0));
            row.bytes = sink.count;
        };
        auto timeCopy = [&](Row &row, const std::string &bytes) {
            CountingBuf sink;
            std::ostream out(&sink);
            const auto t0 = Clock::now();
            // The encoders' own cost floor: bytes produced in 1 MiB pieces.
            std::string piece;
            for (size_t at = 0; at < bytes.size(); at += size_t(1) << 20) {
                piece.assign(bytes, at, size_t(1) << 20);
                out.write(piece.data(), std::streamsize(piece.size()));
            }
            row.best = std::min(row.best, since(t0));
            row.bytes = sink.count;
        };
        auto timeRead = [&](Row &row, const std::string &bytes) {
            causeway::Model m;
            const auto t0 = Clock::now();
            causeway::loadBuffer("bench", bytes, m);
            row.best = std::min(row.best, since(t0));
            row.bytes = bytes.size();
        };
        timeCopy(rows[0], pb);
        timeCopy(rows[1], json);
        timeWrite(rows[2], causeway::OutputFormat::OtlpProto);
        timeWrite(rows[3], causeway::OutputFormat::OtlpJson);
        timeWrite(rows[4], causeway::OutputFormat::OtlpJsonLines);
        timeRead(rows[5], pb);
        timeRead(rows[6], json);
    }

    const double spans = double(model.spanCount());
    std::printf("best of %d runs\n%-16s %9s %9s %9s %11s %8s\n", runs, "approach", "MB", "s", "MB/s", "Mspans/s", "x floor");
    for (const Row &r : rows) {
        const bool jsonSized = std::string(r.name).find("json") != std::string::npos;
        const double floor = jsonSized ? rows[1].best : rows[0].best;
        std::printf("%-16s %9.1f %9.3f %9.0f %11.2f %8.1f\n", r.name, double(r.bytes) / 1e6, r.best,
            double(r.bytes) / 1e6 / r.best, spans / r.best / 1e6, r.best / floor);
    }
    std::printf("read pb spans/s / read json spans/s = %.1fx\n", rows[6].best / rows[5].best);
    return 0;
}
