// SPDX-License-Identifier: GPL-3.0-or-later
// Configuration, scheduler flag, alert events and the audit log in the store, on each backend.
#include "StoreTestSupport.h"
#include "store/AdminStore.h"

#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kT0(QDate(2026, 11, 29), QTime(8, 0), Qt::UTC);

AlertEvent makeEvent(AlertRuleId rule, const QDateTime &seen)
{
    return {
        0,    rule, Severity::High, 12.5,         10,           QStringLiteral("Error rate 12.5 % > 10 %"),
        seen, seen, std::nullopt,   std::nullopt, std::nullopt, std::nullopt};
}

} // namespace

class TestAdminStore : public QObject
{
    Q_OBJECT

private slots:
    void configurations_data() { addBackendRows(); }
    void configurations()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        AdminStore admin(*db);
        // Nothing stored: the fallback (the server's environment) answers.
        BatchConfig env;
        env.batchMaxRequests = 500;
        QCOMPARE(admin.batchConfig(env).value().batchMaxRequests, 500);
        QVERIFY(admin.alertConfig().value() == AlertConfig::defaults());
        QCOMPARE(admin.schedulerPaused().value(), false);

        BatchConfig stored;
        stored.batchMinSize = 25;
        stored.batchProcessingEnabled = false;
        QVERIFY(admin.setBatchConfig(stored).ok());
        QVERIFY(admin.batchConfig(env).value() == stored);
        AlertConfig alerts = AlertConfig::defaults();
        alerts.rules[0].threshold = 7.5;
        alerts.notificationChannels = {NotificationChannel::Webhook};
        alerts.webhookUrl = QStringLiteral("https://hooks.example.org/x");
        QVERIFY(admin.setAlertConfig(alerts).ok());
        QVERIFY(admin.alertConfig().value() == alerts);
        QVERIFY(admin.setSchedulerPaused(true).ok());
        QCOMPARE(admin.schedulerPaused().value(), true);
        QVERIFY(admin.setSchedulerPaused(false).ok());
        QCOMPARE(admin.schedulerPaused().value(), false);
    }

    void alertEvents_data() { addBackendRows(); }
    void alertEvents()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        AdminStore admin(*db);
        QList<AlertEvent> added;
        for (int i = 0; i < 5; ++i)
            added.append(
                admin.addAlertEvent(makeEvent(AlertRuleId::HighErrorRate, kT0.addSecs(i * 60))).value());
        QVERIFY(added[0].id != added[1].id);
        AlertEvent resolved = added[1];
        resolved.resolvedAt = kT0.addSecs(3600);
        resolved.lastSeen = kT0.addSecs(3000);
        QVERIFY(admin.updateAlertEvent(resolved).ok());

        const AlertEventPage active = admin.alertEvents(true, 1, 2).value();
        QCOMPARE(active.pagination.total, 4);
        QCOMPARE(active.pagination.totalPages, 2);
        QCOMPARE(active.events.size(), 2);
        QCOMPARE(active.events[0].id, added[4].id); // newest lastSeen first
        QCOMPARE(active.events[1].id, added[3].id);
        const AlertEventPage all = admin.alertEvents(false, 1, 50).value();
        QCOMPARE(all.pagination.total, 5);
        QCOMPARE(all.events[0].id, added[1].id); // the resolved one was seen last
        QVERIFY(all.events[0] == resolved);

        const auto acked = admin.acknowledgeAlertEvent(added[2].id, QStringLiteral("alice"), kT0.addSecs(10));
        QCOMPARE(acked.value().acknowledgedBy, std::optional<QString>(QStringLiteral("alice")));
        // Acknowledging again keeps the first acknowledger.
        const auto again = admin.acknowledgeAlertEvent(added[2].id, QStringLiteral("bob"), kT0.addSecs(20));
        QCOMPARE(again.value().acknowledgedBy, std::optional<QString>(QStringLiteral("alice")));
        QCOMPARE(again.value().acknowledgedAt, std::optional<QDateTime>(kT0.addSecs(10)));
        // An evaluation writing a copy read before the acknowledgement does not undo it.
        AlertEvent stale = added[2];
        stale.lastSeen = kT0.addSecs(900);
        QVERIFY(admin.updateAlertEvent(stale).ok());
        const AlertEvent kept = admin.alertEvents(true, 1, 50).value().events.first();
        QCOMPARE(kept.id, added[2].id);
        QCOMPARE(kept.acknowledgedBy, std::optional<QString>(QStringLiteral("alice")));
        QCOMPARE(admin.acknowledgeAlertEvent(999, QStringLiteral("alice"), kT0).error().kind,
                 StoreError::Kind::NotFound);
        AlertEvent ghost = added[0];
        ghost.id = 999;
        QCOMPARE(admin.updateAlertEvent(ghost).error().kind, StoreError::Kind::NotFound);
    }

    void auditLog_data() { addBackendRows(); }
    void auditLog()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        AdminStore admin(*db);
        for (int i = 0; i < 7; ++i) {
            const AuditEntry e{0,
                               kT0.addSecs(i),
                               i % 2 ? QStringLiteral("alice") : QStringLiteral("bob"),
                               i < 5 ? QStringLiteral("batch_monitoring_access")
                                     : QStringLiteral("job_retry"),
                               i < 5 ? std::nullopt : std::optional<QString>(QStringLiteral("batch-job-1")),
                               QStringLiteral("success"),
                               QStringLiteral("127.0.0.1"),
                               std::nullopt};
            QVERIFY(admin.appendAudit(e).value() > 0);
        }
        const AuditPage page = admin.auditLog(1, 3).value();
        QCOMPARE(page.pagination.total, 7);
        QCOMPARE(page.entries.size(), 3);
        QCOMPARE(page.entries[0].at, kT0.addSecs(6));
        QCOMPARE(page.entries[0].target, std::optional<QString>(QStringLiteral("batch-job-1")));
        QCOMPARE(admin.auditLog(1, 50, QStringLiteral("alice")).value().pagination.total, 3);
        QCOMPARE(admin.auditLog(1, 50, QStringLiteral("bob"), QStringLiteral("job_retry"))
                     .value()
                     .pagination.total,
                 1);
        QCOMPARE(admin.auditLog(3, 3).value().entries.size(), 1);

        // Retention: audit rows and resolved events before the cutoff go; active events stay.
        AlertEvent old =
            admin.addAlertEvent(makeEvent(AlertRuleId::BatchFailure, kT0.addSecs(-86400))).value();
        old.resolvedAt = kT0.addSecs(-80000);
        QVERIFY(admin.updateAlertEvent(old).ok());
        QVERIFY(admin.addAlertEvent(makeEvent(AlertRuleId::LowThroughput, kT0.addSecs(-86400))).ok());
        QCOMPARE(admin.purgeBefore(kT0.addSecs(3)).value(), 4); // 3 audit rows + 1 resolved event
        QCOMPARE(admin.auditLog(1, 50).value().pagination.total, 4);
        QCOMPARE(admin.alertEvents(false, 1, 50).value().pagination.total, 1);
    }
};

QTEST_GUILESS_MAIN(TestAdminStore)
#include "tst_adminstore.moc"
