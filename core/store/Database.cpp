// SPDX-License-Identifier: GPL-3.0-or-later
#include "Database.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlRecord>
#include <QStringList>
#include <QUrl>

namespace batchmon {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("batchmon::Database", text);
}

/// The schema, one entry per version. Never edit a released entry: add the next one.
/// `{AUTOID}` is the dialect's auto-increment primary key; `{CLUSTERED}` after a table's definition
/// stores its rows in primary-key order where the dialect can (SQLite's WITHOUT ROWID).
const QList<QStringList> &migrations()
{
    static const QList<QStringList> all{
        // 1: jobs, their errors and timelines, rollups, counters, settings, alerts, audit.
        {
            QStringLiteral("CREATE TABLE jobs ("
                           " id TEXT PRIMARY KEY,"
                           " batch_id TEXT,"
                           " status TEXT NOT NULL,"
                           " job_type TEXT NOT NULL,"
                           " model TEXT,"
                           " priority INTEGER NOT NULL,"
                           " request_count BIGINT NOT NULL,"
                           " completed_count BIGINT NOT NULL,"
                           " failed_count BIGINT NOT NULL,"
                           " created_at BIGINT NOT NULL,"
                           " started_at BIGINT,"
                           " completed_at BIGINT,"
                           " processing_time_ms BIGINT,"
                           " cost_micros BIGINT NOT NULL,"
                           " individual_cost_micros BIGINT NOT NULL,"
                           " retry_of TEXT,"
                           " attempt BIGINT NOT NULL,"
                           " input_tokens BIGINT NOT NULL,"
                           " output_tokens BIGINT NOT NULL,"
                           " estimated_input_tokens BIGINT NOT NULL,"
                           " submitted_at BIGINT,"
                           " cancel_requested_at BIGINT)"),
            // The jobs page's order (created_at, id) in full, so a deep page walks the index instead
            // of sorting a month of jobs (page 50 of 1,000,000 jobs: 28 ms → 0.2 ms).
            QStringLiteral("CREATE INDEX jobs_created ON jobs (created_at, id)"),
            QStringLiteral("CREATE INDEX jobs_status_created ON jobs (status, created_at, id)"),
            QStringLiteral("CREATE INDEX jobs_type_created ON jobs (job_type, created_at, id)"),
            QStringLiteral("CREATE TABLE job_errors (job_id TEXT NOT NULL, code TEXT NOT NULL,"
                           " count BIGINT NOT NULL, PRIMARY KEY (job_id, code))"),
            QStringLiteral(
                "CREATE TABLE job_timeline (id {AUTOID}, job_id TEXT NOT NULL, status TEXT NOT NULL,"
                " at BIGINT NOT NULL, actor TEXT NOT NULL, note TEXT)"),
            QStringLiteral("CREATE INDEX job_timeline_job ON job_timeline (job_id, id)"),
            // Hourly sums of every job created in the hour, per job type, kept in the same
            // transaction as the job writes: a 30-day summary reads 720 rows per job type instead
            // of every job (Rollup.h says what each column sums).
            QStringLiteral("CREATE TABLE rollups ("
                           " bucket_start BIGINT NOT NULL, job_type TEXT NOT NULL,"
                           " jobs BIGINT NOT NULL, requests BIGINT NOT NULL,"
                           " completed_requests BIGINT NOT NULL, failed_requests BIGINT NOT NULL,"
                           " completed_jobs BIGINT NOT NULL, failed_jobs BIGINT NOT NULL,"
                           " pending_jobs BIGINT NOT NULL, batch_cost_micros BIGINT NOT NULL,"
                           " individual_cost_micros BIGINT NOT NULL, processing_sum_ms BIGINT NOT NULL,"
                           " processing_count BIGINT NOT NULL, lifetime_sum_ms BIGINT NOT NULL,"
                           " input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,"
                           " rate_limited_requests BIGINT NOT NULL,"
                           " PRIMARY KEY (bucket_start, job_type))"),
            // Jobs by current status, for the queues without counting a million rows.
            QStringLiteral("CREATE TABLE status_counts (job_type TEXT NOT NULL, status TEXT NOT NULL,"
                           " jobs BIGINT NOT NULL, estimated_input_tokens BIGINT NOT NULL,"
                           " PRIMARY KEY (job_type, status))"),
            QStringLiteral("CREATE TABLE counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)"),
            QStringLiteral("INSERT INTO counters (name, value) VALUES ('job', 0)"),
            QStringLiteral("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
            QStringLiteral(
                "CREATE TABLE alert_events (id {AUTOID}, rule TEXT NOT NULL, severity TEXT NOT NULL,"
                " observed_value DOUBLE PRECISION NOT NULL, threshold DOUBLE PRECISION NOT NULL,"
                " message TEXT NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
                " resolved_at BIGINT, acknowledged_by TEXT, acknowledged_at BIGINT, job_id TEXT)"),
            QStringLiteral("CREATE INDEX alert_events_last_seen ON alert_events (last_seen)"),
            QStringLiteral("CREATE TABLE audit_log (id {AUTOID}, at BIGINT NOT NULL, actor TEXT NOT NULL,"
                           " action TEXT NOT NULL, target TEXT, outcome TEXT NOT NULL,"
                           " client_address TEXT NOT NULL, detail TEXT)"),
            QStringLiteral("CREATE INDEX audit_log_at ON audit_log (at)"),
        },
        // 2: the server's API tokens, stored as salted SHA-256 hashes, never in plain text.
        {
            QStringLiteral("CREATE TABLE api_tokens (name TEXT PRIMARY KEY, role TEXT NOT NULL,"
                           " salt TEXT NOT NULL, hash TEXT NOT NULL, created_at BIGINT NOT NULL)"),
        },
        // 3: a revision per job, so two processes writing one job cannot both apply a change
        // computed from the same old state (the rollups would count it twice).
        {
            QStringLiteral("ALTER TABLE jobs ADD COLUMN revision BIGINT NOT NULL DEFAULT 0"),
        },
        // 4: failed requests by error code, summed per hour of creation and job type like `rollups`
        // and kept with it, for the snapshot's `errors`; filled from the error counts already stored.
        // Keyed by code first: a range's breakdown sums each code's run of hours in key order instead
        // of sorting every row of the range by code (30 days of 100,000 jobs: 2.8 ms → 0.8 ms).
        {
            QStringLiteral("CREATE TABLE error_rollups (bucket_start BIGINT NOT NULL, job_type TEXT NOT NULL,"
                           " code TEXT NOT NULL, count BIGINT NOT NULL,"
                           " PRIMARY KEY (code, bucket_start, job_type)){CLUSTERED}"),
            QStringLiteral(
                "INSERT INTO error_rollups (bucket_start, job_type, code, count)"
                " SELECT j.created_at - ((j.created_at % 3600000) + 3600000) % 3600000,"
                " j.job_type, e.code, SUM(e.count) FROM job_errors e JOIN jobs j ON j.id = e.job_id"
                " WHERE e.count > 0 GROUP BY 1, 2, 3"),
        },
        // 5: alert evaluation after every status check (docs/api.md §12.3), reading only what an index
        // bounds: the jobs of the last day whose every request failed (a partial index: a handful of
        // rows a day, not every job finished), whether a job was retried, a job's alert events and the
        // active ones; and each event's notification bookkeeping (the last cadence point handled).
        {
            QStringLiteral("CREATE INDEX jobs_all_failed ON jobs (completed_at) WHERE completed_count = 0"
                           " AND failed_count = request_count AND request_count > 0"),
            QStringLiteral("CREATE INDEX jobs_retry_of ON jobs (retry_of)"),
            QStringLiteral("CREATE INDEX alert_events_job ON alert_events (job_id, rule)"),
            QStringLiteral("CREATE INDEX alert_events_resolved ON alert_events (resolved_at)"),
            QStringLiteral("ALTER TABLE alert_events ADD COLUMN notified_through BIGINT"),
        },
        // 6: the intake (docs/api.md §18): requests the producers submitted, one row each, waiting for a
        // batch (job_id NULL), batched, then their outcome; and the batches imported from the provider's
        // account (made outside batchmon), by batch id, so a restarted collector imports none twice.
        {
            QStringLiteral("CREATE TABLE batch_requests (custom_id TEXT PRIMARY KEY, job_type TEXT NOT NULL,"
                           " model TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,"
                           " producer TEXT NOT NULL, received_at BIGINT NOT NULL,"
                           " estimated_input_tokens BIGINT NOT NULL, status TEXT NOT NULL, job_id TEXT,"
                           " status_code INTEGER, response TEXT, error_code TEXT, error_message TEXT,"
                           " input_tokens BIGINT, output_tokens BIGINT, finished_at BIGINT)"),
            QStringLiteral("CREATE INDEX batch_requests_waiting ON batch_requests"
                           " (job_type, model, url, received_at, custom_id) WHERE job_id IS NULL"),
            QStringLiteral("CREATE INDEX batch_requests_job ON batch_requests (job_id)"),
            QStringLiteral("CREATE INDEX jobs_batch ON jobs (batch_id)"),
            QStringLiteral("CREATE TABLE imported_batches (batch_id TEXT PRIMARY KEY, job_id TEXT NOT NULL,"
                           " imported_at BIGINT NOT NULL)"),
        },
    };
    return all;
}

QString withoutPassword(const QString &url)
{
    QUrl u(url);
    if (!u.password().isEmpty())
        u.setPassword(QStringLiteral("***"));
    return u.isValid() && !u.scheme().isEmpty() ? u.toString() : url;
}

QAtomicInt g_connectionCounter;

} // namespace

