// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiJson.h"

#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace batchmon::openai {

namespace {

constexpr std::array<std::pair<JobStatus, const char *>, 8> kOpenAiStatuses{{
    {JobStatus::Validating, "validating"},
    {JobStatus::Failed, "failed"},
    {JobStatus::InProgress, "in_progress"},
    {JobStatus::Finalizing, "finalizing"},
    {JobStatus::Completed, "completed"},
    {JobStatus::Expired, "expired"},
    {JobStatus::Cancelling, "cancelling"},
    {JobStatus::Cancelled, "cancelled"},
}};

constexpr qint64 kDayMs = 24LL * 3600 * 1000;
/// How much of a body that is not an OpenAI error object goes into a message.
constexpr int kMaxQuotedBody = 300;

void appendJsonString(QByteArray &out, const QString &text)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : text.toUtf8()) {
        const auto u = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (u < 0x20) {
                out += "\\u00";
                out += hex[u >> 4];
                out += hex[u & 0xF];
            } else {
                out += c;
            }
            break;
        }
    }
    out += '"';
}

/// A string member; empty for null, a missing member or another type.
QString text(const QJsonObject &object, QLatin1String key)
{
    return object.value(key).toString();
}

/// A count: 0 unless it is a non-negative integer.
qint64 count(const QJsonObject &object, QLatin1String key)
{
    return std::max<qint64>(0, object.value(key).toInteger());
}

std::optional<QDateTime> unixTime(const QJsonObject &object, QLatin1String key)
{
    const QJsonValue value = object.value(key);
    if (!value.isDouble())
        return std::nullopt;
    const double seconds = value.toDouble();
    if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e11)
        return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(std::llround(seconds), Qt::UTC);
}

/// The two names OpenAI uses for each count: Chat Completions' and Embeddings' prompt/completion, the
/// Responses and Batch API's input/output.
TokenUsage usageOf(const QJsonObject &usage)
{
    TokenUsage tokens;
    tokens.input = usage.contains(QLatin1String("input_tokens"))
                       ? count(usage, QLatin1String("input_tokens"))
                       : count(usage, QLatin1String("prompt_tokens"));
    tokens.output = usage.contains(QLatin1String("output_tokens"))
                        ? count(usage, QLatin1String("output_tokens"))
                        : count(usage, QLatin1String("completion_tokens"));
    return tokens;
}

std::optional<QDateTime> finishedAtOf(const QJsonObject &object, JobStatus status)
{
    switch (status) {
    case JobStatus::Completed:
        return unixTime(object, QLatin1String("completed_at"));
    case JobStatus::Failed:
        return unixTime(object, QLatin1String("failed_at"));
    case JobStatus::Expired:
        return unixTime(object, QLatin1String("expired_at"));
    case JobStatus::Cancelled:
        return unixTime(object, QLatin1String("cancelled_at"));
    default:
        return std::nullopt;
    }
}

RequestOutcome malformed(QString customId, const QString &why)
{
    RequestOutcome outcome;
    outcome.customId = std::move(customId);
    outcome.failed = true;
    outcome.errorCode = malformedLineCode();
    outcome.errorMessage = why;
    return outcome;
}

/// A JSON member that should be a string but may be a number (some servers send numeric codes).
QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toInteger(qint64(value.toDouble())));
    return {};
}

} // namespace

QString unknownErrorCode()
{
    return QStringLiteral("unknown");
}

QString malformedLineCode()
{
    return QStringLiteral("malformed_output_line");
}

QString batchCancelledCode()
{
    return QStringLiteral("batch_cancelled");
}

QByteArray jsonlLine(const ProviderRequest &request)
{
    QByteArray body = request.body.trimmed();
    if (body.isEmpty())
        body = QByteArrayLiteral("{}");
    body.replace('\n', ' ');
    body.replace('\r', ' ');

    QByteArray line;
    line.reserve(body.size() + request.customId.size() + request.url.size() + 64);
    line += "{\"custom_id\":";
    appendJsonString(line, request.customId);
    line += ",\"method\":\"POST\",\"url\":";
    appendJsonString(line, request.url);
    line += ",\"body\":";
    line += body;
    line += '}';
    return line;
}

QByteArray writeJsonl(const QList<ProviderRequest> &requests)
{
    QByteArray file;
    for (const ProviderRequest &request : requests) {
        file += jsonlLine(request);
        file += '\n';
    }
    return file;
}

std::optional<JobStatus> statusFromOpenAi(QStringView status)
{
    for (const auto &[value, name] : kOpenAiStatuses) {
        if (status == QLatin1String(name))
            return value;
    }
    return std::nullopt;
}

