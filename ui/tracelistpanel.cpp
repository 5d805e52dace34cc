#include "ui/tracelistpanel.h"

#include "ui/session.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"

#include <QCheckBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace causeway::ui {

TraceListPanel::TraceListPanel(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new TraceListModel(this))
    , m_proxy(new TraceFilterProxy(this))
    , m_filter(new QLineEdit(this))
    , m_onlyLinked(new QCheckBox(QStringLiteral("Only traces with links"), this))
    , m_count(new QLabel(this))
    , m_view(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_filter->setPlaceholderText(QStringLiteral("Filter traces: name, service, trace id (Ctrl+L)"));
    m_filter->setClearButtonEnabled(true);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(TraceListModel::Start, Qt::AscendingOrder);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setHighlightSections(false);
    fitColumns();

    auto *options = new QHBoxLayout;
    options->addWidget(m_onlyLinked);
    options->addStretch(1);
    options->addWidget(m_count);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_filter);
    layout->addLayout(options);
    layout->addWidget(m_view);

    // Filtering only narrows the list: the rows that come and go must not move
    // the focus (or record history). Selecting a row does.
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_following = true;
        m_proxy->setText(text);
        m_following = false;
        updateCount();
        followFocus();
    });
    connect(m_onlyLinked, &QCheckBox::toggled, this, [this](bool on) {
        m_following = true;
        m_proxy->setOnlyLinked(on);
        m_following = false;
        updateCount();
        followFocus();
    });
    // Sorting moves the selected row (a long list once the worker is done): keep it in view.
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, [this] {
        const QModelIndex current = m_view->currentIndex();
        if (current.isValid())
            m_view->scrollTo(current, QAbstractItemView::PositionAtCenter);
    });
    // A new filter, or a long list's first order, resets the rows: the
    // current row comes back on the focused trace, which is not navigating.
    connect(m_proxy, &QAbstractItemModel::modelAboutToBeReset, this, [this] { m_following = true; });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] {
        m_following = false;
        updateCount();
        followFocus();
    });
    connect(m_proxy, &TraceFilterProxy::busyChanged, this, [this](bool busy) {
        m_view->viewport()->setCursor(busy ? Qt::BusyCursor : Qt::ArrowCursor);
        updateCount();
    });
    // Columns share the width the dock has (see fitColumns) until the user sizes one.
    connect(m_view->horizontalHeader(), &QHeaderView::sectionResized, this, [this] {
        if (!m_fittingColumns && isVisible())
            m_userSizedColumns = true;
    });
    m_view->viewport()->installEventFilter(this);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (m_following || !current.isValid())
                    return;
                const uint32_t trace = m_proxy->traceAt(current.row());
                if (trace != kNone && trace != m_session->focusTrace())
                    m_session->navigateTo(trace);
            });
    // Live data: rows come and go as the model grows, without a reset.
    // Rows removed under the current one (the retention cap) move the
    // current row to a neighbour: that is not the user choosing it.
    connect(m_session, &Session::modelUpdated, this, [this](const ModelChanges &changes) {
        m_following = true;
        // The place is taken before the rows move: removing the current
        // row moves it to a neighbour, and the view scrolls to that.
        keepPlaceBeforeRowsMove();
        m_refreshing = true;
        m_model->applyChanges(m_session->model(), changes);
        m_refreshing = false;
        keepPlaceAfterRowsMoved();
        m_following = false;
    });
    // Rows of a large refresh arrive in slices after it.
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TraceListPanel::updateCount);
    // The later slices of a large refresh: the list places them (as rows,
    // or all anew when they land in many places) before this runs.
    connect(m_model, &QAbstractItemModel::rowsAboutToBeInserted, this, &TraceListPanel::keepPlaceBeforeRowsMove);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &TraceListPanel::keepPlaceAfterRowsMoved);
    connect(m_session, &Session::modelChanged, this, &TraceListPanel::reload);
    // Each live refresh renumbers the traces and says so as a focus change:
    // the current row follows its trace, but the list scrolls to it only
    // when the focus is another trace (the reader may have scrolled away).
    connect(m_session, &Session::focusChanged, this, [this] { followFocus(focusMoved()); });
    reload();
}

bool TraceListPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize)
        fitColumns();
    return QWidget::eventFilter(watched, event);
}

