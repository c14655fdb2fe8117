// SPDX-License-Identifier: GPL-3.0-or-later
// Opening a test store on each backend, and random job sets that respect the job invariants.
#pragma once

#include "store/Database.h"
#include "store/StoredJob.h"

#include <QList>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

/// The PostgreSQL URL the test runner provides (tools/dev starts a server on loopback).
inline QString postgresTestUrl()
{
    return qEnvironmentVariable("BATCHMON_TEST_POSTGRES");
}

/// Drops every table of the store (and its schema version), for a fresh store on a shared PostgreSQL.
inline void dropStoreTables(batchmon::Database &db)
{
    for (const char *table : {"jobs", "job_errors", "job_timeline", "rollups", "error_rollups",
                              "status_counts", "counters", "settings", "alert_events", "audit_log",
                              "api_tokens", "batch_requests", "imported_batches", "schema_version"})
        db.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(QLatin1String(table)));
}

/// A store on `backend` ("sqlite" or "postgres"), empty. A PostgreSQL store drops every table first.
inline std::unique_ptr<batchmon::Database> openTestStore(const QString &backend, QTemporaryDir &dir)
{
    using namespace batchmon;
    QString url;
    if (backend == QLatin1String("postgres")) {
        url = postgresTestUrl();
        if (url.isEmpty())
            qFatal("BATCHMON_TEST_POSTGRES is not set: run the tests with tools/dev test, which starts "
                   "PostgreSQL, "
                   "or set it to postgresql://user:password@127.0.0.1:5432/dbname");
        auto wipe = Database::open(url);
        if (!wipe)
            qFatal("%s", qPrintable(wipe.error().message));
        dropStoreTables(*wipe.value());
    } else {
        url = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db"));
    }
    auto db = Database::open(url);
    if (!db)
        qFatal("%s", qPrintable(db.error().message));
    return std::move(db).value();
}

/// The backend as a data row: BATCHMON_TEST_BACKEND=postgres (a ctest entry of its own) or SQLite.
inline void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    if (qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres"))
        QTest::newRow("postgres") << QStringLiteral("postgres");
    else
        QTest::newRow("sqlite") << QStringLiteral("sqlite");
}

/// A random job created in [from, to), in a consistent state for its status.
inline batchmon::StoredJob randomJob(QRandomGenerator &rng, const QString &id, qint64 fromMs, qint64 toMs)
{
    using namespace batchmon;
    static const QStringList types{QStringLiteral("ai_analysis"), QStringLiteral("summarization"),
                                   QStringLiteral("classification")};
    static const QStringList codes{QStringLiteral("token_limit_exceeded"),
                                   QStringLiteral("rate_limit_exceeded"), QStringLiteral("request_timeout")};
    const QList<JobStatus> statuses = allJobStatuses();
    StoredJob s;
    Job &j = s.job;
    j.id = id;
    j.jobType = types.at(int(rng.bounded(types.size())));
    j.model = QStringLiteral("gpt-4o-mini");
    j.status = statuses.at(int(rng.bounded(statuses.size())));
    j.priority = JobPriority(rng.bounded(4));
    j.requestCount = 1 + rng.bounded(500);
    j.createdAt =
        QDateTime::fromMSecsSinceEpoch(fromMs + qint64(rng.bounded(quint64(toMs - fromMs))), Qt::UTC);
    s.estimatedInputTokens = j.requestCount * 300;
    const bool submitted = j.status != JobStatus::Pending && j.status != JobStatus::Paused;
    if (submitted) {
        j.batchId = QStringLiteral("batch_") + id;
        j.startedAt = j.createdAt.addMSecs(qint64(rng.bounded(600000)));
        s.submittedAt = j.startedAt;
        // Partial progress for a running job, a full account for a finished one (cancelled: partial).
        const bool complete = j.status == JobStatus::Completed || j.status == JobStatus::Failed ||
                              j.status == JobStatus::Expired;
        const qint64 processed = complete ? j.requestCount : qint64(rng.bounded(quint64(j.requestCount + 1)));
        j.failedCount =
            j.status == JobStatus::Failed ? processed : qint64(rng.bounded(quint64(processed / 5 + 1)));
        j.completedCount = processed - j.failedCount;
        qint64 left = j.failedCount;
        for (const QString &code : codes) {
            const qint64 n = code == codes.last() ? left : qint64(rng.bounded(quint64(left + 1)));
            if (n > 0)
                s.errorCounts.insert(code, n);
            left -= n;
        }
        j.inputTokens = processed * 280;
        j.outputTokens = j.completedCount * 120;
        j.costEstimate = Money::fromMicros(processed * 37);
        s.individualCost = Money::fromMicros(j.completedCount * 75);
        if (isFinished(j.status)) {
            j.completedAt = j.startedAt->addMSecs(1 + qint64(rng.bounded(7200000)));
            j.processingTimeMs = j.startedAt->msecsTo(*j.completedAt);
        }
    } else {
        j.priority = JobPriority(rng.bounded(4));
    }
    if (rng.bounded(10) == 0) {
        j.retryOf = QStringLiteral("batch-job-0");
        j.attempt = 2;
    }
    return s;
}
