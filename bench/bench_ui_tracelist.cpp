// The trace list at scale: what happens when a large model arrives (the
// list is reset while sorted by start), when a column header is clicked
// (sorting by each column, both ways), when the filter is typed into, and
// when a page of rows is drawn (scrolling). A list this long is sorted on a
// worker: each line gives the time until the result is shown ("done"), the
// GUI thread's share of it (asking, then showing the result: the longest
// the window does not answer), and the same work done wholly on the calling
// thread ("inline", the proxy's asyncRows raised above the row count).
// Reported as ratios against a baseline measured in the same run:
// std::sort of (start, trace) pairs for every trace, the least work any
// sort of the list can do.
//
//   bench_ui_tracelist [FILE] [--traces N] [--repeats N]
//
// With FILE, the file is loaded (causeway::loadFiles); without, a model of N
// traces (default 365,000) of 16 spans each is built in memory, the trace
// count of a 5 GB gen_otlp file. Run with QT_QPA_PLATFORM=offscreen.

#include "benchutil.h"
#include "core/load.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"

#include "tests/common/modelbuilder.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QGuiApplication>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

using namespace causeway;
using namespace causeway::ui;
using causeway::bench::medianMs;
using causeway::test::TestModelBuilder;

namespace {

std::shared_ptr<const Model> build(uint32_t traces)
{
    TestModelBuilder b("checkout-api");
    std::vector<std::string> names;
    for (int i = 0; i < 400; ++i)
        names.push_back("GET /api/v1/Inventory/Item" + std::to_string(i) + "/availability");
    constexpr uint64_t ms = 1'000'000;
    uint64_t x = 88172645463325252ull; // xorshift: deterministic names and times
    for (uint32_t t = 0; t < traces; ++t) {
        for (uint32_t s = 1; s <= 16; ++s) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            b.add({.trace = t + 1, .span = s, .parent = s == 1 ? 0u : 1u, .start = (x % (uint64_t(traces) * ms)) + s,
                   .duration = 1000 + x % 100000, .name = names[x % names.size()],
                   .status = x % 37 == 0 ? StatusCode::Error : StatusCode::Unset});
        }
    }
    return std::make_shared<const Model>(b.finish());
}

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QGuiApplication app(argc, argv);
    std::string file;
    uint32_t traceCount = 365'000;
    int repeats = 3;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--traces") && i + 1 < argc)
            traceCount = uint32_t(std::strtoul(argv[++i], nullptr, 10));
        else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc)
            repeats = std::max(1, std::atoi(argv[++i]));
        else
            file = argv[i];
    }

    const auto b0 = std::chrono::steady_clock::now();
    std::shared_ptr<const Model> model;
    if (file.empty()) {
        model = build(traceCount);
    } else {
        auto loaded = std::make_shared<Model>();
        const LoadResult r = loadFiles({file}, *loaded, LoadOptions{});
        if (!r.ok) {
            std::fprintf(stderr, "bench_ui_tracelist: %s\n", r.error.text().c_str());
            return 1;
        }
        model = std::move(loaded);
    }
    std::printf("model: %zu traces, %zu spans (%s in %.0f ms); %d repeats, medians\n", model->traces.size(),
                model->spanCount(), file.empty() ? "built" : "loaded", msSince(b0), repeats);

    const double baseline = medianMs(repeats, [&] {
        std::vector<std::pair<uint64_t, uint32_t>> keys(model->traces.size());
        for (uint32_t t = 0; t < keys.size(); ++t)
            keys[t] = {model->traces[t].start, t};
        std::sort(keys.begin(), keys.end());
        return uint64_t(keys.front().second);
    });
    std::printf("baseline: std::sort of (start, trace) for every trace  %9.1f ms\n", baseline);

    TraceListModel list;
    TraceFilterProxy proxy;
    proxy.setSourceModel(&list);
    proxy.sort(TraceListModel::Start, Qt::AscendingOrder); // as the panel starts
    // The GUI thread's time in the proxy's signals that show a result.
    QElapsedTimer showing;
    double shownMs = 0;
    auto startShow = [&] { showing.start(); };
    auto endShow = [&] { shownMs += double(showing.nsecsElapsed()) / 1e6; };
    QObject::connect(&proxy, &QAbstractItemModel::layoutAboutToBeChanged, startShow);
    QObject::connect(&proxy, &QAbstractItemModel::layoutChanged, endShow);
    QObject::connect(&proxy, &QAbstractItemModel::modelAboutToBeReset, startShow);
    QObject::connect(&proxy, &QAbstractItemModel::modelReset, endShow);
    auto settle = [&] {
        while (proxy.isBusy())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    };
    struct Times { double done, gui, inlined; };
    // Medians of `work` after `setup` (neither timed), worker and inline.
    auto timed = [&](const std::function<void()> &setup, const std::function<void()> &work) {
        std::vector<double> done, gui, inlined;
        for (int r = 0; r < repeats; ++r) {
            proxy.setAsyncRows(TraceFilterProxy::kAsyncRows);
            setup();
            settle();
            shownMs = 0;
            const auto t0 = std::chrono::steady_clock::now();
            work();
            const double asking = msSince(t0);
            settle();
            done.push_back(msSince(t0));
            gui.push_back(asking + shownMs);
            proxy.setAsyncRows(std::numeric_limits<int>::max());
            setup();
            const auto t1 = std::chrono::steady_clock::now();
            work();
            inlined.push_back(msSince(t1));
        }
        for (auto *v : {&done, &gui, &inlined})
            std::sort(v->begin(), v->end());
        return Times{done[done.size() / 2], gui[gui.size() / 2], inlined[inlined.size() / 2]};
    };
    std::printf("%-44s %9s %9s %9s   (x baseline: done, GUI thread, inline)\n", "", "done ms", "GUI ms", "inline ms");
    auto report = [&](const std::string &what, Times t) {
        std::printf("%-44s %9.1f %9.1f %9.1f   %5.2fx %5.2fx %5.2fx\n", what.c_str(), t.done, t.gui, t.inlined,
                    t.done / baseline, t.gui / baseline, t.inlined / baseline);
    };
    report("reset with a new model (sorted by start)",
           timed([&] { list.setModel(nullptr); }, [&] { list.setModel(model); }));
    const char *names[] = {"root span", "services", "start", "duration", "spans", "errors", "links out", "links in"};
    for (int column = 0; column < TraceListModel::ColumnCount; ++column)
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder})
            report(std::string("sort by ") + names[column] + (order == Qt::AscendingOrder ? ", ascending" : ", descending"),
                   timed([&] { proxy.sort(column == TraceListModel::Start ? TraceListModel::Spans : TraceListModel::Start); },
                         [&] { proxy.sort(column, order); }));
    proxy.sort(TraceListModel::Start, Qt::AscendingOrder);
    settle();
    report("filter \"item17/\" (typed into the filter)",
           timed([&] { proxy.setText(QString()); }, [&] { proxy.setText(QStringLiteral("item17/")); }));
    proxy.setText(QString());
    settle();
    report("only traces with links", timed([&] { proxy.setOnlyLinked(false); }, [&] { proxy.setOnlyLinked(true); }));
    proxy.setOnlyLinked(false);
    settle();
    // Typing a word letter by letter: each letter cancels the previous filter.
    report("filter typed letter by letter (\"item17/\")", timed([&] { proxy.setText(QString()); }, [&] {
               const QString word = QStringLiteral("item17/");
               for (qsizetype n = 1; n <= word.size(); ++n)
                   proxy.setText(word.left(n));
           }));
    proxy.setText(QString());
    settle();
    // A page of 40 rows as the view draws it, at 100 places down the list.
    const double pageMs = medianMs(repeats, [&] {
        uint64_t n = 0;
        const int rows = proxy.rowCount();
        for (int page = 0; page < 100; ++page)
            for (int r = page * (rows / 100); r < std::min(rows, page * (rows / 100) + 40); ++r)
                for (int c = 0; c < TraceListModel::ColumnCount; ++c)
                    n += uint64_t(proxy.index(r, c).data().toString().size());
        return n;
    });
    std::printf("%-44s %9.1f ms (%.2fx the baseline)\n", "100 pages of 40 rows drawn (scrolling)", pageMs, pageMs / baseline);
    return 0;
}
