#pragma once
// Writing a Model back out as OTLP, losslessly: loading the output gives the
// same model, field for field.

#include "core/model.h"

#include <ostream>
#include <string>
#include <vector>

namespace causeway {

enum class OutputFormat {
    OtlpJson,       // one TracesData document in the OTLP JSON mapping, on one line
    OtlpJsonLines,  // one TracesData per resource per line, like the Collector's file exporter
    OtlpProto,      // one TracesData message
};

// Every resource and scope is written (also those without spans), spans
// grouped under their scope in index order. Strings that are not valid UTF-8
// become U+FFFD in the JSON formats (JSON text must be UTF-8); the protobuf
// output keeps their bytes. Returns false on a write error (message in `error`).
bool writeModel(const Model &model, OutputFormat format, std::ostream &out, std::string &error);

// OTLP JSON of a subset of spans (e.g. one trace), as one TracesData document
// on one line without a newline: only the resources and scopes that hold
// those spans, spans in the given order within their scope. Used by the live
// recorder to append a JSON Lines record.
std::string toOtlpJsonLine(const Model &model, const std::vector<uint32_t> &spans);

} // namespace causeway
