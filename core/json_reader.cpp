// OTLP/JSON bulk reader.
//
// A large document is not handed to a JSON parser whole: that would need a
// padded copy of the file plus an index several times its size. The
// resourceSpans array is cut into runs of whole entries of 256-512 KB at
// guessed entry starts; a worker parses each run whole and reads it into a
// model of its own, and the loading thread merges the runs in file order.
// Where a guess is wrong, or a run has anything to report, its entries are
// read the older way: a byte scanner walks the outer levels (resourceSpans,
// scopeSpans) and cuts the spans into batches of up to 2 MB, parsed on the
// workers, while the loading thread reads resources and scopes itself. Runs
// and batches end where the bytes say, so the model is the same whatever
// the thread count. JSON Lines files are cut into stretches of bytes; a
// worker takes the lines that start in its stretch, each parsed as its own
// document, and the loading thread numbers lines only where it reads a
// stretch again (diagnostics name lines).
//
// Lines and runs are first read on the fast path (OtlpFastReader,
// simdjson's On-Demand API, no DOM tape); a batch or run it refuses (a
// diagnostic, anything unusual, invalid JSON) is read again, whole, by the
// DOM reader, so models, diagnostics and errors are the DOM reader's.

#include "core/json_otlp.h"
#include "core/json_otlp_fast.h"
#include "core/json_scan.h"
#include "core/hugepages.h"
#include "core/poolprefault.h"
#include "core/readers.h"

#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <thread>

namespace causeway::detail {

namespace {

bool isResourceSpans(const TopLevelShape &shape)
{
    for (const auto &k : shape.keys)
        if (k == "scopeSpans" || k == "scope_spans" || k == "instrumentationLibrarySpans" || k == "instrumentation_library_spans")
            return true;
    return false;
}

// OTLP logs, metrics or profiles in a JSON Lines file of traces; null for anything else.
const DiagnosticCode *otherSignal(const TopLevelShape &shape)
{
    for (const auto &k : shape.keys) {
        if (k == "resourceLogs" || k == "resource_logs")
            return &diag::JsonLineLogs;
        if (k == "resourceMetrics" || k == "resource_metrics")
            return &diag::JsonLineMetrics;
        if (k == "resourceProfiles" || k == "resource_profiles")
            return &diag::JsonLineProfiles;
    }
    return nullptr;
}

// Spans are parsed in batches of about this many bytes: large enough that a
// batch's fixed costs (a model fragment, its string pool, the merge) stay
// small, small enough for two threads to share a medium file. Chosen from
// the input size alone so the result never depends on the thread count.
size_t batchBytesFor(size_t inputBytes)
{
    return std::clamp<size_t>(inputBytes / 64, size_t(256) << 10, size_t(2) << 20);
}
constexpr size_t kBatchBytes = size_t(1) << 20; // JSON Lines batches
// A document's runs of resourceSpans entries (ChunkJob) hold 256-512 KB: a
// run is parsed whole, and the parse of a small run (input, simdjson's
// index and tape, ~4x the run) stays in the core's cache while its entries
// are read. Runs of 2-4 MB cost ~8% more CPU on the 200 MB document.
constexpr size_t kRunBytes = size_t(256) << 10;
constexpr size_t kParallelMinBytes = size_t(2) << 20;
// A JSON Lines line bigger than this is read like a document, in batches.
constexpr size_t kBigLineBytes = size_t(8) << 20;
// Merges wait once this many batches are queued; fixed so the order of work
// on the model does not depend on the thread count.
constexpr size_t kMaxQueued = 3;
// How far ahead of the merges the pools' room is faulted in, as a share of
// the room: a few dozen batches, a few MB of records.
constexpr double kPrefaultLead = 0.03;
// Inside records, JSON nested deeper than this is emptied before parsing;
// well below the parser's limit (kMaxJsonDepth) and far above what an
// AnyValue of kMaxAnyValueDepth levels needs.
constexpr size_t kCutJsonDepth = 512;

bool isWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

constexpr size_t kNoDepthLimit = ~size_t(0) >> 1;

// Tells the loader what input is finished, in steps of a few MB: each call
// may release mapped pages, and releasing in small pieces splits huge pages
// and costs more than the parse.
class DoneReporter
{
public:
    DoneReporter(const ReadContext &ctx, size_t inputBytes)
        : m_ctx(ctx), m_step(std::clamp<size_t>(inputBytes / 16, size_t(1) << 20, size_t(32) << 20))
    {
    }
    void advance(uint64_t upTo)
    {
        if (upTo >= m_last + m_step) {
            m_last = upTo;
            m_ctx.done(upTo);
        }
    }

private:
    const ReadContext &m_ctx;
    uint64_t m_step;
    uint64_t m_last = 0;
};

// Once the first few MB of a large input are in the model, the pools get
// room for the rest in one step, estimated from the bytes read so far:
// growing by doubling would copy them ~once more and fault in each new
// buffer. Untouched capacity costs address space, not resident memory.
class GrowthReserve
{
public:
    explicit GrowthReserve(const Model &out) : m_before(out.sizes()) {}
    // True when it reserved just now.
    bool reserveAfter(Model &out, uint64_t consumed, uint64_t total)
    {
        if (m_done || consumed < kSampleBytes)
            return false;
        m_done = true;
        if (total <= consumed)
            return false;
        out.reserveLike(m_before, double(total - consumed) / double(consumed) * 1.04);
        return true;
    }

private:
    static constexpr uint64_t kSampleBytes = uint64_t(4) << 20;
    Model::Sizes m_before;
    bool m_done = false;
};

// A reusable copy of some input with the zeroed padding simdjson reads past the end.
class PaddedBuffer
{
public:
    const char *fill(std::string_view before, std::string_view body, std::string_view after)
    {
        char *p = reserve(before.size() + body.size() + after.size());
        // An empty view may have a null data pointer, which memcpy must not see.
        if (!before.empty())
            std::memcpy(p, before.data(), before.size());
        if (!body.empty())
            std::memcpy(p + before.size(), body.data(), body.size());
        if (!after.empty())
            std::memcpy(p + before.size() + body.size(), after.data(), after.size());
        return p;
    }
    // Room for len bytes plus zeroed padding; the caller writes the bytes.
    char *reserve(size_t len)
    {
        if (len + simdjson::SIMDJSON_PADDING > m_capacity) {
            m_capacity = std::max(len + simdjson::SIMDJSON_PADDING, m_capacity * 2);
            m_data = std::make_unique<char[]>(m_capacity);
        }
        std::memset(m_data.get() + len, 0, simdjson::SIMDJSON_PADDING);
        return m_data.get();
    }
    // Room for len bytes plus zeroed padding, keeping the first `used` bytes.
    char *extend(size_t used, size_t len)
    {
        if (len + simdjson::SIMDJSON_PADDING > m_capacity) {
            const size_t capacity = std::max(len + simdjson::SIMDJSON_PADDING, m_capacity * 2);
            auto data = std::make_unique_for_overwrite<char[]>(capacity);
            if (used)
                std::memcpy(data.get(), m_data.get(), used);
            m_data = std::move(data);
            m_capacity = capacity;
        }
        std::memset(m_data.get() + len, 0, simdjson::SIMDJSON_PADDING);
        return m_data.get();
    }
    // Large one-off documents should not keep their buffer.
    void shrink()
    {
        if (m_capacity > (size_t(16) << 20)) {
            m_data.reset();
            m_capacity = 0;
        }
    }

private:
    std::unique_ptr<char[]> m_data;
    size_t m_capacity = 0;
};

// Fragments the loading thread has merged, emptied with their capacity
// kept: a worker fills one again instead of faulting in fresh pages for
// every batch (and the loading thread no longer unmaps them).
class FragmentCache
{
public:
    Model take()
    {
        std::lock_guard lock(m_mutex);
        if (m_spare.empty())
            return Model();
        Model m = std::move(m_spare.back());
        m_spare.pop_back();
        return m;
    }
    // `fragment` has been merged (Model::mergeReusing): empty, capacity kept.
    void give(Model &fragment)
    {
        std::lock_guard lock(m_mutex);
        if (m_spare.size() < kMaxQueued + 2)
            m_spare.push_back(std::move(fragment));
    }

private:
    std::mutex m_mutex;
    std::vector<Model> m_spare;
};

struct WorkerState
{
    simdjson::dom::parser parser;
    simdjson::ondemand::parser onDemand; // the fast path's (OtlpFastReader)
    PaddedBuffer buffer;
    PaddedBuffer stretch; // a JSON Lines stretch copied from the file (LinesJob::copyStretch)
    FragmentCache *fragments = nullptr;

    Model takeFragment() { return fragments ? fragments->take() : Model(); }

