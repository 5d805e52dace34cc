#include "core/json_scan.h"

#include <bit>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace causeway::detail {

namespace {

struct BlockMasks
{
    uint64_t quote = 0, backslash = 0, open = 0, close = 0;
};

// One bit per byte of a 64-byte block for the characters that matter when skipping.
inline BlockMasks classify(const char *p)
{
    BlockMasks m;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    // '{' and '[' differ only in bit 0x20, as do '}' and ']'.
    const __m128i bit20 = _mm_set1_epi8(0x20), open = _mm_set1_epi8('{'), close = _mm_set1_epi8('}');
    for (int i = 0; i < 4; ++i) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p + 16 * i));
        const __m128i folded = _mm_or_si128(v, bit20);
        const int shift = 16 * i;
        m.quote |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)))) << shift;
        m.backslash |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash)))) << shift;
        m.open |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open)))) << shift;
        m.close |= uint64_t(uint32_t(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close)))) << shift;
    }
#else
    for (int i = 0; i < 64; ++i) {
        const char c = p[i];
        const uint64_t bit = uint64_t(1) << i;
        if (c == '"')
            m.quote |= bit;
        else if (c == '\\')
            m.backslash |= bit;
        else if (c == '{' || c == '[')
            m.open |= bit;
        else if (c == '}' || c == ']')
            m.close |= bit;
    }
#endif
    return m;
}

// Bit i of the result is the parity of bits 0..i.
inline uint64_t prefixXor(uint64_t x)
{
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    return x;
}

// std::popcount without the POPCNT instruction (this build targets plain
// x86-64) is a call into libgcc's table loop; this is a dozen inline operations.
inline uint64_t bitCount(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (x * 0x0101010101010101ull) >> 56;
}

bool isWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool isDelimiter(char c) { return isWs(c) || c == ',' || c == '}' || c == ']' || c == ':'; }

std::string describeChar(char c)
{
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f)
        return std::string("'") + c + "'";
    static constexpr char digits[] = "0123456789abcdef";
    return std::string("byte 0x") + digits[u >> 4] + digits[u & 15];
}

// Strict JSON checker that knows where it is; used only after simdjson refused a text.
class Checker
{
public:
    Checker(std::string_view text, size_t maxDepth) : m_text(text), m_maxDepth(maxDepth) {}

    bool run(JsonScanError &error)
    {
        enum class State { Value, ValueOrClose, KeyOrClose, Key, Colon, AfterValue };
        State state = State::Value;
        std::vector<char> stack;
        size_t i = 0;
        const size_t n = m_text.size();
        for (;;) {
            while (i < n && isWs(m_text[i]))
                ++i;
            if (i == n) {
                if (state == State::AfterValue && stack.empty())
                    return false;
                return fail(error, n, true,
                    stack.empty() && state == State::Value ? "before any JSON value"
                                                           : "inside an unfinished object or array");
            }
            const char c = m_text[i];
            switch (state) {
            case State::ValueOrClose:
                if (c == ']') {
                    stack.pop_back();
                    ++i;
                    state = State::AfterValue;
                    break;
                }
                [[fallthrough]];
            case State::Value:
                if (c == '{' || c == '[') {
                    if (stack.size() + 1 > m_maxDepth)
                        return fail(error, i, false,
                            "JSON nested deeper than " + std::to_string(m_maxDepth) + " levels");
                    stack.push_back(c);
                    ++i;
                    state = c == '{' ? State::KeyOrClose : State::ValueOrClose;
                } else if (c == '"') {
                    if (!string(i, error))
                        return true;
                    state = State::AfterValue;
                } else if (c == '-' || (c >= '0' && c <= '9')) {
                    if (!number(i, error))
                        return true;
                    state = State::AfterValue;
                } else if (c == 't' || c == 'f' || c == 'n') {
                    const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
                    const std::string_view have = m_text.substr(i, word.size());
                    if (have != word) {
                        if (word.substr(0, have.size()) == have)
                            return fail(error, n, true, "inside '" + std::string(word) + "'");
                        return fail(error, i, false, "invalid literal (expected " + std::string(word) + ")");
                    }
                    i += word.size();
                    state = State::AfterValue;
                } else {
                    return fail(error, i, false, "unexpected " + describeChar(c) + " where a value was expected");
                }
                break;
            case State::KeyOrClose:
                if (c == '}') {
                    stack.pop_back();
                    ++i;
                    state = State::AfterValue;
                    break;
                }
                [[fallthrough]];
            case State::Key:
                if (c != '"')
                    return fail(error, i, false, "unexpected " + describeChar(c) + " where an object key (a string) was expected");
                if (!string(i, error))
                    return true;
                state = State::Colon;
                break;
            case State::Colon:
                if (c != ':')
                    return fail(error, i, false, "unexpected " + describeChar(c) + " where ':' was expected");
                ++i;
                state = State::Value;
                break;
            case State::AfterValue:
                if (stack.empty())
                    return fail(error, i, false, "unexpected " + describeChar(c) + " after the end of the JSON value");
                if (c == ',') {
                    ++i;
                    state = stack.back() == '{' ? State::Key : State::Value;
                } else if ((c == '}' && stack.back() == '{') || (c == ']' && stack.back() == '[')) {
                    stack.pop_back();
                    ++i;
                } else {
                    return fail(error, i, false,
                        "unexpected " + describeChar(c) + " where ',' or '" + (stack.back() == '{' ? "}" : "]") + "' was expected");
                }
                break;
            }
        }
    }

private:
    static bool fail(JsonScanError &error, size_t offset, bool truncated, std::string message)
    {
        error.offset = offset;
        error.truncated = truncated;
        error.message = std::move(message);
        return true;
    }

