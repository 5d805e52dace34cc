#include "core/model.h"
#include "core/hugepages.h"
#include "core/tracesummary.h"

#include <algorithm>
#include <type_traits>
#include <bit>
#include <chrono>
#include <cstring>
#include <exception>
#include <memory>
#include <numeric>
#include <system_error>
#include <thread>

namespace causeway {

namespace {
// Appends `from` to `to` in one copy and says where the copies lie, for a
// MergePatch to fix them there. The records are trivially copyable, so the
// copy is one memmove; appending them one by one (push_back) cost a capacity
// check and a store of the vector's end per record, in the merge that sets
// the pace of a protobuf load.
template<typename Vector, typename Appended>
void appendRaw(Vector &to, const Vector &from, Appended &appended)
{
    static_assert(std::is_trivially_copyable_v<typename Vector::value_type>);
    reserveMore(to, from.size());
    const size_t base = to.size();
    to.insert(to.end(), from.begin(), from.end());
    appended.first = to.data() + base;
    appended.count = from.size();
}
template<typename Vector>
bool appendMoves(const Vector &to, const Vector &from)
{
    return to.size() + from.size() > to.capacity();
}
// Bytes i..i+7 of an id as a big-endian number: comparing these compares
// the bytes in order, without a call to memcmp per comparison (the sort and
// the lookups of finalize() make tens of millions).
inline uint64_t word(const uint8_t *bytes)
{
    uint64_t w;
    std::memcpy(&w, bytes, 8);
    return __builtin_bswap64(w);
}
bool keyLess(const SpanKey &a, const SpanKey &b)
{
    const uint64_t a0 = word(a.trace.bytes.data()), b0 = word(b.trace.bytes.data());
    if (a0 != b0)
        return a0 < b0;
    const uint64_t a1 = word(a.trace.bytes.data() + 8), b1 = word(b.trace.bytes.data() + 8);
    if (a1 != b1)
        return a1 < b1;
    return word(a.span.bytes.data()) < word(b.span.bytes.data());
}
bool keyEqual(const SpanKey &a, const SpanKey &b)
{
    return word(a.trace.bytes.data()) == word(b.trace.bytes.data())
        && word(a.trace.bytes.data() + 8) == word(b.trace.bytes.data() + 8)
        && word(a.span.bytes.data()) == word(b.span.bytes.data());
}

// splitmix64's finaliser: one-to-one on 64-bit words, and every input bit
// moves about half the output bits.
inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}
// Chosen once per process: without it, ids could be picked to land on one
// hash and make every lookup among them a linear walk.
uint64_t hashSeed()
{
    static const uint64_t seed = [] {
        static int where;
        return mix64(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count())
                     ^ uint64_t(reinterpret_cast<uintptr_t>(&where)));
    }();
    return seed;
}

// Runs a and b, on two threads when there is enough work (`items`) to pay
// for starting one (`from` items: a few ms of a pass that touches each item
// once, sequentially). They must touch disjoint data.
constexpr size_t kParallelFrom = 200000;
// Items that each take a lookup in the span index (a cache miss or two):
// 45,000 links took 3 ms to resolve on one thread, a thread's start 0.1 ms.
constexpr size_t kParallelLookupsFrom = 16384;
template<typename A, typename B>
void inParallel(size_t items, A &&a, B &&b, size_t from = kParallelFrom)
{
    if (items < from || std::thread::hardware_concurrency() < 2) {
        a();
        b();
        return;
    }
    std::exception_ptr failed; // std::bad_alloc on the other thread, rethrown here
    std::thread other;
    try {
        other = std::thread([&] {
            try {
                b();
            } catch (...) {
                failed = std::current_exception();
            }
        });
    } catch (const std::system_error &) {
        a(); // no thread to be had: do both here
        b();
        return;
    }
    try {
        a();
    } catch (...) {
        other.join();
        throw;
    }
    other.join();
    if (failed)
        std::rethrow_exception(failed);
}

} // namespace

void Diagnostics::add(const Diagnostic &item)
{
    for (auto &d : m_items) {
        if (d.code == item.code) {
            d.count += item.count;
            if (item.severity > d.severity)
                d.severity = item.severity;
            for (size_t i = 0; i < item.places.size() && d.places.size() < Diagnostic::kKeptPlaces; ++i)
                d.places.push_back(item.places[i]);
            return;
        }
    }
    m_items.push_back(item);
}

void Diagnostics::add(const DiagnosticCode &code, std::string_view firstMessage, uint64_t n)
{
    for (auto &d : m_items) {
        if (d.code == code.code) {
            d.count += n;
            if (d.places.size() < Diagnostic::kKeptPlaces && !firstMessage.empty())
                d.places.emplace_back(firstMessage);
            return;
        }
    }
    Diagnostic d;
    d.severity = code.severity;
    d.code = std::string(code.code);
    d.count = n;
    d.message = std::string(firstMessage);
    d.loss = code.loss;
    if (!firstMessage.empty())
        d.places.emplace_back(firstMessage);
    m_items.push_back(std::move(d));
}

void Diagnostics::merge(const Diagnostics &other)
{
    for (const auto &d : other.m_items)
        add(d);
}

void Diagnostics::remove(const DiagnosticCode &code)
{
    std::erase_if(m_items, [&code](const Diagnostic &d) { return d.code == code.code; });
}

bool Diagnostics::keepsMorePlaces(const DiagnosticCode &code) const
{
    for (const auto &d : m_items)
        if (d.code == code.code)
            return d.places.size() < Diagnostic::kKeptPlaces;
    return true;
}

uint64_t Diagnostics::count(const DiagnosticCode &code) const
{
    for (const auto &d : m_items)
        if (d.code == code.code)
            return d.count;
    return 0;
}

const Diagnostic *Diagnostics::find(const DiagnosticCode &code) const
{
    for (const auto &d : m_items)
        if (d.code == code.code)
            return &d;
    return nullptr;
}

