// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Snapshot.h"
#include "util/Result.h"

#include <QDateTime>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <memory>
#include <optional>

namespace batchmon {

/// How much local history to keep: rows older than `retentionDays` go, and the oldest rows go while
/// the file is larger than `maxBytes`.
struct HistoryLimits
{
    int retentionDays = 30;
    qint64 maxBytes = 50LL * 1024 * 1024;
};

/// One recorded `historical.buckets[]` entry, with what the merge needs to know about it.
struct RecordedBucket
{
    HistoricalBucket bucket;
    qint64 bucketSeconds = 0;
    bool closed = false; ///< the bucket had ended when it was recorded (its job count is final)
};

/// One recorded snapshot's figures, or the mean of several (HistoryStore::samples).
struct RecordedSample
{
    QDateTime start; ///< the slot the sample stands for: [start, end)
    QDateTime end;
    double pending = 0; ///< queues, mean over the slot
    double processing = 0;
    std::optional<double> successRate; ///< of the snapshots of the range asked for, mean over the slot
    int snapshots = 0;
};

/**
 * What the app saw of one server: a time series of the snapshots' summary, queues and performance
 * (one row per snapshot, at most one a minute per time range), and every `historical` bucket, upserted
 * by (bucketSeconds, start). One SQLite file (WAL, versioned schema, incremental vacuum) per server
 * profile; used from the thread that opened it (a Qt SQL rule).
 *
 * A recorded bucket is replaced by a later answer while it was still open when recorded, or when the
 * later answer counts at least as many jobs: a closed bucket's job count only falls when the server
 * purges jobs (retention) or starts over on a new database, and then the recorded one knows more.
 */
class HistoryStore
{
public:
    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    /// Opens (creating the folder and the file) and migrates. A file that is not a history database, or
    /// one that cannot be written, is an error that names the file and the cause.
    static Result<std::unique_ptr<HistoryStore>, QString> open(const QString &path);
    /// `AppDataLocation/history/<file>`: a readable part of the profile's name and a hash of all of it,
    /// so any name (slashes, dots, non-Latin letters) makes a safe file name of its own.
    static QString pathForProfile(const QString &profileName);
    static QString fileNameForProfile(const QString &profileName);
    /// The schema version this program writes.
    static int latestSchemaVersion();

    QString path() const { return m_path; }
    int schemaVersion() const { return m_schemaVersion; }

    /// Snapshot rows closer together than this (per time range) are not written; buckets still are.
    void setMinimumInterval(qint64 seconds) { m_minimumIntervalMs = seconds * 1000; }

    /**
     * Records one snapshot of `range` received at `receivedAt` (its generatedAt when it has one) in one
     * transaction: the summary, queues and performance row (unless one of the same range is less than the
     * minimum interval older) and its historical buckets. Returns whether a snapshot row was written.
     */
    Result<bool, QString> record(const MonitoringSnapshot &snapshot, TimeRange range,
                                 const QDateTime &receivedAt);

    /// Recorded buckets at most `maxBucketSeconds` wide that start in [from, to), by width then start.
    Result<QList<RecordedBucket>, QString> buckets(qint64 maxBucketSeconds, const QDateTime &from,
                                                   const QDateTime &to) const;
    /// Recorded snapshots in [from, to), averaged into `slotCount` equal slots; slots with no snapshot are
    /// left out. Queues come from snapshots of every range (they do not depend on it), the success rate
    /// from those of `range` only (each range's rate covers a different window).
    Result<QList<RecordedSample>, QString> samples(TimeRange range, const QDateTime &from,
                                                   const QDateTime &to, int slotCount) const;
    /// Recorded snapshot rows, all ranges.
    qint64 snapshotCount() const;

    /**
     * Deletes snapshot rows and buckets older than `limits.retentionDays` before `now` (a row exactly at
     * the limit stays), then, while the file is larger than `limits.maxBytes`, the oldest tenth of what is
     * left, and gives the freed pages back to the file system. Returns the rows deleted.
     */
    Result<qint64, QString> prune(const HistoryLimits &limits, const QDateTime &now);
    /// Deletes everything recorded and shrinks the file.
    Result<qint64, QString> clear();

    /// The file's size on disk, its write-ahead log included.
    qint64 fileSize() const;
    /// The oldest recorded time (a snapshot or a bucket's start), if anything is recorded.
    std::optional<QDateTime> oldest() const;

private:
    HistoryStore() = default;
    Result<int, QString> migrate();
    Result<qint64, QString> deleteBefore(qint64 cutoffMs);
    Result<bool, QString> shrink();
    qint64 usedBytes() const;
    qint64 freePages() const;

    QSqlDatabase m_db;
    QString m_connectionName;
    QSqlQuery m_insertSnapshot; ///< prepared once: a refresh writes one row and up to 30 buckets
    QSqlQuery m_upsertBucket;
    QString m_path;
    int m_schemaVersion = 0;
    qint64 m_minimumIntervalMs = 60000;
    QHash<int, qint64> m_lastSnapshotMs; ///< per TimeRange: the last snapshot row written
};

} // namespace batchmon
