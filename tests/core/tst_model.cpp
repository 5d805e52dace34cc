// The model's derived structure: identity, parents, depth, traces, the link
// table, merging fragments, and the id and string helpers it rests on.

#include "core/ids.h"
#include "core/load.h"
#include "core/model.h"

#include "common/modelcompare.h"

#include <QtTest>

#include <thread>

using namespace causeway;
using causeway::test::compareModels;

namespace {

// An id numbered n (its last four bytes, big-endian), the first byte a tag
// that keeps one test's ids apart from another's.
template<size_t N>
Id<N> numberedId(uint8_t tag, uint32_t n)
{
    Id<N> id;
    id.bytes[0] = tag;
    for (size_t i = 0; i < 4; ++i)
        id.bytes[N - 1 - i] = uint8_t(n >> (8 * i));
    return id;
}

TraceId traceId(uint8_t n)
{
    TraceId id;
    id.bytes[15] = n;
    id.bytes[0] = 0xab;
    return id;
}

SpanId spanId(uint8_t n)
{
    SpanId id;
    id.bytes[7] = n;
    id.bytes[0] = 0xcd;
    return id;
}

// Appends a span; returns its index. parent 0 = none.
uint32_t addSpan(Model &m, uint8_t trace, uint8_t span, uint8_t parent, uint64_t start, uint64_t end,
                 StatusCode status = StatusCode::Unset, std::string_view service = "svc")
{
    if (m.resources.empty()) {
        m.resources.push_back({});
        m.scopes.push_back({});
    }
    SpanHot h;
    h.start = start;
    h.end = end;
    h.status = status;
    h.name = m.strings.intern("span-" + std::to_string(span));
    h.service = m.strings.intern(service);
    SpanCold c;
    c.traceId = traceId(trace);
    c.spanId = spanId(span);
    if (parent)
        c.parentSpanId = spanId(parent);
    c.links = {uint32_t(m.links.size()), 0};
    m.hot.push_back(h);
    m.cold.push_back(c);
    return uint32_t(m.hot.size() - 1);
}

void addLink(Model &m, uint32_t from, uint8_t trace, uint8_t span)
{
    // Links of one span are contiguous: only valid right after its span was added.
    QCOMPARE(from, uint32_t(m.hot.size() - 1));
    Link l;
    l.from = from;
    l.traceId = traceId(trace);
    l.spanId = spanId(span);
    m.links.push_back(l);
    m.cold[from].links.count++;
}


// A fragment as a reader builds one: two resources with attributes, a scope
// each, `spans` spans with attributes (nested arrays and kvlists, bytes),
// events, links and a diagnostic. Keys and service names repeat across
// fragments; most values (ids, paths) are new in each.
Model richFragment(int seed, int spans)
{
    Model m;
    auto add = [&m](std::string_view key, Value v) {
        m.attributes.push_back({m.strings.intern(key), v});
    };
    auto text = [&m](const std::string &s) { return m.strings.intern(s); };
    for (int r = 0; r < 2; ++r) {
        Resource res;
        res.attributes.first = uint32_t(m.attributes.size());
        add("service.name", Value::makeString(text("svc-" + std::to_string(r))));
        add("host.name", Value::makeString(text("host-" + std::to_string(seed) + "-" + std::to_string(r))));
        res.attributes.count = 2;
        res.serviceName = text("svc-" + std::to_string(r));
        res.schemaUrl = text("https://example.com/schema/" + std::to_string(seed % 3));
        m.resources.push_back(res);
        Scope scope;
        scope.resource = uint32_t(r);
        scope.name = text("lib");
        scope.version = text("v" + std::to_string(seed));
        m.scopes.push_back(scope);
    }
    for (int i = 0; i < spans; ++i) {
        const std::string tag = std::to_string(seed) + "-" + std::to_string(i);
        const auto span = uint32_t(m.hot.size());
        SpanHot h;
        h.start = uint64_t(1000 * seed + i);
        h.end = h.start + 10;
        h.name = text(i % 4 ? "GET /orders/" + tag : "handle");
        h.service = text("svc-" + std::to_string(i % 2));
        SpanCold c;
        c.traceId = traceId(uint8_t(seed));
        c.traceId.bytes[1] = uint8_t(i / 8);
        c.spanId = spanId(uint8_t(i));
        c.spanId.bytes[1] = uint8_t(seed);
        c.scope = uint32_t(i % 2);
        c.traceState = i % 5 ? 0 : text("state=" + tag);
        c.statusMessage = i % 7 ? 0 : text("failed " + tag);
        // Attributes: a string, an array of a string and an int, a kvlist
        // of one entry, bytes.
        const auto values = uint32_t(m.values.size());
        m.values.push_back(Value::makeString(text("item-" + tag)));
        m.values.push_back(Value::makeInt(i));
        const auto inner = uint32_t(m.attributes.size());
        add("inner.key", Value::makeString(text("inner-" + tag)));
        c.attributes.first = uint32_t(m.attributes.size());
        add("order.id", Value::makeString(text("order-" + tag)));
        add("list", Value::makeArray({values, 2}));
        add("map", Value::makeKvList({inner, 1}));
        add("raw", Value::makeBytes(text(std::string("\0\1", 2) + tag)));
        c.attributes.count = 4;
        if (i % 3 == 0) {
            Event e;
            e.time = h.start + 1;
            e.name = text(i % 2 ? "exception" : "cache.miss " + tag);
            e.attributes.first = uint32_t(m.attributes.size());
            add("exception.message", Value::makeString(text("boom " + tag)));
            e.attributes.count = 1;
            c.events = {uint32_t(m.events.size()), 1};
            m.events.push_back(e);
        } else {
            c.events = {uint32_t(m.events.size()), 0};
        }
        c.links = {uint32_t(m.links.size()), 0};
        if (i % 4 == 1) {
            Link l;
            l.from = span;
            l.traceId = traceId(uint8_t(seed - 1));
            l.spanId = spanId(uint8_t(i));
            l.traceState = text("link-" + tag);
            l.attributes.first = uint32_t(m.attributes.size());
            add("link.kind", Value::makeString(text("follows")));
            l.attributes.count = 1;
            m.links.push_back(l);
            c.links.count = 1;
        }
        m.hot.push_back(h);
        m.cold.push_back(c);
    }
    m.diagnostics.add(diag::SpanBadTraceId, "fragment " + std::to_string(seed));
    return m;
}

} // namespace

