// Text shaped once (ui/shapedtext.h) measures as QFontMetricsF and draws as
// QStaticText, pixel for pixel: the lanes' headers draw with it and must
// look as they did. The pieces a lanes header is made of (names, ids,
// counts, spreads, marks and badges with symbols the default font may lack),
// in the header's fonts, at whole and fractional positions.

#include "ui/shapedtext.h"

#include <QApplication>
#include <QBuffer>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QStaticText>
#include <QSvgGenerator>
#include <QTest>

using namespace causeway::ui;

namespace {

const QStringList &samples()
{
    static const QStringList texts = {
        QStringLiteral("process item"),
        QStringLiteral("  ·  worker  ·  3f2a9c1b  ·  3 spans  ·  7.25 ms"),
        QStringLiteral("10,000 × publish batch"),
        QStringLiteral("  ·  duration median 21 ms (2 ms … p95 40 ms … 41 ms)  ·  lag median −3.2 ms (−9 µs … p95 1.5 s … 2 s)"),
        QStringLiteral("◀ you came from here, failed   "),
        QStringLiteral("↓ downstream  1 hop"),
        QStringLiteral("● focus"),
        QStringLiteral("12 failed  ▸"),
        QStringLiteral("   +3 deeper"),
        QStringLiteral("AVATAR Tj ffi WAVE"),
        QStringLiteral(" "),
        QStringLiteral("x"),
    };
    return texts;
}

QList<QFont> fonts()
{
    QFont base;
    QFont bold = base;
    bold.setBold(true);
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 0.86);
    QFont count = base;
    count.setPointSizeF(base.pointSizeF() * 0.8);
    count.setBold(true);
    return {base, bold, small, count};
}

QStaticText staticText(const QString &text, const QFont &font)
{
    QStaticText t(text);
    t.setTextFormat(Qt::PlainText);
    t.setPerformanceHint(QStaticText::AggressiveCaching);
    t.prepare(QTransform(), font);
    return t;
}

} // namespace

class TestShapedText : public QObject
{
    Q_OBJECT
private slots:
    void measuresAsFontMetrics()
    {
        for (const QFont &font : fonts()) {
            const QFontMetricsF metrics(font);
            for (const QString &text : samples()) {
                const ShapedText shaped(text, font);
                QCOMPARE(shaped.text(), text);
                QCOMPARE(shaped.width(), metrics.horizontalAdvance(text));
                QVERIFY2(shaped.size() == staticText(text, font).size(), qPrintable(text));
                QVERIFY(shaped.width() > 0);
            }
        }
        // Every character the table holds, alone, last in a line (where
        // its box may reach past its advance) and between two others
        // (kerning): shaped in full the first time (unless known), from what the font's
        // table learnt the second, the same both times.
        const QString symbols = QStringLiteral("·×…↓↑→←●▸◂◀▶−µ");
        QString every;
        for (char16_t c = 0x20; c < 0x7f; ++c)
            every.append(QChar(c));
        every += symbols;
        for (const QFont &font : fonts()) {
            const QFontMetricsF metrics(font);
            for (const QChar c : every) {
                for (const QString &text : QStringList{QString(c), QStringLiteral("Ta") + c, QStringLiteral("A") + c + QStringLiteral("vo")}) {
                    for (int pass = 0; pass < 2; ++pass) {
                        const ShapedText shaped(text, font);
                        QVERIFY2(shaped.isFromTable() || pass == 0, qPrintable(text));
                        QVERIFY2(shaped.width() == metrics.horizontalAdvance(text), qPrintable(text));
                        QVERIFY2(shaped.size() == staticText(text, font).size(), qPrintable(text));
                    }
                }
            }
            // A line never seen, of pairs that were: from the table.
            const QString unseen = QStringLiteral("Ta×vo"); // T a, a ×, × v, v o: each learnt above
            const ShapedText shaped(unseen, font);
            QVERIFY(shaped.isFromTable());
            QCOMPARE(shaped.width(), metrics.horizontalAdvance(unseen));
            QCOMPARE(shaped.size(), staticText(unseen, font).size());
        }
        // Text outside the table's characters is shaped in full, every time.
        for (int pass = 0; pass < 2; ++pass)
            QVERIFY(!ShapedText(QStringLiteral("日本語 ✓"), QFont()).isFromTable());
        const ShapedText empty{QString(), QFont()};
        QVERIFY(empty.isEmpty());
        QCOMPARE(empty.width(), 0.0);
        // Trailing spaces count (the next piece of a header goes after them).
        const ShapedText spaced(QStringLiteral("failed   "), QFont());
        QVERIFY(spaced.width() > ShapedText(QStringLiteral("failed"), QFont()).width() + 5);
    }

    void drawsAsStaticText_data()
    {
        QTest::addColumn<double>("scale");
        QTest::addColumn<double>("pixelRatio");
        QTest::newRow("1x") << 1.0 << 1.0;
        QTest::newRow("scaled 2x") << 2.0 << 1.0;
        QTest::newRow("scaled 1.5x") << 1.5 << 1.0;
        QTest::newRow("pixel ratio 2") << 1.0 << 2.0;
    }

