// SPDX-License-Identifier: GPL-3.0-or-later
// ApiClient against a scripted fake network: every endpoint's request and decoded answer, and every
// class of failure with its retry behaviour.
#include "Await.h"
#include "FakeNetworkAccessManager.h"
#include "api/ApiClient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QUrlQuery>

using namespace batchmon;

namespace {

const QDateTime kT0(QDate(2026, 11, 1), QTime(8, 0), Qt::UTC);

QByteArray seedBody()
{
    QFile f(QStringLiteral(BATCHMON_FIXTURES "/seed-response.json"));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture");
    return f.readAll();
}

Job sampleJob(JobStatus status = JobStatus::Pending)
{
    Job j;
    j.id = QStringLiteral("batch-job-1");
    j.status = status;
    j.jobType = QStringLiteral("ai_analysis");
    j.requestCount = 10;
    j.createdAt = kT0;
    return j;
}

template<typename T> QByteArray ok(const T &value)
{
    return json::encodeSuccess(json::encode(value));
}

QByteArray errorBody(const char *code, const char *message)
{
    return json::encodeError({QString::fromLatin1(code), QString::fromLatin1(message), std::nullopt});
}

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

    FakeNetworkAccessManager *m_nam = nullptr;
    ApiClient *m_client = nullptr;

    ApiClientOptions options(const QString &url = QStringLiteral("https://monitor.example.org:8443/base/"))
    {
        ApiClientOptions o;
        o.serverUrl = QUrl(url);
        o.token = QStringLiteral("s3cret-token");
        o.policy.retryDelayMs = 20;
        o.policy.transferTimeoutMs = 300;
        o.policy.maxResponseBytes = 1024 * 1024;
        return o;
    }

    void reset(const ApiClientOptions &o)
    {
        delete m_client;
        delete m_nam;
        m_nam = new FakeNetworkAccessManager;
        m_client = new ApiClient(*m_nam, o);
    }

private slots:
    void init() { reset(options()); }
    void cleanup()
    {
        delete m_client;
        m_client = nullptr;
        delete m_nam;
        m_nam = nullptr;
    }

    // ---- every endpoint: what is sent, what comes back -------------------------------------------

