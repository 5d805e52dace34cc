// The causal queries over span links: chain, errors downstream, trace edges
// and the graph neighbourhood with grouped fan-outs.

#include "core/linkgraph.h"
#include "core/load.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"

#include <QtTest>

#include <algorithm>

using namespace causeway;
using causeway::test::TestModelBuilder;

namespace {

constexpr uint64_t ms = 1'000'000;

using Attrs = std::vector<std::pair<std::string, std::string>>;

const Attrs kOrders = {{"messaging.system", "kafka"}, {"messaging.destination.name", "orders"}};

// Trace numbers name the scenarios; each is described where it is built.
Model scenarioModel()
{
    TestModelBuilder b;
    // Messaging: 1 publishes; 2, 3, 4 consume (fan-out); batch 5 links to 2 and 3 (fan-in).
    b.add({.trace = 1, .span = 1, .start = 0, .name = "POST /orders", .kind = SpanKind::Server});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = 1 * ms, .name = "orders publish", .kind = SpanKind::Producer});
    b.add({.trace = 1, .span = 3, .parent = 1, .start = 2 * ms, .name = "audit", .status = StatusCode::Error,
           .statusMessage = "audit failed in the producer"});
    b.add({.trace = 2, .span = 1, .start = 6 * ms, .name = "orders process", .links = {{1, 2, kOrders}}, .kind = SpanKind::Consumer});
    b.add({.trace = 3, .span = 1, .start = 11 * ms, .name = "orders process", .links = {{1, 2, kOrders}}, .kind = SpanKind::Consumer});
    b.add({.trace = 3, .span = 2, .parent = 1, .start = 12 * ms, .name = "charge card", .status = StatusCode::Error,
           .statusMessage = "card declined"});
    b.add({.trace = 4, .span = 1, .start = 31 * ms, .name = "orders process", .links = {{1, 2, kOrders}}, .kind = SpanKind::Consumer});
    b.add({.trace = 4, .span = 2, .parent = 1, .start = 32 * ms, .name = "write db", .status = StatusCode::Error,
           .statusMessage = "timeout"});
    b.add({.trace = 5, .span = 1, .start = 100 * ms, .name = "nightly report", .links = {{2, 1}, {3, 1}}});

    // Retry chain: each retry links to the failed attempt; 13 is the dead letter.
    b.add({.trace = 10, .span = 1, .start = 200 * ms, .name = "attempt 1", .status = StatusCode::Error,
           .statusMessage = "connection refused"});
    b.add({.trace = 11, .span = 1, .start = 210 * ms, .name = "attempt 2", .links = {{10, 1}}, .status = StatusCode::Error,
           .statusMessage = "connection refused"});
    b.add({.trace = 12, .span = 1, .start = 230 * ms, .name = "attempt 3", .links = {{11, 1}}, .status = StatusCode::Error,
           .statusMessage = "connection refused"});
    b.add({.trace = 13, .span = 1, .start = 270 * ms, .name = "dead-letter", .links = {{12, 1}}});

    // Cycle: 20 -> 21 -> 22 -> 20 (each links to the next).
    b.add({.trace = 20, .span = 1, .start = 300 * ms, .name = "cycle a", .links = {{21, 1}}});
    b.add({.trace = 21, .span = 1, .start = 301 * ms, .name = "cycle b", .links = {{22, 1}}});
    b.add({.trace = 22, .span = 1, .start = 302 * ms, .name = "cycle c", .links = {{20, 1}}});

    // A link inside one trace and a self-link.
    b.add({.trace = 30, .span = 1, .start = 400 * ms, .name = "intra root"});
    b.add({.trace = 30, .span = 2, .parent = 1, .start = 401 * ms, .name = "intra", .links = {{30, 1}}});
    b.add({.trace = 30, .span = 3, .parent = 1, .start = 402 * ms, .name = "self", .links = {{30, 3}}});

    // Unresolved targets: a trace not loaded, and a span missing from a loaded trace.
    b.add({.trace = 40, .span = 1, .start = 500 * ms, .name = "orphan", .links = {{99, 1}, {1, 99}}});

    // Span references: 50's handler A (span 2) links to 51, handler B (span 3)
    // to 52; 55 links into span 2, 54 into span 3; 51's other span links to 53.
    b.add({.trace = 50, .span = 1, .start = 600 * ms, .name = "gateway"});
    b.add({.trace = 50, .span = 2, .parent = 1, .start = 601 * ms, .name = "handler A", .links = {{51, 1}}});
    b.add({.trace = 50, .span = 3, .parent = 1, .start = 602 * ms, .name = "handler B", .links = {{52, 1}}});
    b.add({.trace = 51, .span = 1, .start = 590 * ms, .name = "a root"});
    b.add({.trace = 51, .span = 2, .parent = 1, .start = 591 * ms, .name = "a child", .links = {{53, 1}}});
    b.add({.trace = 52, .span = 1, .start = 590 * ms, .name = "b root"});
    b.add({.trace = 53, .span = 1, .start = 580 * ms, .name = "a cause"});
    b.add({.trace = 54, .span = 1, .start = 610 * ms, .name = "after B", .links = {{50, 3}}});
    b.add({.trace = 55, .span = 1, .start = 610 * ms, .name = "after A", .links = {{50, 2}}});

    // Edge aggregation: 61's five links into 60 have lags -2, 2, 1, 4, 10 ms;
    // 62's two have 3 and 9 ms; 63 has seven with distinct message ids.
    b.add({.trace = 60, .span = 1, .start = 1000 * ms, .name = "publish 1"});
    b.add({.trace = 60, .span = 2, .parent = 1, .start = 1001 * ms, .name = "publish 2"});
    b.add({.trace = 60, .span = 3, .parent = 1, .start = 1002 * ms, .name = "publish 3"});
    b.add({.trace = 61, .span = 1, .start = 1000 * ms, .name = "consume", .links = {{60, 3, kOrders}}});
    b.add({.trace = 61, .span = 2, .parent = 1, .start = 1002 * ms, .name = "consume", .links = {{60, 1, kOrders}}});
    b.add({.trace = 61, .span = 3, .parent = 1, .start = 1003 * ms, .name = "consume", .links = {{60, 3, kOrders}}});
    b.add({.trace = 61, .span = 4, .parent = 1, .start = 1004 * ms, .name = "consume",
           .links = {{60, 1, {{"messaging.system", "kafka"}, {"messaging.destination.name", "audit"}}}}});
    b.add({.trace = 61, .span = 5, .parent = 1, .start = 1011 * ms, .name = "consume",
           .links = {{60, 2, {{"messaging.system", "kafka"}}}}});
    b.add({.trace = 62, .span = 1, .start = 1003 * ms, .name = "consume", .links = {{60, 1}}});
    b.add({.trace = 62, .span = 2, .parent = 1, .start = 1009 * ms, .name = "consume", .links = {{60, 1}, {62, 1}}});
    for (uint32_t i = 1; i <= 7; ++i) {
        const std::string messageId = std::string(1, 'm').append(std::to_string(i));
        b.add({.trace = 63, .span = i, .parent = i == 1 ? 0u : 1u, .start = (1100 + i) * ms, .name = "consume",
               .links = {{60, 1, {{"messaging.system", "kafka"}, {"messaging.message.id", messageId}}}}});
    }
    return b.finish();
}

