#pragma once
// Follows a JSON Lines file that another process appends to (the Collector's
// file exporter, `causeway receive --write`): reads what is there, then
// polls for new complete lines, and survives rotation (the file renamed or
// removed and a new one created at the same path), truncation, and the file
// rewritten in place (made longer, not only shorter): both read it again
// from the start.

#include "core/live/otlpdecode.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace causeway::live {

struct FollowCounters
{
    std::atomic<uint64_t> lines{0};
    std::atomic<uint64_t> badLines{0};
    std::atomic<uint64_t> spans{0};
    std::atomic<uint64_t> reopened{0};     // rotations and truncations seen
};

class FileFollower
{
public:
    FileFollower(std::string path, FragmentHandler handler, int pollMs = 200);
    ~FileFollower();
    FileFollower(const FileFollower &) = delete;
    FileFollower &operator=(const FileFollower &) = delete;

    // Starts the polling thread. The file need not exist yet.
    void start();
    void stop();

    const std::string &path() const { return m_path; }
    const FollowCounters &counters() const { return m_counters; }
    // The first bad line's problem, for the user.
    std::string lastError() const;

private:
    void run();
    void drain();            // reads the open file to its end
    void consume(bool flushPartial);
    // Whether the bytes before m_offset are still the ones read there.
    bool rewritten() const;

    std::string m_path;
    FragmentHandler m_handler;
    int m_pollMs;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
    int m_fd = -1;
    uint64_t m_dev = 0, m_ino = 0, m_offset = 0;
    std::string m_pending;   // bytes after the last complete line
    std::string m_tail;      // the last bytes read, up to kTail, ending at m_offset
    FollowCounters m_counters;
    mutable std::mutex m_errorMutex;
    std::string m_error;
};

} // namespace causeway::live
