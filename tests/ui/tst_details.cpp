// The span details: fields, attributes, resource, links both ways, and
// activating a link navigating (with Back coming home).

#include "shellmodel.h"

#include "ui/detailsmodel.h"
#include "ui/detailspanel.h"
#include "ui/session.h"

#include <QAbstractItemModelTester>
#include <QTest>
#include <QTreeView>

using namespace causeway;
using namespace causeway::ui;

namespace {

// The value next to the first row named `name` under `parent`.
QString valueOf(const QAbstractItemModel &m, const QModelIndex &parent, const QString &name)
{
    for (int r = 0; r < m.rowCount(parent); ++r)
        if (m.index(r, 0, parent).data().toString() == name)
            return m.index(r, 1, parent).data().toString();
    return QStringLiteral("<missing %1>").arg(name);
}

} // namespace

class TestDetails : public QObject
{
    Q_OBJECT
private slots:
    void passesModelTester()
    {
        const auto shell = test::makeShellModel();
        DetailsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (uint32_t s = 0; s < shell.model->spanCount(); ++s)
            model.setSpan(shell.model, s);
        model.setSpan(shell.model, kNone);
        QCOMPARE(model.rowCount(), 0);
    }

    void showsSpanFieldsAndAttributes()
    {
        const auto shell = test::makeShellModel();
        DetailsModel model;
        model.setSpan(shell.model, shell.publish);
        const QModelIndex span = model.section(QStringLiteral("Span"));
        QVERIFY(span.isValid());
        QCOMPARE(valueOf(model, span, QStringLiteral("name")), QStringLiteral("publish orders"));
        QCOMPARE(valueOf(model, span, QStringLiteral("kind")), QStringLiteral("Producer"));
        QCOMPARE(valueOf(model, span, QStringLiteral("service")), QStringLiteral("frontend"));
        QCOMPARE(valueOf(model, span, QStringLiteral("offset in trace")), QStringLiteral("+1 µs"));
        QCOMPARE(valueOf(model, span, QStringLiteral("duration")), QStringLiteral("2 µs"));
        QCOMPARE(valueOf(model, span, QStringLiteral("start")), QStringLiteral("1970-01-01 00:00:01.000001 UTC"));
        QVERIFY(valueOf(model, span, QStringLiteral("parent span id")).endsWith(QStringLiteral("(checkout)")));

        const QModelIndex attrs = model.section(QStringLiteral("Attributes"));
        QCOMPARE(attrs.data().toString(), QStringLiteral("Attributes (2)"));
        QCOMPARE(valueOf(model, attrs, QStringLiteral("messaging.system")), QStringLiteral("kafka"));
        QCOMPARE(valueOf(model, attrs, QStringLiteral("http.status_code")), QStringLiteral("200"));

        // The consumer's status, resource and scope.
        model.setSpan(shell.model, shell.charge);
        QCOMPARE(valueOf(model, model.section(QStringLiteral("Span")), QStringLiteral("status")),
                 QStringLiteral("Error: card declined"));
        const QModelIndex resource = model.section(QStringLiteral("Resource"));
        QCOMPARE(valueOf(model, resource, QStringLiteral("deployment.environment")), QStringLiteral("prod"));
        QCOMPARE(valueOf(model, model.section(QStringLiteral("Scope")), QStringLiteral("name")),
                 QStringLiteral("billing.worker"));
    }

    void nestedValuesAreChildren()
    {
        auto shell = test::makeShellModel();
        // Rebuild a private copy with an array and a kvlist attribute on one span.
        auto mutableModel = std::const_pointer_cast<Model>(shell.model);
        Model &mm = *mutableModel;
        const uint32_t first = uint32_t(mm.values.size());
        mm.values.push_back(Value::makeString(mm.strings.intern("a")));
        mm.values.push_back(Value::makeInt(7));
        const uint32_t inner = uint32_t(mm.attributes.size());
        mm.attributes.push_back({mm.strings.intern("depth"), Value::makeDouble(1.5)});
        test::setAttributes(mm, shell.retryRoot, {{"tags", Value::makeArray({first, 2})},
                                                  {"meta", Value::makeKvList({inner, 1})}});
        DetailsModel model;
        model.setSpan(shell.model, shell.retryRoot);
        const QModelIndex attrs = model.section(QStringLiteral("Attributes"));
        QCOMPARE(model.rowCount(attrs), 2);
        const QModelIndex tags = model.index(0, 0, attrs);
        QCOMPARE(model.index(0, 1, attrs).data().toString(), QStringLiteral("[2 items]"));
        QCOMPARE(model.rowCount(tags), 2);
        QCOMPARE(model.index(1, 1, tags).data().toString(), QStringLiteral("7"));
        const QModelIndex meta = model.index(1, 0, attrs);
        QCOMPARE(model.index(0, 0, meta).data().toString(), QStringLiteral("depth"));
        QCOMPARE(model.index(0, 1, meta).data().toString(), QStringLiteral("1.5"));
    }

