// Where the time of an asynchronous chain goes: elapsed time split into time
// inside traces and time between them, per hop, over the chain's own
// timeline. Expected values worked out by hand from tests/data/linkmap
// (times in ms from the file's start).

#include "core/chaintiming.h"
#include "core/load.h"

#include "common/testutil.h"

#include <QtTest>

using namespace causeway;

namespace {

constexpr uint64_t ms = 1'000'000;
constexpr uint64_t t0 = 1741989600000000000ULL;

Model load(const std::string &path)
{
    Model model;
    const LoadResult result = loadFiles({path}, model);
    if (!result.ok)
        qFatal("cannot load test data: %s", result.error.text().c_str());
    return model;
}

Model loadData(const char *name)
{
    return load(test::testData((std::string("linkmap/") + name).c_str()));
}

Reference ref(const Model &model, const char *text)
{
    Reference r;
    std::string error;
    if (!resolveReference(model, text, r, error))
        qFatal("%s", error.c_str());
    return r;
}

std::string traceHex(uint32_t n)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "5a%030x", n);
    return buf;
}

struct HopExpect { uint32_t trace, hops; uint64_t startMs, waitMs, insideMs; };

void compareHops(const Model &model, const ChainTiming &timing, const std::vector<HopExpect> &expected)
{
    QCOMPARE(timing.hops.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        const ChainTimingHop &h = timing.hops[i];
        QCOMPARE(model.traces[h.trace].id.hex(), traceHex(expected[i].trace));
        QCOMPARE(h.hops, expected[i].hops);
        QCOMPARE(h.start, t0 + expected[i].startMs * ms);
        QCOMPARE(h.waitBefore, expected[i].waitMs * ms);
        QCOMPARE(h.inside, expected[i].insideMs * ms);
        QCOMPARE(h.via == kNone, expected[i].hops == 0);
    }
}

} // namespace

class TestChainTiming : public QObject
{
    Q_OBJECT
private slots:
    void retryChainDownstream()
    {
        // Order 30 [0, 50]; payment 31 [40, 140] and attempt 32 [60, 160]
        // consume it; retries 33 [1160, 1210], 34 [3210, 3260]; dead letter
        // 35 [7260, 7270]. The traces' durations add up to 360 ms, but
        // payment and attempt 1 overlap the order and each other: 270 ms
        // inside, 7000 ms of back-off between.
        const Model model = loadData("retry.json");
        const ChainTiming timing = chainTiming(model, ref(model, traceHex(30).c_str()), {Direction::Downstream});
        QCOMPARE(timing.start, t0);
        QCOMPARE(timing.end, t0 + 7270 * ms);
        QCOMPARE(timing.elapsed(), 7270 * ms);
        QCOMPARE(timing.inside, 270 * ms);
        QCOMPARE(timing.between, 7000 * ms);
        compareHops(model, timing, {{30, 0, 0, 0, 50}, {31, 1, 40, 0, 90}, {32, 1, 60, 0, 20},
                                    {33, 2, 1160, 1000, 50}, {34, 3, 3210, 2000, 50}, {35, 4, 7260, 4000, 10}});
        // Each hop names the link that reached it.
        const ChainTimingHop &dlq = timing.hops.back();
        QCOMPARE(model.hot[model.links[dlq.via].from].trace, dlq.trace);
        QCOMPARE(linkLag(model, dlq.via), int64_t(4050 * ms));
    }

    void retryChainUpstreamFromDeadLetter()
    {
        // Upstream from the dead letter: attempts and the order, not the payment.
        const Model model = loadData("retry.json");
        const ChainTiming timing = chainTiming(model, ref(model, traceHex(35).c_str()), {Direction::Upstream});
        QCOMPARE(timing.elapsed(), 7270 * ms);
        QCOMPARE(timing.inside, 260 * ms);
        QCOMPARE(timing.between, 7010 * ms);
        compareHops(model, timing, {{30, 4, 0, 0, 50}, {32, 3, 60, 10, 100}, {33, 2, 1160, 1000, 50},
                                    {34, 1, 3210, 2000, 50}, {35, 0, 7260, 4000, 10}});
    }

