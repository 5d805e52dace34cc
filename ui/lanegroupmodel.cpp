#include "ui/lanegroupmodel.h"

#include "ui/laneslayout.h"
#include "ui/timeaxis.h"
#include "ui/palette.h"

namespace causeway::ui {

LaneGroupModel::LaneGroupModel(std::shared_ptr<const Model> model, std::vector<uint32_t> traces, uint64_t origin,
                               QObject *parent)
    : QAbstractTableModel(parent)
    , m_model(std::move(model))
    , m_traces(std::move(traces))
    , m_origin(origin)
{
}

int LaneGroupModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_traces.size());
}

int LaneGroupModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LaneGroupModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_model)
        return {};
    const Model &model = *m_model;
    const uint32_t t = m_traces[size_t(index.row())];
    const Trace &trace = model.traces[t];
    auto text = [&](StringId id) {
        const auto v = model.str(id);
        return QString::fromUtf8(v.data(), qsizetype(v.size()));
    };
    const int64_t offset = trace.start >= m_origin ? int64_t(trace.start - m_origin) : -int64_t(m_origin - trace.start);
    if (role == TraceRole)
        return QVariant::fromValue(t);
    if (role == SortRole) {
        switch (index.column()) {
        case StartColumn: return QVariant::fromValue<qlonglong>(offset);
        case DurationColumn: return QVariant::fromValue<qulonglong>(trace.duration());
        case SpansColumn: return trace.spans.count;
        case ErrorsColumn: return trace.errorCount;
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == ErrorsColumn && trace.errorCount)
        return errorColor();
    if (role == Qt::TextAlignmentRole && index.column() != RootColumn && index.column() != ServiceColumn
        && index.column() != TraceColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case StartColumn: return offsetText(offset);
    case DurationColumn: return formatDuration(double(trace.duration()));
    case RootColumn: return trace.root != kNone ? text(model.hot[trace.root].name) : QString();
    case ServiceColumn: return trace.root != kNone ? text(model.hot[trace.root].service) : QString();
    case SpansColumn: return trace.spans.count;
    case ErrorsColumn: return trace.errorCount;
    case TraceColumn: return QString::fromStdString(trace.id.hex());
    }
    return {};
}

QVariant LaneGroupModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case StartColumn: return QStringLiteral("Start");
    case DurationColumn: return QStringLiteral("Duration");
    case RootColumn: return QStringLiteral("Root span");
    case ServiceColumn: return QStringLiteral("Service");
    case SpansColumn: return QStringLiteral("Spans");
    case ErrorsColumn: return QStringLiteral("Errors");
    case TraceColumn: return QStringLiteral("Trace ID");
    }
    return {};
}

} // namespace causeway::ui
