// SPDX-License-Identifier: GPL-3.0-or-later
// The dashboard over a known snapshot, offscreen: the cards' texts, the charts' series, the empty and
// failed states, the dark palette, and a refresh that keeps the user's selection and scroll position.
#include "Appearance.h"
#include "Charts.h"
#include "Colours.h"
#include "ConfigPanel.h"
#include "DashboardView.h"
#include "FixedSource.h"
#include "JobDetailsDialog.h"
#include "JobTableModel.h"
#include "MetricCard.h"
#include "Session.h"

#include <QChart>
#include <QItemSelectionModel>
#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTextDocument>
#include <cmath>

using namespace batchmon;

namespace {

const QDateTime kStart(QDate(2026, 11, 28), QTime(12, 0), Qt::UTC);

Job job(int n, JobStatus status = JobStatus::Completed)
{
    Job j;
    j.id = QStringLiteral("batch-job-%1").arg(n);
    j.batchId = QStringLiteral("batch_%1").arg(n);
    j.status = status;
    j.jobType = QStringLiteral("ai_analysis");
    j.requestCount = 100;
    j.completedCount = 98;
    j.failedCount = 2;
    j.createdAt = kStart.addSecs(n * 60);
    j.processingTimeMs = 1800000;
    j.costEstimate = Money::fromMicros(40000);
    return j;
}

/// The seed's summary (docs/api.md §8.4), 24 hourly buckets, resources and 100 jobs newest first.
MonitoringSnapshot known()
{
    MonitoringSnapshot s;
    s.timeRange = TimeRange::LastDay;
    s.summary.totalJobs = 156;
    s.summary.completedJobs = 142;
    s.summary.failedJobs = 8;
    s.summary.pendingJobs = 6;
    s.summary.totalRequests = 15600;
    s.summary.processedRequests = 14200;
    s.summary.costSavings.currentPeriod = Money::fromMicros(234560000);
    s.summary.costSavings.projectedMonthly = Money::fromMicros(7038450000);
    s.summary.costSavings.savingsPercentage = 48.2;
    s.summary.averageProcessingTime = 1800000;
    s.summary.successRate = 95.2;
    PeriodTotals previous;
    previous.totalJobs = 150;
    previous.successRate = 94.0;
    previous.costSavings = Money::fromMicros(200000000);
    previous.averageProcessingTime = 2100000;
    s.summary.previousPeriod = previous;
    s.queues = Queues{12, 3, 142, 8, 2};
    Resources r;
    r.enqueuedTokens = 37400000;
    r.enqueuedTokenLimit = 200000000;
    r.quotaUtilization = 18.7;
    r.rateLimitedRequests = 156; // 1 % of 15,600
    s.resources = r;
    s.errors = QList<ErrorSummaryEntry>{};
    const QList<QPair<QString, qint64>> codes{
        {QStringLiteral("token_limit_exceeded"), 312},  {QStringLiteral("rate_limit_exceeded"), 156},
        {QStringLiteral("request_timeout"), 145},       {QStringLiteral("invalid_request"), 40},
        {QStringLiteral("model_not_found"), 30},        {QStringLiteral("server_error"), 20},
        {QStringLiteral("context_length_exceeded"), 5}, {QStringLiteral("content_filter"), 2}};
    for (const auto &[code, count] : codes)
        s.errors->append(ErrorSummaryEntry{code, count, std::round(count * 1000.0 / 15600) / 10});
    Historical h;
    h.bucketSeconds = 3600;
    for (int i = 0; i < 24; ++i) {
        HistoricalBucket b;
        b.start = kStart.addSecs(i * 3600);
        b.end = b.start.addSecs(3600);
        b.jobs = 6 + i % 3;
        b.requests = 600 + i * 10;
        b.batchCost = Money::fromMicros(1000000 + i * 10000);
        b.savings = Money::fromMicros(950000 + i * 10000);
        h.buckets << b;
    }
    s.historical = h;
    for (int n = 100; n >= 1; --n)
        s.jobs << job(n);
    s.pagination = Pagination{1, 100, 156, 2};
    s.scheduler = SchedulerState();
    return s;
}

QString topVisibleId(QTableView *table)
{
    return table->indexAt(QPoint(4, 4)).data(JobTableModel::JobIdRole).toString();
}

} // namespace

