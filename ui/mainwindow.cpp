#include "ui/mainwindow.h"

#include "core/allocator.h"
#include "core/linkgraph.h"
#include "ui/chainresults.h"
#include "ui/detailspanel.h"
#include "ui/diagnosticsdialog.h"
#include "ui/displaytext.h"
#include "ui/drawing.h"
#include "ui/flamegraph.h"
#include "ui/graphview.h"
#include "ui/lanesview.h"
#include "ui/linkmapview.h"
#include "ui/chaintimingstrip.h"
#include "ui/criticalpathoverlay.h"
#include "ui/livecontroller.h"
#include "ui/backendcontroller.h"
#include "ui/loadworker.h"
#include "ui/resultlist.h"
#include "ui/searchpanel.h"
#include "ui/session.h"
#include "ui/shortcutsdialog.h"
#include "ui/toolicons.h"
#include "ui/tracelistpanel.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFrame>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QMouseEvent>
#include <QProgressBar>
#include <QResizeEvent>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QThreadPool>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <QScreen>
#include <QTimer>

#include <tuple>
#include <QtConcurrent/QtConcurrentRun>

namespace causeway::ui {

namespace {

constexpr int kRecentLimit = 10;
const QString kRecentKey = QStringLiteral("recentFiles");

QStringList localFiles(const QMimeData *mime)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls())
        if (url.isLocalFile())
            files << url.toLocalFile();
    return files;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : MainWindow(nullptr, parent)
{
}

MainWindow::MainWindow(LoadWorker *loader, QWidget *parent)
    : QMainWindow(parent)
    , m_session(new Session(this))
    , m_worker(loader ? loader : new LoadWorker(this))
{
    m_worker->setParent(this);
    setObjectName(QStringLiteral("MainWindow"));
    setAcceptDrops(true);
    setDockNestingEnabled(true);
    setWindowTitle(QStringLiteral("Causeway"));

    createViews();
    createDocks();
    createActions();
    createMenus();
    createToolBar();
    createStatusBar();

    connect(m_worker, &LoadWorker::progress, this, &MainWindow::onProgress);
    connect(m_worker, &LoadWorker::finished, this, &MainWindow::onLoadFinished);
    connect(m_session, &Session::historyChanged, this, &MainWindow::updateHistoryActions);
    connect(m_session, &Session::selectionChanged, this, &MainWindow::updateSpanActions);
    connect(m_session, &Session::focusChanged, this, &MainWindow::updateSpanActions);
    connect(m_session, &Session::modelChanged, this, &MainWindow::updateSpanActions);
    // Live data replaces the model a few times a second: the counts follow.
    connect(m_session, &Session::modelChanged, this, [this] {
        if (m_session->model() != m_loadedModel && !isLoading())
            updateStatusCounts();
    });
    connect(m_flame, &FlameGraphWidget::spanActivated, this, [this] {
        m_detailsDock->show();
        m_detailsDock->raise();
    });
    connect(m_search, &SearchPanel::highlightChanged, m_flame,
            [this](const std::vector<uint32_t> &spans) { m_flame->setHighlightedSpans(spans); });
    // The pane the user last worked in is the one File > Export writes.
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget *, QWidget *now) {
        for (QWidget *w = now; w; w = w->parentWidget()) {
            if (w == m_flame)
                m_lastTracePane = View::Flame;
            else if (w == m_lanes)
                m_lastTracePane = View::Lanes;
            else
                continue;
            break;
        }
    });
    // Mouse back/forward buttons work anywhere in the window.
    qApp->installEventFilter(this);

    resize(1500, 920);
    readSettings();
    fitToScreen();
    updateHistoryActions();
    updateSpanActions();
    updateTitle();
}

MainWindow::~MainWindow()
{
    qApp->removeEventFilter(this);
}

void MainWindow::createViews()
{
    m_flame = new FlameGraphWidget(m_session, this);
    m_lanes = new LanesView(m_session, this);
    m_graph = new GraphView(m_session, this);
    m_graph->setDark(isDark());
    m_linkMap = new LinkMapView(m_session, this);
    m_linkMap->setDark(isDark());
    connect(m_linkMap, &LinkMapView::linkActivated, this, [this] { showView(View::Lanes); });
    m_criticalPath = new CriticalPathOverlay(m_flame, m_session);
    // The chain's timing strip sits above the lanes, in one pane with them.
    m_chainTiming = new ChainTimingStrip(m_session, this);
    auto *lanesPane = new QWidget(this);
    auto *lanesLayout = new QVBoxLayout(lanesPane);
    lanesLayout->setContentsMargins(0, 0, 0, 0);
    lanesLayout->setSpacing(0);
    lanesLayout->addWidget(m_chainTiming);
    lanesLayout->addWidget(m_lanes, 1);

    m_traceSplitter = new QSplitter(Qt::Vertical, this);
    m_traceSplitter->setObjectName(QStringLiteral("traceSplitter"));
    m_traceSplitter->addWidget(m_flame);
    m_traceSplitter->addWidget(lanesPane);
    m_traceSplitter->setStretchFactor(0, 2);
    m_traceSplitter->setStretchFactor(1, 3);
    m_traceSplitter->setSizes({340, 560});
    m_traceSplitter->setChildrenCollapsible(false);
    // The flame graph takes the height its trace needs (up to 60%); the lanes the rest.
    connect(m_flame, &FlameGraphWidget::contentHeightChanged, this, [this] {
        const QList<int> sizes = m_traceSplitter->sizes();
        const int total = sizes.value(0) + sizes.value(1);
        if (total <= 0)
            return;
        const int flame = std::clamp(m_flame->contentHeightHint(), m_flame->minimumSizeHint().height(), total * 3 / 5);
        m_traceSplitter->setSizes({flame, total - flame});
    });

    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_traceSplitter, QStringLiteral("Trace && Lanes"));
    m_tabs->addTab(m_graph, QStringLiteral("Trace Graph"));
    m_tabs->addTab(m_linkMap, QStringLiteral("Link Map"));

    // A banner for what the user must know about the last load, without a modal dialog.
    m_banner = new QFrame(this);
    auto *bannerFrame = static_cast<QFrame *>(m_banner);
    bannerFrame->setFrameShape(QFrame::StyledPanel);
    bannerFrame->setAutoFillBackground(true);
    bannerFrame->setBackgroundRole(QPalette::ToolTipBase);
    bannerFrame->setForegroundRole(QPalette::ToolTipText);
    m_bannerLabel = new QLabel(m_banner);
    m_bannerLabel->setWordWrap(true);
    m_bannerLabel->setTextFormat(Qt::RichText);
    m_bannerLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_bannerLabel->setForegroundRole(QPalette::ToolTipText);
    connect(m_bannerLabel, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("diagnostics"))
            showDiagnostics();
    });
    auto *bannerClose = new QToolButton(m_banner);
    bannerClose->setAutoRaise(true);
    bannerClose->setText(QStringLiteral("✕"));
    bannerClose->setToolTip(QStringLiteral("Dismiss"));
    connect(bannerClose, &QToolButton::clicked, this, &MainWindow::hideBanner);
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(8, 4, 4, 4);
    bannerLayout->addWidget(m_bannerLabel, 1);
    bannerLayout->addWidget(bannerClose, 0, Qt::AlignTop);
    m_banner->hide();

    m_searchResults = new ResultList(m_session, this);
    m_search = new SearchPanel(m_session, m_searchResults, this);
    m_search->hide();

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(m_search);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);
    // The window's least width is the sum of its parts' least widths: kept
    // small, so that a window fits a small (or scaled) screen.
    central->setMinimumSize(260, 200);

    m_chainList = new ResultList(m_session, this);
    m_chain = new ChainResults(m_session, m_chainList, this);
}

