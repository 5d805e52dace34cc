#pragma once
// OTLP/HTTP receiver: POST /v1/traces with protobuf or JSON bodies, gzip,
// Content-Length or chunked, keep-alive. One thread per connection up to a
// cap; every read has an inactivity timeout so a stalled client only holds
// its own thread, and only for that long.

#include "core/live/otlpdecode.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace causeway::live {

struct HttpOptions
{
    std::string host = "127.0.0.1";
    uint16_t port = 4318;                 // 0: any free port, see HttpReceiver::port()
    uint64_t maxBody = kDefaultMaxBody;   // after decompression; also caps the bytes read
    int readTimeoutMs = 10000;            // a connection that sends nothing this long is closed
    unsigned maxConnections = 256;        // beyond this, new connections get 503
};

struct ReceiverCounters
{
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> spansAccepted{0};
    std::atomic<uint64_t> spansRejected{0};
    std::atomic<uint64_t> failedRequests{0};   // answered with an error status
};

class HttpReceiver
{
public:
    HttpReceiver(HttpOptions options, FragmentHandler handler);
    ~HttpReceiver();
    HttpReceiver(const HttpReceiver &) = delete;
    HttpReceiver &operator=(const HttpReceiver &) = delete;

    // Binds and starts listening. False with a message when the address
    // cannot be bound.
    bool start(std::string &error);
    // Stops accepting, lets open connections finish their current read and
    // waits for them. Idempotent.
    void stop();

    uint16_t port() const { return m_port; }
    // "http://HOST:PORT/v1/traces"
    std::string endpoint() const;
    const ReceiverCounters &counters() const { return m_counters; }

private:
    void acceptLoop();
    void serve(int fd);

    HttpOptions m_options;
    FragmentHandler m_handler;
    int m_listenFd = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_acceptThread;
    std::mutex m_mutex;
    std::condition_variable m_idle;
    unsigned m_active = 0;
    ReceiverCounters m_counters;
};

} // namespace causeway::live
