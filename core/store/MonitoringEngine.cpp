// SPDX-License-Identifier: GPL-3.0-or-later
#include "MonitoringEngine.h"

#include <QSqlQuery>

#include <algorithm>

namespace batchmon {

namespace {

constexpr qint64 kMonthSeconds = 30 * 86400;

/// num ÷ den rounded half away from zero, den > 0. 128 bits: a month of micro-dollars × 2,592,000
/// overflows 64.
qint64 roundedDiv(__int128 num, __int128 den)
{
    const bool negative = num < 0;
    const __int128 magnitude = negative ? -num : num;
    const __int128 q = (2 * magnitude + den) / (2 * den);
    return qint64(negative ? -q : q);
}

/// a ÷ b × 100 with one decimal; nullopt when b is 0 (docs/api.md §1.7).
std::optional<double> percent(qint64 a, qint64 b)
{
    if (b == 0)
        return std::nullopt;
    return double(roundedDiv(__int128(a) * 1000, b)) / 10.0;
}

std::optional<double> capped(std::optional<double> v)
{
    return v ? std::optional<double>(std::min(*v, 100.0)) : std::nullopt;
}

/// a ÷ b with two decimals.
double twoDecimals(qint64 a, qint64 b)
{
    return double(roundedDiv(__int128(a) * 100, b)) / 100.0;
}

const QList<JobStatus> &unfinishedStatuses()
{
    static const QList<JobStatus> s{JobStatus::Pending,    JobStatus::Paused,     JobStatus::Validating,
                                    JobStatus::InProgress, JobStatus::Finalizing, JobStatus::Cancelling};
    return s;
}

QString inList(const QList<JobStatus> &statuses)
{
    QStringList names;
    for (JobStatus s : statuses)
        names << QLatin1Char('\'') + toWireString(s) + QLatin1Char('\'');
    return QLatin1Char('(') + names.join(QStringLiteral(", ")) + QLatin1Char(')');
}

} // namespace

RangeWindow RangeWindow::forRange(TimeRange range, const QDateTime &now)
{
    const qint64 bucket = bucketSeconds(range) * 1000;
    const qint64 t = now.toMSecsSinceEpoch();
    const qint64 end = (t - ((t % bucket) + bucket) % bucket) + bucket;
    return {end - durationSeconds(range) * 1000, end, bucket};
}

Summary MonitoringEngine::summaryOf(const Totals &t, qint64 rangeSeconds)
{
    Summary s;
    s.totalJobs = t.jobs;
    s.completedJobs = t.completedJobs;
    s.failedJobs = t.failedJobs;
    s.pendingJobs = t.pendingJobs;
    s.totalRequests = t.requests;
    s.processedRequests = t.completedRequests + t.failedRequests;
    s.successRate = percent(t.completedRequests, t.completedRequests + t.failedRequests);
    if (t.processingCount > 0)
        s.averageProcessingTime = roundedDiv(t.processingSumMs, t.processingCount);
    const qint64 savings = t.individualCostMicros - t.batchCostMicros;
    s.costSavings.currentPeriod = Money::fromMicros(savings);
    s.costSavings.projectedMonthly =
        Money::fromMicros(roundedDiv(__int128(savings) * kMonthSeconds, rangeSeconds));
    s.costSavings.savingsPercentage = percent(savings, t.individualCostMicros);
    s.costSavings.batchCost = Money::fromMicros(t.batchCostMicros);
    s.costSavings.individualCost = Money::fromMicros(t.individualCostMicros);
    return s;
}

Performance MonitoringEngine::performanceOf(const Totals &t, qint64 rangeSeconds, qint64 batchMaxRequests)
{
    Performance p;
    const qint64 hours = rangeSeconds / 3600;
    p.throughput.requestsPerHour = twoDecimals(t.requests, hours);
    p.throughput.jobsPerHour = twoDecimals(t.jobs, hours);
    if (t.jobs > 0)
        p.throughput.averageBatchSize = twoDecimals(t.requests, t.jobs);
    // averageBatchSize ÷ BATCH_MAX_REQUESTS × 100, from the integers; capped, since lowering the
    // maximum leaves older, larger batches behind.
    p.efficiency.batchUtilization = capped(percent(t.requests, t.jobs * batchMaxRequests));
    p.efficiency.processingEfficiency = capped(percent(t.processingSumMs, t.lifetimeSumMs));
    // From the rounded success rate, in tenths, so that the two add up to exactly 100.0.
    if (const auto success = percent(t.completedRequests, t.completedRequests + t.failedRequests))
        p.efficiency.errorRate = double(1000 - qint64(*success * 10 + 0.5)) / 10.0;
    return p;
}

HistoricalBucket MonitoringEngine::bucketOf(const Totals &t, qint64 startMs, qint64 endMs)
{
    HistoricalBucket b;
    b.start = QDateTime::fromMSecsSinceEpoch(startMs, Qt::UTC);
    b.end = QDateTime::fromMSecsSinceEpoch(endMs, Qt::UTC);
    b.jobs = t.jobs;
    b.requests = t.requests;
    b.completedRequests = t.completedRequests;
    b.failedRequests = t.failedRequests;
    b.batchCost = Money::fromMicros(t.batchCostMicros);
    b.savings = Money::fromMicros(t.individualCostMicros - t.batchCostMicros);
    if (t.processingCount > 0)
        b.averageProcessingTime = roundedDiv(t.processingSumMs, t.processingCount);
    return b;
}

StoreResult<QMap<qint64, Totals>> MonitoringEngine::bucketTotals(const RangeWindow &w,
                                                                 const std::optional<QString> &jobType)
{
    QMap<qint64, Totals> buckets;
    auto bucketOfMs = [&w](qint64 ms) {
        return w.startMs + ((ms - w.startMs) / w.bucketMs) * w.bucketMs;
    };
    QVariantList values{w.startMs, w.endMs};
    QString typeFilter;
    if (jobType) {
        typeFilter = QStringLiteral(" AND job_type = ?");
        values << *jobType;
    }
    if (w.bucketMs % JobStore::kHourMs == 0) {
        auto q = m_db.exec(
            QStringLiteral(
                "SELECT bucket_start, SUM(jobs), SUM(requests), SUM(completed_requests),"
                " SUM(failed_requests), SUM(completed_jobs), SUM(failed_jobs), SUM(pending_jobs),"
                " SUM(batch_cost_micros), SUM(individual_cost_micros), SUM(processing_sum_ms),"
                " SUM(processing_count), SUM(lifetime_sum_ms), SUM(input_tokens), SUM(output_tokens),"
                " SUM(rate_limited_requests) FROM rollups WHERE bucket_start >= ? AND bucket_start < ?") +
                typeFilter + QStringLiteral(" GROUP BY bucket_start"),
            values);
        if (!q)
            return q.error();
        while (q.value().next()) {
            const QSqlQuery &r = q.value();
            buckets[bucketOfMs(r.value(0).toLongLong())] += Totals::fromColumns(r, 1);
        }
        return buckets;
    }
    auto q = m_db.exec(QStringLiteral("SELECT ") + JobStore::columns() +
                           QStringLiteral(" FROM jobs WHERE created_at >= ? AND created_at < ?") + typeFilter,
                       values);
    if (!q)
        return q.error();
    while (q.value().next()) {
        const StoredJob s = JobStore::readJob(q.value());
        buckets[bucketOfMs(s.job.createdAt.toMSecsSinceEpoch())] += Totals::of(s);
    }
    return buckets;
}

QList<ErrorSummaryEntry> MonitoringEngine::errorsOf(const QMap<QString, qint64> &counts, qint64 totalRequests)
{
    QList<ErrorSummaryEntry> entries;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        if (it.value() > 0)
            entries.append({it.key(), it.value(), percent(it.value(), totalRequests).value_or(0)});
    }
    std::sort(entries.begin(), entries.end(), [](const ErrorSummaryEntry &a, const ErrorSummaryEntry &b) {
        return a.count != b.count ? a.count > b.count : a.error < b.error;
    });
    return entries;
}

