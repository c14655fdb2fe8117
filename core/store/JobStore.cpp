// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobStore.h"

#include "SqlValues.h"

#include <QSqlQuery>

#include <algorithm>

namespace batchmon {

namespace {

constexpr auto kRateLimited = "rate_limit_exceeded";

qint64 hourOf(const QDateTime &t)
{
    const qint64 m = t.toMSecsSinceEpoch();
    return m - ((m % JobStore::kHourMs) + JobStore::kHourMs) % JobStore::kHourMs;
}

const char *kRollupColumns[] = {"jobs",
                                "requests",
                                "completed_requests",
                                "failed_requests",
                                "completed_jobs",
                                "failed_jobs",
                                "pending_jobs",
                                "batch_cost_micros",
                                "individual_cost_micros",
                                "processing_sum_ms",
                                "processing_count",
                                "lifetime_sum_ms",
                                "input_tokens",
                                "output_tokens",
                                "rate_limited_requests"};

QVariantList rollupValues(const Totals &t)
{
    return {t.jobs,
            t.requests,
            t.completedRequests,
            t.failedRequests,
            t.completedJobs,
            t.failedJobs,
            t.pendingJobs,
            t.batchCostMicros,
            t.individualCostMicros,
            t.processingSumMs,
            t.processingCount,
            t.lifetimeSumMs,
            t.inputTokens,
            t.outputTokens,
            t.rateLimitedRequests};
}

/// The columns a job's writes set, in the order of mutableValues(): everything but the id, the job
/// type and the creation time (which never change) and the revision (which the store keeps).
const QStringList kMutableColumns{QStringLiteral("batch_id"),
                                  QStringLiteral("status"),
                                  QStringLiteral("model"),
                                  QStringLiteral("priority"),
                                  QStringLiteral("request_count"),
                                  QStringLiteral("completed_count"),
                                  QStringLiteral("failed_count"),
                                  QStringLiteral("started_at"),
                                  QStringLiteral("completed_at"),
                                  QStringLiteral("processing_time_ms"),
                                  QStringLiteral("cost_micros"),
                                  QStringLiteral("individual_cost_micros"),
                                  QStringLiteral("retry_of"),
                                  QStringLiteral("attempt"),
                                  QStringLiteral("input_tokens"),
                                  QStringLiteral("output_tokens"),
                                  QStringLiteral("estimated_input_tokens"),
                                  QStringLiteral("submitted_at"),
                                  QStringLiteral("cancel_requested_at")};

QVariantList mutableValues(const StoredJob &s)
{
    const Job &j = s.job;
    return {sql::fromText(j.batchId),
            toWireString(j.status),
            sql::fromText(j.model),
            int(j.priority),
            j.requestCount,
            j.completedCount,
            j.failedCount,
            sql::fromTime(j.startedAt),
            sql::fromTime(j.completedAt),
            sql::fromCount(j.processingTimeMs),
            j.costEstimate.micros(),
            s.individualCost.micros(),
            sql::fromText(j.retryOf),
            j.attempt,
            j.inputTokens,
            j.outputTokens,
            s.estimatedInputTokens,
            sql::fromTime(s.submittedAt),
            sql::fromTime(s.cancelRequestedAt)};
}

} // namespace

QString JobStore::columns()
{
    return QStringLiteral(
        "id, batch_id, status, job_type, model, priority, request_count, completed_count, failed_count,"
        " created_at, started_at, completed_at, processing_time_ms, cost_micros, individual_cost_micros,"
        " retry_of, attempt, input_tokens, output_tokens, estimated_input_tokens, submitted_at,"
        " cancel_requested_at, revision,"
        " (SELECT e.count FROM job_errors e WHERE e.job_id = jobs.id AND e.code = 'rate_limit_exceeded')");
}

StoredJob JobStore::readJob(const QSqlQuery &q)
{
    StoredJob s;
    Job &j = s.job;
    j.id = q.value(0).toString();
    j.batchId = sql::optionalText(q.value(1));
    j.status = jobStatusFromWire(q.value(2).toString()).value_or(JobStatus::Pending);
    j.jobType = q.value(3).toString();
    j.model = sql::optionalText(q.value(4));
    j.priority = JobPriority(qBound(0, q.value(5).toInt(), int(JobPriority::Urgent)));
    j.requestCount = q.value(6).toLongLong();
    j.completedCount = q.value(7).toLongLong();
    j.failedCount = q.value(8).toLongLong();
    j.createdAt = QDateTime::fromMSecsSinceEpoch(q.value(9).toLongLong(), Qt::UTC);
    j.startedAt = sql::optionalTime(q.value(10));
    j.completedAt = sql::optionalTime(q.value(11));
    j.processingTimeMs =
        q.value(12).isNull() ? std::nullopt : std::optional<qint64>(q.value(12).toLongLong());
    j.costEstimate = Money::fromMicros(q.value(13).toLongLong());
    s.individualCost = Money::fromMicros(q.value(14).toLongLong());
    j.retryOf = sql::optionalText(q.value(15));
    j.attempt = q.value(16).toLongLong();
    j.inputTokens = q.value(17).toLongLong();
    j.outputTokens = q.value(18).toLongLong();
    s.estimatedInputTokens = q.value(19).toLongLong();
    s.submittedAt = sql::optionalTime(q.value(20));
    s.cancelRequestedAt = sql::optionalTime(q.value(21));
    s.revision = q.value(22).toLongLong();
    if (!q.value(23).isNull())
        s.errorCounts.insert(QString::fromLatin1(kRateLimited), q.value(23).toLongLong());
    return s;
}

StoreResult<QString> JobStore::nextJobId()
{
    // One statement, so two processes sharing a PostgreSQL database never draw the same number.
    auto q =
        m_db.exec(QStringLiteral("UPDATE counters SET value = value + 1 WHERE name = 'job' RETURNING value"));
    if (!q)
        return q.error();
    if (!q.value().next())
        return StoreError{StoreError::Kind::Query, QStringLiteral("the job counter is missing")};
    return QStringLiteral("batch-job-%1").arg(q.value().value(0).toLongLong());
}

StoreResult<std::optional<QString>> JobStore::retriedBy(const QString &id)
{
    auto q = m_db.exec(
        QStringLiteral("SELECT id FROM jobs WHERE retry_of = ? ORDER BY created_at DESC, id DESC"), {id});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<QString>();
    return std::optional<QString>(q.value().value(0).toString());
}

StoreResult<Done> JobStore::applyDelta(const QString &jobType, qint64 bucketStart, const Totals &delta)
{
    if (delta.isZero())
        return Done{};
    static const QString sql = []() -> QString { // not auto: a QStringBuilder of temporaries
        QStringList names;
        QStringList placeholders;
        QStringList updates;
        for (const char *c : kRollupColumns) {
            const QString name = QString::fromLatin1(c);
            names << name;
            placeholders << QStringLiteral("?");
            updates << name + QStringLiteral(" = rollups.") + name + QStringLiteral(" + excluded.") + name;
        }
        return QStringLiteral("INSERT INTO rollups (bucket_start, job_type, ") +
               names.join(QStringLiteral(", ")) + QStringLiteral(") VALUES (?, ?, ") +
               placeholders.join(QStringLiteral(", ")) +
               QStringLiteral(") ON CONFLICT (bucket_start, job_type) DO UPDATE SET ") +
               updates.join(QStringLiteral(", "));
    }();
    QVariantList values{bucketStart, jobType};
    values += rollupValues(delta);
    auto r = m_db.exec(sql, values);
    if (!r)
        return r.error();
    return Done{};
}

StoreResult<Done> JobStore::applyStatusDelta(const QString &jobType, JobStatus status, qint64 jobs,
                                             qint64 tokens)
{
    auto r =
        m_db.exec(QStringLiteral("INSERT INTO status_counts (job_type, status, jobs, estimated_input_tokens)"
                                 " VALUES (?, ?, ?, ?) ON CONFLICT (job_type, status) DO UPDATE SET"
                                 " jobs = status_counts.jobs + excluded.jobs,"
                                 " estimated_input_tokens = status_counts.estimated_input_tokens"
                                 " + excluded.estimated_input_tokens"),
                  {jobType, toWireString(status), jobs, tokens});
    if (!r)
        return r.error();
    return Done{};
}

StoreResult<Done> JobStore::applyErrorDelta(const QString &jobType, qint64 bucketStart,
                                            const QMap<QString, qint64> &delta)
{
    for (auto it = delta.cbegin(); it != delta.cend(); ++it) {
        if (it.value() == 0)
            continue;
        auto r = m_db.exec(QStringLiteral("INSERT INTO error_rollups (bucket_start, job_type, code, count)"
                                          " VALUES (?, ?, ?, ?) ON CONFLICT (code, bucket_start, job_type)"
                                          " DO UPDATE SET count = error_rollups.count + excluded.count"),
                           {bucketStart, jobType, it.key(), it.value()});
        if (!r)
            return r.error();
    }
    return Done{};
}

StoreResult<Done> JobStore::writeErrors(const StoredJob &job, const QMap<QString, qint64> &before)
{
    if (auto r = m_db.exec(QStringLiteral("DELETE FROM job_errors WHERE job_id = ?"), {job.job.id}); !r)
        return r.error();
    QMap<QString, qint64> delta;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (it.value() > 0)
            delta[it.key()] -= it.value();
    }
    for (auto it = job.errorCounts.cbegin(); it != job.errorCounts.cend(); ++it) {
        if (it.value() <= 0)
            continue;
        if (auto r =
                m_db.exec(QStringLiteral("INSERT INTO job_errors (job_id, code, count) VALUES (?, ?, ?)"),
                          {job.job.id, it.key(), it.value()});
            !r)
            return r.error();
        delta[it.key()] += it.value();
    }
    return applyErrorDelta(job.job.jobType, hourOf(job.job.createdAt), delta);
}

