// SPDX-License-Identifier: GPL-3.0-or-later
// The app's side of alerts: the events list updated in place, and which events become desktop
// notifications (docs/api.md §12.3: cadence, suppression, acknowledgement, the desktop channel).
#include "AlertMonitor.h"
#include "FixedSource.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <memory>

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
    QTemporaryDir m_settings; ///< QSettings() writes here, not in the user's configuration

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

    /// A monitor of `source` as MainWindow makes one for a connection: `key` names the connection.
    std::unique_ptr<AlertMonitor> open(FixedSource *source, const QString &key)
    {
        auto monitor = std::make_unique<AlertMonitor>(source);
        monitor->setClock([this] { return m_now; });
        monitor->setMemoryKey(key);
        return monitor;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_settings.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settings.path());
    }

    void init() { m_now = kT0; }

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

    void notifiedOncePerConnection()
    {
        // The tester's case: the same alerts announced as new at every start and every switch back to
        // the server, each connection's monitor being new and the backlog rule counting only events
        // older than 15 minutes (a server evaluates its backfill once, at its start).
        FixedSource source;
        source.alertConfig.notificationChannels = {NotificationChannel::Desktop};
        source.events = {alert(1, AlertRuleId::BatchFailure, 0, QStringLiteral("batch-job-1")),
                         alert(2, AlertRuleId::BatchFailure, 55, QStringLiteral("batch-job-2"))};
        const QString server = QStringLiteral("https://batchmon.example.com:8443/api");
        m_now = kT0.addSecs(3600); // 1 started an hour ago (backlog), 2 five minutes ago (news)
        {
            auto monitor = open(&source, server);
            QCOMPARE(ids(poll(*monitor)), (QList<qint64>{2}));
            QCOMPARE(monitor->activeCount(), 2);
            m_now = m_now.addSecs(60);
            source.events << alert(3, AlertRuleId::BatchFailure, 60, QStringLiteral("batch-job-3"));
            QCOMPARE(ids(poll(*monitor)), (QList<qint64>{3})); // starts later: news, once
            QCOMPARE(poll(*monitor), QList<AlertEvent>());
        }
        // The app restarts, or the user switches back, two minutes on: the same active alerts are
        // counted, not announced again.
        m_now = m_now.addSecs(120);
        for (int again = 0; again < 2; ++again) {
            auto monitor = open(&source, server);
            QCOMPARE(poll(*monitor), QList<AlertEvent>());
            QCOMPARE(monitor->activeCount(), 3);
        }
        // One that started while the app was closed is news, once, whichever monitor sees it first.
        source.events << alert(4, AlertRuleId::HighErrorRate, 62);
        {
            auto monitor = open(&source, server);
            QCOMPARE(ids(poll(*monitor)), (QList<qint64>{4}));
            QCOMPARE(poll(*monitor), QList<AlertEvent>());
        }
        QCOMPARE(poll(*open(&source, server)), QList<AlertEvent>());

        // Another connection has a memory of its own: at its first look 2, 3 and 4 are young (news),
        // 1 is the backlog. (FixedSource lists oldest first, the monitor notifies in reverse.)
        QCOMPARE(ids(poll(*open(&source, QStringLiteral("file:///home/u/demo.sqlite")))),
                 (QList<qint64>{4, 3, 2}));
        // The server's database replaced (ids start again): a remembered id with another firstSeen is
        // another event.
        source.events = {alert(2, AlertRuleId::BatchFailure, 63, QStringLiteral("batch-job-8"))};
        QCOMPARE(ids(poll(*open(&source, server))), (QList<qint64>{2}));
        // Forgotten events (resolved: no longer listed) are not kept.
        QCOMPARE(QSettings()
                     .value(QStringLiteral("alertNotifications/%1/events")
                                .arg(QString::fromLatin1(QUrl::toPercentEncoding(server))))
                     .toStringList()
                     .size(),
                 1);
    }

    void cadenceGoesOnAfterARestart()
    {
        // longProcessingTime is hourly: a restart within the hour is quiet, one after it reminds once.
        FixedSource source;
        source.alertConfig.notificationChannels = {NotificationChannel::Desktop};
        source.events = {alert(1, AlertRuleId::LongProcessingTime, 0, QStringLiteral("batch-job-1"))};
        const QString key = QStringLiteral("http://127.0.0.1:8080");
        m_now = kT0.addSecs(60);
        QCOMPARE(ids(poll(*open(&source, key))), (QList<qint64>{1}));
        m_now = kT0.addSecs(20 * 60);
        QCOMPARE(poll(*open(&source, key)), QList<AlertEvent>());
        m_now = kT0.addSecs(61 * 60);
        auto monitor = open(&source, key);
        QCOMPARE(ids(poll(*monitor)), (QList<qint64>{1}));
        QCOMPARE(poll(*monitor), QList<AlertEvent>());
    }

    void laterPagesAreBacklog()
    {
        // Over 100 active alerts: the first page holds the newest ids. One from a later page that
        // turns up (an alert above it resolved) existed when the app looked: not news, however young.
        FixedSource source;
        source.alertConfig.notificationChannels = {NotificationChannel::Desktop};
        source.events = {alert(7, AlertRuleId::BatchFailure, 0, QStringLiteral("batch-job-7"))};
        m_now = kT0.addSecs(3600);
        AlertMonitor monitor(&source);
        monitor.setClock([this] { return m_now; });
        QCOMPARE(poll(monitor), QList<AlertEvent>()); // backlog
        source.events << alert(5, AlertRuleId::BatchFailure, 58, QStringLiteral("batch-job-5"));
        QCOMPARE(poll(monitor), QList<AlertEvent>());
        source.events << alert(8, AlertRuleId::BatchFailure, 59, QStringLiteral("batch-job-8"));
        QCOMPARE(ids(poll(monitor)), (QList<qint64>{8}));
        // The server's database replaced meanwhile: ids start again, and 5 is another event.
        source.events = {alert(5, AlertRuleId::BatchFailure, 59, QStringLiteral("batch-job-2"))};
        QCOMPARE(ids(poll(monitor)), (QList<qint64>{5}));
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
