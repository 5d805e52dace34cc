#pragma once
// Finding spans across every loaded trace: by a piece of the span name, or by
// an attribute written as key=value (span attributes and resource attributes,
// so service.name=checkout works).

#include "core/model.h"

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace causeway {

struct SpanQuery
{
    enum class Kind { Empty, Name, Attribute };
    Kind kind = Kind::Empty;
    std::string text;   // Name: the substring; Attribute: the key
    std::string value;  // Attribute: the value as text

    // "key=value" (no spaces in the key) is an attribute query, anything else
    // a case-insensitive substring of the span name.
    static SpanQuery parse(std::string_view text);
};

struct SearchResult
{
    std::vector<uint32_t> spans;   // by trace index, then start time
    bool truncated = false;        // stopped at the limit
    bool cancelled = false;
};

// Scans every span once. A cancelled search returns what it found so far.
SearchResult searchSpans(const Model &model, const SpanQuery &query, size_t limit = 100000,
                         const std::atomic<bool> *cancel = nullptr);
// The same over the spans of `traces` only (ascending trace indices): what a
// live refresh changed, so that a search is brought up to date without
// scanning the traces it left alone.
SearchResult searchSpansOf(const Model &model, const SpanQuery &query, const std::vector<uint32_t> &traces,
                           size_t limit = 100000, const std::atomic<bool> *cancel = nullptr);

// The text a scalar value is matched against and shown as: strings as they
// are, numbers in their shortest form, bools as true/false, bytes as hex.
// Arrays and kvlists give "[N items]" / "{N keys}".
std::string valueText(const Model &model, const Value &value);

} // namespace causeway