class TestModel : public QObject
{
    Q_OBJECT
private slots:
    void parentsDepthsAndTraces()
    {
        Model m;
        addSpan(m, 1, 1, 0, 100, 200);
        addSpan(m, 1, 3, 2, 130, 140); // child of a child that comes later in the input
        addSpan(m, 1, 2, 1, 110, 190);
        addSpan(m, 2, 9, 0, 50, 60, StatusCode::Error, "other");
        m.finalize();

        QCOMPARE(m.traces.size(), size_t(2));
        QCOMPARE(m.hot[0].depth, uint16_t(0));
        QCOMPARE(m.hot[2].parent, 0u);
        QCOMPARE(m.hot[2].depth, uint16_t(1));
        QCOMPARE(m.hot[1].parent, 2u);
        QCOMPARE(m.hot[1].depth, uint16_t(2));

        const Trace &t = m.traces[m.findTrace(traceId(1))];
        QCOMPARE(t.spans.count, 3u);
        QCOMPARE(t.start, 100u);
        QCOMPARE(t.end, 200u);
        QCOMPARE(t.root, 0u);
        QCOMPARE(t.maxDepth, uint16_t(2));
        // Spans of a trace are listed by start time.
        QCOMPARE(m.traceSpans[t.spans.first + 1], 2u);
        QCOMPARE(m.traceSpans[t.spans.first + 2], 1u);

        const Trace &u = m.traces[m.findTrace(traceId(2))];
        QCOMPARE(u.errorCount, 1u);
        QCOMPARE(u.services.count, 1u);
        QCOMPARE(m.str(m.traceServices[u.services.first]), std::string_view("other"));
        QVERIFY(m.diagnostics.empty());
    }

    void missingParentBecomesRootWithDiagnostic()
    {
        Model m;
        addSpan(m, 1, 1, 0, 0, 10);
        addSpan(m, 1, 2, 7, 1, 5); // parent 7 is not loaded
        m.finalize();
        QCOMPARE(m.hot[1].parent, kNone);
        QCOMPARE(m.hot[1].depth, uint16_t(0));
        QCOMPARE(m.traces[0].rootCount, 2u);
        QCOMPARE(m.diagnostics.count(diag::SpanParentMissing), 1u);
        // finalize() again does not count twice.
        m.finalize();
        QCOMPARE(m.diagnostics.count(diag::SpanParentMissing), 1u);
    }

    void selfParentAndCycleAreCut()
    {
        Model m;
        addSpan(m, 1, 1, 1, 0, 10);   // its own parent
        addSpan(m, 1, 2, 4, 0, 10);   // 2 -> 4 -> 3 -> 2
        addSpan(m, 1, 3, 2, 0, 10);
        addSpan(m, 1, 4, 3, 0, 10);
        m.finalize();
        QCOMPARE(m.hot[0].parent, kNone);
        QCOMPARE(m.diagnostics.count(diag::SpanParentSelf), 1u);
        QCOMPARE(m.diagnostics.count(diag::SpanParentCycle), 1u);
        // Exactly one edge of the cycle is cut, so the rest forms a chain with depths 0, 1, 2.
        std::vector<uint16_t> depths{m.hot[1].depth, m.hot[2].depth, m.hot[3].depth};
        std::sort(depths.begin(), depths.end());
        QCOMPARE(depths, (std::vector<uint16_t>{0, 1, 2}));
    }

    // Enough spans that finalize() hashes, places and sorts the span index
    // on two threads: every span is found, and copies of one key (in the
    // same half and across the halves) are dropped, the first kept, and
    // the diagnostic names the first copy in the input.
    void spanIndexOnTwoThreadsKeepsFirstCopies()
    {
        constexpr uint32_t kSpans = 300000;
        Model m;
        m.resources.push_back({});
        m.scopes.push_back({});
        auto add = [&m](uint32_t trace, uint32_t span, uint64_t start) {
            SpanHot h;
            h.start = start;
            h.end = start + 10;
            SpanCold c;
            c.traceId.bytes[0] = 0xab;
            c.spanId.bytes[0] = 0xcd;
            for (int i = 0; i < 4; ++i) {
                c.traceId.bytes[15 - i] = uint8_t(trace >> (8 * i));
                c.spanId.bytes[7 - i] = uint8_t(span >> (8 * i));
            }
            m.hot.push_back(h);
            m.cold.push_back(c);
        };
        for (uint32_t i = 0; i < kSpans; ++i)
            add(i / 10, i, i);
        // Copies: of early spans late (across the halves), and of late
        // spans later still (within the second half); a different start
        // tells the copy from the first.
        std::vector<uint32_t> copied;
        for (uint32_t i = 5; i < kSpans; i += 25013) {
            add(i / 10, i, 999999999);
            copied.push_back(i);
        }
        for (uint32_t i = kSpans - 7; i > kSpans - 40; i -= 3) {
            add(i / 10, i, 999999999);
            copied.push_back(i);
        }
        m.finalize();
        QCOMPARE(m.hot.size(), size_t(kSpans));
        QCOMPARE(m.diagnostics.count(diag::SpanDuplicate), uint64_t(copied.size()));
        const Diagnostic *d = m.diagnostics.find(diag::SpanDuplicate);
        QVERIFY(d);
        // The first copy in the input is the one named.
        const auto &first = m.cold[copied.front()];
        QVERIFY2(d->message.find(first.traceId.hex() + "/" + first.spanId.hex()) != std::string::npos, d->message.c_str());
        // Traces listed on two threads: each half's traces are new to the
        // other; in order of first appearance all the same.
        QCOMPARE(m.traces.size(), size_t(kSpans / 10));
        for (uint32_t i = 0; i < kSpans; ++i) {
            QCOMPARE(m.findSpan(m.cold[i].traceId, m.cold[i].spanId), i);
            QCOMPARE(m.hot[i].start, uint64_t(i));
            QCOMPARE(m.hot[i].trace, i / 10);
        }
        for (uint32_t t = 0; t < m.traces.size(); ++t)
            QCOMPARE(m.findTrace(m.traces[t].id), t);
    }

