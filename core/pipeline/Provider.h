// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/JobStatus.h"
#include "domain/Money.h"
#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace batchmon {

/// One request of a batch as the intake received it (docs/api.md §18): a line of the batch's JSONL.
struct ProviderRequest
{
    QString customId; ///< the producer's id, unique in the store; the line's `custom_id`
    QString url;      ///< the line's `url`, the batch's endpoint: "/v1/chat/completions", …
    QByteArray body;  ///< the line's `body`, a JSON object as the producer sent it (compact)
};

/// What the pipeline hands a provider: one batch of requests of one job type and model.
struct BatchSubmission
{
    QString jobId; ///< batchmon's id, passed as batch metadata
    QString jobType;
    QString model;
    qint64 requestCount = 0;
    qint64 estimatedInputTokens = 0; ///< counted against the provider's enqueued-token quota
    /// The requests themselves, from the intake (empty for the simulated workload, which has only
    /// counts). When set, requestCount == requests.size() and all share one `url`.
    QList<ProviderRequest> requests;
};

/// A batch as the pipeline remembers it: enough for a provider that keeps no state of its own (the
/// simulated one) to answer for it after a restart. A real provider needs only `batchId`.
struct SubmittedBatch
{
    QString batchId;
    BatchSubmission submission;
    QDateTime submittedAt;
    std::optional<QDateTime> cancelRequestedAt;
    /// Whether a finished batch's per-request outcomes are wanted. Not for a batch imported from the
    /// account (batchmon has none of its requests): its counts, error codes and tokens are enough, and
    /// a provider may then skip reading its output file (OpenAI's: up to hundreds of MB).
    bool needsOutcomes = true;
};

/// What became of one request of a finished batch (a line of its output or error file).
struct RequestOutcome
{
    QString customId;
    bool failed = false;    ///< `error` set, or `response.status_code` >= 400
    int statusCode = 0;     ///< `response.status_code`; 0 when the line has no response
    QByteArray response;    ///< `response.body` as JSON (compact); empty when there is none
    QString errorCode;      ///< `error.code`, else the body's `error.code`/`type`, else "http_<status>"
    QString errorMessage;   ///< `error.message` or the body's `error.message`
    qint64 inputTokens = 0; ///< `response.body.usage`: prompt/input tokens
    qint64 outputTokens = 0;
};

/// A provider's view of one batch at one moment (OpenAI's Batch object, reduced to what we keep).
struct ProviderBatchStatus
{
    QString batchId;
    JobStatus status = JobStatus::Validating; ///< validating … cancelled; never pending or paused
    qint64 completedCount = 0;                ///< requests with a successful response so far
    qint64 failedCount = 0;                   ///< requests with an error so far
    /// The batch's number of requests as the provider counts them (OpenAI: `request_counts.total`, 0
    /// while validating); 0 when it does not say. The pipeline takes it for a batch it did not send.
    qint64 totalRequests = 0;
    QMap<QString, qint64> errorCounts; ///< failed requests by error code; sums to failedCount
    qint64 inputTokens = 0;            ///< billed usage of every request processed so far
    qint64 outputTokens = 0;
    qint64 completedInputTokens = 0; ///< the part of that usage spent on completed requests
    qint64 completedOutputTokens = 0;
    /// Set when the whole batch failed or expired: "invalid_request", "batch_expired", …
    std::optional<QString> batchError;
    std::optional<QDateTime> inProgressAt;
    std::optional<QDateTime> finishedAt; ///< completed, failed, expired or cancelled
    /// For a finished batch of a provider that reads result files (OpenAI's): every line of its output
    /// and error files, one per request processed. Empty while it runs, and for the simulated provider.
    QList<RequestOutcome> outcomes;
};

/// Error codes that the pipeline and every provider give the same meaning (errorSummary[] shows them).
namespace errorcode {
/// A request its batch did not reach before the batch expired (also the expired batch's own error).
inline QString batchExpired()
{
    return QStringLiteral("batch_expired");
}
/// The provider's enqueued-token limit refused a whole batch: not its requests' fault.
inline QString tokenLimitExceeded()
{
    return QStringLiteral("token_limit_exceeded");
}
} // namespace errorcode

