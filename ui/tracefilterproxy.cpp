#include "ui/tracefilterproxy.h"

#include "ui/tracelistmodel.h"

#include <QMetaObject>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <utility>

namespace causeway::ui {

namespace {
// Rows arriving, leaving or moving in more places than this are shown by a
// reset: each insertion or removal moves the rows after it.
constexpr size_t kMaxRuns = 64;
} // namespace

struct TraceFilterProxy::Job
{
    std::atomic<bool> cancel{false};
};

TraceFilterProxy::TraceFilterProxy(QObject *parent)
    : QAbstractProxyModel(parent)
{
}

TraceFilterProxy::~TraceFilterProxy()
{
    cancelJob();
    for (QFuture<void> &f : m_running)
        f.waitForFinished();
}

void TraceFilterProxy::setSourceModel(QAbstractItemModel *source)
{
    beginResetModel();
    cancelJob();
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QAbstractProxyModel::setSourceModel(source);
    m_list = qobject_cast<const TraceListModel *>(source);
    m_rows.clear();
    m_rowOfStale = true;
    m_texts.reset();
    if (m_list) {
        connect(m_list, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
            beginResetModel();
            cancelJob();
            m_rows.clear();
            m_rowOfStale = true;
            m_texts.reset();
        });
        connect(m_list, &QAbstractItemModel::modelReset, this, &TraceFilterProxy::endReset);
        // The source appends rows only (row r is trace r).
        connect(m_list, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &, int first, int last) {
            m_rowOfStale = true;
            if (!m_job) // else the result places them when it lands
                place(uint32_t(first), uint32_t(last));
        });
        connect(m_list, &QAbstractItemModel::rowsAboutToBeRemoved, this,
                [this](const QModelIndex &, int first, int last) { onRowsAboutToBeRemoved(first, last); });
        connect(m_list, &QAbstractItemModel::rowsRemoved, this,
                [this](const QModelIndex &, int first, int last) { onRowsRemoved(first, last); });
        connect(m_list, &QAbstractItemModel::dataChanged, this, &TraceFilterProxy::onDataChanged);
        connect(m_list, &QAbstractItemModel::headerDataChanged, this, &QAbstractItemModel::headerDataChanged);
    }
    endReset();
}

void TraceFilterProxy::endReset()
{
    // A short list is shown at once, sorted; a long one after the worker sorted it.
    const auto &model = m_list ? m_list->model() : nullptr;
    const uint32_t rows = m_list ? uint32_t(m_list->rowCount()) : 0;
    if (!model || rows <= uint32_t(m_asyncRows)) {
        m_rows = orderNow();
        m_rowOfStale = true;
        m_rowsChanged = false;
        endResetModel();
        return;
    }
    endResetModel();
    m_rowsChanged = true;
    reorder();
}

std::vector<uint32_t> TraceFilterProxy::orderNow()
{
    const auto &model = m_list ? m_list->model() : nullptr;
    if (!model)
        return {};
    const auto rows = uint32_t(m_list->rowCount());
    ensureTexts(*model, rows);
    return traceOrder(*model, m_texts.get(), rows, m_column, m_descending, m_filter);
}

void TraceFilterProxy::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_filter.words = filterWords(text);
    m_rowsChanged = true;
    reorder();
}

void TraceFilterProxy::setOnlyLinked(bool on)
{
    if (on == m_filter.onlyLinked)
        return;
    m_filter.onlyLinked = on;
    m_rowsChanged = true;
    reorder();
}

void TraceFilterProxy::sort(int column, Qt::SortOrder order)
{
    m_column = column;
    m_descending = order == Qt::DescendingOrder;
    reorder();
}

void TraceFilterProxy::scheduleReorder()
{
    if (m_reorderQueued)
        return;
    m_reorderQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        if (m_reorderQueued)
            reorder();
    }, Qt::QueuedConnection);
}

void TraceFilterProxy::reorder()
{
    m_reorderQueued = false;
    const bool wasBusy = isBusy();
    cancelJob();
    const auto &model = m_list ? m_list->model() : nullptr;
    const uint32_t rows = m_list ? uint32_t(m_list->rowCount()) : 0;
    if (model && rows > uint32_t(m_asyncRows)) {
        startJob();
        if (!wasBusy)
            emit busyChanged(true);
        return;
    }
    std::vector<uint32_t> order = orderNow();
    const bool sameRows = !m_rowsChanged;
    m_rowsChanged = false;
    show(std::move(order), sameRows);
    if (wasBusy)
        emit busyChanged(false);
}

