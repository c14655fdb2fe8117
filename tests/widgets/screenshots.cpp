// SPDX-License-Identifier: GPL-3.0-or-later
// Makes the README's and the metainfo's screenshots from the real app, offscreen:
//   batchmon-screenshots OUTDIR [DEMO_FILE]
// The demo workspace, light and dark, at 1280×800 and 1920×1080, its Errors tab; an empty server and
// an unreachable one. Not a test: what it draws is for people to look at.
#include "AlertMonitor.h"
#include "AlertsPage.h"
#include "Appearance.h"
#include "ConnectDialog.h"
#include "DashboardView.h"
#include "DesktopNotifier.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "ServerProcess.h"
#include "Session.h"
#include "Translations.h"
#include "credentials/MemoryCredentialStore.h"
#include "source/HttpSource.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QMainWindow>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;

namespace {

void save(QWidget *w, const QString &path)
{
    QApplication::processEvents();
    if (!w->grab().save(path))
        qFatal("cannot write %s", qPrintable(path));
    qInfo("wrote %s", qPrintable(path));
}

void setDark(bool dark)
{
    QApplication::setPalette(dark ? Appearance::darkPalette() : QApplication::style()->standardPalette());
}

/// A dashboard on a server URL, in a window of the size given, once the session has answered.
void shootServer(const QUrl &url, const QString &token, const QString &banner, const QSize &size,
                 const QString &path)
{
    QNetworkAccessManager nam;
    ApiClientOptions options;
    options.serverUrl = url;
    options.token = token;
    options.policy.maxAttempts = 1;
    HttpSource source(nam, options);
    Session session(&source);
    QMainWindow window;
    auto *view = new DashboardView(&session, banner, &window);
    window.setCentralWidget(view);
    window.resize(size);
    window.show();
    QSignalSpy status(&session, &Session::statusChanged);
    session.refresh();
    status.wait(30000);
    QTest::qWait(300);
    save(&window, path);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setStyle(QStringLiteral("Fusion"));
    const QStringList args = app.arguments();
    if (args.size() < 2)
        qFatal("usage: batchmon-screenshots OUTDIR [DEMO_FILE]");
    const QDir out(args.at(1));
    const QString language = qEnvironmentVariable("BATCHMON_SCREENSHOT_LANGUAGE");
    if (!language.isEmpty())
        installTranslations(language);
    QTemporaryDir tmp;
    const QString demo = args.size() > 2 ? args.at(2) : tmp.filePath(QStringLiteral("demo.sqlite"));

    {
        MemoryCredentialStore credentials;
        ProfileStore profiles(tmp.filePath(QStringLiteral("settings.ini")), &credentials);
        MainWindow window(demo, &profiles);
        window.show();
        QSignalSpy updated(window.session(), &Session::snapshotUpdated);
        if (!updated.wait(120000))
            qFatal("the demo workspace did not answer");
        QTest::qWait(500);
        auto *view = window.dashboard();
        view->jobTable()->selectRow(2);
        if (!language.isEmpty()) {
            // BATCHMON_SCREENSHOT_LANGUAGE=de: only the dashboard, in that language.
            window.resize(1280, 800);
            QTest::qWait(200);
            save(&window, out.filePath(QStringLiteral("dashboard-demo-1280x800-%1.png").arg(language)));
            // And the connect dialog in its OpenAI mode, whose labels change with the kind.
            MemoryCredentialStore credentials;
            ProfileStore dialogProfiles(tmp.filePath(QStringLiteral("connect.ini")), &credentials);
            ConnectDialog dialog(&dialogProfiles);
            dialog.setKind(ProfileKind::OpenAiAccount);
            dialog.show();
            QTest::qWait(200);
            save(&dialog, out.filePath(QStringLiteral("connect-dialog-openai-%1.png").arg(language)));
            return 0;
        }
        for (const bool dark : {false, true}) {
            setDark(dark);
            for (const QSize size : {QSize(1280, 800), QSize(1920, 1080)}) {
                window.resize(size);
                QTest::qWait(200);
                save(&window, out.filePath(QStringLiteral("dashboard-demo-%1x%2%3.png")
                                               .arg(size.width())
                                               .arg(size.height())
                                               .arg(dark ? QStringLiteral("-dark") : QString())));
            }
        }
        window.resize(1280, 800);
        for (const bool dark : {false, true}) {
            setDark(dark);
            window.pages()->setCurrentIndex(1);
            QTest::qWait(300);
            save(&window, out.filePath(QStringLiteral("configuration-1280x800%1.png")
                                           .arg(dark ? QStringLiteral("-dark") : QString())));
        }
        // The alerts page, once the demo's pipeline has recorded its alerts.
        window.pages()->setCurrentWidget(window.alertsPage());
        window.alertsPage()->showResolvedBox()->setChecked(true);
        if (!QTest::qWaitFor([&] { return window.alertMonitor()->model()->rowCount() > 0; }, 120000))
            qFatal("the demo recorded no alerts");
        window.alertsPage()->alertsTable()->selectRow(0);
        for (const bool dark : {false, true}) {
            setDark(dark);
            QTest::qWait(300);
            save(
                &window,
                out.filePath(
                    QStringLiteral("alerts-1280x800%1.png").arg(dark ? QStringLiteral("-dark") : QString())));
        }
        setDark(false);
        // A desktop notification as the desktop shows it: only where a display and a notification
        // service run (Xvfb with dunst, say), photographed with ImageMagick's import.
        if (qEnvironmentVariableIsSet("BATCHMON_SHOT_DESKTOP")) {
            window.pages()->setCurrentIndex(0);
            window.resize(1280, 800);
            window.notifier()->show({window.alertMonitor()->model()->events().first()});
            QTest::qWait(1500);
            QProcess::execute(QStringLiteral("import"), {QStringLiteral("-window"), QStringLiteral("root"),
                                                         out.filePath(QStringLiteral("notification.png"))});
            qInfo("wrote %s via %s", qPrintable(out.filePath(QStringLiteral("notification.png"))),
                  qPrintable(window.notifier()->lastChannel()));
        }
        window.pages()->setCurrentIndex(0);
        view->chartTabs()->setCurrentIndex(1);
        for (const bool dark : {false, true}) {
            setDark(dark);
            QTest::qWait(200);
            save(&window, out.filePath(QStringLiteral("dashboard-errors-1280x800%1.png")
                                           .arg(dark ? QStringLiteral("-dark") : QString())));
        }
        setDark(false);
        view->chartTabs()->setCurrentIndex(0);

        // Offline review: the last 7 days exported, then opened as a file.
        view->rangeSelector()->setCurrentIndex(2);
        if (!updated.wait(60000))
            qFatal("the 7-day view did not load");
        const QString exported = tmp.filePath(QStringLiteral("batchmon-demo-7d.json"));
        QSignalSpy exportDone(&window, &MainWindow::exportFinished);
        window.exportTo(exported);
        if (!exportDone.wait(120000) || !exportDone.first().first().toString().isEmpty())
            qFatal("the export failed");
        QSignalSpy opened(&window, &MainWindow::fileOpened);
        window.openFile(exported);
        if (!opened.wait(60000))
            qFatal("the export did not open");
        QSignalSpy fileUpdated(window.session(), &Session::snapshotUpdated);
        if (!window.session()->snapshot() && !fileUpdated.wait(60000))
            qFatal("the exported file showed nothing");
        QTest::qWait(500);
        window.dashboard()->jobTable()->selectRow(1);
        for (const bool dark : {false, true}) {
            setDark(dark);
            QTest::qWait(200);
            save(&window, out.filePath(QStringLiteral("offline-review-1280x800%1.png")
                                           .arg(dark ? QStringLiteral("-dark") : QString())));
        }
        setDark(false);
    }

    setDark(false);
    Server empty(QStringLiteral("sqlite:") + tmp.filePath(QStringLiteral("empty.db")));
    const QString token = empty.addToken(QStringLiteral("admin"), QStringLiteral("admin"));
    if (!empty.start())
        qFatal("the empty server did not start");
    shootServer(empty.url(), token,
                QStringLiteral("<b>Server</b> %1 — no jobs yet").arg(empty.url().toString()),
                QSize(1280, 800), out.filePath(QStringLiteral("dashboard-empty-1280x800.png")));
    {
        MemoryCredentialStore credentials;
        ProfileStore profiles(tmp.filePath(QStringLiteral("connect.ini")), &credentials);
        ConnectDialog dialog(&profiles);
        dialog.urlEdit()->setText(empty.url().toString());
        dialog.tokenEdit()->setText(token);
        dialog.show();
        QSignalSpy tested(&dialog, &ConnectDialog::testFinished);
        dialog.testConnection();
        tested.wait(30000);
        save(&dialog, out.filePath(QStringLiteral("connect-dialog.png")));
    }
    shootServer(QUrl(QStringLiteral("http://127.0.0.1:9")), token,
                QStringLiteral("<b>Server</b> http://127.0.0.1:9 — not running"), QSize(1280, 800),
                out.filePath(QStringLiteral("dashboard-unreachable-1280x800.png")));
    return 0;
}
