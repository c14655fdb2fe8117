// SPDX-License-Identifier: GPL-3.0-or-later
// Property test: random job sets in a real store (SQLite, and PostgreSQL when the runner provides
// one); every figure of the monitoring response is checked against a brute-force recomputation
// over the same jobs, written here independently of the engine (long double arithmetic, a plain
// sort), for every time range and a spread of filters and pages.
#include "StoreTestSupport.h"
#include "store/JobStore.h"
#include "store/MonitoringEngine.h"

#include <QTest>

#include <algorithm>
#include <cmath>

using namespace batchmon;

namespace {

const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 47, 13, 512), Qt::UTC);
constexpr qint64 kBatchMax = 1000;
constexpr qint64 kQuota = 5000000;

std::optional<double> expectedPercent(long double a, long double b)
{
    if (b == 0)
        return std::nullopt;
    const long double x = a * 1000.0L / b;
    return double(x < 0 ? -std::floor(-x + 0.5L) : std::floor(x + 0.5L)) / 10.0;
}

QString describe(const QList<ErrorSummaryEntry> &entries)
{
    QStringList parts;
    for (const ErrorSummaryEntry &e : entries)
        parts << QStringLiteral("%1 %2 (%3 %)").arg(e.error).arg(e.count).arg(e.percentage);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

double expectedTwo(long double a, long double b)
{
    return double(std::floor(a * 100.0L / b + 0.5L)) / 100.0;
}

struct Expected
{
    qint64 jobs = 0, requests = 0, completedReq = 0, failedReq = 0, completedJobs = 0, failedJobs = 0,
           pendingJobs = 0, batch = 0, individual = 0, procSum = 0, procCount = 0, lifeSum = 0, input = 0,
           output = 0, rateLimited = 0;
    QMap<QString, qint64> errors;

    void add(const StoredJob &s)
    {
        const Job &j = s.job;
        ++jobs;
        requests += j.requestCount;
        completedReq += j.completedCount;
        failedReq += j.failedCount;
        completedJobs += j.status == JobStatus::Completed;
        failedJobs += j.status == JobStatus::Failed || j.status == JobStatus::Expired;
        pendingJobs += j.status == JobStatus::Pending || j.status == JobStatus::Paused;
        batch += j.costEstimate.micros();
        individual += s.individualCost.micros();
        if (j.processingTimeMs) {
            procSum += *j.processingTimeMs;
            ++procCount;
            lifeSum += j.createdAt.msecsTo(*j.completedAt);
        }
        input += j.inputTokens;
        output += j.outputTokens;
        rateLimited += s.errorCounts.value(QStringLiteral("rate_limit_exceeded"));
        for (auto it = s.errorCounts.cbegin(); it != s.errorCounts.cend(); ++it)
            errors[it.key()] += it.value();
    }
};

} // namespace

class TestMonitoringEngine : public QObject
{
    Q_OBJECT

    QList<StoredJob> m_jobs;

    void populate(Database &db, JobStore &store, quint32 seed, int count)
    {
        QRandomGenerator rng(seed);
        m_jobs.clear();
        const qint64 now = kNow.toMSecsSinceEpoch();
        QVERIFY(db.begin().ok());
        for (int i = 0; i < count; ++i) {
            // Most jobs in the last 31 days, some older (outside every range), a few in the future
            // bucket's remainder, clustered so that the 1 h and previous-period windows have data.
            const int zone = int(rng.bounded(10));
            const qint64 from = zone == 0  ? now - 70LL * 86400000
                                : zone < 4 ? now - 2 * 3600000
                                           : now - 31LL * 86400000;
            StoredJob s = randomJob(rng, QStringLiteral("batch-job-%1").arg(i + 1), from, now);
            // Half the jobs reach their state through an update from pending, like the pipeline's.
            if (rng.bounded(2) == 0) {
                StoredJob start = s;
                start.job.status = JobStatus::Pending;
                start.job.batchId.reset();
                start.job.startedAt.reset();
                start.job.completedAt.reset();
                start.job.processingTimeMs.reset();
                start.job.completedCount = start.job.failedCount = 0;
                start.job.inputTokens = start.job.outputTokens = 0;
                start.job.costEstimate = start.individualCost = Money();
                start.errorCounts.clear();
                start.submittedAt.reset();
                QVERIFY(store.insert(start, QStringLiteral("pipeline")).ok());
                const auto updated =
                    store.update(s, s.job.completedAt.value_or(s.job.createdAt), QStringLiteral("provider"));
                QVERIFY2(updated.ok(), qPrintable(updated.ok() ? QString() : updated.error().message));
            } else {
                const auto inserted = store.insert(s, QStringLiteral("pipeline"));
                QVERIFY2(inserted.ok(), qPrintable(inserted.ok() ? QString() : inserted.error().message));
            }
            m_jobs.append(s);
        }
        QVERIFY(db.commit().ok());
    }

