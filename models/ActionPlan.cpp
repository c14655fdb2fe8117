// SPDX-License-Identifier: GPL-3.0-or-later
#include "ActionPlan.h"

#include "Format.h"
#include "store/JobActions.h"

#include <QLocale>

#include <cmath>

namespace batchmon {

namespace {

JobAction storeAction(JobCommand command)
{
    switch (command) {
    case JobCommand::Retry:
        return JobAction::Retry;
    case JobCommand::Cancel:
        return JobAction::Cancel;
    case JobCommand::Pause:
        return JobAction::Pause;
    case JobCommand::Resume:
        return JobAction::Resume;
    case JobCommand::PriorityLow:
    case JobCommand::PriorityNormal:
    case JobCommand::PriorityHigh:
    case JobCommand::PriorityUrgent:
        break;
    }
    return JobAction::SetPriority;
}

/// Requests a cancel stops: all of a job not yet at the provider, else those not processed yet.
qint64 unsentRequests(const Job &j)
{
    if (j.status == JobStatus::Pending || j.status == JobStatus::Paused)
        return j.requestCount;
    return std::max<qint64>(0, j.requestCount - j.completedCount - j.failedCount);
}

} // namespace

bool commandAllowed(JobCommand command, const Job &job)
{
    return !JobActions::refusal(storeAction(command), job);
}

ActionPlan::ActionPlan(JobCommand command, const QList<Job> &jobs, const std::optional<Summary> &range)
    : m_command(command)
{
    std::optional<double> rangeRate; // µ$ per processed request over the range
    if (range && range->processedRequests > 0 && range->costSavings.batchCost)
        rangeRate = double(range->costSavings.batchCost->micros()) / double(range->processedRequests);
    double micros = 0;
    bool priced = true;
    for (const Job &j : jobs) {
        if (!commandAllowed(command, j)) {
            ++m_skipped;
            continue;
        }
        m_eligible << j;
        switch (command) {
        case JobCommand::Retry: {
            const qint64 again = j.requestCount - j.completedCount;
            m_requests += again;
            const qint64 processed = j.completedCount + j.failedCount;
            if (processed > 0 && j.costEstimate.micros() > 0)
                micros += double(j.costEstimate.micros()) / double(processed) * double(again);
            else if (rangeRate)
                micros += *rangeRate * double(again);
            else
                priced = false;
            break;
        }
        case JobCommand::Cancel:
            m_requests += unsentRequests(j);
            break;
        default:
            m_requests += j.requestCount;
            break;
        }
    }
    if (command == JobCommand::Retry && priced && !m_eligible.isEmpty())
        m_estimatedCost = Money::fromMicros(qint64(std::llround(micros)));
}

QString ActionPlan::verb(JobCommand command)
{
    switch (command) {
    case JobCommand::Retry:
        return tr("Retry");
    case JobCommand::Cancel:
        return tr("Cancel");
    case JobCommand::Pause:
        return tr("Pause");
    case JobCommand::Resume:
        return tr("Resume");
    case JobCommand::PriorityLow:
    case JobCommand::PriorityNormal:
    case JobCommand::PriorityHigh:
    case JobCommand::PriorityUrgent:
        break;
    }
    return tr("Set priority");
}

QString ActionPlan::question() const
{
    const QLocale locale;
    const int n = int(m_eligible.size());
    const QString requests = locale.toString(m_requests);
    if (n == 0)
        return m_skipped == 1
                   ? tr("The selected job's status does not allow this action.")
                   : tr("None of the %n selected jobs' statuses allows this action.", nullptr, m_skipped);
    const Job &first = m_eligible.first();
    QString text;
    switch (m_command) {
    case JobCommand::Retry:
        text = n == 1 ? tr("Retry %1? Its %2 failed or unfinished requests go to the provider again as a "
                           "new job (attempt %3).")
                            .arg(first.id, requests)
                            .arg(first.attempt + 1)
                      : tr("Retry %n jobs? Their %1 failed or unfinished requests go to the provider again "
                           "as %n new jobs.",
                           nullptr, n)
                            .arg(requests);
        text +=
            QLatin1Char(' ') +
            (!m_estimatedCost ? tr("The cost cannot be estimated: nothing in this range has been billed yet.")
             : m_estimatedCost->micros() < 5000
                 ? tr("Estimated cost: less than a cent at batch prices.")
                 : tr("Estimated cost: about %1 at batch prices.").arg(formatDollars(*m_estimatedCost)));
        break;
    case JobCommand::Cancel: {
        const bool atProvider = std::any_of(m_eligible.begin(), m_eligible.end(), [](const Job &j) {
            return j.status != JobStatus::Pending && j.status != JobStatus::Paused;
        });
        text = n == 1 ? tr("Cancel %1? %2 requests will not be processed.").arg(first.id, requests)
                      : tr("Cancel %n jobs? %1 requests will not be processed.", nullptr, n).arg(requests);
        if (atProvider)
            text += QLatin1Char(' ') + tr("Jobs already at the provider are cancelled there; requests the "
                                          "provider has already processed "
                                          "are kept and billed.");
        break;
    }
    case JobCommand::Pause:
        text = n == 1
                   ? tr("Pause %1? Its %2 requests will not be submitted until it is resumed.")
                         .arg(first.id, requests)
                   : tr("Pause %n jobs? Their %1 requests will not be submitted until resumed.", nullptr, n)
                         .arg(requests);
        break;
    case JobCommand::Resume:
        text =
            n == 1
                ? tr("Resume %1? Its %2 requests go back into the submission queue.").arg(first.id, requests)
                : tr("Resume %n jobs? Their %1 requests go back into the submission queue.", nullptr, n)
                      .arg(requests);
        break;
    case JobCommand::PriorityLow:
    case JobCommand::PriorityNormal:
    case JobCommand::PriorityHigh:
    case JobCommand::PriorityUrgent: {
        const QString level = m_command == JobCommand::PriorityLow      ? tr("low")
                              : m_command == JobCommand::PriorityNormal ? tr("normal")
                              : m_command == JobCommand::PriorityHigh   ? tr("high")
                                                                        : tr("urgent");
        text = n == 1 ? tr("Change the priority of %1 from %2 to %3? Priority decides which pending job is "
                           "submitted first.")
                            .arg(first.id, toWireString(first.priority), level)
                      : tr("Set the priority of %n jobs to %1? Priority decides which pending job is "
                           "submitted first.",
                           nullptr, n)
                            .arg(level);
        break;
    }
    }
    if (m_skipped == 1)
        text += QLatin1Char(' ') + tr("1 selected job will be left alone: its status does not allow it.");
    else if (m_skipped > 1)
        text += QLatin1Char(' ') +
                tr("%1 selected jobs will be left alone: their status does not allow it.").arg(m_skipped);
    return text;
}

} // namespace batchmon
