#include "ui/lanespainter.h"

#include "ui/criticalpathpainter.h"
#include "ui/displaytext.h"
#include "ui/drawing.h"
#include "ui/palette.h"
#include "ui/shapedtext.h"
#include "ui/theme.h"

#include <QFontMetricsF>
#include <QPaintEngine>
#include <QPainter>
#include <QPalette>
#include <QRegion>

#include <algorithm>
#include <cmath>
#include <memory>

namespace causeway::ui {

namespace {

const QString kSep = QStringLiteral("  ·  ");

int64_t signedDiff(uint64_t a, uint64_t b)
{
    return a >= b ? int64_t(a - b) : -int64_t(b - a);
}

QString spreadText(const Spread &s, bool lag)
{
    auto f = [lag](int64_t v) { return lag ? display::lag(v) : display::duration(uint64_t(std::max<int64_t>(v, 0))); };
    return QStringLiteral("median ") + f(s.median) + QStringLiteral(" (") + f(s.min) + QStringLiteral(" … p95 ")
        + f(s.p95) + QStringLiteral(" … ") + f(s.max) + QStringLiteral(")");
}

QString rootName(const Model &model, StringId name)
{
    return name ? display::fromStd(model.str(name)) : QStringLiteral("(mixed names)");
}

QString marksText(uint8_t marks)
{
    QStringList parts;
    if (marks & MarkCameFrom)
        parts << QStringLiteral("◀ you came from here");
    if (marks & MarkPinned)
        parts << QStringLiteral("pinned");
    if (marks & MarkSlowest)
        parts << QStringLiteral("slowest");
    if (marks & MarkError)
        parts << QStringLiteral("failed");
    return parts.join(QStringLiteral(", "));
}

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

// `brief`: the short form for a narrow lane ("↓ 1").
QString badgeText(const Lane &lane, bool brief = false)
{
    if (lane.kind == LaneKind::Focus)
        return brief ? QStringLiteral("●") : QStringLiteral("● focus");
    const bool up = lane.kind == LaneKind::Upstream;
    if (brief)
        return (up ? QStringLiteral("↑ ") : QStringLiteral("↓ ")) + QString::number(lane.hops);
    return (up ? QStringLiteral("↑ upstream  ") : QStringLiteral("↓ downstream  ")) + QString::number(lane.hops)
        + (lane.hops > 1 ? QStringLiteral(" hops") : QStringLiteral(" hop"));
}

} // namespace

// A lane's header line, composed, elided and shaped once per width (it does
// not change with zoom or pan); a frame only blits the prepared text.
struct LaneHeaderCache
{
    enum Role : uint8_t { Marks, Strong, Muted, Error, SmallMuted };
    struct Piece
    {
        QPointF at;                  // relative to the title's top left
        double width = 0;
        ShapedText text;
        Role role = Muted;
    };
    double titleWidth = -1;
    QFont font;
    uint8_t marks = 0;
    QRectF badge;                    // relative to the title's top left
    ShapedText badgeText;
    std::vector<Piece> pieces;
    double right = 0;                // where the text ends (relative)
    ShapedText errorChipText;
    QPointF errorChipAt;
};

// Header pieces shaped once per layout: member lanes repeat their badge,
// name, marks and error count, and shaping is most of a header's cost.
struct LaneTextCache
{
    struct Shaped
    {
        QFont font;
        ShapedText text;             // its width and glyphs from one shaping
    };
    std::vector<Shaped> shaped;      // a few dozen at most
};

namespace {

ShapedText shaped(const LanesLayout &layout, const QString &text, const QFont &font)
{
    if (!layout.texts)
        layout.texts = std::make_shared<LaneTextCache>();
    auto &all = layout.texts->shaped;
    for (const auto &s : all)
        if (s.text.text() == text && s.font == font)
            return s.text;
    // Unique texts (a trace's id, counts) would only grow the list: keep it short.
    if (all.size() >= 64)
        all.erase(all.begin());
    all.push_back({font, ShapedText(text, font)});
    return all.back().text;
}

const LaneHeaderCache &laneHeader(const Model &model, const LanesLayout &layout, const Lane &lane)
{
    const LanesStyle &style = layout.style;
    if (lane.header && lane.header->titleWidth == lane.title.width() && lane.header->font == style.font
        && lane.header->marks == lane.marks)
        return *lane.header;
    auto cache = std::make_shared<LaneHeaderCache>();
    cache->titleWidth = lane.title.width();
    cache->font = style.font;
    cache->marks = lane.marks;
    QFont small = style.font;
    small.setPointSizeF(style.font.pointSizeF() * 0.86);
    QFont bold = style.font;
    bold.setBold(true);
    const QRectF line(0, 1, lane.title.width() - lane.errorChip.width() - 6, lane.title.height() - 2);

    struct Piece
    {
        QString text;
        const QFont *font;
        LaneHeaderCache::Role role;
    };
    std::vector<Piece> pieces;
    if (lane.marks)
        pieces.push_back({marksText(lane.marks) + QStringLiteral("   "), &small, LaneHeaderCache::Marks});
    if (lane.isGroup()) {
        pieces.push_back({QStringLiteral("%L1 × ").arg(lane.members.size()) + rootName(model, lane.rootName), &bold,
                          LaneHeaderCache::Strong});
        QString rest;
        if (lane.service)
            rest += kSep + display::fromStd(model.str(lane.service));
        rest += kSep + QStringLiteral("duration ") + spreadText(lane.duration, false) + kSep + QStringLiteral("lag ")
            + spreadText(lane.lag, true) + kSep + QStringLiteral("click to list");
        pieces.push_back({rest, &style.font, LaneHeaderCache::Muted});
    } else {
        const Trace &t = model.traces[lane.trace];
        pieces.push_back({t.root != kNone ? display::fromStd(model.str(model.hot[t.root].name)) : QStringLiteral("(no root)"),
                          &bold, LaneHeaderCache::Strong});
        QString rest;
        if (t.root != kNone && model.hot[t.root].service)
            rest += kSep + display::fromStd(model.str(model.hot[t.root].service));
        rest += kSep + display::shortTraceId(t.id) + kSep + display::count(t.spans.count, "span", "spans") + kSep
            + display::duration(t.duration());
        pieces.push_back({rest, &style.font, LaneHeaderCache::Muted});
        if (t.errorCount)
            pieces.push_back({kSep + display::count(t.errorCount, "error", "errors"), &style.font, LaneHeaderCache::Error});
        if (lane.hiddenDepths)
            pieces.push_back({QStringLiteral("   +") + QString::number(lane.hiddenDepths) + QStringLiteral(" deeper"), &small,
                              LaneHeaderCache::SmallMuted});
    }
    // Each piece shaped once: its width and its glyphs.
    std::vector<ShapedText> whole;
    whole.reserve(pieces.size());
    for (const Piece &piece : pieces)
        whole.push_back(shaped(layout, piece.text, *piece.font));
    // The line height of each of the three fonts, asked once.
    const QFontMetricsF smallMetrics(small), boldMetrics(bold), plainMetrics(style.font);
    auto metricsOf = [&](const QFont *font) -> const QFontMetricsF & {
        return font == &small ? smallMetrics : font == &bold ? boldMetrics : plainMetrics;
    };

    // The badge, then the text, then the failed chip, side by side: a
    // narrow lane shortens the badge, then drops it, before the text goes.
    ShapedText badge = shaped(layout, badgeText(lane), small);
    double badgeWidth = badge.width() + 10;
    // The name (and the marks before it) comes before the badge's words.
    double named = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        named += whole[i].width();
        if (pieces[i].role == LaneHeaderCache::Strong)
            break;
    }
    if (badgeWidth + 8 + std::max(80.0, named) > line.width()) {
        badge = shaped(layout, badgeText(lane, true), small);
        badgeWidth = badge.width() + 10;
    }
    if (badgeWidth + 8 + 24 > line.width()) {
        badge = ShapedText();
        badgeWidth = 0;
    }
    cache->badge = QRectF(line.left(), line.top(), badgeWidth, line.height());
    cache->badgeText = badge;
    double x = badgeWidth > 0 ? cache->badge.right() + 8 : line.left();
    for (size_t i = 0; i < pieces.size(); ++i) {
        const Piece &piece = pieces[i];
        const QFontMetricsF &metrics = metricsOf(piece.font);
        const double room = line.right() - x;
        if (room < 12)
            break;
        LaneHeaderCache::Piece placed;
        placed.at = QPointF(x, line.top() + (line.height() - metrics.height()) / 2);
        placed.role = piece.role;
        // elidedText leaves a piece that fits as it is: place the whole
        // piece without asking.
        if (whole[i].width() <= room) {
            placed.text = whole[i];
        } else {
            const QString text = metrics.elidedText(piece.text, Qt::ElideRight, room);
            // A count or a note says nothing cut short ("· 1 …"): whole or not at all.
            if (text != piece.text && (piece.role == LaneHeaderCache::Error || piece.role == LaneHeaderCache::SmallMuted
                                       || text.trimmed().size() <= 3))
                break;
            placed.text = text == piece.text ? whole[i] : ShapedText(text, *piece.font);
        }
        placed.width = placed.text.width();
        x += placed.width;
        cache->pieces.push_back(std::move(placed));
    }
    cache->right = x;
    if (!lane.errorChip.isEmpty()) {
        cache->errorChipText = shaped(layout, lane.errorChipText, small);
        const QRectF chipRect = lane.errorChip.translated(-lane.title.topLeft());
        cache->errorChipAt = QPointF(chipRect.center().x() - cache->errorChipText.width() / 2,
                                     chipRect.center().y() - smallMetrics.height() / 2);
    }
    lane.header = std::move(cache);
    return *lane.header;
}

// Pass: the header line of a lane.
void paintHeader(QPainter &p, const Model &model, const LanesLayout &layout, const Lane &lane, const LanesColors &colors,
                 bool hover)
{
    const LaneHeaderCache &h = laneHeader(model, layout, lane);
    const QPointF origin = lane.title.topLeft();
    const QRectF badgeRect = h.badge.translated(origin);

    // A backing under badge and text keeps them legible where edges cross.
    // Opaque: only the lane's own edges reach its header (others keep to the
    // gaps and margins). In the lane's own colour it shows only where it
    // hides an edge, so it is a plain fill: a rounded one cost as much as
    // the header's glyphs.
    const QColor backing = lane.kind == LaneKind::Focus ? colors.focusBackground : colors.laneBackground;
    p.fillRect(QRectF(badgeRect.left() - 2, badgeRect.top() - 1, h.right - h.badge.left() + 6, badgeRect.height() + 2), backing);
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(Qt::NoPen);

    if (!badgeRect.isEmpty()) {
        const QColor badgeColor = lane.kind == LaneKind::Focus ? colors.focusAccent : colors.link;
        QColor badgeFill = badgeColor;
        badgeFill.setAlphaF(lane.kind == LaneKind::Focus ? 1.0f : 0.16f);
        p.setBrush(badgeFill);
        p.drawRoundedRect(badgeRect, 3, 3);
        p.setPen(lane.kind == LaneKind::Focus ? textColorOn(badgeColor) : (colors.dark ? badgeColor.lighter(120) : badgeColor));
        const QSizeF badgeText = h.badgeText.size();
        h.badgeText.draw(p, QPointF(badgeRect.center().x() - badgeText.width() / 2, badgeRect.center().y() - badgeText.height() / 2));
    }
    for (const LaneHeaderCache::Piece &piece : h.pieces) {
        QColor color = colors.mutedText;
        switch (piece.role) {
        case LaneHeaderCache::Marks:
            color = lane.marks & MarkCameFrom ? colors.highlight : (lane.marks & MarkError ? errorColor() : colors.link);
            break;
        case LaneHeaderCache::Strong: color = colors.text; break;
        case LaneHeaderCache::Error: color = errorColor(); break;
        case LaneHeaderCache::Muted:
        case LaneHeaderCache::SmallMuted: break;
        }
        p.setPen(color);
        const QPointF at = origin + piece.at;
        piece.text.draw(p, at);
        if (hover && piece.role == LaneHeaderCache::Strong) {
            // Hovered: the name reads as a link.
            const double y = std::floor(at.y() + piece.text.size().height() - 2) + 0.5;
            p.drawLine(QPointF(at.x(), y), QPointF(at.x() + piece.width, y));
        }
    }
    if (!lane.errorChip.isEmpty()) {
        QColor fill = errorColor();
        fill.setAlphaF(0.14f);
        p.setPen(Qt::NoPen);
        // On the lane's own background: an edge ending in this lane never shows through the chip.
        p.setBrush(backing);
        p.drawRoundedRect(lane.errorChip, 3, 3);
        p.setBrush(fill);
        p.drawRoundedRect(lane.errorChip, 3, 3);
        p.setPen(errorColor());
        h.errorChipText.draw(p, origin + h.errorChipAt);
    }
}

// Many small unsmoothed rectangles (edge dots, density bars). On screen
// (the raster engine, unscaled, whole-pixel offsets) they go as whole-pixel
// rectangles, rounded here as the engine rounds an unsmoothed QRectF: the
// same pixels without the engine's per-rectangle float path. Returns false
// (and leaves `pixels` empty) where that does not hold: a vector export, a
// scaled printer, which take the rectangles as they are.
bool toPixels(const QPainter &p, const QRectF *rects, int count, std::vector<QRect> &pixels, bool fast)
{
    pixels.clear();
    const QTransform device = p.deviceTransform();
    if (!fast || !p.paintEngine() || p.paintEngine()->type() != QPaintEngine::Raster || device.type() > QTransform::TxTranslate
        || device.dx() != std::round(device.dx()) || device.dy() != std::round(device.dy()))
        return false;
    const double dx = device.dx(), dy = device.dy();
    pixels.reserve(size_t(count));
    for (int i = 0; i < count; ++i) {
        const QRectF &r = rects[i];
        const int x0 = qRound(r.left() + dx), y0 = qRound(r.top() + dy);
        const int x1 = qRound(r.right() + dx), y1 = qRound(r.bottom() + dy);
        pixels.emplace_back(x0 - int(dx), y0 - int(dy), x1 - x0, y1 - y0);
    }
    return true;
}

// The 32-bit pixel the raster engine blends for a solid colour (it
// premultiplies at 16 bits per channel, then narrows).
uint32_t solidPixel(const QColor &color)
{
    return qPremultiply(color.rgba64()).toArgb32();
}

// Reused within a frame: the pixel rectangles and the strips of dotted runs.
struct SmallRectScratch
{
    std::vector<QRect> pixels, singles;
    struct Strip
    {
        int period, dotW, dotH;
        bool horizontal;
        QRgb color;
        QImage image;
    };
    std::vector<Strip> strips;
};

// A dotted run along one axis, at least `length` pixels long: a dot of
// dotW x dotH at the start of every `period` pixels, the rest transparent.
const QImage &dotStrip(SmallRectScratch &scratch, int period, int dotW, int dotH, bool horizontal, QRgb color, int length)
{
    SmallRectScratch::Strip *strip = nullptr;
    for (SmallRectScratch::Strip &s : scratch.strips)
        if (s.period == period && s.dotW == dotW && s.dotH == dotH && s.horizontal == horizontal && s.color == color)
            strip = &s;
    if (strip && (horizontal ? strip->image.width() : strip->image.height()) >= length)
        return strip->image;
    if (!strip) {
        scratch.strips.push_back({period, dotW, dotH, horizontal, color, {}});
        strip = &scratch.strips.back();
    }
    length = std::max(length, 256);
    QImage &image = strip->image;
    image = QImage(horizontal ? QSize(length, dotH) : QSize(dotW, length), QImage::Format_ARGB32_Premultiplied);
    image.fill(0);
    for (int at = 0; at < length; at += period)
        for (int y = 0; y < (horizontal ? dotH : std::min(dotH, length - at)); ++y) {
            QRgb *line = reinterpret_cast<QRgb *>(image.scanLine(horizontal ? y : at + y));
            std::fill_n(line + (horizontal ? at : 0), horizontal ? std::min(dotW, length - at) : dotW, color);
        }
    return image;
}

// An edge's dotted line. The layout spaces dots by whole pixels, so on
// screen a straight stretch of them is one pattern repeating: each such run
// is blitted from a strip of that pattern, the same pixels as a rectangle
// per dot at a fraction of the cost (a dot every few pixels across the
// width was most of an edge's cost). A texture brush would do the same, but
// the engine splits a tall textured fill across threads, which costs more
// than the fill.
void drawDots(QPainter &p, const std::vector<QRectF> &dots, const QColor &color, SmallRectScratch &scratch, bool fast)
{
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    std::vector<QRect> &px = scratch.pixels;
    if (!toPixels(p, dots.data(), int(dots.size()), px, fast)) {
        p.drawRects(dots.data(), int(dots.size()));
        return;
    }
    if (color.alpha() != 255) { // a strip blends a translucent colour as the solid fill does, but that is not proven here
        p.drawRects(px.data(), int(px.size()));
        return;
    }
    constexpr size_t kMinRun = 4;
    std::vector<QRect> &singles = scratch.singles;
    singles.clear();
    const QRgb pixel = solidPixel(color);
    size_t i = 0;
    while (i < px.size()) {
        size_t j = i + 1;
        const QPoint step = j < px.size() ? px[j].topLeft() - px[i].topLeft() : QPoint();
        const bool straight = (step.x() == 0) != (step.y() == 0);
        while (straight && j < px.size() && px[j].size() == px[i].size() && px[j].topLeft() - px[j - 1].topLeft() == step)
            ++j;
        if (!straight || j - i < kMinRun || px[i].isEmpty()) {
            singles.insert(singles.end(), px.begin() + i, px.begin() + j);
            i = j;
            continue;
        }
        const bool horizontal = step.y() == 0;
        const int period = std::abs(horizontal ? step.x() : step.y());
        const QRect dot = px[i];
        const QRect run = px[i].united(px[j - 1]);
        if ((horizontal ? dot.width() : dot.height()) >= period) {
            p.fillRect(run, color); // dots touching: one solid stretch
        } else {
            const int length = horizontal ? run.width() : run.height();
            const QImage &strip = dotStrip(scratch, period, dot.width(), dot.height(), horizontal, pixel, length);
            p.drawImage(run.topLeft(), strip, QRect(QPoint(0, 0), run.size()));
        }
        i = j;
    }
    if (!singles.empty())
        p.drawRects(singles.data(), int(singles.size()));
}

// Columns of one colour (a density strip): on screen, written into one
// image and drawn once, the same pixels as a rectangle per column.
void drawColumns(QPainter &p, const std::vector<QRectF> &bars, const QColor &color, SmallRectScratch &scratch, bool fast)
{
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    std::vector<QRect> &px = scratch.pixels;
    if (!toPixels(p, bars.data(), int(bars.size()), px, fast)) {
        p.drawRects(bars.data(), int(bars.size()));
        return;
    }
    QRect box;
    bool apart = true; // no two columns share a pixel (a translucent colour would blend twice there)
    for (size_t i = 0; i < px.size(); ++i) {
        box |= px[i];
        if (i && px[i].left() < px[i - 1].right() + 1)
            apart = false;
    }
    if (box.isEmpty() || !apart) {
        p.drawRects(px.data(), int(px.size()));
        return;
    }
    QImage image(box.size(), QImage::Format_ARGB32_Premultiplied);
    image.fill(0);
    const QRgb pixel = solidPixel(color);
    for (const QRect &r : px)
        for (int y = r.top(); y <= r.bottom(); ++y)
            std::fill_n(reinterpret_cast<QRgb *>(image.scanLine(y - box.top())) + (r.left() - box.left()), r.width(), pixel);
    p.drawImage(box.topLeft(), image);
}

// Pass: a group lane's body, the density of member start times and a tick per failed member.
void paintGroupBody(QPainter &p, const LanesLayout &layout, const Lane &lane, const LanesColors &colors,
                    const QFont &countFont, bool fast)
{
    const uint16_t most = lane.density.empty() ? 0 : *std::max_element(lane.density.begin(), lane.density.end());
    QColor fill = colors.link;
    fill.setAlphaF(0.5f);
    std::vector<QRectF> bars;
    bars.reserve(lane.density.size());
    for (size_t c = 0; c < lane.density.size(); ++c) {
        if (!lane.density[c])
            continue;
        // Square root keeps a lone member visible next to a crowd.
        const double h = std::max(2.0, (lane.body.height() - 4) * std::sqrt(double(lane.density[c]) / most));
        bars.emplace_back(lane.body.left() + double(c), lane.body.bottom() - h, 1, h);
    }
    SmallRectScratch scratch;
    drawColumns(p, bars, fill, scratch, fast);
    // One tick per failed member; ticks too close to click apart are one
    // cluster, drawn as a bar with its count where the count fits.
    p.setBrush(errorColor());
    std::vector<QRectF> ticks;
    ticks.reserve(lane.errorClusters.size());
    const QFontMetricsF metrics(countFont);
    std::vector<std::pair<QRectF, ShapedText>> counts;
    for (const Lane::ErrorCluster &c : lane.errorClusters) {
        if (c.members.size() == 1) {
            ticks.emplace_back(std::floor(c.x0), lane.body.top(), 1.5, lane.body.height());
            continue;
        }
        const QRectF bar(std::floor(c.x0) - 1, lane.body.top(), std::max(4.0, c.x1 - c.x0 + 2.5), 5);
        ticks.push_back(bar);
        ticks.emplace_back(std::floor(c.x0), lane.body.top(), 1.5, lane.body.height());
        ticks.emplace_back(std::floor(c.x1), lane.body.top(), 1.5, lane.body.height());
        ShapedText text(QString::number(c.members.size()), countFont);
        const double w = text.width() + 4;
        const QRectF label(bar.center().x() - w / 2, bar.bottom(), w, metrics.height());
        if (w <= bar.width() + 6 && (counts.empty() || counts.back().first.right() + 2 < label.left()))
            counts.emplace_back(label, std::move(text));
    }
    p.drawRects(ticks.data(), int(ticks.size()));
    if (!counts.empty()) {
        p.setPen(errorColor());
        for (const auto &[rect, text] : counts)
            text.draw(p, rect, Qt::AlignCenter);
        p.setPen(Qt::NoPen);
    }
    // Members off to either side: how many, so an empty strip does not read as none.
    const auto &starts = lane.memberStarts;
    if (!starts.empty()) {
        const uint64_t t0 = layout.time.toTime(lane.body.left()), t1 = layout.time.toTime(lane.body.right());
        const auto before = std::lower_bound(starts.begin(), starts.end(), t0) - starts.begin();
        const auto after = starts.end() - std::upper_bound(starts.begin(), starts.end(), t1);
        const QFontMetricsF small(countFont);
        auto note = [&](const QString &note, bool right) {
            const ShapedText text(note, countFont);
            const double w = text.width() + 8;
            const QRectF box(right ? lane.body.right() - w : lane.body.left(), lane.body.top() + 2, w, small.height() + 2);
            QColor backing = colors.laneBackground;
            backing.setAlphaF(0.85f);
            p.fillRect(box, backing);
            p.setPen(colors.mutedText);
            text.draw(p, box, Qt::AlignCenter);
        };
        if (before > 0)
            note(QStringLiteral("◂ %L1 earlier").arg(qlonglong(before)), false);
        if (after > 0)
            note(QStringLiteral("%L1 later ▸").arg(qlonglong(after)), true);
    }
}

// Pass: the critical path in the focus lane, as the flame graph shows it:
// the spans off the path veiled, a bar under each section over the time it
// is on the path. Boxes come from the lane's flame rows (FlameRows::rowOf),
// so a span sits in the row the flame graph gives it; a section deeper than
// the rows shown is drawn on the last row, where the lane says "+N deeper".
void paintFocusCriticalPath(QPainter &p, const Model &model, const LanesLayout &layout, const Lane &lane,
                            const CriticalPath &path, const LanesColors &colors)
{
    if (lane.kind != LaneKind::Focus || lane.isGroup() || path.trace != lane.trace || lane.flameView.rect.width() <= 0)
        return;
    CriticalPathGeometry geometry;
    geometry.area = lane.flameView.rect & lane.body;
    geometry.boxOf = [&](uint32_t span) { return std::optional<QRectF>(laneSpanRect(model, layout, lane, span)); };
    geometry.xOf = [&lane](uint64_t t) { return lane.flameView.xOf(t); };
    geometry.barHeight = std::min(4.0, std::max(2.0, lane.rowHeight / 4));
    paintCriticalPath(p, path, geometry, colors.dark);
}

} // namespace

