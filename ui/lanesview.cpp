#include "ui/lanesview.h"

#include "ui/backgroundpool.h"
#include "ui/displaytext.h"
#include "ui/elidedlabel.h"
#include "ui/lanemembersdialog.h"
#include "ui/laneslayout.h"
#include "ui/lanespainter.h"
#include "ui/session.h"

#include "core/lanessummary.h"

#include <QAbstractScrollArea>
#include <QAction>
#include <QCursor>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QHBoxLayout>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPointer>
#include <QScrollBar>
#include <QSpinBox>
#include <QToolBar>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

namespace {
constexpr int kMaxDepth = 6;

// The failed traces a set of lanes shows, by start time: the lanes' own
// (the focus aside) and their groups' failed members, each once.
std::vector<uint32_t> failedTraces(const Model &model, const LanesLayout &layout)
{
    std::vector<uint32_t> out;
    for (const Lane &lane : layout.lanes) {
        if (lane.isGroup())
            out.insert(out.end(), lane.errorMembers.begin(), lane.errorMembers.end());
        else if (lane.trace != layout.focus && lane.trace < model.traces.size() && model.traces[lane.trace].errorCount)
            out.push_back(lane.trace);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    std::stable_sort(out.begin(), out.end(), [&](uint32_t a, uint32_t b) { return model.traces[a].start < model.traces[b].start; });
    return out;
}

// The span to show of a failed trace: its earliest failed span, else its root.
uint32_t firstFailedSpan(const Model &model, uint32_t trace)
{
    const Trace &t = model.traces[trace];
    uint32_t best = kNone;
    for (uint32_t i = t.spans.first; i < t.spans.end(); ++i) {
        const uint32_t span = model.traceSpans[i];
        if (model.hot[span].status == StatusCode::Error && (best == kNone || model.hot[span].start < model.hot[best].start))
            best = span;
    }
    return best != kNone ? best : t.root;
}
// A focus with this many links of its own is collected off the GUI thread
// (measured: ~5 ms at 10,000 links, ~25 ms at 100,000).
constexpr uint64_t kBackgroundCollectLinks = 20000;
}

// The scrolling surface. Lane selection is computed on focus and depth
// changes, geometry on width changes; paint and hover only read them.
class LanesView::Canvas : public QAbstractScrollArea
{
public:
    Canvas(LanesView *view, Session *session)
        : QAbstractScrollArea(view)
        , m_view(view)
        , m_session(session)
    {
        setFrameShape(QFrame::NoFrame);
        setFocusPolicy(Qt::StrongFocus);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
        viewport()->setMouseTracking(true);
        viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
        verticalScrollBar()->setSingleStep(24);
    }

