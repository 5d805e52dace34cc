#pragma once
// The traces behind a group lane ("987 more linked traces"), as a table the
// user can sort and pick from.

#include "core/model.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace causeway::ui {

class LaneGroupModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { StartColumn, DurationColumn, RootColumn, ServiceColumn, SpansColumn, ErrorsColumn, TraceColumn, ColumnCount };
    // Qt::UserRole gives the trace index; SortRole a value that sorts numerically.
    static constexpr int TraceRole = Qt::UserRole;
    static constexpr int SortRole = Qt::UserRole + 1;

    // `origin` is the focus trace's start: start times are shown as offsets from it.
    LaneGroupModel(std::shared_ptr<const Model> model, std::vector<uint32_t> traces, uint64_t origin,
                   QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    uint32_t traceAt(int row) const { return m_traces[size_t(row)]; }

private:
    std::shared_ptr<const Model> m_model;
    std::vector<uint32_t> m_traces;
    uint64_t m_origin = 0;
};

} // namespace causeway::ui
