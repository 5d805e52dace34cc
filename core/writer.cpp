#include "core/writer.h"

namespace causeway {

bool writeModel(const Model &, OutputFormat, std::ostream &, std::string &error)
{
    error = "writing is not built yet";
    return false;
}

std::string toOtlpJsonLine(const Model &, const std::vector<uint32_t> &)
{
    return {};
}

} // namespace causeway
