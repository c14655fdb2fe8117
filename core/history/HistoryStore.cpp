// SPDX-License-Identifier: GPL-3.0-or-later
#include "HistoryStore.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QStandardPaths>
#include <QStringList>
#include <QVariant>

#include <algorithm>
#include <limits>

namespace batchmon {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("batchmon::HistoryStore", text);
}

/// The schema, one entry per version (kept in PRAGMA user_version). Never edit a released entry.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> all{
        // 1: one row per recorded snapshot (times in ms since the epoch, money in micro-dollars), and the
        // historical buckets keyed by width and start, stored in key order.
        {
            QStringLiteral(
                "CREATE TABLE snapshots (time_range TEXT NOT NULL, generated_at INTEGER NOT NULL,"
                " total_jobs INTEGER NOT NULL, completed_jobs INTEGER NOT NULL,"
                " failed_jobs INTEGER NOT NULL, pending_jobs INTEGER NOT NULL,"
                " total_requests INTEGER NOT NULL, processed_requests INTEGER NOT NULL,"
                " savings_micros INTEGER NOT NULL, projected_monthly_micros INTEGER NOT NULL,"
                " savings_percentage REAL, batch_cost_micros INTEGER, individual_cost_micros INTEGER,"
                " average_processing_ms INTEGER, success_rate REAL,"
                " queue_pending INTEGER NOT NULL, queue_processing INTEGER NOT NULL,"
                " queue_completed INTEGER NOT NULL, queue_failed INTEGER NOT NULL, queue_cancelled INTEGER,"
                " requests_per_hour REAL NOT NULL, jobs_per_hour REAL NOT NULL, average_batch_size REAL,"
                " batch_utilization REAL, processing_efficiency REAL, error_rate REAL,"
                " PRIMARY KEY (time_range, generated_at))"),
            QStringLiteral("CREATE INDEX snapshots_at ON snapshots (generated_at)"),
            QStringLiteral(
                "CREATE TABLE buckets (bucket_seconds INTEGER NOT NULL, start_ms INTEGER NOT NULL,"
                " end_ms INTEGER NOT NULL, jobs INTEGER NOT NULL, requests INTEGER NOT NULL,"
                " completed_requests INTEGER NOT NULL, failed_requests INTEGER NOT NULL,"
                " batch_cost_micros INTEGER NOT NULL, savings_micros INTEGER NOT NULL,"
                " average_processing_ms INTEGER, closed INTEGER NOT NULL, recorded_at INTEGER NOT NULL,"
                " PRIMARY KEY (bucket_seconds, start_ms)) WITHOUT ROWID"),
            QStringLiteral("CREATE INDEX buckets_start ON buckets (start_ms)"),
        },
    };
    return all;
}

QAtomicInt g_connectionCounter;

template<typename T> QVariant orNull(const std::optional<T> &v)
{
    return v ? QVariant::fromValue(*v) : QVariant();
}

QVariant moneyOrNull(const std::optional<Money> &m)
{
    return m ? QVariant::fromValue(m->micros()) : QVariant();
}

QString failed(const QString &what, const QSqlError &error)
{
    return what + QStringLiteral(": ") + error.text();
}

} // namespace

int HistoryStore::latestSchemaVersion()
{
    return int(migrations().size());
}

QString HistoryStore::fileNameForProfile(const QString &profileName)
{
    // "Prod EU/1" → "Prod-EU-1-3f2a…": readable in a file manager, and the hash keeps two names that
    // read alike ("a/b" and "a-b") apart.
    QString readable;
    for (const QChar c : profileName) {
        if (readable.size() >= 32)
            break;
        readable +=
            (c.isLetterOrNumber() && c.unicode() < 128) || c == QLatin1Char('_') ? c : QLatin1Char('-');
    }
    const QByteArray hash = QCryptographicHash::hash(profileName.toUtf8(), QCryptographicHash::Sha256);
    return readable + QLatin1Char('-') + QString::fromLatin1(hash.toHex().left(16)) +
           QStringLiteral(".sqlite");
}

