// SPDX-License-Identifier: GPL-3.0-or-later
#include "FakeOpenAi.h"

#include <QDateTime>
#include <QHash>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QList>
#include <QMap>
#include <QMutex>
#include <QMutexLocker>
#include <QSemaphore>
#include <QSet>
#include <QThread>
#include <QUrlQuery>

#include <algorithm>
#include <optional>

namespace batchmon::test {

namespace {

constexpr qint64 kDaySecs = 24 * 60 * 60;
constexpr int kMaxMetadataPairs = 16;
constexpr int kMaxMetadataKey = 64;
constexpr int kMaxMetadataValue = 512;

const QStringList &batchEndpoints()
{
    static const QStringList endpoints = {QStringLiteral("/v1/chat/completions"),
                                          QStringLiteral("/v1/embeddings"), QStringLiteral("/v1/completions"),
                                          QStringLiteral("/v1/responses")};
    return endpoints;
}

qint64 nowSecs()
{
    return QDateTime::currentSecsSinceEpoch();
}

QByteArray compactJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonValue timeOrNull(qint64 t)
{
    return t > 0 ? QJsonValue(t) : QJsonValue(QJsonValue::Null);
}

QJsonValue stringOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

/// OpenAI's error envelope.
QJsonObject errorBody(const QString &message, const QString &type, const QJsonValue &param,
                      const QJsonValue &code)
{
    return QJsonObject{{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), message},
                                                             {QStringLiteral("type"), type},
                                                             {QStringLiteral("param"), param},
                                                             {QStringLiteral("code"), code}}}};
}

/// What the server answers to one request.
struct Reply
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
};

Reply jsonReply(const QJsonObject &o, int status = 200)
{
    Reply r;
    r.status = status;
    r.body = compactJson(o);
    return r;
}

Reply invalidRequest(int status, const QString &message, const QJsonValue &param = QJsonValue::Null,
                     const QJsonValue &code = QJsonValue::Null)
{
    return jsonReply(errorBody(message, QStringLiteral("invalid_request_error"), param, code), status);
}

/// A request as the handler sees it.
struct Request
{
    QByteArray method;
    QString path;
    QUrlQuery query;
    std::optional<QByteArray> authorization;
    QByteArray contentType;
    QByteArray body;
};

/// The parameters of a header value such as `form-data; name="file"; filename="a.jsonl"` (names
/// lower-cased; quoted values unquoted; the leading item without '=' skipped).
QMap<QByteArray, QByteArray> headerParameters(const QByteArray &value)
{
    QMap<QByteArray, QByteArray> params;
    const qsizetype n = value.size();
    qsizetype i = 0;
    while (i < n) {
        const qsizetype keyStart = i;
        while (i < n && value.at(i) != '=' && value.at(i) != ';')
            ++i;
        const QByteArray key = value.mid(keyStart, i - keyStart).trimmed().toLower();
        if (i < n && value.at(i) == '=') {
            ++i;
            while (i < n && value.at(i) == ' ')
                ++i;
            QByteArray v;
            if (i < n && value.at(i) == '"') {
                ++i;
                while (i < n && value.at(i) != '"') {
                    if (value.at(i) == '\\' && i + 1 < n)
                        ++i;
                    v += value.at(i);
                    ++i;
                }
                while (i < n && value.at(i) != ';')
                    ++i;
            } else {
                const qsizetype valueStart = i;
                while (i < n && value.at(i) != ';')
                    ++i;
                v = value.mid(valueStart, i - valueStart).trimmed();
            }
            if (!key.isEmpty())
                params.insert(key, v);
        }
        ++i; // the ';'
    }
    return params;
}

struct FormPart
{
    QByteArray name;
    std::optional<QByteArray> filename;
    QByteArray data;
};

/// The parts of a multipart/form-data body (RFC 7578), or nullopt when it is not one.
std::optional<QList<FormPart>> parseMultipart(const QByteArray &contentType, const QByteArray &body)
{
    const qsizetype semicolon = contentType.indexOf(';');
    if (semicolon < 0 || contentType.left(semicolon).trimmed().toLower() != "multipart/form-data")
        return std::nullopt;
    const QByteArray boundary = headerParameters(contentType.mid(semicolon + 1)).value("boundary");
    if (boundary.isEmpty())
        return std::nullopt;
    const QByteArray delimiter = "--" + boundary;
    const QByteArray partEnd = "\r\n--" + boundary;

    qsizetype pos = body.indexOf(delimiter); // anything before it is preamble
    if (pos < 0)
        return std::nullopt;
    pos += delimiter.size();
    QList<FormPart> parts;
    for (;;) {
        if (body.mid(pos, 2) == "--")
            return parts; // the closing delimiter
        while (pos < body.size() && (body.at(pos) == ' ' || body.at(pos) == '\t'))
            ++pos;
        if (body.mid(pos, 2) != "\r\n")
            return std::nullopt;
        pos += 2;
        qsizetype dataStart = 0;
        QByteArray headerBlock;
        if (body.mid(pos, 2) == "\r\n") {
            dataStart = pos + 2; // a part without headers
        } else {
            const qsizetype headersEnd = body.indexOf("\r\n\r\n", pos);
            if (headersEnd < 0)
                return std::nullopt;
            headerBlock = body.mid(pos, headersEnd - pos);
            dataStart = headersEnd + 4;
        }
        const qsizetype dataEnd = body.indexOf(partEnd, dataStart);
        if (dataEnd < 0)
            return std::nullopt;

        FormPart part;
        const QList<QByteArray> headerLines = headerBlock.split('\n');
        for (const QByteArray &line : headerLines) {
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                continue;
            if (line.left(colon).trimmed().toLower() != "content-disposition")
                continue;
            const QMap<QByteArray, QByteArray> params = headerParameters(line.mid(colon + 1).trimmed());
            part.name = params.value("name");
            if (params.contains("filename"))
                part.filename = params.value("filename");
        }
        part.data = body.mid(dataStart, dataEnd - dataStart);
        parts.append(part);
        pos = dataEnd + partEnd.size();
    }
}

/// A deterministic 32-bit FNV-1a hash (qHash may be seeded per process).
quint32 fnv1a(const QByteArray &data)
{
    quint32 h = 2166136261u;
    for (const char c : data) {
        h ^= quint8(c);
        h *= 16777619u;
    }
    return h;
}

struct StoredFile
{
    QString id;
    QByteArray content;
    qint64 createdAt = 0;
    QString filename;
    QString purpose;
};

