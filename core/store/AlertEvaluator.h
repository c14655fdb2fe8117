// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "JobStore.h"
#include "MonitoringEngine.h"
#include "domain/Alerts.h"

namespace batchmon {

/// What an evaluation needs besides the store: the time, and whether batches are being submitted.
struct AlertContext
{
    QDateTime now;
    bool schedulerPaused = false;
    bool processingEnabled = true;
};

/**
 * The rules of docs/api.md §12.2 over the store at `now`: which conditions hold — global rules at most
 * one, with the observed value; per-job rules one per job. It only reads, so it answers
 * POST /alerts/preview as well as feeding AlertRecorder. It stays cheap at a million jobs: the error
 * rate and throughput come from the 24 hourly rollups (MonitoringEngine, as GET /?timeRange=24h), the
 * running jobs from the status index, and the last day's wholly failed jobs from a partial index.
 */
class AlertEvaluator
{
public:
    explicit AlertEvaluator(Database &db) : m_db(db), m_jobs(db), m_engine(db, m_jobs) {}

    /// The conditions of the enabled rules that hold at `context.now`, in rule order; per-job ones
    /// oldest first (longProcessingTime by start, batchFailure by completion).
    StoreResult<QList<AlertCondition>> evaluate(const AlertConfig &config, const AlertContext &context);

    /// longProcessingTime's condition for `job` with `observedMs` of processing (by the rule `rule`).
    static AlertCondition processingTimeCondition(const AlertRule &rule, const QString &jobId,
                                                  qint64 observedMs);

    /// "Error rate 14.2 % > 10 %"
    static QString errorRateMessage(double observed, double threshold);
    /// "batch-job-4711: processing time 1 h 12 min > 1 h"
    static QString processingTimeMessage(const QString &jobId, qint64 observedMs, qint64 thresholdMs);
    /// "Throughput 0.25 jobs/h < 0.5 jobs/h"
    static QString throughputMessage(double observed, double threshold);
    /// "batch-job-4698: all 100 requests failed"
    static QString batchFailureMessage(const QString &jobId, qint64 requests);
    /// "1 d 2 h 5 min 3 s" without the zero parts, "0 s"; under a second "250 ms".
    static QString formatDuration(qint64 ms);

    static constexpr qint64 kDayMs = 86400LL * 1000;

private:
    Database &m_db;
    JobStore m_jobs;
    MonitoringEngine m_engine;
};

} // namespace batchmon