int Database::latestSchemaVersion()
{
    return int(migrations().size());
}

Database::~Database()
{
    if (m_db.isValid()) {
        m_prepared.clear();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

StoreResult<std::unique_ptr<Database>> Database::open(const QString &url)
{
    std::unique_ptr<Database> db(new Database);
    db->m_connectionName = QStringLiteral("batchmon-store-%1").arg(g_connectionCounter.fetchAndAddRelaxed(1));
    const QString shown = withoutPassword(url);

    if (url.startsWith(QLatin1String("sqlite:"))) {
        db->m_dialect = Dialect::Sqlite;
        const QString path = url.mid(7);
        if (path.isEmpty())
            return StoreError{StoreError::Kind::Open, tr("%1: no file named after \"sqlite:\"").arg(url)};
        if (path != QLatin1String(":memory:")) {
            const QFileInfo info(path);
            if (!QDir().mkpath(info.absolutePath()))
                return StoreError{
                    StoreError::Kind::Open,
                    tr("Cannot create the folder %1 for the database").arg(info.absolutePath())};
        }
        db->m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), db->m_connectionName);
        db->m_db.setDatabaseName(path);
        // A busy database (another process writing) waits up to 5 s instead of failing at once.
        db->m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    } else if (url.startsWith(QLatin1String("postgresql://")) ||
               url.startsWith(QLatin1String("postgres://"))) {
        db->m_dialect = Dialect::Postgres;
        const QUrl u(url);
        if (!u.isValid() || u.host().isEmpty() || u.path().size() < 2)
            return StoreError{StoreError::Kind::Open,
                              tr("%1: expected postgresql://user:password@host:port/database").arg(shown)};
        db->m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), db->m_connectionName);
        db->m_db.setHostName(u.host());
        db->m_db.setPort(u.port(5432));
        db->m_db.setDatabaseName(u.path().mid(1));
        db->m_db.setUserName(u.userName());
        db->m_db.setPassword(u.password());
        db->m_db.setConnectOptions(QStringLiteral("connect_timeout=10"));
    } else {
        return StoreError{
            StoreError::Kind::Open,
            tr("%1: the database must be sqlite:PATH or postgresql://user:password@host/db").arg(shown)};
    }
    if (!db->m_db.isValid())
        return StoreError{StoreError::Kind::Open,
                          tr("%1: the Qt SQL driver is missing (install libqt6sql6-sqlite "
                             "or libqt6sql6-psql)")
                              .arg(shown)};
    if (!db->m_db.open())
        return StoreError{StoreError::Kind::Open,
                          tr("Cannot open the database %1: %2").arg(shown, db->m_db.lastError().text())};

    if (db->m_dialect == Dialect::Postgres) {
        // "relation already exists, skipping" on every start is not worth a line in the log.
        if (auto r = db->exec(QStringLiteral("SET client_min_messages TO WARNING")); !r)
            return r.error();
    }
    if (db->m_dialect == Dialect::Sqlite) {
        // WAL lets readers (the dashboard) go on while the pipeline writes; NORMAL still never
        // corrupts the file on a crash, it may only lose the last transactions on power loss.
        for (const char *pragma :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA foreign_keys=ON"}) {
            if (auto r = db->exec(QString::fromLatin1(pragma)); !r)
                return r.error();
        }
    }
    if (auto migrated = db->migrate(); !migrated)
        return migrated.error();
    return db;
}

