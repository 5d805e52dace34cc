#pragma once
// One HTTP GET with libcurl: timeouts, a cap on the body, cancel from
// another thread, and failures sorted into what a user can act on. The
// transfer itself is in the module causeway-http.so (core/module.h).

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace causeway::backend {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest
{
    std::string url;
    Headers headers;                  // sent as given (Authorization included)
    long connectTimeoutMs = 5000;
    long timeoutMs = 30000;           // the whole transfer
    uint64_t maxBytes = uint64_t(256) << 20; // body cap (after content decoding)
    const std::atomic<bool> *cancel = nullptr;
};

enum class HttpError {
    None,
    Unreachable,  // name resolution or connection failed
    Tls,          // certificate or handshake
    Timeout,
    TooLarge,     // body beyond maxBytes
    Cancelled,
    Other,
};

struct HttpResponse
{
    HttpError error = HttpError::None;
    std::string message;              // curl's explanation when error != None
    long status = 0;                  // HTTP status when the server answered
    std::map<std::string, std::string> headers; // lowercase names, last value wins
    std::string body;

    std::string header(const std::string &lowercaseName) const
    {
        auto it = headers.find(lowercaseName);
        return it == headers.end() ? std::string() : it->second;
    }
};

HttpResponse httpGet(const HttpRequest &request);

// The module's entry point: httpGet's transfer, into *response.
using HttpGet = void (*)(const HttpRequest *request, HttpResponse *response);
inline constexpr const char *kHttpModuleFile = "causeway-http.so";
inline constexpr const char *kHttpModuleGet = "causeway_http_get";

// Percent-encodes everything but unreserved characters (RFC 3986).
std::string urlEncode(const std::string &text);

// The URL without user:password@ and without the query: safe to show and log.
std::string redactUrl(const std::string &url);

} // namespace causeway::backend