StoreResult<QMap<QString, qint64>> MonitoringEngine::errorTotals(const RangeWindow &w,
                                                                 const std::optional<QString> &jobType)
{
    QVariantList values{w.startMs, w.endMs};
    QString sql;
    if (w.bucketMs % JobStore::kHourMs == 0) {
        // Each code's hours in the range, summed along the (code, bucket_start) key; the codes come
        // from a walk of the key, one seek per code. A GROUP BY code would sort every hour's row of
        // the range (30 days of four job types and five codes: 14,400 rows) instead.
        sql =
            QStringLiteral("WITH RECURSIVE codes (code) AS (SELECT MIN(code) FROM error_rollups UNION ALL"
                           " SELECT (SELECT MIN(e.code) FROM error_rollups e WHERE e.code > codes.code)"
                           " FROM codes WHERE codes.code IS NOT NULL)"
                           " SELECT code, (SELECT SUM(e.count) FROM error_rollups e WHERE e.code = codes.code"
                           " AND e.bucket_start >= ? AND e.bucket_start < ?");
        if (jobType)
            sql += QStringLiteral(" AND e.job_type = ?");
        sql += QStringLiteral(") FROM codes WHERE code IS NOT NULL");
    } else {
        sql = QStringLiteral("SELECT e.code, SUM(e.count) FROM jobs j JOIN job_errors e ON e.job_id = j.id"
                             " WHERE j.created_at >= ? AND j.created_at < ?");
        if (jobType)
            sql += QStringLiteral(" AND j.job_type = ?");
        sql += QStringLiteral(" GROUP BY e.code");
    }
    if (jobType)
        values << *jobType;
    auto q = m_db.exec(sql, values);
    if (!q)
        return q.error();
    QMap<QString, qint64> counts;
    while (q.value().next())
        counts.insert(q.value().value(0).toString(), q.value().value(1).toLongLong());
    return counts;
}

