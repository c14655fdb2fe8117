// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "AlertMonitor.h"
#include "AlertsPage.h"
#include "Appearance.h"
#include "ConfigPanel.h"
#include "ConnectDialog.h"
#include "DashboardView.h"
#include "DesktopNotifier.h"
#include "HistoryDialog.h"
#include "HistoryRecorder.h"
#include "ProfileStore.h"
#include "ProfilesDialog.h"
#include "ReportExport.h"
#include "Session.h"
#include "export/ExportCollector.h"
#include "export/FileSource.h"
#include "source/HttpSource.h"
#include "source/LocalSource.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QProgressBar>
#include <QProgressDialog>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QUrl>

#include <algorithm>

namespace batchmon {

namespace {

/// A window-modal progress dialog with Cancel for work off the UI thread (opening, exporting); it
/// shows itself only when the work takes longer than `showAfterMs`, and deletes itself when closed.
QProgressDialog *newProgress(QWidget *parent, const QString &label, const QString &title, int maximum,
                             int showAfterMs)
{
    auto *progress = new QProgressDialog(label, MainWindow::tr("Cancel"), 0, maximum, parent);
    progress->setWindowTitle(title);
    progress->setWindowModality(Qt::WindowModal);
    progress->setMinimumDuration(showAfterMs);
    progress->setAttribute(Qt::WA_DeleteOnClose);
    return progress;
}

/// Closes `progress` when its work has ended; close() emits canceled(), which must no longer reach
/// the work (it may be finishing or gone).
void closeQuietly(QProgressDialog *progress)
{
    QObject::disconnect(progress, &QProgressDialog::canceled, nullptr, nullptr);
    progress->close();
}

} // namespace

MainWindow::MainWindow(const QString &demoPath, ProfileStore *profiles, QWidget *parent)
    : QMainWindow(parent), m_demoPath(demoPath), m_profiles(profiles), m_nam(new QNetworkAccessManager(this)),
      m_notifier(new DesktopNotifier(this)), m_identity(new QLabel(this)), m_scheduler(new QLabel(this))
{
    setWindowIcon(DesktopNotifier::appIcon());
    connect(m_notifier, &DesktopNotifier::activated, this, [this] {
        bringToFront();
        if (m_pages && m_alertsPage)
            m_pages->setCurrentWidget(m_alertsPage);
    });
    setAcceptDrops(true);
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *connect_ = fileMenu->addAction(tr("&Connect to a server…"), this, &MainWindow::connectToServer);
    connect_->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    fileMenu->addAction(tr("&Manage server profiles…"), this, &MainWindow::manageProfiles);
    fileMenu->addSeparator();
    QAction *open = fileMenu->addAction(tr("&Open an export…"), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    m_recent = fileMenu->addMenu(tr("Open &recent"));
    rebuildRecentMenu();
    QAction *exportAction = fileMenu->addAction(tr("&Export…"), this, [this] {
        // The folder and the kind of the last export are offered again.
        QSettings settings;
        const QString json = tr("JSON export, reopens in batchmon (*.json)");
        const QString csv = tr("CSV for spreadsheets (*.csv)");
        const QString pdf = tr("PDF report (*.pdf)");
        const QString suffix =
            settings.value(QStringLiteral("export/suffix"), QStringLiteral("json")).toString();
        QString filter = suffix == QLatin1String("pdf") ? pdf : suffix == QLatin1String("csv") ? csv : json;
        const QString name = QStringLiteral("batchmon-%1.%2")
                                 .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")),
                                      filter == pdf   ? QStringLiteral("pdf")
                                      : filter == csv ? QStringLiteral("csv")
                                                      : QStringLiteral("json"));
        const QString folder = settings.value(QStringLiteral("export/folder"), QDir::homePath()).toString();
        QString path = QFileDialog::getSaveFileName(
            this, tr("Export the jobs of this view"), QDir(folder).filePath(name),
            json + QStringLiteral(";;") + csv + QStringLiteral(";;") + pdf, &filter);
        // The type chosen, when the name left it unsaid (the suffix decides in exportTo).
        if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
            path += filter == pdf                             ? QStringLiteral(".pdf")
                    : filter.contains(QLatin1String("*.csv")) ? QStringLiteral(".csv")
                                                              : QStringLiteral(".json");
        if (path.isEmpty())
            return;
        settings.setValue(QStringLiteral("export/folder"), QFileInfo(path).absolutePath());
        settings.setValue(QStringLiteral("export/suffix"), QFileInfo(path).suffix().toLower());
        exportTo(path);
    });
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_connections = fileMenu->addMenu(tr("&Switch to"));
    m_connectionGroup = new QActionGroup(this);
    fileMenu->addSeparator();
    QAction *quit = fileMenu->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    auto *viewMenu = menuBar()->addMenu(tr("&View"));
    QAction *refresh = viewMenu->addAction(tr("&Refresh"), this, [this] {
        if (m_session)
            m_session->refresh();
    });
    refresh->setShortcut(QKeySequence::Refresh);
    QAction *pause = viewMenu->addAction(tr("&Pause automatic refresh"));
    m_pauseAction = pause;
    pause->setCheckable(true);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(pause, &QAction::toggled, this, [this](bool paused) {
        if (m_session)
            m_session->setAutoRefresh(!paused);
    });
    connect(this, &MainWindow::connectionOpened, pause, [pause] { pause->setChecked(false); });
    viewMenu->addSeparator();
    QAction *showDashboard =
        viewMenu->addAction(tr("&Dashboard"), this, [this] { m_pages->setCurrentIndex(0); });
    showDashboard->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *showConfig = viewMenu->addAction(tr("Batch &configuration and scheduler"), this, [this] {
        if (m_config)
            m_pages->setCurrentWidget(m_config);
    });
    showConfig->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    m_showConfig = showConfig;
    QAction *showAlerts = viewMenu->addAction(tr("A&lerts"), this, [this] {
        if (m_alertsPage)
            m_pages->setCurrentWidget(m_alertsPage);
    });
    showAlerts->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    m_showAlerts = showAlerts;
    viewMenu->addSeparator();
    m_historyAction = viewMenu->addAction(tr("Local &history…"), this, &MainWindow::showHistory);
    m_historyAction->setEnabled(false);
    auto *appearance = new Appearance(this);
    QMenu *appearanceMenu = viewMenu->addMenu(tr("&Appearance"));
    auto *modes = new QActionGroup(this);
    for (const auto &[text, mode] :
         {std::pair{tr("Follow the &system"), Appearance::Mode::System},
          std::pair{tr("&Light"), Appearance::Mode::Light}, std::pair{tr("&Dark"), Appearance::Mode::Dark}}) {
        QAction *a = appearanceMenu->addAction(text, appearance,
                                               [appearance, mode = mode] { appearance->setMode(mode); });
        a->setCheckable(true);
        a->setChecked(appearance->mode() == mode);
        modes->addAction(a);
    }
    // The language applies at the next start: every widget's texts are set once, when it is made.
    QMenu *languageMenu = viewMenu->addMenu(tr("Lan&guage"));
    auto *languages = new QActionGroup(this);
    const QString language = QSettings().value(QStringLiteral("ui/language")).toString();
    for (const auto &[text, code] : {std::pair{tr("Follow the &system"), QString()},
                                     std::pair{QStringLiteral("&English"), QStringLiteral("en")},
                                     std::pair{QStringLiteral("&Deutsch"), QStringLiteral("de")}}) {
        QAction *a = languageMenu->addAction(text, this, [this, code = code] {
            QSettings().setValue(QStringLiteral("ui/language"), code);
            QMessageBox::information(this, tr("Language"),
                                     tr("The language changes when batchmon is started again."));
        });
        a->setCheckable(true);
        a->setChecked(language == code);
        languages->addAction(a);
    }
    m_jobsMenu = menuBar()->addMenu(tr("&Jobs"));
    auto *helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About batchmon"), this, [this] {
        QMessageBox::about(
            this, tr("About batchmon"),
            tr("<h3>batchmon %1</h3><p>Monitor and steer LLM batch-processing pipelines: batch jobs, queues, "
               "throughput, errors, cost and savings, with admin actions and alerts.</p><p>Data comes from a "
               "<code>batchmon-server</code> (File ▸ Connect to a server…), an OpenAI account watched "
               "directly, or "
               "the built-in demo workspace. Server tokens and API keys are kept in the desktop's "
               "keychain.</p><p>Licensed under the GNU GPL, version "
               "3 or "
               "later.</p>")
                .arg(QApplication::applicationVersion().toHtmlEscaped()));
    });
    helpMenu->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);

    statusBar()->addPermanentWidget(m_scheduler);
    statusBar()->addPermanentWidget(m_identity);
    connect(m_profiles, &ProfileStore::profilesChanged, this, &MainWindow::rebuildConnectionsMenu);

    // Where the user left it, inside the screen; the first time 1280×800, or less on a smaller screen
    // (frame included).
    if (restoreGeometry(QSettings().value(QStringLiteral("window/geometry")).toByteArray())) {
        fitIntoScreen();
    } else {
        const QRect screen = QGuiApplication::primaryScreen()
                                 ? QGuiApplication::primaryScreen()->availableGeometry()
                                 : QRect(0, 0, 1280, 800);
        resize(std::min(1280, screen.width() - 40), std::min(800, screen.height() - 60));
    }
    const QString last = m_profiles->lastUsed();
    if (!last.isEmpty() && m_profiles->contains(last))
        openProfile(last);
    else
        openDemo();
}

