#pragma once
// The in-memory model of loaded trace data.
//
// Data-oriented: every span, trace, link, event, resource and scope is addressed
// by a 32-bit index into a flat vector. Strings (names, keys, string values, raw
// bytes values) are interned once in a StringPool and referred to by StringId.
// What drawing needs (SpanHot) is kept apart from what only the details panel
// and the writers need (SpanCold).
//
// A Model is built in two phases: readers append records through a
// ModelBuilder (core/modelbuilder.h; possibly several fragments in parallel,
// merged with Model::merge), then Model::finalize() derives the indexes: traces, parent
// links, depths, the two-way link table and per-trace summaries.

#include "core/diagnosticcodes.h"
#include "core/ids.h"
#include "core/stringpool.h"

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace causeway {

inline constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();

// A half-open range [first, first + count) into one of the model's pools.
struct Range
{
    uint32_t first = 0;
    uint32_t count = 0;
    uint32_t end() const { return first + count; }
    bool empty() const { return count == 0; }
    bool operator==(const Range &) const = default;
};

enum class ValueType : uint8_t {
    Empty,   // AnyValue with no value set
    String,  // str -> StringId
    Bool,
    Int,
    Double,
    Bytes,   // str -> StringId holding the raw bytes
    Array,   // range into Model::values
    KvList,  // range into Model::attributes
};

// Value's 64-bit members are aligned to 4 bytes (packing to 4, which GCC and
// Clang both honour), so that a Value takes 12 bytes and an Attribute 16
// instead of 24: attributes are the model's largest pool (about 7.6 per
// span), and x86 loads the 64-bit members from any address at the same cost.
// Read them by value (int64_t(v.i)): a reference bound to one (a template
// taking const T&) is misaligned, which the sanitizers report.
#pragma pack(push, 4)
// One OTLP AnyValue. Compound values point into the model's pools.
struct Value
{
    ValueType type = ValueType::Empty;
    union {
        bool b;
        int64_t i;
        double d;
        StringId str;
        Range range; // Array (into values) / KvList (into attributes)
    };
    Value() : i(0) {}
    static Value makeString(StringId s) { Value v; v.type = ValueType::String; v.str = s; return v; }
    static Value makeBytes(StringId s) { Value v; v.type = ValueType::Bytes; v.str = s; return v; }
    static Value makeBool(bool x) { Value v; v.type = ValueType::Bool; v.b = x; return v; }
    static Value makeInt(int64_t x) { Value v; v.type = ValueType::Int; v.i = x; return v; }
    static Value makeDouble(double x) { Value v; v.type = ValueType::Double; v.d = x; return v; }
    static Value makeArray(Range r) { Value v; v.type = ValueType::Array; v.range = r; return v; }
    static Value makeKvList(Range r) { Value v; v.type = ValueType::KvList; v.range = r; return v; }
};
#pragma pack(pop)

struct Attribute
{
    StringId key = 0;
    Value value;
};
static_assert(sizeof(Value) == 12 && sizeof(Attribute) == 16, "the pools' element sizes");

enum class SpanKind : uint8_t { Unspecified = 0, Internal = 1, Server = 2, Client = 3, Producer = 4, Consumer = 5 };
enum class StatusCode : uint8_t { Unset = 0, Ok = 1, Error = 2 };

struct Resource
{
    Range attributes;                 // into Model::attributes
    uint32_t droppedAttributesCount = 0;
    StringId schemaUrl = 0;           // ResourceSpans.schema_url
    StringId serviceName = 0;         // derived: service.name attribute, or 0
};

struct Scope
{
    uint32_t resource = 0;            // index into Model::resources
    StringId name = 0;
    StringId version = 0;
    Range attributes;
    uint32_t droppedAttributesCount = 0;
    StringId schemaUrl = 0;           // ScopeSpans.schema_url
};

// What painting and hit-testing need, and nothing else.
struct SpanHot
{
    uint64_t start = 0;               // start_time_unix_nano
    uint64_t end = 0;                 // end_time_unix_nano (>= start after finalize repair)
    uint32_t trace = kNone;           // index into Model::traces (finalize)
    uint32_t parent = kNone;          // index of the parent span, kNone for a root (finalize)
    StringId name = 0;
    StringId service = 0;             // resource's service.name
    uint16_t depth = 0;               // 0 for a root (finalize)
    SpanKind kind = SpanKind::Unspecified;
    StatusCode status = StatusCode::Unset;
    uint8_t hasLinks = 0;             // 1 if the span has outgoing links; 2 if incoming; 3 both (finalize)
};

// Everything else about a span; read by the details panel and the writers.
struct SpanCold
{
    TraceId traceId;
    SpanId spanId;
    SpanId parentSpanId;              // zero when absent
    uint32_t scope = 0;               // index into Model::scopes
    StringId traceState = 0;
    uint32_t flags = 0;
    uint32_t rawKind = 0;             // kind as written (values past 5 kept verbatim)
    uint32_t rawStatusCode = 0;       // status code as written
    StringId statusMessage = 0;
    Range attributes;
    uint32_t droppedAttributesCount = 0;
    Range events;                     // into Model::events
    uint32_t droppedEventsCount = 0;
    Range links;                      // into Model::links (outgoing links of this span)
    uint32_t droppedLinksCount = 0;
};

struct Event
{
    uint64_t time = 0;
    StringId name = 0;
    Range attributes;
    uint32_t droppedAttributesCount = 0;
};

// One Span.links entry. Links live in one table; `from` is the span that
// carries the link, the target is given by ids and resolved by finalize().
struct Link
{
    uint32_t from = 0;                // span index of the linking span
    TraceId traceId;                  // target trace id
    SpanId spanId;                    // target span id
    StringId traceState = 0;
    uint32_t flags = 0;
    Range attributes;
    uint32_t droppedAttributesCount = 0;
    uint32_t target = kNone;          // span index of the target, kNone if not loaded (finalize)
    bool resolved() const { return target != kNone; }
};

struct Trace
{
    TraceId id;
    Range spans;                      // into Model::traceSpans: this trace's span indices, sorted by start
    uint32_t root = kNone;            // the earliest root span
    uint64_t start = 0;
    uint64_t end = 0;
    uint32_t errorCount = 0;
    uint32_t linksOut = 0;            // links carried by this trace's spans
    uint32_t linksIn = 0;             // resolved links from any span into this trace's spans
    uint32_t rootCount = 0;           // spans without a loaded parent
    uint16_t maxDepth = 0;
    Range services;                   // into Model::traceServices: distinct service names
    uint64_t duration() const { return end - start; }
};

struct Diagnostic
{
    Severity severity = Severity::Warning;
    std::string code;                 // stable identifier, e.g. "span_bad_trace_id"
    uint64_t count = 0;
    std::string message;              // human text with the first place it occurred
    // The messages of the first kKeptPlaces occurrences (message is places[0]),
    // so that one code seen on several lines can show each of them.
    static constexpr size_t kKeptPlaces = 20;
    std::vector<std::string> places;
    Loss loss = Loss::None;           // what the table says this code costs
};

class Diagnostics
{
public:
    // Count one occurrence of `code`; the message of the first occurrence and
    // those of the first few (Diagnostic::places) are kept.
    void add(const DiagnosticCode &code, std::string_view firstMessage, uint64_t n = 1);
    void merge(const Diagnostics &other);
    const std::vector<Diagnostic> &items() const { return m_items; }
    bool empty() const { return m_items.empty(); }
    uint64_t count(const DiagnosticCode &code) const;
    const Diagnostic *find(const DiagnosticCode &code) const;
    // Occurrences of every code that costs `loss`, and the first such message.
    uint64_t count(Loss loss, std::string *firstMessage = nullptr) const;
    // Whether another occurrence's message of `code` would still be kept.
    bool keepsMorePlaces(const DiagnosticCode &code) const;
    void clear() { m_items.clear(); }
    void remove(const DiagnosticCode &code);

private:
    void add(const Diagnostic &d);
    std::vector<Diagnostic> m_items;
};

// What one step of a growing model changed (Model::append, Model::evictTraces),
// so that views update what changed instead of starting over. Evictions
// happen first: indices in evictedTraces are those before the step, the
// others are after it.
struct ModelChanges
{
    bool reset = false;                   // too much changed to say: start over
    std::vector<uint32_t> evictedTraces;  // ascending; the traces after each move down
    std::vector<uint32_t> changedTraces;  // ascending; existing traces that got spans or incoming links
    uint32_t firstNewTrace = 0;           // traces [firstNewTrace, traces.size()) are new
    uint32_t firstNewSpan = 0;            // spans [firstNewSpan, spanCount()) are new
    uint64_t addedSpans = 0;
    uint64_t duplicateSpans = 0;          // skipped: already loaded
    uint64_t evictedSpans = 0;
    uint64_t resolvedLinks = 0;           // waiting links that found their target
    bool empty() const { return !reset && evictedTraces.empty() && changedTraces.empty() && addedSpans == 0; }
    // Appends `next` (a later step) to this one; the result says reset when
    // the two cannot be told as one step.
    void followBy(const ModelChanges &next);
};

// What Model::append wrote into records that were there before it, beyond
// what it added at the ends of the arrays: enough for a copy of the model
// that did not take the append to catch up by copying those records
// (Model::catchUpWithAppends) instead of taking the append again.
struct AppendLog
{
    std::vector<uint32_t> changedTraces;  // ascending; traces that existed and got spans or incoming links
    std::vector<uint32_t> resolvedLinks;  // links that existed and found their target
};

// Which named input a run of spans came from: spans [firstSpan, next source's
// firstSpan) were read from `name` (empty: not from a named file).
struct SourceFile
{
    std::string name;
    uint32_t firstSpan = 0;
    // Spans fetched from a trace backend: its name and when they arrived
    // (`name` is then the URL they came from, without credentials).
    std::string backend = {};
    int64_t fetchedAtUnixMs = 0;
    bool fetched() const { return !backend.empty(); }
};

class Model
{
public:
    StringPool strings;

    std::vector<Resource> resources;
    std::vector<Scope> scopes;
    std::vector<SpanHot> hot;
    std::vector<SpanCold> cold;
    std::vector<Event> events;
    std::vector<Link> links;
    std::vector<Attribute> attributes;     // pool for all attribute lists and kvlist values
    std::vector<Value> values;             // pool for array values

    // Derived by finalize().
    std::vector<Trace> traces;
    std::vector<uint32_t> traceSpans;      // per trace, span indices sorted by (start, index)
    std::vector<StringId> traceServices;   // per trace, distinct service names
    std::vector<uint32_t> incoming;        // link indices grouped by target span
    std::vector<Range> incomingRanges;     // span i's incoming links: incoming[incomingRanges[i]] (a model that
                                           // grows moves a span's list to the end, leaving unused entries behind)

    Diagnostics diagnostics;
    std::vector<SourceFile> sources;       // sorted by firstSpan; kept by merge and finalize

    // The source a span was read from; null if no source is known.
    const SourceFile *sourceOf(uint32_t span) const;
    // The source of a trace's first span (a trace fetched from a backend
    // comes whole from one source).
    const SourceFile *sourceOfTrace(uint32_t trace) const;

    size_t spanCount() const { return hot.size(); }
    std::string_view str(StringId id) const { return strings.view(id); }

    // Outgoing links of a span (indices into links).
    Range outgoingLinks(uint32_t span) const { return cold[span].links; }
    // Incoming resolved links of a span: indices into links, via `incoming`.
    Range incomingLinks(uint32_t span) const
    {
        return span < incomingRanges.size() ? incomingRanges[span] : Range{};
    }

    uint32_t findTrace(const TraceId &id) const;             // kNone if absent
    // The trace / span `other` (another version of the same data, e.g. the
    // snapshot before a live refresh) has at `index`, found here by id;
    // kNone if this model does not hold it.
    uint32_t sameTrace(const Model &other, uint32_t index) const;
    uint32_t sameSpan(const Model &other, uint32_t index) const;
    uint32_t findSpan(const TraceId &t, const SpanId &s) const; // kNone if absent

    // The span index keys spans by a 64-bit hash of (trace id, span id):
    // spanKeyHash(t, s) = mix(traceIdMix(t) ^ s as a native 64-bit word),
    // where mix is one-to-one. Spans of one trace therefore never collide,
    // and spans of two traces collide exactly when their words differ by
    // traceIdMix(t1) ^ traceIdMix(t2), which tests use to build collisions.
    // traceIdMix is seeded once per process, so a file cannot be crafted to
    // collide.
    static uint64_t traceIdMix(const TraceId &t);
    static uint64_t spanKeyHash(const TraceId &t, const SpanId &s);

    // Append another model's records (re-interning its strings); the other
    // model's diagnostics are merged. Call finalize() afterwards.
    void merge(Model &&other);
    // The same, but `other` is left empty with its pools' capacity kept, so
    // a loader can fill it again without faulting fresh pages in.
    void mergeReusing(Model &other);

    // mergeReusing() in two steps, for a loader that merges pieces in input
    // order on one thread and lets other threads do the bulk of the work:
    // mergeUnpatched() does what must follow the input order (interns
    // `other`'s strings, appends its records as they are, takes its sources
    // and diagnostics, leaves `other` as mergeReusing() does) and returns the
    // rest, a patch that rewrites the appended records' string ids and
    // indices. A patch writes only its own records, through pointers taken
    // when it was made: it may run on any thread, also while later
    // mergeUnpatched() calls append, as long as these do not move the pools
    // (mergeMoves() says whether one would). Every patch must have run
    // before anything reads the records.
    class MergePatch
    {
    public:
        void apply() const;
        // Records it rewrites (to share the work out).
        size_t records() const;

    private:
        friend class Model;
        template<typename T>
        struct Appended
        {
            T *first = nullptr;
            size_t count = 0;
        };
        template<typename T>
        void patch(const Appended<T> &appended) const;
        std::vector<StringId> m_map; // other's string id -> this model's
        uint32_t m_resourceBase = 0, m_scopeBase = 0, m_spanBase = 0, m_eventBase = 0, m_linkBase = 0, m_attrBase = 0,
                 m_valueBase = 0;
        Appended<Attribute> m_attributes;
        Appended<Value> m_values;
        Appended<Resource> m_resources;
        Appended<Scope> m_scopes;
        Appended<SpanHot> m_hot;
        Appended<SpanCold> m_cold;
        Appended<Event> m_events;
        Appended<Link> m_links;
    };
    MergePatch mergeUnpatched(Model &other) { return appendMerged(other, false); }
    // Whether merging `other` now would move any of the record pools (or
    // replace them: a model with no records takes `other`'s).
    bool mergeMoves(const Model &other) const;
    // Empties the records, strings and diagnostics, keeping capacity.
    void clearKeepingCapacity();

    // How many records of each kind a model holds: a loader that has read
    // part of its input reserves room for the rest in one step per pool
    // (reserveLike), instead of doubling and copying the pools as it goes.
    struct Sizes
    {
        size_t resources = 0, scopes = 0, spans = 0, events = 0, links = 0, attributes = 0, values = 0;
        // Each count times `f`, plus one.
        Sizes scaled(double f) const
        {
            auto x = [f](size_t n) { return size_t(double(n) * f) + 1; };
            return {x(resources), x(scopes), x(spans), x(events), x(links), x(attributes), x(values)};
        }
    };
    Sizes sizes() const;
    // Room for `factor` times the records added since `before`, on top of
    // them (the record pools; the string index grows as strings come).
    void reserveLike(const Sizes &before, double factor);
    // Room for at least `counts` records of each kind, for a decoder about
    // to fill the model: storage that moves is advised as huge and faulted
    // in whole, one call per pool, instead of a page fault every 4 KB as
    // the records are written (each a few microseconds on a virtual machine).
    void reserveFaultedIn(const Sizes &counts);

    // Derive traces, parents, depths, link resolution and summaries. Repairs
    // and removes what cannot be kept (duplicates, cycles), with diagnostics.
    // Idempotent: calling it again after more merges recomputes everything.
    void finalize();

    // --- Growing a finalized model in place (live data; core/modelgrowth.cpp).
    // Appends the spans of `batch` (not finalized, e.g. loadBuffer's output)
    // and derives what finalize() would for them without revisiting the rest:
    // new spans resolve their parents and links, links that were waiting for
    // a new span resolve too, and only the traces that got spans are
    // summarised again. Spans already in the model are skipped as duplicates.
    // The result equals merge() + finalize() of the same spans, except where
    // per-trace lists sit in their pools. `changes` says what changed.
    // With `log`, also lists what it wrote into records that were there before.
    void append(const Model &batch, ModelChanges &changes, AppendLog *log = nullptr);
    // Removes the traces `dropTraces` (ascending indices) and their spans in
    // place, keeping everything else in order: later traces and spans move
    // down, links into removed spans become unresolved (and wait for their
    // target again). The cost is one pass over the span records after the
    // first removed one; the hash tables are not rebuilt, and the attribute,
    // event and string pools are compacted only once half of them is unused.
    void evictTraces(const std::vector<uint32_t> &dropTraces, ModelChanges &changes);
    // The traces to remove, oldest start first, to bring the model down to
    // at most `maxSpans` spans and `maxTraces` traces (0: no limit).
    std::vector<uint32_t> oldestTraces(uint64_t maxSpans, uint64_t maxTraces) const;
    // A deep copy, indexes included: ready for findTrace()/findSpan() and append().
    Model clone() const;
    // Makes this model equal to `ahead`, a copy of it that has taken more
    // steps (append, evictTraces) since the two were equal: the records are
    // copied into this model's storage (a memcpy per array, no allocation
    // when they fit), the strings and the attribute, value and event pools
    // only from where this one ends unless `ahead` compacted them since.
    // Cheaper than taking again an eviction, which moves and renumbers what
    // it keeps. Only reads `ahead`.
    void catchUpWith(const Model &ahead);
    // The same when every step `ahead` took since was an append, whose logs
    // are `logs` (in order): only what the appends added at the ends of the
    // arrays and the records they changed (the logs say which) are copied,
    // so the cost is that of the appended spans, not of the model. Falls
    // back to catchUpWith() when the models are not in that state (pools or
    // lists compacted since): returns false then.
    bool catchUpWithAppends(const Model &ahead, const std::vector<const AppendLog *> &logs);
    // How often evictions compacted the attribute, value and event pools,
    // and the per-trace list pools: between two compactions a pool only
    // grows at its end.
    uint64_t poolCompactions() const { return m_poolCompactions; }
    uint64_t listCompactions() const { return m_listCompactions; }

    // Approximate heap bytes held by the model.
    size_t memoryUsage() const;
    // The same bytes per structure (pools, derived tables, indexes), for
    // benchmarks that account where the memory goes; sums to memoryUsage().
    struct MemoryPart
    {
        const char *name;
        size_t bytes;
    };
    std::vector<MemoryPart> memoryBreakdown() const;

    // Returns pools' spare capacity to the allocator (after a load is complete;
    // a model that keeps growing should not call it).
    void shrinkToFit();

private:
    // mergeUnpatched(), and with `patchNow` mergeReusing(): each pool's
    // records are then patched right after they are appended, while they
    // are still in the cache.
    MergePatch appendMerged(Model &other, bool patchNow);

    // Trace id -> trace index: open addressing with linear probing, 8 bytes a
    // slot (a tag from the id's hash and the trace index; the ids of a tag
    // match are compared in `traces`), kept at most half full. No node per
    // trace: a lookup is one probe into flat memory, and an eviction rebuilds
    // the table from the kept traces in one pass (O(traces), where walking
    // the nodes of a hash map to renumber them was a cache miss per trace).
    class TraceTable
    {
    public:
        void clear();
        size_t size() const { return m_size; }
        size_t memoryUsage() const { return m_slots.capacity() * sizeof(Slot); }
        uint32_t find(const TraceId &id, const std::vector<Trace> &traces) const
        {
            if (m_slots.empty())
                return kNone;
            const uint64_t h = id.hash();
            const uint32_t tag = tagOf(h);
            const size_t mask = m_slots.size() - 1;
            for (size_t i = slotOf(h);; i = (i + 1) & mask) {
                const Slot slot = m_slots[i];
                if (slot.trace == kNone)
                    return kNone;
                if (slot.tag == tag && slot.trace < traces.size() && traces[slot.trace].id == id)
                    return slot.trace;
            }
        }
        // The table holds traces [0, traces.size() - 1): indexes the last one
        // (its id not in the table yet). Grows by rebuilding, O(1) amortised.
        void addLast(const std::vector<Trace> &traces);
        // Every trace of `traces` (ids distinct), nothing else.
        void rebuild(const std::vector<Trace> &traces);

    private:
        struct Slot
        {
            uint32_t tag = 0;
            uint32_t trace = kNone;
        };
        // Trace ids are mostly random, but not always (tests, hand-made
        // ids vary in a few bytes): the top bits of a multiply (Fibonacci
        // hashing) depend on every bit of the hash.
        size_t slotOf(uint64_t hash) const { return size_t((hash * 0x9e3779b97f4a7c15ULL) >> m_shift); }
        static uint32_t tagOf(uint64_t hash) { return uint32_t(hash ^ hash >> 32); }
        void place(uint64_t hash, uint32_t trace);
        std::vector<Slot> m_slots;
        size_t m_size = 0;
        unsigned m_shift = 64;              // 64 - log2(slots)
    };
    TraceTable m_traceIndex;
    // (trace id, span id) -> span as spanKeyHash and span, sorted by (hash,
    // span): 12 bytes per span where the key itself takes 24. Entries with
    // equal hashes are told apart by the ids in `cold`.
    struct SpanIndexEntry
    {
        uint32_t hashHigh;
        uint32_t hashLow;
        uint32_t span;
        uint64_t hash() const { return uint64_t(hashHigh) << 32 | hashLow; }
    };
    // The sorted entries and a directory over them: bucket b (the top bits
    // of the hash) holds entries [buckets[b], buckets[b + 1]), about four, so
    // a lookup reads two cache lines instead of a binary search's ~20 steps
    // (finalize looks up every span's parent and every link's target). The
    // directory belongs to the entries it was built for (`builtFor`); once
    // they change (eviction removes some), lookups fall back to a binary
    // search until the next finalize(). Renumbering spans keeps it valid.
    struct SpanIndex : std::vector<SpanIndexEntry>
    {
        std::vector<uint32_t> buckets;
        uint32_t shift = 64;
        size_t builtFor = 0;
        void buildBuckets();
        bool bucketsValid() const { return !buckets.empty() && builtFor == size(); }
    };
    SpanIndex m_spanIndex;

    // Kept while a finalized model grows (append); cleared by finalize().
    // Spans appended since the sorted index was built: open addressing with
    // linear probing, no node per entry. A slot holds the key's 64-bit hash
    // (spanKeyHash) and a stable id, 16 bytes (the ids of a hash match are
    // compared in `cold`), so that the table a lookup misses into stays
    // small at a million spans. A flat array turns ids into indices: an
    // eviction rewrites that array for the spans that moved (4 bytes each)
    // and leaves the slots of removed spans behind as tombstones, so that it
    // never rehashes; a rehash comes only when tombstones fill the table.
    class SpanTable
    {
    public:
        void clear();
        bool empty() const { return m_live == 0; }
        bool contains(uint32_t span) const { return span < m_idOfSpan.size() && m_idOfSpan[span] != kNoId; }
        size_t size() const { return m_live; }
        size_t memoryUsage() const;
        // No live span has `span`'s key, and `span` is not in the table.
        void insert(uint64_t hash, uint32_t span);
        // The live span whose hash is `hash` and for which `same(span)` says
        // the ids match; kNone if none.
        template<typename Same>
        uint32_t find(uint64_t hash, Same same) const
        {
            if (m_slots.empty())
                return kNone;
            const size_t mask = m_slots.size() - 1;
            for (size_t i = slotOf(hash) & mask;; i = (i + 1) & mask) {
                const Slot &slot = m_slots[i];
                if (slot.id == kNoId)
                    return kNone;
                if (slot.hash == hash) {
                    const uint32_t span = spanOf(slot.id);
                    if (span != kNone && same(span))
                        return span;
                }
            }
        }
        // After an eviction: the span at index i >= from is now map[i]
        // (kNone: removed); `kept` spans remain.
        void renumber(const std::vector<uint32_t> &map, uint32_t from, uint32_t kept);
        // Spans inserted since the table was made: two copies that took
        // the same inserts since they were equal agree on it.
        uint64_t insertions() const { return m_nextId; }

    private:
        static constexpr uint64_t kNoId = ~uint64_t(0);
        struct Slot
        {
            uint64_t hash = 0;
            uint64_t id = kNoId;
        };
        // spanKeyHash mixes the ids already; its high bits pick the slot so
        // that they are independent of the low bits the hash compare sees first.
        static size_t slotOf(uint64_t hash) { return size_t(hash >> 17 | hash << 47); }
        uint32_t spanOf(uint64_t id) const { return id < m_firstId ? kNone : m_spanOfId[id - m_firstId]; }
        void rehash(size_t live);
        std::vector<Slot> m_slots;
        size_t m_used = 0;                 // slots holding a key, live or removed
        size_t m_live = 0;
        std::vector<uint64_t> m_idOfSpan;  // per span index; kNoId: not in the table
        std::vector<uint32_t> m_spanOfId;  // per id from m_firstId; kNone: removed
        uint64_t m_firstId = 0;
        uint64_t m_nextId = 0;
    };
    SpanTable m_appendedSpans;
    // Unresolved links by target: they resolve when the target arrives.
    std::unordered_multimap<SpanKey, uint32_t, SpanKeyHash> m_waitingLinks;
    bool m_waitingBuilt = false;
    // Per trace, spans whose parent is not loaded (for the diagnostic).
    std::vector<uint32_t> m_traceOrphans;
    uint64_t m_orphans = 0;
    // Entries of traceSpans / traceServices / incoming no list uses any more.
    size_t m_unusedTraceSpans = 0;
    size_t m_unusedServices = 0;
    size_t m_unusedIncoming = 0;
    // Pool entries only evicted records used; the pools are compacted once
    // these pass half, so that an eviction does not copy what it keeps.
    size_t m_unusedAttributes = 0;
    size_t m_unusedEvents = 0;
    // Per scope, how many spans use it: scopes (and resources) whose spans
    // all went are removed with them.
    std::vector<uint32_t> m_scopeSpans;
    // Strings in the pool when it was last compacted.
    size_t m_stringsAtCompaction = 0;
    // Times the pools (attributes, values, events) and the strings were
    // compacted: until they change, a pool only grows at its end, so that a
    // copy behind another holds a prefix of the other's (catchUpWith).
    uint64_t m_poolCompactions = 0;
    uint64_t m_stringCompactions = 0;
    uint64_t m_listCompactions = 0;      // compactLists() runs that rewrote a list pool

    // findSpan() for items [from, to) at once, each one's memory fetched
    // ahead while earlier ones are looked up (finalize resolves every parent
    // and link, each otherwise a chain of cache misses): `key(i, trace,
    // span)` points at item i's ids or returns false (nothing to look up),
    // `found(i, span)` takes the result (kNone: absent).
    template<typename Key, typename Found>
    void findSpans(uint32_t from, uint32_t to, const Key &key, const Found &found) const;
    // A growing model keeps the spans of traces with more than this many
    // spans in its span table; smaller traces are scanned instead (their
    // records sit together; a table slot is a cache miss at a million spans).
    static constexpr uint32_t kScannedSpans = 64;
    // The span table entry of a span (if it has none yet).
    void indexSpan(uint32_t span);
    // findSpan() in the sorted index and the span table only.
    uint32_t findIndexed(const TraceId &t, const SpanId &s) const;
    // The span of trace `trace` with id `id` (kNone if none): small traces
    // are searched in their own span list (and `more`, spans being added),
    // which are near in memory, instead of the span table.
    uint32_t findInTrace(uint32_t trace, const SpanId &id, const std::vector<uint32_t> *more = nullptr) const;
    void buildGrowthState();
    void summariseTrace(uint32_t trace);
    void addIncoming(uint32_t link);
    void compactLists();
    // The growth state's counters (orphans, unused pool entries, compactions) of `from`.
    void copyCounters(const Model &from);
    void compactPools(bool strings);
};

} // namespace causeway
