// Jaeger JSON: the v1 query API response and Jaeger UI's "Download JSON"
// ({"data":[trace, ...]}, also with `data` as one trace object), or one
// trace object ({"traceID", "spans", "processes"}), or an array of them.
// Mapped to the OTLP model the way the OpenTelemetry Collector's Jaeger
// translator does; see the README's "Jaeger JSON" section.

#include "core/foreign_json.h"

#include <cmath>
#include <map>
#include <vector>

namespace causeway::detail {

using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

constexpr std::string_view kRefType = "opentracing.ref_type";

class JaegerReader : public ForeignReader
{
public:
    using ForeignReader::ForeignReader;

    bool run(LoadError &error)
    {
        const size_t spansBefore = m_out.hot.size();
        const size_t scopesBefore = m_out.scopes.size();
        const std::string_view text = m_walk.text();
        size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
        pos = m_walk.ws(pos);
        size_t end = pos;
        bool ok;
        if (m_walk.at(pos) == '[') {
            ok = m_walk.elements(pos, end, [&](size_t b, size_t &e) { return trace(b, e); });
        } else {
            // A response wrapper, or one trace: decided by its members.
            bool isTrace = false, hasData = false;
            ok = m_walk.members(pos, end, [&](std::string_view key, size_t b, size_t &e) {
                if (key == "data") {
                    hasData = true;
                    if (m_walk.at(b) == '[')
                        return m_walk.elements(b, e, [&](size_t tb, size_t &te) { return trace(tb, te); });
                    if (m_walk.at(b) == '{')
                        return trace(b, e);
                    if (!m_walk.skip(b, e))
                        return false;
                    if (m_walk.at(b) != 'n')
                        diag(diag::JaegerNotTrace, b, [&] { return std::string("data is ") + jsonKindName(m_walk.at(b)) + ", expected an array of traces"; });
                    return true;
                }
                if (key == "traceID" || key == "spans" || key == "processes")
                    isTrace = true;
                if (!m_walk.skip(b, e))
                    return false;
                if (key == "errors")
                    responseErrors(b, e);
                return true;
            });
            // One trace object: read again as a trace, which keeps the spans before any damage.
            if (isTrace && !hasData)
                ok = trace(pos, end);
        }
        if (!ok && !structural(error, m_out.hot.size() > spansBefore || m_tracesSeen > 0))
            return false;
        if (ok) {
            const size_t tail = m_walk.ws(end);
            if (tail < text.size())
                diag(diag::JsonTruncated, tail, [] { return std::string("unexpected data after the end of the document; ignored"); });
        }
        groupAsOtlp(spansBefore, scopesBefore);
        if (nothingKept(error, spansBefore))
            return false;
        m_ctx.done(text.size());
        return true;
    }

private:
    struct Process
    {
        uint32_t resource = 0;
    };

    void responseErrors(size_t b, size_t e)
    {
        element errors;
        if (m_parser.parse(m_walk.text().data() + b, e - b, true).get(errors) != simdjson::SUCCESS)
            return;
        simdjson::dom::array arr;
        if (errors.get_array().get(arr) != simdjson::SUCCESS || arr.size() == 0)
            return;
        std::string first = simdjson::minify(arr.at(0).value_unsafe());
        diag(diag::JaegerResponseErrors, b, [&] { return "the response lists " + std::to_string(arr.size()) + " error(s), the first: " + first; });
    }

