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
    m_slots.assign(1024, 0);
    m_views.emplace_back();
    m_hashes.push_back(hashOf({}));
    m_slots[slotOf({}, m_hashes[0])] = 1;
}

// A moved-from pool is an empty, usable pool again.
StringPool::StringPool(StringPool &&other)
    : StringPool()
{
    *this = std::move(other);
}

StringPool &StringPool::operator=(StringPool &&other)
{
    if (this != &other) {
        m_chunks = std::move(other.m_chunks);
        m_chunkUsed = other.m_chunkUsed;
        m_chunkSize = other.m_chunkSize;
        m_bytes = other.m_bytes;
        m_views = std::move(other.m_views);
        m_slots = std::move(other.m_slots);
        m_hashes = std::move(other.m_hashes);
        StringPool fresh;
        other.m_chunks.clear();
        other.m_chunkUsed = other.m_chunkSize = other.m_bytes = 0;
        other.m_views = std::move(fresh.m_views);
        other.m_slots = std::move(fresh.m_slots);
        other.m_hashes = std::move(fresh.m_hashes);
    }
    return *this;
}

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

uint32_t StringPool::hashOf(std::string_view s)
{
    const size_t h = std::hash<std::string_view>()(s);
    return uint32_t(h ^ (h >> 32));
}

// The slot holding `s`, or the free slot where it would go.
size_t StringPool::slotOf(std::string_view s, uint32_t hash) const
{
    const size_t mask = m_slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const uint32_t slot = m_slots[i];
        if (slot == 0)
            return i;
        if (m_hashes[slot - 1] == hash && m_views[slot - 1] == s)
            return i;
    }
}

void StringPool::grow()
{
    std::vector<uint32_t> slots(m_slots.size() * 2, 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t id = 0; id < m_views.size(); ++id) {
        size_t i = m_hashes[id] & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = id + 1;
    }
    m_slots = std::move(slots);
}

StringId StringPool::intern(std::string_view s)
{
    const uint32_t hash = hashOf(s);
    size_t slot = slotOf(s, hash);
    if (m_slots[slot])
        return m_slots[slot] - 1;
    std::string_view stored = store(s);
    auto id = StringId(m_views.size());
    m_views.push_back(stored);
    m_hashes.push_back(hash);
    m_slots[slot] = id + 1;
    if (m_views.size() * 10 > m_slots.size() * 7) // linear probing stays short below 70% load
        grow();
    return id;
}

StringId StringPool::find(std::string_view s) const
{
    const uint32_t slot = m_slots[slotOf(s, hashOf(s))];
    return slot ? slot - 1 : kNotFound;
}

size_t StringPool::memoryUsage() const
{
    return m_bytes + m_views.capacity() * sizeof(std::string_view) + m_hashes.capacity() * sizeof(uint32_t)
        + m_slots.capacity() * sizeof(uint32_t);
}

} // namespace causeway