uint64_t Diagnostics::count(Loss loss, std::string *firstMessage) const
{
    uint64_t n = 0;
    for (const auto &d : m_items) {
        if (d.loss != loss)
            continue;
        if (firstMessage && n == 0)
            *firstMessage = d.message;
        n += d.count;
    }
    return n;
}

uint32_t Model::findTrace(const TraceId &id) const
{
    return m_traceIndex.find(id, traces);
}

void Model::TraceTable::clear()
{
    m_slots.clear();
    m_size = 0;
    m_shift = 64;
}

void Model::TraceTable::place(uint64_t hash, uint32_t trace)
{
    const size_t mask = m_slots.size() - 1;
    size_t i = slotOf(hash);
    while (m_slots[i].trace != kNone)
        i = (i + 1) & mask;
    m_slots[i] = {tagOf(hash), trace};
}

void Model::TraceTable::addLast(const std::vector<Trace> &traces)
{
    if (2 * traces.size() > m_slots.size()) {
        rebuild(traces);
        return;
    }
    place(traces.back().id.hash(), uint32_t(traces.size() - 1));
    ++m_size;
}

void Model::TraceTable::rebuild(const std::vector<Trace> &traces)
{
    // At most half full after a growth, a quarter full after a rebuild
    // from scratch: room for as many traces again before the next one.
    size_t want = 16;
    unsigned bits = 4;
    while (want < 4 * traces.size()) {
        want *= 2;
        ++bits;
    }
    if (m_slots.size() == want)
        std::fill(m_slots.begin(), m_slots.end(), Slot{});
    else
        m_slots.assign(want, Slot{});
    m_shift = 64 - bits;
    for (uint32_t t = 0; t < traces.size(); ++t)
        place(traces[t].id.hash(), t);
    m_size = traces.size();
}

uint32_t Model::sameTrace(const Model &other, uint32_t index) const
{
    if (index >= other.traces.size())
        return kNone;
    return &other == this ? index : findTrace(other.traces[index].id);
}

uint32_t Model::sameSpan(const Model &other, uint32_t index) const
{
    if (index >= other.spanCount())
        return kNone;
    return &other == this ? index : findSpan(other.cold[index].traceId, other.cold[index].spanId);
}

uint32_t Model::findSpan(const TraceId &t, const SpanId &s) const
{
    const uint32_t found = findIndexed(t, s);
    if (found != kNone || m_spanIndex.size() >= hot.size())
        return found;
    // Spans appended since finalize(): those of a large trace are in the
    // span table (a miss there is a miss), a small trace is searched in its
    // own list.
    const uint32_t trace = findTrace(t);
    if (trace == kNone || traces[trace].spans.count > kScannedSpans)
        return kNone;
    const Trace &tr = traces[trace];
    for (uint32_t i = tr.spans.first; i < tr.spans.end(); ++i)
        if (cold[traceSpans[i]].spanId == s)
            return traceSpans[i];
    return kNone;
}

uint32_t Model::findIndexed(const TraceId &t, const SpanId &s) const
{
    const uint64_t h = spanKeyHash(t, s);
    auto it = m_spanIndex.begin(), last = m_spanIndex.end();
    if (m_spanIndex.bucketsValid()) {
        const size_t b = size_t(h >> m_spanIndex.shift);
        last = m_spanIndex.begin() + m_spanIndex.buckets[b + 1];
        for (it = m_spanIndex.begin() + m_spanIndex.buckets[b]; it != last && it->hash() < h; ++it) {
        }
    } else {
        it = std::lower_bound(it, last, h, [](const SpanIndexEntry &e, uint64_t hash) { return e.hash() < hash; });
    }
    for (; it != last && it->hash() == h; ++it) {
        const SpanCold &c = cold[it->span];
        if (c.spanId == s && c.traceId == t)
            return it->span;
    }
    if (m_appendedSpans.empty())
        return kNone;
    return m_appendedSpans.find(h, [&](uint32_t span) { return cold[span].spanId == s && cold[span].traceId == t; });
}

template<typename Key, typename Found>
void Model::findSpans(uint32_t from, uint32_t to, const Key &key, const Found &found) const
{
    const TraceId *t = nullptr;
    const SpanId *s = nullptr;
    if (!m_spanIndex.bucketsValid() || m_spanIndex.size() < hot.size()) {
        for (uint32_t i = from; i < to; ++i)
            if (key(i, t, s))
                found(i, findSpan(*t, *s));
        return;
    }
    // Four stages kAhead items apart: hash and fetch the bucket; read the
    // bucket and fetch its entries; find the first entry of the hash and
    // fetch its span's ids; compare them. Each stage's memory was asked for
    // a stage before, so the lookups' cache misses (bucket, entries, the
    // span's record) overlap instead of following one another.
    constexpr uint64_t kAhead = 8, kRing = 4 * kAhead; // the ring holds every item in flight
    struct Pending
    {
        uint64_t hash;
        uint32_t first; // bucket stage: the bucket's first entry; entry stage: the hash's first entry
        bool wanted;
    };
    Pending ring[kRing];
    const uint32_t shift = m_spanIndex.shift;
    const uint32_t *buckets = m_spanIndex.buckets.data();
    const SpanIndexEntry *entries = m_spanIndex.data();
    const SpanCold *records = cold.data();
    for (uint64_t i = from; i < uint64_t(to) + 3 * kAhead; ++i) {
        if (i < to) {
            Pending &p = ring[i % kRing];
            p.wanted = key(uint32_t(i), t, s);
            if (p.wanted) {
                p.hash = spanKeyHash(*t, *s);
                __builtin_prefetch(buckets + (p.hash >> shift));
            }
        }
        if (i >= from + kAhead && i - kAhead < to) {
            Pending &p = ring[(i - kAhead) % kRing];
            if (p.wanted) {
                p.first = buckets[p.hash >> shift];
                __builtin_prefetch(entries + p.first);
            }
        }
        if (i >= from + 2 * kAhead && i - 2 * kAhead < to) {
            Pending &p = ring[(i - 2 * kAhead) % kRing];
            if (p.wanted) {
                const SpanIndexEntry *e = entries + p.first, *last = entries + buckets[(p.hash >> shift) + 1];
                while (e != last && e->hash() < p.hash)
                    ++e;
                p.first = uint32_t(e - entries);
                if (e != last && e->hash() == p.hash)
                    __builtin_prefetch(records + e->span);
            }
        }
        if (i < from + 3 * kAhead)
            continue;
        const auto j = uint32_t(i - 3 * kAhead);
        const Pending &p = ring[j % kRing];
        if (!p.wanted)
            continue;
        key(j, t, s);
        const SpanIndexEntry *e = entries + p.first, *last = entries + buckets[(p.hash >> shift) + 1];
        uint32_t span = kNone;
        for (; e != last && e->hash() == p.hash; ++e) {
            const SpanCold &c = records[e->span];
            if (c.spanId == *s && c.traceId == *t) {
                span = e->span;
                break;
            }
        }
        found(j, span);
    }
}

