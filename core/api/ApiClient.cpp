// SPDX-License-Identifier: GPL-3.0-or-later
#include "ApiClient.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QPromise>
#include <QSslConfiguration>

#include <memory>

namespace batchmon {

ApiClient::ApiClient(QNetworkAccessManager &nam, ApiClientOptions options, QObject *parent)
    : QObject(parent), m_nam(nam), m_options(std::move(options))
{}

Result<QList<QSslCertificate>, QString> ApiClient::loadCaFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return tr("Cannot read the CA file %1: %2").arg(path, file.errorString());
    if (file.size() > 1024 * 1024)
        return tr("The CA file %1 is larger than 1 MiB; it should hold a few PEM certificates.").arg(path);
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates.isEmpty())
        return tr("The CA file %1 holds no PEM certificate (-----BEGIN CERTIFICATE-----).").arg(path);
    return certificates;
}

std::optional<ApiError> ApiClient::checkUrl() const
{
    const QUrl &url = m_options.serverUrl;
    const QString scheme = url.scheme();
    ApiError error;
    if (!url.isValid() || url.host().isEmpty() ||
        (scheme != QLatin1String("https") && scheme != QLatin1String("http"))) {
        error.kind = ApiError::Kind::InvalidUrl;
        error.message = url.toDisplayString();
        return error;
    }
    if (scheme == QLatin1String("http") && !m_options.allowInsecureHttp) {
        const QHostAddress address(url.host());
        const bool loopback = url.host() == QLatin1String("localhost") || address.isLoopback();
        if (!loopback) {
            error.kind = ApiError::Kind::InsecureUrl;
            error.message = url.toDisplayString();
            return error;
        }
    }
    return std::nullopt;
}

template<typename T>
QFuture<ApiResult<T>> ApiClient::call(Verb verb, const QString &path, const QUrlQuery &query,
                                      const QJsonObject &body)
{
    auto promise = std::make_shared<QPromise<ApiResult<T>>>();
    QFuture<ApiResult<T>> future = promise->future();
    promise->start();
    if (const auto error = checkUrl()) {
        promise->addResult(ApiResult<T>(*error));
        promise->finish();
        return future;
    }

    QUrl url = m_options.serverUrl;
    QString prefix = url.path();
    while (prefix.endsWith(QLatin1Char('/')))
        prefix.chop(1);
    url.setPath(prefix + path, QUrl::StrictMode);
    url.setQuery(query);
    url.setFragment(QString());

    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("batchmon/" BATCHMON_VERSION));
    if (!m_options.token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_options.token.toUtf8());
    // A redirect could carry the token to another host: report it instead of following it.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    if (url.scheme() == QLatin1String("https")) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (!m_options.extraCaCertificates.isEmpty())
            ssl.setCaCertificates(ssl.caCertificates() + m_options.extraCaCertificates);
        request.setSslConfiguration(ssl);
    }

    QByteArray verbName;
    QByteArray payload;
    switch (verb) {
    case Verb::Get:
        verbName = "GET";
        break;
    case Verb::Post:
        verbName = "POST";
        break;
    case Verb::Put:
        verbName = "PUT";
        break;
    }
    // Actions (retry, cancel, …) carry no body at all rather than "{}".
    if (!body.isEmpty())
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
    if (!payload.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));

    const qint64 maxBytes = m_options.policy.maxResponseBytes;
    auto *httpCall = new HttpCall(
        m_nam, request, verbName, payload, verb != Verb::Post, m_options.policy,
        [promise, maxBytes](Result<QByteArray, ApiError> raw) {
            if (!raw) {
                promise->addResult(ApiResult<T>(raw.error()));
            } else {
                auto decoded = json::decodeResponse<T>(raw.value(), maxBytes);
                if (decoded) {
                    promise->addResult(ApiResult<T>(std::move(decoded).value()));
                } else {
                    ApiError error;
                    error.kind = ApiError::Kind::BadResponse;
                    error.httpStatus = 200;
                    error.path = decoded.error().path;
                    error.message = decoded.error().message;
                    promise->addResult(ApiResult<T>(error));
                }
            }
            promise->finish();
        },
        this);
    connect(httpCall, &HttpCall::retryScheduled, this,
            [this, path](int attempt, int delayMs, const QString &reason, bool rateLimited) {
                emit retryScheduled(path, attempt, delayMs, reason, rateLimited);
            });
    httpCall->start();
    return future;
}

QString ApiClient::jobPath(const QString &id, const char *action) const
{
    // Ids come from the server; encoding them keeps a "/" or "?" in one from changing the route.
    QString path =
        QLatin1String(kBasePath) + QLatin1Char('/') + QString::fromLatin1(QUrl::toPercentEncoding(id));
    if (action)
        path += QLatin1Char('/') + QLatin1String(action);
    return path;
}

