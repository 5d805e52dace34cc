#pragma once
// The search bar (Ctrl+F): a span name substring or key=value over span and
// resource attributes, across every loaded trace. Matches go to a result
// list; the ones in the focus trace are highlighted in the flame graph.

#include "core/model.h"
#include "core/spansearch.h"

#include <QWidget>

#include <atomic>
#include <memory>
#include <vector>

class QLabel;
class QLineEdit;
class QTimer;

namespace causeway::ui {

class ResultList;
class Session;

class SearchPanel : public QWidget
{
    Q_OBJECT
public:
    SearchPanel(Session *session, ResultList *results, QWidget *parent = nullptr);
    ~SearchPanel() override;

    QLineEdit *lineEdit() const { return m_edit; }
    // Starts the search for the line edit's text now (no typing delay).
    void search();
    bool isSearching() const { return m_running != nullptr; }
    const std::vector<uint32_t> &matches() const { return m_matches; }
    // Matches inside the focus trace, what the flame graph highlights.
    std::vector<uint32_t> matchesInFocusTrace() const;

    void next();
    void previous();
    void openBar();     // show and focus, text selected
    void closeBar();    // hide, clear highlights

signals:
    void finished(int count);
    void highlightChanged(const std::vector<uint32_t> &spans);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void start(bool fresh);
    void deliver(const SearchResult &result, const QString &text, bool fresh);
    // A live refresh: the matches are carried over, and the traces the
    // refresh changed or added are searched again (all of them when it
    // cannot say which).
    void bringUpToDate(const ModelChanges *changes);
    void showMatches(const QString &text, bool truncated, bool fresh);
    void updateHighlight();

    Session *m_session;
    ResultList *m_results;
    QLineEdit *m_edit;
    QLabel *m_count;
    QTimer *m_delay;
    std::shared_ptr<std::atomic<bool>> m_running; // cancel flag of the search in flight
    int m_generation = 0;                         // results of older searches are dropped
    QString m_doneText;
    std::shared_ptr<const Model> m_doneModel;
    std::vector<uint32_t> m_matches;
    bool m_runningFresh = false;                  // the search in flight was asked for (it may go to a match)
    QString m_shownTitle;                         // the result list's title while it shows our matches
    ModelChanges m_changes;                       // of the refresh being taken (modelUpdated)
    bool m_haveChanges = false;
};

} // namespace causeway::ui
