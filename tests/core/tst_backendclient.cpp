// The backend client against a loopback server answering as Tempo and
// Jaeger do: fetch by id for each kind and response shape, ids in hex and
// base64, search, and every failure a user can meet.

#include "common/backendstore.h"
#include "common/testutil.h"

#include "core/backend/backendclient.h"
#include "core/load.h"

#include <QElapsedTimer>
#include <QTest>

#include <fstream>
#include <sstream>

using namespace causeway;
using namespace causeway::backend;
using causeway::test::BackendStore;
using causeway::test::FakeBackend;
using causeway::test::FakeReply;
using causeway::test::FakeRequest;
using TestModel = causeway::test::TestModelBuilder;

namespace {

BackendConfig config(const FakeBackend &server, BackendKind kind, const std::string &name = "test")
{
    BackendConfig c;
    c.name = name;
    c.kind = kind;
    c.baseUrl = server.url();
    c.retryBaseMs = 10;
    c.timeoutMs = 5000;
    return c;
}

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

uint32_t spansOf(const Model &m, const TraceId &id)
{
    uint32_t n = 0;
    for (const auto &c : m.cold)
        n += c.traceId == id;
    return n;
}

} // namespace

class TestBackendClient : public QObject
{
    Q_OBJECT
private slots:
    void fetchesFromEachKind_data()
    {
        QTest::addColumn<int>("shape");
        QTest::newRow("tempo v2 json") << int(BackendStore::Shape::TempoV2Json);
        QTest::newRow("tempo v2 protobuf") << int(BackendStore::Shape::TempoV2Proto);
        QTest::newRow("tempo before v2") << int(BackendStore::Shape::TempoV1Only);
        QTest::newRow("jaeger v3") << int(BackendStore::Shape::JaegerV3);
    }
    void fetchesFromEachKind()
    {
        QFETCH(int, shape);
        BackendStore store;
        store.shape = BackendStore::Shape(shape);
        store.add(7, {8});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        const BackendKind kind = store.shape == BackendStore::Shape::JaegerV3 ? BackendKind::JaegerV3 : BackendKind::Tempo;
        BackendClient client(config(server, kind));
        const TraceId id = TestModel::traceId(7);
        FetchResult r = client.fetchTrace(id);
        QCOMPARE(statusName(r.status), "ok");
        QCOMPARE(spansOf(r.model, id), 2u);
        QCOMPARE(r.model.links.size(), size_t(1));
        QCOMPARE(r.model.links[0].traceId, TestModel::traceId(8));
        QCOMPARE(r.model.str(r.model.hot[0].name), std::string_view("backend-op"));
        const auto reqs = server.requests();
        if (store.shape == BackendStore::Shape::TempoV1Only) {
            // The v2 route is missing: the client falls back and remembers it.
            QCOMPARE(reqs.size(), size_t(2));
            QCOMPARE(reqs[1].path, "/api/traces/" + id.hex());
            FetchResult again = client.fetchTrace(id);
            QCOMPARE(statusName(again.status), "ok");
            QCOMPARE(server.requests().size(), size_t(3));
        } else if (kind == BackendKind::Tempo) {
            QCOMPARE(reqs.size(), size_t(1));
            QCOMPARE(reqs[0].path, "/api/v2/traces/" + id.hex());
            QVERIFY(reqs[0].header("accept").find("application/protobuf") != std::string::npos);
        } else {
            QCOMPARE(reqs[0].path, "/api/v3/traces/" + id.hex());
        }
    }

