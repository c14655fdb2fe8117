// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI provider's pure parts on realistic Batch API JSON (the input file, Batch objects, result
// lines of chat, embeddings and Responses requests, error files, error bodies, settings from the
// environment), and BlockingHttp against a small HTTP server on its own thread: statuses, bodies, a
// sink, timeouts, calls from several threads, and a main thread that processes no events while it waits.
// A few provider calls run against canned answers of that server too (upload, 429, 401, 409).
#include "openai/BlockingHttp.h"
#include "openai/OpenAiJson.h"
#include "openai/OpenAiProvider.h"
#include "pipeline/SimulatedProvider.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QMutexLocker>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace batchmon;
using namespace batchmon::openai;

namespace batchmon {
char *toString(JobStatus status)
{
    return QTest::toString(toWireString(status));
}
} // namespace batchmon

namespace {

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

BatchObject batchOrDie(const QByteArray &json, qint64 requestCount)
{
    const auto batch = parseBatch(json, requestCount);
    if (!batch)
        qFatal("batch did not parse: %s", qPrintable(batch.error()));
    return batch.value();
}

qint64 sum(const QMap<QString, qint64> &counts)
{
    qint64 total = 0;
    for (const qint64 n : counts)
        total += n;
    return total;
}

// Result lines as OpenAI writes them (https://platform.openai.com/docs/guides/batch). In raw strings an
// apostrophe is written \u0027 and "//" as "\/\/": moc's tokenizer reads those as a character literal or a
// comment and then finds no test class.
const QByteArray kChatLine =
    R"({"id": "batch_req_123", "custom_id": "request-2", "response": {"status_code": 200, "request_id": "req_123", )"
    R"("body": {"id": "chatcmpl-123", "object": "chat.completion", "created": 1711652795, "model": )"
    R"("gpt-4o-mini-2024-07-18", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello."}, )"
    R"("logprobs": null, "finish_reason": "stop"}], "usage": {"prompt_tokens": 22, "completion_tokens": 2, )"
    R"("total_tokens": 24}, "system_fingerprint": "fp_123"}}, "error": null})";
const QByteArray kEmbeddingLine =
    R"({"id":"batch_req_e1","custom_id":"emb-1","response":{"status_code":200,"request_id":"req_e1","body":)"
    R"({"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.0023064255,-0.009327292]}],)"
    R"("model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}},"error":null})";
const QByteArray kResponsesLine =
    R"({"id":"batch_req_r1","custom_id":"resp-1","response":{"status_code":200,"request_id":"req_r1","body":)"
    R"({"id":"resp_67ccd2bed1ec8190","object":"response","created_at":1741476542,"status":"completed",)"
    R"("model":"gpt-4.1-mini-2025-04-14","output":[{"type":"message","id":"msg_1","status":"completed","role":)"
    R"("assistant","content":[{"type":"output_text","text":"In a peaceful grove...","annotations":[]}]}],)"
    R"("usage":{"input_tokens":36,"input_tokens_details":{"cached_tokens":0},"output_tokens":87,)"
    R"("output_tokens_details":{"reasoning_tokens":0},"total_tokens":123}}},"error":null})";
const QByteArray kContextLengthLine =
    R"({"id":"batch_req_x","custom_id":"request-7","response":{"status_code":400,"request_id":"req_x","body":)"
    R"({"error":{"message":"This model\u0027s maximum context length is 128000 tokens. However, your messages )"
    R"(resulted in 130412 tokens.","type":"invalid_request_error","param":"messages","code":)"
    R"("context_length_exceeded"}}},"error":null})";
const QByteArray kServerErrorLine =
    R"({"id":"batch_req_y","custom_id":"request-8","response":{"status_code":500,"request_id":"req_y","body":)"
    R"({"error":{"message":"The server had an error while processing your request. Sorry about that!",)"
    R"("type":"server_error","param":null,"code":null}}},"error":null})";
const QByteArray kBareStatusLine =
    R"({"id":"batch_req_z","custom_id":"request-9","response":{"status_code":503,"request_id":"req_z","body":{}},)"
    R"("error":null})";
const QByteArray kExpiredLine =
    R"({"id": "batch_req_456", "custom_id": "request-3", "response": null, "error": {"code": "batch_expired", )"
    R"("message": "This request could not be executed before the completion window expired."}})";
const QByteArray kCancelledLine =
    R"({"id": "batch_req_789", "custom_id": "request-4", "response": null, "error": {"code": "batch_cancelled", )"
    R"("message": "This request was not executed because the batch was cancelled."}})";

QByteArray batchJson(const QString &status, const QString &extra = QString())
{
    return QStringLiteral(
               R"({"id":"batch_abc123","object":"batch","endpoint":"/v1/chat/completions","errors":null,)"
               R"("input_file_id":"file-in","completion_window":"24h","status":"%1",)"
               R"("output_file_id":"file-out","error_file_id":"file-err","created_at":1714508499,)"
               R"("in_progress_at":1714508510,"expires_at":1714594899,"finalizing_at":1714509000,)"
               R"("completed_at":1714509100,"failed_at":null,"expired_at":1714594899,)"
               R"("cancelling_at":null,"cancelled_at":1714508900,)"
               R"("request_counts":{"total":100,"completed":95,"failed":5},)"
               R"("metadata":{"batchmon_job":"job-17","job_type":"summarization","model":"gpt-4o-mini"})"
               R"(%2})")
        .arg(status, extra)
        .toUtf8();
}

const QByteArray kTokenLimitBatch =
    R"({"id":"batch_failed1","object":"batch","endpoint":"/v1/chat/completions","errors":{"object":"list",)"
    R"("data":[{"code":"token_limit_exceeded","message":"Enqueued token limit reached for gpt-4o in organization )"
    R"(org-xyz. Limit: 90,000 enqueued tokens. Please try again once some in_progress batches have been )"
    R"(completed.","param":null,"line":null}]},"input_file_id":"file-abc","completion_window":"24h",)"
    R"("status":"failed","output_file_id":null,"error_file_id":null,"created_at":1714508499,)"
    R"("in_progress_at":null,"expires_at":1714594899,"finalizing_at":null,"completed_at":null,)"
    R"("failed_at":1714508500,"expired_at":null,"cancelling_at":null,"cancelled_at":null,)"
    R"("request_counts":{"total":0,"completed":0,"failed":0},"metadata":null})";

// ---- a small HTTP/1.1 server on its own thread --------------------------------------------------------

struct SeenRequest
{
    QByteArray method;
    QByteArray target; ///< path and query
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
    bool hasHeader(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return true;
        }
        return false;
    }
};

struct Canned
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool hang = false; ///< read the request, never answer
};

/**
 * Answers each request with what `handler` says, on a thread of its own, so that a test's main thread
 * can block in BlockingHttp::send() while it answers. `handler` runs on the server's thread.
 */
class TinyServer
{
public:
    using Handler = std::function<Canned(const SeenRequest &)>;

    explicit TinyServer(Handler handler) : m_handler(std::move(handler)), m_server(new QTcpServer)
    {
        m_server->moveToThread(&m_thread);
        m_thread.start();
        QMetaObject::invokeMethod(
            m_server,
            [this] {
                m_server->listen(QHostAddress::LocalHost, 0);
                m_port = m_server->serverPort();
                QObject::connect(m_server, &QTcpServer::newConnection, m_server, [this] {
                    while (QTcpSocket *socket = m_server->nextPendingConnection())
                        serve(socket);
                });
            },
            Qt::BlockingQueuedConnection);
    }

