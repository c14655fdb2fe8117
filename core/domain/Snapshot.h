// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Job.h"
#include "Money.h"
#include "Pagination.h"
#include "Tie.h"
#include "TimeRange.h"

#include <QDateTime>
#include <QList>

#include <optional>
#include <tuple>

namespace batchmon {

/// `summary.costSavings`: what batching saved against sending the same requests one by one.
struct CostSavings
{
    Money currentPeriod;                     ///< individualCost − batchCost over the range
    Money projectedMonthly;                  ///< currentPeriod × 30 days ÷ range
    std::optional<double> savingsPercentage; ///< currentPeriod ÷ individualCost × 100; null when 0
    std::optional<Money> batchCost;          ///< what every batch in the range cost
    std::optional<Money> individualCost;     ///< what the successful requests would cost synchronously

    auto tie() const
    {
        return std::tie(currentPeriod, projectedMonthly, savingsPercentage, batchCost, individualCost);
    }
};

/// The same totals for the period of equal length just before the range (for the cards' "change").
struct PeriodTotals
{
    qint64 totalJobs = 0;
    qint64 totalRequests = 0;
    qint64 processedRequests = 0;
    std::optional<double> successRate;
    Money costSavings;
    std::optional<qint64> averageProcessingTime;

    auto tie() const
    {
        return std::tie(totalJobs, totalRequests, processedRequests, successRate, costSavings,
                        averageProcessingTime);
    }
};

/// `summary`: jobs created within the range.
struct Summary
{
    qint64 totalJobs = 0;
    qint64 completedJobs = 0;
    qint64 failedJobs = 0;  ///< failed + expired
    qint64 pendingJobs = 0; ///< pending + paused
    qint64 totalRequests = 0;
    qint64 processedRequests = 0; ///< Σ completedCount + failedCount
    CostSavings costSavings;
    std::optional<qint64> averageProcessingTime; ///< ms, mean processingTimeMs of finished jobs
    std::optional<double> successRate;           ///< request-level, %; null when nothing finished
    std::optional<PeriodTotals> previousPeriod;

    auto tie() const
    {
        return std::tie(totalJobs, completedJobs, failedJobs, pendingJobs, totalRequests, processedRequests,
                        costSavings, averageProcessingTime, successRate, previousPeriod);
    }
};

/// `queues`: every job's current state, whenever it was created.
struct Queues
{
    qint64 pending = 0;
    qint64 processing = 0;
    qint64 completed = 0;
    qint64 failed = 0;
    std::optional<qint64> cancelled;

    auto tie() const { return std::tie(pending, processing, completed, failed, cancelled); }
};

struct Throughput
{
    double requestsPerHour = 0;
    double jobsPerHour = 0;
    std::optional<double> averageBatchSize; ///< null when there are no jobs

    auto tie() const { return std::tie(requestsPerHour, jobsPerHour, averageBatchSize); }
};

struct Efficiency
{
    std::optional<double> batchUtilization;     ///< averageBatchSize ÷ BATCH_MAX_REQUESTS × 100
    std::optional<double> processingEfficiency; ///< Σ processing time ÷ Σ (completedAt − createdAt) × 100
    std::optional<double> errorRate;            ///< 100 − successRate

    auto tie() const { return std::tie(batchUtilization, processingEfficiency, errorRate); }
};

struct Performance
{
    Throughput throughput;
    Efficiency efficiency;

    auto tie() const { return std::tie(throughput, efficiency); }
};

/// `resources`: the provider's quota and rate limiting.
struct Resources
{
    qint64 enqueuedTokens = 0;              ///< input tokens of jobs submitted and not finished
    qint64 enqueuedTokenLimit = 0;          ///< the provider's enqueued-token quota
    std::optional<double> quotaUtilization; ///< enqueuedTokens ÷ enqueuedTokenLimit × 100
    qint64 rateLimitedRequests = 0;         ///< requests in the range that failed with rate_limit_exceeded
    qint64 inputTokens = 0;                 ///< tokens used in the range
    qint64 outputTokens = 0;

    auto tie() const
    {
        return std::tie(enqueuedTokens, enqueuedTokenLimit, quotaUtilization, rateLimitedRequests,
                        inputTokens, outputTokens);
    }
};

/// One `historical.buckets[]` entry: jobs created in [start, end).
struct HistoricalBucket
{
    QDateTime start;
    QDateTime end;
    qint64 jobs = 0;
    qint64 requests = 0;
    qint64 completedRequests = 0;
    qint64 failedRequests = 0;
    Money batchCost;
    Money savings;
    std::optional<qint64> averageProcessingTime;

    auto tie() const
    {
        return std::tie(start, end, jobs, requests, completedRequests, failedRequests, batchCost, savings,
                        averageProcessingTime);
    }
};

struct Historical
{
    qint64 bucketSeconds = 0;
    QList<HistoricalBucket> buckets;

    auto tie() const { return std::tie(bucketSeconds, buckets); }
};

/// `scheduler` and the body of POST /scheduler/pause|resume.
struct SchedulerState
{
    bool paused = false;
    bool processingEnabled = true; ///< BATCH_PROCESSING_ENABLED

    auto tie() const { return std::tie(paused, processingEnabled); }
};

/// The `data` of GET /api/admin/batch-monitoring.
struct MonitoringSnapshot
{
    std::optional<TimeRange> timeRange;
    std::optional<QDateTime> generatedAt;
    Summary summary;
    Queues queues;
    Performance performance;
    std::optional<Resources> resources;
    std::optional<Historical> historical;
    /// Failed requests of the jobs in the range by error code, most first; each entry's percentage is
    /// of summary.totalRequests (a job's errorSummary[] divides by its own requestCount).
    std::optional<QList<ErrorSummaryEntry>> errors;
    QList<Job> jobs;
    std::optional<Pagination> pagination;
    std::optional<SchedulerState> scheduler;

    auto tie() const
    {
        return std::tie(timeRange, generatedAt, summary, queues, performance, resources, historical, errors,
                        jobs, pagination, scheduler);
    }
};

} // namespace batchmon
