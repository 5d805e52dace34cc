// Compressed input as a user's file brings it: gzip or zstd recognised from
// the first bytes, decompressed within the size limit, the contents sniffed
// and read. Other inputs are left to the reader targets.
#include "fuzz/fuzzing.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    using namespace causeway;
    const std::string_view bytes(reinterpret_cast<const char *>(data), size);
    const Format format = sniffFormat(bytes);
    if (format != Format::Gzip && format != Format::Zstd)
        return -1; // not added to the corpus
    Model model;
    loadBuffer("fuzz.gz", bytes, model, fuzz::options());
    fuzz::finish(model);
    return 0;
}
