#pragma once
// The trace list dock: a filter line, an "only traces with links" toggle and
// the sortable table. Selecting a row focuses that trace; navigating
// anywhere else moves the current row along. Under live data the rows in
// view stay put: rows evicted above them do not scroll them away, and a
// list shown to its last row keeps showing its newest rows as they come.

#include "core/ids.h"

#include <QWidget>

#include <vector>

class QCheckBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace causeway::ui {

class Session;
class TraceFilterProxy;
class TraceListModel;

class TraceListPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TraceListPanel(Session *session, QWidget *parent = nullptr);

    QLineEdit *filterEdit() const { return m_filter; }
    QCheckBox *onlyLinkedBox() const { return m_onlyLinked; }
    QTableView *view() const { return m_view; }
    TraceFilterProxy *proxy() const { return m_proxy; }

    void focusFilter();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fitColumns();
    void reload();
    void followFocus(bool scroll = true);
    bool focusMoved() const;
    void updateCount();
    bool showsLastRow() const;
    void keepPlaceBeforeRowsMove();
    void keepPlaceAfterRowsMoved();

    Session *m_session;
    TraceListModel *m_model;
    TraceFilterProxy *m_proxy;
    QLineEdit *m_filter;
    QCheckBox *m_onlyLinked;
    QLabel *m_count;
    QTableView *m_view;
    bool m_following = false; // the selection is being moved to follow navigation, or by a filter
    bool m_fittingColumns = false;
    bool m_userSizedColumns = false;
    // Where the view was when live rows started to come or go.
    bool m_placeKept = false;
    bool m_refreshing = false; // within a live refresh, which keeps the place around all its rows' moves
    bool m_atLastRow = false;
    std::vector<TraceId> m_shownTraces; // top to bottom
    TraceId m_followedTrace; // the focus trace the current row was last put on
};

} // namespace causeway::ui
