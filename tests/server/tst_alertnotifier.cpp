// SPDX-License-Identifier: GPL-3.0-or-later
// The channels the server delivers (docs/api.md §12.3): a webhook receiver inside the test (a
// QTcpServer speaking just enough HTTP) that answers as scripted — delivery, retries after failures
// and timeouts, dropping after the last attempt — and the log lines.
#include "AlertNotifier.h"
#include "StoreTestSupport.h"
#include "store/AlertRecorder.h"
#include "json/Codec.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);

/// One request as the receiver read it.
struct Received
{
    QByteArray method;
    QByteArray path;
    QHash<QByteArray, QByteArray> headers; ///< names in lower case
    QByteArray body;
};

/// A webhook receiver on 127.0.0.1: answers each request with the next scripted status (200 once the
/// script is used up); 0 in the script means "never answer" (the sender's timeout).
class Receiver : public QObject
{
public:
    explicit Receiver(QList<int> script = {}) : m_script(std::move(script))
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        if (!m_server.listen(QHostAddress::LocalHost))
            qFatal("the test receiver cannot listen");
    }

    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/hooks/batchmon").arg(m_server.serverPort()));
    }
    QList<Received> received;

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        Received r;
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        const QList<QByteArray> first = lines.first().trimmed().split(' ');
        r.method = first.value(0);
        r.path = first.value(1);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines[i].indexOf(':');
            if (colon > 0)
                r.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        const qsizetype length = r.headers.value("content-length").toLongLong();
        if (buffer.size() < end + 4 + length)
            return;
        r.body = buffer.mid(end + 4, length);
        m_buffers.remove(socket);
        received.append(r);
        const int status = m_script.isEmpty() ? 200 : m_script.takeFirst();
        if (status == 0)
            return; // silent: the sender times out
        const QByteArray answer = "{}";
        socket->write("HTTP/1.1 " + QByteArray::number(status) +
                      " X\r\nContent-Type: application/json\r\n"
                      "Content-Length: " +
                      QByteArray::number(answer.size()) + "\r\nConnection: close\r\n\r\n" + answer);
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QList<int> m_script;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

AlertEvent sampleEvent(qint64 id = 17, Severity severity = Severity::High)
{
    return {id,           AlertRuleId::HighErrorRate,
            severity,     14.2,
            10,           QStringLiteral("Error rate 14.2 % > 10 %"),
            kNow,         kNow.addSecs(120),
            std::nullopt, std::nullopt,
            std::nullopt, std::nullopt};
}

AlertConfig webhookTo(const QUrl &url, QList<NotificationChannel> channels = {NotificationChannel::Webhook})
{
    AlertConfig c = AlertConfig::defaults();
    c.notificationChannels = std::move(channels);
    c.webhookUrl = url.toString();
    return c;
}

AlertNotifierOptions fast(int timeoutMs = 10000)
{
    AlertNotifierOptions o;
    o.retryDelaysMs = {30, 30, 30};
    o.timeoutMs = timeoutMs;
    return o;
}

} // namespace

class TestAlertNotifier : public QObject
{
    Q_OBJECT

private slots:
    void delivered()
    {
        Receiver receiver;
        AlertNotifier notifier(fast());
        QSignalSpy delivered(&notifier, &AlertNotifier::webhookDelivered);
        QElapsedTimer elapsed;
        elapsed.start();
        notifier.notify({sampleEvent()}, webhookTo(receiver.url()));
        // Nothing waits for the receiver (which answers on this same thread, so waiting would hang).
        QVERIFY(elapsed.elapsed() < 5000);
        QCOMPARE(notifier.pendingWebhooks(), 1);
        QVERIFY(delivered.wait(5000));
        QCOMPARE(delivered.at(0).at(0).toLongLong(), 17);
        QCOMPARE(delivered.at(0).at(1).toInt(), 1);
        QCOMPARE(notifier.pendingWebhooks(), 0);
        QCOMPARE(receiver.received.size(), 1);
        const Received &r = receiver.received.first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/hooks/batchmon"));
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        // The AlertEvent itself, no envelope.
        QCOMPARE(QJsonDocument::fromJson(r.body).object(), json::encode(sampleEvent()));
        QCOMPARE(json::decodeValue<AlertEvent>(QJsonDocument::fromJson(r.body).object()).value(),
                 sampleEvent());
    }

    void retriedWhenTheReceiverFails()
    {
        // The first two attempts fail (a 500, then a 503); the third is delivered.
        Receiver receiver({500, 503});
        AlertNotifier notifier(fast());
        QSignalSpy delivered(&notifier, &AlertNotifier::webhookDelivered);
        QSignalSpy dropped(&notifier, &AlertNotifier::webhookDropped);
        notifier.notify({sampleEvent()}, webhookTo(receiver.url()));
        QVERIFY(delivered.wait(5000));
        QCOMPARE(delivered.at(0).at(1).toInt(), 3);
        QVERIFY(dropped.isEmpty());
        QCOMPARE(receiver.received.size(), 3);
        for (const Received &r : receiver.received)
            QCOMPARE(QJsonDocument::fromJson(r.body).object(), json::encode(sampleEvent()));
    }

    void retriedAfterATimeout()
    {
        // The receiver keeps the first attempt waiting past the timeout.
        Receiver receiver({0});
        AlertNotifier notifier(fast(300));
        QSignalSpy delivered(&notifier, &AlertNotifier::webhookDelivered);
        notifier.notify({sampleEvent()}, webhookTo(receiver.url()));
        QVERIFY(delivered.wait(5000));
        QCOMPARE(delivered.at(0).at(1).toInt(), 2);
        QCOMPARE(receiver.received.size(), 2);
    }