    // Enough spans that finalize() walks the depths on two threads, a half
    // of the traces each; the traces' spans interleaved in the input, some
    // traces with parent cycles in both halves: the parents, depths and
    // cycle diagnostics (in order) of one walk over all spans in span order.
    void depthsOnTwoThreadsMatchOneWalk()
    {
        constexpr uint32_t kTraces = 20000, kPerTrace = 12;
        Model m;
        m.resources.push_back({});
        m.scopes.push_back({});
        std::vector<uint32_t> parentOf; // the span each span names, kNone for none
        auto id = [](uint32_t n) { return numberedId<8>(0xcd, n); };
        auto tid = [](uint32_t n) { return numberedId<16>(0xab, n); };
        // Round k adds span k of every trace, so a trace's spans are spread
        // over the whole input. Span k's parent is span (k - 1) / 2 of its
        // trace (a tree); in every 97th trace span 0 names span 11, closing
        // a cycle 0 <- 1 <- 3 <- 7 <- ... and 11 -> 5 -> 2 -> 0.
        for (uint32_t k = 0; k < kPerTrace; ++k) {
            for (uint32_t t = 0; t < kTraces; ++t) {
                SpanHot h;
                h.start = 1000 + k;
                h.end = 2000;
                SpanCold c;
                c.traceId = tid(t + 1);
                c.spanId = id(k + 1);
                uint32_t parent = kNone;
                if (k > 0)
                    parent = (k - 1) / 2;
                else if (t % 97 == 0)
                    parent = 11;
                if (parent != kNone)
                    c.parentSpanId = id(parent + 1);
                parentOf.push_back(parent == kNone ? kNone : parent * kTraces + t);
                m.hot.push_back(h);
                m.cold.push_back(c);
            }
        }
        m.finalize();
        const auto n = uint32_t(m.hot.size());
        QVERIFY(n >= 200000);

        // The walk finalize() made on one thread before, here on its own.
        std::vector<uint32_t> parent = parentOf;
        std::vector<uint16_t> depth(n, 0);
        std::vector<uint8_t> state(n, 0);
        std::vector<uint32_t> cut, walk;
        for (uint32_t s = 0; s < n; ++s) {
            if (state[s] == 2)
                continue;
            walk.clear();
            uint32_t cur = s;
            while (state[cur] == 0) {
                state[cur] = 1;
                walk.push_back(cur);
                const uint32_t p = parent[cur];
                if (p == kNone)
                    break;
                if (state[p] == 1) {
                    cut.push_back(cur);
                    parent[cur] = kNone;
                    break;
                }
                cur = p;
            }
            for (auto it = walk.rbegin(); it != walk.rend(); ++it) {
                depth[*it] = parent[*it] == kNone ? 0 : uint16_t(depth[parent[*it]] + 1);
                state[*it] = 2;
            }
        }
        QCOMPARE(cut.size(), size_t((kTraces + 96) / 97));
        // Every trace has spans in both halves: listed once, in order of
        // first appearance.
        QCOMPARE(m.traces.size(), size_t(kTraces));
        for (uint32_t t = 0; t < kTraces; ++t) {
            QCOMPARE(m.traces[t].id, tid(t + 1));
            QCOMPARE(m.findTrace(tid(t + 1)), t);
        }
        for (uint32_t i = 0; i < n; ++i) {
            QCOMPARE(m.hot[i].trace, i % kTraces);
            QCOMPARE(m.hot[i].parent, parent[i]);
            QCOMPARE(m.hot[i].depth, depth[i]);
        }
        QCOMPARE(m.diagnostics.count(diag::SpanParentCycle), uint64_t(cut.size()));
        const Diagnostic *cycles = nullptr;
        for (const auto &d : m.diagnostics.items())
            if (d.code == diag::SpanParentCycle.code)
                cycles = &d;
        QVERIFY(cycles);
        QVERIFY(!cycles->places.empty());
        for (size_t k = 0; k < cycles->places.size(); ++k) {
            const std::string span = m.cold[cut[k]].traceId.hex() + "/" + m.cold[cut[k]].spanId.hex();
            QVERIFY2(cycles->places[k].find(span) != std::string::npos, (cycles->places[k] + " vs " + span).c_str());
        }
    }

