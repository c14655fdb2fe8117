// SPDX-License-Identifier: GPL-3.0-or-later
// Opening stores: migrations apply once, a newer schema is refused, bad URLs and unreachable
// servers give messages that say what to do and never show a password.
#include "store/Database.h"
#include "store/JobStore.h"

#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;

class TestDatabase : public QObject
{
    Q_OBJECT

private slots:
    void migratesOnceAndReopens()
    {
        QTemporaryDir dir;
        const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("a/b/store.db"));
        {
            auto db = Database::open(url);
            QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
            QCOMPARE(db.value()->schemaVersion(), Database::latestSchemaVersion());
            QVERIFY(
                db.value()->exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('k', 'v')")).ok());
        }
        auto again = Database::open(url);
        QVERIFY(again.ok());
        QCOMPARE(again.value()->schemaVersion(), Database::latestSchemaVersion());
        auto rows = again.value()->exec(QStringLiteral("SELECT COUNT(*) FROM schema_version"));
        QVERIFY(rows.ok() && rows.value().next());
        QCOMPARE(rows.value().value(0).toInt(), Database::latestSchemaVersion()); // each version once
        auto kept = again.value()->exec(QStringLiteral("SELECT value FROM settings WHERE key = 'k'"));
        QVERIFY(kept.ok() && kept.value().next());
        QCOMPARE(kept.value().value(0).toString(), QStringLiteral("v"));
        auto mode = again.value()->exec(QStringLiteral("PRAGMA journal_mode"));
        QVERIFY(mode.ok() && mode.value().next());
        QCOMPARE(mode.value().value(0).toString(), QStringLiteral("wal"));
    }

    void errorRollupsAreBackfilled()
    {
        // A store at schema 3 with jobs and error counts gains error_rollups summed from them.
        QTemporaryDir dir;
        const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db"));
        const QDateTime t0(QDate(2026, 11, 29), QTime(9, 47), Qt::UTC);
        {
            auto db = Database::open(url);
            QVERIFY(db.ok());
            JobStore store(*db.value());
            for (int n = 1; n <= 3; ++n) {
                StoredJob s;
                s.job.id = QStringLiteral("batch-job-%1").arg(n);
                s.job.jobType = QStringLiteral("ai_analysis");
                s.job.status = JobStatus::Completed;
                s.job.requestCount = 100;
                s.job.completedCount = 90;
                s.job.failedCount = 10;
                s.job.createdAt = t0.addSecs(n == 3 ? -3600 : -60 * n); // 1 and 2 share an hour
                s.errorCounts = {{QStringLiteral("rate_limit_exceeded"), 4},
                                 {QStringLiteral("token_limit_exceeded"), 6}};
                QVERIFY(store.insert(s, QStringLiteral("pipeline")).ok());
            }
            // Back to schema 3: what versions 4 and later added goes.
            for (const char *sql :
                 {"DROP TABLE error_rollups", "DROP INDEX jobs_all_failed", "DROP INDEX jobs_retry_of",
                  "DROP INDEX alert_events_job", "DROP INDEX alert_events_resolved",
                  "ALTER TABLE alert_events DROP COLUMN notified_through", "DROP TABLE batch_requests",
                  "DROP INDEX jobs_batch", "DROP TABLE imported_batches",
                  "DELETE FROM schema_version WHERE version >= 4"})
                QVERIFY2(db.value()->exec(QString::fromLatin1(sql)).ok(), sql);
        }
        auto db = Database::open(url);
        QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
        QCOMPARE(db.value()->schemaVersion(), Database::latestSchemaVersion());
        JobStore store(*db.value());
        QVERIFY(store.aggregatesConsistent().value());
        auto rows = db.value()->exec(QStringLiteral(
            "SELECT bucket_start, code, count FROM error_rollups ORDER BY bucket_start, code"));
        QVERIFY(rows.ok());
        QStringList got;
        while (rows.value().next())
            got << QStringLiteral("%1 %2 %3")
                       .arg(QDateTime::fromMSecsSinceEpoch(rows.value().value(0).toLongLong(), Qt::UTC)
                                .toString(Qt::ISODate),
                            rows.value().value(1).toString())
                       .arg(rows.value().value(2).toLongLong());
        QCOMPARE(got, (QStringList{QStringLiteral("2026-11-29T08:00:00Z rate_limit_exceeded 4"),
                                   QStringLiteral("2026-11-29T08:00:00Z token_limit_exceeded 6"),
                                   QStringLiteral("2026-11-29T09:00:00Z rate_limit_exceeded 8"),
                                   QStringLiteral("2026-11-29T09:00:00Z token_limit_exceeded 12")}));
    }

    void newerSchemaIsRefused()
    {
        QTemporaryDir dir;
        const QString url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db"));
        {
            auto db = Database::open(url);
            QVERIFY(db.ok());
            QVERIFY(
                db.value()->exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (99)")).ok());
        }
        auto newer = Database::open(url);
        QVERIFY(!newer.ok());
        QCOMPARE(newer.error().kind, StoreError::Kind::Migration);
        QVERIFY(newer.error().message.contains(QStringLiteral("schema version 99")));
        QVERIFY(newer.error().message.contains(QStringLiteral("Use a newer batchmon")));
    }

    void nestedTransactions()
    {
        auto db = Database::open(QStringLiteral("sqlite::memory:"));
        QVERIFY(db.ok());
        Database &d = *db.value();
        // An inner failure rolls the whole outer transaction back.
        QVERIFY(d.begin().ok());
        QVERIFY(d.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('a', '1')")).ok());
        QVERIFY(d.begin().ok());
        d.rollback();
        QVERIFY(!d.commit().ok());
        auto none = d.exec(QStringLiteral("SELECT COUNT(*) FROM settings"));
        QVERIFY(none.ok() && none.value().next());
        QCOMPARE(none.value().value(0).toInt(), 0);
        // Inner commits take effect with the outer one.
        QVERIFY(d.begin().ok());
        QVERIFY(d.begin().ok());
        QVERIFY(d.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('b', '2')")).ok());
        QVERIFY(d.commit().ok());
        QVERIFY(d.commit().ok());
        auto one = d.exec(QStringLiteral("SELECT COUNT(*) FROM settings"));
        QVERIFY(one.ok() && one.value().next());
        QCOMPARE(one.value().value(0).toInt(), 1);
    }

    void badUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("says");
        QTest::newRow("scheme") << "mysql://u:pw@host/db"
                                << "must be sqlite:PATH or postgresql://";
        QTest::newRow("empty sqlite") << "sqlite:"
                                      << "no file named";
        QTest::newRow("pg without db") << "postgresql://u:hunter2@127.0.0.1:5432"
                                       << "expected postgresql://";
        QTest::newRow("pg refused") << "postgresql://u:hunter2@127.0.0.1:1/db"
                                    << "Cannot open the database";
        QTest::newRow("unwritable folder") << "sqlite:/proc/batchmon/x/store.db"
                                           << "Cannot create the folder";
    }
    void badUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, says);
        auto db = Database::open(url);
        QVERIFY(!db.ok());
        QCOMPARE(db.error().kind, StoreError::Kind::Open);
        QVERIFY2(db.error().message.contains(says), qPrintable(db.error().message));
        QVERIFY2(!db.error().message.contains(QStringLiteral("hunter2")), qPrintable(db.error().message));
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"
