#pragma once
// Records received data in the Collector file exporter's JSON Lines format:
// one TracesData document per line, one line per request, flushed at once
// so that a reader following the file (or a crash) sees whole lines.

#include "core/model.h"

#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>

namespace causeway::live {

class JsonLinesRecorder
{
public:
    JsonLinesRecorder() = default;
    ~JsonLinesRecorder();
    JsonLinesRecorder(const JsonLinesRecorder &) = delete;
    JsonLinesRecorder &operator=(const JsonLinesRecorder &) = delete;

    // Creates or truncates the file (append: adds to it).
    bool open(const std::string &path, bool append, std::string &error);
    // Thread-safe. Writes every span of the fragment (finalized or not) as
    // one line. False when the line could not be written (the disk is full):
    // what was written of it is cut off again, so the file holds only whole
    // lines, and a later write may succeed.
    bool write(const Model &fragment);
    bool close(std::string &error);

    uint64_t lines() const;
    uint64_t spans() const;
    uint64_t failedWrites() const;
    // The most recent write error, empty while none happened.
    std::string error() const;

private:
    mutable std::mutex m_mutex;
    int m_fd = -1;
    std::string m_path;
    uint64_t m_size = 0;        // bytes of whole lines in the file (appended to)
    uint64_t m_lines = 0;
    uint64_t m_spans = 0;
    uint64_t m_failedWrites = 0;
    std::string m_error;
};

} // namespace causeway::live
