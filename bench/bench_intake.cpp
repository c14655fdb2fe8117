// SPDX-License-Identifier: GPL-3.0-or-later
// The intake and the OpenAI provider's reading (issue 9): storing a producer's POST of 1,000 requests,
// the pipeline's round of one 1,000-request batch (grouped, handed to the provider, every outcome
// recorded), and reading a 100,000-line result file. No targets in the issue; the figures say what an
// admin may expect. Run: build/bench/batchmon-bench --benchmark_filter=Intake
#include "openai/OpenAiJson.h"
#include "pipeline/Pipeline.h"

#include <QBuffer>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

using namespace batchmon;

namespace {

const QDateTime kStart(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);

QList<IntakeRequest> requests(int n, int round)
{
    QList<IntakeRequest> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i)
        out.append({QStringLiteral("r%1-%2").arg(round).arg(i), QStringLiteral("summarization"),
                    QStringLiteral("gpt-4o-mini"), QStringLiteral("/v1/chat/completions"),
                    QByteArray(R"({"messages":[{"content":"Summarise report )") + QByteArray::number(i) +
                        R"( of the quarter in three sentences.","role":"user"}],"model":"gpt-4o-mini"})"});
    return out;
}

/// Answers at once: every batch completes with a successful line per request.
class InstantProvider : public Provider
{
public:
    QHash<QString, BatchSubmission> batches;

    bool sendsRequests() const override { return true; }
    qint64 enqueuedTokenLimit() const override { return 1'000'000'000; }
    std::optional<ModelPrice> price(const QString &) const override { return ModelPrice{0.15, 0.6}; }
    Result<QString, ProviderError> submit(const BatchSubmission &batch, const QDateTime &) override
    {
        const QString id = QStringLiteral("batch_%1").arg(batches.size());
        batches.insert(id, batch);
        return id;
    }
    Result<ProviderBatchStatus, ProviderError> poll(const SubmittedBatch &batch,
                                                    const QDateTime &now) override
    {
        ProviderBatchStatus s;
        s.batchId = batch.batchId;
        s.status = JobStatus::Completed;
        s.finishedAt = now;
        for (const ProviderRequest &r : batches.value(batch.batchId).requests) {
            RequestOutcome o;
            o.customId = r.customId;
            o.statusCode = 200;
            o.response = R"({"object":"chat.completion","choices":[{"message":{"content":"A summary."}}]})";
            o.inputTokens = 30;
            o.outputTokens = 40;
            s.outcomes.append(o);
            ++s.completedCount;
        }
        s.inputTokens = s.completedInputTokens = 30 * s.completedCount;
        s.outputTokens = s.completedOutputTokens = 40 * s.completedCount;
        return s;
    }
    Result<ProviderBatchStatus, ProviderError> cancel(const SubmittedBatch &batch,
                                                      const QDateTime &now) override
    {
        return poll(batch, now);
    }
};

void BM_IntakeSubmit1000(benchmark::State &state)
{
    QTemporaryDir dir;
    auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("intake.db")));
    RequestStore store(*db.value());
    int round = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const auto list = requests(1000, round++);
        state.ResumeTiming();
        if (!store.submit(list, QStringLiteral("app"), kStart)) {
            state.SkipWithError("submit failed");
            return;
        }
    }
}
BENCHMARK(BM_IntakeSubmit1000)->Unit(benchmark::kMillisecond);

void BM_IntakeBatchRound1000(benchmark::State &state)
{
    QTemporaryDir dir;
    auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("intake.db")));
    RequestStore store(*db.value());
    InstantProvider provider;
    PipelineSettings settings;
    settings.minSize = 1000;
    settings.maxRequests = 1000;
    settings.createIntervalMs = settings.statusIntervalMs = settings.resultIntervalMs = 60'000;
    Pipeline pipeline(*db.value(), provider, settings);
    pipeline.startAt(kStart);
    pipeline.advanceTo(kStart);
    QDateTime t = kStart;
    int round = 0;
    for (auto _ : state) {
        state.PauseTiming();
        store.submit(requests(1000, round++), QStringLiteral("app"), t);
        state.ResumeTiming();
        // One minute: grouped into a job and sent; the next: polled, finished, 1,000 outcomes recorded.
        t = t.addSecs(120);
        if (!pipeline.advanceTo(t)) {
            state.SkipWithError("advanceTo failed");
            return;
        }
    }
    state.counters["batches"] = double(provider.batches.size());
}
BENCHMARK(BM_IntakeBatchRound1000)->Unit(benchmark::kMillisecond);

void BM_IntakeReadResultFile100k(benchmark::State &state)
{
    QByteArray file;
    for (int i = 0; i < 100'000; ++i) {
        file +=
            R"({"id":"batch_req_)" + QByteArray::number(i) + R"(","custom_id":"r-)" + QByteArray::number(i) +
            R"(","response":{"status_code":200,"request_id":"req_)" + QByteArray::number(i) +
            R"(","body":{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o-mini",)"
            R"("choices":[{"index":0,"message":{"role":"assistant","content":"A summary of the report in )"
            R"(three sentences, as asked."},"finish_reason":"stop"}],)"
            R"("usage":{"prompt_tokens":30,"completion_tokens":40,"total_tokens":70}}},"error":null})"
            "\n";
    }
    for (auto _ : state) {
        QBuffer buffer(&file);
        buffer.open(QIODevice::ReadOnly);
        QList<RequestOutcome> outcomes;
        openai::readResultFile(buffer, JobStatus::Completed, outcomes);
        benchmark::DoNotOptimize(outcomes);
    }
    state.counters["MB"] = double(file.size()) / 1e6;
}
BENCHMARK(BM_IntakeReadResultFile100k)->Unit(benchmark::kMillisecond)->Iterations(3);

} // namespace
