// OTLP protobuf reader: one TracesData / ExportTraceServiceRequest message.
#include "fuzz/fuzzing.h"

#include "core/readers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace causeway;
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const LoadOptions options = fuzz::options();
    const detail::ReadContext ctx{"fuzz.pb", &options, {}};
    Model model;
    LoadError error;
    detail::readOtlpProto(bytes, false, ctx, model, error);
    fuzz::finish(model);
    return 0;
}
