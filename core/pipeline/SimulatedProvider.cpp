// SPDX-License-Identifier: GPL-3.0-or-later
#include "SimulatedProvider.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace batchmon {

namespace {

/// splitmix64's output function: a bijection of 64-bit values that scatters every input bit.
constexpr quint64 mix64(quint64 z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// FNV-1a over the UTF-16 code units. Not qHash: that is seeded per process, and these hashes must be
/// the same in every process, or a restarted app would see different batches.
quint64 hashString(const QString &text)
{
    quint64 h = 0xCBF29CE484222325ULL;
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        h = (h ^ (unit & 0xFFu)) * 0x100000001B3ULL;
        h = (h ^ (unit >> 8)) * 0x100000001B3ULL;
    }
    return h;
}

/**
 * What a draw is for. Each purpose gets its own numbers, so adding a draw changes no other draw.
 * The values are part of the simulation's output: changing one changes every simulated history (and
 * the batch ids a restarted pipeline looks up), so new purposes get new numbers.
 */
enum class Purpose : quint64
{
    BatchIdHigh = 1,
    BatchIdLow = 2,
    Fate = 3,
    ValidationCode = 4,
    Validating = 5,
    PerRequest = 6,
    SlowFactor = 7,
    Finalizing = 8,
    Cancelling = 9,
    ErrorRate = 10,
    ErrorRounding = 11,
    InputFactor = 12,
    OutputFactor = 13,
    RequestErrorCode = 14,
};

/// The random bits of (seed, key, purpose, index): a counter-based generator with no state.
quint64 draw(quint64 seed, quint64 key, Purpose purpose, quint64 index = 0)
{
    quint64 h = mix64(seed);
    h = mix64(h ^ key);
    h = mix64(h ^ quint64(purpose));
    return mix64(h ^ index);
}

/// A double uniform in [0, 1) from the top 53 bits, the precision of a double.
double unitInterval(quint64 bits)
{
    return double(bits >> 11) * (1.0 / 9007199254740992.0);
}

/// Uniform in [minMs, maxMs], in integers so that no rounding differs between builds.
qint64 durationIn(const DurationRange &range, quint64 bits)
{
    const qint64 lo = std::max<qint64>(0, range.minMs);
    const qint64 hi = std::max(lo, range.maxMs);
    return lo + qint64(bits % (quint64(hi - lo) + 1));
}

/// floor(a × b / c) for a, b ≥ 0 and c > 0, without overflowing in between.
qint64 mulDiv(qint64 a, qint64 b, qint64 c)
{
#ifdef __SIZEOF_INT128__
    return qint64(static_cast<__int128>(a) * b / c);
#else
    return qint64(static_cast<long double>(a) * b / c);
#endif
}

QString invalidRequest()
{
    return QStringLiteral("invalid_request");
}

QString modelNotFound()
{
    return QStringLiteral("model_not_found");
}

QString requestTimeout()
{
    return QStringLiteral("request_timeout");
}

/// A request that timed out ran: its prompt was read and an answer partly written, so it is billed
/// its input and this share of its output. The other codes refuse a request before the model runs.
/// This is the waste that keeps savingsPercentage below 50 (docs/api.md, costSavings).
constexpr double kTimedOutOutputShare = 0.5;

} // namespace

/// Everything about one batch that the draws decide, as offsets in ms from its submission.
struct SimulatedProvider::Plan
{
    quint64 key = 0; ///< hash of the batch id, the key of every draw about this batch
    qint64 requests = 0;
    qint64 validatingMs = 0;
    std::optional<QString> validationError;
    qint64 processingMs = 1; ///< in_progress time for all requests (> 0)
    bool expires = false;
    qint64 expiresAtMs = 0;
    qint64 finalizingMs = 0;
    qint64 cancellingMs = 1;
    qint64 failures = 0; ///< failed requests once all have run
    double inputPerRequest = 0;
    double outputPerRequest = 0;

    /// When the batch finishes by itself (failed, expired or completed).
    qint64 finishedAtMs() const
    {
        if (validationError)
            return validatingMs;
        if (expires)
            return expiresAtMs;
        return validatingMs + processingMs + finalizingMs;
    }

    /// Requests that have run by `offsetMs`: they run at an even pace through in_progress.
    qint64 processedAt(qint64 offsetMs) const
    {
        const qint64 elapsed = std::clamp<qint64>(offsetMs - validatingMs, 0, processingMs);
        return mulDiv(elapsed, requests, processingMs);
    }
};

const QString &SimulatedProvider::CodeMix::pick(double unit) const
{
    for (const auto &[code, upTo] : cumulative) {
        if (unit < upTo)
            return code;
    }
    return cumulative.empty() ? fallback : cumulative.back().first;
}

