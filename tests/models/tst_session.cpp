// SPDX-License-Identifier: GPL-3.0-or-later
// The session against a scripted source: states, the last good snapshot kept through failures, the
// status line, recovery, dropped answers to an abandoned query, and the refresh cadence.
#include "Session.h"

#include <QPromise>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace batchmon;

namespace {

/// Answers fetchMonitoring with futures the test completes; everything else is unused here.
class ScriptedSource : public DataSource
{
public:
    QList<std::shared_ptr<QPromise<ApiResult<MonitoringSnapshot>>>> pending;
    QList<MonitoringQuery> queries;

    void answer(int i, const ApiResult<MonitoringSnapshot> &result)
    {
        pending[i]->addResult(result);
        pending[i]->finish();
    }

    QFuture<ApiResult<MonitoringSnapshot>> fetchMonitoring(const MonitoringQuery &query) override
    {
        queries << query;
        auto p = std::make_shared<QPromise<ApiResult<MonitoringSnapshot>>>();
        p->start();
        pending << p;
        return p->future();
    }
    template<typename T> static QFuture<ApiResult<T>> unused()
    {
        QPromise<ApiResult<T>> p;
        p.start();
        ApiError e;
        e.kind = ApiError::Kind::BadRequest;
        p.addResult(ApiResult<T>(e));
        p.finish();
        return p.future();
    }
    QFuture<ApiResult<Job>> fetchJob(const QString &) override { return unused<Job>(); }
    QFuture<ApiResult<Job>> retryJob(const QString &) override { return unused<Job>(); }
    QFuture<ApiResult<Job>> cancelJob(const QString &) override { return unused<Job>(); }
    QFuture<ApiResult<Job>> pauseJob(const QString &) override { return unused<Job>(); }
    QFuture<ApiResult<Job>> resumeJob(const QString &) override { return unused<Job>(); }
    QFuture<ApiResult<Job>> setJobPriority(const QString &, JobPriority) override { return unused<Job>(); }
    QFuture<ApiResult<AlertConfig>> fetchAlertConfig() override { return unused<AlertConfig>(); }
    QFuture<ApiResult<AlertConfig>> updateAlertConfig(const AlertConfig &) override
    {
        return unused<AlertConfig>();
    }
    QFuture<ApiResult<AlertPreview>> previewAlerts(const AlertConfig &) override
    {
        return unused<AlertPreview>();
    }
    QFuture<ApiResult<AlertEventPage>> fetchAlertEvents(const AlertEventQuery &) override
    {
        return unused<AlertEventPage>();
    }
    QFuture<ApiResult<AlertEvent>> acknowledgeAlertEvent(qint64) override { return unused<AlertEvent>(); }
    QFuture<ApiResult<BatchConfig>> fetchConfig() override { return unused<BatchConfig>(); }
    QFuture<ApiResult<BatchConfig>> updateConfig(const BatchConfig &) override
    {
        return unused<BatchConfig>();
    }
    QFuture<ApiResult<SchedulerState>> pauseScheduler() override { return unused<SchedulerState>(); }
    QFuture<ApiResult<SchedulerState>> resumeScheduler() override { return unused<SchedulerState>(); }
    QFuture<ApiResult<Identity>> fetchIdentity() override { return unused<Identity>(); }
};

MonitoringSnapshot withJobs(qint64 n)
{
    MonitoringSnapshot s;
    s.summary.totalJobs = n;
    return s;
}

ApiError offline()
{
    ApiError e;
    e.kind = ApiError::Kind::Offline;
    e.message = QStringLiteral("Connection refused");
    return e;
}

} // namespace

class TestSession : public QObject
{
    Q_OBJECT

