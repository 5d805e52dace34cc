#pragma once
// The trace list dock: a filter line, an "only traces with links" toggle and
// the sortable table. Selecting a row focuses that trace; navigating
// anywhere else moves the current row along.

#include <QWidget>

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
    void followFocus();
    void updateCount();

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
};

} // namespace causeway::ui
