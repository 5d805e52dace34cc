// `causeway chain` and `causeway errors` as scripts see them: JSON output,
// text output, exit codes, on hand-written files, a public sample and the
// bundled sample written by the OpenTelemetry JS SDK.

#include "common/cliprocess.h"
#include "common/testutil.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QtTest>

using namespace causeway::test;

namespace {

QString data(const char *name)
{
    return QString::fromStdString(testData(name));
}

const QString kMessaging = data("graph/messaging.json");
const QString kRetry = data("graph/retry.json");
const QString kEdgeCases = data("graph/edgecases.json");

// The hand-written files name traces 4bf92f3577b34da6a3ce929d0e0e47NN.
QString trace(const char *nn)
{
    return QStringLiteral("4bf92f3577b34da6a3ce929d0e0e47") + QLatin1String(nn);
}

QStringList traces(std::initializer_list<const char *> nns)
{
    QStringList out;
    for (const char *nn : nns)
        out << trace(nn);
    return out;
}

QJsonObject json(const Run &r)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << r.out.left(300) << r.err;
    return doc.object();
}

QStringList chainTraces(const Run &r)
{
    QStringList out;
    for (const auto &v : json(r).value(QStringLiteral("traces")).toArray())
        out << v.toString();
    return out;
}

// "TRACEID/SPANID" of each error span, in output order.
QStringList errorSpans(const Run &r)
{
    QStringList out;
    for (const auto &v : json(r).value(QStringLiteral("spans")).toArray()) {
        const QJsonObject o = v.toObject();
        out << o.value(QStringLiteral("traceId")).toString() + QLatin1Char('/') + o.value(QStringLiteral("spanId")).toString();
    }
    return out;
}

} // namespace

class TestChain : public QObject
{
    Q_OBJECT
private slots:
    void chainJson_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("expected");
        const auto s = [](const char *text) { return QString::fromLatin1(text); };