    ~TinyServer()
    {
        QTcpServer *server = m_server;
        QMetaObject::invokeMethod(
            server, [server] { delete server; }, Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
    }
    quint16 port() const { return m_port; }

    QList<SeenRequest> requests() const
    {
        QMutexLocker lock(&m_mutex);
        return m_requests;
    }

    /// Waits (without an event loop) until the server has read `n` requests.
    bool waitForRequests(int n, int timeoutMs = 5000) const
    {
        QElapsedTimer timer;
        timer.start();
        while (requests().size() < n) {
            if (timer.elapsed() > timeoutMs)
                return false;
            QThread::msleep(5);
        }
        return true;
    }

private:
    void serve(QTcpSocket *socket)
    {
        auto buffer = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            SeenRequest request;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            const QList<QByteArray> first = lines.first().trimmed().split(' ');
            request.method = first.value(0);
            request.target = first.value(1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines.at(i).indexOf(':');
                if (colon < 0)
                    continue;
                const QByteArray name = lines.at(i).left(colon).trimmed();
                const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
                request.headers.append({name, value});
                if (name.compare("content-length", Qt::CaseInsensitive) == 0)
                    length = value.toLongLong();
            }
            if (buffer->size() < end + 4 + length)
                return;
            request.body = buffer->mid(end + 4, length);
            buffer->remove(0, end + 4 + length);
            {
                QMutexLocker lock(&m_mutex);
                m_requests.append(request);
            }
            const Canned answer = m_handler(request);
            if (answer.hang)
                return;
            QByteArray raw = "HTTP/1.1 " + QByteArray::number(answer.status) +
                             " Canned\r\nContent-Length: " + QByteArray::number(answer.body.size()) +
                             "\r\nConnection: close\r\n";
            for (const auto &[name, value] : answer.headers)
                raw += name + ": " + value + "\r\n";
            raw += "\r\n";
            raw += answer.body;
            socket->write(raw);
            socket->disconnectFromHost();
        });
    }

    Handler m_handler;
    QThread m_thread;
    QTcpServer *m_server;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    QList<SeenRequest> m_requests;
};

Canned json(int status, const QByteArray &body, QList<QPair<QByteArray, QByteArray>> headers = {})
{
    headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
    return Canned{status, body, headers, false};
}

const QString kKey = QStringLiteral("sk-test-0123456789abcdefSECRET");

OpenAiSettings settingsFor(const TinyServer &server)
{
    OpenAiSettings settings;
    settings.baseUrl = server.url(QStringLiteral("/v1/")); // the trailing slash is tolerated
    settings.apiKey = kKey;
    settings.requestTimeoutMs = 5000;
    return settings;
}

} // namespace

class TestOpenAiParse : public QObject
{
    Q_OBJECT

    // moc reads raw strings and digit separators badly, so the slots are defined below the class.
private slots:
    // ---- the input file -----------------------------------------------------------------------------

    void jsonlLinesAreOneJsonObjectEach();

    // ---- statuses and endpoints ---------------------------------------------------------------------

    void statusesAndEndpoints();

    // ---- Batch objects ------------------------------------------------------------------------------

    void runningBatchHasCountsButNoCodesYet();
    void finishedTimestampsFollowTheStatus();
    void batchUsageIsRead();
    void refusedBatchFailsEveryRequestWithItsCode();
    void refusedBatchLooksLikeTheSimulatedOne();
    void badBatchObjects();
    void listedBatches();

    // ---- result lines -------------------------------------------------------------------------------

    void successfulLinesOfEachEndpoint();
    void failedLines();
    void malformedLines();

    // ---- a finished batch from its files ------------------------------------------------------------

    void completedBatchCountsItsLines();
    void expiredBatchFailsWhatDidNotRun();
    void cancelledBatchLeavesWhatDidNotRunUnprocessed();

    // ---- errors -------------------------------------------------------------------------------------

    void errorBodies();
    void errorKinds();
    void retryAfterHeaders();

    // ---- settings -----------------------------------------------------------------------------------

    void settingsFromTheEnvironment();

    // ---- BlockingHttp -------------------------------------------------------------------------------

    void blockingHttpStatusBodyAndHeaders();
    void blockingHttpTimesOutAndReportsRefusals();
    void blockingHttpSinkTakesOnlySuccessfulBodies();
    void blockingHttpRunsNoEventLoopOnTheCaller();
    void blockingHttpServesManyThreads();
    void blockingHttpEndsCallsInFlightWhenDestroyed();

    // ---- OpenAiProvider on canned answers -----------------------------------------------------------

    void providerSubmitsAFileAndABatch();
    void providerPollsAFinishedBatchWithItsFiles();
    void providerWaitsOutRateLimits();
    void providerNeverShowsTheKey();
};

void TestOpenAiParse::jsonlLinesAreOneJsonObjectEach()
{
    const QList<ProviderRequest> requests{
        {QStringLiteral("req-1"), QStringLiteral("/v1/chat/completions"),
         R"({"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi \"there\"\n"}]})"},
        // A producer's pretty-printed body, and an id that needs escaping.
        {QStringLiteral("req \"2\"\\ü\t"), QStringLiteral("/v1/chat/completions"),
         "{\r\n  \"model\": \"gpt-4o-mini\",\n  \"max_tokens\": 5\n}\n"},
    };
    const QByteArray file = writeJsonl(requests);
    QVERIFY(file.endsWith('\n'));
    const QList<QByteArray> lines = file.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);

    const QJsonObject first = parseObject(lines.at(0));
    QCOMPARE(first.value(QLatin1String("custom_id")).toString(), QStringLiteral("req-1"));
    QCOMPARE(first.value(QLatin1String("method")).toString(), QStringLiteral("POST"));
    QCOMPARE(first.value(QLatin1String("url")).toString(), QStringLiteral("/v1/chat/completions"));
    const QJsonObject body = first.value(QLatin1String("body")).toObject();
    QCOMPARE(body.value(QLatin1String("messages"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QLatin1String("content"))
                 .toString(),
             QStringLiteral("Hi \"there\"\n"));
    // The body is the producer's bytes, not a re-serialisation.
    QVERIFY(lines.at(0).contains(requests.at(0).body));

    const QJsonObject second = parseObject(lines.at(1));
    QCOMPARE(second.value(QLatin1String("custom_id")).toString(), requests.at(1).customId);
    QCOMPARE(second.value(QLatin1String("body")).toObject().value(QLatin1String("max_tokens")).toInt(), 5);

    QCOMPARE(jsonlLine({QStringLiteral("e"), QStringLiteral("/v1/embeddings"), {}}),
             QByteArray(R"({"custom_id":"e","method":"POST","url":"/v1/embeddings","body":{}})"));
    QCOMPARE(jsonlLine({QStringLiteral("c\x01"), QStringLiteral("/u"), "{}"}),
             QByteArray(R"({"custom_id":"c\u0001","method":"POST","url":"/u","body":{}})"));
}

void TestOpenAiParse::statusesAndEndpoints()
{
    QCOMPARE(statusFromOpenAi(u"validating"), JobStatus::Validating);
    QCOMPARE(statusFromOpenAi(u"failed"), JobStatus::Failed);
    QCOMPARE(statusFromOpenAi(u"in_progress"), JobStatus::InProgress);
    QCOMPARE(statusFromOpenAi(u"finalizing"), JobStatus::Finalizing);
    QCOMPARE(statusFromOpenAi(u"completed"), JobStatus::Completed);
    QCOMPARE(statusFromOpenAi(u"expired"), JobStatus::Expired);
    QCOMPARE(statusFromOpenAi(u"cancelling"), JobStatus::Cancelling);
    QCOMPARE(statusFromOpenAi(u"cancelled"), JobStatus::Cancelled);
    QVERIFY(!statusFromOpenAi(u"pending")); // batchmon's own, never OpenAI's
    QVERIFY(!statusFromOpenAi(u"paused"));
    QVERIFY(!statusFromOpenAi(u"Completed"));
    QVERIFY(!statusFromOpenAi(u""));

    QCOMPARE(jobTypeForEndpoint(u"/v1/chat/completions"), QStringLiteral("chat_completions"));
    QCOMPARE(jobTypeForEndpoint(u"/v1/embeddings"), QStringLiteral("embeddings"));
    QCOMPARE(jobTypeForEndpoint(u"/v1/responses"), QStringLiteral("responses"));
    QCOMPARE(jobTypeForEndpoint(u"/v1/completions"), QStringLiteral("completions"));
    QCOMPARE(jobTypeForEndpoint(u"/v1/moderations"), QStringLiteral("moderations"));
    QCOMPARE(jobTypeForEndpoint(u"/v1/chat-x/completions/"), QStringLiteral("chat_x_completions"));
    QCOMPARE(jobTypeForEndpoint(u""), QString());
}

