// The flame graph: hit-testing invariants (every drawn box is hittable, the
// innermost span wins, sub-pixel spans stay clickable), zoom and fit, the
// visible range through the session and its history, labels, merging of
// sub-pixel runs, keyboard navigation, the exported drawing and the time axis.

#include "ui/drawing.h"
#include "ui/flamegraph.h"
#include "ui/flamepainter.h"
#include "ui/session.h"
#include "ui/timeaxis.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>
#include <QToolTip>
#include <QWheelEvent>

#include <cstring>
#include <memory>
#include <random>
#include <vector>

using namespace causeway;
using namespace causeway::ui;

namespace {

constexpr uint64_t kBase = 1'700'000'000'000'000'000ULL; // Nov 2023, ns

// Appends spans with their own service names (the readers' way: ids, then finalize()).
class Spans
{
public:
    uint32_t add(uint32_t trace, uint32_t parent, uint64_t start, uint64_t end, const char *name,
                 const char *service = "svc", StatusCode status = StatusCode::Unset)
    {
        SpanHot h;
        h.start = kBase + start;
        h.end = kBase + end;
        h.name = model->strings.intern(name);
        h.service = model->strings.intern(service);
        h.status = status;
        SpanCold c;
        c.traceId.bytes[0] = 0x7f;
        c.traceId.bytes[15] = uint8_t(trace + 1);
        const uint64_t id = ++m_nextId;
        std::memcpy(c.spanId.bytes.data(), &id, sizeof id);
        if (parent != kNone)
            c.parentSpanId = model->cold[parent].spanId;
        model->hot.push_back(h);
        model->cold.push_back(c);
        return uint32_t(model->hot.size() - 1);
    }

    // A link from `from` to `to`; call in order of `from` (links are a contiguous range per span).
    void link(uint32_t from, uint32_t to)
    {
        Link l;
        l.from = from;
        l.traceId = model->cold[to].traceId;
        l.spanId = model->cold[to].spanId;
        model->cold[from].links = {uint32_t(model->links.size()), 1};
        model->links.push_back(l);
    }

    std::shared_ptr<const Model> finish()
    {
        model->finalize();
        return model;
    }

    std::shared_ptr<Model> model = std::make_shared<Model>();

private:
    uint64_t m_nextId = 0;
};

// A random request tree: siblings one after another inside their parent.
void randomTree(Spans &s, std::mt19937 &rng, uint32_t trace, uint32_t parent, uint64_t start, uint64_t end,
                int depth, int &budget)
{
    if (depth > 8 || budget <= 0 || end - start < 4)
        return;
    const int k = 1 + int(rng() % 5);
    const uint64_t slot = (end - start) / uint64_t(k);
    for (int i = 0; i < k && budget > 0; ++i) {
        const uint64_t a = start + uint64_t(i) * slot + rng() % (slot / 4 + 1);
        const uint64_t b = std::max(a + 1, start + uint64_t(i + 1) * slot - rng() % (slot / 3 + 1));
        static const char *services[] = {"frontend", "cart", "payment", "db"};
        const uint32_t child = s.add(trace, parent, a, std::min(b, end), "work", services[rng() % 4]);
        --budget;
        randomTree(s, rng, trace, child, a, std::min(b, end), depth + 1, budget);
    }
}

QPointF centre(const QRectF &r)
{
    return r.center();
}

double timeAt(const FlameGraphWidget &w, double x)
{
    const QRectF r = w.flameRect();
    return double(w.viewStart()) + (x - r.left()) / r.width() * double(w.viewEnd() - w.viewStart());
}

void wheel(QWidget &w, QPointF pos, int delta, Qt::KeyboardModifiers mods = Qt::NoModifier)
{
    QWheelEvent e(pos, w.mapToGlobal(pos), QPoint(), QPoint(0, delta), Qt::NoButton, mods, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&w, &e);
}

} // namespace

class TestFlameGraph : public QObject
{
    Q_OBJECT

private slots:
    void everyDrawnBoxIsHittable();
    void innermostSpanWins();
    void subPixelSpanIsClickable_data();
    void subPixelSpanIsClickable();
    void clickSelectsThroughSession();
    void wheelZoomKeepsPointUnderCursor();
    void keysZoomAndPan();
    void fitShowsWholeTrace();
    void dragSelectsTimeRange();
    void visibleRangeRoundTripsThroughSession();
    void doubleClickZoomsToSpan();
    void keyboardNavigation();
    void longLabelIsElided();
    void subPixelRunsAreMerged();
    void overlappingSpansInOneRowAllDrawn();
    void parentlessSpansWithOneTimingGetRowsOfTheirOwn();
    void labelsNeverOverlap();
    void marksAndErrorsAndGlyphs();
    void hoverAndSelectionReuseGeometry();
    void followsThePalette();
    void overviewDragMovesWindow();
    void panAndScroll();
    void toolTipDescribesSpan();
    void largeTraceIsIndexedOffTheGuiThread();
    void flameDrawingSizeAndContent();
    void formatDuration_data();
    void formatDuration();
    void tickSteps_data();
    void tickSteps();
    void tickLabels_data();
    void tickLabels();
};

