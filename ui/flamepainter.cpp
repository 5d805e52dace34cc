#include "ui/flamepainter.h"

#include "ui/palette.h"
#include "ui/theme.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>
#include <QPolygonF>

#include <algorithm>
#include <tuple>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace causeway::ui {

namespace {

constexpr size_t kSampleStep = 16;

// Spans narrower than this (logical px) join runs drawn as one rectangle.
constexpr double kMergeWidth = 2.0;
// Boxes narrower than this get no link glyph.
constexpr double kGlyphMinWidth = 14.0;
constexpr double kGlyphStep = 9.0;

// The time at x, rounded down (floor) or up; clamped to the uint64 range.
uint64_t timeAt(const FlameView &view, double x, bool up)
{
    double d = (x - view.rect.left()) / view.scale();
    d = up ? std::ceil(d) : std::floor(d);
    if (d < 0)
        return -d >= double(view.start) ? 0 : view.start - uint64_t(-d);
    const double room = double(UINT64_MAX - view.start);
    return d >= room ? UINT64_MAX : view.start + uint64_t(d);
}

QString serviceLabel(const Model &model, StringId service)
{
    const auto name = model.str(service);
    return name.empty() ? QStringLiteral("(no service)") : QString::fromUtf8(name.data(), qsizetype(name.size()));
}

} // namespace

// ---------------------------------------------------------------------------
// FlameRows

FlameRows::FlameRows(const Model &model, uint32_t trace)
    : m_model(&model)
    , m_trace(trace)
{
    if (trace >= model.traces.size())
        return;
    const Trace &tr = model.traces[trace];
    m_start = tr.start;
    m_end = tr.end;
    const size_t n = tr.spans.count;
    if (n == 0)
        return;

    assignRows(model, tr);
    m_rowFirst.assign(size_t(m_rowCount) + 1, 0);
    for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k)
        ++m_rowFirst[size_t(rowOf(model.traceSpans[k])) + 1];
    std::partial_sum(m_rowFirst.begin(), m_rowFirst.end(), m_rowFirst.begin());

    m_starts.resize(n);
    m_ends.resize(n);
    m_span.resize(n);
    m_color.resize(n);
    m_flags.resize(n);
    m_errorPrefix.assign(n + 1, 0);

    std::unordered_map<StringId, uint16_t> colorOf;
    StringId lastService = 0;
    uint16_t lastColor = 0;
    // traceSpans is sorted by start, so filling rows in that order keeps each row sorted.
    std::vector<uint32_t> fill(m_rowFirst.begin(), m_rowFirst.end() - 1);
    for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k) {
        const uint32_t s = model.traceSpans[k];
        const SpanHot &h = model.hot[s];
        const uint32_t e = fill[size_t(rowOf(s))]++;
        m_starts[e] = h.start;
        m_ends[e].end = h.end;
        m_span[e] = s;
        if (h.service != lastService || m_services.empty()) {
            // Neighbouring spans mostly share a service: look up only on a change.
            auto [it, inserted] = colorOf.try_emplace(h.service, uint16_t(m_services.size()));
            if (inserted) {
                if (m_services.size() < UINT16_MAX)
                    m_services.push_back(h.service);
                else // more services than colour slots: the rest share the last one
                    it->second = uint16_t(m_services.size() - 1);
            }
            lastService = h.service;
            lastColor = it->second;
        }
        m_color[e] = lastColor;
        m_flags[e] = uint8_t((h.status == StatusCode::Error ? Error : 0) | (h.hasLinks & 1 ? LinksOut : 0)
                             | (h.hasLinks & 2 ? LinksIn : 0));
    }
    for (int r = 0; r < rowCount(); ++r) {
        uint64_t running = 0;
        const Range range = row(r);
        for (uint32_t e = range.first; e < range.end(); ++e) {
            running = std::max(running, m_ends[e].end);
            m_ends[e].maxEnd = running;
        }
    }
    m_sample.resize((n + kSampleStep - 1) / kSampleStep);
    for (size_t k = 0; k < m_sample.size(); ++k)
        m_sample[k] = m_starts[k * kSampleStep];
    for (size_t e = 0; e < n; ++e)
        m_errorPrefix[e + 1] = m_errorPrefix[e] + (m_flags[e] & Error ? 1 : 0);
    m_colors.reserve(m_services.size());
    for (StringId s : m_services)
        m_colors.push_back(serviceColor(model.str(s)));
}