    // Jaeger UI's recorded answer of a real Jaeger 2.21 to /api/v3/traces/{id},
    // sent in small chunks.
    void jaegerPublicFixtureChunked()
    {
        const std::string body = readAll(causeway::test::publicSample("jaegerui_v3_gettrace_jaeger-2.21.0.json"));
        QVERIFY(!body.empty());
        FakeBackend server([&](const FakeRequest &r) {
            FakeReply reply = FakeReply::json(body);
            reply.chunked = true;
            reply.chunkSize = 97;
            return r.path == "/api/v3/traces/0123456789abcdef0123456789abcdef" ? reply : FakeReply::text(404, "no");
        });
        BackendClient client(config(server, BackendKind::JaegerV3));
        TraceId id;
        QCOMPARE(parseId("0123456789abcdef0123456789abcdef", id), IdParse::Ok);
        FetchResult r = client.fetchTrace(id);
        QCOMPARE(statusName(r.status), "ok");
        // The same bytes read from the file give the same spans.
        Model fromFile;
        QVERIFY(loadBuffer("file", body, fromFile).ok);
        QCOMPARE(r.model.spanCount(), fromFile.spanCount());
        QCOMPARE(r.model.links.size(), fromFile.links.size());
        QVERIFY(r.model.spanCount() >= 3);
    }

    // Jaeger's v1 API answers {"data": [trace]} in Jaeger JSON: the bytes go
    // through the same loader as a file, whose Jaeger reader reads them.
    void jaegerV1()
    {
        const std::string body = readAll(causeway::test::testData("foreign/jaeger_query_otlp2jaeger-out.json"));
        QVERIFY(!body.empty());
        const std::string hex = "83a9efd15c1c98a977e0711cc93ee28b";
        FakeBackend server([&](const FakeRequest &r) {
            return r.path == "/api/traces/" + hex ? FakeReply::json(body) : FakeReply::json("{\"data\":null,\"errors\":[{\"code\":404,\"msg\":\"trace not found\"}]}", 404);
        });
        BackendClient client(config(server, BackendKind::JaegerV1));
        TraceId id;
        QCOMPARE(parseId(hex, id), IdParse::Ok);
        FetchResult r = client.fetchTrace(id);
        QVERIFY2(r.status == FetchStatus::Ok, r.message.c_str());
        Model fromFile;
        QVERIFY(loadBuffer("file", body, fromFile).ok);
        QCOMPARE(spansOf(r.model, id), spansOf(fromFile, id));
        QVERIFY(spansOf(r.model, id) > 0);
        TraceId other;
        QCOMPARE(parseId("00000000000000000000000000000abc", other), IdParse::Ok);
        QCOMPARE(statusName(client.fetchTrace(other).status), "not_found");
    }

    // Jaeger streams a large trace as several {"result": ...} objects one after another.
    void jaegerSeveralObjects()
    {
        TestModel a("part-one"), b("part-two");
        const uint32_t n = 42;
        a.add({n, 1, 0, 1000, 5000, "root"});
        b.add({n, 2, 1, 2000, 1000, "child"});
        b.add({n, 3, 1, 3000, 1000, "child2"});
        const std::string body = "{\"result\":" + causeway::test::otlpJson(a.finish()) + "}\n{\"result\":" +
                                 causeway::test::otlpJson(b.finish()) + "}";
        FakeBackend server([&](const FakeRequest &) {
            FakeReply r = FakeReply::json(body);
            r.chunked = true;
            r.chunkSize = 64;
            return r;
        });
        BackendClient client(config(server, BackendKind::JaegerV3));
        FetchResult r = client.fetchTrace(TestModel::traceId(n));
        QCOMPARE(statusName(r.status), "ok");
        QCOMPARE(spansOf(r.model, TestModel::traceId(n)), 3u);
        r.model.finalize();
        QCOMPARE(r.model.traces.size(), size_t(1));
        QCOMPARE(r.model.traces[0].rootCount, 1u); // the parts joined into one tree
    }

    // Tempo's older JSON writes ids in base64; the request always uses hex.
    void base64IdsInResponse()
    {
        // Test data written in Tempo v1's shape: ids in base64 ("AAAA...AQ==" is trace 00..01).
        const std::string body = readAll(causeway::test::testData("json/tempo_v1_batches.json"));
        FakeBackend server([&](const FakeRequest &r) {
            if (r.path.rfind("/api/v2/", 0) == 0)
                return FakeReply::text(404, "404 page not found");
            return FakeReply::json(body);
        });
        BackendClient client(config(server, BackendKind::Tempo));
        TraceId id;
        QCOMPARE(parseId("AAAAAAAAAAAAAAAAAAAAAQ==", id), IdParse::Ok); // base64 form of the id
        FetchResult r = client.fetchTrace(id);
        QCOMPARE(statusName(r.status), "ok");
        QCOMPARE(server.requests().back().path, std::string("/api/traces/00000000000000000000000000000001"));
        QCOMPARE(spansOf(r.model, id), 1u);
    }