void Model::SpanIndex::buildBuckets()
{
    // Two to four entries per bucket: the directory costs one or two bytes per span.
    uint32_t bits = 1;
    while (bits < 40 && (size_t(1) << (bits + 2)) < size())
        ++bits;
    shift = 64 - bits;
    buckets.assign((size_t(1) << bits) + 1, 0);
    // Entries are sorted by hash, so each bucket's first entry is where the
    // previous buckets' counts end.
    for (const SpanIndexEntry &e : *this)
        ++buckets[size_t(e.hash() >> shift) + 1];
    for (size_t b = 1; b < buckets.size(); ++b)
        buckets[b] += buckets[b - 1];
    builtFor = size();
}

uint64_t Model::traceIdMix(const TraceId &t)
{
    uint64_t w0, w1;
    std::memcpy(&w0, t.bytes.data(), 8);
    std::memcpy(&w1, t.bytes.data() + 8, 8);
    return mix64(mix64(w0 ^ hashSeed()) ^ w1);
}

uint64_t Model::spanKeyHash(const TraceId &t, const SpanId &s)
{
    uint64_t w;
    std::memcpy(&w, s.bytes.data(), 8);
    return mix64(traceIdMix(t) ^ w);
}

void Model::merge(Model &&other)
{
    mergeReusing(other);
    other = Model();
}

void Model::clearKeepingCapacity()
{
    // Everything else (indexes a fragment never has, members added later)
    // goes back to a fresh model's state.
    auto keep = [](auto &v) { auto kept = std::move(v); kept.clear(); return kept; };
    auto r = keep(resources);
    auto sc = keep(scopes);
    auto h = keep(hot);
    auto c = keep(cold);
    auto e = keep(events);
    auto l = keep(links);
    auto a = keep(attributes);
    auto v = keep(values);
    StringPool pool = std::move(strings);
    pool.clear();
    *this = Model();
    resources = std::move(r);
    scopes = std::move(sc);
    hot = std::move(h);
    cold = std::move(c);
    events = std::move(e);
    links = std::move(l);
    attributes = std::move(a);
    values = std::move(v);
    strings = std::move(pool);
}

Model::Sizes Model::sizes() const
{
    return {resources.size(), scopes.size(), hot.size(), events.size(), links.size(), attributes.size(), values.size()};
}

namespace {
// f(pool, count) for each record pool and its count in `n`.
template<typename F>
void forEachPool(Model &m, const Model::Sizes &n, F &&f)
{
    f(m.resources, n.resources);
    f(m.scopes, n.scopes);
    f(m.hot, n.spans);
    f(m.cold, n.spans);
    f(m.events, n.events);
    f(m.links, n.links);
    f(m.attributes, n.attributes);
    f(m.values, n.values);
}
} // namespace

void Model::reserveLike(const Sizes &before, double factor)
{
    forEachPool(*this, before, [factor](auto &v, size_t was) {
        const size_t added = v.size() > was ? v.size() - was : 0;
        // Advised as huge before the records already there are copied
        // in: copying them first took the pages one 4 KB fault at a time.
        reserveHuge(v, size_t(double(v.size()) + double(added) * factor));
    });
    // Not the string index: repeated strings (keys, names) make the first
    // part's count a poor guess of the rest's, and its table is touched
    // whole, so an overestimate would cost resident memory.
}

void Model::reserveFaultedIn(const Sizes &counts)
{
    forEachPool(*this, counts, [](auto &v, size_t want) {
        if (want <= v.capacity())
            return;
        reserveHuge(v, want);
        prefaultForWrite(v.data() + v.size(), (v.capacity() - v.size()) * sizeof(v[0]));
    });
}

namespace {
// What a merge rewrites in each kind of record: string ids through the map,
// indices shifted by where the pools' records now start. Held in a local,
// so that the stores into the records cannot alias the map and the bases.
struct Fixer
{
    const StringId *map;
    uint32_t resourceBase, scopeBase, spanBase, eventBase, linkBase, attrBase, valueBase;

