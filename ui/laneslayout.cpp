#include "ui/laneslayout.h"

#include "ui/displaytext.h"

#include "core/lanessummary.h"

#include <QFontMetricsF>
#include <QPainterPathStroker>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

namespace {

double headerHeight(const LanesStyle &style)
{
    return std::ceil(QFontMetricsF(style.font).height()) + 7;
}

// Square dots every few pixels along a polyline. The spacing is whole
// pixels, and so is the size, so every dot of a line is as big as the next
// and no gap is a pixel wider than the next. Along a straight run the dots
// sit on a grid fixed to the canvas (every `spacing` px), so a run lands on
// the screen as one pattern repeating (the painter fills it at once), and
// edges that share a run (a bus in a crowded margin) put their dots on the
// same pixels instead of smearing into a solid line. A dot on a corner is
// kept only where both runs' grids meet; one that would touch the last dot
// around a corner is left out.
std::vector<QRectF> dotsAlong(const std::vector<QPointF> &points, double size)
{
    size = std::max(1.0, std::round(size));
    const double spacing = std::round(2.0 * size + 0.4);
    std::vector<QRectF> dots;
    if (points.empty())
        return dots;
    auto onGrid = [&](double v) {
        const double k = (v - size / 2) / spacing;
        return std::abs(k - std::round(k)) < 1e-6;
    };
    auto add = [&](QPointF at) {
        if (!dots.empty()) {
            const QPointF last = dots.back().center();
            const double dx = std::abs(at.x() - last.x()), dy = std::abs(at.y() - last.y());
            if (dx > 1e-6 && dy > 1e-6 && std::max(dx, dy) < size + 1)
                return;
        }
        dots.emplace_back(at.x() - size / 2, at.y() - size / 2, size, size);
    };
    auto straight = [](QPointF a, QPointF b) { return a.x() == b.x() || a.y() == b.y(); };
    if (points.size() == 1)
        add(points.front());
    for (size_t i = 1; i < points.size(); ++i) {
        const QPointF from = points[i - 1], to = points[i];
        if (from == to)
            continue;
        if (straight(from, to)) {
            const bool horizontal = from.y() == to.y();
            const double a = horizontal ? from.x() : from.y(), b = horizontal ? to.x() : to.y();
            const double dir = b > a ? 1 : -1;
            const double k0 = dir > 0 ? std::ceil((a - size / 2) / spacing - 1e-9) : std::floor((a - size / 2) / spacing + 1e-9);
            // Where this run ends at a corner, the next run's coordinate there decides whether its dot stays.
            const bool corner = i + 1 < points.size() && straight(to, points[i + 1]) && points[i + 1] != to;
            const bool cornerOnGrid = corner && onGrid(points[i + 1].y() == to.y() ? to.x() : to.y());
            const bool startCorner = i > 1 && straight(points[i - 2], from) && points[i - 2] != from;
            const bool startOnGrid = startCorner && onGrid(points[i - 2].y() == from.y() ? from.x() : from.y());
            for (double v = k0 * spacing + size / 2; dir > 0 ? v <= b + 1e-9 : v >= b - 1e-9; v += dir * spacing) {
                const bool atStart = std::abs(v - a) < 1e-9, atEnd = std::abs(v - b) < 1e-9;
                if (atStart && !dots.empty() && dots.back().center() == from)
                    continue;
                if (atStart && startCorner && !startOnGrid)
                    continue;
                if (atEnd && corner && !cornerOnGrid)
                    continue;
                add(horizontal ? QPointF(v, from.y()) : QPointF(from.x(), v));
            }
        } else {
            // A slanted stretch: spaced along its length from the last dot.
            const QPointF d = to - from;
            const double length = std::hypot(d.x(), d.y());
            double along = 0;
            if (!dots.empty()) {
                const QPointF last = dots.back().center();
                along = std::max(0.0, spacing - std::hypot(from.x() - last.x(), from.y() - last.y()));
            }
            for (; along <= length + 1e-9; along += spacing)
                add(from + d * (along / length));
        }
    }
    return dots;
}

// An edge's way from its linking end `a` to its target end `b`, in straight
// runs that stay out of every other lane's header: down (or up) out of its
// own lane into the gap beside it, along that gap, and where lanes lie
// between the two, through the margin beside them (the gutter, where no
// header reaches) to the gap beside the other lane, then into it. An end off
// to a side sits in that side's gutter, level with its lane's body, so the
// arrow pointing to it stays in its own lane's band.
std::vector<QPointF> routeEdge(const LanesLayout &layout, const LaneEdge &e, double width)
{
    const LanesStyle &style = layout.style;
    const Lane &from = layout.lanes[size_t(e.fromLane)];
    const Lane &to = layout.lanes[size_t(e.toLane)];
    const bool downward = e.fromLane < e.toLane;
    const double yA = downward ? from.rect.bottom() + style.laneGap / 2 : from.rect.top() - style.laneGap / 2;
    const double yB = downward ? to.rect.top() - style.laneGap / 2 : to.rect.bottom() + style.laneGap / 2;
    const bool between = std::abs(e.fromLane - e.toLane) > 1;
    auto gutter = [&](int side) { return side > 0 ? width - style.margin / 2 : style.margin / 2; };
    std::vector<QPointF> points{e.a};
    auto to_ = [&](double x, double y) {
        if (points.back() != QPointF(x, y))
            points.emplace_back(x, y);
    };
    if (e.offA && e.offB == e.offA) {
        to_(e.b.x(), e.b.y());
        return points;
    }
    double x = e.a.x();
    if (!e.offA)
        to_(x, yA);
    if (between) {
        int side = e.offA ? e.offA : e.offB;
        if (!side)
            side = std::abs(e.a.x() - style.margin) + std::abs(e.b.x() - style.margin)
                    <= std::abs(width - style.margin - e.a.x()) + std::abs(width - style.margin - e.b.x())
                ? -1
                : 1;
        x = gutter(side);
        to_(x, e.offA ? e.a.y() : yA);
        to_(x, yB);
    } else {
        to_(x, yB);
    }
    to_(e.b.x(), yB);
    to_(e.b.x(), e.b.y());
    return points;
}

} // namespace

