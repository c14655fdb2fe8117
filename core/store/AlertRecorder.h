// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AdminStore.h"
#include "AlertEvaluator.h"

namespace batchmon {

/// What one AlertRecorder::record() did.
struct AlertRun
{
    AlertConfig config;           ///< the configuration it evaluated (its channels say where to notify)
    QList<AlertEvent> started;    ///< new events, as stored (a finished job's may be resolved already)
    QList<AlertEvent> resolved;   ///< events that stopped being true
    QList<AlertEvent> notify;     ///< what to notify now, after cadence, suppression and acknowledgement
    qint64 updated = 0;           ///< active events seen true again
    QList<AlertEvent> suppressed; ///< notifications skipped within the suppression window
};

/**
 * Applies an evaluation to the stored alert events and decides what to notify (docs/api.md §12.3):
 * a condition that becomes true starts an event, one that stays true updates lastSeen and
 * observedValue, one that stops resolves it; a job whose processing ran past the threshold and
 * finished between two evaluations gets an event that starts and resolves at once; a batchFailure
 * event resolves when its job is retried or leaves the rule's 24 hours.
 *
 * Notifications: every new event at its start; `hourly` and `daily` ones again at each whole
 * hour/day after firstSeen while unresolved and unacknowledged (a long gap between evaluations sends
 * one, not a burst); any of them within the suppression window of the rule's previous notification is
 * skipped, not delayed. The bookkeeping (the last cadence point handled per event, the last
 * notification per rule, the job timeline read so far) is in the store, so a restarted or
 * failed-over server goes on without repeating itself. One record() is one transaction.
 */
class AlertRecorder
{
public:
    explicit AlertRecorder(Database &db) : m_db(db), m_jobs(db), m_admin(db), m_evaluator(db) {}

    /// Evaluates `config` at `context.now` and records the outcome.
    StoreResult<AlertRun> record(const AlertConfig &config, const AlertContext &context);
    /// The same with the stored configuration (or `alertDefaults`) and the stored scheduler state
    /// and batchProcessingEnabled (or `batchDefaults`'): what the pipeline's leader runs after
    /// each status check.
    StoreResult<AlertRun> recordAt(const QDateTime &now, const AlertConfig &alertDefaults,
                                   const BatchConfig &batchDefaults);

    static qint64 cadencePeriodMs(NotificationCadence cadence); ///< 0 for immediate

private:
    struct State;
    StoreResult<State> loadState();
    StoreResult<Done> saveState(const State &state);

    Database &m_db;
    JobStore m_jobs;
    AdminStore m_admin;
    AlertEvaluator m_evaluator;
};

} // namespace batchmon
