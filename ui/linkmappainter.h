#pragma once
// The link map as a picture: one box per group of spans (service, operation
// or messaging destination), one arrow per edge from the targets' group to
// the linking spans' group. Edge width grows with the link count, edge colour
// with the median lag; the label says count and p50. The link map view and
// image export both paint with this class.

#include "core/layout/graphlayout.h"
#include "core/linkmap.h"
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

class LinkMapPicture
{
public:
    // Reads what it shows from `model` now; keeps no reference to it.
    // Needs a QGuiApplication for fonts.
    LinkMapPicture(const Model &model, LinkMap map, bool dark);

    const LinkMap &map() const { return m_map; }
    bool dark() const { return m_dark; }

    LayoutRequest layoutRequest() const;
    void setLayout(const LayoutResult &layout);
    bool hasLayout() const { return m_laidOut; }

    // The graph, in picture coordinates (zoomed and panned on screen, scaled
    // to a width in exports).
    QSizeF size() const { return m_size; }
    void paint(QPainter &painter, const QRectF &exposed = QRectF()) const;
    // The caption and the lag scale: drawn in screen space, at the same size
    // whatever the zoom, as a band across `width` from `top`, on an opaque
    // background.
    double legendHeight() const;
    double legendWidth() const;
    void paintLegend(QPainter &painter, double top, double width) const;

    int nodeAt(QPointF pos) const;
    int edgeAt(QPointF pos) const;
    QRectF nodeRect(int node) const;
    QPointF edgeMidpoint(int edge) const;

    void setSelectedEdge(int edge) { m_selectedEdge = edge; }
    int selectedEdge() const { return m_selectedEdge; }
    void setHoveredEdge(int edge) { m_hoveredEdge = edge; }

    QString edgeLabel(int edge) const;
    // Where the label's backing is drawn, and the font it is drawn in when
    // the edge is selected or hovered (bold).
    QRectF edgeLabelRect(int edge) const;
    QFont emphasisedLabelFont() const;
    QString edgeToolTip(int edge) const;
    QString nodeToolTip(int node) const;

    // Colour of an edge whose median lag is `p50` (nanoseconds): green under
    // a millisecond through amber to red at ten seconds and beyond, on a log
    // scale; grey for edges without a lag (targets not loaded).
    static QColor lagColor(int64_t p50, bool hasLag, bool dark);
    // Pen width for an edge of `links` links when the busiest has `maxLinks`.
    static double edgeWidth(uint32_t links, uint32_t maxLinks);

private:
    struct NodeText
    {
        QString title, subtitle, id, toolTip;
        QColor colour;
        double width = 0, height = 0;
    };
    struct EdgeText
    {
        QString label, toolTip;
        QColor colour;
        double width = 1;
        bool dashed = false;
    };

    void paintEdge(QPainter &painter, size_t index) const;
    void paintNode(QPainter &painter, size_t index) const;

    LinkMap m_map;
    bool m_dark = false;
    std::vector<NodeText> m_nodes;
    std::vector<EdgeText> m_edges;
    QString m_caption;
    QFont m_titleFont, m_textFont, m_labelFont;

    bool m_laidOut = false;
    QSizeF m_size;
    GraphGeometry m_geometry;
    int m_hoveredEdge = -1;
    int m_selectedEdge = -1;
};

// The whole model's link map, ready to lay out; null with `error` when there
// are no links.
std::shared_ptr<LinkMapPicture> buildLinkMapPicture(const Model &model, LinkMapGrouping grouping, bool dark, QString *error);

// For export: laid out synchronously; the legend band on top, the graph
// below it. Scaled to a width (Drawing::toWidth), only the graph scales.
std::optional<Drawing> linkMapDrawing(const Model &model, LinkMapGrouping grouping, bool dark, QString *error);

} // namespace causeway::ui
