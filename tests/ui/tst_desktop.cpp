// The main window as a desktop user expects it: the theme (System, Light,
// Dark) everywhere and remembered, filtering that does not navigate, short
// ids in Go to, sorting that keeps the selection in view, recent files told
// apart, the export dialog's view and folder, live counts in the status bar,
// a small window and a small screen, every place of a diagnostic, chains
// from a span or its trace, and links that go on a single click.

#include "shellmodel.h"

#include "common/modelbuilder.h"
#include "common/testutil.h"
#include "core/writer.h"
#include "ui/chainresults.h"
#include "ui/detailsmodel.h"
#include "ui/detailspanel.h"
#include "ui/diagnosticsdialog.h"
#include "ui/flamegraph.h"
#include "ui/graphview.h"
#include "ui/lanesview.h"
#include "ui/loadworker.h"
#include "ui/mainwindow.h"
#include "ui/resultlist.h"
#include "ui/session.h"
#include "ui/theme.h"
#include "ui/toolicons.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QHeaderView>
#include <QImage>
#include <QLineEdit>
#include <QMenu>
#include <QScreen>
#include <QStyleOptionViewItem>
#include <QSettings>
#include <QSignalSpy>
#include <QStyle>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <fstream>
#include <sstream>

using namespace causeway;
using namespace causeway::ui;

namespace {

std::string protoBytes(const Model &model)
{
    std::ostringstream out;
    std::string error;
    if (!writeModel(model, OutputFormat::OtlpProto, out, error))
        qFatal("writeModel: %s", error.c_str());
    return out.str();
}

// The headers of the trace list's number columns in view whose label does
// not fit (label and the style's margins on both sides).
QStringList clippedNumberHeaders(QTableView *view)
{
    QStringList clipped;
    const QHeaderView *header = view->horizontalHeader();
    const int margin = header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
    for (int c = TraceListModel::Duration; c <= TraceListModel::LinksIn; ++c) {
        const int left = header->sectionViewportPosition(c);
        if (left < 0 || left >= view->viewport()->width())
            continue;
        const QString label = view->model()->headerData(c, Qt::Horizontal).toString();
        if (view->columnWidth(c) < header->fontMetrics().horizontalAdvance(label) + 2 * margin)
            clipped << label;
    }
    return clipped;
}

bool waitLoaded(MainWindow &w)
{
    QSignalSpy spy(&w, &MainWindow::loadFinished);
    return spy.wait(20000) && spy.first().at(0).toBool();
}

bool dark(const QColor &c)
{
    return c.lightnessF() < 0.3;
}

// How many columns of a table are wholly inside its viewport.
int wholeColumns(QTableView *view)
{
    int n = 0;
    for (int c = 0; c < view->model()->columnCount(); ++c) {
        const int left = view->horizontalHeader()->sectionViewportPosition(c);
        if (left >= 0 && left + view->columnWidth(c) <= view->viewport()->width())
            ++n;
    }
    return n;
}

} // namespace

