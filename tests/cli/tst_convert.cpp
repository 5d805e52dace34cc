// `causeway convert` as scripts see it: the real executable on the public
// samples and on protobuf files; the output loads to the same model as the
// input, and errors give the documented exit codes with one stderr line.

#include "core/load.h"

#include "common/modelcompare.h"
#include "common/cliprocess.h"
#include "common/testutil.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace causeway;
using namespace causeway::test;

namespace {

QString q(const std::string &s) { return QString::fromStdString(s); }

bool loadAll(const std::vector<std::string> &files, Model &m, std::string &error)
{
    const LoadResult r = loadFiles(files, m);
    error = r.ok ? std::string() : r.error.text();
    return r.ok;
}

int lines(const QByteArray &text) { return int(text.count('\n')); }

} // namespace

class TestConvert : public QObject
{
    Q_OBJECT

private slots:
    void publicSamples_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("to");
        const char *files[] = {"otelproto_examples_trace.json", "jaeger_memory_otel_traces_01.json",
            "jaeger_integration_link_attributes_trace.json", "jaegerui_v3_gettrace_jaeger-2.21.0.json"};
        for (const char *file : files)
            for (const char *to : {"otlp-json", "otlp-jsonl", "otlp-proto"})
                QTest::newRow(qPrintable(QStringLiteral("%1_%2").arg(QString::fromUtf8(file), QString::fromUtf8(to))))
                    << q(publicSample(file)) << QString::fromUtf8(to);
        // Jaeger and Zipkin JSON: convert is also a migration tool.
        const char *foreign[] = {"foreign/jaeger_uimodel_ui_01.json", "foreign/jaeger_query_otlp2jaeger-out.json",
            "foreign/jaeger_anonymizer_trace_success.json", "foreign/zipkin_lens_yelp.json",
            "foreign/zipkin_lens_messaging-kafka.json", "foreign/zipkin_lens_envoy.json"};
        for (const char *file : foreign)
            for (const char *to : {"otlp-json", "otlp-jsonl", "otlp-proto"})
                QTest::newRow(qPrintable(QStringLiteral("%1_%2").arg(QString::fromUtf8(file), QString::fromUtf8(to))))
                    << q(testData(file)) << QString::fromUtf8(to);
        for (const char *to : {"otlp-json", "otlp-jsonl", "otlp-proto"})
            QTest::newRow(qPrintable(QStringLiteral("zipkin_v2_lens_skew.json_%1").arg(QString::fromUtf8(to))))
                << q(publicSample("zipkin_v2_lens_skew.json")) << QString::fromUtf8(to);
        for (const char *to : {"otlp-json", "otlp-proto"}) {
            QTest::newRow(qPrintable(QStringLiteral("checkout.pb_%1").arg(QString::fromUtf8(to))))
                << q(testData("proto/checkout.pb")) << QString::fromUtf8(to);
            QTest::newRow(qPrintable(QStringLiteral("checkout_framed.bin_%1").arg(QString::fromUtf8(to))))
                << q(testData("proto/checkout_framed.bin")) << QString::fromUtf8(to);
        }
    }
    void publicSamples()
    {
        QFETCH(QString, input);
        QFETCH(QString, to);
        QTemporaryDir dir;
        const QString output = dir.filePath(QStringLiteral("out"));
        const Run r = runCauseway({QStringLiteral("convert"), QStringLiteral("--to"), to, QStringLiteral("-o"), output, input});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.isEmpty());

        Model original, converted;
        std::string error;
        QVERIFY2(loadAll({input.toStdString()}, original, error), error.c_str());
        QVERIFY2(loadAll({output.toStdString()}, converted, error), error.c_str());
        QVERIFY(converted.spanCount() > 0);
        const std::string diff = compareModels(original, converted);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    // Several inputs become one file that loads like the inputs together;
    // converting the result again changes nothing.
    void severalInputsAndChains()
    {
        QTemporaryDir dir;
        const std::vector<std::string> inputs = {publicSample("jaeger_memory_otel_traces_01.json"),
            publicSample("jaeger_integration_link_attributes_trace.json"), testData("proto/checkout.pb")};
        const QString proto = dir.filePath(QStringLiteral("all.pb")), json = dir.filePath(QStringLiteral("all.json")),
                      jsonl = dir.filePath(QStringLiteral("all.jsonl"));
        QStringList args = {QStringLiteral("convert"), QStringLiteral("--to"), QStringLiteral("otlp-proto"), QStringLiteral("-o"), proto};
        for (const auto &i : inputs)
            args << q(i);
        Run r = runCauseway(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCauseway({QStringLiteral("convert"), QStringLiteral("--to=otlp-json"), QStringLiteral("--output"), json, proto});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = runCauseway({QStringLiteral("convert"), QStringLiteral("--to"), QStringLiteral("otlp-jsonl"), QStringLiteral("-o"), jsonl, json});
        QVERIFY2(r.exitCode == 0, r.err.constData());

        Model together, viaChain;
        std::string error;
        QVERIFY2(loadAll(inputs, together, error), error.c_str());
        QVERIFY2(loadAll({jsonl.toStdString()}, viaChain, error), error.c_str());
        const std::string diff = compareModels(together, viaChain);
        QVERIFY2(diff.empty(), diff.c_str());
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        const QString in = q(testData("proto/checkout.pb"));
        QTest::newRow("no --to") << QStringList{QStringLiteral("-o"), QStringLiteral("x"), in};
        QTest::newRow("unknown format") << QStringList{QStringLiteral("--to"), QStringLiteral("csv"), QStringLiteral("-o"), QStringLiteral("x"), in};
        QTest::newRow("no -o") << QStringList{QStringLiteral("--to"), QStringLiteral("otlp-json"), in};
        QTest::newRow("no input") << QStringList{QStringLiteral("--to"), QStringLiteral("otlp-json"), QStringLiteral("-o"), QStringLiteral("x")};
        QTest::newRow("unknown option") << QStringList{QStringLiteral("--to"), QStringLiteral("otlp-json"), QStringLiteral("-o"), QStringLiteral("x"), QStringLiteral("--bogus"), in};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QTemporaryDir dir;
        QProcess p;
        p.setWorkingDirectory(dir.path());
        p.start(QStringLiteral(CAUSEWAY_BIN), QStringList{QStringLiteral("convert")} + args);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(!p.readAllStandardError().isEmpty());
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x"))));
    }

    void fatalErrors_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("output");
        QTest::addColumn<QString>("expected");
        QTemporaryDir dir;
        QTest::newRow("missing input") << QStringLiteral("/nonexistent/trace.json") << QStringLiteral("out") << QStringLiteral("cannot read");
        QTest::newRow("unwritable output") << q(testData("proto/checkout.pb")) << QStringLiteral("/nonexistent/dir/out.pb")
                                           << QStringLiteral("cannot open for writing");
        QTest::newRow("truncated protobuf") << QStringLiteral("TRUNCATED") << QStringLiteral("out") << QStringLiteral("malformed OTLP protobuf");
    }
    void fatalErrors()
    {
        QFETCH(QString, input);
        QFETCH(QString, output);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        if (input == QLatin1String("TRUNCATED")) {
            std::string bytes, error;
            QVERIFY(readFile(testData("proto/checkout.pb"), bytes, error));
            input = q(writeFile(dir, "cut.pb", std::string_view(bytes).substr(0, bytes.size() / 2)));
        }
        if (!output.startsWith(QLatin1Char('/')))
            output = dir.filePath(output);
        const Run r = runCauseway({QStringLiteral("convert"), QStringLiteral("--to"), QStringLiteral("otlp-proto"), QStringLiteral("-o"), output, input});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(lines(r.err), 1);
        QVERIFY2(r.err.startsWith("causeway: "), r.err.constData());
        QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
    }

    void help()
    {
        const Run r = runCauseway({QStringLiteral("convert"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("otlp-json|otlp-jsonl|otlp-proto"));
    }
};

QTEST_GUILESS_MAIN(TestConvert)
#include "tst_convert.moc"
