// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ApiError.h"
#include "HttpCall.h"
#include "domain/MonitoringQuery.h"

#include <QFuture>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

class QNetworkAccessManager;

namespace batchmon {

/// Where and how ApiClient talks to a server.
struct ApiClientOptions
{
    QUrl serverUrl; ///< scheme, host, port and an optional path prefix; the API paths are appended
    QString token;  ///< sent as "Authorization: Bearer"; never logged
    /// Trusted in addition to the system's CAs, for a server with its own certificate authority.
    QList<QSslCertificate> extraCaCertificates;
    /// Plain http is refused except to loopback, because it would expose the token; a user may allow it.
    bool allowInsecureHttp = false;
    HttpCallPolicy policy;
};

/// GET /alerts/events filters.
struct AlertEventQuery
{
    bool activeOnly = true;
    qint64 page = 1;
    qint64 limit = 50;
};

/**
 * Every endpoint of docs/api.md as a typed call over an injected QNetworkAccessManager (tests inject a
 * fake one). Each call returns a QFuture that finishes, on this object's thread, with the decoded
 * value or an ApiError. GET and PUT are retried after transient failures; POST never is, since a
 * retried "retry" could start two new jobs.
 */
class ApiClient : public QObject
{
    Q_OBJECT
public:
    static constexpr auto kBasePath = "/api/admin/batch-monitoring";
    static constexpr auto kAuditPath = "/api/admin/audit-logs";

    ApiClient(QNetworkAccessManager &nam, ApiClientOptions options, QObject *parent = nullptr);

    const ApiClientOptions &options() const { return m_options; }
    void setToken(const QString &token) { m_options.token = token; }

    /// Reads PEM certificates from `path`; an error message names the file and what is wrong with it.
    static Result<QList<QSslCertificate>, QString> loadCaFile(const QString &path);

    QFuture<ApiResult<MonitoringSnapshot>> fetchMonitoring(const MonitoringQuery &query);
    QFuture<ApiResult<Job>> fetchJob(const QString &id);
    QFuture<ApiResult<Job>> retryJob(const QString &id);
    QFuture<ApiResult<Job>> cancelJob(const QString &id);
    QFuture<ApiResult<Job>> pauseJob(const QString &id);
    QFuture<ApiResult<Job>> resumeJob(const QString &id);
    QFuture<ApiResult<Job>> setJobPriority(const QString &id, JobPriority priority);
    QFuture<ApiResult<AlertConfig>> fetchAlertConfig();
    QFuture<ApiResult<AlertConfig>> updateAlertConfig(const AlertConfig &config);
    /// POST /alerts/preview: what would fire now under `config`; nothing is stored (role viewer).
    QFuture<ApiResult<AlertPreview>> previewAlerts(const AlertConfig &config);
    QFuture<ApiResult<AlertEventPage>> fetchAlertEvents(const AlertEventQuery &query = {});
    QFuture<ApiResult<AlertEvent>> acknowledgeAlertEvent(qint64 id);
    QFuture<ApiResult<BatchConfig>> fetchConfig();
    QFuture<ApiResult<BatchConfig>> updateConfig(const BatchConfig &config);
    QFuture<ApiResult<SchedulerState>> pauseScheduler();
    QFuture<ApiResult<SchedulerState>> resumeScheduler();
    QFuture<ApiResult<AuditPage>> fetchAuditLog(qint64 page = 1, qint64 limit = 50);
    /// GET /whoami: the token's name and role, so the UI can offer admin actions only to an admin.
    QFuture<ApiResult<Identity>> fetchIdentity();

    /// Ends every call in flight with ApiError::Kind::Cancelled.
    void abortAll();

signals:
    /// A call failed transiently and is sent again after `delayMs` ("retrying in 5 s"); `rateLimited`
    /// when the server refused it with 429 (the wait is then its Retry-After).
    void retryScheduled(const QString &endpoint, int nextAttempt, int delayMs, const QString &reason,
                        bool rateLimited);

private:
    enum class Verb
    {
        Get,
        Post,
        Put
    };

    template<typename T>
    QFuture<ApiResult<T>> call(Verb verb, const QString &path, const QUrlQuery &query = {},
                               const QJsonObject &body = {});
    QString jobPath(const QString &id, const char *action = nullptr) const;
    std::optional<ApiError> checkUrl() const;

    QNetworkAccessManager &m_nam;
    ApiClientOptions m_options;
};

} // namespace batchmon