int LanesLayout::laneAt(double y) const
{
    // Lanes are stacked top to bottom: bisect.
    auto it = std::partition_point(lanes.begin(), lanes.end(), [y](const Lane &l) { return l.rect.bottom() <= y; });
    if (it == lanes.end() || y < it->rect.top())
        return -1;
    return int(it - lanes.begin());
}

int LanesLayout::laneOfTrace(uint32_t trace) const
{
    return trace < laneOf.size() ? laneOf[trace] : -1;
}

int LanesLayout::laneCount(LaneKind kind) const
{
    return int(std::count_if(lanes.begin(), lanes.end(), [kind](const Lane &l) { return l.kind == kind; }));
}

LanesSelection selectionOf(const LanesLayout &layout)
{
    LanesSelection selection;
    selection.focus = layout.focus;
    selection.origin = layout.origin;
    selection.options = layout.options;
    selection.lanes.reserve(layout.lanes.size());
    for (const Lane &lane : layout.lanes) {
        LaneSpec spec;
        spec.kind = lane.kind;
        spec.trace = lane.trace;
        if (lane.isGroup())
            spec.members = lane.members;
        selection.lanes.push_back(std::move(spec));
    }
    return selection;
}

LanesLayout collectLanes(const Model &model, uint32_t focus, const LanesOptions &options, LanesSummaryCache *summaries)
{
    LanesSelection selection = summaries ? selectLanes(model, focus, options, *summaries) : selectLanes(model, focus, options);
    LanesLayout out;
    out.focus = selection.focus;
    out.options = selection.options;
    out.origin = selection.origin;
    out.focusLane = selection.focusLane;
    out.laneOf = std::move(selection.laneOf);
    out.groupOf = std::move(selection.groupOf);
    out.lanes.reserve(selection.lanes.size());
    for (LaneSpec &spec : selection.lanes) {
        Lane lane;
        static_cast<LaneSpec &>(lane) = std::move(spec);
        if (!lane.isGroup())
            lane.flame = std::make_shared<FlamePainter>(std::make_shared<const FlameRows>(model, lane.trace));
        out.lanes.push_back(std::move(lane));
    }
    for (const Lane &lane : out.lanes) {
        if (lane.isGroup())
            out.content.insert(out.content.end(), lane.coverage.begin(), lane.coverage.end());
        else
            out.content.emplace_back(model.traces[lane.trace].start, model.traces[lane.trace].end);
    }
    out.edges.reserve(selection.edges.size());
    for (LaneLinkBundle &bundle : selection.edges) {
        LaneEdge edge;
        static_cast<LaneLinkBundle &>(edge) = std::move(bundle);
        out.gutterEdges += std::abs(edge.fromLane - edge.toLane) > 1 ? 1 : 0;
        out.edges.push_back(std::move(edge));
    }
    return out;
}

LanesLayout collectLanes(const Model &model, uint32_t focus, LanesOptions options, uint32_t selectedSpan,
                         LanesSummaryCache *summaries)
{
    if (selectedSpan >= model.hot.size() || model.hot[selectedSpan].trace == focus)
        return collectLanes(model, focus, options, summaries);
    const uint32_t trace = model.hot[selectedSpan].trace;
    const bool userPinned = std::find(options.pinned.begin(), options.pinned.end(), trace) != options.pinned.end();
    if (!userPinned)
        options.pinned.push_back(trace);
    LanesLayout layout = collectLanes(model, focus, options, summaries);
    if (const int lane = layout.laneOfTrace(trace); !userPinned && lane >= 0 && !layout.lanes[size_t(lane)].isGroup())
        layout.lanes[size_t(lane)].marks &= uint8_t(~MarkPinned);
    return layout;
}

