// SPDX-License-Identifier: GPL-3.0-or-later
// The API's rate limit (docs/api.md §3): fixed one-minute windows per token, and the header values.
#include "RateLimiter.h"

#include <QTest>

using namespace batchmon;

namespace {

// A whole minute of UTC: the window [kMinute, kMinute + 60 s).
const QDateTime kMinute(QDate(2026, 11, 29), QTime(8, 0), Qt::UTC);
const qint64 kMinuteSecs = kMinute.toSecsSinceEpoch();
const QString kAlice = RateLimiter::keyFor(QStringLiteral("alice"));
const QString kBob = RateLimiter::keyFor(QStringLiteral("bob"));

} // namespace

class TestRateLimiter : public QObject
{
    Q_OBJECT

private slots:
    void keyNamesTheToken()
    {
        QCOMPARE(RateLimiter::keyFor(QStringLiteral("alice")),
                 QStringLiteral("admin-batch-monitoring:alice"));
    }

    void sixtyAllowedThenRefused()
    {
        RateLimiter limiter;
        QCOMPARE(limiter.limit(), 60);
        QVERIFY(limiter.enabled());
        const QDateTime t = kMinute.addSecs(15);
        for (int i = 1; i <= 60; ++i) {
            const auto d = limiter.check(kAlice, t);
            QVERIFY2(d.allowed, qPrintable(QStringLiteral("request %1").arg(i)));
            QCOMPARE(d.limit, 60);
            QCOMPARE(d.remaining, 60 - i); // counts down to 0 on the 60th
            QCOMPARE(d.resetAt, kMinuteSecs + 60);
            QCOMPARE(d.retryAfterSeconds, 0);
        }
        const auto refused = limiter.check(kAlice, t);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.limit, 60);
        QCOMPARE(refused.remaining, 0);
        QCOMPARE(refused.resetAt, kMinuteSecs + 60);
        QCOMPARE(refused.retryAfterSeconds, 45); // 08:00:15 → 08:01:00
        // Refusals go on until the window ends, and the wait shrinks with the time left.
        const auto later = limiter.check(kAlice, kMinute.addSecs(50));
        QVERIFY(!later.allowed);
        QCOMPARE(later.retryAfterSeconds, 10);
    }

    void boundaries()
    {
        // Requests spread over one window: the 59th, 60th and 61st, the last just before its end.
        RateLimiter limiter;
        for (int i = 1; i <= 58; ++i)
            QVERIFY(limiter.check(kAlice, kMinute.addSecs(i)).allowed);
        const auto r59 = limiter.check(kAlice, kMinute.addSecs(59));
        QVERIFY(r59.allowed);
        QCOMPARE(r59.remaining, 1);
        QCOMPARE(r59.resetAt, kMinuteSecs + 60);
        const auto r60 = limiter.check(kAlice, kMinute.addMSecs(59'000));
        QVERIFY(r60.allowed);
        QCOMPARE(r60.remaining, 0);
        QCOMPARE(r60.resetAt, kMinuteSecs + 60);
        const auto r61 = limiter.check(kAlice, kMinute.addMSecs(59'999));
        QVERIFY(!r61.allowed);
        QCOMPARE(r61.remaining, 0);
        QCOMPARE(r61.resetAt, kMinuteSecs + 60);
        QCOMPARE(r61.retryAfterSeconds, 1); // 1 ms left: rounded up, never 0

        // Exactly at the minute boundary the next window starts, whole.
        const auto next = limiter.check(kAlice, kMinute.addSecs(60));
        QVERIFY(next.allowed);
        QCOMPARE(next.remaining, 59);
        QCOMPARE(next.resetAt, kMinuteSecs + 120);
    }

    void retryAfterRoundsUp()
    {
        RateLimiter limiter(1);
        QVERIFY(limiter.check(kAlice, kMinute).allowed);
        // At the first instant of the window a refusal waits the whole minute.
        QCOMPARE(limiter.check(kAlice, kMinute).retryAfterSeconds, 60);
        // 30.2 s left: waiting 30 s would still land in this window, so 31.
        QCOMPARE(limiter.check(kAlice, kMinute.addMSecs(29'800)).retryAfterSeconds, 31);
        QCOMPARE(limiter.check(kAlice, kMinute.addMSecs(30'000)).retryAfterSeconds, 30);
    }

    void newWindowResets()
    {
        RateLimiter limiter(3);
        for (int i = 0; i < 3; ++i)
            QVERIFY(limiter.check(kAlice, kMinute.addSecs(10)).allowed);
        QVERIFY(!limiter.check(kAlice, kMinute.addSecs(10)).allowed);
        // A later minute, not only the next one.
        const auto d = limiter.check(kAlice, kMinute.addSecs(5 * 60 + 1));
        QVERIFY(d.allowed);
        QCOMPARE(d.remaining, 2);
        QCOMPARE(d.resetAt, kMinuteSecs + 6 * 60);
    }

    void windowsFollowUtcNotLocalTime()
    {
        // The same instant given in another offset counts in the same window and resets at the same time.
        RateLimiter limiter(2);
        const QDateTime plus0530 = kMinute.addSecs(20).toOffsetFromUtc(5 * 3600 + 30 * 60);
        const auto a = limiter.check(kAlice, plus0530);
        QCOMPARE(a.resetAt, kMinuteSecs + 60);
        QVERIFY(limiter.check(kAlice, kMinute.addSecs(40)).allowed);
        QVERIFY(!limiter.check(kAlice, plus0530).allowed);
    }

    void keysAreIndependent()
    {
        RateLimiter limiter(2);
        QVERIFY(limiter.check(kAlice, kMinute).allowed);
        QVERIFY(limiter.check(kAlice, kMinute).allowed);
        QVERIFY(!limiter.check(kAlice, kMinute).allowed);
        const auto bob = limiter.check(kBob, kMinute);
        QVERIFY(bob.allowed);
        QCOMPARE(bob.remaining, 1);
        QVERIFY(!limiter.check(kAlice, kMinute.addSecs(1)).allowed);
    }

    void zeroTurnsTheLimitOff()
    {
        RateLimiter limiter(0);
        QVERIFY(!limiter.enabled());
        for (int i = 0; i < 10'000; ++i) {
            const auto d = limiter.check(kAlice, kMinute);
            QVERIFY(d.allowed);
            QCOMPARE(d.limit, 0);
            QCOMPARE(d.retryAfterSeconds, 0);
        }
        QCOMPARE(limiter.trackedKeys(), 0);
    }

    void memoryIsBounded()
    {
        RateLimiter limiter(60, 100);
        for (int i = 0; i < 100; ++i)
            QVERIFY(limiter.check(QString::number(i), kMinute).allowed);
        QCOMPARE(limiter.trackedKeys(), 100);
        // Still the same window: nothing has passed, so nothing may be forgotten (that would reset counts).
        QVERIFY(limiter.check(QStringLiteral("late"), kMinute.addSecs(30)).allowed);
        QCOMPARE(limiter.trackedKeys(), 101);
        // A new window: a new key drops every key whose window has passed.
        QVERIFY(limiter.check(QStringLiteral("next"), kMinute.addSecs(60)).allowed);
        QCOMPARE(limiter.trackedKeys(), 1);
        // A busy key of the current window survives the next pruning with its count.
        RateLimiter busy(2, 2);
        QVERIFY(busy.check(kAlice, kMinute).allowed);
        QVERIFY(busy.check(kBob, kMinute).allowed);
        QVERIFY(busy.check(kAlice, kMinute.addSecs(61)).allowed);
        QVERIFY(busy.check(kAlice, kMinute.addSecs(62)).allowed);
        QVERIFY(busy.check(QStringLiteral("carol"), kMinute.addSecs(63)).allowed);
        QCOMPARE(busy.trackedKeys(), 2); // bob dropped, alice and carol kept
        QVERIFY(!busy.check(kAlice, kMinute.addSecs(64)).allowed);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"
