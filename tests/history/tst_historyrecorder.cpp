// SPDX-License-Identifier: GPL-3.0-or-later
// The recorder on a session, offscreen: what a session receives is recorded (not a view of one job type);
// a new session and recorder on the same file fill the throughput and cost charts where the server has
// nothing any more, and the "Recorded" tab draws the queues over time; a corrupt file never stops the
// dashboard — the charts show the server's data and the main window says so in its status bar; the
// Local history dialog applies its limits and clears.
#include "Await.h"
#include "Charts.h"
#include "DashboardView.h"
#include "FixedSource.h"
#include "HistoryDialog.h"
#include "HistoryRecorder.h"
#include "HistoryTestSupport.h"
#include "MainWindow.h"
#include "ProfileStore.h"
#include "Session.h"
#include "credentials/MemoryCredentialStore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;
using batchmon::test::snapshotAt;

namespace {

/// The start of the hour 20 minutes ago: a test's snapshots up to 15 minutes later share its hourly
/// slots and are all in the past, so retention (on the real clock in the constructor) keeps them.
QDateTime base()
{
    const qint64 hour = 3600000;
    return QDateTime::fromMSecsSinceEpoch(
        (QDateTime::currentDateTimeUtc().addSecs(-1200).toMSecsSinceEpoch() / hour) * hour, Qt::UTC);
}

void writeGarbage(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(4096, '\x5a'));
}

} // namespace

