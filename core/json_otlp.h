#pragma once
// Turns parsed OTLP/JSON (simdjson DOM elements) into model records. Knows
// the OTLP JSON mapping and what real producers write: camelCase and
// snake_case keys, 64-bit integers as strings or numbers, enums as numbers or
// names, hex or base64 ids, the old instrumentationLibrary names.
// Internal to the OTLP/JSON reader; one instance per thread.

#include "core/modelbuilder.h"
#include "core/recentstrings.h"

#include <simdjson.h>

#include <string>
#include <string_view>
#include <vector>

namespace causeway::detail {

// Where the record being read came from, for diagnostics.
struct JsonPlace
{
    std::string_view file;
    uint64_t line = 0;   // 1-based line of a JSON Lines file, 0 for a single document
    uint64_t offset = 0; // byte offset of the record (used when line is 0)
    std::string prefix() const;
};

// Which keys a document has at the top, to say what a non-OTLP document looks like.
struct TopLevelShape
{
    bool isArray = false;
    std::vector<std::string> keys;        // of the object (or of the array's first object)
};
std::string describeNonOtlp(const TopLevelShape &shape);

class OtlpDomReader
{
public:
    explicit OtlpDomReader(Model &out) : m_out(out), m_build(out) {}

    JsonPlace place;

    // Appends one Resource (schemaUrl left 0); returns its index. `resource` may be null.
    uint32_t readResource(const simdjson::dom::element *resource);
    // Appends one Scope of `resource`; returns its index. `scope` may be null.
    uint32_t readScope(const simdjson::dom::element *scope, uint32_t resource);
    // A schemaUrl value; 0 when absent or not a string.
    StringId readSchemaUrl(simdjson::dom::element value);
    // Appends one span (or skips it with a diagnostic).
    void readSpan(simdjson::dom::element span, uint32_t scope, StringId service);

    // A whole document: TracesData / ExportTraceServiceRequest or a backend
    // wrapper. Returns false, appending nothing, when it is not OTLP; `shape`
    // then says what was found.
    bool readDocument(simdjson::dom::element root, TopLevelShape &shape);
    // The entries of a resourceSpans array, each read as readDocument reads
    // it. Returns false, having read nothing, when an entry or one of its
    // scopeSpans repeats the resource, scope or spans key: the document
    // reader's byte scanner takes repeats differently (the first resource
    // or scope, every spans array), and such entries are left to it.
    bool readResourceSpansEntries(simdjson::dom::array entries);

    // Counts one problem; the message is built only for the first occurrence.
    template<typename MakeMessage>
    void diag(const DiagnosticCode &code, MakeMessage &&make)
    {
        // Messages cost: only as many as are kept are made.
        if (!m_out.diagnostics.keepsMorePlaces(code))
            m_out.diagnostics.add(code, {});
        else
            m_out.diagnostics.add(code, place.prefix() + make());
    }

private:
    void readResourceSpans(simdjson::dom::element rs);
    void readScopeSpans(simdjson::dom::element ss, uint32_t resource, StringId service);

    Value readValue(simdjson::dom::element v, size_t depth);
    Range readAttributes(simdjson::dom::element list, std::string_view owner, size_t depth);

    bool string(simdjson::dom::element e, std::string_view field, std::string_view &out);
    bool u64(simdjson::dom::element e, std::string_view field, uint64_t &out);
    bool u32(simdjson::dom::element e, std::string_view field, uint32_t &out);
    bool i64(simdjson::dom::element e, std::string_view field, int64_t &out);
    bool f64(simdjson::dom::element e, std::string_view field, double &out);
    bool boolean(simdjson::dom::element e, std::string_view field, bool &out);
    // An enum given as a number or by name (names[i] is value i).
    bool enumValue(simdjson::dom::element e, std::string_view field, const std::string_view *names, size_t count,
                   std::string_view prefix, uint32_t &out);
    void wrongType(simdjson::dom::element e, std::string_view field, const char *expected);

    Model &m_out;
    ModelBuilder m_build;
    std::string m_bytes;
    // Keys and names apart from string values, so that the values' many
    // one-off texts do not push out the keys.
    RecentStrings m_recentNames{m_out.strings}, m_recentValues{m_out.strings};
};

} // namespace causeway::detail
