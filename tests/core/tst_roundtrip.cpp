// Lossless writing: load -> write (OTLP/JSON, JSON Lines, protobuf) -> load
// gives the same model, field for field, for the public samples and for
// generated data exercising every field. The protobuf output is checked
// against libprotobuf, the JSON output against the OTLP JSON mapping.

#include "core/load.h"
#include "core/writer.h"

#include "common/modelcompare.h"
#include "common/otlpmessages.h"
#include "common/testutil.h"

#include <QTest>

#include <nlohmann/json.hpp>
#include <zlib.h>
#include <zstd.h>

#include <cmath>
#include <functional>
#include <sstream>

using namespace causeway;
using namespace causeway::test;

Q_DECLARE_METATYPE(causeway::OutputFormat)

namespace {

const char *formatTag(OutputFormat f)
{
    switch (f) {
    case OutputFormat::OtlpJson: return "json";
    case OutputFormat::OtlpJsonLines: return "jsonl";
    case OutputFormat::OtlpProto: return "proto";
    }
    return "?";
}

std::string write(const Model &m, OutputFormat f)
{
    std::ostringstream out;
    std::string error;
    if (!writeModel(m, f, out, error))
        return "write failed: " + error;
    return out.str();
}

// Loads and finalizes; the error text, empty on success.
std::string load(const std::string &name, std::string_view bytes, Model &m)
{
    const LoadResult r = loadBuffer(name, bytes, m);
    m.finalize();
    return r.ok ? std::string() : r.error.text();
}

std::string diagnosticsText(const Model &m)
{
    std::string out;
    for (const auto &d : m.diagnostics.items())
        out += d.code + ": " + d.message + "\n";
    return out;
}

std::string gzip(std::string_view data)
{
    z_stream zs{};
    deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, uLong(data.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

std::string zstd(std::string_view data)
{
    std::string out(ZSTD_compressBound(data.size()), '\0');
    out.resize(ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3));
    return out;
}

// ---- libprotobuf message vs model ----

class MessageCheck
{
public:
    explicit MessageCheck(const Model &m) : m_m(m) {}

    std::string run(const pb::TracesData &d)
    {
        if (size_t(d.resource_spans_size()) != m_m.resources.size())
            return "resource count";
        uint32_t scope = 0, span = 0;
        for (int r = 0; r < d.resource_spans_size(); ++r) {
            const auto &rs = d.resource_spans(r);
            const Resource &res = m_m.resources[size_t(r)];
            expect(rs.schema_url() == m_m.str(res.schemaUrl), "resource schema url");
            expect(attributes(rs.resource().attributes(), res.attributes), "resource attributes");
            expect(rs.resource().dropped_attributes_count() == res.droppedAttributesCount, "resource dropped");
            for (const auto &ss : rs.scope_spans()) {
                if (scope >= m_m.scopes.size())
                    return "scope count";
                const Scope &sc = m_m.scopes[scope++];
                expect(sc.resource == uint32_t(r), "scope resource");
                expect(ss.scope().name() == m_m.str(sc.name) && ss.scope().version() == m_m.str(sc.version), "scope name");
                expect(attributes(ss.scope().attributes(), sc.attributes), "scope attributes");
                expect(ss.scope().dropped_attributes_count() == sc.droppedAttributesCount, "scope dropped");
                expect(ss.schema_url() == m_m.str(sc.schemaUrl), "scope schema url");
                for (const auto &s : ss.spans()) {
                    if (span >= m_m.hot.size())
                        return "span count";
                    spanCheck(s, span++);
                    if (!m_error.empty())
                        return m_error + " (span " + std::to_string(span - 1) + ")";
                }
            }
        }
        if (scope != m_m.scopes.size() || span != m_m.hot.size())
            return "scope or span count";
        return m_error;
    }

private:
    void expect(bool ok, const char *what)
    {
        if (!ok && m_error.empty())
            m_error = what;
    }

    template<size_t N>
    bool sameId(const std::string &bytes, const Id<N> &id)
    {
        return bytes.size() == N && std::memcmp(bytes.data(), id.bytes.data(), N) == 0;
    }

    void spanCheck(const pb::Span &s, uint32_t i)
    {
        const SpanHot &h = m_m.hot[i];
        const SpanCold &c = m_m.cold[i];
        expect(sameId(s.trace_id(), c.traceId) && sameId(s.span_id(), c.spanId), "span ids");
        expect(c.parentSpanId.isZero() ? s.parent_span_id().empty() : sameId(s.parent_span_id(), c.parentSpanId), "parent");
        expect(s.trace_state() == m_m.str(c.traceState), "trace state");
        expect(s.name() == m_m.str(h.name), "name");
        expect(uint32_t(s.kind()) == c.rawKind, "kind");
        expect(s.start_time_unix_nano() == h.start && s.end_time_unix_nano() == h.end, "times");
        expect(attributes(s.attributes(), c.attributes), "span attributes");
        expect(s.dropped_attributes_count() == c.droppedAttributesCount, "dropped attributes");
        expect(s.dropped_events_count() == c.droppedEventsCount, "dropped events");
        expect(s.dropped_links_count() == c.droppedLinksCount, "dropped links");
        expect(uint32_t(s.status().code()) == c.rawStatusCode && s.status().message() == m_m.str(c.statusMessage), "status");
        expect(s.flags() == c.flags, "flags");
        expect(uint32_t(s.events_size()) == c.events.count, "event count");
        for (int e = 0; m_error.empty() && e < s.events_size(); ++e) {
            const auto &pe = s.events(e);
            const Event &me = m_m.events[c.events.first + uint32_t(e)];
            expect(pe.time_unix_nano() == me.time && pe.name() == m_m.str(me.name), "event");
            expect(attributes(pe.attributes(), me.attributes), "event attributes");
            expect(pe.dropped_attributes_count() == me.droppedAttributesCount, "event dropped");
        }
        expect(uint32_t(s.links_size()) == c.links.count, "link count");
        for (int l = 0; m_error.empty() && l < s.links_size(); ++l) {
            const auto &pl = s.links(l);
            const Link &ml = m_m.links[c.links.first + uint32_t(l)];
            expect(sameId(pl.trace_id(), ml.traceId) && sameId(pl.span_id(), ml.spanId), "link ids");
            expect(pl.trace_state() == m_m.str(ml.traceState) && pl.flags() == ml.flags, "link state/flags");
            expect(attributes(pl.attributes(), ml.attributes), "link attributes");
            expect(pl.dropped_attributes_count() == ml.droppedAttributesCount, "link dropped");
        }
    }

    template<typename List>
    bool attributes(const List &list, Range r)
    {
        if (uint32_t(list.size()) != r.count)
            return false;
        for (uint32_t k = 0; k < r.count; ++k) {
            const Attribute &a = m_m.attributes[r.first + k];
            if (list.Get(int(k)).key() != m_m.str(a.key) || !value(list.Get(int(k)).value(), a.value))
                return false;
        }
        return true;
    }

    bool value(const pb::AnyValue &p, const Value &v)
    {
        switch (v.type) {
        case ValueType::Empty: return p.value_case() == pb::AnyValue::VALUE_NOT_SET;
        case ValueType::String: return p.has_string_value() && p.string_value() == m_m.str(v.str);
        case ValueType::Bool: return p.has_bool_value() && p.bool_value() == v.b;
        case ValueType::Int: return p.has_int_value() && p.int_value() == v.i;
        case ValueType::Double: {
            const double d = p.double_value();
            return p.has_double_value() && (std::isnan(v.d) ? std::isnan(d) : std::memcmp(&v.d, &d, 8) == 0);
        }
        case ValueType::Bytes: return p.has_bytes_value() && p.bytes_value() == m_m.str(v.str);
        case ValueType::Array: {
            if (!p.has_array_value() || uint32_t(p.array_value().values_size()) != v.range.count)
                return false;
            for (uint32_t k = 0; k < v.range.count; ++k)
                if (!value(p.array_value().values(int(k)), m_m.values[v.range.first + k]))
                    return false;
            return true;
        }
        case ValueType::KvList: return p.has_kvlist_value() && attributes(p.kvlist_value().values(), v.range);
        }
        return false;
    }

    const Model &m_m;
    std::string m_error;
};

const char *kPublicOtlp[] = {"otelproto_examples_trace.json", "jaeger_memory_otel_traces_01.json",
    "jaeger_integration_link_attributes_trace.json", "jaegerui_v3_gettrace_jaeger-2.21.0.json"};

} // namespace

class TestRoundTrip : public QObject
{
    Q_OBJECT

