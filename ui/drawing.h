#pragma once
// Views drawn for files. Each view has a function that builds a Drawing (its
// natural size and a paint function); the on-screen widgets paint with the
// same code, so an exported image shows what the screen shows.

#include "core/model.h"

#include <QSizeF>
#include <QString>

#include <functional>
#include <optional>

class QPainter;

namespace causeway::ui {

enum class ImageFormat { Png, Svg, Pdf };
std::optional<ImageFormat> imageFormatFromName(const QString &name); // "png", "svg", "pdf" (case-insensitive)

struct Drawing
{
    QSizeF size;                                   // logical pixels
    std::function<void(QPainter &)> paint;         // paints at the origin within `size`
    // Pictures that may be scaled to a width (graph, link map) and hold parts
    // that must keep their size (a legend) say how; else toWidth() scales all.
    std::function<Drawing(double width)> toWidth;
};

// `drawing` scaled to `width` logical pixels across.
Drawing scaledToWidth(const Drawing &drawing, double width);

struct DrawingOptions
{
    uint32_t trace = kNone;       // focus trace
    uint32_t span = kNone;        // selected span, if any
    uint32_t depth = 1;           // link hops (lanes, graph)
    double width = 1600;          // logical width for views that flow to a width
    bool dark = false;            // dark palette
    bool criticalPath = false;    // flame, lanes: highlight the focus trace's critical path
};

// Writes `drawing` to `path`. PNG is rendered at `scale` device pixels per
// logical pixel; SVG and PDF are vector output. Works under the offscreen
// platform (needs a QGuiApplication).
bool writeDrawing(const Drawing &drawing, ImageFormat format, const QString &path, double scale, QString *error);

// Provided by the views (flamegraph*.cpp, lanes*.cpp, graph*.cpp).
Drawing flameDrawing(const Model &model, const DrawingOptions &options);
Drawing lanesDrawing(const Model &model, const DrawingOptions &options);
// Layout can fail (or be refused for size): then returns nullopt with `error`.
std::optional<Drawing> graphDrawing(const Model &model, const DrawingOptions &options, QString *error);

} // namespace causeway::ui
