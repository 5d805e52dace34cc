// OTLP protobuf reader: a hand-written, zero-copy decoder of the protobuf wire
// format for TracesData / ExportTraceServiceRequest (both are
// `repeated ResourceSpans resource_spans = 1`), and of the Collector file
// exporter's length-framed files.
//
// Decoding by hand instead of through libprotobuf avoids materialising a
// message tree: strings go straight from the input into the string pool.

#include "core/modelbuilder.h"
#include "core/hugepages.h"
#include "core/poolprefault.h"
#include "core/protowire.h"
#include "core/readers.h"
#include "core/recentstrings.h"
#include "core/sametext.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <thread>

namespace causeway::detail {

namespace {

enum WireType : uint32_t { Varint = 0, Fixed64 = 1, Len = 2, StartGroup = 3, EndGroup = 4, Fixed32 = 5 };

// Deeper AnyValue nesting than this is replaced by an empty value.
constexpr int kMaxValueDepth = kMaxAnyValueDepth;
// Progress and cancellation are checked after this many spans.
constexpr uint32_t kProgressEvery = 4096;

// A structural problem: the reader stops (or, in a framed file, drops the message).
struct Malformed
{
    uint64_t offset;
    std::string message;
};

struct Field
{
    uint32_t number = 0;
    uint32_t wire = 0;
    uint64_t varint = 0;     // Varint, Fixed64, Fixed32
    std::string_view bytes;  // Len
    uint64_t offset = 0;     // of the tag, in the input
};

#define CAUSEWAY_INLINE inline __attribute__((always_inline))
#define CAUSEWAY_COLD __attribute__((noinline, cold))

// Reads the fields of one message in sequence. next() and varint() are
// inlined into every decoding loop with the common cases first (a tag of
// one or two bytes, a length of one or two bytes); everything rarer and
// every error is out of line, so the loops stay small.
class Reader
{
public:
    Reader(std::string_view data, uint64_t base) : m_p(data.data()), m_end(data.data() + data.size()), m_begin(data.data()), m_base(base) {}

    bool atEnd() const { return m_p >= m_end; }
    uint64_t offset() const { return m_base + uint64_t(m_p - m_begin); }
    // Offset of a view that points into this reader's data.
    uint64_t offsetOf(std::string_view v) const { return m_base + uint64_t(v.data() - m_begin); }

    CAUSEWAY_INLINE void next(Field &f)
    {
        f.offset = offset();
        uint32_t tag;
        if (m_p < m_end && !(uint8_t(*m_p) & 0x80)) {
            tag = uint8_t(*m_p++);
        } else if (m_end - m_p >= 2 && !(uint8_t(m_p[1]) & 0x80)) {
            // Fields 16 to 2047 (Span.flags, on every span the SDKs write).
            tag = (uint32_t(uint8_t(m_p[0])) & 0x7f) | uint32_t(uint8_t(m_p[1])) << 7;
            m_p += 2;
        } else {
            const uint64_t wide = varintSlow();
            f.number = uint32_t(wide >> 3);
            f.wire = uint32_t(wide & 7);
            if (f.number == 0)
                fieldZero(f);
            rest(f);
            return;
        }
        f.number = tag >> 3;
        f.wire = tag & 7;
        if (f.number == 0)
            fieldZero(f);
        if (f.wire == Len) {
            const uint64_t n = varint();
            if (n > uint64_t(m_end - m_p))
                pastEnd(f, n);
            f.bytes = std::string_view(m_p, size_t(n));
            m_p += n;
        } else if (f.wire == Varint) {
            f.varint = varint();
        } else if (f.wire == Fixed64 && m_end - m_p >= 8) { // span start and end times
            std::memcpy(&f.varint, m_p, 8); // little-endian host
            m_p += 8;
        } else if (f.wire == Fixed32 && m_end - m_p >= 4) { // span and link flags
            uint32_t v;
            std::memcpy(&v, m_p, 4);
            f.varint = v;
            m_p += 4;
        } else {
            rest(f);
        }
    }

private:
    CAUSEWAY_INLINE uint64_t varint()
    {
        if (m_p < m_end && !(uint8_t(*m_p) & 0x80))
            return uint8_t(*m_p++);
        if (m_end - m_p >= 2 && !(uint8_t(m_p[1]) & 0x80)) {
            const uint64_t v = uint64_t(uint8_t(m_p[0]) & 0x7f) | uint64_t(uint8_t(m_p[1])) << 7;
            m_p += 2;
            return v;
        }
        return varintSlow();
    }

    CAUSEWAY_COLD uint64_t varintSlow()
    {
        const uint64_t at = offset();
        const auto *first = reinterpret_cast<const uint8_t *>(m_p), *p = first;
        uint64_t v = 0;
        const bool ok = readVarint(p, reinterpret_cast<const uint8_t *>(m_end), v);
        m_p = reinterpret_cast<const char *>(p);
        if (!ok)
            throw Malformed{at, p - first >= 10 ? "varint longer than 10 bytes" : "truncated varint"};
        return v;
    }

    [[noreturn]] CAUSEWAY_COLD void fieldZero(const Field &f) { throw Malformed{f.offset, "invalid protobuf field number 0"}; }

    // A length that runs past the end of its message; the offset named is
    // where the length starts.
    [[noreturn]] CAUSEWAY_COLD void pastEnd(const Field &f, uint64_t n)
    {
        const uint64_t lengthAt = lengthOffset(f);
        throw Malformed{lengthAt, "length " + std::to_string(n) + " of field " + std::to_string(f.number)
                                      + " runs past the end of its message (" + std::to_string(m_end - m_p)
                                      + " bytes left)"};
    }

    // Where the length of a Len field starts: right after its tag.
    uint64_t lengthOffset(const Field &f) const
    {
        const char *p = m_begin + (f.offset - m_base);
        while (uint8_t(*p) & 0x80)
            ++p;
        return m_base + uint64_t(p + 1 - m_begin);
    }

    // Every field after a tag that was not one byte, and after one that
    // was, every wire type but Len, Varint and a whole Fixed64.
    CAUSEWAY_COLD void rest(Field &f)
    {
        switch (f.wire) {
        case Varint:
            f.varint = varint();
            break;
        case Fixed64:
            need(8, "a 64-bit field");
            std::memcpy(&f.varint, m_p, 8); // little-endian host
            m_p += 8;
            break;
        case Fixed32: {
            need(4, "a 32-bit field");
            uint32_t v;
            std::memcpy(&v, m_p, 4);
            f.varint = v;
            m_p += 4;
            break;
        }
        case Len: {
            const uint64_t n = varint();
            if (n > uint64_t(m_end - m_p))
                pastEnd(f, n);
            f.bytes = std::string_view(m_p, size_t(n));
            m_p += n;
            break;
        }
        case StartGroup:
            skipGroup(f.number, 0);
            break;
        default:
            throw Malformed{f.offset, "invalid protobuf wire type " + std::to_string(f.wire) + " for field "
                                          + std::to_string(f.number)};
        }
    }

    void need(uint64_t n, const char *what)
    {
        if (uint64_t(m_end - m_p) < n)
            throw Malformed{offset(), std::string("truncated input: ") + what + " runs past the end"};
    }

