#pragma once
// A minimal HTTP/1.1 client over POSIX sockets for the receiver tests: it
// sends exactly the bytes a test wants, including broken ones.

#include <QByteArray>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace causeway::test {

struct Reply
{
    int status = 0;                // 0: no reply (connection closed or timed out)
    std::string headers;
    std::string body;
};

inline int connectTo(uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

inline bool sendAll(int fd, std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        bytes.remove_prefix(size_t(n));
    }
    return true;
}

// Reads one response (Content-Length framed). Gives up after timeoutMs of silence.
// `carry` keeps bytes of a following pipelined response for the next call.
inline Reply readReply(int fd, int timeoutMs = 5000, std::string *carry = nullptr)
{
    Reply r;
    std::string local;
    std::string &buf = carry ? *carry : local;
    size_t headEnd = std::string::npos;
    uint64_t length = 0;
    for (;;) {
        if (headEnd == std::string::npos && (headEnd = buf.find("\r\n\r\n")) != std::string::npos) {
            r.headers = buf.substr(0, headEnd);
            const auto cl = QByteArray::fromStdString(r.headers).toLower().indexOf("content-length:");
            if (cl >= 0)
                length = std::stoull(r.headers.substr(size_t(cl) + 15));
            r.status = std::stoi(r.headers.substr(9, 3));
        }
        if (headEnd != std::string::npos && buf.size() >= headEnd + 4 + length) {
            r.body = buf.substr(headEnd + 4, length);
            buf.erase(0, headEnd + 4 + length);
            return r;
        }
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0)
            return {};
        char chunk[65536];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0)
            return headEnd == std::string::npos ? Reply{} : r;
        buf.append(chunk, size_t(n));
    }
}

inline Reply post(uint16_t port, std::string_view contentType, std::string_view body, std::string_view extra = {})
{
    const int fd = connectTo(port);
    if (fd < 0)
        return {};
    std::string request = "POST /v1/traces HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + std::string(contentType)
        + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + std::string(extra) + "\r\n";
    request += body;
    sendAll(fd, request);
    Reply r = readReply(fd);
    ::close(fd);
    return r;
}

} // namespace causeway::test
