#include "core/live/recorder.h"

#include "core/writer.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cstring>
#include <numeric>
#include <vector>

namespace causeway::live {

JsonLinesRecorder::~JsonLinesRecorder()
{
    std::string ignored;
    close(ignored);
}

bool JsonLinesRecorder::open(const std::string &path, bool append, std::string &error)
{
    std::lock_guard lock(m_mutex);
    m_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0644);
    if (m_fd < 0) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
    struct stat st{};
    m_size = ::fstat(m_fd, &st) == 0 && S_ISREG(st.st_mode) ? uint64_t(st.st_size) : 0;
    m_path = path;
    return true;
}

bool JsonLinesRecorder::write(const Model &fragment)
{
    if (fragment.spanCount() == 0)
        return true;
    std::vector<uint32_t> spans(fragment.spanCount());
    std::iota(spans.begin(), spans.end(), 0u);
    std::string line = toOtlpJsonLine(fragment, spans);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.pop_back();
    line.push_back('\n');
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return false;
    std::string_view rest = line;
    while (!rest.empty()) {
        const ssize_t n = ::write(m_fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_error = m_path + ": " + std::strerror(n < 0 ? errno : ENOSPC);
            ++m_failedWrites;
            // Cut a partly written line off again, so the next line does not
            // continue it (a no-op on a device or pipe).
            if (rest.size() != line.size() && ::ftruncate(m_fd, off_t(m_size)) == 0)
                ::lseek(m_fd, off_t(m_size), SEEK_SET);
            return false;
        }
        rest.remove_prefix(size_t(n));
    }
    m_size += line.size();
    m_lines += 1;
    m_spans += spans.size();
    return true;
}

bool JsonLinesRecorder::close(std::string &error)
{
    std::lock_guard lock(m_mutex);
    if (m_fd < 0)
        return true;
    const bool ok = ::close(m_fd) == 0;
    m_fd = -1;
    if (!ok) {
        error = m_path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

uint64_t JsonLinesRecorder::failedWrites() const
{
    std::lock_guard lock(m_mutex);
    return m_failedWrites;
}

uint64_t JsonLinesRecorder::lines() const
{
    std::lock_guard lock(m_mutex);
    return m_lines;
}

uint64_t JsonLinesRecorder::spans() const
{
    std::lock_guard lock(m_mutex);
    return m_spans;
}

std::string JsonLinesRecorder::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

} // namespace causeway::live
