#pragma once
// Where the focus trace's asynchronous chain spends its time, as a strip
// above the lanes: one bar over the chain's own timeline, coloured where a
// trace of the chain was running (by the service of the trace that first
// covered it) and hatched where none was (queues, batching, back-off), with a
// per-hop table on demand. Clicking a part of the bar goes to its trace.

#include "core/chaintiming.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QToolButton;
class QTreeWidget;

namespace causeway::ui {

class Session;
class ChainTimingBar;

class ChainTimingStrip : public QWidget
{
    Q_OBJECT
public:
    explicit ChainTimingStrip(Session *session, QWidget *parent = nullptr);

    void setDirection(Direction direction);
    const ChainTiming &timing() const { return m_timing; }
    QTreeWidget *table() const { return m_table; }
    QLabel *summary() const { return m_summary; }
    void setTableShown(bool shown);

private:
    void recompute();
    void fillTable();

    Session *m_session;
    Direction m_direction = Direction::Downstream;
    ChainTiming m_timing;
    QComboBox *m_directionBox = nullptr;
    QLabel *m_summary = nullptr;
    QToolButton *m_tableButton = nullptr;
    ChainTimingBar *m_bar = nullptr;
    QTreeWidget *m_table = nullptr;
};

} // namespace causeway::ui
