// Flame graph painting cost: synthetic traces of 100k and 1M spans painted
// into a 1920x1080 image at fit-all and zoomed in, with the geometry cold
// (rebuilt every frame, as while zooming or panning) and warm (reused, as on
// hover and selection), against a naive baseline measured in the same run
// that fillRects every span of the trace.
//
// Run with QT_QPA_PLATFORM=offscreen. Options: --png-dir DIR saves rendered
// pictures of the widget; --spans N runs one size only; --frames N.

#include "core/modelbuilder.h"
#include "ui/flamegraph.h"
#include "ui/flamepainter.h"
#include "ui/palette.h"
#include "ui/session.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QImage>
#include <QPainter>
#include <QPalette>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace causeway;
using namespace causeway::ui;

namespace {

constexpr int kMaxDepth = 30;

// A trace shaped like a real request tree: a long root, fan-outs that narrow
// with depth, subtrees of uneven depth (up to 30 levels) and most spans short
// leaves near the bottom; siblings run one after another with gaps.
class TraceGenerator
{
public:
    TraceGenerator(Model &model, uint32_t seed)
        : m_model(model)
        , m_rng(seed)
    {
        for (const char *s : {"frontend", "checkout", "cart", "payment", "inventory", "shipping", "email",
                              "recommendation", "ad", "currency", "auth", "search"})
            m_services.push_back(model.strings.intern(s));
        for (const char *s : {"HTTP GET /api/cart", "SELECT orders", "redis GET", "grpc Charge", "publish order.created",
                              "render template", "serialize", "cache lookup", "validate", "compute shipping quote"})
            m_names.push_back(model.strings.intern(s));
    }

    void generate(size_t spans, uint64_t duration)
    {
        const uint32_t root = add(kNone, 0, duration, 0);
        node(root, 0, 0, duration, spans - 1, kMaxDepth - 1);
    }

private:
    uint32_t add(uint32_t parent, uint64_t start, uint64_t end, int depth)
    {
        SpanHot h;
        h.start = m_base + start;
        h.end = m_base + end;
        h.name = m_names[m_rng() % m_names.size()];
        // Services change along the tree like calls between services do.
        h.service = parent == kNone || m_rng() % 4 == 0 ? m_services[m_rng() % m_services.size()]
                                                        : m_model.hot[parent].service;
        h.status = m_rng() % 500 == 0 ? StatusCode::Error : StatusCode::Unset;
        SpanCold c;
        c.traceId.bytes[0] = 0xab;
        const uint64_t id = ++m_nextId;
        std::memcpy(c.spanId.bytes.data(), &id, 8);
        if (parent != kNone)
            c.parentSpanId = m_model.cold[parent].spanId;
        (void)depth;
        causeway::ModelBuilder build(m_model);
        build.beginSpan();
        return build.endSpan(h, c);
    }

    void node(uint32_t self, int depth, uint64_t start, uint64_t end, size_t budget, int levels)
    {
        if (budget == 0 || end - start < 2)
            return;
        size_t k;
        if (levels <= 1 || budget <= 3) {
            k = budget;
        } else {
            const double base = std::ceil(std::pow(double(budget), 1.0 / levels));
            k = std::clamp<size_t>(1 + m_rng() % size_t(2 * base + 1), 1, budget);
        }
        // Share the descendants unevenly among the children.
        std::vector<double> weight(k);
        std::exponential_distribution<double> exp(1.0);
        double sum = 0;
        for (auto &w : weight)
            sum += (w = exp(m_rng) + 1e-3);
        std::vector<size_t> share(k, 0);
        size_t rest = budget - k, given = 0;
        for (size_t i = 0; i < k; ++i)
            given += share[i] = size_t(double(rest) * weight[i] / sum);
        share[m_rng() % k] += rest - given;

        // Time: children fill 60-95% of the parent; larger subtrees take longer.
        const double fill = 0.6 + 0.35 * std::uniform_real_distribution<double>()(m_rng);
        std::vector<double> time(k);
        double timeSum = 0;
        for (size_t i = 0; i < k; ++i)
            timeSum += time[i] = (1.0 + double(share[i])) * (0.5 + std::uniform_real_distribution<double>()(m_rng));
        const double total = double(end - start);
        const double gap = total * (1 - fill) / double(k + 1);
        double t = double(start) + gap;
        for (size_t i = 0; i < k; ++i) {
            const double d = total * fill * time[i] / timeSum;
            const auto s = uint64_t(t), e = std::max(s + 1, uint64_t(t + d));
            const uint32_t child = add(self, s, std::min(e, end), depth + 1);
            // Some subtrees are shallower than others.
            const int childLevels = levels - 1 - (m_rng() % 5 == 0 ? int(m_rng() % 3) : 0);
            node(child, depth + 1, s, std::min(e, end), share[i], std::max(1, childLevels));
            t += d + gap;
        }
    }

