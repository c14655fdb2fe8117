// SPDX-License-Identifier: GPL-3.0-or-later
// Two batchmon-server processes on one real PostgreSQL database: both serve the API, exactly one
// runs the pipeline, and when it is killed the other takes over within 10 s.
#include "../store/StoreTestSupport.h"
#include "ServerProcess.h"
#include "store/Database.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

using namespace batchmon;

class TestServerFailover : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_nam;

    int status(const Server &server, const QString &token)
    {
        QUrl url = server.url();
        url.setPath(QStringLiteral("/api/admin/batch-monitoring"));
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        QNetworkReply *reply = m_nam.get(request);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000))
            return 0;
        reply->deleteLater();
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }

private slots:
    void secondServerTakesOver()
    {
        const QString url = qEnvironmentVariable("BATCHMON_TEST_POSTGRES");
        if (url.isEmpty())
            QFAIL("BATCHMON_TEST_POSTGRES is not set: run the tests with tools/dev test, which starts "
                  "PostgreSQL");
        {
            // A fresh database: the previous tests' tables go.
            auto db = Database::open(url);
            QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
            dropStoreTables(*db.value());
        }
        Server first(url);
        Server second(url);
        const QString token = first.addToken(QStringLiteral("ops"), QStringLiteral("viewer"));
        QVERIFY(first.start(
            {QStringLiteral("--simulate"), QStringLiteral("--backfill-days"), QStringLiteral("1")}));
        QVERIFY(first.output().contains("running the pipeline"));
        QVERIFY(second.start({QStringLiteral("--simulate")}));
        // Both serve; only the first runs the pipeline (the second keeps asking every 5 s).
        QCOMPARE(status(first, token), 200);
        QCOMPARE(status(second, token), 200);
        QTest::qWait(6000);
        QVERIFY(!second.output().contains("running the pipeline"));

        first.kill(); // SIGKILL: its connection drops and PostgreSQL releases the lock
        QElapsedTimer clock;
        clock.start();
        QVERIFY(QTest::qWaitFor([&] { return second.output().contains("running the pipeline"); }, 15000));
        qInfo("the second server took over after %lld ms", clock.elapsed());
        QVERIFY(clock.elapsed() <= 10000);
        QCOMPARE(status(second, token), 200);
    }
};

QTEST_GUILESS_MAIN(TestServerFailover)
#include "tst_serverfailover.moc"