    // After an unusually large batch (one huge span, one huge line), let go
    // of what it needed rather than keep it for the rest of the load.
    void shrink()
    {
        buffer.shrink();
        stretch.shrink();
        if (parser.capacity() > (size_t(64) << 20))
            parser = simdjson::dom::parser();
        if (onDemand.capacity() > (size_t(64) << 20))
            onDemand = simdjson::ondemand::parser();
    }
};

struct Job
{
    virtual ~Job() = default;
    virtual void run(WorkerState &state) = 0;
    bool done = false; // guarded by the pool's mutex
    bool outOfMemory = false; // std::bad_alloc on a worker, rethrown on the loading thread
};

class WorkerPool
{
public:
    explicit WorkerPool(unsigned workers)
    {
        m_main.fragments = &m_fragments;
        for (unsigned i = 0; i < workers; ++i)
            m_threads.emplace_back([this] { loop(); });
    }
    ~WorkerPool()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        for (auto &t : m_threads)
            t.join();
    }
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    // No threads of its own: runs every job on the caller's thread with
    // `state` (a worker's parser and buffers) and the cache `state` uses.
    explicit WorkerPool(WorkerState &state) : m_borrowed(&state) {}

    WorkerState &mainState() { return m_borrowed ? *m_borrowed : m_main; }
    void recycle(Model &fragment)
    {
        if (m_borrowed && m_borrowed->fragments)
            m_borrowed->fragments->give(fragment);
        else
            m_fragments.give(fragment);
    }
    // Workers fault in what it allows between two jobs; without workers it is never run.
    PoolPrefaulter &prefaulter() { return m_prefaulter; }

    void submit(const std::shared_ptr<Job> &job)
    {
        if (m_threads.empty()) {
            job->run(mainState());
            job->done = true;
            return;
        }
        {
            std::lock_guard lock(m_mutex);
            m_queue.push_back(job);
        }
        m_wake.notify_one();
    }

    void wait(Job &job)
    {
        if (m_threads.empty())
            return;
        std::unique_lock lock(m_mutex);
        m_finished.wait(lock, [&] { return job.done; });
        if (job.outOfMemory)
            throw std::bad_alloc();
    }

private:
    void loop()
    {
        WorkerState state;
        state.fragments = &m_fragments;
        for (;;) {
            std::shared_ptr<Job> job;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
                if (m_stop)
                    return;
                job = std::move(m_queue.front());
                m_queue.pop_front();
            }
            bool outOfMemory = false;
            try {
                job->run(state);
            } catch (const std::bad_alloc &) {
                outOfMemory = true;
                state = WorkerState();
                state.fragments = &m_fragments;
            }
            {
                std::lock_guard lock(m_mutex);
                job->outOfMemory = outOfMemory;
                job->done = true;
            }
            m_finished.notify_all();
            m_prefaulter.run();
        }
    }

    FragmentCache m_fragments; // before the threads, which use it
    PoolPrefaulter m_prefaulter;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_wake, m_finished;
    std::deque<std::shared_ptr<Job>> m_queue;
    bool m_stop = false;
    WorkerState m_main;
    WorkerState *m_borrowed = nullptr;
};

// Where simdjson's refusal of `text` lies. `text` may carry one extra byte
// in front (the '[' that turns a batch into an array): `skew` removes it.
JsonScanError locate(std::string_view text, simdjson::error_code code, uint64_t base, uint64_t skew, uint64_t limit)
{
    JsonScanError e;
    if (findJsonError(text, kMaxJsonDepth, e)) {
        e.offset = std::min(base + (e.offset > skew ? e.offset - skew : 0), limit);
        return e;
    }
    e.offset = base;
    e.truncated = false;
    e.message = std::string("JSON the parser refuses: ") + simdjson::error_message(code);
    return e;
}

// simdjson refuses a \u escape of a lone UTF-16 surrogate, which JavaScript's
// JSON.stringify writes. The copy being parsed is repaired (U+FFFD) and
// parsed again, so the record is kept; `out` gets a warning naming the place.
//
// Nesting beyond what the parser takes is emptied the same way (the readers
// cut AnyValue nesting far above it, at kMaxAnyValueDepth, as for protobuf),
// so deep data costs the record its deep part, not the whole file.
simdjson::error_code parseRepairing(WorkerState &state, const char *buf, size_t len, simdjson::dom::element &root,
                                    Model &out, const std::function<JsonPlace(size_t)> &placeOf)
{
    auto code = state.parser.parse(buf, len, false).get(root);
    size_t first = 0;
    if (code == simdjson::DEPTH_ERROR) {
        const size_t emptied = emptyDeepContainers(const_cast<char *>(buf), len, kCutJsonDepth, first);
        if (!emptied)
            return code;
        code = state.parser.parse(buf, len, false).get(root);
        if (!code)
            out.diagnostics.add(diag::ValueTooDeep,
                placeOf(first).prefix() + "a value is nested deeper than " + std::to_string(kCutJsonDepth)
                    + " JSON levels; the deeper part is left empty", emptied);
    }
    if (!code)
        return code;
    const size_t repaired = repairLoneSurrogates(const_cast<char *>(buf), len, first);
    if (!repaired)
        return code;
    code = state.parser.parse(buf, len, false).get(root);
    if (!code)
        out.diagnostics.add(diag::JsonLoneSurrogate,
            placeOf(first).prefix() + "a string holds a lone UTF-16 surrogate escape; replaced with U+FFFD", repaired);
    return code;
}

std::string invalidJsonMessage(const JsonScanError &e, bool wholeFile)
{
    if (e.truncated)
        return std::string(wholeFile ? "the file" : "the line") + " ends unexpectedly " + e.message;
    if (e.message.rfind("JSON nested deeper", 0) == 0)
        return e.message + "; Causeway does not read JSON this deep";
    return "invalid JSON: " + e.message;
}

// A batch of spans, parsed off the main thread. It may run across several
// spans arrays (real files have many small ones); `segments` says which
// spans belong to which scope.
struct SpanBatchJob final : Job
{
    struct Segment
    {
        const void *scope = nullptr;   // the reader's slot for the scope; opaque here
        const void *resource = nullptr;
        size_t inputSpans = 0;
        size_t producedSpans = 0;      // after skipping spans that cannot be kept
    };
    std::string_view input;
    uint64_t begin = 0, end = 0;       // from the first span's '{' to the last span's '}'
    std::vector<uint64_t> starts;      // each span's offset, for messages
    std::vector<uint64_t> spanEnds;
    std::vector<Segment> segments;
    JsonPlace place;
    const ReadContext *ctx = nullptr;
    // Set when the job runs on the thread that owns the model it belongs
    // to (a run of the document read by a ChunkJob): the spans go straight into it,
    // from row `firstRow` on, instead of into a fragment merged later.
    Model *direct = nullptr;
    size_t firstRow = 0;

    Model fragment;
    bool failed = false, cancelled = false;
    JsonScanError error;

    void run(WorkerState &state) override
    {
        if (ctx->cancelled()) {
            cancelled = true;
            return;
        }
        if (!direct)
            fragment = state.takeFragment();
        Model &target = direct ? *direct : fragment;
        firstRow = target.hot.size();
        // One array of the batch's spans. Within one spans array the text
        // between spans is only commas; across arrays the spans are joined.
        size_t len = 0;
        const char *buf = nullptr;
        std::vector<uint64_t> joinedAt; // where each span starts in buf
        if (segments.size() <= 1) {
            const std::string_view body = input.substr(begin, end - begin);
            buf = state.buffer.fill("[", body, "]");
            len = body.size() + 2;
        } else {
            len = 1 + starts.size();
            for (size_t i = 0; i < starts.size(); ++i)
                len += spanEnds[i] - starts[i];
            char *p = state.buffer.reserve(len);
            joinedAt.reserve(starts.size());
            size_t at = 0;
            p[at++] = '[';
            for (size_t i = 0; i < starts.size(); ++i) {
                if (i)
                    p[at++] = ',';
                joinedAt.push_back(at);
                std::memcpy(p + at, input.data() + starts[i], spanEnds[i] - starts[i]);
                at += spanEnds[i] - starts[i];
            }
            p[at++] = ']';
            buf = p;
        }
        simdjson::dom::element root;
        const auto placeOf = [&](size_t at) {
            JsonPlace p = place;
            p.offset = fileOffset(at, joinedAt);
            return p;
        };
        if (auto code = parseRepairing(state, buf, len, root, target, placeOf)) {
            failed = true;
            error = locate(std::string_view(buf, len), code, 0, 0, len);
            error.offset = fileOffset(error.offset, joinedAt);
            return;
        }
        OtlpDomReader reader(target);
        reader.place = place;
        simdjson::dom::array spans;
        if (root.get_array().get(spans) != simdjson::SUCCESS)
            return;
        size_t i = 0, segment = 0, inSegment = 0;
        for (simdjson::dom::element span : spans) {
            while (segment < segments.size() && inSegment == segments[segment].inputSpans) {
                ++segment;
                inSegment = 0;
            }
            reader.place.offset = starts[std::min(i++, starts.size() - 1)];
            const size_t before = target.hot.size();
            reader.readSpan(span, 0, 0);
            if (segment < segments.size())
                segments[segment].producedSpans += target.hot.size() - before;
            ++inSegment;
        }
        state.shrink();
    }

