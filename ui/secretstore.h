#pragma once
// Where a trace backend's secret (token or password) lives: the desktop
// keychain through QtKeychain when there is one, otherwise an environment
// variable the user sets. Never the settings file.

#include "core/backend/backendconfig.h"

#include <QObject>
#include <QString>

#include <functional>

namespace causeway::ui {

class SecretStore
{
public:
    // Built with QtKeychain and a desktop session bus to reach it.
    static bool keychainAvailable();
    // One line for the settings dialog: where this backend's secret is kept.
    static QString describe(const backend::BackendConfig &config);

    using Done = std::function<void(bool ok, const QString &secretOrError)>;
    // Asynchronous; `done` runs on the GUI thread, never after `context` is gone.
    static void read(const QString &backendName, QObject *context, Done done);
    static void write(const QString &backendName, const QString &secret, QObject *context, Done done);
    static void remove(const QString &backendName);

    // Fills config.secret from wherever it lives, then calls `done`.
    static void resolve(backend::BackendConfig config, QObject *context,
                        std::function<void(bool ok, backend::BackendConfig config, const QString &error)> done);

    // The same, waiting for the answer: for the command line, which needs a
    // QCoreApplication for the keychain. A secret kept in the keychain is
    // read from it when it can be reached; otherwise from the environment
    // variable (config.secretEnv, else config.defaultSecretEnv()), and `note`
    // says so. Messages name the backend and the variable, never the secret.
    static bool resolveNow(backend::BackendConfig &config, QString &error, QString *note = nullptr);
};

} // namespace causeway::ui
