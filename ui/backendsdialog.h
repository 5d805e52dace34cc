#pragma once
// Settings > Trace Backends: the Tempo and Jaeger backends Causeway may
// fetch traces from. Names, kinds, URLs and headers go to the user's
// backends file; secrets go to the desktop keychain when there is one, else
// they are read from an environment variable, and the dialog says which.
// Test connection asks the backend in the form whether it answers.

#include "core/backend/backendconfig.h"

#include <QDialog>
#include <QFuture>

#include <atomic>
#include <memory>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace causeway::ui {

class BackendsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit BackendsDialog(QWidget *parent = nullptr);

    const std::vector<backend::BackendConfig> &backends() const { return m_backends; }
    // Writes the file (and secrets typed in, to the keychain). False with a message box on failure.
    bool save();

    void accept() override;
    ~BackendsDialog() override;

    // Asks the backend shown in the form a question that needs its address,
    // headers and credentials, off the GUI thread; the answer (or the precise
    // error) shows under the button and in connectionTested().
    void testConnection();
    bool isTesting() const { return m_testCancel != nullptr; }

signals:
    void connectionTested(bool ok, const QString &message);

private:
    void runTest(backend::BackendConfig config);
    void showTestResult(bool ok, const QString &message);

    void add();
    void removeCurrent();
    void select(int row);
    void storeForm();   // the form into m_backends[m_current]
    void loadForm();
    void updateSecretNote();

    std::vector<backend::BackendConfig> m_backends;
    std::vector<QString> m_typedSecrets;  // per backend, typed in this dialog (never written to the file)
    int m_current = -1;
    bool m_loading = false;

    QListWidget *m_list;
    QPushButton *m_remove;
    QWidget *m_form;
    QLineEdit *m_name;
    QComboBox *m_kind;
    QLineEdit *m_url;
    QLabel *m_detected;
    QPlainTextEdit *m_headers;
    QComboBox *m_auth;
    QLineEdit *m_user;
    QLineEdit *m_secret;
    QLineEdit *m_secretEnv;
    QLabel *m_secretNote;
    QLabel *m_fileNote;
    QPushButton *m_test;
    QLabel *m_testResult;
    std::shared_ptr<std::atomic<bool>> m_testCancel; // set while a test runs
    QFuture<void> m_testFuture;
};

} // namespace causeway::ui
