#include "core/readers.h"

namespace causeway::detail {

bool decompress(std::string_view, uint64_t, std::string &, std::string &error)
{
    error = "decompression is not built yet";
    return false;
}

} // namespace causeway::detail
