#pragma once
// Interned strings addressed by 32-bit id. Id 0 is the empty string.
// Storage is a list of large chunks so views stay valid while the pool grows.

#include <cstdint>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace causeway {

using StringId = uint32_t;

class StringPool
{
public:
    StringPool();
    StringPool(StringPool &&) noexcept;
    StringPool &operator=(StringPool &&) noexcept;
    StringPool(const StringPool &) = delete;
    StringPool &operator=(const StringPool &) = delete;

    StringId intern(std::string_view s);
    std::string_view view(StringId id) const { return m_views[id]; }
    size_t size() const { return m_views.size(); }
    size_t memoryUsage() const;
    // Id of an existing string, or nullopt-like kNotFound.
    static constexpr StringId kNotFound = 0xffffffffu;
    StringId find(std::string_view s) const;

private:
    std::string_view store(std::string_view s);

    std::vector<std::unique_ptr<char[]>> m_chunks;
    size_t m_chunkUsed = 0;
    size_t m_chunkSize = 0;
    size_t m_bytes = 0;
    std::vector<std::string_view> m_views;
    std::unordered_map<std::string_view, StringId> m_index;
};

} // namespace causeway