void MainWindow::createDocks()
{
    auto dock = [this](const QString &name, const QString &title, QWidget *content, Qt::DockWidgetArea area) {
        auto *d = new QDockWidget(title, this);
        d->setObjectName(name);
        d->setWidget(content);
        addDockWidget(area, d);
        return d;
    };
    m_traceList = new TraceListPanel(m_session, this);
    m_traceList->setMinimumWidth(140);
    m_traceDock = dock(QStringLiteral("traces"), QStringLiteral("Traces"), m_traceList, Qt::LeftDockWidgetArea);
    m_details = new DetailsPanel(m_session, this);
    m_details->setMinimumWidth(140);
    m_detailsDock = dock(QStringLiteral("details"), QStringLiteral("Span Details"), m_details, Qt::RightDockWidgetArea);
    m_searchDock = dock(QStringLiteral("searchResults"), QStringLiteral("Search Results"), m_searchResults,
                        Qt::BottomDockWidgetArea);
    m_chainDock = dock(QStringLiteral("chainResults"), QStringLiteral("Causal Chain"), m_chainList,
                       Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_searchDock, m_chainDock);
    m_searchDock->hide();
    m_chainDock->hide();
    resizeDocks({m_traceDock, m_detailsDock}, {540, 420}, Qt::Horizontal);
}

QAction *MainWindow::addAction(const QString &name, const QString &text, const QKeySequence &shortcut,
                               const QString &group)
{
    return addAction(name, text, QList<QKeySequence>{shortcut}, group);
}

QAction *MainWindow::addAction(const QString &name, const QString &text, const QList<QKeySequence> &shortcuts,
                               const QString &group)
{
    auto *a = new QAction(text, this);
    a->setObjectName(name);
    QList<QKeySequence> keys;
    for (const QKeySequence &k : shortcuts)
        if (!k.isEmpty())
            keys << k;
    a->setShortcuts(keys);
    // Window-wide, so the shortcuts work whichever dock has the focus.
    a->setShortcutContext(Qt::WindowShortcut);
    QMainWindow::addAction(a);
    m_actions[name] = a;
    m_actionOrder << a;
    m_actionGroup[a] = group;
    return a;
}

QAction *MainWindow::action(const QString &name) const
{
    auto it = m_actions.find(name);
    return it == m_actions.end() ? nullptr : it->second;
}

