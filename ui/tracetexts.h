#pragma once
// The trace list's text columns (root span, services) for every trace, kept
// as an index into the few distinct texts the traces share, each distinct
// text with its rank in lowercase order. Sorting by a text column compares
// ranks and filtering tests each distinct text once, so that neither builds
// a string per trace. Plain data: a copy can be read on a worker thread.

#include "core/model.h"

#include <QHash>
#include <QString>

#include <cstdint>
#include <vector>

namespace causeway::ui {

// What the list shows for a trace's root span and services.
QString rootText(const Model &model, const Trace &trace);
QString servicesText(const Model &model, const Trace &trace);

class TraceTexts
{
public:
    // Per trace, the index of its root span's and its services' distinct text.
    std::vector<uint32_t> root, services;
    // Per distinct text: as shown (what the filter looks at) and its rank
    // among the lowercase texts (equal lowercase texts share a rank; a trace
    // without a root sorts as an empty text).
    std::vector<QString> rootShown, servicesShown;
    std::vector<uint32_t> rootRank, servicesRank;

    size_t size() const { return root.size(); }
    // Appends the texts of traces [size(), rows) of `model`.
    void extend(const Model &model, uint32_t rows);
    // Trace `trace` (< size()) of `model` changed.
    void refresh(const Model &model, uint32_t trace);
    // Traces [first, last] are gone; the ones after move down.
    void erase(uint32_t first, uint32_t last);

private:
    uint32_t rootOf(const Model &model, const Trace &trace);
    uint32_t servicesOf(const Model &model, const Trace &trace);
    void rank();

    QHash<QString, uint32_t> m_rootIndex, m_servicesIndex; // sort key of a distinct text -> its index
    std::vector<QString> m_rootLower, m_servicesLower;
    bool m_rankStale = false;
};

} // namespace causeway::ui
