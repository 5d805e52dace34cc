#include "ui/linkmapview.h"

#include "ui/displaytext.h"
#include "ui/drawing.h"
#include "ui/hintedtree.h"
#include "ui/linkmapcanvas.h"
#include "ui/linkmappainter.h"
#include "ui/session.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <cstring>

namespace causeway::ui {

namespace {

// Rows listed for one edge; an edge of 40,000 links lists its slowest.
constexpr size_t kRowCap = 2000;

enum Column { LagColumn, LinkingColumn, LinkingTraceColumn, TargetColumn, TargetTraceColumn, ColumnCount };

} // namespace

LinkMapView::LinkMapView(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_layout(std::make_unique<AsyncLayout>())
{
    auto *top = new QHBoxLayout;
    top->setContentsMargins(6, 4, 6, 4);
    top->addWidget(new QLabel(tr("Group by:"), this));
    m_groupBox = new QComboBox(this);
    m_groupBox->setObjectName(QStringLiteral("linkMapGrouping"));
    m_groupBox->addItem(tr("Service"), int(LinkMapGrouping::Service));
    m_groupBox->addItem(tr("Operation (service + span name)"), int(LinkMapGrouping::Operation));
    m_groupBox->addItem(tr("Messaging destination"), int(LinkMapGrouping::Destination));
    top->addWidget(m_groupBox);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_status, 1);

    m_canvas = new LinkMapCanvas(this);
    m_links = new HintedTreeWidget(this);
    m_links->setObjectName(QStringLiteral("linkMapLinks"));
    m_links->setRootIsDecorated(false);
    m_links->setUniformRowHeights(true);
    m_links->setAlternatingRowColors(true);
    m_links->setColumnCount(ColumnCount);
    m_links->setHeaderLabels({tr("Lag"), tr("Linking span"), tr("Linking trace"), tr("Target span"), tr("Target trace")});
    m_links->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_links->setToolTip(tr("Links of the selected edge, slowest first. Double-click or Enter goes to the linking span in the lanes."));

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_canvas);
    split->addWidget(m_links);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_groupBox, &QComboBox::currentIndexChanged, this,
            [this](int) { setGrouping(LinkMapGrouping(m_groupBox->currentData().toInt())); });
    connect(m_canvas, &LinkMapCanvas::edgeClicked, this, &LinkMapView::showEdge);
    connect(m_links, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item, int) { onRowActivated(item); });
    if (m_session) {
        connect(m_session, &Session::loadingChanged, this, [this] {
            if (!m_session->model())
                m_canvas->setMessage(display::nothingLoaded(m_session->loading()));
        });
        connect(m_session, &Session::modelChanged, this, [this] {
            m_stale = true;
            if (!isVisible())
                return;
            if (!m_session->modelReplaced() || !m_picture) {
                rebuild();
                return;
            }
            // Live data: one map at a time, the newest data next (a newer
            // request superseding the one in flight would never finish
            // while spans keep coming).
            if (m_busy)
                m_refreshQueued = true;
            else
                rebuild(true);
        });
    }
}

LinkMapView::~LinkMapView()
{
    m_layout.reset();
}

const LinkMapPicture *LinkMapView::picture() const
{
    return m_picture.get();
}

std::optional<Drawing> LinkMapView::drawing() const
{
    if (!m_picture || !m_picture->hasLayout())
        return std::nullopt;
    std::shared_ptr<const LinkMapPicture> picture = m_picture;
    Drawing d;
    d.size = picture->size();
    d.paint = [picture](QPainter &painter) { picture->paint(painter); };
    return d;
}

void LinkMapView::setDark(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    m_stale = true;
    if (isVisible())
        rebuild();
}

void LinkMapView::setGrouping(LinkMapGrouping grouping)
{
    const int index = m_groupBox->findData(int(grouping));
    if (index != m_groupBox->currentIndex()) {
        m_groupBox->setCurrentIndex(index); // comes back here through the signal
        return;
    }
    if (grouping == m_grouping && !m_stale)
        return;
    m_grouping = grouping;
    m_stale = true;
    if (isVisible())
        rebuild();
}

