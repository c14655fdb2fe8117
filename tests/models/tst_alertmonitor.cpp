// SPDX-License-Identifier: GPL-3.0-or-later
// The app's side of alerts: the events list updated in place, and which events become desktop
// notifications (docs/api.md §12.3: cadence, suppression, acknowledgement, the desktop channel).
#include "AlertMonitor.h"
#include "FixedSource.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kT0(QDate(2026, 11, 29), QTime(8, 0), Qt::UTC);

AlertEvent alert(qint64 id, AlertRuleId rule, int minutesAfterT0, std::optional<QString> job = std::nullopt)
{
    AlertEvent e;
    e.id = id;
    e.rule = rule;
    e.severity = rule == AlertRuleId::BatchFailure ? Severity::Critical : Severity::Medium;
    e.observedValue = 1;
    e.threshold = 1;
    e.message = QStringLiteral("event %1").arg(id);
    e.firstSeen = kT0.addSecs(minutesAfterT0 * 60);
    e.lastSeen = e.firstSeen;
    e.jobId = job;
    return e;
}

} // namespace

class TestAlertMonitor : public QObject
{
    Q_OBJECT

    QDateTime m_now = kT0;

    /// One poll; the notifications it decided.
    static QList<AlertEvent> poll(AlertMonitor &monitor)
    {
        QSignalSpy notified(&monitor, &AlertMonitor::notify);
        QSignalSpy updated(&monitor, &AlertMonitor::updated);
        monitor.refresh();
        if (updated.isEmpty() && !updated.wait(5000))
            qFatal("no poll answer");
        return notified.isEmpty() ? QList<AlertEvent>() : notified.first().first().value<QList<AlertEvent>>();
    }

