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

double expectedTwo(long double a, long double b)
{
    return double(std::floor(a * 100.0L / b + 0.5L)) / 100.0;
}

struct Expected
{
    qint64 jobs = 0, requests = 0, completedReq = 0, failedReq = 0, completedJobs = 0, failedJobs = 0,
           pendingJobs = 0, batch = 0, individual = 0, procSum = 0, procCount = 0, lifeSum = 0, input = 0,
           output = 0, rateLimited = 0;

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

    void jobDetailsAndNotFound_data() { addBackendRows(); }
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
