#include "ui/tracelistmodel.h"

#include "ui/displaytext.h"
#include "ui/palette.h"

#include <algorithm>

#include <QIcon>
#include <QMetaObject>
#include <QPainter>
#include <QPixmap>
#include <QPolygonF>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace causeway::ui {

namespace {
// An arrow into a tray in the link colour: "came in from a backend".
QIcon fetchedIcon()
{
    static const QIcon icon = [] {
        QPixmap pixmap(32, 32);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        QPen pen(linkColor(false), 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
        p.setPen(pen);
        p.drawLine(QPointF(16, 4), QPointF(16, 20));
        p.drawPolyline(QPolygonF({QPointF(9, 13), QPointF(16, 20), QPointF(23, 13)}));
        p.drawPolyline(QPolygonF({QPointF(5, 21), QPointF(5, 28), QPointF(27, 28), QPointF(27, 21)}));
        return QIcon(pixmap);
    }();
    return icon;
}
} // namespace

TraceListModel::TraceListModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TraceListModel::setModel(std::shared_ptr<const Model> model)
{
    beginResetModel();
    m_model = std::move(model);
    m_rows = m_model ? int(m_model->traces.size()) : 0;
    m_rootRank.clear();
    m_servicesRank.clear();
    endResetModel();
}

uint64_t TraceListModel::sortKey(int row, int column) const
{
    if (!m_model || row < 0 || row >= m_rows || size_t(row) >= m_model->traces.size())
        return 0;
    const Trace &trace = m_model->traces[size_t(row)];
    switch (column) {
    case RootSpan:
    case Services: {
        auto &ranks = column == RootSpan ? m_rootRank : m_servicesRank;
        if (ranks.size() != m_model->traces.size())
            rankTexts(column);
        return ranks[size_t(row)];
    }
    case Start: return trace.start;
    case Duration: return trace.duration();
    case Spans: return trace.spans.count;
    case Errors: return trace.errorCount;
    case LinksOut: return trace.linksOut;
    case LinksIn: return trace.linksIn;
    }
    return 0;
}

void TraceListModel::rankTexts(int column) const
{
    // Rows share few distinct texts (root span names, sets of services):
    // each distinct one is made and lowercased once, and the distinct texts
    // sorted, instead of building two strings per comparison.
    const Model &m = *m_model;
    std::vector<std::string> keyOf(m.traces.size()); // what the text depends on, as bytes
    for (size_t t = 0; t < m.traces.size(); ++t) {
        const Trace &trace = m.traces[t];
        std::string &key = keyOf[t];
        if (column == RootSpan) {
            if (trace.root != kNone) {
                const StringId name = m.hot[trace.root].name;
                key.assign(reinterpret_cast<const char *>(&name), sizeof name);
            }
        } else {
            key.assign(reinterpret_cast<const char *>(m.traceServices.data() + trace.services.first),
                       trace.services.count * sizeof(StringId));
        }
    }
    std::unordered_map<std::string, uint32_t> distinct;
    std::vector<uint32_t> firstRow; // per distinct key, a row that has it
    for (size_t t = 0; t < keyOf.size(); ++t)
        if (distinct.try_emplace(keyOf[t], uint32_t(firstRow.size())).second)
            firstRow.push_back(uint32_t(t));
    std::vector<QString> texts(firstRow.size());
    for (size_t d = 0; d < firstRow.size(); ++d)
        texts[d] = sortText(m.traces[firstRow[d]], column); // also for traces not yet shown as rows
    std::vector<uint32_t> order(texts.size());
    for (uint32_t d = 0; d < order.size(); ++d)
        order[d] = d;
    std::sort(order.begin(), order.end(), [&texts](uint32_t a, uint32_t b) { return texts[a] < texts[b]; });
    std::vector<uint32_t> rankOf(texts.size());
    uint32_t rank = 0;
    for (size_t i = 0; i < order.size(); ++i) {
        if (i > 0 && texts[order[i]] != texts[order[i - 1]])
            ++rank; // equal texts share a rank, as equal values compare equal
        rankOf[order[i]] = rank;
    }
    auto &ranks = column == RootSpan ? m_rootRank : m_servicesRank;
    ranks.resize(keyOf.size());
    for (size_t t = 0; t < keyOf.size(); ++t)
        ranks[t] = rankOf[distinct.find(keyOf[t])->second];
}

void TraceListModel::applyChanges(std::shared_ptr<const Model> model, const ModelChanges &changes)
{
    if (changes.reset || !m_model || !model
        || size_t(changes.firstNewTrace) + changes.evictedTraces.size() != m_model->traces.size()
        || changes.firstNewTrace > model->traces.size()) {
        setModel(std::move(model));
        return;
    }
    // Evicted rows, in runs from the back so the indices ahead stay valid;
    // evicted traces not shown yet have no row.
    const auto &gone = changes.evictedTraces;
    size_t end = std::lower_bound(gone.begin(), gone.end(), uint32_t(m_rows)) - gone.begin();
    while (end > 0) {
        size_t begin = end - 1;
        while (begin > 0 && gone[begin - 1] + 1 == gone[begin])
            --begin;
        beginRemoveRows({}, int(gone[begin]), int(gone[end - 1]));
        m_rows -= int(end - begin);
        endRemoveRows();
        end = begin;
    }
    m_model = std::move(model);
    m_rootRank.clear(); // rows changed: ranked again when next sorted by text
    m_servicesRank.clear();
    const auto &changed = changes.changedTraces;
    for (size_t begin = 0; begin < changed.size() && changed[begin] < uint32_t(m_rows);) {
        size_t end = begin + 1;
        while (end < changed.size() && changed[end] == changed[end - 1] + 1 && changed[end] < uint32_t(m_rows))
            ++end;
        emit dataChanged(index(int(changed[begin]), 0), index(int(changed[end - 1]), ColumnCount - 1));
        begin = end;
    }
    if (insertSlice())
        queueSlice();
}

bool TraceListModel::insertSlice()
{
    const int rows = m_model ? int(m_model->traces.size()) : 0;
    if (rows > m_rows) {
        const int last = std::min(rows, m_rows + kRowsPerSlice) - 1;
        beginInsertRows({}, m_rows, last);
        m_rows = last + 1;
        endInsertRows();
    }
    return rows > m_rows;
}

void TraceListModel::queueSlice()
{
    if (m_sliceQueued)
        return;
    m_sliceQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        m_sliceQueued = false;
        if (insertSlice())
            queueSlice();
    }, Qt::QueuedConnection);
}

int TraceListModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() || !m_model)
        return 0;
    return m_rows;
}

int TraceListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TraceListModel::sortText(const Trace &trace, int column) const
{
    if (column == RootSpan)
        return trace.root != kNone ? display::spanCaption(*m_model, trace.root).toLower() : QString();
    return services(trace).toLower();
}

QString TraceListModel::services(const Trace &trace) const
{
    QStringList names;
    for (uint32_t i = trace.services.first; i < trace.services.end(); ++i)
        names << display::fromStd(m_model->str(m_model->traceServices[i]));
    return names.join(QStringLiteral(", "));
}

QVariant TraceListModel::data(const QModelIndex &index, int role) const
{
    if (!m_model || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto t = uint32_t(index.row());
    if (t >= m_model->traces.size()) // rows being removed, asked for before the new model is in
        return {};
    const Trace &trace = m_model->traces[t];
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case RootSpan: return trace.root != kNone ? display::spanCaption(*m_model, trace.root) : QStringLiteral("(no root)");
        case Services: return services(trace);
        // Month, day and time to the millisecond keep the column narrow; the tooltip has it all.
        case Start: return display::timestamp(trace.start).mid(5, 18);
        case Duration: return display::duration(trace.duration());
        case Spans: return trace.spans.count;
        case Errors: return trace.errorCount;
        case LinksOut: return trace.linksOut;
        case LinksIn: return trace.linksIn;
        }
        break;
    case SortRole:
        switch (column) {
        case RootSpan:
        case Services: return sortText(trace, column);
        case Start: return qulonglong(trace.start);
        case Duration: return qulonglong(trace.duration());
        case Spans: return trace.spans.count;
        case Errors: return trace.errorCount;
        case LinksOut: return trace.linksOut;
        case LinksIn: return trace.linksIn;
        }
        break;
    case TraceRole:
        return t;
    case FilterTextRole:
        return QString(data(index.siblingAtColumn(RootSpan), Qt::DisplayRole).toString() + QLatin1Char('\n')
                       + services(trace) + QLatin1Char('\n') + QString::fromLatin1(trace.id.hex()));
    case Qt::ToolTipRole: {
        QString tip = QStringLiteral("Trace %1\nstarts %5\n%2 spans, %3 root(s), depth %4")
                          .arg(QString::fromLatin1(trace.id.hex()))
                          .arg(trace.spans.count)
                          .arg(trace.rootCount)
                          .arg(trace.maxDepth + 1)
                          .arg(display::timestamp(trace.start));
        if (const QString fetched = display::fetchedFrom(*m_model, t); !fetched.isEmpty())
            tip += QLatin1Char('\n') + fetched;
        return tip;
    }
    case Qt::DecorationRole:
        // A trace fetched from a backend wears a mark, its tooltip says from where and when.
        if (column == RootSpan && !display::fetchedFrom(*m_model, t).isEmpty())
            return fetchedIcon();
        break;
    case FetchedRole:
        return display::fetchedFrom(*m_model, t);
    case Qt::TextAlignmentRole:
        if (column >= Duration)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ForegroundRole:
        if (column == Errors && trace.errorCount > 0)
            return errorColor();
        break;
    }
    return {};
}

