#include "ui/flamegraph.h"

#include "core/criticalpath.h"
#include "ui/criticalpathpainter.h"
#include "ui/displaytext.h"
#include "ui/drawing.h"
#include "ui/session.h"
#include "ui/timeaxis.h"

#include <QEvent>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QFontMetricsF>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace causeway::ui {

namespace {

constexpr double kOverviewHeight = 34;
constexpr double kBandThreshold = 4;     // px of left drag before it becomes a range selection
constexpr double kZoomStep = 0.8;        // window factor per wheel notch / key press
constexpr double kPanStep = 0.15;        // of the window width per key press
constexpr uint32_t kAsyncSpans = 200'000; // traces this large are indexed on a worker thread

QString fromView(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

const char *statusName(StatusCode s)
{
    switch (s) {
    case StatusCode::Ok: return "Ok";
    case StatusCode::Error: return "Error";
    case StatusCode::Unset: break;
    }
    return "Unset";
}

// The trace a view shows when none is named: the one with the most links,
// as the session picks on load.
uint32_t defaultTrace(const Model &model)
{
    uint32_t best = kNone;
    for (uint32_t t = 0; t < model.traces.size(); ++t) {
        const auto &a = model.traces[t];
        if (best == kNone || a.linksIn + a.linksOut > model.traces[best].linksIn + model.traces[best].linksOut)
            best = t;
    }
    return best;
}

double rowHeightFor(const QFont &font)
{
    return std::ceil(QFontMetricsF(font).height()) + 5;
}

} // namespace

FlameGraphWidget::FlameGraphWidget(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    // Every pixel is painted each time; no background fill needed first.
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    updateStyle();
    connect(m_session, &Session::focusChanged, this, &FlameGraphWidget::onFocusChanged);
    connect(m_session, &Session::modelChanged, this, &FlameGraphWidget::onFocusChanged);
    connect(m_session, &Session::focusEvicted, this, [this] {
        m_focusEvicted = true;
        update();
    });
    connect(m_session, &Session::loadingChanged, this, qOverload<>(&QWidget::update));
    connect(m_session, &Session::selectionChanged, this, &FlameGraphWidget::onSelectionChanged);
    connect(m_session, &Session::visibleRangeChanged, this, &FlameGraphWidget::onVisibleRangeChanged);
    onFocusChanged();
}

FlameGraphWidget::~FlameGraphWidget() = default;

QSize FlameGraphWidget::sizeHint() const
{
    return QSize(900, 420);
}

int FlameGraphWidget::contentHeightHint() const
{
    const int rows = m_rows ? std::max(1, m_rows->rowCount()) : 3;
    return int(std::ceil(kOverviewHeight + TimeAxis::kHeight + (rows + 1) * m_rowHeight + m_legendHeight + 8));
}

QSize FlameGraphWidget::minimumSizeHint() const
{
    return QSize(200, int(kOverviewHeight + TimeAxis::kHeight + 3 * m_rowHeight + m_legendHeight));
}

void FlameGraphWidget::updateStyle()
{
    m_style = FlameStyle::fromPalette(palette(), font());
    m_rowHeight = rowHeightFor(font());
    m_legendHeight = std::ceil(QFontMetricsF(font()).height()) + 6;
    clampScroll();
    update();
}

// ---------------------------------------------------------------------------
// Session

void FlameGraphWidget::onFocusChanged()
{
    const auto &model = m_session->model();
    const uint32_t trace = m_session->focusTrace();
    if (model != m_model && trace == m_trace && m_rows && m_rows->model() == m_model.get() && !m_preparing
        && m_session->traceUnchanged(trace)) {
        // Live data that did not touch the focus trace: the same rows, read
        // from the new snapshot; zoom, scroll and hover stay.
        m_model = model;
        m_rows = std::make_shared<const FlameRows>(m_rows->reboundTo(*model));
        m_painter.setRows(m_rows);
        m_overview.setRows(m_rows);
        m_painter.setMarked(m_highlighted);
        update();
        return;
    }
    if (trace != kNone)
        m_focusEvicted = false;
    if (model != m_model || trace != m_trace) {
        m_model = model;
        m_trace = trace;
        ++m_generation;
        m_preparing = false;
        installRows(nullptr);
        if (model && trace < model->traces.size()) {
            if (model->traces[trace].spans.count < kAsyncSpans) {
                installRows(std::make_shared<const FlameRows>(*model, trace));
            } else {
                // Indexing a very large trace takes a noticeable moment: do it
                // off the GUI thread and show the trace when it is ready.
                m_preparing = true;
                const uint64_t generation = m_generation;
                auto *watcher = new QFutureWatcher<std::shared_ptr<const FlameRows>>(this);
                connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
                    watcher->deleteLater();
                    if (generation != m_generation)
                        return;
                    m_preparing = false;
                    installRows(watcher->result());
                    applySessionRange();
                    emit rowsReady();
                });
                watcher->setFuture(QtConcurrent::run(
                    [model, trace] { return std::make_shared<const FlameRows>(*model, trace); }));
            }
        }
    }
    applySessionRange();
    update();
}

