// The Jaeger JSON reader on Jaeger's own fixtures (tests/data/foreign,
// tests/data/public): counts worked out from the files, the Collector's
// mapping of references, tags, logs and processes, the round trip through
// OTLP, and damaged input.

#include "core/load.h"
#include "core/writer.h"

#include "common/modelcompare.h"
#include "common/testutil.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

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

LoadResult loadText(std::string_view text, Model &m, std::string_view name = "jaeger.json")
{
    LoadResult r = loadBuffer(name, text, m);
    m.finalize();
    return r;
}

uint32_t spanNamed(const Model &m, std::string_view name)
{
    for (uint32_t i = 0; i < m.spanCount(); ++i)
        if (m.str(m.hot[i].name) == name)
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

size_t parents(const Model &m)
{
    size_t n = 0;
    for (const auto &h : m.hot)
        n += h.parent != kNone;
    return n;
}

size_t errors(const Model &m)
{
    size_t n = 0;
    for (const auto &h : m.hot)
        n += h.status == StatusCode::Error;
    return n;
}

size_t resolved(const Model &m)
{
    size_t n = 0;
    for (const auto &l : m.links)
        n += l.resolved();
    return n;
}

// A span of trace 1 with the given id and references, in Jaeger's v1 JSON.
std::string span(const char *id, const char *refs = "[]", const char *extra = "")
{
    return std::string(R"({"traceID":"00000000000000000000000000000001","spanID":")") + id
        + R"(","operationName":"op-)" + id + R"(","references":)" + refs
        + R"(,"startTime":1000,"duration":10,"tags":[],"logs":[],"processID":"p1")" + extra + "}";
}
std::string trace(const std::string &spans)
{
    return R"({"data":[{"traceID":"00000000000000000000000000000001","spans":[)" + spans
        + R"(],"processes":{"p1":{"serviceName":"svc","tags":[]}}}]})";
}

} // namespace

class TestJaegerReader : public QObject
{
    Q_OBJECT

private slots:
    void sniffed()
    {
        QCOMPARE(sniffFormat(readAll(foreign("jaeger_uimodel_ui_01.json"))), Format::JaegerJson);
        QCOMPARE(sniffFormat(readAll(foreign("jaeger_query_otlp2jaeger-out.json"))), Format::JaegerJson);
        QCOMPARE(sniffFormat(readAll(foreign("jaeger_anonymizer_trace_success.json"))), Format::JaegerJson);
        QCOMPARE(sniffFormat(R"({"data":[],"total":0})"), Format::JaegerJson);
        QCOMPARE(sniffFormat(R"({"resourceSpans":[]})"), Format::OtlpJson);
    }

