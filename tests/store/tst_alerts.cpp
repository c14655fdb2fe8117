// SPDX-License-Identifier: GPL-3.0-or-later
// The alert rules of docs/api.md §12 over the store, on each backend: every rule at, just below and
// just above its threshold; events that start, stay, resolve and start again; cadence, suppression
// and acknowledgement over simulated time (explicit clocks, no sleeping).
#include "StoreTestSupport.h"
#include "store/AdminStore.h"
#include "store/AlertEvaluator.h"
#include "store/AlertRecorder.h"
#include "store/JobStore.h"

#include <QSqlQuery>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);
constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;

StoredJob baseJob(const QString &id, JobStatus status, const QDateTime &created)
{
    StoredJob s;
    Job &j = s.job;
    j.id = id;
    j.status = status;
    j.jobType = QStringLiteral("ai_analysis");
    j.model = QStringLiteral("gpt-4o-mini");
    j.requestCount = 100;
    j.createdAt = created;
    s.estimatedInputTokens = 30000;
    return s;
}

/// Submitted at `started` and still at the provider.
StoredJob runningJob(const QString &id, const QDateTime &started)
{
    StoredJob s = baseJob(id, JobStatus::InProgress, started.addSecs(-60));
    s.job.batchId = QStringLiteral("batch_") + id;
    s.job.startedAt = started;
    s.submittedAt = started;
    return s;
}

/// Finished at `completed` with these outcomes.
StoredJob finishedJob(const QString &id, JobStatus status, const QDateTime &started,
                      const QDateTime &completed, qint64 completedCount, qint64 failedCount)
{
    StoredJob s = runningJob(id, started);
    s.job.status = status;
    s.job.completedCount = completedCount;
    s.job.failedCount = failedCount;
    if (failedCount > 0)
        s.errorCounts.insert(QStringLiteral("request_timeout"), failedCount);
    s.job.completedAt = completed;
    s.job.processingTimeMs = started.msecsTo(completed);
    return s;
}

/// The defaults with only `rule` enabled, at `threshold` and `cadence`.
AlertConfig only(AlertRuleId rule, double threshold,
                 NotificationCadence cadence = NotificationCadence::Immediate)
{
    AlertConfig c = AlertConfig::defaults();
    for (AlertRule &r : c.rules) {
        r.enabled = r.id == rule;
        if (r.id == rule) {
            r.threshold = threshold;
            r.notification = cadence;
        }
    }
    return c;
}

QStringList messages(const QList<AlertCondition> &conditions)
{
    QStringList out;
    for (const AlertCondition &c : conditions)
        out << c.message;
    return out;
}

QList<qint64> ids(const QList<AlertEvent> &events)
{
    QList<qint64> out;
    for (const AlertEvent &e : events)
        out << e.id;
    return out;
}

struct Fixture
{
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<JobStore> jobs;
    std::unique_ptr<AdminStore> admin;

