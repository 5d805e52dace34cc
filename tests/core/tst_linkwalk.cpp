// Following links into a backend: traces only the backend holds, fetched
// hop by hop, upstream and (by TraceQL link search) downstream, with a cap,
// bounded parallelism and cancel.

#include "common/backendstore.h"

#include "core/backend/linkwalk.h"
#include "core/linkgraph.h"

#include <QElapsedTimer>
#include <QTest>

#include <map>
#include <set>

using namespace causeway;
using namespace causeway::backend;
using causeway::test::BackendStore;
using causeway::test::FakeBackend;
using causeway::test::FakeReply;
using causeway::test::FakeRequest;
using TestModel = causeway::test::TestModelBuilder;

namespace {

BackendConfig tempo(const FakeBackend &server)
{
    BackendConfig c;
    c.name = "tempo-test";
    c.kind = BackendKind::Tempo;
    c.baseUrl = server.url();
    c.retryBaseMs = 10;
    return c;
}

// The local file: trace 1, whose child span links to trace 2 (not in the file).
Model localFile()
{
    return causeway::test::linkedTrace(1, {2}, "local-svc", "consume");
}

uint32_t unresolved(const Model &m)
{
    uint32_t n = 0;
    for (const Link &l : m.links)
        n += !l.resolved();
    return n;
}

} // namespace

class TestLinkWalk : public QObject
{
    Q_OBJECT
private slots:
    // 1 -> 2 -> 3 -> 4: three traces only the backend has, reached upstream.
    void followsLinksAcrossThreeBackendTraces()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        Model model = localFile();
        QCOMPARE(unresolved(model), 1u);

        WalkOptions options;
        options.upstreamDepth = 5;
        std::vector<uint32_t> progress;
        std::mutex progressMutex;
        options.progress = [&](uint32_t fetched, uint32_t, uint32_t) {
            std::lock_guard lock(progressMutex);
            progress.push_back(fetched);
        };
        WalkResult walk = walkLinks(client, model, {TestModel::traceId(1)}, options);
        QVERIFY(!walk.cancelled);
        QVERIFY(!walk.capped);
        QCOMPARE(walk.traces.size(), size_t(3));
        QCOMPARE(walk.traces[0].id, TestModel::traceId(2));
        QCOMPARE(walk.traces[0].hops, 1u);
        QCOMPARE(walk.traces[2].id, TestModel::traceId(4));
        QCOMPARE(walk.traces[2].hops, 3u);
        QVERIFY(walk.traces[0].fetchedAtUnixMs > 0);
        QVERIFY(walk.traces[0].url.find("/api/v2/traces/") != std::string::npos);
        QCOMPARE(progress.size(), size_t(3));