    // One trace object: processes first (they may follow the spans), then
    // spans. In a damaged trace the spans complete before the damage are read.
    bool trace(size_t pos, size_t &end)
    {
        if (m_walk.at(pos) != '{') {
            if (!m_walk.skip(pos, end))
                return false;
            diag(diag::JaegerNotTrace, pos, [&] { return std::string("a trace is ") + jsonKindName(m_walk.at(pos)) + ", expected an object; skipped"; });
            return true;
        }
        std::vector<std::pair<size_t, size_t>> spans;
        size_t processesPos = 0, processesEnd = 0;
        bool isSpan = false; // an array of spans with their processes inline (Jaeger's anonymizer writes that)
        const bool ok = m_walk.members(pos, end, [&](std::string_view key, size_t b, size_t &e) {
            if (key == "spanID")
                isSpan = true;
            if (key == "spans" && m_walk.at(b) == '[') {
                return m_walk.elements(b, e, [&](size_t sb, size_t &se) {
                    if (!m_walk.skip(sb, se))
                        return false;
                    spans.emplace_back(sb, se);
                    return true;
                });
            }
            if (!m_walk.skip(b, e))
                return false;
            if (key == "spans" && m_walk.at(b) != 'n')
                diag(diag::JsonWrongType, b, [&] { return std::string("spans is ") + jsonKindName(m_walk.at(b)) + ", expected an array; ignored"; });
            if (key == "processes") {
                processesPos = b;
                processesEnd = e;
            }
            return true;
        });
        if (ok && isSpan && spans.empty()) {
            span(pos, end);
            return true;
        }
        ++m_tracesSeen;
        m_processes.clear();
        if (processesPos)
            processes(processesPos, processesEnd);
        for (auto [b, e] : spans)
            span(b, e);
        return ok;
    }

    void processes(size_t b, size_t e)
    {
        element root;
        if (!parseRecord(b, e, root, diag::JsonWrongType, "processes"))
            return;
        simdjson::dom::object obj;
        if (root.get_object().get(obj) != simdjson::SUCCESS) {
            if (root.type() != element_type::NULL_VALUE)
                diag(diag::JsonWrongType, b, [] { return std::string("processes is not an object; ignored"); });
            return;
        }
        for (auto field : obj)
            m_processes[std::string(field.key)] = resourceOf(field.value, b);
    }

    // Process {serviceName, tags} -> Resource with service.name and the tags.
    uint32_t resourceOf(element process, uint64_t offset)
    {
        std::string_view service;
        element tags;
        bool hasTags = false;
        simdjson::dom::object obj;
        if (process.get_object().get(obj) == simdjson::SUCCESS) {
            for (auto field : obj) {
                if (field.key == "serviceName")
                    take(field.value.get_string(), service);
                else if (field.key == "tags") {
                    tags = field.value;
                    hasTags = true;
                }
            }
        } else {
            diag(diag::JsonWrongType, offset, [] { return std::string("a process is not an object; ignored"); });
        }
        m_build.beginAttributes();
        if (!service.empty())
            m_build.addString("service.name", service);
        if (hasTags)
            addTags(tags, offset, nullptr);
        Resource r;
        r.attributes = m_build.endAttributes();
        return m_build.addResource(r);
    }

    // Tags of the span being read, with the keys that carry span fields taken out.
    struct SpanTags : StatusTags
    {
        bool hasKind = false;
        SpanKind kind = SpanKind::Unspecified;
        std::string_view scopeName, scopeVersion, traceState;
    };

    // Appends [{key, type, value}] to the open attribute list. With `span`
    // set, the tags the Collector turns into span fields are taken out.
    void addTags(element list, uint64_t offset, SpanTags *span, StringId *eventName = nullptr)
    {
        simdjson::dom::array arr;
        if (list.get_array().get(arr) != simdjson::SUCCESS) {
            if (list.type() != element_type::NULL_VALUE)
                diag(diag::JsonWrongType, offset, [] { return std::string("tags is not an array; ignored"); });
            return;
        }
        for (element tag : arr) {
            std::string_view key, type;
            element value;
            bool hasValue = false;
            simdjson::dom::object obj;
            if (tag.get_object().get(obj) != simdjson::SUCCESS) {
                diag(diag::JsonWrongType, offset, [] { return std::string("a tag is not an object; ignored"); });
                continue;
            }
            for (auto field : obj) {
                if (field.key == "key")
                    take(field.value.get_string(), key);
                else if (field.key == "type")
                    take(field.value.get_string(), type);
                else if (field.key == "value") {
                    value = field.value;
                    hasValue = true;
                }
            }
            Value v = hasValue ? tagValue(key, type, value, offset) : Value();
            if (span && takeSpanTag(key, v, *span))
                continue;
            if (eventName && !*eventName && key == "event" && v.type == ValueType::String) {
                *eventName = v.str;
                continue;
            }
            m_build.addAttribute(key, v);
        }
    }

