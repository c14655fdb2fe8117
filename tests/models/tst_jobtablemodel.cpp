// SPDX-License-Identifier: GPL-3.0-or-later
// The job table model: what the user sees in each cell, and refreshes that diff instead of resetting,
// so the selection and scroll position survive (checked with QAbstractItemModelTester throughout).
#include "JobTableModel.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QLocale>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace batchmon;

namespace {

Job job(int n, JobStatus status = JobStatus::Completed, qint64 completed = 90)
{
    Job j;
    j.id = QStringLiteral("batch-job-%1").arg(n);
    j.batchId = QStringLiteral("batch_%1").arg(n);
    j.status = status;
    j.jobType = QStringLiteral("ai_analysis");
    j.requestCount = 100;
    j.completedCount = completed;
    j.failedCount = 100 - completed;
    j.createdAt = QDateTime(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC).addSecs(n * 60);
    j.processingTimeMs = 1860000;
    j.costEstimate = Money::fromMicros(1250000);
    return j;
}

QList<Job> page(std::initializer_list<int> ids)
{
    QList<Job> jobs;
    for (int n : ids)
        jobs << job(n);
    return jobs;
}

} // namespace

class TestJobTableModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void cells()
    {
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        Job j = job(7, JobStatus::InProgress);
        j.retryOf = QStringLiteral("batch-job-3");
        j.attempt = 2;
        model.setJobs({j});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.columnCount(), int(JobTableModel::ColumnCount));
        auto cell = [&](int column, int role = Qt::DisplayRole) {
            return model.index(0, column).data(role);
        };
        QCOMPARE(cell(JobTableModel::Id).toString(), QStringLiteral("batch-job-7"));
        QCOMPARE(cell(JobTableModel::Status).toString(), QStringLiteral("In progress"));
        QCOMPARE(cell(JobTableModel::Duration).toString(), QStringLiteral("31 min"));
        QCOMPARE(cell(JobTableModel::Cost).toString(), QStringLiteral("$1.25"));
        QCOMPARE(cell(JobTableModel::Requests, Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(cell(JobTableModel::Id, Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignLeft | Qt::AlignVCenter));
        QVERIFY(cell(JobTableModel::Status, Qt::ForegroundRole).isValid());
        QCOMPARE(cell(JobTableModel::Status, Qt::ToolTipRole).toString(),
                 QStringLiteral("Attempt 2, retry of batch-job-3"));
        QCOMPARE(cell(JobTableModel::Cost, JobTableModel::SortRole).toLongLong(), 1250000);
        QCOMPARE(model.headerData(JobTableModel::Failed, Qt::Horizontal).toString(),
                 QStringLiteral("Failed"));
        QCOMPARE(JobTableModel::formatDuration(45000), QStringLiteral("45 s"));
        QCOMPARE(JobTableModel::formatDuration(7500000), QStringLiteral("2 h 05 min"));
    }

    void refreshKeepsSelection()
    {
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QItemSelectionModel selection(&model);
        model.setJobs(page({5, 4, 3, 2, 1}));
        selection.select(model.index(2, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows); // job 3
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);

        // A new job arrives on top, job 1 drops off the page, job 4 progresses.
        QList<Job> next = page({6, 5, 4, 3, 2});
        next[2].completedCount = 95;
        next[2].failedCount = 5;
        model.setJobs(next);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.jobs(), next);
        QCOMPARE(changed.size(), 1); // one span: job 4's row only
        QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 2);
        QCOMPARE(changed.first().at(1).value<QModelIndex>().row(), 2);
        const QModelIndexList selected = selection.selectedRows();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().data(JobTableModel::JobIdRole).toString(), QStringLiteral("batch-job-3"));
    }

    void randomRefreshesConverge()
    {
        JobTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QRandomGenerator rng(42);
        for (int round = 0; round < 200; ++round) {
            QList<Job> next;
            const int size = int(rng.bounded(12));
            QList<int> ids;
            while (ids.size() < size) {
                const int n = int(rng.bounded(20));
                if (!ids.contains(n))
                    ids << n;
            }
            if (rng.bounded(2))
                std::sort(ids.begin(), ids.end(), std::greater<int>());
            for (int n : ids)
                next << job(n, JobStatus::Completed, 80 + int(rng.bounded(3)));
            model.setJobs(next);
            QCOMPARE(model.jobs(), next);
        }
    }
};

QTEST_GUILESS_MAIN(TestJobTableModel)
#include "tst_jobtablemodel.moc"