void FlameGraphWidget::installRows(std::shared_ptr<const FlameRows> rows)
{
    m_rows = std::move(rows);
    m_painter.setRows(m_rows);
    m_overview.setRows(m_rows);
    m_painter.setMarked(m_highlighted);
    m_hovered = kNone;
    m_scrollY = 0;
    update();
    emit contentHeightChanged();
}

void FlameGraphWidget::applySessionRange()
{
    const ViewState &state = m_session->current();
    if (state.viewStart == 0 && state.viewEnd == 0)
        setWindow(0, fullLength(), false);
    else
        onVisibleRangeChanged(state.viewStart, state.viewEnd);
}

void FlameGraphWidget::onVisibleRangeChanged(uint64_t start, uint64_t end)
{
    if (!m_rows)
        return;
    if (start == 0 && end == 0) {
        setWindow(0, fullLength(), false);
    } else if (end > start) {
        const uint64_t origin = m_rows->start();
        auto rel = [origin](uint64_t t) { return t >= origin ? double(t - origin) : -double(origin - t); };
        setWindow(rel(start), rel(end), false);
    }
    update();
}

void FlameGraphWidget::onSelectionChanged(uint32_t span)
{
    ensureVisible(span);
    update();
}

void FlameGraphWidget::setHighlightedSpans(std::vector<uint32_t> spans)
{
    m_highlighted = std::move(spans);
    m_painter.setMarked(m_highlighted);
    update();
}

// ---------------------------------------------------------------------------
// Window

double FlameGraphWidget::fullLength() const
{
    return m_rows ? std::max(1.0, double(m_rows->end() - m_rows->start())) : 1.0;
}

double FlameGraphWidget::minLength() const
{
    // About ten pixels per nanosecond at the deepest zoom.
    return std::min(fullLength(), std::max(10.0, flameRect().width() / 10));
}

void FlameGraphWidget::setWindow(double start, double end, bool report)
{
    const double full = fullLength();
    double length = std::clamp(end - start, minLength(), full);
    if (!(length > 0))
        length = full;
    start = std::clamp(start, 0.0, full - length);
    m_viewStart = start;
    m_viewEnd = start + length;
    update();
    if (report && m_rows) {
        if (m_viewStart <= 0 && m_viewEnd >= full)
            m_session->setVisibleRange(0, 0);
        else
            m_session->setVisibleRange(viewStart(), viewEnd());
    }
}

uint64_t FlameGraphWidget::viewStart() const
{
    return m_rows ? m_rows->start() + uint64_t(std::llround(m_viewStart)) : 0;
}

uint64_t FlameGraphWidget::viewEnd() const
{
    return m_rows ? std::max(viewStart() + 1, m_rows->start() + uint64_t(std::llround(m_viewEnd))) : 1;
}

void FlameGraphWidget::zoomIn()
{
    zoomAround(flameRect().center().x(), kZoomStep);
}

