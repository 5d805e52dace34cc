// The trace graph view and its painter: what the nodes say, hit testing of
// nodes and thin edges, navigation by click, group expansion, zoom and pan,
// superseded layouts, and the same picture written as PNG, SVG and PDF.

#include "ui/drawing.h"
#include "ui/graphpainter.h"
#include "ui/graphview.h"
#include "ui/session.h"

#include "core/load.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QSvgRenderer>
#include <QToolTip>
#include <QtTest>

#include <cmath>
#include <thread>

using namespace causeway;
using namespace causeway::ui;

namespace {

std::shared_ptr<const Model> loadOrders()
{
    auto model = std::make_shared<Model>();
    const LoadResult r = loadFiles({test::testData("graph_export/orders.json")}, *model);
    if (!r.ok)
        qFatal("cannot load orders.json: %s", r.error.text().c_str());
    return model;
}

// A producer whose message `consumers` traces link to, and a retry chain after the first consumer.
std::shared_ptr<const Model> fanOut(uint32_t consumers)
{
    test::TestModelBuilder b("shop");
    b.add({.trace = 1, .span = 1, .start = 0, .duration = 5000000, .name = "publish batch"});
    for (uint32_t i = 0; i < consumers; ++i)
        b.add({.trace = 100 + i, .span = 100 + i, .start = 10000000 + i * 1000, .duration = 2000000,
               .name = "process item", .links = {{1, 1, {{"messaging.destination.name", "items"}}}}});
    b.add({.trace = 2, .span = 2, .start = 90000000, .duration = 1000000, .name = "retry item", .links = {{100, 100}}});
    return std::make_shared<Model>(b.finish());
}

int nodeOfTrace(const GraphPicture &p, const Model &model, std::string_view rootName)
{
    const auto &nodes = p.graph().nodes;
    for (size_t i = 0; i < nodes.size(); ++i)
        if (!nodes[i].isGroup() && model.str(model.hot[model.traces[nodes[i].trace].root].name) == rootName)
            return int(i);
    return -1;
}

bool waitForLayout(GraphView &view)
{
    QSignalSpy spy(&view, &GraphView::layoutFinished);
    return spy.wait(20000) || (!view.isLayingOut() && view.picture());
}

} // namespace

class TestGraphView : public QObject
{
    Q_OBJECT

private slots:
    void formatNames()
    {
        QCOMPARE(imageFormatFromName(QStringLiteral("PNG")), std::optional(ImageFormat::Png));
        QCOMPARE(imageFormatFromName(QStringLiteral("svg")), std::optional(ImageFormat::Svg));
        QCOMPARE(imageFormatFromName(QStringLiteral("Pdf")), std::optional(ImageFormat::Pdf));
        QVERIFY(!imageFormatFromName(QStringLiteral("jpeg")));
        QVERIFY(!imageFormatFromName(QString()));
    }

    void nodeAndEdgeTexts()
    {
        const auto model = loadOrders();
        DrawingOptions options;
        options.trace = uint32_t(model->traces.size()); // not loaded
        QString error;
        QVERIFY(!buildGraphPicture(*model, options, &error));
        QVERIFY(!error.isEmpty());

        options.trace = kNone; // the whole model
        auto picture = buildGraphPicture(*model, options, &error);
        QVERIFY2(picture, qPrintable(error));
        QCOMPARE(picture->graph().nodes.size(), size_t(6));
        QCOMPARE(picture->graph().edges.size(), size_t(6));

        const int failing = [&] {
            for (size_t i = 0; i < picture->graph().nodes.size(); ++i)
                if (model->traces[picture->graph().nodes[i].trace].errorCount)
                    return int(i);
            return -1;
        }();
        QVERIFY(failing >= 0);
        const QStringList lines = picture->nodeLines(failing);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines[0], QStringLiteral("process order"));
        QCOMPARE(lines[1], QStringLiteral("order-worker"));
        // The short trace id, as the other views show it, then the numbers.
        const QString shortId = QString::fromStdString(model->traces[picture->graph().nodes[failing].trace].id.hex()).left(8);
        QCOMPARE(lines[2], shortId + QStringLiteral(" · 60 ms · 2 spans · 1 error"));

