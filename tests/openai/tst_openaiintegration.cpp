// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 9's whole path against the OpenAI-compatible server of the test suite (FakeOpenAi): requests
// submitted over HTTP to a real batchmon-server → grouped into a job by the pipeline → written as JSONL,
// uploaded and created as a batch by the OpenAI provider → processed → every result line recorded →
// readable over HTTP, with the job, its token cost and its error summary exact in the monitoring API.
// Then the lifecycle's other ends (validation failure, expiry, cancelling → cancelled, 429,
// token_limit_exceeded) and the collector importing 250 batches once across restarts of the server.
#include "../server/ServerProcess.h"
#include "FakeOpenAi.h"
#include "openai/OpenAiProvider.h"
#include "pipeline/ModelPrices.h"
#include "pipeline/Pipeline.h"
#include "source/LocalSource.h"
#include "store/JobActions.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;
using batchmon::test::FakeOpenAi;

namespace {

struct Reply
{
    int status = 0;
    QJsonObject body;
    QJsonObject data() const { return body.value(QStringLiteral("data")).toObject(); }
};

/// One HTTP call to the server, waiting with the event loop running (the fake serves from its thread).
Reply http(QNetworkAccessManager &nam, const QByteArray &method, const QUrl &url, const QString &token,
           const QByteArray &body = {})
{
    QNetworkRequest request(url);
    request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
    if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000))
        qFatal("no answer from %s", qPrintable(url.toString()));
    Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QJsonDocument::fromJson(reply->readAll()).object()};
    reply->deleteLater();
    return r;
}

QJsonObject request(const QString &id, const QJsonObject &extra = {})
{
    QJsonObject body{{QStringLiteral("messages"),
                      QJsonArray{QJsonObject{
                          {QStringLiteral("role"), QStringLiteral("user")},
                          {QStringLiteral("content"), QString(QStringLiteral("Summarise report ") + id)}}}}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        body.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("customId"), id},
                       {QStringLiteral("jobType"), QStringLiteral("summarization")},
                       {QStringLiteral("model"), QStringLiteral("gpt-4o-mini")},
                       {QStringLiteral("body"), body}};
}

QByteArray compactBody(const QJsonObject &intakeRequest)
{
    QJsonObject body = intakeRequest.value(QStringLiteral("body")).toObject();
    body.insert(QStringLiteral("model"), intakeRequest.value(QStringLiteral("model")));
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

PipelineSettings fastSettings()
{
    PipelineSettings s;
    s.minSize = 10;
    s.maxRequests = 100;
    s.createIntervalMs = 60'000;
    s.statusIntervalMs = 60'000;
    s.resultIntervalMs = 60'000;
    return s;
}

OpenAiSettings providerSettings(const FakeOpenAi &fake)
{
    OpenAiSettings s;
    s.baseUrl = fake.baseUrl();
    s.apiKey = FakeOpenAi::apiKey();
    s.maxRateLimitWaitMs = 10'000;
    s.requestTimeoutMs = 10'000;
    return s;
}

/// Intake requests straight into the store (what POST /api/batch-requests stores), for the lifecycle tests.
void submit(Database &db, int n, const QString &prefix)
{
    QList<IntakeRequest> list;
    for (int i = 0; i < n; ++i) {
        const QString id = QStringLiteral("%1-%2").arg(prefix).arg(i, 2, 10, QLatin1Char('0'));
        list.append({id, QStringLiteral("summarization"), QStringLiteral("gpt-4o-mini"),
                     QStringLiteral("/v1/chat/completions"), compactBody(request(id))});
    }
    if (!RequestStore(db).submit(list, QStringLiteral("test"), QDateTime::currentDateTimeUtc()))
        qFatal("submit failed");
}

} // namespace

class TestOpenAiIntegration : public QObject
{
    Q_OBJECT

    QDateTime m_clock;

