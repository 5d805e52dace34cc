#include "core/json_otlp_fast.h"
#include "core/json_otlp_mapping.h"
#include "core/json_scan.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace causeway::detail {

using namespace otlpjson;
namespace od = simdjson::ondemand;

namespace {

// Thrown on anything the fast path does not read; caught at the top.
struct Refused
{
};

[[noreturn]] void refuse() { throw Refused{}; }

// The value of a simdjson result, or a refusal.
template<typename T, typename Result>
T need(Result &&result)
{
    T out{};
    if (std::forward<Result>(result).get(out) != simdjson::SUCCESS)
        refuse();
    return out;
}

// The text of a string as written, from `p` (just after its opening quote)
// to its closing quote. A string with an escape or a control character is
// refused: keys, ids and numbers as text have none in practice, and this
// way they are neither unescaped nor copied. Reads 16 bytes at a time,
// which the input's padding allows.
std::string_view rawText(const char *p)
{
    const char *q = p;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
    for (;; q += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(q));
        const auto quotes = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(x, quote)));
        const auto odd = unsigned(_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, backslash), _mm_cmpeq_epi8(_mm_max_epu8(x, control), control))));
        if (quotes) {
            const unsigned n = unsigned(__builtin_ctz(quotes));
            if (odd & ((1u << n) - 1))
                refuse();
            return {p, size_t(q + n - p)};
        }
        if (odd)
            refuse();
    }
#else
    for (; *q != '"'; ++q)
        if (*q == '\\' || static_cast<unsigned char>(*q) < 0x20)
            refuse();
    return {p, size_t(q - p)};
#endif
}

std::string_view keyOf(od::field &field) { return rawText(field.key().raw()); }

od::json_type typeOf(od::value &v) { return need<od::json_type>(v.type()); }

// True for null (the DOM reader takes a null field as absent). Only
// before a container is read: a failed get_object() or get_array() may have
// moved on.
inline __attribute__((always_inline)) bool isNull(od::value &v)
{
    if (typeOf(v) != od::json_type::null)
        return false;
    if (!need<bool>(v.is_null()))
        refuse();
    return true;
}

// After a scalar getter refused the value (which leaves it where it was):
// false for null, a refusal for anything else.
__attribute__((noinline)) bool nullOrRefuse(od::value &v)
{
    if (!need<bool>(v.is_null()))
        refuse();
    return false;
}

// The text between a string token's quotes (the token runs to the next
// structural character); empty when the token is no string.
inline std::string_view quoted(std::string_view token)
{
    if (token.empty() || token.front() != '"')
        return {};
    size_t end = token.size();
    while (end > 1 && token[end - 1] != '"')
        --end; // whitespace before the next structural character
    if (end < 2)
        refuse();
    return token.substr(0, end);
}

// A string taken as written, escapes and all, for text that is then parsed
// (an id, a number as text): an escape fails that parse, and the fast path
// refuses. False when not a string.
inline __attribute__((always_inline)) bool rawString(od::value &v, std::string_view &out)
{
    const std::string_view q = quoted(v.raw_json_token());
    if (q.empty())
        return false;
    od::raw_json_string raw;
    if (v.get_raw_json_string().get(raw) != simdjson::SUCCESS)
        refuse();
    out = q.substr(1, q.size() - 2);
    return true;
}

// Whether `n` bytes from `p` hold no backslash and no control character;
// reads whole blocks of 16 bytes, which the input's padding allows.
inline bool plainText(const char *p, size_t n)
{
#if defined(__SSE2__)
    const __m128i backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1f);
    for (size_t i = 0; i < n; i += 16) {
        const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + i));
        auto odd = unsigned(_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, backslash), _mm_cmpeq_epi8(_mm_max_epu8(x, control), control))));
        if (n - i < 16)
            odd &= (1u << (n - i)) - 1;
        if (odd)
            return false;
    }
    return true;
#else
    for (size_t i = 0; i < n; ++i)
        if (p[i] == '\\' || static_cast<unsigned char>(p[i]) < 0x20)
            return false;
    return true;
#endif
}

