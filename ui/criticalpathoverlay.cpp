#include "ui/criticalpathoverlay.h"

#include "ui/criticalpathpainter.h"
#include "ui/displaytext.h"
#include "ui/flamegraph.h"
#include "ui/session.h"

#include <QEvent>
#include <QPainter>
#include <QToolButton>

namespace causeway::ui {

CriticalPathOverlay::CriticalPathOverlay(FlameGraphWidget *flame, Session *session)
    : QWidget(flame)
    , m_flame(flame)
    , m_session(session)
{
    setObjectName(QStringLiteral("criticalPathOverlay"));
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    m_toggle = new QToolButton(flame);
    m_toggle->setObjectName(QStringLiteral("criticalPathToggle"));
    m_toggle->setAutoRaise(false);
    m_toggle->setFocusPolicy(Qt::NoFocus);
    flame->installEventFilter(this);
    if (m_session) {
        // The session holds the switch and its one action: the lanes' button and this one are the same control.
        m_toggle->setDefaultAction(m_session->criticalPathAction());
        connect(m_session, &Session::criticalPathShownChanged, this, &CriticalPathOverlay::setShown);
    } else {
        m_toggle->setText(tr("Critical path"));
        m_toggle->setCheckable(true);
        connect(m_toggle, &QToolButton::toggled, this, &CriticalPathOverlay::setShown);
    }
    if (m_session) {
        // A new model always comes with focusChanged (Session): one chain per model, not two.
        connect(m_session, &Session::focusChanged, this, [this] { recompute(); });
    }
    setGeometry(flame->rect());
    placeToggle();
    hide();
    if (m_session && m_session->criticalPathShown())
        setShown(true);
}

void CriticalPathOverlay::setShown(bool shown)
{
    if (!m_session && m_toggle->isChecked() != shown)
        m_toggle->setChecked(shown); // comes back here
    if (m_session)
        m_session->setCriticalPathShown(shown); // tells the other views; nothing when unchanged
    if (m_enabled == shown)
        return;
    m_enabled = shown;
    recompute();
}

void CriticalPathOverlay::recompute()
{
    m_path = {};
    const std::shared_ptr<const Model> model = m_session ? m_session->model() : nullptr;
    if (m_enabled && model && m_session->focusTrace() < model->traces.size()) {
        m_path = criticalPath(*model, m_session->focusTrace());
        m_toggle->setToolTip(tr("Critical path: %1 in %2 sections over %3 spans (Ctrl+Shift+P)")
                                 .arg(display::duration(m_path.total()))
                                 .arg(m_path.sections.size())
                                 .arg(m_path.spans.size()));
    }
    setVisible(m_enabled);
    raise();
    m_toggle->raise();
    update();
}

void CriticalPathOverlay::placeToggle()
{
    m_toggle->adjustSize();
    // Bottom right, on the legend's row: clear of the overview and the rows' labels.
    m_toggle->move(m_flame->width() - m_toggle->width() - 6, m_flame->height() - m_toggle->height() - 2);
    m_toggle->raise();
}

bool CriticalPathOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_flame) {
        if (event->type() == QEvent::Resize) {
            setGeometry(m_flame->rect());
            placeToggle();
        }
        // No need to follow the flame's paints: a transparent child is
        // repainted with whatever part of its parent is.
    }
    return QWidget::eventFilter(watched, event);
}

void CriticalPathOverlay::paintEvent(QPaintEvent *)
{
    if (!m_enabled || m_path.sections.empty())
        return;
    const std::shared_ptr<const Model> model = m_session->model();
    if (!model || m_path.trace != m_session->focusTrace())
        return;
    QPainter p(this);
    const FlameView view = m_flame->currentView();
    CriticalPathGeometry geometry;
    geometry.area = m_flame->flameRect();
    geometry.boxOf = [this](uint32_t span) { return m_flame->spanRect(span); };
    geometry.xOf = [&view](uint64_t t) { return view.xOf(t); };
    paintCriticalPath(p, m_path, geometry, palette().color(QPalette::Window).lightness() < 128);
}

} // namespace causeway::ui
