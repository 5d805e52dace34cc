#include "core/backend/http.h"

#include "core/module.h"

#include <cctype>

namespace causeway::backend {

HttpResponse httpGet(const HttpRequest &request)
{
    HttpResponse response;
    std::string error;
    if (auto get = reinterpret_cast<HttpGet>(moduleSymbol(kHttpModuleFile, kHttpModuleGet, error))) {
        get(&request, &response);
    } else {
        response.error = HttpError::Other;
        response.message = "cannot load the HTTP client: " + error;
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
