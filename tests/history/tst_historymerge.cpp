// SPDX-License-Identifier: GPL-3.0-or-later
// The rule that lets the trend charts reach past the server: a slot the server has jobs in stays the
// server's; an empty one takes the recorded bucket of the same width when it has jobs, or finer recorded
// buckets summed when they cover it entirely (every one recorded after it ended).
#include "HistoryTestSupport.h"
#include "history/HistoryMerge.h"

#include <QTest>

using namespace batchmon;
using batchmon::test::snapshotAt;

namespace {

const QDateTime kNow(QDate(2026, 12, 3), QTime(10, 20, 30), Qt::UTC);

/// Recorded buckets of `width` s from `from`, `count` of them, `jobs` each.
QList<RecordedBucket> recorded(qint64 width, const QDateTime &from, int count, qint64 jobs,
                               bool closed = true)
{
    QList<RecordedBucket> out;
    for (int i = 0; i < count; ++i) {
        RecordedBucket r;
        r.bucketSeconds = width;
        r.closed = closed;
        r.bucket.start = from.addSecs(i * width);
        r.bucket.end = r.bucket.start.addSecs(width);
        r.bucket.jobs = jobs;
        r.bucket.requests = jobs * 50;
        r.bucket.completedRequests = jobs * 49;
        r.bucket.failedRequests = jobs;
        r.bucket.batchCost = Money::fromMicros(jobs * 1000);
        r.bucket.savings = Money::fromMicros(jobs * 900);
        r.bucket.averageProcessingTime = 60000 * (i + 1);
        out << r;
    }
    return out;
}

} // namespace

class TestHistoryMerge : public QObject
{
    Q_OBJECT

private slots:
    void serverWithJobsWins()
    {
        const Historical server = *snapshotAt(kNow, TimeRange::LastDay, [](int) { return 3; }).historical;
        const MergedHistorical m = mergeHistorical(server, recorded(3600, server.buckets[0].start, 24, 9));
        QCOMPARE(m.historical, server);
        QCOMPARE(m.filled(), 0);
        QCOMPARE(m.historyBefore, std::nullopt);
    }

    void emptyServerSlotTakesRecordedBucket()
    {
        // The server purged the first 10 hours (or started over): those slots are empty.
        const Historical server =
            *snapshotAt(kNow, TimeRange::LastDay, [](int i) { return i < 10 ? 0 : 3; }).historical;
        const auto rec = recorded(3600, server.buckets[0].start, 24, 9);
        const MergedHistorical m = mergeHistorical(server, rec);
        QCOMPARE(m.filled(), 10);
        for (int i = 0; i < 24; ++i) {
            QCOMPARE(m.fromHistory[i], i < 10);
            QCOMPARE(m.historical.buckets[i], i < 10 ? rec[i].bucket : server.buckets[i]);
        }
        QCOMPARE(m.historyBefore, std::optional<QDateTime>(server.buckets[9].end));
        QCOMPARE(m.historical.bucketSeconds, 3600);
    }

    void emptyEverywhereStaysEmpty()
    {
        const Historical server = *snapshotAt(kNow, TimeRange::LastDay, [](int) { return 0; }).historical;
        const MergedHistorical m = mergeHistorical(server, recorded(3600, server.buckets[0].start, 24, 0));
        QCOMPARE(m.historical, server);
        QCOMPARE(m.filled(), 0);
    }

    void finerBucketsFillACoarserSlotWhenComplete()
    {
        // 30 days of daily slots, the first five empty on the server; hourly buckets recorded on 24 h
        // cover day 1 entirely, day 2 but for one hour, and day 3 with its last hour still open.
        const Historical server =
            *snapshotAt(kNow, TimeRange::LastMonth, [](int i) { return i < 5 ? 0 : 40; }).historical;
        const QDateTime day1 = server.buckets[1].start;
        QList<RecordedBucket> rec = recorded(3600, day1, 24, 2);
        rec << recorded(3600, server.buckets[2].start, 23, 2);
        rec << recorded(3600, server.buckets[3].start, 23, 2)
            << recorded(3600, server.buckets[3].start.addSecs(23 * 3600), 1, 2, false);
        const MergedHistorical m = mergeHistorical(server, rec);
        QCOMPARE(m.fromHistory.mid(0, 6), (QList<bool>{false, true, false, false, false, false}));
        const HistoricalBucket &b = m.historical.buckets[1];
        QCOMPARE(b.start, day1);
        QCOMPARE(b.end, day1.addDays(1));
        QCOMPARE(b.jobs, 48);
        QCOMPARE(b.requests, 2400);
        QCOMPARE(b.completedRequests, 2352);
        QCOMPARE(b.failedRequests, 48);
        QCOMPARE(b.batchCost, Money::fromMicros(48000));
        QCOMPARE(b.savings, Money::fromMicros(43200));
        QCOMPARE(b.averageProcessingTime, std::optional<qint64>(60000 * 25 / 2)); // mean of 1…24 min, by jobs
        QCOMPARE(m.historyBefore, std::optional<QDateTime>(day1.addDays(1)));
        // Nothing else moved.
        for (int i = 2; i < 30; ++i)
            QCOMPARE(m.historical.buckets[i], server.buckets[i]);
    }

    void theSameWidthComesBeforeFinerOnes()
    {
        const Historical server =
            *snapshotAt(kNow, TimeRange::LastWeek, [](int i) { return i == 0 ? 0 : 5; }).historical;
        QList<RecordedBucket> rec = recorded(3600, server.buckets[0].start, 6, 1);
        rec << recorded(21600, server.buckets[0].start, 1, 17);
        const MergedHistorical m = mergeHistorical(server, rec);
        QCOMPARE(m.historical.buckets[0].jobs, 17);
        // A finer width that does not divide the slot is never summed.
        QList<RecordedBucket> odd = recorded(3600 * 7, server.buckets[0].start, 1, 4);
        QCOMPARE(mergeHistorical(server, odd).filled(), 0);
    }

    void slotsForAServerWithoutHistorical()
    {
        const Historical h = emptyHistorical(TimeRange::LastDay, kNow);
        QCOMPARE(h.bucketSeconds, 3600);
        QCOMPARE(h.buckets.size(), 24);
        QCOMPARE(h.buckets.last().end, QDateTime(kNow.date(), QTime(11, 0), Qt::UTC));
        QCOMPARE(h.buckets.first().start, QDateTime(kNow.date().addDays(-1), QTime(11, 0), Qt::UTC));
        const Historical month = emptyHistorical(TimeRange::LastMonth, kNow);
        QCOMPARE(month.buckets.size(), 30);
        QCOMPARE(month.buckets.last().start, QDateTime(kNow.date(), QTime(0, 0), Qt::UTC));
    }
};

QTEST_GUILESS_MAIN(TestHistoryMerge)
#include "tst_historymerge.moc"
