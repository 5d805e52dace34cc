#include "ui/lanestubs.h"

#include "ui/displaytext.h"
#include "ui/laneslayout.h"
#include "ui/lanespainter.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cstdlib>

namespace causeway::ui {

namespace {
constexpr double kMarkerRadius = 4;
constexpr double kStubGap = 4;       // between the markers of one span's stubs
}

std::vector<LaneStub> placeLaneStubs(const Model &model, const LanesLayout &layout, size_t cap)
{
    std::vector<LaneStub> out;
    if (layout.lanes.empty())
        return out;
    // Nearest the focus first, so the cap drops the far lanes' stubs.
    std::vector<int> order;
    for (int i = 0; i < int(layout.lanes.size()); ++i)
        if (!layout.lanes[size_t(i)].isGroup() && layout.lanes[size_t(i)].trace < model.traces.size())
            order.push_back(i);
    const int focus = std::max(0, layout.focusLane);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(a - focus) < std::abs(b - focus); });

    QFont font = layout.style.font;
    font.setPointSizeF(layout.style.font.pointSizeF() * 0.8);
    const QFontMetricsF metrics(font);
    for (int laneIndex : order) {
        const Lane &lane = layout.lanes[size_t(laneIndex)];
        const Range spans = model.traces[lane.trace].spans;
        for (uint32_t i = spans.first; i < spans.end() && out.size() < cap; ++i) {
            const uint32_t span = model.traceSpans[i];
            const Range r = model.outgoingLinks(span);
            size_t first = out.size();
            for (uint32_t l = r.first; l < r.end(); ++l) {
                const Link &link = model.links[l];
                // A loaded trace with a missing span: fetching would not change it.
                if (link.resolved() || model.findTrace(link.traceId) != kNone)
                    continue;
                auto same = std::find_if(out.begin() + std::ptrdiff_t(first), out.end(),
                                         [&](const LaneStub &s) { return s.target == link.traceId; });
                if (same != out.end()) {
                    ++same->links;
                    continue;
                }
                if (out.size() >= cap)
                    break;
                LaneStub stub;
                stub.lane = laneIndex;
                stub.span = span;
                stub.links = 1;
                stub.target = link.traceId;
                stub.label = display::shortTraceId(link.traceId);
                out.push_back(std::move(stub));
            }
            if (out.size() == first)
                continue;
            // Place this span's stubs side by side from its start.
            const QRectF box = laneSpanRect(model, layout, lane, span);
            const double top = std::max(layout.style.axisHeight + kMarkerRadius + 2, lane.rect.top() - layout.style.laneGap / 2);
            // Side by side from the span's start, each id readable beside its marker.
            double x = box.left() + 3;
            for (size_t k = first; k < out.size(); ++k) {
                LaneStub &s = out[k];
                s.a = QPointF(x, box.top());
                s.b = QPointF(x, top);
                const double w = metrics.horizontalAdvance(s.label);
                s.marker = QRectF(x - kMarkerRadius - 2, top - kMarkerRadius - 2, 2 * kMarkerRadius + 6 + w, 2 * kMarkerRadius + 4);
                x = s.marker.right() + kStubGap + kMarkerRadius + 2;
            }
        }
        if (out.size() >= cap)
            break;
    }
    return out;
}

void paintLaneStubs(QPainter &p, const std::vector<LaneStub> &stubs, const LanesLayout &layout, const LanesColors &colors,
                    const QRectF &exposed)
{
    if (stubs.empty())
        return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing, true);
    QFont font = layout.style.font;
    font.setPointSizeF(layout.style.font.pointSizeF() * 0.8);
    p.setFont(font);
    for (const LaneStub &s : stubs) {
        const QRectF reach = QRectF(s.b, s.a).normalized().united(s.marker);
        if (!reach.intersects(exposed))
            continue;
        p.setPen(QPen(colors.link, 1.2, Qt::DotLine, Qt::RoundCap));
        p.drawLine(s.a, QPointF(s.b.x(), s.b.y() + kMarkerRadius));
        // A backing keeps the id readable where it sits on a lane's header.
        QColor backing = colors.background;
        backing.setAlphaF(0.85f);
        p.setPen(Qt::NoPen);
        p.setBrush(backing);
        p.drawRoundedRect(s.marker, 3, 3);
        p.setPen(QPen(colors.link, 1.4));
        p.setBrush(colors.background);
        p.drawEllipse(s.b, kMarkerRadius, kMarkerRadius);
        p.setPen(colors.link);
        p.drawText(QRectF(s.b.x() + kMarkerRadius + 3, s.marker.top(), s.marker.right() - s.b.x(), s.marker.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, s.label);
    }
    p.restore();
}

int laneStubAt(const std::vector<LaneStub> &stubs, QPointF pos)
{
    for (size_t i = stubs.size(); i-- > 0;)
        if (stubs[i].marker.contains(pos))
            return int(i);
    return -1;
}

QString laneStubToolTip(const LaneStub &stub)
{
    return QStringLiteral("<b>%1 to trace %2</b><br>not loaded<br>Click to fetch it from a trace backend.")
        .arg(stub.links == 1 ? QStringLiteral("1 link") : QStringLiteral("%L1 links").arg(stub.links),
             QString::fromStdString(stub.target.hex()));
}

} // namespace causeway::ui
