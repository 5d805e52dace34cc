// The lanes query's group summaries at a size where the members are sorted
// the fast way (thousands of members): 3,000 consumers of one published
// span, added out of time order, many starting at the same instant. The
// group lists them by start (ties by trace), its error members and spreads
// match a plain sort of the same numbers, the first failed members and the
// slowest surface next to it, and the bundle to the focus meets the group
// at the median of its linking spans.

#include "core/lanesquery.h"

#include "common/modelbuilder.h"

#include <QtTest>

#include <algorithm>
#include <vector>

using namespace causeway;
using causeway::test::TestModelBuilder;

namespace {

constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kBase = 1700000000ull * 1'000'000'000ull;
constexpr uint32_t kMembers = 3000;

Model fanOut()
{
    TestModelBuilder b("shop");
    b.add({.trace = 1, .span = 1, .start = kBase, .duration = 120 * kMs, .name = "nightly export"});
    b.add({.trace = 1, .span = 2, .parent = 1, .start = kBase + 5 * kMs, .duration = 80 * kMs, .name = "publish"});
    for (uint32_t k = 0; k < kMembers; ++k) {
        // Added in a scrambled order, so trace index order is not time order;
        // 500 distinct start times for 3,000 members.
        const uint32_t i = (k * 1237) % kMembers;
        const uint64_t start = kBase + 200 * kMs + uint64_t((i * 7919) % 500) * kMs;
        const uint64_t duration = (1 + (i * 37) % 1000) * kMs;
        const uint32_t trace = 100 + i;
        b.add({.trace = trace, .span = 10 + 2 * i, .start = start, .duration = duration, .name = "process item",
               .links = {{1, 2}}, .status = i % 13 == 0 ? StatusCode::Error : StatusCode::Unset});
        b.add({.trace = trace, .span = 11 + 2 * i, .parent = 10 + 2 * i, .start = start + kMs, .duration = duration / 2,
               .name = "write row"});
    }
    return b.finish();
}

} // namespace

class TestLanesQuery : public QObject
{
    Q_OBJECT
private slots:
    void largeGroupSummaries()
    {
        const Model m = fanOut();
        const uint32_t focus = m.findTrace(TestModelBuilder::traceId(1));
        QVERIFY(focus != kNone);
        LanesQueryOptions options;
        options.surfacedErrors = 3;
        const LanesSelection sel = selectLanes(m, focus, options);

        auto groupIt = std::find_if(sel.lanes.begin(), sel.lanes.end(), [](const LaneSpec &l) { return l.isGroup(); });
        QVERIFY(groupIt != sel.lanes.end());
        const LaneSpec &g = *groupIt;
        const int groupLane = int(groupIt - sel.lanes.begin());
        QCOMPARE(g.kind, LaneKind::Downstream);
        QCOMPARE(g.members.size(), size_t(kMembers));
        QCOMPARE(g.memberStarts.size(), size_t(kMembers));

        // By start, ties by trace index; the starts kept alongside.
        std::vector<uint32_t> expected = g.members;
        std::sort(expected.begin(), expected.end(), [&](uint32_t a, uint32_t b) {
            return m.traces[a].start != m.traces[b].start ? m.traces[a].start < m.traces[b].start : a < b;
        });
        QCOMPARE(g.members.vector(), expected);
        size_t ties = 0;
        for (size_t i = 0; i < g.members.size(); ++i) {
            QCOMPARE(g.memberStarts[i], m.traces[g.members[i]].start);
            if (i > 0 && g.memberStarts[i] == g.memberStarts[i - 1])
                ++ties;
        }
        QCOMPARE(ties, size_t(kMembers - 500));

        // Failed members in the same order, their spans counted.
        std::vector<uint32_t> failed;
        uint32_t failedSpans = 0;
        for (uint32_t t : g.members)
            if (m.traces[t].errorCount) {
                failed.push_back(t);
                failedSpans += m.traces[t].errorCount;
            }
        QCOMPARE(failed.size(), size_t((kMembers + 12) / 13));
        QCOMPARE(g.errorMembers, failed);
        QCOMPARE(g.errorSpans, failedSpans);

        // Spreads: nearest rank over a plain sort (median the lower middle).
        std::vector<int64_t> durations;
        for (uint32_t t : g.members)
            durations.push_back(int64_t(m.traces[t].duration()));
        std::sort(durations.begin(), durations.end());
        const size_t n = durations.size();
        QCOMPARE(g.duration.min, durations.front());
        QCOMPARE(g.duration.max, durations.back());
        QCOMPARE(g.duration.median, durations[(n - 1) / 2]);
        QCOMPARE(g.duration.p95, durations[(n * 95 + 99) / 100 - 1]);
        QCOMPARE(g.memberStart, m.traces[g.members.front()].start);

        // Next to the group: the first three failed members by start, and
        // the slowest (the first by start of the longest).
        uint32_t slowest = g.members.front();
        for (uint32_t t : g.members)
            if (m.traces[t].duration() > m.traces[slowest].duration())
                slowest = t;
        std::vector<uint32_t> surfaced, wanted = {failed[0], failed[1], failed[2]};
        if (std::find(wanted.begin(), wanted.end(), slowest) == wanted.end())
            wanted.push_back(slowest);
        for (const LaneSpec &l : sel.lanes)
            if (l.group == groupLane) {
                surfaced.push_back(l.trace);
                QCOMPARE(bool(l.marks & MarkError), m.traces[l.trace].errorCount > 0);
                QCOMPARE(bool(l.marks & MarkSlowest), l.trace == slowest);
            }
        std::sort(surfaced.begin(), surfaced.end());
        std::sort(wanted.begin(), wanted.end());
        QCOMPARE(surfaced, wanted);

        // One bundle between the group and the focus, every link in it; at
        // the group it sits at the median start of the linking spans, at the
        // focus on the published span.
        auto bundle = std::find_if(sel.edges.begin(), sel.edges.end(), [&](const LaneLinkBundle &b) {
            return b.fromLane == groupLane && b.toLane == sel.focusLane;
        });
        QVERIFY(bundle != sel.edges.end());
        QCOMPARE(bundle->links.size(), size_t(kMembers) - surfaced.size());
        std::vector<uint64_t> linking;
        for (uint32_t l : bundle->links)
            linking.push_back(m.hot[m.links[l].from].start);
        std::sort(linking.begin(), linking.end());
        QCOMPARE(bundle->fromTime, linking[linking.size() / 2]);
        QCOMPARE(bundle->fromSpan, kNone);
        QCOMPARE(bundle->toSpan, m.links[bundle->links.front()].target);
        QCOMPARE(m.str(m.hot[bundle->toSpan].name), std::string_view("publish"));
    }
};

QTEST_MAIN(TestLanesQuery)
#include "tst_lanesquery.moc"
