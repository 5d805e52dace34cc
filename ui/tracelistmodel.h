#pragma once
// One row per loaded trace: root span, services, start, duration, spans,
// errors, links out, links in. Row r is trace index r. A trace fetched from
// a trace backend carries a mark and says from where and when.

#include "core/model.h"

#include <QAbstractTableModel>

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
    // refresh bringing many traces never holds the GUI thread for long (the
    // sorted list places every row it is told about). Row r is still
    // trace r: the rows shown are the first rowCount() traces.
    void applyChanges(std::shared_ptr<const Model> model, const ModelChanges &changes);
    const std::shared_ptr<const Model> &model() const { return m_model; }
    static constexpr int kRowsPerSlice = 400;
    // Traces of the model not yet inserted as rows.
    int pendingRows() const { return m_model ? int(m_model->traces.size()) - m_rows : 0; }
    // Inserts the next slice of pending rows now; false when none is left.
    bool insertSlice();
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    // The largest value in a number column (Spans, Errors, LinksOut,
    // LinksIn) over the model's traces: what the column needs room for so
    // that no count is cut. 0 for other columns.
    uint64_t largest(int column) const;

private:
    // SortRole's text of the text columns (RootSpan, Services).
    QString sortText(const Trace &trace, int column) const;

    void queueSlice();
    // Sets m_day: the UTC day every trace started on ("2025-03-14"), or
    // empty when they span more than one. With a day, the Start column
    // shows the time alone, so that a narrow column still tells traces
    // minutes apart. And m_largest, the number columns' largest values.
    // `from` is the first trace not yet measured (0 measures them all
    // again), `changed` the measured ones whose start or counts may have
    // moved.
    void measureRows(uint32_t from, const std::vector<uint32_t> &changed);

    std::shared_ptr<const Model> m_model;
    int m_rows = 0;
    bool m_sliceQueued = false;
    uint64_t m_firstStart = 0, m_lastStart = 0;
    QString m_day;
    uint64_t m_largest[ColumnCount] = {};
};

} // namespace causeway::ui