void TestOpenAiParse::runningBatchHasCountsButNoCodesYet()
{
    const BatchObject b = batchOrDie(batchJson(QStringLiteral("in_progress")), 100);
    const ProviderBatchStatus &s = b.status;
    QCOMPARE(s.batchId, QStringLiteral("batch_abc123"));
    QCOMPARE(s.status, JobStatus::InProgress);
    QCOMPARE(s.completedCount, 95);
    QCOMPARE(s.failedCount, 5);
    QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{unknownErrorCode(), 5}}));
    QCOMPARE(s.inProgressAt, QDateTime::fromSecsSinceEpoch(1714508510, Qt::UTC));
    QVERIFY(!s.finishedAt); // not finished, whatever timestamps the object carries
    QVERIFY(!s.batchError);
    QVERIFY(s.outcomes.isEmpty());
    QCOMPARE(s.inputTokens, 0);
    QVERIFY(!b.usage);
    QCOMPARE(b.endpoint, QStringLiteral("/v1/chat/completions"));
    QCOMPARE(b.status.totalRequests, 100);
    QCOMPARE(b.outputFileId, QStringLiteral("file-out"));
    QCOMPARE(b.errorFileId, QStringLiteral("file-err"));
    QCOMPARE(b.inputFileId, QStringLiteral("file-in"));
    QCOMPARE(b.createdAt, QDateTime::fromSecsSinceEpoch(1714508499, Qt::UTC));

    const BatchObject clean =
        batchOrDie(R"({"id":"b","status":"validating","request_counts":{"total":0,"completed":0,"failed":0},)"
                   R"("output_file_id":null,"usage":{"input_tokens":0,"output_tokens":0,"total_tokens":0}})",
                   10);
    QCOMPARE(clean.status.status, JobStatus::Validating);
    QVERIFY(clean.status.errorCounts.isEmpty());
    QVERIFY(clean.outputFileId.isEmpty());
    QVERIFY(!clean.usage); // all zero: not reported
    QVERIFY(!clean.status.inProgressAt);
}

void TestOpenAiParse::finishedTimestampsFollowTheStatus()
{
    QCOMPARE(*batchOrDie(batchJson(QStringLiteral("completed")), 1).status.finishedAt,
             QDateTime::fromSecsSinceEpoch(1714509100, Qt::UTC));
    QCOMPARE(*batchOrDie(batchJson(QStringLiteral("cancelled")), 1).status.finishedAt,
             QDateTime::fromSecsSinceEpoch(1714508900, Qt::UTC));
    const BatchObject expired = batchOrDie(batchJson(QStringLiteral("expired")), 1);
    QCOMPARE(*expired.status.finishedAt, QDateTime::fromSecsSinceEpoch(1714594899, Qt::UTC));
    QCOMPARE(expired.status.batchError, errorcode::batchExpired());
    QVERIFY(!batchOrDie(batchJson(QStringLiteral("cancelling")), 1).status.finishedAt);
    QVERIFY(!batchOrDie(batchJson(QStringLiteral("finalizing")), 1).status.finishedAt);
}

void TestOpenAiParse::batchUsageIsRead()
{
    const BatchObject b = batchOrDie(
        batchJson(QStringLiteral("in_progress"),
                  QStringLiteral(R"(,"model":"gpt-4o-mini-2024-07-18","usage":{"input_tokens":1200,)"
                                 R"("output_tokens":340,"total_tokens":1540,)"
                                 R"("input_tokens_details":{"cached_tokens":0},)"
                                 R"("output_tokens_details":{"reasoning_tokens":0}})")),
        100);
    QVERIFY(b.usage);
    QCOMPARE(b.usage->input, 1200);
    QCOMPARE(b.usage->output, 340);
    QCOMPARE(b.status.inputTokens, 1200);
    QCOMPARE(b.status.outputTokens, 340);
    QCOMPARE(b.model, QStringLiteral("gpt-4o-mini-2024-07-18"));
}

void TestOpenAiParse::refusedBatchFailsEveryRequestWithItsCode()
{
    const BatchObject b = batchOrDie(kTokenLimitBatch, 250);
    const ProviderBatchStatus &s = b.status;
    QCOMPARE(s.status, JobStatus::Failed);
    QCOMPARE(s.batchError, QStringLiteral("token_limit_exceeded"));
    QCOMPARE(s.completedCount, 0);
    QCOMPARE(s.failedCount, 250);
    QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{QStringLiteral("token_limit_exceeded"), 250}}));
    QCOMPARE(s.finishedAt, QDateTime::fromSecsSinceEpoch(1714508500, Qt::UTC));
    QVERIFY(!s.inProgressAt);
    QVERIFY(b.metadata.isEmpty());

    // Without the job's count (a batch made elsewhere): request_counts.total, here 0 — nothing counted.
    const BatchObject unknown = batchOrDie(kTokenLimitBatch, 0);
    QCOMPARE(unknown.status.failedCount, 0);
    QVERIFY(unknown.status.errorCounts.isEmpty());

    const BatchObject badLine = batchOrDie(
        R"({"id":"batch_2","status":"failed","endpoint":"/v1/embeddings","errors":{"object":"list","data":[)"
        R"({"code":"invalid_json_line","message":"This line is not parseable as valid JSON.","param":null,)"
        R"("line":3},{"code":"invalid_json_line","message":"again","param":null,"line":9}]},)"
        R"("failed_at":1714508600,"request_counts":{"total":12,"completed":0,"failed":0}})",
        0);
    QCOMPARE(badLine.status.batchError, QStringLiteral("invalid_json_line"));
    QCOMPARE(badLine.status.failedCount, 12);
    QCOMPARE(badLine.status.errorCounts.value(QStringLiteral("invalid_json_line")), 12);

    const BatchObject noErrors = batchOrDie(R"({"id":"batch_3","status":"failed","errors":null})", 4);
    QCOMPARE(noErrors.status.batchError, unknownErrorCode());
    QCOMPARE(noErrors.status.errorCounts.value(unknownErrorCode()), 4);
}

void TestOpenAiParse::refusedBatchLooksLikeTheSimulatedOne()
{
    // The pipeline was written against SimulatedProvider: a refused batch must have the same shape.
    SimulationProfile profile;
    profile.validationFailureRate = 1.0;
    profile.validationErrorMix = {{QStringLiteral("token_limit_exceeded"), 1.0}};
    SimulatedProvider simulated(7, profile);
    SubmittedBatch submitted;
    submitted.submission.jobId = QStringLiteral("job-1");
    submitted.submission.jobType = QStringLiteral("summarization");
    submitted.submission.model = QStringLiteral("gpt-4o-mini");
    submitted.submission.requestCount = 250;
    const QDateTime start(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC);
    submitted.batchId = simulated.submit(submitted.submission, start).value();
    submitted.submittedAt = start;
    const ProviderBatchStatus expected = simulated.poll(submitted, start.addSecs(3600)).value();
    QCOMPARE(expected.status, JobStatus::Failed);

    const ProviderBatchStatus actual = batchOrDie(kTokenLimitBatch, 250).status;
    QCOMPARE(actual.status, expected.status);
    QCOMPARE(actual.batchError, expected.batchError);
    QCOMPARE(actual.completedCount, expected.completedCount);
    QCOMPARE(actual.failedCount, expected.failedCount);
    QCOMPARE(actual.errorCounts, expected.errorCounts);
    QCOMPARE(actual.inputTokens, expected.inputTokens);
    QCOMPARE(actual.completedInputTokens, expected.completedInputTokens);
    QCOMPARE(bool(actual.inProgressAt), bool(expected.inProgressAt));
    QCOMPARE(bool(actual.finishedAt), bool(expected.finishedAt));
}

