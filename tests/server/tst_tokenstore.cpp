// SPDX-License-Identifier: GPL-3.0-or-later
// The server's API tokens (docs/api.md §2) in the store, on each backend: shown once, stored hashed.
#include "StoreTestSupport.h"
#include "TokenStore.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSqlRecord>
#include <QTest>
#include <QThread>

using namespace batchmon;
using namespace std::chrono_literals;

namespace {

const QDateTime kT0(QDate(2026, 11, 29), QTime(8, 0), Qt::UTC);

/// The URL openTestStore opened, for a second connection to the same database (another process).
QString urlOf(const QString &backend, const QTemporaryDir &dir)
{
    return backend == QLatin1String("postgres")
               ? postgresTestUrl()
               : QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db"));
}

/// Every stored row of api_tokens, each column as text.
QList<QStringList> tokenRows(Database &db)
{
    QList<QStringList> rows;
    auto q = db.exec(QStringLiteral("SELECT * FROM api_tokens"));
    if (!q)
        qFatal("%s", qPrintable(q.error().message));
    while (q.value().next()) {
        QStringList row;
        for (int i = 0; i < q.value().record().count(); ++i)
            row << q.value().value(i).toString();
        rows << row;
    }
    return rows;
}

/// `token` with the character at `i` replaced by another of the base64url alphabet.
QString withOneCharChanged(QString token, qsizetype i)
{
    token[i] = token.at(i) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
    return token;
}

} // namespace

class TestTokenStore : public QObject
{
    Q_OBJECT

private slots:
    void addListRevokeAuthenticate_data() { addBackendRows(); }
    void addListRevokeAuthenticate()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        QVERIFY(tokens.list().value().isEmpty());

        const QString alice = tokens.add(QStringLiteral("alice"), Role::Admin, kT0).value();
        const QString wall =
            tokens.add(QStringLiteral("wall.board-1_b"), Role::Viewer, kT0.addSecs(5)).value();
        // "bm_" and 32 random bytes in base64url without padding; never the same twice.
        static const QRegularExpression format(QStringLiteral("^bm_[A-Za-z0-9_-]{43}$"));
        QVERIFY2(format.match(alice).hasMatch(), qPrintable(alice));
        QVERIFY2(format.match(wall).hasMatch(), qPrintable(wall));
        QVERIFY(alice != wall);