    // An offset in the parsed buffer back to the input.
    uint64_t fileOffset(uint64_t at, const std::vector<uint64_t> &joinedAt) const
    {
        if (joinedAt.empty())
            return std::min(begin + (at > 0 ? at - 1 : 0), end);
        auto it = std::upper_bound(joinedAt.begin(), joinedAt.end(), at);
        if (it == joinedAt.begin())
            return starts.front();
        const size_t i = size_t(it - joinedAt.begin()) - 1;
        return std::min(starts[i] + (at - joinedAt[i]), spanEnds[i]);
    }
};

// A run of whole resourceSpans entries of a document, read on a worker into
// a model of its own: the worker finds the spans (and resources and scopes)
// of its byte range itself, so the loading thread neither scans nor parses
// them. Where the run ends is a guess (DocumentReader::guessEntryStart); the
// run counts only if it is shown to end there, by parsing it whole
// (readWhole) or by walking its entries as the document reader does, and
// the entries from `begin` on are otherwise read on the loading thread as
// before, so a wrong guess or bad input costs time, never a different
// result or message.
struct ChunkJob final : Job
{
    static constexpr uint64_t kOpen = ~uint64_t(0); // the run goes on to the array's end
    std::string_view input;      // the document reader's input
    uint64_t docBegin = 0, line = 0;
    uint64_t begin = 0;          // the first entry's '{'
    uint64_t stop = kOpen;       // where the next run's first entry is guessed to start
    size_t depth = 0;
    const ReadContext *ctx = nullptr;
    std::atomic<bool> abandoned{false};

    Model model;
    bool landed = false, cancelled = false;
    uint64_t arrayEnd = 0;       // the array's ']', when the run reached it

    void run(WorkerState &state) override;
    bool readWhole(WorkerState &state);
};

// Reads one JSON document (a whole file, or one very long line) by scanning
// its outer levels and parsing the spans in batches.
class DocumentReader
{
public:
    // `chunk`: the reader runs on a worker for one ChunkJob: its model is
    // the chunk's, its pool runs everything on that worker, and progress
    // and growth are left to the loading thread.
    DocumentReader(std::string_view input, uint64_t begin, uint64_t end, uint64_t line, const ReadContext &ctx,
                   Model &out, WorkerPool &pool, bool chunk = false)
        : m_input(input.substr(0, end)), m_begin(begin), m_line(line), m_batchBytes(batchBytesFor(end - begin)),
          m_ctx(ctx), m_out(out), m_pool(pool), m_reader(out), m_done(ctx, end - begin), m_chunk(chunk)
    {
        m_reader.place = {ctx.name, line, begin};
    }

    // For a ChunkJob: reads the entries of a resourceSpans array from
    // `begin` (an entry's '{') until the next entry would start at `stop`,
    // or to the array's end when `stop` is ChunkJob::kOpen (its ']' goes to
    // `arrayEnd`). False when the entries do not end there, on bad input
    // and on cancellation; then nothing of the model is used.
    bool readEntries(uint64_t begin, uint64_t stop, size_t depth, uint64_t &arrayEnd)
    {
        m_depth = depth;
        size_t pos = begin;
        for (;;) {
            size_t end = pos;
            if (!resourceSpans(pos, end))
                return false;
            pos = ws(end);
            if (pos >= m_input.size())
                return false;
            if (m_input[pos] == ']') {
                arrayEnd = pos;
                return stop == ChunkJob::kOpen && flushShared() && drain(0);
            }
            if (m_input[pos] != ',')
                return false;
            pos = ws(pos + 1);
            if (pos == stop)
                return flushShared() && drain(0);
            if (pos > stop)
                return false;
        }
    }

    // False on a fatal problem (error filled) or on cancellation.
    bool run(LoadError &error)
    {
        const bool ok = parseDocument() && flushShared() && drain(0);
        if (!ok && !m_cancelled) {
            // The scanner matches brackets without checking their kind, so it can
            // notice damage late; the strict checker finds the first fault.
            JsonScanError first;
            if (findJsonError(m_input.substr(m_begin), kMaxJsonDepth, first) && m_begin + first.offset <= m_error.offset) {
                first.offset += m_begin;
                fail(first);
            }
            error.file = std::string(m_ctx.name);
            error.line = m_line;
            error.offset = m_error.offset;
            error.message = m_error.message;
        }
        return ok;
    }

    bool cancelled() const { return m_cancelled; }
    // Where more JSON Lines follow the document, 0 if none.
    uint64_t moreLinesAt() const { return m_moreLinesAt; }

private:
    struct Slot
    {
        uint32_t index = 0;
        StringId service = 0;
    };
    struct Action
    {
        enum Kind { AddResource, ResourceSchema, AddScope, ScopeSchema, Spans } kind = AddResource;
        Slot *slot = nullptr;
        Slot *parent = nullptr;
        bool hasRange = false;
        uint64_t begin = 0, end = 0;
        std::shared_ptr<SpanBatchJob> job;
    };
    // Records that must wait until the resource (or scope) they belong to is known:
    // JSON objects have no key order, and proto JSON writes schemaUrl last.
    struct Pending
    {
        Slot *slot = nullptr;
        bool emitted = false;
        std::vector<Action> held;
    };

    bool fail(uint64_t offset, std::string message, bool truncated = false)
    {
        m_error.offset = offset;
        m_error.truncated = truncated;
        m_error.message = std::move(message);
        if (truncated)
            m_error.message = std::string(m_line ? "the line" : "the file") + " ends unexpectedly " + m_error.message;
        return false;
    }
    bool fail(const JsonScanError &e) { return fail(e.offset, invalidJsonMessage(e, m_line == 0)); }

    size_t ws(size_t pos) const
    {
        while (pos < m_input.size() && isWs(m_input[pos]))
            ++pos;
        return pos;
    }
    char at(size_t pos) const { return pos < m_input.size() ? m_input[pos] : '\0'; }

    bool expect(size_t &pos, char c, const char *what)
    {
        pos = ws(pos);
        if (pos >= m_input.size())
            return fail(m_input.size(), std::string("where ") + what + " was expected", true);
        if (m_input[pos] != c)
            return fail(pos, std::string("invalid JSON: expected ") + what);
        ++pos;
        return true;
    }

    size_t depthLeft() const { return kMaxJsonDepth > m_depth ? kMaxJsonDepth - m_depth : 1; }

    // Inside records (a resource, a scope) deep values are cut when parsed,
    // not refused here; only the document's own levels keep the depth limit.
    bool skipValidated(size_t pos, size_t &end, bool limitDepth = false)
    {
        JsonScanError e;
        const size_t depth = limitDepth ? depthLeft() : kNoDepthLimit;
        if (!skipValue(m_input, pos, depth, end, e))
            return fail(e);
        if (findJsonError(m_input.substr(pos, end - pos), depth, e)) {
            e.offset += pos;
            return fail(e);
        }
        return true;
    }

    // A resource or scope is parsed on this thread when its turn comes
    // (parseSmall), and a fault the parser finds there fails the document
    // like one found here; run() then names the document's first fault. So
    // only its end is found here: checking it strictly as well was 4% of a
    // document load's instructions, all on this thread.
    bool skipParsedLater(size_t pos, size_t &end)
    {
        JsonScanError e;
        if (!skipValue(m_input, pos, kNoDepthLimit, end, e))
            return fail(e);
        return true;
    }

    // Past the bracket `open` at pos and the whitespace after it; `empty`
    // when `close` follows at once (pos is then past it).
    bool enter(size_t &pos, char open, char close, bool &empty)
    {
        const char expected[] = {'\'', open, '\'', 0};
        if (!expect(pos, open, expected))
            return false;
        ++m_depth;
        pos = ws(pos);
        empty = at(pos) == close;
        if (empty) {
            ++pos;
            --m_depth;
        }
        return true;
    }