        QTest::newRow("both ways by default")
            << QStringList{trace("04"), kMessaging} << traces({"01", "02", "03", "04", "05"});
        QTest::newRow("downstream across files")
            << QStringList{s("--downstream"), trace("01"), kMessaging, kRetry, kEdgeCases}
            << traces({"01", "02", "03", "04", "05", "10", "11", "12", "13"});
        QTest::newRow("upstream of the dead letter")
            << QStringList{s("--upstream"), trace("13"), kRetry, kMessaging} << traces({"01", "10", "11", "12", "13"});
        QTest::newRow("depth limit")
            << QStringList{s("--downstream"), s("--depth"), s("1"), trace("01"), kMessaging, kRetry}
            << traces({"01", "02", "03", "04", "10"});
        QTest::newRow("depth=0")
            << QStringList{s("--depth=0"), trace("01"), kMessaging} << traces({"01"});
        QTest::newRow("span reference: a span without links")
            << QStringList{trace("01") + s("/0100000000000003"), kMessaging, kRetry} << traces({"01"});
        QTest::newRow("span reference: the publish span")
            << QStringList{s("--downstream"), trace("01") + s("/0100000000000002"), kMessaging, kRetry}
            << traces({"01", "02", "03", "04", "05", "10", "11", "12", "13"});
        QTest::newRow("upper case reference")
            << QStringList{s("--upstream"), trace("02").toUpper(), kMessaging} << traces({"01", "02"});
        QTest::newRow("cycle")
            << QStringList{s("--upstream"), trace("21"), kEdgeCases} << traces({"20", "21", "22"});
        QTest::newRow("links inside one trace and self-links")
            << QStringList{trace("30"), kEdgeCases} << traces({"30"});
        QTest::newRow("unresolved targets")
            << QStringList{trace("40"), kEdgeCases, kMessaging} << traces({"40"});
        // Public sample (Jaeger): 0002's spans link to 0001's span 4; 0001 also
        // links inside itself, to itself, and to a trace that is not there.
        QTest::newRow("jaeger fixture downstream")
            << QStringList{s("--downstream"), s("00000000000000010000000000000000"),
                           QString::fromStdString(publicSample("jaeger_memory_otel_traces_01.json"))}
            << QStringList{s("00000000000000010000000000000000"), s("00000000000000020000000000000000")};
        QTest::newRow("jaeger fixture upstream of the linked span's trace")
            << QStringList{s("--upstream"), s("00000000000000010000000000000000"),
                           QString::fromStdString(publicSample("jaeger_memory_otel_traces_01.json"))}
            << QStringList{s("00000000000000010000000000000000")};
    }

    void chainJson()
    {
        QFETCH(QStringList, args);
        QFETCH(QStringList, expected);
        const Run r = runCauseway(QStringList{QStringLiteral("chain"), QStringLiteral("--json")} + args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.err.isEmpty());
        QCOMPARE(chainTraces(r), expected);
    }

    void chainText()
    {
        const Run r = runCauseway({QStringLiteral("chain"), QStringLiteral("--downstream"), trace("10"), kRetry});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);
        // Sorted by trace id; hops and root span name on each line.
        QVERIFY(lines[0].startsWith(trace("10")));
        QVERIFY(lines[0].contains(QStringLiteral(" 0 hops ")));
        QVERIFY(lines[0].endsWith(QStringLiteral("orders process")));
        QVERIFY(lines[1].startsWith(trace("11")));
        QVERIFY(lines[1].contains(QStringLiteral(" 1 hop ")));
        QVERIFY(lines[2].contains(QStringLiteral(" 2 hops ")));
        QVERIFY(lines[3].startsWith(trace("13")));
        QVERIFY(lines[3].contains(QStringLiteral(" 3 hops ")));
        QVERIFY(lines[3].endsWith(QStringLiteral("orders.dlq process")));
    }

    void errorsJson()
    {
        // Errors in the traces triggered by the checkout's messages: the
        // checkout's own failing audit write is not among them.
        Run r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"), trace("01"),
                          kMessaging, kRetry, kEdgeCases});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(errorSpans(r), (QStringList{trace("03") + QStringLiteral("/0300000000000002"),
                                             trace("04") + QStringLiteral("/0400000000000002"),
                                             trace("10") + QStringLiteral("/1000000000000001"),
                                             trace("11") + QStringLiteral("/1100000000000001"),
                                             trace("12") + QStringLiteral("/1200000000000002")}));
        const QJsonObject first = json(r).value(QStringLiteral("spans")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("charge card"));
        QCOMPARE(first.value(QStringLiteral("message")).toString(), QStringLiteral("card declined"));

        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--depth"), QStringLiteral("1"),
                      QStringLiteral("--downstream-of"), trace("01"), kMessaging, kRetry});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(errorSpans(r), (QStringList{trace("03") + QStringLiteral("/0300000000000002"),
                                             trace("04") + QStringLiteral("/0400000000000002"),
                                             trace("10") + QStringLiteral("/1000000000000001")}));

        // A span reference: only what the publish span caused.
        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"),
                      trace("10") + QStringLiteral("/1000000000000001"), kRetry});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(errorSpans(r), (QStringList{trace("11") + QStringLiteral("/1100000000000001"),
                                             trace("12") + QStringLiteral("/1200000000000002")}));

        // Nothing downstream of the dead letter; the cycle's error is downstream
        // of its other members, the self-linked span's error of nothing.
        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"), trace("13"), kRetry});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(json(r).value(QStringLiteral("spans")).isArray());
        QVERIFY(errorSpans(r).isEmpty());
        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"), trace("21"), kEdgeCases});
        QCOMPARE(errorSpans(r), QStringList{trace("22") + QStringLiteral("/2200000000000001")});
        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"), trace("30"), kEdgeCases});
        QVERIFY(errorSpans(r).isEmpty());
    }

    void errorsUpstream()
    {
        // Upstream of the dead letter: every failed attempt before it; one
        // hop up, only the last. Both directions at once is a usage error.
        Run r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--upstream-of"), trace("13"), kRetry});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(errorSpans(r), (QStringList{trace("10") + QStringLiteral("/1000000000000001"),
                                             trace("11") + QStringLiteral("/1100000000000001"),
                                             trace("12") + QStringLiteral("/1200000000000002")}));
        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--depth"), QStringLiteral("1"),
                      QStringLiteral("--upstream-of"), trace("13"), kRetry});
        QCOMPARE(errorSpans(r), QStringList{trace("12") + QStringLiteral("/1200000000000002")});
        r = runCauseway({QStringLiteral("errors"), QStringLiteral("--upstream-of"), trace("13"), QStringLiteral("--downstream-of"),
                      trace("10"), kRetry});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("exclusive"), r.err.constData());
        r = runCauseway({QStringLiteral("errors"), kRetry});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--upstream-of REF is required"), r.err.constData());
    }

    void errorsText()
    {
        const Run r = runCauseway({QStringLiteral("errors"), QStringLiteral("--downstream-of"), trace("01"), kMessaging});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromUtf8(r.out),
                 trace("03") + QStringLiteral("/0300000000000002  charge card: card declined\n") + trace("04")
                     + QStringLiteral("/0400000000000002  INSERT shipments: deadlock detected\n"));
    }

    void errorsOnPublicSample()
    {
        // Both spans of trace 0002 have status ERROR and no message.
        const Run r = runCauseway({QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"),
                                QStringLiteral("00000000000000010000000000000000"),
                                QString::fromStdString(publicSample("jaeger_memory_otel_traces_01.json"))});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(errorSpans(r), (QStringList{QStringLiteral("00000000000000020000000000000000/0000000000000003"),
                                             QStringLiteral("00000000000000020000000000000000/0000000000000005")}));
        const QJsonObject first = json(r).value(QStringLiteral("spans")).toArray().at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("name")).toString(), QStringLiteral("test-general-conversion-3"));
        QCOMPARE(first.value(QStringLiteral("message")).toString(), QString());
    }

    // The bundled sample written by the OpenTelemetry JS SDK, as JSON Lines
    // and as protobuf: the same answers from both.
    void bundledSample()
    {
        const QString jsonl = QString::fromStdString(causeway::test::bundledSample("causeway-sample.jsonl"));
        const QString pb = QString::fromStdString(causeway::test::bundledSample("causeway-sample.pb"));
        // The checkout of order ord_4dbmf published messages; a payment
        // consumer they triggered failed on a deadlock.
        const QStringList errorsArgs{QStringLiteral("errors"), QStringLiteral("--json"), QStringLiteral("--downstream-of"),
                                     QStringLiteral("86af498361fbc6366d1bfc74bd4a1b9e")};
        const Run fromJson = runCauseway(errorsArgs + QStringList{jsonl});
        QVERIFY2(fromJson.exitCode == 0, fromJson.err.constData());
        QCOMPARE(errorSpans(fromJson), QStringList{QStringLiteral("c484ff7480743130fa6f2131e9db635e/1c97b1c722312362")});
        const QJsonObject span = json(fromJson).value(QStringLiteral("spans")).toArray().at(0).toObject();
        QCOMPARE(span.value(QStringLiteral("name")).toString(), QStringLiteral("INSERT shop.payments"));
        QCOMPARE(span.value(QStringLiteral("message")).toString(), QStringLiteral("PostgresError: deadlock detected"));
        const Run fromProto = runCauseway(errorsArgs + QStringList{pb});
        QCOMPARE(fromProto.exitCode, 0);
        QCOMPARE(fromProto.out, fromJson.out);

        // Upstream of the dead letter: three failed attempts and the checkout.
        const Run chain = runCauseway({QStringLiteral("chain"), QStringLiteral("--json"), QStringLiteral("--upstream"),
                                       QStringLiteral("068bbe47b77eb63ac9aec14cc9cf35e1"), jsonl});
        QCOMPARE(chain.exitCode, 0);
        QCOMPARE(chainTraces(chain), (QStringList{QStringLiteral("068bbe47b77eb63ac9aec14cc9cf35e1"),
                                                  QStringLiteral("10aa1b3084c289e4a1901ac4ae17688d"),
                                                  QStringLiteral("160d8fce005a3b375afc0a8668bb5e0a"),
                                                  QStringLiteral("5f5b5956ae68965780924e973b3db2f1"),
                                                  QStringLiteral("da6f7dff4ba24091b92558d70fc6bf60")}));
        // Up to two hops upstream of the settlement batch: its 40 items and
        // the 11 checkouts behind the online payments.
        const Run batch = runCauseway({QStringLiteral("chain"), QStringLiteral("--json"), QStringLiteral("--upstream"),
                                       QStringLiteral("--depth"), QStringLiteral("2"),
                                       QStringLiteral("bf68987c6db0b484b5ce1735f262b0e2"), pb});
        QCOMPARE(chainTraces(batch).size(), 52);
    }

    void exitCodes_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const auto s = [](const char *text) { return QString::fromLatin1(text); };

        QTest::newRow("chain: trace not loaded") << QStringList{s("chain"), trace("99"), kMessaging} << 1
                                                 << QStringLiteral("trace ") + trace("99") + QStringLiteral(" is not loaded");
        QTest::newRow("chain: span not loaded")
            << QStringList{s("chain"), trace("01") + s("/01000000000000ff"), kMessaging} << 1
            << QStringLiteral("span ") + trace("01") + QStringLiteral("/01000000000000ff is not loaded");
        QTest::newRow("chain: malformed trace id") << QStringList{s("chain"), s("4bf92f35zz"), kMessaging} << 1
                                                   << QStringLiteral("malformed trace id");
        QTest::newRow("chain: malformed span id") << QStringList{s("chain"), trace("01") + s("/xyz"), kMessaging} << 1
                                                  << QStringLiteral("malformed span id");
        QTest::newRow("chain: missing file") << QStringList{s("chain"), trace("01"), s("/nonexistent/causeway.json")} << 1
                                             << QStringLiteral("/nonexistent/causeway.json");
        QTest::newRow("errors: trace not loaded")
            << QStringList{s("errors"), s("--downstream-of"), trace("99"), kMessaging} << 1 << QStringLiteral("is not loaded");
        QTest::newRow("errors: malformed reference")
            << QStringList{s("errors"), s("--downstream-of=nothex"), kMessaging} << 1 << QStringLiteral("malformed trace id");

        QTest::newRow("chain: no arguments") << QStringList{s("chain")} << 2 << QStringLiteral("missing REF");
        QTest::newRow("chain: no files") << QStringList{s("chain"), trace("01")} << 2 << QStringLiteral("no input files");
        QTest::newRow("chain: two directions") << QStringList{s("chain"), s("--upstream"), s("--downstream"), trace("01"), kMessaging}
                                               << 2 << QStringLiteral("at most one");
        QTest::newRow("chain: bad depth") << QStringList{s("chain"), s("--depth"), s("-1"), trace("01"), kMessaging} << 2
                                          << QStringLiteral("--depth");
        QTest::newRow("chain: unknown option") << QStringList{s("chain"), s("--sideways"), trace("01"), kMessaging} << 2
                                               << QStringLiteral("unknown option --sideways");
        QTest::newRow("errors: no reference") << QStringList{s("errors"), kMessaging} << 2 << QStringLiteral("--downstream-of");
        QTest::newRow("errors: no files") << QStringList{s("errors"), s("--downstream-of"), trace("01")} << 2
                                          << QStringLiteral("no input files");
        QTest::newRow("errors: reference without value") << QStringList{s("errors"), s("--downstream-of")} << 2
                                                         << QStringLiteral("needs a value");
    }

    void exitCodes()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = runCauseway(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY(r.out.isEmpty());
        const QString err = QString::fromUtf8(r.err);
        QVERIFY2(err.contains(message), qPrintable(err));
        // A fatal error is one line; a usage error adds the --help hint.
        QCOMPARE(err.count(QLatin1Char('\n')), exitCode == 1 ? 1 : 2);
    }

    void help()
    {
        for (const char *command : {"chain", "errors"}) {
            const Run r = runCauseway({QString::fromLatin1(command), QStringLiteral("--help")});
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.startsWith("Usage: causeway " + QByteArray(command)));
        }
        const Run r = runCauseway({QStringLiteral("--help")});
        QVERIFY(r.out.contains("  chain "));
        QVERIFY(r.out.contains("  errors "));
    }
};

QTEST_GUILESS_MAIN(TestChain)
#include "tst_chain.moc"
