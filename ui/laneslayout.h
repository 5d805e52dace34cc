#pragma once
// The lanes of linked traces around a focus trace: which traces get a lane,
// where their spans and the link edges between them go on one shared time
// axis, and how that is painted. LanesView and lanesDrawing() both use it, so
// an exported image shows what the screen shows.
//
// Two stages, so painting never recomputes anything: collectLanes() picks the
// traces (once per focus or depth change); layoutLanes() places them for a
// width (once per resize).

#include "core/model.h"
#include "ui/flamepainter.h"

#include <QColor>
#include <QFont>
#include <QPainterPath>
#include <QRectF>
#include <QString>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

class QPainter;
class QPalette;

namespace causeway::ui {

// Signed offsets and lags: "+350 ms", "−2 h 14 min", "0".
QString offsetText(int64_t ns);
// The label of a break in the time axis: "+2 h 14 min".
QString breakLabel(uint64_t gapNs);

struct TimeMapOptions
{
    // An empty stretch longer than gapFactor times the content it separates
    // (the merged trace intervals on its two sides) is drawn as a break of
    // breakWidth pixels.
    double gapFactor = 4;
    double breakWidth = 84;
    // Breaks never take more than this share of the width.
    double maxBreakShare = 0.5;
};

// A monotonic piecewise-linear mapping from time (ns) to x. Stretches that
// hold trace content, and short gaps between them, share one scale; long
// empty gaps become fixed-width breaks.
class TimeMap
{
public:
    struct Piece
    {
        uint64_t t0 = 0, t1 = 0;
        double x0 = 0, x1 = 0;
        bool compressed = false;     // a break: its width does not follow the scale
    };

    TimeMap() = default;
    // `intervals` need not be sorted or disjoint.
    TimeMap(std::vector<std::pair<uint64_t, uint64_t>> intervals, double x0, double x1,
            const TimeMapOptions &options = {});

    double toX(uint64_t t) const;
    uint64_t toTime(double x) const;
    const std::vector<Piece> &pieces() const { return m_pieces; }
    // Pixels per nanosecond in the linear pieces.
    double scale() const { return m_scale; }
    bool empty() const { return m_pieces.empty(); }

private:
    std::vector<Piece> m_pieces;
    double m_scale = 0;
};

enum class LaneKind : uint8_t { Focus, Upstream, Downstream };

struct Lane
{
    LaneKind kind = LaneKind::Focus;
    uint32_t trace = kNone;          // kNone for a group lane
    uint32_t hops = 0;               // fewest link hops from the focus (group: the fewest of its members)
    uint32_t maxHops = 0;            // group: the most hops of its members
    std::vector<uint32_t> members;   // group lane: the traces it stands for, by start time
    uint32_t memberErrors = 0;       // group lane: error spans in its members
    uint64_t memberStart = 0, memberEnd = 0;

    // Geometry (layoutLanes).
    QRectF rect;                     // the whole lane
    QRectF body;                     // the compact flame graph (or the group's density strip)
    double rowHeight = 0;
    uint32_t rows = 0;               // rows drawn; depths >= rows are summarised as "+N deeper"
    uint32_t hiddenDepths = 0;
    std::shared_ptr<FlamePainter> flame; // the trace's compact flame graph
    FlameView flameView;             // where it is drawn: the trace's extent on the shared axis
    std::vector<uint16_t> density;   // group lane: traces covering each pixel column of the body