QString laneTitle(const Model &model, const Lane &lane)
{
    if (lane.isGroup()) {
        QString text = QStringLiteral("%L1 × ").arg(lane.members.size()) + rootName(model, lane.rootName);
        if (lane.service)
            text += kSep + display::fromStd(model.str(lane.service));
        text += kSep + display::count(lane.errorMembers.size(), "failed", "failed");
        return text;
    }
    const Trace &t = model.traces[lane.trace];
    QString text;
    if (t.root != kNone) {
        const SpanHot &root = model.hot[t.root];
        text = display::fromStd(model.str(root.name));
        if (root.service)
            text += kSep + display::fromStd(model.str(root.service));
    } else {
        text = QStringLiteral("(no root)");
    }
    text += kSep + display::shortTraceId(t.id) + kSep + display::count(t.spans.count, "span", "spans") + kSep
        + display::duration(t.duration());
    if (t.errorCount)
        text += kSep + display::count(t.errorCount, "error", "errors");
    return text;
}

std::vector<QRectF> laneHeaderBoxes(const Model &model, const LanesLayout &layout, const Lane &lane)
{
    const LaneHeaderCache &h = laneHeader(model, layout, lane);
    const QPointF origin = lane.title.topLeft();
    std::vector<QRectF> boxes;
    if (!h.badge.isEmpty())
        boxes.push_back(h.badge.translated(origin));
    for (const LaneHeaderCache::Piece &piece : h.pieces)
        boxes.emplace_back(origin + piece.at, QSizeF(piece.width, piece.text.size().height()));
    if (!lane.errorChip.isEmpty())
        boxes.push_back(lane.errorChip);
    return boxes;
}

