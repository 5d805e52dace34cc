#include "ui/theme.h"

#include <QApplication>
#include <QStyle>

#include <optional>

namespace causeway::ui {

namespace {

struct Colors
{
    QColor window, windowText, base, alternateBase, text, button, buttonText, highlight, highlightedText, toolTipBase,
        toolTipText, link, linkVisited, placeholder, disabledText, light, midlight, mid, dark, shadow;
};

Colors colors(bool dark)
{
    if (dark)
        return {QColor(0x2b, 0x2d, 0x30), QColor(0xe3, 0xe5, 0xe8), QColor(0x1e, 0x1f, 0x22), QColor(0x26, 0x28, 0x2b),
                QColor(0xe3, 0xe5, 0xe8), QColor(0x35, 0x37, 0x3b), QColor(0xe3, 0xe5, 0xe8), QColor(0x4d, 0x8f, 0xf0),
                QColor(0xff, 0xff, 0xff), QColor(0x3c, 0x3f, 0x44), QColor(0xe3, 0xe5, 0xe8), QColor(0x8a, 0xb4, 0xf8),
                QColor(0xc5, 0x8a, 0xf9), QColor(0x8c, 0x8f, 0x94), QColor(0x7a, 0x7d, 0x82), QColor(0x4a, 0x4d, 0x52),
                QColor(0x3c, 0x3f, 0x44), QColor(0x23, 0x25, 0x28), QColor(0x19, 0x1a, 0x1c), QColor(0x0c, 0x0c, 0x0d)};
    return {QColor(0xef, 0xef, 0xef), QColor(0x1d, 0x1f, 0x23), QColor(0xff, 0xff, 0xff), QColor(0xf5, 0xf6, 0xf7),
            QColor(0x1d, 0x1f, 0x23), QColor(0xef, 0xef, 0xef), QColor(0x1d, 0x1f, 0x23), QColor(0x2f, 0x6f, 0xde),
            QColor(0xff, 0xff, 0xff), QColor(0xff, 0xff, 0xdc), QColor(0x1d, 0x1f, 0x23), QColor(0x1a, 0x5f, 0xd0),
            QColor(0x6a, 0x3d, 0x9a), QColor(0x80, 0x80, 0x80), QColor(0x9a, 0x9a, 0x9a), QColor(0xff, 0xff, 0xff),
            QColor(0xf5, 0xf5, 0xf5), QColor(0xb8, 0xb8, 0xb8), QColor(0x9f, 0x9f, 0x9f), QColor(0x76, 0x76, 0x76)};
}

// What the platform gave before any theme was applied: System goes back to it.
std::optional<QPalette> &systemPalette()
{
    static std::optional<QPalette> palette;
    return palette;
}

} // namespace

QPalette themePalette(bool dark)
{
    const Colors c = colors(dark);
    QPalette p;
    for (const auto group : {QPalette::Active, QPalette::Inactive, QPalette::Disabled}) {
        const bool disabled = group == QPalette::Disabled;
        p.setColor(group, QPalette::Window, c.window);
        p.setColor(group, QPalette::WindowText, disabled ? c.disabledText : c.windowText);
        p.setColor(group, QPalette::Base, c.base);
        p.setColor(group, QPalette::AlternateBase, c.alternateBase);
        p.setColor(group, QPalette::Text, disabled ? c.disabledText : c.text);
        p.setColor(group, QPalette::Button, c.button);
        p.setColor(group, QPalette::ButtonText, disabled ? c.disabledText : c.buttonText);
        p.setColor(group, QPalette::BrightText, Qt::white);
        p.setColor(group, QPalette::Highlight, disabled ? c.mid : c.highlight);
        p.setColor(group, QPalette::HighlightedText, c.highlightedText);
        p.setColor(group, QPalette::ToolTipBase, c.toolTipBase);
        p.setColor(group, QPalette::ToolTipText, c.toolTipText);
        p.setColor(group, QPalette::Link, c.link);
        p.setColor(group, QPalette::LinkVisited, c.linkVisited);
        p.setColor(group, QPalette::PlaceholderText, c.placeholder);
        p.setColor(group, QPalette::Light, c.light);
        p.setColor(group, QPalette::Midlight, c.midlight);
        p.setColor(group, QPalette::Mid, c.mid);
        p.setColor(group, QPalette::Dark, c.dark);
        p.setColor(group, QPalette::Shadow, c.shadow);
    }
    return p;
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5 || palette.color(QPalette::Window).lightnessF() < 0.35;
}

void applyTheme(Theme theme)
{
    if (!systemPalette())
        systemPalette() = QApplication::palette();
    switch (theme) {
    case Theme::System:
        QApplication::setPalette(*systemPalette());
        break;
    case Theme::Light:
    case Theme::Dark:
        QApplication::setPalette(themePalette(theme == Theme::Dark));
        break;
    }
}

QString themeKey(Theme theme)
{
    switch (theme) {
    case Theme::System: break;
    case Theme::Light: return QStringLiteral("light");
    case Theme::Dark: return QStringLiteral("dark");
    }
    return QStringLiteral("system");
}

Theme themeFromKey(const QString &key)
{
    if (key == QLatin1String("light"))
        return Theme::Light;
    if (key == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

} // namespace causeway::ui
