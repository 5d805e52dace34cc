// Growing a finalized model in place: what live data needs so that the cost
// of taking in a batch of spans depends on the batch (and the traces it
// touches), not on how much is already loaded.

#include "core/hugepages.h"
#include "core/model.h"
#include "core/tracesummary.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <unordered_map>

namespace causeway {

namespace {
// `to` made equal to `from`, in the storage `to` has when `from` fits;
// otherwise in new storage with the room `from` has, so that a copy that
// takes the next steps does not outgrow it at once, advised as huge pages
// before it is written (lookups across a million spans' records missed the
// TLB on every other refresh, in the copy made with 4 KB pages).
template<typename Vector>
void copyWithRoom(Vector &to, const Vector &from)
{
    if (to.capacity() < from.size()) {
        Vector fresh;
        fresh.reserve(from.capacity());
        adviseHugeCapacity(fresh);
        to.swap(fresh);
    }
    to = from; // into the storage `to` has
}

// Room for a pool or list pool compacted down to `kept` entries. A pool is
// compacted once half of it is unused, that is at about twice what it
// keeps, and with a retention cap it is compacted at the cap's low
// watermark and then refilled past the cap: with room for less than that
// (twice what is kept, as it once had), the refill outgrew it and copied
// the whole pool into a new buffer, and the spare copy did the same (at a
// million spans, 100-250 ms each, once per compaction). So the pool keeps
// the room it had, up to four times what it keeps (after a burst, room it
// does not use is given back). Room not written to is address space, not
// memory.
size_t compactedRoom(size_t kept, size_t capacity)
{
    return std::max(kept + 16, std::min(capacity, 4 * kept));
}

bool isOrphan(const Model &m, uint32_t s)
{
    const SpanCold &c = m.cold[s];
    return m.hot[s].parent == kNone && !c.parentSpanId.isZero() && !(c.parentSpanId == c.spanId)
        && m.findSpan(c.traceId, c.parentSpanId) == kNone;
}

void mergeSorted(std::vector<uint32_t> &into, const std::vector<uint32_t> &more)
{
    std::vector<uint32_t> out;
    out.reserve(into.size() + more.size());
    std::set_union(into.begin(), into.end(), more.begin(), more.end(), std::back_inserter(out));
    into = std::move(out);
}
} // namespace

void Model::SpanTable::clear()
{
    m_slots.clear();
    m_used = m_live = 0;
    m_idOfSpan.clear();
    m_spanOfId.clear();
    m_firstId = m_nextId = 0;
}

size_t Model::SpanTable::memoryUsage() const
{
    return m_slots.capacity() * sizeof(Slot) + m_idOfSpan.capacity() * sizeof(uint64_t)
        + m_spanOfId.capacity() * sizeof(uint32_t);
}

void Model::SpanTable::rehash(size_t live)
{
    // A quarter full after the rehash: at least `live` more inserts (or
    // tombstones) before the next one, so rehashing is O(1) per insert.
    size_t want = 16;
    while (want < 4 * live)
        want *= 2;
    std::vector<Slot> old = std::move(m_slots);
    m_slots.assign(want, Slot{});
    m_used = 0;
    const size_t mask = want - 1;
    for (const Slot &slot : old) {
        if (slot.id == kNoId || spanOf(slot.id) == kNone)
            continue;
        size_t i = slotOf(slot.hash) & mask;
        while (m_slots[i].id != kNoId)
            i = (i + 1) & mask;
        m_slots[i] = slot;
        ++m_used;
    }
}

void Model::SpanTable::insert(uint64_t hash, uint32_t span)
{
    if (2 * (m_used + 1) > m_slots.size())
        rehash(m_live + 1);
    const uint64_t id = m_nextId++;
    m_spanOfId.push_back(span);
    if (m_idOfSpan.size() <= span)
        m_idOfSpan.resize(span + 1, kNoId);
    m_idOfSpan[span] = id;
    const size_t mask = m_slots.size() - 1;
    size_t i = slotOf(hash) & mask;
    while (m_slots[i].id != kNoId)
        i = (i + 1) & mask;
    m_slots[i] = {hash, id};
    ++m_used;
    ++m_live;
}

void Model::SpanTable::renumber(const std::vector<uint32_t> &map, uint32_t from, uint32_t /*kept*/)
{
    // Spans keep their order, so map[i] <= i: writing at map[i] never
    // overwrites what is still to be read.
    const auto end = uint32_t(m_idOfSpan.size());
    uint32_t written = from;
    for (uint32_t i = from; i < end; ++i) {
        const uint64_t id = m_idOfSpan[i];
        const uint32_t to = map[i];
        if (id != kNoId) {
            m_spanOfId[id - m_firstId] = to;
            if (to == kNone)
                --m_live;
        }
        if (to != kNone) {
            m_idOfSpan[to] = id;
            written = to + 1;
        }
    }
    // Only spans of large traces have ids: past the last kept span that
    // was written, entries would name spans that moved away.
    if (from < end)
        m_idOfSpan.resize(written);
    // Ids of removed spans at the front are dropped; their slots read as
    // tombstones (spanOf says kNone below m_firstId).
    size_t dead = 0;
    while (dead < m_spanOfId.size() && m_spanOfId[dead] == kNone)
        ++dead;
    if (dead) {
        m_spanOfId.erase(m_spanOfId.begin(), m_spanOfId.begin() + std::ptrdiff_t(dead));
        m_firstId += dead;
    }
}

void ModelChanges::followBy(const ModelChanges &next)
{
    // Evictions renumber: a later eviction after anything that used the
    // numbering before it cannot be told as one step.
    const bool used = addedSpans || !changedTraces.empty() || !evictedTraces.empty();
    if (reset || next.reset || (!next.evictedTraces.empty() && used)) {
        *this = ModelChanges{};
        reset = true;
        return;
    }
    if (!next.evictedTraces.empty()) {
        evictedTraces = next.evictedTraces;
        firstNewTrace = next.firstNewTrace;
        firstNewSpan = next.firstNewSpan;
    }
    firstNewTrace = std::min(firstNewTrace, next.firstNewTrace);
    firstNewSpan = std::min(firstNewSpan, next.firstNewSpan);
    mergeSorted(changedTraces, next.changedTraces);
    std::erase_if(changedTraces, [this](uint32_t t) { return t >= firstNewTrace; });
    addedSpans += next.addedSpans;
    duplicateSpans += next.duplicateSpans;
    evictedSpans += next.evictedSpans;
    resolvedLinks += next.resolvedLinks;
}

Model Model::clone() const
{
    Model out;
    // Interning in id order gives every string its old id: the pool holds
    // each string once and id 0 is the empty string in both.
    for (StringId id = 1; id < strings.size(); ++id)
        out.strings.intern(strings.view(id));
    out.resources = resources;
    out.scopes = scopes;
    copyWithRoom(out.hot, hot);
    copyWithRoom(out.cold, cold);
    copyWithRoom(out.events, events);
    copyWithRoom(out.links, links);
    copyWithRoom(out.attributes, attributes);
    copyWithRoom(out.values, values);
    copyWithRoom(out.traces, traces);
    copyWithRoom(out.traceSpans, traceSpans);
    copyWithRoom(out.traceServices, traceServices);
    copyWithRoom(out.incoming, incoming);
    copyWithRoom(out.incomingRanges, incomingRanges);
    out.diagnostics = diagnostics;
    out.sources = sources;
    out.m_traceIndex = m_traceIndex;
    copyWithRoom(out.m_spanIndex, m_spanIndex);
    out.m_appendedSpans = m_appendedSpans;
    out.m_waitingLinks = m_waitingLinks;
    out.m_waitingBuilt = m_waitingBuilt;
    copyWithRoom(out.m_traceOrphans, m_traceOrphans);
    out.m_scopeSpans = m_scopeSpans;
    out.copyCounters(*this);
    return out;
}

void Model::catchUpWith(const Model &ahead)
{
    // A pool that neither model compacted since they were equal only grew
    // at its end: this one holds a prefix of `ahead`'s.
    const bool poolsPrefix = m_poolCompactions == ahead.m_poolCompactions;
    auto catchUp = [poolsPrefix](auto &mine, const auto &theirs) {
        if (poolsPrefix && mine.size() <= theirs.size()) {
            reserveMore(mine, theirs.size() - mine.size());
            mine.insert(mine.end(), theirs.begin() + std::ptrdiff_t(mine.size()), theirs.end());
        } else {
            copyWithRoom(mine, theirs);
        }
    };
    if (m_stringCompactions != ahead.m_stringCompactions || strings.size() > ahead.strings.size())
        strings = StringPool();
    // Interning in id order gives every string its id in `ahead`.
    for (auto id = StringId(strings.size()); id < ahead.strings.size(); ++id)
        strings.intern(ahead.strings.view(id));
    catchUp(attributes, ahead.attributes);
    catchUp(values, ahead.values);
    catchUp(events, ahead.events);
    // What an eviction moves and renumbers: copied whole, into the storage
    // these vectors already have.
    resources = ahead.resources;
    scopes = ahead.scopes;
    copyWithRoom(hot, ahead.hot);
    copyWithRoom(cold, ahead.cold);
    copyWithRoom(links, ahead.links);
    copyWithRoom(traces, ahead.traces);
    copyWithRoom(traceSpans, ahead.traceSpans);
    copyWithRoom(traceServices, ahead.traceServices);
    copyWithRoom(incoming, ahead.incoming);
    copyWithRoom(incomingRanges, ahead.incomingRanges);
    diagnostics = ahead.diagnostics;
    sources = ahead.sources;
    m_traceIndex = ahead.m_traceIndex;
    copyWithRoom(m_spanIndex, ahead.m_spanIndex);
    m_appendedSpans = ahead.m_appendedSpans;
    m_waitingLinks = ahead.m_waitingLinks;
    m_waitingBuilt = ahead.m_waitingBuilt;
    copyWithRoom(m_traceOrphans, ahead.m_traceOrphans);
    m_scopeSpans = ahead.m_scopeSpans;
    copyCounters(ahead);
}

void Model::copyCounters(const Model &from)
{
    m_orphans = from.m_orphans;
    m_unusedTraceSpans = from.m_unusedTraceSpans;
    m_unusedServices = from.m_unusedServices;
    m_unusedIncoming = from.m_unusedIncoming;
    m_unusedAttributes = from.m_unusedAttributes;
    m_unusedEvents = from.m_unusedEvents;
    m_stringsAtCompaction = from.m_stringsAtCompaction;
    m_poolCompactions = from.m_poolCompactions;
    m_stringCompactions = from.m_stringCompactions;
    m_listCompactions = from.m_listCompactions;
}

bool Model::catchUpWithAppends(const Model &ahead, const std::vector<const AppendLog *> &logs)
{
    // Appends only add at the ends of the arrays, except for what their
    // logs list and what compactions rewrite; a model that compacted
    // since, or is not behind `ahead`, is copied whole.
    const bool prefix = m_waitingBuilt && ahead.m_waitingBuilt && m_poolCompactions == ahead.m_poolCompactions
        && m_stringCompactions == ahead.m_stringCompactions && m_listCompactions == ahead.m_listCompactions
        && strings.size() <= ahead.strings.size() && attributes.size() <= ahead.attributes.size()
        && values.size() <= ahead.values.size() && events.size() <= ahead.events.size()
        && resources.size() <= ahead.resources.size() && scopes.size() <= ahead.scopes.size()
        && hot.size() <= ahead.hot.size() && links.size() <= ahead.links.size()
        && traces.size() <= ahead.traces.size() && traceSpans.size() <= ahead.traceSpans.size()
        && traceServices.size() <= ahead.traceServices.size() && incoming.size() <= ahead.incoming.size()
        && m_scopeSpans.size() == scopes.size() && ahead.m_scopeSpans.size() == ahead.scopes.size();
    if (!prefix) {
        catchUpWith(ahead);
        return false;
    }
    auto copyEnd = [](auto &mine, const auto &theirs) {
        reserveMore(mine, theirs.size() - mine.size());
        mine.insert(mine.end(), theirs.begin() + std::ptrdiff_t(mine.size()), theirs.end());
    };
    const auto spansBefore = uint32_t(hot.size()), linksBefore = uint32_t(links.size());
    // Interning in id order gives every string its id in `ahead`.
    for (auto id = StringId(strings.size()); id < ahead.strings.size(); ++id)
        strings.intern(ahead.strings.view(id));
    copyEnd(attributes, ahead.attributes);
    copyEnd(values, ahead.values);
    copyEnd(events, ahead.events);
    copyEnd(resources, ahead.resources);
    copyEnd(scopes, ahead.scopes);
    copyEnd(hot, ahead.hot);
    copyEnd(cold, ahead.cold);
    copyEnd(links, ahead.links);
    copyEnd(incomingRanges, ahead.incomingRanges);
    copyEnd(traces, ahead.traces);
    copyEnd(m_traceOrphans, ahead.m_traceOrphans);
    copyEnd(traceSpans, ahead.traceSpans);
    copyEnd(traceServices, ahead.traceServices);
    copyEnd(incoming, ahead.incoming);
    // Spans count only into their own scopes, which are new with them.
    copyEnd(m_scopeSpans, ahead.m_scopeSpans);

    // What the appends changed in records that were there: the traces that
    // got spans or incoming links (their summary, and their spans' parents,
    // depths and where their incoming lists are), and the links that found
    // their target. The list pools' entries before their ends stay as they
    // were: a list that ends its pool grows only by links newer than its
    // own, and a list that grows otherwise moves to the end first.
    for (const AppendLog *log : logs) {
        for (uint32_t t : log->changedTraces) {
            traces[t] = ahead.traces[t];
            m_traceOrphans[t] = ahead.m_traceOrphans[t];
            const Range spans = ahead.traces[t].spans;
            for (uint32_t i = spans.first; i < spans.end(); ++i) {
                const uint32_t s = ahead.traceSpans[i];
                if (s >= spansBefore)
                    continue;
                hot[s] = ahead.hot[s];
                incomingRanges[s] = ahead.incomingRanges[s];
            }
        }
        for (uint32_t l : log->resolvedLinks) {
            if (l >= linksBefore)
                continue;
            links[l].target = ahead.links[l].target;
            m_waitingLinks.erase(SpanKey{links[l].traceId, links[l].spanId});
        }
    }
    // Links that came with the appends and still wait.
    for (auto l = linksBefore; l < links.size(); ++l)
        if (links[l].target == kNone)
            m_waitingLinks.emplace(SpanKey{links[l].traceId, links[l].spanId}, l);

    // Small or hashed: copied whole (into the storage they have).
    m_traceIndex = ahead.m_traceIndex;
    if (m_appendedSpans.insertions() != ahead.m_appendedSpans.insertions())
        m_appendedSpans = ahead.m_appendedSpans;
    diagnostics = ahead.diagnostics;
    sources = ahead.sources;
    copyCounters(ahead);
    return true;
}

void Model::buildGrowthState()
{
    m_waitingLinks.clear();
    for (uint32_t l = 0; l < links.size(); ++l)
        if (links[l].target == kNone)
            m_waitingLinks.emplace(SpanKey{links[l].traceId, links[l].spanId}, l);
    m_scopeSpans.assign(scopes.size(), 0);
    for (const SpanCold &c : cold)
        ++m_scopeSpans[c.scope];
    m_traceOrphans.assign(traces.size(), 0);
    m_orphans = 0;
    for (uint32_t s = 0; s < hot.size(); ++s)
        if (isOrphan(*this, s)) {
            ++m_traceOrphans[hot[s].trace];
            ++m_orphans;
        }
    if (incomingRanges.size() < hot.size())
        incomingRanges.resize(hot.size(), Range{uint32_t(incoming.size()), 0});
    m_stringsAtCompaction = std::max(m_stringsAtCompaction, strings.size());
    m_waitingBuilt = true;
}

void Model::indexSpan(uint32_t span)
{
    if (!m_appendedSpans.contains(span))
        m_appendedSpans.insert(spanKeyHash(cold[span].traceId, cold[span].spanId), span);
}

uint32_t Model::findInTrace(uint32_t trace, const SpanId &id, const std::vector<uint32_t> *more) const
{
    // Up to this many spans a scan of the trace's own records beats a probe
    // into the span table, whose slot is a cache miss at a million spans.
    const Trace &tr = traces[trace];
    if (tr.spans.count + (more ? more->size() : 0) > kScannedSpans)
        return findIndexed(tr.id, id);
    for (uint32_t i = tr.spans.first; i < tr.spans.end(); ++i)
        if (cold[traceSpans[i]].spanId == id)
            return traceSpans[i];
    if (more)
        for (uint32_t s : *more)
            if (cold[s].spanId == id)
                return s;
    return kNone;
}

void Model::addIncoming(uint32_t link)
{
    const uint32_t target = links[link].target;
    Range &r = incomingRanges[target];
    if (r.end() != incoming.size() || r.count == 0) {
        // Move the list to the end, where it can grow.
        const auto at = uint32_t(incoming.size());
        for (uint32_t i = r.first; i < r.end(); ++i)
            incoming.push_back(incoming[i]);
        m_unusedIncoming += r.count;
        r.first = at;
    }
    incoming.push_back(link);
    ++r.count;
    // Ascending link order within the list, as finalize() builds it.
    for (uint32_t i = r.end() - 1; i > r.first && incoming[i - 1] > incoming[i]; --i)
        std::swap(incoming[i - 1], incoming[i]);
    hot[target].hasLinks |= 2;
    ++traces[hot[target].trace].linksIn;
}

// Parents, depths, span order and the summary of one trace, from its span
// list; the list and the services are written at the end of their pools.
void Model::summariseTrace(uint32_t t)
{
    Trace &tr = traces[t];
    const auto first = tr.spans.first, count = tr.spans.count;
    auto begin = traceSpans.begin() + first, end = begin + count;
    std::sort(begin, end, [this](uint32_t a, uint32_t b) {
        return hot[a].start != hot[b].start ? hot[a].start < hot[b].start : a < b;
    });
    // Parents: spans shown as roots look for their parent again, among
    // the trace's own spans (a parent is in the same trace).
    uint32_t orphans = 0;
    for (auto it = begin; it != end; ++it) {
        auto &h = hot[*it];
        const auto &c = cold[*it];
        if (h.parent != kNone || c.parentSpanId.isZero() || c.parentSpanId == c.spanId)
            continue;
        h.parent = findInTrace(t, c.parentSpanId);
        if (h.parent == kNone)
            ++orphans;
    }
    m_orphans += orphans;
    m_orphans -= m_traceOrphans[t];
    m_traceOrphans[t] = orphans;

    // Depths, cutting parent cycles as finalize() does. A span's place in
    // the list is found by binary search over (span, place) pairs: no hash
    // map, no allocation per trace.
    thread_local std::vector<std::pair<uint32_t, uint32_t>> places;
    thread_local std::vector<uint8_t> state; // 1 on the walk, 2 done
    places.clear();
    for (uint32_t i = 0; i < count; ++i)
        places.emplace_back(begin[i], i);
    std::sort(places.begin(), places.end());
    auto placeOf = [&](uint32_t span) {
        const auto at = std::lower_bound(places.begin(), places.end(), std::make_pair(span, 0u));
        return at != places.end() && at->first == span ? at->second : kNone;
    };
    state.assign(count, 0);
    std::vector<uint32_t> walk;
    for (uint32_t start = 0; start < count; ++start) {
        if (state[start] == 2)
            continue;
        walk.clear();
        uint32_t cur = begin[start], place = start;
        while (state[place] == 0) {
            state[place] = 1;
            walk.push_back(cur);
            const uint32_t p = hot[cur].parent;
            if (p == kNone)
                break;
            const uint32_t parentPlace = placeOf(p);
            if (parentPlace == kNone)
                break; // not in this trace: cannot happen, a parent is looked up by this trace's id
            if (state[parentPlace] == 1) {
                diagnostics.add(diag::SpanParentCycle,
                    "span " + cold[cur].traceId.hex() + "/" + cold[cur].spanId.hex()
                        + " is part of a parent cycle; the cycle is cut there and the span shown as a root");
                hot[cur].parent = kNone;
                break;
            }
            cur = p;
            place = parentPlace;
        }
        for (auto w = walk.rbegin(); w != walk.rend(); ++w) {
            auto &h = hot[*w];
            if (h.parent == kNone)
                h.depth = 0;
            else if (hot[h.parent].depth == UINT16_MAX)
                h.depth = UINT16_MAX;
            else
                h.depth = uint16_t(hot[h.parent].depth + 1);
            state[placeOf(*w)] = 2;
        }
    }

    m_unusedServices += tr.services.count;
    detail::summariseTraceSpans(tr, hot, traceSpans.data() + first, traceSpans.data() + first + count, traceServices);
    tr.linksOut = 0;
    for (auto it = begin; it != end; ++it)
        tr.linksOut += cold[*it].links.count;
}

void Model::append(const Model &batch, ModelChanges &changes, AppendLog *log)
{
    if (!m_waitingBuilt)
        buildGrowthState();
    changes.firstNewSpan = uint32_t(hot.size());
    changes.firstNewTrace = uint32_t(traces.size());
    if (batch.spanCount() == 0 && batch.resources.empty()) {
        diagnostics.merge(batch.diagnostics);
        return;
    }

    std::vector<StringId> map(batch.strings.size());
    for (size_t i = 0; i < map.size(); ++i)
        map[i] = strings.intern(batch.strings.view(StringId(i)));
    const auto resourceBase = uint32_t(resources.size());
    const auto scopeBase = uint32_t(scopes.size());
    const auto spanBase = uint32_t(hot.size());
    const auto eventBase = uint32_t(events.size());
    const auto attrBase = uint32_t(attributes.size());
    const auto valueBase = uint32_t(values.size());
    auto shift = [](Range r, uint32_t base) { return Range{r.first + base, r.count}; };
    auto remapValue = [&](Value v) {
        switch (v.type) {
        case ValueType::String:
        case ValueType::Bytes:
            v.str = map[v.str];
            break;
        case ValueType::Array:
            v.range = shift(v.range, valueBase);
            break;
        case ValueType::KvList:
            v.range = shift(v.range, attrBase);
            break;
        default:
            break;
        }
        return v;
    };
    // The pools are taken whole, as merge() does: a duplicate's attributes
    // stay behind unused, as they do in a full load.
    reserveMore(attributes, batch.attributes.size());
    for (const auto &a : batch.attributes)
        attributes.push_back({map[a.key], remapValue(a.value)});
    reserveMore(values, batch.values.size());
    for (const auto &v : batch.values)
        values.push_back(remapValue(v));
    for (auto r : batch.resources) {
        r.attributes = shift(r.attributes, attrBase);
        r.schemaUrl = map[r.schemaUrl];
        r.serviceName = map[r.serviceName];
        resources.push_back(r);
    }
    for (auto s : batch.scopes) {
        s.resource += resourceBase;
        s.name = map[s.name];
        s.version = map[s.version];
        s.attributes = shift(s.attributes, attrBase);
        s.schemaUrl = map[s.schemaUrl];
        scopes.push_back(s);
        m_scopeSpans.push_back(0);
    }
    reserveMore(events, batch.events.size());
    for (auto e : batch.events) {
        e.name = map[e.name];
        e.attributes = shift(e.attributes, attrBase);
        events.push_back(e);
    }

    // Spans, skipping those already loaded (the first copy wins).
    reserveMore(hot, batch.spanCount());
    reserveMore(cold, batch.spanCount());
    reserveMore(links, batch.links.size());
    const auto firstLink = uint32_t(links.size());
    std::vector<uint32_t> touched;  // traces that got spans
    std::vector<char> isTouched;
    auto touch = [&](uint32_t t) {
        if (t >= isTouched.size())
            isTouched.resize(std::max<size_t>(t + 1, isTouched.size() * 2), 0);
        if (!isTouched[t]) {
            isTouched[t] = 1;
            touched.push_back(t);
        }
    };
    std::unordered_map<uint32_t, std::vector<uint32_t>> newSpansOf;
    const size_t sourcesBefore = sources.size();
    if (!sources.empty() && !sources.back().name.empty() && (batch.sources.empty() || batch.sources.front().firstSpan != 0))
        sources.push_back({std::string(), spanBase}); // spans of no named source (live data)
    size_t nextSource = 0;
    uint32_t known = kNone; // the trace of the batch's span before, if loaded
    for (uint32_t i = 0; i < batch.spanCount(); ++i) {
        while (nextSource < batch.sources.size() && batch.sources[nextSource].firstSpan <= i) {
            SourceFile source = batch.sources[nextSource]; // with where it was fetched from, if it was
            source.firstSpan = uint32_t(hot.size());
            sources.push_back(std::move(source));
            ++nextSource;
        }
        const SpanCold &bc = batch.cold[i];
        // A span of a trace not loaded yet is new; otherwise its trace's own
        // spans say (a trace is small, the span table large).
        // Spans of a trace mostly come one after another: only a change of
        // trace id costs a lookup.
        if (i == 0 || !(bc.traceId == batch.cold[i - 1].traceId))
            known = m_traceIndex.find(bc.traceId, traces);
        bool duplicate = false;
        if (known != kNone) {
            const auto more = newSpansOf.find(known);
            duplicate = findInTrace(known, bc.spanId, more == newSpansOf.end() ? nullptr : &more->second) != kNone;
        }
        if (duplicate) {
            ++changes.duplicateSpans;
            if (diagnostics.count(diag::SpanDuplicate))
                diagnostics.add(diag::SpanDuplicate, {});
            else
                diagnostics.add(diag::SpanDuplicate, "span " + bc.traceId.hex() + "/" + bc.spanId.hex()
                                                         + " was loaded more than once; the first copy is kept");
            continue;
        }
        const auto self = uint32_t(hot.size());
        SpanHot h = batch.hot[i];
        h.name = map[h.name];
        h.service = map[h.service];
        h.parent = kNone;
        h.depth = 0;
        h.hasLinks = bc.links.count ? 1 : 0;
        SpanCold c = bc;
        c.scope += scopeBase;
        c.traceState = map[c.traceState];
        c.statusMessage = map[c.statusMessage];
        c.attributes = shift(c.attributes, attrBase);
        c.events = shift(c.events, eventBase);
        c.links = {uint32_t(links.size()), bc.links.count};
        for (uint32_t l = bc.links.first; l < bc.links.end(); ++l) {
            Link link = batch.links[l];
            link.from = self;
            link.traceState = map[link.traceState];
            link.attributes = shift(link.attributes, attrBase);
            link.target = kNone;
            links.push_back(link);
        }
        if (known == kNone) {
            // The first span of a new trace: later spans of it find it.
            known = uint32_t(traces.size());
            traces.emplace_back();
            traces.back().id = c.traceId;
            traces.back().spans = {uint32_t(traceSpans.size()), 0};
            traces.back().services = {uint32_t(traceServices.size()), 0};
            m_traceOrphans.push_back(0);
            m_traceIndex.addLast(traces);
        }
        h.trace = known;
        if (c.parentSpanId == c.spanId && !c.spanId.isZero())
            diagnostics.add(diag::SpanParentSelf,
                "span " + c.traceId.hex() + "/" + c.spanId.hex() + " names itself as its parent; shown as a root");
        hot.push_back(h);
        cold.push_back(c);
        ++m_scopeSpans[c.scope];
        touch(h.trace);
        auto &added = newSpansOf[h.trace];
        added.push_back(self);
        // Only spans of large traces go into the span table; a small trace
        // is searched in its own list (findInTrace). One that grows large
        // now puts all its spans there.
        const Trace &tr = traces[h.trace];
        const size_t count = tr.spans.count + added.size();
        if (count == kScannedSpans + 1) {
            for (uint32_t k = tr.spans.first; k < tr.spans.end(); ++k)
                indexSpan(traceSpans[k]);
            for (uint32_t span : added)
                indexSpan(span);
        } else if (count > kScannedSpans) {
            indexSpan(self);
        }
    }
    while (nextSource < batch.sources.size())
        sources.push_back({batch.sources[nextSource++].name, uint32_t(hot.size())});
    // Sources that start at the end (every span of theirs was a duplicate) say nothing.
    while (sources.size() > sourcesBefore + 1 && sources.back().firstSpan == sources[sources.size() - 2].firstSpan) {
        sources[sources.size() - 2] = std::move(sources.back());
        sources.pop_back();
    }
    diagnostics.merge(batch.diagnostics);
    changes.addedSpans += hot.size() - spanBase;
    incomingRanges.resize(hot.size(), Range{uint32_t(incoming.size()), 0});

    // Span lists of the traces that got spans, at the end of the pool.
    for (uint32_t t : touched) {
        Trace &tr = traces[t];
        const auto &added = newSpansOf[t];
        const auto at = uint32_t(traceSpans.size());
        reserveMore(traceSpans, tr.spans.count + added.size());
        for (uint32_t i = tr.spans.first; i < tr.spans.end(); ++i)
            traceSpans.push_back(traceSpans[i]);
        m_unusedTraceSpans += tr.spans.count;
        traceSpans.insert(traceSpans.end(), added.begin(), added.end());
        tr.spans = {at, uint32_t(traceSpans.size()) - at};
    }

    // Links: waiting ones whose target arrived, then the new ones.
    std::vector<uint32_t> linked; // traces whose linksIn changed
    for (uint32_t s = spanBase; s < hot.size(); ++s) {
        if (m_waitingLinks.empty())
            break;
        auto [lo, hi] = m_waitingLinks.equal_range(SpanKey{cold[s].traceId, cold[s].spanId});
        if (lo == hi)
            continue;
        for (auto it = lo; it != hi; ++it) {
            links[it->second].target = s;
            addIncoming(it->second);
            ++changes.resolvedLinks;
            if (log)
                log->resolvedLinks.push_back(it->second);
        }
        m_waitingLinks.erase(lo, hi);
        linked.push_back(hot[s].trace);
    }
    for (uint32_t l = firstLink; l < links.size(); ++l) {
        Link &link = links[l];
        link.target = findSpan(link.traceId, link.spanId);
        if (link.target == kNone) {
            m_waitingLinks.emplace(SpanKey{link.traceId, link.spanId}, l);
            continue;
        }
        addIncoming(l);
        linked.push_back(hot[link.target].trace);
    }

    for (uint32_t t : touched)
        summariseTrace(t);
    // Spans that arrived may be the parents other traces' spans waited for
    // only within their own trace, so the touched traces are all there is.
    diagnostics.remove(diag::SpanParentMissing);
    if (m_orphans)
        diagnostics.add(diag::SpanParentMissing,
            std::to_string(m_orphans) + " spans name a parent that is not loaded (yet); they are shown as roots", m_orphans);

    std::vector<uint32_t> changed;
    for (uint32_t t : touched)
        if (t < changes.firstNewTrace)
            changed.push_back(t);
    for (uint32_t t : linked)
        if (t < changes.firstNewTrace)
            changed.push_back(t);
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    if (log)
        log->changedTraces = changed;
    mergeSorted(changes.changedTraces, changed);
    compactLists();
}

void Model::compactLists()
{
    if (m_unusedTraceSpans > traceSpans.size() / 2 || m_unusedServices > traceServices.size() / 2
        || m_unusedIncoming > incoming.size() / 2)
        ++m_listCompactions;
    if (m_unusedTraceSpans > traceSpans.size() / 2) {
        std::vector<uint32_t> out;
        out.reserve(compactedRoom(traceSpans.size() - m_unusedTraceSpans, traceSpans.capacity()));
        adviseHugeCapacity(out);
        for (auto &tr : traces) {
            const auto at = uint32_t(out.size());
            out.insert(out.end(), traceSpans.begin() + tr.spans.first, traceSpans.begin() + tr.spans.end());
            tr.spans.first = at;
        }
        traceSpans = std::move(out);
        m_unusedTraceSpans = 0;
    }
    if (m_unusedServices > traceServices.size() / 2) {
        std::vector<StringId> out;
        out.reserve(compactedRoom(traceServices.size() - m_unusedServices, traceServices.capacity()));
        adviseHugeCapacity(out);
        for (auto &tr : traces) {
            const auto at = uint32_t(out.size());
            out.insert(out.end(), traceServices.begin() + tr.services.first, traceServices.begin() + tr.services.end());
            tr.services.first = at;
        }
        traceServices = std::move(out);
        m_unusedServices = 0;
    }
    if (m_unusedIncoming > incoming.size() / 2) {
        std::vector<uint32_t> out;
        out.reserve(compactedRoom(incoming.size() - m_unusedIncoming, incoming.capacity()));
        adviseHugeCapacity(out);
        for (auto &r : incomingRanges) {
            const auto at = uint32_t(out.size());
            out.insert(out.end(), incoming.begin() + r.first, incoming.begin() + r.end());
            r.first = at;
        }
        incoming = std::move(out);
        m_unusedIncoming = 0;
    }
}

std::vector<uint32_t> Model::oldestTraces(uint64_t maxSpans, uint64_t maxTraces) const
{
    const bool overSpans = maxSpans && hot.size() > maxSpans;
    const bool overTraces = maxTraces && traces.size() > maxTraces;
    if (!overSpans && !overTraces)
        return {};
    // (start, index) pairs: the comparisons read no trace records. Only the
    // oldest few are wanted, so they are selected (linear) and only they
    // sorted; if the estimate falls short, everything is sorted.
    std::vector<std::pair<uint64_t, uint32_t>> order(traces.size());
    for (uint32_t t = 0; t < traces.size(); ++t)
        order[t] = {traces[t].start, t};
    const uint64_t spansOver = overSpans ? hot.size() - maxSpans : 0;
    const uint64_t tracesOver = overTraces ? traces.size() - maxTraces : 0;
    const double perTrace = double(hot.size()) / double(std::max<size_t>(1, traces.size()));
    size_t wanted = size_t(1.25 * std::max(double(tracesOver), double(spansOver) / std::max(1.0, perTrace))) + 64;
    auto covers = [&](size_t prefix) {
        uint64_t spans = 0;
        for (size_t i = 0; i < prefix; ++i)
            spans += traces[order[i].second].spans.count;
        return spans >= spansOver && prefix >= tracesOver;
    };
    if (wanted < order.size()) {
        std::nth_element(order.begin(), order.begin() + std::ptrdiff_t(wanted), order.end());
        std::sort(order.begin(), order.begin() + std::ptrdiff_t(wanted));
        if (!covers(wanted))
            wanted = order.size();
    }
    if (wanted >= order.size())
        std::sort(order.begin(), order.end());
    uint64_t spans = hot.size(), count = traces.size();
    std::vector<uint32_t> drop;
    for (const auto &[start, t] : order) {
        if ((!maxSpans || spans <= maxSpans) && (!maxTraces || count <= maxTraces))
            break;
        drop.push_back(t);
        spans -= traces[t].spans.count;
        count -= 1;
    }
    std::sort(drop.begin(), drop.end());
    return drop;
}

void Model::evictTraces(const std::vector<uint32_t> &dropTraces, ModelChanges &changes)
{
    if (!m_waitingBuilt)
        buildGrowthState();
    if (dropTraces.empty()) {
        changes.firstNewTrace = uint32_t(traces.size());
        changes.firstNewSpan = uint32_t(hot.size());
        return;
    }
    const auto traceCount = uint32_t(traces.size());
    const auto spanCount = uint32_t(hot.size());
    const auto linkCount = uint32_t(links.size());

    // What goes, found from the dropped traces' own lists; nothing before
    // the first removed trace and span moves.
    std::vector<uint32_t> traceMap(traceCount);
    std::iota(traceMap.begin(), traceMap.end(), 0u);
    uint32_t firstTrace = traceCount, firstSpan = spanCount;
    for (uint32_t t : dropTraces) {
        if (t >= traceCount || traceMap[t] == kNone)
            continue;
        traceMap[t] = kNone;
        firstTrace = std::min(firstTrace, t);
        const Trace &tr = traces[t];
        for (uint32_t i = tr.spans.first; i < tr.spans.end(); ++i) {
            const uint32_t span = traceSpans[i];
            firstSpan = std::min(firstSpan, span);
            const SpanCold &c = cold[span];
            --m_scopeSpans[c.scope];
            m_unusedAttributes += c.attributes.count;
            m_unusedEvents += c.events.count;
            for (uint32_t e = c.events.first; e < c.events.end(); ++e)
                m_unusedAttributes += events[e].attributes.count;
            for (uint32_t l = c.links.first; l < c.links.end(); ++l)
                m_unusedAttributes += links[l].attributes.count;
            m_unusedIncoming += incomingRanges[span].count;
        }
        m_unusedTraceSpans += tr.spans.count;
        m_unusedServices += tr.services.count;
        changes.evictedTraces.push_back(t);
    }
    std::sort(changes.evictedTraces.begin(), changes.evictedTraces.end());
    changes.evictedTraces.erase(std::unique(changes.evictedTraces.begin(), changes.evictedTraces.end()), changes.evictedTraces.end());
    uint32_t keptTraces = firstTrace;
    for (uint32_t t = firstTrace; t < traceCount; ++t)
        traceMap[t] = traceMap[t] == kNone ? kNone : keptTraces++;
    std::vector<uint32_t> spanMap(spanCount);
    std::iota(spanMap.begin(), spanMap.begin() + firstSpan, 0u);
    uint32_t keptSpans = firstSpan;
    for (uint32_t s = firstSpan; s < spanCount; ++s)
        spanMap[s] = traceMap[hot[s].trace] == kNone ? kNone : keptSpans++;
    changes.evictedSpans += spanCount - keptSpans;

    // Scopes no kept span uses go, and resources no kept scope uses.
    std::vector<uint32_t> scopeMap;
    uint32_t firstScope = uint32_t(scopes.size());
    {
        std::vector<uint32_t> resourceMap(resources.size(), kNone);
        for (uint32_t i = 0; i < scopes.size(); ++i)
            if (m_scopeSpans[i])
                resourceMap[scopes[i].resource] = 0;
            else
                firstScope = std::min(firstScope, i);
        const bool resourceUnused = std::find(resourceMap.begin(), resourceMap.end(), kNone) != resourceMap.end();
        if (firstScope < scopes.size() || resourceUnused) {
            uint32_t out = 0;
            for (uint32_t i = 0; i < resources.size(); ++i) {
                if (resourceMap[i] == kNone) {
                    m_unusedAttributes += resources[i].attributes.count;
                    continue;
                }
                resources[out] = resources[i];
                resourceMap[i] = out++;
            }
            resources.resize(out);
            scopeMap.assign(scopes.size(), kNone);
            out = 0;
            for (uint32_t i = 0; i < scopes.size(); ++i) {
                if (!m_scopeSpans[i]) {
                    m_unusedAttributes += scopes[i].attributes.count;
                    continue;
                }
                Scope sc = scopes[i];
                sc.resource = resourceMap[sc.resource];
                scopes[out] = sc;
                m_scopeSpans[out] = m_scopeSpans[i];
                scopeMap[i] = out++;
            }
            scopes.resize(out);
            m_scopeSpans.resize(out);
            for (uint32_t s = 0; s < firstSpan; ++s)
                if (cold[s].scope >= firstScope)
                    cold[s].scope = scopeMap[cold[s].scope];
        }
    }

    // Spans and their links from the first removed span on, moved down in
    // order. Links are stored in span order, so theirs start there too.
    const uint32_t firstLink = firstSpan < spanCount ? cold[firstSpan].links.first : linkCount;
    std::vector<uint32_t> linkMap(linkCount);
    std::iota(linkMap.begin(), linkMap.begin() + firstLink, 0u);
    uint32_t keptLinks = firstLink;
    for (uint32_t s = firstSpan; s < spanCount; ++s) {
        const uint32_t to = spanMap[s];
        const Range lr = cold[s].links;
        if (to == kNone) {
            for (uint32_t l = lr.first; l < lr.end(); ++l)
                linkMap[l] = kNone;
            continue;
        }
        SpanHot h = hot[s];
        h.trace = traceMap[h.trace];
        h.parent = h.parent == kNone ? kNone : spanMap[h.parent];
        const uint32_t linksAt = keptLinks;
        for (uint32_t l = lr.first; l < lr.end(); ++l) {
            linkMap[l] = keptLinks;
            if (keptLinks != l)
                links[keptLinks] = links[l];
            links[keptLinks++].from = to;
        }
        hot[to] = h;
        if (to != s) {
            cold[to] = cold[s];
            incomingRanges[to] = incomingRanges[s];
        }
        cold[to].links.first = linksAt;
        if (cold[to].scope >= firstScope)
            cold[to].scope = scopeMap[cold[to].scope];
    }
    hot.resize(keptSpans);
    cold.resize(keptSpans);
    incomingRanges.resize(keptSpans);
    links.resize(keptLinks);

    // Every kept link's target, and the links whose target went wait for it.
    std::vector<uint32_t> nowWaiting;
    for (uint32_t l = 0; l < keptLinks; ++l) {
        Link &link = links[l];
        if (link.target == kNone || link.target < firstSpan)
            continue;
        link.target = spanMap[link.target];
        if (link.target == kNone)
            nowWaiting.push_back(l);
    }
    for (auto it = m_waitingLinks.begin(); it != m_waitingLinks.end();) {
        const uint32_t l = it->second < linkCount ? linkMap[it->second] : kNone;
        if (l == kNone) {
            it = m_waitingLinks.erase(it);
        } else {
            it->second = l;
            ++it;
        }
    }
    for (uint32_t l : nowWaiting)
        m_waitingLinks.emplace(SpanKey{links[l].traceId, links[l].spanId}, l);

    // Traces from the first removed one on, moved down.
    for (uint32_t t = firstTrace; t < traceCount; ++t) {
        const uint32_t to = traceMap[t];
        if (to != kNone && to != t) {
            traces[to] = traces[t];
            m_traceOrphans[to] = m_traceOrphans[t];
        }
    }
    traces.resize(keptTraces);
    m_traceOrphans.resize(keptTraces);
    if (firstTrace < traceCount)
        m_traceIndex.rebuild(traces);
    m_orphans = 0;
    for (uint32_t t = 0; t < keptTraces; ++t) {
        Trace &tr = traces[t];
        m_orphans += m_traceOrphans[t];
        if (tr.root != kNone && tr.root >= firstSpan)
            tr.root = spanMap[tr.root];
        for (uint32_t i = tr.spans.first; i < tr.spans.end(); ++i)
            if (traceSpans[i] >= firstSpan)
                traceSpans[i] = spanMap[traceSpans[i]];
    }

    // Incoming lists: links from removed spans leave them, in place.
    std::vector<uint32_t> lostLinks; // traces whose linksIn dropped
    for (uint32_t s = 0; s < keptSpans; ++s) {
        Range &r = incomingRanges[s];
        uint32_t out = r.first;
        for (uint32_t i = r.first; i < r.end(); ++i) {
            const uint32_t l = incoming[i] < firstLink ? incoming[i] : linkMap[incoming[i]];
            if (l != kNone)
                incoming[out++] = l;
        }
        const uint32_t lost = r.end() - out;
        if (!lost)
            continue;
        r.count -= lost;
        m_unusedIncoming += lost;
        if (r.count == 0)
            hot[s].hasLinks &= 1;
        Trace &tr = traces[hot[s].trace];
        tr.linksIn -= lost;
        lostLinks.push_back(hot[s].trace);
    }
    std::sort(lostLinks.begin(), lostLinks.end());
    lostLinks.erase(std::unique(lostLinks.begin(), lostLinks.end()), lostLinks.end());
    changes.changedTraces.insert(changes.changedTraces.end(), lostLinks.begin(), lostLinks.end());

    // Sources: each starts at its first kept span.
    for (auto &source : sources) {
        uint32_t first = source.firstSpan;
        while (first < spanCount && spanMap[first] == kNone)
            ++first;
        source.firstSpan = first < spanCount ? spanMap[first] : keptSpans;
    }

    // The span indexes, with kept spans renumbered.
    if (!m_spanIndex.empty()) {
        std::erase_if(m_spanIndex, [&spanMap](const SpanIndexEntry &e) { return spanMap[e.span] == kNone; });
        for (auto &e : m_spanIndex)
            e.span = spanMap[e.span];
    }
    m_appendedSpans.renumber(spanMap, firstSpan, keptSpans);

    diagnostics.remove(diag::SpanParentMissing);
    if (m_orphans)
        diagnostics.add(diag::SpanParentMissing,
            std::to_string(m_orphans) + " spans name a parent that is not loaded (yet); they are shown as roots", m_orphans);
    compactLists();
    // Strings are compacted once the pool has doubled since the last time,
    // the other pools once half of them is unused: the cost stays
    // proportional to what arrived.
    const bool compactStrings = strings.size() > 2 * std::max<size_t>(m_stringsAtCompaction, 4096);
    if (compactStrings || m_unusedAttributes > attributes.size() / 2 || m_unusedEvents > events.size() / 2)
        compactPools(compactStrings);
    changes.firstNewTrace = uint32_t(traces.size());
    changes.firstNewSpan = uint32_t(hot.size());
}

void Model::compactPools(bool compactStrings)
{
    StringPool newStrings;
    std::vector<StringId> stringMap;
    if (compactStrings)
        stringMap.assign(strings.size(), kNone);
    auto sid = [&](StringId id) {
        if (!compactStrings)
            return id;
        if (stringMap[id] == kNone)
            stringMap[id] = newStrings.intern(strings.view(id));
        return stringMap[id];
    };

    // Attribute and value pools: what kept records use, copied in order.
    std::vector<Attribute> newAttributes;
    std::vector<Value> newValues;
    newAttributes.reserve(compactedRoom(attributes.size() - std::min(attributes.size(), m_unusedAttributes), attributes.capacity()));
    newValues.reserve(compactedRoom(values.size(), values.capacity()));
    adviseHugeCapacity(newAttributes);
    adviseHugeCapacity(newValues);
    std::function<Value(Value)> copyValue;
    auto copyAttributes = [&](Range r) {
        const auto at = uint32_t(newAttributes.size());
        newAttributes.resize(newAttributes.size() + r.count);
        for (uint32_t i = 0; i < r.count; ++i) {
            const Attribute &a = attributes[r.first + i];
            const Value v = a.value.type == ValueType::KvList || a.value.type == ValueType::Array || compactStrings
                ? copyValue(a.value) : a.value;
            newAttributes[at + i] = {sid(a.key), v};
        }
        return Range{at, r.count};
    };
    copyValue = [&](Value v) -> Value {
        switch (v.type) {
        case ValueType::String:
        case ValueType::Bytes:
            v.str = sid(v.str);
            break;
        case ValueType::KvList:
            v.range = copyAttributes(v.range);
            break;
        case ValueType::Array: {
            const Range r = v.range;
            const auto at = uint32_t(newValues.size());
            newValues.resize(newValues.size() + r.count);
            for (uint32_t i = 0; i < r.count; ++i) {
                const Value inner = copyValue(values[r.first + i]);
                newValues[at + i] = inner;
            }
            v.range = {at, r.count};
            break;
        }
        default:
            break;
        }
        return v;
    };

    // Scopes and resources the kept spans use: those with spans (the
    // counts are kept up to date as spans come and go; a pass over every
    // span record to find them cost as much as copying the attributes).
    std::vector<uint32_t> scopeMap(scopes.size(), kNone), resourceMap(resources.size(), kNone);
    for (uint32_t i = 0; i < scopes.size(); ++i)
        if (m_scopeSpans[i])
            scopeMap[i] = 0;
    for (uint32_t i = 0; i < scopes.size(); ++i)
        if (scopeMap[i] != kNone)
            resourceMap[scopes[i].resource] = 0;
    {
        uint32_t out = 0;
        for (uint32_t i = 0; i < resources.size(); ++i) {
            if (resourceMap[i] == kNone)
                continue;
            Resource r = resources[i];
            r.attributes = copyAttributes(r.attributes);
            r.schemaUrl = sid(r.schemaUrl);
            r.serviceName = sid(r.serviceName);
            resources[out] = r;
            resourceMap[i] = out++;
        }
        resources.resize(out);
        out = 0;
        for (uint32_t i = 0; i < scopes.size(); ++i) {
            if (scopeMap[i] == kNone)
                continue;
            Scope s = scopes[i];
            s.resource = resourceMap[s.resource];
            s.name = sid(s.name);
            s.version = sid(s.version);
            s.attributes = copyAttributes(s.attributes);
            s.schemaUrl = sid(s.schemaUrl);
            scopes[out] = s;
            m_scopeSpans[out] = m_scopeSpans[i];
            scopeMap[i] = out++;
        }
        scopes.resize(out);
        m_scopeSpans.resize(out);
    }

    // Spans' attributes and events, links' attributes, in order.
    std::vector<Event> newEvents;
    newEvents.reserve(compactedRoom(events.size() - std::min(events.size(), m_unusedEvents), events.capacity()));
    adviseHugeCapacity(newEvents);
    for (uint32_t s = 0; s < hot.size(); ++s) {
        SpanCold &c = cold[s];
        if (compactStrings) {
            SpanHot &h = hot[s];
            h.name = sid(h.name);
            h.service = sid(h.service);
        }
        c.scope = scopeMap[c.scope];
        c.traceState = sid(c.traceState);
        c.statusMessage = sid(c.statusMessage);
        c.attributes = copyAttributes(c.attributes);
        const auto eventsAt = uint32_t(newEvents.size());
        for (uint32_t e = c.events.first; e < c.events.end(); ++e) {
            Event ev = events[e];
            ev.name = sid(ev.name);
            ev.attributes = copyAttributes(ev.attributes);
            newEvents.push_back(ev);
        }
        c.events.first = eventsAt;
        for (uint32_t l = c.links.first; l < c.links.end(); ++l) {
            Link &link = links[l];
            link.traceState = sid(link.traceState);
            link.attributes = copyAttributes(link.attributes);
        }
    }
    events = std::move(newEvents);
    attributes = std::move(newAttributes);
    values = std::move(newValues);
    if (compactStrings) {
        for (auto &id : traceServices)
            id = sid(id);
        strings = std::move(newStrings);
        m_stringsAtCompaction = strings.size();
        ++m_stringCompactions;
    }
    ++m_poolCompactions;
    m_unusedAttributes = m_unusedEvents = 0;
}

} // namespace causeway
