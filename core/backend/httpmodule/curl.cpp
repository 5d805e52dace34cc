// causeway-http.so: one HTTP GET with libcurl, behind httpGet in
// core/backend/http.h (see core/module.h for why it is a module).

#include "core/backend/http.h"

#include <curl/curl.h>

#include <cctype>
#include <mutex>
#include <type_traits>

namespace causeway::backend {

namespace {

void globalInit()
{
    // curl_global_init is not thread-safe; every transfer goes through here.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer
{
    const HttpRequest *request = nullptr;
    HttpResponse *response = nullptr;
    bool tooLarge = false;
};

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t n = size * count;
    if (t->response->body.size() + n > t->request->maxBytes) {
        t->tooLarge = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    t->response->body.append(data, n);
    return n;
}

size_t onHeader(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
        t->response->headers.clear(); // a new response (after 100 Continue)
        return n;
    }
    const auto colon = line.find(':');
    if (colon == std::string::npos)
        return n;
    std::string name = line.substr(0, colon);
    for (char &c : name)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    size_t b = colon + 1, e = line.size();
    while (b < e && (line[b] == ' ' || line[b] == '\t'))
        ++b;
    while (e > b && (line[e - 1] == '\r' || line[e - 1] == '\n' || line[e - 1] == ' '))
        --e;
    t->response->headers[name] = line.substr(b, e - b);
    if (name == "content-length") {
        // Refuse early rather than after reading the whole oversized body.
        try {
            if (std::stoull(t->response->headers[name]) > t->request->maxBytes) {
                t->tooLarge = true;
                return 0;
            }
        } catch (...) {
        }
    }
    return n;
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto *t = static_cast<Transfer *>(user);
    return t->request->cancel && t->request->cancel->load(std::memory_order_relaxed) ? 1 : 0;
}

HttpError classify(CURLcode code)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
        return HttpError::Unreachable;
    case CURLE_OPERATION_TIMEDOUT:
        return HttpError::Timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
        return HttpError::Tls;
    case CURLE_ABORTED_BY_CALLBACK:
        return HttpError::Cancelled;
    default:
        return HttpError::Other;
    }
}

} // namespace

} // namespace causeway::backend

using namespace causeway::backend;

extern "C" __attribute__((visibility("default"))) void causeway_http_get(const HttpRequest *requestIn, HttpResponse *out)
{
    const HttpRequest &request = *requestIn;
    globalInit();
    HttpResponse response;
    CURL *curl = curl_easy_init();
    if (!curl) {
        response.error = HttpError::Other;
        response.message = "cannot start an HTTP transfer";
        *out = std::move(response);
        return;
    }
    Transfer transfer{&request, &response};
    char errorBuffer[CURL_ERROR_SIZE] = {};
    curl_slist *headers = nullptr;
    for (const auto &[name, value] : request.headers)
        headers = curl_slist_append(headers, (name + ": " + value).c_str());

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeoutMs);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeoutMs);
    // Redirects are not followed: credentials must never travel to another
    // host, and a backend API that redirects is misconfigured anyway.
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); // gzip/deflate/br as curl supports
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "causeway");

    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    if (code != CURLE_OK) {
        if (transfer.tooLarge) {
            response.error = HttpError::TooLarge;
            response.message = "response larger than " + std::to_string(request.maxBytes) + " bytes";
        } else {
            response.error = classify(code);
            response.message = errorBuffer[0] ? errorBuffer : curl_easy_strerror(code);
        }
        response.body.clear();
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    *out = std::move(response);
}

// The declaration the program uses matches this definition.
static_assert(std::is_same_v<decltype(&causeway_http_get), HttpGet>);
