#include "core/live/httpreceiver.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

namespace causeway::live {

namespace {

constexpr size_t kMaxHeaderBytes = 64 * 1024;
// Reads wait in slices this long so a stopping receiver is noticed quickly.
constexpr int kSliceMs = 100;

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

const char *reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    }
    return "Error";
}

// The gRPC code that goes with an HTTP status in a google.rpc.Status body.
int grpcCodeFor(int status)
{
    switch (status) {
    case 400: return 3;   // INVALID_ARGUMENT
    case 404: return 12;  // UNIMPLEMENTED
    case 405: return 12;
    case 413: return 8;   // RESOURCE_EXHAUSTED
    case 415: return 3;
    case 503: return 14;  // UNAVAILABLE
    }
    return 13;            // INTERNAL
}

struct Request
{
    std::string method;
    std::string target;
    bool http10 = false;
    std::string contentType;
    std::string contentEncoding;
    std::string transferEncoding;
    std::string connection;
    std::string expect;
    bool hasLength = false;
    uint64_t contentLength = 0;
};

int64_t nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// RFC 9110 token characters, for header names.
bool isTokenChar(unsigned char c)
{
    return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c);
}

class Connection
{
public:
    Connection(HttpReceiver::Slot &slot, const HttpOptions &options, const std::atomic<bool> &stopping,
               std::atomic<uint64_t> &buffered)
        : m_fd(slot.fd), m_slot(slot), m_options(options), m_stopping(stopping), m_buffered(buffered)
    {
    }
    ~Connection() { releaseAll(); }

    // Gives back this request's share of the receivers' buffer budget; what
    // is already read of a next (pipelined) request stays counted.
    void release()
    {
        const uint64_t keep = std::min<uint64_t>(m_held, m_buffer.size());
        m_buffered -= m_held - keep;
        m_held = keep;
    }
    void releaseAll()
    {
        m_buffered -= m_held;
        m_held = 0;
    }

    bool overBudget() const { return m_overBudget; }
    bool evicted() const { return m_slot.evicted.load(); }