void MainWindow::bringToFront()
{
    // Not showNormal(): a maximised window would be made small.
    setWindowState((windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    show();
    raise();
    activateWindow();
    // Activation is asynchronous; 500 ms is ample for a window manager that grants it.
    QTimer::singleShot(500, this, [this] {
        if (!isActiveWindow())
            QApplication::alert(this);
    });
}

void MainWindow::fitIntoScreen()
{
    if (windowState() & (Qt::WindowMaximized | Qt::WindowFullScreen))
        return; // the window manager fits those
    QScreen *screen = QGuiApplication::screenAt(frameGeometry().center());
    if (!screen)
        screen = this->screen();
    if (!screen)
        return;
    // Qt 6.4 restores a saved geometry as it was: one saved on a bigger monitor, or while a page made
    // the window 1452 px tall, would open past an 800 px screen's edges, the status bar out of reach.
    const QRect frame = frameGeometry();
    QMargins margins(geometry().left() - frame.left(), geometry().top() - frame.top(),
                     frame.right() - geometry().right(), frame.bottom() - geometry().bottom());
    if (margins.isNull()) { // not shown yet: the window manager's frame is a guess
        const int border = style()->pixelMetric(QStyle::PM_MdiSubWindowFrameWidth, nullptr, this);
        margins = QMargins(border, style()->pixelMetric(QStyle::PM_TitleBarHeight, nullptr, this) + border,
                           border, border);
    }
    const QRect inside = screen->availableGeometry().marginsRemoved(margins);
    if (inside.width() <= 0 || inside.height() <= 0)
        return;
    QRect fitted = geometry();
    fitted.setWidth(std::min(fitted.width(), inside.width()));
    fitted.setHeight(std::min(fitted.height(), inside.height()));
    fitted.moveLeft(std::clamp(fitted.left(), inside.left(), inside.right() + 1 - fitted.width()));
    fitted.moveTop(std::clamp(fitted.top(), inside.top(), inside.bottom() + 1 - fitted.height()));
    if (fitted != geometry())
        setGeometry(fitted);
}

MainWindow::~MainWindow()
{
    closeConnection();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings().setValue(QStringLiteral("window/geometry"), saveGeometry());
    QMainWindow::closeEvent(event);
}

void MainWindow::closeConnection()
{
    ++m_opening;
    // The widgets first (they read the session), then the session, then its source.
    if (m_dashboard)
        statusBar()->removeWidget(m_dashboard->statusLabel());
    delete m_pages;
    m_pages = nullptr;
    m_dashboard = nullptr;
    m_config = nullptr;
    m_filePath.clear();
    m_alertsPage = nullptr;
    delete m_history;
    m_history = nullptr;
    m_historyAction->setEnabled(false);
    delete m_alertMonitor;
    m_alertMonitor = nullptr;
    updateAlertCount(0);
    delete m_session;
    m_session = nullptr;
    delete m_source;
    m_source = nullptr;
    delete m_progress;
    m_jobsMenu->clear();
    m_identity->clear();
    m_scheduler->clear();
}

void MainWindow::install(DataSource *source, const QString &banner, const QString &title, bool readOnlyFile)
{
    m_source = source;
    m_session = new Session(m_source, DashboardConfig(), this);
    m_pages = new QTabWidget(this);
    m_pages->setDocumentMode(true);
    m_dashboard = new DashboardView(m_session, banner, m_pages);
    m_pages->addTab(m_dashboard, tr("Dashboard"));
    // An export holds jobs and figures, not the server's configuration or alerts.
    if (!readOnlyFile) {
        m_config = new ConfigPanel(m_session, m_pages);
        m_pages->addTab(m_config, tr("Batch configuration and scheduler"));
        m_alertMonitor = new AlertMonitor(m_source, DashboardConfig().alertRefreshIntervalMs, this);
        m_alertsPage = new AlertsPage(m_session, m_alertMonitor, m_pages);
        m_pages->addTab(m_alertsPage, tr("Alerts"));
        connect(m_alertMonitor, &AlertMonitor::notify, m_notifier, &DesktopNotifier::show);
        connect(m_alertMonitor, &AlertMonitor::activeCountChanged, this, &MainWindow::updateAlertCount);
        connect(m_alertMonitor, &AlertMonitor::updated, m_dashboard,
                [this] { m_dashboard->setAlertMarkers(m_alertMonitor->model()->events()); });
    }
    setCentralWidget(m_pages);
    setWindowTitle(tr("%1 — batchmon").arg(title));
    m_showConfig->setEnabled(m_config != nullptr);
    m_showAlerts->setEnabled(m_alertsPage != nullptr);
    m_pauseAction->setEnabled(source->isLive());
    connect(m_dashboard, &DashboardView::editConnectionRequested, this, [this] {
        if (m_profile.isEmpty())
            return;
        ConnectDialog dialog(m_profiles, m_profile, this);
        if (dialog.exec() == QDialog::Accepted && !dialog.savedName().isEmpty())
            openProfile(dialog.savedName());
    });
    connect(m_dashboard->banner(), &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("connect"))
            connectToServer();
    });

    for (auto a : {DashboardView::Action::Retry, DashboardView::Action::Cancel, DashboardView::Action::Pause,
                   DashboardView::Action::Resume, DashboardView::Action::PriorityNormal})
        m_jobsMenu->addAction(m_dashboard->action(a));
    m_jobsMenu->addSeparator();
    m_jobsMenu->addAction(m_dashboard->retryAllFailedAction());
    if (m_config) {
        m_jobsMenu->addSeparator();
        QAction *scheduler = m_jobsMenu->addAction(tr("Pause or resume the &scheduler…"), m_config,
                                                   &ConfigPanel::toggleScheduler);
        scheduler->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_P));
        scheduler->setObjectName(QStringLiteral("schedulerAction"));
        connect(m_config, &ConfigPanel::schedulerActionFinished, this, &MainWindow::updateScheduler);
    }

    // The connection's state and the last action's outcome, in the window's status bar.
    // A message about the previous connection (an export finished, say) would be drawn over it.
    statusBar()->clearMessage();
    statusBar()->insertWidget(0, m_dashboard->statusLabel(), 1);
    m_dashboard->statusLabel()->show();
    connect(m_session, &Session::identityChanged, this, &MainWindow::updateIdentity);
    connect(m_session, &Session::snapshotUpdated, this, &MainWindow::updateScheduler);
    updateIdentity();
    rebuildConnectionsMenu();
    emit connectionOpened(m_profile);
}

