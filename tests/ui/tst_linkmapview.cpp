// The link map tab and its painter, the chain timing strip above the lanes
// and the critical-path pass over the flame graph: what they show for the
// bundled sample and the hand-made files, clicking an edge lists its links
// slowest first, a row goes to the linking span, and the map painted for
// export is the one on screen. Views tested at 3, 40, 1,000 and 10,000
// linked traces.

#include "ui/chaintimingstrip.h"
#include "ui/criticalpathoverlay.h"
#include "ui/displaytext.h"
#include "ui/drawing.h"
#include "ui/elidedlabel.h"
#include "ui/flamegraph.h"
#include "ui/linkmapcanvas.h"
#include "ui/linkmappainter.h"
#include "ui/linkmapview.h"
#include "ui/session.h"

#include "core/layout/graphlayout.h"
#include "core/load.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QSignalSpy>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>
#include <QtTest>

using namespace causeway;
using namespace causeway::ui;

namespace {

std::shared_ptr<const Model> load(const std::string &path)
{
    auto model = std::make_shared<Model>();
    const LoadResult r = loadFiles({path}, *model);
    if (!r.ok)
        qFatal("cannot load %s: %s", path.c_str(), r.error.text().c_str());
    return model;
}

std::shared_ptr<const Model> sample()
{
    return load(test::bundledSample("causeway-sample.jsonl"));
}

// `n` consumer traces linking one producer, every third one failing.
std::shared_ptr<const Model> fanOut(uint32_t n)
{
    test::TestModelBuilder b("shop");
    b.add({.trace = 1, .span = 1, .start = 0, .duration = 5'000'000, .name = "publish", .kind = SpanKind::Producer});
    for (uint32_t i = 0; i < n; ++i)
        b.add({.trace = 100 + i, .span = 100 + i, .start = 10'000'000 + uint64_t(i) * 1'000'000, .duration = 2'000'000,
               .name = i % 2 ? "process" : "audit", .links = {{1, 1, {{"messaging.destination.name", "items"}}}},
               .status = i % 3 ? StatusCode::Unset : StatusCode::Error});
    return std::make_shared<Model>(b.finish());
}

bool waitForMap(LinkMapView &view)
{
    QSignalSpy spy(&view, &LinkMapView::mapShown);
    return spy.wait(30000) || (!view.isBusy() && view.picture());
}

int edgeBetween(const LinkMap &map, std::string_view from, std::string_view to)
{
    for (size_t i = 0; i < map.edges.size(); ++i)
        if (map.nodes[map.edges[i].from].label == from && map.nodes[map.edges[i].to].label == to)
            return int(i);
    return -1;
}

} // namespace