    // Waits for more bytes. False on end of stream, error, timeout, eviction,
    // stop, or when the receivers together hold more than they may. A request
    // head has a deadline; a body must keep up a minimum rate.
    bool readMore()
    {
        int waited = 0;
        while (!m_stopping.load(std::memory_order_relaxed) && !m_slot.evicted.load(std::memory_order_relaxed)) {
            if (tooSlow()) {
                m_timedOut = true;
                return false;
            }
            pollfd p{m_fd, POLLIN, 0};
            const int r = ::poll(&p, 1, kSliceMs);
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                return false;
            if (r == 0) {
                waited += kSliceMs;
                if (waited >= m_options.readTimeoutMs) {
                    m_timedOut = true;
                    return false;
                }
                continue;
            }
            char chunk[65536];
            const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0)
                return false;
            m_held += uint64_t(n);
            if (m_buffered.fetch_add(uint64_t(n)) + uint64_t(n) > m_options.maxBufferedBytes) {
                m_overBudget = true;
                return false;
            }
            m_buffer.append(chunk, size_t(n));
            m_bodyBytes += uint64_t(n);
            if (!m_headStart)
                m_headStart = nowMs();
            return true;
        }
        return false;
    }

    // Between requests and while the head arrives the connection may be
    // evicted to make room for another.
    void waitingForHead()
    {
        // The head's deadline runs from its first byte, not from an idle wait.
        m_headStart = m_buffer.empty() ? 0 : nowMs();
        m_bodyStart = 0;
        m_slot.waitingSinceMs = nowMs();
        m_slot.waiting = true;
    }
    void readingBody()
    {
        m_slot.waiting = false;
        m_bodyStart = nowMs();
        m_bodyBytes = 0;
    }

    bool send(std::string_view bytes)
    {
        while (!bytes.empty()) {
            const ssize_t n = ::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && errno == EAGAIN) {
                pollfd p{m_fd, POLLOUT, 0};
                if (::poll(&p, 1, m_options.readTimeoutMs) <= 0)
                    return false;
                continue;
            }
            if (n <= 0)
                return false;
            bytes.remove_prefix(size_t(n));
        }
        return true;
    }

    bool respond(int status, std::string_view contentType, std::string_view body, bool close)
    {
        std::string head = "HTTP/1.1 " + std::to_string(status) + ' ' + reason(status) + "\r\n";
        if (!contentType.empty())
            head += "Content-Type: " + std::string(contentType) + "\r\n";
        if (status == 405)
            head += "Allow: POST\r\n";
        if (status == 503)
            head += "Retry-After: 1\r\n";
        head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        if (close)
            head += "Connection: close\r\n";
        head += "\r\n";
        head.append(body);
        return send(head);
    }

    // Reads the header block. 0: got it; otherwise the status to answer (or -1: just close).
    int readHead(Request &req)
    {
        waitingForHead();
        size_t end;
        while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
            if (m_buffer.size() > kMaxHeaderBytes)
                return 431;
            if (!readMore()) {
                if (m_buffer.empty())
                    return -1;
                return m_overBudget || evicted() ? 503 : m_timedOut ? 408 : -1;
            }
        }
        m_slot.waiting = false;
        if (end > kMaxHeaderBytes)
            return 431;
        const std::string_view head(m_buffer.data(), end);
        size_t lineEnd = head.find("\r\n");
        const std::string_view requestLine = head.substr(0, lineEnd);
        const auto sp1 = requestLine.find(' ');
        const auto sp2 = requestLine.rfind(' ');
        if (sp1 == std::string_view::npos || sp2 == sp1)
            return 400;
        req.method = std::string(requestLine.substr(0, sp1));
        req.target = std::string(requestLine.substr(sp1 + 1, sp2 - sp1 - 1));
        const std::string_view version = requestLine.substr(sp2 + 1);
        if (version.substr(0, 5) != "HTTP/")
            return 400;
        req.http10 = version == "HTTP/1.0";
        while (lineEnd != std::string_view::npos && lineEnd < head.size()) {
            const size_t start = lineEnd + 2;
            lineEnd = head.find("\r\n", start);
            const std::string_view line = head.substr(start, lineEnd == std::string_view::npos ? std::string_view::npos : lineEnd - start);
            const auto colon = line.find(':');
            if (colon == std::string_view::npos || colon == 0)
                return 400;
            // A field name is a token: whitespace before the colon must be
            // refused (RFC 9112 section 5.1), not read as another name.
            for (char c : line.substr(0, colon))
                if (!isTokenChar(static_cast<unsigned char>(c)))
                    return 400;
            const std::string name = lower(line.substr(0, colon));
            const std::string_view value = trim(line.substr(colon + 1));
            if (name == "content-type")
                req.contentType = lower(trim(value.substr(0, value.find(';'))));
            else if (name == "content-encoding")
                req.contentEncoding = lower(value);
            else if (name == "transfer-encoding")
                req.transferEncoding += (req.transferEncoding.empty() ? "" : ",") + lower(value);
            else if (name == "connection")
                req.connection = lower(value);
            else if (name == "expect")
                req.expect = lower(value);
            else if (name == "content-length") {
                uint64_t n = 0;
                if (value.empty() || value.size() > 19)
                    return 400;
                for (char c : value) {
                    if (c < '0' || c > '9')
                        return 400;
                    n = n * 10 + uint64_t(c - '0');
                }
                if (req.hasLength && n != req.contentLength)
                    return 400;
                req.hasLength = true;
                req.contentLength = n;
            }
        }
        m_buffer.erase(0, end + 4);
        return 0;
    }

    // Reads exactly n bytes of body. 0 or a status (-1: close).
    int readExact(uint64_t n, std::string &body)
    {
        while (m_buffer.size() < n)
            if (!readMore())
                return failedRead();
        body.append(m_buffer, 0, size_t(n));
        m_buffer.erase(0, size_t(n));
        return 0;
    }

    int readLine(std::string &line)
    {
        size_t end;
        while ((end = m_buffer.find("\r\n")) == std::string::npos) {
            if (m_buffer.size() > 4096)
                return 400;
            if (!readMore())
                return failedRead();
        }
        line.assign(m_buffer, 0, end);
        m_buffer.erase(0, end + 2);
        return 0;
    }

    int readChunked(std::string &body, uint64_t limit)
    {
        std::string line;
        for (;;) {
            if (int s = readLine(line))
                return s;
            const std::string_view sizeText = trim(std::string_view(line).substr(0, line.find(';')));
            if (sizeText.empty() || sizeText.size() > 15)
                return 400;
            uint64_t size = 0;
            for (char c : sizeText) {
                int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (v < 0)
                    return 400;
                size = size * 16 + uint64_t(v);
            }
            if (size == 0)
                break;
            if (body.size() + size > limit)
                return 413;
            if (int s = readExact(size, body))
                return s;
            if (int s = readLine(line))
                return s;
            if (!line.empty())
                return 400;
        }
        // Trailers, up to the empty line.
        for (;;) {
            if (int s = readLine(line))
                return s;
            if (line.empty())
                return 0;
        }
    }

