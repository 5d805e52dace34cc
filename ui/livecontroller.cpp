#include "ui/livecontroller.h"

#include "core/live/follower.h"
#include "core/live/grpcreceiver.h"
#include "core/live/httpreceiver.h"
#include "ui/receivedialog.h"
#include "ui/session.h"

#include <QAction>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

namespace causeway::ui {

namespace {
// Snapshots a few times a second: often enough to feel live, rarely enough
// that merging never competes with painting.
constexpr int kTickMs = 400;
}

LiveController::LiveController(Session *session, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_session(session)
    , m_dialogParent(dialogParent)
{
    m_receiveAction = new QAction(QStringLiteral("Receive &OTLP…"), this);
    m_receiveAction->setObjectName(QStringLiteral("receiveOtlp"));
    m_receiveAction->setCheckable(true);
    m_receiveAction->setStatusTip(QStringLiteral("Receive traces from running services over OTLP/HTTP and OTLP/gRPC"));
    connect(m_receiveAction, &QAction::triggered, this, &LiveController::onReceiveTriggered);
    m_followAction = new QAction(QStringLiteral("&Follow File…"), this);
    m_followAction->setObjectName(QStringLiteral("followFile"));
    m_followAction->setCheckable(true);
    m_followAction->setStatusTip(QStringLiteral("Keep reading a JSON Lines file another process appends to"));
    connect(m_followAction, &QAction::triggered, this, &LiveController::onFollowTriggered);
    m_status = new QLabel(dialogParent);
    m_status->setObjectName(QStringLiteral("liveStatus"));
    m_status->hide();
    // Files opened while live data arrives: keep receiving on top of them.
    connect(m_session, &Session::modelChanged, this, [this] {
        if (m_seeded && m_session->model() != m_installed) {
            m_live.rebase(m_session->model());
            m_installed = m_session->model();
        }
    });
    m_timer = new QTimer(this);
    m_timer->setInterval(kTickMs);
    connect(m_timer, &QTimer::timeout, this, &LiveController::tick);
}

LiveController::~LiveController()
{
    m_timer->stop();
    m_future.waitForFinished();
    // Receivers call into m_live; stop them before it goes.
    m_http.reset();
    m_grpc.reset();
    m_follower.reset();
}

bool LiveController::isReceiving() const
{
    return m_http || m_grpc;
}

bool LiveController::isFollowing() const
{
    return bool(m_follower);
}

void LiveController::ensureSeeded()
{
    if (m_seeded)
        return;
    m_seeded = true;
    // What is already open stays: live data is added to it.
    if (const auto &current = m_session->model(); current && current->spanCount()) {
        m_live.rebase(current);
        m_installed = current;
    }
}

bool LiveController::startReceiving(const ReceiveSettings &settings, QString &error)
{
    stopReceiving();
    live::HttpOptions http;
    live::GrpcOptions grpc;
    auto parse = [&](bool enabled, const QString &text, std::string &host, uint16_t &port, const char *what) {
        if (!enabled)
            return true;
        if (!live::parseEndpoint(text.trimmed().toStdString(), host, port)) {
            error = QStringLiteral("%1 address \"%2\" is not ADDRESS:PORT.").arg(QLatin1String(what), text);
            return false;
        }
        if (!live::isLoopback(host) && !settings.allowRemote) {
            error = QStringLiteral("%1 address %2 is not this machine only; allow connections from other machines to use it.")
                        .arg(QLatin1String(what), text);
            return false;
        }
        return true;
    };
    if (!parse(settings.http, settings.httpAddress, http.host, http.port, "OTLP/HTTP")
        || !parse(settings.grpc, settings.grpcAddress, grpc.host, grpc.port, "OTLP/gRPC"))
        return false;
    if (!settings.http && !settings.grpc) {
        error = QStringLiteral("Choose OTLP/HTTP, OTLP/gRPC or both.");
        return false;
    }
    ensureSeeded();
    setRetention({settings.maxSpans, settings.maxTraces});
    auto handler = [this](Model &&fragment) { m_live.add(std::move(fragment)); };
    std::string message;
    if (settings.http) {
        m_http = std::make_unique<live::HttpReceiver>(http, handler);
        if (!m_http->start(message)) {
            m_http.reset();
            error = QString::fromStdString(message);
            return false;
        }
    }
    if (settings.grpc) {
        m_grpc = std::make_unique<live::GrpcReceiver>(grpc, handler);
        if (!m_grpc->start(message)) {
            m_grpc.reset();
            m_http.reset();
            error = QString::fromStdString(message);
            return false;
        }
    }
    m_settings = settings;
    m_lastTickMs = QDateTime::currentMSecsSinceEpoch();
    m_lastReceived = m_live.stats().spansReceived;
    m_timer->start();
    m_receiveAction->setChecked(true);
    updateStatus();
    emit receivingChanged(true);
    return true;
}

void LiveController::stopReceiving()
{
    if (!isReceiving())
        return;
    m_http.reset();
    m_grpc.reset();
    m_receiveAction->setChecked(false);
    if (!m_follower)
        m_timer->stop();
    tick();
    updateStatus();
    emit receivingChanged(false);
}

void LiveController::follow(const QString &path)
{
    stopFollowing();
    ensureSeeded();
    m_follower = std::make_unique<live::FileFollower>(path.toStdString(), [this](Model &&fragment) {
        m_live.add(std::move(fragment));
    });
    m_follower->start();
    m_followAction->setChecked(true);
    m_lastTickMs = QDateTime::currentMSecsSinceEpoch();
    m_timer->start();
    updateStatus();
}

void LiveController::stopFollowing()
{
    if (!m_follower)
        return;
    m_follower.reset();
    m_followAction->setChecked(false);
    if (!isReceiving())
        m_timer->stop();
    tick();
    updateStatus();
}

void LiveController::setRetention(const live::Retention &retention)
{
    m_live.setRetention(retention);
    m_settings.maxSpans = retention.maxSpans;
    m_settings.maxTraces = retention.maxTraces;
}

void LiveController::onReceiveTriggered(bool checked)
{
    if (!checked) {
        stopReceiving();
        return;
    }
    m_receiveAction->setChecked(false);
    ReceiveDialog dialog(m_settings, m_dialogParent);
    while (dialog.exec() == QDialog::Accepted) {
        QString error;
        if (startReceiving(dialog.settings(), error))
            return;
        QMessageBox::warning(m_dialogParent, QStringLiteral("Receive OTLP"), error);
    }
}

void LiveController::onFollowTriggered()
{
    if (m_follower) {
        stopFollowing();
        return;
    }
    m_followAction->setChecked(false);
    const QString path = QFileDialog::getOpenFileName(m_dialogParent, QStringLiteral("Follow File"), QString(),
        QStringLiteral("JSON Lines (*.jsonl *.json *.ndjson);;All files (*)"));
    if (!path.isEmpty())
        follow(path);
}

uint16_t LiveController::httpPort() const
{
    return m_http ? m_http->port() : 0;
}

uint16_t LiveController::grpcPort() const
{
    return m_grpc ? m_grpc->port() : 0;
}

void LiveController::publishNow()
{
    m_future.waitForFinished();
    m_live.publish();
    install();
}

void LiveController::install()
{
    live::Published next = m_live.take();
    if (!next.model || next.model == m_installed)
        return;
    QElapsedTimer clock;
    clock.start();
    const bool first = !m_installed;
    m_installed = next.model;
    // The previous snapshot is released here, on the GUI thread, at no
    // cost: the live model keeps it to catch up with this step later.
    if (first && m_session->model() && m_session->model()->spanCount() == 0)
        m_session->setModel(std::move(next.model));
    else
        m_session->replaceModel(std::move(next.model), next.changes);
    m_lastInstallMs = double(clock.nsecsElapsed()) / 1e6;
    emit published();
}

void LiveController::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const uint64_t received = m_live.stats().spansReceived;
    if (now > m_lastTickMs) {
        const double rate = double(received - m_lastReceived) * 1000.0 / double(now - m_lastTickMs);
        // Smoothed so the figure is readable while it changes.
        m_rate = m_rate * 0.5 + rate * 0.5;
    }
    m_lastTickMs = now;
    m_lastReceived = received;
    updateStatus();
    if (m_publishing || (m_live.pendingSpans() == 0 && m_installed == m_live.snapshot() && m_installed))
        return;
    // One merge at a time: what arrives meanwhile goes into the next one, so
    // a large model gets fewer, bigger merges instead of falling behind.
    m_publishing = true;
    auto *watcher = new QFutureWatcher<std::shared_ptr<const Model>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_publishing = false;
        // The newest snapshot, in case publishNow() made one meanwhile.
        install();
        updateStatus();
    });
    m_future = QtConcurrent::run([this] { return m_live.publish(); });
    watcher->setFuture(m_future);
}

