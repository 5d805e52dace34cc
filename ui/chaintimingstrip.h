#pragma once
// Where the focus trace's asynchronous chain spends its time, as a strip
// above the lanes: one bar over the chain's own timeline, coloured where a
// trace of the chain was running (by the service of the trace that first
// covered it) and hatched where none was (queues, batching, back-off), with a
// per-hop table on demand. Clicking a part of the bar goes to its trace.
//
// Waits can be hours against traces of milliseconds: drawn to scale they
// would squeeze every trace into a sliver. Long waits are cut to breaks of a
// fixed width, marked with a zig-zag and the real time waited; the traces
// share one scale, so their lengths still compare.

#include "core/chaintiming.h"
#include "ui/lanestime.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QToolButton;
class QTreeView;

namespace causeway::ui {

class Session;
class ChainTimingBar;
class ChainHopsModel;
class ElidedLabel;

// The strip's time axis over [x0, x1]: the hops' traces at one scale; a
// wait becomes a break when it is longer than the traces on either side of
// it and, drawn to that scale, would be wider than the break.
TimeMapOptions chainTimeMapOptions();
TimeMap chainTimeMap(const ChainTiming &timing, double x0, double x1);

class ChainTimingStrip : public QWidget
{
    Q_OBJECT
public:
    explicit ChainTimingStrip(Session *session, QWidget *parent = nullptr);

    void setDirection(Direction direction);
    const ChainTiming &timing() const { return m_timing; }
    QTreeView *table() const { return m_table; }
    ElidedLabel *summary() const { return m_summary; }
    // Offered when the chosen direction reaches no trace and the other one
    // would ("Show Upstream" for a batch, whose items it links to).
    QToolButton *otherDirectionButton() const { return m_otherButton; }
    // The bar's time axis as last laid out for its width.
    const TimeMap &timeMap() const;
    // The bar itself (a click on a trace's part focuses that trace).
    QWidget *bar() const;
    void setTableShown(bool shown);
    // Whether the chain is being worked out on a worker (large models).
    bool isComputing() const { return m_computing; }
    // Models with fewer spans than this get their chain on the GUI thread,
    // at once; larger ones on a worker (tests lower it).
    void setAsyncSpans(size_t spans) { m_asyncSpans = spans; }

signals:
    // The chain of the current focus and direction is shown.
    void timingReady();

private:
    void recompute();
    void showTiming(ChainTiming timing);
    void fitColumns();

    Session *m_session;
    Direction m_direction = Direction::Downstream;
    ChainTiming m_timing;
    uint64_t m_generation = 0; // a newer request drops a worker's older answer
    bool m_computing = false;
    size_t m_asyncSpans = 100'000;
    QComboBox *m_directionBox = nullptr;
    ElidedLabel *m_summary = nullptr;
    QToolButton *m_tableButton = nullptr;
    QToolButton *m_otherButton = nullptr;
    Direction m_otherDirection = Direction::Upstream;
    ChainTimingBar *m_bar = nullptr;
    QTreeView *m_table = nullptr;
    ChainHopsModel *m_hops = nullptr;
};

} // namespace causeway::ui
