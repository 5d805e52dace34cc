// Zipkin v2 JSON: a list of spans (what /api/v2/spans accepts and
// /api/v2/trace/{id} returns), or a list of such lists (/api/v2/traces).
// Mapped to the OTLP model the way the OpenTelemetry Collector's Zipkin v2
// translator does; see the README's "Zipkin v2 JSON" section.

#include "core/foreign_json.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace causeway::detail {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

class ZipkinReader : public ForeignReader
{
public:
    using ForeignReader::ForeignReader;

    bool run(LoadError &error)
    {
        const size_t spansBefore = m_out.hot.size();
        const size_t scopesBefore = m_out.scopes.size();
        const std::string_view text = m_walk.text();
        size_t pos = m_walk.ws(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
        size_t end = pos;
        const bool ok = m_walk.elements(pos, end, [&](size_t b, size_t &e) {
            if (m_walk.at(b) == '[') // a list of traces
                return m_walk.elements(b, e, [&](size_t sb, size_t &se) { return spanAt(sb, se); });
            return spanAt(b, e);
        });
        if (!ok && !structural(error, m_out.hot.size() > spansBefore))
            return false;
        if (ok) {
            const size_t tail = m_walk.ws(end);
            if (tail < text.size())
                diag(diag::JsonTruncated, tail, [] { return std::string("unexpected data after the end of the document; ignored"); });
        }
        uniquifySharedSpans(spansBefore);
        groupAsOtlp(spansBefore, scopesBefore);
        if (nothingKept(error, spansBefore))
            return false;
        m_ctx.done(text.size());
        return true;
    }

private:
    bool spanAt(size_t b, size_t &e)
    {
        if (!m_walk.skip(b, e))
            return false;
        span(b, e);
        return true;
    }

    uint32_t resourceFor(std::string_view service)
    {
        auto [it, inserted] = m_resources.try_emplace(std::string(service), 0);
        if (inserted) {
            m_build.beginAttributes();
            if (!service.empty())
                m_build.addString("service.name", service);
            Resource r;
            r.attributes = m_build.endAttributes();
            it->second = m_build.addResource(r);
        }
        return it->second;
    }

    struct Endpoint
    {
        std::string_view serviceName, ipv4, ipv6;
        int64_t port = 0;
    };
    static Endpoint endpoint(element e)
    {
        Endpoint out;
        simdjson::dom::object obj;
        if (e.get_object().get(obj) != simdjson::SUCCESS)
            return out;
        for (auto field : obj) {
            if (field.key == "serviceName") take(field.value.get_string(), out.serviceName);
            else if (field.key == "ipv4") take(field.value.get_string(), out.ipv4);
            else if (field.key == "ipv6") take(field.value.get_string(), out.ipv6);
            else if (field.key == "port") take(field.value.get_int64(), out.port);
        }
        return out;
    }

    static bool microseconds(simdjson::dom::element e, uint64_t &out)
    {
        uint64_t u;
        if (e.get_uint64().get(u) == simdjson::SUCCESS) {
            out = u * 1000;
            return true;
        }
        double d;
        if (e.get_double().get(d) == simdjson::SUCCESS && d >= 0 && d < 1.8e16) {
            out = uint64_t(std::llround(d * 1000));
            return true;
        }
        return false;
    }

    void span(size_t b, size_t e)
    {
        simdjson::dom::element root;
        if (!parseRecord(b, e, root, diag::JsonSpanInvalid, "a span"))
            return;
        simdjson::dom::object obj;
        if (root.get_object().get(obj) != simdjson::SUCCESS) {
            diag(diag::SpanNotObject, b, [&] { return std::string("a spans entry is ") + jsonKindName(m_walk.at(b)) + ", not an object; skipped"; });
            return;
        }
        std::string_view traceText, idText, parentText, name, kind;
        simdjson::dom::element tags, annotations, timestamp, duration, local, remote;
        bool hasTags = false, hasAnnotations = false, hasTimestamp = false, hasDuration = false, hasLocal = false, hasRemote = false;
        for (auto field : obj) {
            const std::string_view k = field.key;
            if (k == "traceId") take(field.value.get_string(), traceText);
            else if (k == "id") take(field.value.get_string(), idText);
            else if (k == "parentId") take(field.value.get_string(), parentText);
            else if (k == "name") take(field.value.get_string(), name);
            else if (k == "kind") take(field.value.get_string(), kind);
            else if (k == "tags") { tags = field.value; hasTags = true; }
            else if (k == "annotations") { annotations = field.value; hasAnnotations = true; }
            else if (k == "timestamp") { timestamp = field.value; hasTimestamp = true; }
            else if (k == "duration") { duration = field.value; hasDuration = true; }
            else if (k == "localEndpoint") { local = field.value; hasLocal = true; }
            else if (k == "remoteEndpoint") { remote = field.value; hasRemote = true; }
        }
        SpanCold c;
        if (!readSpanIds(traceText, idText, "traceId", "id", b, c))
            return;
        const std::string self = c.traceId.hex() + "/" + c.spanId.hex();
        if (!parentText.empty()) {
            const IdParse r = parseHexId(parentText, c.parentSpanId);
            if (r != IdParse::Ok) {
                c.parentSpanId = {};
                diag(diag::SpanBadParentId, b, [&] { return "span " + self + " parentId " + quoted(parentText) + " " + hexIdProblem(r) + "; shown as a root"; });
            } else if (c.parentSpanId == c.spanId) {
                c.parentSpanId = {}; // the Collector drops a parent equal to the span itself
            }
        }

        SpanHot h;
        h.name = name.empty() ? 0 : m_build.intern(name);
        if (!kind.empty() && !spanKindFromName(kind, h.kind))
            diag(diag::EnumUnknown, b, [&] { return "span " + self + " kind " + quoted(kind) + " is not a Zipkin kind; read as unspecified"; });
        bool startAbsent = !hasTimestamp;
        if (hasTimestamp && !microseconds(timestamp, h.start)) {
            startAbsent = true;
            diag(diag::JsonBadNumber, b, [&] { return "span " + self + " timestamp is not a number of microseconds; ignored"; });
        }
        uint64_t d = 0;
        if (hasDuration && !microseconds(duration, d))
            diag(diag::JsonBadNumber, b, [&] { return "span " + self + " duration is not a number of microseconds; ignored"; });
        h.end = h.start + d;

        const Endpoint le = hasLocal ? endpoint(local) : Endpoint{};
        const Endpoint re = hasRemote ? endpoint(remote) : Endpoint{};

        StatusTags status;
        std::string_view scopeName, scopeVersion, traceState;
        m_build.beginAttributes();
        simdjson::dom::object tagObj;
        if (hasTags && tags.get_object().get(tagObj) == simdjson::SUCCESS) {
            for (auto field : tagObj) {
                std::string_view v;
                if (field.value.get_string().get(v) != simdjson::SUCCESS) {
                    // Zipkin tags are strings; keep anything else as its JSON text.
                    const std::string text = simdjson::minify(field.value);
                    diag(diag::JsonWrongType, b, [&] { return "span " + self + " tag " + quoted(field.key) + " is not a string; kept as its JSON text"; });
                    m_build.addString(field.key, text);
                    continue;
                }
                const std::string_view k = field.key;
                if (k == "error") {
                    // Zipkin's error tag carries the message; "true" carries none.
                    status.error = true;
                    if (!v.empty() && v != "true") {
                        status.description = v;
                        status.hasDescription = true;
                    }
                } else if (k == "otel.status_code") {
                    status.hasCode = statusFromName(v, status.code);
                } else if (k == "otel.status_description" && !status.hasDescription) {
                    status.description = v;
                    status.hasDescription = true;
                } else if (k == "otel.scope.name" || k == "otel.library.name") {
                    scopeName = v;
                } else if (k == "otel.scope.version" || k == "otel.library.version") {
                    scopeVersion = v;
                } else if (k == "w3c.tracestate") {
                    traceState = v;
                } else {
                    m_build.addString(k, v);
                }
            }
        } else if (hasTags && tags.type() != element_type::NULL_VALUE) {
            diag(diag::JsonWrongType, b, [&] { return "span " + self + " tags is not an object; ignored"; });
        }
        // Endpoints as the Collector writes them.
        if (!le.ipv4.empty() || !le.ipv6.empty())
            m_build.addString("net.host.ip", le.ipv6.empty() ? le.ipv4 : le.ipv6);
        if (le.port > 0)
            m_build.addAttribute("net.host.port", Value::makeInt(le.port));
        if (!re.serviceName.empty())
            m_build.addString("peer.service", re.serviceName);
        if (!re.ipv4.empty() || !re.ipv6.empty())
            m_build.addString("net.peer.ip", re.ipv6.empty() ? re.ipv4 : re.ipv6);
        if (re.port > 0)
            m_build.addAttribute("net.peer.port", Value::makeInt(re.port));
        if (startAbsent)
            m_build.addAttribute("otel.zipkin.absentField.startTime", Value::makeBool(true));
        c.attributes = m_build.endAttributes();
        c.rawKind = uint32_t(h.kind);
        applyStatus(status, h, c, m_out);
        if (!traceState.empty())
            c.traceState = m_build.intern(traceState);

        m_build.beginSpan();
        simdjson::dom::array list;
        if (hasAnnotations && annotations.get_array().get(list) == simdjson::SUCCESS) {
            for (simdjson::dom::element a : list) {
                Event ev;
                std::string_view value;
                bool hasTime = false;
                simdjson::dom::object ao;
                if (a.get_object().get(ao) == simdjson::SUCCESS) {
                    for (auto field : ao) {
                        if (field.key == "timestamp")
                            hasTime = microseconds(field.value, ev.time);
                        else if (field.key == "value")
                            take(field.value.get_string(), value);
                    }
                }
                if (!hasTime) {
                    diag(diag::ZipkinBadAnnotation, b, [&] { return "an annotation of span " + self + " has no timestamp; skipped"; });
                    continue;
                }
                ev.name = value.empty() ? 0 : m_build.intern(value);
                ev.attributes = m_build.noAttributes();
                m_build.addEvent(ev);
            }
        } else if (hasAnnotations && annotations.type() != element_type::NULL_VALUE) {
            diag(diag::JsonWrongType, b, [&] { return "span " + self + " annotations is not an array; ignored"; });
        }
        c.scope = scopeFor(resourceFor(le.serviceName), scopeName, scopeVersion);
        h.service = m_build.serviceOfScope(c.scope);
        m_build.endSpan(h, c);
        m_offsets.push_back(b);
    }

    // Zipkin's shared spans: a server span reuses the id of the client span
    // that called it. Like Jaeger's span-id deduper, the server side gets an
    // id of its own (the trace's largest span id plus one, the first unused),
    // its parent becomes the client span, and spans that named the shared id
    // as their parent become the server span's children.
    void uniquifySharedSpans(size_t first)
    {
        const auto n = uint32_t(m_out.hot.size());
        std::unordered_map<SpanKey, std::vector<uint32_t>, SpanKeyHash> byKey;
        for (uint32_t i = uint32_t(first); i < n; ++i)
            byKey[{m_out.cold[i].traceId, m_out.cold[i].spanId}].push_back(i);
        std::map<TraceId, std::pair<uint64_t, std::vector<uint32_t>>> renamed; // per trace: max id, servers renamed
        for (auto &[key, spans] : byKey) {
            if (spans.size() < 2)
                continue;
            bool hasOther = false;
            for (uint32_t s : spans)
                hasOther = hasOther || m_out.hot[s].kind != SpanKind::Server;
            if (!hasOther)
                continue; // two copies of one span: finalize() reports the duplicate
            for (uint32_t s : spans)
                if (m_out.hot[s].kind == SpanKind::Server)
                    renamed[key.trace].second.push_back(s);
        }
        if (renamed.empty())
            return;
        auto asNumber = [](const SpanId &id) {
            uint64_t v = 0;
            for (uint8_t byte : id.bytes)
                v = v << 8 | byte;
            return v;
        };
        for (uint32_t i = uint32_t(first); i < n; ++i)
            if (auto it = renamed.find(m_out.cold[i].traceId); it != renamed.end())
                it->second.first = std::max(it->second.first, asNumber(m_out.cold[i].spanId));
        for (auto &[trace, entry] : renamed) {
            auto &[maxId, servers] = entry;
            std::sort(servers.begin(), servers.end());
            for (uint32_t s : servers) {
                const SpanId old = m_out.cold[s].spanId;
                SpanId fresh;
                uint64_t v = ++maxId;
                for (int k = 7; k >= 0; --k, v >>= 8)
                    fresh.bytes[size_t(k)] = uint8_t(v);
                // Named, not captured: clang 14 cannot capture a structured binding.
                const TraceId &traceId = trace;
                diag(diag::ZipkinSharedSpan, m_offsets[s - first], [&] {
                    return "server span " + traceId.hex() + "/" + old.hex() + " shares its id with its client span; it is loaded as "
                        + fresh.hex() + ", a child of the client span";
                });
                for (uint32_t i = uint32_t(first); i < n; ++i)
                    if (i != s && m_out.cold[i].traceId == trace && m_out.cold[i].parentSpanId == old)
                        m_out.cold[i].parentSpanId = fresh;
                m_out.cold[s].spanId = fresh;
                m_out.cold[s].parentSpanId = old;
            }
        }
    }

    std::unordered_map<std::string, uint32_t> m_resources;
    std::vector<uint64_t> m_offsets; // byte offset of each span appended, from the first
};

} // namespace

bool readZipkinJson(std::string_view bytes, const ReadContext &ctx, Model &out, LoadError &error)
{
    ZipkinReader reader(bytes, ctx, out);
    return reader.run(error);
}

} // namespace causeway::detail