    // Iterates an object at pos; calls onField(key, valuePos, valueEnd&) for each field.
    template<typename OnField>
    bool object(size_t &pos, OnField &&onField)
    {
        bool empty = false;
        if (!enter(pos, '{', '}', empty))
            return false;
        if (empty)
            return true;
        for (;;) {
            pos = ws(pos);
            if (pos >= m_input.size())
                return fail(pos, "where an object key was expected", true);
            if (m_input[pos] != '"')
                return fail(pos, "invalid JSON: expected an object key (a string)");
            size_t keyEnd = 0;
            JsonScanError e;
            if (!skipString(m_input, pos, keyEnd, e))
                return fail(e);
            const std::string_view key = m_input.substr(pos + 1, keyEnd - pos - 2);
            pos = keyEnd;
            if (!expect(pos, ':', "':'"))
                return false;
            pos = ws(pos);
            if (pos >= m_input.size())
                return fail(pos, "where a value was expected", true);
            size_t end = pos;
            if (!onField(key, pos, end))
                return false;
            pos = ws(end);
            if (pos >= m_input.size())
                return fail(pos, "where ',' or '}' was expected", true);
            if (m_input[pos] == '}') {
                ++pos;
                --m_depth;
                return true;
            }
            if (m_input[pos] != ',')
                return fail(pos, "invalid JSON: expected ',' or '}'");
            ++pos;
        }
    }

    // Iterates an array at pos; calls onItem(itemPos, itemEnd&) for each element.
    template<typename OnItem>
    bool array(size_t &pos, OnItem &&onItem)
    {
        bool empty = false;
        if (!enter(pos, '[', ']', empty))
            return false;
        if (empty)
            return true;
        for (;;) {
            pos = ws(pos);
            if (pos >= m_input.size())
                return fail(pos, "where a value was expected", true);
            size_t end = pos;
            if (!onItem(pos, end))
                return false;
            bool closed = false;
            if (!afterItem(end, pos, closed))
                return false;
            if (closed)
                return true;
        }
    }

    // After an array's item that ends at `end`: past the ']' that closes the
    // array (`closed`), or past the ',' before the next item.
    bool afterItem(size_t end, size_t &pos, bool &closed)
    {
        pos = ws(end);
        if (pos >= m_input.size())
            return fail(pos, "where ',' or ']' was expected", true);
        if (m_input[pos] == ']') {
            ++pos;
            --m_depth;
            closed = true;
            return true;
        }
        if (m_input[pos] != ',')
            return fail(pos, "invalid JSON: expected ',' or ']'");
        ++pos;
        closed = false;
        return true;
    }

    // A list value that may also be null or, wrongly, something else.
    template<typename OnItem>
    bool listField(std::string_view field, size_t pos, size_t &end, OnItem &&onItem)
    {
        if (at(pos) == '[') {
            end = pos;
            return array(end, onItem);
        }
        if (!skipValidated(pos, end))
            return false;
        if (at(pos) != 'n') {
            m_reader.place.offset = pos;
            m_reader.diag(diag::JsonWrongType, [&] {
                return std::string(field) + " is " + jsonKindName(at(pos)) + ", expected an array; ignored";
            });
        }
        return true;
    }

    bool parseDocument()
    {
        size_t pos = ws(m_begin);
        if (m_input.substr(pos, 3) == "\xEF\xBB\xBF")
            pos = ws(pos + 3);
        if (pos >= m_input.size())
            return fail(pos, "before any JSON value", true);
        const char first = m_input[pos];
        if (first != '{') {
            if (first == '[') {
                m_shape.isArray = true;
                size_t item = ws(pos + 1);
                if (at(item) == '{') {
                    size_t p = item;
                    // Only the keys matter here; a syntax error is reported by checkWhole().
                    (void)object(p, [&](std::string_view key, size_t vpos, size_t &vend) {
                        if (m_shape.keys.size() < 32)
                            m_shape.keys.emplace_back(key);
                        JsonScanError e;
                        return skipValue(m_input, vpos, depthLeft(), vend, e);
                    });
                }
            }
            if (!checkWhole(pos))
                return false;
            if (first == '[')
                return fail(pos, describeNonOtlp(m_shape));
            return fail(pos, std::string("not OTLP/JSON: the document is ") + jsonKindName(first)
                                 + ", expected an object with resourceSpans");
        }
        bool found = false;
        const size_t top = pos;
        if (!topObject(pos, 0, found))
            return false;
        if (!found && isResourceSpans(m_shape)) {
            // One ResourceSpans without the TracesData around it (OpenTelemetry Java's logging-otlp exporter).
            size_t end = top;
            if (!resourceSpans(top, end))
                return false;
            found = true;
        }
        const size_t tail = ws(pos);
        if (tail < m_input.size()) {
            // Another object on a later line: JSON Lines whose first line was
            // too long for the format sniffer to see its end.
            if (m_line == 0 && m_input[tail] == '{' && m_input.substr(pos, tail - pos).find('\n') != std::string_view::npos) {
                m_moreLinesAt = tail;
                if (!found && !m_shape.keys.empty())
                    return fail(ws(m_begin), describeNonOtlp(m_shape));
                return true;
            }
            return fail(tail, "invalid JSON: unexpected data after the end of the document");
        }
        if (!found && !m_shape.keys.empty())
            return fail(ws(m_begin), describeNonOtlp(m_shape));
        return true;
    }

    // A syntax error anywhere wins over "not OTLP".
    bool checkWhole(size_t pos)
    {
        JsonScanError e;
        if (findJsonError(m_input.substr(pos), kMaxJsonDepth, e)) {
            e.offset += pos;
            return fail(e);
        }
        return true;
    }

    bool topObject(size_t &pos, int level, bool &found)
    {
        return object(pos, [&](std::string_view key, size_t vpos, size_t &vend) {
            if (level == 0 && m_shape.keys.size() < 32)
                m_shape.keys.emplace_back(key);
            if (key == "resourceSpans" || key == "resource_spans" || key == "batches") {
                found = true;
                if (at(vpos) == '[') {
                    vend = vpos;
                    return resourceSpansList(vend);
                }
                return listField("resourceSpans", vpos, vend, [&](size_t ipos, size_t &iend) {
                    return resourceSpans(ipos, iend);
                });
            }
            if (level == 0 && (key == "result" || key == "trace") && at(vpos) == '{') {
                vend = vpos;
                return topObject(vend, level + 1, found);
            }
            return skipValidated(vpos, vend, true);
        });
    }

    // The resourceSpans array at `pos` ('['); `pos` ends past its ']'. Runs
    // of whole entries of about kRunBytes go to workers as ChunkJobs,
    // each ending where the next is guessed to begin, and their models are
    // merged here in file order. An entry bigger than about a run is read
    // here as before, its spans in batches on the workers. A run that does
    // not land on its guess, or fails, is read here again entry by entry, as
    // before, up to its guess. Where the runs end depends on the bytes
    // alone, so the model does not depend on the thread count.
    bool resourceSpansList(size_t &pos)
    {
        bool empty = false;
        if (!enter(pos, '[', ']', empty))
            return false;
        if (empty)
            return true;
        size_t next = pos; // the next entry's start; certain whenever `chunks` is empty
        const bool mayChunk = !m_chunk && m_input.size() - pos > 2 * kRunBytes;
        bool chunking = mayChunk;
        uint64_t hereUntil = 0; // after a run that failed: where runs may start again
        bool handedAll = false; // a run goes to the array's end
        size_t noEndFor = kNotFound; // an entry start no guess was found after
        std::deque<std::shared_ptr<ChunkJob>> chunks;
        for (;;) {
            while (chunking && !handedAll && chunks.size() <= kMaxQueued) {
                if (m_ctx.cancelled()) {
                    m_cancelled = true;
                    return false;
                }
                // A run ends within kRunBytes after kRunBytes: an entry
                // bigger than that is read here, its spans in batches, which
                // keeps the work in pieces (and progress reported as often)
                // whatever the entries' size.
                const size_t from = next + kRunBytes;
                const size_t window = kRunBytes;
                if (next == noEndFor)
                    break;
                uint64_t stop = from < m_input.size() ? guessEntryStart(from, from + window) : kNotFound;
                if (stop == kNotFound) {
                    if (m_input.size() - next > kRunBytes + window) {
                        noEndFor = next; // a big entry: read below
                        break;
                    }
                    stop = ChunkJob::kOpen;
                }
                auto job = std::make_shared<ChunkJob>();
                job->input = m_input;
                job->docBegin = m_begin;
                job->line = m_line;
                job->begin = next;
                job->stop = stop;
                job->depth = m_depth;
                job->ctx = &m_ctx;
                m_pool.submit(job);
                chunks.push_back(std::move(job));
                if (stop == ChunkJob::kOpen)
                    handedAll = true;
                else
                    next = stop;
            }
            if (!chunks.empty()) {
                std::shared_ptr<ChunkJob> job = std::move(chunks.front());
                chunks.pop_front();
                m_pool.wait(*job);
                if (job->cancelled || m_ctx.cancelled()) {
                    m_cancelled = true;
                    return false;
                }
                if (job->landed) {
                    if (!commitChunk(*job))
                        return false;
                    if (job->stop == ChunkJob::kOpen) {
                        pos = job->arrayEnd + 1;
                        --m_depth;
                        return true;
                    }
                    continue;
                }
                // Read from this run's start here, entry by entry, as before,
                // until past its wrong guess; then runs again.
                for (auto &later : chunks)
                    later->abandoned.store(true, std::memory_order_relaxed);
                chunks.clear();
                chunking = false;
                handedAll = false;
                next = job->begin;
                hereUntil = job->stop;
            }
            // One entry here; `next` is certain.
            size_t end = next;
            if (!resourceSpans(next, end))
                return false;
            bool closed = false;
            if (!afterItem(end, pos, closed))
                return false;
            if (closed)
                return true;
            next = ws(pos);
            if (next >= m_input.size())
                return fail(next, "where a value was expected", true);
            if (mayChunk && !chunking && next >= hereUntil && hereUntil != ChunkJob::kOpen)
                chunking = true;
        }
    }

