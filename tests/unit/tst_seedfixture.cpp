// SPDX-License-Identifier: GPL-3.0-or-later
// The seed's example response, copied verbatim, must decode to exactly the values it shows.
#include "json/Codec.h"

#include <QFile>
#include <QTest>

using namespace batchmon;

class TestSeedFixture : public QObject
{
    Q_OBJECT

private:
    MonitoringSnapshot m_snapshot;

private slots:
    void initTestCase()
    {
        QFile file(QStringLiteral(BATCHMON_FIXTURES "/seed-response.json"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        const auto result = json::decodeResponse<MonitoringSnapshot>(file.readAll());
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toString()));
        m_snapshot = result.value();
    }

    void summary()
    {
        const Summary &s = m_snapshot.summary;
        QCOMPARE(s.totalJobs, 156);
        QCOMPARE(s.completedJobs, 142);
        QCOMPARE(s.failedJobs, 8);
        QCOMPARE(s.pendingJobs, 6);
        QCOMPARE(s.totalRequests, 15600);
        QCOMPARE(s.processedRequests, 14200);
        QCOMPARE(s.costSavings.currentPeriod, Money::fromMicros(234560000));
        QCOMPARE(s.costSavings.projectedMonthly, Money::fromMicros(7038450000));
        QCOMPARE(s.costSavings.savingsPercentage, std::optional<double>(48.2));
        QCOMPARE(s.costSavings.currentPeriod.toPlainString(), QStringLiteral("234.56"));
        QCOMPARE(s.costSavings.projectedMonthly.toPlainString(), QStringLiteral("7038.45"));
        QVERIFY(!s.costSavings.batchCost);
        QVERIFY(!s.costSavings.individualCost);
        QCOMPARE(s.averageProcessingTime, std::optional<qint64>(1800000));
        QCOMPARE(s.successRate, std::optional<double>(95.2));
        QVERIFY(!s.previousPeriod);
    }

    void queues()
    {
        const Queues &q = m_snapshot.queues;
        QCOMPARE(q.pending, 12);
        QCOMPARE(q.processing, 3);
        QCOMPARE(q.completed, 142);
        QCOMPARE(q.failed, 8);
        QVERIFY(!q.cancelled);
    }

    void performance()
    {
        const Performance &p = m_snapshot.performance;
        QCOMPARE(p.throughput.requestsPerHour, 650.0);
        QCOMPARE(p.throughput.jobsPerHour, 6.5);
        QCOMPARE(p.throughput.averageBatchSize, std::optional<double>(100));
        QCOMPARE(p.efficiency.batchUtilization, std::optional<double>(87.3));
        QCOMPARE(p.efficiency.processingEfficiency, std::optional<double>(92.1));
        QCOMPARE(p.efficiency.errorRate, std::optional<double>(4.8));
    }

    void job()
    {
        QCOMPARE(m_snapshot.jobs.size(), 1);
        const Job &j = m_snapshot.jobs.first();
        QCOMPARE(j.id, QStringLiteral("batch-job-123"));
        QCOMPARE(j.batchId, std::optional<QString>(QStringLiteral("batch_abc123")));
        QCOMPARE(j.status, JobStatus::Completed);
        QCOMPARE(j.jobType, QStringLiteral("ai_analysis"));
        QCOMPARE(j.requestCount, 100);
        QCOMPARE(j.completedCount, 98);
        QCOMPARE(j.failedCount, 2);
        QCOMPARE(j.createdAt, QDateTime(QDate(2024, 1, 1), QTime(10, 0), Qt::UTC));
        QCOMPARE(j.startedAt, std::optional<QDateTime>(QDateTime(QDate(2024, 1, 1), QTime(10, 5), Qt::UTC)));
        QCOMPARE(j.completedAt,
                 std::optional<QDateTime>(QDateTime(QDate(2024, 1, 1), QTime(10, 35), Qt::UTC)));
        QCOMPARE(j.createdAt.timeSpec(), Qt::UTC);
        QCOMPARE(j.processingTimeMs, std::optional<qint64>(1800000));
        QCOMPARE(j.costEstimate, Money::fromMicros(12500000));
        QVERIFY(j.errorSummary.has_value());
        QCOMPARE(j.errorSummary->size(), 1);
        QCOMPARE(j.errorSummary->first().error, QStringLiteral("token_limit_exceeded"));
        QCOMPARE(j.errorSummary->first().count, 2);
        QCOMPARE(j.errorSummary->first().percentage, 2.0);
        // Fields the seed does not show take their documented defaults.
        QVERIFY(!j.timeline);
        QVERIFY(!j.model);
        QCOMPARE(j.priority, JobPriority::Normal);
        QCOMPARE(j.attempt, 1);
        QVERIFY(!j.retryOf);
    }

    void optionalSectionsAbsent()
    {
        QVERIFY(!m_snapshot.resources);
        QVERIFY(!m_snapshot.historical);
        QVERIFY(!m_snapshot.pagination);
        QVERIFY(!m_snapshot.timeRange);
        QVERIFY(!m_snapshot.generatedAt);
    }

    void reencodesToTheSameValues()
    {
        const QByteArray again = json::encodeSuccess(json::encode(m_snapshot));
        const auto back = json::decodeResponse<MonitoringSnapshot>(again);
        QVERIFY(back.ok());
        QCOMPARE(back.value() == m_snapshot, true);
        // The seed's own numbers come back as the seed wrote them.
        QVERIFY(again.contains("\"currentPeriod\":234.56"));
        QVERIFY(again.contains("\"costEstimate\":12.5"));
        QVERIFY(again.contains("\"createdAt\":\"2024-01-01T10:00:00Z\""));
    }
};

QTEST_GUILESS_MAIN(TestSeedFixture)
#include "tst_seedfixture.moc"
