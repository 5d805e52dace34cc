// Writing drawings to files: text that the views lay out with the default
// font metrics keeps its measured size on every output device, so a PDF
// reads like the PNG (no gaps inside lane headers).

#include "ui/drawing.h"

#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>

using namespace causeway::ui;

class TestDrawing : public QObject
{
    Q_OBJECT
private slots:
    void textKeepsItsLayoutWidth_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("png") << int(ImageFormat::Png);
        QTest::newRow("svg") << int(ImageFormat::Svg);
        QTest::newRow("pdf") << int(ImageFormat::Pdf);
    }
    void textKeepsItsLayoutWidth()
    {
        QFETCH(int, format);
        // Point-sized, as the application font and the lanes' fonts are.
        QFont font;
        font.setPointSizeF(10);
        const QString text = QStringLiteral("POST /orders · checkout · 3f2a9c1b · 42 spans");
        const double measured = QFontMetricsF(font).horizontalAdvance(text);
        double onDevice = -1;
        Drawing drawing;
        drawing.size = QSizeF(600, 100);
        drawing.paint = [&](QPainter &p) {
            p.setFont(font);
            onDevice = QFontMetricsF(p.font(), p.device()).horizontalAdvance(text);
            p.drawText(QPointF(10, 50), text);
        };
        QTemporaryDir dir;
        QString error;
        QVERIFY2(writeDrawing(drawing, ImageFormat(format), dir.filePath(QStringLiteral("t")), 2, &error), qPrintable(error));
        QVERIFY(onDevice > 0);
        QVERIFY2(std::abs(onDevice / measured - 1) < 0.03,
                 qPrintable(QStringLiteral("measured %1, on the device %2").arg(measured).arg(onDevice)));
    }
};

QTEST_MAIN(TestDrawing)
#include "tst_drawing.moc"
