// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobStatus.h"

#include <array>
#include <utility>

namespace batchmon {

namespace {

constexpr std::array<std::pair<JobStatus, const char *>, 10> kStatusNames{{
    {JobStatus::Pending, "pending"},
    {JobStatus::Paused, "paused"},
    {JobStatus::Validating, "validating"},
    {JobStatus::InProgress, "in_progress"},
    {JobStatus::Finalizing, "finalizing"},
    {JobStatus::Completed, "completed"},
    {JobStatus::Failed, "failed"},
    {JobStatus::Expired, "expired"},
    {JobStatus::Cancelling, "cancelling"},
    {JobStatus::Cancelled, "cancelled"},
}};

constexpr std::array<std::pair<JobPriority, const char *>, 4> kPriorityNames{{
    {JobPriority::Low, "low"},
    {JobPriority::Normal, "normal"},
    {JobPriority::High, "high"},
    {JobPriority::Urgent, "urgent"},
}};

} // namespace

QString toWireString(JobStatus status)
{
    for (const auto &[value, name] : kStatusNames) {
        if (value == status)
            return QString::fromLatin1(name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<JobStatus> jobStatusFromWire(QStringView text)
{
    for (const auto &[value, name] : kStatusNames) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

QList<JobStatus> allJobStatuses()
{
    QList<JobStatus> all;
    for (const auto &entry : kStatusNames)
        all.append(entry.first);
    return all;
}

Queue queueOf(JobStatus status)
{
    switch (status) {
    case JobStatus::Pending:
    case JobStatus::Paused:
        return Queue::Pending;
    case JobStatus::Validating:
    case JobStatus::InProgress:
    case JobStatus::Finalizing:
    case JobStatus::Cancelling:
        return Queue::Processing;
    case JobStatus::Completed:
        return Queue::Completed;
    case JobStatus::Failed:
    case JobStatus::Expired:
        return Queue::Failed;
    case JobStatus::Cancelled:
        return Queue::Cancelled;
    }
    Q_UNREACHABLE();
    return Queue::Pending;
}

bool isFinished(JobStatus status)
{
    return status == JobStatus::Completed || status == JobStatus::Failed || status == JobStatus::Expired ||
           status == JobStatus::Cancelled;
}

QString toWireString(JobPriority priority)
{
    for (const auto &[value, name] : kPriorityNames) {
        if (value == priority)
            return QString::fromLatin1(name);
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<JobPriority> jobPriorityFromWire(QStringView text)
{
    for (const auto &[value, name] : kPriorityNames) {
        if (text == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

} // namespace batchmon