        mergeFetched(model, std::move(walk), "tempo-test");
        QCOMPARE(model.traces.size(), size_t(4));
        QCOMPARE(unresolved(model), 0u); // every link resolves now
        QCOMPARE(model.diagnostics.count(diag::FetchedFromBackend), uint64_t(3));
        // The causal chain crosses into the fetched traces.
        Reference start;
        std::string error;
        QVERIFY(resolveReference(model, TestModel::traceId(1).hex(), start, error));
        QCOMPARE(chain(model, start, {Direction::Upstream}).traces.size(), size_t(4));
        // Each trace was asked for once.
        QCOMPARE(server.requests().size(), size_t(3));
    }

    void depthLimitsTheWalk()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        WalkOptions options;
        options.upstreamDepth = 2;
        WalkResult walk = walkLinks(client, localFile(), {TestModel::traceId(1)}, options);
        QCOMPARE(walk.traces.size(), size_t(2));
        QVERIFY(!walk.capped);
    }

    // Clicking an unresolved link: the target is fetched (hop 0) and nothing more at depth 0.
    void fetchesOneTarget()
    {
        BackendStore store;
        store.add(2, {3});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        WalkOptions options;
        options.upstreamDepth = 0;
        WalkResult walk = walkLinks(client, localFile(), {TestModel::traceId(2)}, options);
        QCOMPARE(walk.traces.size(), size_t(1));
        QCOMPARE(walk.traces[0].hops, 0u);
    }

    // Downstream: Tempo is asked which traces link into the trace, with
    // TraceQL's link:traceID, and those are fetched.
    void downstreamBySearch()
    {
        BackendStore store;
        store.add(20, {1});   // links to the local trace
        store.add(21, {1});
        store.add(30, {20});  // links to 20: two hops downstream
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        WalkOptions options;
        options.upstreamDepth = 1;
        options.downstreamDepth = 2;
        Model model = localFile();
        WalkResult walk = walkLinks(client, model, {TestModel::traceId(1)}, options);
        QVERIFY(walk.failures.empty());
        std::set<TraceId> got;
        for (const auto &t : walk.traces)
            got.insert(t.id);
        QCOMPARE(got, (std::set<TraceId>{TestModel::traceId(2), TestModel::traceId(20), TestModel::traceId(21),
                                         TestModel::traceId(30)}));
        bool searched = false;
        for (const auto &r : server.requests())
            searched |= r.path == "/api/search" && r.param("q") == "{ link:traceID = \"" + TestModel::traceId(1).hex() + "\" }";
        QVERIFY(searched);
        mergeFetched(model, std::move(walk), "tempo-test");
        Reference start;
        std::string error;
        QVERIFY(resolveReference(model, TestModel::traceId(1).hex(), start, error));
        QCOMPARE(chain(model, start, {Direction::Downstream}).traces.size(), size_t(4)); // 1, 20, 21, 30
    }

    void jaegerCannotWalkDownstream()
    {
        BackendStore store;
        store.shape = BackendStore::Shape::JaegerV3;
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendConfig c = tempo(server);
        c.kind = BackendKind::JaegerV3;
        BackendClient client(c);
        WalkOptions options;
        options.upstreamDepth = 1;
        options.downstreamDepth = 1;
        WalkResult walk = walkLinks(client, localFile(), {TestModel::traceId(1)}, options);
        QCOMPARE(walk.traces.size(), size_t(1));
        QCOMPARE(walk.notes.size(), size_t(1));
        QVERIFY(walk.notes[0].find("only upstream") != std::string::npos);
    }

    void capStopsTheWalkWithANote()
    {
        BackendStore store;
        store.add(2, {3, 4, 5});
        store.add(3, {});
        store.add(4, {});
        store.add(5, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        WalkOptions options;
        options.upstreamDepth = 5;
        options.maxTraces = 2;
        WalkResult walk = walkLinks(client, localFile(), {TestModel::traceId(1)}, options);
        QCOMPARE(walk.traces.size(), size_t(2));
        QVERIFY(walk.capped);
        QCOMPARE(walk.leftByCap, 2u);
        QVERIFY(!walk.notes.empty());
        QVERIFY(walk.notes[0].find("cap of 2") != std::string::npos);
        QVERIFY(walk.notes[0].find("2 more") != std::string::npos);
        QCOMPARE(server.requests().size(), size_t(2));
    }

    // A fan-out of 12 targets with at most 3 requests at once.
    void boundedInFlight()
    {
        BackendStore store;
        std::vector<uint32_t> fan;
        for (uint32_t t = 100; t < 112; ++t) {
            store.add(t, {});
            fan.push_back(t);
        }
        store.delayMs = 80;
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        Model model = causeway::test::linkedTrace(1, fan);
        WalkOptions options;
        options.upstreamDepth = 1;
        options.maxInFlight = 3;
        QElapsedTimer timer;
        timer.start();
        WalkResult walk = walkLinks(client, model, {TestModel::traceId(1)}, options);
        QCOMPARE(walk.traces.size(), size_t(12));
        QVERIFY(walk.maxObservedInFlight <= 3);
        QVERIFY(walk.maxObservedInFlight >= 2); // it did run in parallel
        QVERIFY(server.maxConcurrent() <= 3);
        QVERIFY(timer.elapsed() < 12 * 80); // faster than one at a time
    }

    // One trace linking to N backend-only traces: all fetched, all links resolve.
    void scales_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("3") << 3;
        QTest::newRow("40") << 40;
        QTest::newRow("1000") << 1000;
    }
    void scales()
    {
        QFETCH(int, n);
        BackendStore store;
        std::vector<uint32_t> fan;
        for (uint32_t t = 0; t < uint32_t(n); ++t) {
            store.add(1000 + t, {});
            fan.push_back(1000 + t);
        }
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        Model model = causeway::test::linkedTrace(1, fan);
        WalkOptions options;
        options.upstreamDepth = 1;
        options.maxTraces = 1000;
        options.maxInFlight = 8;
        WalkResult walk = walkLinks(client, model, {TestModel::traceId(1)}, options);
        QCOMPARE(walk.traces.size(), size_t(n));
        QVERIFY(walk.failures.empty());
        QVERIFY(!walk.capped);
        mergeFetched(model, std::move(walk), "tempo-test");
        QCOMPARE(model.traces.size(), size_t(n + 1));
        QCOMPARE(unresolved(model), 0u);
        QCOMPARE(model.traces[model.findTrace(TestModel::traceId(1))].linksOut, uint32_t(n));
    }

    // A failure on one trace does not lose the others.
    void failuresKeepTheRest()
    {
        BackendStore store;
        store.add(3, {});
        FakeBackend server([&](const FakeRequest &r) {
            if (r.path.find(TestModel::traceId(2).hex()) != std::string::npos)
                return FakeReply::json("{\"trace\": {\"resourceSpans\": [ {\"scopeSpans\": [ ");
            return store.answer(r);
        });
        BackendClient client(tempo(server));
        Model model = causeway::test::linkedTrace(1, {2, 3, 9});
        WalkOptions options;
        options.upstreamDepth = 1;
        WalkResult walk = walkLinks(client, model, {TestModel::traceId(1)}, options);
        QCOMPARE(walk.traces.size(), size_t(1));
        QCOMPARE(walk.traces[0].id, TestModel::traceId(3));
        QCOMPARE(walk.failures.size(), size_t(2));
        std::map<TraceId, FetchStatus> failed;
        for (const auto &f : walk.failures)
            failed[f.id] = f.status;
        QVERIFY(failed[TestModel::traceId(2)] == FetchStatus::Malformed);
        QVERIFY(failed[TestModel::traceId(9)] == FetchStatus::NotFound);
        mergeFetched(model, std::move(walk), "tempo-test");
        QCOMPARE(model.traces.size(), size_t(2));
        QCOMPARE(model.diagnostics.count(diag::BackendMalformed), uint64_t(1));
        QCOMPARE(model.diagnostics.count(diag::BackendNotFound), uint64_t(1));
    }

    void cancelMidWalk()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {5});
        store.add(5, {});
        store.delayMs = 300;
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        std::atomic<bool> cancel{false};
        WalkOptions options;
        options.upstreamDepth = 10;
        options.cancel = &cancel;
        options.progress = [&](uint32_t fetched, uint32_t, uint32_t) {
            if (fetched == 1)
                cancel = true; // after the first trace arrived
        };
        QElapsedTimer timer;
        timer.start();
        WalkResult walk = walkLinks(client, localFile(), {TestModel::traceId(1)}, options);
        QVERIFY(walk.cancelled);
        QCOMPARE(walk.traces.size(), size_t(1)); // what arrived is kept
        QVERIFY(timer.elapsed() < 900);
        QVERIFY(walk.notes.back().find("cancelled") != std::string::npos);
    }

    // 10,000 traces only the backend holds. The local trace links to 100
    // (fan-out), each of those to 100 more, and all 10,000 of those to one
    // shared trace (fan-in): 10,101 to fetch, bodies written by the OTLP
    // writer. One store serves a capped walk, a cancelled one and the whole.
    void walksTenThousandBackendTraces()
    {
        constexpr uint32_t kFan = 100, kFirstHub = 1000, kFirstLeaf = 100000, kSink = 999999;
        BackendStore store;
        std::vector<uint32_t> hubs;
        for (uint32_t h = 0; h < kFan; ++h) {
            std::vector<uint32_t> leaves;
            for (uint32_t j = 0; j < kFan; ++j) {
                leaves.push_back(kFirstLeaf + h * kFan + j);
                store.add(leaves.back(), {kSink});
            }
            hubs.push_back(kFirstHub + h);
            store.add(hubs.back(), leaves);
        }
        store.add(kSink, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(tempo(server));
        const Model local = causeway::test::linkedTrace(1, hubs, "local-svc", "consume");

        // The cap stops the walk inside the second hop and says how much was left.
        {
            WalkOptions options;
            options.upstreamDepth = 3;
            options.maxTraces = 500;
            options.maxInFlight = 6;
            const WalkResult walk = walkLinks(client, local, {TestModel::traceId(1)}, options);
            QCOMPARE(walk.traces.size(), size_t(500));
            QVERIFY(walk.capped);
            QCOMPARE(walk.leftByCap, 10000u - 400u + 1u); // the leaves not taken, and the sink the taken ones link to
            QVERIFY(!walk.notes.empty());
            QVERIFY2(walk.notes[0].find("stopped at the cap of 500 traces") != std::string::npos, walk.notes[0].c_str());
            QVERIFY(walk.failures.empty());
            QVERIFY(walk.maxObservedInFlight <= 6);
            QCOMPARE(server.requests().size(), size_t(500)); // nothing beyond the cap was asked for
        }
        // Cancel mid-walk: it stops within the requests already in flight.
        {
            std::atomic<bool> cancel{false};
            WalkOptions options;
            options.upstreamDepth = 3;
            options.maxTraces = 20000;
            options.maxInFlight = 4;
            options.cancel = &cancel;
            options.progress = [&](uint32_t fetched, uint32_t, uint32_t) {
                if (fetched >= 300)
                    cancel = true;
            };
            const size_t before = server.requests().size();
            const WalkResult walk = walkLinks(client, local, {TestModel::traceId(1)}, options);
            QVERIFY(walk.cancelled);
            QVERIFY(walk.traces.size() >= 300);
            QVERIFY2(server.requests().size() - before <= 300 + 2 * options.maxInFlight,
                     qPrintable(QString::number(server.requests().size() - before)));
            QVERIFY(walk.notes.back().find("cancelled") != std::string::npos);
        }
        // The whole walk: every trace once, never more than 8 requests at a time,
        // and every link of the merged model resolves.
        {
            WalkOptions options;
            options.upstreamDepth = 3;
            options.maxTraces = 20000;
            options.maxInFlight = 8;
            const size_t before = server.requests().size();
            QElapsedTimer clock;
            clock.start();
            WalkResult walk = walkLinks(client, local, {TestModel::traceId(1)}, options);
            const qint64 ms = clock.elapsed();
            QVERIFY(!walk.capped && !walk.cancelled);
            QVERIFY(walk.failures.empty());
            QCOMPARE(walk.traces.size(), size_t(10101));
            QCOMPARE(server.requests().size() - before, size_t(10101));
            QVERIFY(walk.maxObservedInFlight <= 8);
            QVERIFY(walk.maxObservedInFlight >= 2);
            QVERIFY(server.maxConcurrent() <= 8);
            uint32_t hop2 = 0, hop3 = 0;
            for (const FetchedTrace &t : walk.traces) {
                hop2 += t.hops == 2;
                hop3 += t.hops == 3;
            }
            QCOMPARE(hop2, 10000u);
            QCOMPARE(hop3, 1u); // the fan-in: 10,000 links, one fetch
            Model merged = causeway::test::linkedTrace(1, hubs, "local-svc", "consume");
            merged.finalize();
            mergeFetched(merged, std::move(walk), "tempo-test");
            QCOMPARE(merged.traces.size(), size_t(10102));
            QCOMPARE(unresolved(merged), 0u);
            const uint32_t sink = merged.findTrace(TestModel::traceId(kSink));
            QVERIFY(sink != kNone);
            QCOMPARE(merged.traces[sink].linksIn, 10000u);
            // Every fetched trace knows where it came from.
            QVERIFY(merged.sourceOfTrace(sink) && merged.sourceOfTrace(sink)->backend == "tempo-test");
            QVERIFY(merged.sourceOfTrace(merged.findTrace(TestModel::traceId(1))) == nullptr
                    || !merged.sourceOfTrace(merged.findTrace(TestModel::traceId(1)))->fetched());
            // Reasonable time even under a sanitizer on two shared cores.
            QVERIFY2(ms < 120000, qPrintable(QStringLiteral("%1 ms").arg(ms)));
            qInfo("walked 10,101 backend traces in %lld ms", ms);
        }
    }
};

QTEST_GUILESS_MAIN(TestLinkWalk)
#include "tst_linkwalk.moc"
