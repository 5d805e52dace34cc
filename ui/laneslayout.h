#pragma once
// Where the lanes go: the lanes core's selectLanes() picked, placed on one
// shared time axis for a width, with their bundled edges routed and every
// piece of text given its box. Computed once per focus change
// (collectLanes) and once per resize, zoom or pan (layoutLanes); the painter
// (ui/lanespainter.h) and the widget only read it.

#include "core/lanesquery.h"
#include "ui/flamepainter.h"
#include "ui/lanestime.h"
#include "ui/lanestubs.h"
#include "ui/shapedtext.h"

#include <QFont>
#include <QPainterPath>
#include <QRectF>
#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace causeway {
class LanesSummaryCache;
}

namespace causeway::ui {

struct LaneHeaderCache;
struct LaneTextCache;
using LanesOptions = LanesQueryOptions;

// A lane: what it shows (LaneSpec) and where.
struct Lane : LaneSpec
{
    QRectF rect;                     // the whole lane
    QRectF title;                    // the header line: a click focuses the trace (group: lists the members)
    QRectF errorChip;                // group lane: "N failed" in the header, lists the failed members
    QString errorChipText;
    QRectF body;                     // the compact flame graph (or the group's density strip)
    double rowHeight = 0;
    uint32_t rows = 0;               // rows drawn; depths >= rows are summarised as "+N deeper"
    uint32_t hiddenDepths = 0;
    std::shared_ptr<FlamePainter> flame; // the trace's compact flame graph
    FlameView flameView;             // where it is drawn: the trace's extent on the shared axis
    QRectF traceHit;                 // the trace's extent in the body, at least kMinHitWidth wide
    // Group lane: member start times per pixel column of the body, and one
    // tick per failed member (x, trace) that a click focuses.
    std::vector<uint16_t> density;
    std::vector<std::pair<double, uint32_t>> errorTicks;
    // Failed members whose ticks sit closer than a click can tell apart
    // merge into one cluster: a click on it lists exactly those members, so
    // every failed member stays one action away at any count.
    struct ErrorCluster
    {
        double x0 = 0, x1 = 0;       // the first and last tick
        QRectF hit;                  // what the mouse aims at (at least a few pixels wide)
        std::vector<uint32_t> members;
    };
    std::vector<ErrorCluster> errorClusters;
    // The painter's prepared header text (ui/lanespainter.cpp), kept while
    // the title's width, the font and the marks stay.
    mutable std::shared_ptr<const LaneHeaderCache> header;
};

// One bundled edge between two lanes, placed.
struct LaneEdge : LaneLinkBundle
{
    QPointF a, b;                    // ends: at the linking side, at the target side
    int8_t offA = 0, offB = 0;       // -1 / +1: that end lies off to the left / right; it is an arrow in that side's gutter
    std::vector<QPointF> route;      // a, the corners, b: straight runs clear of other lanes' headers
    QPainterPath path;
    QPainterPath hitArea;            // the path stroked a few pixels wider than the pen
    std::vector<QPointF> samples;    // points along the path: the nearest edge to the mouse wins
    std::vector<QRectF> dots;        // the dotted line, placed once: a dashed pen costs milliseconds per edge and frame
    double penWidth = 1.4;           // grows with the number of links
    QRectF countRect;                // "×N" on a bundle of several links (empty for one)
    ShapedText countText;
};

struct LanesStyle
{
    QFont font;
    double margin = 10;
    double axisHeight = 30;
    double laneGap = 18;
    double rowHeight = 9;
    double focusRowHeight = 15;
    uint32_t maxRows = 5;
    uint32_t focusMaxRows = 10;
    double groupBodyHeight = 22;
    double minHitWidth = 12;         // a trace thinner than this is still this wide to the mouse
    double errorTickReach = 4.5;     // a click this close to a failed member's tick focuses it
    double errorClusterWidth = 40;   // ticks too close to click apart merge into clusters up to this wide
    TimeMapOptions time;
};

struct LanesLayout
{
    // What (from the selection).
    uint32_t focus = kNone;
    LanesOptions options;
    uint64_t origin = 0;             // the focus trace's start: axis labels are offsets from it
    std::vector<Lane> lanes;         // top to bottom
    int focusLane = -1;
    std::vector<LaneEdge> edges;
    std::vector<int> laneOf;         // per model trace: its lane (group members: the group's), or -1
    std::vector<int> groupOf;        // per model trace: its group lane, or -1
    std::vector<LaneStub> stubs;     // links to traces that are not loaded (layoutLanes)
    // Edges between lanes that are not neighbours: they run down a margin
    // beside the lanes, each on a track of its own, which widens the margin.
    int gutterEdges = 0;