    static QList<qint64> ids(const QList<AlertEvent> &events)
    {
        QList<qint64> out;
        for (const AlertEvent &e : events)
            out << e.id;
        return out;
    }

private slots:
    void modelUpdatesInPlace()
    {
        AlertEventsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QItemSelectionModel selection(&model);
        model.setEvents({alert(1, AlertRuleId::HighErrorRate, 0),
                         alert(2, AlertRuleId::BatchFailure, 5, QStringLiteral("batch-job-7")),
                         alert(3, AlertRuleId::LongProcessingTime, 10, QStringLiteral("batch-job-9"))});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, AlertEventsModel::Message).data().toString(),
                 QStringLiteral("event 3")); // newest first
        selection.select(model.index(1, 0),
                         QItemSelectionModel::Select | QItemSelectionModel::Rows); // event 2

        // 4 arrives, 3 goes, 2 is acknowledged: no reset, event 2 stays selected.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        AlertEvent two = alert(2, AlertRuleId::BatchFailure, 5, QStringLiteral("batch-job-7"));
        two.acknowledgedBy = QStringLiteral("alice");
        two.acknowledgedAt = kT0.addSecs(900);
        model.setEvents(
            {alert(1, AlertRuleId::HighErrorRate, 0), two, alert(4, AlertRuleId::LowThroughput, 20)});
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, AlertEventsModel::Message).data().toString(), QStringLiteral("event 4"));
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(selection.selectedRows().first().data(AlertEventsModel::EventIdRole).toLongLong(), 2);
        QVERIFY(model.index(1, AlertEventsModel::Acknowledged)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("alice, ")));
        QCOMPARE(model.index(1, AlertEventsModel::Severity).data().toString(), QStringLiteral("Critical"));
        QCOMPARE(model.index(1, AlertEventsModel::Rule).data().toString(), QStringLiteral("Batch failure"));
        QCOMPARE(model.index(1, AlertEventsModel::State).data().toString(), QStringLiteral("Active"));
    }

    void cadenceSuppressionAndAcknowledgement()
    {
        FixedSource source;
        source.alertConfig.notificationChannels = {NotificationChannel::Desktop};
        source.alertConfig.suppressionWindowMinutes = 30;
        // highErrorRate immediate, longProcessingTime hourly (the defaults).
        source.events = {alert(1, AlertRuleId::HighErrorRate, 0),
                         alert(2, AlertRuleId::LongProcessingTime, 0, QStringLiteral("batch-job-1"))};
        AlertMonitor monitor(&source);
        monitor.setClock([this] { return m_now; });
        QSignalSpy count(&monitor, &AlertMonitor::activeCountChanged);

        QCOMPARE(ids(poll(monitor)), (QList<qint64>{2, 1}));
        QCOMPARE(monitor.activeCount(), 2);
        QCOMPARE(poll(monitor), QList<AlertEvent>()); // nothing twice

        // Another long job 10 min later: within the rule's 30-minute window, skipped (not delayed).
        m_now = kT0.addSecs(600);
        source.events << alert(3, AlertRuleId::LongProcessingTime, 10, QStringLiteral("batch-job-2"));
        QCOMPARE(poll(monitor), QList<AlertEvent>());
        m_now = kT0.addSecs(2400);
        QCOMPARE(poll(monitor), QList<AlertEvent>());

        // An hour on: the hourly rule's events are due again; the immediate one is not.
        m_now = kT0.addSecs(3600);
        QCOMPARE(ids(poll(monitor)), (QList<qint64>{2}));
        m_now = kT0.addSecs(600 + 3600);
        QCOMPARE(poll(monitor), QList<AlertEvent>()); // 3 is due, but 2 was shown 10 min ago: suppressed
        m_now = kT0.addSecs(2 * 3600 + 600);
        // Acknowledged: no more cadence for 2; 3 is due again.
        QSignalSpy notified(&monitor, &AlertMonitor::notify);
        QSignalSpy acked(&monitor, &AlertMonitor::acknowledged);
        monitor.acknowledge(2); // then polls again at once
        QVERIFY(acked.wait(5000));
        QCOMPARE(acked.first().first().toBool(), true);
        QTRY_COMPARE(monitor.activeCount(), 2);
        QTRY_COMPARE(notified.count(), 1);
        QCOMPARE(ids(notified.first().first().value<QList<AlertEvent>>()), (QList<qint64>{3}));
        QVERIFY(count.count() >= 2);

        // Resolved events leave the active list; "show resolved" brings them back.
        source.events[0].resolvedAt = m_now;
        poll(monitor);
        QCOMPARE(monitor.model()->rowCount(), 2);
        monitor.setShowResolved(true);
        QTRY_COMPARE(monitor.model()->rowCount(), 3);
    }

    void backlogIsNotNews()
    {
        FixedSource source;
        source.alertConfig.notificationChannels = {NotificationChannel::Desktop};
        source.events = {alert(1, AlertRuleId::BatchFailure, 0, QStringLiteral("batch-job-1")),
                         alert(2, AlertRuleId::BatchFailure, 55, QStringLiteral("batch-job-2"))};
        AlertMonitor monitor(&source);
        m_now = kT0.addSecs(3600); // 1 started an hour ago, 2 five minutes ago
        monitor.setClock([this] { return m_now; });
        QCOMPARE(ids(poll(monitor)), (QList<qint64>{2}));
        QCOMPARE(monitor.activeCount(), 2); // both counted
        source.events << alert(3, AlertRuleId::BatchFailure, 10,
                               QStringLiteral("batch-job-3")); // late to arrive
        QCOMPARE(ids(poll(monitor)), (QList<qint64>{3}));      // after the first page, anything new is news
    }

    void onlyWithTheDesktopChannel()
    {
        FixedSource source;
        source.alertConfig.notificationChannels = {NotificationChannel::Log};
        source.events = {alert(1, AlertRuleId::BatchFailure, 0, QStringLiteral("batch-job-3"))};
        AlertMonitor monitor(&source);
        QCOMPARE(poll(monitor), QList<AlertEvent>());
        QVERIFY2(!monitor.lastError(),
                 qPrintable(monitor.lastError() ? monitor.lastError()->userMessage() : QString()));
        QCOMPARE(monitor.activeCount(), 1); // the badge counts it all the same
    }
};

QTEST_GUILESS_MAIN(TestAlertMonitor)
#include "tst_alertmonitor.moc"
