// The lanes painter's shortcuts draw what the plain way draws, pixel for
// pixel: runs of edge dots and density strips blitted as images against a
// rectangle each, and a frame painted over a layout that kept what earlier
// frames prepared (shaped header text, flame geometry) through a zoom, a pan
// and a resize against the same frame from a layout made fresh. At 40,
// 1,000 and 10,000 linked traces, fanned out and in.

#include "ui/laneslayout.h"
#include "ui/lanespainter.h"

#include "common/modelbuilder.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QTest>

#include <cmath>
#include <memory>

using namespace causeway;
using namespace causeway::ui;
using causeway::test::TestModelBuilder;

namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kBase = 1700000000ull * 1000000000ull;

// Trace 1's "publish" span is linked to by n consumers (fan-out), or links
// to n producers (fan-in); every 31st fails, their lengths vary.
std::shared_ptr<const Model> fan(uint32_t n, bool fanIn)
{
    TestModelBuilder b("shop");
    std::vector<TestModelBuilder::LinkSpec> hubLinks;
    if (fanIn)
        for (uint32_t i = 0; i < n; ++i)
            hubLinks.push_back({100 + i, 1});
    const uint64_t hub = fanIn ? kBase + uint64_t(n) * 40 * kMs : kBase;
    b.add({.trace = 1, .span = 1, .start = hub, .duration = 120 * kMs, .name = "batch"});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = hub + 5 * kMs, .duration = 80 * kMs, .name = "publish",
           .links = hubLinks});
    for (uint32_t i = 0; i < n; ++i) {
        const uint64_t start = fanIn ? kBase + uint64_t(i) * 40 * kMs : kBase + 50 * kMs + uint64_t(i) * 40 * kMs;
        const uint64_t duration = (2 + i % 13) * kMs;
        std::vector<TestModelBuilder::LinkSpec> links;
        if (!fanIn)
            links.push_back({1, 2});
        b.add({.trace = 100 + i, .span = 1, .start = start, .duration = duration, .name = "process item",
               .links = links, .status = i % 31 == 0 ? StatusCode::Error : StatusCode::Unset});
        b.add({.trace = 100 + i, .span = 2, .parent = 1, .start = start + duration / 4, .duration = duration / 2,
               .name = "write row"});
    }
    return std::make_shared<const Model>(b.finish());
}

struct View
{
    double width = 1600;
    double zoom = 1, pan = 0;
};

QImage paint(const Model &model, const LanesLayout &layout, const View &view, bool fastRects)
{
    QImage image(QSize(int(view.width), int(std::ceil(layout.height))), QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::magenta); // a pixel left unpainted shows
    LanesPaintState state;
    state.fastRects = fastRects;
    QPainter p(&image);
    paintLanes(p, model, layout, LanesColors::standard(false), state, QRectF(image.rect()));
    paintTimeAxis(p, layout, LanesColors::standard(false), 0);
    return image;
}

LanesLayout freshLayout(const Model &model, const View &view)
{
    LanesLayout layout = collectLanes(model, model.findTrace(TestModelBuilder::traceId(1)));
    layoutLanes(model, layout, view.width, LanesStyle{}, view.zoom, view.pan);
    return layout;
}

int differingPixels(const QImage &a, const QImage &b)
{
    if (a.size() != b.size() || a.format() != b.format())
        return -1;
    int n = 0;
    for (int y = 0; y < a.height(); ++y) {
        const auto *pa = reinterpret_cast<const QRgb *>(a.constScanLine(y));
        const auto *pb = reinterpret_cast<const QRgb *>(b.constScanLine(y));
        for (int x = 0; x < a.width(); ++x)
            n += pa[x] != pb[x];
    }
    return n;
}

} // namespace

class TestLanesPainter : public QObject
{
    Q_OBJECT
private slots:
    void sameAsPlain_data();
    void sameAsPlain();
    void dotsEvenlySpaced();
};

void TestLanesPainter::sameAsPlain_data()
{
    QTest::addColumn<int>("links");
    QTest::addColumn<bool>("fanIn");
    for (int n : {40, 1000, 10000}) {
        QTest::addRow("fan-out %d", n) << n << false;
        QTest::addRow("fan-in %d", n) << n << true;
    }
}

void TestLanesPainter::sameAsPlain()
{
    QFETCH(int, links);
    QFETCH(bool, fanIn);
    const auto model = fan(uint32_t(links), fanIn);
    LanesLayout layout = collectLanes(*model, model->findTrace(TestModelBuilder::traceId(1)));
    const LanesStyle style;
    const LanesViewport first = initialViewport(*model, layout, 1600, style);
    // The first view, zoomed in, panned, then the window narrower: each
    // frame over the one layout, as the view keeps it.
    const View views[] = {{1600, first.zoom, first.pan},
                          {1600, first.zoom * 3, first.pan * 3 + 200},
                          {1600, first.zoom * 3, first.pan * 3 + 517},
                          {1111, first.zoom * 3, first.pan * 3 + 517}};
    for (const View &view : views) {
        layoutLanes(*model, layout, view.width, style, view.zoom, view.pan);
        QVERIFY(!layout.edges.empty());
        size_t dots = 0;
        for (const LaneEdge &e : layout.edges)
            dots += e.dots.size();
        QVERIFY2(dots > 20, "edges are drawn as dots");
        const QImage kept = paint(*model, layout, view, true);
        QCOMPARE(differingPixels(kept, paint(*model, layout, view, false)), 0);
        // Headers and flame geometry prepared by earlier frames change nothing.
        const LanesLayout fresh = freshLayout(*model, view);
        QCOMPARE(fresh.lanes.size(), layout.lanes.size());
        QCOMPARE(differingPixels(kept, paint(*model, fresh, view, false)), 0);
        QImage unpainted(kept.size(), kept.format());
        unpainted.fill(Qt::magenta);
        QCOMPARE(differingPixels(kept, unpainted), kept.width() * kept.height());
    }
}

// Dots along a straight run sit whole pixels apart, all the same size: on
// screen the line is one pattern (no gap a pixel wider than the next), which
// is what lets the painter blit a run at once.
void TestLanesPainter::dotsEvenlySpaced()
{
    const auto model = fan(1000, false);
    const LanesLayout layout = freshLayout(*model, View{});
    auto whole = [](double v) { return std::abs(v - std::round(v)) < 1e-6; };
    size_t runs = 0;
    for (const LaneEdge &e : layout.edges) {
        QVERIFY(!e.dots.empty());
        for (size_t i = 0; i < e.dots.size(); ++i) {
            QCOMPARE(e.dots[i].size(), e.dots[0].size());
            QVERIFY(whole(e.dots[i].width()));
        }
        for (size_t i = 2; i < e.dots.size(); ++i) {
            const QPointF a = e.dots[i - 2].topLeft(), b = e.dots[i - 1].topLeft(), c = e.dots[i].topLeft();
            const bool row = a.y() == b.y() && b.y() == c.y(), column = a.x() == b.x() && b.x() == c.x();
            if (!row && !column)
                continue; // around a corner
            const double step = std::abs(row ? b.x() - a.x() : b.y() - a.y());
            QVERIFY(whole(step));
            QVERIFY(std::abs(std::abs(row ? c.x() - b.x() : c.y() - b.y()) - step) < 1e-6);
            QVERIFY(step > e.dots[i].width()); // a gap between dots
            ++runs;
        }
    }
    QVERIFY(runs > 100);
}

QTEST_MAIN(TestLanesPainter)
#include "tst_lanespainter.moc"
