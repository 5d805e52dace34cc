// The live receivers over real sockets on 127.0.0.1 (free ports picked by
// the kernel): OTLP/HTTP with JSON, protobuf, gzip and chunked bodies,
// partial success, every kind of bad request, stalled and concurrent
// clients; OTLP/gRPC with the generated client stub; the growing model with
// late link resolution and the retention cap; the JSON Lines recorder; the
// file follower through appends, rotation and truncation; and the real
// OpenTelemetry JavaScript SDK exporters.

#include "common/httpclient.h"
#include "common/testutil.h"

#include "core/live/follower.h"
#include "core/live/grpcreceiver.h"
#include "core/live/httpreceiver.h"
#include "core/live/livemodel.h"
#include "core/live/recorder.h"
#include "core/load.h"
#include "core/writer.h"

#include "core/proto/otlp_trace.grpc.pb.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <zlib.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

using namespace causeway;
using namespace causeway::live;
using namespace causeway::test;

namespace {

namespace otlp = opentelemetry::proto::collector::trace::v1;

std::string chunked(std::string_view body, size_t piece)
{
    std::string out;
    for (size_t i = 0; i < body.size(); i += piece) {
        const auto part = body.substr(i, piece);
        char size[32];
        std::snprintf(size, sizeof size, "%zx;ext=1\r\n", part.size());
        out += size;
        out += part;
        out += "\r\n";
    }
    return out + "0\r\nX-Trailer: yes\r\n\r\n";
}

std::string gzip(std::string_view bytes)
{
    z_stream zs{};
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, uLong(bytes.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(bytes.data()));
    zs.avail_in = uInt(bytes.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

std::string readAll(const std::string &path)
{
    std::string out, error;
    readFile(path, out, error);
    return out;
}

std::vector<std::string> sampleLines()
{
    std::vector<std::string> lines;
    std::istringstream in(readAll(test::bundledSample("causeway-sample.jsonl")));
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

std::string toProto(std::string_view json)
{
    Model m;
    loadBuffer("line", json, m);
    m.finalize();
    std::ostringstream out;
    std::string error;
    writeModel(m, OutputFormat::OtlpProto, out, error);
    return out.str();
}

Model loaded(const std::string &path)
{
    Model m;
    const LoadResult r = loadFiles({path}, m);
    if (!r.ok)
        qWarning("%s", r.error.text().c_str());
    return m;
}

uint64_t resolvedLinks(const Model &m)
{
    uint64_t n = 0;
    for (const auto &l : m.links)
        n += l.resolved();
    return n;
}

// A span of trace `trace` (hex digit) whose trace id or span id can be made invalid.
std::string jsonSpan(int trace, int span, bool validId = true, std::string_view links = {})
{
    char traceId[33], spanId[17];
    std::snprintf(traceId, sizeof traceId, "%032x", trace);
    std::snprintf(spanId, sizeof spanId, "%016x", span);
    return std::string("{\"traceId\":\"") + (validId ? traceId : "zz") + "\",\"spanId\":\"" + spanId
        + "\",\"name\":\"s" + std::to_string(span) + "\",\"startTimeUnixNano\":\"" + std::to_string(1000 * trace + span)
        + "\",\"endTimeUnixNano\":\"" + std::to_string(1000 * trace + span + 5) + "\""
        + (links.empty() ? std::string() : ",\"links\":[" + std::string(links) + "]") + "}";
}

std::string jsonRequest(const std::vector<std::string> &spans)
{
    std::string out = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"svc\"}}]},"
                      "\"scopeSpans\":[{\"scope\":{\"name\":\"t\"},\"spans\":[";
    for (size_t i = 0; i < spans.size(); ++i)
        out += (i ? "," : "") + spans[i];
    return out + "]}]}]}";
}

std::string jsonLink(int trace, int span)
{
    char traceId[33], spanId[17];
    std::snprintf(traceId, sizeof traceId, "%032x", trace);
    std::snprintf(spanId, sizeof spanId, "%016x", span);
    return std::string("{\"traceId\":\"") + traceId + "\",\"spanId\":\"" + spanId + "\"}";
}

bool waitFor(const std::function<bool()> &condition, int ms = 5000)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

} // namespace

class TestReceiver : public QObject
{
    Q_OBJECT

private slots:
    void endpoints_data();
    void endpoints();
    void httpSampleAllEncodings();
    void partialSuccess();
    void badRequests_data();
    void badRequests();
    void gzipBomb();
    void stalledClientTimesOut();
    void concurrentClients();
    void keepAlive();
    void lengthAndChunkedCloses();
    void protobufThatLooksLikeJson();
    void unstoredSpansAre503();
    void tricklersDoNotLockOut();
    void headDeadline();
    void bufferedBytesAreCapped();
    void grpcExport();
    void grpcLimits();
    void grpcOtherMethods();
    void lateLinksResolve();
    void retentionDropsOldest();
    void recorderIsLossless();
    void followerAppendsRotationTruncation();
    void javascriptSdk_data();
    void javascriptSdk();
};

void TestReceiver::endpoints_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("loopback");
    QTest::newRow("host_port") << "127.0.0.1:4318" << true << "127.0.0.1" << 4318 << true;
    QTest::newRow("port_only") << "4317" << true << "127.0.0.1" << 4317 << true;
    QTest::newRow("colon_port") << ":0" << true << "127.0.0.1" << 0 << true;
    QTest::newRow("any") << "0.0.0.0:4318" << true << "0.0.0.0" << 4318 << false;
    QTest::newRow("v6_loopback") << "[::1]:4318" << true << "::1" << 4318 << true;
    QTest::newRow("v6_any") << "[::]:1" << true << "::" << 1 << false;
    QTest::newRow("bare_v6") << "::1:4318" << false << "" << 0 << false;
    QTest::newRow("port_too_big") << "127.0.0.1:70000" << false << "" << 0 << false;
    QTest::newRow("no_port") << "127.0.0.1:" << false << "" << 0 << false;
    // The resolved address decides, not how the name begins.
    QTest::newRow("name_starting_127") << "127.evil.example:4318" << true << "127.evil.example" << 4318 << false;
    QTest::newRow("localhost") << "localhost:4318" << true << "localhost" << 4318 << true;
    QTest::newRow("loopback_net") << "127.0.0.2:1" << true << "127.0.0.2" << 1 << true;
}

void TestReceiver::endpoints()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(bool, loopback);
    std::string parsedHost;
    uint16_t parsedPort = 0;
    QCOMPARE(parseEndpoint(text.toStdString(), parsedHost, parsedPort), ok);
    if (!ok)
        return;
    QCOMPARE(QString::fromStdString(parsedHost), host);
    QCOMPARE(int(parsedPort), port);
    QCOMPARE(isLoopback(parsedHost), loopback);
}

void TestReceiver::httpSampleAllEncodings()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY2(receiver.start(error), error.c_str());
    QVERIFY(receiver.port() != 0);

