#include "core/load.h"
#include "core/allocator.h"
#include "core/mappingguard.h"
#include "core/protowire.h"

#include "core/readers.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <fcntl.h>
#include <new>
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

// True when `line` (no newline in it) is one complete JSON object with
// nothing after it but whitespace.
bool isOneLineObject(std::string_view line)
{
    size_t i = 0;
    while (i < line.size() && isSpace(line[i]))
        ++i;
    if (i >= line.size() || line[i] != '{')
        return false;
    int depth = 0;
    bool inString = false, escaped = false;
    for (; i < line.size(); ++i) {
        const char c = line[i];
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if ((c == '}' || c == ']') && --depth == 0) {
            break;
        }
    }
    if (i >= line.size())
        return false;
    for (++i; i < line.size(); ++i)
        if (!isSpace(line[i]))
            return false;
    return true;
}

// A damaged first line does not make a JSON Lines file one document: when
// the next non-empty line is a whole TracesData object on its own, the file
// is JSON Lines and the reader skips the bad line with a diagnostic.
bool secondLineIsTracesData(std::string_view text, size_t firstNewline)
{
    size_t begin = firstNewline + 1;
    const std::string_view window = text.substr(0, size_t(16) << 20);
    while (begin < window.size()) {
        const size_t end = std::min(window.find('\n', begin), window.size());
        const std::string_view line = window.substr(begin, end - begin);
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            begin = end + 1;
            continue;
        }
        if (end == window.size() && window.size() < text.size())
            return false; // the line goes on past what is looked at
        return isOneLineObject(line)
            && (line.find("\"resourceSpans\"") != std::string_view::npos
                || line.find("\"resource_spans\"") != std::string_view::npos);
    }
    return false;
}

// How far the sniffer looks for the end of the first line.
constexpr size_t kSniffedLineBytes = size_t(1) << 20;