    void skipGroup(uint32_t number, int depth)
    {
        if (depth > 64)
            throw Malformed{offset(), "protobuf groups nested too deeply"};
        Field f;
        while (!atEnd()) {
            f.offset = offset();
            const uint64_t tag = varint();
            const auto n = uint32_t(tag >> 3), w = uint32_t(tag & 7);
            if (w == EndGroup) {
                if (n != number)
                    throw Malformed{f.offset, "mismatched protobuf end-group tag"};
                return;
            }
            switch (w) {
            case Varint: varint(); break;
            case Fixed64: need(8, "a 64-bit field"); m_p += 8; break;
            case Fixed32: need(4, "a 32-bit field"); m_p += 4; break;
            case Len: {
                const uint64_t len = varint();
                if (len > uint64_t(m_end - m_p))
                    throw Malformed{f.offset, "length runs past the end of its message"};
                m_p += len;
                break;
            }
            case StartGroup: skipGroup(n, depth + 1); break;
            default: throw Malformed{f.offset, "invalid protobuf wire type " + std::to_string(w)};
            }
        }
        throw Malformed{offset(), "truncated input: group without its end tag"};
    }

    const char *m_p;
    const char *m_end;
    const char *m_begin;
    uint64_t m_base;
};

struct ViewAt
{
    std::string_view bytes;
    uint64_t offset;
};

// The views of one message's repeated fields, filled again for every
// message: clear() keeps the room, and push() is a store (std::vector's
// emplace_back was a call per attribute, about 4% of a protobuf load's
// instructions).
class ViewList
{
public:
    void clear() { m_size = 0; }
    CAUSEWAY_INLINE void push(const ViewAt &v)
    {
        if (m_size == m_items.size())
            grow();
        m_items[m_size++] = v;
    }
    const ViewAt *begin() const { return m_items.data(); }
    const ViewAt *end() const { return m_items.data() + m_size; }

private:
    CAUSEWAY_COLD void grow() { m_items.resize(std::max<size_t>(16, m_items.size() * 2)); }

    std::vector<ViewAt> m_items;
    size_t m_size = 0;
};

class Decoder
{
public:
    // `where` names the framed message in diagnostics; offsets inside a
    // decompressed message do not point into the file, so no progress then.
    Decoder(const ReadContext &ctx, Model &out, std::string_view where, bool reportProgress)
        : m_ctx(ctx), m_out(out), m_where(where), m_reportProgress(reportProgress), m_build(out)
    {
    }

    // Decodes the given ResourceSpans messages (views into the input).
    void resourceSpansList(const ViewAt *first, const ViewAt *last)
    {
        for (auto it = first; it != last && !m_cancelled; ++it)
            resourceSpans(it->bytes, it->offset);
    }

    // Decodes one TracesData message; `base` is its offset for messages.
    void tracesData(std::string_view data, uint64_t base)
    {
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == 1 && expect(f, Len, "TracesData.resource_spans"))
                resourceSpans(f.bytes, r.offsetOf(f.bytes));
            if (m_cancelled)
                return;
        }
    }

    bool cancelled() const { return m_cancelled; }

private:
    std::string place(uint64_t offset) const
    {
        return std::string(m_ctx.name) + ": byte " + std::to_string(offset) + m_where;
    }

    void diag(const DiagnosticCode &code, uint64_t offset, const std::string &what)
    {
        m_out.diagnostics.add(code, place(offset) + ": " + what);
    }

    CAUSEWAY_INLINE bool expect(const Field &f, uint32_t wire, const char *name)
    {
        if (f.wire == wire)
            return true;
        wrongWire(f, wire, name);
        return false;
    }

    CAUSEWAY_COLD void wrongWire(const Field &f, uint32_t wire, const char *name)
    {
        diag(diag::ProtoWrongWireType, f.offset,
            std::string(name) + " (field " + std::to_string(f.number) + ") has wire type " + std::to_string(f.wire)
                + " instead of " + std::to_string(wire) + "; the field is skipped");
    }

    StringId intern(std::string_view s) { return s.empty() ? 0 : m_out.strings.intern(s); }

    // Keys and names, and string values: apart, so that the values' many
    // one-off texts do not push out the keys.
    // (core/recentstrings.h: a repeat costs one comparison, not a hash and a probe.)
    CAUSEWAY_INLINE StringId internName(std::string_view s) { return m_recentNames.intern(s); }
    CAUSEWAY_INLINE StringId internValue(std::string_view s) { return m_recentValues.intern(s); }

    // ---- values ----


