// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DataSource.h"

namespace batchmon {

/// A batchmon-server (or anything speaking docs/api.md) as a DataSource: ApiClient's calls as they are.
class HttpSource : public DataSource
{
    Q_OBJECT
public:
    HttpSource(QNetworkAccessManager &nam, ApiClientOptions options, QObject *parent = nullptr);

    ApiClient &client() { return m_client; }

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

private:
    ApiClient m_client;
};

} // namespace batchmon
