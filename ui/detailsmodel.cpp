#include "ui/detailsmodel.h"

#include "core/spansearch.h"
#include "ui/displaytext.h"

#include <QFont>

#include <algorithm>
#include <utility>

namespace causeway::ui {

namespace {

QString kindName(const SpanCold &cold, SpanKind kind)
{
    switch (kind) {
    case SpanKind::Internal: return QStringLiteral("Internal");
    case SpanKind::Server: return QStringLiteral("Server");
    case SpanKind::Client: return QStringLiteral("Client");
    case SpanKind::Producer: return QStringLiteral("Producer");
    case SpanKind::Consumer: return QStringLiteral("Consumer");
    case SpanKind::Unspecified: break;
    }
    return cold.rawKind > 5 ? QStringLiteral("Unknown (%1)").arg(cold.rawKind) : QStringLiteral("Unspecified");
}

QString statusName(StatusCode status)
{
    switch (status) {
    case StatusCode::Ok: return QStringLiteral("Ok");
    case StatusCode::Error: return QStringLiteral("Error");
    case StatusCode::Unset: break;
    }
    return QStringLiteral("Unset");
}

QString hex(const auto &id) { return QString::fromLatin1(id.hex()); }

} // namespace

DetailsModel::DetailsModel(QObject *parent)
    : QAbstractItemModel(parent)
{
}

void DetailsModel::setSpan(std::shared_ptr<const Model> model, uint32_t span)
{
    beginResetModel();
    m_model = std::move(model);
    m_span = m_model && span < m_model->spanCount() ? span : kNone;
    build();
    endResetModel();
}

bool DetailsModel::carryOver(std::shared_ptr<const Model> model, uint32_t span)
{
    if (!m_model || !model || m_span == kNone || span >= model->spanCount()
        || !(m_model->cold[m_span].spanId == model->cold[span].spanId)
        || !(m_model->cold[m_span].traceId == model->cold[span].traceId)) {
        setSpan(std::move(model), span);
        return false;
    }
    // Built aside and compared: the details of one span are a few hundred rows.
    std::vector<Node> before = std::move(m_nodes);
    std::vector<int> beforeRoots = std::move(m_roots);
    std::shared_ptr<const Model> beforeModel = std::exchange(m_model, std::move(model));
    const uint32_t beforeSpan = std::exchange(m_span, span);
    m_nodes.clear();
    m_roots.clear();
    build();
    const bool same = beforeRoots == m_roots && before.size() == m_nodes.size()
        && std::equal(before.begin(), before.end(), m_nodes.begin(), [](const Node &a, const Node &b) {
               return a.name == b.name && a.value == b.value && a.parent == b.parent && a.children == b.children
                   && a.missing == b.missing;
           });
    if (same)
        return true;
    // Rows differ (a link arrived or its target went): start over, with the
    // rows before in place until the views were told.
    std::vector<Node> after = std::exchange(m_nodes, std::move(before));
    std::vector<int> afterRoots = std::exchange(m_roots, std::move(beforeRoots));
    std::shared_ptr<const Model> afterModel = std::exchange(m_model, std::move(beforeModel));
    m_span = beforeSpan;
    beginResetModel();
    m_nodes = std::move(after);
    m_roots = std::move(afterRoots);
    m_model = std::move(afterModel);
    m_span = span;
    endResetModel();
    return false;
}

int DetailsModel::add(int parent, QString name, QString value)
{
    Node n;
    n.name = std::move(name);
    n.value = std::move(value);
    n.parent = parent;
    const int id = int(m_nodes.size());
    auto &siblings = parent < 0 ? m_roots : m_nodes[parent].children;
    n.row = int(siblings.size());
    siblings.push_back(id);
    m_nodes.push_back(std::move(n));
    return id;
}

int DetailsModel::addSection(const QString &title)
{
    const int id = add(-1, title);
    m_nodes[id].section = true;
    return id;
}

void DetailsModel::addValue(int parent, const QString &key, const Value &value)
{
    const Model &m = *m_model;
    const int id = add(parent, key, display::fromStd(valueText(m, value)));
    if (value.type == ValueType::Array) {
        for (uint32_t i = 0; i < value.range.count; ++i)
            addValue(id, QStringLiteral("[%1]").arg(i), m.values[value.range.first + i]);
    } else if (value.type == ValueType::KvList) {
        addAttributes(id, value.range);
    }
}

void DetailsModel::addAttributes(int parent, Range attributes)
{
    for (uint32_t a = attributes.first; a < attributes.end(); ++a) {
        const Attribute &attr = m_model->attributes[a];
        addValue(parent, display::fromStd(m_model->str(attr.key)), attr.value);
    }
}

void DetailsModel::addLink(int section, uint32_t linkIndex, bool outgoing)
{
    const Model &m = *m_model;
    const Link &link = m.links[linkIndex];
    const uint32_t other = outgoing ? link.target : link.from;
    int id;
    if (other == kNone) {
        id = add(section, QStringLiteral("target not loaded"),
                 QStringLiteral("trace %1, span %2").arg(hex(link.traceId), hex(link.spanId)));
        m_nodes[id].missing = true;
        m_nodes[id].ids = std::make_pair(link.traceId, link.spanId);
    } else {
        const uint32_t trace = m.hot[other].trace;
        const QString where = trace == m.hot[m_span].trace ? QStringLiteral("this trace")
                                                          : QStringLiteral("in ") + display::traceCaption(m, trace);
        const QString service = display::fromStd(m.str(m.hot[other].service));
        id = add(section, display::spanCaption(m, other),
                 service.isEmpty() ? where : service + QStringLiteral(" · ") + where);
        m_nodes[id].navTrace = trace;
        m_nodes[id].navSpan = other;
        m_nodes[id].ids = std::make_pair(m.cold[other].traceId, m.cold[other].spanId);
    }
    addAttributes(id, link.attributes);
    if (link.traceState)
        add(id, QStringLiteral("trace state"), display::fromStd(m.str(link.traceState)));
    if (link.droppedAttributesCount)
        add(id, QStringLiteral("dropped attributes"), QString::number(link.droppedAttributesCount));
}

void DetailsModel::build()
{
    m_nodes.clear();
    m_roots.clear();
    if (m_span == kNone)
        return;
    const Model &m = *m_model;
    const SpanHot &h = m.hot[m_span];
    const SpanCold &c = m.cold[m_span];
    const Trace &trace = m.traces[h.trace];

    const int span = addSection(QStringLiteral("Span"));
    add(span, QStringLiteral("name"), display::spanCaption(m, m_span));
    add(span, QStringLiteral("kind"), kindName(c, h.kind));
    add(span, QStringLiteral("service"), display::fromStd(m.str(h.service)));
    add(span, QStringLiteral("start"), display::timestamp(h.start));
    add(span, QStringLiteral("offset in trace"), display::offset(int64_t(h.start - trace.start)));
    add(span, QStringLiteral("duration"), display::duration(h.end - h.start));
    QString status = statusName(h.status);
    if (c.statusMessage)
        status += QStringLiteral(": ") + display::fromStd(m.str(c.statusMessage));
    add(span, QStringLiteral("status"), status);
    const int traceRow = add(span, QStringLiteral("trace"), display::traceCaption(m, h.trace));
    m_nodes[traceRow].ids = std::make_pair(c.traceId, c.spanId);
    add(span, QStringLiteral("trace id"), hex(c.traceId));
    if (const QString fetched = display::fetchedFrom(m, h.trace); !fetched.isEmpty()) {
        const int row = add(span, QStringLiteral("source"), fetched);
        if (const SourceFile *source = m.sourceOfTrace(h.trace))
            add(row, QStringLiteral("url"), display::fromStd(source->name));
    }
    add(span, QStringLiteral("span id"), hex(c.spanId));
    if (!c.parentSpanId.isZero()) {
        const int p = add(span, QStringLiteral("parent span id"), hex(c.parentSpanId));
        if (h.parent != kNone) {
            m_nodes[p].value += QStringLiteral(" (") + display::spanCaption(m, h.parent) + QLatin1Char(')');
            m_nodes[p].navTrace = h.trace;
            m_nodes[p].navSpan = h.parent;
        } else {
            m_nodes[p].value += QStringLiteral(" (not loaded)");
        }
    }
    if (c.traceState)
        add(span, QStringLiteral("trace state"), display::fromStd(m.str(c.traceState)));
    if (c.flags)
        add(span, QStringLiteral("flags"), QStringLiteral("0x%1").arg(c.flags, 0, 16));
    if (c.droppedAttributesCount)
        add(span, QStringLiteral("dropped attributes"), QString::number(c.droppedAttributesCount));
    if (c.droppedEventsCount)
        add(span, QStringLiteral("dropped events"), QString::number(c.droppedEventsCount));
    if (c.droppedLinksCount)
        add(span, QStringLiteral("dropped links"), QString::number(c.droppedLinksCount));

    addAttributes(addSection(QStringLiteral("Attributes (%1)").arg(c.attributes.count)), c.attributes);

    if (c.scope < m.scopes.size()) {
        const Scope &scope = m.scopes[c.scope];
        if (scope.resource < m.resources.size()) {
            const Resource &res = m.resources[scope.resource];
            const int r = addSection(QStringLiteral("Resource (%1)").arg(res.attributes.count));
            addAttributes(r, res.attributes);
            if (res.schemaUrl)
                add(r, QStringLiteral("schema url"), display::fromStd(m.str(res.schemaUrl)));
        }
        const int s = addSection(QStringLiteral("Scope"));
        add(s, QStringLiteral("name"), display::fromStd(m.str(scope.name)));
        if (scope.version)
            add(s, QStringLiteral("version"), display::fromStd(m.str(scope.version)));
        if (scope.schemaUrl)
            add(s, QStringLiteral("schema url"), display::fromStd(m.str(scope.schemaUrl)));
        if (!scope.attributes.empty())
            addAttributes(add(s, QStringLiteral("attributes"), QString::number(scope.attributes.count)), scope.attributes);
    }

    if (!c.events.empty()) {
        const int e = addSection(QStringLiteral("Events (%1)").arg(c.events.count));
        for (uint32_t i = c.events.first; i < c.events.end(); ++i) {
            const Event &ev = m.events[i];
            const int id = add(e, display::fromStd(m.str(ev.name)), display::offset(int64_t(ev.time - h.start)));
            addAttributes(id, ev.attributes);
        }
    }

    const Range out = m.outgoingLinks(m_span);
    const int to = addSection(QStringLiteral("Links to (%1)").arg(out.count));
    for (uint32_t l = out.first; l < out.end(); ++l)
        addLink(to, l, true);
    const Range in = m.incomingLinks(m_span);
    const int from = addSection(QStringLiteral("Linked from (%1)").arg(in.count));
    for (uint32_t i = in.first; i < in.end(); ++i)
        addLink(from, m.incoming[i], false);
}

const DetailsModel::Node *DetailsModel::node(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.internalId() >= m_nodes.size())
        return nullptr;
    return &m_nodes[index.internalId()];
}

