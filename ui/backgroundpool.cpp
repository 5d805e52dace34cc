#include "ui/backgroundpool.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <algorithm>

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace causeway::ui {

void lowerThisThreadPriority()
{
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
#if defined(Q_OS_LINUX)
    // On Linux each thread has a nice value of its own (PRIO_PROCESS with a
    // thread id). Qt's thread priorities change nothing under SCHED_OTHER
    // but IdlePriority (SCHED_IDLE), which starves on a busy machine.
    ::setpriority(PRIO_PROCESS, id_t(::gettid()), 10);
#endif
}

QThreadPool *backgroundPool()
{
    // Its threads run nothing but background work (their priority stays
    // lowered); one fewer than the cores, so one is always left to the rest.
    // Owned by the application, whose end waits for the pool's tasks (as
    // for the global pool): none outlives the objects it works for.
    static QPointer<QThreadPool> pool;
    if (!pool) {
        pool = new QThreadPool(QCoreApplication::instance());
        pool->setMaxThreadCount(std::max(1, QThread::idealThreadCount() - 1));
    }
    return pool;
}

} // namespace causeway::ui
