#include "ui/drawing.h"

#include <QFileInfo>
#include <QGuiApplication>
#include <QScreen>
#include <QImage>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <cmath>

namespace causeway::ui {

namespace {

// QImage refuses buffers past 2^31 bytes; stay well inside.
constexpr double kMaxPixels = 256.0 * 1024 * 1024;
// PDF readers refuse pages beyond 200 inches (14,400 pt).
constexpr double kMaxPdfPoints = 14400;

// The dots per inch that text is measured at when no device is given
// (QFontMetricsF(font)): the views lay out their text with it. Vector output
// uses the same logical resolution, so a point-sized font is as large, and
// as wide, on the page as the layout measured it; at 72 dpi it would be
// three quarters of that, with gaps where the text was meant to be.
double layoutDpi()
{
    const QScreen *screen = QGuiApplication::primaryScreen();
    return screen ? screen->logicalDotsPerInchY() : 96.0;
}

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

std::optional<ImageFormat> imageFormatFromName(const QString &name)
{
    const QString n = name.trimmed().toLower();
    if (n == QLatin1String("png"))
        return ImageFormat::Png;
    if (n == QLatin1String("svg"))
        return ImageFormat::Svg;
    if (n == QLatin1String("pdf"))
        return ImageFormat::Pdf;
    return std::nullopt;
}

Drawing scaledToWidth(const Drawing &drawing, double width)
{
    if (drawing.toWidth)
        return drawing.toWidth(width);
    // Scale the whole picture, text included.
    const double k = width / drawing.size.width();
    Drawing scaled;
    scaled.size = QSizeF(width, std::max(1.0, std::round(drawing.size.height() * k)));
    scaled.paint = [paint = drawing.paint, k](QPainter &painter) {
        painter.save();
        painter.scale(k, k);
        paint(painter);
        painter.restore();
    };
    return scaled;
}

bool writeDrawing(const Drawing &drawing, ImageFormat format, const QString &path, double scale, QString *error)
{
    if (!drawing.paint || drawing.size.isEmpty())
        return fail(error, QStringLiteral("nothing to draw"));
    if (!(scale > 0) || !std::isfinite(scale))
        return fail(error, QStringLiteral("the scale must be a positive number"));

    switch (format) {
    case ImageFormat::Png: {
        const QSize pixels(int(std::ceil(drawing.size.width() * scale)), int(std::ceil(drawing.size.height() * scale)));
        if (double(pixels.width()) * pixels.height() > kMaxPixels || pixels.width() > 32767 || pixels.height() > 32767)
            return fail(error, QStringLiteral("the image would be %1 x %2 pixels, too large: use a smaller --scale or --width, or SVG/PDF")
                                   .arg(pixels.width())
                                   .arg(pixels.height()));
        QImage image(pixels, QImage::Format_ARGB32_Premultiplied);
        if (image.isNull())
            return fail(error, QStringLiteral("not enough memory for a %1 x %2 image").arg(pixels.width()).arg(pixels.height()));
        // The device pixel ratio makes the drawing paint in logical pixels at any scale.
        image.setDevicePixelRatio(scale);
        image.fill(Qt::white);
        {
            QPainter painter(&image);
            drawing.paint(painter);
        }
        if (!image.save(path, "PNG"))
            return fail(error, path + QStringLiteral(": cannot write the PNG file"));
        return true;
    }
    case ImageFormat::Svg: {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(drawing.size.toSize());
        svg.setViewBox(QRectF(QPointF(0, 0), drawing.size));
        svg.setResolution(int(std::lround(layoutDpi())));
        svg.setTitle(QFileInfo(path).completeBaseName());
        svg.setDescription(QStringLiteral("Drawn by Causeway"));
        QPainter painter;
        if (!painter.begin(&svg))
            return fail(error, path + QStringLiteral(": cannot write the SVG file"));
        drawing.paint(painter);
        if (!painter.end())
            return fail(error, path + QStringLiteral(": writing the SVG file failed"));
        if (!QFileInfo(path).isFile() || QFileInfo(path).size() == 0)
            return fail(error, path + QStringLiteral(": writing the SVG file failed"));
        return true;
    }
    case ImageFormat::Pdf: {
        // One logical pixel is 72/dpi points; very large drawings are shrunk
        // onto the largest page readers accept.
        const double dpi = layoutDpi();
        const double pointsPerPixel = 72.0 / dpi;
        const double shrink = std::min({1.0, kMaxPdfPoints / (drawing.size.width() * pointsPerPixel),
                                        kMaxPdfPoints / (drawing.size.height() * pointsPerPixel)});
        const QSizeF points = drawing.size * pointsPerPixel * shrink;
        QPdfWriter pdf(path);
        pdf.setCreator(QStringLiteral("Causeway"));
        pdf.setTitle(QFileInfo(path).completeBaseName());
        pdf.setResolution(int(std::lround(dpi)));
        pdf.setPageSize(QPageSize(points, QPageSize::Point, QString(), QPageSize::ExactMatch));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter;
        if (!painter.begin(&pdf))
            return fail(error, path + QStringLiteral(": cannot write the PDF file"));
        painter.scale(shrink, shrink);
        drawing.paint(painter);
        if (!painter.end())
            return fail(error, path + QStringLiteral(": writing the PDF file failed"));
        return true;
    }
    }
    return fail(error, QStringLiteral("unknown image format"));
}

} // namespace causeway::ui