QString HistoryStore::pathForProfile(const QString &profileName)
{
    const QDir folder(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    return folder.filePath(QStringLiteral("history/") + fileNameForProfile(profileName));
}

HistoryStore::~HistoryStore()
{
    if (m_db.isValid()) {
        m_insertSnapshot = QSqlQuery();
        m_upsertBucket = QSqlQuery();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

Result<std::unique_ptr<HistoryStore>, QString> HistoryStore::open(const QString &path)
{
    std::unique_ptr<HistoryStore> store(new HistoryStore);
    store->m_path = path;
    store->m_connectionName =
        QStringLiteral("batchmon-history-%1").arg(g_connectionCounter.fetchAndAddRelaxed(1));
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return tr("Cannot create the folder %1 for the local history").arg(info.absolutePath());
    store->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), store->m_connectionName);
    if (!store->m_db.isValid())
        return tr("The Qt SQLite driver is missing (install libqt6sql6-sqlite)");
    store->m_db.setDatabaseName(path);
    store->m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    if (!store->m_db.open())
        return failed(tr("Cannot open the local history %1").arg(path), store->m_db.lastError());

    // Incremental vacuum (set before the first table exists) lets prune() give pages back to the file
    // system a few at a time instead of rewriting the whole file with VACUUM. WAL: a crash never
    // corrupts the file; NORMAL may only lose the last snapshots on power loss, which is fine here.
    // The log is cut back to 1 MB after each checkpoint, so it does not grow past the size cap unseen.
    QSqlQuery q(store->m_db);
    for (const char *pragma : {"PRAGMA auto_vacuum=INCREMENTAL", "PRAGMA journal_mode=WAL",
                               "PRAGMA synchronous=NORMAL", "PRAGMA journal_size_limit=1048576"}) {
        if (!q.exec(QString::fromLatin1(pragma)))
            return failed(tr("The local history %1 cannot be used").arg(path), q.lastError());
    }
    q.finish();
    if (auto v = store->migrate(); !v)
        return tr("The local history %1 cannot be used: %2").arg(path, v.error());
    else
        store->m_schemaVersion = v.value();

    store->m_insertSnapshot = QSqlQuery(store->m_db);
    store->m_upsertBucket = QSqlQuery(store->m_db);
    const bool prepared =
        store->m_insertSnapshot.prepare(QStringLiteral(
            "INSERT OR REPLACE INTO snapshots (time_range, generated_at, total_jobs, completed_jobs, "
            "failed_jobs,"
            " pending_jobs, total_requests, processed_requests, savings_micros, projected_monthly_micros,"
            " savings_percentage, batch_cost_micros, individual_cost_micros, average_processing_ms, "
            "success_rate,"
            " queue_pending, queue_processing, queue_completed, queue_failed, queue_cancelled, "
            "requests_per_hour,"
            " jobs_per_hour, average_batch_size, batch_utilization, processing_efficiency, error_rate)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) &&
        store->m_upsertBucket.prepare(QStringLiteral(
            "INSERT INTO buckets (bucket_seconds, start_ms, end_ms, jobs, requests, completed_requests,"
            " failed_requests, batch_cost_micros, savings_micros, average_processing_ms, closed, recorded_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (bucket_seconds, start_ms) DO UPDATE SET end_ms = excluded.end_ms,"
            " jobs = excluded.jobs, requests = excluded.requests,"
            " completed_requests = excluded.completed_requests, failed_requests = excluded.failed_requests,"
            " batch_cost_micros = excluded.batch_cost_micros, savings_micros = excluded.savings_micros,"
            " average_processing_ms = excluded.average_processing_ms, closed = excluded.closed,"
            " recorded_at = excluded.recorded_at"
            " WHERE buckets.closed = 0 OR excluded.jobs >= buckets.jobs"));
    if (!prepared)
        return failed(tr("The local history %1 cannot be used").arg(path),
                      store->m_insertSnapshot.lastError().isValid() ? store->m_insertSnapshot.lastError()
                                                                    : store->m_upsertBucket.lastError());

    // Where each range's series left off, so a restart does not write a second row within the minute.
    if (!q.exec(QStringLiteral("SELECT time_range, MAX(generated_at) FROM snapshots GROUP BY time_range")))
        return failed(tr("The local history %1 cannot be read").arg(path), q.lastError());
    while (q.next()) {
        if (const auto range = timeRangeFromWire(q.value(0).toString()))
            store->m_lastSnapshotMs.insert(int(*range), q.value(1).toLongLong());
    }
    return store;
}

Result<int, QString> HistoryStore::migrate()
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
        return q.lastError().text();
    int version = q.value(0).toInt();
    q.finish();
    const int latest = latestSchemaVersion();
    if (version > latest)
        return tr("it is at schema version %1, newer than this program knows (%2)").arg(version).arg(latest);
    if (version == latest)
        return version;
    if (!m_db.transaction())
        return m_db.lastError().text();
    for (; version < latest; ++version) {
        for (const QString &sql : migrations().at(version)) {
            if (!q.exec(sql)) {
                const QString why = q.lastError().text();
                m_db.rollback();
                return tr("migration to version %1 failed: %2").arg(version + 1).arg(why);
            }
        }
    }
    if (!q.exec(QStringLiteral("PRAGMA user_version = %1").arg(latest)) || !m_db.commit()) {
        const QString why = q.lastError().isValid() ? q.lastError().text() : m_db.lastError().text();
        m_db.rollback();
        return why;
    }
    return latest;
}

Result<bool, QString> HistoryStore::record(const MonitoringSnapshot &s, TimeRange range,
                                           const QDateTime &receivedAt)
{
    const qint64 atMs = (s.generatedAt ? *s.generatedAt : receivedAt).toMSecsSinceEpoch();
    const auto last = m_lastSnapshotMs.constFind(int(range));
    // A clock that went back (a server moved to another machine) writes again rather than never.
    const bool writeRow =
        last == m_lastSnapshotMs.constEnd() || atMs - *last >= m_minimumIntervalMs || atMs < *last;
    if (!writeRow && !s.historical)
        return false;
    if (!m_db.transaction())
        return failed(tr("Cannot write the local history"), m_db.lastError());
    const auto fail = [this](const QSqlQuery &q) -> QString {
        const QString why = failed(tr("Cannot write the local history"), q.lastError());
        m_db.rollback();
        return why;
    };
    if (writeRow) {
        const Summary &sum = s.summary;
        const QVariantList values{toWireString(range),
                                  atMs,
                                  sum.totalJobs,
                                  sum.completedJobs,
                                  sum.failedJobs,
                                  sum.pendingJobs,
                                  sum.totalRequests,
                                  sum.processedRequests,
                                  sum.costSavings.currentPeriod.micros(),
                                  sum.costSavings.projectedMonthly.micros(),
                                  orNull(sum.costSavings.savingsPercentage),
                                  moneyOrNull(sum.costSavings.batchCost),
                                  moneyOrNull(sum.costSavings.individualCost),
                                  orNull(sum.averageProcessingTime),
                                  orNull(sum.successRate),
                                  s.queues.pending,
                                  s.queues.processing,
                                  s.queues.completed,
                                  s.queues.failed,
                                  orNull(s.queues.cancelled),
                                  s.performance.throughput.requestsPerHour,
                                  s.performance.throughput.jobsPerHour,
                                  orNull(s.performance.throughput.averageBatchSize),
                                  orNull(s.performance.efficiency.batchUtilization),
                                  orNull(s.performance.efficiency.processingEfficiency),
                                  orNull(s.performance.efficiency.errorRate)};
        for (int i = 0; i < values.size(); ++i)
            m_insertSnapshot.bindValue(i, values.at(i));
        if (!m_insertSnapshot.exec())
            return fail(m_insertSnapshot);
    }
    if (s.historical) {
        for (const HistoricalBucket &b : s.historical->buckets) {
            const qint64 endMs = b.end.toMSecsSinceEpoch();
            const QVariantList values{s.historical->bucketSeconds,
                                      b.start.toMSecsSinceEpoch(),
                                      endMs,
                                      b.jobs,
                                      b.requests,
                                      b.completedRequests,
                                      b.failedRequests,
                                      b.batchCost.micros(),
                                      b.savings.micros(),
                                      orNull(b.averageProcessingTime),
                                      endMs <= atMs ? 1 : 0,
                                      atMs};
            for (int i = 0; i < values.size(); ++i)
                m_upsertBucket.bindValue(i, values.at(i));
            if (!m_upsertBucket.exec())
                return fail(m_upsertBucket);
        }
    }
    if (!m_db.commit()) {
        const QString why = failed(tr("Cannot write the local history"), m_db.lastError());
        m_db.rollback();
        return why;
    }
    if (writeRow)
        m_lastSnapshotMs.insert(int(range), atMs);
    return writeRow;
}

Result<QList<RecordedBucket>, QString> HistoryStore::buckets(qint64 maxBucketSeconds, const QDateTime &from,
                                                             const QDateTime &to) const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT bucket_seconds, start_ms, end_ms, jobs, requests, completed_requests,"
                       " failed_requests, batch_cost_micros, savings_micros, average_processing_ms, closed"
                       " FROM buckets WHERE bucket_seconds <= ? AND start_ms >= ? AND start_ms < ?"
                       " ORDER BY bucket_seconds, start_ms"));
    q.addBindValue(maxBucketSeconds);
    q.addBindValue(from.toMSecsSinceEpoch());
    q.addBindValue(to.toMSecsSinceEpoch());
    if (!q.exec())
        return failed(tr("Cannot read the local history"), q.lastError());
    QList<RecordedBucket> out;
    while (q.next()) {
        RecordedBucket r;
        r.bucketSeconds = q.value(0).toLongLong();
        r.bucket.start = QDateTime::fromMSecsSinceEpoch(q.value(1).toLongLong(), Qt::UTC);
        r.bucket.end = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC);
        r.bucket.jobs = q.value(3).toLongLong();
        r.bucket.requests = q.value(4).toLongLong();
        r.bucket.completedRequests = q.value(5).toLongLong();
        r.bucket.failedRequests = q.value(6).toLongLong();
        r.bucket.batchCost = Money::fromMicros(q.value(7).toLongLong());
        r.bucket.savings = Money::fromMicros(q.value(8).toLongLong());
        if (!q.value(9).isNull())
            r.bucket.averageProcessingTime = q.value(9).toLongLong();
        r.closed = q.value(10).toInt() != 0;
        out << r;
    }
    return out;
}

