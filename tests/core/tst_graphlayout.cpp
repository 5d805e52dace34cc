// Graph layout: geometry invariants, DOT output, the async API under load,
// and big fan-outs collapsed before they reach Graphviz.

#include "core/layout/graphlayout.h"
#include "core/linkgraph.h"

#include "common/modelbuilder.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <thread>

#include <unistd.h>

using namespace causeway;

// Graphviz's text layout plugin caches fonts (fontconfig, pango, glib) and
// its plugin configuration for the life of the process: LeakSanitizer (the
// asan preset) would report those once-per-process allocations as leaks.
// Graph and layout memory of ours is not covered by these. Graphviz has no
// frame pointers: full unwinding lets "gvconfig" match.
extern "C" const char *__asan_default_options()
{
    return "fast_unwind_on_malloc=0";
}

extern "C" const char *__lsan_default_suppressions()
{
    return "leak:libfontconfig.so\nleak:libpango\nleak:libgvplugin_pango\nleak:libglib-2.0.so\nleak:gvconfig\n";
}

namespace {

LayoutRequest smallGraph()
{
    // producer -> two consumers, one of them feeding a batch; plus a retry chain.
    LayoutRequest r;
    const char *names[] = {"producer", "consumer-a", "consumer-b", "batch", "attempt-1", "attempt-2"};
    for (int i = 0; i < 6; ++i)
        r.nodes.push_back({names[i], std::string(names[i]) + "\nservice", 110.0 + 10 * i, 40});
    r.edges = {{0, 1, "1 link · 3 ms"}, {0, 2, "2 links · 5 ms"}, {1, 3, ""}, {2, 3, "1 link · 1 s"}, {4, 5, "retry"}};
    return r;
}

bool overlaps(const LayoutBox &a, const LayoutBox &b)
{
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// Distance from p to the border of box (0 on it; positive outside or inside).
double distanceToBorder(const LayoutBox &box, LayoutPoint p)
{
    const double dx = std::max({box.x - p.x, 0.0, p.x - (box.x + box.width)});
    const double dy = std::max({box.y - p.y, 0.0, p.y - (box.y + box.height)});
    if (dx > 0 || dy > 0)
        return std::hypot(dx, dy);
    return std::min({p.x - box.x, box.x + box.width - p.x, p.y - box.y, box.y + box.height - p.y});
}

void checkGeometry(const LayoutRequest &request, const LayoutResult &result)
{
    QVERIFY2(result.ok, result.error.c_str());
    QCOMPARE(result.nodes.size(), request.nodes.size());
    QCOMPARE(result.edges.size(), request.edges.size());
    for (size_t i = 0; i < result.nodes.size(); ++i) {
        const LayoutBox &b = result.nodes[i];
        // Sizes come back as asked (fixed size boxes), inside the bounding box.
        QVERIFY(std::abs(b.width - request.nodes[i].width) < 1.0);
        QVERIFY(std::abs(b.height - request.nodes[i].height) < 1.0);
        QVERIFY(b.x >= -1 && b.y >= -1);
        QVERIFY(b.x + b.width <= result.width + 1 && b.y + b.height <= result.height + 1);
        for (size_t j = i + 1; j < result.nodes.size(); ++j)
            QVERIFY2(!overlaps(b, result.nodes[j]), qPrintable(QStringLiteral("nodes %1 and %2 overlap").arg(i).arg(j)));
    }
    for (size_t i = 0; i < result.edges.size(); ++i) {
        const LayoutEdgePath &e = result.edges[i];
        QVERIFY(e.points.size() >= 4);
        QCOMPARE((e.points.size() - 1) % 3, size_t(0));
        QVERIFY(e.hasArrow);
        const LayoutBox &tail = result.nodes[request.edges[i].from];
        const LayoutBox &head = result.nodes[request.edges[i].to];
        // The curve leaves the tail's border and the arrow touches the head's.
        QVERIFY2(distanceToBorder(tail, e.points.front()) < 3,
                 qPrintable(QStringLiteral("edge %1 starts %2 pt from its tail").arg(i).arg(distanceToBorder(tail, e.points.front()))));
        QVERIFY2(distanceToBorder(head, e.arrowTip) < 3,
                 qPrintable(QStringLiteral("edge %1 ends %2 pt from its head").arg(i).arg(distanceToBorder(head, e.arrowTip))));
        // The arrow's base is where the curve ends, a short way before the tip.
        const double arrow = std::hypot(e.arrowTip.x - e.points.back().x, e.arrowTip.y - e.points.back().y);
        QVERIFY(arrow > 1 && arrow < 20);
        QCOMPARE(e.hasLabel, !request.edges[i].label.empty());
        if (e.hasLabel) {
            QVERIFY(e.labelWidth > 10 && e.labelHeight > 5);
            QVERIFY(e.labelCentre.x >= 0 && e.labelCentre.x <= result.width);
            QVERIFY(e.labelCentre.y >= 0 && e.labelCentre.y <= result.height);
        }
    }
}

LayoutRequest chainRequest(uint32_t n)
{
    LayoutRequest r;
    for (uint32_t i = 0; i < n; ++i) {
        // Formatted by hand: GCC 12 warns falsely (-Wrestrict) on "t" + std::to_string(i).
        char id[16], label[24];
        std::snprintf(id, sizeof id, "t%u", i);
        std::snprintf(label, sizeof label, "trace %u", i);
        r.nodes.push_back({id, label, 100, 40});
    }
    for (uint32_t i = 0; i + 1 < n; ++i)
        r.edges.push_back({i, i + 1, "1 link"});
    return r;
}

} // namespace

class TestGraphLayout : public QObject
{
    Q_OBJECT

private slots:
    void dotSmallGraph()
    {
        const LayoutRequest request = smallGraph();
        const LayoutResult result = layoutGraph(request);
        QCOMPARE(result.engine, std::string("dot"));
        checkGeometry(request, result);
        // Left to right: every edge's cause sits left of its effect.
        for (const auto &e : request.edges)
            QVERIFY(result.nodes[e.from].centre().x < result.nodes[e.to].centre().x);
    }