    void checkSnapshot(MonitoringEngine &engine, const MonitoringQuery &q)
    {
        SnapshotContext ctx{kNow, kQuota, kBatchMax, SchedulerState{false, true}};
        const auto result = engine.snapshot(q, ctx);
        QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
        const MonitoringSnapshot &s = result.value();

        const qint64 bucket = bucketSeconds(q.timeRange) * 1000;
        const qint64 now = kNow.toMSecsSinceEpoch();
        const qint64 end = (now / bucket + 1) * bucket;
        const qint64 range = durationSeconds(q.timeRange) * 1000;
        const qint64 start = end - range;
        auto typeMatches = [&](const StoredJob &j) {
            return !q.jobType || j.job.jobType == *q.jobType;
        };

        Expected e, prev;
        QList<Expected> buckets(int(range / bucket));
        for (const StoredJob &j : m_jobs) {
            if (!typeMatches(j))
                continue;
            const qint64 created = j.job.createdAt.toMSecsSinceEpoch();
            if (created >= start && created < end) {
                e.add(j);
                buckets[int((created - start) / bucket)].add(j);
            } else if (created >= start - range && created < start) {
                prev.add(j);
            }
        }
        const Summary &sum = s.summary;
        QCOMPARE(sum.totalJobs, e.jobs);
        QCOMPARE(sum.completedJobs, e.completedJobs);
        QCOMPARE(sum.failedJobs, e.failedJobs);
        QCOMPARE(sum.pendingJobs, e.pendingJobs);
        QCOMPARE(sum.totalRequests, e.requests);
        QCOMPARE(sum.processedRequests, e.completedReq + e.failedReq);
        QCOMPARE(sum.successRate, expectedPercent(e.completedReq, e.completedReq + e.failedReq));
        QCOMPARE(sum.averageProcessingTime,
                 e.procCount
                     ? std::optional<qint64>(qint64(std::floor(e.procSum / (long double)e.procCount + 0.5L)))
                     : std::nullopt);
        QCOMPARE(sum.costSavings.currentPeriod.micros(), e.individual - e.batch);
        const long double projected = (long double)(e.individual - e.batch) * 2592000000.0L / range;
        QCOMPARE(sum.costSavings.projectedMonthly.micros(),
                 qint64(projected < 0 ? -std::floor(-projected + 0.5L) : std::floor(projected + 0.5L)));
        QCOMPARE(sum.costSavings.savingsPercentage, expectedPercent(e.individual - e.batch, e.individual));
        QCOMPARE(sum.costSavings.batchCost->micros(), e.batch);
        QCOMPARE(sum.costSavings.individualCost->micros(), e.individual);
        QVERIFY(sum.previousPeriod.has_value());
        QCOMPARE(sum.previousPeriod->totalJobs, prev.jobs);
        QCOMPARE(sum.previousPeriod->totalRequests, prev.requests);
        QCOMPARE(sum.previousPeriod->processedRequests, prev.completedReq + prev.failedReq);
        QCOMPARE(sum.previousPeriod->successRate,
                 expectedPercent(prev.completedReq, prev.completedReq + prev.failedReq));
        QCOMPARE(sum.previousPeriod->costSavings.micros(), prev.individual - prev.batch);

        const long double hours = range / 3600000.0L;
        QCOMPARE(s.performance.throughput.requestsPerHour, expectedTwo(e.requests, hours));
        QCOMPARE(s.performance.throughput.jobsPerHour, expectedTwo(e.jobs, hours));
        QCOMPARE(s.performance.throughput.averageBatchSize,
                 e.jobs ? std::optional<double>(expectedTwo(e.requests, e.jobs)) : std::nullopt);
        const auto util = expectedPercent(e.requests, (long double)e.jobs * kBatchMax);
        QCOMPARE(s.performance.efficiency.batchUtilization,
                 util ? std::optional<double>(std::min(*util, 100.0)) : util);
        const auto eff = expectedPercent(e.procSum, e.lifeSum);
        QCOMPARE(s.performance.efficiency.processingEfficiency,
                 eff ? std::optional<double>(std::min(*eff, 100.0)) : eff);
        if (sum.successRate) {
            QVERIFY(s.performance.efficiency.errorRate.has_value());
            QCOMPARE(qRound(*sum.successRate * 10) + qRound(*s.performance.efficiency.errorRate * 10), 1000);
        } else {
            QVERIFY(!s.performance.efficiency.errorRate);
        }

        QVERIFY(s.historical.has_value());
        QCOMPARE(s.historical->bucketSeconds, bucket / 1000);
        QCOMPARE(s.historical->buckets.size(), buckets.size());
        for (int i = 0; i < buckets.size(); ++i) {
            const HistoricalBucket &b = s.historical->buckets.at(i);
            QCOMPARE(b.start.toMSecsSinceEpoch(), start + i * bucket);
            QCOMPARE(b.end.toMSecsSinceEpoch(), start + (i + 1) * bucket);
            QCOMPARE(b.jobs, buckets[i].jobs);
            QCOMPARE(b.requests, buckets[i].requests);
            QCOMPARE(b.completedRequests, buckets[i].completedReq);
            QCOMPARE(b.failedRequests, buckets[i].failedReq);
            QCOMPARE(b.batchCost.micros(), buckets[i].batch);
            QCOMPARE(b.savings.micros(), buckets[i].individual - buckets[i].batch);
        }

        // Queues and quota: every job, whenever created.
        Queues queues;
        queues.cancelled = 0;
        qint64 enqueued = 0;
        for (const StoredJob &j : m_jobs) {
            const JobStatus st = j.job.status;
            if (st == JobStatus::Validating || st == JobStatus::InProgress || st == JobStatus::Finalizing ||
                st == JobStatus::Cancelling)
                enqueued += j.estimatedInputTokens;
            if (!typeMatches(j))
                continue;
            switch (st) {
            case JobStatus::Pending:
            case JobStatus::Paused:
                ++queues.pending;
                break;
            case JobStatus::Validating:
            case JobStatus::InProgress:
            case JobStatus::Finalizing:
            case JobStatus::Cancelling:
                ++queues.processing;
                break;
            case JobStatus::Completed:
                ++queues.completed;
                break;
            case JobStatus::Failed:
            case JobStatus::Expired:
                ++queues.failed;
                break;
            case JobStatus::Cancelled:
                ++*queues.cancelled;
                break;
            }
        }
        QVERIFY(s.queues == queues);
        QCOMPARE(s.resources->enqueuedTokens, enqueued);
        QCOMPARE(s.resources->quotaUtilization, expectedPercent(enqueued, kQuota));
        QCOMPARE(s.resources->rateLimitedRequests, e.rateLimited);
        QCOMPARE(s.resources->inputTokens, e.input);
        QCOMPARE(s.resources->outputTokens, e.output);

        // The error breakdown: the range's jobs (not narrowed by status), most failures first.
        QList<ErrorSummaryEntry> errors;
        for (auto it = e.errors.cbegin(); it != e.errors.cend(); ++it) {
            if (it.value() > 0)
                errors.append({it.key(), it.value(), *expectedPercent(it.value(), e.requests)});
        }
        std::sort(errors.begin(), errors.end(), [](const ErrorSummaryEntry &a, const ErrorSummaryEntry &b) {
            return a.count != b.count ? a.count > b.count : a.error < b.error;
        });
        QVERIFY(s.errors.has_value());
        QVERIFY2(*s.errors == errors,
                 qPrintable(describe(*s.errors) + QStringLiteral(" vs ") + describe(errors)));
        qint64 failedInErrors = 0;
        for (const ErrorSummaryEntry &entry : *s.errors)
            failedInErrors += entry.count;
        QCOMPARE(failedInErrors, e.failedReq); // randomJob's codes account for every failure

        // The jobs page: in range (newest first), then older unfinished jobs; filtered; sliced.
        QList<StoredJob> inRange, older;
        for (const StoredJob &j : m_jobs) {
            if (!typeMatches(j) || (q.status && j.job.status != *q.status))
                continue;
            const qint64 created = j.job.createdAt.toMSecsSinceEpoch();
            if (created >= start && created < end)
                inRange.append(j);
            else if (created < start && !isFinished(j.job.status))
                older.append(j);
        }
        auto newestFirst = [](const StoredJob &a, const StoredJob &b) {
            return a.job.createdAt != b.job.createdAt ? a.job.createdAt > b.job.createdAt
                                                      : a.job.id > b.job.id;
        };
        std::sort(inRange.begin(), inRange.end(), newestFirst);
        std::sort(older.begin(), older.end(), newestFirst);
        const QList<StoredJob> all = inRange + older;
        QCOMPARE(s.pagination->total, all.size());
        QCOMPARE(s.pagination->totalPages, (all.size() + q.limit - 1) / q.limit);
        const QList<StoredJob> page = all.mid((q.page - 1) * q.limit, q.limit);
        QCOMPARE(s.jobs.size(), page.size());
        for (int i = 0; i < page.size(); ++i) {
            Job got = s.jobs.at(i);
            QCOMPARE(got.errorSummary.has_value(), q.includeDetails);
            QCOMPARE(got.timeline.has_value(), q.includeDetails);
            if (q.includeDetails) {
                qint64 sumErrors = 0;
                for (const ErrorSummaryEntry &es : *got.errorSummary)
                    sumErrors += es.count;
                QCOMPARE(sumErrors, page.at(i).job.failedCount);
                QVERIFY(!got.timeline->isEmpty());
                QCOMPARE(got.timeline->last().status, page.at(i).job.status);
            }
            got.errorSummary.reset();
            got.timeline.reset();
            QVERIFY2(got == page.at(i).job, qPrintable(got.id + QStringLiteral(" vs ") + page.at(i).job.id));
        }
    }

private slots:
    void figuresMatchBruteForce_data() { addBackendRows(); }