void TestFlameGraph::everyDrawnBoxIsHittable()
{
    Spans s;
    std::mt19937 rng(7);
    const uint32_t root = s.add(0, kNone, 0, 50'000'000, "root", "frontend");
    int budget = 3000;
    randomTree(s, rng, 0, root, 0, 50'000'000, 1, budget);
    // Async work overlapping its siblings, some of it thinner than a pixel.
    for (int i = 0; i < 300; ++i) {
        const uint64_t start = rng() % 49'000'000;
        s.add(0, root, start, start + 1 + rng() % (i % 3 ? 20'000 : 2'000'000), "async", "queue");
    }
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1200, 800);
    const Model &m = *session.model();
    const QRectF area = w.flameRect();

    const std::pair<uint64_t, uint64_t> windows[] = {
        {0, 0},                                          // fit
        {kBase + 5'000'000, kBase + 10'000'000},
        {kBase + 16'666'000, kBase + 16'766'000},
        {kBase + 31'234'567, kBase + 31'244'567},
    };
    for (const auto &[from, to] : windows) {
        session.setVisibleRange(from, to);
        // Every span whose box is at least a pixel: its centre finds it (or a span drawn over it).
        int checked = 0;
        for (uint32_t span = 0; span < m.spanCount(); ++span) {
            const auto r = w.spanRect(span);
            QVERIFY(r);
            // The centre of the part in view.
            const QRectF visible = r->intersected(area);
            if (visible.width() < 1 || visible.height() < 1)
                continue;
            const QPointF c = visible.center();
            const uint32_t hit = w.spanAt(c);
            QVERIFY2(hit != kNone, qPrintable(QStringLiteral("span %1 not hittable").arg(span)));
            if (hit != span) {
                QCOMPARE(m.hot[hit].depth, m.hot[span].depth);
                const auto hr = w.spanRect(hit);
                QVERIFY(hr->adjusted(-1, 0, 1, 0).contains(c));
            }
            ++checked;
        }
        QVERIFY(checked >= 3); // the narrowest window still shows a few

        // And every rectangle the painter drew has a span under its centre.
        const FlameGeometry &g = w.painter().geometry(w.currentView(), w.font());
        size_t boxes = 0;
        for (const auto &fills : g.fills) {
            for (const QRectF &box : fills) {
                ++boxes;
                QVERIFY(area.contains(box.center()));
                const uint32_t hit = w.spanAt(box.center());
                QVERIFY2(hit != kNone, qPrintable(QStringLiteral("box at %1,%2 w %3 hits nothing")
                                                      .arg(box.x()).arg(box.y()).arg(box.width())));
            }
        }
        QCOMPARE(boxes, g.boxCount);
        QVERIFY(boxes >= 3);
    }
}

void TestFlameGraph::innermostSpanWins()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1000, "root");
    const uint32_t child = s.add(0, root, 400, 600, "child");
    const uint32_t grandchild = s.add(0, child, 450, 550, "grandchild");
    // Two async children of the root overlapping in the same row: the short one is drawn over the long one.
    const uint32_t longAsync = s.add(0, root, 100, 380, "long async");
    const uint32_t shortAsync = s.add(0, root, 200, 260, "short async");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 400);

    QCOMPARE(w.spanAt(centre(*w.spanRect(grandchild))), grandchild);
    QCOMPARE(w.spanAt(centre(*w.spanRect(child))), child);
    QCOMPARE(w.spanAt(centre(*w.spanRect(root))), root);
    QCOMPARE(w.spanAt(centre(*w.spanRect(shortAsync))), shortAsync);
    // Outside the short one the long one is still there.
    const QRectF longRect = *w.spanRect(longAsync);
    QCOMPARE(w.spanAt(QPointF(longRect.left() + 5, longRect.center().y())), longAsync);
    // The child's row right of the child is empty.
    const QRectF childRect = *w.spanRect(child);
    QCOMPARE(w.spanAt(QPointF(childRect.right() + 50, childRect.center().y())), kNone);
}

void TestFlameGraph::subPixelSpanIsClickable_data()
{
    QTest::addColumn<double>("dx");
    QTest::addColumn<bool>("hits");
    QTest::newRow("on it") << 0.05 << true;
    QTest::newRow("0.9 px left") << -0.9 << true;
    QTest::newRow("0.9 px right") << 0.9 << true;
    QTest::newRow("3 px right") << 3.0 << false;
    QTest::newRow("3 px left") << -3.0 << false;
}

void TestFlameGraph::subPixelSpanIsClickable()
{
    QFETCH(double, dx);
    QFETCH(bool, hits);
    Spans s;
    // 1000 px over 1 ms: 1000 ns per pixel, so a 100 ns span is 0.1 px wide.
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    const uint32_t tiny = s.add(0, root, 500'000, 500'100, "tiny");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    QCOMPARE(w.flameRect().width(), 1000.0);
    const QRectF r = *w.spanRect(tiny);
    const double x0 = w.flameRect().left() + 500.0;
    QVERIFY(qAbs(r.left() - x0) < 1e-6);
    const uint32_t hit = w.spanAt(QPointF(x0 + dx, r.center().y()));
    QCOMPARE(hit == tiny, hits);
}

void TestFlameGraph::clickSelectsThroughSession()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1000, "root");
    const uint32_t child = s.add(0, root, 100, 500, "child");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(800, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy selected(&session, &Session::selectionChanged);
    QTest::mouseClick(&w, Qt::LeftButton, {}, centre(*w.spanRect(child)).toPoint());
    QCOMPARE(session.selectedSpan(), child);
    QCOMPARE(selected.count(), 1);
    // Empty space clears the selection.
    QTest::mouseClick(&w, Qt::LeftButton, {}, QPoint(700, int(w.spanRect(child)->center().y())));
    QCOMPARE(session.selectedSpan(), kNone);
}

void TestFlameGraph::wheelZoomKeepsPointUnderCursor()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 10'000'000, "root");
    s.add(0, root, 1'000, 9'000'000, "child");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const QPointF cursor(310, w.flameRect().top() + 10);
    for (int notches : {3, 2, -1, 4}) {
        const double before = timeAt(w, cursor.x());
        const uint64_t lengthBefore = w.viewEnd() - w.viewStart();
        wheel(w, cursor, 120 * notches);
        const uint64_t lengthAfter = w.viewEnd() - w.viewStart();
        QVERIFY(notches > 0 ? lengthAfter < lengthBefore : lengthAfter > lengthBefore);
        // Within a nanosecond per pixel of rounding.
        const double nsPerPx = double(lengthAfter) / w.flameRect().width();
        QVERIFY2(qAbs(timeAt(w, cursor.x()) - before) <= std::max(1.0, nsPerPx),
                 qPrintable(QStringLiteral("moved by %1 ns").arg(timeAt(w, cursor.x()) - before)));
    }
}