struct InputLine
{
    QString customId;
    QJsonObject body;
    QByteArray compactBody;
};

struct LineError
{
    QString code;
    QString message;
    QString param; ///< empty: null
    int line = 0;  ///< 1-based; 0: null
};

struct StoredBatch
{
    QString id;
    QString endpoint;
    QString inputFileId;
    QString completionWindow;
    QString status;
    QJsonValue model = QJsonValue::Null;
    QJsonValue metadata = QJsonValue::Null;
    QList<LineError> errors;
    QString outputFileId;
    QString errorFileId;
    qint64 createdAt = 0; // times: unix seconds, 0 for null
    qint64 inProgressAt = 0;
    qint64 expiresAt = 0;
    qint64 finalizingAt = 0;
    qint64 completedAt = 0;
    qint64 failedAt = 0;
    qint64 expiredAt = 0;
    qint64 cancellingAt = 0;
    qint64 cancelledAt = 0;
    qint64 total = 0;
    qint64 completed = 0;
    qint64 failed = 0;
    qint64 billedInputTokens = 0;
    qint64 billedOutputTokens = 0;
    qint64 enqueuedTokens = 0; ///< promptTokens of every line, once validated
    QList<InputLine> lines;    ///< once validated
    int processed = 0;         ///< lines[0, processed) are in outputJsonl/errorJsonl
    QByteArray outputJsonl;
    QByteArray errorJsonl;
};

bool hasEnded(const QString &status)
{
    return status == QLatin1String("completed") || status == QLatin1String("failed") ||
           status == QLatin1String("expired") || status == QLatin1String("cancelled");
}

/// The first problem of one parsed input line, if any (duplicates are checked by the caller).
std::optional<LineError> lineProblem(const QJsonObject &o, const QString &endpoint)
{
    const auto missing = [](const QString &param) -> LineError {
        return {QStringLiteral("missing_required_parameter"),
                QStringLiteral("Missing required parameter: '%1'.").arg(param), param, 0};
    };
    if (!o.contains(QStringLiteral("custom_id")))
        return missing(QStringLiteral("custom_id"));
    if (!o.value(QStringLiteral("custom_id")).isString())
        return LineError{QStringLiteral("invalid_type"), QStringLiteral("'custom_id' must be a string."),
                         QStringLiteral("custom_id"), 0};
    if (!o.contains(QStringLiteral("method")))
        return missing(QStringLiteral("method"));
    if (o.value(QStringLiteral("method")).toString() != QLatin1String("POST"))
        return LineError{QStringLiteral("invalid_value"),
                         QStringLiteral("Only the POST method is supported."), QStringLiteral("method"), 0};
    if (!o.contains(QStringLiteral("url")))
        return missing(QStringLiteral("url"));
    if (o.value(QStringLiteral("url")).toString() != endpoint)
        return LineError{
            QStringLiteral("mismatched_endpoint"),
            QStringLiteral("The URL provided for this request does not match the batch endpoint."),
            QStringLiteral("url"), 0};
    if (!o.contains(QStringLiteral("body")))
        return missing(QStringLiteral("body"));
    if (!o.value(QStringLiteral("body")).isObject())
        return LineError{QStringLiteral("invalid_type"), QStringLiteral("'body' must be a JSON object."),
                         QStringLiteral("body"), 0};
    if (!o.value(QStringLiteral("body")).toObject().value(QStringLiteral("model")).isString())
        return missing(QStringLiteral("body.model"));
    return std::nullopt;
}

