#pragma once
// Live data in the GUI: runs the OTLP receivers and the file follower,
// feeds them into a growing model, and hands a fresh snapshot to the
// session a few times a second (merged off the GUI thread), keeping the
// user's place. Offers the File menu actions and a status bar text.

#include "core/live/livemodel.h"

#include <QFuture>
#include <QObject>
#include <QString>

#include <memory>

class QAction;
class QLabel;
class QTimer;
class QWidget;

namespace causeway::live {
class FileFollower;
class GrpcReceiver;
class HttpReceiver;
}

namespace causeway::ui {

class Session;

struct ReceiveSettings
{
    bool http = true;
    QString httpAddress = QStringLiteral("127.0.0.1:4318");
    bool grpc = true;
    QString grpcAddress = QStringLiteral("127.0.0.1:4317");
    bool allowRemote = false;          // needed for any address but loopback
    uint64_t maxSpans = 2'000'000;     // retention cap, 0: none
    uint64_t maxTraces = 0;
};

class LiveController : public QObject
{
    Q_OBJECT
public:
    LiveController(Session *session, QWidget *dialogParent);
    ~LiveController() override;

    // File > Receive OTLP… (checkable: unchecking stops) and File > Follow File….
    QAction *receiveAction() const { return m_receiveAction; }
    QAction *followAction() const { return m_followAction; }
    // A label for the status bar, hidden while nothing live runs.
    QLabel *statusLabel() const { return m_status; }

    bool startReceiving(const ReceiveSettings &settings, QString &error);
    void stopReceiving();
    bool isReceiving() const;
    void follow(const QString &path);
    void stopFollowing();
    bool isFollowing() const;
    void setRetention(const live::Retention &retention);

    const ReceiveSettings &settings() const { return m_settings; }
    QString statusText() const;
    // Merges what arrived now instead of at the next tick (tests, benchmarks).
    void publishNow();
    live::LiveStats stats() const { return m_live.stats(); }
    // GUI-thread time of the last hand-over of a snapshot to the session
    // (the views' updates included), in milliseconds.
    double lastInstallMs() const { return m_lastInstallMs; }
    // The bound ports (0 when that receiver is not running).
    uint16_t httpPort() const;
    uint16_t grpcPort() const;

signals:
    void statusChanged(const QString &text);
    // A new snapshot was handed to the session.
    void published();
    void receivingChanged(bool receiving);

private:
    void onReceiveTriggered(bool checked);
    void onFollowTriggered();
    void tick();
    void ensureSeeded();
    void install();
    void updateStatus();

    Session *m_session;
    QWidget *m_dialogParent;
    live::LiveModel m_live;
    std::unique_ptr<live::HttpReceiver> m_http;
    std::unique_ptr<live::GrpcReceiver> m_grpc;
    std::unique_ptr<live::FileFollower> m_follower;
    ReceiveSettings m_settings;
    QAction *m_receiveAction = nullptr;
    QAction *m_followAction = nullptr;
    QLabel *m_status = nullptr;
    QTimer *m_timer = nullptr;
    bool m_publishing = false;
    QFuture<std::shared_ptr<const Model>> m_future;
    bool m_seeded = false;
    std::shared_ptr<const Model> m_installed;   // the last snapshot handed to the session
    uint64_t m_lastReceived = 0;
    qint64 m_lastTickMs = 0;
    double m_rate = 0;
    double m_lastInstallMs = 0;
};

} // namespace causeway::ui
