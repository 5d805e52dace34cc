#pragma once
// Trace and span identifiers and their text forms.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace causeway {

template<size_t N>
struct Id
{
    std::array<uint8_t, N> bytes{};

    // In 8-byte words: the defaulted comparison called memcmp, once per
    // parent and link lookup of finalize() and per span read.
    bool isZero() const
    {
        if constexpr (N % 8 == 0) {
            uint64_t any = 0;
            for (size_t i = 0; i < N; i += 8)
                any |= word(i);
            return any == 0;
        }
        for (uint8_t b : bytes)
            if (b)
                return false;
        return true;
    }
    bool operator==(const Id &o) const
    {
        if constexpr (N % 8 == 0) {
            uint64_t diff = 0;
            for (size_t i = 0; i < N; i += 8)
                diff |= word(i) ^ o.word(i);
            return diff == 0;
        }
        return bytes == o.bytes;
    }
    auto operator<=>(const Id &) const = default;

    uint64_t word(size_t i) const
    {
        uint64_t w;
        std::memcpy(&w, bytes.data() + i, 8);
        return w;
    }

    // Lowercase hex, 2*N characters.
    std::string hex() const
    {
        static constexpr char digits[] = "0123456789abcdef";
        std::string out(2 * N, '0');
        for (size_t i = 0; i < N; ++i) {
            out[2 * i] = digits[bytes[i] >> 4];
            out[2 * i + 1] = digits[bytes[i] & 15];
        }
        return out;
    }

    uint64_t hash() const
    {
        // Ids are random already: fold the bytes.
        uint64_t h = 0, w = 0;
        for (size_t i = 0; i < N; i += 8) {
            std::memcpy(&w, bytes.data() + i, 8);
            h ^= w + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
        }
        return h;
    }
};

using TraceId = Id<16>;
using SpanId = Id<8>;

struct TraceIdHash { size_t operator()(const TraceId &id) const { return id.hash(); } };
struct SpanKey
{
    TraceId trace;
    SpanId span;
    bool operator==(const SpanKey &) const = default;
};
struct SpanKeyHash
{
    size_t operator()(const SpanKey &k) const { return k.trace.hash() * 31 + k.span.hash(); }
};

enum class IdParse { Ok, Empty, BadLength, BadCharacter };

// Decode an id written as hex of either case (2*N chars) or as base64 (the
// encoding protobuf's JSON mapping gives bytes; Tempo writes ids so). The
// form is recognised by length.
template<size_t N>
IdParse parseId(std::string_view text, Id<N> &out);

extern template IdParse parseId<16>(std::string_view, Id<16> &);
extern template IdParse parseId<8>(std::string_view, Id<8> &);

// Parse "TRACEID" or "TRACEID/SPANID" (hex). Returns false on malformed input.
bool parseReference(std::string_view text, TraceId &trace, std::optional<SpanId> &span, std::string *error);

// "TRACE" or "TRACE/SPAN" where each part is hex of any length up to a full
// id: a prefix, such as the 8-digit short ids the views show. Lowercased.
struct ReferencePattern
{
    std::string trace;
    std::string span;
    bool hasSpan = false;
};
bool parseReferencePattern(std::string_view text, ReferencePattern &out, std::string *error);

// True when the id's lowercase hex starts with `lowerHex`.
template<size_t N>
bool hasHexPrefix(const Id<N> &id, std::string_view lowerHex)
{
    static constexpr char digits[] = "0123456789abcdef";
    if (lowerHex.size() > 2 * N)
        return false;
    for (size_t i = 0; i < lowerHex.size(); ++i) {
        const uint8_t b = id.bytes[i / 2];
        if (digits[i % 2 ? (b & 15) : (b >> 4)] != lowerHex[i])
            return false;
    }
    return true;
}

std::string toHex(std::string_view bytes);
std::string base64Encode(std::string_view bytes);
// Returns false on malformed base64 (whitespace is not accepted).
bool base64Decode(std::string_view text, std::string &out);

} // namespace causeway
