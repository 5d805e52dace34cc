// The chain timing strip's time axis: long waits between the chain's traces
// are cut to fixed-width breaks that keep their real duration, the traces
// share one scale and stay readable, short waits stay to scale; and the
// strip over the bundled sample's retry chain: its breaks, colours, clicks
// and summary, and a large model's chain worked out on a worker.

#include "ui/chaintimingstrip.h"
#include "ui/displaytext.h"
#include "ui/elidedlabel.h"
#include "ui/palette.h"
#include "ui/session.h"

#include "core/load.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"

#include <QLabel>
#include <QToolButton>
#include <QTreeView>
#include <QtTest>

using namespace causeway;
using namespace causeway::ui;

namespace {

constexpr uint64_t kMs = 1'000'000;

// Attempt 1 at 0 for 50 ms, then retries after 1 s, 2 s and 4 s of back-off,
// 50 ms each; each retry links the attempt before it.
std::shared_ptr<const Model> retryChain()
{
    test::TestModelBuilder b("payments");
    uint64_t at = 0;
    const uint64_t backOff[] = {0, 1000 * kMs, 2000 * kMs, 4000 * kMs};
    for (uint32_t i = 0; i < 4; ++i) {
        at += backOff[i];
        test::TestModelBuilder::SpanSpec s{.trace = 1 + i, .span = 1 + i, .start = at, .duration = 50 * kMs, .name = "charge"};
        if (i > 0)
            s.links = {{i, i}};
        b.add(s);
        at += 50 * kMs;
    }
    return std::make_shared<Model>(b.finish());
}

ChainTiming timingFrom(const Model &model, uint32_t traceNumber)
{
    const uint32_t t = model.findTrace(test::TestModelBuilder::traceId(traceNumber));
    return chainTiming(model, {t, kNone}, {Direction::Downstream});
}

// A pipeline of N traces, each linking the one before it: 20 ms each, 5 ms
// apart, with 30 s of waiting before every tenth (breaks, as many as fit).
std::shared_ptr<const Model> pipeline(uint32_t n)
{
    test::TestModelBuilder b("pipeline");
    uint64_t at = 0;
    for (uint32_t i = 0; i < n; ++i) {
        if (i > 0)
            at += i % 10 == 0 ? 30'000 * kMs : 5 * kMs;
        test::TestModelBuilder::SpanSpec s{.trace = 1 + i, .span = 1 + i, .start = at, .duration = 20 * kMs, .name = "stage"};
        if (i > 0)
            s.links = {{i, i}};
        b.add(s);
        at += 20 * kMs;
    }
    return std::make_shared<Model>(b.finish());
}

// A strip 1200 pixels wide over the bundled sample, and the first attempt
// of the sample's retry chain (three failed attempts, then a dead letter).
struct SampleStrip
{
    SampleStrip()
    {
        auto loaded = std::make_shared<Model>();
        if (!loadFiles({test::bundledSample("causeway-sample.jsonl")}, *loaded).ok)
            return;
        model = loaded;
        session.setModel(model);
        TraceId id;
        if (parseId("da6f7dff4ba24091b92558d70fc6bf60", id) == IdParse::Ok)
            attempt = model->findTrace(id);
        strip.resize(1200, 80);
        strip.show();
    }

    Session session;
    std::shared_ptr<const Model> model;
    ChainTimingStrip strip{&session};
    uint32_t attempt = kNone;
};

} // namespace