void TestFlameGraph::keysZoomAndPan()
{
    Spans s;
    s.add(0, kNone, 0, 10'000'000, "root");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const uint64_t full = w.viewEnd() - w.viewStart();
    QTest::keyClick(&w, Qt::Key_Plus);
    const uint64_t afterPlus = w.viewEnd() - w.viewStart();
    QVERIFY(afterPlus < full);
    QTest::keyClick(&w, Qt::Key_W);
    QVERIFY(w.viewEnd() - w.viewStart() < afterPlus);
    const uint64_t start = w.viewStart();
    QTest::keyClick(&w, Qt::Key_D);
    QVERIFY(w.viewStart() > start);
    QTest::keyClick(&w, Qt::Key_A);
    QTest::keyClick(&w, Qt::Key_A);
    QVERIFY(w.viewStart() < start);
    QTest::keyClick(&w, Qt::Key_Right); // nothing selected: pans
    QTest::keyClick(&w, Qt::Key_S);
    QTest::keyClick(&w, Qt::Key_Minus);
    QTest::keyClick(&w, Qt::Key_Minus);
    QTest::keyClick(&w, Qt::Key_Minus);
    QCOMPARE(w.viewEnd() - w.viewStart(), full); // zoom out stops at the whole trace
    w.zoomIn();
    QVERIFY(w.viewEnd() - w.viewStart() < full);
    w.zoomOut();
    QVERIFY(w.viewEnd() - w.viewStart() > full * 0.79);
}