    void figuresMatchBruteForce()
    {
        QFETCH(QString, backend);
        for (quint32 seed : {1u, 2u, 3u}) {
            QTemporaryDir dir;
            auto db = openTestStore(backend, dir);
            JobStore store(*db);
            MonitoringEngine engine(*db, store);
            populate(*db, store, seed, 600);
            if (QTest::currentTestFailed())
                return;
            QVERIFY(store.aggregatesConsistent().value());
            QRandomGenerator rng(seed * 7919);
            for (TimeRange range :
                 {TimeRange::LastHour, TimeRange::LastDay, TimeRange::LastWeek, TimeRange::LastMonth}) {
                for (int variant = 0; variant < 6; ++variant) {
                    MonitoringQuery q;
                    q.timeRange = range;
                    if (variant & 1)
                        q.jobType = QStringLiteral("summarization");
                    if (variant >= 4)
                        q.status = allJobStatuses().at(int(rng.bounded(10)));
                    q.includeDetails = variant % 3 == 0;
                    q.limit = 1 + rng.bounded(100);
                    q.page = 1 + rng.bounded(4);
                    checkSnapshot(engine, q);
                    if (QTest::currentTestFailed()) {
                        qWarning("seed %u, range %s, variant %d", seed, qPrintable(toWireString(range)),
                                 variant);
                        return;
                    }
                }
            }
        }
    }