class TestChainTimingStrip : public QObject
{
    Q_OBJECT

private slots:
    void longWaitsBecomeBreaks()
    {
        const auto model = retryChain();
        const ChainTiming timing = timingFrom(*model, 1);
        QCOMPARE(timing.hops.size(), size_t(4));
        QCOMPARE(timing.between, 7000 * kMs);
        const double x0 = 8, x1 = 808;
        const TimeMap map = chainTimeMap(timing, x0, x1);
        // The whole chain across the width.
        QCOMPARE(map.toX(timing.start), x0);
        QCOMPARE(map.toX(timing.end), x1);
        // Each back-off is a break of its own, holding exactly the time waited.
        QCOMPARE(map.breakCount(), size_t(3));
        std::vector<uint64_t> cut;
        for (const TimeMap::Piece &p : map.pieces())
            if (p.compressed) {
                cut.push_back(p.t1 - p.t0);
                QCOMPARE(p.x1 - p.x0, chainTimeMapOptions().breakWidth);
            }
        QCOMPARE(cut, (std::vector<uint64_t>{1000 * kMs, 2000 * kMs, 4000 * kMs}));
        for (size_t i = 1; i < timing.hops.size(); ++i)
            QCOMPARE(timing.hops[i].waitBefore, cut[i - 1]);
        // The attempts share the rest at one scale: (800 - 3 x 64) / 4 = 152 px
        // each, where to scale they would get 800 x 50 / 7200 = 5.6 px.
        for (const ChainTimingHop &h : timing.hops)
            QCOMPARE(map.toX(h.end) - map.toX(h.start), 152.0);
        // Monotonic over the whole timeline.
        double last = -1;
        for (uint64_t t = timing.start; t <= timing.end; t += 7 * kMs) {
            const double x = map.toX(t);
            QVERIFY(x >= last);
            last = x;
        }
    }

    void shortWaitsStayToScale()
    {
        // Two traces of 100 ms, 10 ms apart: nothing to cut.
        test::TestModelBuilder b("shop");
        b.add({.trace = 1, .span = 1, .start = 0, .duration = 100 * kMs, .name = "publish"});
        b.add({.trace = 2, .span = 2, .start = 110 * kMs, .duration = 100 * kMs, .name = "consume", .links = {{1, 1}}});
        const auto model = std::make_shared<Model>(b.finish());
        const ChainTiming timing = timingFrom(*model, 1);
        QCOMPARE(timing.hops.size(), size_t(2));
        const TimeMap map = chainTimeMap(timing, 0, 420);
        QCOMPARE(map.breakCount(), size_t(0));
        QCOMPARE(map.toX(timing.hops[1].start), 220.0);
        QCOMPARE(map.toX(timing.end), 420.0);
    }

