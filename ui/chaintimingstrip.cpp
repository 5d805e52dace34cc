#include "ui/chaintimingstrip.h"

#include "core/tracelinks.h"

#include "ui/chainhopsmodel.h"
#include "ui/displaytext.h"
#include "ui/elidedlabel.h"
#include "ui/palette.h"
#include "ui/session.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace causeway::ui {

TimeMapOptions chainTimeMapOptions()
{
    TimeMapOptions o;
    o.gapFactor = 1;         // longer than the traces on either side
    o.minGapShare = 0;       // chainTimeMap() raises it to what a break is worth
    o.maxBreaks = 256;       // a retry chain has a wait per attempt
    o.breakWidth = 64;       // room for "2.0 s" between two zig-zags
    o.maxBreakShare = 0.5;
    o.minRunShare = 0;       // one scale for every trace: their lengths compare
    return o;
}

TimeMap chainTimeMap(const ChainTiming &timing, double x0, double x1)
{
    std::vector<std::pair<uint64_t, uint64_t>> intervals;
    intervals.reserve(timing.hops.size());
    for (const ChainTimingHop &h : timing.hops)
        intervals.emplace_back(h.start, h.end);
    // A wait is cut only where, at the scale the traces end up with, it
    // would be wider than the break that replaces it. Cutting fewer waits
    // lowers that scale, so settle it in a few rounds.
    TimeMapOptions options = chainTimeMapOptions();
    const double total = double(std::max<uint64_t>(1, timing.elapsed()));
    TimeMap map(intervals, x0, x1, options);
    for (int round = 0; round < 4 && map.breakCount() > 0; ++round) {
        const size_t breaks = map.breakCount();
        const double breakWidth = std::min(options.breakWidth, (x1 - x0) * options.maxBreakShare / double(breaks));
        const double worth = map.scale() > 0 ? breakWidth / map.scale() / total : 0; // as a share of the chain
        if (worth <= options.minGapShare)
            break;
        options.minGapShare = worth;
        map = TimeMap(intervals, x0, x1, options);
        if (map.breakCount() == breaks)
            break;
    }
    return map;
}

namespace {

QPainterPath zigzag(double x, double y0, double y1)
{
    QPainterPath path;
    path.moveTo(x, y0);
    bool left = true;
    for (double y = y0 + 4; y < y1; y += 4) {
        path.lineTo(x + (left ? -2.5 : 2.5), y);
        left = !left;
    }
    path.lineTo(x, y1);
    return path;
}

} // namespace

// The bar itself: the chain's timeline across the widget's width.
class ChainTimingBar : public QWidget
{
public:
    ChainTimingBar(Session *session, const ChainTiming *timing, QWidget *parent)
        : QWidget(parent)
        , m_session(session)
        , m_timing(timing)
    {
        setMinimumHeight(30);
        setMaximumHeight(30);
        setMouseTracking(true);
    }

    static constexpr double kMargin = 8;

    // The timing changed: lay the axis out and paint the hops again at the
    // next use.
    void invalidate()
    {
        m_mapWidth = -1;
        m_raster.bar = QRectF();
        m_partEnds.clear();
    }

    const TimeMap &timeMap() const
    {
        if (m_mapWidth != width()) {
            m_map = chainTimeMap(*m_timing, kMargin, std::max(kMargin + 1, width() - kMargin));
            m_mapWidth = width();
        }
        return m_map;
    }

    double xOf(uint64_t t) const { return timeMap().toX(t); }

