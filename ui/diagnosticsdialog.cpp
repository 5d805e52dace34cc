#include "ui/diagnosticsdialog.h"

#include "ui/displaytext.h"
#include "ui/palette.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace causeway::ui {

DiagnosticsDialog::DiagnosticsDialog(QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget(0, 4, this))
{
    setWindowTitle(QStringLiteral("Load Diagnostics"));
    m_table->setHorizontalHeaderLabels({QStringLiteral("Severity"), QStringLiteral("Code"), QStringLiteral("Count"),
                                        QStringLiteral("Message")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true);
    m_table->setSortingEnabled(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(QStringLiteral("Records that could not be read as written were skipped or repaired; "
                                                "the rest of the data loaded."), this));
    layout->addWidget(m_table);
    layout->addWidget(buttons);
    resize(900, 360);
}

void DiagnosticsDialog::setDiagnostics(const Diagnostics &diagnostics)
{
    m_table->setSortingEnabled(false);
    m_table->setRowCount(int(diagnostics.items().size()));
    int row = 0;
    for (const Diagnostic &d : diagnostics.items()) {
        QString severity;
        switch (d.severity) {
        case Severity::Info: severity = QStringLiteral("info"); break;
        case Severity::Warning: severity = QStringLiteral("warning"); break;
        case Severity::Error: severity = QStringLiteral("error"); break;
        }
        auto *sev = new QTableWidgetItem(severity);
        if (d.severity == Severity::Error)
            sev->setForeground(errorColor());
        auto *count = new QTableWidgetItem;
        count->setData(Qt::DisplayRole, qulonglong(d.count)); // sorts as a number
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 0, sev);
        m_table->setItem(row, 1, new QTableWidgetItem(display::fromStd(d.code)));
        m_table->setItem(row, 2, count);
        // One code seen in several places lists each kept place, one per line.
        QStringList places;
        for (const std::string &place : d.places)
            places << display::fromStd(place);
        if (places.isEmpty())
            places << display::fromStd(d.message);
        if (d.count > uint64_t(places.size()) && places.size() > 1)
            places << QStringLiteral("… and %L1 more").arg(d.count - uint64_t(places.size()));
        auto *message = new QTableWidgetItem(places.join(QLatin1Char('\n')));
        message->setToolTip(places.join(QLatin1Char('\n')));
        m_table->setItem(row, 3, message);
        ++row;
    }
    m_table->setSortingEnabled(true);
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->resizeRowsToContents();
}

} // namespace causeway::ui
