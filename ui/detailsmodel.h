#pragma once
// The details of one span as a tree: the span's own fields, attributes,
// resource, scope, events, and the links in both directions. Link rows know
// where they lead so the panel can navigate there.

#include "core/model.h"

#include <QAbstractItemModel>

#include <memory>
#include <optional>
#include <vector>

namespace causeway::ui {

class DetailsModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, ColumnCount };
    enum Role {
        NavigableRole = Qt::UserRole + 1, // bool: activating the row goes to a span
        SectionRole,                       // bool: a top-level section
    };

    explicit DetailsModel(QObject *parent = nullptr);

    void setSpan(std::shared_ptr<const Model> model, uint32_t span);
    // The same span in a newer version of the data (a live refresh): when its
    // rows read as before, they are kept (no reset: the view keeps what is
    // expanded, current and scrolled to) and only the places they lead to
    // are renumbered. Returns whether the rows were kept.
    bool carryOver(std::shared_ptr<const Model> model, uint32_t span);
    uint32_t span() const { return m_span; }
    const std::shared_ptr<const Model> &model() const { return m_model; }

    // Where activating this row leads: a linked span, the parent span.
    bool navigationTarget(const QModelIndex &index, uint32_t &trace, uint32_t &span) const;
    // The ids a row is about (a link's other end, or the span itself), for copying.
    struct Ids { QString trace, span; };
    std::optional<Ids> ids(const QModelIndex &index) const;
    // An unresolved link's target trace (hex): not loaded, maybe in a backend.
    std::optional<QString> missingTarget(const QModelIndex &index) const;
    // Top-level sections by title prefix ("Links to", "Attributes", ...).
    QModelIndex section(const QString &titlePrefix) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node
    {
        QString name, value;
        int parent = -1;
        int row = 0;
        std::vector<int> children;
        uint32_t navTrace = kNone, navSpan = kNone;
        bool section = false;
        bool missing = false;                     // an unresolved link
        std::optional<std::pair<TraceId, SpanId>> ids;
    };

    int add(int parent, QString name, QString value = {});
    int addSection(const QString &title);
    void addValue(int parent, const QString &key, const Value &value);
    void addAttributes(int parent, Range attributes);
    void addLink(int section, uint32_t link, bool outgoing);
    void build();
    const Node *node(const QModelIndex &index) const;

    std::shared_ptr<const Model> m_model;
    uint32_t m_span = kNone;
    std::vector<Node> m_nodes;
    std::vector<int> m_roots;
};

} // namespace causeway::ui
