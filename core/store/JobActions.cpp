// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobActions.h"

namespace batchmon {

namespace {

QString allowedText(const QList<JobStatus> &statuses)
{
    QStringList names;
    for (JobStatus s : statuses)
        names << toWireString(s);
    if (names.size() == 1)
        return names.first();
    const QString last = names.takeLast();
    return names.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

QList<JobStatus> allowedFor(JobAction action)
{
    switch (action) {
    case JobAction::Retry:
        return {JobStatus::Completed, JobStatus::Failed, JobStatus::Expired, JobStatus::Cancelled};
    case JobAction::Cancel:
        return {JobStatus::Pending, JobStatus::Paused, JobStatus::Validating, JobStatus::InProgress,
                JobStatus::Finalizing};
    case JobAction::Pause:
        return {JobStatus::Pending};
    case JobAction::Resume:
        return {JobStatus::Paused};
    case JobAction::SetPriority:
        return {JobStatus::Pending, JobStatus::Paused};
    }
    return {};
}

} // namespace

QString toWireString(JobAction action)
{
    switch (action) {
    case JobAction::Retry:
        return QStringLiteral("retry");
    case JobAction::Cancel:
        return QStringLiteral("cancel");
    case JobAction::Pause:
        return QStringLiteral("pause");
    case JobAction::Resume:
        return QStringLiteral("resume");
    case JobAction::SetPriority:
        return QStringLiteral("priority");
    }
    return {};
}

std::optional<QString> JobActions::refusal(JobAction action, const Job &j)
{
    const QList<JobStatus> allowed = allowedFor(action);
    if (!allowed.contains(j.status))
        return QStringLiteral("job %1 is %2; %3 is allowed only when it is %4")
            .arg(j.id, toWireString(j.status), toWireString(action), allowedText(allowed));
    if (action == JobAction::Retry && j.requestCount - j.completedCount <= 0)
        return QStringLiteral("job %1 has no failed or unfinished requests to retry (%2 of %3 completed)")
            .arg(j.id)
            .arg(j.completedCount)
            .arg(j.requestCount);
    return std::nullopt;
}

StoreResult<StoredJob> JobActions::load(const QString &id, JobAction action)
{
    auto found = m_jobs.find(id);
    if (!found)
        return found.error();
    if (!found.value())
        return StoreError{StoreError::Kind::NotFound, QStringLiteral("no job with id \"%1\"").arg(id)};
    if (const auto why = refusal(action, found.value()->job))
        return StoreError{StoreError::Kind::InvalidTransition, *why};
    return *found.value();
}

StoreResult<StoredJob> JobActions::retry(const QString &id, const QString &actor, const QDateTime &now)
{
    return inTransaction(m_jobs.database(), [&]() -> StoreResult<StoredJob> {
        auto original = load(id, JobAction::Retry);
        if (!original)
            return original;
        const StoredJob &o = original.value();
        // Once: a second retry of the same job would send the same requests twice. Its retry, if
        // that fails too, is the one to retry.
        auto retried = m_jobs.retriedBy(o.job.id);
        if (!retried)
            return retried.error();
        if (retried.value())
            return StoreError{StoreError::Kind::InvalidTransition,
                              QStringLiteral("job %1 was already retried as %2; retry %2 if it failed too")
                                  .arg(o.job.id, *retried.value())};
        auto newId = m_jobs.nextJobId();
        if (!newId)
            return newId.error();
        StoredJob r;
        r.job.id = newId.value();
        r.job.status = JobStatus::Pending;
        r.job.jobType = o.job.jobType;
        r.job.model = o.job.model;
        r.job.priority = o.job.priority;
        r.job.requestCount = o.job.requestCount - o.job.completedCount;
        r.job.createdAt = now.toUTC();
        r.job.retryOf = o.job.id;
        r.job.attempt = o.job.attempt + 1;
        // The quota estimate follows the share of the requests that go again.
        r.estimatedInputTokens =
            o.job.requestCount > 0 ? o.estimatedInputTokens * r.job.requestCount / o.job.requestCount : 0;
        if (auto w = m_jobs.insert(r, actor, QStringLiteral("retry of %1").arg(o.job.id)); !w)
            return w.error();
        return r;
    });
}

StoreResult<StoredJob> JobActions::cancel(const QString &id, const QString &actor, const QDateTime &now)
{
    return inTransaction(m_jobs.database(), [&]() -> StoreResult<StoredJob> {
        auto loaded = load(id, JobAction::Cancel);
        if (!loaded)
            return loaded;
        StoredJob s = loaded.value();
        if (s.job.status == JobStatus::Pending || s.job.status == JobStatus::Paused) {
            // Never submitted: nothing to ask the provider, and no processing time.
            s.job.status = JobStatus::Cancelled;
            s.job.completedAt = now.toUTC();
        } else {
            // The provider confirms later (the pipeline sends the cancel and polls).
            s.job.status = JobStatus::Cancelling;
            s.cancelRequestedAt = now.toUTC();
        }
        if (auto w = m_jobs.update(loaded.value(), s, now, actor); !w)
            return w.error();
        return s;
    });
}

StoreResult<StoredJob> JobActions::pause(const QString &id, const QString &actor, const QDateTime &now)
{
    return inTransaction(m_jobs.database(), [&]() -> StoreResult<StoredJob> {
        auto loaded = load(id, JobAction::Pause);
        if (!loaded)
            return loaded;
        StoredJob s = loaded.value();
        s.job.status = JobStatus::Paused;
        if (auto w = m_jobs.update(loaded.value(), s, now, actor); !w)
            return w.error();
        return s;
    });
}

StoreResult<StoredJob> JobActions::resume(const QString &id, const QString &actor, const QDateTime &now)
{
    return inTransaction(m_jobs.database(), [&]() -> StoreResult<StoredJob> {
        auto loaded = load(id, JobAction::Resume);
        if (!loaded)
            return loaded;
        StoredJob s = loaded.value();
        s.job.status = JobStatus::Pending;
        if (auto w = m_jobs.update(loaded.value(), s, now, actor); !w)
            return w.error();
        return s;
    });
}

StoreResult<StoredJob> JobActions::setPriority(const QString &id, JobPriority priority, const QString &actor,
                                               const QDateTime &now)
{
    return inTransaction(m_jobs.database(), [&]() -> StoreResult<StoredJob> {
        auto loaded = load(id, JobAction::SetPriority);
        if (!loaded)
            return loaded;
        StoredJob s = loaded.value();
        if (s.job.priority == priority)
            return s;
        s.job.priority = priority;
        if (auto w = m_jobs.update(loaded.value(), s, now, actor); !w)
            return w.error();
        return s;
    });
}

} // namespace batchmon
