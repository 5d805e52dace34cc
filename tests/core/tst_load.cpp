// Loading files as a whole (core/load.cpp): one ResourceSpans per line as
// OpenTelemetry Java's logging-otlp exporter writes it, Collector files that
// also carry logs and metrics, files from which nothing could be loaded, and
// where duplicate spans came from.

#include "core/load.h"

#include "common/testutil.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace causeway;
using namespace causeway::test;

namespace {

// The logging-otlp exporter's shape: a ResourceSpans object per line, no TracesData around it.
const char *kJavaLine1 =
    R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeSpans":[{"scope":{"name":"io.opentelemetry.example","attributes":[]},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","parentSpanId":"","name":"GET /cart","kind":2,"startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000","attributes":[],"events":[],"links":[],"status":{}}]}],"schemaUrl":"https://opentelemetry.io/schemas/1.24.0"})";
const char *kJavaLine2 =
    R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},"scopeSpans":[{"scope":{"name":"io.opentelemetry.example","attributes":[]},"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b175","parentSpanId":"eee19b7ec3c1b174","name":"SELECT cart","kind":3,"startTimeUnixNano":"1544712660100000000","endTimeUnixNano":"1544712660200000000","status":{"code":2}}]}]})";

const char *kLogsLine = R"({"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1","body":{"stringValue":"hi"}}]}]}]})";
const char *kMetricsLine = R"({"resourceMetrics":[{"resource":{},"scopeMetrics":[]}]})";
const char *kRedactedSpan = R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xxxxx","spanId":"xxxxx","name":"a"}]}]}]})";

} // namespace

class TestLoad : public QObject
{
    Q_OBJECT

private slots:
    void javaLoggingOtlpLines()
    {
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "java.log", std::string(kJavaLine1) + "\n" + kJavaLine2 + "\n");
        Model m;
        const LoadResult r = loadFiles({path}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(2));
        QCOMPARE(m.hot[1].parent, 0u);
        QCOMPARE(m.hot[1].status, StatusCode::Error);
        QCOMPARE(m.str(m.hot[0].service), std::string_view("checkout"));
        QCOMPARE(m.str(m.resources[0].schemaUrl), std::string_view("https://opentelemetry.io/schemas/1.24.0"));
        QVERIFY(m.diagnostics.empty());

        // One line alone is one document, read the same way.
        const std::string single = writeFile(dir, "one.json", kJavaLine1);
        Model one;
        const LoadResult r1 = loadFiles({single}, one);
        QVERIFY2(r1.ok, r1.error.text().c_str());
        QCOMPARE(one.spanCount(), size_t(1));
    }

    // One file exporter serving several pipelines: the other signals are information, not errors.
    void collectorFileWithOtherSignals()
    {
        QTemporaryDir dir;
        std::string text = std::string(kLogsLine) + "\n" + kMetricsLine + "\n" + kJavaLine1 + "\n" + kLogsLine + "\n";
        const std::string path = writeFile(dir, "mixed.jsonl", text);
        Model m;
        const LoadResult r = loadFiles({path}, m);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(m.spanCount(), size_t(1));
        const Diagnostic *logs = m.diagnostics.find(diag::JsonLineLogs);
        const Diagnostic *metrics = m.diagnostics.find(diag::JsonLineMetrics);
        QVERIFY(logs && metrics);
        QCOMPARE(logs->count, uint64_t(2));
        QCOMPARE(metrics->count, uint64_t(1));
        QCOMPARE(logs->severity, Severity::Info);
        QCOMPARE(metrics->severity, Severity::Info);
        QVERIFY2(logs->message.find("line 1") != std::string::npos, logs->message.c_str());
        QVERIFY2(metrics->message.find("line 2") != std::string::npos, metrics->message.c_str());
        for (const Diagnostic &d : m.diagnostics.items())
            QVERIFY2(d.severity == Severity::Info, d.message.c_str());

        // Only other signals: no trace data, which is an error.
        const std::string logsOnly = writeFile(dir, "logs.jsonl", std::string(kLogsLine) + "\n" + kLogsLine + "\n");
        Model none;
        const LoadResult n = loadFiles({logsOnly}, none);
        QVERIFY(!n.ok);
        QVERIFY2(n.error.message.find("no trace data") != std::string::npos, n.error.text().c_str());
    }

    // Nothing could be loaded: fatal, naming the first problem; a valid empty document is not.
    void nothingLoaded()
    {
        QTemporaryDir dir;
        const std::string redacted = writeFile(dir, "redacted.json", kRedactedSpan);
        Model m;
        LoadResult r = loadFiles({redacted}, m);
        QVERIFY(!r.ok);
        QCOMPARE(r.error.file, redacted);
        QVERIFY2(r.error.message.find("no span could be read") != std::string::npos, r.error.text().c_str());
        QVERIFY2(r.error.message.find("'xxxxx'") != std::string::npos, r.error.text().c_str());

        for (const char *empty : {R"({"resourceSpans":[]})", "{}", "[]", R"({"data":[]})"}) {
            const std::string path = writeFile(dir, "empty.json", empty);
            Model e;
            r = loadFiles({path}, e);
            QVERIFY2(r.ok, (std::string(empty) + ": " + r.error.text()).c_str());
            QCOMPARE(e.spanCount(), size_t(0));
        }
    }

    // span_duplicate says whether both copies were in one file or in two.
    void duplicateSource()
    {
        QTemporaryDir dir;
        const std::string a = writeFile(dir, "a.jsonl", std::string(kJavaLine1) + "\n" + kJavaLine1 + "\n");
        Model one;
        LoadResult r = loadFiles({a}, one);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(one.spanCount(), size_t(1));
        const Diagnostic *d = one.diagnostics.find(diag::SpanDuplicate);
        QVERIFY(d);
        QVERIFY2(d->message.find("appears twice in " + a) != std::string::npos, d->message.c_str());

        const std::string b = writeFile(dir, "b.json", kJavaLine1);
        const std::string c = writeFile(dir, "c.json", std::string(kJavaLine2) + "\n");
        Model two;
        r = loadFiles({b, c, b}, two);
        QVERIFY2(r.ok, r.error.text().c_str());
        QCOMPARE(two.spanCount(), size_t(2));
        d = two.diagnostics.find(diag::SpanDuplicate);
        QVERIFY(d);
        QVERIFY2(d->message.find("is both in " + b + " and in " + b + " (the same file opened twice?)") != std::string::npos, d->message.c_str());
        // The sources still name the right file after the duplicate was removed.
        QCOMPARE(two.sourceOf(0)->name, b);
        QCOMPARE(two.sourceOf(1)->name, c);
    }
};

QTEST_GUILESS_MAIN(TestLoad)
#include "tst_load.moc"
