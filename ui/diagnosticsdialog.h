#pragma once
// The problems met while loading: one row per kind (severity, code, count,
// and the first several places it occurred, one per line). Non-modal, so the user can keep looking at the data.

#include "core/model.h"

#include <QDialog>

class QTableWidget;

namespace causeway::ui {

class DiagnosticsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit DiagnosticsDialog(QWidget *parent = nullptr);

    void setDiagnostics(const Diagnostics &diagnostics);
    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
};

} // namespace causeway::ui