/// An expired batch: its requests that neither completed nor failed did not run before the window
/// closed, and fail with batch_expired, which is also the batch's error.
inline void failUnrunAsExpired(ProviderBatchStatus &status, qint64 requestCount)
{
    const qint64 unrun = requestCount - status.completedCount - status.failedCount;
    if (unrun > 0) {
        status.failedCount += unrun;
        status.errorCounts[errorcode::batchExpired()] += unrun;
    }
    status.batchError = errorcode::batchExpired();
}

/// A batch that exists at the provider, as its list shows it (for importing batches made elsewhere).
struct ListedBatch
{
    QString batchId;
    QString endpoint;                   ///< "/v1/chat/completions", …
    QString model;                      ///< the Batch object's `model`, else metadata `model`, else ""
    QString jobType;                    ///< metadata `job_type`, else derived from the endpoint
    std::optional<QString> batchmonJob; ///< metadata `batchmon_job`: made by a batchmon pipeline
    JobStatus status = JobStatus::Validating;
    qint64 requestCount = 0; ///< `request_counts.total`
    QDateTime createdAt;
};

/// One page of the provider's batch list, newest first.
struct BatchPage
{
    QList<ListedBatch> batches;
    bool hasMore = false;
    QString lastId; ///< pass as `after` for the next page
};

/// Why a provider call failed (not a failed batch: a call that did not go through).
struct ProviderError
{
    enum class Kind
    {
        RateLimited,
        QuotaExceeded,
        NotFound,
        Conflict,
        Unavailable,
        Unauthorized, ///< the key is wrong or lacks access (401/403): retrying will not help
        Other
    };
    Kind kind = Kind::Other;
    QString message;
    std::optional<int> retryAfterSeconds;
};

/// The price of a model per million tokens, at the synchronous (non-batch) rate, in dollars.
struct ModelPrice
{
    double inputPerMillion = 0;
    double outputPerMillion = 0;
};

/**
 * A batch API: OpenAI's, or the simulated one. Calls are synchronous and take the current time
 * explicitly, so the simulated provider is a pure function of its seed and the clock the pipeline
 * drives (which is what lets 30 days be backfilled in seconds). The pipeline calls a provider from
 * its own worker thread only.
 */
class Provider
{
public:
    virtual ~Provider() = default;

    /// Creates a batch; on success the batch is `validating` and its id is returned.
    virtual Result<QString, ProviderError> submit(const BatchSubmission &batch, const QDateTime &now) = 0;
    /// The batch's state at `now`.
    virtual Result<ProviderBatchStatus, ProviderError> poll(const SubmittedBatch &batch,
                                                            const QDateTime &now) = 0;
    /// Asks to cancel at `now`; the batch goes to `cancelling`, later `cancelled` with what was processed
    /// so far (the pipeline then polls with `cancelRequestedAt` set). Cancelling a finished batch is a
    /// Conflict.
    virtual Result<ProviderBatchStatus, ProviderError> cancel(const SubmittedBatch &batch,
                                                              const QDateTime &now) = 0;

    /// The provider's enqueued-token quota (input tokens of batches not yet finished).
    virtual qint64 enqueuedTokenLimit() const = 0;
    /// Synchronous price of `model`; nullopt for a model the provider does not know.
    virtual std::optional<ModelPrice> price(const QString &model) const = 0;

    /// Stops waiting, from any thread: a call in progress and every later one fail at once (Unavailable).
    /// For closing the app or stopping the server while the provider is slow to answer.
    virtual void close() {}

    /// Whether the provider sends the requests themselves (BatchSubmission::requests), so the pipeline
    /// must batch the intake's requests rather than counts.
    virtual bool sendsRequests() const { return false; }
    /// One page of the account's batches, newest first, after `after` (a batch id; empty: the first page).
    /// The simulated provider has no account: an empty page.
    virtual Result<BatchPage, ProviderError> listBatches(const QString &after, int limit)
    {
        Q_UNUSED(after)
        Q_UNUSED(limit)
        return BatchPage{};
    }
};

} // namespace batchmon
