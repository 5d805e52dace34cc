#include "ui/detailspanel.h"

#include "ui/detailsmodel.h"
#include "ui/displaytext.h"
#include "ui/session.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QTreeView>
#include <QVBoxLayout>

namespace causeway::ui {

DetailsPanel::DetailsPanel(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new DetailsModel(this))
    , m_header(new QLabel(this))
    , m_view(new QTreeView(this))
{
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setContentsMargins(4, 2, 4, 2);

    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->header()->setStretchLastSection(true);
    m_view->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_view->setColumnWidth(0, 170);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_header);
    layout->addWidget(m_view);

    // QTreeView::activated covers double-click and Enter alike; a single
    // click on a link's (underlined) text goes there too, as links do.
    connect(m_view, &QTreeView::activated, this, &DetailsPanel::activate);
    m_view->viewport()->installEventFilter(this);
    m_view->viewport()->setMouseTracking(true);
    connect(m_view, &QWidget::customContextMenuRequested, this, &DetailsPanel::showContextMenu);

    auto *copyAction = new QAction(QStringLiteral("Copy Value"), m_view);
    copyAction->setShortcut(QKeySequence::Copy);
    copyAction->setShortcutContext(Qt::WidgetShortcut);
    connect(copyAction, &QAction::triggered, this, [this] {
        const QModelIndex i = m_view->currentIndex();
        if (i.isValid())
            copy(i.siblingAtColumn(DetailsModel::ValueColumn).data().toString());
    });
    m_view->addAction(copyAction);

    connect(m_session, &Session::modelChanged, this, &DetailsPanel::refresh);
    connect(m_session, &Session::loadingChanged, this, &DetailsPanel::refresh);
    connect(m_session, &Session::selectionChanged, this, &DetailsPanel::refresh);
    connect(m_session, &Session::focusChanged, this, &DetailsPanel::refresh);
    refresh();
}

void DetailsPanel::refresh()
{
    const auto &model = m_session->model();
    // With nothing selected the focus trace's root stands in: its links are
    // usually the first thing wanted.
    const bool selected = m_session->selectedSpan() != kNone;
    uint32_t span = m_session->selectedSpan();
    if (!selected && model && m_session->focusTrace() < model->traces.size())
        span = model->traces[m_session->focusTrace()].root;
    if (model == m_model->model() && span == m_model->span() && m_model->rowCount() > 0)
        return;
    // A live refresh that leaves the span's rows as they read keeps them:
    // what the user expanded, the current row and the scroll position stay.
    if (m_session->modelReplaced() && m_model->model() && model && m_model->span() != kNone) {
        if (m_model->carryOver(model, span))
            return;
    } else {
        m_model->setSpan(model, span);
    }
    if (m_model->span() == kNone) {
        m_header->setText(model                           ? QStringLiteral("No span selected: click a span in the flame graph or the lanes.")
                          : m_session->loading().isEmpty() ? QStringLiteral("Nothing loaded.")
                                                           : display::loading(m_session->loading()).toHtmlEscaped());
        return;
    }
    m_header->setText(QStringLiteral("<b>%1</b> — %2%3")
                          .arg(display::spanCaption(*model, span).toHtmlEscaped(),
                               display::duration(model->hot[span].end - model->hot[span].start),
                               selected ? QString() : QStringLiteral(" <i>(root of the focus trace)</i>")));
    for (const QString &title : {QStringLiteral("Span"), QStringLiteral("Attributes"), QStringLiteral("Events"),
                                 QStringLiteral("Links to"), QStringLiteral("Linked from")})
        m_view->expand(m_model->section(title));
    // A few links are worth seeing whole, with their attributes.
    for (const QString &title : {QStringLiteral("Links to"), QStringLiteral("Linked from")}) {
        const QModelIndex section = m_model->section(title);
        const int n = m_model->rowCount(section);
        for (int r = 0; r < n && n <= 5; ++r)
            m_view->expand(m_model->index(r, 0, section));
    }
    fitNameColumn();
}