void FlameRows::assignRows(const Model &model, const Trace &tr)
{
    m_rowCount = uint32_t(tr.maxDepth) + 1;
    if (tr.rootCount <= 1)
        return; // one tree: its rows are its depths
    // Several parentless spans: each tree gets a band of rows of its own
    // wherever it overlaps in time a tree placed before it, so two trees
    // with the same timing never hide one another.
    struct Tree
    {
        uint64_t start = UINT64_MAX, end = 0;
        uint32_t height = 0, offset = 0;
    };
    std::unordered_map<uint32_t, uint32_t> rootOf; // span -> its root span
    std::unordered_map<uint32_t, Tree> trees;
    auto findRoot = [&](uint32_t s) {
        std::vector<uint32_t> path;
        uint32_t r = s;
        for (;;) {
            auto it = rootOf.find(r);
            if (it != rootOf.end()) {
                r = it->second;
                break;
            }
            const uint32_t parent = model.hot[r].parent;
            if (parent == kNone || path.size() > 65536)
                break;
            path.push_back(r);
            r = parent;
        }
        for (uint32_t v : path)
            rootOf[v] = r;
        rootOf[s] = r;
        return r;
    };
    for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k) {
        const uint32_t s = model.traceSpans[k];
        const SpanHot &h = model.hot[s];
        Tree &t = trees[findRoot(s)];
        t.start = std::min(t.start, h.start);
        t.end = std::max(t.end, h.end);
        t.height = std::max<uint32_t>(t.height, uint32_t(h.depth) + 1);
    }
    std::vector<std::pair<uint32_t, Tree *>> order;
    order.reserve(trees.size());
    for (auto &[root, tree] : trees)
        order.emplace_back(root, &tree);
    std::sort(order.begin(), order.end(), [&](const auto &a, const auto &b) {
        return std::tie(a.second->start, a.first) < std::tie(b.second->start, b.first);
    });
    std::vector<Tree *> active; // placed trees that may still overlap later ones
    m_rowCount = 0;
    for (auto &[root, tree] : order) {
        std::erase_if(active, [&](const Tree *t) { return t->end <= tree->start && t->start < tree->start; });
        uint32_t offset = 0;
        for (bool moved = true; moved;) {
            moved = false;
            for (const Tree *t : active) {
                const bool overlap = t->end > tree->start || t->start == tree->start;
                if (overlap && offset < t->offset + t->height && t->offset < offset + tree->height) {
                    offset = t->offset + t->height;
                    moved = true;
                }
            }
        }
        tree->offset = offset;
        active.push_back(tree);
        m_rowCount = std::max(m_rowCount, offset + tree->height);
    }
    for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k) {
        const uint32_t s = model.traceSpans[k];
        const uint32_t offset = trees[rootOf[s]].offset;
        if (offset)
            m_rowShift[s] = offset;
    }
}

int FlameRows::rowOf(uint32_t span) const
{
    if (!m_model || span >= m_model->hot.size())
        return -1;
    int row = m_model->hot[span].depth;
    if (!m_rowShift.empty()) {
        auto it = m_rowShift.find(span);
        if (it != m_rowShift.end())
            row += int(it->second);
    }
    return row;
}

std::pair<uint32_t, uint32_t> FlameRows::window(int r, uint64_t t0, uint64_t t1) const
{
    if (r < 0 || r >= rowCount())
        return {0, 0};
    const Range range = row(r);
    const auto first = uint32_t(std::partition_point(m_ends.begin() + range.first, m_ends.begin() + range.end(),
                                                     [t0](const Ends &v) { return v.maxEnd < t0; })
                                - m_ends.begin());
    const auto last = uint32_t(std::upper_bound(m_starts.begin() + first, m_starts.begin() + range.end(), t1)
                               - m_starts.begin());
    return {first, std::max(first, last)};
}

