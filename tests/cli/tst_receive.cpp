// `causeway receive` as a process: records what arrives over OTLP/HTTP as
// JSON Lines that load back to the same traces,
// stops on --max-spans, --duration and SIGTERM with a summary, follows a
// growing file, and refuses bad usage and non-loopback addresses.

#include "common/httpclient.h"
#include "common/testutil.h"

#include "core/load.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

using namespace causeway;
using namespace causeway::test;

namespace {

std::vector<std::string> sampleLines()
{
    std::string text, error;
    readFile(bundledSample("causeway-sample.jsonl"), text, error);
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

// Waits for the "OTLP/HTTP on http://127.0.0.1:PORT/v1/traces" line.
uint16_t waitForPort(QProcess &p)
{
    QByteArray err;
    static const QRegularExpression re(QStringLiteral("OTLP/HTTP on http://127\\.0\\.0\\.1:(\\d+)/v1/traces"));
    p.setReadChannel(QProcess::StandardError);
    for (int i = 0; i < 100; ++i) {
        p.waitForReadyRead(100);
        err += p.readAllStandardError();
        const auto m = re.match(QString::fromUtf8(err));
        if (m.hasMatch())
            return uint16_t(m.captured(1).toUInt());
    }
    return 0;
}

Model load(const std::string &path)
{
    Model m;
    loadFiles({path}, m);
    return m;
}

} // namespace

class TestReceive : public QObject
{
    Q_OBJECT

private slots:
    void recordsUntilMaxSpans();
    void stopsOnSigterm();
    void stopsAfterDuration();
    void followsFile();
    void fullDiskAnswers503();
    void usageErrors_data();
    void usageErrors();
    void portInUse();
};

void TestReceive::recordsUntilMaxSpans()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("received.jsonl"));
    const Model expected = load(bundledSample("causeway-sample.jsonl"));
    QProcess p;
    p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("receive"), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--grpc"), QStringLiteral("127.0.0.1:0"), QStringLiteral("--write"), out,
        QStringLiteral("--max-spans"), QString::number(expected.spanCount())});
    const uint16_t port = waitForPort(p);
    QVERIFY(port);
    const auto lines = sampleLines();
    for (size_t i = 0; i < lines.size(); ++i) {
        const Reply r = i % 2 ? post(port, "application/json", lines[i])
                              : post(port, "application/json", lines[i], "X-Line: " + std::to_string(i) + "\r\n");
        QCOMPARE(r.status, 200);
    }
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
    const QString summary = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(summary.contains(QStringLiteral("stopped: --max-spans reached")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("spans written     %1 in %2 lines").arg(expected.spanCount()).arg(lines.size())));

    const Model recorded = load(out.toStdString());
    QCOMPARE(recorded.spanCount(), expected.spanCount());
    QCOMPARE(recorded.traces.size(), expected.traces.size());
    QCOMPARE(recorded.links.size(), expected.links.size());
    for (uint32_t s = 0; s < expected.spanCount(); ++s)
        QVERIFY(recorded.findSpan(expected.cold[s].traceId, expected.cold[s].spanId) != kNone);
}

void TestReceive::stopsOnSigterm()
{
    QTemporaryDir dir;
    const QString out = dir.filePath(QStringLiteral("received.jsonl"));
    QProcess p;
    p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("receive"), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--no-grpc"), QStringLiteral("--write"), out, QStringLiteral("--duration"), QStringLiteral("60")});
    const uint16_t port = waitForPort(p);
    QVERIFY(port);
    const auto lines = sampleLines();
    QCOMPARE(post(port, "application/json", lines[0]).status, 200);
    // Flushed as it goes: the line is in the file before the receiver stops.
    QVERIFY(load(out.toStdString()).spanCount() > 0);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    const QString summary = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(summary.contains(QStringLiteral("stopped: SIGTERM")), qPrintable(summary));
    QVERIFY(summary.contains(QStringLiteral("in 1 lines")));
}

void TestReceive::stopsAfterDuration()
{
    QTemporaryDir dir;
    QProcess p;
    QElapsedTimer clock;
    clock.start();
    p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("receive"), QStringLiteral("--http"), QStringLiteral(":0"),
        QStringLiteral("--grpc"), QStringLiteral(":0"), QStringLiteral("--write"), dir.filePath(QStringLiteral("x.jsonl")),
        QStringLiteral("--duration"), QStringLiteral("1")});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    QVERIFY(clock.elapsed() >= 1000);
    QVERIFY(QString::fromUtf8(p.readAllStandardOutput()).contains(QStringLiteral("stopped: --duration elapsed")));
}

