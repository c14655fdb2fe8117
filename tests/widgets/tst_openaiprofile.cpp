// SPDX-License-Identifier: GPL-3.0-or-later
// "OpenAI account" connection profiles (issue 9) against the test suite's fake OpenAI API, offscreen:
// the connect dialog's OpenAI mode (labels, test, save, a refused keychain), then the main window on an
// account — its batches as jobs with their request counts, error breakdown and cost; a cancel from the
// dashboard reaching the account; the key only in the credential store; a wrong key explained.
#include "Charts.h"
#include "ConfigPanel.h"
#include "ConnectDialog.h"
#include "DashboardView.h"
#include "FakeOpenAi.h"
#include "JobTableModel.h"
#include "MainWindow.h"
#include "MetricCard.h"
#include "ProfileStore.h"
#include "Session.h"
#include "credentials/MemoryCredentialStore.h"
#include "openai/OpenAiProvider.h"
#include "source/LocalSource.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMutex>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;
using batchmon::test::FakeOpenAi;

namespace {

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previousHandler = nullptr;

/// Every message the app logs, from any thread, so the test can look for the key in them.
void recordMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previousHandler)
        g_previousHandler(type, context, message);
}

QStringList loggedMessages()
{
    QMutexLocker lock(&g_logMutex);
    return g_log;
}

template<typename T> T await(const QFuture<T> &future)
{
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 10000) || future.resultCount() == 0)
        qFatal("the future did not finish");
    return future.result();
}

/// A keychain that refuses every write (locked, or its prompt dismissed).
class RefusingStore : public CredentialStore
{
public:
    QFuture<CredentialResult> readSecret(const QString &) override
    {
        return finishedFuture(CredentialResult::failure(CredentialResult::Error::NotFound, true));
    }
    QFuture<CredentialResult> writeSecret(const QString &, const QString &) override
    {
        return finishedFuture(CredentialResult::failure(CredentialResult::Error::AccessDenied, true));
    }
    QFuture<CredentialResult> removeSecret(const QString &) override
    {
        return finishedFuture(CredentialResult::failure(CredentialResult::Error::AccessDenied, true));
    }
    bool isPersistent() const override { return true; }
    QString persistenceNote() const override { return QString(); }
};

void screenshot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("BATCHMON_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(300); // the layout and the charts settle
    QVERIFY(w->grab().save(QDir(dir).filePath(name)));
}

bool runTest(ConnectDialog &d)
{
    QSignalSpy finished(&d, &ConnectDialog::testFinished);
    QTest::mouseClick(d.testButton(), Qt::LeftButton);
    if (finished.isEmpty() && !finished.wait(30000))
        qFatal("the connection test did not finish");
    return finished.first().first().toBool();
}

/// The row of the job table whose batch id is `batchId`, or -1.
int rowOf(QTableView *table, const QString &batchId)
{
    const QAbstractItemModel *m = table->model();
    for (int r = 0; r < m->rowCount(); ++r) {
        if (m->index(r, JobTableModel::BatchId).data().toString() == batchId)
            return r;
    }
    return -1;
}

QString cell(QTableView *table, const QString &batchId, int column)
{
    const int row = rowOf(table, batchId);
    return row < 0 ? QString() : table->model()->index(row, column).data().toString();
}

const QString kWrongKey = QStringLiteral("sk-wrong-key-0123456789abcdef");

} // namespace

class TestOpenAiProfile : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<FakeOpenAi> m_fake;
    QString m_clean;   ///< completed, 200 requests, all succeeded
    QString m_failing; ///< completed, 100 requests, 10 failed
    QString m_running; ///< in progress, 40 requests
    int m_files = 0;

    QString newIni() { return m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_files)); }

    ServerProfile account(const QString &name) const
    {
        ServerProfile p;
        p.name = name;
        p.kind = ProfileKind::OpenAiAccount;
        p.serverUrl = m_fake->baseUrl();
        return p;
    }