// A string value. One without escapes is taken where it lies in the input
// (its token runs to the next structural character, so its length is
// known without a scan for the quote); one with escapes is unescaped.
inline __attribute__((always_inline)) bool optText(od::value &v, std::string_view &out)
{
    const std::string_view q = quoted(v.raw_json_token());
    if (q.empty())
        return nullOrRefuse(v);
    if (plainText(q.data() + 1, q.size() - 2)) {
        od::raw_json_string raw;
        if (v.get_raw_json_string().get(raw) != simdjson::SUCCESS)
            refuse();
        out = q.substr(1, q.size() - 2);
        return true;
    }
    // A lone surrogate is repaired, with a diagnostic, by the DOM path.
    if (hasLoneSurrogate(q))
        refuse();
    out = need<std::string_view>(v.get_string());
    return true;
}

template<size_t N>
void id(od::value &v, Id<N> &out)
{
    std::string_view s;
    if (!rawString(v, s) || parseId(s, out) != IdParse::Ok || out.isZero())
        refuse();
}

// Integers are written as decimal strings (the proto3 JSON mapping) or as numbers.
template<typename T>
bool optInteger(od::value &v, T &out)
{
    std::string_view s;
    if (rawString(v, s)) {
        if (!parseInteger(s, out))
            refuse();
        return true;
    }
    if constexpr (std::is_signed_v<T>) {
        if (v.get_int64().get(out) == simdjson::SUCCESS)
            return true;
    } else {
        if (v.get_uint64().get(out) == simdjson::SUCCESS)
            return true;
    }
    return nullOrRefuse(v);
}

bool optU64(od::value &v, uint64_t &out) { return optInteger(v, out); }

bool optU32(od::value &v, uint32_t &out)
{
    uint64_t wide = 0;
    if (!optU64(v, wide))
        return false;
    if (wide > std::numeric_limits<uint32_t>::max())
        refuse();
    out = uint32_t(wide);
    return true;
}

bool optI64(od::value &v, int64_t &out) { return optInteger(v, out); }

bool optF64(od::value &v, double &out)
{
    od::number n;
    if (v.get_number().get(n) == simdjson::SUCCESS) {
        // As the DOM reader converts: integers are parsed as integers first.
        out = n.is_int64() ? double(n.get_int64()) : n.is_uint64() ? double(n.get_uint64()) : n.get_double();
        return true;
    }
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) {
        if (!doubleFromText(s, out))
            refuse();
        return true;
    }
    return nullOrRefuse(v);
}

bool optEnum(od::value &v, const std::string_view *names, size_t count, std::string_view prefix, uint32_t &out)
{
    int64_t number = 0;
    if (v.get_int64().get(number) == simdjson::SUCCESS) {
        if (!enumFromNumber(number, out))
            refuse();
        return true;
    }
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) {
        if (!enumFromText(s, names, count, prefix, out))
            refuse();
        return true;
    }
    return nullOrRefuse(v);
}

// A value of a key the reader ignores: consumed whole, so that it is
// checked as a DOM parse checks it.
void consume(od::value v, size_t depth)
{
    if (depth > kMaxValueDepth)
        refuse();
    switch (typeOf(v)) {
    case od::json_type::object:
        for (auto f : need<od::object>(v.get_object())) {
            auto field = need<od::field>(std::move(f));
            keyOf(field); // an escaped key (it might hold a lone surrogate) is refused
            consume(field.value(), depth + 1);
        }
        break;
    case od::json_type::array:
        for (auto e : need<od::array>(v.get_array()))
            consume(need<od::value>(std::move(e)), depth + 1);
        break;
    case od::json_type::string: {
        const std::string_view q = quoted(v.raw_json_token());
        if (!plainText(q.data() + 1, q.size() - 2) && hasLoneSurrogate(q))
            refuse();
        need<std::string_view>(v.get_string());
        break;
    }
    case od::json_type::number:
        need<od::number>(v.get_number());
        break;
    case od::json_type::boolean:
        need<bool>(v.get_bool());
        break;
    case od::json_type::null:
        if (!need<bool>(v.is_null()))
            refuse();
        break;
    }
}