    static Range shifted(Range r, uint32_t base) { return {r.first + base, r.count}; }
    Value fixed(Value v) const
    {
        switch (v.type) {
        case ValueType::String:
        case ValueType::Bytes:
            v.str = map[v.str];
            break;
        case ValueType::Array:
            v.range = shifted(v.range, valueBase);
            break;
        case ValueType::KvList:
            v.range = shifted(v.range, attrBase);
            break;
        default:
            break;
        }
        return v;
    }
    void operator()(Attribute &a) const
    {
        a.key = map[a.key];
        a.value = fixed(a.value);
    }
    void operator()(Value &v) const { v = fixed(v); }
    void operator()(Resource &r) const
    {
        r.attributes = shifted(r.attributes, attrBase);
        r.schemaUrl = map[r.schemaUrl];
        r.serviceName = map[r.serviceName];
    }
    void operator()(Scope &s) const
    {
        s.resource += resourceBase;
        s.name = map[s.name];
        s.version = map[s.version];
        s.attributes = shifted(s.attributes, attrBase);
        s.schemaUrl = map[s.schemaUrl];
    }
    void operator()(SpanHot &h) const
    {
        h.name = map[h.name];
        h.service = map[h.service];
        h.trace = kNone;
        h.parent = kNone;
        h.depth = 0;
    }
    void operator()(SpanCold &c) const
    {
        c.scope += scopeBase;
        c.traceState = map[c.traceState];
        c.statusMessage = map[c.statusMessage];
        c.attributes = shifted(c.attributes, attrBase);
        c.events = shifted(c.events, eventBase);
        c.links = shifted(c.links, linkBase);
    }
    void operator()(Event &e) const
    {
        e.name = map[e.name];
        e.attributes = shifted(e.attributes, attrBase);
    }
    void operator()(Link &l) const
    {
        l.from += spanBase;
        l.traceState = map[l.traceState];
        l.attributes = shifted(l.attributes, attrBase);
        l.target = kNone;
    }
};
} // namespace

template<typename T>
void Model::MergePatch::patch(const Appended<T> &appended) const
{
    const Fixer fix{m_map.data(), m_resourceBase, m_scopeBase, m_spanBase, m_eventBase, m_linkBase, m_attrBase, m_valueBase};
    T *p = appended.first;
    for (size_t i = 0, n = appended.count; i < n; ++i)
        fix(p[i]);
}

void Model::mergeReusing(Model &other)
{
    appendMerged(other, true);
}

bool Model::mergeMoves(const Model &other) const
{
    return (hot.empty() && resources.empty() && strings.size() == 1) || appendMoves(attributes, other.attributes)
        || appendMoves(values, other.values) || appendMoves(resources, other.resources) || appendMoves(scopes, other.scopes)
        || appendMoves(hot, other.hot) || appendMoves(cold, other.cold) || appendMoves(events, other.events)
        || appendMoves(links, other.links);
}

Model::MergePatch Model::appendMerged(Model &other, bool patchNow)
{
    MergePatch patch;
    if (hot.empty() && resources.empty() && strings.size() == 1) {
        Diagnostics kept = std::move(diagnostics);
        *this = std::move(other);
        kept.merge(diagnostics);
        diagnostics = std::move(kept);
        other = Model();
        return patch;
    }

    patch.m_map = strings.internAll(other.strings);
    patch.m_resourceBase = uint32_t(resources.size());
    patch.m_scopeBase = uint32_t(scopes.size());
    patch.m_spanBase = uint32_t(hot.size());
    patch.m_eventBase = uint32_t(events.size());
    patch.m_linkBase = uint32_t(links.size());
    patch.m_attrBase = uint32_t(attributes.size());
    patch.m_valueBase = uint32_t(values.size());
    auto append = [&](auto &to, const auto &from, auto &appended) {
        appendRaw(to, from, appended);
        if (patchNow) {
            patch.patch(appended);
            appended = {};
        }
    };
    append(attributes, other.attributes, patch.m_attributes);
    append(values, other.values, patch.m_values);
    append(resources, other.resources, patch.m_resources);
    append(scopes, other.scopes, patch.m_scopes);
    append(hot, other.hot, patch.m_hot);
    append(cold, other.cold, patch.m_cold);
    append(events, other.events, patch.m_events);
    append(links, other.links, patch.m_links);
    if (!sources.empty() && !sources.back().name.empty() && (other.sources.empty() || other.sources.front().firstSpan != 0))
        sources.push_back({std::string(), patch.m_spanBase}); // spans of no named source (live data)
    for (auto &source : other.sources) {
        source.firstSpan += patch.m_spanBase;
        sources.push_back(std::move(source));
    }
    diagnostics.merge(other.diagnostics);
    other.clearKeepingCapacity();
    return patch;
}

size_t Model::MergePatch::records() const
{
    return m_attributes.count + m_values.count + m_resources.count + m_scopes.count + m_hot.count + m_cold.count
        + m_events.count + m_links.count;
}

void Model::MergePatch::apply() const
{
    patch(m_attributes);
    patch(m_values);
    patch(m_resources);
    patch(m_scopes);
    patch(m_hot);
    patch(m_cold);
    patch(m_events);
    patch(m_links);
}

const SourceFile *Model::sourceOf(uint32_t span) const
{
    auto it = std::upper_bound(sources.begin(), sources.end(), span,
        [](uint32_t s, const SourceFile &f) { return s < f.firstSpan; });
    return it == sources.begin() ? nullptr : &*(it - 1);
}

const SourceFile *Model::sourceOfTrace(uint32_t trace) const
{
    if (trace >= traces.size() || traces[trace].spans.count == 0)
        return nullptr;
    return sourceOf(traceSpans[traces[trace].spans.first]);
}

