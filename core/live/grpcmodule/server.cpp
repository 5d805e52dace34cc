// causeway-otlp-grpc.so: the OTLP/gRPC server behind core/live/grpcplugin.h.
// gRPC hands over each request as it came off the wire (decompressed), the
// program decodes it and serializes the answer, as for OTLP/HTTP; no
// protobuf classes here, so the module links gRPC alone.

#include "core/live/grpcplugin.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/rpc_service_method.h>
#include <grpcpp/impl/codegen/service_type.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace {

constexpr const char *kExportMethod = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

// TraceService with Export as a raw unary callback method: gRPC hands over
// the request's bytes and takes the response's, as the generated service's
// WithRawCallbackMethod_Export does, without the generated message classes.
// Other methods are answered UNIMPLEMENTED by gRPC itself.
class TraceService final : public grpc::Service
{
public:
    explicit TraceService(const CausewayGrpcHandler &handler)
        : m_handler(handler)
    {
        AddMethod(new grpc::internal::RpcServiceMethod(kExportMethod, grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
        MarkMethodRawCallback(0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                                     [this](grpc::CallbackServerContext *context, const grpc::ByteBuffer *request,
                                            grpc::ByteBuffer *response) {
                                         grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
                                         reactor->Finish(exportCall(request, response));
                                         return reactor;
                                     }));
    }

private:
    grpc::Status exportCall(const grpc::ByteBuffer *request, grpc::ByteBuffer *response)
    {
        CausewayGrpcReply reply;
        std::vector<grpc::Slice> slices;
        if (request && request->Dump(&slices).ok()) {
            std::string bytes;
            bytes.reserve(request->Length());
            for (const grpc::Slice &slice : slices)
                bytes.append(reinterpret_cast<const char *>(slice.begin()), slice.size());
            m_handler.exportRequest(m_handler.context, bytes.data(), bytes.size(), &reply);
        } else {
            m_handler.exportRequest(m_handler.context, nullptr, 0, &reply);
        }
        if (reply.status != 0)
            return grpc::Status(grpc::StatusCode(reply.status), reply.message ? reply.message : "");
        grpc::Slice slice(reply.response, reply.responseSize);
        *response = grpc::ByteBuffer(&slice, 1);
        return grpc::Status::OK;
    }

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
    builder.RegisterService(s->service.get());
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
