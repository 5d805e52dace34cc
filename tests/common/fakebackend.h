#pragma once
// A loopback HTTP/1.1 server (127.0.0.1 only) for the backend tests: it
// answers as a test's handler says, in Tempo's and Jaeger's documented
// shapes, and records every request with its headers. One thread per
// connection, one request per connection (Connection: close).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace causeway::test {

struct FakeRequest
{
    std::string method;
    std::string path;             // without the query
    std::string query;            // raw, after '?'
    std::map<std::string, std::string> headers; // lowercase names
    std::string header(const std::string &name) const
    {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
    // A query parameter, percent-decoded.
    std::string param(const std::string &name) const
    {
        size_t p = 0;
        while (p <= query.size()) {
            size_t amp = query.find('&', p);
            if (amp == std::string::npos)
                amp = query.size();
            const std::string pair = query.substr(p, amp - p);
            const auto eq = pair.find('=');
            if (pair.substr(0, eq) == name)
                return eq == std::string::npos ? std::string() : decode(pair.substr(eq + 1));
            p = amp + 1;
        }
        return {};
    }
    static std::string decode(const std::string &s)
    {
        std::string out;
        for (size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '%' && i + 2 < s.size()) {
                out += char(std::stoi(s.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                out += s[i] == '+' ? ' ' : s[i];
            }
        }
        return out;
    }
};

struct FakeReply
{
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    bool chunked = false;         // Transfer-Encoding: chunked, the body in `chunkSize` pieces
    size_t chunkSize = 1000;
    int delayMs = 0;              // before answering
    bool hangUp = false;          // close without a reply

    static FakeReply json(std::string body, int status = 200)
    {
        FakeReply r;
        r.status = status;
        r.body = std::move(body);
        r.headers.emplace_back("Content-Type", "application/json");
        return r;
    }
    static FakeReply text(int status, std::string body)
    {
        FakeReply r;
        r.status = status;
        r.body = std::move(body);
        r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
        return r;
    }
};

class FakeBackend
{
public:
    using Handler = std::function<FakeReply(const FakeRequest &)>;

    explicit FakeBackend(Handler handler) : m_handler(std::move(handler))
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        int one = 1;
        ::setsockopt(m_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        ::bind(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        ::listen(m_fd, 64);
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
        m_acceptor = std::thread([this] { acceptLoop(); });
    }
    ~FakeBackend()
    {
        m_stop = true;
        m_acceptor.join();
        std::vector<Worker> threads;
        {
            std::lock_guard lock(m_mutex);
            threads.swap(m_threads);
        }
        for (auto &t : threads)
            t.thread.join();
        ::close(m_fd);
    }

    uint16_t port() const { return m_port; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
    std::vector<FakeRequest> requests() const
    {
        std::lock_guard lock(m_mutex);
        return m_requests;
    }
    int maxConcurrent() const { return m_maxConcurrent; }

    // A port nothing listens on.
    static uint16_t closedPort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
        socklen_t len = sizeof a;
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
        ::close(fd);
        return ntohs(a.sin_port);
    }

private:
    void acceptLoop()
    {
        while (!m_stop) {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0)
                continue;
            const int c = ::accept4(m_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (c < 0)
                continue;
            std::lock_guard lock(m_mutex);
            // Threads that answered are joined as new ones start: a walk over
            // 10,000 traces must not hold 10,000 finished threads.
            for (size_t i = 0; i < m_threads.size();) {
                if (*m_threads[i].done) {
                    m_threads[i].thread.join();
                    m_threads[i] = std::move(m_threads.back());
                    m_threads.pop_back();
                } else {
                    ++i;
                }
            }
            auto done = std::make_shared<std::atomic<bool>>(false);
            m_threads.push_back({std::thread([this, c, done] {
                                     serve(c);
                                     *done = true;
                                 }),
                                 done});
        }
    }

    static void sendAll(int fd, const std::string &data)
    {
        size_t sent = 0;
        while (sent < data.size()) {
            const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
            if (n <= 0)
                return;
            sent += size_t(n);
        }
    }

    void serve(int fd)
    {
        std::string in;
        char buf[4096];
        while (in.find("\r\n\r\n") == std::string::npos) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0)
                break;
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            in.append(buf, size_t(n));
            if (!in.empty() && in[0] == 0x16) {
                // A TLS ClientHello: answer in plain HTTP, as a misconfigured port would.
                sendAll(fd, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
                in.clear();
                break;
            }
        }
        FakeRequest req;
        const auto lineEnd = in.find("\r\n");
        if (lineEnd != std::string::npos) {
            const std::string line = in.substr(0, lineEnd);
            const auto s1 = line.find(' '), s2 = line.rfind(' ');
            req.method = line.substr(0, s1);
            std::string target = line.substr(s1 + 1, s2 - s1 - 1);
            const auto q = target.find('?');
            req.path = target.substr(0, q);
            req.query = q == std::string::npos ? std::string() : target.substr(q + 1);
            size_t p = lineEnd + 2;
            while (p < in.size()) {
                const auto e = in.find("\r\n", p);
                if (e == std::string::npos || e == p)
                    break;
                const std::string h = in.substr(p, e - p);
                const auto colon = h.find(':');
                if (colon != std::string::npos) {
                    std::string name = h.substr(0, colon);
                    for (char &ch : name)
                        ch = char(std::tolower(static_cast<unsigned char>(ch)));
                    std::string value = h.substr(colon + 1);
                    while (!value.empty() && value.front() == ' ')
                        value.erase(0, 1);
                    req.headers[name] = value;
                }
                p = e + 2;
            }
            {
                std::lock_guard lock(m_mutex);
                m_requests.push_back(req);
            }
            // In flight: from a whole request head received to the first byte
            // of its answer. The client cannot have finished (and started
            // another request) before that, so the count never runs ahead of
            // the client's own, however late this thread is scheduled.
            const int now = ++m_concurrent;
            for (int seen = m_maxConcurrent; now > seen && !m_maxConcurrent.compare_exchange_weak(seen, now);) {
            }
            const FakeReply reply = m_handler(req);
            if (reply.delayMs) {
                // Sleep in slices so a client that gave up is noticed and the server can stop.
                for (int waited = 0; waited < reply.delayMs && !m_stop; waited += 10)
                    std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            --m_concurrent;
            if (!reply.hangUp) {
                std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " Status\r\nConnection: close\r\n";
                for (const auto &[k, v] : reply.headers)
                    out += k + ": " + v + "\r\n";
                if (reply.chunked) {
                    out += "Transfer-Encoding: chunked\r\n\r\n";
                    sendAll(fd, out);
                    for (size_t at = 0; at < reply.body.size(); at += reply.chunkSize) {
                        const std::string piece = reply.body.substr(at, reply.chunkSize);
                        char size[32];
                        std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
                        sendAll(fd, size + piece + "\r\n");
                    }
                    sendAll(fd, "0\r\n\r\n");
                } else {
                    bool hasLength = std::any_of(reply.headers.begin(), reply.headers.end(),
                                                 [](const auto &h) { return h.first == "Content-Length"; });
                    if (!hasLength)
                        out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
                    out += "\r\n";
                    sendAll(fd, out + reply.body);
                }
            }
        }
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
    }

    Handler m_handler;
    int m_fd = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_concurrent{0}, m_maxConcurrent{0};
    std::thread m_acceptor;
    mutable std::mutex m_mutex;
    struct Worker
    {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Worker> m_threads;
    std::vector<FakeRequest> m_requests;
};

} // namespace causeway::test
