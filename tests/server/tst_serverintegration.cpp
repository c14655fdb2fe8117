// SPDX-License-Identifier: GPL-3.0-or-later
// The real batchmon-server on 127.0.0.1:0, driven with the real client (and raw HTTP for what the
// client never sends): every endpoint group and every error class of docs/api.md.
#include "Await.h"
#include "ServerProcess.h"
#include "api/ApiClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;

namespace {

struct Raw
{
    int status = 0;
    QJsonObject body;
    QNetworkReply *reply = nullptr;
};

} // namespace

class TestServerIntegration : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    QString m_admin;
    QString m_viewer;
    QNetworkAccessManager m_nam;

    std::unique_ptr<ApiClient> client(const QString &token)
    {
        ApiClientOptions o;
        o.serverUrl = m_server->url();
        o.token = token;
        o.policy.retryDelayMs = 50;
        return std::make_unique<ApiClient>(m_nam, o);
    }

    Raw raw(const QByteArray &verb, const QString &pathAndQuery, const QString &token,
            const QByteArray &body = {}, const QUrl &base = {})
    {
        QUrl url = base.isEmpty() ? m_server->url() : base;
        const int q = int(pathAndQuery.indexOf(QLatin1Char('?')));
        url.setPath(pathAndQuery.left(q < 0 ? pathAndQuery.size() : q));
        if (q >= 0)
            url.setQuery(pathAndQuery.mid(q + 1));
        QNetworkRequest request(url);
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply *reply = m_nam.sendCustomRequest(request, verb, body);
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 30000))
            qFatal("no answer to %s %s", verb.constData(), qPrintable(pathAndQuery));
        reply->deleteLater();
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                QJsonDocument::fromJson(reply->readAll()).object(), reply};
    }