void MainWindow::createActions()
{
    const QString file = QStringLiteral("File"), nav = QStringLiteral("Navigate"), view = QStringLiteral("View"),
                  find = QStringLiteral("Find"), links = QStringLiteral("Links");
    auto *style = QApplication::style();

    QAction *open = addAction(QStringLiteral("open"), QStringLiteral("&Open…"), QKeySequence::Open, file);
    open->setIcon(style->standardIcon(QStyle::SP_DialogOpenButton));
    open->setToolTip(QStringLiteral("Open trace files, replacing what is loaded (Ctrl+O)"));
    connect(open, &QAction::triggered, this, [this] { openDialog(false); });
    QAction *add = addAction(QStringLiteral("addFiles"), QStringLiteral("&Add Files…"),
                             QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O), file);
    connect(add, &QAction::triggered, this, [this] { openDialog(true); });
    QAction *reload = addAction(QStringLiteral("reload"), QStringLiteral("&Reload"), QKeySequence::Refresh, file);
    connect(reload, &QAction::triggered, this, [this] {
        if (!m_files.isEmpty())
            openFiles(m_files);
    });
    QAction *exportView = addAction(QStringLiteral("export"), QStringLiteral("&Export View…"),
                                    QKeySequence(Qt::CTRL | Qt::Key_E), file);
    connect(exportView, &QAction::triggered, this, &MainWindow::exportDialog);
    QAction *cancel = addAction(QStringLiteral("cancelLoad"), QStringLiteral("&Cancel Loading"),
                                QKeySequence(Qt::Key_Escape), file);
    cancel->setEnabled(false);
    connect(cancel, &QAction::triggered, this, &MainWindow::cancelLoading);
    QAction *quit = addAction(QStringLiteral("quit"), QStringLiteral("&Quit"), QKeySequence::Quit, file);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QAction *back = addAction(QStringLiteral("back"), QStringLiteral("&Back"),
                              QList<QKeySequence>{QKeySequence::Back, QKeySequence(Qt::Key_Back)}, nav);
    back->setIcon(style->standardIcon(QStyle::SP_ArrowBack));
    back->setToolTip(QStringLiteral("Back to where you were (Alt+Left, mouse back button)"));
    connect(back, &QAction::triggered, m_session, &Session::back);
    QAction *forward = addAction(QStringLiteral("forward"), QStringLiteral("&Forward"),
                                 QList<QKeySequence>{QKeySequence::Forward, QKeySequence(Qt::Key_Forward)}, nav);
    forward->setIcon(style->standardIcon(QStyle::SP_ArrowForward));
    forward->setToolTip(QStringLiteral("Forward again (Alt+Right, mouse forward button)"));
    connect(forward, &QAction::triggered, m_session, &Session::forward);
    QAction *goTo = addAction(QStringLiteral("goTo"), QStringLiteral("&Go to Trace or Span…"),
                              QKeySequence(Qt::CTRL | Qt::Key_G), nav);
    connect(goTo, &QAction::triggered, this, &MainWindow::goToDialog);
    QAction *filter = addAction(QStringLiteral("filterTraces"), QStringLiteral("Filter &Traces"),
                                QKeySequence(Qt::CTRL | Qt::Key_L), nav);
    connect(filter, &QAction::triggered, this, [this] {
        m_traceDock->show();
        m_traceDock->raise();
        m_traceList->focusFilter();
    });

    QAction *findAction = addAction(QStringLiteral("find"), QStringLiteral("&Find Spans…"), QKeySequence::Find, find);
    connect(findAction, &QAction::triggered, this, [this] {
        m_search->openBar();
        m_searchDock->show();
        m_searchDock->raise();
    });
    QAction *findNext = addAction(QStringLiteral("findNext"), QStringLiteral("Find &Next"), QKeySequence::FindNext, find);
    connect(findNext, &QAction::triggered, m_search, &SearchPanel::next);
    QAction *findPrevious = addAction(QStringLiteral("findPrevious"), QStringLiteral("Find &Previous"),
                                      QKeySequence::FindPrevious, find);
    connect(findPrevious, &QAction::triggered, m_search, &SearchPanel::previous);

    auto chainAction = [&](const QString &name, const QString &text, QKeySequence key, ChainResults::Query query,
                           ChainResults::Start from = ChainResults::Start::Selection) {
        QAction *a = addAction(name, text, key, links);
        connect(a, &QAction::triggered, this, [this, query, from] {
            if (m_chain->run(query, from)) {
                m_chainDock->show();
                m_chainDock->raise();
            }
        });
        return a;
    };
    chainAction(QStringLiteral("chainUpstream"), QStringLiteral("Causal Chain &Upstream"),
                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), ChainResults::Query::Upstream)
        ->setToolTip(QStringLiteral("Traces that caused the selected span or trace, hop by hop"));
    chainAction(QStringLiteral("chainDownstream"), QStringLiteral("Causal Chain &Downstream"),
                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D), ChainResults::Query::Downstream)
        ->setToolTip(QStringLiteral("Traces caused by the selected span or trace, hop by hop"));
    QAction *both = chainAction(QStringLiteral("chainBoth"), QStringLiteral("&Causal Chain (Both Ways)"),
                                QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B), ChainResults::Query::Both);
    both->setIconText(QStringLiteral("Chain"));
    both->setToolTip(QStringLiteral("The whole causal chain through the selected span or trace (Ctrl+Shift+B)"));
    // From a child span the chain follows only that span's links at first;
    // from its trace, every span's links. Both are offered, and named.
    chainAction(QStringLiteral("chainBothTrace"), QStringLiteral("Causal Chain of the &Whole Trace"),
                QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_B), ChainResults::Query::Both, ChainResults::Start::Trace)
        ->setToolTip(QStringLiteral("The causal chain through any span of the focus trace (Ctrl+Alt+B)"));
    QAction *errors = chainAction(QStringLiteral("errorsDownstream"), QStringLiteral("&Errors Downstream"),
                                  QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), ChainResults::Query::ErrorsDownstream);
    errors->setIconText(QStringLiteral("Errors ↓"));
    errors->setToolTip(QStringLiteral("Error spans in the traces downstream of the selection (Ctrl+Shift+E)"));
    chainAction(QStringLiteral("errorsUpstream"), QStringLiteral("E&rrors Upstream"), QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_E),
                ChainResults::Query::ErrorsUpstream)
        ->setToolTip(QStringLiteral("Error spans in the traces upstream of the selection: a batch's failed items (Ctrl+Alt+E)"));
    QAction *nextResult = addAction(QStringLiteral("nextResult"), QStringLiteral("Next Chain Result"),
                                    QKeySequence(Qt::Key_F8), links);
    connect(nextResult, &QAction::triggered, this, [this] { m_chainList->step(+1); });
    QAction *previousResult = addAction(QStringLiteral("previousResult"), QStringLiteral("Previous Chain Result"),
                                        QKeySequence(Qt::SHIFT | Qt::Key_F8), links);
    connect(previousResult, &QAction::triggered, this, [this] { m_chainList->step(-1); });
    // The lanes' own: N / Shift+N while they have the keyboard (not window-wide, so
    // typing in a list or a field keeps its letters). Listed with the rest.
    for (QAction *a : {m_lanes->nextErrorAction(), m_lanes->previousErrorAction()}) {
        m_actions[a->objectName()] = a;
        m_actionOrder << a;
        m_actionGroup[a] = links;
    }
    connect(m_lanes, &LanesView::statusMessage, this, [this](const QString &text) { statusBar()->showMessage(text, 8000); });
    // One switch for the flame graph and the lanes, held by the session: window-wide.
    QAction *criticalPath = m_session->criticalPathAction();
    QMainWindow::addAction(criticalPath);
    criticalPath->setShortcutContext(Qt::WindowShortcut);
    m_actions[criticalPath->objectName()] = criticalPath;
    m_actionOrder << criticalPath;
    m_actionGroup[criticalPath] = view;

    QAction *deeper = addAction(QStringLiteral("depthUp"), QStringLiteral("More Link Hops"),
                                QKeySequence(Qt::CTRL | Qt::Key_BracketRight), links);
    connect(deeper, &QAction::triggered, this, [this] { setLinkDepth(linkDepth() + 1); });
    QAction *shallower = addAction(QStringLiteral("depthDown"), QStringLiteral("Fewer Link Hops"),
                                   QKeySequence(Qt::CTRL | Qt::Key_BracketLeft), links);
    connect(shallower, &QAction::triggered, this, [this] { setLinkDepth(linkDepth() - 1); });

    QAction *traceTab = addAction(QStringLiteral("showTrace"), QStringLiteral("&Trace and Lanes"),
                                  QKeySequence(Qt::CTRL | Qt::Key_1), view);
    connect(traceTab, &QAction::triggered, this, [this] { showView(View::Lanes); });
    QAction *graphTab = addAction(QStringLiteral("showGraph"), QStringLiteral("Trace &Graph"),
                                  QKeySequence(Qt::CTRL | Qt::Key_2), view);
    connect(graphTab, &QAction::triggered, this, [this] { showView(View::Graph); });
    QAction *zoomIn = addAction(QStringLiteral("zoomIn"), QStringLiteral("Zoom &In"), QKeySequence::ZoomIn, view);
    zoomIn->setIcon(toolIcon(ToolIcon::ZoomIn));
    connect(zoomIn, &QAction::triggered, this, [this] {
        if (m_tabs->currentWidget() == m_graph)
            m_graph->zoomIn();
        else
            m_flame->zoomIn();
    });
    QAction *zoomOut = addAction(QStringLiteral("zoomOut"), QStringLiteral("Zoom &Out"), QKeySequence::ZoomOut, view);
    zoomOut->setIcon(toolIcon(ToolIcon::ZoomOut));
    connect(zoomOut, &QAction::triggered, this, [this] {
        if (m_tabs->currentWidget() == m_graph)
            m_graph->zoomOut();
        else
            m_flame->zoomOut();
    });
    QAction *fit = addAction(QStringLiteral("fit"), QStringLiteral("&Fit"), QKeySequence(Qt::CTRL | Qt::Key_0), view);
    fit->setToolTip(QStringLiteral("Fit the whole trace (or graph) in view (Ctrl+0)"));
    connect(fit, &QAction::triggered, this, [this] {
        if (m_tabs->currentWidget() == m_graph)
            m_graph->fit();
        else
            m_flame->fitToTrace();
    });

    auto *themes = new QActionGroup(this);
    for (const auto &[theme, name, text] : {std::tuple{Theme::System, "themeSystem", "&System"},
                                            std::tuple{Theme::Light, "themeLight", "&Light"},
                                            std::tuple{Theme::Dark, "themeDark", "&Dark"}}) {
        QAction *a = addAction(QString::fromLatin1(name), QString::fromLatin1(text), QKeySequence(), view);
        a->setCheckable(true);
        a->setChecked(theme == Theme::System);
        themes->addAction(a);
        connect(a, &QAction::triggered, this, [this, theme = theme] { setTheme(theme); });
    }

    QAction *shortcuts = addAction(QStringLiteral("shortcuts"), QStringLiteral("&Keyboard Shortcuts"),
                                   QKeySequence(Qt::Key_F1), QStringLiteral("Help"));
    connect(shortcuts, &QAction::triggered, this, &MainWindow::showShortcuts);
    QAction *diagnostics = addAction(QStringLiteral("diagnostics"), QStringLiteral("Load &Diagnostics…"),
                                     QKeySequence(), QStringLiteral("Help"));
    connect(diagnostics, &QAction::triggered, this, &MainWindow::showDiagnostics);
    QAction *aboutAction = addAction(QStringLiteral("about"), QStringLiteral("&About Causeway"), QKeySequence(),
                                     QStringLiteral("Help"));
    connect(aboutAction, &QAction::triggered, this, &MainWindow::about);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(QStringLiteral("&File"));
    m_fileMenu = file;
    file->addAction(action(QStringLiteral("open")));
    file->addAction(action(QStringLiteral("addFiles")));
    m_recentMenu = file->addMenu(QStringLiteral("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addAction(action(QStringLiteral("reload")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("export")));
    file->addSeparator();
    // Live data: receivers and the file follower live as long as the window.
    auto *live = new LiveController(m_session, this);
    file->addAction(live->receiveAction());
    file->addAction(live->followAction());
    statusBar()->addPermanentWidget(live->statusLabel());
    // Trace backends: traces fetched from Tempo or Jaeger as links lead to them.
    auto *backends = new BackendController(m_session, this);
    file->addAction(backends->openAction());
    statusBar()->addPermanentWidget(backends->statusWidget());
    connect(m_details, &DetailsPanel::missingLinkActivated, backends, &BackendController::fetchLinkTarget);
    connect(m_lanes, &LanesView::missingTraceActivated, backends, &BackendController::fetchLinkTarget);
    connect(m_graph, &GraphView::missingTraceActivated, backends, &BackendController::fetchLinkTarget);
    file->addSeparator();
    file->addAction(action(QStringLiteral("cancelLoad")));
    file->addSeparator();
    file->addAction(action(QStringLiteral("quit")));

    QMenu *edit = menuBar()->addMenu(QStringLiteral("&Edit"));
    edit->addAction(action(QStringLiteral("find")));
    edit->addAction(action(QStringLiteral("findNext")));
    edit->addAction(action(QStringLiteral("findPrevious")));
    edit->addSeparator();
    edit->addAction(action(QStringLiteral("filterTraces")));

    QMenu *view = menuBar()->addMenu(QStringLiteral("&View"));
    view->addAction(action(QStringLiteral("showTrace")));
    view->addAction(action(QStringLiteral("showGraph")));
    view->addSeparator();
    view->addAction(action(QStringLiteral("zoomIn")));
    view->addAction(action(QStringLiteral("zoomOut")));
    view->addAction(action(QStringLiteral("fit")));
    view->addAction(action(QStringLiteral("criticalPath")));
    view->addSeparator();
    QMenu *theme = view->addMenu(QStringLiteral("T&heme"));
    for (const char *name : {"themeSystem", "themeLight", "themeDark"})
        theme->addAction(action(QString::fromLatin1(name)));
    view->addSeparator();
    for (QDockWidget *d : {m_traceDock, m_detailsDock, m_searchDock, m_chainDock})
        view->addAction(d->toggleViewAction());

    QMenu *go = menuBar()->addMenu(QStringLiteral("&Go"));
    go->addAction(action(QStringLiteral("back")));
    go->addAction(action(QStringLiteral("forward")));
    go->addSeparator();
    go->addAction(action(QStringLiteral("goTo")));

    QMenu *links = menuBar()->addMenu(QStringLiteral("&Links"));
    links->addAction(action(QStringLiteral("chainUpstream")));
    links->addAction(action(QStringLiteral("chainDownstream")));
    links->addAction(action(QStringLiteral("chainBoth")));
    links->addAction(action(QStringLiteral("chainBothTrace")));
    links->addAction(action(QStringLiteral("errorsDownstream")));
    links->addAction(action(QStringLiteral("errorsUpstream")));
    links->addSeparator();
    links->addAction(action(QStringLiteral("nextResult")));
    links->addAction(action(QStringLiteral("previousResult")));
    links->addAction(action(QStringLiteral("nextError")));
    links->addAction(action(QStringLiteral("previousError")));
    links->addSeparator();
    links->addAction(action(QStringLiteral("depthUp")));
    links->addAction(action(QStringLiteral("depthDown")));
    links->addSeparator();
    links->addAction(backends->expandAction());

    menuBar()->addMenu(QStringLiteral("&Settings"))->addAction(backends->settingsAction());

    QMenu *help = menuBar()->addMenu(QStringLiteral("&Help"));
    help->addAction(action(QStringLiteral("shortcuts")));
    help->addAction(action(QStringLiteral("diagnostics")));
    help->addSeparator();
    help->addAction(action(QStringLiteral("about")));

    // The same span actions on a context menu of the central views.
    for (QWidget *w : {static_cast<QWidget *>(m_flame), static_cast<QWidget *>(m_lanes)}) {
        w->setContextMenuPolicy(Qt::ActionsContextMenu);
        for (const char *name : {"chainUpstream", "chainDownstream", "chainBoth", "chainBothTrace", "errorsDownstream", "errorsUpstream"})
            w->addAction(action(QString::fromLatin1(name)));
    }
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(QStringLiteral("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(action(QStringLiteral("open")));
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("back")));
    bar->addAction(action(QStringLiteral("forward")));
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("zoomIn")));
    bar->addAction(action(QStringLiteral("zoomOut")));
    bar->addAction(action(QStringLiteral("fit")));
    bar->addSeparator();
    auto *depthLabel = new QLabel(QStringLiteral(" Link hops: "), bar);
    m_depthBox = new QSpinBox(bar);
    m_depthBox->setRange(1, 6);
    m_depthBox->setValue(m_lanes->depth());
    m_depthBox->setToolTip(QStringLiteral("How many link hops the lanes and the graph show around the focus trace "
                                          "(Ctrl+] / Ctrl+[)"));
    bar->addWidget(depthLabel);
    bar->addWidget(m_depthBox);
    connect(m_depthBox, &QSpinBox::valueChanged, this, [this](int depth) {
        m_lanes->setDepth(depth);
        m_graph->setDepth(uint32_t(depth));
    });
    connect(m_lanes, &LanesView::depthChanged, m_depthBox, &QSpinBox::setValue);
    m_graph->setDepth(uint32_t(m_depthBox->value())); // one depth for both views from the start
    bar->addSeparator();
    // Chain says where it starts ("Chain from Span" / "from Trace"); its menu offers the other.
    m_chainButton = new QToolButton(bar);
    m_chainButton->setObjectName(QStringLiteral("chainButton"));
    m_chainButton->setDefaultAction(action(QStringLiteral("chainBoth")));
    m_chainButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_chainButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *chainMenu = new QMenu(m_chainButton);
    chainMenu->addAction(action(QStringLiteral("chainBoth")));
    chainMenu->addAction(action(QStringLiteral("chainBothTrace")));
    m_chainButton->setMenu(chainMenu);
    bar->addWidget(m_chainButton);
    bar->addAction(action(QStringLiteral("errorsDownstream")));
    bar->addSeparator();
    bar->addAction(action(QStringLiteral("find")));
}