void FlameGraphWidget::zoomOut()
{
    zoomAround(flameRect().center().x(), 1 / kZoomStep);
}

void FlameGraphWidget::fitToTrace()
{
    setWindow(0, fullLength(), true);
}

void FlameGraphWidget::zoomAround(double x, double factor)
{
    const QRectF r = flameRect();
    if (r.width() <= 0)
        return;
    const double length = m_viewEnd - m_viewStart;
    const double newLength = std::clamp(length * factor, minLength(), fullLength());
    // The time under x stays under x.
    const double anchor = m_viewStart + (x - r.left()) / r.width() * length;
    const double start = anchor - (anchor - m_viewStart) * newLength / length;
    setWindow(start, start + newLength, true);
}

void FlameGraphWidget::panBy(double px)
{
    const double w = flameRect().width();
    if (w <= 0)
        return;
    const double shift = px / w * (m_viewEnd - m_viewStart);
    setWindow(m_viewStart + shift, m_viewEnd + shift, true);
}

void FlameGraphWidget::scrollBy(double dy)
{
    m_scrollY += dy;
    clampScroll();
    update();
}

void FlameGraphWidget::clampScroll()
{
    const double content = m_rows ? FlamePainter::contentHeight(*m_rows, m_rowHeight) : 0;
    m_scrollY = std::clamp(m_scrollY, 0.0, std::max(0.0, content - flameRect().height()));
}

void FlameGraphWidget::zoomToSpan(uint32_t span)
{
    if (!m_rows || !m_model || span >= m_model->hot.size() || m_model->hot[span].trace != m_rows->trace())
        return;
    const SpanHot &h = m_model->hot[span];
    const double s = double(h.start - m_rows->start()), e = double(h.end - m_rows->start());
    const double margin = std::max((e - s) * 0.04, minLength() / 2);
    setWindow(s - margin, e + margin, true);
    ensureVisible(span);
}

void FlameGraphWidget::ensureVisible(uint32_t span)
{
    const auto r = spanRect(span);
    if (!r)
        return;
    const QRectF area = flameRect();
    if (r->right() < area.left() || r->left() > area.right()) {
        const double length = m_viewEnd - m_viewStart;
        const SpanHot &h = m_model->hot[span];
        const double s = double(h.start - m_rows->start()), e = double(h.end - m_rows->start());
        if (e - s > length) {
            zoomToSpan(span);
            return;
        }
        const double mid = (s + e) / 2;
        setWindow(mid - length / 2, mid + length / 2, true);
    }
    if (r->top() < area.top())
        scrollBy(r->top() - area.top() - m_rowHeight);
    else if (r->bottom() > area.bottom())
        scrollBy(r->bottom() - area.bottom() + m_rowHeight);
}

// ---------------------------------------------------------------------------
// Geometry

QRectF FlameGraphWidget::overviewRect() const
{
    return QRectF(0, 0, width(), kOverviewHeight);
}

QRectF FlameGraphWidget::axisRect() const
{
    return QRectF(0, kOverviewHeight, width(), TimeAxis::kHeight);
}

QRectF FlameGraphWidget::legendRect() const
{
    return QRectF(0, height() - m_legendHeight, width(), m_legendHeight);
}

QRectF FlameGraphWidget::flameRect() const
{
    const double top = kOverviewHeight + TimeAxis::kHeight;
    return QRectF(0, top, width(), std::max(0.0, height() - top - m_legendHeight));
}

FlameView FlameGraphWidget::currentView() const
{
    FlameView v;
    v.rect = flameRect();
    v.start = viewStart();
    v.end = viewEnd();
    v.rowHeight = m_rowHeight;
    v.scrollY = m_scrollY;
    return v;
}

double FlameGraphWidget::timeAtX(double x) const
{
    const QRectF r = flameRect();
    return m_viewStart + (x - r.left()) / std::max(1.0, r.width()) * (m_viewEnd - m_viewStart);
}

uint32_t FlameGraphWidget::spanAt(QPointF pos) const
{
    return m_painter.hitTest(currentView(), pos);
}