StoreResult<Done> JobStore::addTimeline(const QString &id, JobStatus status, const QDateTime &at,
                                        const QString &actor, const std::optional<QString> &note)
{
    auto r = m_db.exec(
        QStringLiteral("INSERT INTO job_timeline (job_id, status, at, actor, note) VALUES (?, ?, ?, ?, ?)"),
        {id, toWireString(status), at.toMSecsSinceEpoch(), actor, sql::fromText(note)});
    if (!r)
        return r.error();
    return Done{};
}

StoreResult<Done> JobStore::insert(const StoredJob &s, const QString &actor,
                                   const std::optional<QString> &note)
{
    return inTransaction(m_db, [&]() -> StoreResult<Done> {
        const Job &j = s.job;
        static const QString sql = []() -> QString { // not auto: a QStringBuilder of temporaries
            QStringList marks;
            for (int n = 0; n < 4 + kMutableColumns.size(); ++n)
                marks << QStringLiteral("?");
            return QStringLiteral("INSERT INTO jobs (id, job_type, created_at, revision, ") +
                   kMutableColumns.join(QStringLiteral(", ")) + QStringLiteral(") VALUES (") +
                   marks.join(QStringLiteral(", ")) + QLatin1Char(')');
        }();
        auto r = m_db.exec(sql, QVariantList{j.id, j.jobType, j.createdAt.toMSecsSinceEpoch(), s.revision} +
                                    mutableValues(s));
        if (!r)
            return r.error();
        if (auto w = writeErrors(s, {}); !w)
            return w;
        if (auto d = applyDelta(j.jobType, hourOf(j.createdAt), Totals::of(s)); !d)
            return d;
        if (auto c = applyStatusDelta(j.jobType, j.status, 1, s.estimatedInputTokens); !c)
            return c;
        return addTimeline(j.id, j.status, j.createdAt, actor, note);
    });
}

