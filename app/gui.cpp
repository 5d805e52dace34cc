#include "app/cli.h"

#include "ui/mainwindow.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QIcon>

namespace causeway::app {

namespace {

// The bundled samples: next to the sources in a build tree, under
// share/causeway/samples when installed.
QStringList sampleFiles()
{
    const QStringList dirs{QStringLiteral(CAUSEWAY_SAMPLES_DIR),
                           QCoreApplication::applicationDirPath() + QStringLiteral("/../share/causeway/samples")};
    for (const QString &dir : dirs) {
        const QString sample = QDir(dir).filePath(QStringLiteral("causeway-sample.jsonl"));
        if (QFileInfo::exists(sample))
            return {QFileInfo(sample).canonicalFilePath()};
    }
    return {};
}

QIcon appIcon()
{
    const QStringList candidates{QStringLiteral(CAUSEWAY_SAMPLES_DIR "/../../packaging/causeway.svg"),
                                 QCoreApplication::applicationDirPath()
                                     + QStringLiteral("/../share/icons/hicolor/scalable/apps/causeway.svg")};
    for (const QString &path : candidates)
        if (QFileInfo::exists(path))
            return QIcon(path);
    return QIcon::fromTheme(QStringLiteral("causeway"));
}

} // namespace

int runGui(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Causeway"));
    QApplication::setApplicationName(QStringLiteral("Causeway"));
    QApplication::setApplicationVersion(QStringLiteral(CAUSEWAY_VERSION));
    // The desktop entry's id: Wayland's app_id and the X11 hint that tie
    // windows to the installed entry and its icon.
    QApplication::setDesktopFileName(QStringLiteral("io.github.causeway.causeway"));
    QApplication::setWindowIcon(appIcon());

    ui::MainWindow window;
    window.setSampleFiles(sampleFiles());
    // Qt's options are gone from argv now: the rest are files ("--" ends options).
    QStringList paths;
    bool onlyFiles = false;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (!onlyFiles && arg == QLatin1String("--")) {
            onlyFiles = true;
            continue;
        }
        if (!onlyFiles && arg.size() > 1 && arg.startsWith(QLatin1Char('-')))
            continue; // a Qt option QApplication left in place (it already used it)
        paths << arg;
    }
    // The load starts before the window is shown and laid out: the file is
    // read meanwhile, as `causeway stats` would have started reading it.
    if (!paths.isEmpty())
        window.openFiles(paths);
    window.show();
    return app.exec();
}

} // namespace causeway::app