class TestLinkMapView : public QObject
{
    Q_OBJECT

private slots:
    void lagColourAndWidth()
    {
        // Green at a millisecond, red at ten seconds; grey without a lag.
        const QColor fast = LinkMapPicture::lagColor(1'000'000, true, false);
        const QColor slow = LinkMapPicture::lagColor(10'000'000'000, true, false);
        const QColor negative = LinkMapPicture::lagColor(-5'000'000, true, false);
        QVERIFY(fast.hslHue() > 100 && fast.hslHue() <= 120);
        QVERIFY(slow.hslHue() <= 5 || slow.hslHue() >= 355);
        QCOMPARE(negative, fast); // skew reads as "no delay", not as an error
        QVERIFY(LinkMapPicture::lagColor(0, false, false).hslSaturation() < 40);
        QVERIFY(LinkMapPicture::edgeWidth(40, 40) > LinkMapPicture::edgeWidth(11, 40));
        QVERIFY(LinkMapPicture::edgeWidth(1, 40) >= 1.0);
    }

    void tabOnSampleListsLinksSlowestFirst()
    {
        Session session;
        session.setModel(sample());
        LinkMapView view(&session);
        view.resize(1400, 900);
        view.show();
        QVERIFY(waitForMap(view));
        QVERIFY(view.picture());
        const LinkMap &map = view.picture()->map();
        QCOMPARE(map.edges.size(), size_t(8));
        QCOMPARE(map.links, uint64_t(90));
        // Export paints the picture on screen, at its size.
        const std::optional<Drawing> drawing = view.drawing();
        QVERIFY(drawing);
        QCOMPARE(drawing->size, view.picture()->size());

        // Until an edge is clicked, the empty list says what fills it.
        HintedTreeWidget *list = view.linkList();
        QCOMPARE(list->topLevelItemCount(), 0);
        QVERIFY(list->hint().contains(QStringLiteral("Click an edge")));
        const QImage hinted = list->viewport()->grab().toImage();
        list->setHint({});
        QVERIFY(list->viewport()->grab().toImage() != hinted); // the hint is painted
        list->setHint(QStringLiteral("Click an edge of the map to list its links here, slowest first."));

        // Click the batch edge halfway along its curve.
        const int edge = edgeBetween(map, "payment-service", "billing-batch");
        QVERIFY(edge >= 0);
        LinkMapCanvas *canvas = view.canvas();
        const QPointF at = canvas->toWidget(view.picture()->edgeMidpoint(edge));
        QCOMPARE(view.picture()->edgeAt(view.picture()->edgeMidpoint(edge)), edge);
        QTest::mouseClick(canvas, Qt::LeftButton, {}, at.toPoint());
        QCOMPARE(view.picture()->selectedEdge(), edge);
        // The selected edge's label is bold: its backing holds the bold text whole.
        for (size_t e = 0; e < map.edges.size(); ++e) {
            const QRectF backing = view.picture()->edgeLabelRect(int(e));
            const qreal bold = QFontMetricsF(view.picture()->emphasisedLabelFont()).horizontalAdvance(view.picture()->edgeLabel(int(e)));
            QVERIFY2(bold > 0 && bold <= backing.width(), qPrintable(view.picture()->edgeLabel(int(e))));
        }
        QCOMPARE(list->topLevelItemCount(), 40);
        // With rows, the hint is not painted: the same rows look the same with or without it.
        const QImage rows = list->viewport()->grab().toImage();
        const QString hint = list->hint();
        list->setHint({});
        QCOMPARE(list->viewport()->grab().toImage(), rows);
        list->setHint(hint);
        // Slowest first: lags never grow down the list.
        const std::shared_ptr<const Model> model = session.model();
        int64_t previous = INT64_MAX;
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            const uint32_t l = list->topLevelItem(i)->data(0, Qt::UserRole).toUInt();
            const int64_t lag = linkLag(*model, l);
            QVERIFY(lag <= previous);
            previous = lag;
        }
        // A row goes to its linking span.
        QSignalSpy activated(&view, &LinkMapView::linkActivated);
        QTreeWidgetItem *first = list->topLevelItem(0);
        emit list->itemActivated(first, 0);
        QCOMPARE(activated.count(), 1);
        const uint32_t link = first->data(0, Qt::UserRole).toUInt();
        QCOMPARE(session.selectedSpan(), model->links[link].from);
        QCOMPARE(session.focusTrace(), model->hot[model->links[link].from].trace);
        QCOMPARE(std::string(model->str(model->hot[session.selectedSpan()].name)), std::string("settle-payments"));
    }

    void groupingByDestination()
    {
        Session session;
        session.setModel(sample());
        LinkMapView view(&session);
        view.resize(1200, 800);
        view.show();
        QVERIFY(waitForMap(view));
        view.setGrouping(LinkMapGrouping::Destination);
        QVERIFY(waitForMap(view));
        QCOMPARE(view.picture()->map().grouping, LinkMapGrouping::Destination);
        QVERIFY(edgeBetween(view.picture()->map(), "orders", "inventory-service: orders process") >= 0);
    }

    void scales_data()
    {
        QTest::addColumn<uint32_t>("traces");
        QTest::newRow("3") << 3u;
        QTest::newRow("40") << 40u;
        QTest::newRow("1000") << 1000u;
        QTest::newRow("10000") << 10000u;
    }

    void scales()
    {
        // Groups, not traces, are nodes: the picture stays small at any count,
        // and the edge says how many links and what share failed.
        QFETCH(uint32_t, traces);
        const auto model = fanOut(traces);
        QString error;
        std::optional<Drawing> drawing = linkMapDrawing(*model, LinkMapGrouping::Operation, false, &error);
        QVERIFY2(drawing, qPrintable(error));
        QVERIFY(drawing->size.width() < 2000 && drawing->size.height() < 1200);
        auto picture = buildLinkMapPicture(*model, LinkMapGrouping::Operation, false, &error);
        const LinkMap &map = picture->map();
        QCOMPARE(map.nodes.size(), size_t(traces > 1 ? 3 : 2));
        uint32_t links = 0, failed = 0;
        for (const LinkMapEdge &e : map.edges) {
            links += e.linkCount();
            failed += e.effectTracesWithErrors;
        }
        QCOMPARE(links, traces);
        QCOMPARE(failed, (traces + 2) / 3);
        QImage image(drawing->size.toSize(), QImage::Format_ARGB32);
        image.fill(Qt::black);
        QPainter painter(&image);
        drawing->paint(painter);
        painter.end();
        QCOMPARE(image.pixelColor(2, 2), QColor(Qt::white)); // painted over
    }

