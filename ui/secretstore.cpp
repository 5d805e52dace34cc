#include "ui/secretstore.h"

#ifdef CAUSEWAY_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

#include <QCoreApplication>
#include <QEventLoop>
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

bool SecretStore::resolveNow(backend::BackendConfig &config, QString &error, QString *note)
{
    if (config.auth == backend::AuthType::None || !config.secret.empty())
        return true;
    const QString name = QString::fromStdString(config.name);
    const QString what = config.auth == backend::AuthType::Basic ? QStringLiteral("password") : QStringLiteral("token");
    QString keychainError;
    if (config.secretStore == backend::SecretStore::Keychain) {
        if (keychainAvailable() && QCoreApplication::instance()) {
            QEventLoop loop;
            bool ok = false, answered = false;
            QString value;
            read(name, &loop, [&](bool readOk, const QString &text) {
                ok = readOk;
                value = text;
                answered = true;
                loop.quit();
            });
            // A keychain that never answers (a locked wallet waiting for a
            // password prompt nobody sees) must not hang a script.
            QTimer::singleShot(15000, &loop, &QEventLoop::quit);
            if (!answered)
                loop.exec();
            if (ok && !value.isEmpty()) {
                config.secret = value.toStdString();
                return true;
            }
            keychainError = answered ? (ok ? QStringLiteral("it holds no %1 for this backend").arg(what) : value)
                                     : QStringLiteral("it did not answer within 15 s");
        } else {
            keychainError = QStringLiteral("no desktop keychain can be reached here (no session bus)");
        }
        // The environment is the fallback the settings dialog names too.
        config.secretStore = backend::SecretStore::Environment;
    }
    const std::string var = config.secretEnv.empty() ? config.defaultSecretEnv() : config.secretEnv;
    std::string envError;
    if (!config.resolveSecretFromEnvironment(envError)) {
        error = keychainError.isEmpty()
            ? QString::fromStdString(envError)
            : QStringLiteral("backend %1 keeps its %2 in the desktop keychain, but %3; set the environment variable %4 "
                             "to the %2, or give another variable with --bearer-env / --password-env")
                  .arg(name, what, keychainError, QString::fromStdString(var));
        return false;
    }
    if (note && !keychainError.isEmpty())
        *note = QStringLiteral("the %1 of backend %2 is read from the environment variable %3: %4")
                    .arg(what, name, QString::fromStdString(var), keychainError);
    return true;
}

} // namespace causeway::ui
