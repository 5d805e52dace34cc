// `causeway linkmap`, `causeway chain --timing`, `causeway critical-path` and
// `causeway export --view linkmap` as scripts see them: JSON with the exact
// numbers worked out by hand for tests/data/linkmap, text output, exit codes.

#include "common/cliprocess.h"
#include "common/testutil.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace causeway::test;

namespace {

QString data(const char *name)
{
    return QString::fromStdString(testData((std::string("linkmap/") + name).c_str()));
}

const QString kSample = QString::fromStdString(bundledSample("causeway-sample.jsonl"));

QString trace(uint32_t n)
{
    return QStringLiteral("5a%1").arg(n, 30, 16, QLatin1Char('0'));
}

QJsonObject json(const Run &r)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << r.out.left(300) << r.err;
    return doc.object();
}

QJsonObject edge(const QJsonObject &map, const QString &from, const QString &to)
{
    for (const auto &v : map.value(QStringLiteral("edges")).toArray()) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("from")).toString() == from && e.value(QStringLiteral("to")).toString() == to)
            return e;
    }
    return {};
}

constexpr qint64 ms = 1'000'000;

} // namespace

class TestLinkMapCli : public QObject
{
    Q_OBJECT
private slots:
    void linkmapJson()
    {
        const Run r = runCauseway({QStringLiteral("linkmap"), QStringLiteral("--json"), data("fanout.json"), data("skew.json"),
                                   data("unresolved.json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject map = json(r);
        QCOMPARE(map.value(QStringLiteral("by")).toString(), QStringLiteral("service"));
        QCOMPARE(map.value(QStringLiteral("links")).toInt(), 8);
        QCOMPARE(map.value(QStringLiteral("unresolved")).toInt(), 3);
        QCOMPARE(map.value(QStringLiteral("dropped")).toInt(), 3);
        // Fan-out lags 4, 19, 104 ms and skew -5, 10 ms: sorted -5 4 10 19 104.
        const QJsonObject e = edge(map, QStringLiteral("shop-api"), QStringLiteral("inventory"));
        QCOMPARE(e.value(QStringLiteral("links")).toInt(), 5);
        QCOMPARE(e.value(QStringLiteral("causeTraces")).toInt(), 2);
        QCOMPARE(e.value(QStringLiteral("effectTraces")).toInt(), 5);
        const QJsonObject lag = e.value(QStringLiteral("lagNanos")).toObject();
        QCOMPARE(qint64(lag.value(QStringLiteral("min")).toDouble()), -5 * ms);
        QCOMPARE(qint64(lag.value(QStringLiteral("p50")).toDouble()), 10 * ms); // ceil(2.5) = 3rd
        QCOMPARE(qint64(lag.value(QStringLiteral("p95")).toDouble()), 104 * ms);
        QCOMPARE(qint64(lag.value(QStringLiteral("max")).toDouble()), 104 * ms);
        QCOMPARE(e.value(QStringLiteral("effectTracesWithErrors")).toInt(), 1);
        QCOMPARE(e.value(QStringLiteral("errorShare")).toDouble(), 0.2);
        const QJsonObject missing = edge(map, QStringLiteral("(not loaded)"), QStringLiteral("notify"));
        QCOMPARE(missing.value(QStringLiteral("unresolved")).toInt(), 3);
        QCOMPARE(missing.value(QStringLiteral("dropped")).toInt(), 3);
        QVERIFY(missing.value(QStringLiteral("lagNanos")).isNull());
    }

    void linkmapTextAndGroupings()
    {
        const Run text = runCauseway({QStringLiteral("linkmap"), QStringLiteral("--by"), QStringLiteral("destination"), kSample});
        QCOMPARE(text.exitCode, 0);
        const QString out = QString::fromUtf8(text.out);
        QVERIFY(out.startsWith(QStringLiteral("Link map by destination: 90 links, 87 resolved, 3 to spans not loaded")));
        QVERIFY(out.contains(QStringLiteral("orders")));
        QVERIFY(out.contains(QStringLiteral("payment-service: payments process")));
        const Run bad = runCauseway({QStringLiteral("linkmap"), QStringLiteral("--by"), QStringLiteral("host"), kSample});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("--by takes service, operation or destination"));
        QCOMPARE(runCauseway({QStringLiteral("linkmap")}).exitCode, 2);
    }

    void chainTimingJson()
    {
        const Run r = runCauseway({QStringLiteral("chain"), QStringLiteral("--timing"), QStringLiteral("--downstream"),
                                   QStringLiteral("--json"), trace(30), data("retry.json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject t = json(r);
        QCOMPARE(qint64(t.value(QStringLiteral("elapsedNanos")).toDouble()), 7270 * ms);
        QCOMPARE(qint64(t.value(QStringLiteral("insideNanos")).toDouble()), 270 * ms);
        QCOMPARE(qint64(t.value(QStringLiteral("betweenNanos")).toDouble()), 7000 * ms);
        const QJsonArray hops = t.value(QStringLiteral("hops")).toArray();
        QCOMPARE(hops.size(), 6);
        const QJsonObject dlq = hops.last().toObject();
        QCOMPARE(dlq.value(QStringLiteral("traceId")).toString(), trace(35));
        QCOMPARE(qint64(dlq.value(QStringLiteral("waitBeforeNanos")).toDouble()), 4000 * ms);
        QCOMPARE(qint64(dlq.value(QStringLiteral("via")).toObject().value(QStringLiteral("lagNanos")).toDouble()), 4050 * ms);
        QVERIFY(hops.first().toObject().value(QStringLiteral("via")).isNull());
        QStringList services;
        for (const QJsonValue &h : hops)
            services << h.toObject().value(QStringLiteral("service")).toString();
        QCOMPARE(services, (QStringList{QStringLiteral("shop-api"), QStringLiteral("payment"), QStringLiteral("inventory"),
                                        QStringLiteral("inventory"), QStringLiteral("inventory"), QStringLiteral("dead-letter")}));
    }

    void chainTimingText()
    {
        const Run r = runCauseway({QStringLiteral("chain"), QStringLiteral("--timing"), QStringLiteral("--downstream"),
                                   QStringLiteral("da6f7dff4ba24091b92558d70fc6bf60"), kSample});
        QCOMPARE(r.exitCode, 0);
        const QString out = QString::fromUtf8(r.out);
        QVERIFY(out.startsWith(QStringLiteral("Elapsed ")));
        QVERIFY(out.contains(QStringLiteral("between them (4 traces)")));
        QVERIFY(out.contains(QStringLiteral("orders.dlq process  [dead-letter-handler]")));
    }

    void criticalPath()
    {
        const Run r = runCauseway({QStringLiteral("critical-path"), QStringLiteral("--json"), trace(1), data("fanout.json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject p = json(r);
        QCOMPARE(qint64(p.value(QStringLiteral("totalNanos")).toDouble()), 10 * ms);
        const QJsonArray sections = p.value(QStringLiteral("sections")).toArray();
        QStringList names;
        for (const auto &s : sections)
            names << s.toObject().value(QStringLiteral("name")).toString();
        QCOMPARE(names, (QStringList{QStringLiteral("POST /orders"), QStringLiteral("template"), QStringLiteral("render"),
                                     QStringLiteral("POST /orders"), QStringLiteral("SELECT stock"), QStringLiteral("POST /orders")}));
        QCOMPARE(qint64(sections[1].toObject().value(QStringLiteral("durationNanos")).toDouble()), 2 * ms);
        const Run missing = runCauseway({QStringLiteral("critical-path"), trace(99), data("fanout.json")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains("is not loaded"));
    }

    void exportLinkMap()
    {
        QTemporaryDir dir;
        const QString svg = dir.filePath(QStringLiteral("map.svg")), dot = dir.filePath(QStringLiteral("map.dot")),
                      png = dir.filePath(QStringLiteral("map.png"));
        QCOMPARE(runCauseway({QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("linkmap"), QStringLiteral("-o"), svg, kSample})
                     .exitCode,
                 0);
        QFile svgFile(svg);
        QVERIFY(svgFile.open(QIODevice::ReadOnly));
        const QByteArray svgText = svgFile.readAll();
        QVERIFY(svgText.contains("<svg"));
        QVERIFY(svgText.contains("billing-batch"));
        QCOMPARE(runCauseway({QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("linkmap"), QStringLiteral("--by"),
                              QStringLiteral("operation"), QStringLiteral("-o"), dot, kSample})
                     .exitCode,
                 0);
        QFile dotFile(dot);
        QVERIFY(dotFile.open(QIODevice::ReadOnly));
        const QByteArray dotText = dotFile.readAll();
        QVERIFY(dotText.startsWith("digraph"));
        QVERIFY(dotText.contains("40 links"));
        QCOMPARE(runCauseway({QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("linkmap"), QStringLiteral("-o"), png, kSample})
                     .exitCode,
                 0);
        QVERIFY(QImage(png).width() > 300);
        const Run wrong = runCauseway({QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("graph"), QStringLiteral("--by"),
                                       QStringLiteral("service"), QStringLiteral("-o"), svg, kSample});
        QCOMPARE(wrong.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestLinkMapCli)
#include "tst_linkmapcli.moc"