std::optional<QRectF> FlameGraphWidget::spanRect(uint32_t span) const
{
    return m_painter.spanRect(currentView(), span);
}

// ---------------------------------------------------------------------------
// Painting

void FlameGraphWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setFont(m_style.font);
    const QRectF all = rect();
    if (!m_rows || m_rows->entryCount() == 0) {
        p.fillRect(all, m_style.background);
        p.setPen(m_style.text);
        QString text = display::nothingLoaded(m_session->loading());
        if (m_preparing)
            text = tr("Preparing the flame graph of %1 spans…").arg(QLocale().toString(m_model->traces[m_trace].spans.count));
        else if (m_model && m_focusEvicted && m_trace == kNone)
            text = tr("The trace in focus was removed to keep the newest spans (the retention cap); pick another in the trace list");
        else if (m_model)
            text = display::noFocus();
        p.drawText(all.adjusted(12, 0, -12, 0), Qt::AlignCenter | Qt::TextWordWrap, text);
        return;
    }

    // Overview of the whole trace, the window shown as the undimmed part.
    const QRectF ov = overviewRect();
    p.fillRect(ov, m_style.background);
    FlameView overview;
    overview.rect = ov.adjusted(0, 2, 0, -3);
    overview.start = m_rows->start();
    overview.end = m_rows->start() + uint64_t(fullLength());
    overview.rowHeight = std::max(1.0, overview.rect.height() / std::max(1, m_rows->rowCount()));
    overview.details = false;
    m_overview.paint(p, overview, m_style);
    {
        const double full = fullLength();
        double x0 = ov.left() + m_viewStart / full * ov.width();
        double x1 = ov.left() + m_viewEnd / full * ov.width();
        if (x1 - x0 < 3) {
            const double mid = (x0 + x1) / 2;
            x0 = mid - 1.5;
            x1 = mid + 1.5;
        }
        QColor dim = m_style.background;
        dim.setAlphaF(0.65f);
        p.fillRect(QRectF(ov.left(), ov.top(), x0 - ov.left(), ov.height()), dim);
        p.fillRect(QRectF(x1, ov.top(), ov.right() - x1, ov.height()), dim);
        p.setPen(QPen(m_style.selection, 1));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(x0, ov.top(), x1 - x0 - 1, ov.height() - 1));
        QColor line = m_style.text;
        line.setAlphaF(0.3f);
        p.setPen(line);
        p.drawLine(QPointF(ov.left(), ov.bottom() - 0.5), QPointF(ov.right(), ov.bottom() - 0.5));
    }

    const QRectF axis = axisRect();
    p.fillRect(axis, m_style.background);
    QColor axisLine = m_style.text;
    axisLine.setAlphaF(0.45f);
    TimeAxis::paint(p, axis, m_viewStart, m_viewEnd, m_style.text, axisLine);

    const FlameView view = currentView();
    m_painter.paint(p, view, m_style, m_session->selectedSpan(), m_hovered);

    // Scroll indicator when rows overflow.
    const double content = FlamePainter::contentHeight(*m_rows, m_rowHeight);
    if (content > view.rect.height() && view.rect.height() > 0) {
        const double h = std::max(12.0, view.rect.height() * view.rect.height() / content);
        const double y = view.rect.top() + (view.rect.height() - h) * m_scrollY / (content - view.rect.height());
        QColor c = m_style.text;
        c.setAlphaF(0.35f);
        p.fillRect(QRectF(view.rect.right() - 5, y, 4, h), c);
    }

    if (m_banding) {
        const double x0 = std::min(m_pressPos.x(), m_bandEnd), x1 = std::max(m_pressPos.x(), m_bandEnd);
        const QRectF band(x0, view.rect.top(), x1 - x0, view.rect.height());
        QColor fill = m_style.selection;
        fill.setAlphaF(0.2f);
        p.fillRect(band, fill);
        p.setPen(m_style.selection);
        p.drawLine(QPointF(x0, band.top()), QPointF(x0, band.bottom()));
        p.drawLine(QPointF(x1, band.top()), QPointF(x1, band.bottom()));
        p.setPen(m_style.text);
        const QString text = formatDuration(timeAtX(x1) - timeAtX(x0));
        p.drawText(QRectF(x0, band.top() + 2, std::max(x1 - x0, 80.0), 18), Qt::AlignHCenter | Qt::AlignTop, text);
    }

    paintFlameLegend(p, legendRect(), *m_rows, m_style, false);
}

