#include "ui/palette.h"

#include <array>

namespace causeway::ui {

QColor serviceColor(std::string_view service)
{
    // A qualitative palette with distinguishable mid-tone hues; FNV-1a picks one.
    static constexpr std::array<QRgb, 16> palette = {
        0x4e79a7, 0xf28e2b, 0x59a14f, 0x76b7b2, 0xedc948, 0xb07aa1, 0xff9da7, 0x9c755f,
        0x86bcb6, 0x8cd17d, 0xa0cbe8, 0xffbe7d, 0xd4a6c8, 0xf1ce63, 0x499894, 0xbab0ac,
    };
    uint32_t h = 2166136261u;
    for (char c : service) {
        h ^= uint8_t(c);
        h *= 16777619u;
    }
    return QColor::fromRgb(palette[h % palette.size()]);
}

QColor errorColor()
{
    return QColor(0xd6, 0x27, 0x28);
}

QColor linkColor(bool dark)
{
    return dark ? QColor(0xc9, 0x9c, 0xff) : QColor(0x6a, 0x3d, 0x9a);
}

QColor criticalPathColor(bool dark)
{
    return dark ? QColor(0xff, 0xb3, 0x47) : QColor(0xd9, 0x4f, 0x00);
}

QColor textColorOn(const QColor &background)
{
    const double luminance = 0.299 * background.redF() + 0.587 * background.greenF() + 0.114 * background.blueF();
    return luminance > 0.55 ? QColor(Qt::black) : QColor(Qt::white);
}

} // namespace causeway::ui