        const QList<TokenInfo> listed = tokens.list().value();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[0].name, QStringLiteral("alice"));
        QCOMPARE(listed[0].role, Role::Admin);
        QCOMPARE(listed[0].createdAt, kT0);
        QCOMPARE(listed[1].name, QStringLiteral("wall.board-1_b"));
        QCOMPARE(listed[1].role, Role::Viewer);
        QCOMPARE(listed[1].createdAt, kT0.addSecs(5));

        QCOMPARE(tokens.authenticate(alice).value(), (Identity{QStringLiteral("alice"), Role::Admin}));
        QCOMPARE(tokens.authenticate(wall).value(),
                 (Identity{QStringLiteral("wall.board-1_b"), Role::Viewer}));

        QVERIFY(tokens.revoke(QStringLiteral("alice")).ok());
        QCOMPARE(tokens.list().value().size(), 1);
        QCOMPARE(tokens.authenticate(wall).value()->name, QStringLiteral("wall.board-1_b"));
        const auto again = tokens.revoke(QStringLiteral("alice"));
        QVERIFY(!again);
        QCOMPARE(again.error().kind, StoreError::Kind::NotFound);
        QCOMPARE(again.error().message, QStringLiteral("no token named \"alice\""));
    }

    void roleRoundTrip_data() { addBackendRows(); }
    void roleRoundTrip()
    {
        QFETCH(QString, backend);
        QCOMPARE(toWireString(Role::Viewer), QStringLiteral("viewer"));
        QCOMPARE(toWireString(Role::Admin), QStringLiteral("admin"));
        QCOMPARE(roleFromWire(u"viewer"), std::optional<Role>(Role::Viewer));
        QCOMPARE(roleFromWire(u"admin"), std::optional<Role>(Role::Admin));
        QVERIFY(!roleFromWire(u"Admin"));
        QVERIFY(!roleFromWire(u""));

        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        for (Role role : {Role::Viewer, Role::Admin}) {
            const QString name = toWireString(role) + QStringLiteral("-token");
            const QString token = tokens.add(name, role, kT0).value();
            QCOMPARE(tokens.authenticate(token).value()->role, role);
            // Read back by a fresh object, from the table rather than the cache.
            TokenStore fresh(*db);
            QCOMPARE(fresh.authenticate(token).value()->role, role);
        }
        const QList<TokenInfo> listed = tokens.list().value();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[0].role, Role::Admin);  // "admin-token"
        QCOMPARE(listed[1].role, Role::Viewer); // "viewer-token"
        // A role the program does not know (a hand-edited table) never authenticates.
        const QString odd = tokens.add(QStringLiteral("odd"), Role::Admin, kT0).value();
        QVERIFY(db->exec(QStringLiteral("UPDATE api_tokens SET role = 'root' WHERE name = 'odd'")).ok());
        TokenStore fresh(*db);
        QVERIFY(!fresh.authenticate(odd).value());
        QCOMPARE(fresh.list().error().message,
                 QStringLiteral("the token \"odd\" has the unknown role \"root\""));
    }

    void storedRowNeverHoldsTheToken_data() { addBackendRows(); }
    void storedRowNeverHoldsTheToken()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        const QString token = tokens.add(QStringLiteral("alice"), Role::Admin, kT0).value();
        const QString secret = token.mid(3); // without "bm_"
        const QList<QStringList> rows = tokenRows(*db);
        QCOMPARE(rows.size(), 1);
        for (const QString &column : rows[0]) {
            QVERIFY(!column.contains(secret, Qt::CaseInsensitive));
            QVERIFY(!column.contains(secret.left(16), Qt::CaseInsensitive));
            QVERIFY(!column.contains(QString::fromLatin1(token.toUtf8().toHex()), Qt::CaseInsensitive));
        }
        // What is stored: a 16-byte salt and SHA-256(salt bytes + token UTF-8), both in hex, so
        // another tool can check a token the same way.
        auto q = db->exec(QStringLiteral("SELECT salt, hash FROM api_tokens WHERE name = ?"),
                          {QStringLiteral("alice")});
        QVERIFY(q.ok() && q.value().next());
        const QByteArray salt = QByteArray::fromHex(q.value().value(0).toString().toLatin1());
        QCOMPARE(salt.size(), 16);
        QCOMPARE(q.value().value(1).toString(),
                 QString::fromLatin1(
                     QCryptographicHash::hash(QByteArray(salt + token.toUtf8()), QCryptographicHash::Sha256)
                         .toHex()));
        // A second token gets its own salt: equal hashes would not reveal equal tokens anyway.
        tokens.add(QStringLiteral("bob"), Role::Admin, kT0).value();
        const QList<QStringList> both = tokenRows(*db);
        QVERIFY(both[0] != both[1]);
        // list() shows neither salt nor hash: TokenInfo has no field for them, by design.
    }

    void wrongTokensAreRefused_data() { addBackendRows(); }
    void wrongTokensAreRefused()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        // No token at all: nothing to match, and no error.
        QVERIFY(!tokens.authenticate(QStringLiteral("bm_whatever")).value());
        const QString token = tokens.add(QStringLiteral("alice"), Role::Admin, kT0).value();
        tokens.add(QStringLiteral("bob"), Role::Viewer, kT0).value();

        QVERIFY(!tokens.authenticate(QString()).value());
        QVERIFY(!tokens.authenticate(QStringLiteral("")).value());
        QVERIFY(!tokens.authenticate(QStringLiteral("bm_not-a-token")).value());
        QVERIFY(!tokens.authenticate(QStringLiteral("alice")).value()); // the name is not the token
        for (qsizetype i : {qsizetype(0), qsizetype(3), qsizetype(20), token.size() - 1})
            QVERIFY2(!tokens.authenticate(withOneCharChanged(token, i)).value(),
                     qPrintable(QString::number(i)));
        QVERIFY(!tokens.authenticate(token.chopped(1)).value());
        QVERIFY(!tokens.authenticate(token + QLatin1Char('A')).value());
        QVERIFY(!tokens.authenticate(token.mid(3)).value()); // without the prefix
        QVERIFY(!tokens.authenticate(token.toUpper()).value());
        QVERIFY(!tokens.authenticate(QLatin1Char(' ') + token).value());
        QVERIFY(!tokens.authenticate(token + QString(1000, QLatin1Char('x'))).value());
        // ... and the token itself still works.
        QCOMPARE(tokens.authenticate(token).value()->name, QStringLiteral("alice"));
    }

    void names_data() { addBackendRows(); }
    void names()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        const QString longest(TokenStore::kMaxNameLength, QLatin1Char('n'));
        QVERIFY(!TokenStore::nameProblem(longest));
        QVERIFY(tokens.add(longest, Role::Viewer, kT0).ok());
        QVERIFY(tokens.add(QStringLiteral("A.z_0-9"), Role::Viewer, kT0).ok());
        QVERIFY(tokens.add(QStringLiteral("x"), Role::Viewer, kT0).ok());

        const QList<std::pair<QString, QString>> refused{
            {QString(),
             QStringLiteral(
                 "the token name is empty; use 1 to 64 of the characters A-Z, a-z, 0-9, '.', '_' and '-'")},
            {longest + QLatin1Char('n'),
             QStringLiteral("the token name is 65 characters long; at most 64 are allowed")},
            {QStringLiteral("alice smith"),
             QStringLiteral("the token name has U+0020 at position 6; use only the characters A-Z, a-z, 0-9, "
                            "'.', '_' and '-'")},
            {QStringLiteral("alice/admin"),
             QStringLiteral("the token name has '/' at position 6; use only the characters A-Z, a-z, 0-9, "
                            "'.', '_' and '-'")},
            {QStringLiteral("bad\nname"),
             QStringLiteral("the token name has U+000A at position 4; use only the characters A-Z, a-z, 0-9, "
                            "'.', '_' and '-'")},
            {QStringLiteral("j\u00f6rg"),
             QStringLiteral(
                 "the token name has '\u00f6' at position 2; use only the characters A-Z, a-z, 0-9, "
                 "'.', '_' and '-'")},
            {QStringLiteral("anonymous"),
             QStringLiteral("the token name \"anonymous\" is reserved for requests without a valid token")},
            {QStringLiteral("Anonymous"),
             QStringLiteral("the token name \"Anonymous\" is reserved for requests without a valid token")},
        };
        for (const auto &[name, message] : refused) {
            QCOMPARE(TokenStore::nameProblem(name), std::optional<QString>(message));
            const auto added = tokens.add(name, Role::Admin, kT0);
            QVERIFY(!added);
            QCOMPARE(added.error().message, message);
        }
        QCOMPARE(tokens.list().value().size(), 3); // nothing refused was stored
    }

    void duplicateIsAConflict_data() { addBackendRows(); }
    void duplicateIsAConflict()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        const QString first = tokens.add(QStringLiteral("alice"), Role::Viewer, kT0).value();
        const auto second = tokens.add(QStringLiteral("alice"), Role::Admin, kT0.addSecs(1));
        QVERIFY(!second);
        QCOMPARE(second.error().kind, StoreError::Kind::Conflict);
        QCOMPARE(second.error().message,
                 QStringLiteral("a token named \"alice\" already exists; revoke it first to replace it"));
        // The first token is untouched: same role, same creation time, still valid.
        const QList<TokenInfo> listed = tokens.list().value();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed[0].role, Role::Viewer);
        QCOMPARE(listed[0].createdAt, kT0);
        QCOMPARE(tokens.authenticate(first).value()->role, Role::Viewer);
        // Revoked, the name can be given again, to a new token; the old one stays dead.
        QVERIFY(tokens.revoke(QStringLiteral("alice")).ok());
        const QString replacement = tokens.add(QStringLiteral("alice"), Role::Admin, kT0.addSecs(2)).value();
        QVERIFY(replacement != first);
        QVERIFY(!tokens.authenticate(first).value());
        QCOMPARE(tokens.authenticate(replacement).value()->role, Role::Admin);
    }

    void revokedIsRefusedAtOnceInThisProcess_data() { addBackendRows(); }
    void revokedIsRefusedAtOnceInThisProcess()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        // An interval far longer than the test: only the revoke itself can make the cache forget.
        TokenStore tokens(*db, std::chrono::hours(1));
        const QString token = tokens.add(QStringLiteral("alice"), Role::Admin, kT0).value();
        QVERIFY(tokens.authenticate(token).value()); // cached now
        QVERIFY(tokens.revoke(QStringLiteral("alice")).ok());
        QVERIFY(!tokens.authenticate(token).value());
        // And a token added in this process works at once, whatever the interval.
        const QString added = tokens.add(QStringLiteral("bob"), Role::Viewer, kT0).value();
        QCOMPARE(tokens.authenticate(added).value()->name, QStringLiteral("bob"));
    }

    void otherProcessChangesSeenWithinTheInterval_data() { addBackendRows(); }
    void otherProcessChangesSeenWithinTheInterval()
    {
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        // The server: its own connection and a short reload interval.
        auto serverDb = Database::open(urlOf(backend, dir));
        QVERIFY2(serverDb.ok(), serverDb.ok() ? "" : qPrintable(serverDb.error().message));
        constexpr auto interval = 500ms;
        TokenStore server(*serverDb.value(), interval);
        // The command line (`batchmon-server token add/revoke`), another process.
        TokenStore cli(*db);

        QVERIFY(!server.authenticate(QStringLiteral("bm_nothing-yet")).value()); // the server loads its cache
        const QString token = cli.add(QStringLiteral("alice"), Role::Admin, kT0).value();
        QElapsedTimer sinceAdd;
        sinceAdd.start();
        // Added elsewhere: usable once the server reloads.
        QTRY_VERIFY_WITH_TIMEOUT(server.authenticate(token).value().has_value(), 5000);
        // The bound is loose (a loaded machine may be slow to poll) but far below the default 5 s, so
        // it fails if the configured interval were ignored.
        const qint64 bound = interval.count() + 1500;
        QVERIFY2(sinceAdd.elapsed() <= bound,
                 qPrintable(QStringLiteral("seen after %1 ms").arg(sinceAdd.elapsed())));

        QVERIFY(cli.revoke(QStringLiteral("alice")).ok());
        QElapsedTimer sinceRevoke;
        sinceRevoke.start();
        // Revoked elsewhere: refused within the interval (plus the polling step of QTRY).
        QTRY_VERIFY_WITH_TIMEOUT(!server.authenticate(token).value().has_value(), 5000);
        QVERIFY2(sinceRevoke.elapsed() <= bound,
                 qPrintable(QStringLiteral("refused after %1 ms").arg(sinceRevoke.elapsed())));

        // The same holds at the default interval: 5 s at most.
        QCOMPARE(TokenStore::kDefaultReloadInterval, std::chrono::milliseconds(5000));
    }

    void cacheIsKeptWithinTheInterval_data() { addBackendRows(); }
    void cacheIsKeptWithinTheInterval()
    {
        // Within the interval the server answers from memory: a revoke elsewhere is not yet seen.
        // This is the documented window, tested so that a change to it is deliberate.
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        auto serverDb = Database::open(urlOf(backend, dir));
        QVERIFY(serverDb.ok());
        TokenStore server(*serverDb.value(), std::chrono::hours(1));
        TokenStore cli(*db);
        const QString token = cli.add(QStringLiteral("alice"), Role::Admin, kT0).value();
        QVERIFY(server.authenticate(token).value());
        QVERIFY(cli.revoke(QStringLiteral("alice")).ok());
        QVERIFY(server.authenticate(token).value());
        // Interval 0: every request reads the table.
        TokenStore always(*serverDb.value(), 0ms);
        QVERIFY(!always.authenticate(token).value());
        const QString bob = cli.add(QStringLiteral("bob"), Role::Viewer, kT0).value();
        QVERIFY(always.authenticate(bob).value());
    }

    void manyTokensEachFound_data() { addBackendRows(); }
    void manyTokensEachFound()
    {
        // authenticate walks every row whatever it finds: the first, a middle and the last one match.
        QFETCH(QString, backend);
        QTemporaryDir dir;
        auto db = openTestStore(backend, dir);
        TokenStore tokens(*db);
        QStringList issued;
        for (int i = 0; i < 20; ++i)
            issued << tokens
                          .add(QStringLiteral("t%1").arg(i, 2, 10, QLatin1Char('0')),
                               i % 2 ? Role::Viewer : Role::Admin, kT0)
                          .value();
        for (int i = 0; i < issued.size(); ++i) {
            const auto who = tokens.authenticate(issued[i]).value();
            QVERIFY(who);
            QCOMPARE(who->name, QStringLiteral("t%1").arg(i, 2, 10, QLatin1Char('0')));
            QCOMPARE(who->role, i % 2 ? Role::Viewer : Role::Admin);
        }
    }
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_tokenstore.moc"
