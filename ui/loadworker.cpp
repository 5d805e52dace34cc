#include "ui/loadworker.h"

#include "ui/session.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QPointer>
#include <QThread>

#include <chrono>

namespace causeway::ui {

std::vector<std::string> loadPaths(const QStringList &files)
{
    std::vector<std::string> paths;
    for (const QString &f : files)
        paths.push_back(QFile::encodeName(QFileInfo(f).absoluteFilePath()).toStdString());
    return paths;
}

LoadWorker::LoadWorker(QObject *parent)
    : QObject(parent)
{
}

LoadWorker::~LoadWorker()
{
    for (const auto &job : m_jobs)
        job->cancel = true;
    for (const auto &job : m_jobs) {
        job->thread->wait();
        delete job->thread;
    }
}

void LoadWorker::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

const std::vector<std::string> &LoadWorker::files() const
{
    static const std::vector<std::string> none;
    return m_job ? m_job->files : none;
}

void LoadWorker::start(std::vector<std::string> files)
{
    cancel();
    auto job = std::make_shared<Job>();
    job->files = files;
    m_job = job;
    QPointer<LoadWorker> self(this);
    auto hook = m_hook;

    job->thread = QThread::create([self, job, files, hook]() mutable {
        QElapsedTimer timer;
        timer.start();
        auto model = std::make_shared<Model>();
        LoadOptions options;
        options.cancel = &job->cancel;
        options.spansRead = &job->spans;
        options.progress = [self, job, hook](double f) {
            if (hook)
                hook(f);
            const int permille = int(f * 1000);
            if (permille <= job->reported.load())
                return;
            const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::steady_clock::now().time_since_epoch()).count();
            if (f < 1.0 && now < job->quietUntil.load())
                return;
            job->quietUntil = now + 100'000'000;
            job->reported = permille;
            const quint64 spans = job->spans.load(std::memory_order_relaxed);
            QMetaObject::invokeMethod(self.data(), [self, job, f, spans] {
                if (self && self->m_job == job)
                    emit self->progress(f, spans);
            }, Qt::QueuedConnection);
        };
        LoadResult result = loadFiles(files, *model, options);

        LoadOutcome outcome;
        outcome.files = std::move(files);
        outcome.bytesRead = result.bytesRead;
        outcome.milliseconds = timer.elapsed();
        if (result.cancelled || job->cancel) {
            outcome.status = LoadOutcome::Status::Cancelled;
        } else if (!result.ok) {
            outcome.status = LoadOutcome::Status::Failed;
            outcome.error = QString::fromStdString(result.error.text());
        } else {
            outcome.startTrace = Session::busiestTrace(*model);
            for (const Link &l : model->links)
                outcome.resolvedLinks += l.resolved();
            outcome.model = std::move(model);
        }
        QMetaObject::invokeMethod(self.data(), [self, job, outcome] {
            if (!self)
                return;
            if (self->m_job == job) {
                self->m_job.reset();
                emit self->finished(outcome);
            }
        }, Qt::QueuedConnection);
    });
    // The thread object is deleted once it has ended; the destructor waits for
    // threads still running.
    m_jobs.push_back(job);
    connect(job->thread, &QThread::finished, this, [this, job] {
        std::erase(m_jobs, job);
        job->thread->deleteLater();
    });
    job->thread->start();
    emit started();
}

} // namespace causeway::ui
