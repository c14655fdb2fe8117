// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/Result.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <initializer_list>
#include <memory>
#include <utility>

namespace batchmon {

/// A failed database operation: what was being done and the driver's words.
struct StoreError
{
    enum class Kind
    {
        Open,
        Migration,
        Query,
        NotFound,
        InvalidTransition,
        Conflict
    };
    Kind kind = Kind::Query;
    QString message;
};

template<typename T> using StoreResult = Result<T, StoreError>;

/// Nothing to return, but it may fail.
struct Done
{};

/**
 * One connection to the job store: SQLite (WAL) or PostgreSQL, chosen by URL — `sqlite:PATH`,
 * `sqlite::memory:` or `postgresql://user:password@host:port/dbname`. The same SQL serves both; where
 * they differ (auto-increment keys) the dialect says so. A Database is used from the thread that
 * opened it only (a Qt SQL rule).
 */
class Database
{
public:
    enum class Dialect
    {
        Sqlite,
        Postgres
    };

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    /// Opens and migrates. The error message names the URL (without its password) and the cause.
    static StoreResult<std::unique_ptr<Database>> open(const QString &url);

    Dialect dialect() const { return m_dialect; }
    QSqlDatabase &connection() { return m_db; }

    /// Prepares `sql` with positional `?` placeholders and binds `values` in order. Statements that
    /// return no rows stay prepared for the next call with the same SQL.
    StoreResult<QSqlQuery> exec(const QString &sql, std::initializer_list<QVariant> values = {});
    StoreResult<QSqlQuery> exec(const QString &sql, const QVariantList &values);

    /// Transactions nest: only the outermost begin/commit reach the database, and a rollback at any
    /// depth makes the outermost commit roll back, so a store method can be called alone or as part
    /// of a pipeline tick that writes many jobs in one transaction.
    StoreResult<Done> begin();
    StoreResult<Done> commit();
    void rollback();

    /// The schema version the store is at (migrations applied).
    int schemaVersion() const { return m_schemaVersion; }
    /// The version this program migrates to.
    static int latestSchemaVersion();

private:
    Database() = default;
    StoreResult<Done> migrate();

    QSqlDatabase m_db;
    QString m_connectionName;
    QHash<QString, QSqlQuery> m_prepared;
    Dialect m_dialect = Dialect::Sqlite;
    int m_schemaVersion = 0;
    int m_depth = 0;
    bool m_rollbackOnly = false;
};

/// Runs `work` in a transaction: commits when it returns a value, rolls back on an error.
template<typename F> auto inTransaction(Database &db, F work) -> decltype(work())
{
    if (auto began = db.begin(); !began)
        return began.error();
    auto result = work();
    if (!result) {
        db.rollback();
        return result;
    }
    if (auto committed = db.commit(); !committed)
        return committed.error();
    return result;
}

} // namespace batchmon