/// A successful response body for `endpoint`, as the synchronous API would have answered.
QJsonObject successBody(const QString &endpoint, const InputLine &line, const QString &suffix, qint64 created,
                        qint64 prompt, qint64 completion)
{
    const QString model = line.body.value(QStringLiteral("model")).toString();
    const QString text = FakeOpenAi::replyText(line.customId);
    if (endpoint == QLatin1String("/v1/embeddings")) {
        const QJsonValue input = line.body.value(QStringLiteral("input"));
        const int count = input.isArray() ? std::max(1, int(input.toArray().size())) : 1;
        QJsonArray data;
        for (int i = 0; i < count; ++i) {
            const quint32 h = fnv1a(line.customId.toUtf8() + QByteArray::number(i));
            QJsonArray vector;
            for (int k = 0; k < 8; ++k)
                vector.append(double((h >> (k * 4)) & 0xF) / 16.0 - 0.5);
            data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("embedding")},
                                    {QStringLiteral("index"), i},
                                    {QStringLiteral("embedding"), vector}});
        }
        return QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                           {QStringLiteral("data"), data},
                           {QStringLiteral("model"), model},
                           {QStringLiteral("usage"), QJsonObject{{QStringLiteral("prompt_tokens"), prompt},
                                                                 {QStringLiteral("total_tokens"), prompt}}}};
    }
    const QJsonObject usage{{QStringLiteral("prompt_tokens"), prompt},
                            {QStringLiteral("completion_tokens"), completion},
                            {QStringLiteral("total_tokens"), prompt + completion}};
    if (endpoint == QLatin1String("/v1/completions")) {
        const QJsonObject choice{{QStringLiteral("text"), text},
                                 {QStringLiteral("index"), 0},
                                 {QStringLiteral("logprobs"), QJsonValue::Null},
                                 {QStringLiteral("finish_reason"), QStringLiteral("stop")}};
        return QJsonObject{{QStringLiteral("id"), QString(QStringLiteral("cmpl-") + suffix)},
                           {QStringLiteral("object"), QStringLiteral("text_completion")},
                           {QStringLiteral("created"), created},
                           {QStringLiteral("model"), model},
                           {QStringLiteral("choices"), QJsonArray{choice}},
                           {QStringLiteral("usage"), usage}};
    }
    if (endpoint == QLatin1String("/v1/responses")) {
        const QJsonObject content{{QStringLiteral("type"), QStringLiteral("output_text")},
                                  {QStringLiteral("text"), text},
                                  {QStringLiteral("annotations"), QJsonArray()}};
        const QJsonObject message{{QStringLiteral("type"), QStringLiteral("message")},
                                  {QStringLiteral("id"), QString(QStringLiteral("msg_") + suffix)},
                                  {QStringLiteral("status"), QStringLiteral("completed")},
                                  {QStringLiteral("role"), QStringLiteral("assistant")},
                                  {QStringLiteral("content"), QJsonArray{content}}};
        const QJsonObject responseUsage{
            {QStringLiteral("input_tokens"), prompt},
            {QStringLiteral("input_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), 0}}},
            {QStringLiteral("output_tokens"), completion},
            {QStringLiteral("output_tokens_details"), QJsonObject{{QStringLiteral("reasoning_tokens"), 0}}},
            {QStringLiteral("total_tokens"), prompt + completion}};
        return QJsonObject{{QStringLiteral("id"), QString(QStringLiteral("resp_") + suffix)},
                           {QStringLiteral("object"), QStringLiteral("response")},
                           {QStringLiteral("created_at"), created},
                           {QStringLiteral("status"), QStringLiteral("completed")},
                           {QStringLiteral("error"), QJsonValue::Null},
                           {QStringLiteral("model"), model},
                           {QStringLiteral("output"), QJsonArray{message}},
                           {QStringLiteral("usage"), responseUsage}};
    }
    // /v1/chat/completions
    const QJsonObject message{{QStringLiteral("role"), QStringLiteral("assistant")},
                              {QStringLiteral("content"), text},
                              {QStringLiteral("refusal"), QJsonValue::Null}};
    const QJsonObject choice{{QStringLiteral("index"), 0},
                             {QStringLiteral("message"), message},
                             {QStringLiteral("logprobs"), QJsonValue::Null},
                             {QStringLiteral("finish_reason"), QStringLiteral("stop")}};
    return QJsonObject{{QStringLiteral("id"), QString(QStringLiteral("chatcmpl-") + suffix)},
                       {QStringLiteral("object"), QStringLiteral("chat.completion")},
                       {QStringLiteral("created"), created},
                       {QStringLiteral("model"), model},
                       {QStringLiteral("choices"), QJsonArray{choice}},
                       {QStringLiteral("usage"), usage}};
}

QString maskedKey(const QByteArray &key)
{
    if (key.size() < 8)
        return QStringLiteral("****");
    return QString(QString::fromUtf8(key.left(3)) + QStringLiteral("****") + QString::fromUtf8(key.right(2)));
}

enum class Route
{
    UploadFile,
    GetFile,
    GetFileContent,
    DeleteFile,
    CreateBatch,
    ListBatches,
    GetBatch,
    CancelBatch,
    Unknown
};

struct RouteMatch
{
    Route route = Route::Unknown;
    QString pattern; ///< "GET /v1/batches/{id}", … (the literal path for an unknown route)
    QString id;
};

RouteMatch matchRoute(const QByteArray &method, const QString &path)
{
    const QStringList s = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const auto is = [&method](const char *m) {
        return method == m;
    };
    const auto match = [](Route route, const char *pattern, const QString &id = {}) {
        return RouteMatch{route, QString::fromLatin1(pattern), id};
    };
    if (s.size() >= 2 && s.at(0) == QLatin1String("v1")) {
        if (s.at(1) == QLatin1String("files")) {
            if (s.size() == 2 && is("POST"))
                return match(Route::UploadFile, "POST /v1/files");
            if (s.size() == 3 && is("GET"))
                return match(Route::GetFile, "GET /v1/files/{id}", s.at(2));
            if (s.size() == 3 && is("DELETE"))
                return match(Route::DeleteFile, "DELETE /v1/files/{id}", s.at(2));
            if (s.size() == 4 && s.at(3) == QLatin1String("content") && is("GET"))
                return match(Route::GetFileContent, "GET /v1/files/{id}/content", s.at(2));
        } else if (s.at(1) == QLatin1String("batches")) {
            if (s.size() == 2 && is("POST"))
                return match(Route::CreateBatch, "POST /v1/batches");
            if (s.size() == 2 && is("GET"))
                return match(Route::ListBatches, "GET /v1/batches");
            if (s.size() == 3 && is("GET"))
                return match(Route::GetBatch, "GET /v1/batches/{id}", s.at(2));
            if (s.size() == 4 && s.at(3) == QLatin1String("cancel") && is("POST"))
                return match(Route::CancelBatch, "POST /v1/batches/{id}/cancel", s.at(2));
        }
    }
    return RouteMatch{Route::Unknown, QString(QString::fromLatin1(method) + QLatin1Char(' ') + path), {}};
}

QByteArray methodName(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    default:
        return "OTHER";
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------------
// The state and the protocol; every member is used with `mutex` held.

class FakeOpenAi::State
{
public:
    QMutex mutex;

    QHash<QString, StoredFile> files;
    QHash<QString, StoredBatch> batches;
    QStringList batchOrder; ///< oldest first; created_at strictly increases along it
    QSet<QString> expireNext;

    QHash<QString, int> calls;
    int totalCalls = 0;
    QStringList requestLog;
    QStringList authorizations;

    int rateLimitedRequests = 0;
    int retryAfterSeconds = 1;
    int failAfterCreating = 0;
    qint64 tokenLimit = -1;
    bool autoAdvance = true;

    qint64 lastCreatedAt = 0;
    quint64 idCounter = 0;
    quint64 responseCounter = 0; ///< for x-request-id, apart from idCounter so ids do not depend on polls

    Reply handle(const Request &request);

    QString nextId(const QString &prefix)
    {
        return QString(prefix + QStringLiteral("%1").arg(++idCounter, 24, 16, QLatin1Char('0')));
    }

    qint64 nextCreatedAt(qint64 preferred)
    {
        lastCreatedAt = std::max(preferred, lastCreatedAt + 1);
        return lastCreatedAt;
    }

    /// Now, but never before the batch's earlier timestamps.
    static qint64 eventTime(const StoredBatch &b)
    {
        return std::max({nowSecs(), b.createdAt, b.inProgressAt, b.finalizingAt, b.cancellingAt});
    }

    QString addFile(const QString &filename, const QString &purpose, const QByteArray &content,
                    qint64 createdAt)
    {
        StoredFile f{nextId(QStringLiteral("file-")), content, createdAt, filename, purpose};
        files.insert(f.id, f);
        return f.id;
    }

    static QJsonObject fileJson(const StoredFile &f)
    {
        return QJsonObject{{QStringLiteral("id"), f.id},
                           {QStringLiteral("object"), QStringLiteral("file")},
                           {QStringLiteral("bytes"), qint64(f.content.size())},
                           {QStringLiteral("created_at"), f.createdAt},
                           {QStringLiteral("filename"), f.filename},
                           {QStringLiteral("purpose"), f.purpose}};
    }

    static QJsonObject batchJson(const StoredBatch &b);

    qint64 enqueuedTokensExcept(const QString &batchId) const
    {
        qint64 sum = 0;
        for (const StoredBatch &other : batches) {
            if (other.id != batchId &&
                (other.status == QLatin1String("in_progress") ||
                 other.status == QLatin1String("finalizing") || other.status == QLatin1String("cancelling")))
                sum += other.enqueuedTokens;
        }
        return sum;
    }

    void failBatch(StoredBatch &b, const QList<LineError> &errors)
    {
        b.failedAt = eventTime(b);
        b.status = QStringLiteral("failed");
        b.errors = errors;
        b.lines.clear();
        b.total = b.completed = b.failed = 0;
    }

    /// Reads and checks the input file; on success the batch's lines are set (status unchanged).
    void validate(StoredBatch &b, bool checkTokenLimit);
    void processLine(StoredBatch &b);
    void processUpTo(StoredBatch &b, int count)
    {
        while (b.processed < count)
            processLine(b);
    }
    void writeResultFiles(StoredBatch &b)
    {
        const qint64 t = eventTime(b);
        if (!b.outputJsonl.isEmpty())
            b.outputFileId =
                addFile(QString(QStringLiteral("batch_") + b.id + QStringLiteral("_output.jsonl")),
                        QStringLiteral("batch_output"), b.outputJsonl, t);
        if (!b.errorJsonl.isEmpty())
            b.errorFileId = addFile(QString(QStringLiteral("batch_") + b.id + QStringLiteral("_error.jsonl")),
                                    QStringLiteral("batch_output"), b.errorJsonl, t);
    }
    void step(StoredBatch &b);
    void expire(StoredBatch &b);

    Reply rateLimited();
    Reply uploadFile(const Request &request);
    Reply createBatch(const Request &request);
    Reply listBatches(const Request &request);
    Reply cancelBatch(const QString &id);
    Reply getBatch(const QString &id);
};

QJsonObject FakeOpenAi::State::batchJson(const StoredBatch &b)
{
    QJsonValue errors = QJsonValue::Null;
    if (!b.errors.isEmpty()) {
        QJsonArray data;
        for (const LineError &e : b.errors)
            data.append(
                QJsonObject{{QStringLiteral("code"), e.code},
                            {QStringLiteral("message"), e.message},
                            {QStringLiteral("param"), stringOrNull(e.param)},
                            {QStringLiteral("line"), e.line > 0 ? QJsonValue(e.line) : QJsonValue()}});
        errors =
            QJsonObject{{QStringLiteral("object"), QStringLiteral("list")}, {QStringLiteral("data"), data}};
    }
    const QJsonObject usage{
        {QStringLiteral("input_tokens"), b.billedInputTokens},
        {QStringLiteral("input_tokens_details"), QJsonObject{{QStringLiteral("cached_tokens"), 0}}},
        {QStringLiteral("output_tokens"), b.billedOutputTokens},
        {QStringLiteral("output_tokens_details"), QJsonObject{{QStringLiteral("reasoning_tokens"), 0}}},
        {QStringLiteral("total_tokens"), b.billedInputTokens + b.billedOutputTokens}};
    return QJsonObject{
        {QStringLiteral("id"), b.id},
        {QStringLiteral("object"), QStringLiteral("batch")},
        {QStringLiteral("endpoint"), b.endpoint},
        {QStringLiteral("model"), b.model},
        {QStringLiteral("errors"), errors},
        {QStringLiteral("input_file_id"), b.inputFileId},
        {QStringLiteral("completion_window"), b.completionWindow},
        {QStringLiteral("status"), b.status},
        {QStringLiteral("output_file_id"), stringOrNull(b.outputFileId)},
        {QStringLiteral("error_file_id"), stringOrNull(b.errorFileId)},
        {QStringLiteral("created_at"), b.createdAt},
        {QStringLiteral("in_progress_at"), timeOrNull(b.inProgressAt)},
        {QStringLiteral("expires_at"), timeOrNull(b.expiresAt)},
        {QStringLiteral("finalizing_at"), timeOrNull(b.finalizingAt)},
        {QStringLiteral("completed_at"), timeOrNull(b.completedAt)},
        {QStringLiteral("failed_at"), timeOrNull(b.failedAt)},
        {QStringLiteral("expired_at"), timeOrNull(b.expiredAt)},
        {QStringLiteral("cancelling_at"), timeOrNull(b.cancellingAt)},
        {QStringLiteral("cancelled_at"), timeOrNull(b.cancelledAt)},
        {QStringLiteral("request_counts"), QJsonObject{{QStringLiteral("total"), b.total},
                                                       {QStringLiteral("completed"), b.completed},
                                                       {QStringLiteral("failed"), b.failed}}},
        {QStringLiteral("metadata"), b.metadata},
        {QStringLiteral("usage"), usage}};
}

void FakeOpenAi::State::validate(StoredBatch &b, bool checkTokenLimit)
{
    const QByteArray content = files.value(b.inputFileId).content;
    const QList<QByteArray> rawLines = content.split('\n');
    QList<LineError> errors;
    QList<InputLine> lines;
    QSet<QString> customIds;
    QSet<QString> models;
    for (int i = 0; i < rawLines.size(); ++i) {
        const QByteArray text = rawLines.at(i).trimmed();
        if (text.isEmpty())
            continue;
        const int lineNumber = i + 1;
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &parseError);
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            errors.append({QStringLiteral("invalid_json_line"),
                           QStringLiteral("This line is not parseable as valid JSON."),
                           {},
                           lineNumber});
            continue;
        }
        const QJsonObject o = doc.object();
        if (std::optional<LineError> problem = lineProblem(o, b.endpoint)) {
            problem->line = lineNumber;
            errors.append(*problem);
            continue;
        }
        const QString customId = o.value(QStringLiteral("custom_id")).toString();
        if (customIds.contains(customId)) {
            errors.append(
                {QStringLiteral("duplicate_custom_id"),
                 QStringLiteral("The custom_id for this request is a duplicate of another request. "
                                "The custom_id parameter must be unique for each request in a batch."),
                 QStringLiteral("custom_id"), lineNumber});
            continue;
        }
        customIds.insert(customId);
        const QJsonObject body = o.value(QStringLiteral("body")).toObject();
        models.insert(body.value(QStringLiteral("model")).toString());
        lines.append({customId, body, compactJson(body)});
    }
    if (errors.isEmpty() && lines.isEmpty())
        errors.append(
            {QStringLiteral("empty_file"), QStringLiteral("The input file contains no requests."), {}, 0});
    b.model = models.size() == 1 ? QJsonValue(*models.cbegin()) : QJsonValue(QJsonValue::Null);
    if (!errors.isEmpty()) {
        failBatch(b, errors);
        return;
    }
    qint64 tokens = 0;
    for (const InputLine &line : lines)
        tokens += FakeOpenAi::promptTokens(line.compactBody);
    if (checkTokenLimit && tokenLimit >= 0 && tokens + enqueuedTokensExcept(b.id) > tokenLimit) {
        const QString message =
            QStringLiteral("Enqueued token limit reached for %1 in organization org-fake. Limit: %2 enqueued "
                           "tokens. Please try again once some in_progress batches have been completed.")
                .arg(b.model.isString() ? b.model.toString() : QStringLiteral("this model"))
                .arg(tokenLimit);
        failBatch(b, {{QStringLiteral("token_limit_exceeded"), message, {}, 0}});
        return;
    }
    b.lines = lines;
    b.total = lines.size();
    b.enqueuedTokens = tokens;
}

