#include "ui/linkmapcanvas.h"

#include <QPainter>

#include <algorithm>

namespace causeway::ui {

namespace {

constexpr double kMaxFitZoom = 1.5;

} // namespace

LinkMapCanvas::LinkMapCanvas(QWidget *parent)
    : ZoomPanCanvas(parent)
{
}

void LinkMapCanvas::setPicture(std::shared_ptr<LinkMapPicture> picture)
{
    m_picture = std::move(picture);
    m_message.clear();
    fit();
}

void LinkMapCanvas::setMessage(const QString &message)
{
    m_message = message;
    update();
}

void LinkMapCanvas::setSelectedEdge(int edge)
{
    if (m_picture) {
        m_picture->setSelectedEdge(edge);
        update();
    }
}

void LinkMapCanvas::fit()
{
    if (!m_picture) {
        update();
        return;
    }
    // The whole graph in the part of the widget below the legend band.
    const QSizeF size = m_picture->size();
    const double band = legendBand();
    const double w = std::max(1, width() - 16), h = std::max(1.0, height() - band - 16);
    const double zoom = std::min(w / size.width(), h / size.height());
    m_view.place(std::clamp(zoom, ZoomPan::kMinZoom, kMaxFitZoom), QPointF(width() / 2.0, band + (height() - band) / 2),
                 QPointF(size.width() / 2, size.height() / 2));
    m_view.setAutoFit(true);
    update();
}

double LinkMapCanvas::legendBand() const
{
    return m_picture && m_picture->hasLayout() ? m_picture->legendHeight() : 0;
}

void LinkMapCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QColor background = palette().color(QPalette::Base);
    painter.fillRect(rect(), m_picture ? (m_picture->dark() ? QColor(0x1f, 0x1f, 0x23) : QColor(Qt::white)) : background);
    if (m_picture && m_picture->hasLayout()) {
        painter.save();
        painter.translate(m_view.offset());
        painter.scale(m_view.zoom(), m_view.zoom());
        m_picture->paint(painter, QRectF(toPicture(QPointF(0, 0)), toPicture(QPointF(width(), height()))));
        painter.restore();
        // In screen space: the same size at any zoom.
        m_picture->paintLegend(painter, 0, width());
    }
    if (!m_message.isEmpty()) {
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    }
}

int LinkMapCanvas::edgeAt(QPointF widgetPos) const
{
    if (!m_picture || !m_picture->hasLayout() || widgetPos.y() < legendBand())
        return -1;
    const QPointF at = toPicture(widgetPos);
    return m_picture->nodeAt(at) < 0 ? m_picture->edgeAt(at) : -1;
}

void LinkMapCanvas::hoverAt(QPointF widgetPos)
{
    if (!m_picture || !m_picture->hasLayout())
        return;
    const int edge = edgeAt(widgetPos);
    setCursor(edge >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    m_picture->setHoveredEdge(edge);
    update();
}

void LinkMapCanvas::clickAt(QPointF widgetPos)
{
    const int edge = edgeAt(widgetPos);
    if (edge >= 0) {
        setSelectedEdge(edge);
        emit edgeClicked(edge);
    }
}

QString LinkMapCanvas::toolTipAt(QPointF widgetPos) const
{
    if (!m_picture || !m_picture->hasLayout() || widgetPos.y() < legendBand())
        return {};
    const QPointF at = toPicture(widgetPos);
    const int node = m_picture->nodeAt(at);
    return node >= 0 ? m_picture->nodeToolTip(node) : m_picture->edgeToolTip(m_picture->edgeAt(at));
}

} // namespace causeway::ui