QString groupToolTip(const Model &model, const Lane &lane)
{
    return QStringLiteral("<b>") + laneTitle(model, lane).toHtmlEscaped() + QStringLiteral("</b>")
        + QStringLiteral("<br>failed spans: ") + QString::number(lane.errorSpans)
        + QStringLiteral("<br>duration ") + spreadText(lane.duration, false).toHtmlEscaped()
        + QStringLiteral("<br>lag ") + spreadText(lane.lag, true).toHtmlEscaped()
        + QStringLiteral(" <span style='color:gray'>(target start → linking span start)</span>")
        + QStringLiteral("<br>spread over ") + display::duration(lane.memberEnd - lane.memberStart).toHtmlEscaped()
        + QStringLiteral("<br>Click to list the members.");
}

QString edgeToolTip(const Model &model, const LanesLayout &layout, const LaneEdge &edge)
{
    if (edge.links.empty())
        return {};
    const Link &first = model.links[edge.links.front()];
    auto spanText = [&](uint32_t s) {
        const SpanHot &h = model.hot[s];
        QString t = display::fromStd(model.str(h.name)).toHtmlEscaped();
        if (h.service)
            t = display::fromStd(model.str(h.service)).toHtmlEscaped() + QStringLiteral(": ") + t;
        return t;
    };
    const QString lagNote = QStringLiteral(" <span style='color:gray'>(target start → linking span start)</span>");
    QString html;
    if (edge.links.size() == 1) {
        html = QStringLiteral("<b>Link</b><br>") + spanText(first.from) + QStringLiteral(" → ") + spanText(first.target)
            + QStringLiteral("<br>lag ") + display::lag(edge.lagMin).toHtmlEscaped() + lagNote;
    } else {
        html = QStringLiteral("<b>") + display::count(edge.links.size(), "link", "links") + QStringLiteral("</b>");
        for (int laneIndex : {edge.fromLane, edge.toLane}) {
            const Lane &lane = layout.lanes[laneIndex];
            if (lane.isGroup())
                html += QStringLiteral(" to ") + display::count(lane.members.size(), "grouped trace", "grouped traces");
        }
        html += QStringLiteral("<br>lag ") + display::lag(edge.lagMin).toHtmlEscaped() + QStringLiteral(" … ")
            + display::lag(edge.lagMax).toHtmlEscaped() + lagNote + QStringLiteral("<br>first: ") + spanText(first.from)
            + QStringLiteral(" → ") + spanText(first.target);
    }
    if (!first.attributes.empty()) {
        html += QStringLiteral("<hr>");
        for (uint32_t i = first.attributes.first; i < first.attributes.end(); ++i) {
            const Attribute &a = model.attributes[i];
            html += QStringLiteral("<br>") + display::fromStd(model.str(a.key)).toHtmlEscaped() + QStringLiteral(" = ")
                + display::value(model, a.value).toHtmlEscaped();
        }
    }
    return html;
}