class TestHistoryRecorder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void recordsWhatTheSessionReceives()
    {
        QTemporaryDir dir;
        FixedSource source;
        source.snapshot = snapshotAt(base(), TimeRange::LastDay, [](int) { return 2; });
        Session session(&source);
        HistoryRecorder recorder(&session, dir.filePath(QStringLiteral("h.sqlite")), HistoryLimits());
        QVERIFY2(recorder.isAvailable(), qPrintable(recorder.problem()));
        QSignalSpy recorded(&recorder, &HistoryRecorder::recorded);
        QElapsedTimer timer;
        timer.start();
        session.refresh();
        QTRY_COMPARE(recorded.count(), 1);
        qInfo("refresh and record: %lld ms (debug, sanitizers)", timer.elapsed());
        QCOMPARE(recorder.store()->snapshotCount(), 1);
        QCOMPARE(recorder.oldest(),
                 std::optional<QDateTime>(source.snapshot->historical->buckets.first().start));

        // A view narrowed to one job type is not the server's history: nothing is written.
        MonitoringQuery q = session.query();
        q.jobType = QStringLiteral("ai_analysis");
        source.snapshot->generatedAt = base().addSecs(120);
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.setQuery(q);
        QTRY_COMPARE(updated.count(), 1);
        QCOMPARE(recorded.count(), 1);
        QCOMPARE(recorder.store()->snapshotCount(), 1);
    }

    void historySurvivesANewSessionAndFillsTheCharts()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        const QDateTime t0 = base();
        // First run: the server has every hour, 4 jobs each; the app records it, then quits.
        {
            FixedSource source;
            source.snapshot = snapshotAt(
                t0, TimeRange::LastDay, [](int) { return 4; }, 6);
            Session session(&source);
            HistoryRecorder recorder(&session, path, HistoryLimits());
            QSignalSpy recorded(&recorder, &HistoryRecorder::recorded);
            session.refresh();
            QTRY_COMPARE(recorded.count(), 1);
        }
        // Second run, a quarter of an hour later: the server lost its first ten hours (a new database,
        // say).
        FixedSource source;
        source.snapshot = snapshotAt(
            t0.addSecs(900), TimeRange::LastDay, [](int i) { return i < 10 ? 0 : 4; }, 9);
        Session session(&source);
        HistoryRecorder recorder(&session, path, HistoryLimits());
        QVERIFY(recorder.isAvailable());
        recorder.setClock([t0] { return t0.addSecs(1200); }); // the Recorded tab's 24 h end then
        DashboardView view(&session, QStringLiteral("test"));
        view.setHistory(&recorder);
        view.chartTabs()->setCurrentIndex(2); // Recorded: drawn while shown
        view.resize(1280, 800);
        view.show();
        QSignalSpy charts(&view, &DashboardView::chartsUpdated);
        session.refresh();
        QTRY_VERIFY(charts.count() >= 1 && view.chartsCurrent());

        // Every hour has its 400 requests again, the first ten from local history.
        const QList<QPointF> throughput = view.throughputChart()->points(0);
        QCOMPARE(throughput.size(), 24);
        for (const QPointF &p : throughput)
            QCOMPARE(p.y(), 400.0);
        QCOMPARE(view.throughputChart()->historyPoints().size(), 10);
        QCOMPARE(view.throughputChart()->historyPoints().first(), throughput.first());
        QVERIFY2(
            view.throughputChart()->note().contains(QStringLiteral("includes local history from before")),
            qPrintable(view.throughputChart()->note()));
        QCOMPARE(view.costChart()->points(1).first().y(), 0.16); // batch cost: 4 jobs × $0.04
        QCOMPARE(view.costChart()->historyPoints().size(), 10);

        // The Recorded tab: two snapshots (15 minutes apart, 12-minute points) make a line of the queues.
        const QList<QPointF> pending = view.queueDepthChart()->points(0);
        QCOMPARE(pending.size(), 2);
        QCOMPARE(pending.first().y(), 6.0);
        QCOMPARE(pending.last().y(), 9.0);
        QCOMPARE(view.successRateChart()->points(0).size(), 2);
        QVERIFY(view.queueDepthChart()->emptyText().isEmpty());

        // Without the history the same snapshot shows the server's empty hours.
        DashboardView plain(&session, QStringLiteral("test"));
        QSignalSpy plainCharts(&plain, &DashboardView::chartsUpdated);
        session.refresh();
        QTRY_VERIFY(plainCharts.count() >= 1 && plain.chartsCurrent());
        QCOMPARE(plain.throughputChart()->points(0).first().y(), 0.0);
        QVERIFY(plain.throughputChart()->note().isEmpty());
        QVERIFY(plain.queueDepthChart()->emptyText().contains(QStringLiteral("while connected to a server")));
    }

    void corruptFileNeverStopsTheDashboard()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("h.sqlite"));
        writeGarbage(path);
        FixedSource source;
        source.snapshot = snapshotAt(base(), TimeRange::LastDay, [](int i) { return i < 3 ? 0 : 5; });
        Session session(&source);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("^Local history disabled: .*not a database")));
        HistoryRecorder recorder(&session, path, HistoryLimits());
        QVERIFY(!recorder.isAvailable());
        QVERIFY2(recorder.problem().contains(path), qPrintable(recorder.problem()));
        DashboardView view(&session, QStringLiteral("test"));
        view.setHistory(&recorder);
        QSignalSpy charts(&view, &DashboardView::chartsUpdated);
        session.refresh();
        QTRY_VERIFY(charts.count() >= 1 && view.chartsCurrent());
        QCOMPARE(session.state(), Session::State::Connected);
        view.chartTabs()->setCurrentIndex(2);
        // The server's data, as it is.
        QCOMPARE(view.throughputChart()->points(0).size(), 24);
        QCOMPARE(view.throughputChart()->points(0).first().y(), 0.0);
        QCOMPARE(view.throughputChart()->points(0).last().y(), 500.0);
        QVERIFY(view.throughputChart()->historyPoints().isEmpty());
        QVERIFY2(view.queueDepthChart()->emptyText().contains(QStringLiteral("unavailable")),
                 qPrintable(view.queueDepthChart()->emptyText()));
        // The file is left as it was for whoever wants to look at it, until the user clears it.
        QCOMPARE(QFile(path).size(), 4096);
        QCOMPARE(recorder.clear(), QString());
        QVERIFY(recorder.isAvailable());
        QSignalSpy recorded(&recorder, &HistoryRecorder::recorded);
        session.refresh();
        QTRY_COMPARE(recorded.count(), 1);
    }

    void mainWindowSaysSoInTheStatusBar()
    {
        QTemporaryDir dir;
        const QString name = QStringLiteral("Prod EU");
        writeGarbage(HistoryStore::pathForProfile(name));
        QVERIFY(
            HistoryStore::pathForProfile(name).startsWith(QString::fromLocal8Bit(qgetenv("XDG_DATA_HOME"))));
        MemoryCredentialStore credentials;
        ProfileStore profiles(dir.filePath(QStringLiteral("settings.ini")), &credentials);
        ServerProfile profile;
        profile.name = name;
        profile.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:9"));
        QVERIFY(awaitResult(profiles.add(profile, QStringLiteral("token"))).ok);
        profiles.setLastUsed(name);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^Local history disabled: ")));
        MainWindow window(dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        QSignalSpy opened(&window, &MainWindow::connectionOpened);
        QTRY_VERIFY(window.history());
        QCOMPARE(window.currentProfile(), name);
        QVERIFY(!window.history()->isAvailable());
        QVERIFY2(
            window.statusBar()->currentMessage().startsWith(QStringLiteral("Local history is unavailable")),
            qPrintable(window.statusBar()->currentMessage()));
        QFile::remove(HistoryStore::pathForProfile(name));
    }

    void dialogAppliesLimitsAndClears()
    {
        QTemporaryDir dir;
        FixedSource source;
        source.snapshot = snapshotAt(base(), TimeRange::LastDay, [](int) { return 1; });
        Session session(&source);
        HistoryRecorder recorder(&session, dir.filePath(QStringLiteral("h.sqlite")), HistoryLimits());
        QSignalSpy recorded(&recorder, &HistoryRecorder::recorded);
        session.refresh();
        QTRY_COMPARE(recorded.count(), 1);

        HistoryDialog dialog(&recorder, QStringLiteral("Prod"));
        QCOMPARE(dialog.retentionBox()->value(), 30);
        QCOMPARE(dialog.sizeBox()->value(), 50);
        QVERIFY2(dialog.summaryText().contains(QStringLiteral("reaching back to")),
                 qPrintable(dialog.summaryText()));
        dialog.retentionBox()->setValue(7);
        dialog.sizeBox()->setValue(5);
        dialog.apply();
        QCOMPARE(QSettings().value(QStringLiteral("history/retentionDays")).toInt(), 7);
        QCOMPARE(QSettings().value(QStringLiteral("history/maxMegabytes")).toInt(), 5);
        QCOMPARE(HistoryRecorder::limitsFromSettings().maxBytes, 5LL << 20);
        QCOMPARE(recorder.limits().retentionDays, 7);

        QString asked;
        dialog.setConfirm([&asked](const QString &q) {
            asked = q;
            return true;
        });
        dialog.clearButton()->click();
        QVERIFY(asked.contains(QStringLiteral("Prod")));
        QCOMPARE(recorder.store()->snapshotCount(), 0);
        QVERIFY2(dialog.summaryText().contains(QStringLiteral("nothing recorded yet")),
                 qPrintable(dialog.summaryText()));
        QSettings().remove(QStringLiteral("history"));
    }
};

int main(int argc, char *argv[])
{
    // Settings and history files in a throw-away place, never the user's own.
    QTemporaryDir home;
    qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("data")).toLocal8Bit());
    qputenv("XDG_CONFIG_HOME", home.filePath(QStringLiteral("config")).toLocal8Bit());
    QApplication app(argc, argv);
    TestHistoryRecorder test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_historyrecorder.moc"
