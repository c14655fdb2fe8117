// SPDX-License-Identifier: GPL-3.0-or-later
// ApiClient over the real QNetworkAccessManager against misbehaving servers on 127.0.0.1: one that
// never answers, one that sends too much, a closed port, and TLS with and without the server's CA.
#include "Await.h"
#include "api/ApiClient.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace batchmon;

namespace {

QByteArray readFixture(const char *name)
{
    QFile f(QStringLiteral(BATCHMON_FIXTURES "/") + QLatin1String(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}

/// Answers every request on every connection with `response` (raw HTTP), or never, when empty.
void serve(QTcpServer &server, const QByteArray &response)
{
    QObject::connect(&server, &QTcpServer::pendingConnectionAvailable, &server, [&server, response] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, response] {
                socket->readAll();
                if (!response.isEmpty())
                    socket->write(response);
            });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
}

QByteArray httpOk(const QByteArray &body)
{
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace

class TestApiClientNetwork : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_nam;

    ApiClientOptions options(const QString &url)
    {
        ApiClientOptions o;
        o.serverUrl = QUrl(url);
        o.token = QStringLiteral("t");
        o.policy.retryDelayMs = 10;
        o.policy.transferTimeoutMs = 500;
        o.policy.maxResponseBytes = 1024 * 1024;
        return o;
    }

private slots:
    void hangingServerTimesOut()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        serve(server, QByteArray()); // accepts, reads, never answers
        ApiClient client(m_nam, options(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())));
        const auto r = awaitResult(client.fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::Timeout);
        QCOMPARE(r.error().attempts, 3);
    }

    void oversizedResponseIsCut()
    {
        // Announces and sends 50 MB; the client stops reading at its 1 MiB cap.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        serve(server,
              "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 52428800\r\n\r\n" +
                  QByteArray(4 * 1024 * 1024, ' '));
        ApiClient client(m_nam, options(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())));
        const auto r = awaitResult(client.fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::ResponseTooLarge);
    }

    void oversizedChunkedResponseIsCut()
    {
        // No Content-Length: the cap must hold while the bytes arrive.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        QByteArray chunked =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 64; ++i)
            chunked += "10000\r\n" + QByteArray(0x10000, 'x') + "\r\n";
        serve(server, chunked);
        ApiClient client(m_nam, options(QStringLiteral("http://127.0.0.1:%1").arg(server.serverPort())));
        const auto r = awaitResult(client.fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::ResponseTooLarge);
    }

    void closedPortIsOffline()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const quint16 port = server.serverPort();
        server.close();
        ApiClient client(m_nam, options(QStringLiteral("http://127.0.0.1:%1").arg(port)));
        const auto r = awaitResult(client.fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::Offline);
        QCOMPARE(r.error().networkError, QNetworkReply::ConnectionRefusedError);
        QCOMPARE(r.error().attempts, 3);
    }

    void tlsNeedsTheServersCa()
    {
        if (!QSslSocket::supportsSsl())
            QFAIL("Qt has no TLS backend; install the openssl TLS plugin");
        QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
        serverTls.setLocalCertificate(QSslCertificate(readFixture("test-ca.pem")));
        serverTls.setPrivateKey(QSslKey(readFixture("test-server.key"), QSsl::Rsa));
        serverTls.setPeerVerifyMode(QSslSocket::VerifyNone);
        QSslServer server;
        server.setSslConfiguration(serverTls);
        QVERIFY(server.listen(QHostAddress::LocalHost));
        serve(server, httpOk(readFixture("seed-response.json")));
        const QString url = QStringLiteral("https://127.0.0.1:%1").arg(server.serverPort());

        // Without the CA: refused, and not retried (the certificate will not change by itself).
        ApiClient strict(m_nam, options(url));
        const auto refused = awaitResult(strict.fetchMonitoring({}));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().kind, ApiError::Kind::Tls);
        QCOMPARE(refused.error().attempts, 1);
        QVERIFY(!refused.error().message.isEmpty());

        // With the server's CA added to the profile: verified and accepted.
        m_nam.clearConnectionCache();
        ApiClientOptions o = options(url);
        o.extraCaCertificates =
            ApiClient::loadCaFile(QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem")).value();
        ApiClient trusting(m_nam, o);
        const auto accepted = awaitResult(trusting.fetchMonitoring({}));
        QVERIFY2(accepted.ok(), qPrintable(accepted.ok() ? QString() : accepted.error().userMessage()));
        QCOMPARE(accepted.value().summary.totalJobs, 156);
    }
};

QTEST_GUILESS_MAIN(TestApiClientNetwork)
#include "tst_apiclientnetwork.moc"
