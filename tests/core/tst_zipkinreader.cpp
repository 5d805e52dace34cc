// The Zipkin v2 JSON reader on Zipkin's own test data (zipkin-lens
// testdata): counts worked out from the files, shared client/server spans,
// endpoints and annotations as the Collector maps them, the round trip
// through OTLP, gzip, and damaged input.

#include "core/load.h"
#include "core/writer.h"

#include "common/modelcompare.h"
#include "common/testutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>
#include <zlib.h>

using namespace causeway;
using namespace causeway::test;

namespace {

std::string foreign(const char *name) { return testData("foreign/") + name; }

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string gzip(std::string_view data)
{
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
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

LoadResult loadText(std::string_view text, Model &m, std::string_view name = "zipkin.json")
{
    LoadResult r = loadBuffer(name, text, m);
    m.finalize();
    return r;
}

uint32_t spanWith(const Model &m, std::string_view name, std::string_view service)
{
    for (uint32_t i = 0; i < m.spanCount(); ++i)
        if (m.str(m.hot[i].name) == name && m.str(m.hot[i].service) == service)
            return i;
    return kNone;
}

const Attribute *attr(const Model &m, Range r, std::string_view key)
{
    for (uint32_t i = r.first; i < r.end(); ++i)
        if (m.str(m.attributes[i].key) == key)
            return &m.attributes[i];
    return nullptr;
}

size_t count(const Model &m, bool (*pred)(const SpanHot &))
{
    size_t n = 0;
    for (const auto &h : m.hot)
        n += pred(h);
    return n;
}

std::string span(const char *traceId, const char *id, const char *extra = "")
{
    return std::string(R"({"traceId":")") + traceId + R"(","id":")" + id + R"(","name":"n-)" + id
        + R"(","timestamp":1000,"duration":10,"localEndpoint":{"serviceName":"svc"})" + extra + "}";
}

} // namespace

class TestZipkinReader : public QObject
{
    Q_OBJECT

private slots:
    void sniffed()
    {
        QCOMPARE(sniffFormat(readAll(publicSample("zipkin_v2_lens_skew.json"))), Format::ZipkinJson);
        QCOMPARE(sniffFormat(readAll(foreign("zipkin_lens_yelp.json"))), Format::ZipkinJson);
        QCOMPARE(sniffFormat("[]"), Format::ZipkinJson);
        QCOMPARE(sniffFormat("[[" + span("a", "b") + "]]"), Format::ZipkinJson);
    }