StoreResult<MonitoringSnapshot> MonitoringEngine::snapshot(const MonitoringQuery &query,
                                                           const SnapshotContext &ctx)
{
    const RangeWindow window = RangeWindow::forRange(query.timeRange, ctx.now);
    const qint64 rangeSeconds = durationSeconds(query.timeRange);
    MonitoringSnapshot out;
    out.timeRange = query.timeRange;
    out.generatedAt = ctx.now.toUTC();
    out.scheduler = ctx.scheduler;

    auto buckets = bucketTotals(window, query.jobType);
    if (!buckets)
        return buckets.error();
    Totals total;
    Historical historical;
    historical.bucketSeconds = window.bucketMs / 1000;
    for (qint64 start = window.startMs; start < window.endMs; start += window.bucketMs) {
        const Totals t = buckets.value().value(start);
        total += t;
        historical.buckets.append(bucketOf(t, start, start + window.bucketMs));
    }
    out.historical = historical;
    out.summary = summaryOf(total, rangeSeconds);
    out.performance = performanceOf(total, rangeSeconds, ctx.batchMaxRequests);
    auto errors = errorTotals(window, query.jobType);
    if (!errors)
        return errors.error();
    out.errors = errorsOf(errors.value(), total.requests);

    auto previous = bucketTotals(window.previous(), query.jobType);
    if (!previous)
        return previous.error();
    Totals before;
    for (const Totals &t : previous.value())
        before += t;
    const Summary prev = summaryOf(before, rangeSeconds);
    out.summary.previousPeriod = PeriodTotals{prev.totalJobs,
                                              prev.totalRequests,
                                              prev.processedRequests,
                                              prev.successRate,
                                              prev.costSavings.currentPeriod,
                                              prev.averageProcessingTime};

    // Queues and the quota: every job's current status, from the status counters.
    QVariantList values;
    QString typeFilter;
    if (query.jobType) {
        typeFilter = QStringLiteral(" WHERE job_type = ?");
        values << *query.jobType;
    }
    auto counts = m_db.exec(QStringLiteral("SELECT status, SUM(jobs) FROM status_counts") + typeFilter +
                                QStringLiteral(" GROUP BY status"),
                            values);
    if (!counts)
        return counts.error();
    Queues queues;
    queues.cancelled = 0;
    while (counts.value().next()) {
        const qint64 n = counts.value().value(1).toLongLong();
        switch (queueOf(jobStatusFromWire(counts.value().value(0).toString()).value_or(JobStatus::Pending))) {
        case Queue::Pending:
            queues.pending += n;
            break;
        case Queue::Processing:
            queues.processing += n;
            break;
        case Queue::Completed:
            queues.completed += n;
            break;
        case Queue::Failed:
            queues.failed += n;
            break;
        case Queue::Cancelled:
            *queues.cancelled += n;
            break;
        }
    }
    out.queues = queues;

    // The quota is the provider's, whatever job type is asked for.
    auto enqueued = m_db.exec(
        QStringLiteral("SELECT SUM(estimated_input_tokens) FROM status_counts WHERE status IN ") +
        inList({JobStatus::Validating, JobStatus::InProgress, JobStatus::Finalizing, JobStatus::Cancelling}));
    if (!enqueued)
        return enqueued.error();
    Resources resources;
    resources.enqueuedTokens = enqueued.value().next() ? enqueued.value().value(0).toLongLong() : 0;
    resources.enqueuedTokenLimit = ctx.enqueuedTokenLimit;
    resources.quotaUtilization = percent(resources.enqueuedTokens, resources.enqueuedTokenLimit);
    resources.rateLimitedRequests = total.rateLimitedRequests;
    resources.inputTokens = total.inputTokens;
    resources.outputTokens = total.outputTokens;
    out.resources = resources;

    if (auto page = fillJobsPage(query, window, total.jobs, out); !page)
        return page.error();
    return out;
}