    // `keepView`: the same focus collected again (a member surfaced for the
    // selection): zoom, pan and scroll stay, the selection is brought into view.
    void rebuild(bool keepDialog = false, bool keepView = false)
    {
        if (m_model != m_session->model()) {
            // A live refresh keeps the members the user pinned (by trace id;
            // those the cap evicted go), anything else starts over.
            std::vector<uint32_t> pinned;
            if (m_session->modelReplaced() && m_model && m_session->model())
                for (uint32_t t : m_pinned)
                    if (const uint32_t now = m_session->model()->sameTrace(*m_model, t); now != kNone)
                        pinned.push_back(now);
            m_pinned = std::move(pinned);
            m_layout = {}; // its indices are the old model's: never shown against the new one
            // A live refresh that only appended (Session::modelUpdated just
            // before): the summaries it left alone carry over.
            const bool grown = m_changesModel && m_changesModel == m_session->model().get() && m_model;
            m_model = m_session->model();
            summarise(grown ? &m_changes : nullptr);
            m_changesModel = nullptr;
            m_changes = {};
            keepView = false;
        }
        m_state = {};
        m_state.selectedSpan = m_session->selectedSpan();
        if (m_groupDialog && !keepDialog)
            m_groupDialog->close();
        const uint64_t generation = ++m_generation;
        if (m_model && m_session->focusTrace() < m_model->traces.size()) {
            LanesOptions options;
            options.depth = uint32_t(m_depth);
            options.cameFrom = m_session->previousTrace();
            options.pinned = m_pinned;
            const uint32_t focus = m_session->focusTrace();
            // A selected span in a group's member (N steps through a
            // batch's failures in place): the member gets a lane of its
            // own next to its group, for as long as it is selected.
            const uint32_t selected = m_session->selectedSpan();
            m_surfaced = selected < m_model->hot.size() && m_model->hot[selected].trace != focus ? m_model->hot[selected].trace : kNone;
            // A focus summarised already (after the load) is quick whatever its size.
            const bool summarised = m_summaries->find(*m_model, focus, options) != nullptr;
            // Beyond one hop a busy focus reaches many more traces than its
            // own links say: its summary is built on the worker (and kept
            // for the next visit at this depth).
            const uint64_t links = directLinks(*m_model, focus);
            const bool quick = links < (options.depth > 1 ? LanesSummaryCache::kMinLinks : kBackgroundCollectLinks);
            if (summarised || quick) {
                m_collecting = false;
                m_layout = collectLanes(*m_model, focus, options, selected, summarised ? m_summaries.get() : nullptr);
            } else {
                // Tens of milliseconds and more: collect on a worker while
                // the previous lanes stay on screen; a newer focus wins.
                m_collecting = true;
                auto *watcher = new QFutureWatcher<LanesLayout>(this);
                QObject::connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, keepView] {
                    watcher->deleteLater();
                    if (generation != m_generation)
                        return;
                    m_collecting = false;
                    m_layout = watcher->future().takeResult();
                    showCollected(keepView);
                    m_view->updateSummary();
                });
                // The summary built there is kept: coming back is quick.
                watcher->setFuture(QtConcurrent::run([model = m_model, focus, options, selected, summaries = m_summaries] {
                    return collectLanes(*model, focus, options, selected, summaries.get());
                }));
                return;
            }
        } else {
            m_collecting = false;
            m_layout = {};
        }
        showCollected(keepView);
    }

    // A new model: new summaries, and on a worker those of the traces with
    // many links, busiest first, so that focusing one of them later shows
    // its lanes at once. A newer model cancels the pass. A model that grew
    // from the one before by `changes` keeps the summaries the step left
    // alone: the pass builds only those of the busy traces it touched.
    void summarise(const ModelChanges *changes = nullptr)
    {
        const std::shared_ptr<LanesSummaryCache> previous = m_summaries;
        m_summaries = std::make_shared<LanesSummaryCache>();
        if (m_model && changes && previous)
            m_summaries->carryOver(*previous, *m_model, *changes);
        warmSummaries();
    }

    // Builds the summaries of the busy traces at the current depth on a
    // worker, the focus first, in place of a pass still running (at
    // another depth, or for the model before): what that one built stays.
    void warmSummaries()
    {
        if (m_cancelSummaries)
            m_cancelSummaries->store(true);
        m_cancelSummaries = std::make_shared<std::atomic<bool>>(false);
        if (!m_model)
            return;
        LanesOptions options;
        options.depth = uint32_t(m_depth);
        const uint32_t focus = m_session->focusTrace();
        // Nobody waits for this pass: it runs at a lower priority than the window.
        m_summarising = runInBackground([model = m_model, summaries = m_summaries, cancel = m_cancelSummaries, options, focus] {
            summaries->warm(*model, options, LanesSummaryCache::kMinLinks, cancel.get(), focus);
        });
    }

    ~Canvas() override
    {
        if (m_cancelSummaries)
            m_cancelSummaries->store(true);
    }

    // Links into and out of the focus trace itself: what the first hop costs.
    static uint64_t directLinks(const Model &model, uint32_t trace)
    {
        uint64_t n = 0;
        const Range spans = model.traces[trace].spans;
        for (uint32_t i = spans.first; i < spans.end(); ++i) {
            const uint32_t span = model.traceSpans[i];
            if (model.hot[span].hasLinks)
                n += model.outgoingLinks(span).count + model.incomingLinks(span).count;
        }
        return n;
    }

    // A fresh collect on screen: the first view fits it, the focus in sight
    // (and a selection outside it: Back to a member selected in a batch).
    // `keepView`: the same focus again, the view stays where it was.
    void showCollected(bool keepView = false)
    {
        updateCriticalPath();
        m_layoutWidth = -1;
        if (keepView) {
            relayout(true);
            revealSelection();
            viewport()->update();
            return;
        }
        m_zoom = 1;
        m_pan = 0;
        m_fitPending = true;
        relayout();
        // Before the first show the viewport has no real size yet: reveal then.
        m_revealPending = !isVisible();
        if (!m_revealPending)
            revealFirstView();
        viewport()->update();
    }

    void revealFirstView()
    {
        revealFocus();
        if (m_surfaced != kNone)
            revealSelection();
    }

    // The focus trace's critical path while the session's switch is on.
    void updateCriticalPath()
    {
        m_state.criticalPath.reset();
        if (m_session->criticalPathShown() && m_model && m_layout.focus < m_model->traces.size())
            m_state.criticalPath = std::make_shared<const CriticalPath>(causeway::criticalPath(*m_model, m_layout.focus));
        viewport()->update();
    }

    // Keep the focus lane in sight: it is what the user just chose. Until
    // the user scrolls, a resize keeps it in sight too (a window made
    // smaller after it opened must not leave the focus below the fold).
    void revealFocus()
    {
        if (m_layout.focusLane < 0)
            return;
        const QRectF focus = m_layout.lanes[m_layout.focusLane].rect;
        const int visible = viewport()->height();
        m_autoScrolling = true;
        if (focus.bottom() > visible || focus.top() < m_layout.style.axisHeight) {
            // As much of the focus lane as fits, its header first.
            const double top = focus.height() + m_layout.style.axisHeight + m_layout.style.laneGap > visible
                ? focus.top() - m_layout.style.axisHeight - m_layout.style.laneGap / 2
                : focus.center().y() - (visible + m_layout.style.axisHeight) / 2.0;
            verticalScrollBar()->setValue(int(std::floor(top)));
        } else {
            verticalScrollBar()->setValue(0);
        }
        m_autoScrolling = false;
        m_keepInSight = KeepInSight::Focus;
    }

    // The lane of the selected span in sight (scrolled to, panned to): a
    // member N selected in place, surfaced next to its group.
    void revealSelection()
    {
        const uint32_t span = m_state.selectedSpan;
        if (!m_model || span >= m_model->hot.size() || m_layout.lanes.empty())
            return;
        const int li = m_layout.laneOfTrace(m_model->hot[span].trace);
        if (li < 0)
            return;
        const Lane &lane = m_layout.lanes[size_t(li)];
        const double width = viewport()->width();
        const QRectF box = laneSpanRect(*m_model, m_layout, lane, span);
        if (!lane.isGroup() && m_zoom > 1 && (box.right() < margin() || box.left() > width - margin())) {
            m_pan += box.center().x() - width / 2;
            relayout(true);
        }
        const int visible = viewport()->height();
        const int scroll = verticalScrollBar()->value();
        const double top = m_layout.style.axisHeight;
        m_autoScrolling = true;
        if (lane.rect.top() - scroll < top || lane.rect.bottom() - scroll > visible) {
            const double want = lane.rect.height() + top > visible ? lane.rect.top() - top
                                                                    : lane.rect.center().y() - (visible + top) / 2.0;
            verticalScrollBar()->setValue(int(std::floor(want)));
        }
        m_autoScrolling = false;
        m_keepInSight = KeepInSight::Selection;
        refreshHover();
        viewport()->update();
    }

    // The style the lanes are laid out from. The functions that place them
    // widen its margin where many edges run down it; passing them a style
    // widened already would widen it twice.
    LanesStyle style() const
    {
        LanesStyle style;
        style.font = font();
        return style;
    }

    // The margin the lanes are placed with (wider where many edges run down it).
    double margin() const { return lanesMargin(m_layout, style()); }

    void relayout(bool force = false)
    {
        const int width = viewport()->width();
        if (m_fitPending && m_model && !m_layout.lanes.empty() && width > 0) {
            // The first view: the focus and where its links attach, not the longest outlier.
            const LanesViewport view = initialViewport(*m_model, m_layout, width, style());
            m_zoom = view.zoom;
            m_pan = view.pan;
            m_fitPending = !isVisible();
            force = true;
        }
        if (m_model && !m_layout.lanes.empty() && !force && width != m_layoutWidth && m_layoutWidth > 0 && m_zoom > 1) {
            // A new width keeps the time at the left edge where it was: the
            // axis's breaks have fixed widths, so the old pan in pixels
            // would point at other times.
            const double left = margin();
            const uint64_t t = m_layout.time.toTime(left);
            const TimeMap map = lanesTimeMap(*m_model, m_layout, width, style(), m_zoom, 0);
            m_pan = map.toX(t) - left;
        }
        if (m_model && !m_layout.lanes.empty() && (force || width != m_layoutWidth)) {
            layoutLanes(*m_model, m_layout, width, style(), m_zoom, clampPan(m_zoom, m_pan));
            m_pan = m_layout.pan;
            m_layoutWidth = width;
        }
        const int contentHeight = int(std::ceil(m_layout.height));
        const bool autoScrolling = std::exchange(m_autoScrolling, true); // a shorter range may clamp the value
        verticalScrollBar()->setRange(0, std::max(0, contentHeight - viewport()->height()));
        verticalScrollBar()->setPageStep(viewport()->height());
        m_autoScrolling = autoScrolling;
    }

    // Pan limits: the axis may not leave a gap at either side.
    double clampPan(double zoom, double pan) const
    {
        if (zoom <= 1 || !m_model)
            return 0;
        const double width = viewport()->width();
        const TimeMap map = lanesTimeMap(*m_model, m_layout, width, style(), zoom, 0);
        const double overflow = map.empty() ? 0 : map.pieces().back().x1 - (width - margin());
        return std::clamp(pan, 0.0, std::max(0.0, overflow));
    }

    // Zoom by `factor` keeping the time under x where it is.
    void zoomAt(double x, double factor)
    {
        if (!m_model || m_layout.lanes.empty())
            return;
        const double zoom = std::clamp(m_zoom * factor, 1.0, 1e7);
        if (zoom == m_zoom)
            return;
        const uint64_t t = m_layout.time.toTime(x);
        const TimeMap map = lanesTimeMap(*m_model, m_layout, viewport()->width(), style(), zoom, 0);
        m_zoom = zoom;
        m_pan = map.toX(t) - x;
        relayout(true);
        refreshHover();
        viewport()->update();
    }

    void panBy(double dx)
    {
        if (m_zoom <= 1)
            return;
        m_pan += dx;
        relayout(true);
        refreshHover();
        viewport()->update();
    }

    void resetZoom()
    {
        m_zoom = 1;
        m_pan = 0;
        relayout(true);
        refreshHover();
        viewport()->update();
    }

    // Zoom so the focus trace fills most of the width: in a neighbourhood of
    // long traces a short focus is otherwise a sliver.
    void fitFocus()
    {
        if (!m_model || m_layout.focusLane < 0)
            return;
        const Trace &t = m_model->traces[m_layout.lanes[m_layout.focusLane].trace];
        const double width = viewport()->width();
        const double inner = std::max(1.0, width - 2 * margin());
        double zoom = 1;
        // Breaks keep their width while the rest scales: converge in a few steps.
        for (int i = 0; i < 4; ++i) {
            const TimeMap map = lanesTimeMap(*m_model, m_layout, width, style(), zoom, 0);
            const double w = std::max(1e-3, map.toX(t.end) - map.toX(t.start));
            zoom = std::clamp(zoom * (0.7 * inner / w), 1.0, 1e7);
        }
        const TimeMap map = lanesTimeMap(*m_model, m_layout, width, style(), zoom, 0);
        m_zoom = zoom;
        m_pan = map.toX(t.start) - (margin() + 0.15 * inner);
        relayout(true);
        refreshHover();
        viewport()->update();
    }

    void refreshHover()
    {
        const QPoint pos = viewport()->mapFromGlobal(QCursor::pos());
        if (viewport()->rect().contains(pos))
            updateHover(pos);
    }

    void setSelected(uint32_t span)
    {
        m_state.selectedSpan = span;
        if (m_model && !m_collecting && span < m_model->hot.size()) {
            const uint32_t trace = m_model->hot[span].trace;
            if (trace != m_layout.focus && m_layout.focus == m_session->focusTrace()) {
                const int lane = m_layout.laneOfTrace(trace);
                if (lane >= 0 && m_layout.lanes[size_t(lane)].isGroup())
                    rebuild(true, true); // a member without a lane: surface it
                else
                    revealSelection();
                return;
            }
        }
        viewport()->update();
    }

    QPointF toLayout(QPointF pos) const { return {pos.x(), pos.y() + verticalScrollBar()->value()}; }
    bool inAxis(QPointF pos) const { return pos.y() < m_layout.style.axisHeight; }

    void updateHover(QPointF pos)
    {
        LanesPaintState next = m_state;
        next.hoverEdge = -1;
        next.hoverSpan = kNone;
        next.hoverLane = -1;
        if (m_model && !m_layout.lanes.empty() && !inAxis(pos)) {
            const LanesHit hit = lanesHitTest(m_layout, toLayout(pos));
            next.hoverEdge = hit.edge;
            next.hoverSpan = hit.span;
            if (hit.kind == LanesHit::Group || hit.kind == LanesHit::GroupErrors || hit.kind == LanesHit::ErrorCluster
                || (hit.kind == LanesHit::Trace && m_layout.lanes[hit.lane].title.contains(toLayout(pos))))
                next.hoverLane = hit.lane;
        }
        const bool changed = next.hoverEdge != m_state.hoverEdge || next.hoverSpan != m_state.hoverSpan
            || next.hoverLane != m_state.hoverLane;
        m_state = next;
        const bool active = m_state.hoverEdge >= 0 || m_state.hoverSpan != kNone || m_state.hoverLane >= 0
            || (m_model && !m_layout.lanes.empty() && !inAxis(pos)
                && (lanesHitTest(m_layout, toLayout(pos)).kind != LanesHit::None
                    || laneStubAt(m_layout.stubs, toLayout(pos)) >= 0));
        viewport()->setCursor(active ? Qt::PointingHandCursor : Qt::ArrowCursor);
        if (changed)
            viewport()->update();
    }

    void activate(QPointF pos)
    {
        if (!m_model || m_layout.lanes.empty() || inAxis(pos))
            return;
        if (const int stub = laneStubAt(m_layout.stubs, toLayout(pos)); stub >= 0) {
            emit m_view->missingTraceActivated(QString::fromStdString(m_layout.stubs[size_t(stub)].target.hex()));
            return;
        }
        const LanesHit hit = lanesHitTest(m_layout, toLayout(pos));
        switch (hit.kind) {
        case LanesHit::None:
            return;
        case LanesHit::Edge: {
            const LaneEdge &e = m_layout.edges[hit.edge];
            // Follow the edge away from the focus: to the end whose lane is farther out.
            int lane = e.toLane;
            uint32_t span = e.toSpan;
            const Lane &from = m_layout.lanes[e.fromLane], &to = m_layout.lanes[e.toLane];
            if (e.toLane == m_layout.focusLane || (e.fromLane != m_layout.focusLane && from.hops > to.hops)) {
                lane = e.fromLane;
                span = e.fromSpan;
            }
            if (m_layout.lanes[lane].isGroup())
                openGroup(lane);
            else
                m_session->navigateTo(m_layout.lanes[lane].trace, span);
            return;
        }
        case LanesHit::Span:
            m_session->navigateTo(hit.trace, hit.span);
            return;
        case LanesHit::Trace:
        case LanesHit::ErrorMember:
            m_session->navigateTo(hit.trace);
            return;
        case LanesHit::Group:
            openGroup(hit.lane);
            return;
        case LanesHit::GroupErrors:
            openGroup(hit.lane, QStringLiteral("error"));
            return;
        case LanesHit::ErrorCluster:
            openGroup(hit.lane, QStringLiteral("error"), &m_layout.lanes[hit.lane].errorClusters[size_t(hit.cluster)].members);
            return;
        }
    }

    // `only`: list just these members (the failed ones of a cluster of ticks).
    void openGroup(int laneIndex, const QString &filter = {}, const std::vector<uint32_t> *only = nullptr)
    {
        if (m_groupDialog)
            m_groupDialog->close();
        const Lane &lane = m_layout.lanes[laneIndex];
        QString title = laneTitle(*m_model, lane);
        std::vector<uint32_t> wanted;
        if (only) {
            wanted = *only;
            std::sort(wanted.begin(), wanted.end());
            wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
            title = display::count(wanted.size(), "failed member", "failed members") + QStringLiteral(" of ") + title;
        }
        // The rows walk the chain again (hops, the link to each member): at
        // 100,000 members that is a collect's worth, done on a worker while
        // the dialog is already open.
        auto list = [model = m_model, selection = selectionOf(m_layout), laneIndex, wanted = std::move(wanted), only = only != nullptr] {
            std::vector<LaneMember> members = laneMembers(*model, selection, laneIndex);
            if (only)
                std::erase_if(members, [&](const LaneMember &m) { return !std::binary_search(wanted.begin(), wanted.end(), m.trace); });
            return members;
        };
        auto *dialog = new LaneMembersDialog(m_model, LaneMembersDialog::MemberList(std::move(list)), title, m_view);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        Session *session = m_session;
        QObject::connect(dialog, &LaneMembersDialog::focusRequested, m_view,
                         [session](uint32_t trace) { session->navigateTo(trace); });
        QObject::connect(dialog, &LaneMembersDialog::pinRequested, m_view, [this](uint32_t trace) {
            if (std::find(m_pinned.begin(), m_pinned.end(), trace) == m_pinned.end())
                m_pinned.push_back(trace);
            rebuild(true);
            m_view->updateSummary();
        });
        if (!filter.isEmpty())
            dialog->setFilter(filter);
        dialog->show();
        m_groupDialog = dialog;
    }

    // What laneMembers() needs of the selection: the focus, origin, depth and lanes.
    QString toolTipAt(QPointF pos) const
    {
        if (!m_model || m_layout.lanes.empty() || inAxis(pos))
            return {};
        if (const int stub = laneStubAt(m_layout.stubs, toLayout(pos)); stub >= 0)
            return laneStubToolTip(m_layout.stubs[size_t(stub)]);
        const LanesHit hit = lanesHitTest(m_layout, toLayout(pos));
        switch (hit.kind) {
        case LanesHit::None:
            return {};
        case LanesHit::Edge:
            return edgeToolTip(*m_model, m_layout, m_layout.edges[hit.edge]);
        case LanesHit::Group:
            return groupToolTip(*m_model, m_layout.lanes[hit.lane]);
        case LanesHit::GroupErrors:
            return QStringLiteral("List the failed members");
        case LanesHit::ErrorCluster:
            return QStringLiteral("<b>%L1 failed members</b> too close together to click one by one<br>Click to list them.")
                .arg(m_layout.lanes[hit.lane].errorClusters[size_t(hit.cluster)].members.size());
        case LanesHit::ErrorMember:
            return QStringLiteral("<b>failed</b> ") + display::traceCaption(*m_model, hit.trace).toHtmlEscaped()
                + QStringLiteral("<br>Click to focus it.");
        case LanesHit::Trace:
            return laneTitle(*m_model, m_layout.lanes[hit.lane]).toHtmlEscaped() + QStringLiteral("<br>Click to focus this trace.");
        case LanesHit::Span:
            break;
        }
        const SpanHot &h = m_model->hot[hit.span];
        QString tip = QStringLiteral("<b>") + display::spanCaption(*m_model, hit.span).toHtmlEscaped() + QStringLiteral("</b>");
        if (h.service)
            tip += QStringLiteral("<br>") + display::fromStd(m_model->str(h.service)).toHtmlEscaped();
        tip += QStringLiteral("<br>") + display::duration(h.end - h.start);
        if (h.status == StatusCode::Error)
            tip += QStringLiteral("<br><span style='color:#d62728'>error</span>");
        const uint32_t links = m_model->outgoingLinks(hit.span).count + m_model->incomingLinks(hit.span).count;
        if (links)
            tip += QStringLiteral("<br>") + display::count(links, "link", "links");
        return tip;
    }

    LanesView *m_view;
    Session *m_session;
    std::shared_ptr<const Model> m_model;
    // Summaries of m_model's busy traces (core/lanessummary.h), replaced with the model.
    std::shared_ptr<LanesSummaryCache> m_summaries = std::make_shared<LanesSummaryCache>();
    std::shared_ptr<std::atomic<bool>> m_cancelSummaries;
    QFuture<void> m_summarising;
    // What the coming model (Session::modelUpdated) changed, and that model.
    ModelChanges m_changes;
    const Model *m_changesModel = nullptr;
    LanesLayout m_layout;
    LanesPaintState m_state;
    int m_depth = 1;
    int m_layoutWidth = -1;
    double m_zoom = 1;
    double m_pan = 0;
    QPoint m_pressPos;
    QPoint m_dragPos;
    bool m_dragging = false;
    bool m_revealPending = false;
    bool m_collecting = false;              // a collect runs on a worker; the lanes shown are the previous ones
    uint64_t m_generation = 0;              // bumped per rebuild: a late result of an older one is dropped
    bool m_fitPending = false;
    bool m_autoScrolling = false;           // the view scrolls itself, not the user
    // What was last brought into view, while the user has not scrolled since: a resize reveals it again.
    enum class KeepInSight { Nothing, Focus, Selection } m_keepInSight = KeepInSight::Nothing;
    std::vector<uint32_t> m_pinned;         // members pinned as lanes of their own
    uint32_t m_surfaced = kNone;            // a member given a lane of its own for the selection
    QPointer<LaneMembersDialog> m_groupDialog;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        QPainter p(viewport());
        const LanesColors colors = LanesColors::fromPalette(palette());
        if (!m_model || m_layout.lanes.empty()) {
            p.fillRect(event->rect(), colors.background);
            p.setPen(colors.mutedText);
            p.drawText(viewport()->rect().adjusted(12, 0, -12, 0), Qt::AlignCenter | Qt::TextWordWrap, m_view->message());
            return;
        }
        const int scroll = verticalScrollBar()->value();
        p.translate(0, -scroll);
        paintLanes(p, *m_model, m_layout, colors, m_state, QRectF(event->rect()).translated(0, scroll));
        p.resetTransform();
        // The axis stays put while the lanes scroll under it.
        if (event->rect().top() < m_layout.style.axisHeight)
            paintTimeAxis(p, m_layout, colors, 0);
    }

    void resizeEvent(QResizeEvent *event) override
    {
        QAbstractScrollArea::resizeEvent(event);
        relayout();
        if (m_revealPending && isVisible()) {
            m_revealPending = false;
            revealFirstView();
        } else if (m_keepInSight == KeepInSight::Focus && isVisible()) {
            revealFocus();
        } else if (m_keepInSight == KeepInSight::Selection && isVisible()) {
            revealSelection();
        }
    }

    void showEvent(QShowEvent *event) override
    {
        QAbstractScrollArea::showEvent(event);
        if (m_revealPending) {
            m_revealPending = false;
            relayout();
            revealFirstView();
        }
    }

    void scrollContentsBy(int, int) override
    {
        if (!m_autoScrolling && isVisible())
            m_keepInSight = KeepInSight::Nothing; // the user scrolled: leave the view where they put it
        viewport()->update();
    }

    void mouseMoveEvent(QMouseEvent *event) override
    {
        const QPoint pos = event->position().toPoint();
        if (event->buttons() & Qt::LeftButton) {
            // Dragging pans: sideways through time, up and down through the lanes.
            if (!m_dragging && (pos - m_pressPos).manhattanLength() > 4) {
                m_dragging = true;
                m_dragPos = m_pressPos;
                viewport()->setCursor(Qt::ClosedHandCursor);
            }
            if (m_dragging) {
                const QPoint delta = pos - m_dragPos;
                m_dragPos = pos;
                verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
                panBy(-delta.x());
                return;
            }
        }
        updateHover(event->position());
    }

    void mousePressEvent(QMouseEvent *event) override
    {
        m_pressPos = event->position().toPoint();
        m_dragging = false;
        QAbstractScrollArea::mousePressEvent(event);
    }

    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (event->button() == Qt::LeftButton && !m_dragging)
            activate(event->position());
        m_dragging = false;
        updateHover(event->position());
        QAbstractScrollArea::mouseReleaseEvent(event);
    }

    void mouseDoubleClickEvent(QMouseEvent *event) override
    {
        // The first click of the pair already acted; its second release must
        // not act again on what is now under the mouse.
        m_dragging = true;
        event->accept();
    }

    void wheelEvent(QWheelEvent *event) override
    {
        const QPoint angle = event->angleDelta();
        if (event->modifiers() & Qt::ControlModifier) {
            zoomAt(event->position().x(), std::pow(1.0015, angle.y()));
            event->accept();
            return;
        }
        if (angle.x() != 0 || (event->modifiers() & Qt::ShiftModifier)) {
            const int delta = angle.x() != 0 ? angle.x() : angle.y();
            panBy(-delta / 2.0);
            event->accept();
            return;
        }
        QAbstractScrollArea::wheelEvent(event);
    }

    void leaveEvent(QEvent *event) override
    {
        updateHover(QPointF(-1, -1));
        QAbstractScrollArea::leaveEvent(event);
    }

    bool viewportEvent(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto *help = static_cast<QHelpEvent *>(event);
            const QString tip = toolTipAt(help->pos());
            if (tip.isEmpty())
                QToolTip::hideText();
            else
                QToolTip::showText(help->globalPos(), tip, viewport());
            return true;
        }
        if (event->type() == QEvent::Leave)
            updateHover(QPointF(-1, -1));
        return QAbstractScrollArea::viewportEvent(event);
    }

    void keyPressEvent(QKeyEvent *event) override
    {
        switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            m_view->setDepth(m_depth + 1);
            return;
        case Qt::Key_Minus:
            m_view->setDepth(m_depth - 1);
            return;
        case Qt::Key_F:
            fitFocus();
            return;
        case Qt::Key_0:
            resetZoom();
            return;
        case Qt::Key_Left:
        case Qt::Key_Right:
            panBy((event->key() == Qt::Key_Left ? -0.25 : 0.25) * viewport()->width());
            return;
        case Qt::Key_Return:
        case Qt::Key_Enter: {
            // A span selected outside the focus (a member N surfaced): focus its trace.
            const uint32_t span = m_session->selectedSpan();
            if (m_model && span < m_model->hot.size() && m_model->hot[span].trace != m_session->focusTrace()) {
                m_session->navigateTo(m_model->hot[span].trace, span);
                return;
            }
            QAbstractScrollArea::keyPressEvent(event);
            return;
        }
        default:
            QAbstractScrollArea::keyPressEvent(event);
        }
    }

    void changeEvent(QEvent *event) override
    {
        QAbstractScrollArea::changeEvent(event);
        if (event->type() == QEvent::FontChange) {
            m_layoutWidth = -1;
            relayout();
        }
        if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
            viewport()->update();
    }
};

