#include "ui/toolicons.h"

#include <QApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPalette>
#include <QPixmap>

#include <algorithm>

namespace causeway::ui {

namespace {

class DrawnIconEngine : public QIconEngine
{
public:
    explicit DrawnIconEngine(ToolIcon which) : m_which(which) {}

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State) override
    {
        const QPalette palette = QApplication::palette();
        QColor ink = palette.color(mode == QIcon::Disabled ? QPalette::Disabled : QPalette::Active, QPalette::WindowText);
        if (mode == QIcon::Selected)
            ink = palette.color(QPalette::HighlightedText);
        const double side = std::min(rect.width(), rect.height());
        const QRectF box(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2, side, side);
        // A lens in the upper left two thirds, a handle to the lower right.
        const double pen = std::max(1.0, side / 12);
        const QRectF lens(box.x() + pen, box.y() + pen, side * 0.64, side * 0.64);
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setBrush(Qt::NoBrush);
        painter->setPen(QPen(ink, pen, Qt::SolidLine, Qt::RoundCap));
        painter->drawEllipse(lens);
        const QPointF centre = lens.center();
        const double r = lens.width() / 2;
        painter->setPen(QPen(ink, pen * 1.8, Qt::SolidLine, Qt::RoundCap));
        painter->drawLine(centre + QPointF(r * 0.72, r * 0.72), QPointF(box.right() - pen, box.bottom() - pen));
        painter->setPen(QPen(ink, pen, Qt::SolidLine, Qt::FlatCap));
        const double arm = r * 0.5;
        painter->drawLine(centre - QPointF(arm, 0), centre + QPointF(arm, 0));
        if (m_which == ToolIcon::ZoomIn)
            painter->drawLine(centre - QPointF(0, arm), centre + QPointF(0, arm));
        painter->restore();
    }

    // `size` in device pixels: QIcon::pixmap() asks for the logical size
    // times the device pixel ratio, and sets that ratio on what it gets.
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pixmap(size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        paint(&painter, QRect(QPoint(0, 0), size), mode, state);
        return pixmap;
    }

    QIconEngine *clone() const override { return new DrawnIconEngine(m_which); }

private:
    ToolIcon m_which;
};

} // namespace

QIcon drawnToolIcon(ToolIcon which)
{
    return QIcon(new DrawnIconEngine(which));
}

QIcon toolIcon(ToolIcon which)
{
    const QString name = which == ToolIcon::ZoomIn ? QStringLiteral("zoom-in") : QStringLiteral("zoom-out");
    return QIcon::fromTheme(name, drawnToolIcon(which));
}

} // namespace causeway::ui