QRectF laneSpanRect(const Model &model, const LanesLayout &layout, const Lane &lane, uint32_t span)
{
    if (lane.isGroup() || span >= model.hot.size())
        return lane.body;
    if (lane.flame && lane.flameView.rect.width() > 0)
        if (const auto r = lane.flame->spanRect(lane.flameView, span))
            if (r->top() < lane.body.bottom())
                return *r;
    // Deeper than the rows shown, or off screen: the last row at its time.
    const SpanHot &h = model.hot[span];
    const double x0 = layout.time.toX(h.start);
    const double x1 = std::max(layout.time.toX(h.end), x0 + 1);
    const uint32_t row = lane.rows ? lane.rows - 1 : 0;
    return QRectF(x0, lane.body.top() + row * lane.rowHeight, x1 - x0, lane.flameView.boxHeight());
}

const TimeRuns &LanesLayout::timeRuns(const TimeMapOptions &options) const
{
    if (!runsCache.valid || !(runsCache.options == options)) {
        runsCache.runs = ui::timeRuns(content, options);
        runsCache.options = options;
        runsCache.valid = true;
    }
    return runsCache.runs;
}

double lanesMargin(const LanesLayout &layout, const LanesStyle &style)
{
    // A track every 4 px (dotted lines of 2 px dots stay apart), a pixel
    // and a half clear of the window's border and of the lanes; at most 3
    // times the usual margin (beyond that the tracks close up to 2 px).
    const double need = 4.0 * std::max(0, layout.gutterEdges - 1) + 6;
    return std::max(style.margin, std::min(3 * style.margin, need));
}

TimeMap lanesTimeMap(const Model &, const LanesLayout &layout, double width, const LanesStyle &baseStyle, double zoom,
                     double pan)
{
    LanesStyle style = baseStyle;
    style.margin = lanesMargin(layout, baseStyle);
    const double inner = std::max(1.0, width - 2 * style.margin) * std::max(1.0, zoom);
    return TimeMap(layout.timeRuns(style.time), style.margin - pan, style.margin - pan + inner, style.time);
}

LanesViewport fitTimeRange(const Model &model, const LanesLayout &layout, double width, const LanesStyle &baseStyle,
                           uint64_t t0, uint64_t t1)
{
    LanesStyle style = baseStyle;
    style.margin = lanesMargin(layout, baseStyle);
    LanesViewport v;
    if (layout.lanes.empty() || t1 <= t0)
        return v;
    const double inner = std::max(1.0, width - 2 * style.margin);
    // Breaks keep their width while the rest scales: converge in a few steps.
    for (int i = 0; i < 5; ++i) {
        const TimeMap map = lanesTimeMap(model, layout, width, baseStyle, v.zoom, 0);
        const double w = std::max(1e-3, map.toX(t1) - map.toX(t0));
        v.zoom = std::clamp(v.zoom * (inner / w), 1.0, 1e7);
    }
    const TimeMap map = lanesTimeMap(model, layout, width, baseStyle, v.zoom, 0);
    v.pan = std::max(0.0, map.toX(t0) - style.margin);
    const double overflow = map.empty() ? 0 : map.pieces().back().x1 - (width - style.margin);
    v.pan = std::min(v.pan, std::max(0.0, overflow));
    if (v.zoom <= 1)
        v.pan = 0;
    return v;
}

std::pair<uint64_t, uint64_t> initialTimeRange(const Model &model, const LanesLayout &layout)
{
    if (layout.focus >= model.traces.size())
        return {0, 0};
    // The focus trace is what the user chose: it keeps at least
    // kFocusShare of the time shown. The points where links attach widen
    // the window nearest first while that holds; the rest is off to the
    // sides, where edge stubs and the lanes' own offsets point to it.
    constexpr double kFocusShare = 0.2;
    const uint64_t f0 = model.traces[layout.focus].start, f1 = model.traces[layout.focus].end;
    std::vector<uint64_t> points;
    for (const LaneEdge &e : layout.edges) {
        points.push_back(e.fromTime);
        points.push_back(e.toTime);
    }
    for (const Lane &lane : layout.lanes) {
        if (lane.isGroup())
            points.push_back(lane.memberStarts.empty() ? lane.memberStart : lane.memberStarts[lane.memberStarts.size() / 2]);
        else if (lane.kind != LaneKind::Focus)
            points.push_back(lane.anchor ? lane.anchor : model.traces[lane.trace].start);
    }
    auto outside = [&](uint64_t t) { return t < f0 ? f0 - t : t > f1 ? t - f1 : 0; };
    std::sort(points.begin(), points.end(), [&](uint64_t a, uint64_t b) { return outside(a) < outside(b); });
    const double focusLength = double(std::max<uint64_t>(f1 - f0, 1000));
    uint64_t t0 = f0, t1 = f1;
    bool beforeLeft = false, beyondRight = false; // link points left out on either side
    for (uint64_t t : points) {
        const uint64_t n0 = std::min(t0, t), n1 = std::max(t1, t);
        if (focusLength / double(std::max<uint64_t>(n1 - n0, 1)) < kFocusShare) {
            beforeLeft |= t < t0;
            beyondRight |= t > t1;
            continue;
        }
        t0 = n0;
        t1 = n1;
    }
    // A side with ends left out gets room: its stubs then slant towards the
    // border instead of running down it in one line.
    const uint64_t span = t1 - t0;
    const uint64_t pad = std::max<uint64_t>(span / 25, 1000);
    const uint64_t padLeft = beforeLeft ? std::max<uint64_t>(span / 5, pad) : pad;
    const uint64_t padRight = beyondRight ? std::max<uint64_t>(span / 5, pad) : pad;
    return {t0 > padLeft ? t0 - padLeft : 0, t1 + padRight};
}

