#include "ui/shapedtext.h"

#include <QFontMetricsF>
#include <QPaintEngine>
#include <QPainter>
#include <QRawFont>
#include <QStaticText>
#include <QTextLayout>

#include <algorithm>
#include <array>
#include <cmath>
#include <iterator>
#include <memory>
#include <vector>

namespace causeway::ui {

namespace {

// The characters a header is made of: printable ASCII and the symbols the
// on-screen text uses (separators, arrows, marks, minus, micro).
constexpr char16_t kExtras[] = {u'\u00b7', u'\u00d7', u'\u2026', u'\u2193', u'\u2191', u'\u2192', u'\u2190',
                                u'\u25cf', u'\u25b8', u'\u25c2', u'\u25c0', u'\u25b6', u'\u2212', u'\u00b5'};
constexpr int kAscii = 0x7f - 0x20;
constexpr int kSymbols = kAscii + int(std::size(kExtras));

int symbolOf(char16_t c)
{
    if (c >= 0x20 && c < 0x7f)
        return c - 0x20;
    for (int i = 0; i < int(std::size(kExtras)); ++i)
        if (kExtras[i] == c)
            return kAscii + i;
    return -1;
}

// What shaping a font has given the characters a header is made of: the
// glyph of each, the advance of each before each other (kerning included),
// the advance of each at the end of a line. Learnt from the lines the font
// shapes in full, one glyph per character; a line whose characters and
// neighbours are all known is then shaped by lookups, with the glyphs and
// positions the shaper gave (tests/ui/tst_shapedtext checks pixels and
// widths). Pairs that shape otherwise (a ligature) are never learnt, so
// text with them is always shaped in full. A font that ever shapes a known
// character or pair differently (a contextual form, a fallback font, a
// rounding the lookups would not repeat) is not looked up again.
struct PairTable
{
    static constexpr double kUnknown = -1e300;

    QFont font;
    bool broken = false;
    QRawFont raw;
    double baseline = 0;
    double height = 0;
    std::array<quint32, kSymbols> glyph{}; // 0: not seen yet
    std::array<double, kSymbols> last{};
    std::array<double, kSymbols> overhang{};
    std::vector<double> pair = std::vector<double>(size_t(kSymbols) * kSymbols, kUnknown);

    explicit PairTable(const QFont &f) : font(f) {}

    double &between(int a, int b) { return pair[size_t(a) * kSymbols + size_t(b)]; }
    double between(int a, int b) const { return pair[size_t(a) * kSymbols + size_t(b)]; }