StoreResult<Performance> MonitoringEngine::performance(TimeRange range, const QDateTime &now,
                                                       qint64 batchMaxRequests)
{
    auto buckets = bucketTotals(RangeWindow::forRange(range, now), std::nullopt);
    if (!buckets)
        return buckets.error();
    Totals total;
    for (const Totals &t : buckets.value())
        total += t;
    return performanceOf(total, durationSeconds(range), batchMaxRequests);
}

StoreResult<Done> MonitoringEngine::fillJobsPage(const MonitoringQuery &query, const RangeWindow &window,
                                                 qint64 rangeJobs, MonitoringSnapshot &out)
{
    // The page lists the jobs created in the range, newest first, then the older jobs that have not
    // finished (docs/api.md §8.2). The two parts are read separately so each uses its index: one
    // ORDER BY over their union would sort every job of a 30-day range.
    QString filter;
    QVariantList filterValues;
    if (query.status) {
        filter += QStringLiteral(" AND status = ?");
        filterValues << toWireString(*query.status);
    }
    if (query.jobType) {
        filter += QStringLiteral(" AND job_type = ?");
        filterValues << *query.jobType;
    }

    qint64 inRange = rangeJobs; // from the rollups, unless a status narrows it
    if (query.status) {
        auto c = m_db.exec(
            QStringLiteral("SELECT COUNT(*) FROM jobs WHERE created_at >= ? AND created_at < ?") + filter,
            QVariantList{window.startMs, window.endMs} + filterValues);
        if (!c)
            return c.error();
        inRange = c.value().next() ? c.value().value(0).toLongLong() : 0;
    }
    const QString olderUnfinished = QStringLiteral(" FROM jobs WHERE created_at < ? AND status IN ") +
                                    inList(unfinishedStatuses()) + filter;
    auto c = m_db.exec(QStringLiteral("SELECT COUNT(*)") + olderUnfinished,
                       QVariantList{window.startMs} + filterValues);
    if (!c)
        return c.error();
    const qint64 older = c.value().next() ? c.value().value(0).toLongLong() : 0;

    const qint64 offset = (query.page - 1) * query.limit;
    QList<StoredJob> page;
    if (offset < inRange) {
        auto q = m_db.exec(QStringLiteral("SELECT ") + JobStore::columns() +
                               QStringLiteral(" FROM jobs WHERE created_at >= ? AND created_at < ?") +
                               filter + QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"),
                           QVariantList{window.startMs, window.endMs} + filterValues +
                               QVariantList{query.limit, offset});
        if (!q)
            return q.error();
        while (q.value().next())
            page.append(JobStore::readJob(q.value()));
    }
    if (page.size() < query.limit && offset + page.size() < inRange + older) {
        const qint64 olderOffset = std::max<qint64>(0, offset - inRange);
        auto q = m_db.exec(QStringLiteral("SELECT ") + JobStore::columns() + olderUnfinished +
                               QStringLiteral(" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?"),
                           QVariantList{window.startMs} + filterValues +
                               QVariantList{query.limit - page.size(), olderOffset});
        if (!q)
            return q.error();
        while (q.value().next())
            page.append(JobStore::readJob(q.value()));
    }
    if (query.includeDetails) {
        auto timelines = m_jobs.loadDetails(page);
        if (!timelines)
            return timelines.error();
        for (const StoredJob &s : page) {
            Job j = s.job;
            j.errorSummary = JobStore::errorSummary(s);
            j.timeline = timelines.value().value(j.id);
            out.jobs.append(j);
        }
    } else {
        for (const StoredJob &s : page)
            out.jobs.append(s.job);
    }
    const qint64 total = inRange + older;
    out.pagination = Pagination{query.page, query.limit, total, (total + query.limit - 1) / query.limit};
    return Done{};
}

StoreResult<Job> MonitoringEngine::withDetails(const StoredJob &stored)
{
    Job j = stored.job;
    j.errorSummary = JobStore::errorSummary(stored);
    auto timeline = m_jobs.timeline(j.id);
    if (!timeline)
        return timeline.error();
    j.timeline = timeline.value();
    return j;
}

StoreResult<Job> MonitoringEngine::job(const QString &id)
{
    auto found = m_jobs.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return StoreError{StoreError::Kind::NotFound, QStringLiteral("no job with id \"%1\"").arg(id)};
    return withDetails(*found.value());
}

} // namespace batchmon