    void listsLinksBothWays()
    {
        const auto shell = test::makeShellModel();
        DetailsModel model;

        model.setSpan(shell.model, shell.consumeRoot);
        const QModelIndex to = model.section(QStringLiteral("Links to"));
        QCOMPARE(to.data().toString(), QStringLiteral("Links to (1)"));
        const QModelIndex link = model.index(0, 0, to);
        QCOMPARE(link.data().toString(), QStringLiteral("publish orders"));
        QVERIFY(model.index(0, 1, to).data().toString().contains(QStringLiteral("in checkout (01000000)")));
        QCOMPARE(valueOf(model, link, QStringLiteral("messaging.destination.name")), QStringLiteral("orders"));
        uint32_t trace = kNone, span = kNone;
        QVERIFY(model.navigationTarget(link, trace, span));
        QCOMPARE(trace, shell.checkout);
        QCOMPARE(span, shell.publish);

        // The producer sees the consumer in "Linked from".
        model.setSpan(shell.model, shell.publish);
        const QModelIndex from = model.section(QStringLiteral("Linked from"));
        QCOMPARE(model.rowCount(from), 1);
        QCOMPARE(model.index(0, 0, from).data().toString(), QStringLiteral("consume orders"));
        QVERIFY(model.navigationTarget(model.index(0, 0, from), trace, span));
        QCOMPARE(span, shell.consumeRoot);

        // An unresolved link says so and offers its ids; it leads nowhere.
        model.setSpan(shell.model, shell.retryRoot);
        const QModelIndex retryLinks = model.section(QStringLiteral("Links to"));
        QCOMPARE(model.rowCount(retryLinks), 2);
        const QModelIndex missing = model.index(1, 0, retryLinks);
        QCOMPARE(missing.data().toString(), QStringLiteral("target not loaded"));
        QVERIFY(!model.navigationTarget(missing, trace, span));
        const auto ids = model.ids(missing);
        QVERIFY(ids);
        QCOMPARE(ids->trace, QString::fromLatin1(test::TestModelBuilder::traceId(99).hex()));
        QCOMPARE(ids->span, QString::fromLatin1(test::TestModelBuilder::spanId(99).hex()));
    }

    void activatingALinkNavigatesAndBackReturns()
    {
        const auto shell = test::makeShellModel();
        Session session;
        DetailsPanel panel(&session);
        session.setModel(shell.model);
        session.navigateTo(shell.consume, shell.consumeRoot);
        QCOMPARE(panel.detailsModel()->span(), shell.consumeRoot);

        // Enter on the link row in the tree, as a user would.
        const QModelIndex link = panel.detailsModel()->index(0, 0, panel.detailsModel()->section(QStringLiteral("Links to")));
        panel.view()->setCurrentIndex(link);
        QTest::keyClick(panel.view(), Qt::Key_Return);
        QCOMPARE(session.focusTrace(), shell.checkout);
        QCOMPARE(session.selectedSpan(), shell.publish);
        QCOMPARE(panel.detailsModel()->span(), shell.publish);

        session.back();
        QCOMPARE(session.focusTrace(), shell.consume);
        QCOMPARE(session.selectedSpan(), shell.consumeRoot);
        QCOMPARE(panel.detailsModel()->span(), shell.consumeRoot);
        session.forward();
        QCOMPARE(session.selectedSpan(), shell.publish);

        // A row that leads nowhere does not navigate.
        const QModelIndex attrs = panel.detailsModel()->section(QStringLiteral("Attributes"));
        QVERIFY(!panel.activate(panel.detailsModel()->index(0, 0, attrs)));
        QCOMPARE(session.selectedSpan(), shell.publish);
    }
};

QTEST_MAIN(TestDetails)
#include "tst_details.moc"