    // From a line shaped in full into `run`, its advance and its box.
    void learn(const QString &text, const QGlyphRun &run, double width, QSizeF size)
    {
        if (broken)
            return;
        const QList<quint32> indexes = run.glyphIndexes();
        const QList<QPointF> positions = run.positions();
        const qsizetype n = text.size();
        if (indexes.size() != n || positions.size() != n)
            return; // not one glyph per character: nothing to learn
        std::array<int, 256> local;
        std::vector<int> spill;
        int *symbols = local.data();
        if (n > qsizetype(local.size())) {
            spill.resize(size_t(n));
            symbols = spill.data();
        }
        const char16_t *chars = reinterpret_cast<const char16_t *>(text.constData());
        for (qsizetype i = 0; i < n; ++i)
            if ((symbols[i] = symbolOf(chars[i])) < 0 || indexes[i] == 0)
                return;
        if (raw.isValid()) {
            if (!(run.rawFont() == raw) || positions.front().y() != baseline || size.height() != height) {
                broken = true;
                return;
            }
        } else {
            raw = run.rawFont();
            baseline = positions.front().y();
            height = size.height();
        }
        const QFontMetricsF metrics(font);
        for (qsizetype i = 0; i < n; ++i) {
            const int s = symbols[i];
            if (positions[i].y() != baseline || (glyph[size_t(s)] != 0 && glyph[size_t(s)] != indexes[i])) {
                broken = true;
                return;
            }
            if (glyph[size_t(s)] == 0) {
                glyph[size_t(s)] = indexes[i];
                last[size_t(s)] = raw.advancesForGlyphIndexes(QList<quint32>{indexes[i]}).value(0).x();
                // A line's box reaches past its advance by the last glyph's
                // negative right bearing, as a text layout measures it.
                overhang[size_t(s)] = std::max(0.0, -metrics.rightBearing(QChar(chars[i])));
            }
            if (i + 1 < n) {
                double &known = between(s, symbols[i + 1]);
                const double step = positions[i + 1].x() - positions[i].x();
                if (known != kUnknown && known != step) {
                    broken = true;
                    return;
                }
                known = step;
            }
        }
        // The line's advance and box as the lookups would give them, or the
        // shaper rounds or adjusts in ways the table does not hold.
        const double end = positions.back().x() + last[size_t(symbols[n - 1])];
        if (std::abs(end - width) > 1e-9 || std::abs(end + overhang[size_t(symbols[n - 1])] - size.width()) > 1e-9)
            broken = true;
    }
};

PairTable &pairTable(const QFont &font)
{
    // Per thread (a font's glyphs belong to the thread that shaped them), a few fonts.
    thread_local std::vector<std::unique_ptr<PairTable>> tables;
    for (const auto &t : tables)
        if (t->font == font)
            return *t;
    if (tables.size() >= 16)
        tables.erase(tables.begin());
    tables.push_back(std::make_unique<PairTable>(font));
    return *tables.back();
}

} // namespace

ShapedText::ShapedText(const QString &text, const QFont &font) : m_text(text), m_font(font)
{
    if (text.isEmpty())
        return;
    if (fromTable())
        return;
    // Laid out as QStaticText lays out a line of plain text: no width, so
    // nothing wraps, the line's top at 0.
    QTextLayout layout(text, font);
    layout.setCacheEnabled(true);
    layout.beginLayout();
    QTextLine line = layout.createLine();
    layout.endLayout();
    if (!line.isValid())
        return;
    m_width = line.horizontalAdvance();
    m_size = layout.boundingRect().size();
    m_runs = layout.glyphRuns();
    if (m_runs.size() == 1)
        pairTable(m_font).learn(m_text, m_runs.front(), m_width, m_size);
}

bool ShapedText::fromTable()
{
    const PairTable &table = pairTable(m_font);
    if (table.broken || !table.raw.isValid())
        return false;
    const qsizetype n = m_text.size();
    QList<quint32> indexes(n);
    QList<QPointF> positions(n);
    const char16_t *chars = reinterpret_cast<const char16_t *>(m_text.constData());
    int s = symbolOf(chars[0]);
    if (s < 0 || table.glyph[size_t(s)] == 0)
        return false;
    double x = 0;
    for (qsizetype i = 0; i < n; ++i) {
        indexes[i] = table.glyph[size_t(s)];
        positions[i] = QPointF(x, table.baseline);
        if (i + 1 == n)
            break;
        const int next = symbolOf(chars[i + 1]);
        if (next < 0)
            return false;
        const double step = table.between(s, next);
        if (step == PairTable::kUnknown)
            return false; // an unknown character has no known pair either
        x += step;
        s = next;
    }
    m_width = x + table.last[size_t(s)];
    m_size = QSizeF(m_width + table.overhang[size_t(s)], table.height);
    QGlyphRun run;
    run.setRawFont(table.raw);
    run.setGlyphIndexes(indexes);
    run.setPositions(positions);
    m_runs = {run};
    m_fromTable = true;
    return true;
}

void ShapedText::draw(QPainter &painter, const QRectF &box, Qt::Alignment alignment) const
{
    if (m_text.isEmpty())
        return;
    const double height = QFontMetricsF(m_font).height();
    double x = box.left(), y = box.top();
    if (alignment & Qt::AlignRight)
        x = box.right() - m_size.width();
    else if (alignment & Qt::AlignHCenter)
        x = box.left() + (box.width() - m_size.width()) / 2;
    if (alignment & Qt::AlignBottom)
        y = box.bottom() - height;
    else if (alignment & Qt::AlignVCenter)
        y = box.top() + (box.height() - height) / 2;
    if (m_size.width() <= box.width() && height <= box.height()) {
        draw(painter, QPointF(x, y));
        return;
    }
    painter.save();
    painter.setClipRect(box, Qt::IntersectClip);
    draw(painter, QPointF(x, y));
    painter.restore();
}

void ShapedText::draw(QPainter &painter, QPointF topLeft) const
{
    if (painter.paintEngine() && painter.paintEngine()->type() == QPaintEngine::Raster
        && painter.deviceTransform().type() <= QTransform::TxTranslate) {
        for (const QGlyphRun &run : m_runs)
            painter.drawGlyphRun(topLeft, run);
        return;
    }
    // Glyph positions shaped unscaled and then scaled land on other pixels
    // than text laid out for the scale (at 1.5x, say); a vector engine wants
    // the characters, not glyphs.
    if (!m_fallback) {
        m_fallback = std::make_shared<QStaticText>(m_text);
        m_fallback->setTextFormat(Qt::PlainText);
        m_fallback->setPerformanceHint(QStaticText::AggressiveCaching);
    }
    const QFont font = painter.font();
    painter.setFont(m_font);
    painter.drawStaticText(topLeft, *m_fallback);
    painter.setFont(font);
}

} // namespace causeway::ui
