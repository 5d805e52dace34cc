#pragma once
// The OTLP JSON mapping as the OTLP/JSON readers know it: field names in
// their proto JSON (camelCase) and proto (snake_case) spellings, enum names,
// and the conversions of integers, doubles and enums written as text. One
// home for the DOM reader (json_otlp.cpp) and the On-Demand fast path
// (json_otlp_fast.cpp), so both read the same document the same way.
// Internal to the OTLP/JSON reader.

#include "core/readers.h"
#include "core/sametext.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <string_view>
#include <type_traits>

namespace causeway::detail::otlpjson {

// AnyValue nesting beyond this is cut with a diagnostic, as in protobuf.
inline constexpr size_t kMaxValueDepth = kMaxAnyValueDepth;

// A field known under its proto JSON name and its proto field name.
struct FieldName
{
    std::string_view camel;
    std::string_view snake;
};

// Equal text, rejecting on length and the first and last byte before
// comparing the rest: most keys differ there, and a call to memcmp per
// candidate key was a fifth of the load time.
inline bool sameKey(std::string_view key, std::string_view name)
{
    return key.size() == name.size() && !key.empty() && key.front() == name.front() && key.back() == name.back()
        && sameText(key, name);
}

template<size_t N>
int fieldIndex(const FieldName (&table)[N], std::string_view key)
{
    for (size_t i = 0; i < N; ++i)
        if (sameKey(key, table[i].camel) || sameKey(key, table[i].snake))
            return int(i);
    return -1;
}

enum SpanField { SpTraceId, SpSpanId, SpTraceState, SpParent, SpFlags, SpName, SpKind, SpStart, SpEnd, SpAttributes,
                 SpDroppedAttributes, SpEvents, SpDroppedEvents, SpLinks, SpDroppedLinks, SpStatus, SpCount };
inline constexpr FieldName kSpanFields[] = {
    {"traceId", "trace_id"}, {"spanId", "span_id"}, {"traceState", "trace_state"},
    {"parentSpanId", "parent_span_id"}, {"flags", "flags"}, {"name", "name"}, {"kind", "kind"},
    {"startTimeUnixNano", "start_time_unix_nano"}, {"endTimeUnixNano", "end_time_unix_nano"},
    {"attributes", "attributes"}, {"droppedAttributesCount", "dropped_attributes_count"}, {"events", "events"},
    {"droppedEventsCount", "dropped_events_count"}, {"links", "links"}, {"droppedLinksCount", "dropped_links_count"},
    {"status", "status"},
};
static_assert(std::size(kSpanFields) == SpCount);

enum EventField { EvTime, EvName, EvAttributes, EvDropped, EvCount };
inline constexpr FieldName kEventFields[] = {
    {"timeUnixNano", "time_unix_nano"}, {"name", "name"}, {"attributes", "attributes"},
    {"droppedAttributesCount", "dropped_attributes_count"},
};
static_assert(std::size(kEventFields) == EvCount);

enum LinkField { LkTraceId, LkSpanId, LkTraceState, LkAttributes, LkDropped, LkFlags, LkCount };
inline constexpr FieldName kLinkFields[] = {
    {"traceId", "trace_id"}, {"spanId", "span_id"}, {"traceState", "trace_state"}, {"attributes", "attributes"},
    {"droppedAttributesCount", "dropped_attributes_count"}, {"flags", "flags"},
};
static_assert(std::size(kLinkFields) == LkCount);

enum ValueField { VString, VBool, VInt, VDouble, VBytes, VArray, VKvList };
inline constexpr FieldName kValueFields[] = {
    {"stringValue", "string_value"}, {"boolValue", "bool_value"}, {"intValue", "int_value"},
    {"doubleValue", "double_value"}, {"bytesValue", "bytes_value"}, {"arrayValue", "array_value"},
    {"kvlistValue", "kvlist_value"},
};

enum ScopeField { ScName, ScVersion, ScAttributes, ScDropped, ScCount };
inline constexpr FieldName kScopeFields[] = {
    {"name", "name"}, {"version", "version"}, {"attributes", "attributes"},
    {"droppedAttributesCount", "dropped_attributes_count"},
};
static_assert(std::size(kScopeFields) == ScCount);

enum RsField { RsResource, RsScopeSpans, RsLibrarySpans, RsSchemaUrl };
inline constexpr FieldName kResourceSpansFields[] = {
    {"resource", "resource"}, {"scopeSpans", "scope_spans"},
    {"instrumentationLibrarySpans", "instrumentation_library_spans"}, {"schemaUrl", "schema_url"},
};

enum SsField { SsScope, SsLibrary, SsSpans, SsSchemaUrl };
inline constexpr FieldName kScopeSpansFields[] = {
    {"scope", "scope"}, {"instrumentationLibrary", "instrumentation_library"}, {"spans", "spans"},
    {"schemaUrl", "schema_url"},
};

// The keys of a Resource (exact spellings), of a Status and of a KeyValue.
inline bool isResourceAttributesKey(std::string_view key) { return key == "attributes"; }
inline bool isResourceDroppedKey(std::string_view key)
{
    return key == "droppedAttributesCount" || key == "dropped_attributes_count";
}
// The keys that hold a TracesData's resourceSpans array.
inline bool isResourceSpansListKey(std::string_view key)
{
    return key == "resourceSpans" || key == "resource_spans" || key == "batches";
}

inline constexpr std::string_view kKindNames[] = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};
inline constexpr std::string_view kKindPrefix = "SPAN_KIND_";
inline constexpr std::string_view kStatusNames[] = {"UNSET", "OK", "ERROR"};
inline constexpr std::string_view kStatusPrefix = "STATUS_CODE_";

