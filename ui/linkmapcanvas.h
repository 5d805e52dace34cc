#pragma once
// The thin widget under the link map picture: zoom with the wheel, pan by
// dragging, fit with F; hovering an edge shows its numbers, clicking it
// selects it. The legend is a band across the top in screen space, so it
// stays legible however far the picture is zoomed out.

#include "ui/linkmappainter.h"
#include "ui/zoompan.h"

#include <QWidget>

#include <memory>

namespace causeway::ui {

class LinkMapCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit LinkMapCanvas(QWidget *parent = nullptr);

    void setPicture(std::shared_ptr<LinkMapPicture> picture);
    const LinkMapPicture *picture() const { return m_picture.get(); }
    void setMessage(const QString &message);
    void setSelectedEdge(int edge);

    QPointF toWidget(QPointF picturePos) const { return m_view.toWidget(picturePos); }
    QPointF toPicture(QPointF widgetPos) const { return m_view.toPicture(widgetPos); }
    double zoom() const { return m_view.zoom(); }
    // Height of the legend across the top of the widget, the same at any zoom.
    double legendBand() const;

public slots:
    void fit();

signals:
    void edgeClicked(int edge);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;

private:
    std::shared_ptr<LinkMapPicture> m_picture;
    QString m_message;
    ZoomPan m_view{this};
};

} // namespace causeway::ui
