#include "ui/backendsdialog.h"

#include "ui/secretstore.h"

#include "core/backend/backendclient.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QtConcurrent/QtConcurrentRun>
#include <QVBoxLayout>

namespace causeway::ui {

namespace {

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

BackendsDialog::BackendsDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(QStringLiteral("Trace Backends"));
    resize(780, 580); // room for the secret note and the Test Connection answer
    std::string error;
    if (!backend::loadBackends(backend::defaultConfigPath(), m_backends, error))
        QMessageBox::warning(this, QStringLiteral("Trace Backends"), qs(error));
    m_typedSecrets.resize(m_backends.size());

    auto *outer = new QVBoxLayout(this);
    auto *body = new QHBoxLayout;
    outer->addLayout(body);

    auto *left = new QVBoxLayout;
    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("backendList"));
    left->addWidget(m_list);
    auto *buttons = new QHBoxLayout;
    auto *addButton = new QPushButton(QStringLiteral("&Add"), this);
    m_remove = new QPushButton(QStringLiteral("&Remove"), this);
    buttons->addWidget(addButton);
    buttons->addWidget(m_remove);
    left->addLayout(buttons);
    body->addLayout(left, 1);

    m_form = new QWidget(this);
    auto *form = new QFormLayout(m_form);
    m_name = new QLineEdit(m_form);
    m_kind = new QComboBox(m_form);
    m_kind->addItem(QStringLiteral("Detect from the URL or the server"));
    for (auto k : {backend::BackendKind::Tempo, backend::BackendKind::JaegerV3, backend::BackendKind::JaegerV1})
        m_kind->addItem(QString::fromLatin1(backend::kindTitle(k)), int(k));
    m_url = new QLineEdit(m_form);
    m_url->setPlaceholderText(QStringLiteral("http://tempo:3200 or http://jaeger:16686"));
    m_detected = new QLabel(m_form);
    m_headers = new QPlainTextEdit(m_form);
    m_headers->setPlaceholderText(QStringLiteral("X-Scope-OrgID: team-a"));
    m_headers->setMaximumHeight(70);
    m_auth = new QComboBox(m_form);
    m_auth->addItems({QStringLiteral("None"), QStringLiteral("Bearer token"), QStringLiteral("Basic (user and password)")});
    m_user = new QLineEdit(m_form);
    m_secret = new QLineEdit(m_form);
    m_secret->setEchoMode(QLineEdit::Password);
    m_secretEnv = new QLineEdit(m_form);
    m_secretNote = new QLabel(m_form);
    m_secretNote->setWordWrap(true);
    m_secretNote->setObjectName(QStringLiteral("secretNote"));
    form->addRow(QStringLiteral("&Name:"), m_name);
    form->addRow(QStringLiteral("&Kind:"), m_kind);
    form->addRow(QStringLiteral("Base &URL:"), m_url);
    form->addRow(QString(), m_detected);
    form->addRow(QStringLiteral("Extra &headers:"), m_headers);
    form->addRow(QStringLiteral("&Credentials:"), m_auth);
    form->addRow(QStringLiteral("&User:"), m_user);
    form->addRow(QStringLiteral("&Secret:"), m_secret);
    form->addRow(QStringLiteral("&Environment variable:"), m_secretEnv);
    form->addRow(QString(), m_secretNote);
    m_test = new QPushButton(QStringLiteral("&Test Connection"), m_form);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_test->setToolTip(QStringLiteral("Ask the backend a question that needs its URL, headers and credentials"));
    m_testResult = new QLabel(m_form);
    m_testResult->setObjectName(QStringLiteral("connectionResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_test);
    form->addRow(QString(), m_testResult);
    connect(m_test, &QPushButton::clicked, this, &BackendsDialog::testConnection);
    body->addWidget(m_form, 2);

    m_fileNote = new QLabel(QStringLiteral("Saved in %1 (no secrets).").arg(qs(backend::defaultConfigPath())), this);
    m_fileNote->setWordWrap(true);
    outer->addWidget(m_fileNote);
    auto *box = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(box, &QDialogButtonBox::accepted, this, &BackendsDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &QDialog::reject);
    outer->addWidget(box);

    for (const auto &b : m_backends)
        m_list->addItem(qs(b.name));
    connect(addButton, &QPushButton::clicked, this, &BackendsDialog::add);
    connect(m_remove, &QPushButton::clicked, this, &BackendsDialog::removeCurrent);
    connect(m_list, &QListWidget::currentRowChanged, this, &BackendsDialog::select);
    auto changed = [this] {
        if (m_loading)
            return;
        storeForm();
        updateSecretNote();
    };
    for (QLineEdit *e : {m_name, m_url, m_user, m_secret, m_secretEnv})
        connect(e, &QLineEdit::textEdited, this, changed);
    connect(m_headers, &QPlainTextEdit::textChanged, this, changed);
    connect(m_kind, &QComboBox::currentIndexChanged, this, changed);
    connect(m_auth, &QComboBox::currentIndexChanged, this, changed);
    if (m_backends.empty())
        add();
    else
        m_list->setCurrentRow(0);
}

void BackendsDialog::add()
{
    backend::BackendConfig b;
    b.name = "backend " + std::to_string(m_backends.size() + 1);
    b.baseUrl = "http://localhost:3200";
    b.kind = backend::BackendKind::Tempo;
    b.secretStore = SecretStore::keychainAvailable() ? backend::SecretStore::Keychain : backend::SecretStore::Environment;
    m_backends.push_back(b);
    m_typedSecrets.emplace_back();
    m_list->addItem(qs(b.name));
    m_list->setCurrentRow(int(m_backends.size()) - 1);
}

void BackendsDialog::removeCurrent()
{
    const int row = m_list->currentRow();
    if (row < 0)
        return;
    m_current = -1;
    m_backends.erase(m_backends.begin() + row);
    m_typedSecrets.erase(m_typedSecrets.begin() + row);
    delete m_list->takeItem(row);
    select(m_list->currentRow());
}

void BackendsDialog::select(int row)
{
    if (!m_testCancel)
        m_testResult->clear();
    m_current = row;
    m_form->setEnabled(row >= 0);
    m_remove->setEnabled(row >= 0);
    loadForm();
}

BackendsDialog::~BackendsDialog()
{
    // The request honours cancel: the wait is short.
    if (m_testCancel) {
        *m_testCancel = true;
        m_testFuture.waitForFinished();
    }
}

void BackendsDialog::testConnection()
{
    if (m_testCancel || m_current < 0 || size_t(m_current) >= m_backends.size())
        return;
    storeForm();
    backend::BackendConfig config = m_backends[size_t(m_current)];
    if (config.baseUrl.empty()) {
        showTestResult(false, QStringLiteral("Give the backend a URL first."));
        return;
    }
    m_testCancel = std::make_shared<std::atomic<bool>>(false);
    m_test->setEnabled(false);
    m_test->setText(QStringLiteral("Testing..."));
    m_testResult->setText(QStringLiteral("Asking %1...").arg(qs(backend::redactUrl(config.baseUrl))));
    m_testResult->setStyleSheet(QString());
    // A secret typed here and not yet saved is what the user means to test.
    if (!m_typedSecrets[size_t(m_current)].isEmpty())
        config.secret = m_typedSecrets[size_t(m_current)].toStdString();
    const auto cancel = m_testCancel;
    SecretStore::resolve(config, this, [this, cancel](bool ok, backend::BackendConfig resolved, const QString &error) {
        if (cancel != m_testCancel)
            return;
        if (!ok) {
            showTestResult(false, error);
            return;
        }
        runTest(std::move(resolved));
    });
}

void BackendsDialog::runTest(backend::BackendConfig config)
{
    const auto cancel = m_testCancel;
    QPointer<BackendsDialog> self(this);
    m_testFuture = QtConcurrent::run([self, cancel, config = std::move(config)] {
        backend::BackendClient client(config);
        const backend::ConnectionCheck check = client.checkConnection(cancel.get());
        const bool ok = check.status == backend::FetchStatus::Ok;
        const QString message = QString::fromStdString(check.message);
        QMetaObject::invokeMethod(self, [self, cancel, ok, message] {
            if (self && self->m_testCancel == cancel)
                self->showTestResult(ok, message);
        }, Qt::QueuedConnection);
    });
}

void BackendsDialog::showTestResult(bool ok, const QString &message)
{
    m_testCancel.reset();
    m_test->setEnabled(true);
    m_test->setText(QStringLiteral("&Test Connection"));
    m_testResult->setText((ok ? QStringLiteral("\u2714 ") : QStringLiteral("\u2716 ")) + message);
    m_testResult->setStyleSheet(ok ? QStringLiteral("color: #2e7d32;") : QStringLiteral("color: #c62828;"));
    emit connectionTested(ok, message);
}

void BackendsDialog::loadForm()
{
    if (m_current < 0 || size_t(m_current) >= m_backends.size())
        return;
    m_loading = true;
    const auto &b = m_backends[size_t(m_current)];
    m_name->setText(qs(b.name));
    m_kind->setCurrentIndex(b.kind ? m_kind->findData(int(*b.kind)) : 0);
    m_url->setText(qs(b.baseUrl));
    QStringList headers;
    for (const auto &[k, v] : b.headers)
        headers << qs(k) + QStringLiteral(": ") + qs(v);
    m_headers->setPlainText(headers.join(QLatin1Char('\n')));
    m_auth->setCurrentIndex(int(b.auth));
    m_user->setText(qs(b.user));
    m_secret->setText(m_typedSecrets[size_t(m_current)]);
    m_secretEnv->setText(qs(b.secretEnv.empty() ? b.defaultSecretEnv() : b.secretEnv));
    m_loading = false;
    updateSecretNote();
}

void BackendsDialog::storeForm()
{
    if (m_current < 0 || size_t(m_current) >= m_backends.size())
        return;
    auto &b = m_backends[size_t(m_current)];
    b.name = m_name->text().trimmed().toStdString();
    b.baseUrl = m_url->text().trimmed().toStdString();
    const QVariant kind = m_kind->currentData();
    b.kind = kind.isValid() ? std::optional(backend::BackendKind(kind.toInt())) : std::nullopt;
    b.headers.clear();
    for (const QString &line : m_headers->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        std::pair<std::string, std::string> h;
        if (backend::parseHeader(line.trimmed().toStdString(), h))
            b.headers.push_back(h);
    }
    b.auth = backend::AuthType(m_auth->currentIndex());
    b.user = m_user->text().toStdString();
    b.secretEnv = m_secretEnv->text().trimmed().toStdString();
    b.secretStore = SecretStore::keychainAvailable() ? backend::SecretStore::Keychain : backend::SecretStore::Environment;
    m_typedSecrets[size_t(m_current)] = m_secret->text();
    if (auto *item = m_list->item(m_current))
        item->setText(m_name->text());
}

void BackendsDialog::updateSecretNote()
{
    if (m_current < 0 || size_t(m_current) >= m_backends.size())
        return;
    const auto &b = m_backends[size_t(m_current)];
    const bool auth = b.auth != backend::AuthType::None;
    const bool keychain = b.secretStore == backend::SecretStore::Keychain;
    m_user->setEnabled(b.auth == backend::AuthType::Basic);
    m_secret->setEnabled(auth && keychain);
    m_secret->setPlaceholderText(keychain ? QStringLiteral("typed here, kept in the keychain")
                                          : QStringLiteral("no keychain: use the environment variable below"));
    m_secretEnv->setEnabled(auth && !keychain);
    m_secretNote->setText(SecretStore::describe(b));
    std::string url = b.baseUrl;
    const auto detected = backend::detectKindFromUrl(url);
    m_detected->setVisible(!b.kind);
    m_detected->setText(b.kind ? QString()
                               : detected ? QStringLiteral("Detected from the URL: %1").arg(QString::fromLatin1(backend::kindTitle(*detected)))
                                          : QStringLiteral("The server will be asked what it is."));
}

bool BackendsDialog::save()
{
    storeForm();
    for (size_t i = 0; i < m_backends.size(); ++i) {
        if (m_backends[i].name.empty() || m_backends[i].baseUrl.empty()) {
            QMessageBox::warning(this, QStringLiteral("Trace Backends"), QStringLiteral("Every backend needs a name and a URL."));
            return false;
        }
        for (size_t j = 0; j < i; ++j)
            if (m_backends[j].name == m_backends[i].name) {
                QMessageBox::warning(this, QStringLiteral("Trace Backends"),
                                     QStringLiteral("Two backends are named %1.").arg(qs(m_backends[i].name)));
                return false;
            }
    }
    std::string error;
    if (!backend::saveBackends(backend::defaultConfigPath(), m_backends, error)) {
        QMessageBox::warning(this, QStringLiteral("Trace Backends"), qs(error));
        return false;
    }
    for (size_t i = 0; i < m_backends.size(); ++i) {
        const auto &b = m_backends[i];
        if (b.secretStore != backend::SecretStore::Keychain || m_typedSecrets[i].isEmpty())
            continue;
        SecretStore::write(qs(b.name), m_typedSecrets[i], parentWidget() ? parentWidget() : this,
                           [name = qs(b.name), w = parentWidget()](bool ok, const QString &message) {
                               if (!ok)
                                   QMessageBox::warning(w, QStringLiteral("Trace Backends"),
                                                        QStringLiteral("The secret of %1 could not be stored in the keychain: %2")
                                                            .arg(name, message));
                           });
    }
    return true;
}

void BackendsDialog::accept()
{
    if (save())
        QDialog::accept();
}

} // namespace causeway::ui
