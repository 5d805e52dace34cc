// bench_load: how fast and how lean loading OTLP is, against two baselines
// measured in the same run.
//
//   bench_load [FILE] [--runs N] [--size 200M] [--format json|jsonl] [--threads N]
//
// Without FILE, a synthetic file of --size (default 200M) is generated into
// /tmp (deterministic, reused when already there). Approaches:
//   cat          `cat FILE > /dev/null`: the floor a shell user sees
//   read         read the file into memory
//   python       Python's json.load (json.loads per line for JSON Lines)
//   nlohmann     read + parse into an nlohmann::json DOM: the naive approach
//   simdjson     parsing alone with simdjson, counting spans, nothing kept:
//                JSON Lines on two threads (lines split at the middle byte),
//                one document with the on-demand API on one thread
//   load json    causeway::loadFiles of the OTLP/JSON file
//   read pb      read the protobuf copy into memory
//   load pb      causeway::loadFiles of the same data written as OTLP protobuf
//                by causeway::writeModel
// Each run of each approach happens in a fresh child process, so its peak RSS
// (wait4 ru_maxrss) is its own; the file is read once beforehand so it sits in
// the page cache. Runs are interleaved across approaches to spread noise.

#include "otlpgen.h"

#include "core/allocator.h"
#include "core/load.h"
#include "core/writer.h"

#include <simdjson.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <malloc.h>
#include <fstream>
#include <functional>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <spawn.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// What a child reports back through a pipe.
struct Sample
{
    double seconds = 0;
    uint64_t spans = 0;
    uint64_t modelBytes = 0;
    // Model::memoryBreakdown() of a load, passed through the pipe as plain bytes.
    struct Part
    {
        char name[24];
        uint64_t bytes;
    };
    Part parts[24] = {};
    uint32_t partCount = 0;
    uint64_t peakRssBytes = 0; // filled by the parent from wait4
    double cpuSeconds = 0;     // user + system time of the child, from wait4
    bool ok = false;
    char error[512] = {};
};

void setError(Sample &s, const std::string &message)
{
    s.ok = false;
    std::snprintf(s.error, sizeof s.error, "%s", message.c_str());
}