    void sfdpSmallGraph()
    {
        LayoutRequest request = smallGraph();
        request.engine = LayoutEngine::Sfdp;
        const LayoutResult result = layoutGraph(request);
        QCOMPARE(result.engine, std::string("sfdp"));
        checkGeometry(request, result);
    }

    void autoEngineSwitchesBySize()
    {
        LayoutRequest request = chainRequest(30);
        QCOMPARE(chooseEngine(request), LayoutEngine::Dot);
        request.dotNodeLimit = 20;
        QCOMPARE(chooseEngine(request), LayoutEngine::Sfdp);
        const LayoutResult result = layoutGraph(request);
        QCOMPARE(result.engine, std::string("sfdp"));
        checkGeometry(request, result);
    }

    void emptyAndSingle()
    {
        LayoutResult empty = layoutGraph({});
        QVERIFY(empty.ok);
        QVERIFY(empty.nodes.empty());

        LayoutRequest one;
        one.nodes.push_back({"only", "only", 120, 50});
        const LayoutResult result = layoutGraph(one);
        checkGeometry(one, result);
        QVERIFY(std::abs(result.width - 120) < 2 && std::abs(result.height - 50) < 2);
    }

    void badEdgeIsAnError()
    {
        LayoutRequest request = smallGraph();
        request.edges.push_back({0, 99, ""});
        const LayoutResult result = layoutGraph(request);
        QVERIFY(!result.ok);
        QVERIFY(result.error.find("edge 5") != std::string::npos);
    }

    void duplicateIdsStillLayOut()
    {
        LayoutRequest request = smallGraph();
        for (auto &n : request.nodes)
            n.id = "same";
        checkGeometry(request, layoutGraph(request));
    }