QString jobTypeForEndpoint(QStringView endpoint)
{
    QString type = endpoint.trimmed().toString();
    if (type.startsWith(QLatin1String("/v1/")))
        type.remove(0, 4);
    while (type.startsWith(QLatin1Char('/')))
        type.remove(0, 1);
    while (type.endsWith(QLatin1Char('/')))
        type.chop(1);
    type.replace(QLatin1Char('/'), QLatin1Char('_'));
    type.replace(QLatin1Char('-'), QLatin1Char('_'));
    return type;
}

Result<BatchObject, QString> batchFromJson(const QJsonObject &object, qint64 requestCount)
{
    BatchObject batch;
    const QString id = text(object, QLatin1String("id"));
    if (id.isEmpty())
        return QStringLiteral("the batch object has no id");
    const QString statusText = text(object, QLatin1String("status"));
    const auto status = statusFromOpenAi(statusText);
    if (!status)
        return QStringLiteral("batch %1 has a status batchmon does not know: \"%2\"").arg(id, statusText);

    batch.endpoint = text(object, QLatin1String("endpoint"));
    batch.model = text(object, QLatin1String("model"));
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    for (auto it = metadata.constBegin(); it != metadata.constEnd(); ++it) {
        if (it.value().isString())
            batch.metadata.insert(it.key(), it.value().toString());
    }
    const QJsonObject counts = object.value(QLatin1String("request_counts")).toObject();
    batch.status.totalRequests = count(counts, QLatin1String("total"));
    batch.inputFileId = text(object, QLatin1String("input_file_id"));
    batch.outputFileId = text(object, QLatin1String("output_file_id"));
    batch.errorFileId = text(object, QLatin1String("error_file_id"));
    if (const QJsonValue usage = object.value(QLatin1String("usage")); usage.isObject()) {
        const TokenUsage tokens = usageOf(usage.toObject());
        if (tokens.input > 0 || tokens.output > 0)
            batch.usage = tokens;
    }
    batch.createdAt = unixTime(object, QLatin1String("created_at")).value_or(QDateTime());

    ProviderBatchStatus &s = batch.status;
    s.batchId = id;
    s.status = *status;
    s.inProgressAt = unixTime(object, QLatin1String("in_progress_at"));
    s.finishedAt = finishedAtOf(object, *status);

    if (*status == JobStatus::Failed) {
        // Refused at validation: OpenAI reports 0 completed and 0 failed, but batchmon's rule is that a
        // finished job has an outcome for every request, so all fail with the batch's code (as
        // SimulatedProvider reports a refused batch).
        const QJsonArray errors =
            object.value(QLatin1String("errors")).toObject().value(QLatin1String("data")).toArray();
        QString code =
            errors.isEmpty() ? QString() : scalarText(errors.first().toObject().value(QLatin1String("code")));
        if (code.isEmpty())
            code = unknownErrorCode();
        s.batchError = code;
        const qint64 requests = requestCount > 0 ? requestCount : batch.status.totalRequests;
        s.failedCount = requests;
        if (requests > 0)
            s.errorCounts.insert(code, requests);
        return batch;
    }

    s.completedCount = count(counts, QLatin1String("completed"));
    s.failedCount = count(counts, QLatin1String("failed"));
    if (s.failedCount > 0)
        s.errorCounts.insert(unknownErrorCode(), s.failedCount);
    if (batch.usage) {
        s.inputTokens = batch.usage->input;
        s.outputTokens = batch.usage->output;
    }
    if (*status == JobStatus::Expired)
        s.batchError = errorcode::batchExpired();
    return batch;
}

Result<BatchObject, QString> parseBatch(const QByteArray &json, qint64 requestCount)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("the answer is not JSON: %1").arg(error.errorString());
    if (!document.isObject())
        return QStringLiteral("the answer is not a JSON object");
    return batchFromJson(document.object(), requestCount);
}

ListedBatch listedBatch(const BatchObject &batch)
{
    ListedBatch listed;
    listed.batchId = batch.status.batchId;
    listed.endpoint = batch.endpoint;
    listed.model = batch.model;
    if (listed.model.isEmpty())
        listed.model = batch.metadata.value(QStringLiteral("model"));
    listed.jobType = batch.metadata.value(QStringLiteral("job_type"));
    if (listed.jobType.isEmpty())
        listed.jobType = jobTypeForEndpoint(batch.endpoint);
    const QString job = batch.metadata.value(QStringLiteral("batchmon_job"));
    if (!job.isEmpty())
        listed.batchmonJob = job;
    listed.status = batch.status.status;
    listed.requestCount = batch.status.totalRequests;
    listed.createdAt = batch.createdAt;
    return listed;
}