    void emptyStore_data() { addBackendRows(); }
    void emptyStore()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        JobStore store(*db);
        MonitoringEngine engine(*db, store);
        m_jobs.clear();
        checkSnapshot(engine, MonitoringQuery());
        const auto s = engine.snapshot(MonitoringQuery(), {kNow, kQuota, kBatchMax, {}}).value();
        QVERIFY(!s.summary.successRate);
        QVERIFY(!s.summary.averageProcessingTime);
        QVERIFY(!s.summary.costSavings.savingsPercentage);
        QCOMPARE(s.historical->buckets.size(), 24);
    }

    void errorBreakdown_data() { addBackendRows(); }
    /// `errors` for a known set of jobs, through a job update that moves its failures to other
    /// codes, a purge, and a damaged then rebuilt error rollup.
    void errorBreakdown()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        JobStore store(*db);
        MonitoringEngine engine(*db, store);
        const QString ai = QStringLiteral("ai_analysis");
        const QString tokens = QStringLiteral("token_limit_exceeded");
        const QString rate = QStringLiteral("rate_limit_exceeded");
        const QString timeout = QStringLiteral("request_timeout");
        const QString invalid = QStringLiteral("invalid_request");
        const QString model = QStringLiteral("model_not_found");
        auto job = [&](int n, qint64 minutesAgo, const QString &type, JobStatus status, qint64 requests,
                       qint64 completed, const QMap<QString, qint64> &errors) {
            StoredJob s;
            Job &j = s.job;
            j.id = QStringLiteral("batch-job-%1").arg(n);
            j.jobType = type;
            j.status = status;
            j.requestCount = requests;
            j.completedCount = completed;
            for (qint64 c : errors)
                j.failedCount += c;
            j.createdAt = kNow.addSecs(-60 * minutesAgo);
            j.startedAt = j.createdAt.addSecs(60);
            if (isFinished(status)) {
                j.completedAt = j.createdAt.addSecs(600);
                j.processingTimeMs = 540000;
            }
            s.errorCounts = errors;
            return s;
        };
        // kNow is 09:47 on 2026-11-29: the 24 h range is 10:00 the day before to 10:00, 1 h 09:00–10:00.
        StoredJob j1 = job(1, 120, ai, JobStatus::Completed, 100, 90, {{tokens, 6}, {rate, 4}});
        const QList<StoredJob> jobs{
            j1,
            job(2, 300, ai, JobStatus::Failed, 50, 0, {{invalid, 50}}),
            job(3, 180, QStringLiteral("summarization"), JobStatus::Completed, 200, 180, {{rate, 20}}),
            job(4, 40 * 1440, ai, JobStatus::Completed, 100, 70, {{tokens, 30}}), // in no range
            job(5, 30, ai, JobStatus::InProgress, 100, 40, {{timeout, 5}}),
            job(6, 10, ai, JobStatus::Completed, 100, 95, {{model, 5}}),
            job(7, 360, ai, JobStatus::InProgress, 100, 50, {{rate, 3}}), // unfinished: never purged
        };
        for (const StoredJob &s : jobs)
            QVERIFY(store.insert(s, QStringLiteral("pipeline")).ok());
        QVERIFY(store.aggregatesConsistent().value());

        auto breakdown = [&](TimeRange range, const std::optional<QString> &type = std::nullopt,
                             const std::optional<JobStatus> &status = std::nullopt) {
            MonitoringQuery q;
            q.timeRange = range;
            q.jobType = type;
            q.status = status;
            const auto s = engine.snapshot(q, {kNow, kQuota, kBatchMax, {}});
            if (!s.ok())
                qFatal("%s", qPrintable(s.error().message));
            return s.value().errors.value_or(QList<ErrorSummaryEntry>{{QStringLiteral("(absent)"), 0, 0}});
        };
        auto verify = [&](const QList<ErrorSummaryEntry> &got, const QList<ErrorSummaryEntry> &expected) {
            return got == expected ? QString() : describe(got) + QStringLiteral(" vs ") + describe(expected);
        };
