// SPDX-License-Identifier: GPL-3.0-or-later
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("batchmon-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BATCHMON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QCoreApplication::translate("main", "The batch-monitoring REST API (docs/api.md)."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    QTextStream(stderr) << QCoreApplication::translate(
        "main", "batchmon-server: the API is not served yet; it arrives with the "
                "monitoring engine (see docs/api.md for the contract).\n");
    return 1;
}
