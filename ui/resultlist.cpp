#include "ui/resultlist.h"

#include "ui/displaytext.h"
#include "ui/session.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QLabel>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

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

void ResultListModel::carryOver(std::shared_ptr<const Model> model, bool sameIndices)
{
    if (!m_model || !model || m_entries.empty()) {
        setEntries(std::move(model), {});
        return;
    }
    const std::shared_ptr<const Model> from = std::exchange(m_model, std::move(model));
    const Model &to = *m_model;
    std::vector<char> gone(m_entries.size(), 0);
    for (size_t i = 0; i < m_entries.size(); ++i) {
        ResultEntry &e = m_entries[i];
        const uint32_t trace = sameIndices ? e.trace : to.sameTrace(*from, e.trace);
        const uint32_t span = e.span == kNone || sameIndices ? e.span : to.sameSpan(*from, e.span);
        if (trace == kNone || (e.span != kNone && span == kNone)) {
            gone[i] = 1;
            e.trace = kNone; // data() shows nothing for it until its row goes
            continue;
        }
        e.trace = trace;
        e.span = span;
    }
    // Runs of removed rows, from the back so that the rows before stay put.
    for (size_t end = m_entries.size(); end > 0;) {
        if (!gone[end - 1]) {
            --end;
            continue;
        }
        size_t first = end - 1;
        while (first > 0 && gone[first - 1])
            --first;
        beginRemoveRows({}, int(first), int(end) - 1);
        m_entries.erase(m_entries.begin() + std::ptrdiff_t(first), m_entries.begin() + std::ptrdiff_t(end));
        endRemoveRows();
        end = first;
    }
    if (!m_entries.empty())
        emit dataChanged(index(0, 0), index(int(m_entries.size()) - 1, ColumnCount - 1));
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
    if (e.trace >= m.traces.size())
        return {};
    const uint32_t span = e.span != kNone ? e.span : m.traces[e.trace].root;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case SpanColumn: return span != kNone ? display::spanCaption(m, span) : QString();
        case ServiceColumn: return span != kNone ? display::fromStd(m.str(m.hot[span].service)) : QString();
        case TraceColumn: return display::traceCaption(m, e.trace);
        case InfoColumn:
            if (e.hops >= 0)
                return e.hops == 0 ? QStringLiteral("start") : display::count(uint64_t(e.hops), "hop", "hops");
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
    // A newer version of the same data keeps the list (what it no longer
    // holds leaves it); anything else starts over.
    connect(m_session, &Session::modelUpdated, this, [this](const ModelChanges &changes) {
        m_appendedOnly = !changes.reset && changes.evictedTraces.empty();
    });
    connect(m_session, &Session::modelChanged, this, [this] {
        const bool appendedOnly = std::exchange(m_appendedOnly, false);
        if (m_session->modelReplaced())
            m_model->carryOver(m_session->model(), appendedOnly);
        else
            clear();
    });
    clear();
}

void ResultList::setResults(const QString &title, std::vector<ResultEntry> entries)
{
    m_title->setText(title);
    m_model->setEntries(m_session->model(), std::move(entries));
}

void ResultList::updateResults(const QString &title, std::vector<ResultEntry> entries)
{
    const int row = currentRow();
    const ResultEntry current = row >= 0 ? m_model->entries()[size_t(row)] : ResultEntry{};
    const int scrolled = m_view->verticalScrollBar()->value();
    m_title->setText(title);
    m_model->setEntries(m_session->model(), std::move(entries));
    if (row >= 0) {
        const auto &list = m_model->entries();
        const auto it = std::find_if(list.begin(), list.end(), [&](const ResultEntry &e) {
            return e.trace == current.trace && e.span == current.span;
        });
        if (it != list.end())
            m_view->selectionModel()->setCurrentIndex(m_model->index(int(it - list.begin()), 0),
                                                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_view->verticalScrollBar()->setValue(scrolled);
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
