// The critical path in the focus lane of the lanes: one switch with the
// flame graph's (the session holds it), each section drawn in the row the
// flame graph gives its span (FlameRows::rowOf), spans off the path veiled,
// and the exported lanes drawing painted by the same pass.

#include "ui/criticalpathoverlay.h"
#include "ui/drawing.h"
#include "ui/flamegraph.h"
#include "ui/flamepainter.h"
#include "ui/laneslayout.h"
#include "ui/lanespainter.h"
#include "ui/lanesview.h"
#include "ui/palette.h"
#include "ui/session.h"
#include "ui/timeaxis.h"

#include "core/criticalpath.h"
#include "core/load.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"

#include <QAction>
#include <QImage>
#include <QPainter>
#include <QToolButton>
#include <QtTest>

using namespace causeway;
using namespace causeway::ui;

namespace {

constexpr const char *kCheckout = "c6e2f72626bb0b0de84c934ae1c1d8e5";

std::shared_ptr<const Model> sample()
{
    auto model = std::make_shared<Model>();
    const LoadResult r = loadFiles({test::bundledSample("causeway-sample.jsonl")}, *model);
    if (!r.ok)
        qFatal("cannot load the bundled sample: %s", r.error.text().c_str());
    return model;
}

uint32_t checkout(const Model &model)
{
    TraceId id;
    if (parseId(kCheckout, id) != IdParse::Ok)
        qFatal("bad id");
    return model.findTrace(id);
}

QImage paint(const Model &model, const LanesLayout &layout, const LanesPaintState &state)
{
    QImage image(QSize(int(layout.width), int(std::ceil(layout.height))), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    paintLanes(p, model, layout, LanesColors::standard(false), state, QRectF(QPointF(0, 0), QSizeF(image.size())));
    return image;
}

size_t countColour(const QImage &image, QRgb colour)
{
    size_t n = 0;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            n += (line[x] | 0xff000000u) == (colour | 0xff000000u);
    }
    return n;
}

// root 0-100 ms; "fetch" 0-30 (with "query" 2-12 inside it) overlaps "work"
// 20-90, the child that finished last, so it does not bound the end: fetch
// and query are off the path. With a consumer, a second trace links to "work".
Model orderWithOverlap(bool consumer)
{
    test::TestModelBuilder b("shop");
    const uint64_t ms = 1'000'000;
    b.add({.trace = 1, .span = 1, .start = 0, .duration = 100 * ms, .name = "order"});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = 0, .duration = 30 * ms, .name = "fetch"});
    b.add({.trace = 1, .span = 3, .parent = 2, .start = 2 * ms, .duration = 10 * ms, .name = "query"});
    b.add({.trace = 1, .span = 4, .parent = 1, .start = 20 * ms, .duration = 70 * ms, .name = "work"});
    if (consumer)
        b.add({.trace = 2, .span = 10, .start = 120 * ms, .duration = 20 * ms, .name = "consume", .links = {{1, 4}}});
    return b.finish();
}

} // namespace

class TestLanesCriticalPath : public QObject
{
    Q_OBJECT

private slots:
    void oneSwitchWithTheFlameGraph()
    {
        Session session;
        session.setModel(sample());
        session.navigateTo(checkout(*session.model()));
        FlameGraphWidget flame(&session);
        CriticalPathOverlay overlay(&flame, &session);
        LanesView lanes(&session);
        lanes.resize(1400, 700);
        lanes.show();
        QVERIFY(!lanes.criticalPath());
        QVERIFY(!lanes.criticalPathToggle()->isChecked());
        // One control in two places: the same action, so one label, one state, one shortcut.
        QAction *action = session.criticalPathAction();
        QCOMPARE(lanes.criticalPathToggle()->defaultAction(), action);
        QCOMPARE(overlay.toggle()->defaultAction(), action);
        QCOMPARE(lanes.criticalPathToggle()->text(), overlay.toggle()->text());
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
        QVERIFY(action->isCheckable() && !action->isChecked());
        action->trigger();
        QVERIFY(session.criticalPathShown() && overlay.isShown() && lanes.criticalPath());
        QVERIFY(lanes.criticalPathToggle()->isChecked() && overlay.toggle()->isChecked());
        action->trigger();
        QVERIFY(!session.criticalPathShown() && !overlay.isShown() && !lanes.criticalPath());

        // On in the lanes: on in the flame graph too, and the same path.
        lanes.criticalPathToggle()->click();
        QVERIFY(session.criticalPathShown());
        QVERIFY(overlay.isShown());
        QVERIFY(overlay.toggle()->isChecked());
        QVERIFY(lanes.criticalPath());
        const CriticalPath expected = criticalPath(*session.model(), session.focusTrace());
        QCOMPARE(lanes.criticalPath()->trace, session.focusTrace());
        QCOMPARE(lanes.criticalPath()->spans, expected.spans);
        QCOMPARE(lanes.criticalPath()->sections.size(), expected.sections.size());
        QCOMPARE(overlay.path().spans, expected.spans);

        // A new focus: the lanes follow with that trace's path.
        uint32_t other = kNone;
        for (const Lane &lane : lanes.lanesLayout().lanes)
            if (lane.kind != LaneKind::Focus && !lane.isGroup())
                other = lane.trace;
        QVERIFY(other != kNone && other != session.focusTrace());
        session.navigateTo(other);
        QVERIFY(lanes.criticalPath());
        QCOMPARE(lanes.criticalPath()->trace, other);
        QCOMPARE(lanes.criticalPath()->spans, criticalPath(*session.model(), other).spans);

        // Off in the flame graph: off in the lanes.
        overlay.toggle()->click();
        QVERIFY(!session.criticalPathShown());
        QVERIFY(!lanes.criticalPathToggle()->isChecked());
        QVERIFY(!lanes.criticalPath());

        // A lanes view made while the switch is on starts on.
        session.setCriticalPathShown(true);
        LanesView later(&session);
        QVERIFY(later.criticalPathToggle()->isChecked());
        QVERIFY(later.criticalPath());
    }

