#include "core/backend/backendclient.h"

#include "core/load.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <set>
#include <thread>

namespace causeway::backend {

const char *statusName(FetchStatus status)
{
    switch (status) {
    case FetchStatus::Ok: return "ok";
    case FetchStatus::NotFound: return "not_found";
    case FetchStatus::Unauthorized: return "unauthorized";
    case FetchStatus::Unreachable: return "unreachable";
    case FetchStatus::Tls: return "tls";
    case FetchStatus::Timeout: return "timeout";
    case FetchStatus::TooLarge: return "too_large";
    case FetchStatus::RateLimited: return "rate_limited";
    case FetchStatus::ServerError: return "server_error";
    case FetchStatus::Malformed: return "malformed";
    case FetchStatus::Unsupported: return "unsupported";
    case FetchStatus::Cancelled: return "cancelled";
    case FetchStatus::Failed: return "failed";
    }
    return "failed";
}

namespace {

// Waits `ms`, waking early to notice a cancel. False when cancelled.
bool sleepFor(long ms, const std::atomic<bool> *cancel)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < until) {
        if (cancel && cancel->load())
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(ms, 20)));
    }
    return !(cancel && cancel->load());
}

// Retry-After in milliseconds: delta-seconds or an HTTP date; -1 if absent or unreadable.
long retryAfterMs(const std::string &value)
{
    if (value.empty())
        return -1;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        try {
            return long(std::min<unsigned long long>(std::stoull(value), 86400)) * 1000;
        } catch (...) {
            return -1;
        }
    }
    std::tm tm{};
    char zone[8] = {};
    char weekday[8] = {}, month[8] = {};
    int day = 0, year = 0, h = 0, m = 0, s = 0;
    if (std::sscanf(value.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", weekday, &day, month, &year, &h, &m, &s, zone) != 8)
        return -1;
    static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    int mon = -1;
    for (int i = 0; i < 12; ++i)
        if (std::string(month) == months[i])
            mon = i;
    if (mon < 0)
        return -1;
    tm.tm_year = year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = day;
    tm.tm_hour = h;
    tm.tm_min = m;
    tm.tm_sec = s;
    const time_t at = timegm(&tm);
    const time_t now = std::time(nullptr);
    return at <= now ? 0 : long(at - now) * 1000;
}

std::string excerpt(const std::string &body)
{
    std::string out;
    for (char c : body.substr(0, 200))
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : (static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return body.size() > 200 ? out + "..." : out;
}

std::string rfc3339(uint64_t ns)
{
    const time_t secs = time_t(ns / 1000000000ULL);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lluZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<unsigned long long>(ns % 1000000000ULL));
    return buf;
}

// The bytes of field 1 (length-delimited) of a protobuf message: Tempo's
// TraceByIDResponse wraps its Trace (whose field 1, batches, has the wire
// shape of TracesData.resource_spans) so. Empty view when absent.
bool protobufField1(std::string_view msg, std::string_view &out)
{
    size_t p = 0;
    auto varint = [&](uint64_t &v) {
        v = 0;
        for (int shift = 0; shift < 64 && p < msg.size(); shift += 7) {
            const uint8_t b = uint8_t(msg[p++]);
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80))
                return true;
        }
        return false;
    };
    out = {};
    while (p < msg.size()) {
        uint64_t tag = 0, len = 0;
        if (!varint(tag))
            return false;
        switch (tag & 7) {
        case 0:
            if (!varint(len))
                return false;
            break;
        case 1: p += 8; break;
        case 5: p += 4; break;
        case 2:
            if (!varint(len) || len > msg.size() - p)
                return false;
            if ((tag >> 3) == 1)
                out = msg.substr(p, len);
            p += len;
            break;
        default:
            return false;
        }
        if (p > msg.size())
            return false;
    }
    return true;
}

