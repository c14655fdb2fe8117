// SPDX-License-Identifier: GPL-3.0-or-later
// The monitoring snapshot: summary, queues, performance, resources, historical, errors, pagination.
#include "CodecHelpers.h"
#include "EnumNames.h"
#include "domain/MonitoringQuery.h"

#include <QSet>

namespace batchmon::json {

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, CostSavings &out)
{
    JsonObjectReader r(ctx, v, path);
    out.currentPeriod = r.money(u"currentPeriod");
    out.projectedMonthly = r.money(u"projectedMonthly");
    // Not a 0–100 percentage: savings are negative when retries and expired work cost more than
    // batching saved (docs/api.md, "Cost").
    out.savingsPercentage = r.number(u"savingsPercentage", Need::Nullable);
    out.batchCost = r.cost(u"batchCost", Need::Optional);
    out.individualCost = r.cost(u"individualCost", Need::Optional);
}

QJsonObject encode(const CostSavings &v)
{
    QJsonObject o{{QStringLiteral("currentPeriod"), moneyValue(v.currentPeriod)},
                  {QStringLiteral("projectedMonthly"), moneyValue(v.projectedMonthly)},
                  {QStringLiteral("savingsPercentage"), orNull(v.savingsPercentage)}};
    if (v.batchCost)
        o.insert(QStringLiteral("batchCost"), moneyValue(*v.batchCost));
    if (v.individualCost)
        o.insert(QStringLiteral("individualCost"), moneyValue(*v.individualCost));
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, PeriodTotals &out)
{
    JsonObjectReader r(ctx, v, path);
    out.totalJobs = r.count(u"totalJobs");
    out.totalRequests = r.count(u"totalRequests");
    out.processedRequests = r.count(u"processedRequests");
    out.successRate = r.percentage(u"successRate", Need::Nullable);
    out.costSavings = r.money(u"costSavings");
    out.averageProcessingTime = r.count(u"averageProcessingTime", Need::Nullable);
}

