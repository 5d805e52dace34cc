#pragma once
// Every diagnostic a load can report, in one table: its stable code, its
// severity, what it cost (nothing, a repair, a skipped record) and what it
// means. Readers, finalize() and the live receivers name entries of this
// table; nothing compares code strings to decide what happened.

#include <cstdint>
#include <span>
#include <string_view>

namespace causeway {

// One kind of problem seen while loading: a named counter with the first place.
enum class Severity : uint8_t { Info, Warning, Error };

// What a diagnostic says was lost.
enum class Loss : uint8_t {
    None,      // information only: nothing of the trace data was lost
    Repaired,  // the record was kept with a value repaired or ignored
    Span,      // one span was skipped
    Part,      // a part of a span (a link, a reference) was skipped
    Record,    // a whole record (a line, a message, a frame) was skipped
};

struct DiagnosticCode
{
    std::string_view code;      // stable identifier, written in CLI JSON output
    Severity severity;
    Loss loss;
    std::string_view meaning;   // one sentence for documentation and tooltips
};

namespace diag {
#define CAUSEWAY_DIAG(name, code, severity, loss, meaning) \
    inline constexpr DiagnosticCode name{code, Severity::severity, Loss::loss, meaning};
#include "core/diagnosticcodes.inc"
#undef CAUSEWAY_DIAG
} // namespace diag

// All entries, in table order.
std::span<const DiagnosticCode *const> allDiagnosticCodes();
// The entry for a code string (a diagnostic read back from elsewhere); null if unknown.
const DiagnosticCode *findDiagnosticCode(std::string_view code);

} // namespace causeway
