#include "ui/tracelistpanel.h"

#include "ui/session.h"
#include "ui/tracelistmodel.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace causeway::ui {

TraceListPanel::TraceListPanel(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new TraceListModel(this))
    , m_proxy(new TraceFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_onlyLinked(new QCheckBox(QStringLiteral("Only traces with links"), this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setPlaceholderText(QStringLiteral("Filter traces: name, service, trace id (Ctrl+L)"));
    m_filter->setClearButtonEnabled(true);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TraceListModel::Start, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setHighlightSections(false);
    const int digit = m_view->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    m_view->setColumnWidth(TraceListModel::RootSpan, 22 * digit);
    m_view->setColumnWidth(TraceListModel::Services, 12 * digit);
    m_view->setColumnWidth(TraceListModel::Start, 17 * digit);
    m_view->setColumnWidth(TraceListModel::Duration, 9 * digit);
    for (int c = TraceListModel::Spans; c < TraceListModel::ColumnCount; ++c)
        m_view->setColumnWidth(c, 6 * digit);

    auto *options = new QHBoxLayout;
    options->addWidget(m_onlyLinked);
    options->addStretch(1);
    options->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_filter);
    layout->addLayout(options);
    layout->addWidget(m_view);

    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setText(text);
        updateCount();
        followFocus();
    });
    connect(m_onlyLinked, &QCheckBox::toggled, this, [this](bool on) {
        m_proxy->setOnlyLinked(on);
        updateCount();
        followFocus();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (m_following || !current.isValid())
                    return;
                const uint32_t trace = m_proxy->traceAt(current.row());
                if (trace != kNone && trace != m_session->focusTrace())
                    m_session->navigateTo(trace);
            });
    connect(m_session, &Session::modelChanged, this, &TraceListPanel::reload);
    connect(m_session, &Session::focusChanged, this, &TraceListPanel::followFocus);
    reload();
}

void TraceListPanel::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void TraceListPanel::reload()
{
    m_model->setModel(m_session->model());
    updateCount();
    followFocus();
}

void TraceListPanel::updateCount()
{
    m_count->setText(QStringLiteral("%1 of %2").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
}

void TraceListPanel::followFocus()
{
    const uint32_t trace = m_session->focusTrace();
    const int row = trace == kNone ? -1 : m_proxy->rowForTrace(trace);
    m_following = true;
    if (row < 0) {
        m_view->selectionModel()->clearSelection();
        m_view->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
    } else {
        const QModelIndex index = m_proxy->index(row, 0);
        m_view->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index);
    }
    m_following = false;
}

} // namespace causeway::ui