LanesViewport initialViewport(const Model &model, const LanesLayout &layout, double width, const LanesStyle &style)
{
    const auto [t0, t1] = initialTimeRange(model, layout);
    return fitTimeRange(model, layout, width, style, t0, t1);
}

void layoutLanes(const Model &model, LanesLayout &layout, double width, const LanesStyle &baseStyle, double zoom, double pan)
{
    LanesStyle style = baseStyle;
    style.margin = lanesMargin(layout, baseStyle);
    layout.style = style;
    layout.width = width;
    layout.zoom = std::max(1.0, zoom);
    layout.pan = pan;
    layout.time = lanesTimeMap(model, layout, width, baseStyle, layout.zoom, pan);
    layout.ticks = axisTicks(layout.time, layout.origin, width);
    QFont axisFont = style.font;
    axisFont.setPointSizeF(style.font.pointSizeF() * 0.86);
    layout.axisLabels = placeAxisLabels(layout.time, layout.ticks, axisFont, width, style.axisHeight);

    QFont small = style.font;
    small.setPointSizeF(style.font.pointSizeF() * 0.86);
    const QFontMetricsF smallMetrics(small);
    const double header = headerHeight(style);
    const double bodyWidth = std::max(1.0, width - 2 * style.margin);
    double y = style.axisHeight + 6;
    for (Lane &lane : layout.lanes) {
        lane.density.clear();
        lane.errorTicks.clear();
        lane.errorChip = {};
        lane.title = QRectF(style.margin, y + 2, bodyWidth, header - 3);
        if (lane.isGroup()) {
            lane.rowHeight = style.groupBodyHeight;
            lane.rows = 1;
            lane.body = QRectF(style.margin, y + header, bodyWidth, style.groupBodyHeight);
            // How many members start in each pixel column: the starts are
            // sorted, so two binary searches per column, whatever the count.
            lane.density.assign(size_t(std::ceil(bodyWidth)), 0);
            const auto &starts = lane.memberStarts;
            auto firstAt = [&](double x) {
                if (x <= layout.time.toX(starts.front()))
                    return starts.begin();
                const uint64_t t = layout.time.toTime(x);
                auto it = std::lower_bound(starts.begin(), starts.end(), t);
                // toTime rounds: settle the member on the boundary by its own x.
                while (it != starts.begin() && layout.time.toX(*(it - 1)) >= x)
                    --it;
                while (it != starts.end() && layout.time.toX(*it) < x)
                    ++it;
                return it;
            };
            if (!starts.empty()) {
                auto from = firstAt(style.margin);
                for (size_t c = 0; c < lane.density.size() && from != starts.end(); ++c) {
                    const auto to = firstAt(style.margin + double(c + 1));
                    lane.density[c] = uint16_t(std::min<ptrdiff_t>(to - from, UINT16_MAX));
                    from = to;
                }
            }
            lane.errorClusters.clear();
            for (uint32_t m : lane.errorMembers) {
                const double x = layout.time.toX(model.traces[m].start);
                if (x < lane.body.left() - 1 || x > lane.body.right() + 1)
                    continue;
                lane.errorTicks.emplace_back(x, m);
                // Sorted by start, so by x: a tick closer to the last one
                // than two reaches joins its cluster, up to a cluster's
                // width (a crowded strip reads as several clusters, not one).
                if (lane.errorClusters.empty() || x - lane.errorClusters.back().x1 >= 2 * style.errorTickReach
                    || x - lane.errorClusters.back().x0 > style.errorClusterWidth)
                    lane.errorClusters.push_back({x, x, {}, {}});
                lane.errorClusters.back().x1 = x;
                lane.errorClusters.back().members.push_back(m);
            }
            // Hit areas reach a few pixels out, never into the next cluster's:
            // neighbours closer than that split the gap between them.
            for (size_t c = 0; c < lane.errorClusters.size(); ++c) {
                Lane::ErrorCluster &cluster = lane.errorClusters[c];
                const double reach = style.errorTickReach;
                double left = cluster.x0 - reach, right = cluster.x1 + reach;
                if (c > 0)
                    left = std::max(left, (lane.errorClusters[c - 1].x1 + cluster.x0) / 2);
                if (c + 1 < lane.errorClusters.size())
                    right = std::min(right, (cluster.x1 + lane.errorClusters[c + 1].x0) / 2);
                cluster.hit = QRectF(left, lane.body.top() - 2, right - left, lane.body.height() + 4);
            }
            if (!lane.errorMembers.empty()) {
                // At most half the header: a narrow lane says just the count.
                lane.errorChipText = display::count(lane.errorMembers.size(), "failed", "failed") + QStringLiteral("  ▸");
                double w = ShapedText(lane.errorChipText, small).width() + 12;
                if (w > lane.title.width() / 2) {
                    lane.errorChipText = QStringLiteral("%L1 ▸").arg(lane.errorMembers.size());
                    w = std::min(ShapedText(lane.errorChipText, small).width() + 8, lane.title.width());
                }
                lane.errorChip = QRectF(lane.title.right() - w, lane.title.top(), w, lane.title.height());
            }
        } else {
            const Trace &t = model.traces[lane.trace];
            const bool focus = lane.kind == LaneKind::Focus;
            lane.rowHeight = focus ? style.focusRowHeight : style.rowHeight;
            const auto depths = uint32_t(lane.flame && lane.flame->rows() ? lane.flame->rows()->rowCount() : t.maxDepth + 1);
            lane.rows = std::max<uint32_t>(1, std::min(depths, focus ? style.focusMaxRows : style.maxRows));
            lane.hiddenDepths = depths > lane.rows ? depths - lane.rows : 0;
            lane.body = QRectF(style.margin, y + header, bodyWidth, lane.rows * lane.rowHeight);
            // The flame view covers the part of the trace on screen; a trace
            // never spans a break, so its stretch of the axis is linear.
            FlameView &view = lane.flameView;
            const double x0 = layout.time.toX(t.start), x1 = std::max(layout.time.toX(t.end), x0 + 1);
            const double v0 = std::clamp(x0, 0.0, width), v1 = std::clamp(x1, v0, width);
            view.rect = QRectF(v0, lane.body.top(), std::max(0.0, v1 - v0), lane.body.height());
            view.start = x0 >= 0 ? t.start : layout.time.toTime(v0);
            view.end = std::max(x1 <= width ? std::max(t.end, t.start + 1) : layout.time.toTime(v1), view.start + 1);
            view.rowHeight = lane.rowHeight;
            view.scrollY = 0;
            view.details = true;
            const double grow = std::max(0.0, style.minHitWidth - (x1 - x0)) / 2;
            lane.traceHit = QRectF(x0 - grow, lane.body.top(), x1 - x0 + 2 * grow, lane.body.height());
        }
        lane.rect = QRectF(0, y, width, header + lane.body.height() + 6);
        y = lane.rect.bottom() + style.laneGap;
    }
    layout.height = y;

    QFont countFont = style.font;
    countFont.setPointSizeF(style.font.pointSizeF() * 0.8);
    countFont.setBold(true);
    const QFontMetricsF countMetrics(countFont);
    std::vector<QRectF> pills;
    for (LaneEdge &e : layout.edges) {
        const Lane &from = layout.lanes[e.fromLane];
        const Lane &to = layout.lanes[e.toLane];
        const bool upward = e.fromLane > e.toLane;
        auto end = [&](const Lane &lane, uint32_t span, uint64_t time, bool top) {
            if (span != kNone) {
                const QRectF r = laneSpanRect(model, layout, lane, span);
                const double x = std::clamp(r.left() + 2, r.left(), r.right());
                return QPointF(x, top ? r.top() : r.bottom());
            }
            // Not clamped here: an end beyond the body is off to a side.
            return QPointF(layout.time.toX(time), top ? lane.body.top() : lane.body.bottom());
        };
        e.a = end(from, e.fromSpan, e.fromTime, upward);
        e.b = end(to, e.toSpan, e.toTime, !upward);
        // An end off to a side (the view fits the focus) becomes an arrow in
        // that side's gutter, level with its lane's body, pointing to it.
        auto stub = [&](QPointF &p, const Lane &lane) -> int8_t {
            const double lo = style.margin, hi = width - style.margin;
            if (p.x() >= lo && p.x() <= hi)
                return 0;
            const int8_t side = p.x() < lo ? -1 : 1;
            p.setX(side < 0 ? style.margin / 2 : width - style.margin / 2);
            p.setY(lane.body.top() + std::min(lane.body.height() / 2, 6.0));
            return side;
        };
        e.offA = stub(e.a, from);
        e.offB = stub(e.b, to);
        e.penWidth = 1.4 + std::min(4.0, 0.7 * std::log2(double(e.links.size())));
        e.route = routeEdge(layout, e, width);
    }
    separateEdgeRuns(layout);
    for (LaneEdge &e : layout.edges) {
        const Lane &from = layout.lanes[e.fromLane];
        const bool upward = e.fromLane > e.toLane;
        QPainterPath path(e.route.front());
        for (size_t k = 1; k < e.route.size(); ++k)
            path.lineTo(e.route[k]);
        e.path = path;
        QPainterPathStroker stroker;
        stroker.setWidth(std::max(9.0, e.penWidth + 6));
        stroker.setCapStyle(Qt::RoundCap);
        e.hitArea = stroker.createStroke(path);
        e.dots = dotsAlong(e.route, 1.2 + 0.3 * e.penWidth);
        // Points every few pixels along the way: the nearest edge to the mouse wins.
        e.samples.clear();
        e.samples.push_back(e.route.front());
        for (size_t k = 1; k < e.route.size(); ++k) {
            const QPointF d = e.route[k] - e.route[k - 1];
            const int steps = std::max(1, int(std::ceil(std::hypot(d.x(), d.y()) / 4)));
            for (int j = 1; j <= steps; ++j)
                e.samples.push_back(e.route[k - 1] + d * (double(j) / steps));
        }

        // The count sits in the gap next to the linking end, clear of the
        // headers and of the other counts.
        e.countRect = {};
        e.countText = {};
        if (e.links.size() > 1) {
            e.countText = ShapedText(QStringLiteral("×") + QStringLiteral("%L1").arg(e.links.size()), countFont);
            const double w = e.countText.width() + 10, h = countMetrics.height() + 2;
            const double gapCentre = upward ? from.rect.top() - style.laneGap / 2 : from.rect.bottom() + style.laneGap / 2;
            // On the run along that gap: where it leaves the linking end, or
            // for an end off to a side, where it turns towards the target.
            double x = e.a.x();
            if (e.offA && !e.offB && std::abs(e.fromLane - e.toLane) == 1)
                x = e.b.x() + (e.offA > 0 ? 1 : -1) * (w / 2 + 6);
            QRectF pill(std::clamp(x - w / 2, 1.0, std::max(1.0, width - w - 1)), gapCentre - h / 2, w, h);
            for (int guard = 0; guard < 64; ++guard) {
                auto clash = std::find_if(pills.begin(), pills.end(), [&](const QRectF &o) { return o.adjusted(-3, 0, 3, 0).intersects(pill); });
                if (clash == pills.end())
                    break;
                pill.moveLeft(clash->right() + 4);
            }
            pills.push_back(pill);
            e.countRect = pill;
        }
    }
    layout.stubs = placeLaneStubs(model, layout);
}