    const auto lines = sampleLines();
    QVERIFY(lines.size() > 20);
    // Each line of the bundled sample is one request from the JavaScript SDK;
    // send them in turn as JSON, protobuf, gzip and chunked.
    for (size_t i = 0; i < lines.size(); ++i) {
        Reply r;
        switch (i % 4) {
        case 0:
            r = post(receiver.port(), "application/json", lines[i]);
            QCOMPARE(r.body, std::string("{}"));
            break;
        case 1:
            r = post(receiver.port(), "application/x-protobuf", toProto(lines[i]));
            QVERIFY(r.body.empty()); // an empty ExportTraceServiceResponse
            break;
        case 2:
            r = post(receiver.port(), "application/x-protobuf; charset=binary", gzip(toProto(lines[i])), "Content-Encoding: gzip\r\n");
            break;
        case 3: {
            const int fd = connectTo(receiver.port());
            sendAll(fd, "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n" + chunked(gzip(lines[i]), 97));
            r = readReply(fd);
            ::close(fd);
            break;
        }
        }
        QCOMPARE(r.status, 200);
    }
    auto model = live.publish();
    const Model expected = loaded(test::bundledSample("causeway-sample.jsonl"));
    QCOMPARE(model->spanCount(), expected.spanCount());
    QCOMPARE(model->traces.size(), expected.traces.size());
    QCOMPARE(model->links.size(), expected.links.size());
    QCOMPARE(resolvedLinks(*model), resolvedLinks(expected));
    for (uint32_t s = 0; s < expected.spanCount(); ++s)
        QVERIFY(model->findSpan(expected.cold[s].traceId, expected.cold[s].spanId) != kNone);
    QCOMPARE(receiver.counters().spansAccepted.load(), uint64_t(expected.spanCount()));
    QCOMPARE(receiver.counters().failedRequests.load(), uint64_t(0));
}

void TestReceiver::partialSuccess()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));

    const std::string body = jsonRequest({jsonSpan(1, 1), jsonSpan(1, 2, false), jsonSpan(1, 3), jsonSpan(2, 4, false)});
    Reply r = post(receiver.port(), "application/json", body);
    QCOMPARE(r.status, 200);
    const auto json = QJsonDocument::fromJson(QByteArray::fromStdString(r.body)).object();
    const auto partial = json.value(QStringLiteral("partialSuccess")).toObject();
    QCOMPARE(partial.value(QStringLiteral("rejectedSpans")).toString(), QStringLiteral("2"));
    QVERIFY(!partial.value(QStringLiteral("errorMessage")).toString().isEmpty());

    otlp::ExportTraceServiceRequest request;
    QVERIFY(request.ParseFromString(toProto(jsonRequest({jsonSpan(3, 1), jsonSpan(3, 2)}))));
    request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_span_id(std::string(8, '\0'));
    r = post(receiver.port(), "application/x-protobuf", request.SerializeAsString());
    QCOMPARE(r.status, 200);
    otlp::ExportTraceServiceResponse response;
    QVERIFY(response.ParseFromString(r.body));
    QCOMPARE(response.partial_success().rejected_spans(), int64_t(1));
    QVERIFY(!response.partial_success().error_message().empty());

    auto model = live.publish();
    QCOMPARE(model->spanCount(), size_t(3));
    QCOMPARE(receiver.counters().spansRejected.load(), uint64_t(3));
}