    static constexpr uint64_t kNotFound = ~uint64_t(0) - 1;

    // Where a resourceSpans entry probably starts in [from, limit): a '{'
    // after "}," whose first key names a ResourceSpans field. In valid JSON
    // that '{' is structure, not text (inside a string, the '"' after it
    // would end the string, and a name cannot follow a string), though not
    // necessarily an entry of resourceSpans: the run ending there checks.
    uint64_t guessEntryStart(size_t from, size_t limit) const
    {
        static constexpr std::string_view kFirstKeys[] = {"resource", "scopeSpans", "scope_spans",
                                                          "instrumentationLibrarySpans",
                                                          "instrumentation_library_spans"};
        limit = std::min(limit, m_input.size());
        const char *base = m_input.data();
        size_t pos = from;
        while (pos < limit) {
            const void *hit = std::memchr(base + pos, '{', limit - pos);
            if (!hit)
                return kNotFound;
            const size_t brace = size_t(static_cast<const char *>(hit) - base);
            pos = brace + 1;
            size_t k = brace;
            while (k > m_begin && isWs(base[k - 1]))
                --k;
            if (k <= m_begin || base[k - 1] != ',')
                continue;
            --k;
            while (k > m_begin && isWs(base[k - 1]))
                --k;
            if (k <= m_begin || base[k - 1] != '}')
                continue;
            const size_t quote = ws(brace + 1);
            if (at(quote) != '"')
                continue;
            for (std::string_view key : kFirstKeys) {
                if (m_input.substr(quote + 1, key.size()) == key && at(quote + 1 + key.size()) == '"'
                    && at(ws(quote + 2 + key.size())) == ':')
                    return brace;
            }
        }
        return kNotFound;
    }

    // A run read on a worker joins the model after everything before it.
    bool commitChunk(ChunkJob &job)
    {
        if (!flushShared() || !drain(0))
            return false;
        m_out.mergeReusing(job.model);
        m_pool.recycle(job.model);
        const uint64_t end = job.stop == ChunkJob::kOpen ? job.arrayEnd : job.stop;
        m_growth.reserveAfter(m_out, end - m_begin, m_input.size() - m_begin);
        m_done.advance(end);
        return true;
    }

    bool wrongTypeEntry(const char *what, size_t pos, size_t &end)
    {
        if (!skipValidated(pos, end))
            return false;
        m_reader.place.offset = pos;
        m_reader.diag(diag::JsonWrongType, [&] {
            return std::string(what) + " is " + jsonKindName(at(pos)) + ", expected an object; ignored";
        });
        return true;
    }

    bool resourceSpans(size_t pos, size_t &end)
    {
        if (at(pos) != '{')
            return wrongTypeEntry("a resourceSpans entry", pos, end);
        m_slots.emplace_back();
        Pending rp{&m_slots.back(), false, {}};
        bool hasSchema = false;
        uint64_t schemaBegin = 0, schemaEnd = 0;
        end = pos;
        const bool ok = object(end, [&](std::string_view key, size_t vpos, size_t &vend) {
            if (key == "resource") {
                if (!skipParsedLater(vpos, vend))
                    return false;
                if (!rp.emitted) {
                    Action a{Action::AddResource, rp.slot, nullptr, true, vpos, vend, {}};
                    emitResource(rp, a);
                }
                return true;
            }
            if (key == "schemaUrl" || key == "schema_url") {
                if (!skipValidated(vpos, vend))
                    return false;
                hasSchema = true;
                schemaBegin = vpos;
                schemaEnd = vend;
                return true;
            }
            if (key == "scopeSpans" || key == "scope_spans" || key == "instrumentationLibrarySpans"
                || key == "instrumentation_library_spans") {
                return listField("scopeSpans", vpos, vend, [&](size_t ipos, size_t &iend) {
                    return scopeSpans(rp, ipos, iend);
                });
            }
            return skipValidated(vpos, vend);
        });
        if (!ok)
            return false;
        if (!rp.emitted)
            emitResource(rp, Action{Action::AddResource, rp.slot, nullptr, false, 0, 0, {}});
        if (hasSchema)
            push(Action{Action::ResourceSchema, rp.slot, nullptr, true, schemaBegin, schemaEnd, {}});
        return true;
    }

    void emitResource(Pending &rp, const Action &add)
    {
        push(add);
        rp.emitted = true;
        for (auto &a : rp.held)
            push(std::move(a));
        rp.held.clear();
    }
    void toResource(Pending &rp, Action a)
    {
        if (rp.emitted)
            push(std::move(a));
        else
            rp.held.push_back(std::move(a));
    }
    void emitScope(Pending &rp, Pending &sp, const Action &add)
    {
        toResource(rp, add);
        sp.emitted = true;
        for (auto &a : sp.held)
            toResource(rp, std::move(a));
        sp.held.clear();
    }
    void toScope(Pending &rp, Pending &sp, Action a)
    {
        if (sp.emitted)
            toResource(rp, std::move(a));
        else
            sp.held.push_back(std::move(a));
    }
    void push(Action a)
    {
        if (a.kind == Action::Spans)
            ++m_queuedBatches;
        m_queue.push_back(std::move(a));
    }

    bool scopeSpans(Pending &rp, size_t pos, size_t &end)
    {
        if (at(pos) != '{')
            return wrongTypeEntry("a scopeSpans entry", pos, end);
        m_slots.emplace_back();
        Pending sp{&m_slots.back(), false, {}};
        bool hasSchema = false;
        uint64_t schemaBegin = 0, schemaEnd = 0;
        end = pos;
        const bool ok = object(end, [&](std::string_view key, size_t vpos, size_t &vend) {
            if (key == "scope" || key == "instrumentationLibrary" || key == "instrumentation_library") {
                if (!skipParsedLater(vpos, vend))
                    return false;
                if (!sp.emitted)
                    emitScope(rp, sp, Action{Action::AddScope, sp.slot, rp.slot, true, vpos, vend, {}});
                return true;
            }
            if (key == "schemaUrl" || key == "schema_url") {
                if (!skipValidated(vpos, vend))
                    return false;
                hasSchema = true;
                schemaBegin = vpos;
                schemaEnd = vend;
                return true;
            }
            if (key == "spans")
                return spans(rp, sp, vpos, vend);
            return skipValidated(vpos, vend);
        });
        if (!ok)
            return false;
        if (!sp.emitted)
            emitScope(rp, sp, Action{Action::AddScope, sp.slot, rp.slot, false, 0, 0, {}});
        if (hasSchema)
            toResource(rp, Action{Action::ScopeSchema, sp.slot, nullptr, true, schemaBegin, schemaEnd, {}});
        return true;
    }

    bool spans(Pending &rp, Pending &sp, size_t pos, size_t &end)
    {
        // Spans whose scope and resource are already queued join the shared
        // batch, which runs on across spans arrays. Spans that must wait for
        // a later "scope" or "resource" key get batches of their own.
        const bool direct = rp.emitted && sp.emitted;
        if (!direct && !flushShared())
            return false;
        std::shared_ptr<SpanBatchJob> own;
        std::shared_ptr<SpanBatchJob> &batch = direct ? m_shared : own;
        auto flushOwn = [&] {
            if (!own)
                return true;
            m_pool.submit(own);
            toScope(rp, sp, Action{Action::Spans, sp.slot, rp.slot, false, 0, 0, std::move(own)});
            own.reset();
            return drain(kMaxQueued);
        };
        const bool ok = listField("spans", pos, end, [&](size_t ipos, size_t &iend) {
            JsonScanError e;
            if (!skipValue(m_input, ipos, kNoDepthLimit, iend, e))
                return fail(e);
            if (!batch) {
                if (m_ctx.cancelled()) {
                    m_cancelled = true;
                    return false;
                }
                batch = std::make_shared<SpanBatchJob>();
                batch->input = m_input;
                batch->begin = ipos;
                batch->place = {m_ctx.name, m_line, ipos};
                batch->ctx = &m_ctx;
                if (m_chunk)
                    batch->direct = &m_out;
            }
            if (batch->segments.empty() || batch->segments.back().scope != sp.slot)
                batch->segments.push_back({sp.slot, rp.slot, 0, 0});
            ++batch->segments.back().inputSpans;
            batch->end = iend;
            batch->starts.push_back(ipos);
            batch->spanEnds.push_back(iend);
            if (batch->end - batch->begin >= m_batchBytes)
                return direct ? flushShared() : flushOwn();
            return true;
        });
        return ok && flushOwn();
    }