    explicit Fixture(const QString &backend)
    {
        db = openTestStore(backend, dir);
        jobs = std::make_unique<JobStore>(*db);
        admin = std::make_unique<AdminStore>(*db);
    }
    void insert(const StoredJob &s) { QVERIFY(jobs->insert(s, QStringLiteral("pipeline")).ok()); }
    QList<AlertCondition> evaluate(const AlertConfig &config, const QDateTime &now = kNow,
                                   bool paused = false, bool enabled = true)
    {
        AlertEvaluator evaluator(*db);
        auto r = evaluator.evaluate(config, {now, paused, enabled});
        if (!r)
            qFatal("%s", qPrintable(r.error().message));
        return r.value();
    }
    AlertRun record(const AlertConfig &config, const QDateTime &now)
    {
        AlertRecorder recorder(*db);
        auto r = recorder.record(config, {now, false, true});
        if (!r)
            qFatal("%s", qPrintable(r.error().message));
        return r.value();
    }
    QList<AlertEvent> events(bool activeOnly = false)
    {
        return admin->alertEvents(activeOnly, 1, 100).value().events;
    }
};

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private slots:
    // ---- the rules, at, just below and just above their thresholds ----

    void highErrorRate_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QString>("message"); // empty: does not fire
        const QString backend = qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres")
                                    ? QStringLiteral("postgres")
                                    : QStringLiteral("sqlite");
        // The last day's error rate is 20 %: it fires above the threshold only.
        QTest::newRow("at") << backend << 20.0 << QString();
        QTest::newRow("just above") << backend << 19.9 << QStringLiteral("Error rate 20 % > 19.9 %");
        QTest::newRow("just below") << backend << 20.1 << QString();
    }
    void highErrorRate()
    {
        QFETCH(QString, backend);
        QFETCH(double, threshold);
        QFETCH(QString, message);
        Fixture f(backend);
        f.insert(finishedJob(QStringLiteral("batch-job-1"), JobStatus::Completed, kNow.addSecs(-7200),
                             kNow.addSecs(-3600), 160, 40));
        f.insert(finishedJob(QStringLiteral("batch-job-2"), JobStatus::Completed, kNow.addSecs(-7200),
                             kNow.addSecs(-3600), 80, 20));
        // Created two days ago: outside the last 24 hours, whatever its rate.
        f.insert(finishedJob(QStringLiteral("batch-job-3"), JobStatus::Completed, kNow.addDays(-2),
                             kNow.addDays(-2).addSecs(3600), 0, 100));
        const auto got = f.evaluate(only(AlertRuleId::HighErrorRate, threshold));
        QCOMPARE(messages(got), message.isEmpty() ? QStringList() : QStringList{message});
        if (!got.isEmpty()) {
            QCOMPARE(got[0].rule, AlertRuleId::HighErrorRate);
            QCOMPARE(got[0].severity, Severity::High);
            QCOMPARE(got[0].observedValue, 20.0);
            QCOMPARE(got[0].threshold, threshold);
            QCOMPARE(got[0].jobId, std::nullopt);
        }
    }

    void highErrorRateWithoutRequests_data() { addBackendRows(); }
    void highErrorRateWithoutRequests()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        // Nothing has an outcome yet: no rate, so nothing fires even at a threshold of 0.
        f.insert(baseJob(QStringLiteral("batch-job-1"), JobStatus::Pending, kNow.addSecs(-60)));
        QVERIFY(f.evaluate(only(AlertRuleId::HighErrorRate, 0)).isEmpty());
    }

    void lowThroughput_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QString>("message");
        const QString backend = qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres")
                                    ? QStringLiteral("postgres")
                                    : QStringLiteral("sqlite");
        // 12 jobs in the last day: 0.5 jobs/h; it fires below the threshold only.
        QTest::newRow("at") << backend << 0.5 << QString();
        QTest::newRow("just below") << backend << 0.51
                                    << QStringLiteral("Throughput 0.5 jobs/h < 0.51 jobs/h");
        QTest::newRow("just above") << backend << 0.49 << QString();
    }
    void lowThroughput()
    {
        QFETCH(QString, backend);
        QFETCH(double, threshold);
        QFETCH(QString, message);
        Fixture f(backend);
        for (int i = 0; i < 12; ++i)
            f.insert(baseJob(QStringLiteral("batch-job-%1").arg(i), JobStatus::Pending,
                             kNow.addSecs(-3600 * (i + 1))));
        const auto got = f.evaluate(only(AlertRuleId::LowThroughput, threshold));
        QCOMPARE(messages(got), message.isEmpty() ? QStringList() : QStringList{message});
        if (!got.isEmpty()) {
            QCOMPARE(got[0].observedValue, 0.5);
            QCOMPARE(got[0].severity, Severity::Medium);
        }
        // Not evaluated while the scheduler is paused or processing is disabled.
        QVERIFY(f.evaluate(only(AlertRuleId::LowThroughput, threshold), kNow, true, true).isEmpty());
        QVERIFY(f.evaluate(only(AlertRuleId::LowThroughput, threshold), kNow, false, false).isEmpty());
    }

    void longProcessingTime_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QString>("message");
        const QString backend = qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres")
                                    ? QStringLiteral("postgres")
                                    : QStringLiteral("sqlite");
        // batch-job-1 has been processing for exactly an hour; it fires above the threshold only.
        QTest::newRow("at") << backend << 3600000.0 << QString();
        QTest::newRow("just above") << backend << 3599999.0
                                    << QStringLiteral("batch-job-1: processing time 1 h > 59 min 59 s");
        QTest::newRow("just below") << backend << 3600001.0 << QString();
    }
    void longProcessingTime()
    {
        QFETCH(QString, backend);
        QFETCH(double, threshold);
        QFETCH(QString, message);
        Fixture f(backend);
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addMSecs(-kHour)));
        f.insert(runningJob(QStringLiteral("batch-job-2"), kNow.addMSecs(-kHour / 2)));
        // Finished: its processing time is over, whatever it was.
        f.insert(finishedJob(QStringLiteral("batch-job-3"), JobStatus::Completed, kNow.addSecs(-3 * 3600),
                             kNow.addSecs(-60), 100, 0));
        // Not submitted yet: it has no processing time.
        f.insert(baseJob(QStringLiteral("batch-job-4"), JobStatus::Pending, kNow.addDays(-1)));
        const auto got = f.evaluate(only(AlertRuleId::LongProcessingTime, threshold));
        QCOMPARE(messages(got), message.isEmpty() ? QStringList() : QStringList{message});
        if (!got.isEmpty()) {
            QCOMPARE(got[0].jobId, std::optional<QString>(QStringLiteral("batch-job-1")));
            QCOMPARE(got[0].observedValue, double(kHour));
        }
    }

    void batchFailure_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QStringList>("expected");
        const QString backend = qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres")
                                    ? QStringLiteral("postgres")
                                    : QStringLiteral("sqlite");
        // Two jobs of the last day failed in every request; it fires at or above the threshold, once
        // per failed job.
        const QStringList both{QStringLiteral("batch-job-1: all 100 requests failed"),
                               QStringLiteral("batch-job-2: all 100 requests failed")};
        QTest::newRow("at") << backend << 2.0 << both;
        QTest::newRow("just above") << backend << 1.0 << both;
        QTest::newRow("just below") << backend << 3.0 << QStringList();
    }
    void batchFailure()
    {
        QFETCH(QString, backend);
        QFETCH(double, threshold);
        QFETCH(QStringList, expected);
        Fixture f(backend);
        f.insert(finishedJob(QStringLiteral("batch-job-1"), JobStatus::Failed, kNow.addSecs(-7200),
                             kNow.addSecs(-3600), 0, 100));
        f.insert(finishedJob(QStringLiteral("batch-job-2"), JobStatus::Expired, kNow.addSecs(-7200),
                             kNow.addSecs(-60), 0, 100));
        // Not counted: one request completed; finished just over a day ago; retried; nothing ran.
        f.insert(finishedJob(QStringLiteral("batch-job-3"), JobStatus::Completed, kNow.addSecs(-7200),
                             kNow.addSecs(-60), 1, 99));
        f.insert(finishedJob(QStringLiteral("batch-job-4"), JobStatus::Failed, kNow.addDays(-2),
                             kNow.addMSecs(-AlertEvaluator::kDayMs - 1), 0, 100));
        f.insert(finishedJob(QStringLiteral("batch-job-5"), JobStatus::Failed, kNow.addSecs(-7200),
                             kNow.addSecs(-120), 0, 100));
        StoredJob retry = baseJob(QStringLiteral("batch-job-6"), JobStatus::Pending, kNow.addSecs(-60));
        retry.job.retryOf = QStringLiteral("batch-job-5");
        retry.job.attempt = 2;
        f.insert(retry);
        StoredJob cancelled =
            baseJob(QStringLiteral("batch-job-7"), JobStatus::Cancelled, kNow.addSecs(-600));
        cancelled.job.completedAt = kNow.addSecs(-300);
        f.insert(cancelled);
        const auto got = f.evaluate(only(AlertRuleId::BatchFailure, threshold));
        QCOMPARE(messages(got), expected);
        for (const AlertCondition &c : got) {
            QCOMPARE(c.observedValue, 2.0);
            QCOMPARE(c.severity, Severity::Critical);
        }
    }

    void disabledRulesAndDefaults_data() { addBackendRows(); }
    void disabledRulesAndDefaults()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addSecs(-2 * 3600)));
        f.insert(finishedJob(QStringLiteral("batch-job-2"), JobStatus::Failed, kNow.addSecs(-7200),
                             kNow.addSecs(-3600), 0, 100));
        // The defaults: 100 % errors, a job running for 2 h, 2 jobs a day, one failed batch.
        const auto all = f.evaluate(AlertConfig::defaults());
        QCOMPARE(messages(all), (QStringList{QStringLiteral("Error rate 100 % > 10 %"),
                                             QStringLiteral("batch-job-1: processing time 2 h > 1 h"),
                                             QStringLiteral("Throughput 0.08 jobs/h < 0.5 jobs/h"),
                                             QStringLiteral("batch-job-2: all 100 requests failed")}));
        AlertConfig none = AlertConfig::defaults();
        for (AlertRule &r : none.rules)
            r.enabled = false;
        QVERIFY(f.evaluate(none).isEmpty());
    }

    // ---- recording events ----

    void eventsStartStayResolveAndStartAgain_data() { addBackendRows(); }
    void eventsStartStayResolveAndStartAgain()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        f.insert(finishedJob(QStringLiteral("batch-job-1"), JobStatus::Completed, kNow.addSecs(-7200),
                             kNow.addSecs(-3600), 80, 20));
        const AlertConfig fires = only(AlertRuleId::HighErrorRate, 10);
        const AlertConfig quiet = only(AlertRuleId::HighErrorRate, 30);

        AlertRun run = f.record(fires, kNow);
        QCOMPARE(run.started.size(), 1);
        QCOMPARE(ids(run.notify), ids(run.started));
        const AlertEvent first = run.started[0];
        QCOMPARE(first.firstSeen, kNow);
        QCOMPARE(first.lastSeen, kNow);
        QCOMPARE(first.threshold, 10.0);
        QCOMPARE(first.observedValue, 20.0);
        QCOMPARE(first.message, QStringLiteral("Error rate 20 % > 10 %"));
        QVERIFY(!first.resolvedAt);

        // Still true: the same event, seen again; immediate notifies once.
        f.insert(finishedJob(QStringLiteral("batch-job-2"), JobStatus::Completed, kNow.addSecs(-7200),
                             kNow.addSecs(-60), 70, 30));
        run = f.record(fires, kNow.addMSecs(2 * kMinute));
        QVERIFY(run.started.isEmpty());
        QVERIFY(run.notify.isEmpty());
        QCOMPARE(run.updated, 1);
        QList<AlertEvent> active = f.events(true);
        QCOMPARE(active.size(), 1);
        QCOMPARE(active[0].id, first.id);
        QCOMPARE(active[0].firstSeen, kNow);
        QCOMPARE(active[0].lastSeen, kNow.addMSecs(2 * kMinute));
        QCOMPARE(active[0].observedValue, 25.0);
        QCOMPARE(active[0].message, QStringLiteral("Error rate 25 % > 10 %"));

        // False: resolved, and nothing is active.
        run = f.record(quiet, kNow.addMSecs(4 * kMinute));
        QCOMPARE(ids(run.resolved), QList<qint64>{first.id});
        QVERIFY(run.notify.isEmpty());
        QVERIFY(f.events(true).isEmpty());
        const AlertEvent resolved = f.events().at(0);
        QCOMPARE(resolved.resolvedAt, std::optional<QDateTime>(kNow.addMSecs(4 * kMinute)));
        QCOMPARE(resolved.lastSeen, kNow.addMSecs(2 * kMinute));

        // True again: a new event, notified again.
        run = f.record(fires, kNow.addMSecs(6 * kMinute));
        QCOMPARE(run.started.size(), 1);
        QVERIFY(run.started[0].id != first.id);
        QCOMPARE(ids(run.notify), ids(run.started));
        QCOMPARE(f.events().size(), 2);

        // A disabled rule creates no events, and its active one resolves.
        AlertConfig off = fires;
        off.rules[0].enabled = false;
        run = f.record(off, kNow.addMSecs(8 * kMinute));
        QCOMPARE(run.resolved.size(), 1);
        QVERIFY(f.events(true).isEmpty());
    }

    void perJobEvents_data() { addBackendRows(); }
    void perJobEvents()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        const AlertConfig slow = only(AlertRuleId::LongProcessingTime, double(kHour));
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addMSecs(-2 * kHour)));
        f.insert(runningJob(QStringLiteral("batch-job-2"), kNow.addMSecs(-90 * kMinute)));
        StoredJob third = runningJob(QStringLiteral("batch-job-3"), kNow.addMSecs(-30 * kMinute));
        f.insert(third);
        // The first run starts one event per job past the threshold.
        AlertRun run = f.record(slow, kNow);
        QCOMPARE(run.started.size(), 2);
        QCOMPARE(run.started[0].jobId, std::optional<QString>(QStringLiteral("batch-job-1")));
        QCOMPARE(run.started[1].jobId, std::optional<QString>(QStringLiteral("batch-job-2")));
        QCOMPARE(run.notify.size(), 2);

        // batch-job-2 finishes: its event resolves. batch-job-3 runs past the hour and finishes between
        // two evaluations: an event that starts and resolves at once.
        StoredJob done = finishedJob(QStringLiteral("batch-job-2"), JobStatus::Completed,
                                     kNow.addMSecs(-90 * kMinute), kNow.addMSecs(kMinute), 100, 0);
        QVERIFY(f.jobs->update(done, kNow.addMSecs(kMinute), QStringLiteral("provider")).ok());
        run = f.record(slow, kNow.addMSecs(2 * kMinute));
        QVERIFY(run.started.isEmpty());
        QCOMPARE(run.resolved.size(), 1);
        QCOMPARE(run.resolved[0].jobId, std::optional<QString>(QStringLiteral("batch-job-2")));
        QCOMPARE(run.updated, 1);

        StoredJob late = finishedJob(QStringLiteral("batch-job-3"), JobStatus::Completed,
                                     kNow.addMSecs(-30 * kMinute), kNow.addMSecs(35 * kMinute), 100, 0);
        QVERIFY(f.jobs->update(late, kNow.addMSecs(35 * kMinute), QStringLiteral("provider")).ok());
        run = f.record(slow, kNow.addMSecs(36 * kMinute));
        QCOMPARE(run.started.size(), 1);
        const AlertEvent instant = run.started[0];
        QCOMPARE(instant.jobId, std::optional<QString>(QStringLiteral("batch-job-3")));
        QCOMPARE(instant.firstSeen, kNow.addMSecs(36 * kMinute));
        QCOMPARE(instant.resolvedAt, std::optional<QDateTime>(kNow.addMSecs(36 * kMinute)));
        QCOMPARE(instant.observedValue, double(65 * kMinute));
        QCOMPARE(instant.message, QStringLiteral("batch-job-3: processing time 1 h 5 min > 1 h"));
        QCOMPARE(ids(run.notify), QList<qint64>{instant.id});
        // Seen once only.
        run = f.record(slow, kNow.addMSecs(38 * kMinute));
        QVERIFY(run.started.isEmpty());
        QVERIFY(run.notify.isEmpty());
        QCOMPARE(f.events().size(), 3);
        QCOMPARE(f.events(true).size(), 1); // batch-job-1 still runs
    }

    void firstRunIgnoresOldFinishes_data() { addBackendRows(); }
    void firstRunIgnoresOldFinishes()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        // Finished long jobs before alerts were ever evaluated: not news.
        f.insert(finishedJob(QStringLiteral("batch-job-1"), JobStatus::Completed, kNow.addSecs(-5 * 3600),
                             kNow.addSecs(-60), 100, 0));
        const AlertRun run = f.record(only(AlertRuleId::LongProcessingTime, double(kHour)), kNow);
        QVERIFY(run.started.isEmpty());
    }

    void batchFailureResolves_data() { addBackendRows(); }
    void batchFailureResolves()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        const AlertConfig failures = only(AlertRuleId::BatchFailure, 1);
        f.insert(finishedJob(QStringLiteral("batch-job-1"), JobStatus::Failed, kNow.addSecs(-7200),
                             kNow.addSecs(-60), 0, 100));
        f.insert(finishedJob(QStringLiteral("batch-job-2"), JobStatus::Failed, kNow.addSecs(-7200),
                             kNow.addSecs(-30), 0, 100));
        AlertRun run = f.record(failures, kNow);
        QCOMPARE(run.started.size(), 2);
        QCOMPARE(run.started[0].message, QStringLiteral("batch-job-1: all 100 requests failed"));
        QCOMPARE(run.notify.size(), 2);

        // Retried: resolved, and it does not come back.
        StoredJob retry = baseJob(QStringLiteral("batch-job-3"), JobStatus::Pending, kNow.addSecs(60));
        retry.job.retryOf = QStringLiteral("batch-job-1");
        retry.job.attempt = 2;
        f.insert(retry);
        run = f.record(failures, kNow.addMSecs(2 * kMinute));
        QCOMPARE(run.resolved.size(), 1);
        QCOMPARE(run.resolved[0].jobId, std::optional<QString>(QStringLiteral("batch-job-1")));
        QVERIFY(run.started.isEmpty());
        QCOMPARE(f.events(true).size(), 1);

        // A day after it finished: out of the rule's 24 hours.
        run = f.record(failures, kNow.addMSecs(AlertEvaluator::kDayMs - 31 * 1000));
        QCOMPARE(run.updated, 1);
        run = f.record(failures, kNow.addMSecs(AlertEvaluator::kDayMs - 30 * 1000));
        QCOMPARE(run.resolved.size(), 1);
        QCOMPARE(run.resolved[0].jobId, std::optional<QString>(QStringLiteral("batch-job-2")));
        QVERIFY(f.events(true).isEmpty());
    }

    // ---- notifications over simulated time ----

    void cadence_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("cadence");
        QTest::addColumn<qint64>("spanMinutes");
        QTest::addColumn<QList<qint64>>("notifiedAtMinutes");
        const QString backend = qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres")
                                    ? QStringLiteral("postgres")
                                    : QStringLiteral("sqlite");
        QTest::newRow("immediate") << backend << int(NotificationCadence::Immediate) << qint64(6 * 60)
                                   << QList<qint64>{0};
        QTest::newRow("hourly") << backend << int(NotificationCadence::Hourly) << qint64(3 * 60)
                                << QList<qint64>{0, 60, 120, 180};
        QTest::newRow("daily") << backend << int(NotificationCadence::Daily) << qint64(2 * 24 * 60)
                               << QList<qint64>{0, 24 * 60, 48 * 60};
    }
    void cadence()
    {
        QFETCH(QString, backend);
        QFETCH(int, cadence);
        QFETCH(qint64, spanMinutes);
        QFETCH(QList<qint64>, notifiedAtMinutes);
        Fixture f(backend);
        // A job that keeps running: the condition stays true; evaluated every 2 minutes.
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addMSecs(-2 * kHour)));
        const AlertConfig config =
            only(AlertRuleId::LongProcessingTime, double(kHour), NotificationCadence(cadence));
        QList<qint64> notified;
        for (qint64 m = 0; m <= spanMinutes; m += 2) {
            const AlertRun run = f.record(config, kNow.addMSecs(m * kMinute));
            QVERIFY(run.notify.size() <= 1);
            if (!run.notify.isEmpty())
                notified << m;
        }
        QCOMPARE(notified, notifiedAtMinutes);
        QCOMPARE(f.events().size(), 1);
    }

    void cadenceAfterAGap_data() { addBackendRows(); }
    void cadenceAfterAGap()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addMSecs(-2 * kHour)));
        const AlertConfig config =
            only(AlertRuleId::LongProcessingTime, double(kHour), NotificationCadence::Hourly);
        QCOMPARE(f.record(config, kNow).notify.size(), 1);
        // The server was down for five hours: one notification when it is back, not five; the next
        // at the next whole hour after firstSeen.
        QCOMPARE(f.record(config, kNow.addMSecs(5 * kHour + 10 * kMinute)).notify.size(), 1);
        QCOMPARE(f.record(config, kNow.addMSecs(5 * kHour + 50 * kMinute)).notify.size(), 0);
        QCOMPARE(f.record(config, kNow.addMSecs(6 * kHour)).notify.size(), 1);
    }

    void acknowledgementStopsCadence_data() { addBackendRows(); }
    void acknowledgementStopsCadence()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addMSecs(-2 * kHour)));
        const AlertConfig config =
            only(AlertRuleId::LongProcessingTime, double(kHour), NotificationCadence::Hourly);
        const AlertRun first = f.record(config, kNow);
        QCOMPARE(first.notify.size(), 1);
        QCOMPARE(f.record(config, kNow.addMSecs(kHour)).notify.size(), 1);
        QVERIFY(f.admin
                    ->acknowledgeAlertEvent(first.started[0].id, QStringLiteral("alice"),
                                            kNow.addMSecs(kHour + 5 * kMinute))
                    .ok());
        for (qint64 m = 70; m <= 6 * 60; m += 10) {
            const AlertRun run = f.record(config, kNow.addMSecs(m * kMinute));
            QVERIFY2(run.notify.isEmpty(), qPrintable(QString::number(m)));
            QCOMPARE(run.updated, 1); // still seen: lastSeen moves on
        }
        const AlertEvent e = f.events(true).at(0);
        QCOMPARE(e.lastSeen, kNow.addMSecs(6 * kHour));
        QCOMPARE(e.acknowledgedBy, std::optional<QString>(QStringLiteral("alice")));
    }

    void suppressionSkips_data() { addBackendRows(); }
    void suppressionSkips()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        f.insert(runningJob(QStringLiteral("batch-job-1"), kNow.addMSecs(-2 * kHour)));
        AlertConfig config =
            only(AlertRuleId::LongProcessingTime, double(kHour), NotificationCadence::Hourly);
        config.suppressionWindowMinutes = 90;
        // Hourly points at 0, 60, 120, 180, 240: 60 and 180 fall within 90 minutes of the previous
        // notification and are skipped — not delayed to 90 or 210.
        QList<qint64> notified;
        QList<qint64> suppressed;
        for (qint64 m = 0; m <= 240; m += 2) {
            const AlertRun run = f.record(config, kNow.addMSecs(m * kMinute));
            if (!run.notify.isEmpty())
                notified << m;
            if (!run.suppressed.isEmpty())
                suppressed << m;
        }
        QCOMPARE(notified, (QList<qint64>{0, 120, 240}));
        QCOMPARE(suppressed, (QList<qint64>{60, 180}));
    }

    void suppressionWindowEdges_data() { addBackendRows(); }
    void suppressionWindowEdges()
    {
        QFETCH(QString, backend);
        Fixture f(backend);
        AlertConfig config = only(AlertRuleId::BatchFailure, 1);
        config.suppressionWindowMinutes = 15;
        auto failAt = [&f](int n, qint64 minutes) {
            f.insert(finishedJob(QStringLiteral("batch-job-%1").arg(n), JobStatus::Failed,
                                 kNow.addMSecs(-kHour), kNow.addMSecs(minutes * kMinute - 1000), 0, 100));
        };
        failAt(1, 0);
        QCOMPARE(f.record(config, kNow).notify.size(), 1);
        // A second batch of the same rule 14 minutes later: within the window, skipped.
        failAt(2, 14);
        AlertRun run = f.record(config, kNow.addMSecs(14 * kMinute));
        QCOMPARE(run.started.size(), 1);
        QCOMPARE(run.notify.size(), 0);
        QCOMPARE(run.suppressed.size(), 1);
        // Exactly 15 minutes after the last notification: the window is over.
        failAt(3, 15);
        run = f.record(config, kNow.addMSecs(15 * kMinute));
        QCOMPARE(run.notify.size(), 1);
        // Two at once: the first notifies, the second is within 0 minutes of it.
        failAt(4, 40);
        failAt(5, 40);
        run = f.record(config, kNow.addMSecs(40 * kMinute));
        QCOMPARE(run.started.size(), 2);
        QCOMPARE(run.notify.size(), 1);
        // Another rule is not suppressed by this one's notifications.
        AlertConfig both = config;
        for (AlertRule &r : both.rules) {
            if (r.id == AlertRuleId::HighErrorRate) {
                r.enabled = true;
                r.threshold = 50;
            }
        }
        run = f.record(both, kNow.addMSecs(41 * kMinute));
        QCOMPARE(run.started.size(), 1);
        QCOMPARE(run.started[0].rule, AlertRuleId::HighErrorRate);
        QCOMPARE(run.notify.size(), 1);
        // Without a window, every start notifies.
        config.suppressionWindowMinutes = 0;
        failAt(6, 42);
        failAt(7, 42);
        QCOMPARE(f.record(config, kNow.addMSecs(42 * kMinute)).notify.size(), 2);
    }

    void cheapQueries()
    {
        // The evaluation reads through indexes, not by scanning the jobs (SQLite's plan).
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        auto plan = [&db](const QString &sql) {
            auto q = db->exec(QStringLiteral("EXPLAIN QUERY PLAN ") + sql, {QVariant(0), QVariant(1)});
            if (!q)
                qFatal("%s", qPrintable(q.error().message));
            QStringList rows;
            while (q.value().next())
                rows << q.value().value(3).toString();
            return rows.join(QLatin1Char('|'));
        };
        const QString failed = plan(QStringLiteral(
            "SELECT id, request_count FROM jobs WHERE completed_count = 0 AND failed_count = request_count"
            " AND request_count > 0 AND completed_at > ? AND completed_at <= ?"
            " AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.retry_of = jobs.id) ORDER BY completed_at, id"));
        QVERIFY2(failed.contains(QStringLiteral("jobs_all_failed")), qPrintable(failed));
        QVERIFY2(failed.contains(QStringLiteral("jobs_retry_of")), qPrintable(failed));
        const QString slow = plan(QStringLiteral(
            "SELECT id, started_at FROM jobs WHERE status IN ('validating', 'in_progress', 'finalizing',"
            " 'cancelling') AND started_at < ? AND ? > 0 ORDER BY started_at, id"));
        QVERIFY2(slow.contains(QStringLiteral("jobs_status_created")), qPrintable(slow));
        const QString finished = plan(
            QStringLiteral("SELECT DISTINCT job_id FROM job_timeline WHERE id > ? AND id <= ? AND status IN"
                           " ('completed', 'failed', 'expired', 'cancelled')"));
        QVERIFY2(!finished.contains(QStringLiteral("SCAN job_timeline")), qPrintable(finished));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