    // The hop whose part of the bar (its wait, then its inside time) is at x.
    // The parts end in time order: found by bisection, not by walking a
    // chain of a quarter of a million hops on every click and tooltip.
    int hopAt(double x) const
    {
        if (m_partEnds.size() != m_timing->hops.size()) {
            m_partEnds.clear();
            m_partEnds.reserve(m_timing->hops.size());
            uint64_t covered = m_timing->start;
            for (const ChainTimingHop &h : m_timing->hops) {
                covered = std::max(covered, h.end);
                m_partEnds.push_back(covered);
            }
        }
        const auto it = std::partition_point(m_partEnds.begin(), m_partEnds.end(),
                                             [&](uint64_t partEnd) { return x > xOf(partEnd) + 1; });
        return it == m_partEnds.end() ? -1 : int(it - m_partEnds.begin());
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        const bool dark = palette().color(QPalette::Window).lightness() < 128;
        p.fillRect(rect(), palette().color(QPalette::Window));
        if (!m_timing || m_timing->hops.size() < 2)
            return;
        const std::shared_ptr<const Model> model = m_session->model();
        if (!model)
            return;
        const QRectF bar(kMargin, 6, width() - 2 * kMargin, height() - 12);
        // Between traces: hatched, the whole bar first.
        p.fillRect(bar, dark ? QColor(0x3a, 0x3a, 0x42) : QColor(0xe6, 0xe6, 0xea));
        p.fillRect(bar, QBrush(dark ? QColor(0x60, 0x60, 0x6a) : QColor(0xb8, 0xb8, 0xc2), Qt::BDiagPattern));
        const Raster &r = raster(*model, bar);
        QFont small = font();
        small.setPixelSize(10);
        p.setFont(small);
        p.setPen(dark ? QColor(0xdd, 0xdd, 0xe4) : QColor(0x40, 0x40, 0x48));
        for (const auto &[rect, text] : r.waits)
            p.drawText(rect, Qt::AlignCenter, text);
        for (size_t c = 0; c < r.column.size();) {
            size_t end = c + 1;
            while (end < r.column.size() && r.column[end] == r.column[c])
                ++end;
            if (qAlpha(r.column[c]))
                p.fillRect(QRectF(r.left + double(c), bar.top(), double(end - c), bar.height()),
                           QColor::fromRgba(r.column[c]));
            c = end;
        }
        p.setPen(QPen(dark ? QColor(0xee, 0xee, 0xf2) : QColor(0x30, 0x30, 0x38), 1));
        p.drawLines(r.ticks.data(), int(r.ticks.size()));
        if (!r.focusRect.isNull()) {
            p.setPen(QPen(linkColor(dark), 2));
            p.setBrush(Qt::NoBrush);
            p.drawRect(r.focusRect);
        }
        // Breaks: the cut-out part of a long wait, with the real time waited.
        p.setRenderHint(QPainter::Antialiasing, true);
        const QColor ink = dark ? QColor(0xdd, 0xdd, 0xe4) : QColor(0x40, 0x40, 0x48);
        for (const TimeMap::Piece &piece : timeMap().pieces()) {
            if (!piece.compressed)
                continue;
            const QRectF cut(piece.x0, bar.top() - 4, piece.x1 - piece.x0, bar.height() + 8);
            p.setPen(QPen(ink, 1.2));
            p.setBrush(Qt::NoBrush);
            if (cut.width() < 14) {
                // Many waits on a narrow bar: two zig-zags a few pixels apart
                // would run into each other and their neighbours' (the tooltip
                // says how long the wait was).
                QColor faint = ink;
                faint.setAlphaF(0.6f);
                p.setPen(QPen(faint, 1));
                p.drawPath(zigzag((piece.x0 + piece.x1) / 2, cut.top(), cut.bottom()));
                continue;
            }
            p.fillRect(QRectF(piece.x0 + 3, bar.top(), std::max(0.0, cut.width() - 6), bar.height()),
                       palette().color(QPalette::Window));
            p.drawPath(zigzag(piece.x0 + 3, cut.top(), cut.bottom()));
            p.drawPath(zigzag(piece.x1 - 3, cut.top(), cut.bottom()));
            const QString text = display::duration(piece.t1 - piece.t0);
            if (p.fontMetrics().horizontalAdvance(text) + 14 <= cut.width()) { // clear of the zig-zags
                p.setPen(ink);
                p.drawText(QRectF(piece.x0 + 3, bar.top(), cut.width() - 6, bar.height()), Qt::AlignCenter, text);
            }
        }
    }

    // What the bar shows at one size, worked out from every hop once per
    // timing, size and focus (not on every repaint): a batch's chain can
    // have hundreds of thousands of hops on a bar a few hundred pixels wide.
    struct Raster
    {
        QRectF bar;
        uint32_t focus = kNone;
        const Model *model = nullptr;
        int left = 0;
        std::vector<QRgb> column; // the inside parts by pixel, opaque as far as traces fill it; alpha 0: none
        std::vector<QLineF> ticks; // where traces start, one per pixel
        QRectF focusRect;          // the focus trace's span, outlined
        std::vector<std::pair<QRectF, QString>> waits; // long enough to say how long
    };

