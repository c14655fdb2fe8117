// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/BatchConfigValidation.h"
#include "pipeline/Provider.h"
#include "pipeline/Workload.h"
#include "store/AdminStore.h"
#include "store/JobStore.h"
#include "store/RequestStore.h"

#include <QHash>
#include <QSet>

#include <variant>

namespace batchmon {

/// The seed's BATCH_* parameters as the pipeline uses them.
struct PipelineSettings
{
    /// Fixed periods from the epoch, used where no cron schedule is set (the demo's 30-second polls,
    /// a backfill's coarser ones); from() sets both, and the schedule decides.
    qint64 createIntervalMs = 5 * 60 * 1000;
    qint64 statusIntervalMs = 2 * 60 * 1000;
    qint64 resultIntervalMs = 60 * 1000;
    /// The configuration's cron forms, fired as cron does ("7 * * * *" at minute 7 of every hour).
    std::optional<CronSchedule> createSchedule;
    std::optional<CronSchedule> statusSchedule;
    std::optional<CronSchedule> resultSchedule;
    qint64 minSize = 10;
    qint64 maxRequests = 1000;
    qint64 retentionDays = 30;
    /// BATCH_TIMEOUT_HOURS: a submitted batch not finished this long after submission is expired by
    /// the pipeline (its unprocessed requests fail with batch_expired) and cancelled at the provider.
    qint64 timeoutMs = 24LL * 3600 * 1000;
    bool processingEnabled = true;
    /// Record in-progress counts at every status poll (live), or only status changes and results
    /// (a backfill, where nobody watches the progress and it would be most of the writes).
    bool recordProgress = true;
    /// The intake's requests: a group smaller than minSize goes anyway once its oldest request has
    /// waited this long, so a quiet producer's requests are not held for good.
    qint64 intakeMaxWaitMs = 3600 * 1000;

    /// From a configuration; the error is the first of validateBatchConfig() ("<field>: <reason>").
    static std::variant<PipelineSettings, QString> from(const BatchConfig &config);
    /// Writing history nobody watched: batches every 5 minutes as configured, but status and results
    /// looked at every 10 and 5 minutes, and no in-progress counts. The history's jobs, outcomes and
    /// times are the same (they come from the provider); only the polls are fewer.
    static PipelineSettings backfill(const PipelineSettings &live);
};

/// What one advanceTo() did, for logs and tests.
struct TickReport
{
    int created = 0;
    int submitted = 0;
    int updated = 0;
    int finished = 0;
    qint64 purged = 0;
    /// The last status check (BATCH_STATUS_CHECK_INTERVAL tick) it ran, if any: the owner evaluates
    /// the alert rules after it (AlertRecorder), once per advance however many checks it caught up.
    std::optional<QDateTime> statusCheckedAt;
    /// Jobs sent back to `pending` because the provider refused their batch for its enqueued-token
    /// limit (token_limit_exceeded): sent again at a later creation tick.
    int requeued = 0;
};

/// What one collect() did.
struct CollectReport
{
    int listed = 0;   ///< batches the provider listed
    int imported = 0; ///< of those, new jobs
    int pages = 0;
    std::optional<ProviderError> error; ///< why it stopped early, if it did
};

/**
 * The scheduler of the seed's Configuration section, driven by an explicit clock: advanceTo(now)
 * runs every tick due since the last call, in time order — results every BATCH_RESULT_PROCESSING_
 * INTERVAL, status polls every BATCH_STATUS_CHECK_INTERVAL, batch creation (grouping the requests
 * that arrived by job type and model into batches of BATCH_MIN_SIZE … BATCH_MAX_REQUESTS) and
 * submission (priority first, then oldest, within the provider's enqueued-token quota) every
 * BATCH_CREATE_INTERVAL, purging past BATCH_MONITORING_RETENTION_DAYS once a day. With a pure provider
 * and workload, the same clock gives the same history, which is how 30 days are backfilled in seconds.
 *
 * The clock and the requests still waiting for a batch are kept in the store, so a restarted process
 * goes on where the last one stopped. Each advanceTo() is one transaction.
 */
class Pipeline
{
public:
    Pipeline(Database &db, Provider &provider, Workload &workload, PipelineSettings settings);
    /// A pipeline of the intake's requests (RequestStore, docs/api.md §18) for a provider that sends
    /// them (Provider::sendsRequests): requests are grouped by job type, model and endpoint, oldest
    /// first; a finished batch's outcomes are recorded per request.
    Pipeline(Database &db, Provider &provider, PipelineSettings settings);

