#include "core/backend/backendconfig.h"

#include "core/ids.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace causeway::backend {

const char *kindName(BackendKind kind)
{
    switch (kind) {
    case BackendKind::Tempo: return "tempo";
    case BackendKind::JaegerV3: return "jaeger-v3";
    case BackendKind::JaegerV1: return "jaeger-v1";
    }
    return "tempo";
}

const char *kindTitle(BackendKind kind)
{
    switch (kind) {
    case BackendKind::Tempo: return "Tempo";
    case BackendKind::JaegerV3: return "Jaeger (API v3)";
    case BackendKind::JaegerV1: return "Jaeger (API v1)";
    }
    return "Tempo";
}

std::optional<BackendKind> kindFromName(const std::string &name)
{
    if (name == "tempo")
        return BackendKind::Tempo;
    if (name == "jaeger-v3" || name == "jaeger" || name == "jaeger-v2")
        return BackendKind::JaegerV3;
    if (name == "jaeger-v1")
        return BackendKind::JaegerV1;
    return std::nullopt;
}

const char *authName(AuthType type)
{
    switch (type) {
    case AuthType::None: return "none";
    case AuthType::Bearer: return "bearer";
    case AuthType::Basic: return "basic";
    }
    return "none";
}

std::string BackendConfig::authorization() const
{
    if (auth == AuthType::Bearer && !secret.empty())
        return "Bearer " + secret;
    if (auth == AuthType::Basic && (!user.empty() || !secret.empty()))
        return "Basic " + base64Encode(user + ':' + secret);
    return {};
}

std::string BackendConfig::defaultSecretEnv() const
{
    std::string out = "CAUSEWAY_";
    for (char c : name.empty() ? std::string("BACKEND") : name)
        out += std::isalnum(static_cast<unsigned char>(c)) ? char(std::toupper(static_cast<unsigned char>(c))) : '_';
    out += auth == AuthType::Basic ? "_PASSWORD" : "_TOKEN";
    return out;
}

bool BackendConfig::resolveSecretFromEnvironment(std::string &error)
{
    if (auth == AuthType::None || secretStore != SecretStore::Environment || !secret.empty())
        return true;
    const std::string var = secretEnv.empty() ? defaultSecretEnv() : secretEnv;
    if (const char *value = std::getenv(var.c_str()); value && *value) {
        secret = value;
        return true;
    }
    error = "backend " + name + ": environment variable " + var + " is not set (it holds the " +
            (auth == AuthType::Basic ? "password" : "token") + ")";
    return false;
}