void MainWindow::openDemo()
{
    closeConnection();
    m_profile.clear();
    m_profiles->setLastUsed(QString());
    LocalSourceOptions options;
    options.databasePath = m_demoPath;
    auto *demo = new LocalSource(options, this);
    install(demo,
            tr("<b>Demo workspace</b> — simulated batch jobs from a built-in pipeline, not a real server "
               "(stored in %1). <a href=\"connect\">Connect to a server…</a>")
                .arg(m_demoPath.toHtmlEscaped()),
            tr("Demo workspace"));
    // What was notified is remembered per connection: a restart does not announce it again.
    m_alertMonitor->setMemoryKey(QUrl::fromLocalFile(QFileInfo(m_demoPath).absoluteFilePath()).toString());
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setFormat(tr("Preparing the demo workspace: %p%"));
    m_progress->setMinimumWidth(m_progress->fontMetrics().horizontalAdvance(m_progress->format()) + 60);
    statusBar()->addPermanentWidget(m_progress);
    connect(demo, &LocalSource::openProgress, m_progress, &QProgressBar::setValue);
    connect(demo, &LocalSource::opened, this, [this] {
        delete m_progress;
        m_session->refresh();
        m_config->reload(); // it asked before the store was open
        m_alertsPage->reload();
        m_alertMonitor->refresh();
    });
    connect(demo, &LocalSource::openFailed, this, [this](const QString &message) {
        delete m_progress;
        QMessageBox::critical(
            this, tr("The demo workspace cannot be opened"),
            tr("%1\n\nCheck that the folder is writable, or remove the file to start a new one.")
                .arg(message));
    });
    demo->open();
}