void FakeOpenAi::State::processLine(StoredBatch &b)
{
    const InputLine &line = b.lines.at(b.processed++);
    const qint64 t = eventTime(b);
    const QString lineId = nextId(QStringLiteral("batch_req_"));
    const QString requestId = nextId(QStringLiteral("req_"));
    const QJsonValue fakeError = line.body.value(QStringLiteral("x_fake_error"));
    const int fakeStatus = line.body.value(QStringLiteral("x_fake_status")).toInt(0);

    if (fakeError.isString()) {
        const QJsonObject error{
            {QStringLiteral("code"), fakeError.toString()},
            {QStringLiteral("message"),
             QString(QStringLiteral("The request failed (") + fakeError.toString() + QStringLiteral(")."))}};
        b.errorJsonl += compactJson(QJsonObject{{QStringLiteral("id"), lineId},
                                                {QStringLiteral("custom_id"), line.customId},
                                                {QStringLiteral("response"), QJsonValue::Null},
                                                {QStringLiteral("error"), error}}) +
                        '\n';
        ++b.failed;
        return;
    }
    if (fakeStatus >= 400 && fakeStatus <= 599) {
        QString type = QStringLiteral("invalid_request_error");
        QString code = QStringLiteral("invalid_request_error");
        QString message = QStringLiteral("The request was invalid.");
        if (fakeStatus == 429) {
            type = QStringLiteral("requests");
            code = QStringLiteral("rate_limit_exceeded");
            message = QStringLiteral("Rate limit reached for requests.");
        } else if (fakeStatus >= 500) {
            type = QStringLiteral("server_error");
            code = QStringLiteral("server_error");
            message = QStringLiteral("The server had an error while processing your request.");
        }
        const QJsonValue fakeCode = line.body.value(QStringLiteral("x_fake_code"));
        if (fakeCode.isString())
            code = fakeCode.toString();
        const QJsonObject response{
            {QStringLiteral("status_code"), fakeStatus},
            {QStringLiteral("request_id"), requestId},
            {QStringLiteral("body"), errorBody(message, type, QJsonValue::Null, code)}};
        b.errorJsonl += compactJson(QJsonObject{{QStringLiteral("id"), lineId},
                                                {QStringLiteral("custom_id"), line.customId},
                                                {QStringLiteral("response"), response},
                                                {QStringLiteral("error"), QJsonValue::Null}}) +
                        '\n';
        ++b.failed;
        return;
    }
    const qint64 prompt = FakeOpenAi::promptTokens(line.compactBody);
    const qint64 completion = b.endpoint == QLatin1String("/v1/embeddings")
                                  ? qint64(0)
                                  : FakeOpenAi::completionTokens(line.compactBody);
    const QJsonObject response{
        {QStringLiteral("status_code"), 200},
        {QStringLiteral("request_id"), requestId},
        {QStringLiteral("body"), successBody(b.endpoint, line, requestId.mid(4), t, prompt, completion)}};
    b.outputJsonl += compactJson(QJsonObject{{QStringLiteral("id"), lineId},
                                             {QStringLiteral("custom_id"), line.customId},
                                             {QStringLiteral("response"), response},
                                             {QStringLiteral("error"), QJsonValue::Null}}) +
                     '\n';
    ++b.completed;
    b.billedInputTokens += prompt;
    b.billedOutputTokens += completion;
}

