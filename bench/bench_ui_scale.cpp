// The whole window on a large file: how long until it is usable after
// launch, then what the user waits for on each step with the model loaded:
// flame graph and lanes frames while zooming and panning (the key press
// handled and the frame painted, synchronously), a search, the trace list
// sorted by a header and filtered by typed text, and the resident memory.
// The longest stall of the GUI thread in each step is measured by a 5 ms
// heartbeat timer (what the user sees as a frozen window), besides the
// time until the step's result is shown.
//
//   bench_ui_scale FILE [--shots DIR] [--hold SECONDS]
//
// Run under Xvfb (1600x1000) or with QT_QPA_PLATFORM=offscreen. --shots
// saves the window after each step; --hold keeps it open at the end, for
// screenshots of the screen.

#include "core/allocator.h"
#include "ui/chaintimingstrip.h"
#include "ui/flamegraph.h"
#include "ui/lanesview.h"
#include "ui/mainwindow.h"
#include "ui/searchpanel.h"
#include "ui/session.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QWheelEvent>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

using namespace causeway;
using namespace causeway::ui;

namespace {

QElapsedTimer g_clock;
double nowMs()
{
    return double(g_clock.nsecsElapsed()) / 1e6;
}

// The GUI thread's time on a core and waiting for one (Linux schedstat, ms).
struct ThreadTimes
{
    double run = 0, wait = 0;
};
ThreadTimes threadTimes()
{
    ThreadTimes t;
    if (FILE *f = std::fopen("/proc/thread-self/schedstat", "r")) {
        unsigned long long run = 0, wait = 0;
        if (std::fscanf(f, "%llu %llu", &run, &wait) == 2)
            t = {double(run) / 1e6, double(wait) / 1e6};
        std::fclose(f);
    }
    return t;
}

// The longest time between two turns of the event loop since reset(), and
// the turns later than 100 ms: how many, and how much of that time the GUI
// thread ran and how much it waited for a core (the rest it slept: a lock,
// I/O). A stall that is mostly waiting is the machine's (or our workers')
// load, not the GUI thread's work.
class Heartbeat : public QObject
{
public:
    Heartbeat()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            const double t = nowMs();
            const ThreadTimes times = threadTimes();
            m_longest = std::max(m_longest, t - m_last);
            if (t - m_last > 100) {
                ++m_stalls;
                m_stalled += t - m_last;
                m_stalledRun += times.run - m_times.run;
                m_stalledWait += times.wait - m_times.wait;
            }
            m_last = t;
            m_times = times;
        });
        m_timer.start();
    }
    void reset()
    {
        m_last = nowMs();
        m_times = threadTimes();
        m_longest = 0;
        m_stalls = 0;
        m_stalled = m_stalledRun = m_stalledWait = 0;
    }
    double longest() const { return std::max(m_longest, nowMs() - m_last); }
    std::string stalls() const
    {
        char text[160];
        std::snprintf(text, sizeof text, "%d turns > 100 ms, %.0f ms in all: GUI thread ran %.0f ms, waited for a core %.0f ms",
                      m_stalls, m_stalled, m_stalledRun, m_stalledWait);
        return text;
    }

private:
    QTimer m_timer;
    double m_last = 0, m_longest = 0;
    ThreadTimes m_times;
    int m_stalls = 0;
    double m_stalled = 0, m_stalledRun = 0, m_stalledWait = 0;
};