void FlameGraphWidget::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    clampScroll();
    // The shortest window depends on the width.
    setWindow(m_viewStart, m_viewEnd, false);
}

void FlameGraphWidget::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        updateStyle();
    QWidget::changeEvent(event);
}

// ---------------------------------------------------------------------------
// Interaction

void FlameGraphWidget::moveOverviewTo(double x)
{
    const QRectF ov = overviewRect();
    const double t = (x - ov.left()) / std::max(1.0, ov.width()) * fullLength();
    const double length = m_viewEnd - m_viewStart;
    setWindow(t - length / 2, t + length / 2, true);
}

void FlameGraphWidget::mousePressEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    m_pressPos = pos;
    m_pressViewStart = m_viewStart;
    m_pressScrollY = m_scrollY;
    if (event->button() == Qt::LeftButton && overviewRect().contains(pos)) {
        m_drag = Drag::Overview;
        moveOverviewTo(pos.x());
    } else if (event->button() == Qt::MiddleButton
               || (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier))) {
        m_drag = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton) {
        m_drag = Drag::Select;
        m_banding = false;
    }
    event->accept();
}

void FlameGraphWidget::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    switch (m_drag) {
    case Drag::Overview:
        moveOverviewTo(pos.x());
        break;
    case Drag::Pan: {
        const double w = std::max(1.0, flameRect().width());
        const double shift = (m_pressPos.x() - pos.x()) / w * (m_viewEnd - m_viewStart);
        const double length = m_viewEnd - m_viewStart;
        setWindow(m_pressViewStart + shift, m_pressViewStart + shift + length, true);
        m_scrollY = m_pressScrollY + (m_pressPos.y() - pos.y());
        clampScroll();
        break;
    }
    case Drag::Select:
        if (m_banding || std::abs(pos.x() - m_pressPos.x()) >= kBandThreshold) {
            m_banding = true;
            m_bandEnd = std::clamp(pos.x(), flameRect().left(), flameRect().right());
            update();
        }
        break;
    case Drag::None: {
        const uint32_t hit = spanAt(pos);
        if (hit != m_hovered) {
            m_hovered = hit;
            update();
        }
        break;
    }
    }
}

void FlameGraphWidget::mouseReleaseEvent(QMouseEvent *event)
{
    const Drag drag = m_drag;
    m_drag = Drag::None;
    unsetCursor();
    if (drag == Drag::Select) {
        if (m_banding) {
            m_banding = false;
            const double x0 = std::min(m_pressPos.x(), m_bandEnd), x1 = std::max(m_pressPos.x(), m_bandEnd);
            if (x1 - x0 >= kBandThreshold)
                setWindow(timeAtX(x0), timeAtX(x1), true);
            update();
        } else if (flameRect().contains(event->position())) {
            m_session->select(spanAt(event->position()));
        }
    }
    event->accept();
}

void FlameGraphWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    m_drag = Drag::None;
    m_banding = false;
    if (event->button() != Qt::LeftButton)
        return;
    const uint32_t hit = flameRect().contains(event->position()) ? spanAt(event->position()) : kNone;
    if (hit == kNone) {
        fitToTrace();
        return;
    }
    m_session->select(hit);
    zoomToSpan(hit);
    emit spanActivated(hit);
}

void FlameGraphWidget::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ShiftModifier) {
        // Some platforms turn Shift+wheel into a horizontal wheel.
        scrollBy(-(delta.y() ? delta.y() : delta.x()) / 120.0 * m_rowHeight * 2);
    } else if (delta.x() != 0 && std::abs(delta.x()) > std::abs(delta.y())) {
        panBy(-delta.x() / 120.0 * flameRect().width() * 0.1);
    } else if (delta.y() != 0) {
        zoomAround(event->position().x(), std::pow(kZoomStep, delta.y() / 120.0));
    }
    event->accept();
}