StoreResult<Done> JobStore::update(StoredJob &s, const QDateTime &at, const QString &actor,
                                   const std::optional<QString> &note)
{
    auto found = find(s.job.id);
    if (!found)
        return found.error();
    if (!found.value())
        return StoreError{StoreError::Kind::NotFound, QStringLiteral("no job with id \"%1\"").arg(s.job.id)};
    s.revision = found.value()->revision;
    return update(*found.value(), s, at, actor, note);
}

StoreResult<Done> JobStore::update(const StoredJob &before, StoredJob &s, const QDateTime &at,
                                   const QString &actor, const std::optional<QString> &note)
{
    const Job &j = s.job;
    if (j.jobType != before.job.jobType || j.createdAt != before.job.createdAt)
        return StoreError{StoreError::Kind::Conflict,
                          QStringLiteral("a job's type and creation time never change (%1)").arg(j.id)};
    if (auto began = m_db.begin(); !began)
        return began.error();
    // The write happens only if the job is still at the revision the change was computed from: with
    // several processes on one database, the loser of a race is told, not allowed to apply a stale
    // difference to the rollups.
    static const QString sql = []() -> QString { // not auto: a QStringBuilder of temporaries
        QStringList sets;
        for (const QString &column : kMutableColumns)
            sets << column + QStringLiteral(" = ?");
        return QStringLiteral("UPDATE jobs SET ") + sets.join(QStringLiteral(", ")) +
               QStringLiteral(", revision = revision + 1 WHERE id = ? AND revision = ?");
    }();
    auto r = m_db.exec(sql, mutableValues(s) + QVariantList{j.id, before.revision});
    if (!r) {
        m_db.rollback();
        return r.error();
    }
    if (r.value().numRowsAffected() == 0) {
        // Nothing was written, so the caller's transaction stays good.
        if (auto c = m_db.commit(); !c)
            return c.error();
        return StoreError{StoreError::Kind::Conflict,
                          QStringLiteral("job %1 changed meanwhile; read it again and retry").arg(j.id)};
    }
    auto rest = [&]() -> StoreResult<Done> {
        if (s.errorCounts != before.errorCounts) {
            if (auto w = writeErrors(s, before.errorCounts); !w)
                return w;
        }
        if (auto d = applyDelta(j.jobType, hourOf(j.createdAt), Totals::of(s) - Totals::of(before)); !d)
            return d;
        if (j.status != before.job.status || s.estimatedInputTokens != before.estimatedInputTokens) {
            if (auto c = applyStatusDelta(j.jobType, before.job.status, -1, -before.estimatedInputTokens); !c)
                return c;
            if (auto c = applyStatusDelta(j.jobType, j.status, 1, s.estimatedInputTokens); !c)
                return c;
        }
        if (j.status != before.job.status)
            return addTimeline(j.id, j.status, at, actor, note);
        return Done{};
    }();
    if (!rest) {
        m_db.rollback();
        return rest;
    }
    if (auto c = m_db.commit(); !c)
        return c.error();
    s.revision = before.revision + 1;
    return Done{};
}