void Model::finalize()
{
    const auto n = uint32_t(hot.size());
    // Everything is derived again from the records: what growing kept goes.
    m_appendedSpans.clear();
    m_waitingLinks.clear();
    m_waitingBuilt = false;
    m_traceOrphans.clear();
    m_unusedTraceSpans = m_unusedServices = m_unusedIncoming = 0;
    m_unusedAttributes = m_unusedEvents = 0;
    m_scopeSpans.clear();
    // The diagnostics finalize() derives are recomputed on every call.
    for (const DiagnosticCode *code : {&diag::SpanParentSelf, &diag::SpanParentMissing, &diag::SpanParentCycle, &diag::SpanDepthCapped})
        diagnostics.remove(*code);

    // 1. Identity: the first copy of a (trace id, span id) wins.
    reserveHuge(m_spanIndex, n);
    m_spanIndex.resize(n);
    {
        const auto less = [](const SpanIndexEntry &a, const SpanIndexEntry &b) {
            return a.hash() != b.hash() ? a.hash() < b.hash() : a.span < b.span;
        };
        // The hashes are uniform, so one counting pass by their top bits
        // leaves buckets of a few entries, each sorted on its own: a third
        // of the work of sorting the whole range. (hash, span) is a total
        // order, so the result is the one a single sort gives.
        const int bits = n < 8192 ? 0 : std::min(16, int(std::bit_width(n / 8)));
        if (bits == 0) {
            for (uint32_t i = 0; i < n; ++i) {
                const uint64_t h = spanKeyHash(cold[i].traceId, cold[i].spanId);
                m_spanIndex[i] = {uint32_t(h >> 32), uint32_t(h), i};
            }
            std::sort(m_spanIndex.begin(), m_spanIndex.end(), less);
        } else {
            // Two threads, each in three steps: hash and count a half of
            // the spans; place that half's entries in the buckets; sort a
            // half of the buckets. A bucket takes the first half's entries
            // before the second's, so each bucket is sorted from span order,
            // and no merge of two sorted halves is left for one thread.
            const int shift = 64 - bits;
            const size_t buckets = size_t(1) << bits;
            const uint32_t half = n / 2;
            std::unique_ptr<SpanIndexEntry[]> hashed(new SpanIndexEntry[n]); // written whole below
            adviseHugePages(hashed.get(), size_t(n) * sizeof(SpanIndexEntry));
            std::vector<uint32_t> counts[2] = {std::vector<uint32_t>(buckets, 0), std::vector<uint32_t>(buckets, 0)};
            const auto hashRange = [&](uint32_t from, uint32_t to, std::vector<uint32_t> &count) {
                for (uint32_t i = from; i < to; ++i) {
                    const uint64_t h = spanKeyHash(cold[i].traceId, cold[i].spanId);
                    hashed[i] = {uint32_t(h >> 32), uint32_t(h), i};
                    ++count[size_t(h >> shift)];
                }
            };
            inParallel(n, [&] { hashRange(0, half, counts[0]); }, [&] { hashRange(half, n, counts[1]); });
            std::vector<uint32_t> starts(buckets + 1);
            std::vector<uint32_t> next[2] = {std::vector<uint32_t>(buckets), std::vector<uint32_t>(buckets)};
            uint32_t at = 0;
            for (size_t b = 0; b < buckets; ++b) {
                starts[b] = at;
                next[0][b] = at;
                at += counts[0][b];
                next[1][b] = at;
                at += counts[1][b];
            }
            starts[buckets] = at;
            SpanIndexEntry *out = m_spanIndex.data();
            const auto place = [&](uint32_t from, uint32_t to, std::vector<uint32_t> &nextOf) {
                for (uint32_t k = from; k < to; ++k)
                    out[nextOf[size_t(hashed[k].hash() >> shift)]++] = hashed[k];
            };
            inParallel(n, [&] { place(0, half, next[0]); }, [&] { place(half, n, next[1]); });
            const auto sortBuckets = [&](size_t from, size_t to) {
                for (size_t b = from; b < to; ++b)
                    if (starts[b + 1] - starts[b] > 1)
                        std::sort(out + starts[b], out + starts[b + 1], less);
            };
            inParallel(n, [&] { sortBuckets(0, buckets / 2); }, [&] { sortBuckets(buckets / 2, buckets); });
        }
    }
    // Copies of one key share a hash, so they sit in one run of equal hashes
    // (nearly always a single entry); within a run, ordering the spans by key
    // puts copies side by side, the earliest first.
    std::vector<std::pair<uint32_t, uint32_t>> duplicates; // (a later copy, the copy before it)
    {
        const auto keyOf = [this](uint32_t i) { return SpanKey{cold[i].traceId, cold[i].spanId}; };
        std::vector<uint32_t> run;
        for (size_t a = 0, b = 0; a < m_spanIndex.size(); a = b) {
            b = a + 1;
            while (b < m_spanIndex.size() && m_spanIndex[b].hash() == m_spanIndex[a].hash())
                ++b;
            if (b - a == 1)
                continue;
            run.clear();
            for (size_t k = a; k < b; ++k)
                run.push_back(m_spanIndex[k].span); // ascending
            std::stable_sort(run.begin(), run.end(), [&](uint32_t x, uint32_t y) { return keyLess(keyOf(x), keyOf(y)); });
            for (size_t k = 1; k < run.size(); ++k)
                if (keyEqual(keyOf(run[k]), keyOf(run[k - 1])))
                    duplicates.emplace_back(run[k], run[k - 1]);
        }
        std::sort(duplicates.begin(), duplicates.end()); // diagnostics in the order of the input
    }
    std::vector<uint32_t> remap;
    for (const auto &[i, before] : duplicates) {
        if (remap.empty()) {
            remap.resize(n);
            std::iota(remap.begin(), remap.end(), 0u);
        }
        remap[i] = kNone;
        if (diagnostics.count(diag::SpanDuplicate)) {
            diagnostics.add(diag::SpanDuplicate, {});
            continue;
        }
        const std::string span = "span " + cold[i].traceId.hex() + "/" + cold[i].spanId.hex();
        const SourceFile *a = sourceOf(before), *b = sourceOf(i);
        std::string message;
        if (a && b && a == b)
            message = span + " appears twice in " + a->name + "; the first copy is kept";
        else if (a && b && !a->name.empty() && !b->name.empty())
            message = span + " is both in " + a->name + " and in " + b->name
                + (a->name == b->name ? " (the same file opened twice?)" : "") + "; the first copy is kept";
        else
            message = span + " was loaded more than once; the first copy is kept";
        diagnostics.add(diag::SpanDuplicate, message);
    }
    if (!remap.empty()) {
        // Compact spans and rebuild the link table without the duplicates' links.
        uint32_t out = 0;
        std::vector<Link> keptLinks;
        keptLinks.reserve(links.size());
        for (uint32_t i = 0; i < n; ++i) {
            if (remap[i] == kNone)
                continue;
            remap[i] = out;
            hot[out] = hot[i];
            cold[out] = cold[i];
            Range lr = cold[out].links;
            cold[out].links = {uint32_t(keptLinks.size()), lr.count};
            for (uint32_t l = lr.first; l < lr.end(); ++l) {
                keptLinks.push_back(links[l]);
                keptLinks.back().from = out;
            }
            ++out;
        }
        for (auto &source : sources) {
            // The source now starts at the first kept span at or after its old start.
            uint32_t first = source.firstSpan;
            while (first < n && remap[first] == kNone)
                ++first;
            source.firstSpan = first < n ? remap[first] : out;
        }
        hot.resize(out);
        cold.resize(out);
        links = std::move(keptLinks);
        std::erase_if(m_spanIndex, [&remap](const SpanIndexEntry &e) { return remap[e.span] == kNone; });
        for (auto &e : m_spanIndex)
            e.span = remap[e.span];
    }
    m_spanIndex.buildBuckets();
    const auto count = uint32_t(hot.size());

    // 2. Traces, in order of first appearance so indices stay stable as data arrives.
    m_traceIndex.clear();
    traces.clear();
    {
        // Two threads each list the traces of a half of the spans in order
        // of first appearance; the second half's list then joins the first
        // (a trace already listed keeps its index, the others follow in
        // their order): the order, and the index, of one pass over all spans.
        struct Half
        {
            std::vector<Trace> traces;
            TraceTable index;
        };
        Half halves[2];
        auto list = [this](uint32_t from, uint32_t to, Half &half) {
            for (uint32_t i = from; i < to; ++i) {
                // A trace's spans mostly come one after another: only a change of
                // trace id costs a lookup.
                if (i > from && cold[i].traceId == cold[i - 1].traceId) {
                    hot[i].trace = hot[i - 1].trace;
                    continue;
                }
                uint32_t t = half.index.find(cold[i].traceId, half.traces);
                if (t == kNone) {
                    t = uint32_t(half.traces.size());
                    reserveMore(half.traces, 1);
                    half.traces.emplace_back();
                    half.traces.back().id = cold[i].traceId;
                    half.index.addLast(half.traces);
                }
                hot[i].trace = t;
            }
        };
        const uint32_t middle = count / 2;
        inParallel(count, [&] { list(0, middle, halves[0]); }, [&] { list(middle, count, halves[1]); });
        traces = std::move(halves[0].traces);
        m_traceIndex = std::move(halves[0].index);
        std::vector<uint32_t> joined(halves[1].traces.size());
        for (size_t j = 0; j < joined.size(); ++j) {
            uint32_t t = m_traceIndex.find(halves[1].traces[j].id, traces);
            if (t == kNone) {
                t = uint32_t(traces.size());
                traces.push_back(halves[1].traces[j]);
                m_traceIndex.addLast(traces);
            }
            joined[j] = t;
        }
        const auto rename = [&](uint32_t from, uint32_t to) {
            for (uint32_t i = from; i < to; ++i)
                hot[i].trace = joined[hot[i].trace];
        };
        const uint32_t quarter = middle + (count - middle) / 2;
        inParallel(count - middle, [&] { rename(middle, quarter); }, [&] { rename(quarter, count); });
    }

    // 3. Parents, with self-parents and missing parents made roots. The
    // lookups run on two threads; the spans without a parent are noted in
    // span order, and their diagnostics added in that order afterwards.
    {
        std::vector<uint32_t> orphans[2];
        auto parents = [&](uint32_t from, uint32_t to, std::vector<uint32_t> &noted) {
            for (uint32_t i = from; i < to; ++i) {
                hot[i].parent = kNone;
                hot[i].hasLinks = 0; // set again with the links below
            }
            findSpans(from, to,
                [this, &noted](uint32_t i, const TraceId *&t, const SpanId *&s) {
                    const auto &c = cold[i];
                    if (c.parentSpanId.isZero())
                        return false;
                    if (c.parentSpanId == c.spanId) {
                        noted.push_back(i);
                        return false;
                    }
                    t = &c.traceId;
                    s = &c.parentSpanId;
                    return true;
                },
                [this, &noted](uint32_t i, uint32_t span) {
                    hot[i].parent = span;
                    if (span == kNone)
                        noted.push_back(i);
                });
            // Self-parents are noted as they are read, missing parents as
            // they are looked up a few spans later: back to span order.
            std::sort(noted.begin(), noted.end());
        };
        inParallel(count, [&] { parents(0, count / 2, orphans[0]); }, [&] { parents(count / 2, count, orphans[1]); }, kParallelLookupsFrom);
        for (const auto &noted : orphans) {
            for (uint32_t i : noted) {
                const auto &c = cold[i];
                if (c.parentSpanId == c.spanId)
                    diagnostics.add(diag::SpanParentSelf,
                        "span " + c.traceId.hex() + "/" + c.spanId.hex() + " names itself as its parent; shown as a root");
                else
                    diagnostics.add(diag::SpanParentMissing,
                        "span " + c.traceId.hex() + "/" + c.spanId.hex() + " has parent " + c.parentSpanId.hex()
                            + ", which is not loaded; shown as a root");
            }
        }
    }

    // 4. Per-trace span lists: in span order first (for the depths), then
    // sorted by start. Two threads each count the spans and links of a half
    // of the spans per trace, then write that half's spans into the lists:
    // the first half's before the second's in every trace, which is span
    // order, as one pass gives.
    std::vector<uint32_t> offsets(traces.size() + 1, 0);
    {
        const uint32_t middle = count / 2;
        std::vector<uint32_t> spansIn[2], linksOf[2];
        auto tally = [this](uint32_t from, uint32_t to, std::vector<uint32_t> &spans, std::vector<uint32_t> &linksOut) {
            spans.assign(traces.size(), 0);
            linksOut.assign(traces.size(), 0);
            for (uint32_t i = from; i < to; ++i) {
                ++spans[hot[i].trace];
                // Here, in span order, rather than per trace below: there
                // every span's cold record would be a cache miss.
                linksOut[hot[i].trace] += cold[i].links.count;
            }
        };
        inParallel(count, [&] { tally(0, middle, spansIn[0], linksOf[0]); },
                   [&] { tally(middle, count, spansIn[1], linksOf[1]); });
        for (size_t t = 0; t < traces.size(); ++t) {
            offsets[t + 1] = offsets[t] + spansIn[0][t] + spansIn[1][t];
            traces[t].linksOut += linksOf[0][t] + linksOf[1][t];
            // Where each half's spans of the trace go.
            spansIn[1][t] = offsets[t] + spansIn[0][t];
            spansIn[0][t] = offsets[t];
        }
        reserveHuge(traceSpans, count);
        traceSpans.resize(count);
        auto place = [this](uint32_t from, uint32_t to, std::vector<uint32_t> &next) {
            for (uint32_t i = from; i < to; ++i)
                traceSpans[next[hot[i].trace]++] = i;
        };
        inParallel(count, [&] { place(0, middle, spansIn[0]); }, [&] { place(middle, count, spansIn[1]); });
    }
    const auto traceCount = uint32_t(traces.size());
    // The first trace whose spans start past the middle.
    const auto middleTrace = uint32_t(std::upper_bound(offsets.begin(), offsets.begin() + traceCount, count / 2) - offsets.begin());

    // 5. Depths; parent cycles are broken where they are found. A parent is
    // in its child's trace, so every walk stays inside one trace: two
    // threads take a half of the traces each, walking from each span of a
    // trace in span order (traceSpans is still in span order here), which
    // gives what one walk over all spans in span order gives. Cycles are
    // noted with the span the walk started from and reported in that order.
    {
        std::vector<uint8_t> state; // 0 new, 1 on the walk, 2 done
        reserveHuge(state, count);
        state.assign(count, 0);
        struct Cut
        {
            uint32_t from, span;
        };
        std::vector<Cut> cuts[2];
        uint64_t capped[2] = {0, 0};
        auto depths = [&](uint32_t fromTrace, uint32_t toTrace, std::vector<Cut> &cutsHere, uint64_t &cappedHere) {
            std::vector<uint32_t> walk;
            for (uint32_t t = fromTrace; t < toTrace; ++t) {
                // The next trace's spans fetched meanwhile, as in 6 below.
                if (t + 1 < toTrace)
                    for (uint32_t k = offsets[t + 1], e = std::min(offsets[t + 2], offsets[t + 1] + 64); k < e; ++k)
                        __builtin_prefetch(&hot[traceSpans[k]]);
                for (uint32_t k = offsets[t]; k < offsets[t + 1]; ++k) {
                    const uint32_t s = traceSpans[k];
                    if (state[s] == 2)
                        continue;
                    walk.clear();
                    uint32_t cur = s;
                    while (state[cur] == 0) {
                        state[cur] = 1;
                        walk.push_back(cur);
                        uint32_t p = hot[cur].parent;
                        if (p == kNone)
                            break;
                        if (state[p] == 1) {
                            cutsHere.push_back({s, cur});
                            hot[cur].parent = kNone;
                            break;
                        }
                        cur = p;
                    }
                    for (auto it = walk.rbegin(); it != walk.rend(); ++it) {
                        auto &h = hot[*it];
                        if (h.parent == kNone) {
                            h.depth = 0;
                        } else if (hot[h.parent].depth == UINT16_MAX) {
                            h.depth = UINT16_MAX;
                            ++cappedHere;
                        } else {
                            h.depth = uint16_t(hot[h.parent].depth + 1);
                        }
                        state[*it] = 2;
                    }
                }
            }
        };
        inParallel(count, [&] { depths(0, middleTrace, cuts[0], capped[0]); },
                   [&] { depths(middleTrace, traceCount, cuts[1], capped[1]); });
        std::vector<Cut> all = std::move(cuts[0]);
        all.insert(all.end(), cuts[1].begin(), cuts[1].end());
        std::sort(all.begin(), all.end(), [](const Cut &a, const Cut &b) { return a.from < b.from; });
        for (const Cut &c : all)
            diagnostics.add(diag::SpanParentCycle,
                "span " + cold[c.span].traceId.hex() + "/" + cold[c.span].spanId.hex()
                    + " is part of a parent cycle; the cycle is cut there and the span shown as a root");
        if (capped[0] + capped[1])
            diagnostics.add(diag::SpanDepthCapped,
                "spans nested deeper than 65535 levels are drawn at the last level", capped[0] + capped[1]);
    }

    // 6. Sorting and summarising a trace reads only its own spans: two threads
    // take a half of the spans each, by whole traces, each listing services
    // apart; the second half's lists are appended after the first's.
    std::vector<StringId> servicesOf[2];
    auto summarise = [this, &offsets](uint32_t from, uint32_t to, std::vector<StringId> &services) {
        for (uint32_t t = from; t < to; ++t) {
            // A trace's spans lie apart in the input, each a cache miss: the
            // next trace's are fetched while this one is sorted (and in 5
            // above, walked).
            if (t + 1 < to)
                for (uint32_t k = offsets[t + 1], e = std::min(offsets[t + 2], offsets[t + 1] + 64); k < e; ++k)
                    __builtin_prefetch(&hot[traceSpans[k]]);
            auto &tr = traces[t];
            tr.spans = {offsets[t], offsets[t + 1] - offsets[t]};
            auto first = traceSpans.begin() + tr.spans.first, last = first + tr.spans.count;
            std::sort(first, last, [this](uint32_t a, uint32_t b) {
                return hot[a].start != hot[b].start ? hot[a].start < hot[b].start : a < b;
            });
            const uint32_t *spans = traceSpans.data() + tr.spans.first;
            detail::summariseTraceSpans(tr, hot, spans, spans + tr.spans.count, services);
        }
    };
    inParallel(count, [&] { summarise(0, middleTrace, servicesOf[0]); },
               [&] { summarise(middleTrace, traceCount, servicesOf[1]); });
    traceServices = std::move(servicesOf[0]);
    const auto shift = uint32_t(traceServices.size());
    traceServices.insert(traceServices.end(), servicesOf[1].begin(), servicesOf[1].end());
    for (uint32_t t = middleTrace; t < traceCount; ++t)
        traces[t].services.first += shift;

    // 7. The link table, resolved and indexed by target.
    reserveHuge(incomingRanges, count);
    incomingRanges.assign(count, Range{});
    {
        // The lookups on two threads; what they feed is counted in order below.
        const auto linkCount = uint32_t(links.size());
        auto resolve = [this](uint32_t from, uint32_t to) {
            findSpans(from, to,
                [this](uint32_t i, const TraceId *&t, const SpanId *&s) {
                    t = &links[i].traceId;
                    s = &links[i].spanId;
                    return true;
                },
                [this](uint32_t i, uint32_t span) { links[i].target = span; });
        };
        inParallel(linkCount, [&] { resolve(0, linkCount / 2); }, [&] { resolve(linkCount / 2, linkCount); }, kParallelLookupsFrom);
    }
    for (auto &l : links) {
        hot[l.from].hasLinks |= 1;
        if (l.target != kNone) {
            ++incomingRanges[l.target].count;
            hot[l.target].hasLinks |= 2;
            ++traces[hot[l.target].trace].linksIn;
        }
    }
    {
        uint32_t at = 0;
        for (auto &r : incomingRanges) {
            r.first = at;
            at += r.count;
            r.count = 0;
        }
        reserveHuge(incoming, at);
        incoming.assign(at, 0);
        for (uint32_t i = 0; i < links.size(); ++i)
            if (links[i].target != kNone) {
                Range &r = incomingRanges[links[i].target];
                incoming[r.first + r.count++] = i;
            }
    }
}

