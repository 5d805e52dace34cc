#include "ui/lanemembersdialog.h"

#include "ui/lanegroupmodel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace causeway::ui {

LaneMembersDialog::LaneMembersDialog(std::shared_ptr<const Model> model, std::vector<LaneMember> members,
                                     const QString &title, QWidget *parent)
    : QDialog(parent)
{
    m_members = new LaneGroupModel(std::move(model), std::move(members), this);
    setUp(title);
}

LaneMembersDialog::LaneMembersDialog(std::shared_ptr<const Model> model, MemberList list, const QString &title,
                                     QWidget *parent)
    : QDialog(parent)
{
    m_members = new LaneGroupModel(model, this);
    setUp(title);
    m_listing = true;
    m_progress->show();
    updateCount();
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    auto *watcher = new QFutureWatcher<LaneGroupModel::Rows>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        LaneGroupModel::Rows rows = watcher->future().takeResult();
        // The filter typed meanwhile applies; the first key shows without
        // working out its values again.
        m_attribute->blockSignals(true);
        for (const std::string &key : rows.keys)
            m_attribute->addItem(QString::fromStdString(key));
        m_attribute->blockSignals(false);
        m_members->setRows(std::move(rows));
        m_listing = false;
        m_progress->hide();
        updateCount();
        if (m_members->rowCount() > 0)
            m_table->setCurrentIndex(m_members->index(0, 0));
        emit listed();
    });
    watcher->setFuture(QtConcurrent::run([model = std::move(model), list = std::move(list), cancel = m_cancel] {
        if (cancel->load())
            return LaneGroupModel::Rows{};
        std::vector<LaneMember> members = list();
        if (cancel->load())
            return LaneGroupModel::Rows{};
        return LaneGroupModel::prepare(*model, std::move(members));
    }));
}

LaneMembersDialog::~LaneMembersDialog()
{
    if (m_cancel)
        m_cancel->store(true);
}

void LaneMembersDialog::setUp(const QString &title)
{
    setWindowTitle(title);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(QStringLiteral("Filter: name, trace id prefix, key=value, error"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    m_attribute = new QComboBox(this);
    m_attribute->addItems(m_members->attributeKeys());
    m_attribute->setToolTip(QStringLiteral("The attribute shown in its own column"));
    m_count = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0); // busy: the worker cannot tell how far it is
    m_progress->setMaximumWidth(160);
    m_progress->setTextVisible(false);
    m_progress->hide();

    m_table = new QTableView(this);
    m_table->setModel(m_members);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(LaneGroupModel::StartColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->installEventFilter(this);
    const int em = m_table->fontMetrics().averageCharWidth();
    for (auto [column, chars] : {std::pair{LaneGroupModel::StartColumn, 12}, {LaneGroupModel::DurationColumn, 10},
                                 {LaneGroupModel::LagColumn, 10}, {LaneGroupModel::ErrorsColumn, 7},
                                 {LaneGroupModel::HopsColumn, 6}, {LaneGroupModel::AttributeColumn, 22},
                                 {LaneGroupModel::RootColumn, 30}})
        m_table->setColumnWidth(column, chars * em);

    auto *top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(new QLabel(QStringLiteral("Column:"), this));
    top->addWidget(m_attribute);
    auto *buttons = new QDialogButtonBox(this);
    auto *focus = buttons->addButton(QStringLiteral("Focus (Enter)"), QDialogButtonBox::ActionRole);
    auto *pin = buttons->addButton(QStringLiteral("Pin as lane (P)"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    auto *box = new QVBoxLayout(this);
    box->addLayout(top);
    box->addWidget(m_table, 1);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_progress);
    bottom->addWidget(m_count, 1);
    bottom->addWidget(buttons);
    box->addLayout(bottom);

    connect(m_filter, &QLineEdit::textChanged, this, &LaneMembersDialog::setFilter);
    connect(m_attribute, &QComboBox::currentTextChanged, m_members, &LaneGroupModel::setAttributeKey);
    connect(m_table, &QAbstractItemView::activated, this, [this] { focusCurrent(); });
    connect(focus, &QPushButton::clicked, this, &LaneMembersDialog::focusCurrent);
    connect(pin, &QPushButton::clicked, this, &LaneMembersDialog::pinCurrent);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::close);
    resize(110 * em + 40, 480);
    updateCount();
    if (m_members->rowCount() > 0)
        m_table->setCurrentIndex(m_members->index(0, 0));
    m_filter->setFocus();
}

void LaneMembersDialog::setFilter(const QString &text)
{
    if (m_filter->text() != text) {
        m_filter->setText(text); // comes back here through textChanged
        return;
    }
    m_members->setFilter(text);
    if (m_members->rowCount() > 0)
        m_table->setCurrentIndex(m_members->index(0, 0));
    updateCount();
}

void LaneMembersDialog::updateCount()
{
    if (m_listing) {
        m_count->setText(QStringLiteral("Listing the members…"));
        return;
    }
    m_count->setText(QStringLiteral("%L1 of %L2 traces").arg(m_members->rowCount()).arg(m_members->totalCount()));
}

void LaneMembersDialog::focusCurrent()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const uint32_t trace = m_members->traceAt(current.row());
    close();
    emit focusRequested(trace);
}

void LaneMembersDialog::pinCurrent()
{
    const QModelIndex current = m_table->currentIndex();
    if (current.isValid())
        emit pinRequested(m_members->traceAt(current.row()));
}

bool LaneMembersDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (watched == m_filter) {
            // Typing filters; Enter takes the first match, Down goes to the list.
            if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
                focusCurrent();
                return true;
            }
            if (key->key() == Qt::Key_Down || key->key() == Qt::Key_PageDown) {
                m_table->setFocus();
                return false;
            }
        } else if (watched == m_table) {
            if (key->key() == Qt::Key_P && key->modifiers() == Qt::NoModifier) {
                pinCurrent();
                return true;
            }
            if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
                focusCurrent();
                return true;
            }
            if (!key->text().isEmpty() && key->text().at(0).isPrint() && key->key() != Qt::Key_Space) {
                // Typing in the list goes on in the filter.
                m_filter->setFocus();
                m_filter->insert(key->text());
                return true;
            }
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace causeway::ui