StoreResult<QMap<QString, qint64>> JobStore::loadErrors(const QString &id)
{
    auto q = m_db.exec(QStringLiteral("SELECT code, count FROM job_errors WHERE job_id = ?"), {id});
    if (!q)
        return q.error();
    QMap<QString, qint64> errors;
    while (q.value().next())
        errors.insert(q.value().value(0).toString(), q.value().value(1).toLongLong());
    return errors;
}

StoreResult<std::optional<StoredJob>> JobStore::find(const QString &id)
{
    auto q =
        m_db.exec(QStringLiteral("SELECT ") + columns() + QStringLiteral(" FROM jobs WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<StoredJob>();
    StoredJob s = readJob(q.value());
    auto errors = loadErrors(id);
    if (!errors)
        return errors.error();
    s.errorCounts = errors.value();
    return std::optional<StoredJob>(s);
}

StoreResult<QList<StoredJob>> JobStore::withStatus(const QList<JobStatus> &statuses)
{
    QStringList marks;
    QVariantList values;
    for (JobStatus s : statuses) {
        marks << QStringLiteral("?");
        values << toWireString(s);
    }
    if (marks.isEmpty())
        return QList<StoredJob>();
    auto q =
        m_db.exec(QStringLiteral("SELECT ") + columns() + QStringLiteral(" FROM jobs WHERE status IN (") +
                      marks.join(QStringLiteral(", ")) + QStringLiteral(") ORDER BY created_at, id"),
                  values);
    if (!q)
        return q.error();
    QList<StoredJob> jobs;
    while (q.value().next())
        jobs.append(readJob(q.value()));
    for (StoredJob &s : jobs) {
        auto errors = loadErrors(s.job.id);
        if (!errors)
            return errors.error();
        s.errorCounts = errors.value();
    }
    return jobs;
}

StoreResult<QList<TimelineEntry>> JobStore::timeline(const QString &id)
{
    auto q = m_db.exec(
        QStringLiteral("SELECT status, at, actor, note FROM job_timeline WHERE job_id = ? ORDER BY id"),
        {id});
    if (!q)
        return q.error();
    QList<TimelineEntry> entries;
    while (q.value().next()) {
        entries.append({jobStatusFromWire(q.value().value(0).toString()).value_or(JobStatus::Pending),
                        QDateTime::fromMSecsSinceEpoch(q.value().value(1).toLongLong(), Qt::UTC),
                        q.value().value(2).toString(), sql::optionalText(q.value().value(3))});
    }
    return entries;
}

StoreResult<QHash<QString, QList<TimelineEntry>>> JobStore::loadDetails(QList<StoredJob> &jobs)
{
    QHash<QString, QList<TimelineEntry>> timelines;
    if (jobs.isEmpty())
        return timelines;
    QStringList marks;
    QVariantList ids;
    QHash<QString, int> index;
    for (int i = 0; i < jobs.size(); ++i) {
        marks << QStringLiteral("?");
        ids << jobs.at(i).job.id;
        index.insert(jobs.at(i).job.id, i);
        jobs[i].errorCounts.clear();
    }
    const QString in = QStringLiteral(" IN (") + marks.join(QStringLiteral(", ")) + QLatin1Char(')');
    auto errors =
        m_db.exec(QStringLiteral("SELECT job_id, code, count FROM job_errors WHERE job_id") + in, ids);
    if (!errors)
        return errors.error();
    while (errors.value().next()) {
        const QSqlQuery &q = errors.value();
        jobs[index.value(q.value(0).toString())].errorCounts.insert(q.value(1).toString(),
                                                                    q.value(2).toLongLong());
    }
    auto rows =
        m_db.exec(QStringLiteral("SELECT job_id, status, at, actor, note FROM job_timeline WHERE job_id") +
                      in + QStringLiteral(" ORDER BY id"),
                  ids);
    if (!rows)
        return rows.error();
    while (rows.value().next()) {
        const QSqlQuery &q = rows.value();
        timelines[q.value(0).toString()].append(
            {jobStatusFromWire(q.value(1).toString()).value_or(JobStatus::Pending),
             QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong(), Qt::UTC), q.value(3).toString(),
             sql::optionalText(q.value(4))});
    }
    return timelines;
}

QList<ErrorSummaryEntry> JobStore::errorSummary(const StoredJob &s)
{
    QList<ErrorSummaryEntry> entries;
    for (auto it = s.errorCounts.cbegin(); it != s.errorCounts.cend(); ++it) {
        if (it.value() <= 0)
            continue;
        // One decimal, half up, from integers: count × 1000 ÷ requestCount tenths of a percent.
        const qint64 n = s.job.requestCount;
        const double percentage = n > 0 ? double((2 * it.value() * 1000 + n) / (2 * n)) / 10.0 : 0.0;
        entries.append({it.key(), it.value(), percentage});
    }
    std::sort(entries.begin(), entries.end(), [](const ErrorSummaryEntry &a, const ErrorSummaryEntry &b) {
        return a.count != b.count ? a.count > b.count : a.error < b.error;
    });
    return entries;
}

StoreResult<qint64> JobStore::purgeCreatedBefore(const QDateTime &cutoff)
{
    const qint64 hour = hourOf(cutoff);
    const QString finished = QStringLiteral("('completed', 'failed', 'expired', 'cancelled')");
    return inTransaction(m_db, [&]() -> StoreResult<qint64> {
        // A job not yet finished is kept however old it is. Its hour's rollup row is deleted with the
        // others, so its contribution is added back afterwards.
        auto keep =
            m_db.exec(QStringLiteral("SELECT ") + columns() +
                          QStringLiteral(" FROM jobs WHERE created_at < ? AND status NOT IN ") + finished,
                      {hour});
        if (!keep)
            return keep.error();
        QList<StoredJob> kept;
        while (keep.value().next())
            kept.append(readJob(keep.value()));

        auto gone = m_db.exec(
            QStringLiteral("SELECT job_type, status, COUNT(*), SUM(estimated_input_tokens) FROM jobs"
                           " WHERE created_at < ? AND status IN ") +
                finished + QStringLiteral(" GROUP BY job_type, status"),
            {hour});
        if (!gone)
            return gone.error();
        qint64 removed = 0;
        QList<std::tuple<QString, JobStatus, qint64, qint64>> deltas;
        while (gone.value().next()) {
            const qint64 n = gone.value().value(2).toLongLong();
            removed += n;
            deltas.append({gone.value().value(0).toString(),
                           jobStatusFromWire(gone.value().value(1).toString()).value_or(JobStatus::Completed),
                           -n, -gone.value().value(3).toLongLong()});
        }
        for (const auto &[type, status, n, tokens] : deltas) {
            if (auto c = applyStatusDelta(type, status, n, tokens); !c)
                return c.error();
        }
        const QString doomed =
            QStringLiteral("SELECT id FROM jobs WHERE created_at < ? AND status IN ") + finished;
        for (const char *table : {"job_errors", "job_timeline"}) {
            if (auto r =
                    m_db.exec(QStringLiteral("DELETE FROM %1 WHERE job_id IN (").arg(QLatin1String(table)) +
                                  doomed + QLatin1Char(')'),
                              {hour});
                !r)
                return r.error();
        }
        if (auto r = m_db.exec(
                QStringLiteral("DELETE FROM jobs WHERE created_at < ? AND status IN ") + finished, {hour});
            !r)
            return r.error();
        for (const char *table : {"rollups", "error_rollups"}) {
            if (auto r = m_db.exec(
                    QStringLiteral("DELETE FROM %1 WHERE bucket_start < ?").arg(QLatin1String(table)),
                    {hour});
                !r)
                return r.error();
        }
        for (const StoredJob &s : kept) {
            auto errors = loadErrors(s.job.id);
            if (!errors)
                return errors.error();
            StoredJob full = s;
            full.errorCounts = errors.value();
            if (auto d = applyDelta(s.job.jobType, hourOf(s.job.createdAt), Totals::of(full)); !d)
                return d.error();
            if (auto d = applyErrorDelta(s.job.jobType, hourOf(s.job.createdAt), full.errorCounts); !d)
                return d.error();
        }
        return removed;
    });
}

StoreResult<JobStore::Aggregates> JobStore::recompute()
{
    auto all = m_db.exec(QStringLiteral("SELECT ") + columns() + QStringLiteral(" FROM jobs"));
    if (!all)
        return all.error();
    Aggregates a;
    while (all.value().next()) {
        const StoredJob s = readJob(all.value());
        a.rollups[{hourOf(s.job.createdAt), s.job.jobType}] += Totals::of(s);
        auto &st = a.statuses[{s.job.jobType, toWireString(s.job.status)}];
        st.first += 1;
        st.second += s.estimatedInputTokens;
    }
    auto errors = m_db.exec(QStringLiteral("SELECT j.created_at, j.job_type, e.code, e.count"
                                           " FROM job_errors e JOIN jobs j ON j.id = e.job_id"));
    if (!errors)
        return errors.error();
    while (errors.value().next()) {
        const QSqlQuery &q = errors.value();
        if (q.value(3).toLongLong() <= 0)
            continue; // never written (writeErrors keeps counts above 0)
        const QDateTime created = QDateTime::fromMSecsSinceEpoch(q.value(0).toLongLong(), Qt::UTC);
        a.errors[{hourOf(created), q.value(1).toString(), q.value(2).toString()}] += q.value(3).toLongLong();
    }
    return a;
}

StoreResult<Done> JobStore::rebuildAggregates()
{
    return inTransaction(m_db, [&]() -> StoreResult<Done> {
        for (const char *table : {"rollups", "error_rollups", "status_counts"}) {
            if (auto r = m_db.exec(QStringLiteral("DELETE FROM ") + QLatin1String(table)); !r)
                return r.error();
        }
        auto expected = recompute();
        if (!expected)
            return expected.error();
        const Aggregates &a = expected.value();
        for (auto it = a.rollups.cbegin(); it != a.rollups.cend(); ++it) {
            if (auto d = applyDelta(it.key().second, it.key().first, it.value()); !d)
                return d;
        }
        for (auto it = a.errors.cbegin(); it != a.errors.cend(); ++it) {
            const auto &[hour, type, code] = it.key();
            if (auto d = applyErrorDelta(type, hour, {{code, it.value()}}); !d)
                return d;
        }
        for (auto it = a.statuses.cbegin(); it != a.statuses.cend(); ++it) {
            const JobStatus status = jobStatusFromWire(it.key().second).value_or(JobStatus::Pending);
            if (auto c = applyStatusDelta(it.key().first, status, it.value().first, it.value().second); !c)
                return c;
        }
        return Done{};
    });
}

StoreResult<bool> JobStore::aggregatesConsistent()
{
    auto expected = recompute();
    if (!expected)
        return expected.error();
    QStringList names;
    for (const char *c : kRollupColumns)
        names << QString::fromLatin1(c);
    auto rows = m_db.exec(QStringLiteral("SELECT bucket_start, job_type, ") +
                          names.join(QStringLiteral(", ")) + QStringLiteral(" FROM rollups"));
    if (!rows)
        return rows.error();
    QMap<QPair<qint64, QString>, Totals> actual;
    while (rows.value().next()) {
        const QSqlQuery &q = rows.value();
        const Totals t = Totals::fromColumns(q, 2);
        if (!t.isZero())
            actual[{q.value(0).toLongLong(), q.value(1).toString()}] = t;
    }
    auto statusRows =
        m_db.exec(QStringLiteral("SELECT job_type, status, jobs, estimated_input_tokens FROM status_counts"
                                 " WHERE jobs <> 0 OR estimated_input_tokens <> 0"));
    if (!statusRows)
        return statusRows.error();
    QMap<QPair<QString, QString>, QPair<qint64, qint64>> actualStatus;
    while (statusRows.value().next()) {
        const QSqlQuery &q = statusRows.value();
        actualStatus[{q.value(0).toString(), q.value(1).toString()}] = {q.value(2).toLongLong(),
                                                                        q.value(3).toLongLong()};
    }
    auto errorRows = m_db.exec(
        QStringLiteral("SELECT bucket_start, job_type, code, count FROM error_rollups WHERE count <> 0"));
    if (!errorRows)
        return errorRows.error();
    QMap<std::tuple<qint64, QString, QString>, qint64> actualErrors;
    while (errorRows.value().next()) {
        const QSqlQuery &q = errorRows.value();
        actualErrors[{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString()}] =
            q.value(3).toLongLong();
    }
    return expected.value().rollups == actual && expected.value().statuses == actualStatus &&
           expected.value().errors == actualErrors;
}

} // namespace batchmon