void TestOpenAiParse::badBatchObjects()
{
    QVERIFY(!parseBatch("not json", 1));
    QVERIFY(!parseBatch("[1,2]", 1));
    QVERIFY(!parseBatch(R"({"status":"completed"})", 1));
    const auto unknown = parseBatch(R"({"id":"batch_9","status":"paused"})", 1);
    QVERIFY(!unknown);
    QVERIFY(unknown.error().contains(QLatin1String("paused")));
}

void TestOpenAiParse::listedBatches()
{
    const QByteArray page =
        R"({"object":"list","data":[)" + batchJson(QStringLiteral("completed")) + "," +
        // made elsewhere: no metadata, and a Batch `model`
        R"({"id":"batch_other","object":"batch","endpoint":"/v1/embeddings","status":"in_progress",)"
        R"("model":"text-embedding-3-small","created_at":1714500000,"metadata":null,)"
        R"("request_counts":{"total":40,"completed":3,"failed":0}},)"
        // a status this version does not know is left out
        R"({"id":"batch_future","object":"batch","status":"hibernating","endpoint":"/v1/responses"},)"
        R"({"id":"batch_meta","object":"batch","endpoint":"/v1/responses","status":"validating",)"
        R"("created_at":1714400000,"metadata":{"model":"gpt-4.1-mini","note":"x"},)"
        R"("request_counts":{"total":7,"completed":0,"failed":0}}],)"
        R"("first_id":"batch_abc123","last_id":"batch_meta","has_more":true})";
    const auto parsed = parseBatchPage(page);
    QVERIFY(parsed);
    const BatchPage &p = parsed.value();
    QVERIFY(p.hasMore);
    QCOMPARE(p.lastId, QStringLiteral("batch_meta"));
    QCOMPARE(p.batches.size(), 3);

    const ListedBatch &ours = p.batches.at(0);
    QCOMPARE(ours.batchId, QStringLiteral("batch_abc123"));
    QCOMPARE(ours.endpoint, QStringLiteral("/v1/chat/completions"));
    QCOMPARE(ours.model, QStringLiteral("gpt-4o-mini"));
    QCOMPARE(ours.jobType, QStringLiteral("summarization"));
    QCOMPARE(ours.batchmonJob, QStringLiteral("job-17"));
    QCOMPARE(ours.status, JobStatus::Completed);
    QCOMPARE(ours.requestCount, 100);
    QCOMPARE(ours.createdAt, QDateTime::fromSecsSinceEpoch(1714508499, Qt::UTC));

    const ListedBatch &other = p.batches.at(1);
    QCOMPARE(other.model, QStringLiteral("text-embedding-3-small"));
    QCOMPARE(other.jobType, QStringLiteral("embeddings"));
    QVERIFY(!other.batchmonJob);
    QCOMPARE(other.status, JobStatus::InProgress);
    QCOMPARE(other.requestCount, 40);

    const ListedBatch &meta = p.batches.at(2);
    QCOMPARE(meta.model, QStringLiteral("gpt-4.1-mini"));
    QCOMPARE(meta.jobType, QStringLiteral("responses"));

    const auto empty = parseBatchPage(R"({"object":"list","data":[],"has_more":false})");
    QVERIFY(empty);
    QVERIFY(empty.value().batches.isEmpty());
    QVERIFY(!empty.value().hasMore);
    QVERIFY(!parseBatchPage(R"({"error":{"message":"x"}})"));
}

void TestOpenAiParse::successfulLinesOfEachEndpoint()
{
    const RequestOutcome chat = parseResultLine(kChatLine);
    QCOMPARE(chat.customId, QStringLiteral("request-2"));
    QVERIFY(!chat.failed);
    QCOMPARE(chat.statusCode, 200);
    QCOMPARE(chat.inputTokens, 22);
    QCOMPARE(chat.outputTokens, 2);
    QVERIFY(chat.errorCode.isEmpty());
    QCOMPARE(parseObject(chat.response).value(QLatin1String("id")).toString(),
             QStringLiteral("chatcmpl-123"));
    QVERIFY(!chat.response.contains('\n'));

    const RequestOutcome embedding = parseResultLine(kEmbeddingLine);
    QVERIFY(!embedding.failed);
    QCOMPARE(embedding.customId, QStringLiteral("emb-1"));
    QCOMPARE(embedding.inputTokens, 8);
    QCOMPARE(embedding.outputTokens, 0);

    const RequestOutcome responses = parseResultLine(kResponsesLine);
    QVERIFY(!responses.failed);
    QCOMPARE(responses.inputTokens, 36);
    QCOMPARE(responses.outputTokens, 87);
}

void TestOpenAiParse::failedLines()
{
    const RequestOutcome tooLong = parseResultLine(kContextLengthLine);
    QVERIFY(tooLong.failed);
    QCOMPARE(tooLong.customId, QStringLiteral("request-7"));
    QCOMPARE(tooLong.statusCode, 400);
    QCOMPARE(tooLong.errorCode, QStringLiteral("context_length_exceeded"));
    QVERIFY(tooLong.errorMessage.startsWith(QLatin1String("This model's maximum context length")));
    QVERIFY(!tooLong.response.isEmpty()); // the error body is kept too

    const RequestOutcome server = parseResultLine(kServerErrorLine);
    QVERIFY(server.failed);
    QCOMPARE(server.statusCode, 500);
    QCOMPARE(server.errorCode, QStringLiteral("server_error")); // code null: the type
    QVERIFY(server.errorMessage.contains(QLatin1String("Sorry")));

    const RequestOutcome bare = parseResultLine(kBareStatusLine);
    QVERIFY(bare.failed);
    QCOMPARE(bare.errorCode, QStringLiteral("http_503"));

    const RequestOutcome expired = parseResultLine(kExpiredLine);
    QVERIFY(expired.failed);
    QCOMPARE(expired.customId, QStringLiteral("request-3"));
    QCOMPARE(expired.statusCode, 0);
    QVERIFY(expired.response.isEmpty());
    QCOMPARE(expired.errorCode, errorcode::batchExpired());
    QVERIFY(expired.errorMessage.contains(QLatin1String("completion window")));

    // `error` set although the response says 200: failed, with the error's code.
    const RequestOutcome both = parseResultLine(
        R"({"custom_id":"b","response":{"status_code":200,"body":{"usage":{"prompt_tokens":4}}},)"
        R"("error":{"code":"request_timeout","message":"timed out"}})");
    QVERIFY(both.failed);
    QCOMPARE(both.errorCode, QStringLiteral("request_timeout"));
    QCOMPARE(both.inputTokens, 4);

    const RequestOutcome noCode =
        parseResultLine(R"({"custom_id":"n","response":null,"error":{"message":"something"}})");
    QVERIFY(noCode.failed);
    QCOMPARE(noCode.errorCode, unknownErrorCode());
    QCOMPARE(noCode.errorMessage, QStringLiteral("something"));
}

void TestOpenAiParse::malformedLines()
{
    for (const QByteArray &line : {QByteArray("{\"custom_id\": \"cut-off"), QByteArray("[1,2,3]"),
                                   QByteArray("\"text\""), QByteArray("<html>Bad gateway</html>")}) {
        const RequestOutcome o = parseResultLine(line);
        QVERIFY(o.failed);
        QCOMPARE(o.errorCode, malformedLineCode());
        QVERIFY(!o.errorMessage.isEmpty());
    }
    const RequestOutcome neither = parseResultLine(R"({"custom_id":"x","response":null,"error":null})");
    QVERIFY(neither.failed);
    QCOMPARE(neither.customId, QStringLiteral("x"));
    QCOMPARE(neither.errorCode, malformedLineCode());
}