private:
    int failedRead() const { return m_overBudget || evicted() ? 503 : m_timedOut ? 408 : -1; }

    // A head past its deadline, or a body slower than the minimum rate once
    // the read timeout has passed: a trickling client holds its slot no longer.
    bool tooSlow() const
    {
        const int64_t now = nowMs();
        if (!m_bodyStart)
            return m_options.headerTimeoutMs > 0 && m_headStart && now - m_headStart > m_options.headerTimeoutMs;
        const int64_t elapsed = now - m_bodyStart;
        return elapsed > m_options.readTimeoutMs
            && m_bodyBytes * 1000 < m_options.minBodyRate * uint64_t(elapsed - m_options.readTimeoutMs);
    }

    int m_fd;
    HttpReceiver::Slot &m_slot;
    const HttpOptions &m_options;
    const std::atomic<bool> &m_stopping;
    std::atomic<uint64_t> &m_buffered;
    std::string m_buffer;
    uint64_t m_held = 0;       // bytes read and counted in m_buffered
    bool m_timedOut = false;
    bool m_overBudget = false;
    int64_t m_headStart = 0, m_bodyStart = 0;
    uint64_t m_bodyBytes = 0;
};

// Transfer-Encoding as a list of codings (RFC 9112 section 6.1).
std::vector<std::string> codings(std::string_view text)
{
    std::vector<std::string> out;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const std::string_view item = trim(text.substr(0, comma));
        if (!item.empty())
            out.emplace_back(item.substr(0, item.find(';')));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return out;
}

} // namespace

HttpReceiver::HttpReceiver(HttpOptions options, FragmentHandler handler)
    : m_options(std::move(options)), m_handler(std::move(handler))
{
}

HttpReceiver::~HttpReceiver()
{
    stop();
}

bool HttpReceiver::start(std::string &error)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    std::string host = m_options.host;
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    addrinfo *found = nullptr;
    const std::string port = std::to_string(m_options.port);
    if (int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        error = "cannot resolve " + host + ": " + gai_strerror(rc);
        return false;
    }
    int fd = -1;
    std::string lastError = "no address";
    for (addrinfo *a = found; a; a = a->ai_next) {
        fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            lastError = std::strerror(errno);
            continue;
        }
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0)
            break;
        lastError = std::strerror(errno);
        ::close(fd);
        fd = -1;
    }
    ::freeaddrinfo(found);
    if (fd < 0) {
        error = "cannot listen on " + m_options.host + ":" + port + ": " + lastError;
        return false;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&bound), &len);
    m_port = bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
    m_listenFd = fd;
    m_stopping = false;
    m_acceptThread = std::thread([this] { acceptLoop(); });
    return true;
}

void HttpReceiver::stop()
{
    if (m_listenFd < 0)
        return;
    m_stopping = true;
    if (m_acceptThread.joinable())
        m_acceptThread.join();
    ::close(m_listenFd);
    m_listenFd = -1;
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_slots.empty(); });
}

std::string HttpReceiver::endpoint() const
{
    return "http://" + formatEndpoint(m_options.host, m_port) + "/v1/traces";
}

void HttpReceiver::acceptLoop()
{
    while (!m_stopping) {
        pollfd p{m_listenFd, POLLIN, 0};
        const int r = ::poll(&p, 1, kSliceMs);
        if (r <= 0)
            continue;
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Slot *slot = nullptr;
        {
            std::lock_guard lock(m_mutex);
            if (m_active >= m_options.maxConnections && !makeRoom()) {
                static constexpr char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\nRetry-After: 1\r\n\r\n";
                ::send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
                ::close(fd);
                continue;
            }
            ++m_active;
            slot = &m_slots.emplace_back();
            slot->fd = fd;
            slot->waitingSinceMs = nowMs();
        }
        std::thread([this, slot] {
            serve(*slot);
            ::close(slot->fd);
            std::lock_guard lock(m_mutex);
            if (!slot->evicted)
                --m_active;
            m_slots.remove_if([slot](const Slot &s) { return &s == slot; });
            if (m_slots.empty())
                m_idle.notify_all();
        }).detach();
    }
}

