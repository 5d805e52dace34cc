#pragma once
// One row per loaded trace: root span, services, start, duration, spans,
// errors, links out, links in. Row r is trace index r. A trace fetched from
// a trace backend carries a mark and says from where and when.

#include "core/model.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <memory>
#include <vector>

namespace causeway::ui {

class TraceListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { RootSpan, Services, Start, Duration, Spans, Errors, LinksOut, LinksIn, ColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, // numbers and times as numbers, text as lowercase text
        TraceRole,                   // the trace index (uint)
        FilterTextRole,              // what the text filter looks at: root name, services, trace id
        FetchedRole,                 // "fetched from <backend> at <time>", empty for a trace from a file
    };

    explicit TraceListModel(QObject *parent = nullptr);

    void setModel(std::shared_ptr<const Model> model);
    // `model` grew from the one shown as `changes` says: rows of evicted
    // traces are removed, changed ones refreshed and new ones inserted,
    // without a reset (selection, scroll position and sorting stay).
    // New rows are inserted kRowsPerSlice at a time: the first slice at
    // once, the rest one slice per turn of the event loop, so that a
    // refresh bringing many traces never holds the GUI thread for long (a
    // sorted proxy places every row it is told about). Row r is still
    // trace r: the rows shown are the first rowCount() traces.
    void applyChanges(std::shared_ptr<const Model> model, const ModelChanges &changes);
    const std::shared_ptr<const Model> &model() const { return m_model; }
    static constexpr int kRowsPerSlice = 400;
    // Traces of the model not yet inserted as rows.
    int pendingRows() const { return m_model ? int(m_model->traces.size()) - m_rows : 0; }
    // Inserts the next slice of pending rows now; false when none is left.
    bool insertSlice();
    // A number that orders the rows of `column` as SortRole's values do
    // (text columns: the rank of the row's lowercase text among all rows),
    // so that sorting compares integers instead of building values. The
    // text ranks are worked out on the first call after the model changed.
    uint64_t sortKey(int row, int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString services(const Trace &trace) const;
    // SortRole's text of the text columns (RootSpan, Services).
    QString sortText(const Trace &trace, int column) const;

    void queueSlice();
    void rankTexts(int column) const;

    std::shared_ptr<const Model> m_model;
    int m_rows = 0;
    bool m_sliceQueued = false;
    // Per row, the rank of its root span's and its services' sort text;
    // empty until a text column is sorted.
    mutable std::vector<uint32_t> m_rootRank, m_servicesRank;
};

// Sorts by TraceListModel::SortRole and filters by text and "only traces with links".
class TraceFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit TraceFilterProxy(QObject *parent = nullptr);

    void setText(const QString &text);
    QString text() const { return m_text; }
    void setOnlyLinked(bool on);
    bool onlyLinked() const { return m_onlyLinked; }

    // The proxy row showing a trace, or -1 when it is filtered out.
    int rowForTrace(uint32_t trace) const;
    uint32_t traceAt(int proxyRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    // Compares TraceListModel::sortKey: the same order as SortRole's values
    // at a fraction of the cost (a list of 365,000 traces sorts in well under
    // a second instead of many).
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_text;
    bool m_onlyLinked = false;
};

} // namespace causeway::ui
