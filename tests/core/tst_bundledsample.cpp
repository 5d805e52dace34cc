// The bundled sample (resources/samples): both files load cleanly, hold the
// same spans, show every pattern the README promises, and the README's table
// of trace ids matches the files.

#include "core/load.h"
#include "core/model.h"

#include "common/testutil.h"

#include <QTest>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

using namespace causeway;

namespace {

constexpr uint64_t kMinute = 60ull * 1000 * 1000 * 1000;

struct Loaded
{
    Model model;
    LoadResult result;
};

Loaded load(const char *name)
{
    Loaded l;
    l.result = loadFiles({causeway::test::bundledSample(name)}, l.model);
    return l;
}

TraceId traceId(const std::string &hex)
{
    TraceId id;
    if (parseId(hex, id) != IdParse::Ok)
        qFatal("bad trace id %s", hex.c_str());
    return id;
}

// Everything about a span that does not depend on where it sits in the pools.
std::string describe(const Model &m, uint32_t s)
{
    const SpanHot &h = m.hot[s];
    const SpanCold &c = m.cold[s];
    std::ostringstream out;
    out << m.str(h.name) << '|' << m.str(h.service) << '|' << h.start << '|' << h.end << '|' << int(h.kind) << '|'
        << int(h.status) << '|' << m.str(c.statusMessage) << '|' << c.parentSpanId.hex() << '|' << h.depth << '|'
        << c.flags << '|' << m.str(m.scopes[c.scope].name) << '|' << c.attributes.count << '|' << c.events.count;
    for (uint32_t a = c.attributes.first; a < c.attributes.end(); ++a)
        out << '|' << m.str(m.attributes[a].key);
    for (uint32_t e = c.events.first; e < c.events.end(); ++e)
        out << '|' << m.str(m.events[e].name) << '@' << m.events[e].time;
    for (uint32_t l = c.links.first; l < c.links.end(); ++l) {
        const Link &link = m.links[l];
        out << "|link " << link.traceId.hex() << '/' << link.spanId.hex() << ' ' << link.flags << ' '
            << m.str(link.traceState) << ' ' << link.attributes.count << ' ' << link.resolved();
    }
    return out.str();
}

std::string isoMillis(uint64_t ns)
{
    const std::time_t secs = std::time_t(ns / 1000000000ull);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, int(ns / 1000000 % 1000));
    return text;
}

// The span a trace's spans are rooted at (earliest root).
uint32_t rootOf(const Model &m, const std::string &hex)
{
    const uint32_t t = m.findTrace(traceId(hex));
    return t == kNone ? kNone : m.traces[t].root;
}

} // namespace

