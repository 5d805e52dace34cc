#pragma once
// Icicle flame-graph painting for one trace (root row at the top, x is time,
// one row per depth), shared by the flame graph widget, the linked-trace lanes
// and the exported drawings, so every surface shows the same picture.
//
// Cost is bounded by pixels, not spans: per row the visible spans are found by
// binary search, runs of spans narrower than a couple of pixels collapse into
// one rectangle (jumping over each covered pixel column with another binary
// search), and the resulting rectangles are batched by colour. The geometry is
// cached until the view (window, rect, row height, font) changes, so hover and
// selection repaint without recomputing it.

#include "core/model.h"

#include <QColor>
#include <QFont>
#include <QPointF>
#include <QRectF>
#include <QString>

#include <memory>
#include <unordered_map>
#include <optional>
#include <vector>

class QPainter;
class QPalette;

namespace causeway::ui {

// The rows of one trace: per depth, its spans sorted by start together with the
// running maximum of their ends, so the spans that overlap a time window are
// found by two binary searches. Built once per trace and immutable; share it
// between painters with a shared_ptr. The model must outlive it.
class FlameRows
{
public:
    FlameRows() = default;
    FlameRows(const Model &model, uint32_t trace);

    enum Flag : uint8_t { Error = 1, LinksOut = 2, LinksIn = 4 };

    const Model *model() const { return m_model; }
    uint32_t trace() const { return m_trace; }
    // The same rows read from a newer snapshot in which the trace's spans
    // are unchanged at the same indices (Session::traceUnchanged).
    FlameRows reboundTo(const Model &model) const
    {
        FlameRows out = *this;
        out.m_model = &model;
        return out;
    }
    int rowCount() const { return m_rowFirst.empty() ? 0 : int(m_rowFirst.size()) - 1; }
    uint64_t start() const { return m_start; }
    uint64_t end() const { return m_end; }
    size_t entryCount() const { return m_span.size(); }

    // Entries of row r (one per span at depth r), as [first, first + count).
    Range row(int r) const { return {m_rowFirst[size_t(r)], m_rowFirst[size_t(r) + 1] - m_rowFirst[size_t(r)]}; }
    uint64_t entryStart(uint32_t e) const { return m_starts[e]; }
    uint64_t entryEnd(uint32_t e) const { return m_ends[e].end; }
    uint64_t maxEndAt(uint32_t e) const { return m_ends[e].maxEnd; } // latest end among the row's entries up to e
    uint32_t entrySpan(uint32_t e) const { return m_span[e]; }
    uint16_t entryColor(uint32_t e) const { return m_color[e]; }
    uint8_t entryFlags(uint32_t e) const { return m_flags[e]; }
    // Number of failed spans among entries [first, last).
    uint32_t errorsBetween(uint32_t first, uint32_t last) const { return m_errorPrefix[last] - m_errorPrefix[first]; }

    // Entries of row r that may overlap [t0, t1]: [first, last). Exact at the
    // end; at the start it is exact when spans of a row do not overlap.
    std::pair<uint32_t, uint32_t> window(int r, uint64_t t0, uint64_t t1) const;
    // The first entry in [first, last) (within one row) starting at or after
    // t. Fast when the answer is near `first`, as when walking a row.
    uint32_t firstStartingAt(uint32_t first, uint32_t last, uint64_t t) const;
    // The entry of a span of this trace, kNone for other spans.
    uint32_t entryOf(uint32_t span) const;
    // The row a span of this trace is drawn in: its depth, moved down past
    // other trees of the trace that overlap it in time (several parentless
    // spans at once must not cover one another).
    int rowOf(uint32_t span) const;

    // Distinct services in order of first appearance; entryColor() indexes them.
    const std::vector<StringId> &services() const { return m_services; }
    const std::vector<QColor> &colors() const { return m_colors; }

private:
    void assignRows(const Model &model, const Trace &trace);

    const Model *m_model = nullptr;
    uint32_t m_trace = kNone;
    uint32_t m_rowCount = 0;
    std::unordered_map<uint32_t, uint32_t> m_rowShift; // span -> rows below its depth (trees that overlap)
    uint64_t m_start = 0;
    uint64_t m_end = 0;
    std::vector<uint32_t> m_rowFirst;   // rowCount + 1 offsets into the entry arrays
    struct Ends
    {
        uint64_t end;
        uint64_t maxEnd;                // running max of end within the row
    };
    // Kept apart from m_ends so searches over starts stay dense in cache.
    std::vector<uint64_t> m_starts;
    std::vector<uint64_t> m_sample;     // every kSampleStep-th start: a coarse index for long jumps
    std::vector<Ends> m_ends;
    std::vector<uint32_t> m_span;
    std::vector<uint16_t> m_color;
    std::vector<uint8_t> m_flags;
    std::vector<uint32_t> m_errorPrefix; // entryCount + 1
    std::vector<StringId> m_services;
    std::vector<QColor> m_colors;
};

// Where and what to paint: a time window mapped onto a rect.
struct FlameView
{
    QRectF rect;                  // logical px
    uint64_t start = 0;           // visible window, absolute ns (end > start)
    uint64_t end = 1;
    double rowHeight = 18;
    double scrollY = 0;           // px of rows scrolled above rect.top()
    bool details = true;          // labels, link glyphs and error marks