void TestReceive::followsFile()
{
    QTemporaryDir dir;
    const std::string input = dir.filePath(QStringLiteral("exporter.jsonl")).toStdString();
    const QString out = dir.filePath(QStringLiteral("copy.jsonl"));
    const auto lines = sampleLines();
    const Model expected = load(bundledSample("causeway-sample.jsonl"));
    {
        std::ofstream f(input);
        for (size_t i = 0; i < lines.size() / 2; ++i)
            f << lines[i] << '\n';
    }
    QProcess p;
    p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("receive"), QStringLiteral("--no-http"), QStringLiteral("--no-grpc"),
        QStringLiteral("--follow"), QString::fromStdString(input), QStringLiteral("--write"), out,
        QStringLiteral("--max-spans"), QString::number(expected.spanCount())});
    QVERIFY(p.waitForStarted());
    // The first half is read (and recorded: one output line per batch read) before the rotation.
    auto recordedLines = [&] {
        std::ifstream f(out.toStdString());
        return std::count(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>(), '\n');
    };
    QTRY_VERIFY_WITH_TIMEOUT(recordedLines() >= 1, 10000);
    QCOMPARE(p.state(), QProcess::Running);
    {
        // Rotation: the first half moves away, the rest goes to a new file.
        QVERIFY(std::rename(input.c_str(), (input + ".1").c_str()) == 0);
        std::ofstream f(input);
        for (size_t i = lines.size() / 2; i < lines.size(); ++i)
            f << lines[i] << '\n';
    }
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    const QString summary = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(summary.contains(QStringLiteral("followed lines    %1").arg(lines.size())), qPrintable(summary));
    QCOMPARE(load(out.toStdString()).spanCount(), expected.spanCount());
}

// Spans that cannot be written (here /dev/full, a disk with no space) are
// answered 503 so the sender retries; the receiver keeps running.
void TestReceive::fullDiskAnswers503()
{
    QProcess p;
    p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("receive"), QStringLiteral("--http"), QStringLiteral("127.0.0.1:0"),
        QStringLiteral("--no-grpc"), QStringLiteral("--write"), QStringLiteral("/dev/full"), QStringLiteral("--duration"),
        QStringLiteral("60")});
    const uint16_t port = waitForPort(p);
    QVERIFY(port);
    const auto lines = sampleLines();
    for (int i = 0; i < 2; ++i) {
        const Reply r = post(port, "application/json", lines[size_t(i)]);
        QCOMPARE(r.status, 503);
        QVERIFY(r.body.find("could not be stored") != std::string::npos);
    }
    QCOMPARE(p.state(), QProcess::Running);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 0);
    const QString summary = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(summary.contains(QStringLiteral("stopped: SIGTERM")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("write failures    2")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("No space left on device")), qPrintable(summary));
}

void TestReceive::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no_write") << QStringList{QStringLiteral("--http"), QStringLiteral(":0")} << QStringLiteral("--write FILE is required");
    QTest::newRow("remote_http") << QStringList{QStringLiteral("--http"), QStringLiteral("0.0.0.0:0"), QStringLiteral("--write"), QStringLiteral("x")}
                                 << QStringLiteral("--allow-remote");
    QTest::newRow("remote_grpc") << QStringList{QStringLiteral("--grpc"), QStringLiteral("[::]:0"), QStringLiteral("--write"), QStringLiteral("x")}
                                 << QStringLiteral("not a loopback address");
    QTest::newRow("bad_endpoint") << QStringList{QStringLiteral("--http"), QStringLiteral("localhost:http"), QStringLiteral("--write"), QStringLiteral("x")}
                                  << QStringLiteral("expected ADDR:PORT");
    QTest::newRow("bad_duration") << QStringList{QStringLiteral("--duration"), QStringLiteral("soon"), QStringLiteral("--write"), QStringLiteral("x")}
                                  << QStringLiteral("--duration");
    QTest::newRow("nothing") << QStringList{QStringLiteral("--no-http"), QStringLiteral("--no-grpc"), QStringLiteral("--write"), QStringLiteral("x")}
                             << QStringLiteral("nothing to receive");
    QTest::newRow("positional") << QStringList{QStringLiteral("file.json"), QStringLiteral("--write"), QStringLiteral("x")}
                                << QStringLiteral("unexpected argument");
}

void TestReceive::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QTemporaryDir dir;
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(QStringLiteral(CAUSEWAY_BIN), QStringList{QStringLiteral("receive")} + args);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(message), qPrintable(err));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x"))));
}

void TestReceive::portInUse()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    QCOMPARE(::listen(fd, 1), 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len);
    QTemporaryDir dir;
    QProcess p;
    p.start(QStringLiteral(CAUSEWAY_BIN), {QStringLiteral("receive"), QStringLiteral("--http"),
        QStringLiteral("127.0.0.1:%1").arg(ntohs(a.sin_port)), QStringLiteral("--no-grpc"), QStringLiteral("--write"),
        dir.filePath(QStringLiteral("x.jsonl"))});
    QVERIFY(p.waitForFinished(10000));
    ::close(fd);
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.startsWith(QStringLiteral("causeway: cannot listen on 127.0.0.1:")), qPrintable(err));
    QCOMPARE(err.count(QLatin1Char('\n')), 1);
}

QTEST_GUILESS_MAIN(TestReceive)
#include "tst_receive.moc"
