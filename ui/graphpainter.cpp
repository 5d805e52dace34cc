#include "ui/graphpainter.h"

#include "ui/displaytext.h"
#include "ui/palette.h"
#include "ui/theme.h"
#include "ui/timeaxis.h"

#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPainter>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace causeway::ui {

namespace {

constexpr double kMargin = 24;
constexpr double kPadding = 8;
constexpr double kColourBar = 5;
constexpr double kStack = 5;          // offset of the cards behind a group node
constexpr double kMinNodeWidth = 120;
constexpr double kMaxNodeWidth = 280;
constexpr double kHitWidth = 9;       // edges are hit this wide, pen included
constexpr double kArrowLength = 9;
constexpr uint32_t kUnresolvedNodes = 12; // "not loaded" nodes around one trace
// An expanded group's block: cards of this size in a grid.
constexpr double kCardWidth = 170;
constexpr double kCardHeight = 36;
constexpr double kCardGap = 4;
constexpr double kBlockHeader = 26;

QString fromStd(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString linkCount(uint32_t n)
{
    return n == 1 ? QStringLiteral("1 link") : QStringLiteral("%L1 links").arg(n);
}

uint32_t rootSpan(const Model &model, uint32_t trace)
{
    const Trace &t = model.traces[trace];
    if (t.root != kNone)
        return t.root;
    return t.spans.empty() ? kNone : model.traceSpans[t.spans.first];
}

QString rootName(const Model &model, uint32_t trace)
{
    const uint32_t root = rootSpan(model, trace);
    if (root == kNone)
        return QStringLiteral("(empty trace)");
    const QString name = fromStd(model.str(model.hot[root].name));
    return name.isEmpty() ? QStringLiteral("(unnamed)") : name;
}

std::string_view serviceOf(const Model &model, uint32_t trace)
{
    const uint32_t root = rootSpan(model, trace);
    if (root != kNone && model.hot[root].service)
        return model.str(model.hot[root].service);
    const Range services = model.traces[trace].services;
    return services.empty() ? std::string_view() : model.str(model.traceServices[services.first]);
}

QString captionOf(const Model &model, uint32_t trace)
{
    return rootName(model, trace) + QStringLiteral(" (") + fromStd(model.traces[trace].id.hex()).left(8) + QLatin1Char(')');
}

QString escaped(const QString &s)
{
    return s.toHtmlEscaped();
}

struct Colours
{
    QColor background, fill, border, text, muted, centreFill;
};

Colours colours(bool dark)
{
    // Background and text are the theme's, as in the other views.
    const QPalette theme = themePalette(dark);
    const QColor background = theme.color(QPalette::Base), text = theme.color(QPalette::Text);
    if (dark)
        return {background, QColor(0x2c, 0x2d, 0x33), QColor(0x5c, 0x5c, 0x68), text, QColor(0xa8, 0xa8, 0xb4),
                QColor(0x3d, 0x33, 0x52)};
    return {background, QColor(0xf7, 0xf7, 0xf9), QColor(0x9a, 0x9a, 0xa5), text, QColor(0x5a, 0x5a, 0x66),
            QColor(0xf1, 0xea, 0xfb)};
}

} // namespace

GraphPicture::GraphPicture(const Model &model, TraceGraph graph, bool dark)
    : m_graph(std::move(graph))
    , m_dark(dark)
{
    m_titleFont = QGuiApplication::font();
    m_titleFont.setPixelSize(12);
    m_titleFont.setBold(true);
    m_textFont = QGuiApplication::font();
    m_textFont.setPixelSize(11);
    m_labelFont = QGuiApplication::font();
    m_labelFont.setPixelSize(10);
    const QFontMetricsF titleMetrics(m_titleFont), textMetrics(m_textFont);

    m_nodes.resize(m_graph.nodes.size());
    for (size_t i = 0; i < m_graph.nodes.size(); ++i) {
        const GraphNode &node = m_graph.nodes[i];
        NodeText &text = m_nodes[i];
        if (node.notLoaded) {
            const QString hex = fromStd(node.missing.hex());
            text.title = QStringLiteral("not loaded");
            text.subtitle = QStringLiteral("trace ") + display::shortTraceId(node.missing);
            text.detail = QStringLiteral("click to fetch from a backend");
            text.colour = colours(m_dark).border;
            text.id = QStringLiteral("missing_") + hex;
            text.toolTip = QStringLiteral("<b>Trace %1 is not loaded</b><br>Click to fetch it from a trace backend.").arg(hex);
        } else if (!node.isGroup()) {
            const uint32_t t = node.trace;
            const Trace &trace = model.traces[t];
            text.title = rootName(model, t);
            const std::string_view service = serviceOf(model, t);
            text.subtitle = service.empty() ? QStringLiteral("(no service)") : fromStd(service);
            if (trace.services.count > 1)
                text.subtitle += QStringLiteral(" +%1").arg(trace.services.count - 1);
            text.detail = display::shortTraceId(trace.id) + QStringLiteral(" · ") + formatDuration(double(trace.duration())) + QStringLiteral(" · ")
                + (trace.spans.count == 1 ? QStringLiteral("1 span") : QStringLiteral("%L1 spans").arg(trace.spans.count));
            text.errors = trace.errorCount;
            if (text.errors)
                text.detail += text.errors == 1 ? QStringLiteral(" · 1 error") : QStringLiteral(" · %L1 errors").arg(text.errors);
            text.colour = serviceColor(service);
            text.id = fromStd(trace.id.hex());
            text.toolTip = QStringLiteral("<b>%1</b><br>trace %2<br>%3<br>%4<br>links: %5 out, %6 in")
                               .arg(escaped(text.title), text.id, escaped(text.subtitle), escaped(text.detail))
                               .arg(trace.linksOut)
                               .arg(trace.linksIn);
        } else {
            // Say what the collapsed traces are: the root span name most of them share.
            std::unordered_map<StringId, uint32_t> names, services;
            uint32_t withErrors = 0;
            for (uint32_t m : node.members) {
                const uint32_t root = rootSpan(model, m);
                if (root != kNone) {
                    ++names[model.hot[root].name];
                    ++services[model.hot[root].service];
                }
                withErrors += model.traces[m].errorCount > 0;
            }
            auto top = [](const std::unordered_map<StringId, uint32_t> &counts) {
                std::pair<StringId, uint32_t> best{0, 0};
                for (const auto &[id, n] : counts)
                    if (n > best.second || (n == best.second && id < best.first))
                        best = {id, n};
                return best;
            };
            const auto [name, nameCount] = top(names);
            const auto [service, serviceCount] = top(services);
            (void)serviceCount;
            const auto members = uint32_t(node.members.size());
            const QString what = fromStd(model.str(name));
            text.title = QStringLiteral("%L1 more traces").arg(members);
            if (nameCount == members)
                text.subtitle = what.isEmpty() ? QStringLiteral("(unnamed)") : what;
            else
                text.subtitle = QStringLiteral("%L1× %2").arg(nameCount).arg(what.isEmpty() ? QStringLiteral("(unnamed)") : what);
            text.detail = withErrors ? QStringLiteral("%L1 with errors · click to expand").arg(withErrors)
                                     : QStringLiteral("click to expand");
            if (node.expanded) {
                text.title = QStringLiteral("%L1 traces").arg(members);
                text.detail = withErrors ? QStringLiteral("%L1 with errors").arg(withErrors) : QString();
                for (uint32_t m : node.members) {
                    const Trace &trace = model.traces[m];
                    NodeText::Card card;
                    card.name = rootName(model, m);
                    card.detail = display::shortTraceId(trace.id) + QStringLiteral(" · ") + formatDuration(double(trace.duration()));
                    card.colour = serviceColor(serviceOf(model, m));
                    card.error = trace.errorCount > 0;
                    card.toolTip = QStringLiteral("<b>%1</b><br>trace %2<br>%3 · %4 spans<br>Click to go to it.")
                                       .arg(escaped(card.name), fromStd(trace.id.hex()),
                                            formatDuration(double(trace.duration())))
                                       .arg(trace.spans.count);
                    text.cards.push_back(std::move(card));
                }
            }
            text.errors = withErrors;
            text.colour = serviceColor(model.str(service));
            text.id = QStringLiteral("group_%1").arg(node.groupKey);
            text.toolTip = QStringLiteral("<b>%1</b><br>%2 of them “%3”<br>%4 with errors<br>Click to show them one by one.")
                               .arg(text.title)
                               .arg(nameCount)
                               .arg(escaped(what))
                               .arg(withErrors);
        }
        if (node.expanded) {
            // A grid about as wide as it is tall on screen.
            const double n = double(text.cards.size());
            text.columns = std::max(1, int(std::round(std::sqrt(n * (kCardHeight + kCardGap) / (kCardWidth + kCardGap)))));
            const int rows = int(std::ceil(n / text.columns));
            text.width = std::ceil(text.columns * (kCardWidth + kCardGap) + kCardGap + kColourBar);
            text.height = std::ceil(kBlockHeader + rows * (kCardHeight + kCardGap) + kCardGap);
            continue;
        }
        double w = std::max({titleMetrics.horizontalAdvance(text.title), textMetrics.horizontalAdvance(text.subtitle) + 12,
                             textMetrics.horizontalAdvance(text.detail)});
        w = std::clamp(w + 2 * kPadding + kColourBar + (text.errors ? 14 : 0), kMinNodeWidth, kMaxNodeWidth);
        double h = titleMetrics.height() + 2 * textMetrics.height() + 2 * kPadding;
        if (node.isGroup()) {
            w += kStack;
            h += kStack;
        }
        text.width = std::ceil(w);
        text.height = std::ceil(h);
    }

    m_edges.resize(m_graph.edges.size());
    for (size_t i = 0; i < m_graph.edges.size(); ++i) {
        const GraphEdge &edge = m_graph.edges[i];
        EdgeText &text = m_edges[i];
        const bool toMissing = m_graph.nodes[edge.from].notLoaded;
        text.label = linkCount(edge.linkCount) + QStringLiteral(" · ")
            + (toMissing ? QStringLiteral("not loaded") : display::lag(edge.lagMedian));

        // The most common link attributes say what kind of link this is.
        std::map<std::pair<QString, QString>, uint32_t> counts;
        for (uint32_t l : edge.links) {
            const Range attrs = model.links[l].attributes;
            for (uint32_t a = attrs.first; a < attrs.end(); ++a)
                ++counts[{fromStd(model.str(model.attributes[a].key)), display::value(model, model.attributes[a].value)}];
        }
        std::vector<std::pair<uint32_t, const std::pair<QString, QString> *>> sorted;
        for (const auto &[kv, n] : counts)
            sorted.emplace_back(n, &kv);
        std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
        QString attributes;
        for (size_t k = 0; k < sorted.size() && k < 5; ++k)
            attributes += QStringLiteral("<br>&nbsp;&nbsp;%1 = %2 (%L3)")
                              .arg(escaped(sorted[k].second->first), escaped(sorted[k].second->second))
                              .arg(sorted[k].first);

        auto nodeCaption = [&](uint32_t n) {
            const GraphNode &node = m_graph.nodes[n];
            if (node.notLoaded)
                return QStringLiteral("trace %1 (not loaded)").arg(fromStd(node.missing.hex()));
            return node.isGroup() ? m_nodes[n].title : captionOf(model, node.trace);
        };
        if (toMissing) {
            text.toolTip = QStringLiteral("<b>%1</b> to a trace that is not loaded<br>cause: %2<br>effect: %3<br>Click the node to fetch it.")
                               .arg(linkCount(edge.linkCount), escaped(nodeCaption(edge.from)), escaped(nodeCaption(edge.to)));
            continue;
        }
        text.toolTip = QStringLiteral("<b>%1</b><br>lag min %2 · median %3 · max %4<br>cause: %5<br>effect: %6")
                           .arg(linkCount(edge.linkCount), display::lag(edge.lagMin), display::lag(edge.lagMedian),
                                display::lag(edge.lagMax), escaped(nodeCaption(edge.from)), escaped(nodeCaption(edge.to)));
        if (!attributes.isEmpty())
            text.toolTip += QStringLiteral("<br>link attributes:") + attributes;
    }

    if (m_graph.truncated)
        m_caption = QStringLiteral("Showing the nearest %L1 nodes: the graph goes on beyond them.").arg(m_graph.nodes.size());
    if (m_graph.unresolvedDropped)
        m_caption += (m_caption.isEmpty() ? QString() : QStringLiteral(" "))
            + QStringLiteral("%L1 more linked traces are not loaded (not shown).").arg(m_graph.unresolvedDropped);
}

QColor GraphPicture::backgroundColor(bool dark)
{
    return colours(dark).background;
}

LayoutRequest GraphPicture::layoutRequest() const
{
    LayoutRequest request;
    request.labelFontSize = m_labelFont.pixelSize();
    request.nodes.reserve(m_nodes.size());
    for (const NodeText &n : m_nodes)
        request.nodes.push_back({n.id.toStdString(), QString(n.title + QLatin1Char('\n') + n.subtitle + QLatin1Char('\n') + n.detail).toStdString(),
                                 n.width, n.height});
    request.edges.reserve(m_edges.size());
    for (size_t i = 0; i < m_edges.size(); ++i)
        request.edges.push_back({m_graph.edges[i].from, m_graph.edges[i].to, m_edges[i].label.toStdString()});
    return request;
}

void GraphPicture::setLayout(const LayoutResult &layout)
{
    const double captionHeight = m_caption.isEmpty() ? 0 : QFontMetricsF(m_textFont).height() + 8;
    const QPointF origin(kMargin, kMargin + captionHeight);
    std::vector<GraphGeometry::EdgeShape> shapes(m_edges.size());
    for (size_t i = 0; i < m_edges.size(); ++i)
        shapes[i] = {m_edges[i].label, kArrowLength, 4, kHitWidth};
    m_geometry.build(layout, m_nodes.size(), shapes, m_labelFont, origin, QRectF(origin, QSizeF(layout.width, layout.height)),
                     origin, kMargin);
    m_size = m_geometry.size();
    m_laidOut = true;
}

void GraphPicture::paint(QPainter &painter, const QRectF &exposed) const
{
    const Colours c = colours(m_dark);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.setRenderHint(QPainter::TextAntialiasing, true);
    const QRectF all(QPointF(0, 0), m_size);
    painter.fillRect(exposed.isEmpty() ? all : exposed & all, c.background);
    if (!m_caption.isEmpty()) {
        painter.setFont(m_textFont);
        painter.setPen(c.muted);
        painter.drawText(QRectF(kMargin, kMargin / 2, m_size.width() - 2 * kMargin, QFontMetricsF(m_textFont).height() + 4),
                         Qt::AlignLeft | Qt::AlignVCenter, m_caption);
    }
    if (!m_laidOut) {
        painter.restore();
        return;
    }
    for (size_t i = 0; i < m_edges.size(); ++i)
        if (m_geometry.edgeVisible(i, exposed))
            paintEdge(painter, i);
    for (size_t i = 0; i < m_nodes.size(); ++i) {
        if (!m_geometry.nodeVisible(i, exposed))
            continue;
        if (m_graph.nodes[i].expanded)
            paintBlock(painter, i, exposed);
        else
            paintNode(painter, i);
    }
    painter.restore();
}

void GraphPicture::paintEdge(QPainter &painter, size_t i) const
{
    const Colours c = colours(m_dark);
    const QColor link = linkColor(m_dark);
    const bool hovered = int(i) == m_hoveredEdge;
    QPen pen(link, hovered ? 2.6 : 1.5, Qt::DotLine, Qt::RoundCap);
    painter.setPen(pen);
    painter.setBrush(Qt::NoBrush);
    painter.drawPath(m_geometry.edgePath(i));
    if (!m_geometry.arrow(i).isEmpty()) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(link);
        painter.drawPolygon(m_geometry.arrow(i));
    }
    // A backing behind the label keeps it readable where it sits on a curve.
    QColor backing = c.background;
    backing.setAlpha(215);
    painter.setPen(Qt::NoPen);
    painter.setBrush(backing);
    painter.drawRoundedRect(m_geometry.labelRect(i), 3, 3);
    QFont font = m_labelFont;
    font.setBold(hovered);
    painter.setFont(font);
    painter.setPen(hovered ? link : c.muted);
    painter.drawText(m_geometry.labelRect(i), Qt::AlignCenter, m_edges[i].label);
}

