// SPDX-License-Identifier: GPL-3.0-or-later
// The demo workspace's first open: 30 days of simulated history written through the pipeline into a
// new SQLite store. Target ≤ 5 s. Run: build/bench/batchmon-bench --benchmark_filter=Pipeline
#include "pipeline/Pipeline.h"
#include "pipeline/SimulatedProvider.h"
#include "source/LocalSource.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <QTemporaryDir>

#include <benchmark/benchmark.h>

#include <ctime>

using namespace batchmon;

namespace {

void Backfill30d(benchmark::State &state)
{
    const QDateTime now(QDate(2026, 11, 29), QTime(9, 30), Qt::UTC);
    for (auto _ : state) {
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("demo.db")));
        SimulatedProvider provider(1);
        SimulatedWorkload workload(1);
        PipelineSettings demo;
        demo.minSize = 100; // the demo workspace's configuration: seed-sized batches (~150 a day)
        Pipeline pipeline(*db.value(), provider, workload, PipelineSettings::backfill(demo));
        pipeline.startAt(now.addDays(-30));
        for (int day = 29; day >= 0; --day) {
            if (!pipeline.advanceTo(now.addDays(-day))) {
                state.SkipWithError("advanceTo failed");
                return;
            }
        }
    }
}

} // namespace

BENCHMARK(Backfill30d)->Name("Pipeline/Backfill30d")->Unit(benchmark::kMillisecond)->Iterations(1);

namespace {

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

/// The demo workspace once open: its live pipeline on the real clock for 30 s. Target < 5 % of a core.
void DemoLive(benchmark::State &state)
{
    QTemporaryDir dir;
    LocalSourceOptions options;
    options.databasePath = dir.filePath(QStringLiteral("demo.sqlite"));
    LocalSource source(options);
    QEventLoop wait;
    QObject::connect(&source, &LocalSource::opened, &wait, &QEventLoop::quit);
    source.open();
    wait.exec();
    for (auto _ : state) {
        const double cpu = processCpuSeconds();
        QElapsedTimer wall;
        wall.start();
        QTimer::singleShot(30000, &wait, &QEventLoop::quit);
        wait.exec();
        state.counters["cpu_percent"] = (processCpuSeconds() - cpu) / (wall.elapsed() / 1000.0) * 100.0;
    }
}

} // namespace

BENCHMARK(DemoLive)->Name("Pipeline/DemoLive30s")->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();
