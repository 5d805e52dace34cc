#pragma once
// Zoom and pan of a picture inside a widget, shared by the graph-like views:
// wheel and Ctrl+= / Ctrl+- zoom about a point, dragging with the left button
// pans, F or Ctrl+0 asks the widget to fit. The widget keeps what fitting
// means and what a click or a hover does.

#include <QPointF>
#include <QSizeF>

#include <functional>

class QKeyEvent;
class QMouseEvent;
class QWheelEvent;
class QWidget;

namespace causeway::ui {

class ZoomPan
{
public:
    static constexpr double kMinZoom = 0.02;
    static constexpr double kMaxZoom = 8;

    explicit ZoomPan(QWidget *widget)
        : m_widget(widget)
    {
    }

    double zoom() const { return m_zoom; }
    QPointF offset() const { return m_offset; }
    QPointF toWidget(QPointF picturePos) const { return picturePos * m_zoom + m_offset; }
    QPointF toPicture(QPointF widgetPos) const { return (widgetPos - m_offset) / m_zoom; }

    // Fitted and not zoomed or panned since: the widget refits on resize.
    bool autoFit() const { return m_autoFit; }
    void setAutoFit(bool autoFit) { m_autoFit = autoFit; }

    // The zoom at which a picture of `size` fills the widget, less a small border.
    double wholeZoom(QSizeF size) const;
    QPointF widgetCentre() const;
    // Shows `picturePos` at `widgetPos` at `zoom`; leaves autoFit alone.
    void place(double zoom, QPointF widgetPos, QPointF picturePos);
    // Zooms by `factor` keeping the picture point under `widgetPos` still.
    void zoomAt(double factor, QPointF widgetPos);
    void zoomIn();
    void zoomOut();

    // Event handling; each returns whether it took the event.
    void wheel(QWheelEvent *event);
    bool press(QMouseEvent *event);
    // While the button is down: pans once past the drag threshold.
    bool move(QPointF pos);
    // Sets `click` when the button went up without a drag.
    bool release(QMouseEvent *event, bool *click);
    bool key(QKeyEvent *event, const std::function<void()> &fit);

private:
    QWidget *m_widget;
    double m_zoom = 1;
    QPointF m_offset;             // widget position of the picture's origin
    bool m_autoFit = true;
    bool m_pressed = false, m_dragging = false;
    QPointF m_pressPos, m_lastDragPos;
};

} // namespace causeway::ui
