#pragma once
// Model values as nlohmann::json, for the command line's JSON output.

#include "core/model.h"

#include <nlohmann/json.hpp>

namespace causeway {

// {"key": value, ...}; ints as numbers, bytes as base64, arrays and kvlists nested.
nlohmann::ordered_json attributesToJson(const Model &model, Range attributes);
nlohmann::ordered_json valueToJson(const Model &model, const Value &value);

} // namespace causeway
