#include "ui/receivedialog.h"

#include "core/live/livemodel.h"
#include "core/live/otlpdecode.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

ReceiveDialog::ReceiveDialog(const ReceiveSettings &settings, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(QStringLiteral("Receive OTLP"));
    auto *form = new QFormLayout;
    m_http = new QCheckBox(QStringLiteral("OTLP/HTTP"), this);
    m_http->setChecked(settings.http);
    m_httpAddress = new QLineEdit(settings.httpAddress, this);
    m_httpAddress->setObjectName(QStringLiteral("httpAddress"));
    form->addRow(m_http, m_httpAddress);
    m_grpc = new QCheckBox(QStringLiteral("OTLP/gRPC"), this);
    m_grpc->setChecked(settings.grpc);
    m_grpcAddress = new QLineEdit(settings.grpcAddress, this);
    m_grpcAddress->setObjectName(QStringLiteral("grpcAddress"));
    form->addRow(m_grpc, m_grpcAddress);
    m_allowRemote = new QCheckBox(QStringLiteral("Allow connections from other machines"), this);
    m_allowRemote->setObjectName(QStringLiteral("allowRemote"));
    m_allowRemote->setChecked(settings.allowRemote);
    form->addRow(QString(), m_allowRemote);
    m_warning = new QLabel(this);
    m_warning->setObjectName(QStringLiteral("remoteWarning"));
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("color: #b00020;"));
    form->addRow(QString(), m_warning);

    // Counted in spans, digits grouped ("2,000,000 spans"); the arrows step by 100,000.
    m_maxSpans = new QSpinBox(this);
    m_maxSpans->setObjectName(QStringLiteral("maxSpans"));
    m_maxSpans->setRange(0, 2'000'000'000);
    m_maxSpans->setSingleStep(100'000);
    m_maxSpans->setGroupSeparatorShown(true);
    m_maxSpans->setSuffix(QStringLiteral(" spans"));
    m_maxSpans->setSpecialValueText(QStringLiteral("no limit"));
    m_maxSpans->setValue(int(std::min<uint64_t>(settings.maxSpans, 2'000'000'000)));
    form->addRow(QStringLiteral("Keep at most"), m_maxSpans);
    m_maxTraces = new QSpinBox(this);
    m_maxTraces->setObjectName(QStringLiteral("maxTraces"));
    m_maxTraces->setRange(0, 100'000'000);
    m_maxTraces->setSingleStep(1'000);
    m_maxTraces->setGroupSeparatorShown(true);
    m_maxTraces->setSuffix(QStringLiteral(" traces"));
    m_maxTraces->setSpecialValueText(QStringLiteral("no limit"));
    m_maxTraces->setValue(int(settings.maxTraces));
    form->addRow(QStringLiteral("and at most"), m_maxTraces);
    // The low watermark the live model drops down to (live::Retention).
    const int keptPercent = int(std::lround(100.0 * (1.0 - live::Retention{}.headroom)));
    auto *note = new QLabel(QStringLiteral("Past either limit the oldest traces are dropped, down to %1% of it, "
                                           "so that dropping happens now and then rather than on every refresh.")
                                .arg(keptPercent),
                            this);
    note->setWordWrap(true);
    form->addRow(QString(), note);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(QStringLiteral("Start"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    for (auto *edit : {m_httpAddress, m_grpcAddress})
        connect(edit, &QLineEdit::textChanged, this, &ReceiveDialog::updateWarning);
    for (auto *box : {m_http, m_grpc, m_allowRemote})
        connect(box, &QCheckBox::toggled, this, &ReceiveDialog::updateWarning);
    connect(m_http, &QCheckBox::toggled, m_httpAddress, &QWidget::setEnabled);
    connect(m_grpc, &QCheckBox::toggled, m_grpcAddress, &QWidget::setEnabled);
    m_httpAddress->setEnabled(settings.http);
    m_grpcAddress->setEnabled(settings.grpc);
    updateWarning();
}

ReceiveSettings ReceiveDialog::settings() const
{
    ReceiveSettings s;
    s.http = m_http->isChecked();
    s.httpAddress = m_httpAddress->text().trimmed();
    s.grpc = m_grpc->isChecked();
    s.grpcAddress = m_grpcAddress->text().trimmed();
    s.allowRemote = m_allowRemote->isChecked();
    s.maxSpans = uint64_t(m_maxSpans->value());
    s.maxTraces = uint64_t(m_maxTraces->value());
    return s;
}

void ReceiveDialog::updateWarning()
{
    bool remote = false;
    for (auto [box, edit] : {std::pair{m_http, m_httpAddress}, {m_grpc, m_grpcAddress}}) {
        std::string host;
        uint16_t port = 0;
        if (box->isChecked() && live::parseEndpoint(edit->text().trimmed().toStdString(), host, port))
            remote |= !live::isLoopback(host);
    }
    if (!remote)
        m_warning->clear();
    else if (!m_allowRemote->isChecked())
        m_warning->setText(QStringLiteral("This address is reachable from other machines. Tick \"Allow connections "
                                          "from other machines\" to listen on it."));
    else
        m_warning->setText(QStringLiteral("Anyone who can reach this machine can send traces to Causeway. "
                                          "The receiver has no authentication."));
    m_warning->setVisible(remote);
    if (auto *ok = findChild<QDialogButtonBox *>())
        ok->button(QDialogButtonBox::Ok)->setEnabled(!remote || m_allowRemote->isChecked());
}

} // namespace causeway::ui