void MainWindow::openProfile(const QString &name)
{
    const std::optional<ServerProfile> profile = m_profiles->profile(name);
    if (!profile) {
        emit connectionFailed(tr("There is no server profile named “%1”.").arg(name));
        return;
    }
    const quint64 opening = ++m_opening;
    auto *watcher = new QFutureWatcher<CredentialResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, opening, profile = *profile] {
        watcher->deleteLater();
        if (opening != m_opening)
            return; // the user opened something else meanwhile
        const CredentialResult token = watcher->future().result();
        QString problem;
        if (!token.ok())
            problem = profile.isOpenAi()
                          ? tr("The API key of “%1” cannot be read: %2").arg(profile.name, token.message())
                          : tr("The token of “%1” cannot be read: %2").arg(profile.name, token.message());
        auto options = profile.isOpenAi() ? Result<ApiClientOptions, QString>(ApiClientOptions())
                                          : ProfileStore::clientOptions(profile, token.secret());
        if (problem.isEmpty() && !options.ok())
            problem = options.error();
        if (!problem.isEmpty()) {
            emit connectionFailed(problem);
            // Not modal: the window goes on showing what it showed, and the user decides.
            auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open “%1”").arg(profile.name),
                                        problem + QStringLiteral("\n\n") + tr("Edit the profile now?"),
                                        QMessageBox::Yes | QMessageBox::No, this);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->setObjectName(QStringLiteral("openProfileFailed"));
            connect(box, &QMessageBox::finished, this, [this, name = profile.name](int answer) {
                if (answer != QMessageBox::Yes)
                    return;
                ConnectDialog dialog(m_profiles, name, this);
                if (dialog.exec() == QDialog::Accepted && !dialog.savedName().isEmpty())
                    openProfile(dialog.savedName());
            });
            box->open();
            if (!m_session)
                openDemo();
            return;
        }
        if (profile.isOpenAi()) {
            openAccount(profile, token.secret());
            return;
        }
        closeConnection();
        m_profile = profile.name;
        m_profiles->setLastUsed(profile.name);
        auto *source = new HttpSource(*m_nam, options.value(), this);
        install(source,
                tr("<b>%1</b> — %2")
                    .arg(profile.name.toHtmlEscaped(), profile.serverUrl.toDisplayString().toHtmlEscaped()),
                profile.name);
        // Per server, not per profile: an admin's and a viewer's profile of one server see the same
        // events, and a switch between them announces nothing twice.
        m_alertMonitor->setMemoryKey(
            profile.serverUrl.adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash).toString());
        attachHistory(profile.name);
        m_session->refresh();
        m_alertsPage->reload();
        m_alertMonitor->refresh();
    });
    watcher->setFuture(m_profiles->readToken(name));
}