void TraceFilterProxy::cancelJob()
{
    if (m_job)
        m_job->cancel = true;
    m_job.reset();
}

void TraceFilterProxy::startJob()
{
    auto job = std::make_shared<Job>();
    m_job = job;
    std::erase_if(m_running, [](const QFuture<void> &f) { return f.isFinished(); });
    QPointer<TraceFilterProxy> self(this);
    const std::shared_ptr<const Model> model = m_list->model();
    const auto rows = uint32_t(m_list->rowCount());
    const std::shared_ptr<const TraceTexts> texts = m_texts;
    const bool wantTexts = needsTexts(m_column, m_filter);
    const int column = m_column;
    const bool descending = m_descending;
    const TraceFilter filter = m_filter;
    m_running.push_back(QtConcurrent::run([=] {
        Result result;
        result.rows = rows;
        const TraceTexts *used = texts.get();
        if (wantTexts && (!texts || texts->size() < rows)) {
            auto made = texts ? std::make_shared<TraceTexts>(*texts) : std::make_shared<TraceTexts>();
            made->extend(*model, rows);
            used = made.get();
            result.texts = std::move(made);
        }
        if (job->cancel)
            return;
        result.order = traceOrder(*model, used, rows, column, descending, filter, &job->cancel);
        if (job->cancel)
            return;
        QMetaObject::invokeMethod(self.data(), [self, job, result]() mutable {
            if (self && self->m_job == job)
                self->apply(std::move(result));
        }, Qt::QueuedConnection);
    }));
}

void TraceFilterProxy::apply(Result result)
{
    m_job.reset();
    if (result.texts)
        m_texts = std::move(result.texts);
    std::vector<uint32_t> order = std::move(result.order);
    // Rows the source appended while the job ran are merged in by key.
    const auto rows = uint32_t(m_list->rowCount());
    if (rows > result.rows) {
        const Model &model = *m_list->model();
        ensureTexts(model, rows);
        const TraceMatcher matcher(m_texts.get(), m_filter);
        std::vector<uint32_t> fresh;
        for (uint32_t t = result.rows; t < rows; ++t)
            if (matcher.accepts(model, t))
                fresh.push_back(t);
        auto before = [&](uint32_t a, uint32_t b) {
            return traceBefore(key(model, a), a, key(model, b), b, m_descending);
        };
        std::sort(fresh.begin(), fresh.end(), before);
        std::vector<uint32_t> merged(order.size() + fresh.size());
        std::merge(order.begin(), order.end(), fresh.begin(), fresh.end(), merged.begin(), before);
        order = std::move(merged);
        m_rowsChanged = true;
    }
    const bool sameRows = !m_rowsChanged;
    m_rowsChanged = false;
    show(std::move(order), sameRows);
    emit busyChanged(false);
}

void TraceFilterProxy::show(std::vector<uint32_t> order, bool sameRows)
{
    if (!sameRows || order.size() != m_rows.size()) {
        beginResetModel();
        m_rows = std::move(order);
        m_rowOfStale = true;
        endResetModel();
        return;
    }
    // Only sorted anew: the selection and the current row stay on their traces.
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList from = persistentIndexList();
    std::vector<uint32_t> traces;
    traces.reserve(size_t(from.size()));
    for (const QModelIndex &p : from)
        traces.push_back(traceAt(p.row()));
    m_rows = std::move(order);
    m_rowOfStale = true;
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int row = traces[size_t(i)] == kNone ? -1 : rowForTrace(traces[size_t(i)]);
        to << (row < 0 ? QModelIndex() : index(row, from[i].column()));
    }
    changePersistentIndexList(from, to);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

TraceTexts &TraceFilterProxy::ownTexts()
{
    // A worker may be reading the texts it was given: change a copy.
    if (!m_texts)
        m_texts = std::make_shared<TraceTexts>();
    else if (m_texts.use_count() > 1)
        m_texts = std::make_shared<TraceTexts>(*m_texts);
    return *m_texts;
}