    const Raster &raster(const Model &model, const QRectF &bar) const
    {
        const uint32_t focus = m_session->focusTrace();
        Raster &r = m_raster;
        if (r.bar == bar && r.focus == focus && r.model == &model)
            return r;
        r.bar = bar;
        r.focus = focus;
        r.model = &model;
        r.left = int(std::floor(bar.left()));
        // The parts inside traces go into pixel columns (a later hop over an
        // earlier one, as painting them in turn would), to be drawn as runs of
        // one colour; a pixel gets one tick however many traces start in it.
        // A part is at least 2 pixels wide so that it shows, but a column is
        // only as opaque as traces fill its time: ten thousand short traces
        // an hour apart make a pale bar, not a solid one.
        r.column.assign(size_t(std::max(0, int(std::ceil(bar.right())) - r.left + 1)), 0);
        const int columns = int(r.column.size());
        std::vector<float> cover(r.column.size() + 1, 0.f); // share of each column inside traces
        std::vector<float> fullFrom(r.column.size() + 1, 0.f); // +1 where a run of full columns starts, -1 after it
        const auto addCover = [&](double a, double b) {
            a = std::clamp(a - r.left, 0.0, double(columns));
            b = std::clamp(b - r.left, a, double(columns));
            const int ca = int(a), cb = int(b);
            if (ca == cb) {
                cover[size_t(ca)] += float(b - a);
                return;
            }
            cover[size_t(ca)] += float(ca + 1 - a);
            cover[size_t(cb)] += float(b - cb);
            if (ca + 1 < cb) {
                fullFrom[size_t(ca + 1)] += 1;
                fullFrom[size_t(cb)] -= 1;
            }
        };
        r.ticks.clear();
        r.focusRect = QRectF();
        r.waits.clear();
        std::vector<bool> ticked(r.column.size(), false);
        std::unordered_map<StringId, QRgb> colourOf; // by the root's service string
        const auto clampColumn = [&](double x) { return std::clamp(int(x) - r.left, 0, int(r.column.size())); };
        // Two places on the axis per hop (its start and end; where the hops
        // before it reach is the end of one of them): a chain can have
        // hundreds of thousands of hops.
        uint64_t covered = m_timing->start;
        double coveredX = xOf(covered);
        for (const ChainTimingHop &h : m_timing->hops) {
            const double start = xOf(h.start);
            const double endX = xOf(h.end);
            if (h.waitBefore && start - coveredX > 60 && !isBreak(covered, h.start))
                r.waits.emplace_back(QRectF(coveredX, bar.top(), start - coveredX, bar.height()),
                                     display::duration(h.waitBefore));
            if (h.inside) {
                auto [it, added] = colourOf.try_emplace(h.service, 0);
                if (added)
                    it->second = serviceColor(model.str(h.service)).rgba();
                const double x0 = h.start >= covered ? start : coveredX; // from where the hops before it end
                const double end = std::max(x0, endX);
                const double x1 = x0 + std::max(2.0, end - x0);
                std::fill(r.column.begin() + clampColumn(std::floor(x0)), r.column.begin() + clampColumn(std::ceil(x1)),
                          it->second);
                addCover(x0, end);
            }
            const int tick = int(std::lround(start)) - r.left;
            if (tick >= 0 && size_t(tick) < ticked.size() && !ticked[size_t(tick)]) {
                ticked[size_t(tick)] = true;
                r.ticks.emplace_back(QPointF(r.left + tick, bar.top() - 3), QPointF(r.left + tick, bar.top() + 3));
            }
            if (h.trace == focus)
                r.focusRect = QRectF(start, bar.top() - 1, std::max(2.0, endX - start), bar.height() + 2);
            if (h.end > covered) {
                covered = h.end;
                coveredX = endX;
            }
        }
        float full = 0;
        for (size_t c = 0; c < r.column.size(); ++c) {
            full += fullFrom[c];
            if (!qAlpha(r.column[c]))
                continue;
            const float share = std::clamp(cover[c] + full, 0.35f, 1.f); // a trace always shows
            r.column[c] = qRgba(qRed(r.column[c]), qGreen(r.column[c]), qBlue(r.column[c]), int(std::lround(share * 255)));
        }
        return r;
    }

    // Whether [t0, t1] is cut to a break (which says its own duration).
    bool isBreak(uint64_t t0, uint64_t t1) const
    {
        for (const TimeMap::Piece &piece : timeMap().pieces())
            if (piece.compressed && piece.t0 <= t0 && piece.t1 >= t1)
                return true;
        return false;
    }

