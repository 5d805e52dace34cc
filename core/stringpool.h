#pragma once
// Interned strings addressed by 32-bit id. Id 0 is the empty string.
// Storage is a list of large chunks so views stay valid while the pool grows.

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace causeway {

using StringId = uint32_t;

class StringPool
{
public:
    StringPool();
    StringPool(StringPool &&other);
    StringPool &operator=(StringPool &&other);
    StringPool(const StringPool &) = delete;
    StringPool &operator=(const StringPool &) = delete;

    StringId intern(std::string_view s);
    std::string_view view(StringId id) const { return m_views[id]; }
    size_t size() const { return m_views.size(); }
    size_t memoryUsage() const;
    // Id of an existing string, or nullopt-like kNotFound.
    static constexpr StringId kNotFound = 0xffffffffu;
    StringId find(std::string_view s) const;
    // Interns every string of `other` (a fragment built on another thread)
    // and returns, per id of `other`, the id here. Reuses other's hashes.
    std::vector<StringId> internAll(const StringPool &other);
    // Room for `strings` more strings without growing the index.
    void reserve(size_t strings);
    // Back to only the empty string, keeping the index and one chunk of text
    // (a loader's fragment pool is filled again batch after batch).
    void clear();
    // Returns spare capacity of the per-string tables (after a load).
    void shrinkToFit();
    // What shrinkToFit() would copy.
    size_t shrinkingBytes() const;

private:
    std::string_view store(std::string_view s);
    static uint32_t hashOf(std::string_view s);
    size_t slotOf(std::string_view s, uint32_t hash) const;
    StringId internHashed(std::string_view s, uint32_t hash);
    void grow(size_t slots);

    std::vector<std::unique_ptr<char[]>> m_chunks;
    size_t m_chunkUsed = 0;
    size_t m_chunkSize = 0;
    size_t m_bytes = 0;
    std::vector<std::string_view> m_views;
    // Open addressing, linear probing: a slot holds the string's hash in its
    // high half and id + 1 in its low half (0 is free), so a probe touches
    // one cache line and compares text only when the hashes agree. The hash
    // of every string is kept by id too, so growth and merges never rehash text.
    std::vector<uint64_t> m_slots;
    std::vector<uint32_t> m_hashes;
};

} // namespace causeway