// Jaeger streams errors as {"error": {"code", "message"}} objects.
bool isErrorObject(std::string_view object, std::string &message, int &code)
{
    size_t p = 1;
    while (p < object.size() && std::isspace(static_cast<unsigned char>(object[p])))
        ++p;
    if (object.substr(p, 7) != "\"error\"")
        return false;
    auto j = nlohmann::json::parse(object, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("error"))
        return false;
    const auto &e = j["error"];
    message = e.is_object() ? e.value("message", std::string("error")) : e.is_string() ? e.get<std::string>() : "error";
    code = e.is_object() ? e.value("code", 0) : 0;
    return true;
}

bool hasTrace(const Model &model, const TraceId &id)
{
    return std::any_of(model.cold.begin(), model.cold.end(), [&](const SpanCold &c) { return c.traceId == id; });
}

} // namespace

std::vector<std::string_view> splitJsonObjects(std::string_view body)
{
    std::vector<std::string_view> out;
    size_t p = 0;
    auto skipSpace = [&] {
        while (p < body.size() && std::isspace(static_cast<unsigned char>(body[p])))
            ++p;
    };
    skipSpace();
    if (p >= body.size() || body[p] != '{')
        return {body};
    while (p < body.size()) {
        skipSpace();
        if (p >= body.size())
            break;
        if (body[p] != '{') {
            out.push_back(body.substr(p)); // trailing garbage: let the reader name it
            break;
        }
        const size_t start = p;
        int depth = 0;
        bool inString = false;
        for (; p < body.size(); ++p) {
            const char c = body[p];
            if (inString) {
                if (c == '\\')
                    ++p;
                else if (c == '"')
                    inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                ++depth;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    ++p;
                    break;
                }
            }
        }
        out.push_back(body.substr(start, std::min(p, body.size()) - start));
    }
    return out;
}

BackendClient::BackendClient(BackendConfig config) : m_config(std::move(config))
{
    while (!m_config.baseUrl.empty() && m_config.baseUrl.back() == '/')
        m_config.baseUrl.pop_back();
    if (!m_config.kind)
        m_config.kind = detectKindFromUrl(m_config.baseUrl);
}

BackendKind BackendClient::kind() const
{
    return m_config.kind.value_or(BackendKind::Tempo);
}

BackendClient::Answer BackendClient::get(const std::string &pathAndQuery, const std::string &accept,
                                         const std::atomic<bool> *cancel) const
{
    HttpRequest request;
    request.url = m_config.baseUrl + pathAndQuery;
    request.headers = m_config.headers;
    if (const std::string auth = m_config.authorization(); !auth.empty())
        request.headers.emplace_back("Authorization", auth);
    if (!accept.empty())
        request.headers.emplace_back("Accept", accept);
    request.connectTimeoutMs = m_config.connectTimeoutMs;
    request.timeoutMs = m_config.timeoutMs;
    request.maxBytes = m_config.maxResponseBytes;
    request.cancel = cancel;

    const std::string where = "backend " + m_config.name + " (" + redactUrl(request.url) + ")";
    Answer a = getOnce(request, where, cancel);
    // A server may echo what it was sent: no message carries the secret.
    if (!m_config.secret.empty())
        for (size_t at; (at = a.message.find(m_config.secret)) != std::string::npos;)
            a.message.replace(at, m_config.secret.size(), "***");
    return a;
}