// Runs fn in a forked child and returns its sample with the child's peak RSS.
Sample inChild(const std::function<void(Sample &)> &fn)
{
    int fds[2];
    if (pipe(fds) != 0) {
        Sample s;
        setError(s, std::string("pipe: ") + std::strerror(errno));
        return s;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    // Nothing the parent has freed is left for the child to take, shared
    // until written, and copy page by page.
    malloc_trim(0);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        // As the causeway executable does.
        causeway::applyAllocatorPolicy();
        Sample s;
        fn(s);
        const char *p = reinterpret_cast<const char *>(&s);
        size_t left = sizeof s;
        while (left) {
            ssize_t n = write(fds[1], p, left);
            if (n <= 0)
                break;
            p += n;
            left -= size_t(n);
        }
        _exit(0);
    }
    close(fds[1]);
    Sample s;
    if (pid < 0) {
        close(fds[0]);
        setError(s, std::string("fork: ") + std::strerror(errno));
        return s;
    }
    char *p = reinterpret_cast<char *>(&s);
    size_t got = 0;
    while (got < sizeof s) {
        ssize_t n = read(fds[0], p + got, sizeof s - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += size_t(n);
    }
    close(fds[0]);
    int status = 0;
    struct rusage usage{};
    while (wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    if (got != sizeof s) {
        s = Sample{};
        setError(s, WIFSIGNALED(status) ? "child killed by signal " + std::to_string(WTERMSIG(status))
                                        : std::string("child exited without a result"));
    }
    s.peakRssBytes = uint64_t(usage.ru_maxrss) * 1024;
    s.cpuSeconds = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    return s;
}

uint64_t fileSize(const std::string &path)
{
    struct stat st{};
    return stat(path.c_str(), &st) == 0 ? uint64_t(st.st_size) : 0;
}

// read(2) into one buffer of the file's size: the least any loader must do.
bool readWhole(const std::string &path, std::string &out, std::string &error)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
    out.resize(fileSize(path));
    size_t got = 0;
    while (got < out.size()) {
        ssize_t n = read(fd, out.data() + got, out.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += size_t(n);
    }
    close(fd);
    out.resize(got);
    return true;
}

// Reads a file once without keeping it, so later runs find it in the page cache.
void warmPageCache(const std::string &path)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    std::vector<char> buf(1 << 20);
    while (read(fd, buf.data(), buf.size()) > 0) {
    }
    close(fd);
}

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void approachRead(const std::string &path, Sample &s)
{
    const auto t0 = Clock::now();
    std::string data, error;
    if (!readWhole(path, data, error))
        return setError(s, error);
    s.seconds = since(t0);
    s.ok = !data.empty();
}

// Runs a program with stdout to /dev/null and waits; false when it fails.
bool runProgram(const std::vector<std::string> &args, std::string &error)
{
    std::vector<char *> argv;
    for (const auto &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        error = args[0] + ": " + std::strerror(rc);
        return false;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        error = args[0] + " failed";
        return false;
    }
    return true;
}

void approachCat(const std::string &path, Sample &s)
{
    const auto t0 = Clock::now();
    std::string error;
    if (!runProgram({"cat", path}, error))
        return setError(s, error);
    s.seconds = since(t0);
    s.ok = true;
}

void approachPython(const std::string &path, bool jsonLines, Sample &s)
{
    const char *script = jsonLines
        ? "import json,sys\nn=0\nfor l in open(sys.argv[1],'rb'):\n  if l.strip():\n    json.loads(l); n+=1\n"
        : "import json,sys\njson.load(open(sys.argv[1],'rb'))\n";
    const auto t0 = Clock::now();
    std::string error;
    if (!runProgram({"python3", "-c", script, path}, error))
        return setError(s, error);
    s.seconds = since(t0);
    s.ok = true;
}

uint64_t countSpansSimd(simdjson::dom::element doc)
{
    uint64_t n = 0;
    simdjson::dom::array rss, sss, spans;
    if (doc["resourceSpans"].get(rss))
        return 0;
    for (auto rs : rss) {
        if (rs["scopeSpans"].get(sss))
            continue;
        for (auto ss : sss)
            if (!ss["spans"].get(spans))
                n += spans.size();
    }
    return n;
}

// simdjson alone: what parsing costs with nothing built.
void approachSimdjson(const std::string &path, bool jsonLines, Sample &s)
{
    const auto t0 = Clock::now();
    std::string data, error;
    if (!jsonLines) {
        simdjson::padded_string text;
        if (simdjson::padded_string::load(path).get(text))
            return setError(s, "simdjson cannot read " + path);
        simdjson::ondemand::parser parser;
        simdjson::ondemand::document doc;
        if (parser.iterate(text).get(doc))
            return setError(s, "simdjson refuses " + path);
        uint64_t n = 0;
        for (auto rs : doc["resourceSpans"].get_array())
            for (auto ss : rs["scopeSpans"].get_array())
                for (auto span : ss["spans"].get_array()) {
                    std::string_view id;
                    if (span["traceId"].get_string().get(id))
                        return setError(s, "a span without traceId");
                    ++n;
                }
        s.seconds = since(t0);
        s.spans = n;
        s.ok = true;
        return;
    }
    if (!readWhole(path, data, error))
        return setError(s, error);
    const size_t middle = data.find('\n', data.size() / 2);
    uint64_t counts[2] = {};
    auto part = [&](size_t begin, size_t end, uint64_t &n) {
        simdjson::dom::parser parser;
        while (begin < end) {
            size_t eol = data.find('\n', begin);
            if (eol == std::string::npos || eol > end)
                eol = end;
            if (eol > begin) {
                simdjson::dom::element doc;
                if (!parser.parse(data.data() + begin, eol - begin, true).get(doc))
                    n += countSpansSimd(doc);
            }
            begin = eol + 1;
        }
    };
    std::thread other(part, 0, std::min(middle, data.size()), std::ref(counts[0]));
    part(std::min(middle, data.size()), data.size(), counts[1]);
    other.join();
    s.seconds = since(t0);
    s.spans = counts[0] + counts[1];
    s.ok = true;
}

uint64_t countSpans(const nlohmann::json &doc)
{
    uint64_t n = 0;
    auto it = doc.find("resourceSpans");
    if (it == doc.end() || !it->is_array())
        return 0;
    for (const auto &rs : *it) {
        auto ss = rs.find("scopeSpans");
        if (ss == rs.end())
            continue;
        for (const auto &scope : *ss) {
            auto spans = scope.find("spans");
            if (spans != scope.end())
                n += spans->size();
        }
    }
    return n;
}

void approachNlohmann(const std::string &path, bool jsonLines, Sample &s)
{
    const auto t0 = Clock::now();
    std::string data, error;
    if (!readWhole(path, data, error))
        return setError(s, error);
    std::vector<nlohmann::json> docs;
    try {
        if (jsonLines) {
            size_t pos = 0;
            while (pos < data.size()) {
                size_t eol = data.find('\n', pos);
                if (eol == std::string::npos)
                    eol = data.size();
                if (eol > pos)
                    docs.push_back(nlohmann::json::parse(data.begin() + std::ptrdiff_t(pos), data.begin() + std::ptrdiff_t(eol)));
                pos = eol + 1;
            }
        } else {
            docs.push_back(nlohmann::json::parse(data));
        }
    } catch (const std::exception &e) {
        return setError(s, e.what());
    }
    s.seconds = since(t0);
    for (const auto &d : docs)
        s.spans += countSpans(d);
    s.ok = true;
}

void approachLoad(const std::string &path, unsigned threads, Sample &s)
{
    const auto t0 = Clock::now();
    causeway::Model model;
    causeway::LoadOptions options;
    options.threads = threads;
    const causeway::LoadResult r = causeway::loadFiles({path}, model, options);
    s.seconds = since(t0);
    if (!r.ok)
        return setError(s, r.error.text());
    s.spans = model.spanCount();
    s.modelBytes = model.memoryUsage();
    for (const auto &part : model.memoryBreakdown()) {
        if (s.partCount == std::size(s.parts))
            break;
        Sample::Part &p = s.parts[s.partCount++];
        std::snprintf(p.name, sizeof p.name, "%s", part.name);
        p.bytes = part.bytes;
    }
    s.ok = true;
}

// Writes the protobuf copy of the JSON file with causeway's own writer.
Sample writeProto(const std::string &json, const std::string &pb, unsigned threads)
{
    return inChild([&](Sample &s) {
        causeway::Model model;
        causeway::LoadOptions options;
        options.threads = threads;
        const causeway::LoadResult r = causeway::loadFiles({json}, model, options);
        if (!r.ok)
            return setError(s, r.error.text());
        std::ofstream out(pb, std::ios::binary | std::ios::trunc);
        std::string error;
        if (!out || !causeway::writeModel(model, causeway::OutputFormat::OtlpProto, out, error))
            return setError(s, "writing " + pb + ": " + (error.empty() ? std::strerror(errno) : error));
        out.close();
        if (!out)
            return setError(s, "writing " + pb + ": " + std::strerror(errno));
        s.spans = model.spanCount();
        s.ok = true;
    });
}

struct Row
{
    std::string name;
    std::string file;
    uint64_t fileBytes = 0;
    std::vector<Sample> samples;
    std::string error;

    bool ok() const { return error.empty() && !samples.empty(); }
    std::vector<double> times() const
    {
        std::vector<double> t;
        for (const auto &s : samples)
            t.push_back(s.seconds);
        std::sort(t.begin(), t.end());
        return t;
    }
    double best() const { return times().front(); }
    double median() const
    {
        auto t = times();
        return t.size() % 2 ? t[t.size() / 2] : (t[t.size() / 2 - 1] + t[t.size() / 2]) / 2;
    }
    uint64_t peakRss() const // the median run's peak: one outlier does not decide
    {
        std::vector<uint64_t> r;
        for (const auto &s : samples)
            r.push_back(s.peakRssBytes);
        std::sort(r.begin(), r.end());
        return r[r.size() / 2];
    }
    double bestCpu() const
    {
        double best = samples.front().cpuSeconds;
        for (const auto &s : samples)
            best = std::min(best, s.cpuSeconds);
        return best;
    }
    uint64_t spans() const { return samples.empty() ? 0 : samples.front().spans; }
    uint64_t modelBytes() const { return samples.empty() ? 0 : samples.front().modelBytes; }
};

int usage(const char *message)
{
    if (message)
        std::fprintf(stderr, "bench_load: %s\n", message);
    std::fprintf(stderr, "usage: bench_load [FILE] [--runs N] [--size 200M] [--format json|jsonl] [--threads N] [--skip cat,read,python,nlohmann,simdjson,load,pb]\n");
    return 2;
}

constexpr double MB = 1024.0 * 1024.0;

} // namespace