private slots:
    void initTestCase()
    {
        m_server =
            std::make_unique<Server>(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("server.db")));
        m_admin = m_server->addToken(QStringLiteral("alice"), QStringLiteral("admin"));
        m_viewer = m_server->addToken(QStringLiteral("wally"), QStringLiteral("viewer"));
        QVERIFY(m_admin.startsWith(QStringLiteral("bm_")));
        QVERIFY(m_server->start(
            {QStringLiteral("--simulate"), QStringLiteral("--backfill-days"), QStringLiteral("2")}));
    }

    void monitoringAndJobs()
    {
        auto api = client(m_admin);
        MonitoringQuery q;
        q.timeRange = TimeRange::LastWeek;
        q.includeDetails = true;
        q.limit = 100;
        const auto snapshot = awaitResult(api->fetchMonitoring(q));
        QVERIFY2(snapshot.ok(), qPrintable(snapshot.ok() ? QString() : snapshot.error().userMessage()));
        const MonitoringSnapshot &s = snapshot.value();
        QVERIFY(s.summary.totalJobs > 0);
        QVERIFY(s.errors.has_value()); // batchmon-server always sends the breakdown
        QCOMPARE(s.jobs.size(), std::min<qint64>(100, s.pagination->total));
        QVERIFY(s.jobs.first().timeline.has_value());
        const auto one = awaitResult(api->fetchJob(s.jobs.first().id));
        QVERIFY(one.ok());
        QCOMPARE(one.value().id, s.jobs.first().id);

        // 409: cancelling a finished job. Retry makes the linked job; pause, priority, resume act on it.
        Job finished;
        for (const Job &j : s.jobs) {
            if ((j.status == JobStatus::Completed && j.failedCount > 0) || j.status == JobStatus::Failed) {
                finished = j;
                break;
            }
        }
        QVERIFY2(!finished.id.isEmpty(), "no finished job with failures in two days of history");
        const auto cancelled = awaitResult(api->cancelJob(finished.id));
        QCOMPARE(cancelled.error().kind, ApiError::Kind::Conflict);
        QCOMPARE(cancelled.error().httpStatus, 409);
        QCOMPARE(cancelled.error().code, QStringLiteral("invalid_transition"));

        // Hold the scheduler so the new job stays pending while we act on it.
        QCOMPARE(awaitResult(api->pauseScheduler()).value().paused, true);
        const auto retried = awaitResult(api->retryJob(finished.id));
        QVERIFY2(retried.ok(), qPrintable(retried.ok() ? QString() : retried.error().userMessage()));
        QCOMPARE(retried.value().retryOf, std::optional<QString>(finished.id));
        QCOMPARE(retried.value().attempt, finished.attempt + 1);
        QCOMPARE(retried.value().status, JobStatus::Pending);
        const QString id = retried.value().id;
        QCOMPARE(awaitResult(api->pauseJob(id)).value().status, JobStatus::Paused);
        QCOMPARE(awaitResult(api->setJobPriority(id, JobPriority::Urgent)).value().priority,
                 JobPriority::Urgent);
        QCOMPARE(awaitResult(api->resumeJob(id)).value().status, JobStatus::Pending);
        QCOMPARE(awaitResult(api->resumeScheduler()).value().paused, false);

        const auto missing = awaitResult(api->fetchJob(QStringLiteral("batch-job-999999")));
        QCOMPARE(missing.error().kind, ApiError::Kind::NotFound);
    }

    void authAndRoles()
    {
        const auto anonymous = awaitResult(client(QString())->fetchMonitoring({}));
        QCOMPARE(anonymous.error().kind, ApiError::Kind::Unauthorized);
        const auto wrong = awaitResult(client(QStringLiteral("bm_not-a-token"))->fetchMonitoring({}));
        QCOMPARE(wrong.error().kind, ApiError::Kind::Unauthorized);
        auto viewer = client(m_viewer);
        QVERIFY(awaitResult(viewer->fetchMonitoring({})).ok());
        const auto forbidden = awaitResult(viewer->pauseScheduler());
        QCOMPARE(forbidden.error().kind, ApiError::Kind::Forbidden);
        QCOMPARE(awaitResult(viewer->fetchAuditLog()).error().kind, ApiError::Kind::Forbidden);
        const Raw r = raw("GET", QStringLiteral("/api/admin/batch-monitoring"), QString());
        QCOMPARE(r.status, 401);
        QCOMPARE(r.reply->rawHeader("WWW-Authenticate"), QByteArray("Bearer realm=\"batchmon\""));
        QCOMPARE(r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
                 QStringLiteral("missing bearer token"));
        const Raw revoked =
            raw("GET", QStringLiteral("/api/admin/batch-monitoring"), QStringLiteral("bm_nope"));
        QCOMPARE(revoked.status, 401);
        QCOMPARE(revoked.reply->rawHeader("WWW-Authenticate"),
                 QByteArray("Bearer realm=\"batchmon\", error=\"invalid_token\""));
        const Raw viewerAction =
            raw("POST", QStringLiteral("/api/admin/batch-monitoring/scheduler/pause"), m_viewer);
        QCOMPARE(viewerAction.status, 403);
        QCOMPARE(viewerAction.body.value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("message"))
                     .toString(),
                 QStringLiteral(
                     "the viewer role may not POST /api/admin/batch-monitoring/scheduler/pause; an admin "
                     "token is required"));
    }

    void whoami()
    {
        const auto admin = awaitResult(client(m_admin)->fetchIdentity());
        QVERIFY2(admin.ok(), qPrintable(admin.ok() ? QString() : admin.error().userMessage()));
        QCOMPARE(admin.value(), (Identity{QStringLiteral("alice"), Role::Admin}));
        const auto viewer = awaitResult(client(m_viewer)->fetchIdentity());
        QVERIFY(viewer.ok());
        QCOMPARE(viewer.value(), (Identity{QStringLiteral("wally"), Role::Viewer}));

        const QString path = QStringLiteral("/api/admin/batch-monitoring/whoami");
        const Raw raw200 = raw("GET", path, m_viewer);
        QCOMPARE(raw200.status, 200);
        QCOMPARE(raw200.body.value(QStringLiteral("data")).toObject(),
                 (QJsonObject{{QStringLiteral("name"), QStringLiteral("wally")},
                              {QStringLiteral("role"), QStringLiteral("viewer")}}));

        const auto anonymous = awaitResult(client(QString())->fetchIdentity());
        QCOMPARE(anonymous.error().kind, ApiError::Kind::Unauthorized);
        const Raw none = raw("GET", path, QString());
        QCOMPARE(none.status, 401);
        QCOMPARE(none.reply->rawHeader("WWW-Authenticate"), QByteArray("Bearer realm=\"batchmon\""));
        QCOMPARE(raw("GET", path, QStringLiteral("bm_nope")).status, 401);

        const Raw param = raw("GET", path + QStringLiteral("?verbose=true"), m_admin);
        QCOMPARE(param.status, 400);
        const QJsonObject error = param.body.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("invalid_parameter"));
        QCOMPARE(error.value(QStringLiteral("parameter")).toString(), QStringLiteral("verbose"));
        QCOMPARE(error.value(QStringLiteral("message")).toString(),
                 QStringLiteral("verbose: unknown parameter; this endpoint takes none"));

        // A route, never a job id: other methods are 405, deeper paths 404.
        const Raw post = raw("POST", path, m_admin);
        QCOMPARE(post.status, 405);
        QCOMPARE(post.reply->rawHeader("Allow"), QByteArray("GET"));
        QCOMPARE(raw("POST", path + QStringLiteral("/retry"), m_admin).status, 404);
    }

    void badRequests_data()
    {
        QTest::addColumn<QByteArray>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("parameter");
        const QString base = QStringLiteral("/api/admin/batch-monitoring");
        QTest::newRow("limit=101") << QByteArray("GET") << base + QStringLiteral("?limit=101") << QByteArray()
                                   << 400 << "invalid_parameter"
                                   << "limit";
        QTest::newRow("timeRange=banana") << QByteArray("GET") << base + QStringLiteral("?timeRange=banana")
                                          << QByteArray() << 400 << "invalid_parameter"
                                          << "timeRange";
        QTest::newRow("unknown status") << QByteArray("GET") << base + QStringLiteral("?status=done")
                                        << QByteArray() << 400 << "invalid_parameter"
                                        << "status";
        QTest::newRow("unknown route")
            << QByteArray("GET") << QStringLiteral("/api/admin/nothing") << QByteArray() << 404 << "not_found"
            << "";
        QTest::newRow("wrong method")
            << QByteArray("DELETE") << base << QByteArray() << 405 << "method_not_allowed"
            << "";
        QTest::newRow("malformed body") << QByteArray("PUT") << base + QStringLiteral("/config")
                                        << QByteArray("{\"batch") << 400 << "invalid_body"
                                        << "";
        QTest::newRow("bad field") << QByteArray("PUT") << base + QStringLiteral("/batch-job-1/priority")
                                   << QByteArray(R"({"priority":"asap"})") << 400 << "invalid_body"
                                   << "priority";
        QTest::newRow("over 1 MiB") << QByteArray("POST") << base + QStringLiteral("/alerts")
                                    << QByteArray(1024 * 1024 + 10, ' ') << 413 << "payload_too_large"
                                    << "";
        QTest::newRow("unknown event")
            << QByteArray("POST") << base + QStringLiteral("/alerts/events/424242/ack") << QByteArray() << 404
            << "not_found"
            << "";
    }

    void badRequests()
    {
        QFETCH(QByteArray, verb);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(QString, parameter);
        const Raw r = raw(verb, path, m_admin, body);
        QCOMPARE(r.status, status);
        QCOMPARE(r.body.value(QStringLiteral("success")).toBool(true), false);
        const QJsonObject error = r.body.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        if (!parameter.isEmpty())
            QCOMPARE(error.value(QStringLiteral("parameter")).toString(), parameter);
        if (status == 405)
            QCOMPARE(r.reply->rawHeader("Allow"), QByteArray("GET"));
    }

    void configAlertsAndAudit()
    {
        auto api = client(m_admin);
        BatchConfig config = awaitResult(api->fetchConfig()).value();
        config.batchMinSize = 20;
        QCOMPARE(awaitResult(api->updateConfig(config)).value().batchMinSize, 20);
        config.batchStatusCheckInterval = QStringLiteral("0 3 * * *");
        const auto refused = awaitResult(api->updateConfig(config));
        QCOMPARE(refused.error().kind, ApiError::Kind::BadRequest);
        QCOMPARE(refused.error().code, QStringLiteral("invalid_body"));
        QCOMPARE(
            refused.error().message,
            QStringLiteral("batchStatusCheckInterval: expected \"*/N * * * *\" (N 1-59) or \"N * * * *\" "
                           "(N 0-59), got \"0 3 * * *\""));
        QCOMPARE(awaitResult(api->fetchConfig()).value().batchMinSize, 20);

        AlertConfig alerts = awaitResult(api->fetchAlertConfig()).value();
        alerts.rules[0].threshold = 7.5;
        QCOMPARE(awaitResult(api->updateAlertConfig(alerts)).value().rules[0].threshold, 7.5);
        // The seed's body: only the flat fields; the rest is kept.
        const Raw seed = raw("POST", QStringLiteral("/api/admin/batch-monitoring/alerts"), m_admin,
                             R"({"errorRateThreshold": 12, "processingTimeThreshold": 7200000})");
        QCOMPARE(seed.status, 200);
        const auto after = awaitResult(api->fetchAlertConfig()).value();
        QCOMPARE(after.rule(AlertRuleId::HighErrorRate)->threshold, 12.0);
        QCOMPARE(after.rule(AlertRuleId::LongProcessingTime)->threshold, 7200000.0);
        QCOMPARE(after.rule(AlertRuleId::LowThroughput)->threshold, 0.5);
        QVERIFY(awaitResult(api->fetchAlertEvents({false, 1, 10})).ok());
        // The preview: a viewer may ask, and nothing changes.
        AlertConfig edited = after;
        edited.rules[0].threshold = 0;
        const auto preview = awaitResult(client(m_viewer)->previewAlerts(edited));
        QVERIFY2(preview.ok(), qPrintable(preview.ok() ? QString() : preview.error().userMessage()));
        QVERIFY(std::all_of(preview.value().conditions.cbegin(), preview.value().conditions.cend(),
                            [](const AlertCondition &c) { return !c.message.isEmpty(); }));
        QVERIFY(awaitResult(api->fetchAlertConfig()).value() == after);
        edited.rules[0].threshold = 120;
        const auto refusedPreview = awaitResult(api->previewAlerts(edited));
        QCOMPARE(refusedPreview.error().kind, ApiError::Kind::BadRequest);
        QCOMPARE(refusedPreview.error().parameter, QStringLiteral("rules[0].threshold"));
        QCOMPARE(awaitResult(client(m_viewer)->updateAlertConfig(after)).error().kind,
                 ApiError::Kind::Forbidden);

        const auto audit = awaitResult(api->fetchAuditLog(1, 100));
        QVERIFY(audit.ok());
        QStringList actions;
        for (const AuditEntry &e : audit.value().entries)
            actions << e.actor + QLatin1Char(':') + e.action + QLatin1Char(':') + e.outcome;
        QVERIFY2(actions.contains(QStringLiteral("alice:job_retry:success")),
                 qPrintable(actions.join(QLatin1Char(' '))));
        QVERIFY(actions.contains(QStringLiteral("wally:scheduler_pause:denied")));
        QVERIFY(actions.contains(QStringLiteral("wally:whoami_view:success")));
        QVERIFY(actions.contains(QStringLiteral("alice:whoami_view:failure")));
        QVERIFY(actions.contains(QStringLiteral("anonymous:batch_monitoring_access:denied")));
        QVERIFY(actions.contains(QStringLiteral("alice:config_update:failure")));
    }

    /// SIGTERM (systemctl stop) ends the server cleanly: exit code 0, and the audit entries of its
    /// last requests are written first (they are flushed every 200 ms, and now at the end).
    void stopsCleanlyOnSigterm()
    {
        QTemporaryDir dir;
        const QString db = QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("stop.db"));
        Server first(db);
        const QString token = first.addToken(QStringLiteral("sam"), QStringLiteral("admin"));
        QVERIFY(first.start());
        ApiClientOptions o;
        o.serverUrl = first.url();
        o.token = token;
        QVERIFY(awaitResult(ApiClient(m_nam, o).fetchIdentity()).ok());
        QCOMPARE(first.stop(), 0);

        Server second(db);
        QVERIFY(second.start());
        o.serverUrl = second.url();
        const auto audit = awaitResult(ApiClient(m_nam, o).fetchAuditLog(1, 100));
        QVERIFY(audit.ok());
        QStringList actions;
        for (const AuditEntry &e : audit.value().entries)
            actions << e.actor + QLatin1Char(':') + e.action;
        QVERIFY2(actions.contains(QStringLiteral("sam:whoami_view")),
                 qPrintable(actions.join(QLatin1Char(' '))));
    }

    void invalidEnvironmentStopsStartUp_data()
    {
        QTest::addColumn<QString>("variable");
        QTest::addColumn<QString>("value");
        QTest::newRow("max requests") << "BATCH_MAX_REQUESTS"
                                      << "lots";
        QTest::newRow("schedule") << "BATCH_CREATE_INTERVAL"
                                  << "*/60 * * * *";
        QTest::newRow("enabled") << "BATCH_PROCESSING_ENABLED"
                                 << "maybe";
        QTest::newRow("error rate") << "BATCH_ALERT_THRESHOLD_ERROR_RATE"
                                    << "150";
        QTest::newRow("database") << "BATCHMON_DATABASE"
                                  << "mysql://x";
    }
    void invalidEnvironmentStopsStartUp()
    {
        QFETCH(QString, variable);
        QFETCH(QString, value);
        QProcess p;
        QProcessEnvironment env = m_server->environment();
        env.insert(variable, value);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BATCHMON_SERVER_BINARY),
                {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        const QString said = QString::fromUtf8(p.readAllStandardError());
        QVERIFY2(said.contains(variable == QLatin1String("BATCHMON_DATABASE") ? QStringLiteral("mysql://x")
                                                                              : variable),
                 qPrintable(said));
    }

    void tls()
    {
        QTemporaryDir dir;
        Server secure(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("tls.db")));
        const QString token = secure.addToken(QStringLiteral("carol"), QStringLiteral("viewer"));
        QVERIFY(secure.start({QStringLiteral("--tls-cert"), QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem"),
                              QStringLiteral("--tls-key"),
                              QStringLiteral(BATCHMON_FIXTURES "/test-server.key")}));
        QCOMPARE(secure.url().scheme(), QStringLiteral("https"));
        ApiClientOptions o;
        o.serverUrl = secure.url();
        o.token = token;
        // Without the server's CA the client refuses; with it, it talks.
        QCOMPARE(awaitResult(ApiClient(m_nam, o).fetchMonitoring({})).error().kind, ApiError::Kind::Tls);
        m_nam.clearConnectionCache();
        o.extraCaCertificates =
            ApiClient::loadCaFile(QStringLiteral(BATCHMON_FIXTURES "/test-ca.pem")).value();
        const auto r = awaitResult(ApiClient(m_nam, o).fetchMonitoring({}));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().userMessage()));
    }

    void rateLimit()
    {
        QTemporaryDir dir;
        Server limited(QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("limited.db")), 3);
        const QString token = limited.addToken(QStringLiteral("bob"), QStringLiteral("viewer"));
        QVERIFY(limited.start());
        Raw r;
        for (int i = 0; i < 3; ++i) {
            r = raw("GET", QStringLiteral("/api/admin/batch-monitoring"), token, {}, limited.url());
            QCOMPARE(r.status, 200);
        }
        QCOMPARE(r.reply->rawHeader("X-RateLimit-Limit"), QByteArray("3"));
        QCOMPARE(r.reply->rawHeader("X-RateLimit-Remaining"), QByteArray("0"));
        r = raw("GET", QStringLiteral("/api/admin/batch-monitoring"), token, {}, limited.url());
        QCOMPARE(r.status, 429);
        QCOMPARE(r.body.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                 QStringLiteral("rate_limited"));
        const int retryAfter = r.reply->rawHeader("Retry-After").toInt();
        QVERIFY(retryAfter >= 1 && retryAfter <= 60);
    }
};

QTEST_GUILESS_MAIN(TestServerIntegration)
#include "tst_serverintegration.moc"
