#pragma once
// The critical path drawn over a trace's boxes, one pass for every view that
// shows it (the flame graph on screen and in exports, the focus lane of the
// lanes): the spans off the path are veiled, and each section of the path is
// a bar along the bottom of its span's box over the time it is on the path.

#include "core/criticalpath.h"

#include <QRectF>

#include <cstdint>
#include <functional>
#include <optional>

class QPainter;

namespace causeway::ui {

struct CriticalPathGeometry
{
    QRectF area;                                              // what the trace's boxes are drawn in (clip)
    std::function<std::optional<QRectF>(uint32_t span)> boxOf; // a span's box, nullopt when not drawn
    std::function<double(uint64_t time)> xOf;                  // absolute ns to x
    double barHeight = 4;
};

void paintCriticalPath(QPainter &painter, const CriticalPath &path, const CriticalPathGeometry &geometry, bool dark);

} // namespace causeway::ui
