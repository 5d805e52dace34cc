#pragma once
// Where a Graphviz layout put a graph's nodes and edges, in picture
// coordinates: node rectangles, edge curves with their arrow heads, the wider
// paths edges are hit by, and the rectangles of our own edge labels. The
// trace graph and the link map both build theirs here and hit test with it;
// how they look stays with each picture.

#include "core/layout/graphlayout.h"

#include <QFont>
#include <QPainterPath>
#include <QPolygonF>
#include <QRectF>
#include <QString>

#include <vector>

namespace causeway::ui {

class GraphGeometry
{
public:
    // How one edge is drawn, as far as its outline is concerned.
    struct EdgeShape
    {
        QString label;
        double arrowLength = 9;
        double arrowHalfWidth = 4;
        double hitWidth = 9;  // the edge is hit this wide, pen included
    };

    // Places `nodeCount` nodes and `edges` from `layout`, whose coordinates
    // start at `origin`. `bounds` is what the picture holds besides the graph
    // (at least `origin` and the layout's size). Whatever ends up left of or
    // above `topLeft` (our label text can be wider than Graphviz assumed) moves
    // right and down; the size leaves `margin` right and below.
    void build(const LayoutResult &layout, size_t nodeCount, const std::vector<EdgeShape> &edges, const QFont &labelFont,
               QPointF origin, QRectF bounds, QPointF topLeft, double margin);

    QSizeF size() const { return m_size; }

    const QRectF &nodeRect(size_t node) const { return m_nodeRects[node]; }
    const QPainterPath &edgePath(size_t edge) const { return m_edgePaths[edge]; }
    const QPolygonF &arrow(size_t edge) const { return m_arrows[edge]; }
    const QRectF &labelRect(size_t edge) const { return m_labelRects[edge]; }

    // Whether a paint limited to `exposed` (empty: everything) reaches them.
    bool edgeVisible(size_t edge, const QRectF &exposed) const;
    bool nodeVisible(size_t node, const QRectF &exposed) const;

    // Hit tests; -1 for none. The last node is on top; an edge is hit on its
    // label or within its hit width of the curve, the last one winning.
    int nodeAt(QPointF pos) const;
    int edgeAt(QPointF pos) const;
    // An empty rect / point for an index out of range.
    QRectF nodeRectOrEmpty(int node) const;
    // A point on the edge's curve, halfway along it.
    QPointF edgeMidpoint(int edge) const;

private:
    QSizeF m_size;
    std::vector<QRectF> m_nodeRects;
    std::vector<QPainterPath> m_edgePaths, m_edgeHitPaths;
    std::vector<QPolygonF> m_arrows;
    std::vector<QRectF> m_labelRects, m_edgeBounds;
};

} // namespace causeway::ui