BackendClient::Answer BackendClient::getOnce(const HttpRequest &request, const std::string &where,
                                             const std::atomic<bool> *cancel) const
{
    Answer a;
    for (int attempt = 1;; ++attempt) {
        a.attempts = attempt;
        a.response = httpGet(request);
        const HttpResponse &r = a.response;
        if (m_observer)
            m_observer(redactUrl(request.url), r.status, attempt);
        switch (r.error) {
        case HttpError::None: break;
        case HttpError::Cancelled:
            a.status = FetchStatus::Cancelled;
            a.message = "cancelled";
            return a;
        case HttpError::Unreachable:
            a.status = FetchStatus::Unreachable;
            a.message = where + " is unreachable: " + r.message;
            return a;
        case HttpError::Tls:
            a.status = FetchStatus::Tls;
            a.message = where + ": TLS error: " + r.message;
            return a;
        case HttpError::Timeout:
            a.status = FetchStatus::Timeout;
            a.message = where + " did not answer in time (" + std::to_string(m_config.timeoutMs) + " ms): " + r.message;
            return a;
        case HttpError::TooLarge:
            a.status = FetchStatus::TooLarge;
            a.message = where + ": " + r.message + " (the configured cap); nothing of it was kept";
            return a;
        case HttpError::Other:
            a.status = FetchStatus::Failed;
            a.message = where + ": " + r.message;
            return a;
        }
        const long s = r.status;
        if (s >= 200 && s < 300) {
            a.status = FetchStatus::Ok;
            return a;
        }
        if (s == 401 || s == 403) {
            a.status = FetchStatus::Unauthorized;
            a.message = where + " refused the request (HTTP " + std::to_string(s) + "): check the credentials" +
                        (m_config.auth == AuthType::None ? " (none are configured)" : "");
            return a;
        }
        if (s == 404) {
            a.status = FetchStatus::NotFound;
            a.message = where + ": not found (HTTP 404)";
            return a;
        }
        const bool retryable = s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
        a.status = s == 429 ? FetchStatus::RateLimited : s >= 500 ? FetchStatus::ServerError : FetchStatus::Failed;
        a.message = where + " answered HTTP " + std::to_string(s) + (r.body.empty() ? "" : ": " + excerpt(r.body));
        if (!retryable)
            return a;
        if (attempt > m_config.maxRetries) {
            a.message += " (gave up after " + std::to_string(attempt) + " attempts)";
            return a;
        }
        long wait = retryAfterMs(r.header("retry-after"));
        if (wait > m_config.maxRetryAfterMs) {
            a.message += " (asked to retry after " + std::to_string(wait / 1000) + " s, longer than the " +
                         std::to_string(m_config.maxRetryAfterMs / 1000) + " s allowed)";
            return a;
        }
        if (wait < 0)
            wait = std::min<long>(m_config.retryBaseMs << std::min(attempt - 1, 10), 10000);
        if (!sleepFor(wait, cancel)) {
            a.status = FetchStatus::Cancelled;
            a.message = "cancelled";
            return a;
        }
    }
}

FetchStatus BackendClient::detectKind(std::string &message, const std::atomic<bool> *cancel)
{
    if (m_config.kind)
        return FetchStatus::Ok;
    Answer a = get("/api/echo", {}, cancel);
    if (a.status == FetchStatus::Ok && a.response.body.rfind("echo", 0) == 0) {
        m_config.kind = BackendKind::Tempo;
        return FetchStatus::Ok;
    }
    if (a.status != FetchStatus::Ok && a.status != FetchStatus::NotFound && a.status != FetchStatus::Failed) {
        message = a.message;
        return a.status;
    }
    if (get("/api/v3/services", "application/json", cancel).status == FetchStatus::Ok) {
        m_config.kind = BackendKind::JaegerV3;
        return FetchStatus::Ok;
    }
    if (get("/api/services", "application/json", cancel).status == FetchStatus::Ok) {
        m_config.kind = BackendKind::JaegerV1;
        return FetchStatus::Ok;
    }
    message = "backend " + m_config.name + " (" + redactUrl(m_config.baseUrl) +
              ") answers neither as Tempo nor as Jaeger: choose its kind in the settings";
    return FetchStatus::Unsupported;
}

