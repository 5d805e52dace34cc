#pragma once
// The flame graph of the focus trace: an icicle (roots on top, one row per
// depth, x is time) with an overview strip of the whole trace, a time axis
// relative to the trace start and a legend of service colours.
//
// Mouse: wheel zooms around the cursor (Shift+wheel scrolls rows), middle
// drag or Shift+drag pans, left drag selects a time range and zooms to it,
// click selects, double-click zooms to a span (or fits, on empty space),
// dragging in the overview moves the window.
// Keys: +/-/W/S zoom, A/D pan (arrows too when nothing is selected), F/Home
// fit, Up/Down parent/first child, Left/Right siblings, Enter zooms to the
// selection and activates it.
//
// Follows the session: the focus trace, the selection and the visible range
// (zoom and pan are reported with Session::setVisibleRange so Back restores
// them; a fit is reported as 0/0).

#include "core/model.h"
#include "ui/flamepainter.h"

#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

namespace causeway::ui {

class Session;

class FlameGraphWidget : public QWidget
{
    Q_OBJECT
public:
    explicit FlameGraphWidget(Session *session, QWidget *parent = nullptr);
    ~FlameGraphWidget() override;

    // Marks spans (search matches) with an outline; other traces' spans are ignored.
    void setHighlightedSpans(std::vector<uint32_t> spans);

    // The visible window in absolute ns.
    uint64_t viewStart() const;
    uint64_t viewEnd() const;

    // Where the rows are drawn, what is drawn at a point and where a span is
    // drawn (kNone / nullopt for nothing), in widget coordinates.
    QRectF flameRect() const;
    uint32_t spanAt(QPointF pos) const;
    std::optional<QRectF> spanRect(uint32_t span) const;
    // The painter of the rows (its geometry is what the last paint drew).
    FlamePainter &painter() { return m_painter; }
    FlameView currentView() const;

    QSize sizeHint() const override;
    // The height that shows every row of the trace (overview, axis and
    // legend included), so a short trace does not leave the pane half empty.
    int contentHeightHint() const;
    QSize minimumSizeHint() const override;

public slots:
    void zoomIn();
    void zoomOut();
    void fitToTrace();
    // Zooms to a span with a small margin and scrolls its row into view.
    void zoomToSpan(uint32_t span);

signals:
    // A span was double-clicked, or Enter was pressed on the selection.
    void spanActivated(uint32_t span);
    // The rows of a very large focus trace, indexed off the GUI thread, are shown.
    void rowsReady();
    // A new trace is shown: contentHeightHint() changed.
    void contentHeightChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool event(QEvent *event) override;

private:
    enum class Drag { None, Select, Pan, Overview };

    void onFocusChanged();
    void installRows(std::shared_ptr<const FlameRows> rows);
    void applySessionRange();
    void onVisibleRangeChanged(uint64_t start, uint64_t end);
    void onSelectionChanged(uint32_t span);
    void updateStyle();

    double fullLength() const;
    double minLength() const;
    // Sets the window in ns relative to the trace start, clamped to the trace.
    void setWindow(double start, double end, bool report);
    void zoomAround(double x, double factor);
    void panBy(double px);
    void scrollBy(double dy);
    void clampScroll();
    void ensureVisible(uint32_t span);
    void selectAndShow(uint32_t span);
    uint32_t relative(uint32_t span, int key) const;

    QRectF overviewRect() const;
    QRectF axisRect() const;
    QRectF legendRect() const;
    double timeAtX(double x) const;    // ns from the trace start under flame x
    void moveOverviewTo(double x);
    QString toolTipFor(uint32_t span) const;

    Session *m_session;
    std::shared_ptr<const Model> m_model;
    uint32_t m_trace = kNone;
    uint64_t m_generation = 0;   // of focus changes: late results of older ones are dropped
    bool m_preparing = false;
    std::shared_ptr<const FlameRows> m_rows;
    bool m_focusEvicted = false;  // the focus went with live data's retention cap
    FlamePainter m_painter;
    FlamePainter m_overview;
    FlameStyle m_style;
    std::vector<uint32_t> m_highlighted;

    double m_viewStart = 0;    // ns from the trace start
    double m_viewEnd = 1;
    double m_scrollY = 0;
    double m_rowHeight = 18;
    double m_legendHeight = 20;
    uint32_t m_hovered = kNone;

    Drag m_drag = Drag::None;
    QPointF m_pressPos;
    double m_pressViewStart = 0;
    double m_pressScrollY = 0;
    bool m_banding = false;
    double m_bandEnd = 0;
};

} // namespace causeway::ui