    void monitoringSendsQueryAndDecodesSeed()
    {
        m_nam->script = {FakeResponse::json(200, seedBody())};
        MonitoringQuery q;
        q.timeRange = TimeRange::LastWeek;
        q.status = JobStatus::Completed;
        q.jobType = QStringLiteral("ai_analysis");
        q.includeDetails = true;
        q.page = 2;
        q.limit = 25;
        const auto r = awaitResult(m_client->fetchMonitoring(q));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().userMessage()));
        QCOMPARE(r.value().summary.totalJobs, 156);
        QCOMPARE(m_nam->requests.size(), 1);
        const FakeRequest &sent = m_nam->requests.first();
        QCOMPARE(sent.verb, QByteArray("GET"));
        QCOMPARE(sent.url.path(), QStringLiteral("/base/api/admin/batch-monitoring"));
        QCOMPARE(sent.url.host(), QStringLiteral("monitor.example.org"));
        const QUrlQuery query(sent.url);
        QCOMPARE(query.queryItemValue(QStringLiteral("timeRange")), QStringLiteral("7d"));
        QCOMPARE(query.queryItemValue(QStringLiteral("status")), QStringLiteral("completed"));
        QCOMPARE(query.queryItemValue(QStringLiteral("jobType")), QStringLiteral("ai_analysis"));
        QCOMPARE(query.queryItemValue(QStringLiteral("includeDetails")), QStringLiteral("true"));
        QCOMPARE(query.queryItemValue(QStringLiteral("page")), QStringLiteral("2"));
        QCOMPARE(query.queryItemValue(QStringLiteral("limit")), QStringLiteral("25"));
        QCOMPARE(sent.request.rawHeader("Authorization"), QByteArray("Bearer s3cret-token"));
        QCOMPARE(sent.request.rawHeader("Accept"), QByteArray("application/json"));
        // TLS verification stays on.
        QCOMPARE(sent.request.sslConfiguration().peerVerifyMode(), QSslSocket::VerifyPeer);
    }

    void defaultQueryIsEmpty()
    {
        m_nam->script = {FakeResponse::json(200, seedBody())};
        QVERIFY(awaitResult(m_client->fetchMonitoring({})).ok());
        QVERIFY(!m_nam->requests.first().url.hasQuery());
    }

    void queryRoundTripsThroughTheServerParser()
    {
        // What the client sends, the server's parser reads back as the same query.
        MonitoringQuery q;
        q.jobType = QStringLiteral("a+b c&d=e/é");
        q.status = JobStatus::InProgress;
        q.limit = 100;
        m_nam->script = {FakeResponse::json(200, seedBody())};
        QVERIFY(awaitResult(m_client->fetchMonitoring(q)).ok());
        const auto parsed = MonitoringQuery::fromUrlQuery(QUrlQuery(m_nam->requests.first().url));
        QVERIFY(std::holds_alternative<MonitoringQuery>(parsed));
        QVERIFY(std::get<MonitoringQuery>(parsed) == q);
    }

    void jobEndpoints_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        const QString base = QStringLiteral("/base/api/admin/batch-monitoring/job%2F7");
        QTest::newRow("get") << "get" << QByteArray("GET") << base << QByteArray();
        QTest::newRow("retry") << "retry" << QByteArray("POST") << base + QStringLiteral("/retry")
                               << QByteArray();
        QTest::newRow("cancel") << "cancel" << QByteArray("POST") << base + QStringLiteral("/cancel")
                                << QByteArray();
        QTest::newRow("pause") << "pause" << QByteArray("POST") << base + QStringLiteral("/pause")
                               << QByteArray();
        QTest::newRow("resume") << "resume" << QByteArray("POST") << base + QStringLiteral("/resume")
                                << QByteArray();
        QTest::newRow("priority") << "priority" << QByteArray("PUT") << base + QStringLiteral("/priority")
                                  << QByteArray(R"({"priority":"urgent"})");
    }

    void jobEndpoints()
    {
        QFETCH(QString, action);
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        m_nam->script = {FakeResponse::json(200, ok(sampleJob(JobStatus::Paused)))};
        const QString id = QStringLiteral("job/7"); // a "/" in an id must not change the route
        QFuture<ApiResult<Job>> f = action == QLatin1String("get")      ? m_client->fetchJob(id)
                                    : action == QLatin1String("retry")  ? m_client->retryJob(id)
                                    : action == QLatin1String("cancel") ? m_client->cancelJob(id)
                                    : action == QLatin1String("pause")  ? m_client->pauseJob(id)
                                    : action == QLatin1String("resume")
                                        ? m_client->resumeJob(id)
                                        : m_client->setJobPriority(id, JobPriority::Urgent);
        const auto r = awaitResult(f);
        QVERIFY(r.ok());
        QCOMPARE(r.value().status, JobStatus::Paused);
        const FakeRequest &sent = m_nam->requests.first();
        QCOMPARE(sent.verb, verb);
        QCOMPARE(sent.url.path(QUrl::FullyEncoded), path);
        QCOMPARE(sent.body, body);
        if (!body.isEmpty())
            QCOMPARE(sent.request.header(QNetworkRequest::ContentTypeHeader).toString(),
                     QStringLiteral("application/json"));
    }

    void alertEndpoints()
    {
        AlertConfig config = AlertConfig::defaults();
        config.rules[0].threshold = 7;
        AlertEvent event{3,
                         AlertRuleId::LowThroughput,
                         Severity::Medium,
                         0.2,
                         0.5,
                         QStringLiteral("slow"),
                         kT0,
                         kT0,
                         std::nullopt,
                         QStringLiteral("alice"),
                         kT0,
                         std::nullopt};
        m_nam->script = {FakeResponse::json(200, ok(config)), FakeResponse::json(200, ok(config)),
                         FakeResponse::json(200, ok(AlertEventPage{{event}, {1, 10, 1, 1}})),
                         FakeResponse::json(200, ok(event))};

        const auto got = awaitResult(m_client->fetchAlertConfig());
        QVERIFY(got.ok());
        QCOMPARE(got.value().rule(AlertRuleId::HighErrorRate)->threshold, 7.0);

        QVERIFY(awaitResult(m_client->updateAlertConfig(config)).ok());
        const auto sentConfig =
            json::decodeValue<AlertConfig>(QJsonDocument::fromJson(m_nam->requests[1].body).object());
        QVERIFY(sentConfig.ok());
        QVERIFY(sentConfig.value() == config);

        const auto events = awaitResult(m_client->fetchAlertEvents({false, 1, 10}));
        QVERIFY(events.ok());
        QCOMPARE(events.value().events.size(), 1);
        const QUrlQuery eq(m_nam->requests[2].url);
        QCOMPARE(eq.queryItemValue(QStringLiteral("state")), QStringLiteral("all"));
        QCOMPARE(eq.queryItemValue(QStringLiteral("limit")), QStringLiteral("10"));

        const auto acked = awaitResult(m_client->acknowledgeAlertEvent(3));
        QVERIFY(acked.ok());
        QCOMPARE(acked.value().acknowledgedBy, std::optional<QString>(QStringLiteral("alice")));

        QCOMPARE(m_nam->requests[0].verb, QByteArray("GET"));
        QCOMPARE(m_nam->requests[0].url.path(), QStringLiteral("/base/api/admin/batch-monitoring/alerts"));
        QCOMPARE(m_nam->requests[1].verb, QByteArray("POST"));
        QCOMPARE(m_nam->requests[2].url.path(),
                 QStringLiteral("/base/api/admin/batch-monitoring/alerts/events"));
        QCOMPARE(m_nam->requests[3].verb, QByteArray("POST"));
        QCOMPARE(m_nam->requests[3].url.path(),
                 QStringLiteral("/base/api/admin/batch-monitoring/alerts/events/3/ack"));
    }

    void alertPreview()
    {
        AlertConfig config = AlertConfig::defaults();
        config.rules[0].threshold = 2;
        const AlertPreview preview{{{AlertRuleId::HighErrorRate, Severity::High, 4.8, 2,
                                     QStringLiteral("Error rate 4.8 % > 2 %"), std::nullopt}}};
        m_nam->script = {
            FakeResponse::json(200, ok(preview)),
            FakeResponse::json(400, R"({"success": false, "error": {"code": "invalid_body", "message":)"
                                    R"( "rules[0].threshold: expected a percentage from 0 to 100, got 120",)"
                                    R"( "parameter": "rules[0].threshold"}})")};
        const auto got = awaitResult(m_client->previewAlerts(config));
        QVERIFY(got.ok());
        QVERIFY(got.value() == preview);
        QCOMPARE(m_nam->requests[0].verb, QByteArray("POST"));
        QCOMPARE(m_nam->requests[0].url.path(),
                 QStringLiteral("/base/api/admin/batch-monitoring/alerts/preview"));
        QCOMPARE(
            json::decodeValue<AlertConfig>(QJsonDocument::fromJson(m_nam->requests[0].body).object()).value(),
            config);
        // A refused field: the server's parameter says which, for the form to mark it.
        const auto refused = awaitResult(m_client->previewAlerts(config));
        QCOMPARE(refused.error().kind, ApiError::Kind::BadRequest);
        QCOMPARE(refused.error().parameter, QStringLiteral("rules[0].threshold"));
        QCOMPARE(m_nam->requests.size(), 2); // a POST is never sent again
    }

    void configSchedulerAndAudit()
    {
        BatchConfig config;
        config.batchMaxRequests = 500;
        AuditPage audit{{AuditEntry{1, kT0, QStringLiteral("alice"), QStringLiteral("job_cancel"),
                                    QStringLiteral("batch-job-1"), QStringLiteral("success"),
                                    QStringLiteral("127.0.0.1"), std::nullopt}},
                        {1, 50, 1, 1}};
        m_nam->script = {FakeResponse::json(200, ok(config)), FakeResponse::json(200, ok(config)),
                         FakeResponse::json(200, ok(SchedulerState{true, true})),
                         FakeResponse::json(200, ok(SchedulerState{false, true})),
                         FakeResponse::json(200, ok(audit))};
        QCOMPARE(awaitResult(m_client->fetchConfig()).value().batchMaxRequests, 500);
        QVERIFY(awaitResult(m_client->updateConfig(config)).ok());
        QCOMPARE(awaitResult(m_client->pauseScheduler()).value().paused, true);
        QCOMPARE(awaitResult(m_client->resumeScheduler()).value().paused, false);
        QCOMPARE(awaitResult(m_client->fetchAuditLog(1, 50)).value().entries.first().action,
                 QStringLiteral("job_cancel"));

        const QString base = QStringLiteral("/base/api/admin/batch-monitoring");
        QCOMPARE(m_nam->requests[0].url.path(), base + QStringLiteral("/config"));
        QCOMPARE(m_nam->requests[1].verb, QByteArray("PUT"));
        QCOMPARE(
            json::decodeValue<BatchConfig>(QJsonDocument::fromJson(m_nam->requests[1].body).object()).value(),
            config);
        QCOMPARE(m_nam->requests[2].url.path(), base + QStringLiteral("/scheduler/pause"));
        QCOMPARE(m_nam->requests[2].verb, QByteArray("POST"));
        QCOMPARE(m_nam->requests[3].url.path(), base + QStringLiteral("/scheduler/resume"));
        QCOMPARE(m_nam->requests[4].url.path(), QStringLiteral("/base/api/admin/audit-logs"));
    }

    void identity()
    {
        m_nam->script = {FakeResponse::json(200, ok(Identity{QStringLiteral("wally"), Role::Viewer})),
                         FakeResponse::json(200, R"({"success":true,"data":{"name":"x","role":"root"}})")};
        const auto who = awaitResult(m_client->fetchIdentity());
        QVERIFY2(who.ok(), qPrintable(who.ok() ? QString() : who.error().userMessage()));
        QCOMPARE(who.value(), (Identity{QStringLiteral("wally"), Role::Viewer}));
        QCOMPARE(m_nam->requests[0].verb, QByteArray("GET"));
        QCOMPARE(m_nam->requests[0].url.path(), QStringLiteral("/base/api/admin/batch-monitoring/whoami"));
        QVERIFY(!m_nam->requests[0].url.hasQuery());
        QCOMPARE(m_nam->requests[0].request.rawHeader("Authorization"), QByteArray("Bearer s3cret-token"));
        // A role this client does not know is a bad response naming the field, not a viewer or an admin.
        const auto odd = awaitResult(m_client->fetchIdentity());
        QCOMPARE(odd.error().kind, ApiError::Kind::BadResponse);
        QCOMPARE(odd.error().path, QStringLiteral("data.role"));
    }

    // ---- error classes ---------------------------------------------------------------------------

    void httpErrors_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("code");
        QTest::newRow("401") << 401 << errorBody("unauthorized", "missing token")
                             << int(ApiError::Kind::Unauthorized) << "unauthorized";
        QTest::newRow("403") << 403 << errorBody("forbidden", "viewer") << int(ApiError::Kind::Forbidden)
                             << "forbidden";
        QTest::newRow("404") << 404 << errorBody("not_found", "no job x") << int(ApiError::Kind::NotFound)
                             << "not_found";
        QTest::newRow("409") << 409 << errorBody("invalid_transition", "job is completed")
                             << int(ApiError::Kind::Conflict) << "invalid_transition";
        QTest::newRow("400") << 400 << errorBody("invalid_parameter", "limit: must be 1 to 100")
                             << int(ApiError::Kind::BadRequest) << "invalid_parameter";
        QTest::newRow("413") << 413 << errorBody("payload_too_large", "1 MiB")
                             << int(ApiError::Kind::BadRequest) << "payload_too_large";
        QTest::newRow("500") << 500 << errorBody("internal_error", "boom") << int(ApiError::Kind::ServerError)
                             << "internal_error";
        QTest::newRow("500 html") << 500 << QByteArray("<h1>oops</h1>") << int(ApiError::Kind::ServerError)
                                  << "";
        QTest::newRow("302") << 302 << QByteArray() << int(ApiError::Kind::BadResponse) << "";
    }

    void httpErrors()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(int, kind);
        QFETCH(QString, code);
        FakeResponse response = FakeResponse::json(status, body);
        response.headers = {{"Location", "https://elsewhere.example.org/"}};
        m_nam->script = {response};
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::json(200, seedBody());
        };
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().kind), kind);
        QCOMPARE(r.error().httpStatus, status);
        QCOMPARE(r.error().code, code);
        QCOMPARE(r.error().attempts, 1); // none of these is worth a second try
        QCOMPARE(m_nam->requests.size(), 1);
        QVERIFY(!r.error().userMessage().isEmpty());
        if (status == 302)
            QVERIFY(r.error().message.contains(QStringLiteral("https://elsewhere.example.org/")));
        if (status == 409)
            QVERIFY(r.error().userMessage().contains(QStringLiteral("job is completed")));
    }

    void networkErrors_data()
    {
        QTest::addColumn<int>("error");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("retried");
        QTest::newRow("refused") << int(QNetworkReply::ConnectionRefusedError) << int(ApiError::Kind::Offline)
                                 << true;
        QTest::newRow("host not found")
            << int(QNetworkReply::HostNotFoundError) << int(ApiError::Kind::Offline) << true;
        QTest::newRow("closed") << int(QNetworkReply::RemoteHostClosedError) << int(ApiError::Kind::Offline)
                                << true;
        QTest::newRow("tls") << int(QNetworkReply::SslHandshakeFailedError) << int(ApiError::Kind::Tls)
                             << false;
        QTest::newRow("socket timeout")
            << int(QNetworkReply::TimeoutError) << int(ApiError::Kind::Timeout) << true;
    }

    void networkErrors()
    {
        QFETCH(int, error);
        QFETCH(int, kind);
        QFETCH(bool, retried);
        m_nam->fallback = [error](const FakeRequest &) {
            return FakeResponse::networkError(QNetworkReply::NetworkError(error));
        };
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().kind), kind);
        QCOMPARE(r.error().attempts, retried ? 3 : 1);
        QCOMPARE(m_nam->requests.size(), retried ? 3 : 1);
        QVERIFY(!r.error().userMessage().isEmpty());
    }

    void hangingServerTimesOut()
    {
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::hanging();
        };
        QElapsedTimer clock;
        clock.start();
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::Timeout);
        QCOMPARE(r.error().attempts, 3);
        // Three 300 ms timeouts plus 20 ms + 40 ms of backoff; well under the 10 s the test allows.
        QVERIFY(clock.elapsed() >= 900);
    }

    void transientErrorsRecover_data()
    {
        QTest::addColumn<int>("status");
        QTest::newRow("502") << 502;
        QTest::newRow("503") << 503;
        QTest::newRow("504") << 504;
        QTest::newRow("429") << 429;
    }

    void transientErrorsRecover()
    {
        QFETCH(int, status);
        m_nam->script = {FakeResponse::json(status, QByteArray()), FakeResponse::json(status, QByteArray()),
                         FakeResponse::json(200, seedBody())};
        QSignalSpy retries(m_client, &ApiClient::retryScheduled);
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(r.ok());
        QCOMPARE(m_nam->requests.size(), 3);
        QCOMPARE(retries.size(), 2);
        // Backoff doubles: 20 ms, then 40 ms (5 s and 10 s with the default policy).
        QCOMPARE(retries.at(0).at(2).toInt(), 20);
        QCOMPARE(retries.at(1).at(2).toInt(), 40);
        QCOMPARE(retries.at(0).at(1).toInt(), 2);
    }

    void retryLimitIsThreeAttempts()
    {
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::json(503, errorBody("unavailable", "db down"));
        };
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::ServerError);
        QCOMPARE(r.error().httpStatus, 503);
        QCOMPARE(r.error().code, QStringLiteral("unavailable"));
        QCOMPARE(r.error().attempts, 3);
        QCOMPARE(m_nam->requests.size(), 3);
    }

    void postIsNeverRetried()
    {
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::json(503, QByteArray());
        };
        const auto r = awaitResult(m_client->retryJob(QStringLiteral("batch-job-1")));
        QVERIFY(!r.ok());
        QCOMPARE(m_nam->requests.size(), 1);
        m_nam->requests.clear();
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::networkError(QNetworkReply::RemoteHostClosedError);
        };
        QCOMPARE(awaitResult(m_client->cancelJob(QStringLiteral("batch-job-1"))).error().kind,
                 ApiError::Kind::Offline);
        QCOMPARE(m_nam->requests.size(), 1);
    }

    void putIsRetried()
    {
        m_nam->script = {FakeResponse::json(503, QByteArray()), FakeResponse::json(200, ok(sampleJob()))};
        QVERIFY(awaitResult(m_client->setJobPriority(QStringLiteral("batch-job-1"), JobPriority::High)).ok());
        QCOMPARE(m_nam->requests.size(), 2);
    }

    void retryAfterIsHonoured()
    {
        FakeResponse limited = FakeResponse::json(429, errorBody("rate_limited", "60 per minute"));
        limited.headers = {{"Retry-After", "1"}};
        m_nam->script = {limited, FakeResponse::json(200, seedBody())};
        QSignalSpy retries(m_client, &ApiClient::retryScheduled);
        QElapsedTimer clock;
        clock.start();
        QVERIFY(awaitResult(m_client->fetchMonitoring({})).ok());
        QCOMPARE(retries.size(), 1);
        QCOMPARE(retries.first().at(2).toInt(), 1000); // the server's 1 s, not our 20 ms
        QVERIFY(clock.elapsed() >= 1000);
    }

    void retryAfterAsHttpDate()
    {
        FakeResponse limited = FakeResponse::json(503, QByteArray());
        limited.headers = {
            {"Retry-After", QDateTime::currentDateTimeUtc().addSecs(2).toString(Qt::RFC2822Date).toLatin1()}};
        m_nam->script = {limited, FakeResponse::json(200, seedBody())};
        QSignalSpy retries(m_client, &ApiClient::retryScheduled);
        QVERIFY(awaitResult(m_client->fetchMonitoring({})).ok());
        QCOMPARE(retries.size(), 1);
        QVERIFY2(retries.first().at(2).toInt() >= 1000 && retries.first().at(2).toInt() <= 2000,
                 qPrintable(QString::number(retries.first().at(2).toInt())));
    }

    void longRetryAfterIsReportedNotWaited()
    {
        FakeResponse limited = FakeResponse::json(429, errorBody("rate_limited", "slow down"));
        limited.headers = {{"Retry-After", "3600"}};
        m_nam->script = {limited};
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::RateLimited);
        QCOMPARE(r.error().retryAfterSeconds, std::optional<int>(3600));
        QCOMPARE(m_nam->requests.size(), 1);
        QVERIFY(r.error().userMessage().contains(QStringLiteral("3600")));
    }

    void malformedSuccessIsBadResponseWithPath()
    {
        QByteArray body = seedBody();
        body.replace("\"currentPeriod\": 234.56", "\"currentPeriod\": \"234.56\"");
        m_nam->script = {FakeResponse::json(200, body)};
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::BadResponse);
        QCOMPARE(r.error().path, QStringLiteral("data.summary.costSavings.currentPeriod"));
        QCOMPARE(r.error().message, QStringLiteral("expected a number, got a string"));
        QVERIFY(r.error().userMessage().contains(QStringLiteral("data.summary.costSavings.currentPeriod")));
    }

    void truncatedSuccessIsBadResponse()
    {
        m_nam->script = {FakeResponse::json(200, seedBody().left(300))};
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QCOMPARE(r.error().kind, ApiError::Kind::BadResponse);
        QVERIFY(r.error().message.startsWith(QStringLiteral("not valid JSON")));
    }

    void sizeCapAbortsLargeResponses()
    {
        QByteArray huge = "{\"success\":true,\"data\":\"" + QByteArray(2 * 1024 * 1024, 'x') + "\"}";
        m_nam->script = {FakeResponse::json(200, huge)};
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, ApiError::Kind::ResponseTooLarge);
        QCOMPARE(m_nam->requests.size(), 1); // not retried: it would be as large again
    }

    void plainHttpOnlyToLoopback_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<bool>("allow");
        QTest::addColumn<int>("kind"); // -1: the request is sent
        QTest::newRow("https") << "https://monitor.example.org" << false << -1;
        QTest::newRow("http remote") << "http://monitor.example.org:8080" << false
                                     << int(ApiError::Kind::InsecureUrl);
        QTest::newRow("http private")
            << "http://192.168.1.20:8080" << false << int(ApiError::Kind::InsecureUrl);
        QTest::newRow("http remote allowed") << "http://monitor.example.org:8080" << true << -1;
        QTest::newRow("http localhost") << "http://localhost:8080" << false << -1;
        QTest::newRow("http 127.0.0.1") << "http://127.0.0.1:8080" << false << -1;
        QTest::newRow("http ::1") << "http://[::1]:8080" << false << -1;
        QTest::newRow("ftp") << "ftp://monitor.example.org" << true << int(ApiError::Kind::InvalidUrl);
        QTest::newRow("no host") << "https://" << false << int(ApiError::Kind::InvalidUrl);
        QTest::newRow("empty") << "" << false << int(ApiError::Kind::InvalidUrl);
    }

    void plainHttpOnlyToLoopback()
    {
        QFETCH(QString, url);
        QFETCH(bool, allow);
        QFETCH(int, kind);
        ApiClientOptions o = options(url);
        o.allowInsecureHttp = allow;
        reset(o);
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::json(200, seedBody());
        };
        const auto r = awaitResult(m_client->fetchMonitoring({}));
        if (kind < 0) {
            QVERIFY(r.ok());
            QCOMPARE(m_nam->requests.size(), 1);
        } else {
            QVERIFY(!r.ok());
            QCOMPARE(int(r.error().kind), kind);
            QCOMPARE(m_nam->requests.size(), 0); // the token never left the machine
        }
    }

    void abortAllCancels()
    {
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::hanging();
        };
        auto a = m_client->fetchMonitoring({});
        auto b = m_client->fetchJob(QStringLiteral("x"));
        m_client->abortAll();
        QCOMPARE(awaitResult(a).error().kind, ApiError::Kind::Cancelled);
        QCOMPARE(awaitResult(b).error().kind, ApiError::Kind::Cancelled);
    }

    void abortDuringBackoffCancels()
    {
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::json(503, QByteArray());
        };
        ApiClientOptions o = options();
        o.policy.retryDelayMs = 60000;
        reset(o);
        m_nam->fallback = [](const FakeRequest &) {
            return FakeResponse::json(503, QByteArray());
        };
        QSignalSpy retries(m_client, &ApiClient::retryScheduled);
        auto f = m_client->fetchMonitoring({});
        QVERIFY(retries.wait(5000));
        m_client->abortAll();
        QCOMPARE(awaitResult(f).error().kind, ApiError::Kind::Cancelled);
        QCOMPARE(m_nam->requests.size(), 1);
    }

    void tokenIsNotSentWhenEmpty()
    {
        ApiClientOptions o = options();
        o.token.clear();
        reset(o);
        m_nam->script = {FakeResponse::json(401, errorBody("unauthorized", "missing token"))};
        QCOMPARE(awaitResult(m_client->fetchMonitoring({})).error().kind, ApiError::Kind::Unauthorized);
        QVERIFY(!m_nam->requests.first().request.hasRawHeader("Authorization"));
    }

    void everyKindHasAMessage()
    {
        for (int k = int(ApiError::Kind::InvalidUrl); k <= int(ApiError::Kind::Cancelled); ++k) {
            ApiError e;
            e.kind = ApiError::Kind(k);
            QVERIFY2(e.userMessage().size() > 20, qPrintable(ApiError::kindName(e.kind)));
            QVERIFY(!ApiError::kindName(e.kind).isEmpty());
        }
    }

    // ---- CA files ---------------------------------------------------------------------------------

    void caFile()
    {
        const auto good = ApiClient::loadCaFile(QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"));
        QVERIFY(good.ok());
        QCOMPARE(good.value().size(), 1);
        QCOMPARE(good.value().first().subjectInfo(QSslCertificate::CommonName).value(0),
                 QStringLiteral("batchmon test CA"));

        const auto missing = ApiClient::loadCaFile(QStringLiteral("/nonexistent/ca.pem"));
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().contains(QStringLiteral("/nonexistent/ca.pem")));

        const auto notPem = ApiClient::loadCaFile(QStringLiteral(BATCHMON_FIXTURES "/seed-response.json"));
        QVERIFY(!notPem.ok());
        QVERIFY(notPem.error().contains(QStringLiteral("no PEM certificate")));

        ApiClientOptions o = options();
        o.extraCaCertificates = good.value();
        reset(o);
        m_nam->script = {FakeResponse::json(200, seedBody())};
        QVERIFY(awaitResult(m_client->fetchMonitoring({})).ok());
        QVERIFY(m_nam->requests.first().request.sslConfiguration().caCertificates().contains(
            good.value().first()));
    }
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
