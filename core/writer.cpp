// Lossless OTLP writers. Spans are grouped back under their resource and
// scope; every field the model keeps is written, so loading the output gives
// the same model.
//
// Both encoders stream one ResourceSpans at a time into a reused buffer
// instead of building a document tree for the whole model.

#include "core/writer.h"

#include <charconv>
#include <cmath>
#include <cstring>

namespace causeway {

namespace {

// ---------------------------------------------------------------- grouping

// Spans grouped by scope and scopes by resource, both in index order, so a
// model read from one file is written back in its original order.
class Grouping
{
public:
    // All resources and scopes (also those without spans) and all spans.
    explicit Grouping(const Model &m) : m_model(m)
    {
        std::vector<uint32_t> all(m.hot.size());
        for (uint32_t i = 0; i < all.size(); ++i)
            all[i] = i;
        build(all);
        for (uint32_t r = 0; r < m.resources.size(); ++r)
            m_resources.push_back(r);
    }
    // Only the given spans and the resources and scopes that hold them.
    Grouping(const Model &m, const std::vector<uint32_t> &spans) : m_model(m)
    {
        std::vector<uint32_t> valid;
        valid.reserve(spans.size());
        for (uint32_t s : spans)
            if (s < m.hot.size())
                valid.push_back(s);
        build(valid);
        for (uint32_t r = 0; r < m.resources.size(); ++r) {
            bool any = false;
            for (uint32_t s : scopes(r))
                any = any || !this->spans(s).empty();
            if (any)
                m_resources.push_back(r);
        }
        m_skipEmptyScopes = true;
    }

    const std::vector<uint32_t> &resources() const { return m_resources; }
    bool skipEmptyScopes() const { return m_skipEmptyScopes; }

    template<typename T>
    struct Slice
    {
        const T *b;
        const T *e;
        const T *begin() const { return b; }
        const T *end() const { return e; }
        bool empty() const { return b == e; }
        size_t size() const { return size_t(e - b); }
    };
    Slice<uint32_t> scopes(uint32_t resource) const
    {
        return {m_scopeOrder.data() + m_scopeOffsets[resource], m_scopeOrder.data() + m_scopeOffsets[resource + 1]};
    }
    Slice<uint32_t> spans(uint32_t scope) const
    {
        return {m_spanOrder.data() + m_spanOffsets[scope], m_spanOrder.data() + m_spanOffsets[scope + 1]};
    }

private:
    void build(const std::vector<uint32_t> &spans)
    {
        const Model &m = m_model;
        m_spanOffsets.assign(m.scopes.size() + 1, 0);
        for (uint32_t s : spans)
            if (m.cold[s].scope < m.scopes.size())
                ++m_spanOffsets[m.cold[s].scope + 1];
        for (size_t i = 1; i < m_spanOffsets.size(); ++i)
            m_spanOffsets[i] += m_spanOffsets[i - 1];
        m_spanOrder.assign(m_spanOffsets.back(), 0);
        std::vector<uint32_t> fill(m_spanOffsets.begin(), m_spanOffsets.end() - 1);
        for (uint32_t s : spans)
            if (m.cold[s].scope < m.scopes.size())
                m_spanOrder[fill[m.cold[s].scope]++] = s;

        m_scopeOffsets.assign(m.resources.size() + 1, 0);
        for (const auto &sc : m.scopes)
            if (sc.resource < m.resources.size())
                ++m_scopeOffsets[sc.resource + 1];
        for (size_t i = 1; i < m_scopeOffsets.size(); ++i)
            m_scopeOffsets[i] += m_scopeOffsets[i - 1];
        m_scopeOrder.assign(m_scopeOffsets.back(), 0);
        fill.assign(m_scopeOffsets.begin(), m_scopeOffsets.end() - 1);
        for (uint32_t s = 0; s < m.scopes.size(); ++s)
            if (m.scopes[s].resource < m.resources.size())
                m_scopeOrder[fill[m.scopes[s].resource]++] = s;
    }

    const Model &m_model;
    std::vector<uint32_t> m_resources;
    std::vector<uint32_t> m_scopeOffsets, m_scopeOrder, m_spanOffsets, m_spanOrder;
    bool m_skipEmptyScopes = false;
};

// ---------------------------------------------------------------- protobuf

// A byte buffer filled from the back. Writing a message's fields in reverse
// order means each nested message's length is known when its header is
// prepended, so every message is encoded once, in one pass.
class BackBuffer
{
public:
    size_t size() const { return m_buf.size() - m_pos; }
    std::string_view view() const { return {m_buf.data() + m_pos, size()}; }
    void clear() { m_pos = m_buf.size(); }

