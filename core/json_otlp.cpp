#include "core/json_otlp.h"
#include "core/json_otlp_mapping.h"
#include "core/readers.h"
#include "core/sametext.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

namespace causeway::detail {

using simdjson::dom::element;
using simdjson::dom::element_type;
using namespace otlpjson;

namespace {

const char *typeName(element e)
{
    switch (e.type()) {
    case element_type::ARRAY: return "an array";
    case element_type::OBJECT: return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "a number";
    case element_type::STRING: return "a string";
    case element_type::BOOL: return "a boolean";
    case element_type::NULL_VALUE: return "null";
    }
    return "a value";
}

// simdjson marks get() [[nodiscard]]; where the type was checked first the result is known.
template<typename Result, typename T>
bool take(Result &&result, T &out)
{
    return std::forward<Result>(result).get(out) == simdjson::SUCCESS;
}

bool isNull(element e) { return e.type() == element_type::NULL_VALUE; }

const char *idProblem(IdParse r, bool zero)
{
    switch (r) {
    case IdParse::Empty: return "is missing";
    case IdParse::BadLength: return "has the wrong length";
    case IdParse::BadCharacter: return "is neither hex nor base64";
    case IdParse::Ok: break;
    }
    return zero ? "is all zeros" : "is invalid";
}

std::string excerpt(std::string_view s)
{
    constexpr size_t kMax = 48;
    std::string out = "'";
    out.append(s.substr(0, kMax));
    if (s.size() > kMax)
        out += "...";
    return out + "'";
}

bool contains(const std::vector<std::string> &keys, std::string_view k)
{
    return std::find(keys.begin(), keys.end(), k) != keys.end();
}

} // namespace

std::string JsonPlace::prefix() const
{
    std::string out(file);
    if (line)
        out += ": line " + std::to_string(line);
    else
        out += ": byte " + std::to_string(offset);
    return out + ": ";
}

std::string describeNonOtlp(const TopLevelShape &shape)
{
    const auto &k = shape.keys;
    const char *what = nullptr;
    // Jaeger and Zipkin JSON are told apart by the format sniffer and have readers of their own.
    if (contains(k, "resourceLogs") || contains(k, "resource_logs"))
        what = "OTLP logs (resourceLogs), not traces";
    else if (contains(k, "resourceMetrics") || contains(k, "resource_metrics"))
        what = "OTLP metrics (resourceMetrics), not traces";
    else if (contains(k, "traceEvents") || contains(k, "ph"))
        what = "the Chrome/Perfetto trace event format";
    if (what)
        return std::string("JSON without resourceSpans: looks like ") + what + ", which Causeway does not read";
    if (shape.isArray)
        return "a JSON array, not OTLP/JSON (expected an object with resourceSpans)";
    std::string keys;
    for (size_t i = 0; i < k.size() && i < 6; ++i)
        keys += (i ? ", " : "") + excerpt(k[i]);
    if (k.size() > 6)
        keys += ", ...";
    return "JSON without resourceSpans (top-level keys: " + keys + "); expected OTLP/JSON TracesData";
}

void OtlpDomReader::wrongType(element e, std::string_view field, const char *expected)
{
    diag(diag::JsonWrongType, [&] {
        return std::string(field) + " is " + typeName(e) + ", expected " + expected + "; ignored";
    });
}

bool OtlpDomReader::string(element e, std::string_view field, std::string_view &out)
{
    if (e.get_string().get(out) == simdjson::SUCCESS)
        return true;
    if (!isNull(e))
        wrongType(e, field, "a string");
    return false;
}

bool OtlpDomReader::u64(element e, std::string_view field, uint64_t &out)
{
    switch (e.type()) {
    case element_type::UINT64:
    case element_type::INT64:
        if (e.get_uint64().get(out) == simdjson::SUCCESS)
            return true;
        break;
    case element_type::DOUBLE: {
        // Some JavaScript producers write 64-bit integers as plain numbers.
        double d = 0;
        take(e.get_double(), d);
        if (d >= 0 && d < 18446744073709551616.0 && std::floor(d) == d) {
            out = uint64_t(d);
            return true;
        }
        break;
    }
    case element_type::STRING: {
        std::string_view s;
        take(e.get_string(), s);
        if (parseInteger(s, out))
            return true;
        diag(diag::JsonBadNumber, [&] {
            return std::string(field) + " " + excerpt(s) + " is not an unsigned 64-bit integer; ignored";
        });
        return false;
    }
    case element_type::NULL_VALUE:
        return false;
    default:
        wrongType(e, field, "an integer");
        return false;
    }
    diag(diag::JsonBadNumber, [&] {
        return std::string(field) + " is not an unsigned 64-bit integer; ignored";
    });
    return false;
}

bool OtlpDomReader::u32(element e, std::string_view field, uint32_t &out)
{
    uint64_t v = 0;
    if (!u64(e, field, v))
        return false;
    if (v > std::numeric_limits<uint32_t>::max()) {
        diag(diag::JsonBadNumber, [&] {
            return std::string(field) + " " + std::to_string(v) + " does not fit 32 bits; ignored";
        });
        return false;
    }
    out = uint32_t(v);
    return true;
}

bool OtlpDomReader::i64(element e, std::string_view field, int64_t &out)
{
    switch (e.type()) {
    case element_type::INT64:
        take(e.get_int64(), out);
        return true;
    case element_type::DOUBLE: {
        double d = 0;
        take(e.get_double(), d);
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::floor(d) == d) {
            out = int64_t(d);
            return true;
        }
        break;
    }
    case element_type::UINT64:
        break;
    case element_type::STRING: {
        std::string_view s;
        take(e.get_string(), s);
        if (parseInteger(s, out))
            return true;
        diag(diag::JsonBadNumber, [&] {
            return std::string(field) + " " + excerpt(s) + " is not a 64-bit integer; ignored";
        });
        return false;
    }
    case element_type::NULL_VALUE:
        return false;
    default:
        wrongType(e, field, "an integer");
        return false;
    }
    diag(diag::JsonBadNumber, [&] {
        return std::string(field) + " is out of the 64-bit integer range; ignored";
    });
    return false;
}

