// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: the app's session and dashboard against a real batchmon-server on loopback. An admin
// retries a failed job from the table and sees the new job appear; acts on a selection; retries every
// failed job of the view; a stale view gets the server's own refusal; a viewer is refused.
#include "AlertMonitor.h"
#include "AlertsPage.h"
#include "Await.h"
#include "Charts.h"
#include "ConfigPanel.h"
#include "DashboardView.h"
#include "JobDetailsDialog.h"
#include "JobTableModel.h"
#include "MainWindow.h"
#include "MetricCard.h"
#include "ProfileStore.h"
#include "ServerProcess.h"
#include "Session.h"
#include "credentials/MemoryCredentialStore.h"
#include "source/HttpSource.h"

#include <QAction>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace batchmon;

class TestDashboardServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    QString m_admin;
    QString m_viewer;
    QNetworkAccessManager m_nam;

    std::unique_ptr<HttpSource> source(const QString &token)
    {
        ApiClientOptions options;
        options.serverUrl = m_server->url();
        options.token = token;
        return std::make_unique<HttpSource>(m_nam, options);
    }

    /// Selects the rows of the jobs with these ids (the table's current page).
    static void select(QTableView *table, const QStringList &ids)
    {
        table->clearSelection();
        QAbstractItemModel *rows = table->model();
        for (int r = 0; r < rows->rowCount(); ++r) {
            if (ids.contains(rows->index(r, 0).data(JobTableModel::JobIdRole).toString()))
                table->selectionModel()->select(rows->index(r, 0),
                                                QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }

    static int rowOf(QTableView *table, const QString &id)
    {
        QAbstractItemModel *rows = table->model();
        for (int r = 0; r < rows->rowCount(); ++r)
            if (rows->index(r, 0).data(JobTableModel::JobIdRole).toString() == id)
                return r;
        return -1;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_server =
            std::make_unique<Server>(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("server.db")));
        m_admin = m_server->addToken(QStringLiteral("alice"), QStringLiteral("admin"));
        m_viewer = m_server->addToken(QStringLiteral("wally"), QStringLiteral("viewer"));
        QVERIFY(m_server->start(
            {QStringLiteral("--simulate"), QStringLiteral("--backfill-days"), QStringLiteral("2")}));
    }

    void adminRetriesAndSeesTheNewJob()
    {
        auto http = source(m_admin);
        // Hold the scheduler, so retried jobs stay pending where the test can see them.
        QVERIFY(awaitResult(http->pauseScheduler()).ok());
        Session session(http.get());
        DashboardView view(&session, QStringLiteral("test server"));
        view.resize(1280, 800);
        view.show();
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.refresh();
        QVERIFY(updated.wait(30000));
        QCOMPARE(session.state(), Session::State::Connected);
        QVERIFY(view.card(0)->value() != QStringLiteral("—"));
        QTRY_VERIFY(view.chartsCurrent());
        QVERIFY(!view.resourceChart()->caption().isEmpty());

        // Only failed jobs, on the server's side.
        view.statusFilter()->setCurrentIndex(view.statusFilter()->findData(QStringLiteral("failed")));
        QVERIFY(updated.wait(30000));
        QTableView *table = view.jobTable();
        QVERIFY2(table->model()->rowCount() >= 3,
                 "fewer than 3 failed jobs in two days of simulated history");
        const QString failedId = table->model()->index(0, 0).data(JobTableModel::JobIdRole).toString();
        const QStringList moreFailed{table->model()->index(1, 0).data(JobTableModel::JobIdRole).toString(),
                                     table->model()->index(2, 0).data(JobTableModel::JobIdRole).toString()};

        // Nothing selected: the selection's actions are off; "retry all failed" is on.
        table->clearSelection();
        QVERIFY(!view.action(DashboardView::Action::Retry)->isEnabled());
        QVERIFY(view.retryAllFailedAction()->isEnabled());
        select(table, {failedId});
        QVERIFY(view.action(DashboardView::Action::Retry)->isEnabled());
        QVERIFY(!view.action(DashboardView::Action::Pause)->isEnabled()); // a failed job is not pending
        QVERIFY(view.action(DashboardView::Action::Cancel)->isEnabled() == false);

        QString asked;
        view.setConfirm([&asked](const QString &q) {
            asked = q;
            return true;
        });
        QSignalSpy acted(&view, &DashboardView::actionFinished);
        view.action(DashboardView::Action::Retry)->trigger();
        QVERIFY(acted.wait(30000));
        QCOMPARE(acted.last().first().toBool(), true);
        QVERIFY2(asked.startsWith(QStringLiteral("Retry %1?").arg(failedId)), qPrintable(asked));
        QVERIFY2(asked.contains(QStringLiteral("Estimated cost: ")) ||
                     asked.contains(QStringLiteral("cannot be estimated")),
                 qPrintable(asked));
        QVERIFY2(view.lastOutcome().startsWith(failedId + QStringLiteral(" is retried as ")),
                 qPrintable(view.lastOutcome()));
        const QString newId = view.lastOutcome().section(QStringLiteral(" is retried as "), 1).chopped(1);

        // The new job appears, pending, linked to the one retried.
        view.statusFilter()->setCurrentIndex(view.statusFilter()->findData(QStringLiteral("pending")));
        QVERIFY(QTest::qWaitFor([&] { return rowOf(table, newId) >= 0; }, 30000));
        const int row = rowOf(table, newId);
        QCOMPARE(table->model()->index(row, JobTableModel::Status).data().toString(),
                 QStringLiteral("Pending"));
        const auto fetched = awaitResult(http->fetchJob(newId));
        QVERIFY(fetched.ok());
        QCOMPARE(fetched.value().retryOf, std::optional<QString>(failedId));

        // A selection of two failed jobs is retried in one action.
        view.statusFilter()->setCurrentIndex(view.statusFilter()->findData(QStringLiteral("failed")));
        QVERIFY(QTest::qWaitFor([&] { return rowOf(table, moreFailed.last()) >= 0; }, 30000));
        select(table, moreFailed);
        view.action(DashboardView::Action::Retry)->trigger();
        QVERIFY(acted.wait(30000));
        QCOMPARE(acted.last().first().toBool(), true);
        QVERIFY2(asked.startsWith(QStringLiteral("Retry 2 jobs? Their ")), qPrintable(asked));
        QCOMPARE(view.lastOutcome(), QStringLiteral("Retry: 2 of 2 jobs done."));

        // A selection of two pending jobs is held back in one action.
        view.statusFilter()->setCurrentIndex(view.statusFilter()->findData(QStringLiteral("pending")));
        QVERIFY(updated.wait(30000));
        for (int r = 0; r < table->model()->rowCount(); ++r)
            QCOMPARE(table->model()->index(r, JobTableModel::Status).data().toString(),
                     QStringLiteral("Pending"));
        QAbstractItemModel *rows = table->model();
        QVERIFY2(rows->rowCount() >= 2, "fewer than two pending jobs");
        const QStringList two{rows->index(0, 0).data(JobTableModel::JobIdRole).toString(),
                              rows->index(1, 0).data(JobTableModel::JobIdRole).toString()};
        select(table, two);
        QCOMPARE(view.selectedJobs().size(), 2);
        QVERIFY(view.action(DashboardView::Action::Pause)->isEnabled());
        view.action(DashboardView::Action::Pause)->trigger();
        QVERIFY(acted.wait(30000));
        QCOMPARE(acted.last().first().toBool(), true);
        QVERIFY2(asked.startsWith(QStringLiteral("Pause 2 jobs?")), qPrintable(asked));
        QCOMPARE(view.lastOutcome(), QStringLiteral("Pause: 2 of 2 jobs done."));
        for (const QString &id : two)
            QCOMPARE(awaitResult(http->fetchJob(id)).value().status, JobStatus::Paused);

        // A stale view: the job changed on the server after the page was loaded. The server refuses
        // in its own words, and the dashboard shows them.
        const Job stale = awaitResult(http->fetchJob(two.first())).value();
        QVERIFY(awaitResult(http->cancelJob(stale.id)).ok());
        view.run(DashboardView::Action::Resume, stale);
        QVERIFY(acted.wait(30000));
        QCOMPARE(acted.last().first().toBool(), false);
        QVERIFY2(view.lastOutcome().contains(QStringLiteral("resume is allowed only when it is paused")),
                 qPrintable(view.lastOutcome()));

        // "Retry all failed jobs in this view": every failed or expired job of the range, all pages.
        view.statusFilter()->setCurrentIndex(0);
        QVERIFY(updated.wait(30000));
        MonitoringQuery failedQuery = session.query();
        failedQuery.status = JobStatus::Failed;
        const qint64 failed = awaitResult(http->fetchMonitoring(failedQuery)).value().pagination->total;
        failedQuery.status = JobStatus::Expired;
        const qint64 expired = awaitResult(http->fetchMonitoring(failedQuery)).value().pagination->total;
        QVERIFY(failed + expired > 0);
        view.setConfirm([&asked](const QString &q) {
            asked = q;
            return false; // asked, then declined: nothing is sent
        });
        asked.clear();
        view.retryAllFailed();
        QTRY_VERIFY_WITH_TIMEOUT(!asked.isEmpty(), 30000);
        const QString expected = failed + expired == 1
                                     ? QStringLiteral("Retry batch-job-")
                                     : QStringLiteral("Retry %1 jobs?").arg(failed + expired);
        QVERIFY2(asked.startsWith(expected), qPrintable(asked));
        QCOMPARE(awaitResult(http->fetchMonitoring(failedQuery)).value().pagination->total, expired);
        // Accepted: every one of them is retried, one request each, and the outcome counts them.
        view.setConfirm([](const QString &) { return true; });
        view.retryAllFailed();
        QVERIFY(acted.wait(60000));
        QCOMPARE(acted.last().first().toBool(), true);
        // The three retried above are not retried twice (docs/api.md §11.1).
        QCOMPARE(view.lastOutcome(),
                 QStringLiteral("Retry: %1 of %2 jobs done. 3 had been retried before; their "
                                "retries are the ones to watch.")
                     .arg(failed + expired - 3)
                     .arg(failed + expired));
        QVERIFY(awaitResult(http->resumeScheduler()).ok());
    }

    void viewerIsRefused()
    {
        auto http = source(m_viewer);
        Session session(http.get());
        DashboardView view(&session, QStringLiteral("test server"));
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.refresh();
        QVERIFY(updated.wait(30000));
        Job target;
        for (const Job &j : session.snapshot()->jobs)
            if (commandAllowed(JobCommand::Cancel, j))
                target = j;
        QVERIFY(!target.id.isEmpty());
        view.setConfirm([](const QString &) { return true; });
        QSignalSpy acted(&view, &DashboardView::actionFinished);
        view.run(DashboardView::Action::Cancel, target);
        QVERIFY(acted.wait(30000));
        QCOMPARE(acted.last().first().toBool(), false);
        QVERIFY2(view.lastOutcome().contains(QStringLiteral("admin")), qPrintable(view.lastOutcome()));

        view.setCanAct(false, QStringLiteral("Read only: a viewer token"));
        view.jobTable()->selectRow(0);
        QVERIFY(!view.action(DashboardView::Action::Retry)->isEnabled());
        QVERIFY(!view.retryAllFailedAction()->isEnabled());
        QCOMPARE(view.retryAllFailedAction()->toolTip(), QStringLiteral("Read only: a viewer token"));
    }

    void detailsRefreshWhileOpen()
    {
        auto http = source(m_admin);
        MonitoringQuery q;
        q.status = JobStatus::Pending;
        const auto pending = awaitResult(http->fetchMonitoring(q));
        QVERIFY(pending.ok());
        QVERIFY2(!pending.value().jobs.isEmpty(), "no pending job");
        const QString id = pending.value().jobs.first().id;
        JobDetailsDialog details(http.get(), id, nullptr, 200);
        QSignalSpy loaded(&details, &JobDetailsDialog::loaded);
        QVERIFY(loaded.wait(20000));
        QVERIFY2(details.summaryText().contains(QStringLiteral("Pending")),
                 qPrintable(details.summaryText()));
        QVERIFY(awaitResult(http->cancelJob(id)).ok());
        QTRY_VERIFY_WITH_TIMEOUT(details.summaryText().contains(QStringLiteral("Cancel")), 20000);
    }

    void alertRulesOnTheServer()
    {
        auto http = source(m_admin);
        Session session(http.get());
        AlertMonitor monitor(http.get());
        AlertsPage page(&session, &monitor);
        QSignalSpy loaded(&page, &AlertsPage::loaded);
        page.reload();
        QVERIFY(loaded.wait(20000));
        QCOMPARE(loaded.first().first().toBool(), true);
        QLineEdit *rate = page.thresholdEdit(AlertRuleId::HighErrorRate);
        rate->setText(QStringLiteral("150"));
        QCOMPARE(page.fieldError(AlertRuleId::HighErrorRate),
                 QStringLiteral("Enter a percentage from 0 to 100."));
        QVERIFY(!page.applyButton()->isEnabled());
        rate->setText(QStringLiteral("25"));
        QVERIFY(page.applyButton()->isEnabled());
        QSignalSpy applied(&page, &AlertsPage::applied);
        page.applyButton()->click();
        QVERIFY(applied.wait(20000));
        QVERIFY2(applied.first().first().toBool(), qPrintable(page.statusText()));
        QCOMPARE(awaitResult(http->fetchAlertConfig()).value().rule(AlertRuleId::HighErrorRate)->threshold,
                 25.0);

        // Shown after a refresh: another page reads it back from the server.
        AlertsPage again(&session, &monitor);
        QSignalSpy reloaded(&again, &AlertsPage::loaded);
        again.reload();
        QVERIFY(reloaded.wait(20000));
        QCOMPARE(again.thresholdEdit(AlertRuleId::HighErrorRate)->text(), QStringLiteral("25"));

        // A viewer's edit is refused by the server in its words; the page turns read only.
        auto viewer = source(m_viewer);
        Session viewerSession(viewer.get());
        AlertMonitor viewerMonitor(viewer.get());
        AlertsPage viewerPage(&viewerSession, &viewerMonitor);
        QSignalSpy viewerLoaded(&viewerPage, &AlertsPage::loaded);
        viewerPage.reload();
        QVERIFY(viewerLoaded.wait(20000));
        viewerPage.thresholdEdit(AlertRuleId::HighErrorRate)->setText(QStringLiteral("30"));
        QSignalSpy refused(&viewerPage, &AlertsPage::applied);
        viewerPage.applyButton()->click();
        QVERIFY(refused.wait(20000));
        QCOMPARE(refused.first().first().toBool(), false);
        QVERIFY2(viewerPage.statusText().contains(QStringLiteral("admin")),
                 qPrintable(viewerPage.statusText()));
        QVERIFY(!viewerPage.isEditable());
        QCOMPARE(awaitResult(http->fetchAlertConfig()).value().rule(AlertRuleId::HighErrorRate)->threshold,
                 25.0);
    }

    void mainWindowOpensProfilesAndKnowsTheRole()
    {
        MemoryCredentialStore credentials;
        ProfileStore profiles(m_dir.filePath(QStringLiteral("settings.ini")), &credentials);
        ServerProfile wallboard;
        wallboard.name = QStringLiteral("Wallboard");
        wallboard.serverUrl = m_server->url();
        QVERIFY(awaitResult(profiles.add(wallboard, m_viewer)).ok);
        ServerProfile ops = wallboard;
        ops.name = QStringLiteral("Operations");
        QVERIFY(awaitResult(profiles.add(ops, m_admin)).ok);
        profiles.setLastUsed(QStringLiteral("Wallboard"));

        // The last profile used opens at start; the viewer token makes everything read only.
        MainWindow window(m_dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        QSignalSpy opened(&window, &MainWindow::connectionOpened);
        QTRY_VERIFY_WITH_TIMEOUT(window.session() != nullptr, 20000);
        QCOMPARE(window.currentProfile(), QStringLiteral("Wallboard"));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("Wallboard")));
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->identity().has_value(), 20000);
        QCOMPARE(window.identityText(), QStringLiteral("wally · viewer"));
        QVERIFY(!window.dashboard()->canAct());
        QVERIFY(!window.configPanel()->isEditable());
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->snapshot().has_value(), 20000);
        QVERIFY(window.dashboard()->banner()->text().contains(m_server->url().toDisplayString()));
        QTRY_VERIFY_WITH_TIMEOUT(window.schedulerText().startsWith(QStringLiteral("Scheduler: ")), 20000);

        // Switching to the admin profile: a new session, actions on, remembered for the next start.
        window.openProfile(QStringLiteral("Operations"));
        QVERIFY(opened.wait(20000));
        QCOMPARE(window.currentProfile(), QStringLiteral("Operations"));
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->identity().has_value(), 20000);
        QCOMPARE(window.identityText(), QStringLiteral("alice · admin"));
        QVERIFY(window.dashboard()->canAct());
        QVERIFY(window.configPanel()->isEditable());
        QCOMPARE(profiles.lastUsed(), QStringLiteral("Operations"));

        // A profile whose token is gone says so and leaves the window usable.
        QVERIFY(
            awaitResult(credentials.removeSecret(ProfileStore::credentialKey(QStringLiteral("Wallboard"))))
                .ok());
        QSignalSpy failed(&window, &MainWindow::connectionFailed);
        window.openProfile(QStringLiteral("Wallboard"));
        QVERIFY(failed.wait(20000));
        auto *question = window.findChild<QMessageBox *>(QStringLiteral("openProfileFailed"));
        QVERIFY(question);
        QVERIFY(question->text().contains(QStringLiteral("Edit the profile now?")));
        question->button(QMessageBox::No)->click();
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("Wallboard")),
                 qPrintable(failed.first().first().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(window.currentProfile(), QStringLiteral("Operations"), 10000);
        QVERIFY(window.session() != nullptr);
    }
};

QTEST_MAIN(TestDashboardServer)
#include "tst_dashboardserver.moc"
