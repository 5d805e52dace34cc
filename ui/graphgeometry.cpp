#include "ui/graphgeometry.h"

#include <QFont>
#include <QFontMetricsF>
#include <QPainterPathStroker>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

void GraphGeometry::build(const LayoutResult &layout, size_t nodeCount, const std::vector<EdgeShape> &edges,
                          const QFont &labelFont, QPointF origin, QRectF bounds, QPointF topLeft, double margin)
{
    auto at = [&](LayoutPoint p) { return QPointF(p.x, p.y) + origin; };

    m_nodeRects.assign(nodeCount, QRectF());
    for (size_t i = 0; i < nodeCount && i < layout.nodes.size(); ++i) {
        const LayoutBox &b = layout.nodes[i];
        m_nodeRects[i] = QRectF(b.x, b.y, b.width, b.height).translated(origin);
        bounds |= m_nodeRects[i];
    }

    // The painters bold a label while its edge is hovered or selected: its
    // backing is made to fit the bold text, which is not cut at its ends.
    QFont boldLabel = labelFont;
    boldLabel.setBold(true);
    const QFontMetricsF labelMetrics(boldLabel);
    m_edgePaths.assign(edges.size(), QPainterPath());
    m_edgeHitPaths.assign(edges.size(), QPainterPath());
    m_arrows.assign(edges.size(), QPolygonF());
    m_labelRects.assign(edges.size(), QRectF());
    m_edgeBounds.assign(edges.size(), QRectF());
    for (size_t i = 0; i < edges.size() && i < layout.edges.size(); ++i) {
        const LayoutEdgePath &e = layout.edges[i];
        const EdgeShape &shape = edges[i];
        if (e.points.empty())
            continue;
        QPainterPath path(at(e.points[0]));
        for (size_t k = 1; k + 2 < e.points.size(); k += 3)
            path.cubicTo(at(e.points[k]), at(e.points[k + 1]), at(e.points[k + 2]));
        if (e.hasArrow) {
            // The curve ends at the arrow's base; draw our own head to the tip.
            const QPointF tip = at(e.arrowTip), base = path.currentPosition();
            QPointF dir = tip - base;
            double len = std::hypot(dir.x(), dir.y());
            if (len < 0.5) {
                dir = path.pointAtPercent(1) - path.pointAtPercent(0.95);
                len = std::max(std::hypot(dir.x(), dir.y()), 1e-6);
            }
            const QPointF u = dir / len, normal(-u.y(), u.x());
            const QPointF back = tip - u * shape.arrowLength;
            m_arrows[i] = QPolygonF({tip, back + normal * shape.arrowHalfWidth, back - normal * shape.arrowHalfWidth});
        }
        QPainterPathStroker stroker;
        stroker.setWidth(shape.hitWidth);
        stroker.setCapStyle(Qt::RoundCap);
        QPainterPath hit = stroker.createStroke(path);
        if (!m_arrows[i].isEmpty())
            hit.addPolygon(m_arrows[i]);
        m_edgePaths[i] = path;
        m_edgeHitPaths[i] = hit;
        m_edgeBounds[i] = hit.boundingRect();
        bounds |= m_edgeBounds[i];

        // Our font is not Graphviz's: centre our own text where it put the label.
        const QPointF centre = e.hasLabel ? at(e.labelCentre) : path.pointAtPercent(0.5);
        const QSizeF textSize(labelMetrics.horizontalAdvance(shape.label) + 6, labelMetrics.height() + 2);
        m_labelRects[i] = QRectF(centre - QPointF(textSize.width() / 2, textSize.height() / 2), textSize);
        bounds |= m_labelRects[i];
    }

    // Keep everything inside the picture even where our text is wider than Graphviz assumed.
    const QPointF shift(std::max(0.0, topLeft.x() - bounds.left()), std::max(0.0, topLeft.y() - bounds.top()));
    if (!shift.isNull()) {
        for (auto &r : m_nodeRects)
            r.translate(shift);
        for (size_t i = 0; i < edges.size(); ++i) {
            m_edgePaths[i].translate(shift);
            m_edgeHitPaths[i].translate(shift);
            m_arrows[i].translate(shift);
            m_labelRects[i].translate(shift);
            m_edgeBounds[i].translate(shift);
        }
        bounds.translate(shift);
    }
    m_size = QSizeF(std::ceil(bounds.right() + margin), std::ceil(bounds.bottom() + margin));
}

bool GraphGeometry::edgeVisible(size_t edge, const QRectF &exposed) const
{
    return exposed.isEmpty() || exposed.intersects(m_edgeBounds[edge]) || exposed.intersects(m_labelRects[edge]);
}

bool GraphGeometry::nodeVisible(size_t node, const QRectF &exposed) const
{
    return exposed.isEmpty() || exposed.intersects(m_nodeRects[node].adjusted(-4, -4, 4, 4));
}

int GraphGeometry::nodeAt(QPointF pos) const
{
    // Last painted is on top.
    for (size_t i = m_nodeRects.size(); i-- > 0;)
        if (m_nodeRects[i].contains(pos))
            return int(i);
    return -1;
}

int GraphGeometry::edgeAt(QPointF pos) const
{
    int best = -1;
    for (size_t i = 0; i < m_edgeHitPaths.size(); ++i)
        if (m_labelRects[i].contains(pos) || (m_edgeBounds[i].contains(pos) && m_edgeHitPaths[i].contains(pos)))
            best = int(i);
    return best;
}

QRectF GraphGeometry::nodeRectOrEmpty(int node) const
{
    return node >= 0 && size_t(node) < m_nodeRects.size() ? m_nodeRects[size_t(node)] : QRectF();
}

QPointF GraphGeometry::edgeMidpoint(int edge) const
{
    if (edge < 0 || size_t(edge) >= m_edgePaths.size() || m_edgePaths[size_t(edge)].isEmpty())
        return {};
    return m_edgePaths[size_t(edge)].pointAtPercent(0.5);
}

} // namespace causeway::ui