bool OtlpDomReader::f64(element e, std::string_view field, double &out)
{
    switch (e.type()) {
    case element_type::DOUBLE:
    case element_type::INT64:
    case element_type::UINT64:
        return e.get_double().get(out) == simdjson::SUCCESS;
    case element_type::STRING: {
        // The proto JSON mapping writes non-finite doubles as strings; numbers may be quoted too.
        std::string_view s;
        take(e.get_string(), s);
        if (doubleFromText(s, out))
            return true;
        diag(diag::JsonBadNumber, [&] {
            return std::string(field) + " " + excerpt(s) + " is not a number; ignored";
        });
        return false;
    }
    case element_type::NULL_VALUE:
        return false;
    default:
        wrongType(e, field, "a number");
        return false;
    }
}

bool OtlpDomReader::boolean(element e, std::string_view field, bool &out)
{
    if (e.get_bool().get(out) == simdjson::SUCCESS)
        return true;
    if (!isNull(e))
        wrongType(e, field, "true or false");
    return false;
}

bool OtlpDomReader::enumValue(element e, std::string_view field, const std::string_view *names, size_t count,
                              std::string_view prefix, uint32_t &out)
{
    if (e.type() == element_type::STRING) {
        std::string_view s;
        take(e.get_string(), s);
        if (enumFromText(s, names, count, prefix, out))
            return true;
        diag(diag::EnumUnknown, [&] {
            return std::string(field) + " " + excerpt(s) + " is not a known name; read as unset";
        });
        return false;
    }
    if (e.type() == element_type::INT64 || e.type() == element_type::UINT64 || e.type() == element_type::DOUBLE) {
        int64_t v = -1;
        if (e.get_int64().get(v) == simdjson::SUCCESS && enumFromNumber(v, out))
            return true;
        diag(diag::JsonBadNumber, [&] {
            return std::string(field) + " is not a valid enum number; read as unset";
        });
        return false;
    }
    if (!isNull(e))
        wrongType(e, field, "a number or an enum name");
    return false;
}

