#pragma once
// A tree widget that says what would fill it while it is empty: a line of
// placeholder text centred in its viewport ("Click an edge …"), in the
// palette's placeholder colour, gone as soon as a row is added.

#include <QString>
#include <QTreeWidget>

namespace causeway::ui {

class HintedTreeWidget : public QTreeWidget
{
    Q_OBJECT

public:
    explicit HintedTreeWidget(QWidget *parent = nullptr);

    // Shown while there are no rows; empty shows nothing.
    void setHint(const QString &hint);
    QString hint() const { return m_hint; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_hint;
};

} // namespace causeway::ui