    /// Advances the in-process pipeline by `minutes` one minute at a time.
    void run(Pipeline &pipeline, int minutes)
    {
        for (int i = 0; i < minutes; ++i) {
            m_clock = m_clock.addSecs(60);
            const auto r = pipeline.advanceTo(m_clock);
            QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        }
    }
    /// A pipeline on `db` with the OpenAI provider, its clock started an hour ago (so what it makes is in
    /// the monitoring API's default 24-hour range).
    std::unique_ptr<Pipeline> pipelineOn(Database &db, OpenAiProvider &provider)
    {
        auto p = std::make_unique<Pipeline>(db, provider, fastSettings());
        m_clock = QDateTime::currentDateTimeUtc().addSecs(-3600);
        p->startAt(m_clock);
        p->advanceTo(m_clock);
        return p;
    }

private slots:
    void wholePath()
    {
        FakeOpenAi fake;
        QTemporaryDir dir;
        const QString dbUrl = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db"));
        Server server(dbUrl);
        const QString producer = server.addToken(QStringLiteral("reports-app"), QStringLiteral("producer"));
        const QString admin = server.addToken(QStringLiteral("alice"), QStringLiteral("admin"));
        QVERIFY(server.start());
        QNetworkAccessManager nam;

        // 12 requests over HTTP: 10 that succeed, one the model refuses (400 in the error file), one
        // whose line carries an error of its own.
        QJsonArray list;
        for (int i = 0; i < 10; ++i)
            list.append(request(QStringLiteral("doc-%1").arg(i, 2, 10, QLatin1Char('0'))));
        list.append(request(QStringLiteral("doc-10"),
                            {{QStringLiteral("x_fake_status"), 400},
                             {QStringLiteral("x_fake_code"), QStringLiteral("context_length_exceeded")}}));
        list.append(request(QStringLiteral("doc-11"),
                            {{QStringLiteral("x_fake_error"), QStringLiteral("server_error")}}));
        const QUrl intake = server.url().resolved(QUrl(QStringLiteral("/api/batch-requests")));
        const QByteArray body = QJsonDocument(QJsonObject{{QStringLiteral("requests"), list}}).toJson();
        QCOMPARE(http(nam, "POST", intake, producer, body).status, 202);

        // The pipeline (in-process, on the server's store, on a clock the test drives) sends them.
        auto db = Database::open(dbUrl);
        QVERIFY(db);
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        run(*pipeline, 8);

        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/files")), 1);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/batches")), 1);
        const auto jobs = JobStore(*db.value()).withStatus({JobStatus::Completed});
        QVERIFY(jobs);
        QCOMPARE(jobs.value().size(), 1);
        const StoredJob job = jobs.value().first();
        const QString batchId = job.job.batchId.value();
        const QJsonObject batch = fake.batch(batchId);
        QCOMPARE(batch.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(batch.value(QStringLiteral("metadata"))
                     .toObject()
                     .value(QStringLiteral("batchmon_job"))
                     .toString(),
                 job.job.id);
        QCOMPARE(batch.value(QStringLiteral("completion_window")).toString(), QStringLiteral("24h"));
        // The key went only as a bearer token.
        for (const QString &a : fake.seenAuthorization())
            QCOMPARE(a, QStringLiteral("Bearer ") + FakeOpenAi::apiKey());

        // Every request's result reads back over HTTP.
        const Reply ok = http(
            nam, "GET", server.url().resolved(QUrl(QStringLiteral("/api/batch-requests/doc-03"))), producer);
        QCOMPARE(ok.status, 200);
        QCOMPARE(ok.data().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(ok.data().value(QStringLiteral("jobId")).toString(), job.job.id);
        const QJsonObject response = ok.data().value(QStringLiteral("response")).toObject();
        QCOMPARE(response.value(QStringLiteral("statusCode")).toInt(), 200);
        QCOMPARE(response.value(QStringLiteral("body")).toObject().value(QStringLiteral("object")).toString(),
                 QStringLiteral("chat.completion"));
        const qint64 prompt = FakeOpenAi::promptTokens(compactBody(request(QStringLiteral("doc-03"))));
        QCOMPARE(ok.data()
                     .value(QStringLiteral("usage"))
                     .toObject()
                     .value(QStringLiteral("inputTokens"))
                     .toInteger(),
                 prompt);
        const Reply refused = http(
            nam, "GET", server.url().resolved(QUrl(QStringLiteral("/api/batch-requests/doc-10"))), producer);
        QCOMPARE(refused.data().value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(refused.data()
                     .value(QStringLiteral("response"))
                     .toObject()
                     .value(QStringLiteral("statusCode"))
                     .toInt(),
                 400);
        QCOMPARE(
            refused.data().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
            QStringLiteral("context_length_exceeded"));
        const Reply lineError = http(
            nam, "GET", server.url().resolved(QUrl(QStringLiteral("/api/batch-requests/doc-11"))), producer);
        QCOMPARE(lineError.data()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("server_error"));

        // The job as the monitoring API shows it: counts, tokens, cost and error summary, exactly.
        qint64 input = 0;
        qint64 output = 0;
        for (int i = 0; i < 10; ++i) {
            const QByteArray b =
                compactBody(request(QStringLiteral("doc-%1").arg(i, 2, 10, QLatin1Char('0'))));
            input += FakeOpenAi::promptTokens(b);
            output += FakeOpenAi::completionTokens(b);
        }
        const Reply shown = http(
            nam, "GET",
            server.url().resolved(QUrl(QStringLiteral("/api/admin/batch-monitoring/") + job.job.id)), admin);
        QCOMPARE(shown.status, 200);
        const QJsonObject j = shown.data();
        QCOMPARE(j.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(j.value(QStringLiteral("batchId")).toString(), batchId);
        QCOMPARE(j.value(QStringLiteral("jobType")).toString(), QStringLiteral("summarization"));
        QCOMPARE(j.value(QStringLiteral("model")).toString(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(j.value(QStringLiteral("requestCount")).toInt(), 12);
        QCOMPARE(j.value(QStringLiteral("completedCount")).toInt(), 10);
        QCOMPARE(j.value(QStringLiteral("failedCount")).toInt(), 2);
        QCOMPARE(j.value(QStringLiteral("inputTokens")).toInteger(), input);
        QCOMPARE(j.value(QStringLiteral("outputTokens")).toInteger(), output);
        const Money cost =
            batchCost(*ModelPrices::listPrices().price(QStringLiteral("gpt-4o-mini")), input, output);
        QCOMPARE(qRound64(j.value(QStringLiteral("costEstimate")).toDouble() * 1e6), cost.micros());
        const QJsonArray errors = j.value(QStringLiteral("errorSummary")).toArray();
        QCOMPARE(errors.size(), 2);
        QStringList codes;
        for (const QJsonValue &e : errors) {
            codes << e.toObject().value(QStringLiteral("error")).toString();
            QCOMPARE(e.toObject().value(QStringLiteral("count")).toInt(), 1);
            QCOMPARE(e.toObject().value(QStringLiteral("percentage")).toDouble(), 8.3);
        }
        codes.sort();
        QCOMPARE(codes,
                 (QStringList{QStringLiteral("context_length_exceeded"), QStringLiteral("server_error")}));
    }

    void validationFailure()
    {
        FakeOpenAi fake;
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("s.db")));
        QVERIFY(db);
        // A body without a model reaches the provider only past the intake (which adds it): the fake
        // refuses the file, and the job fails with every request, under the fake's code.
        QList<IntakeRequest> list;
        for (int i = 0; i < 10; ++i)
            list.append({QStringLiteral("bad-%1").arg(i), QStringLiteral("summarization"),
                         QStringLiteral("gpt-4o-mini"), QStringLiteral("/v1/chat/completions"),
                         QByteArray(R"({"messages":[]})")});
        QVERIFY(
            RequestStore(*db.value()).submit(list, QStringLiteral("test"), QDateTime::currentDateTimeUtc()));
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        run(*pipeline, 6);
        const auto failed = JobStore(*db.value()).withStatus({JobStatus::Failed});
        QVERIFY(failed);
        QCOMPARE(failed.value().size(), 1);
        QCOMPARE(failed.value().first().job.failedCount, 10);
        QCOMPARE(failed.value().first().errorCounts.size(), 1);
        QCOMPARE(failed.value().first().errorCounts.first(), 10);
        const auto r = RequestStore(*db.value()).find(QStringLiteral("bad-3")).value().value();
        QCOMPARE(r.state, RequestState::Failed);
        QCOMPARE(r.errorCode, std::optional<QString>(failed.value().first().errorCounts.firstKey()));
    }

    void expiryAndCancel()
    {
        FakeOpenAi fake;
        fake.setAutoAdvance(false);
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("s.db")));
        QVERIFY(db);
        submit(*db.value(), 10, QStringLiteral("exp"));
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        run(*pipeline, 1);
        JobStore jobs(*db.value());
        const StoredJob first = jobs.find(QStringLiteral("batch-job-1")).value().value();
        const QString expiring = first.job.batchId.value();
        fake.advance(expiring); // in progress: half of it processed
        fake.expireOnNextPoll(expiring);
        run(*pipeline, 2);
        StoredJob expired = jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(expired.job.status, JobStatus::Expired);
        QCOMPARE(expired.job.completedCount, 5);
        QCOMPARE(expired.job.failedCount, 5);
        QCOMPARE(expired.errorCounts.value(QStringLiteral("batch_expired")), 5);
        QCOMPARE(RequestStore(*db.value()).find(QStringLiteral("exp-00")).value()->state,
                 RequestState::Completed);
        QCOMPARE(RequestStore(*db.value()).find(QStringLiteral("exp-09")).value()->errorCode,
                 std::optional<QString>(QStringLiteral("batch_expired")));

        // Cancelling → cancelled: the admin cancels while it runs; the unrun requests are cancelled.
        submit(*db.value(), 10, QStringLiteral("can"));
        run(*pipeline, 1);
        const StoredJob second = jobs.find(QStringLiteral("batch-job-2")).value().value();
        QVERIFY(second.job.batchId);
        fake.advance(*second.job.batchId);
        run(*pipeline, 1);
        JobActions actions(jobs);
        QVERIFY(actions.cancel(second.job.id, QStringLiteral("alice"), m_clock));
        run(*pipeline, 1);
        QCOMPARE(fake.batch(*second.job.batchId).value(QStringLiteral("status")).toString(),
                 QStringLiteral("cancelling"));
        QCOMPARE(jobs.find(second.job.id).value()->job.status, JobStatus::Cancelling);
        fake.advance(*second.job.batchId);
        run(*pipeline, 1);
        const StoredJob cancelled = jobs.find(second.job.id).value().value();
        QCOMPARE(cancelled.job.status, JobStatus::Cancelled);
        QCOMPARE(cancelled.job.completedCount, 5);
        QCOMPARE(RequestStore(*db.value()).find(QStringLiteral("can-09")).value()->state,
                 RequestState::Cancelled);

        // Cancelling a finished batch is not an error of ours: the fake answers 409, the job keeps its state.
        const SubmittedBatch done{expiring, {}, first.submittedAt.value(), m_clock};
        const auto again = provider.cancel(done, m_clock);
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(again.value().status, JobStatus::Expired);
    }

    void rateLimitAndTokenLimit()
    {
        FakeOpenAi fake;
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("s.db")));
        QVERIFY(db);
        submit(*db.value(), 10, QStringLiteral("tok"));
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        // The account's enqueued-token limit refuses the batch: the job waits and goes again, not failed.
        fake.setEnqueuedTokenLimit(1);
        run(*pipeline, 2); // sent at the first minute, refused at the second's poll
        JobStore jobs(*db.value());
        StoredJob job = jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::Pending);
        const auto timeline = jobs.timeline(job.job.id).value();
        bool noted = false;
        for (const TimelineEntry &e : timeline)
            noted = noted || e.note.value_or(QString()).startsWith(QStringLiteral("token_limit_exceeded"));
        QVERIFY(noted);
        // Room again, and two 429s on the way: waited out, and it completes.
        fake.setEnqueuedTokenLimit(1'000'000'000);
        fake.rateLimitNext(2, 1);
        run(*pipeline, 8);
        job = jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::Completed);
        QCOMPARE(job.job.completedCount, 10);
        QVERIFY(fake.callCount(QStringLiteral("POST /v1/batches")) >= 2);
    }

    void aBatchMadeDespiteAnErrorIsNotMadeTwice()
    {
        // The server makes the batch, then answers 500: the provider finds the batch reading its file and
        // goes on with it, rather than leaving it to run unseen beside a second one.
        FakeOpenAi fake;
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("s.db")));
        QVERIFY(db);
        submit(*db.value(), 10, QStringLiteral("dup"));
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        fake.failAfterCreatingNext(1);
        run(*pipeline, 6);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/batches")), 1);
        QCOMPARE(fake.callCount(QStringLiteral("POST /v1/files")), 1);
        const StoredJob job = JobStore(*db.value()).find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::Completed);
        QCOMPARE(job.job.completedCount, 10);
        QCOMPARE(fake.batchIds(), QStringList{job.job.batchId.value()});
    }

    void finishedBatchFilesAreReadOnce()
    {
        // Status checks every minute, results every ten: the checks in between see the batch finished
        // and must not download its files again each time.
        FakeOpenAi fake;
        fake.setAutoAdvance(false);
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("s.db")));
        QVERIFY(db);
        submit(*db.value(), 10, QStringLiteral("once"));
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        PipelineSettings s = fastSettings();
        s.resultIntervalMs = 600'000;
        pipeline->setSettings(s);
        run(*pipeline, 1);
        const QString batchId =
            JobStore(*db.value()).find(QStringLiteral("batch-job-1")).value()->job.batchId.value();
        for (int step = 0; step < 3; ++step)
            fake.advance(batchId); // in progress, finalizing, completed
        run(*pipeline, 11);
        QCOMPARE(JobStore(*db.value()).find(QStringLiteral("batch-job-1")).value()->job.status,
                 JobStatus::Completed);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/files/{id}/content")),
                 1); // the output file; no errors
    }

    void apiAnswersWhileTheProviderHangs()
    {
        // A provider that accepts the connection and never answers: the pipeline waits on its own
        // thread, and the API goes on answering; a stop does not wait for the provider either.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        Server server(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db")));
        const QString admin = server.addToken(QStringLiteral("alice"), QStringLiteral("admin"));
        server.setEnvironment(QStringLiteral("OPENAI_API_KEY"), FakeOpenAi::apiKey());
        server.setEnvironment(QStringLiteral("OPENAI_BASE_URL"),
                              QStringLiteral("http://127.0.0.1:%1/v1").arg(silent.serverPort()));
        QVERIFY(server.start(
            {QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--collect")}));
        QVERIFY(QTest::qWaitFor([&silent] { return silent.hasPendingConnections(); }, 15000)); // it asked
        QNetworkAccessManager nam;
        QElapsedTimer answered;
        answered.start();
        const Reply who =
            http(nam, "GET",
                 server.url().resolved(QUrl(QStringLiteral("/api/admin/batch-monitoring/whoami"))), admin);
        QCOMPARE(who.status, 200);
        QVERIFY2(answered.elapsed() < 3000, qPrintable(QString::number(answered.elapsed())));
        // The stop ends the waiting call (Provider::close) rather than waiting for its timeout.
        QElapsedTimer stopping;
        stopping.start();
        QCOMPARE(server.stop(), 0);
        QVERIFY2(stopping.elapsed() < 5000, qPrintable(QString::number(stopping.elapsed())));
        QVERIFY(!server.output().contains("still waiting"));
    }

    void providerOptionsAreChecked_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown provider")
            << QStringList{QStringLiteral("--provider"), QStringLiteral("anthropic")}
            << QStringLiteral("--provider must be simulated or openai");
        QTest::newRow("collect alone") << QStringList{QStringLiteral("--collect")}
                                       << QStringLiteral("--collect lists an OpenAI account's batches");
        QTest::newRow("no key") << QStringList{QStringLiteral("--provider"), QStringLiteral("openai")}
                                << QStringLiteral("set OPENAI_API_KEY");
    }
    void providerOptionsAreChecked()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QTemporaryDir dir;
        Server server(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db")));
        QProcess p;
        QProcessEnvironment env = server.environment();
        env.remove(QStringLiteral("OPENAI_API_KEY"));
        env.remove(QStringLiteral("OPENAI_API_KEY_FILE"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BATCHMON_SERVER_BINARY),
                args + QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY(QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 30000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(says), qPrintable(err));
    }

    void aRefusedKeyStopsTheServerAtStart()
    {
        FakeOpenAi fake;
        QTemporaryDir dir;
        Server server(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db")));
        QProcess p;
        QProcessEnvironment env = server.environment();
        env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-wrong-key-123456"));
        env.insert(QStringLiteral("OPENAI_BASE_URL"), fake.baseUrl().toString());
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BATCHMON_SERVER_BINARY),
                {QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--listen"),
                 QStringLiteral("127.0.0.1:0")});
        QVERIFY(QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 30000));
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(err.contains(QStringLiteral("refused the key")) &&
                     err.contains(QStringLiteral("OPENAI_API_KEY")),
                 qPrintable(err));
        QVERIFY2(!err.contains(QStringLiteral("sk-wrong-key-123456")), qPrintable(err)); // never the key
    }

    void anAccountStartsWithoutTheLowThroughputRule()
    {
        // An account's batches come when its teams send them: "0.08 jobs/h < 0.5" at every start was noise.
        FakeOpenAi fake;
        QTemporaryDir dir;
        LocalSourceOptions options;
        options.databasePath = dir.filePath(QStringLiteral("account.sqlite"));
        options.openAi = providerSettings(fake);
        LocalSource source(options);
        source.open();
        auto config = source.fetchAlertConfig();
        QVERIFY(QTest::qWaitFor([&config] { return config.isFinished(); }, 30000));
        QVERIFY(config.result());
        const AlertRule *rule = config.result().value().rule(AlertRuleId::LowThroughput);
        QVERIFY(rule);
        QVERIFY(!rule->enabled);
        QVERIFY(config.result().value().rule(AlertRuleId::HighErrorRate)->enabled);
    }

    void appClosesWhileTheProviderHangs()
    {
        // The app's OpenAI account: closing it (switching profiles, quitting) while a call waits for an
        // account that never answers does not wait for the call's timeout.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QTemporaryDir dir;
        LocalSourceOptions options;
        options.databasePath = dir.filePath(QStringLiteral("account.sqlite"));
        OpenAiSettings account;
        account.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(silent.serverPort()));
        account.apiKey = FakeOpenAi::apiKey();
        account.requestTimeoutMs = 60'000;
        options.openAi = account;
        auto source = std::make_unique<LocalSource>(options);
        source->open();
        QVERIFY(QTest::qWaitFor([&silent] { return silent.hasPendingConnections(); }, 15000)); // it asked
        QElapsedTimer closing;
        closing.start();
        source.reset();
        QVERIFY2(closing.elapsed() < 3000, qPrintable(QString::number(closing.elapsed())));
    }

    void importedBatchesReadOnlyTheirErrorFile()
    {
        // batchmon has none of an imported batch's requests: its counts and tokens come from the Batch
        // object, the failures' codes from the error file, and the output file is not downloaded.
        FakeOpenAi fake;
        const QString id = fake.addExistingBatch(QStringLiteral("/v1/chat/completions"),
                                                 QStringLiteral("gpt-4o-mini"), 20, 18, 2);
        QTemporaryDir dir;
        auto db = Database::open(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("s.db")));
        QVERIFY(db);
        OpenAiProvider provider(providerSettings(fake));
        auto pipeline = pipelineOn(*db.value(), provider);
        QVERIFY(pipeline->collect(m_clock));
        run(*pipeline, 2);
        const StoredJob job = JobStore(*db.value()).find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.batchId, std::optional<QString>(id));
        QCOMPARE(job.job.status, JobStatus::Completed);
        QCOMPARE(job.job.requestCount, 20);
        QCOMPARE(job.job.completedCount, 18);
        QCOMPARE(job.job.failedCount, 2);
        QCOMPARE(job.errorCounts.size(), 1);
        QCOMPARE(job.errorCounts.first(), 2);
        QVERIFY(job.errorCounts.firstKey() != QLatin1String("unknown"));
        const QJsonObject usage = fake.batch(id).value(QStringLiteral("usage")).toObject();
        QCOMPARE(job.job.inputTokens, usage.value(QStringLiteral("input_tokens")).toInteger());
        QCOMPARE(job.job.outputTokens, usage.value(QStringLiteral("output_tokens")).toInteger());
        QVERIFY(job.job.costEstimate.micros() > 0);
        QCOMPARE(fake.callCount(QStringLiteral("GET /v1/files/{id}/content")), 1);
        QCOMPARE(
            fake.fileContent(fake.batch(id).value(QStringLiteral("error_file_id")).toString()).count('\n'),
            2);
    }

    void collectorImports250OnceAcrossRestarts()
    {
        FakeOpenAi fake;
        for (int i = 0; i < 250; ++i)
            fake.addExistingBatch(i % 2 ? QStringLiteral("/v1/chat/completions")
                                        : QStringLiteral("/v1/embeddings"),
                                  QStringLiteral("gpt-4o-mini"), 20, 18, 2);
        QTemporaryDir dir;
        const QString dbUrl = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("store.db"));
        auto count = [&dbUrl]() -> QPair<qint64, qint64> {
            auto db = Database::open(dbUrl);
            auto q = db.value()->exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM jobs"));
            return q.value().next()
                       ? qMakePair(q.value().value(0).toLongLong(), q.value().value(1).toLongLong())
                       : qMakePair(qint64(-1), qint64(-1));
        };
        for (int run = 0; run < 2; ++run) {
            Server server(dbUrl);
            server.setEnvironment(QStringLiteral("OPENAI_API_KEY"), FakeOpenAi::apiKey());
            server.setEnvironment(QStringLiteral("OPENAI_BASE_URL"), fake.baseUrl().toString());
            const int listsBefore = fake.callCount(QStringLiteral("GET /v1/batches"));
            QVERIFY(server.start(
                {QStringLiteral("--provider"), QStringLiteral("openai"), QStringLiteral("--collect")}));
            QVERIFY2(QTest::qWaitFor(
                         [&] { return fake.callCount(QStringLiteral("GET /v1/batches")) > listsBefore + 1; },
                         30000),
                     server.output().constData());
            if (run == 0) {
                QVERIFY2(
                    QTest::qWaitFor([&] { return server.output().contains("imported 250 batches"); }, 30000),
                    server.output().constData());
            } else {
                // A restarted server checks its key (one page of one batch), lists one page, finds batches
                // it knows, and imports none.
                QTest::qWait(6000);
                QVERIFY(!server.output().contains("imported"));
                QCOMPARE(fake.callCount(QStringLiteral("GET /v1/batches")) - listsBefore, 2);
            }
            QCOMPARE(server.stop(), 0);
            QCOMPARE(count(), qMakePair(qint64(250), qint64(250)));
        }
    }
};

QTEST_GUILESS_MAIN(TestOpenAiIntegration)
#include "tst_openaiintegration.moc"
