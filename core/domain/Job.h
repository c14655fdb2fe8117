// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "JobStatus.h"
#include "Money.h"
#include "Tie.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <tuple>

namespace batchmon {

/// One error code's share of a job's failed requests (`errorSummary[]` in docs/api.md).
struct ErrorSummaryEntry
{
    QString error;         ///< provider error code, e.g. "token_limit_exceeded"
    qint64 count = 0;      ///< failed requests with this code
    double percentage = 0; ///< count ÷ requestCount × 100, one decimal

    auto tie() const { return std::tie(error, count, percentage); }
};

/// One state transition of a job (`timeline[]`).
struct TimelineEntry
{
    JobStatus status = JobStatus::Pending; ///< the state entered
    QDateTime at;                          ///< when, UTC
    QString actor;                         ///< "pipeline", "provider" or the acting token's name
    std::optional<QString> note;           ///< why, when known ("retry of batch-job-17")

    auto tie() const { return std::tie(status, at, actor, note); }
};

/// A batch job: the seed's fields, then batchmon's additions (optional on the wire).
struct Job
{
    QString id;
    std::optional<QString> batchId; ///< the provider's batch id; null until submitted
    JobStatus status = JobStatus::Pending;
    QString jobType;
    qint64 requestCount = 0;
    qint64 completedCount = 0;
    qint64 failedCount = 0;
    QDateTime createdAt;
    std::optional<QDateTime> startedAt;
    std::optional<QDateTime> completedAt;
    std::optional<qint64> processingTimeMs; ///< completedAt − startedAt, null until finished
    Money costEstimate;                     ///< what the batch costs (tokens × price × 0.5)

    std::optional<QString> model;
    JobPriority priority = JobPriority::Normal;
    std::optional<QString> retryOf; ///< id of the job this one retries
    qint64 attempt = 1;             ///< 1 for an original job, n for its (n−1)th retry
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    std::optional<QList<ErrorSummaryEntry>> errorSummary; ///< only with includeDetails / GET /{id}
    std::optional<QList<TimelineEntry>> timeline;         ///< only with includeDetails / GET /{id}

    auto tie() const
    {
        return std::tie(id, batchId, status, jobType, requestCount, completedCount, failedCount, createdAt,
                        startedAt, completedAt, processingTimeMs, costEstimate, model, priority, retryOf,
                        attempt, inputTokens, outputTokens, errorSummary, timeline);
    }
};

/// The body of PUT /{id}/priority.
struct PriorityChange
{
    JobPriority priority = JobPriority::Normal;

    auto tie() const { return std::tie(priority); }
};

} // namespace batchmon
