// `causeway export` as a script runs it: the real binary, real files, and
// the files it writes opened with independent readers.

#include "common/cliprocess.h"
#include "common/testutil.h"

#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cstdio>

using namespace causeway::test;

namespace {

QString orders()
{
    return QString::fromStdString(testData("graph_export/orders.json"));
}

QString traceId(int n)
{
    return QStringLiteral("5eed%1").arg(n, 28, 10, QLatin1Char('0'));
}

struct Svg
{
    bool wellFormed = false;
    QString error;
    QSizeF viewBox;
    QStringList texts;
};

Svg readSvg(const QString &path)
{
    Svg svg;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        svg.error = QStringLiteral("cannot open");
        return svg;
    }
    QXmlStreamReader xml(&file);
    bool root = true;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (root) {
            root = false;
            if (xml.name() != QLatin1String("svg")) {
                svg.error = QStringLiteral("root element is not svg");
                return svg;
            }
            const QStringList box = xml.attributes().value(QLatin1String("viewBox")).toString().split(QLatin1Char(' '));
            if (box.size() == 4)
                svg.viewBox = QSizeF(box[2].toDouble(), box[3].toDouble());
        }
        if (xml.name() == QLatin1String("text"))
            svg.texts << xml.readElementText(QXmlStreamReader::IncludeChildElements).trimmed();
    }
    svg.wellFormed = !xml.hasError() && !root;
    if (xml.hasError())
        svg.error = xml.errorString();
    return svg;
}