    // At '"'; leaves i after the closing quote. Returns false with error filled.
    bool string(size_t &i, JsonScanError &error)
    {
        const size_t n = m_text.size();
        ++i;
        while (i < n) {
            auto c = static_cast<unsigned char>(m_text[i]);
            if (c == '"') {
                ++i;
                return true;
            }
            if (c < 0x20)
                return !fail(error, i, false, "control character " + describeChar(char(c)) + " inside a string (must be escaped)");
            if (c == '\\') {
                if (i + 1 >= n)
                    break;
                const char e = m_text[i + 1];
                if (e == 'u') {
                    for (size_t k = 2; k < 6; ++k) {
                        if (i + k >= n)
                            return !fail(error, n, true, "inside a string");
                        const char h = m_text[i + k];
                        if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                            return !fail(error, i, false, "invalid \\u escape in a string");
                    }
                    i += 6;
                } else if (std::strchr("\"\\/bfnrt", e) && e) {
                    i += 2;
                } else {
                    return !fail(error, i, false, "invalid escape \\" + std::string(1, e) + " in a string");
                }
                continue;
            }
            if (c < 0x80) {
                ++i;
                continue;
            }
            // UTF-8: lead byte, then 1-3 continuation bytes; no overlongs or surrogates.
            size_t len = 0;
            uint32_t cp = 0;
            if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
                cp = c & 0x1f;
            } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                cp = c & 0x0f;
            } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                cp = c & 0x07;
            } else {
                return !fail(error, i, false, "invalid UTF-8 in a string");
            }
            if (i + len > n)
                return !fail(error, n, true, "inside a string");
            for (size_t k = 1; k < len; ++k) {
                auto cc = static_cast<unsigned char>(m_text[i + k]);
                if ((cc & 0xc0) != 0x80)
                    return !fail(error, i, false, "invalid UTF-8 in a string");
                cp = cp << 6 | (cc & 0x3f);
            }
            if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
                return !fail(error, i, false, "invalid UTF-8 in a string");
            i += len;
        }
        return !fail(error, n, true, "inside a string");
    }

    bool number(size_t &i, JsonScanError &error)
    {
        const size_t n = m_text.size(), start = i;
        auto digits = [&] {
            size_t from = i;
            while (i < n && m_text[i] >= '0' && m_text[i] <= '9')
                ++i;
            return i - from;
        };
        if (m_text[i] == '-')
            ++i;
        if (i < n && m_text[i] == '0') {
            ++i;
        } else if (digits() == 0) {
            return !fail(error, i == n ? n : start, i == n, i == n ? "inside a number" : "invalid number");
        }
        if (i < n && m_text[i] == '.') {
            ++i;
            if (digits() == 0)
                return !fail(error, i == n ? n : start, i == n, i == n ? "inside a number" : "invalid number (no digits after '.')");
        }
        if (i < n && (m_text[i] == 'e' || m_text[i] == 'E')) {
            ++i;
            if (i < n && (m_text[i] == '+' || m_text[i] == '-'))
                ++i;
            if (digits() == 0)
                return !fail(error, i == n ? n : start, i == n, i == n ? "inside a number" : "invalid number (no digits in the exponent)");
        }
        if (i < n && !isDelimiter(m_text[i]))
            return !fail(error, i, false, "unexpected " + describeChar(m_text[i]) + " inside a number");
        return true;
    }

    std::string_view m_text;
    size_t m_maxDepth;
};