ConnectionCheck BackendClient::checkConnection(const std::atomic<bool> *cancel)
{
    ConnectionCheck out;
    const std::string who = "backend " + m_config.name + " (" + redactUrl(m_config.baseUrl) + ")";
    std::string message;
    if (const FetchStatus detected = detectKind(message, cancel); detected != FetchStatus::Ok) {
        out.status = detected;
        out.message = message;
        return out;
    }
    out.kind = kind();
    const std::string title = kindTitle(kind());
    if (kind() == BackendKind::Tempo) {
        Answer echo = get("/api/echo", {}, cancel);
        if (echo.status != FetchStatus::Ok) {
            out.status = echo.status;
            out.message = echo.message;
            return out;
        }
        // /api/echo needs no tenant and often no credentials: a search does.
        SearchQuery probe;
        probe.traceql = "{}";
        probe.limit = 1;
        const SearchResult found = search(probe, cancel);
        out.status = found.status;
        if (found.status != FetchStatus::Ok) {
            out.message = "/api/echo answered, but a search did not: " + found.message;
            return out;
        }
        out.message = "Connected to " + who + " as " + title + ": /api/echo answered and a search for one trace found " +
                      std::to_string(found.hits.size()) + (found.hits.size() == 1 ? " trace" : " traces") + ".";
        return out;
    }
    const char *path = kind() == BackendKind::JaegerV3 ? "/api/v3/services" : "/api/services";
    Answer a = get(path, "application/json", cancel);
    out.status = a.status;
    if (a.status != FetchStatus::Ok) {
        out.message = a.message;
        return out;
    }
    // v3: {"services": [...]}; v1: {"data": [...], "total": N}.
    const nlohmann::json doc = nlohmann::json::parse(a.response.body, nullptr, false);
    const char *field = kind() == BackendKind::JaegerV3 ? "services" : "data";
    if (doc.is_discarded() || !doc.is_object() || !doc.contains(field) || !doc[field].is_array()) {
        out.status = FetchStatus::Malformed;
        out.message = who + ": " + path + " did not answer with a list of services (is it " + title + "?)";
        return out;
    }
    const size_t n = doc[field].size();
    out.message = "Connected to " + who + " as " + title + ": " + path + " lists " + std::to_string(n) +
                  (n == 1 ? " service." : " services.");
    return out;
}

bool BackendClient::decodeTrace(const TraceId &id, const HttpResponse &response, bool tempoV2, FetchResult &out) const
{
    const std::string name = m_config.name + ":" + id.hex();
    const std::string type = response.header("content-type");
    std::string_view body = response.body;
    if (type.find("protobuf") != std::string::npos) {
        if (tempoV2 && !protobufField1(body, body)) {
            out.status = FetchStatus::Malformed;
            out.message = name + ": the protobuf response is damaged";
            return false;
        }
        if (body.empty()) {
            out.status = FetchStatus::NotFound;
            out.message = name + ": the backend holds no spans of this trace";
            return false;
        }
        // A TracesData-shaped message: let the format sniffer see protobuf.
        const LoadResult r = loadBuffer(name, body, out.model);
        if (!r.ok) {
            out.status = FetchStatus::Malformed;
            out.message = r.error.text();
            return false;
        }
    } else {
        const auto objects = splitJsonObjects(body);
        size_t index = 0;
        for (std::string_view object : objects) {
            std::string errorMessage;
            int code = 0;
            if (isErrorObject(object, errorMessage, code)) {
                out.status = code == 5 || errorMessage.find("not found") != std::string::npos ? FetchStatus::NotFound
                                                                                               : FetchStatus::Failed;
                out.message = name + ": " + errorMessage;
                return false;
            }
            const std::string part = objects.size() > 1 ? name + " (object " + std::to_string(++index) + ")" : name;
            const LoadResult r = loadBuffer(part, object, out.model);
            if (!r.ok) {
                out.status = FetchStatus::Malformed;
                out.message = r.error.text();
                return false;
            }
        }
    }
    if (!hasTrace(out.model, id)) {
        out.status = out.model.cold.empty() && response.body.find("\"data\"") != std::string::npos &&
                             kind() == BackendKind::JaegerV1
                         ? FetchStatus::Malformed
                         : FetchStatus::NotFound;
        out.message = out.status == FetchStatus::Malformed
                          ? name + ": the Jaeger JSON response holds no spans Causeway could read"
                          : name + ": the backend holds no spans of this trace (maybe past its retention)";
        return false;
    }
    return true;
}

