// SPDX-License-Identifier: GPL-3.0-or-later
// ExportCollector over HttpSource when the server's rate limit refuses a page (docs/api.md §3 and §5):
// the page is asked for again after Retry-After and the export goes on; a server that keeps refusing,
// or asks for a longer wait than a client keeps, ends it with why and where, and no file.
#include "ExportCollector.h"
#include "ExportReader.h"
#include "FakeNetworkAccessManager.h"
#include "source/HttpSource.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace batchmon;

namespace {

constexpr int kPages = 3;

/// Page `page` of kPages, one job each: the seed response with its job renamed and a pagination.
QByteArray pageBody(int page)
{
    QFile f(QStringLiteral(BATCHMON_FIXTURES "/seed-response.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture");
    QJsonObject root = QJsonDocument::fromJson(f.readAll()).object();
    QJsonObject data = root.value(QStringLiteral("data")).toObject();
    QJsonArray jobs = data.value(QStringLiteral("jobs")).toArray();
    QJsonObject job = jobs.first().toObject();
    job.insert(QStringLiteral("id"), QStringLiteral("batch-job-%1").arg(page));
    data.insert(QStringLiteral("jobs"), QJsonArray{job});
    data.insert(QStringLiteral("pagination"), QJsonObject{{QStringLiteral("page"), page},
                                                          {QStringLiteral("limit"), 100},
                                                          {QStringLiteral("total"), kPages},
                                                          {QStringLiteral("totalPages"), kPages}});
    root.insert(QStringLiteral("data"), data);
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

FakeResponse limited(const QByteArray &retryAfter)
{
    FakeResponse r = FakeResponse::json(
        429, R"({"success":false,"error":{"code":"rate_limited","message":"rate limit exceeded"}})");
    r.headers = {{"Retry-After", retryAfter}};
    return r;
}

int pageOf(const FakeRequest &request)
{
    const QString page = QUrlQuery(request.url).queryItemValue(QStringLiteral("page"));
    return page.isEmpty() ? 1 : page.toInt(); // page 1 is the default, not sent
}

} // namespace

class TestExportRetry : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Run
    {
        QString error;
        qint64 written = 0;
        QList<QList<QVariant>> retries;
        QList<int> pagesAsked;
    };

    /// Exports through a fake server whose page 2 gets `page2` answers first, then 200s.
    Run exportWith(const QList<FakeResponse> &page2, const QString &path)
    {
        FakeNetworkAccessManager nam;
        auto remaining = std::make_shared<QList<FakeResponse>>(page2);
        nam.fallback = [remaining](const FakeRequest &request) {
            const int page = pageOf(request);
            if (page == 2 && !remaining->isEmpty())
                return remaining->takeFirst();
            return FakeResponse::json(200, pageBody(page));
        };
        ApiClientOptions options;
        options.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:8080"));
        options.token = QStringLiteral("t");
        options.policy.retryDelayMs = 20;
        HttpSource source(nam, options);
        ExportHeader header;
        header.exportedAt = QDateTime::currentDateTimeUtc();
        header.source = options.serverUrl.toString();
        auto *collector = new ExportCollector(&source, {}, header, ExportFormat::Json, path);
        QSignalSpy retries(collector, &ExportCollector::retryScheduled);
        QSignalSpy done(collector, &ExportCollector::finished);
        collector->start();
        if (!done.wait(20000))
            qFatal("the export did not finish");
        Run run;
        run.error = done.first().at(0).toString();
        run.written = done.first().at(1).toLongLong();
        run.retries = retries;
        for (const FakeRequest &r : nam.requests)
            run.pagesAsked.append(pageOf(r));
        return run;
    }

private slots:
    void waitsForTheRateLimitAndGoesOn()
    {
        const QString path = m_dir.filePath(QStringLiteral("ok.json"));
        QElapsedTimer clock;
        clock.start();
        const Run run = exportWith({limited("1")}, path);
        QCOMPARE(run.error, QString());
        QVERIFY(clock.elapsed() >= 1000); // the server's 1 s was waited
        QCOMPARE(run.written, qint64(kPages));
        QCOMPARE(run.pagesAsked, (QList<int>{1, 2, 2, 3}));
        QCOMPARE(run.retries.size(), 1);
        const QList<QVariant> retry = run.retries.first();
        QCOMPARE(retry.at(0).toLongLong(), 2);      // page
        QCOMPARE(retry.at(1).toLongLong(), kPages); // of
        QCOMPARE(retry.at(2).toInt(), 1000);        // Retry-After
        QVERIFY(retry.at(4).toBool());              // the rate limit, not a failure
        const auto read = ExportReader::readFile(path);
        QVERIFY(read.ok());
        QCOMPARE(read.value().snapshot.jobs.size(), kPages);
        QCOMPARE(read.value().snapshot.jobs.at(1).id, QStringLiteral("batch-job-2"));
    }

    void aServerThatKeepsRefusingEndsTheExport()
    {
        const QString path = m_dir.filePath(QStringLiteral("refused.json"));
        const Run run = exportWith({limited("1"), limited("1"), limited("1")}, path);
        QCOMPARE(run.pagesAsked, (QList<int>{1, 2, 2, 2})); // 3 attempts (docs/api.md §5), then no more
        QCOMPARE(run.retries.size(), 2);
        QVERIFY2(run.error.contains(QStringLiteral("Too many requests")), qPrintable(run.error));
        QVERIFY2(run.error.contains(QStringLiteral("gave up on page 2 of 3 after 3 attempts")),
                 qPrintable(run.error));
        QCOMPARE(run.written, qint64(0));
        QVERIFY(!QFile::exists(path));
    }

    void aWaitLongerThanTwoMinutesIsNotKept()
    {
        const QString path = m_dir.filePath(QStringLiteral("long.json"));
        QElapsedTimer clock;
        clock.start();
        const Run run = exportWith({limited("300")}, path);
        QVERIFY(clock.elapsed() < 10000);
        QCOMPARE(run.pagesAsked, (QList<int>{1, 2}));
        QVERIFY(run.retries.isEmpty());
        QVERIFY2(run.error.contains(QStringLiteral("wait 300 second")), qPrintable(run.error));
        QVERIFY2(run.error.contains(QStringLiteral("longer than an export waits")), qPrintable(run.error));
        QVERIFY2(run.error.contains(QStringLiteral("page 2 of 3")), qPrintable(run.error));
        QVERIFY(!QFile::exists(path));
    }
};

QTEST_GUILESS_MAIN(TestExportRetry)
#include "tst_exportretry.moc"