Result<QList<RecordedSample>, QString> HistoryStore::samples(TimeRange range, const QDateTime &from,
                                                             const QDateTime &to, int slotCount) const
{
    const qint64 fromMs = from.toMSecsSinceEpoch();
    const qint64 slotMs = std::max<qint64>(1, (to.toMSecsSinceEpoch() - fromMs) / std::max(1, slotCount));
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare(
        QStringLiteral("SELECT (generated_at - ?) / ?, AVG(queue_pending), AVG(queue_processing),"
                       " AVG(CASE WHEN time_range = ? THEN success_rate END), COUNT(*)"
                       " FROM snapshots WHERE generated_at >= ? AND generated_at < ? GROUP BY 1 ORDER BY 1"));
    q.addBindValue(fromMs);
    q.addBindValue(slotMs);
    q.addBindValue(toWireString(range));
    q.addBindValue(fromMs);
    q.addBindValue(to.toMSecsSinceEpoch());
    if (!q.exec())
        return failed(tr("Cannot read the local history"), q.lastError());
    QList<RecordedSample> out;
    while (q.next()) {
        RecordedSample r;
        const qint64 start = fromMs + q.value(0).toLongLong() * slotMs;
        r.start = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
        r.end = QDateTime::fromMSecsSinceEpoch(start + slotMs, Qt::UTC);
        r.pending = q.value(1).toDouble();
        r.processing = q.value(2).toDouble();
        if (!q.value(3).isNull())
            r.successRate = q.value(3).toDouble();
        r.snapshots = q.value(4).toInt();
        out << r;
    }
    return out;
}