LanesColors LanesColors::fromPalette(const QPalette &palette)
{
    LanesColors c;
    c.background = palette.color(QPalette::Base);
    c.dark = c.background.lightnessF() < 0.5;
    c.text = palette.color(QPalette::Text);
    c.mutedText = c.text;
    c.mutedText.setAlphaF(0.62f);
    c.laneBackground = c.dark ? c.background.lighter(118) : c.background.darker(104);
    c.focusAccent = palette.color(QPalette::Highlight);
    // Opaque, so the flame graph painter can fill its boxes' background with it.
    const double tint = c.dark ? 0.20 : 0.11;
    c.focusBackground = QColor::fromRgbF(float(c.background.redF() * (1 - tint) + c.focusAccent.redF() * tint),
                                         float(c.background.greenF() * (1 - tint) + c.focusAccent.greenF() * tint),
                                         float(c.background.blueF() * (1 - tint) + c.focusAccent.blueF() * tint));
    c.grid = c.text;
    c.grid.setAlphaF(0.12f);
    c.link = linkColor(c.dark);
    c.highlight = c.focusAccent;
    return c;
}

LanesColors LanesColors::standard(bool dark)
{
    return fromPalette(themePalette(dark));
}

void paintLanes(QPainter &p, const Model &model, const LanesLayout &layout, const LanesColors &colors,
                const LanesPaintState &state, const QRectF &exposed)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    const LanesStyle &style = layout.style;
    // The background only between the lanes: each lane fills its own
    // full-width rectangle, and filling twice is most of a frame's cost.
    // What stays open between them is all the grid can show: opaque lanes
    // cover the rest, and a translucent fill the height of the view costs
    // more than the lanes themselves.
    std::vector<std::pair<double, double>> open; // [top, bottom) bands not under an opaque lane
    {
        const bool opaque = colors.laneBackground.alpha() == 255 && colors.focusBackground.alpha() == 255;
        double y = exposed.top();
        const int first = std::max(0, layout.laneAt(exposed.top()));
        for (int li = first; li < int(layout.lanes.size()) && y < exposed.bottom(); ++li) {
            const QRectF &r = layout.lanes[li].rect;
            if (r.bottom() <= y)
                continue;
            if (r.top() > y) {
                p.fillRect(QRectF(exposed.left(), y, exposed.width(), std::min(r.top(), exposed.bottom()) - y), colors.background);
                open.emplace_back(y, std::min(r.top(), exposed.bottom()));
            }
            const bool partial = r.left() > exposed.left() || r.right() < exposed.right();
            if (partial)
                p.fillRect(QRectF(exposed.left(), r.top(), exposed.width(), r.height()).intersected(exposed), colors.background);
            if (partial || !opaque)
                open.emplace_back(std::max(r.top(), y), std::min(r.bottom(), exposed.bottom()));
            y = r.bottom();
        }
        if (y < exposed.bottom()) {
            p.fillRect(QRectF(exposed.left(), y, exposed.width(), exposed.bottom() - y), colors.background);
            open.emplace_back(y, exposed.bottom());
        }
    }

    // Pass 1: grid lines at the ticks, one quiet band per break.
    const double contentTop = std::max(style.axisHeight, exposed.top());
    // Only where no lane covers them (see `open`).
    auto fillOpen = [&](double x, double w, const QColor &c) {
        for (const auto &[y0, y1] : open)
            if (std::max(y0, contentTop) < y1)
                p.fillRect(QRectF(x, std::max(y0, contentTop), w, y1 - std::max(y0, contentTop)), c);
    };
    for (const AxisTick &tick : layout.ticks) {
        if (tick.x < exposed.left() - 1 || tick.x > exposed.right() + 1)
            continue;
        QColor c = colors.grid;
        if (tick.origin)
            c.setAlphaF(std::min(1.0f, c.alphaF() * 2.5f));
        fillOpen(tick.x, 1, c);
    }
    for (const auto &piece : layout.time.pieces()) {
        if (!piece.compressed)
            continue;
        const QRectF band(piece.x0, contentTop, piece.x1 - piece.x0, exposed.bottom() - contentTop);
        if (!band.intersects(exposed))
            continue;
        QColor fill = colors.grid;
        fill.setAlphaF(fill.alphaF() * 0.35f);
        fillOpen(band.left(), band.width(), fill);
    }

    // Pass 2: lane backgrounds and bodies.
    FlameStyle flameStyle;
    flameStyle.text = colors.text;
    flameStyle.selection = colors.highlight;
    flameStyle.link = colors.link;
    flameStyle.error = errorColor();
    flameStyle.mark = colors.dark ? QColor(0xff, 0xe0, 0x4d) : QColor(0xe0, 0x9a, 0x00);
    flameStyle.font = style.font;
    flameStyle.font.setPointSizeF(style.font.pointSizeF() * 0.8);
    flameStyle.fillBackground = false; // the lane's fill below is the flame's background
    QFont small = style.font;
    small.setPointSizeF(style.font.pointSizeF() * 0.86);

    std::vector<int> visible;
    const int firstLane = std::max(0, layout.laneAt(exposed.top()));
    for (int li = firstLane; li < int(layout.lanes.size()); ++li) {
        const Lane &lane = layout.lanes[li];
        if (lane.rect.top() > exposed.bottom())
            break;
        if (!lane.rect.intersects(exposed))
            continue;
        visible.push_back(li);
        p.setRenderHint(QPainter::Antialiasing, false);
        const QColor background = lane.kind == LaneKind::Focus ? colors.focusBackground : colors.laneBackground;
        p.fillRect(lane.rect, background);
        if (lane.kind == LaneKind::Focus)
            p.fillRect(QRectF(lane.rect.left(), lane.rect.top(), 3, lane.rect.height()), colors.focusAccent);
        else if (lane.marks & MarkCameFrom)
            p.fillRect(QRectF(lane.rect.left(), lane.rect.top(), 3, lane.rect.height()), colors.highlight);
        else if (lane.group >= 0)
            p.fillRect(QRectF(lane.rect.left(), lane.rect.top(), 2, lane.rect.height()), colors.link);

        if (lane.isGroup()) {
            paintGroupBody(p, layout, lane, colors, small, state.fastRects);
            continue;
        }
        flameStyle.background = background;
        if (lane.flameView.rect.width() > 0) {
            lane.flame->paint(p, lane.flameView, flameStyle, state.selectedSpan, state.hoverSpan);
            continue;
        }
        // Off screen: say which way it is, and how far.
        const Trace &t = model.traces[lane.trace];
        const bool right = lane.flameView.rect.left() >= layout.width / 2;
        const QString text = right ? display::offset(signedDiff(t.start, layout.time.toTime(layout.width))) + QStringLiteral("  ▸")
                                   : QStringLiteral("◂  ") + display::offset(signedDiff(t.end, layout.time.toTime(0)));
        p.setPen(colors.mutedText);
        ShapedText(text, small).draw(p, lane.body.adjusted(4, 0, -4, 0), Qt::AlignVCenter | (right ? Qt::AlignRight : Qt::AlignLeft));
    }

    // Pass 2b: the critical path over the focus lane's body.
    if (state.criticalPath && layout.focusLane >= 0 && layout.focusLane < int(layout.lanes.size())
        && layout.lanes[size_t(layout.focusLane)].rect.intersects(exposed))
        paintFocusCriticalPath(p, model, layout, layout.lanes[size_t(layout.focusLane)], *state.criticalPath, colors);

    // Pass 3: edges over the bodies; a bundle's width grows with its links.
    QFont countFont = style.font;
    countFont.setPointSizeF(style.font.pointSizeF() * 0.8);
    countFont.setBold(true);
    SmallRectScratch dotScratch;
    auto drawEdge = [&](const LaneEdge &e, bool hover) {
        const QColor color = hover ? colors.highlight : colors.link;
        if (hover) {
            p.setRenderHint(QPainter::Antialiasing, true);
            p.setPen(QPen(color, e.penWidth + 1, Qt::SolidLine, Qt::RoundCap));
            p.setBrush(Qt::NoBrush);
            p.drawPath(e.path);
        } else {
            p.setRenderHint(QPainter::Antialiasing, false);
            drawDots(p, e.dots, color, dotScratch, state.fastRects);
        }
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        const double r = (hover ? 3.2 : 2.0) + e.penWidth / 4;
        // An end off to a side is an arrowhead at the border pointing to it.
        auto endMark = [&](QPointF at, int8_t off, double radius) {
            if (!off) {
                p.drawEllipse(at, radius, radius);
                return;
            }
            // In the gutter, on its edge's track: as long as in the usual
            // margin however wide it grew, clear of the bodies.
            const double d = off * (std::min(style.margin, LanesStyle{}.margin) / 2 - 0.5);
            const QPointF head[3] = {at + QPointF(d, 0), at + QPointF(-d / 2, -radius - 2), at + QPointF(-d / 2, radius + 2)};
            p.drawPolygon(head, 3);
        };
        endMark(e.a, e.offA, r);
        endMark(e.b, e.offB, r + 0.6);
    };
    // A bundle's count, over every edge (edges share the gutters and gaps).
    auto drawCount = [&](const LaneEdge &e, bool hover) {
        if (e.countRect.isEmpty())
            return;
        const QColor color = hover ? colors.highlight : colors.link;
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRoundedRect(e.countRect, e.countRect.height() / 2, e.countRect.height() / 2);
        p.setPen(textColorOn(color));
        e.countText.draw(p, e.countRect, Qt::AlignCenter);
    };
    for (int i = 0; i < int(layout.edges.size()); ++i) {
        const LaneEdge &e = layout.edges[i];
        if (i != state.hoverEdge && e.hitArea.boundingRect().united(e.countRect).intersects(exposed))
            drawEdge(e, false);
    }
    for (int i = 0; i < int(layout.edges.size()); ++i)
        if (i != state.hoverEdge && layout.edges[i].countRect.intersects(exposed))
            drawCount(layout.edges[i], false);

    // Pass 4: headers read over the edges that cross them.
    for (int li : visible)
        paintHeader(p, model, layout, layout.lanes[li], colors, li == state.hoverLane);

    // Links to traces that are not loaded: over the headers, they are what a click fetches.
    paintLaneStubs(p, layout.stubs, layout, colors, exposed);

    // Pass 5: the hovered edge and both its ends.
    if (state.hoverEdge >= 0 && state.hoverEdge < int(layout.edges.size())) {
        const LaneEdge &e = layout.edges[state.hoverEdge];
        p.setRenderHint(QPainter::Antialiasing, true);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(colors.highlight, 2));
        for (auto [laneIndex, span] : {std::pair{e.fromLane, e.fromSpan}, std::pair{e.toLane, e.toSpan}}) {
            const Lane &lane = layout.lanes[laneIndex];
            const QRectF r = span != kNone ? laneSpanRect(model, layout, lane, span) : lane.body;
            p.drawRect(r.adjusted(-1.5, -1.5, 1.5, 1.5));
        }
        drawEdge(e, true);
        // The counts stay readable over it.
        for (int i = 0; i < int(layout.edges.size()); ++i)
            if (layout.edges[i].countRect.intersects(e.hitArea.boundingRect()))
                drawCount(layout.edges[i], i == state.hoverEdge);
    }
    // The lane holding a selection outside the focus (a failed member that
    // N stepped to): framed, so it reads as the one the details panel shows.
    if (state.selectedSpan < model.hot.size() && model.hot[state.selectedSpan].trace != layout.focus) {
        const int li = layout.laneOfTrace(model.hot[state.selectedSpan].trace);
        if (li >= 0 && !layout.lanes[size_t(li)].isGroup() && layout.lanes[size_t(li)].rect.intersects(exposed)) {
            const Lane &lane = layout.lanes[size_t(li)];
            p.setRenderHint(QPainter::Antialiasing, false);
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(colors.highlight, 2));
            p.drawRect(lane.rect.adjusted(1, 1, -1, -1));
            p.fillRect(QRectF(lane.rect.left(), lane.rect.top(), 4, lane.rect.height()), colors.highlight);
        }
    }
    if (state.hoverLane >= 0 && state.hoverLane < int(layout.lanes.size()) && layout.lanes[state.hoverLane].isGroup()) {
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(QPen(colors.highlight, 1.5));
        p.setBrush(Qt::NoBrush);
        p.drawRect(layout.lanes[state.hoverLane].rect.adjusted(1, 1, -1, -1));
    }
    p.restore();
}