void MainWindow::createStatusBar()
{
    m_statusLabel = new QLabel(QStringLiteral("Open trace files with Ctrl+O, or drop them here."), this);
    m_diagnosticsLink = new QLabel(this);
    m_diagnosticsLink->setTextFormat(Qt::RichText);
    m_diagnosticsLink->hide();
    connect(m_diagnosticsLink, &QLabel::linkActivated, this, &MainWindow::showDiagnostics);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    // Wide enough for the span figure of a large file ("12,345,678 spans · 100%").
    m_progress->setMinimumWidth(m_progress->fontMetrics().horizontalAdvance(QStringLiteral("12,345,678 spans · 100%")) + 24);
    m_progress->setMaximumWidth(m_progress->minimumWidth() + 40);
    m_progress->hide();
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setText(QStringLiteral("Cancel"));
    m_cancelButton->setToolTip(QStringLiteral("Stop loading (Esc)"));
    m_cancelButton->hide();
    connect(m_cancelButton, &QToolButton::clicked, this, &MainWindow::cancelLoading);
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_diagnosticsLink);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);
}

void MainWindow::setSampleFiles(const QStringList &files)
{
    m_sampleFiles = files;
    if (files.isEmpty() || action(QStringLiteral("openSample")))
        return;
    QAction *sample = addAction(QStringLiteral("openSample"), QStringLiteral("Open &Sample Traces"), QKeySequence(),
                                QStringLiteral("File"));
    sample->setToolTip(QStringLiteral("The bundled sample: checkout, queue consumers, retries and a nightly batch"));
    connect(sample, &QAction::triggered, this, [this] { openFiles(m_sampleFiles); });
    m_fileMenu->insertAction(action(QStringLiteral("reload")), sample);
}