private slots:
    void initTestCase()
    {
        g_previousHandler = qInstallMessageHandler(recordMessage);
        // The stores of the accounts go to a folder of the test's own.
        QDir(QFileInfo(ProfileStore::openAiStorePath(QStringLiteral("x"))).absolutePath())
            .removeRecursively();
        m_fake = std::make_unique<FakeOpenAi>();
        m_clean = m_fake->addExistingBatch(QStringLiteral("/v1/chat/completions"), QStringLiteral("gpt-4o"),
                                           200, 200, 0);
        m_failing = m_fake->addExistingBatch(
            QStringLiteral("/v1/chat/completions"), QStringLiteral("gpt-4o-mini"), 100, 90, 10,
            QJsonObject{{QStringLiteral("job_type"), QStringLiteral("summaries")}});
        // A batch still running, made by someone else with the same account.
        OpenAiSettings settings;
        settings.baseUrl = m_fake->baseUrl();
        settings.apiKey = FakeOpenAi::apiKey();
        OpenAiProvider elsewhere(settings);
        BatchSubmission submission;
        submission.jobId = QStringLiteral("elsewhere-1");
        submission.jobType = QStringLiteral("classification");
        submission.model = QStringLiteral("gpt-4o-mini");
        for (int i = 0; i < 40; ++i)
            submission.requests.append(
                {QStringLiteral("req-%1").arg(i), QStringLiteral("/v1/chat/completions"),
                 R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Classify this."}]})"});
        submission.requestCount = submission.requests.size();
        const auto submitted = elsewhere.submit(submission, QDateTime::currentDateTimeUtc());
        QVERIFY2(submitted.ok(), qPrintable(submitted.ok() ? QString() : submitted.error().message));
        m_running = submitted.value();
        // It stays in progress until the test moves it.
        m_fake->setAutoAdvance(false);
        m_fake->advance(m_running);
        QCOMPARE(m_fake->batch(m_running).value(QStringLiteral("status")).toString(),
                 QStringLiteral("in_progress"));
    }

    void connectDialogOpenAiMode()
    {
        MemoryCredentialStore keychain;
        keychain.setPersistent(true);
        ProfileStore store(newIni(), &keychain);
        ConnectDialog d(&store);
        d.resize(600, d.height());
        d.show();
        QVERIFY(QTest::qWaitForWindowActive(&d));
        QVERIFY(d.serverKindButton()->isChecked());
        QCOMPARE(d.urlLabel()->text(), QStringLiteral("Server &URL:"));
        QVERIFY(d.caFileEdit()->isVisible());

        // The kind is chosen from the keyboard (Alt+A), and the fields say what they are for.
        QTest::keyClick(&d, Qt::Key_A, Qt::AltModifier);
        QTRY_VERIFY(d.openAiKindButton()->isChecked()); // a mnemonic clicks after a short animation
        QCOMPARE(d.kind(), ProfileKind::OpenAiAccount);
        QCOMPARE(d.urlLabel()->text(), QStringLiteral("API base &URL:"));
        QCOMPARE(d.tokenLabel()->text(), QStringLiteral("API &key:"));
        QCOMPARE(d.tokenEdit()->placeholderText(), QStringLiteral("sk-…"));
        QVERIFY2(d.introLabel()->text().contains(QStringLiteral("no batchmon-server needed")) &&
                     d.introLabel()->text().contains(QStringLiteral("list prices")),
                 qPrintable(d.introLabel()->text()));
        QCOMPARE(d.windowTitle(), QStringLiteral("Connect to an OpenAI account"));
        QVERIFY(!d.caFileEdit()->isVisible()); // the collector trusts the system's CAs only
        QCOMPARE(d.urlEdit()->text(), QStringLiteral("https://api.openai.com/v1"));
        QCOMPARE(d.nameEdit()->text(), QStringLiteral("OpenAI"));
        QTest::keyClick(&d, Qt::Key_U, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), d.urlEdit());
        QTest::keyClick(&d, Qt::Key_K, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), d.tokenEdit());

        // The right key reads the account's batches.
        d.urlEdit()->setText(m_fake->baseUrl().toString());
        QCOMPARE(d.nameEdit()->text(), QStringLiteral("127.0.0.1")); // from the address, until typed
        d.nameEdit()->setText(QStringLiteral("Acme (dialog)"));
        d.tokenEdit()->setText(FakeOpenAi::apiKey());
        QVERIFY(runTest(d));
        QVERIFY2(d.statusText().contains(QStringLiteral("can read the account's batches (3 listed)")),
                 qPrintable(d.statusText()));
        screenshot(&d, QStringLiteral("openai-connect-dialog.png"));

        // A wrong key is explained in the account's words, and never shown.
        d.tokenEdit()->setText(kWrongKey);
        QCOMPARE(d.testState(), ConnectDialog::TestState::NotTested);
        QVERIFY(!runTest(d));
        QVERIFY2(d.statusText().contains(QStringLiteral("refused the API key")), qPrintable(d.statusText()));
        QVERIFY(!d.statusText().contains(kWrongKey));

        // With the right key again and tested, Save stores the profile, the key in the keychain.
        d.tokenEdit()->setText(FakeOpenAi::apiKey());
        QCOMPARE(d.testState(), ConnectDialog::TestState::NotTested);
        QVERIFY(runTest(d));
        QSignalSpy saved(&d, &ConnectDialog::saved);
        d.save();
        QTRY_COMPARE(saved.count(), 1);
        const auto profile = store.profile(QStringLiteral("Acme (dialog)"));
        QVERIFY(profile);
        QCOMPARE(profile->kind, ProfileKind::OpenAiAccount);
        QCOMPARE(profile->serverUrl, m_fake->baseUrl());
        QCOMPARE(await(keychain.readSecret(ProfileStore::credentialKey(profile->name))).secret(),
                 FakeOpenAi::apiKey());
        QFile ini(store.fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        const QByteArray bytes = ini.readAll();
        QVERIFY2(bytes.contains("kind=openai"), bytes.constData());
        QVERIFY(!bytes.contains(FakeOpenAi::apiKey().toUtf8()));

        // Editing it comes back in the OpenAI mode; going back to a server restores the server's fields.
        ConnectDialog edit(&store, profile->name);
        QSignalSpy loaded(&edit, &ConnectDialog::tokenLoaded);
        QVERIFY(loaded.wait(5000) || !loaded.isEmpty());
        QVERIFY(edit.openAiKindButton()->isChecked());
        QCOMPARE(edit.windowTitle(), QStringLiteral("Edit OpenAI account profile"));
        QCOMPARE(edit.tokenEdit()->text(), FakeOpenAi::apiKey());
        edit.setKind(ProfileKind::BatchmonServer);
        QCOMPARE(edit.tokenLabel()->text(), QStringLiteral("API to&ken:"));
        QCOMPARE(edit.windowTitle(), QStringLiteral("Edit server profile"));
        QCOMPARE(edit.testState(), ConnectDialog::TestState::NotTested);
    }

    void refusedKeychainOffersTheSession()
    {
        RefusingStore refusing;
        ProfileStore store(newIni(), &refusing);
        ConnectDialog d(&store);
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        d.setKind(ProfileKind::OpenAiAccount);
        d.urlEdit()->setText(m_fake->baseUrl().toString());
        d.tokenEdit()->setText(FakeOpenAi::apiKey());
        QSignalSpy finished(&d, &ConnectDialog::testFinished);
        d.save(); // tests, then saves: refused by the keychain
        QVERIFY(finished.wait(30000));
        QTRY_VERIFY(d.keepForSessionButton()->isVisible());
        QCOMPARE(d.keepForSessionButton()->text(), QStringLiteral("Keep the key for this session &only"));
        QVERIFY2(d.statusText().contains(QStringLiteral("API key could not be stored")),
                 qPrintable(d.statusText()));
        QVERIFY(store.profiles().isEmpty());
        QSignalSpy saved(&d, &ConnectDialog::saved);
        d.keepForSessionButton()->click();
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(await(store.readToken(QStringLiteral("127.0.0.1"))).secret(), FakeOpenAi::apiKey());
    }

    void dashboardOnTheAccount()
    {
        MemoryCredentialStore keychain;
        keychain.setPersistent(true);
        ProfileStore profiles(newIni(), &keychain);
        QVERIFY(await(profiles.add(account(QStringLiteral("Acme")), FakeOpenAi::apiKey())).ok);
        profiles.setLastUsed(QStringLiteral("Acme"));
        const QStringList logBefore = loggedMessages();

        MainWindow window(m_dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // The fake's finished batches are from three days ago: a week shows them all.
        QTRY_VERIFY(window.dashboard());
        QComboBox *range = window.dashboard()->rangeSelector();
        range->setCurrentIndex(range->findData(int(TimeRange::LastWeek)));
        // The account's three batches, polled at once: counts, errors and costs, no minute's wait.
        QTRY_VERIFY_WITH_TIMEOUT(window.session() && window.session()->snapshot() &&
                                     window.session()->snapshot()->summary.totalJobs == 3 &&
                                     window.dashboard()->jobTable()->model()->rowCount() == 3 &&
                                     cell(window.dashboard()->jobTable(), m_failing, JobTableModel::Status) ==
                                         QStringLiteral("Completed"),
                                 15000);
        QCOMPARE(window.currentProfile(), QStringLiteral("Acme"));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("Acme")));
        // batchmon sends no batches to an account: no scheduler, batch creation or batch sizes to set.
        ConfigPanel *config = window.configPanel();
        QVERIFY(config->isAccountMode());
        QVERIFY(config->schedulerButton()->isHidden() || !config->schedulerButton()->isVisibleTo(config));
        QVERIFY(!config->editor(BatchConfigField::CreateInterval)->isVisibleTo(config));
        QVERIFY(!config->editor(BatchConfigField::MinSize)->isVisibleTo(config));
        QVERIFY(config->editor(BatchConfigField::StatusCheckInterval)->isVisibleTo(config));
        QVERIFY(config->editor(BatchConfigField::MonitoringRetentionDays)->isVisibleTo(config));
        const auto actions = window.findChildren<QAction *>(QStringLiteral("schedulerAction"));
        QCOMPARE(actions.size(), 1);
        QVERIFY(!actions.first()->isEnabled());
        DashboardView *view = window.dashboard();
        const QString banner = view->banner()->text();
        QVERIFY2(banner.contains(QStringLiteral("OpenAI account Acme")) &&
                     banner.contains(m_fake->baseUrl().toDisplayString()),
                 qPrintable(banner));
        QTRY_COMPARE(window.identityText(), QStringLiteral("Acme · admin"));

        QTableView *table = view->jobTable();
        QCOMPARE(cell(table, m_clean, JobTableModel::Requests), QStringLiteral("200"));
        QCOMPARE(cell(table, m_clean, JobTableModel::Completed), QStringLiteral("200"));
        QCOMPARE(cell(table, m_failing, JobTableModel::Requests), QStringLiteral("100"));
        QCOMPARE(cell(table, m_failing, JobTableModel::Completed), QStringLiteral("90"));
        QCOMPARE(cell(table, m_failing, JobTableModel::Failed), QStringLiteral("10"));
        QCOMPARE(cell(table, m_running, JobTableModel::Requests), QStringLiteral("40"));
        QCOMPARE(cell(table, m_running, JobTableModel::Status), QStringLiteral("In progress"));
        QCOMPARE(cell(table, m_failing, JobTableModel::JobType), QStringLiteral("summaries"));
        QVERIFY2(cell(table, m_clean, JobTableModel::Cost).startsWith(QLatin1Char('$')),
                 qPrintable(cell(table, m_clean, JobTableModel::Cost)));

        const MonitoringSnapshot &snap = *window.session()->snapshot();
        QVERIFY(snap.errors && !snap.errors->isEmpty());
        qint64 failed = 0;
        for (const ErrorSummaryEntry &e : *snap.errors)
            failed += e.count;
        QCOMPARE(failed, 10);
        QVERIFY(snap.summary.costSavings.batchCost && snap.summary.costSavings.batchCost->micros() > 0);
        QTRY_VERIFY(view->chartsCurrent());
        QCOMPARE(view->errorChart()->values().value(0), 10.0);
        QVERIFY2(view->card(2)->value().startsWith(QLatin1Char('$')), qPrintable(view->card(2)->value()));
        QVERIFY(view->sourceProblem().isEmpty());
        QVERIFY(!view->warning()->isVisible());
        screenshot(&window, QStringLiteral("openai-dashboard-1280x800.png"));
        if (!qEnvironmentVariableIsEmpty("BATCHMON_SCREENSHOT_DIR")) {
            view->chartTabs()->setCurrentIndex(1); // the error breakdown
            screenshot(&window, QStringLiteral("openai-dashboard-errors-1280x800.png"));
            view->chartTabs()->setCurrentIndex(0);
            auto *pages = qobject_cast<QTabWidget *>(window.centralWidget());
            pages->setCurrentWidget(window.configPanel());
            screenshot(&window, QStringLiteral("openai-configuration-1280x800.png"));
            pages->setCurrentIndex(0);
        }

        // Retry, pause, resume and priority make no sense for the account's batches: off, with why.
        table->selectRow(rowOf(table, m_failing));
        QAction *retry = view->action(DashboardView::Action::Retry);
        QVERIFY(!retry->isEnabled());
        QVERIFY2(retry->toolTip().contains(QStringLiteral("only cancel")), qPrintable(retry->toolTip()));
        QVERIFY(!view->retryAllFailedAction()->isEnabled());
        QVERIFY(!view->action(DashboardView::Action::Pause)->isEnabled());
        QVERIFY(!view->action(DashboardView::Action::PriorityNormal)->isEnabled());

        // Cancel from the dashboard: the account's batch is cancelling at once, then cancelled.
        table->selectRow(rowOf(table, m_running));
        QAction *cancel = view->action(DashboardView::Action::Cancel);
        QVERIFY(cancel->isEnabled());
        view->setConfirm([](const QString &) { return true; });
        QSignalSpy acted(view, &DashboardView::actionFinished);
        cancel->trigger();
        QVERIFY(acted.wait(10000));
        QCOMPARE(acted.first().first().toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(m_fake->batch(m_running).value(QStringLiteral("status")).toString(),
                                  QStringLiteral("cancelling"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(table, m_running, JobTableModel::Status), QStringLiteral("Cancelling"),
                                  5000);
        m_fake->advance(m_running); // the account finishes the cancel
        QCOMPARE(m_fake->batch(m_running).value(QStringLiteral("status")).toString(),
                 QStringLiteral("cancelled"));
        QTRY_COMPARE_WITH_TIMEOUT(cell(table, m_running, JobTableModel::Status), QStringLiteral("Cancelled"),
                                  12000);
        QCOMPARE(m_fake->callCount(QStringLiteral("POST /v1/batches/{id}/cancel")), 1);

        // The key is in the credential store and nowhere else: not in the settings, the account's
        // store, or anything logged.
        const QByteArray key = FakeOpenAi::apiKey().toUtf8();
        QFile ini(profiles.fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(key));
        QFile store(ProfileStore::openAiStorePath(QStringLiteral("Acme")));
        QVERIFY2(store.open(QIODevice::ReadOnly), qPrintable(store.fileName()));
        QVERIFY(!store.readAll().contains(key));
        for (const QString &message : loggedMessages())
            QVERIFY2(!message.contains(FakeOpenAi::apiKey()), qPrintable(message));
        QVERIFY(loggedMessages().size() >= logBefore.size());
    }

    void tryNowClearsAPassingProblem()
    {
        // The collector on its own: a rate limit at open is said, and "Try now" reads the account again.
        LocalSourceOptions options;
        options.databasePath = m_dir.filePath(QStringLiteral("try-now.sqlite"));
        options.actor = QStringLiteral("Try now");
        OpenAiSettings settings;
        settings.baseUrl = m_fake->baseUrl();
        settings.apiKey = FakeOpenAi::apiKey();
        settings.maxRateLimitWaitMs = 0; // said at once rather than waited out
        options.openAi = settings;
        m_fake->rateLimitNext(1);
        LocalSource source(options);
        QVERIFY(source.isOpenAi());
        QSignalSpy problems(&source, &LocalSource::collectorProblem);
        QSignalSpy opened(&source, &LocalSource::opened);
        source.open();
        QVERIFY(opened.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 1, 10000);
        QVERIFY2(problems.first().first().toString().contains(QStringLiteral("rate limit")),
                 qPrintable(problems.first().first().toString()));
        QCOMPARE(problems.first().at(1).toBool(), false); // not the key's fault
        QCOMPARE(source.collectorProblemText(), problems.first().first().toString());
        source.collectNow();
        QTRY_COMPARE_WITH_TIMEOUT(problems.count(), 2, 10000);
        QCOMPARE(problems.last().first().toString(), QString());
        const auto snapshot = await(source.fetchMonitoring(MonitoringQuery{}));
        QVERIFY(snapshot.ok());
        QCOMPARE(snapshot.value().pagination->total, 1); // the batch made in the last day
        const auto identity = await(source.fetchIdentity());
        QCOMPARE(identity.value().name, QStringLiteral("Try now"));
        QCOMPARE(identity.value().role, Role::Admin);
    }

    void wrongKeyIsExplained()
    {
        MemoryCredentialStore keychain;
        keychain.setPersistent(true);
        ProfileStore profiles(newIni(), &keychain);
        QVERIFY(await(profiles.add(account(QStringLiteral("Wrong key")), kWrongKey)).ok);
        profiles.setLastUsed(QStringLiteral("Wrong key"));
        MainWindow window(m_dir.filePath(QStringLiteral("demo.sqlite")), &profiles);
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.dashboard() && !window.dashboard()->sourceProblem().isEmpty(), 15000);
        DashboardView *view = window.dashboard();
        QVERIFY2(view->sourceProblem().contains(QStringLiteral("refused the API key")),
                 qPrintable(view->sourceProblem()));
        QTRY_VERIFY(view->warning()->isVisible());
        QVERIFY(view->warning()->text().contains(QStringLiteral("refused the API key")));
        QVERIFY(view->warning()->text().contains(QStringLiteral("href=\"edit\"")));
        QTRY_VERIFY(view->statusLabel()->text().contains(QStringLiteral("refused the API key")));
        screenshot(&window, QStringLiteral("openai-wrong-key-1280x800.png"));
        for (const QString &message : loggedMessages())
            QVERIFY2(!message.contains(kWrongKey), qPrintable(message));
        QVERIFY(!view->sourceProblem().contains(kWrongKey));
    }
};

// The tester's screen, 1280×800, rather than the offscreen platform's 800×800, unless the tests run on
// a real display.
int main(int argc, char **argv)
{
    QTemporaryDir dir;
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (platform.isEmpty() || platform == "offscreen") {
        QFile config(dir.filePath(QStringLiteral("screens.json")));
        if (!config.open(QIODevice::WriteOnly) ||
            config.write(R"({"screens": [{"name": "tester", "x": 0, "y": 0, "width": 1280, "height": 800,
                             "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]})") < 0)
            qFatal("cannot write %s", qPrintable(config.fileName()));
        config.close();
        qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + QFile::encodeName(config.fileName()));
    }
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setStyle(QStringLiteral("Fusion"));
    QTEST_SET_MAIN_SOURCE_PATH
    TestOpenAiProfile test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_openaiprofile.moc"