    void bytes(const void *p, size_t n)
    {
        if (n == 0)
            return; // the buffer may still be unallocated: memcpy must not see its null data()
        ensure(n);
        m_pos -= n;
        std::memcpy(m_buf.data() + m_pos, p, n);
    }
    void varint(uint64_t v)
    {
        char tmp[10];
        size_t n = 0;
        while (v >= 0x80) {
            tmp[n++] = char(uint8_t(v) | 0x80);
            v >>= 7;
        }
        tmp[n++] = char(v);
        bytes(tmp, n);
    }
    void tag(uint32_t field, uint32_t wire) { varint(uint64_t(field) << 3 | wire); }

    void varintField(uint32_t field, uint64_t v)
    {
        varint(v);
        tag(field, 0);
    }
    void fixed64Field(uint32_t field, uint64_t v)
    {
        bytes(&v, 8); // little-endian host
        tag(field, 1);
    }
    void fixed32Field(uint32_t field, uint32_t v)
    {
        bytes(&v, 4);
        tag(field, 5);
    }
    void bytesField(uint32_t field, std::string_view s)
    {
        bytes(s.data(), s.size());
        varint(s.size());
        tag(field, 2);
    }
    // Closes a nested message whose content was written since `mark` (a size()).
    void closeMessage(uint32_t field, size_t mark)
    {
        varint(size() - mark);
        tag(field, 2);
    }

private:
    void ensure(size_t n)
    {
        if (m_pos >= n)
            return;
        const size_t used = size();
        const size_t capacity = std::max(m_buf.size() * 2, used + n + 4096);
        std::vector<char> grown(capacity);
        if (used) // an empty buffer's data() may be null, which memcpy must not see
            std::memcpy(grown.data() + capacity - used, m_buf.data() + m_pos, used);
        m_buf.swap(grown);
        m_pos = capacity - used;
    }

    std::vector<char> m_buf;
    size_t m_pos = 0;
};

class ProtoEncoder
{
public:
    explicit ProtoEncoder(const Model &m) : m_m(m) {}

    // One ResourceSpans message's content (without its own tag and length).
    std::string_view resourceSpans(const Grouping &g, uint32_t r)
    {
        m_b.clear();
        const Resource &res = m_m.resources[r];
        stringField(3, res.schemaUrl);
        auto scopes = g.scopes(r);
        for (auto it = scopes.end(); it != scopes.begin();) {
            const uint32_t s = *--it;
            if (g.skipEmptyScopes() && g.spans(s).empty())
                continue;
            scopeSpans(g, s);
        }
        if (!res.attributes.empty() || res.droppedAttributesCount) {
            const size_t mark = m_b.size();
            if (res.droppedAttributesCount)
                m_b.varintField(2, res.droppedAttributesCount);
            attributes(1, res.attributes);
            m_b.closeMessage(1, mark);
        }
        return m_b.view();
    }

private:
    void stringField(uint32_t field, StringId s)
    {
        if (s)
            m_b.bytesField(field, m_m.str(s));
    }

    void scopeSpans(const Grouping &g, uint32_t s)
    {
        const Scope &sc = m_m.scopes[s];
        const size_t mark = m_b.size();
        stringField(3, sc.schemaUrl);
        auto spans = g.spans(s);
        for (auto it = spans.end(); it != spans.begin();)
            span(*--it);
        if (sc.name || sc.version || !sc.attributes.empty() || sc.droppedAttributesCount) {
            const size_t scopeMark = m_b.size();
            if (sc.droppedAttributesCount)
                m_b.varintField(4, sc.droppedAttributesCount);
            attributes(3, sc.attributes);
            stringField(2, sc.version);
            stringField(1, sc.name);
            m_b.closeMessage(1, scopeMark);
        }
        m_b.closeMessage(2, mark);
    }