// Loading ----------------------------------------------------------------

void MainWindow::openFiles(const QStringList &files, bool add)
{
    if (files.isEmpty())
        return;
    QStringList all = add ? m_files : QStringList();
    for (const QString &f : files) {
        const QString path = QFileInfo(f).absoluteFilePath();
        if (!all.contains(path))
            all << path;
    }
    m_loadingFiles = all;
    std::vector<std::string> paths = loadPaths(all);
    m_progress->setFormat(QStringLiteral("%p%"));
    m_progress->setValue(0);
    m_progress->show();
    m_cancelButton->show();
    action(QStringLiteral("cancelLoad"))->setEnabled(true);
    const QString what = all.size() == 1 ? QFileInfo(all.first()).fileName() : QStringLiteral("%1 files").arg(all.size());
    m_statusLabel->setText(display::loading(what));
    m_session->setLoading(what);
    // The command line's files may be loading since before the window.
    if (m_worker->files() != paths)
        m_worker->start(std::move(paths));
}

bool MainWindow::isLoading() const
{
    return m_worker->isRunning();
}

void MainWindow::cancelLoading()
{
    if (m_worker->isRunning()) {
        m_worker->cancel();
        m_statusLabel->setText(QStringLiteral("Cancelling…"));
    }
}

void MainWindow::onProgress(double fraction, quint64 spans)
{
    // Spans read so far, then the share of the input: on a large file the
    // count says more than a slowly moving percentage.
    m_progress->setFormat(display::count(spans, "span", "spans") + QStringLiteral(" · %p%"));
    m_progress->setValue(int(fraction * 1000));
}

void MainWindow::onLoadFinished(const LoadOutcome &outcome)
{
    // What the load freed (its pieces, the tables' old copies) and the
    // model it replaces go back to the system once the views have let go
    // of that model: malloc keeps freed blocks in its heap for the next
    // load (core/allocator.h). Off the window's thread.
    QTimer::singleShot(1000, this, [] { QThreadPool::globalInstance()->start([] { releaseFreeMemory(); }); });
    m_progress->hide();
    m_cancelButton->hide();
    action(QStringLiteral("cancelLoad"))->setEnabled(false);
    m_session->setLoading(QString());
    switch (outcome.status) {
    case LoadOutcome::Status::Cancelled:
        m_statusLabel->setText(m_session->model() ? QStringLiteral("Loading cancelled; what was shown before is still loaded.")
                                                  : QStringLiteral("Loading cancelled."));
        emit loadFinished(false);
        return;
    case LoadOutcome::Status::Failed:
        showBanner(QStringLiteral("<b>Could not open the file.</b> %1").arg(outcome.error.toHtmlEscaped()), true);
        m_statusLabel->setText(QStringLiteral("Loading failed."));
        emit loadFinished(false);
        return;
    case LoadOutcome::Status::Loaded:
        break;
    }
    const QStringList previous = m_files;
    m_files = m_loadingFiles;
    m_session->setModel(outcome.model, outcome.startTrace);
    const Model &m = *outcome.model;
    QStringList added;
    for (const QString &f : m_files)
        if (!previous.contains(f))
            added << f;
    addRecent(added.isEmpty() ? m_files : added);
    updateTitle();

    m_loadedModel = outcome.model;
    m_loadedResolvedLinks = outcome.resolvedLinks;
    m_loadNote = QStringLiteral(" · %1 MB read in %2 ms").arg(double(outcome.bytesRead) / 1e6, 0, 'f', 1).arg(outcome.milliseconds);
    updateStatusCounts();

    uint64_t problems = 0, notes = 0;
    for (const Diagnostic &d : m.diagnostics.items())
        (d.severity == Severity::Info ? notes : problems) += d.count;
    if (m_diagnostics)
        m_diagnostics->setDiagnostics(m.diagnostics);
    if (problems) {
        showBanner(display::count(problems, "record", "records")
                       + QStringLiteral(" skipped or repaired while loading; the rest loaded. <a href=\"diagnostics\">Details</a>"),
                   false);
    } else {
        hideBanner();
    }
    if (problems + notes) {
        m_diagnosticsLink->setText(QStringLiteral("<a href=\"diagnostics\">%1</a>").arg(display::count(problems + notes, "load note", "load notes")));
        m_diagnosticsLink->show();
    } else {
        m_diagnosticsLink->hide();
    }
    if (m.traces.empty())
        showBanner(QStringLiteral("The files hold no spans."), false);
    emit loadFinished(true);
}