    Value anyValue(std::string_view data, uint64_t base, int depth)
    {
        Value v;
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            switch (f.number) {
            case 1:
                if (expect(f, Len, "AnyValue.string_value"))
                    v = Value::makeString(internValue(f.bytes));
                break;
            case 2:
                if (expect(f, Varint, "AnyValue.bool_value"))
                    v = Value::makeBool(f.varint != 0);
                break;
            case 3:
                if (expect(f, Varint, "AnyValue.int_value"))
                    v = Value::makeInt(int64_t(f.varint));
                break;
            case 4:
                if (expect(f, Fixed64, "AnyValue.double_value")) {
                    double d;
                    std::memcpy(&d, &f.varint, 8);
                    v = Value::makeDouble(d);
                }
                break;
            case 5:
                if (expect(f, Len, "AnyValue.array_value"))
                    v = tooDeep(depth, f.offset) ? Value() : Value::makeArray(arrayValue(f.bytes, r.offsetOf(f.bytes), depth + 1));
                break;
            case 6:
                if (expect(f, Len, "AnyValue.kvlist_value"))
                    v = tooDeep(depth, f.offset) ? Value() : Value::makeKvList(keyValues(f.bytes, r.offsetOf(f.bytes), 1, depth + 1));
                break;
            case 7:
                if (expect(f, Len, "AnyValue.bytes_value"))
                    v = Value::makeBytes(intern(f.bytes));
                break;
            default:
                break;
            }
        }
        return v;
    }

    // The same limit as the JSON reader, so both formats load the same model.
    bool tooDeep(int depth, uint64_t offset)
    {
        if (depth + 1 < kMaxValueDepth)
            return false;
        diag(diag::ValueTooDeep, offset,
            "a value is nested deeper than " + std::to_string(kMaxValueDepth) + " levels; the deeper part is left empty");
        return true;
    }

    // ArrayValue {repeated AnyValue values = 1}: appended contiguously to Model::values.
    Range arrayValue(std::string_view data, uint64_t base, int depth)
    {
        m_build.beginArray();
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == 1 && expect(f, Len, "ArrayValue.values"))
                m_build.addArrayValue(anyValue(f.bytes, r.offsetOf(f.bytes), depth));
        }
        return m_build.endArray();
    }

    // A message whose field `field` is `repeated KeyValue` and nothing else we
    // read (KeyValueList, or an attributes list given as views).
    Range keyValues(std::string_view data, uint64_t base, uint32_t field, int depth)
    {
        m_build.beginAttributes();
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == field && expect(f, Len, "KeyValueList.values"))
                keyValue(f.bytes, r.offsetOf(f.bytes), depth);
        }
        return flushAttributes(depth);
    }

    Range attributeList(const ViewList &views, int depth)
    {
        m_build.beginAttributes();
        for (const auto &v : views)
            keyValue(v.bytes, v.offset, depth);
        return flushAttributes(depth);
    }

    Range flushAttributes(int) { return m_build.endAttributes(); }

    void keyValue(std::string_view data, uint64_t base, int depth)
    {
        if (keyValueAsWritten(data))
            return;
        Attribute a;
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == 1 && expect(f, Len, "KeyValue.key"))
                a.key = internName(f.bytes);
            else if (f.number == 2 && expect(f, Len, "KeyValue.value"))
                a.value = anyValue(f.bytes, r.offsetOf(f.bytes), depth);
        }
        m_build.addAttribute(a.key, a.value);
    }

    // A KeyValue as every OTLP exporter writes it: the key (field 1), then
    // the value (field 2) holding one scalar field, each length in one byte.
    // Read straight from the bytes; anything else (other order, repeated
    // or unknown fields, nested values, long lengths, damage) returns false
    // and goes through the general reader, which gives the same result for
    // these bytes.
    CAUSEWAY_INLINE bool keyValueAsWritten(std::string_view data)
    {
        const auto *p = reinterpret_cast<const uint8_t *>(data.data());
        const size_t n = data.size();
        if (n < 4 || p[0] != 0x0a || p[1] >= 0x80)
            return false;
        const size_t keyEnd = 2 + size_t(p[1]);
        if (keyEnd + 2 > n || p[keyEnd] != 0x12 || p[keyEnd + 1] >= 0x80 || keyEnd + 2 + p[keyEnd + 1] != n)
            return false;
        const uint8_t *v = p + keyEnd + 2;
        const size_t vn = n - keyEnd - 2;
        Value value;
        if (vn == 0) {
            // An empty AnyValue: no value.
        } else if (v[0] == 0x0a) { // string_value
            if (vn < 2 || v[1] >= 0x80 || size_t(v[1]) + 2 != vn)
                return false;
            value = Value::makeString(internValue(std::string_view(reinterpret_cast<const char *>(v + 2), vn - 2)));
        } else if (v[0] == 0x18) { // int_value: a varint filling the rest
            if (vn < 2 || vn > 11)
                return false;
            uint64_t x = 0;
            for (size_t i = 1; i < vn; ++i) {
                if ((v[i] & 0x80) != (i + 1 < vn ? 0x80 : 0))
                    return false;
                x |= uint64_t(v[i] & 0x7f) << (7 * (i - 1));
            }
            value = Value::makeInt(int64_t(x));
        } else if (v[0] == 0x10 && vn == 2 && v[1] < 0x80) { // bool_value
            value = Value::makeBool(v[1] != 0);
        } else if (v[0] == 0x21 && vn == 9) { // double_value
            double d;
            std::memcpy(&d, v + 1, 8);
            value = Value::makeDouble(d);
        } else {
            return false;
        }
        m_build.addAttribute(internName(std::string_view(data.data() + 2, keyEnd - 2)), value);
        return true;
    }

    // ---- resource and scope ----

    void resourceSpans(std::string_view data, uint64_t base)
    {
        // The resource may follow its scope_spans on the wire; read it first.
        Reader r(data, base);
        Field f;
        m_resourceAttrs.clear();
        Resource res;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == 1 && expect(f, Len, "ResourceSpans.resource")) {
                Reader rr(f.bytes, r.offsetOf(f.bytes));
                Field g;
                while (!rr.atEnd()) {
                    rr.next(g);
                    if (g.number == 1 && expect(g, Len, "Resource.attributes"))
                        m_resourceAttrs.push({g.bytes, rr.offsetOf(g.bytes)});
                    else if (g.number == 2 && expect(g, Varint, "Resource.dropped_attributes_count"))
                        res.droppedAttributesCount = uint32_t(g.varint);
                }
            } else if (f.number == 3 && expect(f, Len, "ResourceSpans.schema_url")) {
                res.schemaUrl = intern(f.bytes);
            }
        }
        res.attributes = attributeList(m_resourceAttrs, 0);
        const uint32_t resourceIndex = m_build.addResource(res);
        res.serviceName = m_build.resource(resourceIndex).serviceName;

        Reader again(data, base);
        while (!again.atEnd()) {
            again.next(f);
            if ((f.number == 2 || f.number == 1000) && f.wire == Len)
                scopeSpans(f.bytes, again.offsetOf(f.bytes), resourceIndex, res.serviceName);
            else if (f.number == 2 || f.number == 1000)
                expect(f, Len, "ResourceSpans.scope_spans");
            if (m_cancelled)
                return;
        }
    }

    // ScopeSpans, or the deprecated InstrumentationLibrarySpans (same field
    // numbers; its InstrumentationLibrary has only name and version).
    void scopeSpans(std::string_view data, uint64_t base, uint32_t resourceIndex, StringId service)
    {
        Scope scope;
        scope.resource = resourceIndex;
        m_scopeAttrs.clear();
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == 1 && expect(f, Len, "ScopeSpans.scope")) {
                Reader sr(f.bytes, r.offsetOf(f.bytes));
                Field g;
                while (!sr.atEnd()) {
                    sr.next(g);
                    switch (g.number) {
                    case 1:
                        if (expect(g, Len, "InstrumentationScope.name"))
                            scope.name = intern(g.bytes);
                        break;
                    case 2:
                        if (expect(g, Len, "InstrumentationScope.version"))
                            scope.version = intern(g.bytes);
                        break;
                    case 3:
                        if (expect(g, Len, "InstrumentationScope.attributes"))
                            m_scopeAttrs.push({g.bytes, sr.offsetOf(g.bytes)});
                        break;
                    case 4:
                        if (expect(g, Varint, "InstrumentationScope.dropped_attributes_count"))
                            scope.droppedAttributesCount = uint32_t(g.varint);
                        break;
                    default:
                        break;
                    }
                }
            } else if (f.number == 3 && expect(f, Len, "ScopeSpans.schema_url")) {
                scope.schemaUrl = intern(f.bytes);
            }
        }
        scope.attributes = attributeList(m_scopeAttrs, 0);
        const uint32_t scopeIndex = m_build.addScope(scope);

        Reader again(data, base);
        while (!again.atEnd()) {
            again.next(f);
            if (f.number == 2 && expect(f, Len, "ScopeSpans.spans")) {
                span(f.bytes, again.offsetOf(f.bytes), scopeIndex, service);
                if (++m_sinceProgress >= kProgressEvery) {
                    m_sinceProgress = 0;
                    if (m_reportProgress)
                        m_ctx.done(again.offset());
                    if (m_ctx.cancelled()) {
                        m_cancelled = true;
                        return;
                    }
                }
            }
        }
    }

    // ---- span ----

    template<size_t N>
    bool readId(const Field &f, Id<N> &id)
    {
        if (f.bytes.size() != N)
            return false;
        std::memcpy(id.bytes.data(), f.bytes.data(), N);
        return true;
    }

    static std::string hexOf(std::string_view bytes) { return bytes.empty() ? "empty" : toHex(bytes); }

    void span(std::string_view data, uint64_t base, uint32_t scopeIndex, StringId service)
    {
        SpanHot h;
        SpanCold c;
        c.scope = scopeIndex;
        h.service = service;
        m_spanAttrs.clear();
        m_events.clear();
        m_links.clear();
        std::string_view traceIdBytes, spanIdBytes, parentBytes;
        bool haveTrace = false, haveSpan = false;

        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            switch (f.number) {
            case 1:
                if (expect(f, Len, "Span.trace_id")) {
                    traceIdBytes = f.bytes;
                    haveTrace = readId(f, c.traceId);
                }
                break;
            case 2:
                if (expect(f, Len, "Span.span_id")) {
                    spanIdBytes = f.bytes;
                    haveSpan = readId(f, c.spanId);
                }
                break;
            case 3:
                if (expect(f, Len, "Span.trace_state"))
                    c.traceState = intern(f.bytes);
                break;
            case 4:
                if (expect(f, Len, "Span.parent_span_id")) {
                    parentBytes = f.bytes;
                    c.parentSpanId = {};
                    if (!f.bytes.empty() && !readId(f, c.parentSpanId))
                        c.parentSpanId = {};
                }
                break;
            case 5:
                if (expect(f, Len, "Span.name"))
                    h.name = internName(f.bytes);
                break;
            case 6:
                if (expect(f, Varint, "Span.kind"))
                    c.rawKind = uint32_t(f.varint);
                break;
            case 7:
                if (expect(f, Fixed64, "Span.start_time_unix_nano"))
                    h.start = f.varint;
                break;
            case 8:
                if (expect(f, Fixed64, "Span.end_time_unix_nano"))
                    h.end = f.varint;
                break;
            case 9:
                if (expect(f, Len, "Span.attributes"))
                    m_spanAttrs.push({f.bytes, r.offsetOf(f.bytes)});
                break;
            case 10:
                if (expect(f, Varint, "Span.dropped_attributes_count"))
                    c.droppedAttributesCount = uint32_t(f.varint);
                break;
            case 11:
                if (expect(f, Len, "Span.events"))
                    m_events.push({f.bytes, r.offsetOf(f.bytes)});
                break;
            case 12:
                if (expect(f, Varint, "Span.dropped_events_count"))
                    c.droppedEventsCount = uint32_t(f.varint);
                break;
            case 13:
                if (expect(f, Len, "Span.links"))
                    m_links.push({f.bytes, r.offsetOf(f.bytes)});
                break;
            case 14:
                if (expect(f, Varint, "Span.dropped_links_count"))
                    c.droppedLinksCount = uint32_t(f.varint);
                break;
            case 15:
                if (expect(f, Len, "Span.status"))
                    status(f.bytes, r.offsetOf(f.bytes), c);
                break;
            case 16:
                if (expect(f, Fixed32, "Span.flags"))
                    c.flags = uint32_t(f.varint);
                break;
            default:
                break;
            }
        }

        if (!haveTrace || c.traceId.isZero()) {
            diag(diag::SpanBadTraceId, base,
                "span with trace id " + hexOf(traceIdBytes) + " (" + std::to_string(traceIdBytes.size())
                    + " bytes; 16 non-zero bytes expected) is skipped");
            return;
        }
        if (!haveSpan || c.spanId.isZero()) {
            diag(diag::SpanBadSpanId, base,
                "span with span id " + hexOf(spanIdBytes) + " (" + std::to_string(spanIdBytes.size())
                    + " bytes; 8 non-zero bytes expected) in trace " + c.traceId.hex() + " is skipped");
            return;
        }
        if (!parentBytes.empty() && parentBytes.size() != 8)
            diag(diag::SpanBadParentId, base,
                "span " + c.traceId.hex() + "/" + c.spanId.hex() + " has a parent span id of "
                    + std::to_string(parentBytes.size()) + " bytes; shown as a root");
        if (h.end < h.start) {
            diag(diag::SpanEndBeforeStart, base,
                "span " + c.traceId.hex() + "/" + c.spanId.hex() + " ends before it starts; its end is set to its start");
            h.end = h.start;
        }
        h.kind = c.rawKind <= 5 ? SpanKind(c.rawKind) : SpanKind::Unspecified;
        h.status = c.rawStatusCode <= 2 ? StatusCode(c.rawStatusCode) : StatusCode::Unset;

        const auto spanIndex = uint32_t(m_out.hot.size());
        c.attributes = attributeList(m_spanAttrs, 0);

        m_build.beginSpan();
        for (const auto &e : m_events)
            m_build.addEvent(event(e.bytes, e.offset));
        for (const auto &l : m_links) {
            Link link;
            if (this->link(l.bytes, l.offset, spanIndex, link))
                m_build.addLink(link);
        }
        m_build.endSpan(h, c);
    }

    void status(std::string_view data, uint64_t base, SpanCold &c)
    {
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            if (f.number == 2 && expect(f, Len, "Status.message"))
                c.statusMessage = intern(f.bytes);
            else if (f.number == 3 && expect(f, Varint, "Status.code"))
                c.rawStatusCode = uint32_t(f.varint);
        }
    }

    Event event(std::string_view data, uint64_t base)
    {
        Event e;
        m_nestedAttrs.clear();
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            switch (f.number) {
            case 1:
                if (expect(f, Fixed64, "Event.time_unix_nano"))
                    e.time = f.varint;
                break;
            case 2:
                if (expect(f, Len, "Event.name"))
                    e.name = internName(f.bytes);
                break;
            case 3:
                if (expect(f, Len, "Event.attributes"))
                    m_nestedAttrs.push({f.bytes, r.offsetOf(f.bytes)});
                break;
            case 4:
                if (expect(f, Varint, "Event.dropped_attributes_count"))
                    e.droppedAttributesCount = uint32_t(f.varint);
                break;
            default:
                break;
            }
        }
        e.attributes = attributeList(m_nestedAttrs, 0);
        return e;
    }

    bool link(std::string_view data, uint64_t base, uint32_t from, Link &l)
    {
        l.from = from;
        m_nestedAttrs.clear();
        std::string_view traceIdBytes, spanIdBytes;
        bool haveTrace = false, haveSpan = false;
        Reader r(data, base);
        Field f;
        while (!r.atEnd()) {
            r.next(f);
            switch (f.number) {
            case 1:
                if (expect(f, Len, "Link.trace_id")) {
                    traceIdBytes = f.bytes;
                    haveTrace = readId(f, l.traceId);
                }
                break;
            case 2:
                if (expect(f, Len, "Link.span_id")) {
                    spanIdBytes = f.bytes;
                    haveSpan = readId(f, l.spanId);
                }
                break;
            case 3:
                if (expect(f, Len, "Link.trace_state"))
                    l.traceState = intern(f.bytes);
                break;
            case 4:
                if (expect(f, Len, "Link.attributes"))
                    m_nestedAttrs.push({f.bytes, r.offsetOf(f.bytes)});
                break;
            case 5:
                if (expect(f, Varint, "Link.dropped_attributes_count"))
                    l.droppedAttributesCount = uint32_t(f.varint);
                break;
            case 6:
                if (expect(f, Fixed32, "Link.flags"))
                    l.flags = uint32_t(f.varint);
                break;
            default:
                break;
            }
        }
        if (!haveTrace || l.traceId.isZero()) {
            diag(diag::LinkBadTraceId, base,
                "link to trace id " + hexOf(traceIdBytes) + " (16 non-zero bytes expected) is skipped");
            return false;
        }
        if (!haveSpan || l.spanId.isZero()) {
            diag(diag::LinkBadSpanId, base,
                "link to span id " + hexOf(spanIdBytes) + " in trace " + l.traceId.hex()
                    + " (8 non-zero bytes expected) is skipped");
            return false;
        }
        l.attributes = attributeList(m_nestedAttrs, 0);
        return true;
    }

    const ReadContext &m_ctx;
    Model &m_out;
    std::string m_where;   // appended to "NAME: byte N" (which framed message)
    bool m_reportProgress;
    bool m_cancelled = false;
    uint32_t m_sinceProgress = 0;

    ViewList m_resourceAttrs, m_scopeAttrs, m_spanAttrs, m_events, m_links, m_nestedAttrs;
    ModelBuilder m_build;
    RecentStrings m_recentNames{m_out.strings}, m_recentValues{m_out.strings};
};