    // Writes `a` in `format`, loads the output, and checks it equals `a`;
    // writing the reloaded model again gives the same bytes.
    void roundTrip(const Model &a, OutputFormat format)
    {
        const std::string bytes = write(a, format);
        QVERIFY2(bytes.rfind("write failed", 0) != 0, bytes.c_str());
        Model b;
        const std::string error = load(std::string("out.") + formatTag(format), bytes, b);
        QVERIFY2(error.empty(), error.c_str());
        // Clean output: nothing to repair, only what finalize() derives again.
        for (const auto &d : b.diagnostics.items())
            QVERIFY2(a.diagnostics.count(*findDiagnosticCode(d.code)) == d.count, diagnosticsText(b).c_str());
        const std::string diff = compareModels(a, b);
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(write(b, format) == bytes);
    }

private slots:
    void publicSamples_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<OutputFormat>("format");
        for (const char *file : kPublicOtlp)
            for (OutputFormat f : {OutputFormat::OtlpJson, OutputFormat::OtlpJsonLines, OutputFormat::OtlpProto})
                QTest::newRow(qPrintable(QStringLiteral("%1_%2").arg(QString::fromUtf8(file), QString::fromUtf8(formatTag(f)))))
                    << QString::fromUtf8(file) << f;
    }
    void publicSamples()
    {
        QFETCH(QString, file);
        QFETCH(OutputFormat, format);
        Model a;
        const LoadResult r = loadFiles({publicSample(file.toUtf8().constData())}, a);
        QVERIFY2(r.ok, r.error.text().c_str());
        QVERIFY(a.spanCount() > 0);
        roundTrip(a, format);
    }

