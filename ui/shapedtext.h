#pragma once
// A line of plain text shaped once: its advance, its height and the glyphs
// to blit, from a table of the font's character pairs where the text is
// ASCII and the on-screen symbols, from one QTextLayout otherwise. What QFontMetricsF::horizontalAdvance
// followed by QStaticText::prepare gave, which shaped the text twice and
// recorded the glyphs through a painter of their own: measuring and
// preparing was most of a first frame's header cost in the lanes.
// On the raster engine without scaling it blits the glyphs it shaped: the
// same pixels as QStaticText at the same top left (tests/ui/tst_shapedtext).
// Anywhere else (a scaled painter, SVG, PDF) it draws as QStaticText, which
// it then prepares once for that painter.

#include <QFont>
#include <QGlyphRun>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>

#include <memory>

class QPainter;
class QStaticText;

namespace causeway::ui {

class ShapedText
{
public:
    ShapedText() = default;
    ShapedText(const QString &text, const QFont &font);

    const QString &text() const { return m_text; }
    bool isEmpty() const { return m_text.isEmpty(); }
    // As QFontMetricsF(font).horizontalAdvance(text): trailing spaces count.
    double width() const { return m_width; }
    // As QStaticText::size(): the line's box (its height is the line's, fallback fonts included).
    QSizeF size() const { return m_size; }
    // With the painter's pen, whatever its font: the text's own font is in the glyphs.
    void draw(QPainter &painter, QPointF topLeft) const;
    // Aligned in `box` as QPainter::drawText(box, alignment, text) aligns a
    // line (by the font's height), and clipped to it only where it does not fit.
    void draw(QPainter &painter, const QRectF &box, Qt::Alignment alignment) const;
    // Shaped from the font's table of character pairs (ASCII and the
    // symbols on-screen text uses), not by a text layout.
    bool isFromTable() const { return m_fromTable; }

private:
    bool fromTable();

    QString m_text;
    QFont m_font;
    double m_width = 0;
    QSizeF m_size;
    QList<QGlyphRun> m_runs;
    bool m_fromTable = false;
    mutable std::shared_ptr<QStaticText> m_fallback;
};

} // namespace causeway::ui
