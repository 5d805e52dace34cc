#include "ui/shapedtext.h"

#include <QPaintEngine>
#include <QPainter>
#include <QStaticText>
#include <QTextLayout>

namespace causeway::ui {

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
    m_runs = layout.glyphRuns();
}

void ShapedText::draw(QPainter &painter, QPointF topLeft) const
{
    if (painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Raster
        && painter.deviceTransform().type() <= QTransform::TxTranslate) {
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

} // namespace causeway::ui
