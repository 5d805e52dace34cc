#pragma once
// A reader's memory of the strings it interned last.
//
// Most strings of a span are repeats (attribute keys, span and event names,
// low-cardinality values such as methods and status texts). A small
// direct-mapped table remembers the id the pool gave each recent text, found
// by a cheap index of its length and its first and last bytes: a repeat then
// costs one comparison instead of hashing the text and probing the pool's
// table (a cache miss). A miss interns as before, so ids do not change. The
// stored views point into the pool, which keeps its text while it lives; a
// table belongs to one pool and must not outlive it or see it cleared.

#include "core/sametext.h"
#include "core/stringpool.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace causeway {

class RecentStrings
{
public:
    explicit RecentStrings(StringPool &pool) : m_pool(pool) {}

    inline __attribute__((always_inline)) StringId intern(std::string_view s)
    {
        if (s.empty())
            return 0;
        Entry &e = m_table[indexOf(s)];
        if (e.size == s.size() && sameText(std::string_view(e.text, e.size), s))
            return e.id;
        return internMissed(e, s);
    }

private:
    struct Entry
    {
        const char *text = nullptr;
        uint32_t size = 0;
        StringId id = 0;
    };
    static constexpr size_t kSize = 1024;

    static inline __attribute__((always_inline)) size_t indexOf(std::string_view s)
    {
        const size_t n = s.size();
        const char *p = s.data();
        uint64_t a, b;
        if (n >= 8) {
            std::memcpy(&a, p, 8);
            std::memcpy(&b, p + n - 8, 8);
        } else if (n >= 4) {
            uint32_t x, y;
            std::memcpy(&x, p, 4);
            std::memcpy(&y, p + n - 4, 4);
            a = x;
            b = y;
        } else {
            a = uint8_t(p[0]);
            b = uint64_t(uint8_t(p[n / 2])) << 8 | uint8_t(p[n - 1]);
        }
        return size_t(((a ^ (b << 1) ^ n) * 0x9E3779B97F4A7C15ull) >> 54) & (kSize - 1);
    }

    StringId internMissed(Entry &e, std::string_view s)
    {
        const StringId id = m_pool.intern(s);
        e = {m_pool.view(id).data(), uint32_t(s.size()), id};
        return id;
    }

    StringPool &m_pool;
    std::unique_ptr<Entry[]> m_table{new Entry[kSize]};
};

} // namespace causeway
