#include "ui/linkmappainter.h"

#include "ui/displaytext.h"
#include "ui/palette.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace causeway::ui {

namespace {

constexpr double kMargin = 24;
constexpr double kPadding = 8;
constexpr double kColourBar = 5;
constexpr double kMinNodeWidth = 110;
constexpr double kMaxNodeWidth = 300;
constexpr double kArrowLength = 10;
// dot's time grows quickly with edges: beyond this many, the busiest edges
// are drawn and the caption says how many links the rest carry.
constexpr size_t kEdgeCap = 80;

struct Colours
{
    QColor background, fill, border, text, muted, selected;
};

Colours colours(bool dark)
{
    if (dark)
        return {QColor(0x1f, 0x1f, 0x23), QColor(0x2c, 0x2c, 0x33), QColor(0x5c, 0x5c, 0x68),
                QColor(0xec, 0xec, 0xf0), QColor(0xa8, 0xa8, 0xb4), QColor(0x8a, 0xb4, 0xff)};
    return {QColor(Qt::white), QColor(0xf7, 0xf7, 0xf9), QColor(0x9a, 0x9a, 0xa5),
            QColor(0x1d, 0x1d, 0x22), QColor(0x5a, 0x5a, 0x66), QColor(0x1f, 0x5f, 0xd1)};
}

QString linkCount(uint32_t n)
{
    return n == 1 ? QStringLiteral("1 link") : QStringLiteral("%L1 links").arg(n);
}

QString percent(double share)
{
    return QStringLiteral("%1%").arg(int(std::lround(share * 100)));
}

// Keeps the `cap` busiest edges with a target group and the nodes they touch.
LinkMap capped(LinkMap map, size_t cap, uint64_t &hiddenLinks, size_t &hiddenEdges)
{
    hiddenLinks = 0;
    hiddenEdges = 0;
    if (map.edges.size() <= cap)
        return map;
    std::vector<size_t> order(map.edges.size());
    std::iota(order.begin(), order.end(), 0);
    // Links without a target have no lag to show and, when every group has a
    // few, would take the whole budget: they go first, into the caption's count.
    auto missing = [&](size_t e) { return map.nodes[map.edges[e].from].kind == LinkMapNode::Kind::NotLoaded; };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        if (missing(a) != missing(b))
            return missing(b);
        return map.edges[a].linkCount() > map.edges[b].linkCount();
    });
    std::vector<char> keep(map.edges.size(), 0);
    for (size_t i = 0; i < cap; ++i)
        keep[order[i]] = 1;
    std::vector<uint32_t> nodeIndex(map.nodes.size(), kNone);
    LinkMap out;
    out.grouping = map.grouping;
    out.links = map.links;
    out.resolved = map.resolved;
    out.unresolved = map.unresolved;
    out.dropped = map.dropped;
    for (size_t i = 0; i < map.edges.size(); ++i) {
        if (!keep[i]) {
            hiddenLinks += map.edges[i].linkCount();
            ++hiddenEdges;
            continue;
        }
        for (uint32_t n : {map.edges[i].from, map.edges[i].to})
            if (nodeIndex[n] == kNone)
                nodeIndex[n] = 0;
    }
    for (size_t n = 0; n < map.nodes.size(); ++n) {
        if (nodeIndex[n] == kNone)
            continue;
        nodeIndex[n] = uint32_t(out.nodes.size());
        out.nodes.push_back(std::move(map.nodes[n]));
    }
    for (size_t i = 0; i < map.edges.size(); ++i) {
        if (!keep[i])
            continue;
        LinkMapEdge e = std::move(map.edges[i]);
        e.from = nodeIndex[e.from];
        e.to = nodeIndex[e.to];
        out.edges.push_back(std::move(e));
    }
    return out;
}

} // namespace

