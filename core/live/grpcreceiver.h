#pragma once
// OTLP/gRPC receiver: opentelemetry.proto.collector.trace.v1.TraceService/Export.

#include "core/live/httpreceiver.h"

#include <memory>
#include <string>

namespace causeway::live {

struct GrpcOptions
{
    std::string host = "127.0.0.1";
    uint16_t port = 4317;                 // 0: any free port
    uint64_t maxBody = kDefaultMaxBody;   // largest message, after gRPC's own decompression
};

class GrpcReceiver
{
public:
    GrpcReceiver(GrpcOptions options, FragmentHandler handler);
    ~GrpcReceiver();
    GrpcReceiver(const GrpcReceiver &) = delete;
    GrpcReceiver &operator=(const GrpcReceiver &) = delete;

    bool start(std::string &error);
    void stop();

    uint16_t port() const { return m_port; }
    std::string endpoint() const;  // "HOST:PORT"
    const ReceiverCounters &counters() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    GrpcOptions m_options;
    uint16_t m_port = 0;
};

} // namespace causeway::live
