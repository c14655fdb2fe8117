// SPDX-License-Identifier: GPL-3.0-or-later
#include "AlertNotifier.h"

#include "json/Codec.h"

#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QTimer>

namespace batchmon {

namespace {

Q_LOGGING_CATEGORY(lcAlerts, "batchmon.alerts")

} // namespace

AlertNotifier::AlertNotifier(AlertNotifierOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options))
{}

QString AlertNotifier::logLine(const AlertEvent &e)
{
    QString line = QStringLiteral("alert %1 (%2, %3): %4")
                       .arg(QString::number(e.id), toWireString(e.severity), toWireString(e.rule), e.message);
    if (e.resolvedAt)
        line += QStringLiteral(" (already resolved)");
    return line;
}

void AlertNotifier::notify(const QList<AlertEvent> &events, const AlertConfig &config)
{
    const bool log = config.notificationChannels.contains(NotificationChannel::Log);
    const bool webhook =
        config.notificationChannels.contains(NotificationChannel::Webhook) && config.webhookUrl.has_value();
    for (const AlertEvent &e : events) {
        if (log) {
            if (e.severity == Severity::Low)
                qCInfo(lcAlerts).noquote() << logLine(e);
            else
                qCWarning(lcAlerts).noquote() << logLine(e);
        }
        if (webhook) {
            ++m_pending;
            send({QUrl(*config.webhookUrl), QJsonDocument(json::encode(e)).toJson(QJsonDocument::Compact),
                  e.id, 1});
        }
    }
}

void AlertNotifier::send(const Delivery &d)
{
    QNetworkRequest request(d.url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("batchmon-server"));
    // A redirect is not a delivery, and following it could carry the event elsewhere.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(m_options.timeoutMs);
    QNetworkReply *reply = m_nam.post(request, d.body);
    connect(reply, &QNetworkReply::finished, this, [this, reply, d] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 200 && status < 300) {
            --m_pending;
            emit webhookDelivered(d.eventId, d.attempt);
            return;
        }
        const QString reason = status > 0 ? QStringLiteral("HTTP %1").arg(status) : reply->errorString();
        if (d.attempt <= m_options.retryDelaysMs.size()) {
            Delivery next = d;
            ++next.attempt;
            QTimer::singleShot(m_options.retryDelaysMs.at(d.attempt - 1), this, [this, next] { send(next); });
            return;
        }
        --m_pending;
        qCWarning(lcAlerts).noquote()
            << QStringLiteral("alert %1: webhook %2 dropped after %3 attempts; the last: %4")
                   .arg(QString::number(d.eventId), d.url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery))
                   .arg(d.attempt)
                   .arg(reason);
        emit webhookDropped(d.eventId, d.attempt, reason);
    });
}

} // namespace batchmon
