#include "core/readers.h"

namespace causeway::detail {

bool readOtlpProto(std::string_view, bool, const ReadContext &ctx, Model &, LoadError &error)
{
    error.file = std::string(ctx.name);
    error.message = "OTLP protobuf reading is not built yet";
    return false;
}

} // namespace causeway::detail