    QDateTime m_now = QDateTime(QDate(2026, 11, 29), QTime(10, 0), Qt::UTC);

private slots:
    void keepsLastDataAndRecovers()
    {
        ScriptedSource source;
        Session session(&source, {60000, 10000, 60000});
        session.setClock([this] { return m_now; });
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        QSignalSpy states(&session, &Session::stateChanged);
        QCOMPARE(session.state(), Session::State::Connecting);
        QCOMPARE(session.statusText(m_now), QStringLiteral("Connecting…"));

        session.refresh();
        QCOMPARE(source.pending.size(), 1);
        source.answer(0, withJobs(156));
        QTRY_COMPARE(updated.size(), 1);
        QCOMPARE(session.state(), Session::State::Connected);
        QCOMPARE(session.snapshot()->summary.totalJobs, 156);
        m_now = m_now.addSecs(12);
        QCOMPARE(session.statusText(m_now), QStringLiteral("Updated 12 s ago"));

        // A failed refresh keeps the data, says how old it is, why, and when the next try is.
        session.refresh();
        source.answer(1, offline());
        QTRY_COMPARE(session.state(), Session::State::Stale);
        QCOMPARE(session.snapshot()->summary.totalJobs, 156);
        QCOMPARE(updated.size(), 1);
        m_now = m_now.addSecs(120);
        const QString status = session.statusText(m_now);
        QVERIFY2(status.startsWith(QStringLiteral("Showing data from ")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("(2 min ago)")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("Cannot reach the server")), qPrintable(status));
        QVERIFY2(status.contains(QStringLiteral("Trying again in")), qPrintable(status));

        // The next success recovers by itself.
        session.refresh();
        source.answer(2, withJobs(157));
        QTRY_COMPARE(session.state(), Session::State::Connected);
        QCOMPARE(session.snapshot()->summary.totalJobs, 157);
        QVERIFY(!session.lastError());
        QCOMPARE(states.size(), 3); // connected, stale, connected
    }

    void failsWithoutEverHavingData()
    {
        ScriptedSource source;
        Session session(&source);
        session.setClock([this] { return m_now; });
        session.refresh();
        source.answer(0, offline());
        QTRY_COMPARE(session.state(), Session::State::Failed);
        QVERIFY(!session.snapshot());
        QVERIFY(session.statusText(m_now).startsWith(QStringLiteral("No data: Cannot reach the server")));
    }

    void answerToAnAbandonedQueryIsDropped()
    {
        ScriptedSource source;
        Session session(&source);
        session.refresh(); // the 24 h query
        MonitoringQuery week;
        week.timeRange = TimeRange::LastWeek;
        session.setQuery(week); // asks again at once
        QCOMPARE(source.pending.size(), 2);
        QCOMPARE(source.queries.last().timeRange, TimeRange::LastWeek);
        source.answer(1, withJobs(900));
        QTRY_VERIFY(session.snapshot().has_value());
        source.answer(0, withJobs(1)); // the late answer to the old query
        QTest::qWait(50);
        QCOMPARE(session.snapshot()->summary.totalJobs, 900);
    }

    void noOverlappingRefreshes()
    {
        ScriptedSource source;
        Session session(&source);
        session.refresh();
        session.refresh();
        session.refresh();
        QCOMPARE(source.pending.size(), 1);
        source.answer(0, withJobs(3));
        QTRY_VERIFY(session.snapshot().has_value());
        session.refresh();
        QCOMPARE(source.pending.size(), 2);
    }

    void pausedAutoRefreshWaitsForTheUser()
    {
        ScriptedSource source;
        Session session(&source, {40, 10000, 60000});
        session.setAutoRefresh(false);
        session.refresh(); // F5 still works
        source.answer(0, withJobs(1));
        QTRY_VERIFY(session.snapshot().has_value());
        QTest::qWait(200);
        QCOMPARE(source.pending.size(), 1); // nothing on the cadence
        QVERIFY(session.statusText(QDateTime::currentDateTimeUtc()).contains(QStringLiteral("paused")));
        session.setAutoRefresh(true); // refreshes at once, then on the cadence again
        QCOMPARE(source.pending.size(), 2);
    }

    void refreshesOnItsCadence()
    {
        ScriptedSource source;
        Session session(&source, {40, 10000, 60000});
        session.refresh();
        source.answer(0, withJobs(1));
        // Every 40 ms, answered or not, but never two at once: it waits for the answer.
        QTRY_COMPARE(source.pending.size(), 2);
        source.answer(1, withJobs(2));
        QTRY_COMPARE(source.pending.size(), 3);
        QTRY_COMPARE(session.snapshot()->summary.totalJobs, 2);
    }
};

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
