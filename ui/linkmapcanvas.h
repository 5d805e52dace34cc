#pragma once
// The thin widget under the link map picture: zoom with the wheel, pan by
// dragging, fit with F; hovering an edge shows its numbers, clicking it
// selects it.

#include "ui/linkmappainter.h"

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

    QPointF toWidget(QPointF picturePos) const { return picturePos * m_zoom + m_offset; }
    QPointF toPicture(QPointF widgetPos) const { return (widgetPos - m_offset) / m_zoom; }

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
    void zoomAt(double factor, QPointF widgetPos);

    std::shared_ptr<LinkMapPicture> m_picture;
    QString m_message;
    double m_zoom = 1;
    QPointF m_offset;
    bool m_autoFit = true;
    bool m_pressed = false, m_dragging = false;
    QPointF m_pressPos, m_lastDragPos;
};

} // namespace causeway::ui
