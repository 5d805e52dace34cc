#include "ui/shapedtext.h"

#include <QPaintEngine>
#include <QPainter>
#include <QStaticText>
#include <QTextLayout>

namespace causeway::ui {

namespace {

// The raster engine, unscaled: where the glyphs shaped here land on the
// pixels text laid out for the painter would.
bool blitsGlyphs(const QPainter &painter)
{
    return painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Raster
        && painter.deviceTransform().type() <= QTransform::TxTranslate;
}

} // namespace

ShapedText::ShapedText(const QString &text, const QFont &font) : m_text(text), m_font(font)
{
    if (text.isEmpty())
        return;
    // Laid out as QStaticText lays out a line of plain text: no width, so
    // nothing wraps, the line's top at 0.
    QTextLayout layout(text, font);
    layout.setCacheEnabled(true);
    layout.beginLayout();
    QTextLine line = layout.createLine();
    layout.endLayout();
    if (!line.isValid())
        return;
    m_width = line.horizontalAdvance();
    m_size = layout.boundingRect().size();
    m_lineHeight = line.ascent() + line.descent(); // unrounded, as drawText aligns it (QTextLine::height() rounds up)
    m_runs = layout.glyphRuns();
}

void ShapedText::draw(QPainter &painter, QPointF topLeft) const
{
    if (blitsGlyphs(painter)) {
        for (const QGlyphRun &run : m_runs)
            painter.drawGlyphRun(topLeft, run);
        return;
    }
    // Glyph positions shaped unscaled and then scaled land on other pixels
    // than text laid out for the scale (at 1.5x, say); a vector engine wants
    // the characters, not glyphs.
    if (!m_fallback) {
        m_fallback = std::make_shared<QStaticText>(m_text);
        m_fallback->setTextFormat(Qt::PlainText);
        m_fallback->setPerformanceHint(QStaticText::AggressiveCaching);
    }
    const QFont font = painter.font();
    painter.setFont(m_font);
    painter.drawStaticText(topLeft, *m_fallback);
    painter.setFont(font);
}

void ShapedText::draw(QPainter &painter, const QRectF &box, Qt::Alignment alignment) const
{
    if (m_text.isEmpty())
        return;
    // Where drawText puts a single line: its line height and advance
    // aligned in the box; a line that does not fit is clipped to the box
    // there, which is left to drawText.
    const double height = m_lineHeight;
    double x = 0, y = 0;
    if (alignment & Qt::AlignBottom)
        y = box.height() - height;
    else if (alignment & Qt::AlignVCenter)
        y = (box.height() - height) / 2;
    if (alignment & Qt::AlignRight)
        x = box.width() - m_width;
    else if (alignment & Qt::AlignHCenter)
        x = (box.width() - m_width) / 2;
    const QPointF at(box.x() + x, box.y() + y);
    if (blitsGlyphs(painter) && !(alignment & Qt::AlignRight) && box.contains(QRectF(at, QSizeF(m_size.width(), height)))) {
        draw(painter, at);
        return;
    }
    const QFont font = painter.font();
    painter.setFont(m_font);
    painter.drawText(box, int(alignment), m_text);
    painter.setFont(font);
}

} // namespace causeway::ui
