#include "ui/criticalpathpainter.h"

#include "ui/palette.h"

#include <QPainter>
#include <QRegion>

#include <algorithm>

namespace causeway::ui {

void paintCriticalPath(QPainter &p, const CriticalPath &path, const CriticalPathGeometry &g, bool dark)
{
    if (path.sections.empty() || g.area.isEmpty())
        return;
    p.save();
    p.setClipRect(g.area);
    p.setRenderHint(QPainter::Antialiasing, false);
    // Veil the spans off the path, so the path reads as the lit part.
    QRegion veil(g.area.toAlignedRect());
    for (uint32_t span : path.spans)
        if (const auto r = g.boxOf(span); r && r->intersects(g.area))
            veil -= QRegion(r->toAlignedRect());
    const QColor shade = dark ? QColor(0, 0, 0, 110) : QColor(255, 255, 255, 130);
    for (const QRect &r : veil)
        p.fillRect(r, shade);
    const QColor bar = criticalPathColor(dark);
    for (const CriticalPathSection &s : path.sections) {
        const auto r = g.boxOf(s.span);
        if (!r)
            continue;
        const double x0 = g.xOf(s.start), x1 = g.xOf(s.end);
        if (x1 < g.area.left() || x0 > g.area.right())
            continue;
        p.fillRect(QRectF(x0, r->bottom() - g.barHeight, std::max(1.5, x1 - x0), g.barHeight), bar);
    }
    p.restore();
}

} // namespace causeway::ui
