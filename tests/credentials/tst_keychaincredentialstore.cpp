// SPDX-License-Identifier: GPL-3.0-or-later
// KeychainCredentialStore against the real Secret Service the test runner starts (a private D-Bus
// session with an unlocked gnome-keyring, see tools/dev), and without one: then the store must fall
// back to session-only memory and write nothing to disk.
//
// QtKeychain picks its backend once per process and libsecret keeps the bus it connected to, so the
// no-keychain case cannot run in this process. It runs in a child process of this same binary
// (started with kChildFlag) whose environment points the session bus at a socket that does not
// exist, and HOME and the XDG directories at a throw-away directory the parent searches afterwards.
#include "Await.h"
#include "credentials/KeychainCredentialStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <optional>

using namespace batchmon;

namespace {

constexpr char kChildFlag[] = "--session-only-child";
constexpr int kAnswerTimeoutMs = 30000;
constexpr int kChildTimeoutMs = 120000;

constexpr char kNoBus[] =
    "DBUS_SESSION_BUS_ADDRESS is not set, so there is no Secret Service to test against. Run the tests "
    "through `tools/dev test`, or inside `dbus-run-session -- bash -c 'printf pw | gnome-keyring-daemon "
    "--unlock --components=secrets; ctest ...'`.";
constexpr char kNoAnswer[] =
    "the store did not answer in time (is the keychain locked, waiting for a prompt?)";

// The event loop that awaitFuture() keeps running is also the GLib main loop that delivers libsecret's
// answers.
std::optional<CredentialResult> await(const QFuture<CredentialResult> &future)
{
    return awaitFuture(future, kAnswerTimeoutMs);
}

QString uniqueSuffix()
{
    return QString::number(QCoreApplication::applicationPid()) + QLatin1Char('-') +
           QUuid::createUuid().toString(QUuid::Id128);
}

QString longNonAsciiSecret()
{
    const QString unit = QStringLiteral("Grüße-トークン-🔑-");
    QString secret;
    while (secret.toUtf8().size() < 4096)
        secret += unit;
    return secret;
}

struct Lookup
{
    int exitCode = -1;
    QByteArray output;
};

// What the Secret Service holds for a QtKeychain entry, read without QtKeychain. QtKeychain stores
// the service as the "server" attribute and the key as "user".
std::optional<Lookup> secretToolLookup(const QString &service, const QString &key)
{
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"),
               {QStringLiteral("lookup"), QStringLiteral("server"), service, QStringLiteral("user"), key});
    if (!tool.waitForFinished(kAnswerTimeoutMs) || tool.exitStatus() != QProcess::NormalExit)
        return std::nullopt;
    return Lookup{tool.exitCode(), tool.readAllStandardOutput()};
}

} // namespace

class TestKeychainCredentialStore : public QObject
{
    Q_OBJECT

private:
    bool m_haveBus = false;
    // Unique per run so that parallel runs and leftovers of crashed runs never collide.
    QString m_service;
    QStringList m_keys;

    QString newKey()
    {
        m_keys << QStringLiteral("profile-") + QUuid::createUuid().toString(QUuid::Id128);
        return m_keys.constLast();
    }

private slots:
    void initTestCase()
    {
        // Checked per test rather than here, so the no-bus case below still runs and reports.
        m_haveBus = !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
        m_service = QStringLiteral("batchmon-test-") + uniqueSuffix();
    }

    void cleanupTestCase()
    {
        // Leave no test entries in the keychain, also after a failure half-way.
        if (!m_haveBus)
            return;
        KeychainCredentialStore store(m_service);
        for (const QString &key : std::as_const(m_keys))
            await(store.removeSecret(key));
    }

    void storesInTheRealKeychain_data()
    {
        QTest::addColumn<QString>("secret");
        QTest::newRow("ascii") << QStringLiteral("sk-live-") + QUuid::createUuid().toString(QUuid::Id128);
        QTest::newRow("non-ascii") << QStringLiteral("pässwörd-トークン-🔑-") + uniqueSuffix();
        QTest::newRow("4 KiB non-ascii") << longNonAsciiSecret() + uniqueSuffix();
    }

