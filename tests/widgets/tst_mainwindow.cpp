// SPDX-License-Identifier: GPL-3.0-or-later
// The app's first start, offscreen: the demo workspace opens, labelled as simulated data, and the
// dashboard fills its five cards and the job table; a refresh keeps the selected job selected.
#include "AlertMonitor.h"
#include "AlertsPage.h"
#include "Charts.h"
#include "DashboardView.h"
#include "JobDetailsDialog.h"
#include "JobTableModel.h"
#include "MainWindow.h"
#include "MetricCard.h"
#include "ProfileStore.h"
#include "Session.h"
#include "credentials/MemoryCredentialStore.h"
#include "export/ExportCollector.h"
#include "export/ExportReader.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressDialog>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace batchmon;

namespace {

QAction *findAction(QWidget &window, const QString &text)
{
    for (QAction *a : window.findChildren<QAction *>())
        if (a->text() == text)
            return a;
    qFatal("no action %s", qPrintable(text));
    return nullptr;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void demoDashboard()
    {
        QTemporaryDir dir;
        MemoryCredentialStore credentials;
        ProfileStore profiles(dir.filePath(QStringLiteral("settings.ini")), &credentials);
        MainWindow window(dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.windowTitle().contains(QStringLiteral("Demo workspace")));
        // What the demo's alerts notified is remembered for the next start.
        QCOMPARE(window.alertMonitor()->memoryKey(),
                 QUrl::fromLocalFile(dir.filePath(QStringLiteral("demo.sqlite"))).toString());
        QSignalSpy updated(window.session(), &Session::snapshotUpdated);
        QVERIFY(updated.wait(60000));

        auto *view = window.dashboard();
        QVERIFY(view);
        const QStringList titles{QStringLiteral("Total Jobs"), QStringLiteral("Success Rate"),
                                 QStringLiteral("Cost Savings"), QStringLiteral("Average Processing Time"),
                                 QStringLiteral("Error Rate")};
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(view->card(i)->title(), titles[i]);
            QVERIFY2(view->card(i)->value() != QStringLiteral("—"), qPrintable(titles[i]));
        }
        QVERIFY(view->card(0)->value().toInt() > 50); // about 150 jobs a day
        QVERIFY(view->card(2)->value().startsWith(QLatin1Char('$')));
        QCOMPARE(view->jobTable()->model()->rowCount(), 50);

        // The charts show the snapshot's numbers (they follow the table by a few event-loop turns).
        QTRY_VERIFY(view->chartsCurrent());
        const MonitoringSnapshot &snap = *window.session()->snapshot();
        const QList<qreal> queues = view->queueChart()->values();
        QCOMPARE(queues.value(0), qreal(snap.queues.pending));
        QCOMPARE(queues.value(2), qreal(snap.queues.completed));
        const QList<QPointF> throughput = view->throughputChart()->points(0);
        QCOMPARE(throughput.size(), snap.historical->buckets.size());
        QCOMPARE(throughput.last().y(), qreal(snap.historical->buckets.last().requests)); // 1-hour buckets
        QCOMPARE(view->costChart()->points(1).first().y(),
                 snap.historical->buckets.first().batchCost.dollars());
        QVERIFY(view->statusLabel()->text().startsWith(QStringLiteral("Updated")));
        const auto banners = view->findChildren<QLabel *>();
        QVERIFY(std::any_of(banners.begin(), banners.end(),
                            [](QLabel *l) { return l->text().contains(QStringLiteral("simulated")); }));

        // The user's selection survives a refresh.
        QTableView *table = view->jobTable();
        table->selectRow(3);
        const QString selected =
            table->selectionModel()->selectedRows().first().data(JobTableModel::JobIdRole).toString();
        window.session()->refresh();
        QVERIFY(updated.wait(30000));
        QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(table->selectionModel()->selectedRows().first().data(JobTableModel::JobIdRole).toString(),
                 selected);

        // Filters go to the server, the search narrows the page, paging moves through the range.
        QCOMPARE(view->pageLabel()->text(), QStringLiteral("Page 1 of %1 · %2 jobs")
                                                .arg(snap.pagination->totalPages)
                                                .arg(QLocale().toString(snap.pagination->total)));
        QVERIFY(view->nextPage()->isEnabled());
        QVERIFY(!view->previousPage()->isEnabled());
        view->nextPage()->click();
        QVERIFY(updated.wait(30000));
        QCOMPARE(window.session()->query().page, 2);
        QCOMPARE(view->pageLabel()->text().left(9), QStringLiteral("Page 2 of"));
        QVERIFY(view->previousPage()->isEnabled());
        view->statusFilter()->setCurrentIndex(view->statusFilter()->findData(QStringLiteral("completed")));
        QVERIFY(updated.wait(30000));
        QCOMPARE(window.session()->query().status, std::optional<JobStatus>(JobStatus::Completed));
        QCOMPARE(window.session()->query().page, 1);
        QAbstractItemModel *rows = view->jobTable()->model();
        QVERIFY(rows->rowCount() > 0);
        for (int r = 0; r < rows->rowCount(); ++r)
            QCOMPARE(rows->index(r, JobTableModel::Status).data().toString(), QStringLiteral("Completed"));
        const QString someId = rows->index(0, JobTableModel::Id).data().toString();
        view->search()->setText(someId.mid(4).toUpper()); // part of the id, any case
        QVERIFY(rows->rowCount() >= 1);
        QVERIFY(rows->rowCount() < 50);
        QCOMPARE(rows->index(0, JobTableModel::Id).data().toString(), someId);
        view->search()->clear();

        // Actions from the table: allowed by state, confirmed in words, outcome shown, refreshed.
        Job finished;
        for (const Job &j : window.session()->snapshot()->jobs) {
            if (j.failedCount > 0) {
                finished = j;
                break;
            }
        }
        QVERIFY2(!finished.id.isEmpty(), "no completed job with failures on the page");
        QVERIFY(commandAllowed(JobCommand::Retry, finished));
        QVERIFY(!commandAllowed(JobCommand::Pause, finished));
        QString asked;
        view->setConfirm([&asked](const QString &q) {
            asked = q;
            return true;
        });
        QSignalSpy acted(view, &DashboardView::actionFinished);
        view->run(DashboardView::Action::Retry, finished);
        QVERIFY(acted.wait(30000));
        QCOMPARE(acted.last().first().toBool(), true);
        QVERIFY2(
            asked.contains(QStringLiteral("%1 failed or unfinished requests")
                               .arg(QLocale().toString(finished.requestCount - finished.completedCount))),
            qPrintable(asked));
        QVERIFY(view->lastOutcome().startsWith(finished.id + QStringLiteral(" is retried as batch-job-")));
        QVERIFY(view->statusLabel()->text().startsWith(view->lastOutcome()));
        // What the job's status does not allow is not sent; the user is told why.
        const int before = int(acted.count());
        view->run(DashboardView::Action::Pause, finished);
        QCOMPARE(acted.count(), before + 1);
        QCOMPARE(acted.last().first().toBool(), false);
        QVERIFY2(view->lastOutcome().contains(QStringLiteral("does not allow")),
                 qPrintable(view->lastOutcome()));

        // Details of a job: counts, errors with shares, the timeline; an unknown one says so.
        JobDetailsDialog details(window.session()->source(), finished.id);
        QSignalSpy loaded(&details, &JobDetailsDialog::loaded);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().first().toBool(), true);
        QVERIFY(details.summaryText().contains(finished.id));
        QVERIFY(details.summaryText().contains(QStringLiteral("%1 requests").arg(finished.requestCount)));
        QVERIFY(details.errors()->rowCount() > 0);
        QVERIFY(details.errors()->item(0, 2)->text().endsWith(QStringLiteral(" %")));
        QVERIFY(details.timeline()->rowCount() >= 3); // pending, validating, …, completed
        QCOMPARE(details.timeline()->item(0, 1)->text(), QStringLiteral("Pending"));
        JobDetailsDialog missing(window.session()->source(), QStringLiteral("batch-job-0"));
        QSignalSpy missed(&missing, &JobDetailsDialog::loaded);
        QVERIFY(missed.wait(30000));
        QCOMPARE(missed.first().first().toBool(), false);
        QVERIFY(missing.summaryText().startsWith(QStringLiteral("Not found")));