QColor LinkMapPicture::lagColor(int64_t p50, bool hasLag, bool dark)
{
    if (!hasLag)
        return dark ? QColor(0x80, 0x80, 0x8c) : QColor(0x9a, 0x9a, 0xa5);
    // log10 of the lag in ms, -0 at 1 ms and below, 1 at 10 s and above... as a 0..1 fraction.
    const double msLag = std::max(double(p50) / 1e6, 1.0);
    const double t = std::clamp(std::log10(msLag) / 4.0, 0.0, 1.0);
    // Hue from green (120) through amber (40) to red (0).
    const double hue = 120.0 * (1.0 - t);
    return QColor::fromHslF(float(hue / 360.0), 0.70f, dark ? 0.58f : 0.42f);
}

double LinkMapPicture::edgeWidth(uint32_t links, uint32_t maxLinks)
{
    if (maxLinks <= 1)
        return 1.5;
    return 1.2 + 6.8 * std::log1p(double(links)) / std::log1p(double(maxLinks));
}

LinkMapPicture::LinkMapPicture(const Model &model, LinkMap map, bool dark)
    : m_dark(dark)
{
    uint64_t hiddenLinks = 0;
    size_t hiddenEdges = 0;
    m_map = capped(std::move(map), kEdgeCap, hiddenLinks, hiddenEdges);
    (void)model;

    m_titleFont = QGuiApplication::font();
    m_titleFont.setPixelSize(12);
    m_titleFont.setBold(true);
    m_textFont = QGuiApplication::font();
    m_textFont.setPixelSize(11);
    m_labelFont = QGuiApplication::font();
    m_labelFont.setPixelSize(10);
    const QFontMetricsF titleMetrics(m_titleFont), textMetrics(m_textFont);

    // What each node is at either end: links out of it as a target, into it as linking spans.
    std::vector<uint64_t> asTarget(m_map.nodes.size(), 0), asLinking(m_map.nodes.size(), 0);
    for (const LinkMapEdge &e : m_map.edges) {
        asTarget[e.from] += e.linkCount();
        asLinking[e.to] += e.linkCount();
    }

    m_nodes.resize(m_map.nodes.size());
    for (size_t i = 0; i < m_map.nodes.size(); ++i) {
        const LinkMapNode &node = m_map.nodes[i];
        NodeText &text = m_nodes[i];
        switch (node.kind) {
        case LinkMapNode::Kind::Service:
            text.title = display::fromStd(node.label);
            text.colour = serviceColor(model.str(node.service));
            break;
        case LinkMapNode::Kind::Operation:
            text.title = display::fromStd(model.str(node.name));
            if (text.title.isEmpty())
                text.title = QStringLiteral("(unnamed)");
            text.subtitle = display::fromStd(model.str(node.service));
            text.colour = serviceColor(model.str(node.service));
            break;
        case LinkMapNode::Kind::Destination:
            text.title = display::fromStd(node.label);
            text.subtitle = QStringLiteral("destination");
            text.colour = linkColor(dark);
            break;
        case LinkMapNode::Kind::NotLoaded:
            text.title = QStringLiteral("not loaded");
            text.subtitle = QStringLiteral("targets missing or dropped");
            text.colour = lagColor(0, false, dark);
            break;
        }
        text.id = QStringLiteral("g%1").arg(i);
        text.toolTip = QStringLiteral("<b>%1</b>%2<br>targets of %L3 links · linking in %L4 links")
                           .arg(text.title.toHtmlEscaped(),
                                text.subtitle.isEmpty() ? QString() : QStringLiteral("<br>") + text.subtitle.toHtmlEscaped())
                           .arg(asTarget[i])
                           .arg(asLinking[i]);
        const double w = std::max(titleMetrics.horizontalAdvance(text.title), textMetrics.horizontalAdvance(text.subtitle));
        text.width = std::ceil(std::clamp(w + 2 * kPadding + kColourBar, kMinNodeWidth, kMaxNodeWidth));
        text.height = std::ceil(titleMetrics.height() + (text.subtitle.isEmpty() ? 0 : textMetrics.height()) + 2 * kPadding);
    }

    uint32_t maxLinks = 1;
    for (const LinkMapEdge &e : m_map.edges)
        maxLinks = std::max(maxLinks, e.linkCount());
    m_edges.resize(m_map.edges.size());
    for (size_t i = 0; i < m_map.edges.size(); ++i) {
        const LinkMapEdge &e = m_map.edges[i];
        EdgeText &text = m_edges[i];
        const bool hasLag = e.lag.count > 0;
        text.colour = lagColor(e.lag.p50, hasLag, dark);
        text.width = edgeWidth(e.linkCount(), maxLinks);
        text.dashed = !hasLag;
        text.label = linkCount(e.linkCount());
        if (hasLag)
            text.label += QStringLiteral(" · p50 ") + display::lag(e.lag.p50);
        if (e.effectTracesWithErrors)
            text.label += QStringLiteral(" · ") + percent(e.errorShare()) + QStringLiteral(" err");
        QString tip = QStringLiteral("<b>%1 → %2</b><br>%3 · traces %L4 → %L5")
                          .arg(m_nodes[e.from].title.toHtmlEscaped(), m_nodes[e.to].title.toHtmlEscaped(),
                               linkCount(e.linkCount()))
                          .arg(e.causeTraces)
                          .arg(e.effectTraces);
        if (hasLag)
            tip += QStringLiteral("<br>lag min %1 · p50 %2 · p95 %3 · p99 %4 · max %5")
                       .arg(display::lag(e.lag.min), display::lag(e.lag.p50), display::lag(e.lag.p95),
                            display::lag(e.lag.p99), display::lag(e.lag.max));
        tip += QStringLiteral("<br>downstream traces with errors: %L1 of %L2 (%3)")
                   .arg(e.effectTracesWithErrors)
                   .arg(e.effectTraces)
                   .arg(percent(e.errorShare()));
        if (e.unresolved || e.dropped)
            tip += QStringLiteral("<br>%L1 links to spans not loaded · %L2 dropped by the sender").arg(e.unresolved).arg(e.dropped);
        tip += QStringLiteral("<br>Click to list its links, slowest first.");
        text.toolTip = tip;
    }

    m_caption = QStringLiteral("Link map by %1 · %L2 links · %L3 to spans not loaded · %L4 dropped · "
                               "width: links · colour: median lag")
                    .arg(QString::fromLatin1(linkMapGroupingName(m_map.grouping)))
                    .arg(m_map.links)
                    .arg(m_map.unresolved)
                    .arg(m_map.dropped);
    if (hiddenEdges)
        m_caption += QStringLiteral(" · the %L1 busiest edges shown; %L2 more carry %L3 links (see causeway linkmap)")
                         .arg(m_map.edges.size())
                         .arg(hiddenEdges)
                         .arg(hiddenLinks);
}