void TestReceiver::badRequests_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    const QByteArray head = "POST /v1/traces HTTP/1.1\r\nHost: x\r\n";
    auto withBody = [&](const char *type, const QByteArray &body, const QByteArray &extra = {}) {
        return head + "Content-Type: " + type + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extra
            + "\r\n" + body;
    };
    QTest::newRow("malformed_protobuf") << withBody("application/x-protobuf", QByteArray("\x0a\x7f\x0a\x05", 4)) << 400;
    QTest::newRow("protobuf_garbage") << withBody("application/x-protobuf", "hello world") << 400;
    QTest::newRow("malformed_json") << withBody("application/json", "{\"resourceSpans\":[{\"scopeSpans\":") << 400;
    QTest::newRow("json_not_object") << withBody("application/json", "nonsense") << 400;
    QTest::newRow("json_lines") << withBody("application/json", "{}\n{}\n") << 400;
    QTest::newRow("wrong_type") << withBody("text/plain", "{}") << 415;
    QTest::newRow("no_type") << head + "Content-Length: 2\r\n\r\n{}" << 415;
    QTest::newRow("unknown_encoding") << withBody("application/json", "{}", "Content-Encoding: br\r\n") << 415;
    QTest::newRow("gzip_claimed_not_gzip") << withBody("application/json", "{}", "Content-Encoding: gzip\r\n") << 400;
    QTest::newRow("corrupt_gzip") << withBody("application/json", QByteArray("\x1f\x8b\x08\x00garbagegarbage", 18), "Content-Encoding: gzip\r\n") << 400;
    QTest::newRow("get") << QByteArray("GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n") << 405;
    QTest::newRow("put") << withBody("application/json", "{}").replace("POST", "PUT") << 405;
    QTest::newRow("other_path") << withBody("application/json", "{}").replace("/v1/traces", "/v1/logs") << 404;
    QTest::newRow("oversized_length") << head + "Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{" << 413;
    QTest::newRow("oversized_chunked") << head + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "100000\r\n" + QByteArray(0x100000, ' ') + "\r\n100000\r\n" + QByteArray(0x100000, ' ') + "\r\n0\r\n\r\n" << 413;
    QTest::newRow("bad_chunk_size") << head + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n" << 400;
    QTest::newRow("bad_length") << head + "Content-Type: application/json\r\nContent-Length: 2x\r\n\r\n{}" << 400;
    // Transfer-Encoding is a list of codings, not a substring to look for.
    QTest::newRow("te_not_chunked") << head + "Content-Type: application/json\r\nTransfer-Encoding: chunked-ish\r\n\r\n2\r\n{}\r\n0\r\n\r\n" << 400;
    QTest::newRow("te_chunked_not_last") << head + "Content-Type: application/json\r\nTransfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n" << 400;
    QTest::newRow("te_gzip_chunked") << head + "Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n" << 501;
    // Whitespace between a field name and its colon (RFC 9112 section 5.1).
    QTest::newRow("space_before_colon") << head + "Content-Type : application/json\r\nContent-Length: 2\r\n\r\n{}" << 400;
    QTest::newRow("garbage_head") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 16) << 400;
}

void TestReceiver::badRequests()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    options.maxBody = 1 << 20;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    const int fd = connectTo(receiver.port());
    sendAll(fd, request.toStdString());
    const Reply r = readReply(fd);
    ::close(fd);
    QCOMPARE(r.status, status);
    QVERIFY(!r.body.empty()); // a google.rpc.Status saying why
    // The receiver still serves the next client.
    const Reply ok = post(receiver.port(), "application/json", jsonRequest({jsonSpan(1, 1)}));
    QCOMPARE(ok.status, 200);
    QCOMPARE(live.publish()->spanCount(), size_t(1));
}

void TestReceiver::gzipBomb()
{
    HttpOptions options;
    options.port = 0;
    options.maxBody = 4 << 20;
    std::atomic<int> fragments{0};
    HttpReceiver receiver(options, [&](Model &&) { fragments++; });
    std::string error;
    QVERIFY(receiver.start(error));
    // 256 MiB of spaces after a valid-looking start: a few hundred KiB compressed.
    std::string plain = "{\"resourceSpans\":[";
    plain.resize(size_t(256) << 20, ' ');
    const std::string bomb = gzip(plain);
    plain.clear();
    plain.shrink_to_fit();
    QVERIFY(bomb.size() < options.maxBody);
    const auto started = std::chrono::steady_clock::now();
    const Reply r = post(receiver.port(), "application/json", bomb, "Content-Encoding: gzip\r\n");
    QCOMPARE(r.status, 413);
    // Inflation stopped at the limit instead of producing all 256 MiB.
    QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
    QCOMPARE(fragments.load(), 0);
}

