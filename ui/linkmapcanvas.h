#pragma once
// The thin widget under the link map picture: zoom with the wheel, pan by
// dragging, fit with F; hovering an edge shows its numbers, clicking it
// selects it. The legend is a band across the top in screen space, so it
// stays legible however far the picture is zoomed out.

#include "ui/linkmappainter.h"
#include "ui/zoompancanvas.h"

#include <memory>

namespace causeway::ui {

class LinkMapCanvas : public ZoomPanCanvas
{
    Q_OBJECT
public:
    explicit LinkMapCanvas(QWidget *parent = nullptr);

    void setPicture(std::shared_ptr<LinkMapPicture> picture);
    const LinkMapPicture *picture() const { return m_picture.get(); }
    void setMessage(const QString &message);
    void setSelectedEdge(int edge);

    // Height of the legend across the top of the widget, the same at any zoom.
    double legendBand() const;

public slots:
    void fit() override;

signals:
    void edgeClicked(int edge);

protected:
    void paintEvent(QPaintEvent *event) override;
    void hoverAt(QPointF widgetPos) override;
    void clickAt(QPointF widgetPos) override;
    QString toolTipAt(QPointF widgetPos) const override;

private:
    // The edge under `widgetPos` (not under the legend nor a node), or -1.
    int edgeAt(QPointF widgetPos) const;

    std::shared_ptr<LinkMapPicture> m_picture;
    QString m_message;
};

} // namespace causeway::ui
