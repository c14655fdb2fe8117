// SPDX-License-Identifier: GPL-3.0-or-later
// The demo workspace: a new file opens with 30 days of history off the calling thread, answers the
// contract's calls, runs live, keeps its history across a reopen, and refuses what the API refuses.
#include "Await.h"
#include "source/LocalSource.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace batchmon;

namespace {

/// A clock the test moves: the live pipeline follows it.
struct TestClock
{
    std::atomic<qint64> ms{QDateTime(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch()};
    QDateTime now() const { return QDateTime::fromMSecsSinceEpoch(ms.load(), Qt::UTC); }
};

LocalSourceOptions optionsFor(const QString &path, TestClock &clock)
{
    LocalSourceOptions o;
    o.databasePath = path;
    o.liveTickMs = 50;
    o.clock = [&clock] {
        return clock.now();
    };
    return o;
}

} // namespace

class TestLocalSource : public QObject
{
    Q_OBJECT

private slots:
    void demoWorkspace()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("demo/demo.sqlite")); // the folder is created
        TestClock clock;
        LocalSource source(optionsFor(path, clock));
        QSignalSpy opened(&source, &LocalSource::opened);
        QSignalSpy progress(&source, &LocalSource::openProgress);
        QSignalSpy failed(&source, &LocalSource::openFailed);