    bool flushShared()
    {
        if (!m_shared)
            return true;
        m_pool.submit(m_shared);
        push(Action{Action::Spans, nullptr, nullptr, false, 0, 0, std::move(m_shared)});
        m_shared.reset();
        return drain(kMaxQueued);
    }

    // Applies queued work to the model, in order, until at most `keep` span
    // batches are waiting (0: everything).
    bool drain(size_t keep)
    {
        while (!m_queue.empty() && (m_queuedBatches > keep || keep == 0)) {
            Action a = std::move(m_queue.front());
            m_queue.pop_front();
            if (a.kind == Action::Spans)
                --m_queuedBatches;
            if (!commit(a))
                return false;
        }
        return true;
    }

    // Parses a small value (resource, scope, schemaUrl) on this thread.
    bool parseSmall(const Action &a, simdjson::dom::element &out)
    {
        WorkerState &state = m_pool.mainState();
        const std::string_view body = m_input.substr(a.begin, a.end - a.begin);
        const char *buf = state.buffer.fill({}, body, {});
        const auto placeOf = [&](size_t) { return JsonPlace{m_ctx.name, m_line, a.begin}; };
        if (auto code = parseRepairing(state, buf, body.size(), out, m_out, placeOf)) {
            JsonScanError e = locate(std::string_view(buf, body.size()), code, a.begin, 0, a.end);
            return fail(e);
        }
        m_reader.place.offset = a.begin;
        return true;
    }

    bool commit(Action &a)
    {
        if (m_ctx.cancelled()) {
            m_cancelled = true;
            return false;
        }
        simdjson::dom::element value;
        switch (a.kind) {
        case Action::AddResource: {
            if (a.hasRange && !parseSmall(a, value))
                return false;
            a.slot->index = m_reader.readResource(a.hasRange ? &value : nullptr);
            a.slot->service = m_out.resources[a.slot->index].serviceName;
            return true;
        }
        case Action::AddScope:
            if (a.hasRange && !parseSmall(a, value))
                return false;
            a.slot->index = m_reader.readScope(a.hasRange ? &value : nullptr, a.parent->index);
            return true;
        case Action::ResourceSchema:
            if (!parseSmall(a, value))
                return false;
            m_out.resources[a.slot->index].schemaUrl = m_reader.readSchemaUrl(value);
            return true;
        case Action::ScopeSchema:
            if (!parseSmall(a, value))
                return false;
            m_out.scopes[a.slot->index].schemaUrl = m_reader.readSchemaUrl(value);
            return true;
        case Action::Spans: {
            SpanBatchJob &job = *a.job;
            m_pool.wait(job);
            if (job.cancelled) {
                m_cancelled = true;
                return false;
            }
            if (job.failed)
                return fail(job.error);
            size_t i = job.firstRow;
            if (!job.direct) {
                i = m_out.hot.size();
                m_out.mergeReusing(job.fragment);
                m_pool.recycle(job.fragment);
                m_growth.reserveAfter(m_out, job.end - m_begin, m_input.size() - m_begin);
            }
            for (const auto &segment : job.segments) {
                const auto *scope = static_cast<const Slot *>(segment.scope);
                const auto *resource = static_cast<const Slot *>(segment.resource);
                for (size_t k = 0; k < segment.producedSpans; ++k, ++i) {
                    m_out.cold[i].scope = scope->index;
                    m_out.hot[i].service = resource->service;
                }
            }
            if (!m_chunk)
                m_done.advance(job.end);
            a.job.reset();
            return true;
        }
        }
        return true;
    }

    std::string_view m_input;
    uint64_t m_begin;
    uint64_t m_line;
    size_t m_batchBytes;
    const ReadContext &m_ctx;
    Model &m_out;
    WorkerPool &m_pool;
    OtlpDomReader m_reader;
    DoneReporter m_done;
    GrowthReserve m_growth{m_out};

    size_t m_depth = 0;
    std::deque<Slot> m_slots;          // stable addresses
    std::deque<Action> m_queue;
    size_t m_queuedBatches = 0;
    std::shared_ptr<SpanBatchJob> m_shared;
    TopLevelShape m_shape;
    JsonScanError m_error;
    bool m_cancelled = false;
    uint64_t m_moreLinesAt = 0;
    bool m_chunk = false;
};

// The run parsed whole, as one array of its entries: when that parses, the
// guess was right (a run that begins at an entry and parses as a list of
// values ends before an entry of the same array), and the entries are read
// from the one parse. Only for a run whose reading has nothing to report:
// the parse does not say where in the file a span was, which diagnostics
// name, so a run with any is read again by the document reader.
//
// The last run is taken to end at the ']' before the document's closing
// '}': if what lies between parses as a list of values, that ']' closes
// the array (anything else, such as keys after the array, fails the parse).
bool ChunkJob::readWhole(WorkerState &state)
{
    size_t end = stop;
    if (stop == kOpen) {
        end = input.size();
        while (end > begin && isWs(input[end - 1]))
            --end;
        if (end == begin || input[end - 1] != '}')
            return false;
        --end;
        while (end > begin && isWs(input[end - 1]))
            --end;
        if (end == begin || input[end - 1] != ']')
            return false;
        arrayEnd = end - 1;
    }
    while (end > begin && isWs(input[end - 1]))
        --end;
    if (end == begin || input[end - 1] != (stop == kOpen ? ']' : ','))
        return false;
    std::string_view body = input.substr(begin, end - 1 - begin);
    while (!body.empty() && isWs(body.back()))
        body.remove_suffix(1);
    // Copied from the file where there is one (ReadContext::copy), so that
    // only the run's ends are read through the mapping.
    char *buf = state.buffer.reserve(body.size() + 2);
    buf[0] = '[';
    if (!body.empty() && !ctx->copy(body, buf + 1))
        std::memcpy(buf + 1, body.data(), body.size());
    buf[body.size() + 1] = ']';
    // Clean entries are read on the fast path (which refuses a lone
    // surrogate itself, so the run is not scanned for one first); what it
    // refuses, the DOM reader reads, unless a lone surrogate wants the
    // document reader's repair.
    {
        OtlpFastReader fast(model);
        if (fast.readEntries(state.onDemand, buf, body.size() + 2, body.size() + 2 + simdjson::SIMDJSON_PADDING))
            return true;
        model.clearKeepingCapacity();
    }
    if (hasLoneSurrogate(body))
        return false;
    simdjson::dom::element root;
    simdjson::dom::array entries;
    if (state.parser.parse(buf, body.size() + 2, false).get(root) || root.get_array().get(entries))
        return false;
    OtlpDomReader reader(model);
    reader.place = {ctx->name, line, begin};
    if (reader.readResourceSpansEntries(entries) && model.diagnostics.empty())
        return true;
    model.clearKeepingCapacity();
    return false;
}

void ChunkJob::run(WorkerState &state)
{
    if (abandoned.load(std::memory_order_relaxed))
        return;
    if (ctx->cancelled()) {
        cancelled = true;
        return;
    }
    model = state.takeFragment();
    const bool mapIn = stop != kOpen && stop > begin;
    if (mapIn && ctx->fd < 0)
        prefaultForRead(input.data() + begin, std::min<uint64_t>(stop + 4096, input.size()) - begin);
    if (readWhole(state)) {
        landed = true;
        state.shrink();
        return;
    }
    if (mapIn && ctx->fd >= 0)
        prefaultForRead(input.data() + begin, std::min<uint64_t>(stop + 4096, input.size()) - begin);
    WorkerPool here(state);
    DocumentReader reader(input, docBegin, input.size(), line, *ctx, model, here, true);
    landed = reader.readEntries(begin, stop, depth, arrayEnd);
    cancelled = reader.cancelled();
}

// Whole lines of a JSON Lines file, each parsed as one document.
struct LinesJob final : Job
{
    struct LineRef
    {
        uint64_t begin, end, number;
    };
    std::string_view input;
    std::string_view file;
    std::vector<LineRef> lines;
    const ReadContext *ctx = nullptr;

    // A stretch of the file whose lines the worker finds itself (`lines`
    // empty until then): the lines that start in [nominalBegin, nominalEnd),
    // which lie in [stretchBegin, stretchEnd). Its lines are numbered by the
    // loading thread only when the fast path refuses it (`needsNumbers`):
    // then it reads the stretch again line by line, as numbered batches.
    bool stretch = false;
    uint64_t nominalBegin = 0, nominalEnd = 0;
    uint64_t stretchBegin = 0, stretchEnd = 0;
    uint64_t lineCount = 0; // lines in the stretch, empty ones included
    bool needsNumbers = false;