    void span(uint32_t i)
    {
        const SpanHot &h = m_m.hot[i];
        const SpanCold &c = m_m.cold[i];
        const size_t mark = m_b.size();
        if (c.flags)
            m_b.fixed32Field(16, c.flags);
        if (c.rawStatusCode || c.statusMessage) {
            const size_t statusMark = m_b.size();
            if (c.rawStatusCode)
                m_b.varintField(3, c.rawStatusCode);
            stringField(2, c.statusMessage);
            m_b.closeMessage(15, statusMark);
        }
        if (c.droppedLinksCount)
            m_b.varintField(14, c.droppedLinksCount);
        for (uint32_t l = c.links.end(); l-- > c.links.first;)
            link(m_m.links[l]);
        if (c.droppedEventsCount)
            m_b.varintField(12, c.droppedEventsCount);
        for (uint32_t e = c.events.end(); e-- > c.events.first;)
            event(m_m.events[e]);
        if (c.droppedAttributesCount)
            m_b.varintField(10, c.droppedAttributesCount);
        attributes(9, c.attributes);
        if (h.end)
            m_b.fixed64Field(8, h.end);
        if (h.start)
            m_b.fixed64Field(7, h.start);
        if (c.rawKind)
            m_b.varintField(6, c.rawKind);
        stringField(5, h.name);
        if (!c.parentSpanId.isZero())
            m_b.bytesField(4, {reinterpret_cast<const char *>(c.parentSpanId.bytes.data()), 8});
        stringField(3, c.traceState);
        m_b.bytesField(2, {reinterpret_cast<const char *>(c.spanId.bytes.data()), 8});
        m_b.bytesField(1, {reinterpret_cast<const char *>(c.traceId.bytes.data()), 16});
        m_b.closeMessage(2, mark);
    }

    void event(const Event &e)
    {
        const size_t mark = m_b.size();
        if (e.droppedAttributesCount)
            m_b.varintField(4, e.droppedAttributesCount);
        attributes(3, e.attributes);
        stringField(2, e.name);
        if (e.time)
            m_b.fixed64Field(1, e.time);
        m_b.closeMessage(11, mark);
    }

    void link(const Link &l)
    {
        const size_t mark = m_b.size();
        if (l.flags)
            m_b.fixed32Field(6, l.flags);
        if (l.droppedAttributesCount)
            m_b.varintField(5, l.droppedAttributesCount);
        attributes(4, l.attributes);
        stringField(3, l.traceState);
        m_b.bytesField(2, {reinterpret_cast<const char *>(l.spanId.bytes.data()), 8});
        m_b.bytesField(1, {reinterpret_cast<const char *>(l.traceId.bytes.data()), 16});
        m_b.closeMessage(13, mark);
    }

    // Each attribute as a KeyValue in `field`, in order.
    void attributes(uint32_t field, Range r)
    {
        for (uint32_t a = r.end(); a-- > r.first;) {
            const Attribute &attr = m_m.attributes[a];
            const size_t mark = m_b.size();
            const size_t valueMark = m_b.size();
            anyValueContent(attr.value);
            m_b.closeMessage(2, valueMark);
            stringField(1, attr.key);
            m_b.closeMessage(field, mark);
        }
    }

    // AnyValue fields; a oneof member is written even when it holds its
    // default, so an empty string stays a string and false stays a bool.
    void anyValueContent(const Value &v)
    {
        switch (v.type) {
        case ValueType::Empty:
            break;
        case ValueType::String:
            m_b.bytesField(1, m_m.str(v.str));
            break;
        case ValueType::Bool:
            m_b.varintField(2, v.b ? 1 : 0);
            break;
        case ValueType::Int:
            m_b.varintField(3, uint64_t(v.i));
            break;
        case ValueType::Double: {
            uint64_t bits;
            std::memcpy(&bits, &v.d, 8);
            m_b.fixed64Field(4, bits);
            break;
        }
        case ValueType::Array: {
            const size_t mark = m_b.size();
            for (uint32_t i = v.range.end(); i-- > v.range.first;) {
                const size_t valueMark = m_b.size();
                anyValueContent(m_m.values[i]);
                m_b.closeMessage(1, valueMark);
            }
            m_b.closeMessage(5, mark);
            break;
        }
        case ValueType::KvList: {
            const size_t mark = m_b.size();
            attributes(1, v.range);
            m_b.closeMessage(6, mark);
            break;
        }
        case ValueType::Bytes:
            m_b.bytesField(7, m_m.str(v.str));
            break;
        }
    }

