#include "core/backend/linkwalk.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>
#include <unordered_set>

namespace causeway::backend {

namespace {

using IdSet = std::unordered_set<TraceId, TraceIdHash>;

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Targets of the links carried by the spans of `id` in `model` (finalized or not).
void linkTargets(const Model &model, const TraceId &id, std::vector<TraceId> &out)
{
    std::set<TraceId> seen;
    if (const uint32_t t = model.findTrace(id); t != kNone && !model.traceSpans.empty()) {
        const Range spans = model.traces[t].spans;
        for (uint32_t i = spans.first; i < spans.end(); ++i) {
            const Range links = model.cold[model.traceSpans[i]].links;
            for (uint32_t l = links.first; l < links.end(); ++l)
                if (model.links[l].traceId != id && !model.links[l].traceId.isZero())
                    seen.insert(model.links[l].traceId);
        }
    } else {
        for (const Link &l : model.links)
            if (l.from < model.cold.size() && model.cold[l.from].traceId == id && l.traceId != id && !l.traceId.isZero())
                seen.insert(l.traceId);
    }
    out.assign(seen.begin(), seen.end());
}

// Runs `jobs` on at most `width` threads; each job is one request.
template<typename Job>
void runParallel(size_t count, uint32_t width, const Job &job)
{
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < count;)
            job(i);
    };
    const size_t threads = std::min<size_t>(std::max<uint32_t>(width, 1), count);
    std::vector<std::thread> pool;
    for (size_t i = 1; i < threads; ++i)
        pool.emplace_back(worker);
    if (threads)
        worker();
    for (auto &t : pool)
        t.join();
}

const DiagnosticCode &diagnosticFor(FetchStatus status)
{
    switch (status) {
    case FetchStatus::NotFound: return diag::BackendNotFound;
    case FetchStatus::Unauthorized: return diag::BackendUnauthorized;
    case FetchStatus::Unreachable: return diag::BackendUnreachable;
    case FetchStatus::Tls: return diag::BackendTls;
    case FetchStatus::Timeout: return diag::BackendTimeout;
    case FetchStatus::TooLarge: return diag::BackendTooLarge;
    case FetchStatus::RateLimited: return diag::BackendRateLimited;
    case FetchStatus::ServerError: return diag::BackendServerError;
    case FetchStatus::Malformed: return diag::BackendMalformed;
    case FetchStatus::Unsupported: return diag::BackendUnsupported;
    case FetchStatus::Cancelled: return diag::BackendCancelled;
    case FetchStatus::Ok:
    case FetchStatus::Failed: break;
    }
    return diag::BackendFailed;
}

} // namespace

