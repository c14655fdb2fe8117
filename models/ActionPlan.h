// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Job.h"
#include "domain/Money.h"
#include "domain/Snapshot.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

namespace batchmon {

/// An admin action on jobs (docs/api.md §11), as the dashboard offers it.
enum class JobCommand
{
    Retry,
    Cancel,
    Pause,
    Resume,
    PriorityLow,
    PriorityNormal,
    PriorityHigh,
    PriorityUrgent
};

/// Whether `command` is allowed for `job` in its current status (JobActions' rules, not a copy).
bool commandAllowed(JobCommand command, const Job &job);

/**
 * What an action on a set of jobs will do, before it is asked: which jobs it applies to (the others
 * are left alone because their status does not allow it), how many requests that is, and — for a
 * retry — what it will cost at batch prices. The confirmation shows `question()`.
 */
class ActionPlan
{
    Q_DECLARE_TR_FUNCTIONS(batchmon::ActionPlan)
public:
    /// `range`: the summary of the range shown, for the average cost per request of jobs with none of
    /// their own (a job that failed validation has processed nothing, so has no cost yet).
    ActionPlan(JobCommand command, const QList<Job> &jobs,
               const std::optional<Summary> &range = std::nullopt);

    JobCommand command() const { return m_command; }
    const QList<Job> &eligible() const { return m_eligible; }
    int skipped() const { return m_skipped; }
    /// Requests the action concerns: sent again (retry), not sent or stopped (cancel), held or released.
    qint64 requests() const { return m_requests; }
    /// Retry only: each job's batch cost per processed request so far (else the range's average) ×
    /// the requests sent again. nullopt when neither gives a rate.
    std::optional<Money> estimatedCost() const { return m_estimatedCost; }
    /// The confirmation's text: how many jobs and requests, what happens, the estimate, what is skipped.
    QString question() const;
    /// "Retry", "Cancel", …: the verb of the command, for buttons and titles.
    static QString verb(JobCommand command);

private:
    JobCommand m_command;
    QList<Job> m_eligible;
    int m_skipped = 0;
    qint64 m_requests = 0;
    std::optional<Money> m_estimatedCost;
};

} // namespace batchmon