class TestBundledSample : public QObject
{
    Q_OBJECT

private slots:
    void loadsCleanly_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("jsonl") << QStringLiteral("causeway-sample.jsonl");
        QTest::newRow("protobuf") << QStringLiteral("causeway-sample.pb");
    }

    void loadsCleanly()
    {
        QFETCH(QString, file);
        const Loaded l = load(file.toUtf8().constData());
        QVERIFY2(l.result.ok, l.result.error.text().c_str());
        // The SDK writes nothing a reader should have to repair or skip.
        for (const Diagnostic &d : l.model.diagnostics.items())
            QVERIFY2(d.severity == Severity::Info, (d.code + ": " + d.message).c_str());
        QCOMPARE(l.model.traces.size(), size_t(84));
        QCOMPARE(l.model.spanCount(), size_t(584));
        QCOMPARE(l.model.links.size(), size_t(90));
        const auto resolved = std::count_if(l.model.links.begin(), l.model.links.end(), [](const Link &k) { return k.resolved(); });
        QCOMPARE(resolved, 87);
        std::set<std::string_view> services;
        for (const Resource &r : l.model.resources)
            services.insert(l.model.str(r.serviceName));
        QCOMPARE(services.size(), size_t(9));
    }

    // The JSON Lines file and the protobuf file are two encodings of one export.
    void jsonLinesAndProtobufAgree()
    {
        const Loaded json = load("causeway-sample.jsonl");
        const Loaded pb = load("causeway-sample.pb");
        QVERIFY2(json.result.ok, json.result.error.text().c_str());
        QVERIFY2(pb.result.ok, pb.result.error.text().c_str());
        std::map<std::string, std::string> fromJson;
        for (uint32_t s = 0; s < json.model.spanCount(); ++s)
            fromJson[json.model.cold[s].traceId.hex() + json.model.cold[s].spanId.hex()] = describe(json.model, s);
        QCOMPARE(fromJson.size(), pb.model.spanCount());
        for (uint32_t s = 0; s < pb.model.spanCount(); ++s) {
            const std::string key = pb.model.cold[s].traceId.hex() + pb.model.cold[s].spanId.hex();
            const auto it = fromJson.find(key);
            QVERIFY2(it != fromJson.end(), key.c_str());
            QCOMPARE(QString::fromStdString(describe(pb.model, s)), QString::fromStdString(it->second));
        }
    }

    // Every row of the README's table names a trace in the files, with its
    // root span id, service, root span name and start time.
    void readmeTableMatches()
    {
        std::ifstream in(causeway::test::bundledSample("README.md"));
        QVERIFY(in);
        const Loaded l = load("causeway-sample.pb");
        QVERIFY2(l.result.ok, l.result.error.text().c_str());
        const Model &m = l.model;
        const std::regex row(R"(^\| ([^|]+) \| `([0-9a-f]{32})` \| `([0-9a-f]{16})` \| ([^|]+) \| ([^|]+) \| ([^|]+) \| .*\|$)");
        std::set<std::string> seen;
        std::string line;
        while (std::getline(in, line)) {
            std::smatch match;
            if (!std::regex_match(line, match, row))
                continue;
            const std::string trace = match[2], rootSpan = match[3], service = match[4], name = match[5], start = match[6];
            QVERIFY2(seen.insert(trace).second, ("listed twice: " + trace).c_str());
            const uint32_t root = rootOf(m, trace);
            QVERIFY2(root != kNone, ("not in the sample: " + trace).c_str());
            QCOMPARE(m.cold[root].spanId.hex(), rootSpan);
            QCOMPARE(std::string(m.str(m.hot[root].service)), service);
            QCOMPARE(std::string(m.str(m.hot[root].name)), name);
            QCOMPARE(isoMillis(m.hot[root].start), start);
        }
        // The table lists every trace.
        QCOMPARE(seen.size(), m.traces.size());
    }

    void patterns()
    {
        const Loaded l = load("causeway-sample.pb");
        QVERIFY2(l.result.ok, l.result.error.text().c_str());
        const Model &m = l.model;

        // A span kind of every type the SDK writes.
        std::set<SpanKind> kinds;
        for (const SpanHot &h : m.hot)
            kinds.insert(h.kind);
        QCOMPARE(kinds, (std::set<SpanKind>{SpanKind::Internal, SpanKind::Server, SpanKind::Client, SpanKind::Producer, SpanKind::Consumer}));

        // The checkout request nests deep: HTTP -> controller -> pricing service -> cache.
        const uint32_t checkout = m.findTrace(traceId("c6e2f72626bb0b0de84c934ae1c1d8e5"));
        QVERIFY(checkout != kNone);
        QCOMPARE(m.traces[checkout].maxDepth, uint16_t(7));
        QCOMPARE(m.traces[checkout].services.count, 2u); // checkout-api and pricing-service

        // Retry chain: dead letter -> attempt 3 -> attempt 2 -> attempt 1 -> the orders publish span.
        const std::vector<std::string> chain = {"068bbe47b77eb63ac9aec14cc9cf35e1", "160d8fce005a3b375afc0a8668bb5e0a",
                                                "5f5b5956ae68965780924e973b3db2f1", "da6f7dff4ba24091b92558d70fc6bf60",
                                                "10aa1b3084c289e4a1901ac4ae17688d"};
        for (size_t i = 0; i + 1 < chain.size(); ++i) {
            const uint32_t root = rootOf(m, chain[i]);
            const Range out = m.outgoingLinks(root);
            QCOMPARE(out.count, 1u);
            const Link &link = m.links[out.first];
            QVERIFY(link.resolved());
            QCOMPARE(m.cold[link.target].traceId.hex(), chain[i + 1]);
            if (i + 2 < chain.size()) { // the target is a failed attempt, ERROR with an exception in its trace
                QCOMPARE(m.hot[link.target].status, StatusCode::Error);
                QVERIFY(!m.str(m.cold[link.target].statusMessage).empty());
            } else {
                QCOMPARE(m.hot[link.target].kind, SpanKind::Producer);
                QCOMPARE(m.str(m.hot[link.target].name), std::string_view("orders publish"));
            }
        }
        QCOMPARE(m.str(m.hot[rootOf(m, chain[0])].name), std::string_view("orders.dlq process"));

        // The nightly batch links 40 items and starts over two hours after the last of them.
        const uint32_t batchRoot = rootOf(m, "bf68987c6db0b484b5ce1735f262b0e2");
        const Range batchLinks = m.outgoingLinks(batchRoot);
        QCOMPARE(batchLinks.count, 40u);
        uint64_t latestItemEnd = 0;
        std::set<uint32_t> itemTraces;
        for (uint32_t k = batchLinks.first; k < batchLinks.end(); ++k) {
            const Link &link = m.links[k];
            QVERIFY(link.resolved());
            itemTraces.insert(m.hot[link.target].trace);
            latestItemEnd = std::max(latestItemEnd, m.traces[m.hot[link.target].trace].end);
        }
        QCOMPARE(itemTraces.size(), size_t(40));
        const uint64_t gap = m.hot[batchRoot].start - latestItemEnd;
        QVERIFY2(gap > 2 * 60 * kMinute + 13 * kMinute && gap < 2 * 60 * kMinute + 15 * kMinute, std::to_string(gap).c_str());

        // Unresolved links come from the CRM consumers only; one carries a trace state.
        int unresolved = 0, withState = 0;
        for (const Link &link : m.links) {
            if (link.resolved())
                continue;
            ++unresolved;
            QCOMPARE(m.str(m.hot[link.from].name), std::string_view("customer-events process"));
            QCOMPARE(m.findTrace(link.traceId), kNone);
            withState += !m.str(link.traceState).empty();
        }
        QCOMPARE(unresolved, 3);
        QCOMPARE(withState, 1);

        // Consumers start after their producer, within minutes (the search
        // indexer's batch poll links messages up to four minutes old); the
        // settlement batch is the one long gap.
        for (const Link &link : m.links) {
            if (!link.resolved() || m.hot[link.target].kind != SpanKind::Producer)
                continue;
            const int64_t lag = int64_t(m.hot[link.from].start) - int64_t(m.hot[link.target].start);
            QVERIFY(lag > 0);
            QVERIFY(uint64_t(lag) < 10 * kMinute);
        }
    }
};

QTEST_GUILESS_MAIN(TestBundledSample)
#include "tst_bundledsample.moc"
