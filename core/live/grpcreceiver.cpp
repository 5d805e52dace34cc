#include "core/live/grpcreceiver.h"

#include "core/proto/otlp_trace.grpc.pb.h"

#include <grpcpp/grpcpp.h>

namespace causeway::live {

namespace {

namespace otlp = opentelemetry::proto::collector::trace::v1;

// A raw-bytes method: gRPC hands over the request as it came off the wire
// (decompressed), and the core's reader decodes it into the model, as for
// OTLP/HTTP. Letting gRPC parse it into protobuf objects first, only to
// serialize them back for the reader, cost more than the decoding itself.
class TraceService final : public otlp::TraceService::WithRawCallbackMethod_Export<otlp::TraceService::Service>
{
public:
    TraceService(const GrpcOptions &options, const FragmentHandler &handler, ReceiverCounters &counters)
        : m_options(options), m_handler(handler), m_counters(counters)
    {
    }

    grpc::ServerUnaryReactor *Export(grpc::CallbackServerContext *context, const grpc::ByteBuffer *request,
                                     grpc::ByteBuffer *response) override
    {
        grpc::ServerUnaryReactor *reactor = context->DefaultReactor();
        reactor->Finish(exportBytes(request, response));
        return reactor;
    }

private:
    grpc::Status exportBytes(const grpc::ByteBuffer *request, grpc::ByteBuffer *response)
    {
        m_counters.requests++;
        std::vector<grpc::Slice> slices;
        if (!request || !request->Dump(&slices).ok()) {
            m_counters.failedRequests++;
            return {grpc::StatusCode::INVALID_ARGUMENT, "cannot read the request"};
        }
        std::string bytes;
        bytes.reserve(request->Length());
        for (const grpc::Slice &slice : slices)
            bytes.append(reinterpret_cast<const char *>(slice.begin()), slice.size());
        Decoded d = decodeExport(bytes, Encoding::Protobuf, false, m_options.maxBody);
        if (!d.ok) {
            m_counters.failedRequests++;
            return {d.tooLarge ? grpc::StatusCode::RESOURCE_EXHAUSTED : grpc::StatusCode::INVALID_ARGUMENT, d.error};
        }
        if (d.accepted && m_handler && !m_handler(std::move(d.fragment))) {
            // Not kept (the disk is full): UNAVAILABLE is the code OTLP clients retry.
            m_counters.failedRequests++;
            return {grpc::StatusCode::UNAVAILABLE, "the spans could not be stored; retry later"};
        }
        m_counters.spansAccepted += d.accepted;
        m_counters.spansRejected += d.rejected;
        otlp::ExportTraceServiceResponse reply;
        if (d.rejected) {
            auto *partial = reply.mutable_partial_success();
            partial->set_rejected_spans(int64_t(d.rejected));
            partial->set_error_message(d.rejectedMessage);
        }
        bool own = false;
        const grpc::Status status = grpc::SerializationTraits<otlp::ExportTraceServiceResponse>::Serialize(reply, response, &own);
        if (!status.ok())
            m_counters.failedRequests++;
        return status;
    }

private:
    const GrpcOptions &m_options;
    const FragmentHandler &m_handler;
    ReceiverCounters &m_counters;
};

} // namespace

struct GrpcReceiver::Impl
{
    FragmentHandler handler;
    ReceiverCounters counters;
    std::unique_ptr<TraceService> service;
    std::unique_ptr<grpc::Server> server;
};

GrpcReceiver::GrpcReceiver(GrpcOptions options, FragmentHandler handler)
    : m_impl(std::make_unique<Impl>()), m_options(std::move(options))
{
    m_impl->handler = std::move(handler);
}

GrpcReceiver::~GrpcReceiver()
{
    stop();
}

bool GrpcReceiver::start(std::string &error)
{
    m_impl->service = std::make_unique<TraceService>(m_options, m_impl->handler, m_impl->counters);
    grpc::ServerBuilder builder;
    int selected = 0;
    const bool v6 = m_options.host.find(':') != std::string::npos && m_options.host.front() != '[';
    const std::string address = (v6 ? "[" + m_options.host + "]" : m_options.host) + ":" + std::to_string(m_options.port);
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &selected);
    builder.SetMaxReceiveMessageSize(int(std::min<uint64_t>(m_options.maxBody, INT32_MAX)));
    builder.RegisterService(m_impl->service.get());
    m_impl->server = builder.BuildAndStart();
    if (!m_impl->server || selected == 0) {
        m_impl->server.reset();
        error = "cannot listen on " + address + " for gRPC";
        return false;
    }
    m_port = uint16_t(selected);
    return true;
}

void GrpcReceiver::stop()
{
    if (!m_impl->server)
        return;
    m_impl->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
    m_impl->server->Wait();
    m_impl->server.reset();
}

std::string GrpcReceiver::endpoint() const
{
    const bool v6 = m_options.host.find(':') != std::string::npos && m_options.host.front() != '[';
    return (v6 ? "[" + m_options.host + "]" : m_options.host) + ":" + std::to_string(m_port);
}

const ReceiverCounters &GrpcReceiver::counters() const
{
    return m_impl->counters;
}

} // namespace causeway::live
