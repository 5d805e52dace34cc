#pragma once
// The trace graph as a picture: one node per trace (or per collapsed group of
// traces), dotted edges from cause to effect labelled with link count and
// median lag. The graph view and image export both paint with this class.

#include "core/layout/graphlayout.h"
#include "core/linkgraph.h"
#include "ui/drawing.h"
#include "ui/graphgeometry.h"

#include <QColor>
#include <QFont>
#include <QPainterPath>
#include <QRectF>
#include <QString>

#include <memory>
#include <vector>

namespace causeway::ui {

class GraphPicture
{
public:
    // Reads what it shows from `model` now (texts, colours, tooltips); keeps
    // no reference to it afterwards. Needs a QGuiApplication for fonts.
    GraphPicture(const Model &model, TraceGraph graph, bool dark);

    const TraceGraph &graph() const { return m_graph; }
    static QColor backgroundColor(bool dark);
    bool dark() const { return m_dark; }

    // What to ask the layout for: node sizes from the text they show.
    LayoutRequest layoutRequest() const;
    // Takes the geometry; `layout` must come from layoutRequest().
    void setLayout(const LayoutResult &layout);
    bool hasLayout() const { return m_laidOut; }

    // Natural size of the picture in logical pixels, margins included.
    QSizeF size() const { return m_size; }
    // Paints at the origin. `exposed` (picture coordinates) skips what is
    // outside it; an empty rect paints everything.
    void paint(QPainter &painter, const QRectF &exposed = QRectF()) const;

    // Hit tests in picture coordinates; -1 for none. Thin edges are hit
    // within a few pixels of the curve.
    int nodeAt(QPointF pos) const;
    int edgeAt(QPointF pos) const;
    QRectF nodeRect(int node) const;
    // A point on the edge's curve, halfway along it.
    QPointF edgeMidpoint(int edge) const;
    int centreNode() const { return m_graph.centre == kNone ? -1 : int(m_graph.centre); }

    void setHoveredEdge(int edge) { m_hoveredEdge = edge; }
    int hoveredEdge() const { return m_hoveredEdge; }

    // An expanded group's block: the member trace under `pos` (kNone for
    // none), and whether `pos` is on its Collapse button.
    uint32_t memberAt(int node, QPointF pos) const;
    bool isCollapseButton(int node, QPointF pos) const;
    QRectF memberRect(int node, size_t member) const;
    QRectF collapseButtonRect(int node) const;

    QString nodeToolTip(int node) const;
    QString memberToolTip(int node, QPointF pos) const;
    // Pixel size of the smallest text the nodes show at zoom 1.
    double smallestTextPixels() const { return m_textFont.pixelSize(); }
    QString edgeToolTip(int edge) const;
    QString edgeLabel(int edge) const { return m_edges[size_t(edge)].label; }
    // The node's lines of text, top to bottom.
    QStringList nodeLines(int node) const;

private:
    struct NodeText
    {
        QString title;        // root span name, or "987 more traces"
        QString subtitle;     // service, or what the group's members are
        QString detail;       // "12.3 ms · 45 spans", or "click to expand"
        QString id;           // DOT node name
        QString toolTip;
        QColor colour;        // service colour
        uint32_t errors = 0;
        double width = 0, height = 0;
        // An expanded group's members as cards in a grid, below a header line.
        struct Card
        {
            QString name, detail, toolTip;
            QColor colour;
            bool error = false;
        };
        std::vector<Card> cards;
        int columns = 0;
    };
    struct EdgeText
    {
        QString label;        // "3 links · 12 ms"
        QString toolTip;
    };

    void paintEdge(QPainter &painter, size_t index) const;
    void paintNode(QPainter &painter, size_t index) const;
    void paintBlock(QPainter &painter, size_t index, const QRectF &exposed) const;

    TraceGraph m_graph;
    bool m_dark = false;
    std::vector<NodeText> m_nodes;
    std::vector<EdgeText> m_edges;
    QString m_caption;        // shown above the graph when it was truncated
    QFont m_titleFont, m_textFont, m_labelFont;

    bool m_laidOut = false;
    QSizeF m_size;
    GraphGeometry m_geometry;
    int m_hoveredEdge = -1;
};

// The graph around options.trace (options.depth hops), or the whole model
// when it is kNone, ready to lay out. Fails when there is nothing to draw.
// `expandedGroups` are group keys (GraphNode::groupKey) to show member by member.
std::shared_ptr<GraphPicture> buildGraphPicture(const Model &model, const DrawingOptions &options, QString *error,
                                                const std::vector<uint32_t> &expandedGroups = {});

} // namespace causeway::ui
