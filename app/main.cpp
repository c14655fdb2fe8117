// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"
#include "ProfileStore.h"
#include "credentials/KeychainCredentialStore.h"
#include "source/LocalSource.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("batchmon"));
    QApplication::setOrganizationName(QStringLiteral("batchmon"));
    QApplication::setApplicationVersion(QStringLiteral(BATCHMON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Monitor and steer LLM batch-processing pipelines."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    // Server tokens live in the desktop's keychain (Secret Service), never in the settings file.
    batchmon::KeychainCredentialStore credentials;
    batchmon::ProfileStore profiles(&credentials);
    batchmon::MainWindow window(batchmon::LocalSource::defaultDemoPath(), &profiles);
    window.show();
    return app.exec();
}
