// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportCommand.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "SingleInstance.h"
#include "Translations.h"
#include "credentials/KeychainCredentialStore.h"
#include "source/LocalSource.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QGuiApplication>
#include <QTextStream>

#include <cstring>

namespace {

const auto kNewInstance = QStringLiteral("new-instance");

void setUpApplication()
{
    // These two name the settings (~/.config/batchmon/batchmon.conf) and the data folder
    // (~/.local/share/batchmon/batchmon): changing either would lose the users' profiles and history.
    QCoreApplication::setApplicationName(QStringLiteral("batchmon"));
    QCoreApplication::setOrganizationName(QStringLiteral("batchmon"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BATCHMON_VERSION));
    // The system's language, or the one chosen under View ▸ Language (it applies at the next start).
    batchmon::installTranslations(batchmon::savedLanguage());
}

void setUpDesktopIntegration()
{
    QGuiApplication::setApplicationDisplayName(QStringLiteral("batchmon"));
    // The .desktop file's id (packaging/): Wayland compositors and the taskbar match the window to its
    // launcher, icon and name by it.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.batchmon.Batchmon"));
}

void addOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "Monitor and steer LLM batch-processing pipelines.\n"
                "Headless exports (no display needed, e.g. over SSH): batchmon export --help"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("file"),
        QCoreApplication::translate("main", "A JSON export to open for review (read only). Headless exports: "
                                            "batchmon export --help."),
        QStringLiteral("[file]"));
    parser.addOption(QCommandLineOption(
        kNewInstance, QCoreApplication::translate("main", "Open a window of its own even when batchmon runs "
                                                          "already (by default the running window is "
                                                          "raised and opens the file).")));
}

bool hasArgument(int argc, char *argv[], std::initializer_list<const char *> names)
{
    for (int i = 1; i < argc; ++i) {
        for (const char *name : names) {
            if (std::strcmp(argv[i], name) == 0)
                return true;
        }
    }
    return false;
}

/// Whether the window has a display to open on: Qt aborts (SIGABRT) when it has none.
bool hasDisplay(int argc, char *argv[])
{
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    return qEnvironmentVariableIsSet("QT_QPA_PLATFORM") || !qEnvironmentVariableIsEmpty("DISPLAY") ||
           !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
           hasArgument(argc, argv, {"-platform", "--platform"});
#else
    Q_UNUSED(argc)
    Q_UNUSED(argv)
    return true;
#endif
}

} // namespace

int main(int argc, char *argv[])
{
    // `batchmon export …` runs headless: no QApplication on the desktop's platform, so no display is
    // needed (the PDF report makes its own on the offscreen platform).
    if (argc > 1 && std::strcmp(argv[1], "export") == 0)
        return batchmon::runExportCommand(argc, argv);

    // --help and --version need no window either: answered without a display, so they work over SSH.
    if (hasArgument(argc, argv, {"-h", "--help", "-?", "--help-all", "-v", "--version"}) &&
        !hasArgument(argc, argv, {"-platform", "--platform"})) {
        QCoreApplication app(argc, argv);
        setUpApplication();
        QCommandLineParser parser;
        addOptions(parser);
        parser.process(app); // prints the help or the version and exits
        return 0;
    }

    if (!hasDisplay(argc, argv)) {
        // A QCoreApplication (it needs no display) so that the message is in the user's language.
        QCoreApplication app(argc, argv);
        setUpApplication();
        QTextStream(stderr) << QCoreApplication::translate(
                                   "main",
                                   "batchmon: no display to open the window on. Over SSH use "
                                   "`batchmon export …` (batchmon export --help), or start it from the "
                                   "desktop.")
                            << Qt::endl;
        return 1;
    }

    QApplication app(argc, argv);
    setUpApplication();
    setUpDesktopIntegration();

    QCommandLineParser parser;
    addOptions(parser);
    parser.process(app);
    if (parser.positionalArguments().size() > 1)
        parser.showHelp(2);
    const QString file = parser.positionalArguments().value(0);

    // One window per user: a second launch hands its file to the running one and exits.
    batchmon::SingleInstance instance(batchmon::SingleInstance::defaultServerName());
    if (!parser.isSet(kNewInstance)) {
        switch (instance.start(file)) {
        case batchmon::SingleInstance::Result::Delivered:
            return 0;
        case batchmon::SingleInstance::Result::Failed:
            // A running batchmon that does not answer, or no socket to listen on: a window of its own
            // is better than none.
            QTextStream(stderr) << QCoreApplication::translate("main",
                                                               "batchmon: opening a window of its own: %1")
                                       .arg(instance.errorString())
                                << Qt::endl;
            break;
        case batchmon::SingleInstance::Result::Primary:
            break;
        }
    }

    // Server tokens live in the desktop's keychain (Secret Service), never in the settings file.
    batchmon::KeychainCredentialStore credentials;
    batchmon::ProfileStore profiles(&credentials);
    batchmon::MainWindow window(batchmon::LocalSource::defaultDemoPath(), &profiles);
    window.show();
    if (!file.isEmpty())
        window.openFile(file);
    // Requests that came while the window was made wait in the socket's queue until exec().
    QObject::connect(&instance, &batchmon::SingleInstance::activationRequested, &window,
                     [&window](const QString &handed) {
                         window.bringToFront();
                         if (!handed.isEmpty())
                             window.openFile(handed);
                     });
    return app.exec();
}
