#pragma once
// Parts of Causeway that bring many libraries of their own are modules in
// lib/causeway/ beside bin/ (in an installed tree and in a build tree
// alike), loaded the first time they are used: the OTLP/gRPC server
// (core/live/grpcplugin.h) and the HTTP client of the trace backends
// (core/backend/http.h). A causeway that never receives over gRPC or asks
// a backend does not map gRPC, libcurl and what they link: 74 of the 130
// libraries a start used to map, about half of its start-up time.

#include <string>

namespace causeway {

// The directory the modules are loaded from.
std::string moduleDir();

// The address of `symbol` in the module `file`, which is loaded on the
// first call and kept for the life of the process; null, with why in
// `error` (naming the file), when it cannot be loaded or lacks the symbol.
// Thread-safe.
void *moduleSymbol(const char *file, const char *symbol, std::string &error);

} // namespace causeway