void TraceFilterProxy::ensureTexts(const Model &model, uint32_t rows)
{
    if (needsTexts(m_column, m_filter) && (!m_texts || m_texts->size() < rows))
        ownTexts().extend(model, rows);
}

uint64_t TraceFilterProxy::key(const Model &model, uint32_t trace) const
{
    return traceSortKey(model, m_texts.get(), trace, m_column);
}

void TraceFilterProxy::place(uint32_t first, uint32_t last)
{
    const auto &modelPtr = m_list->model();
    if (!modelPtr)
        return;
    const Model &model = *modelPtr;
    ensureTexts(model, last + 1);
    const TraceMatcher matcher(m_texts.get(), m_filter);
    std::vector<std::pair<uint64_t, uint32_t>> fresh;
    for (uint32_t t = first; t <= last; ++t)
        if (matcher.accepts(model, t))
            fresh.emplace_back(key(model, t), t);
    if (fresh.empty())
        return;
    const bool descending = m_descending;
    std::sort(fresh.begin(), fresh.end(), [descending](const auto &a, const auto &b) {
        return traceBefore(a.first, a.second, b.first, b.second, descending);
    });
    // Where each new row goes among the rows shown (texts' ranks may have
    // moved, but in the order they had: the rows shown are still sorted).
    std::vector<size_t> at(fresh.size());
    size_t runs = 0;
    for (size_t j = 0; j < fresh.size(); ++j) {
        at[j] = size_t(std::partition_point(m_rows.begin(), m_rows.end(), [&](uint32_t r) {
                           return traceBefore(key(model, r), r, fresh[j].first, fresh[j].second, descending);
                       }) - m_rows.begin());
        runs += j == 0 || at[j] != at[j - 1];
    }
    if (runs > kMaxRuns) {
        std::vector<uint32_t> merged;
        merged.reserve(m_rows.size() + fresh.size());
        size_t j = 0;
        for (size_t i = 0; i <= m_rows.size(); ++i) {
            for (; j < fresh.size() && at[j] == i; ++j)
                merged.push_back(fresh[j].second);
            if (i < m_rows.size())
                merged.push_back(m_rows[i]);
        }
        show(std::move(merged), false);
        return;
    }
    size_t offset = 0;
    for (size_t j = 0; j < fresh.size();) {
        size_t end = j + 1;
        while (end < fresh.size() && at[end] == at[j])
            ++end;
        const int row = int(at[j] + offset);
        beginInsertRows({}, row, row + int(end - j) - 1);
        std::vector<uint32_t> traces;
        for (size_t k = j; k < end; ++k)
            traces.push_back(fresh[k].second);
        m_rows.insert(m_rows.begin() + row, traces.begin(), traces.end());
        m_rowOfStale = true;
        endInsertRows();
        offset += end - j;
        j = end;
    }
}

void TraceFilterProxy::onRowsAboutToBeRemoved(int first, int last)
{
    if (m_job) { // its result counts rows that are going: work it out again
        cancelJob();
        m_rowsChanged = true;
        scheduleReorder();
    }
    const std::vector<int> &of = rowOf();
    std::vector<int> gone;
    for (int s = first; s <= last && size_t(s) < of.size(); ++s)
        if (of[size_t(s)] >= 0)
            gone.push_back(of[size_t(s)]);
    if (gone.empty())
        return;
    std::sort(gone.begin(), gone.end());
    size_t runs = 1;
    for (size_t i = 1; i < gone.size(); ++i)
        runs += gone[i] != gone[i - 1] + 1;
    if (runs > kMaxRuns) {
        beginResetModel();
        std::erase_if(m_rows, [first, last](uint32_t r) { return r >= uint32_t(first) && r <= uint32_t(last); });
        m_rowOfStale = true;
        endResetModel();
        return;
    }
    // From the back, so that the rows ahead keep their numbers.
    for (size_t end = gone.size(); end > 0;) {
        size_t begin = end - 1;
        while (begin > 0 && gone[begin - 1] + 1 == gone[begin])
            --begin;
        beginRemoveRows({}, gone[begin], gone[end - 1]);
        m_rows.erase(m_rows.begin() + gone[begin], m_rows.begin() + gone[end - 1] + 1);
        m_rowOfStale = true;
        endRemoveRows();
        end = begin;
    }
}

