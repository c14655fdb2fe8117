// SPDX-License-Identifier: GPL-3.0-or-later
// The configuration and scheduler panel, offscreen: against the demo workspace it loads the values,
// refuses a bad edit as it is typed with the contract's message, applies a good one, reverts, and
// pauses and resumes the scheduler; against a real batchmon-server a viewer's Apply is refused with
// the server's words, and an admin's is stored. Screenshots go to BATCHMON_SCREENSHOTS when it is set.
#include "Await.h"
#include "ConfigPanel.h"
#include "ServerProcess.h"
#include "Session.h"
#include "source/HttpSource.h"
#include "source/LocalSource.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace batchmon;

namespace {

const QString kCronReason =
    QStringLiteral("expected \"*/N * * * *\" (N 1-59) or \"N * * * *\" (N 0-59), got \"%1\"");

QLineEdit *lineEdit(const ConfigPanel &panel, BatchConfigField field)
{
    return qobject_cast<QLineEdit *>(panel.editor(field));
}

QSpinBox *spinBox(const ConfigPanel &panel, BatchConfigField field)
{
    return qobject_cast<QSpinBox *>(panel.editor(field));
}

/// Types `text` over what an editor holds, as a user who selected it all and deleted it would.
void typeOver(QWidget *editor, const QString &text)
{
    if (auto *line = qobject_cast<QLineEdit *>(editor))
        line->selectAll();
    else if (auto *box = qobject_cast<QAbstractSpinBox *>(editor))
        box->selectAll(); // the number, not the suffix
    QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClicks(editor, text);
}

void screenshot(QWidget &panel, const char *name)
{
    const QByteArray folder = qgetenv("BATCHMON_SCREENSHOTS");
    if (folder.isEmpty())
        return;
    QCoreApplication::processEvents(); // the layout catches up with what was shown and hidden
    QVERIFY(panel.grab().save(QString::fromLocal8Bit(folder) + QLatin1Char('/') + QLatin1String(name)));
}

} // namespace

class TestConfigPanel : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<LocalSource> m_demo;

    void waitLoaded(ConfigPanel &panel)
    {
        if (!panel.storedConfig()) {
            QSignalSpy loaded(&panel, &ConfigPanel::loaded);
            QVERIFY(loaded.wait(60000));
            QCOMPARE(loaded.first().first().toBool(), true);
        }
        QVERIFY(panel.storedConfig());
    }