uint32_t FlameGraphWidget::relative(uint32_t span, int key) const
{
    if (!m_rows || !m_model || span >= m_model->hot.size() || m_model->hot[span].trace != m_rows->trace())
        return kNone;
    const Model &model = *m_model;
    const SpanHot &h = model.hot[span];
    switch (key) {
    case Qt::Key_Up:
        return h.parent;
    case Qt::Key_Down: {
        const auto [first, last] = m_rows->window(m_rows->rowOf(span) + 1, h.start, h.end);
        for (uint32_t e = first; e < last; ++e)
            if (model.hot[m_rows->entrySpan(e)].parent == span)
                return m_rows->entrySpan(e);
        return kNone;
    }
    case Qt::Key_Left:
    case Qt::Key_Right: {
        const uint32_t e = m_rows->entryOf(span);
        if (e == kNone)
            return kNone;
        const Range row = m_rows->row(m_rows->rowOf(span));
        // Siblings share the row and lie within the parent's time; stop there.
        const uint64_t lo = h.parent == kNone ? 0 : model.hot[h.parent].start;
        const uint64_t hi = h.parent == kNone ? UINT64_MAX : model.hot[h.parent].end;
        if (key == Qt::Key_Right) {
            for (uint32_t k = e + 1; k < row.end() && m_rows->entryStart(k) <= hi; ++k)
                if (model.hot[m_rows->entrySpan(k)].parent == h.parent)
                    return m_rows->entrySpan(k);
        } else {
            for (uint32_t k = e; k-- > row.first && m_rows->maxEndAt(k) >= lo;)
                if (model.hot[m_rows->entrySpan(k)].parent == h.parent)
                    return m_rows->entrySpan(k);
        }
        return kNone;
    }
    default:
        return kNone;
    }
}

void FlameGraphWidget::selectAndShow(uint32_t span)
{
    if (span == kNone)
        return;
    m_session->select(span);
    ensureVisible(span);
}

void FlameGraphWidget::keyPressEvent(QKeyEvent *event)
{
    const QPointF cursor = mapFromGlobal(QCursor::pos());
    const double anchor = flameRect().contains(cursor) ? cursor.x() : flameRect().center().x();
    const uint32_t selected = m_session->selectedSpan();
    const bool inTrace = selected != kNone && m_model && selected < m_model->hot.size() && m_rows
        && m_model->hot[selected].trace == m_rows->trace();
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
    case Qt::Key_W:
        zoomAround(anchor, kZoomStep);
        break;
    case Qt::Key_Minus:
    case Qt::Key_S:
        zoomAround(anchor, 1 / kZoomStep);
        break;
    case Qt::Key_A:
        panBy(-kPanStep * flameRect().width());
        break;
    case Qt::Key_D:
        panBy(kPanStep * flameRect().width());
        break;
    case Qt::Key_F:
    case Qt::Key_Home:
        fitToTrace();
        break;
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (inTrace)
            selectAndShow(relative(selected, event->key()));
        else
            panBy((event->key() == Qt::Key_Left ? -kPanStep : kPanStep) * flameRect().width());
        break;
    case Qt::Key_Up:
    case Qt::Key_Down:
        if (inTrace)
            selectAndShow(relative(selected, event->key()));
        else
            scrollBy(event->key() == Qt::Key_Up ? -m_rowHeight : m_rowHeight);
        break;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (inTrace) {
            zoomToSpan(selected);
            emit spanActivated(selected);
        }
        break;
    case Qt::Key_Escape:
        if (m_banding || m_drag != Drag::None) {
            m_banding = false;
            m_drag = Drag::None;
            update();
        } else {
            m_session->select(kNone);
        }
        break;
    default:
        QWidget::keyPressEvent(event);
        return;
    }
    event->accept();
}

