#include "core/diagnosticcodes.h"

namespace causeway {

namespace {
constexpr const DiagnosticCode *kAll[] = {
#define CAUSEWAY_DIAG(name, code, severity, loss, meaning) &diag::name,
#include "core/diagnosticcodes.inc"
#undef CAUSEWAY_DIAG
};
} // namespace

std::span<const DiagnosticCode *const> allDiagnosticCodes()
{
    return kAll;
}

const DiagnosticCode *findDiagnosticCode(std::string_view code)
{
    for (const DiagnosticCode *d : kAll)
        if (d->code == code)
            return d;
    return nullptr;
}

} // namespace causeway