    const Model &m_m;
    BackBuffer m_b;
};

void appendVarint(std::string &out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

// ---------------------------------------------------------------- JSON

class JsonEncoder
{
public:
    JsonEncoder(const Model &m, std::string &out) : m_m(m), m_o(out) {}

    // {"resourceSpans":[ ...the given resources... ]}
    void tracesData(const Grouping &g, const uint32_t *first, const uint32_t *last)
    {
        m_o += "{\"resourceSpans\":[";
        for (auto it = first; it != last; ++it) {
            if (it != first)
                m_o += ',';
            resourceSpans(g, *it);
        }
        m_o += "]}";
    }

    void resourceSpans(const Grouping &g, uint32_t r)
    {
        const Resource &res = m_m.resources[r];
        m_o += "{\"resource\":{\"attributes\":";
        attributes(res.attributes);
        if (res.droppedAttributesCount) {
            m_o += ",\"droppedAttributesCount\":";
            number(res.droppedAttributesCount);
        }
        m_o += "},\"scopeSpans\":[";
        bool firstScope = true;
        for (uint32_t s : g.scopes(r)) {
            auto spans = g.spans(s);
            if (g.skipEmptyScopes() && spans.empty())
                continue;
            if (!firstScope)
                m_o += ',';
            firstScope = false;
            scopeSpans(s, spans);
        }
        m_o += ']';
        if (res.schemaUrl) {
            m_o += ",\"schemaUrl\":";
            string(m_m.str(res.schemaUrl));
        }
        m_o += '}';
    }

private:
    template<typename Spans>
    void scopeSpans(uint32_t s, const Spans &spans)
    {
        const Scope &sc = m_m.scopes[s];
        m_o += "{\"scope\":{\"name\":";
        string(m_m.str(sc.name));
        if (sc.version) {
            m_o += ",\"version\":";
            string(m_m.str(sc.version));
        }
        if (!sc.attributes.empty()) {
            m_o += ",\"attributes\":";
            attributes(sc.attributes);
        }
        if (sc.droppedAttributesCount) {
            m_o += ",\"droppedAttributesCount\":";
            number(sc.droppedAttributesCount);
        }
        m_o += "},\"spans\":[";
        bool first = true;
        for (uint32_t i : spans) {
            if (!first)
                m_o += ',';
            first = false;
            span(i);
        }
        m_o += ']';
        if (sc.schemaUrl) {
            m_o += ",\"schemaUrl\":";
            string(m_m.str(sc.schemaUrl));
        }
        m_o += '}';
    }

    void span(uint32_t i)
    {
        const SpanHot &h = m_m.hot[i];
        const SpanCold &c = m_m.cold[i];
        m_o += "{\"traceId\":";
        hex(c.traceId.bytes.data(), 16);
        m_o += ",\"spanId\":";
        hex(c.spanId.bytes.data(), 8);
        if (c.traceState) {
            m_o += ",\"traceState\":";
            string(m_m.str(c.traceState));
        }
        if (!c.parentSpanId.isZero()) {
            m_o += ",\"parentSpanId\":";
            hex(c.parentSpanId.bytes.data(), 8);
        }
        if (c.flags) {
            m_o += ",\"flags\":";
            number(c.flags);
        }
        m_o += ",\"name\":";
        string(m_m.str(h.name));
        m_o += ",\"kind\":";
        number(c.rawKind);
        m_o += ",\"startTimeUnixNano\":";
        quotedNumber(h.start);
        m_o += ",\"endTimeUnixNano\":";
        quotedNumber(h.end);
        if (!c.attributes.empty()) {
            m_o += ",\"attributes\":";
            attributes(c.attributes);
        }
        if (c.droppedAttributesCount) {
            m_o += ",\"droppedAttributesCount\":";
            number(c.droppedAttributesCount);
        }
        if (!c.events.empty()) {
            m_o += ",\"events\":[";
            for (uint32_t e = c.events.first; e < c.events.end(); ++e) {
                if (e != c.events.first)
                    m_o += ',';
                event(m_m.events[e]);
            }
            m_o += ']';
        }
        if (c.droppedEventsCount) {
            m_o += ",\"droppedEventsCount\":";
            number(c.droppedEventsCount);
        }
        if (!c.links.empty()) {
            m_o += ",\"links\":[";
            for (uint32_t l = c.links.first; l < c.links.end(); ++l) {
                if (l != c.links.first)
                    m_o += ',';
                link(m_m.links[l]);
            }
            m_o += ']';
        }
        if (c.droppedLinksCount) {
            m_o += ",\"droppedLinksCount\":";
            number(c.droppedLinksCount);
        }
        if (c.rawStatusCode || c.statusMessage) {
            m_o += ",\"status\":{";
            bool comma = false;
            if (c.statusMessage) {
                m_o += "\"message\":";
                string(m_m.str(c.statusMessage));
                comma = true;
            }
            if (c.rawStatusCode) {
                m_o += comma ? ",\"code\":" : "\"code\":";
                number(c.rawStatusCode);
            }
            m_o += '}';
        }
        m_o += '}';
    }

    void event(const Event &e)
    {
        m_o += "{\"timeUnixNano\":";
        quotedNumber(e.time);
        m_o += ",\"name\":";
        string(m_m.str(e.name));
        if (!e.attributes.empty()) {
            m_o += ",\"attributes\":";
            attributes(e.attributes);
        }
        if (e.droppedAttributesCount) {
            m_o += ",\"droppedAttributesCount\":";
            number(e.droppedAttributesCount);
        }
        m_o += '}';
    }

    void link(const Link &l)
    {
        m_o += "{\"traceId\":";
        hex(l.traceId.bytes.data(), 16);
        m_o += ",\"spanId\":";
        hex(l.spanId.bytes.data(), 8);
        if (l.traceState) {
            m_o += ",\"traceState\":";
            string(m_m.str(l.traceState));
        }
        if (!l.attributes.empty()) {
            m_o += ",\"attributes\":";
            attributes(l.attributes);
        }
        if (l.droppedAttributesCount) {
            m_o += ",\"droppedAttributesCount\":";
            number(l.droppedAttributesCount);
        }
        if (l.flags) {
            m_o += ",\"flags\":";
            number(l.flags);
        }
        m_o += '}';
    }

    void attributes(Range r)
    {
        m_o += '[';
        for (uint32_t a = r.first; a < r.end(); ++a) {
            if (a != r.first)
                m_o += ',';
            const Attribute &attr = m_m.attributes[a];
            m_o += "{\"key\":";
            string(m_m.str(attr.key));
            m_o += ",\"value\":";
            value(attr.value);
            m_o += '}';
        }
        m_o += ']';
    }

    void value(const Value &v)
    {
        switch (v.type) {
        case ValueType::Empty:
            m_o += "{}";
            break;
        case ValueType::String:
            m_o += "{\"stringValue\":";
            string(m_m.str(v.str));
            m_o += '}';
            break;
        case ValueType::Bool:
            m_o += v.b ? "{\"boolValue\":true}" : "{\"boolValue\":false}";
            break;
        case ValueType::Int: {
            m_o += "{\"intValue\":\"";
            char buf[24];
            auto res = std::to_chars(buf, buf + sizeof buf, v.i);
            m_o.append(buf, res.ptr);
            m_o += "\"}";
            break;
        }
        case ValueType::Double:
            m_o += "{\"doubleValue\":";
            floating(v.d);
            m_o += '}';
            break;
        case ValueType::Array:
            m_o += "{\"arrayValue\":{\"values\":[";
            for (uint32_t i = v.range.first; i < v.range.end(); ++i) {
                if (i != v.range.first)
                    m_o += ',';
                value(m_m.values[i]);
            }
            m_o += "]}}";
            break;
        case ValueType::KvList:
            m_o += "{\"kvlistValue\":{\"values\":";
            attributes(v.range);
            m_o += "}}";
            break;
        case ValueType::Bytes:
            m_o += "{\"bytesValue\":\"";
            m_o += base64Encode(m_m.str(v.str));
            m_o += "\"}";
            break;
        }
    }

    void number(uint64_t v)
    {
        char buf[24];
        auto res = std::to_chars(buf, buf + sizeof buf, v);
        m_o.append(buf, res.ptr);
    }
    void quotedNumber(uint64_t v)
    {
        m_o += '"';
        number(v);
        m_o += '"';
    }
    // Shortest text that reads back to the same double; the protobuf JSON
    // mapping writes the non-finite values as strings.
    void floating(double d)
    {
        if (std::isnan(d)) {
            m_o += "\"NaN\"";
            return;
        }
        if (std::isinf(d)) {
            m_o += d > 0 ? "\"Infinity\"" : "\"-Infinity\"";
            return;
        }
        char buf[40];
        auto res = std::to_chars(buf, buf + sizeof buf, d);
        std::string_view text(buf, size_t(res.ptr - buf));
        m_o += text;
        // Keep it a JSON floating-point literal so "-0" and 1e300 are not read as integers.
        if (text.find_first_of(".eE") == std::string_view::npos)
            m_o += ".0";
    }

    void hex(const uint8_t *p, size_t n)
    {
        static constexpr char digits[] = "0123456789abcdef";
        m_o += '"';
        for (size_t i = 0; i < n; ++i) {
            m_o += digits[p[i] >> 4];
            m_o += digits[p[i] & 15];
        }
        m_o += '"';
    }

    // A JSON string. Bytes that are not valid UTF-8 become U+FFFD: JSON text
    // must be UTF-8 (OTLP strings are required to be).
    void string(std::string_view s)
    {
        m_o += '"';
        size_t i = 0, run = 0;
        auto flush = [&] {
            if (i > run)
                m_o.append(s.data() + run, i - run);
        };
        while (i < s.size()) {
            const auto c = uint8_t(s[i]);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                ++i;
                continue;
            }
            if (c >= 0x80) {
                const size_t n = utf8Length(s, i);
                if (n) {
                    i += n;
                    continue;
                }
                flush();
                m_o += "\xEF\xBF\xBD";
                run = ++i;
                continue;
            }
            flush();
            switch (c) {
            case '"': m_o += "\\\""; break;
            case '\\': m_o += "\\\\"; break;
            case '\n': m_o += "\\n"; break;
            case '\r': m_o += "\\r"; break;
            case '\t': m_o += "\\t"; break;
            case '\b': m_o += "\\b"; break;
            case '\f': m_o += "\\f"; break;
            default: {
                static constexpr char digits[] = "0123456789abcdef";
                m_o += "\\u00";
                m_o += digits[c >> 4];
                m_o += digits[c & 15];
            }
            }
            run = ++i;
        }
        flush();
        m_o += '"';
    }

    // Length of the valid UTF-8 sequence starting at s[i] (a byte >= 0x80), or 0.
    static size_t utf8Length(std::string_view s, size_t i)
    {
        const auto c = uint8_t(s[i]);
        size_t n;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            cp = c & 0x07;
        } else {
            return 0;
        }
        if (i + n > s.size())
            return 0;
        for (size_t k = 1; k < n; ++k) {
            const auto b = uint8_t(s[i + k]);
            if ((b & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (b & 0x3F);
        }
        if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return 0;
        return n;
    }

    const Model &m_m;
    std::string &m_o;
};

constexpr size_t kFlushAt = size_t(1) << 20;

bool flush(std::string &buffer, std::ostream &out, std::string &error)
{
    out.write(buffer.data(), std::streamsize(buffer.size()));
    buffer.clear();
    if (!out) {
        error = "write failed";
        return false;
    }
    return true;
}

} // namespace

bool writeModel(const Model &model, OutputFormat format, std::ostream &out, std::string &error)
{
    const Grouping grouping(model);
    const auto &resources = grouping.resources();
    std::string buffer;
    buffer.reserve(kFlushAt + (kFlushAt >> 2));

    switch (format) {
    case OutputFormat::OtlpProto: {
        ProtoEncoder encoder(model);
        for (uint32_t r : resources) {
            std::string_view message = encoder.resourceSpans(grouping, r);
            buffer.push_back(char(1 << 3 | 2)); // TracesData.resource_spans
            appendVarint(buffer, message.size());
            if (message.size() > kFlushAt) {
                if (!flush(buffer, out, error))
                    return false;
                out.write(message.data(), std::streamsize(message.size()));
            } else {
                buffer.append(message);
            }
            if (buffer.size() >= kFlushAt && !flush(buffer, out, error))
                return false;
        }
        break;
    }
    case OutputFormat::OtlpJson: {
        JsonEncoder encoder(model, buffer);
        buffer += "{\"resourceSpans\":[";
        for (size_t i = 0; i < resources.size(); ++i) {
            if (i)
                buffer += ',';
            encoder.resourceSpans(grouping, resources[i]);
            if (buffer.size() >= kFlushAt && !flush(buffer, out, error))
                return false;
        }
        buffer += "]}\n";
        break;
    }
    case OutputFormat::OtlpJsonLines: {
        // One TracesData per resource and line, as the Collector's file exporter writes.
        JsonEncoder encoder(model, buffer);
        for (uint32_t r : resources) {
            encoder.tracesData(grouping, &r, &r + 1);
            buffer += '\n';
            if (buffer.size() >= kFlushAt && !flush(buffer, out, error))
                return false;
        }
        break;
    }
    }
    if (!flush(buffer, out, error))
        return false;
    out.flush();
    if (!out) {
        error = "write failed";
        return false;
    }
    return true;
}

std::string toOtlpJsonLine(const Model &model, const std::vector<uint32_t> &spans)
{
    const Grouping grouping(model, spans);
    std::string out;
    JsonEncoder encoder(model, out);
    const auto &resources = grouping.resources();
    encoder.tracesData(grouping, resources.data(), resources.data() + resources.size());
    return out;
}

} // namespace causeway