void FakeOpenAi::State::step(StoredBatch &b)
{
    if (b.status == QLatin1String("validating")) {
        validate(b, true);
        if (b.status == QLatin1String("failed"))
            return;
        b.inProgressAt = eventTime(b);
        b.status = QStringLiteral("in_progress");
        processUpTo(b, int(b.lines.size() / 2));
    } else if (b.status == QLatin1String("in_progress")) {
        b.finalizingAt = eventTime(b);
        b.status = QStringLiteral("finalizing");
        processUpTo(b, int(b.lines.size()));
    } else if (b.status == QLatin1String("finalizing")) {
        b.completedAt = eventTime(b);
        writeResultFiles(b);
        b.status = QStringLiteral("completed");
    } else if (b.status == QLatin1String("cancelling")) {
        b.cancelledAt = eventTime(b);
        writeResultFiles(b);
        b.status = QStringLiteral("cancelled");
    }
}

void FakeOpenAi::State::expire(StoredBatch &b)
{
    if (hasEnded(b.status))
        return;
    if (b.status == QLatin1String("validating")) {
        validate(b, true);
        if (b.status == QLatin1String("failed"))
            return;
    }
    const QJsonObject error{
        {QStringLiteral("code"), QStringLiteral("batch_expired")},
        {QStringLiteral("message"),
         QStringLiteral("This request could not be executed before the completion window expired.")}};
    while (b.processed < b.lines.size()) {
        const InputLine &line = b.lines.at(b.processed++);
        b.errorJsonl += compactJson(QJsonObject{{QStringLiteral("id"), nextId(QStringLiteral("batch_req_"))},
                                                {QStringLiteral("custom_id"), line.customId},
                                                {QStringLiteral("response"), QJsonValue::Null},
                                                {QStringLiteral("error"), error}}) +
                        '\n';
        ++b.failed;
    }
    b.expiredAt = eventTime(b);
    writeResultFiles(b);
    b.status = QStringLiteral("expired");
}

