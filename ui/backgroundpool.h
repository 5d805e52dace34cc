#pragma once
// Threads for work nobody waits for: results computed ahead in case the user
// asks (the lanes' summaries of busy traces). They run at a lower scheduling
// priority than the GUI thread and the workers the user does wait for
// (loading, sorting, searching), and in a pool of their own, so that a long
// pass neither takes a core from the window nor holds a slot of the global
// pool that a search or a sort then queues behind.

#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

class QThreadPool;

namespace causeway::ui {

QThreadPool *backgroundPool();

// Lowers the calling thread's scheduling priority (Linux: nice +10, which
// an unprivileged process cannot undo: only for threads that stay
// background threads). Done once per thread.
void lowerThisThreadPriority();

// Runs `work` on the background pool, at the lowered priority.
template<typename Work>
auto runInBackground(Work work)
{
    return QtConcurrent::run(backgroundPool(), [work = std::move(work)]() mutable {
        lowerThisThreadPriority();
        return work();
    });
}

} // namespace causeway::ui
