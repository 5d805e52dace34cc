#pragma once
// Writing a Model back out as OTLP, losslessly: loading the output gives the
// same model, field for field.

#include "core/model.h"

#include <ostream>
#include <string>
#include <vector>

namespace causeway {

enum class OutputFormat { OtlpJson, OtlpJsonLines, OtlpProto };

// Returns false on a write error (message in `error`).
bool writeModel(const Model &model, OutputFormat format, std::ostream &out, std::string &error);

// OTLP JSON of a subset of spans (e.g. one trace), as one TracesData document.
// Used by the live recorder to append a JSON Lines record.
std::string toOtlpJsonLine(const Model &model, const std::vector<uint32_t> &spans);

} // namespace causeway
