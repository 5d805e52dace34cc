#pragma once
// A widget showing one zoomable picture: the graph-like views' shared mouse,
// wheel, key, resize and tool-tip handling (ZoomPan moves the picture). A
// subclass says what fitting means, what hovering and clicking a point of
// the picture do and which tool tip a point has; this class decides when.

#include "ui/zoompan.h"

#include <QPointF>
#include <QString>
#include <QWidget>

namespace causeway::ui {

class ZoomPanCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit ZoomPanCanvas(QWidget *parent = nullptr);

    double zoom() const { return m_view.zoom(); }
    QPointF toWidget(QPointF picturePos) const { return m_view.toWidget(picturePos); }
    QPointF toPicture(QPointF widgetPos) const { return m_view.toPicture(widgetPos); }

public slots:
    virtual void fit() = 0;

protected:
    // The mouse moved over `widgetPos` without a button dragging the picture.
    virtual void hoverAt(QPointF widgetPos) = 0;
    // The mouse left the widget.
    virtual void hoverLeft() {}
    // A click (press and release without a drag) at `widgetPos`.
    virtual void clickAt(QPointF widgetPos) = 0;
    // The tool tip for `widgetPos`; empty for none.
    virtual QString toolTipAt(QPointF widgetPos) const = 0;

    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

    ZoomPan m_view{this};
};

} // namespace causeway::ui