WalkResult walkLinks(const BackendClient &client, const Model &known, const std::vector<TraceId> &start,
                     const WalkOptions &options)
{
    WalkResult result;
    IdSet seen; // asked for or loaded: never fetched twice
    for (const Trace &t : known.traces)
        seen.insert(t.id);
    // A node of the walk: a trace and the directions it is walked in.
    struct Node
    {
        TraceId id;
        bool up = true, down = true;
    };
    std::vector<Node> level;
    std::vector<TraceId> toFetch;
    for (const TraceId &id : start) {
        level.push_back({id});
        if (seen.insert(id).second)
            toFetch.push_back(id);
    }

    std::atomic<uint32_t> inFlight{0}, maxInFlight{0}, fetchedCount{0}, failedCount{0};
    std::vector<Model> fetchedModels; // for link targets of fetched traces, by node
    auto cancelled = [&] { return options.cancel && options.cancel->load(); };
    auto report = [&](uint32_t queued) {
        if (options.progress)
            options.progress(fetchedCount.load(), failedCount.load(), queued);
    };
    auto track = [&](int delta) {
        const uint32_t now = inFlight.fetch_add(delta) + delta;
        uint32_t seenMax = maxInFlight.load();
        while (now > seenMax && !maxInFlight.compare_exchange_weak(seenMax, now)) {
        }
    };

    // Fetches `ids` in parallel; appends what arrived to the result. Returns
    // the per-id models (empty for failures) for walking on.
    auto fetchAll = [&](const std::vector<TraceId> &ids, uint32_t hops, const std::vector<bool> &downstream) {
        std::vector<FetchResult> got(ids.size());
        std::atomic<uint32_t> remaining{uint32_t(ids.size())};
        runParallel(ids.size(), options.maxInFlight, [&](size_t i) {
            if (cancelled()) {
                got[i].status = FetchStatus::Cancelled;
                return;
            }
            track(+1);
            got[i] = client.fetchTrace(ids[i], options.cancel);
            track(-1);
            (got[i].status == FetchStatus::Ok ? fetchedCount : failedCount)++;
            report(--remaining);
        });
        std::vector<const Model *> models(ids.size(), nullptr);
        for (size_t i = 0; i < ids.size(); ++i) {
            if (got[i].status == FetchStatus::Ok) {
                const int64_t now = nowMs();
                result.traces.push_back({ids[i], hops, downstream[i], now, got[i].url});
                // The spans remember where they came from, through every later merge.
                got[i].model.sources.assign(1, SourceFile{got[i].url, 0, client.config().name, now});
                fetchedModels.push_back(std::move(got[i].model));
            } else if (got[i].status == FetchStatus::Cancelled) {
                result.cancelled = true;
            } else {
                result.failures.push_back({ids[i], got[i].status, got[i].message});
            }
        }
        return got;
    };

    auto capTake = [&](std::vector<TraceId> &ids, std::vector<bool> &downFlags) {
        const uint32_t have = uint32_t(result.traces.size() + result.failures.size());
        const uint32_t room = have >= options.maxTraces ? 0 : options.maxTraces - have;
        if (ids.size() > room) {
            result.capped = true;
            result.leftByCap += uint32_t(ids.size() - room);
            ids.resize(room);
            downFlags.resize(room);
        }
    };

    // Hop 0: the start traces that are not loaded.
    {
        std::vector<bool> down(toFetch.size(), false);
        capTake(toFetch, down);
        fetchAll(toFetch, 0, down);
    }
    auto modelFor = [&](const TraceId &id) -> const Model * {
        if (known.findTrace(id) != kNone)
            return &known;
        for (size_t i = 0; i < result.traces.size(); ++i)
            if (result.traces[i].id == id)
                return &fetchedModels[i];
        return nullptr;
    };

    bool downstreamNoted = false;
    const uint32_t depth = std::max(options.upstreamDepth, options.downstreamDepth);
    for (uint32_t hop = 1; hop <= depth && !level.empty() && !result.cancelled && !cancelled(); ++hop) {
        std::vector<TraceId> next;
        std::vector<bool> nextDown;
        // Upstream: the targets of the links these traces carry.
        if (hop <= options.upstreamDepth) {
            for (const Node &n : level) {
                if (!n.up)
                    continue;
                const Model *m = modelFor(n.id);
                if (!m)
                    continue;
                std::vector<TraceId> targets;
                linkTargets(*m, n.id, targets);
                for (const TraceId &t : targets)
                    if (seen.insert(t).second) {
                        next.push_back(t);
                        nextDown.push_back(false);
                    }
            }
        }
        // Downstream: ask the backend which traces link into these.
        if (hop <= options.downstreamDepth) {
            if (!client.canSearchLinks()) {
                if (!downstreamNoted)
                    result.notes.push_back(std::string(kindTitle(client.kind())) +
                                           " cannot search for the traces that link to a trace: only upstream links were followed");
                downstreamNoted = true;
            } else {
                std::vector<TraceId> from;
                for (const Node &n : level)
                    if (n.down)
                        from.push_back(n.id);
                std::vector<SearchResult> found(from.size());
                runParallel(from.size(), options.maxInFlight, [&](size_t i) {
                    if (cancelled())
                        return;
                    track(+1);
                    found[i] = client.findLinkingTraces(from[i], options.searchLimit, options.cancel);
                    track(-1);
                });
                for (size_t i = 0; i < from.size(); ++i) {
                    if (found[i].status == FetchStatus::Cancelled) {
                        result.cancelled = true;
                        continue;
                    }
                    if (found[i].status != FetchStatus::Ok) {
                        result.failures.push_back({from[i], found[i].status, found[i].message});
                        continue;
                    }
                    if (found[i].hits.size() >= options.searchLimit)
                        result.notes.push_back("more than " + std::to_string(options.searchLimit) + " traces link to " +
                                               from[i].hex() + ": only the first " + std::to_string(options.searchLimit) +
                                               " the backend returned were followed");
                    for (const SearchHit &h : found[i].hits)
                        if (seen.insert(h.id).second) {
                            next.push_back(h.id);
                            nextDown.push_back(true);
                        }
                }
            }
        }
        if (result.cancelled || cancelled())
            break;
        capTake(next, nextDown);
        const size_t before = result.traces.size();
        fetchAll(next, hop, nextDown);
        level.clear();
        for (size_t i = before; i < result.traces.size(); ++i)
            level.push_back({result.traces[i].id, !result.traces[i].downstream, result.traces[i].downstream});
    }
    if (cancelled())
        result.cancelled = true;
    if (result.capped)
        result.notes.insert(result.notes.begin(), "stopped at the cap of " + std::to_string(options.maxTraces) +
                                                      " traces: " + std::to_string(result.leftByCap) +
                                                      " more linked traces were not fetched");
    if (result.cancelled)
        result.notes.push_back("cancelled: " + std::to_string(result.traces.size()) + " traces fetched before it were kept");
    for (Model &m : fetchedModels)
        result.fetched.merge(std::move(m));
    result.maxObservedInFlight = maxInFlight.load();
    return result;
}

void mergeFetched(Model &model, WalkResult &&walk, const std::string &backendName)
{
    if (!walk.traces.empty()) {
        const std::time_t when = std::time_t(walk.traces.back().fetchedAtUnixMs / 1000);
        std::tm tm{};
        gmtime_r(&when, &tm);
        char stamp[32];
        std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S UTC", &tm);
        std::string ids;
        for (size_t i = 0; i < walk.traces.size() && i < 5; ++i)
            ids += (i ? ", " : "") + walk.traces[i].id.hex();
        if (walk.traces.size() > 5)
            ids += ", ...";
        walk.fetched.diagnostics.add(diag::FetchedFromBackend, "fetched from backend " + backendName + " at " + stamp + ": " + ids,
                                     walk.traces.size());
    }
    for (const WalkFailure &f : walk.failures)
        walk.fetched.diagnostics.add(diagnosticFor(f.status), f.message);
    model.merge(std::move(walk.fetched));
    model.finalize();
}

} // namespace causeway::backend
