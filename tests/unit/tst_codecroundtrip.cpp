// SPDX-License-Identifier: GPL-3.0-or-later
// encode → decode gives back exactly the value, for every type of docs/api.md, with every optional
// part present and with every optional part absent.
#include "json/Codec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kT0(QDate(2026, 11, 1), QTime(8, 30, 15, 250), Qt::UTC);

Job fullJob()
{
    Job j;
    j.id = QStringLiteral("batch-job-7");
    j.batchId = QStringLiteral("batch_ff01");
    j.status = JobStatus::Failed;
    j.jobType = QStringLiteral("ai_analysis");
    j.requestCount = 1000;
    j.completedCount = 700;
    j.failedCount = 250;
    j.createdAt = kT0;
    j.startedAt = kT0.addSecs(300);
    j.completedAt = kT0.addSecs(4000).addMSecs(7);
    j.processingTimeMs = 3700007;
    j.costEstimate = Money::fromMicros(1234567); // 1.234567 dollars: six decimals survive
    j.model = QStringLiteral("gpt-4o-mini");
    j.priority = JobPriority::Urgent;
    j.retryOf = QStringLiteral("batch-job-3");
    j.attempt = 2;
    j.inputTokens = 123456789;
    j.outputTokens = 98765;
    j.errorSummary = QList<ErrorSummaryEntry>{{QStringLiteral("token_limit_exceeded"), 200, 20.0},
                                              {QStringLiteral("rate_limit_exceeded"), 50, 5.0}};
    j.timeline = QList<TimelineEntry>{{JobStatus::Pending, kT0, QStringLiteral("pipeline"), std::nullopt},
                                      {JobStatus::Validating, kT0.addSecs(300), QStringLiteral("provider"),
                                       QStringLiteral("retry of batch-job-3")},
                                      {JobStatus::Failed, kT0.addSecs(4000), QStringLiteral("provider"), {}}};
    return j;
}

Job bareJob()
{
    Job j;
    j.id = QStringLiteral("batch-job-8");
    j.status = JobStatus::Pending;
    j.jobType = QStringLiteral("summarize");
    j.requestCount = 10;
    j.createdAt = kT0;
    return j;
}

MonitoringSnapshot fullSnapshot()
{
    MonitoringSnapshot s;
    s.timeRange = TimeRange::LastWeek;
    s.generatedAt = kT0;
    s.summary = {156,
                 142,
                 8,
                 6,
                 15600,
                 14200,
                 CostSavings{Money::fromMicros(234560000), Money::fromMicros(7038450000), 48.2,
                             Money::fromMicros(251000000), Money::fromMicros(485560000)},
                 1800000,
                 95.2,
                 PeriodTotals{140, 14000, 13000, 93.1, Money::fromMicros(-1500000), 1700000}};
    s.queues = {12, 3, 142, 8, 4};
    s.performance = {{650, 6.5, 100}, {87.3, 92.1, 4.8}};
    s.resources = Resources{1200000, 2000000, 60.0, 14, 5000000, 800000};
    HistoricalBucket b{
        kT0,    kT0.addSecs(3600), 6, 600, 570, 30, Money::fromMicros(5000000), Money::fromMicros(4700000),
        1650000};
    HistoricalBucket empty{kT0.addSecs(3600), kT0.addSecs(7200), 0, 0, 0, 0, Money(), Money(), std::nullopt};
    s.historical = Historical{3600, {b, empty}};
    s.errors = QList<ErrorSummaryEntry>{{QStringLiteral("token_limit_exceeded"), 420, 2.7},
                                        {QStringLiteral("rate_limit_exceeded"), 41, 0.3},
                                        {QStringLiteral("provider_said_no"), 1, 0}};
    s.jobs = {fullJob(), bareJob()};
    s.pagination = Pagination{2, 25, 156, 7};
    s.scheduler = SchedulerState{true, false};
    return s;
}

MonitoringSnapshot bareSnapshot()
{
    MonitoringSnapshot s; // nothing finished yet: every nullable rate is null
    s.summary.totalJobs = 1;
    s.summary.pendingJobs = 1;
    s.jobs = {bareJob()};
    return s;
}