    void storesInTheRealKeychain()
    {
        QVERIFY2(m_haveBus, kNoBus);
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("secret-tool")).isEmpty(),
                 "secret-tool not found: install libsecret-tools (`tools/dev deps` does)");
        QFETCH(QString, secret);
        const QString rotated = secret + QStringLiteral("-rotated");
        const QString key = newKey();

        KeychainCredentialStore store(m_service);
        QCOMPARE(store.service(), m_service);
        QSignalSpy persistence(&store, &CredentialStore::persistenceChanged);

        const auto written = await(store.writeSecret(key, secret));
        QVERIFY2(written, kNoAnswer);
        QVERIFY2(written->ok(), qPrintable(written->message()));
        QVERIFY2(written->isPersistent(), qPrintable(store.persistenceNote()));
        QVERIFY(written->message().isEmpty());
        QVERIFY(store.isPersistent());
        QVERIFY(store.persistenceNote().isEmpty());

        // Secrets are compared with QVERIFY, not QCOMPARE, so that a failure does not print them.
        const auto read = await(store.readSecret(key));
        QVERIFY2(read, kNoAnswer);
        QVERIFY2(read->ok(), qPrintable(read->message()));
        QVERIFY(read->isPersistent());
        QVERIFY(read->secret() == secret);

        // A second store has no state of the first: it can only have it from the keychain.
        KeychainCredentialStore other(m_service);
        const auto readByOther = await(other.readSecret(key));
        QVERIFY2(readByOther, kNoAnswer);
        QVERIFY2(readByOther->ok(), qPrintable(readByOther->message()));
        QVERIFY(readByOther->secret() == secret);

        // And the Secret Service holds it, seen without QtKeychain at all.
        auto lookup = secretToolLookup(m_service, key);
        QVERIFY2(lookup, "secret-tool lookup did not finish");
        QCOMPARE(lookup->exitCode, 0);
        QVERIFY(QString::fromUtf8(lookup->output) == secret);

        const auto overwritten = await(store.writeSecret(key, rotated));
        QVERIFY2(overwritten, kNoAnswer);
        QVERIFY2(overwritten->ok(), qPrintable(overwritten->message()));
        const auto reread = await(other.readSecret(key));
        QVERIFY2(reread, kNoAnswer);
        QVERIFY2(reread->ok(), qPrintable(reread->message()));
        QVERIFY(reread->secret() == rotated);
        lookup = secretToolLookup(m_service, key);
        QVERIFY2(lookup, "secret-tool lookup did not finish");
        QVERIFY(QString::fromUtf8(lookup->output) == rotated);

        const auto removed = await(store.removeSecret(key));
        QVERIFY2(removed, kNoAnswer);
        QVERIFY2(removed->ok(), qPrintable(removed->message()));
        const auto gone = await(other.readSecret(key));
        QVERIFY2(gone, kNoAnswer);
        QCOMPARE(gone->error(), CredentialResult::Error::NotFound);
        QVERIFY(gone->secret().isEmpty());
        lookup = secretToolLookup(m_service, key);
        QVERIFY2(lookup, "secret-tool lookup did not finish");
        QVERIFY(lookup->exitCode != 0);
        QVERIFY(lookup->output.isEmpty());

        QCOMPARE(persistence.count(), 0);
        QVERIFY(store.isPersistent());
        QVERIFY(other.isPersistent());
    }

    void readMissingIsNotFound()
    {
        QVERIFY2(m_haveBus, kNoBus);
        KeychainCredentialStore store(m_service);
        const auto read = await(store.readSecret(newKey()));
        QVERIFY2(read, kNoAnswer);
        // "Nothing stored" is an ordinary answer from a working keychain, not a reason to fall back.
        QCOMPARE(read->error(), CredentialResult::Error::NotFound);
        QVERIFY(!read->message().isEmpty());
        QVERIFY2(read->isPersistent(), qPrintable(store.persistenceNote()));
        QVERIFY(store.isPersistent());
    }

    void removeMissingSucceeds()
    {
        QVERIFY2(m_haveBus, kNoBus);
        KeychainCredentialStore store(m_service);
        const auto removed = await(store.removeSecret(newKey()));
        QVERIFY2(removed, kNoAnswer);
        QVERIFY2(removed->ok(), qPrintable(removed->message()));
        QVERIFY(store.isPersistent());
    }

    void defaultService()
    {
        KeychainCredentialStore store;
        QCOMPARE(store.service(), QStringLiteral("batchmon"));
        QCOMPARE(KeychainCredentialStore::defaultService(), QStringLiteral("batchmon"));
    }

    void sessionOnlyWithoutKeychain()
    {
        QTemporaryDir tmp;
        QVERIFY2(tmp.isValid(), qPrintable(tmp.errorString()));
        const QString root = QDir::cleanPath(tmp.path());
        QDir dir(root);
        const QStringList subdirs = {QStringLiteral("home"),  QStringLiteral("config"),
                                     QStringLiteral("data"),  QStringLiteral("cache"),
                                     QStringLiteral("state"), QStringLiteral("runtime")};
        for (const QString &sub : subdirs)
            QVERIFY(dir.mkpath(sub));
        // QStandardPaths rejects a runtime directory that others may read.
        QVERIFY(QFile::setPermissions(dir.filePath(QStringLiteral("runtime")),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));

        // The random part is ASCII so it can be searched for in any encoding.
        const QString core = QStringLiteral("bm-session-only-") + QUuid::createUuid().toString(QUuid::Id128);
        const QString secret = core + QStringLiteral("-Grüße-🔑");

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=") + dir.filePath(QStringLiteral("no-such-bus")));
        env.insert(QStringLiteral("HOME"), dir.filePath(QStringLiteral("home")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), dir.filePath(QStringLiteral("state")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.filePath(QStringLiteral("runtime")));
        // Every logging category on: a secret in any log line shows up in the output checked below.
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("*.debug=true"));
        env.insert(QStringLiteral("BATCHMON_TEST_ROOT"), root);
        env.insert(QStringLiteral("BATCHMON_TEST_SECRET"), secret);
        env.insert(QStringLiteral("BATCHMON_TEST_SERVICE"),
                   QStringLiteral("batchmon-test-") + uniqueSuffix());

        QProcess child;
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {QString::fromLatin1(kChildFlag)});
        QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
        QVERIFY2(child.waitForFinished(kChildTimeoutMs), "the session-only child did not finish");
        const QByteArray output = child.readAll();
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, output.constData());

        const QByteArray coreUtf8 = core.toUtf8();
        const QByteArray coreUtf16(reinterpret_cast<const char *>(core.utf16()), core.size() * 2);
        // What QtKeychain's binary mode or a QSettings byte array would hold: the first 24 bytes
        // (a whole number of base64 groups) of the secret in base64.
        const QByteArray coreBase64 = secret.toUtf8().left(24).toBase64();
        QVERIFY2(!output.contains(coreUtf8), "the secret appeared in the session-only child's output");

        QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly),
                     qPrintable(path + QStringLiteral(": ") + file.errorString()));
            const QByteArray content = file.readAll();
            const bool holdsSecret =
                content.contains(coreUtf8) || content.contains(coreUtf16) || content.contains(coreBase64);
            QVERIFY2(!holdsSecret, qPrintable(QStringLiteral("the secret was written to ") + path));
        }
    }
};