// Batch 100 links to the 1,000 item traces 1000..1999 (items start 1 ms apart,
// the batch at 2,000 ms); item 1000 also links to 300. Producer 200 has 30
// consumers 2000..2029, producer 201 exactly 25 consumers 2100..2124.
Model fanOutModel()
{
    TestModelBuilder b;
    std::vector<TestModelBuilder::LinkSpec> items;
    for (uint32_t i = 1000; i < 2000; ++i) {
        b.add({.trace = i, .span = 1, .start = (i - 1000) * ms, .name = "item"});
        b.add({.trace = i, .span = 2, .parent = 1, .start = (i - 1000) * ms + 100, .name = "validate",
               .links = i == 1000 ? std::vector<TestModelBuilder::LinkSpec>{{300, 1}} : std::vector<TestModelBuilder::LinkSpec>{}});
        items.push_back({i, 1});
    }
    b.add({.trace = 100, .span = 1, .start = 2000 * ms, .name = "batch", .links = items});
    b.add({.trace = 300, .span = 1, .start = 0, .name = "upstream of item 1000"});
    b.add({.trace = 200, .span = 1, .start = 0, .name = "publish 30"});
    for (uint32_t i = 2000; i < 2030; ++i)
        b.add({.trace = i, .span = 1, .start = ms, .name = "consume", .links = {{200, 1}}});
    b.add({.trace = 201, .span = 1, .start = 0, .name = "publish 25"});
    for (uint32_t i = 2100; i < 2125; ++i)
        b.add({.trace = i, .span = 1, .start = ms, .name = "consume", .links = {{201, 1}}});
    return b.finish();
}

uint32_t traceNumber(const Model &model, uint32_t trace)
{
    const auto &bytes = model.traces[trace].id.bytes;
    return uint32_t(bytes[12]) << 24 | uint32_t(bytes[13]) << 16 | uint32_t(bytes[14]) << 8 | bytes[15];
}

uint32_t spanNumber(const Model &model, uint32_t span)
{
    const auto &bytes = model.cold[span].spanId.bytes;
    return uint32_t(bytes[4]) << 24 | uint32_t(bytes[5]) << 16 | uint32_t(bytes[6]) << 8 | bytes[7];
}

uint32_t idx(const Model &model, uint32_t n)
{
    return model.findTrace(TestModelBuilder::traceId(n));
}

std::string refText(uint32_t trace, uint32_t span = 0)
{
    std::string text = TestModelBuilder::traceId(trace).hex();
    if (span)
        text += "/" + TestModelBuilder::spanId(span).hex();
    return text;
}

Reference ref(const Model &model, uint32_t trace, uint32_t span = 0)
{
    Reference r;
    std::string error;
    if (!resolveReference(model, refText(trace, span), r, error))
        qFatal("reference %u/%u: %s", trace, span, error.c_str());
    return r;
}

// "n:hops n:hops ..." in result order.
QString chainText(const Model &model, const ChainResult &result)
{
    QStringList parts;
    for (size_t i = 0; i < result.traces.size(); ++i)
        parts << QStringLiteral("%1:%2").arg(traceNumber(model, result.traces[i])).arg(result.hops[i]);
    return parts.join(QLatin1Char(' '));
}

const TraceEdge *findEdge(const Model &model, const std::vector<TraceEdge> &edges, uint32_t cause, uint32_t effect)
{
    for (const auto &e : edges)
        if (e.cause == idx(model, cause) && e.effect == idx(model, effect))
            return &e;
    return nullptr;
}

const GraphNode *nodeForTrace(const TraceGraph &g, uint32_t trace)
{
    for (const auto &n : g.nodes)
        if (n.trace == trace)
            return &n;
    return nullptr;
}

uint32_t nodeIndex(const TraceGraph &g, uint32_t trace)
{
    for (uint32_t i = 0; i < g.nodes.size(); ++i)
        if (g.nodes[i].trace == trace)
            return i;
    return kNone;
}

const GraphEdge *findGraphEdge(const TraceGraph &g, uint32_t from, uint32_t to)
{
    for (const auto &e : g.edges)
        if (e.from == from && e.to == to)
            return &e;
    return nullptr;
}

// Every node is reached once, every member once, and edges join distinct nodes.
void checkGraphInvariants(const TraceGraph &g, const Model &model)
{
    std::vector<int> seen(model.traces.size(), 0);
    for (const auto &n : g.nodes) {
        if (n.isGroup()) {
            QVERIFY(!n.members.empty());
            QVERIFY(n.groupKey != kNone);
            for (uint32_t m : n.members)
                ++seen[m];
        } else {
            QVERIFY(n.members.empty());
            ++seen[n.trace];
        }
    }
    for (int s : seen)
        QVERIFY(s <= 1);
    for (const auto &e : g.edges) {
        QVERIFY(e.from < g.nodes.size());
        QVERIFY(e.to < g.nodes.size());
        QVERIFY(e.from != e.to);
        QCOMPARE(size_t(e.linkCount), e.links.size());
        QVERIFY(e.lagMin <= e.lagMedian && e.lagMedian <= e.lagMax);
    }
}

} // namespace

