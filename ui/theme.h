#pragma once
// The light and dark themes: one pair of palettes that the window, every
// view on screen and every export (GUI and `causeway export --dark`) take
// their colours from.

#include <QPalette>
#include <QString>

namespace causeway::ui {

enum class Theme { System, Light, Dark };

// The palette of the light or dark theme, complete for the widgets.
QPalette themePalette(bool dark);

// True when text on this palette's Base is light on dark.
bool isDarkPalette(const QPalette &palette);

// Makes `theme` the application's: System restores the palette the platform
// gave at start. Needs a QApplication.
void applyTheme(Theme theme);

// "system", "light", "dark", as remembered in the settings.
QString themeKey(Theme theme);
Theme themeFromKey(const QString &key);

} // namespace causeway::ui