void MainWindow::updateStatusCounts()
{
    const auto model = m_session->model();
    if (!model || (model->traces.empty() && !m_loadedModel))
        return;
    // The loaded model's count came with it from the loading thread; live
    // models are counted here.
    uint64_t resolved = 0;
    if (model == m_loadedModel)
        resolved = m_loadedResolvedLinks;
    else
        for (const Link &l : model->links)
            resolved += l.resolved();
    // The load's size and time describe the loaded model only, not what live data made of it.
    m_statusLabel->setText(QStringLiteral("%L1 traces, %L2 spans, %L3 links (%L4 resolved)")
                               .arg(model->traces.size())
                               .arg(model->spanCount())
                               .arg(model->links.size())
                               .arg(resolved)
                           + (model == m_loadedModel ? m_loadNote : QString()));
}

void MainWindow::showBanner(const QString &html, bool error)
{
    m_bannerLabel->setText(html);
    m_banner->setProperty("error", error);
    m_banner->show();
}

void MainWindow::hideBanner()
{
    m_banner->hide();
}

QString MainWindow::bannerText() const
{
    return m_bannerLabel->text();
}

bool MainWindow::isBannerVisible() const
{
    return !m_banner->isHidden();
}

void MainWindow::showDiagnostics()
{
    if (!m_diagnostics)
        m_diagnostics = new DiagnosticsDialog(this);
    const auto &model = m_session->model();
    m_diagnostics->setDiagnostics(model ? model->diagnostics : Diagnostics());
    m_diagnostics->show();
    m_diagnostics->raise();
    m_diagnostics->activateWindow();
}

void MainWindow::openDialog(bool add)
{
    const QString dir = m_files.isEmpty() ? QString() : QFileInfo(m_files.first()).absolutePath();
    const QStringList files = QFileDialog::getOpenFileNames(
        this, add ? QStringLiteral("Add Trace Files") : QStringLiteral("Open Trace Files"), dir,
        QStringLiteral("Trace files (*.json *.jsonl *.ndjson *.pb *.binpb *.gz *.zst *.otlp);;All files (*)"));
    openFiles(files, add);
}

// Recent files -----------------------------------------------------------

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(kRecentKey).toStringList();
}

void MainWindow::addRecent(const QStringList &files)
{
    QStringList recent = recentFiles();
    for (const QString &f : files) {
        recent.removeAll(f);
        recent.prepend(f);
    }
    while (recent.size() > kRecentLimit)
        recent.removeLast();
    QSettings().setValue(kRecentKey, recent);
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = recentFiles();
    int n = 0;
    const QStringList labels = distinctFileLabels(recent);
    for (const QString &f : recent) {
        const QString name = labels.value(n);
        ++n;
        const QString label = n < 10 ? QStringLiteral("&%1 %2").arg(n).arg(name) : name;
        QAction *a = m_recentMenu->addAction(label, this, [this, f] { openFiles({f}); });
        a->setToolTip(f);
        a->setStatusTip(f);
    }
    if (!recent.isEmpty())
        m_recentMenu->addSeparator();
    QAction *clear = m_recentMenu->addAction(QStringLiteral("&Clear Recent Files"), this, [] {
        QSettings().remove(kRecentKey);
    });
    clear->setEnabled(!recent.isEmpty());
}

QStringList MainWindow::distinctFileLabels(const QStringList &paths)
{
    // Folders from the innermost out, per path.
    std::vector<QStringList> folders;
    for (const QString &p : paths) {
        QStringList parts = QDir::cleanPath(QDir::fromNativeSeparators(p)).split(QLatin1Char('/'), Qt::SkipEmptyParts);
        if (!parts.isEmpty())
            parts.removeLast();
        std::reverse(parts.begin(), parts.end());
        folders.push_back(parts);
    }
    QStringList labels;
    for (qsizetype i = 0; i < paths.size(); ++i) {
        const QString name = QFileInfo(paths[i]).fileName();
        // The fewest trailing folders that no other same-named path shares.
        qsizetype depth = 0;
        for (qsizetype j = 0; j < paths.size(); ++j) {
            if (j == i || QFileInfo(paths[j]).fileName() != name || paths[j] == paths[i])
                continue;
            qsizetype common = 0;
            while (common < folders[size_t(i)].size() && common < folders[size_t(j)].size()
                   && folders[size_t(i)][common] == folders[size_t(j)][common])
                ++common;
            depth = std::max(depth, std::min(common + 1, folders[size_t(i)].size()));
        }
        if (depth == 0) {
            labels << name;
            continue;
        }
        QStringList shown = folders[size_t(i)].mid(0, depth);
        std::reverse(shown.begin(), shown.end());
        const bool whole = depth >= folders[size_t(i)].size();
        labels << name + QStringLiteral(" — ") + (whole ? QStringLiteral("/") : QStringLiteral("…/"))
                + shown.join(QLatin1Char('/'));
    }
    return labels;
}

// Navigation and state ---------------------------------------------------

void MainWindow::updateTitle()
{
    QStringList names;
    for (const QString &f : m_files)
        names << QFileInfo(f).fileName();
    QString shown = names.join(QStringLiteral(", "));
    if (names.size() > 3)
        shown = names.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(" and %1 more").arg(names.size() - 3);
    setWindowTitle(shown.isEmpty() ? QStringLiteral("Causeway") : shown + QStringLiteral(" — Causeway"));
}

void MainWindow::updateHistoryActions()
{
    action(QStringLiteral("back"))->setEnabled(m_session->canGoBack());
    action(QStringLiteral("forward"))->setEnabled(m_session->canGoForward());
}

void MainWindow::updateSpanActions()
{
    const bool loaded = m_session->model() && m_session->focusTrace() != kNone;
    for (const char *name : {"chainUpstream", "chainDownstream", "chainBoth", "chainBothTrace", "errorsDownstream",
                             "errorsUpstream", "export", "goTo"})
        action(QString::fromLatin1(name))->setEnabled(loaded);
    // Where Chain starts: the selected span, or the trace when none is selected.
    const bool fromSpan = loaded && m_session->selectedSpan() != kNone;
    QAction *both = action(QStringLiteral("chainBoth"));
    both->setIconText(fromSpan ? QStringLiteral("Chain from Span") : QStringLiteral("Chain from Trace"));
    both->setText(fromSpan ? QStringLiteral("&Causal Chain of the Selected Span") : QStringLiteral("&Causal Chain (Both Ways)"));
    action(QStringLiteral("reload"))->setEnabled(!m_files.isEmpty());
}

