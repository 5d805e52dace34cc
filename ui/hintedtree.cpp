#include "ui/hintedtree.h"

#include <QPainter>

namespace causeway::ui {

HintedTreeWidget::HintedTreeWidget(QWidget *parent)
    : QTreeWidget(parent)
{
}

void HintedTreeWidget::setHint(const QString &hint)
{
    if (hint == m_hint)
        return;
    m_hint = hint;
    viewport()->update();
}

void HintedTreeWidget::paintEvent(QPaintEvent *event)
{
    QTreeWidget::paintEvent(event);
    if (m_hint.isEmpty() || topLevelItemCount() > 0)
        return;
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    const int margin = fontMetrics().height();
    painter.drawText(viewport()->rect().adjusted(margin, margin, -margin, -margin), Qt::AlignCenter | Qt::TextWordWrap,
                     m_hint);
}

} // namespace causeway::ui
