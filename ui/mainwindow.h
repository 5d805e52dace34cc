#pragma once
// The main window: the trace list on the left, the flame graph of the focus
// trace over the lanes of linked traces (or the trace graph) in the middle,
// the span details on the right, results below. Loading runs on a worker
// thread with progress and cancel in the status bar.

#include "ui/theme.h"

#include <QMainWindow>
#include <QStringList>

#include <map>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QToolButton;

namespace causeway {
class Model;
}

namespace causeway::ui {

class ChainResults;
class ChainTimingStrip;
class CriticalPathOverlay;
class DetailsPanel;
class DiagnosticsDialog;
class FlameGraphWidget;
class GraphView;
class LanesView;
class LinkMapView;
class LoadWorker;
class ResultList;
class SearchPanel;
class Session;
class TraceListPanel;
struct LoadOutcome;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    // With a loader that may already be loading files (the command line's,
    // started before the window): openFiles() with the same files takes
    // over that load instead of starting again. The window owns the loader.
    explicit MainWindow(LoadWorker *loader, QWidget *parent = nullptr);
    ~MainWindow() override;

    enum class View { Flame, Lanes, Graph };

    // Loads files off the GUI thread, replacing what is loaded or adding to it.
    void openFiles(const QStringList &files, bool add = false);
    // The bundled sample traces, offered in the File menu (empty: no entry).
    void setSampleFiles(const QStringList &files);
    const QStringList &loadedFiles() const { return m_files; }
    bool isLoading() const;
    void cancelLoading();

    // The view File > Export View writes: the graph when its tab is shown,
    // otherwise whichever of flame graph and lanes was used last.
    View exportedView() const;
    void showView(View view);
    // Writes the exported view; the format comes from the file's extension.
    // Runs on a worker thread; exportFinished reports the result.
    bool exportView(const QString &path);

    Session *session() const { return m_session; }
    LoadWorker *loadWorker() const { return m_worker; }
    TraceListPanel *traceList() const { return m_traceList; }
    DetailsPanel *details() const { return m_details; }
    SearchPanel *searchPanel() const { return m_search; }
    ResultList *searchResults() const { return m_searchResults; }
    ResultList *chainResultList() const { return m_chainList; }
    ChainResults *chainResults() const { return m_chain; }
    FlameGraphWidget *flameGraph() const { return m_flame; }
    LanesView *lanes() const { return m_lanes; }
    GraphView *graph() const { return m_graph; }
    LinkMapView *linkMap() const { return m_linkMap; }
    ChainTimingStrip *chainTiming() const { return m_chainTiming; }
    CriticalPathOverlay *criticalPath() const { return m_criticalPath; }
    DiagnosticsDialog *diagnosticsDialog() const { return m_diagnostics; }
    QString bannerText() const;
    // The left status bar text: counts, results of the last action.
    QString statusText() const;
    // Go > Go to Trace or Span: any unique prefix of a trace id (and of a span
    // id after '/'). False, with the reason in the status bar, otherwise.
    bool goToReference(const QString &text);
    bool isBannerVisible() const;
    // Actions by their object name ("open", "back", "find", ...).
    QAction *action(const QString &name) const;
    QStringList recentFiles() const;
    QMenu *recentMenu() const { return m_recentMenu; }
    // Menu labels for files: the file name, and where names repeat, as many
    // of the trailing folders as tell them apart ("fanout.json — run1/out").
    static QStringList distinctFileLabels(const QStringList &paths);
    // File > Export View: the dialog's title names the view it writes, and it
    // opens in the folder of the last export.
    QString exportDialogTitle() const;
    QString exportStartPath() const;
    int linkDepth() const;
    void setLinkDepth(int depth);

signals:
    void loadFinished(bool loaded);
    void exportFinished(bool ok, const QString &message);

public slots:
    void showDiagnostics();
    void showShortcuts();

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createViews();
    void createActions();
    void createMenus();
    void createToolBar();
    void createDocks();
    void createStatusBar();
    QAction *addAction(const QString &name, const QString &text, const QKeySequence &shortcut,
                       const QString &group = {});
    QAction *addAction(const QString &name, const QString &text, const QList<QKeySequence> &shortcuts,
                       const QString &group = {});

    void onLoadFinished(const LoadOutcome &outcome);
    void onProgress(double fraction, quint64 spans);
    void updateTitle();
    void updateHistoryActions();
    void updateSpanActions();
    void showBanner(const QString &html, bool error);
    void hideBanner();
    void addRecent(const QStringList &files);
    void rebuildRecentMenu();
    void openDialog(bool add);
    void exportDialog();
    void goToDialog();
    void about();
    bool isDark() const;
    void setTheme(Theme theme);
    void updateStatusCounts();
    void fitToScreen();
    void rememberDockFractions();
    void readSettings();
    void writeSettings() const;

    Session *m_session;
    LoadWorker *m_worker;
    QStringList m_files;
    QStringList m_loadingFiles;
    QStringList m_sampleFiles;

    QTabWidget *m_tabs = nullptr;
    QSplitter *m_traceSplitter = nullptr;
    FlameGraphWidget *m_flame = nullptr;
    LanesView *m_lanes = nullptr;
    GraphView *m_graph = nullptr;
    LinkMapView *m_linkMap = nullptr;
    ChainTimingStrip *m_chainTiming = nullptr;
    CriticalPathOverlay *m_criticalPath = nullptr;
    View m_lastTracePane = View::Lanes;

    QWidget *m_banner = nullptr;
    QLabel *m_bannerLabel = nullptr;
    SearchPanel *m_search = nullptr;

    TraceListPanel *m_traceList = nullptr;
    DetailsPanel *m_details = nullptr;
    ResultList *m_searchResults = nullptr;
    ResultList *m_chainList = nullptr;
    ChainResults *m_chain = nullptr;
    QDockWidget *m_traceDock = nullptr;
    QDockWidget *m_detailsDock = nullptr;
    QDockWidget *m_searchDock = nullptr;
    QDockWidget *m_chainDock = nullptr;
    DiagnosticsDialog *m_diagnostics = nullptr;

    QLabel *m_statusLabel = nullptr;
    QLabel *m_diagnosticsLink = nullptr;
    QProgressBar *m_progress = nullptr;
    QToolButton *m_cancelButton = nullptr;
    QSpinBox *m_depthBox = nullptr;
    QMenu *m_recentMenu = nullptr;
    QToolButton *m_chainButton = nullptr;
    QMenu *m_fileMenu = nullptr;

    std::shared_ptr<const Model> m_loadedModel; // what the last load gave; live data replaces it
    uint64_t m_loadedResolvedLinks = 0;          // its resolved links, counted by the load worker
    QString m_loadNote;                          // " · 12.3 MB read in 40 ms" for that model
    // The side docks' share of the window width, kept across window resizes.
    double m_traceDockFraction = 0.36, m_detailsDockFraction = 0.28;
    int m_dockWidthsForWindow = 0;               // window width the dock fractions were measured at

    std::map<QString, QAction *> m_actions;
    QList<QAction *> m_actionOrder; // for the shortcuts dialog, in menu order
    std::map<QAction *, QString> m_actionGroup;
};

} // namespace causeway::ui
