#include "ui/zoompancanvas.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QWheelEvent>

namespace causeway::ui {

ZoomPanCanvas::ZoomPanCanvas(QWidget *parent)
    : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(200, 150);
}

void ZoomPanCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // Fitted and left alone since: stays fitted to the new size.
    if (m_view.autoFit())
        fit();
}

void ZoomPanCanvas::wheelEvent(QWheelEvent *event)
{
    m_view.wheel(event);
}

void ZoomPanCanvas::mousePressEvent(QMouseEvent *event)
{
    if (!m_view.press(event))
        QWidget::mousePressEvent(event);
}

void ZoomPanCanvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (!m_view.move(pos))
        hoverAt(pos);
}

void ZoomPanCanvas::mouseReleaseEvent(QMouseEvent *event)
{
    bool click = false;
    if (!m_view.release(event, &click)) {
        QWidget::mouseReleaseEvent(event);
        return;
    }
    if (click)
        clickAt(event->position());
}

void ZoomPanCanvas::leaveEvent(QEvent *event)
{
    hoverLeft();
    QWidget::leaveEvent(event);
}

void ZoomPanCanvas::keyPressEvent(QKeyEvent *event)
{
    if (!m_view.key(event, [this] { fit(); }))
        QWidget::keyPressEvent(event);
}

bool ZoomPanCanvas::event(QEvent *event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    auto *help = static_cast<QHelpEvent *>(event);
    const QString text = toolTipAt(help->pos());
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
    } else {
        QToolTip::showText(help->globalPos(), text, this);
    }
    return true;
}

} // namespace causeway::ui
