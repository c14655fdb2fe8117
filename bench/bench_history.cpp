// SPDX-License-Identifier: GPL-3.0-or-later
// Local history at its largest (issue 7): 30 days of a snapshot a minute, with the 1 h range's
// 5-minute buckets and the 24 h range's hourly ones — what the UI thread pays per refresh (record),
// for the trend charts of a server whose buckets are all empty (merge), and for the Recorded tab
// (samples). The project's target is ≤ 50 ms of UI-thread work per refresh.
//   batchmon-bench --benchmark_filter=History
#include "history/HistoryMerge.h"
#include "history/HistoryStore.h"

#include <QTemporaryDir>

#include <benchmark/benchmark.h>

using namespace batchmon;

namespace {

const QDateTime kEnd(QDate(2026, 11, 29), QTime(12, 0), Qt::UTC);
constexpr int kMinutes = 30 * 24 * 60;

MonitoringSnapshot snapshotAt(const QDateTime &at, TimeRange range, qint64 jobs)
{
    MonitoringSnapshot s;
    s.timeRange = range;
    s.generatedAt = at;
    s.summary.totalJobs = jobs;
    s.summary.successRate = 95.0;
    s.queues = Queues{4, 2, 100, 5, 1};
    Historical h;
    h.bucketSeconds = bucketSeconds(range);
    const qint64 width = h.bucketSeconds * 1000;
    const qint64 end = (at.toMSecsSinceEpoch() / width + 1) * width;
    for (qint64 start = end - durationSeconds(range) * 1000; start < end; start += width) {
        HistoricalBucket b;
        b.start = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
        b.end = QDateTime::fromMSecsSinceEpoch(start + width, Qt::UTC);
        b.jobs = jobs;
        b.requests = jobs * 100;
        b.completedRequests = jobs * 95;
        b.failedRequests = jobs * 5;
        b.batchCost = Money::fromMicros(jobs * 40000);
        b.savings = Money::fromMicros(jobs * 38000);
        h.buckets << b;
    }
    s.historical = h;
    return s;
}

/// The full history file, made once per process.
HistoryStore &fullStore()
{
    static QTemporaryDir dir;
    static std::unique_ptr<HistoryStore> store = [] {
        auto opened = HistoryStore::open(dir.filePath(QStringLiteral("history.sqlite")));
        if (!opened)
            qFatal("%s", qPrintable(opened.error()));
        auto s = std::move(opened).value();
        for (int m = kMinutes; m > 0; --m) {
            const QDateTime at = kEnd.addSecs(-60 * m);
            // Every minute the 1 h view; every 15 minutes the 24 h view too.
            if (!s->record(snapshotAt(at, TimeRange::LastHour, 3), TimeRange::LastHour, at))
                qFatal("record failed");
            if (m % 15 == 0 && !s->record(snapshotAt(at, TimeRange::LastDay, 6), TimeRange::LastDay, at))
                qFatal("record failed");
        }
        return s;
    }();
    return *store;
}

void BM_HistoryRecord(benchmark::State &state)
{
    HistoryStore &store = fullStore();
    store.setMinimumInterval(0); // a row every time, as the first refresh of a minute writes
    QDateTime at = kEnd;
    for (auto _ : state) {
        at = at.addSecs(60);
        if (!store.record(snapshotAt(at, TimeRange::LastDay, 6), TimeRange::LastDay, at))
            qFatal("record failed");
    }
    store.setMinimumInterval(60);
}
BENCHMARK(BM_HistoryRecord)->Unit(benchmark::kMillisecond);

/// A 30-day view whose server has no jobs at all: every daily slot is looked up and summed from the
/// recorded hourly buckets.
void BM_HistoryMergeEmptyServer30d(benchmark::State &state)
{
    HistoryStore &store = fullStore();
    const Historical server = snapshotAt(kEnd, TimeRange::LastMonth, 0).historical.value();
    qint64 filled = 0;
    for (auto _ : state) {
        const auto recorded =
            store.buckets(server.bucketSeconds, server.buckets.first().start, server.buckets.last().end);
        if (!recorded)
            qFatal("%s", qPrintable(recorded.error()));
        const MergedHistorical merged = mergeHistorical(server, recorded.value());
        filled = merged.fromHistory.count(true);
        benchmark::DoNotOptimize(filled);
    }
    state.counters["slotsFilled"] = double(filled);
}
BENCHMARK(BM_HistoryMergeEmptyServer30d)->Unit(benchmark::kMillisecond);

void BM_HistorySamples30d(benchmark::State &state)
{
    HistoryStore &store = fullStore();
    qint64 points = 0;
    for (auto _ : state) {
        const auto samples = store.samples(TimeRange::LastHour, kEnd.addDays(-30), kEnd, 120);
        if (!samples)
            qFatal("%s", qPrintable(samples.error()));
        points = samples.value().size();
    }
    state.counters["points"] = double(points);
    state.counters["rows"] = double(store.snapshotCount());
}
BENCHMARK(BM_HistorySamples30d)->Unit(benchmark::kMillisecond);

} // namespace
