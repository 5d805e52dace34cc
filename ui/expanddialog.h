#pragma once
// Links > Expand from Backend: which backend, how many hops each way, and
// the cap on traces fetched.

#include "core/backend/backendconfig.h"

#include <QDialog>

#include <vector>

class QComboBox;
class QLabel;
class QSpinBox;

namespace causeway::ui {

class ExpandDialog : public QDialog
{
    Q_OBJECT
public:
    ExpandDialog(const std::vector<backend::BackendConfig> &backends, const QString &traceHex, QWidget *parent = nullptr);

    int backendIndex() const;
    uint32_t upstreamDepth() const;
    uint32_t downstreamDepth() const;
    uint32_t maxTraces() const;
    uint32_t maxInFlight() const;

private:
    void backendChanged();

    std::vector<backend::BackendConfig> m_backends;
    QComboBox *m_backend;
    QSpinBox *m_upstream;
    QSpinBox *m_downstream;
    QSpinBox *m_cap;
    QSpinBox *m_inFlight;
    QLabel *m_note;
};

} // namespace causeway::ui