void separateEdgeRuns(LanesLayout &layout)
{
    const LanesStyle &style = layout.style;
    const double width = layout.width;
    // A corner between two runs that go the same way is no corner: merged,
    // so that moving a run sideways keeps every run straight.
    for (LaneEdge &e : layout.edges) {
        std::vector<QPointF> &r = e.route;
        for (size_t k = 1; k + 1 < r.size();) {
            const bool vertical = std::abs(r[k - 1].x() - r[k].x()) < 1e-6 && std::abs(r[k].x() - r[k + 1].x()) < 1e-6;
            const bool horizontal = std::abs(r[k - 1].y() - r[k].y()) < 1e-6 && std::abs(r[k].y() - r[k + 1].y()) < 1e-6;
            if (vertical || horizontal)
                r.erase(r.begin() + std::ptrdiff_t(k));
            else
                ++k;
        }
    }
    // A straight run: which way it goes, where (x of a vertical one, y of
    // a horizontal one), its extent along the way, and how far sideways it
    // may move (a margin, a gap, or a few pixels along the span an end sits on).
    struct Run
    {
        bool vertical = false;
        double at = 0, lo = 0, hi = 0;
        double min = 0, max = 0;
    };
    const double left = style.margin, right = width - style.margin;
    const double gapReach = std::max(0.0, style.laneGap / 2 - 2);
    auto runOf = [&](QPointF p, QPointF q, Run &run) {
        if (std::abs(p.x() - q.x()) < 1e-6) {
            run.vertical = true;
            run.at = p.x();
            run.lo = std::min(p.y(), q.y());
            run.hi = std::max(p.y(), q.y());
            if (run.at < left) {
                run.min = 1.5;
                run.max = left - 1.5;
            } else if (run.at > right) {
                run.min = right + 1.5;
                run.max = width - 1.5;
            } else {
                // An end's run in the body: its dot slides along the lane's edge.
                run.min = std::max(left + 1.5, run.at - 20);
                run.max = std::min(right - 1.5, run.at + 20);
            }
            return true;
        }
        if (std::abs(p.y() - q.y()) < 1e-6) {
            run.vertical = false;
            run.at = p.y();
            run.lo = std::min(p.x(), q.x());
            run.hi = std::max(p.x(), q.x());
            run.min = run.at - gapReach;
            run.max = run.at + gapReach;
            return true;
        }
        return false; // a slanted stub: not shared
    };
    // Edge by edge, the longest first (it keeps the shared line), each run
    // on the nearest track clear of the runs already placed: the line
    // itself, then alternately either side 4 px apart, then 2 px apart.
    // Runs that nearly meet count as sharing: a run moved aside lengthens
    // the runs next to it by as much.
    std::vector<size_t> order(layout.edges.size());
    std::vector<double> length(layout.edges.size(), 0);
    for (size_t i = 0; i < order.size(); ++i) {
        order[i] = i;
        const std::vector<QPointF> &r = layout.edges[i].route;
        for (size_t k = 1; k < r.size(); ++k)
            length[i] += std::abs(r[k].x() - r[k - 1].x()) + std::abs(r[k].y() - r[k - 1].y());
    }
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return length[a] > length[b]; });
    // Per edge, its runs as placed (empty until it is).
    std::vector<std::vector<Run>> placed(layout.edges.size());
    auto runsOf = [&](size_t i) {
        std::vector<Run> runs;
        const std::vector<QPointF> &r = layout.edges[i].route;
        for (size_t k = 1; k < r.size(); ++k)
            if (Run run; runOf(r[k - 1], r[k], run))
                runs.push_back(run);
        return runs;
    };
    // A margin holds a track every 4 px. Where more edges run down one than
    // it has tracks for, they would close up to 2 px and read as one grey
    // band: there they share one line down the margin instead, a dotted
    // trunk with a branch to each lane (a bus; hovering an edge lights up
    // its whole way), and edges that meet at a lane share their runs along
    // the gaps too. Runs through a lane's body stay apart: they tell which
    // span links.
    std::vector<int8_t> side(layout.edges.size(), 0);
    int down[2] = {0, 0};
    for (size_t i = 0; i < layout.edges.size(); ++i) {
        for (const QPointF &p : layout.edges[i].route)
            if (p.x() < left || p.x() > right) {
                side[i] = p.x() < left ? -1 : 1;
                break;
            }
        if (side[i] && std::abs(layout.edges[i].fromLane - layout.edges[i].toLane) > 1)
            ++down[side[i] > 0];
    }
    const int tracks = int(std::floor((style.margin - 3) / 4)) + 1;
    const bool bus[2] = {down[0] > tracks, down[1] > tracks};
    auto siblings = [&](size_t i, size_t j) {
        if (!side[i] || side[i] != side[j] || !bus[side[i] > 0])
            return false;
        const LaneEdge &a = layout.edges[i], &b = layout.edges[j];
        return a.fromLane == b.fromLane || a.fromLane == b.toLane || a.toLane == b.fromLane || a.toLane == b.toLane;
    };
    auto inBody = [&](const Run &run, double at) { return run.vertical && at >= left && at <= right; };
    auto onBus = [&](double x) { return (x < left && bus[0]) || (x > right && bus[1]); };
    auto clear = [&](size_t edge, const Run &run, double at, double reach) {
        for (size_t i = 0; i < placed.size(); ++i)
            if (i != edge)
                for (const Run &o : placed[i])
                    if (o.vertical == run.vertical && std::abs(o.at - at) < 2
                        && std::min(o.hi, run.hi) - std::max(o.lo, run.lo) > -reach
                        && !(std::abs(o.at - at) < 1e-6 && !inBody(run, at) && !inBody(o, o.at)
                             && (siblings(edge, i) || (run.vertical && onBus(at)))))
                        return false;
        return true;
    };
    // `reach`: how near two runs' ends may come before they count as sharing.
    auto place = [&](size_t i, double reach) {
        std::vector<QPointF> &r = layout.edges[i].route;
        for (size_t k = 1; k < r.size(); ++k) {
            Run run;
            if (!runOf(r[k - 1], r[k], run) || clear(i, run, run.at, reach))
                continue;
            double to = run.at;
            bool found = false;
            for (double spacing : {4.0, 2.0}) {
                for (int j = 1; j < 40 && !found; ++j)
                    for (double p : {run.at + j * spacing, run.at - j * spacing})
                        if (!found && p >= run.min - 1e-9 && p <= run.max + 1e-9 && clear(i, run, p, reach)) {
                            to = p;
                            found = true;
                        }
                if (found)
                    break;
            }
            for (size_t j : {k - 1, k}) {
                if (run.vertical)
                    r[j].setX(to);
                else
                    r[j].setY(to);
            }
        }
        placed[i] = runsOf(i);
    };
    for (size_t i : order)
        place(i, 8);
    // An end slid along its lane lengthens the run next to it: where that
    // now meets another edge's run, it moves once more.
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i : order)
            place(i, 1);
    for (LaneEdge &e : layout.edges) {
        e.a = e.route.front();
        e.b = e.route.back();
    }
}