void TestOpenAiParse::completedBatchCountsItsLines()
{
    const QByteArray output = kChatLine + "\n" + kChatLine + "\n\n" + kResponsesLine + "\n";
    const QByteArray errors = kContextLengthLine + "\r\n" + kServerErrorLine + "\n" + "{not json at all\n" +
                              kContextLengthLine; // no final newline
    BatchObject b = batchOrDie(batchJson(QStringLiteral("completed")), 7);
    ProviderBatchStatus s = b.status;
    QBuffer out;
    out.setData(output);
    QVERIFY(out.open(QIODevice::ReadOnly));
    QCOMPARE(readResultFile(out, s.status, s.outcomes), 3);
    QBuffer err;
    err.setData(errors);
    QVERIFY(err.open(QIODevice::ReadOnly));
    QCOMPARE(readResultFile(err, s.status, s.outcomes), 4);
    applyOutcomes(s, 7, b.usage);

    QCOMPARE(s.outcomes.size(), 7);
    QCOMPARE(s.completedCount, 3);
    QCOMPARE(s.failedCount, 4);
    QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{QStringLiteral("context_length_exceeded"), 2},
                                                   {QStringLiteral("server_error"), 1},
                                                   {malformedLineCode(), 1}}));
    QCOMPARE(sum(s.errorCounts), s.failedCount);
    QCOMPARE(s.completedInputTokens, 22 + 22 + 36);
    QCOMPARE(s.completedOutputTokens, 2 + 2 + 87);
    QCOMPARE(s.inputTokens, s.completedInputTokens); // no usage: the lines' sum
    QCOMPARE(s.outputTokens, s.completedOutputTokens);
    QVERIFY(!s.batchError);

    // With the batch's usage, that is what is billed.
    applyOutcomes(s, 7, TokenUsage{500, 120});
    QCOMPARE(s.inputTokens, 500);
    QCOMPARE(s.outputTokens, 120);
    QCOMPARE(s.completedInputTokens, 80);
    // …but never less than the completed lines used.
    applyOutcomes(s, 7, TokenUsage{10, 1});
    QCOMPARE(s.inputTokens, 80);
    QCOMPARE(s.outputTokens, 91);
}

void TestOpenAiParse::expiredBatchFailsWhatDidNotRun()
{
    BatchObject b = batchOrDie(batchJson(QStringLiteral("expired")), 10);
    ProviderBatchStatus s = b.status;
    QBuffer out;
    out.setData(kChatLine + "\n" + kEmbeddingLine + "\n");
    QVERIFY(out.open(QIODevice::ReadOnly));
    readResultFile(out, s.status, s.outcomes);
    QBuffer err;
    err.setData(kExpiredLine + "\n" + kExpiredLine + "\n" + kContextLengthLine + "\n");
    QVERIFY(err.open(QIODevice::ReadOnly));
    readResultFile(err, s.status, s.outcomes);
    applyOutcomes(s, 10, std::nullopt);

    QCOMPARE(s.status, JobStatus::Expired);
    QCOMPARE(s.completedCount, 2);
    // 2 lines say batch_expired, 1 failed by itself, and 5 requests have no line at all.
    QCOMPARE(s.failedCount, 8);
    QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{errorcode::batchExpired(), 7},
                                                   {QStringLiteral("context_length_exceeded"), 1}}));
    QCOMPARE(s.completedCount + s.failedCount, 10);
    QCOMPARE(s.batchError, errorcode::batchExpired());
    QCOMPARE(s.completedInputTokens, 30);
}

void TestOpenAiParse::cancelledBatchLeavesWhatDidNotRunUnprocessed()
{
    BatchObject b = batchOrDie(batchJson(QStringLiteral("cancelled")), 10);
    ProviderBatchStatus s = b.status;
    QBuffer out;
    out.setData(kChatLine + "\n");
    QVERIFY(out.open(QIODevice::ReadOnly));
    readResultFile(out, s.status, s.outcomes);
    QBuffer err;
    err.setData(kCancelledLine + "\n" + kCancelledLine + "\n" + kServerErrorLine + "\n");
    QVERIFY(err.open(QIODevice::ReadOnly));
    QCOMPARE(readResultFile(err, s.status, s.outcomes), 1); // the batch_cancelled lines are skipped
    applyOutcomes(s, 10, std::nullopt);

    QCOMPARE(s.status, JobStatus::Cancelled);
    QCOMPARE(s.completedCount, 1);
    QCOMPARE(s.failedCount, 1);
    QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{QStringLiteral("server_error"), 1}}));
    QVERIFY(!s.batchError);
    QCOMPARE(s.outcomes.size(), 2);
}

void TestOpenAiParse::errorBodies()
{
    const ServerError e = parseErrorBody(
        R"({"error":{"message":"Incorrect API key provided: sk-abc***wxyz. You can find your API key at )"
        R"(https:\/\/platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,)"
        R"("code":"invalid_api_key"}})");
    QCOMPARE(e.code, QStringLiteral("invalid_api_key"));
    QCOMPARE(e.type, QStringLiteral("invalid_request_error"));
    QVERIFY(e.message.startsWith(QLatin1String("Incorrect API key provided")));

    QCOMPARE(parseErrorBody(R"({"detail":"Not authenticated"})").message,
             QStringLiteral("Not authenticated"));
    QCOMPARE(parseErrorBody(R"({"error":"model overloaded"})").message, QStringLiteral("model overloaded"));
    QCOMPARE(parseErrorBody("<html>\n<body>502 Bad Gateway</body>\n</html>").message,
             QStringLiteral("<html> <body>502 Bad Gateway</body> </html>"));
    QVERIFY(parseErrorBody(QByteArray(5000, 'x')).message.size() < 400);
    QVERIFY(parseErrorBody({}).message.isEmpty());
}

void TestOpenAiParse::errorKinds()
{
    const QByteArray body = R"({"error":{"message":"the message","type":"t","code":"c"}})";
    const QString what = QStringLiteral("creating the batch for job j-1");
    const auto kindOf = [&](int status) {
        return errorForStatus(what, status, body).kind;
    };
    QCOMPARE(kindOf(401), ProviderError::Kind::Unauthorized);
    QCOMPARE(kindOf(403), ProviderError::Kind::Unauthorized);
    QCOMPARE(kindOf(404), ProviderError::Kind::NotFound);
    QCOMPARE(kindOf(409), ProviderError::Kind::Conflict);
    QCOMPARE(kindOf(429), ProviderError::Kind::RateLimited);
    QCOMPARE(kindOf(500), ProviderError::Kind::Unavailable);
    QCOMPARE(kindOf(503), ProviderError::Kind::Unavailable);
    QCOMPARE(kindOf(400), ProviderError::Kind::Other);
    QCOMPARE(kindOf(422), ProviderError::Kind::Other);
    QCOMPARE(kindOf(302), ProviderError::Kind::Other);
    QCOMPARE(errorForStatus(what, 429,
                            R"({"error":{"message":"You exceeded your current quota, please check your plan )"
                            R"(and billing details.","type":"insufficient_quota","param":null,)"
                            R"("code":"insufficient_quota"}})")
                 .kind,
             ProviderError::Kind::QuotaExceeded);

    const ProviderError unauthorized = errorForStatus(what, 401, body);
    QVERIFY(unauthorized.message.startsWith(what));
    QVERIFY(unauthorized.message.contains(QLatin1String("the OpenAI API refused the key")));
    QVERIFY(unauthorized.message.endsWith(QLatin1String("the message")));
    const ProviderError bad = errorForStatus(what, 400, body, 3);
    QVERIFY(bad.message.contains(QLatin1String("HTTP 400")));
    QVERIFY(bad.message.endsWith(QLatin1String(": the message")));
    QCOMPARE(bad.retryAfterSeconds, 3);
    QCOMPARE(errorForStatus(what, 500, {}).message,
             QStringLiteral("creating the batch for job j-1: the OpenAI API is unavailable (HTTP 500)"));
}