    // Enough spans that finalize() lists each trace's spans and counts its
    // links on two threads, a half of the spans each, with every trace's
    // spans in both halves: each trace lists all its spans, by start, and
    // its links out and in; every span's link flags and incoming links are
    // those of the link table.
    void spanListsAndLinkCountsOnTwoThreads()
    {
        constexpr uint32_t kTraces = 9000, kPerTrace = 24;
        Model m;
        m.resources.push_back({});
        m.scopes.push_back({});
        auto tid = [](uint32_t n) { return numberedId<16>(0x5e, n); };
        auto sid = [](uint32_t n) { return numberedId<8>(0x11, n); };
        // Round k adds span k of every trace; span k starts at 5000 - k, so
        // sorting by start reverses a trace's input order. Every 4th span
        // of a trace links to span 0 of the next trace (the last trace's to
        // a trace not loaded).
        std::vector<uint32_t> linksOut(kTraces, 0), linksIn(kTraces, 0);
        for (uint32_t k = 0; k < kPerTrace; ++k) {
            for (uint32_t t = 0; t < kTraces; ++t) {
                SpanHot h;
                h.start = 5000 - k;
                h.end = 6000;
                SpanCold c;
                c.traceId = tid(t + 1);
                c.spanId = sid(k + 1);
                if (k % 4 == 3) {
                    Link l;
                    l.from = uint32_t(m.hot.size());
                    l.traceId = tid(t + 2);
                    l.spanId = sid(1);
                    c.links = {uint32_t(m.links.size()), 1};
                    m.links.push_back(l);
                    ++linksOut[t];
                    if (t + 1 < kTraces)
                        ++linksIn[t + 1];
                }
                m.hot.push_back(h);
                m.cold.push_back(c);
            }
        }
        m.finalize();
        QVERIFY(m.hot.size() >= 200000);
        QCOMPARE(m.traces.size(), size_t(kTraces));
        QCOMPARE(m.traceSpans.size(), m.hot.size());
        for (uint32_t t = 0; t < kTraces; ++t) {
            const Trace &tr = m.traces[t];
            QCOMPARE(tr.spans.count, kPerTrace);
            for (uint32_t k = 0; k < kPerTrace; ++k)
                QCOMPARE(m.traceSpans[tr.spans.first + k], (kPerTrace - 1 - k) * kTraces + t);
            QCOMPARE(tr.linksOut, linksOut[t]);
            QCOMPARE(tr.linksIn, linksIn[t]);
        }
        for (uint32_t i = 0; i < m.hot.size(); ++i) {
            const uint32_t k = i / kTraces, t = i % kTraces;
            const bool out = k % 4 == 3, in = k == 0 && t > 0;
            QCOMPARE(m.hot[i].hasLinks, uint8_t((out ? 1 : 0) | (in ? 2 : 0)));
            const Range r = m.incomingRanges[i];
            QCOMPARE(r.count, in ? uint32_t(kPerTrace / 4) : 0u);
            for (uint32_t j = r.first; j < r.end(); ++j) {
                const Link &l = m.links[m.incoming[j]];
                QCOMPARE(l.target, i);
                QCOMPARE(m.hot[l.from].trace, t - 1);
            }
        }
    }

    void deepChainDoesNotRecurse()
    {
        Model m;
        const int depth = 5000;
        // Built from the leaf up, so parents come after their children in the input.
        for (int i = depth; i >= 1; --i) {
            SpanHot h;
            h.start = uint64_t(i);
            h.end = uint64_t(2 * depth - i);
            SpanCold c;
            c.traceId = traceId(1);
            c.spanId.bytes[6] = uint8_t(i >> 8);
            c.spanId.bytes[7] = uint8_t(i);
            if (i > 1) {
                c.parentSpanId.bytes[6] = uint8_t((i - 1) >> 8);
                c.parentSpanId.bytes[7] = uint8_t(i - 1);
            }
            m.hot.push_back(h);
            m.cold.push_back(c);
        }
        m.resources.push_back({});
        m.scopes.push_back({});
        m.finalize();
        QCOMPARE(m.hot[0].depth, uint16_t(depth - 1));
        QCOMPARE(m.traces[0].maxDepth, uint16_t(depth - 1));
        QVERIFY(m.diagnostics.empty());
    }

    void linksResolveBothWays()
    {
        Model m;
        uint32_t producer = addSpan(m, 1, 1, 0, 0, 10);
        uint32_t consumer = addSpan(m, 2, 2, 0, 20, 30);
        addLink(m, consumer, 1, 1);       // to the producer: resolved
        addLink(m, consumer, 9, 9);       // to a span that is not loaded
        uint32_t self = addSpan(m, 3, 3, 0, 0, 5);
        addLink(m, self, 3, 3);           // a self-link
        m.finalize();

        QCOMPARE(m.links.size(), size_t(3));
        QCOMPARE(m.links[0].target, producer);
        QVERIFY(!m.links[1].resolved());
        QCOMPARE(m.links[2].target, self);
        QCOMPARE(m.outgoingLinks(consumer).count, 2u);
        Range in = m.incomingLinks(producer);
        QCOMPARE(in.count, 1u);
        QCOMPARE(m.incoming[in.first], 0u);
        QCOMPARE(m.incomingLinks(consumer).count, 0u);
        QCOMPARE(int(m.hot[consumer].hasLinks), 1);
        QCOMPARE(int(m.hot[producer].hasLinks), 2);
        QCOMPARE(int(m.hot[self].hasLinks), 3);
        QCOMPARE(m.traces[m.hot[consumer].trace].linksOut, 2u);
        QCOMPARE(m.traces[m.hot[producer].trace].linksIn, 1u);
    }

    void unresolvedLinkResolvesWhenTargetArrives()
    {
        Model first;
        uint32_t consumer = addSpan(first, 2, 2, 0, 20, 30);
        addLink(first, consumer, 1, 1);
        first.finalize();
        QVERIFY(!first.links[0].resolved());

        Model second;
        addSpan(second, 1, 1, 0, 0, 10, StatusCode::Unset, "producer-svc");
        first.merge(std::move(second));
        first.finalize();
        QVERIFY(first.links[0].resolved());
        QCOMPARE(first.str(first.hot[first.links[0].target].service), std::string_view("producer-svc"));
    }

    void duplicateSpansKeptOnce()
    {
        Model a, b;
        uint32_t s = addSpan(a, 1, 1, 0, 0, 10);
        addLink(a, s, 2, 2);
        s = addSpan(b, 1, 1, 0, 0, 10);
        addLink(b, s, 2, 2);
        addSpan(b, 2, 2, 0, 0, 10);
        a.finalize();
        a.merge(std::move(b));
        a.finalize();
        QCOMPARE(a.spanCount(), size_t(2));
        QCOMPARE(a.links.size(), size_t(1)); // the duplicate's link went with it
        QVERIFY(a.links[0].resolved());
        QCOMPARE(a.links[0].from, 0u);
        QCOMPARE(a.diagnostics.count(diag::SpanDuplicate), 1u);
    }

