// SPDX-License-Identifier: GPL-3.0-or-later
// The scheduler over a real store with the simulated provider and workload: what days of history
// look like, that the same clock gives the same history however it is advanced or restarted, and that
// priority, the quota, pauses, cancels and retention act on it.
#include "../store/StoreTestSupport.h"
#include "pipeline/CronInterval.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SimulatedProvider.h"
#include "store/AlertRecorder.h"
#include "store/JobActions.h"
#include "store/MonitoringEngine.h"

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kStart(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC);

/// Every job, as text, to compare two stores' histories.
QStringList dump(Database &db)
{
    QStringList rows;
    auto q =
        db.exec(QStringLiteral("SELECT ") + JobStore::columns() + QStringLiteral(" FROM jobs ORDER BY id"));
    while (q.value().next()) {
        QStringList fields;
        for (int i = 0; i < q.value().record().count(); ++i)
            fields << q.value().value(i).toString();
        rows << fields.join(QLatin1Char('|'));
    }
    return rows;
}

qint64 countWhere(Database &db, const QString &condition)
{
    auto q = db.exec(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE ") + condition);
    return q.value().next() ? q.value().value(0).toLongLong() : -1;
}

} // namespace

class TestPipeline : public QObject
{
    Q_OBJECT

private slots:
    void cronIntervals_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<qint64>("seconds"); // 0: refused
        QTest::newRow("seed create") << "*/5 * * * *" << qint64(300);
        QTest::newRow("seed status") << "*/2 * * * *" << qint64(120);
        QTest::newRow("seed result") << "*/1 * * * *" << qint64(60);
        QTest::newRow("every 7 minutes") << "*/7 * * * *" << qint64(420);
        QTest::newRow("every 59 minutes") << "*/59 * * * *" << qint64(3540);
        QTest::newRow("hourly") << "15 * * * *" << qint64(3600);
        QTest::newRow("hourly at minute 0") << "0 * * * *" << qint64(3600);
        QTest::newRow("*/0") << "*/0 * * * *" << qint64(0);
        QTest::newRow("*/60") << "*/60 * * * *" << qint64(0);
        QTest::newRow("every minute as *") << "* * * * *" << qint64(0);
        QTest::newRow("daily") << "0 3 * * *" << qint64(0);
        QTest::newRow("double spaces") << "*/10  * * * *" << qint64(0);
        QTest::newRow("leading space") << " */10 * * * *" << qint64(0);
        QTest::newRow("weekday") << "0 * * * 1" << qint64(0);
        QTest::newRow("four fields") << "*/5 * * *" << qint64(0);
        QTest::newRow("minute 60") << "60 * * * *" << qint64(0);
        QTest::newRow("words") << "every 5 minutes" << qint64(0);
    }
    void cronIntervals()
    {
        QFETCH(QString, expression);
        QFETCH(qint64, seconds);
        QString error;
        const auto parsed = CronInterval::parse(expression, &error);
        QCOMPARE(parsed.has_value(), seconds > 0);
        if (parsed)
            QCOMPARE(parsed->periodSeconds, seconds);
        else
            QCOMPARE(error,
                     QStringLiteral("expected \"*/N * * * *\" (N 1-59) or \"N * * * *\" (N 0-59), got \"%1\"")
                         .arg(expression));
    }

    void cronFiresAsCronDoes()
    {
        const qint64 t = QDateTime(QDate(2026, 11, 29), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch();
        const qint64 m = 60000;
        const CronSchedule hourly = *CronSchedule::parse(QStringLiteral("7 * * * *"));
        QCOMPARE(hourly.nextAfterMs(t), t + 7 * m);
        QCOMPARE(hourly.nextAfterMs(t + 7 * m), t + 67 * m);
        QCOMPARE(hourly.nextAfterMs(t - 1), t + 7 * m);
        const CronSchedule every7 = *CronSchedule::parse(QStringLiteral("*/7 * * * *"));
        QCOMPARE(every7.nextAfterMs(t), t + 7 * m);
        QCOMPARE(every7.nextAfterMs(t + 55 * m), t + 56 * m);
        QCOMPARE(every7.nextAfterMs(t + 56 * m), t + 60 * m); // a new hour starts again at :00
        const CronSchedule top = *CronSchedule::parse(QStringLiteral("0 * * * *"));
        QCOMPARE(top.nextAfterMs(t), t + 60 * m);
        QCOMPARE(top.nextAfterMs(t - 1), t);
    }

    void settingsFromConfig()
    {
        BatchConfig c;
        const auto s = PipelineSettings::from(c);
        QVERIFY(std::holds_alternative<PipelineSettings>(s));
        QCOMPARE(std::get<PipelineSettings>(s).createIntervalMs, 300000);
        QCOMPARE(std::get<PipelineSettings>(s).statusIntervalMs, 120000);
        QCOMPARE(std::get<PipelineSettings>(s).resultIntervalMs, 60000);
        c.batchStatusCheckInterval = QStringLiteral("*/7 * * * *");
        QCOMPARE(std::get<PipelineSettings>(PipelineSettings::from(c)).statusIntervalMs, 420000);
        QCOMPARE(std::get<PipelineSettings>(PipelineSettings::from(c)).statusSchedule->minutes, 7);
        c.batchStatusCheckInterval = QStringLiteral("0 3 * * *");
        QCOMPARE(
            std::get<QString>(PipelineSettings::from(c)),
            QStringLiteral("batchStatusCheckInterval: expected \"*/N * * * *\" (N 1-59) or \"N * * * *\" "
                           "(N 0-59), got \"0 3 * * *\""));
        // The codec's rules too: the demo workspace has no codec in front of it.
        c = BatchConfig();
        c.batchMinSize = 2000;
        QCOMPARE(std::get<QString>(PipelineSettings::from(c)),
                 QStringLiteral("batchMinSize: must not exceed batchMaxRequests (1000), got 2000"));
    }

    void threeDaysOfHistory()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        SimulatedProvider provider(7);
        SimulatedWorkload workload(7);
        Pipeline pipeline(*db, provider, workload, PipelineSettings());
        QVERIFY(pipeline.startAt(kStart).ok());
        const auto report = pipeline.advanceTo(kStart.addDays(3));
        QVERIFY2(report.ok(), qPrintable(report.ok() ? QString() : report.error().message));
        // ~650 requests/hour for 72 hours in batches of ≤ 1000 of 6 streams, submitted and finished.
        QVERIFY2(report.value().created > 150, qPrintable(QString::number(report.value().created)));
        QCOMPARE(report.value().submitted,
                 report.value().created - int(countWhere(*db, QStringLiteral("status = 'pending'"))));
        QVERIFY(report.value().finished > 100);
        QVERIFY(countWhere(*db, QStringLiteral("status = 'completed'")) > 100);
        // The retired model's batches fail validation.
        QVERIFY(countWhere(*db, QStringLiteral("status = 'failed' AND model = 'gpt-3.5-turbo-0301'")) > 0);
        QCOMPARE(countWhere(*db, QStringLiteral("status IN ('completed', 'failed', 'expired')"
                                                " AND completed_count + failed_count <> request_count")),
                 0);
        QCOMPARE(countWhere(
                     *db, QStringLiteral("status = 'completed' AND (cost_micros <= 0 OR completed_at IS NULL"
                                         " OR processing_time_ms IS NULL)")),
                 0);
        JobStore store(*db);
        QVERIFY(store.aggregatesConsistent().value());

        // The timelines are paths of the lifecycle.
        const auto some = store.withStatus({JobStatus::Completed}).value();
        const auto timeline = store.timeline(some.first().job.id).value();
        QStringList path;
        for (const TimelineEntry &e : timeline)
            path << toWireString(e.status);
        QCOMPARE(path.first(), QStringLiteral("pending"));
        QCOMPARE(path.last(), QStringLiteral("completed"));
        QVERIFY(path.contains(QStringLiteral("validating")));

        // What the dashboard would show: savings, at most half the synchronous cost.
        MonitoringEngine engine(*db, store);
        const auto snapshot =
            engine.snapshot(MonitoringQuery(), {kStart.addDays(3), provider.enqueuedTokenLimit(), 1000, {}});
        QVERIFY(snapshot.ok());
        const Summary &sum = snapshot.value().summary;
        QVERIFY(sum.totalJobs > 40);
        QVERIFY(*sum.successRate > 90);
        QVERIFY(*sum.costSavings.savingsPercentage > 0);
        QVERIFY(*sum.costSavings.savingsPercentage <= 50);
    }

    void alertsAfterStatusChecks()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        SimulatedProvider provider(7);
        SimulatedWorkload workload(7);
        Pipeline pipeline(*db, provider, workload, PipelineSettings());
        QVERIFY(pipeline.startAt(kStart).ok());
        // A catch-up reports the last status check it ran, once.
        auto report = pipeline.advanceTo(kStart.addDays(2).addSecs(150));
        QVERIFY(report.ok());
        QCOMPARE(report.value().statusCheckedAt, std::optional<QDateTime>(kStart.addDays(2).addSecs(120)));
        report = pipeline.advanceTo(kStart.addDays(2).addSecs(200));
        QVERIFY(report.ok());
        QCOMPARE(report.value().statusCheckedAt, std::nullopt); // no check due since

        // Live, as the server does: advance every 30 s, evaluate after each status check.
        AlertRecorder recorder(*db);
        QElapsedTimer elapsed;
        int evaluations = 0;
        qint64 slowest = 0;
        QList<AlertEvent> started;
        for (QDateTime t = kStart.addDays(2).addSecs(230); t < kStart.addDays(2).addSecs(3 * 3600);
             t = t.addSecs(30)) {
            report = pipeline.advanceTo(t);
            QVERIFY(report.ok());
            if (!report.value().statusCheckedAt)
                continue;
            QCOMPARE(report.value().statusCheckedAt->toMSecsSinceEpoch() % 120000, 0);
            elapsed.start();
            const auto run =
                recorder.recordAt(*report.value().statusCheckedAt, AlertConfig::defaults(), BatchConfig());
            slowest = std::max(slowest, elapsed.elapsed());
            QVERIFY2(run.ok(), qPrintable(run.ok() ? QString() : run.error().message));
            started += run.value().started;
            ++evaluations;
        }
        QCOMPARE(evaluations, 88); // minutes 4, 6, … 178
        QMap<QString, int> byRule;
        for (const AlertEvent &e : std::as_const(started))
            ++byRule[toWireString(e.rule) + (e.resolvedAt ? QStringLiteral(" (at once)") : QString())];
        QStringList kinds;
        for (auto it = byRule.cbegin(); it != byRule.cend(); ++it)
            kinds << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
        qInfo("%d evaluations, the slowest %lld ms; events: %s", evaluations, slowest,
              qPrintable(kinds.join(QStringLiteral(", "))));
        // The simulation's retired model fails whole batches: batchFailure events, one per job.
        QVERIFY(std::any_of(started.cbegin(), started.cend(), [](const AlertEvent &e) {
            return e.rule == AlertRuleId::BatchFailure && e.jobId;
        }));
    }

    void sameClockSameHistory()
    {
        // One advance of two days, and the same two days in 97 uneven steps with a restart in the middle.
        QTemporaryDir dirA, dirB;
        auto a = openTestStore(QStringLiteral("sqlite"), dirA);
        auto b = openTestStore(QStringLiteral("sqlite"), dirB);
        SimulatedProvider provider(11);
        SimulatedWorkload workload(11);
        Pipeline one(*a, provider, workload, PipelineSettings());
        QVERIFY(one.startAt(kStart).ok());
        QVERIFY(one.advanceTo(kStart.addDays(2)).ok());
        {
            Pipeline first(*b, provider, workload, PipelineSettings());
            QVERIFY(first.startAt(kStart).ok());
            for (int step = 1; step <= 40; ++step)
                QVERIFY(first.advanceTo(kStart.addSecs(step * 2161)).ok());
        }
        Pipeline second(*b, provider, workload, PipelineSettings()); // a new process, the same store
        for (int step = 41; step < 97; ++step)
            QVERIFY(second.advanceTo(kStart.addSecs(qMin<qint64>(step * 2161, 2 * 86400))).ok());
        QVERIFY(second.advanceTo(kStart.addDays(2)).ok());
        const QStringList left = dump(*a);
        QVERIFY(left.size() > 100);
        QCOMPARE(dump(*b), left);
    }

    void priorityQuotaAndPauses()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        SimulationProfile profile;
        profile.enqueuedTokenLimit = 1000000; // room for two of the jobs below at a time
        SimulatedProvider provider(3, profile);
        SimulatedWorkload none(3, 0); // no traffic: only the jobs made here
        Pipeline pipeline(*db, provider, none, PipelineSettings());
        JobStore store(*db);
        JobActions actions(store);
        QVERIFY(pipeline.startAt(kStart).ok());
        const QList<JobPriority> priorities{JobPriority::Low, JobPriority::Normal, JobPriority::Urgent,
                                            JobPriority::High, JobPriority::Normal};
        for (int i = 0; i < priorities.size(); ++i) {
            StoredJob s;
            s.job.id = store.nextJobId().value();
            s.job.jobType = QStringLiteral("ai_analysis");
            s.job.model = QStringLiteral("gpt-4o-mini");
            s.job.requestCount = 400;
            s.job.priority = priorities[i];
            s.job.createdAt = kStart.addSecs(i);
            s.estimatedInputTokens = 480000;
            QVERIFY(store.insert(s, QStringLiteral("pipeline")).ok());
        }
        // batch-job-5 (normal, newest) is paused: it must not go while paused.
        QVERIFY(actions.pause(QStringLiteral("batch-job-5"), QStringLiteral("alice"), kStart).ok());

        // The scheduler is paused: the first creation tick submits nothing.
        AdminStore admin(*db);
        QVERIFY(admin.setSchedulerPaused(true).ok());
        QCOMPARE(pipeline.advanceTo(kStart.addSecs(301)).value().submitted, 0);
        QVERIFY(admin.setSchedulerPaused(false).ok());
        // Resumed: urgent, then high; the quota holds the rest back.
        QCOMPARE(pipeline.advanceTo(kStart.addSecs(601)).value().submitted, 2);
        auto status = [&](int n) {
            return store.find(QStringLiteral("batch-job-%1").arg(n)).value()->job.status;
        };
        QVERIFY(status(3) != JobStatus::Pending);
        QVERIFY(status(4) != JobStatus::Pending);
        QCOMPARE(status(1), JobStatus::Pending);
        QCOMPARE(status(2), JobStatus::Pending);
        QCOMPARE(status(5), JobStatus::Paused);

        // Cancel the urgent one while the provider runs it: cancelling, then cancelled.
        QVERIFY(
            actions.cancel(QStringLiteral("batch-job-3"), QStringLiteral("alice"), kStart.addSecs(700)).ok());
        QCOMPARE(status(3), JobStatus::Cancelling);
        QVERIFY(pipeline.advanceTo(kStart.addSecs(1200)).ok());
        QCOMPARE(status(3), JobStatus::Cancelled);
        const StoredJob cancelled = *store.find(QStringLiteral("batch-job-3")).value();
        QVERIFY(cancelled.job.completedCount + cancelled.job.failedCount < cancelled.job.requestCount);
        // Its quota is free again: normal (the older) goes next; low waits; the paused one waits.
        QVERIFY(status(2) != JobStatus::Pending);
        QCOMPARE(status(1), JobStatus::Pending);
        QVERIFY(actions.resume(QStringLiteral("batch-job-5"), QStringLiteral("alice"), kStart.addSecs(1300))
                    .ok());
        QVERIFY(pipeline.advanceTo(kStart.addDays(1)).ok());
        for (int n = 1; n <= 5; ++n)
            QVERIFY2(isFinished(status(n)), qPrintable(toWireString(status(n))));
        QVERIFY(store.aggregatesConsistent().value());
    }

    void timeoutExpires()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        SimulatedProvider provider(9);
        SimulatedWorkload none(9, 0);
        PipelineSettings settings;
        settings.timeoutMs = 3600 * 1000; // BATCH_TIMEOUT_HOURS=1
        Pipeline pipeline(*db, provider, none, settings);
        JobStore store(*db);
        QVERIFY(pipeline.startAt(kStart).ok());
        StoredJob s; // 1000 requests at 6–24 s each: hours at the provider
        s.job.id = store.nextJobId().value();
        s.job.jobType = QStringLiteral("ai_analysis");
        s.job.model = QStringLiteral("gpt-4o-mini");
        s.job.requestCount = 1000;
        s.job.createdAt = kStart;
        s.estimatedInputTokens = 1200000;
        QVERIFY(store.insert(s, QStringLiteral("pipeline")).ok());
        QVERIFY(pipeline.advanceTo(kStart.addSecs(3 * 3600)).ok());
        const StoredJob after = *store.find(s.job.id).value();
        QCOMPARE(after.job.status, JobStatus::Expired);
        QCOMPARE(after.job.completedCount + after.job.failedCount, after.job.requestCount);
        QVERIFY(after.errorCounts.value(QStringLiteral("batch_expired")) > 0);
        QVERIFY(after.job.completedCount > 0); // what was done before the timeout is kept
        QCOMPARE(after.job.completedAt, std::optional<QDateTime>(after.submittedAt->addSecs(3600)));
        QCOMPARE(store.timeline(s.job.id).value().last().note,
                 std::optional<QString>(QStringLiteral("batch_expired")));
        QVERIFY(store.aggregatesConsistent().value());
    }

    void retentionPurges()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        SimulatedProvider provider(5);
        SimulatedWorkload workload(5);
        PipelineSettings settings;
        settings.retentionDays = 1;
        Pipeline pipeline(*db, provider, workload, settings);
        QVERIFY(pipeline.startAt(kStart).ok());
        const auto report = pipeline.advanceTo(kStart.addDays(3).addSecs(60));
        QVERIFY(report.ok());
        QVERIFY(report.value().purged > 0);
        // Nothing finished is older than a day (rounded down to the hour) after the last daily purge.
        const qint64 cutoff = kStart.addDays(2).toMSecsSinceEpoch();
        QCOMPARE(
            countWhere(*db, QStringLiteral("created_at < %1 AND status IN ('completed', 'failed', 'expired',"
                                           " 'cancelled')")
                                .arg(cutoff)),
            0);
        QVERIFY(JobStore(*db).aggregatesConsistent().value());
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "tst_pipeline.moc"