LayoutRequest LinkMapPicture::layoutRequest() const
{
    LayoutRequest request;
    request.labelFontSize = m_labelFont.pixelSize();
    request.rankSeparation = 90;
    request.nodeSeparation = 24;
    for (const NodeText &n : m_nodes)
        request.nodes.push_back({n.id.toStdString(), QString(n.title + QLatin1Char('\n') + n.subtitle).toStdString(), n.width,
                                 n.height});
    for (size_t i = 0; i < m_edges.size(); ++i)
        request.edges.push_back({m_map.edges[i].from, m_map.edges[i].to, m_edges[i].label.toStdString()});
    return request;
}

void LinkMapPicture::setLayout(const LayoutResult &layout)
{
    // The legend is not part of the picture: it keeps its size on screen.
    const QPointF origin(kMargin, kMargin);
    const QRectF bounds(origin, QSizeF(layout.width, layout.height));

    // Wider edges get bigger heads and are easier to hit.
    std::vector<GraphGeometry::EdgeShape> shapes(m_edges.size());
    for (size_t i = 0; i < m_edges.size(); ++i)
        shapes[i] = {m_edges[i].label, kArrowLength + m_edges[i].width, 3.5 + m_edges[i].width / 2,
                     std::max(9.0, m_edges[i].width + 6)};
    m_geometry.build(layout, m_nodes.size(), shapes, m_labelFont, origin, bounds, QPointF(kMargin, kMargin), kMargin);
    m_size = m_geometry.size();
    m_laidOut = true;
}