LanesView::LanesView(Session *session, QWidget *parent)
    : QWidget(parent)
{
    m_canvas = new Canvas(this, session);
    m_depthBox = new QSpinBox(this);
    m_depthBox->setRange(1, kMaxDepth);
    m_depthBox->setValue(1);
    m_depthBox->setToolTip(QStringLiteral("Show traces up to this many link hops away (+ / − keys)"));
    m_summary = new ElidedLabel(this);
    auto *depthLabel = new QLabel(QStringLiteral("Link depth"), this);
    depthLabel->setBuddy(m_depthBox);

    // The canvas takes F and 0 itself while it has the keyboard.
    auto *fitFocus = new QAction(QStringLiteral("Fit focus"), this);
    fitFocus->setToolTip(QStringLiteral("Zoom the time axis to the focus trace (F)"));
    auto *showAll = new QAction(QStringLiteral("Show all"), this);
    showAll->setToolTip(QStringLiteral("Fit every lane in the width (0). Ctrl+wheel zooms, dragging or Shift+wheel pans."));

    // N / Shift+N while the lanes have the keyboard; the menu bar lists the same actions.
    m_nextError = new QAction(QStringLiteral("Next Error"), this);
    m_nextError->setObjectName(QStringLiteral("nextError"));
    m_nextError->setShortcut(QKeySequence(Qt::Key_N));
    m_nextError->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_nextError->setToolTip(QStringLiteral("Select the next failed trace among these lanes and their groups' members, "
                                           "by start time (N; Shift+N: the previous one)"));
    m_previousError = new QAction(QStringLiteral("Previous Error"), this);
    m_previousError->setObjectName(QStringLiteral("previousError"));
    m_previousError->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_N));
    m_previousError->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_previousError->setToolTip(QStringLiteral("Select the previous failed trace among these lanes (Shift+N)"));
    m_nextError->setIconText(QStringLiteral("Next error")); // on the tool bar
    addAction(m_nextError);
    addAction(m_previousError);
    connect(m_nextError, &QAction::triggered, this, [this] { stepError(1); });
    connect(m_previousError, &QAction::triggered, this, [this] { stepError(-1); });

    // A tool bar: in a narrow pane what does not fit moves behind its » button
    // instead of the buttons squeezing over each other. The buttons are the
    // tool bar's own, made for actions: outside a main window the » button
    // lists the hidden actions in a menu, and has nothing to list for widgets.
    auto *tools = new QToolBar(this);
    tools->setObjectName(QStringLiteral("lanesToolBar"));
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addWidget(depthLabel);
    tools->addWidget(m_depthBox);
    tools->addSeparator();
    tools->addAction(fitFocus);
    tools->addAction(showAll);
    // The flame graph's switch, the same action: one label, one state, one shortcut.
    tools->addAction(session->criticalPathAction());
    m_criticalPath = qobject_cast<QToolButton *>(tools->widgetForAction(session->criticalPathAction()));
    m_criticalPath->setObjectName(QStringLiteral("lanesCriticalPathToggle"));
    tools->addAction(m_nextError);
    auto *nextError = qobject_cast<QToolButton *>(tools->widgetForAction(m_nextError));
    nextError->setObjectName(QStringLiteral("nextErrorButton"));
    nextError->setPopupMode(QToolButton::MenuButtonPopup);
    auto *errorMenu = new QMenu(nextError);
    errorMenu->addAction(m_nextError);
    errorMenu->addAction(m_previousError);
    nextError->setMenu(errorMenu);
    // The summary gives way first, elided (never cut mid-number).
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 0, 6, 0);
    bar->addWidget(tools);
    bar->addSpacing(12);
    bar->addWidget(m_summary, 1);
    auto *box = new QVBoxLayout(this);
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(0);
    box->addLayout(bar);
    box->addWidget(m_canvas, 1);
    setFocusProxy(m_canvas);

    connect(m_depthBox, &QSpinBox::valueChanged, this, &LanesView::setDepth);
    connect(fitFocus, &QAction::triggered, this, [this] { m_canvas->fitFocus(); });
    connect(showAll, &QAction::triggered, this, [this] { m_canvas->resetZoom(); });
    connect(session, &Session::criticalPathShownChanged, this, [this] { m_canvas->updateCriticalPath(); });
    // With no trace in focus there is nothing to fit or step through.
    auto enableForFocus = [=, this] {
        const bool focused = session->focusTrace() != kNone;
        for (QAction *a : {fitFocus, showAll, m_nextError, m_previousError})
            a->setEnabled(focused);
    };
    // A new model is always followed by focusChanged: one rebuild covers both.
    connect(session, &Session::focusChanged, this, [this, enableForFocus] {
        m_canvas->rebuild();
        updateSummary();
        enableForFocus();
    });
    connect(session, &Session::selectionChanged, this, [this](uint32_t span) { m_canvas->setSelected(span); });
    connect(session, &Session::modelUpdated, this, [this, session](const ModelChanges &changes) {
        m_canvas->m_changes = changes;
        m_canvas->m_changesModel = session->model().get();
    });
    m_canvas->rebuild();
    updateSummary();
    enableForFocus();
}

