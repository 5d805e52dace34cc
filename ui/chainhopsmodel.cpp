#include "ui/chainhopsmodel.h"

#include "ui/displaytext.h"

#include "core/model.h"

namespace causeway::ui {

ChainHopsModel::ChainHopsModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ChainHopsModel::setTiming(std::shared_ptr<const Model> model, const ChainTiming *timing)
{
    beginResetModel();
    m_model = std::move(model);
    m_timing = m_model ? timing : nullptr;
    endResetModel();
}

int ChainHopsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_timing ? 0 : int(m_timing->hops.size());
}

int ChainHopsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

uint32_t ChainHopsModel::traceAt(int row) const
{
    return row >= 0 && row < rowCount() ? m_timing->hops[size_t(row)].trace : kNone;
}

QVariant ChainHopsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const ChainTimingHop &h = m_timing->hops[size_t(index.row())];
    if (role == Qt::TextAlignmentRole)
        return index.column() <= LinkLag ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case At:
        return display::offset(int64_t(h.start - m_timing->start));
    case WaitedBefore:
        return display::duration(h.waitBefore);
    case Inside:
        return display::duration(h.inside);
    case LinkLag:
        return h.via == kNone ? QStringLiteral("–") : display::lag(linkLag(*m_model, h.via));
    case Hops:
        return QString::number(h.hops);
    case Trace:
        return display::traceCaption(*m_model, h.trace);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ChainHopsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case At:
        return tr("At");
    case WaitedBefore:
        return tr("Waited before");
    case Inside:
        return tr("Inside");
    case LinkLag:
        return tr("Link lag");
    case Hops:
        return tr("Hops");
    case Trace:
        return tr("Trace");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace causeway::ui