namespace {

void buildMix(const QMap<QString, double> &weights, std::vector<std::pair<QString, double>> &cumulative)
{
    double total = 0;
    for (const double w : weights) {
        if (std::isfinite(w) && w > 0)
            total += w;
    }
    double sum = 0;
    for (auto it = weights.cbegin(); it != weights.cend(); ++it) {
        if (!std::isfinite(it.value()) || it.value() <= 0)
            continue;
        sum += it.value();
        cumulative.emplace_back(it.key(), sum / total);
    }
}

} // namespace

SimulatedProvider::SimulatedProvider(quint64 seed, SimulationProfile profile, ModelPrices prices)
    : m_seed(seed), m_profile(std::move(profile)), m_prices(std::move(prices))
{
    // An empty mix still needs a code to give: the most generic one.
    m_validationErrors.fallback = invalidRequest();
    m_requestErrors.fallback = invalidRequest();
    buildMix(m_profile.validationErrorMix, m_validationErrors.cumulative);
    buildMix(m_profile.requestErrorMix, m_requestErrors.cumulative);
}

QString SimulatedProvider::batchIdFor(const QString &jobId) const
{
    const quint64 key = hashString(jobId);
    const quint64 high = draw(m_seed, key, Purpose::BatchIdHigh);
    const quint64 low = draw(m_seed, key, Purpose::BatchIdLow) >> 32;
    return QStringLiteral("batch_") + QStringLiteral("%1").arg(high, 16, 16, QLatin1Char('0')) +
           QStringLiteral("%1").arg(low, 8, 16, QLatin1Char('0'));
}

Result<QString, ProviderError> SimulatedProvider::submit(const BatchSubmission &batch, const QDateTime &now)
{
    // The batch's life is measured from the submittedAt the pipeline records, not from this call.
    Q_UNUSED(now);
    if (batch.jobId.isEmpty())
        return ProviderError{ProviderError::Kind::Other,
                             QStringLiteral("invalid_request: a batch needs a jobId"), std::nullopt};
    if (batch.requestCount <= 0) {
        return ProviderError{
            ProviderError::Kind::Other,
            QStringLiteral("invalid_request: batch for job %1 has no requests").arg(batch.jobId),
            std::nullopt};
    }
    return batchIdFor(batch.jobId);
}

std::optional<ProviderError> SimulatedProvider::refusal(const SubmittedBatch &batch,
                                                        const QDateTime &now) const
{
    if (!now.isValid() || !batch.submittedAt.isValid()) {
        return ProviderError{
            ProviderError::Kind::Other,
            QStringLiteral("batch %1: the time or the submission time is not valid").arg(batch.batchId),
            std::nullopt};
    }
    // Like a real provider asked about another account's batch: ids are per seed and job.
    if (batch.batchId != batchIdFor(batch.submission.jobId)) {
        return ProviderError{
            ProviderError::Kind::NotFound,
            QStringLiteral("no batch with id %1 for job %2").arg(batch.batchId, batch.submission.jobId),
            std::nullopt};
    }
    return std::nullopt;
}

