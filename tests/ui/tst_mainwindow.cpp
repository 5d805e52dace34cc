// The main window end to end: loading (command line, add, drop, damaged,
// unreadable, cancelled), trace list navigation and history, search, causal
// chains, export, recent files, settings and the shortcuts dialog.

#include "shellmodel.h"

#include "common/testutil.h"
#include "core/writer.h"
#include "ui/chainresults.h"
#include "ui/detailspanel.h"
#include "ui/diagnosticsdialog.h"
#include "ui/displaytext.h"
#include "ui/flamegraph.h"
#include "ui/graphview.h"
#include "ui/loadworker.h"
#include "ui/mainwindow.h"
#include "ui/resultlist.h"
#include "ui/searchpanel.h"
#include "ui/session.h"
#include "ui/shortcutsdialog.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include <QAction>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTreeView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <atomic>
#include <QUrl>

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

std::string frame(const std::string &message)
{
    const auto n = uint32_t(message.size());
    return std::string{char(n >> 24), char(n >> 16), char(n >> 8), char(n)} + message;
}

// Indices in a model loaded from a file follow the file's order: find by id.
struct Ids
{
    const Model &m;
    uint32_t trace(uint32_t n) const { return m.findTrace(test::TestModelBuilder::traceId(n)); }
    uint32_t span(uint32_t t, uint32_t s) const
    {
        return m.findSpan(test::TestModelBuilder::traceId(t), test::TestModelBuilder::spanId(s));
    }
};