// Runs in the child process that sessionOnlyWithoutKeychain() starts, with no reachable session bus.
class TestSessionOnlyChild : public QObject
{
    Q_OBJECT

private slots:
    void fallsBackToSessionMemory()
    {
        const QString root = qEnvironmentVariable("BATCHMON_TEST_ROOT");
        const QString secret = qEnvironmentVariable("BATCHMON_TEST_SECRET");
        const QString service = qEnvironmentVariable("BATCHMON_TEST_SERVICE");
        QVERIFY2(!root.isEmpty() && !secret.isEmpty() && !service.isEmpty(),
                 "run by tst_keychaincredentialstore's sessionOnlyWithoutKeychain, not directly");
        const QString rotated = secret + QStringLiteral("-rotated");
        const QString key = QStringLiteral("profile-session-only");

        // The parent searches only its throw-away directory, so everywhere the app could write must be in it.
        QVERIFY(QDir::cleanPath(QDir::homePath()).startsWith(root));
        const QList<QStandardPaths::StandardLocation> locations = {
            QStandardPaths::GenericConfigLocation, QStandardPaths::AppConfigLocation,
            QStandardPaths::GenericDataLocation,   QStandardPaths::AppDataLocation,
            QStandardPaths::GenericCacheLocation,  QStandardPaths::RuntimeLocation,
        };
        for (const QStandardPaths::StandardLocation location : locations)
            QVERIFY2(QDir::cleanPath(QStandardPaths::writableLocation(location)).startsWith(root),
                     qPrintable(QStandardPaths::writableLocation(location)));

        KeychainCredentialStore store(service);
        // Optimistic until the keychain has been asked.
        QVERIFY(store.isPersistent());
        QVERIFY(store.persistenceNote().isEmpty());
        QSignalSpy persistence(&store, &CredentialStore::persistenceChanged);

        const auto written = await(store.writeSecret(key, secret));
        QVERIFY2(written, kNoAnswer);
        QVERIFY2(written->ok(), qPrintable(written->message()));
        QVERIFY(!written->isPersistent());
        QCOMPARE(persistence.count(), 1);
        QCOMPARE(persistence.at(0).at(0).toBool(), false);
        QVERIFY(!store.isPersistent());
        QVERIFY(!store.property("persistent").toBool());

        // The note is what the UI shows: plain words about the keychain and the consequence, with
        // neither the secret nor bus jargon in it.
        const QString note = store.persistenceNote();
        QCOMPARE(written->message(), note);
        QVERIFY(note.contains(QStringLiteral("No system keychain is available")));
        QVERIFY(note.contains(QStringLiteral("for this session only")));
        QVERIFY(note.contains(QStringLiteral("entered again after restart")));
        QVERIFY(!note.contains(secret));
        QVERIFY(!note.contains(QStringLiteral("org.freedesktop")));
        QVERIFY(!note.contains(QStringLiteral("D-Bus"), Qt::CaseInsensitive));

        const auto read = await(store.readSecret(key));
        QVERIFY2(read, kNoAnswer);
        QVERIFY2(read->ok(), qPrintable(read->message()));
        QVERIFY(!read->isPersistent());
        QVERIFY(read->secret() == secret);

        const auto overwritten = await(store.writeSecret(key, rotated));
        QVERIFY2(overwritten, kNoAnswer);
        QVERIFY(overwritten->ok());
        const auto reread = await(store.readSecret(key));
        QVERIFY2(reread, kNoAnswer);
        QVERIFY(reread->ok());
        QVERIFY(reread->secret() == rotated);

        // Nothing reached anything persistent: a fresh store finds nothing, and learns on its first
        // (read) operation that it is session-only too.
        KeychainCredentialStore other(service);
        QSignalSpy otherPersistence(&other, &CredentialStore::persistenceChanged);
        const auto readByOther = await(other.readSecret(key));
        QVERIFY2(readByOther, kNoAnswer);
        QCOMPARE(readByOther->error(), CredentialResult::Error::NotFound);
        QVERIFY(!readByOther->isPersistent());
        QCOMPARE(otherPersistence.count(), 1);
        QVERIFY(!other.isPersistent());

        const auto removed = await(store.removeSecret(key));
        QVERIFY2(removed, kNoAnswer);
        QVERIFY(removed->ok());
        const auto gone = await(store.readSecret(key));
        QVERIFY2(gone, kNoAnswer);
        QCOMPARE(gone->error(), CredentialResult::Error::NotFound);

        // Session-only is for the rest of the store's life: no flapping back and forth.
        QCOMPARE(persistence.count(), 1);
    }
};

// Not QTEST_GUILESS_MAIN: the same binary is also the session-only child.
int main(int argc, char *argv[])
{
    const bool isChild = argc > 1 && qstrcmp(argv[1], kChildFlag) == 0;
    QCoreApplication app(argc, argv);
    QTEST_SET_MAIN_SOURCE_PATH
    if (isChild) {
        TestSessionOnlyChild test;
        return QTest::qExec(&test, 1, argv);
    }
    TestKeychainCredentialStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_keychaincredentialstore.moc"
