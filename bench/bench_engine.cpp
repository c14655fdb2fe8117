// SPDX-License-Identifier: GPL-3.0-or-later
// The monitoring read at 10,000, 100,000 and 1,000,000 jobs spread over 30 days (SQLite). The
// contract's target: at 1,000,000 jobs the 24 h read ≤ 20 ms, the 30 d read ≤ 50 ms, and neither
// grows with the job count. Stores are built once under the temp folder and reused.
// The alert rules' evaluation after each status check reads the same stores: it must not grow either.
// Run: build/bench/batchmon-bench --benchmark_filter='Engine|Alerts'
#include "store/AlertEvaluator.h"
#include "store/JobStore.h"
#include "store/MonitoringEngine.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QSqlQuery>

#include <benchmark/benchmark.h>

#include <map>
#include <memory>

using namespace batchmon;

namespace {

const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 30), Qt::UTC);

/// Writes `count` finished and running jobs over the 30 days before kNow straight into the table,
/// their failed requests spread over the error codes, then builds the rollups once: a million jobs
/// through JobStore::insert would take minutes.
bool populate(Database &db, int count)
{
    QRandomGenerator rng(count);
    QRandomGenerator errorRng(count + 1); // apart, so the jobs are those of stores without errors
    static const QStringList types{QStringLiteral("ai_analysis"), QStringLiteral("summarization"),
                                   QStringLiteral("classification"), QStringLiteral("translation")};
    static const QStringList codes{QStringLiteral("token_limit_exceeded"),
                                   QStringLiteral("rate_limit_exceeded"), QStringLiteral("request_timeout"),
                                   QStringLiteral("invalid_request"), QStringLiteral("model_not_found")};
    const qint64 span = 30LL * 86400 * 1000;
    const qint64 now = kNow.toMSecsSinceEpoch();
    if (!db.begin())
        return false;
    QSqlQuery insert(db.connection());
    insert.prepare(
        QStringLiteral("INSERT INTO jobs (") +
        JobStore::columns().section(QStringLiteral(", (SELECT"), 0, 0) +
        QStringLiteral(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    QSqlQuery insertError(db.connection());
    insertError.prepare(QStringLiteral("INSERT INTO job_errors (job_id, code, count) VALUES (?, ?, ?)"));
    for (int i = 0; i < count; ++i) {
        const qint64 created = now - span + qint64(rng.bounded(quint64(span)));
        const bool recent = now - created < 2 * 3600 * 1000;
        const char *status = recent ? (rng.bounded(2) ? "in_progress" : "pending")
                                    : (rng.bounded(20) == 0 ? "failed" : "completed");
        const qint64 requests = 50 + rng.bounded(150);
        const bool finished = !recent;
        const qint64 failed = finished ? rng.bounded(quint64(requests / 10 + 1)) : 0;
        const qint64 completed = finished ? requests - failed : 0;
        const QVariant null;
        const QVariantList values{QStringLiteral("batch-job-%1").arg(i + 1),
                                  QStringLiteral("batch_%1").arg(i + 1),
                                  QString::fromLatin1(status),
                                  types.at(int(rng.bounded(types.size()))),
                                  QStringLiteral("gpt-4o-mini"),
                                  1,
                                  requests,
                                  completed,
                                  failed,
                                  created,
                                  created + 60000,
                                  finished ? QVariant(created + 1860000) : null,
                                  finished ? QVariant(1800000) : null,
                                  requests * 40,
                                  completed * 75,
                                  null,
                                  1,
                                  requests * 300,
                                  completed * 120,
                                  requests * 300,
                                  created + 60000,
                                  null,
                                  0};
        for (const QVariant &v : values)
            insert.addBindValue(v);
        if (!insert.exec())
            return false;
        // The failures among two or three codes, as a provider's results look.
        qint64 left = failed;
        const int first = int(errorRng.bounded(codes.size()));
        for (int i = 0; i < codes.size() && left > 0; ++i) {
            const bool last = i == codes.size() - 1 || left <= 2;
            const qint64 n = last ? left : 1 + qint64(errorRng.bounded(quint64(left)));
            insertError.addBindValue(values.at(0));
            insertError.addBindValue(codes.at((first + i) % int(codes.size())));
            insertError.addBindValue(n);
            if (!insertError.exec())
                return false;
            left -= n;
        }
    }
    if (!db.commit())
        return false;
    JobStore store(db);
    return store.rebuildAggregates().ok();
}

std::map<int, std::unique_ptr<Database>> &stores()
{
    static std::map<int, std::unique_ptr<Database>> open;
    return open;
}

Database &storeWith(int count)
{
    // Connections must close while the application object (which owns the SQL plugins) still lives.
    static const bool cleanup = [] {
        qAddPostRoutine([] { stores().clear(); });
        return true;
    }();
    Q_UNUSED(cleanup);
    auto it = stores().find(count);
    if (it != stores().end())
        return *it->second;
    // The schema version in the name: a store built by an older version would lack what the newer
    // one reads (its error rollups were added to empty error counts).
    const QString path = QDir::temp().filePath(
        QStringLiteral("batchmon-bench-s%1-%2.db").arg(Database::latestSchemaVersion()).arg(count));
    const bool fresh = !QFile::exists(path);
    auto db = Database::open(QStringLiteral("sqlite:") + path);
    if (!db)
        qFatal("%s", qPrintable(db.error().message));
    if (fresh && !populate(*db.value(), count)) {
        QFile::remove(path);
        qFatal("could not build the benchmark store %s", qPrintable(path));
    }
    return *stores().emplace(count, std::move(db).value()).first->second;
}

void read(benchmark::State &state, TimeRange range, qint64 page, qint64 limit, bool details)
{
    Database &db = storeWith(int(state.range(0)));
    JobStore store(db);
    MonitoringEngine engine(db, store);
    MonitoringQuery q;
    q.timeRange = range;
    q.page = page;
    q.limit = limit;
    q.includeDetails = details;
    const SnapshotContext ctx{kNow, 20000000, 1000, {}};
    for (auto _ : state) {
        auto snapshot = engine.snapshot(q, ctx);
        if (!snapshot) {
            state.SkipWithError(qPrintable(snapshot.error().message));
            return;
        }
        benchmark::DoNotOptimize(snapshot);
    }
}

void Summary1h(benchmark::State &s)
{
    read(s, TimeRange::LastHour, 1, 50, false);
}
void Summary24h(benchmark::State &s)
{
    read(s, TimeRange::LastDay, 1, 50, false);
}
void Summary7d(benchmark::State &s)
{
    read(s, TimeRange::LastWeek, 1, 50, false);
}
void Summary30d(benchmark::State &s)
{
    read(s, TimeRange::LastMonth, 1, 50, false);
}
/// A deep page of the 30-day list, 100 jobs with their error summaries and timelines.
void JobsPage(benchmark::State &s)
{
    read(s, TimeRange::LastMonth, 50, 100, true);
}

/// The four default rules at kNow: what the server's leader does after every status check.
void EvaluateAlerts(benchmark::State &state)
{
    Database &db = storeWith(int(state.range(0)));
    AlertEvaluator evaluator(db);
    const AlertConfig config = AlertConfig::defaults();
    for (auto _ : state) {
        auto conditions = evaluator.evaluate(config, {kNow, false, true});
        if (!conditions) {
            state.SkipWithError(qPrintable(conditions.error().message));
            return;
        }
        benchmark::DoNotOptimize(conditions);
    }
}

} // namespace

BENCHMARK(EvaluateAlerts)
    ->Name("Alerts/Evaluate")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Summary1h)
    ->Name("Engine/Summary1h")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Summary24h)
    ->Name("Engine/Summary24h")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Summary7d)
    ->Name("Engine/Summary7d")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(Summary30d)
    ->Name("Engine/Summary30d")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(JobsPage)
    ->Name("Engine/JobsPage")
    ->Arg(10000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond);
