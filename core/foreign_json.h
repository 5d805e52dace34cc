#pragma once
// What the Jaeger and Zipkin JSON readers share: hex ids as those tools write
// them, one record parsed at a time with its byte offset, diagnostics with the
// first place, and the status/kind conventions of the OpenTelemetry
// Collector's translators. Internal to those two readers.

#include "core/json_walk.h"
#include "core/modelbuilder.h"
#include "core/readers.h"

#include <simdjson.h>

#include <string>
#include <unordered_map>
#include <string_view>

namespace causeway::detail {

// Jaeger and Zipkin write ids as lowercase hex without leading zeros beyond
// the 64-bit halves (Jaeger's 128-bit ids may be 17..32 digits long): accept
// 1..2N hex digits, right-aligned. Zero is not an id.
// simdjson's get() is [[nodiscard]]; where a wrong type just leaves the default, say so once.
template<typename Result, typename T>
bool take(Result &&result, T &out)
{
    return std::forward<Result>(result).get(out) == simdjson::SUCCESS;
}

template<size_t N>
IdParse parseHexId(std::string_view text, Id<N> &out)
{
    out = {};
    if (text.empty())
        return IdParse::Empty;
    if (text.size() > 2 * N)
        return IdParse::BadLength;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[text.size() - 1 - i];
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        else
            return IdParse::BadCharacter;
        out.bytes[N - 1 - i / 2] |= uint8_t(i % 2 ? v << 4 : v);
    }
    return out.isZero() ? IdParse::BadCharacter : IdParse::Ok;
}

inline const char *hexIdProblem(IdParse r)
{
    switch (r) {
    case IdParse::Empty: return "is missing";
    case IdParse::BadLength: return "is too long";
    case IdParse::BadCharacter: return "is not a non-zero hex number";
    case IdParse::Ok: break;
    }
    return "is invalid";
}

inline std::string quoted(std::string_view s)
{
    constexpr size_t kMax = 48;
    std::string out = "'";
    out.append(s.substr(0, kMax));
    if (s.size() > kMax)
        out += "...";
    return out + "'";
}

// Shared state of one foreign-format read: the builder, the file name and
// the place of the record being read, and a DOM parser for records.
class ForeignReader
{
public:
    ForeignReader(std::string_view bytes, const ReadContext &ctx, Model &out)
        : m_walk(bytes), m_ctx(ctx), m_out(out), m_build(out)
    {
    }

protected:
    std::string place(uint64_t offset) const { return std::string(m_ctx.name) + ": byte " + std::to_string(offset) + ": "; }

    template<typename MakeMessage>
    void diag(const DiagnosticCode &code, uint64_t offset, MakeMessage &&make)
    {
        const bool lost = code.loss == Loss::Span || code.loss == Loss::Record;
        if (m_out.diagnostics.count(code) && !(lost && !m_hasLoss)) {
            m_out.diagnostics.add(code, {});
            return;
        }
        std::string message = make();
        if (lost && !m_hasLoss) {
            m_hasLoss = true;
            m_firstLossOffset = offset;
            m_firstLoss = message;
        }
        m_out.diagnostics.add(code, m_out.diagnostics.count(code) ? std::string() : place(offset) + message);
    }

    // The trace and span id every foreign span starts with, named by the
    // format's own keys in the diagnostic; false when the span is skipped.
    bool readSpanIds(std::string_view traceText, std::string_view spanText, const char *traceKey, const char *spanKey,
                     uint64_t offset, SpanCold &c)
    {
        IdParse r = parseHexId(traceText, c.traceId);
        if (r != IdParse::Ok) {
            diag(diag::SpanBadTraceId, offset, [&] { return "span " + std::string(traceKey) + " " + (traceText.empty() ? std::string() : quoted(traceText) + " ") + hexIdProblem(r) + "; span skipped"; });
            return false;
        }
        r = parseHexId(spanText, c.spanId);
        if (r != IdParse::Ok) {
            diag(diag::SpanBadSpanId, offset, [&] { return "span " + std::string(spanKey) + " " + (spanText.empty() ? std::string() : quoted(spanText) + " ") + hexIdProblem(r) + " (trace " + c.traceId.hex() + "); span skipped"; });
            return false;
        }
        return true;
    }

    // Parses the record at [begin, end); on a syntax error counts `code` with
    // the error's offset and returns false.
    bool parseRecord(size_t begin, size_t end, simdjson::dom::element &out, const DiagnosticCode &code, const char *what)
    {
        const std::string_view text = m_walk.text().substr(begin, end - begin);
        if (m_parser.parse(text.data(), text.size(), true).get(out) == simdjson::SUCCESS)
            return true;
        JsonScanError e;
        if (!findJsonError(text, kMaxJsonDepth, e))
            e.message = "invalid JSON";
        diag(code, begin + e.offset, [&] { return std::string(what) + " is not valid JSON (" + e.message + "); skipped"; });
        return false;
    }

