#include "ui/resultlist.h"

#include "ui/displaytext.h"
#include "ui/session.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

namespace causeway::ui {

ResultListModel::ResultListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ResultListModel::setEntries(std::shared_ptr<const Model> model, std::vector<ResultEntry> entries)
{
    beginResetModel();
    m_model = std::move(model);
    m_entries = m_model ? std::move(entries) : std::vector<ResultEntry>{};
    endResetModel();
}

int ResultListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ResultListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ResultListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ResultEntry &e = m_entries[size_t(index.row())];
    const Model &m = *m_model;
    const uint32_t span = e.span != kNone ? e.span : m.traces[e.trace].root;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case SpanColumn: return span != kNone ? display::spanCaption(m, span) : QString();
        case ServiceColumn: return span != kNone ? display::fromStd(m.str(m.hot[span].service)) : QString();
        case TraceColumn: return display::traceCaption(m, e.trace);
        case InfoColumn:
            if (e.hops >= 0)
                return e.hops == 0 ? QStringLiteral("start") : QStringLiteral("%1 hop(s)").arg(e.hops);
            return span != kNone ? display::duration(m.hot[span].end - m.hot[span].start) : QString();
        }
    }
    if (role == Qt::ToolTipRole)
        return QString(QString::fromLatin1(m.traces[e.trace].id.hex())
                       + (span != kNone ? QLatin1Char('/') + QString::fromLatin1(m.cold[span].spanId.hex()) : QString()));
    return {};
}

QVariant ResultListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case SpanColumn: return QStringLiteral("Span");
    case ServiceColumn: return QStringLiteral("Service");
    case TraceColumn: return QStringLiteral("Trace");
    case InfoColumn: return QStringLiteral("Hops / duration");
    }
    return {};
}

ResultList::ResultList(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new ResultListModel(this))
    , m_title(new QLabel(this))
    , m_view(new QTreeView(this))
{
    m_title->setContentsMargins(4, 2, 4, 2);
    m_title->setWordWrap(true);
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->setColumnWidth(ResultListModel::SpanColumn, 220);
    m_view->setColumnWidth(ResultListModel::ServiceColumn, 120);
    m_view->setColumnWidth(ResultListModel::TraceColumn, 260);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_title);
    layout->addWidget(m_view);

    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) { goTo(index.row()); });
    connect(m_session, &Session::modelChanged, this, &ResultList::clear);
    clear();
}

void ResultList::setResults(const QString &title, std::vector<ResultEntry> entries)
{
    m_title->setText(title);
    m_model->setEntries(m_session->model(), std::move(entries));
}

void ResultList::setMessage(const QString &text)
{
    m_title->setText(text);
}

void ResultList::clear()
{
    m_model->setEntries(nullptr, {});
    m_title->setText(QStringLiteral("No results."));
}

QString ResultList::title() const
{
    return m_title->text();
}

int ResultList::currentRow() const
{
    const QModelIndex i = m_view->currentIndex();
    return i.isValid() ? i.row() : -1;
}

void ResultList::step(int delta)
{
    const int n = m_model->rowCount();
    if (n == 0)
        return;
    int row = currentRow();
    row = row < 0 ? (delta > 0 ? 0 : n - 1) : ((row + delta) % n + n) % n;
    goTo(row);
}

void ResultList::goTo(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_view->setCurrentIndex(m_model->index(row, 0));
    m_view->scrollTo(m_model->index(row, 0));
    const ResultEntry &e = m_model->entries()[size_t(row)];
    m_session->navigateTo(e.trace, e.span);
    emit currentChanged(row);
}

} // namespace causeway::ui