uint32_t FlameRows::firstStartingAt(uint32_t first, uint32_t last, uint64_t t) const
{
    if (first >= last || m_starts[first] >= t)
        return first;
    // Gallop over the sampled starts (dense, mostly in cache), then bisect
    // the one block of kSampleStep starts that holds the answer.
    const uint64_t *starts = m_starts.data();
    size_t k = first / kSampleStep + 1;                  // first sample after `first`
    const size_t kEnd = (last - 1) / kSampleStep + 1;    // samples at positions < last
    size_t lo = k, hi = k;
    if (k < kEnd && m_sample[k] < t) {
        size_t step = 1;
        lo = k;
        hi = k + 1;
        while (hi < kEnd && m_sample[hi] < t) {
            lo = hi;
            step *= 2;
            hi = std::min(kEnd, lo + step);
        }
        hi = size_t(std::lower_bound(m_sample.begin() + lo + 1, m_sample.begin() + hi, t) - m_sample.begin());
        lo = hi - 1;
    } else {
        lo = k - 1;
        hi = k;
    }
    // The answer lies after sample lo (which is < t) and at or before sample hi.
    const size_t from = std::max<size_t>(first + 1, lo * kSampleStep + 1);
    const size_t to = std::min<size_t>(last, hi * kSampleStep + 1);
    if (from >= to)
        return uint32_t(std::min<size_t>(to, last));
    return uint32_t(std::lower_bound(starts + from, starts + to, t) - starts);
}

uint32_t FlameRows::entryOf(uint32_t span) const
{
    if (!m_model || span >= m_model->hot.size())
        return kNone;
    const SpanHot &h = m_model->hot[span];
    if (h.trace != m_trace)
        return kNone;
    const int r = rowOf(span);
    if (r < 0 || r >= rowCount())
        return kNone;
    const Range range = row(r);
    auto it = std::lower_bound(m_starts.begin() + range.first, m_starts.begin() + range.end(), h.start);
    for (auto e = uint32_t(it - m_starts.begin()); e < range.end() && m_starts[e] == h.start; ++e)
        if (m_span[e] == span)
            return e;
    return kNone;
}

// ---------------------------------------------------------------------------
// FlameStyle

FlameStyle FlameStyle::fromPalette(const QPalette &palette, const QFont &font)
{
    FlameStyle s;
    s.background = palette.color(QPalette::Base);
    s.text = palette.color(QPalette::Text);
    s.selection = palette.color(QPalette::Highlight);
    s.error = errorColor();
    s.link = linkColor(s.dark());
    s.mark = s.dark() ? QColor(0xff, 0xe0, 0x4d) : QColor(0xe0, 0x9a, 0x00);
    s.font = font;
    return s;
}

FlameStyle FlameStyle::standard(bool dark)
{
    QFont font;
    font.setPixelSize(12);
    return fromPalette(themePalette(dark), font);
}

// ---------------------------------------------------------------------------
// FlamePainter

FlamePainter::FlamePainter(std::shared_ptr<const FlameRows> rows)
{
    setRows(std::move(rows));
}

void FlamePainter::setRows(std::shared_ptr<const FlameRows> rows)
{
    m_rows = std::move(rows);
    m_markPrefix.clear();
    m_valid = false;
}

void FlamePainter::setMarked(const std::vector<uint32_t> &spans)
{
    m_markPrefix.clear();
    m_valid = false;
    if (!m_rows || spans.empty())
        return;
    std::vector<uint8_t> marked(m_rows->entryCount(), 0);
    bool any = false;
    for (uint32_t s : spans) {
        const uint32_t e = m_rows->entryOf(s);
        if (e != kNone) {
            marked[e] = 1;
            any = true;
        }
    }
    if (!any)
        return;
    m_markPrefix.assign(marked.size() + 1, 0);
    for (size_t e = 0; e < marked.size(); ++e)
        m_markPrefix[e + 1] = m_markPrefix[e] + marked[e];
}

const FlameGeometry &FlamePainter::geometry(const FlameView &view, const QFont &font)
{
    if (!m_valid || !(view == m_view) || font != m_font) {
        build(view, font);
        ++m_builds;
        m_view = view;
        m_font = font;
        m_valid = true;
    }
    return m_geometry;
}

