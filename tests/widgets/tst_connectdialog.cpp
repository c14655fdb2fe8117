// SPDX-License-Identifier: GPL-3.0-or-later
// "Connect to a server…" offscreen against a real batchmon-server on loopback (plain and TLS): a
// successful test enables Save, failures are explained (401, nothing on the port, untrusted
// certificate), an edit asks for a new test, Save stores the profile and the token apart, Cancel
// stops a test. With BATCHMON_SCREENSHOT_DIR set it also saves pictures of the dialog there.
#include "ConnectDialog.h"
#include "ProfilesDialog.h"
#include "ServerProcess.h"
#include "credentials/MemoryCredentialStore.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace batchmon;

class TestConnectDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    QString m_admin;
    MemoryCredentialStore m_keychain;
    int m_files = 0;

    std::unique_ptr<ProfileStore> newStore(CredentialStore *credentials = nullptr)
    {
        return std::make_unique<ProfileStore>(
            m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_files)),
            credentials ? credentials : &m_keychain);
    }

    static void fill(ConnectDialog &d, const QString &url, const QString &token, const QString &caFile = {})
    {
        d.urlEdit()->setText(url);
        d.tokenEdit()->setText(token);
        d.caFileEdit()->setText(caFile);
    }

    static bool runTest(ConnectDialog &d)
    {
        QSignalSpy finished(&d, &ConnectDialog::testFinished);
        QTest::mouseClick(d.testButton(), Qt::LeftButton);
        if (finished.isEmpty() && !finished.wait(30000))
            qFatal("the connection test did not finish");
        return finished.first().first().toBool();
    }

    static void screenshot(QDialog &d, const QString &name)
    {
        const QString dir = qEnvironmentVariable("BATCHMON_SCREENSHOT_DIR");
        if (dir.isEmpty())
            return;
        QTest::qWait(50); // let the layout settle after the status text changed
        QVERIFY(d.grab().save(dir + QLatin1Char('/') + name));
    }

