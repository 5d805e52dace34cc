#pragma once
// The members list of a group lane: a filter box (a name, a trace id
// prefix, key=value on the linking or linked span, "error"), sortable
// columns with one chosen attribute, all keyboard driven: type to filter,
// Down to the list, Enter focuses a member, P pins it as a lane of its own.
// A group of 100,000 is listed on a worker: the dialog opens at once and
// fills when the rows are ready.

#include "core/lanesquery.h"

#include <QDialog>

#include <atomic>
#include <functional>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QTableView;

namespace causeway::ui {

class LaneGroupModel;

class LaneMembersDialog : public QDialog
{
    Q_OBJECT
public:
    LaneMembersDialog(std::shared_ptr<const Model> model, std::vector<LaneMember> members, const QString &title,
                      QWidget *parent = nullptr);
    // Lists the members on a worker: `list` runs there (laneMembers()
    // walks the chain again), then the rows are prepared there too. The
    // dialog shows a busy bar until they land; closing it drops the work.
    using MemberList = std::function<std::vector<LaneMember>()>;
    LaneMembersDialog(std::shared_ptr<const Model> model, MemberList list, const QString &title, QWidget *parent = nullptr);
    ~LaneMembersDialog() override;

    // The rows are still being listed on the worker.
    bool listing() const { return m_listing; }

    QLineEdit *filterBox() const { return m_filter; }
    QTableView *table() const { return m_table; }
    LaneGroupModel *membersModel() const { return m_members; }
    void setFilter(const QString &text);

signals:
    void focusRequested(uint32_t trace);
    // The rows listed on the worker are in the table.
    void listed();
    void pinRequested(uint32_t trace);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void setUp(const QString &title);
    void focusCurrent();
    void pinCurrent();
    void updateCount();

    LaneGroupModel *m_members = nullptr;
    QLineEdit *m_filter = nullptr;
    QComboBox *m_attribute = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_count = nullptr;
    QProgressBar *m_progress = nullptr;
    bool m_listing = false;
    std::shared_ptr<std::atomic<bool>> m_cancel;
};

} // namespace causeway::ui
