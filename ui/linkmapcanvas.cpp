#include "ui/linkmapcanvas.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

namespace {

constexpr double kMinZoom = 0.02;
constexpr double kMaxZoom = 8;
constexpr double kMaxFitZoom = 1.5;
constexpr double kZoomStep = 1.25;
constexpr int kDragThreshold = 4;

} // namespace

LinkMapCanvas::LinkMapCanvas(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
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
    const QSizeF size = m_picture->size();
    const double w = std::max(1, width() - 16), h = std::max(1, height() - 16);
    m_zoom = std::clamp(std::min(w / size.width(), h / size.height()), kMinZoom, kMaxFitZoom);
    m_offset = QPointF(width() / 2.0, height() / 2.0) - QPointF(size.width() / 2, size.height() / 2) * m_zoom;
    m_autoFit = true;
    update();
}

void LinkMapCanvas::zoomAt(double factor, QPointF widgetPos)
{
    const QPointF anchor = toPicture(widgetPos);
    m_zoom = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
    m_offset = widgetPos - anchor * m_zoom;
    m_autoFit = false;
    update();
}

void LinkMapCanvas::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QColor background = palette().color(QPalette::Base);
    painter.fillRect(rect(), m_picture ? (m_picture->dark() ? QColor(0x1f, 0x1f, 0x23) : QColor(Qt::white)) : background);
    if (m_picture && m_picture->hasLayout()) {
        painter.save();
        painter.translate(m_offset);
        painter.scale(m_zoom, m_zoom);
        m_picture->paint(painter, QRectF(toPicture(QPointF(0, 0)), toPicture(QPointF(width(), height()))));
        painter.restore();
    }
    if (!m_message.isEmpty()) {
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    }
}

void LinkMapCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (m_autoFit)
        fit();
}

void LinkMapCanvas::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomAt(std::pow(kZoomStep, steps), event->position());
    event->accept();
}

void LinkMapCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QWidget::mousePressEvent(event);
        return;
    }
    m_pressed = true;
    m_dragging = false;
    m_pressPos = m_lastDragPos = event->position();
    event->accept();
}

void LinkMapCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_pressed) {
        if (!m_dragging && (pos - m_pressPos).manhattanLength() > kDragThreshold) {
            m_dragging = true;
            setCursor(Qt::ClosedHandCursor);
        }
        if (m_dragging) {
            m_offset += pos - m_lastDragPos;
            m_lastDragPos = pos;
            m_autoFit = false;
            update();
        }
        return;
    }
    if (!m_picture || !m_picture->hasLayout())
        return;
    const QPointF at = toPicture(pos);
    const int edge = m_picture->nodeAt(at) < 0 ? m_picture->edgeAt(at) : -1;
    setCursor(edge >= 0 ? Qt::PointingHandCursor : Qt::ArrowCursor);
    m_picture->setHoveredEdge(edge);
    update();
}

void LinkMapCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_pressed) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    const bool click = !m_dragging;
    m_pressed = m_dragging = false;
    unsetCursor();
    if (!click || !m_picture || !m_picture->hasLayout())
        return;
    const QPointF at = toPicture(event->position());
    const int edge = m_picture->nodeAt(at) < 0 ? m_picture->edgeAt(at) : -1;
    if (edge >= 0) {
        setSelectedEdge(edge);
        emit edgeClicked(edge);
    }
}

void LinkMapCanvas::keyPressEvent(QKeyEvent *event)
{
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    if ((event->key() == Qt::Key_F && !(event->modifiers() & ~Qt::KeypadModifier)) || (ctrl && event->key() == Qt::Key_0))
        fit();
    else if (event->matches(QKeySequence::ZoomIn) || (ctrl && (event->key() == Qt::Key_Equal || event->key() == Qt::Key_Plus)))
        zoomAt(kZoomStep, QPointF(width() / 2.0, height() / 2.0));
    else if (event->matches(QKeySequence::ZoomOut) || (ctrl && event->key() == Qt::Key_Minus))
        zoomAt(1 / kZoomStep, QPointF(width() / 2.0, height() / 2.0));
    else {
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

bool LinkMapCanvas::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        QString text;
        if (m_picture && m_picture->hasLayout()) {
            const QPointF at = toPicture(help->pos());
            const int node = m_picture->nodeAt(at);
            text = node >= 0 ? m_picture->nodeToolTip(node) : m_picture->edgeToolTip(m_picture->edgeAt(at));
        }
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace causeway::ui