Value OtlpDomReader::readValue(element v, size_t depth)
{
    simdjson::dom::object obj;
    if (v.get_object().get(obj) != simdjson::SUCCESS) {
        if (!isNull(v))
            wrongType(v, "value", "an AnyValue object");
        return {};
    }
    for (auto field : obj) {
        const int which = fieldIndex(kValueFields, field.key);
        if (which < 0)
            continue;
        element e = field.value;
        switch (which) {
        case VString: {
            std::string_view s;
            if (string(e, "stringValue", s))
                return Value::makeString(m_recentValues.intern(s));
            return {};
        }
        case VBool: {
            bool b = false;
            if (boolean(e, "boolValue", b))
                return Value::makeBool(b);
            return {};
        }
        case VInt: {
            int64_t i = 0;
            if (i64(e, "intValue", i))
                return Value::makeInt(i);
            return {};
        }
        case VDouble: {
            double d = 0;
            if (f64(e, "doubleValue", d))
                return Value::makeDouble(d);
            return {};
        }
        case VBytes: {
            std::string_view s;
            if (!string(e, "bytesValue", s))
                return {};
            if (base64Decode(s, m_bytes))
                return Value::makeBytes(m_recentValues.intern(m_bytes));
            // Keep what was written rather than lose it.
            diag(diag::BytesBadBase64, [&] {
                return "bytesValue " + excerpt(s) + " is not base64; kept as a string";
            });
            return Value::makeString(m_recentValues.intern(s));
        }
        case VArray:
        case VKvList: {
            const bool isArray = which == VArray;
            if (isNull(e))
                return {};
            simdjson::dom::object inner;
            if (e.get_object().get(inner) != simdjson::SUCCESS) {
                wrongType(e, isArray ? "arrayValue" : "kvlistValue", "an object");
                return {};
            }
            if (depth + 1 >= kMaxValueDepth) {
                diag(diag::ValueTooDeep, [&] {
                    return "a value is nested deeper than " + std::to_string(kMaxValueDepth)
                        + " levels; the deeper part is left empty";
                });
                return {};
            }
            element list;
            if (inner["values"].get(list) != simdjson::SUCCESS || isNull(list))
                return isArray ? Value::makeArray(m_build.noValues()) : Value::makeKvList(m_build.noAttributes());
            if (!isArray)
                return Value::makeKvList(readAttributes(list, "kvlistValue", depth + 1));
            simdjson::dom::array arr;
            if (list.get_array().get(arr) != simdjson::SUCCESS) {
                wrongType(list, "arrayValue.values", "an array");
                return {};
            }
            m_build.beginArray();
            for (element item : arr)
                m_build.addArrayValue(readValue(item, depth + 1));
            return Value::makeArray(m_build.endArray());
        }
        default:
            break;
        }
    }
    return {};
}

Range OtlpDomReader::readAttributes(element list, std::string_view owner, size_t depth)
{
    simdjson::dom::array arr;
    if (list.get_array().get(arr) != simdjson::SUCCESS) {
        if (!isNull(list))
            wrongType(list, std::string(owner) + " attributes", "an array");
        return m_build.noAttributes();
    }
    m_build.beginAttributes();
    for (element item : arr) {
        simdjson::dom::object kv;
        if (item.get_object().get(kv) != simdjson::SUCCESS) {
            wrongType(item, "an attribute", "an object with key and value");
            continue;
        }
        StringId key = 0;
        Value value;
        for (auto field : kv) {
            if (sameKey(field.key, "key")) {
                std::string_view k;
                if (string(field.value, "attribute key", k))
                    key = m_recentNames.intern(k);
            } else if (sameKey(field.key, "value")) {
                value = readValue(field.value, depth);
            }
        }
        m_build.addAttribute(key, value);
    }
    return m_build.endAttributes();
}