void LinkMapPicture::paint(QPainter &painter, const QRectF &exposed) const
{
    const Colours c = colours(m_dark);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    const QRectF all(QPointF(0, 0), m_size);
    painter.fillRect(exposed.isEmpty() ? all : exposed & all, c.background);
    if (m_laidOut) {
        // The selected edge last, on top.
        for (size_t i = 0; i < m_edges.size(); ++i)
            if (int(i) != m_selectedEdge && m_geometry.edgeVisible(i, exposed))
                paintEdge(painter, i);
        if (m_selectedEdge >= 0 && size_t(m_selectedEdge) < m_edges.size())
            paintEdge(painter, size_t(m_selectedEdge));
        for (size_t i = 0; i < m_nodes.size(); ++i)
            if (m_geometry.nodeVisible(i, exposed))
                paintNode(painter, i);
    }
    painter.restore();
}

namespace {

constexpr double kLegendPad = 8;
const std::pair<int64_t, const char *> kLagStops[] = {
    {1'000'000, "≤ 1 ms"}, {10'000'000, "10 ms"}, {100'000'000, "100 ms"}, {1'000'000'000, "1 s"}, {10'000'000'000, "≥ 10 s"}};
const char *const kLagTitle = "median lag:";
const char *const kNoLag = "no lag (not loaded)";

} // namespace

double LinkMapPicture::legendHeight() const
{
    return 2 * QFontMetricsF(m_textFont).height() + 3 * kLegendPad;
}

double LinkMapPicture::legendWidth() const
{
    const QFontMetricsF metrics(m_textFont);
    double scale = metrics.horizontalAdvance(QString::fromUtf8(kLagTitle)) + 8;
    for (const auto &[lag, text] : kLagStops)
        scale += 28 + metrics.horizontalAdvance(QString::fromUtf8(text)) + 12;
    scale += 28 + metrics.horizontalAdvance(QString::fromUtf8(kNoLag));
    return 2 * kLegendPad + std::max(scale, metrics.horizontalAdvance(m_caption));
}

void LinkMapPicture::paintLegend(QPainter &painter, double top, double width) const
{
    const Colours c = colours(m_dark);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    const double height = legendHeight();
    painter.fillRect(QRectF(0, top, width, height), c.background);
    painter.fillRect(QRectF(0, top + height - 1, width, 1), c.muted);
    painter.setClipRect(QRectF(0, top, width, height));
    const QFontMetricsF metrics(m_textFont);
    painter.setFont(m_textFont);
    painter.setPen(c.muted);
    const double h = metrics.height();
    painter.drawText(QRectF(kLegendPad, top + kLegendPad, std::max(10.0, width - 2 * kLegendPad), h),
                     Qt::AlignLeft | Qt::AlignVCenter, metrics.elidedText(m_caption, Qt::ElideRight, width - 2 * kLegendPad));
    // Lag scale: swatches at 1 ms, 10 ms, 100 ms, 1 s, 10 s.
    double x = kLegendPad;
    const double y = top + kLegendPad + h + kLegendPad / 2;
    const QString title = QString::fromUtf8(kLagTitle);
    painter.drawText(QRectF(x, y, metrics.horizontalAdvance(title) + 1, h), Qt::AlignLeft | Qt::AlignVCenter, title);
    x += metrics.horizontalAdvance(title) + 8;
    for (const auto &[lag, text] : kLagStops) {
        painter.setPen(QPen(lagColor(lag, true, m_dark), 4, Qt::SolidLine, Qt::RoundCap));
        painter.drawLine(QPointF(x, y + h / 2), QPointF(x + 22, y + h / 2));
        x += 28;
        painter.setPen(c.muted);
        const QString label = QString::fromUtf8(text);
        painter.drawText(QRectF(x, y, metrics.horizontalAdvance(label) + 1, h), Qt::AlignLeft | Qt::AlignVCenter, label);
        x += metrics.horizontalAdvance(label) + 12;
    }
    painter.setPen(QPen(lagColor(0, false, m_dark), 2, Qt::DashLine));
    painter.drawLine(QPointF(x, y + h / 2), QPointF(x + 22, y + h / 2));
    x += 28;
    painter.setPen(c.muted);
    const QString none = QString::fromUtf8(kNoLag);
    painter.drawText(QRectF(x, y, metrics.horizontalAdvance(none) + 1, h), Qt::AlignLeft | Qt::AlignVCenter, none);
    painter.restore();
}

