#include "ui/chainresults.h"

#include "ui/displaytext.h"
#include "ui/resultlist.h"
#include "ui/session.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace causeway::ui {

ChainResults::ChainResults(Session *session, ResultList *list, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_list(list)
{
    connect(m_session, &Session::modelChanged, this, [this] {
        ++m_generation; // a query on the old model is no longer wanted
        m_running = false;
    });
}

bool ChainResults::run(Query query, Start from_)
{
    const auto model = m_session->model();
    if (!model || m_session->focusTrace() == kNone)
        return false;
    // The selection may lie outside the focus (a batch's member selected in the lanes): start at its trace.
    Reference start = from_ == Start::Trace ? Reference{m_session->focusTrace(), kNone}
                                            : Reference{m_session->selectedTrace(), m_session->selectedSpan()};
    const bool errorsQuery = query == Query::ErrorsDownstream || query == Query::ErrorsUpstream;
    // A span's own links can be fewer than its trace's; without any, it
    // leads nowhere. The errors queries then look from the whole trace
    // (they have no "whole trace" variant); the chains say what to use.
    // Either way the summary says so.
    const uint32_t traceLinks = start.trace < model->traces.size()
        ? model->traces[start.trace].linksIn + model->traces[start.trace].linksOut : 0;
    const bool linklessSpan = start.span != kNone && traceLinks > 0 && model->outgoingLinks(start.span).count == 0
        && model->incomingLinks(start.span).count == 0;
    const bool widened = errorsQuery && linklessSpan;
    if (widened)
        start.span = kNone;
    const QString from = start.span != kNone
        ? QStringLiteral("span “%1” in %2").arg(display::spanCaption(*model, start.span), display::traceCaption(*model, start.trace))
        : QStringLiteral("trace %1").arg(display::traceCaption(*model, start.trace));
    QString what;
    switch (query) {
    case Query::Upstream: what = QStringLiteral("Upstream of"); break;
    case Query::Downstream: what = QStringLiteral("Downstream of"); break;
    case Query::Both: what = QStringLiteral("Causal chain of"); break;
    case Query::ErrorsDownstream: what = QStringLiteral("Errors downstream of"); break;
    case Query::ErrorsUpstream: what = QStringLiteral("Errors upstream of"); break;
    }
    const QString title = what + QLatin1Char(' ') + from;
    m_list->clear();
    m_list->setMessage(title + QStringLiteral(": working…"));

    const int generation = ++m_generation;
    m_running = true;
    // What the query found; for errors downstream that found none, how many
    // error spans the traces upstream hold (a batch's failed items are in
    // the traces it links to, upstream of it).
    struct Found
    {
        std::vector<ResultEntry> entries;
        size_t errorsUpstream = 0;
    };
    auto *watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this,
            [this, watcher, generation, title, errorsQuery, model, widened, linklessSpan, traceLinks] {
        watcher->deleteLater();
        if (generation != m_generation || model != m_session->model())
            return;
        m_running = false;
        Found found = watcher->result();
        std::vector<ResultEntry> entries = std::move(found.entries);
        const int n = int(entries.size());
        QString summary;
        if (errorsQuery) {
            summary = n ? display::count(uint64_t(n), "error span", "error spans") : QStringLiteral("no error spans");
            if (widened)
                summary += QStringLiteral(" (the selected span has no links of its own: from its whole trace)");
            if (found.errorsUpstream)
                summary += QStringLiteral("; upstream, in the traces it links to, ")
                    + display::count(found.errorsUpstream, "error span", "error spans")
                    + QStringLiteral(" (Errors Upstream, Ctrl+Alt+E)");
        } else
            summary = display::count(uint64_t(n), "trace", "traces") + QStringLiteral(" including the start");
        if (!errorsQuery && linklessSpan && n <= 1)
            summary += QStringLiteral(" (this span has no links of its own; its trace has %1: "
                                      "use Causal Chain of the Whole Trace, Ctrl+Alt+B)")
                           .arg(traceLinks);
        m_list->setResults(title.toHtmlEscaped() + QStringLiteral(": ") + summary, std::move(entries));
        emit finished(n);
    });
    watcher->setFuture(QtConcurrent::run([model, start, query, errorsQuery] {
        Found found;
        std::vector<ResultEntry> &entries = found.entries;
        if (errorsQuery) {
            const Direction direction = query == Query::ErrorsDownstream ? Direction::Downstream : Direction::Upstream;
            for (uint32_t s : errorsAlong(*model, start, direction))
                entries.push_back({model->hot[s].trace, s, -1});
            if (entries.empty() && direction == Direction::Downstream)
                found.errorsUpstream = errorsAlong(*model, start, Direction::Upstream).size();
            return found;
        }
        ChainOptions options;
        options.direction = query == Query::Upstream ? Direction::Upstream
            : query == Query::Downstream             ? Direction::Downstream
                                                     : Direction::Both;
        const ChainResult chain = causeway::chain(*model, start, options);
        // Nearest first: the list reads as the story outward from the start.
        std::vector<size_t> order(chain.traces.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return chain.hops[a] < chain.hops[b]; });
        for (size_t i : order)
            entries.push_back({chain.traces[i], kNone, int(chain.hops[i])});
        return found;
    }));
    return true;
}

} // namespace causeway::ui