void MainWindow::openAccount(const ServerProfile &profile, const QString &apiKey)
{
    closeConnection();
    m_profile = profile.name;
    m_profiles->setLastUsed(profile.name);
    const QString store = ProfileStore::openAiStorePath(profile.name);
    LocalSourceOptions options;
    options.databasePath = store;
    options.actor = profile.name;
    OpenAiSettings openAi;
    openAi.baseUrl = profile.serverUrl;
    openAi.apiKey = apiKey.trimmed();
    // The collector's calls hold its thread (and closing the connection waits for them): keep them short.
    openAi.requestTimeoutMs = 30000;
    openAi.maxRateLimitWaitMs = 20000;
    options.openAi = openAi;
    auto *source = new LocalSource(options, this);
    install(source,
            tr("<b>OpenAI account %1</b> — %2 · watched directly by batchmon; costs are estimates at list "
               "prices")
                .arg(profile.name.toHtmlEscaped(), profile.serverUrl.toDisplayString().toHtmlEscaped()),
            profile.name);
    // batchmon sends no batches to an account: no scheduler, batch creation or batch sizes to set.
    m_config->setAccountMode(true);
    if (auto *scheduler = m_jobsMenu->findChild<QAction *>(QStringLiteral("schedulerAction"))) {
        scheduler->setEnabled(false);
        scheduler->setToolTip(
            tr("An OpenAI account has no batchmon scheduler: batchmon sends it no batches."));
    }
    updateScheduler();
    m_dashboard->banner()->setToolTip(
        tr("The account's batches are kept in %1.").arg(QDir::toNativeSeparators(store)));
    // What was notified is remembered per store, as for the demo workspace.
    m_alertMonitor->setMemoryKey(QUrl::fromLocalFile(QFileInfo(store).absoluteFilePath()).toString());
    m_dashboard->setUnavailableActions(
        {DashboardView::Action::Retry, DashboardView::Action::Pause, DashboardView::Action::Resume,
         DashboardView::Action::PriorityNormal},
        tr("Not for an OpenAI account's batches: batchmon watches them as the account runs them, and can "
           "only cancel them. Retry a batch where it was made."));
    connect(source, &LocalSource::collectorProblem, m_dashboard, &DashboardView::setSourceProblem);
    // The collector's changes (new batches, counts, a confirmed cancel) are rare and worth seeing at once.
    connect(source, &DataSource::dataChanged, m_session, [this] {
        if (m_session->autoRefresh())
            m_session->refresh();
    });
    connect(m_dashboard, &DashboardView::retryRequested, source, &LocalSource::collectNow);
    connect(source, &LocalSource::opened, this, [this] {
        m_session->refresh();
        m_config->reload(); // it asked before the store was open
        m_alertsPage->reload();
        m_alertMonitor->refresh();
    });
    connect(source, &LocalSource::openFailed, this, [this, name = profile.name](const QString &message) {
        QMessageBox::critical(this, tr("The OpenAI account “%1” cannot be opened").arg(name),
                              tr("%1\n\nCheck that the folder is writable, or remove the file: it is filled "
                                 "again from the account.")
                                  .arg(message));
    });
    source->open();
    // The session's own refresh comes once the store is open.
}