QVariant TraceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case RootSpan: return QStringLiteral("Root span");
        case Services: return QStringLiteral("Services");
        case Start: return QStringLiteral("Start (UTC)");
        case Duration: return QStringLiteral("Duration");
        case Spans: return QStringLiteral("Spans");
        case Errors: return QStringLiteral("Errors");
        case LinksOut: return QStringLiteral("Links out");
        case LinksIn: return QStringLiteral("Links in");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LinksOut: return QStringLiteral("Links carried by this trace's spans (to their causes)");
        case LinksIn: return QStringLiteral("Loaded links from other spans into this trace");
        case Errors: return QStringLiteral("Spans with status ERROR");
        }
    }
    return {};
}

TraceFilterProxy::TraceFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(TraceListModel::SortRole);
    setFilterRole(TraceListModel::FilterTextRole);
}

void TraceFilterProxy::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

void TraceFilterProxy::setOnlyLinked(bool on)
{
    if (on == m_onlyLinked)
        return;
    m_onlyLinked = on;
    invalidateFilter();
}

int TraceFilterProxy::rowForTrace(uint32_t trace) const
{
    if (!sourceModel() || trace >= uint32_t(sourceModel()->rowCount()))
        return -1;
    return mapFromSource(sourceModel()->index(int(trace), 0)).row();
}

uint32_t TraceFilterProxy::traceAt(int proxyRow) const
{
    if (proxyRow < 0 || proxyRow >= rowCount())
        return kNone;
    return mapToSource(index(proxyRow, 0)).row();
}

bool TraceFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const auto *list = qobject_cast<const TraceListModel *>(sourceModel());
    if (!list || left.column() != right.column())
        return QSortFilterProxyModel::lessThan(left, right);
    return list->sortKey(left.row(), left.column()) < list->sortKey(right.row(), right.column());
}

bool TraceFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_onlyLinked) {
        const QModelIndex out = idx.siblingAtColumn(TraceListModel::LinksOut);
        const QModelIndex in = idx.siblingAtColumn(TraceListModel::LinksIn);
        if (out.data(TraceListModel::SortRole).toUInt() == 0 && in.data(TraceListModel::SortRole).toUInt() == 0)
            return false;
    }
    if (m_text.isEmpty())
        return true;
    // Every word must appear somewhere: "checkout error" narrows, not widens.
    const QString haystack = idx.data(TraceListModel::FilterTextRole).toString();
    const QStringList words = m_text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &w : words)
        if (!haystack.contains(w, Qt::CaseInsensitive))
            return false;
    return true;
}

} // namespace causeway::ui