        // The calling thread stays free during the backfill: its own timer keeps firing.
        int uiTicks = 0;
        QTimer ui;
        ui.setInterval(10);
        connect(&ui, &QTimer::timeout, this, [&] { ++uiTicks; });
        ui.start();
        QElapsedTimer elapsed;
        elapsed.start();
        source.open();
        // A call made before the store is open waits for it rather than failing.
        auto early = source.fetchMonitoring(MonitoringQuery());
        QVERIFY(opened.wait(60000));
        qInfo("first open with a 30-day backfill: %lld ms", elapsed.elapsed());
        QVERIFY(failed.isEmpty());
        QVERIFY(uiTicks > 5);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().first().toInt(), 100);

        const auto first = awaitResult(early);
        QVERIFY(first.ok());
        // Seed-like numbers: about 150 jobs a day of about 100 requests.
        MonitoringQuery month;
        month.timeRange = TimeRange::LastMonth;
        month.includeDetails = true;
        const auto snapshot = awaitResult(source.fetchMonitoring(month));
        QVERIFY(snapshot.ok());
        const MonitoringSnapshot &s = snapshot.value();
        QVERIFY2(s.summary.totalJobs > 30 * 100 && s.summary.totalJobs < 30 * 250,
                 qPrintable(QString::number(s.summary.totalJobs)));
        QVERIFY(*s.performance.throughput.averageBatchSize >= 100);
        QVERIFY(*s.summary.successRate > 90 && *s.summary.successRate < 100);
        QVERIFY(*s.summary.costSavings.savingsPercentage > 30 &&
                *s.summary.costSavings.savingsPercentage <= 50);
        QVERIFY(s.queues.completed > 1000);
        QVERIFY(s.queues.failed > 0);
        QCOMPARE(s.jobs.size(), 50);
        QVERIFY(s.jobs.first().timeline.has_value());
        // The error breakdown accounts for every failed request of the month, most frequent first.
        QVERIFY(s.errors.has_value() && !s.errors->isEmpty());
        qint64 failedRequests = 0;
        for (const HistoricalBucket &b : s.historical->buckets)
            failedRequests += b.failedRequests;
        qint64 inErrors = 0;
        for (int i = 0; i < s.errors->size(); ++i) {
            inErrors += s.errors->at(i).count;
            QVERIFY(i == 0 || s.errors->at(i - 1).count >= s.errors->at(i).count);
        }
        QCOMPARE(inErrors, failedRequests);

        // Actions go through the state machine: a finished job cannot be paused.
        const Job completed = [&] {
            for (const Job &j : s.jobs) {
                if (j.status == JobStatus::Completed)
                    return j;
            }
            return Job();
        }();
        QVERIFY(!completed.id.isEmpty());
        const auto refused = awaitResult(source.pauseJob(completed.id));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, ApiError::Kind::Conflict);
        QVERIFY(refused.error().message.contains(QStringLiteral("pause is allowed only when it is pending")));
        const auto missing = awaitResult(source.fetchJob(QStringLiteral("batch-job-0")));
        QCOMPARE(missing.error().kind, ApiError::Kind::NotFound);

        // The local user owns the file: an admin, so the UI offers every action.
        const auto who = awaitResult(source.fetchIdentity());
        QVERIFY(who.ok());
        QCOMPARE(who.value(), (Identity{QStringLiteral("demo"), Role::Admin}));

        // The scheduler can be paused and resumed.
        QCOMPARE(awaitResult(source.pauseScheduler()).value().paused, true);
        QCOMPARE(awaitResult(source.fetchMonitoring(MonitoringQuery())).value().scheduler->paused, true);
        QCOMPARE(awaitResult(source.resumeScheduler()).value().paused, false);

        // A configuration the pipeline cannot run is refused and not stored.
        BatchConfig bad = LocalSource::demoConfig();
        bad.batchCreateInterval = QStringLiteral("*/60 * * * *");
        const auto refusedConfig = awaitResult(source.updateConfig(bad));
        QCOMPARE(refusedConfig.error().kind, ApiError::Kind::BadRequest);
        QVERIFY(refusedConfig.error().message.startsWith(QStringLiteral("batchCreateInterval")));
        // The codec's rules too, as the server would answer them.
        bad = LocalSource::demoConfig();
        bad.batchMaxRequests = 0;
        QCOMPARE(awaitResult(source.updateConfig(bad)).error().message,
                 QStringLiteral("batchMaxRequests: expected an integer from 1 to 50000, got 0"));
        QVERIFY(awaitResult(source.fetchConfig()).value() == LocalSource::demoConfig());

        // Live: as the clock moves on, the pipeline runs and says so.
        QSignalSpy changed(&source, &DataSource::dataChanged);
        clock.ms += 10 * 60 * 1000;
        QVERIFY(changed.wait(10000));
        const auto later = awaitResult(source.fetchMonitoring(MonitoringQuery()));
        QVERIFY(later.value().generatedAt > s.generatedAt);
    }

    void alertsOnTheDemo()
    {
        QTemporaryDir dir;
        TestClock clock;
        LocalSourceOptions options = optionsFor(dir.filePath(QStringLiteral("demo.sqlite")), clock);
        options.backfillDays = 2;
        LocalSource source(options);
        QSignalSpy opened(&source, &LocalSource::opened);
        source.open();
        QVERIFY(opened.wait(60000));

        // The live pipeline's status checks evaluate the rules: the simulation's retired model fails
        // whole batches, so batchFailure events appear.
        clock.ms += 60 * 1000;
        QList<AlertEvent> active;
        QTRY_VERIFY_WITH_TIMEOUT(
            !(active = awaitResult(source.fetchAlertEvents({})).value().events).isEmpty(), 10000);
        QVERIFY(std::any_of(active.cbegin(), active.cend(), [](const AlertEvent &e) {
            return e.rule == AlertRuleId::BatchFailure && e.jobId;
        }));
        const auto acked = awaitResult(source.acknowledgeAlertEvent(active.first().id));
        QCOMPARE(acked.value().acknowledgedBy, std::optional<QString>(QStringLiteral("demo")));

        // The preview: an edited configuration, evaluated now, nothing stored.
        AlertConfig edited = AlertConfig::defaults();
        for (AlertRule &r : edited.rules)
            r.enabled = r.id == AlertRuleId::HighErrorRate;
        edited.rules[0].threshold = 0;
        const auto preview = awaitResult(source.previewAlerts(edited));
        QVERIFY(preview.ok());
        QCOMPARE(preview.value().conditions.size(), 1);
        QCOMPARE(preview.value().conditions[0].rule, AlertRuleId::HighErrorRate);
        QVERIFY(preview.value().conditions[0].message.startsWith(QStringLiteral("Error rate ")));
        QVERIFY(awaitResult(source.fetchAlertConfig()).value() == AlertConfig::defaults());

        // Refused as the server refuses it, naming the field.
        edited.rules[0].threshold = 120;
        for (const ApiError &refused : {awaitResult(source.previewAlerts(edited)).error(),
                                        awaitResult(source.updateAlertConfig(edited)).error()}) {
            QCOMPARE(refused.kind, ApiError::Kind::BadRequest);
            QCOMPARE(refused.parameter, QStringLiteral("rules[0].threshold"));
            QCOMPARE(refused.message,
                     QStringLiteral("rules[0].threshold: expected a percentage from 0 to 100, got 120"));
        }
        AlertConfig webhook = AlertConfig::defaults();
        webhook.notificationChannels = {NotificationChannel::Webhook};
        QCOMPARE(awaitResult(source.updateAlertConfig(webhook)).error().parameter,
                 QStringLiteral("webhookUrl"));

        // §12.8: the configuration's thresholds are the rules'.
        BatchConfig config = awaitResult(source.fetchConfig()).value();
        config.batchAlertThresholdErrorRate = 15;
        QCOMPARE(awaitResult(source.updateConfig(config)).value().batchAlertThresholdErrorRate, 15.0);
        QCOMPARE(awaitResult(source.fetchAlertConfig()).value().rule(AlertRuleId::HighErrorRate)->threshold,
                 15.0);
        AlertConfig alerts = AlertConfig::defaults();
        alerts.rules[1].threshold = 7200000;
        QVERIFY(awaitResult(source.updateAlertConfig(alerts)).ok());
        QCOMPARE(awaitResult(source.fetchConfig()).value().batchAlertThresholdProcessingTime, 7200);
        QCOMPARE(awaitResult(source.fetchConfig()).value().batchAlertThresholdErrorRate, 10.0);
    }

    void reopenKeepsHistory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("demo.sqlite"));
        TestClock clock;
        qint64 before = 0;
        {
            LocalSource source(optionsFor(path, clock));
            QSignalSpy opened(&source, &LocalSource::opened);
            source.open();
            QVERIFY(opened.wait(60000));
            MonitoringQuery q;
            q.timeRange = TimeRange::LastWeek;
            before = awaitResult(source.fetchMonitoring(q)).value().summary.totalJobs;
        }
        clock.ms += 3600 * 1000; // an hour later
        LocalSource again(optionsFor(path, clock));
        QSignalSpy opened(&again, &LocalSource::opened);
        QElapsedTimer elapsed;
        elapsed.start();
        again.open();
        QVERIFY(opened.wait(60000));
        qInfo("reopen with one hour to catch up: %lld ms", elapsed.elapsed());
        MonitoringQuery q;
        q.timeRange = TimeRange::LastWeek;
        const qint64 after = awaitResult(again.fetchMonitoring(q)).value().summary.totalJobs;
        // The same history, plus what the hour added (minus what slid out of the week).
        QVERIFY2(qAbs(after - before) < 60, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
    }

    void unopenableFile()
    {
        TestClock clock;
        LocalSource source(optionsFor(QStringLiteral("/proc/batchmon-cannot-be-here/demo.sqlite"), clock));
        QSignalSpy failed(&source, &LocalSource::openFailed);
        source.open();
        QVERIFY(failed.wait(10000));
        QVERIFY(!failed.first().first().toString().isEmpty());
        const auto r = awaitResult(source.fetchMonitoring(MonitoringQuery()));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::ServerError);
        // Who the user is does not depend on the file.
        QCOMPARE(awaitResult(source.fetchIdentity()).value().role, Role::Admin);
    }
};

QTEST_GUILESS_MAIN(TestLocalSource)
#include "tst_localsource.moc"
