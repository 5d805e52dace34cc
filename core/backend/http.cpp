#include "core/backend/http.h"

#include "core/module.h"

#include <cctype>

namespace causeway::backend {

namespace {

HttpGet httpModule(std::string &error)
{
    static std::string failure;
    static const HttpGet get = [] {
        std::string why;
        auto *f = reinterpret_cast<HttpGet>(moduleSymbol(kHttpModuleFile, kHttpModuleGet, why));
        if (!f)
            failure = "cannot load the HTTP client: " + why;
        return f;
    }();
    error = failure;
    return get;
}

} // namespace

HttpResponse httpGet(const HttpRequest &request)
{
    HttpResponse response;
    std::string error;
    if (HttpGet get = httpModule(error)) {
        get(&request, &response);
    } else {
        response.error = HttpError::Other;
        response.message = error;
    }
    return response;
}

std::string urlEncode(const std::string &text)
{
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size() * 3);
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += char(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 15];
        }
    }
    return out;
}

std::string redactUrl(const std::string &url)
{
    std::string out = url;
    if (auto q = out.find('?'); q != std::string::npos)
        out.erase(q);
    const auto scheme = out.find("://");
    const size_t hostStart = scheme == std::string::npos ? 0 : scheme + 3;
    const auto slash = out.find('/', hostStart);
    const auto at = out.rfind('@', slash == std::string::npos ? out.size() : slash);
    if (at != std::string::npos && at >= hostStart)
        out.erase(hostStart, at + 1 - hostStart);
    return out;
}

} // namespace causeway::backend