// Sizes of the model's tables, to drop a damaged framed message entirely.
struct Mark
{
    size_t resources, scopes, spans, events, links, attributes, values;
    explicit Mark(const Model &m)
        : resources(m.resources.size()), scopes(m.scopes.size()), spans(m.hot.size()), events(m.events.size()),
          links(m.links.size()), attributes(m.attributes.size()), values(m.values.size())
    {
    }
    void rollback(Model &m) const
    {
        m.resources.resize(resources);
        m.scopes.resize(scopes);
        m.hot.resize(spans);
        m.cold.resize(spans);
        m.events.resize(events);
        m.links.resize(links);
        m.attributes.resize(attributes);
        m.values.resize(values);
    }
};

uint32_t bigEndian32(const char *p)
{
    auto u = reinterpret_cast<const unsigned char *>(p);
    return uint32_t(u[0]) << 24 | uint32_t(u[1]) << 16 | uint32_t(u[2]) << 8 | u[3];
}

bool isZstdFrame(std::string_view b)
{
    return b.size() >= 4 && uint8_t(b[0]) == 0x28 && uint8_t(b[1]) == 0xb5 && uint8_t(b[2]) == 0x2f && uint8_t(b[3]) == 0xfd;
}

bool readFramed(std::string_view bytes, const ReadContext &ctx, Model &out, LoadError &error)
{
    const uint64_t limit = ctx.options ? ctx.options->maxDecompressedBytes : defaultMaxDecompressedBytes();
    uint64_t decompressedTotal = 0;
    uint64_t pos = 0;
    uint32_t good = 0;
    std::string plain;
    // With no good message at all, the first problem is the error to give.
    uint64_t firstProblemAt = 0;
    std::string firstProblem;
    auto problem = [&](const DiagnosticCode &code, uint64_t at, const std::string &what, const char *consequence) {
        if (firstProblem.empty()) {
            firstProblemAt = at;
            firstProblem = what;
        }
        out.diagnostics.add(code,
            std::string(ctx.name) + ": byte " + std::to_string(at) + ": " + what + "; " + consequence);
    };
    while (pos < bytes.size()) {
        if (bytes.size() - pos < 4) {
            problem(diag::ProtoFrameTruncated, pos, "truncated frame: the file ends inside a frame header ("
                + std::to_string(bytes.size() - pos) + " bytes)", "the damaged tail is skipped");
            break;
        }
        const uint32_t length = bigEndian32(bytes.data() + pos);
        if (length > bytes.size() - pos - 4) {
            problem(diag::ProtoFrameTruncated, pos, "truncated frame: a frame of " + std::to_string(length)
                + " bytes runs past the end of the file (" + std::to_string(bytes.size() - pos - 4) + " bytes left)",
                "the damaged tail is skipped");
            break;
        }
        const uint64_t start = pos + 4;
        std::string_view message = bytes.substr(start, length);
        pos = start + length;

        std::string where;
        if (isZstdFrame(message)) {
            std::string why;
            if (!decompress(message, limit - decompressedTotal, plain, why)) {
                if (why.find("LoadOptions::maxDecompressedBytes") != std::string::npos) {
                    error.offset = start;
                    error.message = "zstd: " + why;
                    return false;
                }
                problem(diag::ProtoFrameCorrupt, start, "zstd-compressed message: " + why, "the message is skipped");
                continue;
            }
            decompressedTotal += plain.size();
            message = plain;
            where = " of the message decompressed from the zstd frame at byte " + std::to_string(start);
        }
        Decoder decoder(ctx, out, where, where.empty());
        Mark mark(out);
        try {
            decoder.tracesData(message, where.empty() ? start : 0);
        } catch (const Malformed &m) {
            mark.rollback(out);
            if (firstProblem.empty()) {
                firstProblemAt = m.offset;
                firstProblem = "malformed OTLP protobuf" + where + ": " + m.message;
            }
            out.diagnostics.add(diag::ProtoMessageCorrupt,
                std::string(ctx.name) + ": byte " + std::to_string(m.offset) + where + ": " + m.message
                    + "; the framed message starting at byte " + std::to_string(start) + " is skipped");
            continue;
        }
        if (decoder.cancelled()) {
            error.message = "cancelled";
            return false;
        }
        ++good;
        ctx.done(pos);
        if (ctx.cancelled()) {
            error.message = "cancelled";
            return false;
        }
    }
    if (good == 0) {
        error.offset = firstProblemAt;
        error.message = "no readable OTLP protobuf message in the length-framed file";
        if (!firstProblem.empty())
            error.message += ": " + firstProblem;
        return false;
    }
    return true;
}

