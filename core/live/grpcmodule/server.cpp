// causeway-otlp-grpc.so: the OTLP/gRPC server behind core/live/grpcplugin.h.
// A generic callback service: gRPC hands over each request as it came off
// the wire (decompressed), the program decodes it and serializes the
// answer, as for OTLP/HTTP; no protobuf classes here, so the module links
// gRPC alone.

#include "core/live/grpcplugin.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace {

constexpr const char *kExportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

// One Export call: a unary call on the generic (bidirectional) API, so one
// message read, one written.
class ExportReactor final : public grpc::ServerGenericBidiReactor
{
public:
    explicit ExportReactor(const CausewayGrpcHandler &handler)
        : m_handler(handler)
    {
        StartRead(&m_request);
    }

    void OnReadDone(bool ok) override
    {
        if (!ok) {
            // No message: the client went, or gRPC refused the message (too
            // large), in which case the call already has its status.
            Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "no request message"));
            return;
        }
        CausewayGrpcReply reply;
        std::vector<grpc::Slice> slices;
        if (m_request.Dump(&slices).ok()) {
            std::string bytes;
            bytes.reserve(m_request.Length());
            for (const grpc::Slice &slice : slices)
                bytes.append(reinterpret_cast<const char *>(slice.begin()), slice.size());
            m_handler.exportRequest(m_handler.context, bytes.data(), bytes.size(), &reply);
        } else {
            m_handler.exportRequest(m_handler.context, nullptr, 0, &reply);
        }
        if (reply.status != 0) {
            Finish(grpc::Status(grpc::StatusCode(reply.status), reply.message ? reply.message : ""));
            return;
        }
        grpc::Slice slice(reply.response, reply.responseSize);
        m_response = grpc::ByteBuffer(&slice, 1);
        StartWriteAndFinish(&m_response, grpc::WriteOptions(), grpc::Status::OK);
    }

    void OnDone() override { delete this; }

private:
    const CausewayGrpcHandler &m_handler;
    grpc::ByteBuffer m_request;
    grpc::ByteBuffer m_response;
};

class Unimplemented final : public grpc::ServerGenericBidiReactor
{
public:
    explicit Unimplemented(const std::string &method)
    {
        Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "no method " + method + " here"));
    }
    void OnDone() override { delete this; }
};

class TraceService final : public grpc::CallbackGenericService
{
public:
    explicit TraceService(const CausewayGrpcHandler &handler)
        : m_handler(handler)
    {
    }

    grpc::ServerGenericBidiReactor *CreateReactor(grpc::GenericCallbackServerContext *context) override
    {
        if (context->method() != kExportMethod)
            return new Unimplemented(context->method());
        return new ExportReactor(m_handler);
    }

private:
    const CausewayGrpcHandler &m_handler;
};

} // namespace

struct CausewayGrpcServer
{
    std::unique_ptr<TraceService> service;
    std::unique_ptr<grpc::Server> server;
};

extern "C" __attribute__((visibility("default"))) CausewayGrpcServer *
causeway_grpc_start(const char *address, uint64_t maxMessage, const CausewayGrpcHandler *handler, int *port)
{
    auto s = std::make_unique<CausewayGrpcServer>();
    s->service = std::make_unique<TraceService>(*handler);
    grpc::ServerBuilder builder;
    int selected = 0;
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &selected);
    builder.SetMaxReceiveMessageSize(int(std::min<uint64_t>(maxMessage, INT32_MAX)));
    builder.RegisterCallbackGenericService(s->service.get());
    s->server = builder.BuildAndStart();
    if (!s->server || selected == 0)
        return nullptr;
    *port = selected;
    return s.release();
}

extern "C" __attribute__((visibility("default"))) void causeway_grpc_stop(CausewayGrpcServer *server)
{
    if (!server)
        return;
    server->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    server->server->Wait();
    delete server;
}

// The declarations the program uses match these definitions.
static_assert(std::is_same_v<decltype(&causeway_grpc_start), CausewayGrpcStart>);
static_assert(std::is_same_v<decltype(&causeway_grpc_stop), CausewayGrpcStop>);