class TestDesktop : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_shell, m_sample;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Causeway"));
        QCoreApplication::setApplicationName(QStringLiteral("CausewayDesktopTest"));
        QSettings().clear();
        qRegisterMetaType<LoadOutcome>();
        m_shell = QString::fromStdString(test::writeFile(m_dir, "shell.pb", protoBytes(*test::makeShellModel().model)));
        m_sample = QString::fromStdString(test::bundledSample("causeway-sample.jsonl"));
    }

    void init()
    {
        QSettings().clear();
    }

    void darkThemeEverywhereAndRemembered()
    {
        const QColor systemBase = QApplication::palette().color(QPalette::Base);
        {
            MainWindow w;
            w.resize(1400, 900);
            w.show();
            w.openFiles({m_shell});
            QVERIFY(waitLoaded(w));
            QAction *darkAction = w.action(QStringLiteral("themeDark"));
            QVERIFY(darkAction);
            QVERIFY(w.action(QStringLiteral("themeSystem"))->isChecked());
            darkAction->trigger();
            QVERIFY(darkAction->isChecked());
            QCoreApplication::processEvents();
            QVERIFY(dark(QApplication::palette().color(QPalette::Base)));
            // Every view paints dark.
            for (QWidget *view : {static_cast<QWidget *>(w.flameGraph()), w.lanes()->canvas(),
                                  static_cast<QWidget *>(w.graph()), w.details()->view()->viewport(),
                                  w.traceList()->view()->viewport()}) {
                const QImage image = view->grab().toImage();
                QVERIFY2(!image.isNull(), view->metaObject()->className());
                QVERIFY2(dark(image.pixelColor(3, image.height() - 3)), view->metaObject()->className());
            }
            // An export from the GUI is dark too.
            const QString png = m_dir.filePath(QStringLiteral("dark-lanes.png"));
            w.showView(MainWindow::View::Lanes);
            QSignalSpy done(&w, &MainWindow::exportFinished);
            QVERIFY(w.exportView(png));
            QVERIFY(done.wait(30000));
            QVERIFY(done.first().at(0).toBool());
            const QImage exported(png);
            QVERIFY(dark(exported.pixelColor(2, exported.height() - 2)));
            QCOMPARE(QSettings().value(QStringLiteral("theme")).toString(), QStringLiteral("dark"));
        }
        {
            // Remembered: the next window opens dark.
            MainWindow w;
            QVERIFY(w.action(QStringLiteral("themeDark"))->isChecked());
            QVERIFY(dark(QApplication::palette().color(QPalette::Base)));
            w.action(QStringLiteral("themeLight"))->trigger();
            QVERIFY(!dark(QApplication::palette().color(QPalette::Base)));
            w.action(QStringLiteral("themeSystem"))->trigger();
            QCOMPARE(QApplication::palette().color(QPalette::Base), systemBase);
        }
        // The exports' own palettes are the theme's.
        QCOMPARE(themePalette(true).color(QPalette::Base), QColor(0x1e, 0x1f, 0x22));
    }

    void filteringDoesNotNavigate()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_sample});
        QVERIFY(waitLoaded(w));
        Session *s = w.session();
        const uint32_t focus = s->focusTrace();
        QVERIFY(focus != kNone);
        QVERIFY(!w.action(QStringLiteral("back"))->isEnabled());
        w.action(QStringLiteral("filterTraces"))->trigger();
        QTest::keyClicks(w.traceList()->filterEdit(), QStringLiteral("retry"));
        QVERIFY(w.traceList()->proxy()->rowCount() > 0);
        QVERIFY(w.traceList()->proxy()->rowCount() < int(s->model()->traces.size()));
        // Typing moved nothing and recorded nothing.
        QCOMPARE(s->focusTrace(), focus);
        QVERIFY(!w.action(QStringLiteral("back"))->isEnabled());
        // Selecting does.
        const uint32_t first = w.traceList()->proxy()->traceAt(0);
        w.traceList()->view()->selectRow(first == focus ? 1 : 0);
        QVERIFY(s->focusTrace() != focus);
        QVERIFY(w.action(QStringLiteral("back"))->isEnabled());
        w.action(QStringLiteral("back"))->trigger();
        QCOMPARE(s->focusTrace(), focus);
    }

    void goToAcceptsShortIds()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_sample});
        QVERIFY(waitLoaded(w));
        const auto model = w.session()->model();
        const uint32_t target = uint32_t(model->traces.size() - 1);
        const QString shortId = QString::fromStdString(model->traces[target].id.hex()).left(8);
        QVERIFY(w.goToReference(shortId));
        QCOMPARE(w.session()->focusTrace(), target);
        // A span by prefixes, as the details and tooltips show them.
        const uint32_t span = model->traceSpans[model->traces[target].spans.end() - 1];
        QVERIFY(w.goToReference(shortId + QLatin1Char('/') + QString::fromStdString(model->cold[span].spanId.hex()).left(6)));
        QCOMPARE(w.session()->selectedSpan(), span);
        // One digit fits many: said, and nothing moves.
        QVERIFY(!w.goToReference(shortId.left(1)));
        QVERIFY2(w.statusText().contains(QStringLiteral("ambiguous")), qPrintable(w.statusText()));
        QCOMPARE(w.session()->focusTrace(), target);
    }

    void sortingKeepsTheSelectionInView()
    {
        MainWindow w;
        w.resize(1200, 700);
        w.show();
        w.openFiles({m_sample});
        QVERIFY(waitLoaded(w));
        TraceListPanel *list = w.traceList();
        QTableView *view = list->view();
        view->sortByColumn(TraceListModel::Start, Qt::AscendingOrder);
        view->scrollToTop();
        const int visibleRows = view->viewport()->height() / view->rowHeight(0);
        QVERIFY(visibleRows < list->proxy()->rowCount());
        // Of the rows in view, the one that sorts furthest down by duration.
        const auto model = w.session()->model();
        std::vector<std::pair<uint64_t, uint32_t>> byDuration;
        for (uint32_t t = 0; t < model->traces.size(); ++t)
            byDuration.emplace_back(model->traces[t].duration(), t);
        std::sort(byDuration.begin(), byDuration.end());
        int chosen = 0, chosenRank = -1;
        for (int row = 0; row < visibleRows - 1; ++row) {
            const uint32_t t = list->proxy()->traceAt(row);
            const int rank = int(std::find_if(byDuration.begin(), byDuration.end(), [t](const auto &p) { return p.second == t; })
                                 - byDuration.begin());
            if (rank > chosenRank) {
                chosenRank = rank;
                chosen = row;
            }
        }
        QVERIFY2(chosenRank > visibleRows, "the sample should move a row out of view");
        view->selectRow(chosen);
        const uint32_t trace = w.session()->focusTrace();
        view->horizontalHeader()->setSortIndicator(TraceListModel::Duration, Qt::AscendingOrder);
        QCoreApplication::processEvents();
        QCOMPARE(list->proxy()->traceAt(view->currentIndex().row()), trace);
        QVERIFY(view->viewport()->rect().contains(view->visualRect(view->currentIndex())));
    }

    void recentFilesAreToldApart()
    {
        const QStringList labels = MainWindow::distinctFileLabels(
            {QStringLiteral("/data/run1/fanout.json"), QStringLiteral("/data/run2/fanout.json"),
             QStringLiteral("/x/out/f.json"), QStringLiteral("/y/out/f.json"), QStringLiteral("/data/other.json")});
        QCOMPARE(labels, (QStringList{QStringLiteral("fanout.json — …/run1"), QStringLiteral("fanout.json — …/run2"),
                                      QStringLiteral("f.json — /x/out"), QStringLiteral("f.json — /y/out"),
                                      QStringLiteral("other.json")}));

        // In the menu, after opening two files of the same name.
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("a"));
        QDir(dir.path()).mkpath(QStringLiteral("b"));
        for (const char *sub : {"a", "b"})
            QFile::copy(m_shell, dir.filePath(QString::fromLatin1(sub) + QStringLiteral("/fanout.pb")));
        MainWindow w;
        w.show();
        for (const char *sub : {"a", "b"}) {
            w.openFiles({dir.filePath(QString::fromLatin1(sub) + QStringLiteral("/fanout.pb"))});
            QVERIFY(waitLoaded(w));
        }
        emit w.recentMenu()->aboutToShow();
        QStringList texts;
        for (QAction *a : w.recentMenu()->actions())
            if (a->text().contains(QLatin1String("fanout.pb")))
                texts << a->text();
        QCOMPARE(texts, (QStringList{QStringLiteral("&1 fanout.pb — …/b"), QStringLiteral("&2 fanout.pb — …/a")}));
    }

    void exportDialogNamesTheViewAndRemembersTheFolder()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        w.showView(MainWindow::View::Lanes);
        QCOMPARE(w.exportDialogTitle(), QStringLiteral("Export the Lanes"));
        w.showView(MainWindow::View::Flame);
        QCOMPARE(w.exportDialogTitle(), QStringLiteral("Export the Flame Graph"));
        w.showView(MainWindow::View::Graph);
        QCOMPARE(w.exportDialogTitle(), QStringLiteral("Export the Trace Graph"));
        QCOMPARE(w.exportStartPath(), QStringLiteral("graph.png"));

        QDir(m_dir.path()).mkpath(QStringLiteral("exports"));
        const QString folder = m_dir.filePath(QStringLiteral("exports"));
        QSignalSpy done(&w, &MainWindow::exportFinished);
        QVERIFY(w.exportView(folder + QStringLiteral("/first.png")));
        QVERIFY(done.wait(30000));
        QVERIFY(done.first().at(0).toBool());
        QCOMPARE(w.exportStartPath(), folder + QStringLiteral("/graph.png"));
        MainWindow next;
        next.showView(MainWindow::View::Lanes);
        QCOMPARE(next.exportStartPath(), folder + QStringLiteral("/lanes.png"));
    }

    void statusCountsFollowLiveData()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        QVERIFY2(w.statusText().startsWith(QStringLiteral("4 traces, 17 spans")), qPrintable(w.statusText()));
        // What the live controller hands over: the loaded traces and new ones.
        test::TestModelBuilder b("frontend");
        for (uint32_t t = 1; t <= 12; ++t)
            b.add({.trace = t, .span = t * 100, .start = 1'000'000'000 + t, .duration = 10, .name = "arrived"});
        w.session()->replaceModel(std::make_shared<Model>(b.finish()));
        QVERIFY2(w.statusText().startsWith(QStringLiteral("12 traces, 12 spans")), qPrintable(w.statusText()));
    }

    void windowFitsTheScreen()
    {
        // The offscreen screen is far smaller than the default window.
        MainWindow w;
        w.show();
        const QRect available = w.screen()->availableGeometry();
        QVERIFY(available.width() < 1500);
        QVERIFY2(available.contains(w.geometry()),
                 qPrintable(QStringLiteral("%1x%2 on %3x%4").arg(w.width()).arg(w.height()).arg(available.width()).arg(available.height())));
    }

    void smallWindowKeepsColumnsAndDockProportions()
    {
        MainWindow w;
        w.resize(1500, 920);
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        QTest::qWait(50);
        const double traceShare = double(w.traceList()->width()) / w.width();
        const double detailsShare = double(w.details()->width()) / w.width();
        // The number columns' headers can be read: never narrower than their
        // labels (the links columns' were cut to "nks o" and "inks i").
        QCOMPARE(clippedNumberHeaders(w.traceList()->view()), QStringList{});

        w.resize(1024, 700);
        QTest::qWait(50);
        QCoreApplication::processEvents();
        // The details keep their Value column in view, wide enough to read.
        QTreeView *details = w.details()->view();
        const int valueLeft = details->header()->sectionViewportPosition(DetailsModel::ValueColumn);
        QVERIFY2(valueLeft >= 0 && details->viewport()->width() - valueLeft >= 80,
                 qPrintable(QStringLiteral("value column at %1 of %2").arg(valueLeft).arg(details->viewport()->width())));
        // The trace list shows more than a name and a service.
        QVERIFY2(wholeColumns(w.traceList()->view()) >= 5, qPrintable(QString::number(wholeColumns(w.traceList()->view()))));
        QCOMPARE(clippedNumberHeaders(w.traceList()->view()), QStringList{});

        w.resize(800, 600);
        QTest::qWait(50);
        w.resize(1500, 920);
        QTest::qWait(50);
        QCoreApplication::processEvents();
        QVERIFY2(std::abs(double(w.traceList()->width()) / w.width() - traceShare) < 0.05,
                 qPrintable(QStringLiteral("%1 vs %2").arg(double(w.traceList()->width()) / w.width()).arg(traceShare)));
        QVERIFY(std::abs(double(w.details()->width()) / w.width() - detailsShare) < 0.05);
    }

    void zoomActionsShowMagnifiers()
    {
        // Zoom In and Out are a magnifier with a plus and one with a minus,
        // not the style's up and down arrows; drawn in the palette's text
        // colour when painted, so a theme switch recolours them.
        auto inkPixels = [](const QImage &image, const QColor &ink) {
            int n = 0;
            for (int y = 0; y < image.height(); ++y)
                for (int x = 0; x < image.width(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    n += c.alpha() > 200 && std::abs(c.red() - ink.red()) < 40 && std::abs(c.green() - ink.green()) < 40
                        && std::abs(c.blue() - ink.blue()) < 40;
                }
            return n;
        };
        const QImage in = drawnToolIcon(ToolIcon::ZoomIn).pixmap(QSize(32, 32)).toImage();
        const QImage out = drawnToolIcon(ToolIcon::ZoomOut).pixmap(QSize(32, 32)).toImage();
        QCOMPARE(in.size(), QSize(32, 32));
        const QColor ink = QApplication::palette().color(QPalette::WindowText);
        QVERIFY(inkPixels(in, ink) > 40);
        // The plus has a vertical bar through the lens's centre; the minus not.
        QVERIFY(inkPixels(in, ink) > inkPixels(out, ink));
        // (At 32 px the lens's centre is near (13, 13), the arms 5 px long.)
        QVERIFY(in.pixelColor(13, 10).alpha() > 200);
        QCOMPARE(out.pixelColor(13, 10).alpha(), 0);
        QVERIFY(out.pixelColor(10, 13).alpha() > 200);
        // Twice the pixels at twice the scale, not a blown-up copy.
        const QPixmap sharp = drawnToolIcon(ToolIcon::ZoomIn).pixmap(QSize(16, 16), 2.0);
        QCOMPARE(sharp.size(), QSize(32, 32));
        QCOMPARE(sharp.devicePixelRatio(), 2.0);
        QImage sharpImage = sharp.toImage().convertToFormat(in.format());
        sharpImage.setDevicePixelRatio(1.0);
        QCOMPARE(sharpImage, in);
        // Disabled: the palette's disabled text colour.
        const QColor disabled = QApplication::palette().color(QPalette::Disabled, QPalette::WindowText);
        if (disabled != ink) {
            const QImage grey = drawnToolIcon(ToolIcon::ZoomIn).pixmap(QSize(32, 32), QIcon::Disabled).toImage();
            QVERIFY(inkPixels(grey, disabled) > 40);
        }

        MainWindow w;
        QVERIFY(!w.action(QStringLiteral("zoomIn"))->icon().isNull());
        QVERIFY(!w.action(QStringLiteral("zoomOut"))->icon().isNull());
        QVERIFY(w.action(QStringLiteral("zoomIn"))->icon().cacheKey() != w.action(QStringLiteral("zoomOut"))->icon().cacheKey());
        w.action(QStringLiteral("themeDark"))->trigger();
        const QColor darkInk = QApplication::palette().color(QPalette::WindowText);
        QVERIFY(darkInk != ink);
        QVERIFY(inkPixels(drawnToolIcon(ToolIcon::ZoomIn).pixmap(QSize(32, 32)).toImage(), darkInk) > 40);
        w.action(QStringLiteral("themeSystem"))->trigger();
    }

    void largeCountsAreNotCut()
    {
        // A batch linking 12,345 item traces: the Out column shows the count
        // whole, not "12…", however narrow the window.
        constexpr uint32_t kItems = 12'345;
        test::TestModelBuilder b("batch-runner");
        test::TestModelBuilder::SpanSpec batch{.trace = 1, .span = 1, .start = 1'000'000'000, .duration = 50'000'000,
                                               .name = "nightly batch"};
        for (uint32_t i = 0; i < kItems; ++i) {
            b.add({.trace = 2 + i, .span = 2 + i, .start = 900'000'000 + i, .duration = 800, .name = "process item"});
            batch.links.push_back({.trace = 2 + i, .span = 2 + i});
        }
        b.add(batch);
        const QString file = QString::fromStdString(test::writeFile(m_dir, "batch.pb", protoBytes(b.finish())));

        MainWindow w;
        w.resize(1024, 700);
        w.show();
        w.openFiles({file});
        QVERIFY(waitLoaded(w));
        QCoreApplication::processEvents();
        QTableView *view = w.traceList()->view();
        auto *model = qobject_cast<TraceListModel *>(w.traceList()->proxy()->sourceModel());
        QVERIFY(model);
        QCOMPARE(model->largest(TraceListModel::LinksOut), uint64_t(kItems));
        QCOMPARE(model->largest(TraceListModel::LinksIn), uint64_t(1));
        QCOMPARE(model->largest(TraceListModel::Spans), uint64_t(1));
        QCOMPARE(model->largest(TraceListModel::RootSpan), uint64_t(0));
        // The delegate's own measure of the cell: what it needs so as not to elide.
        const auto &traces = w.session()->model()->traces;
        const auto batchTrace = std::find_if(traces.begin(), traces.end(), [](const Trace &t) { return t.linksOut > 0; });
        QVERIFY(batchTrace != traces.end());
        const int row = int(batchTrace - traces.begin());
        const QModelIndex batchRow = w.traceList()->proxy()->mapFromSource(model->index(row, TraceListModel::LinksOut));
        QCOMPARE(batchRow.data().toUInt(), kItems);
        QStyleOptionViewItem option;
        option.initFrom(view->viewport());
        option.font = view->font();
        option.fontMetrics = view->fontMetrics();
        const int needed = view->itemDelegate()->sizeHint(option, batchRow).width();
        QVERIFY2(view->columnWidth(TraceListModel::LinksOut) >= needed,
                 qPrintable(QStringLiteral("%1 < %2").arg(view->columnWidth(TraceListModel::LinksOut)).arg(needed)));
        // Still so in a narrower window, where the text columns give way.
        w.resize(800, 600);
        QTest::qWait(50);
        QCoreApplication::processEvents();
        QVERIFY2(view->columnWidth(TraceListModel::LinksOut) >= needed,
                 qPrintable(QStringLiteral("%1 < %2").arg(view->columnWidth(TraceListModel::LinksOut)).arg(needed)));
        QCOMPARE(clippedNumberHeaders(view), QStringList{});
    }

    void diagnosticsShowEveryPlace()
    {
        // Two different damaged lines of one kind: both lines are shown.
        std::ifstream in(test::bundledSample("causeway-sample.jsonl"));
        std::string l1, l2, l3;
        std::getline(in, l1);
        std::getline(in, l2);
        std::getline(in, l3);
        const std::string text = l1 + "\n{not json\n" + l2 + "\n" + l3 + "\ngarbage here\n";
        const QString path = QString::fromStdString(test::writeFile(m_dir, "damaged.jsonl", text));
        MainWindow w;
        w.show();
        w.openFiles({path});
        QVERIFY(waitLoaded(w));
        w.showDiagnostics();
        QTableWidget *table = w.diagnosticsDialog()->table();
        int row = -1;
        for (int r = 0; r < table->rowCount(); ++r)
            if (table->item(r, 1)->text() == QLatin1String("json_line_invalid"))
                row = r;
        QVERIFY(row >= 0);
        QCOMPARE(table->item(row, 2)->text(), QStringLiteral("2"));
        const QString message = table->item(row, 3)->text();
        QVERIFY2(message.contains(QStringLiteral("line 2:")) && message.contains(QStringLiteral("line 5:")), qPrintable(message));
    }

    void chainFromTheSpanOrItsTrace()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        const auto model = w.session()->model();
        const uint32_t checkout = model->findTrace(test::TestModelBuilder::traceId(1));
        // The checkout's root span has no links; its child "publish orders" has.
        const uint32_t root = model->findSpan(test::TestModelBuilder::traceId(1), test::TestModelBuilder::spanId(1));
        w.session()->navigateTo(checkout, root);
        QAction *both = w.action(QStringLiteral("chainBoth"));
        QCOMPARE(both->iconText(), QStringLiteral("Chain from Span"));
        QSignalSpy done(w.chainResults(), &ChainResults::finished);
        both->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 1);
        QVERIFY2(w.chainResultList()->title().contains(QStringLiteral("this span has no links of its own")),
                 qPrintable(w.chainResultList()->title()));
        // From the trace: every span's links.
        QAction *fromTrace = w.action(QStringLiteral("chainBothTrace"));
        QVERIFY(fromTrace && fromTrace->isEnabled());
        fromTrace->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 3);
        // The errors queries from that linkless root look from its whole
        // trace, and say so (they have no "whole trace" variant).
        w.session()->navigateTo(checkout, root);
        w.action(QStringLiteral("errorsDownstream"))->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), int(errorsAlong(*model, {checkout, kNone}, Direction::Downstream).size()));
        QVERIFY2(w.chainResultList()->title().contains(QStringLiteral("from its whole trace"))
                     && w.chainResultList()->title().startsWith(QStringLiteral("Errors downstream of trace")),
                 qPrintable(w.chainResultList()->title()));
        QVERIFY(errorsAlong(*model, {checkout, kNone}, Direction::Downstream).size()
                != errorsAlong(*model, {checkout, root}, Direction::Downstream).size());
        // A span with links of its own that finds nothing (no errors
        // upstream of the publish span) gets no such hint.
        const uint32_t publish = model->findSpan(test::TestModelBuilder::traceId(1), test::TestModelBuilder::spanId(2));
        QVERIFY(model->incomingLinks(publish).count + model->outgoingLinks(publish).count > 0);
        w.session()->navigateTo(checkout, publish);
        w.action(QStringLiteral("errorsUpstream"))->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 0);
        QVERIFY2(!w.chainResultList()->title().contains(QStringLiteral("no links of its own")), qPrintable(w.chainResultList()->title()));
        // With no span selected, the button says it starts from the trace.
        w.session()->navigateTo(checkout);
        QCOMPARE(both->iconText(), QStringLiteral("Chain from Trace"));
    }

    void linkTextGoesOnASingleClick()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        const auto model = w.session()->model();
        const uint32_t consume = model->findTrace(test::TestModelBuilder::traceId(2));
        const uint32_t checkout = model->findTrace(test::TestModelBuilder::traceId(1));
        w.session()->navigateTo(consume, model->findSpan(test::TestModelBuilder::traceId(2), test::TestModelBuilder::spanId(10)));
        QTreeView *view = w.details()->view();
        const QModelIndex section = w.details()->detailsModel()->section(QStringLiteral("Links to"));
        QVERIFY(section.isValid());
        const QModelIndex link = w.details()->detailsModel()->index(0, DetailsModel::NameColumn, section);
        QVERIFY(link.data(DetailsModel::NavigableRole).toBool());
        view->scrollTo(link);
        const QRect rect = view->visualRect(link);
        // Beside the text (the value column): only selects.
        const QRect value = view->visualRect(link.siblingAtColumn(DetailsModel::ValueColumn));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(value.right() - 4, value.center().y()));
        QTest::qWait(20);
        QCOMPARE(w.session()->focusTrace(), consume);
        // On the text: goes there.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(rect.left() + 6, rect.center().y()));
        QTRY_COMPARE(w.session()->focusTrace(), checkout);
    }
};

QTEST_MAIN(TestDesktop)
#include "tst_desktop.moc"
