#pragma once
// How times, durations, ids and values read in the user interface.

#include "core/model.h"

#include <QString>

namespace causeway::ui::display {

// "2024-05-01 12:34:56.789012 UTC" from nanoseconds since the epoch.
QString timestamp(uint64_t unixNanos);
// As formatDuration() in ui/timeaxis.h: "843 ns", "12.4 µs", "1.5 s", "2 min 3 s".
QString duration(uint64_t nanos);
// Signed offset, "+12.4 ms" / "-3 µs".
QString offset(int64_t nanos);
// A link's lag (core/linkgraph.h linkLag): "12.4 ms", or "−5 ms" (a
// typographic minus) when the linking span started before its target.
QString lag(int64_t nanos);
// First 8 hex digits of a trace id, enough to tell traces apart on screen.
QString shortTraceId(const TraceId &id);
// "GET /cart (1a2b3c4d)": the root span's name and the short id.
QString traceCaption(const Model &model, uint32_t trace);
QString spanCaption(const Model &model, uint32_t span);
QString fromStd(std::string_view text);

} // namespace causeway::ui::display
