#include "ui/lanestime.h"

#include "ui/displaytext.h"
#include "ui/timeaxis.h"

#include <QFontMetricsF>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

namespace {

constexpr uint64_t kUs = 1000;

int64_t signedDiff(uint64_t a, uint64_t b)
{
    return a >= b ? int64_t(a - b) : -int64_t(b - a);
}

} // namespace

TimeMap::TimeMap(std::vector<std::pair<uint64_t, uint64_t>> intervals, double x0, double x1,
                 const TimeMapOptions &options)
    : TimeMap(timeRuns(std::move(intervals), options), x0, x1, options)
{
}

TimeRuns timeRuns(std::vector<std::pair<uint64_t, uint64_t>> intervals, const TimeMapOptions &options)
{
    TimeRuns out;
    if (intervals.empty())
        return out;
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

    // Candidate breaks, longest first; a gap small against the whole axis is
    // never one, so a thousand items 250 ms apart read as one stretch.
    const uint64_t total = segments.back().second - segments.front().first;
    std::vector<std::pair<uint64_t, size_t>> candidates; // (gap, index of the segment after it)
    for (size_t i = 1; i < segments.size(); ++i) {
        const uint64_t gap = segments[i].first - segments[i - 1].second;
        const uint64_t around = (segments[i - 1].second - segments[i - 1].first) + (segments[i].second - segments[i].first);
        if (double(gap) > options.gapFactor * double(std::max<uint64_t>(around, kUs))
            && double(gap) > options.minGapShare * double(total))
            candidates.emplace_back(gap, i);
    }
    std::sort(candidates.begin(), candidates.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (candidates.size() > options.maxBreaks)
        candidates.resize(options.maxBreaks);
    std::vector<bool> isBreak(segments.size(), false); // isBreak[i]: the gap before segment i
    uint64_t linear = total;
    for (const auto &[gap, i] : candidates) {
        isBreak[i] = true;
        linear -= gap;
    }
    out.linear = linear;

    // The runs between breaks.
    uint64_t runStart = segments.front().first;
    for (size_t i = 1; i < segments.size(); ++i) {
        if (!isBreak[i])
            continue;
        out.runs.emplace_back(runStart, segments[i - 1].second);
        runStart = segments[i].first;
    }
    out.runs.emplace_back(runStart, segments.back().second);
    return out;
}

TimeMap::TimeMap(const TimeRuns &plan, double x0, double x1, const TimeMapOptions &options)
{
    if (plan.runs.empty() || x1 <= x0)
        return;
    const std::vector<std::pair<uint64_t, uint64_t>> &runs = plan.runs;
    const uint64_t linear = plan.linear;
    const size_t breaks = runs.size() - 1;
    const double width = x1 - x0;
    const double breakWidth = breaks ? std::min(options.breakWidth, width * options.maxBreakShare / double(breaks)) : 0;
    const double linearWidth = width - breakWidth * double(breaks);

    // A break already makes the axis discontinuous, so each run may keep a
    // scale of its own: a short run (the focus trace two hours after its
    // inputs) gets at least minRunShare of the width instead of a sliver.
    std::vector<double> runWidth(runs.size(), 0);
    const double minRun = runs.size() > 1 ? options.minRunShare * linearWidth : 0;
    double longSum = 0;
    uint64_t longLength = 0;
    for (size_t r = 0; r < runs.size(); ++r) {
        const double proportional = linearWidth * double(runs[r].second - runs[r].first) / double(std::max<uint64_t>(linear, 1));
        if (proportional < minRun) {
            runWidth[r] = minRun;
            longSum += minRun;
        } else {
            longLength += runs[r].second - runs[r].first;
        }
    }
    for (size_t r = 0; r < runs.size(); ++r)
        if (runWidth[r] == 0)
            runWidth[r] = (linearWidth - longSum) * double(runs[r].second - runs[r].first) / double(std::max<uint64_t>(longLength, 1));

    double x = x0;
    for (size_t r = 0; r < runs.size(); ++r) {
        if (r > 0) {
            m_pieces.push_back({runs[r - 1].second, runs[r].first, x, x + breakWidth, true});
            x += breakWidth;
        }
        m_pieces.push_back({runs[r].first, runs[r].second, x, x + runWidth[r], false});
        x += runWidth[r];
        const double scale = runWidth[r] / double(std::max<uint64_t>(runs[r].second - runs[r].first, 1));
        m_scale = std::max(m_scale, scale);
    }
    m_firstScale = m_pieces.front().t1 > m_pieces.front().t0 ? (m_pieces.front().x1 - m_pieces.front().x0) / double(m_pieces.front().t1 - m_pieces.front().t0) : m_scale;
    m_lastScale = m_pieces.back().t1 > m_pieces.back().t0 ? (m_pieces.back().x1 - m_pieces.back().x0) / double(m_pieces.back().t1 - m_pieces.back().t0) : m_scale;
}

double TimeMap::Piece::scale() const
{
    return t1 > t0 ? (x1 - x0) / double(t1 - t0) : 0;
}

size_t TimeMap::breakCount() const
{
    return size_t(std::count_if(m_pieces.begin(), m_pieces.end(), [](const Piece &p) { return p.compressed; }));
}

double TimeMap::toX(uint64_t t) const
{
    if (m_pieces.empty())
        return 0;
    if (t <= m_pieces.front().t0)
        return m_pieces.front().x0 - double(m_pieces.front().t0 - t) * m_firstScale;
    if (t >= m_pieces.back().t1)
        return m_pieces.back().x1 + double(t - m_pieces.back().t1) * m_lastScale;
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
        const double back = (first.x0 - x) / m_firstScale;
        return back >= double(first.t0) ? 0 : first.t0 - uint64_t(back);
    }
    if (x >= last.x1)
        return last.t1 + uint64_t((x - last.x1) / m_lastScale);
    auto it = std::upper_bound(m_pieces.begin(), m_pieces.end(), x, [](double v, const Piece &p) { return v < p.x0; });
    const Piece &p = *std::prev(it);
    if (p.x1 <= p.x0)
        return p.t0;
    return p.t0 + uint64_t(double(p.t1 - p.t0) * ((x - p.x0) / (p.x1 - p.x0)));
}