    // On the raster engine, unscaled, scaled and on a high-density image.
    void drawsAsStaticText()
    {
        QFETCH(double, scale);
        QFETCH(double, pixelRatio);
        const QList<QPointF> positions = {{0, 0}, {3, 7}, {10.5, 4.25}, {21.37, 13.81}, {7.9, 2.49}};
        int drawn = 0;
        int tabled = 0;
        for (const QFont &font : fonts()) {
            for (const QString &text : samples()) {
              // Shaped in full, then (but for text a ligature or a character
              // outside the table keeps out) from the font's table.
              const ShapedText full(text, font);
              for (const ShapedText &shaped : {full, ShapedText(text, font)}) {
                const QStaticText reference = staticText(text, font);
                for (const QPointF &at : positions) {
                    const QSize size = (QSizeF(shaped.width() + 40, 40) * scale * pixelRatio).toSize();
                    QImage a(size, QImage::Format_ARGB32_Premultiplied);
                    a.setDevicePixelRatio(pixelRatio);
                    a.fill(QColor(0xf4, 0xf5, 0xf7));
                    QImage b = a.copy();
                    const QImage blank = a.copy();
                    {
                        QPainter p(&a);
                        p.scale(scale, scale);
                        p.setPen(QColor(0x33, 0x66, 0xcc, 0x9e));
                        p.setFont(QFont(QStringLiteral("Serif"))); // not the text's: it draws in its own
                        shaped.draw(p, at);
                    }
                    {
                        QPainter p(&b);
                        p.scale(scale, scale);
                        p.setPen(QColor(0x33, 0x66, 0xcc, 0x9e));
                        p.setFont(font);
                        p.drawStaticText(at, reference);
                    }
                    QCOMPARE(a, b);
                    // Something was drawn (a test of blank images would pass).
                    if (!text.trimmed().isEmpty()) {
                        QVERIFY(a != blank);
                        ++drawn;
                        tabled += shaped.isFromTable() ? 1 : 0;
                    }
                }
              }
            }
        }
        QVERIFY(drawn > 100);
        QVERIFY2(tabled > drawn / 3, qPrintable(QStringLiteral("%1 of %2").arg(tabled).arg(drawn)));
    }

    // In a box, as drawText aligns a line in it: centred, left or right and
    // at the bottom or the middle, and clipped where the box is too small.
    void drawsInABoxAsDrawText()
    {
        const QList<Qt::Alignment> alignments = {Qt::AlignCenter, Qt::AlignLeft | Qt::AlignBottom,
                                                 Qt::AlignRight | Qt::AlignVCenter, Qt::AlignLeft | Qt::AlignVCenter};
        const QList<QRectF> boxes = {{4, 3, 160, 22}, {10.5, 2.25, 90, 17.5}, {6, 4, 30, 9}}; // the last one too small
        int drawn = 0;
        for (const QFont &font : fonts()) {
            for (const QString &text : {QStringLiteral("×9,996"), QStringLiteral("9,846 later ▸"), QStringLiteral("◂  −7.42 s"), QStringLiteral("+27 ms")}) {
                const ShapedText full(text, font);
                for (const ShapedText &shaped : {full, ShapedText(text, font)}) {
                    for (const Qt::Alignment alignment : alignments) {
                        for (const QRectF &box : boxes) {
                            QImage a(QSize(200, 30), QImage::Format_ARGB32_Premultiplied);
                            a.fill(Qt::white);
                            QImage b = a.copy();
                            const QImage blank = a.copy();
                            {
                                QPainter p(&a);
                                p.setPen(QColor(0x55, 0x22, 0x99));
                                shaped.draw(p, box, alignment);
                            }
                            {
                                QPainter p(&b);
                                p.setPen(QColor(0x55, 0x22, 0x99));
                                p.setFont(font);
                                p.drawText(box, int(alignment), text);
                            }
                            QVERIFY2(a == b, qPrintable(text));
                            QVERIFY(a != blank);
                            ++drawn;
                        }
                    }
                }
            }
        }
        QCOMPARE(drawn, 4 * 4 * 2 * 4 * 3);
    }

    // A vector export keeps the characters (a reader can search and copy
    // them), as QStaticText did, not outlines of glyphs.
    void vectorExportKeepsCharacters()
    {
        QBuffer svg;
        svg.open(QIODevice::WriteOnly);
        QSvgGenerator generator;
        generator.setOutputDevice(&svg);
        generator.setSize(QSize(400, 40));
        {
            QPainter p(&generator);
            ShapedText(QStringLiteral("3f2a9c1b  ·  3 spans"), QFont()).draw(p, QPointF(4, 4));
        }
        QVERIFY2(QString::fromUtf8(svg.data()).contains(QStringLiteral("3f2a9c1b  ·  3 spans")), svg.data().constData());
    }
};

QTEST_MAIN(TestShapedText)
#include "tst_shapedtext.moc"