Reply FakeOpenAi::State::rateLimited()
{
    const QString message =
        QStringLiteral("Rate limit reached for requests in organization org-fake on requests per min (RPM): "
                       "Limit 5000, Used 5000, Requested 1. Please try again in %1s.")
            .arg(retryAfterSeconds);
    Reply r = jsonReply(errorBody(message, QStringLiteral("requests"), QJsonValue::Null,
                                  QStringLiteral("rate_limit_exceeded")),
                        429);
    r.headers.append({"retry-after", QByteArray::number(retryAfterSeconds)});
    r.headers.append({"x-ratelimit-limit-requests", QByteArray("5000")});
    r.headers.append({"x-ratelimit-remaining-requests", QByteArray("0")});
    r.headers.append({"x-ratelimit-reset-requests", QByteArray(QByteArray::number(retryAfterSeconds) + 's')});
    return r;
}

Reply FakeOpenAi::State::uploadFile(const Request &request)
{
    const std::optional<QList<FormPart>> parts = parseMultipart(request.contentType, request.body);
    if (!parts)
        return invalidRequest(
            400, QStringLiteral("The request body must be multipart/form-data with a boundary."));
    std::optional<FormPart> purpose;
    std::optional<FormPart> file;
    for (const FormPart &part : *parts) {
        if (part.name == "purpose" && !part.filename)
            purpose = part;
        else if (part.name == "file" && part.filename)
            file = part;
    }
    if (!purpose)
        return invalidRequest(400, QStringLiteral("Missing required parameter: 'purpose'."),
                              QStringLiteral("purpose"), QStringLiteral("missing_required_parameter"));
    if (purpose->data != "batch")
        return invalidRequest(400,
                              QString(QStringLiteral("Invalid value for 'purpose': '") +
                                      QString::fromUtf8(purpose->data) +
                                      QStringLiteral("'. This server accepts only 'batch'.")),
                              QStringLiteral("purpose"), QStringLiteral("invalid_value"));
    if (!file)
        return invalidRequest(400, QStringLiteral("Missing required parameter: 'file'."),
                              QStringLiteral("file"), QStringLiteral("missing_required_parameter"));
    const QString id =
        addFile(QString::fromUtf8(*file->filename), QStringLiteral("batch"), file->data, nowSecs());
    return jsonReply(fileJson(files.value(id)));
}

Reply FakeOpenAi::State::createBatch(const Request &request)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(request.body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return invalidRequest(400,
                              QStringLiteral("We could not parse the JSON body of your request. (HINT: This "
                                             "likely means you aren't using your HTTP library correctly.)"));
    const QJsonObject o = doc.object();
    const auto missing = [](const QString &param) -> Reply {
        return invalidRequest(400, QStringLiteral("Missing required parameter: '%1'.").arg(param), param,
                              QStringLiteral("missing_required_parameter"));
    };
    const auto invalid = [](const QString &param, const QString &message) -> Reply {
        return invalidRequest(400, message, param, QStringLiteral("invalid_value"));
    };
    const QString inputFileId = o.value(QStringLiteral("input_file_id")).toString();
    const QString endpoint = o.value(QStringLiteral("endpoint")).toString();
    const QString window = o.value(QStringLiteral("completion_window")).toString();
    if (inputFileId.isEmpty())
        return missing(QStringLiteral("input_file_id"));
    if (endpoint.isEmpty())
        return missing(QStringLiteral("endpoint"));
    if (!batchEndpoints().contains(endpoint))
        return invalid(QStringLiteral("endpoint"),
                       QString(QStringLiteral("Invalid value for 'endpoint': '") + endpoint +
                               QStringLiteral("'. Supported values are: ") +
                               batchEndpoints().join(QStringLiteral(", ")) + QLatin1Char('.')));
    if (window.isEmpty())
        return missing(QStringLiteral("completion_window"));
    if (window != QLatin1String("24h"))
        return invalid(QStringLiteral("completion_window"),
                       QString(QStringLiteral("Invalid value for 'completion_window': '") + window +
                               QStringLiteral("'. Supported values are: '24h'.")));
    const QJsonValue metadata = o.value(QStringLiteral("metadata"));
    if (!metadata.isUndefined() && !metadata.isNull()) {
        if (!metadata.isObject())
            return invalid(QStringLiteral("metadata"), QStringLiteral("'metadata' must be an object."));
        const QJsonObject m = metadata.toObject();
        if (m.size() > kMaxMetadataPairs)
            return invalid(
                QStringLiteral("metadata"),
                QStringLiteral("'metadata' can have at most %1 properties.").arg(kMaxMetadataPairs));
        for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
            if (it.key().size() > kMaxMetadataKey || !it.value().isString() ||
                it.value().toString().size() > kMaxMetadataValue)
                return invalid(QStringLiteral("metadata"),
                               QStringLiteral("'metadata' keys are strings of at most %1 characters, values "
                                              "strings of at most %2.")
                                   .arg(kMaxMetadataKey)
                                   .arg(kMaxMetadataValue));
        }
    }
    const auto file = files.constFind(inputFileId);
    if (file == files.constEnd())
        return invalidRequest(404, QString(QStringLiteral("No such File object: ") + inputFileId),
                              QStringLiteral("input_file_id"));
    if (file->purpose != QLatin1String("batch"))
        return invalid(QStringLiteral("input_file_id"),
                       QString(QStringLiteral("File ") + inputFileId + QStringLiteral(" has purpose '") +
                               file->purpose + QStringLiteral("', not 'batch'.")));

    StoredBatch b;
    b.id = nextId(QStringLiteral("batch_"));
    b.endpoint = endpoint;
    b.inputFileId = inputFileId;
    b.completionWindow = window;
    b.status = QStringLiteral("validating");
    b.metadata = metadata.isObject() ? metadata : QJsonValue(QJsonValue::Null);
    b.createdAt = nextCreatedAt(nowSecs());
    b.expiresAt = b.createdAt + kDaySecs;
    batches.insert(b.id, b);
    batchOrder.append(b.id);
    return jsonReply(batchJson(b));
}

