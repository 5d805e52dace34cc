// OTLP protobuf reader, the Collector file exporter's framing: a 4-byte
// big-endian length before each message, each optionally zstd-compressed.
#include "fuzz/fuzzing.h"

#include "core/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace causeway;
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const LoadOptions options = fuzz::options();
    const detail::ReadContext ctx{"fuzz.bin", &options, {}};
    Model model;
    LoadError error;
    detail::readOtlpProto(bytes, true, ctx, model, error);
    fuzz::finish(model);
    return 0;
}
