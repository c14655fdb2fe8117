// SPDX-License-Identifier: GPL-3.0-or-later
// A JSON export opened for offline review (FileSource): the file's snapshot with its jobs paged and
// filtered from the file, jobs found by id, every change refused as read only, a truncated or
// malformed file refused with where it broke and nothing served, a cancelled open, and a file changed
// on disk after opening.
#include "Await.h"
#include "ExportCollector.h"
#include "ExportReader.h"
#include "FileSource.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;

namespace {

Job makeJob(int i)
{
    Job j;
    j.id = QStringLiteral("batch-job-%1").arg(i);
    j.batchId = QStringLiteral("batch_%1").arg(i);
    j.status = i % 4 == 0 ? JobStatus::Failed : JobStatus::Completed;
    j.jobType = i % 2 ? QStringLiteral("summarize") : QStringLiteral("translate, \"fr\"");
    j.requestCount = 100 + i;
    j.completedCount = 90;
    j.failedCount = 10;
    j.createdAt = QDateTime(QDate(2026, 11, 1), QTime(10, 0), Qt::UTC).addSecs(-i * 60);
    j.costEstimate = Money::fromMicros(1000 + i);
    return j;
}

MonitoringSnapshot makeSnapshot(int jobs)
{
    MonitoringSnapshot s;
    s.timeRange = TimeRange::LastWeek;
    s.generatedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 30), Qt::UTC);
    s.summary.totalJobs = jobs;
    s.summary.successRate = 75;
    for (int i = 1; i <= jobs; ++i)
        s.jobs.append(makeJob(i));
    return s;
}

ExportHeader makeHeader()
{
    ExportHeader h;
    h.exportedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 31), Qt::UTC);
    h.source = QStringLiteral("production");
    h.timeRange = TimeRange::LastWeek;
    return h;
}

template<typename T> T await(const QFuture<T> &future)
{
    return awaitResult(future, 30000);
}

} // namespace

class TestFileSource : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString write(const QString &name, int jobs)
    {
        const QString path = m_dir.filePath(name);
        const QString error =
            ExportCollector::writeFile(path, ExportFormat::Json, makeHeader(), makeSnapshot(jobs));
        if (!error.isEmpty())
            qFatal("%s", qPrintable(error));
        return path;
    }