std::optional<BackendKind> detectKindFromUrl(std::string &baseUrl)
{
    while (!baseUrl.empty() && baseUrl.back() == '/')
        baseUrl.pop_back();
    auto endsWith = [&](const std::string &suffix) {
        return baseUrl.size() >= suffix.size() && baseUrl.compare(baseUrl.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (endsWith("/api/v3")) {
        baseUrl.resize(baseUrl.size() - 7);
        return BackendKind::JaegerV3;
    }
    const auto scheme = baseUrl.find("://");
    const size_t hostStart = scheme == std::string::npos ? 0 : scheme + 3;
    std::string host = baseUrl.substr(hostStart, baseUrl.find('/', hostStart) - hostStart);
    for (char &c : host)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    auto hasPort = [&](const char *port) {
        const auto colon = host.rfind(':');
        return colon != std::string::npos && host.substr(colon + 1) == port;
    };
    if (hasPort("3200") || host.find("tempo") != std::string::npos)
        return BackendKind::Tempo;
    if (hasPort("16686") || host.find("jaeger") != std::string::npos)
        return BackendKind::JaegerV3;
    return std::nullopt;
}

std::string defaultConfigPath()
{
    if (const char *file = std::getenv("CAUSEWAY_BACKENDS_FILE"); file && *file)
        return file;
    if (const char *xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::string(xdg) + "/causeway/backends.json";
    if (const char *home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.config/causeway/backends.json";
    return "backends.json";
}

bool parseHeader(const std::string &text, std::pair<std::string, std::string> &out)
{
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0)
        return false;
    std::string name = text.substr(0, colon);
    std::string value = text.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.erase(0, 1);
    for (char c : name)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return false;
    for (char c : value)
        if (c == '\r' || c == '\n')
            return false;
    out = {name, value};
    return true;
}

std::string backendsToJson(const std::vector<BackendConfig> &backends)
{
    const BackendConfig defaults;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto &b : backends) {
        nlohmann::ordered_json j;
        j["name"] = b.name;
        j["kind"] = b.kind ? kindName(*b.kind) : "auto";
        j["url"] = b.baseUrl;
        nlohmann::ordered_json headers = nlohmann::ordered_json::object();
        for (const auto &[k, v] : b.headers)
            headers[k] = v;
        j["headers"] = headers;
        j["auth"] = authName(b.auth);
        if (b.auth == AuthType::Basic)
            j["user"] = b.user;
        if (b.auth != AuthType::None) {
            j["secretStore"] = b.secretStore == SecretStore::Keychain ? "keychain" : "env";
            if (b.secretStore == SecretStore::Environment)
                j["secretEnv"] = b.secretEnv.empty() ? b.defaultSecretEnv() : b.secretEnv;
        }
        if (b.timeoutMs != defaults.timeoutMs)
            j["timeoutMs"] = b.timeoutMs;
        if (b.connectTimeoutMs != defaults.connectTimeoutMs)
            j["connectTimeoutMs"] = b.connectTimeoutMs;
        if (b.maxResponseBytes != defaults.maxResponseBytes)
            j["maxResponseBytes"] = b.maxResponseBytes;
        if (b.maxRetries != defaults.maxRetries)
            j["maxRetries"] = b.maxRetries;
        list.push_back(std::move(j));
    }
    return nlohmann::ordered_json{{"backends", list}}.dump(2) + '\n';
}

bool backendsFromJson(const std::string &text, std::vector<BackendConfig> &out, std::string &error)
{
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("backends") || !doc["backends"].is_array()) {
        error = "expected {\"backends\": [...]}";
        return false;
    }
    std::vector<BackendConfig> result;
    size_t index = 0;
    for (const auto &j : doc["backends"]) {
        const std::string where = "backends[" + std::to_string(index++) + "]";
        if (!j.is_object() || !j.contains("url") || !j["url"].is_string()) {
            error = where + ": needs a \"url\"";
            return false;
        }
        BackendConfig b;
        b.baseUrl = j["url"].get<std::string>();
        b.name = j.value("name", std::string());
        const std::string kind = j.value("kind", std::string("auto"));
        if (kind != "auto") {
            b.kind = kindFromName(kind);
            if (!b.kind) {
                error = where + ": unknown kind \"" + kind + "\" (tempo, jaeger-v3, jaeger-v1 or auto)";
                return false;
            }
        } else {
            b.kind = detectKindFromUrl(b.baseUrl);
        }
        while (!b.baseUrl.empty() && b.baseUrl.back() == '/')
            b.baseUrl.pop_back();
        if (b.name.empty())
            b.name = redactUrl(b.baseUrl);
        if (j.contains("headers") && j["headers"].is_object())
            for (const auto &[k, v] : j["headers"].items())
                if (v.is_string())
                    b.headers.emplace_back(k, v.get<std::string>());
        const std::string auth = j.value("auth", std::string("none"));
        b.auth = auth == "bearer" ? AuthType::Bearer : auth == "basic" ? AuthType::Basic : AuthType::None;
        b.user = j.value("user", std::string());
        b.secretStore = j.value("secretStore", std::string("env")) == "keychain" ? SecretStore::Keychain : SecretStore::Environment;
        b.secretEnv = j.value("secretEnv", std::string());
        b.timeoutMs = j.value("timeoutMs", b.timeoutMs);
        b.connectTimeoutMs = j.value("connectTimeoutMs", b.connectTimeoutMs);
        b.maxResponseBytes = j.value("maxResponseBytes", b.maxResponseBytes);
        b.maxRetries = j.value("maxRetries", b.maxRetries);
        result.push_back(std::move(b));
    }
    out = std::move(result);
    return true;
}

bool loadBackends(const std::string &path, std::vector<BackendConfig> &out, std::string &error)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.clear();
        return true; // no file: no backends
    }
    std::stringstream ss;
    ss << in.rdbuf();
    if (!backendsFromJson(ss.str(), out, error)) {
        error = path + ": " + error;
        return false;
    }
    return true;
}

bool saveBackends(const std::string &path, const std::vector<BackendConfig> &backends, std::string &error)
{
    std::error_code ec;
    const auto dir = std::filesystem::path(path).parent_path();
    if (!dir.empty())
        std::filesystem::create_directories(dir, ec);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            error = path + ": cannot write";
            return false;
        }
        out << backendsToJson(backends);
        if (!out) {
            error = path + ": write failed";
            return false;
        }
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        error = path + ": " + ec.message();
        return false;
    }
    return true;
}

} // namespace causeway::backend
