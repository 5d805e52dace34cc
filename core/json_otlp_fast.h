#pragma once
// The fast path of the OTLP/JSON reader: clean OTLP/JSON read with
// simdjson's On-Demand API straight into the model, without the DOM tape
// that OtlpDomReader walks.
//
// Checked, never trusted. It reads only what the DOM reader reads without
// a word to say, in the shapes exporters write, and refuses everything
// else: anything that would be a diagnostic, repeated keys, wrong types,
// unusual order or nesting, escaped keys, strings holding a lone UTF-16
// surrogate (\ud800 alone: the DOM path repairs it), invalid JSON. It
// consumes every value of what it accepts, so the JSON is checked as a DOM
// parse checks it. After a refusal the caller throws away what the reader added to the
// model and reads the same input with OtlpDomReader, so models,
// diagnostics and errors are those of the DOM reader. Strings are interned
// in document order (the DOM reader interns some fields out of order): the
// content is the DOM reader's, string ids may differ, and are the same
// whatever the thread count. The field names, enums and conversions come
// from json_otlp_mapping.h, shared with the DOM reader.
// Internal to the OTLP/JSON reader; one instance per model being filled.

#include "core/modelbuilder.h"
#include "core/recentstrings.h"

#include <simdjson.h>

#include <string>

namespace causeway::detail {

class OtlpFastReader
{
public:
    explicit OtlpFastReader(Model &out) : m_out(out), m_build(out) {}

    // A TracesData document ({"resourceSpans": [...]}, one JSON Lines line).
    // `buf` holds `len` bytes of JSON and stays readable to `capacity`
    // (at least len + simdjson::SIMDJSON_PADDING). False when refused: the
    // model then holds partial records and must be thrown away.
    bool readDocument(simdjson::ondemand::parser &parser, const char *buf, size_t len, size_t capacity);
    // A JSON array of ResourceSpans entries (a run of a document's resourceSpans).
    bool readEntries(simdjson::ondemand::parser &parser, const char *buf, size_t len, size_t capacity);

private:
    using value = simdjson::ondemand::value;

    void resourceSpans(value v);
    // `v` may be null (no resource or scope key): an empty one.
    uint32_t resource(value *v);
    void scopeSpans(value v, uint32_t resource, StringId service);
    uint32_t scope(value *v, uint32_t resource);
    void span(value v, uint32_t scope, StringId service);
    void event(value v);
    void link(value v);
    Range attributes(value v, size_t depth);
    Value anyValue(value v, size_t depth);

    Model &m_out;
    ModelBuilder m_build;
    std::string m_bytes;
    RecentStrings m_recentNames{m_out.strings}, m_recentValues{m_out.strings};
};

} // namespace causeway::detail