// The scan's block steps on any x86-64 (SSE2) or elsewhere: classify(),
// prefixXor() and bitCount() above.
struct PortableBlocks
{
    static inline __attribute__((always_inline)) BlockMasks classify(const char *p) { return causeway::detail::classify(p); }
    static inline __attribute__((always_inline)) uint64_t prefixXor(uint64_t x) { return causeway::detail::prefixXor(x); }
    static inline __attribute__((always_inline)) uint64_t count(uint64_t x) { return bitCount(x); }
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAUSEWAY_SCAN_AVX2 1
// The same steps with AVX2 (32 bytes a compare), a carry-less multiply for
// the prefix parity and POPCNT, on CPUs that have them (chosen at run time:
// the build itself targets plain x86-64). The document scan runs over every
// span on the loading thread.
#define CAUSEWAY_AVX2_TARGET __attribute__((target("avx2,pclmul,popcnt")))
struct Avx2Blocks
{
    static inline CAUSEWAY_AVX2_TARGET BlockMasks classify(const char *p)
    {
        BlockMasks m;
        const __m256i quote = _mm256_set1_epi8('"'), backslash = _mm256_set1_epi8('\\');
        const __m256i bit20 = _mm256_set1_epi8(0x20), open = _mm256_set1_epi8('{'), close = _mm256_set1_epi8('}');
        for (int i = 0; i < 2; ++i) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p + 32 * i));
            const __m256i folded = _mm256_or_si256(v, bit20);
            const int shift = 32 * i;
            m.quote |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, quote)))) << shift;
            m.backslash |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, backslash)))) << shift;
            m.open |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(folded, open)))) << shift;
            m.close |= uint64_t(uint32_t(_mm256_movemask_epi8(_mm256_cmpeq_epi8(folded, close)))) << shift;
        }
        return m;
    }
    static inline CAUSEWAY_AVX2_TARGET uint64_t prefixXor(uint64_t x)
    {
        return uint64_t(_mm_cvtsi128_si64(_mm_clmulepi64_si128(_mm_set_epi64x(0, int64_t(x)), _mm_set1_epi8(char(0xFF)), 0)));
    }
    static inline CAUSEWAY_AVX2_TARGET uint64_t count(uint64_t x)
    {
        return uint64_t(_mm_popcnt_u64(x));
    }
};
#endif

template<typename Blocks>
inline bool skipContainerWith(std::string_view text, size_t pos, size_t maxDepth,
                                                              size_t &end, JsonScanError &error)
{
    const size_t n = text.size();
    uint64_t depth = 0;
    uint64_t inString = 0; // all ones while the previous block ended inside a string
    uint64_t escapeCarry = 0;
    alignas(16) char tail[64];
    for (size_t i = pos; i < n; i += 64) {
        const char *p = text.data() + i;
        if (n - i < 64) {
            std::memset(tail, 0, sizeof tail);
            std::memcpy(tail, p, n - i);
            p = tail;
        }
        const BlockMasks m = Blocks::classify(p);
        uint64_t escaped = escapeCarry;
        escapeCarry = 0;
        if (m.backslash) {
            // Rare: walk the backslashes in order; an escaped backslash escapes nothing.
            uint64_t bs = m.backslash;
            while (bs) {
                const int b = std::countr_zero(bs);
                bs &= bs - 1;
                if ((escaped >> b) & 1)
                    continue;
                if (b == 63)
                    escapeCarry = 1;
                else
                    escaped |= uint64_t(1) << (b + 1);
            }
        }
        const uint64_t inside = Blocks::prefixXor(m.quote & ~escaped) ^ inString;
        inString = uint64_t(int64_t(inside) >> 63);
        const uint64_t opens = m.open & ~inside, closes = m.close & ~inside;
        const uint64_t openCount = Blocks::count(opens), closeCount = Blocks::count(closes);
        // Most blocks neither close the value nor get near the depth limit.
        if (closeCount < depth && depth + openCount <= maxDepth) {
            depth = depth + openCount - closeCount;
            continue;
        }
        uint64_t all = opens | closes;
        while (all) {
            const int b = std::countr_zero(all);
            all &= all - 1;
            if ((opens >> b) & 1) {
                if (++depth > maxDepth) {
                    error.offset = i + uint64_t(b);
                    error.truncated = false;
                    error.message = "JSON nested deeper than " + std::to_string(maxDepth) + " levels";
                    return false;
                }
            } else if (depth == 0 || --depth == 0) {
                end = i + uint64_t(b) + 1;
                return true;
            }
        }
    }
    error.offset = n;
    error.truncated = true;
    error.message = "inside an unfinished object or array";
    return false;
}

#ifdef CAUSEWAY_SCAN_AVX2
// flatten: the template and the block steps are inlined here, under this target.
CAUSEWAY_AVX2_TARGET __attribute__((flatten)) bool skipContainerAvx2(std::string_view text, size_t pos, size_t maxDepth, size_t &end,
                                             JsonScanError &error)
{
    return skipContainerWith<Avx2Blocks>(text, pos, maxDepth, end, error);
}
#endif

} // namespace