void FlameGraphWidget::leaveEvent(QEvent *event)
{
    if (m_hovered != kNone) {
        m_hovered = kNone;
        update();
    }
    QWidget::leaveEvent(event);
}

QString FlameGraphWidget::toolTipFor(uint32_t span) const
{
    const Model &model = *m_model;
    const SpanHot &h = model.hot[span];
    QString text = fromView(model.str(h.name));
    text += QStringLiteral("\nService: ")
        + (model.str(h.service).empty() ? QStringLiteral("(none)") : fromView(model.str(h.service)));
    text += QStringLiteral("\nDuration: ") + formatDuration(double(h.end - h.start));
    text += QStringLiteral("  (starts at ") + display::offset(int64_t(h.start - m_rows->start())) + QStringLiteral(")");
    text += QStringLiteral("\nStatus: ") + QString::fromLatin1(statusName(h.status));
    const StringId message = span < model.cold.size() ? model.cold[span].statusMessage : 0;
    if (message)
        text += QStringLiteral(" (") + fromView(model.str(message)) + QStringLiteral(")");
    const uint32_t out = model.outgoingLinks(span).count, in = model.incomingLinks(span).count;
    text += QStringLiteral("\nLinks: %1 out, %2 in").arg(out).arg(in);
    return text;
}

bool FlameGraphWidget::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const uint32_t hit = flameRect().contains(help->pos()) ? spanAt(help->pos()) : kNone;
        if (hit != kNone && m_model)
            QToolTip::showText(help->globalPos(), toolTipFor(hit), this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

// ---------------------------------------------------------------------------
// Export

Drawing flameDrawing(const Model &model, const DrawingOptions &options)
{
    const uint32_t trace = options.trace < model.traces.size() ? options.trace : defaultTrace(model);
    auto rows = std::make_shared<FlameRows>(model, trace);
    auto painter = std::make_shared<FlamePainter>(rows);
    const FlameStyle style = FlameStyle::standard(options.dark);
    const double width = std::max(200.0, options.width);
    const double rowHeight = rowHeightFor(style.font);
    const double legend = flameLegendHeight(*rows, style.font, width, true);
    // A pathologically deep trace would ask for an image taller than any
    // format or memory allows: draw its first rows only.
    constexpr int kMaxDrawingRows = 1000;
    const double flameHeight = std::min(rows->rowCount(), kMaxDrawingRows) * rowHeight;
    const uint32_t selected = options.span;
    std::shared_ptr<const CriticalPath> path;
    if (options.criticalPath)
        path = std::make_shared<const CriticalPath>(criticalPath(model, trace));
    const bool dark = options.dark;

    Drawing drawing;
    drawing.size = QSizeF(width, TimeAxis::kHeight + flameHeight + legend);
    drawing.paint = [rows, painter, style, width, rowHeight, legend, flameHeight, selected, path, dark](QPainter &p) {
        p.save();
        p.setFont(style.font);
        const QRectF axis(0, 0, width, TimeAxis::kHeight);
        p.fillRect(axis, style.background);
        const double length = std::max(1.0, double(rows->end() - rows->start()));
        QColor line = style.text;
        line.setAlphaF(0.45f);
        TimeAxis::paint(p, axis, 0, length, style.text, line);
        FlameView view;
        view.rect = QRectF(0, TimeAxis::kHeight, width, flameHeight);
        view.start = rows->start();
        view.end = rows->start() + uint64_t(length);
        view.rowHeight = rowHeight;
        painter->paint(p, view, style, selected);
        if (path) {
            CriticalPathGeometry geometry;
            geometry.area = view.rect;
            geometry.boxOf = [&](uint32_t span) { return painter->spanRect(view, span); };
            geometry.xOf = [&view](uint64_t t) { return view.xOf(t); };
            paintCriticalPath(p, *path, geometry, dark);
        }
        paintFlameLegend(p, QRectF(0, TimeAxis::kHeight + flameHeight, width, legend), *rows, style, true);
        p.restore();
    };
    return drawing;
}

} // namespace causeway::ui
