// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pipeline/ModelPrices.h"
#include "pipeline/Provider.h"

#include <QMap>
#include <QString>

#include <utility>
#include <vector>

namespace batchmon {

/// Each batch draws one duration uniformly from [minMs, maxMs] (a range with maxMs < minMs is minMs).
struct DurationRange
{
    qint64 minMs = 0;
    qint64 maxMs = 0;
};

/// The mean tokens of one request of a job type; each batch scales both by its own factor.
struct TokenMeans
{
    double input = 0;
    double output = 0;
};

/**
 * How the simulated Batch API behaves. The defaults are what OpenAI's Batch API looks like from the
 * outside for batches of the seed's size (BATCH_MIN_SIZE 10 … BATCH_MAX_REQUESTS 1000): a 100-request
 * batch takes 10–40 minutes, a 1000-request batch 2–7 hours (6–24 s per request), a few percent of requests
 * fail, and now and then a batch is refused or runs out of its 24-hour window.
 */
struct SimulationProfile
{
    /// `validating`: the provider checks the input file.
    DurationRange validating{20'000, 180'000};
    /// `in_progress` time per request, so a batch's running time grows with its size.
    DurationRange perRequest{6'000, 24'000};
    /// `finalizing`: the provider writes the output file.
    DurationRange finalizing{30'000, 300'000};
    /// `cancelling` → `cancelled`, measured from the cancel request.
    DurationRange cancelling{10'000, 120'000};
    /// A batch still `in_progress` this long after submission is `expired` (BATCH_TIMEOUT_HOURS).
    qint64 completionWindowMs = 24LL * 3600 * 1000;

    /// Share of batches refused as a whole at validation (status `failed`).
    double validationFailureRate = 0.02;
    /// The error code of such a refusal, by relative weight.
    QMap<QString, double> validationErrorMix{
        {QStringLiteral("invalid_request"), 0.75},
        {QStringLiteral("model_not_found"), 0.25},
    };
    /// Share of batches that run so slowly that they reach the completion window and expire.
    double expiryRate = 0.01;
    /// A slow batch would need this many times its remaining window (so it gets 1/max … 1/min of its
    /// requests done before it expires).
    double slowFactorMin = 1.25;
    double slowFactorMax = 3.0;

    /**
     * Mean share of requests that fail. Each batch draws its own rate from an exponential distribution
     * with this mean: most batches lose a few requests, and about one in thirty (e^(−10/3)) crosses the
     * seed's 10 % error-rate alert threshold.
     */
    double requestErrorRate = 0.03;
    /// The error codes of failed requests, by relative weight.
    QMap<QString, double> requestErrorMix{
        {QStringLiteral("token_limit_exceeded"), 0.30},
        {QStringLiteral("rate_limit_exceeded"), 0.30},
        {QStringLiteral("request_timeout"), 0.25},
        {QStringLiteral("invalid_request"), 0.15},
    };

    /// Mean tokens per request by job type.
    QMap<QString, TokenMeans> tokensPerRequest{
        {QStringLiteral("ai_analysis"), {1200, 450}}, {QStringLiteral("summarization"), {2400, 220}},
        {QStringLiteral("classification"), {350, 8}}, {QStringLiteral("embedding"), {280, 0}},
        {QStringLiteral("translation"), {700, 760}},
    };
    /// Mean tokens per request of a job type not in `tokensPerRequest`.
    TokenMeans defaultTokensPerRequest{900, 300};
    /// Each batch scales its job type's means by a factor drawn from [1 − spread, 1 + spread].
    double tokenSpread = 0.3;

    /// Input tokens of unfinished batches the provider accepts; a single batch estimated above it fails
    /// validation with `token_limit_exceeded` (what OpenAI does). Keeping the sum below it is the
    /// pipeline's job: the provider keeps no state.
    qint64 enqueuedTokenLimit = 20'000'000;
    /// OpenAI's limit on requests per batch; a larger batch fails validation with `invalid_request`.
    qint64 maxRequestsPerBatch = 50'000;
};

/**
 * A Batch API simulated as a pure function: the state of a batch at `now` depends only on the seed,
 * the batch's id, its submission, submission time and cancel time, and `now` — not on call order or
 * on earlier calls, and the provider keeps nothing about batches. So the pipeline can backfill 30 days
 * by driving its clock through them in seconds, restart, and get the same answers from a new process
 * with the same seed.
 *
 * Every random draw is a hash of (seed, batch id, purpose), never a generator's state: asking about
 * one batch cannot change the answers about another. The lifecycle is OpenAI's:
 * validating → in_progress → finalizing → completed; validating → failed; in_progress → expired;
 * validating | in_progress | finalizing → cancelling → cancelled.
 *
 * With no mutable state, one instance may answer calls from several threads at once.
 */
class SimulatedProvider : public Provider
{
public:
    explicit SimulatedProvider(quint64 seed, SimulationProfile profile = {},
                               ModelPrices prices = ModelPrices::listPrices());

    /// The batch id is batchIdFor(jobId). Refuses (Kind::Other) a batch without requests or job id.
    Result<QString, ProviderError> submit(const BatchSubmission &batch, const QDateTime &now) override;
    /// Kind::NotFound for an id this provider did not give `batch.submission.jobId`.
    Result<ProviderBatchStatus, ProviderError> poll(const SubmittedBatch &batch,
                                                    const QDateTime &now) override;
    /// The `cancelling` status at `now` (also when a cancel was already requested); Kind::Conflict once
    /// the batch is finished.
    Result<ProviderBatchStatus, ProviderError> cancel(const SubmittedBatch &batch,
                                                      const QDateTime &now) override;
    qint64 enqueuedTokenLimit() const override;
    std::optional<ModelPrice> price(const QString &model) const override;

    /// "batch_" and 24 hex digits: a pure function of the seed and the job id.
    QString batchIdFor(const QString &jobId) const;
    quint64 seed() const { return m_seed; }
    const SimulationProfile &profile() const { return m_profile; }
    const ModelPrices &prices() const { return m_prices; }

private:
    struct Plan;
    /// An error code mix as cumulative weights in key order, so that a draw in [0, 1) picks a code.
    struct CodeMix
    {
        std::vector<std::pair<QString, double>> cumulative;
        QString fallback;
        const QString &pick(double unit) const;
    };

    std::optional<ProviderError> refusal(const SubmittedBatch &batch, const QDateTime &now) const;
    Plan planFor(const SubmittedBatch &batch) const;
    ProviderBatchStatus statusAt(const SubmittedBatch &batch, const Plan &plan, qint64 offsetMs) const;
    void naturalStatusAt(const SubmittedBatch &batch, const Plan &plan, qint64 offsetMs,
                         ProviderBatchStatus &status) const;
    void fillCounts(const Plan &plan, qint64 processed, qint64 expired, ProviderBatchStatus &status) const;

    quint64 m_seed;
    SimulationProfile m_profile;
    ModelPrices m_prices;
    CodeMix m_validationErrors;
    CodeMix m_requestErrors;
};

} // namespace batchmon
