#pragma once
// What the user is looking at, shared by every view of the main window: the
// loaded model, the focus trace, the selected span, the visible time range,
// and the back/forward history of where they have been.

#include "core/model.h"

#include <QObject>
#include <QString>

class QAction;

#include <memory>
#include <vector>

namespace causeway::ui {

// One place in the history.
struct ViewState
{
    uint32_t trace = kNone;          // focus trace
    uint32_t span = kNone;           // selected span, kNone for none
    uint64_t viewStart = 0;          // visible time range in absolute ns; 0/0 means "fit the trace"
    uint64_t viewEnd = 0;
    bool operator==(const ViewState &) const = default;
};

class Session : public QObject
{
    Q_OBJECT
public:
    explicit Session(QObject *parent = nullptr);

    // The model is immutable while shown; a new load replaces it whole.
    const std::shared_ptr<const Model> &model() const { return m_model; }
    void setModel(std::shared_ptr<const Model> model);
    // The same, starting on `startTrace` (kNone: none), found beforehand
    // with busiestTrace() off the GUI thread, as the load worker does: the
    // hand-over of a large model then costs the GUI thread nothing in the
    // model's size.
    void setModel(std::shared_ptr<const Model> model, uint32_t startTrace);
    // The trace a new model is shown at first: the one with the most links,
    // where the story is (the first of them on a tie; kNone when empty).
    static uint32_t busiestTrace(const Model &model);
    // A newer version of the same data (live receiving): focus, selection,
    // visible range and history are carried over by trace and span id, so
    // the view does not jump. Places whose trace is gone are dropped.
    void replaceModel(std::shared_ptr<const Model> model);
    // The same, for a model that grew from the one shown in the ways
    // `changes` lists: modelUpdated() tells views what changed before
    // modelChanged(), so that they can update instead of starting over.
    void replaceModel(std::shared_ptr<const Model> model, const ModelChanges &changes);

    // Whether the last replaceModel() left trace `trace` (an index in the
    // current model) as it was: its spans at the same indices, no new spans
    // or links. Views keep what they built for it instead of starting over.
    bool traceUnchanged(uint32_t trace) const;
    // Whether the model shown replaced the one before it as a newer version
    // of the same data (replaceModel), so that views carry what they show
    // over by trace and span id instead of starting over; false after
    // setModel().
    bool modelReplaced() const { return m_replaced; }

    const ViewState &current() const { return m_current; }
    uint32_t focusTrace() const { return m_current.trace; }
    uint32_t selectedSpan() const { return m_current.span; }

    // Go to a trace (and select a span in it): the place left is pushed on
    // the back history and the forward history is cleared. Going to where
    // we already are only changes the selection.
    void navigateTo(uint32_t trace, uint32_t span = kNone);
    // Select a span without a history entry: one of the focus trace, or of
    // a trace the views show around it (the lanes select a batch's failed
    // member in place, without leaving the batch).
    void select(uint32_t span);
    // The trace of the selected span, else the focus trace: where a query
    // "from the selection" starts.
    uint32_t selectedTrace() const;
    // The views report zoom and pan here so Back can restore them.
    void setVisibleRange(uint64_t start, uint64_t end);

    bool canGoBack() const { return !m_back.empty(); }
    // The focus trace of the place Back returns to: where the user came from.
    uint32_t previousTrace() const { return m_back.empty() ? kNone : m_back.back().trace; }
    bool canGoForward() const { return !m_forward.empty(); }
    void back();
    void forward();

    // One switch for every view that can highlight the focus trace's
    // critical path (the flame graph and the focus lane of the lanes).
    bool criticalPathShown() const { return m_criticalPathShown; }
    void setCriticalPathShown(bool shown);
    // That switch as the one checkable action every view's button and the
    // menu share: one label, one state, one shortcut (Ctrl+Shift+P).
    QAction *criticalPathAction();

    // What is being loaded while a load runs ("1G.jsonl", "3 files"), empty
    // otherwise: a view with no model says that instead of "nothing loaded".
    const QString &loading() const { return m_loading; }
    void setLoading(const QString &what);

signals:
    void modelChanged();
    // Emitted just before modelChanged() when the new model grew from the
    // previous one (replaceModel with changes), with what changed.
    void modelUpdated(const causeway::ModelChanges &changes);
    // The focus trace went from a newer version of the data (the retention
    // cap removed it); the focus is cleared.
    void focusEvicted();
    // The focus trace changed (navigation, back, forward, new model).
    void focusChanged(uint32_t trace, uint32_t span);
    void selectionChanged(uint32_t span);
    // Emitted when Back/Forward restores a range, or setVisibleRange changes it.
    void visibleRangeChanged(uint64_t start, uint64_t end);
    void historyChanged();
    void criticalPathShownChanged(bool shown);
    void loadingChanged();

private:
    void restore(const ViewState &state);
    void replace(std::shared_ptr<const Model> model, const ModelChanges *changes);

    std::shared_ptr<const Model> m_model;
    ViewState m_current;
    std::vector<ViewState> m_back;
    std::vector<ViewState> m_forward;
    bool m_criticalPathShown = false;
    QAction *m_criticalPathAction = nullptr;
    QString m_loading;
    // What the last replaceModel() changed, for traceUnchanged().
    bool m_updateKnown = false;
    bool m_replaced = false;
    uint32_t m_firstNewTrace = 0;
    std::vector<uint32_t> m_changedTraces;
};

} // namespace causeway::ui