int edgeAt(const LanesLayout &layout, QPointF pos)
{
    int best = -1;
    double bestDistance = 1e18, bestLength = 1e18;
    for (int i = 0; i < int(layout.edges.size()); ++i) {
        const LaneEdge &e = layout.edges[i];
        if (!e.countRect.isEmpty() && e.countRect.contains(pos))
            return i;
        if (!e.hitArea.boundingRect().contains(pos) || !e.hitArea.contains(pos))
            continue;
        // Several strokes can cover the point where edges fan out: the closest wins.
        double d = 1e18;
        for (const QPointF &q : e.samples)
            d = std::min(d, (q.x() - pos.x()) * (q.x() - pos.x()) + (q.y() - pos.y()) * (q.y() - pos.y()));
        d = std::sqrt(d);
        // Where edges share a run (a margin, a gap), the shortest of them: the
        // one that turns off next, to the lane nearest along the run.
        double length = 0;
        for (size_t k = 1; k < e.route.size(); ++k)
            length += std::abs(e.route[k].x() - e.route[k - 1].x()) + std::abs(e.route[k].y() - e.route[k - 1].y());
        if (d < bestDistance - 1 || (d <= bestDistance + 1 && length < bestLength)) {
            bestDistance = std::min(d, bestDistance);
            bestLength = length;
            best = i;
        }
    }
    return best;
}

