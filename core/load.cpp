#include "core/load.h"

#include "core/readers.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace causeway {

const char *formatName(Format f)
{
    switch (f) {
    case Format::OtlpJson: return "OTLP/JSON";
    case Format::OtlpJsonLines: return "OTLP/JSON Lines";
    case Format::OtlpProto: return "OTLP protobuf";
    case Format::OtlpProtoFramed: return "OTLP protobuf (length-framed)";
    case Format::JaegerJson: return "Jaeger JSON";
    case Format::ZipkinJson: return "Zipkin v2 JSON";
    case Format::Gzip: return "gzip";
    case Format::Zstd: return "zstd";
    case Format::Unknown: break;
    }
    return "unknown";
}

namespace {

bool isSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// True when the first line is one complete JSON object and another follows.
bool looksLikeJsonLines(std::string_view text)
{
    // Only the first line matters; without a newline it is one document.
    // The search is bounded so a single-line document of 200 MB is not read
    // (and mapped in) whole just to be sniffed; the JSON reader goes on with
    // JSON Lines if more lines follow a longer first one.
    const size_t firstNewline = text.substr(0, size_t(16) << 20).find('\n');
    if (firstNewline == std::string_view::npos)
        return false;
    size_t next = firstNewline + 1;
    while (next < text.size() && isSpace(text[next]))
        ++next;
    if (next >= text.size() || text[next] != '{')
        return false;
    int depth = 0;
    bool inString = false, escaped = false;
    size_t i = 0;
    for (; i < firstNewline; ++i) {
        char c = text[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"')
            inString = true;
        else if (c == '{' || c == '[')
            ++depth;
        else if (c == '}' || c == ']') {
            if (--depth == 0)
                break;
        } else if (c == '\n')
            return false; // a newline inside the first value: a pretty-printed document
    }
    if (i >= firstNewline)
        return false;
    // Something other than whitespace after the first value means one value per line.
    for (++i; i < text.size(); ++i)
        if (!isSpace(text[i]))
            return text[i] == '{';
    return false;
}

// Which JSON dialect a document is, from the member names near its start:
// Jaeger writes traceID/spanID/operationName, Zipkin v2 a list of spans with
// traceId and id, OTLP resourceSpans. The first telling name decides.
Format sniffJsonDialect(std::string_view text)
{
    text = text.substr(0, size_t(64) << 10);
    const bool array = !text.empty() && text[0] == '[';
    if (array) {
        size_t i = 1;
        while (i < text.size() && isSpace(text[i]))
            ++i;
        if (i < text.size() && (text[i] == ']' || text[i] == '['))
            return Format::ZipkinJson; // an empty list, or Zipkin's list of traces
    }
    bool zipkinTraceId = false, zipkinId = false, first = true;
    for (size_t q = text.find('"'); q != std::string_view::npos; q = text.find('"', q + 1)) {
        // A member name: a string directly followed by ':'.
        size_t e = q + 1;
        while (e < text.size() && text[e] != '"') {
            if (text[e] == '\\')
                ++e;
            ++e;
        }
        if (e >= text.size())
            break;
        size_t c = e + 1;
        while (c < text.size() && isSpace(text[c]))
            ++c;
        const std::string_view key = text.substr(q + 1, e - q - 1);
        q = e;
        if (c >= text.size() || text[c] != ':')
            continue;
        if (first && !array && key == "data")
            return Format::JaegerJson;
        first = false;
        if (key == "traceID" || key == "spanID" || key == "operationName" || key == "processID")
            return Format::JaegerJson;
        if (key == "resourceSpans" || key == "resource_spans" || key == "scopeSpans" || key == "scope_spans"
            || key == "batches" || key == "resourceLogs" || key == "resourceMetrics")
            return Format::OtlpJson;
        zipkinTraceId = zipkinTraceId || key == "traceId";
        zipkinId = zipkinId || key == "id" || key == "localEndpoint";
        if (array && zipkinTraceId && zipkinId)
            return Format::ZipkinJson;
    }
    return Format::OtlpJson;
}

uint32_t bigEndian32(const unsigned char *p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// A read-only private mapping of a whole file; pages already parsed can be dropped.
class MappedFile
{
public:
    ~MappedFile()
    {
        if (m_data)
            munmap(m_data, m_size);
        if (m_fd >= 0)
            close(m_fd);
    }
    bool open(const std::string &path, std::string &error)
    {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) {
            error = std::strerror(errno);
            return false;
        }
        struct stat st{};
        if (fstat(m_fd, &st) != 0) {
            error = std::strerror(errno);
            return false;
        }
        if (S_ISDIR(st.st_mode)) {
            error = "is a directory";
            return false;
        }
        if (!S_ISREG(st.st_mode))
            return readStream(error);
        m_size = size_t(st.st_size);
        if (m_size == 0)
            return true;
        void *p = mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (p == MAP_FAILED)
            return readStream(error);
        m_data = static_cast<char *>(p);
        madvise(m_data, m_size, MADV_SEQUENTIAL);
        return true;
    }
    std::string_view bytes() const { return m_data ? std::string_view(m_data, m_size) : std::string_view(m_buffer); }
    void release(uint64_t upTo)
    {
        if (!m_data)
            return;
        const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
        uint64_t end = std::min<uint64_t>(upTo, m_size) / page * page;
        if (end > m_released) {
            madvise(m_data + m_released, end - m_released, MADV_DONTNEED);
            m_released = end;
        }
    }

private:
    bool readStream(std::string &error)
    {
        char buf[1 << 16];
        for (;;) {
            ssize_t got = ::read(m_fd, buf, sizeof buf);
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                error = std::strerror(errno);
                return false;
            }
            if (got == 0)
                return true;
            m_buffer.append(buf, size_t(got));
        }
    }

    int m_fd = -1;
    char *m_data = nullptr;
    size_t m_size = 0;
    uint64_t m_released = 0;
    std::string m_buffer;
};

LoadResult fail(std::string_view name, uint64_t offset, std::string message)
{
    LoadResult r;
    r.ok = false;
    r.error.file = std::string(name);
    r.error.offset = offset;
    r.error.message = std::move(message);
    return r;
}

// Why a file that gave no span is not simply empty, or nothing when it is.
std::optional<std::string> nothingLoaded(const Model &fragment, std::string_view name)
{
    // Messages start with the file name, which the error names already.
    auto local = [name](std::string m) {
        if (m.size() > name.size() + 2 && m.compare(0, name.size(), name) == 0 && m.compare(name.size(), 2, ": ") == 0)
            m.erase(0, name.size() + 2);
        return m;
    };
    std::string first;
    for (Loss loss : {Loss::Span, Loss::Record}) {
        if (fragment.diagnostics.count(loss, &first))
            return "no span could be read; the first problem: " + local(first);
    }
    for (const DiagnosticCode *other : {&diag::JsonLineLogs, &diag::JsonLineMetrics, &diag::JsonLineProfiles}) {
        if (const Diagnostic *d = fragment.diagnostics.find(*other))
            return "no trace data: " + local(d->message);
    }
    return std::nullopt;
}

LoadResult loadBufferImpl(std::string_view name, std::string_view bytes, Model &out, const LoadOptions &options,
                          const std::function<void(uint64_t)> &consumed, int nesting)
{
    detail::ReadContext ctx{name, &options, consumed};
    LoadResult result;
    result.bytesRead = bytes.size();
    const size_t spansBefore = out.hot.size();

    size_t lead = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF")
        lead = 3;
    while (lead < bytes.size() && isSpace(bytes[lead]))
        ++lead;
    if (lead == bytes.size())
        return fail(name, 0, bytes.empty() ? "the file is empty" : "the file holds only whitespace");

    const Format format = sniffFormat(bytes);
    LoadError error;
    bool ok = false;
    switch (format) {
    case Format::Gzip:
    case Format::Zstd: {
        if (nesting > 0)
            return fail(name, 0, "compressed data inside compressed data is not read");
        std::string plain, message;
        if (!detail::decompress(bytes, options.maxDecompressedBytes, plain, message))
            return fail(name, 0, std::string(formatName(format)) + ": " + message);
        // Offsets in messages about the contents refer to the decompressed data.
        auto inner = loadBufferImpl(name, plain, out, options, {}, nesting + 1);
        inner.bytesRead = bytes.size();
        return inner;
    }
    case Format::OtlpJson:
    case Format::OtlpJsonLines:
        ok = detail::readOtlpJson(bytes, format == Format::OtlpJsonLines, ctx, out, error);
        break;
    case Format::OtlpProto:
    case Format::OtlpProtoFramed:
        ok = detail::readOtlpProto(bytes, format == Format::OtlpProtoFramed, ctx, out, error);
        break;
    case Format::JaegerJson:
        ok = detail::readJaegerJson(bytes, ctx, out, error);
        break;
    case Format::ZipkinJson:
        ok = detail::readZipkinJson(bytes, ctx, out, error);
        break;
    case Format::Unknown:
        return fail(name, 0,
            "not a trace file Causeway reads (expected OTLP/JSON, JSON Lines, OTLP protobuf, Jaeger JSON, Zipkin v2 JSON, gzip or zstd; "
            "the first bytes are neither)");
    }
    if (ctx.cancelled()) {
        result.ok = false;
        result.cancelled = true;
        return result;
    }
    if (!ok) {
        result.ok = false;
        result.error = std::move(error);
        if (result.error.file.empty())
            result.error.file = std::string(name);
        return result;
    }
    result.spansAdded = out.hot.size() - spansBefore;
    return result;
}

} // namespace