    void exportPaintsWhatTheScreenShows()
    {
        // The export drawing and the view's picture lay out the same request.
        const auto model = sample();
        QString error;
        auto a = buildLinkMapPicture(*model, LinkMapGrouping::Service, false, &error);
        auto b = buildLinkMapPicture(*model, LinkMapGrouping::Service, false, &error);
        const LayoutRequest ra = a->layoutRequest(), rb = b->layoutRequest();
        QCOMPARE(ra.nodes.size(), rb.nodes.size());
        QCOMPARE(toDot(ra), toDot(rb));
        QVERIFY(QString::fromStdString(toDot(ra)).contains(QStringLiteral("11 links")));
    }

    void legendKeepsItsSizeOnScreen()
    {
        // Fitted, zoomed out and zoomed in: the legend band is the same pixels.
        const auto model = sample();
        QString error;
        auto picture = buildLinkMapPicture(*model, LinkMapGrouping::Service, false, &error);
        QVERIFY(picture);
        const LayoutResult layout = layoutGraph(picture->layoutRequest());
        QVERIFY(layout.ok);
        picture->setLayout(layout);
        LinkMapCanvas canvas;
        canvas.resize(900, 600);
        canvas.setPicture(picture);
        canvas.show();
        const double band = canvas.legendBand();
        QVERIFY(band > 20);
        // Fitted below the band: the graph starts under it.
        QVERIFY(canvas.toWidget(QPointF(0, 0)).y() >= band - 1e-9);
        const QRect bandRect(0, 0, canvas.width(), int(band));
        const QImage fitted = canvas.grab(bandRect).toImage();
        const double fitZoom = canvas.zoom();
        for (int i = 0; i < 3; ++i)
            QTest::keyClick(&canvas, Qt::Key_Minus, Qt::ControlModifier);
        QVERIFY(canvas.zoom() < fitZoom * 0.6);
        QCOMPARE(canvas.grab(bandRect).toImage(), fitted);
        for (int i = 0; i < 8; ++i)
            QTest::keyClick(&canvas, Qt::Key_Equal, Qt::ControlModifier);
        QVERIFY(canvas.zoom() > fitZoom * 1.5);
        QCOMPARE(canvas.grab(bandRect).toImage(), fitted);
    }

    void exportLegendKeepsItsSize()
    {
        // Scaled to a width, the graph scales and the legend band does not.
        const auto model = sample();
        QString error;
        const std::optional<Drawing> drawing = linkMapDrawing(*model, LinkMapGrouping::Service, false, &error);
        QVERIFY(drawing);
        QVERIFY(drawing->toWidth);
        auto picture = buildLinkMapPicture(*model, LinkMapGrouping::Service, false, &error);
        const double band = picture->legendHeight();
        const double graphHeight = drawing->size.height() - band;
        QVERIFY(graphHeight > 50);
        auto render = [](const Drawing &d) {
            QImage image(d.size.toSize(), QImage::Format_ARGB32_Premultiplied);
            image.fill(Qt::black);
            QPainter p(&image);
            d.paint(p);
            return image;
        };
        const QImage whole = render(*drawing);
        for (double k : {2.0, 0.25}) {
            const Drawing scaled = scaledToWidth(*drawing, drawing->size.width() * k);
            QCOMPARE(scaled.size.width(), drawing->size.width() * k);
            QCOMPARE(scaled.size.height(), band + graphHeight * k);
            const QImage image = render(scaled);
            const int w = std::min(whole.width(), image.width());
            if (k > 1) // wide enough for the whole legend: the very same pixels
                QCOMPARE(image.copy(0, 0, w, int(band)), whole.copy(0, 0, w, int(band)));
            // The lag scale row is never squeezed: its first swatches are where they were.
            const int row = int(band) - 12;
            const QImage swatches = whole.copy(0, row - 6, 120, 6);
            QSet<QRgb> colours; // the region holds the swatches, not just background
            for (int y = 0; y < swatches.height(); ++y)
                for (int x = 0; x < swatches.width(); ++x)
                    colours.insert(swatches.pixel(x, y));
            QVERIFY(colours.size() > 3);
            QCOMPARE(image.copy(0, row - 6, std::min(w, 120), 6), whole.copy(0, row - 6, std::min(w, 120), 6));
        }
    }

