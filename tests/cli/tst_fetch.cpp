// `causeway fetch` and --backend on chain, errors and export, against a
// loopback server answering as Tempo and Jaeger do.

#include "common/backendstore.h"
#include "common/cliprocess.h"
#include "common/testutil.h"

#include "core/load.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace causeway;
using namespace causeway::test;
using TestModel = causeway::test::TestModelBuilder;

namespace {

QString hexId(uint32_t n)
{
    return QString::fromStdString(TestModel::traceId(n).hex());
}

QString qs(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

class TestFetch : public QObject
{
    Q_OBJECT
private slots:
    void fetchesByHexAndBase64Id()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("fetched.json"));
        const std::string id3 = TestModel::traceId(3).hex();
        std::string raw;
        for (size_t i = 0; i < 32; i += 2)
            raw += char(std::stoi(id3.substr(i, 2), nullptr, 16));
        const QString base64 = qs(base64Encode(raw));
        const Run r = runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), qs(server.url()),
                                   QStringLiteral("--backend-kind"), QStringLiteral("tempo"), QStringLiteral("--header"),
                                   QStringLiteral("X-Scope-OrgID:team-a"), hexId(2), base64, QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        Model model;
        QVERIFY(loadFiles({out.toStdString()}, model).ok);
        QCOMPARE(model.traces.size(), size_t(2));
        QVERIFY(model.findTrace(TestModel::traceId(2)) != kNone);
        QVERIFY(model.findTrace(TestModel::traceId(3)) != kNone);
        QCOMPARE(model.links.size(), size_t(1));
        QVERIFY(model.links[0].resolved());
        for (const auto &req : server.requests())
            QCOMPARE(req.header("x-scope-orgid"), std::string("team-a"));
        QVERIFY(r.err.contains("fetched 2 traces"));
    }

    void protobufOutputAndDepth()
    {
        BackendStore store;
        store.shape = BackendStore::Shape::JaegerV3;
        store.add(2, {3});
        store.add(3, {4});
        store.add(4, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("fetched.pb"));
        const Run r = runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), qs(server.url() + "/api/v3"),
                                   QStringLiteral("--depth"), QStringLiteral("5"), hexId(2), QStringLiteral("-o"), out});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        std::string bytes, error;
        QVERIFY(readFile(out.toStdString(), bytes, error));
        QCOMPARE(sniffFormat(bytes), Format::OtlpProto);
        Model model;
        QVERIFY(loadFiles({out.toStdString()}, model).ok);
        QCOMPARE(model.traces.size(), size_t(3));
    }

    void credentialsFromTheEnvironmentNeverPrinted()
    {
        const QByteArray token = "tok-9f8e7d6c";
        BackendStore store;
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) {
            if (r.header("authorization") != "Bearer " + token.toStdString())
                return FakeReply::text(401, "bad token " + r.header("authorization"));
            return store.answer(r);
        });
        QTemporaryDir dir;
        const QString out = dir.filePath(QStringLiteral("f.json"));
        qputenv("CAUSEWAY_TEST_TOKEN", token);
        Run r = runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--backend-kind"),
                             QStringLiteral("tempo"), QStringLiteral("--bearer-env"), QStringLiteral("CAUSEWAY_TEST_TOKEN"),
                             hexId(2), hexId(9), QStringLiteral("-o"), out});
        // 9 is not in the backend: exit 1, the other is written.
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("not found"));
        QVERIFY(r.err.contains("1 of 2 requested traces could not be fetched"));
        QVERIFY(!r.err.contains(token));
        QVERIFY(!r.out.contains(token));
        Model model;
        QVERIFY(loadFiles({out.toStdString()}, model).ok);
        QCOMPARE(model.traces.size(), size_t(1));

        // A wrong token: the message says credentials and does not echo it.
        qputenv("CAUSEWAY_TEST_TOKEN", "wrong-secret-123");
        r = runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--backend-kind"),
                         QStringLiteral("tempo"), QStringLiteral("--bearer-env"), QStringLiteral("CAUSEWAY_TEST_TOKEN"), hexId(2),
                         QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("credentials"));
        QVERIFY(!r.err.contains("wrong-secret-123"));
        qunsetenv("CAUSEWAY_TEST_TOKEN");

        r = runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--bearer-env"),
                         QStringLiteral("CAUSEWAY_TEST_TOKEN"), hexId(2), QStringLiteral("-o"), out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("CAUSEWAY_TEST_TOKEN is not set"));
    }

    // A backend set up in the GUI keeps its token in the desktop keychain.
    // The command line reads the same store; with no keychain here (no
    // session bus) it falls back to the variable the settings name, says so
    // on stderr, and the token appears in no output, file or message.
    void keychainBackendFallsBackToTheEnvironment()
    {
        const QByteArray token = "kc-secret-7788";
        BackendStore store;
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) {
            if (r.header("authorization") != "Bearer " + token.toStdString())
                return FakeReply::text(401, "bad token");
            return store.answer(r);
        });
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("backends.json"));
        {
            QFile f(config);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"backends\": [{\"name\": \"team tempo\", \"kind\": \"tempo\", \"url\": \"" + QByteArray::fromStdString(server.url())
                    + "\", \"auth\": \"bearer\", \"secretStore\": \"keychain\"}]}\n");
        }
        const QString out = dir.filePath(QStringLiteral("f.json"));
        const QStringList args = {QStringLiteral("fetch"), QStringLiteral("--backend"), QStringLiteral("team tempo"),
                                  QStringLiteral("--backend-config"), config, hexId(2), QStringLiteral("-o"), out};
        const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
        qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        qputenv("CAUSEWAY_TEAM_TEMPO_TOKEN", token);
        Run r = runCauseway(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("note: the token of backend team tempo is read from the environment variable "
                                "CAUSEWAY_TEAM_TEMPO_TOKEN: no desktop keychain can be reached here"),
                 r.err.constData());
        QVERIFY(!r.err.contains(token));
        QVERIFY(!r.out.contains(token));
        QFile written(out);
        QVERIFY(written.open(QIODevice::ReadOnly));
        QVERIFY(!written.readAll().contains(token));
        QFile settings(config);
        QVERIFY(settings.open(QIODevice::ReadOnly));
        QVERIFY(!settings.readAll().contains(token));
        Model model;
        QVERIFY(loadFiles({out.toStdString()}, model).ok);
        QCOMPARE(model.traces.size(), size_t(1));
        QCOMPARE(server.requests().back().header("authorization"), "Bearer " + token.toStdString());

        // Neither keychain nor variable: the message says both and how to fix it.
        qunsetenv("CAUSEWAY_TEAM_TEMPO_TOKEN");
        r = runCauseway(args);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("backend team tempo keeps its token in the desktop keychain, but no desktop keychain can be "
                                "reached here (no session bus); set the environment variable CAUSEWAY_TEAM_TEMPO_TOKEN"),
                 r.err.constData());
        // --bearer-env still chooses another variable.
        qputenv("OTHER_TOKEN_VAR", token);
        r = runCauseway(args + QStringList{QStringLiteral("--bearer-env"), QStringLiteral("OTHER_TOKEN_VAR")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(!r.err.contains("note:"));
        QVERIFY(!r.err.contains(token));
        qunsetenv("OTHER_TOKEN_VAR");
        if (!bus.isEmpty())
            qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
    }

    void unreachableBackend()
    {
        QTemporaryDir dir;
        const Run r = runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"),
                                   QStringLiteral("http://127.0.0.1:%1").arg(FakeBackend::closedPort()), QStringLiteral("--backend-kind"),
                                   QStringLiteral("tempo"), hexId(2), QStringLiteral("-o"), dir.filePath(QStringLiteral("x.json"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("unreachable"));
    }

    void usageErrors()
    {
        QCOMPARE(runCauseway({QStringLiteral("fetch"), hexId(2), QStringLiteral("-o"), QStringLiteral("x.json")}).exitCode, 2);
        QCOMPARE(runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), QStringLiteral("http://127.0.0.1:1"),
                              QStringLiteral("--header"), QStringLiteral("no-colon"), hexId(2), QStringLiteral("-o"), QStringLiteral("x.json")})
                     .exitCode,
                 2);
        QCOMPARE(runCauseway({QStringLiteral("fetch"), QStringLiteral("--backend"), QStringLiteral("http://127.0.0.1:1"),
                              QStringLiteral("nothex"), QStringLiteral("-o"), QStringLiteral("x.json")})
                     .exitCode,
                 2);
        QCOMPARE(runCauseway({QStringLiteral("stats"), QStringLiteral("--header"), QStringLiteral("a:b")}).exitCode, 2);
        const Run r = runCauseway({QStringLiteral("chain"), QStringLiteral("--header"), QStringLiteral("a:b"), hexId(1)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--backend"));
    }

    // A chain that starts in a local file and continues in the backend.
    void chainCrossesIntoTheBackend()
    {
        BackendStore store;
        store.add(2, {3});
        store.add(3, {});
        store.add(20, {1}); // links into the local trace: downstream
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QTemporaryDir dir;
        const std::string local = writeFile(dir, "local.json", otlpJson(linkedTrace(1, {2}, "local")));
        const Run up = runCauseway({QStringLiteral("chain"), QStringLiteral("--upstream"), QStringLiteral("--json"),
                                    QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--backend-kind"),
                                    QStringLiteral("tempo"), hexId(1), qs(local)});
        QVERIFY2(up.exitCode == 0, up.err.constData());
        QVERIFY(up.out.contains(hexId(2).toUtf8()));
        QVERIFY(up.out.contains(hexId(3).toUtf8()));
        QVERIFY(!up.out.contains(hexId(20).toUtf8()));
        const Run down = runCauseway({QStringLiteral("chain"), QStringLiteral("--downstream"), QStringLiteral("--json"),
                                      QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--backend-kind"),
                                      QStringLiteral("tempo"), hexId(1), qs(local)});
        QVERIFY2(down.exitCode == 0, down.err.constData());
        QVERIFY(down.out.contains(hexId(20).toUtf8()));
        // Without files: the start itself comes from the backend.
        const Run only = runCauseway({QStringLiteral("chain"), QStringLiteral("--upstream"), QStringLiteral("--json"),
                                      QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--backend-kind"),
                                      QStringLiteral("tempo"), hexId(2)});
        QVERIFY2(only.exitCode == 0, only.err.constData());
        QVERIFY(only.out.contains(hexId(3).toUtf8()));
        const Run errors = runCauseway({QStringLiteral("errors"), QStringLiteral("--downstream-of"), hexId(1), QStringLiteral("--json"),
                                        QStringLiteral("--backend"), qs(server.url()), QStringLiteral("--backend-kind"),
                                        QStringLiteral("tempo"), qs(local)});
        QVERIFY2(errors.exitCode == 0, errors.err.constData());
        QVERIFY(errors.err.contains("fetched 1 trace"));
        QVERIFY(errors.out.contains("\"spans\""));
    }

    void exportGrowsAroundTheTrace()
    {
        BackendStore store;
        store.add(2, {});
        FakeBackend server([&](const FakeRequest &r) { return store.answer(r); });
        QTemporaryDir dir;
        const std::string local = writeFile(dir, "local.json", otlpJson(linkedTrace(1, {2}, "local")));
        const QString out = dir.filePath(QStringLiteral("graph.dot"));
        const Run r = runCauseway({QStringLiteral("export"), QStringLiteral("--view"), QStringLiteral("graph"), QStringLiteral("--trace"),
                                   hexId(1), QStringLiteral("-o"), out, QStringLiteral("--backend"), qs(server.url()),
                                   QStringLiteral("--backend-kind"), QStringLiteral("tempo"), qs(local)});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray dot = f.readAll();
        QVERIFY2(dot.contains("backend-op"), dot.constData()); // the fetched trace is a node
    }
};

QTEST_GUILESS_MAIN(TestFetch)
#include "tst_fetch.moc"
