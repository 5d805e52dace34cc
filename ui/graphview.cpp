#include "ui/graphview.h"

#include "ui/displaytext.h"
#include "ui/session.h"

#include <QPainter>
#include <QTimer>

#include <algorithm>

namespace causeway::ui {

namespace {

// Fit never goes past 100% (a two-node graph is not blown up) nor below the
// zoom at which the node text is still readable; a graph too big for that is
// shown around its centre trace instead.
constexpr double kMaxFitZoom = 1.0;
constexpr double kReadableTextPx = 8.5;

int strength(int placement)
{
    return placement; // Fit (0) beats CentreOnFocus (1) beats KeepCentreNode (2)
}

} // namespace

GraphView::GraphView(Session *session, QWidget *parent)
    : ZoomPanCanvas(parent)
    , m_session(session)
    , m_layout(std::make_unique<AsyncLayout>())
{
    if (m_session) {
        connect(m_session, &Session::modelChanged, this, &GraphView::onModelChanged);
        connect(m_session, &Session::focusChanged, this, [this](uint32_t trace, uint32_t) { onFocusChanged(trace); });
        connect(m_session, &Session::loadingChanged, this, [this] {
            const auto &model = m_session->model();
            if (!model || model->traces.empty()) {
                m_message = display::nothingLoaded(m_session->loading());
                update();
            }
        });
        if (m_session->model())
            scheduleRelayout(Placement::Fit);
    }
}

GraphView::~GraphView()
{
    // Joins the worker first: after this no callback can post to a dying object.
    m_layout.reset();
}

void GraphView::setDepth(uint32_t depth)
{
    if (depth == m_depth)
        return;
    m_depth = depth;
    // More or fewer hops change the whole picture: fit it again.
    scheduleRelayout(Placement::Fit);
}

void GraphView::setDark(bool dark)
{
    if (dark == m_dark)
        return;
    m_dark = dark;
    scheduleRelayout(Placement::KeepCentreNode);
}

void GraphView::refresh()
{
    scheduleRelayout(Placement::KeepCentreNode);
}

void GraphView::onModelChanged()
{
    m_expandedGroups.clear();
    m_picture.reset();
    scheduleRelayout(Placement::Fit);
}

void GraphView::onFocusChanged(uint32_t trace)
{
    // Already on screen: recentre now, and again once the new neighbourhood is laid out.
    if (m_picture) {
        const auto &nodes = m_picture->graph().nodes;
        for (size_t i = 0; i < nodes.size(); ++i) {
            if (nodes[i].trace == trace) {
                centreOn(m_picture->nodeRect(int(i)).center());
                break;
            }
        }
    }
    // Another neighbourhood: fit it (Fit keeps the centre trace in view when it cannot show all).
    scheduleRelayout(Placement::Fit);
}

void GraphView::scheduleRelayout(Placement placement)
{
    if ((m_relayoutScheduled || m_stale) && strength(int(placement)) >= strength(int(m_scheduledPlacement)))
        placement = m_scheduledPlacement;
    m_scheduledPlacement = placement;
    if (!isVisible()) {
        // Hidden (another tab): lay out when shown, not on every focus change.
        m_stale = true;
        return;
    }
    if (m_relayoutScheduled)
        return;
    m_relayoutScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_relayoutScheduled = false;
        m_stale = false;
        relayout(m_scheduledPlacement);
    });
}

void GraphView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        m_stale = false;
        scheduleRelayout(m_scheduledPlacement);
    }
}

