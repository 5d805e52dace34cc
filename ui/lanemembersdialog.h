#pragma once
// The members list of a group lane: a filter box (a name, a trace id
// prefix, key=value on the linking or linked span, "error"), sortable
// columns with one chosen attribute, all keyboard driven: type to filter,
// Down to the list, Enter focuses a member, P pins it as a lane of its own.

#include "core/lanesquery.h"

#include <QDialog>

#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace causeway::ui {

class LaneGroupModel;

class LaneMembersDialog : public QDialog
{
    Q_OBJECT
public:
    LaneMembersDialog(std::shared_ptr<const Model> model, std::vector<LaneMember> members, const QString &title,
                      QWidget *parent = nullptr);

    QLineEdit *filterBox() const { return m_filter; }
    QTableView *table() const { return m_table; }
    LaneGroupModel *membersModel() const { return m_members; }
    void setFilter(const QString &text);

signals:
    void focusRequested(uint32_t trace);
    void pinRequested(uint32_t trace);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void focusCurrent();
    void pinCurrent();
    void updateCount();

    LaneGroupModel *m_members = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_attribute = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_count = nullptr;
};

} // namespace causeway::ui