// Marks field `i` as read; a repeated field is refused.
void once(uint32_t &seen, int i)
{
    const uint32_t bit = uint32_t(1) << i;
    if (seen & bit)
        refuse();
    seen |= bit;
}

// Every field of the object `v` that `table` names, as on(index, value):
// other fields are consumed (so that they are checked) and skipped, and a
// name given twice is refused (field `alias` counts as field `as`: two
// names for one field). Returns the fields seen, a bit each.
template<size_t N, typename On>
uint32_t knownFields(od::value v, const FieldName (&table)[N], On &&on, int alias = -1, int as = -1)
{
    uint32_t seen = 0;
    for (auto f : need<od::object>(v.get_object())) {
        auto field = need<od::field>(std::move(f));
        int i = fieldIndex(table, keyOf(field));
        od::value item = field.value();
        if (i < 0) {
            consume(item, 1);
            continue;
        }
        if (i == alias)
            i = as;
        once(seen, i);
        on(i, item);
    }
    return seen;
}

// Nothing may follow the root value.
void atEnd(od::document &doc)
{
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS)
        refuse();
}

// Room in the parser for `len` bytes, grown by at least half at a time:
// runs and lines come in sizes that creep upwards, and the parser would
// otherwise replace its index (4 bytes per input byte, fresh pages every
// time) at each new largest one.
void roomFor(od::parser &parser, size_t len)
{
    if (parser.capacity() >= len)
        return;
    // Refused (more than simdjson takes), the parser stays as it was:
    // iterate() then asks for `len` alone, and reports what it cannot have.
    const simdjson::error_code grown = parser.allocate(std::max(len, parser.capacity() + parser.capacity() / 2), parser.max_depth());
    (void)grown;
}

} // namespace

bool OtlpFastReader::readDocument(od::parser &parser, const char *buf, size_t len, size_t capacity)
{
    try {
        roomFor(parser, len);
        auto doc = need<od::document>(parser.iterate(buf, len, capacity));
        bool found = false;
        for (auto f : need<od::object>(doc.get_object())) {
            auto field = need<od::field>(std::move(f));
            const std::string_view key = keyOf(field);
            if (isResourceSpansListKey(key)) {
                if (found)
                    refuse();
                found = true;
                for (auto e : need<od::array>(field.value().get_array()))
                    resourceSpans(need<od::value>(std::move(e)));
            } else if (fieldIndex(kResourceSpansFields, key) >= 0 || key == "result" || key == "trace") {
                refuse(); // a bare ResourceSpans or a backend wrapper
            } else {
                consume(field.value(), 1);
            }
        }
        if (!found)
            refuse();
        atEnd(doc);
        return true;
    } catch (const Refused &) {
        return false;
    }
}

bool OtlpFastReader::readEntries(od::parser &parser, const char *buf, size_t len, size_t capacity)
{
    try {
        roomFor(parser, len);
        auto doc = need<od::document>(parser.iterate(buf, len, capacity));
        for (auto e : need<od::array>(doc.get_array()))
            resourceSpans(need<od::value>(std::move(e)));
        atEnd(doc);
        return true;
    } catch (const Refused &) {
        return false;
    }
}

// The DOM reader adds the resource first, then reads every scopeSpans
// array; here the resource must come first (or not at all).
void OtlpFastReader::resourceSpans(value v)
{
    uint32_t seen = 0;
    uint32_t r = 0;
    bool hasResource = false;
    StringId service = 0, schema = 0;
    auto ensureResource = [&] {
        if (!hasResource) {
            r = resource(nullptr);
            service = m_build.resource(r).serviceName;
            hasResource = true;
        }
    };
    seen = knownFields(v, kResourceSpansFields, [&](int i, value &item) {
        switch (i) {
        case RsResource:
            if (hasResource)
                refuse();
            r = resource(&item);
            service = m_build.resource(r).serviceName;
            hasResource = true;
            break;
        case RsScopeSpans:
        case RsLibrarySpans:
            ensureResource();
            if (!isNull(item))
                for (auto e : need<od::array>(item.get_array()))
                    scopeSpans(need<od::value>(std::move(e)), r, service);
            break;
        case RsSchemaUrl: {
            std::string_view s;
            if (optText(item, s))
                schema = m_out.strings.intern(s);
            break;
        }
        default:
            break;
        }
    });
    ensureResource();
    if (seen & (1u << RsSchemaUrl))
        m_build.resource(r).schemaUrl = schema;
}