    // What the time axis has to show (the lanes' traces and the groups'
    // member coverage), gathered once per collect; and its runs and breaks,
    // worked out once per set of axis options, so a zoom or pan frame only
    // maps them to pixels.
    std::vector<std::pair<uint64_t, uint64_t>> content;
    struct RunsCache
    {
        bool valid = false;
        TimeMapOptions options;
        TimeRuns runs;
    };
    mutable RunsCache runsCache;
    const TimeRuns &timeRuns(const TimeMapOptions &options) const;

    // Where (layoutLanes).
    TimeMap time;
    std::vector<AxisTick> ticks;
    std::vector<AxisLabel> axisLabels;
    LanesStyle style;
    double width = 0, height = 0;
    double zoom = 1, pan = 0;
    // The painter's shaped header pieces by text and font
    // (ui/lanespainter.cpp): lanes of one layout share their badges, names
    // and marks. A new collect starts without it.
    mutable std::shared_ptr<LaneTextCache> texts;

    int laneAt(double y) const;
    int laneOfTrace(uint32_t trace) const;
    int laneCount(LaneKind kind) const;
};

// Picks the lanes and edges around `focus` (core's selectLanes) and prepares
// their flame rows. With `summaries`, a focus with many links is selected
// from its summary there (built on first use; core/lanessummary.h).
LanesLayout collectLanes(const Model &model, uint32_t focus, const LanesOptions &options = {},
                         LanesSummaryCache *summaries = nullptr);
// The same with a span selected outside the focus (a batch's failed member
// that N stepped to): its trace, a group's member, gets a lane of its own
// next to the group, marked for why it matters (failed), not as pinned.
LanesLayout collectLanes(const Model &model, uint32_t focus, LanesOptions options, uint32_t selectedSpan,
                         LanesSummaryCache *summaries = nullptr);
// The selection a collected layout shows (focus, origin, options, lanes and
// their members), for core queries over it such as a group's members list.
LanesSelection selectionOf(const LanesLayout &layout);
// Places lanes, spans, edges and labels for `width` logical pixels. At zoom 1
// the whole axis fits the width; zoomed in, `pan` pixels of it are scrolled
// off to the left.
void layoutLanes(const Model &model, LanesLayout &layout, double width, const LanesStyle &style, double zoom = 1,
                 double pan = 0);
// The time axis layoutLanes() would build for that zoom and pan.
TimeMap lanesTimeMap(const Model &model, const LanesLayout &layout, double width, const LanesStyle &style, double zoom,
                     double pan);

// The margin beside the lanes: style.margin, wider (within limits) when
// more edges than fit run down it, one track each. Every function here
// places the lanes with it; a widget that works out pans uses it too.
double lanesMargin(const LanesLayout &layout, const LanesStyle &style);
// Where edges share a margin or a gap, each gets a track of its own a few
// pixels from the next: a reader sees how many run there and where each
// turns off. Routes are straight runs; this moves runs sideways.
void separateEdgeRuns(LanesLayout &layout);

// The zoom and pan that show the time range [t0, t1] across the width.
struct LanesViewport
{
    double zoom = 1, pan = 0;
};
LanesViewport fitTimeRange(const Model &model, const LanesLayout &layout, double width, const LanesStyle &style,
                           uint64_t t0, uint64_t t1);
// What the first view shows: the focus trace, readable (at least 20% of the
// time shown), and the points where links attach nearest to it; the rest
// lies off to the sides, where edge stubs point.
std::pair<uint64_t, uint64_t> initialTimeRange(const Model &model, const LanesLayout &layout);
LanesViewport initialViewport(const Model &model, const LanesLayout &layout, double width, const LanesStyle &style);

// The box a span of a lane is drawn in.
QRectF laneSpanRect(const Model &model, const LanesLayout &layout, const Lane &lane, uint32_t span);

// What is under a point (layout coordinates).
struct LanesHit
{
    enum Kind { None, Edge, Span, Trace, Group, GroupErrors, ErrorMember, ErrorCluster } kind = None;
    int lane = -1;
    int edge = -1;
    int cluster = -1;                // ErrorCluster: index into the lane's errorClusters
    uint32_t span = kNone;           // Span
    uint32_t trace = kNone;          // Span, Trace, ErrorMember: the trace a click focuses
};
LanesHit lanesHitTest(const LanesLayout &layout, QPointF pos);

int edgeAt(const LanesLayout &layout, QPointF pos);        // -1 for none; the nearest wins
struct SpanHit
{
    int lane = -1;
    uint32_t span = kNone;
};
SpanHit spanAt(const LanesLayout &layout, QPointF pos);

} // namespace causeway::ui