// A producer trace whose message `n` consumer traces link to, as OTLP/JSON.
QByteArray fanOutJson(int n)
{
    QByteArray spans;
    auto span = [](const QString &trace, const QString &spanId, const char *name, qint64 startMs, const QString &links) {
        return QStringLiteral(R"({"traceId":"%1","spanId":"%2","name":"%3","startTimeUnixNano":"%4","endTimeUnixNano":"%5"%6})")
            .arg(trace, spanId, QString::fromUtf8(name))
            .arg(1700000000000000000LL + startMs * 1000000)
            .arg(1700000000000000000LL + (startMs + 5) * 1000000)
            .arg(links)
            .toUtf8();
    };
    const QString producer = QStringLiteral("feed%1").arg(1, 28, 10, QLatin1Char('0'));
    const QString publish = QStringLiteral("aa00000000000001");
    spans += span(producer, publish, "publish items", 0, QString());
    for (int i = 0; i < n; ++i) {
        const QString links = QStringLiteral(R"(,"links":[{"traceId":"%1","spanId":"%2"}])").arg(producer, publish);
        spans += ',' + span(QStringLiteral("feed%1").arg(100 + i, 28, 10, QLatin1Char('0')),
                            QStringLiteral("bb%1").arg(i + 1, 14, 10, QLatin1Char('0')), "process item", 10 + i, links);
    }
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"items"}}]},"scopeSpans":[{"spans":[)"
        + spans + "]}]}]}";
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString out(const char *name) const { return m_dir.filePath(QString::fromUtf8(name)); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::exists(orders()));
    }

    void graphSvg()
    {
        const QString path = out("graph.svg");
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("graph"),
                                QStringLiteral("--format"), QStringLiteral("svg"), QStringLiteral("-o"), path, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        const Svg svg = readSvg(path);
        QVERIFY2(svg.wellFormed, qPrintable(svg.error));
        QVERIFY(svg.viewBox.width() > 400 && svg.viewBox.height() > 100);
        for (const char *label : {"POST /orders", "nightly settlement", "charge card retry", "checkout", "order-worker",
                                  "payments", "1 link · 160 ms", "1 link · 20 ms"})
            QVERIFY2(svg.texts.contains(QString::fromUtf8(label)), label);
        // Node details start with the short trace id.
        for (const char *detail : {"40 ms · 2 spans", "60 ms · 2 spans · 1 error"})
            QVERIFY2(!svg.texts.filter(QRegularExpression(QStringLiteral("^[0-9a-f]{8} · ") + QRegularExpression::escape(QString::fromUtf8(detail)) + QLatin1Char('$'))).isEmpty(), detail);
        QCOMPARE(svg.texts.count(QStringLiteral("process order")), 3);
    }

    void graphPng()
    {
        // The PNG is the SVG's picture at the scale asked for.
        const QString svgPath = out("size.svg"), pngPath = out("graph.png");
        QCOMPARE(runCauseway({QStringLiteral("export"), QStringLiteral("-o"), svgPath, QStringLiteral("--format"),
                           QStringLiteral("svg"), orders()}).exitCode, 0);
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("png"),
                                QStringLiteral("--scale"), QStringLiteral("2"), QStringLiteral("-o"), pngPath, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QSizeF logical = readSvg(svgPath).viewBox;
        QImage image(pngPath);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(int(std::ceil(logical.width() * 2)), int(std::ceil(logical.height() * 2))));
        // Painted: the error mark's red and the link colour are there.
        int red = 0, link = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QRgb c = image.pixel(x, y) & 0xffffff;
                red += c == 0xd62728;
                link += c == 0x6a3d9a;
            }
        QVERIFY(red > 100);
        QVERIFY(link > 100);
    }

    void graphPngWidth()
    {
        const QString path = out("narrow.png");
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--width"), QStringLiteral("500"),
                                QStringLiteral("-o"), path, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QImage image(path);
        QCOMPARE(image.width(), 500);
        QVERIFY(image.height() > 50 && image.height() < 500);
    }

    void graphPdf()
    {
        const QString path = out("graph.pdf");
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("pdf"),
                                QStringLiteral("-o"), path, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray pdf = file.readAll();
        QVERIFY(pdf.startsWith("%PDF-"));
        QVERIFY(pdf.trimmed().endsWith("%%EOF"));
        const auto pages = QRegularExpression(QStringLiteral("/Type\\s*/Page[^s]")).globalMatch(QString::fromLatin1(pdf));
        int count = 0;
        for (auto it = pages; it.hasNext(); it.next())
            ++count;
        QCOMPARE(count, 1);
    }

    void graphDot()
    {
        const QString path = out("graph.dot");
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("dot"),
                                QStringLiteral("-o"), path, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString dot = QString::fromUtf8(file.readAll());
        QVERIFY(dot.startsWith(QStringLiteral("digraph")));
        for (int t = 1; t <= 6; ++t)
            QVERIFY2(dot.contains(QLatin1Char('"') + traceId(t) + QStringLiteral("\"\t[")), qPrintable(traceId(t)));
        QCOMPARE(dot.count(QStringLiteral(" -> ")), 6);
        QVERIFY(dot.contains(QStringLiteral("label=\"charge card retry\\npayments\\n") + traceId(6).left(8) + QStringLiteral(" · 30 ms · 1 span\"")));
        QVERIFY(dot.contains(QStringLiteral("\"") + traceId(4) + QStringLiteral("\" -> \"") + traceId(6)
                             + QStringLiteral("\"\t[label=\"1 link · 160 ms\"]")));
    }

    void centredOnTrace()
    {
        // One hop around the retry: the failed attempt, not the rest.
        const QString path = out("retry.svg");
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--trace"), traceId(6), QStringLiteral("--depth"),
                                QStringLiteral("1"), QStringLiteral("-o"), path, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const Svg svg = readSvg(path);
        QVERIFY(svg.wellFormed);
        QVERIFY(svg.texts.contains(QStringLiteral("charge card retry")));
        QVERIFY(!svg.texts.filter(QRegularExpression(QStringLiteral("^[0-9a-f]{8} · 60 ms · 2 spans · 1 error$"))).isEmpty());
        QVERIFY(!svg.texts.contains(QStringLiteral("POST /orders")));
        QVERIFY(!svg.texts.contains(QStringLiteral("nightly settlement")));

        // --span finds the span's trace.
        const QString spanPath = out("span.dot");
        QCOMPARE(runCauseway({QStringLiteral("export"), QStringLiteral("--span"), QStringLiteral("ab00000000000032"),
                           QStringLiteral("--depth"), QStringLiteral("0"), QStringLiteral("-o"), spanPath, orders()}).exitCode, 0);
        QFile file(spanPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString dot = QString::fromUtf8(file.readAll());
        QVERIFY(dot.contains(traceId(5)));
        QVERIFY(!dot.contains(traceId(1)));
    }

    void bigFanOutIsGrouped()
    {
        const std::string input = writeFile(m_dir, "fanout.json", fanOutJson(300).toStdString());
        const QString path = out("fanout.svg");
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--trace"),
                                QStringLiteral("feed%1").arg(1, 28, 10, QLatin1Char('0')), QStringLiteral("-o"), path,
                                QString::fromStdString(input)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const Svg svg = readSvg(path);
        QVERIFY(svg.wellFormed);
        QVERIFY(svg.texts.contains(QStringLiteral("publish items")));
        QVERIFY(svg.texts.contains(QStringLiteral("300 more traces")));
        QVERIFY(svg.texts.contains(QStringLiteral("process item")));
        // Lags run from 10 to 309 ms: the median is in the middle, whichever middle value is taken.
        QVERIFY(svg.texts.contains(QStringLiteral("300 links · 159 ms")) || svg.texts.contains(QStringLiteral("300 links · 160 ms")));
        // Collapsed: a sensible size, not 300 boxes.
        QVERIFY(svg.viewBox.height() < 400);
    }

    void flameAndLanes_data()
    {
        QTest::addColumn<QString>("view");
        QTest::newRow("flame") << QStringLiteral("flame");
        QTest::newRow("lanes") << QStringLiteral("lanes");
    }

    void flameAndLanes()
    {
        QFETCH(QString, view);
        const QString png = out("view.png");
        QFile::remove(png);
        Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--view"), view, QStringLiteral("--width"),
                          QStringLiteral("1200"), QStringLiteral("-o"), png, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QImage image(png);
        QCOMPARE(image.width(), 1200);
        QVERIFY(image.height() > 20);

        // Without --trace: the trace with the most links, the order producer.
        const QString svgPath = out("view.svg");
        r = runCauseway({QStringLiteral("export"), QStringLiteral("--view"), view, QStringLiteral("-o"), svgPath, orders()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const Svg svg = readSvg(svgPath);
        QVERIFY2(svg.wellFormed, qPrintable(svg.error));
        QVERIFY(svg.texts.join(QLatin1Char('\n')).contains(QStringLiteral("POST /orders")));
    }

    void lanesCriticalPath()
    {
        // --critical-path underlines the focus trace's critical path in its
        // lane, in the light palette's path colour; without it that colour is
        // nowhere in the picture.
        const QRgb pathColour = qRgb(0xd9, 0x4f, 0x00);
        for (bool shown : {false, true}) {
            const QString png = out(shown ? "path.png" : "nopath.png");
            QStringList args{QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("lanes"), QStringLiteral("-o"), png};
            if (shown)
                args << QStringLiteral("--critical-path");
            const Run r = runCauseway(args << orders());
            QVERIFY2(r.exitCode == 0, r.err.constData());
            const QImage image = QImage(png).convertToFormat(QImage::Format_RGB32);
            int n = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x)
                    n += (image.pixel(x, y) & 0xffffff) == (pathColour & 0xffffff);
            if (shown)
                QVERIFY(n > 10);
            else
                QCOMPARE(n, 0);
        }
    }

    void errors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString o = QStringLiteral("-o"), file = orders();
        const QString target = m_dir.filePath(QStringLiteral("e.svg"));
        QTest::newRow("no output") << QStringList{file} << 2 << QStringLiteral("-o OUT is required");
        QTest::newRow("no input") << QStringList{o, target} << 2 << QStringLiteral("no input files");
        QTest::newRow("unknown format") << QStringList{QStringLiteral("--format"), QStringLiteral("bmp"), o, target, file} << 2
                                        << QStringLiteral("unknown format 'bmp'");
        QTest::newRow("format from name") << QStringList{o, m_dir.filePath(QStringLiteral("e.xyz")), file} << 2
                                          << QStringLiteral("--format is required");
        QTest::newRow("unknown view") << QStringList{QStringLiteral("--view"), QStringLiteral("pie"), o, target, file} << 2
                                      << QStringLiteral("unknown view 'pie'");
        QTest::newRow("dot for flame") << QStringList{QStringLiteral("--view"), QStringLiteral("flame"), QStringLiteral("--format"),
                                                      QStringLiteral("dot"), o, target, file}
                                       << 2 << QStringLiteral("graph and linkmap views only");
        QTest::newRow("critical path for graph") << QStringList{QStringLiteral("--view"), QStringLiteral("graph"),
                                                                QStringLiteral("--critical-path"), o, target, file}
                                                 << 2 << QStringLiteral("--critical-path is for the flame and lanes views only");
        QTest::newRow("bad scale") << QStringList{QStringLiteral("--scale"), QStringLiteral("0"), o, target, file} << 2
                                   << QStringLiteral("--scale");
        QTest::newRow("bad depth") << QStringList{QStringLiteral("--depth"), QStringLiteral("-1"), o, target, file} << 2
                                   << QStringLiteral("--depth");
        QTest::newRow("bad span") << QStringList{QStringLiteral("--span"), QStringLiteral("xyz"), o, target, file} << 2
                                  << QStringLiteral("--span");
        QTest::newRow("trace not loaded") << QStringList{QStringLiteral("--trace"), traceId(99), o, target, file} << 1
                                          << QStringLiteral("is not loaded");
        QTest::newRow("malformed trace") << QStringList{QStringLiteral("--trace"), QStringLiteral("nothex"), o, target, file} << 1
                                         << QStringLiteral("--trace nothex");
        QTest::newRow("missing file") << QStringList{o, target, m_dir.filePath(QStringLiteral("absent.json"))} << 1
                                      << QStringLiteral("absent.json");
        QTest::newRow("unwritable") << QStringList{o, m_dir.filePath(QStringLiteral("no/dir/e.png")), file} << 1
                                    << QStringLiteral("cannot write");
    }

    void errors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Run r = runCauseway(QStringList{QStringLiteral("export")} + args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QVERIFY(r.err.startsWith("causeway"));
        if (exitCode == 1)
            QCOMPARE(r.err.count('\n'), 1); // one line
    }

    void help()
    {
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--view graph|flame|lanes"));
        QVERIFY(r.out.contains("--format svg|png|pdf|dot"));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