void MainWindow::attachHistory(const QString &profileName)
{
    m_history = new HistoryRecorder(m_session, HistoryStore::pathForProfile(profileName),
                                    HistoryRecorder::limitsFromSettings(), this);
    m_dashboard->setHistory(m_history);
    m_historyAction->setEnabled(true);
    // Once per connection: the recorder stops at its first failure, and the charts go on with the
    // server's data.
    const auto tell = [this](const QString &why) {
        statusBar()->showMessage(
            tr("Local history is unavailable (%1); the charts show the server's data only.").arg(why), 30000);
    };
    if (!m_history->isAvailable())
        tell(m_history->problem());
    connect(m_history, &HistoryRecorder::unavailable, this, tell);
}

void MainWindow::showHistory()
{
    if (!m_history)
        return;
    HistoryDialog dialog(m_history, m_profile, this);
    dialog.exec();
}

void MainWindow::exportTo(const QString &path)
{
    if (!m_session || !m_source)
        return;
    const bool pdf = path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive);
    const ExportFormat format =
        path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? ExportFormat::Csv : ExportFormat::Json;
    MonitoringQuery query = m_session->query();
    ExportHeader header;
    header.exportedAt = QDateTime::currentDateTimeUtc();
    const auto *file = qobject_cast<FileSource *>(m_source);
    header.source = file ? file->data().header.sourceWhenReexported(QFileInfo(m_filePath).fileName())
                    : m_profile.isEmpty() ? QStringLiteral("demo")
                                          : m_profile;
    header.timeRange = query.timeRange;
    header.status = query.status;
    header.jobType = query.jobType;
    // Off the UI thread's way: the pages arrive one by one (and a report's pages are drawn a few at a
    // time); the dialog shows how far and can stop it.
    auto *progress = newProgress(this, tr("Exporting the jobs of this view…"), tr("Export"), 0, 500);
    auto cancelled = std::make_shared<bool>(false);
    const auto wire = [this, progress, path, cancelled](auto *task) {
        using Task = std::remove_pointer_t<decltype(task)>;
        connect(progress, &QProgressDialog::canceled, task, [task, cancelled] {
            *cancelled = true;
            task->cancel();
        });
        // A wait (the server's rate limit, a dropped connection) is said, or the bar looks stuck.
        connect(task, &Task::retryScheduled, progress,
                [progress](qint64 page, qint64 pages, int delayMs, const QString &reason, bool rateLimited) {
                    const QString wait =
                        rateLimited ? tr("Waiting %1 s for the server's rate limit (page %2 of %3)…")
                                    : reason + QLatin1Char(' ') + tr("Trying again in %1 s (page %2 of %3)…");
                    if (!progress->property("waiting").toBool())
                        progress->setProperty("label", progress->labelText());
                    progress->setProperty("waiting", true);
                    progress->setLabelText(wait.arg((delayMs + 999) / 1000).arg(page).arg(pages));
                });
        connect(task, &Task::progress, progress, [progress](qint64 done, qint64 total) {
            if (progress->property("waiting").toBool()) { // the wait is over
                progress->setProperty("waiting", false);
                progress->setLabelText(progress->property("label").toString());
            }
            progress->setMaximum(int(std::min<qint64>(total, INT_MAX)));
            progress->setValue(int(std::min<qint64>(done, INT_MAX)));
        });
        connect(task, &Task::finished, this,
                [this, progress, path, cancelled](const QString &error, qint64 jobs) {
                    const bool byUser = *cancelled;
                    closeQuietly(progress);
                    if (!error.isEmpty() && byUser)
                        statusBar()->showMessage(tr("Export cancelled; nothing was written to %1.").arg(path),
                                                 10000);
                    else if (error.isEmpty())
                        statusBar()->showMessage(
                            tr("Exported %1 jobs to %2").arg(QLocale().toString(jobs), path), 10000);
                    else {
                        auto *box = new QMessageBox(QMessageBox::Warning, tr("Export failed"),
                                                    tr("%1\n\nNothing was written to %2.")
                                                        .arg(error.left(1).toUpper() + error.mid(1), path),
                                                    QMessageBox::Ok, this);
                        box->setAttribute(Qt::WA_DeleteOnClose);
                        box->setObjectName(QStringLiteral("exportFailed"));
                        box->open(); // not modal to the event loop: the window goes on
                    }
                    emit exportFinished(error, jobs);
                });
        task->start();
    };
    if (pdf) {
        auto *report = new ReportExport(m_source, query, header, path, this);
        connect(report, &ReportExport::stageChanged, progress, &QProgressDialog::setLabelText);
        wire(report);
    } else {
        wire(new ExportCollector(m_source, query, header, format, path, this));
    }
}

