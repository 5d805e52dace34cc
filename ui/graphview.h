#pragma once
// The trace graph around the focus trace: traces as nodes, span links as
// dotted edges. Zoom with the wheel or Ctrl+= / Ctrl+-, pan by dragging, fit
// with F or Ctrl+0 (also after the focus or the hops change). Clicking a
// trace goes to it; clicking a group node expands it into a block of cards,
// whose Collapse button makes it one node again; clicking a "not loaded"
// link target asks for it to be fetched (missingTraceActivated). Layout runs on a worker thread; a newer request (the focus
// moved again) supersedes the one in flight.

#include "ui/graphpainter.h"
#include "ui/zoompancanvas.h"

#include <QPointF>

#include <memory>
#include <vector>

namespace causeway::ui {

class Session;

class GraphView : public ZoomPanCanvas
{
    Q_OBJECT
public:
    explicit GraphView(Session *session, QWidget *parent = nullptr);
    ~GraphView() override;

    // Link hops shown around the focus trace.
    uint32_t depth() const { return m_depth; }
    void setDepth(uint32_t depth);
    void setDark(bool dark);

    // The picture on screen, null before the first layout finishes.
    const GraphPicture *picture() const { return m_picture.get(); }
    bool isLayingOut() const { return m_pendingGeneration != 0; }
    QString message() const { return m_message; }

    // The least zoom Fit uses: the smallest node text stays readable.
    double minimumFitZoom() const;

public slots:
    void fit() override;
    void zoomIn();
    void zoomOut();
    // Rebuilds the graph around the focus trace and lays it out again.
    void refresh();

signals:
    // A layout was shown (or failed: see message()).
    void layoutFinished();
    // A "not loaded" link target was clicked: its trace id (hex), to fetch.
    void missingTraceActivated(const QString &traceHex);

protected:
    void paintEvent(QPaintEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hoverAt(QPointF widgetPos) override;
    void hoverLeft() override;
    void clickAt(QPointF widgetPos) override;
    QString toolTipAt(QPointF widgetPos) const override;

private:
    enum class Placement { Fit, CentreOnFocus, KeepCentreNode };

    void onModelChanged();
    void onFocusChanged(uint32_t trace);
    // Coalesces the signals of one event-loop turn (modelChanged and
    // focusChanged arrive together) into one layout request.
    void scheduleRelayout(Placement placement);
    void relayout(Placement placement);
    void applyLayout(uint64_t generation, const std::shared_ptr<GraphPicture> &picture, const LayoutResult &layout);
    void centreOn(QPointF picturePos);

    Session *m_session = nullptr;
    std::unique_ptr<AsyncLayout> m_layout;
    std::shared_ptr<GraphPicture> m_picture;
    uint64_t m_pendingGeneration = 0;
    Placement m_placement = Placement::Fit;
    bool m_relayoutScheduled = false;
    bool m_stale = false;         // a relayout is due but the view is hidden
    Placement m_scheduledPlacement = Placement::Fit;
    QString m_message;            // shown instead of a picture: empty model, layout error
    uint32_t m_depth = 2;
    bool m_dark = false;
    std::vector<uint32_t> m_expandedGroups;
    uint32_t m_anchorTrace = kNone; // KeepCentreNode: this trace stays where it was on screen
    QPointF m_anchorWidgetPos;
};

} // namespace causeway::ui