    Model &m_model;
    std::mt19937 m_rng;
    std::vector<StringId> m_services;
    std::vector<StringId> m_names;
    uint64_t m_nextId = 0;
    const uint64_t m_base = 1'700'000'000'000'000'000ULL;
};

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// ms per frame (median) of `frame` over n runs, in CPU time of this thread:
// the machine is shared, and wall time would count other processes' turns.
double measure(int n, const std::function<void(int)> &frame)
{
    std::vector<double> ms;
    frame(0); // warm caches and allocations
    for (int i = 0; i < n; ++i) {
        const double start = threadCpuMs();
        frame(i);
        ms.push_back(threadCpuMs() - start);
    }
    return median(ms);
}

// The baseline: every span of the trace filled as its own rectangle.
void paintNaive(QPainter &p, const Model &model, const FlameRows &rows, const std::vector<QColor> &colorOf,
                const FlameView &view)
{
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(view.rect, Qt::white);
    const Trace &tr = model.traces[rows.trace()];
    const double scale = view.scale();
    for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k) {
        const SpanHot &h = model.hot[model.traceSpans[k]];
        const double x0 = view.rect.left() + double(int64_t(h.start - view.start)) * scale;
        const double x1 = view.rect.left() + double(int64_t(h.end - view.start)) * scale;
        p.fillRect(QRectF(x0, view.rowTop(h.depth), std::max(1.0, x1 - x0), view.boxHeight()), colorOf[h.service]);
    }
}