AlertConfig fullAlerts()
{
    AlertConfig c = AlertConfig::defaults();
    c.rules[0].threshold = 12.5;
    c.rules[2].enabled = false;
    c.rules[3].severity = Severity::High;
    c.notificationChannels = {NotificationChannel::Webhook, NotificationChannel::Desktop};
    c.suppressionWindowMinutes = 30;
    c.webhookUrl = QStringLiteral("https://hooks.example.org/batchmon");
    return c;
}

AlertEventPage events()
{
    AlertEvent open{1,
                    AlertRuleId::HighErrorRate,
                    Severity::High,
                    14.2,
                    10,
                    QStringLiteral("Error rate 14.2 % > 10 %"),
                    kT0,
                    kT0.addSecs(600),
                    std::nullopt,
                    std::nullopt,
                    std::nullopt,
                    std::nullopt};
    AlertEvent acked{2,
                     AlertRuleId::BatchFailure,
                     Severity::Critical,
                     1,
                     1,
                     QStringLiteral("batch-job-7 failed"),
                     kT0,
                     kT0,
                     kT0.addSecs(60),
                     QStringLiteral("alice"),
                     kT0.addSecs(30),
                     QStringLiteral("batch-job-7")};
    return {{open, acked}, Pagination{1, 50, 2, 1}};
}

AuditPage audit()
{
    AuditEntry a{9,
                 kT0,
                 QStringLiteral("alice"),
                 QStringLiteral("job_retry"),
                 QStringLiteral("batch-job-7"),
                 QStringLiteral("success"),
                 QStringLiteral("127.0.0.1"),
                 QStringLiteral("new job batch-job-9")};
    AuditEntry b{10,
                 kT0,
                 QStringLiteral("anonymous"),
                 QStringLiteral("batch_monitoring_access"),
                 std::nullopt,
                 QStringLiteral("denied"),
                 QStringLiteral("::1"),
                 std::nullopt};
    return {{a, b}, Pagination{1, 50, 2, 1}};
}

template<typename T> void roundTrip(const T &value)
{
    const QByteArray body = json::encodeSuccess(json::encode(value));
    const auto back = json::decodeResponse<T>(body);
    QVERIFY2(back.ok(), back.ok() ? ""
                                  : qPrintable(back.error().toString() + QStringLiteral("\n") +
                                               QString::fromUtf8(body)));
    if (!(back.value() == value))
        QFAIL(qPrintable(QStringLiteral("value changed in the round trip:\n") + QString::fromUtf8(body) +
                         QStringLiteral("\nbecame\n") +
                         QString::fromUtf8(json::encodeSuccess(json::encode(back.value())))));
}

} // namespace