        // File ▸ Export: every job of the view (all pages) to CSV, and an unwritable path fails cleanly.
        window.session()->setQuery(MonitoringQuery());
        QVERIFY(updated.wait(30000));
        const qint64 total = window.session()->snapshot()->pagination->total;
        QSignalSpy exported(&window, &MainWindow::exportFinished);
        const QString csv = dir.filePath(QStringLiteral("view.csv"));
        window.exportTo(csv);
        QVERIFY(exported.wait(60000));
        QCOMPARE(exported.last().at(0).toString(), QString());
        QVERIFY(exported.last().at(1).toLongLong() >= total);
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines.first().startsWith("id,batchId,status,jobType,requestCount"));
        QCOMPARE(qint64(lines.size() - 2), exported.last().at(1).toLongLong()); // header, rows, final CRLF
        // The same view as a PDF report (its pages drawn a few per event-loop turn).
        const QString pdf = dir.filePath(QStringLiteral("view.pdf"));
        window.exportTo(pdf);
        QVERIFY(exported.wait(120000));
        QCOMPARE(exported.last().at(0).toString(), QString());
        QVERIFY(exported.last().at(1).toLongLong() >= total);
        QFile report(pdf);
        QVERIFY(report.open(QIODevice::ReadOnly));
        QCOMPARE(report.read(5), QByteArray("%PDF-"));
        const QString nowhere = dir.filePath(QStringLiteral("missing-folder/view.json"));
        window.exportTo(nowhere);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 3, 60000); // may fail at once: the folder is not there
        QVERIFY(!exported.last().at(0).toString().isEmpty());
        QVERIFY(!QFile::exists(nowhere));
        QVERIFY(window.findChild<QMessageBox *>(QStringLiteral("exportFailed")));

        // What the user sees is drawn: the window is not one flat colour.
        const QImage shot = window.grab().toImage();
        QCOMPARE(shot.size(), window.size() * window.devicePixelRatio());
        int differing = 0;
        const QRgb corner = shot.pixel(0, 0);
        for (int y = 0; y < shot.height(); y += 7)
            for (int x = 0; x < shot.width(); x += 7)
                differing += shot.pixel(x, y) != corner;
        QVERIFY(differing > 500);
    }

    /// A saved geometry taller than the screen (a window the alerts page once made 1452 px tall, or one
    /// from a bigger monitor) is brought inside the screen when restored, and the window's content does
    /// not ask for more than the screen has.
    void restoredGeometryFitsTheScreen()
    {
        QTemporaryDir dir;
        const QRect available = QGuiApplication::primaryScreen()->availableGeometry();
        {
            QWidget tall;
            tall.setGeometry(available.x() + 20, available.y() + 40, available.width() + 440,
                             available.height() + 652);
            QSettings().setValue(QStringLiteral("window/geometry"), tall.saveGeometry());
        }
        MemoryCredentialStore credentials;
        ProfileStore profiles(dir.filePath(QStringLiteral("settings.ini")), &credentials);
        MainWindow window(dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        QSettings().remove(QStringLiteral("window/geometry"));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY2(available.contains(window.frameGeometry()),
                 qPrintable(QStringLiteral("%1×%2 at %3,%4")
                                .arg(window.frameGeometry().width())
                                .arg(window.frameGeometry().height())
                                .arg(window.frameGeometry().x())
                                .arg(window.frameGeometry().y())));
        window.pages()->setCurrentWidget(window.alertsPage());
        QVERIFY2(window.minimumSizeHint().height() <= available.height(),
                 qPrintable(QString::number(window.minimumSizeHint().height())));
        QTRY_VERIFY(available.contains(window.frameGeometry()));
        QCOMPARE(available.size(), QSize(1280, 800));
    }

    /// Offline review: an export opened (File ▸ Open, a dropped file) shows the same dashboard read
    /// only, with a banner naming the file; it re-exports to the same jobs; a truncated file changes
    /// nothing and says where it broke; recent files remember it.
    void offlineReview()
    {
        QTemporaryDir dir;
        QSettings().remove(QStringLiteral("recentFiles"));
        MonitoringSnapshot snapshot;
        snapshot.timeRange = TimeRange::LastWeek;
        snapshot.generatedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 30), Qt::UTC);
        snapshot.summary.totalJobs = 120;
        snapshot.summary.successRate = 87.5;
        for (int i = 1; i <= 120; ++i) {
            Job j;
            j.id = QStringLiteral("job-%1").arg(i, 3, 10, QLatin1Char('0'));
            j.status = i % 5 == 0 ? JobStatus::Failed : JobStatus::Completed;
            j.jobType = i % 2 ? QStringLiteral("summarize") : QStringLiteral("translate");
            j.requestCount = 10;
            j.completedCount = j.status == JobStatus::Failed ? 0 : 10;
            j.failedCount = 10 - j.completedCount;
            j.createdAt = snapshot.generatedAt->addSecs(-60 * i);
            j.costEstimate = Money::fromMicros(10000 * i);
            snapshot.jobs.append(j);
        }
        ExportHeader header;
        header.exportedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 31), Qt::UTC);
        header.source = QStringLiteral("production");
        header.timeRange = TimeRange::LastWeek;
        const QString path = dir.filePath(QStringLiteral("week-review.json"));
        QCOMPARE(ExportCollector::writeFile(path, ExportFormat::Json, header, snapshot), QString());

        MemoryCredentialStore credentials;
        ProfileStore profiles(dir.filePath(QStringLiteral("settings.ini")), &credentials);
        MainWindow window(dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QSignalSpy opened(&window, &MainWindow::fileOpened);
        QSignalSpy failed(&window, &MainWindow::fileOpenFailed);
        window.openFile(path);
        QVERIFY(opened.wait(30000));
        QCOMPARE(window.currentFile(), QFileInfo(path).absoluteFilePath());
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("week-review.json")));
        QCOMPARE(window.pages()->count(), 1); // the dashboard only: no configuration, no alerts
        QCOMPARE(window.dashboard()->chartTabs()->count(), 3);
        QVERIFY(!window.dashboard()->chartTabs()->isTabVisible(2)); // no local history of a file
        DashboardView *view = window.dashboard();
        const QString banner = view->banner()->text();
        QVERIFY2(banner.contains(QStringLiteral("week-review.json")), qPrintable(banner));
        QVERIFY2(banner.contains(QStringLiteral("production")), qPrintable(banner));
        QVERIFY2(banner.contains(QLocale().toString(header.exportedAt.toLocalTime(), QLocale::ShortFormat)),
                 qPrintable(banner));
        QVERIFY(banner.contains(QStringLiteral("Read only")));
        QVERIFY(!view->rangeSelector()->isEnabled());
        QCOMPARE(TimeRange(view->rangeSelector()->currentData().toInt()), TimeRange::LastWeek);
        QTRY_COMPARE_WITH_TIMEOUT(view->jobTable()->model()->rowCount(), 50, 30000);
        QCOMPARE(view->card(0)->value(), QStringLiteral("120"));
        QVERIFY(!view->canAct());
        QVERIFY(!view->action(DashboardView::Action::Retry)->isEnabled());
        QVERIFY(!view->retryAllFailedAction()->isEnabled());
        QCOMPARE(window.identityText(), QStringLiteral("Read only"));
        QVERIFY(window.session()
                    ->statusText(QDateTime::currentDateTimeUtc())
                    .contains(QStringLiteral("as exported")));
        QCOMPARE(view->pageLabel()->text(), QStringLiteral("Page 1 of 3 · 120 jobs"));
        QCOMPARE(MainWindow::recentFiles().value(0), window.currentFile());

        // A job's details say what an export does not carry, rather than "no failed requests".
        {
            JobDetailsDialog details(window.session()->source(), QStringLiteral("job-005"));
            QSignalSpy loaded(&details, &JobDetailsDialog::loaded);
            QVERIFY(loaded.wait(30000));
            QVERIFY(loaded.first().first().toBool());
            QVERIFY2(details.errors()->item(0, 0)->text().contains(QStringLiteral("do not include")),
                     qPrintable(details.errors()->item(0, 0)->text()));
            QCOMPARE(details.errors()->item(0, 1)->text(), QStringLiteral("10"));
            QVERIFY(details.timeline()->item(0, 0)->text().contains(QStringLiteral("timeline")));
        }
        // Pages an export does not have are not offered; automatic refresh means nothing for a file.
        QVERIFY(!findAction(window, QStringLiteral("Batch &configuration and scheduler"))->isEnabled());
        QVERIFY(!findAction(window, QStringLiteral("A&lerts"))->isEnabled());
        QVERIFY(!findAction(window, QStringLiteral("&Pause automatic refresh"))->isEnabled());
        for (QAction *a : findAction(window, QStringLiteral("&Demo workspace"))->actionGroup()->actions())
            QVERIFY2(!a->isChecked(), qPrintable(a->text()));

        // The status filter narrows the file's jobs.
        QSignalSpy updated(window.session(), &Session::snapshotUpdated);
        view->statusFilter()->setCurrentIndex(
            view->statusFilter()->findData(toWireString(JobStatus::Failed)));
        QVERIFY(updated.wait(30000));
        QCOMPARE(window.session()->snapshot()->pagination->total, 24);
        QCOMPARE(view->jobTable()->model()->rowCount(), 24);
        view->statusFilter()->setCurrentIndex(0);
        QVERIFY(updated.wait(30000));

        // Export JSON → open → export CSV: the same jobs.
        QSignalSpy exported(&window, &MainWindow::exportFinished);
        const QString csv = dir.filePath(QStringLiteral("again.csv"));
        window.exportTo(csv);
        QVERIFY(exported.wait(30000));
        QCOMPARE(exported.last().at(0).toString(), QString());
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QList<QByteArray> lines = file.readAll().split('\n');
        lines.removeFirst(); // the header
        lines.removeLast();  // after the last CRLF
        QCOMPARE(lines.size(), 120);
        // A JSON export of the open file keeps where the data came from first.
        const QString again = dir.filePath(QStringLiteral("again.json"));
        window.exportTo(again);
        QVERIFY(exported.wait(30000));
        const auto reread = ExportReader::readFile(again);
        QVERIFY(reread.ok());
        QCOMPARE(reread.value().header.source,
                 QStringLiteral("production, re-exported from week-review.json of 2026-11-02 09:31 UTC"));
        for (int i = 0; i < 120; ++i)
            QCOMPARE(lines[i].left(lines[i].indexOf(',')), snapshot.jobs[i].id.toUtf8());

        // Cancel is not a failure: a line in the status bar, no warning box, no file.
        const QString cancelledCsv = dir.filePath(QStringLiteral("cancelled.csv"));
        window.exportTo(cancelledCsv);
        const auto dialogs = window.findChildren<QProgressDialog *>(); // the newest last
        QVERIFY(!dialogs.isEmpty());
        auto *cancelButton = dialogs.last()->findChild<QPushButton *>();
        QVERIFY(cancelButton);
        cancelButton->click(); // as the user does
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 3, 30000);
        QVERIFY(!exported.last().at(0).toString().isEmpty());
        QVERIFY(!QFile::exists(cancelledCsv));
        QVERIFY(!window.findChild<QMessageBox *>(QStringLiteral("exportFailed")));
        QVERIFY2(window.statusBar()->currentMessage().startsWith(QStringLiteral("Export cancelled")),
                 qPrintable(window.statusBar()->currentMessage()));

        // A truncated file: an error naming where it broke, and the review stays as it was.
        QFile whole(path);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        const QString truncated = dir.filePath(QStringLiteral("truncated.json"));
        QFile cut(truncated);
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(bytes.left(bytes.size() / 2));
        cut.close();
        window.openFile(truncated);
        QVERIFY(failed.wait(30000));
        const QString why = failed.last().first().toString();
        QVERIFY2(why.contains(QStringLiteral("byte ")) && why.contains(QStringLiteral("data.jobs[")),
                 qPrintable(why));
        auto *box = window.findChild<QMessageBox *>(QStringLiteral("openFileFailed"));
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("is it truncated?")), qPrintable(box->text()));
        box->close();
        QCOMPARE(window.currentFile(), QFileInfo(path).absoluteFilePath());
        QVERIFY(window.dashboard() == view);
        QCOMPARE(MainWindow::recentFiles().size(), 1);

        // A missing file says so and leaves the recent list.
        QSettings().setValue(QStringLiteral("recentFiles"),
                             QStringList{dir.filePath(QStringLiteral("gone.json")), window.currentFile()});
        window.openFile(dir.filePath(QStringLiteral("gone.json")));
        QVERIFY(failed.last().first().toString().contains(QStringLiteral("does not exist")));
        QCOMPARE(MainWindow::recentFiles(), QStringList{window.currentFile()});

        // Dropped onto the window: opened the same way.
        window.openDemo();
        QVERIFY(window.currentFile().isEmpty());
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        window.statusBar()->showMessage(QStringLiteral("about the demo"));
        QApplication::sendEvent(&window, &drop);
        QVERIFY(opened.wait(30000));
        QCOMPARE(window.currentFile(), QFileInfo(path).absoluteFilePath());
        // The demo's message is not drawn over the file's status line.
        QCOMPARE(window.statusBar()->currentMessage(), QString());
        QVERIFY(window.dashboard()->statusLabel()->isVisible());
    }
};

// The tester's screen, 1280×800, rather than the offscreen platform's 800×800 (narrower than the
// dashboard's minimum width), unless the tests run on a real display.
int main(int argc, char **argv)
{
    QTemporaryDir dir;
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (platform.isEmpty() || platform == "offscreen") {
        QFile config(dir.filePath(QStringLiteral("screens.json")));
        if (!config.open(QIODevice::WriteOnly) ||
            config.write(R"({"screens": [{"name": "tester", "x": 0, "y": 0, "width": 1280, "height": 800,
                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})") < 0)
            qFatal("cannot write %s", qPrintable(config.fileName()));
        config.close();
        qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + QFile::encodeName(config.fileName()));
    }
    QApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    TestMainWindow test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_mainwindow.moc"
