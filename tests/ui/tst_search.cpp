// Span search: name substrings and key=value over span and resource
// attributes, through the core scan and through the search bar.

#include "shellmodel.h"

#include "core/spansearch.h"
#include "ui/resultlist.h"
#include "ui/searchpanel.h"
#include "ui/session.h"

#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace causeway;
using namespace causeway::ui;


class TestSearch : public QObject
{
    Q_OBJECT
private slots:
    void parsesQueries()
    {
        QCOMPARE(int(SpanQuery::parse("  ").kind), int(SpanQuery::Kind::Empty));
        const SpanQuery name = SpanQuery::parse(" Charge ");
        QCOMPARE(int(name.kind), int(SpanQuery::Kind::Name));
        QCOMPARE(name.text, std::string("charge"));
        const SpanQuery attr = SpanQuery::parse("service.name=billing");
        QCOMPARE(int(attr.kind), int(SpanQuery::Kind::Attribute));
        QCOMPARE(attr.text, std::string("service.name"));
        QCOMPARE(attr.value, std::string("billing"));
        QCOMPARE(SpanQuery::parse("note=\" a b \"").value, std::string(" a b "));
        // A space before '=' makes it a name query: span names hold such text.
        QCOMPARE(int(SpanQuery::parse("GET /?a=b").kind), int(SpanQuery::Kind::Name));
    }

    void scans_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QList<uint>>("spans");
        // Span indices of the shell model; results come by trace, then start.
        QTest::newRow("name substring, any case") << QStringLiteral("CHARGE") << QList<uint>{3, 4};
        QTest::newRow("name shared by many spans") << QStringLiteral("report row") << QList<uint>{6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        QTest::newRow("span attribute string") << QStringLiteral("messaging.system=kafka") << QList<uint>{1};
        QTest::newRow("span attribute int") << QStringLiteral("http.status_code=200") << QList<uint>{1};
        QTest::newRow("attribute value must match") << QStringLiteral("http.status_code=404") << QList<uint>{};
        QTest::newRow("resource attribute") << QStringLiteral("service.name=billing") << QList<uint>{2, 3};
        QTest::newRow("service name without the attribute") << QStringLiteral("service.name=frontend") << QList<uint>{0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
        QTest::newRow("resource attribute 2") << QStringLiteral("deployment.environment=prod") << QList<uint>{2, 3};
        QTest::newRow("unknown key") << QStringLiteral("no.such.key=1") << QList<uint>{};
        QTest::newRow("no match") << QStringLiteral("zebra") << QList<uint>{};
    }

    void scans()
    {
        QFETCH(QString, query);
        QFETCH(QList<uint>, spans);
        const auto shell = test::makeShellModel();
        const SearchResult r = searchSpans(*shell.model, SpanQuery::parse(query.toStdString()));
        QCOMPARE(QList<uint>(r.spans.begin(), r.spans.end()), spans);
        QVERIFY(!r.truncated);
    }

    void stopsAtTheLimit()
    {
        const auto shell = test::makeShellModel();
        const SearchResult r = searchSpans(*shell.model, SpanQuery::parse("row"), 4);
        QCOMPARE(r.spans.size(), size_t(4));
        QVERIFY(r.truncated);
        std::atomic<bool> cancel{true};
        QVERIFY(searchSpans(*shell.model, SpanQuery::parse("row"), 100, &cancel).cancelled);
    }

    void searchBarFindsStepsAndHighlights()
    {
        qRegisterMetaType<std::vector<uint32_t>>();
        const auto shell = test::makeShellModel();
        Session session;
        ResultList results(&session);
        SearchPanel panel(&session, &results);
        session.setModel(shell.model);
        session.navigateTo(shell.checkout);

        QSignalSpy done(&panel, &SearchPanel::finished);
        QSignalSpy highlight(&panel, &SearchPanel::highlightChanged);
        panel.lineEdit()->setText(QStringLiteral("charge"));
        QTest::keyClick(panel.lineEdit(), Qt::Key_Return);
        QVERIFY(done.wait(5000) || done.count() == 1);
        QCOMPARE(done.takeFirst().at(0).toInt(), 2);
        QCOMPARE(results.entries().size(), size_t(2));
        // No match in the checkout trace: the first match is brought into view.
        QCOMPARE(session.focusTrace(), shell.consume);
        QCOMPARE(session.selectedSpan(), shell.charge);
        QCOMPARE(panel.matchesInFocusTrace(), std::vector<uint32_t>{shell.charge});
        QVERIFY(!highlight.isEmpty());
        QCOMPARE(highlight.last().at(0).value<std::vector<uint32_t>>(), std::vector<uint32_t>{shell.charge});

        // Enter again and next step through the matches, wrapping around.
        QTest::keyClick(panel.lineEdit(), Qt::Key_Return);
        QCOMPARE(session.selectedSpan(), shell.retryRoot);
        QCOMPARE(panel.matchesInFocusTrace(), std::vector<uint32_t>{shell.retryRoot});
        panel.next();
        QCOMPARE(session.selectedSpan(), shell.charge);
        panel.previous();
        QCOMPARE(session.selectedSpan(), shell.retryRoot);

        // key=value on a resource attribute.
        panel.lineEdit()->setText(QStringLiteral("service.name=billing"));
        panel.search();
        QVERIFY(done.wait(5000) || done.count() == 1);
        QCOMPARE(done.takeFirst().at(0).toInt(), 2);

        // Closing the bar clears the highlight.
        panel.closeBar();
        QVERIFY(highlight.last().at(0).value<std::vector<uint32_t>>().empty());
    }
};

QTEST_MAIN(TestSearch)
#include "tst_search.moc"
