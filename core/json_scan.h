#pragma once
// Byte-level JSON scanning for the OTLP/JSON reader: finding where a value
// ends without parsing it (so a large document can be cut into pieces that
// are parsed in parallel), and locating the first syntax error of a text that
// simdjson rejected (simdjson says what is wrong but not where).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace causeway::detail {

// Deeper JSON is refused: simdjson's default, and far beyond any real OTLP.
inline constexpr size_t kMaxJsonDepth = 1024;

struct JsonScanError
{
    uint64_t offset = 0;       // into the scanned text
    bool truncated = false;    // the text ended inside a value
    std::string message;       // when truncated: where it ended ("inside a string")
};

// `pos` is at '{' or '['. On success `end` is one past the matching bracket.
// Nesting deeper than maxDepth (counting the first bracket as 1) is an error.
// Does not validate what lies between: it only tracks strings and brackets.
bool skipContainer(std::string_view text, size_t pos, size_t maxDepth, size_t &end, JsonScanError &error);
// skipContainer as CPUs without AVX2 run it (skipContainer chooses at run
// time); tests compare the two.
bool skipContainerPortable(std::string_view text, size_t pos, size_t maxDepth, size_t &end, JsonScanError &error);

// `pos` is at '"'. On success `end` is one past the closing quote.
bool skipString(std::string_view text, size_t pos, size_t &end, JsonScanError &error);

// Skips any value starting at `pos` (no leading whitespace): containers and
// strings as above, literals and numbers up to the next delimiter.
bool skipValue(std::string_view text, size_t pos, size_t maxDepth, size_t &end, JsonScanError &error);

// Checks that `text` is exactly one JSON value (surrounding whitespace
// allowed), nested at most maxDepth deep. Returns true and fills `error` with
// the first problem and its offset when it is not.
bool findJsonError(std::string_view text, size_t maxDepth, JsonScanError &error);

// Rewrites, in place, each \u escape of a UTF-16 surrogate that is not part
// of a high-low pair (JavaScript's JSON.stringify writes them) as \ufffd, the
// replacement character: same length, so offsets stay valid. Returns how many
// were rewritten and the offset of the first in `first`.
size_t repairLoneSurrogates(char *text, size_t size, size_t &first);
// Whether repairLoneSurrogates would rewrite anything in `text`.
bool hasLoneSurrogate(std::string_view text);

// Empties, in place, every object or array that opens deeper than maxDepth:
// what lies between its brackets becomes spaces, so the text keeps its length
// and offsets, and a parser with a depth limit can read the rest. Returns how
// many were emptied and the offset of the first in `first`.
size_t emptyDeepContainers(char *text, size_t size, size_t maxDepth, size_t &first);

// "a string", "a number", "an object", ... for the value starting at `c`.
const char *jsonKindName(char c);

} // namespace causeway::detail
