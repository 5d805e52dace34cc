// The link map: every link aggregated into edges between groups of target
// and linking spans, with lag distributions, error shares and the links that
// have no target. Expected values are worked out by hand from the files in
// tests/data/linkmap (times in ms from the file's start).

#include "core/linkmap.h"
#include "core/load.h"

#include "common/testutil.h"

#include <QtTest>

using namespace causeway;

namespace {

constexpr int64_t ms = 1'000'000;

Model load(std::initializer_list<const char *> names)
{
    std::vector<std::string> paths;
    for (const char *n : names)
        paths.push_back(names.size() && std::string_view(n).find('/') == std::string_view::npos
                            ? test::testData((std::string("linkmap/") + n).c_str())
                            : std::string(n));
    Model model;
    const LoadResult result = loadFiles(paths, model);
    if (!result.ok)
        qFatal("cannot load test data: %s", result.error.text().c_str());
    return model;
}

const LinkMapEdge *findEdge(const LinkMap &map, std::string_view from, std::string_view to)
{
    for (const LinkMapEdge &e : map.edges)
        if (map.nodes[e.from].label == from && map.nodes[e.to].label == to)
            return &e;
    return nullptr;
}

std::string spanName(const Model &model, uint32_t link)
{
    return std::string(model.str(model.hot[model.links[link].from].name));
}

} // namespace