Reply FakeOpenAi::State::listBatches(const Request &request)
{
    int limit = 20;
    if (request.query.hasQueryItem(QStringLiteral("limit"))) {
        bool ok = false;
        limit = request.query.queryItemValue(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > 100)
            return invalidRequest(400,
                                  QStringLiteral("Invalid 'limit': it must be an integer from 1 to 100."),
                                  QStringLiteral("limit"), QStringLiteral("invalid_value"));
    }
    qsizetype start = batchOrder.size() - 1; // newest first
    const QString after = request.query.queryItemValue(QStringLiteral("after"));
    if (!after.isEmpty()) {
        const qsizetype index = batchOrder.indexOf(after);
        if (index < 0)
            return invalidRequest(400,
                                  QString(QStringLiteral("Invalid 'after': no batch found with id '") +
                                          after + QStringLiteral("'.")),
                                  QStringLiteral("after"), QStringLiteral("invalid_value"));
        start = index - 1;
    }
    QJsonArray data;
    qsizetype i = start;
    for (; i >= 0 && data.size() < limit; --i)
        data.append(batchJson(batches.value(batchOrder.at(i))));
    const auto idAt = [&data](qsizetype k) -> QJsonValue {
        return data.isEmpty() ? QJsonValue(QJsonValue::Null)
                              : data.at(k).toObject().value(QStringLiteral("id"));
    };
    return jsonReply(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                 {QStringLiteral("data"), data},
                                 {QStringLiteral("first_id"), idAt(0)},
                                 {QStringLiteral("last_id"), idAt(data.size() - 1)},
                                 {QStringLiteral("has_more"), i >= 0}});
}

Reply FakeOpenAi::State::getBatch(const QString &id)
{
    const auto it = batches.find(id);
    if (it == batches.end())
        return invalidRequest(404,
                              QString(QStringLiteral("No batch found with id '") + id + QStringLiteral("'.")),
                              QStringLiteral("batch_id"));
    if (expireNext.remove(id))
        expire(*it);
    else if (autoAdvance)
        step(*it);
    return jsonReply(batchJson(*it));
}

Reply FakeOpenAi::State::cancelBatch(const QString &id)
{
    const auto it = batches.find(id);
    if (it == batches.end())
        return invalidRequest(404,
                              QString(QStringLiteral("No batch found with id '") + id + QStringLiteral("'.")),
                              QStringLiteral("batch_id"));
    if (hasEnded(it->status))
        return invalidRequest(409, QString(QStringLiteral("Cannot cancel a batch with status '") +
                                           it->status + QStringLiteral("'.")));
    if (it->status != QLatin1String("cancelling")) {
        it->cancellingAt = eventTime(*it);
        it->status = QStringLiteral("cancelling");
    }
    return jsonReply(batchJson(*it));
}

Reply FakeOpenAi::State::handle(const Request &request)
{
    const RouteMatch route = matchRoute(request.method, request.path);
    ++calls[route.pattern];
    ++totalCalls;
    const QString query = request.query.toString(QUrl::FullyEncoded);
    requestLog.append(QString(QString::fromLatin1(request.method) + QLatin1Char(' ') + request.path +
                              (query.isEmpty() ? QString() : QString(QLatin1Char('?') + query))));
    if (request.authorization)
        authorizations.append(QString::fromUtf8(*request.authorization));

    if (rateLimitedRequests > 0) {
        --rateLimitedRequests;
        return rateLimited();
    }
    const QByteArray expected = "Bearer " + FakeOpenAi::apiKey().toUtf8();
    if (!request.authorization || request.authorization->isEmpty()) {
        return jsonReply(
            errorBody(QStringLiteral(
                          "You didn't provide an API key. You need to provide your API key in an "
                          "Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."),
                      QStringLiteral("invalid_request_error"), QJsonValue::Null,
                      QStringLiteral("invalid_api_key")),
            401);
    }
    if (*request.authorization != expected) {
        const QByteArray sent = request.authorization->startsWith("Bearer ") ? request.authorization->mid(7)
                                                                             : *request.authorization;
        return jsonReply(errorBody(QString(QStringLiteral("Incorrect API key provided: ") + maskedKey(sent) +
                                           QStringLiteral(". You can find your API key at "
                                                          "https://platform.openai.com/account/api-keys.")),
                                   QStringLiteral("invalid_request_error"), QJsonValue::Null,
                                   QStringLiteral("invalid_api_key")),
                         401);
    }

    switch (route.route) {
    case Route::UploadFile:
        return uploadFile(request);
    case Route::GetFile:
    case Route::GetFileContent:
    case Route::DeleteFile: {
        const auto it = files.constFind(route.id);
        if (it == files.constEnd())
            return invalidRequest(404, QString(QStringLiteral("No such File object: ") + route.id),
                                  QStringLiteral("id"));
        if (route.route == Route::GetFile)
            return jsonReply(fileJson(*it));
        if (route.route == Route::GetFileContent) {
            Reply r;
            r.body = it->content;
            r.contentType = "application/octet-stream";
            return r;
        }
        files.remove(route.id);
        return jsonReply(QJsonObject{{QStringLiteral("id"), route.id},
                                     {QStringLiteral("object"), QStringLiteral("file")},
                                     {QStringLiteral("deleted"), true}});
    }
    case Route::CreateBatch: {
        Reply created = createBatch(request);
        if (created.status == 200 && failAfterCreating > 0) {
            --failAfterCreating;
            return jsonReply(
                QJsonObject{{QStringLiteral("error"),
                             QJsonObject{{QStringLiteral("message"),
                                          QStringLiteral("The server had an error while processing "
                                                         "your request.")},
                                         {QStringLiteral("type"), QStringLiteral("server_error")},
                                         {QStringLiteral("param"), QJsonValue::Null},
                                         {QStringLiteral("code"), QJsonValue::Null}}}},
                500);
        }
        return created;
    }
    case Route::ListBatches:
        return listBatches(request);
    case Route::GetBatch:
        return getBatch(route.id);
    case Route::CancelBatch:
        return cancelBatch(route.id);
    case Route::Unknown:
        break;
    }
    return invalidRequest(404, QString(QStringLiteral("Invalid URL (") + QString::fromLatin1(request.method) +
                                       QLatin1Char(' ') + request.path + QStringLiteral(")")));
}

// ---------------------------------------------------------------------------------------------------
// The thread that owns the QHttpServer: it is made, listens, serves and is destroyed there.

class FakeOpenAi::ServerThread : public QThread
{
public:
    explicit ServerThread(State &state) : m_state(state) {}