FetchResult BackendClient::fetchTrace(const TraceId &id, const std::atomic<bool> *cancel) const
{
    FetchResult out;
    const std::string hex = id.hex();
    std::string path;
    std::string accept = "application/json";
    bool tempoV2 = false;
    switch (kind()) {
    case BackendKind::Tempo:
        tempoV2 = !m_tempoV1Only.load();
        path = tempoV2 ? "/api/v2/traces/" + hex : "/api/traces/" + hex;
        accept = "application/protobuf, application/json;q=0.9";
        break;
    case BackendKind::JaegerV3: path = "/api/v3/traces/" + hex; break;
    case BackendKind::JaegerV1: path = "/api/traces/" + hex; break;
    }
    Answer a = get(path, accept, cancel);
    if (tempoV2 && a.status == FetchStatus::NotFound && a.response.body.find("trace not found") == std::string::npos) {
        // No such route: a Tempo older than the v2 API.
        m_tempoV1Only = true;
        const int before = a.attempts;
        a = get("/api/traces/" + hex, accept, cancel);
        a.attempts += before;
        tempoV2 = false;
    }
    out.attempts = a.attempts;
    out.url = redactUrl(m_config.baseUrl + path);
    if (a.status != FetchStatus::Ok) {
        out.status = a.status;
        out.message = a.message;
        if (a.status == FetchStatus::NotFound)
            out.message = "trace " + hex + " not found in backend " + m_config.name +
                          " (it may be older than the backend's retention)";
        return out;
    }
    if (!decodeTrace(id, a.response, tempoV2, out)) {
        out.model = Model();
        return out;
    }
    out.status = FetchStatus::Ok;
    return out;
}

SearchResult BackendClient::tempoSearch(const std::string &traceql, uint64_t startNs, uint64_t endNs, uint32_t limit,
                                        const std::atomic<bool> *cancel) const
{
    SearchResult out;
    std::string path = "/api/search?q=" + urlEncode(traceql) + "&limit=" + std::to_string(limit);
    if (startNs && endNs)
        path += "&start=" + std::to_string(startNs / 1000000000ULL) + "&end=" + std::to_string((endNs + 999999999ULL) / 1000000000ULL);
    Answer a = get(path, "application/json", cancel);
    if (a.status != FetchStatus::Ok) {
        out.status = a.status;
        out.message = a.message;
        return out;
    }
    auto j = nlohmann::json::parse(a.response.body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        out.status = FetchStatus::Malformed;
        out.message = "backend " + m_config.name + ": the search response is not JSON: " + excerpt(a.response.body);
        return out;
    }
    if (!j.contains("traces"))
        return out; // no matches: Tempo omits the list
    if (!j["traces"].is_array()) {
        out.status = FetchStatus::Malformed;
        out.message = "backend " + m_config.name + ": \"traces\" in the search response is not a list";
        return out;
    }
    for (const auto &t : j["traces"]) {
        if (!t.is_object())
            continue;
        std::string idText = t.value("traceID", std::string());
        // Tempo drops leading zeros of trace ids in search results.
        if (!idText.empty() && idText.size() < 32 && idText.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos)
            idText.insert(0, 32 - idText.size(), '0');
        SearchHit hit;
        if (parseId(idText, hit.id) != IdParse::Ok)
            continue;
        hit.rootName = t.value("rootTraceName", std::string());
        hit.service = t.value("rootServiceName", std::string());
        const auto &start = t.contains("startTimeUnixNano") ? t["startTimeUnixNano"] : nlohmann::json();
        try {
            hit.startNs = start.is_string() ? std::stoull(start.get<std::string>()) : start.is_number() ? start.get<uint64_t>() : 0;
        } catch (...) {
        }
        if (t.contains("durationMs") && t["durationMs"].is_number())
            hit.durationNs = uint64_t(t["durationMs"].get<double>() * 1e6);
        out.hits.push_back(std::move(hit));
    }
    return out;
}