int main(int argc, char **argv)
{
    std::string file;
    int runs = 3;
    uint64_t size = 200ull << 20;
    std::string format = "json";
    unsigned threads = 0;
    std::string skip; // ",python,nlohmann," : rows left out
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
        if (arg == "--help" || arg == "-h")
            return usage(nullptr), 0;
        if (arg == "--runs") {
            const char *v = value();
            runs = v ? std::atoi(v) : 0;
            if (runs < 1)
                return usage("--runs wants a positive number");
        } else if (arg == "--size") {
            const char *v = value();
            size = v ? causeway::bench::parseSize(v) : 0;
            if (!size)
                return usage("--size wants a size such as 200M");
        } else if (arg == "--format") {
            const char *v = value();
            format = v ? v : "";
            if (format != "json" && format != "jsonl")
                return usage("--format is json or jsonl");
        } else if (arg == "--skip") {
            const char *v = value();
            if (!v)
                return usage("--skip wants a list such as python,nlohmann");
            skip = std::string(",") + v + ",";
        } else if (arg == "--threads") {
            const char *v = value();
            if (!v)
                return usage("--threads wants a number");
            threads = unsigned(std::atoi(v));
        } else if (!arg.empty() && arg[0] == '-') {
            return usage(("unknown option " + arg).c_str());
        } else if (file.empty()) {
            file = arg;
        } else {
            return usage("one file at a time");
        }
    }

    if (file.empty()) {
        char name[128];
        std::snprintf(name, sizeof name, "/tmp/causeway-bench-%" PRIu64 "M.%s", size >> 20, format.c_str());
        file = name;
        if (fileSize(file) < size) {
            std::printf("generating %s ...\n", file.c_str());
            std::FILE *out = std::fopen(file.c_str(), "wb");
            causeway::bench::GenStats stats;
            causeway::bench::OtlpGenerator gen(format == "jsonl" ? causeway::bench::OtlpGenerator::Format::JsonLines
                                                                 : causeway::bench::OtlpGenerator::Format::Json, 42);
            if (!out || !gen.write(out, size, stats) || std::fclose(out) != 0) {
                std::fprintf(stderr, "bench_load: cannot write %s: %s\n", file.c_str(), std::strerror(errno));
                return 1;
            }
        }
    }
    const uint64_t jsonBytes = fileSize(file);
    if (!jsonBytes) {
        std::fprintf(stderr, "bench_load: %s: missing or empty\n", file.c_str());
        return 1;
    }
    // The sniffer decides JSON Lines from the first line and what follows
    // it (looking for that newline in the first 16 MB only), so hand it up to
    // just past the first newline, at most 17 MB: the forked children inherit
    // the parent's peak RSS, so the parent must never hold the whole file.
    std::string head;
    {
        std::FILE *f = std::fopen(file.c_str(), "rb");
        char buf[1 << 16];
        size_t n = 0, newline = std::string::npos;
        while (f && head.size() < (17u << 20) && (n = std::fread(buf, 1, sizeof buf, f)) > 0) {
            head.append(buf, n);
            if (newline == std::string::npos)
                newline = head.find('\n');
            if (newline != std::string::npos && head.size() > newline + 64)
                break;
        }
        if (f)
            std::fclose(f);
    }
    const causeway::Format sniffed = causeway::sniffFormat(head);
    const bool jsonLines = sniffed == causeway::Format::OtlpJsonLines;
    head = std::string(); // children inherit the parent's memory: keep it small
    if (sniffed != causeway::Format::OtlpJson && !jsonLines) {
        std::fprintf(stderr, "bench_load: %s is %s, not OTLP/JSON\n", file.c_str(), causeway::formatName(sniffed));
        return 1;
    }

    std::printf("file       %s (%s, %.1f MB)\n", file.c_str(), causeway::formatName(sniffed), double(jsonBytes) / MB);
    std::printf("machine    %ld cores online, loader threads %s\n", sysconf(_SC_NPROCESSORS_ONLN),
                threads ? std::to_string(threads).c_str() : "default");
    double load[3] = {};
    if (getloadavg(load, 3) == 3)
        std::printf("load       %.2f %.2f %.2f (1/5/15 min) before the runs\n", load[0], load[1], load[2]);
    warmPageCache(file);

    const std::string pbPath = "/tmp/causeway-bench-" + std::to_string(getpid()) + ".pb";
    Sample written;
    if (skip.find(",pb,") == std::string::npos)
        written = writeProto(file, pbPath, threads);
    else
        setError(written, "skipped (--skip)");
    if (written.ok) {
        warmPageCache(pbPath);
        std::printf("protobuf   %s (%.1f MB, written by causeway::writeModel)\n", pbPath.c_str(), double(fileSize(pbPath)) / MB);
    } else {
        std::printf("protobuf   unavailable: %s\n", written.error);
    }
    const Sample idle = inChild([](Sample &s) { s.ok = true; });
    std::printf("baseline   an idle child's peak RSS is %.1f MB (included in every figure below)\n\n", double(idle.peakRssBytes) / MB);

    enum Kind { Cat, Read, Python, Dom, Simd, LoadJson, ReadPb, LoadPb };
    const uint64_t pbBytes = written.ok ? fileSize(pbPath) : 0;
    const std::string pbError = written.ok ? "" : written.error;
    std::vector<Row> rows = {
        {"cat json", file, jsonBytes, {}, {}},
        {"read json", file, jsonBytes, {}, {}},
        {"python json", file, jsonBytes, {}, {}},
        {"nlohmann DOM", file, jsonBytes, {}, {}},
        {"simdjson only", file, jsonBytes, {}, {}},
        {"load json", file, jsonBytes, {}, {}},
        {"read pb", pbPath, pbBytes, {}, pbError},
        {"load pb", pbPath, pbBytes, {}, pbError},
    };
    for (size_t i = 0; i < rows.size(); ++i)
        if (skip.find("," + rows[i].name.substr(0, rows[i].name.find(' ')) + ",") != std::string::npos
            || (skip.find(",pb,") != std::string::npos && rows[i].file == pbPath))
            rows[i].error = "skipped (--skip)";
    for (int run = 0; run < runs; ++run) {
        for (size_t i = 0; i < rows.size(); ++i) {
            Row &row = rows[i];
            if (!row.error.empty())
                continue;
            Sample s = inChild([&](Sample &out) {
                switch (Kind(i)) {
                case Cat: approachCat(row.file, out); break;
                case Read: case ReadPb: approachRead(row.file, out); break;
                case Python: approachPython(row.file, jsonLines, out); break;
                case Dom: approachNlohmann(row.file, jsonLines, out); break;
                case Simd: approachSimdjson(row.file, jsonLines, out); break;
                case LoadJson: case LoadPb: approachLoad(row.file, threads, out); break;
                }
            });
            if (!s.ok)
                row.error = s.error[0] ? s.error : "failed";
            else
                row.samples.push_back(s);
            std::fprintf(stderr, "  run %d %-13s %s\n", run + 1, row.name.c_str(),
                         s.ok ? (std::to_string(s.seconds) + " s").c_str() : row.error.c_str());
        }
    }
    std::remove(pbPath.c_str());
    if (getloadavg(load, 3) == 3)
        std::printf("load       %.2f %.2f %.2f (1/5/15 min) after the runs\n", load[0], load[1], load[2]);

    // Span counts come from the loaders (the read rows count nothing).
    const Row &lj = rows[LoadJson], &lp = rows[LoadPb];
    uint64_t spans = lj.ok() ? lj.spans() : rows[Dom].spans();
    const double catBest = rows[Cat].ok() ? rows[Cat].best() : 0;
    const double pyBest = rows[Python].ok() ? rows[Python].best() : 0;
    const double simdBest = rows[Simd].ok() ? rows[Simd].best() : 0;

    std::printf("%d runs each; best and median wall time; peak RSS of the median run; ratios use best times.\n", runs);
    std::printf("%-13s %8s %8s %8s %8s %9s %8s %8s %8s %7s %7s %8s\n", "approach", "best s", "median s", "cpu s", "MB/s",
                "Mspans/s", "peak MB", "RSS/file", "model/f", "x cat", "x simd", "py x");
    for (const Row &row : rows) {
        if (!row.ok()) {
            std::printf("%-13s %s\n", row.name.c_str(), row.error.c_str());
            continue;
        }
        const double best = row.best(), median = row.median();
        const double mb = double(row.fileBytes) / MB;
        char model[16] = "-", vsPy[16] = "-", vsCat[16] = "-", vsSimd[16] = "-";
        if (row.modelBytes())
            std::snprintf(model, sizeof model, "%.2f", double(row.modelBytes()) / double(row.fileBytes));
        if (pyBest > 0)
            std::snprintf(vsPy, sizeof vsPy, "%.1f", pyBest / best);
        if (catBest > 0)
            std::snprintf(vsCat, sizeof vsCat, "%.2f", best / catBest);
        if (simdBest > 0)
            std::snprintf(vsSimd, sizeof vsSimd, "%.2f", best / simdBest);
        std::printf("%-13s %8.3f %8.3f %8.3f %8.0f %9.2f %8.0f %8.2f %8s %7s %7s %8s\n", row.name.c_str(), best, median,
                    row.bestCpu(), mb / best, double(spans) / best / 1e6, double(row.peakRss()) / MB,
                    double(row.peakRss()) / double(row.fileBytes), model, vsCat, vsSimd, vsPy);
    }
    std::printf("\n%" PRIu64 " spans. MB/s = the row's own file size / time; Mspans/s = spans / time.\n"
                "cpu s = least user+system CPU time of a run (less sensitive to a busy machine than wall time).\n"
                "x cat = time / time of `cat FILE > /dev/null` (1.00 is the floor); x simd = time / simdjson-only time;\n"
                "py x = Python json.load time / time (higher is faster); model/f = Model::memoryUsage() / file size.\n\n", spans);

    // Where the model's bytes go, per span and as a share of the file.
    for (const Row *row : {&lj, &lp}) {
        if (!row->ok() || row->samples.front().partCount == 0)
            continue;
        const Sample &s = row->samples.front();
        std::printf("model of %s: %.1f MB, %.1f bytes/span, %.3fx the file\n", row->name.c_str(),
                    double(s.modelBytes) / MB, double(s.modelBytes) / double(s.spans),
                    double(s.modelBytes) / double(row->fileBytes));
        for (uint32_t i = 0; i < s.partCount; ++i)
            std::printf("  %-16s %9.1f MB %8.1f B/span %7.3fx\n", s.parts[i].name, double(s.parts[i].bytes) / MB,
                        double(s.parts[i].bytes) / double(s.spans), double(s.parts[i].bytes) / double(row->fileBytes));
        std::printf("\n");
    }

    // The targets.
    auto verdict = [](bool pass) { return pass ? "PASS" : "FAIL"; };
    if (lj.ok()) {
        if (pyBest > 0) {
            const double x = pyBest / lj.best();
            std::printf("target  load json >= 40x Python json.load  %7.1fx        %s\n", x, verdict(x >= 40));
        }
        const double mbps = double(lj.fileBytes) / MB / lj.best();
        std::printf("target  load json >= 500 MB/s              %7.0f MB/s   %s\n", mbps, verdict(mbps >= 500));
        if (jsonBytes >= (1000ull << 20))
            std::printf("target  load json of >= 1 GB under 2.5 s   %7.2f s      %s\n", lj.best(), verdict(lj.best() < 2.5));
        const double rssLimit = jsonLines ? 0.8 : 1.0;
        const double rss = double(lj.peakRss()) / double(lj.fileBytes);
        std::printf("target  load json peak RSS <= %.1fx file    %7.2fx        %s\n", rssLimit, rss, verdict(rss <= rssLimit));
        const double model = double(lj.modelBytes()) / double(lj.fileBytes);
        std::printf("target  model <= 0.45x JSON file size      %7.2fx        %s\n", model, verdict(model <= 0.45));
        if (lp.ok()) {
            const double ratio = double(lp.spans()) / lp.best() / (double(lj.spans()) / lj.best());
            std::printf("target  load pb spans/s >= 3x load json    %7.2fx        %s\n", ratio, verdict(ratio >= 3));
        }
    }
    bool failed = false;
    for (const Row &row : rows)
        failed |= !row.ok() && row.error != "skipped (--skip)";
    return failed ? 1 : 0;
}