uint32_t OtlpFastReader::resource(value *v)
{
    Resource r;
    r.attributes = m_build.noAttributes();
    if (v && !isNull(*v)) {
        uint32_t seen = 0;
        for (auto f : need<od::object>(v->get_object())) {
            auto field = need<od::field>(std::move(f));
            const std::string_view key = keyOf(field);
            value item = field.value();
            if (isResourceAttributesKey(key)) {
                once(seen, 0);
                r.attributes = attributes(item, 0);
            } else if (isResourceDroppedKey(key)) {
                once(seen, 1);
                optU32(item, r.droppedAttributesCount);
            } else {
                consume(item, 1);
            }
        }
    }
    return m_build.addResource(r);
}

void OtlpFastReader::scopeSpans(value v, uint32_t resourceIndex, StringId service)
{
    uint32_t seen = 0;
    uint32_t s = 0;
    bool hasScope = false;
    StringId schema = 0;
    auto ensureScope = [&] {
        if (!hasScope) {
            s = scope(nullptr, resourceIndex);
            hasScope = true;
        }
    };
    seen = knownFields(v, kScopeSpansFields, [&](int i, value &item) {
        switch (i) {
        case SsScope:
            if (hasScope)
                refuse();
            s = scope(&item, resourceIndex);
            hasScope = true;
            break;
        case SsSpans:
            ensureScope();
            if (!isNull(item))
                for (auto e : need<od::array>(item.get_array()))
                    span(need<od::value>(std::move(e)), s, service);
            break;
        case SsSchemaUrl: {
            std::string_view text;
            if (optText(item, text))
                schema = m_out.strings.intern(text);
            break;
        }
        default:
            break;
        }
    }, SsLibrary, SsScope);
    ensureScope();
    if (seen & (1u << SsSchemaUrl))
        m_build.scope(s).schemaUrl = schema;
}

uint32_t OtlpFastReader::scope(value *v, uint32_t resourceIndex)
{
    Scope s;
    s.resource = resourceIndex;
    s.attributes = m_build.noAttributes();
    if (v && !isNull(*v)) {
        knownFields(*v, kScopeFields, [&](int i, value &item) {
            std::string_view text;
            switch (i) {
            case ScName:
                if (optText(item, text))
                    s.name = m_recentNames.intern(text);
                break;
            case ScVersion:
                if (optText(item, text))
                    s.version = m_recentNames.intern(text);
                break;
            case ScAttributes:
                s.attributes = attributes(item, 0);
                break;
            case ScDropped:
                optU32(item, s.droppedAttributesCount);
                break;
            default:
                break;
            }
        });
    }
    return m_build.addScope(s);
}