    QSemaphore listening; ///< released once `port` is set (0: listening failed)
    quint16 port = 0;

protected:
    void run() override
    {
        QHttpServer server;
        server.setMissingHandler([this](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
            serve(request, std::move(responder));
        });
        port = server.listen(QHostAddress::LocalHost, 0);
        listening.release();
        if (port != 0)
            exec();
    }

private:
    void serve(const QHttpServerRequest &httpRequest, QHttpServerResponder &&responder)
    {
        Request request;
        request.method = methodName(httpRequest.method());
        request.path = httpRequest.url().path(QUrl::FullyDecoded);
        request.query = httpRequest.query();
        for (const auto &[name, value] : httpRequest.headers()) {
            const QByteArray lower = name.toLower();
            if (lower == "authorization")
                request.authorization = value;
            else if (lower == "content-type")
                request.contentType = value;
        }
        request.body = httpRequest.body();

        Reply reply;
        {
            QMutexLocker locker(&m_state.mutex);
            reply = m_state.handle(request);
            reply.headers.append(
                {"x-request-id",
                 QByteArray("req_fake" +
                            QByteArray::number(++m_state.responseCounter).rightJustified(24, '0'))});
        }
        // 6.4's write() takes headers as an initializer list; ours vary, so the response goes in parts.
        responder.writeStatusLine(QHttpServerResponder::StatusCode(reply.status));
        responder.writeHeader("Content-Type", reply.contentType);
        responder.writeHeader("Content-Length", QByteArray::number(reply.body.size()));
        for (const auto &[name, value] : reply.headers)
            responder.writeHeader(name, value);
        responder.writeBody(reply.body);
    }

    State &m_state;
};

// ---------------------------------------------------------------------------------------------------

FakeOpenAi::FakeOpenAi()
    : m_state(std::make_unique<State>()), m_thread(std::make_unique<ServerThread>(*m_state))
{
    m_thread->start();
    m_thread->listening.acquire();
    if (m_thread->port == 0)
        qFatal("FakeOpenAi: could not listen on 127.0.0.1");
}

FakeOpenAi::~FakeOpenAi()
{
    m_thread->quit();
    m_thread->wait();
}

QUrl FakeOpenAi::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_thread->port));
}

QString FakeOpenAi::apiKey()
{
    return QStringLiteral("sk-test-batchmon");
}

void FakeOpenAi::rateLimitNext(int requests, int retryAfterSeconds)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->rateLimitedRequests = std::max(0, requests);
    m_state->retryAfterSeconds = retryAfterSeconds;
}

void FakeOpenAi::failAfterCreatingNext(int requests)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->failAfterCreating = std::max(0, requests);
}

void FakeOpenAi::setEnqueuedTokenLimit(qint64 tokens)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->tokenLimit = tokens;
}

void FakeOpenAi::expireOnNextPoll(const QString &batchId)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->expireNext.insert(batchId);
}

void FakeOpenAi::setAutoAdvance(bool on)
{
    QMutexLocker locker(&m_state->mutex);
    m_state->autoAdvance = on;
}

void FakeOpenAi::advance(const QString &batchId)
{
    QMutexLocker locker(&m_state->mutex);
    const auto it = m_state->batches.find(batchId);
    if (it != m_state->batches.end())
        m_state->step(*it);
}

QString FakeOpenAi::addExistingBatch(const QString &endpoint, const QString &model, int total, int completed,
                                     int failed, const QJsonObject &metadata)
{
    QMutexLocker locker(&m_state->mutex);
    State &s = *m_state;
    completed = std::clamp(completed, 0, total);
    if (completed + failed != total)
        qWarning("FakeOpenAi::addExistingBatch: failed is taken as total - completed = %d",
                 total - completed);

    QByteArray content;
    for (int i = 0; i < total; ++i) {
        const QString prompt = QStringLiteral("Existing request %1").arg(i + 1);
        QJsonObject body{{QStringLiteral("model"), model}};
        if (endpoint == QLatin1String("/v1/chat/completions"))
            body.insert(QStringLiteral("messages"),
                        QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                               {QStringLiteral("content"), prompt}}});
        else if (endpoint == QLatin1String("/v1/completions"))
            body.insert(QStringLiteral("prompt"), prompt);
        else
            body.insert(QStringLiteral("input"), prompt);
        if (i >= completed)
            body.insert(QStringLiteral("x_fake_status"), 500);
        content +=
            compactJson(QJsonObject{{QStringLiteral("custom_id"), QStringLiteral("request-%1").arg(i + 1)},
                                    {QStringLiteral("method"), QStringLiteral("POST")},
                                    {QStringLiteral("url"), endpoint},
                                    {QStringLiteral("body"), body}}) +
            '\n';
    }
    const qint64 created = s.nextCreatedAt(nowSecs() - 3 * kDaySecs);
    StoredBatch b;
    b.id = s.nextId(QStringLiteral("batch_"));
    b.endpoint = endpoint;
    b.inputFileId =
        s.addFile(QStringLiteral("existing_batch_input.jsonl"), QStringLiteral("batch"), content, created);
    b.completionWindow = QStringLiteral("24h");
    b.status = QStringLiteral("validating");
    b.metadata = metadata.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(metadata);
    b.createdAt = created;
    b.expiresAt = created + kDaySecs;
    s.validate(b, false);
    if (b.status != QLatin1String("failed")) {
        b.inProgressAt = created + 1;
        b.finalizingAt = created + 2;
        b.completedAt = created + 3;
        b.status = QStringLiteral("in_progress");
        s.processUpTo(b, int(b.lines.size()));
        s.writeResultFiles(b);
        b.status = QStringLiteral("completed");
    }
    s.batches.insert(b.id, b);
    s.batchOrder.append(b.id);
    return b.id;
}

int FakeOpenAi::callCount(const QString &methodAndPath) const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->calls.value(methodAndPath);
}

int FakeOpenAi::totalCalls() const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->totalCalls;
}

QStringList FakeOpenAi::requestLog() const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->requestLog;
}

QJsonObject FakeOpenAi::batch(const QString &batchId) const
{
    QMutexLocker locker(&m_state->mutex);
    const auto it = m_state->batches.constFind(batchId);
    return it == m_state->batches.constEnd() ? QJsonObject() : State::batchJson(*it);
}

QStringList FakeOpenAi::batchIds() const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->batchOrder;
}

QByteArray FakeOpenAi::fileContent(const QString &fileId) const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->files.value(fileId).content;
}

QStringList FakeOpenAi::seenAuthorization() const
{
    QMutexLocker locker(&m_state->mutex);
    return m_state->authorizations;
}

qint64 FakeOpenAi::promptTokens(const QByteArray &compactBody)
{
    return 5 + compactBody.size() / 4;
}

qint64 FakeOpenAi::completionTokens(const QByteArray &compactBody)
{
    Q_UNUSED(compactBody)
    return 7;
}

QString FakeOpenAi::replyText(const QString &customId)
{
    return QString(QStringLiteral("Fake reply to ") + customId + QLatin1Char('.'));
}

} // namespace batchmon::test