void MainWindow::goToDialog()
{
    if (!m_session->model())
        return;
    bool ok = false;
    const QString text = QInputDialog::getText(this, QStringLiteral("Go to Trace or Span"),
                                               QStringLiteral("TRACEID or TRACEID/SPANID (a unique prefix will do):"),
                                               QLineEdit::Normal, QString(), &ok)
                             .trimmed();
    if (ok && !text.isEmpty())
        goToReference(text);
}

bool MainWindow::goToReference(const QString &text)
{
    const auto &model = m_session->model();
    if (!model)
        return false;
    Reference ref;
    std::string error;
    if (!resolveReference(*model, text.trimmed().toStdString(), ref, error)) {
        m_statusLabel->setText(QStringLiteral("Go to: ") + QString::fromStdString(error));
        return false;
    }
    m_session->navigateTo(ref.trace, ref.span);
    return true;
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

int MainWindow::linkDepth() const
{
    return m_depthBox->value();
}

void MainWindow::setLinkDepth(int depth)
{
    m_depthBox->setValue(depth);
}

void MainWindow::showView(View view)
{
    if (view == View::Graph) {
        m_tabs->setCurrentWidget(m_graph);
        return;
    }
    m_tabs->setCurrentWidget(m_traceSplitter);
    m_lastTracePane = view;
}

MainWindow::View MainWindow::exportedView() const
{
    return m_tabs->currentWidget() == m_graph ? View::Graph : m_lastTracePane;
}

bool MainWindow::isDark() const
{
    return isDarkPalette(palette());
}

void MainWindow::setTheme(Theme theme)
{
    applyTheme(theme);
    QSettings().setValue(QStringLiteral("theme"), themeKey(theme));
    const QString name = theme == Theme::Dark ? QStringLiteral("themeDark")
        : theme == Theme::Light               ? QStringLiteral("themeLight")
                                              : QStringLiteral("themeSystem");
    action(name)->setChecked(true);
}

// Export -----------------------------------------------------------------

QString MainWindow::exportDialogTitle() const
{
    switch (exportedView()) {
    case View::Flame: return QStringLiteral("Export the Flame Graph");
    case View::Lanes: return QStringLiteral("Export the Lanes");
    case View::Graph: return QStringLiteral("Export the Trace Graph");
    }
    return QStringLiteral("Export View");
}

QString MainWindow::exportStartPath() const
{
    const QString name = m_tabs->currentWidget() == m_linkMap ? QStringLiteral("linkmap")
        : exportedView() == View::Graph                       ? QStringLiteral("graph")
        : exportedView() == View::Flame                 ? QStringLiteral("flame")
                                                        : QStringLiteral("lanes");
    const QString folder = QSettings().value(QStringLiteral("exportFolder")).toString();
    const QString file = name + QStringLiteral(".png");
    return folder.isEmpty() || !QFileInfo(folder).isDir() ? file : QDir(folder).filePath(file);
}

void MainWindow::exportDialog()
{
    QString filter = QStringLiteral("PNG image (*.png)");
    const QString path = QFileDialog::getSaveFileName(
        this, exportDialogTitle(), exportStartPath(),
        QStringLiteral("PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"), &filter);
    if (path.isEmpty())
        return;
    QString target = path;
    if (!imageFormatFromName(QFileInfo(target).suffix())) {
        // No known extension typed: take the chosen filter's.
        target += filter.contains(QLatin1String("svg")) ? QStringLiteral(".svg")
            : filter.contains(QLatin1String("pdf"))     ? QStringLiteral(".pdf")
                                                        : QStringLiteral(".png");
    }
    exportView(target);
}

bool MainWindow::exportView(const QString &path)
{
    const auto model = m_session->model();
    const auto format = imageFormatFromName(QFileInfo(path).suffix());
    if (!model || m_session->focusTrace() == kNone || !format) {
        const QString why = !format ? QStringLiteral("use a .png, .svg or .pdf file name") : QStringLiteral("nothing is loaded");
        m_statusLabel->setText(QStringLiteral("Export failed: ") + why);
        emit exportFinished(false, why);
        return false;
    }
    if (m_tabs->currentWidget() == m_linkMap) {
        // The link map on screen, painted by the same painter into the file.
        QString error;
        const std::optional<Drawing> drawing = m_linkMap->drawing();
        const bool ok = drawing && writeDrawing(*drawing, *format, path, std::max(2.0, devicePixelRatioF()), &error);
        if (!drawing)
            error = QStringLiteral("the link map is not laid out yet");
        m_statusLabel->setText(ok ? QStringLiteral("Exported %1").arg(QDir::toNativeSeparators(path)) : QStringLiteral("Export failed: ") + error);
        emit exportFinished(ok, ok ? path : error);
        return ok;
    }
    DrawingOptions options;
    options.trace = m_session->focusTrace();
    options.span = m_session->selectedSpan();
    options.depth = uint32_t(linkDepth());
    options.dark = isDark();
    options.criticalPath = m_session->criticalPathShown(); // as the flame graph and the lanes show it
    const View view = exportedView();
    options.width = view == View::Lanes ? std::max(800, m_lanes->canvas()->width())
                                        : std::max(800, m_flame->width());
    const double scale = std::max(2.0, devicePixelRatioF());
    m_statusLabel->setText(QStringLiteral("Exporting %1…").arg(QFileInfo(path).fileName()));

    // Graph layout and painting can take a while; QPainter on images, SVG and
    // PDF is fine off the GUI thread.
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const QString error = watcher->result();
        if (error.isEmpty()) {
            m_statusLabel->setText(QStringLiteral("Exported %1").arg(QDir::toNativeSeparators(path)));
            QSettings().setValue(QStringLiteral("exportFolder"), QFileInfo(path).absolutePath());
        }
        else
            m_statusLabel->setText(QStringLiteral("Export failed: ") + error);
        emit exportFinished(error.isEmpty(), error.isEmpty() ? path : error);
    });
    watcher->setFuture(QtConcurrent::run([model, options, view, format, path, scale]() -> QString {
        QString error;
        std::optional<Drawing> drawing;
        switch (view) {
        case View::Flame: drawing = flameDrawing(*model, options); break;
        case View::Lanes: drawing = lanesDrawing(*model, options); break;
        case View::Graph: drawing = graphDrawing(*model, options, &error); break;
        }
        if (!drawing)
            return error.isEmpty() ? QStringLiteral("the view could not be drawn") : error;
        if (!writeDrawing(*drawing, *format, path, scale, &error))
            return error.isEmpty() ? QStringLiteral("cannot write %1").arg(path) : error;
        return {};
    }));
    return true;
}