    void mousePressEvent(QMouseEvent *event) override
    {
        const int hop = hopAt(event->position().x());
        if (hop >= 0 && size_t(hop) < m_timing->hops.size())
            m_session->navigateTo(m_timing->hops[size_t(hop)].trace);
    }

    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            const auto *help = static_cast<QHelpEvent *>(event);
            const int hop = hopAt(help->pos().x());
            const std::shared_ptr<const Model> model = m_session->model();
            if (hop >= 0 && model) {
                const ChainTimingHop &h = m_timing->hops[size_t(hop)];
                setToolTip(QStringLiteral("<b>%1</b><br>waited %2 before it · %3 of the chain's time inside it<br>"
                                          "%4 link hops from the focus trace")
                               .arg(display::traceCaption(*model, h.trace).toHtmlEscaped(), display::duration(h.waitBefore),
                                    display::duration(h.inside))
                               .arg(h.hops));
            } else {
                setToolTip(QString());
            }
        }
        return QWidget::event(event);
    }

private:
    Session *m_session;
    const ChainTiming *m_timing;
    mutable TimeMap m_map;
    mutable int m_mapWidth = -1;
    mutable Raster m_raster;
    mutable std::vector<uint64_t> m_partEnds; // where each hop's part of the bar ends
};

ChainTimingStrip::ChainTimingStrip(Session *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("chainTimingStrip"));
    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(6, 2, 6, 0);
    m_directionBox = new QComboBox(this);
    // Downstream first: "where does the time go after this" is the common
    // question, and both ways reaches the whole connected component.
    m_directionBox->addItem(tr("Downstream"), int(Direction::Downstream));
    m_directionBox->addItem(tr("Upstream"), int(Direction::Upstream));
    m_directionBox->addItem(tr("Both ways"), int(Direction::Both));
    m_directionBox->setToolTip(tr("Which links the chain follows from the focus trace"));
    m_summary = new ElidedLabel(this);
    m_tableButton = new QToolButton(this);
    m_tableButton->setText(tr("Hops"));
    m_tableButton->setCheckable(true);
    m_tableButton->setToolTip(tr("Show the chain's traces with the time waited before each and spent inside it"));
    controls->addWidget(new QLabel(tr("Chain timing:"), this));
    controls->addWidget(m_directionBox);
    m_otherButton = new QToolButton(this);
    m_otherButton->setObjectName(QStringLiteral("chainTimingOtherDirection"));
    m_otherButton->hide();
    controls->addWidget(m_summary, 1);
    controls->addWidget(m_otherButton);
    controls->addWidget(m_tableButton);

    m_bar = new ChainTimingBar(session, &m_timing, this);
    m_hops = new ChainHopsModel(this);
    m_table = new QTreeView(this);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setModel(m_hops);
    m_table->header()->setStretchLastSection(true); // the trace's caption
    m_table->setMaximumHeight(160);
    m_table->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 2);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(m_bar);
    layout->addWidget(m_table);

    connect(m_directionBox, &QComboBox::currentIndexChanged, this,
            [this](int) { setDirection(Direction(m_directionBox->currentData().toInt())); });
    connect(m_tableButton, &QToolButton::toggled, this, &ChainTimingStrip::setTableShown);
    connect(m_otherButton, &QToolButton::clicked, this, [this] { setDirection(m_otherDirection); });
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        const uint32_t trace = m_hops->traceAt(index.row());
        if (trace != kNone)
            m_session->navigateTo(trace);
    });
    if (m_session) {
        // A new model always comes with focusChanged (Session): one chain per model, not two.
        connect(m_session, &Session::focusChanged, this, [this] { recompute(); });
    }
    recompute();
}

const TimeMap &ChainTimingStrip::timeMap() const
{
    return m_bar->timeMap();
}

QWidget *ChainTimingStrip::bar() const
{
    return m_bar;
}

void ChainTimingStrip::setDirection(Direction direction)
{
    const int index = m_directionBox->findData(int(direction));
    if (index != m_directionBox->currentIndex()) {
        m_directionBox->setCurrentIndex(index);
        return;
    }
    m_direction = direction;
    recompute();
}

void ChainTimingStrip::setTableShown(bool shown)
{
    if (m_tableButton->isChecked() != shown)
        m_tableButton->setChecked(shown);
    m_table->setVisible(shown);
    if (shown)
        fitColumns();
}