SpanHit spanAt(const LanesLayout &layout, QPointF pos)
{
    SpanHit hit;
    hit.lane = layout.laneAt(pos.y());
    if (hit.lane < 0)
        return hit;
    const Lane &lane = layout.lanes[hit.lane];
    if (lane.isGroup() || pos.y() < lane.body.top() || pos.y() >= lane.body.bottom())
        return hit;
    hit.span = lane.flame->hitTest(lane.flameView, pos);
    return hit;
}

LanesHit lanesHitTest(const LanesLayout &layout, QPointF pos)
{
    LanesHit hit;
    hit.lane = layout.laneAt(pos.y());
    const Lane *lane = hit.lane >= 0 ? &layout.lanes[hit.lane] : nullptr;
    if (lane && lane->errorChip.contains(pos)) {
        hit.kind = LanesHit::GroupErrors;
        return hit;
    }
    // A failed member's tick (or a cluster of them) takes the click over an
    // edge crossing the group: one member is focused, several are listed.
    if (lane && lane->isGroup()) {
        const auto &clusters = lane->errorClusters;
        auto it = std::partition_point(clusters.begin(), clusters.end(),
                                       [&](const Lane::ErrorCluster &c) { return c.hit.right() <= pos.x(); });
        if (it != clusters.end() && it->hit.contains(pos)) {
            if (it->members.size() == 1) {
                hit.kind = LanesHit::ErrorMember;
                hit.trace = it->members.front();
            } else {
                hit.kind = LanesHit::ErrorCluster;
                hit.cluster = int(it - clusters.begin());
            }
            return hit;
        }
    }
    // A drawn span takes the click over an edge that starts on it or
    // crosses it; an edge is clickable all along the rest of its path.
    if (lane && !lane->isGroup() && pos.y() >= lane->body.top() && pos.y() < lane->body.bottom()) {
        hit.span = lane->flame->hitTest(lane->flameView, pos);
        if (hit.span != kNone) {
            hit.kind = LanesHit::Span;
            hit.trace = lane->trace;
            return hit;
        }
    }
    // A thin edge is the smaller target: where it crosses a header, it wins.
    hit.edge = edgeAt(layout, pos);
    if (hit.edge >= 0) {
        hit.kind = LanesHit::Edge;
        return hit;
    }
    if (!lane)
        return hit;
    if (lane->title.contains(pos)) {
        if (lane->isGroup()) {
            hit.kind = LanesHit::Group;
        } else {
            hit.kind = LanesHit::Trace;
            hit.trace = lane->trace;
        }
        return hit;
    }
    if (lane->isGroup()) {
        hit.kind = LanesHit::Group;
        return hit;
    }
    hit.trace = lane->trace;
    hit.kind = LanesHit::Trace;
    if (pos.y() >= lane->body.top() && pos.y() < lane->body.bottom()) {
        hit.span = lane->flame->hitTest(lane->flameView, pos);
        // A trace too thin to aim at is hit around it: its root span.
        if (hit.span == kNone && lane->traceHit.contains(pos) && lane->flame->rows() && lane->flame->rows()->model())
            hit.span = lane->flame->rows()->model()->traces[lane->trace].root;
        if (hit.span != kNone)
            hit.kind = LanesHit::Span;
    }
    return hit;
}

} // namespace causeway::ui
