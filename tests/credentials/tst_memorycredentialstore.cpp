// SPDX-License-Identifier: GPL-3.0-or-later
// MemoryCredentialStore is the test double behind every model test and the keychain's session-only
// fallback, so it must keep exactly what it was given and answer at once.
#include "credentials/MemoryCredentialStore.h"

#include <QSignalSpy>
#include <QTest>

using namespace batchmon;

namespace {

// Repeats a non-ASCII pattern (umlauts, CJK, an emoji outside the BMP) up to at least 4 KiB of
// UTF-8 without splitting a surrogate pair.
QString longNonAsciiSecret()
{
    const QString unit = QStringLiteral("Grüße-トークン-🔑-");
    QString secret;
    while (secret.toUtf8().size() < 4096)
        secret += unit;
    return secret;
}

// The store promises finished futures; taking the result straight away is what the keychain store
// does with them in session-only mode.
CredentialResult take(const QFuture<CredentialResult> &future)
{
    return future.result();
}

} // namespace

class TestMemoryCredentialStore : public QObject
{
    Q_OBJECT

private slots:
    void futuresAreFinishedOnReturn()
    {
        MemoryCredentialStore store;
        const QString key = QStringLiteral("profile-1");
        const QList<QFuture<CredentialResult>> futures = {
            store.writeSecret(key, QStringLiteral("t0ken")),
            store.readSecret(key),
            store.removeSecret(key),
            store.readSecret(key),
        };
        for (const QFuture<CredentialResult> &future : futures) {
            QVERIFY(future.isFinished());
            QVERIFY(!future.isCanceled());
            QCOMPARE(future.resultCount(), 1);
        }
    }

    void roundTrip_data()
    {
        QTest::addColumn<QString>("secret");
        QTest::newRow("ascii") << QStringLiteral("sk-live-0123456789abcdef");
        QTest::newRow("non-ascii") << QStringLiteral("pässwörd-トークン-🔑");
        QTest::newRow("4 KiB ascii") << QString(4096, QLatin1Char('x'));
        QTest::newRow("4 KiB non-ascii") << longNonAsciiSecret();
    }

    void roundTrip()
    {
        QFETCH(QString, secret);
        MemoryCredentialStore store;
        const QString key = QStringLiteral("profile-1");

        const CredentialResult written = take(store.writeSecret(key, secret));
        QVERIFY2(written.ok(), qPrintable(written.message()));
        QCOMPARE(written.error(), CredentialResult::Error::None);
        QVERIFY(written.secret().isEmpty());

        const CredentialResult read = take(store.readSecret(key));
        QVERIFY2(read.ok(), qPrintable(read.message()));
        QCOMPARE(read.secret().size(), secret.size());
        QVERIFY(read.secret() == secret); // not QCOMPARE: a failure would print the secret
    }

    void overwriteReplaces()
    {
        MemoryCredentialStore store;
        const QString key = QStringLiteral("profile-1");
        QVERIFY(take(store.writeSecret(key, QStringLiteral("first"))).ok());
        QVERIFY(take(store.writeSecret(key, QStringLiteral("second"))).ok());

        const CredentialResult read = take(store.readSecret(key));
        QVERIFY(read.ok());
        QCOMPARE(read.secret(), QStringLiteral("second"));
    }

    void keysAreIndependent()
    {
        MemoryCredentialStore store;
        QVERIFY(take(store.writeSecret(QStringLiteral("a"), QStringLiteral("secret-a"))).ok());
        QVERIFY(take(store.writeSecret(QStringLiteral("b"), QStringLiteral("secret-b"))).ok());
        QVERIFY(take(store.removeSecret(QStringLiteral("a"))).ok());

        QCOMPARE(take(store.readSecret(QStringLiteral("a"))).error(), CredentialResult::Error::NotFound);
        QCOMPARE(take(store.readSecret(QStringLiteral("b"))).secret(), QStringLiteral("secret-b"));
    }

    void removeThenReadIsNotFound()
    {
        MemoryCredentialStore store;
        const QString key = QStringLiteral("profile-1");
        QVERIFY(take(store.writeSecret(key, QStringLiteral("t0ken"))).ok());

        const CredentialResult removed = take(store.removeSecret(key));
        QVERIFY2(removed.ok(), qPrintable(removed.message()));

        const CredentialResult read = take(store.readSecret(key));
        QVERIFY(!read.ok());
        QCOMPARE(read.error(), CredentialResult::Error::NotFound);
        QVERIFY(read.secret().isEmpty());
    }

    void readMissingIsNotFoundWithAMessage()
    {
        MemoryCredentialStore store;
        const CredentialResult read = take(store.readSecret(QStringLiteral("never-written")));
        QVERIFY(!read.ok());
        QCOMPARE(read.error(), CredentialResult::Error::NotFound);
        QVERIFY(read.secret().isEmpty());
        // The UI shows it as is: it must tell the user what to do.
        QVERIFY(read.message().contains(QStringLiteral("Enter the token")));
    }

    void removeMissingSucceeds()
    {
        MemoryCredentialStore store;
        const CredentialResult removed = take(store.removeSecret(QStringLiteral("never-written")));
        QVERIFY2(removed.ok(), qPrintable(removed.message()));
    }

    void notPersistentByDefault()
    {
        MemoryCredentialStore store;
        QVERIFY(!store.isPersistent());
        QVERIFY(!store.property("persistent").toBool());
        QVERIFY(!store.persistenceNote().isEmpty());

        // A success that will not survive a restart carries the note, so the caller can show it.
        const QString secret = QStringLiteral("sk-never-in-a-message");
        const CredentialResult written = take(store.writeSecret(QStringLiteral("k"), secret));
        QVERIFY(written.ok());
        QVERIFY(!written.isPersistent());
        QCOMPARE(written.message(), store.persistenceNote());
        QVERIFY(!written.message().contains(secret));
    }

    void persistenceCanBeSimulated()
    {
        MemoryCredentialStore store;
        QSignalSpy changed(&store, &CredentialStore::persistenceChanged);

        store.setPersistent(true);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed.at(0).at(0).toBool(), true);
        QVERIFY(store.isPersistent());
        QVERIFY(store.persistenceNote().isEmpty());

        const CredentialResult written = take(store.writeSecret(QStringLiteral("k"), QStringLiteral("s")));
        QVERIFY(written.isPersistent());
        QVERIFY(written.message().isEmpty());

        store.setPersistent(true); // unchanged: no signal
        QCOMPARE(changed.count(), 1);

        store.setPersistenceNote(QStringLiteral("Kept until you quit."));
        store.setPersistent(false);
        QCOMPARE(changed.count(), 2);
        QCOMPARE(changed.at(1).at(0).toBool(), false);
        QCOMPARE(store.persistenceNote(), QStringLiteral("Kept until you quit."));
    }

    void defaultResultIsNotASuccess()
    {
        const CredentialResult result;
        QVERIFY(!result.ok());
        QCOMPARE(result.error(), CredentialResult::Error::Other);
    }
};

QTEST_GUILESS_MAIN(TestMemoryCredentialStore)
#include "tst_memorycredentialstore.moc"