Result<BatchPage, QString> parseBatchPage(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return QStringLiteral("the answer is not JSON: %1").arg(error.errorString());
    const QJsonObject object = document.object();
    const QJsonValue data = object.value(QLatin1String("data"));
    if (!document.isObject() || !data.isArray())
        return QStringLiteral("the answer is not a list of batches");

    BatchPage page;
    QString lastSeen;
    for (const QJsonValue &entry : data.toArray()) {
        const QJsonObject batchObject = entry.toObject();
        if (const QString id = text(batchObject, QLatin1String("id")); !id.isEmpty())
            lastSeen = id;
        // A batch in a state this version does not know is left out rather than failing the whole list;
        // paging goes on past it through last_id.
        const auto batch = batchFromJson(batchObject, 0);
        if (batch)
            page.batches.append(listedBatch(batch.value()));
    }
    page.hasMore = object.value(QLatin1String("has_more")).toBool();
    page.lastId = text(object, QLatin1String("last_id"));
    if (page.lastId.isEmpty())
        page.lastId = lastSeen;
    return page;
}

RequestOutcome parseResultLine(const QByteArray &line)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(QString(), QStringLiteral("not JSON: %1").arg(parseError.errorString()));
    if (!document.isObject())
        return malformed(QString(), QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    const QString customId = text(object, QLatin1String("custom_id"));
    const QJsonValue error = object.value(QLatin1String("error"));
    const QJsonValue response = object.value(QLatin1String("response"));
    const bool hasError = !error.isNull() && !error.isUndefined();
    if (!hasError && !response.isObject())
        return malformed(customId, QStringLiteral("neither a response nor an error"));

    RequestOutcome outcome;
    outcome.customId = customId;
    QJsonObject bodyError;
    if (response.isObject()) {
        const QJsonObject responseObject = response.toObject();
        outcome.statusCode = responseObject.value(QLatin1String("status_code")).toInt();
        const QJsonValue body = responseObject.value(QLatin1String("body"));
        if (body.isObject()) {
            const QJsonObject bodyObject = body.toObject();
            outcome.response = QJsonDocument(bodyObject).toJson(QJsonDocument::Compact);
            const TokenUsage tokens = usageOf(bodyObject.value(QLatin1String("usage")).toObject());
            outcome.inputTokens = tokens.input;
            outcome.outputTokens = tokens.output;
            bodyError = bodyObject.value(QLatin1String("error")).toObject();
        } else if (body.isArray()) {
            outcome.response = QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        }
    }
    outcome.failed = hasError || outcome.statusCode >= 400;
    if (!outcome.failed)
        return outcome;

    const QJsonObject errorObject = error.toObject();
    outcome.errorCode = scalarText(errorObject.value(QLatin1String("code")));
    if (outcome.errorCode.isEmpty())
        outcome.errorCode = scalarText(bodyError.value(QLatin1String("code")));
    if (outcome.errorCode.isEmpty())
        outcome.errorCode = text(bodyError, QLatin1String("type"));
    if (outcome.errorCode.isEmpty()) {
        outcome.errorCode =
            outcome.statusCode > 0 ? QStringLiteral("http_%1").arg(outcome.statusCode) : unknownErrorCode();
    }
    outcome.errorMessage = error.isString() ? error.toString() : text(errorObject, QLatin1String("message"));
    if (outcome.errorMessage.isEmpty())
        outcome.errorMessage = text(bodyError, QLatin1String("message"));
    return outcome;
}

qint64 readResultFile(QIODevice &device, JobStatus batchStatus, QList<RequestOutcome> &outcomes)
{
    qint64 added = 0;
    while (!device.atEnd()) {
        const QByteArray line = device.readLine().trimmed();
        if (line.isEmpty())
            continue;
        RequestOutcome outcome = parseResultLine(line);
        if (batchStatus == JobStatus::Cancelled && outcome.failed &&
            outcome.errorCode == batchCancelledCode())
            continue;
        outcomes.append(std::move(outcome));
        ++added;
    }
    return added;
}

void applyOutcomes(ProviderBatchStatus &status, qint64 requestCount, const std::optional<TokenUsage> &usage)
{
    status.completedCount = 0;
    status.failedCount = 0;
    status.errorCounts.clear();
    TokenUsage all;
    TokenUsage completed;
    for (const RequestOutcome &outcome : std::as_const(status.outcomes)) {
        all.input += outcome.inputTokens;
        all.output += outcome.outputTokens;
        if (outcome.failed) {
            ++status.failedCount;
            ++status.errorCounts[outcome.errorCode];
        } else {
            ++status.completedCount;
            completed.input += outcome.inputTokens;
            completed.output += outcome.outputTokens;
        }
    }
    // What OpenAI did not write a line for did not run before the window closed: failed, with the
    // batch's code, as the simulated provider counts an expired batch.
    if (status.status == JobStatus::Expired)
        failUnrunAsExpired(status, requestCount);
    status.completedInputTokens = completed.input;
    status.completedOutputTokens = completed.output;
    // The batch's own usage is what is billed; it cannot be less than what the completed lines used.
    status.inputTokens = usage ? std::max(usage->input, completed.input) : all.input;
    status.outputTokens = usage ? std::max(usage->output, completed.output) : all.output;
}

