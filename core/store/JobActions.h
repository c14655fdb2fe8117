// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "JobStore.h"

namespace batchmon {

/// The admin actions on a job (docs/api.md §7.3, §11).
enum class JobAction
{
    Retry,
    Cancel,
    Pause,
    Resume,
    SetPriority
};

QString toWireString(JobAction action); ///< "retry", "cancel", "pause", "resume", "priority"

/**
 * The admin actions as a validated state machine over the store. A refused action changes nothing
 * and returns StoreError::Kind::InvalidTransition with the contract's 409 message; an unknown id
 * returns NotFound. Each action is one transaction.
 */
class JobActions
{
public:
    explicit JobActions(JobStore &jobs) : m_jobs(jobs) {}

    /// The 409 message when `action` is not allowed for `job`; nullopt when it is.
    /// The one statement of which transitions are allowed: the store's actions and the UI's menus ask it.
    static std::optional<QString> refusal(JobAction action, const Job &job);

    /// A new pending job for the failed and unfinished requests of a finished one.
    StoreResult<StoredJob> retry(const QString &id, const QString &actor, const QDateTime &now);
    /// pending|paused → cancelled; validating|in_progress|finalizing → cancelling.
    StoreResult<StoredJob> cancel(const QString &id, const QString &actor, const QDateTime &now);
    StoreResult<StoredJob> pause(const QString &id, const QString &actor, const QDateTime &now);
    StoreResult<StoredJob> resume(const QString &id, const QString &actor, const QDateTime &now);
    StoreResult<StoredJob> setPriority(const QString &id, JobPriority priority, const QString &actor,
                                       const QDateTime &now);

private:
    StoreResult<StoredJob> load(const QString &id, JobAction action);

    JobStore &m_jobs;
};

} // namespace batchmon
