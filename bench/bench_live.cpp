// Live ingest on loopback: client threads send OTLP/HTTP protobuf requests
// (keep-alive, 500 spans each, links between traces) to the receiver of a
// LiveController, which appends them to the live model off the GUI thread
// and hands snapshots (with what changed) to the session and a trace list,
// while a 5 ms timer on the GUI thread measures how late the event loop
// runs. Reports spans/s from the first request until the session holds
// every span (or, with a retention cap, every span sent has been taken in),
// as a ratio against a baseline measured in the same run: decoding the same
// bodies in-process (loadBuffer) and merging and finalizing them once,
// without sockets or snapshots. Also reports memory per retained span.
//
// Then the cost of one refresh (LiveModel::publish of a fixed batch, plus
// the GUI hand-over) with 100k and with 1M spans retained, in the same run.
//
// Usage: bench_live [SPANS] [CLIENTS] [RATE] [RETAIN] [BATCH]
//   SPANS   spans to send (default 1,000,000)
//   CLIENTS sending threads (default 2)
//   RATE    spans/s the clients send together, 0: as fast as they can (default 0)
//   RETAIN  the retention cap in spans, 0: none (default 0)
//   BATCH   spans per refresh in the refresh-cost part, 0: skip it (default 40,000)
//
// `bench_live --lanes [LINKS]`: only the lanes summaries a refresh costs.
// Two busy traces with LINKS traces linking to each (default 100,000); a
// refresh appends 200 traces, linking to one of them, or to neither. Per
// refresh, what the lanes view's pass after it costs when it summarises
// every busy trace again (as before) and when it keeps the summaries the
// refresh did not touch (LanesSummaryCache::carryOver), same run.
//
// Between the two, the receivers alone: the same bodies sent at full speed
// by CLIENTS threads to the OTLP/HTTP receiver (keep-alive sockets) and to
// the OTLP/gRPC receiver (the gRPC C++ client, one channel per thread),
// each decoding into a live model; spans/s of both from the same run.

#include "core/allocator.h"
#include "core/live/grpcreceiver.h"
#include "core/live/httpreceiver.h"
#include "core/lanessummary.h"
#include "core/live/livemodel.h"
#include "core/proto/otlp_trace.grpc.pb.h"
#include "core/load.h"
#include "core/writer.h"
#include "ui/livecontroller.h"
#include "ui/session.h"
#include "ui/tracefilterproxy.h"
#include "ui/tracelistmodel.h"
#include "ui/tracelistpanel.h"

#include "tests/common/httpclient.h"
#include "tests/common/modelbuilder.h"

#include <QApplication>
#include <QTableView>
#include <QElapsedTimer>
#include <QTimer>
#include <QWidget>

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using namespace causeway;
namespace otlp = opentelemetry::proto::collector::trace::v1;