bool waitLoaded(MainWindow &w, bool expected = true)
{
    QSignalSpy spy(&w, &MainWindow::loadFinished);
    if (!spy.wait(20000))
        return false;
    return spy.first().at(0).toBool() == expected;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_shell, m_damaged, m_text, m_sample;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Causeway"));
        QCoreApplication::setApplicationName(QStringLiteral("CausewayTest"));
        QSettings().clear();
        qRegisterMetaType<LoadOutcome>();
        const auto shell = test::makeShellModel();
        const std::string bytes = protoBytes(*shell.model);
        m_shell = QString::fromStdString(test::writeFile(m_dir, "shell.pb", bytes));
        const std::string framed = frame(bytes);
        m_damaged = QString::fromStdString(test::writeFile(m_dir, "damaged.pb", framed + framed.substr(0, 30)));
        m_text = QString::fromStdString(test::writeFile(m_dir, "readme.txt", "these are not spans\n"));
        m_sample = QString::fromStdString(test::bundledSample("causeway-sample.jsonl"));
    }

    void opensFilesAndShowsThem()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_sample});
        QVERIFY(w.isLoading());
        QVERIFY(waitLoaded(w));
        const auto model = w.session()->model();
        QVERIFY(model);
        QVERIFY(model->traces.size() > 10);
        QCOMPARE(w.windowTitle(), QStringLiteral("causeway-sample.jsonl — Causeway"));
        QCOMPARE(w.traceList()->proxy()->rowCount(), int(model->traces.size()));
        // The focus trace is the row selected in the list, and its root shows in the details.
        const uint32_t focus = w.session()->focusTrace();
        QVERIFY(focus != kNone);
        QCOMPARE(w.traceList()->proxy()->traceAt(w.traceList()->view()->currentIndex().row()), focus);
        QVERIFY(!w.isBannerVisible());
        QCOMPARE(w.recentFiles().value(0), QFileInfo(m_sample).absoluteFilePath());
        QVERIFY(!w.action(QStringLiteral("back"))->isEnabled());
    }

    void takesOverALoadStartedBeforeIt()
    {
        // The command line's files start loading before the window exists
        // (app/gui.cpp): opening the same files takes that load over.
        auto *loader = new LoadWorker;
        std::atomic<bool> release{false};
        loader->setProgressHook([&](double) {
            while (!release.load())
                QThread::msleep(1);
        });
        loader->start(loadPaths({m_sample}));
        QSignalSpy started(loader, &LoadWorker::started);
        MainWindow w(loader);
        // Gone before the window, whose loader waits for its thread.
        const auto releaseOnFailure = qScopeGuard([&] { release = true; });
        QCOMPARE(w.loadWorker(), loader);
        QCOMPARE(loader->parent(), &w);
        w.openFiles({m_sample});
        QVERIFY(w.isLoading());
        QCOMPARE(started.count(), 0); // not started again
        release = true;
        QVERIFY(waitLoaded(w));
        QVERIFY(w.session()->model()->traces.size() > 10);
        QCOMPARE(w.windowTitle(), QStringLiteral("causeway-sample.jsonl — Causeway"));
        // Other files start a load of their own.
        w.openFiles({m_shell});
        QCOMPARE(started.count(), 1);
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.loadedFiles(), QStringList{QFileInfo(m_shell).absoluteFilePath()});
    }

    void addsFilesToTheLoadedSet()
    {
        MainWindow w;
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        const size_t spans = w.session()->model()->spanCount();
        w.openFiles({m_sample}, true);
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.loadedFiles().size(), 2);
        QVERIFY(w.session()->model()->spanCount() > spans);
        QVERIFY(w.windowTitle().startsWith(QStringLiteral("shell.pb, causeway-sample.jsonl")));
        // Opening replaces.
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.loadedFiles(), QStringList{QFileInfo(m_shell).absoluteFilePath()});
        QCOMPARE(w.session()->model()->spanCount(), spans);
    }

    void dropOpensFiles()
    {
        MainWindow w;
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(m_shell)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&w, &drop);
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.session()->model()->traces.size(), size_t(4));
    }

    void damagedFileGivesANoticeWithDiagnostics()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_damaged});
        QVERIFY(waitLoaded(w));
        QCOMPARE(w.session()->model()->traces.size(), size_t(4)); // what could be read
        QVERIFY(w.isBannerVisible());
        QVERIFY2(w.bannerText().contains(QStringLiteral("1 record skipped or repaired")), qPrintable(w.bannerText()));
        QVERIFY(w.bannerText().contains(QStringLiteral("href=\"diagnostics\"")));
        w.showDiagnostics(); // what the banner's link does
        QVERIFY(w.diagnosticsDialog());
        QVERIFY(w.diagnosticsDialog()->isVisible());
        QVERIFY(!w.diagnosticsDialog()->isModal());
        QTableWidget *table = w.diagnosticsDialog()->table();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->item(0, 0)->text(), QStringLiteral("error"));
        QCOMPARE(table->item(0, 1)->text(), QStringLiteral("proto_frame_truncated"));
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("1"));
        QVERIFY(table->item(0, 3)->text().contains(QStringLiteral("damaged.pb")));
    }

    void fatalErrorKeepsWhatWasLoaded()
    {
        MainWindow w;
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        const auto before = w.session()->model();
        const QString title = w.windowTitle();
        w.openFiles({m_text});
        QVERIFY(waitLoaded(w, false));
        QVERIFY(w.isBannerVisible());
        QVERIFY(w.bannerText().contains(QStringLiteral("readme.txt")));
        QVERIFY(w.bannerText().contains(QStringLiteral("not a trace file")));
        QCOMPARE(w.session()->model(), before);
        QCOMPARE(w.windowTitle(), title);
    }

    void escapeCancelsALoad()
    {
        const auto shell = test::makeShellModel();
        const std::string one = frame(protoBytes(*shell.model));
        std::string many;
        for (int i = 0; i < 300; ++i)
            many += one;
        const QString big = QString::fromStdString(test::writeFile(m_dir, "big.pb", many));
        MainWindow w;
        w.loadWorker()->setProgressHook([](double) { QThread::msleep(10); });
        w.openFiles({big});
        QVERIFY(w.action(QStringLiteral("cancelLoad"))->isEnabled());
        QCOMPARE(w.action(QStringLiteral("cancelLoad"))->shortcut(), QKeySequence(Qt::Key_Escape));
        QSignalSpy progress(w.loadWorker(), &LoadWorker::progress);
        QVERIFY(progress.wait(5000));
        // An empty view says what is on its way, not "nothing loaded".
        auto *graph = w.findChild<GraphView *>();
        QVERIFY(graph);
        QCOMPARE(w.session()->loading(), QStringLiteral("big.pb"));
        QCOMPARE(graph->message(), display::nothingLoaded(QStringLiteral("big.pb")));
        QVERIFY(graph->message().startsWith(QStringLiteral("Loading big.pb")));
        auto detailsSay = [&](const QString &text) {
            const auto labels = w.details()->findChildren<QLabel *>();
            return std::any_of(labels.begin(), labels.end(), [&](const QLabel *l) { return l->text() == text; });
        };
        QVERIFY(detailsSay(QStringLiteral("Loading big.pb…")));
        w.action(QStringLiteral("cancelLoad"))->trigger();
        QVERIFY(waitLoaded(w, false));
        QVERIFY(!w.session()->model());
        QVERIFY(!w.action(QStringLiteral("cancelLoad"))->isEnabled());
        QVERIFY(w.session()->loading().isEmpty());
        QCOMPARE(graph->message(), display::nothingLoaded());
        QCOMPARE(w.statusText(), QStringLiteral("Loading cancelled."));
        QVERIFY(detailsSay(QStringLiteral("Nothing loaded.")));
    }

    void traceListNavigatesWithHistory()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        Session *s = w.session();
        const uint32_t start = s->focusTrace();
        const Ids ids{*s->model()};
        const uint32_t other = start == ids.trace(4) ? ids.trace(1) : ids.trace(4);
        w.traceList()->view()->selectRow(w.traceList()->proxy()->rowForTrace(other));
        QCOMPARE(s->focusTrace(), other);
        QVERIFY(w.action(QStringLiteral("back"))->isEnabled());
        QVERIFY(!w.action(QStringLiteral("forward"))->isEnabled());
        w.action(QStringLiteral("back"))->trigger();
        QCOMPARE(s->focusTrace(), start);
        QVERIFY(w.action(QStringLiteral("forward"))->isEnabled());
        w.action(QStringLiteral("forward"))->trigger();
        QCOMPARE(s->focusTrace(), other);

        // The mouse's back button anywhere in the window goes back.
        QTest::mouseClick(w.details()->view()->viewport(), Qt::BackButton);
        QCOMPARE(s->focusTrace(), start);
        QTest::mouseClick(w.traceList()->view()->viewport(), Qt::ForwardButton);
        QCOMPARE(s->focusTrace(), other);

        // Ctrl+L focuses the trace filter.
        w.activateWindow();
        w.action(QStringLiteral("filterTraces"))->trigger();
        QCOMPARE(w.action(QStringLiteral("filterTraces"))->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_L));
    }

    void searchFindsAndSteps()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        w.action(QStringLiteral("find"))->trigger();
        QVERIFY(w.searchPanel()->isVisible());
        QSignalSpy done(w.searchPanel(), &SearchPanel::finished);
        w.searchPanel()->lineEdit()->setText(QStringLiteral("messaging.system=kafka"));
        QTest::keyClick(w.searchPanel()->lineEdit(), Qt::Key_Return);
        QVERIFY(done.wait(5000));
        QCOMPARE(done.first().at(0).toInt(), 1);
        QVERIFY2(w.searchResults()->title().endsWith(QStringLiteral(": 1 match")), qPrintable(w.searchResults()->title()));
        const Ids ids{*w.session()->model()};
        QCOMPARE(w.session()->focusTrace(), ids.trace(1));
        QCOMPARE(w.session()->selectedSpan(), ids.span(1, 2));

        w.searchPanel()->lineEdit()->setText(QStringLiteral("row"));
        w.searchPanel()->search();
        QVERIFY(done.wait(5000));
        QCOMPARE(w.searchResults()->entries().size(), size_t(11));
        QVERIFY2(w.searchResults()->title().endsWith(QStringLiteral(": 11 matches")), qPrintable(w.searchResults()->title()));
        const uint32_t first = w.session()->selectedSpan();
        w.action(QStringLiteral("findNext"))->trigger();
        QVERIFY(w.session()->selectedSpan() != first);
        w.action(QStringLiteral("findPrevious"))->trigger();
        QCOMPARE(w.session()->selectedSpan(), first);
        QCOMPARE(w.action(QStringLiteral("findNext"))->shortcut(), QKeySequence(QKeySequence::FindNext));
    }

    void causalChainAndErrorsDownstream()
    {
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        const Ids ids{*w.session()->model()};
        const uint32_t checkout = ids.trace(1), consume = ids.trace(2), retry = ids.trace(3);
        Session *s = w.session();
        s->navigateTo(checkout, ids.span(1, 2));

        QSignalSpy done(w.chainResults(), &ChainResults::finished);
        w.action(QStringLiteral("chainDownstream"))->trigger();
        QVERIFY(done.wait(5000));
        // publish -> consume -> retry, nearest first
        QCOMPARE(done.takeFirst().at(0).toInt(), 3);
        const auto &entries = w.chainResultList()->entries();
        QCOMPARE(entries[0].trace, checkout);
        QCOMPARE(entries[0].hops, 0);
        QCOMPARE(entries[1].trace, consume);
        QCOMPARE(entries[1].hops, 1);
        QCOMPARE(entries[2].trace, retry);
        QCOMPARE(entries[2].hops, 2);
        w.action(QStringLiteral("nextResult"))->trigger();
        QCOMPARE(s->focusTrace(), checkout);
        w.action(QStringLiteral("nextResult"))->trigger();
        QCOMPARE(s->focusTrace(), consume);
        w.action(QStringLiteral("previousResult"))->trigger();
        QCOMPARE(s->focusTrace(), checkout);

        // Upstream of the retry: the consumer, then the checkout.
        s->navigateTo(retry);
        w.action(QStringLiteral("chainUpstream"))->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 3);
        QCOMPARE(w.chainResultList()->entries()[2].trace, checkout);

        s->navigateTo(checkout, ids.span(1, 2));
        w.action(QStringLiteral("errorsDownstream"))->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 1);
        QCOMPARE(w.chainResultList()->entries()[0].span, ids.span(2, 11));
        QVERIFY2(!w.chainResultList()->title().contains(QStringLiteral("upstream")), qPrintable(w.chainResultList()->title()));

        // Nothing downstream of the retry; the consumer's failed span, one
        // hop upstream, is named instead of a bare "no error spans".
        s->navigateTo(retry);
        w.action(QStringLiteral("errorsDownstream"))->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 0);
        QVERIFY2(w.chainResultList()->title().contains(QStringLiteral("no error spans; upstream, in the traces it links to, 1 error span")),
                 qPrintable(w.chainResultList()->title()));
        // Errors Upstream lists it.
        QCOMPARE(w.action(QStringLiteral("errorsUpstream"))->shortcut(), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E));
        w.action(QStringLiteral("errorsUpstream"))->trigger();
        QVERIFY(done.wait(5000));
        QCOMPARE(done.takeFirst().at(0).toInt(), 1);
        QCOMPARE(w.chainResultList()->entries()[0].span, ids.span(2, 11));
        QVERIFY2(w.chainResultList()->title().startsWith(QStringLiteral("Errors upstream of trace")), qPrintable(w.chainResultList()->title()));
    }

    void exportsTheVisibleView_data()
    {
        QTest::addColumn<int>("view");
        QTest::addColumn<QString>("name");
        QTest::newRow("lanes png") << int(MainWindow::View::Lanes) << QStringLiteral("lanes.png");
        QTest::newRow("flame svg") << int(MainWindow::View::Flame) << QStringLiteral("flame.svg");
        QTest::newRow("graph pdf") << int(MainWindow::View::Graph) << QStringLiteral("graph.pdf");
        QTest::newRow("graph png") << int(MainWindow::View::Graph) << QStringLiteral("graph.png");
    }

    void exportsTheVisibleView()
    {
        QFETCH(int, view);
        QFETCH(QString, name);
        MainWindow w;
        w.show();
        w.openFiles({m_shell});
        QVERIFY(waitLoaded(w));
        w.showView(MainWindow::View(view));
        QCOMPARE(int(w.exportedView()), view);
        const QString path = m_dir.filePath(name);
        QSignalSpy done(&w, &MainWindow::exportFinished);
        QVERIFY(w.exportView(path));
        QVERIFY(done.wait(30000));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray head = file.read(8);
        if (name.endsWith(QLatin1String(".png")))
            QVERIFY(head.startsWith("\x89PNG"));
        else if (name.endsWith(QLatin1String(".svg")))
            QVERIFY(head.startsWith("<?xml"));
        else
            QVERIFY(head.startsWith("%PDF"));
        QVERIFY(!w.exportView(m_dir.filePath(QStringLiteral("picture.bmp"))));
    }

    void recentFilesAndSettings()
    {
        QSettings().clear();
        {
            MainWindow w;
            w.show();
            w.openFiles({m_shell});
            QVERIFY(waitLoaded(w));
            w.openFiles({m_damaged});
            QVERIFY(waitLoaded(w));
            QCOMPARE(w.recentFiles(), (QStringList{QFileInfo(m_damaged).absoluteFilePath(),
                                                   QFileInfo(m_shell).absoluteFilePath()}));
            w.setLinkDepth(3);
            w.close();
        }
        QSettings settings;
        QVERIFY(settings.contains(QStringLiteral("mainWindow/geometry")));
        QVERIFY(settings.contains(QStringLiteral("mainWindow/state")));
        QVERIFY(settings.contains(QStringLiteral("mainWindow/traceSplitter")));
        MainWindow again;
        QCOMPARE(again.linkDepth(), 3);
        QCOMPARE(again.recentFiles().size(), 2);
        // At most ten are kept, the newest first.
        for (int i = 0; i < 12; ++i) {
            const QString copy = m_dir.filePath(QStringLiteral("copy%1.pb").arg(i));
            QFile::copy(m_shell, copy);
            again.openFiles({copy});
            QVERIFY(waitLoaded(again));
        }
        QCOMPARE(again.recentFiles().size(), 10);
        QVERIFY(again.recentFiles().first().endsWith(QStringLiteral("copy11.pb")));
    }

    void shortcutsDialogListsTheActions()
    {
        MainWindow w;
        w.showShortcuts();
        auto *dialog = w.findChild<ShortcutsDialog *>();
        QVERIFY(dialog);
        QStringList rows;
        for (int r = 0; r < dialog->table()->rowCount(); ++r)
            rows << dialog->table()->item(r, 1)->text() + QLatin1Char('=') + dialog->table()->item(r, 2)->text();
        const auto has = [&](const QString &prefix) {
            return std::any_of(rows.begin(), rows.end(), [&](const QString &r) { return r.startsWith(prefix); });
        };
        QVERIFY(has(QStringLiteral("Find Spans=") + QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));
        QVERIFY(has(QStringLiteral("Open=Ctrl+O")));
        QVERIFY(has(QStringLiteral("Next Chain Result=F8")));
        QVERIFY(has(QStringLiteral("Export View=Ctrl+E")));
        // The lanes' error stepping and the one critical path switch, each listed once with its keys.
        QVERIFY(has(QStringLiteral("Next Error=N")));
        QVERIFY(has(QStringLiteral("Previous Error=Shift+N")));
        QCOMPARE(rows.count(QStringLiteral("Critical path=Ctrl+Shift+P")), 1);
        // The Links menu offers error stepping, with its shortcut shown.
        QAction *next = w.action(QStringLiteral("nextError"));
        QVERIFY(next);
        QCOMPARE(next->shortcut(), QKeySequence(Qt::Key_N));
        bool inMenu = false;
        for (QObject *o : next->associatedObjects())
            inMenu |= qobject_cast<QMenu *>(o) != nullptr;
        QVERIFY(inMenu);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