    void droppedAfterTheLastRetry()
    {
        Receiver receiver({500, 500, 500, 500, 500});
        AlertNotifier notifier(fast());
        QSignalSpy delivered(&notifier, &AlertNotifier::webhookDelivered);
        QSignalSpy dropped(&notifier, &AlertNotifier::webhookDropped);
        QTest::ignoreMessage(QtWarningMsg, qPrintable(QStringLiteral("alert 17: webhook %1 dropped after 4 "
                                                                     "attempts; the last: HTTP 500")
                                                          .arg(receiver.url().toString())));
        notifier.notify({sampleEvent()}, webhookTo(receiver.url()));
        QVERIFY(dropped.wait(5000));
        QCOMPARE(dropped.at(0).at(0).toLongLong(), 17);
        QCOMPARE(dropped.at(0).at(1).toInt(), 4); // the first attempt and three retries
        QCOMPARE(dropped.at(0).at(2).toString(), QStringLiteral("HTTP 500"));
        QCOMPARE(receiver.received.size(), 4);
        QVERIFY(delivered.isEmpty());
        QCOMPARE(notifier.pendingWebhooks(), 0);
    }

    void noReceiver()
    {
        // Nobody listens: the connection is refused at every attempt.
        QUrl url;
        {
            Receiver gone;
            url = gone.url();
        }
        AlertNotifier notifier(fast());
        QSignalSpy dropped(&notifier, &AlertNotifier::webhookDropped);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("^alert 17: webhook .* dropped after 4")));
        notifier.notify({sampleEvent()}, webhookTo(url));
        QVERIFY(dropped.wait(5000));
        QVERIFY2(dropped.at(0).at(2).toString().contains(QStringLiteral("refused")),
                 qPrintable(dropped.at(0).at(2).toString()));
    }

    void logLines()
    {
        AlertNotifier notifier(fast());
        AlertConfig log = AlertConfig::defaults();
        log.notificationChannels = {NotificationChannel::Log, NotificationChannel::Desktop};
        // Warning level, info for severity low.
        QTest::ignoreMessage(QtWarningMsg, "alert 17 (high, highErrorRate): Error rate 14.2 % > 10 %");
        QTest::ignoreMessage(QtInfoMsg, "alert 18 (low, highErrorRate): Error rate 14.2 % > 10 %");
        AlertEvent over = sampleEvent(19, Severity::Critical);
        over.resolvedAt = kNow;
        QTest::ignoreMessage(
            QtWarningMsg, "alert 19 (critical, highErrorRate): Error rate 14.2 % > 10 % (already resolved)");
        notifier.notify({sampleEvent(17), sampleEvent(18, Severity::Low), over}, log);
        QCOMPARE(notifier.pendingWebhooks(), 0); // no webhook channel
        // No channel of the server's: nothing at all (the app shows desktop notifications itself).
        AlertConfig desktop = AlertConfig::defaults();
        desktop.notificationChannels = {NotificationChannel::Desktop};
        QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
        notifier.notify({sampleEvent()}, desktop);
    }

    void evaluatedEventsReachTheWebhook()
    {
        // The leader's path: record at a status check, then notify what is due.
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        JobStore jobs(*db);
        StoredJob s;
        s.job.id = QStringLiteral("batch-job-4698");
        s.job.status = JobStatus::Failed;
        s.job.jobType = QStringLiteral("ai_analysis");
        s.job.requestCount = 100;
        s.job.failedCount = 100;
        s.job.createdAt = kNow.addSecs(-3600);
        s.job.startedAt = kNow.addSecs(-3000);
        s.job.completedAt = kNow.addSecs(-60);
        s.job.processingTimeMs = 2940000;
        s.errorCounts.insert(QStringLiteral("batch_expired"), 100);
        QVERIFY(jobs.insert(s, QStringLiteral("pipeline")).ok());
        Receiver receiver;
        AdminStore admin(*db);
        AlertConfig config = webhookTo(receiver.url(), {NotificationChannel::Webhook});
        for (AlertRule &r : config.rules)
            r.enabled = r.id == AlertRuleId::BatchFailure;
        QVERIFY(admin.setAlertConfig(config).ok());
        AlertRecorder recorder(*db);
        const auto run = recorder.recordAt(kNow, AlertConfig::defaults(), BatchConfig());
        QVERIFY(run.ok());
        QCOMPARE(run.value().notify.size(), 1);
        AlertNotifier notifier(fast());
        QSignalSpy delivered(&notifier, &AlertNotifier::webhookDelivered);
        notifier.notify(run.value().notify, run.value().config);
        QVERIFY(delivered.wait(5000));
        const QJsonObject body = QJsonDocument::fromJson(receiver.received.first().body).object();
        QCOMPARE(body.value(QStringLiteral("rule")).toString(), QStringLiteral("batchFailure"));
        QCOMPARE(body.value(QStringLiteral("message")).toString(),
                 QStringLiteral("batch-job-4698: all 100 requests failed"));
        QCOMPARE(body.value(QStringLiteral("jobId")).toString(), QStringLiteral("batch-job-4698"));
        // A second status check: still failed, but immediate notifies once.
        const auto again = recorder.recordAt(kNow.addSecs(120), AlertConfig::defaults(), BatchConfig());
        QVERIFY(again.value().notify.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAlertNotifier)
#include "tst_alertnotifier.moc"
