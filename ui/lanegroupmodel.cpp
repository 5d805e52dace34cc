#include "ui/lanegroupmodel.h"

#include "ui/displaytext.h"
#include "ui/palette.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace causeway::ui {

LaneGroupModel::Rows LaneGroupModel::prepare(const Model &model, std::vector<LaneMember> members)
{
    Rows rows;
    rows.members = std::move(members);
    rows.keys = memberAttributeKeys(model, rows.members);
    rows.values.resize(rows.members.size());
    if (!rows.keys.empty())
        for (size_t i = 0; i < rows.members.size(); ++i)
            rows.values[i] = memberAttribute(model, rows.members[i], rows.keys.front());
    return rows;
}

LaneGroupModel::LaneGroupModel(std::shared_ptr<const Model> model, std::vector<LaneMember> members, QObject *parent)
    : LaneGroupModel(model, parent)
{
    if (m_model)
        setRows(prepare(*m_model, std::move(members)));
}

LaneGroupModel::LaneGroupModel(std::shared_ptr<const Model> model, QObject *parent)
    : QAbstractTableModel(parent)
    , m_model(std::move(model))
{
}

void LaneGroupModel::setRows(Rows rows)
{
    beginResetModel();
    m_members = std::move(rows.members);
    m_keys = std::move(rows.keys);
    m_values = std::move(rows.values);
    m_values.resize(m_members.size());
    m_key = m_keys.empty() ? std::string() : m_keys.front();
    applyFilterAndSort();
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, AttributeColumn, AttributeColumn);
}

int LaneGroupModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
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
    const size_t i = m_rows[size_t(index.row())];
    const LaneMember &m = m_members[i];
    const Trace &trace = model.traces[m.trace];
    if (role == TraceRole)
        return QVariant::fromValue(m.trace);
    if (role == SortRole) {
        switch (index.column()) {
        case StartColumn: return QVariant::fromValue<qlonglong>(m.start);
        case DurationColumn: return QVariant::fromValue<qulonglong>(m.duration);
        case LagColumn: return QVariant::fromValue<qlonglong>(m.lag);
        case ErrorsColumn: return m.errors;
        case HopsColumn: return m.hops;
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ForegroundRole && index.column() == ErrorsColumn && m.errors)
        return errorColor();
    if (role == Qt::TextAlignmentRole && index.column() < AttributeColumn)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case StartColumn: return display::offset(m.start);
    case DurationColumn: return display::duration(m.duration);
    case LagColumn: return m.link != kNone ? display::lag(m.lag) : QString();
    case ErrorsColumn: return m.errors;
    case HopsColumn: return m.hops;
    case AttributeColumn: return display::fromStd(m_values[i]);
    case RootColumn:
        if (trace.root == kNone)
            return QStringLiteral("(no root)");
        return QString(display::fromStd(model.str(model.hot[trace.root].name)) + QStringLiteral(" · ")
                       + display::fromStd(model.str(model.hot[trace.root].service)));
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
    case LagColumn: return QStringLiteral("Lag");
    case ErrorsColumn: return QStringLiteral("Errors");
    case HopsColumn: return QStringLiteral("Hops");
    case AttributeColumn: return m_key.empty() ? QStringLiteral("Attribute") : QString::fromStdString(m_key);
    case RootColumn: return QStringLiteral("Root span · service");
    case TraceColumn: return QStringLiteral("Trace ID");
    }
    return {};
}

void LaneGroupModel::sort(int column, Qt::SortOrder order)
{
    m_sortColumn = column;
    m_sortOrder = order;
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    applyFilterAndSort();
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void LaneGroupModel::setFilter(const QString &text)
{
    beginResetModel();
    m_filter = MemberFilter(text.toStdString());
    applyFilterAndSort();
    endResetModel();
}

void LaneGroupModel::setAttributeKey(const QString &key)
{
    beginResetModel();
    m_key = key.toStdString();
    for (size_t i = 0; i < m_members.size(); ++i)
        m_values[i] = m_model && !m_key.empty() ? memberAttribute(*m_model, m_members[i], m_key) : std::string();
    applyFilterAndSort();
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, AttributeColumn, AttributeColumn);
}

QStringList LaneGroupModel::attributeKeys() const
{
    QStringList out;
    for (const std::string &k : m_keys)
        out << QString::fromStdString(k);
    return out;
}

void LaneGroupModel::applyFilterAndSort()
{
    m_rows.clear();
    for (uint32_t i = 0; i < m_members.size(); ++i)
        if (!m_model || m_filter.empty() || m_filter.matches(*m_model, m_members[i]))
            m_rows.push_back(i);
    if (!m_model)
        return;
    const Model &model = *m_model;
    auto key = [&](uint32_t i) {
        const LaneMember &m = m_members[i];
        switch (m_sortColumn) {
        case DurationColumn: return int64_t(m.duration);
        case LagColumn: return m.lag;
        case ErrorsColumn: return int64_t(m.errors);
        case HopsColumn: return int64_t(m.hops);
        default: return m.start;
        }
    };
    auto less = [&](uint32_t a, uint32_t b) {
        switch (m_sortColumn) {
        case AttributeColumn:
            return std::tie(m_values[a], m_members[a].start) < std::tie(m_values[b], m_members[b].start);
        case TraceColumn: return model.traces[m_members[a].trace].id < model.traces[m_members[b].trace].id;
        case RootColumn: {
            const Trace &x = model.traces[m_members[a].trace], &y = model.traces[m_members[b].trace];
            const auto nx = x.root != kNone ? model.str(model.hot[x.root].name) : std::string_view();
            const auto ny = y.root != kNone ? model.str(model.hot[y.root].name) : std::string_view();
            return std::tie(nx, m_members[a].start) < std::tie(ny, m_members[b].start);
        }
        default: return std::make_pair(key(a), m_members[a].start) < std::make_pair(key(b), m_members[b].start);
        }
    };
    if (m_sortOrder == Qt::AscendingOrder)
        std::stable_sort(m_rows.begin(), m_rows.end(), less);
    else
        std::stable_sort(m_rows.begin(), m_rows.end(), [&](uint32_t a, uint32_t b) { return less(b, a); });
}

} // namespace causeway::ui