void Model::shrinkToFit()
{
    // Each table that shrinks is copied once, on whichever of two threads
    // has less to copy so far: the copies of a large model (the link
    // table, the string index, whatever outgrew its estimate) take long
    // enough for a second core to pay.
    struct Shrink
    {
        size_t bytes; // copied if it shrinks, else 0
        void (*run)(Model &);
    };
    auto entry = [](const auto &v, void (*run)(Model &)) { return Shrink{shrinkHugeBytes(v), run}; };
    Shrink all[] = {
        entry(resources, [](Model &m) { shrinkHuge(m.resources); }),
        entry(scopes, [](Model &m) { shrinkHuge(m.scopes); }),
        entry(hot, [](Model &m) { shrinkHuge(m.hot); }),
        entry(cold, [](Model &m) { shrinkHuge(m.cold); }),
        entry(events, [](Model &m) { shrinkHuge(m.events); }),
        entry(links, [](Model &m) { shrinkHuge(m.links); }),
        entry(attributes, [](Model &m) { shrinkHuge(m.attributes); }),
        entry(values, [](Model &m) { shrinkHuge(m.values); }),
        entry(traces, [](Model &m) { shrinkHuge(m.traces); }),
        entry(traceServices, [](Model &m) { shrinkHuge(m.traceServices); }),
        entry(m_spanIndex, [](Model &m) { shrinkHuge(m.m_spanIndex); }),
        entry(m_spanIndex.buckets, [](Model &m) { shrinkHuge(m.m_spanIndex.buckets); }),
        {strings.shrinkingBytes(), [](Model &m) { m.strings.shrinkToFit(); }},
    };
    std::sort(std::begin(all), std::end(all), [](const Shrink &a, const Shrink &b) { return a.bytes > b.bytes; });
    std::vector<void (*)(Model &)> sides[2];
    size_t load[2] = {0, 0};
    for (const Shrink &s : all) {
        if (s.bytes == 0)
            continue;
        const int side = load[1] < load[0] ? 1 : 0;
        sides[side].push_back(s.run);
        load[side] += s.bytes;
    }
    // By bytes to copy: a thread pays for itself from a few MB on.
    constexpr size_t kBytesPerItem = 16;
    inParallel((load[0] + load[1]) / kBytesPerItem, [&] { for (auto run : sides[0]) run(*this); },
               [&] { for (auto run : sides[1]) run(*this); });
}