void paintTimeAxis(QPainter &p, const LanesLayout &layout, const LanesColors &colors, double top)
{
    p.save();
    const LanesStyle &style = layout.style;
    const double h = style.axisHeight;
    p.setRenderHint(QPainter::Antialiasing, false);
    p.fillRect(QRectF(0, top, layout.width, h), colors.background);
    p.fillRect(QRectF(0, top + h - 1, layout.width, 1), colors.grid);
    QFont font = style.font;
    font.setPointSizeF(style.font.pointSizeF() * 0.86);
    // Aligned in their boxes as drawText aligns a line: by the font's
    // height, not the line box's (which is rounded up).
    const double textHeight = QFontMetricsF(font).height();

    for (const AxisTick &tick : layout.ticks)
        p.fillRect(QRectF(tick.x, top + h - 7, 1, 6), tick.origin ? colors.text : colors.mutedText);

    // A zig-zag at each side of a break (one when it is narrow).
    p.setRenderHint(QPainter::Antialiasing, true);
    for (const auto &piece : layout.time.pieces()) {
        if (!piece.compressed || piece.x1 < 0 || piece.x0 > layout.width)
            continue;
        p.fillRect(QRectF(piece.x0, top, piece.x1 - piece.x0, h), colors.background);
        p.setPen(QPen(colors.mutedText, 1.2));
        p.setBrush(Qt::NoBrush);
        if (piece.x1 - piece.x0 >= 14) {
            p.drawPath(zigzag(piece.x0 + 3, top + 4, top + h - 2));
            p.drawPath(zigzag(piece.x1 - 3, top + 4, top + h - 2));
        } else {
            p.drawPath(zigzag((piece.x0 + piece.x1) / 2, top + 4, top + h - 2));
        }
    }
    for (const AxisLabel &label : layout.axisLabels) {
        const QRectF box = label.rect.translated(0, top);
        if (label.isBreak) {
            p.setPen(Qt::NoPen);
            p.setBrush(colors.background);
            p.drawRoundedRect(box, 3, 3);
            p.setPen(colors.text);
            label.text.draw(p, QPointF(box.left() + (box.width() - label.text.size().width()) / 2,
                                       box.top() + (box.height() - textHeight) / 2));
        } else {
            p.setPen(label.origin ? colors.text : colors.mutedText);
            label.text.draw(p, QPointF(box.left(), box.bottom() - textHeight));
        }
    }
    p.restore();
}

