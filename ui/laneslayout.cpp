#include "ui/laneslayout.h"

#include "ui/drawing.h"
#include "ui/palette.h"
#include "ui/theme.h"
#include "ui/timeaxis.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <tuple>

namespace causeway::ui {

namespace {

constexpr uint64_t kUs = 1000;

QString traceShortId(const Model &model, uint32_t trace)
{
    return QString::fromStdString(model.traces[trace].id.hex().substr(0, 8));
}

QString str(const Model &model, StringId id)
{
    const auto v = model.str(id);
    return QString::fromUtf8(v.data(), qsizetype(v.size()));
}

QString valueText(const Model &model, const Value &v, int nesting = 0)
{
    switch (v.type) {
    case ValueType::Empty:
        return QStringLiteral("(empty)");
    case ValueType::String:
        return str(model, v.str);
    case ValueType::Bool:
        return v.b ? QStringLiteral("true") : QStringLiteral("false");
    case ValueType::Int:
        return QString::number(v.i);
    case ValueType::Double:
        return QString::number(v.d);
    case ValueType::Bytes: {
        const auto bytes = model.str(v.str);
        return QStringLiteral("0x") + QString::fromStdString(toHex(bytes));
    }
    case ValueType::Array: {
        if (nesting > 2)
            return QStringLiteral("[…]");
        QStringList parts;
        for (uint32_t i = v.range.first; i < v.range.end() && parts.size() < 8; ++i)
            parts << valueText(model, model.values[i], nesting + 1);
        if (v.range.count > 8)
            parts << QStringLiteral("…");
        return QStringLiteral("[") + parts.join(QStringLiteral(", ")) + QStringLiteral("]");
    }
    case ValueType::KvList: {
        if (nesting > 2)
            return QStringLiteral("{…}");
        QStringList parts;
        for (uint32_t i = v.range.first; i < v.range.end() && parts.size() < 8; ++i)
            parts << str(model, model.attributes[i].key) + QStringLiteral(": ")
                    + valueText(model, model.attributes[i].value, nesting + 1);
        if (v.range.count > 8)
            parts << QStringLiteral("…");
        return QStringLiteral("{") + parts.join(QStringLiteral(", ")) + QStringLiteral("}");
    }
    }
    return {};
}

QString htmlEscaped(const QString &s)
{
    return s.toHtmlEscaped();
}

int64_t signedDiff(uint64_t a, uint64_t b)
{
    return a >= b ? int64_t(a - b) : -int64_t(b - a);
}

QPainterPath zigzag(double x, double y0, double y1)
{
    QPainterPath path;
    path.moveTo(x, y0);
    bool left = true;
    for (double y = y0 + 4; y < y1; y += 4) {
        path.lineTo(x + (left ? -2.5 : 2.5), y);
        left = !left;
    }
    path.lineTo(x, y1);
    return path;
}

} // namespace

QString offsetText(int64_t ns)
{
    if (ns == 0)
        return QStringLiteral("0");
    if (ns > 0)
        return QStringLiteral("+") + formatDuration(double(ns));
    return QStringLiteral("−") + formatDuration(-double(ns));
}

QString breakLabel(uint64_t gapNs)
{
    return QStringLiteral("+") + formatDuration(double(gapNs));
}

// ---------------------------------------------------------------------------

TimeMap::TimeMap(std::vector<std::pair<uint64_t, uint64_t>> intervals, double x0, double x1,
                 const TimeMapOptions &options)
{
    if (intervals.empty() || x1 <= x0)
        return;
    for (auto &iv : intervals)
        if (iv.second < iv.first)
            std::swap(iv.first, iv.second);
    std::sort(intervals.begin(), intervals.end());
    std::vector<std::pair<uint64_t, uint64_t>> segments;
    for (const auto &iv : intervals) {
        if (!segments.empty() && iv.first <= segments.back().second)
            segments.back().second = std::max(segments.back().second, iv.second);
        else
            segments.push_back(iv);
    }

    std::vector<bool> isBreak(segments.size(), false); // isBreak[i]: the gap before segment i
    size_t breaks = 0;
    uint64_t linear = segments.back().second - segments.front().first;
    for (size_t i = 1; i < segments.size(); ++i) {
        const uint64_t gap = segments[i].first - segments[i - 1].second;
        // Measured against the content on either side, so a quiet night between
        // two bursts is cut even when much else happens elsewhere on the axis.
        // Zero-length content (instant spans) still needs a yardstick.
        const uint64_t around = (segments[i - 1].second - segments[i - 1].first) + (segments[i].second - segments[i].first);
        if (double(gap) > options.gapFactor * double(std::max<uint64_t>(around, kUs))) {
            isBreak[i] = true;
            ++breaks;
            linear -= gap;
        }
    }
    const double width = x1 - x0;
    const double breakWidth = breaks ? std::min(options.breakWidth, width * options.maxBreakShare / double(breaks)) : 0;
    const double linearWidth = width - breakWidth * double(breaks);
    m_scale = linearWidth / double(std::max<uint64_t>(linear, 1));

    double x = x0;
    uint64_t runStart = segments.front().first;
    auto closeRun = [&](uint64_t runEnd) {
        const double w = double(runEnd - runStart) * m_scale;
        m_pieces.push_back({runStart, runEnd, x, x + w, false});
        x += w;
    };
    for (size_t i = 1; i < segments.size(); ++i) {
        if (!isBreak[i])
            continue;
        closeRun(segments[i - 1].second);
        m_pieces.push_back({segments[i - 1].second, segments[i].first, x, x + breakWidth, true});
        x += breakWidth;
        runStart = segments[i].first;
    }
    closeRun(segments.back().second);
}

double TimeMap::toX(uint64_t t) const
{
    if (m_pieces.empty())
        return 0;
    if (t <= m_pieces.front().t0)
        return m_pieces.front().x0 - double(m_pieces.front().t0 - t) * m_scale;
    if (t >= m_pieces.back().t1)
        return m_pieces.back().x1 + double(t - m_pieces.back().t1) * m_scale;
    auto it = std::upper_bound(m_pieces.begin(), m_pieces.end(), t, [](uint64_t v, const Piece &p) { return v < p.t0; });
    const Piece &p = *std::prev(it);
    if (p.t1 == p.t0)
        return p.x0;
    return p.x0 + (p.x1 - p.x0) * (double(t - p.t0) / double(p.t1 - p.t0));
}

uint64_t TimeMap::toTime(double x) const
{
    if (m_pieces.empty() || m_scale <= 0)
        return 0;
    const Piece &first = m_pieces.front(), &last = m_pieces.back();
    if (x <= first.x0) {
        const double back = (first.x0 - x) / m_scale;
        return back >= double(first.t0) ? 0 : first.t0 - uint64_t(back);
    }
    if (x >= last.x1)
        return last.t1 + uint64_t((x - last.x1) / m_scale);
    auto it = std::upper_bound(m_pieces.begin(), m_pieces.end(), x, [](double v, const Piece &p) { return v < p.x0; });
    const Piece &p = *std::prev(it);
    if (p.x1 <= p.x0)
        return p.t0;
    return p.t0 + uint64_t(double(p.t1 - p.t0) * ((x - p.x0) / (p.x1 - p.x0)));
}

// ---------------------------------------------------------------------------

int LanesLayout::laneAt(double y) const
{
    for (int i = 0; i < int(lanes.size()); ++i)
        if (y >= lanes[i].rect.top() && y < lanes[i].rect.bottom())
            return i;
    return -1;
}

int LanesLayout::laneOfTrace(uint32_t trace) const
{
    return trace < laneOf.size() ? laneOf[trace] : -1;
}

int LanesLayout::laneCount(LaneKind kind) const
{
    return int(std::count_if(lanes.begin(), lanes.end(), [kind](const Lane &l) { return l.kind == kind; }));
}

LanesLayout collectLanes(const Model &model, uint32_t focus, const LanesOptions &options)
{
    LanesLayout out;
    out.focus = focus;
    out.options = options;
    if (focus >= model.traces.size())
        return out;
    out.origin = model.traces[focus].start;

    struct Found
    {
        uint32_t trace, hops;
    };
    // One lane per trace: a trace reached both ways (a cycle) stays upstream.
    std::vector<uint8_t> seen(model.traces.size(), 0);
    seen[focus] = 1;
    auto walk = [&](bool upstream) {
        std::vector<Found> found;
        std::vector<uint32_t> frontier{focus}, next;
        for (uint32_t hop = 1; hop <= options.depth && !frontier.empty(); ++hop) {
            next.clear();
            auto visit = [&](uint32_t t) {
                if (!seen[t]) {
                    seen[t] = 1;
                    found.push_back({t, hop});
                    next.push_back(t);
                }
            };
            for (uint32_t t : frontier) {
                const Range spans = model.traces[t].spans;
                for (uint32_t i = spans.first; i < spans.end(); ++i) {
                    const uint32_t s = model.traceSpans[i];
                    if (upstream) {
                        const Range out = model.outgoingLinks(s);
                        for (uint32_t l = out.first; l < out.end(); ++l)
                            if (model.links[l].resolved())
                                visit(model.hot[model.links[l].target].trace);
                    } else {
                        const Range in = model.incomingLinks(s);
                        for (uint32_t k = in.first; k < in.end(); ++k)
                            visit(model.hot[model.links[model.incoming[k]].from].trace);
                    }
                }
            }
            std::swap(frontier, next);
        }
        // Nearest first, then by start: that is who keeps a lane of their own.
        std::sort(found.begin(), found.end(), [&](const Found &a, const Found &b) {
            const auto sa = model.traces[a.trace].start, sb = model.traces[b.trace].start;
            return std::tie(a.hops, sa, a.trace) < std::tie(b.hops, sb, b.trace);
        });
        return found;
    };
    const std::vector<Found> up = walk(true);
    const std::vector<Found> down = walk(false);

    auto split = [&](const std::vector<Found> &found, LaneKind kind, std::vector<Lane> &own, Lane &group) {
        const size_t keep = found.size() <= size_t(options.groupThreshold) + 1 ? found.size() : options.groupThreshold;
        for (size_t i = 0; i < keep; ++i) {
            Lane lane;
            lane.kind = kind;
            lane.trace = found[i].trace;
            lane.hops = lane.maxHops = found[i].hops;
            own.push_back(std::move(lane));
        }
        group.kind = kind;
        group.hops = UINT32_MAX;
        group.memberStart = UINT64_MAX;
        for (size_t i = keep; i < found.size(); ++i) {
            const Trace &t = model.traces[found[i].trace];
            group.members.push_back(found[i].trace);
            group.hops = std::min(group.hops, found[i].hops);
            group.maxHops = std::max(group.maxHops, found[i].hops);
            group.memberErrors += t.errorCount;
            group.memberStart = std::min(group.memberStart, t.start);
            group.memberEnd = std::max(group.memberEnd, t.end);
        }
        std::sort(group.members.begin(), group.members.end(), [&](uint32_t a, uint32_t b) {
            return std::tie(model.traces[a].start, a) < std::tie(model.traces[b].start, b);
        });
    };
    std::vector<Lane> upLanes, downLanes;
    Lane upGroup, downGroup;
    split(up, LaneKind::Upstream, upLanes, upGroup);
    split(down, LaneKind::Downstream, downLanes, downGroup);

    // Top to bottom: the farthest causes, the nearest causes, the focus, its
    // nearest effects, the farthest effects.
    auto byDisplay = [&](bool farFirst) {
        return [&model, farFirst](const Lane &a, const Lane &b) {
            if (a.hops != b.hops)
                return farFirst ? a.hops > b.hops : a.hops < b.hops;
            return std::tie(model.traces[a.trace].start, a.trace) < std::tie(model.traces[b.trace].start, b.trace);
        };
    };
    std::stable_sort(upLanes.begin(), upLanes.end(), byDisplay(true));
    std::stable_sort(downLanes.begin(), downLanes.end(), byDisplay(false));
    if (!upGroup.members.empty())
        out.lanes.push_back(std::move(upGroup));
    for (auto &l : upLanes)
        out.lanes.push_back(std::move(l));
    Lane focusLane;
    focusLane.kind = LaneKind::Focus;
    focusLane.trace = focus;
    out.focusLane = int(out.lanes.size());
    out.lanes.push_back(std::move(focusLane));
    for (auto &l : downLanes)
        out.lanes.push_back(std::move(l));
    if (!downGroup.members.empty())
        out.lanes.push_back(std::move(downGroup));

    out.laneOf.assign(model.traces.size(), -1);
    for (int i = 0; i < int(out.lanes.size()); ++i) {
        Lane &lane = out.lanes[i];
        if (!lane.isGroup())
            lane.flame = std::make_shared<FlamePainter>(std::make_shared<const FlameRows>(model, lane.trace));
        if (lane.isGroup())
            for (uint32_t m : lane.members)
                out.laneOf[m] = i;
        else
            out.laneOf[lane.trace] = i;
    }

    // Edges: every link between two shown traces; links into or out of a
    // group lane bundle per span at the other end.
    std::map<std::tuple<int, uint32_t, int, uint32_t>, size_t> bundles;
    for (int li = 0; li < int(out.lanes.size()); ++li) {
        const Lane &lane = out.lanes[li];
        const std::vector<uint32_t> single{lane.trace};
        const std::vector<uint32_t> &traces = lane.isGroup() ? lane.members : single;
        for (uint32_t t : traces) {
            const Range spans = model.traces[t].spans;
            for (uint32_t i = spans.first; i < spans.end(); ++i) {
                const uint32_t s = model.traceSpans[i];
                const Range outLinks = model.outgoingLinks(s);
                for (uint32_t l = outLinks.first; l < outLinks.end(); ++l) {
                    const Link &link = model.links[l];
                    if (!link.resolved())
                        continue;
                    const uint32_t targetTrace = model.hot[link.target].trace;
                    if (targetTrace == t)
                        continue;
                    const int lj = out.laneOf[targetTrace];
                    if (lj < 0 || lj == li)
                        continue;
                    const uint32_t fromEnd = lane.isGroup() ? kNone : s;
                    const uint32_t toEnd = out.lanes[lj].isGroup() ? kNone : link.target;
                    auto [b, inserted] = bundles.try_emplace({li, fromEnd, lj, toEnd}, out.edges.size());
                    const int64_t lag = signedDiff(model.hot[s].start, model.hot[link.target].start);
                    if (inserted) {
                        LaneEdge e;
                        e.fromLane = li;
                        e.toLane = lj;
                        e.fromSpan = fromEnd;
                        e.toSpan = toEnd;
                        e.lagMin = e.lagMax = lag;
                        out.edges.push_back(std::move(e));
                    }
                    LaneEdge &e = out.edges[b->second];
                    e.links.push_back(l);
                    e.lagMin = std::min(e.lagMin, lag);
                    e.lagMax = std::max(e.lagMax, lag);
                }
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------

namespace {

double headerHeight(const LanesStyle &style)
{
    return std::ceil(QFontMetricsF(style.font).height()) + 7;
}

std::vector<AxisTick> computeTicks(const LanesLayout &layout)
{
    std::vector<AxisTick> ticks;
    const TimeMap &time = layout.time;
    if (time.empty() || time.scale() <= 0)
        return ticks;
    const auto step = uint64_t(std::max(1.0, TimeAxis::tickStep(110.0 / time.scale())));
    // Consecutive linear pieces form runs; each run is labelled from its own origin.
    const auto &pieces = time.pieces();
    for (size_t i = 0; i < pieces.size(); ++i) {
        const TimeMap::Piece &piece = pieces[i];
        if (piece.compressed || piece.x1 < 0 || piece.x0 > layout.width)
            continue;
        const uint64_t t0 = piece.t0, t1 = piece.t1;
        const bool hasFocus = layout.origin >= t0 && layout.origin <= t1;
        const uint64_t origin = hasFocus ? layout.origin : t0;
        // Only the part on screen gets ticks: zoomed in, a run can be millions of pixels wide.
        const uint64_t v0 = piece.x0 < 0 ? time.toTime(0) : t0;
        const uint64_t v1 = piece.x1 > layout.width ? time.toTime(layout.width) : t1;
        const int64_t r0 = signedDiff(v0, origin), r1 = signedDiff(v1, origin);
        const int64_t s = int64_t(step);
        int64_t k0 = r0 >= 0 ? (r0 + s - 1) / s : -((-r0) / s);
        const int64_t k1 = r1 >= 0 ? r1 / s : -((-r1 + s - 1) / s);
        for (int64_t k = k0; k <= k1; ++k) {
            const int64_t rel = k * s;
            const uint64_t t = rel >= 0 ? origin + uint64_t(rel) : origin - uint64_t(-rel);
            AxisTick tick;
            tick.x = time.toX(t);
            if (hasFocus) {
                tick.label = TimeAxis::tickLabel(double(rel), double(step));
                tick.origin = rel == 0;
            } else if (k == 0) {
                tick.label = offsetText(signedDiff(t, layout.origin));
            } else {
                tick.label = QStringLiteral("+") + TimeAxis::tickLabel(double(rel), double(step));
            }
            ticks.push_back(std::move(tick));
        }
    }
    return ticks;
}

// Square dots every few pixels along a cubic Bézier, spaced by arc length.
std::vector<QRectF> dotsAlong(QPointF p0, QPointF p1, QPointF p2, QPointF p3)
{
    constexpr int kSteps = 96;
    constexpr double kSpacing = 3.6, kSize = 1.6;
    std::vector<QRectF> dots;
    QPointF previous = p0;
    double carried = 0;
    dots.emplace_back(p0.x() - kSize / 2, p0.y() - kSize / 2, kSize, kSize);
    for (int i = 1; i <= kSteps; ++i) {
        const double t = double(i) / kSteps, u = 1 - t;
        const QPointF q = u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
        const QPointF d = q - previous;
        const double length = std::hypot(d.x(), d.y());
        double along = kSpacing - carried;
        while (along <= length) {
            const QPointF at = previous + d * (along / length);
            dots.emplace_back(at.x() - kSize / 2, at.y() - kSize / 2, kSize, kSize);
            along += kSpacing;
        }
        carried = length - (along - kSpacing);
        previous = q;
    }
    return dots;
}

} // namespace

QRectF laneSpanRect(const Model &model, const LanesLayout &layout, const Lane &lane, uint32_t span)
{
    if (lane.isGroup() || span >= model.hot.size())
        return lane.body;
    const SpanHot &h = model.hot[span];
    const double x0 = layout.time.toX(h.start);
    const double x1 = std::max(layout.time.toX(h.end), x0 + 1);
    const uint32_t row = std::min<uint32_t>(h.depth, lane.rows ? lane.rows - 1 : 0);
    return QRectF(x0, lane.body.top() + row * lane.rowHeight, x1 - x0, lane.flameView.boxHeight());
}

TimeMap lanesTimeMap(const Model &model, const LanesLayout &layout, double width, const LanesStyle &style, double zoom,
                     double pan)
{
    std::vector<std::pair<uint64_t, uint64_t>> intervals;
    for (const Lane &lane : layout.lanes) {
        if (lane.isGroup())
            for (uint32_t m : lane.members)
                intervals.emplace_back(model.traces[m].start, model.traces[m].end);
        else
            intervals.emplace_back(model.traces[lane.trace].start, model.traces[lane.trace].end);
    }
    const double inner = std::max(1.0, width - 2 * style.margin) * std::max(1.0, zoom);
    return TimeMap(std::move(intervals), style.margin - pan, style.margin - pan + inner, style.time);
}

void layoutLanes(const Model &model, LanesLayout &layout, double width, const LanesStyle &style, double zoom, double pan)
{
    layout.style = style;
    layout.width = width;
    layout.zoom = std::max(1.0, zoom);
    layout.pan = pan;
    layout.time = lanesTimeMap(model, layout, width, style, layout.zoom, pan);
    layout.ticks = computeTicks(layout);

    const double header = headerHeight(style);
    const double bodyWidth = std::max(1.0, width - 2 * style.margin);
    double y = style.axisHeight + 6;
    for (Lane &lane : layout.lanes) {
        lane.density.clear();
        if (lane.isGroup()) {
            lane.rowHeight = style.groupBodyHeight;
            lane.rows = 1;
            lane.body = QRectF(style.margin, y + header, bodyWidth, style.groupBodyHeight);
            // How many grouped traces are running in each pixel column.
            lane.density.assign(size_t(std::ceil(bodyWidth)), 0);
            const int columns = int(lane.density.size());
            for (uint32_t m : lane.members) {
                const Trace &t = model.traces[m];
                const double x0 = layout.time.toX(t.start) - style.margin, x1 = layout.time.toX(t.end) - style.margin;
                if (x1 < 0 || x0 >= columns)
                    continue;
                int c0 = int(std::floor(x0));
                int c1 = int(std::floor(x1));
                c0 = std::clamp(c0, 0, columns - 1);
                c1 = std::clamp(c1, c0, columns - 1);
                for (int c = c0; c <= c1; ++c)
                    if (lane.density[c] < UINT16_MAX)
                        ++lane.density[c];
            }
        } else {
            const Trace &t = model.traces[lane.trace];
            const bool focus = lane.kind == LaneKind::Focus;
            lane.rowHeight = focus ? style.focusRowHeight : style.rowHeight;
            const uint32_t depths = uint32_t(t.maxDepth) + 1;
            lane.rows = std::min(depths, focus ? style.focusMaxRows : style.maxRows);
            lane.hiddenDepths = depths - lane.rows;
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
        }
        lane.rect = QRectF(0, y, width, header + lane.body.height() + 6);
        y = lane.rect.bottom() + style.laneGap;
    }
    layout.height = y;

    QPainterPathStroker stroker;
    stroker.setWidth(9);
    stroker.setCapStyle(Qt::RoundCap);
    for (LaneEdge &e : layout.edges) {
        const Lane &from = layout.lanes[e.fromLane];
        const Lane &to = layout.lanes[e.toLane];
        const bool upward = e.fromLane > e.toLane;
        auto end = [&](const Lane &lane, uint32_t span, bool fromSide, bool top) {
            if (span != kNone) {
                const QRectF r = laneSpanRect(model, layout, lane, span);
                const double x = std::clamp(r.left() + 2, r.left(), r.right());
                return QPointF(x, top ? r.top() : r.bottom());
            }
            // A group end sits where its earliest linked span starts.
            uint64_t first = UINT64_MAX;
            for (uint32_t l : e.links) {
                const uint32_t s = fromSide ? model.links[l].from : model.links[l].target;
                first = std::min(first, model.hot[s].start);
            }
            return QPointF(layout.time.toX(first), top ? lane.body.top() : lane.body.bottom());
        };
        e.a = end(from, e.fromSpan, true, upward);
        e.b = end(to, e.toSpan, false, !upward);
        const double dy = e.b.y() - e.a.y();
        QPainterPath path(e.a);
        path.cubicTo(QPointF(e.a.x(), e.a.y() + dy * 0.55), QPointF(e.b.x(), e.b.y() - dy * 0.55), e.b);
        e.path = path;
        e.hitArea = stroker.createStroke(path);
        e.dots = dotsAlong(e.a, QPointF(e.a.x(), e.a.y() + dy * 0.55), QPointF(e.b.x(), e.b.y() - dy * 0.55), e.b);
    }
}

// ---------------------------------------------------------------------------

QString laneTitle(const Model &model, const Lane &lane)
{
    const QString sep = QStringLiteral("  ·  ");
    if (lane.isGroup()) {
        QString text = QString::number(lane.members.size()) + QStringLiteral(" more linked traces");
        if (lane.memberEnd > lane.memberStart)
            text += sep + QStringLiteral("spread ") + formatDuration(double(lane.memberEnd - lane.memberStart));
        text += sep + QString::number(lane.memberErrors)
            + (lane.memberErrors == 1 ? QStringLiteral(" error") : QStringLiteral(" errors"));
        return text;
    }
    const Trace &t = model.traces[lane.trace];
    QString text;
    if (t.root != kNone) {
        const SpanHot &root = model.hot[t.root];
        text = str(model, root.name);
        if (root.service)
            text += sep + str(model, root.service);
    } else {
        text = QStringLiteral("(no root)");
    }
    text += sep + traceShortId(model, lane.trace) + sep + QString::number(t.spans.count)
        + (t.spans.count == 1 ? QStringLiteral(" span") : QStringLiteral(" spans")) + sep + formatDuration(double(t.duration()));
    if (t.errorCount)
        text += sep + QString::number(t.errorCount) + (t.errorCount == 1 ? QStringLiteral(" error") : QStringLiteral(" errors"));
    return text;
}

QString edgeToolTip(const Model &model, const LanesLayout &layout, const LaneEdge &edge)
{
    if (edge.links.empty())
        return {};
    const Link &first = model.links[edge.links.front()];
    auto spanText = [&](uint32_t s) {
        const SpanHot &h = model.hot[s];
        QString t = htmlEscaped(str(model, h.name));
        if (h.service)
            t = htmlEscaped(str(model, h.service)) + QStringLiteral(": ") + t;
        return t;
    };
    QString html;
    if (edge.links.size() == 1) {
        html = QStringLiteral("<b>Link</b><br>") + spanText(first.from) + QStringLiteral(" → ") + spanText(first.target)
            + QStringLiteral("<br>lag ") + htmlEscaped(offsetText(edge.lagMin))
            + QStringLiteral(" <span style='color:gray'>(target start → linking span start)</span>");
    } else {
        const Lane &group = layout.lanes[edge.fromSpan == kNone ? edge.fromLane : edge.toLane];
        html = QStringLiteral("<b>") + QString::number(edge.links.size()) + QStringLiteral(" links</b>");
        if (group.isGroup())
            html += QStringLiteral(" to ") + QString::number(group.members.size()) + QStringLiteral(" grouped traces");
        html += QStringLiteral("<br>lag ") + htmlEscaped(offsetText(edge.lagMin)) + QStringLiteral(" … ")
            + htmlEscaped(offsetText(edge.lagMax))
            + QStringLiteral(" <span style='color:gray'>(target start → linking span start)</span>")
            + QStringLiteral("<br>first: ") + spanText(first.from) + QStringLiteral(" → ") + spanText(first.target);
    }
    if (!first.attributes.empty()) {
        html += QStringLiteral("<hr>");
        for (uint32_t i = first.attributes.first; i < first.attributes.end(); ++i) {
            const Attribute &a = model.attributes[i];
            html += QStringLiteral("<br>") + htmlEscaped(str(model, a.key)) + QStringLiteral(" = ")
                + htmlEscaped(valueText(model, a.value));
        }
    }
    return html;
}

// ---------------------------------------------------------------------------

LanesColors LanesColors::fromPalette(const QPalette &palette)
{
    LanesColors c;
    c.background = palette.color(QPalette::Base);
    c.dark = c.background.lightnessF() < 0.5;
    c.text = palette.color(QPalette::Text);
    c.mutedText = c.text;
    c.mutedText.setAlphaF(0.62f);
    c.laneBackground = c.dark ? c.background.lighter(118) : c.background.darker(104);
    c.focusAccent = palette.color(QPalette::Highlight);
    // Opaque, so the flame graph painter can fill its boxes' background with it.
    const double tint = c.dark ? 0.20 : 0.11;
    c.focusBackground = QColor::fromRgbF(float(c.background.redF() * (1 - tint) + c.focusAccent.redF() * tint),
                                         float(c.background.greenF() * (1 - tint) + c.focusAccent.greenF() * tint),
                                         float(c.background.blueF() * (1 - tint) + c.focusAccent.blueF() * tint));
    c.grid = c.text;
    c.grid.setAlphaF(0.12f);
    c.link = linkColor(c.dark);
    c.highlight = c.focusAccent;
    return c;
}

LanesColors LanesColors::standard(bool dark)
{
    return fromPalette(themePalette(dark));
}

namespace {

QString badgeText(const Lane &lane)
{
    if (lane.kind == LaneKind::Focus)
        return QStringLiteral("● focus");
    const bool up = lane.kind == LaneKind::Upstream;
    QString hops = QString::number(lane.hops);
    if (lane.maxHops > lane.hops)
        hops += QStringLiteral("–") + QString::number(lane.maxHops);
    return (up ? QStringLiteral("↑ upstream  ") : QStringLiteral("↓ downstream  ")) + hops
        + (lane.maxHops > 1 ? QStringLiteral(" hops") : QStringLiteral(" hop"));
}

void paintHeader(QPainter &p, const Model &model, const LanesLayout &layout, const Lane &lane, const LanesColors &colors)
{
    const LanesStyle &style = layout.style;
    const double header = headerHeight(style);
    const QRectF line(style.margin, lane.rect.top() + 3, layout.width - 2 * style.margin, header - 5);
    QFont small = style.font;
    small.setPointSizeF(style.font.pointSizeF() * 0.86);
    QFont bold = style.font;
    bold.setBold(true);

    // The pieces of the line: the root span name stands out, the rest is quieter.
    struct Piece
    {
        QString text;
        const QFont *font;
        QColor color;
    };
    std::vector<Piece> pieces;
    const QString sep = QStringLiteral("  ·  ");
    if (lane.isGroup()) {
        pieces.push_back({laneTitle(model, lane) + QStringLiteral("  ·  click to list"), &bold, colors.text});
    } else {
        const Trace &t = model.traces[lane.trace];
        pieces.push_back({t.root != kNone ? str(model, model.hot[t.root].name) : QStringLiteral("(no root)"), &bold, colors.text});
        QString rest;
        if (t.root != kNone && model.hot[t.root].service)
            rest += sep + str(model, model.hot[t.root].service);
        rest += sep + traceShortId(model, lane.trace) + sep + QString::number(t.spans.count)
            + (t.spans.count == 1 ? QStringLiteral(" span") : QStringLiteral(" spans")) + sep
            + formatDuration(double(t.duration()));
        pieces.push_back({rest, &style.font, colors.mutedText});
        if (t.errorCount)
            pieces.push_back({sep + QString::number(t.errorCount)
                                  + (t.errorCount == 1 ? QStringLiteral(" error") : QStringLiteral(" errors")),
                              &style.font, errorColor()});
    }
    if (lane.hiddenDepths)
        pieces.push_back({QStringLiteral("   +") + QString::number(lane.hiddenDepths) + QStringLiteral(" deeper"), &small,
                          colors.mutedText});

    const QString badge = badgeText(lane);
    const double badgeWidth = QFontMetricsF(small).horizontalAdvance(badge) + 10;
    const QRectF badgeRect(line.left(), line.top() + 1, badgeWidth, line.height() - 1);
    double x = badgeRect.right() + 8;
    std::vector<std::pair<QRectF, QString>> placed;
    for (const Piece &piece : pieces) {
        const QFontMetricsF metrics(*piece.font);
        const double room = line.right() - x;
        if (room < 12)
            break;
        const QString text = metrics.elidedText(piece.text, Qt::ElideRight, room);
        const double w = metrics.horizontalAdvance(text);
        placed.emplace_back(QRectF(x, line.top(), w + 1, line.height()), text);
        x += w;
    }

    // A backing under badge and text keeps them legible where edges cross.
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(Qt::NoPen);
    QColor backing = lane.kind == LaneKind::Focus ? colors.focusBackground : colors.laneBackground;
    backing.setAlphaF(0.85f);
    p.setBrush(backing);
    p.drawRoundedRect(QRectF(line.left() - 2, line.top(), x - line.left() + 6, line.height() + 1), 3, 3);

    const QColor badgeColor = lane.kind == LaneKind::Focus ? colors.focusAccent : colors.link;
    QColor badgeFill = badgeColor;
    badgeFill.setAlphaF(lane.kind == LaneKind::Focus ? 1.0f : 0.16f);
    p.setBrush(badgeFill);
    p.drawRoundedRect(badgeRect, 3, 3);
    p.setFont(small);
    p.setPen(lane.kind == LaneKind::Focus ? textColorOn(badgeColor) : (colors.dark ? badgeColor.lighter(120) : badgeColor));
    p.drawText(badgeRect, Qt::AlignCenter, badge);
    for (size_t i = 0; i < placed.size(); ++i) {
        p.setFont(*pieces[i].font);
        p.setPen(pieces[i].color);
        p.drawText(placed[i].first, Qt::AlignLeft | Qt::AlignVCenter, placed[i].second);
    }
}

} // namespace

void paintLanes(QPainter &p, const Model &model, const LanesLayout &layout, const LanesColors &colors,
                const LanesPaintState &state, const QRectF &exposed)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(exposed, colors.background);
    const LanesStyle &style = layout.style;

    // Grid lines at the axis ticks, and the breaks of the compressed time axis.
    const double contentTop = style.axisHeight;
    const double contentBottom = std::max(layout.height, exposed.bottom());
    for (const AxisTick &tick : layout.ticks) {
        if (tick.x < exposed.left() - 1 || tick.x > exposed.right() + 1)
            continue;
        QColor c = colors.grid;
        if (tick.origin)
            c.setAlphaF(std::min(1.0f, c.alphaF() * 2.5f));
        p.fillRect(QRectF(tick.x, std::max(contentTop, exposed.top()), 1, exposed.bottom() - std::max(contentTop, exposed.top())), c);
    }
    for (const auto &piece : layout.time.pieces()) {
        if (!piece.compressed)
            continue;
        const QRectF band(piece.x0, std::max(contentTop, exposed.top()), piece.x1 - piece.x0,
                          contentBottom - std::max(contentTop, exposed.top()));
        if (!band.intersects(exposed))
            continue;
        QColor fill = colors.grid;
        fill.setAlphaF(fill.alphaF() * 0.5f);
        p.fillRect(band, QBrush(fill, Qt::BDiagPattern));
    }

    FlameStyle flameStyle;
    flameStyle.text = colors.text;
    flameStyle.selection = colors.highlight;
    flameStyle.link = colors.link;
    flameStyle.error = errorColor();
    flameStyle.mark = colors.dark ? QColor(0xff, 0xe0, 0x4d) : QColor(0xe0, 0x9a, 0x00);
    flameStyle.font = style.font;
    flameStyle.font.setPointSizeF(style.font.pointSizeF() * 0.8);

    std::vector<int> visible;
    for (int li = 0; li < int(layout.lanes.size()); ++li) {
        const Lane &lane = layout.lanes[li];
        if (!lane.rect.intersects(exposed))
            continue;
        visible.push_back(li);
        p.setRenderHint(QPainter::Antialiasing, false);
        const QColor background = lane.kind == LaneKind::Focus ? colors.focusBackground : colors.laneBackground;
        p.fillRect(lane.rect, background);
        if (lane.kind == LaneKind::Focus)
            p.fillRect(QRectF(lane.rect.left(), lane.rect.top(), 3, lane.rect.height()), colors.focusAccent);

        if (lane.isGroup()) {
            const uint16_t most = lane.density.empty() ? 0 : *std::max_element(lane.density.begin(), lane.density.end());
            QColor fill = colors.link;
            fill.setAlphaF(0.45f);
            for (size_t c = 0; c < lane.density.size(); ++c) {
                if (!lane.density[c])
                    continue;
                // Square root keeps a lone trace visible next to a crowd.
                const double h = std::max(2.0, lane.body.height() * std::sqrt(double(lane.density[c]) / most));
                p.fillRect(QRectF(lane.body.left() + double(c), lane.body.bottom() - h, 1, h), fill);
            }
            if (state.hoverLane == li) {
                p.setPen(QPen(colors.highlight, 1.5));
                p.setBrush(Qt::NoBrush);
                p.drawRect(lane.rect.adjusted(1, 1, -1, -1));
            }
            continue;
        }
        flameStyle.background = background;
        if (lane.flameView.rect.width() > 0) {
            lane.flame->paint(p, lane.flameView, flameStyle, state.selectedSpan, state.hoverSpan);
            continue;
        }
        // Zoomed in, a trace can be off screen: say which way it is, and how far.
        const Trace &t = model.traces[lane.trace];
        const bool right = lane.flameView.rect.left() >= layout.width / 2;
        const QString text = right ? offsetText(signedDiff(t.start, layout.time.toTime(layout.width))) + QStringLiteral("  ▸")
                                   : QStringLiteral("◂  ") + offsetText(signedDiff(t.end, layout.time.toTime(0)));
        QFont small = style.font;
        small.setPointSizeF(style.font.pointSizeF() * 0.86);
        p.setFont(small);
        p.setPen(colors.mutedText);
        p.drawText(lane.body.adjusted(4, 0, -4, 0), Qt::AlignVCenter | (right ? Qt::AlignRight : Qt::AlignLeft), text);
    }

    // Edges over the lanes.
    p.setRenderHint(QPainter::Antialiasing, true);
    QPen edgePen(colors.link, 1.4, Qt::CustomDashLine, Qt::RoundCap);
    edgePen.setDashPattern({0.1, 2.6});
    QFont countFont = style.font;
    countFont.setPointSizeF(style.font.pointSizeF() * 0.8);
    countFont.setBold(true);
    const QFontMetricsF countMetrics(countFont);
    auto drawEdge = [&](const LaneEdge &e, bool hover) {
        if (hover) {
            QPen pen = edgePen;
            pen.setColor(colors.highlight);
            pen.setWidthF(2.4);
            p.setPen(pen);
            p.setBrush(Qt::NoBrush);
            p.drawPath(e.path);
        } else {
            p.setRenderHint(QPainter::Antialiasing, false);
            p.setPen(Qt::NoPen);
            p.setBrush(colors.link);
            p.drawRects(e.dots.data(), int(e.dots.size()));
            p.setRenderHint(QPainter::Antialiasing, true);
        }
        p.setPen(Qt::NoPen);
        p.setBrush(hover ? colors.highlight : colors.link);
        const double r = hover ? 3.2 : 2.0;
        p.drawEllipse(e.a, r, r);
        p.drawEllipse(e.b, r + 0.6, r + 0.6);
        if (e.links.size() > 1) {
            const QString label = QStringLiteral("×") + QString::number(e.links.size());
            const QPointF mid = e.path.pointAtPercent(0.5);
            const double w = countMetrics.horizontalAdvance(label) + 10, h = countMetrics.height() + 2;
            const double left = std::clamp(mid.x() - w / 2, 1.0, std::max(1.0, layout.width - w - 1));
            const QRectF pill(left, mid.y() - h / 2, w, h);
            p.setBrush(hover ? colors.highlight : colors.link);
            p.drawRoundedRect(pill, h / 2, h / 2);
            p.setFont(countFont);
            p.setPen(textColorOn(hover ? colors.highlight : colors.link));
            p.drawText(pill, Qt::AlignCenter, label);
        }
    };
    for (int i = 0; i < int(layout.edges.size()); ++i) {
        const LaneEdge &e = layout.edges[i];
        if (i == state.hoverEdge || !e.hitArea.boundingRect().intersects(exposed))
            continue;
        drawEdge(e, false);
    }
    // Headers read over the edges that cross them.
    for (int li : visible)
        paintHeader(p, model, layout, layout.lanes[li], colors);
    p.setRenderHint(QPainter::Antialiasing, true);
    if (state.hoverEdge >= 0 && state.hoverEdge < int(layout.edges.size())) {
        const LaneEdge &e = layout.edges[state.hoverEdge];
        // Both ends light up, so the eye finds them across the lanes.
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(colors.highlight, 2));
        for (auto [laneIndex, span] : {std::pair{e.fromLane, e.fromSpan}, std::pair{e.toLane, e.toSpan}}) {
            const Lane &lane = layout.lanes[laneIndex];
            const QRectF r = span != kNone ? laneSpanRect(model, layout, lane, span) : lane.body;
            p.drawRect(r.adjusted(-1.5, -1.5, 1.5, 1.5));
        }
        drawEdge(e, true);
    }
    p.restore();
}

void paintTimeAxis(QPainter &p, const LanesLayout &layout, const LanesColors &colors, double top)
{
    p.save();
    const LanesStyle &style = layout.style;
    const double h = style.axisHeight;
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(QRectF(0, top, layout.width, h), colors.background);
    p.fillRect(QRectF(0, top + h - 1, layout.width, 1), colors.grid);
    QFont font = style.font;
    font.setPointSizeF(style.font.pointSizeF() * 0.86);
    p.setFont(font);
    const QFontMetricsF metrics(font);

    // Breaks first: the longest gaps get their labels when labels would collide.
    std::vector<const TimeMap::Piece *> breaks;
    for (const auto &piece : layout.time.pieces())
        if (piece.compressed)
            breaks.push_back(&piece);
    std::stable_sort(breaks.begin(), breaks.end(),
                     [](const TimeMap::Piece *a, const TimeMap::Piece *b) { return a->t1 - a->t0 > b->t1 - b->t0; });
    std::vector<QRectF> taken;
    auto free = [&taken](const QRectF &r) {
        return std::none_of(taken.begin(), taken.end(), [&r](const QRectF &t) { return t.adjusted(-6, 0, 6, 0).intersects(r); });
    };
    std::vector<std::pair<QRectF, QString>> breakLabels;
    for (const TimeMap::Piece *piece : breaks) {
        const QString label = breakLabel(piece->t1 - piece->t0);
        const double w = metrics.horizontalAdvance(label) + 6;
        const double left = std::clamp((piece->x0 + piece->x1 - w) / 2, 0.0, std::max(0.0, layout.width - w));
        const QRectF box(left, top + 3, w, h - 8);
        if (!free(box))
            continue;
        taken.push_back(box);
        breakLabels.emplace_back(box, label);
    }

    for (const AxisTick &tick : layout.ticks) {
        p.fillRect(QRectF(tick.x, top + h - 7, 1, 6), tick.origin ? colors.text : colors.mutedText);
        const double w = metrics.horizontalAdvance(tick.label);
        const QRectF box(tick.x + 3, top + 2, w + 2, h - 8);
        if (box.right() > layout.width || !free(box))
            continue;
        taken.push_back(box);
        p.setPen(tick.origin ? colors.text : colors.mutedText);
        p.drawText(box, Qt::AlignLeft | Qt::AlignBottom, tick.label);
    }

    // A zig-zag at each side of a break (one when it is narrow), and its length.
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const TimeMap::Piece *piece : breaks) {
        p.fillRect(QRectF(piece->x0, top, piece->x1 - piece->x0, h), colors.background);
        p.setPen(QPen(colors.mutedText, 1.2));
        p.setBrush(Qt::NoBrush);
        if (piece->x1 - piece->x0 >= 14) {
            p.drawPath(zigzag(piece->x0 + 3, top + 4, top + h - 2));
            p.drawPath(zigzag(piece->x1 - 3, top + 4, top + h - 2));
        } else {
            p.drawPath(zigzag((piece->x0 + piece->x1) / 2, top + 4, top + h - 2));
        }
    }
    for (const auto &[box, label] : breakLabels) {
        p.setPen(Qt::NoPen);
        p.setBrush(colors.background);
        p.drawRoundedRect(box, 3, 3);
        p.setPen(colors.text);
        p.drawText(box, Qt::AlignCenter, label);
    }
    p.restore();
}

int edgeAt(const LanesLayout &layout, QPointF pos)
{
    int best = -1;
    double bestDistance = 1e18;
    for (int i = 0; i < int(layout.edges.size()); ++i) {
        const LaneEdge &e = layout.edges[i];
        if (!e.hitArea.boundingRect().contains(pos) || !e.hitArea.contains(pos))
            continue;
        // Several strokes can cover the point where edges fan out: the closest curve wins.
        double d = 1e18;
        for (int k = 0; k <= 48; ++k) {
            const QPointF q = e.path.pointAtPercent(k / 48.0);
            d = std::min(d, (q.x() - pos.x()) * (q.x() - pos.x()) + (q.y() - pos.y()) * (q.y() - pos.y()));
        }
        if (d < bestDistance) {
            bestDistance = d;
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

// ---------------------------------------------------------------------------

Drawing lanesDrawing(const Model &model, const DrawingOptions &options)
{
    auto layout = std::make_shared<LanesLayout>(collectLanes(model, options.trace, LanesOptions{options.depth, 12}));
    LanesStyle style;
    layoutLanes(model, *layout, options.width, style);
    const LanesColors colors = LanesColors::standard(options.dark);
    LanesPaintState state;
    state.selectedSpan = options.span;
    Drawing drawing;
    drawing.size = QSizeF(options.width, std::max(layout->height, style.axisHeight + 40));
    drawing.paint = [&model, layout, colors, state, size = drawing.size](QPainter &p) {
        paintLanes(p, model, *layout, colors, state, QRectF(QPointF(0, 0), size));
        paintTimeAxis(p, *layout, colors, 0);
        if (layout->lanes.empty()) {
            p.setPen(colors.mutedText);
            p.drawText(QRectF(QPointF(0, 0), size), Qt::AlignCenter, QStringLiteral("No trace to show"));
        }
    };
    return drawing;
}

} // namespace causeway::ui
