#pragma once
// Protobuf wire format: the one varint decoder the protobuf readers share
// (the reader's slow path, the top-level lister, format sniffing).

#include <cstddef>
#include <cstdint>

namespace causeway::detail {

// Decodes the varint at `p` (before `end`) into `v` and moves `p` past it.
// False when the input ends inside it or it runs past 10 bytes; `p` has
// then taken every byte read (10 for one too long).
inline bool readVarint(const uint8_t *&p, const uint8_t *end, uint64_t &v)
{
    v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
        const uint8_t b = *p++;
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}

} // namespace causeway::detail