#define VERIFY_ERRORS(got, ...)                                                                              \
    do {                                                                                                     \
        const QString why = verify(got, QList<ErrorSummaryEntry>{__VA_ARGS__});                              \
        QVERIFY2(why.isEmpty(), qPrintable(why));                                                            \
    } while (false)

        // 650 requests in the range; ties (5 and 5) by code.
        VERIFY_ERRORS(breakdown(TimeRange::LastDay), {invalid, 50, 7.7}, {rate, 27, 4.2}, {tokens, 6, 0.9},
                      {model, 5, 0.8}, {timeout, 5, 0.8});
        // The status filter narrows the jobs page, not the breakdown (like the summary).
        VERIFY_ERRORS(breakdown(TimeRange::LastDay, std::nullopt, JobStatus::Completed), {invalid, 50, 7.7},
                      {rate, 27, 4.2}, {tokens, 6, 0.9}, {model, 5, 0.8}, {timeout, 5, 0.8});
        // One job type: 450 requests.
        VERIFY_ERRORS(breakdown(TimeRange::LastDay, ai), {invalid, 50, 11.1}, {rate, 7, 1.6},
                      {tokens, 6, 1.3}, {model, 5, 1.1}, {timeout, 5, 1.1});
        // The hour reads the jobs themselves: 200 requests.
        VERIFY_ERRORS(breakdown(TimeRange::LastHour), {model, 5, 2.5}, {timeout, 5, 2.5});
        QVERIFY(breakdown(TimeRange::LastHour, QStringLiteral("summarization")).isEmpty());
        VERIFY_ERRORS(breakdown(TimeRange::LastMonth), {invalid, 50, 7.7}, {rate, 27, 4.2}, {tokens, 6, 0.9},
                      {model, 5, 0.8}, {timeout, 5, 0.8});

        // The provider's final report moves job 1's failures to other codes.
        StoredJob moved = j1;
        moved.errorCounts = {{tokens, 2}, {timeout, 8}};
        QVERIFY(store.update(moved, kNow, QStringLiteral("provider")).ok());
        QVERIFY(store.aggregatesConsistent().value());
        VERIFY_ERRORS(breakdown(TimeRange::LastDay), {invalid, 50, 7.7}, {rate, 23, 3.5}, {timeout, 13, 2.0},
                      {model, 5, 0.8}, {tokens, 2, 0.3});
        VERIFY_ERRORS(breakdown(TimeRange::LastWeek), {invalid, 50, 7.7}, {rate, 23, 3.5}, {timeout, 13, 2.0},
                      {model, 5, 0.8}, {tokens, 2, 0.3});

        // Retention before 05:00: jobs 2 and 4 go; job 7 (03:47) is unfinished and stays, with its errors.
        QCOMPARE(store.purgeCreatedBefore(kNow.addSecs(-4 * 3600)).value(), 2);
        QVERIFY(store.aggregatesConsistent().value());
        VERIFY_ERRORS(breakdown(TimeRange::LastDay), {rate, 23, 3.8}, {timeout, 13, 2.2}, {model, 5, 0.8},
                      {tokens, 2, 0.3});
        auto early =
            db->exec(QStringLiteral("SELECT code, SUM(count) FROM error_rollups WHERE bucket_start < ?"
                                    " GROUP BY code"),
                     {QDateTime(QDate(2026, 11, 29), QTime(5, 0), Qt::UTC).toMSecsSinceEpoch()});
        QVERIFY(early.ok());
        QVERIFY(early.value().next());
        QCOMPARE(early.value().value(0).toString(), rate);
        QCOMPARE(early.value().value(1).toLongLong(), 3);
        QVERIFY(!early.value().next());

        // A damaged error rollup is noticed, and a rebuild restores it.
        QVERIFY(db->exec(QStringLiteral("UPDATE error_rollups SET count = count + 1 WHERE code = ?"), {model})
                    .ok());
        QVERIFY(!store.aggregatesConsistent().value());
        QVERIFY(store.rebuildAggregates().ok());
        QVERIFY(store.aggregatesConsistent().value());
        VERIFY_ERRORS(breakdown(TimeRange::LastDay), {rate, 23, 3.8}, {timeout, 13, 2.2}, {model, 5, 0.8},
                      {tokens, 2, 0.3});
