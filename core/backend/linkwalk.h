#pragma once
// Following span links into a backend: from some traces, fetch the traces
// their links point to (upstream), and, where the backend can search by
// link, the traces that link to them (downstream), hop by hop, up to a depth
// and a cap on traces fetched. A few requests run in parallel, never more
// than maxInFlight; cancel stops at once and keeps what already arrived.

#include "core/backend/backendclient.h"

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace causeway::backend {

struct WalkOptions
{
    uint32_t upstreamDepth = 3;       // hops along links (to the traces they point at)
    uint32_t downstreamDepth = 0;     // hops against links (search by link; Tempo only)
    uint32_t maxTraces = 100;         // traces fetched at most; the walk stops there with a note
    uint32_t maxInFlight = 4;         // requests at once
    uint32_t searchLimit = 50;        // linking traces asked for per downstream search
    const std::atomic<bool> *cancel = nullptr;
    // Called from worker threads after each request: fetched, failed, still queued.
    std::function<void(uint32_t fetched, uint32_t failed, uint32_t queued)> progress;
};

struct FetchedTrace
{
    TraceId id;
    uint32_t hops = 0;                // 0: asked for directly
    bool downstream = false;          // found by a search for traces that link in
    int64_t fetchedAtUnixMs = 0;
    std::string url;                  // redacted
};

struct WalkFailure
{
    TraceId id;
    FetchStatus status = FetchStatus::Failed;
    std::string message;
};

struct WalkResult
{
    Model fetched;                    // every fetched trace merged, not finalized
    std::vector<FetchedTrace> traces; // in fetch order
    std::vector<WalkFailure> failures;
    bool cancelled = false;
    bool capped = false;              // the cap stopped the walk
    uint32_t leftByCap = 0;           // traces known to be linked but not fetched because of the cap
    uint32_t maxObservedInFlight = 0;
    std::vector<std::string> notes;   // for the user: the cap, unsupported downstream search, ...
};

// `known`: what is loaded already (not fetched again, walked from). `start`:
// traces to walk from; those not in `known` are fetched first (hop 0).
WalkResult walkLinks(const BackendClient &client, const Model &known, const std::vector<TraceId> &start,
                     const WalkOptions &options);

// Adds the walk's traces to `model` (finalized again) and records where
// they came from in its diagnostics: "fetched_from_backend" (info).
void mergeFetched(Model &model, WalkResult &&walk, const std::string &backendName);

} // namespace causeway::backend
