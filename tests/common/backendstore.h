#pragma once
// Traces held by a fake backend, answered in Tempo's and Jaeger's shapes:
// the bodies are built with the core's OTLP writer, the shapes follow the
// backends' API documentation (Tempo: GET /api/v2/traces/{id} gives
// {"trace": TracesData} or a protobuf TraceByIDResponse, /api/traces/{id}
// gives {"batches": [...]}, /api/search gives {"traces": [{traceID,
// rootServiceName, rootTraceName, startTimeUnixNano, durationMs}]};
// Jaeger v2: GET /api/v3/traces/{id} gives {"result": TracesData}).

#include "common/fakebackend.h"
#include "common/modelbuilder.h"

#include "core/writer.h"

#include <map>
#include <sstream>

namespace causeway::test {

inline std::string otlpJson(const Model &model)
{
    std::ostringstream out;
    std::string error;
    writeModel(model, OutputFormat::OtlpJson, out, error);
    std::string s = out.str();
    while (!s.empty() && (s.back() == '\n'))
        s.pop_back();
    return s;
}

inline std::string otlpProto(const Model &model)
{
    std::ostringstream out;
    std::string error;
    writeModel(model, OutputFormat::OtlpProto, out, error);
    return out.str();
}

// A protobuf length-delimited field 1 around `inner`.
inline std::string protoField1(const std::string &inner)
{
    std::string out(1, char(0x0a));
    uint64_t n = inner.size();
    do {
        uint8_t b = n & 0x7f;
        n >>= 7;
        out += char(n ? (b | 0x80) : b);
    } while (n);
    return out + inner;
}

// One trace: TestModelBuilder trace `n`, a root span and a child, the child
// linking to the roots of `linksTo` (TestModelBuilder trace numbers).
inline Model linkedTrace(uint32_t n, const std::vector<uint32_t> &linksTo, std::string_view service = "svc",
                         std::string_view name = "work")
{
    TestModelBuilder b(service);
    const uint64_t start = 1'700'000'000'000'000'000ULL + uint64_t(n) * 1'000'000'000ULL;
    b.add({n, n * 100 + 1, 0, start, 50'000'000, name});
    std::vector<TestModelBuilder::LinkSpec> links;
    for (uint32_t t : linksTo)
        links.push_back({t, t * 100 + 1});
    b.add({n, n * 100 + 2, n * 100 + 1, start + 1'000'000, 20'000'000, "child", links});
    return b.finish();
}

class BackendStore
{
public:
    enum class Shape { TempoV2Json, TempoV2Proto, TempoV1Only, JaegerV3 };

    void add(uint32_t n, const std::vector<uint32_t> &linksTo)
    {
        Model m = linkedTrace(n, linksTo, "backend-svc", "backend-op");
        Entry e;
        e.json = otlpJson(m);
        e.proto = otlpProto(m);
        e.links = linksTo;
        m_traces[TestModelBuilder::traceId(n).hex()] = std::move(e);
    }

    Shape shape = Shape::TempoV2Json;
    int delayMs = 0;

    FakeReply answer(const FakeRequest &r) const
    {
        FakeReply reply;
        reply.delayMs = delayMs;
        auto found = [&](const std::string &id) { return m_traces.find(id); };
        if (r.path.rfind("/api/v2/traces/", 0) == 0 && shape != Shape::TempoV1Only) {
            auto it = found(r.path.substr(15));
            if (it == m_traces.end())
                return withDelay(FakeReply::text(404, "trace not found"));
            if (shape == Shape::TempoV2Proto) {
                reply.headers.emplace_back("Content-Type", "application/protobuf");
                reply.body = protoField1(it->second.proto); // TraceByIDResponse{trace: Trace{batches}}
                return reply;
            }
            reply.headers.emplace_back("Content-Type", "application/json");
            reply.body = "{\"trace\":" + it->second.json + "}";
            return reply;
        }
        if (r.path.rfind("/api/traces/", 0) == 0 && (shape == Shape::TempoV1Only)) {
            auto it = found(r.path.substr(12));
            if (it == m_traces.end())
                return withDelay(FakeReply::text(404, "trace not found"));
            // {"resourceSpans": [...]} renamed to Tempo v1's "batches".
            std::string body = it->second.json;
            const auto at = body.find("\"resourceSpans\"");
            body.replace(at, 15, "\"batches\"");
            reply.headers.emplace_back("Content-Type", "application/json");
            reply.body = body;
            return reply;
        }
        if (r.path.rfind("/api/v3/traces/", 0) == 0 && shape == Shape::JaegerV3) {
            auto it = found(r.path.substr(15));
            if (it == m_traces.end())
                return withDelay(FakeReply::json("{\"error\":{\"code\":5,\"message\":\"trace not found\"}}", 404));
            reply.headers.emplace_back("Content-Type", "application/json");
            reply.body = "{\"result\":" + it->second.json + "}";
            return reply;
        }
        if (r.path == "/api/search") {
            const std::string q = r.param("q");
            std::string list;
            const std::string prefix = "{ link:traceID = \"";
            for (const auto &[id, e] : m_traces) {
                bool match = q == "{}" || q.empty();
                if (q.rfind(prefix, 0) == 0) {
                    const std::string target = q.substr(prefix.size(), 32);
                    for (uint32_t t : e.links)
                        match |= TestModelBuilder::traceId(t).hex() == target;
                }
                if (!match)
                    continue;
                // Tempo drops the leading zeros of ids in search results.
                std::string shown = id;
                while (shown.size() > 1 && shown[0] == '0')
                    shown.erase(0, 1);
                list += std::string(list.empty() ? "" : ",") + "{\"traceID\":\"" + shown +
                        "\",\"rootServiceName\":\"backend-svc\",\"rootTraceName\":\"backend-op\","
                        "\"startTimeUnixNano\":\"1700000000000000000\",\"durationMs\":50}";
            }
            return withDelay(FakeReply::json("{\"traces\":[" + list + "],\"metrics\":{\"inspectedBytes\":\"1000\"}}"));
        }
        // What "Test connection" and kind detection ask: Tempo's /api/echo
        // answers "echo"; Jaeger's API v3 lists the services.
        if (r.path == "/api/echo" && shape != Shape::JaegerV3)
            return withDelay(FakeReply::text(200, "echo"));
        if (r.path == "/api/v3/services" && shape == Shape::JaegerV3)
            return withDelay(FakeReply::json("{\"services\":[\"backend-svc\"]}"));
        return withDelay(FakeReply::text(404, "404 page not found"));
    }

private:
    FakeReply withDelay(FakeReply r) const
    {
        r.delayMs = delayMs;
        return r;
    }
    struct Entry
    {
        std::string json, proto;
        std::vector<uint32_t> links;
    };
    std::map<std::string, Entry> m_traces;
};

} // namespace causeway::test