    void waitNarrowerThanABreakStaysToScale()
    {
        // A 10 s trace, then two of 50 ms 500 ms apart: that wait is ten times
        // the traces beside it, but at the scale the 10 s trace sets it is
        // about 40 px, narrower than a 64 px break: drawn to scale.
        test::TestModelBuilder b("shop");
        b.add({.trace = 1, .span = 1, .start = 0, .duration = 10'000 * kMs, .name = "import"});
        b.add({.trace = 2, .span = 2, .start = 10'500 * kMs, .duration = 50 * kMs, .name = "index", .links = {{1, 1}}});
        b.add({.trace = 3, .span = 3, .start = 11'050 * kMs, .duration = 50 * kMs, .name = "notify", .links = {{2, 2}}});
        const auto model = std::make_shared<Model>(b.finish());
        const ChainTiming timing = timingFrom(*model, 1);
        QCOMPARE(timing.hops.size(), size_t(3));
        const TimeMap map = chainTimeMap(timing, 0, 800);
        QCOMPARE(map.breakCount(), size_t(0));
        const double wait = map.toX(11'050 * kMs) - map.toX(10'550 * kMs);
        QVERIFY(wait < chainTimeMapOptions().breakWidth);
        QVERIFY(wait > 30);
    }

    void narrowStripShrinksBreaks()
    {
        // Breaks never take more than half the bar, however many there are.
        const auto model = retryChain();
        const ChainTiming timing = timingFrom(*model, 1);
        const TimeMap map = chainTimeMap(timing, 0, 200);
        QCOMPARE(map.breakCount(), size_t(3));
        double breaks = 0;
        for (const TimeMap::Piece &p : map.pieces())
            if (p.compressed)
                breaks += p.x1 - p.x0;
        QVERIFY(breaks <= 100.0 + 1e-9);
        for (const ChainTimingHop &h : timing.hops)
            QVERIFY(map.toX(h.end) - map.toX(h.start) >= 24.9);
    }

    void stripOnBundledRetryChain()
    {
        // The sample's retry chain downstream of attempt 1: its back-offs are
        // breaks on the bar, every attempt gets a readable stretch.
        SampleStrip s;
        QVERIFY(s.attempt != kNone);
        s.session.navigateTo(s.attempt);
        const ChainTiming &timing = s.strip.timing();
        QCOMPARE(timing.hops.size(), size_t(4));
        const TimeMap &map = s.strip.timeMap();
        QCOMPARE(map.breakCount(), size_t(3)); // 1 s, 5 s and 30 s of back-off
        uint64_t cut = 0;
        for (const TimeMap::Piece &p : map.pieces())
            if (p.compressed)
                cut += p.t1 - p.t0;
        QVERIFY(cut <= timing.between);
        QCOMPARE(cut, timing.between); // every wait is cut
        for (const ChainTimingHop &h : timing.hops)
            QVERIFY2(map.toX(h.end) - map.toX(h.start) >= 20, qPrintable(QString::number(map.toX(h.end) - map.toX(h.start))));
    }

    void barClicksAndColoursFollowEachHop()
    {
        // On the sample's retry chain: each attempt's part of the bar has its
        // service's colour, a click in it focuses that attempt (whose own,
        // shorter chain the bar then shows), and a click in the wait before
        // an attempt focuses that attempt too.
        SampleStrip s;
        QVERIFY(s.attempt != kNone);
        QVERIFY(QTest::qWaitForWindowExposed(&s.strip));
        Session &session = s.session;
        ChainTimingStrip &strip = s.strip;
        const Model *model = s.model.get();
        const uint32_t attempt = s.attempt;
        session.navigateTo(attempt);
        const ChainTiming timing = strip.timing();
        QCOMPARE(timing.hops.size(), size_t(4));
        const TimeMap map = strip.timeMap();
        QWidget *bar = strip.bar();
        const QImage pixels = bar->grab().toImage();
        const int middleY = bar->height() / 2;
        for (size_t i = 0; i < timing.hops.size(); ++i) {
            const ChainTimingHop &h = timing.hops[i];
            const int x = int((map.toX(h.start) + map.toX(h.end)) / 2);
            const uint32_t root = model->traces[h.trace].root;
            const QColor expected = serviceColor(model->str(model->hot[root].service));
            QCOMPARE(pixels.pixelColor(x, middleY).rgb(), expected.rgb());

            session.navigateTo(attempt);
            QCOMPARE(strip.timing().hops.size(), size_t(4));
            QTest::mouseClick(bar, Qt::LeftButton, {}, QPoint(x, middleY));
            QCOMPARE(session.focusTrace(), h.trace);
            QCOMPARE(strip.timing().hops.size(), timing.hops.size() - i); // the chain from there on
        }
        // In the break before the last attempt: the last attempt.
        session.navigateTo(attempt);
        const TimeMap::Piece *lastBreak = nullptr;
        for (const TimeMap::Piece &p : strip.timeMap().pieces())
            if (p.compressed)
                lastBreak = &p;
        QVERIFY(lastBreak);
        QTest::mouseClick(bar, Qt::LeftButton, {}, QPoint(int((lastBreak->x0 + lastBreak->x1) / 2), middleY));
        QCOMPARE(session.focusTrace(), timing.hops.back().trace);
    }

    void chainsOfEverySize_data()
    {
        QTest::addColumn<int>("traces");
        for (int n : {3, 40, 1000, 10000})
            QTest::addRow("%d traces", n) << n;
    }

    void chainsOfEverySize()
    {
        // A chain of 3 to 10,000 traces on a bar of about 780 pixels: every
        // trace in the chain and in the Hops table, the traces' colour where
        // they ran, and a click anywhere focuses a trace whose part of the
        // bar is under the mouse.
        QFETCH(int, traces);
        const std::shared_ptr<const Model> model = pipeline(uint32_t(traces));
        Session session;
        session.setModel(model);
        ChainTimingStrip strip(&session);
        strip.resize(800, 80);
        strip.show();
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        const uint32_t first = model->findTrace(test::TestModelBuilder::traceId(1));
        session.navigateTo(first);
        QTRY_VERIFY(!strip.isComputing());
        const ChainTiming timing = strip.timing();
        QCOMPARE(timing.hops.size(), size_t(traces));
        QCOMPARE(timing.hops.back().trace, model->findTrace(test::TestModelBuilder::traceId(uint32_t(traces))));
        const TimeMap map = strip.timeMap();
        if (traces == 40 || traces == 1000)
            QVERIFY(map.breakCount() > 0); // the 30 s waits are cut

        // Every trace shows; one wide enough is in its service's colour, and
        // no more of the bar is solid than traces fill: at 10,000 traces with
        // 30 s waits (99% of the chain's time waiting) the bar is pale.
        QWidget *bar = strip.bar();
        const QImage pixels = bar->grab().toImage();
        const QRgb colour = serviceColor("pipeline").rgb();
        const QRgb light = QColor(0xe6, 0xe6, 0xea).rgb(), hatch = QColor(0xb8, 0xb8, 0xc2).rgb(); // between traces
        const int middleY = bar->height() / 2;
        const size_t step = std::max<size_t>(1, timing.hops.size() / 200);
        size_t looked = 0, shown = 0, wide = 0, solid = 0;
        for (size_t i = 0; i < timing.hops.size(); i += step, ++looked) {
            const ChainTimingHop &h = timing.hops[i];
            const QRgb pixel = pixels.pixelColor(int((map.toX(h.start) + map.toX(h.end)) / 2), middleY).rgb();
            shown += pixel != light && pixel != hatch;
            if (map.toX(h.end) - map.toX(h.start) >= 3) {
                ++wide;
                solid += pixel == colour;
            }
        }
        QCOMPARE(shown, looked);
        QVERIFY2(solid * 10 >= wide * 9, qPrintable(QStringLiteral("%1 of %2").arg(solid).arg(wide)));
        QCOMPARE(wide > 0, traces <= 40);
        double insidePixels = 0;
        uint64_t reached = timing.start;
        for (const ChainTimingHop &h : timing.hops) {
            const uint64_t from = std::max(h.start, reached);
            insidePixels += h.end > from ? map.toX(h.end) - map.toX(from) : 0;
            reached = std::max(reached, h.end);
        }
        int solidColumns = 0;
        for (int x = 0; x < pixels.width(); ++x)
            solidColumns += pixels.pixelColor(x, middleY).rgb() == colour;
        QVERIFY2(solidColumns <= insidePixels + 2, qPrintable(QStringLiteral("%1 solid, %2 inside").arg(solidColumns).arg(insidePixels)));
        if (traces == 10000)
            QVERIFY(insidePixels < 0.01 * bar->width());

        // Where each hop's part of the bar begins and ends (its wait, then its inside time).
        std::vector<std::pair<double, double>> parts;
        uint64_t covered = timing.start;
        for (const ChainTimingHop &h : timing.hops) {
            const uint64_t end = std::max(covered, h.end);
            parts.emplace_back(map.toX(covered), map.toX(end));
            covered = end;
        }
        for (const size_t k : {size_t(0), timing.hops.size() / 2, timing.hops.size() - 1}) {
            session.navigateTo(first);
            QTRY_VERIFY(!strip.isComputing());
            const int x = int((map.toX(timing.hops[k].start) + map.toX(timing.hops[k].end)) / 2);
            QTest::mouseClick(bar, Qt::LeftButton, {}, QPoint(x, middleY));
            const auto hit = std::find_if(timing.hops.begin(), timing.hops.end(),
                                          [&](const ChainTimingHop &h) { return h.trace == session.focusTrace(); });
            QVERIFY(hit != timing.hops.end());
            const auto &[from, to] = parts[size_t(hit - timing.hops.begin())];
            QVERIFY2(from - 1 <= x && x <= to + 1, qPrintable(QStringLiteral("%1 outside %2..%3").arg(x).arg(from).arg(to)));
        }

        session.navigateTo(first);
        QTRY_VERIFY(!strip.isComputing());
        strip.setTableShown(true);
        const QAbstractItemModel *rows = strip.table()->model();
        QCOMPARE(rows->rowCount(), traces);
        QCOMPARE(rows->index(traces - 1, 5).data().toString(), display::traceCaption(*model, timing.hops.back().trace));
    }

    void narrowStripElidesItsSummary()
    {
        // In a narrow window the summary gives way: it ends in an ellipsis,
        // says the whole text as its tooltip, and the Hops button beside it
        // stays whole and inside the strip.
        SampleStrip s;
        QVERIFY(s.attempt != kNone);
        ChainTimingStrip &strip = s.strip;
        s.session.navigateTo(s.attempt);
        const QString whole = strip.summary()->text();
        QVERIFY(whole.contains(QStringLiteral("between them")));
        QVERIFY(QTest::qWaitForWindowExposed(&strip));
        strip.grab();
        QVERIFY(!strip.summary()->isElided());
        QVERIFY(strip.summary()->toolTip().isEmpty());

        strip.resize(360, 80);
        QCoreApplication::processEvents();
        strip.grab();
        QVERIFY(strip.summary()->isElided());
        QCOMPARE(strip.summary()->text(), whole);
        QCOMPARE(strip.summary()->toolTip(), whole);
        QToolButton *hops = nullptr;
        for (QToolButton *b : strip.findChildren<QToolButton *>())
            if (b->text() == QStringLiteral("Hops"))
                hops = b;
        QVERIFY(hops);
        QVERIFY2(hops->geometry().right() < strip.width(), qPrintable(QString::number(hops->geometry().right())));
        QVERIFY(hops->width() >= hops->sizeHint().width());
        QVERIFY(strip.summary()->geometry().right() < hops->geometry().left());

        strip.resize(1200, 80);
        QCoreApplication::processEvents();
        strip.grab();
        QVERIFY(!strip.summary()->isElided());
        QVERIFY(strip.summary()->toolTip().isEmpty());
    }

    void largeModelChainOnWorker()
    {
        // Above the strip's size threshold (lowered here to every model) a
        // new focus costs the GUI thread no chain: it is worked out on a
        // worker, the bar stays empty meanwhile, and the answer is the one
        // worked out inline. Of two focuses asked in a row the last wins.
        Session session;
        auto model = std::make_shared<Model>();
        QVERIFY(loadFiles({test::bundledSample("causeway-sample.jsonl")}, *model).ok);
        session.setModel(model);
        TraceId id;
        QCOMPARE(parseId("da6f7dff4ba24091b92558d70fc6bf60", id), IdParse::Ok);
        const uint32_t attempt = model->findTrace(id);
        ChainOptions downstream;
        downstream.direction = Direction::Downstream;
        const ChainTiming expected = chainTiming(*model, {attempt, kNone}, downstream);
        QCOMPARE(expected.hops.size(), size_t(4));

        ChainTimingStrip strip(&session);
        strip.setAsyncSpans(0);
        strip.resize(1200, 80);
        strip.show();
        QSignalSpy ready(&strip, &ChainTimingStrip::timingReady);
        session.navigateTo(expected.hops.back().trace); // the dead letter: nothing downstream
        QVERIFY(strip.isComputing());
        QVERIFY(strip.timing().hops.empty());
        session.navigateTo(attempt);
        QVERIFY(strip.isComputing());
        QVERIFY(strip.timing().hops.empty());
        QVERIFY(ready.wait(10000));
        QTRY_VERIFY(!strip.isComputing());
        QCOMPARE(ready.count(), 1); // the first answer was dropped
        const ChainTiming &timing = strip.timing();
        QCOMPARE(timing.hops.size(), expected.hops.size());
        for (size_t i = 0; i < timing.hops.size(); ++i) {
            QCOMPARE(timing.hops[i].trace, expected.hops[i].trace);
            QCOMPARE(timing.hops[i].waitBefore, expected.hops[i].waitBefore);
        }
        QCOMPARE(timing.between, expected.between);
        QVERIFY(strip.summary()->text().contains(QStringLiteral("between them")));
    }
};

QTEST_MAIN(TestChainTimingStrip)
#include "tst_chaintimingstrip.moc"