private slots:
    void initTestCase()
    {
        m_keychain.setPersistent(true);
        m_server =
            std::make_unique<Server>(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("server.db")));
        m_admin = m_server->addToken(QStringLiteral("alice"), QStringLiteral("admin"));
        QVERIFY(m_server->start());
        QCOMPARE(m_server->url().scheme(), QStringLiteral("http"));
    }

    void saveBeforeATestTestsFirst()
    {
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        fill(d, m_server->url().toString(), m_admin + QStringLiteral("x"));
        // Alt+S is Save even before a test: it never lands in the token field.
        QSignalSpy finished(&d, &ConnectDialog::testFinished);
        QSignalSpy saved(&d, &ConnectDialog::saved);
        QTest::keyClick(d.tokenEdit(), Qt::Key_S, Qt::AltModifier);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), false); // the wrong token: tested, explained, not saved
        QCOMPARE(d.tokenEdit()->text(), m_admin + QStringLiteral("x"));
        QCOMPARE(saved.count(), 0);
        QVERIFY(store->profiles().isEmpty());
        d.tokenEdit()->setText(m_admin);
        d.saveButton()->click();
        QVERIFY(finished.wait(30000));
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(store->profiles().size(), 1);
    }

    void successThenSave()
    {
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY(d.saveButton()->isEnabled()); // it tests first, then saves
        QVERIFY(!d.saveButton()->isDefault());
        QVERIFY(d.testButton()->isDefault());
        QVERIFY(!d.allowHttpBox()->isVisible()); // loopback needs no permission
        fill(d, m_server->url().toString(), m_admin);
        QCOMPARE(d.nameEdit()->text(), QStringLiteral("127.0.0.1")); // suggested from the address
        d.nameEdit()->clear();
        QTest::keyClicks(d.nameEdit(), QStringLiteral("Local server"));

        // Enter in a field runs the test: it is the default button until a test passed.
        QSignalSpy finished(&d, &ConnectDialog::testFinished);
        QTest::keyClick(d.urlEdit(), Qt::Key_Return);
        QCOMPARE(d.testState(), ConnectDialog::TestState::Testing);
        QVERIFY(!d.testButton()->isEnabled());
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(d.statusText()));
        QCOMPARE(d.testState(), ConnectDialog::TestState::Succeeded);
        QVERIFY2(d.statusText().startsWith(
                     QStringLiteral("Connected to 127.0.0.1 as alice (admin): 0 jobs in the last 24 hours")),
                 qPrintable(d.statusText()));
        QVERIFY(d.saveButton()->isEnabled());
        QVERIFY(d.saveButton()->isDefault());
        screenshot(d, QStringLiteral("connect-success.png"));

        // An edit of the connection asks for a new test; going back to the tested values does not.
        d.tokenEdit()->setText(m_admin + QStringLiteral("x"));
        QCOMPARE(d.testState(), ConnectDialog::TestState::NotTested);
        QVERIFY(!d.saveButton()->isDefault());
        QVERIFY(d.testButton()->isDefault());
        QVERIFY(d.statusText().contains(QStringLiteral("Test the connection again")));
        d.tokenEdit()->setText(m_admin);
        QCOMPARE(d.testState(), ConnectDialog::TestState::Succeeded);
        QVERIFY(d.saveButton()->isEnabled());
        d.nameEdit()->setText(QStringLiteral("Local"));
        QCOMPARE(d.testState(),
                 ConnectDialog::TestState::Succeeded); // the name is not part of the connection

        // Enter now saves.
        QSignalSpy saved(&d, &ConnectDialog::saved);
        QTest::keyClick(d.urlEdit(), Qt::Key_Return);
        QVERIFY(saved.wait(10000) || !saved.isEmpty());
        QCOMPARE(saved.first().first().toString(), QStringLiteral("Local"));
        QTRY_COMPARE(d.result(), int(QDialog::Accepted));
        QVERIFY(!d.isVisible());
        const ServerProfile p = *store->profile(QStringLiteral("Local"));
        QCOMPARE(p.serverUrl, m_server->url());
        QCOMPARE(p.allowInsecureHttp, false);
        QCOMPARE(p.caFile, QString());
        QCOMPARE(
            m_keychain.readSecret(ProfileStore::credentialKey(QStringLiteral("Local"))).result().secret(),
            m_admin);
        QFile ini(store->fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(m_admin.toUtf8()));
    }

    void keyboard()
    {
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowActive(&d));
        // Every field's label is its buddy, with its own mnemonic.
        QHash<QString, QWidget *> buddies;
        for (QLabel *label : d.findChildren<QLabel *>()) {
            if (label->buddy())
                buddies.insert(label->text(), label->buddy());
        }
        QCOMPARE(buddies.value(QStringLiteral("&Name:")), d.nameEdit());
        QCOMPARE(buddies.value(QStringLiteral("Server &URL:")), d.urlEdit());
        QCOMPARE(buddies.value(QStringLiteral("API to&ken:")), d.tokenEdit());
        QCOMPARE(buddies.value(QStringLiteral("CA &file:")), d.caFileEdit());
        QTest::keyClick(&d, Qt::Key_U, Qt::AltModifier);
        QCOMPARE(QApplication::focusWidget(), d.urlEdit());

        // Tab walks the fields in reading order.
        d.nameEdit()->setFocus();
        QList<QWidget *> order;
        for (int i = 0; i < 4; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            order << QApplication::focusWidget();
        }
        QCOMPARE(order.value(0), d.urlEdit());
        QCOMPARE(order.value(1), d.tokenEdit());
        QCOMPARE(order.value(3), d.caFileEdit()); // after the show toggle

        // The toggle shows the token and hides it again.
        d.tokenEdit()->setText(QStringLiteral("bm_abc"));
        auto *toggle = d.findChild<QToolButton *>();
        QTest::mouseClick(toggle, Qt::LeftButton);
        QCOMPARE(d.tokenEdit()->echoMode(), QLineEdit::Normal);
        QTest::mouseClick(toggle, Qt::LeftButton);
        QCOMPARE(d.tokenEdit()->echoMode(), QLineEdit::Password);
    }

    void wrongToken()
    {
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        fill(d, m_server->url().toString(), QStringLiteral("bm_not-a-valid-token"));
        QVERIFY(!runTest(d));
        QCOMPARE(d.testState(), ConnectDialog::TestState::Failed);
        QCOMPARE(d.lastError()->kind, ApiError::Kind::Unauthorized);
        QVERIFY2(d.statusText().contains(QStringLiteral("refused the token")), qPrintable(d.statusText()));
        QVERIFY(d.statusText().contains(QStringLiteral("batchmon-server token add NAME --role admin")));
        QVERIFY(d.testState() != ConnectDialog::TestState::Succeeded);
        screenshot(d, QStringLiteral("connect-unauthorized.png"));
        QSignalSpy finished(&d, &ConnectDialog::testFinished);
        d.save(); // tests again first, and saves nothing when the test fails
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY(store->profiles().isEmpty());
        QVERIFY(d.isVisible());

        // Editing keeps the explanation in view until the next test.
        d.tokenEdit()->setText(QStringLiteral("bm_still-wrong"));
        QCOMPARE(d.testState(), ConnectDialog::TestState::NotTested);
        QVERIFY(d.statusText().contains(QStringLiteral("refused the token")));
    }

    void nothingOnThePort()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        fill(d, QStringLiteral("http://127.0.0.1:%1").arg(port), m_admin);
        QVERIFY(!runTest(d));
        QCOMPARE(d.lastError()->kind, ApiError::Kind::Offline);
        QVERIFY2(d.statusText().contains(
                     QStringLiteral("Nothing accepts connections on 127.0.0.1, port %1").arg(port)),
                 qPrintable(d.statusText()));
        QVERIFY(d.statusText().contains(QStringLiteral("batchmon-server is running")));
        QVERIFY(d.testState() != ConnectDialog::TestState::Succeeded);
        screenshot(d, QStringLiteral("connect-offline.png"));
    }

    void checkedBeforeTheNetwork()
    {
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QVERIFY(!runTest(d));
        QVERIFY2(d.statusText().startsWith(QStringLiteral("Enter the server's address")),
                 qPrintable(d.statusText()));
        QCOMPARE(d.focusWidget(), d.urlEdit());

        fill(d, QStringLiteral("batchmon.example.com:8443"), m_admin);
        QVERIFY(!runTest(d));
        QVERIFY(d.statusText().contains(QStringLiteral("must start with https://")));

        fill(d, m_server->url().toString(), QString());
        QVERIFY(!runTest(d));
        QVERIFY(d.statusText().startsWith(QStringLiteral("Enter the API token")));
        QCOMPARE(d.focusWidget(), d.tokenEdit());

        fill(d, m_server->url().toString(), m_admin, m_dir.filePath(QStringLiteral("missing-ca.pem")));
        QVERIFY(!runTest(d));
        QVERIFY2(d.statusText().contains(QStringLiteral("does not exist")), qPrintable(d.statusText()));
        QCOMPARE(d.focusWidget(), d.caFileEdit());

        // Plain http to another machine: the permission appears, and without it nothing is sent.
        fill(d, QStringLiteral("http://192.0.2.10:8080"), m_admin);
        QVERIFY(d.allowHttpBox()->isVisible());
        QVERIFY(!runTest(d));
        QCOMPARE(d.lastError()->kind, ApiError::Kind::InsecureUrl);
        QVERIFY(d.statusText().contains(QStringLiteral("Allow unencrypted http")));
        screenshot(d, QStringLiteral("connect-insecure.png"));
        d.allowHttpBox()->setChecked(true);
        QVERIFY(d.profile().allowInsecureHttp);
        d.urlEdit()->setText(QStringLiteral("https://192.0.2.10:8080"));
        QVERIFY(!d.allowHttpBox()->isVisible());
        QVERIFY(!d.profile().allowInsecureHttp);
    }

    void tls()
    {
        Server secure(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("tls.db")));
        const QString token = secure.addToken(QStringLiteral("carol"), QStringLiteral("admin"));
        QVERIFY(secure.start({QStringLiteral("--tls-cert"), QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"),
                              QStringLiteral("--tls-key"),
                              QStringLiteral(BATCHMON_FIXTURES "/test-server.key")}));
        QCOMPARE(secure.url().scheme(), QStringLiteral("https"));
        auto store = newStore();
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        fill(d, secure.url().toString(), token);
        QVERIFY(!runTest(d));
        QCOMPARE(d.lastError()->kind, ApiError::Kind::Tls);
        QVERIFY2(d.statusText().contains(QStringLiteral("certificate is not trusted")),
                 qPrintable(d.statusText()));
        QVERIFY(d.statusText().contains(QStringLiteral("choose that CA file")));
        QVERIFY(d.testState() != ConnectDialog::TestState::Succeeded);
        screenshot(d, QStringLiteral("connect-tls.png"));

        // The wrong file as CA: the server's key is explained before anything is sent.
        d.caFileEdit()->setText(QStringLiteral(BATCHMON_FIXTURES "/test-server.key"));
        QVERIFY(!runTest(d));
        QVERIFY2(d.statusText().contains(QStringLiteral("holds a private key")), qPrintable(d.statusText()));

        d.caFileEdit()->setText(QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"));
        QVERIFY2(runTest(d), qPrintable(d.statusText()));
        QVERIFY(d.statusText().startsWith(QStringLiteral("Connected to 127.0.0.1")));
        d.nameEdit()->setText(QStringLiteral("Secure"));
        QSignalSpy saved(&d, &ConnectDialog::saved);
        QTest::mouseClick(d.saveButton(), Qt::LeftButton);
        QVERIFY(saved.wait(10000) || !saved.isEmpty());
        QCOMPARE(store->profile(QStringLiteral("Secure"))->caFile,
                 QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"));
        QTRY_COMPARE(d.result(), int(QDialog::Accepted));
    }

    void editExistingProfile()
    {
        auto store = newStore();
        ServerProfile p;
        p.name = QStringLiteral("Old name");
        p.serverUrl = m_server->url();
        QVERIFY(QTest::qWaitFor([f = store->add(p, m_admin)] { return f.isFinished(); }));
        store->setLastUsed(p.name);

        ConnectDialog d(store.get(), p.name);
        d.show();
        QSignalSpy loaded(&d, &ConnectDialog::tokenLoaded);
        QVERIFY(loaded.wait(10000) || !loaded.isEmpty());
        QVERIFY(loaded.first().first().toBool());
        QCOMPARE(d.nameEdit()->text(), p.name);
        QCOMPARE(d.urlEdit()->text(), m_server->url().toString());
        QCOMPARE(d.tokenEdit()->text(), m_admin);
        QCOMPARE(d.tokenEdit()->echoMode(), QLineEdit::Password);
        QVERIFY(!d.saveButton()->isDefault()); // even an unchanged profile is tested before it is saved

        QVERIFY(runTest(d));
        d.nameEdit()->setText(QStringLiteral("New name"));
        QSignalSpy saved(&d, &ConnectDialog::saved);
        d.save();
        QVERIFY(saved.wait(10000) || !saved.isEmpty());
        QCOMPARE(store->names(), QStringList{QStringLiteral("New name")});
        QCOMPARE(store->lastUsed(), QStringLiteral("New name"));
        QCOMPARE(
            m_keychain.readSecret(ProfileStore::credentialKey(QStringLiteral("New name"))).result().secret(),
            m_admin);
        QVERIFY(
            !m_keychain.readSecret(ProfileStore::credentialKey(QStringLiteral("Old name"))).result().ok());

        // A name another profile has is refused at Save, with the reason.
        QVERIFY(QTest::qWaitFor([f = store->add(p, m_admin)] { return f.isFinished(); }));
        ConnectDialog again(store.get(), QStringLiteral("New name"));
        again.show();
        QSignalSpy loadedAgain(&again, &ConnectDialog::tokenLoaded);
        QVERIFY(loadedAgain.wait(10000) || !loadedAgain.isEmpty());
        QVERIFY(runTest(again));
        again.nameEdit()->setText(QStringLiteral("old NAME"));
        again.save();
        QVERIFY2(again.statusText().contains(QStringLiteral("already a profile named \"Old name\"")),
                 qPrintable(again.statusText()));
        QVERIFY(again.isVisible());
    }

    void sessionOnlyKeychainIsTold()
    {
        MemoryCredentialStore sessionOnly; // not persistent: like a desktop without a keychain
        auto store = newStore(&sessionOnly);
        ConnectDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        const auto labels = d.findChildren<QLabel *>();
        QVERIFY(std::any_of(labels.begin(), labels.end(), [&](QLabel *l) {
            return l->isVisible() && l->text() == sessionOnly.persistenceNote();
        }));
        fill(d, m_server->url().toString(), m_admin);
        QVERIFY(runTest(d));
        QSignalSpy saved(&d, &ConnectDialog::saved);
        d.save();
        QVERIFY(saved.wait(10000) || !saved.isEmpty());
        // The dialog stays open to say so; its button now closes it.
        QVERIFY(d.isVisible());
        QVERIFY2(d.statusText().contains(sessionOnly.persistenceNote()), qPrintable(d.statusText()));
        QCOMPARE(d.saveButton()->text(), QStringLiteral("Close"));
        screenshot(d, QStringLiteral("connect-session-only.png"));
        QTest::mouseClick(d.saveButton(), Qt::LeftButton);
        QCOMPARE(d.result(), int(QDialog::Accepted));
        QVERIFY(store->contains(QStringLiteral("127.0.0.1")));
    }

    void profilesDialog()
    {
        auto store = newStore();
        ServerProfile p;
        p.serverUrl = QUrl(QStringLiteral("https://a.example.com"));
        for (const QString &name : {QStringLiteral("Alpha"), QStringLiteral("Beta")}) {
            p.name = name;
            QVERIFY(QTest::qWaitFor([f = store->add(p, m_admin)] { return f.isFinished(); }));
        }
        ProfilesDialog d(store.get());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QCOMPARE(d.list()->count(), 2);
        QCOMPARE(d.list()->item(1)->text(), QStringLiteral("Beta — https://a.example.com"));
        QCOMPARE(d.selectedName(), QStringLiteral("Alpha"));
        screenshot(d, QStringLiteral("profiles.png"));

        // Edit… opens the connection dialog on the selected profile.
        d.list()->item(1)->setSelected(true);
        d.editProfile();
        ConnectDialog *edit = nullptr;
        QTRY_VERIFY((edit = d.findChild<ConnectDialog *>()) != nullptr);
        QCOMPARE(edit->originalName(), QStringLiteral("Beta"));
        QTRY_COMPARE(edit->tokenEdit()->text(), m_admin);
        edit->reject();
        QTRY_VERIFY(!d.findChild<ConnectDialog *>());

        // Remove asks first; Cancel keeps the profile.
        const auto answer = [&d](bool remove) {
            QMessageBox *ask = nullptr;
            if (!QTest::qWaitFor([&] { return (ask = d.findChild<QMessageBox *>()) != nullptr; }))
                return false;
            if (!ask->text().contains(d.selectedName()))
                return false;
            for (QAbstractButton *b : ask->buttons()) {
                const bool isRemove = ask->buttonRole(b) == QMessageBox::DestructiveRole;
                if (isRemove == remove) {
                    b->click();
                    return QTest::qWaitFor([&d] { return !d.findChild<QMessageBox *>(); });
                }
            }
            return false;
        };
        d.removeProfile();
        QVERIFY(answer(false));
        QCOMPARE(d.list()->count(), 2);
        d.removeProfile();
        QVERIFY(answer(true));
        QTRY_COMPARE(d.list()->count(), 1);
        QCOMPARE(store->names(), QStringList{QStringLiteral("Alpha")});
        QVERIFY(!m_keychain.readSecret(ProfileStore::credentialKey(QStringLiteral("Beta"))).result().ok());
        QCOMPARE(d.selectedName(), QStringLiteral("Alpha"));
        d.removeProfile();
        QVERIFY(answer(true));
        QTRY_COMPARE(d.list()->count(), 0);
        QVERIFY(d.findChild<QLabel *>(QStringLiteral("empty"))->isVisible());

        // Add… opens an empty connection dialog; what it saves appears in the list.
        d.addProfile();
        ConnectDialog *add = nullptr;
        QTRY_VERIFY((add = d.findChild<ConnectDialog *>()) != nullptr);
        QVERIFY(add->originalName().isEmpty());
        fill(*add, m_server->url().toString(), m_admin);
        QVERIFY(runTest(*add));
        add->save();
        QTRY_COMPARE(d.list()->count(), 1);
        QCOMPARE(d.selectedName(), QStringLiteral("127.0.0.1"));
    }

    void cancelStopsATest()
    {
        // A server that accepts connections and never answers.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> held;
        connect(&silent, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = silent.nextPendingConnection())
                held << s;
        });
        auto store = newStore();
        {
            ConnectDialog d(store.get());
            d.show();
            QVERIFY(QTest::qWaitForWindowExposed(&d));
            fill(d, QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort()), m_admin);
            QSignalSpy finished(&d, &ConnectDialog::testFinished);
            QTest::mouseClick(d.testButton(), Qt::LeftButton);
            QCOMPARE(d.testState(), ConnectDialog::TestState::Testing);
            QTRY_VERIFY(!held.isEmpty());
            screenshot(d, QStringLiteral("connect-testing.png"));
            // The dialog stays responsive: an edit stops the test.
            QTest::keyClicks(d.tokenEdit(), QStringLiteral("x"));
            QCOMPARE(d.testState(), ConnectDialog::TestState::NotTested);
            QVERIFY(d.testButton()->isEnabled());
            QVERIFY(d.statusText().contains(QStringLiteral("stopped")));

            QTest::mouseClick(d.testButton(), Qt::LeftButton);
            QCOMPARE(d.testState(), ConnectDialog::TestState::Testing);
            QTest::mouseClick(d.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel),
                              Qt::LeftButton);
            QCOMPARE(d.result(), int(QDialog::Rejected));
            QVERIFY(!d.isVisible());
            QTest::qWait(200);
            QCOMPARE(finished.count(), 0);
        }
        QTest::qWait(100); // the aborted call ends after the dialog is gone, harmlessly
        QVERIFY(store->profiles().isEmpty());
        qDeleteAll(held);
    }
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
