// Backend options shared by fetch, chain, errors and export, and the fetch command.

#include "app/cli_backend.h"
#include "app/cli.h"

#include "core/load.h"
#include "core/writer.h"
#include "ui/secretstore.h"

#include <QCoreApplication>

#include <fstream>
#include <iostream>
#include <memory>

namespace causeway::app {

const char *const kBackendUsage =
    "Trace backend (Grafana Tempo or Jaeger), to fetch linked traces that are not\n"
    "in the files:\n"
    "  --backend URL|NAME   the backend's base URL (http://tempo:3200, http://jaeger:16686),\n"
    "                       or the name of one in the configuration file\n"
    "  --backend-kind KIND  tempo, jaeger-v3 or jaeger-v1 (default: from the URL, else\n"
    "                       asked of the server)\n"
    "  --header K:V         an extra header, e.g. X-Scope-OrgID:team-a (repeatable)\n"
    "  --bearer-env VAR     send the token in environment variable VAR as a bearer token\n"
    "  --basic-user USER    basic auth with the password in --password-env VAR\n"
    "  --password-env VAR\n"
    "  --backend-config F   the configuration file (default: $CAUSEWAY_BACKENDS_FILE or\n"
    "                       ~/.config/causeway/backends.json); secrets are never in it.\n"
    "                       A backend there whose secret is in the desktop keychain is\n"
    "                       read from the keychain; with no keychain reachable, from the\n"
    "                       environment variable the settings name (CAUSEWAY_<NAME>_TOKEN)\n"
    "  --max-fetch N        fetch at most N traces (default 100)\n";

namespace {

// Takes "--name value" or "--name=value" out of argv (all occurrences).
std::vector<std::string> takeValues(std::vector<std::string> &argv, const std::string &name, bool &missing)
{
    std::vector<std::string> values;
    for (size_t i = 0; i < argv.size();) {
        if (argv[i] == "--")
            break;
        if (argv[i] == name) {
            if (i + 1 >= argv.size()) {
                missing = true;
                argv.erase(argv.begin() + long(i));
                continue;
            }
            values.push_back(argv[i + 1]);
            argv.erase(argv.begin() + long(i), argv.begin() + long(i) + 2);
        } else if (argv[i].rfind(name + "=", 0) == 0) {
            values.push_back(argv[i].substr(name.size() + 1));
            argv.erase(argv.begin() + long(i));
        } else {
            ++i;
        }
    }
    return values;
}

} // namespace

bool BackendCli::take(const std::string &command, std::vector<std::string> &argv, int &status)
{
    bool missing = false;
    auto one = [&](const char *name) -> std::optional<std::string> {
        auto v = takeValues(argv, name, missing);
        if (v.empty())
            return std::nullopt;
        return v.back();
    };
    const auto url = one("--backend");
    const auto kind = one("--backend-kind");
    const auto headers = takeValues(argv, "--header", missing);
    const auto bearerEnv = one("--bearer-env");
    const auto basicUser = one("--basic-user");
    const auto passwordEnv = one("--password-env");
    const auto configFile = one("--backend-config");
    const auto maxFetch = one("--max-fetch");
    auto fail = [&](const std::string &message) {
        status = usageError(command, message);
        return false;
    };
    if (missing)
        return fail("a backend option needs a value");
    if (!url) {
        if (kind || !headers.empty() || bearerEnv || basicUser || passwordEnv || maxFetch)
            return fail("backend options need --backend URL");
        return true;
    }
    backend::BackendConfig c;
    const bool looksLikeUrl = url->find("://") != std::string::npos;
    if (!looksLikeUrl) {
        std::vector<backend::BackendConfig> configured;
        std::string error;
        const std::string path = configFile.value_or(backend::defaultConfigPath());
        if (!backend::loadBackends(path, configured, error)) {
            status = fatalError(error);
            return false;
        }
        bool found = false;
        for (auto &b : configured)
            if (b.name == *url) {
                c = b;
                found = true;
            }
        if (!found)
            return fail("no backend named '" + *url + "' in " + path + " (give a URL such as http://tempo:3200)");
        if (c.secretStore == backend::SecretStore::Keychain && c.auth != backend::AuthType::None && !bearerEnv && !passwordEnv) {
            // The GUI's keychain, through the same store; QtKeychain answers
            // through an event loop, so the command line lends it one.
            static int qtArgc = 1;
            static char qtName[] = "causeway";
            static char *qtArgv[] = {qtName, nullptr};
            std::unique_ptr<QCoreApplication> app;
            if (!QCoreApplication::instance())
                app = std::make_unique<QCoreApplication>(qtArgc, qtArgv);
            QString error, note;
            if (!ui::SecretStore::resolveNow(c, error, &note)) {
                status = fatalError(error.toStdString());
                return false;
            }
            if (!note.isEmpty())
                std::cerr << "causeway: note: " << note.toStdString() << '\n';
        }
    } else {
        c.baseUrl = *url;
        c.name = backend::redactUrl(*url);
        if (c.baseUrl.find('@') != std::string::npos && c.baseUrl.find('@') < c.baseUrl.find('/', c.baseUrl.find("://") + 3))
            return fail("put credentials in --bearer-env or --basic-user/--password-env, not in the URL");
        c.kind = backend::detectKindFromUrl(c.baseUrl);
    }
    if (kind) {
        c.kind = backend::kindFromName(*kind);
        if (!c.kind)
            return fail("unknown --backend-kind '" + *kind + "' (tempo, jaeger-v3 or jaeger-v1)");
    }
    for (const auto &h : headers) {
        std::pair<std::string, std::string> header;
        if (!backend::parseHeader(h, header))
            return fail("--header needs NAME:VALUE, not '" + h + "'");
        c.headers.push_back(header);
    }
    if (bearerEnv) {
        c.auth = backend::AuthType::Bearer;
        c.secretStore = backend::SecretStore::Environment;
        c.secretEnv = *bearerEnv;
    }
    if (basicUser || passwordEnv) {
        if (!basicUser || !passwordEnv)
            return fail("--basic-user and --password-env go together");
        c.auth = backend::AuthType::Basic;
        c.user = *basicUser;
        c.secretStore = backend::SecretStore::Environment;
        c.secretEnv = *passwordEnv;
    }
    std::string error;
    if (!c.resolveSecretFromEnvironment(error)) {
        status = fatalError(error);
        return false;
    }
    if (maxFetch) {
        uint64_t n = 0;
        if (!parseCount(*maxFetch, n) || n == 0 || n > 100000)
            return fail("--max-fetch needs a count from 1 to 100000");
        maxTraces = uint32_t(n);
    }
    config = std::move(c);
    return true;
}

bool BackendCli::expand(Model &model, const std::vector<TraceId> &start, uint32_t upstreamDepth,
                        uint32_t downstreamDepth) const
{
    backend::BackendClient client(*config);
    if (!config->kind) {
        std::string message;
        if (client.detectKind(message) != backend::FetchStatus::Ok) {
            fatalError(message);
            return false;
        }
    }
    backend::WalkOptions options;
    options.upstreamDepth = upstreamDepth;
    options.downstreamDepth = client.canSearchLinks() ? downstreamDepth : 0;
    options.maxTraces = maxTraces;
    options.maxInFlight = maxInFlight;
    backend::WalkResult walk = backend::walkLinks(client, model, start, options);
    if (downstreamDepth && !client.canSearchLinks())
        walk.notes.push_back(std::string(backend::kindTitle(client.kind())) +
                             " cannot search for the traces that link to a trace: only upstream links were followed");
    for (const auto &f : walk.failures)
        std::cerr << "causeway: " << f.message << '\n';
    for (const auto &n : walk.notes)
        std::cerr << "causeway: note: " << n << '\n';
    bool wholeBackendFailed = walk.traces.empty() && !walk.failures.empty();
    for (const auto &f : walk.failures)
        if (f.status == backend::FetchStatus::NotFound || f.status == backend::FetchStatus::Malformed)
            wholeBackendFailed = false;
    std::cerr << "causeway: fetched " << walk.traces.size() << " trace" << (walk.traces.size() == 1 ? "" : "s")
              << " from backend " << config->name << '\n';
    backend::mergeFetched(model, std::move(walk), config->name);
    return !wholeBackendFailed;
}

namespace {

int fetchCommand(const std::vector<std::string> &argvIn)
{
    std::vector<std::string> argv = argvIn;
    BackendCli backendCli;
    int status = kExitOk;
    if (!backendCli.take("fetch", argv, status))
        return status;
    Args args;
    std::string error;
    if (!args.parse(argv, {"-o", "--output", "--to", "--depth", "--downstream-depth"}, {}, error))
        return usageError("fetch", error);
    if (!backendCli.enabled())
        return usageError("fetch", "--backend URL is required");
    auto output = args.value("-o");
    if (!output)
        output = args.value("--output");
    if (!output || output->empty())
        return usageError("fetch", "-o FILE is required");
    if (args.positionals().empty())
        return usageError("fetch", "no trace ids");
    std::vector<TraceId> ids;
    for (const auto &text : args.positionals()) {
        TraceId id;
        if (parseId(text, id) != IdParse::Ok || id.isZero())
            return usageError("fetch", "'" + text + "' is not a trace id (32 hex digits or base64 of 16 bytes)");
        ids.push_back(id);
    }
    uint64_t depth = 0, downstream = 0;
    if (auto d = args.value("--depth"); d && (!parseCount(*d, depth) || depth > 1000))
        return usageError("fetch", "--depth needs a count");
    if (auto d = args.value("--downstream-depth"); d && (!parseCount(*d, downstream) || downstream > 1000))
        return usageError("fetch", "--downstream-depth needs a count");
    OutputFormat format = OutputFormat::OtlpJson;
    std::string to = args.value("--to").value_or("");
    if (to.empty()) {
        const auto dot = output->rfind('.');
        const std::string ext = dot == std::string::npos ? "" : output->substr(dot + 1);
        to = ext == "pb" || ext == "bin" ? "otlp-proto" : ext == "jsonl" ? "otlp-jsonl" : "otlp-json";
    }
    if (to == "otlp-json")
        format = OutputFormat::OtlpJson;
    else if (to == "otlp-jsonl")
        format = OutputFormat::OtlpJsonLines;
    else if (to == "otlp-proto")
        format = OutputFormat::OtlpProto;
    else
        return usageError("fetch", "unknown format '" + to + "' (otlp-json, otlp-jsonl or otlp-proto)");

    Model model;
    const bool reached = backendCli.expand(model, ids, uint32_t(depth), uint32_t(downstream));
    size_t missing = 0;
    for (const TraceId &id : ids)
        missing += model.findTrace(id) == kNone;
    if (!reached && model.traces.empty())
        return kExitError;
    std::ofstream out(*output, std::ios::binary | std::ios::trunc);
    if (!out)
        return fatalError(*output + ": cannot open for writing");
    if (!writeModel(model, format, out, error))
        return fatalError(*output + ": " + error);
    out.close();
    if (!out)
        return fatalError(*output + ": write failed");
    if (missing)
        return fatalError(std::to_string(missing) + " of " + std::to_string(ids.size()) +
                          " requested traces could not be fetched; " + *output + " holds the " +
                          std::to_string(model.traces.size()) + " that were");
    return kExitOk;
}

const std::string kFetchUsage = std::string(
    "Usage: causeway fetch --backend URL|NAME [--header K:V]... [--depth N] [--downstream-depth N]\n"
    "                      [--to otlp-json|otlp-jsonl|otlp-proto] -o FILE TRACEID...\n\n"
    "Fetches traces by id from a Grafana Tempo or Jaeger backend and writes them\n"
    "as OTLP (the format from --to, else from FILE's extension: .pb protobuf,\n"
    ".jsonl JSON Lines, otherwise JSON). TRACEID: 32 hex digits or base64.\n\n"
    "  --depth N             also follow the fetched traces' span links N hops\n"
    "  --downstream-depth N  also fetch the traces that link to them, N hops\n"
    "                        (Tempo only: TraceQL { link:traceID = \"...\" })\n\n") + kBackendUsage +
    "\nExit status 1 when a requested trace could not be fetched (FILE still holds\n"
    "the others); the reason for each is on stderr.\n";

const CommandRegistrar fetchRegistration({"fetch", "fetch traces by id from Tempo or Jaeger and write them as OTLP",
    kFetchUsage, fetchCommand});

} // namespace

} // namespace causeway::app