namespace {

constexpr int kTracesPerRequest = 50;
constexpr int kSpansPerTrace = 10;

std::string hexId(uint64_t value, int digits)
{
    char text[40];
    std::snprintf(text, sizeof text, "%0*llx", digits, static_cast<unsigned long long>(value));
    return text;
}

// One request: 50 traces of 10 spans; each trace's first span links to a
// span of the trace sent 50 traces earlier (the previous request).
std::string requestJson(uint64_t request)
{
    std::string out = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc-"
        + std::to_string(request % 7) + "\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"bench\"},\"spans\":[";
    for (int t = 0; t < kTracesPerRequest; ++t) {
        const uint64_t trace = request * kTracesPerRequest + uint64_t(t) + 1;
        const std::string traceId = hexId(trace, 32);
        const uint64_t start = trace * 1'000'000;
        for (int s = 0; s < kSpansPerTrace; ++s) {
            if (t || s)
                out += ',';
            out += "{\"traceId\":\"" + traceId + "\",\"spanId\":\"" + hexId(trace * 16 + uint64_t(s) + 1, 16) + "\"";
            if (s)
                out += ",\"parentSpanId\":\"" + hexId(trace * 16 + 1, 16) + "\"";
            out += ",\"name\":\"op-" + std::to_string(s) + "\",\"kind\":" + std::to_string(s ? 3 : 2)
                + ",\"startTimeUnixNano\":\"" + std::to_string(start + uint64_t(s) * 1000) + "\",\"endTimeUnixNano\":\""
                + std::to_string(start + uint64_t(s) * 1000 + 500) + "\",\"attributes\":[{\"key\":\"http.route\",\"value\":{\"stringValue\":\"/api/"
                + std::to_string(s) + "\"}},{\"key\":\"n\",\"value\":{\"intValue\":\"" + std::to_string(trace) + "\"}}]";
            if (s == 0 && trace > uint64_t(kTracesPerRequest))
                out += ",\"links\":[{\"traceId\":\"" + hexId(trace - kTracesPerRequest, 32) + "\",\"spanId\":\""
                    + hexId((trace - kTracesPerRequest) * 16 + 2, 16) + "\"}]";
            out += '}';
        }
    }
    return out + "]}]}]}";
}

std::string toProto(const std::string &json)
{
    Model m;
    loadBuffer("request", json, m);
    m.finalize();
    std::ostringstream out;
    std::string error;
    writeModel(m, OutputFormat::OtlpProto, out, error);
    return out.str();
}

uint64_t rssBytes()
{
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stoull(line.substr(6)) * 1024;
    return 0;
}

// Fragments as the receiver hands them in: request r decoded.
std::vector<Model> decodedRequests(uint64_t first, uint64_t count)
{
    std::vector<Model> out(count);
    for (uint64_t r = 0; r < count; ++r) {
        LoadOptions options;
        options.threads = 1;
        const std::string body = toProto(requestJson(first + r));
        loadBuffer("request", body, out[r], options);
    }
    return out;
}

// The cost of one refresh with `retained` spans kept (the cap), each
// refresh bringing `batch` spans: LiveModel::publish on a worker (append,
// the spare copy catching up, eviction when the cap is passed) and the
// hand-over on the GUI thread (session and trace list). Retained 100k and
// the large size are measured in the same run and compared.
// Every body sent by `clients` threads through `send(thread, body)`;
// seconds until all are answered and handed in.
template<typename Send>
double sendAll(const std::vector<std::string> &bodies, int clients, Send send, std::atomic<uint64_t> &failures)
{
    std::atomic<uint64_t> next{0};
    std::vector<std::thread> threads;
    const auto t0 = std::chrono::steady_clock::now();
    for (int c = 0; c < clients; ++c)
        threads.emplace_back([&, c] {
            for (uint64_t r; (r = next++) < bodies.size();)
                if (!send(c, bodies[r]))
                    failures++;
        });
    for (auto &t : threads)
        t.join();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// OTLP/HTTP against OTLP/gRPC: the receivers alone, into a LiveModel.
void receiversCompared(const std::vector<std::string> &bodies, int clients, uint64_t total)
{
    std::atomic<uint64_t> failures{0};
    double httpSeconds = 0, grpcSeconds = 0;
    {
        live::LiveModel model;
        live::HttpOptions options;
        options.port = 0;
        live::HttpReceiver receiver(options, [&](Model &&m) { model.add(std::move(m)); });
        std::string error;
        if (!receiver.start(error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return;
        }
        std::vector<int> fds(size_t(clients), -1);
        std::vector<std::string> carry(static_cast<size_t>(clients), std::string());
        for (auto &fd : fds)
            fd = test::connectTo(receiver.port());
        httpSeconds = sendAll(bodies, clients, [&](int c, const std::string &body) {
            const std::string request = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
                + std::to_string(body.size()) + "\r\n\r\n" + body;
            return test::sendAll(fds[size_t(c)], request) && test::readReply(fds[size_t(c)], 30000, &carry[size_t(c)]).status == 200;
        }, failures);
        for (int fd : fds)
            ::close(fd);
        if (model.stats().spansReceived != total)
            std::fprintf(stderr, "HTTP receiver took %llu of %llu spans\n",
                         static_cast<unsigned long long>(model.stats().spansReceived), static_cast<unsigned long long>(total));
    }
    {
        live::LiveModel model;
        live::GrpcOptions options;
        options.port = 0;
        live::GrpcReceiver receiver(options, [&](Model &&m) { model.add(std::move(m)); });
        std::string error;
        if (!receiver.start(error)) {
            std::fprintf(stderr, "%s\n", error.c_str());
            return;
        }
        // The requests parsed up front, as a client holds them before it exports.
        std::vector<otlp::ExportTraceServiceRequest> requests(bodies.size());
        for (size_t i = 0; i < bodies.size(); ++i)
            requests[i].ParseFromString(bodies[i]);
        std::vector<std::unique_ptr<otlp::TraceService::Stub>> stubs;
        for (int c = 0; c < clients; ++c) {
            grpc::ChannelArguments args;
            args.SetInt("grpc.use_local_subchannel_pool", 1); // a connection per thread, as separate exporters have
            stubs.push_back(otlp::TraceService::NewStub(
                grpc::CreateCustomChannel(receiver.endpoint(), grpc::InsecureChannelCredentials(), args)));
        }
        std::atomic<uint64_t> index{0};
        std::vector<const otlp::ExportTraceServiceRequest *> order;
        for (const auto &r : requests)
            order.push_back(&r);
        grpcSeconds = sendAll(bodies, clients, [&](int c, const std::string &body) {
            const auto &request = *order[size_t(index++)];
            (void)body;
            otlp::ExportTraceServiceResponse response;
            grpc::ClientContext context;
            context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
            return stubs[size_t(c)]->Export(&context, request, &response).ok();
        }, failures);
        if (model.stats().spansReceived != total)
            std::fprintf(stderr, "gRPC receiver took %llu of %llu spans\n",
                         static_cast<unsigned long long>(model.stats().spansReceived), static_cast<unsigned long long>(total));
    }
    std::printf("receivers alone   %d clients at full speed, decoded into a live model: OTLP/HTTP %.0f spans/s, "
                "OTLP/gRPC %.0f spans/s (gRPC / HTTP = %.2f)%s\n",
                clients, double(total) / httpSeconds, double(total) / grpcSeconds, httpSeconds / grpcSeconds,
                failures ? ", SOME REQUESTS FAILED" : "");
}

double percentileOf(std::vector<double> v, double q)
{
    if (v.empty())
        return 0.0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(double(v.size()) * q))];
}

void refreshCost(uint64_t batch, uint64_t large)
{
    constexpr uint64_t kSpansPerRequest = kTracesPerRequest * kSpansPerTrace;
    const uint64_t perBatch = std::max<uint64_t>(1, batch / kSpansPerRequest);
    // Measured once the model runs as it will for the rest of an afternoon:
    // after twice the cap of spans past it (at least 10 refreshes), by which
    // time its pools have been compacted at the cap and hold the room they
    // keep from then on. The refreshes of that first stretch are reported
    // too, on their own.
    constexpr int kRefreshes = 60;
    std::printf("refresh cost      %llu spans per refresh, %d refreshes after a first stretch past the cap "
                "(twice the cap of spans, at least 10 refreshes)\n",
                static_cast<unsigned long long>(perBatch * kSpansPerRequest), kRefreshes);
    struct Result { double publishP50, publishMean, publishP95, installP50, installP99, evictMs; uint64_t evictions; };
    std::vector<std::pair<uint64_t, Result>> results;
    for (uint64_t retained : {uint64_t(100'000), large}) {
        live::LiveModel model;
        live::Retention retention;
        retention.maxSpans = retained;
        model.setRetention(retention);
        ui::Session session;
        // The trace list dock as the window has it: rows inserted and
        // removed as traces come and go, sorted by start, shown to its end
        // (so it follows the newest rows).
        ui::TraceListPanel panel(&session);
        panel.resize(480, 720);
        panel.show();
        auto &traceList = *static_cast<ui::TraceListModel *>(panel.proxy()->sourceModel());
        // The hand-over, then the rows the trace list inserts in slices
        // after it (each slice its own turn of the event loop).
        // Then the list's paint that follows each refresh on screen (it
        // lays the changed table out unless the refresh already did): its
        // rows drawn into an image, as the offscreen platform exposes nothing.
        std::vector<double> sliceMs, paintMs;
        auto install = [&] {
            live::Published p = model.take();
            QElapsedTimer clock;
            clock.start();
            session.replaceModel(std::move(p.model), p.changes);
            const double ms = double(clock.nsecsElapsed()) / 1e6;
            for (bool more = traceList.pendingRows() > 0; more;) {
                clock.restart();
                more = traceList.insertSlice();
                sliceMs.push_back(double(clock.nsecsElapsed()) / 1e6);
            }
            clock.restart();
            panel.view()->viewport()->grab();
            paintMs.push_back(double(clock.nsecsElapsed()) / 1e6);
            return ms;
        };
        // Fill to the cap, untimed, in the same batches.
        uint64_t request = 0;
        const uint64_t fillRequests = retained / kSpansPerRequest;
        while (request < fillRequests) {
            const uint64_t n = std::min(perBatch, fillRequests - request);
            for (auto &f : decodedRequests(request, n))
                model.add(std::move(f));
            request += n;
            model.publish();
            install();
        }
        const auto firstStretch = int(std::max<uint64_t>(10, 2 * retained / (perBatch * kSpansPerRequest)));
        std::vector<double> publishMs, installMs, firstMs;
        sliceMs.clear();
        paintMs.clear();
        double evictMs = 0;
        uint64_t evictions = 0;
        for (int i = 0; i < firstStretch + kRefreshes; ++i) {
            auto fragments = decodedRequests(request, perBatch);
            request += perBatch;
            for (auto &f : fragments)
                model.add(std::move(f));
            const uint64_t droppedBefore = model.stats().droppedTraces;
            const auto t0 = std::chrono::steady_clock::now();
            model.publish();
            const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            if (i < firstStretch) {
                firstMs.push_back(ms);
                install();
                if (i + 1 == firstStretch) {
                    sliceMs.clear();
                    paintMs.clear();
                }
                continue;
            }
            publishMs.push_back(ms);
            if (model.stats().droppedTraces != droppedBefore) {
                evictMs += ms;
                ++evictions;
            }
            installMs.push_back(install());
        }
        double mean = 0;
        for (double v : publishMs)
            mean += v;
        mean /= double(publishMs.size());
        const Result r{percentileOf(publishMs, 0.5), mean, percentileOf(publishMs, 0.95), percentileOf(installMs, 0.5),
                       percentileOf(installMs, 0.99), evictions ? evictMs / double(evictions) : 0.0, evictions};
        std::printf("  retained %7llu publish p50 %6.1f ms, mean %6.1f ms, p95 %6.1f ms (%llu with eviction, %.1f ms each); "
                    "hand-over p50 %.2f ms, p99 %.2f ms; list paint after it p50 %.2f ms; later row slices p99 %.2f ms (%zu); %llu whole copies; "
                    "spare caught up %llu times after appends, %llu after drops (%llu between refreshes, on the live model's thread: %.1f ms each)\n",
                    static_cast<unsigned long long>(retained), r.publishP50, r.publishMean, r.publishP95,
                    static_cast<unsigned long long>(evictions), r.evictMs, r.installP50, r.installP99, percentileOf(paintMs, 0.5),
                    percentileOf(sliceMs, 0.99), sliceMs.size(), static_cast<unsigned long long>(model.stats().wholeCopies),
                    static_cast<unsigned long long>(model.stats().spareAppendCatchUps),
                    static_cast<unsigned long long>(model.stats().spareCatchUps),
                    static_cast<unsigned long long>(model.stats().backgroundCatchUps),
                    model.stats().backgroundCatchUpMs / double(std::max<uint64_t>(1, model.stats().backgroundCatchUps)));
        double firstMean = 0;
        for (double v : firstMs)
            firstMean += v;
        firstMean /= double(firstMs.size());
        std::printf("  retained %7llu the first stretch past the cap, %zu refreshes: publish p50 %6.1f ms, mean %6.1f ms, worst %6.1f ms\n",
                    static_cast<unsigned long long>(retained), firstMs.size(), percentileOf(firstMs, 0.5), firstMean,
                    *std::max_element(firstMs.begin(), firstMs.end()));
        results.emplace_back(retained, r);
    }
    const Result &small = results[0].second, &big = results[1].second;
    std::printf("refresh ratio     %lluk / 100k retained: publish p50 %.2fx, mean %.2fx; hand-over p50 %.2fx\n",
                static_cast<unsigned long long>(results[1].first / 1000), big.publishP50 / small.publishP50,
                big.publishMean / small.publishMean, big.installP50 / std::max(1e-3, small.installP50));
}

} // namespace

// Trace numbers: 1 and 2 the busy traces, then their fans, then the refreshes' traces.
void addLinked(test::TestModelBuilder &b, uint32_t trace, uint32_t to, uint64_t start)
{
    std::vector<test::TestModelBuilder::LinkSpec> links;
    if (to)
        links.push_back({to, to});
    b.add({.trace = trace, .span = trace, .start = start, .duration = 2'000'000, .name = "process item",
           .links = links, .status = trace % 97 ? StatusCode::Unset : StatusCode::Error});
}

void lanesRefreshCost(uint32_t links)
{
    constexpr uint64_t kBase = 1700000000ull * 1'000'000'000ull;
    test::TestModelBuilder b("shop");
    b.add({.trace = 1, .span = 1, .start = kBase, .duration = 100'000'000, .name = "settle batch"});
    b.add({.trace = 2, .span = 2, .start = kBase, .duration = 100'000'000, .name = "nightly export"});
    uint32_t next = 10;
    for (uint32_t i = 0; i < 2 * links; ++i, ++next)
        addLinked(b, next, 1 + i % 2, kBase + uint64_t(i) * 1'000'000);
    Model model = b.finish();
    const LanesQueryOptions options;
    auto previous = std::make_unique<LanesSummaryCache>();
    previous->warm(model, options, LanesSummaryCache::kMinLinks);
    std::printf("\nlanes summaries per refresh: 2 busy traces of %u links each, refreshes of 200 traces\n", links);
    std::printf("%-22s %12s %12s %8s %6s\n", "refresh", "all again ms", "carried ms", "ratio", "kept");
    for (const char *kind : {"links to one", "links to neither", "links to one", "links to neither"}) {
        test::TestModelBuilder batch("shop");
        const bool touches = kind[9] == 'o';
        for (int i = 0; i < 200; ++i, ++next)
            addLinked(batch, next, touches && i % 4 == 0 ? 1 : 0, kBase + uint64_t(next) * 1'000'000);
        ModelChanges changes;
        model.append(batch.finish(), changes);
        auto wall = [](auto &&f) {
            const auto t0 = std::chrono::steady_clock::now();
            f();
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        };
        const double all = wall([&] {
            LanesSummaryCache fresh;
            fresh.warm(model, options, LanesSummaryCache::kMinLinks);
        });
        size_t kept = 0;
        auto carried = std::make_unique<LanesSummaryCache>();
        const double some = wall([&] {
            kept = carried->carryOver(*previous, model, changes);
            carried->warm(model, options, LanesSummaryCache::kMinLinks);
        });
        previous = std::move(carried);
        std::printf("%-22s %12.1f %12.1f %8.3f %6zu\n", kind, all, some, some / all, kept);
    }
}

int main(int argc, char **argv)
{
    causeway::applyAllocatorPolicy(); // as the causeway executable does
    if (argc > 1 && std::string(argv[1]) == "--lanes") {
        lanesRefreshCost(argc > 2 ? uint32_t(std::stoul(argv[2])) : 100'000);
        return 0;
    }
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const uint64_t wanted = argc > 1 ? std::stoull(argv[1]) : 1'000'000;
    const int clients = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2;
    const double pace = argc > 3 ? std::atof(argv[3]) : 0;
    const uint64_t retain = argc > 4 ? std::stoull(argv[4]) : 0;
    const uint64_t refreshBatch = argc > 5 ? std::stoull(argv[5]) : 40'000;
    const uint64_t spansPerRequest = kTracesPerRequest * kSpansPerTrace;
    const uint64_t requests = std::max<uint64_t>(1, wanted / spansPerRequest);
    const uint64_t total = requests * spansPerRequest;

    std::printf("generating %llu requests of %llu spans...\n", static_cast<unsigned long long>(requests),
                static_cast<unsigned long long>(spansPerRequest));
    std::vector<std::string> bodies(requests);
    uint64_t bodyBytes = 0;
    for (uint64_t r = 0; r < requests; ++r) {
        bodies[r] = toProto(requestJson(r));
        bodyBytes += bodies[r].size();
    }

    // Baseline: the same bodies decoded and merged in-process, once.
    double baselineSeconds = 0;
    {
        const auto t0 = std::chrono::steady_clock::now();
        Model all;
        for (const auto &body : bodies) {
            Model fragment;
            LoadOptions options;
            options.threads = 1;
            loadBuffer("request", body, fragment, options);
            all.merge(std::move(fragment));
        }
        all.finalize();
        baselineSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (all.spanCount() != total) {
            std::fprintf(stderr, "baseline decoded %zu spans, expected %llu\n", all.spanCount(), static_cast<unsigned long long>(total));
            return 1;
        }
    }
    const uint64_t rssBefore = rssBytes();

    QWidget window;
    ui::Session session;
    ui::LiveController live(&session, &window);
    ui::ReceiveSettings settings;
    settings.httpAddress = QStringLiteral("127.0.0.1:0");
    settings.grpc = false;
    settings.maxSpans = retain;
    // The trace list dock with each snapshot, as the window has it.
    ui::TraceListPanel tracePanel(&session, &window);
    auto &traceList = *static_cast<ui::TraceListModel *>(tracePanel.proxy()->sourceModel());
    QString error;
    if (!live.startReceiving(settings, error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const uint16_t port = live.httpPort();

    // GUI responsiveness: how late a 5 ms timer fires while ingest runs.
    std::vector<double> lateness;
    QElapsedTimer sinceTick;
    QTimer probe;
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        if (sinceTick.isValid())
            lateness.push_back(std::max(0.0, double(sinceTick.nsecsElapsed()) / 1e6 - 5.0));
        sinceTick.restart();
    });
    probe.start();

    std::atomic<uint64_t> next{0}, failures{0};
    std::vector<std::thread> senders;
    QElapsedTimer clock;
    clock.start();
    std::atomic<qint64> sentMs{0};
    std::atomic<int> running{clients};
    const auto start = std::chrono::steady_clock::now();
    for (int c = 0; c < clients; ++c) {
        senders.emplace_back([&] {
            int fd = test::connectTo(port);
            std::string carry;
            for (uint64_t r; (r = next++) < requests;) {
                if (pace > 0) {
                    // Request r is due r * 500 / RATE seconds after the start.
                    const auto due = std::chrono::nanoseconds(int64_t(double(r * spansPerRequest) * 1e9 / pace));
                    std::this_thread::sleep_until(start + due);
                }
                const std::string &body = bodies[r];
                // Head and body in one write: two small writes meet Nagle and delayed ACKs.
                const std::string request = "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
                    + std::to_string(body.size()) + "\r\n\r\n" + body;
                if (!test::sendAll(fd, request) || test::readReply(fd, 30000, &carry).status != 200)
                    failures++;
            }
            ::close(fd);
            if (--running == 0)
                sentMs = clock.elapsed();
        });
    }

    qint64 doneMs = -1;
    std::vector<double> installMs, publishMs;
    QObject::connect(&live, &ui::LiveController::published, [&] {
        installMs.push_back(live.lastInstallMs());
        const auto stats = live.stats();
        publishMs.push_back(stats.lastPublishMs);
        const uint64_t taken = stats.retainedSpans + stats.droppedSpans;
        if (session.model() && taken >= total && doneMs < 0) {
            doneMs = clock.elapsed();
            app.quit();
        }
    });
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &app, &QApplication::quit);
    timeout.start(600'000);
    app.exec();
    for (auto &t : senders)
        t.join();
    probe.stop();

    if (doneMs < 0 || failures) {
        std::fprintf(stderr, "ingest incomplete: %zu of %llu spans, %llu failed requests\n",
                     session.model() ? session.model()->spanCount() : size_t(0), static_cast<unsigned long long>(total),
                     static_cast<unsigned long long>(failures.load()));
        return 1;
    }
    while (traceList.insertSlice()) {
    }
    if (traceList.rowCount() != int(session.model()->traces.size())) {
        std::fprintf(stderr, "trace list has %d rows for %zu traces\n", traceList.rowCount(), session.model()->traces.size());
        return 1;
    }
    const auto &model = *session.model();
    uint64_t resolved = 0;
    for (const auto &l : model.links)
        resolved += l.resolved();
    std::sort(lateness.begin(), lateness.end());
    const double p50 = lateness.empty() ? 0 : lateness[lateness.size() / 2];
    const double p99 = lateness.empty() ? 0 : lateness[lateness.size() * 99 / 100];
    const double worst = lateness.empty() ? 0 : lateness.back();
    const double seconds = double(doneMs) / 1000.0;
    const double rate = double(total) / seconds;
    const double baselineRate = double(total) / baselineSeconds;
    const uint64_t rssAfter = rssBytes();

    auto percentile = [](std::vector<double> v, double q) {
        if (v.empty())
            return 0.0;
        std::sort(v.begin(), v.end());
        return v[std::min(v.size() - 1, size_t(double(v.size()) * q))];
    };
    const auto liveStats = live.stats();
    std::printf("sent at           %s, retention cap %llu spans\n",
                pace > 0 ? (std::to_string(int64_t(pace)) + " spans/s").c_str() : "full speed",
                static_cast<unsigned long long>(retain));
    std::printf("spans             %llu in %llu requests (%.1f MB protobuf), %d clients, %zu links (%llu resolved)\n",
                static_cast<unsigned long long>(total), static_cast<unsigned long long>(requests), double(bodyBytes) / 1e6,
                clients, model.links.size(), static_cast<unsigned long long>(resolved));
    std::printf("baseline          in-process decode + one merge/finalize: %.2f s = %.0f spans/s\n", baselineSeconds, baselineRate);
    std::printf("received          all requests answered after %.2f s = %.0f spans/s decoded by the receiver\n",
                double(sentMs.load()) / 1000.0, double(total) * 1000.0 / double(std::max<qint64>(1, sentMs.load())));
    std::printf("loopback ingest   until the session holds every span: %.2f s = %.0f spans/s\n", seconds, rate);
    std::printf("ratio             loopback / baseline = %.2f\n", rate / baselineRate);
    std::printf("GUI timer (5 ms)  lateness p50 %.1f ms, p99 %.1f ms, worst %.1f ms over %zu ticks\n", p50, p99, worst,
                lateness.size());
    std::printf("refreshes         %zu: publish (worker) p50 %.1f ms, p99 %.1f ms; hand-over (GUI) p50 %.2f ms, p99 %.2f ms, worst %.2f ms; %llu whole copies\n",
                publishMs.size(), percentile(publishMs, 0.5), percentile(publishMs, 0.99), percentile(installMs, 0.5),
                percentile(installMs, 0.99), percentile(installMs, 1.0), static_cast<unsigned long long>(liveStats.wholeCopies));
    std::printf("retained          %llu spans, %llu traces; dropped %llu traces (%llu spans)\n",
                static_cast<unsigned long long>(liveStats.retainedSpans), static_cast<unsigned long long>(liveStats.retainedTraces),
                static_cast<unsigned long long>(liveStats.droppedTraces), static_cast<unsigned long long>(liveStats.droppedSpans));
    std::printf("memory            model %.0f bytes/span; process RSS growth %.0f bytes/span (live model, snapshot in the session, buffers)\n",
                double(model.memoryUsage()) / double(model.spanCount()),
                double(rssAfter - std::min(rssAfter, rssBefore)) / double(model.spanCount()));
    {
        // Where the model's bytes per span go.
        std::string parts;
        for (const Model::MemoryPart &part : model.memoryBreakdown())
            if (part.bytes >= model.spanCount())
                parts += std::string(parts.empty() ? "" : ", ") + part.name + " "
                    + std::to_string(int(double(part.bytes) / double(model.spanCount()) + 0.5));
        std::printf("memory by part    bytes/span: %s\n", parts.c_str());
    }
    {
        // What copying and finalizing the final model costs: what each refresh cost before it grew in place.
        const auto t0 = std::chrono::steady_clock::now();
        Model copy = model.clone();
        const auto t1 = std::chrono::steady_clock::now();
        copy.finalize();
        const auto t2 = std::chrono::steady_clock::now();
        std::printf("whole-model cost  at %zu spans: copy %.0f ms, finalize %.0f ms\n", model.spanCount(),
                    std::chrono::duration<double, std::milli>(t1 - t0).count(),
                    std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
    session.setModel(nullptr);
    traceList.setModel(nullptr);
    receiversCompared(bodies, clients, total);
    if (refreshBatch)
        refreshCost(refreshBatch, retain ? retain : 1'000'000);
    return 0;
}