    // Jaeger tag types: string, bool, int64, float64, binary (base64). A
    // value that does not match its type is kept as written.
    Value tagValue(std::string_view key, std::string_view type, element value, uint64_t offset)
    {
        std::string_view s;
        const bool isString = value.get_string().get(s) == simdjson::SUCCESS;
        auto mismatch = [&] {
            diag(diag::JaegerTagBad, offset, [&] { return "tag " + quoted(key) + " of type " + quoted(type) + " has the value " + simdjson::minify(value) + "; kept as a string"; });
            return Value::makeString(m_build.intern(isString ? s : std::string_view(simdjson::minify(value))));
        };
        if (type == "bool") {
            bool b;
            if (value.get_bool().get(b) == simdjson::SUCCESS)
                return Value::makeBool(b);
            if (isString && (s == "true" || s == "false"))
                return Value::makeBool(s == "true");
            return mismatch();
        }
        if (type == "int64") {
            int64_t i;
            if (value.get_int64().get(i) == simdjson::SUCCESS)
                return Value::makeInt(i);
            double d;
            if (value.get_double().get(d) == simdjson::SUCCESS && std::floor(d) == d && std::fabs(d) < 9.2e18)
                return Value::makeInt(int64_t(d));
            if (isString) {
                char *endp = nullptr;
                const std::string copy(s);
                const long long parsed = std::strtoll(copy.c_str(), &endp, 10);
                if (!copy.empty() && endp && *endp == '\0')
                    return Value::makeInt(parsed);
            }
            return mismatch();
        }
        if (type == "float64") {
            double d;
            if (value.get_double().get(d) == simdjson::SUCCESS)
                return Value::makeDouble(d);
            if (isString) {
                char *endp = nullptr;
                const std::string copy(s);
                const double parsed = std::strtod(copy.c_str(), &endp);
                if (!copy.empty() && endp && *endp == '\0')
                    return Value::makeDouble(parsed);
            }
            return mismatch();
        }
        if (type == "binary") {
            if (isString && base64Decode(s, m_bytes))
                return Value::makeBytes(m_build.intern(m_bytes));
            return mismatch();
        }
        if (type == "string" && isString)
            return Value::makeString(m_build.intern(s));
        // No type, or an unknown one: take the JSON value's own type.
        switch (value.type()) {
        case element_type::STRING: return Value::makeString(m_build.intern(s));
        case element_type::BOOL: { bool b = false; take(value.get_bool(), b); return Value::makeBool(b); }
        case element_type::INT64:
        case element_type::UINT64: { int64_t i = 0; if (value.get_int64().get(i) == simdjson::SUCCESS) return Value::makeInt(i); break; }
        case element_type::DOUBLE: { double d = 0; take(value.get_double(), d); return Value::makeDouble(d); }
        case element_type::NULL_VALUE: return {};
        default: break;
        }
        return mismatch();
    }

    static std::string_view stringOf(const Value &v, const Model &m) { return v.type == ValueType::String ? m.str(v.str) : std::string_view(); }

    bool takeSpanTag(std::string_view key, const Value &v, SpanTags &t)
    {
        if (key == "span.kind") {
            t.hasKind = spanKindFromName(stringOf(v, m_out), t.kind);
            return t.hasKind;
        }
        if (key == "error") {
            // The Collector takes `error` out only when it is true.
            const bool on = (v.type == ValueType::Bool && v.b) || stringOf(v, m_out) == "true";
            t.error = t.error || on;
            return on;
        }
        if (key == "otel.status_code") {
            t.hasCode = statusFromName(stringOf(v, m_out), t.code);
            return true;
        }
        if (key == "otel.status_description") {
            t.description = stringOf(v, m_out);
            t.hasDescription = true;
            return true;
        }
        if (key == "otel.scope.name" || key == "otel.library.name") {
            t.scopeName = stringOf(v, m_out);
            return true;
        }
        if (key == "otel.scope.version" || key == "otel.library.version") {
            t.scopeVersion = stringOf(v, m_out);
            return true;
        }
        if (key == "w3c.tracestate") {
            t.traceState = stringOf(v, m_out);
            return true;
        }
        if ((key == "http.status_code" || key == "http.response.status_code") && v.type == ValueType::Int)
            t.httpStatus = v.i;
        return false;
    }