uint32_t OtlpDomReader::readResource(const element *resource)
{
    Resource r;
    r.attributes = m_build.noAttributes();
    simdjson::dom::object obj;
    if (resource && resource->get_object().get(obj) == simdjson::SUCCESS) {
        for (auto field : obj) {
            if (isResourceAttributesKey(field.key))
                r.attributes = readAttributes(field.value, "resource", 0);
            else if (isResourceDroppedKey(field.key))
                u32(field.value, "resource droppedAttributesCount", r.droppedAttributesCount);
        }
    } else if (resource && !isNull(*resource)) {
        wrongType(*resource, "resource", "an object");
    }
    return m_build.addResource(r);
}

uint32_t OtlpDomReader::readScope(const element *scope, uint32_t resource)
{
    Scope s;
    s.resource = resource;
    s.attributes = m_build.noAttributes();
    simdjson::dom::object obj;
    if (scope && scope->get_object().get(obj) == simdjson::SUCCESS) {
        for (auto field : obj) {
            std::string_view text;
            switch (fieldIndex(kScopeFields, field.key)) {
            case ScName:
                if (string(field.value, "scope name", text))
                    s.name = m_recentNames.intern(text);
                break;
            case ScVersion:
                if (string(field.value, "scope version", text))
                    s.version = m_recentNames.intern(text);
                break;
            case ScAttributes:
                s.attributes = readAttributes(field.value, "scope", 0);
                break;
            case ScDropped:
                u32(field.value, "scope droppedAttributesCount", s.droppedAttributesCount);
                break;
            default:
                break;
            }
        }
    } else if (scope && !isNull(*scope)) {
        wrongType(*scope, "scope", "an object");
    }
    return m_build.addScope(s);
}

StringId OtlpDomReader::readSchemaUrl(element value)
{
    std::string_view s;
    return string(value, "schemaUrl", s) ? m_out.strings.intern(s) : 0;
}