void DetailsPanel::fitNameColumn()
{
    // Keys as wide as they need, but the values keep at least half the width,
    // also after the dock got narrower.
    m_view->resizeColumnToContents(DetailsModel::NameColumn);
    const int cap = std::max(60, m_view->viewport()->width() / 2);
    if (m_view->columnWidth(DetailsModel::NameColumn) > cap)
        m_view->setColumnWidth(DetailsModel::NameColumn, cap);
}

bool DetailsPanel::isOnLinkText(QPoint pos) const
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid() || index.column() != DetailsModel::NameColumn
        || !index.data(DetailsModel::NavigableRole).toBool())
        return false;
    const QRect cell = m_view->visualRect(index);
    const QFont font = index.data(Qt::FontRole).value<QFont>().resolve(m_view->font());
    const int text = QFontMetrics(font).horizontalAdvance(index.data().toString());
    // The text starts a few pixels into the cell (the style's margin) and may be elided.
    return pos.x() >= cell.left() && pos.x() <= std::min(cell.right(), cell.left() + text + 8);
}

bool DetailsPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport()) {
        switch (event->type()) {
        case QEvent::Resize:
            if (m_model->span() != kNone)
                fitNameColumn();
            break;
        case QEvent::MouseMove: {
            const auto *mouse = static_cast<QMouseEvent *>(event);
            if (mouse->buttons() == Qt::NoButton) {
                if (isOnLinkText(mouse->position().toPoint()))
                    m_view->viewport()->setCursor(Qt::PointingHandCursor);
                else
                    m_view->viewport()->unsetCursor();
            }
            break;
        }
        case QEvent::MouseButtonRelease: {
            const auto *mouse = static_cast<QMouseEvent *>(event);
            const QPoint pos = mouse->position().toPoint();
            if (mouse->button() == Qt::LeftButton && mouse->modifiers() == Qt::NoModifier && isOnLinkText(pos)) {
                // After the view has handled the release (selection), so navigation wins.
                const QPersistentModelIndex index = m_view->indexAt(pos);
                QMetaObject::invokeMethod(this, [this, index] {
                    if (index.isValid())
                        activate(index);
                }, Qt::QueuedConnection);
            }
            break;
        }
        default:
            break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool DetailsPanel::activate(const QModelIndex &index)
{
    uint32_t trace = kNone, span = kNone;
    if (!m_model->navigationTarget(index, trace, span)) {
        if (const auto target = m_model->missingTarget(index)) {
            emit missingLinkActivated(*target);
            return true;
        }
        return false;
    }
    m_session->navigateTo(trace, span);
    return true;
}

void DetailsPanel::copy(const QString &text)
{
    QApplication::clipboard()->setText(text);
}

void DetailsPanel::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    if (!index.isValid())
        return;
    QMenu menu(this);
    uint32_t trace = kNone, span = kNone;
    if (m_model->navigationTarget(index, trace, span))
        menu.addAction(QStringLiteral("Go to Span"), this, [this, index] { activate(index); });
    const QString value = index.siblingAtColumn(DetailsModel::ValueColumn).data().toString();
    if (!value.isEmpty())
        menu.addAction(QStringLiteral("Copy Value"), this, [this, value] { copy(value); });
    if (const auto ids = m_model->ids(index)) {
        menu.addSeparator();
        menu.addAction(QStringLiteral("Copy Trace ID"), this, [this, t = ids->trace] { copy(t); });
        menu.addAction(QStringLiteral("Copy Span ID"), this, [this, s = ids->span] { copy(s); });
        menu.addAction(QStringLiteral("Copy as TRACEID/SPANID"), this,
                       [this, r = ids->trace + QLatin1Char('/') + ids->span] { copy(r); });
    }
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

} // namespace causeway::ui