// The top level's ResourceSpans (field 1, Len), listed by their tags and
// lengths. Where `bytes` is the mapped file, the headers are read from the
// file in chunks through a buffer reused for each (ReadContext::copy):
// listing reads a few bytes every few KB, which through a fresh mapping is
// the first read of most of its pages. Otherwise they are read in place,
// the pages mapped in a few MB ahead (prefaultForRead), not one fault
// every 64 KB. The views listed point into `bytes` either way.
class TopLevelList
{
public:
    enum class Step { Listed, End, Other, Bad };

    TopLevelList(std::string_view bytes, const ReadContext &ctx)
        : m_bytes(bytes), m_ctx(ctx),
          m_copied(ctx.fd >= 0 && bytes.data() == ctx.mapped.data() && bytes.size() == ctx.mapped.size())
    {
    }

    // The next field: Listed (a ResourceSpans, in `v`), End of the input,
    // Other (any other field: the caller stops) or Bad (a malformed tag or
    // length, or a chunk the file did not give).
    Step next(ViewAt &v)
    {
        if (m_pos >= m_bytes.size())
            return Step::End;
        if (!fill())
            return Step::Bad;
        const auto *p = reinterpret_cast<const uint8_t *>(m_data + (m_pos - m_at));
        const auto *end = reinterpret_cast<const uint8_t *>(m_data + m_len);
        uint64_t tag = 0, length = 0;
        if (!readVarint(p, end, tag) || (tag >> 3) == 0)
            return Step::Bad;
        if (tag != ((1u << 3) | Len))
            return Step::Other;
        if (!readVarint(p, end, length))
            return Step::Bad;
        const uint64_t at = m_at + uint64_t(p - reinterpret_cast<const uint8_t *>(m_data));
        if (length > m_bytes.size() - at)
            return Step::Bad;
        v = {m_bytes.substr(at, length), at};
        m_pos = at + length;
        return Step::Listed;
    }

private:
    static constexpr size_t kChunk = size_t(64) << 10;
    static constexpr size_t kHeader = 22; // a tag and a length: at most 10 bytes each, and some room
    static constexpr size_t kMapAhead = size_t(8) << 20;

    // m_data holds the header at m_pos (or the input's end).
    bool fill()
    {
        if (!m_copied) {
            if (!m_data) {
                m_data = m_bytes.data();
                m_len = m_bytes.size();
            }
            if (m_pos + kMapAhead / 2 > m_mapped && m_mapped < m_bytes.size()) {
                const size_t to = size_t(std::min<uint64_t>(m_bytes.size(), m_pos + kMapAhead));
                prefaultForRead(m_bytes.data() + m_mapped, to - m_mapped);
                m_mapped = to;
            }
            return true;
        }
        const uint64_t want = std::min<uint64_t>(m_pos + kHeader, m_bytes.size());
        if (m_data && m_pos >= m_at && want <= m_at + m_len)
            return true;
        if (!m_chunk)
            m_chunk = std::make_unique_for_overwrite<char[]>(kChunk);
        m_data = m_chunk.get();
        m_at = m_pos;
        m_len = size_t(std::min<uint64_t>(kChunk, m_bytes.size() - m_pos));
        if (m_ctx.copy(m_bytes.substr(m_at, m_len), m_chunk.get()))
            return true;
        m_len = 0;
        return false;
    }

