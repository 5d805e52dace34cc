#pragma once
// The members of a group lane ("1,000 × process item") as a table: start,
// duration, link lag, errors, hops and one chosen attribute of the link
// that ties each member to the chain. Filtering and sorting happen here on
// the plain values (a proxy would go through QVariant for 100,000 rows).

#include "core/lanesquery.h"

#include <QAbstractTableModel>

#include <memory>
#include <string>
#include <vector>

namespace causeway::ui {

class LaneGroupModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StartColumn, DurationColumn, LagColumn, ErrorsColumn, HopsColumn, AttributeColumn, RootColumn, TraceColumn,
        ColumnCount
    };
    // Qt::UserRole gives the trace index; SortRole a value that sorts numerically.
    static constexpr int TraceRole = Qt::UserRole;
    static constexpr int SortRole = Qt::UserRole + 1;

    // What the table holds, worked out from the model alone (no Qt
    // objects): a worker prepares it for 100,000 members while the
    // members list is already open.
    struct Rows
    {
        std::vector<LaneMember> members;
        std::vector<std::string> keys;   // memberAttributeKeys()
        std::vector<std::string> values; // per member: the first key's value
    };
    static Rows prepare(const Model &model, std::vector<LaneMember> members);

    LaneGroupModel(std::shared_ptr<const Model> model, std::vector<LaneMember> members, QObject *parent = nullptr);
    // Empty until setRows().
    explicit LaneGroupModel(std::shared_ptr<const Model> model, QObject *parent = nullptr);
    // The rows prepare() made for this model; the filter and sort set so far apply.
    void setRows(Rows rows);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    // The filter of MemberFilter ("sku=SKU-05000", "error", a trace id prefix, a name).
    void setFilter(const QString &text);
    // The attribute shown in AttributeColumn; keys offers the ones that tell members apart.
    void setAttributeKey(const QString &key);
    QString attributeKey() const { return QString::fromStdString(m_key); }
    QStringList attributeKeys() const;

    uint32_t traceAt(int row) const { return m_members[m_rows[size_t(row)]].trace; }
    int totalCount() const { return int(m_members.size()); }

private:
    void applyFilterAndSort();

    std::shared_ptr<const Model> m_model;
    std::vector<LaneMember> m_members;
    std::vector<std::string> m_values;  // per member: the chosen attribute's value
    std::vector<uint32_t> m_rows;       // shown members, in order
    MemberFilter m_filter;
    std::string m_key;
    std::vector<std::string> m_keys;
    int m_sortColumn = StartColumn;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};

} // namespace causeway::ui
