#include "core/stringpool.h"

#include <algorithm>
#include <cstring>

namespace causeway {

namespace {
constexpr size_t kMinChunk = 64 * 1024;
constexpr size_t kMaxChunk = 4 * 1024 * 1024;
}

StringPool::StringPool()
{
    m_views.emplace_back();
    m_index.emplace(std::string_view(), 0);
}

StringPool::StringPool(StringPool &&) noexcept = default;
StringPool &StringPool::operator=(StringPool &&) noexcept = default;

std::string_view StringPool::store(std::string_view s)
{
    if (s.size() > kMinChunk / 4) {
        // A large string gets a chunk of its own, so the current chunk keeps packing small ones.
        auto chunk = std::make_unique<char[]>(s.size());
        std::memcpy(chunk.get(), s.data(), s.size());
        std::string_view stored(chunk.get(), s.size());
        m_bytes += s.size();
        m_chunks.insert(m_chunks.empty() ? m_chunks.end() : m_chunks.end() - 1, std::move(chunk));
        return stored;
    }
    if (m_chunks.empty() || s.size() > m_chunkSize - m_chunkUsed) {
        m_chunkSize = std::min<size_t>(std::max(kMinChunk, m_chunkSize * 2), kMaxChunk);
        m_chunks.push_back(std::make_unique<char[]>(m_chunkSize));
        m_chunkUsed = 0;
        m_bytes += m_chunkSize;
    }
    char *p = m_chunks.back().get() + m_chunkUsed;
    std::memcpy(p, s.data(), s.size());
    m_chunkUsed += s.size();
    return {p, s.size()};
}

StringId StringPool::intern(std::string_view s)
{
    auto it = m_index.find(s);
    if (it != m_index.end())
        return it->second;
    std::string_view stored = store(s);
    auto id = StringId(m_views.size());
    m_views.push_back(stored);
    m_index.emplace(stored, id);
    return id;
}

StringId StringPool::find(std::string_view s) const
{
    auto it = m_index.find(s);
    return it == m_index.end() ? kNotFound : it->second;
}

size_t StringPool::memoryUsage() const
{
    return m_bytes + m_views.capacity() * sizeof(std::string_view)
        + m_index.size() * (sizeof(std::string_view) + sizeof(StringId) + 2 * sizeof(void *))
        + m_index.bucket_count() * sizeof(void *);
}

} // namespace causeway