SearchResult BackendClient::search(const SearchQuery &query, const std::atomic<bool> *cancel) const
{
    if (kind() == BackendKind::Tempo)
        return tempoSearch(query.traceql.empty() ? "{}" : query.traceql, query.startNs, query.endNs, query.limit, cancel);

    SearchResult out;
    if (query.service.empty()) {
        out.status = FetchStatus::Unsupported;
        out.message = "Jaeger needs a service to search";
        return out;
    }
    const uint64_t end = query.endNs ? query.endNs : uint64_t(std::time(nullptr)) * 1000000000ULL;
    const uint64_t start = query.startNs ? query.startNs : end - 3600ULL * 1000000000ULL;
    std::string path;
    if (kind() == BackendKind::JaegerV3) {
        // Both spellings: the snake_case names for servers before the camelCase ones.
        path = "/api/v3/traces?query.service_name=" + urlEncode(query.service) + "&query.serviceName=" + urlEncode(query.service);
        if (!query.operation.empty())
            path += "&query.operation_name=" + urlEncode(query.operation) + "&query.operationName=" + urlEncode(query.operation);
        path += "&query.start_time_min=" + urlEncode(rfc3339(start)) + "&query.startTimeMin=" + urlEncode(rfc3339(start));
        path += "&query.start_time_max=" + urlEncode(rfc3339(end)) + "&query.startTimeMax=" + urlEncode(rfc3339(end));
        path += "&query.num_traces=" + std::to_string(query.limit) + "&query.searchDepth=" + std::to_string(query.limit);
        if (!query.tags.empty()) {
            nlohmann::json attrs = nlohmann::json::object();
            for (const auto &[k, v] : query.tags)
                attrs[k] = v;
            path += "&query.attributes=" + urlEncode(attrs.dump());
        }
    } else {
        path = "/api/traces?service=" + urlEncode(query.service);
        if (!query.operation.empty())
            path += "&operation=" + urlEncode(query.operation);
        path += "&start=" + std::to_string(start / 1000) + "&end=" + std::to_string(end / 1000) + "&limit=" + std::to_string(query.limit);
        if (!query.tags.empty()) {
            nlohmann::json tags = nlohmann::json::object();
            for (const auto &[k, v] : query.tags)
                tags[k] = v;
            path += "&tags=" + urlEncode(tags.dump());
        }
    }
    Answer a = get(path, "application/json", cancel);
    if (a.status == FetchStatus::NotFound) {
        return out; // Jaeger v3 answers 404 when nothing matches
    }
    if (a.status != FetchStatus::Ok) {
        out.status = a.status;
        out.message = a.message;
        return out;
    }
    const std::string name = m_config.name + ": search";
    for (std::string_view object : splitJsonObjects(a.response.body)) {
        std::string message;
        int code = 0;
        if (isErrorObject(object, message, code)) {
            if (code == 5)
                continue;
            out.status = FetchStatus::Failed;
            out.message = name + ": " + message;
            return out;
        }
        const LoadResult r = loadBuffer(name, object, out.traces);
        if (!r.ok) {
            out.status = FetchStatus::Malformed;
            out.message = r.error.text();
            out.traces = Model();
            return out;
        }
    }
    // Summaries from the traces themselves.
    out.traces.finalize();
    const Model &summary = out.traces;
    for (const Trace &t : summary.traces) {
        SearchHit hit;
        hit.id = t.id;
        if (t.root != kNone) {
            hit.rootName = std::string(summary.str(summary.hot[t.root].name));
            hit.service = std::string(summary.str(summary.hot[t.root].service));
        }
        hit.startNs = t.start;
        hit.durationNs = t.duration();
        out.hits.push_back(std::move(hit));
    }
    std::sort(out.hits.begin(), out.hits.end(), [](const SearchHit &a, const SearchHit &b) { return a.startNs > b.startNs; });
    return out;
}

SearchResult BackendClient::findLinkingTraces(const TraceId &target, uint32_t limit, const std::atomic<bool> *cancel) const
{
    if (!canSearchLinks()) {
        SearchResult out;
        out.status = FetchStatus::Unsupported;
        out.message = std::string(kindTitle(kind())) + " cannot search for the traces that link to a trace";
        return out;
    }
    return tempoSearch("{ link:traceID = \"" + target.hex() + "\" }", 0, 0, limit, cancel);
}

} // namespace causeway::backend
