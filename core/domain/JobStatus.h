// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QList>
#include <QString>
#include <QStringView>

#include <optional>

namespace batchmon {

/**
 * Where a batch job is in its life. `pending` and `paused` are batchmon's own (not yet submitted);
 * the rest is the provider's lifecycle as OpenAI's Batch API defines it (docs/api.md, "Statuses").
 */
enum class JobStatus
{
    Pending,
    Paused,
    Validating,
    InProgress,
    Finalizing,
    Completed,
    Failed,
    Expired,
    Cancelling,
    Cancelled,
};

/// The queue a status is counted in by `data.queues` (docs/api.md).
enum class Queue
{
    Pending,
    Processing,
    Completed,
    Failed,
    Cancelled
};

QString toWireString(JobStatus status);
std::optional<JobStatus> jobStatusFromWire(QStringView text);
QList<JobStatus> allJobStatuses();
Queue queueOf(JobStatus status);
/// True once nothing more will happen to the job by itself: completed, failed, expired, cancelled.
bool isFinished(JobStatus status);

/// Submission order: higher goes first. On the wire: "low", "normal", "high", "urgent".
enum class JobPriority
{
    Low,
    Normal,
    High,
    Urgent
};

QString toWireString(JobPriority priority);
std::optional<JobPriority> jobPriorityFromWire(QStringView text);

} // namespace batchmon
