// SPDX-License-Identifier: GPL-3.0-or-later
// The local history's file: a snapshot round trip, rows that survive closing and reopening, one row a
// minute per range, the bucket upsert rule, retention at its exact boundary, a size cap that shrinks the
// file on disk, and files it must refuse (garbage, a folder it cannot create) with a message.
#include "HistoryTestSupport.h"
#include "history/HistoryStore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QLocale>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;
using batchmon::test::snapshotAt;

namespace {

const QDateTime kNow(QDate(2026, 12, 3), QTime(10, 20, 30), Qt::UTC);

std::unique_ptr<HistoryStore> openAt(const QString &path)
{
    auto opened = HistoryStore::open(path);
    if (!opened) {
        qWarning("%s", qPrintable(opened.error()));
        return nullptr;
    }
    return std::move(opened).value();
}

qint64 bucketJobs(HistoryStore &store, qint64 width, const QDateTime &start)
{
    const auto all = store.buckets(width, start, start.addMSecs(1));
    for (const RecordedBucket &b : all.value())
        if (b.bucketSeconds == width)
            return b.bucket.jobs;
    return -1;
}

} // namespace

class TestHistoryStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip()
    {
        QTemporaryDir dir;
        auto store = openAt(dir.filePath(QStringLiteral("history/p.sqlite")));
        QVERIFY(store);
        QCOMPARE(store->schemaVersion(), HistoryStore::latestSchemaVersion());
        const auto s = snapshotAt(
            kNow, TimeRange::LastDay, [](int i) { return i + 1; }, 7, 96.5);
        const auto written = store->record(s, TimeRange::LastDay, kNow.addSecs(5));
        QVERIFY2(written.ok(), qPrintable(written.ok() ? QString() : written.error()));
        QVERIFY(written.value());
        QCOMPARE(store->snapshotCount(), 1);

        const auto buckets = store->buckets(3600, kNow.addDays(-2), kNow.addDays(1));
        QVERIFY(buckets.ok());
        QCOMPARE(buckets.value().size(), 24);
        for (int i = 0; i < 24; ++i) {
            const RecordedBucket &r = buckets.value()[i];
            QCOMPARE(r.bucketSeconds, 3600);
            QCOMPARE(r.bucket, s.historical->buckets[i]); // every field, times and money exactly
            QCOMPARE(r.closed, i < 23);                   // the last one was still open at generatedAt
        }

        const auto samples = store->samples(TimeRange::LastDay, kNow.addSecs(-3600), kNow.addSecs(60), 12);
        QVERIFY(samples.ok());
        QCOMPARE(samples.value().size(), 1);
        QCOMPARE(samples.value()[0].pending, 7.0);
        QCOMPARE(samples.value()[0].processing, 2.0);
        QCOMPARE(samples.value()[0].successRate, std::optional<double>(96.5));
        QVERIFY(samples.value()[0].start <= kNow && kNow < samples.value()[0].end);
        // Another range's series has no success rate of its own there; the queues are the same.
        const auto other = store->samples(TimeRange::LastMonth, kNow.addSecs(-3600), kNow.addSecs(60), 12);
        QCOMPARE(other.value()[0].successRate, std::nullopt);
        QCOMPARE(other.value()[0].pending, 7.0);

        QCOMPARE(store->oldest(), std::optional<QDateTime>(s.historical->buckets.first().start));
        QSqlQuery mode(QSqlDatabase::database(QSqlDatabase::connectionNames().value(0)));
        QVERIFY(mode.exec(QStringLiteral("PRAGMA journal_mode")) && mode.next());
        QCOMPARE(mode.value(0).toString(), QStringLiteral("wal"));
    }

    void survivesClosingAndReopening()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.sqlite"));
        const auto s = snapshotAt(kNow, TimeRange::LastWeek, [](int i) { return i % 3; });
        {
            auto store = openAt(path);
            QVERIFY(store);
            QVERIFY(store->record(s, TimeRange::LastWeek, kNow).value());
        }
        auto again = openAt(path);
        QVERIFY(again);
        QCOMPARE(again->snapshotCount(), 1);
        const auto buckets = again->buckets(21600, kNow.addDays(-8), kNow.addDays(1));
        QCOMPARE(buckets.value().size(), 28);
        QCOMPARE(buckets.value()[4].bucket, s.historical->buckets[4]);
        // Where the series left off survives too: 30 s later is still within the minute.
        const auto soon = snapshotAt(kNow.addSecs(30), TimeRange::LastWeek, [](int) { return 1; });
        QCOMPARE(again->record(soon, TimeRange::LastWeek, kNow.addSecs(30)).value(), false);
        QCOMPARE(again->snapshotCount(), 1);
    }

    void oneRowAMinutePerRange()
    {
        QTemporaryDir dir;
        auto store = openAt(dir.filePath(QStringLiteral("p.sqlite")));
        const auto one = [](int) {
            return 1;
        };
        QVERIFY(store->record(snapshotAt(kNow, TimeRange::LastDay, one), TimeRange::LastDay, kNow).value());
        QVERIFY(
            !store->record(snapshotAt(kNow.addSecs(59), TimeRange::LastDay, one), TimeRange::LastDay, kNow)
                 .value());
        QVERIFY(
            store->record(snapshotAt(kNow.addSecs(30), TimeRange::LastHour, one), TimeRange::LastHour, kNow)
                .value());
        QVERIFY(store->record(snapshotAt(kNow.addSecs(60), TimeRange::LastDay, one), TimeRange::LastDay, kNow)
                    .value());
        QCOMPARE(store->snapshotCount(), 3);
    }

    void bucketUpsertRule()
    {
        QTemporaryDir dir;
        auto store = openAt(dir.filePath(QStringLiteral("p.sqlite")));
        const QDateTime hourStart(kNow.date(), QTime(10, 0), Qt::UTC);
        const QDateTime earlier = hourStart.addSecs(-3600); // closed at kNow
        QVERIFY(store
                    ->record(snapshotAt(kNow, TimeRange::LastDay, [](int) { return 10; }), TimeRange::LastDay,
                             kNow)
                    .ok());
        QCOMPARE(bucketJobs(*store, 3600, hourStart), 10);
        QCOMPARE(bucketJobs(*store, 3600, earlier), 10);
        // The server forgot jobs (retention) or started over: a closed bucket keeps what it had; the one
        // still open at the last answer takes the new figures.
        const QDateTime later = kNow.addSecs(120);
        QVERIFY(store
                    ->record(snapshotAt(later, TimeRange::LastDay, [](int) { return 3; }), TimeRange::LastDay,
                             later)
                    .ok());
        QCOMPARE(bucketJobs(*store, 3600, earlier), 10);
        QCOMPARE(bucketJobs(*store, 3600, hourStart), 3);
        // As many jobs or more: the later answer is the better one (requests finish after the hour).
        QVERIFY(store
                    ->record(snapshotAt(later.addSecs(60), TimeRange::LastDay, [](int) { return 12; }),
                             TimeRange::LastDay, later)
                    .ok());
        QCOMPARE(bucketJobs(*store, 3600, earlier), 12);
    }

    void retentionAtTheBoundary()
    {
        QTemporaryDir dir;
        auto store = openAt(dir.filePath(QStringLiteral("p.sqlite")));
        store->setMinimumInterval(0);
        HistoryLimits limits;
        limits.retentionDays = 30;
        const QDateTime limit = kNow.addDays(-30);
        MonitoringSnapshot s;
        for (const QDateTime &at : {limit.addMSecs(-1), limit, kNow}) {
            s.generatedAt = at;
            QVERIFY(store->record(s, TimeRange::LastDay, at).value());
        }
        QCOMPARE(store->snapshotCount(), 3);
        // Nothing older than the limit yet: nothing goes.
        QCOMPARE(store->prune(limits, kNow.addMSecs(-1)).value(), 0);
        QCOMPARE(store->snapshotCount(), 3);
        // One millisecond later the oldest is past it; the one exactly at the limit stays.
        QCOMPARE(store->prune(limits, kNow).value(), 1);
        QCOMPARE(store->snapshotCount(), 2);
        QCOMPARE(store->oldest(), std::optional<QDateTime>(limit));
        limits.retentionDays = 1;
        QCOMPARE(store->prune(limits, kNow).value(), 1);
        QCOMPARE(store->snapshotCount(), 1);
    }

    void sizeCapShrinksTheFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.sqlite"));
        auto store = openAt(path);
        store->setMinimumInterval(0);
        // Five-minute buckets and a row a minute for ten days: a few megabytes.
        const auto some = [](int i) {
            return i % 7;
        };
        for (int m = 0; m < 14400; m += 1) {
            const QDateTime at = kNow.addSecs(qint64(m - 14400) * 60);
            QVERIFY(store->record(snapshotAt(at, TimeRange::LastHour, some), TimeRange::LastHour, at).ok());
        }
        const qint64 before = store->fileSize();
        HistoryLimits limits;
        limits.retentionDays = 3650;
        limits.maxBytes = 512 * 1024;
        QVERIFY2(before > 3 * limits.maxBytes, qPrintable(QString::number(before)));
        QElapsedTimer timer;
        timer.start();
        const auto pruned = store->prune(limits, kNow);
        qInfo("pruned %s to %s in %lld ms", qPrintable(QLocale::c().formattedDataSize(before)),
              qPrintable(QLocale::c().formattedDataSize(store->fileSize())), timer.elapsed());
        QVERIFY2(pruned.ok(), qPrintable(pruned.ok() ? QString() : pruned.error()));
        QVERIFY(pruned.value() > 0);
        // On disk, not only inside the file: main file plus log under the cap.
        const qint64 after = QFile(path).size() + QFile(path + QStringLiteral("-wal")).size();
        QVERIFY2(after <= limits.maxBytes, qPrintable(QStringLiteral("%1 → %2").arg(before).arg(after)));
        QVERIFY(after > 0);
        // The newest history stayed; the oldest went.
        // The last ten minutes' rows (one a minute), one per slot of 60.1 s.
        const auto newest = store->samples(TimeRange::LastHour, kNow.addSecs(-630), kNow.addSecs(-29), 10);
        QCOMPARE(newest.value().size(), 10);
        QVERIFY(*store->oldest() > kNow.addDays(-10).addSecs(3600));
        // And it keeps working afterwards.
        QVERIFY(
            store->record(snapshotAt(kNow.addSecs(60), TimeRange::LastHour, some), TimeRange::LastHour, kNow)
                .ok());
    }

    void clearEmptiesAndShrinks()
    {
        QTemporaryDir dir;
        auto store = openAt(dir.filePath(QStringLiteral("p.sqlite")));
        store->setMinimumInterval(0);
        for (int m = 0; m < 2000; ++m) {
            const QDateTime at = kNow.addSecs(m * 60);
            QVERIFY(store
                        ->record(snapshotAt(at, TimeRange::LastHour, [](int) { return 2; }),
                                 TimeRange::LastHour, at)
                        .ok());
        }
        const qint64 before = store->fileSize();
        QVERIFY(store->clear().ok());
        QCOMPARE(store->snapshotCount(), 0);
        QCOMPARE(store->oldest(), std::nullopt);
        QVERIFY2(store->fileSize() < before / 4,
                 qPrintable(QStringLiteral("%1 → %2").arg(before).arg(store->fileSize())));
    }

    void refusesGarbageAndUnwritablePlaces()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("p.sqlite"));
        {
            QFile garbage(path);
            QVERIFY(garbage.open(QIODevice::WriteOnly));
            garbage.write(QByteArray(8192, 'x'));
        }
        const auto corrupt = HistoryStore::open(path);
        QVERIFY(!corrupt.ok());
        QVERIFY2(corrupt.error().contains(path), qPrintable(corrupt.error()));
        QVERIFY2(corrupt.error().contains(QStringLiteral("not a database")), qPrintable(corrupt.error()));
        // A folder that cannot be made (a file is in the way).
        const auto blocked = HistoryStore::open(path + QStringLiteral("/sub/h.sqlite"));
        QVERIFY(!blocked.ok());
        QVERIFY2(blocked.error().contains(QStringLiteral("Cannot create the folder")),
                 qPrintable(blocked.error()));
    }

    void fileNamesAreSafeAndDistinct()
    {
        const QString a = HistoryStore::fileNameForProfile(QStringLiteral("prod/eu"));
        const QString b = HistoryStore::fileNameForProfile(QStringLiteral("prod-eu"));
        const QString c = HistoryStore::fileNameForProfile(QStringLiteral("../../etc"));
        const QString d = HistoryStore::fileNameForProfile(QStringLiteral("Прод"));
        QVERIFY(a != b);
        QVERIFY(a.startsWith(QStringLiteral("prod-eu-")));
        for (const QString &name : {a, b, c, d}) {
            QVERIFY2(!name.contains(QLatin1Char('/')) && !name.contains(QLatin1Char('\\')), qPrintable(name));
            QVERIFY2(!name.startsWith(QLatin1Char('.')), qPrintable(name));
            QVERIFY(name.endsWith(QStringLiteral(".sqlite")));
        }
        QVERIFY(HistoryStore::pathForProfile(QStringLiteral("x")).contains(QStringLiteral("/history/x-")));
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
