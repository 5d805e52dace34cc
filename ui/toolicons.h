#pragma once
// Icons of the window's own actions that neither the desktop's icon theme
// nor the Qt style is sure to have: drawn at the size asked for, in the
// palette's text colour at the moment they are painted, so they stay sharp
// at any scale and follow a switch between light and dark.

#include <QIcon>

namespace causeway::ui {

enum class ToolIcon { ZoomIn, ZoomOut };

// The icon theme's ("zoom-in", "zoom-out") where the desktop has one, else
// drawn: a magnifying glass with a plus or a minus.
QIcon toolIcon(ToolIcon which);
// Always the drawn one (the fallback above).
QIcon drawnToolIcon(ToolIcon which);

} // namespace causeway::ui