    void sectionsSitInTheFlameRows()
    {
        const auto model = sample();
        const uint32_t trace = checkout(*model);
        LanesLayout layout = collectLanes(*model, trace);
        layoutLanes(*model, layout, 1600, LanesStyle{});
        QVERIFY(layout.focusLane >= 0);
        const Lane &lane = layout.lanes[size_t(layout.focusLane)];
        const FlameRows rows(*model, trace); // what the flame graph builds
        const CriticalPath path = criticalPath(*model, trace);
        QVERIFY(path.spans.size() > 3);
        int checked = 0;
        for (uint32_t span : path.spans) {
            const QRectF r = laneSpanRect(*model, layout, lane, span);
            const int row = rows.rowOf(span);
            if (uint32_t(row) >= lane.rows) {
                // Deeper than the rows shown: on the last row.
                QCOMPARE(r.top(), lane.flameView.rowTop(int(lane.rows) - 1));
                continue;
            }
            QCOMPARE(r.top(), lane.flameView.rowTop(row));
            ++checked;
        }
        QVERIFY(checked > 3);
    }

    void paintedOverTheFocusLane()
    {
        const auto model = sample();
        const uint32_t trace = checkout(*model);
        LanesLayout layout = collectLanes(*model, trace);
        // Fit focus: the focus trace across the width.
        const Trace &t = model->traces[trace];
        const LanesViewport view = fitTimeRange(*model, layout, 1600, LanesStyle{}, t.start, t.end);
        layoutLanes(*model, layout, 1600, LanesStyle{}, view.zoom, view.pan);
        layout.edges.clear(); // nothing drawn over the bodies but the path
        const Lane &lane = layout.lanes[size_t(layout.focusLane)];
        LanesPaintState off;
        LanesPaintState on;
        on.criticalPath = std::make_shared<const CriticalPath>(criticalPath(*model, trace));
        const QImage plain = paint(*model, layout, off), lit = paint(*model, layout, on);
        const QRgb bar = criticalPathColor(false).rgb();
        QCOMPARE(countColour(plain, bar), size_t(0));
        QVERIFY(countColour(lit, bar) > 0);

        // A bar under every section wide enough to see, at the bottom of its span's box.
        int bars = 0;
        for (const CriticalPathSection &s : on.criticalPath->sections) {
            const double x0 = lane.flameView.xOf(s.start), x1 = lane.flameView.xOf(s.end);
            if (x1 - x0 < 4)
                continue;
            const QRectF r = laneSpanRect(*model, layout, lane, s.span);
            const QPoint at(int((x0 + x1) / 2), int(r.bottom()) - 1);
            QCOMPARE(QColor(lit.pixel(at)).name(), QColor(bar).name());
            ++bars;
        }
        QVERIFY(bars > 2);

        // Every span of the checkout is on its path: none is veiled.
        for (uint32_t i = 0; i < model->traces[trace].spans.count; ++i)
            QVERIFY(on.criticalPath->contains(model->traceSpans[model->traces[trace].spans.first + i]));

        // Other lanes are left as they are.
        for (const Lane &other : layout.lanes) {
            if (other.kind == LaneKind::Focus)
                continue;
            const QRect r = other.body.toAlignedRect() & plain.rect();
            QCOMPARE(lit.copy(r), plain.copy(r));
        }
    }

