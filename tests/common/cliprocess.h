#pragma once
// Runs the real causeway executable as a script would: no display, no
// platform chosen, output and exit code captured.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

namespace causeway::test {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

inline Run runCauseway(const QStringList &args)
{
    QProcess p;
    // Every command must work without a display and without being told the platform.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("QT_QPA_PLATFORM"));
    env.remove(QStringLiteral("DISPLAY"));
    env.remove(QStringLiteral("WAYLAND_DISPLAY"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(CAUSEWAY_BIN), args);
    if (!p.waitForFinished(120000))
        qFatal("causeway did not finish");
    return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace causeway::test