StoreResult<QSqlQuery> Database::exec(const QString &sql, std::initializer_list<QVariant> values)
{
    return exec(sql, QVariantList(values));
}

StoreResult<QSqlQuery> Database::exec(const QString &sql, const QVariantList &values)
{
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    // PostgreSQL cannot PREPARE a DDL statement, and a statement without values gains nothing from it.
    if (values.isEmpty()) {
        if (!query.exec(sql))
            return StoreError{StoreError::Kind::Query,
                              query.lastError().text() + QStringLiteral(" in: ") + sql};
        return query;
    }
    // Preparing costs as much as running a small statement; the pipeline runs the same few writes
    // tens of thousands of times in a backfill (3 days: 5.3 s → 1.8 s). Only statements that return
    // no rows are kept: one that returns rows stays open until it is reset, and an open statement
    // keeps SQLite from committing. Statements built with a variable number of placeholders could
    // fill the cache, so it starts over past a bound.
    const bool returnsRows = sql.startsWith(QLatin1String("SELECT"), Qt::CaseInsensitive) ||
                             sql.startsWith(QLatin1String("WITH"), Qt::CaseInsensitive) ||
                             sql.contains(QLatin1String("RETURNING"), Qt::CaseInsensitive);
    if (returnsRows) {
        if (!query.prepare(sql))
            return StoreError{StoreError::Kind::Query,
                              query.lastError().text() + QStringLiteral(" in: ") + sql};
        for (int i = 0; i < values.size(); ++i)
            query.bindValue(i, values.at(i));
        if (!query.exec())
            return StoreError{StoreError::Kind::Query,
                              query.lastError().text() + QStringLiteral(" in: ") + sql};
        return query;
    }
    auto cached = m_prepared.find(sql);
    if (cached == m_prepared.end()) {
        if (!query.prepare(sql))
            return StoreError{StoreError::Kind::Query,
                              query.lastError().text() + QStringLiteral(" in: ") + sql};
        if (m_prepared.size() >= 128)
            m_prepared.clear();
        cached = m_prepared.insert(sql, query);
    }
    QSqlQuery &prepared = cached.value();
    for (int i = 0; i < values.size(); ++i)
        prepared.bindValue(i, values.at(i));
    if (!prepared.exec())
        return StoreError{StoreError::Kind::Query,
                          prepared.lastError().text() + QStringLiteral(" in: ") + sql};
    return prepared;
}