void LinkMapView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale)
        rebuild();
}

QString LinkMapView::edgeKey(int edge) const
{
    if (!m_picture || edge < 0 || size_t(edge) >= m_picture->map().edges.size())
        return {};
    const LinkMap &map = m_picture->map();
    const LinkMapEdge &e = map.edges[size_t(edge)];
    return QString::fromStdString(map.nodes[e.from].label) + QLatin1Char('\n') + QString::fromStdString(map.nodes[e.to].label);
}

void LinkMapView::rebuild(bool keep)
{
    m_stale = false;
    m_refreshQueued = false;
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    const uint64_t request = ++m_request;
    keep = keep && model && !model->links.empty();
    if (!keep) {
        m_links->clear();
        m_links->setHint({});
        m_selectedEdge.clear();
        m_picture.reset();
        m_canvas->setPicture(nullptr);
    }
    if (!model || model->links.empty()) {
        m_busy = false;
        m_canvas->setMessage(model ? tr("The loaded traces have no span links.") : display::nothingLoaded(m_session ? m_session->loading() : QString()));
        m_status->clear();
        emit mapShown();
        return;
    }
    m_busy = true;
    if (!keep)
        m_canvas->setMessage(tr("Aggregating %L1 links…").arg(model->links.size()));
    const LinkMapGrouping grouping = m_grouping;
    const bool dark = m_dark;
    // The aggregation reads every link: off the GUI thread. The model stays
    // alive through the shared pointer the task holds.
    QPointer<LinkMapView> self(this);
    auto future = QtConcurrent::run([model, grouping] { return buildLinkMap(*model, grouping); });
    auto *watcher = new QFutureWatcher<LinkMap>(this);
    connect(watcher, &QFutureWatcher<LinkMap>::finished, this, [this, self, watcher, model, request, dark] {
        watcher->deleteLater();
        if (request != m_request)
            return;
        LinkMap map = watcher->result();
        const auto picture = std::make_shared<LinkMapPicture>(*model, std::move(map), dark);
        m_status->setText(display::count(model->links.size(), "link", "links") + QStringLiteral(" · ")
                          + display::count(picture->map().nodes.size(), "group", "groups") + QStringLiteral(" · ")
                          + display::count(picture->map().edges.size(), "edge", "edges")
                          + tr(" · lag = linking span start − target span start"));
        if (!m_picture)
            m_canvas->setMessage(tr("Laying out…"));
        m_layout->submit(picture->layoutRequest(), [self, picture, request](uint64_t, LayoutResult result) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, picture, request, result = std::move(result)] {
                    if (!self || request != self->m_request)
                        return;
                    self->m_busy = false;
                    if (!result.ok) {
                        self->m_picture.reset();
                        self->m_canvas->setPicture(nullptr);
                        self->m_links->clear();
                        self->m_links->setHint({});
                        self->m_canvas->setMessage(tr("Layout failed: %1").arg(QString::fromStdString(result.error)));
                        emit self->mapShown();
                        return;
                    }
                    picture->setLayout(result);
                    self->m_picture = picture;
                    self->m_canvas->setPicture(picture);
                    self->m_links->setHint(tr("Click an edge of the map to list its links here, slowest first."));
                    self->reselect();
                    emit self->mapShown();
                    if (self->m_refreshQueued)
                        self->rebuild(true);
                },
                Qt::QueuedConnection);
        });
    });
    watcher->setFuture(future);
}