    void spanIndexTellsCollidingKeysApart()
    {
        // Spans of four traces whose (trace id, span id) hash alike: the
        // hash is one-to-one in the span id once the trace is fixed, so the
        // span id that lands on a given hash can be computed.
        auto colliding = [](const TraceId &from, const SpanId &span, const TraceId &to) {
            uint64_t w;
            std::memcpy(&w, span.bytes.data(), 8);
            w ^= Model::traceIdMix(from) ^ Model::traceIdMix(to);
            SpanId out;
            std::memcpy(out.bytes.data(), &w, 8);
            return out;
        };
        Model m;
        addSpan(m, 1, 1, 0, 0, 10);              // 0: (T1, S1)
        addSpan(m, 2, 9, 0, 0, 10);              // 1: (T2, colliding)
        addSpan(m, 3, 9, 0, 0, 10);              // 2: (T3, colliding)
        addSpan(m, 2, 9, 0, 0, 10);              // a second copy of 1
        addSpan(m, 2, 5, 0, 1, 5);               // 3: child of 1
        m.cold[1].spanId = colliding(traceId(1), spanId(1), traceId(2));
        m.cold[2].spanId = colliding(traceId(1), spanId(1), traceId(3));
        m.cold[3].spanId = m.cold[1].spanId;
        m.cold[4].parentSpanId = m.cold[1].spanId;
        const SpanId missing = colliding(traceId(1), spanId(1), traceId(4));
        QCOMPARE(Model::spanKeyHash(traceId(2), m.cold[1].spanId), Model::spanKeyHash(traceId(1), spanId(1)));
        QCOMPARE(Model::spanKeyHash(traceId(3), m.cold[2].spanId), Model::spanKeyHash(traceId(1), spanId(1)));
        QCOMPARE(Model::spanKeyHash(traceId(4), missing), Model::spanKeyHash(traceId(1), spanId(1)));
        // Links from the child to each colliding span and to one not loaded.
        Link l;
        l.from = 4;
        for (auto [t, s] : {std::pair{traceId(3), m.cold[2].spanId}, {traceId(1), spanId(1)}, {traceId(4), missing}}) {
            l.traceId = t;
            l.spanId = s;
            m.links.push_back(l);
        }
        m.cold[4].links = {0, 3};
        m.finalize();

        QCOMPARE(m.spanCount(), size_t(4)); // the copy went, nothing else
        QCOMPARE(m.diagnostics.count(diag::SpanDuplicate), uint64_t(1));
        QVERIFY(m.diagnostics.find(diag::SpanDuplicate)->message.find(m.cold[1].spanId.hex()) != std::string::npos);
        QCOMPARE(m.findSpan(traceId(1), spanId(1)), 0u);
        QCOMPARE(m.findSpan(traceId(2), m.cold[1].spanId), 1u);
        QCOMPARE(m.findSpan(traceId(3), m.cold[2].spanId), 2u);
        QCOMPARE(m.findSpan(traceId(2), m.cold[3].spanId), 3u);
        QCOMPARE(m.findSpan(traceId(4), missing), kNone);
        QCOMPARE(m.findSpan(traceId(3), m.cold[1].spanId), kNone); // right span id, other trace
        QCOMPARE(m.hot[3].parent, 1u);
        QCOMPARE(m.links[0].target, 2u);
        QCOMPARE(m.links[1].target, 0u);
        QCOMPARE(m.links[2].target, kNone);
        QCOMPARE(m.traces.size(), size_t(3));
    }

    void mergeReinternsStringsAndShiftsPools()
    {
        Model a, b;
        addSpan(a, 1, 1, 0, 0, 10, StatusCode::Unset, "alpha");
        addSpan(b, 2, 1, 0, 0, 10, StatusCode::Unset, "beta");
        // A span attribute with a nested kvlist and an array in b.
        b.values.push_back(Value::makeInt(7));
        b.values.push_back(Value::makeString(b.strings.intern("x")));
        b.attributes.push_back({b.strings.intern("inner"), Value::makeBool(true)});
        b.attributes.push_back({b.strings.intern("list"), Value::makeArray({0, 2})});
        b.attributes.push_back({b.strings.intern("map"), Value::makeKvList({0, 1})});
        b.cold[0].attributes = {1, 2};
        a.attributes.push_back({a.strings.intern("pad"), Value::makeInt(1)});
        a.values.push_back(Value::makeInt(1));

        a.merge(std::move(b));
        a.finalize();
        QCOMPARE(a.spanCount(), size_t(2));
        QCOMPARE(a.str(a.hot[1].service), std::string_view("beta"));
        Range attrs = a.cold[1].attributes;
        QCOMPARE(attrs.count, 2u);
        const Attribute &list = a.attributes[attrs.first];
        QCOMPARE(a.str(list.key), std::string_view("list"));
        QCOMPARE(list.value.type, ValueType::Array);
        QCOMPARE(a.values[list.value.range.first].i, int64_t(7));
        QCOMPARE(a.str(a.values[list.value.range.first + 1].str), std::string_view("x"));
        const Attribute &map = a.attributes[attrs.first + 1];
        QCOMPARE(map.value.type, ValueType::KvList);
        QCOMPARE(a.str(a.attributes[map.value.range.first].key), std::string_view("inner"));
        QCOMPARE(a.scopes.size(), size_t(2));
        QCOMPARE(a.cold[1].scope, 1u);
    }

    // Room reserved for a decoder keeps what the model holds and only grows.
    void reserveFaultedInKeepsRecords()
    {
        Model m;
        addSpan(m, 1, 1, 0, 0, 10, StatusCode::Error, "alpha");
        m.attributes.push_back({m.strings.intern("k"), Value::makeInt(42)});
        m.reserveFaultedIn({3, 5, 100000, 7, 11, 400000, 13});
        QCOMPARE(m.spanCount(), size_t(1));
        QVERIFY(m.hot.capacity() >= 100000 && m.cold.capacity() >= 100000);
        QVERIFY(m.attributes.capacity() >= 400000);
        QVERIFY(m.resources.capacity() >= 3 && m.scopes.capacity() >= 5 && m.events.capacity() >= 7);
        QVERIFY(m.links.capacity() >= 11 && m.values.capacity() >= 13);
        QCOMPARE(m.str(m.hot[0].service), std::string_view("alpha"));
        QCOMPARE(m.str(m.hot[0].name), std::string_view("span-1"));
        QCOMPARE(int64_t(m.attributes.back().value.i), int64_t(42));
        const size_t spans = m.hot.capacity();
        m.reserveFaultedIn({0, 0, 10, 0, 0, 0, 0});
        QCOMPARE(m.hot.capacity(), spans);
        m.finalize();
        QCOMPARE(m.traces.size(), size_t(1));
        QCOMPARE(m.traces[0].errorCount, 1u);
    }

