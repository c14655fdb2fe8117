// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"
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

    batchmon::MainWindow window(batchmon::LocalSource::defaultDemoPath());
    window.show();
    return app.exec();
}