void run(size_t spans, int frames, const QString &pngDir)
{
    auto model = std::make_shared<Model>();
    QElapsedTimer timer;
    timer.start();
    TraceGenerator gen(*model, 42);
    gen.generate(spans, 10'000'000'000ULL); // a 10 s request
    model->finalize();
    const double genMs = double(timer.nsecsElapsed()) / 1e6;
    const Trace &tr = model->traces[0];

    timer.start();
    auto rows = std::make_shared<FlameRows>(*model, 0);
    const double rowsMs = double(timer.nsecsElapsed()) / 1e6;

    QImage image(1920, 1080, QImage::Format_ARGB32_Premultiplied);
    const FlameStyle style = FlameStyle::standard(false);
    FlamePainter painter(rows);

    FlameView fit;
    fit.rect = QRectF(0, 0, image.width(), image.height());
    fit.start = tr.start;
    fit.end = tr.end;
    fit.rowHeight = 18;
    FlameView zoom = fit; // 1% of the trace, in the middle
    zoom.start = tr.start + tr.duration() / 2;
    zoom.end = zoom.start + tr.duration() / 100;
    FlameView deep = fit; // 0.01%: labels everywhere
    deep.start = tr.start + tr.duration() / 3;
    deep.end = deep.start + tr.duration() / 10000;

    std::printf("\n== %zu spans, %u rows (trace built in %.0f ms, row index in %.1f ms) ==\n", model->spanCount(),
                unsigned(tr.maxDepth) + 1, genMs, rowsMs);
    std::printf("%-34s %10s %8s %8s %8s\n", "frame", "ms/frame", "boxes", "runs", "labels");

    QPainter p(&image);
    auto report = [&](const char *name, const FlameView &view, bool cold) {
        const double ms = measure(frames, [&](int) {
            if (cold)
                painter.invalidate();
            painter.paint(p, view, style);
        });
        const FlameGeometry &g = painter.geometry(view, style.font);
        std::printf("%-34s %10.3f %8zu %8zu %8zu\n", name, ms, g.boxCount, g.mergedRuns, g.labels.size());
        return ms;
    };
    const double fitCold = report("fit-all, geometry cold", fit, true);
    const double fitWarm = report("fit-all, geometry warm", fit, false);
    const double zoomCold = report("zoom 1%, geometry cold", zoom, true);
    report("zoom 1%, geometry warm", zoom, false);
    report("zoom 0.01%, geometry cold", deep, true);
    report("zoom 0.01%, geometry warm", deep, false);
    // Panning: the window moves a little every frame, so geometry is always new.
    const double panMs = measure(frames, [&](int i) {
        FlameView v = zoom;
        const uint64_t shift = tr.duration() / 2000 * uint64_t(i + 1);
        v.start -= shift;
        v.end -= shift;
        painter.paint(p, v, style);
    });
    std::printf("%-34s %10.3f\n", "pan at zoom 1% (new window/frame)", panMs);

    std::vector<QColor> colorOf(model->strings.size());
    for (StringId s : rows->services())
        colorOf[s] = serviceColor(model->str(s));
    const double naiveFit = measure(frames, [&](int) { paintNaive(p, *model, *rows, colorOf, fit); });
    const double naiveZoom = measure(frames, [&](int) { paintNaive(p, *model, *rows, colorOf, zoom); });
    std::printf("%-34s %10.3f\n", "baseline: naive fillRect, fit-all", naiveFit);
    std::printf("%-34s %10.3f\n", "baseline: naive fillRect, zoom 1%", naiveZoom);
    std::printf("ratio naive/painter: fit-all cold %.1fx, fit-all warm %.1fx, zoom 1%% cold %.1fx\n",
                naiveFit / fitCold, naiveFit / fitWarm, naiveZoom / zoomCold);
    const double target = spans >= 1'000'000 ? 8.0 : 2.0;
    std::printf("target %.0f ms/frame at this size: fit-all cold %s, zoom cold %s\n", target,
                fitCold <= target ? "met" : "MISSED", zoomCold <= target ? "met" : "MISSED");
    p.end();

    if (!pngDir.isEmpty()) {
        Session session;
        session.setModel(model);
        FlameGraphWidget widget(&session);
        widget.resize(1600, 720);
        if (!widget.painter().rows()) {
            // Very large traces are indexed on a worker thread.
            QEventLoop loop;
            QObject::connect(&widget, &FlameGraphWidget::rowsReady, &loop, &QEventLoop::quit);
            loop.exec();
        }
        const auto size = QString::number(spans);
        auto save = [&](const QString &name) {
            QImage shot(widget.size(), QImage::Format_ARGB32_Premultiplied);
            widget.render(&shot);
            shot.save(QDir(pngDir).filePath(name));
        };
        save(QStringLiteral("flame_%1_fit.png").arg(size));
        session.setVisibleRange(deep.start, deep.end);
        save(QStringLiteral("flame_%1_zoom.png").arg(size));

        // Dark palette, zoomed to 0.2%, a span selected and a few marked.
        QPalette dark;
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1f, 0x22));
        dark.setColor(QPalette::Window, QColor(0x1e, 0x1f, 0x22));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Highlight, QColor(0x4c, 0xa3, 0xff));
        widget.setPalette(dark);
        const uint64_t from = tr.start + tr.duration() / 3;
        session.setVisibleRange(from, from + tr.duration() / 500);
        std::vector<uint32_t> marked;
        uint32_t selected = kNone;
        for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k) {
            const SpanHot &h = model->hot[model->traceSpans[k]];
            if (h.start < from || h.end > from + tr.duration() / 500)
                continue;
            if (selected == kNone && h.depth == 7)
                selected = model->traceSpans[k];
            if (h.depth == 6 && marked.size() < 8)
                marked.push_back(model->traceSpans[k]);
        }
        session.select(selected);
        widget.setHighlightedSpans(marked);
        save(QStringLiteral("flame_%1_dark_selected.png").arg(size));
    }
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QString pngDir;
    std::vector<size_t> sizes = {100'000, 1'000'000};
    int frames = 30;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--png-dir") && i + 1 < argc)
            pngDir = QString::fromLocal8Bit(argv[++i]);
        else if (!std::strcmp(argv[i], "--spans") && i + 1 < argc)
            sizes = {size_t(std::stoull(argv[++i]))};
        else if (!std::strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = std::max(1, std::atoi(argv[++i]));
    }
    std::printf("bench_flame_paint: 1920x1080 QImage, row height 18, median of %d frames, thread CPU time\n",
                frames);
    for (size_t n : sizes)
        run(n, frames, pngDir);
    return 0;
}
