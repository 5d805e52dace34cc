// Views under live data: a refresh that does not touch the focus trace
// leaves the flame graph's rows as they were (no restart, zoom and scroll
// stay), a refresh that gives the focus trace spans or links rebuilds them,
// and a focus trace removed by the retention cap says so instead of failing.

#include "core/live/livemodel.h"
#include "core/load.h"
#include "ui/flamegraph.h"
#include "ui/flamepainter.h"
#include "ui/session.h"
#include "ui/tracelistpanel.h"

#include "common/testutil.h"

#include <QSignalSpy>
#include <QTest>

#include <cstdio>
#include <string>

using namespace causeway;
using namespace causeway::ui;
using test::hexId;

namespace {

// Spans `first`..`first + count - 1` of trace `trace` (span 1 the root,
// the others its children); `linkTo` links the first of them to trace
// linkTo's root.
Model spans(int trace, int first, int count, int linkTo = 0)
{
    std::string json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},"
                       "\"scopeSpans\":[{\"scope\":{},\"spans\":[";
    for (int s = first; s < first + count; ++s) {
        const uint64_t start = uint64_t(trace) * 1'000'000 + uint64_t(s) * 1000;
        json += std::string(s > first ? "," : "") + "{\"traceId\":\"" + hexId(trace, 32) + "\",\"spanId\":\"" + hexId(trace * 256 + s, 16)
            + "\"" + (s > 1 ? ",\"parentSpanId\":\"" + hexId(trace * 256 + 1, 16) + "\"" : std::string())
            + ",\"name\":\"op\",\"startTimeUnixNano\":\"" + std::to_string(start) + "\",\"endTimeUnixNano\":\""
            + std::to_string(start + (s == 1 ? 900'000 : 500)) + "\"";
        if (linkTo && s == first)
            json += ",\"links\":[{\"traceId\":\"" + hexId(linkTo, 32) + "\",\"spanId\":\"" + hexId(linkTo * 256 + 1, 16) + "\"}]";
        json += "}";
    }
    json += "]}]}]}";
    Model m;
    loadBuffer("live", json, m);
    return m;
}

TraceId traceId(int n)
{
    TraceId id;
    parseId(hexId(n, 32), id);
    return id;
}

} // namespace

class TestLiveViews : public QObject
{
    Q_OBJECT

private slots:
    void flameGraphUpdatesFromWhatChanged()
    {
        live::LiveModel live;
        Session session;
        FlameGraphWidget flame(&session);
        flame.resize(800, 400);
        auto refresh = [&](std::initializer_list<Model *> fragments) {
            for (Model *f : fragments)
                live.add(std::move(*f));
            live.publish();
            live::Published p = live.take();
            session.replaceModel(std::move(p.model), p.changes);
        };
        Model a = spans(1, 1, 3), b = spans(2, 1, 2);
        refresh({&a, &b});
        session.navigateTo(session.model()->findTrace(traceId(1)));
        const auto rows = flame.painter().rows();
        QVERIFY(rows && rows->entryCount() == 3);

        // Another trace arrives: the focus trace's rows stay, read from the new snapshot.
        Model c = spans(3, 1, 4);
        refresh({&c});
        QCOMPARE(session.focusTrace(), session.model()->findTrace(traceId(1)));
        QVERIFY(session.traceUnchanged(session.focusTrace()));
        QCOMPARE(flame.painter().rows()->entryCount(), size_t(3));
        QCOMPARE(flame.painter().rows()->model(), session.model().get());
        // Nothing still reads the snapshot before: the live model reuses it.
        const uint64_t copies = live.stats().wholeCopies;
        Model d = spans(4, 1, 1);
        refresh({&d});
        QCOMPARE(live.stats().wholeCopies, copies);

        // The focus trace gets a span: rebuilt with it.
        Model e = spans(1, 4, 1);
        refresh({&e});
        QVERIFY(!session.traceUnchanged(session.focusTrace()));
        QCOMPARE(flame.painter().rows()->entryCount(), size_t(4));
        QCOMPARE(flame.painter().rows()->model(), session.model().get());

        // A link into the focus trace: rebuilt (its root is now a link target).
        const auto before = flame.painter().rows();
        Model f = spans(5, 1, 1, 1);
        refresh({&f});
        QVERIFY(flame.painter().rows() != before);
        const uint32_t root = session.model()->traces[session.focusTrace()].root;
        QCOMPARE(flame.painter().rows()->entryFlags(flame.painter().rows()->entryOf(root)) & FlameRows::LinksIn,
                 int(FlameRows::LinksIn));
    }

    void evictedFocusSaysSo()
    {
        live::LiveModel live;
        Session session;
        FlameGraphWidget flame(&session);
        TraceListPanel list(&session); // its current row must not pick a new focus
        QSignalSpy evicted(&session, &Session::focusEvicted);
        auto refresh = [&](Model m) {
            live.add(std::move(m));
            live.publish();
            live::Published p = live.take();
            session.replaceModel(std::move(p.model), p.changes);
        };
        refresh(spans(1, 1, 3));
        refresh(spans(2, 1, 3));
        session.navigateTo(session.model()->findTrace(traceId(1)));
        QVERIFY(flame.painter().rows());
        live.setRetention({0, 2, 0.0});
        refresh(spans(3, 1, 3));
        QCOMPARE(session.model()->traces.size(), size_t(2));
        QCOMPARE(session.focusTrace(), kNone);
        QCOMPARE(evicted.count(), 1);
        QVERIFY(!flame.painter().rows() || flame.painter().rows()->entryCount() == 0);
        flame.resize(600, 300);
        QImage image(flame.size(), QImage::Format_ARGB32);
        flame.render(&image); // paints the message, not a stale trace
        // Going to another trace shows it.
        session.navigateTo(session.model()->findTrace(traceId(3)));
        QCOMPARE(flame.painter().rows()->entryCount(), size_t(3));
    }
};

QTEST_MAIN(TestLiveViews)
#include "tst_liveviews.moc"
