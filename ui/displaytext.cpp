#include "ui/displaytext.h"

#include "core/spansearch.h"
#include "ui/timeaxis.h"

#include <QDateTime>
#include <QTimeZone>

namespace causeway::ui::display {

QString fromStd(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

QString timestamp(uint64_t unixNanos)
{
    const auto millis = qint64(unixNanos / 1000000);
    const auto micros = int(unixNanos / 1000 % 1000000);
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(millis, QTimeZone::utc());
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QLatin1Char('.')
        + QStringLiteral("%1").arg(micros, 6, 10, QLatin1Char('0')) + QStringLiteral(" UTC");
}

QString duration(uint64_t nanos)
{
    return formatDuration(double(nanos));
}

QString offset(int64_t nanos)
{
    if (nanos == 0)
        return QStringLiteral("0");
    const QString sign = nanos < 0 ? QStringLiteral("−") : QStringLiteral("+");
    return sign + duration(nanos < 0 ? uint64_t(0) - uint64_t(nanos) : uint64_t(nanos));
}

QString lag(int64_t nanos)
{
    if (nanos < 0)
        return QStringLiteral("−") + duration(uint64_t(0) - uint64_t(nanos));
    return duration(uint64_t(nanos));
}

QString count(uint64_t n, const char *singular, const char *plural)
{
    return QStringLiteral("%L1 ").arg(n) + QLatin1String(n == 1 ? singular : plural);
}

QString value(const Model &model, const Value &v)
{
    return fromStd(valueText(model, v));
}

QString shortTraceId(const TraceId &id)
{
    return QString::fromLatin1(id.hex().substr(0, 8));
}

QString shortTraceId(const Model &model, uint32_t trace)
{
    return trace < model.traces.size() ? shortTraceId(model.traces[trace].id) : QString();
}

QString spanCaption(const Model &model, uint32_t span)
{
    if (span >= model.spanCount())
        return {};
    const QString name = fromStd(model.str(model.hot[span].name));
    return name.isEmpty() ? QStringLiteral("(unnamed)") : name;
}

QString traceCaption(const Model &model, uint32_t trace)
{
    if (trace >= model.traces.size())
        return {};
    const Trace &t = model.traces[trace];
    const QString root = t.root != kNone ? spanCaption(model, t.root) : QStringLiteral("(no root)");
    return root + QStringLiteral(" (") + shortTraceId(t.id) + QLatin1Char(')');
}

QString fetchedFrom(const Model &model, uint32_t trace)
{
    const SourceFile *source = model.sourceOfTrace(trace);
    if (!source || !source->fetched())
        return {};
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(source->fetchedAtUnixMs, QTimeZone::utc());
    return QStringLiteral("fetched from %1 at %2").arg(fromStd(source->backend), at.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")));
}

QString loading(const QString &what)
{
    return QStringLiteral("Loading %1\u2026").arg(what);
}

QString nothingLoaded(const QString &what)
{
    if (!what.isEmpty())
        return loading(what) + QStringLiteral(" The traces appear here when it has been read (Esc cancels).");
    return QStringLiteral("No traces loaded. Open a file (Ctrl+O), drop one here, or receive live data "
                          "(File \u25b8 Receive OTLP\u2026).");
}

QString noFocus()
{
    return QStringLiteral("No trace in focus: pick one in the trace list.");
}

QString lanesEmpty()
{
    return QStringLiteral("The trace in focus and the traces its span links lead to appear here, a lane each.");
}

} // namespace causeway::ui::display
