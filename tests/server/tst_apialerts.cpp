// SPDX-License-Identifier: GPL-3.0-or-later
// The alert endpoints of docs/api.md §12 through ApiService in-process (no sockets, an explicit clock):
// the seed's configureAlerts body round-trips, the merge, 400s that name the field, 403 for a viewer,
// the preview that records nothing, events and their acknowledgement, and §12.8's view of the rules
// in /config.
#include "ApiService.h"
#include "StoreTestSupport.h"
#include "domain/AlertRules.h"
#include "store/AlertRecorder.h"
#include "json/Codec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kNow(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC);
const QString kBase = QStringLiteral("/api/admin/batch-monitoring");

struct Reply
{
    int status = 0;
    QJsonObject body;

    QJsonObject data() const { return body.value(QStringLiteral("data")).toObject(); }
    QJsonObject error() const { return body.value(QStringLiteral("error")).toObject(); }
};

StoredJob failedJob(const QString &id, const QDateTime &completed)
{
    StoredJob s;
    Job &j = s.job;
    j.id = id;
    j.status = JobStatus::Failed;
    j.jobType = QStringLiteral("ai_analysis");
    j.requestCount = 100;
    j.failedCount = 100;
    j.createdAt = completed.addSecs(-3600);
    j.startedAt = completed.addSecs(-3000);
    j.completedAt = completed;
    j.processingTimeMs = 3000000;
    j.batchId = QStringLiteral("batch_") + id;
    s.submittedAt = j.startedAt;
    s.errorCounts.insert(QStringLiteral("request_timeout"), 100);
    return s;
}

} // namespace

