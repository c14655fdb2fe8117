// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Identity.h"
#include "store/Database.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QStringView>

#include <chrono>
#include <optional>

namespace batchmon {

/// A stored token as `token list` shows it: never its hash or salt.
struct TokenInfo
{
    QString name;
    Role role = Role::Viewer;
    QDateTime createdAt;
};

/**
 * The server's API tokens in the store's `api_tokens` table. A token is shown once, when it is
 * added; the table keeps only a random salt and the SHA-256 of salt and token, so a copy of the
 * database lets nobody call the API. Nothing here logs or returns a token after `add`.
 *
 * `authenticate` runs on every request, so it answers from an in-memory copy of the table. The copy
 * is reloaded after `add` and `revoke` through this object, and otherwise at most `reloadInterval`
 * after it was read, so a token revoked by another process (`batchmon-server token revoke` while the
 * server runs) stops working within that interval. Use from the thread that opened the Database.
 */
class TokenStore
{
public:
    /// How long a token revoked elsewhere may go on working.
    static constexpr std::chrono::milliseconds kDefaultReloadInterval{5000};
    /// Names are 1 to this many characters of A–Z, a–z, 0–9, '.', '_' and '-'.
    static constexpr int kMaxNameLength = 64;

    explicit TokenStore(Database &db, std::chrono::milliseconds reloadInterval = kDefaultReloadInterval);

    /// Why `name` cannot name a token, or nothing when it can. `anonymous` (any case) is reserved
    /// for requests without a valid token.
    static std::optional<QString> nameProblem(const QString &name);

    /**
     * Creates a token named `name` and returns it; this is the only time the token exists in plain
     * text. Errors: an invalid name (Kind::Query, the message of nameProblem), an existing name
     * (Kind::Conflict; revoke it first), the database's.
     */
    StoreResult<QString> add(const QString &name, Role role, const QDateTime &now);

    /// Every token, by name.
    StoreResult<QList<TokenInfo>> list();

    /// Deletes the token; it stops working at once in this process. NotFound for an unknown name.
    StoreResult<Done> revoke(const QString &name);

    /**
     * Who `token` belongs to, or nothing when it is empty, unknown or revoked. The token is hashed
     * with every stored salt and compared in constant time with every stored hash, so the time taken
     * tells nothing about how close a guess came. An error only when the table cannot be read.
     */
    StoreResult<std::optional<Identity>> authenticate(const QString &token);

private:
    struct CachedToken
    {
        QString name;
        std::optional<Role> role; // nothing: an unknown role in the table, which never authenticates
        QByteArray salt;
        QByteArray hash;
    };

    StoreResult<Done> reloadIfStale();

    Database &m_db;
    std::chrono::milliseconds m_reloadInterval;
    QList<CachedToken> m_cache;
    QElapsedTimer m_loadedAt; // invalid: the cache must be (re)loaded before use
};

} // namespace batchmon