    void generated_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<OutputFormat>("format");
        for (int seed : {0, 1, 2, 3, 4})
            for (OutputFormat f : {OutputFormat::OtlpJson, OutputFormat::OtlpJsonLines, OutputFormat::OtlpProto})
                QTest::newRow(qPrintable(QStringLiteral("%1_%2").arg(seed == 0 ? QStringLiteral("rich") : QStringLiteral("random%1").arg(seed),
                                  QString::fromUtf8(formatTag(f)))))
                    << seed << f;
    }
    // Seed 0 is the message that sets every field; others are random data.
    void generated()
    {
        QFETCH(int, seed);
        QFETCH(OutputFormat, format);
        const pb::TracesData message = seed == 0 ? richMessage() : RandomTraces(unsigned(seed)).make(2 + seed, 40 * seed);
        Model a;
        const std::string error = load("generated.pb", message.SerializeAsString(), a);
        QVERIFY2(error.empty(), error.c_str());
        QVERIFY2(a.diagnostics.empty(), diagnosticsText(a).c_str());
        QVERIFY(a.spanCount() > 0);
        roundTrip(a, format);
    }

    // The writer's protobuf is what libprotobuf writes for the same message.
    void protoBytesMatchLibprotobuf()
    {
        const std::string reference = richMessage().SerializeAsString();
        Model m;
        QVERIFY(load("rich.pb", reference, m).empty());
        const std::string ours = write(m, OutputFormat::OtlpProto);
        QCOMPARE(ours.size(), reference.size());
        QVERIFY(ours == reference);
    }

    // libprotobuf parses the writer's bytes and finds the model's values.
    void protoParsesWithLibprotobuf_data()
    {
        QTest::addColumn<int>("seed");
        for (int seed : {0, 5, 6, 7})
            QTest::newRow(qPrintable(QStringLiteral("seed%1").arg(seed))) << seed;
    }
    void protoParsesWithLibprotobuf()
    {
        QFETCH(int, seed);
        const pb::TracesData message = seed == 0 ? richMessage() : RandomTraces(unsigned(seed)).make(4, 100);
        Model m;
        QVERIFY(load("in.pb", message.SerializeAsString(), m).empty());
        const std::string ours = write(m, OutputFormat::OtlpProto);
        pb::TracesData parsed;
        QVERIFY(parsed.ParseFromString(ours));
        const std::string problem = MessageCheck(m).run(parsed);
        QVERIFY2(problem.empty(), problem.c_str());
        // Canonical encoding: libprotobuf writes the parsed message back byte for byte.
        QVERIFY(parsed.SerializeAsString() == ours);
    }

    // The OTLP JSON mapping: lowerCamelCase keys, lowercase hex ids, 64-bit
    // integers as strings, enums as integers, bytes as base64, NaN and
    // Infinity as strings.
    void jsonMapping()
    {
        Model m;
        QVERIFY(load("rich.pb", richMessage().SerializeAsString(), m).empty());
        const std::string text = write(m, OutputFormat::OtlpJson);
        QCOMPARE(std::count(text.begin(), text.end(), '\n'), std::ptrdiff_t(1));
        const auto doc = nlohmann::json::parse(text);
        const auto &rs = doc.at("resourceSpans").at(0);
        QCOMPARE(rs.at("schemaUrl").get<std::string>(), std::string("https://opentelemetry.io/schemas/1.21.0"));
        QCOMPARE(rs.at("resource").at("droppedAttributesCount").get<int>(), 2);
        const auto &ss = rs.at("scopeSpans").at(0);
        QCOMPARE(ss.at("scope").at("name").get<std::string>(), std::string("io.opentelemetry.contrib.mongodb"));
        const auto &span = ss.at("spans").at(0);
        QCOMPARE(span.at("traceId").get<std::string>(), std::string("5b8efff798038103d269b633813fc601"));
        QCOMPARE(span.at("spanId").get<std::string>(), std::string("eee19b7ec3c1b101"));
        QCOMPARE(span.at("kind").get<int>(), 2);
        QCOMPARE(span.at("startTimeUnixNano").get<std::string>(), std::string("1544712660000000000"));
        QCOMPARE(span.at("flags").get<int>(), 0x301);
        QCOMPARE(span.at("status").at("code").get<int>(), 2);
        QCOMPARE(span.at("status").at("message").get<std::string>(), std::string("payment declined"));
        QCOMPARE(span.at("droppedLinksCount").get<int>(), 7);
        const auto &attrs = span.at("attributes");
        auto valueOf = [&](const char *key) {
            for (const auto &a : attrs)
                if (a.at("key") == key)
                    return a.at("value");
            return nlohmann::json();
        };
        QCOMPARE(valueOf("i").at("intValue").get<std::string>(), std::string("-42"));
        QCOMPARE(valueOf("b").at("boolValue").get<bool>(), false);
        QCOMPARE(valueOf("d").at("doubleValue").get<std::string>(), std::string("NaN"));
        QCOMPARE(valueOf("inf").at("doubleValue").get<std::string>(), std::string("-Infinity"));
        QCOMPARE(valueOf("bytes").at("bytesValue").get<std::string>(), std::string("AAEC/w=="));
        QVERIFY(valueOf("empty").is_object() && valueOf("empty").empty());
        QCOMPARE(valueOf("emptyString").at("stringValue").get<std::string>(), std::string());
        const nlohmann::json array = valueOf("array");
        const auto &arr = array.at("arrayValue").at("values");
        QCOMPARE(arr.size(), size_t(4));
        QCOMPARE(arr.at(2).at("arrayValue").at("values").at(0).at("boolValue").get<bool>(), true);
        QCOMPARE(arr.at(3).at("kvlistValue").at("values").at(0).at("key").get<std::string>(), std::string("nested"));
        const auto &link = span.at("links").at(0);
        QCOMPARE(link.at("traceState").get<std::string>(), std::string("rojo=00f067aa0ba902b7"));
        QCOMPARE(link.at("flags").get<int>(), 0x101);
        QCOMPARE(span.at("events").at(0).at("timeUnixNano").get<std::string>(), std::string("1544712660500000000"));
        // The unknown kind is written as its number.
        QCOMPARE(ss.at("spans").at(1).at("kind").get<int>(), 9);
        QCOMPARE(ss.at("spans").at(1).at("parentSpanId").get<std::string>(), std::string("eee19b7ec3c1b101"));
    }

    // The Collector file exporter writes one TracesData per line.
    void jsonLinesOneResourcePerLine()
    {
        Model m;
        QVERIFY(load("r.pb", RandomTraces(11).make(5, 10).SerializeAsString(), m).empty());
        const std::string text = write(m, OutputFormat::OtlpJsonLines);
        QCOMPARE(sniffFormat(text), Format::OtlpJsonLines);
        std::istringstream lines(text);
        std::string line;
        size_t count = 0;
        while (std::getline(lines, line)) {
            const auto doc = nlohmann::json::parse(line);
            QCOMPARE(doc.at("resourceSpans").size(), size_t(1));
            ++count;
        }
        QCOMPARE(count, m.resources.size());
    }

    // One resource gives one line, which the loader sniffs as a plain JSON
    // document; it loads to the same model either way.
    void jsonLinesSingleResource()
    {
        Model m;
        QVERIFY(load("r.pb", RandomTraces(12).make(1, 10).SerializeAsString(), m).empty());
        const std::string text = write(m, OutputFormat::OtlpJsonLines);
        QCOMPARE(std::count(text.begin(), text.end(), '\n'), std::ptrdiff_t(1));
        QCOMPARE(sniffFormat(text), Format::OtlpJson);
        roundTrip(m, OutputFormat::OtlpJsonLines);
    }

    void toOtlpJsonLineHoldsExactlyTheSpans()
    {
        Model m;
        QVERIFY(load("r.pb", RandomTraces(13).make(3, 30).SerializeAsString(), m).empty());
        QVERIFY(m.traces.size() > 2);
        // The spans of one trace spread over several resources.
        uint32_t pick = 0;
        for (uint32_t t = 0; t < m.traces.size(); ++t)
            if (m.traces[t].spans.count > m.traces[pick].spans.count)
                pick = t;
        const Trace &trace = m.traces[pick];
        std::vector<uint32_t> spans(m.traceSpans.begin() + trace.spans.first, m.traceSpans.begin() + trace.spans.end());
        QVERIFY(spans.size() > 1);
        const std::string line = toOtlpJsonLine(m, spans);
        QVERIFY(line.find('\n') == std::string::npos);
        QVERIFY(!nlohmann::json::parse(line).at("resourceSpans").empty());

        Model sub;
        const std::string error = load("line.json", line, sub);
        QVERIFY2(error.empty(), error.c_str());
        QCOMPARE(sub.spanCount(), spans.size());
        QCOMPARE(sub.traces.size(), size_t(1));
        for (uint32_t i = 0; i < sub.spanCount(); ++i) {
            const uint32_t orig = m.findSpan(sub.cold[i].traceId, sub.cold[i].spanId);
            QVERIFY(orig != kNone);
            QCOMPARE(sub.str(sub.hot[i].name), m.str(m.hot[orig].name));
            QCOMPARE(sub.str(sub.hot[i].service), m.str(m.hot[orig].service));
            QCOMPARE(sub.hot[i].start, m.hot[orig].start);
            QCOMPARE(sub.cold[i].links.count, m.cold[orig].links.count);
            QCOMPARE(sub.cold[i].attributes.count, m.cold[orig].attributes.count);
            QCOMPARE(sub.str(sub.scopes[sub.cold[i].scope].name), m.str(m.scopes[m.cold[orig].scope].name));
        }
        QCOMPARE(toOtlpJsonLine(m, {}), std::string("{\"resourceSpans\":[]}"));
    }

    // Compressed output (as users gzip or zstd their exports) loads the same.
    void compressedOutput()
    {
        Model a;
        QVERIFY(load("r.pb", RandomTraces(14).make(3, 50).SerializeAsString(), a).empty());
        for (OutputFormat f : {OutputFormat::OtlpJson, OutputFormat::OtlpProto}) {
            const std::string bytes = write(a, f);
            for (const std::string &packed : {gzip(bytes), zstd(bytes)}) {
                Model b;
                const std::string error = load("packed", packed, b);
                QVERIFY2(error.empty(), error.c_str());
                const std::string diff = compareModels(a, b);
                QVERIFY2(diff.empty(), diff.c_str());
            }
        }
    }

    // Values cut at the nesting limit are cut the same way by both readers.
    void deepValues()
    {
        pb::TracesData data;
        auto *s = data.add_resource_spans()->add_scope_spans()->add_spans();
        s->set_trace_id(traceIdBytes(1));
        s->set_span_id(spanIdBytes(1));
        auto *kv = s->add_attributes();
        kv->set_key("deep");
        pb::AnyValue *v = kv->mutable_value();
        for (int i = 0; i < 100; ++i)
            v = i % 2 ? v->mutable_array_value()->add_values() : [&] {
                auto *e = v->mutable_kvlist_value()->add_values();
                e->set_key("k");
                return e->mutable_value();
            }();
        v->set_int_value(7);
        Model a;
        QVERIFY(load("deep.pb", data.SerializeAsString(), a).empty());
        QCOMPARE(a.diagnostics.count(diag::ValueTooDeep), uint64_t(1));
        a.diagnostics.clear();
        for (OutputFormat f : {OutputFormat::OtlpJson, OutputFormat::OtlpProto})
            roundTrip(a, f);
    }

    // JSON text must be UTF-8: bytes that are not become U+FFFD (protobuf
    // string fields are required to be UTF-8 too, so this is repair of bad
    // input, not loss of good data).
    void invalidUtf8BecomesReplacementCharacter()
    {
        pb::TracesData data;
        auto *s = data.add_resource_spans()->add_scope_spans()->add_spans();
        s->set_trace_id(traceIdBytes(1));
        s->set_span_id(spanIdBytes(1));
        s->set_name("bad @@ end @");
        // libprotobuf refuses to write invalid UTF-8 into a string field: patch the bytes in.
        std::string bytes = data.SerializeAsString();
        const size_t at = bytes.find("bad @@ end @");
        QVERIFY(at != std::string::npos);
        bytes[at + 4] = '\xff';
        bytes[at + 5] = '\xfe';
        bytes[at + 11] = '\xc3';
        Model a;
        QVERIFY(load("bad.pb", bytes, a).empty());
        const std::string text = write(a, OutputFormat::OtlpJson);
        const auto doc = nlohmann::json::parse(text);
        QCOMPARE(doc.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).at("name").get<std::string>(),
            std::string("bad \xEF\xBF\xBD\xEF\xBF\xBD end \xEF\xBF\xBD"));
        // Protobuf output keeps the bytes as they were.
        Model b;
        QVERIFY(load("out.pb", write(a, OutputFormat::OtlpProto), b).empty());
        QCOMPARE(std::string(b.str(b.hot[0].name)), std::string("bad \xff\xfe end \xc3", 12));
    }

    // Large protobuf input is decoded by several threads in shares; the
    // result is the model one thread gives.
    void parallelProtoDecodingMatchesSequential()
    {
        std::string bytes;
        // 20 MB: enough pieces of 4 MB that the threads decode into models
        // already merged and handed back.
        for (unsigned seed = 100; bytes.size() < (size_t(20) << 20); ++seed)
            bytes += RandomTraces(seed).make(20, 60).SerializeAsString(); // concatenated TracesData is one TracesData
        Model one;
        LoadOptions sequential;
        sequential.threads = 1;
        LoadOptions parallel;
        parallel.threads = 4;
        LoadResult r = loadBuffer("big.pb", bytes, one, sequential);
        QVERIFY2(r.ok, r.error.text().c_str());
        one.finalize();
        QVERIFY(one.spanCount() > 10000);
        // Two threads: a smaller first share and pieces merged as they come;
        // four: three threads take the pieces in turn.
        for (unsigned threads : {2u, 4u}) {
            Model many;
            LoadOptions options;
            options.threads = threads;
            r = loadBuffer("big.pb", bytes, many, options);
            QVERIFY2(r.ok, r.error.text().c_str());
            many.finalize();
            const std::string diff = compareModels(one, many);
            QVERIFY2(diff.empty(), (std::to_string(threads) + " threads: " + diff).c_str());
            QCOMPARE(diagnosticsText(one), diagnosticsText(many));
            // The same string ids too (the comparison above reads text): the
            // pieces are merged in input order whatever thread decoded them.
            const std::string ids = compareStringIds(one, many);
            QVERIFY2(ids.empty(), (std::to_string(threads) + " threads: " + ids).c_str());
        }

        // Damage inside a late resource is still fatal, with its offset.
        std::string damaged = bytes;
        const size_t at = damaged.size() - 100;
        damaged[at] = char(0x0f); // wire type 7 does not exist
        Model broken;
        r = loadBuffer("big.pb", damaged, broken, parallel);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("malformed OTLP protobuf") == 0, r.error.message.c_str());
    }

    // A large JSON Lines file goes through worker fragments that are reused
    // batch after batch and a model whose pools are reserved from the first
    // part: the same model as one thread gives, nothing of one batch left in
    // the next (strings, diagnostics), damaged lines reported where they are.
    void threadedJsonLinesMatchSequential()
    {
        std::string lines;
        for (unsigned seed = 300; lines.size() < (size_t(14) << 20); ++seed) {
            Model part;
            QVERIFY(load("part.pb", RandomTraces(seed).make(10, 40).SerializeAsString(), part).empty());
            lines += write(part, OutputFormat::OtlpJsonLines);
        }
        // Damage a line early (inside the first batch), one in the middle and the last one.
        auto lineStart = [&](size_t at) { return lines.rfind('\n', at) + 1; };
        const size_t early = lineStart(lines.size() / 40), middle = lineStart(lines.size() / 2);
        lines.insert(middle, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}\n");
        lines.insert(early, "{\"resourceSpans\": [\n");
        lines += "{\"resourceSpans\":[{";
        Model one, two, four;
        LoadOptions sequential;
        sequential.threads = 1;
        LoadOptions parallel;
        parallel.threads = 2;
        LoadOptions wider;
        wider.threads = 4;
        LoadResult r = loadBuffer("big.jsonl", lines, one, sequential);
        QVERIFY2(r.ok, r.error.text().c_str());
        r = loadBuffer("big.jsonl", lines, two, parallel);
        QVERIFY2(r.ok, r.error.text().c_str());
        r = loadBuffer("big.jsonl", lines, four, wider);
        QVERIFY2(r.ok, r.error.text().c_str());
        one.finalize();
        two.finalize();
        four.finalize();
        QVERIFY(one.spanCount() > 10000);
        for (const Model *many : {&two, &four}) {
            const std::string diff = compareModels(one, *many);
            QVERIFY2(diff.empty(), diff.c_str());
            QCOMPARE(diagnosticsText(one), diagnosticsText(*many));
            // The same string ids too: the fragments are merged in input
            // order whatever thread parsed them.
            QCOMPARE(QString::fromStdString(test::compareStringIds(one, *many)), QString());
        }
        for (const Model *m : {&one, &two, &four}) {
            QCOMPARE(m->diagnostics.count(diag::JsonLineInvalid), uint64_t(2));
            QCOMPARE(m->diagnostics.count(diag::SpanBadTraceId), uint64_t(1));
            const Diagnostic *bad = m->diagnostics.find(diag::JsonLineInvalid);
            const auto earlyLine = uint64_t(std::count(lines.begin(), lines.begin() + std::ptrdiff_t(early), '\n')) + 1;
            QVERIFY2(bad->message.find("big.jsonl: line " + std::to_string(earlyLine) + ": ") == 0, bad->message.c_str());
        }
    }

    // The comparison itself notices a change anywhere, down to a nested value.
    void compareDetectsDifferences()
    {
        const std::string bytes = richMessage().SerializeAsString();
        auto mutateAndCompare = [&](const std::function<void(Model &)> &change) {
            Model a, b;
            load("a.pb", bytes, a);
            load("b.pb", bytes, b);
            change(b);
            return compareModels(a, b);
        };
        QCOMPARE(mutateAndCompare([](Model &) {}), std::string());
        const std::string nested = mutateAndCompare([](Model &m) {
            for (auto &v : m.values)
                if (v.type == ValueType::Bool)
                    v.b = !v.b;
        });
        QVERIFY2(nested.find("attributes") != std::string::npos && nested.find("(array)") != std::string::npos, nested.c_str());
        QVERIFY(!mutateAndCompare([](Model &m) { m.links[0].flags ^= 1; }).empty());
        QVERIFY(!mutateAndCompare([](Model &m) { m.events[1].name = m.strings.intern("other"); }).empty());
        QVERIFY(!mutateAndCompare([](Model &m) { m.scopes[0].schemaUrl = 0; }).empty());
        QVERIFY(!mutateAndCompare([](Model &m) { m.cold[1].rawKind = 3; }).empty());
        QVERIFY(!mutateAndCompare([](Model &m) { m.resources[1].droppedAttributesCount = 1; }).empty());
    }

    void writeErrorIsReported()
    {
        Model m;
        QVERIFY(load("rich.pb", richMessage().SerializeAsString(), m).empty());
        std::ostringstream out;
        out.setstate(std::ios::badbit);
        std::string error;
        QVERIFY(!writeModel(m, OutputFormat::OtlpProto, out, error));
        QCOMPARE(error, std::string("write failed"));
    }
};

QTEST_GUILESS_MAIN(TestRoundTrip)
#include "tst_roundtrip.moc"
