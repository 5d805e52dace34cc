#pragma once
// Synthetic OTLP/JSON for load benchmarks: realistic shape, chosen size,
// deterministic for a given seed.
//
// Output looks like what the Collector's file exporter or an SDK writes:
// lowercase hex ids, timestamps and intValue as decimal strings, kind and
// status code as numbers. Each batch holds 20-60 traces of 5-50 spans spread
// over 1-4 services; each service of a batch is one ResourceSpans with ~10
// resource attributes and 1-3 scopes. About 10% of spans carry 1-3 links to
// spans of earlier traces (about 1 in 8 of them to a span that is not in the
// output), about 12% carry events, about 2% have status ERROR.
//
// Format::Json writes one TracesData document holding every batch;
// Format::JsonLines writes one ExportTraceServiceRequest per batch per line.
//
// Used by gen_otlp (the command-line generator), bench_load and the tests
// that need generated data (generatedOtlp). Plain C++20.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace causeway::bench {

// splitmix64: tiny, fast and the same sequence on every platform (the
// standard distributions are not portable between library implementations).
class Random
{
public:
    explicit Random(uint64_t seed) : m_state(seed) {}
    uint64_t next()
    {
        uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi].
    uint64_t range(uint64_t lo, uint64_t hi) { return lo + next() % (hi - lo + 1); }
    double unit() { return double(next() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    template<typename T, size_t N>
    const T &pick(const std::array<T, N> &list) { return list[next() % N]; }

private:
    uint64_t m_state;
};

struct GenStats
{
    uint64_t bytes = 0;
    uint64_t spans = 0;
    uint64_t traces = 0;
    uint64_t links = 0;
    uint64_t unresolvedLinks = 0;
    uint64_t events = 0;
    uint64_t lines = 0;
};

class OtlpGenerator
{
public:
    enum class Format { Json, JsonLines };

    OtlpGenerator(Format format, uint64_t seed) : m_format(format), m_rng(seed) { makeServices(); }

    // Writes until at least targetBytes have been written (the last batch
    // completes the size). Returns false on a write error.
    bool write(std::FILE *out, uint64_t targetBytes, GenStats &stats)
    {
        m_out = out;
        m_stats = &stats;
        m_buf.clear();
        m_buf.reserve(kFlushAt + (1 << 20));
        uint64_t time = 1741986000ULL * 1000000000ULL; // 2025-03-14 21:00 UTC
        bool first = true;
        if (m_format == Format::Json)
            m_buf += "{\"resourceSpans\":[";
        while (stats.bytes + m_buf.size() < targetBytes) {
            if (m_format == Format::JsonLines)
                m_buf += "{\"resourceSpans\":[";
            else if (!first)
                m_buf += ',';
            time = batch(time);
            if (m_format == Format::JsonLines) {
                m_buf += "]}\n";
                ++stats.lines;
            }
            first = false;
            if (m_buf.size() >= kFlushAt && !flush())
                return false;
        }
        if (m_format == Format::Json) {
            m_buf += "]}\n";
            stats.lines = 1;
        }
        return flush();
    }

private:
    static constexpr size_t kFlushAt = 4 << 20;

    struct Service
    {
        std::string name;
        std::string resourceJson; // the whole "resource":{...} member
        uint32_t scopeCount = 1;
    };

    struct SpanRef
    {
        std::array<uint8_t, 16> trace;
        std::array<uint8_t, 8> span;
    };

    // One span being built for a batch, before it is written under its service.
    struct Span
    {
        std::array<uint8_t, 16> trace;
        std::array<uint8_t, 8> id;
        std::array<uint8_t, 8> parent;
        bool hasParent = false;
        uint32_t service = 0;
        uint32_t scope = 0;
        uint32_t depth = 0;
        uint64_t start = 0;
        uint64_t end = 0;
        uint8_t kind = 1;
        uint8_t op = 0;            // which operation template
        bool error = false;
    };

    bool flush()
    {
        if (m_buf.empty())
            return true;
        if (std::fwrite(m_buf.data(), 1, m_buf.size(), m_out) != m_buf.size())
            return false;
        m_stats->bytes += m_buf.size();
        m_buf.clear();
        return true;
    }

    template<size_t N>
    void randomId(std::array<uint8_t, N> &id)
    {
        for (size_t i = 0; i < N; i += 8) {
            uint64_t v = m_rng.next();
            std::memcpy(id.data() + i, &v, std::min<size_t>(8, N - i));
        }
    }

    template<size_t N>
    void hex(const std::array<uint8_t, N> &id)
    {
        static constexpr char digits[] = "0123456789abcdef";
        char text[2 * N];
        for (size_t i = 0; i < N; ++i) {
            text[2 * i] = digits[id[i] >> 4];
            text[2 * i + 1] = digits[id[i] & 15];
        }
        m_buf.append(text, 2 * N);
    }

    void number(uint64_t v)
    {
        char text[24];
        int n = std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(v));
        m_buf.append(text, size_t(n));
    }

    void quotedNumber(uint64_t v)
    {
        m_buf += '"';
        number(v);
        m_buf += '"';
    }

    void str(std::string_view key, std::string_view value, bool comma = true)
    {
        if (comma)
            m_buf += ',';
        m_buf += "{\"key\":\"";
        m_buf += key;
        m_buf += "\",\"value\":{\"stringValue\":\"";
        m_buf += value;
        m_buf += "\"}}";
    }

    void integer(std::string_view key, uint64_t value, bool comma = true)
    {
        if (comma)
            m_buf += ',';
        m_buf += "{\"key\":\"";
        m_buf += key;
        m_buf += "\",\"value\":{\"intValue\":";
        quotedNumber(value);
        m_buf += "}}";
    }

    void dbl(std::string_view key, double value, bool comma = true)
    {
        if (comma)
            m_buf += ',';
        char text[40];
        int n = std::snprintf(text, sizeof text, "%.6g", value);
        m_buf += "{\"key\":\"";
        m_buf += key;
        m_buf += "\",\"value\":{\"doubleValue\":";
        m_buf.append(text, size_t(n));
        m_buf += "}}";
    }

    void boolean(std::string_view key, bool value, bool comma = true)
    {
        if (comma)
            m_buf += ',';
        m_buf += "{\"key\":\"";
        m_buf += key;
        m_buf += "\",\"value\":{\"boolValue\":";
        m_buf += value ? "true" : "false";
        m_buf += "}}";
    }

    void makeServices()
    {
        static constexpr std::array<const char *, 24> stems = {
            "checkout", "cart", "catalog", "pricing", "inventory", "payment", "shipping", "notification",
            "search", "recommendation", "user", "auth", "review", "loyalty", "fraud", "invoice",
            "ledger", "warehouse", "returns", "email", "ads", "currency", "tax", "billing"};
        static constexpr std::array<const char *, 4> suffixes = {"-api", "-service", "-worker", "-consumer"};
        static constexpr std::array<const char *, 4> runtimes = {"nodejs", "go", "java", "python"};
        static constexpr std::array<const char *, 4> versions = {"20.18.1", "go1.22.5", "21.0.4", "3.12.4"};
        static constexpr std::array<const char *, 3> regions = {"eu-west-1", "us-east-1", "ap-southeast-2"};
        for (size_t i = 0; i < 48; ++i) {
            Service s;
            s.name = std::string(stems[i % stems.size()]) + suffixes[(i / stems.size() + i) % suffixes.size()];
            if (i >= stems.size()) {
                s.name += '-';
                s.name += std::to_string(i / stems.size() + 1);
            }
            s.scopeCount = uint32_t(1 + i % 3);
            const size_t rt = m_rng.next() % runtimes.size();
            std::string saved;
            saved.swap(m_buf);
            m_buf += "\"resource\":{\"attributes\":[";
            str("service.name", s.name, false);
            str("service.namespace", "shop");
            str("service.version", std::to_string(1 + i % 5) + "." + std::to_string(i % 17) + "." + std::to_string(i % 7));
            std::array<uint8_t, 16> inst;
            randomId(inst);
            m_buf += ",{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"";
            hex(inst);
            m_buf += "\"}}";
            str("deployment.environment.name", "production");
            str("cloud.region", m_rng.pick(regions));
            str("k8s.namespace.name", "shop");
            str("k8s.pod.name", s.name + "-7d9f8b6c5d-" + std::to_string(10000 + m_rng.range(0, 89999)));
            str("host.name", "ip-10-40-" + std::to_string(m_rng.range(1, 254)) + "-" + std::to_string(m_rng.range(1, 254)) + ".compute.internal");
            str("telemetry.sdk.language", runtimes[rt]);
            str("telemetry.sdk.name", "opentelemetry");
            str("process.runtime.version", versions[rt]);
            integer("process.pid", m_rng.range(1, 40000));
            m_buf += "],\"droppedAttributesCount\":0}";
            s.resourceJson.swap(m_buf);
            m_buf.swap(saved);
            m_services.push_back(std::move(s));
        }
    }

    static constexpr std::array<const char *, 3> kScopes = {
        "{\"name\":\"io.opentelemetry.http\",\"version\":\"1.32.0\"}",
        "{\"name\":\"io.opentelemetry.jdbc\",\"version\":\"1.32.0\"}",
        "{\"name\":\"io.opentelemetry.kafka-clients\",\"version\":\"1.32.0\",\"attributes\":[{\"key\":\"otel.scope.origin\",\"value\":{\"stringValue\":\"agent\"}}]}"};

    // Builds the spans of one trace across 1-4 services.
    void makeTrace(std::vector<Span> &spans, uint64_t start)
    {
        std::array<uint8_t, 16> trace;
        randomId(trace);
        const size_t first = spans.size();
        const uint32_t count = uint32_t(5 + (m_rng.range(0, 45) * m_rng.range(0, 45)) / 45); // skewed to small traces
        const uint32_t serviceCount = uint32_t(m_rng.range(1, 4));
        std::array<uint32_t, 4> services{};
        for (uint32_t i = 0; i < serviceCount; ++i)
            services[i] = uint32_t(m_rng.next() % m_services.size());
        const uint64_t total = 2'000'000 + m_rng.range(0, 400'000'000); // 2-400 ms
        for (uint32_t i = 0; i < count; ++i) {
            Span s;
            s.trace = trace;
            randomId(s.id);
            if (i == 0) {
                s.service = services[0];
                s.start = start;
                s.end = start + total;
                // Most traces start at an HTTP server; some at a message consumer.
                const bool consumer = m_rng.chance(0.2);
                s.kind = consumer ? 5 : 2;
                s.op = consumer ? 4 : 0;
            } else {
                // Parent: a recent span, so nesting goes several levels deep.
                const uint32_t back = uint32_t(std::min<uint64_t>(i, 1 + m_rng.range(0, 3)));
                const Span &p = spans[first + i - back];
                s.parent = p.id;
                s.hasParent = true;
                s.depth = p.depth + 1;
                const uint64_t len = p.end - p.start;
                s.start = p.start + m_rng.range(0, len / 2);
                s.end = s.start + 1 + m_rng.range(0, (p.end - s.start) - 1);
                // A client call hands over to another service sometimes.
                if (serviceCount > 1 && m_rng.chance(0.15)) {
                    s.service = services[m_rng.range(1, serviceCount - 1)];
                    s.kind = 2;
                    s.op = 0;
                } else {
                    s.service = p.service;
                    s.kind = uint8_t(m_rng.pick(std::array<uint8_t, 6>{1, 1, 3, 3, 3, 4}));
                    s.op = uint8_t(s.kind == 3 ? 1 + m_rng.range(0, 2) : (s.kind == 4 ? 4 : 5));
                }
            }
            s.scope = s.kind == 2 ? 0 : (s.op == 1 || s.op == 2 ? 1u % m_services[s.service].scopeCount : uint32_t(m_rng.range(0, m_services[s.service].scopeCount - 1)));
            s.error = m_rng.chance(0.02);
            spans.push_back(s);
        }
        m_stats->traces += 1;
    }

    // Writes one span object.
    void writeSpan(const Span &s)
    {
        static constexpr std::array<const char *, 4> methods = {"GET", "GET", "POST", "PUT"};
        static constexpr std::array<const char *, 8> routes = {
            "/api/v1/orders/{id}", "/api/v1/cart", "/api/v1/products", "/api/v1/products/{sku}",
            "/api/v1/users/{id}/profile", "/api/v1/checkout", "/healthz", "/api/v1/search"};
        static constexpr std::array<const char *, 6> tables = {"orders", "order_lines", "customers", "products", "stock_levels", "payments"};
        static constexpr std::array<const char *, 4> topics = {"orders", "payments", "shipments", "user-events"};
        static constexpr std::array<const char *, 5> internals = {
            "OrderService.place", "PriceCalculator.compute", "CartRepository.load", "FraudCheck.evaluate", "TemplateRenderer.render"};

        m_buf += "{\"traceId\":\"";
        hex(s.trace);
        m_buf += "\",\"spanId\":\"";
        hex(s.id);
        if (s.hasParent) {
            m_buf += "\",\"parentSpanId\":\"";
            hex(s.parent);
        }
        m_buf += "\",\"flags\":257,\"name\":\"";
        const char *method = m_rng.pick(methods);
        const char *route = m_rng.pick(routes);
        const char *table = m_rng.pick(tables);
        const char *topic = m_rng.pick(topics);
        switch (s.op) {
        case 0: m_buf += method; m_buf += ' '; m_buf += route; break;
        case 1: m_buf += "SELECT shop."; m_buf += table; break;
        case 2: m_buf += "INSERT shop."; m_buf += table; break;
        case 3: m_buf += method; break;
        case 4: m_buf += topic; m_buf += s.kind == 5 ? " process" : " publish"; break;
        default: m_buf += m_rng.pick(internals); break;
        }
        m_buf += "\",\"kind\":";
        number(s.kind);
        m_buf += ",\"startTimeUnixNano\":";
        quotedNumber(s.start);
        m_buf += ",\"endTimeUnixNano\":";
        quotedNumber(s.end);
        m_buf += ",\"attributes\":[";
        // About six attributes of mixed types, by operation.
        switch (s.op) {
        case 0:
            str("http.request.method", method, false);
            str("http.route", route);
            str("url.path", std::string(route).substr(0, std::string_view(route).find('{')) + std::to_string(m_rng.range(1000, 99999)));
            integer("http.response.status_code", s.error ? 500 : (m_rng.chance(0.05) ? 404 : 200));
            str("client.address", "10.40." + std::to_string(m_rng.range(1, 254)) + "." + std::to_string(m_rng.range(1, 254)));
            integer("http.request.body.size", m_rng.range(0, 4096));
            boolean("http.request.resend", m_rng.chance(0.01));
            break;
        case 1:
        case 2:
            str("db.system", "postgresql", false);
            str("db.namespace", "shop");
            str("db.operation.name", s.op == 1 ? "SELECT" : "INSERT");
            str("db.collection.name", table);
            m_buf += s.op == 1 ? ",{\"key\":\"db.query.text\",\"value\":{\"stringValue\":\"SELECT id, status, total FROM " : ",{\"key\":\"db.query.text\",\"value\":{\"stringValue\":\"INSERT INTO ";
            m_buf += table;
            m_buf += s.op == 1 ? " WHERE id = $1\"}}" : " (id, payload) VALUES ($1, $2)\"}}";
            str("server.address", "shop-db.cluster-c9x2k1.eu-west-1.rds.amazonaws.com");
            integer("server.port", 5432);
            break;
        case 3:
            str("http.request.method", method, false);
            str("url.full", std::string("http://pricing-service.shop.svc.cluster.local:8080/quotes/") + std::to_string(m_rng.range(1, 999999)));
            str("server.address", "pricing-service.shop.svc.cluster.local");
            integer("server.port", 8080);
            integer("http.response.status_code", s.error ? 503 : 200);
            dbl("http.client.request.duration", double(s.end - s.start) / 1e9);
            break;
        case 4:
            str("messaging.system", "kafka", false);
            str("messaging.destination.name", topic);
            str("messaging.operation.type", s.kind == 5 ? "process" : "publish");
            m_buf += ",{\"key\":\"messaging.message.id\",\"value\":{\"stringValue\":\"";
            number(m_rng.next() >> 12);
            m_buf += "\"}}";
            integer("messaging.destination.partition.id", m_rng.range(0, 11));
            integer("messaging.message.body.size", m_rng.range(200, 8000));
            break;
        default:
            str("code.function.name", "handle", false);
            str("shop.order.id", "ord_" + std::to_string(m_rng.range(1000000, 9999999)));
            dbl("shop.order.total", double(m_rng.range(100, 99999)) / 100.0);
            str("shop.currency", "EUR");
            integer("shop.order.item_count", m_rng.range(1, 12));
            boolean("shop.customer.returning", m_rng.chance(0.6));
            break;
        }
        m_buf += "],\"droppedAttributesCount\":0,\"events\":[";
        if (s.error || m_rng.chance(0.1)) {
            const uint32_t n = s.error ? 1 : uint32_t(m_rng.range(1, 2));
            for (uint32_t e = 0; e < n; ++e) {
                if (e)
                    m_buf += ',';
                m_buf += "{\"timeUnixNano\":";
                quotedNumber(s.start + (s.end - s.start) / 2);
                if (s.error) {
                    m_buf += ",\"name\":\"exception\",\"attributes\":[";
                    str("exception.type", "java.net.SocketTimeoutException", false);
                    str("exception.message", "Read timed out after 2000 ms");
                    str("exception.stacktrace", "java.net.SocketTimeoutException: Read timed out\\n\\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)\\n\\tat com.shop.client.PricingClient.quote(PricingClient.java:114)");
                    m_buf += "]";
                } else {
                    m_buf += ",\"name\":\"cache.miss\",\"attributes\":[";
                    str("cache.key", "product:" + std::to_string(m_rng.range(1, 200000)), false);
                    m_buf += "]";
                }
                m_buf += ",\"droppedAttributesCount\":0}";
                ++m_stats->events;
            }
        }
        m_buf += "],\"droppedEventsCount\":0,\"links\":[";
        if (!m_recent.empty() && m_rng.chance(0.10)) {
            const uint32_t n = uint32_t(m_rng.range(1, 3));
            for (uint32_t l = 0; l < n; ++l) {
                SpanRef target = m_recent[m_rng.next() % m_recent.size()];
                if (m_rng.chance(0.125)) { // a producer whose trace was not exported
                    randomId(target.trace);
                    randomId(target.span);
                    ++m_stats->unresolvedLinks;
                }
                if (l)
                    m_buf += ',';
                m_buf += "{\"traceId\":\"";
                hex(target.trace);
                m_buf += "\",\"spanId\":\"";
                hex(target.span);
                m_buf += "\",\"attributes\":[";
                str("messaging.destination.name", topic, false);
                m_buf += "],\"droppedAttributesCount\":0,\"flags\":769}";
                ++m_stats->links;
            }
        }
        m_buf += "],\"droppedLinksCount\":0,\"status\":{";
        if (s.error)
            m_buf += "\"code\":2,\"message\":\"upstream request failed: Read timed out\"";
        m_buf += "}}";
        ++m_stats->spans;
    }

    // One export batch: traces from 20-60 requests, grouped by service and scope.
    uint64_t batch(uint64_t time)
    {
        m_spans.clear();
        const uint32_t traces = uint32_t(m_rng.range(20, 60));
        for (uint32_t t = 0; t < traces; ++t) {
            makeTrace(m_spans, time);
            time += m_rng.range(1'000'000, 50'000'000);
        }
        // Group by (service, scope) with a counting pass; keeps span order within a group.
        m_order.resize(m_spans.size());
        m_keyCounts.assign(m_services.size() * 3 + 1, 0);
        for (const Span &s : m_spans)
            ++m_keyCounts[s.service * 3 + s.scope + 1];
        for (size_t k = 1; k < m_keyCounts.size(); ++k)
            m_keyCounts[k] += m_keyCounts[k - 1];
        for (uint32_t i = 0; i < m_spans.size(); ++i)
            m_order[m_keyCounts[m_spans[i].service * 3 + m_spans[i].scope]++] = i;

        bool firstResource = true;
        size_t i = 0;
        while (i < m_order.size()) {
            const uint32_t service = m_spans[m_order[i]].service;
            if (!firstResource)
                m_buf += ',';
            firstResource = false;
            m_buf += '{';
            m_buf += m_services[service].resourceJson;
            m_buf += ",\"scopeSpans\":[";
            bool firstScope = true;
            while (i < m_order.size() && m_spans[m_order[i]].service == service) {
                const uint32_t scope = m_spans[m_order[i]].scope;
                if (!firstScope)
                    m_buf += ',';
                firstScope = false;
                m_buf += "{\"scope\":";
                m_buf += kScopes[scope];
                m_buf += ",\"spans\":[";
                bool firstSpan = true;
                while (i < m_order.size() && m_spans[m_order[i]].service == service && m_spans[m_order[i]].scope == scope) {
                    if (!firstSpan)
                        m_buf += ',';
                    firstSpan = false;
                    writeSpan(m_spans[m_order[i]]);
                    ++i;
                }
                m_buf += "]}";
            }
            m_buf += "],\"schemaUrl\":\"https://opentelemetry.io/schemas/1.27.0\"}";
        }
        // Later batches link to spans of this one (consumer -> producer, batch -> item).
        for (size_t k = 0; k < m_spans.size(); k += 3) {
            SpanRef ref{m_spans[k].trace, m_spans[k].id};
            if (m_recent.size() < 4096)
                m_recent.push_back(ref);
            else
                m_recent[m_rng.next() % m_recent.size()] = ref;
        }
        return time;
    }

    Format m_format;
    Random m_rng;
    std::FILE *m_out = nullptr;
    GenStats *m_stats = nullptr;
    std::string m_buf;
    std::vector<Service> m_services;
    std::vector<Span> m_spans;
    std::vector<uint32_t> m_order;
    std::vector<uint32_t> m_keyCounts;
    std::vector<SpanRef> m_recent;
};

// What OtlpGenerator writes for these arguments, in memory.
inline std::string generatedOtlp(OtlpGenerator::Format format, uint64_t targetBytes, uint64_t seed)
{
    char *data = nullptr;
    size_t size = 0;
    std::FILE *f = open_memstream(&data, &size);
    if (!f)
        return {};
    GenStats stats;
    OtlpGenerator gen(format, seed);
    gen.write(f, targetBytes, stats);
    std::fclose(f);
    std::string out(data, size);
    std::free(data);
    return out;
}

// "200M", "1.5G", "512k", "1000" -> bytes; 0 on a malformed size.
inline uint64_t parseSize(std::string_view text)
{
    if (text.empty())
        return 0;
    double multiplier = 1;
    switch (text.back()) {
    case 'k': case 'K': multiplier = 1024.0; break;
    case 'm': case 'M': multiplier = 1024.0 * 1024; break;
    case 'g': case 'G': multiplier = 1024.0 * 1024 * 1024; break;
    default: break;
    }
    if (multiplier != 1)
        text.remove_suffix(1);
    std::string s(text);
    char *end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || !(v > 0))
        return 0;
    return uint64_t(v * multiplier);
}

} // namespace causeway::bench
