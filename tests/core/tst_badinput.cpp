// Damaged and hostile input: a clear error naming the place for what cannot
// be read, diagnostics for what was skipped or repaired, and never a crash.

#include "common/testutil.h"
#include "core/load.h"
#include "core/model.h"

#include <QTest>

#include <fstream>
#include <sstream>

using namespace causeway;

namespace {

LoadResult loadText(std::string_view text, Model &m, std::string_view name = "bad.json")
{
    LoadResult r = loadBuffer(name, text, m);
    m.finalize();
    return r;
}

std::string readAll(const std::string &path)
{
    std::string out, error;
    if (!readFile(path, out, error))
        qFatal("cannot read %s: %s", path.c_str(), error.c_str());
    return out;
}

// One document holding the given span objects (already JSON text).
std::string docWithSpans(const std::string &spans)
{
    return "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},"
           "\"scopeSpans\":[{\"scope\":{\"name\":\"s\"},\"spans\":["
        + spans + "]}]}]}";
}

std::string span(const std::string &trace, const std::string &id, const std::string &extra = {})
{
    return "{\"traceId\":\"" + trace + "\",\"spanId\":\"" + id + "\",\"name\":\"n-" + id
        + "\",\"startTimeUnixNano\":\"100\",\"endTimeUnixNano\":\"200\"" + extra + "}";
}

const std::string kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

const Diagnostic *findDiag(const Model &m, std::string_view code)
{
    for (const auto &d : m.diagnostics.items())
        if (d.code == code)
            return &d;
    return nullptr;
}

} // namespace

class TestBadInput : public QObject
{
    Q_OBJECT

private slots:
    void emptyFile()
    {
        Model m;
        auto r = loadText("", m);
        QVERIFY(!r.ok);
        QVERIFY(r.error.text().find("bad.json") != std::string::npos);
        QVERIFY(r.error.message.find("empty") != std::string::npos);
    }