void TraceListPanel::fitColumns()
{
    if (m_userSizedColumns)
        return;
    // Natural and smallest useful widths in digits; when the dock is narrow the
    // text columns give way first and the numbers stay readable.
    struct Width { int column; double natural, least; };
    static constexpr Width widths[] = {
        {TraceListModel::RootSpan, 22, 9}, {TraceListModel::Services, 12, 6}, {TraceListModel::Start, 17, 7},
        {TraceListModel::Duration, 9, 7},  {TraceListModel::Spans, 6, 4},     {TraceListModel::Errors, 6, 4},
        {TraceListModel::LinksOut, 6, 4},  {TraceListModel::LinksIn, 6, 4}};
    const double digit = m_view->fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const double available = m_view->viewport()->width();
    // A number column is never narrower than its header's label, and at its
    // natural width has room for the sort mark too: a clipped "Errors" is no
    // header at all. The text columns elide their cells instead.
    const QHeaderView *header = m_view->horizontalHeader();
    const int margin = header->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
    const int mark = header->style()->pixelMetric(QStyle::PM_HeaderMarkSize, nullptr, header);
    auto isText = [](int column) {
        return column == TraceListModel::RootSpan || column == TraceListModel::Services || column == TraceListModel::Start;
    };
    auto labelOf = [&](int column) {
        const QString label = m_proxy->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        return double(header->fontMetrics().horizontalAdvance(label) + 2 * margin + 2);
    };
    // Nor narrower than its largest count: "10,000" links cut to "10…" says
    // nothing. The cell's text has the focus frame's margin on each side.
    const int cellMargin = m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 1;
    auto valueOf = [&](int column) {
        const uint64_t largest = m_model->largest(column);
        return largest ? double(m_view->fontMetrics().horizontalAdvance(m_view->locale().toString(qulonglong(largest))) + 2 * cellMargin + 2)
                       : 0.0;
    };
    auto leastOf = [&](const Width &w) {
        return isText(w.column) ? w.least * digit : std::max({w.least * digit, labelOf(w.column), valueOf(w.column)});
    };
    auto naturalOf = [&](const Width &w) {
        return isText(w.column) ? w.natural * digit
                                : std::max({w.natural * digit, labelOf(w.column) + mark + margin, valueOf(w.column)});
    };
    double natural = 0, least = 0;
    for (const Width &w : widths) {
        natural += naturalOf(w);
        least += leastOf(w);
    }
    m_fittingColumns = true;
    for (const Width &w : widths) {
        double width = naturalOf(w);
        if (available >= natural) {
            // Room to spare goes to the root span's name.
            if (w.column == TraceListModel::RootSpan)
                width += available - natural;
        } else {
            // Shrink every column between its natural and least width alike.
            const double t = std::clamp((available - least) / std::max(1.0, natural - least), 0.0, 1.0);
            width = leastOf(w) + t * (naturalOf(w) - leastOf(w));
        }
        m_view->setColumnWidth(w.column, int(width));
    }
    m_fittingColumns = false;
}

void TraceListPanel::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void TraceListPanel::reload()
{
    // A live refresh has been applied through modelUpdated already.
    const bool fresh = m_model->model() != m_session->model();
    if (fresh)
        m_model->setModel(m_session->model());
    fitColumns(); // the counts' widths may have changed
    updateCount();
    followFocus(fresh || focusMoved());
}

bool TraceListPanel::focusMoved() const
{
    const uint32_t trace = m_session->focusTrace();
    const auto &model = m_session->model();
    return !model || trace >= model->traces.size() || model->traces[trace].id != m_followedTrace;
}

void TraceListPanel::updateCount()
{
    if (m_proxy->isBusy())
        m_count->setText(QStringLiteral("Sorting %L1 traces…").arg(m_model->rowCount()));
    else
        m_count->setText(QStringLiteral("%L1 of %L2").arg(m_proxy->rowCount()).arg(m_model->rowCount()));
}

bool TraceListPanel::showsLastRow() const
{
    // From the scroll bar, not rowAt(): after rows came or went, that lays
    // the whole list out again first (0.3-0.5 ms a refresh at 100k traces).
    // The bar's range is only as new as its value, which is what counts.
    const QScrollBar *bar = m_view->verticalScrollBar();
    return bar->value() >= bar->maximum();
}

// Live data moves rows under the reader: evicted rows, new rows placed by
// the sort, or the whole list placed anew when they land in many places.
// The place is kept by trace id, which all of these leave alone.
void TraceListPanel::keepPlaceBeforeRowsMove()
{
    // A hidden list has no place to keep (and following its end would lay it
    // out on every refresh: 0.2-0.45 ms that a shown list pays at its next
    // paint anyway).
    if (m_placeKept || m_refreshing || !m_view->isVisible())
        return;
    m_placeKept = true;
    m_atLastRow = showsLastRow();
    m_shownTraces.clear();
    const auto &model = m_model->model(); // the rows shown are its traces
    const int top = m_view->rowAt(0);
    if (!model || top < 0)
        return;
    const int bottom = m_view->rowAt(m_view->viewport()->height() - 1);
    for (int row = top, last = bottom < 0 ? m_proxy->rowCount() - 1 : bottom; row <= last; ++row) {
        const uint32_t trace = m_proxy->traceAt(row);
        if (trace < model->traces.size())
            m_shownTraces.push_back(model->traces[trace].id);
    }
}

void TraceListPanel::keepPlaceAfterRowsMoved()
{
    if (!m_placeKept || m_refreshing)
        return;
    m_placeKept = false;
    if (m_atLastRow) {
        m_view->scrollToBottom(); // as a capture follows its newest packets
        return;
    }
    // The top row shown before, or if it was evicted the first one after it that stays.
    const auto &model = m_model->model();
    for (const TraceId &id : m_shownTraces) {
        const uint32_t trace = model ? model->findTrace(id) : kNone;
        const int row = trace == kNone ? -1 : m_proxy->rowForTrace(trace);
        if (row >= 0) {
            m_view->scrollTo(m_proxy->index(row, 0), QAbstractItemView::PositionAtTop);
            return;
        }
    }
}

void TraceListPanel::followFocus(bool scroll)
{
    const uint32_t trace = m_session->focusTrace();
    const auto &model = m_session->model();
    m_followedTrace = model && trace < model->traces.size() ? model->traces[trace].id : TraceId{};
    const int row = trace == kNone ? -1 : m_proxy->rowForTrace(trace);
    m_following = true;
    if (row < 0) {
        m_view->selectionModel()->clearSelection();
        m_view->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
    } else {
        const QModelIndex index = m_proxy->index(row, 0);
        m_view->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        if (scroll)
            m_view->scrollTo(index);
    }
    m_following = false;
}

} // namespace causeway::ui
