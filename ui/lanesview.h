#pragma once
// The linked-trace lanes view: the focus trace in the middle, the traces it
// links to above, the traces linking to it below, each a compact flame graph
// on one shared time axis, with dotted edges from linking spans to targets.
// Clicking an edge, a span or a lane's title makes its trace the focus
// (through the session, so Back returns); a group lane lists the traces it
// stands for, its failed members are one click away. Keys: + / -
// link depth, F fit the focus trace, 0 show all, Left / Right pan, N /
// Shift+N select the next / previous failed trace in place (the focus stays;
// Enter focuses it); Ctrl+wheel zooms the axis, dragging pans.

#include <QWidget>

#include <memory>
#include <vector>

class QAction;
class QSpinBox;
class QToolButton;

namespace causeway {
struct CriticalPath;
class LanesSummaryCache;
}

namespace causeway::ui {

class ElidedLabel;
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
    // The text shown instead of lanes (nothing loaded or no focus), or
    // empty while there are lanes.
    QString message() const;
    // A collect runs off the GUI thread (a focus with very many links);
    // lanesLayout() still holds the previous lanes until it lands.
    bool collecting() const;
    // The summaries of the busy traces of the model shown (built on
    // workers after a load, a live refresh or a change of depth).
    const LanesSummaryCache &summaries() const;
    // Index into lanesLayout().edges of the edge under the mouse, or -1.
    int hoveredEdge() const;
    // The members list of a group lane while it is open, else null.
    LaneMembersDialog *membersDialog() const;
    // The critical path highlighted in the focus lane, null while the switch is off.
    const CriticalPath *criticalPath() const;
    QToolButton *criticalPathToggle() const;
    // N / Shift+N (while the lanes have the keyboard): the next / previous
    // failed trace among the lanes and their groups' members, by start
    // time, selected in place (the focus stays).
    QAction *nextErrorAction() const { return m_nextError; }
    QAction *previousErrorAction() const { return m_previousError; }
    // The failed traces that stepping visits, by start time: those of the
    // lanes around the trace the stepping started from.
    const std::vector<uint32_t> &errorTour() const { return m_tour.traces; }

public slots:
    void setDepth(int depth);
    // Selects the next (direction > 0) or previous failed trace's first
    // failed span in place: the focus (the batch) stays, the member
    // surfaces as a lane next to its group, in view, and the status says
    // where it is: "error 3 of 104". Enter then focuses the member (Back
    // returns to the batch, the member still selected).
    void stepError(int direction);

signals:
    void statusMessage(const QString &text);
    void depthChanged(int depth);
    // A link stub to a trace that is not loaded was clicked: its id (hex), to fetch.
    void missingTraceActivated(const QString &traceHex);

protected:

private:
    class Canvas;
    friend class Canvas;
    void updateSummary();
    void setSummary(const QString &text);

    // The failed traces around the trace stepping started from (`origin`):
    // while the focus is that trace or one of them, N and Shift+N walk this
    // list; a focus elsewhere starts a new one from its lanes.
    struct ErrorTour
    {
        std::weak_ptr<const void> model;
        uint32_t origin = UINT32_MAX;
        std::vector<uint32_t> traces;
        int index = -1;                      // the last one visited
    };

    Canvas *m_canvas = nullptr;              // owned as a child widget
    ErrorTour m_tour;
    QAction *m_nextError = nullptr;
    QAction *m_previousError = nullptr;
    QSpinBox *m_depthBox = nullptr;
    ElidedLabel *m_summary = nullptr;
    QToolButton *m_criticalPath = nullptr;
};

} // namespace causeway::ui
