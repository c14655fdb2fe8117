// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <memory>

namespace batchmon::test {

/**
 * A fake of OpenAI's Files and Batches API (the API reference's schemas and batch lifecycle) on
 * 127.0.0.1, for the OpenAI provider's tests. It is written from the API reference alone and does not
 * use batchmon_core, so it checks the provider against the wire protocol rather than against itself.
 *
 * It serves from its own thread: the provider's blocking calls may come from the test's main thread
 * while that thread waits. Every public method is thread-safe.
 *
 * Routes (all under /v1, all need `Authorization: Bearer sk-test-batchmon`):
 *   POST /v1/files (multipart: purpose=batch, file)   GET /v1/files/{id}   GET /v1/files/{id}/content
 *   DELETE /v1/files/{id}   POST /v1/batches   GET /v1/batches?limit=&after=   GET /v1/batches/{id}
 *   POST /v1/batches/{id}/cancel
 * Errors are OpenAI's `{"error":{"message","type","param","code"}}`: 400 invalid request, 401 wrong or
 * missing key (code "invalid_api_key"), 404 unknown id or route, 409 cancelling a finished batch, 429
 * from rateLimitNext() (type "requests", code "rate_limit_exceeded", `retry-after` header).
 *
 * Lifecycle: each step (a GET /v1/batches/{id} with auto-advance on, or advance()) moves an unfinished
 * batch on by one: validating → in_progress (the input file is validated; the first half of the lines,
 * rounded down, is processed) → finalizing (every line processed) → completed (output and error files
 * written). A failed validation ends in `failed` with errors.data naming each bad line (1-based). A
 * cancel makes it `cancelling`, the next step `cancelled` with the files of what had been processed
 * (the rest is neither completed nor failed). expireOnNextPoll(): the next GET of the batch makes it
 * `expired`, every unprocessed line going to the error file as "batch_expired" (counted as failed).
 * Output and error files exist only when they have lines; they are written when the batch ends.
 *
 * Each line is processed deterministically. Normally it succeeds with a realistic body for the
 * endpoint, whose message or text is replyText(custom_id) (embeddings: one vector per input). The
 * request body can ask for a failure:
 *   "x_fake_status": 400..599 → error file, `response.status_code` that status, body
 *       {"error":{message, type, param:null, code}} (code: the body's "x_fake_code", else
 *       "invalid_request_error" for 4xx, "rate_limit_exceeded" for 429 (type "requests"),
 *       "server_error" for 5xx), `error` null;
 *   "x_fake_error": "<code>" → error file, `response` null, `error` {code, message}.
 *
 * Tokens and billing (the choices the API reference leaves open):
 *  - a line's prompt tokens are promptTokens(compact body), its completion tokens
 *    completionTokens(compact body) — 0 for /v1/embeddings, which produce no output tokens. The
 *    compact body is QJsonDocument(body).toJson(Compact) of the line's `body` object (Qt's sorted key
 *    order, x_fake_* fields included);
 *  - only successful lines are billed: the batch's `usage` sums their prompt and completion tokens;
 *    failed lines carry no usage;
 *  - the enqueued-token limit: a batch's input tokens are the sum of promptTokens over all its lines.
 *    At validation a batch fails with "token_limit_exceeded" when its own input tokens plus those of
 *    the batches in in_progress, finalizing or cancelling exceed the limit (batches still validating
 *    are not counted; a batch's tokens count in full until it ends).
 *
 * Validation codes (errors.data[].code): "invalid_json_line" (not a JSON object),
 * "missing_required_parameter" (param "custom_id", "method", "url", "body" or "body.model"),
 * "invalid_type" (custom_id not a string, body not an object), "invalid_value" (method not POST),
 * "mismatched_endpoint" (url is not the batch's endpoint), "duplicate_custom_id", "empty_file" (no
 * lines; `line` null), "token_limit_exceeded" (`line` null). One error per bad line, its first problem.
 * Blank lines are skipped but counted in line numbers. expireOnNextPoll() on a still-validating batch
 * validates it first: an invalid file makes it `failed`, not `expired`.
 *
 * Times are unix seconds from the wall clock; created_at is strictly increasing over all batches (so
 * the list's newest-first order is stable); later timestamps of a batch never precede its created_at.
 * Ids are "file-…", "batch_…", "batch_req_…", "req_…" from counters, so a run is reproducible.
 */
class FakeOpenAi
{
public:
    FakeOpenAi(); ///< starts the thread; returns once it listens on 127.0.0.1 (a free port)
    ~FakeOpenAi();
    FakeOpenAi(const FakeOpenAi &) = delete;
    FakeOpenAi &operator=(const FakeOpenAi &) = delete;

