#include "core/live/follower.h"

#include "core/load.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

namespace causeway::live {

namespace {
// How much of what was read last is compared with the file at each poll.
constexpr size_t kTail = 64;
} // namespace

FileFollower::FileFollower(std::string path, FragmentHandler handler, int pollMs)
    : m_path(std::move(path)), m_handler(std::move(handler)), m_pollMs(pollMs)
{
}

FileFollower::~FileFollower()
{
    stop();
}

void FileFollower::start()
{
    if (m_thread.joinable())
        return;
    m_stopping = false;
    m_thread = std::thread([this] { run(); });
}

void FileFollower::stop()
{
    m_stopping = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
}

std::string FileFollower::lastError() const
{
    std::lock_guard lock(m_errorMutex);
    return m_error;
}

void FileFollower::drain()
{
    if (m_fd < 0)
        return;
    char chunk[1 << 16];
    for (;;) {
        const ssize_t n = ::read(m_fd, chunk, sizeof chunk);
        if (n <= 0)
            break;
        m_offset += uint64_t(n);
        m_pending.append(chunk, size_t(n));
        if (size_t(n) >= kTail) {
            m_tail.assign(chunk + n - kTail, kTail);
        } else {
            m_tail.append(chunk, size_t(n));
            if (m_tail.size() > kTail)
                m_tail.erase(0, m_tail.size() - kTail);
        }
        // Hand over complete lines as they pile up so a large backlog is
        // not held twice in memory.
        if (m_pending.size() > (size_t(8) << 20))
            consume(false);
    }
    consume(false);
}

bool FileFollower::rewritten() const
{
    if (m_fd < 0 || m_tail.empty())
        return false;
    std::string now(m_tail.size(), '\0');
    const ssize_t n = ::pread(m_fd, now.data(), now.size(), off_t(m_offset - m_tail.size()));
    return n != ssize_t(now.size()) || now != m_tail;
}

void FileFollower::consume(bool flushPartial)
{
    size_t end = m_pending.rfind('\n');
    if (flushPartial)
        end = m_pending.size();
    else if (end == std::string::npos)
        return;
    else
        end += 1;
    const std::string_view lines(m_pending.data(), end);
    auto handOver = [this](std::string_view text, uint64_t lineCount) {
        Model fragment;
        LoadOptions options;
        options.threads = 1;
        const LoadResult r = loadBuffer(m_path, text, fragment, options);
        if (!r.ok)
            return false;
        m_counters.lines += lineCount;
        // The JSON Lines reader skips a bad line and counts it; keep its first message.
        std::string firstBad;
        if (const uint64_t bad = fragment.diagnostics.count(Loss::Record, &firstBad)) {
            m_counters.badLines += bad;
            std::lock_guard lock(m_errorMutex);
            if (m_error.empty())
                m_error = firstBad;
        }
        m_counters.spans += fragment.spanCount();
        if (fragment.spanCount() && m_handler)
            m_handler(std::move(fragment));
        return true;
    };
    uint64_t count = 0, blank = 0;
    for (size_t p = 0; p < lines.size();) {
        size_t q = lines.find('\n', p);
        if (q == std::string_view::npos)
            q = lines.size();
        const bool empty = lines.substr(p, q - p).find_first_not_of(" \t\r") == std::string_view::npos;
        (empty ? blank : count) += 1;
        p = q + 1;
    }
    if (count && !handOver(lines, count)) {
        // One bad line must not cost the good ones around it.
        for (size_t p = 0; p < lines.size();) {
            size_t q = lines.find('\n', p);
            if (q == std::string_view::npos)
                q = lines.size();
            const std::string_view line = lines.substr(p, q - p);
            p = q + 1;
            if (line.find_first_not_of(" \t\r") == std::string_view::npos)
                continue;
            if (!handOver(line, 1)) {
                m_counters.badLines++;
                Model probe;
                const LoadResult r = loadBuffer(m_path, line, probe);
                std::lock_guard lock(m_errorMutex);
                if (m_error.empty())
                    m_error = r.error.text();
            }
        }
    }
    m_pending.erase(0, end);
}

void FileFollower::run()
{
    while (!m_stopping) {
        struct stat st{};
        const bool exists = ::stat(m_path.c_str(), &st) == 0;
        if (m_fd >= 0) {
            const bool replaced = !exists || uint64_t(st.st_ino) != m_ino || uint64_t(st.st_dev) != m_dev;
            // Written over from the start, shorter or longer than before:
            // what follows m_offset is not an append (`cp` onto the file,
            // an exporter restarted without O_APPEND).
            const bool truncated = exists && !replaced && (uint64_t(st.st_size) < m_offset || rewritten());
            if (!truncated)
                drain();
            if (replaced && exists) {
                // Rotated: the old file is read to its end above; a last line
                // without its newline is still a whole record.
                consume(true);
                ::close(m_fd);
                m_fd = -1;
                m_counters.reopened++;
            } else if (truncated) {
                m_pending.clear();
                m_tail.clear();
                ::lseek(m_fd, 0, SEEK_SET);
                m_offset = 0;
                m_counters.reopened++;
                continue;
            }
        }
        if (m_fd < 0 && exists) {
            m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
            if (m_fd >= 0) {
                struct stat opened{};
                ::fstat(m_fd, &opened);
                m_dev = uint64_t(opened.st_dev);
                m_ino = uint64_t(opened.st_ino);
                m_offset = 0;
                m_pending.clear();
                m_tail.clear();
                continue;
            }
        }
        for (int waited = 0; waited < m_pollMs && !m_stopping; waited += 20)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

} // namespace causeway::live