// The DOM reader reads a span's fields in a fixed order; what it appends
// to the pools (the span's attributes, then its events', then its links')
// comes in that order only when the document has attributes before events
// before links, so any other order is refused.
void OtlpFastReader::span(value v, uint32_t scopeIndex, StringId service)
{
    SpanHot h;
    SpanCold c;
    h.service = service;
    c.scope = scopeIndex;
    uint32_t seen = 0;
    bool startOk = false, endOk = false;
    int stage = 0; // 1 after the attributes, 2 after the events, 3 after the links
    auto enter = [&](int next) {
        if (stage >= next)
            refuse();
        if (stage == 0)
            c.attributes = m_build.noAttributes();
        stage = next;
    };
    m_build.beginSpan();
    seen = knownFields(v, kSpanFields, [&](int i, value &item) {
        std::string_view s;
        switch (i) {
        case SpTraceId:
            id(item, c.traceId);
            break;
        case SpSpanId:
            id(item, c.spanId);
            break;
        case SpTraceState:
            if (optText(item, s))
                c.traceState = m_recentValues.intern(s);
            break;
        case SpParent:
            if (rawString(item, s) || nullOrRefuse(item)) {
                const IdParse r = parseId(s, c.parentSpanId);
                if (r != IdParse::Ok && r != IdParse::Empty)
                    refuse();
            }
            break;
        case SpFlags:
            optU32(item, c.flags);
            break;
        case SpName:
            if (optText(item, s))
                h.name = m_recentNames.intern(s);
            break;
        case SpKind:
            if (optEnum(item, kKindNames, std::size(kKindNames), kKindPrefix, c.rawKind))
                h.kind = c.rawKind <= uint32_t(SpanKind::Consumer) ? SpanKind(c.rawKind) : SpanKind::Unspecified;
            break;
        case SpStart:
            startOk = optU64(item, h.start);
            break;
        case SpEnd:
            endOk = optU64(item, h.end);
            break;
        case SpAttributes:
            enter(1);
            c.attributes = attributes(item, 0);
            break;
        case SpDroppedAttributes:
            optU32(item, c.droppedAttributesCount);
            break;
        case SpEvents:
            enter(2);
            if (!isNull(item))
                for (auto e : need<od::array>(item.get_array()))
                    event(need<od::value>(std::move(e)));
            break;
        case SpDroppedEvents:
            optU32(item, c.droppedEventsCount);
            break;
        case SpLinks:
            enter(3);
            if (!isNull(item))
                for (auto e : need<od::array>(item.get_array()))
                    link(need<od::value>(std::move(e)));
            break;
        case SpDroppedLinks:
            optU32(item, c.droppedLinksCount);
            break;
        case SpStatus:
            if (isNull(item))
                break;
            {
                uint32_t statusSeen = 0;
                for (auto sf : need<od::object>(item.get_object())) {
                    auto statusField = need<od::field>(std::move(sf));
                    const std::string_view key = keyOf(statusField);
                    value sv = statusField.value();
                    if (sameKey(key, "code")) {
                        once(statusSeen, 0);
                        if (optEnum(sv, kStatusNames, std::size(kStatusNames), kStatusPrefix, c.rawStatusCode))
                            h.status = c.rawStatusCode <= uint32_t(StatusCode::Error) ? StatusCode(c.rawStatusCode)
                                                                                      : StatusCode::Unset;
                    } else if (sameKey(key, "message")) {
                        once(statusSeen, 1);
                        if (optText(sv, s))
                            c.statusMessage = m_recentValues.intern(s);
                    } else {
                        consume(sv, 1);
                    }
                }
            }
            break;
        default:
            break;
        }
    });
    // A span without a usable identity, or one that ends before it starts, has a diagnostic.
    if (!(seen & (1u << SpTraceId)) || !(seen & (1u << SpSpanId)))
        refuse();
    if (stage == 0)
        c.attributes = m_build.noAttributes();
    if (!startOk && endOk)
        h.start = h.end;
    else if (startOk && !endOk)
        h.end = h.start;
    if (h.end < h.start)
        refuse();
    m_build.endSpan(h, c);
}

void OtlpFastReader::event(value v)
{
    Event e;
    e.attributes = m_build.noAttributes();
    knownFields(v, kEventFields, [&](int i, value &item) {
        std::string_view s;
        switch (i) {
        case EvTime:
            optU64(item, e.time);
            break;
        case EvName:
            if (optText(item, s))
                e.name = m_recentNames.intern(s);
            break;
        case EvAttributes:
            e.attributes = attributes(item, 0);
            break;
        case EvDropped:
            optU32(item, e.droppedAttributesCount);
            break;
        default:
            break;
        }
    });
    m_build.addEvent(e);
}

void OtlpFastReader::link(value v)
{
    Link l;
    uint32_t seen = 0;
    seen = knownFields(v, kLinkFields, [&](int i, value &item) {
        std::string_view s;
        switch (i) {
        case LkTraceId:
            id(item, l.traceId);
            break;
        case LkSpanId:
            id(item, l.spanId);
            break;
        case LkTraceState:
            if (optText(item, s))
                l.traceState = m_recentValues.intern(s);
            break;
        case LkAttributes:
            l.attributes = attributes(item, 0);
            break;
        case LkDropped:
            optU32(item, l.droppedAttributesCount);
            break;
        case LkFlags:
            optU32(item, l.flags);
            break;
        default:
            break;
        }
    });
    if (!(seen & (1u << LkTraceId)) || !(seen & (1u << LkSpanId)))
        refuse();
    if (!(seen & (1u << LkAttributes)))
        l.attributes = m_build.noAttributes();
    m_build.addLink(l);
}