    // Where the lines' bytes are read: the input itself, or the stretch's
    // bytes [srcAt, srcAt + src.size()) copied from the file into a buffer
    // of the worker's, followed by simdjson's padding (`srcPadded`).
    std::string_view src;
    uint64_t srcAt = 0;
    bool srcPadded = false;

    Model fragment;
    uint64_t goodLines = 0;
    uint64_t otherSignalLines = 0;
    uint64_t firstBadLine = 0;
    std::string firstBadMessage;
    bool cancelled = false;

    uint64_t end() const { return stretch ? stretchEnd : lines.empty() ? 0 : lines.back().end; }

    void run(WorkerState &state) override
    {
        fragment = state.takeFragment();
        src = input;
        srcAt = 0;
        srcPadded = false;
        if (stretch) {
            if (!copyStretch(state)) {
                // The stretch and the start of the next one, where its last line ends.
                prefaultForRead(input.data() + nominalBegin, std::min<uint64_t>(nominalEnd + 4096, input.size()) - nominalBegin);
                // Only the stretch's own bytes are searched for its first line:
                // inside a line longer than a stretch the search stops at its end.
                stretchBegin = lineStartIn(nominalBegin, nominalEnd);
                stretchEnd = stretchBegin == nominalEnd ? nominalEnd : lineStartIn(nominalEnd, input.size());
            }
            if (!findLines() || !readFast(state)) {
                needsNumbers = !cancelled;
                fragment.clearKeepingCapacity();
            }
            state.shrink();
            return;
        }
        if (readFast(state) || cancelled) {
            state.shrink();
            return;
        }
        // Something the fast path does not read: the whole batch again, with the DOM reader.
        fragment.clearKeepingCapacity();
        OtlpDomReader reader(fragment);
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i % 64 == 0 && ctx->cancelled()) {
                cancelled = true;
                return;
            }
            const LineRef &l = lines[i];
            const std::string_view text = input.substr(l.begin, l.end - l.begin);
            reader.place = {file, l.number, l.begin};
            simdjson::dom::element root;
            // A line followed by at least simdjson's padding in the input is
            // parsed where it lies (the padding is read, never used): copying
            // every line was ~4% of the load's instructions. A line that
            // fails, or that the repairs would rewrite, is copied and parsed
            // again as before, so messages and repairs are unchanged.
            if (l.end + simdjson::SIMDJSON_PADDING <= input.size()
                && !state.parser.parse(text.data(), text.size(), false).get(root) && !hasLoneSurrogate(text)) {
                readLine(reader, root, l.number);
                continue;
            }
            const char *buf = state.buffer.fill({}, text, {});
            const auto placeOf = [&](size_t) { return reader.place; };
            if (auto code = parseRepairing(state, buf, text.size(), root, fragment, placeOf)) {
                const JsonScanError e = locate(std::string_view(buf, text.size()), code, 0, 0, text.size());
                bad(reader, l.number, diag::JsonLineInvalid,
                    invalidJsonMessage(e, false) + " (column " + std::to_string(e.offset + 1) + ", byte "
                        + std::to_string(l.begin + e.offset) + " of the file); the line is skipped");
                continue;
            }
            readLine(reader, root, l.number);
        }
        state.shrink();
    }

    // Where the first line starting in [from, to) starts; `to` if none does.
    uint64_t lineStartIn(uint64_t from, uint64_t to) const
    {
        if (from == 0 || from >= to)
            return std::min(from, to);
        const void *nl = std::memchr(input.data() + from - 1, '\n', to - from);
        return nl ? uint64_t(static_cast<const char *>(nl) - input.data()) + 1 : to;
    }

    // The stretch's bounds and bytes, copied from the file (ReadContext::copy):
    // [nominalBegin - 1, nominalEnd) and on to the end of the line that
    // starts last in it. The same bounds as lineStartIn() finds in the
    // input; false (nothing set) without a descriptor, when the file gave
    // less than the mapping holds, or past a line longer than kBigLineBytes.
    bool copyStretch(WorkerState &state)
    {
        constexpr size_t kTailStep = size_t(256) << 10;
        if (ctx->fd < 0 || nominalBegin >= nominalEnd || nominalEnd > input.size())
            return false;
        const uint64_t from = nominalBegin == 0 ? 0 : nominalBegin - 1;
        size_t have = size_t(nominalEnd - from);
        char *p = state.stretch.extend(0, have);
        if (!ctx->copy(input.substr(from, have), p))
            return false;
        if (nominalBegin == 0) {
            stretchBegin = 0;
        } else {
            const void *nl = std::memchr(p, '\n', nominalEnd - nominalBegin);
            stretchBegin = nl ? from + uint64_t(static_cast<const char *>(nl) - p) + 1 : nominalEnd;
        }
        if (stretchBegin == nominalEnd || nominalEnd >= input.size()) {
            stretchEnd = nominalEnd;
        } else {
            // The first line start at or after nominalEnd: a newline from nominalEnd - 1 on.
            size_t searched = size_t(nominalEnd - 1 - from);
            for (;;) {
                if (const void *nl = std::memchr(p + searched, '\n', have - searched)) {
                    stretchEnd = from + uint64_t(static_cast<const char *>(nl) - p) + 1;
                    break;
                }
                searched = have;
                if (from + have >= input.size()) {
                    stretchEnd = input.size();
                    break;
                }
                if (from + have - nominalEnd > kBigLineBytes)
                    return false;
                const size_t more = size_t(std::min<uint64_t>(kTailStep, input.size() - (from + have)));
                p = state.stretch.extend(have, have + more);
                if (!ctx->copy(input.substr(from + have, more), p + have))
                    return false;
                have += more;
            }
        }
        src = std::string_view(p, have);
        srcAt = from;
        srcPadded = true;
        return true;
    }

    // The lines of the stretch, as the loading thread cuts them (LinesReader::numbered);
    // false for a line it reads apart (longer than kBigLineBytes).
    bool findLines()
    {
        // Offsets are the file's; the bytes are src's.
        const char *base = src.data();
        auto at = [&](uint64_t i) { return base[i - srcAt]; };
        uint64_t pos = stretchBegin;
        while (pos < stretchEnd) {
            const void *nl = std::memchr(base + (pos - srcAt), '\n', stretchEnd - pos);
            const uint64_t lineEnd = nl ? srcAt + uint64_t(static_cast<const char *>(nl) - base) : stretchEnd;
            ++lineCount;
            uint64_t b = pos, e = lineEnd;
            if (pos == 0 && src.substr(0, 3) == "\xEF\xBB\xBF")
                b = 3;
            while (b < e && isWs(at(b)))
                ++b;
            while (e > b && isWs(at(e - 1)))
                --e;
            pos = lineEnd + 1;
            if (b == e)
                continue;
            if (e - b > kBigLineBytes)
                return false;
            lines.push_back({b, e, 0});
        }
        return true;
    }

    // Every line on the fast path, or false (the fragment then holds partial records).
    bool readFast(WorkerState &state)
    {
        OtlpFastReader reader(fragment);
        for (size_t i = 0; i < lines.size(); ++i) {
            if (i % 64 == 0 && ctx->cancelled()) {
                cancelled = true;
                return false;
            }
            const LineRef &l = lines[i];
            const std::string_view text = src.substr(l.begin - srcAt, l.end - l.begin);
            // In place when the bytes hold simdjson's padding after the line, as below.
            const uint64_t srcEnd = srcAt + src.size();
            const bool inPlace = srcPadded || l.end + simdjson::SIMDJSON_PADDING <= srcEnd;
            const char *buf = inPlace ? text.data() : state.buffer.fill({}, text, {});
            const size_t capacity = inPlace ? srcEnd - l.begin + (srcPadded ? simdjson::SIMDJSON_PADDING : 0)
                                            : text.size() + simdjson::SIMDJSON_PADDING;
            // A lone surrogate is refused there; the DOM path repairs it.
            if (!reader.readDocument(state.onDemand, buf, text.size(), capacity))
                return false;
        }
        goodLines = lines.size();
        return true;
    }

    void readLine(OtlpDomReader &reader, simdjson::dom::element root, uint64_t number)
    {
        TopLevelShape shape;
        if (reader.readDocument(root, shape)) {
            ++goodLines;
            return;
        }
        // A file exporter serving several pipelines writes their other signals to the same file.
        if (const DiagnosticCode *signal = otherSignal(shape)) {
            reader.diag(*signal, [&] { return "the line holds " + std::string(signal == &diag::JsonLineLogs ? "logs" : signal == &diag::JsonLineMetrics ? "metrics" : "profiles") + ", not traces; not read"; });
            ++otherSignalLines;
            return;
        }
        std::string what = shape.keys.empty() && !shape.isArray
            ? std::string("not OTLP/JSON: the line is not an object")
            : describeNonOtlp(shape);
        bad(reader, number, diag::JsonLineNotOtlp, what + "; the line is skipped");
    }

    void bad(OtlpDomReader &reader, uint64_t line, const DiagnosticCode &code, const std::string &message)
    {
        if (!firstBadLine) {
            firstBadLine = line;
            firstBadMessage = message;
        }
        reader.diag(code, [&] { return message; });
    }
};

