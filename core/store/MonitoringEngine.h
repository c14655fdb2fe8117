// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "JobStore.h"
#include "domain/MonitoringQuery.h"
#include "domain/Snapshot.h"

namespace batchmon {

/// The time window a snapshot covers (docs/api.md §8.2): bucket-aligned, ending after `now`.
struct RangeWindow
{
    qint64 startMs = 0;
    qint64 endMs = 0;
    qint64 bucketMs = 0;

    static RangeWindow forRange(TimeRange range, const QDateTime &now);
    RangeWindow previous() const { return {2 * startMs - endMs, startMs, bucketMs}; }
};

/// Inputs of a snapshot that are not jobs: the provider's quota, the configuration, the scheduler.
struct SnapshotContext
{
    QDateTime now;
    qint64 enqueuedTokenLimit = 0;
    qint64 batchMaxRequests = 1000;
    SchedulerState scheduler;
};

/**
 * Answers GET /api/admin/batch-monitoring and GET /{id} from the store with docs/api.md's formulas.
 * Ranges of whole hours read the hourly rollups (30 days: 720 rows per job type) and error rollups;
 * the 1-hour range, bucketed by 5 minutes, reads its jobs and their error counts, which the
 * created_at index bounds to one hour's worth.
 */
class MonitoringEngine
{
public:
    MonitoringEngine(Database &db, JobStore &jobs) : m_db(db), m_jobs(jobs) {}

    StoreResult<MonitoringSnapshot> snapshot(const MonitoringQuery &query, const SnapshotContext &context);
    /// `performance` of GET /?timeRange=<range> at `now` (throughput, error rate), from the rollups
    /// alone: what the alert rules compare with their thresholds.
    StoreResult<Performance> performance(TimeRange range, const QDateTime &now,
                                         qint64 batchMaxRequests = 1000);
    /// One job with its error summary and timeline; NotFound for an unknown id.
    StoreResult<Job> job(const QString &id);

    /// The summary, performance and cost figures of a set of jobs' totals over `rangeSeconds`.
    static Summary summaryOf(const Totals &t, qint64 rangeSeconds);
    static Performance performanceOf(const Totals &t, qint64 rangeSeconds, qint64 batchMaxRequests);
    static HistoricalBucket bucketOf(const Totals &t, qint64 startMs, qint64 endMs);
    /// `errors`: failed requests by code, most first, each a percentage of `totalRequests`.
    static QList<ErrorSummaryEntry> errorsOf(const QMap<QString, qint64> &counts, qint64 totalRequests);

private:
    /// Totals per bucket start over [window.start, window.end), optionally of one job type.
    StoreResult<QMap<qint64, Totals>> bucketTotals(const RangeWindow &window,
                                                   const std::optional<QString> &jobType);
    /// Failed requests by error code of the jobs created in [window.start, window.end).
    StoreResult<QMap<QString, qint64>> errorTotals(const RangeWindow &window,
                                                   const std::optional<QString> &jobType);
    StoreResult<Done> fillJobsPage(const MonitoringQuery &query, const RangeWindow &window, qint64 rangeJobs,
                                   MonitoringSnapshot &out);
    StoreResult<Job> withDetails(const StoredJob &stored);

    Database &m_db;
    JobStore &m_jobs;
};

} // namespace batchmon
