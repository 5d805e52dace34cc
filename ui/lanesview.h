#pragma once
// The linked-trace lanes view: the focus trace in the middle, the traces it
// links to above, the traces linking to it below, each a compact flame graph
// on one shared time axis, with dotted edges from linking spans to targets.
// Clicking an edge, a span or a lane's title makes its trace the focus
// (through the session, so Back returns); a group lane lists the traces it
// stands for, its failed members are one click away. Keys: + / -
// link depth, F fit the focus trace, 0 show all, Left / Right pan; Ctrl+wheel
// zooms the axis, dragging pans.

#include <QWidget>

class QLabel;
class QSpinBox;
class QToolButton;

namespace causeway {
struct CriticalPath;
}

namespace causeway::ui {

class LaneMembersDialog;
class Session;
struct LanesLayout;

class LanesView : public QWidget
{
    Q_OBJECT
public:
    explicit LanesView(Session *session, QWidget *parent = nullptr);
    ~LanesView() override;

    int depth() const;
    // The lanes as laid out now, in canvas() coordinates when scrolled to the top.
    const LanesLayout &lanesLayout() const;
    // The widget that paints the lanes and takes the mouse.
    QWidget *canvas() const;
    // Index into lanesLayout().edges of the edge under the mouse, or -1.
    int hoveredEdge() const;
    // The members list of a group lane while it is open, else null.
    LaneMembersDialog *membersDialog() const;
    // The critical path highlighted in the focus lane, null while the switch is off.
    const CriticalPath *criticalPath() const;
    QToolButton *criticalPathToggle() const;

public slots:
    void setDepth(int depth);

signals:
    void depthChanged(int depth);

private:
    class Canvas;
    friend class Canvas;
    void updateSummary();

    Canvas *m_canvas = nullptr;              // owned as a child widget
    QSpinBox *m_depthBox = nullptr;
    QLabel *m_summary = nullptr;
    QToolButton *m_criticalPath = nullptr;
};

} // namespace causeway::ui