    // Counts worked out from the files themselves.
    void realFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("spans");
        QTest::addColumn<int>("traces");
        QTest::addColumn<int>("withParent");
        QTest::addColumn<int>("links");
        QTest::addColumn<int>("resolvedLinks");
        QTest::addColumn<int>("errorSpans");
        QTest::addColumn<int>("duplicates");
        // Five spans, two of them 0000000000000002 (the first copy kept, without
        // the error tag); 3 and 4 are children of 2, 5 of 4; span 4's CHILD_OF
        // into trace ff and its FOLLOWS_FROM to 2 become links.
        QTest::newRow("ui_01") << QStringLiteral("jaeger_uimodel_ui_01.json") << 4 << 1 << 3 << 2 << 1 << 0 << 1;
        // A v1 API response holding one span twice; its parent is not in the file.
        QTest::newRow("otlp2jaeger-out") << QStringLiteral("jaeger_query_otlp2jaeger-out.json") << 1 << 1 << 0 << 0 << 0 << 0 << 1;
        // An array of spans with inline processes; the second (error "true") is a child of the first.
        QTest::newRow("anonymizer") << QStringLiteral("jaeger_anonymizer_trace_success.json") << 2 << 1 << 1 << 0 << 0 << 1 << 0;
    }
    void realFiles()
    {
        QFETCH(QString, file);
        QFETCH(int, spans);
        QFETCH(int, traces);
        QFETCH(int, withParent);
        QFETCH(int, links);
        QFETCH(int, resolvedLinks);
        QFETCH(int, errorSpans);
        QFETCH(int, duplicates);
        Model m;
        const LoadResult r = loadFiles({foreign(file.toUtf8().constData())}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(int(m.spanCount()), spans);
        QCOMPARE(int(m.traces.size()), traces);
        QCOMPARE(int(parents(m)), withParent);
        QCOMPARE(int(m.links.size()), links);
        QCOMPARE(int(resolved(m)), resolvedLinks);
        QCOMPARE(int(errors(m)), errorSpans);
        QCOMPARE(int(m.diagnostics.count(diag::SpanDuplicate)), duplicates);
        if (duplicates) {
            const Diagnostic *d = m.diagnostics.find(diag::SpanDuplicate);
            QVERIFY2(d->message.find("appears twice in") != std::string::npos, d->message.c_str());
        }
    }

    void uiFixtureMapping()
    {
        Model m;
        const LoadResult r = loadFiles({foreign("jaeger_uimodel_ui_01.json")}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        // Short ids are right-aligned: "0000000000000001" is a 64-bit trace id.
        QCOMPARE(m.traces[0].id.hex(), std::string("00000000000000000000000000000001"));

        // The first copy of span 2: logs become events, `event` names them.
        const uint32_t general = spanNamed(m, "test-general-conversion");
        QVERIFY(general != kNone);
        QCOMPARE(m.str(m.hot[general].service), std::string_view("service-x"));
        const SpanCold &gc = m.cold[general];
        QCOMPARE(gc.events.count, 2u);
        const Event &e0 = m.events[gc.events.first];
        QCOMPARE(m.str(e0.name), std::string_view("some-event"));
        QCOMPARE(e0.time, uint64_t(1485467191639875000ULL));
        QCOMPARE(e0.attributes.count, 0u);
        const Event &e1 = m.events[gc.events.first + 1];
        QCOMPARE(m.str(e1.name), std::string_view());
        const Attribute *x = attr(m, e1.attributes, "x");
        QVERIFY(x && x->value.type == ValueType::String && m.str(x->value.str) == "y");
        QCOMPARE(m.hot[general].end - m.hot[general].start, uint64_t(5000));

        // Span 4: CHILD_OF 2 is the parent; CHILD_OF into trace ff and FOLLOWS_FROM 2 are links.
        const uint32_t ref = spanNamed(m, "reference-test");
        QVERIFY(ref != kNone);
        QCOMPARE(m.hot[ref].parent, general);
        const SpanCold &rc = m.cold[ref];
        QCOMPARE(rc.links.count, 2u);
        const Link &cross = m.links[rc.links.first];
        QCOMPARE(cross.traceId.hex(), std::string("000000000000000000000000000000ff"));
        QVERIFY(!cross.resolved());
        const Attribute *type = attr(m, cross.attributes, "opentracing.ref_type");
        QVERIFY(type && m.str(type->value.str) == "child_of");
        const Link &follows = m.links[rc.links.first + 1];
        QCOMPARE(follows.target, general);
        type = attr(m, follows.attributes, "opentracing.ref_type");
        QVERIFY(type && m.str(type->value.str) == "follows_from");
        // Span warnings are kept as an attribute.
        const Attribute *warnings = attr(m, rc.attributes, "jaeger.warnings");
        QVERIFY(warnings && warnings->value.type == ValueType::Array);
        QCOMPARE(warnings->value.range.count, 1u);
        QCOMPARE(m.str(m.values[warnings->value.range.first].str), std::string_view("some span warning"));
        QCOMPARE(m.diagnostics.count(diag::JaegerWarnings), uint64_t(2));
        QCOMPARE(m.str(m.hot[ref].service), std::string_view("service-y"));
    }

    // Every tag type, and the tags the Collector turns into span fields.
    void tagTypes()
    {
        const std::string tags = R"(,"tags":[{"key":"s","type":"string","value":"v"},{"key":"b","type":"bool","value":true},)"
                                 R"({"key":"i","type":"int64","value":-7},{"key":"big","type":"int64","value":"9223372036854775222"},)"
                                 R"({"key":"f","type":"float64","value":72.5},{"key":"blob","type":"binary","value":"AAAwOQ=="},)"
                                 R"({"key":"span.kind","type":"string","value":"producer"},{"key":"otel.status_code","type":"string","value":"ERROR"},)"
                                 R"({"key":"otel.status_description","type":"string","value":"boom"},{"key":"otel.scope.name","type":"string","value":"lib"},)"
                                 R"({"key":"otel.scope.version","type":"string","value":"1.2"},{"key":"w3c.tracestate","type":"string","value":"k=v"},)"
                                 R"({"key":"odd","type":"bool","value":"maybe"}])";
        std::string text = trace(span("00000000000000a1"));
        text.replace(text.find(R"(,"tags":[])"), 10, tags);
        Model m;
        const LoadResult r = loadText(text, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        const SpanCold &c = m.cold[0];
        QCOMPARE(m.hot[0].kind, SpanKind::Producer);
        QCOMPARE(m.hot[0].status, StatusCode::Error);
        QCOMPARE(m.str(c.statusMessage), std::string_view("boom"));
        QCOMPARE(m.str(c.traceState), std::string_view("k=v"));
        QCOMPARE(m.str(m.scopes[c.scope].name), std::string_view("lib"));
        QCOMPARE(m.str(m.scopes[c.scope].version), std::string_view("1.2"));
        QCOMPARE(c.attributes.count, 7u); // s b i big f blob odd
        QCOMPARE(attr(m, c.attributes, "b")->value.b, true);
        QCOMPARE(attr(m, c.attributes, "i")->value.i, int64_t(-7));
        QCOMPARE(attr(m, c.attributes, "big")->value.i, int64_t(9223372036854775222LL));
        QCOMPARE(attr(m, c.attributes, "f")->value.d, 72.5);
        QCOMPARE(attr(m, c.attributes, "blob")->value.type, ValueType::Bytes);
        QCOMPARE(m.str(attr(m, c.attributes, "blob")->value.str), std::string_view("\x00\x00\x30\x39", 4));
        QCOMPARE(m.str(attr(m, c.attributes, "odd")->value.str), std::string_view("maybe"));
        QCOMPARE(m.diagnostics.count(diag::JaegerTagBad), uint64_t(1));
        QVERIFY(!attr(m, c.attributes, "span.kind"));
        QCOMPARE(m.resources.size(), size_t(1));
        QCOMPARE(m.str(m.resources[0].serviceName), std::string_view("svc"));
    }

    // `data` as one trace object, and one bare trace object.
    void documentShapes()
    {
        const std::string one = span("00000000000000a1");
        std::string wrapped = trace(one);
        wrapped.replace(wrapped.find("[{"), 2, "{");
        wrapped.replace(wrapped.rfind("}]}"), 3, "}}");
        Model a;
        LoadResult r = loadText(wrapped, a);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(a.spanCount(), size_t(1));

        const std::string bare = R"({"traceID":"00000000000000000000000000000001","spans":[)" + one
            + R"(],"processes":{"p1":{"serviceName":"svc","tags":[{"key":"host","type":"string","value":"h1"}]}}})";
        Model b;
        r = loadText(bare, b);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(b.spanCount(), size_t(1));
        QVERIFY(attr(b, b.resources[0].attributes, "host"));

        // An empty response is a valid empty document.
        Model c;
        r = loadText(R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})", c);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(c.spanCount(), size_t(0));
    }

    // Jaeger UI's test trace has placeholder ids ("trace-123"): nothing can be
    // loaded, which is an error naming the first problem.
    void redactedIdsAreFatal()
    {
        Model m;
        const LoadResult r = loadFiles({publicSample("jaegerui_legacy_tracegraph_testTrace.json")}, m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("no span could be read") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.message.find("'trace-123'") != std::string::npos, r.error.text().c_str());
        QVERIFY(r.error.offset > 0);
        QCOMPARE(m.spanCount(), size_t(0));
    }

    // Bad input: each named, with its byte offset; good spans kept.
    void badInput_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("spans");
        QTest::addColumn<QString>("message");
        const std::string good = span("00000000000000a1");
        QTest::newRow("id of 33 hex digits") << QString::fromStdString(trace(good + "," + span("1234567890abcdef01234567890abcdef")))
                                             << QStringLiteral("span_bad_span_id") << 1 << QStringLiteral("is too long");
        QTest::newRow("id not hex") << QString::fromStdString(trace(good + "," + span("xxxxx")))
                                    << QStringLiteral("span_bad_span_id") << 1 << QStringLiteral("span spanID 'xxxxx'");
        QTest::newRow("trace id not hex") << QString::fromStdString(trace(good + "," + R"({"traceID":"g1","spanID":"00000000000000a2"})"))
                                          << QStringLiteral("span_bad_trace_id") << 1 << QStringLiteral("span traceID 'g1'");
        QTest::newRow("span not an object") << QString::fromStdString(trace(good + ",42"))
                                            << QStringLiteral("span_not_object") << 1 << QStringLiteral("a number");
        QTest::newRow("tags not an array") << QString::fromStdString(trace(span("00000000000000a1", "[]", R"(,"tags":{"a":1})")))
                                           << QStringLiteral("json_wrong_type") << 1 << QStringLiteral("tags is not an array");
        QTest::newRow("startTime a string") << QString::fromStdString(trace(span("00000000000000a1", "[]", R"(,"startTime":"soon")")))
                                            << QStringLiteral("json_bad_number") << 1 << QStringLiteral("startTime");
        QTest::newRow("reference with bad id") << QString::fromStdString(trace(span("00000000000000a1", R"([{"refType":"CHILD_OF","traceID":"1","spanID":"zz"}])")))
                                               << QStringLiteral("jaeger_reference_bad") << 1 << QStringLiteral("'zz'");
        QTest::newRow("unknown refType") << QString::fromStdString(trace(span("00000000000000a1", R"([{"refType":"SIBLING","traceID":"1","spanID":"a2"}])")))
                                         << QStringLiteral("jaeger_reference_bad") << 1 << QStringLiteral("unknown refType");
        QTest::newRow("reference to an absent span") << QString::fromStdString(trace(span("00000000000000a1", R"([{"refType":"CHILD_OF","traceID":"1","spanID":"b7"}])")))
                                                     << QStringLiteral("span_parent_missing") << 1 << QStringLiteral("00000000000000b7");
        QTest::newRow("parent cycle") << QString::fromStdString(trace(span("a1", R"([{"refType":"CHILD_OF","traceID":"1","spanID":"a2"}])") + ","
                                                                        + span("a2", R"([{"refType":"CHILD_OF","traceID":"1","spanID":"a1"}])")))
                                      << QStringLiteral("span_parent_cycle") << 2 << QStringLiteral("parent cycle");
        QTest::newRow("unknown process") << QString::fromStdString(trace(span("00000000000000a1", "[]", R"(,"processID":"p9")")))
                                         << QStringLiteral("jaeger_process_missing") << 1 << QStringLiteral("'p9'");
        QTest::newRow("damaged span") << QString::fromStdString(trace(good + R"(,{"traceID":"1","spanID":tru})"))
                                      << QStringLiteral("json_span_invalid") << 1 << QStringLiteral("not valid JSON");
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
            QVERIFY2(d->message.find("jaeger.json: byte ") == 0, d->message.c_str());
    }

    // A file cut short keeps the spans before the cut and says where it ends.
    void truncated()
    {
        const std::string text = readAll(foreign("jaeger_uimodel_ui_01.json"));
        const size_t cut = text.find(R"("operationName": "preserveParentID-test")");
        QVERIFY(cut != std::string::npos);
        Model m;
        const LoadResult r = loadText(std::string_view(text).substr(0, cut), m, "cut.json");
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(3)); // the four spans before the cut, two of them copies of span 2
        const Diagnostic *d = m.diagnostics.find(diag::JsonTruncated);
        QVERIFY(d);
        QVERIFY2(d->message.find("cut.json: byte ") == 0, d->message.c_str());
        QVERIFY2(d->message.find("ends unexpectedly") != std::string::npos, d->message.c_str());

        // Cut before any span is complete: nothing to keep, a fatal error with the offset.
        Model empty;
        const LoadResult e = loadText(std::string_view(text).substr(0, 60), empty, "cut.json");
        QVERIFY(!e.ok);
        QVERIFY2(e.error.message.find("ends unexpectedly") != std::string::npos, e.error.text().c_str());
        QCOMPARE(e.error.offset, uint64_t(60));
    }

    // Jaeger -> OTLP (JSON and protobuf) -> load gives the same model.
    void roundTrip_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("ui_01") << QString::fromStdString(foreign("jaeger_uimodel_ui_01.json"));
        QTest::newRow("otlp2jaeger-out") << QString::fromStdString(foreign("jaeger_query_otlp2jaeger-out.json"));
        QTest::newRow("anonymizer") << QString::fromStdString(foreign("jaeger_anonymizer_trace_success.json"));
    }
    void roundTrip()
    {
        QFETCH(QString, file);
        Model original;
        LoadResult r = loadFiles({file.toStdString()}, original);
        QVERIFY2(r.ok, r.error.text().c_str());
        checkRoundTrip(original);
    }

    // Services first met in another order than their processes are listed
    // (a span whose process is missing comes first, a later span opens a
    // second scope of the first service): written as OTLP, the resources and
    // scopes still load back in the same order.
    void roundTripKeepsResourceAndScopeOrder()
    {
        const std::string doc = R"({"traceID": "0000000000000001", "spans": [
  {"traceID": "0000000000000001", "spanID": "0000000000000001", "operationName": "orphan", "startTime": 1, "duration": 5, "processID": "p0"},
  {"traceID": "0000000000000001", "spanID": "0000000000000002", "operationName": "x1", "startTime": 2, "duration": 5, "processID": "p1"},
  {"traceID": "0000000000000001", "spanID": "0000000000000003", "operationName": "y1", "startTime": 3, "duration": 5, "processID": "p2"},
  {"traceID": "0000000000000001", "spanID": "0000000000000004", "operationName": "x2", "startTime": 4, "duration": 5, "processID": "p1",
   "tags": [{"key": "otel.scope.name", "type": "string", "value": "lib"}]},
  {"traceID": "0000000000000001", "spanID": "0000000000000005", "operationName": "orphan2", "startTime": 5, "duration": 5}],
 "processes": {"p1": {"serviceName": "service-x"}, "p2": {"serviceName": "service-y"}}})";
        Model original;
        LoadResult r = loadBuffer("order.json", doc, original);
        QVERIFY2(r.ok, r.error.text().c_str());
        original.finalize();
        QCOMPARE(original.spanCount(), size_t(5));
        QCOMPARE(original.scopes.size(), size_t(4));
        for (size_t s = 1; s < original.scopes.size(); ++s)
            QVERIFY(original.scopes[s - 1].resource <= original.scopes[s].resource);
        checkRoundTrip(original);
    }

private:
    // Jaeger -> OTLP (JSON and protobuf) -> load gives the same model.
    static void checkRoundTrip(const Model &original)
    {
        for (OutputFormat format : {OutputFormat::OtlpJson, OutputFormat::OtlpProto}) {
            std::ostringstream out;
            std::string error;
            QVERIFY2(writeModel(original, format, out, error), error.c_str());
            Model back;
            const LoadResult r = loadBuffer("otlp", out.str(), back);
            back.finalize();
            QVERIFY2(r.ok, r.error.text().c_str());
            const std::string diff = compareModels(original, back);
            QVERIFY2(diff.empty(), diff.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestJaegerReader)
#include "tst_jaegerreader.moc"
