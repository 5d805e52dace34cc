#include "app/cli.h"

#include <QApplication>
#include <QLabel>

namespace causeway::app {

int runGui(int argc, char **argv, const std::vector<std::string> &)
{
    QApplication app(argc, argv);
    QLabel label(QStringLiteral("Causeway"));
    label.show();
    return app.exec();
}

} // namespace causeway::app
