#pragma once
// File > Receive OTLP…: where to listen and how much to keep.

#include "ui/livecontroller.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace causeway::ui {

class ReceiveDialog : public QDialog
{
    Q_OBJECT
public:
    ReceiveDialog(const ReceiveSettings &settings, QWidget *parent = nullptr);

    ReceiveSettings settings() const;

private:
    void updateWarning();

    QCheckBox *m_http;
    QLineEdit *m_httpAddress;
    QCheckBox *m_grpc;
    QLineEdit *m_grpcAddress;
    QCheckBox *m_allowRemote;
    QLabel *m_warning;
    QSpinBox *m_maxSpans;
    QSpinBox *m_maxTraces;
};

} // namespace causeway::ui
