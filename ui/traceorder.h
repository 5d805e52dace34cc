#pragma once
// Which traces the trace list keeps and in what order, from integer keys
// per trace (no model indexes, no QVariant): the same result on the GUI
// thread for a short list and on a worker for a long one.

#include "core/model.h"
#include "ui/tracetexts.h"

#include <QStringList>

#include <atomic>
#include <cstdint>
#include <vector>

namespace causeway::ui {

struct TraceFilter
{
    QStringList words;       // each must appear in the root span, the services or the trace id
    bool onlyLinked = false; // only traces with links in or out
    bool hasWords() const { return !words.isEmpty(); }
};

// A filter's words split from what was typed ("checkout error" narrows: both must appear).
QStringList filterWords(const QString &text);

// Decides the filter for one trace at a time; the words are tested once
// against each distinct text, not once per trace.
class TraceMatcher
{
public:
    // `texts` may be null when the filter has no words.
    TraceMatcher(const TraceTexts *texts, const TraceFilter &filter);
    bool accepts(const Model &model, uint32_t trace) const;

private:
    const TraceTexts *m_texts;
    bool m_onlyLinked;
    struct Word
    {
        std::vector<char> root, services; // per distinct text: it holds the word
        QByteArray latin1;                // lowercase, for the trace id; empty when it cannot be in one
    };
    std::vector<Word> m_words;
};

// Sorting by `column` (a TraceListModel::Column; -1: by trace index)
// needs texts; so does a filter with words.
bool needsTexts(int column, const TraceFilter &filter);
// A number that orders traces as `column` sorts them (text columns: the rank of the text).
uint64_t traceSortKey(const Model &model, const TraceTexts *texts, uint32_t trace, int column);
// Whether trace a comes before trace b (keys ka, kb): by key, then by trace index.
inline bool traceBefore(uint64_t ka, uint32_t a, uint64_t kb, uint32_t b, bool descending)
{
    if (ka != kb)
        return descending ? ka > kb : ka < kb;
    return a < b;
}

// The traces among the first `rows` of `model` that `filter` keeps, in the
// order of `column`. Empty when `cancel` is set while it runs.
std::vector<uint32_t> traceOrder(const Model &model, const TraceTexts *texts, uint32_t rows, int column,
                                 bool descending, const TraceFilter &filter, const std::atomic<bool> *cancel = nullptr);

} // namespace causeway::ui