class TestLinkMap : public QObject
{
    Q_OBJECT
private slots:
    void fanOutByService()
    {
        const Model model = load({"fanout.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Service);
        QCOMPARE(map.nodes.size(), size_t(2));
        QCOMPARE(map.nodes[0].label, std::string("inventory"));
        QCOMPARE(map.nodes[1].label, std::string("shop-api"));
        QCOMPARE(map.edges.size(), size_t(1));
        const LinkMapEdge &e = map.edges[0];
        QCOMPARE(e.from, 1u);
        QCOMPARE(e.to, 0u);
        QCOMPARE(e.linkCount(), 3u);
        QCOMPARE(e.causeTraces, 1u);
        QCOMPARE(e.effectTraces, 3u);
        // The publish starts at 1 ms; the consumers at 5, 20 and 105 ms.
        QCOMPARE(e.lag.count, 3u);
        QCOMPARE(e.lag.min, 4 * ms);
        QCOMPARE(e.lag.p50, 19 * ms);  // nearest rank: ceil(1.5) = 2nd
        QCOMPARE(e.lag.p95, 104 * ms); // ceil(2.85) = 3rd
        QCOMPARE(e.lag.p99, 104 * ms);
        QCOMPARE(e.lag.max, 104 * ms);
        // Only the consumer at 105 ms has an ERROR span.
        QCOMPARE(e.effectTracesWithErrors, 1u);
        QCOMPARE(e.errorShare(), 1.0 / 3);
        QCOMPARE(e.unresolved, 0u);
        QCOMPARE(e.dropped, uint64_t(0));
        // Slowest first.
        QCOMPARE(linkLag(model, e.links[0]), 104 * ms);
        QCOMPARE(linkLag(model, e.links[1]), 19 * ms);
        QCOMPARE(linkLag(model, e.links[2]), 4 * ms);
        QCOMPARE(map.links, uint64_t(3));
        QCOMPARE(map.resolved, uint64_t(3));
    }

    void fanOutByOperationAndDestination()
    {
        const Model model = load({"fanout.json"});
        const LinkMap byOperation = buildLinkMap(model, LinkMapGrouping::Operation);
        QCOMPARE(byOperation.edges.size(), size_t(1));
        QVERIFY(findEdge(byOperation, "shop-api: orders publish", "inventory: orders process"));
        const LinkMap byDestination = buildLinkMap(model, LinkMapGrouping::Destination);
        QCOMPARE(byDestination.edges.size(), size_t(1));
        const LinkMapEdge *e = findEdge(byDestination, "orders", "inventory: orders process");
        QVERIFY(e);
        QCOMPARE(byDestination.nodes[e->from].kind, LinkMapNode::Kind::Destination);
        QCOMPARE(e->linkCount(), 3u);
        QCOMPARE(e->lag.p50, 19 * ms);
    }

    void batch()
    {
        const Model model = load({"batch.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Operation);
        QCOMPARE(map.edges.size(), size_t(1));
        const LinkMapEdge *e = findEdge(map, "pos: capture", "billing: settle");
        QVERIFY(e);
        QCOMPARE(e->linkCount(), 5u);
        QCOMPARE(e->causeTraces, 5u);
        QCOMPARE(e->effectTraces, 1u);
        // Items at 0..40 s, the batch at 100 s: lags 100, 90, 80, 70, 60 s.
        QCOMPARE(e->lag.min, 60'000 * ms);
        QCOMPARE(e->lag.p50, 80'000 * ms); // ceil(2.5) = 3rd
        QCOMPARE(e->lag.p95, 100'000 * ms);
        QCOMPARE(e->lag.p99, 100'000 * ms);
        QCOMPARE(e->lag.max, 100'000 * ms);
        QCOMPARE(e->effectTracesWithErrors, 1u);
        QCOMPARE(e->errorShare(), 1.0);
        // Slowest first is the oldest item: line 0.
        const Link &slowest = model.links[e->links.front()];
        QCOMPARE(model.hot[slowest.target].start, model.traces[model.hot[slowest.target].trace].start);
        QCOMPARE(linkLag(model, e->links.front()), 100'000 * ms);
        QCOMPARE(linkLag(model, e->links.back()), 60'000 * ms);
    }

    void retryChainByService()
    {
        const Model model = load({"retry.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Service);
        QCOMPARE(map.edges.size(), size_t(4));
        const LinkMapEdge *toPayment = findEdge(map, "shop-api", "payment");
        const LinkMapEdge *toInventory = findEdge(map, "shop-api", "inventory");
        const LinkMapEdge *retries = findEdge(map, "inventory", "inventory");
        const LinkMapEdge *dlq = findEdge(map, "inventory", "dead-letter");
        QVERIFY(toPayment && toInventory && retries && dlq);
        QCOMPARE(toPayment->lag.max, 30 * ms);      // 40 - 10
        QCOMPARE(toInventory->lag.max, 50 * ms);    // 60 - 10
        QCOMPARE(toInventory->errorShare(), 1.0);
        // Retries: 1160 - 60 and 3210 - 1160.
        QCOMPARE(retries->linkCount(), 2u);
        QCOMPARE(retries->causeTraces, 2u);
        QCOMPARE(retries->effectTraces, 2u);
        QCOMPARE(retries->lag.min, 1100 * ms);
        QCOMPARE(retries->lag.p50, 1100 * ms);
        QCOMPARE(retries->lag.max, 2050 * ms);
        QCOMPARE(retries->effectTracesWithErrors, 2u);
        QCOMPARE(dlq->lag.max, 4050 * ms);          // 7260 - 3210
        QCOMPARE(dlq->errorShare(), 0.0);
    }

    void sagaCycle()
    {
        const Model model = load({"saga.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Service);
        QCOMPARE(map.edges.size(), size_t(3));
        QCOMPARE(findEdge(map, "order-service", "payment-service")->lag.max, 30 * ms);
        QCOMPARE(findEdge(map, "payment-service", "shipping-service")->lag.max, 70 * ms);
        // The cycle closes: "await reply" (250 ms) links the shipment (100 ms).
        QCOMPARE(findEdge(map, "shipping-service", "order-service")->lag.max, 150 * ms);
    }

    void unresolvedAndDropped()
    {
        const Model model = load({"unresolved.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Service);
        QCOMPARE(map.nodes.size(), size_t(2));
        QCOMPARE(map.nodes.back().kind, LinkMapNode::Kind::NotLoaded);
        QCOMPARE(map.edges.size(), size_t(1));
        const LinkMapEdge &e = map.edges[0];
        QCOMPARE(map.nodes[e.from].label, std::string("(not loaded)"));
        QCOMPARE(map.nodes[e.to].label, std::string("notify"));
        QCOMPARE(e.linkCount(), 3u);
        QCOMPARE(e.unresolved, 3u);
        QCOMPARE(e.dropped, uint64_t(3));
        QCOMPARE(e.causeTraces, 0u);
        QCOMPARE(e.effectTraces, 2u);
        QCOMPARE(e.effectTracesWithErrors, 1u);
        QCOMPARE(e.lag.count, 0u);
        QCOMPARE(map.unresolved, uint64_t(3));
        QCOMPARE(map.dropped, uint64_t(3));
        QCOMPARE(map.resolved, uint64_t(0));
    }

    void clockSkewGivesNegativeLag()
    {
        // The consumer that started 5 ms "before" its publish keeps lag -5 ms:
        // neither clamped to zero nor left out.
        const Model model = load({"skew.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Destination);
        QCOMPARE(map.edges.size(), size_t(1));
        const LinkMapEdge &e = map.edges[0];
        QCOMPARE(e.lag.count, 2u);
        QCOMPARE(e.lag.min, -5 * ms);
        QCOMPARE(e.lag.p50, -5 * ms);
        QCOMPARE(e.lag.p95, 10 * ms);
        QCOMPARE(e.lag.max, 10 * ms);
        QCOMPARE(linkLag(model, e.links[0]), 10 * ms);
        QCOMPARE(linkLag(model, e.links[1]), -5 * ms);
    }

    void allFilesTogether()
    {
        const Model model = load({"fanout.json", "batch.json", "retry.json", "saga.json", "unresolved.json", "skew.json"});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Service);
        uint64_t links = 0;
        for (const LinkMapEdge &e : map.edges)
            links += e.linkCount();
        QCOMPARE(links, map.links);
        QCOMPARE(map.links, uint64_t(model.links.size()));
        QCOMPARE(map.resolved + map.unresolved, map.links);
        // fanout and skew both feed shop-api -> inventory: 3 + 2 links, plus retry's 1.
        const LinkMapEdge *e = findEdge(map, "shop-api", "inventory");
        QVERIFY(e);
        QCOMPARE(e->linkCount(), 6u);
        QCOMPARE(e->lag.min, -5 * ms);
        QCOMPARE(e->lag.max, 104 * ms);
    }

    void bundledSample()
    {
        // resources/samples/README.md: 90 links; 11 orders published (one
        // checkout is rejected), each consumed by inventory, payment and (in
        // three batches) the search indexer; payment -> notification; a retry
        // chain inventory -> inventory (2) -> dead letter; a batch of 40
        // captures; 3 links to a CRM not in the file.
        const Model model = load({test::bundledSample("causeway-sample.jsonl").c_str()});
        const LinkMap map = buildLinkMap(model, LinkMapGrouping::Service);
        QCOMPARE(map.links, uint64_t(90));
        QCOMPARE(map.unresolved, uint64_t(3));
        QCOMPARE(map.edges.size(), size_t(8));
        struct Expect { const char *from, *to; uint32_t links, causeTraces, effectTraces; };
        const Expect expected[] = {
            {"checkout-api", "inventory-service", 11, 11, 11},
            {"checkout-api", "payment-service", 11, 11, 11},
            {"checkout-api", "search-indexer", 11, 11, 3},
            {"payment-service", "notification-service", 11, 11, 11},
            {"payment-service", "billing-batch", 40, 40, 1},
            {"inventory-service", "inventory-service", 2, 2, 2},
            {"inventory-service", "dead-letter-handler", 1, 1, 1},
            {"(not loaded)", "notification-service", 3, 0, 3},
        };
        for (const Expect &x : expected) {
            const LinkMapEdge *e = findEdge(map, x.from, x.to);
            QVERIFY2(e, x.from);
            QCOMPARE(e->linkCount(), x.links);
            QCOMPARE(e->causeTraces, x.causeTraces);
            QCOMPARE(e->effectTraces, x.effectTraces);
        }
        // Inventory consumers start 3-40 ms after the publish; payment 50 ms-2 s.
        const LinkMapEdge *inventory = findEdge(map, "checkout-api", "inventory-service");
        QVERIFY(inventory->lag.min >= 3 * ms && inventory->lag.max <= 40 * ms);
        const LinkMapEdge *payment = findEdge(map, "checkout-api", "payment-service");
        QVERIFY(payment->lag.min >= 50 * ms && payment->lag.max <= 2000 * ms);
        // Only ord_4dbmf's payment consumer has an ERROR span: 1 of 11.
        QCOMPARE(payment->effectTracesWithErrors, 1u);
        // The inventory consumer of ord_4dbnd (retry attempt 1) fails.
        QCOMPARE(inventory->effectTracesWithErrors, 1u);
        // The batch starts 2 h 14 min after the last capture it settles.
        const LinkMapEdge *batch = findEdge(map, "payment-service", "billing-batch");
        QVERIFY(batch->lag.min > 2 * 3600 * 1000 * ms);
        QCOMPARE(spanName(model, batch->links.front()), std::string("settle-payments"));

        // By destination, the queues are nodes of their own.
        const LinkMap byDestination = buildLinkMap(model, LinkMapGrouping::Destination);
        QVERIFY(findEdge(byDestination, "orders", "inventory-service: orders process"));
        QVERIFY(findEdge(byDestination, "payments", "payment-service: payments process"));
        QCOMPARE(findEdge(byDestination, "orders", "search-indexer: orders process")->linkCount(), 11u);
    }
};

QTEST_GUILESS_MAIN(TestLinkMap)
#include "tst_linkmap.moc"
