// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Database.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace batchmon {

/// Where a request of the intake stands (docs/api.md §18).
enum class RequestState
{
    Queued,    ///< received, waiting for a batch
    Batched,   ///< in a job, sent or about to be
    Completed, ///< a response with status < 400
    Failed,    ///< an error, a response with status >= 400, or its batch failed or expired
    Cancelled  ///< its batch was cancelled before it ran
};

QString toWireString(RequestState state);

/// A request as a producer submits it (docs/api.md §18.1).
struct IntakeRequest
{
    QString customId;
    QString jobType;
    QString model;
    QString url = QStringLiteral("/v1/chat/completions");
    QByteArray body; ///< a JSON object, compact

    bool sameContent(const IntakeRequest &o) const
    {
        return customId == o.customId && jobType == o.jobType && model == o.model && url == o.url &&
               body == o.body;
    }
};

/// A stored request with what became of it.
struct StoredRequest
{
    IntakeRequest request;
    QString producer;
    QDateTime receivedAt;
    qint64 estimatedInputTokens = 0;
    RequestState state = RequestState::Queued;
    std::optional<QString> jobId;
    std::optional<int> statusCode;
    QByteArray response; ///< the provider's response body (JSON), empty when there is none
    std::optional<QString> errorCode;
    std::optional<QString> errorMessage;
    std::optional<qint64> inputTokens;
    std::optional<qint64> outputTokens;
    std::optional<QDateTime> finishedAt;
};

/// Requests waiting for a batch, of one job type, model and endpoint.
struct WaitingGroup
{
    QString jobType;
    QString model;
    QString url;
    qint64 count = 0;
    QDateTime oldestReceivedAt;
};

/// The outcome of one request, as the pipeline records it.
struct RecordedOutcome
{
    QString customId;
    RequestState state = RequestState::Completed;
    int statusCode = 0; ///< 0: none
    QByteArray response;
    QString errorCode;
    QString errorMessage;
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
};

/**
 * The intake's requests in the store (table batch_requests): submitted by producers, grouped into jobs
 * by the pipeline (job type, model and endpoint, oldest first), and their outcomes once the job's batch
 * finished. Submission is idempotent on custom_id.
 */
class RequestStore
{
public:
    explicit RequestStore(Database &db) : m_db(db) {}

    /// What submit() did with each request, in the order given.
    struct Submitted
    {
        QList<StoredRequest> requests;
        int created = 0; ///< the rest were there already, with the same content
    };
    /**
     * Stores the requests that are new; one already stored with the same content is returned as it
     * stands. All or nothing: a custom_id stored with other content is a Conflict naming it, and
     * nothing is written.
     */
    StoreResult<Submitted> submit(const QList<IntakeRequest> &requests, const QString &producer,
                                  const QDateTime &now);
    StoreResult<std::optional<StoredRequest>> find(const QString &customId);

    /// A crude estimate of a body's input tokens (about four bytes a token), for the provider's quota.
    static qint64 estimateTokens(const QByteArray &body);

    /// Groups of requests not yet in a job.
    StoreResult<QList<WaitingGroup>> waitingGroups();
    /// Puts the `count` oldest waiting requests of `group` into job `jobId`; returns their estimated
    /// input tokens.
    StoreResult<qint64> assign(const WaitingGroup &group, qint64 count, const QString &jobId);
    /// Moves the requests of `fromJobId` that did not complete (failed, cancelled, never ran) to job
    /// `toJobId` (a retry), clearing their outcomes; returns how many moved.
    StoreResult<qint64> reassignUnfinished(const QString &fromJobId, const QString &toJobId);
    /// The requests of a job, as a provider sends them, in custom_id order.
    StoreResult<QList<StoredRequest>> forJob(const QString &jobId);
    /// Records outcomes of the job's requests; the job's requests without one get `missing` (Failed
    /// with `missingCode`, or Cancelled) unless `missing` is Batched (left as they are).
    StoreResult<Done> recordOutcomes(const QString &jobId, const QList<RecordedOutcome> &outcomes,
                                     RequestState missing, const QString &missingCode,
                                     const QDateTime &finishedAt);
    /// Makes the job's requests Batched again with no outcome (its batch is to be sent anew).
    StoreResult<Done> resetOutcomes(const QString &jobId);
    /// Deletes the finished requests received before `cutoff` (retention); returns how many went.
    StoreResult<qint64> purgeReceivedBefore(const QDateTime &cutoff);

private:
    static StoredRequest read(const QSqlQuery &q);
    Database &m_db;
};

} // namespace batchmon
