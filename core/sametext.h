#pragma once
// Byte equality for the loaders' hot paths.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace causeway {

// Equal text, compared in machine words without a call for the short
// strings trace data is made of (keys, names, ids): with overlapping loads,
// 4 to 16 bytes take two comparisons, 17 to 32 four. The pool's probes and the JSON
// readers' key matching call it once per string read.
// Always inlined: against a constant name (the readers' field tables) most
// of it folds away, and a call cost as much as a short comparison.
inline __attribute__((always_inline)) bool sameText(std::string_view a, std::string_view b)
{
    const size_t n = a.size();
    if (n != b.size())
        return false;
    const char *p = a.data(), *q = b.data();
    if (n >= 8) {
        uint64_t x0, y0, x1, y1;
        std::memcpy(&x0, p, 8);
        std::memcpy(&y0, q, 8);
        std::memcpy(&x1, p + n - 8, 8);
        std::memcpy(&y1, q + n - 8, 8);
        if ((x0 ^ y0) | (x1 ^ y1))
            return false;
        if (n <= 16)
            return true;
        if (n <= 32) { // keys such as "http.response.status_code"
            std::memcpy(&x0, p + 8, 8);
            std::memcpy(&y0, q + 8, 8);
            std::memcpy(&x1, p + n - 16, 8);
            std::memcpy(&y1, q + n - 16, 8);
            return ((x0 ^ y0) | (x1 ^ y1)) == 0;
        }
        return std::memcmp(p + 8, q + 8, n - 16) == 0;
    }
    if (n >= 4) {
        uint32_t x0, y0, x1, y1;
        std::memcpy(&x0, p, 4);
        std::memcpy(&y0, q, 4);
        std::memcpy(&x1, p + n - 4, 4);
        std::memcpy(&y1, q + n - 4, 4);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    for (size_t i = 0; i < n; ++i)
        if (p[i] != q[i])
            return false;
    return true;
}

} // namespace causeway