Range OtlpFastReader::attributes(value v, size_t depth)
{
    if (isNull(v))
        return m_build.noAttributes();
    auto list = need<od::array>(v.get_array());
    m_build.beginAttributes();
    for (auto e : list) {
        auto item = need<od::value>(std::move(e));
        StringId key = 0;
        Value read;
        uint32_t seen = 0;
        for (auto f : need<od::object>(item.get_object())) {
            auto field = need<od::field>(std::move(f));
            const std::string_view name = keyOf(field);
            if (sameKey(name, "key")) {
                once(seen, 0);
                std::string_view k;
                if (optText(field.value(), k))
                    key = m_recentNames.intern(k);
            } else if (sameKey(name, "value")) {
                once(seen, 1);
                read = anyValue(field.value(), depth);
            } else {
                consume(field.value(), depth + 1);
            }
        }
        m_build.addAttribute(key, read);
    }
    return m_build.endAttributes();
}

// The DOM reader takes the first AnyValue field it knows and ignores the rest.
Value OtlpFastReader::anyValue(value v, size_t depth)
{
    if (isNull(v))
        return {};
    Value out;
    bool found = false;
    for (auto f : need<od::object>(v.get_object())) {
        auto field = need<od::field>(std::move(f));
        const int which = found ? -1 : fieldIndex(kValueFields, keyOf(field));
        value item = field.value();
        if (which < 0) {
            consume(item, depth + 1);
            continue;
        }
        found = true;
        switch (which) {
        case VString: {
            std::string_view s;
            if (optText(item, s))
                out = Value::makeString(m_recentValues.intern(s));
            break;
        }
        case VBool: {
            bool b = false;
            if (item.get_bool().get(b) == simdjson::SUCCESS)
                out = Value::makeBool(b);
            else
                nullOrRefuse(item);
            break;
        }
        case VInt: {
            int64_t i = 0;
            if (optI64(item, i))
                out = Value::makeInt(i);
            break;
        }
        case VDouble: {
            double d = 0;
            if (optF64(item, d))
                out = Value::makeDouble(d);
            break;
        }
        case VBytes: {
            std::string_view s;
            if (optText(item, s)) {
                if (!base64Decode(s, m_bytes))
                    refuse();
                out = Value::makeBytes(m_recentValues.intern(m_bytes));
            }
            break;
        }
        case VArray:
        case VKvList: {
            if (isNull(item))
                break;
            const bool isArray = which == VArray;
            auto inner = need<od::object>(item.get_object());
            if (depth + 1 >= kMaxValueDepth)
                refuse();
            bool hasValues = false;
            for (auto g : inner) {
                auto innerField = need<od::field>(std::move(g));
                const std::string_view key = keyOf(innerField);
                value list = innerField.value();
                if (key != "values") {
                    consume(list, depth + 1);
                    continue;
                }
                if (hasValues)
                    refuse();
                hasValues = true;
                if (isNull(list))
                    out = isArray ? Value::makeArray(m_build.noValues()) : Value::makeKvList(m_build.noAttributes());
                else if (!isArray)
                    out = Value::makeKvList(attributes(list, depth + 1));
                else {
                    m_build.beginArray();
                    for (auto e : need<od::array>(list.get_array()))
                        m_build.addArrayValue(anyValue(need<od::value>(std::move(e)), depth + 1));
                    out = Value::makeArray(m_build.endArray());
                }
            }
            if (!hasValues)
                out = isArray ? Value::makeArray(m_build.noValues()) : Value::makeKvList(m_build.noAttributes());
            break;
        }
        default:
            break;
        }
    }
    return out;
}

} // namespace causeway::detail
