#pragma once
// A list of places (spans, or whole traces reached by a query) that the user
// steps through: search matches, causal chains, errors downstream.

#include "core/model.h"

#include <QAbstractTableModel>
#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QTreeView;

namespace causeway::ui {

class Session;

struct ResultEntry
{
    uint32_t trace = kNone;
    uint32_t span = kNone;   // kNone: the trace as a whole (its root is shown)
    int hops = -1;           // link hops from the query's start, -1 when not a chain
};

class ResultListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { SpanColumn, ServiceColumn, TraceColumn, InfoColumn, ColumnCount };

    explicit ResultListModel(QObject *parent = nullptr);
    void setEntries(std::shared_ptr<const Model> model, std::vector<ResultEntry> entries);
    // `model` is a newer version of the data (a live refresh): entries are
    // carried over by id, and those whose trace or span it no longer holds
    // are removed as rows, so that the view keeps its current row.
    // `sameIndices`: the refresh only appended (no eviction), so every
    // trace and span kept its index and nothing needs looking up.
    void carryOver(std::shared_ptr<const Model> model, bool sameIndices);
    const std::vector<ResultEntry> &entries() const { return m_entries; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    std::shared_ptr<const Model> m_model;
    std::vector<ResultEntry> m_entries;
};

class ResultList : public QWidget
{
    Q_OBJECT
public:
    explicit ResultList(Session *session, QWidget *parent = nullptr);

    void setResults(const QString &title, std::vector<ResultEntry> entries);
    // The same list brought up to date (a live refresh found more or fewer
    // matches): the current row stays on its entry and the list where it was
    // scrolled to; nothing navigates.
    void updateResults(const QString &title, std::vector<ResultEntry> entries);
    void setMessage(const QString &text);
    void clear();
    const std::vector<ResultEntry> &entries() const { return m_model->entries(); }
    int currentRow() const;
    QString title() const;

    // Moves the current row by `delta` (wrapping) and goes there.
    void step(int delta);
    void goTo(int row);

signals:
    void currentChanged(int row);

private:
    Session *m_session;
    ResultListModel *m_model;
    QLabel *m_title;
    QTreeView *m_view;
    bool m_appendedOnly = false; // the refresh being taken (modelUpdated) evicted nothing
};

} // namespace causeway::ui
