// The headless command line as scripts see it: exit codes, stderr, JSON.

#include "common/cliprocess.h"
#include "common/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace causeway::test;

namespace {

QString sample(const char *name)
{
    return QString::fromStdString(publicSample(name));
}

QJsonObject json(const Run &r)
{
    QJsonParseError error;
    QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << r.out.left(300);
    return doc.object();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void statsCounts_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("traces");
        QTest::addColumn<int>("spans");
        QTest::addColumn<int>("links");
        QTest::addColumn<int>("resolved");
        QTest::addColumn<int>("crossTrace");
        QTest::addColumn<int>("errors");
        // Counted independently from the JSON of each public sample.
        QTest::newRow("jaeger memory fixture") << sample("jaeger_memory_otel_traces_01.json") << 2 << 4 << 8 << 4 << 6 << 4;
        QTest::newRow("jaeger link attributes") << sample("jaeger_integration_link_attributes_trace.json") << 1 << 1 << 3 << 0 << 3 << 0;
        QTest::newRow("jaeger v3 api response") << sample("jaegerui_v3_gettrace_jaeger-2.21.0.json") << 1 << 3 << 1 << 0 << 1 << 1;
        QTest::newRow("otlp proto example") << sample("otelproto_examples_trace.json") << 1 << 1 << 0 << 0 << 0 << 0;
    }
    void statsCounts()
    {
        QFETCH(QString, file);
        Run r = runCauseway({QStringLiteral("stats"), QStringLiteral("--json"), file});
        QCOMPARE(r.exitCode, 0);
        QJsonObject o = json(r);
        QFETCH(int, traces);
        QFETCH(int, spans);
        QFETCH(int, links);
        QFETCH(int, resolved);
        QFETCH(int, crossTrace);
        QFETCH(int, errors);
        QCOMPARE(o.value(QStringLiteral("traces")).toInt(-1), traces);
        QCOMPARE(o.value(QStringLiteral("spans")).toInt(-1), spans);
        QCOMPARE(o.value(QStringLiteral("links")).toInt(-1), links);
        QCOMPARE(o.value(QStringLiteral("resolvedLinks")).toInt(-1), resolved);
        QCOMPARE(o.value(QStringLiteral("unresolvedLinks")).toInt(-1), links - resolved);
        QCOMPARE(o.value(QStringLiteral("crossTraceLinks")).toInt(-1), crossTrace);
        QCOMPARE(o.value(QStringLiteral("errorSpans")).toInt(-1), errors);
        QCOMPARE(o.value(QStringLiteral("droppedLinks")).toInt(-1), 0);
        QVERIFY(o.value(QStringLiteral("diagnostics")).isArray());
    }

    void sameFileTwiceKeepsSpansOnce()
    {
        const QString f = sample("jaeger_memory_otel_traces_01.json");
        Run r = runCauseway({QStringLiteral("stats"), QStringLiteral("--json"), f, f});
        QCOMPARE(r.exitCode, 0);
        QJsonObject o = json(r);
        QCOMPARE(o.value(QStringLiteral("spans")).toInt(), 4);
        QCOMPARE(o.value(QStringLiteral("links")).toInt(), 8);
        bool found = false;
        for (const auto &d : o.value(QStringLiteral("diagnostics")).toArray()) {
            const QJsonObject diag = d.toObject();
            if (diag.value(QStringLiteral("code")).toString() == QStringLiteral("span_duplicate")) {
                found = true;
                QCOMPARE(diag.value(QStringLiteral("count")).toInt(), 4);
                QVERIFY(!diag.value(QStringLiteral("severity")).toString().isEmpty());
                QVERIFY(!diag.value(QStringLiteral("message")).toString().isEmpty());
            }
        }
        QVERIFY(found);
    }

    void linksJson()
    {
        Run r = runCauseway({QStringLiteral("links"), QStringLiteral("--json"), sample("jaeger_integration_link_attributes_trace.json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray links = json(r).value(QStringLiteral("links")).toArray();
        QCOMPARE(links.size(), 3);
        for (const auto &v : links) {
            const QJsonObject l = v.toObject();
            const QString from = l.value(QStringLiteral("from")).toObject().value(QStringLiteral("traceId")).toString();
            const QString to = l.value(QStringLiteral("to")).toObject().value(QStringLiteral("spanId")).toString();
            QCOMPARE(from.size(), 32);
            QCOMPARE(to.size(), 16);
            QCOMPARE(from, from.toLower());
            QCOMPARE(l.value(QStringLiteral("resolved")).toBool(true), false);
            QVERIFY(l.value(QStringLiteral("attributes")).isObject());
        }
        // The fixture's first link carries typed attributes, among them bytes.
        const QJsonObject attrs = links.first().toObject().value(QStringLiteral("attributes")).toObject();
        QVERIFY(!attrs.isEmpty());
    }

    void exitCodes()
    {
        Run missing = runCauseway({QStringLiteral("stats"), QStringLiteral("/nonexistent/trace.json")});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.err.count('\n'), 1);
        QVERIFY(missing.err.contains("/nonexistent/trace.json"));

        // Nothing loadable (Jaeger UI's test trace has placeholder ids): exit 1, the first problem named.
        Run nothing = runCauseway({QStringLiteral("stats"), sample("jaegerui_legacy_tracegraph_testTrace.json")});
        QCOMPARE(nothing.exitCode, 1);
        QVERIFY(nothing.err.contains("jaegerui_legacy_tracegraph_testTrace.json: byte "));
        QVERIFY2(nothing.err.contains("no span could be read") && nothing.err.contains("'trace-123'"), nothing.err.constData());
        QCOMPARE(nothing.err.count('\n'), 1);

        // Zipkin v2 JSON is read like any trace file.
        Run zipkin = runCauseway({QStringLiteral("stats"), QStringLiteral("--json"), sample("zipkin_v2_lens_skew.json")});
        QCOMPARE(zipkin.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(zipkin.out).object().value(QStringLiteral("spans")).toInt(), 4);

        QCOMPARE(runCauseway({QStringLiteral("stats")}).exitCode, 2);
        QCOMPARE(runCauseway({QStringLiteral("stats"), QStringLiteral("--bogus"), sample("otelproto_examples_trace.json")}).exitCode, 2);
        QCOMPARE(runCauseway({QStringLiteral("convert"), sample("otelproto_examples_trace.json")}).exitCode, 2);
        QCOMPARE(runCauseway({QStringLiteral("--no-such-option")}).exitCode, 2);
    }

    void helpOnEveryCommand()
    {
        Run top = runCauseway({QStringLiteral("--help")});
        QCOMPARE(top.exitCode, 0);
        for (const char *command : {"stats", "links", "convert"}) {
            QVERIFY2(top.out.contains(command), command);
            Run r = runCauseway({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.startsWith("Usage: causeway " + QByteArray(command)));
        }
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