Format sniffFormat(std::string_view bytes)
{
    auto u = reinterpret_cast<const unsigned char *>(bytes.data());
    if (bytes.size() >= 2 && u[0] == 0x1f && u[1] == 0x8b)
        return Format::Gzip;
    if (bytes.size() >= 4 && u[0] == 0x28 && u[1] == 0xb5 && u[2] == 0x2f && u[3] == 0xfd)
        return Format::Zstd;
    size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    while (i < bytes.size() && isSpace(bytes[i]))
        ++i;
    if (i < bytes.size() && (bytes[i] == '{' || bytes[i] == '[')) {
        if (looksLikeJsonLines(bytes.substr(i)))
            return Format::OtlpJsonLines;
        return sniffJsonDialect(bytes.substr(i));
    }
    // TracesData / ExportTraceServiceRequest: field 1 (resource_spans), length-delimited.
    if (!bytes.empty() && u[0] == 0x0a)
        return Format::OtlpProto;
    if (bytes.size() >= 5) {
        uint32_t length = bigEndian32(u);
        bool zstdFrame = bytes.size() >= 8 && u[4] == 0x28 && u[5] == 0xb5 && u[6] == 0x2f && u[7] == 0xfd;
        if (length <= bytes.size() - 4 && (u[4] == 0x0a || zstdFrame))
            return Format::OtlpProtoFramed;
    }
    return Format::Unknown;
}

