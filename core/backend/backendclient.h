#pragma once
// Speaks one backend's API: fetch a trace by id, search, find the traces
// that link to a trace. Responses are decoded by the core's loaders, so a
// fetched trace is read exactly as the same bytes in a file would be.
// Thread-safe: several threads may fetch through one client at once.

#include "core/backend/backendconfig.h"
#include "core/model.h"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace causeway::backend {

enum class FetchStatus {
    Ok,
    NotFound,       // 404: not in the backend, or past its retention
    Unauthorized,   // 401/403: credentials
    Unreachable,
    Tls,
    Timeout,
    TooLarge,
    RateLimited,    // 429 still after the retries
    ServerError,    // 5xx still after the retries
    Malformed,      // the body could not be read
    Unsupported,    // the backend cannot answer this question
    Cancelled,
    Failed,         // anything else (unexpected status, ...)
};
const char *statusName(FetchStatus status);

struct FetchResult
{
    FetchStatus status = FetchStatus::Ok;
    std::string message;          // for the user; names the backend and the id, never a secret
    Model model;                  // the decoded trace, not finalized (empty unless Ok)
    int attempts = 0;
    std::string url;              // the URL that answered, redacted
};

struct SearchQuery
{
    std::string traceql;          // Tempo
    std::string service;          // Jaeger
    std::string operation;        // Jaeger
    Headers tags;                 // Jaeger: attribute = value
    uint64_t startNs = 0;         // time range; 0 = backend default
    uint64_t endNs = 0;
    uint32_t limit = 20;
};

struct SearchHit
{
    TraceId id;
    std::string rootName;
    std::string service;
    uint64_t startNs = 0;
    uint64_t durationNs = 0;
};

struct SearchResult
{
    FetchStatus status = FetchStatus::Ok;
    std::string message;
    std::vector<SearchHit> hits;
    // Jaeger answers a search with whole traces: kept, so opening one needs
    // no second request (finalized). Empty for Tempo.
    Model traces;
};

// What "Test connection" found: whether the backend answered a question that
// needs its address, its kind, its headers and its credentials.
struct ConnectionCheck
{
    FetchStatus status = FetchStatus::Ok;
    std::string message;          // for the user: what was asked and what came back, never a secret
    std::optional<BackendKind> kind;
};

class BackendClient
{
public:
    explicit BackendClient(BackendConfig config);

    const BackendConfig &config() const { return m_config; }
    BackendKind kind() const;
    // Whether findLinkingTraces can answer (Tempo's TraceQL link:traceID).
    bool canSearchLinks() const { return kind() == BackendKind::Tempo; }

    // When the kind is not configured and not evident from the URL, ask the
    // server: Tempo answers /api/echo, Jaeger /api/v3/services or /api/services.
    FetchStatus detectKind(std::string &message, const std::atomic<bool> *cancel = nullptr);

    // Asks the cheapest question that still needs the credentials and the
    // tenant: Tempo /api/echo, then a search for one trace; Jaeger its list
    // of services (/api/v3/services, /api/services). Detects the kind first
    // when it is not known. Blocks: call it off the GUI thread.
    ConnectionCheck checkConnection(const std::atomic<bool> *cancel = nullptr);

    FetchResult fetchTrace(const TraceId &id, const std::atomic<bool> *cancel = nullptr) const;
    SearchResult search(const SearchQuery &query, const std::atomic<bool> *cancel = nullptr) const;
    // Traces holding a span that links into `target`: Tempo's
    // `{ link:traceID = "..." }`. Unsupported for Jaeger.
    SearchResult findLinkingTraces(const TraceId &target, uint32_t limit, const std::atomic<bool> *cancel = nullptr) const;

    // Observes every request made (URL redacted, status, attempt): for
    // tests and the GUI's log. Never sees headers.
    void setRequestObserver(std::function<void(const std::string &url, long status, int attempt)> observer)
    {
        m_observer = std::move(observer);
    }

private:
    struct Answer
    {
        FetchStatus status = FetchStatus::Ok;
        std::string message;
        HttpResponse response;
        int attempts = 0;
    };
    // GET with the backend's headers and credentials, retrying 429 and 5xx.
    Answer get(const std::string &pathAndQuery, const std::string &accept, const std::atomic<bool> *cancel) const;
    Answer getOnce(const HttpRequest &request, const std::string &where, const std::atomic<bool> *cancel) const;
    bool decodeTrace(const TraceId &id, const HttpResponse &response, bool tempoV2, FetchResult &out) const;
    SearchResult tempoSearch(const std::string &traceql, uint64_t startNs, uint64_t endNs, uint32_t limit,
                             const std::atomic<bool> *cancel) const;

    BackendConfig m_config;
    // Tempo before 2.5 has no /api/v2: learnt on the first 404 without "trace not found".
    mutable std::atomic<bool> m_tempoV1Only{false};
    std::function<void(const std::string &, long, int)> m_observer;
};

// Splits a body holding several JSON objects one after another (a streamed
// response) into the objects. A body that is not JSON gives itself.
std::vector<std::string_view> splitJsonObjects(std::string_view body);

} // namespace causeway::backend
