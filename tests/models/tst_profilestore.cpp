// SPDX-License-Identifier: GPL-3.0-or-later
// Server profiles in an ini file and their tokens in a credential store: persisted and reloaded, the
// token never in the file, renames and removals take the token along, validation and CA files.
#include "ProfileStore.h"
#include "credentials/MemoryCredentialStore.h"

#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;

namespace {

/// A keychain that refuses every write and removal (locked, or the user declined).
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

template<typename T> T await(const QFuture<T> &future)
{
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 10000) || future.resultCount() == 0)
        qFatal("the future did not finish");
    return future.result();
}

ServerProfile profile(const QString &name, const QString &url)
{
    ServerProfile p;
    p.name = name;
    p.serverUrl = QUrl(url);
    return p;
}

const QString kToken = QStringLiteral("bm_s3cr3t-token-value-4711");

} // namespace

class TestProfileStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    MemoryCredentialStore m_keychain;
    int m_files = 0;

    QString newIni() { return m_dir.filePath(QStringLiteral("settings-%1.ini").arg(++m_files)); }

private slots:
    void init() { m_keychain.setPersistent(true); }

    void persistsAndReloads()
    {
        const QString ini = newIni();
        {
            ProfileStore store(ini, &m_keychain);
            QSignalSpy changed(&store, &ProfileStore::profilesChanged);
            QVERIFY(store.profiles().isEmpty());
            QCOMPARE(store.lastUsed(), QString());

            ServerProfile prod = profile(QStringLiteral("  Production "),
                                         QStringLiteral("https://bm.example.com:8443/prefix"));
            prod.caFile = QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem");
            const ProfileResult added = await(store.add(prod, kToken));
            QVERIFY2(added.ok, qPrintable(added.message));
            QVERIFY(added.tokenPersistent);
            QCOMPARE(added.message, QString());
            ServerProfile lab = profile(QStringLiteral("Lab"), QStringLiteral("http://10.0.0.7:8080"));
            lab.allowInsecureHttp = true;
            QVERIFY(await(store.add(lab, QStringLiteral("bm_lab"))).ok);
            QCOMPARE(changed.count(), 2);
            store.setLastUsed(QStringLiteral("Lab"));
            store.setLastUsed(QStringLiteral("No such profile")); // ignored
            QCOMPARE(store.lastUsed(), QStringLiteral("Lab"));
        }

        ProfileStore reloaded(ini, &m_keychain);
        QCOMPARE(reloaded.names(), (QStringList{QStringLiteral("Production"), QStringLiteral("Lab")}));
        const ServerProfile prod = *reloaded.profile(QStringLiteral("Production"));
        QCOMPARE(prod.serverUrl, QUrl(QStringLiteral("https://bm.example.com:8443/prefix")));
        QCOMPARE(prod.caFile, QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"));
        QCOMPARE(prod.allowInsecureHttp, false);
        QCOMPARE(reloaded.profile(QStringLiteral("Lab"))->allowInsecureHttp, true);
        QVERIFY(!reloaded.profile(QStringLiteral("production")).has_value()); // lookups are exact
        QCOMPARE(reloaded.lastUsed(), QStringLiteral("Lab"));
        const CredentialResult token = await(reloaded.readToken(QStringLiteral("Production")));
        QVERIFY(token.ok());
        QCOMPARE(token.secret(), kToken);
    }

    void tokenNeverInTheSettingsFile()
    {
        const QString ini = newIni();
        ProfileStore store(ini, &m_keychain);
        ServerProfile p = profile(QStringLiteral("Production"), QStringLiteral("https://bm.example.com"));
        QVERIFY(await(store.add(p, kToken)).ok);
        p.serverUrl = QUrl(QStringLiteral("https://bm2.example.com"));
        QVERIFY(await(store.update(QStringLiteral("Production"), p, kToken + QStringLiteral("-new"))).ok);
        store.setLastUsed(QStringLiteral("Production"));

        QFile file(ini);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY2(bytes.contains("bm2.example.com"), bytes.constData()); // the file is the one written
        QVERIFY(!bytes.contains("s3cr3t"));
        QVERIFY(!bytes.contains(kToken.toUtf8().toBase64()));
        QVERIFY(!bytes.toLower().contains("token"));
        QCOMPARE(await(store.readToken(QStringLiteral("Production"))).secret(),
                 kToken + QStringLiteral("-new"));
    }

    void renameMovesTheToken()
    {
        ProfileStore store(newIni(), &m_keychain);
        QVERIFY(await(store.add(profile(QStringLiteral("Staging"), QStringLiteral("https://s.example.com")),
                                kToken))
                    .ok);
        QVERIFY(await(store.add(profile(QStringLiteral("Other"), QStringLiteral("https://o.example.com")),
                                QStringLiteral("bm_o")))
                    .ok);
        store.setLastUsed(QStringLiteral("Staging"));
        QSignalSpy lastUsed(&store, &ProfileStore::lastUsedChanged);

        // Renaming onto another profile's name is refused and changes nothing.
        ProfileResult r = await(
            store.update(QStringLiteral("Staging"),
                         profile(QStringLiteral("OTHER"), QStringLiteral("https://s.example.com")), kToken));
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains(QStringLiteral("already a profile named \"Other\"")),
                 qPrintable(r.message));
        QCOMPARE(await(store.readToken(QStringLiteral("Other"))).secret(), QStringLiteral("bm_o"));

        r = await(store.update(
            QStringLiteral("Staging"),
            profile(QStringLiteral("Pre-production"), QStringLiteral("https://s.example.com")), kToken));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(store.names(), (QStringList{QStringLiteral("Pre-production"), QStringLiteral("Other")}));
        QCOMPARE(await(store.readToken(QStringLiteral("Pre-production"))).secret(), kToken);
        QCOMPARE(await(store.readToken(QStringLiteral("Staging"))).error(),
                 CredentialResult::Error::NotFound);
        QCOMPARE(store.lastUsed(), QStringLiteral("Pre-production"));
        QCOMPARE(lastUsed.count(), 1);

        // A change of case only is the same profile and the same key.
        r = await(store.update(
            QStringLiteral("Pre-production"),
            profile(QStringLiteral("PRE-PRODUCTION"), QStringLiteral("https://s.example.com")), kToken));
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(await(store.readToken(QStringLiteral("PRE-PRODUCTION"))).secret(), kToken);

        QVERIFY(!await(store.update(QStringLiteral("Gone"),
                                    profile(QStringLiteral("Gone"), QStringLiteral("https://g.example.com")),
                                    kToken))
                     .ok);
    }

    void removeDeletesTheSecret()
    {
        ProfileStore store(newIni(), &m_keychain);
        QVERIFY(
            await(store.add(profile(QStringLiteral("Temp"), QStringLiteral("https://t.example.com")), kToken))
                .ok);
        store.setLastUsed(QStringLiteral("Temp"));
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        QSignalSpy lastUsed(&store, &ProfileStore::lastUsedChanged);
        const ProfileResult r = await(store.remove(QStringLiteral("Temp")));
        QVERIFY2(r.ok, qPrintable(r.message));
        QVERIFY(store.profiles().isEmpty());
        QCOMPARE(store.lastUsed(), QString());
        QCOMPARE(changed.count(), 1);
        QCOMPARE(lastUsed.count(), 1);
        QCOMPARE(await(m_keychain.readSecret(ProfileStore::credentialKey(QStringLiteral("Temp")))).error(),
                 CredentialResult::Error::NotFound);
        QVERIFY(!await(store.remove(QStringLiteral("Temp"))).ok);
    }

    void validation_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allowHttp");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QString>("message");
        const QString t = kToken;
        QTest::newRow("empty name") << QStringLiteral("  ") << QStringLiteral("https://a.example.com")
                                    << false << t << QStringLiteral("Enter a name for the profile");
        QTest::newRow("duplicate ignoring case")
            << QStringLiteral("production") << QStringLiteral("https://a.example.com") << false << t
            << QStringLiteral("There is already a profile named \"Production\"");
        QTest::newRow("empty url") << QStringLiteral("A") << QString() << false << t
                                   << QStringLiteral("Enter the server's address");
        QTest::newRow("no scheme") << QStringLiteral("A") << QStringLiteral("batchmon.example.com:8443")
                                   << false << t << QStringLiteral("must start with https://");
        QTest::newRow("ftp") << QStringLiteral("A") << QStringLiteral("ftp://a.example.com") << false << t
                             << QStringLiteral("must start with https://");
        QTest::newRow("no host") << QStringLiteral("A") << QStringLiteral("https:///api") << false << t
                                 << QStringLiteral("has no host name");
        QTest::newRow("user info") << QStringLiteral("A") << QStringLiteral("https://u:p@a.example.com")
                                   << false << t << QStringLiteral("Leave the user name and password out");
        QTest::newRow("query") << QStringLiteral("A") << QStringLiteral("https://a.example.com/?x=1") << false
                               << t << QStringLiteral("must not contain");
        QTest::newRow("plain http elsewhere")
            << QStringLiteral("A") << QStringLiteral("http://a.example.com") << false << t
            << QStringLiteral("would send the API token unencrypted");
        QTest::newRow("empty token") << QStringLiteral("A") << QStringLiteral("https://a.example.com")
                                     << false << QStringLiteral(" ") << QStringLiteral("Enter the API token");
        QTest::newRow("plain http allowed")
            << QStringLiteral("A") << QStringLiteral("http://a.example.com") << true << t << QString();
        QTest::newRow("plain http loopback")
            << QStringLiteral("A") << QStringLiteral("http://127.0.0.1:8080") << false << t << QString();
        QTest::newRow("plain http localhost")
            << QStringLiteral("A") << QStringLiteral("http://localhost:8080") << false << t << QString();
    }

    void validation()
    {
        QFETCH(QString, name);
        QFETCH(QString, url);
        QFETCH(bool, allowHttp);
        QFETCH(QString, token);
        QFETCH(QString, message);
        const QString ini = newIni();
        ProfileStore store(ini, &m_keychain);
        QVERIFY(
            await(store.add(profile(QStringLiteral("Production"), QStringLiteral("https://p.example.com")),
                            kToken))
                .ok);
        ServerProfile p = profile(name, url);
        p.allowInsecureHttp = allowHttp;
        QSignalSpy changed(&store, &ProfileStore::profilesChanged);
        const ProfileResult r = await(store.add(p, token));
        if (message.isEmpty()) {
            QVERIFY2(r.ok, qPrintable(r.message));
            QCOMPARE(store.profiles().size(), 2);
            return;
        }
        QVERIFY(!r.ok);
        QVERIFY2(r.message.startsWith(message) || r.message.contains(message), qPrintable(r.message));
        QCOMPARE(store.profiles().size(), 1);
        QCOMPARE(changed.count(), 0);
        if (!token.trimmed().isEmpty())
            QCOMPARE(store.validate(p), r.message);
    }

    void serverRoot_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("root");
        const QString root = QStringLiteral("https://b.example.com:8443");
        QTest::newRow("root") << root << root;
        QTest::newRow("slash") << root + QStringLiteral("/") << root;
        QTest::newRow("api") << root + QStringLiteral("/api") << root;
        QTest::newRow("api/") << root + QStringLiteral("/api/") << root;
        QTest::newRow("base path") << root + QStringLiteral("/api/admin/batch-monitoring/") << root;
        QTest::newRow("proxy prefix kept")
            << root + QStringLiteral("/batchmon/api") << root + QStringLiteral("/batchmon");
        QTest::newRow("other path kept")
            << root + QStringLiteral("/apiary") << root + QStringLiteral("/apiary");
    }

    void serverRoot()
    {
        QFETCH(QString, url);
        QFETCH(QString, root);
        QCOMPARE(ProfileStore::serverRoot(QUrl(url)).toString(), root);
    }

    void sessionOnlyTokens()
    {
        MemoryCredentialStore memory;
        ProfileStore store(newIni(), &memory);
        const ProfileResult r =
            await(store.add(profile(QStringLiteral("P"), QStringLiteral("https://p.example.com")), kToken));
        QVERIFY(r.ok);
        QVERIFY(!r.tokenPersistent);
        QCOMPARE(r.message, memory.persistenceNote());
        QVERIFY(!r.message.isEmpty());
    }

    void refusedKeychainSavesNothing()
    {
        RefusingStore refusing;
        ProfileStore store(newIni(), &refusing);
        const ProfileResult r =
            await(store.add(profile(QStringLiteral("P"), QStringLiteral("https://p.example.com")), kToken));
        QVERIFY(!r.ok);
        QVERIFY2(r.message.contains(QStringLiteral("not saved")) &&
                     r.message.contains(QStringLiteral("Unlock")),
                 qPrintable(r.message));
        QVERIFY(store.profiles().isEmpty());
        QVERIFY(r.keychainRefused);

        // The user's way out: the profile saved, its token kept for this session only.
        const ProfileResult session = await(
            store.add(profile(QStringLiteral("P"), QStringLiteral("https://p.example.com")), kToken, true));
        QVERIFY2(session.ok, qPrintable(session.message));
        QVERIFY(!session.tokenPersistent);
        QCOMPARE(store.names(), QStringList{QStringLiteral("P")});
        const CredentialResult token = await(store.readToken(QStringLiteral("P")));
        QVERIFY(token.ok());
        QCOMPARE(token.secret(), kToken);
        QFile ini(store.fileName());
        QVERIFY(ini.open(QIODevice::ReadOnly));
        QVERIFY(!ini.readAll().contains(kToken.toUtf8()));
        QVERIFY(await(store.remove(QStringLiteral("P"))).ok);
        QVERIFY(store.profiles().isEmpty());
        QVERIFY(!await(store.readToken(QStringLiteral("P"))).ok());
    }

    void openAiAccounts()
    {
        const QString ini = newIni();
        const QString key = QStringLiteral("sk-proj-Zx81-secret-key-value");
        {
            ProfileStore store(ini, &m_keychain);
            QVERIFY(await(store.add(profile(QStringLiteral("Prod"), QStringLiteral("https://bm.example.com")),
                                    kToken))
                        .ok);
            ServerProfile acme;
            acme.name = QStringLiteral("Acme");
            acme.kind = ProfileKind::OpenAiAccount;
            acme.serverUrl = ProfileStore::defaultOpenAiUrl();
            acme.caFile = QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"); // not for accounts: dropped
            const ProfileResult added = await(store.add(acme, key));
            QVERIFY2(added.ok, qPrintable(added.message));
        }
        ProfileStore store(ini, &m_keychain);
        const ServerProfile acme = *store.profile(QStringLiteral("Acme"));
        QCOMPARE(acme.kind, ProfileKind::OpenAiAccount);
        QVERIFY(acme.isOpenAi());
        QCOMPARE(acme.serverUrl, QUrl(QStringLiteral("https://api.openai.com/v1"))); // as entered, /v1 kept
        QCOMPARE(acme.caFile, QString());
        QCOMPARE(store.profile(QStringLiteral("Prod"))->kind, ProfileKind::BatchmonServer);
        QCOMPARE(await(store.readToken(QStringLiteral("Acme"))).secret(), key);
        QCOMPARE(await(m_keychain.readSecret(ProfileStore::credentialKey(QStringLiteral("Acme")))).secret(),
                 key);

        // On disk: the key nowhere, the kind only on the account (a server profile is written as before).
        QFile file(ini);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(!bytes.contains(key.toUtf8()));
        QVERIFY(!bytes.contains("sk-"));
        QSettings settings(ini, QSettings::IniFormat);
        settings.beginGroup(QStringLiteral("servers"));
        QCOMPARE(settings.beginReadArray(QStringLiteral("profiles")), 2);
        settings.setArrayIndex(0);
        QVERIFY(!settings.contains(QStringLiteral("kind")));
        settings.setArrayIndex(1);
        QCOMPARE(settings.value(QStringLiteral("kind")).toString(), QStringLiteral("openai"));
        settings.endArray();
        settings.endGroup();

        // What an account's address and key must be, said in the account's words.
        const auto refusal = [&store](const QString &url, bool allowHttp, const QString &secret) {
            ServerProfile p;
            p.name = QStringLiteral("Other");
            p.kind = ProfileKind::OpenAiAccount;
            p.serverUrl = QUrl(url);
            p.allowInsecureHttp = allowHttp;
            return await(store.add(p, secret)).message;
        };
        QVERIFY(refusal(QString(), false, key).startsWith(QStringLiteral("Enter the API base URL")));
        QVERIFY(refusal(QStringLiteral("api.openai.com/v1"), false, key)
                    .contains(QStringLiteral("must start with")));
        QVERIFY(refusal(QStringLiteral("https://api.example.com/v1?x=1"), false, key)
                    .contains(QStringLiteral("must not contain")));
        QVERIFY(refusal(QStringLiteral("http://llm.example.com/v1"), false, key)
                    .contains(QStringLiteral("would send the API key unencrypted")));
        QVERIFY(refusal(QStringLiteral("https://api.openai.com/v1"), false, QStringLiteral(" "))
                    .startsWith(QStringLiteral("Enter the OpenAI API key")));
        QCOMPARE(store.profiles().size(), 2);
        QCOMPARE(refusal(QStringLiteral("http://127.0.0.1:8080/v1"), false, key), QString()); // loopback
        QCOMPARE(store.profiles().size(), 3);

        // Each account has a store of its own, the same whatever the name's case.
        const QString path = ProfileStore::openAiStorePath(QStringLiteral("Acme"));
        QVERIFY2(path.contains(QStringLiteral("/openai/")) && path.endsWith(QStringLiteral(".sqlite")),
                 qPrintable(path));
        QCOMPARE(ProfileStore::openAiStorePath(QStringLiteral("ACME")), path);
        QVERIFY(ProfileStore::openAiStorePath(QStringLiteral("Acme EU")) != path);
    }

    void caFiles()
    {
        const QString pem = QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem");
        const auto fromPem = ProfileStore::loadCaCertificates(pem);
        QVERIFY2(fromPem.ok(), qPrintable(fromPem.ok() ? QString() : fromPem.error()));
        QCOMPARE(fromPem.value().size(), 1);

        const QString der = m_dir.filePath(QStringLiteral("ca.der"));
        QFile derFile(der);
        QVERIFY(derFile.open(QIODevice::WriteOnly));
        derFile.write(fromPem.value().first().toDer());
        derFile.close();
        const auto fromDer = ProfileStore::loadCaCertificates(der);
        QVERIFY(fromDer.ok());
        QCOMPARE(fromDer.value(), fromPem.value());

        const auto missing = ProfileStore::loadCaCertificates(m_dir.filePath(QStringLiteral("nope.pem")));
        QVERIFY(missing.error().contains(QStringLiteral("does not exist")));
        QVERIFY(missing.error().contains(QStringLiteral("nope.pem")));
        QVERIFY(
            ProfileStore::loadCaCertificates(m_dir.path()).error().contains(QStringLiteral("is a folder")));
        QVERIFY(ProfileStore::loadCaCertificates(QStringLiteral(BATCHMON_FIXTURES "/test-server.key"))
                    .error()
                    .contains(QStringLiteral("holds a private key, not a certificate")));
        const QString junk = m_dir.filePath(QStringLiteral("junk.crt"));
        QFile junkFile(junk);
        QVERIFY(junkFile.open(QIODevice::WriteOnly));
        junkFile.write("not a certificate\n");
        junkFile.close();
        QVERIFY(ProfileStore::loadCaCertificates(junk).error().contains(
            QStringLiteral("is not a certificate file")));

        ServerProfile p = profile(QStringLiteral("P"), QStringLiteral("https://p.example.com:8443"));
        p.caFile = m_dir.filePath(QStringLiteral("nope.pem"));
        QVERIFY(ProfileStore::clientOptions(p, kToken).error().contains(QStringLiteral("does not exist")));
        p.caFile = der;
        p.allowInsecureHttp = true;
        const auto options =
            ProfileStore::clientOptions(p, QStringLiteral(" ") + kToken + QStringLiteral("\n"));
        QVERIFY(options.ok());
        QCOMPARE(options.value().serverUrl, p.serverUrl);
        QCOMPARE(options.value().token, kToken);
        QCOMPARE(options.value().allowInsecureHttp, true);
        QCOMPARE(options.value().extraCaCertificates, fromPem.value());
        p.caFile.clear();
        QVERIFY(ProfileStore::clientOptions(p, kToken).value().extraCaCertificates.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProfileStore)
#include "tst_profilestore.moc"
