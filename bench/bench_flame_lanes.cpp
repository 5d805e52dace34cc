// Linked-trace lanes cost on fan-outs of 1,000 to 100,000 links: choosing the
// lanes (once per focus change; off the GUI thread when the focus has
// 20,000 links or more), laying them out (the first time with the axis's
// runs and the initial fit, then once per resize, zoom or pan), painting a
// frame and hit-testing a mouse move. Two frames are reported as ratios
// against painting the focus trace's flame graph alone, measured in the same
// run: the first frame after a focus change (collect + first layout + paint,
// nothing cached: neither flame geometry nor shaped header text) and a zoom
// or pan frame (layout + paint over the collected lanes, which the view
// keeps while the focus and options stay, with their header text). Targets: at
// 100,000 links a frame within 4x the flame graph, layout within 50 ms.
//
// Times are thread CPU time. Run with QT_QPA_PLATFORM=offscreen. Options: --links N runs one size only;
// --png FILE saves the last frame; --profile collect|summary|layout|paint|camefrom repeats that step (camefrom:
// the whole came-from frame) a few hundred times more after measuring, for `perf record`.

#include "core/lanessummary.h"
#include "core/modelbuilder.h"
#include "ui/laneslayout.h"
#include "ui/lanemembersdialog.h"
#include "ui/lanespainter.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace causeway;
using namespace causeway::ui;

