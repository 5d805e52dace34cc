#pragma once
// The backend options every command that can reach a trace backend shares:
// --backend URL|NAME, --header K:V, --backend-kind, credentials from the
// environment, the configuration file; and the walk that brings linked
// traces in from the backend before a command looks at the model.

#include "core/backend/linkwalk.h"

#include <optional>
#include <string>
#include <vector>

namespace causeway::app {

struct BackendCli
{
    std::optional<backend::BackendConfig> config;
    uint32_t maxTraces = 100;
    uint32_t maxInFlight = 4;
    bool enabled() const { return config.has_value(); }

    // Removes the backend options from argv and fills this. On a usage
    // error prints it and sets `status`; returns false.
    bool take(const std::string &command, std::vector<std::string> &argv, int &status);

    // Fetches `start` traces that are not in `model` and walks links from
    // them; merges what arrived. Failures and notes go to stderr; returns
    // false (after printing) only when nothing could be fetched at all
    // because the backend failed as a whole (unreachable, credentials).
    bool expand(Model &model, const std::vector<TraceId> &start, uint32_t upstreamDepth, uint32_t downstreamDepth) const;
};

// The help text for the options, for each command's usage.
extern const char *const kBackendUsage;

} // namespace causeway::app