    void messagesAreCapturedNotPrinted()
    {
        // Graphviz warns about this label; the warning must land in the result, not on stderr.
        LayoutRequest request = smallGraph();
        request.edges[0].label = "bad \xff\xfe utf-8";
        QTemporaryFile sink;
        QVERIFY(sink.open());
        std::fflush(stderr);
        const int saved = dup(2);
        dup2(sink.handle(), 2);
        const LayoutResult result = layoutGraph(request);
        std::fflush(stderr);
        dup2(saved, 2);
        close(saved);
        QVERIFY2(result.ok, result.error.c_str());
        QVERIFY(!result.warnings.empty());
        QVERIFY(result.warnings.front().find("UTF8") != std::string::npos);
        QCOMPARE(QFileInfo(sink.fileName()).size(), qint64(0));
    }

    void dotSource()
    {
        LayoutRequest request = smallGraph();
        request.nodes[3].label = "batch \"nightly\" C:\\jobs\nline 2";
        const std::string dot = toDot(request);
        QVERIFY(dot.rfind("digraph", 0) == 0);
        for (const auto &n : request.nodes)
            QVERIFY2(dot.find('"' + n.id + '"') != std::string::npos || dot.find(n.id + ' ') != std::string::npos
                         || dot.find(n.id + '\t') != std::string::npos,
                     n.id.c_str());
        QVERIFY(dot.find("rankdir=LR") != std::string::npos);
        QVERIFY(dot.find("2 links · 5 ms") != std::string::npos);
        QVERIFY(dot.find("dotted") != std::string::npos);
        // Quotes escaped for DOT, backslashes kept literal, line breaks as \n.
        QVERIFY(dot.find("batch \\\"nightly\\\" C:\\\\jobs\\nline 2") != std::string::npos);
        QVERIFY(dot.find("consumer-a\\nservice") != std::string::npos);
    }

