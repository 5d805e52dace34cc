#pragma once
// Walking the outer structure of a JSON document byte by byte, to find where
// each record (a Jaeger trace, a span) starts and ends without parsing it.
// The Jaeger and Zipkin readers parse each record on its own, so a record
// has a byte offset for its diagnostics, a damaged record is skipped alone,
// and the records before a truncation are kept.

#include "core/json_scan.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace causeway::detail {

class JsonWalk
{
public:
    explicit JsonWalk(std::string_view text) : m_text(text) {}

    std::string_view text() const { return m_text; }
    char at(size_t pos) const { return pos < m_text.size() ? m_text[pos] : '\0'; }
    size_t ws(size_t pos) const
    {
        while (pos < m_text.size() && (m_text[pos] == ' ' || m_text[pos] == '\n' || m_text[pos] == '\r' || m_text[pos] == '\t'))
            ++pos;
        return pos;
    }

    // The first structural problem: where and what.
    uint64_t errorOffset() const { return m_error.offset; }
    const std::string &errorMessage() const { return m_error.message; }
    bool truncated() const { return m_error.truncated; }

    bool skip(size_t pos, size_t &end) { return skipValue(m_text, pos, kMaxJsonDepth, end, m_error); }

    // Object at pos: onMember(key, valuePos, valueEnd&) for each member; the
    // callback sets valueEnd (it may call skip()). Returns false on a
    // structural error (see errorOffset) or when the callback returns false.
    template<typename OnMember>
    bool members(size_t pos, size_t &end, OnMember &&onMember)
    {
        if (at(pos) != '{')
            return fail(pos, "expected an object");
        pos = ws(pos + 1);
        if (at(pos) == '}') {
            end = pos + 1;
            return true;
        }
        for (;;) {
            if (at(pos) != '"')
                return fail(pos, "expected a member name");
            size_t keyEnd = pos;
            if (!skipString(m_text, pos, keyEnd, m_error))
                return false;
            const std::string_view key = m_text.substr(pos + 1, keyEnd - pos - 2);
            pos = ws(keyEnd);
            if (at(pos) != ':')
                return fail(pos, "expected ':'");
            pos = ws(pos + 1);
            size_t valueEnd = pos;
            if (!onMember(key, pos, valueEnd))
                return false;
            pos = ws(valueEnd);
            if (at(pos) == '}') {
                end = pos + 1;
                return true;
            }
            if (at(pos) != ',')
                return fail(pos, "expected ',' or '}'");
            pos = ws(pos + 1);
        }
    }

    // Array at pos: onElement(elementPos, elementEnd&) for each element.
    template<typename OnElement>
    bool elements(size_t pos, size_t &end, OnElement &&onElement)
    {
        if (at(pos) != '[')
            return fail(pos, "expected an array");
        pos = ws(pos + 1);
        if (at(pos) == ']') {
            end = pos + 1;
            return true;
        }
        for (;;) {
            if (pos >= m_text.size())
                return fail(pos, "where a value was expected");
            size_t elementEnd = pos;
            if (!onElement(pos, elementEnd))
                return false;
            pos = ws(elementEnd);
            if (at(pos) == ']') {
                end = pos + 1;
                return true;
            }
            if (at(pos) != ',')
                return fail(pos, "expected ',' or ']'");
            pos = ws(pos + 1);
        }
    }

    bool fail(size_t pos, const char *what)
    {
        m_error.offset = pos;
        m_error.truncated = pos >= m_text.size();
        m_error.message = m_error.truncated ? std::string("the file ends unexpectedly, ") + what : std::string("invalid JSON: ") + what;
        return false;
    }

private:
    std::string_view m_text;
    JsonScanError m_error;
};

} // namespace causeway::detail
