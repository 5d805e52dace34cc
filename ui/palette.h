#pragma once
// Stable colours for services and the few fixed colours the views share.

#include <QColor>
#include <QString>

#include <string_view>

namespace causeway::ui {

// The same service name gets the same colour in every view and every run.
QColor serviceColor(std::string_view service);

// Colour of error marks (outline and glyph).
QColor errorColor();

// Colour of link edges and link glyphs.
QColor linkColor(bool dark);

// Colour of the critical path's bars (flame graph and lanes).
QColor criticalPathColor(bool dark);

// Black or white, whichever reads better on `background`.
QColor textColorOn(const QColor &background);

} // namespace causeway::ui
