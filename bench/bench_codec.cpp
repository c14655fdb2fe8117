// SPDX-License-Identifier: GPL-3.0-or-later
// How long the client spends turning a response into values, and back (the server's side).
// Run: build/bench/batchmon-bench --benchmark_filter=Codec
#include "json/Codec.h"

#include <QJsonDocument>

#include <benchmark/benchmark.h>

using namespace batchmon;

namespace {

MonitoringSnapshot makePage(int jobs)
{
    MonitoringSnapshot s;
    s.summary.totalJobs = jobs;
    s.pagination = Pagination{1, jobs, jobs, 1};
    const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1704103200, Qt::UTC);
    for (int i = 0; i < jobs; ++i) {
        Job j;
        j.id = QStringLiteral("batch-job-%1").arg(i);
        j.batchId = QStringLiteral("batch_%1").arg(i, 8, 16, QLatin1Char('0'));
        j.status = JobStatus::Completed;
        j.jobType = QStringLiteral("ai_analysis");
        j.requestCount = 100;
        j.completedCount = 98;
        j.failedCount = 2;
        j.createdAt = t0.addSecs(i * 60);
        j.startedAt = t0.addSecs(i * 60 + 300);
        j.completedAt = t0.addSecs(i * 60 + 2100);
        j.processingTimeMs = 1800000;
        j.costEstimate = Money::fromMicros(12500000);
        j.errorSummary = QList<ErrorSummaryEntry>{{QStringLiteral("token_limit_exceeded"), 2, 2.0}};
        s.jobs.append(j);
    }
    return s;
}

void BM_CodecDecodePage(benchmark::State &state)
{
    const QByteArray body = json::encodeSuccess(json::encode(makePage(int(state.range(0)))));
    for (auto _ : state) {
        auto result = json::decodeResponse<MonitoringSnapshot>(body);
        benchmark::DoNotOptimize(result);
    }
    state.SetBytesProcessed(qint64(state.iterations()) * body.size());
}
BENCHMARK(BM_CodecDecodePage)->Arg(1)->Arg(50)->Arg(100);

void BM_CodecEncodePage(benchmark::State &state)
{
    const MonitoringSnapshot page = makePage(int(state.range(0)));
    for (auto _ : state) {
        QByteArray body = json::encodeSuccess(json::encode(page));
        benchmark::DoNotOptimize(body);
    }
}
BENCHMARK(BM_CodecEncodePage)->Arg(1)->Arg(50)->Arg(100);

} // namespace