void TestReceiver::stalledClientTimesOut()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    options.readTimeoutMs = 400;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    const std::string body = jsonRequest({jsonSpan(1, 1)});
    const int stalled = connectTo(receiver.port());
    sendAll(stalled, "POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, body.size() / 2));
    // Served while the stalled one waits.
    QCOMPARE(post(receiver.port(), "application/json", body).status, 200);
    const auto started = std::chrono::steady_clock::now();
    const Reply r = readReply(stalled, 5000);
    const auto waited = std::chrono::steady_clock::now() - started;
    ::close(stalled);
    QCOMPARE(r.status, 408);
    QVERIFY(waited < std::chrono::seconds(3));
    // A connection that never sends anything is closed too.
    const int silent = connectTo(receiver.port());
    char byte;
    pollfd p{silent, POLLIN, 0};
    QVERIFY(::poll(&p, 1, 5000) == 1);
    QCOMPARE(::recv(silent, &byte, 1, 0), ssize_t(0));
    ::close(silent);
    QCOMPARE(live.publish()->spanCount(), size_t(1));
}

void TestReceiver::concurrentClients()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    constexpr int kClients = 32, kRequests = 20;
    std::atomic<int> ok{0}, bad{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
        clients.emplace_back([&, c] {
            for (int i = 0; i < kRequests; ++i) {
                // Every fourth client misbehaves; the others must not notice.
                if (c % 4 == 3) {
                    bad += post(receiver.port(), "application/json", "{\"resourceSpans\":[").status == 400;
                    continue;
                }
                const std::string body = jsonRequest({jsonSpan(c + 1, i + 1), jsonSpan(c + 1, i + 1001)});
                const Reply r = i % 2 ? post(receiver.port(), "application/json", body)
                                      : post(receiver.port(), "application/x-protobuf", toProto(body));
                ok += r.status == 200;
            }
        });
    }
    for (auto &t : clients)
        t.join();
    QCOMPARE(ok.load(), kClients / 4 * 3 * kRequests);
    QCOMPARE(bad.load(), kClients / 4 * kRequests);
    const auto model = live.publish();
    QCOMPARE(model->spanCount(), size_t(kClients / 4 * 3 * kRequests * 2));
    QCOMPARE(model->traces.size(), size_t(kClients / 4 * 3));
}

void TestReceiver::keepAlive()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    const int fd = connectTo(receiver.port());
    // Two requests pipelined on one connection, then a third after the answers.
    std::string both;
    for (int i = 1; i <= 2; ++i) {
        const std::string body = jsonRequest({jsonSpan(1, i)});
        both += "POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size())
            + "\r\n\r\n" + body;
    }
    sendAll(fd, both);
    std::string carry;
    QCOMPARE(readReply(fd, 5000, &carry).status, 200);
    QCOMPARE(readReply(fd, 5000, &carry).status, 200);
    const std::string body = jsonRequest({jsonSpan(1, 3)});
    sendAll(fd, "POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                + std::to_string(body.size()) + "\r\n\r\n");
    QCOMPARE(readReply(fd, 5000, &carry).status, 100);
    sendAll(fd, body);
    QCOMPARE(readReply(fd, 5000, &carry).status, 200);
    ::close(fd);
    QCOMPARE(live.publish()->spanCount(), size_t(3));
}

// Both Content-Length and Transfer-Encoding: the body is read as chunked,
// answered, and the connection closed (RFC 9112 section 6.3).
void TestReceiver::lengthAndChunkedCloses()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    const std::string body = jsonRequest({jsonSpan(1, 1)});
    const int fd = connectTo(receiver.port());
    sendAll(fd, "POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 5\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" + chunked(body, 50));
    const Reply r = readReply(fd, 5000);
    QCOMPARE(r.status, 200);
    QVERIFY2(r.headers.find("Connection: close") != std::string::npos, r.headers.c_str());
    char byte;
    pollfd p{fd, POLLIN, 0};
    QVERIFY(::poll(&p, 1, 3000) == 1);
    QCOMPARE(::recv(fd, &byte, 1, 0), ssize_t(0));
    ::close(fd);
    QCOMPARE(live.publish()->spanCount(), size_t(1));
}

// A protobuf body whose first ResourceSpans is 123 bytes begins with 0a 7b,
// newline and '{': the Content-Type says protobuf, so it is read as that.
void TestReceiver::protobufThatLooksLikeJson()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    otlp::ExportTraceServiceRequest request;
    for (int pad = 0; pad < 200; ++pad) {
        QVERIFY(request.ParseFromString(toProto(jsonRequest({jsonSpan(1, 1)}))));
        request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(std::string(size_t(pad), 'n'));
        if (request.resource_spans(0).ByteSizeLong() == 123)
            break;
    }
    QCOMPARE(request.resource_spans(0).ByteSizeLong(), size_t(123));
    const std::string bytes = request.SerializeAsString();
    QCOMPARE(bytes.substr(0, 2), std::string("\x0a\x7b"));
    const Reply r = post(receiver.port(), "application/x-protobuf", bytes);
    QCOMPARE(r.status, 200);
    QCOMPARE(live.publish()->spanCount(), size_t(1));

    // gRPC bodies are always protobuf: the same message is accepted there too.
    GrpcOptions grpcOptions;
    grpcOptions.port = 0;
    int grpcSpans = 0;
    GrpcReceiver grpcReceiver(grpcOptions, [&](Model &&m) { grpcSpans += int(m.spanCount()); });
    QVERIFY2(grpcReceiver.start(error), error.c_str());
    auto stub = otlp::TraceService::NewStub(grpc::CreateChannel(grpcReceiver.endpoint(), grpc::InsecureChannelCredentials()));
    otlp::ExportTraceServiceResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const grpc::Status status = stub->Export(&context, request, &response);
    QVERIFY2(status.ok(), status.error_message().c_str());
    QCOMPARE(grpcSpans, 1);
}

