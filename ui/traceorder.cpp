#include "ui/traceorder.h"

#include "ui/tracelistmodel.h"

#include <algorithm>
#include <cstring>
#include <utility>

namespace causeway::ui {

QStringList filterWords(const QString &text)
{
    return text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

TraceMatcher::TraceMatcher(const TraceTexts *texts, const TraceFilter &filter)
    : m_texts(texts)
    , m_onlyLinked(filter.onlyLinked)
{
    for (const QString &w : filter.words) {
        Word word;
        if (texts) {
            for (const QString &s : texts->rootShown)
                word.root.push_back(s.contains(w, Qt::CaseInsensitive));
            for (const QString &s : texts->servicesShown)
                word.services.push_back(s.contains(w, Qt::CaseInsensitive));
        }
        const QString lower = w.toLower();
        bool hex = true;
        for (QChar c : lower)
            hex = hex && ((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('f')));
        if (hex)
            word.latin1 = lower.toLatin1();
        m_words.push_back(std::move(word));
    }
}

bool TraceMatcher::accepts(const Model &model, uint32_t trace) const
{
    const Trace &t = model.traces[trace];
    if (m_onlyLinked && t.linksOut == 0 && t.linksIn == 0)
        return false;
    if (m_words.empty())
        return true;
    char id[2 * 16];
    bool idMade = false;
    for (const Word &w : m_words) {
        if (m_texts && trace < m_texts->size()
            && (w.root[m_texts->root[trace]] || w.services[m_texts->services[trace]]))
            continue;
        if (w.latin1.isEmpty() || size_t(w.latin1.size()) > sizeof id)
            return false;
        if (!idMade) {
            static constexpr char digits[] = "0123456789abcdef";
            for (size_t i = 0; i < 16; ++i) {
                id[2 * i] = digits[t.id.bytes[i] >> 4];
                id[2 * i + 1] = digits[t.id.bytes[i] & 15];
            }
            idMade = true;
        }
        if (std::search(id, id + sizeof id, w.latin1.cbegin(), w.latin1.cend()) == id + sizeof id)
            return false;
    }
    return true;
}

bool needsTexts(int column, const TraceFilter &filter)
{
    return filter.hasWords() || column == TraceListModel::RootSpan || column == TraceListModel::Services;
}

uint64_t traceSortKey(const Model &model, const TraceTexts *texts, uint32_t trace, int column)
{
    const Trace &t = model.traces[trace];
    switch (column) {
    case TraceListModel::RootSpan: return texts && trace < texts->size() ? texts->rootRank[texts->root[trace]] : 0;
    case TraceListModel::Services: return texts && trace < texts->size() ? texts->servicesRank[texts->services[trace]] : 0;
    case TraceListModel::Start: return t.start;
    case TraceListModel::Duration: return t.duration();
    case TraceListModel::Spans: return t.spans.count;
    case TraceListModel::Errors: return t.errorCount;
    case TraceListModel::LinksOut: return t.linksOut;
    case TraceListModel::LinksIn: return t.linksIn;
    }
    return trace;
}

std::vector<uint32_t> traceOrder(const Model &model, const TraceTexts *texts, uint32_t rows, int column,
                                 bool descending, const TraceFilter &filter, const std::atomic<bool> *cancel)
{
    rows = uint32_t(std::min<size_t>(rows, model.traces.size()));
    const TraceMatcher matcher(texts, filter);
    const bool filtering = filter.onlyLinked || filter.hasWords();
    std::vector<std::pair<uint64_t, uint32_t>> keyed;
    keyed.reserve(rows);
    for (uint32_t t = 0; t < rows; ++t) {
        if (filtering && !matcher.accepts(model, t))
            continue;
        keyed.emplace_back(traceSortKey(model, texts, t, column), t);
        if ((t & 0xffff) == 0 && cancel && cancel->load(std::memory_order_relaxed))
            return {};
    }
    if (cancel && cancel->load(std::memory_order_relaxed))
        return {};
    if (descending)
        std::sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
            return traceBefore(a.first, a.second, b.first, b.second, true);
        });
    else
        std::sort(keyed.begin(), keyed.end()); // (key, trace): the same order as traceBefore
    std::vector<uint32_t> order(keyed.size());
    for (size_t i = 0; i < keyed.size(); ++i)
        order[i] = keyed[i].second;
    return order;
}

} // namespace causeway::ui