class TestApiAlerts : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<TokenStore> m_tokens;
    std::unique_ptr<RateLimiter> m_limiter;
    std::unique_ptr<ApiService> m_service;
    QString m_admin;
    QString m_viewer;

    Reply call(const QByteArray &method, const QString &path, const QString &token,
               const QByteArray &body = {})
    {
        HttpRequest r;
        r.method = method;
        const int q = int(path.indexOf(QLatin1Char('?')));
        r.path = kBase + path.left(q < 0 ? path.size() : q);
        if (q >= 0)
            r.query = QUrlQuery(path.mid(q + 1));
        r.headers.insert("authorization", "Bearer " + token.toUtf8());
        r.body = body;
        r.clientAddress = QStringLiteral("127.0.0.1");
        const HttpResponse response = m_service->handle(r);
        return {response.status, QJsonDocument::fromJson(response.body).object()};
    }
    AlertConfig storedAlerts() { return AdminStore(*m_db).alertConfig().value(); }

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_db = openTestStore(QStringLiteral("sqlite"), *m_dir);
        m_tokens = std::make_unique<TokenStore>(*m_db);
        m_limiter = std::make_unique<RateLimiter>(0);
        m_admin = m_tokens->add(QStringLiteral("alice"), Role::Admin, kNow).value();
        m_viewer = m_tokens->add(QStringLiteral("wally"), Role::Viewer, kNow).value();
        ServiceContext context;
        context.clock = [] {
            return kNow;
        };
        m_service = std::make_unique<ApiService>(*m_db, *m_tokens, *m_limiter, context);
    }
    void cleanup()
    {
        m_service.reset();
        m_tokens.reset();
        m_db.reset();
        m_dir.reset();
    }

    void seedBodyRoundTrips()
    {
        // docs/api.md §12.7: the seed's configureAlerts() body, accepted as is, and the response.
        const Reply r =
            call("POST", QStringLiteral("/alerts"), m_admin,
                 R"({"errorRateThreshold": 5, "processingTimeThreshold": 7200000,)"
                 R"( "notificationChannels": ["log"], "alertSuppression": {"windowMinutes": 15}})");
        QCOMPARE(r.status, 200);
        const QJsonObject expected =
            QJsonDocument::fromJson(
                R"({)"
                R"( "rules": [)"
                R"( {"id": "highErrorRate", "threshold": 5, "severity": "high", "notification": "immediate", "enabled": true},)"
                R"( {"id": "longProcessingTime", "threshold": 7200000, "severity": "medium", "notification": "hourly", "enabled": true},)"
                R"( {"id": "lowThroughput", "threshold": 0.5, "severity": "medium", "notification": "daily", "enabled": true},)"
                R"( {"id": "batchFailure", "threshold": 1, "severity": "critical", "notification": "immediate", "enabled": true})"
                R"( ],)"
                R"( "notificationChannels": ["log"],)"
                R"( "alertSuppression": {"windowMinutes": 15},)"
                R"( "errorRateThreshold": 5,)"
                R"( "processingTimeThreshold": 7200000)"
                R"( })")
                .object();
        QCOMPARE(r.data(), expected);
        QCOMPARE(call("GET", QStringLiteral("/alerts"), m_viewer).data(), expected);
        // And what GET answers, posted back, changes nothing.
        QCOMPARE(call("POST", QStringLiteral("/alerts"), m_admin, QJsonDocument(expected).toJson()).data(),
                 expected);
    }

    void merge()
    {
        // Only the listed rule changes; the flat field wins over its rule; null keeps a value.
        QVERIFY(
            call(
                "POST", QStringLiteral("/alerts"), m_admin,
                R"({"notificationChannels": ["desktop", "webhook"], "webhookUrl": "https://hooks.example.org/x",)"
                R"( "alertSuppression": {"windowMinutes": 30}})")
                .status == 200);
        const Reply r = call("POST", QStringLiteral("/alerts"), m_admin,
                             R"({"rules": [{"id": "lowThroughput", "threshold": 2, "severity": "low",)"
                             R"( "notification": "hourly", "enabled": false},)"
                             R"( {"id": "highErrorRate", "threshold": 20, "severity": "critical",)"
                             R"( "notification": "daily", "enabled": true}],)"
                             R"( "errorRateThreshold": 7, "webhookUrl": null, "alertSuppression": null})");
        QCOMPARE(r.status, 200);
        const AlertConfig c = storedAlerts();
        QCOMPARE(c.rule(AlertRuleId::LowThroughput)->threshold, 2.0);
        QCOMPARE(c.rule(AlertRuleId::LowThroughput)->severity, Severity::Low);
        QCOMPARE(c.rule(AlertRuleId::LowThroughput)->enabled, false);
        QCOMPARE(c.rule(AlertRuleId::HighErrorRate)->threshold, 7.0); // the flat field won
        QCOMPARE(c.rule(AlertRuleId::HighErrorRate)->severity, Severity::Critical);
        QVERIFY(*c.rule(AlertRuleId::BatchFailure) == AlertConfig::defaults().rules[3]);
        QCOMPARE(c.webhookUrl, std::optional<QString>(QStringLiteral("https://hooks.example.org/x")));
        QCOMPARE(c.suppressionWindowMinutes, 30);
        QCOMPARE(c.notificationChannels,
                 (QList<NotificationChannel>{NotificationChannel::Desktop, NotificationChannel::Webhook}));
        QCOMPARE(r.data(), json::encode(c));
    }

    void viewerCannotChangeRules()
    {
        const Reply r = call("POST", QStringLiteral("/alerts"), m_viewer, R"({"errorRateThreshold": 50})");
        QCOMPARE(r.status, 403);
        QCOMPARE(r.error().value(QStringLiteral("code")).toString(), QStringLiteral("forbidden"));
        QCOMPARE(r.error().value(QStringLiteral("message")).toString(),
                 QStringLiteral("the viewer role may not POST /api/admin/batch-monitoring/alerts; an admin "
                                "token is required"));
        QVERIFY(storedAlerts() == AlertConfig::defaults());
        QCOMPARE(call("POST", QStringLiteral("/alerts/events/1/ack"), m_viewer).status, 403);
    }

    void invalidValuesNameTheField_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("parameter");
        QTest::addColumn<QString>("message");
        QTest::newRow("error rate") << QByteArray(R"({"errorRateThreshold": 150})") << "errorRateThreshold"
                                    << "errorRateThreshold: expected a percentage from 0 to 100, got 150";
        QTest::newRow("processing time")
            << QByteArray(R"({"processingTimeThreshold": 1.5})") << "processingTimeThreshold"
            << "processingTimeThreshold: expected a non-negative integer, got 1.5";
        QTest::newRow("negative processing time")
            << QByteArray(R"({"processingTimeThreshold": -1})") << "processingTimeThreshold"
            << "processingTimeThreshold: expected a non-negative integer, got -1";
        QTest::newRow("unknown channel")
            << QByteArray(R"({"notificationChannels": ["log", "email"]})") << "notificationChannels[1]"
            << R"(notificationChannels[1]: expected one of desktop, log, webhook, got "email")";
        QTest::newRow("channel twice") << QByteArray(R"({"notificationChannels": ["log", "desktop", "log"]})")
                                       << "notificationChannels[2]"
                                       << "notificationChannels[2]: channel is given twice";
        QTest::newRow("window")
            << QByteArray(R"({"alertSuppression": {"windowMinutes": 20000}})")
            << "alertSuppression.windowMinutes"
            << "alertSuppression.windowMinutes: expected an integer from 0 to 10080, got 20000";
        QTest::newRow("window missing")
            << QByteArray(R"({"alertSuppression": {}})") << "alertSuppression.windowMinutes"
            << "alertSuppression.windowMinutes: required field is missing";
        // Paths are the body's: the one rule sent is rules[0], whichever rule it is.
        QTest::newRow("percentage rule")
            << QByteArray(R"({"rules": [{"id": "highErrorRate", "threshold": 120, "severity": "high",)"
                          R"( "notification": "immediate", "enabled": true}]})")
            << "rules[0].threshold"
            << "rules[0].threshold: expected a percentage from 0 to 100, got 120";
        QTest::newRow("negative throughput")
            << QByteArray(R"({"rules": [{"id": "lowThroughput", "threshold": -1, "severity": "medium",)"
                          R"( "notification": "daily", "enabled": true}]})")
            << "rules[0].threshold"
            << "rules[0].threshold: expected a threshold of at least 0, got -1";
        QTest::newRow("no failures")
            << QByteArray(R"({"rules": [{"id": "batchFailure", "threshold": 0, "severity": "critical",)"
                          R"( "notification": "immediate", "enabled": true}]})")
            << "rules[0].threshold"
            << "rules[0].threshold: expected an integer from 1 to 1000000, got 0";
        QTest::newRow("incomplete rule")
            << QByteArray(R"({"rules": [{"id": "lowThroughput", "threshold": 1}]})") << "rules[0].severity"
            << "rules[0].severity: required field is missing";
        QTest::newRow("unknown severity")
            << QByteArray(R"({"rules": [{"id": "lowThroughput", "threshold": 1, "severity": "severe",)"
                          R"( "notification": "daily", "enabled": true}]})")
            << "rules[0].severity"
            << R"(rules[0].severity: expected one of low, medium, high, critical, got "severe")";
        QTest::newRow("rule twice")
            << QByteArray(R"({"rules": [{"id": "lowThroughput", "threshold": 1, "severity": "low",)"
                          R"( "notification": "daily", "enabled": true},)"
                          R"( {"id": "lowThroughput", "threshold": 2, "severity": "low",)"
                          R"( "notification": "daily", "enabled": true}]})")
            << "rules[1].id"
            << R"(rules[1].id: rule "lowThroughput" is given twice)";
        QTest::newRow("webhook url")
            << QByteArray(R"({"webhookUrl": "hooks.example.org"})") << "webhookUrl"
            << R"(webhookUrl: expected an http or https URL, got "hooks.example.org")";
        QTest::newRow("webhook without url")
            << QByteArray(R"({"notificationChannels": ["webhook"]})") << "webhookUrl"
            << R"(webhookUrl: required when notificationChannels has "webhook")";
    }
    void invalidValuesNameTheField()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, parameter);
        QFETCH(QString, message);
        for (const QString &path : {QStringLiteral("/alerts"), QStringLiteral("/alerts/preview")}) {
            const Reply r = call("POST", path, m_admin, body);
            QCOMPARE(r.status, 400);
            QCOMPARE(r.error().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_body"));
            QCOMPARE(r.error().value(QStringLiteral("parameter")).toString(), parameter);
            QCOMPARE(r.error().value(QStringLiteral("message")).toString(), message);
        }
        QVERIFY(storedAlerts() == AlertConfig::defaults());
    }

    void previewRecordsNothing()
    {
        JobStore jobs(*m_db);
        QVERIFY(jobs.insert(failedJob(QStringLiteral("batch-job-1"), kNow.addSecs(-600)),
                            QStringLiteral("pipeline"))
                    .ok());
        QVERIFY(jobs.insert(failedJob(QStringLiteral("batch-job-2"), kNow.addSecs(-300)),
                            QStringLiteral("pipeline"))
                    .ok());
        // Under the stored (default) configuration: 100 % errors, 2 jobs a day, two failed batches.
        const Reply now = call("POST", QStringLiteral("/alerts/preview"), m_viewer, "{}");
        QCOMPARE(now.status, 200);
        QStringList rules;
        for (const QJsonValue &c : now.data().value(QStringLiteral("conditions")).toArray())
            rules << c.toObject().value(QStringLiteral("rule")).toString();
        QCOMPARE(rules, (QStringList{QStringLiteral("highErrorRate"), QStringLiteral("lowThroughput"),
                                     QStringLiteral("batchFailure"), QStringLiteral("batchFailure")}));

        // An edited threshold: the batch failures need three now; the rest is the stored configuration.
        const Reply edited =
            call("POST", QStringLiteral("/alerts/preview"), m_viewer,
                 R"({"rules": [{"id": "batchFailure", "threshold": 3, "severity": "critical",)"
                 R"( "notification": "immediate", "enabled": true}],)"
                 R"( "errorRateThreshold": 100})");
        QCOMPARE(edited.status, 200);
        const auto preview = json::decodeValue<AlertPreview>(edited.data()).value();
        QCOMPARE(preview.conditions.size(), 1);
        QCOMPARE(preview.conditions[0].rule, AlertRuleId::LowThroughput);
        QCOMPARE(preview.conditions[0].observedValue, 0.08);
        QCOMPARE(preview.conditions[0].message, QStringLiteral("Throughput 0.08 jobs/h < 0.5 jobs/h"));
        const Reply lower = call("POST", QStringLiteral("/alerts/preview"), m_admin,
                                 R"({"rules": [{"id": "batchFailure", "threshold": 2, "severity": "high",)"
                                 R"( "notification": "immediate", "enabled": true}]})");
        const QJsonArray conditions = lower.data().value(QStringLiteral("conditions")).toArray();
        QCOMPARE(conditions.size(), 4);
        QCOMPARE(
            conditions.at(3).toObject(),
            (QJsonObject{{QStringLiteral("rule"), QStringLiteral("batchFailure")},
                         {QStringLiteral("severity"), QStringLiteral("high")},
                         {QStringLiteral("observedValue"), 2},
                         {QStringLiteral("threshold"), 2},
                         {QStringLiteral("message"), QStringLiteral("batch-job-2: all 100 requests failed")},
                         {QStringLiteral("jobId"), QStringLiteral("batch-job-2")}}));

        // Nothing stored: neither the edited configuration nor an event.
        QVERIFY(storedAlerts() == AlertConfig::defaults());
        const Reply events = call("GET", QStringLiteral("/alerts/events?state=all"), m_viewer);
        QCOMPARE(events.data().value(QStringLiteral("events")).toArray().size(), 0);
        // Audited as a view.
        m_service->flushAudit();
        const auto audit =
            AdminStore(*m_db).auditLog(1, 50, QStringLiteral("wally"), QStringLiteral("alerts_preview"));
        QCOMPARE(audit.value().pagination.total, 2);
        QCOMPARE(call("GET", QStringLiteral("/alerts/preview"), m_admin).status, 405);
        QCOMPARE(call("POST", QStringLiteral("/alerts/preview?x=1"), m_admin, "{}").status, 400);
    }

    void eventsAndAcknowledgement()
    {
        JobStore jobs(*m_db);
        QVERIFY(jobs.insert(failedJob(QStringLiteral("batch-job-1"), kNow.addSecs(-600)),
                            QStringLiteral("pipeline"))
                    .ok());
        AlertRecorder recorder(*m_db);
        AlertConfig config = AlertConfig::defaults();
        QVERIFY(recorder.record(config, {kNow, false, true}).ok());
        Reply r = call("GET", QStringLiteral("/alerts/events"), m_viewer);
        QCOMPARE(r.status, 200);
        const QJsonArray events = r.data().value(QStringLiteral("events")).toArray();
        QCOMPARE(events.size(), 3); // error rate, throughput, the failed batch
        QJsonObject failure;
        for (const QJsonValue &e : events) {
            if (e.toObject().value(QStringLiteral("rule")).toString() == QLatin1String("batchFailure"))
                failure = e.toObject();
        }
        QCOMPARE(failure.value(QStringLiteral("message")).toString(),
                 QStringLiteral("batch-job-1: all 100 requests failed"));
        QCOMPARE(failure.value(QStringLiteral("jobId")).toString(), QStringLiteral("batch-job-1"));
        QCOMPARE(failure.value(QStringLiteral("firstSeen")).toString(),
                 QStringLiteral("2026-11-29T09:00:00Z"));
        QVERIFY(failure.value(QStringLiteral("acknowledgedBy")).isNull());
        const QString id = QString::number(failure.value(QStringLiteral("id")).toInteger());
        r = call("POST", QStringLiteral("/alerts/events/%1/ack").arg(id), m_admin);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.data().value(QStringLiteral("acknowledgedBy")).toString(), QStringLiteral("alice"));
        QCOMPARE(r.data().value(QStringLiteral("acknowledgedAt")).toString(),
                 QStringLiteral("2026-11-29T09:00:00Z"));
        QCOMPARE(call("POST", QStringLiteral("/alerts/events/abc/ack"), m_admin)
                     .error()
                     .value(QStringLiteral("message"))
                     .toString(),
                 QStringLiteral("no alert event with id \"abc\""));
    }

    void eventQueryParameters_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("message");
        QTest::newRow("state") << "state=open"
                               << R"(state: must be one of active, all; got "open")";
        QTest::newRow("limit") << "limit=101"
                               << R"(limit: must be a whole number from 1 to 100; got "101")";
        QTest::newRow("page") << "page=0"
                              << R"(page: must be a whole number from 1 to 999999999; got "0")";
        QTest::newRow("unknown") << "rule=x"
                                 << "rule: unknown parameter; allowed: state, page, limit";
        QTest::newRow("repeated") << "state=all&state=active"
                                  << "state: given more than once";
    }
    void eventQueryParameters()
    {
        QFETCH(QString, query);
        QFETCH(QString, message);
        const Reply r = call("GET", QStringLiteral("/alerts/events?") + query, m_viewer);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.error().value(QStringLiteral("code")).toString(), QStringLiteral("invalid_parameter"));
        QCOMPARE(r.error().value(QStringLiteral("message")).toString(), message);
    }

    void configReportsTheRules()
    {
        // §12.8: GET /config reports the rules' thresholds; PUT sets a rule only where it differs.
        QVERIFY(call("POST", QStringLiteral("/alerts"), m_admin,
                     R"({"errorRateThreshold": 4.5, "processingTimeThreshold": 90500})")
                    .status == 200);
        Reply r = call("GET", QStringLiteral("/config"), m_viewer);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.data().value(QStringLiteral("batchAlertThresholdErrorRate")).toDouble(), 4.5);
        QCOMPARE(r.data().value(QStringLiteral("batchAlertThresholdProcessingTime")).toInteger(), 91);
        QJsonObject config = r.data();
        config.insert(QStringLiteral("batchMinSize"), 20);
        r = call("PUT", QStringLiteral("/config"), m_admin, QJsonDocument(config).toJson());
        QCOMPARE(r.status, 200);
        QCOMPARE(storedAlerts().rule(AlertRuleId::LongProcessingTime)->threshold, 90500.0); // left alone
        config.insert(QStringLiteral("batchAlertThresholdErrorRate"), 12);
        config.insert(QStringLiteral("batchAlertThresholdProcessingTime"), 600);
        r = call("PUT", QStringLiteral("/config"), m_admin, QJsonDocument(config).toJson());
        QCOMPARE(r.status, 200);
        QCOMPARE(r.data().value(QStringLiteral("batchAlertThresholdProcessingTime")).toInteger(), 600);
        QCOMPARE(storedAlerts().rule(AlertRuleId::HighErrorRate)->threshold, 12.0);
        QCOMPARE(storedAlerts().rule(AlertRuleId::LongProcessingTime)->threshold, 600000.0);
        QCOMPARE(call("GET", QStringLiteral("/alerts"), m_viewer)
                     .data()
                     .value(QStringLiteral("errorRateThreshold"))
                     .toDouble(),
                 12.0);
    }

    void environmentDefaults()
    {
        // BATCH_ALERT_THRESHOLD_* are the rules until an admin sets them.
        BatchConfig env;
        env.batchAlertThresholdErrorRate = 3;
        env.batchAlertThresholdProcessingTime = 1800;
        ServiceContext context;
        context.clock = [] {
            return kNow;
        };
        context.configDefaults = env;
        context.alertDefaults = alertDefaultsFor(env);
        m_service = std::make_unique<ApiService>(*m_db, *m_tokens, *m_limiter, context);
        const Reply r = call("GET", QStringLiteral("/alerts"), m_viewer);
        QCOMPARE(r.data().value(QStringLiteral("errorRateThreshold")).toDouble(), 3.0);
        QCOMPARE(r.data().value(QStringLiteral("processingTimeThreshold")).toInteger(), 1800000);
        const Reply c = call("GET", QStringLiteral("/config"), m_viewer);
        QCOMPARE(c.data().value(QStringLiteral("batchAlertThresholdProcessingTime")).toInteger(), 1800);
    }
};

QTEST_GUILESS_MAIN(TestApiAlerts)
#include "tst_apialerts.moc"