    void timingStripOffersTheOtherDirection()
    {
        // A consumer links to the producer: nothing downstream of it, the
        // producer upstream. The strip says so and offers the other way.
        Session session;
        session.setModel(fanOut(40));
        ChainTimingStrip strip(&session);
        strip.setDirection(Direction::Downstream);
        const std::shared_ptr<const Model> model = session.model();
        const uint32_t consumer = model->findTrace(test::TestModelBuilder::traceId(100));
        session.navigateTo(consumer);
        QCOMPARE(strip.timing().hops.size(), size_t(1)); // the focus trace alone
        QToolButton *other = strip.otherDirectionButton();
        QVERIFY(!other->isHidden());
        QCOMPARE(other->text(), QStringLiteral("Show Upstream"));
        other->click();
        QCOMPARE(strip.timing().hops.size(), size_t(2)); // the producer, then the consumer
        QVERIFY(other->isHidden());
        // The producer: 40 consumers downstream, nothing upstream.
        session.navigateTo(model->findTrace(test::TestModelBuilder::traceId(1)));
        QCOMPARE(strip.timing().hops.size(), size_t(1)); // the focus trace alone
        QVERIFY(!other->isHidden());
        QCOMPARE(other->text(), QStringLiteral("Show Downstream"));
        other->click();
        QCOMPARE(strip.timing().hops.size(), size_t(41));
        QVERIFY(other->isHidden());
        // A trace with no links offers nothing either way.
        test::TestModelBuilder b("solo");
        b.add({.trace = 7, .span = 1, .start = 0, .duration = 1'000'000, .name = "alone"});
        session.setModel(std::make_shared<Model>(b.finish()));
        session.navigateTo(0);
        QCOMPARE(strip.timing().hops.size(), size_t(1)); // the focus trace alone
        QVERIFY(other->isHidden());
    }

    void timingStripOnRetryChain()
    {
        // The sample's retry chain, downstream of attempt 1: three failed
        // attempts and the dead letter; almost all of it is back-off.
        Session session;
        session.setModel(sample());
        ChainTimingStrip strip(&session);
        strip.setDirection(Direction::Downstream);
        const std::shared_ptr<const Model> model = session.model();
        TraceId id;
        QCOMPARE(parseId("da6f7dff4ba24091b92558d70fc6bf60", id), IdParse::Ok);
        session.navigateTo(model->findTrace(id));
        const ChainTiming &timing = strip.timing();
        QCOMPARE(timing.hops.size(), size_t(4));
        QCOMPARE(timing.inside + timing.between, timing.elapsed());
        QVERIFY(timing.between > timing.inside);
        QVERIFY(strip.summary()->text().contains(QStringLiteral("between them")));
        strip.setTableShown(true);
        const QAbstractItemModel *rows = strip.table()->model();
        QCOMPARE(rows->rowCount(), 4);
        QCOMPARE(rows->columnCount(), 6);
        QCOMPARE(rows->headerData(1, Qt::Horizontal).toString(), QStringLiteral("Waited before"));
        for (int row = 0; row < 4; ++row) {
            QCOMPARE(rows->index(row, 1).data().toString(), display::duration(timing.hops[size_t(row)].waitBefore));
            QCOMPARE(rows->index(row, 2).data().toString(), display::duration(timing.hops[size_t(row)].inside));
            QCOMPARE(rows->index(row, 5).data().toString(), display::traceCaption(*model, timing.hops[size_t(row)].trace));
        }
        QCOMPARE(rows->index(0, 3).data().toString(), QStringLiteral("–")); // the focus trace: reached by no link
        QVERIFY(rows->index(1, 3).data().toString() != QStringLiteral("–"));
        // Activating a row goes to that trace (the dead letter, where the
        // downstream chain is the trace alone).
        const uint32_t deadLetter = timing.hops[3].trace;
        emit strip.table()->activated(rows->index(3, 0));
        QCOMPARE(session.focusTrace(), deadLetter);
        QCOMPARE(strip.timing().hops.size(), size_t(1));
        QCOMPARE(strip.summary()->text(), QStringLiteral("no linked traces downstream of the focus trace"));
        QCOMPARE(rows->rowCount(), 1); // the table follows the new chain
    }

    void criticalPathToggle()
    {
        Session session;
        session.setModel(sample());
        FlameGraphWidget flame(&session);
        CriticalPathOverlay overlay(&flame, &session);
        flame.resize(1200, 500);
        flame.show();
        TraceId id;
        QCOMPARE(parseId("c6e2f72626bb0b0de84c934ae1c1d8e5", id), IdParse::Ok);
        session.navigateTo(session.model()->findTrace(id));
        QVERIFY(!overlay.isShown());
        QVERIFY(overlay.path().sections.empty());
        overlay.toggle()->click();
        QVERIFY(overlay.isShown());
        QVERIFY(overlay.isVisible());
        QVERIFY(overlay.path().sections.size() > 3);
        QVERIFY(overlay.path().contains(session.model()->traces[session.focusTrace()].root));
        overlay.toggle()->click();
        QVERIFY(!overlay.isVisible());
    }
};

QTEST_MAIN(TestLinkMapView)
#include "tst_linkmapview.moc"
