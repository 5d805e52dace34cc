#pragma once
// What every fuzz target shares: load options that keep one input's cost
// bounded, and the steps after a reader that a real load takes too.

#include "core/load.h"
#include "core/model.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace causeway::fuzz {

// One thread: the parser's worker pool only adds noise to coverage. The
// decompressed-size limit stays well under libFuzzer's RSS limit, so a
// compression bomb is refused by Causeway rather than by the fuzzer.
inline LoadOptions options()
{
    LoadOptions o;
    o.threads = 1;
    o.maxDecompressedBytes = uint64_t(64) << 20;
    return o;
}

// finalize() derives traces, parents and link targets from whatever the
// reader kept: cycles, duplicates and dangling references must all survive it.
inline void finish(Model &model)
{
    model.finalize();
    model.shrinkToFit();
}

// An oracle failure: print what differed and abort, so libFuzzer keeps the input.
[[noreturn]] inline void violated(const char *what, const std::string &detail)
{
    std::fprintf(stderr, "round-trip violated: %s\n%s\n", what, detail.c_str());
    std::fflush(stderr);
    std::abort();
}

} // namespace causeway::fuzz
