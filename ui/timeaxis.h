#pragma once
// A time axis for views whose x is time: tick steps of 1/2/5 (and 30 s / 30 min
// bridges to minutes and hours), labels in ns, µs, ms, s, min or h, all
// relative to an origin such as the trace start. Shared by the flame graph
// and the linked-trace lanes.

#include <QColor>
#include <QRectF>
#include <QString>

#include <vector>

class QPainter;

namespace causeway::ui {

// A duration as people read it, three significant digits in the largest unit
// that fits: "850 ns", "12.3 µs", "4.56 s", "2 min 5 s", "1 h 20 min".
QString formatDuration(double ns);

struct TimeTick
{
    double x = 0;        // logical px
    double offset = 0;   // ns from the origin
    QString label;
};

class TimeAxis
{
public:
    static constexpr double kHeight = 22;

    // The smallest "nice" step that is at least minStepNs.
    static double tickStep(double minStepNs);

    // The label of a tick at offsetNs on an axis whose ticks are stepNs apart:
    // the unit follows the step so neighbouring labels differ visibly.
    static QString tickLabel(double offsetNs, double stepNs);

    // Ticks for the window [viewStartNs, viewEndNs] (ns from the origin) drawn
    // over [x0, x0 + width], at least minSpacingPx apart.
    static std::vector<TimeTick> ticks(double viewStartNs, double viewEndNs, double x0, double width,
                                       double minSpacingPx = 80);

    // Paints a baseline, ticks and their labels into rect (labels above the
    // baseline at the bottom edge). When gridBottom lies below rect, faint
    // grid lines continue down to it.
    static void paint(QPainter &painter, const QRectF &rect, double viewStartNs, double viewEndNs,
                      const QColor &text, const QColor &line, double gridBottom = 0);
};

} // namespace causeway::ui
