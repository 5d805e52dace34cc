#include "ui/backendcontroller.h"

#include "core/live/livemodel.h"
#include "ui/backendsdialog.h"
#include "ui/backendsearchdialog.h"
#include "ui/expanddialog.h"
#include "ui/secretstore.h"
#include "ui/session.h"

#include <QAction>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QToolButton>

namespace causeway::ui {

BackendController::BackendController(Session *session, QWidget *window)
    : QObject(window), m_session(session), m_window(window)
{
    m_openAction = new QAction(QStringLiteral("Open from &Backend..."), this);
    m_openAction->setObjectName(QStringLiteral("openFromBackend"));
    m_openAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+Alt+O")));
    m_openAction->setStatusTip(QStringLiteral("Search a Tempo or Jaeger backend and open traces from it"));
    connect(m_openAction, &QAction::triggered, this, &BackendController::showSearch);

    m_settingsAction = new QAction(QStringLiteral("Trace &Backends..."), this);
    m_settingsAction->setObjectName(QStringLiteral("backendSettings"));
    connect(m_settingsAction, &QAction::triggered, this, &BackendController::showSettings);

    m_expandAction = new QAction(QStringLiteral("E&xpand from Backend..."), this);
    m_expandAction->setObjectName(QStringLiteral("expandFromBackend"));
    m_expandAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+X")));
    m_expandAction->setStatusTip(QStringLiteral("Fetch the traces linked to the focus trace from the backend"));
    connect(m_expandAction, &QAction::triggered, this, &BackendController::expandFocus);

    m_status = new QWidget;
    auto *layout = new QHBoxLayout(m_status);
    layout->setContentsMargins(0, 0, 0, 0);
    m_label = new QLabel(m_status);
    m_bar = new QProgressBar(m_status);
    m_bar->setMaximumWidth(120);
    m_bar->setTextVisible(true);
    m_cancel = new QToolButton(m_status);
    m_cancel->setText(QStringLiteral("Cancel"));
    m_cancel->setToolTip(QStringLiteral("Stop fetching; what arrived is kept"));
    connect(m_cancel, &QToolButton::clicked, this, &BackendController::cancel);
    layout->addWidget(m_label);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    m_bar->hide();
    m_cancel->hide();
    m_label->hide();
    connect(this, &BackendController::progress, this, [this](uint32_t fetched, uint32_t failed, uint32_t queued) {
        if (!m_job)
            return;
        m_bar->setRange(0, int(fetched + failed + queued));
        m_bar->setValue(int(fetched + failed));
        m_bar->setFormat(QStringLiteral("%1 fetched").arg(fetched));
    });
}

BackendController::~BackendController()
{
    if (m_job) {
        m_job->cancel = true;
        if (m_job->thread.joinable())
            m_job->thread.join();
    }
}

QString BackendController::configPath() const
{
    return QString::fromStdString(backend::defaultConfigPath());
}

std::vector<backend::BackendConfig> BackendController::backends() const
{
    std::vector<backend::BackendConfig> out;
    std::string error;
    if (!backend::loadBackends(backend::defaultConfigPath(), out, error))
        out.clear();
    return out;
}

bool BackendController::chooseBackend(backend::BackendConfig &out, const QString &purpose)
{
    const auto all = backends();
    if (all.empty()) {
        QMessageBox::information(m_window, QStringLiteral("No trace backend"),
                                 QStringLiteral("To %1, add a Tempo or Jaeger backend in Settings > Trace Backends.").arg(purpose));
        return false;
    }
    if (all.size() == 1) {
        out = all[0];
        return true;
    }
    QStringList names;
    for (const auto &b : all)
        names << QString::fromStdString(b.name);
    bool ok = false;
    const QString name = QInputDialog::getItem(m_window, QStringLiteral("Trace backend"),
                                               QStringLiteral("Backend to %1:").arg(purpose), names, 0, false, &ok);
    if (!ok)
        return false;
    out = all[size_t(names.indexOf(name))];
    return true;
}

bool BackendController::start(const backend::BackendConfig &config, const Request &request)
{
    if (m_job)
        return false;
    m_job = std::make_shared<Job>(); // reserved while the secret is looked up
    m_focusAfter = request.focusAfter;
    auto job = m_job;
    m_label->setText(QStringLiteral("Fetching %1 from %2...").arg(request.what, QString::fromStdString(config.name)));
    m_label->setToolTip({});
    m_label->show();
    m_bar->setRange(0, 0);
    m_bar->show();
    m_cancel->show();
    QPointer<BackendController> self(this);
    SecretStore::resolve(config, this, [this, self, job, request](bool ok, backend::BackendConfig resolved, const QString &error) {
        if (!self || m_job != job)
            return;
        if (!ok) {
            m_job.reset();
            setIdle(error);
            emit finished(false, error);
            return;
        }
        run(resolved, request);
    });
    return true;
}

void BackendController::run(const backend::BackendConfig &config, const Request &request)
{
    auto job = m_job;
    std::shared_ptr<const Model> base = m_session->model();
    QPointer<BackendController> self(this);
    job->thread = std::thread([self, job, base, config, request] {
        backend::BackendClient client(config);
        std::string message;
        if (!config.kind && client.detectKind(message, &job->cancel) != backend::FetchStatus::Ok) {
            const QString summary = QString::fromStdString(message);
            QMetaObject::invokeMethod(self, [self, job, summary] {
                if (self)
                    self->install(job, nullptr, nullptr, summary, false);
            }, Qt::QueuedConnection);
            return;
        }
        backend::WalkOptions options;
        options.upstreamDepth = request.upstreamDepth;
        options.downstreamDepth = request.downstreamDepth;
        options.maxTraces = request.maxTraces;
        options.maxInFlight = request.maxInFlight;
        options.cancel = &job->cancel;
        options.progress = [self](uint32_t fetched, uint32_t failed, uint32_t queued) {
            QMetaObject::invokeMethod(self, [self, fetched, failed, queued] {
                if (self)
                    emit self->progress(fetched, failed, queued);
            }, Qt::QueuedConnection);
        };
        const Model empty;
        backend::WalkResult walk = backend::walkLinks(client, base ? *base : empty, request.ids, options);

        QStringList lines;
        lines << QStringLiteral("Fetched %1 trace%2 from %3")
                     .arg(walk.traces.size())
                     .arg(walk.traces.size() == 1 ? QString() : QStringLiteral("s"), QString::fromStdString(config.name));
        for (const auto &n : walk.notes)
            lines << QString::fromStdString(n);
        for (const auto &f : walk.failures)
            lines << QString::fromStdString(f.message);
        const bool ok = !walk.traces.empty() || walk.failures.empty();
        // Merging copies the open model: done here, off the GUI thread.
        std::shared_ptr<Model> merged;
        if (!walk.traces.empty() || !walk.failures.empty()) {
            merged = std::make_shared<Model>(base ? live::cloneModel(*base) : Model());
            backend::mergeFetched(*merged, std::move(walk), config.name);
        }
        const QString summary = lines.join(QStringLiteral("\n"));
        QMetaObject::invokeMethod(self, [self, job, base, merged, summary, ok] {
            if (self)
                self->install(job, base, merged, summary, ok);
        }, Qt::QueuedConnection);
    });
}

void BackendController::install(std::shared_ptr<Job> job, std::shared_ptr<const Model> base, std::shared_ptr<Model> merged,
                                const QString &summary, bool ok)
{
    if (job->thread.joinable())
        job->thread.join();
    if (m_job == job)
        m_job.reset();
    QString text = summary;
    if (merged) {
        if (m_session->model() != base) {
            text = QStringLiteral("The open files changed while fetching: the fetched traces were not added. Fetch again.");
            ok = false;
        } else if (!base || base->spanCount() == 0) {
            m_session->setModel(std::move(merged));
        } else {
            m_session->replaceModel(std::move(merged));
        }
        // A clicked link's target: show it (Back returns to where the click was).
        if (m_focusAfter && m_session->model() != base)
            if (const uint32_t t = m_session->model()->findTrace(*m_focusAfter); t != kNone && t != m_session->focusTrace())
                m_session->navigateTo(t);
    }
    m_focusAfter.reset();
    setIdle(text);
    emit finished(ok, text);
}

void BackendController::setIdle(const QString &summary)
{
    m_summary = summary;
    m_bar->hide();
    m_cancel->hide();
    // The first line in the status bar; the rest (cap, failures) in its tooltip.
    const QStringList lines = summary.split(QLatin1Char('\n'));
    QString shown = lines.value(0);
    if (lines.size() > 1)
        shown += QStringLiteral("; ") + lines.value(1);
    m_label->setText(shown);
    m_label->setToolTip(summary);
    m_label->setVisible(!summary.isEmpty());
}

void BackendController::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

void BackendController::fetchLinkTarget(const QString &traceHex)
{
    TraceId id;
    if (parseId(traceHex.toStdString(), id) != IdParse::Ok)
        return;
    backend::BackendConfig config;
    if (isRunning() || !chooseBackend(config, QStringLiteral("fetch the link's target trace")))
        return;
    Request request;
    request.ids = {id};
    request.upstreamDepth = 0; // just the target: following on is one more click, or Expand
    request.focusAfter = id;
    request.what = QStringLiteral("trace %1").arg(traceHex.left(8));
    start(config, request);
}

void BackendController::expandFocus()
{
    if (isRunning())
        return;
    const auto model = m_session->model();
    const uint32_t focus = m_session->focusTrace();
    if (!model || focus == kNone || focus >= model->traces.size()) {
        QMessageBox::information(m_window, QStringLiteral("Expand from Backend"), QStringLiteral("Choose a trace first."));
        return;
    }
    const auto all = backends();
    if (all.empty()) {
        backend::BackendConfig unused;
        chooseBackend(unused, QStringLiteral("expand the trace"));
        return;
    }
    ExpandDialog dialog(all, QString::fromStdString(model->traces[focus].id.hex()), m_window);
    if (dialog.exec() != QDialog::Accepted)
        return;
    Request request;
    request.ids = {model->traces[focus].id};
    request.upstreamDepth = dialog.upstreamDepth();
    request.downstreamDepth = dialog.downstreamDepth();
    request.maxTraces = dialog.maxTraces();
    request.maxInFlight = dialog.maxInFlight();
    request.what = QStringLiteral("links around %1").arg(QString::fromStdString(model->traces[focus].id.hex()).left(8));
    start(all[size_t(dialog.backendIndex())], request);
}

void BackendController::showSettings()
{
    BackendsDialog dialog(m_window);
    dialog.exec();
}

void BackendController::showSearch()
{
    const auto all = backends();
    if (all.empty()) {
        backend::BackendConfig unused;
        chooseBackend(unused, QStringLiteral("open traces from a backend"));
        return;
    }
    auto *dialog = new BackendSearchDialog(all, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &BackendSearchDialog::openRequested, this,
            [this](const backend::BackendConfig &config, const std::vector<TraceId> &ids) {
                Request request;
                request.ids = ids;
                request.what = ids.size() == 1 ? QStringLiteral("trace %1").arg(QString::fromStdString(ids[0].hex()).left(8))
                                               : QStringLiteral("%1 traces").arg(ids.size());
                start(config, request);
            });
    dialog->show();
}

} // namespace causeway::ui