class LinesReader
{
public:
    // Reads lines from `from` on; `firstLine` is the number of the line there.
    LinesReader(std::string_view input, const ReadContext &ctx, Model &out, WorkerPool &pool, size_t from = 0,
                uint64_t firstLine = 1, uint64_t goodLinesBefore = 0)
        : m_input(input), m_ctx(ctx), m_out(out), m_pool(pool), m_done(ctx, input.size()), m_from(from),
          m_firstLine(firstLine), m_good(goodLinesBefore)
    {
    }

    bool run(LoadError &error)
    {
        // From the start of the input the workers find the lines of their
        // stretch of it themselves: the loading thread does not touch the
        // bytes (cutting lines here was its largest cost, the first touch
        // of every page of the mapped file).
        uint64_t before = m_firstLine - 1;
        const bool ok = m_from == 0 ? stretches() : numbered(m_from, m_input.size(), before);
        if (ok && m_good == 0 && m_firstBadLine) {
            error.file = std::string(m_ctx.name);
            error.line = m_firstBadLine;
            error.message = m_firstBadMessage;
            return false;
        }
        return ok;
    }

private:
    using Queue = std::deque<std::shared_ptr<LinesJob>>;

    std::shared_ptr<LinesJob> newJob() const
    {
        auto job = std::make_shared<LinesJob>();
        job->input = m_input;
        job->file = m_ctx.name;
        job->ctx = &m_ctx;
        return job;
    }

    // Stretches of kBatchBytes of the input, each of the lines that start
    // in it; where the bytes say, so the same whatever the thread count.
    bool stretches()
    {
        Queue queue;
        uint64_t number = 0; // lines before the next stretch to merge
        for (size_t pos = 0; pos < m_input.size(); pos += kBatchBytes) {
            if (m_ctx.cancelled())
                return false;
            auto job = newJob();
            job->stretch = true;
            job->nominalBegin = pos;
            job->nominalEnd = std::min(pos + kBatchBytes, m_input.size());
            m_pool.submit(job);
            queue.push_back(std::move(job));
            if (!drain(queue, kMaxQueued, number))
                return false;
        }
        return drain(queue, 0, number);
    }

    // The lines of [from, to) cut and numbered here, in batches of whole
    // lines; `number` is that of the line before `from` and ends as that of
    // the last line. `to` is the end of the input or follows a newline.
    bool numbered(size_t from, size_t to, uint64_t &number)
    {
        Queue queue;
        std::shared_ptr<LinesJob> job;
        auto flush = [&] {
            if (!job)
                return true;
            m_pool.submit(job);
            queue.push_back(std::move(job));
            job.reset();
            return drain(queue, kMaxQueued, number);
        };
        size_t pos = from;
        while (pos < to) {
            const void *nl = std::memchr(m_input.data() + pos, '\n', to - pos);
            const size_t lineEnd = nl ? size_t(static_cast<const char *>(nl) - m_input.data()) : to;
            ++number;
            size_t b = pos, e = lineEnd;
            if (number == 1 && m_input.substr(0, 3) == "\xEF\xBB\xBF")
                b = 3;
            while (b < e && isWs(m_input[b]))
                ++b;
            while (e > b && isWs(m_input[e - 1]))
                --e;
            pos = lineEnd + 1;
            if (b == e)
                continue;
            if (e - b > kBigLineBytes) {
                if (!flush() || !drain(queue, 0, number) || !bigLine(b, e, number))
                    return false;
                continue;
            }
            if (!job) {
                if (m_ctx.cancelled())
                    return false;
                job = newJob();
            }
            job->lines.push_back({b, e, number});
            if (job->end() - job->lines.front().begin >= kBatchBytes && !flush())
                return false;
        }
        return flush() && drain(queue, 0, number);
    }

    // Merges the finished jobs at the front of `queue`, in order, until
    // `keep` are left. A stretch the fast path refused is read here again,
    // numbered from `number`, which counts the lines merged so far.
    bool drain(Queue &queue, size_t keep, uint64_t &number)
    {
        while (queue.size() > keep) {
            std::shared_ptr<LinesJob> job = std::move(queue.front());
            queue.pop_front();
            m_pool.wait(*job);
            if (job->cancelled || m_ctx.cancelled())
                return false;
            if (job->stretch) {
                if (job->needsNumbers) {
                    m_pool.recycle(job->fragment);
                    if (!numbered(job->stretchBegin, job->stretchEnd, number))
                        return false;
                    continue;
                }
                number += job->lineCount;
            }
            m_good += job->goodLines;
            if (!m_firstBadLine && job->firstBadLine) {
                m_firstBadLine = job->firstBadLine;
                m_firstBadMessage = job->firstBadMessage;
            }
            m_out.mergeReusing(job->fragment);
            m_pool.recycle(job->fragment);
            // A stretch inside a long line ends before the line it lies in.
            m_mergedTo = std::max<uint64_t>(m_mergedTo, job->end());
            prefaultAfter(m_mergedTo);
            m_done.advance(m_mergedTo);
        }
        return true;
    }

    // Once the pools have room for the rest, the workers fault it in a
    // little ahead of the merges (PoolPrefaulter), in proportion to the
    // input merged so far.
    void prefaultAfter(uint64_t end)
    {
        const uint64_t consumed = end - m_from, total = m_input.size() - m_from;
        if (m_growth.reserveAfter(m_out, consumed, total)) {
            m_pool.prefaulter().track(m_out);
            m_trackedFrom = consumed;
        }
        if (m_trackedFrom && total > m_trackedFrom)
            m_pool.prefaulter().allow(double(consumed - m_trackedFrom) / double(total - m_trackedFrom) + kPrefaultLead);
    }

    bool bigLine(uint64_t b, uint64_t e, uint64_t number)
    {
        Model lineModel;
        DocumentReader reader(m_input, b, e, number, m_ctx, lineModel, m_pool);
        LoadError error;
        if (reader.run(error)) {
            ++m_good;
            m_out.merge(std::move(lineModel));
            return true;
        }
        if (reader.cancelled() || m_ctx.cancelled())
            return false;
        const std::string message = error.message + "; the line is skipped";
        if (!m_firstBadLine) {
            m_firstBadLine = number;
            m_firstBadMessage = message;
        }
        JsonPlace place{m_ctx.name, number, b};
        m_out.diagnostics.add(diag::JsonLineInvalid, place.prefix() + message);
        return true;
    }

    std::string_view m_input;
    const ReadContext &m_ctx;
    Model &m_out;
    WorkerPool &m_pool;
    DoneReporter m_done;
    GrowthReserve m_growth{m_out};
    uint64_t m_trackedFrom = 0; // input consumed when the pools' room was tracked
    uint64_t m_mergedTo = 0;    // the input read and merged so far
    size_t m_from;
    uint64_t m_firstLine;
    uint64_t m_good = 0;
    uint64_t m_firstBadLine = 0;
    std::string m_firstBadMessage;
};

unsigned workerCount(const ReadContext &ctx, size_t bytes)
{
    if (bytes < kParallelMinBytes)
        return 0;
    unsigned threads = ctx.options && ctx.options->threads ? ctx.options->threads : std::thread::hardware_concurrency();
    threads = unsigned(std::min<size_t>(threads, bytes / kBatchBytes + 1));
    return threads > 1 ? threads : 0;
}

} // namespace

bool readOtlpJson(std::string_view bytes, bool jsonLines, const ReadContext &ctx, Model &out, LoadError &error)
{
    WorkerPool pool(workerCount(ctx, bytes.size()));
    bool ok = false;
    if (jsonLines) {
        LinesReader reader(bytes, ctx, out, pool);
        ok = reader.run(error);
    } else {
        DocumentReader reader(bytes, 0, bytes.size(), 0, ctx, out, pool);
        ok = reader.run(error);
        if (ok && reader.moreLinesAt()) {
            const size_t from = reader.moreLinesAt();
            const auto line = uint64_t(std::count(bytes.begin(), bytes.begin() + std::ptrdiff_t(from), '\n')) + 1;
            LinesReader lines(bytes, ctx, out, pool, from, line, 1);
            ok = lines.run(error);
        }
    }
    if (ok)
        ctx.done(bytes.size());
    if (!ok && error.file.empty())
        error.file = std::string(ctx.name);
    return ok;
}

} // namespace causeway::detail