private slots:
    void initTestCase()
    {
        LocalSourceOptions o;
        o.databasePath = m_dir.filePath(QStringLiteral("demo.sqlite"));
        o.backfillDays = 1;
        o.liveTickMs = 3600 * 1000; // the test changes things; the live pipeline need not
        m_demo = std::make_unique<LocalSource>(o);
        QSignalSpy opened(m_demo.get(), &LocalSource::opened);
        m_demo->open();
        QVERIFY(opened.wait(60000));
    }

    void readings()
    {
        QCOMPARE(ConfigPanel::describeInterval(QStringLiteral("*/5 * * * *")),
                 QStringLiteral("every 5 minutes"));
        QCOMPARE(ConfigPanel::describeInterval(QStringLiteral("*/1 * * * *")),
                 QStringLiteral("every minute"));
        QCOMPARE(ConfigPanel::describeInterval(QStringLiteral("7 * * * *")),
                 QStringLiteral("hourly at minute 7"));
        QCOMPARE(ConfigPanel::describeInterval(QStringLiteral("0 3 * * *")), QString());
        QCOMPARE(ConfigPanel::readableDuration(45), QStringLiteral("45 seconds"));
        QCOMPARE(ConfigPanel::readableDuration(3600), QStringLiteral("1 hour"));
        QCOMPARE(ConfigPanel::readableDuration(5400), QStringLiteral("1 hour 30 minutes"));
        QCOMPARE(ConfigPanel::readableDuration(3605), QStringLiteral("1 hour 5 seconds"));
        QCOMPARE(ConfigPanel::readableDuration(90061), QStringLiteral("about 1 day 1 hour"));
        QCOMPARE(ConfigPanel::readableDuration(2592000), QStringLiteral("30 days"));
        QCOMPARE(ConfigPanel::schedulerStateName({false, true}), QStringLiteral("Running"));
        QCOMPARE(ConfigPanel::schedulerStateName({true, true}), QStringLiteral("Paused by an admin"));
        QCOMPARE(ConfigPanel::schedulerStateName({true, false}),
                 QStringLiteral("Processing disabled in the configuration"));
    }

    void loadsTheValues()
    {
        Session session(m_demo.get());
        ConfigPanel panel(&session);
        panel.resize(900, 600);
        panel.show();
        QCOMPARE(panel.statusText(), QStringLiteral("Loading configuration…"));
        waitLoaded(panel);
        const BatchConfig demo = LocalSource::demoConfig();
        QVERIFY(*panel.storedConfig() == demo);
        QVERIFY(panel.editedConfig() == demo);
        QCOMPARE(lineEdit(panel, BatchConfigField::CreateInterval)->text(), demo.batchCreateInterval);
        QCOMPARE(spinBox(panel, BatchConfigField::MinSize)->value(), 100);
        QCOMPARE(spinBox(panel, BatchConfigField::MaxRequests)->value(), 1000);
        QCOMPARE(qobject_cast<QCheckBox *>(panel.editor(BatchConfigField::ProcessingEnabled))->isChecked(),
                 true);
        QCOMPARE(
            qobject_cast<QDoubleSpinBox *>(panel.editor(BatchConfigField::AlertThresholdErrorRate))->value(),
            10.0);
        QCOMPARE(panel.fieldNote(BatchConfigField::CreateInterval), QStringLiteral("every 5 minutes"));
        QCOMPARE(panel.fieldNote(BatchConfigField::ResultProcessingInterval), QStringLiteral("every minute"));
        QCOMPARE(panel.fieldNote(BatchConfigField::TimeoutHours), QStringLiteral("= 1 day"));
        QCOMPARE(panel.fieldNote(BatchConfigField::AlertThresholdProcessingTime), QStringLiteral("= 1 hour"));
        QVERIFY(panel.editor(BatchConfigField::MaxRequests)
                    ->toolTip()
                    .contains(QStringLiteral("BATCH_MAX_REQUESTS")));
        QVERIFY(panel.isValid());
        QVERIFY(!panel.applyButton()->isEnabled()); // nothing changed
        QVERIFY(!panel.revertButton()->isEnabled());

        // The scheduler's state arrives with the session's snapshot.
        QCOMPARE(panel.schedulerText(), QStringLiteral("Scheduler state not known yet"));
        QVERIFY(!panel.schedulerButton()->isEnabled());
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.refresh();
        QVERIFY(updated.wait(30000));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Running"));
        QCOMPARE(panel.schedulerButton()->text(), QStringLiteral("Pause scheduler"));
        QVERIFY(panel.schedulerButton()->isEnabled());
        screenshot(panel, "configpanel-valid.png");
    }

    void refusesAsYouType()
    {
        Session session(m_demo.get());
        ConfigPanel panel(&session);
        panel.resize(900, 600);
        panel.show();
        waitLoaded(panel);

        // A cron form the server refuses: the contract's message under the field, Apply disabled.
        QLineEdit *create = lineEdit(panel, BatchConfigField::CreateInterval);
        typeOver(create, QStringLiteral("*/60 * * * *"));
        QCOMPARE(panel.fieldError(BatchConfigField::CreateInterval),
                 QStringLiteral("batchCreateInterval: ") + kCronReason.arg(QStringLiteral("*/60 * * * *")));
        QCOMPARE(panel.fieldNote(BatchConfigField::CreateInterval), QString());
        QVERIFY(!panel.isValid());
        QVERIFY(!panel.applyButton()->isEnabled());
        QVERIFY(panel.revertButton()->isEnabled());
        screenshot(panel, "configpanel-error-cron.png");
        // Every keystroke is checked: "*/6" on the way to "*/60" was fine, "*/60" is not; "*/6" again is.
        QTest::keyClick(create, Qt::Key_End);
        for (int i = 0; i < 8; ++i)
            QTest::keyClick(create, Qt::Key_Left);
        QTest::keyClick(create, Qt::Key_Backspace);
        QCOMPARE(create->text(), QStringLiteral("*/6 * * * *"));
        QCOMPARE(panel.fieldError(BatchConfigField::CreateInterval), QString());
        QCOMPARE(panel.fieldNote(BatchConfigField::CreateInterval), QStringLiteral("every 6 minutes"));
        QVERIFY(panel.applyButton()->isEnabled());

        // Minimum above maximum: the codec's message, under the minimum.
        typeOver(panel.editor(BatchConfigField::MinSize), QStringLiteral("2000"));
        QCOMPARE(spinBox(panel, BatchConfigField::MinSize)->value(), 2000);
        QCOMPARE(panel.fieldError(BatchConfigField::MinSize),
                 QStringLiteral("batchMinSize: must not exceed batchMaxRequests (1000), got 2000"));
        QVERIFY(!panel.applyButton()->isEnabled());
        screenshot(panel, "configpanel-error.png");
        // Raising the maximum clears it.
        typeOver(panel.editor(BatchConfigField::MaxRequests), QStringLiteral("5000"));
        QCOMPARE(panel.fieldError(BatchConfigField::MinSize), QString());
        QVERIFY(panel.applyButton()->isEnabled());

        // A number still being typed that the field cannot take: what is wrong with what is typed.
        typeOver(panel.editor(BatchConfigField::MaxRequests), QStringLiteral("0"));
        QCOMPARE(panel.fieldError(BatchConfigField::MaxRequests),
                 QStringLiteral("batchMaxRequests: expected an integer from 1 to 50000, got 0"));
        QVERIFY(!panel.applyButton()->isEnabled());
        typeOver(panel.editor(BatchConfigField::MaxRequests), QString());
        QCOMPARE(panel.fieldError(BatchConfigField::MaxRequests),
                 QStringLiteral("batchMaxRequests: enter a number from 1 to 50,000"));

        // Revert: the server's values, no errors, nothing to apply.
        panel.revertButton()->click();
        QVERIFY(panel.editedConfig() == *panel.storedConfig());
        QCOMPARE(create->text(), QStringLiteral("*/5 * * * *"));
        QCOMPARE(spinBox(panel, BatchConfigField::MaxRequests)->text(), QStringLiteral("1,000 requests"));
        QVERIFY(panel.isValid());
        QVERIFY(!panel.applyButton()->isEnabled());
        QVERIFY(!panel.revertButton()->isEnabled());
    }

    void appliesAValidEdit()
    {
        Session session(m_demo.get());
        ConfigPanel panel(&session);
        panel.show();
        waitLoaded(panel);
        typeOver(panel.editor(BatchConfigField::MinSize), QStringLiteral("50"));
        typeOver(panel.editor(BatchConfigField::StatusCheckInterval), QStringLiteral("7 * * * *"));
        QCOMPARE(panel.fieldNote(BatchConfigField::StatusCheckInterval),
                 QStringLiteral("hourly at minute 7"));
        typeOver(panel.editor(BatchConfigField::AlertThresholdProcessingTime), QStringLiteral("5400"));
        QCOMPARE(panel.fieldNote(BatchConfigField::AlertThresholdProcessingTime),
                 QStringLiteral("= 1 hour 30 minutes"));
        QVERIFY(panel.applyButton()->isEnabled());
        BatchConfig expected = LocalSource::demoConfig();
        expected.batchMinSize = 50;
        expected.batchStatusCheckInterval = QStringLiteral("7 * * * *");
        expected.batchAlertThresholdProcessingTime = 5400;
        QVERIFY(panel.editedConfig() == expected);

        QSignalSpy applied(&panel, &ConfigPanel::applied);
        panel.applyButton()->click();
        QVERIFY(applied.wait(30000));
        QCOMPARE(applied.first().first().toBool(), true);
        QVERIFY(*panel.storedConfig() == expected);
        QVERIFY(!panel.applyButton()->isEnabled()); // what is shown is what is stored
        QVERIFY(panel.statusText().startsWith(QStringLiteral("Saved.")));
        QVERIFY(awaitResult(m_demo->fetchConfig()).value() == expected);

        // A new panel reads it back; then the demo's configuration goes back for the other tests.
        ConfigPanel again(&session);
        waitLoaded(again);
        QVERIFY(*again.storedConfig() == expected);
        QVERIFY(awaitResult(m_demo->updateConfig(LocalSource::demoConfig())).ok());
    }

    void pausesAndResumes()
    {
        Session session(m_demo.get());
        ConfigPanel panel(&session);
        panel.show();
        waitLoaded(panel);
        QSignalSpy updated(&session, &Session::snapshotUpdated);
        session.refresh();
        QVERIFY(updated.wait(30000));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Running"));

        QStringList asked;
        bool answer = false;
        panel.setConfirm([&](const QString &question) {
            asked << question;
            return answer;
        });
        // "No" changes nothing.
        panel.schedulerButton()->click();
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked.first().contains(QStringLiteral("No new jobs are submitted")));
        QVERIFY(asked.first().contains(QStringLiteral("Jobs already at the provider continue")));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Running"));

        answer = true;
        QSignalSpy finished(&panel, &ConfigPanel::schedulerActionFinished);
        panel.schedulerButton()->click();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(panel.schedulerText(), QStringLiteral("Paused by an admin"));
        QCOMPARE(panel.schedulerButton()->text(), QStringLiteral("Resume scheduler"));
        panel.resize(900, 600);
        screenshot(panel, "configpanel-paused.png");
        // The panel asked the session for a new snapshot; it agrees.
        QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->scheduler->paused, 30000);
        QCOMPARE(panel.schedulerText(), QStringLiteral("Paused by an admin"));
        QCOMPARE(awaitResult(m_demo->fetchMonitoring(MonitoringQuery())).value().scheduler->paused, true);

        panel.schedulerButton()->click();
        QCOMPARE(asked.size(), 3);
        QVERIFY(asked.last().startsWith(QStringLiteral("Resume the scheduler?")));
        QVERIFY(finished.wait(30000));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Running"));
        QTRY_VERIFY_WITH_TIMEOUT(!session.snapshot()->scheduler->paused, 30000);
        QCOMPARE(awaitResult(m_demo->fetchMonitoring(MonitoringQuery())).value().scheduler->paused, false);

        // Processing switched off in the configuration is a state of its own.
        QSignalSpy applied(&panel, &ConfigPanel::applied);
        qobject_cast<QCheckBox *>(panel.editor(BatchConfigField::ProcessingEnabled))->click();
        panel.applyButton()->click();
        QVERIFY(applied.wait(30000));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Processing disabled in the configuration"));
        QTRY_VERIFY_WITH_TIMEOUT(!session.snapshot()->scheduler->processingEnabled, 30000);
        QVERIFY(awaitResult(m_demo->updateConfig(LocalSource::demoConfig())).ok());
    }

    void readOnly()
    {
        Session session(m_demo.get());
        ConfigPanel panel(&session);
        panel.resize(900, 600);
        panel.show();
        waitLoaded(panel);
        typeOver(panel.editor(BatchConfigField::MinSize), QStringLiteral("20"));
        panel.setEditable(false);
        // The server's values, visible and unchangeable, and why.
        QCOMPARE(spinBox(panel, BatchConfigField::MinSize)->value(), 100);
        QVERIFY(spinBox(panel, BatchConfigField::MinSize)->isReadOnly());
        QVERIFY(lineEdit(panel, BatchConfigField::CreateInterval)->isReadOnly());
        QVERIFY(!panel.editor(BatchConfigField::ProcessingEnabled)->isEnabled());
        QVERIFY(!panel.applyButton()->isVisible());
        QVERIFY(!panel.schedulerButton()->isEnabled());
        const auto labels = panel.findChildren<QLabel *>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [](QLabel *l) {
            return l->isVisible() &&
                   l->text() == QStringLiteral("Read only: a viewer token cannot change the configuration.");
        }));
        screenshot(panel, "configpanel-readonly.png");
        panel.setEditable(true);
        QVERIFY(!spinBox(panel, BatchConfigField::MinSize)->isReadOnly());
        QVERIFY(panel.applyButton()->isVisible());
    }

    void loadFailureOffersRetry()
    {
        QNetworkAccessManager nam;
        ApiClientOptions o;
        o.serverUrl = QUrl(QStringLiteral("http://127.0.0.1:1")); // nothing listens there
        o.policy.retryDelayMs = 10;
        HttpSource source(nam, o);
        Session session(&source);
        ConfigPanel panel(&session);
        panel.resize(900, 600);
        panel.show();
        QSignalSpy loaded(&panel, &ConfigPanel::loaded);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().first().toBool(), false);
        QVERIFY2(panel.statusText().startsWith(QStringLiteral("Cannot reach the server.")),
                 qPrintable(panel.statusText()));
        QVERIFY(panel.retryButton()->isVisible());
        QVERIFY(!panel.applyButton()->isEnabled());
        screenshot(panel, "configpanel-failed.png");
        panel.retryButton()->click();
        QCOMPARE(panel.statusText(), QStringLiteral("Loading configuration…"));
        QVERIFY(!panel.retryButton()->isVisible());
        QVERIFY(loaded.wait(30000));
        QVERIFY(panel.retryButton()->isVisible());
    }

    void realServer()
    {
        QTemporaryDir dir;
        Server server(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("server.db")));
        const QString admin = server.addToken(QStringLiteral("alice"), QStringLiteral("admin"));
        const QString viewer = server.addToken(QStringLiteral("wally"), QStringLiteral("viewer"));
        QVERIFY(server.start());
        QNetworkAccessManager nam;
        auto sourceFor = [&](const QString &token) {
            ApiClientOptions o;
            o.serverUrl = server.url();
            o.token = token;
            o.policy.retryDelayMs = 50;
            return std::make_unique<HttpSource>(nam, o);
        };

        // A viewer may read the configuration; Apply is refused with the server's own words, and
        // the panel turns read-only.
        auto viewing = sourceFor(viewer);
        Session viewerSession(viewing.get());
        ConfigPanel viewerPanel(&viewerSession);
        viewerPanel.show();
        waitLoaded(viewerPanel);
        QVERIFY(*viewerPanel.storedConfig() == BatchConfig()); // the seed's defaults
        typeOver(viewerPanel.editor(BatchConfigField::MinSize), QStringLiteral("20"));
        QSignalSpy refused(&viewerPanel, &ConfigPanel::applied);
        viewerPanel.applyButton()->click();
        QVERIFY(refused.wait(30000));
        QCOMPARE(refused.first().first().toBool(), false);
        QVERIFY2(viewerPanel.statusText().contains(QStringLiteral("may only view data")),
                 qPrintable(viewerPanel.statusText()));
        QVERIFY2(viewerPanel.statusText().contains(QStringLiteral("an admin token is required")),
                 qPrintable(viewerPanel.statusText()));
        QVERIFY(!viewerPanel.isEditable());
        QCOMPARE(spinBox(viewerPanel, BatchConfigField::MinSize)->value(), 10);

        // An admin's edit is stored, and GET /config returns it.
        auto administering = sourceFor(admin);
        Session adminSession(administering.get());
        ConfigPanel panel(&adminSession);
        panel.show();
        waitLoaded(panel);
        typeOver(panel.editor(BatchConfigField::MaxRequests), QStringLiteral("2000"));
        typeOver(panel.editor(BatchConfigField::CreateInterval), QStringLiteral("*/7 * * * *"));
        QVERIFY(panel.applyButton()->isEnabled());
        QSignalSpy applied(&panel, &ConfigPanel::applied);
        panel.applyButton()->click();
        QVERIFY(applied.wait(30000));
        QCOMPARE(applied.first().first().toBool(), true);
        const BatchConfig stored = awaitResult(administering->fetchConfig()).value();
        QCOMPARE(stored.batchMaxRequests, 2000);
        QCOMPARE(stored.batchCreateInterval, QStringLiteral("*/7 * * * *"));
        QVERIFY(*panel.storedConfig() == stored);

        // Pause through the server; its snapshot agrees.
        panel.setConfirm([](const QString &) { return true; });
        QSignalSpy updated(&adminSession, &Session::snapshotUpdated);
        adminSession.refresh();
        QVERIFY(updated.wait(30000));
        QSignalSpy finished(&panel, &ConfigPanel::schedulerActionFinished);
        panel.schedulerButton()->click();
        QVERIFY(finished.wait(30000));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Paused by an admin"));
        QTRY_VERIFY_WITH_TIMEOUT(adminSession.snapshot()->scheduler->paused, 30000);
        // The viewer's panel follows its own session.
        viewerSession.refresh();
        QTRY_COMPARE_WITH_TIMEOUT(viewerPanel.schedulerText(), QStringLiteral("Paused by an admin"), 30000);
        panel.schedulerButton()->click();
        QVERIFY(finished.wait(30000));
        QCOMPARE(panel.schedulerText(), QStringLiteral("Running"));
    }
};

QTEST_MAIN(TestConfigPanel)
#include "tst_configpanel.moc"
