// SPDX-License-Identifier: GPL-3.0-or-later
// What a confirmation says before an action on jobs: which jobs, how many requests, what a retry costs.
#include "ActionPlan.h"

#include <QTest>

using namespace batchmon;

namespace {

Job job(const QString &id, JobStatus status, qint64 requests, qint64 completed, qint64 failed,
        qint64 costMicros)
{
    Job j;
    j.id = id;
    j.status = status;
    j.jobType = QStringLiteral("embeddings");
    j.requestCount = requests;
    j.completedCount = completed;
    j.failedCount = failed;
    j.costEstimate = Money::fromMicros(costMicros);
    j.createdAt = QDateTime(QDate(2026, 11, 1), QTime(8, 0), Qt::UTC);
    return j;
}

} // namespace

class TestActionPlan : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void retryOneJobPricedFromItsOwnCost()
    {
        // 100 requests processed for $0.90 (0.9 c each): the 10 failed ones again cost about 9 c.
        const ActionPlan plan(JobCommand::Retry, {job(QStringLiteral("batch-job-1"), JobStatus::Completed,
                                                      100, 90, 10, 900000)});
        QCOMPARE(plan.eligible().size(), 1);
        QCOMPARE(plan.requests(), 10);
        QCOMPARE(plan.estimatedCost(), std::optional<Money>(Money::fromMicros(90000)));
        QCOMPARE(plan.question(),
                 QStringLiteral("Retry batch-job-1? Its 10 failed or unfinished requests go to "
                                "the provider again as a new job (attempt 2). Estimated cost: "
                                "about $0.09 at batch prices."));
    }

    void retryWithoutOwnCostUsesTheRangeAverage()
    {
        Summary range;
        range.processedRequests = 1000;
        range.costSavings.batchCost = Money::fromMicros(2000000); // $2 for 1,000 requests: 0.2 c each
        const QList<Job> jobs{job(QStringLiteral("batch-job-2"), JobStatus::Failed, 500, 0, 0, 0),
                              job(QStringLiteral("batch-job-3"), JobStatus::Failed, 1500, 0, 1500, 0),
                              job(QStringLiteral("batch-job-4"), JobStatus::Pending, 40, 0, 0, 0)};
        const ActionPlan plan(JobCommand::Retry, jobs, range);
        QCOMPARE(plan.eligible().size(), 2);
        QCOMPARE(plan.skipped(), 1);
        QCOMPARE(plan.requests(), 2000);
        QCOMPARE(plan.estimatedCost(), std::optional<Money>(Money::fromMicros(4000000)));
        QCOMPARE(
            plan.question(),
            QStringLiteral("Retry 2 jobs? Their 2,000 failed or unfinished requests go to the provider again "
                           "as 2 new jobs. Estimated cost: about $4.00 at batch prices. 1 selected job "
                           "will be left alone: its status does not allow it."));
        // Nothing billed anywhere: the confirmation says so rather than showing $0.
        const ActionPlan unpriced(JobCommand::Retry, jobs);
        QVERIFY(!unpriced.estimatedCost());
        QVERIFY(unpriced.question().contains(QStringLiteral("cannot be estimated")));
    }

    void cancelCountsWhatIsNotProcessed()
    {
        const QList<Job> jobs{job(QStringLiteral("batch-job-5"), JobStatus::Pending, 300, 0, 0, 0),
                              job(QStringLiteral("batch-job-6"), JobStatus::InProgress, 1000, 600, 50, 0),
                              job(QStringLiteral("batch-job-7"), JobStatus::Completed, 10, 10, 0, 0)};
        const ActionPlan plan(JobCommand::Cancel, jobs);
        QCOMPARE(plan.requests(), 300 + 350);
        QVERIFY(
            plan.question().startsWith(QStringLiteral("Cancel 2 jobs? 650 requests will not be processed.")));
        QVERIFY(plan.question().contains(QStringLiteral("kept and billed")));
        QVERIFY(!plan.estimatedCost());
    }

    void nothingEligible()
    {
        const ActionPlan plan(JobCommand::Resume,
                              {job(QStringLiteral("batch-job-8"), JobStatus::Completed, 10, 10, 0, 0)});
        QVERIFY(plan.eligible().isEmpty());
        QCOMPARE(plan.question(), QStringLiteral("The selected job's status does not allow this action."));
        QVERIFY(commandAllowed(JobCommand::PriorityHigh,
                               job(QStringLiteral("x"), JobStatus::Paused, 1, 0, 0, 0)));
        QVERIFY(!commandAllowed(JobCommand::PriorityHigh,
                                job(QStringLiteral("x"), JobStatus::InProgress, 1, 0, 0, 0)));
    }
};

QTEST_GUILESS_MAIN(TestActionPlan)
#include "tst_actionplan.moc"
