#include "ui/expanddialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QPushButton>
#include <QFormLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>

namespace causeway::ui {

ExpandDialog::ExpandDialog(const std::vector<backend::BackendConfig> &backends, const QString &traceHex, QWidget *parent)
    : QDialog(parent), m_backends(backends)
{
    setWindowTitle(QStringLiteral("Expand from Backend"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(QStringLiteral("Fetch the traces linked to trace <b>%1</b> that are not loaded, hop by hop.")
                                 .arg(traceHex.left(16)), this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *form = new QFormLayout;
    m_backend = new QComboBox(this);
    for (const auto &b : backends)
        m_backend->addItem(QString::fromStdString(b.name));
    m_upstream = new QSpinBox(this);
    m_upstream->setRange(0, 20);
    m_upstream->setValue(3);
    m_upstream->setSuffix(QStringLiteral(" hops"));
    m_downstream = new QSpinBox(this);
    m_downstream->setRange(0, 20);
    m_downstream->setValue(1);
    m_downstream->setSuffix(QStringLiteral(" hops"));
    m_cap = new QSpinBox(this);
    m_cap->setRange(1, 10000);
    m_cap->setValue(100);
    m_cap->setSuffix(QStringLiteral(" traces"));
    m_inFlight = new QSpinBox(this);
    m_inFlight->setRange(1, 16);
    m_inFlight->setValue(4);
    form->addRow(QStringLiteral("&Backend:"), m_backend);
    form->addRow(QStringLiteral("&Upstream (causes):"), m_upstream);
    form->addRow(QStringLiteral("&Downstream (effects):"), m_downstream);
    form->addRow(QStringLiteral("&Fetch at most:"), m_cap);
    form->addRow(QStringLiteral("Requests at &once:"), m_inFlight);
    layout->addLayout(form);
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    layout->addWidget(m_note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Fetch"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    connect(m_backend, &QComboBox::currentIndexChanged, this, &ExpandDialog::backendChanged);
    backendChanged();
}

void ExpandDialog::backendChanged()
{
    const int i = m_backend->currentIndex();
    const bool tempo = i >= 0 && size_t(i) < m_backends.size() &&
                       m_backends[size_t(i)].kind.value_or(backend::BackendKind::Tempo) == backend::BackendKind::Tempo;
    m_downstream->setEnabled(tempo);
    m_note->setText(tempo ? QStringLiteral("Downstream traces are found with TraceQL's { link:traceID = \"...\" }.")
                          : QStringLiteral("Jaeger cannot search for the traces that link to a trace: only upstream links are followed."));
}

int ExpandDialog::backendIndex() const { return m_backend->currentIndex(); }
uint32_t ExpandDialog::upstreamDepth() const { return uint32_t(m_upstream->value()); }
uint32_t ExpandDialog::downstreamDepth() const { return m_downstream->isEnabled() ? uint32_t(m_downstream->value()) : 0; }
uint32_t ExpandDialog::maxTraces() const { return uint32_t(m_cap->value()); }
uint32_t ExpandDialog::maxInFlight() const { return uint32_t(m_inFlight->value()); }

} // namespace causeway::ui
