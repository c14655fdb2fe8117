// SPDX-License-Identifier: GPL-3.0-or-later
// The fake OpenAI Files and Batches API (tests/support/FakeOpenAi.h) over real HTTP from the test's main
// thread: the key, uploads, a batch's lifecycle and result files on each endpoint, validation, cancel,
// expiry, the rate-limit and enqueued-token knobs, the list's paging, and serving while the main thread
// blocks.
#include "FakeOpenAi.h"

#include <QHttpMultiPart>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>
#include <limits>
#include <optional>

using batchmon::test::FakeOpenAi;

namespace {

const QByteArray kBearer = "Bearer sk-test-batchmon";
const QString kChat = QStringLiteral("/v1/chat/completions");
const QString kModel = QStringLiteral("gpt-4o-mini");

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;

    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QJsonObject error() const { return json().value(QStringLiteral("error")).toObject(); }
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.toLower() == name)
                return value;
        }
        return {};
    }
};

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

/// A request line of a batch input file; `extra` goes into its body.
QJsonObject requestLine(const QString &customId, const QString &endpoint = kChat,
                        const QJsonObject &extra = {})
{
    QJsonObject body{{QStringLiteral("model"), kModel}};
    if (endpoint == QLatin1String("/v1/chat/completions"))
        body.insert(
            QStringLiteral("messages"),
            QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                   {QStringLiteral("content"), QString(QStringLiteral("Hi ") + customId)}}});
    else if (endpoint == QLatin1String("/v1/completions"))
        body.insert(QStringLiteral("prompt"), QString(QStringLiteral("Hi ") + customId));
    else if (endpoint == QLatin1String("/v1/embeddings"))
        body.insert(QStringLiteral("input"), QJsonArray{QStringLiteral("one"), QStringLiteral("two")});
    else
        body.insert(QStringLiteral("input"), QString(QStringLiteral("Hi ") + customId));
    for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
        body.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("custom_id"), customId},
                       {QStringLiteral("method"), QStringLiteral("POST")},
                       {QStringLiteral("url"), endpoint},
                       {QStringLiteral("body"), body}};
}

QByteArray jsonl(const QList<QJsonObject> &lines)
{
    QByteArray out;
    for (const QJsonObject &line : lines)
        out += compact(line) + '\n';
    return out;
}

QList<QJsonObject> parseJsonl(const QByteArray &content)
{
    QList<QJsonObject> out;
    const QList<QByteArray> lines = content.split('\n');
    for (const QByteArray &line : lines) {
        if (!line.trimmed().isEmpty())
            out.append(QJsonDocument::fromJson(line).object());
    }
    return out;
}

QJsonObject bodyOf(const QJsonObject &line)
{
    return line.value(QStringLiteral("body")).toObject();
}

QJsonObject counts(const QJsonObject &batch)
{
    return batch.value(QStringLiteral("request_counts")).toObject();
}

bool countsAre(const QJsonObject &batch, int total, int completed, int failed)
{
    const QJsonObject c = counts(batch);
    return c.value(QStringLiteral("total")).toInt(-1) == total &&
           c.value(QStringLiteral("completed")).toInt(-1) == completed &&
           c.value(QStringLiteral("failed")).toInt(-1) == failed;
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

} // namespace