    void setSettings(const PipelineSettings &settings) { m_settings = settings; }
    const PipelineSettings &settings() const { return m_settings; }

    /// Where the clock stands; unset before the first advanceTo() of a new store.
    StoreResult<std::optional<QDateTime>> clock();
    /// Starts a new store's clock at `start` (the backfill's beginning); no-op once it has one.
    StoreResult<Done> startAt(const QDateTime &start);
    StoreResult<TickReport> advanceTo(const QDateTime &now);
    /**
     * A status and result check at `now`, outside the schedule, of every batch in flight — or, with
     * `cancellingOnly`, of the jobs being cancelled only — for a collector that was just opened, has
     * just imported batches or was just asked to cancel one, so that nobody waits for the next
     * BATCH_STATUS_CHECK_INTERVAL tick. The clock moves to `now` (never back) without running the ticks
     * missed since it stood: a collector that slept for hours asks the provider about the present, not
     * about every minute it missed. A day boundary crossed still purges. With `cancellingOnly` the clock
     * stays where it is. One transaction.
     */
    StoreResult<TickReport> checkNow(const QDateTime &now, bool cancellingOnly = false);

    /**
     * Imports the provider's batches that were made outside batchmon (Provider::listBatches, newest
     * first) as jobs, which the next advances poll like their own; a batch imported before, or made by
     * this pipeline, is not imported again. Pages until the retention window's start, or — once a
     * whole pass has been made — until a page holds a batch it knows. Each page is one transaction.
     */
    StoreResult<CollectReport> collect(const QDateTime &now, int pageSize = 100);

private:
    struct Buffered
    {
        qint64 count = 0;
        qint64 tokens = 0;
    };

    /// Loads the waiting requests; returns the time of the last creation tick.
    StoreResult<qint64> load(qint64 clockMs);
    /// load(), then the jobs in flight and pending, the scheduler's state and the imported jobs.
    StoreResult<qint64> loadAll(qint64 clockMs);
    StoreResult<Done> save(qint64 clockMs, qint64 lastCreateMs);
    StoreResult<Done> createBatches(qint64 fromMs, qint64 toMs, TickReport &report);
    StoreResult<Done> createFromIntake(qint64 atMs, TickReport &report);
    /// The requests a provider that sends them gets for job `s` (a retry takes its original's
    /// unfinished ones); empty when there are none.
    StoreResult<QList<ProviderRequest>> requestsFor(StoredJob &s);
    /// Records the per-request outcomes of a finished intake job.
    StoreResult<Done> recordOutcomes(const StoredJob &s, const ProviderBatchStatus &p,
                                     const QDateTime &finishedAt);
    StoreResult<Done> loadImported();
    StoreResult<Done> submitPending(qint64 atMs, TickReport &report);
    StoreResult<Done> poll(qint64 atMs, bool processResults, TickReport &report);
    StoreResult<Done> purge(qint64 atMs, TickReport &report);

    Database &m_db;
    JobStore m_jobs;
    AdminStore m_admin;
    RequestStore m_requests;
    Provider &m_provider;
    Workload *m_workload = nullptr; ///< null: the intake's requests
    PipelineSettings m_settings;

    /// "jobType\nmodel" → requests waiting for a batch. A QMap, not a QHash: batches are made in
    /// its iteration order, and QHash's differs between processes, which gave a restarted pipeline
    /// other job ids than an uninterrupted one.
    QMap<QString, Buffered> m_buffer;
    // Within one advanceTo() nothing else writes (it is one transaction), so the jobs it works on are
    // read once and kept here: re-reading them at every tick made three days take 10 s.
    QList<StoredJob> m_flying;    ///< submitted, not finished, oldest first
    QList<StoredJob> m_pending;   ///< pending, oldest first
    QList<StoredJob> m_requeued;  ///< back to pending this tick (token_limit_exceeded): sent at a later one
    QSet<QString> m_importedJobs; ///< of the jobs in flight, those of batches made outside batchmon
    bool m_paused = false;
};

} // namespace batchmon