#undef VERIFY_ERRORS
    }

    void jobDetailsAndNotFound_data()
    {
        addBackendRows();
    }
    void jobDetailsAndNotFound()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        JobStore store(*db);
        MonitoringEngine engine(*db, store);
        QRandomGenerator rng(99);
        StoredJob s = randomJob(rng, QStringLiteral("batch-job-1"), kNow.toMSecsSinceEpoch() - 3600000,
                                kNow.toMSecsSinceEpoch());
        s.job.status = JobStatus::Failed;
        s.job.requestCount = 200;
        s.job.completedCount = 150;
        s.job.failedCount = 50;
        s.errorCounts = {{QStringLiteral("rate_limit_exceeded"), 10},
                         {QStringLiteral("token_limit_exceeded"), 40}};
        s.job.startedAt = s.job.createdAt.addSecs(60);
        s.job.completedAt = s.job.createdAt.addSecs(3000);
        s.job.processingTimeMs = 2940000;
        QVERIFY(store.insert(s, QStringLiteral("pipeline"), QStringLiteral("created by test")).ok());
        const auto j = engine.job(QStringLiteral("batch-job-1"));
        QVERIFY(j.ok());
        QCOMPARE(j.value().errorSummary->size(), 2);
        QCOMPARE(j.value().errorSummary->at(0).error, QStringLiteral("token_limit_exceeded"));
        QCOMPARE(j.value().errorSummary->at(0).percentage, 20.0);
        QCOMPARE(j.value().errorSummary->at(1).percentage, 5.0);
        QCOMPARE(j.value().timeline->size(), 1);
        QCOMPARE(j.value().timeline->first().note, std::optional<QString>(QStringLiteral("created by test")));
        const auto missing = engine.job(QStringLiteral("batch-job-404"));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, StoreError::Kind::NotFound);
    }
};

QTEST_GUILESS_MAIN(TestMonitoringEngine)
#include "tst_monitoringengine.moc"
