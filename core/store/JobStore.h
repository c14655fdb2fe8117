// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Database.h"
#include "StoredJob.h"
#include "Totals.h"

#include <QHash>
#include <QList>
#include <QMap>

#include <tuple>

namespace batchmon {

/**
 * Jobs, their error counts and state timelines in the store. Every write keeps the hourly `rollups`,
 * `error_rollups` and the `status_counts` current in the same transaction, by adding the difference
 * between the job's old and new contribution (Totals::of, its error counts), so the monitoring reads
 * never count jobs one by one.
 */
class JobStore
{
public:
    explicit JobStore(Database &db) : m_db(db) {}

    Database &database() { return m_db; }

    /// A new id, "batch-job-N", unique across every process sharing the database.
    StoreResult<QString> nextJobId();
    /// The id of the job that retries `id`, if there is one.
    StoreResult<std::optional<QString>> retriedBy(const QString &id);

    /// Adds a new job; its timeline starts with its status at createdAt.
    StoreResult<Done> insert(const StoredJob &job, const QString &actor,
                             const std::optional<QString> &note = {});
    /// Writes `after` over the stored job of the same id (whatever its revision); a status change adds
    /// a timeline entry at `at`. `after.revision` becomes the stored one's.
    StoreResult<Done> update(StoredJob &after, const QDateTime &at, const QString &actor,
                             const std::optional<QString> &note = {});
    /// The same from a job read earlier with its error counts (find, withStatus): Conflict, and nothing
    /// written, when the job has changed since (another process wrote it). The rollups move by the
    /// difference from `before`. `after.revision` becomes the new revision.
    StoreResult<Done> update(const StoredJob &before, StoredJob &after, const QDateTime &at,
                             const QString &actor, const std::optional<QString> &note = {});

    StoreResult<std::optional<StoredJob>> find(const QString &id);
    /// Jobs in any of `statuses`, oldest first (for the pipeline).
    StoreResult<QList<StoredJob>> withStatus(const QList<JobStatus> &statuses);
    StoreResult<QList<TimelineEntry>> timeline(const QString &id);
    /// Fills the error counts of `jobs` and returns their timelines, in two queries for the lot
    /// (a page of 100 jobs read one by one took 300 queries, 20 ms).
    StoreResult<QHash<QString, QList<TimelineEntry>>> loadDetails(QList<StoredJob> &jobs);
    /// Error counts as `errorSummary[]`: most frequent first, percentage of requestCount.
    static QList<ErrorSummaryEntry> errorSummary(const StoredJob &job);

    /// Deletes jobs created before `cutoff` (rounded down to the hour) that are finished, with their
    /// rollups and error rollups; returns how many jobs went.
    StoreResult<qint64> purgeCreatedBefore(const QDateTime &cutoff);

    /// Rebuilds `rollups`, `error_rollups` and `status_counts` from the jobs (after a restore, or to
    /// check them).
    StoreResult<Done> rebuildAggregates();
    /// Whether `rollups`, `error_rollups` and `status_counts` equal a recomputation from the jobs.
    StoreResult<bool> aggregatesConsistent();

    /// The SELECT list that readJob() expects, for the engine's own queries.
    static QString columns();
    static StoredJob readJob(const QSqlQuery &q);

    static constexpr qint64 kHourMs = 3600 * 1000;

private:
    /// What `rollups`, `error_rollups` and `status_counts` should hold, recomputed from the jobs.
    struct Aggregates
    {
        QMap<QPair<qint64, QString>, Totals> rollups;                  ///< (hour, job type)
        QMap<std::tuple<qint64, QString, QString>, qint64> errors;     ///< (hour, job type, code) → failed
        QMap<QPair<QString, QString>, QPair<qint64, qint64>> statuses; ///< (job type, status) → jobs, tokens
    };
    StoreResult<Aggregates> recompute();
    StoreResult<Done> applyDelta(const QString &jobType, qint64 bucketStart, const Totals &delta);
    /// Adds `delta` (error code → failed requests, either sign) to the hour's `error_rollups`.
    StoreResult<Done> applyErrorDelta(const QString &jobType, qint64 bucketStart,
                                      const QMap<QString, qint64> &delta);
    StoreResult<Done> applyStatusDelta(const QString &jobType, JobStatus status, qint64 jobs, qint64 tokens);
    /// Replaces the job's `job_errors` rows with its error counts, and adds the difference from
    /// `before` (the counts it had) to `error_rollups`.
    StoreResult<Done> writeErrors(const StoredJob &job, const QMap<QString, qint64> &before);
    StoreResult<Done> addTimeline(const QString &id, JobStatus status, const QDateTime &at,
                                  const QString &actor, const std::optional<QString> &note);
    StoreResult<QMap<QString, qint64>> loadErrors(const QString &id);

    Database &m_db;
};

} // namespace batchmon
