#pragma once
// Small helpers shared by the tests: temporary files and sample paths.

#include <QString>
#include <QTemporaryDir>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>

namespace causeway::test {

// `value` as `digits` lowercase hex digits, zero-padded: trace and span ids for hand-made OTLP/JSON.
inline std::string hexId(int value, int digits)
{
    char text[40];
    std::snprintf(text, sizeof text, "%0*x", digits, value);
    return text;
}

inline std::string publicSample(const char *name)
{
    return std::string(CAUSEWAY_PUBLIC_SAMPLES) + "/" + name;
}

inline std::string testData(const char *name)
{
    return std::string(CAUSEWAY_TEST_DATA) + "/" + name;
}

inline std::string bundledSample(const char *name)
{
    return std::string(CAUSEWAY_SAMPLES) + "/" + name;
}

// Writes bytes to a file inside dir and returns its path.
inline std::string writeFile(const QTemporaryDir &dir, const char *name, std::string_view bytes)
{
    std::string path = dir.filePath(QString::fromUtf8(name)).toStdString();
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    return path;
}

// This process's resident memory (VmRSS), in bytes; 0 if unknown.
inline uint64_t residentBytes()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stoull(line.substr(6)) * 1024;
    return 0;
}

} // namespace causeway::test