class TestDashboardView : public QObject
{
    Q_OBJECT

private slots:
    void jobDetailsShowACostUnderACent()
    {
        // "<$0.01" in rich text was read as a tag: the cost, the tokens and the line break vanished.
        FixedSource source;
        Job j;
        j.id = QStringLiteral("batch-job-4");
        j.status = JobStatus::Completed;
        j.jobType = QStringLiteral("summaries");
        j.requestCount = 20;
        j.completedCount = 20;
        j.createdAt = QDateTime(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);
        j.costEstimate = Money::fromMicros(4000);
        j.inputTokens = 399;
        j.outputTokens = 133;
        source.job = j;
        JobDetailsDialog details(&source, j.id);
        QSignalSpy loaded(&details, &JobDetailsDialog::loaded);
        QVERIFY(loaded.count() > 0 || loaded.wait(5000));
        QTextDocument shown;
        shown.setHtml(details.summaryText());
        QVERIFY2(
            shown.toPlainText().contains(QStringLiteral("Cost <$0.01 · 399 input and 133 output tokens\n")),
            qPrintable(shown.toPlainText()));
    }

    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void cardsAndChartsShowTheSnapshot()
    {
        FixedSource source;
        source.snapshot = known();
        Session session(&source);
        DashboardView view(&session, QStringLiteral("test"));
        view.resize(1280, 800);
        view.show();
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        QSignalSpy charts(&view, &DashboardView::chartsUpdated);
        session.refresh();
        QTRY_COMPARE(updated.count(), 1);
        QTRY_COMPARE(charts.count(), 1);

        QCOMPARE(view.card(0)->value(), QStringLiteral("156"));
        QCOMPARE(view.card(0)->change(), QStringLiteral("▲ +6 vs previous 24h"));
        QCOMPARE(view.card(1)->value(), QStringLiteral("95.2 %"));
        QCOMPARE(view.card(1)->change(), QStringLiteral("▲ +1.2 points vs previous 24h"));
        QCOMPARE(view.card(2)->value(), QStringLiteral("$234.56"));
        QCOMPARE(view.card(2)->change(),
                 QStringLiteral("▲ +$34.56 vs previous 24h · 48.2 % vs individual API"));
        QCOMPARE(view.card(3)->value(), QStringLiteral("30 min"));
        QCOMPARE(view.card(3)->change(), QStringLiteral("▼ −5 min vs previous 24h"));
        QCOMPARE(view.card(4)->value(), QStringLiteral("4.8 %"));
        QCOMPARE(view.card(4)->change(), QStringLiteral("▼ −1.2 points vs previous 24h"));

        QCOMPARE(view.queueChart()->values(), (QList<qreal>{12, 3, 142, 8, 2}));
        QCOMPARE(view.queueChart()->emptyText(), QString());
        const QList<QPointF> throughput = view.throughputChart()->points(0);
        QCOMPARE(throughput.size(), 24);
        QCOMPARE(throughput.first().y(), 600.0); // requests in a 1-hour bucket = requests per hour
        QCOMPARE(throughput.last().y(), 830.0);
        QCOMPARE(qint64(throughput.first().x()), kStart.addSecs(1800).toMSecsSinceEpoch()); // bucket middle
        QCOMPARE(view.costChart()->points(0).first().y(), 0.95);                            // saved
        QCOMPARE(view.costChart()->points(1).last().y(), 1.23);                             // batch cost
        QCOMPARE(view.resourceChart()->values(), (QList<qreal>{18.7, 1.0}));
        QVERIFY2(view.resourceChart()->caption().contains(
                     QStringLiteral("37,400,000 of 200,000,000 input tokens")),
                 qPrintable(view.resourceChart()->caption()));
        QVERIFY(view.resourceChart()->caption().contains(QStringLiteral("156 of 15,600 requests")));
        // The six most frequent codes, then the rest summed.
        QCOMPARE(view.errorChart()->categories(),
                 (QStringList{QStringLiteral("token_limit_exceeded"), QStringLiteral("rate_limit_exceeded"),
                              QStringLiteral("request_timeout"), QStringLiteral("invalid_request"),
                              QStringLiteral("model_not_found"), QStringLiteral("server_error"),
                              QStringLiteral("other codes")}));
        QCOMPARE(view.errorChart()->values(), (QList<qreal>{312, 156, 145, 40, 30, 20, 7}));
        // Alerts on the throughput chart: at their time, on the line; outside the range, not at all.
        AlertEvent inRange;
        inRange.id = 1;
        inRange.message = QStringLiteral("Error rate 14.2 % > 10 %");
        inRange.firstSeen = kStart.addSecs(3 * 3600 + 1800);
        AlertEvent before = inRange;
        before.id = 2;
        before.firstSeen = kStart.addSecs(-7200);
        view.setAlertMarkers({inRange, before});
        const QList<QPointF> markers = view.throughputChart()->markerPoints();
        QCOMPARE(markers.size(), 1);
        QCOMPARE(qint64(markers.first().x()), inRange.firstSeen.toMSecsSinceEpoch());
        QCOMPARE(markers.first().y(), 630.0); // the 4th hour's requests
        QCOMPARE(view.jobTable()->model()->rowCount(), 100);
        QCOMPARE(view.pageLabel()->text(), QStringLiteral("Page 1 of 2 · 156 jobs"));
        QCOMPARE(view.emptyText(), QString());
    }

