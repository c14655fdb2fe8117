// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpSource.h"

namespace batchmon {

HttpSource::HttpSource(QNetworkAccessManager &nam, ApiClientOptions options, QObject *parent)
    : DataSource(parent), m_client(nam, std::move(options))
{
    connect(&m_client, &ApiClient::retryScheduled, this,
            [this](const QString &, int attempt, int delayMs, const QString &reason, bool rateLimited) {
                emit retryScheduled(attempt, delayMs, reason, rateLimited);
            });
}

QFuture<ApiResult<MonitoringSnapshot>> HttpSource::fetchMonitoring(const MonitoringQuery &q)
{
    return m_client.fetchMonitoring(q);
}
QFuture<ApiResult<Job>> HttpSource::fetchJob(const QString &id)
{
    return m_client.fetchJob(id);
}
QFuture<ApiResult<Job>> HttpSource::retryJob(const QString &id)
{
    return m_client.retryJob(id);
}
QFuture<ApiResult<Job>> HttpSource::cancelJob(const QString &id)
{
    return m_client.cancelJob(id);
}
QFuture<ApiResult<Job>> HttpSource::pauseJob(const QString &id)
{
    return m_client.pauseJob(id);
}
QFuture<ApiResult<Job>> HttpSource::resumeJob(const QString &id)
{
    return m_client.resumeJob(id);
}
QFuture<ApiResult<Job>> HttpSource::setJobPriority(const QString &id, JobPriority p)
{
    return m_client.setJobPriority(id, p);
}
QFuture<ApiResult<AlertConfig>> HttpSource::fetchAlertConfig()
{
    return m_client.fetchAlertConfig();
}
QFuture<ApiResult<AlertConfig>> HttpSource::updateAlertConfig(const AlertConfig &c)
{
    return m_client.updateAlertConfig(c);
}
QFuture<ApiResult<AlertPreview>> HttpSource::previewAlerts(const AlertConfig &c)
{
    return m_client.previewAlerts(c);
}
QFuture<ApiResult<AlertEventPage>> HttpSource::fetchAlertEvents(const AlertEventQuery &q)
{
    return m_client.fetchAlertEvents(q);
}
QFuture<ApiResult<AlertEvent>> HttpSource::acknowledgeAlertEvent(qint64 id)
{
    return m_client.acknowledgeAlertEvent(id);
}
QFuture<ApiResult<BatchConfig>> HttpSource::fetchConfig()
{
    return m_client.fetchConfig();
}
QFuture<ApiResult<BatchConfig>> HttpSource::updateConfig(const BatchConfig &c)
{
    return m_client.updateConfig(c);
}
QFuture<ApiResult<SchedulerState>> HttpSource::pauseScheduler()
{
    return m_client.pauseScheduler();
}
QFuture<ApiResult<SchedulerState>> HttpSource::resumeScheduler()
{
    return m_client.resumeScheduler();
}
QFuture<ApiResult<Identity>> HttpSource::fetchIdentity()
{
    return m_client.fetchIdentity();
}

} // namespace batchmon
