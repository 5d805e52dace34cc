#include "ui/tracelistmodel.h"

#include "ui/displaytext.h"
#include "ui/palette.h"
#include "ui/tracetexts.h"

#include <algorithm>

#include <QIcon>
#include <QMetaObject>
#include <QPainter>
#include <QPixmap>
#include <QPolygonF>

#include <algorithm>

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
    measureRows(0, {});
    endResetModel();
}

void TraceListModel::measureRows(uint32_t from, const std::vector<uint32_t> &changed)
{
    if (from == 0) {
        m_firstStart = UINT64_MAX;
        m_lastStart = 0;
        std::fill(std::begin(m_largest), std::end(m_largest), 0);
    }
    const uint32_t traces = m_model ? uint32_t(m_model->traces.size()) : 0;
    auto count = [&](uint32_t t) {
        const Trace &trace = m_model->traces[t];
        m_firstStart = std::min(m_firstStart, trace.start);
        m_lastStart = std::max(m_lastStart, trace.start);
        m_largest[Spans] = std::max<uint64_t>(m_largest[Spans], trace.spans.count);
        m_largest[Errors] = std::max<uint64_t>(m_largest[Errors], trace.errorCount);
        m_largest[LinksOut] = std::max<uint64_t>(m_largest[LinksOut], trace.linksOut);
        m_largest[LinksIn] = std::max<uint64_t>(m_largest[LinksIn], trace.linksIn);
    };
    for (uint32_t t = from; t < traces; ++t)
        count(t);
    for (uint32_t t : changed) // a kept trace given an earlier span
        if (t < from && t < traces)
            count(t);
    constexpr uint64_t kDay = 86'400ull * 1'000'000'000ull;
    m_day = m_lastStart >= m_firstStart && m_firstStart / kDay == m_lastStart / kDay
        ? display::timestamp(m_firstStart).left(10)
        : QString();
}

uint64_t TraceListModel::largest(int column) const
{
    return column >= 0 && column < ColumnCount ? m_largest[column] : 0;
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
    // New traces may start on another day; evicted ones may take the last of one with them.
    const QString day = m_day;
    measureRows(changes.evictedTraces.empty() ? changes.firstNewTrace : 0, changes.changedTraces);
    if (m_day != day && m_rows > 0) {
        emit dataChanged(index(0, Start), index(m_rows - 1, Start), {Qt::DisplayRole});
        emit headerDataChanged(Qt::Horizontal, Start, Start);
    }
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
    return servicesText(*m_model, trace).toLower();
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
        case RootSpan: return rootText(*m_model, trace);
        case Services: return servicesText(*m_model, trace);
        // The time to the millisecond, with month and day when the traces
        // span days, keeps the column narrow; the tooltip has it all.
        case Start: return m_day.isEmpty() ? display::timestamp(trace.start).mid(5, 18) : display::timestamp(trace.start).mid(11, 12);
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
                       + servicesText(*m_model, trace) + QLatin1Char('\n') + QString::fromLatin1(trace.id.hex()));
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
        case LinksOut: return QStringLiteral("Out");
        case LinksIn: return QStringLiteral("In");
        }
    }
    // A text column's label starts where its cells do, so a narrow one is
    // cut at its end ("Servic"), not on both sides. Number columns fit theirs
    // (TraceListPanel::fitColumns).
    if (role == Qt::TextAlignmentRole && (section == RootSpan || section == Services || section == Start))
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case LinksOut: return QStringLiteral("Links out: carried by this trace's spans, up to their causes");
        case LinksIn: return QStringLiteral("Links in: from other loaded spans into this trace, down to its effects");
        case Errors: return QStringLiteral("Spans with status ERROR");
        case Start:
            return m_day.isEmpty() ? QStringLiteral("When each trace's first span started (UTC)")
                                   : QStringLiteral("When each trace's first span started (UTC); all of them on %1").arg(m_day);
        }
    }
    return {};
}

} // namespace causeway::ui
