// SPDX-License-Identifier: GPL-3.0-or-later
#include "TokenStore.h"

#include "store/SqlValues.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QSqlQuery>

#include <array>

namespace batchmon {

namespace {

// The prefix makes a token found in a log, a shell history or a repository recognisable as ours.
const QString kTokenPrefix = QStringLiteral("bm_");
constexpr int kTokenBytes = 32;
constexpr int kSaltBytes = 16;
// A token is "bm_" and 43 base64url characters. Anything much longer is not one of ours, and hashing
// it once per stored token would let a caller make every request expensive.
constexpr int kMaxTokenLength = 128;

/// `Words` × 4 bytes from the operating system's generator (the one meant for secrets).
template<std::size_t Words> QByteArray randomBytes()
{
    std::array<quint32, Words> words;
    QRandomGenerator::system()->fillRange(words.data(), qsizetype(words.size()));
    return QByteArray(reinterpret_cast<const char *>(words.data()), qsizetype(sizeof(words)));
}

QByteArray hashOf(const QByteArray &salt, const QByteArray &tokenUtf8)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(salt);
    hash.addData(tokenUtf8);
    return hash.result();
}

/// Compares every byte whatever the first difference, so the time taken does not say how many
/// leading bytes of a guess were right. The lengths are public (SHA-256), so they may end it early.
bool equalInConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    // volatile: the compiler must not turn the loop into a memcmp that stops at the first difference.
    volatile unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference = difference | (static_cast<unsigned char>(a.at(i)) ^ static_cast<unsigned char>(b.at(i)));
    return difference == 0;
}

bool isNameCharacter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z') || (u >= u'0' && u <= u'9') || u == u'.' ||
           u == u'_' || u == u'-';
}

} // namespace

TokenStore::TokenStore(Database &db, std::chrono::milliseconds reloadInterval)
    : m_db(db), m_reloadInterval(reloadInterval)
{}

std::optional<QString> TokenStore::nameProblem(const QString &name)
{
    if (name.isEmpty())
        return QStringLiteral("the token name is empty; use 1 to %1 of the characters A-Z, a-z, 0-9, "
                              "'.', '_' and '-'")
            .arg(kMaxNameLength);
    if (name.size() > kMaxNameLength)
        return QStringLiteral("the token name is %1 characters long; at most %2 are allowed")
            .arg(name.size())
            .arg(kMaxNameLength);
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        if (isNameCharacter(c))
            continue;
        // A control character or a lone surrogate would garble the message: show its code instead.
        const QString shown =
            c.isPrint() && !c.isSpace()
                ? QStringLiteral("'%1'").arg(c)
                : QStringLiteral("U+%1").arg(uint(c.unicode()), 4, 16, QLatin1Char('0')).toUpper();
        return QStringLiteral("the token name has %1 at position %2; use only the characters A-Z, a-z, "
                              "0-9, '.', '_' and '-'")
            .arg(shown, QString::number(i + 1));
    }
    if (name.compare(QLatin1String("anonymous"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("the token name \"%1\" is reserved for requests without a valid token")
            .arg(name);
    return std::nullopt;
}

StoreResult<QString> TokenStore::add(const QString &name, Role role, const QDateTime &now)
{
    if (const auto problem = nameProblem(name))
        return StoreError{StoreError::Kind::Query, *problem};
    const QString token = kTokenPrefix + QString::fromLatin1(randomBytes<kTokenBytes / 4>().toBase64(
                                             QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    const QByteArray salt = randomBytes<kSaltBytes / 4>();
    const QByteArray hash = hashOf(salt, token.toUtf8());
    // ON CONFLICT DO NOTHING rather than a look-up first: two processes adding the same name at once
    // still get one token and one Conflict, and no constraint error aborts a PostgreSQL transaction.
    auto q = m_db.exec(QStringLiteral("INSERT INTO api_tokens (name, role, salt, hash, created_at)"
                                      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"),
                       {name, toWireString(role), QString::fromLatin1(salt.toHex()),
                        QString::fromLatin1(hash.toHex()), now.toMSecsSinceEpoch()});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() == 0)
        return StoreError{
            StoreError::Kind::Conflict,
            QStringLiteral("a token named \"%1\" already exists; revoke it first to replace it").arg(name)};
    m_loadedAt.invalidate();
    return token;
}

StoreResult<QList<TokenInfo>> TokenStore::list()
{
    auto q = m_db.exec(QStringLiteral("SELECT name, role, created_at FROM api_tokens ORDER BY name"));
    if (!q)
        return q.error();
    QList<TokenInfo> out;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        const QString name = r.value(0).toString();
        const QString wire = r.value(1).toString();
        const auto role = roleFromWire(wire);
        if (!role)
            return StoreError{StoreError::Kind::Query,
                              QStringLiteral("the token \"%1\" has the unknown role \"%2\"").arg(name, wire)};
        out.append({name, *role, sql::time(r.value(2))});
    }
    return out;
}

StoreResult<Done> TokenStore::revoke(const QString &name)
{
    auto q = m_db.exec(QStringLiteral("DELETE FROM api_tokens WHERE name = ?"), {name});
    if (!q)
        return q.error();
    const bool deleted = q.value().numRowsAffected() > 0;
    m_loadedAt.invalidate();
    if (!deleted)
        return StoreError{StoreError::Kind::NotFound, QStringLiteral("no token named \"%1\"").arg(name)};
    return Done{};
}

StoreResult<Done> TokenStore::reloadIfStale()
{
    if (m_loadedAt.isValid() && m_loadedAt.elapsed() < m_reloadInterval.count())
        return Done{};
    auto q = m_db.exec(QStringLiteral("SELECT name, role, salt, hash FROM api_tokens ORDER BY name"));
    if (!q)
        return q.error(); // the timer stays invalid: the next request tries again
    QList<CachedToken> rows;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        rows.append({r.value(0).toString(), roleFromWire(r.value(1).toString()),
                     QByteArray::fromHex(r.value(2).toString().toLatin1()),
                     QByteArray::fromHex(r.value(3).toString().toLatin1())});
    }
    m_cache = std::move(rows);
    m_loadedAt.start();
    return Done{};
}

StoreResult<std::optional<Identity>> TokenStore::authenticate(const QString &token)
{
    // Neither check depends on a stored token, so answering early tells a caller nothing about one.
    if (token.isEmpty() || token.size() > kMaxTokenLength)
        return std::optional<Identity>();
    if (auto loaded = reloadIfStale(); !loaded)
        return loaded.error();
    const QByteArray presented = token.toUtf8();
    std::optional<Identity> found;
    // Every row, also after a match: the time taken depends on the number of tokens only.
    for (const CachedToken &row : std::as_const(m_cache)) {
        const bool match = equalInConstantTime(hashOf(row.salt, presented), row.hash);
        if (match && row.role && !found)
            found = Identity{row.name, *row.role};
    }
    return found;
}

} // namespace batchmon