// Spans the handler could not keep (a full disk) are not acknowledged: 503,
// retryable, and the receiver goes on serving.
void TestReceiver::unstoredSpansAre503()
{
    HttpOptions options;
    options.port = 0;
    std::atomic<bool> full{true};
    std::atomic<int> kept{0};
    HttpReceiver receiver(options, [&](Model &&) {
        if (full)
            return false;
        kept++;
        return true;
    });
    std::string error;
    QVERIFY(receiver.start(error));
    const std::string body = jsonRequest({jsonSpan(1, 1)});
    Reply r = post(receiver.port(), "application/json", body);
    QCOMPARE(r.status, 503);
    QVERIFY2(r.headers.find("Retry-After:") != std::string::npos, r.headers.c_str());
    QCOMPARE(receiver.counters().spansAccepted.load(), uint64_t(0));
    full = false;
    r = post(receiver.port(), "application/json", body);
    QCOMPARE(r.status, 200);
    QCOMPARE(kept.load(), 1);
}

namespace {

// Clients that send a request head one byte at a time, forever.
struct Tricklers
{
    std::vector<int> fds;
    std::atomic<bool> stop{false};
    std::thread thread;
    Tricklers(uint16_t port, int n, int intervalMs)
    {
        for (int i = 0; i < n; ++i)
            fds.push_back(connectTo(port));
        thread = std::thread([this, intervalMs] {
            const std::string head = "POST /v1/traces HTTP/1.1\r\nX-Slow: " + std::string(10000, 'x');
            for (size_t i = 0; !stop && i < head.size(); ++i) {
                for (int fd : fds)
                    ::send(fd, head.data() + i, 1, MSG_NOSIGNAL);
                std::this_thread::sleep_for(std::chrono::milliseconds(intervalMs));
            }
        });
    }
    ~Tricklers()
    {
        stop = true;
        thread.join();
        for (int fd : fds)
            ::close(fd);
    }
};

} // namespace

// Every slot held by a client trickling its head: a client that sends a
// whole request is still served, the longest-waiting trickler gives way.
void TestReceiver::tricklersDoNotLockOut()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    options.maxConnections = 4;
    options.headerTimeoutMs = 60000;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    Tricklers slow(receiver.port(), 4, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    for (int i = 1; i <= 3; ++i)
        QCOMPARE(post(receiver.port(), "application/json", jsonRequest({jsonSpan(1, i)})).status, 200);
    QCOMPARE(live.publish()->spanCount(), size_t(3));
    QVERIFY(receiver.counters().evictedConnections.load() >= 1);
}

// A head that trickles in a byte at a time has a deadline, although no read
// waits long enough for the inactivity timeout.
void TestReceiver::headDeadline()
{
    HttpOptions options;
    options.port = 0;
    options.headerTimeoutMs = 800;
    HttpReceiver receiver(options, [](Model &&) {});
    std::string error;
    QVERIFY(receiver.start(error));
    Tricklers slow(receiver.port(), 1, 100);
    const auto started = std::chrono::steady_clock::now();
    const Reply r = readReply(slow.fds[0], 5000);
    QCOMPARE(r.status, 408);
    QVERIFY(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

// Unfinished bodies of all connections together are capped: past the cap
// a client is told to retry instead of the receiver holding ever more.
void TestReceiver::bufferedBytesAreCapped()
{
    LiveModel live;
    HttpOptions options;
    options.port = 0;
    options.maxBody = 4 << 20;
    options.maxBufferedBytes = 512 << 10;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));
    const std::string head = "POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n";
    const int a = connectTo(receiver.port()), b = connectTo(receiver.port());
    sendAll(a, head + std::string(300 << 10, ' '));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sendAll(b, head + std::string(300 << 10, ' '));
    const Reply r = readReply(b, 3000);
    QCOMPARE(r.status, 503);
    ::close(a);
    ::close(b);
    // The stalled bytes are given back once their connections end.
    QVERIFY(waitFor([&] { return post(receiver.port(), "application/json", jsonRequest({jsonSpan(1, 1)})).status == 200; }));
}

