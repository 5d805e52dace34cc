// OTLP/JSON reader: the input read as one document and as JSON Lines.
#include "fuzz/fuzzing.h"

#include "core/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace causeway;
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const LoadOptions options = fuzz::options();
    const detail::ReadContext ctx{"fuzz.json", &options, {}};
    for (bool lines : {false, true}) {
        Model model;
        LoadError error;
        detail::readOtlpJson(bytes, lines, ctx, model, error);
        fuzz::finish(model);
    }
    return 0;
}
