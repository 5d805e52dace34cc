#include "core/jsonexport.h"

#include <cmath>

namespace causeway {

nlohmann::ordered_json valueToJson(const Model &model, const Value &v)
{
    switch (v.type) {
    case ValueType::Empty: return nullptr;
    case ValueType::String: return std::string(model.str(v.str));
    case ValueType::Bool: return v.b;
    case ValueType::Int: return int64_t(v.i); // a copy: the member is 4-byte aligned, json binds a reference
    case ValueType::Double:
        if (std::isnan(v.d))
            return "NaN";
        if (std::isinf(v.d))
            return v.d > 0 ? "Infinity" : "-Infinity";
        return double(v.d);
    case ValueType::Bytes: return base64Encode(model.str(v.str));
    case ValueType::Array: {
        auto out = nlohmann::ordered_json::array();
        for (uint32_t i = v.range.first; i < v.range.end(); ++i)
            out.push_back(valueToJson(model, model.values[i]));
        return out;
    }
    case ValueType::KvList: return attributesToJson(model, v.range);
    }
    return nullptr;
}

nlohmann::ordered_json attributesToJson(const Model &model, Range attributes)
{
    auto out = nlohmann::ordered_json::object();
    for (uint32_t i = attributes.first; i < attributes.end(); ++i) {
        const auto &a = model.attributes[i];
        out[std::string(model.str(a.key))] = valueToJson(model, a.value);
    }
    return out;
}

} // namespace causeway