    // Counts worked out from the files: spans, traces, spans with a loaded
    // parent, error spans (an `error` tag), events (annotations), and shared
    // server spans given an id of their own.
    void realFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("spans");
        QTest::addColumn<int>("withParent");
        QTest::addColumn<int>("errorSpans");
        QTest::addColumn<int>("events");
        QTest::addColumn<int>("shared");
        QTest::addColumn<int>("services");
        QTest::newRow("skew") << QString::fromStdString(publicSample("zipkin_v2_lens_skew.json")) << 4 << 3 << 0 << 0 << 1 << 2;
        // Four shared server spans; three share their id with a client span (the root has none).
        QTest::newRow("yelp") << QString::fromStdString(foreign("zipkin_lens_yelp.json")) << 16 << 15 << 0 << 1 << 3 << 6;
        QTest::newRow("messaging-kafka") << QString::fromStdString(foreign("zipkin_lens_messaging-kafka.json")) << 28 << 27 << 3 << 0 << 0 << 2;
        // Envoy's one shared server span, without a service name.
        QTest::newRow("envoy") << QString::fromStdString(foreign("zipkin_lens_envoy.json")) << 1 << 0 << 0 << 0 << 0 << 0;
    }
    void realFiles()
    {
        QFETCH(QString, file);
        QFETCH(int, spans);
        QFETCH(int, withParent);
        QFETCH(int, errorSpans);
        QFETCH(int, events);
        QFETCH(int, shared);
        QFETCH(int, services);
        Model m;
        const LoadResult r = loadFiles({file.toStdString()}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(int(m.spanCount()), spans);
        QCOMPARE(int(m.traces.size()), 1);
        QCOMPARE(int(count(m, [](const SpanHot &h) { return h.parent != kNone; })), withParent);
        QCOMPARE(int(count(m, [](const SpanHot &h) { return h.status == StatusCode::Error; })), errorSpans);
        QCOMPARE(int(m.events.size()), events);
        QCOMPARE(int(m.links.size()), 0);
        QCOMPARE(int(m.diagnostics.count(diag::ZipkinSharedSpan)), shared);
        QCOMPARE(int(m.diagnostics.count(diag::SpanDuplicate)), 0);
        QCOMPARE(int(m.traces[0].services.count), services);
        QCOMPARE(m.traces[0].rootCount, 1u);
    }

    // The shared server span of skew.json is kept: a child of its client span,
    // and the parent of the span that named the shared id.
    void sharedSpan()
    {
        Model m;
        const LoadResult r = loadFiles({publicSample("zipkin_v2_lens_skew.json")}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        const uint32_t client = spanWith(m, "post", "servicea");
        const uint32_t server = spanWith(m, "post", "serviceb");
        const uint32_t async = spanWith(m, "async", "serviceb");
        const uint32_t root = spanWith(m, "get", "servicea");
        QVERIFY(client != kNone && server != kNone && async != kNone && root != kNone);
        QCOMPARE(m.hot[client].kind, SpanKind::Client);
        QCOMPARE(m.hot[server].kind, SpanKind::Server);
        QCOMPARE(m.cold[client].spanId.hex(), std::string("74280ae0c10d8062"));
        QCOMPARE(m.cold[server].spanId.hex(), std::string("bf396325699c84c0")); // the trace's largest id plus one
        QCOMPARE(m.hot[server].parent, client);
        QCOMPARE(m.hot[async].parent, server);
        QCOMPARE(m.hot[client].parent, root);
        QCOMPARE(m.hot[root].parent, kNone);
        QCOMPARE(m.cold[root].traceId.hex(), std::string("00000000000000001e223ff1f80f1c69"));
        QCOMPARE(m.hot[root].start, uint64_t(1470150004071068000ULL));
        QCOMPARE(m.hot[root].end - m.hot[root].start, uint64_t(99411000));
        const Attribute *ip = attr(m, m.cold[server].attributes, "net.host.ip");
        QVERIFY(ip && m.str(ip->value.str) == "192.0.0.0");
        const Diagnostic *d = m.diagnostics.find(diag::ZipkinSharedSpan);
        QVERIFY(d && d->severity == Severity::Info);
        QVERIFY2(d->message.find("zipkin_v2_lens_skew.json: byte 281: ") != std::string::npos, d->message.c_str());
    }

    // Tags, status, kind, endpoints and annotations as the Collector maps them.
    void mapping()
    {
        const std::string text = "[" + span("463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312",
            R"(,"parentId":"0000000000000001","kind":"CLIENT","remoteEndpoint":{"serviceName":"db","ipv6":"::1","port":5432},)"
            R"("localEndpoint":{"serviceName":"svc","ipv4":"10.0.0.1","port":8080},)"
            R"("tags":{"error":"timeout","http.method":"GET","otel.scope.name":"lib","w3c.tracestate":"k=v"},)"
            R"("annotations":[{"timestamp":1005,"value":"ws"},{"timestamp":1009,"value":"wr"}])") + "]";
        Model m;
        const LoadResult r = loadText(text, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        const SpanCold &c = m.cold[0];
        QCOMPARE(c.traceId.hex(), std::string("463ac35c9f6413ad48485a3953bb6124"));
        QCOMPARE(m.hot[0].kind, SpanKind::Client);
        QCOMPARE(m.hot[0].status, StatusCode::Error);
        QCOMPARE(m.str(c.statusMessage), std::string_view("timeout"));
        QCOMPARE(m.str(c.traceState), std::string_view("k=v"));
        QCOMPARE(m.str(m.scopes[c.scope].name), std::string_view("lib"));
        QCOMPARE(m.str(m.hot[0].service), std::string_view("svc"));
        QVERIFY(!attr(m, c.attributes, "error"));
        QCOMPARE(m.str(attr(m, c.attributes, "http.method")->value.str), std::string_view("GET"));
        QCOMPARE(m.str(attr(m, c.attributes, "peer.service")->value.str), std::string_view("db"));
        QCOMPARE(m.str(attr(m, c.attributes, "net.peer.ip")->value.str), std::string_view("::1"));
        QCOMPARE(attr(m, c.attributes, "net.peer.port")->value.i, int64_t(5432));
        QCOMPARE(m.str(attr(m, c.attributes, "net.host.ip")->value.str), std::string_view("10.0.0.1"));
        QCOMPARE(attr(m, c.attributes, "net.host.port")->value.i, int64_t(8080));
        QCOMPARE(c.events.count, 2u);
        QCOMPARE(m.str(m.events[c.events.first].name), std::string_view("ws"));
        QCOMPARE(m.events[c.events.first].time, uint64_t(1005000));
        QCOMPARE(c.parentSpanId.hex(), std::string("0000000000000001"));
    }

    void gzipAndEmpty()
    {
        Model m;
        LoadResult r = loadText(gzip(readAll(foreign("zipkin_lens_yelp.json"))), m, "yelp.json.gz");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(16));
        Model empty;
        r = loadText("[]\n", empty);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(empty.spanCount(), size_t(0));
        QVERIFY(empty.diagnostics.empty());
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("spans");
        QTest::addColumn<QString>("message");
        const std::string good = span("0000000000000001", "00000000000000a1");
        QTest::newRow("trace id of 40 digits") << QString::fromStdString("[" + good + "," + span("0123456789012345678901234567890123456789", "a2") + "]")
                                               << QStringLiteral("span_bad_trace_id") << 1 << QStringLiteral("span traceId '0123456789012345678901234567890123456789' is too long");
        QTest::newRow("redacted id") << QString::fromStdString("[" + good + "," + span("1", "xxxxx") + "]")
                                     << QStringLiteral("span_bad_span_id") << 1 << QStringLiteral("span id 'xxxxx'");
        QTest::newRow("span a string") << QString::fromStdString("[" + good + ",\"span\"]")
                                       << QStringLiteral("span_not_object") << 1 << QStringLiteral("a string");
        QTest::newRow("tags an array") << QString::fromStdString("[" + span("1", "a1", R"(,"tags":["x"])") + "]")
                                       << QStringLiteral("json_wrong_type") << 1 << QStringLiteral("tags is not an object");
        QTest::newRow("timestamp a string") << QString::fromStdString("[" + span("1", "a1", R"(,"timestamp":"now")") + "]")
                                            << QStringLiteral("json_bad_number") << 1 << QStringLiteral("timestamp");
        QTest::newRow("annotation without time") << QString::fromStdString("[" + span("1", "a1", R"(,"annotations":[{"value":"cs"}])") + "]")
                                                 << QStringLiteral("zipkin_annotation_bad") << 1 << QStringLiteral("no timestamp");
        QTest::newRow("parent absent") << QString::fromStdString("[" + span("1", "a1", R"(,"parentId":"b7")") + "]")
                                       << QStringLiteral("span_parent_missing") << 1 << QStringLiteral("00000000000000b7");
        QTest::newRow("parent cycle") << QString::fromStdString("[" + span("1", "a1", R"(,"parentId":"a2")") + "," + span("1", "a2", R"(,"parentId":"a1")") + "]")
                                      << QStringLiteral("span_parent_cycle") << 2 << QStringLiteral("parent cycle");
        QTest::newRow("bad parent id") << QString::fromStdString("[" + span("1", "a1", R"(,"parentId":"not-hex")") + "]")
                                       << QStringLiteral("span_bad_parent_id") << 1 << QStringLiteral("'not-hex'");
        QTest::newRow("unknown kind") << QString::fromStdString("[" + span("1", "a1", R"(,"kind":"PEER")") + "]")
                                      << QStringLiteral("enum_unknown") << 1 << QStringLiteral("'PEER'");
    }
    void badInput()
    {
        QFETCH(QString, text);
        QFETCH(QString, code);
        QFETCH(int, spans);
        QFETCH(QString, message);
        Model m;
        const LoadResult r = loadText(text.toStdString(), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(int(m.spanCount()), spans);
        const DiagnosticCode *expected = findDiagnosticCode(code.toStdString());
        QVERIFY(expected);
        const Diagnostic *d = m.diagnostics.find(*expected);
        QVERIFY2(d, code.toUtf8().constData());
        QVERIFY2(d->message.find(message.toStdString()) != std::string::npos, d->message.c_str());
        if (expected->loss != Loss::None && expected != &diag::SpanParentCycle)
            QVERIFY2(d->message.find("zipkin.json: byte ") == 0, d->message.c_str());
    }

    void truncatedAndRedacted()
    {
        const std::string text = readAll(foreign("zipkin_lens_messaging-kafka.json"));
        // Cut inside the third span: the first two are kept.
        size_t cut = 0;
        for (int i = 0; i < 3; ++i)
            cut = text.find("\"traceId\"", cut + 1);
        Model m;
        LoadResult r = loadText(std::string_view(text).substr(0, cut + 5), m, "cut.json");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        const Diagnostic *d = m.diagnostics.find(diag::JsonTruncated);
        QVERIFY(d);
        QVERIFY2(d->message.find("cut.json: byte ") == 0 && d->message.find("ends unexpectedly") != std::string::npos, d->message.c_str());

        // Every id redacted: nothing loads, and that is an error naming the first problem.
        std::string redacted = "[" + span("xxxxx", "xxxxx") + "," + span("xxxxx", "xxxxx") + "]";
        Model none;
        r = loadText(redacted, none, "redacted.json");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("no span could be read") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.message.find("'xxxxx'") != std::string::npos, r.error.text().c_str());
        QCOMPARE(r.error.offset, uint64_t(1));
    }

    // Zipkin -> OTLP (JSON and protobuf) -> load gives the same model.
    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("skew") << QString::fromStdString(publicSample("zipkin_v2_lens_skew.json"));
        QTest::newRow("yelp") << QString::fromStdString(foreign("zipkin_lens_yelp.json"));
        QTest::newRow("messaging-kafka") << QString::fromStdString(foreign("zipkin_lens_messaging-kafka.json"));
        QTest::newRow("envoy") << QString::fromStdString(foreign("zipkin_lens_envoy.json"));
    }
    void roundTrip()
    {
        QFETCH(QString, file);
        Model original;
        LoadResult r = loadFiles({file.toStdString()}, original);
        QVERIFY2(r.ok, r.error.text().c_str());
        for (OutputFormat format : {OutputFormat::OtlpJson, OutputFormat::OtlpProto}) {
            std::ostringstream out;
            std::string error;
            QVERIFY2(writeModel(original, format, out, error), error.c_str());
            Model back;
            r = loadBuffer("otlp", out.str(), back);
            back.finalize();
            QVERIFY2(r.ok, r.error.text().c_str());
            const std::string diff = compareModels(original, back);
            QVERIFY2(diff.empty(), diff.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestZipkinReader)
#include "tst_zipkinreader.moc"