    void idsParseHexAndBase64()
    {
        TraceId t;
        QCOMPARE(parseId(std::string_view("5B8EFFF798038103D269B633813FC60C"), t), IdParse::Ok);
        QCOMPARE(t.hex(), std::string("5b8efff798038103d269b633813fc60c"));
        TraceId b;
        // The same 16 bytes in base64, as Tempo writes them.
        QCOMPARE(parseId(std::string_view("W47/95gDgQPSabYzgT/GDA=="), b), IdParse::Ok);
        QCOMPARE(b, t);
        QCOMPARE(parseId(std::string_view("W47_95gDgQPSabYzgT_GDA"), b), IdParse::Ok);
        QCOMPARE(b, t);
        SpanId s;
        QCOMPARE(parseId(std::string_view("eee19b7ec3c1b17"), s), IdParse::BadLength);
        QCOMPARE(parseId(std::string_view("eee19b7ec3c1b17g"), s), IdParse::BadCharacter);
        QCOMPARE(parseId(std::string_view(""), s), IdParse::Empty);
        QCOMPARE(parseId(std::string_view("0000000000000000"), s), IdParse::Ok);
        QVERIFY(s.isZero());
    }

    void references()
    {
        TraceId t;
        std::optional<SpanId> s;
        std::string error;
        QVERIFY(parseReference("5b8efff798038103d269b633813fc60c/eee19b7ec3c1b174", t, s, &error));
        QVERIFY(s.has_value());
        QCOMPARE(s->hex(), std::string("eee19b7ec3c1b174"));
        QVERIFY(parseReference("5B8EFFF798038103D269B633813FC60C", t, s, &error));
        QVERIFY(!s.has_value());
        QVERIFY(!parseReference("xyz", t, s, &error));
        QVERIFY(error.find("trace id") != std::string::npos);
        QVERIFY(!parseReference("5b8efff798038103d269b633813fc60c/123", t, s, &error));
        QVERIFY(error.find("span id") != std::string::npos);
        // Base64 is accepted in files but not in references typed by people.
        QVERIFY(!parseReference("W47/95gDgQPSabYzgT/GDA==", t, s, &error));
    }

