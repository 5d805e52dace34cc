#include "core/live/grpcreceiver.h"

#include "core/live/grpcplugin.h"
#include "core/live/otlpdecode.h"

#include "core/module.h"

#include <string>

namespace causeway::live {

struct GrpcReceiver::Impl
{
    FragmentHandler handler;
    ReceiverCounters counters;
    uint64_t maxBody = kDefaultMaxBody;
    CausewayGrpcHandler calls;
    CausewayGrpcServer *server = nullptr;
    CausewayGrpcStop stop = nullptr; // the module's, for the server it started

    // One Export request, on one of gRPC's threads.
    static void exportRequest(void *context, const char *request, size_t size, CausewayGrpcReply *reply)
    {
        auto *self = static_cast<Impl *>(context);
        thread_local std::string message, response;
        self->counters.requests++;
        if (!request) {
            self->counters.failedRequests++;
            reply->status = kGrpcInvalidArgument;
            reply->message = "cannot read the request";
            return;
        }
        Decoded d = decodeExport(std::string_view(request, size), Encoding::Protobuf, false, self->maxBody);
        if (!d.ok) {
            self->counters.failedRequests++;
            reply->status = d.tooLarge ? kGrpcResourceExhausted : kGrpcInvalidArgument;
            message = std::move(d.error);
            reply->message = message.c_str();
            return;
        }
        if (d.accepted && self->handler && !self->handler(std::move(d.fragment))) {
            // Not kept (the disk is full): UNAVAILABLE is the code OTLP clients retry.
            self->counters.failedRequests++;
            reply->status = kGrpcUnavailable;
            reply->message = "the spans could not be stored; retry later";
            return;
        }
        self->counters.spansAccepted += d.accepted;
        self->counters.spansRejected += d.rejected;
        response = exportResponse(Encoding::Protobuf, d.rejected, d.rejectedMessage);
        reply->response = response.data();
        reply->responseSize = response.size();
    }
};

GrpcReceiver::GrpcReceiver(GrpcOptions options, FragmentHandler handler)
    : m_impl(std::make_unique<Impl>()), m_options(std::move(options))
{
    m_impl->handler = std::move(handler);
    m_impl->maxBody = m_options.maxBody;
    m_impl->calls.context = m_impl.get();
    m_impl->calls.exportRequest = &Impl::exportRequest;
}

GrpcReceiver::~GrpcReceiver()
{
    stop();
}

bool GrpcReceiver::start(std::string &error)
{
    if (m_impl->server)
        return true;
    std::string why;
    auto start = reinterpret_cast<CausewayGrpcStart>(moduleSymbol(kGrpcModuleFile, kGrpcModuleStart, why));
    auto stop = start ? reinterpret_cast<CausewayGrpcStop>(moduleSymbol(kGrpcModuleFile, kGrpcModuleStop, why)) : nullptr;
    if (!stop) {
        error = "cannot load the OTLP/gRPC receiver: " + why;
        return false;
    }
    const std::string address = formatEndpoint(m_options.host, m_options.port);
    int selected = 0;
    m_impl->server = start(address.c_str(), m_options.maxBody, &m_impl->calls, &selected);
    m_impl->stop = stop;
    if (!m_impl->server || selected == 0) {
        stop(m_impl->server);
        m_impl->server = nullptr;
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
    m_impl->stop(m_impl->server);
    m_impl->server = nullptr;
}

std::string GrpcReceiver::endpoint() const
{
    return formatEndpoint(m_options.host, m_port);
}

const ReceiverCounters &GrpcReceiver::counters() const
{
    return m_impl->counters;
}

} // namespace causeway::live