class TestCodecRoundTrip : public QObject
{
    Q_OBJECT

private slots:
    void snapshotFull() { roundTrip(fullSnapshot()); }
    void snapshotBare() { roundTrip(bareSnapshot()); }
    void snapshotErrors()
    {
        // Absent, empty and filled stay apart: a server without the breakdown is not one with no failures.
        MonitoringSnapshot s = bareSnapshot();
        QVERIFY(!json::encode(s).contains(QStringLiteral("errors")));
        s.errors = QList<ErrorSummaryEntry>{};
        roundTrip(s);
        QCOMPARE(json::encode(s).value(QStringLiteral("errors")), QJsonValue(QJsonArray{}));
        roundTrip(fullSnapshot());
        const QJsonArray errors = json::encode(fullSnapshot()).value(QStringLiteral("errors")).toArray();
        QCOMPARE(errors.at(0).toObject(),
                 (QJsonObject{{QStringLiteral("error"), QStringLiteral("token_limit_exceeded")},
                              {QStringLiteral("count"), 420},
                              {QStringLiteral("percentage"), 2.7}}));
    }
    void jobFull() { roundTrip(fullJob()); }
    void jobBare() { roundTrip(bareJob()); }
    void alertConfigDefaults() { roundTrip(AlertConfig::defaults()); }
    void alertConfigFull() { roundTrip(fullAlerts()); }
    void alertEvents() { roundTrip(events()); }
    void alertPreview()
    {
        roundTrip(AlertPreview{});
        roundTrip(AlertPreview{
            {{AlertRuleId::HighErrorRate, Severity::High, 14.2, 10,
              QStringLiteral("Error rate 14.2 % > 10 %"), std::nullopt},
             {AlertRuleId::BatchFailure, Severity::Critical, 2, 1,
              QStringLiteral("batch-job-7: all 100 requests failed"), QStringLiteral("batch-job-7")}}});
        // jobId only for per-job rules.
        const QJsonObject global = json::encode(AlertCondition{});
        QVERIFY(!global.contains(QStringLiteral("jobId")));
    }
    void batchConfig()
    {
        BatchConfig c;
        roundTrip(c);
        c.batchProcessingEnabled = false;
        c.batchMaxRequests = 50000;
        c.batchMinSize = 50000;
        c.batchAlertThresholdErrorRate = 2.5;
        roundTrip(c);
    }
    void auditPage() { roundTrip(audit()); }
    void priority() { roundTrip(PriorityChange{JobPriority::Low}); }
    void scheduler() { roundTrip(SchedulerState{true, true}); }
    void identity()
    {
        roundTrip(Identity{QStringLiteral("alice"), Role::Admin});
        roundTrip(Identity{QStringLiteral("wall.board-1_b"), Role::Viewer});
        const QJsonObject o = json::encode(Identity{QStringLiteral("alice"), Role::Admin});
        QCOMPARE(o, (QJsonObject{{QStringLiteral("name"), QStringLiteral("alice")},
                                 {QStringLiteral("role"), QStringLiteral("admin")}}));
    }

    void errorBody()
    {
        const json::ApiErrorBody body{QStringLiteral("invalid_parameter"),
                                      QStringLiteral("limit: must be 1 to 100"), QStringLiteral("limit")};
        const auto back = json::decodeErrorResponse(json::encodeError(body));
        QVERIFY(back.ok());
        QVERIFY(back.value() == body);
    }

    void moneyDoesNotDrift_data()
    {
        QTest::addColumn<qint64>("micros");
        QTest::newRow("zero") << qint64(0);
        QTest::newRow("one micro") << qint64(1);
        QTest::newRow("seed cost") << qint64(12500000);
        QTest::newRow("odd micros") << qint64(123456789);
        QTest::newRow("negative") << qint64(-4200001);
        QTest::newRow("largest allowed") << qint64(9000000000000000);
    }
    void moneyDoesNotDrift()
    {
        QFETCH(qint64, micros);
        // Savings carry a sign; a cost (costEstimate) never does, so the snapshot carries the amount.
        MonitoringSnapshot s = bareSnapshot();
        s.summary.costSavings.currentPeriod = Money::fromMicros(micros);
        s.summary.costSavings.projectedMonthly = Money::fromMicros(-micros);
        roundTrip(s);
        if (micros >= 0) {
            Job j = bareJob();
            j.costEstimate = Money::fromMicros(micros);
            roundTrip(j);
        }
    }

    void sumOfMoneyIsExact()
    {
        // 0.1 + 0.2 in doubles is 0.30000000000000004; in micro-dollars it is 0.3 exactly.
        Money sum;
        for (int i = 0; i < 1000000; ++i)
            sum += Money::fromDollars(0.1).value();
        QCOMPARE(sum, Money::fromMicros(100000000000));
        QCOMPARE(sum.toPlainString(), QStringLiteral("100000.00"));
        QCOMPARE(Money::fromMicros(-5000).toPlainString(), QStringLiteral("-0.01"));
        QCOMPARE(Money::fromMicros(4999).toPlainString(), QStringLiteral("0.00"));
    }

    void timesAreUtcWithZ()
    {
        const QJsonObject o = json::encode(fullJob());
        QCOMPARE(o.value(QStringLiteral("createdAt")).toString(), QStringLiteral("2026-11-01T08:30:15.250Z"));
        QCOMPARE(o.value(QStringLiteral("startedAt")).toString(), QStringLiteral("2026-11-01T08:35:15.250Z"));
        // An offset is accepted and converted: the same instant.
        QJsonObject shifted = o;
        shifted.insert(QStringLiteral("createdAt"), QStringLiteral("2026-11-01T09:30:15.250+01:00"));
        const auto back = json::decodeValue<Job>(shifted);
        QVERIFY(back.ok());
        QCOMPARE(back.value().createdAt, kT0);
        QCOMPARE(back.value().createdAt.timeSpec(), Qt::UTC);
    }