    bool operator==(const FlameView &) const = default;

    double scale() const { return rect.width() / double(end - start); } // px per ns
    double xOf(uint64_t t) const { return rect.left() + double(int64_t(t - start)) * scale(); }
    double rowTop(int row) const { return rect.top() - scrollY + row * rowHeight; }
    // Height of a box: rows keep a one-pixel gap when there is room for it.
    double boxHeight() const { return rowHeight >= 6 ? rowHeight - 1 : rowHeight; }
};

// Colours and font. fromPalette follows the widget palette (light or dark).
struct FlameStyle
{
    QColor background;
    QColor text;
    QColor selection;
    QColor mark;                  // search matches
    QColor link;
    QColor error;
    QFont font;
    // Off where the caller has already filled view.rect with `background`
    // (a lane's body): every pixel filled once.
    bool fillBackground = true;

    static FlameStyle fromPalette(const QPalette &palette, const QFont &font);
    static FlameStyle standard(bool dark);
    bool dark() const { return background.lightnessF() < 0.5; }
};

struct FlameLabel
{
    QRectF rect;
    QString text;
    uint16_t color = 0;           // service colour index of the box under it
    bool error = false;           // drawn bold
    uint32_t span = kNone;
};

struct FlameGlyph
{
    QPointF center;
    bool outgoing = true;         // filled diamond; incoming links get a hollow one
};

// What one view of a trace draws, computed once per view.
struct FlameGeometry
{
    std::vector<std::vector<QRectF>> fills;   // boxes by service colour index
    std::vector<QRectF> errorBoxes;           // failed spans drawn alone: outlined
    std::vector<QRectF> errorTicks;           // merged runs holding a failed span
    std::vector<QRectF> marks;                // boxes holding a marked span
    std::vector<FlameLabel> labels;
    std::vector<FlameGlyph> glyphs;
    size_t boxCount = 0;                      // rectangles in fills
    size_t mergedRuns = 0;                    // of which runs of sub-pixel spans
};

class FlamePainter
{
public:
    FlamePainter() = default;
    explicit FlamePainter(std::shared_ptr<const FlameRows> rows);

    void setRows(std::shared_ptr<const FlameRows> rows);
    const std::shared_ptr<const FlameRows> &rows() const { return m_rows; }

    // Spans to mark (search matches); other traces' spans are ignored.
    void setMarked(const std::vector<uint32_t> &spans);

    // The geometry for a view, rebuilt only when the view or font changed.
    const FlameGeometry &geometry(const FlameView &view, const QFont &font);
    // Drops the cached geometry (the next paint rebuilds it).
    void invalidate() { m_valid = false; }
    // How many times the geometry was built: hover and selection must not add to it.
    size_t buildCount() const { return m_builds; }

    // Paints background, boxes, marks, labels, glyphs, then the outlines of
    // the hovered and selected spans, clipped to view.rect.
    void paint(QPainter &painter, const FlameView &view, const FlameStyle &style, uint32_t selected = kNone,
               uint32_t hovered = kNone);

    // The span drawn at pos, kNone for none. The box of a span is at least one
    // pixel wide and counts one pixel more on each side, so a span thinner than
    // a pixel is still clickable; where boxes overlap the shortest wins.
    uint32_t hitTest(const FlameView &view, QPointF pos) const;

    // The box a span is drawn in (at least one pixel wide, not clipped).
    std::optional<QRectF> spanRect(const FlameView &view, uint32_t span) const;

    // Total height of all rows.
    static double contentHeight(const FlameRows &rows, double rowHeight) { return rows.rowCount() * rowHeight; }

private:
    void build(const FlameView &view, const QFont &font);

    std::shared_ptr<const FlameRows> m_rows;
    std::vector<uint32_t> m_markPrefix;   // per entry prefix count of marked spans; empty when none
    FlameGeometry m_geometry;
    FlameView m_view;
    QFont m_font;
    bool m_valid = false;
    size_t m_builds = 0;
};

// A legend of the trace's services and their colours, flowing over `width`
// (wrap=false keeps one line and ends with "+N more").
double flameLegendHeight(const FlameRows &rows, const QFont &font, double width, bool wrap);
void paintFlameLegend(QPainter &painter, const QRectF &rect, const FlameRows &rows, const FlameStyle &style,
                      bool wrap);

} // namespace causeway::ui
