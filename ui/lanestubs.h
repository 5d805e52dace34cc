#pragma once
// Links from the lanes' spans to traces that are not loaded. Each is drawn as
// a short dotted stub rising from the linking span into the gap above its
// lane, ending in a hollow marker with the target's short id: the link is
// there, its target is not. A click on the marker asks for the target to be
// fetched from a trace backend (LanesView::missingTraceActivated).

#include "core/model.h"

#include <QPointF>
#include <QRectF>
#include <QString>

#include <cstdint>
#include <vector>

class QPainter;


namespace causeway::ui {

struct LanesLayout;
struct LanesColors;

struct LaneStub
{
    int lane = -1;
    uint32_t span = kNone;           // the linking span
    uint32_t links = 0;              // links from that span to the target trace
    TraceId target;                  // the trace that is not loaded
    QPointF a, b;                    // the stub: from the span's top up to the marker
    QRectF marker;                   // what a click hits: the circle and the id beside it
    QString label;                   // the target's short id
};

// Stubs for the spans of the (non-group) lanes in `layout`, placed with its
// geometry; at most `cap` of them, nearest the focus lane first.
std::vector<LaneStub> placeLaneStubs(const Model &model, const LanesLayout &layout, size_t cap = 120);
void paintLaneStubs(QPainter &painter, const std::vector<LaneStub> &stubs, const LanesLayout &layout,
                    const LanesColors &colors, const QRectF &exposed);
// The stub whose marker is at `pos` (layout coordinates), or -1.
int laneStubAt(const std::vector<LaneStub> &stubs, QPointF pos);
QString laneStubToolTip(const LaneStub &stub);

} // namespace causeway::ui