void LinkMapView::reselect()
{
    const QString key = m_selectedEdge;
    const QTreeWidgetItem *current = m_links->currentItem();
    const QByteArray currentIds = current ? current->data(LinkingColumn, Qt::UserRole).toByteArray() : QByteArray();
    if (key.isEmpty() || !m_picture) {
        m_links->clear();
        m_selectedEdge.clear();
        return;
    }
    for (size_t e = 0; e < m_picture->map().edges.size(); ++e) {
        if (edgeKey(int(e)) != key)
            continue;
        showEdge(int(e));
        for (int r = 0; !currentIds.isEmpty() && r < m_links->topLevelItemCount(); ++r)
            if (m_links->topLevelItem(r)->data(LinkingColumn, Qt::UserRole).toByteArray() == currentIds) {
                m_links->setCurrentItem(m_links->topLevelItem(r));
                break;
            }
        return;
    }
    m_links->clear(); // the edge went with the traces that made it
    m_selectedEdge.clear();
}

void LinkMapView::showEdge(int edge)
{
    m_links->clear();
    m_selectedEdge = edgeKey(edge);
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    if (!model || !m_picture || edge < 0 || size_t(edge) >= m_picture->map().edges.size())
        return;
    m_canvas->setSelectedEdge(edge);
    const LinkMapEdge &e = m_picture->map().edges[size_t(edge)];
    QList<QTreeWidgetItem *> rows;
    const size_t n = std::min(e.links.size(), kRowCap);
    rows.reserve(qsizetype(n));
    for (size_t i = 0; i < n; ++i) {
        const uint32_t l = e.links[i];
        const Link &link = model->links[l];
        auto *item = new QTreeWidgetItem;
        item->setText(LagColumn, link.resolved() ? display::lag(linkLag(*model, l)) : tr("not loaded"));
        item->setTextAlignment(LagColumn, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(LinkingColumn, display::spanCaption(*model, link.from));
        item->setText(LinkingTraceColumn, display::traceCaption(*model, model->hot[link.from].trace));
        if (link.resolved()) {
            item->setText(TargetColumn, display::spanCaption(*model, link.target));
            item->setText(TargetTraceColumn, display::traceCaption(*model, model->hot[link.target].trace));
        } else {
            item->setText(TargetColumn, QString::fromStdString(link.spanId.hex()));
            item->setText(TargetTraceColumn, QString::fromStdString(link.traceId.hex()));
        }
        item->setData(LagColumn, Qt::UserRole, l);
        // The linking span by id: the row outlives the snapshot it was made from.
        const SpanCold &from = model->cold[link.from];
        QByteArray ids(reinterpret_cast<const char *>(from.traceId.bytes.data()), qsizetype(from.traceId.bytes.size()));
        ids.append(reinterpret_cast<const char *>(from.spanId.bytes.data()), qsizetype(from.spanId.bytes.size()));
        item->setData(LinkingColumn, Qt::UserRole, ids);
        rows.append(item);
    }
    m_links->addTopLevelItems(rows);
    if (e.links.size() > n) {
        auto *more = new QTreeWidgetItem;
        more->setText(LinkingColumn, tr("… and %L1 faster links").arg(e.links.size() - n));
        more->setFlags(Qt::NoItemFlags);
        m_links->addTopLevelItem(more);
    }
    if (!rows.isEmpty())
        m_links->setCurrentItem(rows.front());
}

void LinkMapView::onRowActivated(QTreeWidgetItem *item)
{
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    if (!item || !model || !item->data(LagColumn, Qt::UserRole).isValid())
        return;
    const QByteArray ids = item->data(LinkingColumn, Qt::UserRole).toByteArray();
    TraceId traceId;
    SpanId spanId;
    if (ids.size() != int(traceId.bytes.size() + spanId.bytes.size()))
        return;
    std::memcpy(traceId.bytes.data(), ids.constData(), traceId.bytes.size());
    std::memcpy(spanId.bytes.data(), ids.constData() + traceId.bytes.size(), spanId.bytes.size());
    const uint32_t span = model->findSpan(traceId, spanId);
    if (span == kNone)
        return; // evicted since the row was listed
    const uint32_t trace = model->hot[span].trace;
    m_session->navigateTo(trace, span);
    emit linkActivated(trace, span);
}

} // namespace causeway::ui