    QUrl baseUrl() const;    ///< "http://127.0.0.1:PORT/v1"
    static QString apiKey(); ///< "sk-test-batchmon"; any other bearer gets 401

    // Knobs
    /// The next `requests` requests, whatever the route and key, get 429 with `retry-after`.
    void rateLimitNext(int requests, int retryAfterSeconds = 1);
    /// The next `requests` POST /v1/batches create their batch and then answer 500, as a server that
    /// failed (or a connection that dropped) after it made the batch.
    void failAfterCreatingNext(int requests);
    /// The enqueued-token limit; negative (the default): unlimited.
    void setEnqueuedTokenLimit(qint64 tokens);
    /// The next GET /v1/batches/{id} of that batch makes it `expired` (if it has not ended by then).
    void expireOnNextPoll(const QString &batchId);
    /// Default true: each GET /v1/batches/{id} moves an unfinished batch one step.
    void setAutoAdvance(bool on);
    /// One lifecycle step of that batch by hand (nothing for an ended or unknown batch).
    void advance(const QString &batchId);
    /// A `completed` batch made "outside batchmon": an input file of `total` lines with body.model
    /// `model`, the first `completed` succeeding and the rest failing with status 500 (so `failed`
    /// should be total − completed; it is taken as that). Real output/error files and usage. `metadata`
    /// empty: null. Returns its id.
    QString addExistingBatch(const QString &endpoint, const QString &model, int total, int completed,
                             int failed, const QJsonObject &metadata = {});

    // Inspection
    /// Requests seen by method and route pattern: "POST /v1/files", "GET /v1/files/{id}",
    /// "GET /v1/files/{id}/content", "DELETE /v1/files/{id}", "POST /v1/batches", "GET /v1/batches",
    /// "GET /v1/batches/{id}", "POST /v1/batches/{id}/cancel"; an unknown route counts under its method
    /// and literal path. Every request counts, refused ones (401, 429, 4xx) included.
    int callCount(const QString &methodAndPath) const;
    int totalCalls() const;
    /// Every request as "METHOD /path?query", in order (to check that no key travels in a URL).
    QStringList requestLog() const;
    /// The Batch object as GET /v1/batches/{id} would return it (without stepping); empty if unknown.
    QJsonObject batch(const QString &batchId) const;
    /// Ids of every batch, oldest first.
    QStringList batchIds() const;
    /// A file's bytes; empty if unknown.
    QByteArray fileContent(const QString &fileId) const;
    /// The Authorization header values seen, in order (requests without one add nothing).
    QStringList seenAuthorization() const;

    // The deterministic rules (tests compute their expectations with these)
    static qint64 promptTokens(const QByteArray &compactBody);     ///< 5 + size / 4
    static qint64 completionTokens(const QByteArray &compactBody); ///< 7 (0 on /v1/embeddings)
    static QString replyText(const QString &customId);             ///< "Fake reply to <custom_id>."

private:
    class State;
    class ServerThread;
    std::unique_ptr<State> m_state;
    std::unique_ptr<ServerThread> m_thread;
};

} // namespace batchmon::test