    std::string_view m_bytes;
    const ReadContext &m_ctx;
    const bool m_copied;
    std::unique_ptr<char[]> m_chunk;
    const char *m_data = nullptr; // the chunk, or the input itself
    uint64_t m_pos = 0, m_at = 0;
    size_t m_len = 0;
    size_t m_mapped = 0;
};

// ResourceSpans copied out of the file a window at a time into a buffer
// reused for each (ReadContext::copy), for a thread decoding a run of them:
// at(it) is *it, its bytes in the buffer, loading the window of the
// ResourceSpans from `it` on (up to kWindow bytes, at least `it`) when `it`
// is not in the current one. Where the bytes cannot be copied (no
// descriptor, not the mapped file, a ResourceSpans over kMaxOne) it is
// `it` itself, read through the mapping.
class ResourceSpansCopy
{
public:
    explicit ResourceSpansCopy(const ReadContext &ctx) : m_ctx(ctx) {}

    const ViewAt *at(const ViewAt *it, const ViewAt *last)
    {
        if (it >= m_first && it < m_last)
            return &m_views[size_t(it - m_first)];
        if (m_ctx.fd < 0 || it->bytes.size() > kMaxOne)
            return it;
        const ViewAt *end = it + 1;
        while (end != last && end->offset + end->bytes.size() - it->offset <= kWindow)
            ++end;
        const uint64_t from = it->offset;
        const size_t length = size_t((end - 1)->offset + (end - 1)->bytes.size() - from);
        if (length > m_capacity) {
            m_buffer = std::make_unique_for_overwrite<char[]>(length);
            m_capacity = length;
        }
        // The window's bytes, whose views follow on from `it`'s in the input.
        const std::string_view part(it->bytes.data(), length);
        m_first = m_last = nullptr;
        if (!m_ctx.copy(part, m_buffer.get()))
            return it;
        m_views.clear();
        for (const ViewAt *v = it; v != end; ++v)
            m_views.push_back({std::string_view(m_buffer.get() + (v->offset - from), v->bytes.size()), v->offset});
        m_first = it;
        m_last = end;
        return &m_views.front();
    }

private:
    static constexpr uint64_t kWindow = uint64_t(1) << 20;
    static constexpr size_t kMaxOne = size_t(64) << 20;

    const ReadContext &m_ctx;
    std::unique_ptr<char[]> m_buffer;
    size_t m_capacity = 0;
    std::vector<ViewAt> m_views;
    const ViewAt *m_first = nullptr, *m_last = nullptr;
};

// Large messages are split at ResourceSpans boundaries into one contiguous
// share per thread; each thread decodes into its own model and the shares are
// merged in input order, so the result is the one a single thread would give.
constexpr size_t kParallelFrom = size_t(8) << 20;
constexpr uint64_t kSampleBytes = uint64_t(2) << 20;
constexpr size_t kPieceBytes = size_t(4) << 20;
// How far ahead of the merges the first share's room is faulted in, as a
// share of the room: a few pieces.
constexpr double kPrefaultLead = 0.03;

