#pragma once
// Causal queries on the selected span (or the focus trace): the chain of
// traces upstream, downstream or both, and the error spans downstream. They
// run on a pool thread; the answer fills a ResultList.

#include "core/linkgraph.h"

#include <QObject>

namespace causeway::ui {

class ResultList;
class Session;

class ChainResults : public QObject
{
    Q_OBJECT
public:
    enum class Query { Upstream, Downstream, Both, ErrorsDownstream, ErrorsUpstream };
    // Selection: the selected span (its links only, on the first hop), or the
    // focus trace when no span is selected. Trace: the focus trace, all its spans.
    enum class Start { Selection, Trace };

    ChainResults(Session *session, ResultList *list, QObject *parent = nullptr);

    // Starts the query where `from` says. Returns false when nothing is loaded.
    bool run(Query query, Start from = Start::Selection);
    bool isRunning() const { return m_running; }

signals:
    void finished(int count);

private:
    Session *m_session;
    ResultList *m_list;
    int m_generation = 0;
    bool m_running = false;
};

} // namespace causeway::ui