StoreResult<Done> Database::begin()
{
    if (m_depth == 0) {
        if (!m_db.transaction())
            return StoreError{StoreError::Kind::Query,
                              tr("Cannot start a transaction: %1").arg(m_db.lastError().text())};
        m_rollbackOnly = false;
    }
    ++m_depth;
    return Done{};
}

StoreResult<Done> Database::commit()
{
    Q_ASSERT(m_depth > 0);
    if (--m_depth > 0)
        return Done{};
    if (m_rollbackOnly) {
        m_db.rollback();
        return StoreError{StoreError::Kind::Query, tr("The transaction was rolled back by an inner failure")};
    }
    if (!m_db.commit()) {
        const QString why = m_db.lastError().text();
        m_db.rollback();
        return StoreError{StoreError::Kind::Query, tr("Cannot commit: %1").arg(why)};
    }
    return Done{};
}

void Database::rollback()
{
    Q_ASSERT(m_depth > 0);
    if (--m_depth > 0) {
        m_rollbackOnly = true;
        return;
    }
    m_db.rollback();
}

StoreResult<Done> Database::migrate()
{
    const QString autoId = m_dialect == Dialect::Sqlite ? QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT")
                                                        : QStringLiteral("BIGSERIAL PRIMARY KEY");
    const QString clustered = m_dialect == Dialect::Sqlite ? QStringLiteral(" WITHOUT ROWID") : QString();
    if (auto r = exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"));
        !r)
        return StoreError{StoreError::Kind::Migration, r.error().message};
    return inTransaction(*this, [&]() -> StoreResult<Done> {
        auto current = exec(QStringLiteral("SELECT MAX(version) FROM schema_version"));
        if (!current)
            return StoreError{StoreError::Kind::Migration, current.error().message};
        int version = current.value().next() ? current.value().value(0).toInt() : 0;
        const int latest = int(migrations().size());
        if (version > latest)
            return StoreError{StoreError::Kind::Migration,
                              tr("The database is at schema version %1, newer than this program knows (%2). "
                                 "Use a newer batchmon.")
                                  .arg(version)
                                  .arg(latest)};
        for (; version < latest; ++version) {
            for (QString sql : migrations().at(version)) {
                sql.replace(QLatin1String("{AUTOID}"), autoId);
                sql.replace(QLatin1String("{CLUSTERED}"), clustered);
                if (auto r = exec(sql); !r)
                    return StoreError{
                        StoreError::Kind::Migration,
                        tr("Migration to version %1 failed: %2").arg(version + 1).arg(r.error().message)};
            }
            if (auto r =
                    exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (?)"), {version + 1});
                !r)
                return StoreError{StoreError::Kind::Migration, r.error().message};
        }
        m_schemaVersion = version;
        return Done{};
    });
}

} // namespace batchmon
