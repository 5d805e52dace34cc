#include "app/cli.h"

#include "ui/loadworker.h"
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

int runGui(int argc, char **argv, const std::vector<std::string> &files)
{
    // The files start loading before Qt and the window start (0.05-0.1 s),
    // as `causeway stats` starts reading at once; the window takes the load
    // over.
    QStringList paths;
    for (const std::string &f : files)
        paths << QString::fromLocal8Bit(f);
    auto *loader = new ui::LoadWorker;
    if (!paths.isEmpty())
        loader->start(ui::loadPaths(paths));

    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Causeway"));
    QApplication::setApplicationName(QStringLiteral("Causeway"));
    QApplication::setApplicationVersion(QStringLiteral(CAUSEWAY_VERSION));
    // The desktop entry's id: Wayland's app_id and the X11 hint that tie
    // windows to the installed entry and its icon.
    QApplication::setDesktopFileName(QStringLiteral("io.github.causeway.causeway"));
    QApplication::setWindowIcon(appIcon());

    ui::MainWindow window(loader);
    window.setSampleFiles(sampleFiles());
    if (!paths.isEmpty())
        window.openFiles(paths);
    window.show();
    return app.exec();
}

} // namespace causeway::app