void LinkMapPicture::paintEdge(QPainter &painter, size_t i) const
{
    const Colours c = colours(m_dark);
    const EdgeText &text = m_edges[i];
    const bool selected = int(i) == m_selectedEdge, hovered = int(i) == m_hoveredEdge;
    if (selected) {
        // A halo in the selection colour under the edge.
        painter.setPen(QPen(c.selected, text.width + 5, Qt::SolidLine, Qt::RoundCap));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(m_geometry.edgePath(i));
    }
    QColor colour = text.colour;
    if (hovered)
        colour = m_dark ? colour.lighter(125) : colour.darker(125);
    painter.setPen(QPen(colour, text.width, text.dashed ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap));
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(m_geometry.edgePath(i));
    if (!m_geometry.arrow(i).isEmpty()) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(colour);
        painter.drawPolygon(m_geometry.arrow(i));
    }
    QColor backing = c.background;
    backing.setAlpha(220);
    painter.setPen(Qt::NoPen);
    painter.setBrush(backing);
    painter.drawRoundedRect(m_geometry.labelRect(i), 3, 3);
    painter.setFont(selected || hovered ? emphasisedLabelFont() : m_labelFont);
    painter.setPen(selected ? c.selected : c.text);
    painter.drawText(m_geometry.labelRect(i), Qt::AlignCenter, text.label);
}

