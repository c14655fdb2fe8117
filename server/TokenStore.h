// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

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

/// What a token may do (docs/api.md §2): a viewer reads, an admin also writes and reads the audit log.
enum class Role
{
    Viewer,
    Admin
};

/// "viewer" or "admin".
QString toWireString(Role role);
/// The role named `text` ("viewer", "admin"), or nothing for any other text.
std::optional<Role> roleFromWire(QStringView text);

/// A stored token as `token list` shows it: never its hash or salt.
struct TokenInfo
{
    QString name;
    Role role = Role::Viewer;
    QDateTime createdAt;
};

/// Who presented a valid token: the name is the actor in the audit log and job timelines.
struct Identity
{
    QString name;
    Role role = Role::Viewer;

    friend bool operator==(const Identity &a, const Identity &b)
    {
        return a.name == b.name && a.role == b.role;
    }
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