    void tempoSearch()
    {
        BackendStore store;
        store.add(0x10, {});
        store.add(0x11, {0x10});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        BackendClient client(config(server, BackendKind::Tempo));
        SearchQuery q;
        q.traceql = "{ resource.service.name = \"backend-svc\" }";
        q.limit = 5;
        q.startNs = 1'700'000'000'000'000'000ULL;
        q.endNs = 1'700'000'100'000'000'000ULL;
        SearchResult r = client.search(q);
        QCOMPARE(statusName(r.status), "ok");
        const FakeRequest req = server.requests().back();
        QCOMPARE(req.path, std::string("/api/search"));
        QCOMPARE(req.param("q"), q.traceql);
        QCOMPARE(req.param("limit"), std::string("5"));
        QCOMPARE(req.param("start"), std::string("1700000000"));
        QCOMPARE(req.param("end"), std::string("1700000100"));
        // The store matches only "{}" or link queries: this query matches nothing.
        QCOMPARE(r.hits.size(), size_t(0));

        q.traceql = "{}";
        r = client.search(q);
        QCOMPARE(r.hits.size(), size_t(2));
        // Ids with their leading zeros restored.
        QCOMPARE(r.hits[0].id, TestModel::traceId(0x10));
        QCOMPARE(r.hits[0].rootName, std::string("backend-op"));
        QCOMPARE(r.hits[0].service, std::string("backend-svc"));
        QCOMPARE(r.hits[0].durationNs, uint64_t(50'000'000));

        SearchResult linking = client.findLinkingTraces(TestModel::traceId(0x10), 20);
        QCOMPARE(server.requests().back().param("q"), "{ link:traceID = \"" + TestModel::traceId(0x10).hex() + "\" }");
        QCOMPARE(linking.hits.size(), size_t(1));
        QCOMPARE(linking.hits[0].id, TestModel::traceId(0x11));
    }

    void jaegerSearch()
    {
        const std::string body = readAll(causeway::test::publicSample("jaegerui_v3_gettrace_jaeger-2.21.0.json"));
        FakeBackend server([&](const FakeRequest &) { return FakeReply::json(body); });
        BackendClient client(config(server, BackendKind::JaegerV3));
        SearchQuery q;
        q.service = "lfx-wire-probe";
        q.operation = "root-with-any-values";
        q.tags = {{"http.status_code", "200"}};
        q.startNs = 1'786'934'000'000'000'000ULL;
        q.endNs = 1'786'935'000'000'000'000ULL;
        SearchResult r = client.search(q);
        QCOMPARE(statusName(r.status), "ok");
        const FakeRequest req = server.requests().back();
        QCOMPARE(req.path, std::string("/api/v3/traces"));
        QCOMPARE(req.param("query.service_name"), q.service);
        QCOMPARE(req.param("query.operation_name"), q.operation);
        QCOMPARE(req.param("query.start_time_min"), std::string("2026-08-17T02:33:20.000000000Z"));
        QCOMPARE(req.param("query.attributes"), std::string("{\"http.status_code\":\"200\"}"));
        QCOMPARE(r.hits.size(), size_t(1));
        QCOMPARE(r.hits[0].rootName, std::string("root-with-any-values"));
        QCOMPARE(r.hits[0].service, std::string("lfx-wire-probe"));
        QVERIFY(r.traces.spanCount() >= 3); // the traces came with the answer
        QCOMPARE(statusName(client.findLinkingTraces(r.hits[0].id, 10).status), "unsupported");
    }