namespace {

constexpr uint64_t kMs = 1000000;
constexpr uint64_t kBase = 1700000000ull * 1000000000ull;

TraceId traceId(uint64_t n)
{
    TraceId id;
    const uint64_t mixed = (n + 1) * 0x9e3779b97f4a7c15ull;
    std::memcpy(id.bytes.data(), &mixed, 8);
    std::memcpy(id.bytes.data() + 8, &n, 8);
    return id;
}

SpanId spanId(uint64_t n)
{
    SpanId id;
    std::memcpy(id.bytes.data(), &n, 8);
    return id;
}

// A producer (602 spans) whose publish span `links` consumer traces link to; each consumer
// has a small tree of its own and every 50th fails.
Model fanOut(uint32_t links)
{
    Model m;
    const StringId services[] = {m.strings.intern("producer"), m.strings.intern("worker"), m.strings.intern("db")};
    const StringId names[] = {m.strings.intern("publish batch"), m.strings.intern("process item"),
                              m.strings.intern("SELECT items"), m.strings.intern("UPDATE items")};
    std::mt19937 rng(7);
    causeway::ModelBuilder build(m);
    auto add = [&](uint64_t trace, uint64_t id, uint64_t parent, uint64_t start, uint64_t end, StringId name,
                   StringId service, bool error, bool linked = false) {
        SpanHot h;
        h.start = start;
        h.end = end;
        h.name = name;
        h.service = service;
        h.status = error ? StatusCode::Error : StatusCode::Unset;
        SpanCold c;
        c.traceId = traceId(trace);
        c.spanId = spanId(id);
        if (parent)
            c.parentSpanId = spanId(parent);
        build.beginSpan();
        if (linked) {
            Link l;
            l.traceId = traceId(1);
            l.spanId = spanId(2);
            build.addLink(l);
        }
        return build.endSpan(h, c);
    };
    add(1, 1, 0, kBase, kBase + 40 * kMs, names[0], services[0], false);
    add(1, 2, 1, kBase + kMs, kBase + 30 * kMs, names[0], services[0], false);
    // The producer reads what it publishes: 600 spans, so the baseline flame
    // graph is a trace as real as the lanes' focus.
    for (uint64_t k = 0; k < 600; ++k)
        add(1, 3 + k, 1 + (k % 3 == 0 ? 0 : 1), kBase + kMs + k * 60000, kBase + kMs + k * 60000 + 45000, names[2],
            services[2], false);
    for (uint32_t i = 0; i < links; ++i) {
        const uint64_t t = 100 + i;
        const uint64_t start = kBase + 50 * kMs + uint64_t(rng() % 60000) * kMs / 10;
        const uint64_t len = (2 + rng() % 40) * kMs;
        add(t, 1, 0, start, start + len, names[1], services[1], i % 50 == 0, true);
        add(t, 2, 1, start + len / 10, start + len / 2, names[2], services[2], false);
        add(t, 3, 1, start + len / 2, start + len * 9 / 10, names[3], services[2], false);
    }
    m.finalize();
    return m;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// Median thread CPU time of `reps` runs, in milliseconds: other work on a
// shared machine does not count against us.
double timeMs(int reps, const std::function<void()> &work)
{
    std::vector<double> times;
    for (int i = 0; i < reps; ++i) {
        const double start = threadCpuMs();
        work();
        times.push_back(threadCpuMs() - start);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// The members list of the largest group: what opening it costs the GUI
// thread now (the rows are listed on a worker) and what it cost when the
// rows were listed before it opened, against a collect of the same lanes.
void membersListCost(const Model &model, const LanesLayout &layout, double collect)
{
    const auto group = std::max_element(layout.lanes.begin(), layout.lanes.end(), [](const Lane &a, const Lane &b) {
        return a.members.size() < b.members.size();
    });
    if (group == layout.lanes.end() || !group->isGroup())
        return;
    const LanesSelection selection = selectionOf(layout);
    const int lane = int(group - layout.lanes.begin());
    const std::shared_ptr<const Model> shared(&model, [](const Model *) {});
    const double before = timeMs(3, [&] {
        LaneMembersDialog dialog(shared, laneMembers(model, selection, lane), QStringLiteral("members"));
    });
    double open = 0, ready = 0, fill = 0;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer wall;
        wall.start();
        const double t0 = threadCpuMs();
        auto *dialog = new LaneMembersDialog(shared, LaneMembersDialog::MemberList([&model, selection, lane] {
                                                 return laneMembers(model, selection, lane);
                                             }),
                                             QStringLiteral("members"));
        open += (threadCpuMs() - t0) / 3;
        QEventLoop loop;
        QObject::connect(dialog, &LaneMembersDialog::listed, &loop, &QEventLoop::quit);
        const double t1 = threadCpuMs();
        loop.exec(); // waits without CPU; then the rows go into the table here
        fill += (threadCpuMs() - t1) / 3;
        ready += double(wall.nsecsElapsed()) / 1e6 / 3;
        delete dialog;
    }
    std::printf("  members list of %zu: opening costs the GUI thread %.3f ms (listing first: %.3f ms, ratio %.4f; "
                "a collect: %.3f ms); rows ready after %.1f ms (wall, worker), taking them in costs the GUI thread %.3f ms\n",
                group->members.size(), open, before, open / before, collect, ready, fill);
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    std::vector<uint32_t> sizes = {1000, 10000, 100000};
    QString png;
    std::string profile;
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], "--links") == 0)
            sizes = {uint32_t(std::stoul(argv[++i]))};
        else if (std::strcmp(argv[i], "--png") == 0)
            png = QString::fromLocal8Bit(argv[++i]);
        else if (std::strcmp(argv[i], "--profile") == 0)
            profile = argv[++i];
    }
    constexpr double kWidth = 1600;
    std::printf("%-8s %9s %11s %10s %10s %9s %12s %7s %10s %7s %9s %6s %6s %9s %9s %8s %10s %10s %7s %10s %11s %7s\n", "links", "flame ms",
                "collect ms", "1st lay ms", "pan lay ms", "paint ms", "1st frame ms", "ratio", "pan frame", "ratio",
                "hover us", "lanes", "edges", "model ms", "summ ms", "summ MB", "s-coll ms", "s-frame ms", "ratio",
                "cf-coll ms", "cf-frame ms", "ratio");
    for (uint32_t links : sizes) {
        const double modelStart = threadCpuMs();
        const Model model = fanOut(links);
        const double modelMs = threadCpuMs() - modelStart; // building and finalizing the model: what a load costs at least
        const uint32_t focus = model.findTrace(traceId(1));

        // Baseline, same run: painting the focus trace's flame graph alone.
        QImage flameImage(QSize(int(kWidth), 400), QImage::Format_ARGB32_Premultiplied);
        auto rows = std::make_shared<const FlameRows>(model, focus);
        const FlameStyle flameStyle = FlameStyle::standard(false);
        FlameView flameView;
        flameView.rect = QRectF(0, 0, kWidth, 400);
        flameView.start = model.traces[focus].start;
        flameView.end = model.traces[focus].end;
        flameView.rowHeight = 18;
        // Sampled between the lanes' steps, not once before them: on a shared
        // machine the load drifts, and the ratio should compare like with like.
        std::vector<double> flameTimes;
        const auto sampleFlame = [&] {
            for (int i = 0; i < 5; ++i)
                flameTimes.push_back(timeMs(1, [&] {
                    FlamePainter painter(rows); // no cached geometry: a first frame
                    QPainter p(&flameImage);
                    painter.paint(p, flameView, flameStyle);
                }));
        };
        sampleFlame();

        LanesLayout layout;
        const auto collectStep = [&] { layout = collectLanes(model, focus); };
        const double collect = timeMs(7, collectStep);
        if (profile == "collect")
            timeMs(300, collectStep);
        sampleFlame();
        // The same lanes from a summary built once per model (after the
        // load), as a focus change finds them: the user came from one of the
        // consumers, so it surfaces next to the group and its link leaves
        // the bundle.
        std::shared_ptr<const LanesSummary> summary;
        const double summarize = timeMs(3, [&] { summary = summarizeLanes(model, focus, LanesOptions{}); });
        LanesSummaryCache cache;
        cache.warm(model, LanesOptions{}, LanesSummaryCache::kMinLinks);
        // The same lanes as collected above (so the layout and paint below
        // are theirs too), and with a came-from consumer.
        const auto summaryStep = [&] { layout = collectLanes(model, focus, {}, &cache); };
        const double summaryCollect = timeMs(21, summaryStep);
        LanesOptions cameFrom;
        cameFrom.cameFrom = model.findTrace(traceId(100 + links / 3));
        const auto cameFromStep = [&] { layout = collectLanes(model, focus, cameFrom, &cache); };
        const double cameFromCollect = timeMs(21, cameFromStep);
        if (profile == "summary")
            timeMs(3000, cameFromStep);
        layout = collectLanes(model, focus);
        sampleFlame();
        LanesStyle style;
        LanesViewport view;
        const double lay = timeMs(7, [&] {
            layout.runsCache = {}; // as collected: the axis's runs not worked out yet
            view = initialViewport(model, layout, kWidth, style);
            layoutLanes(model, layout, kWidth, style, view.zoom, view.pan);
        });
        sampleFlame();
        // Zoom and pan frames: a new zoom and pan each time, the runs kept.
        int step = 0;
        const auto panStep = [&] {
            ++step;
            layoutLanes(model, layout, kWidth, style, view.zoom * (1 + 0.01 * (step % 5)), view.pan + 3.0 * step);
        };
        const double panLay = timeMs(21, panStep);
        if (profile == "layout")
            timeMs(2000, panStep);
        layoutLanes(model, layout, kWidth, style, view.zoom, view.pan);

        sampleFlame();
        QImage image(QSize(int(kWidth), int(std::ceil(layout.height))), QImage::Format_ARGB32_Premultiplied);
        const LanesColors colors = LanesColors::standard(false);
        LanesPaintState state;
        const QRectF all(0, 0, image.width(), image.height());
        // A first frame draws with nothing prepared (the flame geometry and
        // the headers' shaped text built too); a zoom or pan frame keeps the
        // headers' text (the titles' widths stay) and rebuilds the flame
        // geometry (the view moved).
        const auto paintFrame = [&](bool first) {
            if (first)
                layout.texts.reset();
            for (Lane &lane : layout.lanes) {
                if (lane.flame)
                    lane.flame->invalidate();
                if (first)
                    lane.header.reset();
            }
            QPainter p(&image);
            paintLanes(p, model, layout, colors, state, all);
            paintTimeAxis(p, layout, colors, 0);
        };
        const double paint = timeMs(21, [&] { paintFrame(true); });
        const double panPaint = timeMs(21, [&] { paintFrame(false); });
        if (profile == "paint")
            timeMs(2000, [&] { paintFrame(true); });
        sampleFlame();
        // The summary's first frame: its lanes (one more: the consumer the
        // user came from) laid out and painted the same way.
        LanesLayout fromSummary = collectLanes(model, focus, cameFrom, &cache);
        LanesViewport summaryView;
        const double summaryLay = timeMs(7, [&] {
            fromSummary.runsCache = {};
            summaryView = initialViewport(model, fromSummary, kWidth, style);
            layoutLanes(model, fromSummary, kWidth, style, summaryView.zoom, summaryView.pan);
        });
        QImage summaryImage(QSize(int(kWidth), int(std::ceil(fromSummary.height))), QImage::Format_ARGB32_Premultiplied);
        const auto cameFromPaint = [&] {
            fromSummary.texts.reset();
            for (Lane &lane : fromSummary.lanes) {
                if (lane.flame)
                    lane.flame->invalidate();
                lane.header.reset();
            }
            QPainter p(&summaryImage);
            paintLanes(p, model, fromSummary, colors, state, QRectF(summaryImage.rect()));
            paintTimeAxis(p, fromSummary, colors, 0);
        };
        const double summaryPaint = timeMs(21, cameFromPaint);
        if (profile == "camefrom")
            timeMs(2000, [&] {
                fromSummary = collectLanes(model, focus, cameFrom, &cache);
                summaryView = initialViewport(model, fromSummary, kWidth, style);
                layoutLanes(model, fromSummary, kWidth, style, summaryView.zoom, summaryView.pan);
                cameFromPaint();
            });
        sampleFlame();
        std::sort(flameTimes.begin(), flameTimes.end());
        const double flame = flameTimes[flameTimes.size() / 2];
        const double frame = collect + lay + paint;
        const double summaryFrame = summaryCollect + lay + paint;
        const double cameFromFrame = cameFromCollect + summaryLay + summaryPaint;
        const double panFrame = panLay + panPaint;

        // Mouse moves over the whole area, as the view hit-tests them.
        std::mt19937 rng(3);
        std::vector<QPointF> points;
        for (int i = 0; i < 2000; ++i)
            points.emplace_back(double(rng() % int(kWidth)), double(rng() % std::max(1, image.height())));
        size_t sink = 0;
        const double hover = timeMs(5, [&] {
            for (const QPointF &pt : points)
                sink += size_t(lanesHitTest(layout, pt).kind);
        }) * 1000.0 / double(points.size());

        std::printf("%-8u %9.3f %11.3f %10.3f %10.3f %9.3f %12.3f %7.2f %10.3f %7.2f %9.2f %6zu %6zu %9.1f %9.2f %8.1f "
                    "%10.3f %10.3f %7.2f %10.3f %11.3f %7.2f\n",
                    links, flame, collect, lay, panLay, paint, frame, frame / flame, panFrame, panFrame / flame, hover,
                    layout.lanes.size(), layout.edges.size(), modelMs, summarize, double(summaryMemory(*summary)) / 1e6,
                    summaryCollect, summaryFrame, summaryFrame / flame, cameFromCollect, cameFromFrame,
                    cameFromFrame / flame);
        if (std::getenv("CAUSEWAY_BENCH_SPLIT"))
            std::printf("  first frame paint %.3f ms, pan frame paint %.3f ms; came-from frame: layout %.3f ms, paint %.3f ms\n",
                        paint, panPaint, summaryLay, summaryPaint);
        membersListCost(model, layout, collect);
        if (!png.isEmpty()) {
            QPainter p(&image);
            paintLanes(p, model, layout, colors, state, all);
            paintTimeAxis(p, layout, colors, 0);
            p.end();
            image.save(png);
        }
        if (sink == 42)
            std::printf(" ");
    }
    return 0;
}
