// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ApiError.h"

#include <QByteArray>
#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QSslError>
#include <QTimer>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace batchmon {

/// How one logical call is sent and retried (ApiClient fills it from its options).
struct HttpCallPolicy
{
    int transferTimeoutMs = 30000;
    int maxAttempts = 3;
    int retryDelayMs = 5000;
    int maxRetryAfterSeconds = 120;
    qint64 maxResponseBytes = 16 * 1024 * 1024;
};

/**
 * One API call, from the first send to the last attempt: times out a transfer that stalls, caps the
 * response size, classifies failures into ApiError, and re-sends an idempotent request after a
 * transient failure. Delivers the body of a 2xx response, or the error, exactly once, then deletes
 * itself.
 */
class HttpCall : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<QByteArray, ApiError>)>;

    HttpCall(QNetworkAccessManager &nam, const QNetworkRequest &request, const QByteArray &verb,
             const QByteArray &body, bool idempotent, const HttpCallPolicy &policy, Done done,
             QObject *parent = nullptr);

    void start();
    /// Ends the call with Kind::Cancelled.
    void abort();

signals:
    /// A transient failure will be retried after `delayMs`; `rateLimited` when it was a 429, so a caller
    /// can say the wait is the server's rate limit rather than a failure.
    void retryScheduled(int nextAttempt, int delayMs, const QString &reason, bool rateLimited);

private:
    void send();
    void onFinished();
    void finish(Result<QByteArray, ApiError> result);
    static ApiError classify(int status, const QByteArray &body, const QByteArray &location);
    static std::optional<int> parseRetryAfter(const QByteArray &value);

    QNetworkAccessManager &m_nam;
    QNetworkRequest m_request;
    QByteArray m_verb;
    QByteArray m_body;
    bool m_idempotent;
    HttpCallPolicy m_policy;
    Done m_done;

    QPointer<QNetworkReply> m_reply;
    QTimer m_timeout;
    QTimer m_retry;
    int m_attempt = 0;
    bool m_timedOut = false;
    bool m_tooLarge = false;
    bool m_cancelled = false;
    bool m_finished = false;
    QList<QSslError> m_sslErrors;
};

} // namespace batchmon
