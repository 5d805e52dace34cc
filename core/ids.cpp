#include "core/ids.h"

#include <array>

namespace causeway {

namespace {

constexpr int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int base64Digit(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

// Length of the base64 text for n bytes, padded and unpadded.
constexpr size_t base64Padded(size_t n) { return (n + 2) / 3 * 4; }
constexpr size_t base64Unpadded(size_t n) { return (n * 4 + 2) / 3; }

} // namespace

template<size_t N>
IdParse parseId(std::string_view text, Id<N> &out)
{
    out = {};
    if (text.empty())
        return IdParse::Empty;
    if (text.size() == 2 * N) {
        // Ids are most of what a reader decodes: one table lookup per
        // digit, and the bad-character check once at the end.
        static constexpr auto kHex = [] {
            std::array<uint8_t, 256> t{};
            for (int c = 0; c < 256; ++c)
                t[size_t(c)] = hexDigit(char(c)) < 0 ? 0x80 : uint8_t(hexDigit(char(c)));
            return t;
        }();
        const auto *u = reinterpret_cast<const unsigned char *>(text.data());
        uint8_t bad = 0;
        for (size_t i = 0; i < N; ++i) {
            const uint8_t hi = kHex[u[2 * i]], lo = kHex[u[2 * i + 1]];
            bad |= hi | lo;
            out.bytes[i] = uint8_t(hi << 4 | lo);
        }
        if (!(bad & 0x80))
            return IdParse::Ok;
        out = {};
        for (size_t i = 0; i < N; ++i) {
            int hi = hexDigit(text[2 * i]), lo = hexDigit(text[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return IdParse::BadCharacter;
            out.bytes[i] = uint8_t(hi << 4 | lo);
        }
        return IdParse::Ok;
    }
    if (text.size() == base64Padded(N) || text.size() == base64Unpadded(N)) {
        std::string decoded;
        if (!base64Decode(text, decoded))
            return IdParse::BadCharacter;
        if (decoded.size() != N)
            return IdParse::BadLength;
        for (size_t i = 0; i < N; ++i)
            out.bytes[i] = uint8_t(decoded[i]);
        return IdParse::Ok;
    }
    return IdParse::BadLength;
}

template IdParse parseId<16>(std::string_view, Id<16> &);
template IdParse parseId<8>(std::string_view, Id<8> &);

bool parseReference(std::string_view text, TraceId &trace, std::optional<SpanId> &span, std::string *error)
{
    span.reset();
    std::string_view traceText = text, spanText;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        traceText = text.substr(0, slash);
        spanText = text.substr(slash + 1);
    }
    auto hexOnly = [](std::string_view s) {
        for (char c : s)
            if (hexDigit(c) < 0)
                return false;
        return true;
    };
    if (traceText.size() != 32 || !hexOnly(traceText) || parseId(traceText, trace) != IdParse::Ok) {
        if (error)
            *error = "malformed trace id '" + std::string(traceText) + "': expected 32 hex digits";
        return false;
    }
    if (text.find('/') != std::string_view::npos) {
        SpanId s;
        if (spanText.size() != 16 || !hexOnly(spanText) || parseId(spanText, s) != IdParse::Ok) {
            if (error)
                *error = "malformed span id '" + std::string(spanText) + "': expected 16 hex digits";
            return false;
        }
        span = s;
    }
    return true;
}

bool parseReferencePattern(std::string_view text, ReferencePattern &out, std::string *error)
{
    out = {};
    std::string_view traceText = text, spanText;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        traceText = text.substr(0, slash);
        spanText = text.substr(slash + 1);
        out.hasSpan = true;
    }
    auto lowerHex = [](std::string_view part, size_t maxDigits, std::string &to) {
        if (part.empty() || part.size() > maxDigits)
            return false;
        for (char c : part) {
            const int d = hexDigit(c);
            if (d < 0)
                return false;
            to.push_back("0123456789abcdef"[d]);
        }
        return true;
    };
    if (!lowerHex(traceText, 32, out.trace)) {
        if (error)
            *error = "malformed trace id '" + std::string(traceText) + "': expected up to 32 hex digits (a prefix will do)";
        return false;
    }
    if (out.hasSpan && !lowerHex(spanText, 16, out.span)) {
        if (error)
            *error = "malformed span id '" + std::string(spanText) + "': expected up to 16 hex digits (a prefix will do)";
        return false;
    }
    return true;
}

std::string toHex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(bytes.size() * 2, '0');
    for (size_t i = 0; i < bytes.size(); ++i) {
        auto b = uint8_t(bytes[i]);
        out[2 * i] = digits[b >> 4];
        out[2 * i + 1] = digits[b & 15];
    }
    return out;
}

std::string base64Encode(std::string_view bytes)
{
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve(base64Padded(bytes.size()));
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
        out += alphabet[v >> 18];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    if (size_t rest = bytes.size() - i) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16 | (rest == 2 ? uint32_t(uint8_t(bytes[i + 1])) << 8 : 0);
        out += alphabet[v >> 18];
        out += alphabet[(v >> 12) & 63];
        out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool base64Decode(std::string_view text, std::string &out)
{
    out.clear();
    while (!text.empty() && text.back() == '=')
        text.remove_suffix(1);
    if (text.size() % 4 == 1)
        return false;
    out.reserve(text.size() * 3 / 4);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        int d = base64Digit(c);
        if (d < 0)
            return false;
        acc = acc << 6 | uint32_t(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((acc >> bits) & 0xff);
        }
    }
    return true;
}

} // namespace causeway