// Window events ----------------------------------------------------------

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (!localFiles(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QStringList files = localFiles(event->mimeData());
    if (files.isEmpty())
        return;
    // Ctrl (or Shift) while dropping adds to what is loaded.
    const bool add = event->modifiers() & (Qt::ControlModifier | Qt::ShiftModifier);
    openFiles(files, add);
    event->acceptProposedAction();
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    // A drag of the separators between docks and centre ends with a release on the window itself.
    if (watched == this && event->type() == QEvent::MouseButtonRelease)
        QTimer::singleShot(0, this, &MainWindow::rememberDockFractions);
    if (event->type() == QEvent::MouseButtonPress) {
        auto *widget = qobject_cast<QWidget *>(watched);
        const auto button = static_cast<QMouseEvent *>(event)->button();
        if (widget && widget->window() == this && (button == Qt::BackButton || button == Qt::ForwardButton)) {
            if (button == Qt::BackButton)
                m_session->back();
            else
                m_session->forward();
            return true; // eaten: it would otherwise reach every parent
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange) {
        m_graph->setDark(isDark());
        m_linkMap->setDark(isDark());
    }
    QMainWindow::changeEvent(event);
}

void MainWindow::fitToScreen()
{
    // A size saved on a larger screen, or a scale factor that makes logical
    // pixels bigger, must not open the window past the screen's edges.
    const QScreen *s = screen();
    if (!s)
        return;
    const QRect available = s->availableGeometry();
    // Room for the title bar and borders the window manager adds.
    const QSize room = available.size() - QSize(16, 40);
    QSize wanted = size().boundedTo(room).expandedTo(minimumSizeHint().boundedTo(room));
    if (wanted != size())
        resize(wanted);
    QRect g(pos(), wanted);
    if (!available.contains(g)) {
        g.moveLeft(std::clamp(g.left(), available.left(), std::max(available.left(), available.right() - g.width())));
        g.moveTop(std::clamp(g.top(), available.top(), std::max(available.top(), available.bottom() - g.height())));
        move(g.topLeft());
    }
}

void MainWindow::rememberDockFractions()
{
    if (width() <= 0)
        return;
    if (m_traceDock->isVisible() && !m_traceDock->isFloating())
        m_traceDockFraction = double(m_traceDock->width()) / width();
    if (m_detailsDock->isVisible() && !m_detailsDock->isFloating())
        m_detailsDockFraction = double(m_detailsDock->width()) / width();
    m_dockWidthsForWindow = width();
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    if (m_dockWidthsForWindow == 0) {
        // The first size: what the settings (or the defaults) gave is the user's proportion.
        QTimer::singleShot(0, this, &MainWindow::rememberDockFractions);
        m_dockWidthsForWindow = -1;
        return;
    }
    if (event->size().width() == event->oldSize().width())
        return;
    // QMainWindow gives all of a window's growth to the centre, so docks
    // shrunk with the window would stay narrow: keep their share instead.
    QTimer::singleShot(0, this, [this] {
        QList<QDockWidget *> docks;
        QList<int> widths;
        for (auto [dock, fraction] : {std::pair{m_traceDock, m_traceDockFraction}, std::pair{m_detailsDock, m_detailsDockFraction}}) {
            if (dock->isVisible() && !dock->isFloating()) {
                docks << dock;
                widths << int(width() * fraction);
            }
        }
        if (!docks.isEmpty())
            resizeDocks(docks, widths, Qt::Horizontal);
    });
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_worker->cancel();
    writeSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::readSettings()
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    m_traceSplitter->restoreState(settings.value(QStringLiteral("traceSplitter")).toByteArray());
    const int tab = settings.value(QStringLiteral("tab"), 0).toInt();
    if (tab >= 0 && tab < m_tabs->count())
        m_tabs->setCurrentIndex(tab);
    const int depth = settings.value(QStringLiteral("linkDepth"), 0).toInt();
    if (depth > 0)
        setLinkDepth(depth);
    settings.endGroup();
    const Theme theme = themeFromKey(settings.value(QStringLiteral("theme")).toString());
    if (theme != Theme::System)
        setTheme(theme);
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("mainWindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("traceSplitter"), m_traceSplitter->saveState());
    settings.setValue(QStringLiteral("tab"), m_tabs->currentIndex());
    settings.setValue(QStringLiteral("linkDepth"), linkDepth());
    settings.endGroup();
}

// Help -------------------------------------------------------------------

void MainWindow::showShortcuts()
{
    QList<ShortcutsDialog::Row> rows;
    for (QAction *a : m_actionOrder) {
        if (a->shortcuts().isEmpty())
            continue;
        QStringList keys;
        for (const QKeySequence &k : a->shortcuts())
            keys << k.toString(QKeySequence::NativeText);
        rows.append({m_actionGroup[a], a->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                     keys.join(QStringLiteral(", "))});
    }
    // Keys the views handle themselves.
    const QString flame = QStringLiteral("Flame graph");
    rows.append({flame, QStringLiteral("Zoom in / out"), QStringLiteral("W / S, + / -, wheel")});
    rows.append({flame, QStringLiteral("Pan"), QStringLiteral("A / D, Shift+drag, middle drag")});
    rows.append({flame, QStringLiteral("Fit the trace"), QStringLiteral("F, Home")});
    rows.append({flame, QStringLiteral("Parent / first child"), QStringLiteral("Up / Down")});
    rows.append({flame, QStringLiteral("Previous / next sibling"), QStringLiteral("Left / Right")});
    rows.append({flame, QStringLiteral("Zoom to the selected span"), QStringLiteral("Enter, double-click")});
    const QString lanes = QStringLiteral("Lanes");
    rows.append({lanes, QStringLiteral("More / fewer link hops"), QStringLiteral("+ / -")});
    rows.append({lanes, QStringLiteral("Fit the focus trace / show all"), QStringLiteral("F / 0")});
    rows.append({lanes, QStringLiteral("Pan / zoom the time axis"), QStringLiteral("Left / Right, drag, Shift+wheel / Ctrl+wheel")});
    rows.append({lanes, QStringLiteral("Focus the member Next Error selected"), QStringLiteral("Enter")});
    rows.append({QStringLiteral("Trace graph"), QStringLiteral("Zoom / fit"), QStringLiteral("wheel, F")});
    rows.append({QStringLiteral("Span details"), QStringLiteral("Go to the linked span"),
                 QStringLiteral("click the link, Enter")});
    rows.append({QStringLiteral("Window"), QStringLiteral("Back / forward"), QStringLiteral("Mouse back / forward buttons")});
    auto *dialog = new ShortcutsDialog(rows, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::about()
{
    QMessageBox::about(this, QStringLiteral("About Causeway"),
                       QStringLiteral("<h3>Causeway %1</h3>"
                                      "<p>A viewer for OpenTelemetry traces tied together by span links: "
                                      "producers and consumers, batches and their items, retries and the "
                                      "attempts they repeat.</p>"
                                      "<p>Reads OTLP/JSON, JSON Lines and protobuf, plain or compressed.</p>"
                                      "<p>Qt %2, Graphviz for the trace graph.</p>")
                           .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

} // namespace causeway::ui
