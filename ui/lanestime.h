#pragma once
// The lanes' shared time axis: a monotonic piecewise-linear map from time to
// x with at most a few breaks, its ticks, and where the axis labels go so
// that none overlaps another.

#include <QFont>
#include <QRectF>
#include <QString>

#include "ui/shapedtext.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace causeway::ui {

struct TimeMapOptions
{
    // An empty stretch is cut to a break of breakWidth pixels only when it
    // is longer than gapFactor times the content on its two sides and longer
    // than minGapShare of everything on the axis: a gap that is small against
    // the whole picture is drawn to scale, however many there are.
    double gapFactor = 4;
    double minGapShare = 0.12;
    size_t maxBreaks = 3;            // the longest gaps win
    double breakWidth = 84;
    // Breaks never take more than this share of the width.
    double maxBreakShare = 0.5;
    // Each run between breaks gets at least this share of the linear width.
    double minRunShare = 0.3;

    bool operator==(const TimeMapOptions &) const = default;
};

// Which stretches of time the axis shows as runs and which gaps it cuts to
// breaks: independent of the width, zoom and pan, so computed once per set
// of lanes (timeRuns) and mapped to pixels per layout.
struct TimeRuns
{
    std::vector<std::pair<uint64_t, uint64_t>> runs; // in time order; a break between each two
    uint64_t linear = 0;             // the time the runs cover, breaks excluded
};
// `intervals` need not be sorted or disjoint.
TimeRuns timeRuns(std::vector<std::pair<uint64_t, uint64_t>> intervals, const TimeMapOptions &options = {});

// A monotonic piecewise-linear mapping from time (ns) to x. Stretches that
// hold content, and the gaps that are not breaks, form runs of one scale
// each; the few long empty gaps between runs become fixed-width breaks.
class TimeMap
{
public:
    struct Piece
    {
        uint64_t t0 = 0, t1 = 0;
        double x0 = 0, x1 = 0;
        bool compressed = false;     // a break: its width does not follow the scale
        double scale() const;        // px per ns
    };

    TimeMap() = default;
    // `intervals` need not be sorted or disjoint.
    TimeMap(std::vector<std::pair<uint64_t, uint64_t>> intervals, double x0, double x1,
            const TimeMapOptions &options = {});
    TimeMap(const TimeRuns &runs, double x0, double x1, const TimeMapOptions &options = {});

    double toX(uint64_t t) const;
    uint64_t toTime(double x) const;
    const std::vector<Piece> &pieces() const { return m_pieces; }
    size_t breakCount() const;
    // Pixels per nanosecond: the largest of the runs between breaks.
    double scale() const { return m_scale; }
    bool empty() const { return m_pieces.empty(); }

private:
    std::vector<Piece> m_pieces;
    double m_scale = 0;
    double m_firstScale = 0, m_lastScale = 0; // beyond either end
};

struct AxisTick
{
    double x = 0;
    QString label;
    bool origin = false;             // the focus trace's start
};

// A label of the axis, placed: break labels first (longest gap first), then
// tick labels, each only where it overlaps nothing placed before it.
struct AxisLabel
{
    QRectF rect;                     // in axis coordinates (top of the axis band is 0)
    ShapedText text;                 // in the axis font
    bool isBreak = false;
    bool origin = false;
};

// Ticks for the part of `time` inside [0, width]; labels are offsets from `origin`.
std::vector<AxisTick> axisTicks(const TimeMap &time, uint64_t origin, double width);
std::vector<AxisLabel> placeAxisLabels(const TimeMap &time, const std::vector<AxisTick> &ticks, const QFont &font,
                                       double width, double height);

} // namespace causeway::ui