// True when the first line is one complete JSON object and another follows.
bool looksLikeJsonLines(std::string_view text)
{
    // Only the first line matters; without a newline it is one document.
    // The search is bounded so a single-line document is not read (and
    // mapped in) far just to be sniffed: the JSON reader goes on with JSON
    // Lines if more lines follow a longer first one. 16 MB took about 10 ms
    // before the load could start, a few percent of a 200 MB document's.
    const size_t firstNewline = text.substr(0, kSniffedLineBytes).find('\n');
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
        return secondLineIsTracesData(text, firstNewline);
    // Something other than whitespace after the first value means one value per line.
    for (++i; i < text.size(); ++i)
        if (!isSpace(text[i]))
            return text[i] == '{' || (i < firstNewline && secondLineIsTracesData(text, firstNewline));
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

bool readVarint(std::string_view b, size_t &pos, uint64_t &v)
{
    const auto *begin = reinterpret_cast<const uint8_t *>(b.data()), *p = begin + pos;
    const bool ok = detail::readVarint(p, begin + b.size(), v);
    pos = size_t(p - begin);
    return ok;
}

// True when `b` is a sequence of well-formed protobuf fields ending exactly at
// its end. `onField(number, bytes)` sees each length-delimited field and may
// refuse it.
template<typename OnField>
bool protoFieldsTile(std::string_view b, OnField &&onField)
{
    size_t pos = 0;
    while (pos < b.size()) {
        uint64_t tag = 0, v = 0;
        if (!readVarint(b, pos, tag) || tag >> 3 == 0)
            return false;
        switch (tag & 7) {
        case 0:
            if (!readVarint(b, pos, v))
                return false;
            break;
        case 1:
        case 5: {
            const size_t n = (tag & 7) == 1 ? 8 : 4;
            if (b.size() - pos < n)
                return false;
            pos += n;
            break;
        }
        case 2:
            if (!readVarint(b, pos, v) || v > b.size() - pos || !onField(tag >> 3, b.substr(pos, size_t(v))))
                return false;
            pos += size_t(v);
            break;
        default:
            return false; // groups do not occur in OTLP
        }
    }
    return true;
}

// Bytes 0a 7b are both "field 1, 123 bytes" and "newline, '{'": a protobuf
// message whose first ResourceSpans is 123 (or 91, '[') bytes long reads as
// whitespace and a JSON bracket. Decide by structure, not by two bytes: the
// top level must be nothing but ResourceSpans (field 1) tiling the whole
// input, and the first of them (with its first ScopeSpans) must tile too.
// JSON text almost never passes, because it would need a newline at every
// place a tag belongs and lengths that land exactly on them.
bool looksLikeOtlpProto(std::string_view b)
{
    bool first = true;
    return protoFieldsTile(b, [&](uint64_t number, std::string_view resourceSpans) {
        if (number != 1)
            return false;
        if (!first)
            return true;
        first = false;
        bool firstScope = true;
        return protoFieldsTile(resourceSpans, [&](uint64_t n, std::string_view inner) {
            // ResourceSpans: resource = 1, scope_spans = 2, schema_url = 3,
            // instrumentation_library_spans = 1000 (deprecated).
            if (n != 1 && n != 2 && n != 3 && n != 1000)
                return false;
            if (n == 3 || !firstScope)
                return true;
            if (n == 2)
                firstScope = false;
            return protoFieldsTile(inner, [](uint64_t, std::string_view) { return true; });
        });
    });
}

// A read-only private mapping of a whole file; pages already parsed can be dropped.
class MappedFile
{
public:
    ~MappedFile()
    {
        m_guard.reset();
        if (m_data)
            munmap(m_data, m_size);
        if (m_stream)
            munmap(m_stream, m_streamCapacity);
        if (m_fd >= 0)
            close(m_fd);
    }
    // Reads of anything but a regular file (a pipe, /dev/zero) stop past `limit` bytes.
    bool open(const std::string &path, std::string &error, uint64_t limit)
    {
        m_limit = limit;
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
        m_modified = st.st_mtim;
        if (m_size == 0)
            return true;
        void *p = mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (p == MAP_FAILED)
            return readStream(error);
        m_data = static_cast<char *>(p);
        m_guard.emplace(m_data, m_size);
        madvise(m_data, m_size, MADV_SEQUENTIAL);
        return true;
    }
    // Why what the readers made of the mapping is not the file's, if it is
    // not: Shrank, the file is shorter now than when it was mapped (a read
    // past its new end gave zeros: MappingGuard past the page the end falls
    // in, the kernel within that page), `at` its size now; Unreadable, a
    // read met no page though the file is as long as it was (it was cut
    // and has grown again, or its storage failed: SIGBUS too), `at` the
    // first page lost; Rewritten, the file is as long as it was but was
    // modified since it was opened (written over in place: the readers may
    // have seen some of the old bytes and some of the new), `at` 0. A file
    // that grew was appended to, which leaves the bytes read as they were.
    enum class Lost { Nothing, Shrank, Unreadable, Rewritten };
    Lost lost(uint64_t &at) const
    {
        if (!m_data)
            return Lost::Nothing;
        struct stat st{};
        const bool known = fstat(m_fd, &st) == 0;
        if (known && uint64_t(st.st_size) < m_size) {
            at = uint64_t(st.st_size);
            return Lost::Shrank;
        }
        if (m_guard && m_guard->hit()) {
            at = m_guard->firstLostByte();
            return Lost::Unreadable;
        }
        if (known && uint64_t(st.st_size) == m_size
            && (st.st_mtim.tv_sec != m_modified.tv_sec || st.st_mtim.tv_nsec != m_modified.tv_nsec)) {
            at = 0;
            return Lost::Rewritten;
        }
        return Lost::Nothing;
    }
    uint64_t openedSize() const { return m_size; }
    // The descriptor of the file bytes() maps, -1 when they were read in.
    int mappedDescriptor() const { return m_data ? m_fd : -1; }
    std::string_view bytes() const
    {
        if (m_data)
            return {m_data, m_size};
        return m_stream ? std::string_view(m_stream, m_streamSize) : std::string_view();
    }
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
    // Reads a stream into an anonymous mapping that grows with mremap: no
    // copy and no doubled peak as it grows, only the pages written are used.
    bool readStream(std::string &error)
    {
        for (;;) {
            if (m_streamSize == m_streamCapacity && !grow(error))
                return false;
            const size_t room = std::min<size_t>(m_streamCapacity - m_streamSize, size_t(1) << 20);
            ssize_t got = ::read(m_fd, m_stream + m_streamSize, room);
            if (got < 0) {
                if (errno == EINTR)
                    continue;
                error = std::strerror(errno);
                return false;
            }
            if (got == 0)
                return true;
            m_streamSize += size_t(got);
            if (m_streamSize > m_limit) {
                error = "not a regular file, and it gives more than " + std::to_string(m_limit)
                    + " bytes, the most Causeway reads into memory (LoadOptions::maxDecompressedBytes)";
                return false;
            }
        }
    }
    bool grow(std::string &error)
    {
        const size_t capacity = std::max<size_t>(m_streamCapacity * 2, size_t(1) << 20);
        void *p = m_stream ? mremap(m_stream, m_streamCapacity, capacity, MREMAP_MAYMOVE)
                           : mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            error = "out of memory after " + std::to_string(m_streamSize) + " bytes: " + std::strerror(errno);
            return false;
        }
        m_stream = static_cast<char *>(p);
        m_streamCapacity = capacity;
        return true;
    }

    int m_fd = -1;
    char *m_data = nullptr;
    std::optional<detail::MappingGuard> m_guard;
    size_t m_size = 0;
    timespec m_modified{}; // st_mtim when opened
    uint64_t m_released = 0;
    uint64_t m_limit = UINT64_MAX;
    char *m_stream = nullptr;
    size_t m_streamSize = 0, m_streamCapacity = 0;
};

