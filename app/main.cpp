// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportCommand.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "credentials/KeychainCredentialStore.h"
#include "source/LocalSource.h"

#include <QApplication>
#include <QCommandLineParser>

#include <cstring>

int main(int argc, char *argv[])
{
    // `batchmon export …` runs headless: no QApplication on the desktop's platform, so no display is
    // needed (the PDF report makes its own on the offscreen platform).
    if (argc > 1 && std::strcmp(argv[1], "export") == 0)
        return batchmon::runExportCommand(argc, argv);

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("batchmon"));
    QApplication::setOrganizationName(QStringLiteral("batchmon"));
    QApplication::setApplicationVersion(QStringLiteral(BATCHMON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Monitor and steer LLM batch-processing pipelines."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QApplication::translate("main", "A JSON export to open for review (read only). Headless exports: "
                                        "batchmon export --help."),
        QStringLiteral("[file]"));
    parser.process(app);
    if (parser.positionalArguments().size() > 1)
        parser.showHelp(2);

    // Server tokens live in the desktop's keychain (Secret Service), never in the settings file.
    batchmon::KeychainCredentialStore credentials;
    batchmon::ProfileStore profiles(&credentials);
    batchmon::MainWindow window(batchmon::LocalSource::defaultDemoPath(), &profiles);
    window.show();
    if (!parser.positionalArguments().isEmpty())
        window.openFile(parser.positionalArguments().constFirst());
    return app.exec();
}