    void sagaCycleEndsAndCountsOverlapOnce()
    {
        // 41 -> 42 -> 40 -> 41 downstream closes a cycle; the saga trace 40
        // [0, 300] spans the whole chain, so nothing is between traces.
        const Model model = loadData("saga.json");
        const ChainTiming timing = chainTiming(model, ref(model, traceHex(41).c_str()), {Direction::Downstream});
        QCOMPARE(timing.elapsed(), 300 * ms);
        QCOMPARE(timing.inside, 300 * ms);
        QCOMPARE(timing.between, uint64_t(0));
        compareHops(model, timing, {{40, 2, 0, 0, 300}, {41, 0, 30, 0, 0}, {42, 1, 100, 0, 0}});
    }

    void fanOutFromSpan()
    {
        // From the publish span: the three consumers at 5, 20, 105 ms.
        const Model model = loadData("fanout.json");
        const std::string start = traceHex(1) + "/0100000000000003";
        const ChainTiming timing = chainTiming(model, ref(model, start.c_str()), {Direction::Downstream});
        QCOMPARE(timing.elapsed(), 110 * ms);
        // [0, 12] the producer (its "audit" span ends at 12), [20, 22], [105, 110].
        QCOMPARE(timing.inside, (12 + 2 + 5) * ms);
        QCOMPARE(timing.between, (8 + 83) * ms);
        compareHops(model, timing, {{1, 0, 0, 0, 12}, {2, 1, 5, 0, 0}, {3, 1, 20, 8, 2}, {4, 1, 105, 83, 5}});
    }

    void clockSkew()
    {
        // The skewed consumer 61 [995, 1005] starts before the publish 60
        // [1000, 1020]: the timeline starts at the consumer.
        const Model model = loadData("skew.json");
        const ChainTiming timing = chainTiming(model, ref(model, traceHex(60).c_str()), {Direction::Downstream});
        QCOMPARE(timing.elapsed(), 35 * ms);
        QCOMPARE(timing.inside, 35 * ms);
        QCOMPARE(timing.between, uint64_t(0));
        compareHops(model, timing, {{61, 1, 995, 0, 10}, {60, 0, 1000, 0, 15}, {62, 1, 1010, 0, 10}});
    }

    void unresolvedLinksAreNoHops()
    {
        const Model model = loadData("unresolved.json");
        const ChainTiming timing = chainTiming(model, ref(model, traceHex(51).c_str()), {Direction::Both});
        // 51's link to a missing span of 50 does not resolve: 51 is alone.
        QCOMPARE(timing.hops.size(), size_t(1));
        QCOMPARE(timing.elapsed(), 5 * ms);
        QCOMPARE(timing.inside, 5 * ms);
    }

    void bundledSampleRetryChain()
    {
        // README: ord_4dbnd's attempt 1 fails, attempt 2 a new trace 1 s
        // later, attempt 3 5 s later, the dead letter 30 s later.
        const Model model = load(test::bundledSample("causeway-sample.jsonl"));
        const ChainTiming timing = chainTiming(model, ref(model, "da6f7dff4ba24091b92558d70fc6bf60"), {Direction::Downstream});
        QCOMPARE(timing.hops.size(), size_t(4));
        QCOMPARE(timing.inside + timing.between, timing.elapsed());
        uint64_t inside = 0, between = 0;
        for (const ChainTimingHop &h : timing.hops) {
            inside += h.inside;
            between += h.waitBefore;
        }
        QCOMPARE(inside, timing.inside);
        QCOMPARE(between, timing.between);
        // Most of the ~36 s is back-off between attempts.
        QVERIFY(timing.between > 30'000 * ms);
        QVERIFY(timing.elapsed() > 35'000 * ms && timing.elapsed() < 40'000 * ms);
        QCOMPARE(model.traces[timing.hops.back().trace].id.hex(), std::string("068bbe47b77eb63ac9aec14cc9cf35e1"));
        // Each hop names its root span's service (the strip colours by it).
        const char *services[] = {"inventory-service", "inventory-service", "inventory-service", "dead-letter-handler"};
        for (size_t i = 0; i < timing.hops.size(); ++i)
            QCOMPARE(model.str(timing.hops[i].service), std::string_view(services[i]));
    }
};

QTEST_GUILESS_MAIN(TestChainTiming)
#include "tst_chaintiming.moc"
