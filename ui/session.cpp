#include "ui/session.h"

#include <QAction>

#include <algorithm>

namespace causeway::ui {

namespace {
constexpr size_t kHistoryLimit = 200;
}

Session::Session(QObject *parent)
    : QObject(parent)
{
}

bool Session::traceUnchanged(uint32_t trace) const
{
    return m_updateKnown && trace < m_firstNewTrace
        && !std::binary_search(m_changedTraces.begin(), m_changedTraces.end(), trace);
}

uint32_t Session::busiestTrace(const Model &model)
{
    if (model.traces.empty())
        return kNone;
    uint32_t best = 0;
    for (uint32_t t = 1; t < model.traces.size(); ++t) {
        const auto &a = model.traces[t], &b = model.traces[best];
        if (a.linksIn + a.linksOut > b.linksIn + b.linksOut)
            best = t;
    }
    return best;
}

void Session::setModel(std::shared_ptr<const Model> model)
{
    const uint32_t start = model ? busiestTrace(*model) : kNone;
    setModel(std::move(model), start);
}

void Session::setModel(std::shared_ptr<const Model> model, uint32_t startTrace)
{
    m_updateKnown = false;
    m_replaced = false;
    m_model = std::move(model);
    m_back.clear();
    m_forward.clear();
    m_current = {};
    if (m_model && startTrace < m_model->traces.size())
        m_current.trace = startTrace;
    emit modelChanged();
    emit historyChanged();
    emit focusChanged(m_current.trace, m_current.span);
}

void Session::replaceModel(std::shared_ptr<const Model> model)
{
    replace(std::move(model), nullptr);
}

void Session::replaceModel(std::shared_ptr<const Model> model, const ModelChanges &changes)
{
    replace(std::move(model), &changes);
}

void Session::replace(std::shared_ptr<const Model> model, const ModelChanges *changes)
{
    if (!m_model || !model) {
        setModel(std::move(model));
        return;
    }
    const auto old = std::move(m_model);
    m_model = std::move(model);
    m_replaced = true;
    auto remap = [&](ViewState &state) {
        if (state.trace >= old->traces.size())
            return false;
        const uint32_t trace = m_model->findTrace(old->traces[state.trace].id);
        if (trace == kNone)
            return false;
        uint32_t span = kNone;
        if (state.span < old->spanCount())
            span = m_model->findSpan(old->cold[state.span].traceId, old->cold[state.span].spanId);
        state.trace = trace;
        state.span = span;
        return true;
    };
    for (auto *list : {&m_back, &m_forward})
        std::erase_if(*list, [&](ViewState &state) { return !remap(state); });
    const ViewState before = m_current;
    const bool evicted = !remap(m_current) && before.trace != kNone;
    if (evicted)
        m_current = {};
    // Evictions renumber spans: only a step without one leaves indices alone.
    m_updateKnown = changes && !changes->reset && changes->evictedTraces.empty();
    if (m_updateKnown) {
        m_firstNewTrace = changes->firstNewTrace;
        m_changedTraces = changes->changedTraces;
    } else {
        m_changedTraces.clear();
    }
    if (changes && !changes->reset)
        emit modelUpdated(*changes);
    emit modelChanged();
    emit historyChanged();
    // Indices change as traces arrive; the views follow the same trace.
    emit focusChanged(m_current.trace, m_current.span);
    if (m_current.span != before.span)
        emit selectionChanged(m_current.span);
    if (m_current.viewStart || m_current.viewEnd)
        emit visibleRangeChanged(m_current.viewStart, m_current.viewEnd);
    if (evicted)
        emit focusEvicted();
}

void Session::navigateTo(uint32_t trace, uint32_t span)
{
    if (!m_model || trace >= m_model->traces.size())
        return;
    if (trace == m_current.trace) {
        select(span);
        return;
    }
    m_back.push_back(m_current);
    if (m_back.size() > kHistoryLimit)
        m_back.erase(m_back.begin());
    m_forward.clear();
    m_current = ViewState{trace, span, 0, 0};
    emit historyChanged();
    emit focusChanged(m_current.trace, m_current.span);
    emit selectionChanged(m_current.span);
}

void Session::select(uint32_t span)
{
    if (span == m_current.span)
        return;
    m_current.span = span;
    emit selectionChanged(span);
}

uint32_t Session::selectedTrace() const
{
    if (m_model && m_current.span < m_model->hot.size())
        return m_model->hot[m_current.span].trace;
    return m_current.trace;
}

void Session::setVisibleRange(uint64_t start, uint64_t end)
{
    if (start == m_current.viewStart && end == m_current.viewEnd)
        return;
    m_current.viewStart = start;
    m_current.viewEnd = end;
    emit visibleRangeChanged(start, end);
}

void Session::back()
{
    if (m_back.empty())
        return;
    m_forward.push_back(m_current);
    ViewState state = m_back.back();
    m_back.pop_back();
    restore(state);
}

void Session::forward()
{
    if (m_forward.empty())
        return;
    m_back.push_back(m_current);
    ViewState state = m_forward.back();
    m_forward.pop_back();
    restore(state);
}

QAction *Session::criticalPathAction()
{
    if (!m_criticalPathAction) {
        m_criticalPathAction = new QAction(QStringLiteral("Critical path"), this);
        m_criticalPathAction->setObjectName(QStringLiteral("criticalPath"));
        m_criticalPathAction->setCheckable(true);
        m_criticalPathAction->setChecked(m_criticalPathShown);
        m_criticalPathAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
        m_criticalPathAction->setToolTip(
            QStringLiteral("Highlight the spans that bound the focus trace's end, in the flame graph and the focus lane "
                           "(as Jaeger and Grafana compute it) — Ctrl+Shift+P"));
        connect(m_criticalPathAction, &QAction::toggled, this, &Session::setCriticalPathShown);
    }
    return m_criticalPathAction;
}

void Session::setCriticalPathShown(bool shown)
{
    if (m_criticalPathShown == shown)
        return;
    m_criticalPathShown = shown;
    if (m_criticalPathAction)
        m_criticalPathAction->setChecked(shown); // comes back here, unchanged
    emit criticalPathShownChanged(shown);
}

void Session::setLoading(const QString &what)
{
    if (m_loading == what)
        return;
    m_loading = what;
    emit loadingChanged();
}

void Session::restore(const ViewState &state)
{
    m_current = state;
    emit historyChanged();
    emit focusChanged(m_current.trace, m_current.span);
    emit selectionChanged(m_current.span);
    emit visibleRangeChanged(m_current.viewStart, m_current.viewEnd);
}

} // namespace causeway::ui