void ChainTimingStrip::fitColumns()
{
    // Sized to rows from the start, the end and between: sizing to contents
    // would measure a long chain's first rows only, and its offsets grow
    // longer towards the end ("+30 min 52 s" against "+109 ms").
    const int rows = m_hops->rowCount();
    std::vector<int> sample;
    for (int r = 0; r < std::min(rows, 50); ++r)
        sample.push_back(r);
    for (int r = std::max(50, rows - 50); r < rows; ++r)
        sample.push_back(r);
    for (int i = 1; rows > 100 && i < 100; ++i)
        sample.push_back(50 + int(int64_t(rows - 100) * i / 100));
    QHeaderView *header = m_table->header();
    for (int c = 0; c + 1 < m_hops->columnCount(); ++c) {
        int width = header->sectionSizeHint(c);
        for (int r : sample)
            width = std::max(width, m_table->sizeHintForIndex(m_hops->index(r, c)).width());
        header->resizeSection(c, width);
    }
}

void ChainTimingStrip::recompute()
{
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    const uint64_t generation = ++m_generation;
    const bool focused = model && m_session->focusTrace() < model->traces.size();
    m_tableButton->setEnabled(focused); // no chain to list without a focus
    if (!focused) {
        m_computing = false;
        showTiming({});
        return;
    }
    const Reference start{m_session->focusTrace(), kNone};
    ChainOptions options;
    options.direction = m_direction;
    if (model->spanCount() < m_asyncSpans) {
        m_computing = false;
        showTiming(chainTiming(*model, start, options));
        return;
    }
    // On a large model the chain from a busy trace reaches thousands of
    // traces: worked out off the GUI thread (after a load this is the first
    // thing the window would otherwise do). The bar stays in place, empty:
    // the chain it showed belongs to another focus or model.
    m_computing = true;
    m_hops->setTiming(nullptr, nullptr); // before the rows it shows go
    m_timing = {};
    m_bar->invalidate();
    m_bar->update();
    m_summary->setText(tr("Working out the chain…"));
    auto *watcher = new QFutureWatcher<ChainTiming>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_computing = false;
        showTiming(watcher->future().takeResult());
    });
    watcher->setFuture(QtConcurrent::run([model, start, options] { return chainTiming(*model, start, options); }));
}

void ChainTimingStrip::showTiming(ChainTiming timing)
{
    m_hops->setTiming(nullptr, nullptr); // before the rows it shows go
    m_timing = std::move(timing);
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    bool offerOther = false;
    if (m_timing.hops.size() < 2) {
        // Name the direction: a batch with many traces upstream has none downstream.
        const QString none = m_direction == Direction::Downstream ? tr("no linked traces downstream of the focus trace")
            : m_direction == Direction::Upstream                   ? tr("no linked traces upstream of the focus trace")
                                                                   : tr("the focus trace has no linked traces");
        const bool focused = model && m_session->focusTrace() < model->traces.size();
        m_summary->setText(focused ? none : QString());
        // The other way, one step: a link of the focus trace to another
        // trace (upstream) or of another trace to it (downstream).
        if (focused && m_direction != Direction::Both) {
            const uint32_t focus = m_session->focusTrace();
            const bool upstream = m_direction == Direction::Downstream;
            const auto found = [&offerOther](uint32_t, uint32_t) { offerOther = true; };
            if (upstream)
                forEachUpstream(*model, focus, kNone, found);
            else
                forEachDownstream(*model, focus, kNone, found);
            m_otherDirection = upstream ? Direction::Upstream : Direction::Downstream;
            m_otherButton->setText(upstream ? tr("Show Upstream") : tr("Show Downstream"));
            m_otherButton->setToolTip(upstream ? tr("The focus trace links to traces upstream: follow its links instead")
                                               : tr("Traces downstream link to the focus trace: follow their links instead"));
        }
    } else {
        m_summary->setText(tr("%1 from the first span to the last · %2 inside traces · %3 between them · %L4 traces")
                               .arg(display::duration(m_timing.elapsed()), display::duration(m_timing.inside),
                                    display::duration(m_timing.between))
                               .arg(m_timing.hops.size()));
    }
    m_otherButton->setVisible(offerOther);
    m_hops->setTiming(model, &m_timing);
    if (m_table->isVisible())
        fitColumns();
    m_bar->invalidate();
    m_bar->setVisible(m_timing.hops.size() >= 2);
    m_bar->update();
    emit timingReady();
}

} // namespace causeway::ui
