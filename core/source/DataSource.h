// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/ApiClient.h"

#include <QFuture>
#include <QObject>

namespace batchmon {

/**
 * Where the app's data comes from: a batchmon-server over HTTP, or the engine in-process (the demo
 * workspace). The same calls as docs/api.md, each a QFuture that finishes with the value or an
 * ApiError the UI can explain, so the session and the models never know which it is.
 */
class DataSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    virtual QFuture<ApiResult<MonitoringSnapshot>> fetchMonitoring(const MonitoringQuery &query) = 0;
    virtual QFuture<ApiResult<Job>> fetchJob(const QString &id) = 0;
    virtual QFuture<ApiResult<Job>> retryJob(const QString &id) = 0;
    virtual QFuture<ApiResult<Job>> cancelJob(const QString &id) = 0;
    virtual QFuture<ApiResult<Job>> pauseJob(const QString &id) = 0;
    virtual QFuture<ApiResult<Job>> resumeJob(const QString &id) = 0;
    virtual QFuture<ApiResult<Job>> setJobPriority(const QString &id, JobPriority priority) = 0;
    virtual QFuture<ApiResult<AlertConfig>> fetchAlertConfig() = 0;
    virtual QFuture<ApiResult<AlertConfig>> updateAlertConfig(const AlertConfig &config) = 0;
    /// What would fire now under `config` (POST /alerts/preview); changes nothing, so any role may ask.
    virtual QFuture<ApiResult<AlertPreview>> previewAlerts(const AlertConfig &config) = 0;
    virtual QFuture<ApiResult<AlertEventPage>> fetchAlertEvents(const AlertEventQuery &query) = 0;
    virtual QFuture<ApiResult<AlertEvent>> acknowledgeAlertEvent(qint64 id) = 0;
    virtual QFuture<ApiResult<BatchConfig>> fetchConfig() = 0;
    virtual QFuture<ApiResult<BatchConfig>> updateConfig(const BatchConfig &config) = 0;
    virtual QFuture<ApiResult<SchedulerState>> pauseScheduler() = 0;
    virtual QFuture<ApiResult<SchedulerState>> resumeScheduler() = 0;
    /// Who the source acts as, and so whether admin actions are allowed.
    virtual QFuture<ApiResult<Identity>> fetchIdentity() = 0;
    /// False for data that does not change by itself (an exported file): nothing refreshes it on a
    /// timer, and the status says when it was taken rather than when it was last fetched.
    virtual bool isLive() const { return true; }

signals:
    /// The source's data changed by itself (the demo's pipeline ran); a refresh will show it.
    void dataChanged();
    /// A call failed for a reason that may pass and is sent again after `delayMs` (HTTP sources);
    /// `rateLimited` when the server's rate limit refused it (HTTP 429).
    void retryScheduled(int nextAttempt, int delayMs, const QString &reason, bool rateLimited);
};

} // namespace batchmon
