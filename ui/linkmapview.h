#pragma once
// The link map tab: the grouping to use, the map, and below it the links of
// the selected edge, slowest first. Activating a row goes to the linking span
// in the lanes. The map is computed off the GUI thread and laid out on the
// layout worker; a newer request supersedes an older one.

#include "core/layout/graphlayout.h"
#include "core/linkmap.h"
#include "ui/drawing.h"
#include "ui/hintedtree.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QTreeWidgetItem;

namespace causeway::ui {

class LinkMapCanvas;
class LinkMapPicture;
class Session;

class LinkMapView : public QWidget
{
    Q_OBJECT
public:
    explicit LinkMapView(Session *session, QWidget *parent = nullptr);
    ~LinkMapView() override;

    void setDark(bool dark);
    void setGrouping(LinkMapGrouping grouping);
    LinkMapGrouping grouping() const { return m_grouping; }

    LinkMapCanvas *canvas() const { return m_canvas; }
    HintedTreeWidget *linkList() const { return m_links; }
    const LinkMapPicture *picture() const;
    // The map on screen as a Drawing for export (same painter); nullopt
    // before the first layout finishes.
    std::optional<Drawing> drawing() const;
    bool isBusy() const { return m_busy; }

    // Lists the links of one edge of the picture's map, slowest first.
    void showEdge(int edge);

signals:
    // A link row was activated: the session went to its linking span.
    void linkActivated(uint32_t trace, uint32_t span);
    void mapShown();

protected:
    void showEvent(QShowEvent *event) override;

private:
    // `keep`: a live refresh, the map and the selected edge's links stay
    // on screen until the new map is laid out, which selects the same edge
    // (by its groups) and the same link row (by the linking span's ids).
    void rebuild(bool keep = false);
    void onRowActivated(QTreeWidgetItem *item);
    QString edgeKey(int edge) const;
    void reselect();

    Session *m_session = nullptr;
    std::unique_ptr<AsyncLayout> m_layout;
    LinkMapGrouping m_grouping = LinkMapGrouping::Service;
    bool m_dark = false;
    bool m_stale = true;
    bool m_busy = false;
    uint64_t m_request = 0;            // newest rebuild; older results are dropped
    bool m_refreshQueued = false;      // live data changed while a map was made: make it again after
    QString m_selectedEdge;            // edgeKey() of the edge whose links are listed
    QComboBox *m_groupBox = nullptr;
    QLabel *m_status = nullptr;
    LinkMapCanvas *m_canvas = nullptr;
    HintedTreeWidget *m_links = nullptr;
    std::shared_ptr<LinkMapPicture> m_picture;
};

} // namespace causeway::ui
