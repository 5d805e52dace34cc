#pragma once
// The critical path of the focus trace drawn over the flame graph: a pass of
// its own on top of the flame widget (transparent for the mouse), so the
// flame painter stays as it is. Each section of the path is underlined in its
// span's box and the spans off the path are veiled; a toggle button in the
// corner switches it on and off.

#include "core/criticalpath.h"

#include <QWidget>

#include <memory>

class QToolButton;

namespace causeway::ui {

class FlameGraphWidget;
class Session;

class CriticalPathOverlay : public QWidget
{
    Q_OBJECT
public:
    CriticalPathOverlay(FlameGraphWidget *flame, Session *session);

    bool isShown() const { return m_enabled; }
    void setShown(bool shown);
    const CriticalPath &path() const { return m_path; }
    QToolButton *toggle() const { return m_toggle; }

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void recompute();
    void placeToggle();

    FlameGraphWidget *m_flame;
    Session *m_session;
    QToolButton *m_toggle = nullptr;
    bool m_enabled = false;
    CriticalPath m_path;
};

} // namespace causeway::ui
