// SPDX-License-Identifier: GPL-3.0-or-later
#include "OpenAiProvider.h"

#include "BlockingHttp.h"
#include "OpenAiJson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryFile>
#include <QThread>

#include <algorithm>

namespace batchmon {

namespace {

/// A key file larger than this holds something other than a key.
constexpr qint64 kMaxKeyFileBytes = 64 * 1024;
/// The shortest wait between two tries after a 429, so that "retry-after: 0" cannot spin.
constexpr qint64 kMinRateLimitWaitMs = 100;

QString envKey()
{
    return QStringLiteral("OPENAI_API_KEY");
}

QString envKeyFile()
{
    return QStringLiteral("OPENAI_API_KEY_FILE");
}

/// An API key goes into an HTTP header: printable ASCII without spaces, or it is not a key.
bool looksLikeKey(const QString &key)
{
    return std::all_of(key.cbegin(), key.cend(),
                       [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7F; });
}

/// An id as one path segment: a '/' or '?' in it cannot reach another resource.
QString segment(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

/// A job id as a file name in a multipart header.
QByteArray fileNameFor(const QString &jobId)
{
    QByteArray name = jobId.toUtf8();
    for (char &c : name) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                          c == '-' || c == '_' || c == '.';
        if (!safe)
            c = '_';
    }
    if (name.isEmpty())
        name = QByteArrayLiteral("batch");
    return name + QByteArrayLiteral(".jsonl");
}

QByteArray randomBoundary()
{
    QRandomGenerator *random = QRandomGenerator::system();
    return QByteArrayLiteral("batchmon-") + QByteArray::number(random->generate64(), 16) +
           QByteArray::number(random->generate64(), 16);
}

/// The `id` of a JSON answer (a File or a Batch object); empty when there is none.
QString idOf(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object().value(QLatin1String("id")).toString();
}

ProviderError otherError(const QString &message)
{
    return ProviderError{ProviderError::Kind::Other, message, std::nullopt};
}

} // namespace

std::variant<OpenAiSettings, QString> OpenAiSettings::fromEnvironment(const QProcessEnvironment &env)
{
    OpenAiSettings settings;
    const QString key = env.value(envKey()).trimmed();
    const QString keyFile = env.value(envKeyFile());
    QString keySource;
    if (!key.isEmpty() && !keyFile.isEmpty()) {
        return QStringLiteral("both %1 and %2 are set; set only one of them").arg(envKey(), envKeyFile());
    } else if (!key.isEmpty()) {
        settings.apiKey = key;
        keySource = envKey();
    } else if (!keyFile.isEmpty()) {
        QFile file(keyFile);
        if (!file.open(QIODevice::ReadOnly)) {
            return QStringLiteral("%1 names %2, which cannot be read (%3); make it readable to batchmon, "
                                  "or set %4 instead")
                .arg(envKeyFile(), keyFile, file.errorString(), envKey());
        }
        const QByteArray content = file.read(kMaxKeyFileBytes + 1);
        if (content.size() > kMaxKeyFileBytes) {
            return QStringLiteral("%1 names %2, which is too large to hold just an API key; put only the key "
                                  "in it")
                .arg(envKeyFile(), keyFile);
        }
        settings.apiKey = QString::fromUtf8(content).trimmed();
        if (settings.apiKey.isEmpty()) {
            return QStringLiteral("%1 names %2, which is empty; put the OpenAI API key in it")
                .arg(envKeyFile(), keyFile);
        }
        keySource = QStringLiteral("the file %1 (%2)").arg(keyFile, envKeyFile());
    } else {
        return QStringLiteral("no OpenAI API key: set %1 to the key, or %2 to a file that holds it")
            .arg(envKey(), envKeyFile());
    }
    if (!looksLikeKey(settings.apiKey)) {
        return QStringLiteral("the API key in %1 contains spaces, line breaks or other characters an API key "
                              "cannot have; it should hold only the key")
            .arg(keySource);
    }

    const QString baseUrl = env.value(QStringLiteral("OPENAI_BASE_URL")).trimmed();
    if (!baseUrl.isEmpty()) {
        const QUrl url(baseUrl, QUrl::StrictMode);
        const QString scheme = url.scheme().toLower();
        // The value is not quoted back: a URL can carry a user name and password.
        if (!url.isValid() || (scheme != QLatin1String("http") && scheme != QLatin1String("https")) ||
            url.host().isEmpty()) {
            return QStringLiteral("OPENAI_BASE_URL must be an http or https URL, such as "
                                  "https://api.openai.com/v1");
        }
        settings.baseUrl = url;
    }

    const QString limit = env.value(QStringLiteral("OPENAI_ENQUEUED_TOKEN_LIMIT")).trimmed();
    if (!limit.isEmpty()) {
        bool ok = false;
        const qint64 tokens = limit.toLongLong(&ok);
        if (!ok || tokens <= 0) {
            return QStringLiteral("OPENAI_ENQUEUED_TOKEN_LIMIT must be a positive whole number of tokens, "
                                  "such as 2000000, not \"%1\"")
                .arg(limit);
        }
        settings.enqueuedTokenLimit = tokens;
    }
    return settings;
}

OpenAiProvider::OpenAiProvider(OpenAiSettings settings, ModelPrices prices)
    : m_settings(std::move(settings)), m_prices(std::move(prices)), m_http(std::make_unique<BlockingHttp>())
{}

OpenAiProvider::~OpenAiProvider() = default;

QUrl OpenAiProvider::urlFor(const QString &path, const QByteArray &query) const
{
    QUrl url = m_settings.baseUrl;
    QString basePath = url.path(QUrl::FullyEncoded);
    while (basePath.endsWith(QLatin1Char('/')))
        basePath.chop(1);
    url.setPath(basePath + path, QUrl::TolerantMode);
    url.setQuery(query.isEmpty() ? QString() : QString::fromLatin1(query), QUrl::TolerantMode);
    url.setFragment(QString());
    return url;
}

ProviderError OpenAiProvider::scrubbed(ProviderError error) const
{
    if (!m_settings.apiKey.isEmpty())
        error.message.replace(m_settings.apiKey, QStringLiteral("[the API key]"));
    return error;
}

Result<BlockingHttpResponse, ProviderError> OpenAiProvider::call(const QString &what,
                                                                 const QByteArray &method,
                                                                 const QString &path, const QByteArray &query,
                                                                 const QByteArray &contentType,
                                                                 const QByteArray &body, QIODevice *sink)
{
    if (!looksLikeKey(m_settings.apiKey) || m_settings.apiKey.isEmpty()) {
        // Not sent: it would be refused anyway, and a line break in a header could smuggle in another.
        return ProviderError{
            ProviderError::Kind::Unauthorized,
            QStringLiteral("%1: the API key is empty or has characters an API key cannot have").arg(what),
            std::nullopt};
    }
    HttpHeaders headers;
    headers.append({QByteArrayLiteral("Authorization"), QByteArray("Bearer " + m_settings.apiKey.toUtf8())});
    headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
    headers.append({QByteArrayLiteral("User-Agent"), QByteArrayLiteral("batchmon/" BATCHMON_VERSION)});
    if (!contentType.isEmpty())
        headers.append({QByteArrayLiteral("Content-Type"), contentType});
    const QUrl url = urlFor(path, query);

    qint64 waitedMs = 0;
    int attempt = 0;
    for (;;) {
        {
            std::lock_guard<std::mutex> lock(m_closingMutex);
            if (m_closing)
                return ProviderError{ProviderError::Kind::Unavailable,
                                     QStringLiteral("%1: not sent, batchmon is closing").arg(what),
                                     std::nullopt};
        }
        BlockingHttpResponse response =
            m_http->send(method, url, headers, body, m_settings.requestTimeoutMs, sink);
        if (!response.ok()) {
            return scrubbed(ProviderError{
                ProviderError::Kind::Unavailable,
                QStringLiteral("%1: no answer from %2: %3").arg(what, url.host(), response.networkError),
                std::nullopt});
        }
        if (response.status >= 200 && response.status < 300)
            return response;

        const auto asked =
            openai::retryAfterMs(response.header("retry-after-ms"), response.header("retry-after"),
                                 QDateTime::currentDateTimeUtc());
        if (response.status == 429 &&
            openai::parseErrorBody(response.body).code != QLatin1String("insufficient_quota")) {
            // Waited out here, on the caller's thread (the pipeline's worker), which has nothing else to do.
            const qint64 waitMs =
                std::max(kMinRateLimitWaitMs, asked.value_or(1000LL << std::min(attempt, 20)));
            if (waitedMs + waitMs > m_settings.maxRateLimitWaitMs) {
                ProviderError error =
                    openai::errorForStatus(what, 429, response.body, int((waitMs + 999) / 1000));
                if (waitedMs > 0)
                    error.message += QStringLiteral(" (gave up after waiting %1 s)").arg(waitedMs / 1000.0);
                return scrubbed(error);
            }
            {
                std::unique_lock<std::mutex> lock(m_closingMutex);
                m_closingChanged.wait_for(lock, std::chrono::milliseconds(waitMs),
                                          [this] { return m_closing; });
            }
            waitedMs += waitMs;
            ++attempt;
            continue;
        }
        std::optional<int> retryAfterSeconds;
        if (asked)
            retryAfterSeconds = int((*asked + 999) / 1000);
        return scrubbed(openai::errorForStatus(what, response.status, response.body, retryAfterSeconds));
    }
}

void OpenAiProvider::close()
{
    {
        std::lock_guard<std::mutex> lock(m_closingMutex);
        m_closing = true;
    }
    m_closingChanged.notify_all();
    m_http->close();
}

Result<QString, ProviderError> OpenAiProvider::submit(const BatchSubmission &batch, const QDateTime &now)
{
    Q_UNUSED(now)
    if (batch.requests.isEmpty()) {
        return otherError(QStringLiteral("submitting job %1: nothing to send (the batch has no requests)")
                              .arg(batch.jobId));
    }
    const QString endpoint = batch.requests.first().url;
    for (const ProviderRequest &request : batch.requests) {
        if (request.url != endpoint) {
            return otherError(QStringLiteral("submitting job %1: its requests go to more than one endpoint "
                                             "(%2 and %3), and a batch has one")
                                  .arg(batch.jobId, endpoint, request.url));
        }
    }

    // The input file, uploaded as multipart/form-data: purpose=batch and the file.
    QByteArray jsonl = openai::writeJsonl(batch.requests);
    QByteArray boundary = randomBoundary();
    while (jsonl.contains(boundary))
        boundary = randomBoundary();
    QByteArray form;
    form.reserve(jsonl.size() + 512);
    form += "--" + boundary + "\r\n";
    form += "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n";
    form += "batch\r\n";
    form += "--" + boundary + "\r\n";
    form +=
        "Content-Disposition: form-data; name=\"file\"; filename=\"" + fileNameFor(batch.jobId) + "\"\r\n";
    // What curl and OpenAI's own SDKs send for a .jsonl file; the API goes by the purpose and the name.
    form += "Content-Type: application/octet-stream\r\n\r\n";
    form += jsonl;
    jsonl.clear();
    form += "\r\n--" + boundary + "--\r\n";

    const QString uploading = QStringLiteral("uploading the batch file of job %1").arg(batch.jobId);
    auto uploaded = call(uploading, "POST", QStringLiteral("/files"), {},
                         "multipart/form-data; boundary=" + boundary, form);
    form.clear();
    if (!uploaded)
        return uploaded.error();
    const QString fileId = idOf(uploaded.value().body);
    if (fileId.isEmpty())
        return otherError(QStringLiteral("%1: the answer has no file id").arg(uploading));

    QJsonObject metadata{{QStringLiteral("batchmon_job"), batch.jobId}};
    if (!batch.jobType.isEmpty())
        metadata.insert(QStringLiteral("job_type"), batch.jobType);
    if (!batch.model.isEmpty())
        metadata.insert(QStringLiteral("model"), batch.model);
    const QJsonObject create{
        {QStringLiteral("input_file_id"), fileId},
        {QStringLiteral("endpoint"), endpoint},
        {QStringLiteral("completion_window"), QStringLiteral("24h")},
        {QStringLiteral("metadata"), metadata},
    };
    const QString creating = QStringLiteral("creating the batch for job %1").arg(batch.jobId);
    auto created = call(creating, "POST", QStringLiteral("/batches"), {}, "application/json",
                        QJsonDocument(create).toJson(QJsonDocument::Compact));
    if (!created) {
        if (created.error().kind == ProviderError::Kind::Unavailable) {
            // A 5xx, a timeout or a dropped connection may come after the server made the batch: look
            // for one reading this file before anything is sent again (a second batch would run and
            // bill the same requests twice).
            const auto made = batchReading(fileId);
            if (!made)
                return created.error(); // not known either way: the file stays, the next tick retries
            if (!made.value().isEmpty())
                return made.value();
        }
        deleteFileQuietly(fileId); // no batch will read it
        return created.error();
    }
    const QString batchId = idOf(created.value().body);
    if (batchId.isEmpty())
        return otherError(QStringLiteral("%1: the answer has no batch id").arg(creating));
    return batchId;
}

Result<QString, ProviderError> OpenAiProvider::batchReading(const QString &fileId)
{
    // The newest batches come first, and this one, if made, was made a moment ago.
    const QString what = QStringLiteral("looking for a batch made from file %1").arg(fileId);
    auto answer = call(what, "GET", QStringLiteral("/batches"), "limit=100", {}, {});
    if (!answer)
        return answer.error();
    const QJsonArray data =
        QJsonDocument::fromJson(answer.value().body).object().value(QStringLiteral("data")).toArray();
    for (const QJsonValue &value : data) {
        const auto batch = openai::batchFromJson(value.toObject(), 0);
        if (batch && batch.value().inputFileId == fileId)
            return batch.value().status.batchId;
    }
    return QString();
}

void OpenAiProvider::deleteFileQuietly(const QString &fileId)
{
    // One try, no waiting out a rate limit: an orphaned file costs nothing but space.
    const HttpHeaders headers{
        {QByteArrayLiteral("Authorization"), QByteArray("Bearer " + m_settings.apiKey.toUtf8())}};
    m_http->send("DELETE", urlFor(QStringLiteral("/files/") + segment(fileId), {}), headers, {},
                 m_settings.requestTimeoutMs);
}

std::optional<ProviderError> OpenAiProvider::readFile(const QString &fileId, const QString &what,
                                                      ProviderBatchStatus &status)
{
    // Streamed to a private temporary file (mode 0600, removed on return) and read back line by line,
    // so a file of hundreds of MB is never held in memory whole.
    QTemporaryFile file;
    if (!file.open())
        return otherError(
            QStringLiteral("%1: no temporary file to put it in (%2)").arg(what, file.errorString()));
    auto downloaded =
        call(what, "GET", QStringLiteral("/files/") + segment(fileId) + QStringLiteral("/content"), {}, {},
             {}, &file);
    if (!downloaded)
        return downloaded.error();
    if (!file.flush() || !file.seek(0))
        return otherError(QStringLiteral("%1: could not read it back (%2)").arg(what, file.errorString()));
    openai::readResultFile(file, status.status, status.outcomes);
    return std::nullopt;
}

Result<ProviderBatchStatus, ProviderError> OpenAiProvider::statusOf(const QByteArray &batchJson,
                                                                    const QString &what, qint64 requestCount,
                                                                    bool needsOutcomes)
{
    auto parsed = openai::parseBatch(batchJson, requestCount);
    if (!parsed)
        return otherError(QStringLiteral("%1: %2").arg(what, parsed.error()));
    const openai::BatchObject &batch = parsed.value();
    ProviderBatchStatus status = batch.status;
    // A batch refused at validation has no result files: batchFromJson() already counted it.
    if (!isFinished(status.status) || status.status == JobStatus::Failed)
        return status;

    const qint64 requests = requestCount > 0 ? requestCount : batch.status.totalRequests;
    if (batch.outputFileId.isEmpty() && batch.errorFileId.isEmpty()) {
        // Nothing ran (a batch cancelled or expired before it started), or a server that writes no
        // files: keep the object's counts, and an expired batch's requests without an outcome failed.
        if (status.status == JobStatus::Expired)
            failUnrunAsExpired(status, requests);
        return status;
    }
    if (!needsOutcomes && batch.usage) {
        // A batch batchmon has no requests of: its counts and tokens are in the object; only the error
        // file is read, for the codes of what failed (the output file can be hundreds of MB).
        const qint64 completed = status.completedCount;
        if (!batch.errorFileId.isEmpty()) {
            if (auto error = readFile(
                    batch.errorFileId,
                    QStringLiteral("downloading the error file of batch %1").arg(status.batchId), status))
                return *error;
        }
        status.failedCount = 0;
        status.errorCounts.clear();
        for (const RequestOutcome &line : std::as_const(status.outcomes)) {
            if (line.failed) {
                ++status.failedCount;
                ++status.errorCounts[line.errorCode];
            }
        }
        status.outcomes.clear();
        status.completedCount =
            std::clamp<qint64>(completed, 0, std::max<qint64>(0, requests - status.failedCount));
        if (status.status == JobStatus::Expired)
            failUnrunAsExpired(status, requests); // as applyOutcomes()
        status.inputTokens = batch.usage->input;
        status.outputTokens = batch.usage->output;
        status.completedInputTokens = status.inputTokens; // failed requests are not billed
        status.completedOutputTokens = status.outputTokens;
        return status;
    }
    if (!batch.outputFileId.isEmpty()) {
        if (auto error = readFile(
                batch.outputFileId,
                QStringLiteral("downloading the output file of batch %1").arg(status.batchId), status))
            return *error;
    }
    if (!batch.errorFileId.isEmpty()) {
        if (auto error = readFile(
                batch.errorFileId,
                QStringLiteral("downloading the error file of batch %1").arg(status.batchId), status))
            return *error;
    }
    openai::applyOutcomes(status, requests, batch.usage);
    return status;
}

Result<ProviderBatchStatus, ProviderError> OpenAiProvider::poll(const SubmittedBatch &batch,
                                                                const QDateTime &now)
{
    Q_UNUSED(now)
    for (const ProviderBatchStatus &done : std::as_const(m_finished)) {
        if (done.batchId == batch.batchId)
            return done; // finished: it will not change, and its files were read
    }
    const QString what = QStringLiteral("reading batch %1").arg(batch.batchId);
    auto answer = call(what, "GET", QStringLiteral("/batches/") + segment(batch.batchId), {}, {}, {});
    if (!answer)
        return answer.error();
    auto status = statusOf(answer.value().body, what, batch.submission.requestCount, batch.needsOutcomes);
    if (status && isFinished(status.value().status)) {
        m_finished.append(status.value());
        while (m_finished.size() > kFinishedKept)
            m_finished.removeFirst();
    }
    return status;
}

Result<ProviderBatchStatus, ProviderError> OpenAiProvider::cancel(const SubmittedBatch &batch,
                                                                  const QDateTime &now)
{
    const QString what = QStringLiteral("cancelling batch %1").arg(batch.batchId);
    auto answer =
        call(what, "POST", QStringLiteral("/batches/") + segment(batch.batchId) + QStringLiteral("/cancel"),
             {}, {}, {});
    if (!answer) {
        // Already finished (or already cancelled): what it is now is the answer.
        if (answer.error().kind == ProviderError::Kind::Conflict)
            return poll(batch, now);
        return answer.error();
    }
    return statusOf(answer.value().body, what, batch.submission.requestCount, batch.needsOutcomes);
}

Result<BatchPage, ProviderError> OpenAiProvider::listBatches(const QString &after, int limit)
{
    QByteArray query = "limit=" + QByteArray::number(std::clamp(limit, 1, 100));
    if (!after.isEmpty())
        query += "&after=" + QUrl::toPercentEncoding(after);
    const QString what = QStringLiteral("listing the account's batches");
    auto answer = call(what, "GET", QStringLiteral("/batches"), query, {}, {});
    if (!answer)
        return answer.error();
    auto page = openai::parseBatchPage(answer.value().body);
    if (!page)
        return otherError(QStringLiteral("%1: %2").arg(what, page.error()));
    return page.value();
}

qint64 OpenAiProvider::enqueuedTokenLimit() const
{
    return m_settings.enqueuedTokenLimit;
}

std::optional<ModelPrice> OpenAiProvider::price(const QString &model) const
{
    return m_prices.price(model);
}

} // namespace batchmon
