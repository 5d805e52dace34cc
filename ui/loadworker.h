#pragma once
// Loads trace files off the GUI thread. One load at a time: starting another
// cancels the one running, whose result is then dropped.

#include "core/load.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

class QThread;

namespace causeway::ui {

struct LoadOutcome
{
    enum class Status { Loaded, Failed, Cancelled };
    Status status = Status::Loaded;
    std::vector<std::string> files;
    std::shared_ptr<const Model> model;   // set when Loaded
    QString error;                        // LoadError::text() when Failed
    uint64_t bytesRead = 0;
    qint64 milliseconds = 0;
    // Found on the loading thread, so that showing the model takes the GUI
    // thread no pass over its traces or links: where the views start
    // (Session::busiestTrace) and how many links resolved (status bar).
    uint32_t startTrace = kNone;
    uint64_t resolvedLinks = 0;
};

// What LoadWorker::start takes for files a user named: absolute paths in the
// file system's encoding.
std::vector<std::string> loadPaths(const QStringList &files);

class LoadWorker : public QObject
{
    Q_OBJECT
public:
    explicit LoadWorker(QObject *parent = nullptr);
    // Cancels a running load and waits for its thread.
    ~LoadWorker() override;

    void start(std::vector<std::string> files);
    void cancel();
    bool isRunning() const { return m_job != nullptr; }
    // The files of the running load (empty when none runs).
    const std::vector<std::string> &files() const;

    // For tests and benchmarks: called on the loading thread before each
    // progress report (e.g. to slow a load down so cancelling can be seen).
    void setProgressHook(std::function<void(double)> hook) { m_hook = std::move(hook); }

signals:
    void started();
    // `spans`: spans read so far.
    void progress(double fraction, quint64 spans);
    void finished(const causeway::ui::LoadOutcome &outcome);

private:
    struct Job
    {
        std::atomic<bool> cancel{false};
        std::atomic<uint64_t> spans{0};  // spans read so far (LoadOptions::spansRead)
        std::atomic<int> reported{-1};  // last progress in per-mille, to avoid flooding the event loop
        // Steady-clock time (ns) before which no progress is reported but the
        // last: ten a second are enough to read, and each one repaints the
        // status bar on the GUI thread while the load needs both cores.
        std::atomic<int64_t> quietUntil{0};
        QThread *thread = nullptr;
        std::vector<std::string> files;
    };

    std::shared_ptr<Job> m_job;
    std::vector<std::shared_ptr<Job>> m_jobs; // every thread still running, cancelled or not
    std::function<void(double)> m_hook;
};

} // namespace causeway::ui
