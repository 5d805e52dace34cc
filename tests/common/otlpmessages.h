#pragma once
// OTLP messages built with libprotobuf from core/proto/otlp_trace.proto, as
// reference input for the hand-written reader and writer: one message that
// sets every field, and seeded random messages.

#include "core/proto/otlp_trace.pb.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>

namespace causeway::test {

namespace pb = opentelemetry::proto::collector::trace::v1;

inline std::string bytesOf(std::initializer_list<int> b)
{
    std::string s;
    for (int x : b)
        s.push_back(char(x));
    return s;
}

inline std::string traceIdBytes(int n) { return bytesOf({0x5b, 0x8e, 0xff, 0xf7, 0x98, 0x03, 0x81, 0x03, 0xd2, 0x69, 0xb6, 0x33, 0x81, 0x3f, 0xc6, n}); }
inline std::string spanIdBytes(int n) { return bytesOf({0xee, 0xe1, 0x9b, 0x7e, 0xc3, 0xc1, 0xb1, n}); }

inline void setString(pb::KeyValue *kv, const char *key, const std::string &value)
{
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

// One TracesData with every field set, two resources, and every AnyValue shape.
inline pb::TracesData richMessage()
{
    pb::TracesData data;
    auto *rs = data.add_resource_spans();
    setString(rs->mutable_resource()->add_attributes(), "service.name", "checkout");
    rs->mutable_resource()->set_dropped_attributes_count(2);
    rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
    auto *ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("io.opentelemetry.contrib.mongodb");
    ss->mutable_scope()->set_version("1.0.0");
    setString(ss->mutable_scope()->add_attributes(), "scope.attr", "x");
    ss->mutable_scope()->set_dropped_attributes_count(3);
    ss->set_schema_url("https://opentelemetry.io/schemas/1.20.0");

    auto *span = ss->add_spans();
    span->set_trace_id(traceIdBytes(1));
    span->set_span_id(spanIdBytes(1));
    span->set_trace_state("vendor=abc");
    span->set_name("POST /orders");
    span->set_kind(pb::Span::SPAN_KIND_SERVER);
    span->set_start_time_unix_nano(1544712660000000000ULL);
    span->set_end_time_unix_nano(1544712661000000000ULL);
    span->set_flags(0x301);
    setString(span->add_attributes(), "http.method", "POST");
    {
        auto *kv = span->add_attributes();
        kv->set_key("b");
        kv->mutable_value()->set_bool_value(false);
        kv = span->add_attributes();
        kv->set_key("i");
        kv->mutable_value()->set_int_value(-42);
        kv = span->add_attributes();
        kv->set_key("d");
        kv->mutable_value()->set_double_value(std::numeric_limits<double>::quiet_NaN());
        kv = span->add_attributes();
        kv->set_key("inf");
        kv->mutable_value()->set_double_value(-std::numeric_limits<double>::infinity());
        kv = span->add_attributes();
        kv->set_key("bytes");
        kv->mutable_value()->set_bytes_value(bytesOf({0, 1, 2, 0xff}));
        kv = span->add_attributes();
        kv->set_key("empty");
        kv->mutable_value();
        kv = span->add_attributes();
        kv->set_key("emptyString");
        kv->mutable_value()->set_string_value("");
        kv = span->add_attributes();
        kv->set_key("array");
        auto *arr = kv->mutable_value()->mutable_array_value();
        arr->add_values()->set_int_value(1);
        arr->add_values()->set_string_value("two");
        auto *inner = arr->add_values()->mutable_array_value();
        inner->add_values()->set_bool_value(true);
        auto *kvl = arr->add_values()->mutable_kvlist_value();
        setString(kvl->add_values(), "nested", "yes");
        auto *deep = kvl->add_values();
        deep->set_key("deeper");
        auto *leaf = deep->mutable_value()->mutable_kvlist_value()->add_values();
        leaf->set_key("leaf");
        leaf->mutable_value(); // present but unset: an empty value
    }
    span->set_dropped_attributes_count(4);
    auto *ev = span->add_events();
    ev->set_time_unix_nano(1544712660500000000ULL);
    ev->set_name("exception");
    setString(ev->add_attributes(), "exception.message", "boom");
    ev->set_dropped_attributes_count(1);
    span->add_events()->set_name("second");
    span->set_dropped_events_count(5);
    auto *link = span->add_links();
    link->set_trace_id(traceIdBytes(2));
    link->set_span_id(spanIdBytes(9));
    link->set_trace_state("rojo=00f067aa0ba902b7");
    setString(link->add_attributes(), "opentracing.ref_type", "follows_from");
    link->set_dropped_attributes_count(6);
    link->set_flags(0x101);
    span->set_dropped_links_count(7);
    span->mutable_status()->set_code(pb::Status::STATUS_CODE_ERROR);
    span->mutable_status()->set_message("payment declined");

    auto *child = ss->add_spans();
    child->set_trace_id(traceIdBytes(1));
    child->set_span_id(spanIdBytes(2));
    child->set_parent_span_id(spanIdBytes(1));
    child->set_name("charge");
    child->set_kind(static_cast<pb::Span::SpanKind>(9)); // unknown kind, kept verbatim
    child->mutable_status()->set_code(static_cast<pb::Status::StatusCode>(5));
    child->set_start_time_unix_nano(1544712660100000000ULL);
    child->set_end_time_unix_nano(1544712660200000000ULL);

    auto *rs2 = data.add_resource_spans();
    setString(rs2->mutable_resource()->add_attributes(), "service.name", "payments");
    auto *ss2 = rs2->add_scope_spans();
    auto *other = ss2->add_spans();
    other->set_trace_id(traceIdBytes(2));
    other->set_span_id(spanIdBytes(9));
    other->set_name("consume");
    other->set_kind(pb::Span::SPAN_KIND_CONSUMER);
    other->set_start_time_unix_nano(1544712670000000000ULL);
    other->set_end_time_unix_nano(1544712671000000000ULL);
    return data;
}

// Random but valid OTLP: every AnyValue shape nested a few levels, UTF-8
// text with quotes, escapes and control characters, extreme numbers, unknown
// enum values, links within and across traces. Same seed, same message.
class RandomTraces
{
public:
    explicit RandomTraces(unsigned seed) : m_rng(seed) {}

    pb::TracesData make(int resources, int spansPerScope)
    {
        pb::TracesData data;
        for (int r = 0; r < resources; ++r) {
            auto *rs = data.add_resource_spans();
            if (chance(0.9)) {
                auto *res = rs->mutable_resource();
                setString(res->add_attributes(), "service.name", "service-" + std::to_string(r));
                attributes(res->mutable_attributes(), 0);
                if (chance(0.3))
                    res->set_dropped_attributes_count(uint32_t(m_rng() % 100));
            }
            if (chance(0.5))
                rs->set_schema_url("https://opentelemetry.io/schemas/1." + std::to_string(m_rng() % 30) + ".0");
            const int scopes = 1 + int(m_rng() % 3);
            for (int s = 0; s < scopes; ++s) {
                auto *ss = rs->add_scope_spans();
                if (chance(0.8)) {
                    auto *scope = ss->mutable_scope();
                    scope->set_name(text());
                    if (chance(0.5))
                        scope->set_version("v" + std::to_string(m_rng() % 10));
                    if (chance(0.3))
                        attributes(scope->mutable_attributes(), 0);
                    if (chance(0.2))
                        scope->set_dropped_attributes_count(uint32_t(m_rng()));
                }
                if (chance(0.3))
                    ss->set_schema_url(text());
                for (int i = 0; i < spansPerScope; ++i)
                    span(ss->add_spans());
            }
        }
        return data;
    }

private:
    bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(m_rng) < p; }

    std::string randomBytes(size_t n)
    {
        std::string s(n, '\0');
        for (auto &c : s)
            c = char(m_rng() & 0xff);
        return s;
    }

    std::string id(size_t n)
    {
        std::string s;
        do
            s = randomBytes(n);
        while (s.find_first_not_of('\0') == std::string::npos);
        return s;
    }

    // Valid UTF-8 with the characters JSON must escape.
    std::string text()
    {
        static const char *pieces[] = {"GET /orders", "\"quoted\"", "back\\slash", "tab\there", "new\nline", "\x01\x1f",
            "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x9a\x80", "</script>", "", " ", "z", "\x7f"};
        std::string s;
        const int n = int(m_rng() % 4);
        for (int i = 0; i < n; ++i)
            s += pieces[m_rng() % (sizeof pieces / sizeof *pieces)];
        return s;
    }

    void value(pb::AnyValue *v, int depth)
    {
        switch (m_rng() % (depth < 3 ? 9 : 7)) {
        case 0: v->set_string_value(text()); break;
        case 1: v->set_bool_value(chance(0.5)); break;
        case 2: {
            static const int64_t ints[] = {0, 1, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 9007199254740993};
            v->set_int_value(chance(0.5) ? ints[m_rng() % 6] : int64_t(m_rng()));
            break;
        }
        case 3: {
            static const double doubles[] = {0.0, -0.0, 1.0, 0.1, 1e300, -1e-300, 5e-324,
                std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                -std::numeric_limits<double>::infinity(), 123456789.125};
            v->set_double_value(chance(0.5) ? doubles[m_rng() % 11] : std::uniform_real_distribution<double>(-1e6, 1e6)(m_rng));
            break;
        }
        case 4: v->set_bytes_value(randomBytes(m_rng() % 20)); break;
        case 5: v->Clear(); break; // an AnyValue with nothing set
        case 6: v->set_string_value(""); break;
        case 7: {
            auto *arr = v->mutable_array_value();
            const int n = int(m_rng() % 4);
            for (int i = 0; i < n; ++i)
                value(arr->add_values(), depth + 1);
            break;
        }
        case 8: {
            auto *kvl = v->mutable_kvlist_value();
            const int n = int(m_rng() % 4);
            for (int i = 0; i < n; ++i) {
                auto *kv = kvl->add_values();
                kv->set_key(text());
                value(kv->mutable_value(), depth + 1);
            }
            break;
        }
        }
    }

    template<typename List>
    void attributes(List *list, int depth)
    {
        const int n = int(m_rng() % 5);
        for (int i = 0; i < n; ++i) {
            auto *kv = list->Add();
            kv->set_key(chance(0.9) ? "key." + std::to_string(i) : text());
            value(kv->mutable_value(), depth);
        }
    }

    void span(pb::Span *s)
    {
        // Half the spans join an earlier trace as children, so parents and
        // links resolve.
        std::string trace = m_traces.empty() || chance(0.5) ? id(16) : m_traces[m_rng() % m_traces.size()];
        std::string self = id(8);
        s->set_trace_id(trace);
        s->set_span_id(self);
        for (size_t i = m_spans.size(); i-- > 0 && m_spans.size() - i < 20;) {
            if (m_traces[i] == trace && chance(0.7)) {
                s->set_parent_span_id(m_spans[i]);
                break;
            }
        }
        if (chance(0.3))
            s->set_trace_state("vendor=" + std::to_string(m_rng() % 1000));
        s->set_name(text());
        s->set_kind(static_cast<pb::Span::SpanKind>(m_rng() % 8));
        const uint64_t start = 1700000000000000000ULL + m_rng() % 1000000000000ULL;
        s->set_start_time_unix_nano(start);
        s->set_end_time_unix_nano(start + m_rng() % 5000000000ULL);
        attributes(s->mutable_attributes(), 0);
        if (chance(0.2))
            s->set_dropped_attributes_count(uint32_t(m_rng() % 10));
        const int events = int(m_rng() % 3);
        for (int i = 0; i < events; ++i) {
            auto *e = s->add_events();
            e->set_time_unix_nano(start + m_rng() % 1000);
            e->set_name(text());
            attributes(e->mutable_attributes(), 0);
            if (chance(0.2))
                e->set_dropped_attributes_count(uint32_t(m_rng() % 10));
        }
        if (chance(0.2))
            s->set_dropped_events_count(uint32_t(m_rng() % 10));
        const int links = m_spans.empty() ? 0 : int(m_rng() % 3);
        for (int i = 0; i < links; ++i) {
            auto *l = s->add_links();
            const size_t target = m_rng() % m_spans.size();
            // Some links point at spans that are not in the data.
            l->set_trace_id(chance(0.8) ? m_traces[target] : id(16));
            l->set_span_id(chance(0.8) ? m_spans[target] : id(8));
            if (chance(0.3))
                l->set_trace_state("rojo=" + std::to_string(m_rng() % 1000));
            attributes(l->mutable_attributes(), 0);
            if (chance(0.2))
                l->set_dropped_attributes_count(uint32_t(m_rng() % 10));
            if (chance(0.3))
                l->set_flags(uint32_t(m_rng()));
        }
        if (chance(0.2))
            s->set_dropped_links_count(uint32_t(m_rng() % 10));
        if (chance(0.5)) {
            s->mutable_status()->set_code(static_cast<pb::Status::StatusCode>(m_rng() % 4));
            if (chance(0.5))
                s->mutable_status()->set_message(text());
        }
        if (chance(0.3))
            s->set_flags(uint32_t(m_rng()));
        m_traces.push_back(trace);
        m_spans.push_back(self);
    }

    std::mt19937_64 m_rng;
    std::vector<std::string> m_traces, m_spans;
};

} // namespace causeway::test
