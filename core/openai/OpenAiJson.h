// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The pure parts of the OpenAI provider: what goes into the batch input file, and what the Batch API's
// JSON answers, result files and error bodies mean to batchmon. No network here, so all of it can be
// tested on recorded answers.

#include "pipeline/Provider.h"
#include "util/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringView>

#include <optional>

class QIODevice;

namespace batchmon::openai {

/// The code counted for failed requests whose code is not known: while a batch runs the API gives only
/// counts (the codes are in the error file, written at the end), and a failed line may carry none.
QString unknownErrorCode();
/// The code of a line of a result file that is not a result: not JSON, or neither response nor error.
QString malformedLineCode();
/// The code OpenAI-compatible servers give the requests a cancel stopped before they ran.
QString batchCancelledCode();

/// One line of a batch input file, without the newline:
/// `{"custom_id":…,"method":"POST","url":…,"body":…}`. The body is the producer's JSON, kept as it is
/// except that line breaks become spaces (in valid JSON they can only be whitespace between tokens); an
/// empty body is written as `{}`.
QByteArray jsonlLine(const ProviderRequest &request);
/// The input file: one line per request, each ending in "\n".
QByteArray writeJsonl(const QList<ProviderRequest> &requests);

/// OpenAI's batch status names (validating, failed, in_progress, finalizing, completed, expired,
/// cancelling, cancelled) as batchmon's statuses; nullopt for any other text.
std::optional<JobStatus> statusFromOpenAi(QStringView status);
/// A job type for a batch that has none in its metadata: the endpoint without "/v1/", '/' and '-' as
/// '_': "/v1/chat/completions" → "chat_completions", "/v1/embeddings" → "embeddings".
QString jobTypeForEndpoint(QStringView endpoint);

/// Token counts of a `usage` object (chat's prompt/completion or the Responses and Batch API's
/// input/output names).
struct TokenUsage
{
    qint64 input = 0;
    qint64 output = 0;
};

/// A Batch object as batchmon reads it.
struct BatchObject
{
    /**
     * What the object alone says. Running: `request_counts` completed and failed, the failures under
     * unknownErrorCode() (the codes come with the error file); tokens from `usage` when it is there.
     * Failed (refused at validation): batchError is `errors.data[0].code` and every request of the job
     * counts as failed with it, as the simulated provider reports such a batch. Expired: batchError
     * "batch_expired". Finished batches' counts are only final after applyOutcomes().
     */
    ProviderBatchStatus status;
    QString endpoint;
    QString model; ///< the Batch object's `model`; empty when it has none
    QMap<QString, QString> metadata;
    QString inputFileId;
    QString outputFileId; ///< empty when there is none (yet)
    QString errorFileId;
    std::optional<TokenUsage> usage; ///< the batch's `usage`, when present and not all zero
    QDateTime createdAt;
};

/**
 * Reads a Batch object. `requestCount` is the job's number of requests, which a batch refused at
 * validation is counted with (its `request_counts` are all 0); when it is 0, `request_counts.total` is
 * used. An object without `id` or with an unknown `status` is an error (the reason).
 */
Result<BatchObject, QString> batchFromJson(const QJsonObject &object, qint64 requestCount);
/// batchFromJson() of a response body.
Result<BatchObject, QString> parseBatch(const QByteArray &json, qint64 requestCount);

/// A listed batch: `model` else metadata `model`; metadata `job_type` else jobTypeForEndpoint().
ListedBatch listedBatch(const BatchObject &batch);
/// `GET /batches`: `{"data": [Batch…], "has_more", "last_id"}`.
Result<BatchPage, QString> parseBatchPage(const QByteArray &json);

/**
 * One line of an output or error file. Failed when `error` is set or `response.status_code` >= 400;
 * errorCode is `error.code`, else the body's `error.code`, else its `error.type`, else "http_<status>"
 * (unknownErrorCode() without a status). Tokens from `response.body.usage`. A line that is not a JSON
 * object with a `response` or an `error` object is a failed outcome with malformedLineCode().
 */
RequestOutcome parseResultLine(const QByteArray &line);

/**
 * Reads a result file line by line from `device` (never all of it at once) and appends an outcome for
 * each non-empty line. In a cancelled batch, lines with batchCancelledCode() are requests that never
 * ran: they are skipped, as the simulated provider leaves such requests neither completed nor failed.
 * Returns the number of lines appended.
 */
qint64 readResultFile(QIODevice &device, JobStatus batchStatus, QList<RequestOutcome> &outcomes);

/**
 * Sets a finished batch's counts from its outcomes (status.outcomes): completed and failed lines,
 * errorCounts by code (summing to failedCount), completed tokens from the successful lines, and billed
 * tokens from `usage` when the batch reported it (never less than the completed lines' share), else
 * from all lines. In an expired batch, the `requestCount` − lines requests without a line failed with
 * errorcode::batchExpired(); in a cancelled one they stay unprocessed.
 */
void applyOutcomes(ProviderBatchStatus &status, qint64 requestCount, const std::optional<TokenUsage> &usage);

/// An error body as OpenAI sends it: `{"error": {"message", "type", "code", "param"}}`.
struct ServerError
{
    QString message; ///< `error.message`; for a body that is not such an object, its start as text
    QString type;
    QString code;
};
ServerError parseErrorBody(const QByteArray &body);

/**
 * The ProviderError of an HTTP answer that is not a success, with a message that starts with `what`
 * ("creating the batch for job j-1: …"). 401/403 Unauthorized, 404 NotFound, 409 Conflict, 429
 * RateLimited (QuotaExceeded when the code is `insufficient_quota`: waiting does not help), 5xx
 * Unavailable, anything else Other; the server's message follows. `retryAfterSeconds` is passed on.
 */
ProviderError errorForStatus(const QString &what, int status, const QByteArray &body,
                             std::optional<int> retryAfterSeconds = std::nullopt);

/**
 * How long a 429 asks to wait, in ms: `retry-after-ms` (milliseconds), else `retry-after` (seconds,
 * possibly fractional, or an HTTP date, measured from `now`). nullopt when neither is usable. Capped at
 * a day.
 */
std::optional<qint64> retryAfterMs(const QByteArray &retryAfterMsHeader, const QByteArray &retryAfterHeader,
                                   const QDateTime &now);

} // namespace batchmon::openai