// With every slot taken, the connection that has waited longest for a
// request head (idle keep-alive, or a head trickling in) gives way, so that
// slow or stalled clients cannot lock out the ones that send. Called with
// m_mutex held.
bool HttpReceiver::makeRoom()
{
    constexpr int64_t kGraceMs = 1000;
    Slot *oldest = nullptr;
    for (Slot &s : m_slots)
        if (!s.evicted && s.waiting && (!oldest || s.waitingSinceMs < oldest->waitingSinceMs))
            oldest = &s;
    if (!oldest || nowMs() - oldest->waitingSinceMs < kGraceMs)
        return false;
    oldest->evicted = true;
    --m_active; // its thread ends within a poll slice
    m_counters.evictedConnections++;
    return true;
}

void HttpReceiver::serve(Slot &slot)
{
    Connection c(slot, m_options, m_stopping, m_buffered);
    for (;;) {
        c.release();
        Request req;
        int status = c.readHead(req);
        if (status < 0)
            return;
        auto fail = [&](int code, const std::string &message, Encoding encoding) {
            m_counters.failedRequests++;
            const std::string body = statusBody(encoding, grpcCodeFor(code), message);
            c.respond(code, encoding == Encoding::Json ? "application/json" : "application/x-protobuf", body, true);
        };
        const Encoding encoding = req.contentType == "application/json" ? Encoding::Json : Encoding::Protobuf;
        if (status) {
            fail(status, status == 408 ? "timed out reading the request"
                     : status == 503 ? "the receiver is busy; retry later" : "malformed request head", encoding);
            return;
        }
        m_counters.requests++;
        const std::string path = req.target.substr(0, req.target.find('?'));
        if (path != "/v1/traces") {
            fail(404, "only /v1/traces is served", encoding);
            return;
        }
        if (req.method != "POST") {
            fail(405, "use POST", encoding);
            return;
        }
        if (req.contentType != "application/x-protobuf" && req.contentType != "application/protobuf"
            && req.contentType != "application/json") {
            fail(415, "Content-Type must be application/x-protobuf or application/json", Encoding::Json);
            return;
        }
        const bool gzip = req.contentEncoding == "gzip" || req.contentEncoding == "x-gzip";
        if (!gzip && !req.contentEncoding.empty() && req.contentEncoding != "identity") {
            fail(415, "unsupported Content-Encoding " + req.contentEncoding, encoding);
            return;
        }
        // Transfer-Encoding is a list of codings; chunked must come last
        // (RFC 9112 section 6.3), and it is the only one served.
        const std::vector<std::string> transfer = codings(req.transferEncoding);
        const bool chunked = !transfer.empty();
        if (chunked && transfer.back() != "chunked") {
            fail(400, "Transfer-Encoding must end with chunked", encoding);
            return;
        }
        if (transfer.size() > 1) {
            fail(501, "unsupported Transfer-Encoding " + req.transferEncoding, encoding);
            return;
        }
        if (!chunked && req.hasLength && req.contentLength > m_options.maxBody) {
            fail(413, "body of " + std::to_string(req.contentLength) + " bytes exceeds the limit of "
                + std::to_string(m_options.maxBody), encoding);
            return;
        }
        if (req.expect == "100-continue")
            c.send("HTTP/1.1 100 Continue\r\n\r\n");
        std::string body;
        c.readingBody();
        status = chunked ? c.readChunked(body, m_options.maxBody) : c.readExact(req.hasLength ? req.contentLength : 0, body);
        if (status < 0)
            return;
        if (status) {
            fail(status, status == 413 ? "body exceeds the limit of " + std::to_string(m_options.maxBody) + " bytes"
                         : status == 408 ? "timed out reading the body"
                         : status == 503 ? "the receiver holds too much unfinished request data; retry later"
                                         : "malformed chunked body", encoding);
            return;
        }
        Decoded d = decodeExport(body, encoding, gzip, m_options.maxBody);
        if (!d.ok) {
            fail(d.tooLarge ? 413 : 400, d.error, encoding);
            return;
        }
        if (d.accepted && m_handler && !m_handler(std::move(d.fragment))) {
            // Not kept (the disk is full): the client may retry, so say so
            // rather than claim success.
            fail(503, "the spans could not be stored; retry later", encoding);
            return;
        }
        m_counters.spansAccepted += d.accepted;
        m_counters.spansRejected += d.rejected;
        // A request with both Content-Length and Transfer-Encoding may be an
        // attempt at request smuggling: answered, then the connection closes
        // (RFC 9112 section 6.3).
        const bool close = (req.http10 ? req.connection != "keep-alive" : req.connection == "close")
            || (chunked && req.hasLength);
        if (!c.respond(200, encoding == Encoding::Json ? "application/json" : "application/x-protobuf",
                exportResponse(encoding, d.rejected, d.rejectedMessage), close) || close)
            return;
    }
}

} // namespace causeway::live