class TestLinkGraph : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_model = scenarioModel();
        m_fanOut = fanOutModel();
        QCOMPARE(m_model.diagnostics.count(diag::SpanDuplicate), uint64_t(0));
    }

    void resolveReferences()
    {
        Reference r;
        std::string error;
        QVERIFY(resolveReference(m_model, refText(3), r, error));
        QCOMPARE(r.trace, idx(m_model, 3));
        QCOMPARE(r.span, kNone);

        QVERIFY(resolveReference(m_model, refText(3, 2), r, error));
        QCOMPARE(r.trace, idx(m_model, 3));
        QCOMPARE(spanNumber(m_model, r.span), 2u);

        // Upper case hex is the same id.
        QVERIFY(resolveReference(m_model, QString::fromStdString(refText(3, 2)).toUpper().toStdString(), r, error));
        QCOMPARE(spanNumber(m_model, r.span), 2u);

        QVERIFY(!resolveReference(m_model, refText(77), r, error));
        QVERIFY2(error.find("not loaded") != std::string::npos, error.c_str());
        QVERIFY2(error.find(refText(77)) != std::string::npos, error.c_str());

        QVERIFY(!resolveReference(m_model, refText(3, 9), r, error));
        QVERIFY2(error.find("span " + refText(3, 9) + " is not loaded") != std::string::npos, error.c_str());

        QVERIFY(!resolveReference(m_model, "xyz", r, error));
        QVERIFY2(error.find("malformed trace id") != std::string::npos, error.c_str());
        QVERIFY(!resolveReference(m_model, refText(3) + "/12g", r, error));
        QVERIFY2(error.find("malformed span id") != std::string::npos, error.c_str());
        QVERIFY(!resolveReference(m_model, "", r, error));
    }

    void resolvesUniquePrefixes()
    {
        // The views show 8-digit short ids: any unique prefix resolves, for
        // the trace and for the span after '/'; an ambiguous one says so.
        Model m;
        const LoadResult loaded = loadFiles({causeway::test::bundledSample("causeway-sample.pb")}, m);
        QVERIFY(loaded.ok);
        QVERIFY(m.traces.size() > 20);
        Reference r;
        std::string error;
        for (uint32_t t = 0; t < m.traces.size(); ++t) {
            const std::string hex = m.traces[t].id.hex();
            QVERIFY2(resolveReference(m, hex.substr(0, 8), r, error), error.c_str());
            QCOMPARE(r.trace, t);
            QCOMPARE(r.span, kNone);
            QVERIFY(resolveReference(m, QString::fromStdString(hex.substr(0, 8)).toUpper().toStdString(), r, error));
            QCOMPARE(r.trace, t);
        }
        // One hex digit: 84 random ids share first digits.
        const std::string first = m.traces[0].id.hex().substr(0, 1);
        size_t sharing = 0;
        for (const Trace &t : m.traces)
            sharing += t.id.hex().rfind(first, 0) == 0;
        QVERIFY(sharing > 1);
        QVERIFY(!resolveReference(m, first, r, error));
        QVERIFY2(error.find("trace id prefix '" + first + "' is ambiguous: " + std::to_string(sharing) + " loaded traces")
                     != std::string::npos, error.c_str());
        QCOMPARE(r.trace, kNone);

        // A prefix no trace has.
        std::string absent;
        for (const char *candidate : {"0000000", "fffffff", "1234567"}) {
            if (std::none_of(m.traces.begin(), m.traces.end(), [&](const Trace &t) { return t.id.hex().rfind(candidate, 0) == 0; }))
                absent = candidate;
        }
        QVERIFY(!absent.empty());
        QVERIFY(!resolveReference(m, absent, r, error));
        QVERIFY2(error.find("no loaded trace id starts with '" + absent + "'") != std::string::npos, error.c_str());

        // Span prefixes within a trace of several spans.
        uint32_t busy = 0;
        for (uint32_t t = 0; t < m.traces.size(); ++t)
            if (m.traces[t].spans.count > m.traces[busy].spans.count)
                busy = t;
        const std::string trace8 = m.traces[busy].id.hex().substr(0, 8);
        const Range spans = m.traces[busy].spans;
        for (uint32_t i = spans.first; i < spans.end(); ++i) {
            const uint32_t span = m.traceSpans[i];
            QVERIFY2(resolveReference(m, trace8 + "/" + m.cold[span].spanId.hex().substr(0, 8), r, error), error.c_str());
            QCOMPARE(r.trace, busy);
            QCOMPARE(r.span, span);
        }
        QVERIFY(!resolveReference(m, trace8 + "/", r, error));
        QVERIFY2(error.find("malformed span id") != std::string::npos, error.c_str());
    }

    void chainQueries_data()
    {
        QTest::addColumn<uint32_t>("trace");
        QTest::addColumn<uint32_t>("span");
        QTest::addColumn<int>("direction");
        QTest::addColumn<uint32_t>("depth");
        QTest::addColumn<QString>("expected");

        const auto up = int(Direction::Upstream), down = int(Direction::Downstream), both = int(Direction::Both);
        const uint32_t all = UINT32_MAX;
        QTest::newRow("fan-out: downstream of the producer") << 1u << 0u << down << all << QStringLiteral("1:0 2:1 3:1 4:1 5:2");
        QTest::newRow("fan-out: upstream of one consumer") << 4u << 0u << up << all << QStringLiteral("1:1 4:0");
        QTest::newRow("fan-out: consumer, both ways") << 4u << 0u << both << all << QStringLiteral("1:1 2:2 3:2 4:0 5:3");
        QTest::newRow("fan-in: upstream of the batch") << 5u << 0u << up << all << QStringLiteral("1:2 2:1 3:1 5:0");
        QTest::newRow("fan-in: nothing downstream of the batch") << 5u << 0u << down << all << QStringLiteral("5:0");
        QTest::newRow("producer has nothing upstream") << 1u << 0u << up << all << QStringLiteral("1:0");
        QTest::newRow("retry: downstream of the first attempt") << 10u << 0u << down << all << QStringLiteral("10:0 11:1 12:2 13:3");
        QTest::newRow("retry: upstream of the dead letter") << 13u << 0u << up << all << QStringLiteral("10:3 11:2 12:1 13:0");
        QTest::newRow("depth limit 2") << 10u << 0u << down << 2u << QStringLiteral("10:0 11:1 12:2");
        QTest::newRow("depth limit 1") << 13u << 0u << both << 1u << QStringLiteral("12:1 13:0");
        QTest::newRow("depth 0 is the start") << 10u << 0u << both << 0u << QStringLiteral("10:0");
        QTest::newRow("cycle upstream") << 20u << 0u << up << all << QStringLiteral("20:0 21:1 22:2");
        QTest::newRow("cycle downstream") << 20u << 0u << down << all << QStringLiteral("20:0 21:2 22:1");
        QTest::newRow("cycle both") << 20u << 0u << both << all << QStringLiteral("20:0 21:1 22:1");
        QTest::newRow("intra-trace and self-links") << 30u << 0u << both << all << QStringLiteral("30:0");
        QTest::newRow("intra-trace span reference") << 30u << 3u << both << all << QStringLiteral("30:0");
        QTest::newRow("unresolved targets are not traces") << 40u << 0u << both << all << QStringLiteral("40:0");
        QTest::newRow("trace reference: all spans") << 50u << 0u << both << all << QStringLiteral("50:0 51:1 52:1 53:2 54:1 55:1");
        QTest::newRow("span reference upstream: that span's links first") << 50u << 2u << up << all << QStringLiteral("50:0 51:1 53:2");
        QTest::newRow("span reference downstream") << 50u << 2u << down << all << QStringLiteral("50:0 55:1");
        QTest::newRow("span reference both") << 50u << 2u << both << all << QStringLiteral("50:0 51:1 53:2 55:1");
        QTest::newRow("other span reference") << 50u << 3u << both << all << QStringLiteral("50:0 52:1 54:1");
        QTest::newRow("span without links") << 50u << 1u << both << all << QStringLiteral("50:0");
        QTest::newRow("span reference, later hops use any span") << 55u << 1u << up << all << QStringLiteral("50:1 51:2 52:2 53:3 55:0");
    }

    void chainQueries()
    {
        QFETCH(uint32_t, trace);
        QFETCH(uint32_t, span);
        QFETCH(int, direction);
        QFETCH(uint32_t, depth);
        QFETCH(QString, expected);
        const ChainResult r = chain(m_model, ref(m_model, trace, span), {Direction(direction), depth});
        QCOMPARE(r.traces.size(), r.hops.size());
        QCOMPARE(chainText(m_model, r), expected);
        // Sorted by trace id.
        QVERIFY(std::is_sorted(r.traces.begin(), r.traces.end(),
                               [&](uint32_t a, uint32_t b) { return m_model.traces[a].id < m_model.traces[b].id; }));
    }

    void chainOfUnknownReferenceIsEmpty()
    {
        QVERIFY(chain(m_model, Reference{}).traces.empty());
        QVERIFY(chain(m_model, Reference{uint32_t(m_model.traces.size()), kNone}).traces.empty());
    }

    void errorsDownstreamOfTheProducer()
    {
        // 1's own error (audit) is excluded; 3's and 4's are found.
        const auto spans = errorsDownstream(m_model, ref(m_model, 1));
        QCOMPARE(spans.size(), size_t(2));
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[0]].trace), 3u);
        QCOMPARE(spanNumber(m_model, spans[0]), 2u);
        QCOMPARE(m_model.str(m_model.cold[spans[0]].statusMessage), std::string_view("card declined"));
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[1]].trace), 4u);
        QCOMPARE(m_model.str(m_model.hot[spans[1]].name), std::string_view("write db"));
    }

    void errorsDownstreamOfTheFirstAttempt()
    {
        auto spans = errorsDownstream(m_model, ref(m_model, 10));
        QCOMPARE(spans.size(), size_t(2));
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[0]].trace), 11u);
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[1]].trace), 12u);
        spans = errorsDownstream(m_model, ref(m_model, 10), 1);
        QCOMPARE(spans.size(), size_t(1));
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[0]].trace), 11u);
        // The dead letter has nothing downstream; upstream errors never count.
        QVERIFY(errorsDownstream(m_model, ref(m_model, 13)).empty());
        QVERIFY(errorsDownstream(m_model, ref(m_model, 5)).empty());
    }

    void errorsUpstreamOfTheDeadLetter()
    {
        // The dead letter links to the last attempt: the three failed
        // attempts are upstream of it, in trace id order; within one hop,
        // the last attempt's alone. Downstream of it there are none.
        auto spans = errorsAlong(m_model, ref(m_model, 13), Direction::Upstream);
        QCOMPARE(spans.size(), size_t(3));
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[0]].trace), 10u);
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[1]].trace), 11u);
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[2]].trace), 12u);
        spans = errorsAlong(m_model, ref(m_model, 13), Direction::Upstream, 1);
        QCOMPARE(spans.size(), size_t(1));
        QCOMPARE(traceNumber(m_model, m_model.hot[spans[0]].trace), 12u);
        QCOMPARE(errorsAlong(m_model, ref(m_model, 10), Direction::Downstream), errorsDownstream(m_model, ref(m_model, 10)));
        QVERIFY(errorsAlong(m_model, ref(m_model, 13), Direction::Downstream).empty());
    }

    void traceEdgesAggregate()
    {
        const auto edges = traceEdges(m_model);
        // 1->2,3,4; 2,3->5; 10->11->12->13; the 3-cycle; 51,52->50; 53->51;
        // 50->54,55; 60->61,62,63. Nothing for 30 (intra, self) or 40 (unresolved).
        QCOMPARE(edges.size(), size_t(19));
        for (const auto &e : edges) {
            QVERIFY(e.cause != e.effect);
            QVERIFY(traceNumber(m_model, e.cause) != 30 && traceNumber(m_model, e.effect) != 40);
            QVERIFY(traceNumber(m_model, e.effect) != 30);
            for (uint32_t l : e.links) {
                QCOMPARE(m_model.hot[m_model.links[l].from].trace, e.effect);
                QCOMPARE(m_model.hot[m_model.links[l].target].trace, e.cause);
            }
        }

        const TraceEdge *e = findEdge(m_model, edges, 60, 61);
        QVERIFY(e);
        QCOMPARE(e->links.size(), size_t(5));
        QCOMPARE(e->lagMin, int64_t(-2 * ms));
        QCOMPARE(e->lagMedian, int64_t(2 * ms));
        QCOMPARE(e->lagMax, int64_t(10 * ms));
        QCOMPARE(e->attributeSummary.size(), size_t(3));
        QCOMPARE(e->attributeSummary[0].key, std::string("messaging.system"));
        QCOMPARE(e->attributeSummary[0].value, std::string("kafka"));
        QCOMPARE(e->attributeSummary[0].count, 5u);
        QCOMPARE(e->attributeSummary[1].key, std::string("messaging.destination.name"));
        QCOMPARE(e->attributeSummary[1].value, std::string("orders"));
        QCOMPARE(e->attributeSummary[1].count, 3u);
        QCOMPARE(e->attributeSummary[2].value, std::string("audit"));
        QCOMPARE(e->attributeSummary[2].count, 1u);

        // Even count: the median is midway between the middle two; the link
        // inside 62 is not part of the edge.
        e = findEdge(m_model, edges, 60, 62);
        QVERIFY(e);
        QCOMPARE(e->links.size(), size_t(2));
        QCOMPARE(e->lagMin, int64_t(3 * ms));
        QCOMPARE(e->lagMedian, int64_t(6 * ms));
        QCOMPARE(e->lagMax, int64_t(9 * ms));
        QVERIFY(e->attributeSummary.empty());

        // Only the most common pairs are kept.
        e = findEdge(m_model, edges, 60, 63);
        QVERIFY(e);
        QCOMPARE(e->links.size(), size_t(7));
        QCOMPARE(e->attributeSummary.size(), size_t(5));
        QCOMPARE(e->attributeSummary[0].count, 7u);
        QCOMPARE(e->attributeSummary[1].value, std::string("m1"));
        QCOMPARE(e->attributeSummary[1].count, 1u);
        QCOMPARE(e->attributeSummary[4].value, std::string("m4"));

        e = findEdge(m_model, edges, 1, 3);
        QVERIFY(e);
        QCOMPARE(e->lagMedian, int64_t(10 * ms));
        QVERIFY(findEdge(m_model, edges, 22, 21));
        QVERIFY(findEdge(m_model, edges, 20, 22));
        QVERIFY(!findEdge(m_model, edges, 1, 40));
    }

    void graphNeighbourhood()
    {
        const uint32_t centre = idx(m_model, 1);
        TraceGraph g = buildTraceGraph(m_model, centre, {.depth = 1});
        checkGraphInvariants(g, m_model);
        QCOMPARE(g.centre, 0u);
        QCOMPARE(g.nodes[0].trace, centre);
        QCOMPARE(g.nodes.size(), size_t(4));
        QCOMPARE(g.edges.size(), size_t(3));
        QVERIFY(!g.truncated);
        for (uint32_t n : {2u, 3u, 4u}) {
            const uint32_t node = nodeIndex(g, idx(m_model, n));
            QVERIFY(node != kNone);
            QCOMPARE(g.nodes[node].hops, 1u);
            const GraphEdge *e = findGraphEdge(g, 0, node);
            QVERIFY(e);
            QCOMPARE(e->linkCount, 1u);
        }
        QCOMPARE(findGraphEdge(g, 0, nodeIndex(g, idx(m_model, 3)))->lagMedian, int64_t(10 * ms));

        g = buildTraceGraph(m_model, centre, {.depth = 2});
        checkGraphInvariants(g, m_model);
        QCOMPARE(g.nodes.size(), size_t(5));
        QCOMPARE(g.edges.size(), size_t(5)); // 2->5 and 3->5 join
        QCOMPARE(nodeForTrace(g, idx(m_model, 5))->hops, 2u);

        // The cycle closes into three edges without looping.
        g = buildTraceGraph(m_model, idx(m_model, 20), {.depth = 10});
        checkGraphInvariants(g, m_model);
        QCOMPARE(g.nodes.size(), size_t(3));
        QCOMPARE(g.edges.size(), size_t(3));

        g = buildTraceGraph(m_model, idx(m_model, 30));
        QCOMPARE(g.nodes.size(), size_t(1));
        QVERIFY(g.edges.empty());

        g = buildTraceGraph(m_model, idx(m_model, 1), {.nodeCap = 2});
        checkGraphInvariants(g, m_model);
        QCOMPARE(g.nodes.size(), size_t(2));
        QVERIFY(g.truncated);

        QVERIFY(buildTraceGraph(m_model, uint32_t(m_model.traces.size())).nodes.empty());
    }

    void graphOfWholeModel()
    {
        const TraceGraph g = buildTraceGraph(m_model, kNone, {.nodeCap = 1000});
        checkGraphInvariants(g, m_model);
        QCOMPARE(g.centre, kNone);
        QCOMPARE(g.nodes.size(), m_model.traces.size());
        QCOMPARE(g.edges.size(), traceEdges(m_model).size());
        QVERIFY(!g.truncated);
    }

    void fanOutCollapsesIntoOneGroup()
    {
        const Model &m = m_fanOut;
        const uint32_t batch = idx(m, 100);
        {
            const TraceGraph g = buildTraceGraph(m, batch, {.depth = 2});
            checkGraphInvariants(g, m);
            QCOMPARE(g.nodes.size(), size_t(2));
            QVERIFY(!g.truncated);
            const GraphNode &group = g.nodes[1];
            QVERIFY(group.isGroup());
            QCOMPARE(group.hops, 1u);
            QCOMPARE(group.members.size(), size_t(1000));
            for (uint32_t i = 0; i < group.members.size(); ++i)
                QCOMPARE(traceNumber(m, group.members[i]), 1000 + i);
            QCOMPARE(group.groupKey, batch * 2); // the batch's upstream fan-out
            // Traces reached only through the group are not expanded: 300 is absent.
            QVERIFY(!nodeForTrace(g, idx(m, 300)));

            QCOMPARE(g.edges.size(), size_t(1));
            const GraphEdge &e = g.edges[0];
            QCOMPARE(e.from, 1u);
            QCOMPARE(e.to, 0u);
            QCOMPARE(e.linkCount, 1000u);
            QCOMPARE(e.links.size(), size_t(1000));
            QCOMPARE(e.lagMin, int64_t(1001 * ms));
            QCOMPARE(e.lagMax, int64_t(2000 * ms));
            QCOMPARE(e.lagMedian, int64_t(1500 * ms + ms / 2));
        }
    }

    void expandedGroupShowsItsMembers()
    {
        const Model &m = m_fanOut;
        const uint32_t batch = idx(m, 100);
        const uint32_t key = buildTraceGraph(m, batch).nodes.at(1).groupKey;

        TraceGraph g = buildTraceGraph(m, batch, {.depth = 2, .nodeCap = 5000, .expandedGroups = {key}});
        checkGraphInvariants(g, m);
        QVERIFY(!g.truncated);
        // The batch, the 1,000 items as one expanded block, and 300 behind item 1000:
        // a thousand siblings are one compact block, not a thousand nodes in a column.
        QCOMPARE(g.nodes.size(), size_t(3));
        const GraphNode &block = g.nodes[1];
        QVERIFY(block.isGroup());
        QVERIFY(block.expanded);
        QCOMPARE(block.groupKey, key);
        QCOMPARE(block.members.size(), size_t(1000));
        QVERIFY(std::find(block.members.begin(), block.members.end(), idx(m, 1500)) != block.members.end());
        QCOMPARE(nodeForTrace(g, idx(m, 300))->hops, 2u);
        QCOMPARE(g.edges.size(), size_t(2));

        // From one item, the batch's other 999 items form the same group key.
        g = buildTraceGraph(m, idx(m, 1000), {.depth = 2});
        checkGraphInvariants(g, m);
        QCOMPARE(g.nodes.size(), size_t(4)); // 1000, 300, 100, group
        const uint32_t batchNode = nodeIndex(g, batch);
        QVERIFY(batchNode != kNone);
        QCOMPARE(g.nodes[batchNode].hops, 1u);
        const auto group = std::find_if(g.nodes.begin(), g.nodes.end(), [](const GraphNode &n) { return n.isGroup(); });
        QVERIFY(group != g.nodes.end());
        QCOMPARE(group->groupKey, key);
        QCOMPARE(group->members.size(), size_t(999));
        QCOMPARE(group->hops, 2u);
        const GraphEdge *e = findGraphEdge(g, uint32_t(group - g.nodes.begin()), batchNode);
        QVERIFY(e);
        QCOMPARE(e->linkCount, 999u);
        QVERIFY(findGraphEdge(g, nodeIndex(g, idx(m, 300)), 0));
        QVERIFY(findGraphEdge(g, 0, batchNode));
    }

    void groupThresholdIsExclusive()
    {
        const Model &m = m_fanOut;
        // 30 consumers of one producer: one group, downstream.
        const uint32_t producer = idx(m, 200);
        TraceGraph g = buildTraceGraph(m, producer);
        checkGraphInvariants(g, m);
        QCOMPARE(g.nodes.size(), size_t(2));
        QVERIFY(g.nodes[1].isGroup());
        QCOMPARE(g.nodes[1].members.size(), size_t(30));
        QCOMPARE(g.nodes[1].groupKey, producer * 2 + 1);
        QCOMPARE(g.edges.size(), size_t(1));
        QCOMPARE(g.edges[0].from, 0u);
        QCOMPARE(g.edges[0].to, 1u);
        QCOMPARE(g.edges[0].linkCount, 30u);
        QCOMPARE(g.edges[0].lagMedian, int64_t(ms));

        // Not beyond a threshold of 30.
        g = buildTraceGraph(m, producer, {.groupThreshold = 30});
        QCOMPARE(g.nodes.size(), size_t(31));

        // Exactly 25 (the default threshold) stay single nodes.
        g = buildTraceGraph(m, idx(m, 201));
        checkGraphInvariants(g, m);
        QCOMPARE(g.nodes.size(), size_t(26));
        QCOMPARE(g.edges.size(), size_t(25));
    }

    void wholeModelGroupsEachFanOut()
    {
        const Model &m = m_fanOut;
        const TraceGraph g = buildTraceGraph(m, kNone);
        checkGraphInvariants(g, m);
        QVERIFY(!g.truncated);
        // batch + group, 300, producer 200 + group, producer 201 + 25 consumers.
        QCOMPARE(g.nodes.size(), size_t(31));
        QCOMPARE(g.nodes[0].trace, idx(m, 100)); // the busiest trace starts
        QVERIFY(g.nodes[1].isGroup());
        QCOMPARE(g.nodes[1].members.size(), size_t(1000));
        // 300 connects to the group that holds item 1000.
        QVERIFY(findGraphEdge(g, nodeIndex(g, idx(m, 300)), 1));
        size_t links = 0;
        for (const auto &e : g.edges)
            links += e.linkCount;
        QCOMPARE(links, size_t(1000 + 1 + 30 + 25));
    }

    void chainThroughTheFanOut()
    {
        const Model &m = m_fanOut;
        ChainResult r = chain(m, ref(m, 100), {Direction::Upstream});
        QCOMPARE(r.traces.size(), size_t(1002));
        QCOMPARE(traceNumber(m, r.traces.front()), 100u);
        QCOMPARE(r.hops.front(), 0u);
        QCOMPARE(traceNumber(m, r.traces[1]), 300u);
        QCOMPARE(r.hops[1], 2u);
        r = chain(m, ref(m, 1500), {Direction::Both});
        QCOMPARE(r.traces.size(), size_t(1002));
        r = chain(m, ref(m, 200), {Direction::Downstream, 1});
        QCOMPARE(r.traces.size(), size_t(31));
    }

    // The hand-written OTLP/JSON scenarios, loaded from files: the checkout
    // (01) fans out to consumers 02-04 and to retry attempt 10; 05 fans in.
    void handWrittenFiles()
    {
        Model model;
        const LoadResult loaded = loadFiles({causeway::test::testData("graph/messaging.json"),
                                             causeway::test::testData("graph/retry.json"),
                                             causeway::test::testData("graph/edgecases.json")},
                                            model);
        QVERIFY2(loaded.ok, loaded.error.text().c_str());
        QCOMPARE(model.traces.size(), size_t(14));
        const std::string prefix = "4bf92f3577b34da6a3ce929d0e0e47";
        auto trace = [&](const char *nn) { return model.findTrace([&] {
            TraceId id;
            parseId(prefix + nn, id);
            return id;
        }()); };
        auto nn = [&](uint32_t t) { return QString::fromStdString(model.traces[t].id.hex().substr(30)); };

        ChainResult r = chain(model, {trace("01"), kNone}, {Direction::Downstream});
        QStringList reached;
        for (size_t i = 0; i < r.traces.size(); ++i)
            reached << nn(r.traces[i]) + QLatin1Char(':') + QString::number(r.hops[i]);
        QCOMPARE(reached.join(QLatin1Char(' ')), QStringLiteral("01:0 02:1 03:1 04:1 05:2 10:1 11:2 12:3 13:4"));

        const auto errors = errorsDownstream(model, {trace("01"), kNone});
        QCOMPARE(errors.size(), size_t(5));
        QCOMPARE(model.str(model.cold[errors[0]].statusMessage), std::string_view("card declined"));

        const auto edges = traceEdges(model);
        // 01->02,03,04,10; 02,03->05; 10->11->12->13; the cycle. Nothing for 30, 40.
        QCOMPARE(edges.size(), size_t(12));
        auto edge = [&](const char *cause, const char *effect) -> const TraceEdge & {
            for (const auto &e : edges)
                if (e.cause == trace(cause) && e.effect == trace(effect))
                    return e;
            qFatal("no edge %s -> %s", cause, effect);
        };
        const TraceEdge &toInventory = edge("01", "02");
        QCOMPARE(toInventory.lagMedian, int64_t(5'000'000));
        QCOMPARE(toInventory.attributeSummary.size(), size_t(2));
        QCOMPARE(toInventory.attributeSummary[0].key, std::string("messaging.destination.name"));
        QCOMPARE(toInventory.attributeSummary[1].value, std::string("m-1001"));
        QCOMPARE(edge("01", "04").lagMax, int64_t(30'000'000));
        QCOMPARE(edge("02", "05").lagMin, int64_t(814'000'000));
        QCOMPARE(edge("12", "13").attributeSummary.at(0).value, std::string("dead_letter_of"));
        QCOMPARE(edge("12", "13").lagMedian, int64_t(30'000'000'000));

        const TraceGraph g = buildTraceGraph(model, trace("01"), {.depth = 1});
        checkGraphInvariants(g, model);
        QCOMPARE(g.nodes.size(), size_t(5));
        QCOMPARE(g.edges.size(), size_t(4));
        QCOMPARE(buildTraceGraph(model, trace("30")).nodes.size(), size_t(1));
        QVERIFY(buildTraceGraph(model, trace("40")).edges.empty());
    }

    // A public sample from Jaeger's test fixtures: trace 0002's two spans link
    // to span 4 of trace 0001, which links to itself; every span also links to
    // a trace that is not there, and 0001's span 2 links inside its trace.
    void publicSample()
    {
        Model model;
        const LoadResult loaded = loadFiles({causeway::test::publicSample("jaeger_memory_otel_traces_01.json")}, model);
        QVERIFY2(loaded.ok, loaded.error.text().c_str());
        Reference first, second;
        std::string error;
        QVERIFY(resolveReference(model, "00000000000000010000000000000000", first, error));
        QVERIFY(resolveReference(model, "00000000000000020000000000000000", second, error));

        QCOMPARE(chain(model, first, {Direction::Upstream}).traces, std::vector<uint32_t>{first.trace});
        QCOMPARE(chain(model, first, {Direction::Downstream}).traces, (std::vector<uint32_t>{first.trace, second.trace}));
        QCOMPARE(chain(model, second, {Direction::Upstream}).hops, (std::vector<uint32_t>{1, 0}));
        QCOMPARE(errorsDownstream(model, first).size(), size_t(2));
        QVERIFY(errorsDownstream(model, second).empty());

        const auto edges = traceEdges(model);
        QCOMPARE(edges.size(), size_t(1));
        QCOMPARE(edges[0].cause, first.trace);
        QCOMPARE(edges[0].effect, second.trace);
        QCOMPARE(edges[0].links.size(), size_t(2));
        QCOMPARE(edges[0].lagMin, int64_t(0));
        QCOMPARE(edges[0].lagMax, int64_t(0));
        QCOMPARE(edges[0].attributeSummary.size(), size_t(1));
        QCOMPARE(edges[0].attributeSummary[0].key, std::string("opentracing.ref_type"));
        QCOMPARE(edges[0].attributeSummary[0].value, std::string("follows_from"));
        QCOMPARE(edges[0].attributeSummary[0].count, 2u);
    }

    // The bundled sample, written by the OpenTelemetry JS SDK; expectations
    // computed independently from its JSON Lines twin (see resources/samples/README.md).
    void bundledSample()
    {
        Model model;
        const LoadResult loaded = loadFiles({causeway::test::bundledSample("causeway-sample.pb")}, model);
        QVERIFY2(loaded.ok, loaded.error.text().c_str());
        QCOMPARE(model.traces.size(), size_t(84));

        auto trace = [&](const char *hex) {
            Reference r;
            std::string error;
            if (!resolveReference(model, hex, r, error))
                qFatal("%s", error.c_str());
            return r;
        };
        auto hex = [&](uint32_t t) { return model.traces[t].id.hex(); };

        // The checkout of order ord_4dbmf is fine, but a payment consumer it
        // triggered hit a deadlock.
        auto spans = errorsDownstream(model, trace("86af498361fbc6366d1bfc74bd4a1b9e"));
        QCOMPARE(spans.size(), size_t(1));
        QCOMPARE(model.cold[spans[0]].traceId.hex(), std::string("c484ff7480743130fa6f2131e9db635e"));
        QCOMPARE(model.cold[spans[0]].spanId.hex(), std::string("1c97b1c722312362"));
        QCOMPARE(model.str(model.hot[spans[0]].name), std::string_view("INSERT shop.payments"));
        QCOMPARE(model.str(model.cold[spans[0]].statusMessage), std::string_view("PostgresError: deadlock detected"));

        // Order ord_4dbnd: three failed attempts in the retry chain, three
        // error spans each.
        spans = errorsDownstream(model, trace("10aa1b3084c289e4a1901ac4ae17688d"));
        QStringList found;
        for (uint32_t s : spans)
            found << QString::fromStdString(model.cold[s].traceId.hex() + "/" + model.cold[s].spanId.hex());
        QCOMPARE(found, (QStringList{
                            QStringLiteral("160d8fce005a3b375afc0a8668bb5e0a/01c1c464512ccedd"),
                            QStringLiteral("160d8fce005a3b375afc0a8668bb5e0a/1de2a2fb870fc0ca"),
                            QStringLiteral("160d8fce005a3b375afc0a8668bb5e0a/ec0645d647d6c124"),
                            QStringLiteral("5f5b5956ae68965780924e973b3db2f1/0910d7392b25ac6c"),
                            QStringLiteral("5f5b5956ae68965780924e973b3db2f1/607ee0606f24fa08"),
                            QStringLiteral("5f5b5956ae68965780924e973b3db2f1/613359a4b5f80454"),
                            QStringLiteral("da6f7dff4ba24091b92558d70fc6bf60/64ae5645cf4d0007"),
                            QStringLiteral("da6f7dff4ba24091b92558d70fc6bf60/72bd3fffa37200fd"),
                            QStringLiteral("da6f7dff4ba24091b92558d70fc6bf60/8d1fffa1f59f76e1")}));

        // Upstream of the dead letter: the three attempts and the checkout.
        ChainResult r = chain(model, trace("068bbe47b77eb63ac9aec14cc9cf35e1"), {Direction::Upstream});
        QStringList reached;
        for (size_t i = 0; i < r.traces.size(); ++i)
            reached << QStringLiteral("%1:%2").arg(QString::fromStdString(hex(r.traces[i]))).arg(r.hops[i]);
        QCOMPARE(reached, (QStringList{QStringLiteral("068bbe47b77eb63ac9aec14cc9cf35e1:0"),
                                       QStringLiteral("10aa1b3084c289e4a1901ac4ae17688d:4"),
                                       QStringLiteral("160d8fce005a3b375afc0a8668bb5e0a:1"),
                                       QStringLiteral("5f5b5956ae68965780924e973b3db2f1:2"),
                                       QStringLiteral("da6f7dff4ba24091b92558d70fc6bf60:3")}));

        // The settlement batch: 40 item traces, and the 11 checkouts behind
        // the online payments.
        const Reference batch = trace("bf68987c6db0b484b5ce1735f262b0e2");
        r = chain(model, batch, {Direction::Upstream});
        QCOMPARE(r.traces.size(), size_t(52));
        QCOMPARE(*std::max_element(r.hops.begin(), r.hops.end()), 2u);
        QCOMPARE(chain(model, batch, {Direction::Both}).traces.size(), size_t(80));

        // Its 40 links collapse into one group (threshold 25), one edge.
        const TraceGraph g = buildTraceGraph(model, batch.trace);
        checkGraphInvariants(g, model);
        QCOMPARE(g.nodes.size(), size_t(2));
        QVERIFY(g.nodes[1].isGroup());
        QCOMPARE(g.nodes[1].members.size(), size_t(40));
        QCOMPARE(g.edges.size(), size_t(1));
        QCOMPARE(g.edges[0].linkCount, 40u);
        QCOMPARE(g.edges[0].lagMin, int64_t(8041891849412));
        QCOMPARE(g.edges[0].lagMedian, int64_t(8546897983874));
        QCOMPARE(g.edges[0].lagMax, int64_t(8995467012335));
        // Expanded, the items show as one block, and at hop 2 the online
        // payments' checkouts and the receipt mails their payment consumers triggered.
        const TraceGraph expanded = buildTraceGraph(model, batch.trace, {.expandedGroups = {g.nodes[1].groupKey}});
        checkGraphInvariants(expanded, model);
        QCOMPARE(expanded.nodes.size(), size_t(1 + 1 + 22)); // hop 2: 11 checkouts, 11 receipt mails
        QVERIFY(expanded.nodes[1].expanded);
        QCOMPARE(expanded.nodes[1].members.size(), size_t(40));

        // The consumer edge carries the messaging attributes and the lag.
        const auto edges = traceEdges(model);
        const auto consumer = std::find_if(edges.begin(), edges.end(), [&](const TraceEdge &e) {
            return hex(e.cause) == "86af498361fbc6366d1bfc74bd4a1b9e" && hex(e.effect) == "2058dbd7ee13639dcc8b82c05734113d";
        });
        QVERIFY(consumer != edges.end());
        QCOMPARE(consumer->links.size(), size_t(1));
        QCOMPARE(consumer->lagMedian, int64_t(23896535));
        QCOMPARE(consumer->attributeSummary.size(), size_t(2));
        QCOMPARE(consumer->attributeSummary[0].key, std::string("messaging.destination.name"));
        QCOMPARE(consumer->attributeSummary[0].value, std::string("orders"));
        QCOMPARE(consumer->attributeSummary[1].value, std::string("01627e63-6f35-4766-8a41-fbf23c58adc7"));
    }

    // Around a trace, links to traces that are not loaded end at one
    // "not loaded" node per target trace (capped, the rest counted); a target
    // span missing from a loaded trace is not such a node. The whole-model
    // graph and a graph without the option have none.
    void notLoadedTargetsAreNodes()
    {
        TestModelBuilder b;
        b.add({1, 101, 0, 1000, 500, "consume",
               {{2, 201}, {2, 202}, {3, 301}, {4, 401}, {5, 999}}}); // 2 twice; 5 is loaded but 999 is not
        b.add({5, 501, 0, 100, 500, "produce"});
        const Model m = b.finish();
        const uint32_t centre = m.findTrace(TestModelBuilder::traceId(1));

        TraceGraph g = buildTraceGraph(m, centre, {.depth = 1, .unresolvedCap = 2});
        std::vector<TraceId> missing;
        for (const GraphNode &n : g.nodes) {
            QVERIFY(!n.notLoaded || !n.isGroup());
            if (n.notLoaded) {
                QCOMPARE(n.trace, kNone);
                missing.push_back(n.missing);
            }
        }
        QCOMPARE(missing.size(), size_t(2));
        QCOMPARE(missing[0], TestModelBuilder::traceId(2));
        QCOMPARE(missing[1], TestModelBuilder::traceId(3));
        QCOMPARE(g.unresolvedDropped, 1u); // trace 4, beyond the cap
        QCOMPARE(g.nodes.size(), size_t(3)); // 1 and the two placeholders (5 is linked only through the missing span)
        // One edge per placeholder, from it (the cause) to the linking trace; trace 2's carries both links.
        uint32_t toMissing = 0;
        for (const GraphEdge &e : g.edges) {
            if (!g.nodes[e.from].notLoaded)
                continue;
            ++toMissing;
            QCOMPARE(g.nodes[e.to].trace, centre);
            QCOMPARE(e.linkCount, g.nodes[e.from].missing == TestModelBuilder::traceId(2) ? 2u : 1u);
            QCOMPARE(e.lagMedian, int64_t(0));
        }
        QCOMPARE(toMissing, 2u);

        for (const GraphNode &n : buildTraceGraph(m, centre, {.depth = 1}).nodes)
            QVERIFY(!n.notLoaded);
        for (const GraphNode &n : buildTraceGraph(m, kNone, {.unresolvedCap = 10}).nodes)
            QVERIFY(!n.notLoaded);
    }

private:
    Model m_model;
    Model m_fanOut;
};

QTEST_GUILESS_MAIN(TestLinkGraph)
#include "tst_linkgraph.moc"
