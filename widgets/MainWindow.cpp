// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "Appearance.h"
#include "DashboardView.h"
#include "Session.h"
#include "source/LocalSource.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStatusBar>

namespace batchmon {

MainWindow::MainWindow(const QString &demoPath, QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(tr("batchmon — Demo workspace"));
    LocalSourceOptions options;
    options.databasePath = demoPath;
    auto *demo = new LocalSource(options, this);
    m_source = demo;
    m_session = new Session(m_source, DashboardConfig(), this);

    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *quit = fileMenu->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
    auto *viewMenu = menuBar()->addMenu(tr("&View"));
    QAction *refresh = viewMenu->addAction(tr("&Refresh"), m_session, &Session::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    QAction *pause = viewMenu->addAction(tr("&Pause automatic refresh"));
    pause->setCheckable(true);
    pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(pause, &QAction::toggled, m_session, [this](bool paused) { m_session->setAutoRefresh(!paused); });
    viewMenu->addSeparator();
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

    auto *dashboard = new DashboardView(
        m_session,
        tr("<b>Demo workspace</b> — simulated batch jobs from a built-in pipeline, not a real server. "
           "Stored in %1.")
            .arg(demoPath.toHtmlEscaped()),
        this);
    setCentralWidget(dashboard);
    auto *jobsMenu = menuBar()->addMenu(tr("&Jobs"));
    for (auto a : {DashboardView::Action::Retry, DashboardView::Action::Cancel, DashboardView::Action::Pause,
                   DashboardView::Action::Resume, DashboardView::Action::PriorityNormal})
        jobsMenu->addAction(dashboard->action(a));
    jobsMenu->addSeparator();
    jobsMenu->addAction(dashboard->retryAllFailedAction());

    // The connection's state and the last action's outcome, in the window's status bar.
    statusBar()->addWidget(dashboard->statusLabel(), 1);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 100);
    m_progress->setFormat(tr("Preparing the demo workspace: %p%"));
    statusBar()->addPermanentWidget(m_progress);
    connect(demo, &LocalSource::openProgress, m_progress, &QProgressBar::setValue);
    connect(demo, &LocalSource::opened, this, [this] {
        m_progress->hide();
        m_session->refresh();
    });
    connect(demo, &LocalSource::openFailed, this, [this](const QString &message) {
        m_progress->hide();
        QMessageBox::critical(
            this, tr("The demo workspace cannot be opened"),
            tr("%1\n\nCheck that the folder is writable, or remove the file to start a new one.")
                .arg(message));
    });
    demo->open();
    resize(1280, 800);
}

} // namespace batchmon
