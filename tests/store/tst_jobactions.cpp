// SPDX-License-Identifier: GPL-3.0-or-later
// Every admin action from every status: what is allowed does what docs/api.md §7.3 says, what is not
// is refused with the contract's 409 message and changes nothing.
#include "StoreTestSupport.h"
#include "store/JobActions.h"
#include "store/JobStore.h"

#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kCreated(QDate(2026, 11, 28), QTime(10, 0), Qt::UTC);
const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);

StoredJob jobIn(JobStatus status, qint64 completed = 80, qint64 failed = 20)
{
    StoredJob s;
    Job &j = s.job;
    j.id = QStringLiteral("batch-job-7");
    j.status = status;
    j.jobType = QStringLiteral("ai_analysis");
    j.model = QStringLiteral("gpt-4o-mini");
    j.priority = JobPriority::High;
    j.requestCount = 100;
    j.createdAt = kCreated;
    j.attempt = 1;
    s.estimatedInputTokens = 30000;
    if (status != JobStatus::Pending && status != JobStatus::Paused) {
        j.batchId = QStringLiteral("batch_abc");
        j.startedAt = kCreated.addSecs(60);
        s.submittedAt = j.startedAt;
        const bool all =
            status == JobStatus::Completed || status == JobStatus::Failed || status == JobStatus::Expired;
        j.completedCount = all ? completed : completed / 2;
        j.failedCount = all ? failed : failed / 2;
        if (j.failedCount)
            s.errorCounts.insert(QStringLiteral("request_timeout"), j.failedCount);
        if (isFinished(status)) {
            j.completedAt = kCreated.addSecs(1860);
            j.processingTimeMs = 1800000;
        }
    }
    return s;
}

} // namespace

class TestJobActions : public QObject
{
    Q_OBJECT

private slots:
    void everyActionFromEveryStatus_data()
    {
        QTest::addColumn<int>("action");
        QTest::addColumn<int>("from");
        QTest::addColumn<int>("to"); // -1: refused
        QTest::addColumn<QString>("message");
        const QString all = QStringLiteral("job batch-job-7 is %1; %2 is allowed only when it is %3");
        for (JobStatus from : allJobStatuses()) {
            const QString f = toWireString(from);
            auto row = [&](JobAction a, int to, const QString &allowed) {
                const QString name = toWireString(a) + QStringLiteral(" from ") + f;
                QTest::newRow(qPrintable(name))
                    << int(a) << int(from) << to
                    << (to < 0 ? all.arg(f, toWireString(a), allowed) : QString());
            };
            const bool finished = isFinished(from);
            row(JobAction::Retry, finished ? int(JobStatus::Pending) : -1,
                QStringLiteral("completed, failed, expired or cancelled"));
            const int cancelTo = (from == JobStatus::Pending || from == JobStatus::Paused)
                                     ? int(JobStatus::Cancelled)
                                 : (from == JobStatus::Validating || from == JobStatus::InProgress ||
                                    from == JobStatus::Finalizing)
                                     ? int(JobStatus::Cancelling)
                                     : -1;
            row(JobAction::Cancel, cancelTo,
                QStringLiteral("pending, paused, validating, in_progress or finalizing"));
            row(JobAction::Pause, from == JobStatus::Pending ? int(JobStatus::Paused) : -1,
                QStringLiteral("pending"));
            row(JobAction::Resume, from == JobStatus::Paused ? int(JobStatus::Pending) : -1,
                QStringLiteral("paused"));
            row(JobAction::SetPriority,
                (from == JobStatus::Pending || from == JobStatus::Paused) ? int(from) : -1,
                QStringLiteral("pending or paused"));
        }
    }