    void unknownFieldsAreIgnored()
    {
        QJsonObject o = json::encode(fullJob());
        o.insert(QStringLiteral("somethingNew"), QJsonObject{{QStringLiteral("x"), 1}});
        const auto back = json::decodeValue<Job>(o);
        QVERIFY(back.ok());
        QVERIFY(back.value() == fullJob());
    }

    void ruleThresholdShapes_data()
    {
        QTest::addColumn<int>("rule");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QString>("error"); // empty: accepted
        QTest::newRow("error rate 12.5") << 0 << 12.5 << QString();
        QTest::newRow("error rate 101")
            << 0 << 101.0 << "rules[0].threshold: expected a percentage from 0 to 100, got 101";
        // A fractional millisecond threshold used to be accepted here and then made every later
        // GET /alerts unreadable, because processingTimeThreshold is read as a whole number.
        QTest::newRow("processing 1500.5 ms")
            << 1 << 1500.5 << "rules[1].threshold: expected a non-negative integer, got 1500.5";
        QTest::newRow("processing 0 ms") << 1 << 0.0 << QString();
        QTest::newRow("throughput 0.25") << 2 << 0.25 << QString();
        QTest::newRow("throughput -1")
            << 2 << -1.0 << "rules[2].threshold: expected a threshold of at least 0, got -1";
        QTest::newRow("failures 0") << 3 << 0.0
                                    << "rules[3].threshold: expected an integer from 1 to 1000000, got 0";
        QTest::newRow("failures 2.5")
            << 3 << 2.5 << "rules[3].threshold: expected an integer from 1 to 1000000, got 2.5";
    }

    void ruleThresholdShapes()
    {
        QFETCH(int, rule);
        QFETCH(double, threshold);
        QFETCH(QString, error);
        QJsonObject o = json::encode(AlertConfig::defaults());
        o.remove(QStringLiteral("errorRateThreshold"));
        o.remove(QStringLiteral("processingTimeThreshold"));
        QJsonArray rules = o.value(QStringLiteral("rules")).toArray();
        QJsonObject r = rules.at(rule).toObject();
        r.insert(QStringLiteral("threshold"), threshold);
        rules.replace(rule, r);
        o.insert(QStringLiteral("rules"), rules);
        const auto back = json::decodeValue<AlertConfig>(o);
        if (error.isEmpty()) {
            QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().toString()));
            QCOMPARE(back.value().rules.at(rule).threshold, threshold);
            roundTrip(back.value()); // and it stays readable
        } else {
            QVERIFY(!back.ok());
            QCOMPARE(back.error().toString(), error);
        }
    }

    void seedAlertBodyIsAccepted()
    {
        // The seed's configureAlerts() body: flat thresholds, no rules.
        const QByteArray body = R"({"errorRateThreshold": 5, "processingTimeThreshold": 7200000,
            "notificationChannels": ["log"], "alertSuppression": {"windowMinutes": 15}})";
        const auto back = json::decodeValue<AlertConfig>(QJsonDocument::fromJson(body).object());
        QVERIFY2(back.ok(), back.ok() ? "" : qPrintable(back.error().toString()));
        QCOMPARE(back.value().rule(AlertRuleId::HighErrorRate)->threshold, 5.0);
        QCOMPARE(back.value().rule(AlertRuleId::LongProcessingTime)->threshold, 7200000.0);
        QCOMPARE(back.value().rule(AlertRuleId::LowThroughput)->threshold, 0.5);
        QCOMPARE(back.value().notificationChannels, QList<NotificationChannel>{NotificationChannel::Log});
        QCOMPARE(back.value().suppressionWindowMinutes, 15);
    }
};

QTEST_GUILESS_MAIN(TestCodecRoundTrip)
#include "tst_codecroundtrip.moc"
