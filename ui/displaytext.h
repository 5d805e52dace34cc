#pragma once
// How times, durations, ids and values read in the user interface.

#include "core/model.h"

#include <QString>

namespace causeway::ui::display {

// "2024-05-01 12:34:56.789012 UTC" from nanoseconds since the epoch.
QString timestamp(uint64_t unixNanos);
// As formatDuration() in ui/timeaxis.h: "843 ns", "12.4 µs", "1.5 s", "2 min 3 s".
QString duration(uint64_t nanos);
// A signed offset from an origin: "+12.4 ms", "−3 µs" (a typographic minus), "0".
// Also the length of a break in a time axis ("+2 h 14 min").
QString offset(int64_t nanos);
// A link's lag (target start -> linking span start): "160 ms", "−2 ms".
QString lag(int64_t nanos);
// "1 link", "1,234 links"; "1 span", "3 errors": a count and its noun.
QString count(uint64_t n, const char *singular, const char *plural);
// An attribute value as shown: strings as they are, numbers in their
// shortest form, bytes as hex, "[N items]" / "{N keys}" for containers.
QString value(const Model &model, const Value &value);
// First 8 hex digits of a trace id, enough to tell traces apart on screen.
QString shortTraceId(const TraceId &id);
QString shortTraceId(const Model &model, uint32_t trace);
// "GET /cart (1a2b3c4d)": the root span's name and the short id.
QString traceCaption(const Model &model, uint32_t trace);
QString spanCaption(const Model &model, uint32_t span);
QString fromStd(std::string_view text);
// Where a trace came from when it was fetched from a trace backend:
// "fetched from tempo-prod at 2026-05-01 12:34:56 UTC"; empty for a trace
// read from a file or received live.
QString fetchedFrom(const Model &model, uint32_t trace);
// What an empty view says, with the way out: nothing loaded yet (or, while
// `loading` names what is being read, that it is on its way), or traces
// loaded and none in focus.
QString nothingLoaded(const QString &loading = {});
// "Loading 1G.jsonl…": the status bar and the span details while `what` loads.
QString loading(const QString &what);
QString noFocus();
// The lanes while they have nothing to show: what goes there (the flame
// graph above already says what is missing, nothingLoaded() or noFocus()).
QString lanesEmpty();

} // namespace causeway::ui::display
