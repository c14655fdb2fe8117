// SPDX-License-Identifier: GPL-3.0-or-later
#include "HttpCall.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace batchmon {

HttpCall::HttpCall(QNetworkAccessManager &nam, const QNetworkRequest &request, const QByteArray &verb,
                   const QByteArray &body, bool idempotent, const HttpCallPolicy &policy, Done done,
                   QObject *parent)
    : QObject(parent), m_nam(nam), m_request(request), m_verb(verb), m_body(body), m_idempotent(idempotent),
      m_policy(policy), m_done(std::move(done))
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(m_policy.transferTimeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        m_timedOut = true;
        if (m_reply)
            m_reply->abort();
    });
    m_retry.setSingleShot(true);
    // A coarse timer may fire 5 % early, and a server's Retry-After is a "not before".
    m_retry.setTimerType(Qt::PreciseTimer);
    connect(&m_retry, &QTimer::timeout, this, &HttpCall::send);
}

void HttpCall::start()
{
    send();
}

void HttpCall::abort()
{
    if (m_finished)
        return;
    m_cancelled = true;
    m_retry.stop();
    if (m_reply) {
        m_reply->abort(); // onFinished() reports the cancellation
    } else {
        ApiError e;
        e.kind = ApiError::Kind::Cancelled;
        e.attempts = m_attempt;
        finish(e);
    }
}

void HttpCall::send()
{
    ++m_attempt;
    m_timedOut = false;
    m_tooLarge = false;
    m_sslErrors.clear();
    QNetworkReply *reply = m_verb == "GET" ? m_nam.sendCustomRequest(m_request, m_verb)
                                           : m_nam.sendCustomRequest(m_request, m_verb, m_body);
    m_reply = reply;
    m_timeout.start();
    auto checkSize = [this, reply](qint64 received, qint64 total) {
        m_timeout.start(); // the timeout is for a stalled transfer, not a long one
        if (received > m_policy.maxResponseBytes || total > m_policy.maxResponseBytes) {
            m_tooLarge = true;
            reply->abort();
        }
    };
    connect(reply, &QNetworkReply::downloadProgress, this, checkSize);
    connect(reply, &QNetworkReply::uploadProgress, this, [this] { m_timeout.start(); });
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply] {
        const qint64 length = reply->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (length > m_policy.maxResponseBytes) {
            m_tooLarge = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError> &errors) {
        m_sslErrors = errors; // recorded for the message; never ignored
    });
    connect(reply, &QNetworkReply::finished, this, &HttpCall::onFinished);
}

void HttpCall::onFinished()
{
    QNetworkReply *reply = m_reply;
    if (!reply)
        return;
    m_timeout.stop();
    reply->deleteLater();
    m_reply = nullptr;

    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    ApiError error;
    error.attempts = m_attempt;
    if (m_cancelled) {
        error.kind = ApiError::Kind::Cancelled;
        finish(error);
        return;
    }
    const QByteArray body = (m_tooLarge || !reply->isOpen()) ? QByteArray() : reply->readAll();
    if (m_tooLarge || body.size() > m_policy.maxResponseBytes) {
        error.kind = ApiError::Kind::ResponseTooLarge;
        error.httpStatus = status;
        error.message = QStringLiteral("more than %1 bytes").arg(m_policy.maxResponseBytes);
        finish(error);
        return;
    }
    if (m_timedOut) {
        error.kind = ApiError::Kind::Timeout;
        error.message = QStringLiteral("no data for %1 s").arg(m_policy.transferTimeoutMs / 1000.0);
    } else if (status == 0) {
        error.networkError = reply->error();
        error.message = reply->errorString();
        switch (reply->error()) {
        case QNetworkReply::SslHandshakeFailedError:
            error.kind = ApiError::Kind::Tls;
            if (!m_sslErrors.isEmpty())
                error.message = m_sslErrors.first().errorString();
            break;
        case QNetworkReply::TimeoutError:
            error.kind = ApiError::Kind::Timeout;
            break;
        case QNetworkReply::OperationCanceledError:
            error.kind = ApiError::Kind::Cancelled;
            break;
        case QNetworkReply::ProtocolUnknownError:
        case QNetworkReply::ProtocolInvalidOperationError:
            error.kind = ApiError::Kind::InvalidUrl;
            break;
        default:
            error.kind = ApiError::Kind::Offline;
            break;
        }
    } else if (status >= 200 && status < 300) {
        finish(body);
        return;
    } else {
        error = classify(status, body, reply->rawHeader("Location"));
        error.attempts = m_attempt;
        error.retryAfterSeconds = parseRetryAfter(reply->rawHeader("Retry-After"));
    }

    if (m_idempotent && error.isTransient() && m_attempt < m_policy.maxAttempts) {
        // 5 s, then 10 s (the seed's DASHBOARD_CONFIG: 3 attempts, 5 s apart, backing off); a server
        // that names its own wait is obeyed, unless it asks for longer than we would keep a user waiting.
        int delay = m_policy.retryDelayMs << (m_attempt - 1);
        if (error.retryAfterSeconds) {
            if (*error.retryAfterSeconds > m_policy.maxRetryAfterSeconds) {
                finish(error);
                return;
            }
            delay = *error.retryAfterSeconds * 1000;
        }
        emit retryScheduled(m_attempt + 1, delay, error.userMessage(),
                            error.kind == ApiError::Kind::RateLimited);
        m_retry.start(delay);
        return;
    }
    finish(error);
}

ApiError HttpCall::classify(int status, const QByteArray &body, const QByteArray &location)
{
    ApiError error;
    error.httpStatus = status;
    if (const auto serverError = json::decodeErrorResponse(body)) {
        error.code = serverError.value().code;
        error.message = serverError.value().message;
        error.parameter = serverError.value().parameter.value_or(QString());
    } else if (status >= 300 && status < 400) {
        error.message = QStringLiteral("redirected to %1; use that address in the profile")
                            .arg(QString::fromUtf8(location));
    }
    switch (status) {
    case 401:
        error.kind = ApiError::Kind::Unauthorized;
        break;
    case 403:
        error.kind = ApiError::Kind::Forbidden;
        break;
    case 404:
        error.kind = ApiError::Kind::NotFound;
        break;
    case 409:
        error.kind = ApiError::Kind::Conflict;
        break;
    case 429:
        error.kind = ApiError::Kind::RateLimited;
        break;
    default:
        if (status >= 500)
            error.kind = ApiError::Kind::ServerError;
        else if (status >= 400)
            error.kind = ApiError::Kind::BadRequest;
        else
            error.kind = ApiError::Kind::BadResponse; // 1xx/3xx: redirects are not followed
        break;
    }
    return error;
}

std::optional<int> HttpCall::parseRetryAfter(const QByteArray &value)
{
    const QByteArray v = value.trimmed();
    if (v.isEmpty())
        return std::nullopt;
    bool ok = false;
    const int seconds = v.toInt(&ok);
    if (ok && seconds >= 0)
        return seconds;
    // The other form RFC 9110 allows: an HTTP date.
    const QDateTime at = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
    if (at.isValid())
        return int(qBound(qint64(0), QDateTime::currentDateTimeUtc().secsTo(at), qint64(86400)));
    return std::nullopt;
}

void HttpCall::finish(Result<QByteArray, ApiError> result)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout.stop();
    m_retry.stop();
    if (m_done)
        m_done(std::move(result));
    deleteLater();
}

} // namespace batchmon
