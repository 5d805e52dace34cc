// Round-trip oracle. Whatever Causeway loads it writes back losslessly:
//  - written as OTLP protobuf and read again, the model is the same field for
//    field (the comparison the round-trip tests use);
//  - written as OTLP/JSON, read again and written again, the text is the same
//    byte for byte (JSON replaces invalid UTF-8 once, so the first reload may
//    differ from the input's model in exactly that, but never again).
// The written data is read back by the reader for its format: which format a
// file holds is the sniffer's question, not the writer's.
#include "fuzz/fuzzing.h"

#include "common/modelcompare.h"
#include "core/readers.h"
#include "core/writer.h"

#include <sstream>

namespace {

using namespace causeway;

std::string write(const Model &model, OutputFormat format)
{
    std::ostringstream out;
    std::string error;
    if (!writeModel(model, format, out, error))
        fuzz::violated("the writer failed", error);
    return std::move(out).str();
}

void reread(const std::string &bytes, bool proto, const char *name, Model &model)
{
    const LoadOptions options = fuzz::options();
    const detail::ReadContext ctx{name, &options, {}};
    LoadError error;
    const bool ok = proto ? detail::readOtlpProto(bytes, false, ctx, model, error)
                          : detail::readOtlpJson(bytes, false, ctx, model, error);
    if (!ok)
        fuzz::violated("Causeway refuses its own output", std::string(name) + ": " + error.text());
    fuzz::finish(model);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    Model original;
    if (!loadBuffer("fuzz.input", bytes, original, fuzz::options()).ok)
        return 0;
    fuzz::finish(original);

    Model viaProto;
    reread(write(original, OutputFormat::OtlpProto), true, "written.pb", viaProto);
    const std::string diff = test::compareModels(original, viaProto);
    if (!diff.empty())
        fuzz::violated("protobuf reload differs from the loaded model", diff);

    const std::string json = write(original, OutputFormat::OtlpJson);
    Model viaJson;
    reread(json, false, "written.json", viaJson);
    const std::string again = write(viaJson, OutputFormat::OtlpJson);
    if (again != json)
        fuzz::violated("JSON written, read and written again differs",
                       "first:  " + json.substr(0, 2000) + "\nsecond: " + again.substr(0, 2000));
    return 0;
}