SimulatedProvider::Plan SimulatedProvider::planFor(const SubmittedBatch &batch) const
{
    Plan plan;
    plan.key = hashString(batch.batchId);
    const auto bits = [&](Purpose purpose) {
        return draw(m_seed, plan.key, purpose);
    };
    const auto unit = [&](Purpose purpose) {
        return unitInterval(bits(purpose));
    };
    const BatchSubmission &submission = batch.submission;

    plan.requests = std::max<qint64>(0, submission.requestCount);
    plan.validatingMs = durationIn(m_profile.validating, bits(Purpose::Validating));
    plan.cancellingMs = std::max<qint64>(1, durationIn(m_profile.cancelling, bits(Purpose::Cancelling)));

    // Refusals that follow from the submission come before luck: they happen to every such batch.
    bool slow = false;
    if (!m_prices.price(submission.model)) {
        plan.validationError = modelNotFound();
    } else if (plan.requests == 0 || plan.requests > m_profile.maxRequestsPerBatch) {
        plan.validationError = invalidRequest();
    } else if (submission.estimatedInputTokens > m_profile.enqueuedTokenLimit) {
        plan.validationError = errorcode::tokenLimitExceeded();
    } else {
        // One draw decides the batch's fate, so the two rates are exact shares of all batches.
        const double fate = unit(Purpose::Fate);
        if (fate < m_profile.validationFailureRate)
            plan.validationError = m_validationErrors.pick(unit(Purpose::ValidationCode));
        else
            slow = fate < m_profile.validationFailureRate + m_profile.expiryRate;
    }
    if (plan.validationError)
        return plan;

    // in_progress turns into expired at the end of the window, but not before it has begun.
    plan.expiresAtMs = std::max(m_profile.completionWindowMs, plan.validatingMs);
    if (slow) {
        // Bounded so that no profile can overflow the duration.
        const double lo = std::clamp(m_profile.slowFactorMin, 0.0, 1000.0);
        const double hi = std::clamp(m_profile.slowFactorMax, lo, 1000.0);
        const double factor = lo + (hi - lo) * unit(Purpose::SlowFactor);
        plan.processingMs = std::llround(double(plan.expiresAtMs - plan.validatingMs) * factor);
    } else {
        const qint64 perRequest = durationIn(m_profile.perRequest, bits(Purpose::PerRequest));
        // Saturates instead of overflowing for an absurd profile; such a batch simply expires.
        plan.processingMs = perRequest > std::numeric_limits<qint64>::max() / plan.requests
                                ? std::numeric_limits<qint64>::max() / 2
                                : perRequest * plan.requests;
    }
    plan.processingMs = std::max<qint64>(1, plan.processingMs);
    // Also true of an ordinary batch too large to run within the window.
    plan.expires = plan.validatingMs + plan.processingMs > plan.expiresAtMs;
    plan.finalizingMs = durationIn(m_profile.finalizing, bits(Purpose::Finalizing));

    // Exponential with the profile's mean; 1 − u lies in (0, 1], so the logarithm is finite. This is
    // the one libm call in the simulation: a last-bit difference between libms could change the
    // outcome only if requests × rate + u landed within ~1e-13 of an integer.
    const double rate =
        std::min(1.0, std::max(0.0, m_profile.requestErrorRate) * -std::log(1.0 - unit(Purpose::ErrorRate)));
    // Rounded up with probability equal to the fraction, so failures average requests × rate.
    const double expected = double(plan.requests) * rate + unit(Purpose::ErrorRounding);
    plan.failures = std::clamp<qint64>(qint64(std::floor(expected)), 0, plan.requests);

    const TokenMeans means =
        m_profile.tokensPerRequest.value(submission.jobType, m_profile.defaultTokensPerRequest);
    const double spread = std::clamp(m_profile.tokenSpread, 0.0, 1.0);
    plan.inputPerRequest = std::max(0.0, means.input * (1 + spread * (2 * unit(Purpose::InputFactor) - 1)));
    plan.outputPerRequest =
        std::max(0.0, means.output * (1 + spread * (2 * unit(Purpose::OutputFactor) - 1)));
    return plan;
}

void SimulatedProvider::fillCounts(const Plan &plan, qint64 processed, qint64 expired,
                                   ProviderBatchStatus &status) const
{
    // Failures are spread evenly over the run: floor(processed × failures / requests) never decreases
    // as processed grows and reaches `failures` with the last request. The j-th failure's code is its
    // own draw, so the count of every code only grows too.
    const qint64 failed = plan.requests > 0 ? mulDiv(processed, plan.failures, plan.requests) : 0;
    for (qint64 j = 0; j < failed; ++j)
        ++status.errorCounts[m_requestErrors.pick(
            unitInterval(draw(m_seed, plan.key, Purpose::RequestErrorCode, quint64(j))))];
    const qint64 timedOut = status.errorCounts.value(requestTimeout());
    const qint64 completed = processed - failed;

    status.completedCount = completed;
    status.failedCount = failed + expired;
    if (expired > 0)
        status.errorCounts[errorcode::batchExpired()] += expired;

    status.completedInputTokens = std::llround(double(completed) * plan.inputPerRequest);
    status.completedOutputTokens = std::llround(double(completed) * plan.outputPerRequest);
    status.inputTokens = status.completedInputTokens + std::llround(double(timedOut) * plan.inputPerRequest);
    status.outputTokens = status.completedOutputTokens +
                          std::llround(double(timedOut) * plan.outputPerRequest * kTimedOutOutputShare);
}