void GraphView::relayout(Placement placement)
{
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    if (!model || model->traces.empty()) {
        m_layout->cancel();
        m_pendingGeneration = 0;
        m_picture.reset();
        m_message = display::nothingLoaded(m_session ? m_session->loading() : QString());
        update();
        emit layoutFinished();
        return;
    }

    // KeepCentreNode: remember where the centre trace is on screen now.
    m_anchorTrace = kNone;
    if (placement == Placement::KeepCentreNode && m_picture && m_picture->centreNode() >= 0) {
        const int centre = m_picture->centreNode();
        m_anchorTrace = m_picture->graph().nodes[size_t(centre)].trace;
        m_anchorWidgetPos = toWidget(m_picture->nodeRect(centre).center());
    }

    DrawingOptions options;
    options.trace = m_session->focusTrace();
    options.depth = m_depth;
    options.dark = m_dark;
    QString error;
    std::shared_ptr<GraphPicture> picture = buildGraphPicture(*model, options, &error, m_expandedGroups);
    if (!picture) {
        m_layout->cancel();
        m_pendingGeneration = 0;
        m_picture.reset();
        m_message = error;
        update();
        emit layoutFinished();
        return;
    }
    m_placement = placement;
    m_pendingGeneration = m_layout->submit(picture->layoutRequest(), [this, picture](uint64_t generation, LayoutResult result) {
        // Worker thread: hand the result to the GUI thread.
        QMetaObject::invokeMethod(
            this, [this, generation, picture, result = std::move(result)] { applyLayout(generation, picture, result); },
            Qt::QueuedConnection);
    });
    update();
}

void GraphView::applyLayout(uint64_t generation, const std::shared_ptr<GraphPicture> &picture, const LayoutResult &layout)
{
    if (generation != m_pendingGeneration)
        return; // superseded after it finished
    m_pendingGeneration = 0;
    if (!layout.ok) {
        m_picture.reset();
        m_message = tr("Layout failed: %1").arg(QString::fromStdString(layout.error));
        update();
        emit layoutFinished();
        return;
    }
    picture->setLayout(layout);
    m_picture = picture;
    m_message.clear();

    switch (m_placement) {
    case Placement::Fit:
        fit();
        break;
    case Placement::CentreOnFocus:
        if (m_picture->centreNode() >= 0)
            centreOn(m_picture->nodeRect(m_picture->centreNode()).center());
        else
            fit();
        break;
    case Placement::KeepCentreNode: {
        int anchor = -1;
        const auto &nodes = m_picture->graph().nodes;
        for (size_t i = 0; i < nodes.size() && m_anchorTrace != kNone; ++i)
            if (nodes[i].trace == m_anchorTrace)
                anchor = int(i);
        if (anchor >= 0)
            m_view.place(m_view.zoom(), m_anchorWidgetPos, m_picture->nodeRect(anchor).center());
        else if (m_picture->centreNode() >= 0)
            centreOn(m_picture->nodeRect(m_picture->centreNode()).center());
        else
            fit();
        break;
    }
    }
    update();
    emit layoutFinished();
}

double GraphView::minimumFitZoom() const
{
    return m_picture ? kReadableTextPx / m_picture->smallestTextPixels() : ZoomPan::kMinZoom;
}

void GraphView::fit()
{
    if (!m_picture)
        return;
    const QSizeF picture = m_picture->size();
    const double whole = m_view.wholeZoom(picture);
    const double readable = std::min(minimumFitZoom(), kMaxFitZoom);
    const double zoom = std::clamp(whole, std::max(ZoomPan::kMinZoom, readable), kMaxFitZoom);
    if (whole >= readable || m_picture->centreNode() < 0) {
        m_view.place(zoom, m_view.widgetCentre(), QPointF(picture.width() / 2, picture.height() / 2));
    } else {
        // Too big to show whole at a readable size: the centre trace, in the middle.
        m_view.place(zoom, m_view.widgetCentre(), m_picture->nodeRect(m_picture->centreNode()).center());
    }
    m_view.setAutoFit(true);
    update();
}

void GraphView::zoomIn()
{
    m_view.zoomIn();
}

void GraphView::zoomOut()
{
    m_view.zoomOut();
}

void GraphView::centreOn(QPointF picturePos)
{
    m_view.place(m_view.zoom(), m_view.widgetCentre(), picturePos);
    m_view.setAutoFit(false);
    update();
}

