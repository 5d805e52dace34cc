#pragma once
// The OTLP/gRPC server is a module of its own, causeway-otlp-grpc.so,
// loaded when a gRPC receiver starts (core/module.h says why and where).
// The module speaks gRPC only; the program decodes the requests into its
// model and serializes the answers. What crosses between them is declared
// here, in plain C.

#include <cstddef>
#include <cstdint>

extern "C" {

// The program's answer to one Export request.
struct CausewayGrpcReply
{
    int status = 0;                 // a gRPC status code; 0 (OK) sends the response below
    const char *message = nullptr;  // with a status other than OK
    const char *response = nullptr; // with OK: ExportTraceServiceResponse, serialized
    size_t responseSize = 0;
};

struct CausewayGrpcHandler
{
    void *context = nullptr;
    // On one of gRPC's threads, the request as it came off the wire
    // (decompressed); null when it could not be read. What `reply` points
    // to stays valid until the next call on the same thread.
    void (*exportRequest)(void *context, const char *request, size_t size, CausewayGrpcReply *reply) = nullptr;
};

struct CausewayGrpcServer;

// Serves opentelemetry.proto.collector.trace.v1.TraceService/Export on
// `address` ("host:port", "[v6]:port"; port 0: any free one) until stopped,
// refusing messages over `maxMessage` bytes. The server, with the port it
// listens on in *port, or null. `handler` must outlive the server.
using CausewayGrpcStart = CausewayGrpcServer *(*)(const char *address, uint64_t maxMessage,
                                                  const CausewayGrpcHandler *handler, int *port);
// Stops accepting, gives the calls in flight up to two seconds, waits for
// them, and frees the server.
using CausewayGrpcStop = void (*)(CausewayGrpcServer *server);
}

namespace causeway::live {
inline constexpr const char *kGrpcModuleFile = "causeway-otlp-grpc.so";
inline constexpr const char *kGrpcModuleStart = "causeway_grpc_start";
inline constexpr const char *kGrpcModuleStop = "causeway_grpc_stop";
// The gRPC status codes the program answers with.
inline constexpr int kGrpcInvalidArgument = 3;
inline constexpr int kGrpcResourceExhausted = 8;
inline constexpr int kGrpcUnavailable = 14;
} // namespace causeway::live