bool readParallel(std::string_view bytes, const ReadContext &ctx, Model &out, LoadError &error, bool &handled)
{
    handled = false;
    unsigned threads = ctx.options && ctx.options->threads ? ctx.options->threads : std::thread::hardware_concurrency();
    threads = unsigned(std::min<size_t>(threads, bytes.size() / (kParallelFrom / 2)));
    // Merging a share interns its distinct strings again, reusing the
    // hashes its own pool computed; that leaves two threads well ahead.
    if (bytes.size() < kParallelFrom || threads < 2)
        return true;

    // What decoding a share gave, besides its model.
    struct Outcome
    {
        std::optional<Malformed> failure;
        bool cancelled = false;
        bool outOfMemory = false;
    };
    std::mutex mutex;
    std::condition_variable finished;
    std::vector<Model> spare; // merged pieces' models, emptied with their capacity kept
    // The first share's model gets room for the whole input; the decoding
    // threads fault it in ahead of this thread's writes (PoolPrefaulter),
    // as far as the input decoded into it and merged so far, plus a lead.
    PoolPrefaulter prefaulter;
    uint64_t trackedFrom = 0;
    auto allowUpTo = [&](uint64_t offset) {
        if (trackedFrom && bytes.size() > trackedFrom && offset > trackedFrom)
            prefaulter.allow(double(offset - trackedFrom) / double(bytes.size() - trackedFrom) + kPrefaultLead);
    };
    // The first share, decoded whole (`decoded` bytes of the input, up to
    // `end`), sizes the model-to-be again for the rest of the input, on the
    // decoding thread: its first 2 MB said too little for pools whose
    // records thin out or thicken along the file (links to earlier traces),
    // and for the string index, which reserveLike leaves alone. Otherwise
    // this thread, which alone merges, grew them by doubling as the merges
    // outgrew them: copying the pool or rehashing the index, and faulting
    // in the new storage (~11% of its samples on the 1 GB file's copy).
    // Only what is short of the estimate moves (reserveLike); the
    // prefaulter is stopped before and tracks the room after.
    auto reserveForRest = [&](Model &model, uint64_t decoded, uint64_t end) {
        const double factor = double(bytes.size() - decoded) / double(decoded) * 1.04;
        prefaulter.clear();
        model.reserveLike({}, factor);
        model.strings.reserve(size_t(double(model.strings.size()) * factor));
        prefaulter.track(model);
        trackedFrom = end;
        prefaulter.allow(kPrefaultLead);
    };
    // The records the first share's sample gave, and its bytes: what a
    // piece of the rest holds, roughly, per byte of input.
    Model::Sizes shape;
    uint64_t shapeBytes = 0;
    // Decodes the ResourceSpans [it, last) into `model`; the first share
    // (`first`) stops early once `abandon` is set. A first sample of the
    // share sizes the pools for the rest in one step; the first share's
    // model takes the others' records when they are merged, so it gets room
    // for the whole input.
    // `copy` is the calling thread's (the bytes read out of the file).
    auto decodeShare = [&](const ViewAt *it, const ViewAt *last, Model &model, bool first, Outcome &outcome,
                           const std::atomic<bool> &abandon, ResourceSpansCopy &copy) {
        const auto one = [&](Decoder &decoder, const ViewAt *v) {
            const ViewAt *bytesOf = copy.at(v, last);
            decoder.resourceSpansList(bytesOf, bytesOf + 1);
        };
        try {
            Decoder decoder(ctx, model, {}, false);
            try {
                uint64_t sampled = 0, share = 0;
                for (const ViewAt *v = it; v != last; ++v)
                    share += v->bytes.size();
                // A piece, once the first share's sample has told the shape
                // of the records, gets its room before it is decoded: a
                // model not handed back by a merge yet is fresh memory,
                // which grown by doubling came in a 4 KB fault at a time.
                bool sized = false;
                if (!first) {
                    Model::Sizes want;
                    {
                        std::lock_guard lock(mutex);
                        if (shapeBytes) {
                            want = shape.scaled(double(share) / double(shapeBytes) * 1.1);
                            sized = true;
                        }
                    }
                    if (sized)
                        model.reserveFaultedIn(want);
                }
                for (; !sized && it != last && sampled < kSampleBytes && !decoder.cancelled(); ++it) {
                    one(decoder, it);
                    sampled += it->bytes.size();
                }
                const uint64_t rest = (first ? uint64_t(bytes.size()) : share) - sampled;
                if (it != last && sampled) {
                    model.reserveLike({}, double(rest) / double(sampled) * 1.04);
                    if (first) {
                        {
                            std::lock_guard lock(mutex);
                            shape = model.sizes();
                            shapeBytes = sampled;
                        }
                        prefaulter.track(model);
                        trackedFrom = sampled;
                        allowUpTo((last - 1)->offset + (last - 1)->bytes.size());
                    }
                }
                for (; !first && it != last && !decoder.cancelled(); ++it)
                    one(decoder, it);
                for (; first && it != last && !abandon.load(std::memory_order_relaxed) && !decoder.cancelled(); ++it)
                    one(decoder, it);
                if (first && it == last && sampled && share > sampled && bytes.size() > share && !decoder.cancelled())
                    reserveForRest(model, share, (last - 1)->offset + (last - 1)->bytes.size());
            } catch (const Malformed &m) {
                outcome.failure = m;
            }
            outcome.cancelled = decoder.cancelled();
        } catch (const std::bad_alloc &) {
            // Must not leave the thread; the load reports it below.
            model = Model();
            outcome.outOfMemory = true;
        }
    };

    // A decoding thread decodes a first share into the model-to-be, walking
    // the top level itself, while this thread scans the whole top level;
    // the rest is cut into pieces that the decoding threads (and this one,
    // while the piece to merge next is not ready) decode in turn, and this
    // thread merges in input order as they finish, so merging overlaps
    // decoding instead of following it. The scan reads the first bytes of
    // every ResourceSpans, a few KB apart: in a file just mapped, that is
    // the first read of most pages, each a page fault, which do not get
    // cheaper on two threads; decoding meanwhile, instead of after it,
    // keeps both busy.
    // The scan now lists the top level from copies of the file (about 60 ms
    // for 450 MB), so the first share need only outlast it a little: every
    // piece decoded before the first share is merged gets a fresh model
    // (nothing merged has handed one back yet), and fresh memory is what
    // this load pays most for. With a tenth of the input (a quarter before)
    // 5 pieces of 64 start fresh instead of 19, the load takes a quarter
    // fewer page faults and 10-25 MB less peak memory, and 0.88-1.09x the
    // time in five series (median 0.93; bench/README.md); more threads keep
    // the old proportion between the two shares.
    const auto firstBytes = size_t(double(bytes.size()) * (threads == 2 ? 0.10 : 0.06));
    std::vector<ViewAt> firstList;
    bool firstWalked = false; // the walk met nothing the scan would not take
    Model first;
    Outcome firstOutcome;
    bool firstDone = false;
    std::atomic<bool> abandon{false};
    auto decodeFirst = [&] {
        try {
            TopLevelList top(bytes, ctx);
            ViewAt v;
            for (size_t acc = 0; firstList.empty() || acc < firstBytes;) {
                const auto step = top.next(v);
                if (step == TopLevelList::Step::Bad)
                    firstWalked = false;
                if (step != TopLevelList::Step::Listed)
                    break;
                firstList.push_back(v);
                acc += v.bytes.size();
                firstWalked = true;
            }
        } catch (const std::bad_alloc &) {
            firstWalked = false;
        }
        ResourceSpansCopy copy(ctx);
        if (firstWalked)
            decodeShare(firstList.data(), firstList.data() + firstList.size(), first, true, firstOutcome, abandon, copy);
    };

    // Set by this thread once the scan is over: Done (the pieces below are
    // cut) or Failed (the sequential reader takes the input).
    enum class Scan { Running, Done, Failed } scan = Scan::Running;
    std::vector<ViewAt> list;
    std::vector<size_t> cuts{0};
    size_t parts = 0;
    std::vector<Model> fragments;
    std::vector<Outcome> outcomes;
    std::vector<char> ready;
    std::atomic<size_t> next{1};
    auto work = [&](size_t k, ResourceSpansCopy &copy) {
        {
            std::lock_guard lock(mutex);
            if (!spare.empty()) {
                fragments[k] = std::move(spare.back());
                spare.pop_back();
            }
        }
        decodeShare(list.data() + cuts[k], list.data() + cuts[k + 1], fragments[k], false, outcomes[k], abandon, copy);
    };
    // Merged pieces' records still to be patched (Model::MergePatch), with
    // the input bytes they came from: any thread takes them, the decoding
    // threads once no piece is left to decode, this thread while the piece
    // to merge next is not ready. `patching` counts those being applied;
    // `merging` is cleared once this thread appends no more, and the
    // decoding threads then leave when no patch is left.
    struct Pending
    {
        Model::MergePatch patch;
        uint64_t bytes;
    };
    std::deque<Pending> patches;
    size_t patching = 0;
    bool merging = true;
    // The pace of patching, in seconds per input byte (any thread).
    double patchSeconds = 0;
    uint64_t patchedBytes = 0;
    using Clock = std::chrono::steady_clock;
    const auto timed = [](auto &&f) {
        const auto t0 = Clock::now();
        f();
        return std::chrono::duration<double>(Clock::now() - t0).count();
    };
    // With `lock` held: applies the oldest pending patch, unlocking meanwhile.
    auto patchOne = [&](std::unique_lock<std::mutex> &lock) {
        const Pending pending = std::move(patches.front());
        patches.pop_front();
        ++patching;
        lock.unlock();
        const double seconds = timed([&] { pending.patch.apply(); });
        lock.lock();
        --patching;
        patchSeconds += seconds;
        patchedBytes += pending.bytes;
        finished.notify_all();
    };
    auto worker = [&](bool takesFirst) {
        if (takesFirst) {
            decodeFirst();
            {
                std::lock_guard lock(mutex);
                firstDone = true;
            }
            finished.notify_all();
        }
        {
            std::unique_lock lock(mutex);
            finished.wait(lock, [&] { return scan != Scan::Running; });
            if (scan == Scan::Failed)
                return;
        }
        ResourceSpansCopy copy(ctx);
        for (size_t k; (k = next.fetch_add(1)) < parts;) {
            work(k, copy);
            {
                std::lock_guard lock(mutex);
                ready[k] = 1;
            }
            finished.notify_all();
            prefaulter.run();
        }
        std::unique_lock lock(mutex);
        for (;;) {
            finished.wait(lock, [&] { return !patches.empty() || !merging; });
            if (patches.empty())
                return;
            patchOne(lock);
        }
    };
    std::vector<std::thread> pool;
    // Whatever happens here, the workers stop decoding, apply the patches
    // still pending (the records appended so far are whole, as a load that
    // stops early leaves them) and are joined.
    struct Join
    {
        std::vector<std::thread> &pool;
        std::atomic<size_t> &next;
        std::atomic<bool> &abandon;
        std::mutex &mutex;
        std::condition_variable &finished;
        Scan &scan;
        bool &merging;
        ~Join()
        {
            next.store(std::numeric_limits<size_t>::max() / 2);
            abandon.store(true, std::memory_order_relaxed);
            {
                std::lock_guard lock(mutex);
                if (scan == Scan::Running)
                    scan = Scan::Failed;
                merging = false;
            }
            finished.notify_all();
            for (auto &t : pool)
                t.join();
        }
    } join{pool, next, abandon, mutex, finished, scan, merging};
    for (unsigned t = 1; t < threads; ++t)
        pool.emplace_back(worker, t == 1);

    // Only the top level is scanned here; a structural problem in it is left
    // to the sequential reader, which reports it with its offset.
    TopLevelList top(bytes, ctx);
    for (ViewAt v;;) {
        const auto step = top.next(v);
        if (step == TopLevelList::Step::End)
            break;
        if (step != TopLevelList::Step::Listed)
            return true;
        list.push_back(v);
    }
    if (list.size() < threads)
        return true;
    handled = true;

    // The first share: ResourceSpans up to firstBytes, and at least one
    // left for the pieces.
    size_t i = 0, acc = 0;
    while (i + 1 < list.size() && (i == 0 || acc < firstBytes))
        acc += list[i++].bytes.size();
    cuts.push_back(i);
    // Pieces of a few MB: a piece's own string table then stays in the
    // cache while it is decoded (one of tens of MB spilled it: most of the
    // decoding threads' time went to probing it), and the merged pieces'
    // models are handed back to be filled again.
    const size_t pieceBytes = std::max<size_t>(kPieceBytes, (bytes.size() - acc) / (64 * (threads - 1)));
    for (size_t inPiece = 0; i < list.size(); ++i) {
        inPiece += list[i].bytes.size();
        if (inPiece >= pieceBytes && i + 1 < list.size()) {
            cuts.push_back(i + 1);
            inPiece = 0;
        }
    }
    cuts.push_back(list.size());
    {
        std::lock_guard lock(mutex);
        parts = cuts.size() - 1;
        fragments.resize(parts);
        outcomes.resize(parts);
        ready.assign(parts, 0);
        scan = Scan::Done;
    }
    finished.notify_all();

    // This thread's own pace, decoding and merging, in seconds per input
    // byte: it decides below whether decoding a piece itself pays.
    const auto offsetOf = [&](size_t piece) {
        return piece < parts ? uint64_t(list[cuts[piece]].offset) : uint64_t(bytes.size());
    };
    double decodeSeconds = 0, mergeSeconds = 0;
    uint64_t decodedBytes = 0, mergedBytes = 0;
    const auto isReady = [&](size_t k) { return k == 0 ? firstDone : ready[k] != 0; };
    // Whether this thread, waiting for piece k, should decode piece j (no
    // thread has taken it) rather than wait: only if what it alone can do,
    // the in-order part of merging all pieces from k on, plus piece j,
    // stays within its share of all that is left (decoding, merging,
    // patching). Taking every untaken piece it could made this thread the
    // last to finish: the others then stood idle while it merged what they
    // had decoded. With the mutex held (the patching pace is shared).
    const auto worthDecoding = [&](size_t k, size_t j) {
        const double decodeRate = decodedBytes ? decodeSeconds / double(decodedBytes) : 0;
        const double mergeRate = mergedBytes ? mergeSeconds / double(mergedBytes) : decodeRate / 4;
        const double patchRate = patchedBytes ? patchSeconds / double(patchedBytes) : mergeRate;
        uint64_t unpatched = bytes.size() - offsetOf(k);
        for (const Pending &p : patches)
            unpatched += p.bytes;
        const double inOrder = mergeRate * double(bytes.size() - offsetOf(k));
        const double left = inOrder + decodeRate * double(bytes.size() - offsetOf(j)) + patchRate * double(unpatched);
        return inOrder + decodeRate * double(offsetOf(j + 1) - offsetOf(j)) <= left / double(threads);
    };
    // Until every pending patch is applied, this thread applies them too.
    const auto drain = [&] {
        std::unique_lock lock(mutex);
        while (!patches.empty() || patching) {
            if (!patches.empty())
                patchOne(lock);
            else
                finished.wait(lock);
        }
    };
    ResourceSpansCopy copy(ctx); // this thread's
    for (size_t k = 0; k < parts; ++k) {
        {
            std::unique_lock lock(mutex);
            // Rather than wait for the piece to merge next, this thread may
            // decode a piece no thread has taken yet: how much it decodes
            // then follows how fast the others are (the machine may be
            // shared), not a fixed share.
            while (!isReady(k)) {
                if (!patches.empty()) {
                    patchOne(lock);
                    continue;
                }
                size_t j = next.load();
                // The piece to merge next, if no thread has taken it, is
                // decoded here rather than waited for.
                const bool worth = j < parts && (j == k || worthDecoding(k, j));
                lock.unlock();
                if (worth && next.compare_exchange_strong(j, j + 1)) {
                    decodeSeconds += timed([&] { work(j, copy); });
                    decodedBytes += offsetOf(j + 1) - offsetOf(j);
                    lock.lock();
                    ready[j] = 1;
                    continue;
                }
                lock.lock();
                if (!worth)
                    finished.wait(lock, [&] { return isReady(k); });
            }
        }
        if (k == 0 && (!firstWalked || firstList.size() != cuts[1])) {
            // The walk went past where the scan cuts the first share (it
            // reached the end of the input): decoded again here, as cut.
            first = Model();
            firstOutcome = {};
            decodeShare(list.data(), list.data() + cuts[1], first, true, firstOutcome, abandon, copy);
        }
        const Outcome &outcome = k == 0 ? firstOutcome : outcomes[k];
        if (outcome.outOfMemory)
            throw std::bad_alloc();
        if (outcome.failure) {
            error.offset = outcome.failure->offset;
            error.message = "malformed OTLP protobuf: " + outcome.failure->message;
            return false;
        }
        if (outcome.cancelled || ctx.cancelled()) {
            error.message = "cancelled";
            return false;
        }
        if (k == 0) {
            out.merge(std::move(first));
        } else {
            // Pending patches write through pointers into the pools: a
            // merge that moves them waits until they are done.
            if (out.mergeMoves(fragments[k]))
                drain();
            Model::MergePatch patch;
            mergeSeconds += timed([&] { patch = out.mergeUnpatched(fragments[k]); });
            mergedBytes += offsetOf(k + 1) - offsetOf(k);
            allowUpTo(k + 1 < parts ? uint64_t(list[cuts[k + 1]].offset) : bytes.size());
            {
                std::lock_guard lock(mutex);
                spare.push_back(std::move(fragments[k]));
                patches.push_back({std::move(patch), offsetOf(k + 1) - offsetOf(k)});
            }
            finished.notify_all();
        }
        ctx.done(k + 1 < parts ? uint64_t(list[cuts[k + 1]].offset) : bytes.size());
    }
    drain();
    return true;
}

} // namespace

bool readOtlpProto(std::string_view bytes, bool framed, const ReadContext &ctx, Model &out, LoadError &error)
{
    error.file = std::string(ctx.name);
    if (framed)
        return readFramed(bytes, ctx, out, error);
    bool handled = false;
    if (!readParallel(bytes, ctx, out, error, handled))
        return false;
    if (handled)
        return true;
    Decoder decoder(ctx, out, {}, true);
    try {
        decoder.tracesData(bytes, 0);
    } catch (const Malformed &m) {
        error.offset = m.offset;
        error.message = "malformed OTLP protobuf: " + m.message;
        return false;
    }
    if (decoder.cancelled()) {
        error.message = "cancelled";
        return false;
    }
    ctx.done(bytes.size());
    return true;
}

} // namespace causeway::detail
