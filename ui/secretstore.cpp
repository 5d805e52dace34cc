#include "ui/secretstore.h"

#ifdef CAUSEWAY_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

#include <QPointer>
#include <QTimer>

namespace causeway::ui {

namespace {

const QString kService = QStringLiteral("causeway");

QString keyFor(const QString &name)
{
    return QStringLiteral("backend/") + name;
}

} // namespace

bool SecretStore::keychainAvailable()
{
#ifdef CAUSEWAY_HAVE_QTKEYCHAIN
    // QtKeychain reaches the Secret Service or KWallet over the session bus.
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
#else
    return false;
#endif
}

QString SecretStore::describe(const backend::BackendConfig &config)
{
    if (config.auth == backend::AuthType::None)
        return QStringLiteral("No credentials are sent.");
    const QString what = config.auth == backend::AuthType::Basic ? QStringLiteral("password") : QStringLiteral("token");
    if (config.secretStore == backend::SecretStore::Keychain)
        return QStringLiteral("The %1 is kept in the desktop keychain, never in the settings file.").arg(what);
    const QString var = QString::fromStdString(config.secretEnv.empty() ? config.defaultSecretEnv() : config.secretEnv);
    return QStringLiteral("No desktop keychain: the %1 is read from the environment variable %2 "
                          "(set it before starting Causeway). It is never written to the settings file.")
        .arg(what, var);
}

void SecretStore::read(const QString &backendName, QObject *context, Done done)
{
#ifdef CAUSEWAY_HAVE_QTKEYCHAIN
    auto *job = new QKeychain::ReadPasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(keyFor(backendName));
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done, guard](QKeychain::Job *) {
        if (!guard)
            return;
        if (job->error() != QKeychain::NoError)
            done(false, job->errorString());
        else
            done(true, job->textData());
    });
    job->start();
#else
    Q_UNUSED(backendName);
    QTimer::singleShot(0, context, [done] { done(false, QStringLiteral("this build has no keychain support")); });
#endif
}

void SecretStore::write(const QString &backendName, const QString &secret, QObject *context, Done done)
{
#ifdef CAUSEWAY_HAVE_QTKEYCHAIN
    auto *job = new QKeychain::WritePasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(keyFor(backendName));
    job->setTextData(secret);
    QPointer<QObject> guard(context);
    QObject::connect(job, &QKeychain::Job::finished, context, [job, done, guard](QKeychain::Job *) {
        if (guard)
            done(job->error() == QKeychain::NoError, job->errorString());
    });
    job->start();
#else
    Q_UNUSED(backendName);
    Q_UNUSED(secret);
    QTimer::singleShot(0, context, [done] { done(false, QStringLiteral("this build has no keychain support")); });
#endif
}

void SecretStore::remove(const QString &backendName)
{
#ifdef CAUSEWAY_HAVE_QTKEYCHAIN
    auto *job = new QKeychain::DeletePasswordJob(kService);
    job->setAutoDelete(true);
    job->setKey(keyFor(backendName));
    job->start();
#else
    Q_UNUSED(backendName);
#endif
}

void SecretStore::resolve(backend::BackendConfig config, QObject *context,
                          std::function<void(bool, backend::BackendConfig, const QString &)> done)
{
    if (config.auth == backend::AuthType::None || !config.secret.empty()) {
        QTimer::singleShot(0, context, [config, done] { done(true, config, {}); });
        return;
    }
    if (config.secretStore == backend::SecretStore::Keychain) {
        read(QString::fromStdString(config.name), context, [config, done](bool ok, const QString &value) mutable {
            if (!ok) {
                done(false, config, QStringLiteral("cannot read the secret of backend %1 from the keychain: %2")
                                        .arg(QString::fromStdString(config.name), value));
                return;
            }
            config.secret = value.toStdString();
            done(true, config, {});
        });
        return;
    }
    std::string error;
    const bool ok = config.resolveSecretFromEnvironment(error);
    QTimer::singleShot(0, context, [config, done, ok, error] { done(ok, config, QString::fromStdString(error)); });
}

} // namespace causeway::ui
