#pragma once
// A trace backend as the user configures it: name, kind, base URL, extra
// headers, and where its secret lives. The secret itself is never written
// to the configuration file: it comes from an environment variable (or, in
// the GUI, the desktop keychain) and is held in memory only.

#include "core/backend/http.h"

#include <optional>
#include <string>
#include <vector>

namespace causeway::backend {

enum class BackendKind {
    Tempo,     // Grafana Tempo: /api/v2/traces/{id}, /api/traces/{id}, /api/search (TraceQL)
    JaegerV3,  // Jaeger v2's API: /api/v3/traces/{id}, /api/v3/traces?query.*
    JaegerV1,  // Jaeger's UI API: /api/traces/{id}, /api/traces?service=...
};

const char *kindName(BackendKind kind);          // "tempo", "jaeger-v3", "jaeger-v1"
const char *kindTitle(BackendKind kind);         // "Tempo", "Jaeger (API v3)", "Jaeger (API v1)"
std::optional<BackendKind> kindFromName(const std::string &name);

enum class AuthType { None, Bearer, Basic };
const char *authName(AuthType type);             // "none", "bearer", "basic"

enum class SecretStore { Environment, Keychain };

struct BackendConfig
{
    std::string name;
    std::optional<BackendKind> kind;  // empty: detect (from the URL, else by asking the server)
    std::string baseUrl;              // e.g. http://tempo:3200
    Headers headers;                  // e.g. X-Scope-OrgID: team-a
    AuthType auth = AuthType::None;
    std::string user;                 // basic auth
    SecretStore secretStore = SecretStore::Environment;
    std::string secretEnv;            // environment variable holding the token or password

    // Limits. Not user secrets; kept in the file when not the default.
    long connectTimeoutMs = 5000;
    long timeoutMs = 30000;
    uint64_t maxResponseBytes = uint64_t(256) << 20;
    int maxRetries = 3;               // for 429 and 5xx
    long retryBaseMs = 250;           // first backoff; doubles each retry
    long maxRetryAfterMs = 60000;     // a longer Retry-After gives up instead of waiting

    // In memory only, never serialised.
    std::string secret;

    // The Authorization header for this backend, empty without credentials.
    std::string authorization() const;
    // Fills `secret` from secretEnv when the store is the environment.
    // Returns false with a message when the variable is named but unset.
    bool resolveSecretFromEnvironment(std::string &error);
    // The environment variable suggested for a backend's secret:
    // CAUSEWAY_<NAME>_TOKEN / CAUSEWAY_<NAME>_PASSWORD.
    std::string defaultSecretEnv() const;
};

// Guesses the kind from the URL: a path ending in /api/v3 means Jaeger's v3
// API (the suffix is removed from baseUrl); port 3200 or "tempo" in the host
// means Tempo; port 16686 or "jaeger" in the host means Jaeger (v3 API).
std::optional<BackendKind> detectKindFromUrl(std::string &baseUrl);

// The configuration file: $CAUSEWAY_BACKENDS_FILE, else
// $XDG_CONFIG_HOME/causeway/backends.json, else ~/.config/causeway/backends.json.
std::string defaultConfigPath();

// {"backends": [{"name", "kind", "url", "headers": {K: V}, "auth": "bearer",
//  "user", "secretStore": "env"|"keychain", "secretEnv", "timeoutMs", ...}]}
bool loadBackends(const std::string &path, std::vector<BackendConfig> &out, std::string &error);
bool saveBackends(const std::string &path, const std::vector<BackendConfig> &backends, std::string &error);
std::string backendsToJson(const std::vector<BackendConfig> &backends);
bool backendsFromJson(const std::string &text, std::vector<BackendConfig> &out, std::string &error);

// "K:V" or "K: V" into a header; false on a malformed header.
bool parseHeader(const std::string &text, std::pair<std::string, std::string> &out);

} // namespace causeway::backend