qint64 HistoryStore::snapshotCount() const
{
    QSqlQuery q(m_db);
    return q.exec(QStringLiteral("SELECT COUNT(*) FROM snapshots")) && q.next() ? q.value(0).toLongLong() : 0;
}

Result<qint64, QString> HistoryStore::deleteBefore(qint64 cutoffMs)
{
    QSqlQuery q(m_db);
    qint64 deleted = 0;
    for (const QString &sql : {QStringLiteral("DELETE FROM snapshots WHERE generated_at < ?"),
                               QStringLiteral("DELETE FROM buckets WHERE start_ms < ?")}) {
        q.prepare(sql);
        q.addBindValue(cutoffMs);
        if (!q.exec())
            return failed(tr("Cannot prune the local history"), q.lastError());
        deleted += std::max(0, q.numRowsAffected());
    }
    return deleted;
}

qint64 HistoryStore::usedBytes() const
{
    QSqlQuery q(m_db);
    qint64 pages = 0;
    qint64 free = 0;
    qint64 size = 0;
    if (q.exec(QStringLiteral("PRAGMA page_count")) && q.next())
        pages = q.value(0).toLongLong();
    if (q.exec(QStringLiteral("PRAGMA freelist_count")) && q.next())
        free = q.value(0).toLongLong();
    if (q.exec(QStringLiteral("PRAGMA page_size")) && q.next())
        size = q.value(0).toLongLong();
    return (pages - free) * size;
}