bool skipContainer(std::string_view text, size_t pos, size_t maxDepth, size_t &end, JsonScanError &error)
{
#ifdef CAUSEWAY_SCAN_AVX2
    static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("pclmul")
        && __builtin_cpu_supports("popcnt");
    if (avx2)
        return skipContainerAvx2(text, pos, maxDepth, end, error);
#endif
    return skipContainerWith<PortableBlocks>(text, pos, maxDepth, end, error);
}

bool skipContainerPortable(std::string_view text, size_t pos, size_t maxDepth, size_t &end, JsonScanError &error)
{
    return skipContainerWith<PortableBlocks>(text, pos, maxDepth, end, error);
}

bool skipString(std::string_view text, size_t pos, size_t &end, JsonScanError &error)
{
    size_t i = pos + 1;
    while (i < text.size()) {
        const void *q = std::memchr(text.data() + i, '"', text.size() - i);
        if (!q)
            break;
        const auto at = size_t(static_cast<const char *>(q) - text.data());
        size_t slashes = 0;
        while (at - slashes > pos + 1 && text[at - slashes - 1] == '\\')
            ++slashes;
        if (slashes % 2 == 0) {
            end = at + 1;
            return true;
        }
        i = at + 1;
    }
    error.offset = text.size();
    error.truncated = true;
    error.message = "inside a string";
    return false;
}

bool skipValue(std::string_view text, size_t pos, size_t maxDepth, size_t &end, JsonScanError &error)
{
    if (pos >= text.size()) {
        error.offset = text.size();
        error.truncated = true;
        error.message = "where a value was expected";
        return false;
    }
    const char c = text[pos];
    if (c == '{' || c == '[')
        return skipContainer(text, pos, maxDepth, end, error);
    if (c == '"')
        return skipString(text, pos, end, error);
    size_t i = pos;
    while (i < text.size() && !isDelimiter(text[i]))
        ++i;
    if (i == pos) {
        error.offset = pos;
        error.truncated = false;
        error.message = "unexpected " + describeChar(c) + " where a value was expected";
        return false;
    }
    end = i;
    return true;
}

namespace {

int hexValue(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

// The code unit of a \uXXXX escape at p (p[0] is the backslash), or -1.
long escapedUnit(const char *p, const char *end)
{
    if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
        return -1;
    long v = 0;
    for (int k = 2; k < 6; ++k) {
        const int h = hexValue(p[k]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

} // namespace

namespace {

// The next \u escape at or after p that is a lone UTF-16 surrogate, or end.
const char *nextLoneSurrogate(const char *p, const char *end)
{
    while (p < end) {
        p = static_cast<const char *>(std::memchr(p, '\\', size_t(end - p)));
        if (!p)
            return end;
        const long unit = escapedUnit(p, end);
        if (unit < 0) {
            p += 2; // another escape (or a broken one, which the parser reports)
            continue;
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
            const long low = escapedUnit(p + 6, end);
            if (low >= 0xdc00 && low <= 0xdfff) {
                p += 12;
                continue;
            }
        } else if (unit < 0xdc00 || unit > 0xdfff) {
            p += 6;
            continue;
        }
        return p;
    }
    return end;
}

} // namespace

bool hasLoneSurrogate(std::string_view text)
{
    return nextLoneSurrogate(text.data(), text.data() + text.size()) != text.data() + text.size();
}

size_t repairLoneSurrogates(char *text, size_t size, size_t &first)
{
    size_t repaired = 0;
    const char *end = text + size;
    for (const char *p = nextLoneSurrogate(text, end); p < end; p = nextLoneSurrogate(p + 6, end)) {
        char *at = text + (p - text);
        if (!repaired++)
            first = size_t(p - text);
        std::memcpy(at + 2, "fffd", 4);
    }
    return repaired;
}

size_t emptyDeepContainers(char *text, size_t size, size_t maxDepth, size_t &first)
{
    size_t emptied = 0, depth = 0;
    bool inString = false;
    size_t cutFrom = 0; // one past the bracket that opened too deep; 0: not cutting
    for (size_t i = 0; i < size; ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '{' || c == '[') {
            if (++depth == maxDepth + 1) {
                if (!emptied++)
                    first = i;
                cutFrom = i + 1;
            }
        } else if (c == '}' || c == ']') {
            if (depth == maxDepth + 1 && cutFrom) {
                std::memset(text + cutFrom, ' ', i - cutFrom);
                cutFrom = 0;
            }
            if (depth)
                --depth;
        }
    }
    return emptied;
}

bool findJsonError(std::string_view text, size_t maxDepth, JsonScanError &error)
{
    return Checker(text, maxDepth).run(error);
}

const char *jsonKindName(char c)
{
    switch (c) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default: return "a number";
    }
}

} // namespace causeway::detail