void TestOpenAiParse::retryAfterHeaders()
{
    const QDateTime now(QDate(2025, 3, 1), QTime(12, 0), Qt::UTC);
    QCOMPARE(retryAfterMs("250", "20", now), 250);
    QCOMPARE(retryAfterMs({}, "20", now), 20000);
    QCOMPARE(retryAfterMs({}, " 1.5 ", now), 1500);
    QCOMPARE(retryAfterMs("nonsense", "2", now), 2000);
    QCOMPARE(retryAfterMs({}, "Sat, 01 Mar 2025 12:00:07 GMT", now), 7000);
    QCOMPARE(retryAfterMs({}, "Sat, 01 Mar 2025 11:00:00 GMT", now), 0); // in the past
    QCOMPARE(retryAfterMs({}, "999999999", now), 24LL * 3600 * 1000);
    QVERIFY(!retryAfterMs({}, {}, now));
    QVERIFY(!retryAfterMs({}, "soon", now));
    QVERIFY(!retryAfterMs("-5", "-1", now));
}

void TestOpenAiParse::settingsFromTheEnvironment()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto settingsOf = [](const QProcessEnvironment &env) {
        return OpenAiSettings::fromEnvironment(env);
    };

    QProcessEnvironment env;
    env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("  sk-proj-abc123  "));
    auto s = settingsOf(env);
    QVERIFY(std::holds_alternative<OpenAiSettings>(s));
    const OpenAiSettings &plain = std::get<OpenAiSettings>(s);
    QCOMPARE(plain.apiKey, QStringLiteral("sk-proj-abc123"));
    QCOMPARE(plain.baseUrl, QUrl(QStringLiteral("https://api.openai.com/v1")));
    QCOMPARE(plain.enqueuedTokenLimit, 2000000);
    QCOMPARE(plain.requestTimeoutMs, 120000);
    QCOMPARE(plain.maxRateLimitWaitMs, 60000);

    env.insert(QStringLiteral("OPENAI_BASE_URL"), QStringLiteral("http://localhost:8080/v1/"));
    env.insert(QStringLiteral("OPENAI_ENQUEUED_TOKEN_LIMIT"), QStringLiteral("90000"));
    s = settingsOf(env);
    QVERIFY(std::holds_alternative<OpenAiSettings>(s));
    QCOMPARE(std::get<OpenAiSettings>(s).baseUrl, QUrl(QStringLiteral("http://localhost:8080/v1/")));
    QCOMPARE(std::get<OpenAiSettings>(s).enqueuedTokenLimit, 90000);

    const auto errorOf = [&](const QProcessEnvironment &e) {
        const auto r = settingsOf(e);
        return std::holds_alternative<QString>(r) ? std::get<QString>(r) : QString();
    };
    for (const QString &bad : {QStringLiteral("ftp://example.com/v1"), QStringLiteral("not a url"),
                               QStringLiteral("https://user:hunter2@/v1")}) {
        QProcessEnvironment e = env;
        e.insert(QStringLiteral("OPENAI_BASE_URL"), bad);
        const QString error = errorOf(e);
        QVERIFY2(error.contains(QLatin1String("OPENAI_BASE_URL")), qPrintable(bad));
        QVERIFY(!error.contains(QLatin1String("hunter2")));
    }
    for (const QString &bad : {QStringLiteral("0"), QStringLiteral("-5"), QStringLiteral("2M")}) {
        QProcessEnvironment e = env;
        e.insert(QStringLiteral("OPENAI_ENQUEUED_TOKEN_LIMIT"), bad);
        QVERIFY(errorOf(e).contains(QLatin1String("OPENAI_ENQUEUED_TOKEN_LIMIT")));
    }

    // The key from a file, trimmed.
    const QString keyPath = dir.filePath(QStringLiteral("key"));
    {
        QFile f(keyPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("sk-from-file-789\n");
    }
    QProcessEnvironment fileEnv;
    fileEnv.insert(QStringLiteral("OPENAI_API_KEY_FILE"), keyPath);
    s = settingsOf(fileEnv);
    QVERIFY(std::holds_alternative<OpenAiSettings>(s));
    QCOMPARE(std::get<OpenAiSettings>(s).apiKey, QStringLiteral("sk-from-file-789"));

    // Both at once: ambiguous.
    QProcessEnvironment both = fileEnv;
    both.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-other"));
    QVERIFY(errorOf(both).contains(QLatin1String("only one")));
    QVERIFY(!errorOf(both).contains(QLatin1String("sk-")));

    // Neither: says what to set.
    const QString none = errorOf(QProcessEnvironment());
    QVERIFY(none.contains(QLatin1String("OPENAI_API_KEY")));
    QVERIFY(none.contains(QLatin1String("OPENAI_API_KEY_FILE")));

    // A file that is missing, empty, or holds more than a key: named, its content never quoted.
    QProcessEnvironment missing;
    missing.insert(QStringLiteral("OPENAI_API_KEY_FILE"), dir.filePath(QStringLiteral("nope")));
    QVERIFY(errorOf(missing).contains(dir.filePath(QStringLiteral("nope"))));
    QVERIFY(errorOf(missing).contains(QLatin1String("cannot be read")));

    const QString emptyPath = dir.filePath(QStringLiteral("empty"));
    {
        QFile f(emptyPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(" \n");
    }
    QProcessEnvironment empty;
    empty.insert(QStringLiteral("OPENAI_API_KEY_FILE"), emptyPath);
    QVERIFY(errorOf(empty).contains(emptyPath));
    QVERIFY(errorOf(empty).contains(QLatin1String("empty")));

    const QString twoLinesPath = dir.filePath(QStringLiteral("two"));
    {
        QFile f(twoLinesPath);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("OPENAI_API_KEY=sk-secret-value\nother-secret-line\n");
    }
    QProcessEnvironment twoLines;
    twoLines.insert(QStringLiteral("OPENAI_API_KEY_FILE"), twoLinesPath);
    const QString twoLinesError = errorOf(twoLines);
    QVERIFY(twoLinesError.contains(twoLinesPath));
    QVERIFY(!twoLinesError.contains(QLatin1String("secret")));

    QProcessEnvironment spaced;
    spaced.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-abc def-secret"));
    QVERIFY(!errorOf(spaced).isEmpty());
    QVERIFY(!errorOf(spaced).contains(QLatin1String("secret")));
}

void TestOpenAiParse::blockingHttpStatusBodyAndHeaders()
{
    TinyServer server([](const SeenRequest &request) {
        if (request.target == "/missing")
            return json(404, R"({"error":{"message":"No such thing"}})");
        if (request.method == "POST")
            return Canned{201, "got " + request.body, {{"X-Echo", request.header("content-type")}}, false};
        return Canned{200, "hello", {{"X-Test", "yes"}}, false};
    });
    BlockingHttp http;
    const BlockingHttpResponse ok = http.send("GET", server.url(QStringLiteral("/hello")), {}, {}, 5000);
    QVERIFY2(ok.ok(), qPrintable(ok.networkError));
    QCOMPARE(ok.status, 200);
    QCOMPARE(ok.body, QByteArray("hello"));
    QCOMPARE(ok.header("x-test"), QByteArray("yes"));
    QCOMPARE(ok.header("X-TEST"), QByteArray("yes"));
    QVERIFY(ok.header("x-none").isEmpty());

    const BlockingHttpResponse posted =
        http.send("POST", server.url(QStringLiteral("/p")), {{"Content-Type", "text/plain"}, {"X-Mine", "1"}},
                  "abc", 5000);
    QCOMPARE(posted.status, 201);
    QCOMPARE(posted.body, QByteArray("got abc"));
    QCOMPARE(posted.header("x-echo"), QByteArray("text/plain"));

    const BlockingHttpResponse missing =
        http.send("GET", server.url(QStringLiteral("/missing")), {}, {}, 5000);
    QVERIFY(missing.ok()); // an HTTP error is an answer, not a network error
    QCOMPARE(missing.status, 404);
    QVERIFY(missing.body.contains("No such thing"));

    // A POST without a body still says how long it is.
    const BlockingHttpResponse empty = http.send("POST", server.url(QStringLiteral("/p")), {}, {}, 5000);
    QCOMPARE(empty.status, 201);

    const QList<SeenRequest> seen = server.requests();
    QCOMPARE(seen.size(), 4);
    QCOMPARE(seen.at(1).method, QByteArray("POST"));
    QCOMPARE(seen.at(1).header("x-mine"), QByteArray("1"));
    QCOMPARE(seen.at(3).header("content-length"), QByteArray("0"));
    QVERIFY(!seen.at(0).hasHeader("content-length"));
}

void TestOpenAiParse::blockingHttpTimesOutAndReportsRefusals()
{
    TinyServer server([](const SeenRequest &) { return Canned{200, {}, {}, true}; });
    BlockingHttp http;
    QElapsedTimer timer;
    timer.start();
    const BlockingHttpResponse stalled = http.send("GET", server.url(QStringLiteral("/slow")), {}, {}, 300);
    QVERIFY(stalled.timedOut);
    QVERIFY(!stalled.ok());
    QVERIFY(stalled.networkError.contains(QLatin1String("no data")));
    QVERIFY(timer.elapsed() >= 250);
    QVERIFY(timer.elapsed() < 5000);

    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    }
    const BlockingHttpResponse refused =
        http.send("GET", QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(closedPort)), {}, {}, 5000);
    QCOMPARE(refused.status, 0);
    QVERIFY(!refused.ok());
    QVERIFY(!refused.timedOut);
}