QStringList MainWindow::recentFiles()
{
    return QSettings().value(QStringLiteral("recentFiles")).toStringList();
}

void MainWindow::addRecentFile(const QString &path)
{
    QStringList files = recentFiles();
    files.removeAll(path);
    files.prepend(path);
    while (files.size() > 8)
        files.removeLast();
    QSettings().setValue(QStringLiteral("recentFiles"), files);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recent->clear();
    const QStringList files = recentFiles();
    int i = 1;
    for (const QString &path : files) {
        // "&1 name.json — /folder", the full path in the tooltip.
        const QFileInfo info(path);
        QAction *a =
            m_recent->addAction(tr("&%1 %2 — %3")
                                    .arg(i++)
                                    .arg(info.fileName().replace(QLatin1Char('&'), QStringLiteral("&&")),
                                         QDir::toNativeSeparators(info.absolutePath())));
        a->setToolTip(path);
        connect(a, &QAction::triggered, this, [this, path] { openFile(path); });
    }
    if (files.isEmpty()) {
        m_recent->addAction(tr("No exports opened yet"))->setEnabled(false);
        return;
    }
    m_recent->addSeparator();
    m_recent->addAction(tr("&Clear the list"), this, [this] {
        QSettings().remove(QStringLiteral("recentFiles"));
        rebuildRecentMenu();
    });
}

void MainWindow::chooseFile()
{
    const QString folder =
        recentFiles().isEmpty() ? QDir::homePath() : QFileInfo(recentFiles().constFirst()).absolutePath();
    const QString path = QFileDialog::getOpenFileName(this, tr("Open an export for review"), folder,
                                                      tr("batchmon JSON exports (*.json);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() == 1 && urls.constFirst().isLocalFile())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.size() != 1 || !urls.constFirst().isLocalFile())
        return;
    event->acceptProposedAction();
    openFile(urls.constFirst().toLocalFile());
}

void MainWindow::openFile(const QString &path)
{
    const QFileInfo info(path);
    const auto fail = [this](const QString &message) {
        emit fileOpenFailed(message);
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the export"),
                                    message + QStringLiteral("\n\n") +
                                        tr("What was shown before is still shown. Export the data again "
                                           "(File ▸ Export) if the file is damaged."),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("openFileFailed"));
        box->open();
    };
    if (!info.isFile()) {
        fail(info.exists() ? tr("%1 is not a file.").arg(path) : tr("%1 does not exist.").arg(path));
        if (recentFiles().contains(path)) {
            QStringList files = recentFiles();
            files.removeAll(path);
            QSettings().setValue(QStringLiteral("recentFiles"), files);
            rebuildRecentMenu();
        }
        return;
    }
    delete m_pendingFile; // the user opened another file meanwhile
    auto *file = new FileSource(info.absoluteFilePath(), this);
    m_pendingFile = file;
    // Read off the UI thread; the dialog shows how far it is and can stop it. The current view stays
    // until the file has been read whole.
    auto *progress =
        newProgress(this, tr("Reading %1…").arg(info.fileName()), tr("Open an export"), 100, 300);
    progress->setObjectName(QStringLiteral("openFileProgress"));
    connect(progress, &QProgressDialog::canceled, file, &FileSource::cancelOpen);
    connect(file, &FileSource::openProgress, progress, &QProgressDialog::setValue);
    const auto closeProgress = [progress] {
        closeQuietly(progress);
    };
    connect(file, &QObject::destroyed, progress, closeProgress);
    connect(file, &FileSource::openFailed, this, [this, file, closeProgress, fail](const QString &message) {
        closeProgress();
        file->deleteLater();
        if (file->wasCancelled()) {
            statusBar()->showMessage(message, 10000);
            emit fileOpenFailed(message);
            return;
        }
        fail(message);
    });
    connect(file, &FileSource::opened, this, [this, file, closeProgress] {
        closeProgress();
        m_pendingFile = nullptr;
        const ExportData &data = file->data();
        closeConnection();
        m_profile.clear();
        m_filePath = file->path();
        const QFileInfo info(m_filePath);
        QStringList filters;
        if (data.header.status)
            filters.append(tr("status %1").arg(toWireString(*data.header.status)));
        if (data.header.jobType)
            filters.append(tr("job type %1").arg(*data.header.jobType));
        const QString exported =
            data.header.exportedAt.isValid()
                ? QLocale().toString(data.header.exportedAt.toLocalTime(), QLocale::ShortFormat)
                : tr("an unknown time (not a batchmon export)");
        const QString source = data.header.source.isEmpty() ? tr("an unknown source") : data.header.source;
        QString banner =
            tr("<b>Exported file</b> — %1, exported %2 from %3, %4 jobs%5. Read only: actions are off; the "
               "cards and charts are as exported, the filters narrow the file's jobs.")
                .arg(info.fileName().toHtmlEscaped(), exported.toHtmlEscaped(), source.toHtmlEscaped(),
                     QLocale().toString(data.header.jobCount),
                     filters.isEmpty()
                         ? QString()
                         : QStringLiteral(" (") + filters.join(QStringLiteral(", ")).toHtmlEscaped() +
                               QLatin1Char(')'));
        install(file, banner, info.fileName(), true);
        m_dashboard->banner()->setToolTip(QDir::toNativeSeparators(m_filePath));
        m_dashboard->setRecordedTabVisible(false);
        m_dashboard->lockRange(
            data.snapshot.timeRange.value_or(data.header.timeRange.value_or(TimeRange::LastDay)),
            tr("An export holds one time range: the one it was exported with."));
        m_session->refresh();
        addRecentFile(m_filePath);
        rebuildConnectionsMenu();
        emit fileOpened(m_filePath);
    });
    file->open();
}

void MainWindow::connectToServer()
{
    ConnectDialog dialog(m_profiles, QString(), this);
    if (dialog.exec() == QDialog::Accepted && !dialog.savedName().isEmpty())
        openProfile(dialog.savedName());
}

void MainWindow::manageProfiles()
{
    ProfilesDialog dialog(m_profiles, this);
    dialog.exec();
    if (!m_profile.isEmpty() && !m_profiles->contains(m_profile))
        openDemo(); // the profile shown was removed
}

void MainWindow::rebuildConnectionsMenu()
{
    m_connections->clear();
    const auto add = [this](const QString &text, const QString &name, int index) {
        QAction *a = m_connections->addAction(text);
        a->setCheckable(true);
        a->setChecked(m_session && m_filePath.isEmpty() && name == m_profile);
        a->setActionGroup(m_connectionGroup);
        if (index < 9)
            a->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key(Qt::Key_0 + index)));
        connect(a, &QAction::triggered, this, [this, name] {
            if (name.isEmpty())
                openDemo();
            else
                openProfile(name);
        });
    };
    add(tr("&Demo workspace"), QString(), 0);
    m_connections->addSeparator();
    int i = 1;
    for (const QString &name : m_profiles->names()) {
        add(QString(name).replace(QLatin1Char('&'), QStringLiteral("&&")), name, i);
        ++i;
    }
}

