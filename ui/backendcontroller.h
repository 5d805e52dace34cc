#pragma once
// Trace backends in the main window: the actions (File > Open from Backend,
// Settings > Trace Backends, Links > Expand from Backend, fetching the
// target of an unresolved link), and the fetches themselves, which run off
// the GUI thread with progress and cancel in the status bar. What arrives
// is merged into the open model like another file; links into it resolve.

#include "core/backend/linkwalk.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

class QAction;
class QLabel;
class QProgressBar;
class QToolButton;
class QWidget;

namespace causeway {
class Model;
}

namespace causeway::ui {

class Session;

class BackendController : public QObject
{
    Q_OBJECT
public:
    BackendController(Session *session, QWidget *window);
    // Cancels a running fetch and waits for it.
    ~BackendController() override;

    QAction *openAction() const { return m_openAction; }
    QAction *settingsAction() const { return m_settingsAction; }
    QAction *expandAction() const { return m_expandAction; }
    QWidget *statusWidget() const { return m_status; }

    // The configured backends (secrets not filled in).
    std::vector<backend::BackendConfig> backends() const;
    QString configPath() const;

    struct Request
    {
        std::vector<TraceId> ids;          // traces to fetch (those loaded are walked from)
        uint32_t upstreamDepth = 0;
        uint32_t downstreamDepth = 0;
        uint32_t maxTraces = 100;
        uint32_t maxInFlight = 4;
        QString what;                      // "trace 1234abcd", "links around ..." for the status bar
        std::optional<TraceId> focusAfter; // made the focus once it arrived (a clicked link's target)
    };
    // Starts fetching through `config` (its secret resolved first). Returns
    // false if a fetch is already running.
    bool start(const backend::BackendConfig &config, const Request &request);
    bool isRunning() const { return m_job != nullptr; }
    void cancel();
    // The text the status bar shows after the last fetch (summary and notes).
    QString lastSummary() const { return m_summary; }

public slots:
    // An unresolved link was activated: fetch its target trace.
    void fetchLinkTarget(const QString &traceHex);
    void showSettings();
    void showSearch();
    void expandFocus();

signals:
    void progress(uint32_t fetched, uint32_t failed, uint32_t queued);
    void finished(bool ok, const QString &summary);

private:
    struct Job
    {
        std::atomic<bool> cancel{false};
        std::thread thread;
    };
    // Picks the backend to use: the only one, else asks. False if none.
    bool chooseBackend(backend::BackendConfig &out, const QString &purpose);
    void run(const backend::BackendConfig &config, const Request &request);
    void install(std::shared_ptr<Job> job, std::shared_ptr<const Model> base, std::shared_ptr<Model> merged,
                 const QString &summary, bool ok);
    void setIdle(const QString &summary);

    Session *m_session;
    QWidget *m_window;
    QAction *m_openAction;
    QAction *m_settingsAction;
    QAction *m_expandAction;
    QWidget *m_status;
    QLabel *m_label;
    QProgressBar *m_bar;
    QToolButton *m_cancel;
    std::shared_ptr<Job> m_job;
    std::optional<TraceId> m_focusAfter;
    QString m_summary;
};

} // namespace causeway::ui