    void dotSourceRoundTripsThroughGraphviz()
    {
        // The file we write must be one `dot` itself accepts.
        const std::string dot = toDot(smallGraph());
        QTemporaryDir dir;
        QFile file(dir.filePath(QStringLiteral("g.dot")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(dot.data(), qint64(dot.size()));
        file.close();
        QProcess proc;
        proc.start(QStringLiteral("dot"), {QStringLiteral("-Tplain"), file.fileName()});
        if (!proc.waitForStarted())
            QSKIP("the dot program is not installed");
        QVERIFY(proc.waitForFinished(30000));
        QCOMPARE(proc.exitCode(), 0);
        const QByteArray plain = proc.readAllStandardOutput();
        QCOMPARE(plain.count("\nnode "), 6);
        QCOMPARE(plain.count("\nedge "), 5);
    }

    void asyncDeliversNewest()
    {
        AsyncLayout async;
        std::mutex m;
        std::vector<uint64_t> got;
        auto cb = [&](uint64_t gen, LayoutResult result) {
            QVERIFY(result.ok);
            std::lock_guard lock(m);
            got.push_back(gen);
        };
        // A slow request, then five quick ones: only the last may be delivered
        // (the first may still run, but its result is dropped).
        const uint64_t first = async.submit(chainRequest(400), cb);
        uint64_t last = 0;
        for (int i = 0; i < 5; ++i)
            last = async.submit(smallGraph(), cb);
        async.waitIdle();
        QCOMPARE(last, first + 5);
        QCOMPARE(got, std::vector<uint64_t>{last});
        QCOMPARE(async.delivered(), uint64_t(1));
        QCOMPARE(async.delivered() + async.skipped() + async.dropped(), uint64_t(6));
    }

    void asyncCancel()
    {
        AsyncLayout async;
        std::atomic<int> calls = 0;
        async.submit(chainRequest(200), [&](uint64_t, LayoutResult) { ++calls; });
        async.cancel();
        async.waitIdle();
        QCOMPARE(calls.load(), 0);
        QCOMPARE(async.skipped() + async.dropped(), uint64_t(1));
        // Still usable afterwards.
        async.submit(smallGraph(), [&](uint64_t, LayoutResult r) { calls += r.ok; });
        async.waitIdle();
        QCOMPARE(calls.load(), 1);
    }

    void concurrentRequests()
    {
        // Several threads submit to two async layouts while two more lay out
        // synchronously: Graphviz sees one caller at a time, nothing crashes,
        // every request is delivered or superseded.
        AsyncLayout a, b;
        std::atomic<int> failures = 0, deliveredA = 0, deliveredB = 0, syncDone = 0;
        std::atomic<uint64_t> lastA = 0, lastB = 0;
        constexpr int kThreads = 4, kPerThread = 25;
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < kPerThread; ++i) {
                    AsyncLayout &target = (i + t) % 2 ? a : b;
                    auto &count = (i + t) % 2 ? deliveredA : deliveredB;
                    auto &last = (i + t) % 2 ? lastA : lastB;
                    LayoutRequest r = (i % 3 == 0) ? chainRequest(20 + uint32_t(i)) : smallGraph();
                    r.engine = (i % 4 == 1) ? LayoutEngine::Sfdp : LayoutEngine::Dot;
                    target.submit(std::move(r), [&](uint64_t gen, LayoutResult result) {
                        if (!result.ok || result.nodes.empty())
                            ++failures;
                        ++count;
                        last = gen;
                    });
                }
            });
        }
        for (int t = 0; t < 2; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 20; ++i) {
                    const LayoutResult r = layoutGraph(i % 2 ? smallGraph() : chainRequest(15));
                    if (!r.ok)
                        ++failures;
                    ++syncDone;
                }
            });
        }
        for (auto &th : threads)
            th.join();
        a.waitIdle();
        b.waitIdle();
        QCOMPARE(failures.load(), 0);
        QCOMPARE(syncDone.load(), 40);
        QCOMPARE(a.delivered() + a.skipped() + a.dropped() + b.delivered() + b.skipped() + b.dropped(),
                 uint64_t(kThreads * kPerThread));
        QCOMPARE(uint64_t(deliveredA.load()), a.delivered());
        QCOMPARE(uint64_t(deliveredB.load()), b.delivered());
        // The newest request of each is always delivered.
        QCOMPARE(lastA.load(), a.latest());
        QCOMPARE(lastB.load(), b.latest());
    }

    void destroyWhileRunning()
    {
        // Destroying with work queued and running must neither crash nor deliver.
        std::atomic<int> calls = 0;
        {
            AsyncLayout async;
            async.submit(chainRequest(300), [&](uint64_t, LayoutResult) { ++calls; });
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
            async.submit(chainRequest(300), [&](uint64_t, LayoutResult) { ++calls; });
        }
        QVERIFY(calls.load() <= 1);
    }

    void bigFanOutIsGrouped()
    {
        // One producer trace whose message 10,000 consumer traces link to.
        test::TestModelBuilder builder;
        builder.add({.trace = 1, .span = 1, .start = 0, .duration = 5000, .name = "publish orders"});
        for (uint32_t i = 0; i < 10000; ++i) {
            builder.add({.trace = 100 + i, .span = 100 + i, .start = 10000 + i, .duration = 2000,
                         .name = "process order", .links = {{1, 1}}});
        }
        const Model model = builder.finish();
        const uint32_t producer = model.findTrace(test::TestModelBuilder::traceId(1));
        QVERIFY(producer != kNone);

        const TraceGraph graph = buildTraceGraph(model, producer, {});
        QCOMPARE(graph.nodes.size(), size_t(2));
        QVERIFY(graph.nodes[1].isGroup());
        QCOMPARE(graph.nodes[1].members.size(), size_t(10000));
        QCOMPARE(graph.edges.size(), size_t(1));
        QCOMPARE(graph.edges[0].linkCount, 10000u);

        LayoutRequest request;
        request.nodes = {{"producer", "publish orders", 160, 50}, {"group", "10000 more process order", 200, 50}};
        request.edges = {{graph.edges[0].from, graph.edges[0].to, "10000 links · 10 µs"}};
        checkGeometry(request, layoutGraph(request));
    }
};

QTEST_GUILESS_MAIN(TestGraphLayout)
#include "tst_graphlayout.moc"