        // The retry edge: one link, 160 ms from the failed attempt to the retry.
        bool found = false;
        for (size_t e = 0; e < picture->graph().edges.size(); ++e) {
            if (picture->edgeLabel(int(e)) == QStringLiteral("1 link · 160 ms")) {
                found = true;
                const QString tip = picture->edgeToolTip(int(e));
                QVERIFY(tip.contains(QStringLiteral("median 160 ms")));
                QVERIFY(tip.contains(QStringLiteral("retry.attempt = 2")));
                QVERIFY(tip.contains(QStringLiteral("charge card retry")));
            }
        }
        QVERIFY(found);
    }

    void groupNodeSaysWhatItHolds()
    {
        const auto model = fanOut(40);
        DrawingOptions options;
        options.trace = model->findTrace(test::TestModelBuilder::traceId(1));
        QString error;
        auto picture = buildGraphPicture(*model, options, &error);
        QVERIFY(picture);
        const auto &nodes = picture->graph().nodes;
        int group = -1;
        for (size_t i = 0; i < nodes.size(); ++i)
            if (nodes[i].isGroup())
                group = int(i);
        QVERIFY(group >= 0);
        QCOMPARE(picture->nodeLines(group).value(0), QStringLiteral("40 more traces"));
        QCOMPARE(picture->nodeLines(group).value(1), QStringLiteral("process item"));
        // Its edge adds up all 40 links.
        bool edge = false;
        for (size_t e = 0; e < picture->graph().edges.size(); ++e)
            edge |= picture->edgeLabel(int(e)).startsWith(QStringLiteral("40 links · "));
        QVERIFY(edge);
    }

    void hitTesting()
    {
        const auto model = loadOrders();
        DrawingOptions options;
        QString error;
        auto picture = buildGraphPicture(*model, options, &error);
        QVERIFY(picture);
        const LayoutResult layout = layoutGraph(picture->layoutRequest());
        QVERIFY(layout.ok);
        picture->setLayout(layout);
        QVERIFY(picture->size().width() > 300 && picture->size().height() > 100);

        for (int i = 0; i < int(picture->graph().nodes.size()); ++i) {
            const QRectF r = picture->nodeRect(i);
            QVERIFY(QRectF(QPointF(0, 0), picture->size()).contains(r));
            QCOMPARE(picture->nodeAt(r.center()), i);
            QCOMPARE(picture->nodeAt(r.topLeft() + QPointF(1, 1)), i);
        }
        for (int e = 0; e < int(picture->graph().edges.size()); ++e) {
            const QPointF mid = picture->edgeMidpoint(e);
            QCOMPARE(picture->edgeAt(mid), e);
            // A thin dotted curve is still hit a few pixels to either side...
            bool nearby = true;
            for (QPointF d : {QPointF(0, 3), QPointF(0, -3), QPointF(3, 0), QPointF(-3, 0)})
                nearby &= picture->edgeAt(mid + d) == e;
            QVERIFY2(nearby, qPrintable(QStringLiteral("edge %1 not hit within 3 px").arg(e)));
            QCOMPARE(picture->nodeAt(mid), -1);
        }
        // ...but not far from every curve and label.
        QCOMPARE(picture->edgeAt(QPointF(1, 1)), -1);
        QCOMPARE(picture->nodeAt(QPointF(1, 1)), -1);
    }

    void drawingWritesEveryFormat()
    {
        const auto model = loadOrders();
        DrawingOptions options;
        QString error;
        options.trace = 0;
        std::optional<Drawing> drawing = graphDrawing(*model, options, &error);
        QVERIFY2(drawing, qPrintable(error));
        QVERIFY(drawing->size.width() > 200 && drawing->size.height() > 80);

        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("g.png"));
        QVERIFY2(writeDrawing(*drawing, ImageFormat::Png, png, 2, &error), qPrintable(error));
        QImage image(png);
        QCOMPARE(image.size(), QSize(int(std::ceil(drawing->size.width() * 2)), int(std::ceil(drawing->size.height() * 2))));
        // Something is drawn: the link colour of the edges and the error red both occur.
        int link = 0, red = 0;
        const QColor linkColour = QColor(0x6a, 0x3d, 0x9a), errorRed = QColor(0xd6, 0x27, 0x28);
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QColor c = image.pixelColor(x, y);
                link += c == linkColour;
                red += c == errorRed;
            }
        QVERIFY(link > 50);
        QVERIFY(red > 50);

        const QString svg = dir.filePath(QStringLiteral("g.svg"));
        QVERIFY2(writeDrawing(*drawing, ImageFormat::Svg, svg, 1, &error), qPrintable(error));
        QSvgRenderer renderer(svg);
        QVERIFY(renderer.isValid());
        QCOMPARE(renderer.viewBoxF().size(), drawing->size);

        const QString pdf = dir.filePath(QStringLiteral("g.pdf"));
        QVERIFY2(writeDrawing(*drawing, ImageFormat::Pdf, pdf, 1, &error), qPrintable(error));
        QFile file(pdf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.read(5) == "%PDF-");

        QVERIFY(!writeDrawing(*drawing, ImageFormat::Png, dir.filePath(QStringLiteral("no/such/dir/g.png")), 1, &error));
        QVERIFY(!error.isEmpty());
        QVERIFY(!writeDrawing(*drawing, ImageFormat::Png, png, 0, &error));
    }

    void viewShowsFocusAndNavigates()
    {
        Session session;
        GraphView view(&session);
        view.resize(1000, 600);
        view.show();
        const auto model = loadOrders();
        session.setModel(model);
        QVERIFY(waitForLayout(view));
        QVERIFY(view.picture());
        const GraphPicture &first = *view.picture();
        QCOMPARE(first.graph().nodes.size(), size_t(6));
        // The session starts on the trace with the most links: the order producer.
        QCOMPARE(first.graph().nodes[size_t(first.centreNode())].trace, session.focusTrace());
        QCOMPARE(nodeOfTrace(first, *model, "POST /orders"), first.centreNode());

        // Clicking a trace goes to it; the view fits its neighbourhood after the new layout.
        const int retry = nodeOfTrace(first, *model, "charge card retry");
        QVERIFY(retry >= 0);
        const uint32_t retryTrace = first.graph().nodes[size_t(retry)].trace;
        QSignalSpy focus(&session, &Session::focusChanged);
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.toWidget(first.nodeRect(retry).center()).toPoint());
        QCOMPARE(focus.size(), 1);
        QCOMPARE(session.focusTrace(), retryTrace);
        QVERIFY(waitForLayout(view));
        const GraphPicture &second = *view.picture();
        QCOMPARE(second.graph().nodes[size_t(second.centreNode())].trace, retryTrace);
        QVERIFY(view.rect().contains(view.toWidget(second.nodeRect(second.centreNode()).center()).toPoint()));
        // Depth 2 from the retry: the failed attempt, then the producer.
        QCOMPARE(second.graph().nodes.size(), size_t(3));

        // Clicking empty space does nothing.
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(2, 2));
        QCOMPARE(focus.size(), 1);
    }

    void clickingGroupExpandsIt()
    {
        Session session;
        GraphView view(&session);
        view.resize(900, 700);
        view.show();
        const auto model = fanOut(30);
        session.setModel(model);
        session.navigateTo(model->findTrace(test::TestModelBuilder::traceId(1)));
        QVERIFY(waitForLayout(view));
        const GraphPicture *picture = view.picture();
        QVERIFY(picture);
        auto groupNode = [&] {
            for (size_t i = 0; i < view.picture()->graph().nodes.size(); ++i)
                if (view.picture()->graph().nodes[i].isGroup())
                    return int(i);
            return -1;
        };
        int group = groupNode();
        QVERIFY(group >= 0);
        QVERIFY(!picture->graph().nodes[size_t(group)].expanded);
        view.fit();
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.toWidget(picture->nodeRect(group).center()).toPoint());
        QVERIFY(waitForLayout(view));
        picture = view.picture();
        // The producer, its 30 consumers as one block, and the retry of the first one.
        QCOMPARE(picture->graph().nodes.size(), size_t(3));
        group = groupNode();
        QVERIFY(group >= 0);
        const GraphNode &block = picture->graph().nodes[size_t(group)];
        QVERIFY(block.expanded);
        QCOMPARE(block.members.size(), size_t(30));

        // A member's card goes to its trace.
        view.fit();
        const QRectF card = picture->memberRect(group, 3);
        QVERIFY(!card.isEmpty());
        QCOMPARE(picture->memberAt(group, card.center()), block.members[3]);
        const uint32_t member = block.members[3];
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.toWidget(card.center()).toPoint());
        QCOMPARE(session.focusTrace(), member);
        QVERIFY(waitForLayout(view));

        // Back on the producer, the block is still expanded; Collapse makes it one node again.
        session.navigateTo(model->findTrace(test::TestModelBuilder::traceId(1)));
        QVERIFY(waitForLayout(view));
        picture = view.picture();
        group = groupNode();
        QVERIFY(picture->graph().nodes[size_t(group)].expanded);
        const QRectF collapse = picture->collapseButtonRect(group);
        QVERIFY(!collapse.isEmpty());
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.toWidget(collapse.center()).toPoint());
        QVERIFY(waitForLayout(view));
        group = groupNode();
        QVERIFY(group >= 0);
        QVERIFY(!view.picture()->graph().nodes[size_t(group)].expanded);
    }

    void thousandItemBlockIsCompact()
    {
        const auto model = fanOut(1000);
        DrawingOptions options;
        options.trace = model->findTrace(test::TestModelBuilder::traceId(1));
        QString error;
        auto collapsed = buildGraphPicture(*model, options, &error);
        QVERIFY(collapsed);
        uint32_t key = kNone;
        for (const auto &n : collapsed->graph().nodes)
            if (n.isGroup())
                key = n.groupKey;
        auto picture = buildGraphPicture(*model, options, &error, {key});
        QVERIFY(picture);
        const LayoutResult layout = layoutGraph(picture->layoutRequest());
        QVERIFY(layout.ok);
        picture->setLayout(layout);
        // Not one column of a thousand: roughly as wide as high.
        const QSizeF size = picture->size();
        QVERIFY2(size.width() / size.height() > 0.4 && size.width() / size.height() < 4,
                 qPrintable(QStringLiteral("%1 x %2").arg(size.width()).arg(size.height())));
        QVERIFY(size.height() < 4000);
    }

    void fitKeepsTextReadableAndSmallGraphsUnblown()
    {
        Session session;
        GraphView view(&session);
        view.resize(1400, 1000);
        view.show();
        const auto small = fanOut(1); // producer, one consumer, its retry
        session.setModel(small);
        session.navigateTo(small->findTrace(test::TestModelBuilder::traceId(1)));
        QVERIFY(waitForLayout(view));
        view.fit();
        QVERIFY2(view.zoom() <= 1.0, qPrintable(QString::number(view.zoom())));

        // A block of 1,000 in a small view: text stays readable, the centre in view.
        const auto big = fanOut(1000);
        session.setModel(big);
        session.navigateTo(big->findTrace(test::TestModelBuilder::traceId(1)));
        QVERIFY(waitForLayout(view));
        view.resize(500, 350);
        int group = -1;
        for (size_t i = 0; i < view.picture()->graph().nodes.size(); ++i)
            if (view.picture()->graph().nodes[i].isGroup())
                group = int(i);
        QTest::mouseClick(&view, Qt::LeftButton, {}, view.toWidget(view.picture()->nodeRect(group).center()).toPoint());
        QVERIFY(waitForLayout(view));
        view.fit();
        QVERIFY2(view.zoom() * view.picture()->smallestTextPixels() >= 8.4, qPrintable(QString::number(view.zoom())));
        const QPointF centre = view.toWidget(view.picture()->nodeRect(view.picture()->centreNode()).center());
        QVERIFY(view.rect().contains(centre.toPoint()));
    }

    void refitsWhenFocusOrHopsChange()
    {
        Session session;
        GraphView view(&session);
        view.resize(800, 500);
        view.show();
        const auto model = loadOrders();
        session.setModel(model);
        session.navigateTo(0);
        QVERIFY(waitForLayout(view));
        auto fitted = [&] {
            const double zoom = view.zoom();
            const QPointF origin = view.toWidget(QPointF(0, 0));
            view.fit();
            return std::abs(view.zoom() - zoom) < 1e-9 && (view.toWidget(QPointF(0, 0)) - origin).manhattanLength() < 0.5;
        };
        QVERIFY(fitted());
        // Zoomed in, then the hops change: fitted again.
        view.zoomIn();
        view.zoomIn();
        view.setDepth(view.depth() + 2);
        QVERIFY(waitForLayout(view));
        QVERIFY(fitted());
        // Zoomed in, then another trace is focused: fitted again.
        view.zoomIn();
        view.zoomIn();
        session.navigateTo(uint32_t(model->traces.size() - 1));
        QVERIFY(waitForLayout(view));
        QVERIFY(fitted());
    }

    void zoomPanAndFit()
    {
        Session session;
        GraphView view(&session);
        view.resize(800, 500);
        view.show();
        session.setModel(loadOrders());
        QVERIFY(waitForLayout(view));
        const GraphPicture *picture = view.picture();
        QVERIFY(picture);

        // Fit: the whole picture inside the widget, centred.
        QTest::keyClick(&view, Qt::Key_F);
        const QPointF topLeft = view.toWidget(QPointF(0, 0));
        const QPointF bottomRight = view.toWidget(QPointF(picture->size().width(), picture->size().height()));
        QVERIFY(topLeft.x() >= -0.5 && topLeft.y() >= -0.5);
        QVERIFY(bottomRight.x() <= view.width() + 0.5 && bottomRight.y() <= view.height() + 0.5);
        const double fitted = view.zoom();

        QTest::keyClick(&view, Qt::Key_Equal, Qt::ControlModifier);
        QVERIFY(std::abs(view.zoom() - fitted * 1.25) < 1e-9);
        QTest::keyClick(&view, Qt::Key_Minus, Qt::ControlModifier);
        QTest::keyClick(&view, Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(std::abs(view.zoom() - fitted / 1.25) < 1e-9);
        QTest::keyClick(&view, Qt::Key_0, Qt::ControlModifier);
        QVERIFY(std::abs(view.zoom() - fitted) < 1e-9);

        // Wheel zoom keeps the point under the cursor in place.
        const QPointF cursor(300, 200);
        const QPointF under = view.toPicture(cursor);
        QWheelEvent wheel(cursor, view.mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        QVERIFY(std::abs(view.zoom() - fitted * 1.25 * 1.25) < 1e-9);
        const QPointF after = view.toWidget(under);
        QVERIFY(std::abs(after.x() - cursor.x()) < 1e-6 && std::abs(after.y() - cursor.y()) < 1e-6);

        // Dragging pans and does not navigate.
        const uint32_t focus = session.focusTrace();
        const QPointF before = view.toWidget(QPointF(0, 0));
        QTest::mousePress(&view, Qt::LeftButton, {}, QPoint(400, 250));
        QMouseEvent move(QEvent::MouseMove, QPointF(460, 280), view.mapToGlobal(QPointF(460, 280)), Qt::NoButton,
                         Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &move);
        QTest::mouseRelease(&view, Qt::LeftButton, {}, QPoint(460, 280));
        const QPointF moved = view.toWidget(QPointF(0, 0)) - before;
        QVERIFY(std::abs(moved.x() - 60) < 1e-6 && std::abs(moved.y() - 30) < 1e-6);
        QCOMPARE(session.focusTrace(), focus);
    }

    void hoverHighlightsEdge()
    {
        Session session;
        GraphView view(&session);
        view.resize(900, 500);
        view.show();
        session.setModel(loadOrders());
        QVERIFY(waitForLayout(view));
        const GraphPicture *picture = view.picture();
        const QPointF mid = view.toWidget(picture->edgeMidpoint(0));
        QMouseEvent move(QEvent::MouseMove, mid, view.mapToGlobal(mid), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(&view, &move);
        QCOMPARE(picture->hoveredEdge(), 0);

        // The tooltip of the hovered edge: count, lags and link attributes.
        QHelpEvent help(QEvent::ToolTip, mid.toPoint(), view.mapToGlobal(mid.toPoint()));
        QApplication::sendEvent(&view, &help);
        QVERIFY(QToolTip::isVisible());
        QCOMPARE(QToolTip::text(), picture->edgeToolTip(0));
        QVERIFY(QToolTip::text().contains(QStringLiteral("lag min ")));
        QVERIFY(QToolTip::text().contains(QStringLiteral(" · median ")));
        // Over a node: the trace's summary.
        const QPoint onNode = view.toWidget(picture->nodeRect(0).center()).toPoint();
        QHelpEvent nodeHelp(QEvent::ToolTip, onNode, view.mapToGlobal(onNode));
        QApplication::sendEvent(&view, &nodeHelp);
        QVERIFY(QToolTip::text().contains(QStringLiteral("links: ")));
        QToolTip::hideText();

        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(&view, &leave);
        QCOMPARE(picture->hoveredEdge(), -1);
    }

    void newerFocusSupersedesLayout()
    {
        Session session;
        GraphView view(&session);
        view.resize(800, 500);
        view.show();
        const auto model = loadOrders();
        session.setModel(model);
        QVERIFY(waitForLayout(view));

        QSignalSpy finished(&view, &GraphView::layoutFinished);
        uint32_t first = kNone, second = kNone;
        for (uint32_t t = 0; t < model->traces.size(); ++t) {
            const auto name = model->str(model->hot[model->traces[t].root].name);
            if (name == "nightly settlement")
                first = t;
            if (name == "charge card retry")
                second = t;
        }
        QVERIFY(first != kNone && second != kNone);
        // Keep Graphviz busy elsewhere so that both requests are in flight at once.
        std::thread busy([] {
            LayoutRequest tree;
            for (uint32_t i = 0; i < 600; ++i) {
                tree.nodes.push_back({std::string(), std::string(), 100, 40});
                if (i)
                    tree.edges.push_back({(i * 7919u) % i, i, "1 link · 3 ms"});
            }
            layoutGraph(tree);
        });
        QThread::msleep(50);
        session.navigateTo(first);
        QCoreApplication::processEvents(); // the first layout request goes out
        QVERIFY(view.isLayingOut());
        session.navigateTo(second);
        QCoreApplication::processEvents();
        busy.join();
        QVERIFY(finished.wait(20000));
        QTest::qWait(200); // a superseded result, if delivered, would arrive by now
        QCOMPARE(finished.size(), 1);
        QVERIFY(!view.isLayingOut());
        const GraphPicture *picture = view.picture();
        QCOMPARE(picture->graph().nodes[size_t(picture->centreNode())].trace, second);
    }

    void hiddenViewWaitsUntilShown()
    {
        // In a background tab the view must not lay out on every focus change.
        Session session;
        GraphView view(&session);
        view.resize(600, 400);
        const auto model = loadOrders();
        session.setModel(model);
        session.navigateTo(1);
        QTest::qWait(100);
        QVERIFY(!view.picture());
        QVERIFY(!view.isLayingOut());
        QSignalSpy finished(&view, &GraphView::layoutFinished);
        view.show();
        QVERIFY(finished.wait(20000));
        QVERIFY(view.picture());
        QCOMPARE(view.picture()->graph().nodes[size_t(view.picture()->centreNode())].trace, 1u);
        // Shown after a new model: fitted into the view, or, where that would make
        // the text unreadable, at the least readable zoom around the centre trace.
        const QPointF bottomRight = view.toWidget(QPointF(view.picture()->size().width(), view.picture()->size().height()));
        if (view.zoom() > view.minimumFitZoom() + 1e-9)
            QVERIFY(bottomRight.x() <= view.width() + 0.5 && bottomRight.y() <= view.height() + 0.5);
        else
            QVERIFY(view.rect().contains(view.toWidget(view.picture()->nodeRect(view.picture()->centreNode()).center()).toPoint()));
    }

    void emptyModel()
    {
        Session session;
        GraphView view(&session);
        view.resize(400, 300);
        view.show();
        session.setModel(std::make_shared<Model>());
        QVERIFY(waitForLayout(view) || !view.message().isEmpty());
        QVERIFY(!view.picture());
        QVERIFY2(view.message().startsWith(QStringLiteral("No traces loaded.")), qPrintable(view.message()));
        QImage image(view.size(), QImage::Format_ARGB32);
        view.render(&image); // paints the message without a picture
    }
};

QTEST_MAIN(TestGraphView)
#include "tst_graphview.moc"