void OtlpDomReader::readSpan(element span, uint32_t scope, StringId service)
{
    simdjson::dom::object obj;
    if (span.get_object().get(obj) != simdjson::SUCCESS) {
        diag(diag::SpanNotObject, [&] {
            return std::string("a spans entry is ") + typeName(span) + ", not an object; skipped";
        });
        return;
    }
    element f[SpCount];
    bool has[SpCount] = {};
    for (auto field : obj) {
        const int i = fieldIndex(kSpanFields, field.key);
        if (i >= 0) {
            f[i] = field.value;
            has[i] = true;
        }
    }

    SpanCold c;
    std::string_view text;
    {
        // Identity first: a span without a usable identity is skipped before anything is appended.
        IdParse r = IdParse::Empty;
        if (has[SpTraceId] && string(f[SpTraceId], "traceId", text))
            r = parseId(text, c.traceId);
        if (r != IdParse::Ok || c.traceId.isZero()) {
            diag(diag::SpanBadTraceId, [&] {
                return "span traceId " + (r == IdParse::Empty ? std::string() : excerpt(text) + " ")
                    + idProblem(r, true) + "; span skipped";
            });
            return;
        }
        r = IdParse::Empty;
        text = {};
        if (has[SpSpanId] && string(f[SpSpanId], "spanId", text))
            r = parseId(text, c.spanId);
        if (r != IdParse::Ok || c.spanId.isZero()) {
            diag(diag::SpanBadSpanId, [&] {
                return "span spanId " + (r == IdParse::Empty ? std::string() : excerpt(text) + " ")
                    + idProblem(r, true) + " (trace " + c.traceId.hex() + "); span skipped";
            });
            return;
        }
    }
    if (has[SpParent] && string(f[SpParent], "parentSpanId", text)) {
        const IdParse r = parseId(text, c.parentSpanId);
        if (r != IdParse::Ok && r != IdParse::Empty) {
            c.parentSpanId = {};
            diag(diag::SpanBadParentId, [&] {
                return "span " + c.traceId.hex() + "/" + c.spanId.hex() + " parentSpanId " + excerpt(text) + " "
                    + idProblem(r, false) + "; shown as a root";
            });
        }
    }

    SpanHot h;
    h.service = service;
    c.scope = scope;
    if (has[SpName] && string(f[SpName], "span name", text))
        h.name = m_recentNames.intern(text);
    if (has[SpTraceState] && string(f[SpTraceState], "traceState", text))
        c.traceState = m_recentValues.intern(text);
    if (has[SpFlags])
        u32(f[SpFlags], "span flags", c.flags);
    if (has[SpKind] && enumValue(f[SpKind], "span kind", kKindNames, std::size(kKindNames), kKindPrefix, c.rawKind))
        h.kind = c.rawKind <= uint32_t(SpanKind::Consumer) ? SpanKind(c.rawKind) : SpanKind::Unspecified;
    const bool startOk = has[SpStart] && u64(f[SpStart], "startTimeUnixNano", h.start);
    const bool endOk = has[SpEnd] && u64(f[SpEnd], "endTimeUnixNano", h.end);
    if (!startOk && endOk)
        h.start = h.end;
    else if (startOk && !endOk)
        h.end = h.start;
    if (h.end < h.start) {
        diag(diag::SpanEndBeforeStart, [&] {
            return "span " + c.traceId.hex() + "/" + c.spanId.hex() + " ends before it starts; its end is set to its start";
        });
        h.end = h.start;
    }
    if (has[SpStatus]) {
        simdjson::dom::object status;
        if (f[SpStatus].get_object().get(status) == simdjson::SUCCESS) {
            for (auto field : status) {
                if (sameKey(field.key, "code")) {
                    if (enumValue(field.value, "status code", kStatusNames, std::size(kStatusNames), kStatusPrefix, c.rawStatusCode))
                        h.status = c.rawStatusCode <= uint32_t(StatusCode::Error) ? StatusCode(c.rawStatusCode) : StatusCode::Unset;
                } else if (sameKey(field.key, "message")) {
                    if (string(field.value, "status message", text))
                        c.statusMessage = m_recentValues.intern(text);
                }
            }
        } else if (!isNull(f[SpStatus])) {
            wrongType(f[SpStatus], "status", "an object");
        }
    }
    if (has[SpDroppedAttributes])
        u32(f[SpDroppedAttributes], "droppedAttributesCount", c.droppedAttributesCount);
    if (has[SpDroppedEvents])
        u32(f[SpDroppedEvents], "droppedEventsCount", c.droppedEventsCount);
    if (has[SpDroppedLinks])
        u32(f[SpDroppedLinks], "droppedLinksCount", c.droppedLinksCount);

    c.attributes = has[SpAttributes] ? readAttributes(f[SpAttributes], "span", 0) : m_build.noAttributes();

    m_build.beginSpan();
    simdjson::dom::array list;
    if (has[SpEvents] && f[SpEvents].get_array().get(list) == simdjson::SUCCESS) {
        for (element item : list) {
            simdjson::dom::object ev;
            if (item.get_object().get(ev) != simdjson::SUCCESS) {
                wrongType(item, "an event", "an object");
                continue;
            }
            Event e;
            e.attributes = m_build.noAttributes();
            for (auto field : ev) {
                switch (fieldIndex(kEventFields, field.key)) {
                case EvTime:
                    u64(field.value, "event timeUnixNano", e.time);
                    break;
                case EvName:
                    if (string(field.value, "event name", text))
                        e.name = m_recentNames.intern(text);
                    break;
                case EvAttributes:
                    e.attributes = readAttributes(field.value, "event", 0);
                    break;
                case EvDropped:
                    u32(field.value, "event droppedAttributesCount", e.droppedAttributesCount);
                    break;
                default:
                    break;
                }
            }
            m_build.addEvent(e);
        }
    } else if (has[SpEvents] && !isNull(f[SpEvents])) {
        wrongType(f[SpEvents], "events", "an array");
    }
    if (has[SpLinks] && f[SpLinks].get_array().get(list) == simdjson::SUCCESS) {
        for (element item : list) {
            simdjson::dom::object lk;
            if (item.get_object().get(lk) != simdjson::SUCCESS) {
                wrongType(item, "a link", "an object");
                continue;
            }
            element lf[LkCount];
            bool lhas[LkCount] = {};
            for (auto field : lk) {
                const int i = fieldIndex(kLinkFields, field.key);
                if (i >= 0) {
                    lf[i] = field.value;
                    lhas[i] = true;
                }
            }
            Link l;
            IdParse r = IdParse::Empty;
            text = {};
            if (lhas[LkTraceId] && string(lf[LkTraceId], "link traceId", text))
                r = parseId(text, l.traceId);
            if (r != IdParse::Ok || l.traceId.isZero()) {
                diag(diag::LinkBadTraceId, [&] {
                    return "a link of span " + c.traceId.hex() + "/" + c.spanId.hex() + " has a traceId that "
                        + idProblem(r, true) + "; the link is skipped";
                });
                continue;
            }
            r = IdParse::Empty;
            text = {};
            if (lhas[LkSpanId] && string(lf[LkSpanId], "link spanId", text))
                r = parseId(text, l.spanId);
            if (r != IdParse::Ok || l.spanId.isZero()) {
                diag(diag::LinkBadSpanId, [&] {
                    return "a link of span " + c.traceId.hex() + "/" + c.spanId.hex() + " has a spanId that "
                        + idProblem(r, true) + "; the link is skipped";
                });
                continue;
            }
            if (lhas[LkTraceState] && string(lf[LkTraceState], "link traceState", text))
                l.traceState = m_recentValues.intern(text);
            if (lhas[LkFlags])
                u32(lf[LkFlags], "link flags", l.flags);
            if (lhas[LkDropped])
                u32(lf[LkDropped], "link droppedAttributesCount", l.droppedAttributesCount);
            l.attributes = lhas[LkAttributes] ? readAttributes(lf[LkAttributes], "link", 0)
                                              : m_build.noAttributes();
            m_build.addLink(l);
        }
    } else if (has[SpLinks] && !isNull(f[SpLinks])) {
        wrongType(f[SpLinks], "links", "an array");
    }
    m_build.endSpan(h, c);
}