Drawing lanesDrawing(const Model &model, const DrawingOptions &options)
{
    LanesOptions lanesOptions;
    lanesOptions.depth = options.depth;
    auto layout = std::make_shared<LanesLayout>(collectLanes(model, options.trace, lanesOptions, options.span));
    LanesStyle style;
    // The first view the screen shows: the focus and where its links attach.
    const LanesViewport view = initialViewport(model, *layout, options.width, style);
    layoutLanes(model, *layout, options.width, style, view.zoom, view.pan);
    const LanesColors colors = LanesColors::standard(options.dark);
    LanesPaintState state;
    state.selectedSpan = options.span;
    if (options.criticalPath && options.trace < model.traces.size())
        state.criticalPath = std::make_shared<const CriticalPath>(criticalPath(model, options.trace));
    Drawing drawing;
    drawing.size = QSizeF(options.width, std::max(layout->height, style.axisHeight + 40));
    drawing.paint = [&model, layout, colors, state, size = drawing.size](QPainter &p) {
        paintLanes(p, model, *layout, colors, state, QRectF(QPointF(0, 0), size));
        paintTimeAxis(p, *layout, colors, 0);
        if (layout->lanes.empty()) {
            p.setPen(colors.mutedText);
            p.drawText(QRectF(QPointF(0, 0), size), Qt::AlignCenter, QStringLiteral("No trace to show"));
        }
    };
    return drawing;
}

} // namespace causeway::ui