QString LiveController::statusText() const
{
    if (!isReceiving() && !m_follower)
        return {};
    const QLocale locale;
    QStringList parts;
    if (m_http)
        parts << QStringLiteral("OTLP/HTTP %1").arg(QString::fromStdString(m_http->endpoint()));
    if (m_grpc)
        parts << QStringLiteral("OTLP/gRPC %1").arg(QString::fromStdString(m_grpc->endpoint()));
    if (m_follower)
        parts << QStringLiteral("following %1").arg(QFileInfo(QString::fromStdString(m_follower->path())).fileName());
    const auto stats = m_live.stats();
    QString text = parts.join(QStringLiteral(", ")) + QStringLiteral(" · %1 spans/s · %2 spans kept")
        .arg(locale.toString(qint64(m_rate + 0.5)), locale.toString(qint64(stats.retainedSpans)));
    if (stats.droppedTraces)
        text += QStringLiteral(" · %1 oldest traces (%2 spans) dropped")
                    .arg(locale.toString(qint64(stats.droppedTraces)), locale.toString(qint64(stats.droppedSpans)));
    const bool remote = (m_http && !live::isLoopback(m_http->endpoint().substr(7, m_http->endpoint().rfind(':') - 7)))
        || (m_grpc && !live::isLoopback(m_grpc->endpoint().substr(0, m_grpc->endpoint().rfind(':'))));
    if (remote)
        text += QStringLiteral(" · open to other machines");
    return text;
}

void LiveController::updateStatus()
{
    const QString text = statusText();
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    emit statusChanged(text);
}

} // namespace causeway::ui