void GraphView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QColor background = GraphPicture::backgroundColor(m_dark);
    painter.fillRect(rect(), background);
    if (m_picture) {
        painter.save();
        painter.translate(m_view.offset());
        painter.scale(m_view.zoom(), m_view.zoom());
        m_picture->paint(painter, QRectF(toPicture(QPointF(0, 0)), toPicture(QPointF(width(), height()))));
        painter.restore();
    }
    const QColor text = background.lightness() > 128 ? QColor(0x40, 0x40, 0x48) : QColor(0xdd, 0xdd, 0xe4);
    if (isLayingOut()) {
        const QString note = tr("Laying out…");
        const QFontMetrics metrics(font());
        const QRect box(12, 12, metrics.horizontalAdvance(note) + 20, metrics.height() + 10);
        QColor fill = background;
        fill.setAlpha(230);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(text, 1));
        painter.setBrush(fill);
        painter.drawRoundedRect(QRectF(box).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4);
        painter.drawText(box, Qt::AlignCenter, note);
    } else if (!m_picture && !m_message.isEmpty()) {
        painter.setPen(text);
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_message);
    }
}

void GraphView::hoverAt(QPointF widgetPos)
{
    if (!m_picture)
        return;
    const QPointF at = toPicture(widgetPos);
    const int node = m_picture->nodeAt(at);
    const int edge = node < 0 ? m_picture->edgeAt(at) : -1;
    const bool clickable = node >= 0
        && (!m_picture->graph().nodes[size_t(node)].expanded || m_picture->isCollapseButton(node, at)
            || m_picture->memberAt(node, at) != kNone);
    setCursor(clickable ? Qt::PointingHandCursor : Qt::ArrowCursor);
    if (edge != m_picture->hoveredEdge()) {
        m_picture->setHoveredEdge(edge);
        update();
    }
}

void GraphView::hoverLeft()
{
    if (m_picture && m_picture->hoveredEdge() >= 0) {
        m_picture->setHoveredEdge(-1);
        update();
    }
}

void GraphView::clickAt(QPointF widgetPos)
{
    if (!m_picture)
        return;
    const QPointF at = toPicture(widgetPos);
    const int node = m_picture->nodeAt(at);
    if (node < 0)
        return;
    const GraphNode &n = m_picture->graph().nodes[size_t(node)];
    if (n.notLoaded) {
        emit missingTraceActivated(QString::fromStdString(n.missing.hex()));
        return;
    }
    if (n.expanded) {
        if (m_picture->isCollapseButton(node, at)) {
            std::erase(m_expandedGroups, n.groupKey);
            scheduleRelayout(Placement::Fit);
        } else if (const uint32_t member = m_picture->memberAt(node, at); member != kNone && m_session) {
            m_session->navigateTo(member);
        }
        return;
    }
    if (n.isGroup()) {
        if (std::find(m_expandedGroups.begin(), m_expandedGroups.end(), n.groupKey) == m_expandedGroups.end())
            m_expandedGroups.push_back(n.groupKey);
        // The block is much larger than the group node was: fit the new picture.
        scheduleRelayout(Placement::Fit);
    } else if (m_session) {
        m_session->navigateTo(n.trace);
    }
}

QString GraphView::toolTipAt(QPointF widgetPos) const
{
    if (!m_picture)
        return {};
    const QPointF at = toPicture(widgetPos);
    const int node = m_picture->nodeAt(at);
    if (node < 0)
        return m_picture->edgeToolTip(m_picture->edgeAt(at));
    if (m_picture->graph().nodes[size_t(node)].expanded)
        return m_picture->isCollapseButton(node, at) ? tr("Show these traces as one node again")
                                                     : m_picture->memberToolTip(node, at);
    return m_picture->nodeToolTip(node);
}

} // namespace causeway::ui