void TestReceiver::grpcExport()
{
    LiveModel live;
    GrpcOptions options;
    options.port = 0;
    GrpcReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY2(receiver.start(error), error.c_str());
    QVERIFY(receiver.port() != 0);
    auto channel = grpc::CreateChannel(receiver.endpoint(), grpc::InsecureChannelCredentials());
    auto stub = otlp::TraceService::NewStub(channel);

    const auto lines = sampleLines();
    for (size_t i = 0; i < lines.size(); ++i) {
        otlp::ExportTraceServiceRequest request;
        QVERIFY(request.ParseFromString(toProto(lines[i])));
        otlp::ExportTraceServiceResponse response;
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        if (i % 2)
            context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
        const grpc::Status status = stub->Export(&context, request, &response);
        QVERIFY2(status.ok(), status.error_message().c_str());
        QVERIFY(!response.has_partial_success());
    }
    const Model expected = loaded(test::bundledSample("causeway-sample.jsonl"));
    auto model = live.publish();
    QCOMPARE(model->spanCount(), expected.spanCount());
    QCOMPARE(resolvedLinks(*model), resolvedLinks(expected));

    // A span with a bad id is rejected, the rest kept.
    otlp::ExportTraceServiceRequest request;
    QVERIFY(request.ParseFromString(toProto(jsonRequest({jsonSpan(9, 1), jsonSpan(9, 2)}))));
    request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_trace_id("short");
    otlp::ExportTraceServiceResponse response;
    grpc::ClientContext context;
    QVERIFY(stub->Export(&context, request, &response).ok());
    QCOMPARE(response.partial_success().rejected_spans(), int64_t(1));
    QCOMPARE(live.publish()->spanCount(), expected.spanCount() + 1);
}

