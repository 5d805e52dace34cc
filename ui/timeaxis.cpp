#include "ui/timeaxis.h"

#include <QFontMetricsF>
#include <QPainter>

#include <array>
#include <cmath>

namespace causeway::ui {

namespace {

constexpr double kUs = 1e3;
constexpr double kMs = 1e6;
constexpr double kS = 1e9;
constexpr double kMin = 60 * kS;
constexpr double kH = 3600 * kS;

QString number(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

// Three significant digits: 1.23, 12.3, 123.
QString significant(double value)
{
    const int decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2;
    QString s = number(value, decimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s;
}

} // namespace

QString formatDuration(double ns)
{
    if (!(ns >= 0))
        return QStringLiteral("-") + formatDuration(-ns);
    // Round first so 999.7 ns reads "1 µs" rather than "1000 ns".
    if (ns < 999.5)
        return number(std::round(ns), 0) + QStringLiteral(" ns");
    if (ns < 999.5 * kUs)
        return significant(ns / kUs) + QStringLiteral(" µs");
    if (ns < 999.5 * kMs)
        return significant(ns / kMs) + QStringLiteral(" ms");
    if (ns < 59.95 * kS)
        return significant(ns / kS) + QStringLiteral(" s");
    if (ns < kH - 0.5 * kS) {
        const auto total = int64_t(std::llround(ns / kS));
        const int64_t m = total / 60, s = total % 60;
        if (s)
            return QString::number(m) + QStringLiteral(" min ") + QString::number(s) + QStringLiteral(" s");
        return QString::number(m) + QStringLiteral(" min");
    }
    const auto total = int64_t(std::llround(ns / kMin));
    const int64_t h = total / 60, m = total % 60;
    if (m)
        return QString::number(h) + QStringLiteral(" h ") + QString::number(m) + QStringLiteral(" min");
    return QString::number(h) + QStringLiteral(" h");
}

double TimeAxis::tickStep(double minStepNs)
{
    if (!(minStepNs > 1))
        return 1;
    // Between 10 s and 100 h the decimal ladder would give 50 s or 500 min:
    // step through minutes and hours people count in instead.
    static constexpr std::array<double, 12> clock = {
        10 * kS, 20 * kS, 30 * kS, kMin, 2 * kMin, 5 * kMin, 10 * kMin, 20 * kMin, 30 * kMin, kH, 2 * kH, 5 * kH,
    };
    if (minStepNs > 5 * kS && minStepNs <= 5 * kH) {
        for (double c : clock)
            if (c >= minStepNs)
                return c;
    }
    const double base = minStepNs > 5 * kH ? kH : 1;
    const double scaled = minStepNs / base;
    const double decade = std::pow(10.0, std::floor(std::log10(scaled)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * decade >= scaled * (1 - 1e-12))
            return m * decade * base;
    return 10 * decade * base;
}

QString TimeAxis::tickLabel(double offsetNs, double stepNs)
{
    if (std::abs(offsetNs) < stepNs * 1e-6)
        return QStringLiteral("0");
    double unit = 1;
    const char *suffix = " ns";
    if (stepNs >= kH) {
        unit = kH;
        suffix = " h";
    } else if (stepNs >= kMin) {
        unit = kMin;
        suffix = " min";
    } else if (stepNs >= 0.1 * kS) {
        unit = kS;
        suffix = " s";
    } else if (stepNs >= 0.1 * kMs) {
        unit = kMs;
        suffix = " ms";
    } else if (stepNs >= 0.1 * kUs) {
        unit = kUs;
        suffix = " µs";
    }
    // Enough decimals to tell neighbouring ticks apart, and no more.
    const double relative = stepNs / unit;
    const int decimals = relative >= 1 ? 0 : int(std::ceil(-std::log10(relative) - 1e-9));
    return number(offsetNs / unit, decimals) + QString::fromUtf8(suffix);
}

std::vector<TimeTick> TimeAxis::ticks(double viewStartNs, double viewEndNs, double x0, double width,
                                      double minSpacingPx)
{
    std::vector<TimeTick> out;
    const double span = viewEndNs - viewStartNs;
    if (!(span > 0) || !(width > 0))
        return out;
    const double nsPerPx = span / width;
    const double step = tickStep(minSpacingPx * nsPerPx);
    const double first = std::ceil(viewStartNs / step) * step;
    for (double t = first; t <= viewEndNs + step * 1e-9; t += step) {
        const double x = x0 + (t - viewStartNs) / nsPerPx;
        out.push_back({x, t, tickLabel(t, step)});
        if (out.size() > 1000)
            break;
    }
    return out;
}

void TimeAxis::paint(QPainter &painter, const QRectF &rect, double viewStartNs, double viewEndNs,
                     const QColor &text, const QColor &line, double gridBottom)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    const QFontMetricsF fm(painter.font());
    const double labelWidth = fm.horizontalAdvance(QStringLiteral("000.000 ms"));
    const auto ticks = TimeAxis::ticks(viewStartNs, viewEndNs, rect.left(), rect.width(), labelWidth + 16);
    const double base = rect.bottom() - 0.5;

    if (gridBottom > rect.bottom()) {
        QColor grid = line;
        grid.setAlphaF(0.18f);
        painter.setPen(QPen(grid, 0));
        for (const auto &t : ticks)
            painter.drawLine(QPointF(t.x, rect.bottom()), QPointF(t.x, gridBottom));
    }
    painter.setPen(QPen(line, 0));
    painter.drawLine(QPointF(rect.left(), base), QPointF(rect.right(), base));
    painter.setPen(text);
    for (const auto &t : ticks) {
        painter.drawLine(QPointF(t.x, base - 5), QPointF(t.x, base));
        // Labels sit right of their tick so the first one stays inside the
        // rect; one that would be cut at the right edge is left out.
        if (t.x + 3 + fm.horizontalAdvance(t.label) > rect.right())
            continue;
        const QRectF box(t.x + 3, rect.top(), labelWidth + 12, rect.height() - 2);
        painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, t.label);
    }
    painter.restore();
}

} // namespace causeway::ui