void OtlpDomReader::readScopeSpans(element ss, uint32_t resource, StringId service)
{
    simdjson::dom::object obj;
    if (ss.get_object().get(obj) != simdjson::SUCCESS) {
        wrongType(ss, "a scopeSpans entry", "an object");
        return;
    }
    element scope, spans, schema;
    bool hasScope = false, hasSpans = false, hasSchema = false;
    for (auto field : obj) {
        switch (fieldIndex(kScopeSpansFields, field.key)) {
        case SsScope:
        case SsLibrary:
            scope = field.value;
            hasScope = true;
            break;
        case SsSpans:
            spans = field.value;
            hasSpans = true;
            break;
        case SsSchemaUrl:
            schema = field.value;
            hasSchema = true;
            break;
        default:
            break;
        }
    }
    const uint32_t s = readScope(hasScope ? &scope : nullptr, resource);
    if (hasSchema)
        m_build.scope(s).schemaUrl = readSchemaUrl(schema);
    if (!hasSpans)
        return;
    simdjson::dom::array arr;
    if (spans.get_array().get(arr) != simdjson::SUCCESS) {
        if (!isNull(spans))
            wrongType(spans, "spans", "an array");
        return;
    }
    for (element span : arr)
        readSpan(span, s, service);
}

void OtlpDomReader::readResourceSpans(element rs)
{
    simdjson::dom::object obj;
    if (rs.get_object().get(obj) != simdjson::SUCCESS) {
        wrongType(rs, "a resourceSpans entry", "an object");
        return;
    }
    element resource, schema;
    bool hasResource = false, hasSchema = false;
    for (auto field : obj) {
        const int i = fieldIndex(kResourceSpansFields, field.key);
        if (i == RsResource) {
            resource = field.value;
            hasResource = true;
        } else if (i == RsSchemaUrl) {
            schema = field.value;
            hasSchema = true;
        }
    }
    const uint32_t r = readResource(hasResource ? &resource : nullptr);
    if (hasSchema)
        m_build.resource(r).schemaUrl = readSchemaUrl(schema);
    const StringId service = m_build.resource(r).serviceName;
    for (auto field : obj) {
        const int i = fieldIndex(kResourceSpansFields, field.key);
        if (i != RsScopeSpans && i != RsLibrarySpans)
            continue;
        simdjson::dom::array arr;
        if (field.value.get_array().get(arr) != simdjson::SUCCESS) {
            if (!isNull(field.value))
                wrongType(field.value, "scopeSpans", "an array");
            continue;
        }
        for (element ss : arr)
            readScopeSpans(ss, r, service);
    }
}