QString MainWindow::identityText() const
{
    if (!m_filePath.isEmpty())
        return tr("Read only");
    if (!m_session || !m_session->identity())
        return {};
    const Identity &who = *m_session->identity();
    return tr("%1 · %2").arg(who.name, toWireString(who.role));
}

void MainWindow::updateIdentity()
{
    if (!m_session)
        return;
    m_identity->setText(identityText());
    // Until the server says (or when it cannot, being older than GET /whoami), the actions stay on:
    // the server refuses what the token may not do, and the dashboard shows its words.
    const bool admin = m_filePath.isEmpty() && (!m_session->identity() || m_session->canAct());
    const QString why = !m_filePath.isEmpty()
                            ? tr("Read only: this is an exported file. Connect to the server to act on jobs.")
                            : tr("Read only: this token has the viewer role. Ask for an admin token "
                                 "(batchmon-server token add NAME --role admin) to act on jobs.");
    m_dashboard->setCanAct(admin, admin ? QString() : why);
    if (m_config)
        m_config->setEditable(admin);
    if (m_alertsPage)
        m_alertsPage->setEditable(admin);
    m_identity->setToolTip(admin ? tr("This token may change jobs, the configuration and the scheduler.")
                                 : why);
}

void MainWindow::updateAlertCount(int count)
{
    m_notifier->setActiveCount(count);
    if (m_pages && m_alertsPage)
        m_pages->setTabText(m_pages->indexOf(m_alertsPage),
                            count > 0 ? tr("Alerts (%1)").arg(count) : tr("Alerts"));
}

QString MainWindow::schedulerText() const
{
    return m_scheduler->text();
}

void MainWindow::updateScheduler()
{
    if (!m_config || m_config->isAccountMode()) {
        m_scheduler->clear();
        return;
    }
    m_scheduler->setText(tr("Scheduler: %1").arg(m_config->schedulerText()));
}

} // namespace batchmon
