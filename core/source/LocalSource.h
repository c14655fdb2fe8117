// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DataSource.h"

#include <QThread>

#include <functional>

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
};

/**
 * The engine in-process over a local SQLite store, with the simulated pipeline running live: the
 * demo workspace. Everything — opening, the first 30-day backfill (≈1.5 s), the live ticks, every
 * query and action — runs on a worker thread of its own, so the UI never waits on SQL; calls made
 * before the store is open queue behind the opening.
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

    /// Starts opening (and, for a new file, backfilling); opened() or openFailed() follows.
    void open();

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

private:
    template<typename T> QFuture<ApiResult<T>> run(std::function<ApiResult<T>(LocalWorker &)> work);

    QString m_actor;
    QThread m_thread;
    LocalWorker *m_worker = nullptr;
};

} // namespace batchmon