    void everyActionFromEveryStatus()
    {
        QFETCH(int, action);
        QFETCH(int, from);
        QFETCH(int, to);
        QFETCH(QString, message);
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        JobStore store(*db);
        JobActions actions(store);
        const StoredJob before = jobIn(JobStatus(from));
        QVERIFY(store.insert(before, QStringLiteral("pipeline")).ok());
        const QString admin = QStringLiteral("alice");
        StoreResult<StoredJob> result = StoreError{};
        switch (JobAction(action)) {
        case JobAction::Retry:
            result = actions.retry(before.job.id, admin, kNow);
            break;
        case JobAction::Cancel:
            result = actions.cancel(before.job.id, admin, kNow);
            break;
        case JobAction::Pause:
            result = actions.pause(before.job.id, admin, kNow);
            break;
        case JobAction::Resume:
            result = actions.resume(before.job.id, admin, kNow);
            break;
        case JobAction::SetPriority:
            result = actions.setPriority(before.job.id, JobPriority::Urgent, admin, kNow);
            break;
        }
        const StoredJob after = *store.find(before.job.id).value();
        if (to < 0) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().kind, StoreError::Kind::InvalidTransition);
            QCOMPARE(result.error().message, message);
            QVERIFY(after == before); // nothing changed
            QCOMPARE(store.timeline(before.job.id).value().size(), 1);
        } else {
            QVERIFY2(result.ok(), qPrintable(result.ok() ? QString() : result.error().message));
            if (JobAction(action) == JobAction::Retry) {
                QVERIFY(after == before); // the original is unchanged
                const StoredJob &r = result.value();
                QVERIFY(r.job.id != before.job.id);
                QCOMPARE(r.job.status, JobStatus::Pending);
                QCOMPARE(r.job.retryOf, std::optional<QString>(before.job.id));
                QCOMPARE(r.job.attempt, 2);
                QCOMPARE(r.job.requestCount, before.job.requestCount - before.job.completedCount);
                QCOMPARE(r.job.priority, before.job.priority);
                QCOMPARE(r.job.jobType, before.job.jobType);
                QCOMPARE(r.job.createdAt, kNow);
                QVERIFY(!r.job.batchId);
                const auto timeline = store.timeline(r.job.id).value();
                QCOMPARE(timeline.size(), 1);
                QCOMPARE(timeline.first().actor, admin);
                QCOMPARE(timeline.first().note,
                         std::optional<QString>(QStringLiteral("retry of batch-job-7")));
            } else {
                QCOMPARE(int(after.job.status), to);
                QVERIFY(result.value() == after);
                const auto timeline = store.timeline(before.job.id).value();
                if (JobAction(action) == JobAction::SetPriority) {
                    QCOMPARE(after.job.priority, JobPriority::Urgent);
                    QCOMPARE(timeline.size(), 1); // no timeline entry for a priority
                } else {
                    QCOMPARE(timeline.size(), 2);
                    QCOMPARE(timeline.last().actor, admin);
                    QCOMPARE(timeline.last().at, kNow);
                }
                if (to == int(JobStatus::Cancelling))
                    QCOMPARE(after.cancelRequestedAt, std::optional<QDateTime>(kNow));
                if (to == int(JobStatus::Cancelled))
                    QCOMPARE(after.job.completedAt, std::optional<QDateTime>(kNow));
            }
        }
        QVERIFY(store.aggregatesConsistent().value());
    }

    void retryNeedsSomethingToRetry()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        JobStore store(*db);
        JobActions actions(store);
        QVERIFY(store.insert(jobIn(JobStatus::Completed, 100, 0), QStringLiteral("pipeline")).ok());
        const auto r = actions.retry(QStringLiteral("batch-job-7"), QStringLiteral("alice"), kNow);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, StoreError::Kind::InvalidTransition);
        QCOMPARE(r.error().message,
                 QStringLiteral(
                     "job batch-job-7 has no failed or unfinished requests to retry (100 of 100 completed)"));
        // A cancelled job with requests that never ran can be retried: they are unfinished.
        StoredJob cancelled = jobIn(JobStatus::Cancelled);
        cancelled.job.id = QStringLiteral("batch-job-8");
        QVERIFY(store.insert(cancelled, QStringLiteral("pipeline")).ok());
        const auto again = actions.retry(QStringLiteral("batch-job-8"), QStringLiteral("alice"), kNow);
        QVERIFY(again.ok());
        QCOMPARE(again.value().job.requestCount, 60);
    }

    void retriesChainAttempts()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        JobStore store(*db);
        JobActions actions(store);
        QVERIFY(store.insert(jobIn(JobStatus::Failed, 0, 100), QStringLiteral("pipeline")).ok());
        auto first = actions.retry(QStringLiteral("batch-job-7"), QStringLiteral("alice"), kNow).value();
        StoredJob failedAgain = first;
        failedAgain.job.status = JobStatus::Failed;
        failedAgain.job.failedCount = first.job.requestCount;
        failedAgain.job.completedAt = kNow.addSecs(10);
        failedAgain.errorCounts = {{QStringLiteral("invalid_request"), first.job.requestCount}};
        QVERIFY(store.update(failedAgain, kNow.addSecs(10), QStringLiteral("provider")).ok());
        // The original was retried already: retrying it again would send its requests twice.
        const auto twice =
            actions.retry(QStringLiteral("batch-job-7"), QStringLiteral("bob"), kNow.addSecs(15));
        QVERIFY(!twice.ok());
        QCOMPARE(twice.error().kind, StoreError::Kind::InvalidTransition);
        QCOMPARE(twice.error().message,
                 QStringLiteral("job batch-job-7 was already retried as %1; retry %1 if it "
                                "failed too")
                     .arg(first.job.id));
        const auto second = actions.retry(first.job.id, QStringLiteral("bob"), kNow.addSecs(20)).value();
        QCOMPARE(second.job.attempt, 3);
        QCOMPARE(second.job.retryOf, std::optional<QString>(first.job.id));
        QVERIFY(second.job.id != first.job.id);
        QVERIFY(store.aggregatesConsistent().value());
    }

    void unknownJob()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        JobStore store(*db);
        JobActions actions(store);
        const auto r = actions.pause(QStringLiteral("batch-job-404"), QStringLiteral("alice"), kNow);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, StoreError::Kind::NotFound);
        QCOMPARE(r.error().message, QStringLiteral("no job with id \"batch-job-404\""));
    }

    void staleWriteIsRefused_data() { addBackendRows(); }
    void staleWriteIsRefused()
    {
        // Two writers read the same job; the second to write loses instead of double-counting.
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        JobStore store(*db);
        JobActions actions(store);
        QVERIFY(store.insert(jobIn(JobStatus::Pending), QStringLiteral("pipeline")).ok());
        const StoredJob seenByPipeline = *store.find(QStringLiteral("batch-job-7")).value();
        QVERIFY(actions.pause(QStringLiteral("batch-job-7"), QStringLiteral("alice"), kNow).ok());
        StoredJob submitted = seenByPipeline;
        submitted.job.status = JobStatus::Validating;
        const auto stale = store.update(seenByPipeline, submitted, kNow, QStringLiteral("pipeline"));
        QVERIFY(!stale.ok());
        QCOMPARE(stale.error().kind, StoreError::Kind::Conflict);
        QCOMPARE(store.find(QStringLiteral("batch-job-7")).value()->job.status, JobStatus::Paused);
        QVERIFY(store.aggregatesConsistent().value());
        // Inside an outer transaction the refusal leaves the transaction usable.
        QVERIFY(db->begin().ok());
        QVERIFY(!store.update(seenByPipeline, submitted, kNow, QStringLiteral("pipeline")).ok());
        QVERIFY(actions.resume(QStringLiteral("batch-job-7"), QStringLiteral("alice"), kNow).ok());
        QVERIFY(db->commit().ok());
        QCOMPARE(store.find(QStringLiteral("batch-job-7")).value()->job.status, JobStatus::Pending);
    }

    void samePriorityChangesNothing()
    {
        QTemporaryDir dir;
        auto db = openTestStore(QStringLiteral("sqlite"), dir);
        JobStore store(*db);
        JobActions actions(store);
        const StoredJob before = jobIn(JobStatus::Pending);
        QVERIFY(store.insert(before, QStringLiteral("pipeline")).ok());
        const auto r = actions.setPriority(before.job.id, JobPriority::High, QStringLiteral("alice"), kNow);
        QVERIFY(r.ok());
        QVERIFY(*store.find(before.job.id).value() == before);
    }
};

QTEST_GUILESS_MAIN(TestJobActions)
#include "tst_jobactions.moc"