    static bool microseconds(element e, uint64_t &out)
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
        element root;
        if (!parseRecord(b, e, root, diag::JsonSpanInvalid, "a span"))
            return;
        simdjson::dom::object obj;
        if (root.get_object().get(obj) != simdjson::SUCCESS) {
            diag(diag::SpanNotObject, b, [&] { return std::string("a spans entry is ") + jsonKindName(m_walk.at(b)) + ", not an object; skipped"; });
            return;
        }
        std::string_view traceText, spanText, name, processId, parentText;
        element tags, logs, refs, warnings, startTime, duration, process;
        bool hasTags = false, hasLogs = false, hasRefs = false, hasWarnings = false, hasStart = false, hasDuration = false,
             hasProcess = false;
        for (auto field : obj) {
            const std::string_view k = field.key;
            if (k == "traceID") take(field.value.get_string(), traceText);
            else if (k == "spanID") take(field.value.get_string(), spanText);
            else if (k == "parentSpanID") take(field.value.get_string(), parentText);
            else if (k == "operationName") take(field.value.get_string(), name);
            else if (k == "processID") take(field.value.get_string(), processId);
            else if (k == "process") { process = field.value; hasProcess = true; }
            else if (k == "tags") { tags = field.value; hasTags = true; }
            else if (k == "logs") { logs = field.value; hasLogs = true; }
            else if (k == "references") { refs = field.value; hasRefs = true; }
            else if (k == "warnings") { warnings = field.value; hasWarnings = true; }
            else if (k == "startTime") { startTime = field.value; hasStart = true; }
            else if (k == "duration") { duration = field.value; hasDuration = true; }
        }
        SpanCold c;
        if (!readSpanIds(traceText, spanText, "traceID", "spanID", b, c))
            return;
        const std::string self = c.traceId.hex() + "/" + c.spanId.hex();

        SpanHot h;
        h.name = name.empty() ? 0 : m_build.intern(name);
        if (hasStart && !microseconds(startTime, h.start))
            diag(diag::JsonBadNumber, b, [&] { return "span " + self + " startTime is not a number of microseconds; ignored"; });
        uint64_t d = 0;
        if (hasDuration && !microseconds(duration, d))
            diag(diag::JsonBadNumber, b, [&] { return "span " + self + " duration is not a number of microseconds; ignored"; });
        h.end = h.start + d;

        // The resource: the span's process.
        uint32_t resource;
        if (hasProcess) {
            resource = resourceOf(process, b);
        } else if (auto it = m_processes.find(std::string(processId)); it != m_processes.end()) {
            resource = it->second;
        } else {
            diag(diag::JaegerProcessMissing, b, [&] { return "span " + self + " names process " + quoted(processId) + ", which is not in processes; it gets no service"; });
            if (m_noProcess == kNone) {
                Resource none;
                none.attributes = m_build.noAttributes();
                m_noProcess = m_build.addResource(none);
            }
            resource = m_noProcess;
        }

