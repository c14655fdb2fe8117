// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "LocalSource.h"
#include "openai/OpenAiProvider.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SimulatedProvider.h"
#include "store/AdminStore.h"
#include "store/AlertRecorder.h"
#include "store/JobActions.h"
#include "store/MonitoringEngine.h"

#include <QTimer>

#include <memory>

namespace batchmon {

/// LocalSource's half on its worker thread: owns the store, the engine and the pipeline.
class LocalWorker : public QObject
{
    Q_OBJECT
public:
    explicit LocalWorker(LocalSourceOptions options);
    ~LocalWorker() override;

    /// From any thread: the OpenAI account's calls in progress and to come fail at once, so that the
    /// worker thread can stop without waiting for the network.
    void closeProvider()
    {
        if (m_openAi)
            m_openAi->close();
    }

    /// Opens the store, backfills a new one, starts the live ticks. OpenAI mode: no backfill; the first
    /// collect follows at once.
    void open();
    /// OpenAI mode: imports the account's new batches, then checks every batch in flight.
    void collectNow();
    bool isOpen() const { return m_db != nullptr; }

    ApiResult<MonitoringSnapshot> monitoring(const MonitoringQuery &query);
    ApiResult<Job> job(const QString &id);
    ApiResult<Job> act(JobAction action, const QString &id, JobPriority priority = JobPriority::Normal);
    ApiResult<AlertConfig> alertConfig();
    ApiResult<AlertConfig> setAlertConfig(const AlertConfig &config);
    ApiResult<AlertPreview> previewAlerts(const AlertConfig &config);
    ApiResult<AlertEventPage> alertEvents(const AlertEventQuery &query);
    ApiResult<AlertEvent> acknowledge(qint64 id);
    ApiResult<BatchConfig> config();
    ApiResult<BatchConfig> setConfig(const BatchConfig &config);
    ApiResult<SchedulerState> setSchedulerPaused(bool paused);

signals:
    void progress(int percent);
    void opened();
    void openFailed(const QString &message);
    void dataChanged();
    void collectorProblem(const QString &message, bool keyRefused);

private:
    void tick();
    void openAccount();
    /// OpenAI mode: imports the account's new batches; then checks every batch in flight when
    /// `checkAll` or anything was imported, else advances as a tick does.
    void collect(bool checkAll);
    /// advanceTo(now), or — OpenAI mode, the clock far behind (the computer slept) — a check at now.
    void advance(const QDateTime &now);
    /// OpenAI mode: the cancels asked for in the last minutes, sent and confirmed at every live tick.
    void checkCancelling(const QDateTime &now);
    /// Records the alerts after a status check, and tells the session when anything changed.
    void afterTick(const TickReport &report);
    void setProblem(const QString &message, bool keyRefused);
    Provider &provider();
    /// The configuration a new store starts with: the demo's, or openAiConfig().
    BatchConfig defaultConfig() const;
    /// The alert rules until the user sets them: the seed's, but an OpenAI account's low throughput off.
    AlertConfig defaultAlerts() const;
    /// The live schedule for a configuration: the demo's faster polls, or an account's as configured.
    PipelineSettings liveSettings(const PipelineSettings &configured) const;
    /// An error for a call made when the store could not be opened.
    static ApiError notOpen();
    static ApiError fromStore(const StoreError &error);
    /// The 400 the server answers for a refused body: "<path>: <reason>", parameter <path>.
    static ApiError invalidBody(const QString &message, const QString &parameter);
    StoreResult<Done> applyConfig(const BatchConfig &config);

    LocalSourceOptions m_options;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<JobStore> m_jobs;
    std::unique_ptr<AdminStore> m_admin;
    std::unique_ptr<MonitoringEngine> m_engine;
    std::unique_ptr<JobActions> m_actions;
    std::unique_ptr<AlertRecorder> m_alerts;
    SimulatedProvider m_provider;
    SimulatedWorkload m_workload;
    std::unique_ptr<OpenAiProvider> m_openAi; ///< OpenAI mode: the account's provider
    std::unique_ptr<Pipeline> m_pipeline;
    QTimer m_ticker; ///< a child, so it moves to the worker thread with its parent
    QString m_openError;
    QDateTime m_nextCollect;  ///< OpenAI mode: when collectNow() is due again
    QDateTime m_cancelsUntil; ///< OpenAI mode: cancels are checked at every tick until then
    QString m_problem;        ///< what collectorProblem() last said
};

} // namespace batchmon