void FlamePainter::build(const FlameView &view, const QFont &font)
{
    FlameGeometry &g = m_geometry;
    // Keep the vectors' capacity: panning rebuilds every frame.
    g.fills.resize(m_rows ? m_rows->colors().size() : 0);
    for (auto &f : g.fills)
        f.clear();
    g.errorBoxes.clear();
    g.errorTicks.clear();
    g.marks.clear();
    g.labels.clear();
    g.glyphs.clear();
    g.boxCount = 0;
    g.mergedRuns = 0;
    if (!m_rows || !m_rows->model() || view.end <= view.start || view.rect.width() <= 0 || view.rowHeight <= 0)
        return;

    const FlameRows &rows = *m_rows;
    const Model &model = *rows.model();
    const double left = view.rect.left(), right = view.rect.right();
    const double scale = view.scale();
    const double boxHeight = view.boxHeight();
    QFont bold = font;
    bold.setBold(true);
    const QFontMetricsF fm(font), fmBold(bold);
    const double minLabelWidth = 6 * fm.averageCharWidth() + 6;
    const bool labelsFit = view.details && boxHeight >= fm.height() * 0.8;
    const bool glyphsFit = view.details && boxHeight >= 7;
    const bool marks = !m_markPrefix.empty();
    auto xOf = [&](uint64_t t) { return left + double(int64_t(t - view.start)) * scale; };
    auto marked = [&](uint32_t first, uint32_t last) { return marks && m_markPrefix[last] > m_markPrefix[first]; };
    auto labelFor = [&](uint32_t span, double width, bool error) {
        const auto name = model.str(model.hot[span].name);
        const QString full = QString::fromUtf8(name.data(), qsizetype(name.size()));
        QString text = (error ? fmBold : fm).elidedText(full, Qt::ElideRight, width);
        // A lone ellipsis says nothing.
        return text == full || text.size() > 1 ? text : QString();
    };

    // Spans of a row may overlap (async children): a box drawn later covers
    // the labels under it, so those are shortened to end where it begins.
    size_t rowLabels = 0;        // first label of the current row
    double rowLabelRight = -1e300;
    auto trimLabels = [&](double x) {
        if (x >= rowLabelRight)
            return;
        rowLabelRight = -1e300;
        for (size_t k = g.labels.size(); k-- > rowLabels;) {
            FlameLabel &l = g.labels[k];
            if (l.rect.right() > x - 3) {
                const double width = x - 3 - l.rect.left();
                l.text = width >= minLabelWidth - 6 ? labelFor(l.span, width, l.error) : QString();
                l.rect.setWidth(std::max(0.0, width));
                if (l.text.isEmpty()) {
                    g.labels.erase(g.labels.begin() + std::ptrdiff_t(k));
                    continue;
                }
            }
            rowLabelRight = std::max(rowLabelRight, l.rect.right());
        }
    };

    auto emitBox = [&](uint32_t e, double x0, double x1, double y) {
        const double x1Gap = x1 - (x1 - x0 >= 3 ? 1 : 0); // a pixel between neighbours
        const double bx0 = std::max(x0, left);
        double bx1 = std::min(x1Gap, right);
        // Overlapping rows can bring spans that end left of the view.
        if (bx0 >= right || x1 < left - 1)
            return;
        if (bx1 - bx0 < 1)
            bx1 = bx0 + 1;
        const QRectF box(bx0, y, bx1 - bx0, boxHeight);
        trimLabels(bx0);
        const uint16_t color = rows.entryColor(e);
        g.fills[color].push_back(box);
        ++g.boxCount;
        if (marked(e, e + 1))
            g.marks.push_back(box);
        if (!view.details)
            return;
        const uint8_t flags = rows.entryFlags(e);
        if (flags & FlameRows::Error)
            g.errorBoxes.push_back(box);
        double textRight = box.right() - 3;
        if (glyphsFit && (flags & (FlameRows::LinksOut | FlameRows::LinksIn)) && box.width() >= kGlyphMinWidth) {
            double cx = box.right() - 6;
            const double cy = y + boxHeight / 2;
            if (flags & FlameRows::LinksOut) {
                g.glyphs.push_back({QPointF(cx, cy), true});
                cx -= kGlyphStep;
                textRight -= kGlyphStep;
            }
            if ((flags & FlameRows::LinksIn) && box.width() >= kGlyphMinWidth + kGlyphStep) {
                g.glyphs.push_back({QPointF(cx, cy), false});
                textRight -= kGlyphStep;
            }
        }
        if (labelsFit && box.width() >= minLabelWidth) {
            const QRectF labelRect(box.left() + 3, y, textRight - box.left() - 3, boxHeight);
            const bool error = flags & FlameRows::Error;
            QString text = labelFor(rows.entrySpan(e), labelRect.width(), error);
            if (!text.isEmpty()) {
                g.labels.push_back({labelRect, std::move(text), color, error, rows.entrySpan(e)});
                rowLabelRight = std::max(rowLabelRight, labelRect.right());
            }
        }
    };
    auto emitRun = [&](uint32_t first, uint32_t last, double rx0, double rx1, double y) {
        const double bx0 = std::max(rx0, left), bx1 = std::min(rx1, right);
        if (bx1 <= bx0)
            return;
        const QRectF box(bx0, y, bx1 - bx0, boxHeight);
        trimLabels(bx0);
        g.fills[rows.entryColor(first)].push_back(box);
        ++g.boxCount;
        ++g.mergedRuns;
        if (marked(first, last))
            g.marks.push_back(box);
        if (view.details && rows.errorsBetween(first, last))
            g.errorTicks.push_back(QRectF(bx0, y + boxHeight - std::min(3.0, boxHeight), bx1 - bx0,
                                          std::min(3.0, boxHeight)));
    };

    const int firstRow = std::max(0, int(std::floor(view.scrollY / view.rowHeight)));
    const int lastRow = std::min(rows.rowCount(), int(std::ceil((view.scrollY + view.rect.height()) / view.rowHeight)));
    const uint64_t t0 = timeAt(view, left - 1, false), t1 = timeAt(view, right + 1, true);

    for (int r = firstRow; r < lastRow; ++r) {
        const double y = view.rowTop(r);
        rowLabels = g.labels.size();
        rowLabelRight = -1e300;
        const auto [first, last] = rows.window(r, t0, t1);
        uint32_t i = first;
        while (i < last) {
            double x0 = xOf(rows.entryStart(i)), x1 = xOf(rows.entryEnd(i));
            if (x1 - x0 >= kMergeWidth) {
                emitBox(i, x0, x1, y);
                ++i;
                continue;
            }
            // A run of narrow spans: it grows a pixel column at a time, and the
            // spans that start inside the columns already covered are skipped
            // with one binary search.
            const uint32_t runFirst = i;
            const double rx0 = std::floor(x0);
            double rx1 = std::max(rx0 + 1, std::ceil(x1));
            ++i;
            while (i < last) {
                const uint64_t boundary = timeAt(view, rx1, true);
                // Usually a few hundred entries ahead in arrays of megabytes.
                const uint32_t j = rows.firstStartingAt(i, last, boundary);
                if (j > i) {
                    if (xOf(rows.maxEndAt(j - 1)) <= rx1) {
                        i = j;
                    } else if (j - 1 == i || xOf(rows.maxEndAt(j - 2)) <= rx1) {
                        // Only the last of them crosses the boundary (the usual
                        // case): look at it on its own below.
                        i = j - 1;
                    } else {
                        // Something skipped reaches past the run (spans of this
                        // row overlap): take the spans one at a time instead.
                        x0 = xOf(rows.entryStart(i));
                        x1 = xOf(rows.entryEnd(i));
                        if (x1 - x0 >= kMergeWidth)
                            break;
                        rx1 = std::max(rx1, std::ceil(x1));
                        ++i;
                        continue;
                    }
                }
                if (i >= last)
                    break;
                x0 = xOf(rows.entryStart(i));
                x1 = xOf(rows.entryEnd(i));
                if (x1 - x0 >= kMergeWidth || x0 >= rx1 + 1)
                    break;
                rx1 = std::max({rx1, std::floor(x0) + 1, std::ceil(x1)});
                ++i;
            }
            emitRun(runFirst, i, rx0, rx1, y);
        }
    }
}

