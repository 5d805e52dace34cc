#include "core/stringpool.h"

#include "core/hugepages.h"
#include "core/sametext.h"

#include <algorithm>
#include <cstring>

// Inlined: a call per string would cost as much as hashing a short key.
#define XXH_INLINE_ALL
#include <xxhash.h>

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
    m_slots[slotOf({}, m_hashes[0])] = uint64_t(m_hashes[0]) << 32 | 1;
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
        std::unique_ptr<char[]> chunk(new char[s.size()]); // not zeroed: written whole below
        std::memcpy(chunk.get(), s.data(), s.size());
        std::string_view stored(chunk.get(), s.size());
        m_bytes += s.size();
        m_chunks.insert(m_chunks.empty() ? m_chunks.end() : m_chunks.end() - 1, std::move(chunk));
        return stored;
    }
    if (m_chunks.empty() || s.size() > m_chunkSize - m_chunkUsed) {
        m_chunkSize = std::min<size_t>(std::max(kMinChunk, m_chunkSize * 2), kMaxChunk);
        // Not zeroed: only the bytes stored are ever read.
        m_chunks.emplace_back(new char[m_chunkSize]);
        adviseHugePages(m_chunks.back().get(), m_chunkSize);
        m_chunkUsed = 0;
        m_bytes += m_chunkSize;
    }
    char *p = m_chunks.back().get() + m_chunkUsed;
    std::memcpy(p, s.data(), s.size());
    m_chunkUsed += s.size();
    return {p, s.size()};
}

// XXH3: short keys and ids hash in a few instructions, and long values
// (URLs, stack traces, SQL) go through its vectorised loop instead of one
// dependent multiply per 8 bytes. Its low 32 bits are well mixed, which is
// what the table masks.
uint32_t StringPool::hashOf(std::string_view s)
{
    return uint32_t(XXH3_64bits(s.data(), s.size()));
}

// The slot holding `s`, or the free slot where it would go.
size_t StringPool::slotOf(std::string_view s, uint32_t hash) const
{
    const size_t mask = m_slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const uint64_t slot = m_slots[i];
        if (slot == 0)
            return i;
        if (uint32_t(slot >> 32) == hash) {
            const std::string_view v = m_views[uint32_t(slot) - 1];
            if (sameText(v, s))
                return i;
        }
    }
}

void StringPool::grow(size_t size)
{
    std::vector<uint64_t> slots;
    slots.reserve(size);
    adviseHugeCapacity(slots);
    slots.resize(size, 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t id = 0; id < m_views.size(); ++id) {
        size_t i = m_hashes[id] & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = uint64_t(m_hashes[id]) << 32 | (id + 1);
    }
    m_slots = std::move(slots);
}

StringId StringPool::internHashed(std::string_view s, uint32_t hash)
{
    size_t slot = slotOf(s, hash);
    if (m_slots[slot])
        return uint32_t(m_slots[slot]) - 1;
    std::string_view stored = store(s);
    auto id = StringId(m_views.size());
    reserveMore(m_views, 1);
    reserveMore(m_hashes, 1);
    m_views.push_back(stored);
    m_hashes.push_back(hash);
    m_slots[slot] = uint64_t(hash) << 32 | (id + 1);
    if (m_views.size() * 10 > m_slots.size() * 7) // linear probing stays short below 70% load
        grow(m_slots.size() * 2);
    return id;
}

StringId StringPool::intern(std::string_view s)
{
    return internHashed(s, hashOf(s));
}