qint64 HistoryStore::freePages() const
{
    QSqlQuery q(m_db);
    return q.exec(QStringLiteral("PRAGMA freelist_count")) && q.next() ? q.value(0).toLongLong() : 0;
}

Result<bool, QString> HistoryStore::shrink()
{
    QSqlQuery q(m_db);
    const bool incremental =
        q.exec(QStringLiteral("PRAGMA auto_vacuum")) && q.next() && q.value(0).toInt() == 2;
    q.finish();
    if (incremental) {
        // Qt's driver steps the pragma once, and one step frees only part of the free list: run it again
        // until the list is empty (a bound, in case the list never empties).
        for (int round = 0; round < 1000 && freePages() > 0; ++round) {
            if (!q.exec(QStringLiteral("PRAGMA incremental_vacuum")))
                return failed(tr("Cannot shrink the local history"), q.lastError());
            q.finish();
        }
    } else if (!q.exec(QStringLiteral("VACUUM"))) { // a file made without incremental vacuum
        return failed(tr("Cannot shrink the local history"), q.lastError());
    }
    q.finish();
    // The freed pages leave the main file at the checkpoint; TRUNCATE empties the log too.
    if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")))
        return failed(tr("Cannot shrink the local history"), q.lastError());
    q.finish();
    return true;
}

Result<qint64, QString> HistoryStore::prune(const HistoryLimits &limits, const QDateTime &now)
{
    const qint64 cutoff = now.toMSecsSinceEpoch() - qint64(std::max(1, limits.retentionDays)) * 86400000;
    auto deleted = deleteBefore(cutoff);
    if (!deleted)
        return deleted.error();
    qint64 total = deleted.value();
    // Over the cap: the oldest tenth of the recorded span at a time (at least a minute), so the newest
    // history — what the charts show first — is what stays.
    for (int round = 0; round < 40 && usedBytes() > limits.maxBytes; ++round) {
        QSqlQuery q(m_db);
        if (!q.exec(QStringLiteral("SELECT MIN(t), MAX(t) FROM (SELECT MIN(generated_at) AS t FROM snapshots"
                                   " UNION ALL SELECT MAX(generated_at) FROM snapshots"
                                   " UNION ALL SELECT MIN(start_ms) FROM buckets"
                                   " UNION ALL SELECT MAX(start_ms) FROM buckets)")) ||
            !q.next())
            return failed(tr("Cannot prune the local history"), q.lastError());
        if (q.value(0).isNull())
            break;
        const qint64 oldest = q.value(0).toLongLong();
        const qint64 newest = q.value(1).toLongLong();
        q.finish();
        auto more = deleteBefore(oldest + std::max<qint64>(60000, (newest - oldest) / 10 + 1));
        if (!more)
            return more.error();
        total += more.value();
    }
    if (total > 0 || fileSize() > limits.maxBytes) {
        if (auto shrunk = shrink(); !shrunk)
            return shrunk.error();
    }
    return total;
}

Result<qint64, QString> HistoryStore::clear()
{
    auto deleted = deleteBefore(std::numeric_limits<qint64>::max());
    if (!deleted)
        return deleted.error();
    m_lastSnapshotMs.clear();
    if (auto shrunk = shrink(); !shrunk)
        return shrunk.error();
    return deleted.value();
}

qint64 HistoryStore::fileSize() const
{
    return QFileInfo(m_path).size() + QFileInfo(m_path + QStringLiteral("-wal")).size();
}

std::optional<QDateTime> HistoryStore::oldest() const
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT MIN(t) FROM (SELECT MIN(generated_at) AS t FROM snapshots"
                               " UNION ALL SELECT MIN(start_ms) FROM buckets)")) ||
        !q.next() || q.value(0).isNull())
        return std::nullopt;
    return QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC);
}

} // namespace batchmon