size_t Model::memoryUsage() const
{
    size_t total = 0;
    for (const MemoryPart &part : memoryBreakdown())
        total += part.bytes;
    return total;
}

std::vector<Model::MemoryPart> Model::memoryBreakdown() const
{
    auto bytes = [](const auto &v) { return v.capacity() * sizeof(v[0]); };
    return {
        {"strings", strings.memoryUsage()},
        {"resources", bytes(resources)},
        {"scopes", bytes(scopes)},
        {"spans hot", bytes(hot)},
        {"spans cold", bytes(cold)},
        {"events", bytes(events)},
        {"links", bytes(links)},
        {"attributes", bytes(attributes)},
        {"values", bytes(values)},
        {"traces", bytes(traces)},
        {"trace spans", bytes(traceSpans)},
        {"trace services", bytes(traceServices)},
        {"incoming links", bytes(incoming) + bytes(incomingRanges)},
        {"span index", bytes(m_spanIndex) + bytes(m_spanIndex.buckets) + m_appendedSpans.memoryUsage()},
        {"trace index", m_traceIndex.memoryUsage()},
        {"growth state", m_waitingLinks.size() * (sizeof(SpanKey) + sizeof(uint32_t) + 2 * sizeof(void *))
                + m_waitingLinks.bucket_count() * sizeof(void *) + bytes(m_traceOrphans)},
    };
}

} // namespace causeway