    void base64RoundTrip()
    {
        for (std::string bytes : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                                  std::string("\0\xff\x10\x80", 4)}) {
            std::string decoded;
            QVERIFY(base64Decode(base64Encode(bytes), decoded));
            QCOMPARE(decoded, bytes);
        }
        std::string out;
        QVERIFY(!base64Decode("ab$d", out));
    }

    // Past 200,000 spans finalize() sorts and resolves parents on two
    // threads: the parents, duplicates and the order of the diagnostics'
    // places must be those of span order.
    void finalizeOfManySpansKeepsSpanOrder()
    {
        Model m;
        m.resources.push_back({});
        m.scopes.push_back({});
        constexpr uint32_t kSpans = 250000;
        auto id = [](uint64_t n, auto &out) {
            for (size_t b = 0; b < out.bytes.size() && b < 8; ++b)
                out.bytes[out.bytes.size() - 1 - b] = uint8_t(n >> (8 * b));
        };
        for (uint32_t i = 0; i < kSpans; ++i) {
            SpanHot h;
            h.start = i;
            h.end = i + 1;
            SpanCold c;
            id(i / 5 + 1, c.traceId);  // traces of 5 spans
            id(i + 1, c.spanId);
            if (i % 5)
                id(i, c.parentSpanId); // the span before
            c.links = {uint32_t(m.links.size()), 0};
            m.hot.push_back(h);
            m.cold.push_back(c);
        }
        m.cold[7].parentSpanId = m.cold[7].spanId;            // itself: made a root, first half
        id(999999999, m.cold[kSpans - 3].parentSpanId);       // not loaded: second half
        id(999999998, m.cold[11].parentSpanId);               // not loaded: first half
        m.hot.push_back(m.hot[3]);                            // a second copy of span 3
        m.cold.push_back(m.cold[3]);
        m.cold.back().links = {uint32_t(m.links.size()), 0};
        m.finalize();
        QCOMPARE(m.spanCount(), size_t(kSpans));
        QCOMPARE(m.diagnostics.count(diag::SpanDuplicate), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::SpanParentSelf), uint64_t(1));
        QCOMPARE(m.diagnostics.count(diag::SpanParentMissing), uint64_t(2));
        const Diagnostic *missing = m.diagnostics.find(diag::SpanParentMissing);
        QCOMPARE(missing->places.size(), size_t(2));
        QVERIFY(missing->places[0].find(m.cold[11].spanId.hex()) != std::string::npos);
        QVERIFY(missing->places[1].find(m.cold[kSpans - 3].spanId.hex()) != std::string::npos);
        for (uint32_t i : {1u, 4u, 6u, 124999u, 125001u, kSpans - 1}) {
            QCOMPARE(m.hot[i].parent, i - 1);
            QCOMPARE(m.findSpan(m.cold[i].traceId, m.cold[i].spanId), i);
        }
        for (uint32_t i : {0u, 7u, 11u, kSpans - 3})
            QCOMPARE(m.hot[i].parent, kNone);
        QCOMPARE(m.hot[kSpans - 2].parent, kSpans - 3);
        QCOMPARE(m.hot[kSpans - 2].depth, uint16_t(1));
        QCOMPARE(m.traces.size(), size_t(kSpans / 5));
    }

    // Parents and link targets are looked up in batches through the span
    // index's directory: every one of a large model must be the span with
    // those ids, spans and links whose target is absent stay unresolved,
    // and the orphans' diagnostics come in span order.
    void finalizeResolvesEveryParentAndLinkOfALargeModel()
    {
        Model m;
        m.resources.push_back({});
        m.scopes.push_back({});
        constexpr uint32_t kSpans = 240000;
        auto id = [](uint64_t n, auto &out) {
            for (size_t b = 0; b < out.bytes.size() && b < 8; ++b)
                out.bytes[out.bytes.size() - 1 - b] = uint8_t(n >> (8 * b));
        };
        // Span i is in trace i / 8; its parent is a span up to 7 places
        // before it in the same trace, chosen by a fixed mix of i.
        auto parentOf = [](uint32_t i) -> uint32_t {
            const uint32_t inTrace = i % 8;
            return inTrace == 0 ? kNone : i - 1 - uint32_t((uint64_t(i) * 2654435761u >> 7) % inTrace);
        };
        auto targetOf = [](uint32_t i) { return uint32_t((uint64_t(i) * 40503u + 17u) % kSpans); };
        for (uint32_t i = 0; i < kSpans; ++i) {
            SpanHot h;
            h.start = i;
            h.end = i + 1;
            SpanCold c;
            id(i / 8 + 1, c.traceId);
            id(uint64_t(i) * 7919 + 1, c.spanId);
            if (parentOf(i) != kNone)
                id(uint64_t(parentOf(i)) * 7919 + 1, c.parentSpanId);
            c.links = {uint32_t(m.links.size()), i % 3 == 0 ? 1u : 0u};
            if (i % 3 == 0) {
                Link l;
                l.from = i;
                id(targetOf(i) / 8 + 1, l.traceId);
                id(uint64_t(targetOf(i)) * 7919 + 1, l.spanId);
                if (i % 1000 == 0)
                    id(uint64_t(kSpans) * 7919 + 5, l.spanId); // no such span
                m.links.push_back(l);
            }
            m.hot.push_back(h);
            m.cold.push_back(c);
        }
        // Orphans on both threads' halves, a self-parent among them.
        const std::vector<uint32_t> missing{9, 17, 130001, kSpans - 1};
        for (uint32_t i : missing)
            id(uint64_t(kSpans) * 7919 + 3, m.cold[i].parentSpanId);
        m.cold[12].parentSpanId = m.cold[12].spanId;
        m.finalize();
        QCOMPARE(m.spanCount(), size_t(kSpans));
        for (uint32_t i = 0; i < kSpans; ++i) {
            const bool orphan = i == 12 || std::find(missing.begin(), missing.end(), i) != missing.end();
            QCOMPARE(m.hot[i].parent, orphan ? kNone : parentOf(i));
        }
        for (const Link &l : m.links) {
            const uint32_t want = l.from % 1000 == 0 ? kNone : targetOf(l.from);
            QCOMPARE(l.target, want);
            QCOMPARE(m.findSpan(l.traceId, l.spanId), want);
        }
        const Diagnostic *orphans = m.diagnostics.find(diag::SpanParentMissing);
        QVERIFY(orphans);
        QCOMPARE(orphans->places.size(), missing.size());
        for (size_t k = 0; k < missing.size(); ++k)
            QVERIFY(orphans->places[k].find(m.cold[missing[k]].spanId.hex()) != std::string::npos);
        QCOMPARE(m.diagnostics.count(diag::SpanParentSelf), uint64_t(1));
        // In span order: span 9's missing parent before span 12's self-parent.
        QCOMPARE(m.diagnostics.items().size(), size_t(2));
        QCOMPARE(m.diagnostics.items()[0].code, std::string(diag::SpanParentMissing.code));
        QCOMPARE(m.diagnostics.items()[1].code, std::string(diag::SpanParentSelf.code));
    }

    void stringPoolKeepsViewsStable()
    {
        StringPool pool;
        QCOMPARE(pool.intern(""), 0u);
        StringId a = pool.intern("alpha");
        std::string_view view = pool.view(a);
        for (int i = 0; i < 100000; ++i)
            pool.intern(std::string("s").append(std::to_string(i)));
        std::string big(1 << 20, 'x');
        StringId bigId = pool.intern(big);
        QCOMPARE(pool.view(bigId).size(), big.size());
        QCOMPARE(pool.intern("alpha"), a);
        QVERIFY(view.data() == pool.view(a).data()); // not moved by growth (the same address, not only the same text)
        QCOMPARE(pool.find("s99999"), pool.intern("s99999"));
        QCOMPARE(pool.find("absent"), StringPool::kNotFound);
    }

    // Merging a fragment's pool maps each of its ids to the one string with
    // the same text here, new or not, across growth and reservation; strings
    // that differ only past the first word or in a zero byte stay apart.
    void stringPoolInternsAnotherPool()
    {
        StringPool pool, fragment;
        pool.reserve(50000);
        std::vector<std::string> texts{"", std::string("\0", 1), std::string("\0\0", 2), "http.request.method",
                                       "http.request.methoD", "12345678", "123456789", std::string(40, 'a')};
        for (int i = 0; i < 30000; ++i)
            texts.push_back("order-" + std::to_string(i));
        for (size_t i = 0; i < texts.size(); i += 2)
            pool.intern(texts[i]);
        std::vector<StringId> ids;
        for (const auto &t : texts)
            ids.push_back(fragment.intern(t));
        QCOMPARE(ids[0], 0u);
        const std::vector<StringId> map = pool.internAll(fragment);
        QCOMPARE(map.size(), fragment.size());
        QCOMPARE(map[0], 0u);
        for (size_t i = 0; i < texts.size(); ++i) {
            QCOMPARE(pool.view(map[ids[i]]), std::string_view(texts[i]));
            QCOMPARE(pool.find(texts[i]), map[ids[i]]);
        }
        QCOMPARE(pool.size(), texts.size());
        pool.shrinkToFit();
        QCOMPARE(pool.intern("http.request.methoD"), map[ids[4]]);
    }

    void sniffsFromBytesNotNames()
    {
        QCOMPARE(sniffFormat("\x1f\x8b\x08"), Format::Gzip);
        QCOMPARE(sniffFormat(std::string_view("\x28\xb5\x2f\xfd\x00", 5)), Format::Zstd);
        QCOMPARE(sniffFormat("  {\n \"resourceSpans\": []\n}\n"), Format::OtlpJson);
        QCOMPARE(sniffFormat("{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n"), Format::OtlpJsonLines);
        QCOMPARE(sniffFormat("{\"resourceSpans\":[]}\n"), Format::OtlpJson);
        QCOMPARE(sniffFormat("\xEF\xBB\xBF{}"), Format::OtlpJson);
        QCOMPARE(sniffFormat(std::string_view("\x0a\x02\x0a\x00", 4)), Format::OtlpProto);
        QCOMPARE(sniffFormat(std::string_view("\x00\x00\x00\x02\x0a\x00", 6)), Format::OtlpProtoFramed);
        QCOMPARE(sniffFormat("hello"), Format::Unknown);
        QCOMPARE(sniffFormat(std::string_view("\x7f" "ELF\x02\x01", 6)), Format::Unknown);
    }

    void loadErrorsNameTheFile()
    {
        Model m;
        LoadResult r = loadFiles({"/nonexistent/causeway.json"}, m);
        QVERIFY(!r.ok);
        QVERIFY(QString::fromStdString(r.error.text()).startsWith(QStringLiteral("/nonexistent/causeway.json: ")));

        r = loadBuffer("empty.json", "", m);
        QVERIFY(!r.ok);
        QCOMPARE(QString::fromStdString(r.error.text()), QStringLiteral("empty.json: the file is empty"));

        r = loadBuffer("garbage.bin", std::string_view("\x7f" "ELF\x02\x01\x01\x00\x00", 9), m);
        QVERIFY(!r.ok);
        QVERIFY(r.error.text().find("garbage.bin: not a trace file") == 0);
    }

    void diagnosticsKeepTheFirstPlaces()
    {
        // One code met on several lines keeps each line's message (up to a limit), not only the first.
        Diagnostics d;
        d.add(diag::JsonLineInvalid, "x.jsonl line 3: expected a value");
        d.add(diag::JsonLineInvalid, "x.jsonl line 7: unterminated string");
        d.add(diag::JsonWrongType, "x.jsonl line 9: something else");
        QCOMPARE(d.items().size(), size_t(2));
        const Diagnostic &bad = d.items()[0];
        QCOMPARE(bad.count, uint64_t(2));
        QCOMPARE(bad.message, std::string("x.jsonl line 3: expected a value"));
        QCOMPARE(bad.places.size(), size_t(2));
        QCOMPARE(bad.places[1], std::string("x.jsonl line 7: unterminated string"));
        for (int i = 0; i < 100; ++i)
            d.add(diag::JsonLineInvalid, "x.jsonl line " + std::to_string(100 + i) + ": bad");
        QCOMPARE(d.items()[0].count, uint64_t(102));
        QCOMPARE(d.items()[0].places.size(), Diagnostic::kKeptPlaces);

        // Merging (files loaded in parallel) keeps both sides' places.
        Diagnostics a, b;
        a.add(diag::JsonLineInvalid, "a line 1");
        b.add(diag::JsonLineInvalid, "b line 2");
        a.merge(b);
        QCOMPARE(a.items()[0].count, uint64_t(2));
        QCOMPARE(a.items()[0].places, (std::vector<std::string>{"a line 1", "b line 2"}));
    }

    // A merge in two steps (append in order, patch later on another
    // thread, in any order) gives the model, and the string ids, of
    // merging one fragment after another.
    void mergeInTwoStepsMatchesMerge()
    {
        constexpr int kFragments = 12;
        Model merged;
        for (int f = 1; f <= kFragments; ++f) {
            Model fragment = richFragment(f, 40 + 7 * f);
            merged.mergeReusing(fragment);
        }

        Model twoSteps;
        QVERIFY(twoSteps.mergeMoves(richFragment(1, 1))); // no records yet: it takes the fragment's pools
        Model first = richFragment(1, 47);
        twoSteps.mergeUnpatched(first).apply(); // nothing to patch: moved
        twoSteps.attributes.shrink_to_fit();
        Model second = richFragment(2, 54);
        QVERIFY(twoSteps.mergeMoves(second)); // the attributes have no room left
        // Room for the rest: from here on no merge moves the pools, so the
        // patches may wait.
        twoSteps.reserveLike({}, 2 * kFragments);
        std::vector<Model::MergePatch> patches;
        size_t records = 0;
        for (int f = 2; f <= kFragments; ++f) {
            Model fragment = richFragment(f, 40 + 7 * f);
            QVERIFY(!twoSteps.mergeMoves(fragment));
            const size_t expected = fragment.attributes.size() + fragment.values.size() + fragment.resources.size()
                + fragment.scopes.size() + fragment.hot.size() + fragment.cold.size() + fragment.events.size()
                + fragment.links.size();
            patches.push_back(twoSteps.mergeUnpatched(fragment));
            QCOMPARE(patches.back().records(), expected);
            QVERIFY(fragment.hot.empty() && fragment.strings.size() == 1); // left as mergeReusing leaves it
            records += expected;
        }
        QVERIFY(records > 1000);
        // Before its patch, a record still holds its fragment's string ids.
        QVERIFY(compareModels(merged, twoSteps) != "");
        std::thread patcher([&] {
            for (auto it = patches.rbegin(); it != patches.rend(); ++it)
                it->apply();
        });
        patcher.join();

        QCOMPARE(QString::fromStdString(test::compareStringIds(merged, twoSteps)), QString());
        std::string diff = compareModels(merged, twoSteps);
        QVERIFY2(diff.empty(), diff.c_str());
        QCOMPARE(twoSteps.diagnostics.count(diag::SpanBadTraceId), uint64_t(kFragments));
        QCOMPARE(twoSteps.diagnostics.items()[0].places, merged.diagnostics.items()[0].places);
        merged.finalize();
        twoSteps.finalize();
        diff = compareModels(merged, twoSteps);
        QVERIFY2(diff.empty(), diff.c_str());
        QVERIFY(twoSteps.links.size() > 100);
    }
};

QTEST_GUILESS_MAIN(TestModel)
#include "tst_model.moc"