std::vector<StringId> StringPool::internAll(const StringPool &other)
{
    const size_t n = other.m_views.size();
    // The table grows once, up front, for the case that every string is
    // new: then no growth moves it during the loop. The per-id tables get
    // room too, so they do not move either.
    size_t slots = m_slots.size();
    while ((m_views.size() + n) * 10 > slots * 7)
        slots *= 2;
    if (slots != m_slots.size())
        grow(slots);
    reserveMore(m_views, n);
    reserveMore(m_hashes, n);
    // A merged fragment's strings are mostly new to a table of millions of
    // slots, and the rest are seldom in the cache: each probe is a miss on
    // the slot, and a string already there two more, on its view and on its
    // text. All three are fetched ahead, in stages: the slot of the string
    // kSlotAhead places on; the view of the first id with a matching hash
    // near the slot of the string kViewAhead places on (fetched by then);
    // the text of that view kTextAhead places on. Only hints: a string
    // placed meanwhile or a collision just costs the miss as before.
    constexpr size_t kSlotAhead = 16, kViewAhead = 8, kTextAhead = 4;
    constexpr size_t kNear = 4; // slots looked at for a matching hash
    StringId pending[kViewAhead] = {}; // by position modulo kViewAhead: a likely id + 1, or 0
    const size_t mask = m_slots.size() - 1;
    std::vector<StringId> map(n);
    for (size_t i = 0; i < n; ++i) {
        if (i + kSlotAhead < n)
            __builtin_prefetch(&m_slots[other.m_hashes[i + kSlotAhead] & mask]);
        if (i + kViewAhead < n) {
            const uint32_t hash = other.m_hashes[i + kViewAhead];
            StringId likely = 0;
            for (size_t k = 0, j = hash & mask; k < kNear; ++k, j = (j + 1) & mask) {
                const uint64_t slot = m_slots[j];
                if (slot == 0)
                    break;
                if (uint32_t(slot >> 32) == hash) {
                    likely = uint32_t(slot);
                    __builtin_prefetch(&m_views[likely - 1]);
                    break;
                }
            }
            pending[(i + kViewAhead) % kViewAhead] = likely;
        }
        if (i + kTextAhead < n) {
            if (const StringId likely = pending[(i + kTextAhead) % kViewAhead])
                __builtin_prefetch(m_views[likely - 1].data());
        }
        map[i] = internHashed(other.m_views[i], other.m_hashes[i]);
    }
    return map;
}

void StringPool::reserve(size_t strings)
{
    const size_t want = m_views.size() + strings;
    reserveHuge(m_views, want);
    reserveHuge(m_hashes, want);
    size_t slots = m_slots.size();
    while (want * 10 > slots * 7)
        slots *= 2;
    if (slots != m_slots.size())
        grow(slots);
}

void StringPool::clear()
{
    // A table grown by one unusually large batch is not kept.
    constexpr size_t kKeptSlots = size_t(1) << 16;
    if (m_slots.size() > kKeptSlots)
        m_slots.assign(kKeptSlots, 0);
    else
        std::fill(m_slots.begin(), m_slots.end(), 0);
    if (m_chunkSize == 0) {
        m_chunks.clear(); // only strings with chunks of their own
    } else if (m_chunks.size() > 1) {
        // Keep the newest (largest) chunk of small strings only; the large
        // strings' own chunks are inserted before it.
        std::unique_ptr<char[]> last = std::move(m_chunks.back());
        m_chunks.clear();
        m_chunks.push_back(std::move(last));
    }
    m_chunkUsed = 0;
    m_bytes = m_chunks.empty() ? 0 : m_chunkSize;
    m_views.resize(1);
    m_hashes.resize(1);
    m_slots[slotOf({}, m_hashes[0])] = uint64_t(m_hashes[0]) << 32 | 1;
}

size_t StringPool::shrinkingBytes() const
{
    return shrinkHugeBytes(m_views) + shrinkHugeBytes(m_hashes);
}

void StringPool::shrinkToFit()
{
    // Only where it pays: each shrink copies the table once.
    shrinkHuge(m_views);
    shrinkHuge(m_hashes);
}

StringId StringPool::find(std::string_view s) const
{
    const uint64_t slot = m_slots[slotOf(s, hashOf(s))];
    return slot ? uint32_t(slot) - 1 : kNotFound;
}

size_t StringPool::memoryUsage() const
{
    return m_bytes + m_views.capacity() * sizeof(std::string_view) + m_hashes.capacity() * sizeof(uint32_t)
        + m_slots.capacity() * sizeof(uint64_t);
}

} // namespace causeway