private slots:
    void pagesFiltersAndJobs()
    {
        const QString path = write(QStringLiteral("review.json"), 250);
        FileSource source(path);
        QSignalSpy opened(&source, &FileSource::opened);
        QSignalSpy progress(&source, &FileSource::openProgress);
        source.open();
        QVERIFY(opened.wait(30000));
        QCOMPARE(progress.last().first().toInt(), 100);
        QVERIFY(!source.isLive());
        QCOMPARE(source.data().header.source, QStringLiteral("production"));
        QCOMPARE(source.data().header.jobCount, 250);
        QCOMPARE(source.data().snapshot.summary.successRate, 75.0);

        // Page 2 of 100: the file's jobs 101–200, in the file's order, with the file's snapshot.
        MonitoringQuery q;
        q.limit = 100;
        q.page = 2;
        auto page = await(source.fetchMonitoring(q));
        QVERIFY2(page.ok(), qPrintable(page.ok() ? QString() : page.error().userMessage()));
        QCOMPARE(page.value().jobs.size(), 100);
        QCOMPARE(page.value().jobs.first().id, QStringLiteral("batch-job-101"));
        QVERIFY(page.value().jobs.last() == makeJob(200));
        QCOMPARE(page.value().pagination->total, 250);
        QCOMPARE(page.value().pagination->totalPages, 3);
        QCOMPARE(page.value().summary.totalJobs, 250);
        QCOMPARE(page.value().timeRange, TimeRange::LastWeek);

        // Filters narrow the file's jobs: failed ones of one type (a type with a comma and quotes).
        q.page = 1;
        q.status = JobStatus::Failed;
        q.jobType = QStringLiteral("translate, \"fr\"");
        page = await(source.fetchMonitoring(q));
        QVERIFY(page.ok());
        QCOMPARE(page.value().pagination->total, 62); // i % 4 == 0 for i in 1..250
        for (const Job &j : page.value().jobs) {
            QCOMPARE(j.status, JobStatus::Failed);
            QCOMPARE(j.jobType, *q.jobType);
        }
        q.jobType = QStringLiteral("no such type");
        page = await(source.fetchMonitoring(q));
        QVERIFY(page.ok());
        QCOMPARE(page.value().pagination->total, 0);
        QVERIFY(page.value().jobs.isEmpty());
        // A page past the end is empty, not an error.
        q = MonitoringQuery();
        q.page = 99;
        page = await(source.fetchMonitoring(q));
        QVERIFY(page.ok());
        QVERIFY(page.value().jobs.isEmpty());

        const auto job = await(source.fetchJob(QStringLiteral("batch-job-77")));
        QVERIFY(job.ok());
        QVERIFY(job.value() == makeJob(77));
        const auto missing = await(source.fetchJob(QStringLiteral("batch-job-999")));
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind, ApiError::Kind::NotFound);

        // Read only: every change is refused in words, and whoever opened it is a viewer.
        const auto retry = await(source.retryJob(QStringLiteral("batch-job-4")));
        QVERIFY(!retry.ok());
        QCOMPARE(retry.error().kind, ApiError::Kind::Forbidden);
        QVERIFY(retry.error().message.contains(QStringLiteral("read only")));
        QVERIFY(!await(source.cancelJob(QStringLiteral("batch-job-4"))).ok());
        QVERIFY(!await(source.updateConfig(BatchConfig())).ok());
        QVERIFY(!await(source.fetchAlertEvents(AlertEventQuery())).ok());
        const auto who = await(source.fetchIdentity());
        QVERIFY(who.ok());
        QCOMPARE(who.value().role, Role::Viewer);

        // The whole file through the collector again: the same jobs (an export of an open export).
        const QString again = m_dir.filePath(QStringLiteral("again.json"));
        auto *collector =
            new ExportCollector(&source, MonitoringQuery(), makeHeader(), ExportFormat::Json, again);
        QSignalSpy finished(collector, &ExportCollector::finished);
        collector->start();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().at(0).toString(), QString());
        const auto reread = ExportReader::readFile(again);
        QVERIFY(reread.ok());
        QVERIFY(reread.value().snapshot.jobs == makeSnapshot(250).jobs);
    }

    void truncatedAndMalformed_data()
    {
        QTest::addColumn<int>("cut");
        QTest::addColumn<QByteArray>("replaceFrom");
        QTest::addColumn<QByteArray>("replaceTo");
        QTest::addColumn<QString>("where");
        QTest::newRow("truncated in a job")
            << 60 << QByteArray() << QByteArray() << QStringLiteral("data.jobs[");
        QTest::newRow("truncated after the jobs") << 99 << QByteArray() << QByteArray() << QString();
        QTest::newRow("bad status") << 100 << QByteArray("\"status\":\"failed\"")
                                    << QByteArray("\"status\":\"exploded\"") << QStringLiteral("status");
        QTest::newRow("not JSON") << 100 << QByteArray("\"requestCount\":")
                                  << QByteArray("\"requestCount\":x") << QStringLiteral("invalid JSON");
    }
    void truncatedAndMalformed()
    {
        QFETCH(int, cut);
        QFETCH(QByteArray, replaceFrom);
        QFETCH(QByteArray, replaceTo);
        QFETCH(QString, where);
        QFile good(write(QStringLiteral("good.json"), 40));
        QVERIFY(good.open(QIODevice::ReadOnly));
        QByteArray bytes = good.readAll();
        bytes.truncate(bytes.size() * cut / 100);
        if (!replaceFrom.isEmpty()) {
            const qsizetype at = bytes.indexOf(replaceFrom);
            QVERIFY(at > 0);
            bytes.replace(at, replaceFrom.size(), replaceTo);
        }
        const QString path = m_dir.filePath(QStringLiteral("bad.json"));
        QFile bad(path);
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(bytes);
        bad.close();

        FileSource source(path);
        QSignalSpy failed(&source, &FileSource::openFailed);
        QSignalSpy opened(&source, &FileSource::opened);
        source.open();
        QVERIFY(failed.wait(30000));
        QCOMPARE(opened.count(), 0);
        const QString message = failed.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("bad.json")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("Nothing was loaded")), qPrintable(message));
        QVERIFY2(message.contains(where), qPrintable(message));
        // Nothing is served from it.
        const auto page = await(source.fetchMonitoring(MonitoringQuery()));
        QVERIFY(!page.ok());
    }

    void cancelledOpen()
    {
        const QString path = write(QStringLiteral("large.json"), 20000);
        FileSource source(path);
        QSignalSpy failed(&source, &FileSource::openFailed);
        QSignalSpy opened(&source, &FileSource::opened);
        source.cancelOpen(); // before the first progress check: the open stops at its first one
        source.open();
        QVERIFY(failed.wait(30000));
        QCOMPARE(opened.count(), 0);
        QVERIFY(source.wasCancelled());
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("cancelled")));
    }

    void fileChangedAfterOpening()
    {
        const QString path = write(QStringLiteral("changing.json"), 30);
        FileSource source(path);
        QSignalSpy opened(&source, &FileSource::opened);
        source.open();
        QVERIFY(opened.wait(30000));
        QVERIFY(await(source.fetchMonitoring(MonitoringQuery())).ok());
        // Another export written over it: the source says so instead of reading other bytes.
        QCOMPARE(ExportCollector::writeFile(path, ExportFormat::Json, makeHeader(), makeSnapshot(31)),
                 QString());
        const auto page = await(source.fetchMonitoring(MonitoringQuery()));
        QVERIFY(!page.ok());
        QVERIFY2(page.error().message.contains(QStringLiteral("changed on disk")),
                 qPrintable(page.error().message));
    }
};

QTEST_GUILESS_MAIN(TestFileSource)
#include "tst_filesource.moc"