void TestOpenAiParse::blockingHttpSinkTakesOnlySuccessfulBodies()
{
    const QByteArray big(6 * 1024 * 1024 + 7, 'z');
    TinyServer server([&big](const SeenRequest &request) {
        if (request.target == "/big")
            return Canned{200, big, {}, false};
        return json(500, R"({"error":{"message":"boom"}})");
    });
    BlockingHttp http;
    QBuffer sink;
    QVERIFY(sink.open(QIODevice::WriteOnly));
    const BlockingHttpResponse ok = http.send("GET", server.url(QStringLiteral("/big")), {}, {}, 5000, &sink);
    QVERIFY2(ok.ok(), qPrintable(ok.networkError));
    QCOMPARE(ok.status, 200);
    QVERIFY(ok.body.isEmpty());
    QCOMPARE(sink.data().size(), big.size());
    QVERIFY(sink.data() == big);

    QBuffer untouched;
    QVERIFY(untouched.open(QIODevice::WriteOnly));
    const BlockingHttpResponse failed =
        http.send("GET", server.url(QStringLiteral("/err")), {}, {}, 5000, &untouched);
    QCOMPARE(failed.status, 500);
    QVERIFY(failed.body.contains("boom"));
    QVERIFY(untouched.data().isEmpty());
}

void TestOpenAiParse::blockingHttpRunsNoEventLoopOnTheCaller()
{
    TinyServer server([](const SeenRequest &) { return Canned{200, "answer", {}, false}; });
    BlockingHttp http;
    bool ranEarly = false;
    // Queued on this (the main) thread before the call: it may only run once the test returns to
    // the event loop, never inside send().
    QTimer::singleShot(0, this, [&ranEarly] { ranEarly = true; });
    QMetaObject::invokeMethod(
        this, [&ranEarly] { ranEarly = true; }, Qt::QueuedConnection);
    for (int i = 0; i < 3; ++i) {
        const BlockingHttpResponse r = http.send("GET", server.url(QStringLiteral("/x")), {}, {}, 5000);
        QCOMPARE(r.body, QByteArray("answer"));
    }
    QVERIFY(!ranEarly);
    QTRY_VERIFY(ranEarly);
}

void TestOpenAiParse::blockingHttpServesManyThreads()
{
    TinyServer server([](const SeenRequest &request) {
        return Canned{200, "echo " + request.target, {}, false};
    });
    BlockingHttp http;
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&http, &server, &good, t] {
            for (int i = 0; i < 5; ++i) {
                const QString path = QStringLiteral("/t%1/%2").arg(t).arg(i);
                const BlockingHttpResponse r = http.send("GET", server.url(path), {}, {}, 5000);
                if (r.ok() && r.status == 200 && r.body == "echo " + path.toUtf8())
                    ++good;
            }
        });
    }
    // The main thread calls too while the others do.
    const BlockingHttpResponse mine = http.send("GET", server.url(QStringLiteral("/main")), {}, {}, 5000);
    for (std::thread &thread : threads)
        thread.join();
    QCOMPARE(good.load(), 20);
    QCOMPARE(mine.body, QByteArray("echo /main"));
}

void TestOpenAiParse::blockingHttpEndsCallsInFlightWhenDestroyed()
{
    TinyServer server([](const SeenRequest &) { return Canned{200, {}, {}, true}; });
    auto http = std::make_unique<BlockingHttp>();
    BlockingHttpResponse answer;
    std::thread caller([&http, &server, &answer] {
        answer = http->send("GET", server.url(QStringLiteral("/hang")), {}, {}, 60000);
    });
    QVERIFY(server.waitForRequests(1));
    QElapsedTimer timer;
    timer.start();
    http.reset();
    caller.join();
    QVERIFY(timer.elapsed() < 5000);
    QVERIFY(!answer.ok());
    QVERIFY(!answer.timedOut);

    BlockingHttp unused; // never used: nothing to end
}

void TestOpenAiParse::providerSubmitsAFileAndABatch()
{
    TinyServer server([](const SeenRequest &request) {
        if (request.method == "POST" && request.target == "/v1/files")
            return json(200, R"({"id":"file-in1","object":"file","bytes":120,"created_at":1714508499,)"
                             R"("filename":"job-1.jsonl","purpose":"batch"})");
        if (request.method == "POST" && request.target == "/v1/batches")
            return json(200, batchJson(QStringLiteral("validating")));
        return json(404, R"({"error":{"message":"no route"}})");
    });
    OpenAiProvider provider(settingsFor(server));
    QVERIFY(provider.sendsRequests());
    BatchSubmission submission;
    submission.jobId = QStringLiteral("job-1");
    submission.jobType = QStringLiteral("summarization");
    submission.model = QStringLiteral("gpt-4o-mini");
    submission.requestCount = 2;
    submission.requests = {
        {QStringLiteral("a"), QStringLiteral("/v1/chat/completions"),
         R"({"model":"gpt-4o-mini","messages":[]})"},
        {QStringLiteral("b"), QStringLiteral("/v1/chat/completions"),
         R"({"model":"gpt-4o-mini","messages":[]})"},
    };
    const auto id = provider.submit(submission, QDateTime::currentDateTimeUtc());
    QVERIFY2(id, id ? "" : qPrintable(id.error().message));
    QCOMPARE(id.value(), QStringLiteral("batch_abc123"));

    const QList<SeenRequest> seen = server.requests();
    QCOMPARE(seen.size(), 2);
    const SeenRequest &upload = seen.at(0);
    QCOMPARE(upload.header("authorization"), "Bearer " + kKey.toUtf8());
    const QByteArray contentType = upload.header("content-type");
    QVERIFY(contentType.startsWith("multipart/form-data; boundary="));
    const QByteArray boundary = contentType.mid(contentType.indexOf('=') + 1);
    QVERIFY(upload.body.startsWith(QByteArray("--" + boundary + "\r\n")));
    QVERIFY(upload.body.endsWith(QByteArray("\r\n--" + boundary + "--\r\n")));
    QVERIFY(upload.body.contains("Content-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"));
    QVERIFY(upload.body.contains("name=\"file\"; filename=\"job-1.jsonl\"\r\n"));
    QVERIFY(upload.header("user-agent").startsWith("batchmon/"));
    QVERIFY(upload.body.contains(writeJsonl(submission.requests)));

    const SeenRequest &create = seen.at(1);
    QVERIFY(create.header("content-type").startsWith("application/json"));
    const QJsonObject body = parseObject(create.body);
    QCOMPARE(body.value(QLatin1String("input_file_id")).toString(), QStringLiteral("file-in1"));
    QCOMPARE(body.value(QLatin1String("endpoint")).toString(), QStringLiteral("/v1/chat/completions"));
    QCOMPARE(body.value(QLatin1String("completion_window")).toString(), QStringLiteral("24h"));
    const QJsonObject metadata = body.value(QLatin1String("metadata")).toObject();
    QCOMPARE(metadata.value(QLatin1String("batchmon_job")).toString(), QStringLiteral("job-1"));
    QCOMPARE(metadata.value(QLatin1String("job_type")).toString(), QStringLiteral("summarization"));
    QCOMPARE(metadata.value(QLatin1String("model")).toString(), QStringLiteral("gpt-4o-mini"));

    BatchSubmission nothing = submission;
    nothing.requests.clear();
    const auto refused = provider.submit(nothing, QDateTime::currentDateTimeUtc());
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, ProviderError::Kind::Other);
    QVERIFY(refused.error().message.contains(QLatin1String("nothing to send")));
    QCOMPARE(server.requests().size(), 2);
}