QJsonObject encode(const PeriodTotals &v)
{
    return {{QStringLiteral("totalJobs"), v.totalJobs},
            {QStringLiteral("totalRequests"), v.totalRequests},
            {QStringLiteral("processedRequests"), v.processedRequests},
            {QStringLiteral("successRate"), orNull(v.successRate)},
            {QStringLiteral("costSavings"), moneyValue(v.costSavings)},
            {QStringLiteral("averageProcessingTime"), orNull(v.averageProcessingTime)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Summary &out)
{
    JsonObjectReader r(ctx, v, path);
    out.totalJobs = r.count(u"totalJobs");
    out.completedJobs = r.count(u"completedJobs");
    out.failedJobs = r.count(u"failedJobs");
    out.pendingJobs = r.count(u"pendingJobs");
    out.totalRequests = r.count(u"totalRequests");
    out.processedRequests = r.count(u"processedRequests");
    out.costSavings = readObject<CostSavings>(r, u"costSavings");
    out.averageProcessingTime = r.count(u"averageProcessingTime", Need::Nullable);
    out.successRate = r.percentage(u"successRate", Need::Nullable);
    out.previousPeriod = readOptionalObject<PeriodTotals>(r, u"previousPeriod");
}

QJsonObject encode(const Summary &v)
{
    QJsonObject o{{QStringLiteral("totalJobs"), v.totalJobs},
                  {QStringLiteral("completedJobs"), v.completedJobs},
                  {QStringLiteral("failedJobs"), v.failedJobs},
                  {QStringLiteral("pendingJobs"), v.pendingJobs},
                  {QStringLiteral("totalRequests"), v.totalRequests},
                  {QStringLiteral("processedRequests"), v.processedRequests},
                  {QStringLiteral("costSavings"), encode(v.costSavings)},
                  {QStringLiteral("averageProcessingTime"), orNull(v.averageProcessingTime)},
                  {QStringLiteral("successRate"), orNull(v.successRate)}};
    if (v.previousPeriod)
        o.insert(QStringLiteral("previousPeriod"), encode(*v.previousPeriod));
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Queues &out)
{
    JsonObjectReader r(ctx, v, path);
    out.pending = r.count(u"pending");
    out.processing = r.count(u"processing");
    out.completed = r.count(u"completed");
    out.failed = r.count(u"failed");
    out.cancelled = r.count(u"cancelled", Need::Optional);
}

QJsonObject encode(const Queues &v)
{
    QJsonObject o{{QStringLiteral("pending"), v.pending},
                  {QStringLiteral("processing"), v.processing},
                  {QStringLiteral("completed"), v.completed},
                  {QStringLiteral("failed"), v.failed}};
    if (v.cancelled)
        o.insert(QStringLiteral("cancelled"), *v.cancelled);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Throughput &out)
{
    JsonObjectReader r(ctx, v, path);
    out.requestsPerHour = r.number(u"requestsPerHour");
    out.jobsPerHour = r.number(u"jobsPerHour");
    out.averageBatchSize = r.number(u"averageBatchSize", Need::Nullable);
    if (!ctx.failed() && (out.requestsPerHour < 0 || out.jobsPerHour < 0))
        ctx.fail(r.pathOf(out.requestsPerHour < 0 ? u"requestsPerHour" : u"jobsPerHour"),
                 QStringLiteral("expected a number of at least 0, got a negative one"));
}

QJsonObject encode(const Throughput &v)
{
    return {{QStringLiteral("requestsPerHour"), v.requestsPerHour},
            {QStringLiteral("jobsPerHour"), v.jobsPerHour},
            {QStringLiteral("averageBatchSize"), orNull(v.averageBatchSize)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Efficiency &out)
{
    JsonObjectReader r(ctx, v, path);
    out.batchUtilization = r.percentage(u"batchUtilization", Need::Nullable);
    out.processingEfficiency = r.percentage(u"processingEfficiency", Need::Nullable);
    out.errorRate = r.percentage(u"errorRate", Need::Nullable);
}

QJsonObject encode(const Efficiency &v)
{
    return {{QStringLiteral("batchUtilization"), orNull(v.batchUtilization)},
            {QStringLiteral("processingEfficiency"), orNull(v.processingEfficiency)},
            {QStringLiteral("errorRate"), orNull(v.errorRate)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Performance &out)
{
    JsonObjectReader r(ctx, v, path);
    out.throughput = readObject<Throughput>(r, u"throughput");
    out.efficiency = readObject<Efficiency>(r, u"efficiency");
}

QJsonObject encode(const Performance &v)
{
    return {{QStringLiteral("throughput"), encode(v.throughput)},
            {QStringLiteral("efficiency"), encode(v.efficiency)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Resources &out)
{
    JsonObjectReader r(ctx, v, path);
    out.enqueuedTokens = r.count(u"enqueuedTokens");
    out.enqueuedTokenLimit = r.count(u"enqueuedTokenLimit");
    out.quotaUtilization = r.number(u"quotaUtilization", Need::Nullable);
    out.rateLimitedRequests = r.count(u"rateLimitedRequests");
    out.inputTokens = r.count(u"inputTokens");
    out.outputTokens = r.count(u"outputTokens");
}

QJsonObject encode(const Resources &v)
{
    return {{QStringLiteral("enqueuedTokens"), v.enqueuedTokens},
            {QStringLiteral("enqueuedTokenLimit"), v.enqueuedTokenLimit},
            {QStringLiteral("quotaUtilization"), orNull(v.quotaUtilization)},
            {QStringLiteral("rateLimitedRequests"), v.rateLimitedRequests},
            {QStringLiteral("inputTokens"), v.inputTokens},
            {QStringLiteral("outputTokens"), v.outputTokens}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, HistoricalBucket &out)
{
    JsonObjectReader r(ctx, v, path);
    out.start = r.time(u"start");
    out.end = r.time(u"end");
    if (!ctx.failed() && out.end <= out.start)
        ctx.fail(r.pathOf(u"end"), QStringLiteral("expected a time after start"));
    out.jobs = r.count(u"jobs");
    out.requests = r.count(u"requests");
    out.completedRequests = r.count(u"completedRequests");
    out.failedRequests = r.count(u"failedRequests");
    out.batchCost = r.cost(u"batchCost");
    out.savings = r.money(u"savings");
    out.averageProcessingTime = r.count(u"averageProcessingTime", Need::Nullable);
}

QJsonObject encode(const HistoricalBucket &v)
{
    return {{QStringLiteral("start"), formatTime(v.start)},
            {QStringLiteral("end"), formatTime(v.end)},
            {QStringLiteral("jobs"), v.jobs},
            {QStringLiteral("requests"), v.requests},
            {QStringLiteral("completedRequests"), v.completedRequests},
            {QStringLiteral("failedRequests"), v.failedRequests},
            {QStringLiteral("batchCost"), moneyValue(v.batchCost)},
            {QStringLiteral("savings"), moneyValue(v.savings)},
            {QStringLiteral("averageProcessingTime"), orNull(v.averageProcessingTime)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Historical &out)
{
    JsonObjectReader r(ctx, v, path);
    out.bucketSeconds = r.integer(u"bucketSeconds", 1, 366 * 86400);
    out.buckets = readList<HistoricalBucket>(r, u"buckets");
}

QJsonObject encode(const Historical &v)
{
    return {{QStringLiteral("bucketSeconds"), v.bucketSeconds},
            {QStringLiteral("buckets"), encodeList(v.buckets)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Pagination &out)
{
    JsonObjectReader r(ctx, v, path);
    out.page = r.integer(u"page", 1, MonitoringQuery::kMaxPage);
    out.limit = r.integer(u"limit", 1, 100);
    out.total = r.count(u"total");
    out.totalPages = r.count(u"totalPages");
}

QJsonObject encode(const Pagination &v)
{
    return {{QStringLiteral("page"), v.page},
            {QStringLiteral("limit"), v.limit},
            {QStringLiteral("total"), v.total},
            {QStringLiteral("totalPages"), v.totalPages}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, SchedulerState &out)
{
    JsonObjectReader r(ctx, v, path);
    out.paused = r.boolean(u"paused");
    out.processingEnabled = r.boolean(u"processingEnabled");
}

QJsonObject encode(const SchedulerState &v)
{
    return {{QStringLiteral("paused"), v.paused}, {QStringLiteral("processingEnabled"), v.processingEnabled}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, MonitoringSnapshot &out)
{
    JsonObjectReader r(ctx, v, path);
    if (r.present(u"timeRange"))
        out.timeRange = r.enumeration(u"timeRange", timeRangeFromWire, timeRangeNames(), TimeRange::LastDay);
    out.generatedAt = r.time(u"generatedAt", Need::Optional);
    out.summary = readObject<Summary>(r, u"summary");
    out.queues = readObject<Queues>(r, u"queues");
    out.performance = readObject<Performance>(r, u"performance");
    out.resources = readOptionalObject<Resources>(r, u"resources");
    out.historical = readOptionalObject<Historical>(r, u"historical");
    if (r.present(u"errors")) {
        out.errors = readList<ErrorSummaryEntry>(r, u"errors");
        // One entry per code, and no more failures than the range's jobs have outcomes for. The sum
        // stops once past processedRequests (≤ 2^53), so it cannot overflow.
        QSet<QString> seen;
        qint64 failed = 0;
        for (qsizetype i = 0; i < out.errors->size() && !ctx.failed(); ++i) {
            const ErrorSummaryEntry &e = out.errors->at(i);
            if (seen.contains(e.error))
                ctx.fail(r.pathOf(u"errors") + QStringLiteral("[%1].error").arg(i),
                         QStringLiteral("code \"%1\" is given twice").arg(e.error.left(64)));
            seen.insert(e.error);
            failed += e.count;
            if (!ctx.failed() && failed > out.summary.processedRequests)
                ctx.fail(r.pathOf(u"errors"),
                         QStringLiteral("the counts add up to more than summary.processedRequests (%1)")
                             .arg(out.summary.processedRequests));
        }
    }
    out.jobs = readList<Job>(r, u"jobs");
    out.pagination = readOptionalObject<Pagination>(r, u"pagination");
    out.scheduler = readOptionalObject<SchedulerState>(r, u"scheduler");
}

QJsonObject encode(const MonitoringSnapshot &v)
{
    QJsonObject o{{QStringLiteral("summary"), encode(v.summary)},
                  {QStringLiteral("queues"), encode(v.queues)},
                  {QStringLiteral("performance"), encode(v.performance)},
                  {QStringLiteral("jobs"), encodeList(v.jobs)}};
    if (v.timeRange)
        o.insert(QStringLiteral("timeRange"), toWireString(*v.timeRange));
    if (v.generatedAt)
        o.insert(QStringLiteral("generatedAt"), formatTime(*v.generatedAt));
    if (v.resources)
        o.insert(QStringLiteral("resources"), encode(*v.resources));
    if (v.historical)
        o.insert(QStringLiteral("historical"), encode(*v.historical));
    if (v.errors)
        o.insert(QStringLiteral("errors"), encodeList(*v.errors));
    if (v.pagination)
        o.insert(QStringLiteral("pagination"), encode(*v.pagination));
    if (v.scheduler)
        o.insert(QStringLiteral("scheduler"), encode(*v.scheduler));
    return o;
}

} // namespace batchmon::json