namespace {

// Plain comparisons rather than fieldIndex: another caller of sameKey
// costs its inlining into readSpan.
bool repeatsKeys(element rs)
{
    simdjson::dom::object obj;
    if (rs.get_object().get(obj) != simdjson::SUCCESS)
        return false;
    int resources = 0;
    for (auto field : obj) {
        const std::string_view key = field.key;
        if (key == "resource" && ++resources > 1)
            return true;
        simdjson::dom::array arr;
        if ((key != "scopeSpans" && key != "scope_spans" && key != "instrumentationLibrarySpans"
             && key != "instrumentation_library_spans")
            || field.value.get_array().get(arr) != simdjson::SUCCESS)
            continue;
        for (element ss : arr) {
            simdjson::dom::object sobj;
            if (ss.get_object().get(sobj) != simdjson::SUCCESS)
                continue;
            int scopes = 0, spans = 0;
            for (auto sfield : sobj) {
                const std::string_view k = sfield.key;
                if (((k == "scope" || k == "instrumentationLibrary" || k == "instrumentation_library") && ++scopes > 1)
                    || (k == "spans" && ++spans > 1))
                    return true;
            }
        }
    }
    return false;
}

} // namespace

bool OtlpDomReader::readResourceSpansEntries(simdjson::dom::array entries)
{
    for (element rs : entries)
        if (repeatsKeys(rs))
            return false;
    for (element rs : entries)
        readResourceSpans(rs);
    return true;
}

bool OtlpDomReader::readDocument(element root, TopLevelShape &shape)
{
    shape = {};
    simdjson::dom::object obj;
    if (root.get_object().get(obj) != simdjson::SUCCESS) {
        simdjson::dom::array arr;
        if (root.get_array().get(arr) == simdjson::SUCCESS) {
            shape.isArray = true;
            simdjson::dom::object first;
            if (arr.size() > 0 && arr.at(0).get_object().get(first) == simdjson::SUCCESS)
                for (auto field : first)
                    shape.keys.emplace_back(field.key);
        }
        return false;
    }
    // One ResourceSpans without the TracesData around it: what the
    // OpenTelemetry Java logging-otlp exporter writes, one per line.
    for (auto field : obj) {
        const int i = fieldIndex(kResourceSpansFields, field.key);
        if (i == RsScopeSpans || i == RsLibrarySpans) {
            readResourceSpans(root);
            return true;
        }
    }
    // A backend wrapper holds the TracesData one level down.
    for (int level = 0; level < 2; ++level) {
        element found, wrapped;
        bool hasFound = false, hasWrapped = false;
        for (auto field : obj) {
            if (level == 0)
                shape.keys.emplace_back(field.key);
            if (isResourceSpansListKey(field.key)) {
                found = field.value;
                hasFound = true;
            } else if ((field.key == "result" || field.key == "trace") && field.value.is_object()) {
                wrapped = field.value;
                hasWrapped = true;
            }
        }
        if (hasFound) {
            simdjson::dom::array arr;
            if (found.get_array().get(arr) == simdjson::SUCCESS) {
                for (element rs : arr)
                    readResourceSpans(rs);
            } else if (!isNull(found)) {
                wrongType(found, "resourceSpans", "an array");
            }
            return true;
        }
        if (!hasWrapped)
            break;
        take(wrapped.get_object(), obj);
    }
    // An empty object is an empty TracesData: proto JSON leaves empty lists out.
    return shape.keys.empty();
}

} // namespace causeway::detail