    void truncatedFile()
    {
        const std::string whole = readAll(test::publicSample("jaeger_memory_otel_traces_01.json"));
        const std::string cut = whole.substr(0, whole.size() / 2);
        Model m;
        auto r = loadText(cut, m, "cut.json");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("ends unexpectedly") != std::string::npos, r.error.text().c_str());
        QCOMPARE(r.error.offset, uint64_t(cut.size()));
        QVERIFY(r.error.text().rfind("cut.json: byte ", 0) == 0);
    }

    void invalidJsonAtKnownOffset_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("marker"); // the error is where the marker starts
        const std::string good = span(kTrace, "00f067aa0ba902b7");
        QTest::newRow("trailing comma in a span") << QByteArray::fromStdString(docWithSpans(span(kTrace, "00f067aa0ba902b7", ",\"name\":\"x\",")))
                                                  << QByteArray(",}");
        QTest::newRow("bare word as value") << QByteArray::fromStdString(docWithSpans(span(kTrace, "00f067aa0ba902b7", ",\"flags\":yes")))
                                            << QByteArray("yes");
        QTest::newRow("missing colon at top") << QByteArray("{\"resourceSpans\" [] }") << QByteArray("[");
        QTest::newRow("garbage after the document") << QByteArray::fromStdString(docWithSpans(good) + " xyz") << QByteArray("xyz");
        {
            // Spans of two resources are parsed as one batch: the offset still points into the file.
            const std::string first = docWithSpans(good);
            const std::string second = docWithSpans(span(kTrace, "00f067aa0ba902b8", ",\"flags\":yes"));
            const std::string two = first.substr(0, first.size() - 2) + "," + second.substr(second.find("[{") + 1);
            QTest::newRow("second resource") << QByteArray::fromStdString(two) << QByteArray("yes");
        }
        QTest::newRow("bad resource") << QByteArray("{\"resourceSpans\":[{\"resource\":{\"attributes\":[}}]}") << QByteArray("}}]}");
    }
    void invalidJsonAtKnownOffset()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, marker);
        Model m;
        auto r = loadText(text.toStdString(), m);
        QVERIFY(!r.ok);
        int expected = text.indexOf(marker);
        // A trailing comma is reported at the '}' that follows it.
        if (marker == ",}")
            ++expected;
        QVERIFY2(r.error.offset == uint64_t(expected),
            (r.error.text() + " (expected byte " + std::to_string(expected) + ")").c_str());
        QVERIFY2(r.error.message.find("invalid JSON") != std::string::npos, r.error.text().c_str());
    }

    void wrongValueTypes()
    {
        const std::string spans = span(kTrace, "00f067aa0ba902b7", ",\"name\":5") + ","
            + "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"00f067aa0ba902b8\",\"startTimeUnixNano\":true,\"endTimeUnixNano\":\"300\","
              "\"kind\":\"SPAN_KIND_BOGUS\",\"attributes\":{\"not\":\"a list\"},\"status\":[1]}";
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2)); // repaired, not dropped
        const Diagnostic *d = findDiag(m, "json_wrong_type");
        QVERIFY(d);
        QCOMPARE(d->count, uint64_t(4)); // name, startTimeUnixNano, attributes, status
        QVERIFY2(d->message.find("bad.json: byte ") == 0, d->message.c_str());
        QVERIFY2(d->message.find("span name is a number") != std::string::npos, d->message.c_str());
        QCOMPARE(m.diagnostics.count(diag::EnumUnknown), uint64_t(1));
        // The byte offset is that of the span holding the problem.
        const std::string doc = docWithSpans(spans);
        QVERIFY(d->message.find("byte " + std::to_string(doc.find("{\"traceId\"")) + ":") != std::string::npos);
        // A start time that is not a number takes the end time, so the span is not stretched to 1970.
        QCOMPARE(m.hot[1].start, uint64_t(300));
        QCOMPARE(m.hot[1].end, uint64_t(300));
        QCOMPARE(m.hot[1].kind, SpanKind::Unspecified);
        QCOMPARE(m.hot[0].name, StringId(0));
    }

    void badIds_data()
    {
        QTest::addColumn<QByteArray>("traceId");
        QTest::addColumn<QByteArray>("spanId");
        QTest::addColumn<QByteArray>("code");
        QTest::addColumn<QByteArray>("why");
        QTest::newRow("bad hex trace") << QByteArray("4bf92f3577b34da6a3ce929d0e0e47zz") << QByteArray("00f067aa0ba902b7")
                                       << QByteArray("span_bad_trace_id") << QByteArray("neither hex nor base64");
        QTest::newRow("bad hex span") << QByteArray::fromStdString(kTrace) << QByteArray("00f067aa0ba902bg")
                                      << QByteArray("span_bad_span_id") << QByteArray("neither hex nor base64");
        QTest::newRow("short trace") << QByteArray("4bf92f3577b34da6") << QByteArray("00f067aa0ba902b7")
                                     << QByteArray("span_bad_trace_id") << QByteArray("wrong length");
        QTest::newRow("long span") << QByteArray::fromStdString(kTrace) << QByteArray("00f067aa0ba902b7aa")
                                   << QByteArray("span_bad_span_id") << QByteArray("wrong length");
        QTest::newRow("zero trace") << QByteArray("00000000000000000000000000000000") << QByteArray("00f067aa0ba902b7")
                                    << QByteArray("span_bad_trace_id") << QByteArray("all zeros");
        QTest::newRow("zero span") << QByteArray::fromStdString(kTrace) << QByteArray("0000000000000000")
                                   << QByteArray("span_bad_span_id") << QByteArray("all zeros");
        QTest::newRow("empty span") << QByteArray::fromStdString(kTrace) << QByteArray("")
                                    << QByteArray("span_bad_span_id") << QByteArray("missing");
    }
    void badIds()
    {
        QFETCH(QByteArray, traceId);
        QFETCH(QByteArray, spanId);
        QFETCH(QByteArray, code);
        QFETCH(QByteArray, why);
        const std::string spans = span(traceId.toStdString(), spanId.toStdString()) + "," + span(kTrace, "1111111111111111");
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1)); // the bad span is skipped, the good one kept
        QCOMPARE(m.cold[0].spanId.hex(), std::string("1111111111111111"));
        const Diagnostic *d = findDiag(m, code.toStdString());
        QVERIFY(d);
        QCOMPARE(d->count, uint64_t(1));
        QVERIFY2(d->message.find(why.toStdString()) != std::string::npos, d->message.c_str());
        QVERIFY2(d->message.find("skipped") != std::string::npos, d->message.c_str());
    }

    void badLinkTarget()
    {
        const std::string links = ",\"links\":[{\"traceId\":\"00000000000000000000000000000000\",\"spanId\":\"1111111111111111\"},"
                                  "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"12\"},"
                                  "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"2222222222222222\"}]";
        Model m;
        auto r = loadText(docWithSpans(span(kTrace, "1111111111111111", links) + "," + span(kTrace, "2222222222222222")), m);
        QVERIFY(r.ok);
        QCOMPARE(m.links.size(), size_t(1));
        QVERIFY(m.links[0].resolved());
        QCOMPARE(m.diagnostics.count(diag::LinkBadTraceId), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::LinkBadSpanId), uint64_t(1));
    }

    void badParentId()
    {
        Model m;
        auto r = loadText(docWithSpans(span(kTrace, "1111111111111111", ",\"parentSpanId\":\"xyz\"")), m);
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(1));
        QCOMPARE(m.hot[0].parent, kNone);
        QCOMPARE(m.diagnostics.count(diag::SpanBadParentId), uint64_t(1));
    }

    void parentAbsent()
    {
        Model m;
        auto r = loadText(docWithSpans(span(kTrace, "1111111111111111", ",\"parentSpanId\":\"9999999999999999\"")), m);
        QVERIFY(r.ok);
        QCOMPARE(m.hot[0].parent, kNone);
        QCOMPARE(m.traces[0].root, 0u);
        QCOMPARE(m.diagnostics.count(diag::SpanParentMissing), uint64_t(1));
    }

    void parentCycleAndSelfParent()
    {
        const std::string spans = span(kTrace, "1111111111111111", ",\"parentSpanId\":\"2222222222222222\"") + ","
            + span(kTrace, "2222222222222222", ",\"parentSpanId\":\"1111111111111111\"") + ","
            + span(kTrace, "3333333333333333", ",\"parentSpanId\":\"3333333333333333\"");
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(3));
        QCOMPARE(m.diagnostics.count(diag::SpanParentCycle), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::SpanParentSelf), uint64_t(1));
        QCOMPARE(m.hot[2].parent, kNone);
        int roots = 0;
        for (const auto &h : m.hot)
            roots += h.parent == kNone;
        QCOMPARE(roots, 2);
    }

    void endBeforeStart()
    {
        const std::string s = "{\"traceId\":\"" + kTrace + "\",\"spanId\":\"1111111111111111\",\"startTimeUnixNano\":\"500\",\"endTimeUnixNano\":\"400\"}";
        Model m;
        auto r = loadText(docWithSpans(s), m);
        QVERIFY(r.ok);
        QCOMPARE(m.hot[0].start, uint64_t(500));
        QCOMPARE(m.hot[0].end, uint64_t(500));
        QCOMPARE(m.diagnostics.count(diag::SpanEndBeforeStart), uint64_t(1));
    }

    void deepParentChain()
    {
        // 5,000 spans, each the parent of the next.
        std::string spans;
        char id[20], parent[20];
        for (int i = 1; i <= 5000; ++i) {
            std::snprintf(id, sizeof id, "%016x", i);
            std::snprintf(parent, sizeof parent, "%016x", i - 1);
            if (i > 1)
                spans += ',';
            spans += span(kTrace, id, i > 1 ? ",\"parentSpanId\":\"" + std::string(parent) + "\"" : std::string());
        }
        Model m;
        auto r = loadText(docWithSpans(spans), m);
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(5000));
        QCOMPARE(m.traces[0].maxDepth, uint16_t(4999));
        QCOMPARE(m.hot[4999].depth, uint16_t(4999));
        QVERIFY(m.diagnostics.empty());
    }

    void nestedHundredThousandLevels_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("arrays") << QByteArray(100000, '[') + QByteArray(100000, ']');
        QByteArray objects;
        for (int i = 0; i < 100000; ++i)
            objects += "{\"a\":";
        objects += "1" + QByteArray(100000, '}');
        QTest::newRow("objects") << objects;
        QByteArray inSpan = QByteArray::fromStdString(docWithSpans(span(kTrace, "1111111111111111", ",\"x\":")));
        inSpan.chop(QByteArray("}]}]}]}").size());
        inSpan += QByteArray(100000, '[') + QByteArray(100000, ']') + "}]}]}]}";
        QTest::newRow("inside a span") << inSpan;
    }
    void nestedHundredThousandLevels()
    {
        QFETCH(QByteArray, text);
        Model m;
        auto r = loadText(text.toStdString(), m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("nested deeper than 1024 levels") != std::string::npos, r.error.text().c_str());
        QVERIFY(r.error.offset > 1000 && r.error.offset < 8000);
    }

    void hugeAttributeValue()
    {
        const std::string big(50u << 20, 'v');
        const std::string doc = docWithSpans(span(kTrace, "1111111111111111",
            ",\"attributes\":[{\"key\":\"blob\",\"value\":{\"stringValue\":\"" + big + "\"}}]") + ","
            + span(kTrace, "2222222222222222"));
        Model m;
        auto r = loadText(doc, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        const Attribute &a = m.attributes[m.cold[0].attributes.first];
        QCOMPARE(m.str(a.value.str).size(), big.size());
        QVERIFY(m.str(a.value.str) == big);
    }

    void binaryGarbage()
    {
        std::string garbage(4096, '\0');
        uint32_t x = 2463534242u;
        for (auto &c : garbage) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            c = char(x);
        }
        for (char first : {'\x01', '{', '['}) {
            garbage[0] = first;
            Model m;
            auto r = loadText(garbage, m, "garbage.bin");
            QVERIFY(!r.ok);
            QVERIFY(!r.error.message.empty());
            QVERIFY(r.error.text().rfind("garbage.bin", 0) == 0);
        }
    }

    void validJsonNotOtlp_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("otlp logs") << QStringLiteral(R"({"resourceLogs":[{"scopeLogs":[]}]})") << QStringLiteral("OTLP logs");
        QTest::newRow("otlp metrics") << QStringLiteral(R"({"resourceMetrics":[]})") << QStringLiteral("OTLP metrics");
        QTest::newRow("chrome trace events") << QStringLiteral(R"({"traceEvents":[{"ph":"X","name":"a"}]})") << QStringLiteral("Chrome/Perfetto");
    }
    void validJsonNotOtlp()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        Model m;
        auto r = loadText(text.toStdString(), m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("JSON without resourceSpans") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.message.find(expected.toStdString()) != std::string::npos, r.error.text().c_str());
        QVERIFY(r.error.message.find("does not read") != std::string::npos);
        QCOMPARE(m.spanCount(), size_t(0));
    }

    void otherJsonNotOtlp()
    {
        Model m;
        auto r = loadText("{\"hello\":\"world\",\"n\":[1,2]}", m);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.message.find("'hello'") != std::string::npos, r.error.text().c_str());
    }

    void jsonLinesWithDamagedLine()
    {
        Model m;
        auto r = loadFiles({test::testData("json/damaged_line.jsonl")}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2)); // lines 1 and 3
        QCOMPARE(m.str(m.hot[0].name), std::string_view("send"));
        QCOMPARE(m.str(m.hot[1].name), std::string_view("process"));
        const Diagnostic *d = findDiag(m, "json_line_invalid");
        QVERIFY(d);
        QCOMPARE(d->count, uint64_t(1));
        QCOMPARE(d->severity, Severity::Error);
        QVERIFY2(d->message.find("damaged_line.jsonl: line 2: ") != std::string::npos, d->message.c_str());
        QVERIFY2(d->message.find("skipped") != std::string::npos, d->message.c_str());
    }

    void jsonLinesTruncatedLastLine()
    {
        const std::string whole = readAll(test::testData("json/collector.jsonl"));
        const std::string cut = whole.substr(0, whole.size() - 40);
        Model m;
        auto r = loadText(cut, m, "crashed.jsonl");
        QVERIFY(r.ok);
        QCOMPARE(m.spanCount(), size_t(2));
        const Diagnostic *d = findDiag(m, "json_line_invalid");
        QVERIFY(d);
        QVERIFY2(d->message.find("line 3: the line ends unexpectedly") != std::string::npos, d->message.c_str());
    }

    void jsonLinesAllBad()
    {
        // Nothing readable at all: a fatal error naming the first bad line.
        Model m;
        auto r = loadText("{\"a\":1}\n{\"b\":2}\n", m, "other.jsonl");
        QVERIFY(!r.ok);
        QCOMPARE(r.error.line, uint64_t(1));
        QVERIFY2(r.error.text().rfind("other.jsonl: line 1: ", 0) == 0, r.error.text().c_str());
    }
};

QTEST_GUILESS_MAIN(TestBadInput)
#include "tst_badinput.moc"
