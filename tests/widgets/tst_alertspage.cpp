// SPDX-License-Identifier: GPL-3.0-or-later
// The alerts page offscreen: rules edited with validation as you type, Apply and Revert, read only for
// viewers, the alerts list with Acknowledge; the tray badge and the notification text.
#include "AlertMonitor.h"
#include "AlertsPage.h"
#include "DesktopNotifier.h"
#include "FixedSource.h"
#include "Session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace batchmon;

namespace {

AlertEvent alert(qint64 id, AlertRuleId rule, Severity severity, const QString &message)
{
    AlertEvent e;
    e.id = id;
    e.rule = rule;
    e.severity = severity;
    e.message = message;
    e.firstSeen = QDateTime(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC).addSecs(id * 60);
    e.lastSeen = e.firstSeen;
    return e;
}

} // namespace

class TestAlertsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void editValidateApplyRevert()
    {
        FixedSource source;
        Session session(&source);
        AlertMonitor monitor(&source);
        AlertsPage page(&session, &monitor);
        page.resize(1000, 700);
        page.show();
        QSignalSpy loaded(&page, &AlertsPage::loaded);
        page.reload();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(loaded.first().first().toBool(), true);

        // The seed's defaults, each in its own unit.
        QCOMPARE(page.thresholdEdit(AlertRuleId::HighErrorRate)->text(), QStringLiteral("10"));
        QCOMPARE(page.thresholdEdit(AlertRuleId::LongProcessingTime)->text(),
                 QStringLiteral("60")); // minutes
        QCOMPARE(page.thresholdEdit(AlertRuleId::LowThroughput)->text(), QStringLiteral("0.5"));
        QCOMPARE(page.thresholdEdit(AlertRuleId::BatchFailure)->text(), QStringLiteral("1"));
        QCOMPARE(page.severityBox(AlertRuleId::BatchFailure)->currentText(), QStringLiteral("Critical"));
        QCOMPARE(page.cadenceBox(AlertRuleId::LowThroughput)->currentText(),
                 QStringLiteral("Daily while active"));
        QVERIFY(page.channelBox(NotificationChannel::Desktop)->isChecked());
        QVERIFY(!page.applyButton()->isEnabled()); // nothing changed
        QVERIFY(page.quietMinutes()->isEnabled());
        QVERIFY(page.quietMinutes()->findChild<QLineEdit *>()->isEnabled()); // its text too, not greyed

        // An invalid threshold: an inline error as typed, and no Apply.
        QLineEdit *rate = page.thresholdEdit(AlertRuleId::HighErrorRate);
        rate->clear();
        QTest::keyClicks(rate, QStringLiteral("150"));
        QCOMPARE(page.fieldError(AlertRuleId::HighErrorRate),
                 QStringLiteral("Enter a percentage from 0 to 100."));
        QVERIFY(!page.applyButton()->isEnabled());
        QTest::keyClicks(page.thresholdEdit(AlertRuleId::BatchFailure), QStringLiteral(".5")); // "1.5"
        QCOMPARE(page.fieldError(AlertRuleId::BatchFailure),
                 QStringLiteral("Enter a whole number of batches from 1 to 1,000,000."));

        // Valid again, and another rule's minutes: applied, stored in the contract's units.
        rate->setText(QStringLiteral("5"));
        page.thresholdEdit(AlertRuleId::BatchFailure)->setText(QStringLiteral("2"));
        page.thresholdEdit(AlertRuleId::LongProcessingTime)->setText(QStringLiteral("90"));
        QCOMPARE(page.fieldError(AlertRuleId::HighErrorRate), QString());
        QVERIFY(page.applyButton()->isEnabled());
        QVERIFY(page.revertButton()->isEnabled());

        // The webhook needs an address; a bad one is said at once.
        page.channelBox(NotificationChannel::Webhook)->setChecked(true);
        QVERIFY(page.webhookError().startsWith(QStringLiteral("Enter the address")));
        QVERIFY(!page.applyButton()->isEnabled());
        page.webhookEdit()->setText(QStringLiteral("ftp://x"));
        QVERIFY(page.webhookError().startsWith(QStringLiteral("Enter an http or https address")));
        page.webhookEdit()->setText(QStringLiteral("https://hooks.example.com/batchmon"));
        QCOMPARE(page.webhookError(), QString());
        page.quietMinutes()->setValue(15);

        QSignalSpy applied(&page, &AlertsPage::applied);
        page.applyButton()->click();
        QVERIFY(applied.wait(5000));
        QCOMPARE(applied.first().first().toBool(), true);
        const AlertConfig &stored = source.alertConfig;
        QCOMPARE(stored.rule(AlertRuleId::HighErrorRate)->threshold, 5.0);
        QCOMPARE(stored.rule(AlertRuleId::LongProcessingTime)->threshold, 5400000.0); // 90 min in ms
        QCOMPARE(stored.rule(AlertRuleId::BatchFailure)->threshold, 2.0);
        QVERIFY(stored.notificationChannels.contains(NotificationChannel::Webhook));
        QCOMPARE(stored.webhookUrl,
                 std::optional<QString>(QStringLiteral("https://hooks.example.com/batchmon")));
        QCOMPARE(stored.suppressionWindowMinutes, 15);
        QVERIFY(!page.applyButton()->isEnabled());
        QVERIFY(page.statusText().startsWith(QStringLiteral("Applied")));

        // Revert puts back what the source has.
        rate->setText(QStringLiteral("7"));
        QVERIFY(page.revertButton()->isEnabled());
        page.revertButton()->click();
        QCOMPARE(rate->text(), QStringLiteral("5"));
        QVERIFY(!page.applyButton()->isEnabled());

        // A viewer sees the values and cannot change them.
        page.setEditable(false);
        QVERIFY(!rate->isEnabled());
        QVERIFY(!page.channelBox(NotificationChannel::Log)->isEnabled());
        QVERIFY(!page.applyButton()->isEnabled());
    }

    void previewBeforeApplying()
    {
        FixedSource source;
        AlertEvent rate =
            alert(1, AlertRuleId::HighErrorRate, Severity::High, QStringLiteral("Error rate 8.0 % > 5 %"));
        rate.observedValue = 8;
        source.events = {rate};
        Session session(&source);
        AlertMonitor monitor(&source);
        AlertsPage page(&session, &monitor);
        QSignalSpy loaded(&page, &AlertsPage::loaded);
        QSignalSpy previewed(&page, &AlertsPage::previewed);
        page.reload();
        QVERIFY(loaded.wait(5000));
        QVERIFY(previewed.wait(5000));
        QCOMPARE(page.previewText(), QStringLiteral("Nothing would fire now.")); // 8 % is under 10 %
        page.thresholdEdit(AlertRuleId::HighErrorRate)->setText(QStringLiteral("5"));
        QVERIFY(previewed.wait(5000));
        QCOMPARE(page.previewText(), QStringLiteral("● High — Error rate 8.0 % > 5 %"));
        QCOMPARE(source.lastPreviewed->rule(AlertRuleId::HighErrorRate)->threshold, 5.0);
        QCOMPARE(source.alertConfig.rule(AlertRuleId::HighErrorRate)->threshold, 10.0); // nothing applied
        page.thresholdEdit(AlertRuleId::HighErrorRate)->setText(QStringLiteral("500"));
        QTRY_COMPARE(page.previewText(), QStringLiteral("Correct the values above to see what would fire."));
    }

    void manyAlertsFitTheScreen()
    {
        // 150 conditions that would fire and 150 alerts: the page still fits a 1280×800 screen (its
        // minimum height once was 1452 px, the preview being one label with a line per condition,
        // and the window grew past the screen for good).
        FixedSource source;
        for (int i = 1; i <= 150; ++i) {
            AlertEvent e = alert(i, AlertRuleId::HighErrorRate, Severity::High,
                                 QStringLiteral("Error rate %1 % > 10 %").arg(20 + i));
            e.observedValue = 20 + i;
            source.events << e;
        }
        Session session(&source);
        AlertMonitor monitor(&source);
        AlertsPage page(&session, &monitor);
        QSignalSpy loaded(&page, &AlertsPage::loaded);
        QSignalSpy previewed(&page, &AlertsPage::previewed);
        QSignalSpy updated(&monitor, &AlertMonitor::updated);
        page.reload();
        monitor.refresh();
        QVERIFY(loaded.wait(5000));
        QVERIFY(previewed.wait(5000));
        QTRY_VERIFY(!updated.isEmpty());
        QCOMPARE(page.previewText().count(QLatin1Char('\n')), 149); // all 150 lines are there
        QCOMPARE(page.alertsTable()->model()->rowCount(), 150);

        QVERIFY2(page.minimumSizeHint().height() <= 600,
                 qPrintable(QString::number(page.minimumSizeHint().height())));
        QVERIFY2(page.minimumSizeHint().width() <= 1240,
                 qPrintable(QString::number(page.minimumSizeHint().width())));
        // What the user sees in the page of a 1280×800 window (~690 px) or a shorter one: Apply and at
        // least five alerts inside it, the rules and the preview scrolling.
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTableView *alerts = page.alertsTable();
        for (int height : {690, 600, page.minimumSizeHint().height()}) {
            page.resize(1240, height);
            QTRY_COMPARE(page.height(), height);
            const QRect apply(page.applyButton()->mapTo(&page, QPoint()), page.applyButton()->size());
            QVERIFY2(page.rect().contains(apply), qPrintable(QString::number(height)));
            const QRect table(alerts->mapTo(&page, QPoint()), alerts->size());
            QVERIFY2(page.rect().contains(table), qPrintable(QString::number(height)));
            QVERIFY2(alerts->viewport()->height() >= 5 * alerts->rowHeight(0),
                     qPrintable(QString::number(height)));
        }
        page.resize(1240, 690);
        QTRY_VERIFY(page.previewList()->isVisible());
        QVERIFY(page.previewList()->verticalScrollBar()->maximum() > 0);
        // Every column but the message is as wide as what it holds (none cut to "B…").
        QTest::qWait(50);
        for (int c = 0; c < alerts->model()->columnCount(); ++c) {
            if (c == AlertEventsModel::Message)
                continue;
            const QString text = alerts->model()->index(0, c).data().toString();
            const int needed = alerts->fontMetrics().horizontalAdvance(text);
            QVERIFY2(alerts->horizontalHeader()->sectionSize(c) >= needed,
                     qPrintable(QStringLiteral("column %1 \"%2\": %3 px for %4")
                                    .arg(c)
                                    .arg(text)
                                    .arg(alerts->horizontalHeader()->sectionSize(c))
                                    .arg(needed)));
        }
    }

    /// Filled while it was a hidden tab, then shown (as in the app): no column is cut to "B…".
    void columnsFitWhenShownLater()
    {
        FixedSource source;
        for (int i = 1; i <= 5; ++i)
            source.events << alert(i, AlertRuleId::BatchFailure, Severity::Critical,
                                   QStringLiteral("batch-job-%1: all 100 requests failed").arg(4200 + i));
        Session session(&source);
        AlertMonitor monitor(&source);
        QTabWidget tabs;
        tabs.addTab(new QLabel(QStringLiteral("dashboard")), QStringLiteral("Dashboard"));
        auto *page = new AlertsPage(&session, &monitor);
        tabs.addTab(page, QStringLiteral("Alerts"));
        tabs.resize(1280, 740);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        QSignalSpy updated(&monitor, &AlertMonitor::updated);
        page->reload();
        monitor.refresh();
        QTRY_VERIFY(!updated.isEmpty());
        tabs.setCurrentWidget(page);
        QTest::qWait(50);
        QTableView *alerts = page->alertsTable();
        for (int c = 0; c < alerts->model()->columnCount(); ++c) {
            if (c == AlertEventsModel::Message)
                continue;
            const QString text = alerts->model()->index(0, c).data().toString();
            QVERIFY2(alerts->horizontalHeader()->sectionSize(c) >=
                         alerts->fontMetrics().horizontalAdvance(text),
                     qPrintable(QStringLiteral("column %1 \"%2\"").arg(c).arg(text)));
        }
    }

    void alertsListAndAcknowledge()
    {
        FixedSource source;
        source.events = {
            alert(1, AlertRuleId::HighErrorRate, Severity::High, QStringLiteral("Error rate 14.2 % > 10 %")),
            alert(2, AlertRuleId::BatchFailure, Severity::Critical,
                  QStringLiteral("batch-job-7 failed completely"))};
        Session session(&source);
        AlertMonitor monitor(&source);
        AlertsPage page(&session, &monitor);
        page.show();
        QSignalSpy updated(&monitor, &AlertMonitor::updated);
        monitor.refresh();
        QVERIFY(updated.wait(5000));
        QTableView *table = page.alertsTable();
        QCOMPARE(table->model()->rowCount(), 2);
        QCOMPARE(table->model()->index(0, AlertEventsModel::Message).data().toString(),
                 QStringLiteral("batch-job-7 failed completely"));
        QVERIFY(!page.acknowledgeButton()->isEnabled());
        table->selectRow(0);
        QVERIFY(page.acknowledgeButton()->isEnabled());
        QSignalSpy acked(&monitor, &AlertMonitor::acknowledged);
        page.acknowledgeButton()->click();
        QVERIFY(acked.wait(5000));
        QCOMPARE(source.events[1].acknowledgedBy, std::optional<QString>(QStringLiteral("tester")));
        QTRY_COMPARE(monitor.activeCount(), 1);
        QTRY_VERIFY(table->model()
                        ->index(0, AlertEventsModel::Acknowledged)
                        .data()
                        .toString()
                        .startsWith(QStringLiteral("tester")));
    }

    void notifierTextsAndBadge()
    {
        DesktopNotifier notifier;
        notifier.show({alert(3, AlertRuleId::HighErrorRate, Severity::High,
                             QStringLiteral("Error rate 14.2 % > 10 %"))});
        QCOMPARE(notifier.lastTitle(), QStringLiteral("High alert: High error rate"));
        // Without a notification service (a test's D-Bus session has none), the asynchronous answer's
        // error falls back to the tray, or to nothing where there is no tray; it never blocks.
        QDBusConnection bus = QDBusConnection::sessionBus();
        const bool service =
            bus.isConnected() && bus.interface() &&
            bus.interface()->isServiceRegistered(QStringLiteral("org.freedesktop.Notifications")).value();
        if (!service)
            QTRY_COMPARE(notifier.lastChannel(), QSystemTrayIcon::isSystemTrayAvailable()
                                                     ? QStringLiteral("tray")
                                                     : QStringLiteral("none"));
        QCOMPARE(notifier.lastBody(), QStringLiteral("Error rate 14.2 % > 10 %"));
        QList<AlertEvent> many;
        for (int i = 0; i < 5; ++i)
            many << alert(10 + i, AlertRuleId::LongProcessingTime, Severity::Medium,
                          QStringLiteral("job %1 slow").arg(i));
        notifier.show(many);
        QCOMPARE(notifier.lastTitle(), QStringLiteral("5 new alerts"));
        QVERIFY(notifier.lastBody().endsWith(QStringLiteral("… and 2 more in the Alerts page.")));
        // The badge draws the count: the icon with a number differs from the one without.
        const QImage none = DesktopNotifier::badgeIcon(0).pixmap(64, 64).toImage();
        const QImage three = DesktopNotifier::badgeIcon(3).pixmap(64, 64).toImage();
        QVERIFY(none != three);
        // The app's own icon (resources/icons), at every size the desktop asks for.
        const QIcon app = DesktopNotifier::appIcon();
        QVERIFY(!app.isNull());
        for (int size : {16, 32, 48, 256}) {
            const QImage image = app.pixmap(size, size).toImage();
            QCOMPARE(image.width(), size);
            QVERIFY(image.pixelColor(size / 2, size / 2).alpha() > 0);
        }
        QVERIFY(none == app.pixmap(64, 64).toImage());
        QCOMPARE(three.pixelColor(47, 8).red() > 180, true); // the red badge, top right
        notifier.setActiveCount(3);
        QCOMPARE(notifier.activeCount(), 3);
    }
};

QTEST_MAIN(TestAlertsPage)
#include "tst_alertspage.moc"
