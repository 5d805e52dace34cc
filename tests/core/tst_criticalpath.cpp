// The critical path of a trace, computed as Jaeger UI does: clip children to
// their parent, walk back from the last-finishing child. Expected sections
// worked out by hand from tests/data/linkmap/fanout.json (times in ms).

#include "core/criticalpath.h"
#include "core/linkgraph.h"
#include "core/load.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"

#include <QtTest>

using namespace causeway;
using causeway::test::TestModelBuilder;

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

struct SectionExpect { uint32_t span; uint64_t startMs, endMs; };

} // namespace

class TestCriticalPath : public QObject
{
    Q_OBJECT
private slots:
    void handMadeTree()
    {
        // POST /orders [0, 10] (span 1) with SELECT [1, 4] (2), publish
        // [1, 3] (3), render [5, 8] (4) whose template [6, 9] (5) overflows
        // it (clipped to [6, 8]), and audit [11, 12] (6) after the root ended
        // (dropped). Walking back from the end:
        //   root [8, 10] after render, template [6, 8], render [5, 6] before
        //   template, root [4, 5], SELECT [1, 4], root [0, 1].
        const Model model = load(test::testData("linkmap/fanout.json"));
        Reference r;
        std::string error;
        QVERIFY(resolveReference(model, "5a000000000000000000000000000001", r, error));
        const CriticalPath path = criticalPath(model, r.trace);
        const std::vector<SectionExpect> expected = {{1, 8, 10}, {5, 6, 8}, {4, 5, 6}, {1, 4, 5}, {2, 1, 4}, {1, 0, 1}};
        QCOMPARE(path.sections.size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
            const CriticalPathSection &s = path.sections[i];
            char spanId[17];
            std::snprintf(spanId, sizeof spanId, "01%014x", expected[i].span);
            QCOMPARE(model.cold[s.span].spanId.hex(), std::string(spanId));
            QCOMPARE(s.start, t0 + expected[i].startMs * ms);
            QCOMPARE(s.end, t0 + expected[i].endMs * ms);
        }
        QCOMPARE(path.total(), 10 * ms);
        // The publish finished before SELECT did, and audit lies outside the root.
        std::vector<std::string> onPath;
        for (uint32_t s : path.spans)
            onPath.push_back(std::string(model.str(model.hot[s].name)));
        std::sort(onPath.begin(), onPath.end());
        QCOMPARE(onPath, (std::vector<std::string>{"POST /orders", "SELECT stock", "render", "template"}));
    }

    void equalEndsAndSequentialChildren()
    {
        // Root [0, 100]; a [10, 40], b [40, 70] (starts as a ends), c [20, 70]
        // (ends with b; in start order c comes first, and as in Jaeger the
        // first child finishing last wins). c's start is 20: the child
        // finishing last strictly before 20 is none.
        TestModelBuilder b;
        b.add({.trace = 1, .span = 1, .start = 0, .duration = 100 * ms, .name = "root"});
        b.add({.trace = 1, .span = 2, .parent = 1, .start = 10 * ms, .duration = 30 * ms, .name = "a"});
        b.add({.trace = 1, .span = 3, .parent = 1, .start = 40 * ms, .duration = 30 * ms, .name = "b"});
        b.add({.trace = 1, .span = 4, .parent = 1, .start = 20 * ms, .duration = 50 * ms, .name = "c"});
        const Model model = b.finish();
        const CriticalPath path = criticalPath(model, 0);
        std::vector<std::tuple<std::string, uint64_t, uint64_t>> got;
        for (const CriticalPathSection &s : path.sections)
            got.emplace_back(std::string(model.str(model.hot[s.span].name)), s.start / ms, s.end / ms);
        const std::vector<std::tuple<std::string, uint64_t, uint64_t>> expected = {
            {"root", 70, 100}, {"c", 20, 70}, {"root", 0, 20}};
        QCOMPARE(got, expected);
    }

    void bundledSampleCheckout()
    {
        // Every section lies inside its span, sections do not overlap, and
        // they cover the root from end to start without gaps (one root).
        const Model model = load(test::bundledSample("causeway-sample.jsonl"));
        Reference r;
        std::string error;
        QVERIFY(resolveReference(model, "c6e2f72626bb0b0de84c934ae1c1d8e5", r, error));
        const CriticalPath path = criticalPath(model, r.trace);
        QVERIFY(path.sections.size() > 3);
        const Trace &t = model.traces[r.trace];
        QCOMPARE(path.sections.front().end, model.hot[t.root].end);
        QCOMPARE(path.sections.back().start, model.hot[t.root].start);
        for (size_t i = 0; i < path.sections.size(); ++i) {
            const CriticalPathSection &s = path.sections[i];
            QVERIFY(s.start < s.end);
            QVERIFY(s.start >= model.hot[s.span].start && s.end <= model.hot[s.span].end);
            if (i > 0)
                QCOMPARE(s.end, path.sections[i - 1].start);
        }
        QCOMPARE(path.total(), model.hot[t.root].end - model.hot[t.root].start);
        QVERIFY(path.contains(t.root));
    }
};

QTEST_GUILESS_MAIN(TestCriticalPath)
#include "tst_criticalpath.moc"
