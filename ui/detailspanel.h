#pragma once
// The span details dock: everything about the selected span, with links in
// both directions that navigate on a click on their text, or when activated.

#include <QWidget>

class QLabel;
class QTreeView;
class QModelIndex;

namespace causeway::ui {

class DetailsModel;
class Session;

class DetailsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DetailsPanel(Session *session, QWidget *parent = nullptr);

    DetailsModel *detailsModel() const { return m_model; }
    QTreeView *view() const { return m_view; }

    // Goes where the row leads (a linked span, the parent); false if nowhere.
    bool activate(const QModelIndex &index);

signals:
    // An unresolved link was activated: its target trace (hex) is not loaded.
    void missingLinkActivated(const QString &traceHex);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void fitNameColumn();
    // Whether a viewport position is on the underlined text of a link row.
    bool isOnLinkText(QPoint pos) const;
    void refresh();
    void showContextMenu(const QPoint &pos);
    void copy(const QString &text);

    Session *m_session;
    DetailsModel *m_model;
    QLabel *m_header;
    QTreeView *m_view;
};

} // namespace causeway::ui