class TestFakeOpenAi : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_nam;

    HttpResult finish(QNetworkReply *reply)
    {
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 5000))
            qFatal("the fake did not answer within 5 s");
        HttpResult r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.headers = reply->rawHeaderPairs();
        reply->deleteLater();
        return r;
    }

    /// `path` is relative to the base URL: "/batches?limit=5".
    HttpResult send(const FakeOpenAi &fake, const QByteArray &verb, const QString &path,
                    const QByteArray &body = {}, const QByteArray &contentType = {},
                    const std::optional<QByteArray> &authorization = kBearer)
    {
        QNetworkRequest request(QUrl(fake.baseUrl().toString() + path));
        if (authorization)
            request.setRawHeader("Authorization", *authorization);
        if (!contentType.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
        return finish(m_nam.sendCustomRequest(request, verb, body));
    }

    HttpResult get(const FakeOpenAi &fake, const QString &path) { return send(fake, "GET", path); }

    HttpResult postJson(const FakeOpenAi &fake, const QString &path, const QJsonObject &body)
    {
        return send(fake, "POST", path, compact(body), "application/json");
    }

    /// POST /v1/files the way a Qt client does, with QHttpMultiPart.
    HttpResult upload(const FakeOpenAi &fake, const QByteArray &content, const QByteArray &purpose = "batch",
                      const QByteArray &filename = "requests.jsonl")
    {
        auto *multi = new QHttpMultiPart(QHttpMultiPart::FormDataType);
        QHttpPart purposePart;
        purposePart.setHeader(QNetworkRequest::ContentDispositionHeader,
                              QByteArray("form-data; name=\"purpose\""));
        purposePart.setBody(purpose);
        QHttpPart filePart;
        filePart.setHeader(QNetworkRequest::ContentDispositionHeader,
                           QByteArray("form-data; name=\"file\"; filename=\"" + filename + '"'));
        filePart.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/jsonl"));
        filePart.setBody(content);
        multi->append(purposePart);
        multi->append(filePart);
        QNetworkRequest request(QUrl(fake.baseUrl().toString() + QStringLiteral("/files")));
        request.setRawHeader("Authorization", kBearer);
        QNetworkReply *reply = m_nam.post(request, multi);
        multi->setParent(reply);
        return finish(reply);
    }

    /// Uploads `content` and creates a batch of it; the Batch object, empty on any failure.
    QJsonObject createBatch(const FakeOpenAi &fake, const QByteArray &content,
                            const QString &endpoint = kChat, const QJsonObject &metadata = {})
    {
        const HttpResult file = upload(fake, content);
        if (file.status != 200)
            return {};
        QJsonObject request{{QStringLiteral("input_file_id"), str(file.json(), "id")},
                            {QStringLiteral("endpoint"), endpoint},
                            {QStringLiteral("completion_window"), QStringLiteral("24h")}};
        if (!metadata.isEmpty())
            request.insert(QStringLiteral("metadata"), metadata);
        const HttpResult batch = postJson(fake, QStringLiteral("/batches"), request);
        return batch.status == 200 ? batch.json() : QJsonObject();
    }

    QJsonObject poll(const FakeOpenAi &fake, const QString &batchId)
    {
        return get(fake, QString(QStringLiteral("/batches/") + batchId)).json();
    }

    QList<QJsonObject> download(const FakeOpenAi &fake, const QString &fileId)
    {
        const HttpResult r =
            get(fake, QString(QStringLiteral("/files/") + fileId + QStringLiteral("/content")));
        return r.status == 200 ? parseJsonl(r.body) : QList<QJsonObject>();
    }

private slots:
    void refusesWithoutTheKey()
    {
        FakeOpenAi fake;
        QCOMPARE(fake.baseUrl().host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(fake.baseUrl().path(), QStringLiteral("/v1"));

        const HttpResult none = send(fake, "GET", QStringLiteral("/batches"), {}, {}, std::nullopt);
        QCOMPARE(none.status, 401);
        QCOMPARE(str(none.error(), "code"), QStringLiteral("invalid_api_key"));
        QCOMPARE(str(none.error(), "type"), QStringLiteral("invalid_request_error"));
        QVERIFY(none.error().contains(QStringLiteral("param")));

        const HttpResult wrong =
            send(fake, "GET", QStringLiteral("/batches"), {}, {}, QByteArray("Bearer sk-wrong-key-123456"));
        QCOMPARE(wrong.status, 401);
        QCOMPARE(str(wrong.error(), "code"), QStringLiteral("invalid_api_key"));
        QVERIFY(!wrong.body.contains("sk-wrong-key-123456")); // the key is masked in the message

        const HttpResult notBearer =
            send(fake, "GET", QStringLiteral("/batches"), {}, {}, FakeOpenAi::apiKey().toUtf8());
        QCOMPARE(notBearer.status, 401);

        const HttpResult ok = get(fake, QStringLiteral("/batches"));
        QCOMPARE(ok.status, 200);
        QCOMPARE(str(ok.json(), "object"), QStringLiteral("list"));
        QVERIFY(ok.json().value(QStringLiteral("data")).toArray().isEmpty());
        QVERIFY(ok.json().value(QStringLiteral("first_id")).isNull());
        QCOMPARE(ok.json().value(QStringLiteral("has_more")), QJsonValue(false));

        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/batches")), 4);
        QCOMPARE(fake.seenAuthorization(), (QStringList{QStringLiteral("Bearer sk-wrong-key-123456"),
                                                        QStringLiteral("sk-test-batchmon"),
                                                        QStringLiteral("Bearer sk-test-batchmon")}));
    }

    void uploadsFiles()
    {
        FakeOpenAi fake;
        const QByteArray content =
            jsonl({requestLine(QStringLiteral("a")), requestLine(QStringLiteral("b"))});
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const HttpResult r = upload(fake, content);
        QCOMPARE(r.status, 200);
        const QJsonObject file = r.json();
        const QString id = str(file, "id");
        QVERIFY(id.startsWith(QStringLiteral("file-")));
        QCOMPARE(str(file, "object"), QStringLiteral("file"));
        QCOMPARE(file.value(QStringLiteral("bytes")).toInteger(), content.size());
        QCOMPARE(str(file, "filename"), QStringLiteral("requests.jsonl"));
        QCOMPARE(str(file, "purpose"), QStringLiteral("batch"));
        QVERIFY(file.value(QStringLiteral("created_at")).toInteger() >= before);

        QCOMPARE(get(fake, QString(QStringLiteral("/files/") + id)).json(), file);
        const HttpResult bytes =
            get(fake, QString(QStringLiteral("/files/") + id + QStringLiteral("/content")));
        QCOMPARE(bytes.status, 200);
        QCOMPARE(bytes.body, content);
        QCOMPARE(fake.fileContent(id), content);

        // A hand-written body: preamble, an unquoted boundary, the file part first.
        const QByteArray manual = "preamble\r\n--XyZ\r\n"
                                  "Content-Disposition: form-data; name=\"file\"; filename=\"x;y.jsonl\"\r\n"
                                  "Content-Type: application/octet-stream\r\n\r\n" +
                                  content +
                                  "\r\n--XyZ\r\n"
                                  "Content-Disposition: form-data; name=\"purpose\"\r\n\r\n"
                                  "batch\r\n--XyZ--\r\n";
        const HttpResult m =
            send(fake, "POST", QStringLiteral("/files"), manual, "multipart/form-data; boundary=XyZ");
        QCOMPARE(m.status, 200);
        QCOMPARE(str(m.json(), "filename"), QStringLiteral("x;y.jsonl"));
        QCOMPARE(fake.fileContent(str(m.json(), "id")), content);

        const HttpResult purpose = upload(fake, content, "fine-tune");
        QCOMPARE(purpose.status, 400);
        QCOMPARE(str(purpose.error(), "param"), QStringLiteral("purpose"));
        const HttpResult noFile =
            send(fake, "POST", QStringLiteral("/files"),
                 "--B\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n--B--\r\n",
                 "multipart/form-data; boundary=\"B\"");
        QCOMPARE(noFile.status, 400);
        QCOMPARE(str(noFile.error(), "param"), QStringLiteral("file"));
        QCOMPARE(send(fake, "POST", QStringLiteral("/files"), content, "application/jsonl").status, 400);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/files")), 5);

        const HttpResult unknown = get(fake, QStringLiteral("/files/file-nope"));
        QCOMPARE(unknown.status, 404);
        QCOMPARE(str(unknown.error(), "type"), QStringLiteral("invalid_request_error"));
        const HttpResult deleted = send(fake, "DELETE", QString(QStringLiteral("/files/") + id));
        QCOMPARE(deleted.status, 200);
        QCOMPARE(deleted.json().value(QStringLiteral("deleted")), QJsonValue(true));
        QCOMPARE(get(fake, QString(QStringLiteral("/files/") + id + QStringLiteral("/content"))).status, 404);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/files/{id}")), 2);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/files/{id}/content")), 2);
    }

    void batchRunsToCompletion()
    {
        FakeOpenAi fake;
        const QList<QJsonObject> lines = {
            requestLine(QStringLiteral("a")), requestLine(QStringLiteral("b")),
            requestLine(QStringLiteral("c"), kChat,
                        {{QStringLiteral("x_fake_status"), 429},
                         {QStringLiteral("x_fake_code"), QStringLiteral("insufficient_quota")}}),
            requestLine(QStringLiteral("d"), kChat,
                        {{QStringLiteral("x_fake_error"), QStringLiteral("model_not_found")}})};
        const QJsonObject metadata{{QStringLiteral("batchmon_job"), QStringLiteral("job-1")}};
        const QJsonObject created = createBatch(fake, jsonl(lines), kChat, metadata);
        QVERIFY(!created.isEmpty());
        const QString id = str(created, "id");
        QVERIFY(id.startsWith(QStringLiteral("batch_")));
        QCOMPARE(str(created, "object"), QStringLiteral("batch"));
        QCOMPARE(str(created, "status"), QStringLiteral("validating"));
        QCOMPARE(str(created, "endpoint"), kChat);
        QCOMPARE(str(created, "completion_window"), QStringLiteral("24h"));
        QVERIFY(str(created, "input_file_id").startsWith(QStringLiteral("file-")));
        QVERIFY(created.value(QStringLiteral("errors")).isNull());
        QVERIFY(created.value(QStringLiteral("output_file_id")).isNull());
        QVERIFY(created.value(QStringLiteral("in_progress_at")).isNull());
        const qint64 createdAt = created.value(QStringLiteral("created_at")).toInteger();
        QCOMPARE(created.value(QStringLiteral("expires_at")).toInteger(), createdAt + 24 * 3600);
        QCOMPARE(created.value(QStringLiteral("metadata")).toObject(), metadata);
        QVERIFY(countsAre(created, 0, 0, 0));
        const QStringList keys = {QStringLiteral("id"),
                                  QStringLiteral("object"),
                                  QStringLiteral("endpoint"),
                                  QStringLiteral("model"),
                                  QStringLiteral("errors"),
                                  QStringLiteral("input_file_id"),
                                  QStringLiteral("completion_window"),
                                  QStringLiteral("status"),
                                  QStringLiteral("output_file_id"),
                                  QStringLiteral("error_file_id"),
                                  QStringLiteral("created_at"),
                                  QStringLiteral("in_progress_at"),
                                  QStringLiteral("expires_at"),
                                  QStringLiteral("finalizing_at"),
                                  QStringLiteral("completed_at"),
                                  QStringLiteral("failed_at"),
                                  QStringLiteral("expired_at"),
                                  QStringLiteral("cancelling_at"),
                                  QStringLiteral("cancelled_at"),
                                  QStringLiteral("request_counts"),
                                  QStringLiteral("metadata"),
                                  QStringLiteral("usage")};
        for (const QString &key : keys)
            QVERIFY2(created.contains(key), qPrintable(key));

        const QJsonObject inProgress = poll(fake, id);
        QCOMPARE(str(inProgress, "status"), QStringLiteral("in_progress"));
        QCOMPARE(str(inProgress, "model"), kModel);
        QVERIFY(inProgress.value(QStringLiteral("in_progress_at")).toInteger() >= createdAt);
        QVERIFY(countsAre(inProgress, 4, 2, 0)); // the first half: a and b

        const QJsonObject finalizing = poll(fake, id);
        QCOMPARE(str(finalizing, "status"), QStringLiteral("finalizing"));
        QVERIFY(countsAre(finalizing, 4, 2, 2));
        QVERIFY(finalizing.value(QStringLiteral("output_file_id")).isNull()); // written at the end

        const QJsonObject done = poll(fake, id);
        QCOMPARE(str(done, "status"), QStringLiteral("completed"));
        QVERIFY(done.value(QStringLiteral("completed_at")).toInteger() >= createdAt);
        QVERIFY(done.value(QStringLiteral("finalizing_at")).isDouble());
        QVERIFY(done.value(QStringLiteral("failed_at")).isNull());
        QVERIFY(countsAre(done, 4, 2, 2));
        QCOMPARE(poll(fake, id), done); // an ended batch stays as it is
        QCOMPARE(fake.batch(id), done);

        // The output file: a and b, with the endpoint's body and usage by the rules.
        const QList<QJsonObject> output = download(fake, str(done, "output_file_id"));
        QCOMPARE(output.size(), 2);
        qint64 billedInput = 0;
        for (int i = 0; i < 2; ++i) {
            const QJsonObject &line = output.at(i);
            QCOMPARE(str(line, "custom_id"), str(lines.at(i), "custom_id"));
            QVERIFY(str(line, "id").startsWith(QStringLiteral("batch_req_")));
            QVERIFY(line.value(QStringLiteral("error")).isNull());
            const QJsonObject response = line.value(QStringLiteral("response")).toObject();
            QCOMPARE(response.value(QStringLiteral("status_code")).toInt(), 200);
            QVERIFY(str(response, "request_id").startsWith(QStringLiteral("req_")));
            const QJsonObject body = bodyOf(response);
            QCOMPARE(str(body, "object"), QStringLiteral("chat.completion"));
            QCOMPARE(str(body, "model"), kModel);
            const QJsonObject message = body.value(QStringLiteral("choices"))
                                            .toArray()
                                            .at(0)
                                            .toObject()
                                            .value(QStringLiteral("message"))
                                            .toObject();
            QCOMPARE(str(message, "content"), FakeOpenAi::replyText(str(line, "custom_id")));
            const QByteArray requestBody = compact(bodyOf(lines.at(i)));
            const QJsonObject usage = body.value(QStringLiteral("usage")).toObject();
            QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInteger(),
                     FakeOpenAi::promptTokens(requestBody));
            QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInteger(),
                     FakeOpenAi::completionTokens(requestBody));
            QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(),
                     FakeOpenAi::promptTokens(requestBody) + FakeOpenAi::completionTokens(requestBody));
            billedInput += FakeOpenAi::promptTokens(requestBody);
        }

        // The error file: c with an error response, d with an error and no response.
        const QList<QJsonObject> errors = download(fake, str(done, "error_file_id"));
        QCOMPARE(errors.size(), 2);
        QCOMPARE(str(errors.at(0), "custom_id"), QStringLiteral("c"));
        QVERIFY(errors.at(0).value(QStringLiteral("error")).isNull());
        const QJsonObject errorResponse = errors.at(0).value(QStringLiteral("response")).toObject();
        QCOMPARE(errorResponse.value(QStringLiteral("status_code")).toInt(), 429);
        const QJsonObject errorBody = bodyOf(errorResponse).value(QStringLiteral("error")).toObject();
        QCOMPARE(str(errorBody, "code"), QStringLiteral("insufficient_quota"));
        QCOMPARE(str(errorBody, "type"), QStringLiteral("requests"));
        QVERIFY(!str(errorBody, "message").isEmpty());
        QCOMPARE(str(errors.at(1), "custom_id"), QStringLiteral("d"));
        QVERIFY(errors.at(1).value(QStringLiteral("response")).isNull());
        const QJsonObject error = errors.at(1).value(QStringLiteral("error")).toObject();
        QCOMPARE(str(error, "code"), QStringLiteral("model_not_found"));
        QVERIFY(!str(error, "message").isEmpty());

        // Only the successful lines are billed.
        const QJsonObject usage = done.value(QStringLiteral("usage")).toObject();
        QCOMPARE(usage.value(QStringLiteral("input_tokens")).toInteger(), billedInput);
        QCOMPARE(usage.value(QStringLiteral("output_tokens")).toInteger(), 2 * 7);
        QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(), billedInput + 14);
        QCOMPARE(usage.value(QStringLiteral("input_tokens_details"))
                     .toObject()
                     .value(QStringLiteral("cached_tokens")),
                 QJsonValue(0));
        QCOMPARE(usage.value(QStringLiteral("output_tokens_details"))
                     .toObject()
                     .value(QStringLiteral("reasoning_tokens")),
                 QJsonValue(0));

        const QJsonObject outputFile =
            get(fake, QString(QStringLiteral("/files/") + str(done, "output_file_id"))).json();
        QCOMPARE(str(outputFile, "purpose"), QStringLiteral("batch_output"));
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/batches")), 1);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/batches/{id}")), 4);
        for (const QString &line : fake.requestLog())
            QVERIFY2(!line.contains(QStringLiteral("sk-")), qPrintable(line));
    }

    void endpointBodies_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::newRow("embeddings") << QStringLiteral("/v1/embeddings");
        QTest::newRow("completions") << QStringLiteral("/v1/completions");
        QTest::newRow("responses") << QStringLiteral("/v1/responses");
    }

    void endpointBodies()
    {
        QFETCH(QString, endpoint);
        FakeOpenAi fake;
        fake.setAutoAdvance(false);
        const QJsonObject line = requestLine(QStringLiteral("only"), endpoint);
        const QString id = str(createBatch(fake, jsonl({line}), endpoint), "id");
        QVERIFY(!id.isEmpty());
        QCOMPARE(str(poll(fake, id), "status"), QStringLiteral("validating")); // no auto-advance
        fake.advance(id);
        QCOMPARE(str(fake.batch(id), "status"), QStringLiteral("in_progress"));
        QVERIFY(countsAre(fake.batch(id), 1, 0, 0)); // half of one line is none
        fake.advance(id);
        fake.advance(id);
        const QJsonObject done = poll(fake, id);
        QCOMPARE(str(done, "status"), QStringLiteral("completed"));
        QVERIFY(done.value(QStringLiteral("error_file_id")).isNull());

        const QList<QJsonObject> output = download(fake, str(done, "output_file_id"));
        QCOMPARE(output.size(), 1);
        const QJsonObject body = bodyOf(output.at(0).value(QStringLiteral("response")).toObject());
        const QJsonObject usage = body.value(QStringLiteral("usage")).toObject();
        const qint64 prompt = FakeOpenAi::promptTokens(compact(bodyOf(line)));
        const QJsonObject batchUsage = done.value(QStringLiteral("usage")).toObject();
        QCOMPARE(batchUsage.value(QStringLiteral("input_tokens")).toInteger(), prompt);
        if (endpoint == QLatin1String("/v1/embeddings")) {
            QCOMPARE(str(body, "object"), QStringLiteral("list"));
            const QJsonArray data = body.value(QStringLiteral("data")).toArray();
            QCOMPARE(data.size(), 2); // one per input
            QCOMPARE(data.at(1).toObject().value(QStringLiteral("index")).toInt(), 1);
            QCOMPARE(data.at(0).toObject().value(QStringLiteral("embedding")).toArray().size(), 8);
            QCOMPARE(usage.value(QStringLiteral("prompt_tokens")).toInteger(), prompt);
            QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(), prompt);
            QVERIFY(!usage.contains(QStringLiteral("completion_tokens")));
            QCOMPARE(batchUsage.value(QStringLiteral("output_tokens")).toInteger(), 0);
        } else if (endpoint == QLatin1String("/v1/completions")) {
            QCOMPARE(str(body, "object"), QStringLiteral("text_completion"));
            QCOMPARE(str(body.value(QStringLiteral("choices")).toArray().at(0).toObject(), "text"),
                     FakeOpenAi::replyText(QStringLiteral("only")));
            QCOMPARE(usage.value(QStringLiteral("completion_tokens")).toInteger(), 7);
            QCOMPARE(batchUsage.value(QStringLiteral("output_tokens")).toInteger(), 7);
        } else {
            QCOMPARE(str(body, "object"), QStringLiteral("response"));
            const QJsonObject content = body.value(QStringLiteral("output"))
                                            .toArray()
                                            .at(0)
                                            .toObject()
                                            .value(QStringLiteral("content"))
                                            .toArray()
                                            .at(0)
                                            .toObject();
            QCOMPARE(str(content, "text"), FakeOpenAi::replyText(QStringLiteral("only")));
            QCOMPARE(usage.value(QStringLiteral("input_tokens")).toInteger(), prompt);
            QCOMPARE(usage.value(QStringLiteral("output_tokens")).toInteger(), 7);
            QCOMPARE(usage.value(QStringLiteral("total_tokens")).toInteger(), prompt + 7);
            QCOMPARE(batchUsage.value(QStringLiteral("output_tokens")).toInteger(), 7);
        }
    }

    void invalidFileFailsValidation()
    {
        FakeOpenAi fake;
        QJsonObject wrongMethod = requestLine(QStringLiteral("m"));
        wrongMethod.insert(QStringLiteral("method"), QStringLiteral("GET"));
        QJsonObject noModel = requestLine(QStringLiteral("n"));
        noModel.insert(QStringLiteral("body"), QJsonObject{{QStringLiteral("messages"), QJsonArray()}});
        QJsonObject noCustomId = requestLine(QStringLiteral("x"));
        noCustomId.remove(QStringLiteral("custom_id"));
        const QByteArray content =
            compact(requestLine(QStringLiteral("a"))) + "\n"   // 1
            + "{not json\n"                                    // 2
            + compact(noCustomId) + "\n"                       // 3
            + compact(requestLine(QStringLiteral("a"))) + "\n" // 4: duplicate
            + compact(requestLine(QStringLiteral("e"), QStringLiteral("/v1/embeddings"))) + "\n" // 5
            + compact(wrongMethod) + "\n"                                                        // 6
            + compact(noModel) + "\n"                                                            // 7
            + "\n"                                              // 8: blank, skipped
            + compact(requestLine(QStringLiteral("z"))) + "\n"; // 9
        const QString id = str(createBatch(fake, content), "id");
        QVERIFY(!id.isEmpty());
        const QJsonObject failed = poll(fake, id);
        QCOMPARE(str(failed, "status"), QStringLiteral("failed"));
        QVERIFY(failed.value(QStringLiteral("failed_at")).isDouble());
        QVERIFY(failed.value(QStringLiteral("in_progress_at")).isNull());
        QVERIFY(failed.value(QStringLiteral("output_file_id")).isNull());
        QVERIFY(failed.value(QStringLiteral("error_file_id")).isNull());
        QVERIFY(countsAre(failed, 0, 0, 0));
        const QJsonObject errors = failed.value(QStringLiteral("errors")).toObject();
        QCOMPARE(str(errors, "object"), QStringLiteral("list"));
        const QJsonArray data = errors.value(QStringLiteral("data")).toArray();
        const QList<QPair<int, QString>> expected = {
            {2, QStringLiteral("invalid_json_line")},   {3, QStringLiteral("missing_required_parameter")},
            {4, QStringLiteral("duplicate_custom_id")}, {5, QStringLiteral("mismatched_endpoint")},
            {6, QStringLiteral("invalid_value")},       {7, QStringLiteral("missing_required_parameter")}};
        QCOMPARE(data.size(), expected.size());
        for (int i = 0; i < data.size(); ++i) {
            const QJsonObject e = data.at(i).toObject();
            QCOMPARE(e.value(QStringLiteral("line")).toInt(), expected.at(i).first);
            QCOMPARE(str(e, "code"), expected.at(i).second);
            QVERIFY(!str(e, "message").isEmpty());
        }
        QCOMPARE(str(data.at(1).toObject(), "param"), QStringLiteral("custom_id"));
        QCOMPARE(str(data.at(5).toObject(), "param"), QStringLiteral("body.model"));
        QVERIFY(data.at(0).toObject().value(QStringLiteral("param")).isNull());

        QCOMPARE(poll(fake, id), failed);
        const HttpResult cancel =
            send(fake, "POST", QString(QStringLiteral("/batches/") + id + QStringLiteral("/cancel")));
        QCOMPARE(cancel.status, 409);

        const QString empty = str(createBatch(fake, "\n\n"), "id");
        const QJsonObject emptyFailed = poll(fake, empty);
        QCOMPARE(str(emptyFailed, "status"), QStringLiteral("failed"));
        const QJsonObject emptyError = emptyFailed.value(QStringLiteral("errors"))
                                           .toObject()
                                           .value(QStringLiteral("data"))
                                           .toArray()
                                           .at(0)
                                           .toObject();
        QCOMPARE(str(emptyError, "code"), QStringLiteral("empty_file"));
        QVERIFY(emptyError.value(QStringLiteral("line")).isNull());
    }

    void cancelKeepsWhatWasProcessed()
    {
        FakeOpenAi fake;
        QList<QJsonObject> lines;
        for (int i = 1; i <= 5; ++i)
            lines.append(requestLine(QStringLiteral("r%1").arg(i)));
        const QString id = str(createBatch(fake, jsonl(lines)), "id");
        QVERIFY(countsAre(poll(fake, id), 5, 2, 0)); // in_progress: 5 / 2 = 2 lines
        const QString cancelPath = QString(QStringLiteral("/batches/") + id + QStringLiteral("/cancel"));

        const HttpResult cancelling = send(fake, "POST", cancelPath);
        QCOMPARE(cancelling.status, 200);
        QCOMPARE(str(cancelling.json(), "status"), QStringLiteral("cancelling"));
        QVERIFY(cancelling.json().value(QStringLiteral("cancelling_at")).isDouble());
        QCOMPARE(send(fake, "POST", cancelPath).status, 200); // still cancelling: no conflict

        const QJsonObject cancelled = poll(fake, id);
        QCOMPARE(str(cancelled, "status"), QStringLiteral("cancelled"));
        QVERIFY(cancelled.value(QStringLiteral("cancelled_at")).isDouble());
        QVERIFY(cancelled.value(QStringLiteral("completed_at")).isNull());
        QVERIFY(countsAre(cancelled, 5, 2, 0)); // the other three neither completed nor failed
        QVERIFY(cancelled.value(QStringLiteral("error_file_id")).isNull());
        const QList<QJsonObject> output = download(fake, str(cancelled, "output_file_id"));
        QCOMPARE(output.size(), 2);
        QCOMPARE(str(output.at(0), "custom_id"), QStringLiteral("r1"));
        QCOMPARE(str(output.at(1), "custom_id"), QStringLiteral("r2"));
        QCOMPARE(poll(fake, id), cancelled);

        const HttpResult again = send(fake, "POST", cancelPath);
        QCOMPARE(again.status, 409);
        QCOMPARE(str(again.error(), "type"), QStringLiteral("invalid_request_error"));

        const QString existing = fake.addExistingBatch(kChat, kModel, 3, 3, 0);
        const HttpResult finished =
            send(fake, "POST", QString(QStringLiteral("/batches/") + existing + QStringLiteral("/cancel")));
        QCOMPARE(finished.status, 409);
        QCOMPARE(str(fake.batch(existing), "status"), QStringLiteral("completed"));
        QCOMPARE(send(fake, "POST", QStringLiteral("/batches/batch_nope/cancel")).status, 404);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/batches/{id}/cancel")), 5);

        // Cancelled while validating: nothing processed, nothing counted.
        const QString early = str(createBatch(fake, jsonl(lines)), "id");
        QCOMPARE(send(fake, "POST", QString(QStringLiteral("/batches/") + early + QStringLiteral("/cancel")))
                     .status,
                 200);
        const QJsonObject earlyCancelled = poll(fake, early);
        QCOMPARE(str(earlyCancelled, "status"), QStringLiteral("cancelled"));
        QVERIFY(countsAre(earlyCancelled, 0, 0, 0));
        QVERIFY(earlyCancelled.value(QStringLiteral("output_file_id")).isNull());
    }

    void expiresOnRequest()
    {
        FakeOpenAi fake;
        const QList<QJsonObject> lines = {
            requestLine(QStringLiteral("r1")),
            requestLine(QStringLiteral("r2"), kChat, {{QStringLiteral("x_fake_status"), 500}}),
            requestLine(QStringLiteral("r3")), requestLine(QStringLiteral("r4"))};
        const QString id = str(createBatch(fake, jsonl(lines)), "id");
        QVERIFY(countsAre(poll(fake, id), 4, 1, 1));
        fake.expireOnNextPoll(id);
        const QJsonObject expired = poll(fake, id);
        QCOMPARE(str(expired, "status"), QStringLiteral("expired"));
        QVERIFY(expired.value(QStringLiteral("expired_at")).isDouble());
        QVERIFY(expired.value(QStringLiteral("completed_at")).isNull());
        QVERIFY(countsAre(expired, 4, 1, 3));
        const QList<QJsonObject> output = download(fake, str(expired, "output_file_id"));
        QCOMPARE(output.size(), 1);
        QCOMPARE(str(output.at(0), "custom_id"), QStringLiteral("r1"));
        const QList<QJsonObject> errors = download(fake, str(expired, "error_file_id"));
        QCOMPARE(errors.size(), 3);
        QCOMPARE(str(errors.at(0), "custom_id"), QStringLiteral("r2"));
        QCOMPARE(errors.at(0)
                     .value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("status_code"))
                     .toInt(),
                 500);
        QCOMPARE(str(bodyOf(errors.at(0).value(QStringLiteral("response")).toObject())
                         .value(QStringLiteral("error"))
                         .toObject(),
                     "code"),
                 QStringLiteral("server_error"));
        for (int i = 1; i < 3; ++i) {
            QCOMPARE(str(errors.at(i), "custom_id"), QStringLiteral("r%1").arg(i + 2));
            QVERIFY(errors.at(i).value(QStringLiteral("response")).isNull());
            const QJsonObject error = errors.at(i).value(QStringLiteral("error")).toObject();
            QCOMPARE(str(error, "code"), QStringLiteral("batch_expired"));
            QCOMPARE(
                str(error, "message"),
                QStringLiteral("This request could not be executed before the completion window expired."));
        }
        QCOMPARE(poll(fake, id), expired);

        // Expired before it was validated: every line expired, no output file.
        const QString early = str(createBatch(fake, jsonl(lines)), "id");
        fake.expireOnNextPoll(early);
        const QJsonObject earlyExpired = poll(fake, early);
        QCOMPARE(str(earlyExpired, "status"), QStringLiteral("expired"));
        QVERIFY(countsAre(earlyExpired, 4, 0, 4));
        QVERIFY(earlyExpired.value(QStringLiteral("output_file_id")).isNull());
        QCOMPARE(download(fake, str(earlyExpired, "error_file_id")).size(), 4);
    }

    void rateLimitKnob()
    {
        FakeOpenAi fake;
        fake.rateLimitNext(2, 7);
        const HttpResult first = get(fake, QStringLiteral("/batches"));
        QCOMPARE(first.status, 429);
        QCOMPARE(first.header("retry-after"), QByteArray("7"));
        QCOMPARE(str(first.error(), "type"), QStringLiteral("requests"));
        QCOMPARE(str(first.error(), "code"), QStringLiteral("rate_limit_exceeded"));
        QVERIFY(first.error().value(QStringLiteral("param")).isNull());
        const HttpResult second = upload(fake, jsonl({requestLine(QStringLiteral("a"))})); // any route
        QCOMPARE(second.status, 429);
        QCOMPARE(second.header("retry-after"), QByteArray("7"));
        QCOMPARE(get(fake, QStringLiteral("/batches")).status, 200);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/batches")), 2);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/files")), 1);
        QCOMPARE(fake.totalCalls(), 3);
    }

    void enqueuedTokenLimit()
    {
        FakeOpenAi fake;
        fake.setAutoAdvance(false);
        const QList<QJsonObject> linesA = {requestLine(QStringLiteral("a1")),
                                           requestLine(QStringLiteral("a2"))};
        const QList<QJsonObject> linesB = {requestLine(QStringLiteral("b1")),
                                           requestLine(QStringLiteral("b2")),
                                           requestLine(QStringLiteral("b3"))};
        const auto tokens = [](const QList<QJsonObject> &lines) {
            qint64 sum = 0;
            for (const QJsonObject &line : lines)
                sum += FakeOpenAi::promptTokens(compact(bodyOf(line)));
            return sum;
        };
        fake.setEnqueuedTokenLimit(tokens(linesA) + tokens(linesB) - 1);

        const QString a = str(createBatch(fake, jsonl(linesA)), "id");
        fake.advance(a);
        QCOMPARE(str(fake.batch(a), "status"), QStringLiteral("in_progress"));

        const QString b = str(createBatch(fake, jsonl(linesB)), "id");
        fake.advance(b);
        const QJsonObject refused = fake.batch(b);
        QCOMPARE(str(refused, "status"), QStringLiteral("failed"));
        QVERIFY(countsAre(refused, 0, 0, 0));
        const QJsonObject error = refused.value(QStringLiteral("errors"))
                                      .toObject()
                                      .value(QStringLiteral("data"))
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QCOMPARE(str(error, "code"), QStringLiteral("token_limit_exceeded"));
        QVERIFY(error.value(QStringLiteral("line")).isNull());

        fake.advance(a);
        fake.advance(a);
        QCOMPARE(str(fake.batch(a), "status"), QStringLiteral("completed"));
        const QString b2 = str(createBatch(fake, jsonl(linesB)), "id"); // a no longer counts
        fake.advance(b2);
        QCOMPARE(str(fake.batch(b2), "status"), QStringLiteral("in_progress"));

        fake.setEnqueuedTokenLimit(tokens(linesA) - 1); // too big on its own
        const QString a2 = str(createBatch(fake, jsonl(linesA)), "id");
        fake.advance(a2);
        QCOMPARE(str(fake.batch(a2), "status"), QStringLiteral("failed"));
    }

    void listPagesNewestFirst()
    {
        FakeOpenAi fake;
        QStringList added;
        for (int i = 0; i < 250; ++i)
            added.append(fake.addExistingBatch(
                kChat, kModel, 2, 1, 1, {{QStringLiteral("job_type"), QStringLiteral("import-%1").arg(i)}}));
        QCOMPARE(fake.batchIds(), added);

        QStringList seen;
        QString after;
        qint64 previousCreated = std::numeric_limits<qint64>::max();
        const QList<int> pageSizes = {100, 100, 50};
        for (int page = 0; page < pageSizes.size(); ++page) {
            QString path = QStringLiteral("/batches?limit=100");
            if (!after.isEmpty())
                path += QString(QStringLiteral("&after=") + after);
            const QJsonObject list = get(fake, path).json();
            QCOMPARE(str(list, "object"), QStringLiteral("list"));
            const QJsonArray data = list.value(QStringLiteral("data")).toArray();
            QCOMPARE(data.size(), pageSizes.at(page));
            QCOMPARE(list.value(QStringLiteral("has_more")).toBool(), page < 2);
            QCOMPARE(str(list, "first_id"), str(data.first().toObject(), "id"));
            QCOMPARE(str(list, "last_id"), str(data.last().toObject(), "id"));
            for (const QJsonValue &v : data) {
                const QJsonObject b = v.toObject();
                seen.append(str(b, "id"));
                const qint64 created = b.value(QStringLiteral("created_at")).toInteger();
                QVERIFY(created < previousCreated);
                previousCreated = created;
            }
            after = str(list, "last_id");
        }
        QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), 250);
        QStringList newestFirst = added;
        std::reverse(newestFirst.begin(), newestFirst.end());
        QCOMPARE(seen, newestFirst);

        const QJsonObject end = get(fake, QString(QStringLiteral("/batches?after=") + added.first())).json();
        QVERIFY(end.value(QStringLiteral("data")).toArray().isEmpty());
        QVERIFY(end.value(QStringLiteral("first_id")).isNull());
        QCOMPARE(end.value(QStringLiteral("has_more")), QJsonValue(false));
        const QJsonObject firstPage = get(fake, QStringLiteral("/batches")).json();
        QCOMPARE(firstPage.value(QStringLiteral("data")).toArray().size(), 20);
        QCOMPARE(str(firstPage, "first_id"), added.last());
        QCOMPARE(get(fake, QStringLiteral("/batches?limit=101")).status, 400);
        QCOMPARE(get(fake, QStringLiteral("/batches?limit=0")).status, 400);
        QCOMPARE(get(fake, QStringLiteral("/batches?after=batch_nope")).status, 400);

        // An existing batch is a real finished batch.
        const QJsonObject b = poll(fake, added.at(7));
        QCOMPARE(str(b, "status"), QStringLiteral("completed"));
        QCOMPARE(str(b, "model"), kModel);
        QVERIFY(countsAre(b, 2, 1, 1));
        QCOMPARE(str(b.value(QStringLiteral("metadata")).toObject(), "job_type"), QStringLiteral("import-7"));
        QVERIFY(b.value(QStringLiteral("completed_at")).toInteger() >=
                b.value(QStringLiteral("created_at")).toInteger());
        const QList<QJsonObject> input = parseJsonl(fake.fileContent(str(b, "input_file_id")));
        QCOMPARE(input.size(), 2);
        const QList<QJsonObject> output = download(fake, str(b, "output_file_id"));
        QCOMPARE(output.size(), 1);
        QCOMPARE(str(output.at(0), "custom_id"), str(input.at(0), "custom_id"));
        const QList<QJsonObject> errors = download(fake, str(b, "error_file_id"));
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.at(0)
                     .value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("status_code"))
                     .toInt(),
                 500);
        const QJsonObject usage = b.value(QStringLiteral("usage")).toObject();
        QCOMPARE(usage.value(QStringLiteral("input_tokens")).toInteger(),
                 FakeOpenAi::promptTokens(compact(bodyOf(input.at(0)))));
        QCOMPARE(usage.value(QStringLiteral("output_tokens")).toInteger(), 7);
    }

    void createChecksItsParameters()
    {
        FakeOpenAi fake;
        const QString fileId = str(upload(fake, jsonl({requestLine(QStringLiteral("a"))})).json(), "id");
        const auto create = [&](const QJsonObject &changes) {
            QJsonObject request{{QStringLiteral("input_file_id"), fileId},
                                {QStringLiteral("endpoint"), kChat},
                                {QStringLiteral("completion_window"), QStringLiteral("24h")}};
            for (auto it = changes.constBegin(); it != changes.constEnd(); ++it) {
                if (it.value().isNull())
                    request.remove(it.key());
                else
                    request.insert(it.key(), it.value());
            }
            return postJson(fake, QStringLiteral("/batches"), request);
        };
        const auto refusedOn = [](const HttpResult &r, int status, const QString &param) {
            return r.status == status && str(r.error(), "param") == param &&
                   str(r.error(), "type") == QLatin1String("invalid_request_error");
        };
        QVERIFY(refusedOn(create({{QStringLiteral("input_file_id"), QJsonValue()}}), 400,
                          QStringLiteral("input_file_id")));
        QCOMPARE(str(create({{QStringLiteral("input_file_id"), QJsonValue()}}).error(), "code"),
                 QStringLiteral("missing_required_parameter"));
        QVERIFY(refusedOn(create({{QStringLiteral("endpoint"), QStringLiteral("/v1/images")}}), 400,
                          QStringLiteral("endpoint")));
        QVERIFY(refusedOn(create({{QStringLiteral("completion_window"), QStringLiteral("48h")}}), 400,
                          QStringLiteral("completion_window")));
        QJsonObject tooMany;
        for (int i = 0; i < 17; ++i)
            tooMany.insert(QStringLiteral("k%1").arg(i), QStringLiteral("v"));
        QVERIFY(refusedOn(create({{QStringLiteral("metadata"), tooMany}}), 400, QStringLiteral("metadata")));
        QVERIFY(refusedOn(create({{QStringLiteral("metadata"), QJsonObject{{QStringLiteral("n"), 1}}}}), 400,
                          QStringLiteral("metadata")));
        QVERIFY(refusedOn(create({{QStringLiteral("input_file_id"), QStringLiteral("file-nope")}}), 404,
                          QStringLiteral("input_file_id")));
        const QString existing = fake.addExistingBatch(kChat, kModel, 1, 1, 0);
        QVERIFY(refusedOn(
            create({{QStringLiteral("input_file_id"), str(fake.batch(existing), "output_file_id")}}), 400,
            QStringLiteral("input_file_id")));
        QCOMPARE(send(fake, "POST", QStringLiteral("/batches"), "{nope", "application/json").status, 400);

        QJsonObject sixteen;
        for (int i = 0; i < 16; ++i)
            sixteen.insert(QStringLiteral("k%1").arg(i), QStringLiteral("v"));
        const HttpResult ok = create({{QStringLiteral("metadata"), sixteen}});
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.json().value(QStringLiteral("metadata")).toObject(), sixteen);
        QVERIFY(create({}).json().value(QStringLiteral("metadata")).isNull());

        const HttpResult unknownBatch = get(fake, QStringLiteral("/batches/batch_nope"));
        QCOMPARE(unknownBatch.status, 404);
        QCOMPARE(str(unknownBatch.error(), "type"), QStringLiteral("invalid_request_error"));
        QCOMPARE(get(fake, QStringLiteral("/models")).status, 404);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/models")), 1);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/batches")), 11);
    }

    void servesWhileTheMainThreadBlocks()
    {
        // Blocking socket calls on the main thread: no event loop runs here while the fake answers.
        FakeOpenAi fake;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(fake.baseUrl().port()));
        QVERIFY(socket.waitForConnected(2000));
        socket.write(QByteArray("GET /v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + kBearer +
                                "\r\n\r\n"));
        QVERIFY(socket.waitForBytesWritten(2000));
        QByteArray response;
        qsizetype expected = -1;
        while (expected < 0 || response.size() < expected) {
            QVERIFY(socket.waitForReadyRead(2000));
            response += socket.readAll();
            const qsizetype headerEnd = response.indexOf("\r\n\r\n");
            if (expected < 0 && headerEnd >= 0) {
                const QList<QByteArray> headerLines = response.left(headerEnd).split('\n');
                for (const QByteArray &line : headerLines) {
                    if (line.toLower().startsWith("content-length:"))
                        expected = headerEnd + 4 + line.mid(15).trimmed().toLongLong();
                }
                QVERIFY(expected >= 0);
            }
        }
        QVERIFY2(response.startsWith("HTTP/1.1 200"), response.constData());
        const QJsonObject list =
            QJsonDocument::fromJson(response.mid(response.indexOf("\r\n\r\n") + 4)).object();
        QCOMPARE(str(list, "object"), QStringLiteral("list"));
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/batches")), 1);
    }
};

QTEST_GUILESS_MAIN(TestFakeOpenAi)
#include "tst_fakeopenai.moc"