std::vector<AxisTick> axisTicks(const TimeMap &time, uint64_t focusOrigin, double width)
{
    std::vector<AxisTick> ticks;
    if (time.empty() || time.scale() <= 0)
        return ticks;
    // Each run between breaks has its own scale, ticks and origin.
    const auto &pieces = time.pieces();
    for (const TimeMap::Piece &piece : pieces) {
        if (piece.compressed || piece.x1 < 0 || piece.x0 > width)
            continue;
        const double scale = piece.scale() > 0 ? piece.scale() : time.scale();
        const auto step = uint64_t(std::max(1.0, TimeAxis::tickStep(110.0 / scale)));
        const uint64_t t0 = piece.t0, t1 = piece.t1;
        const bool hasFocus = focusOrigin >= t0 && focusOrigin <= t1;
        const uint64_t origin = hasFocus ? focusOrigin : t0;
        // Only the part on screen gets ticks: zoomed in, a run can be millions of pixels wide.
        const uint64_t v0 = piece.x0 < 0 ? time.toTime(0) : t0;
        const uint64_t v1 = piece.x1 > width ? time.toTime(width) : t1;
        const int64_t r0 = signedDiff(v0, origin), r1 = signedDiff(v1, origin);
        const auto s = int64_t(step);
        const int64_t k0 = r0 >= 0 ? (r0 + s - 1) / s : -((-r0) / s);
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
                tick.label = display::offset(signedDiff(t, focusOrigin));
            } else {
                tick.label = QStringLiteral("+") + TimeAxis::tickLabel(double(rel), double(step));
            }
            ticks.push_back(std::move(tick));
        }
    }
    return ticks;
}

std::vector<AxisLabel> placeAxisLabels(const TimeMap &time, const std::vector<AxisTick> &ticks, const QFont &font,
                                       double width, double height)
{
    std::vector<AxisLabel> labels;
    auto free = [&labels](const QRectF &r) {
        return std::none_of(labels.begin(), labels.end(),
                            [&r](const AxisLabel &l) { return l.rect.adjusted(-6, 0, 6, 0).intersects(r); });
    };
    // Breaks first: the longest gaps get their labels when labels would collide.
    std::vector<const TimeMap::Piece *> breaks;
    for (const auto &piece : time.pieces())
        if (piece.compressed && piece.x1 >= 0 && piece.x0 <= width)
            breaks.push_back(&piece);
    std::stable_sort(breaks.begin(), breaks.end(),
                     [](const TimeMap::Piece *a, const TimeMap::Piece *b) { return a->t1 - a->t0 > b->t1 - b->t0; });
    for (const TimeMap::Piece *piece : breaks) {
        ShapedText text(display::offset(int64_t(piece->t1 - piece->t0)), font);
        const double w = text.width() + 6;
        const double left = std::clamp((piece->x0 + piece->x1 - w) / 2, 0.0, std::max(0.0, width - w));
        const QRectF box(left, 3, w, height - 8);
        // A break partly off screen (zoomed in) pushes its label over the
        // next run: there it must not cover that run's tick marks.
        const bool coversTick = std::any_of(ticks.begin(), ticks.end(), [&](const AxisTick &tick) {
            return box.intersects(QRectF(tick.x, height - 7, 1, 6));
        });
        if (free(box) && !coversTick)
            labels.push_back({box, std::move(text), true, false});
    }
    for (const AxisTick &tick : ticks) {
        ShapedText text(tick.label, font);
        const double w = text.width() + 2;
        // A label sits right of its tick mark; the mark itself (the bottom
        // 6 px) is kept clear of other labels by the 6 px margin in free().
        const QRectF box(tick.x + 3, 2, w, height - 8);
        if (box.left() < 0 || box.right() > width || !free(box))
            continue;
        labels.push_back({box, std::move(text), false, tick.origin});
    }
    return labels;
}

} // namespace causeway::ui
