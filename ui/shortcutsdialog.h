#pragma once
// Help > Keyboard Shortcuts: every shortcut of the window in one table.

#include <QDialog>
#include <QList>
#include <QString>

class QTableWidget;

namespace causeway::ui {

class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    struct Row
    {
        QString group, what, keys;
    };
    explicit ShortcutsDialog(const QList<Row> &rows, QWidget *parent = nullptr);
    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
};

} // namespace causeway::ui
