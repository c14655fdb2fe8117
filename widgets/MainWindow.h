// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>
#include <QPointer>

class QAction;
class QActionGroup;
class QDragEnterEvent;
class QDropEvent;
class QLabel;
class QMenu;
class QNetworkAccessManager;
class QProgressBar;
class QTabWidget;

namespace batchmon {

class AlertMonitor;
class DesktopNotifier;
class AlertsPage;
class ConfigPanel;
class DashboardView;
class DataSource;
class HistoryRecorder;
class ProfileStore;
class Session;
struct ServerProfile;

/**
 * The top-level window: one connection at a time — the demo workspace (the engine in-process,
 * clearly labelled as simulated data) or a server profile — with its dashboard and its batch
 * configuration. Without a server profile it opens the demo workspace and offers "Connect to a
 * server…"; the last connection used is opened again at the next start.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// `demoPath`: the demo workspace's file (LocalSource::defaultDemoPath() in the app). `profiles`
    /// must outlive the window.
    MainWindow(const QString &demoPath, ProfileStore *profiles, QWidget *parent = nullptr);
    ~MainWindow() override;

    Session *session() const { return m_session; }
    DashboardView *dashboard() const { return m_dashboard; }
    ConfigPanel *configPanel() const { return m_config; }
    AlertsPage *alertsPage() const { return m_alertsPage; }
    AlertMonitor *alertMonitor() const { return m_alertMonitor; }
    /// The server profile's local history; null for the demo workspace.
    HistoryRecorder *history() const { return m_history; }
    DesktopNotifier *notifier() const { return m_notifier; }
    QTabWidget *pages() const { return m_pages; }
    /// The profile shown, or empty for the demo workspace.
    QString currentProfile() const { return m_profile; }
    /// The exported file shown (offline review), or empty.
    QString currentFile() const { return m_filePath; }
    /// The recently opened exports, newest first.
    static QStringList recentFiles();
    /// The scheduler's state as the status bar shows it ("Scheduler: running").
    QString schedulerText() const;
    /// Who the connection is ("alice · admin").
    QString identityText() const;

public slots:
    /// Shows the window in front — restored if minimised, kept maximised if it was — and asks for the
    /// focus. Where the window manager keeps it (X11 focus-stealing prevention), the taskbar entry asks
    /// for attention instead.
    void bringToFront();
    /// Closes the current connection and opens the demo workspace.
    void openDemo();
    /// Closes the current connection and opens the profile `name` (its token or API key from the
    /// credential store): a batchmon-server, or an OpenAI account whose collector then runs in-process
    /// over a store of its own; a failure is explained and the window stays usable.
    void openProfile(const QString &name);
    /// The "Connect to a server…" dialog; a saved profile is opened.
    void connectToServer();
    void manageProfiles();
    /// Opens the JSON export `path` for offline review, with a progress dialog and Cancel; the
    /// connection shown stays until the file has been read whole, so a bad file loses nothing.
    /// `fileOpened` or `fileOpenFailed` follows.
    void openFile(const QString &path);
    /// File ▸ Open: asks for an export and opens it.
    void chooseFile();
    /// View ▸ Local history…: the profile's history file, its limits, and Clear.
    void showHistory();
    /// Exports every job of the dashboard's range and filters to `path` (.csv: CSV, .pdf: a PDF report
    /// with the cards, charts and jobs, else JSON), with a progress dialog and Cancel; `exportFinished`
    /// follows. File ▸ Export asks for the path.
    void exportTo(const QString &path);

signals:
    /// A connection was opened (its session exists); `name` is empty for the demo workspace.
    void connectionOpened(const QString &name);
    /// Opening the profile failed before a session existed (no token, CA file unreadable…).
    void connectionFailed(const QString &message);
    /// An exported file is open for review.
    void fileOpened(const QString &path);
    /// A file could not be opened (or its opening was cancelled); what was shown stays.
    void fileOpenFailed(const QString &message);
    /// An export ended: `error` is empty on success, and the file is then complete.
    void exportFinished(const QString &error, qint64 jobs);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void closeConnection();
    /// Shows the OpenAI account of `profile`, its collector running in-process with `apiKey`.
    void openAccount(const ServerProfile &profile, const QString &apiKey);
    /// Brings a restored geometry inside the screen's available area (size first, then position).
    void fitIntoScreen();
    /// Shows `source`; an exported file (`readOnlyFile`) gets the dashboard only.
    void install(DataSource *source, const QString &banner, const QString &title, bool readOnlyFile = false);
    void addRecentFile(const QString &path);
    void rebuildRecentMenu();
    void attachHistory(const QString &profileName);
    void rebuildConnectionsMenu();
    void updateIdentity();
    void updateScheduler();
    void updateAlertCount(int count);

    QString m_demoPath;
    ProfileStore *m_profiles;
    QNetworkAccessManager *m_nam;
    QString m_profile;
    QString m_filePath; ///< the exported file shown, or empty
    QPointer<DataSource> m_pendingFile;
    DataSource *m_source = nullptr;
    Session *m_session = nullptr;
    QTabWidget *m_pages = nullptr;
    DashboardView *m_dashboard = nullptr;
    ConfigPanel *m_config = nullptr;
    AlertMonitor *m_alertMonitor = nullptr;
    AlertsPage *m_alertsPage = nullptr;
    HistoryRecorder *m_history = nullptr;
    QAction *m_historyAction;
    DesktopNotifier *m_notifier;
    QPointer<QProgressBar> m_progress;
    QLabel *m_identity;
    QLabel *m_scheduler;
    QMenu *m_connections;
    QMenu *m_recent;
    QAction *m_showConfig;
    QAction *m_showAlerts;
    QAction *m_pauseAction;
    QMenu *m_jobsMenu;
    QActionGroup *m_connectionGroup;
    quint64 m_opening = 0; ///< bumped by each open, so a late token for an older one is dropped
};

} // namespace batchmon