void FlamePainter::paint(QPainter &painter, const FlameView &view, const FlameStyle &style, uint32_t selected,
                         uint32_t hovered)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    if (style.fillBackground)
        painter.fillRect(view.rect, style.background);
    if (!m_rows) {
        painter.restore();
        return;
    }
    const FlameGeometry &g = geometry(view, style.font);
    const auto &colors = m_rows->colors();

    painter.setPen(Qt::NoPen);
    for (size_t c = 0; c < g.fills.size(); ++c) {
        if (g.fills[c].empty())
            continue;
        painter.setBrush(colors[c]);
        painter.drawRects(g.fills[c].data(), int(g.fills[c].size()));
    }
    if (!g.errorTicks.empty()) {
        painter.setBrush(style.error);
        painter.drawRects(g.errorTicks.data(), int(g.errorTicks.size()));
    }
    painter.setBrush(Qt::NoBrush);
    auto outline = [&](const std::vector<QRectF> &rects, const QColor &color, double width) {
        if (rects.empty())
            return;
        painter.setPen(QPen(color, width, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
        const double inset = width / 2;
        for (const QRectF &r : rects)
            if (r.width() > width && r.height() > width)
                painter.drawRect(r.adjusted(inset, inset, -inset, -inset));
            else
                painter.fillRect(r, color);
    };
    outline(g.errorBoxes, style.error, 2);
    outline(g.marks, style.mark, 2);

    painter.setClipRect(view.rect);
    if (!g.labels.empty()) {
        std::vector<QColor> textColors;
        textColors.reserve(colors.size());
        for (const QColor &c : colors)
            textColors.push_back(textColorOn(c));
        QFont bold = style.font;
        bold.setBold(true);
        for (int pass = 0; pass < 2; ++pass) {
            painter.setFont(pass ? bold : style.font);
            for (const FlameLabel &l : g.labels) {
                if (l.error != bool(pass))
                    continue;
                painter.setPen(textColors[l.color]);
                painter.drawText(l.rect, Qt::AlignLeft | Qt::AlignVCenter, l.text);
            }
        }
    }
    if (!g.glyphs.empty()) {
        painter.setRenderHint(QPainter::Antialiasing, true);
        for (const FlameGlyph &gl : g.glyphs) {
            constexpr double r = 3.6;
            const QPointF c = gl.center;
            const QPointF diamond[4] = {{c.x(), c.y() - r}, {c.x() + r, c.y()}, {c.x(), c.y() + r}, {c.x() - r, c.y()}};
            if (gl.outgoing) {
                painter.setPen(QPen(style.background, 1));
                painter.setBrush(style.link);
            } else {
                painter.setPen(QPen(style.link, 1.6));
                painter.setBrush(style.background);
            }
            painter.drawPolygon(diamond, 4);
        }
        painter.setRenderHint(QPainter::Antialiasing, false);
    }

    painter.setBrush(Qt::NoBrush);
    if (hovered != kNone && hovered != selected) {
        if (auto r = spanRect(view, hovered)) {
            painter.setPen(QPen(style.text, 1));
            painter.drawRect(r->adjusted(0, 0, -1, -1));
        }
    }
    if (selected != kNone) {
        if (auto r = spanRect(view, selected)) {
            painter.setPen(QPen(style.selection, 2, Qt::SolidLine, Qt::SquareCap, Qt::MiterJoin));
            painter.drawRect(r->adjusted(-1, -1, 0, 0));
            painter.setPen(QPen(style.background, 1));
            painter.drawRect(r->adjusted(1, 1, -2, -2));
        }
    }
    painter.restore();
}

uint32_t FlamePainter::hitTest(const FlameView &view, QPointF pos) const
{
    if (!m_rows || view.end <= view.start || !view.rect.contains(pos))
        return kNone;
    const int row = int(std::floor((pos.y() - view.rect.top() + view.scrollY) / view.rowHeight));
    if (row < 0 || row >= m_rows->rowCount())
        return kNone;
    const FlameRows &rows = *m_rows;
    const auto [first, last] = rows.window(row, timeAt(view, pos.x() - 3, false), timeAt(view, pos.x() + 3, true));
    uint32_t best = kNone;
    double bestDistance = 0;
    uint64_t bestDuration = 0;
    for (uint32_t e = first; e < last; ++e) {
        const double x0 = view.xOf(rows.entryStart(e));
        const double x1 = std::max(view.xOf(rows.entryEnd(e)), x0 + 1);
        if (pos.x() < x0 - 1 || pos.x() > x1 + 1)
            continue;
        const double distance = pos.x() < x0 ? x0 - pos.x() : pos.x() > x1 ? pos.x() - x1 : 0;
        const uint64_t duration = rows.entryEnd(e) - rows.entryStart(e);
        // Later entries are drawn over earlier ones, so ties go to the later.
        if (best == kNone || distance < bestDistance
            || (distance == bestDistance && duration <= bestDuration)) {
            best = e;
            bestDistance = distance;
            bestDuration = duration;
        }
    }
    return best == kNone ? kNone : rows.entrySpan(best);
}

std::optional<QRectF> FlamePainter::spanRect(const FlameView &view, uint32_t span) const
{
    if (!m_rows || !m_rows->model() || view.end <= view.start)
        return std::nullopt;
    const Model &model = *m_rows->model();
    if (span >= model.hot.size() || model.hot[span].trace != m_rows->trace())
        return std::nullopt;
    const SpanHot &h = model.hot[span];
    const double x0 = view.xOf(h.start);
    const double x1 = std::max(view.xOf(h.end), x0 + 1);
    return QRectF(x0, view.rowTop(m_rows->rowOf(span)), x1 - x0, view.boxHeight());
}

// ---------------------------------------------------------------------------
// Legend

namespace {

struct LegendLayout
{
    struct Item
    {
        QRectF swatch;
        QRectF text;
        QString name;
        uint16_t color;
    };
    std::vector<Item> items;
    QString more;          // "+N more" when not everything fits on one line
    QRectF moreRect;
    double height = 0;
};

LegendLayout layoutLegend(const FlameRows &rows, const QFont &font, const QRectF &rect, bool wrap)
{
    LegendLayout out;
    if (!rows.model() || rows.services().empty())
        return out;
    const QFontMetricsF fm(font);
    const double lineHeight = std::ceil(fm.height()) + 6;
    const double swatch = std::round(fm.height() * 0.7);
    double x = rect.left() + 6, y = rect.top();
    const auto &services = rows.services();
    for (size_t i = 0; i < services.size(); ++i) {
        const QString name = serviceLabel(*rows.model(), services[i]);
        const double w = swatch + 4 + fm.horizontalAdvance(name) + 14;
        if (x + w > rect.right() && x > rect.left() + 6) {
            if (!wrap) {
                // Make room for the "+N more" note by dropping items if needed.
                QString more;
                for (;;) {
                    more = QStringLiteral("+%1 more").arg(services.size() - i);
                    const double need = fm.horizontalAdvance(more) + 6;
                    if (x + need <= rect.right() || out.items.empty())
                        break;
                    x = out.items.back().swatch.left();
                    out.items.pop_back();
                    --i;
                }
                out.more = more;
                out.moreRect = QRectF(x, y, rect.right() - x, lineHeight);
                break;
            }
            x = rect.left() + 6;
            y += lineHeight;
        }
        const double sy = y + (lineHeight - swatch) / 2;
        out.items.push_back({QRectF(x, sy, swatch, swatch), QRectF(x + swatch + 4, y, w - swatch - 4, lineHeight), name,
                             uint16_t(i)});
        x += w;
    }
    out.height = y + lineHeight - rect.top();
    return out;
}

} // namespace

double flameLegendHeight(const FlameRows &rows, const QFont &font, double width, bool wrap)
{
    return layoutLegend(rows, font, QRectF(0, 0, width, 0), wrap).height;
}

void paintFlameLegend(QPainter &painter, const QRectF &rect, const FlameRows &rows, const FlameStyle &style, bool wrap)
{
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.fillRect(rect, style.background);
    painter.setFont(style.font);
    const LegendLayout layout = layoutLegend(rows, style.font, rect, wrap);
    for (const auto &item : layout.items) {
        painter.fillRect(item.swatch, rows.colors()[item.color]);
        painter.setPen(style.text);
        painter.drawText(item.text, Qt::AlignLeft | Qt::AlignVCenter, item.name);
    }
    if (!layout.more.isEmpty()) {
        painter.setPen(style.text);
        painter.drawText(layout.moreRect, Qt::AlignLeft | Qt::AlignVCenter, layout.more);
    }
    painter.restore();
}

} // namespace causeway::ui
