// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Alerts.h"

#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

namespace batchmon {

/// How the server's alert channels deliver. The defaults are docs/api.md §12.3's; tests shorten them.
struct AlertNotifierOptions
{
    /// Waits before the 2nd, 3rd and 4th attempt of a webhook that failed; after the last, it is dropped.
    QList<int> retryDelaysMs{10 * 1000, 60 * 1000, 300 * 1000};
    /// An attempt that has not answered by then has failed.
    int timeoutMs = 10 * 1000;
};

/**
 * The channels the server delivers itself (docs/api.md §12.3): `log`, a line in the server log per
 * notification (warning, info for severity low), and `webhook`, a JSON POST of the AlertEvent (no
 * envelope) that counts as delivered on any 2xx within the timeout and is otherwise tried again after
 * each retry delay, then dropped with a log line. Everything is asynchronous on the caller's event
 * loop: notify() returns at once, and neither the HTTP serving nor the pipeline waits for a receiver.
 * `desktop` is the app's: it reads the events itself.
 */
class AlertNotifier : public QObject
{
    Q_OBJECT
public:
    explicit AlertNotifier(AlertNotifierOptions options = {}, QObject *parent = nullptr);

    /// Hands each of `events` to the channels of `config` the server delivers.
    void notify(const QList<AlertEvent> &events, const AlertConfig &config);
    /// Webhook deliveries not yet delivered or dropped (sending or waiting for a retry).
    int pendingWebhooks() const { return m_pending; }

    /// The log channel's line: "alert 12 (high, highErrorRate): Error rate 14.2 % > 10 %".
    static QString logLine(const AlertEvent &event);

signals:
    /// A receiver answered 2xx, at the `attempt`th attempt (1 = the first).
    void webhookDelivered(qint64 eventId, int attempt);
    /// Every attempt failed; `reason` is the last one's ("HTTP 500", "Connection refused").
    void webhookDropped(qint64 eventId, int attempts, const QString &reason);

private:
    struct Delivery
    {
        QUrl url;
        QByteArray body;
        qint64 eventId = 0;
        int attempt = 1;
    };
    void send(const Delivery &delivery);

    AlertNotifierOptions m_options;
    QNetworkAccessManager m_nam;
    int m_pending = 0;
};

} // namespace batchmon
