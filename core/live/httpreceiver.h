#pragma once
// OTLP/HTTP receiver: POST /v1/traces with protobuf or JSON bodies, gzip,
// Content-Length or chunked, keep-alive. One thread per connection up to a
// cap; every read has an inactivity timeout, a request head has a deadline
// and a body a minimum rate, so a stalled or trickling client only holds its
// own thread, and not for long. With every slot taken, the connection that
// has waited longest for a head gives way to a new one; the bytes held by all
// connections together are capped (503, retry).

#include "core/live/otlpdecode.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <list>
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
    int headerTimeoutMs = 10000;          // the whole request head must arrive within this
    uint64_t minBodyRate = 16 * 1024;     // bytes/s a body must average once readTimeoutMs has passed
    unsigned maxConnections = 256;        // beyond this, the longest-waiting idle or trickling
                                          // connection makes room; if none can, 503
    uint64_t maxBufferedBytes = uint64_t(256) << 20; // request bytes held by all connections together
};

struct ReceiverCounters
{
    std::atomic<uint64_t> requests{0};
    std::atomic<uint64_t> spansAccepted{0};
    std::atomic<uint64_t> spansRejected{0};
    std::atomic<uint64_t> failedRequests{0};   // answered with an error status
    std::atomic<uint64_t> evictedConnections{0}; // idle or trickling, closed to make room
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

    // A connection's state as the accept loop sees it, to pick one to evict.
    struct Slot
    {
        int fd = -1;
        std::atomic<bool> waiting{true};         // idle or reading a request head
        std::atomic<int64_t> waitingSinceMs{0};
        std::atomic<bool> evicted{false};
    };

private:
    void acceptLoop();
    bool makeRoom();
    void serve(Slot &slot);

    HttpOptions m_options;
    FragmentHandler m_handler;
    int m_listenFd = -1;
    uint16_t m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_acceptThread;
    std::mutex m_mutex;
    std::condition_variable m_idle;
    unsigned m_active = 0;      // connections whose thread runs, evicted ones included
    std::list<Slot> m_slots;    // guarded by m_mutex
    std::atomic<uint64_t> m_buffered{0};
    ReceiverCounters m_counters;
};

} // namespace causeway::live
