#include "core/live/recorder.h"

#include "core/writer.h"

#include <cerrno>
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
    m_file = std::fopen(path.c_str(), append ? "ab" : "wb");
    if (!m_file) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
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
    if (!m_file || !m_error.empty())
        return false;
    if (std::fwrite(line.data(), 1, line.size(), m_file) != line.size() || std::fflush(m_file) != 0) {
        m_error = m_path + ": " + std::strerror(errno);
        return false;
    }
    m_lines += 1;
    m_spans += spans.size();
    return true;
}

bool JsonLinesRecorder::close(std::string &error)
{
    std::lock_guard lock(m_mutex);
    if (!m_file)
        return m_error.empty();
    const bool ok = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!ok && m_error.empty())
        m_error = m_path + ": " + std::strerror(errno);
    error = m_error;
    return m_error.empty();
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