bool DetailsModel::navigationTarget(const QModelIndex &index, uint32_t &trace, uint32_t &span) const
{
    const Node *n = node(index);
    if (!n || n->navTrace == kNone)
        return false;
    trace = n->navTrace;
    span = n->navSpan;
    return true;
}

std::optional<DetailsModel::Ids> DetailsModel::ids(const QModelIndex &index) const
{
    // A row inside a link (its attributes) is about that link too.
    for (const Node *n = node(index); n; n = n->parent >= 0 ? &m_nodes[n->parent] : nullptr)
        if (n->ids)
            return Ids{hex(n->ids->first), hex(n->ids->second)};
    if (m_span == kNone)
        return std::nullopt;
    return Ids{hex(m_model->cold[m_span].traceId), hex(m_model->cold[m_span].spanId)};
}

QModelIndex DetailsModel::section(const QString &titlePrefix) const
{
    for (int r = 0; r < int(m_roots.size()); ++r)
        if (m_nodes[m_roots[r]].name.startsWith(titlePrefix))
            return createIndex(r, 0, quintptr(m_roots[r]));
    return {};
}

QModelIndex DetailsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const std::vector<int> *children = &m_roots;
    if (parent.isValid()) {
        const Node *p = node(parent);
        if (!p || parent.column() != 0)
            return {};
        children = &p->children;
    }
    if (row >= int(children->size()))
        return {};
    return createIndex(row, column, quintptr((*children)[row]));
}