void TestFlameGraph::fitShowsWholeTrace()
{
    Spans s;
    std::mt19937 rng(3);
    const uint32_t root = s.add(0, kNone, 5'000, 2'000'000, "root");
    int budget = 200;
    randomTree(s, rng, 0, root, 5'000, 2'000'000, 1, budget);
    const uint32_t late = s.add(0, root, 1'990'000, 2'100'000, "outlives the root"); // the trace ends here
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(900, 900);
    const Trace &tr = session.model()->traces[0];
    QCOMPARE(tr.end, kBase + 2'100'000);

    wheel(w, QPointF(200, w.flameRect().top() + 5), 600);
    QVERIFY(w.viewEnd() - w.viewStart() < tr.duration());
    for (int key : {int(Qt::Key_F), int(Qt::Key_Home)}) {
        wheel(w, QPointF(200, w.flameRect().top() + 5), 600);
        QTest::keyClick(&w, Qt::Key(key));
        QCOMPARE(w.viewStart(), tr.start);
        QCOMPARE(w.viewEnd(), tr.end);
        QCOMPARE(session.current().viewStart, uint64_t(0)); // a fit is reported as 0/0
        QCOMPARE(session.current().viewEnd, uint64_t(0));
    }
    // Everything lies within the flame rect horizontally.
    for (uint32_t span = 0; span < session.model()->spanCount(); ++span) {
        const QRectF r = *w.spanRect(span);
        QVERIFY(r.left() >= w.flameRect().left() - 1e-6);
        QVERIFY(r.left() + 1 <= w.flameRect().right() + 1e-6);
    }
    QVERIFY(qAbs(w.spanRect(late)->right() - w.flameRect().right()) < 1e-6);
    // Double-click on empty space fits too.
    w.zoomIn();
    QTest::mouseDClick(&w, Qt::LeftButton, {}, QPoint(10, int(w.flameRect().bottom()) - 3));
    QCOMPARE(w.viewStart(), tr.start);
    QCOMPARE(w.viewEnd(), tr.end);
}

void TestFlameGraph::dragSelectsTimeRange()
{
    Spans s;
    s.add(0, kNone, 0, 1'000'000, "root");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const int y = int(w.flameRect().top()) + 40;
    const double t0 = timeAt(w, 200), t1 = timeAt(w, 600);
    QTest::mousePress(&w, Qt::LeftButton, {}, QPoint(200, y));
    QTest::mouseMove(&w, QPoint(400, y));
    QTest::mouseMove(&w, QPoint(600, y));
    QTest::mouseRelease(&w, Qt::LeftButton, {}, QPoint(600, y));
    QVERIFY(qAbs(double(w.viewStart()) - t0) <= 1);
    QVERIFY(qAbs(double(w.viewEnd()) - t1) <= 1);
    QCOMPARE(session.current().viewStart, w.viewStart());
    QCOMPARE(session.current().viewEnd, w.viewEnd());
}

void TestFlameGraph::visibleRangeRoundTripsThroughSession()
{
    Spans s;
    const uint32_t a = s.add(0, kNone, 0, 1'000'000, "trace a");
    s.add(0, a, 10, 500'000, "a child");
    s.add(1, kNone, 2'000'000, 3'000'000, "trace b");
    Session session;
    session.setModel(s.finish());
    session.navigateTo(0);
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    QCOMPARE(w.viewStart(), kBase + 0);
    QCOMPARE(w.viewEnd(), kBase + 1'000'000);

    // The session drives the widget...
    session.setVisibleRange(kBase + 200'000, kBase + 300'000);
    QCOMPARE(w.viewStart(), kBase + 200'000);
    QCOMPARE(w.viewEnd(), kBase + 300'000);

    // ...and the widget reports its zoom to the session.
    wheel(w, QPointF(500, w.flameRect().top() + 5), 240);
    const uint64_t zoomedStart = w.viewStart(), zoomedEnd = w.viewEnd();
    QVERIFY(zoomedEnd - zoomedStart < 100'000);
    QCOMPARE(session.current().viewStart, zoomedStart);
    QCOMPARE(session.current().viewEnd, zoomedEnd);

    // Going to another trace fits it; Back restores the zoom.
    session.navigateTo(1);
    QCOMPARE(w.viewStart(), kBase + 2'000'000);
    QCOMPARE(w.viewEnd(), kBase + 3'000'000);
    session.back();
    QCOMPARE(session.focusTrace(), 0u);
    QCOMPARE(w.viewStart(), zoomedStart);
    QCOMPARE(w.viewEnd(), zoomedEnd);
    session.forward();
    QCOMPARE(w.viewStart(), kBase + 2'000'000);
}

void TestFlameGraph::doubleClickZoomsToSpan()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    const uint32_t child = s.add(0, root, 300'000, 400'000, "child");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy activated(&w, &FlameGraphWidget::spanActivated);
    QTest::mouseDClick(&w, Qt::LeftButton, {}, centre(*w.spanRect(child)).toPoint());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.at(0).at(0).value<uint32_t>(), child);
    QCOMPARE(session.selectedSpan(), child);
    // The span fills the view but for a small margin.
    QVERIFY(w.viewStart() <= kBase + 300'000 && w.viewStart() >= kBase + 290'000);
    QVERIFY(w.viewEnd() >= kBase + 400'000 && w.viewEnd() <= kBase + 410'000);
    // Enter on the selection activates it too.
    QTest::keyClick(&w, Qt::Key_Return);
    QCOMPARE(activated.count(), 2);
}

void TestFlameGraph::keyboardNavigation()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1000, "root");
    const uint32_t a = s.add(0, root, 10, 200, "a");
    const uint32_t a1 = s.add(0, a, 20, 50, "a1");
    const uint32_t b = s.add(0, root, 300, 500, "b");
    const uint32_t c = s.add(0, root, 600, 900, "c");
    const uint32_t c1 = s.add(0, c, 610, 700, "c1"); // same row as a1, another parent
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    session.select(root);
    QTest::keyClick(&w, Qt::Key_Down);
    QCOMPARE(session.selectedSpan(), a);
    QTest::keyClick(&w, Qt::Key_Right);
    QCOMPARE(session.selectedSpan(), b);
    QTest::keyClick(&w, Qt::Key_Right);
    QCOMPARE(session.selectedSpan(), c);
    QTest::keyClick(&w, Qt::Key_Right); // no next sibling
    QCOMPARE(session.selectedSpan(), c);
    QTest::keyClick(&w, Qt::Key_Down);
    QCOMPARE(session.selectedSpan(), c1);
    QTest::keyClick(&w, Qt::Key_Left); // a1 is in the row but not a sibling
    QCOMPARE(session.selectedSpan(), c1);
    QTest::keyClick(&w, Qt::Key_Up);
    QCOMPARE(session.selectedSpan(), c);
    QTest::keyClick(&w, Qt::Key_Left);
    QTest::keyClick(&w, Qt::Key_Left);
    QCOMPARE(session.selectedSpan(), a);
    QTest::keyClick(&w, Qt::Key_Down);
    QCOMPARE(session.selectedSpan(), a1);
    QTest::keyClick(&w, Qt::Key_Up);
    QTest::keyClick(&w, Qt::Key_Up);
    QCOMPARE(session.selectedSpan(), root);
    QTest::keyClick(&w, Qt::Key_Up); // a root has no parent
    QCOMPARE(session.selectedSpan(), root);
}

void TestFlameGraph::longLabelIsElided()
{
    Spans s;
    const char *longName = "a very long span name that cannot possibly fit into a box of this width at all";
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    const uint32_t narrow = s.add(0, root, 0, 150'000, longName); // 150 px of 1000
    const uint32_t wide = s.add(0, root, 200'000, 1'000'000, "short name");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const QString full = QString::fromUtf8(longName);
    const FlameGeometry &g = w.painter().geometry(w.currentView(), w.font());
    const QFontMetricsF fm(w.font());
    bool sawElided = false, sawShort = false;
    for (const FlameLabel &l : g.labels) {
        QVERIFY(fm.horizontalAdvance(l.text) <= l.rect.width() + 0.5);
        if (l.rect.intersects(*w.spanRect(narrow))) {
            QVERIFY(l.text != full);
            QVERIFY(l.text.endsWith(QChar(0x2026)));
            QVERIFY(full.startsWith(l.text.chopped(1)));
            sawElided = true;
        }
        if (l.rect.intersects(*w.spanRect(wide))) {
            QCOMPARE(l.text, QStringLiteral("short name"));
            sawShort = true;
        }
    }
    QVERIFY(sawElided);
    QVERIFY(sawShort);

    // Boxes narrower than about six characters get no label at all.
    Spans t;
    const uint32_t r2 = t.add(0, kNone, 0, 1'000'000, "root");
    t.add(0, r2, 0, 20'000, "tiny box with a name"); // 20 px
    Session session2;
    session2.setModel(t.finish());
    FlameGraphWidget w2(&session2);
    w2.resize(1000, 300);
    const FlameGeometry &g2 = w2.painter().geometry(w2.currentView(), w2.font());
    QCOMPARE(g2.labels.size(), size_t(1)); // the root's
    QCOMPARE(g2.labels[0].text, QStringLiteral("root"));
}

void TestFlameGraph::subPixelRunsAreMerged()
{
    Spans s;
    // 100k spans of 3 ns, 10 ns apart, in one row under a 1 ms root: 100 per pixel at 1000 px.
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root", "frontend");
    for (uint32_t i = 0; i < 100'000; ++i)
        s.add(0, root, uint64_t(i) * 10, uint64_t(i) * 10 + 3, "tiny", i % 2 ? "db" : "cache");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const FlameGeometry &g = w.painter().geometry(w.currentView(), w.font());
    const double width = w.flameRect().width();
    QVERIFY2(g.boxCount <= size_t(width) + 2, qPrintable(QString::number(g.boxCount)));
    QVERIFY(g.mergedRuns >= 1);
    // The run covers the children's whole extent.
    double left = 1e9, right = -1e9;
    for (const auto &fills : g.fills)
        for (const QRectF &r : fills)
            if (r.top() > w.flameRect().top() + 1) {
                left = std::min(left, r.left());
                right = std::max(right, r.right());
            }
    QVERIFY(qAbs(left - w.flameRect().left()) <= 1);
    QVERIFY(right >= w.flameRect().left() + width - 1);
    // Still clickable: some child is under every pixel of the row.
    const double y = w.spanRect(1)->center().y();
    for (int x = 1; x < 999; x += 37) {
        const uint32_t hit = w.spanAt(QPointF(x + 0.5, y));
        QVERIFY(hit != kNone && hit != root);
    }
    // Zoomed in far enough they are drawn one by one again.
    session.setVisibleRange(kBase + 500'000, kBase + 500'300);
    const FlameGeometry &zoomed = w.painter().geometry(w.currentView(), w.font());
    QCOMPARE(zoomed.mergedRuns, size_t(0));
    QVERIFY(zoomed.boxCount >= 30);
}

void TestFlameGraph::overlappingSpansInOneRowAllDrawn()
{
    // Async children may overlap their siblings: one long span with many short
    // ones inside and after it. The long one must not be lost in a run.
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    const uint32_t longChild = s.add(0, root, 1'000, 900'000, "long async");
    for (uint32_t i = 0; i < 5000; ++i)
        s.add(0, root, 1'000 + uint64_t(i) * 150, 1'000 + uint64_t(i) * 150 + 20, "short");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const FlameGeometry &g = w.painter().geometry(w.currentView(), w.font());
    const QRectF expected = *w.spanRect(longChild);
    bool found = false;
    for (const auto &fills : g.fills)
        for (const QRectF &r : fills)
            found |= qAbs(r.top() - expected.top()) < 0.5 && r.width() >= expected.width() - 2;
    QVERIFY(found);
    QVERIFY(g.boxCount <= 1000 + 10);
}

void TestFlameGraph::parentlessSpansWithOneTimingGetRowsOfTheirOwn()
{
    // Two roots with identical timing were drawn in one row, one hiding the
    // other. Each tree gets rows of its own where it overlaps another; a
    // root that overlaps nothing stays on the top row.
    Spans s;
    const uint32_t a = s.add(0, kNone, 0, 1'000'000, "first root");
    const uint32_t b = s.add(0, kNone, 0, 1'000'000, "second root");
    const uint32_t childA = s.add(0, a, 100'000, 600'000, "child of first");
    const uint32_t childB = s.add(0, b, 100'000, 600'000, "child of second");
    const uint32_t later = s.add(0, kNone, 2'000'000, 3'000'000, "later root");
    auto model = s.finish();
    const FlameRows rows(*model, 0);
    QCOMPARE(rows.rowCount(), 4);
    QCOMPARE(rows.rowOf(a), 0);
    QCOMPARE(rows.rowOf(childA), 1);
    QCOMPARE(rows.rowOf(b), 2);
    QCOMPARE(rows.rowOf(childB), 3);
    QCOMPARE(rows.rowOf(later), 0);
    for (uint32_t span : {a, b, childA, childB, later})
        QCOMPARE(rows.entrySpan(rows.entryOf(span)), span);

    // On screen both roots are drawn and each takes its own clicks.
    Session session;
    session.setModel(model);
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const QRectF ra = *w.spanRect(a), rb = *w.spanRect(b);
    QVERIFY(!ra.intersects(rb));
    QCOMPARE(w.painter().hitTest(w.currentView(), ra.center()), a);
    QCOMPARE(w.painter().hitTest(w.currentView(), rb.center()), b);
}

void TestFlameGraph::labelsNeverOverlap()
{
    // Two roots with the same times (as in jaeger's otel_traces_01 fixture),
    // and async children overlapping at random: labels stay apart.
    Spans s;
    const uint32_t a = s.add(0, kNone, 0, 1'000'000, "first root with a name");
    const uint32_t b = s.add(0, kNone, 0, 1'000'000, "second root");
    std::mt19937 rng(11);
    for (int i = 0; i < 60; ++i) {
        const uint64_t start = rng() % 900'000;
        s.add(0, i % 2 ? a : b, start, start + 20'000 + rng() % 300'000, "async child with a long name");
    }
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    const FlameGeometry &g = w.painter().geometry(w.currentView(), w.font());
    QVERIFY(g.labels.size() >= 3);
    int roots = 0;
    for (size_t i = 0; i < g.labels.size(); ++i) {
        roots += g.labels[i].span == a || g.labels[i].span == b;
        for (size_t j = i + 1; j < g.labels.size(); ++j)
            QVERIFY2(!g.labels[i].rect.intersects(g.labels[j].rect),
                     qPrintable(g.labels[i].text + QStringLiteral(" / ") + g.labels[j].text));
    }
    // Each root has rows of its own, so each keeps its label.
    QCOMPARE(roots, 2);
    const auto second = std::find_if(g.labels.begin(), g.labels.end(), [&](const FlameLabel &l) { return l.span == b; });
    QVERIFY(second != g.labels.end());
    QCOMPARE(second->text, QStringLiteral("second root"));
}

void TestFlameGraph::marksAndErrorsAndGlyphs()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    const uint32_t failed = s.add(0, root, 100'000, 400'000, "failed", "svc", StatusCode::Error);
    const uint32_t producer = s.add(0, root, 500'000, 900'000, "producer");
    const uint32_t consumer = s.add(1, kNone, 2'000'000, 3'000'000, "consumer");
    s.link(consumer, producer); // consumer -> producer: outgoing on the consumer, incoming on the producer
    Session session;
    session.setModel(s.finish());
    session.navigateTo(0);
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.setHighlightedSpans({failed, consumer /* another trace: ignored */});
    const FlameGeometry &g = w.painter().geometry(w.currentView(), w.font());
    QCOMPARE(g.errorBoxes.size(), size_t(1));
    QVERIFY(g.errorBoxes[0].intersects(*w.spanRect(failed)));
    QCOMPARE(g.marks.size(), size_t(1));
    QVERIFY(g.marks[0].intersects(*w.spanRect(failed)));
    QCOMPARE(g.glyphs.size(), size_t(1));
    QVERIFY(!g.glyphs[0].outgoing);
    QVERIFY(w.spanRect(producer)->contains(g.glyphs[0].center));
    const auto bold = std::count_if(g.labels.begin(), g.labels.end(), [](const FlameLabel &l) { return l.error; });
    QCOMPARE(bold, 1);

    session.navigateTo(1);
    const FlameGeometry &g1 = w.painter().geometry(w.currentView(), w.font());
    QCOMPARE(g1.glyphs.size(), size_t(1));
    QVERIFY(g1.glyphs[0].outgoing);
    QCOMPARE(g1.marks.size(), size_t(1)); // the consumer was highlighted too
    w.setHighlightedSpans({});

    // Painting with a selection and hover runs to completion and draws boxes.
    QImage image(w.size(), QImage::Format_ARGB32_Premultiplied);
    session.select(consumer);
    w.render(&image);
    const QRgb background = image.pixel(5, int(w.flameRect().bottom()) - 5);
    const QRectF r = *w.spanRect(consumer);
    QVERIFY(image.pixel(int(r.center().x()), int(r.center().y()) + 3) != background);
}

void TestFlameGraph::hoverAndSelectionReuseGeometry()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    const uint32_t a = s.add(0, root, 0, 400'000, "a");
    const uint32_t b = s.add(0, root, 500'000, 900'000, "b");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QImage image(w.size(), QImage::Format_ARGB32_Premultiplied);
    w.render(&image);
    const size_t builds = w.painter().buildCount();
    QVERIFY(builds >= 1);
    QTest::mouseMove(&w, w.spanRect(a)->center().toPoint());
    w.render(&image);
    session.select(b);
    w.render(&image);
    QTest::mouseMove(&w, w.spanRect(b)->center().toPoint());
    w.render(&image);
    QCOMPARE(w.painter().buildCount(), builds);
    w.zoomIn();
    w.render(&image);
    QCOMPARE(w.painter().buildCount(), builds + 1);
    w.resize(900, 300);
    w.render(&image);
    QCOMPARE(w.painter().buildCount(), builds + 2);
}

void TestFlameGraph::followsThePalette()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root");
    s.add(0, root, 0, 100'000, "child");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(600, 300);
    QImage image(w.size(), QImage::Format_ARGB32_Premultiplied);
    const QPoint empty(500, int(w.flameRect().bottom()) - 5);
    for (bool dark : {true, false}) {
        QPalette palette = w.palette();
        palette.setColor(QPalette::Base, dark ? QColor(0x20, 0x20, 0x24) : QColor(0xfa, 0xfa, 0xfa));
        palette.setColor(QPalette::Text, dark ? QColor(0xee, 0xee, 0xee) : QColor(0x11, 0x11, 0x11));
        w.setPalette(palette);
        w.render(&image);
        QCOMPARE(QColor(image.pixel(empty)), palette.color(QPalette::Base));
        // The boxes keep their service colours.
        const QRectF r = *w.spanRect(root);
        QCOMPARE(QColor(image.pixel(int(r.right()) - 40, int(r.center().y()))),
                 w.painter().rows()->colors()[0]);
    }
}

void TestFlameGraph::overviewDragMovesWindow()
{
    Spans s;
    s.add(0, kNone, 0, 1'000'000, "root");
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    session.setVisibleRange(kBase, kBase + 100'000);
    QTest::mousePress(&w, Qt::LeftButton, {}, QPoint(500, 10));
    QTest::mouseMove(&w, QPoint(700, 12));
    QTest::mouseRelease(&w, Qt::LeftButton, {}, QPoint(700, 12));
    // The window keeps its length and is centred where the mouse let go.
    QCOMPARE(w.viewEnd() - w.viewStart(), uint64_t(100'000));
    QVERIFY(qAbs(double(w.viewStart() + w.viewEnd()) / 2 - double(kBase + 700'000)) <= 1000);
}

void TestFlameGraph::panAndScroll()
{
    Spans s;
    // 40 levels deep: more rows than fit in 300 px.
    uint32_t parent = s.add(0, kNone, 0, 1'000'000, "level 0");
    std::vector<uint32_t> chain = {parent};
    for (int d = 1; d < 40; ++d)
        chain.push_back(parent = s.add(0, parent, uint64_t(d) * 1000, 1'000'000 - uint64_t(d) * 1000, "deeper"));
    Session session;
    session.setModel(s.finish());
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    session.setVisibleRange(kBase + 400'000, kBase + 500'000);

    // Middle drag 100 px to the left moves the window 10% later.
    const int y = int(w.flameRect().top()) + 30;
    QTest::mousePress(&w, Qt::MiddleButton, {}, QPoint(500, y));
    QTest::mouseMove(&w, QPoint(450, y));
    QTest::mouseMove(&w, QPoint(400, y));
    QTest::mouseRelease(&w, Qt::MiddleButton, {}, QPoint(400, y));
    QVERIFY(qAbs(double(w.viewStart()) - double(kBase + 410'000)) <= 1);
    QCOMPARE(w.viewEnd() - w.viewStart(), uint64_t(100'000));
    // Shift+left drag pans the same way.
    QTest::mousePress(&w, Qt::LeftButton, Qt::ShiftModifier, QPoint(400, y));
    QTest::mouseMove(&w, QPoint(500, y));
    QTest::mouseRelease(&w, Qt::LeftButton, Qt::ShiftModifier, QPoint(500, y));
    QVERIFY(qAbs(double(w.viewStart()) - double(kBase + 400'000)) <= 1);
    QCOMPARE(session.selectedSpan(), kNone); // a pan is not a click

    // Shift+wheel scrolls the rows; the deepest row comes into view.
    const double rootTop = w.spanRect(chain[0])->top();
    QVERIFY(!w.flameRect().contains(w.spanRect(chain.back())->center()));
    for (int i = 0; i < 30; ++i)
        wheel(w, QPointF(500, y), -120, Qt::ShiftModifier);
    QVERIFY(w.spanRect(chain[0])->top() < rootTop);
    QVERIFY(w.flameRect().contains(w.spanRect(chain.back())->center()));
    QCOMPARE(w.spanAt(w.spanRect(chain.back())->center()), chain.back());
    // It stops at the last row.
    const double lastBottom = w.spanRect(chain.back())->bottom();
    wheel(w, QPointF(500, y), -1200, Qt::ShiftModifier);
    QCOMPARE(w.spanRect(chain.back())->bottom(), lastBottom);

    // Selecting a span elsewhere (search, details) brings it into view.
    session.select(chain[2]);
    QVERIFY(w.flameRect().contains(w.spanRect(chain[2])->center()));
}

void TestFlameGraph::toolTipDescribesSpan()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 2'500'000, "GET /checkout", "frontend");
    const uint32_t failed = s.add(0, root, 500'000, 1'700'000, "charge card", "payment", StatusCode::Error);
    const uint32_t other = s.add(1, kNone, 3'000'000, 4'000'000, "retry charge", "payment");
    s.link(other, failed);
    Session session;
    session.setModel(s.finish());
    session.navigateTo(0);
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QPoint pos = w.spanRect(failed)->center().toPoint();
    QHelpEvent help(QEvent::ToolTip, pos, w.mapToGlobal(pos));
    QApplication::sendEvent(&w, &help);
    const QString tip = QToolTip::text();
    QVERIFY2(tip.contains(QStringLiteral("charge card")), qPrintable(tip));
    QVERIFY(tip.contains(QStringLiteral("payment")));
    QVERIFY(tip.contains(QStringLiteral("1.2 ms")));
    QVERIFY(tip.contains(QStringLiteral("Error")));
    QVERIFY(tip.contains(QStringLiteral("0 out, 1 in")));
    QToolTip::hideText();
}

void TestFlameGraph::largeTraceIsIndexedOffTheGuiThread()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 300'000'000, "root");
    for (uint32_t i = 0; i < 210'000; ++i)
        s.add(0, root, uint64_t(i) * 1000, uint64_t(i) * 1000 + 700, "leaf");
    s.add(1, kNone, 0, 1000, "small trace");
    Session session;
    session.setModel(s.finish());
    session.navigateTo(1);
    FlameGraphWidget w(&session);
    w.resize(1000, 300);
    QVERIFY(w.painter().rows()); // small: indexed at once

    QSignalSpy ready(&w, &FlameGraphWidget::rowsReady);
    session.navigateTo(0);
    session.setVisibleRange(kBase + 1'000'000, kBase + 2'000'000);
    // Not yet: the widget shows a note meanwhile and paints without a crash.
    QImage image(w.size(), QImage::Format_ARGB32_Premultiplied);
    if (!w.painter().rows())
        w.render(&image);
    QVERIFY(ready.count() == 1 || ready.wait(20000));
    QVERIFY(w.painter().rows());
    QCOMPARE(w.painter().rows()->entryCount(), size_t(210'001));
    // The range asked for while indexing is the one shown.
    QCOMPARE(w.viewStart(), kBase + 1'000'000);
    QCOMPARE(w.viewEnd(), kBase + 2'000'000);
    QCOMPARE(w.spanAt(w.spanRect(root + 1500)->center()), root + 1500);

    // A result that arrives after the focus moved on is dropped.
    session.back();
    session.forward();
    session.back();
    QCOMPARE(w.painter().rows()->trace(), 1u);
    QThreadPool::globalInstance()->waitForDone();
    QCoreApplication::processEvents();
    QCOMPARE(w.painter().rows()->trace(), 1u);
    QCOMPARE(w.viewEnd(), kBase + 1000);
}

void TestFlameGraph::flameDrawingSizeAndContent()
{
    Spans s;
    const uint32_t root = s.add(0, kNone, 0, 1'000'000, "root", "frontend");
    const uint32_t child = s.add(0, root, 0, 500'000, "child", "cart");
    s.add(0, child, 0, 100'000, "grandchild", "db", StatusCode::Error);
    auto model = s.finish();
    DrawingOptions options;
    options.trace = 0;
    options.width = 800;
    const Drawing drawing = flameDrawing(*model, options);
    QCOMPARE(drawing.size.width(), 800.0);
    // Three rows plus axis and legend.
    FlameStyle style = FlameStyle::standard(false);
    const double rowHeight = std::ceil(QFontMetricsF(style.font).height()) + 5;
    FlameRows rows(*model, 0);
    const double expected = TimeAxis::kHeight + 3 * rowHeight + flameLegendHeight(rows, style.font, 800, true);
    QCOMPARE(drawing.size.height(), expected);

    for (bool dark : {false, true}) {
        options.dark = dark;
        const Drawing d = flameDrawing(*model, options);
        QImage image(d.size.toSize(), QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter p(&image);
        d.paint(p);
        p.end();
        // The root row is filled across (service colour), the background matches the palette.
        const int rootY = int(TimeAxis::kHeight + rowHeight / 2);
        QCOMPARE(QColor(image.pixel(400, rootY)), rows.colors()[0]);
        const QColor background(image.pixel(700, int(TimeAxis::kHeight + 2.5 * rowHeight)));
        QCOMPARE(background.lightnessF() < 0.5, dark);
    }
    // No trace named: the one with the most links (here the only one).
    options.trace = kNone;
    QCOMPARE(flameDrawing(*model, options).size.height(), expected);

    // A trace 3000 levels deep draws its first 1000 rows, not a 50,000 px image.
    Spans deep;
    uint32_t parent = deep.add(0, kNone, 0, 1'000'000, "level");
    for (int d = 1; d < 3000; ++d)
        parent = deep.add(0, parent, uint64_t(d), 1'000'000 - uint64_t(d), "level");
    auto deepModel = deep.finish();
    options.trace = 0;
    const Drawing tall = flameDrawing(*deepModel, options);
    FlameRows deepRows(*deepModel, 0);
    QCOMPARE(deepRows.rowCount(), 3000);
    QCOMPARE(tall.size.height(),
             TimeAxis::kHeight + 1000 * rowHeight + flameLegendHeight(deepRows, style.font, 800, true));
}

void TestFlameGraph::formatDuration_data()
{
    QTest::addColumn<double>("ns");
    QTest::addColumn<QString>("text");
    QTest::newRow("0") << 0.0 << QStringLiteral("0 ns");
    QTest::newRow("850 ns") << 850.0 << QStringLiteral("850 ns");
    QTest::newRow("rounds up to µs") << 999.7 << QStringLiteral("1 µs");
    QTest::newRow("12.3 µs") << 12'345.0 << QStringLiteral("12.3 µs");
    QTest::newRow("1.5 ms") << 1'500'000.0 << QStringLiteral("1.5 ms");
    QTest::newRow("123 ms") << 123'400'000.0 << QStringLiteral("123 ms");
    QTest::newRow("4.56 s") << 4'561'000'000.0 << QStringLiteral("4.56 s");
    QTest::newRow("2 min 5 s") << 125e9 << QStringLiteral("2 min 5 s");
    QTest::newRow("3 min") << 180e9 << QStringLiteral("3 min");
    QTest::newRow("1 h 20 min") << 4800e9 << QStringLiteral("1 h 20 min");
    QTest::newRow("2 h") << 7200e9 << QStringLiteral("2 h");
}

void TestFlameGraph::formatDuration()
{
    QFETCH(double, ns);
    QFETCH(QString, text);
    QCOMPARE(ui::formatDuration(ns), text);
}

void TestFlameGraph::tickSteps_data()
{
    QTest::addColumn<double>("minimum");
    QTest::addColumn<double>("step");
    QTest::newRow("1 ns") << 0.3 << 1.0;
    QTest::newRow("2 ns") << 1.5 << 2.0;
    QTest::newRow("5 µs") << 3'100.0 << 5'000.0;
    QTest::newRow("10 µs") << 7'000.0 << 10'000.0;
    QTest::newRow("exact 20 ms") << 20e6 << 20e6;
    QTest::newRow("200 ms") << 120e6 << 200e6;
    QTest::newRow("10 s") << 6e9 << 10e9;
    QTest::newRow("30 s") << 21e9 << 30e9;
    QTest::newRow("1 min") << 45e9 << 60e9;
    QTest::newRow("5 min") << 200e9 << 300e9;
    QTest::newRow("30 min") << 1500e9 << 1800e9;
    QTest::newRow("2 h") << 4000e9 << 7200e9;
    QTest::newRow("10 h") << 8 * 3600e9 << 10 * 3600e9;
}

void TestFlameGraph::tickSteps()
{
    QFETCH(double, minimum);
    QFETCH(double, step);
    QCOMPARE(TimeAxis::tickStep(minimum), step);
}

void TestFlameGraph::tickLabels_data()
{
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("step");
    QTest::addColumn<QString>("label");
    QTest::newRow("zero") << 0.0 << 1e6 << QStringLiteral("0");
    QTest::newRow("ns") << 40.0 << 20.0 << QStringLiteral("40 ns");
    QTest::newRow("µs with a decimal") << 1'400.0 << 200.0 << QStringLiteral("1.4 µs");
    QTest::newRow("ms") << 3'000'000.0 << 1e6 << QStringLiteral("3 ms");
    QTest::newRow("ms with decimals") << 2'500'400'000.0 << 200e3 << QStringLiteral("2500.4 ms");
    QTest::newRow("s") << 12e9 << 2e9 << QStringLiteral("12 s");
    QTest::newRow("min") << 600e9 << 300e9 << QStringLiteral("10 min");
    QTest::newRow("h") << 3 * 3600e9 << 3600e9 << QStringLiteral("3 h");
}

void TestFlameGraph::tickLabels()
{
    QFETCH(double, offset);
    QFETCH(double, step);
    QFETCH(QString, label);
    QCOMPARE(TimeAxis::tickLabel(offset, step), label);
    // Ticks over a window are evenly spaced and at least the spacing apart.
    const auto ticks = TimeAxis::ticks(0, step * 20, 0, 1000, 40);
    QVERIFY(ticks.size() >= 2);
    for (size_t i = 1; i < ticks.size(); ++i)
        QVERIFY(ticks[i].x - ticks[i - 1].x >= 40 - 1e-6);
}

QTEST_MAIN(TestFlameGraph)
#include "tst_flamegraph.moc"
