// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DataSource.h"
#include "openai/OpenAiProvider.h"

#include <QThread>

#include <functional>
#include <optional>

namespace batchmon {

class LocalWorker;

/// How a LocalSource runs. The defaults are the demo workspace's.
struct LocalSourceOptions
{
    QString databasePath;    ///< the SQLite file; created with 30 days of history when new
    quint64 seed = 20241101; ///< of the simulated provider and traffic
    int backfillDays = 30;
    int liveTickMs = 5000;                  ///< how often the live pipeline catches up with the clock
    QString actor = QStringLiteral("demo"); ///< who the timeline and audit log name for actions
    std::function<QDateTime()> clock = [] {
        return QDateTime::currentDateTimeUtc();
    };
    /**
     * Set: an OpenAI account's collector instead of the simulation. The account's batches are imported
     * (Pipeline::collect) when the store opens and at every status check, and polled, priced and
     * cancelled through an OpenAiProvider; no simulated traffic, no backfill. A new store starts with
     * openAiConfig(). The provider's failures are said by collectorProblem().
     */
    std::optional<OpenAiSettings> openAi;
};

/**
 * The engine in-process over a local SQLite store, with the simulated pipeline running live: the
 * demo workspace. Everything — opening, the first 30-day backfill (≈1.5 s), the live ticks, every
 * query and action — runs on a worker thread of its own, so the UI never waits on SQL; calls made
 * before the store is open queue behind the opening.
 *
 * With LocalSourceOptions::openAi, the same over an OpenAI account instead: the collector of an
 * "OpenAI account" connection profile. Its provider calls block the worker thread too (never the UI's);
 * calls made meanwhile queue behind them.
 */
class LocalSource : public DataSource
{
    Q_OBJECT
public:
    explicit LocalSource(LocalSourceOptions options, QObject *parent = nullptr);
    ~LocalSource() override;

    /// The demo workspace's file in the user's data folder.
    static QString defaultDemoPath();
    /// The configuration a new demo store starts with: the seed's, with batches of at least 100
    /// requests, so the demo's numbers look like the seed's (~150 jobs a day averaging ~100 requests).
    static BatchConfig demoConfig();
    /// The configuration a new OpenAI account store starts with: status checks (and so imports of new
    /// batches) and result processing every minute.
    static BatchConfig openAiConfig();

    /**
     * What an OpenAI provider's failure means to the user of the account at @p baseUrl, and what to do:
     * a refused key, an address that is not the Batch API, a server that cannot be reached, a quota.
     */
    static QString explainOpenAiError(const ProviderError &error, const QUrl &baseUrl);
    /**
     * Lists the first page (up to 100) of the account's batches with @p settings on a thread of its own:
     * what the connection dialog tests a key with, through the same provider the collector uses.
     */
    static QFuture<Result<BatchPage, ProviderError>> probeOpenAi(const OpenAiSettings &settings);

    bool isOpenAi() const { return m_openAi; }
    /// OpenAI mode: what collectorProblem() last said (empty while the account answers).
    QString collectorProblemText() const { return m_problem; }

    /// Starts opening (and, for a new file, backfilling); opened() or openFailed() follows.
    void open();
    /// OpenAI mode: imports the account's new batches and checks those in flight now, rather than at
    /// the next status check (the user's "Try now").
    void collectNow();

    QFuture<ApiResult<MonitoringSnapshot>> fetchMonitoring(const MonitoringQuery &query) override;
    QFuture<ApiResult<Job>> fetchJob(const QString &id) override;
    QFuture<ApiResult<Job>> retryJob(const QString &id) override;
    QFuture<ApiResult<Job>> cancelJob(const QString &id) override;
    QFuture<ApiResult<Job>> pauseJob(const QString &id) override;
    QFuture<ApiResult<Job>> resumeJob(const QString &id) override;
    QFuture<ApiResult<Job>> setJobPriority(const QString &id, JobPriority priority) override;
    QFuture<ApiResult<AlertConfig>> fetchAlertConfig() override;
    QFuture<ApiResult<AlertConfig>> updateAlertConfig(const AlertConfig &config) override;
    QFuture<ApiResult<AlertPreview>> previewAlerts(const AlertConfig &config) override;
    QFuture<ApiResult<AlertEventPage>> fetchAlertEvents(const AlertEventQuery &query) override;
    QFuture<ApiResult<AlertEvent>> acknowledgeAlertEvent(qint64 id) override;
    QFuture<ApiResult<BatchConfig>> fetchConfig() override;
    QFuture<ApiResult<BatchConfig>> updateConfig(const BatchConfig &config) override;
    QFuture<ApiResult<SchedulerState>> pauseScheduler() override;
    QFuture<ApiResult<SchedulerState>> resumeScheduler() override;
    QFuture<ApiResult<Identity>> fetchIdentity() override;

signals:
    /// Backfill progress of a new store, 0–100.
    void openProgress(int percent);
    void opened();
    void openFailed(const QString &message);
    /**
     * OpenAI mode: the account cannot be read (`message` explains it, see explainOpenAiError();
     * `keyRefused` when the API key is the cause), or — with an empty message — can be again. The
     * store's data stays readable meanwhile.
     */
    void collectorProblem(const QString &message, bool keyRefused);

private:
    template<typename T> QFuture<ApiResult<T>> run(std::function<ApiResult<T>(LocalWorker &)> work);

    QString m_actor;
    bool m_openAi = false;
    QString m_problem;
    QThread m_thread;
    LocalWorker *m_worker = nullptr;
};

} // namespace batchmon