    void refreshKeepsSelectionAndScroll()
    {
        FixedSource source;
        source.snapshot = known();
        Session session(&source);
        DashboardView view(&session, QStringLiteral("test"));
        view.resize(1280, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.refresh();
        QTRY_COMPARE(updated.count(), 1);
        QTableView *table = view.jobTable();
        table->scrollTo(table->model()->index(40, 0), QAbstractItemView::PositionAtTop);
        table->selectRow(45);
        const QString top = topVisibleId(table);
        QCOMPARE(top, QStringLiteral("batch-job-60"));
        const QString selected =
            table->selectionModel()->selectedRows().first().data(JobTableModel::JobIdRole).toString();

        // Three new jobs on top, one gone, one changed: the same jobs stay at the top and selected.
        MonitoringSnapshot next = known();
        next.jobs.removeAt(10);
        next.jobs[50].status = JobStatus::Failed;
        next.jobs.prepend(job(103, JobStatus::Pending));
        next.jobs.prepend(job(102, JobStatus::Pending));
        next.jobs.prepend(job(101, JobStatus::Pending));
        source.snapshot = next;
        session.refresh();
        QTRY_COMPARE(updated.count(), 2);
        QCOMPARE(table->model()->rowCount(), 102);
        QCOMPARE(topVisibleId(table), top);
        QCOMPARE(table->selectionModel()->selectedRows().size(), 1);
        QCOMPARE(table->selectionModel()->selectedRows().first().data(JobTableModel::JobIdRole).toString(),
                 selected);

        // At the very top, the user sees new jobs arrive instead.
        table->scrollToTop();
        next.jobs.prepend(job(104, JobStatus::Pending));
        source.snapshot = next;
        session.refresh();
        QTRY_COMPARE(updated.count(), 3);
        QCOMPARE(table->verticalScrollBar()->value(), 0);
        QCOMPARE(topVisibleId(table), QStringLiteral("batch-job-104"));
    }

    void emptyAndFailedStates()
    {
        FixedSource source;
        source.error.kind = ApiError::Kind::Offline;
        source.error.message = QStringLiteral("Connection refused");
        Session session(&source);
        DashboardView view(&session, QStringLiteral("test"));
        view.resize(1280, 800);
        view.show();
        QSignalSpy status(&session, &Session::statusChanged);
        session.refresh();
        QTRY_VERIFY(status.count() > 0);
        QCOMPARE(session.state(), Session::State::Failed);
        QVERIFY2(view.emptyText().startsWith(QStringLiteral("No data yet.\nCannot reach the server")),
                 qPrintable(view.emptyText()));
        QCOMPARE(view.card(0)->value(), QStringLiteral("—"));
        QVERIFY(view.warning()->isVisible());
        QVERIFY2(view.warning()->text().contains(QStringLiteral("No data: Cannot reach the server")),
                 qPrintable(view.warning()->text()));
        QVERIFY(view.warning()->text().contains(QStringLiteral("Try now")));
        QVERIFY(!view.warning()->text().contains(QStringLiteral("Edit the connection")));
        QCOMPARE(view.throughputChart()->emptyText(), QStringLiteral("No data yet"));
        QVERIFY(!view.retryAllFailedAction()->isEnabled());

        // A server with no jobs at all: zeros, and sentences instead of blank charts.
        MonitoringSnapshot none;
        none.timeRange = TimeRange::LastDay;
        none.pagination = Pagination{1, 50, 0, 0};
        Historical h;
        h.bucketSeconds = 3600;
        for (int i = 0; i < 24; ++i)
            h.buckets << HistoricalBucket{kStart.addSecs(i * 3600),
                                          kStart.addSecs((i + 1) * 3600),
                                          0,
                                          0,
                                          0,
                                          0,
                                          Money(),
                                          Money(),
                                          std::nullopt};
        none.historical = h;
        none.errors = QList<ErrorSummaryEntry>{};
        source.snapshot = none;
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        QSignalSpy charts(&view, &DashboardView::chartsUpdated);
        session.refresh();
        QTRY_COMPARE(updated.count(), 1);
        QTRY_COMPARE(charts.count(), 1);
        QCOMPARE(view.card(0)->value(), QStringLiteral("0"));
        QVERIFY(view.emptyText().startsWith(QStringLiteral("No jobs in this time range.")));
        QCOMPARE(view.queueChart()->emptyText(), QStringLiteral("No jobs yet"));
        QCOMPARE(view.throughputChart()->emptyText(), QStringLiteral("Nothing in this range"));
        QCOMPARE(view.errorChart()->emptyText(), QStringLiteral("No failed requests in this range"));
        QVERIFY(!view.warning()->isVisible()); // current data: no warning

        // The token is revoked: the last data stays, the strip says it is old and offers to fix it.
        source.snapshot.reset();
        source.error.kind = ApiError::Kind::Unauthorized;
        source.error.message = QStringLiteral("invalid or revoked token");
        status.clear();
        session.refresh();
        QTRY_VERIFY(status.count() > 0);
        QCOMPARE(session.state(), Session::State::Stale);
        QCOMPARE(view.card(0)->value(), QStringLiteral("0"));
        QVERIFY(view.warning()->isVisible());
        QVERIFY2(view.warning()->text().contains(QStringLiteral("Showing data from")),
                 qPrintable(view.warning()->text()));
        QVERIFY(view.warning()->text().contains(QStringLiteral("The figures below are from then.")));
        QVERIFY(view.warning()->text().contains(QStringLiteral("Edit the connection")));
        QSignalSpy edit(&view, &DashboardView::editConnectionRequested);
        emit view.warning()->linkActivated(QStringLiteral("edit"));
        QCOMPARE(edit.count(), 1);
    }

    void schedulerStateSaysWhenItIsOld()
    {
        FixedSource source;
        source.snapshot = known();
        Session session(&source);
        ConfigPanel panel(&session);
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.refresh();
        QTRY_COMPARE(updated.count(), 1);
        QCOMPARE(panel.schedulerLine(), QStringLiteral("● Running"));
        source.snapshot.reset();
        source.error.kind = ApiError::Kind::Offline;
        QSignalSpy state(&session, &Session::stateChanged);
        session.refresh();
        QTRY_COMPARE(session.state(), Session::State::Stale);
        QVERIFY2(panel.schedulerLine().startsWith(QStringLiteral("● Running (as of ")),
                 qPrintable(panel.schedulerLine()));
        QVERIFY(panel.schedulerLine().endsWith(QStringLiteral("; the source cannot be reached now)")));
    }

    void chartsFollowThePalette()
    {
        QueueStatusChart chart;
        QPalette dark = Appearance::darkPalette();
        chart.setPalette(dark);
        QCOMPARE(chart.chart()->backgroundBrush().color(), dark.color(QPalette::Base));
        QCOMPARE(chart.chart()->titleBrush().color(), dark.color(QPalette::Text));
        QVERIFY(Appearance::isDark(dark));
        QPalette light = QApplication::style()->standardPalette();
        chart.setPalette(light);
        QCOMPARE(chart.chart()->backgroundBrush().color(), light.color(QPalette::Base));
        QVERIFY(!Appearance::isDark(light));

        // A label coloured for an error and then back to normal follows a later change of theme (the
        // configuration page's message kept the old theme's colour: dark on dark).
        QWidget parent;
        parent.setPalette(light);
        auto *label = new QLabel(QStringLiteral("Saved."), &parent);
        colours::setTextColour(label, colours::kRed);
        QCOMPARE(label->palette().color(QPalette::WindowText), colours::kRed);
        colours::setTextColour(label, std::nullopt);
        parent.setPalette(dark);
        QCOMPARE(label->palette().color(QPalette::WindowText), dark.color(QPalette::WindowText));
    }
};

QTEST_MAIN(TestDashboardView)
#include "tst_dashboardview.moc"