std::string outOfMemory(uint64_t inputBytes)
{
    return "out of memory while reading " + std::to_string(inputBytes)
        + " bytes; the data needs more memory than this process may use";
}

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
                          const std::function<void(uint64_t)> &consumed, int nesting, int fd = -1)
{
    detail::ReadContext ctx{name, &options, consumed};
    if (fd >= 0) {
        ctx.fd = fd;
        ctx.mapped = bytes;
    }
    LoadResult result;
    result.bytesRead = bytes.size();
    const size_t spansBefore = out.hot.size();

    // A caller that knows the format (a receiver told the Content-Type) does not sniff.
    const bool told = options.format != Format::Unknown && nesting == 0;
    size_t lead = 0;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF")
        lead = 3;
    while (lead < bytes.size() && isSpace(bytes[lead]))
        ++lead;
    if (lead == bytes.size() && !(told && (options.format == Format::OtlpProto) && !bytes.empty()))
        return fail(name, 0, bytes.empty() ? "the file is empty" : "the file holds only whitespace");

    const Format format = told ? options.format : sniffFormat(bytes);
    LoadError error;
    bool ok = false;
    switch (format) {
    case Format::Gzip:
    case Format::Zstd: {
        if (nesting > 0)
            return fail(name, 0, "compressed data inside compressed data is not read");
        std::string plain, message;
        if (!detail::decompress(bytes, options.maxDecompressedBytes, plain, message)) {
            const std::string what = std::string(formatName(format)) + ": " + message;
            // A truncated or damaged stream still gave whatever came before the
            // damage: read that, as a plain file cut there would be read.
            if (plain.empty() || message.find("LoadOptions::maxDecompressedBytes") != std::string::npos)
                return fail(name, 0, what);
            Model partial;
            auto inner = loadBufferImpl(name, plain, partial, options, {}, nesting + 1);
            if (!inner.ok)
                return inner.cancelled ? inner : fail(name, 0, what + " (and the " + std::to_string(plain.size())
                    + " bytes before the damage hold no readable record: " + inner.error.message + ")");
            partial.diagnostics.add(diag::CompressedDataDamaged,
                std::string(name) + ": " + what + "; the " + std::to_string(plain.size())
                    + " bytes decompressed before it are read, records cut by it are skipped");
            out.merge(std::move(partial));
            inner.bytesRead = bytes.size();
            inner.spansAdded = out.hot.size() - spansBefore;
            return inner;
        }
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
    // A skippable frame first (pzstd writes one): magic 0x184D2A50..5F, little-endian.
    if (bytes.size() >= 8 && (u[0] & 0xf0) == 0x50 && u[1] == 0x2a && u[2] == 0x4d && u[3] == 0x18)
        return Format::Zstd;
    size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    while (i < bytes.size() && isSpace(bytes[i]))
        ++i;
    if (i < bytes.size() && (bytes[i] == '{' || bytes[i] == '[') && !(u[0] == 0x0a && looksLikeOtlpProto(bytes))) {
        if (looksLikeJsonLines(bytes.substr(i)))
            return Format::OtlpJsonLines;
        return sniffJsonDialect(bytes.substr(i));
    }
    // TracesData / ExportTraceServiceRequest: field 1 (resource_spans), length-delimited.
    if (!bytes.empty() && u[0] == 0x0a)
        return Format::OtlpProto;
    // Collector file exporter framing. A first frame longer than the file is
    // still this format: the reader says where the file was cut.
    if (bytes.size() >= 5) {
        bool zstdFrame = bytes.size() >= 8 && u[4] == 0x28 && u[5] == 0xb5 && u[6] == 0x2f && u[7] == 0xfd;
        const uint32_t length = bigEndian32(u);
        if (length > 0 && (length <= bytes.size() - 4 || u[0] == 0) && (u[4] == 0x0a || zstdFrame))
            return Format::OtlpProtoFramed;
    }
    // JSON Lines whose first line lost its beginning (a cut-off or rotated log).
    if (const size_t newline = bytes.substr(0, size_t(16) << 20).find('\n');
        newline != std::string_view::npos && secondLineIsTracesData(bytes, newline))
        return Format::OtlpJsonLines;
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

uint64_t defaultMaxDecompressedBytes()
{
    static const uint64_t limit = [] {
        // What this process can hold: physical memory, a cgroup's limit (a
        // container, a systemd unit) and the address-space rlimit, whichever
        // is least. Half of that leaves room for the model built from it.
        uint64_t hold = physicalMemory() ? physicalMemory() : UINT64_MAX;
        for (const char *path : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
            if (FILE *f = std::fopen(path, "r")) {
                unsigned long long v = 0;
                if (std::fscanf(f, "%llu", &v) == 1 && v > 0)
                    hold = std::min<uint64_t>(hold, v);
                std::fclose(f);
            }
        }
        hold = std::min(hold, addressSpaceLimit());
        return std::clamp<uint64_t>(hold / 2, uint64_t(64) << 20, uint64_t(8) << 30);
    }();
    return limit;
}

bool readFile(const std::string &path, std::string &out, std::string &error)
{
    MappedFile file;
    if (!file.open(path, error, defaultMaxDecompressedBytes()))
        return false;
    try {
        out.assign(file.bytes());
    } catch (const std::bad_alloc &) {
        error = "out of memory reading " + std::to_string(file.bytes().size()) + " bytes";
        return false;
    }
    return true;
}

LoadResult loadBuffer(std::string_view name, std::string_view bytes, Model &out, const LoadOptions &options)
{
    try {
        return loadBufferImpl(name, bytes, out, options, {}, 0);
    } catch (const std::bad_alloc &) {
        return fail(name, 0, outOfMemory(bytes.size()));
    }
}

namespace {

LoadResult loadFilesImpl(const std::vector<std::string> &paths, Model &model, const LoadOptions &options)
{
    LoadResult total;
    for (size_t i = 0; i < paths.size(); ++i) {
        const std::string &path = paths[i];
        MappedFile file;
        std::string message;
        if (!file.open(path, message, options.maxDecompressedBytes)) {
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
        auto consumed = [&file, &perFile, &model, &fragment, &options, size](uint64_t upTo) {
            file.release(upTo);
            // The readers report on the loading thread, after appending to the fragment.
            if (options.spansRead)
                options.spansRead->store(model.hot.size() + fragment.hot.size(), std::memory_order_relaxed);
            if (perFile.progress && size)
                perFile.progress(double(upTo) / double(size));
        };
        LoadResult r;
        try {
            r = loadBufferImpl(path, file.bytes(), fragment, perFile, consumed, 0, file.mappedDescriptor());
        } catch (const std::bad_alloc &) {
            // What was built for this file is dropped; the files before it stay.
            fragment = Model();
            r = fail(path, 0, outOfMemory(size));
        }
        // Whatever the readers made of the zeros they were given, the cause
        // is the file: nothing read from it is kept.
        uint64_t at = 0;
        if (const auto lost = file.lost(at); lost != MappedFile::Lost::Nothing) {
            fragment = Model();
            r = fail(path, at, lost == MappedFile::Lost::Shrank
                    ? "the file shrank while it was being read (" + std::to_string(file.openedSize()) + " bytes when opened, "
                        + std::to_string(at) + " now); nothing of it was kept. Load it again once it no longer changes"
                    : lost == MappedFile::Lost::Rewritten
                    ? std::string("the file was written over while it was being read (as long as before, modified since "
                                  "it was opened); nothing of it was kept. Load it again once it no longer changes")
                    : std::string("the file could not be read from here on: it was cut short while it was being read "
                                  "(and has grown again since), or the storage it is on failed; nothing of it was kept"));
        }
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
    if (options.spansRead)
        options.spansRead->store(model.hot.size(), std::memory_order_relaxed);
    if (options.progress)
        options.progress(1.0);
    return total;
}

} // namespace

LoadResult loadFiles(const std::vector<std::string> &paths, Model &model, const LoadOptions &options)
{
    try {
        return loadFilesImpl(paths, model, options);
    } catch (const std::bad_alloc &) {
        // Merging or finalizing ran out: a half-built model is no use.
        model = Model();
        return fail(paths.empty() ? std::string() : paths.back(), 0,
            "out of memory while building the model; the data needs more memory than this process may use");
    }
}

} // namespace causeway

namespace causeway::detail {

bool ReadContext::copy(std::string_view part, char *out) const
{
    const auto at = reinterpret_cast<uintptr_t>(part.data()), first = reinterpret_cast<uintptr_t>(mapped.data());
    if (fd < 0 || at < first || at + part.size() > first + mapped.size())
        return false;
    uint64_t offset = at - first;
    size_t size = part.size();
    while (size > 0) {
        const ssize_t got = ::pread(fd, out, size, off_t(offset));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        out += got;
        offset += uint64_t(got);
        size -= size_t(got);
    }
    return true;
}

} // namespace causeway::detail
