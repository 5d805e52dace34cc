#pragma once
// Turning one export request body into a model fragment, the same way for
// OTLP/HTTP and OTLP/gRPC, and encoding the answers the OTLP specification
// asks for.

#include "core/model.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>

namespace causeway::live {

inline constexpr uint64_t kDefaultMaxBody = uint64_t(64) << 20;

enum class Encoding { Protobuf, Json };

struct Decoded
{
    bool ok = false;
    bool tooLarge = false;        // the decompressed body passed the limit
    std::string error;            // why it could not be decoded
    Model fragment;               // not finalized
    uint64_t accepted = 0;        // spans kept
    uint64_t rejected = 0;        // spans skipped as invalid
    std::string rejectedMessage;  // the first reason, for partial_success
};

// `body` as received; `gzip` when Content-Encoding (or grpc-encoding) said so.
// The gzip inflation stops at `limit` bytes.
Decoded decodeExport(std::string_view body, Encoding encoding, bool gzip, uint64_t limit);

// ExportTraceServiceResponse: empty, or with partial_success when spans were rejected.
std::string exportResponse(Encoding encoding, uint64_t rejected, std::string_view message);
// google.rpc.Status for an error response.
std::string statusBody(Encoding encoding, int grpcCode, std::string_view message);

// Where decoded fragments go. Called from receiver threads concurrently.
// Returns false when it could not keep the spans (the disk is full): the
// receiver then answers "unavailable, retry" instead of success. A handler
// that returns nothing always keeps them.
class FragmentHandler
{
public:
    FragmentHandler() = default;
    FragmentHandler(std::nullptr_t) {}
    template<typename F, typename = std::enable_if_t<std::is_invocable_v<F &, Model &&>
                                                     && !std::is_same_v<std::decay_t<F>, FragmentHandler>>>
    FragmentHandler(F f)
    {
        if constexpr (std::is_void_v<std::invoke_result_t<F &, Model &&>>)
            m_f = [f = std::move(f)](Model &&m) mutable {
                f(std::move(m));
                return true;
            };
        else
            m_f = std::move(f);
    }
    explicit operator bool() const { return bool(m_f); }
    bool operator()(Model &&fragment) const { return m_f(std::move(fragment)); }

private:
    std::function<bool(Model &&)> m_f;
};

// Is this a loopback address ("127.0.0.1", "::1", "localhost", 127.0.0.0/8)?
bool isLoopback(std::string_view host);

// "HOST:PORT" / "[V6]:PORT" / ":PORT" / "PORT". False on malformed text.
bool parseEndpoint(std::string_view text, std::string &host, uint16_t &port);
// "HOST:PORT", an IPv6 host in brackets: what parseEndpoint reads.
std::string formatEndpoint(const std::string &host, uint16_t port);

} // namespace causeway::live
