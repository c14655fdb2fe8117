// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "pipeline/ModelPrices.h"
#include "pipeline/Provider.h"

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>
#include <QUrl>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>

class QIODevice;

namespace batchmon {

class BlockingHttp;
struct BlockingHttpResponse;

/// How to reach an OpenAI Batch API (OpenAI's or any server that speaks it).
struct OpenAiSettings
{
    /// The API's root, the part before "/files" and "/batches"; a trailing slash is fine.
    QUrl baseUrl{QStringLiteral("https://api.openai.com/v1")};
    /// Sent as "Authorization: Bearer …" and nowhere else: never logged, never in a message.
    QString apiKey;
    /// Input tokens of unfinished batches the account may have queued. 2,000,000 is about what
    /// OpenAI grants a tier-1 account for the cheaper models; set it to the account's real limit
    /// (OPENAI_ENQUEUED_TOKEN_LIMIT).
    qint64 enqueuedTokenLimit = 2'000'000;
    /// A call is abandoned when no byte has moved for this long.
    int requestTimeoutMs = 120'000;
    /// The most one call spends waiting out 429 answers before it gives up with RateLimited.
    int maxRateLimitWaitMs = 60'000;

    /**
     * Settings from the environment:
     * - OPENAI_API_KEY, or OPENAI_API_KEY_FILE naming a file that holds the key (surrounding whitespace
     *   is dropped; Docker and systemd secrets look like that). Exactly one of the two.
     * - OPENAI_BASE_URL, optional: an http or https URL.
     * - OPENAI_ENQUEUED_TOKEN_LIMIT, optional: a positive whole number.
     * On failure, a message that says what to set; it never contains the key or the key file's content.
     */
    static std::variant<OpenAiSettings, QString> fromEnvironment(const QProcessEnvironment &env);
};

/**
 * OpenAI's Batch API as a Provider: the intake's requests go up as a JSONL file and a batch, polls read
 * the Batch object, and a finished batch's output and error files come back as one RequestOutcome per
 * line. Calls block the calling thread without running an event loop on it (BlockingHttp), so the
 * pipeline can make them inside its transaction; a 429 is waited out on the calling thread for up to
 * OpenAiSettings::maxRateLimitWaitMs.
 *
 * Keeps no state about batches: a batch id is all it needs, so it answers for batches made before a
 * restart or by someone else. Any number of threads may call it at once.
 */
class OpenAiProvider : public Provider
{
public:
    explicit OpenAiProvider(OpenAiSettings settings, ModelPrices prices = ModelPrices::listPrices());
    ~OpenAiProvider() override;
    OpenAiProvider(const OpenAiProvider &) = delete;
    OpenAiProvider &operator=(const OpenAiProvider &) = delete;

    /// Uploads the requests as `<jobId>.jsonl` (purpose "batch") and creates a 24-hour batch on their
    /// endpoint with metadata batchmon_job, job_type and model. A submission without requests, or with
    /// requests for more than one endpoint, is Kind::Other.
    Result<QString, ProviderError> submit(const BatchSubmission &batch, const QDateTime &now) override;
    /// Ends the call in progress (also a wait for a rate limit) and fails every later one at once.
    void close() override;
    /// The Batch object; for a finished batch (other than one refused at validation) also every line of
    /// its output and error files, and the counts and tokens taken from them.
    Result<ProviderBatchStatus, ProviderError> poll(const SubmittedBatch &batch,
                                                    const QDateTime &now) override;
    /// Asks OpenAI to cancel. A batch that is already finished (409) is not an error: its polled status
    /// is returned.
    Result<ProviderBatchStatus, ProviderError> cancel(const SubmittedBatch &batch,
                                                      const QDateTime &now) override;
    qint64 enqueuedTokenLimit() const override;
    std::optional<ModelPrice> price(const QString &model) const override;
    bool sendsRequests() const override { return true; }
    /// `limit` is clamped to 1…100, OpenAI's range.
    Result<BatchPage, ProviderError> listBatches(const QString &after, int limit) override;

    const OpenAiSettings &settings() const { return m_settings; }

private:
    /// One API call with the 429 handling: its successful response, or the error, named by `what`.
    Result<BlockingHttpResponse, ProviderError> call(const QString &what, const QByteArray &method,
                                                     const QString &path, const QByteArray &query,
                                                     const QByteArray &contentType, const QByteArray &body,
                                                     QIODevice *sink = nullptr);
    QUrl urlFor(const QString &path, const QByteArray &query) const;
    /// A message can quote the server, which could quote the key: never let it through.
    ProviderError scrubbed(ProviderError error) const;
    /// The batch's status; a finished one's counts from its files (`needsOutcomes` false and the batch
    /// reporting usage: from the object and the error file only, with no outcomes).
    Result<ProviderBatchStatus, ProviderError> statusOf(const QByteArray &batchJson, const QString &what,
                                                        qint64 requestCount, bool needsOutcomes = true);
    /// Reads the file into `status.outcomes` (streamed through a temporary file).
    std::optional<ProviderError> readFile(const QString &fileId, const QString &what,
                                          ProviderBatchStatus &status);
    void deleteFileQuietly(const QString &fileId);
    /// The id of the batch made from input file `fileId` among the newest 100, "" when there is none.
    Result<QString, ProviderError> batchReading(const QString &fileId);

    OpenAiSettings m_settings;
    ModelPrices m_prices;
    std::unique_ptr<BlockingHttp> m_http;
    std::mutex m_closingMutex;
    std::condition_variable m_closingChanged; ///< wakes a wait for a rate limit
    bool m_closing = false;                   ///< guarded by m_closingMutex
    /// The last few finished batches with their outcomes: a status check between result ticks asks
    /// for a finished batch again, and its result files (up to hundreds of MB) are read once.
    QList<ProviderBatchStatus> m_finished;
    static constexpr int kFinishedKept = 4;
};

} // namespace batchmon