template<typename T>
bool parseInteger(std::string_view s, T &out)
{
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    // Timestamps and intValues are decimal strings of up to 19 digits, which
    // cannot overflow 64 bits unsigned (18 signed): a plain digit loop, a
    // third of std::from_chars' per-digit overflow checks. Anything else
    // (a sign, other characters, longer text) goes to from_chars as before.
    constexpr size_t kSafeDigits = std::is_signed_v<T> ? 18 : 19;
    if constexpr (sizeof(T) == 8) {
        if (!s.empty() && s.size() <= kSafeDigits) {
            uint64_t v = 0;
            size_t i = 0;
            for (; i < s.size(); ++i) {
                const unsigned d = unsigned(static_cast<unsigned char>(s[i])) - unsigned('0');
                if (d > 9)
                    break;
                v = v * 10 + d;
            }
            if (i == s.size()) {
                out = T(v);
                return true;
            }
        }
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// An enum written as text: its name, with or without `prefix` (names[i] is
// value i), or its number in decimal.
inline bool enumFromText(std::string_view s, const std::string_view *names, size_t count, std::string_view prefix,
                         uint32_t &out)
{
    const std::string_view bare = s.substr(0, prefix.size()) == prefix ? s.substr(prefix.size()) : s;
    for (size_t i = 0; i < count; ++i) {
        if (bare == names[i]) {
            out = uint32_t(i);
            return true;
        }
    }
    uint32_t number = 0;
    if (!parseInteger(s, number))
        return false;
    out = number;
    return true;
}

// An enum written as a JSON integer: any value of 32 bits unsigned.
inline bool enumFromNumber(int64_t v, uint32_t &out)
{
    if (v < 0 || v > int64_t(std::numeric_limits<uint32_t>::max()))
        return false;
    out = uint32_t(v);
    return true;
}

// A double written as text: the proto JSON mapping writes non-finite
// doubles as strings, and numbers may be quoted too. `out` may change
// when the text is refused.
inline bool doubleFromText(std::string_view s, double &out)
{
    if (s == "NaN") {
        out = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (s == "Infinity") {
        out = std::numeric_limits<double>::infinity();
        return true;
    }
    if (s == "-Infinity") {
        out = -std::numeric_limits<double>::infinity();
        return true;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

} // namespace causeway::detail::otlpjson