    // A structural error of the walk: with nothing read yet it is fatal;
    // after some records it is counted and what came before is kept.
    bool structural(LoadError &error, bool anythingRead)
    {
        std::string message = m_walk.errorMessage();
        if (m_walk.truncated() && message.rfind("the file", 0) != 0)
            message = "the file ends unexpectedly " + message;
        if (!anythingRead) {
            error.file = std::string(m_ctx.name);
            error.offset = m_walk.errorOffset();
            error.message = message;
            return false;
        }
        diag(diag::JsonTruncated, m_walk.errorOffset(), [&] { return message + "; the records before it are kept"; });
        return true;
    }

    // When a file held records but not one span could be kept, the load
    // fails naming the first problem (all ids redacted, all of the wrong
    // type); an empty document is still a success.
    bool nothingKept(LoadError &error, size_t spansBefore)
    {
        if (m_out.hot.size() > spansBefore || !m_hasLoss)
            return false;
        error.file = std::string(m_ctx.name);
        error.offset = m_firstLossOffset;
        error.message = "no span could be read; the first problem: " + m_firstLoss;
        return true;
    }

    // Status from the tags the Collector's translators read: `error` (true)
    // wins; otherwise otel.status_code OK/ERROR with otel.status_description.
    struct StatusTags
    {
        bool error = false;
        bool hasCode = false;
        StatusCode code = StatusCode::Unset;
        std::string_view description;
        bool hasDescription = false;
        int64_t httpStatus = 0;
    };
    static void applyStatus(const StatusTags &t, SpanHot &h, SpanCold &c, Model &m)
    {
        if (t.error) {
            h.status = StatusCode::Error;
            if (t.hasDescription)
                c.statusMessage = m.strings.intern(t.description);
        } else if (t.hasCode) {
            h.status = t.code;
            if (t.hasDescription)
                c.statusMessage = m.strings.intern(t.description);
        } else if (t.httpStatus >= 400) {
            // The Collector's fallback: a 5xx is an error on both sides, a 4xx only for the client.
            if (t.httpStatus >= 500 || h.kind == SpanKind::Client)
                h.status = StatusCode::Error;
        }
        c.rawStatusCode = uint32_t(h.status);
    }
    static bool spanKindFromName(std::string_view s, SpanKind &kind)
    {
        if (s == "client" || s == "CLIENT") kind = SpanKind::Client;
        else if (s == "server" || s == "SERVER") kind = SpanKind::Server;
        else if (s == "producer" || s == "PRODUCER") kind = SpanKind::Producer;
        else if (s == "consumer" || s == "CONSUMER") kind = SpanKind::Consumer;
        else if (s == "internal" || s == "INTERNAL") kind = SpanKind::Internal;
        else return false;
        return true;
    }
    static bool statusFromName(std::string_view s, StatusCode &code)
    {
        if (s == "OK" || s == "ok" || s == "STATUS_CODE_OK") code = StatusCode::Ok;
        else if (s == "ERROR" || s == "error" || s == "STATUS_CODE_ERROR") code = StatusCode::Error;
        else if (s == "UNSET" || s == "unset" || s == "STATUS_CODE_UNSET") code = StatusCode::Unset;
        else return false;
        return true;
    }

    // At the end of a read: what was added, in the order OTLP nests it (see
    // ModelBuilder::groupSpansByScope). Scope indices change, so the scope
    // cache is dropped.
    void groupAsOtlp(size_t spansBefore, size_t scopesBefore)
    {
        m_build.groupSpansByScope(uint32_t(spansBefore), uint32_t(scopesBefore));
        m_scopes.clear();
    }

    // One scope per (resource, name, version), as the Collector groups ScopeSpans.
    uint32_t scopeFor(uint32_t resource, std::string_view name, std::string_view version)
    {
        const std::string key = std::to_string(resource) + '\0' + std::string(name) + '\0' + std::string(version);
        auto [it, inserted] = m_scopes.try_emplace(key, 0);
        if (inserted) {
            Scope s;
            s.resource = resource;
            s.name = name.empty() ? 0 : m_build.intern(name);
            s.version = version.empty() ? 0 : m_build.intern(version);
            s.attributes = m_build.noAttributes();
            it->second = m_build.addScope(s);
        }
        return it->second;
    }

    JsonWalk m_walk;
    const ReadContext &m_ctx;
    Model &m_out;
    ModelBuilder m_build;
    simdjson::dom::parser m_parser;
    std::unordered_map<std::string, uint32_t> m_scopes;
    bool m_hasLoss = false;
    uint64_t m_firstLossOffset = 0;
    std::string m_firstLoss;
};

} // namespace causeway::detail