    void spansOffThePathAreVeiled()
    {
        // Two lanes: the order trace and the consumer linking to "work".
        const auto model = std::make_shared<Model>(orderWithOverlap(true));
        const uint32_t trace = model->findTrace(test::TestModelBuilder::traceId(1));
        const CriticalPath path = criticalPath(*model, trace);
        QCOMPARE(path.spans.size(), size_t(2)); // order, work
        LanesLayout layout = collectLanes(*model, trace);
        const Trace &t = model->traces[trace];
        const LanesViewport view = fitTimeRange(*model, layout, 1000, LanesStyle{}, t.start, t.end);
        layoutLanes(*model, layout, 1000, LanesStyle{}, view.zoom, view.pan);
        layout.edges.clear();
        const Lane &lane = layout.lanes[size_t(layout.focusLane)];
        LanesPaintState off;
        LanesPaintState on;
        on.criticalPath = std::make_shared<const CriticalPath>(path);
        const QImage plain = paint(*model, layout, off), lit = paint(*model, layout, on);
        // Spans off the path are veiled; the path's spans keep their colour.
        int veiled = 0;
        for (uint32_t i = 0; i < model->traces[trace].spans.count; ++i) {
            const uint32_t span = model->traceSpans[model->traces[trace].spans.first + i];
            const QRectF r = laneSpanRect(*model, layout, lane, span);
            if (r.width() < 6 || r.bottom() > lane.body.bottom() || !r.intersects(lane.flameView.rect))
                continue;
            const QPoint at(int(r.center().x()), int(r.top()) + 2);
            if (on.criticalPath->contains(span)) {
                QCOMPARE(lit.pixel(at), plain.pixel(at));
            } else if (lit.pixel(at) != plain.pixel(at)) {
                // Light palette: a white veil makes the box lighter.
                QVERIFY(QColor(lit.pixel(at)).lightness() > QColor(plain.pixel(at)).lightness());
                ++veiled;
            }
        }
        QCOMPARE(veiled, 2); // fetch, query

    }

    void exportDrawsIt()
    {
        const auto model = sample();
        DrawingOptions options;
        options.trace = checkout(*model);
        options.width = 1400;
        const QRgb bar = criticalPathColor(false).rgb();
        for (bool shown : {false, true}) {
            options.criticalPath = shown;
            const Drawing drawing = lanesDrawing(*model, options);
            QImage image(drawing.size.toSize(), QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::white);
            QPainter p(&image);
            drawing.paint(p);
            p.end();
            if (shown)
                QVERIFY(countColour(image, bar) > 20);
            else
                QCOMPARE(countColour(image, bar), size_t(0));
        }
    }

    // The flame graph's export draws the path with the same pass as the
    // widget: bars under the sections, the spans off the path veiled.
    void flameExportDrawsIt()
    {
        const Model model = orderWithOverlap(false);
        DrawingOptions options;
        options.trace = model.findTrace(test::TestModelBuilder::traceId(1));
        options.width = 1000;
        const QRgb bar = criticalPathColor(false).rgb();
        QImage images[2];
        for (bool shown : {false, true}) {
            options.criticalPath = shown;
            const Drawing drawing = flameDrawing(model, options);
            QImage image(drawing.size.toSize(), QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::white);
            QPainter p(&image);
            drawing.paint(p);
            p.end();
            images[shown] = image;
        }
        QCOMPARE(countColour(images[0], bar), size_t(0));
        QVERIFY(countColour(images[1], bar) > 100);
        // The drawing maps 0-100 ms over 1000 px below the time axis. At 7 ms
        // "fetch" and "query" are drawn, both off the path: veiled, so lighter.
        const int x = 70; // 7 ms: inside query (2-12 ms), outside work (20-90 ms)
        int lighter = 0;
        for (int y = TimeAxis::kHeight; y < images[0].height(); ++y)
            lighter += QColor(images[1].pixel(x, y)).lightness() > QColor(images[0].pixel(x, y)).lightness();
        QVERIFY(lighter > 10);
        // At 50 ms only order and work are drawn: both on the path, so nothing is veiled in their boxes.
        const int onPath = 500;
        int same = 0, boxes = 0;
        for (int y = TimeAxis::kHeight; y < images[0].height(); ++y) {
            const QRgb plain = images[0].pixel(onPath, y);
            if (QColor(plain).lightness() > 240)
                continue; // background
            ++boxes;
            same += plain == images[1].pixel(onPath, y) || images[1].pixel(onPath, y) == bar;
        }
        QVERIFY(boxes > 10);
        QCOMPARE(same, boxes);
    }
};

QTEST_MAIN(TestLanesCriticalPath)
#include "tst_lanescriticalpath.moc"