QFuture<ApiResult<MonitoringSnapshot>> ApiClient::fetchMonitoring(const MonitoringQuery &query)
{
    return call<MonitoringSnapshot>(Verb::Get, QLatin1String(kBasePath), query.toUrlQuery());
}

QFuture<ApiResult<Job>> ApiClient::fetchJob(const QString &id)
{
    return call<Job>(Verb::Get, jobPath(id));
}

QFuture<ApiResult<Job>> ApiClient::retryJob(const QString &id)
{
    return call<Job>(Verb::Post, jobPath(id, "retry"));
}

QFuture<ApiResult<Job>> ApiClient::cancelJob(const QString &id)
{
    return call<Job>(Verb::Post, jobPath(id, "cancel"));
}

QFuture<ApiResult<Job>> ApiClient::pauseJob(const QString &id)
{
    return call<Job>(Verb::Post, jobPath(id, "pause"));
}

QFuture<ApiResult<Job>> ApiClient::resumeJob(const QString &id)
{
    return call<Job>(Verb::Post, jobPath(id, "resume"));
}

QFuture<ApiResult<Job>> ApiClient::setJobPriority(const QString &id, JobPriority priority)
{
    return call<Job>(Verb::Put, jobPath(id, "priority"), {}, json::encode(PriorityChange{priority}));
}

QFuture<ApiResult<AlertConfig>> ApiClient::fetchAlertConfig()
{
    return call<AlertConfig>(Verb::Get, QLatin1String(kBasePath) + QStringLiteral("/alerts"));
}

QFuture<ApiResult<AlertConfig>> ApiClient::updateAlertConfig(const AlertConfig &config)
{
    return call<AlertConfig>(Verb::Post, QLatin1String(kBasePath) + QStringLiteral("/alerts"), {},
                             json::encode(config));
}

QFuture<ApiResult<AlertPreview>> ApiClient::previewAlerts(const AlertConfig &config)
{
    return call<AlertPreview>(Verb::Post, QLatin1String(kBasePath) + QStringLiteral("/alerts/preview"), {},
                              json::encode(config));
}

QFuture<ApiResult<AlertEventPage>> ApiClient::fetchAlertEvents(const AlertEventQuery &query)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("state"),
                   query.activeOnly ? QStringLiteral("active") : QStringLiteral("all"));
    q.addQueryItem(QStringLiteral("page"), QString::number(query.page));
    q.addQueryItem(QStringLiteral("limit"), QString::number(query.limit));
    return call<AlertEventPage>(Verb::Get, QLatin1String(kBasePath) + QStringLiteral("/alerts/events"), q);
}

QFuture<ApiResult<AlertEvent>> ApiClient::acknowledgeAlertEvent(qint64 id)
{
    return call<AlertEvent>(Verb::Post,
                            QLatin1String(kBasePath) + QStringLiteral("/alerts/events/%1/ack").arg(id));
}

QFuture<ApiResult<BatchConfig>> ApiClient::fetchConfig()
{
    return call<BatchConfig>(Verb::Get, QLatin1String(kBasePath) + QStringLiteral("/config"));
}

QFuture<ApiResult<BatchConfig>> ApiClient::updateConfig(const BatchConfig &config)
{
    return call<BatchConfig>(Verb::Put, QLatin1String(kBasePath) + QStringLiteral("/config"), {},
                             json::encode(config));
}

QFuture<ApiResult<SchedulerState>> ApiClient::pauseScheduler()
{
    return call<SchedulerState>(Verb::Post, QLatin1String(kBasePath) + QStringLiteral("/scheduler/pause"));
}

QFuture<ApiResult<SchedulerState>> ApiClient::resumeScheduler()
{
    return call<SchedulerState>(Verb::Post, QLatin1String(kBasePath) + QStringLiteral("/scheduler/resume"));
}

QFuture<ApiResult<AuditPage>> ApiClient::fetchAuditLog(qint64 page, qint64 limit)
{
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("page"), QString::number(page));
    q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return call<AuditPage>(Verb::Get, QLatin1String(kAuditPath), q);
}

QFuture<ApiResult<Identity>> ApiClient::fetchIdentity()
{
    return call<Identity>(Verb::Get, QLatin1String(kBasePath) + QStringLiteral("/whoami"));
}

void ApiClient::abortAll()
{
    const auto calls = findChildren<HttpCall *>(QString(), Qt::FindDirectChildrenOnly);
    for (HttpCall *c : calls)
        c->abort();
}

} // namespace batchmon