ServerError parseErrorBody(const QByteArray &body)
{
    ServerError error;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error == QJsonParseError::NoError && document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue inner = object.value(QLatin1String("error"));
        if (inner.isObject()) {
            const QJsonObject e = inner.toObject();
            error.message = text(e, QLatin1String("message"));
            error.type = text(e, QLatin1String("type"));
            error.code = scalarText(e.value(QLatin1String("code")));
            return error;
        }
        // Other OpenAI-compatible servers: {"error": "…"}, {"message": "…"}, {"detail": "…"}.
        for (const auto key : {QLatin1String("error"), QLatin1String("message"), QLatin1String("detail")}) {
            if (object.value(key).isString()) {
                error.message = object.value(key).toString();
                return error;
            }
        }
    }
    QString quoted = QString::fromUtf8(body).simplified();
    if (quoted.size() > kMaxQuotedBody) {
        quoted.truncate(kMaxQuotedBody);
        quoted += QStringLiteral("…");
    }
    error.message = quoted;
    return error;
}

ProviderError errorForStatus(const QString &what, int status, const QByteArray &body,
                             std::optional<int> retryAfterSeconds)
{
    const ServerError server = parseErrorBody(body);
    ProviderError error;
    error.retryAfterSeconds = retryAfterSeconds;
    QString summary;
    if (status == 401 || status == 403) {
        error.kind = ProviderError::Kind::Unauthorized;
        summary = QStringLiteral("the OpenAI API refused the key (HTTP %1)").arg(status);
    } else if (status == 404) {
        error.kind = ProviderError::Kind::NotFound;
        summary = QStringLiteral("not found (HTTP 404)");
    } else if (status == 409) {
        error.kind = ProviderError::Kind::Conflict;
        summary = QStringLiteral("conflict (HTTP 409)");
    } else if (status == 429 && server.code == QLatin1String("insufficient_quota")) {
        error.kind = ProviderError::Kind::QuotaExceeded;
        summary = QStringLiteral("the account's quota is used up (HTTP 429)");
    } else if (status == 429) {
        error.kind = ProviderError::Kind::RateLimited;
        summary = QStringLiteral("rate limited (HTTP 429)");
    } else if (status >= 500 || status == 408) {
        error.kind = ProviderError::Kind::Unavailable;
        summary = QStringLiteral("the OpenAI API is unavailable (HTTP %1)").arg(status);
    } else if (status >= 300 && status < 400) {
        error.kind = ProviderError::Kind::Other;
        summary = QStringLiteral("redirected (HTTP %1), and redirects are not followed: set "
                                 "OPENAI_BASE_URL to the address that answers")
                      .arg(status);
    } else {
        error.kind = ProviderError::Kind::Other;
        summary = QStringLiteral("the OpenAI API refused the request (HTTP %1)").arg(status);
    }
    error.message = server.message.isEmpty()
                        ? QStringLiteral("%1: %2").arg(what, summary)
                        : QStringLiteral("%1: %2: %3").arg(what, summary, server.message);
    return error;
}

std::optional<qint64> retryAfterMs(const QByteArray &retryAfterMsHeader, const QByteArray &retryAfterHeader,
                                   const QDateTime &now)
{
    bool ok = false;
    const double ms = retryAfterMsHeader.trimmed().toDouble(&ok);
    if (ok && std::isfinite(ms) && ms >= 0)
        return std::min<qint64>(kDayMs, std::llround(ms));
    const QByteArray value = retryAfterHeader.trimmed();
    if (value.isEmpty())
        return std::nullopt;
    const double seconds = value.toDouble(&ok);
    if (ok && std::isfinite(seconds) && seconds >= 0)
        return std::min<qint64>(kDayMs, std::llround(std::min(seconds, 86400.0) * 1000));
    // The other form RFC 9110 allows: an HTTP date, "Sat, 01 Mar 2025 12:00:07 GMT" (which Qt's RFC 2822
    // parser does not take, for the "GMT").
    QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(value),
                                           QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (at.isValid())
        at.setTimeZone(QTimeZone::utc());
    else
        at = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
    if (at.isValid())
        return std::clamp<qint64>(now.msecsTo(at), 0, kDayMs);
    return std::nullopt;
}

} // namespace batchmon::openai