    bool isGroup() const { return trace == kNone; }
};

// One dotted edge: a link (or a bundle of links that share both ends) from
// the linking span to its target span.
struct LaneEdge
{
    int fromLane = -1;               // the lane holding the linking span(s)
    int toLane = -1;                 // the lane holding the target span(s)
    uint32_t fromSpan = kNone;       // kNone when that end is a group lane
    uint32_t toSpan = kNone;
    std::vector<uint32_t> links;     // indices into Model::links
    int64_t lagMin = 0, lagMax = 0;  // target start -> linking span start
    QPointF a, b;                    // ends (layoutLanes)
    QPainterPath path;
    QPainterPath hitArea;            // the path stroked a few pixels wider than the pen
    std::vector<QRectF> dots;        // the dotted line, placed once: a dashed pen costs milliseconds per edge and frame
};

struct LanesOptions
{
    uint32_t depth = 1;              // link hops shown in each direction
    uint32_t groupThreshold = 12;    // lanes per direction before the rest form one group lane
};

struct LanesStyle
{
    QFont font;
    double margin = 10;
    double axisHeight = 30;
    double laneGap = 16;
    double rowHeight = 9;
    double focusRowHeight = 15;
    uint32_t maxRows = 5;
    uint32_t focusMaxRows = 10;
    double groupBodyHeight = 20;
    TimeMapOptions time;
};

struct AxisTick
{
    double x = 0;
    QString label;
    bool origin = false;             // the focus trace's start
};

struct LanesLayout
{
    uint32_t focus = kNone;
    LanesOptions options;
    uint64_t origin = 0;             // the focus trace's start: axis labels are offsets from it
    std::vector<Lane> lanes;         // top to bottom
    int focusLane = -1;
    std::vector<LaneEdge> edges;
    std::vector<int> laneOf;         // per model trace: its lane (group members: the group's), or -1

    // Geometry (layoutLanes).
    TimeMap time;
    std::vector<AxisTick> ticks;
    LanesStyle style;
    double width = 0, height = 0;
    double zoom = 1, pan = 0;

    int laneAt(double y) const;
    int laneOfTrace(uint32_t trace) const;
    // Count of lanes in one direction (group lane included).
    int laneCount(LaneKind kind) const;
};

// Picks the lanes and edges around `focus`.
LanesLayout collectLanes(const Model &model, uint32_t focus, const LanesOptions &options = {});
// Places lanes, spans and edges for `width` logical pixels. At zoom 1 the
// whole axis fits the width; zoomed in, `pan` pixels of it are scrolled off
// to the left.
void layoutLanes(const Model &model, LanesLayout &layout, double width, const LanesStyle &style, double zoom = 1,
                 double pan = 0);
// The time axis layoutLanes() would build for that zoom and pan.
TimeMap lanesTimeMap(const Model &model, const LanesLayout &layout, double width, const LanesStyle &style, double zoom,
                     double pan);

// The lane's header line: "POST /orders · checkout · 3f2a9c1b · 42 spans · 2 errors".
QString laneTitle(const Model &model, const Lane &lane);
// An edge's tooltip: the link attributes (key = value) and the lag.
QString edgeToolTip(const Model &model, const LanesLayout &layout, const LaneEdge &edge);

struct LanesColors
{
    bool dark = false;
    QColor background, laneBackground, focusBackground, focusAccent, text, mutedText, grid, link, highlight;
    static LanesColors fromPalette(const QPalette &palette);
    static LanesColors standard(bool dark);
};

struct LanesPaintState
{
    int hoverEdge = -1;
    int hoverLane = -1;              // a group lane under the mouse
    uint32_t hoverSpan = kNone;
    uint32_t selectedSpan = kNone;
};

// Paints the lanes and edges that meet `exposed` (layout coordinates).
void paintLanes(QPainter &painter, const Model &model, const LanesLayout &layout, const LanesColors &colors,
                const LanesPaintState &state, const QRectF &exposed);
// Paints the time axis in a band of style.axisHeight starting at `top`.
void paintTimeAxis(QPainter &painter, const LanesLayout &layout, const LanesColors &colors, double top);

// The box a span of a lane is drawn in; spans deeper than the lane's rows sit on its last row.
QRectF laneSpanRect(const Model &model, const LanesLayout &layout, const Lane &lane, uint32_t span);

// Hit tests in layout coordinates.
int edgeAt(const LanesLayout &layout, QPointF pos);        // -1 for none; the nearest wins
struct SpanHit
{
    int lane = -1;
    uint32_t span = kNone;
};
SpanHit spanAt(const LanesLayout &layout, QPointF pos);

} // namespace causeway::ui
