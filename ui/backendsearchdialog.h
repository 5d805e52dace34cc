#pragma once
// File > Open from Backend: search a Tempo backend with TraceQL, or a
// Jaeger backend by service, operation, tags and time range; the results
// list root span, service, start and duration; open one or many. The search
// runs off the GUI thread and can be cancelled.

#include "core/backend/backendclient.h"

#include <QDialog>

#include <atomic>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTreeWidget;

namespace causeway::ui {

class BackendSearchDialog : public QDialog
{
    Q_OBJECT
public:
    BackendSearchDialog(std::vector<backend::BackendConfig> backends, QWidget *parent = nullptr);
    ~BackendSearchDialog() override;

    void search();
    // Asks the window to open the selected results.
    void openSelected();
    QTreeWidget *results() const { return m_results; }
    QLineEdit *traceqlEdit() const { return m_traceql; }
    // Shows hits as a finished search would (for tests and screenshots too).
    void showHits(const std::vector<backend::SearchHit> &hits, const QString &status);

signals:
    void openRequested(const causeway::backend::BackendConfig &config, const std::vector<causeway::TraceId> &ids);
    void searchFinished();

private:
    void backendChanged();
    backend::SearchQuery query() const;

    std::vector<backend::BackendConfig> m_backends;
    std::vector<backend::SearchHit> m_hits;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    bool m_searching = false;

    QComboBox *m_backend;
    QStackedWidget *m_pages;
    QLineEdit *m_traceql;
    QLineEdit *m_service;
    QLineEdit *m_operation;
    QLineEdit *m_tags;
    QComboBox *m_range;
    QSpinBox *m_limit;
    QPushButton *m_searchButton;
    QPushButton *m_openButton;
    QTreeWidget *m_results;
    QLabel *m_status;
};

} // namespace causeway::ui