void TestReceiver::grpcLimits()
{
    GrpcOptions options;
    options.port = 0;
    options.maxBody = 64 << 10;
    std::atomic<int> fragments{0};
    GrpcReceiver receiver(options, [&](Model &&) { fragments++; });
    std::string error;
    QVERIFY(receiver.start(error));
    auto stub = otlp::TraceService::NewStub(grpc::CreateChannel(receiver.endpoint(), grpc::InsecureChannelCredentials()));
    otlp::ExportTraceServiceRequest request;
    QVERIFY(request.ParseFromString(toProto(jsonRequest({jsonSpan(1, 1)}))));
    request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name(std::string(200 << 10, 'x'));
    otlp::ExportTraceServiceResponse response;
    {
        grpc::ClientContext context;
        QCOMPARE(stub->Export(&context, request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    }
    {
        // Compressed small, too large once inflated.
        grpc::ClientContext context;
        context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
        QCOMPARE(stub->Export(&context, request, &response).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    }
    QCOMPARE(fragments.load(), 0);
    request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name("small");
    grpc::ClientContext context;
    QVERIFY(stub->Export(&context, request, &response).ok());
    QCOMPARE(fragments.load(), 1);
}

// Only TraceService/Export is served: any other method is answered
// UNIMPLEMENTED and reaches neither the model nor the counters, and the
// same bytes sent to Export through a generic client are taken.
void TestReceiver::grpcOtherMethods()
{
    GrpcOptions options;
    options.port = 0;
    std::atomic<int> fragments{0};
    GrpcReceiver receiver(options, [&](Model &&) { fragments++; });
    std::string error;
    QVERIFY2(receiver.start(error), error.c_str());
    grpc::GenericStub stub(grpc::CreateChannel(receiver.endpoint(), grpc::InsecureChannelCredentials()));
    const std::string body = toProto(jsonRequest({jsonSpan(1, 1)}));
    auto call = [&](const std::string &method) {
        grpc::Slice slice(body);
        grpc::ByteBuffer request(&slice, 1), response;
        grpc::ClientContext context;
        std::promise<grpc::Status> done;
        stub.UnaryCall(&context, method, {}, &request, &response, [&](grpc::Status s) { done.set_value(s); });
        return done.get_future().get();
    };
    for (const char *method : {"/opentelemetry.proto.collector.trace.v1.TraceService/Exports",
                               "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
                               "/grpc.health.v1.Health/Check"}) {
        const grpc::Status status = call(method);
        QCOMPARE(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
    }
    QCOMPARE(fragments.load(), 0);
    QCOMPARE(receiver.counters().requests.load(), uint64_t(0));
    // The same bytes to Export, through the same generic client, are taken.
    QVERIFY(call("/opentelemetry.proto.collector.trace.v1.TraceService/Export").ok());
    QCOMPARE(fragments.load(), 1);
    QCOMPARE(receiver.counters().spansAccepted.load(), uint64_t(1));
}

void TestReceiver::lateLinksResolve()
{
    LiveModel live;
    auto fragment = [](const std::string &json) {
        Model m;
        loadBuffer("f", json, m);
        return m;
    };
    // The consumer arrives first, linking to a producer span not seen yet.
    live.add(fragment(jsonRequest({jsonSpan(2, 20, true, jsonLink(1, 10))})));
    auto first = live.publish();
    QCOMPARE(first->links.size(), size_t(1));
    QVERIFY(!first->links[0].resolved());
    live.add(fragment(jsonRequest({jsonSpan(1, 10)})));
    auto second = live.publish();
    QCOMPARE(second->spanCount(), size_t(2));
    QVERIFY(second->links[0].resolved());
    QCOMPARE(second->hot[second->links[0].target].trace, second->findTrace(second->cold[second->links[0].target].traceId));
    // The earlier snapshot is untouched.
    QVERIFY(!first->links[0].resolved());
    QCOMPARE(first->spanCount(), size_t(1));
    // Nothing new: the same snapshot.
    QCOMPARE(live.publish().get(), second.get());
}

void TestReceiver::retentionDropsOldest()
{
    LiveModel live;
    Retention retention;
    retention.maxTraces = 10;
    retention.headroom = 0.2;
    live.setRetention(retention);
    for (int t = 1; t <= 25; ++t) {
        Model m;
        loadBuffer("f", jsonRequest({jsonSpan(t, 1), jsonSpan(t, 2, true, jsonLink(t - 1, 1))}), m);
        live.add(std::move(m));
        live.publish();
        QVERIFY(live.snapshot()->traces.size() <= 10);
    }
    auto model = live.publish();
    const auto stats = live.stats();
    QCOMPARE(stats.retainedTraces + stats.droppedTraces, uint64_t(25));
    QCOMPARE(stats.droppedSpans, stats.droppedTraces * 2);
    QVERIFY(stats.droppedTraces >= 15);
    // The newest trace is kept and the oldest kept one is newer than every dropped one.
    char newest[33];
    std::snprintf(newest, sizeof newest, "%032x", 25);
    TraceId id;
    QVERIFY(parseId(newest, id) == IdParse::Ok);
    QVERIFY(model->findTrace(id) != kNone);
    for (const auto &t : model->traces)
        QVERIFY(t.start >= 1000 * (26 - stats.retainedTraces));
    // Links of kept spans survive the rebuild; the ones into dropped traces are unresolved.
    QCOMPARE(model->links.size(), model->traces.size());
    QCOMPARE(resolvedLinks(*model), uint64_t(model->traces.size() - 1));

    retention.maxTraces = 0;
    retention.maxSpans = 4;
    retention.headroom = 0;
    live.setRetention(retention);
    QCOMPARE(live.publish()->spanCount(), size_t(4));
}

void TestReceiver::recorderIsLossless()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("recorded.jsonl")).toStdString();
    JsonLinesRecorder recorder;
    std::string error;
    QVERIFY(recorder.open(path, false, error));
    const auto lines = sampleLines();
    for (const auto &line : lines) {
        Model m;
        loadBuffer("line", line, m);
        QVERIFY(recorder.write(m));
    }
    QCOMPARE(recorder.lines(), uint64_t(lines.size()));
    QVERIFY(recorder.close(error));
    // Re-encoding the recording and the original gives the same bytes.
    const Model original = loaded(test::bundledSample("causeway-sample.jsonl"));
    const Model recorded = loaded(path);
    std::ostringstream a, b;
    QVERIFY(writeModel(original, OutputFormat::OtlpJson, a, error));
    QVERIFY(writeModel(recorded, OutputFormat::OtlpJson, b, error));
    QCOMPARE(b.str().size(), a.str().size());
    QVERIFY(a.str() == b.str());
    const std::string written = readAll(path);
    QCOMPARE(std::count(written.begin(), written.end(), '\n'), std::ptrdiff_t(lines.size()));
}

void TestReceiver::followerAppendsRotationTruncation()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("exporter.jsonl")).toStdString();
    std::atomic<uint64_t> spans{0};
    LiveModel live;
    FileFollower follower(path, [&](Model &&m) {
        spans += m.spanCount();
        live.add(std::move(m));
    }, 50);
    // Not there yet: the follower waits for it.
    follower.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    {
        std::ofstream out(path, std::ios::binary);
        out << jsonRequest({jsonSpan(1, 1)}) << '\n' << jsonRequest({jsonSpan(1, 2)}) << '\n';
        // A line still being written is not read until its newline arrives.
        out << jsonRequest({jsonSpan(1, 3)}).substr(0, 40);
    }
    QVERIFY(waitFor([&] { return spans == 2; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    QCOMPARE(spans.load(), uint64_t(2));
    {
        std::ofstream out(path, std::ios::binary | std::ios::app);
        out << jsonRequest({jsonSpan(1, 3)}).substr(40) << '\n' << "{not json\n" << jsonRequest({jsonSpan(1, 4)}) << '\n';
    }
    QVERIFY(waitFor([&] { return spans == 4; }));
    QCOMPARE(follower.counters().badLines.load(), uint64_t(1));
    QVERIFY(!follower.lastError().empty());

    // Rotation: renamed away with a last line, a new file at the same path.
    {
        std::ofstream out(path, std::ios::binary | std::ios::app);
        out << jsonRequest({jsonSpan(1, 5)}) << '\n';
    }
    QVERIFY(std::rename(path.c_str(), (path + ".1").c_str()) == 0);
    {
        std::ofstream out(path, std::ios::binary);
        out << jsonRequest({jsonSpan(2, 1), jsonSpan(2, 2, true, jsonLink(1, 1))}) << '\n';
    }
    QVERIFY(waitFor([&] { return spans == 7; }));
    QVERIFY(follower.counters().reopened >= 1);

    // Truncation in place: read again from the start.
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << jsonRequest({jsonSpan(3, 1)}) << '\n';
    }
    QVERIFY(waitFor([&] { return spans == 8; }));

    // Written over from the start and made longer, never shorter on the
    // way (`cp` onto the file does this between two polls): not an append,
    // so it is read again from the start, not from where the old file ended.
    const uint64_t reopened = follower.counters().reopened;
    {
        std::string longer;
        for (int s = 1; s <= 3; ++s)
            longer += jsonRequest({jsonSpan(4, s)}) + '\n';
        QVERIFY(longer.size() > readAll(path).size());
        const int fd = ::open(path.c_str(), O_WRONLY);
        QVERIFY(fd >= 0);
        QCOMPARE(::pwrite(fd, longer.data(), longer.size(), 0), ssize_t(longer.size()));
        ::close(fd);
    }
    QVERIFY(waitFor([&] { return spans == 11; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    QCOMPARE(spans.load(), uint64_t(11));
    QCOMPARE(follower.counters().badLines.load(), uint64_t(1)); // still only "{not json"
    QCOMPARE(follower.counters().reopened.load(), reopened + 1);
    follower.stop();
    const auto model = live.publish();
    QCOMPARE(model->spanCount(), size_t(11));
    // The first line is there too: it ended where the old file did.
    TraceId trace;
    QVERIFY(parseId(std::string(31, '0') + "4", trace) == IdParse::Ok);
    const uint32_t rewrittenTrace = model->findTrace(trace);
    QVERIFY(rewrittenTrace != kNone);
    QCOMPARE(model->traces[rewrittenTrace].spans.count, 3u);
    QCOMPARE(resolvedLinks(*model), uint64_t(1));
}

void TestReceiver::javascriptSdk_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("json") << QStringLiteral("json");
    QTest::newRow("json_gzip") << QStringLiteral("json-gzip");
    QTest::newRow("protobuf") << QStringLiteral("proto");
    QTest::newRow("protobuf_gzip") << QStringLiteral("proto-gzip");
}

void TestReceiver::javascriptSdk()
{
    QFETCH(QString, mode);
    const QString npm = QStandardPaths::findExecutable(QStringLiteral("npm"));
    const QString node = QStandardPaths::findExecutable(QStringLiteral("node"));
    if (npm.isEmpty() || node.isEmpty())
        QSKIP("npm and node are needed to run the OpenTelemetry JavaScript SDK client (tests/client)");

    // The client's packages are installed from its lock file into the build tree, once.
    const QString source = QStringLiteral(CAUSEWAY_TEST_DATA "/../client");
    const QString work = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("jsclient"));
    QDir().mkpath(work);
    for (const char *name : {"package.json", "package-lock.json", "send.mjs"}) {
        const QString from = source + QLatin1Char('/') + QLatin1String(name);
        const QString to = work + QLatin1Char('/') + QLatin1String(name);
        QFile::remove(to);
        QVERIFY2(QFile::copy(from, to), qPrintable(from));
    }
    if (!QFile::exists(work + QStringLiteral("/node_modules/@opentelemetry/exporter-trace-otlp-proto/package.json"))) {
        QProcess install;
        install.setWorkingDirectory(work);
        install.start(npm, {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        QVERIFY(install.waitForFinished(300000));
        QVERIFY2(install.exitCode() == 0, install.readAllStandardError().constData());
    }

    LiveModel live;
    HttpOptions options;
    options.port = 0;
    HttpReceiver receiver(options, [&](Model &&m) { live.add(std::move(m)); });
    std::string error;
    QVERIFY(receiver.start(error));

    QProcess client;
    client.setWorkingDirectory(work);
    client.start(node, {QStringLiteral("send.mjs"), QString::fromStdString(receiver.endpoint()), mode, QStringLiteral("40")});
    QVERIFY(client.waitForFinished(60000));
    QVERIFY2(client.exitCode() == 0, client.readAllStandardError().constData());
    const auto sent = QJsonDocument::fromJson(client.readAllStandardOutput()).object();
    const auto sentSpans = sent.value(QStringLiteral("spans")).toArray();
    const auto sentLinks = sent.value(QStringLiteral("links")).toArray();
    QCOMPARE(sentSpans.size(), 40 * 4 + 1);
    QCOMPARE(sentLinks.size(), 40 * 2);
    QVERIFY(receiver.counters().requests > 1);
    QCOMPARE(receiver.counters().failedRequests.load(), uint64_t(0));

    const auto model = live.publish();
    QCOMPARE(model->spanCount(), size_t(sentSpans.size()));
    auto find = [&](const QJsonObject &o) {
        TraceId t;
        SpanId s;
        if (parseId(o.value(QStringLiteral("traceId")).toString().toStdString(), t) != IdParse::Ok
            || parseId(o.value(QStringLiteral("spanId")).toString().toStdString(), s) != IdParse::Ok)
            return kNone;
        return model->findSpan(t, s);
    };
    for (const auto &v : sentSpans)
        QVERIFY(find(v.toObject()) != kNone);
    for (const auto &v : sentLinks) {
        const uint32_t from = find(v.toObject().value(QStringLiteral("from")).toObject());
        const uint32_t to = find(v.toObject().value(QStringLiteral("to")).toObject());
        QVERIFY(from != kNone && to != kNone);
        bool found = false;
        for (uint32_t l = model->outgoingLinks(from).first; l < model->outgoingLinks(from).end(); ++l)
            found |= model->links[l].target == to;
        QVERIFY(found);
    }
    QCOMPARE(model->links.size(), size_t(sentLinks.size()));
    QCOMPARE(resolvedLinks(*model), uint64_t(sentLinks.size()));
    QCOMPARE(model->traces.size(), size_t(40 * 2 + 1));
}

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