LanesView::~LanesView() = default;

int LanesView::depth() const
{
    return m_canvas->m_depth;
}

const LanesLayout &LanesView::lanesLayout() const
{
    return m_canvas->m_layout;
}

QWidget *LanesView::canvas() const
{
    return m_canvas->viewport();
}

QString LanesView::message() const
{
    return !m_canvas->m_model || m_canvas->m_layout.lanes.empty() ? display::lanesEmpty() : QString();
}

LaneMembersDialog *LanesView::membersDialog() const
{
    return m_canvas->m_groupDialog.data();
}

const LanesSummaryCache &LanesView::summaries() const
{
    return *m_canvas->m_summaries;
}

bool LanesView::collecting() const
{
    return m_canvas->m_collecting;
}

const CriticalPath *LanesView::criticalPath() const
{
    return m_canvas->m_state.criticalPath.get();
}

QToolButton *LanesView::criticalPathToggle() const
{
    return m_criticalPath;
}

int LanesView::hoveredEdge() const
{
    return m_canvas->m_state.hoverEdge;
}

void LanesView::setDepth(int depth)
{
    depth = std::clamp(depth, 1, kMaxDepth);
    if (depth == m_canvas->m_depth)
        return;
    m_canvas->m_depth = depth;
    m_depthBox->setValue(depth);
    // The busy traces' summaries at this depth: the focus's first (the
    // collect below meets it there if it needs it), the rest after.
    m_canvas->warmSummaries();
    m_canvas->rebuild();
    updateSummary();
    emit depthChanged(depth);
}

