#pragma once

#include <QLabel>

namespace causeway::ui {

// A one-line label that gives up width to the widgets beside it: text that
// does not fit ends in "…" and the whole text becomes the tooltip. text()
// stays the whole text. Plain text only.
class ElidedLabel : public QLabel
{
    Q_OBJECT
public:
    explicit ElidedLabel(QWidget *parent = nullptr);

    QSize minimumSizeHint() const override;
    // Whether the last paint had to cut the text.
    bool isElided() const { return m_elided; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    bool m_elided = false;
};

} // namespace causeway::ui