void TraceFilterProxy::onRowsRemoved(int first, int last)
{
    const auto count = uint32_t(last - first + 1);
    for (uint32_t &r : m_rows)
        if (r > uint32_t(last))
            r -= count;
    m_rowOfStale = true;
    if (m_texts)
        ownTexts().erase(uint32_t(first), uint32_t(last));
}

void TraceFilterProxy::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    const auto &modelPtr = m_list->model();
    if (!modelPtr || !topLeft.isValid() || !bottomRight.isValid())
        return;
    const Model &model = *modelPtr;
    const auto first = uint32_t(topLeft.row()), last = uint32_t(bottomRight.row());
    if (m_texts)
        for (uint32_t t = first; t <= last && t < m_texts->size(); ++t)
            ownTexts().refresh(model, t);
    if (m_job) {
        m_job->cancel = true;
        m_job.reset();
        scheduleReorder(); // busy still: the new job says when it is done
        m_job = std::make_shared<Job>(); // a placeholder until then, so that rows appended now wait for it
    }
    // A changed trace may now be filtered differently or belong elsewhere.
    const TraceMatcher matcher(m_texts.get(), m_filter);
    const std::vector<int> &of = rowOf();
    int low = -1, high = -1;
    bool misplaced = false;
    for (uint32_t t = first; t <= last && t < of.size(); ++t) {
        const int r = of[t];
        if (matcher.accepts(model, t) != (r >= 0)) {
            misplaced = true;
            m_rowsChanged = true;
            continue;
        }
        if (r < 0)
            continue;
        low = low < 0 ? r : std::min(low, r);
        high = std::max(high, r);
        const uint64_t k = key(model, t);
        if ((r > 0 && !traceBefore(key(model, m_rows[size_t(r - 1)]), m_rows[size_t(r - 1)], k, t, m_descending))
            || (size_t(r) + 1 < m_rows.size()
                && !traceBefore(k, t, key(model, m_rows[size_t(r + 1)]), m_rows[size_t(r + 1)], m_descending)))
            misplaced = true;
    }
    if (low >= 0)
        emit dataChanged(index(low, topLeft.column()), index(high, bottomRight.column()));
    if (misplaced)
        scheduleReorder();
}

const std::vector<int> &TraceFilterProxy::rowOf() const
{
    if (m_rowOfStale) {
        const size_t rows = m_list ? size_t(m_list->rowCount()) : 0;
        m_rowOf.assign(rows, -1);
        for (size_t i = 0; i < m_rows.size(); ++i)
            if (m_rows[i] < rows)
                m_rowOf[m_rows[i]] = int(i);
        m_rowOfStale = false;
    }
    return m_rowOf;
}

int TraceFilterProxy::rowForTrace(uint32_t trace) const
{
    const std::vector<int> &of = rowOf();
    return trace < of.size() ? of[trace] : -1;
}

uint32_t TraceFilterProxy::traceAt(int proxyRow) const
{
    return proxyRow >= 0 && size_t(proxyRow) < m_rows.size() ? m_rows[size_t(proxyRow)] : kNone;
}

QModelIndex TraceFilterProxy::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!m_list || !proxyIndex.isValid() || size_t(proxyIndex.row()) >= m_rows.size())
        return {};
    return m_list->index(int(m_rows[size_t(proxyIndex.row())]), proxyIndex.column());
}

QModelIndex TraceFilterProxy::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid())
        return {};
    const int row = rowForTrace(uint32_t(sourceIndex.row()));
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QModelIndex TraceFilterProxy::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || size_t(row) >= m_rows.size() || column < 0 || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex TraceFilterProxy::parent(const QModelIndex &) const
{
    return {};
}

QModelIndex TraceFilterProxy::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

int TraceFilterProxy::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TraceFilterProxy::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_list ? 0 : TraceListModel::ColumnCount;
}

bool TraceFilterProxy::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_rows.empty();
}

QVariant TraceFilterProxy::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_list)
        return {};
    if (orientation == Qt::Vertical)
        return m_list->headerData(int(traceAt(section)), orientation, role);
    return m_list->headerData(section, orientation, role);
}

} // namespace causeway::ui