void LanesView::stepError(int direction)
{
    Canvas &c = *m_canvas;
    Session *session = c.m_session;
    const std::shared_ptr<const Model> &model = c.m_model;
    if (!model || c.m_collecting || c.m_layout.lanes.empty())
        return;
    const uint32_t focus = session->focusTrace();
    auto indexOf = [this](uint32_t trace) {
        const auto at = std::find(m_tour.traces.begin(), m_tour.traces.end(), trace);
        return at == m_tour.traces.end() ? -1 : int(at - m_tour.traces.begin());
    };
    const bool sameModel = !m_tour.model.owner_before(model) && !model.owner_before(m_tour.model) && !m_tour.model.expired();
    if (!sameModel || (focus != m_tour.origin && indexOf(focus) < 0)) {
        m_tour = {};
        m_tour.model = model;
        m_tour.origin = focus;
        m_tour.traces = failedTraces(*model, c.m_layout);
    }
    const int n = int(m_tour.traces.size());
    if (n == 0) {
        emit statusMessage(QStringLiteral("No failed traces among these lanes"));
        return;
    }
    // From the failed member selected (stepped to, or clicked), else the one
    // focused, else the last one visited from the batch.
    int from = indexOf(session->selectedTrace());
    if (from < 0)
        from = focus == m_tour.origin ? m_tour.index : indexOf(focus);
    int next = from + (direction > 0 ? 1 : -1);
    bool wrapped = false;
    if (from < 0 && direction < 0) {
        next = n - 1;               // the first step back starts at the last
    } else if (next >= n) {
        next = 0;
        wrapped = true;
    } else if (next < 0) {
        next = n - 1;
        wrapped = true;
    }
    m_tour.index = next;
    const uint32_t trace = m_tour.traces[size_t(next)];
    QString text = QStringLiteral("error %L1 of %L2").arg(next + 1).arg(n);
    if (wrapped)
        text += direction > 0 ? QStringLiteral(" (from the first again)") : QStringLiteral(" (from the last again)");
    text += QStringLiteral("  ·  ") + display::traceCaption(*model, trace);
    // The batch stays the focus: the member is selected in place (its lane
    // surfaces next to its group, the details show its failed span). From
    // a member focused with Enter, the step returns to the batch.
    const uint32_t span = firstFailedSpan(*model, trace);
    if (focus == m_tour.origin)
        session->select(span);
    else
        session->navigateTo(m_tour.origin, span);
    emit statusMessage(text);
}

void LanesView::setSummary(const QString &text)
{
    m_summary->setText(text);
}

void LanesView::updateSummary()
{
    const LanesLayout &layout = m_canvas->m_layout;
    if (m_canvas->m_collecting) {
        setSummary(QStringLiteral("Collecting the linked traces…"));
        return;
    }
    if (layout.lanes.empty()) {
        setSummary({});
        return;
    }
    size_t up = 0, down = 0, links = 0;
    for (const Lane &lane : layout.lanes) {
        if (lane.group >= 0)
            continue; // a member with a lane of its own is counted in its group
        const size_t n = lane.isGroup() ? lane.members.size() : 1;
        if (lane.kind == LaneKind::Upstream)
            up += n;
        else if (lane.kind == LaneKind::Downstream)
            down += n;
    }
    for (const LaneEdge &e : layout.edges)
        links += e.links.size();
    const QLocale locale;
    setSummary(locale.toString(qulonglong(up)) + QStringLiteral(" upstream  ·  ")
                       + locale.toString(qulonglong(down)) + QStringLiteral(" downstream  ·  ")
                       + locale.toString(qulonglong(links)) + (links == 1 ? QStringLiteral(" link") : QStringLiteral(" links")));
}

} // namespace causeway::ui