    void failures_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("401") << 401 << "unauthorized" << "unauthorized" << "credentials";
        QTest::newRow("403") << 403 << "forbidden" << "unauthorized" << "credentials";
        QTest::newRow("404") << 404 << "trace not found" << "not_found" << "retention";
        QTest::newRow("500 every time") << 500 << "boom" << "server_error" << "gave up after 4 attempts";
        QTest::newRow("429 every time") << 429 << "slow down" << "rate_limited" << "429";
        QTest::newRow("400") << 400 << "bad id" << "failed" << "HTTP 400";
        QTest::newRow("malformed json") << 200 << "{\"trace\": {\"resourceSpans\": [ {" << "malformed" << "byte";
        QTest::newRow("not json") << 200 << "<html>gateway</html>" << "malformed" << "";
    }
    void failures()
    {
        QFETCH(int, status);
        QFETCH(QString, body);
        QFETCH(QString, expected);
        QFETCH(QString, mentions);
        FakeBackend server([&](const FakeRequest &) { return FakeReply::json(body.toStdString(), status); });
        BackendClient client(config(server, BackendKind::Tempo));
        FetchResult r = client.fetchTrace(TestModel::traceId(1));
        QCOMPARE(QString::fromUtf8(statusName(r.status)), expected);
        QVERIFY2(QString::fromStdString(r.message).contains(mentions), r.message.c_str());
        QCOMPARE(r.model.spanCount(), size_t(0));
    }

    void retriesRespectRetryAfter()
    {
        std::atomic<int> calls{0};
        BackendStore store;
        store.add(3, {});
        FakeBackend server([&](const FakeRequest &r) {
            if (++calls == 1) {
                FakeReply reply = FakeReply::text(429, "too many requests");
                reply.headers.emplace_back("Retry-After", "1");
                return reply;
            }
            return store.answer(r);
        });
        BackendClient client(config(server, BackendKind::Tempo));
        QElapsedTimer timer;
        timer.start();
        FetchResult r = client.fetchTrace(TestModel::traceId(3));
        QCOMPARE(statusName(r.status), "ok");
        QCOMPARE(r.attempts, 2);
        QVERIFY2(timer.elapsed() >= 950, "Retry-After: 1 was not waited for");
    }

    void retriesServerErrorsWithBackoff()
    {
        std::atomic<int> calls{0};
        BackendStore store;
        store.add(3, {});
        FakeBackend server([&](const FakeRequest &r) {
            if (++calls <= 2)
                return FakeReply::text(503, "unavailable");
            return store.answer(r);
        });
        BackendConfig c = config(server, BackendKind::Tempo);
        c.retryBaseMs = 100;
        BackendClient client(c);
        QElapsedTimer timer;
        timer.start();
        FetchResult r = client.fetchTrace(TestModel::traceId(3));
        QCOMPARE(statusName(r.status), "ok");
        QCOMPARE(r.attempts, 3);
        QVERIFY(timer.elapsed() >= 100 + 200 - 20); // 100 ms, then 200 ms
    }

    void retryAfterTooLongGivesUp()
    {
        FakeBackend server([&](const FakeRequest &) {
            FakeReply reply = FakeReply::text(503, "maintenance");
            reply.headers.emplace_back("Retry-After", "3600");
            return reply;
        });
        BackendClient client(config(server, BackendKind::Tempo));
        QElapsedTimer timer;
        timer.start();
        FetchResult r = client.fetchTrace(TestModel::traceId(3));
        QCOMPARE(statusName(r.status), "server_error");
        QVERIFY(r.message.find("3600 s") != std::string::npos);
        QVERIFY(timer.elapsed() < 2000);
        QCOMPARE(server.requests().size(), size_t(1));
    }

    void unreachable()
    {
        BackendConfig c;
        c.name = "gone";
        c.kind = BackendKind::Tempo;
        c.baseUrl = "http://127.0.0.1:" + std::to_string(FakeBackend::closedPort());
        FetchResult r = BackendClient(c).fetchTrace(TestModel::traceId(1));
        QCOMPARE(statusName(r.status), "unreachable");
        QVERIFY(r.message.find("backend gone") != std::string::npos);
    }

    void tlsError()
    {
        // A plain-HTTP server spoken to over https: the handshake fails.
        FakeBackend server([&](const FakeRequest &) { return FakeReply::text(200, "x"); });
        BackendConfig c = config(server, BackendKind::Tempo);
        c.baseUrl = "https://127.0.0.1:" + std::to_string(server.port());
        FetchResult r = BackendClient(c).fetchTrace(TestModel::traceId(1));
        QCOMPARE(statusName(r.status), "tls");
        QVERIFY(r.message.find("TLS") != std::string::npos);
    }

    void slowServerTimesOut()
    {
        FakeBackend server([&](const FakeRequest &) {
            FakeReply r = FakeReply::json("{}");
            r.delayMs = 3000;
            return r;
        });
        BackendConfig c = config(server, BackendKind::Tempo);
        c.timeoutMs = 300;
        QElapsedTimer timer;
        timer.start();
        FetchResult r = BackendClient(c).fetchTrace(TestModel::traceId(1));
        QCOMPARE(statusName(r.status), "timeout");
        QVERIFY(timer.elapsed() < 2000);
    }

    void responseOverTheCap_data()
    {
        QTest::addColumn<bool>("chunked");
        QTest::newRow("with Content-Length") << false;
        QTest::newRow("chunked, no length") << true;
    }
    void responseOverTheCap()
    {
        QFETCH(bool, chunked);
        FakeBackend server([&](const FakeRequest &) {
            FakeReply r = FakeReply::json(std::string(200000, ' ') + "{}");
            r.chunked = chunked;
            r.chunkSize = 8192;
            return r;
        });
        BackendConfig c = config(server, BackendKind::Tempo);
        c.maxResponseBytes = 100000;
        FetchResult r = BackendClient(c).fetchTrace(TestModel::traceId(1));
        QCOMPARE(statusName(r.status), "too_large");
        QVERIFY(r.message.find("100000") != std::string::npos);
    }

    void cancelDuringRequest()
    {
        FakeBackend server([&](const FakeRequest &) {
            FakeReply r = FakeReply::json("{}");
            r.delayMs = 3000;
            return r;
        });
        BackendClient client(config(server, BackendKind::Tempo));
        std::atomic<bool> cancel{false};
        std::thread canceller([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            cancel = true;
        });
        QElapsedTimer timer;
        timer.start();
        FetchResult r = client.fetchTrace(TestModel::traceId(1), &cancel);
        canceller.join();
        QCOMPARE(statusName(r.status), "cancelled");
        QVERIFY(timer.elapsed() < 1500);
    }

    // Credentials and extra headers go to their own backend only, and no
    // message or observed URL carries the secret.
    void credentialsStayWithTheirBackend()
    {
        const std::string secret = "s3cr3t-t0ken-value";
        BackendStore store;
        store.add(5, {});
        FakeBackend withAuth([&](const FakeRequest &r) {
            if (r.header("authorization") != "Bearer " + secret)
                return FakeReply::text(401, "no");
            if (r.path.find("000005") == std::string::npos) // echo what was sent, as some proxies do
                return FakeReply::text(403, "denied for " + r.header("authorization"));
            return store.answer(r);
        });
        FakeBackend other([&](const FakeRequest &r) { return store.answer(r); });

        BackendConfig a = config(withAuth, BackendKind::Tempo, "secure");
        a.auth = AuthType::Bearer;
        a.secret = secret;
        a.headers = {{"X-Scope-OrgID", "team-a"}};
        BackendConfig b = config(other, BackendKind::Tempo, "open");
        BackendClient ca(a), cb(b);
        std::vector<std::string> log;
        std::mutex logMutex;
        auto observe = [&](const std::string &url, long status, int attempt) {
            std::lock_guard lock(logMutex);
            log.push_back(url + " " + std::to_string(status) + " " + std::to_string(attempt));
        };
        ca.setRequestObserver(observe);
        cb.setRequestObserver(observe);

        QCOMPARE(statusName(ca.fetchTrace(TestModel::traceId(5)).status), "ok");
        QCOMPARE(statusName(cb.fetchTrace(TestModel::traceId(5)).status), "ok");
        FetchResult denied = ca.fetchTrace(TestModel::traceId(6));
        QCOMPARE(statusName(denied.status), "unauthorized");
        QVERIFY(denied.message.find(secret) == std::string::npos);
        QVERIFY(denied.message.find("credentials") != std::string::npos);

        for (const auto &r : withAuth.requests()) {
            QCOMPARE(r.header("authorization"), "Bearer " + secret);
            QCOMPARE(r.header("x-scope-orgid"), std::string("team-a"));
        }
        for (const auto &r : other.requests()) {
            QVERIFY(r.headers.count("authorization") == 0);
            QVERIFY(r.headers.count("x-scope-orgid") == 0);
        }
        QCOMPARE(log.size(), size_t(3));
        for (const auto &line : log)
            QVERIFY(line.find(secret) == std::string::npos);
    }

    void basicAuthAndUrlUserinfoRedacted()
    {
        FakeBackend server([&](const FakeRequest &r) { return FakeReply::text(401, r.header("authorization")); });
        BackendConfig c = config(server, BackendKind::JaegerV3);
        c.auth = AuthType::Basic;
        c.user = "alice";
        c.secret = "pa55word";
        FetchResult r = BackendClient(c).fetchTrace(TestModel::traceId(1));
        QCOMPARE(statusName(r.status), "unauthorized");
        QCOMPARE(server.requests()[0].header("authorization"), "Basic " + base64Encode("alice:pa55word"));
        QCOMPARE(redactUrl("https://bob:hunter2@tempo.example:3200/api/search?q=x"), std::string("https://tempo.example:3200/api/search"));
    }

    void detectsKind()
    {
        std::string url = "http://tempo.internal:3200/";
        QVERIFY(detectKindFromUrl(url) == BackendKind::Tempo);
        QCOMPARE(url, std::string("http://tempo.internal:3200"));
        url = "https://jaeger.example.org/api/v3";
        QVERIFY(detectKindFromUrl(url) == BackendKind::JaegerV3);
        QCOMPARE(url, std::string("https://jaeger.example.org"));
        url = "http://10.0.0.5:16686";
        QVERIFY(detectKindFromUrl(url) == BackendKind::JaegerV3);
        url = "http://10.0.0.5:8080";
        QVERIFY(!detectKindFromUrl(url));

        // Not evident from the URL: the server is asked.
        FakeBackend tempo([&](const FakeRequest &r) { return r.path == "/api/echo" ? FakeReply::text(200, "echo") : FakeReply::text(404, ""); });
        FakeBackend jaeger([&](const FakeRequest &r) {
            return r.path == "/api/v3/services" ? FakeReply::json("{\"services\":[\"a\"]}") : FakeReply::text(404, "");
        });
        BackendConfig c;
        c.name = "x";
        c.baseUrl = tempo.url();
        BackendClient ct(c);
        std::string message;
        QCOMPARE(statusName(ct.detectKind(message)), "ok");
        QVERIFY(ct.kind() == BackendKind::Tempo);
        c.baseUrl = jaeger.url();
        BackendClient cj(c);
        QCOMPARE(statusName(cj.detectKind(message)), "ok");
        QVERIFY(cj.kind() == BackendKind::JaegerV3);
    }

    // The settings file never holds a secret.
    void configFileKeepsNoSecret()
    {
        BackendConfig b;
        b.name = "prod tempo";
        b.kind = BackendKind::Tempo;
        b.baseUrl = "https://tempo.example";
        b.headers = {{"X-Scope-OrgID", "team-a"}};
        b.auth = AuthType::Bearer;
        b.secret = "never-on-disk";
        const std::string json = backendsToJson({b});
        QVERIFY(json.find("never-on-disk") == std::string::npos);
        QVERIFY(json.find("CAUSEWAY_PROD_TEMPO_TOKEN") != std::string::npos);
        std::vector<BackendConfig> back;
        std::string error;
        QVERIFY(backendsFromJson(json, back, error));
        QCOMPARE(back.size(), size_t(1));
        QCOMPARE(back[0].name, b.name);
        QVERIFY(back[0].kind == BackendKind::Tempo);
        QCOMPARE(back[0].headers, b.headers);
        QVERIFY(back[0].auth == AuthType::Bearer);
        QVERIFY(back[0].secret.empty());
        qputenv("CAUSEWAY_PROD_TEMPO_TOKEN", "from-env");
        QVERIFY(back[0].resolveSecretFromEnvironment(error));
        QCOMPARE(back[0].authorization(), std::string("Bearer from-env"));
        qunsetenv("CAUSEWAY_PROD_TEMPO_TOKEN");
        back[0].secret.clear();
        QVERIFY(!back[0].resolveSecretFromEnvironment(error));
        QVERIFY(error.find("CAUSEWAY_PROD_TEMPO_TOKEN") != std::string::npos);
        QVERIFY(!backendsFromJson("{\"backends\":[{\"url\":\"http://x\",\"kind\":\"zipkin\"}]}", back, error));
        QVERIFY(error.find("zipkin") != std::string::npos);
    }

    // Test connection: each kind is asked what it answers cheaply, with the
    // credentials; each failure comes back as what it is.
    void checkConnectionAsksEachKind()
    {
        BackendStore store;
        store.add(2, {});
        FakeBackend tempo([&](const FakeRequest &r) { return store.answer(r); });
        ConnectionCheck check = BackendClient(config(tempo, BackendKind::Tempo)).checkConnection();
        QCOMPARE(statusName(check.status), "ok");
        QVERIFY2(check.message.find("/api/echo answered and a search for one trace found 1 trace") != std::string::npos,
                 check.message.c_str());
        const auto asked = tempo.requests();
        QCOMPARE(asked.size(), size_t(2));
        QCOMPARE(asked[1].path, std::string("/api/search"));
        QCOMPARE(asked[1].param("limit"), std::string("1"));

        // A tenant the search refuses, though /api/echo answers: the search's own words.
        FakeBackend tenant([&](const FakeRequest &r) {
            if (r.path == "/api/search")
                return FakeReply::text(403, "no org id");
            return store.answer(r);
        });
        check = BackendClient(config(tenant, BackendKind::Tempo)).checkConnection();
        QCOMPARE(statusName(check.status), statusName(FetchStatus::Unauthorized));
        QVERIFY2(check.message.find("credentials") != std::string::npos, check.message.c_str());

        FakeBackend v1([&](const FakeRequest &r) {
            return r.path == "/api/services" ? FakeReply::json("{\"data\":[\"a\",\"b\"],\"total\":2}") : FakeReply::text(404, "");
        });
        check = BackendClient(config(v1, BackendKind::JaegerV1)).checkConnection();
        QCOMPARE(statusName(check.status), "ok");
        QVERIFY2(check.message.find("/api/services lists 2 services") != std::string::npos, check.message.c_str());

        // Something else on the port: not a list of services.
        FakeBackend other([&](const FakeRequest &) { return FakeReply::json("{\"hello\":1}"); });
        check = BackendClient(config(other, BackendKind::JaegerV3)).checkConnection();
        QCOMPARE(statusName(check.status), statusName(FetchStatus::Malformed));
        QVERIFY(check.message.find("did not answer with a list of services") != std::string::npos);

        // Kind unknown and neither answers: says to choose the kind.
        FakeBackend nothing([&](const FakeRequest &) { return FakeReply::text(404, ""); });
        BackendConfig unknown = config(nothing, BackendKind::Tempo);
        unknown.kind.reset();
        check = BackendClient(unknown).checkConnection();
        QCOMPARE(statusName(check.status), statusName(FetchStatus::Unsupported));
        QVERIFY(check.message.find("choose its kind") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestBackendClient)
#include "tst_backendclient.moc"