void TestOpenAiParse::providerPollsAFinishedBatchWithItsFiles()
{
    TinyServer server([](const SeenRequest &request) {
        if (request.target == "/v1/batches/batch_abc123")
            return json(200,
                        batchJson(QStringLiteral("completed"),
                                  QStringLiteral(R"(,"usage":{"input_tokens":400,"output_tokens":100})")));
        if (request.target == "/v1/files/file-out/content")
            return Canned{200, kChatLine + "\n" + kEmbeddingLine + "\n", {}, false};
        if (request.target == "/v1/files/file-err/content")
            return Canned{200, kContextLengthLine + "\n", {}, false};
        return json(404, R"({"error":{"message":"no route"}})");
    });
    OpenAiProvider provider(settingsFor(server));
    SubmittedBatch batch;
    batch.batchId = QStringLiteral("batch_abc123");
    batch.submission.requestCount = 3;
    const auto polled = provider.poll(batch, QDateTime::currentDateTimeUtc());
    QVERIFY2(polled, polled ? "" : qPrintable(polled.error().message));
    const ProviderBatchStatus &s = polled.value();
    QCOMPARE(s.status, JobStatus::Completed);
    QCOMPARE(s.completedCount, 2);
    QCOMPARE(s.failedCount, 1);
    QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{QStringLiteral("context_length_exceeded"), 1}}));
    QCOMPARE(s.outcomes.size(), 3);
    QCOMPARE(s.inputTokens, 400);
    QCOMPARE(s.completedInputTokens, 30);
    QCOMPARE(s.completedOutputTokens, 2);
}

void TestOpenAiParse::providerWaitsOutRateLimits()
{
    std::atomic<int> calls{0};
    TinyServer server([&calls](const SeenRequest &request) {
        if (request.target.startsWith("/v1/batches?") && calls++ < 2)
            return json(429,
                        R"({"error":{"message":"Rate limit reached for requests","type":"requests",)"
                        R"("code":"rate_limit_exceeded"}})",
                        {{"retry-after-ms", "60"}, {"retry-after", "1"}});
        if (request.target.startsWith("/v1/batches?"))
            return json(200, R"({"object":"list","data":[],"has_more":false})");
        return json(429, R"({"error":{"message":"slow down","code":"rate_limit_exceeded"}})",
                    {{"retry-after-ms", "150"}});
    });
    OpenAiSettings settings = settingsFor(server);
    settings.maxRateLimitWaitMs = 400;
    OpenAiProvider provider(settings);
    QElapsedTimer timer;
    timer.start();
    const auto page = provider.listBatches(QStringLiteral("batch_x"), 500);
    QVERIFY2(page, page ? "" : qPrintable(page.error().message));
    QVERIFY(timer.elapsed() >= 120);
    QCOMPARE(calls.load(), 3);
    QCOMPARE(server.requests().last().target, QByteArray("/v1/batches?limit=100&after=batch_x"));

    // Always 429: 150 ms twice fits in 400, a third would not.
    SubmittedBatch batch;
    batch.batchId = QStringLiteral("batch_y");
    const int before = server.requests().size();
    const auto limited = provider.poll(batch, QDateTime::currentDateTimeUtc());
    QVERIFY(!limited);
    QCOMPARE(limited.error().kind, ProviderError::Kind::RateLimited);
    QCOMPARE(limited.error().retryAfterSeconds, 1);
    QVERIFY(limited.error().message.startsWith(QLatin1String("reading batch batch_y")));
    QCOMPARE(server.requests().size() - before, 3);
}

void TestOpenAiParse::providerNeverShowsTheKey()
{
    TinyServer server([](const SeenRequest &request) {
        // A careless server that quotes the whole key back.
        const QByteArray key = request.header("authorization").mid(7);
        if (request.method == "POST")
            return json(
                409, R"({"error":{"message":"Cannot cancel a batch with status \u0027completed\u0027."}})");
        if (request.target == "/v1/batches/batch_done")
            return json(200, R"({"id":"batch_done","status":"cancelled","request_counts":{"total":3,)"
                             R"("completed":0,"failed":0},"cancelled_at":1714508900})");
        return json(401, R"({"error":{"message":"Incorrect API key provided: )" + key +
                             R"(.","type":"invalid_request_error","code":"invalid_api_key"}})");
    });
    OpenAiProvider provider(settingsFor(server));
    SubmittedBatch batch;
    batch.batchId = QStringLiteral("batch_nope");
    const auto refused = provider.poll(batch, QDateTime::currentDateTimeUtc());
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, ProviderError::Kind::Unauthorized);
    QVERIFY(refused.error().message.contains(QLatin1String("reading batch batch_nope")));
    QVERIFY(refused.error().message.contains(QLatin1String("the OpenAI API refused the key")));
    QVERIFY(refused.error().message.contains(QLatin1String("Incorrect API key provided")));
    QVERIFY(!refused.error().message.contains(kKey));
    QVERIFY(!refused.error().message.contains(QLatin1String("SECRET")));

    // Cancelling a batch that has finished: its status, not an error.
    batch.batchId = QStringLiteral("batch_done");
    const auto cancelled = provider.cancel(batch, QDateTime::currentDateTimeUtc());
    QVERIFY2(cancelled, cancelled ? "" : qPrintable(cancelled.error().message));
    QCOMPARE(cancelled.value().status, JobStatus::Cancelled);
    QCOMPARE(server.requests().at(1).target, QByteArray("/v1/batches/batch_done/cancel"));

    // A key that could not be a header value is not sent at all.
    OpenAiSettings broken = settingsFor(server);
    broken.apiKey = QStringLiteral("sk-bad-SECRET\r\nX-Injected: 1");
    OpenAiProvider brokenProvider(broken);
    const int before = server.requests().size();
    const auto notSent = brokenProvider.poll(batch, QDateTime::currentDateTimeUtc());
    QVERIFY(!notSent);
    QCOMPARE(notSent.error().kind, ProviderError::Kind::Unauthorized);
    QVERIFY(!notSent.error().message.contains(QLatin1String("SECRET")));
    QCOMPARE(server.requests().size(), before);
}

QTEST_GUILESS_MAIN(TestOpenAiParse)
#include "tst_openaiparse.moc"