void LinkMapPicture::paintNode(QPainter &painter, size_t i) const
{
    const Colours c = colours(m_dark);
    const NodeText &text = m_nodes[i];
    const LinkMapNode::Kind kind = m_map.nodes[i].kind;
    const QRectF rect = m_geometry.nodeRect(i);
    QPen border(c.border, 1);
    if (kind == LinkMapNode::Kind::NotLoaded)
        border.setStyle(Qt::DashLine);
    painter.setPen(border);
    painter.setBrush(c.fill);
    // Destinations (queues, topics) are pills; groups of spans are boxes.
    const double radius = kind == LinkMapNode::Kind::Destination ? rect.height() / 2 : 4;
    painter.drawRoundedRect(rect, radius, radius);
    if (kind != LinkMapNode::Kind::Destination) {
        QPainterPath box;
        box.addRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3);
        QPainterPath strip;
        strip.addRect(QRectF(rect.left(), rect.top(), kColourBar + 1, rect.height()));
        painter.setPen(Qt::NoPen);
        painter.setBrush(text.colour);
        painter.drawPath(box.intersected(strip));
    }
    const QFontMetricsF titleMetrics(m_titleFont), textMetrics(m_textFont);
    const double inset = kind == LinkMapNode::Kind::Destination ? rect.height() / 2 : kColourBar + kPadding;
    const double left = rect.left() + inset, right = rect.right() - (kind == LinkMapNode::Kind::Destination ? inset : kPadding);
    double y = rect.top() + kPadding;
    painter.setFont(m_titleFont);
    painter.setPen(c.text);
    painter.drawText(QRectF(left, y, right - left, titleMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     titleMetrics.elidedText(text.title, Qt::ElideMiddle, right - left));
    y += titleMetrics.height();
    if (!text.subtitle.isEmpty()) {
        painter.setFont(m_textFont);
        painter.setPen(c.muted);
        painter.drawText(QRectF(left, y, right - left, textMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         textMetrics.elidedText(text.subtitle, Qt::ElideRight, right - left));
    }
}

int LinkMapPicture::nodeAt(QPointF pos) const
{
    return m_geometry.nodeAt(pos);
}

int LinkMapPicture::edgeAt(QPointF pos) const
{
    return m_geometry.edgeAt(pos);
}

QRectF LinkMapPicture::nodeRect(int node) const
{
    return m_geometry.nodeRectOrEmpty(node);
}

QPointF LinkMapPicture::edgeMidpoint(int edge) const
{
    return m_geometry.edgeMidpoint(edge);
}

QRectF LinkMapPicture::edgeLabelRect(int edge) const
{
    return edge >= 0 && size_t(edge) < m_edges.size() && m_laidOut ? m_geometry.labelRect(size_t(edge)) : QRectF();
}

QFont LinkMapPicture::emphasisedLabelFont() const
{
    QFont font = m_labelFont;
    font.setBold(true);
    return font;
}

QString LinkMapPicture::edgeLabel(int edge) const
{
    return edge >= 0 && size_t(edge) < m_edges.size() ? m_edges[size_t(edge)].label : QString();
}

QString LinkMapPicture::edgeToolTip(int edge) const
{
    return edge >= 0 && size_t(edge) < m_edges.size() ? m_edges[size_t(edge)].toolTip : QString();
}

QString LinkMapPicture::nodeToolTip(int node) const
{
    return node >= 0 && size_t(node) < m_nodes.size() ? m_nodes[size_t(node)].toolTip : QString();
}

std::shared_ptr<LinkMapPicture> buildLinkMapPicture(const Model &model, LinkMapGrouping grouping, bool dark, QString *error)
{
    LinkMap map = buildLinkMap(model, grouping);
    if (map.edges.empty()) {
        if (error)
            *error = QStringLiteral("the loaded traces have no span links");
        return nullptr;
    }
    return std::make_shared<LinkMapPicture>(model, std::move(map), dark);
}

std::optional<Drawing> linkMapDrawing(const Model &model, LinkMapGrouping grouping, bool dark, QString *error)
{
    std::shared_ptr<LinkMapPicture> picture = buildLinkMapPicture(model, grouping, dark, error);
    if (!picture)
        return std::nullopt;
    const LayoutResult layout = layoutGraph(picture->layoutRequest());
    if (!layout.ok) {
        if (error)
            *error = QString::fromStdString(layout.error);
        return std::nullopt;
    }
    picture->setLayout(layout);
    // The graph at `k` times its size under the legend band, which keeps its own.
    auto make = [picture](double k, double minWidth) {
        const QSizeF graph = picture->size() * k;
        const double band = picture->legendHeight();
        Drawing drawing;
        drawing.size = QSizeF(std::max(graph.width(), minWidth), band + graph.height());
        drawing.paint = [picture, k, band, width = drawing.size.width()](QPainter &painter) {
            painter.save();
            painter.translate(0, band);
            painter.scale(k, k);
            picture->paint(painter);
            painter.restore();
            picture->paintLegend(painter, 0, width);
        };
        return drawing;
    };
    Drawing drawing = make(1, picture->legendWidth());
    drawing.toWidth = [picture, make](double width) { return make(width / picture->size().width(), 0); };
    return drawing;
}

} // namespace causeway::ui