void spinUntil(const std::function<bool()> &done, double timeoutMs = 600'000)
{
    const double end = nowMs() + timeoutMs;
    while (!done() && nowMs() < end)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
}

void spinFor(double ms)
{
    spinUntil([] { return false; }, ms);
}

std::string rss()
{
    QFile status(QStringLiteral("/proc/self/status"));
    std::string out;
    if (status.open(QIODevice::ReadOnly))
        for (const QByteArray &line : status.readAll().split('\n'))
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM"))
                out += line.simplified().toStdString() + "  ";
    return out;
}

struct Stats
{
    double median, p95, max;
};
Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

// Ctrl+wheel (zoom) or a horizontal wheel (pan) in the middle of `w`.
void wheel(QWidget *w, QPoint angle, Qt::KeyboardModifiers mods)
{
    const QPointF at(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent event(at, w->mapToGlobal(at), QPoint(), angle, Qt::NoButton, mods, Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &event);
}

void key(QWidget *w, int k, Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    QKeyEvent press(QEvent::KeyPress, k, mods);
    QApplication::sendEvent(w, &press);
    QKeyEvent release(QEvent::KeyRelease, k, mods);
    QApplication::sendEvent(w, &release);
}

} // namespace

int main(int argc, char **argv)
{
    causeway::applyAllocatorPolicy(); // as the causeway executable does
    g_clock.start();
    QApplication app(argc, argv);
    QString file, shots;
    double hold = 0;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--shots") && i + 1 < argc)
            shots = QString::fromLocal8Bit(argv[++i]);
        else if (!std::strcmp(argv[i], "--hold") && i + 1 < argc)
            hold = std::atof(argv[++i]);
        else
            file = QString::fromLocal8Bit(argv[i]);
    }
    if (file.isEmpty()) {
        std::fprintf(stderr, "usage: bench_ui_scale FILE [--shots DIR] [--hold SECONDS]\n");
        return 2;
    }
    MainWindow w;
    w.resize(1600, 1000);
    w.openFiles({file});
    w.show();
    Heartbeat beat;
    beat.reset();
    auto shot = [&](const char *name) {
        if (!shots.isEmpty())
            w.grab().save(shots + QLatin1Char('/') + QLatin1String(name) + QStringLiteral(".png"));
    };
    bool loaded = false;
    QObject::connect(&w, &MainWindow::loadFinished, [&](bool ok) { loaded = ok; });
    spinUntil([&] { return loaded; });
    const double titled = nowMs();
    std::printf("during the load: %s\n", beat.stalls().c_str());
    beat.reset();
    TraceFilterProxy *proxy = w.traceList()->proxy();
    spinUntil([&] { return !proxy->isBusy() && !w.lanes()->collecting(); });
    const double usable = nowMs();
    const Model &model = *w.session()->model();
    std::printf("model: %zu traces, %zu spans, %zu links\n", model.traces.size(), model.spanCount(), model.links.size());
    std::printf("launch to loaded (title names the file)   %9.0f ms\n", titled);
    std::printf("launch to trace list sorted, lanes shown  %9.0f ms (longest stall after the load %.0f ms)\n", usable,
                beat.longest());
    std::printf("after the load until usable: %s\n", beat.stalls().c_str());
    std::printf("memory after load: %s\n", rss().c_str());
    spinFor(500);
    shot("loaded");

    // Frames: one key press handled and the frame painted, as while zooming and panning.
    auto frames = [&](const char *what, QWidget *target, QWidget *painted, const std::vector<int> &keys) {
        std::vector<double> times;
        beat.reset();
        for (int round = 0; round < 4; ++round)
            for (int k : keys) {
                const double t0 = nowMs();
                key(target, k);
                painted->repaint();
                times.push_back(nowMs() - t0);
                QCoreApplication::processEvents();
            }
        const Stats s = stats(times);
        std::printf("%-42s median %6.1f ms  p95 %6.1f  max %6.1f  (%zu frames)  %s\n", what, s.median, s.p95, s.max,
                    times.size(), rss().c_str());
    };
    // The chain timing strip under the flame graph: the focus trace's chain
    // downstream, one bar across the window. Its first paint at a size goes
    // over every hop; repaints (the window exposed, a tooltip) do not.
    {
        ChainTimingStrip *strip = w.chainTiming();
        spinUntil([&] { return !strip->isComputing(); });
        strip->resize(strip->width() - 1, strip->height());
        const double first0 = nowMs();
        strip->repaint();
        std::printf("%-42s %6.1f ms\n", "chain timing strip first paint at a width", nowMs() - first0);
        std::vector<double> times;
        for (int i = 0; i < 20; ++i) {
            const double t0 = nowMs();
            strip->repaint();
            times.push_back(nowMs() - t0);
        }
        const Stats s = stats(times);
        std::printf("%-42s median %6.1f ms  p95 %6.1f  max %6.1f  (%zu hops, %d px)\n", "chain timing strip repaint",
                    s.median, s.p95, s.max, strip->timing().hops.size(), strip->width());
        // The Hops table: one row per trace in the chain.
        const double table0 = nowMs();
        strip->setTableShown(true);
        const double filled = nowMs() - table0;
        spinFor(50);
        const double shown0 = nowMs();
        strip->table()->repaint();
        std::printf("%-42s %6.1f ms, then painted in %.1f ms (%zu rows)\n", "chain timing hops table filled",
                    filled, nowMs() - shown0, strip->timing().hops.size());
        strip->setTableShown(false);
    }
    w.showView(MainWindow::View::Flame);
    spinFor(300);
    FlameGraphWidget *flame = w.flameGraph();
    std::printf("focus trace: %u spans\n", model.traces[w.session()->focusTrace()].spans.count);
    frames("flame graph zoom in/out (+ -)", flame, flame,
           {Qt::Key_Plus, Qt::Key_Plus, Qt::Key_Plus, Qt::Key_Minus, Qt::Key_Minus, Qt::Key_Minus});
    frames("flame graph pan (A D)", flame, flame, {Qt::Key_Plus, Qt::Key_D, Qt::Key_D, Qt::Key_A, Qt::Key_A, Qt::Key_Minus});
    shot("flame");
    w.showView(MainWindow::View::Lanes);
    spinUntil([&] { return !w.lanes()->collecting(); });
    spinFor(300);
    QWidget *canvas = w.lanes()->canvas();
    // Lanes: Ctrl+wheel zooms, a horizontal wheel pans (+ and - change the link hops).
    auto wheelFrames = [&](const char *what, const std::vector<std::pair<QPoint, Qt::KeyboardModifiers>> &steps) {
        std::vector<double> times;
        for (int round = 0; round < 4; ++round)
            for (const auto &[angle, mods] : steps) {
                const double t0 = nowMs();
                wheel(canvas, angle, mods);
                canvas->repaint();
                times.push_back(nowMs() - t0);
                QCoreApplication::processEvents();
            }
        const Stats s = stats(times);
        std::printf("%-42s median %6.1f ms  p95 %6.1f  max %6.1f  (%zu frames)  %s\n", what, s.median, s.p95, s.max,
                    times.size(), rss().c_str());
    };
    const QPoint in(0, 480), out(0, -480), left(240, 0), right(-240, 0);
    wheelFrames("lanes zoom in/out (Ctrl+wheel)", {{in, Qt::ControlModifier}, {in, Qt::ControlModifier}, {in, Qt::ControlModifier},
                                                   {out, Qt::ControlModifier}, {out, Qt::ControlModifier}, {out, Qt::ControlModifier}});
    wheelFrames("lanes pan (horizontal wheel)", {{in, Qt::ControlModifier}, {right, Qt::NoModifier}, {right, Qt::NoModifier},
                                                 {left, Qt::NoModifier}, {left, Qt::NoModifier}, {out, Qt::ControlModifier}});
    // Link hops 1 -> 2 -> 1: the lanes collected again (off the GUI thread when large).
    for (int depth : {2, 1}) {
        beat.reset();
        const double t0 = nowMs();
        w.lanes()->setDepth(depth);
        const double asked = nowMs() - t0;
        spinUntil([&] { return !w.lanes()->collecting(); });
        canvas->repaint();
        std::printf("lanes at link hops %d: shown in %6.0f ms (GUI thread asking %.1f ms, longest stall %.0f ms)  %s\n", depth,
                    nowMs() - t0, asked, beat.longest(), rss().c_str());
    }
    shot("lanes");

    // Search: the text set, searched at once; until the matches are shown.
    SearchPanel *search = w.searchPanel();
    search->openBar();
    for (const QString &text : {QStringLiteral("orders"), QStringLiteral("Item17/")}) {
        beat.reset();
        const double t0 = nowMs();
        search->lineEdit()->setText(text);
        search->search();
        const double asked = nowMs() - t0;
        spinUntil([&] { return !search->isSearching(); });
        std::printf("search \"%s\": %zu matches in %6.0f ms (GUI thread asking %.1f ms, longest stall %.0f ms)  %s\n",
                    qPrintable(text), search->matches().size(), nowMs() - t0, asked, beat.longest(), rss().c_str());
    }
    spinFor(300);
    shot("search");
    search->closeBar();

    // The trace list: header clicks, then a filter typed letter by letter.
    QTableView *view = w.traceList()->view();
    std::printf("trace list: %d rows\n", proxy->rowCount());
    const char *names[] = {"root span", "services", "start", "duration", "spans", "errors", "links out", "links in"};
    for (int column : {int(TraceListModel::RootSpan), int(TraceListModel::Duration), int(TraceListModel::Spans),
                       int(TraceListModel::Start)})
        for (Qt::SortOrder order : {Qt::DescendingOrder, Qt::AscendingOrder}) {
            beat.reset();
            const double t0 = nowMs();
            view->horizontalHeader()->setSortIndicator(column, order); // what a header click does
            const double asked = nowMs() - t0;
            spinUntil([&] { return !proxy->isBusy(); });
            const double done = nowMs() - t0;
            spinFor(50); // the view's repaint after the new order
            std::printf("sort by %-10s %-4s shown in %6.0f ms (GUI thread asking %.1f ms, longest stall %.0f ms)\n",
                        names[column], order == Qt::AscendingOrder ? "asc" : "desc", done, asked, beat.longest());
        }
    shot("sorted");
    for (const QString &text : {QStringLiteral("orders"), QStringLiteral("item17/")}) {
        w.traceList()->filterEdit()->clear();
        spinUntil([&] { return !proxy->isBusy(); });
        beat.reset();
        const double t0 = nowMs();
        double typing = 0;
        for (qsizetype n = 1; n <= text.size(); ++n) {
            const double k0 = nowMs();
            w.traceList()->filterEdit()->setText(text.left(n));
            typing = std::max(typing, nowMs() - k0);
            spinFor(60); // typing speed
        }
        spinUntil([&] { return !proxy->isBusy(); });
        std::printf("filter \"%s\" typed: %d rows, shown %6.0f ms after the last letter (longest letter %.1f ms, "
                    "longest stall %.0f ms)\n",
                    qPrintable(text), proxy->rowCount(), nowMs() - t0 - 60.0 * double(text.size() - 1), typing,
                    beat.longest());
    }
    spinFor(300);
    shot("filtered");
    std::printf("since the last step began: %s\n", beat.stalls().c_str());
    std::printf("memory at the end: %s\n", rss().c_str());
    std::fflush(stdout);
    if (hold > 0)
        spinFor(hold * 1000);
    return 0;
}
