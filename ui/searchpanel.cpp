#include "ui/searchpanel.h"

#include "ui/displaytext.h"
#include "ui/resultlist.h"
#include "ui/session.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QTimer>
#include <QToolButton>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <iterator>
#include <utility>

namespace causeway::ui {

namespace {
constexpr size_t kResultLimit = 100000;
// Up to this many spans changed by a live refresh are searched again on the
// GUI thread (a few milliseconds); more go to a worker, all traces at once.
constexpr uint64_t kSpansSearchedInPlace = 100000;
}

SearchPanel::SearchPanel(Session *session, ResultList *results, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_results(results)
    , m_edit(new QLineEdit(this))
    , m_count(new QLabel(this))
    , m_delay(new QTimer(this))
{
    m_edit->setPlaceholderText(QStringLiteral("Find spans: name, or key=value (span or resource attribute)"));
    m_edit->setClearButtonEnabled(true);
    m_edit->installEventFilter(this);
    m_delay->setSingleShot(true);
    m_delay->setInterval(250);

    auto *previousButton = new QToolButton(this);
    previousButton->setArrowType(Qt::UpArrow);
    previousButton->setToolTip(QStringLiteral("Previous match (Shift+F3)"));
    auto *nextButton = new QToolButton(this);
    nextButton->setArrowType(Qt::DownArrow);
    nextButton->setToolTip(QStringLiteral("Next match (F3)"));
    auto *closeButton = new QToolButton(this);
    closeButton->setText(QStringLiteral("✕"));
    closeButton->setAutoRaise(true);
    closeButton->setToolTip(QStringLiteral("Close the search bar (Esc)"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(new QLabel(QStringLiteral("Find:"), this));
    layout->addWidget(m_edit, 1);
    layout->addWidget(previousButton);
    layout->addWidget(nextButton);
    layout->addWidget(m_count);
    layout->addWidget(closeButton);

    connect(m_edit, &QLineEdit::textChanged, m_delay, qOverload<>(&QTimer::start));
    connect(m_delay, &QTimer::timeout, this, &SearchPanel::search);
    connect(m_edit, &QLineEdit::returnPressed, this, [this] {
        if (m_edit->text() != m_doneText || m_doneModel != m_session->model())
            search();
        else
            next();
    });
    connect(previousButton, &QToolButton::clicked, this, &SearchPanel::previous);
    connect(nextButton, &QToolButton::clicked, this, &SearchPanel::next);
    connect(closeButton, &QToolButton::clicked, this, &SearchPanel::closeBar);
    connect(m_session, &Session::focusChanged, this, &SearchPanel::updateHighlight);
    connect(m_session, &Session::modelUpdated, this, [this](const ModelChanges &changes) {
        m_changes = changes;
        m_haveChanges = true;
    });
    connect(m_session, &Session::modelChanged, this, [this] {
        const bool haveChanges = std::exchange(m_haveChanges, false);
        const bool sameSearch = !m_doneText.trimmed().isEmpty() && m_doneText == m_edit->text();
        if (m_session->modelReplaced() && m_session->model() && isVisible()) {
            if (m_running) {
                start(m_runningFresh); // the search in flight read the snapshot before
                return;
            }
            if (m_doneModel && sameSearch) {
                bringUpToDate(haveChanges ? &m_changes : nullptr);
                return;
            }
        }
        m_matches.clear();
        m_doneText.clear();
        m_doneModel.reset();
        m_count->clear();
        if (isVisible() && !m_edit->text().isEmpty())
            search();
    });
}

SearchPanel::~SearchPanel()
{
    // The search task holds its own model and flag, so it may end after us.
    if (m_running)
        *m_running = true;
}

void SearchPanel::search()
{
    start(true);
}

void SearchPanel::start(bool fresh)
{
    m_delay->stop();
    const auto model = m_session->model();
    const QString text = m_edit->text();
    if (m_running)
        *m_running = true;
    m_running.reset();
    const int generation = ++m_generation;
    if (!model || text.trimmed().isEmpty()) {
        deliver({}, text, fresh);
        return;
    }
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    m_running = cancel;
    m_runningFresh = fresh;
    m_count->setText(QStringLiteral("searching…"));
    const SpanQuery query = SpanQuery::parse(text.toStdString());
    auto *watcher = new QFutureWatcher<SearchResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, text, fresh] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        m_running.reset();
        deliver(watcher->result(), text, fresh);
    });
    watcher->setFuture(QtConcurrent::run([model, query, cancel] {
        return searchSpans(*model, query, kResultLimit, cancel.get());
    }));
}

void SearchPanel::deliver(const SearchResult &result, const QString &text, bool fresh)
{
    if (result.cancelled)
        return;
    m_doneText = text;
    m_doneModel = m_session->model();
    m_matches = result.spans;
    showMatches(text, result.truncated, fresh);
}

void SearchPanel::showMatches(const QString &text, bool truncated, bool fresh)
{
    const auto &model = m_doneModel;
    std::vector<ResultEntry> entries;
    entries.reserve(m_matches.size());
    for (uint32_t s : m_matches)
        entries.push_back({model->hot[s].trace, s, -1});
    if (text.trimmed().isEmpty()) {
        m_count->clear();
        m_results->clear();
        m_shownTitle.clear();
    } else {
        const QString count = truncated ? QStringLiteral("first %L1 matches").arg(m_matches.size())
                                        : display::count(m_matches.size(), "match", "matches");
        m_count->setText(count);
        const QString title = QStringLiteral("Search “%1”: %2").arg(text.toHtmlEscaped(), count);
        if (fresh)
            m_results->setResults(title, std::move(entries));
        else if (m_results->title() == m_shownTitle) // still showing our matches, not a chain's
            m_results->updateResults(title, std::move(entries));
        m_shownTitle = title;
    }
    updateHighlight();
    emit finished(int(m_matches.size()));
    // The first match comes into view unless the focus trace already has
    // one; a refresh of live data never moves the user.
    if (fresh && !m_matches.empty() && matchesInFocusTrace().empty())
        m_results->goTo(0);
}

void SearchPanel::bringUpToDate(const ModelChanges *changes)
{
    const auto model = m_session->model();
    if (!changes || changes->reset) {
        start(false);
        return;
    }
    const Model &from = *m_doneModel, &to = *model;
    std::vector<uint32_t> again = changes->changedTraces;
    for (auto t = changes->firstNewTrace; t < to.traces.size(); ++t)
        again.push_back(t);
    uint64_t spans = 0;
    for (uint32_t t : again)
        spans += to.traces[t].spans.count;
    if (spans > kSpansSearchedInPlace) {
        start(false);
        return;
    }
    // Without an eviction a span keeps its index; with one, it is found by id.
    const bool sameIndices = changes->evictedTraces.empty();
    std::vector<uint32_t> kept;
    kept.reserve(m_matches.size());
    for (uint32_t s : m_matches) {
        const uint32_t now = sameIndices ? s : to.sameSpan(from, s);
        if (now == kNone || std::binary_search(again.begin(), again.end(), to.hot[now].trace))
            continue;
        kept.push_back(now);
    }
    const SearchResult more = searchSpansOf(to, SpanQuery::parse(m_doneText.toStdString()), again, kResultLimit);
    // Both are grouped by trace in trace order, and no trace is in both.
    std::vector<uint32_t> merged;
    merged.reserve(kept.size() + more.spans.size());
    std::merge(kept.begin(), kept.end(), more.spans.begin(), more.spans.end(), std::back_inserter(merged),
               [&to](uint32_t a, uint32_t b) { return to.hot[a].trace < to.hot[b].trace; });
    const bool truncated = merged.size() > kResultLimit || more.truncated;
    if (merged.size() > kResultLimit)
        merged.resize(kResultLimit);
    m_doneModel = model;
    m_matches = std::move(merged);
    showMatches(m_doneText, truncated, false);
}

std::vector<uint32_t> SearchPanel::matchesInFocusTrace() const
{
    const auto &model = m_session->model();
    const uint32_t trace = m_session->focusTrace();
    if (!model || model != m_doneModel || trace == kNone)
        return {};
    // Matches are grouped by trace in trace order.
    auto byTrace = [&](uint32_t s) { return model->hot[s].trace; };
    auto first = std::partition_point(m_matches.begin(), m_matches.end(), [&](uint32_t s) { return byTrace(s) < trace; });
    auto last = std::partition_point(first, m_matches.end(), [&](uint32_t s) { return byTrace(s) <= trace; });
    return {first, last};
}

void SearchPanel::updateHighlight()
{
    emit highlightChanged(matchesInFocusTrace());
}

void SearchPanel::next()
{
    if (m_edit->text() != m_doneText && !m_edit->text().isEmpty()) {
        search();
        return;
    }
    m_results->step(+1);
}

void SearchPanel::previous()
{
    m_results->step(-1);
}

void SearchPanel::openBar()
{
    show();
    m_edit->setFocus(Qt::ShortcutFocusReason);
    m_edit->selectAll();
}

void SearchPanel::closeBar()
{
    hide();
    emit highlightChanged({});
}

bool SearchPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_edit && event->type() == QEvent::KeyPress
        && static_cast<QKeyEvent *>(event)->key() == Qt::Key_Escape) {
        closeBar();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace causeway::ui
