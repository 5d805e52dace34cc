#include "ui/zoompan.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <QWidget>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

namespace {

constexpr double kZoomStep = 1.25;
constexpr int kDragThreshold = 4;

} // namespace

double ZoomPan::wholeZoom(QSizeF size) const
{
    const double w = std::max(1, m_widget->width() - 16), h = std::max(1, m_widget->height() - 16);
    return std::min(w / size.width(), h / size.height());
}

QPointF ZoomPan::widgetCentre() const
{
    return QPointF(m_widget->width() / 2.0, m_widget->height() / 2.0);
}

void ZoomPan::place(double zoom, QPointF widgetPos, QPointF picturePos)
{
    m_zoom = zoom;
    m_offset = widgetPos - picturePos * m_zoom;
}

void ZoomPan::zoomAt(double factor, QPointF widgetPos)
{
    const QPointF anchor = toPicture(widgetPos);
    m_zoom = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
    m_offset = widgetPos - anchor * m_zoom;
    m_autoFit = false;
    m_widget->update();
}

void ZoomPan::zoomIn()
{
    zoomAt(kZoomStep, widgetCentre());
}

void ZoomPan::zoomOut()
{
    zoomAt(1 / kZoomStep, widgetCentre());
}

void ZoomPan::wheel(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0)
        zoomAt(std::pow(kZoomStep, steps), event->position());
    event->accept();
}

bool ZoomPan::press(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return false;
    m_pressed = true;
    m_dragging = false;
    m_pressPos = m_lastDragPos = event->position();
    event->accept();
    return true;
}

bool ZoomPan::move(QPointF pos)
{
    if (!m_pressed)
        return false;
    if (!m_dragging && (pos - m_pressPos).manhattanLength() > kDragThreshold) {
        m_dragging = true;
        m_widget->setCursor(Qt::ClosedHandCursor);
    }
    if (m_dragging) {
        m_offset += pos - m_lastDragPos;
        m_lastDragPos = pos;
        m_autoFit = false;
        m_widget->update();
    }
    return true;
}

bool ZoomPan::release(QMouseEvent *event, bool *click)
{
    if (event->button() != Qt::LeftButton || !m_pressed)
        return false;
    *click = !m_dragging;
    m_pressed = m_dragging = false;
    m_widget->unsetCursor();
    return true;
}

bool ZoomPan::key(QKeyEvent *event, const std::function<void()> &fit)
{
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    if ((event->key() == Qt::Key_F && !(event->modifiers() & ~Qt::KeypadModifier)) || (ctrl && event->key() == Qt::Key_0))
        fit();
    else if (event->matches(QKeySequence::ZoomIn) || (ctrl && (event->key() == Qt::Key_Equal || event->key() == Qt::Key_Plus)))
        zoomIn();
    else if (event->matches(QKeySequence::ZoomOut) || (ctrl && event->key() == Qt::Key_Minus))
        zoomOut();
    else
        return false;
    event->accept();
    return true;
}

} // namespace causeway::ui
