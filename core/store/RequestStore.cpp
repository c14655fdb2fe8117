// SPDX-License-Identifier: GPL-3.0-or-later
#include "RequestStore.h"

#include <QSqlQuery>
#include <QVariant>

namespace batchmon {

namespace {

const QString kColumns = QStringLiteral(
    "custom_id, job_type, model, url, body, producer, received_at, estimated_input_tokens, status, job_id,"
    " status_code, response, error_code, error_message, input_tokens, output_tokens, finished_at");

std::optional<RequestState> stateFromWire(const QString &s)
{
    for (RequestState r : {RequestState::Queued, RequestState::Batched, RequestState::Completed,
                           RequestState::Failed, RequestState::Cancelled}) {
        if (toWireString(r) == s)
            return r;
    }
    return std::nullopt;
}

QVariant nullable(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

QString toWireString(RequestState state)
{
    switch (state) {
    case RequestState::Queued:
        return QStringLiteral("queued");
    case RequestState::Batched:
        return QStringLiteral("batched");
    case RequestState::Completed:
        return QStringLiteral("completed");
    case RequestState::Failed:
        return QStringLiteral("failed");
    case RequestState::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("queued");
}

qint64 RequestStore::estimateTokens(const QByteArray &body)
{
    return 1 + body.size() / 4;
}

StoredRequest RequestStore::read(const QSqlQuery &q)
{
    StoredRequest r;
    r.request.customId = q.value(0).toString();
    r.request.jobType = q.value(1).toString();
    r.request.model = q.value(2).toString();
    r.request.url = q.value(3).toString();
    r.request.body = q.value(4).toString().toUtf8();
    r.producer = q.value(5).toString();
    r.receivedAt = at(q.value(6).toLongLong());
    r.estimatedInputTokens = q.value(7).toLongLong();
    r.state = stateFromWire(q.value(8).toString()).value_or(RequestState::Queued);
    if (!q.value(9).isNull())
        r.jobId = q.value(9).toString();
    if (!q.value(10).isNull())
        r.statusCode = q.value(10).toInt();
    r.response = q.value(11).toString().toUtf8();
    if (!q.value(12).isNull())
        r.errorCode = q.value(12).toString();
    if (!q.value(13).isNull())
        r.errorMessage = q.value(13).toString();
    if (!q.value(14).isNull())
        r.inputTokens = q.value(14).toLongLong();
    if (!q.value(15).isNull())
        r.outputTokens = q.value(15).toLongLong();
    if (!q.value(16).isNull())
        r.finishedAt = at(q.value(16).toLongLong());
    return r;
}

StoreResult<std::optional<StoredRequest>> RequestStore::find(const QString &customId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns +
                           QStringLiteral(" FROM batch_requests WHERE custom_id = ?"),
                       {customId});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<StoredRequest>();
    return std::optional<StoredRequest>(read(q.value()));
}

StoreResult<RequestStore::Submitted> RequestStore::submit(const QList<IntakeRequest> &requests,
                                                          const QString &producer, const QDateTime &now)
{
    return inTransaction(m_db, [&]() -> StoreResult<Submitted> {
        Submitted out;
        for (const IntakeRequest &r : requests) {
            auto existing = find(r.customId);
            if (!existing)
                return existing.error();
            if (existing.value()) {
                if (!existing.value()->request.sameContent(r))
                    return StoreError{StoreError::Kind::Conflict,
                                      QStringLiteral("customId \"%1\" was submitted before with other "
                                                     "content; a customId names one request for good")
                                          .arg(r.customId)};
                out.requests.append(*existing.value());
                continue;
            }
            StoredRequest s;
            s.request = r;
            s.producer = producer;
            s.receivedAt = now.toUTC();
            s.estimatedInputTokens = estimateTokens(r.body);
            auto w = m_db.exec(QStringLiteral("INSERT INTO batch_requests (custom_id, job_type, model, url,"
                                              " body, producer, received_at, estimated_input_tokens, status)"
                                              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                               {r.customId, r.jobType, r.model, r.url, QString::fromUtf8(r.body), producer,
                                s.receivedAt.toMSecsSinceEpoch(), s.estimatedInputTokens,
                                toWireString(RequestState::Queued)});
            if (!w)
                return w.error();
            out.requests.append(s);
            ++out.created;
        }
        return out;
    });
}

StoreResult<QList<WaitingGroup>> RequestStore::waitingGroups()
{
    auto q =
        m_db.exec(QStringLiteral("SELECT job_type, model, url, COUNT(*), MIN(received_at) FROM batch_requests"
                                 " WHERE job_id IS NULL GROUP BY job_type, model, url"
                                 " ORDER BY job_type, model, url"));
    if (!q)
        return q.error();
    QList<WaitingGroup> groups;
    while (q.value().next())
        groups.append({q.value().value(0).toString(), q.value().value(1).toString(),
                       q.value().value(2).toString(), q.value().value(3).toLongLong(),
                       at(q.value().value(4).toLongLong())});
    return groups;
}

StoreResult<qint64> RequestStore::assign(const WaitingGroup &group, qint64 count, const QString &jobId)
{
    auto u = m_db.exec(
        QStringLiteral("UPDATE batch_requests SET job_id = ?, status = ? WHERE custom_id IN ("
                       "SELECT custom_id FROM batch_requests WHERE job_id IS NULL AND job_type = ? AND"
                       " model = ? AND url = ? ORDER BY received_at, custom_id LIMIT ?)"),
        {jobId, toWireString(RequestState::Batched), group.jobType, group.model, group.url, count});
    if (!u)
        return u.error();
    auto q =
        m_db.exec(QStringLiteral(
                      "SELECT COALESCE(SUM(estimated_input_tokens), 0) FROM batch_requests WHERE job_id = ?"),
                  {jobId});
    if (!q)
        return q.error();
    return q.value().next() ? q.value().value(0).toLongLong() : qint64(0);
}

StoreResult<qint64> RequestStore::reassignUnfinished(const QString &fromJobId, const QString &toJobId)
{
    auto u = m_db.exec(
        QStringLiteral("UPDATE batch_requests SET job_id = ?, status = ?, status_code = NULL,"
                       " response = NULL, error_code = NULL, error_message = NULL,"
                       " input_tokens = NULL, output_tokens = NULL, finished_at = NULL"
                       " WHERE job_id = ? AND status <> ?"),
        {toJobId, toWireString(RequestState::Batched), fromJobId, toWireString(RequestState::Completed)});
    if (!u)
        return u.error();
    return qint64(u.value().numRowsAffected());
}

StoreResult<QList<StoredRequest>> RequestStore::forJob(const QString &jobId)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns +
                           QStringLiteral(" FROM batch_requests WHERE job_id = ? ORDER BY custom_id"),
                       {jobId});
    if (!q)
        return q.error();
    QList<StoredRequest> out;
    while (q.value().next())
        out.append(read(q.value()));
    return out;
}

StoreResult<Done> RequestStore::recordOutcomes(const QString &jobId, const QList<RecordedOutcome> &outcomes,
                                               RequestState missing, const QString &missingCode,
                                               const QDateTime &finishedAt)
{
    const qint64 when = finishedAt.toMSecsSinceEpoch();
    for (const RecordedOutcome &o : outcomes) {
        auto u =
            m_db.exec(QStringLiteral("UPDATE batch_requests SET status = ?, status_code = ?, response = ?,"
                                     " error_code = ?, error_message = ?, input_tokens = ?,"
                                     " output_tokens = ?, finished_at = ? WHERE custom_id = ? AND"
                                     " job_id = ?"),
                      {toWireString(o.state), o.statusCode > 0 ? QVariant(o.statusCode) : QVariant(),
                       o.response.isEmpty() ? QVariant() : QVariant(QString::fromUtf8(o.response)),
                       nullable(o.errorCode), nullable(o.errorMessage), o.inputTokens, o.outputTokens, when,
                       o.customId, jobId});
        if (!u)
            return u.error();
    }
    if (missing == RequestState::Batched)
        return Done{};
    const bool failed = missing == RequestState::Failed;
    auto rest =
        m_db.exec(QStringLiteral("UPDATE batch_requests SET status = ?, error_code = ?, finished_at = ?"
                                 " WHERE job_id = ? AND status = ?"),
                  {toWireString(missing), failed ? nullable(missingCode) : QVariant(), when, jobId,
                   toWireString(RequestState::Batched)});
    if (!rest)
        return rest.error();
    return Done{};
}

StoreResult<Done> RequestStore::resetOutcomes(const QString &jobId)
{
    auto u =
        m_db.exec(QStringLiteral("UPDATE batch_requests SET status = ?, status_code = NULL, response = NULL,"
                                 " error_code = NULL, error_message = NULL, input_tokens = NULL,"
                                 " output_tokens = NULL, finished_at = NULL WHERE job_id = ?"),
                  {toWireString(RequestState::Batched), jobId});
    if (!u)
        return u.error();
    return Done{};
}

StoreResult<qint64> RequestStore::purgeReceivedBefore(const QDateTime &cutoff)
{
    auto d =
        m_db.exec(QStringLiteral("DELETE FROM batch_requests WHERE received_at < ? AND status IN (?, ?, ?)"),
                  {cutoff.toMSecsSinceEpoch(), toWireString(RequestState::Completed),
                   toWireString(RequestState::Failed), toWireString(RequestState::Cancelled)});
    if (!d)
        return d.error();
    return qint64(d.value().numRowsAffected());
}

} // namespace batchmon
