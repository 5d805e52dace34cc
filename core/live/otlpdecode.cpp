#include "core/live/otlpdecode.h"

#include "core/load.h"
#include "core/readers.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>

namespace causeway::live {

namespace {

void putVarint(std::string &out, uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(char(uint8_t(v) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

void putBytes(std::string &out, uint32_t field, std::string_view bytes)
{
    putVarint(out, (uint64_t(field) << 3) | 2);
    putVarint(out, bytes.size());
    out.append(bytes);
}

std::string jsonString(std::string_view s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += char(c);
        }
    }
    return out + '"';
}

} // namespace

Decoded decodeExport(std::string_view body, Encoding encoding, bool gzip, uint64_t limit)
{
    Decoded d;
    std::string plain;
    if (gzip) {
        if (body.size() < 2 || uint8_t(body[0]) != 0x1f || uint8_t(body[1]) != 0x8b) {
            d.error = "Content-Encoding is gzip but the body is not gzip data";
            return d;
        }
        std::string message;
        if (!detail::decompress(body, limit, plain, message)) {
            d.tooLarge = plain.size() >= limit || message.find("limit") != std::string::npos;
            d.error = "gzip: " + message;
            return d;
        }
        body = plain;
    } else if (body.size() > limit) {
        d.tooLarge = true;
        d.error = "body exceeds the size limit";
        return d;
    }
    if (body.empty()) {
        // An empty protobuf message is a valid request with nothing in it.
        if (encoding == Encoding::Json) {
            d.error = "empty JSON body";
            return d;
        }
        d.ok = true;
        return d;
    }
    // The Content-Type said what the body is: it is read as that, never
    // sniffed (a protobuf message can begin with bytes that look like JSON).
    if (encoding == Encoding::Json) {
        const Format format = sniffFormat(body);
        if (format == Format::Gzip || format == Format::Zstd) {
            d.error = "compressed body without a matching Content-Encoding";
            return d;
        }
        if (format == Format::OtlpJsonLines) {
            d.error = "more than one JSON document in the body";
            return d;
        }
    }
    LoadOptions options;
    options.threads = 1;
    options.maxDecompressedBytes = limit;
    options.format = encoding == Encoding::Json ? Format::OtlpJson : Format::OtlpProto;
    const LoadResult r = loadBuffer("request", body, d.fragment, options);
    if (!r.ok) {
        d.error = r.error.message;
        if (r.error.offset)
            d.error = "byte " + std::to_string(r.error.offset) + ": " + d.error;
        d.fragment = Model();
        return d;
    }
    for (const auto &item : d.fragment.diagnostics.items()) {
        if (item.severity == Severity::Error) {
            // A corrupt protobuf message is rolled back by the reader and
            // reported as a diagnostic rather than a fatal error.
            d.error = item.message;
            d.fragment = Model();
            return d;
        }
    }
    // The diagnostics that say a span was skipped rather than repaired.
    d.rejected = d.fragment.diagnostics.count(Loss::Span, &d.rejectedMessage);
    d.accepted = d.fragment.spanCount();
    d.ok = true;
    return d;
}

std::string exportResponse(Encoding encoding, uint64_t rejected, std::string_view message)
{
    if (encoding == Encoding::Json) {
        if (!rejected)
            return "{}";
        return "{\"partialSuccess\":{\"rejectedSpans\":\"" + std::to_string(rejected) + "\",\"errorMessage\":"
            + jsonString(message) + "}}";
    }
    if (!rejected)
        return {};
    std::string partial;
    putVarint(partial, (1 << 3) | 0);
    putVarint(partial, rejected);
    putBytes(partial, 2, message);
    std::string out;
    putBytes(out, 1, partial);
    return out;
}

std::string statusBody(Encoding encoding, int grpcCode, std::string_view message)
{
    if (encoding == Encoding::Json)
        return "{\"code\":" + std::to_string(grpcCode) + ",\"message\":" + jsonString(message) + "}";
    std::string out;
    putVarint(out, (1 << 3) | 0);
    putVarint(out, uint64_t(grpcCode));
    putBytes(out, 2, message);
    return out;
}

std::string formatEndpoint(const std::string &host, uint16_t port)
{
    const bool v6 = host.find(':') != std::string::npos && host.front() != '[';
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool isLoopback(std::string_view host)
{
    // What counts is the address a listener would bind, so the name is
    // resolved (127.example.net is not loopback for starting with "127.").
    std::string name(host);
    if (name.size() > 2 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    if (name.empty())
        return false;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo *found = nullptr;
    if (::getaddrinfo(name.c_str(), nullptr, &hints, &found) != 0)
        return false;
    bool all = found != nullptr;
    for (addrinfo *a = found; a; a = a->ai_next) {
        if (a->ai_family == AF_INET) {
            const auto *in = reinterpret_cast<const sockaddr_in *>(a->ai_addr);
            all &= (ntohl(in->sin_addr.s_addr) >> 24) == 127;
        } else if (a->ai_family == AF_INET6) {
            const auto *in6 = reinterpret_cast<const sockaddr_in6 *>(a->ai_addr);
            const in6_addr &v6 = in6->sin6_addr;
            all &= IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
        } else {
            all = false;
        }
    }
    ::freeaddrinfo(found);
    return all;
}

bool parseEndpoint(std::string_view text, std::string &host, uint16_t &port)
{
    std::string_view portText = text;
    host = "127.0.0.1";
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return false;
        host = std::string(text.substr(1, close - 1));
        portText = text.substr(close + 2);
    } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        if (text.find(':') != colon)
            return false; // a bare IPv6 address needs brackets
        if (colon > 0)
            host = std::string(text.substr(0, colon));
        portText = text.substr(colon + 1);
    }
    unsigned value = 0;
    auto [end, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), value);
    if (ec != std::errc() || end != portText.data() + portText.size() || portText.empty() || value > 65535 || host.empty())
        return false;
    port = uint16_t(value);
    return true;
}

} // namespace causeway::live
