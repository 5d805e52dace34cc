// The modules in lib/causeway/ beside the program (core/module.h): where
// they are looked for, their entry points, and what is said when a module
// or an entry point is missing.

#include "core/backend/http.h"
#include "core/live/grpcplugin.h"
#include "core/module.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QTest>

#include <string>

using namespace causeway;

class TestModule : public QObject
{
    Q_OBJECT
private slots:
    void dirIsBesideTheProgram()
    {
        // This program is tests/tst_module in the build tree, as causeway is bin/causeway.
        const QString dir = QCoreApplication::applicationDirPath() + QStringLiteral("/../lib/causeway");
        QCOMPARE(QString::fromStdString(moduleDir()), dir);
        QVERIFY(QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(backend::kHttpModuleFile)));
        QVERIFY(QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(live::kGrpcModuleFile)));
    }

    void findsEntryPoints()
    {
        std::string error;
        QVERIFY2(moduleSymbol(backend::kHttpModuleFile, backend::kHttpModuleGet, error), error.c_str());
        QVERIFY2(moduleSymbol(live::kGrpcModuleFile, live::kGrpcModuleStart, error), error.c_str());
        QVERIFY2(moduleSymbol(live::kGrpcModuleFile, live::kGrpcModuleStop, error), error.c_str());
        QVERIFY(error.empty());
    }

    void missingEntryPointIsNamed()
    {
        std::string error;
        QVERIFY(!moduleSymbol(backend::kHttpModuleFile, "causeway_no_such_entry", error));
        QVERIFY2(error.find(std::string("lib/causeway/") + backend::kHttpModuleFile) != std::string::npos, error.c_str());
        QVERIFY2(error.find("causeway_no_such_entry") != std::string::npos, error.c_str());
        // The module itself still answers.
        std::string none;
        QVERIFY(moduleSymbol(backend::kHttpModuleFile, backend::kHttpModuleGet, none));
    }

    void missingModuleIsNamed()
    {
        std::string error;
        QVERIFY(!moduleSymbol("causeway-no-such-module.so", "causeway_entry", error));
        QVERIFY2(error.find("lib/causeway/causeway-no-such-module.so") != std::string::npos, error.c_str());
        QVERIFY2(error.find("No such file") != std::string::npos, error.c_str());
        // Asked again: the same answer, from the one attempt.
        std::string again;
        QVERIFY(!moduleSymbol("causeway-no-such-module.so", "causeway_entry", again));
        QCOMPARE(again, error);
    }
};

QTEST_GUILESS_MAIN(TestModule)
#include "tst_module.moc"