QModelIndex DetailsModel::parent(const QModelIndex &child) const
{
    const Node *n = node(child);
    if (!n || n->parent < 0)
        return {};
    return createIndex(m_nodes[n->parent].row, 0, quintptr(n->parent));
}

int DetailsModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_roots.size());
    if (parent.column() != 0)
        return 0;
    const Node *n = node(parent);
    return n ? int(n->children.size()) : 0;
}

int DetailsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant DetailsModel::data(const QModelIndex &index, int role) const
{
    const Node *n = node(index);
    if (!n)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return index.column() == NameColumn ? n->name : n->value;
    case Qt::ToolTipRole:
        if (n->navTrace != kNone)
            return QStringLiteral("Click, or press Enter, to go to this span");
        if (n->missing)
            return QStringLiteral("The linked span is not in the loaded files; right-click to copy its ids");
        return index.column() == ValueColumn && !n->value.isEmpty() ? n->value : QVariant();
    case Qt::FontRole:
        if (n->section || (n->navTrace != kNone && index.column() == NameColumn)) {
            QFont f;
            f.setBold(n->section);
            f.setUnderline(!n->section);
            return f;
        }
        if (n->missing && index.column() == NameColumn) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        break;
    case NavigableRole:
        return n->navTrace != kNone;
    case SectionRole:
        return n->section;
    }
    return {};
}

QVariant DetailsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? QStringLiteral("Field") : section == ValueColumn ? QStringLiteral("Value") : QVariant();
}

} // namespace causeway::ui

namespace causeway::ui {

std::optional<QString> DetailsModel::missingTarget(const QModelIndex &index) const
{
    const Node *n = node(index);
    if (!n || !n->missing || !n->ids)
        return std::nullopt;
    return QString::fromStdString(n->ids->first.hex());
}

} // namespace causeway::ui
