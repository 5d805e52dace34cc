#pragma once
// The trace list as shown: the traces a filter keeps (text, "only traces
// with links"), sorted by a column. It holds a vector of trace indices
// ordered by integer keys (ui/traceorder.h) instead of comparing model
// indexes row by row. A list longer than asyncRows() is sorted and filtered
// on a worker: the rows shown stay as they are until the result lands, then
// the view is updated once (busyChanged says when); a new request cancels
// the one running. Sorting keeps persistent indexes (the selection) on their
// traces; a change of filter resets the rows.
//
// Live data: rows the source appends are placed into the order, rows it
// removes are taken out, changed rows are placed again, without a reset.

#include "ui/traceorder.h"
#include "ui/tracetexts.h"

#include <QAbstractProxyModel>
#include <QFuture>

#include <atomic>
#include <memory>
#include <vector>

namespace causeway::ui {

class TraceListModel;

class TraceFilterProxy : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit TraceFilterProxy(QObject *parent = nullptr);
    ~TraceFilterProxy() override;

    // `source` must be a TraceListModel.
    void setSourceModel(QAbstractItemModel *source) override;

    void setText(const QString &text);
    QString text() const { return m_text; }
    void setOnlyLinked(bool on);
    bool onlyLinked() const { return m_filter.onlyLinked; }
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_column; }
    Qt::SortOrder sortOrder() const { return m_descending ? Qt::DescendingOrder : Qt::AscendingOrder; }

    // The proxy row showing a trace, or -1 when it is filtered out (or not placed yet).
    int rowForTrace(uint32_t trace) const;
    uint32_t traceAt(int proxyRow) const;

    // A sort or filter is running on a worker.
    bool isBusy() const { return m_job != nullptr; }
    static constexpr int kAsyncRows = 20'000;
    int asyncRows() const { return m_asyncRows; }
    void setAsyncRows(int rows) { m_asyncRows = rows; }

    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void busyChanged(bool busy);

private:
    struct Job;
    struct Result
    {
        std::vector<uint32_t> order;
        std::shared_ptr<TraceTexts> texts; // set when the job made or extended them
        uint32_t rows = 0;                 // the source rows the order covers
    };

    // Works the order out again: at once for a short list, else on a worker.
    void reorder();
    void endReset();
    std::vector<uint32_t> orderNow();
    void scheduleReorder();
    void startJob();
    void cancelJob();
    void apply(Result result);
    // Shows `order`: a layout change when the same rows are only sorted anew, else a reset.
    void show(std::vector<uint32_t> order, bool sameRows);
    // Texts for every source row, when the sort or the filter needs them.
    void ensureTexts(const Model &model, uint32_t rows);
    TraceTexts &ownTexts();
    // Places source rows [first, last] that the filter keeps, sorted by key, into m_rows.
    void place(uint32_t first, uint32_t last);
    uint64_t key(const Model &model, uint32_t trace) const;

    void onRowsAboutToBeRemoved(int first, int last);
    void onRowsRemoved(int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    const std::vector<int> &rowOf() const;

    const TraceListModel *m_list = nullptr;
    std::vector<uint32_t> m_rows;             // proxy row -> trace
    mutable std::vector<int> m_rowOf;         // trace -> proxy row, -1: not shown; rebuilt when stale
    mutable bool m_rowOfStale = true;
    std::shared_ptr<TraceTexts> m_texts;      // null until a text sort or a word filter needs them
    int m_column = -1;                        // -1: by trace index
    bool m_descending = false;
    QString m_text;
    TraceFilter m_filter;
    bool m_rowsChanged = false;               // the next result changes which rows are shown
    std::shared_ptr<Job> m_job;
    std::vector<QFuture<void>> m_running;     // waited for on destruction
    bool m_reorderQueued = false;
    int m_asyncRows = kAsyncRows;
};

} // namespace causeway::ui
