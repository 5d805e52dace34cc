// The headless command line as scripts see it: exit codes, stderr, JSON.

#include "common/cliprocess.h"
#include "common/testutil.h"

#include <QSet>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>
#include <zlib.h>

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

    // gRPC and libcurl, and the libraries they bring, are loaded when a gRPC
    // receiver starts or a backend is asked (core/module.h), not by every
    // command; the dynamic loader's own account of what it mapped says which.
    void startsWithoutGrpcOrCurl()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LD_DEBUG"), QStringLiteral("files"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("stats"), sample("otelproto_examples_trace.json")});
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        const QByteArray mapped = p.readAllStandardError();
        QVERIFY2(mapped.contains("file=libsimdjson.so"), mapped.left(2000).constData());
        QVERIFY2(!mapped.contains("file=libgrpc"), "causeway stats loaded gRPC");
        QVERIFY2(!mapped.contains("file=libcurl"), "causeway stats loaded libcurl");
        QVERIFY(!mapped.contains("causeway-otlp-grpc.so"));
        QVERIFY(!mapped.contains("causeway-http.so"));
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

    // A gzip bomb under a memory cap (here an address-space rlimit of 2 GiB):
    // refused with a message naming the file, never an abort on bad_alloc.
    void bombUnderMemoryCap()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bomb.json.gz"));
        {
            // 48 gzip members of 64 MiB of spaces each: 3 GiB from about 3 MB.
            QByteArray member;
            {
                const std::string plain = "{\"resourceSpans\":[" + std::string((size_t(64) << 20) - 18, ' ');
                z_stream zs{};
                deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
                member.resize(int(deflateBound(&zs, uLong(plain.size())) + 64));
                zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(plain.data()));
                zs.avail_in = uInt(plain.size());
                zs.next_out = reinterpret_cast<Bytef *>(member.data());
                zs.avail_out = uInt(member.size());
                QCOMPARE(deflate(&zs, Z_FINISH), Z_STREAM_END);
                member.resize(int(zs.total_out));
                deflateEnd(&zs);
            }
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 48; ++i)
                f.write(member);
        }
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        p.setProcessEnvironment(env);
        p.setChildProcessModifier([] {
            rlimit rl{uint64_t(2) << 30, uint64_t(2) << 30};
            ::setrlimit(RLIMIT_AS, &rl);
        });
        p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("stats"), path});
        QVERIFY(p.waitForFinished(120000));
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("bomb.json.gz") && (err.contains("exceeds the limit") || err.contains("out of memory")),
            err.constData());
    }

    void misspeltCommandIsNotAFile_data()
    {
        QTest::addColumn<QString>("word");
        QTest::addColumn<QString>("expected");
        QTest::newRow("stast") << QStringLiteral("stast") << QStringLiteral("unknown command 'stast' (did you mean 'stats'?)");
        QTest::newRow("chian") << QStringLiteral("chian") << QStringLiteral("unknown command 'chian' (did you mean 'chain'?)");
        QTest::newRow("exprot") << QStringLiteral("exprot") << QStringLiteral("unknown command 'exprot' (did you mean 'export'?)");
        QTest::newRow("far from any") << QStringLiteral("zzzzzzzz") << QStringLiteral("unknown command 'zzzzzzzz'\n");
    }
    void misspeltCommandIsNotAFile()
    {
        // As git answers: a command-like first word that is not a file is a misspelt command.
        QFETCH(QString, word);
        QFETCH(QString, expected);
        Run r = runCauseway({word, sample("otelproto_examples_trace.json")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected.toUtf8()), r.err.constData());
    }

    void qtOptionsAreQtApplicationsToTake()
    {
        // Qt's standard options are accepted; what the application does not
        // know is still refused, and named, without a display.
        QTemporaryDir dir;
        const QString qss = dir.filePath(QStringLiteral("x.qss"));
        QFile(qss).open(QIODevice::WriteOnly);
        Run r = runCauseway({QStringLiteral("-platform"), QStringLiteral("offscreen"), QStringLiteral("-style"),
                             QStringLiteral("Fusion"), QStringLiteral("-stylesheet"), qss, QStringLiteral("-reverse"),
                             QStringLiteral("--bogus")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unknown option --bogus"), r.err.constData());
        QVERIFY2(!r.err.contains("-platform"), r.err.constData());

        // With only Qt options the GUI starts (and keeps running) on the file given.
        QProcess gui;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.path()); // settings of its own
        gui.setProcessEnvironment(env);
        gui.start(QStringLiteral(CAUSEWAY_BIN),
                  {QStringLiteral("-platform"), QStringLiteral("offscreen"), QStringLiteral("-style"), QStringLiteral("Fusion"),
                   QStringLiteral("-stylesheet"), qss, QStringLiteral("-reverse"), sample("otelproto_examples_trace.json")});
        QVERIFY(gui.waitForStarted());
        QVERIFY2(!gui.waitForFinished(3000), gui.readAllStandardError().constData());
        gui.kill();
        gui.waitForFinished();
        // The file was opened (it is the first recent file), not an option taken for a file.
        QFile settings(dir.filePath(QStringLiteral("Causeway/Causeway.conf")));
        QVERIFY(settings.open(QIODevice::ReadOnly));
        const QByteArray conf = settings.readAll();
        QVERIFY2(conf.contains("otelproto_examples_trace.json"), conf.constData());
        QVERIFY2(!conf.contains("Fusion") && !conf.contains("offscreen"), conf.constData());
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
        // Every command's summary starts in one column, the longest name's
        // ("critical-path") included.
        const QList<QByteArray> lines = top.out.split('\n');
        const qsizetype at = lines.indexOf("Commands:");
        QVERIFY(at >= 0);
        QSet<qsizetype> columns;
        int commands = 0;
        for (qsizetype i = at + 1; i < lines.size() && lines[i].startsWith("  "); ++i, ++commands) {
            const QByteArray &line = lines[i];
            qsizetype column = line.indexOf(' ', 2); // after the name
            while (column < line.size() && line[column] == ' ')
                ++column;
            columns.insert(column);
        }
        QVERIFY2(commands >= 10, qPrintable(QString::number(commands)));
        QCOMPARE(columns.size(), 1);
        QVERIFY(top.out.contains("  critical-path  the spans"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
