#pragma once
// The chain timing strip's Hops table as an item model: one row per trace of
// the chain, with where it starts, the time waited before it, the time inside
// it, the lag of the link that reached it and its link hops from the focus.
// Text is made when a row is shown: a batch's chain can have hundreds of
// thousands of hops, and a table of ready-made items took seconds to fill.

#include "core/chaintiming.h"

#include <QAbstractTableModel>

#include <memory>

namespace causeway {
class Model;
}

namespace causeway::ui {

class ChainHopsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { At, WaitedBefore, Inside, LinkLag, Hops, Trace, ColumnCount };

    explicit ChainHopsModel(QObject *parent = nullptr);

    // Shows TIMING (owned by the caller, kept alive and unchanged until the
    // next call) over MODEL; nullptr for either: no rows.
    void setTiming(std::shared_ptr<const Model> model, const ChainTiming *timing);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    // The trace of ROW, or kNone.
    uint32_t traceAt(int row) const;

private:
    std::shared_ptr<const Model> m_model;
    const ChainTiming *m_timing = nullptr;
};

} // namespace causeway::ui