void GraphPicture::paintNode(QPainter &painter, size_t i) const
{
    const Colours c = colours(m_dark);
    const NodeText &text = m_nodes[i];
    const bool group = m_graph.nodes[i].isGroup();
    const bool centre = m_graph.centre == i;
    QRectF rect = m_geometry.nodeRect(i);

    if (group) {
        // Cards stacked behind say "there are many of these".
        rect.adjust(0, 0, -kStack, -kStack);
        painter.setPen(QPen(c.border, 1));
        painter.setBrush(c.fill.darker(m_dark ? 80 : 104));
        painter.drawRoundedRect(rect.translated(kStack, kStack), 4, 4);
        painter.drawRoundedRect(rect.translated(kStack / 2, kStack / 2), 4, 4);
    }
    if (centre) {
        QColor glow = linkColor(m_dark);
        glow.setAlpha(70);
        painter.setPen(Qt::NoPen);
        painter.setBrush(glow);
        painter.drawRoundedRect(rect.adjusted(-4, -4, 4, 4), 7, 7);
    }
    if (m_graph.nodes[i].notLoaded) {
        // A placeholder, not a trace: dashed outline, no fill colour bar.
        painter.setPen(QPen(c.muted, 1.2, Qt::DashLine));
        painter.setBrush(c.background);
        painter.drawRoundedRect(rect, 4, 4);
        const QFontMetricsF titleMetrics(m_titleFont), textMetrics(m_textFont);
        const QRectF inner = rect.adjusted(kPadding, kPadding, -kPadding, -kPadding);
        double y = inner.top();
        painter.setFont(m_titleFont);
        painter.setPen(c.muted);
        painter.drawText(QRectF(inner.left(), y, inner.width(), titleMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter, text.title);
        y += titleMetrics.height();
        painter.setFont(m_textFont);
        painter.setPen(c.text);
        painter.drawText(QRectF(inner.left(), y, inner.width(), textMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         textMetrics.elidedText(text.subtitle, Qt::ElideRight, inner.width()));
        y += textMetrics.height();
        painter.setPen(linkColor(m_dark));
        painter.drawText(QRectF(inner.left(), y, inner.width(), textMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         textMetrics.elidedText(text.detail, Qt::ElideRight, inner.width()));
        return;
    }
    QPen border(c.border, 1);
    if (text.errors)
        border = QPen(errorColor(), 2);
    if (centre)
        border = QPen(linkColor(m_dark), 2.5);
    painter.setPen(border);
    painter.setBrush(centre ? c.centreFill : c.fill);
    painter.drawRoundedRect(rect, 4, 4);

    // The service colour as a bar down the left edge.
    QPainterPath bar;
    bar.addRoundedRect(rect.adjusted(1, 1, -1, -1), 3, 3);
    QPainterPath strip;
    strip.addRect(QRectF(rect.left(), rect.top(), kColourBar + 1, rect.height()));
    painter.setPen(Qt::NoPen);
    painter.setBrush(text.colour);
    painter.drawPath(bar.intersected(strip));

    const QFontMetricsF titleMetrics(m_titleFont), textMetrics(m_textFont);
    const double left = rect.left() + kColourBar + kPadding;
    double right = rect.right() - kPadding;
    if (text.errors) {
        // The error mark: a red disc with "!" at the top right.
        const QRectF disc(rect.right() - kPadding - 11, rect.top() + kPadding, 11, 11);
        painter.setBrush(errorColor());
        painter.drawEllipse(disc);
        QFont bang = m_labelFont;
        bang.setBold(true);
        painter.setFont(bang);
        painter.setPen(Qt::white);
        painter.drawText(disc, Qt::AlignCenter, QStringLiteral("!"));
        right -= 14;
    }
    double y = rect.top() + kPadding;
    painter.setFont(m_titleFont);
    painter.setPen(c.text);
    painter.drawText(QRectF(left, y, right - left, titleMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     titleMetrics.elidedText(text.title, Qt::ElideRight, right - left));
    y += titleMetrics.height();
    right = rect.right() - kPadding;
    painter.setFont(m_textFont);
    painter.setPen(Qt::NoPen);
    painter.setBrush(text.colour);
    painter.drawEllipse(QRectF(left, y + textMetrics.height() / 2 - 3.5, 7, 7));
    painter.setPen(c.muted);
    painter.drawText(QRectF(left + 12, y, right - left - 12, textMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     textMetrics.elidedText(text.subtitle, Qt::ElideRight, right - left - 12));
    y += textMetrics.height();
    painter.setPen(text.errors && !group ? errorColor() : c.muted);
    painter.drawText(QRectF(left, y, right - left, textMetrics.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     textMetrics.elidedText(text.detail, Qt::ElideRight, right - left));
}

QRectF GraphPicture::memberRect(int node, size_t member) const
{
    if (node < 0 || size_t(node) >= m_nodes.size() || member >= m_nodes[size_t(node)].cards.size())
        return {};
    const NodeText &text = m_nodes[size_t(node)];
    const QRectF block = m_geometry.nodeRect(size_t(node));
    const int row = int(member) / text.columns, column = int(member) % text.columns;
    return QRectF(block.left() + kColourBar + kCardGap + column * (kCardWidth + kCardGap),
                  block.top() + kBlockHeader + kCardGap + row * (kCardHeight + kCardGap), kCardWidth, kCardHeight);
}

QRectF GraphPicture::collapseButtonRect(int node) const
{
    if (node < 0 || size_t(node) >= m_nodes.size() || !m_graph.nodes[size_t(node)].expanded)
        return {};
    const QRectF block = m_geometry.nodeRect(size_t(node));
    const double w = QFontMetricsF(m_textFont).horizontalAdvance(QStringLiteral("▴ Collapse")) + 16;
    return QRectF(block.right() - w - 4, block.top() + 3, w, kBlockHeader - 6);
}

uint32_t GraphPicture::memberAt(int node, QPointF pos) const
{
    if (node < 0 || size_t(node) >= m_nodes.size() || !m_graph.nodes[size_t(node)].expanded)
        return kNone;
    const NodeText &text = m_nodes[size_t(node)];
    const QRectF block = m_geometry.nodeRect(size_t(node));
    const double x = pos.x() - (block.left() + kColourBar + kCardGap), y = pos.y() - (block.top() + kBlockHeader + kCardGap);
    if (x < 0 || y < 0)
        return kNone;
    const int column = int(x / (kCardWidth + kCardGap)), row = int(y / (kCardHeight + kCardGap));
    const size_t index = size_t(row) * size_t(text.columns) + size_t(column);
    if (column >= text.columns || index >= text.cards.size() || !memberRect(node, index).contains(pos))
        return kNone;
    return m_graph.nodes[size_t(node)].members[index];
}

bool GraphPicture::isCollapseButton(int node, QPointF pos) const
{
    return collapseButtonRect(node).contains(pos);
}

void GraphPicture::paintBlock(QPainter &painter, size_t i, const QRectF &exposed) const
{
    const Colours c = colours(m_dark);
    const NodeText &text = m_nodes[i];
    const QRectF rect = m_geometry.nodeRect(i);
    painter.setPen(QPen(text.errors ? errorColor() : c.border, 1));
    painter.setBrush(c.fill.darker(m_dark ? 80 : 103));
    painter.drawRoundedRect(rect, 5, 5);
    QPainterPath bar;
    bar.addRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4);
    QPainterPath strip;
    strip.addRect(QRectF(rect.left(), rect.top(), kColourBar + 1, rect.height()));
    painter.setPen(Qt::NoPen);
    painter.setBrush(text.colour);
    painter.drawPath(bar.intersected(strip));

    // Header: what the block is, and the way back to one node.
    const QFontMetricsF titleMetrics(m_titleFont), textMetrics(m_textFont);
    const QRectF button = collapseButtonRect(int(i));
    const double left = rect.left() + kColourBar + kPadding;
    QString header = text.title + QStringLiteral(" · ") + text.subtitle;
    if (!text.detail.isEmpty())
        header += QStringLiteral(" · ") + text.detail;
    painter.setFont(m_titleFont);
    painter.setPen(c.text);
    painter.drawText(QRectF(left, rect.top(), button.left() - left - 4, kBlockHeader), Qt::AlignLeft | Qt::AlignVCenter,
                     titleMetrics.elidedText(header, Qt::ElideRight, button.left() - left - 4));
    painter.setPen(QPen(c.border, 1));
    painter.setBrush(c.fill);
    painter.drawRoundedRect(button, 3, 3);
    painter.setFont(m_textFont);
    painter.setPen(c.text);
    painter.drawText(button, Qt::AlignCenter, QStringLiteral("▴ Collapse"));

    // Only the cards in view: a block can hold thousands.
    const auto &members = m_graph.nodes[i].members;
    for (size_t k = 0; k < members.size(); ++k) {
        const QRectF card = memberRect(int(i), k);
        if (!exposed.isEmpty() && !exposed.intersects(card))
            continue;
        const NodeText::Card &t = text.cards[k];
        painter.setPen(QPen(t.error ? errorColor() : c.border, t.error ? 1.5 : 1));
        painter.setBrush(c.fill);
        painter.drawRoundedRect(card, 3, 3);
        painter.setPen(Qt::NoPen);
        painter.setBrush(t.colour);
        painter.drawRect(QRectF(card.left() + 1, card.top() + 1, 3, card.height() - 2));
        const QRectF inner = card.adjusted(8, 2, -4, -2);
        painter.setFont(m_textFont);
        painter.setPen(c.text);
        painter.drawText(QRectF(inner.left(), inner.top(), inner.width(), inner.height() / 2), Qt::AlignLeft | Qt::AlignVCenter,
                         textMetrics.elidedText(t.name, Qt::ElideRight, inner.width()));
        painter.setPen(t.error ? errorColor() : c.muted);
        painter.drawText(QRectF(inner.left(), inner.center().y(), inner.width(), inner.height() / 2),
                         Qt::AlignLeft | Qt::AlignVCenter, textMetrics.elidedText(t.detail, Qt::ElideRight, inner.width()));
    }
}

int GraphPicture::nodeAt(QPointF pos) const
{
    return m_geometry.nodeAt(pos);
}

int GraphPicture::edgeAt(QPointF pos) const
{
    return m_geometry.edgeAt(pos);
}

QRectF GraphPicture::nodeRect(int node) const
{
    return m_geometry.nodeRectOrEmpty(node);
}

QPointF GraphPicture::edgeMidpoint(int edge) const
{
    return m_geometry.edgeMidpoint(edge);
}

QString GraphPicture::memberToolTip(int node, QPointF pos) const
{
    const uint32_t member = memberAt(node, pos);
    if (member == kNone)
        return {};
    const auto &members = m_graph.nodes[size_t(node)].members;
    const auto it = std::lower_bound(members.begin(), members.end(), member);
    return m_nodes[size_t(node)].cards[size_t(it - members.begin())].toolTip;
}

QString GraphPicture::nodeToolTip(int node) const
{
    return node >= 0 && size_t(node) < m_nodes.size() ? m_nodes[size_t(node)].toolTip : QString();
}

QString GraphPicture::edgeToolTip(int edge) const
{
    return edge >= 0 && size_t(edge) < m_edges.size() ? m_edges[size_t(edge)].toolTip : QString();
}

QStringList GraphPicture::nodeLines(int node) const
{
    if (node < 0 || size_t(node) >= m_nodes.size())
        return {};
    const NodeText &n = m_nodes[size_t(node)];
    return {n.title, n.subtitle, n.detail};
}

std::shared_ptr<GraphPicture> buildGraphPicture(const Model &model, const DrawingOptions &options, QString *error,
                                                const std::vector<uint32_t> &expandedGroups)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return std::shared_ptr<GraphPicture>();
    };
    if (model.traces.empty())
        return fail(QStringLiteral("there are no traces to draw"));
    if (options.trace != kNone && options.trace >= model.traces.size())
        return fail(QStringLiteral("trace %1 is not loaded").arg(options.trace));
    GraphOptions graphOptions;
    graphOptions.depth = options.depth;
    graphOptions.expandedGroups = expandedGroups;
    graphOptions.unresolvedCap = kUnresolvedNodes;
    if (options.trace == kNone) {
        // The whole model: past 1,000 nodes the layout switches to sfdp, whose
        // overlap removal costs about 1.5 s of CPU at 2,000 nodes and 20 s at 10,000.
        graphOptions.nodeCap = 2000;
    }
    TraceGraph graph = buildTraceGraph(model, options.trace, graphOptions);
    if (graph.nodes.empty())
        return fail(QStringLiteral("the trace graph is empty"));
    return std::make_shared<GraphPicture>(model, std::move(graph), options.dark);
}

std::optional<Drawing> graphDrawing(const Model &model, const DrawingOptions &options, QString *error)
{
    std::shared_ptr<GraphPicture> picture = buildGraphPicture(model, options, error);
    if (!picture)
        return std::nullopt;
    const LayoutResult layout = layoutGraph(picture->layoutRequest());
    if (!layout.ok) {
        if (error)
            *error = QString::fromStdString(layout.error);
        return std::nullopt;
    }
    picture->setLayout(layout);
    Drawing drawing;
    drawing.size = picture->size();
    drawing.paint = [picture](QPainter &painter) { picture->paint(painter); };
    return drawing;
}

} // namespace causeway::ui
