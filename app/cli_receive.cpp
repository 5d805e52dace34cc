// The receive command: run the OTLP receivers (and/or follow a file) and
// record everything that arrives as Collector-style JSON Lines.

#include "app/cli.h"

#include "core/live/follower.h"
#include "core/live/grpcreceiver.h"
#include "core/live/httpreceiver.h"
#include "core/live/recorder.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <memory>
#include <thread>

namespace causeway::app {

namespace {

volatile std::sig_atomic_t g_signal = 0;

void onSignal(int signal)
{
    g_signal = signal;
}

const char *kUsage =
    "usage: causeway receive [--http ADDR:PORT] [--grpc ADDR:PORT] [--no-http] [--no-grpc]\n"
    "                        [--follow FILE] --write FILE.jsonl [--append]\n"
    "                        [--duration SECONDS] [--max-spans N] [--max-body BYTES]\n"
    "                        [--allow-remote]\n"
    "\n"
    "Receives OTLP traces from running services and writes them, one request per\n"
    "line, in the Collector file exporter's JSON Lines format (flushed as it goes).\n"
    "\n"
    "  --http ADDR:PORT    OTLP/HTTP (POST /v1/traces), default 127.0.0.1:4318; port 0 picks one\n"
    "  --grpc ADDR:PORT    OTLP/gRPC (TraceService/Export), default 127.0.0.1:4317\n"
    "  --no-http, --no-grpc  do not start that receiver\n"
    "  --follow FILE       also read a JSON Lines file another process appends to,\n"
    "                      surviving rotation\n"
    "  --write FILE        the JSON Lines file to write (--append adds to it)\n"
    "  --duration SECONDS  stop after this long\n"
    "  --max-spans N       stop once N spans were written\n"
    "  --max-body BYTES    largest request after decompression (default 64 MiB)\n"
    "  --allow-remote      allow listening on an address other than loopback\n"
    "\n"
    "Stops on SIGINT/SIGTERM or a limit and prints a summary. The endpoints are\n"
    "printed on stderr once listening.\n";

int receive(const std::vector<std::string> &argv)
{
    Args args;
    std::string error;
    if (!args.parse(argv, {"--http", "--grpc", "--follow", "--write", "--duration", "--max-spans", "--max-body"},
            {"--no-http", "--no-grpc", "--allow-remote", "--append"}, error))
        return usageError("receive", error);
    if (!args.positionals().empty())
        return usageError("receive", "unexpected argument " + args.positionals().front());
    const auto output = args.value("--write");
    if (!output)
        return usageError("receive", "--write FILE is required");

    live::HttpOptions http;
    live::GrpcOptions grpc;
    for (auto [name, host, port] : {std::tuple{"--http", &http.host, &http.port}, {"--grpc", &grpc.host, &grpc.port}}) {
        if (auto v = args.value(name); v && !live::parseEndpoint(*v, *host, *port))
            return usageError("receive", std::string(name) + ": expected ADDR:PORT, got " + *v);
        if (!live::isLoopback(*host) && !args.flag("--allow-remote"))
            return usageError("receive", std::string(name) + " " + *host
                + " is not a loopback address: other machines could send data; add --allow-remote to allow it");
    }
    uint64_t durationSeconds = 0, maxSpans = 0, maxBody = live::kDefaultMaxBody;
    if (auto v = args.value("--duration"); v && (!parseCount(*v, durationSeconds) || durationSeconds == 0))
        return usageError("receive", "--duration: expected a positive number of seconds");
    if (auto v = args.value("--max-spans"); v && (!parseCount(*v, maxSpans) || maxSpans == 0))
        return usageError("receive", "--max-spans: expected a positive count");
    if (auto v = args.value("--max-body"); v && (!parseCount(*v, maxBody) || maxBody == 0))
        return usageError("receive", "--max-body: expected a positive byte count");
    http.maxBody = grpc.maxBody = maxBody;
    const bool useHttp = !args.flag("--no-http"), useGrpc = !args.flag("--no-grpc");
    const auto follow = args.value("--follow");
    if (!useHttp && !useGrpc && !follow)
        return usageError("receive", "nothing to receive from: --no-http and --no-grpc without --follow");

    live::JsonLinesRecorder recorder;
    if (!recorder.open(*output, args.flag("--append"), error))
        return fatalError(error);
    std::atomic<uint64_t> spans{0};
    // A fragment that cannot be written (the disk is full) is refused, so the
    // sender hears "unavailable, retry" and the receiver goes on.
    auto handler = [&](Model &&fragment) {
        const uint64_t n = fragment.spanCount();
        if (!recorder.write(fragment))
            return false;
        spans += n;
        return true;
    };

    // Handled before anything is announced: a script that sends SIGTERM as
    // soon as it reads the endpoint must get the summary, not a killed process.
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::unique_ptr<live::HttpReceiver> httpReceiver;
    std::unique_ptr<live::GrpcReceiver> grpcReceiver;
    std::unique_ptr<live::FileFollower> follower;
    if (useHttp) {
        httpReceiver = std::make_unique<live::HttpReceiver>(http, handler);
        if (!httpReceiver->start(error))
            return fatalError(error);
        std::cerr << "causeway receive: OTLP/HTTP on " << httpReceiver->endpoint() << std::endl;
    }
    if (useGrpc) {
        grpcReceiver = std::make_unique<live::GrpcReceiver>(grpc, handler);
        if (!grpcReceiver->start(error))
            return fatalError(error);
        std::cerr << "causeway receive: OTLP/gRPC on " << grpcReceiver->endpoint() << std::endl;
    }
    if (follow) {
        follower = std::make_unique<live::FileFollower>(*follow, handler);
        follower->start();
        std::cerr << "causeway receive: following " << *follow << std::endl;
    }
    if ((useHttp && !live::isLoopback(http.host)) || (useGrpc && !live::isLoopback(grpc.host)))
        std::cerr << "causeway receive: warning: listening beyond this machine; anyone who can reach it can send data"
                  << std::endl;

    const auto started = std::chrono::steady_clock::now();
    const char *reason = "limit";
    uint64_t reportedFailures = 0;
    for (;;) {
        if (g_signal) {
            reason = g_signal == SIGINT ? "SIGINT" : "SIGTERM";
            break;
        }
        if (maxSpans && spans >= maxSpans) {
            reason = "--max-spans reached";
            break;
        }
        if (durationSeconds && std::chrono::steady_clock::now() - started >= std::chrono::seconds(durationSeconds)) {
            reason = "--duration elapsed";
            break;
        }
        if (const uint64_t failures = recorder.failedWrites(); failures > reportedFailures) {
            reportedFailures = failures;
            if (const std::string why = recorder.error(); !why.empty())
                std::cerr << "causeway receive: cannot write: " << why << " (" << failures
                          << " requests refused with 503 so far; still receiving)" << std::endl;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (httpReceiver)
        httpReceiver->stop();
    if (grpcReceiver)
        grpcReceiver->stop();
    if (follower)
        follower->stop();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (!recorder.close(error))
        return fatalError(error);

    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    uint64_t requests = 0, rejected = 0, failed = 0;
    for (const live::ReceiverCounters *c : {httpReceiver ? &httpReceiver->counters() : nullptr,
             grpcReceiver ? &grpcReceiver->counters() : nullptr}) {
        if (!c)
            continue;
        requests += c->requests;
        rejected += c->spansRejected;
        failed += c->failedRequests;
    }
    std::cout << "stopped: " << reason << '\n'
              << "spans written     " << recorder.spans() << " in " << recorder.lines() << " lines to " << *output << '\n'
              << "requests          " << requests << " (" << failed << " refused)\n"
              << "spans rejected    " << rejected << '\n';
    if (const uint64_t failures = recorder.failedWrites())
        std::cout << "write failures    " << failures << " (answered 503: " << recorder.error() << ")\n";
    if (follower)
        std::cout << "followed lines    " << follower->counters().lines << " (" << follower->counters().badLines
                  << " unreadable, " << follower->counters().reopened << " reopenings)\n";
    std::cout << "seconds           " << seconds << std::endl;
    return kExitOk;
}

CommandRegistrar registrar({"receive", "receive OTLP over HTTP/gRPC (or follow a file) and record JSON Lines", kUsage, receive});

} // namespace

} // namespace causeway::app
