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
    void applyChanges(std::shared_ptr<const Model> model, const ModelChanges &changes);
    const std::shared_ptr<const Model> &model() const { return m_model; }
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

    void rankTexts(int column) const;

    std::shared_ptr<const Model> m_model;
    int m_rows = 0;
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