        m_build.beginSpan();
        // References: the first CHILD_OF in the same trace is the parent; every other one a link.
        bool haveParent = false;
        simdjson::dom::array list;
        if (hasRefs && refs.get_array().get(list) == simdjson::SUCCESS) {
            for (element ref : list) {
                std::string_view refType, refTrace, refSpan;
                simdjson::dom::object ro;
                if (ref.get_object().get(ro) == simdjson::SUCCESS) {
                    for (auto field : ro) {
                        if (field.key == "refType") take(field.value.get_string(), refType);
                        else if (field.key == "traceID") take(field.value.get_string(), refTrace);
                        else if (field.key == "spanID") take(field.value.get_string(), refSpan);
                    }
                }
                Link l;
                const IdParse rt = parseHexId(refTrace, l.traceId);
                const IdParse rs = parseHexId(refSpan, l.spanId);
                const bool childOf = refType == "CHILD_OF" || refType == "child_of";
                const bool followsFrom = refType == "FOLLOWS_FROM" || refType == "follows_from";
                if (rt != IdParse::Ok || rs != IdParse::Ok || (!childOf && !followsFrom)) {
                    diag(diag::JaegerRefBad, b, [&] {
                        return "a reference of span " + self + " (" + quoted(refType) + " " + quoted(refTrace) + "/" + quoted(refSpan)
                            + ") has " + (rt != IdParse::Ok ? "a traceID that " + std::string(hexIdProblem(rt))
                                          : rs != IdParse::Ok ? "a spanID that " + std::string(hexIdProblem(rs))
                                                              : std::string("an unknown refType")) + "; the reference is skipped";
                    });
                    continue;
                }
                if (childOf && !haveParent && l.traceId == c.traceId) {
                    c.parentSpanId = l.spanId;
                    haveParent = true;
                    continue;
                }
                m_build.beginAttributes();
                m_build.addString(kRefType, childOf ? "child_of" : "follows_from");
                l.attributes = m_build.endAttributes();
                m_build.addLink(l);
            }
        } else if (hasRefs && refs.type() != element_type::NULL_VALUE) {
            diag(diag::JsonWrongType, b, [&] { return "span " + self + " references is not an array; ignored"; });
        }
        if (!haveParent && !parentText.empty() && parentText != "0" && parseHexId(parentText, c.parentSpanId) != IdParse::Ok) {
            c.parentSpanId = {};
            diag(diag::SpanBadParentId, b, [&] { return "span " + self + " parentSpanID " + quoted(parentText) + " is not a hex id; shown as a root"; });
        }

        SpanTags t;
        m_build.beginAttributes();
        if (hasTags)
            addTags(tags, b, &t);
        if (hasWarnings && warnings.get_array().get(list) == simdjson::SUCCESS && list.size() > 0) {
            m_build.beginArray();
            for (element w : list) {
                std::string_view s;
                if (w.get_string().get(s) == simdjson::SUCCESS)
                    m_build.addArrayValue(Value::makeString(m_build.intern(s)));
            }
            m_build.addAttribute("jaeger.warnings", Value::makeArray(m_build.endArray()));
            diag(diag::JaegerWarnings, b, [&] { return "span " + self + " carries Jaeger warnings; kept as the jaeger.warnings attribute"; });
        }
        c.attributes = m_build.endAttributes();
        if (t.hasKind)
            h.kind = t.kind;
        c.rawKind = uint32_t(h.kind);
        applyStatus(t, h, c, m_out);
        if (!t.traceState.empty())
            c.traceState = m_build.intern(t.traceState);

        // Logs -> events; the `event` field names the event.
        if (hasLogs && logs.get_array().get(list) == simdjson::SUCCESS) {
            for (element log : list) {
                simdjson::dom::object lo;
                if (log.get_object().get(lo) != simdjson::SUCCESS) {
                    diag(diag::JsonWrongType, b, [&] { return "a log of span " + self + " is not an object; ignored"; });
                    continue;
                }
                Event ev;
                element fields;
                bool hasFields = false;
                for (auto field : lo) {
                    if (field.key == "timestamp")
                        microseconds(field.value, ev.time);
                    else if (field.key == "fields") {
                        fields = field.value;
                        hasFields = true;
                    }
                }
                m_build.beginAttributes();
                if (hasFields)
                    addTags(fields, b, nullptr, &ev.name);
                ev.attributes = m_build.endAttributes();
                m_build.addEvent(ev);
            }
        } else if (hasLogs && logs.type() != element_type::NULL_VALUE) {
            diag(diag::JsonWrongType, b, [&] { return "span " + self + " logs is not an array; ignored"; });
        }

        c.scope = scopeFor(resource, t.scopeName, t.scopeVersion);
        h.service = m_build.serviceOfScope(c.scope);
        m_build.endSpan(h, c);
    }

    std::map<std::string, uint32_t> m_processes;
    uint32_t m_noProcess = kNone;
    uint64_t m_tracesSeen = 0;
    std::string m_bytes;
};

} // namespace

bool readJaegerJson(std::string_view bytes, const ReadContext &ctx, Model &out, LoadError &error)
{
    JaegerReader reader(bytes, ctx, out);
    return reader.run(error);
}

} // namespace causeway::detail