void SimulatedProvider::naturalStatusAt(const SubmittedBatch &batch, const Plan &plan, qint64 offsetMs,
                                        ProviderBatchStatus &status) const
{
    const qint64 start = batch.submittedAt.toMSecsSinceEpoch();
    const auto at = [start](qint64 offset) {
        return QDateTime::fromMSecsSinceEpoch(start + offset, Qt::UTC);
    };

    if (offsetMs < plan.validatingMs) {
        status.status = JobStatus::Validating;
        return;
    }
    if (plan.validationError) {
        // OpenAI reports 0 completed and 0 failed for a batch refused at validation. batchmon's rule is
        // that a finished completed, failed or expired job has an outcome for every request
        // (docs/api.md §7.1), so all of them count as failed, with the batch's error code.
        status.status = JobStatus::Failed;
        status.batchError = plan.validationError;
        status.failedCount = plan.requests;
        if (plan.requests > 0)
            status.errorCounts.insert(*plan.validationError, plan.requests);
        status.finishedAt = at(plan.validatingMs);
        return;
    }

    status.inProgressAt = at(plan.validatingMs);
    if (plan.expires) {
        if (offsetMs < plan.expiresAtMs) {
            status.status = JobStatus::InProgress;
            fillCounts(plan, plan.processedAt(offsetMs), 0, status);
            return;
        }
        // The requests that ran keep their outcomes; the rest fail with the batch's code.
        const qint64 processed = plan.processedAt(plan.expiresAtMs);
        status.status = JobStatus::Expired;
        fillCounts(plan, processed, plan.requests - processed, status);
        status.batchError = errorcode::batchExpired();
        status.finishedAt = at(plan.expiresAtMs);
        return;
    }

    const qint64 processingEnd = plan.validatingMs + plan.processingMs;
    if (offsetMs < processingEnd) {
        status.status = JobStatus::InProgress;
        fillCounts(plan, plan.processedAt(offsetMs), 0, status);
    } else if (offsetMs < plan.finishedAtMs()) {
        status.status = JobStatus::Finalizing;
        fillCounts(plan, plan.requests, 0, status);
    } else {
        status.status = JobStatus::Completed;
        fillCounts(plan, plan.requests, 0, status);
        status.finishedAt = at(plan.finishedAtMs());
    }
}

ProviderBatchStatus SimulatedProvider::statusAt(const SubmittedBatch &batch, const Plan &plan,
                                                qint64 offsetMs) const
{
    ProviderBatchStatus status;
    status.batchId = batch.batchId;
    if (offsetMs < 0) // asked about a moment before the submission: nothing has happened yet
        return status;

    if (batch.cancelRequestedAt) {
        // A cancel asked for before the submission counts from the submission.
        const qint64 cancelAt = std::max<qint64>(0, batch.submittedAt.msecsTo(*batch.cancelRequestedAt));
        // A batch that finished by then ignores the cancel (cancel() reported a Conflict).
        if (cancelAt < plan.finishedAtMs() && offsetMs >= cancelAt) {
            // Frozen at the cancel: requests that had not run are neither completed nor failed.
            naturalStatusAt(batch, plan, cancelAt, status);
            const qint64 cancelledAt = cancelAt + plan.cancellingMs;
            if (offsetMs < cancelledAt) {
                status.status = JobStatus::Cancelling;
            } else {
                status.status = JobStatus::Cancelled;
                status.finishedAt = QDateTime::fromMSecsSinceEpoch(
                    batch.submittedAt.toMSecsSinceEpoch() + cancelledAt, Qt::UTC);
            }
            return status;
        }
    }
    naturalStatusAt(batch, plan, offsetMs, status);
    return status;
}

Result<ProviderBatchStatus, ProviderError> SimulatedProvider::poll(const SubmittedBatch &batch,
                                                                   const QDateTime &now)
{
    if (auto error = refusal(batch, now))
        return *error;
    return statusAt(batch, planFor(batch), batch.submittedAt.msecsTo(now));
}

Result<ProviderBatchStatus, ProviderError> SimulatedProvider::cancel(const SubmittedBatch &batch,
                                                                     const QDateTime &now)
{
    if (auto error = refusal(batch, now))
        return *error;
    const QDateTime at = std::max(now, batch.submittedAt);
    SubmittedBatch cancelled = batch;
    // Asking again does not move the first request later.
    if (!cancelled.cancelRequestedAt || at < *cancelled.cancelRequestedAt)
        cancelled.cancelRequestedAt = at;
    const ProviderBatchStatus status = statusAt(cancelled, planFor(cancelled), batch.submittedAt.msecsTo(at));
    if (isFinished(status.status)) {
        return ProviderError{
            ProviderError::Kind::Conflict,
            QStringLiteral("batch %1 is %2; only a validating, in_progress or finalizing batch "
                           "can be cancelled")
                .arg(batch.batchId, toWireString(status.status)),
            std::nullopt};
    }
    return status;
}

qint64 SimulatedProvider::enqueuedTokenLimit() const
{
    return m_profile.enqueuedTokenLimit;
}

std::optional<ModelPrice> SimulatedProvider::price(const QString &model) const
{
    return m_prices.price(model);
}

} // namespace batchmon