std::string LoadError::text() const
{
    std::string out = file;
    if (line)
        out += ": line " + std::to_string(line);
    else if (offset)
        out += ": byte " + std::to_string(offset);
    out += ": " + message;
    return out;
}

bool readFile(const std::string &path, std::string &out, std::string &error)
{
    MappedFile file;
    if (!file.open(path, error))
        return false;
    out.assign(file.bytes());
    return true;
}

LoadResult loadBuffer(std::string_view name, std::string_view bytes, Model &out, const LoadOptions &options)
{
    return loadBufferImpl(name, bytes, out, options, {}, 0);
}

LoadResult loadFiles(const std::vector<std::string> &paths, Model &model, const LoadOptions &options)
{
    LoadResult total;
    for (size_t i = 0; i < paths.size(); ++i) {
        const std::string &path = paths[i];
        MappedFile file;
        std::string message;
        if (!file.open(path, message)) {
            model.finalize();
            return fail(path, 0, "cannot read: " + message);
        }
        LoadOptions perFile = options;
        if (options.progress) {
            const double base = double(i) / double(paths.size()), span = 1.0 / double(paths.size());
            perFile.progress = [&options, base, span](double f) { options.progress(base + span * f); };
        }
        Model fragment;
        const uint64_t size = file.bytes().size();
        auto consumed = [&file, &perFile, size](uint64_t upTo) {
            file.release(upTo);
            if (perFile.progress && size)
                perFile.progress(double(upTo) / double(size));
        };
        LoadResult r = loadBufferImpl(path, file.bytes(), fragment, perFile, consumed, 0);
        total.bytesRead += r.bytesRead;
        if (!r.ok) {
            model.finalize();
            r.bytesRead = total.bytesRead;
            r.spansAdded = total.spansAdded;
            return r;
        }
        if (r.spansAdded == 0) {
            // Records were there but not one span could be kept: say why
            // rather than open an empty view. A valid empty document is fine.
            if (auto nothing = nothingLoaded(fragment, path)) {
                model.finalize();
                LoadResult f = fail(path, 0, *nothing);
                f.bytesRead = total.bytesRead;
                f.spansAdded = total.spansAdded;
                return f;
            }
        }
        total.spansAdded += r.spansAdded;
        fragment.sources.push_back({path, 0});
        model.merge(std::move(fragment));
    }
    model.finalize();
    model.shrinkToFit();
    if (options.progress)
        options.progress(1.0);
    return total;
}

} // namespace causeway
