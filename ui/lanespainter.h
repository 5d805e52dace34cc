#pragma once
// Paints a LanesLayout: the one painter of the lanes, for the screen
// (LanesView) and for export (lanesDrawing). Drawing happens in passes over
// the cached layout: grid and breaks, lane bodies, edges, headers, then what
// the mouse is over; a new concern is a new pass.

#include "core/criticalpath.h"
#include "ui/laneslayout.h"

#include <QColor>
#include <QString>

#include <memory>
#include <vector>

class QPainter;
class QPalette;

namespace causeway::ui {

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
    int hoverLane = -1;              // a lane whose header or group body is under the mouse
    uint32_t hoverSpan = kNone;
    uint32_t selectedSpan = kNone;
    // The focus trace's critical path, highlighted in the focus lane; null when off.
    std::shared_ptr<const CriticalPath> criticalPath;
    // On the raster engine, runs of edge dots and the density strips go as
    // a few image blits instead of a rectangle each: the same pixels, which
    // tests check by painting once with this off.
    bool fastRects = true;
};

// Paints the lanes and edges that meet `exposed` (layout coordinates).
void paintLanes(QPainter &painter, const Model &model, const LanesLayout &layout, const LanesColors &colors,
                const LanesPaintState &state, const QRectF &exposed);
// Paints the time axis in a band of style.axisHeight starting at `top`.
void paintTimeAxis(QPainter &painter, const LanesLayout &layout, const LanesColors &colors, double top);

// The lane's header line: "POST /orders · checkout · 3f2a9c1b · 42 spans · 2 errors";
// a group's: "1,000 × process item · worker · 12 failed · duration … · lag …".
QString laneTitle(const Model &model, const Lane &lane);
// The boxes of a lane's header items (badge, each piece of text, the
// failed chip), in layout coordinates: side by side, none overlapping.
std::vector<QRectF> laneHeaderBoxes(const Model &model, const LanesLayout &layout, const Lane &lane);
// Tooltips (rich text).
QString edgeToolTip(const Model &model, const LanesLayout &layout, const LaneEdge &edge);
QString groupToolTip(const Model &model, const Lane &lane);

} // namespace causeway::ui
