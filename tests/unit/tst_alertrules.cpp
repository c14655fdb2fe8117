// SPDX-License-Identifier: GPL-3.0-or-later
// The rules of docs/api.md §12 for an AlertConfig: every threshold at, below and above its limits with
// the contract's messages, the codec agreeing word for word; and §12.8, the configuration's two
// thresholds and the rules that hold them.
#include "domain/AlertRules.h"
#include "json/Codec.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <limits>

using namespace batchmon;

namespace {

/// What the codec says about `config` sent as POST /alerts's body (rules only, no flat thresholds).
QString codecSays(const AlertConfig &config)
{
    QJsonObject o = json::encode(config);
    o.remove(QStringLiteral("errorRateThreshold"));
    o.remove(QStringLiteral("processingTimeThreshold"));
    const auto decoded = json::decodeValue<AlertConfig>(o);
    return decoded ? QString() : decoded.error().toString();
}

QString firstError(const AlertConfig &config)
{
    const auto errors = validateAlertConfig(config);
    return errors.isEmpty() ? QString() : errors.first().message;
}

} // namespace

class TestAlertRules : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreValid()
    {
        QVERIFY(validateAlertConfig(AlertConfig::defaults()).isEmpty());
        QVERIFY(codecSays(AlertConfig::defaults()).isEmpty());
    }

    void thresholds_data()
    {
        QTest::addColumn<int>("rule");
        QTest::addColumn<double>("threshold");
        QTest::addColumn<QString>("error");
        const int rate = int(AlertRuleId::HighErrorRate);
        const int slow = int(AlertRuleId::LongProcessingTime);
        const int low = int(AlertRuleId::LowThroughput);
        const int failed = int(AlertRuleId::BatchFailure);
        QTest::newRow("rate 0") << rate << 0.0 << QString();
        QTest::newRow("rate 100") << rate << 100.0 << QString();
        QTest::newRow("rate 12.5") << rate << 12.5 << QString();
        QTest::newRow("rate -0.1") << rate << -0.1
                                   << "rules[0].threshold: expected a percentage from 0 to 100, got -0.1";
        QTest::newRow("rate 120") << rate << 120.0
                                  << "rules[0].threshold: expected a percentage from 0 to 100, got 120";
        QTest::newRow("slow 0") << slow << 0.0 << QString();
        QTest::newRow("slow 1 h") << slow << 3600000.0 << QString();
        QTest::newRow("slow 1500.5") << slow << 1500.5
                                     << "rules[1].threshold: expected a non-negative integer, got 1500.5";
        QTest::newRow("slow -1") << slow << -1.0
                                 << "rules[1].threshold: expected a non-negative integer, got -1";
        QTest::newRow("low 0") << low << 0.0 << QString();
        QTest::newRow("low 0.25") << low << 0.25 << QString();
        QTest::newRow("low -1") << low << -1.0
                                << "rules[2].threshold: expected a threshold of at least 0, got -1";
        QTest::newRow("low -0.01") << low << -0.01
                                   << "rules[2].threshold: expected a threshold of at least 0, got -0.01";
        QTest::newRow("failed 1") << failed << 1.0 << QString();
        QTest::newRow("failed 1000000") << failed << 1000000.0 << QString();
        QTest::newRow("failed 0") << failed << 0.0
                                  << "rules[3].threshold: expected an integer from 1 to 1000000, got 0";
        QTest::newRow("failed 1000001")
            << failed << 1000001.0
            << "rules[3].threshold: expected an integer from 1 to 1000000, got 1000001";
        QTest::newRow("failed 1.5") << failed << 1.5
                                    << "rules[3].threshold: expected an integer from 1 to 1000000, got 1.5";
    }
    void thresholds()
    {
        QFETCH(int, rule);
        QFETCH(double, threshold);
        QFETCH(QString, error);
        AlertConfig c = AlertConfig::defaults();
        c.rules[rule].threshold = threshold;
        QCOMPARE(firstError(c), error);
        QCOMPARE(codecSays(c), error);
        if (!error.isEmpty())
            QCOMPARE(validateAlertConfig(c).first().path, QStringLiteral("rules[%1].threshold").arg(rule));
    }

    void notAFinite()
    {
        AlertConfig c = AlertConfig::defaults();
        c.rules[2].threshold = std::numeric_limits<double>::infinity();
        QCOMPARE(firstError(c),
                 QStringLiteral("rules[2].threshold: expected a threshold of at least 0, got inf"));
        c.rules[2].threshold = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!firstError(c).isEmpty());
    }

    void otherFields_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("error");
        QTest::newRow("rule twice") << 0 << R"(rules[3].id: rule "highErrorRate" is given twice)";
        QTest::newRow("channel twice") << 1 << "notificationChannels[2]: channel is given twice";
        QTest::newRow("window 20000")
            << 2 << "alertSuppression.windowMinutes: expected an integer from 0 to 10080, got 20000";
        QTest::newRow("window -1")
            << 3 << "alertSuppression.windowMinutes: expected an integer from 0 to 10080, got -1";
        QTest::newRow("ftp url") << 4
                                 << R"(webhookUrl: expected an http or https URL, got "ftp://example.org/x")";
        QTest::newRow("no host") << 5 << R"(webhookUrl: expected an http or https URL, got "https://")";
        QTest::newRow("webhook without url")
            << 6 << R"(webhookUrl: required when notificationChannels has "webhook")";
    }
    void otherFields()
    {
        QFETCH(int, which);
        QFETCH(QString, error);
        AlertConfig c = AlertConfig::defaults();
        switch (which) {
        case 0:
            c.rules[3] = c.rules[0];
            break;
        case 1:
            c.notificationChannels = {NotificationChannel::Log, NotificationChannel::Desktop,
                                      NotificationChannel::Log};
            break;
        case 2:
            c.suppressionWindowMinutes = 20000;
            break;
        case 3:
            c.suppressionWindowMinutes = -1;
            break;
        case 4:
            c.webhookUrl = QStringLiteral("ftp://example.org/x");
            break;
        case 5:
            c.webhookUrl = QStringLiteral("https://");
            break;
        case 6:
            c.notificationChannels = {NotificationChannel::Webhook};
            break;
        }
        QCOMPARE(firstError(c), error);
        QCOMPARE(codecSays(c), error);
    }

    void everyErrorIsListed()
    {
        AlertConfig c = AlertConfig::defaults();
        c.rules[0].threshold = 150;
        c.rules[3].threshold = 0;
        c.suppressionWindowMinutes = 99999;
        QStringList paths;
        for (const AlertConfigError &e : validateAlertConfig(c))
            paths << e.path;
        QCOMPARE(paths,
                 (QStringList{QStringLiteral("rules[0].threshold"), QStringLiteral("rules[3].threshold"),
                              QStringLiteral("alertSuppression.windowMinutes")}));
    }

    // ---- §12.8 ----

    void defaultsFromTheEnvironment()
    {
        BatchConfig env;
        env.batchAlertThresholdErrorRate = 7.5;
        env.batchAlertThresholdProcessingTime = 5400;
        const AlertConfig c = alertDefaultsFor(env);
        QCOMPARE(c.rule(AlertRuleId::HighErrorRate)->threshold, 7.5);
        QCOMPARE(c.rule(AlertRuleId::LongProcessingTime)->threshold, 5400000.0);
        QCOMPARE(c.rule(AlertRuleId::LowThroughput)->threshold, 0.5);
        QVERIFY(alertDefaultsFor(BatchConfig()) == AlertConfig::defaults());
    }

    void configReportsTheRules_data()
    {
        QTest::addColumn<double>("ms");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("an hour") << 3600000.0 << qint64(3600);
        QTest::newRow("rounded up") << 3600001.0 << qint64(3601);
        QTest::newRow("at least 1") << 0.0 << qint64(1);
        QTest::newRow("at most 30 days") << 5e12 << qint64(2592000);
    }
    void configReportsTheRules()
    {
        QFETCH(double, ms);
        QFETCH(qint64, seconds);
        AlertConfig alerts = AlertConfig::defaults();
        alerts.rules[0].threshold = 4.5;
        alerts.rules[1].threshold = ms;
        const BatchConfig reported = withAlertThresholds(BatchConfig(), alerts);
        QCOMPARE(reported.batchAlertThresholdErrorRate, 4.5);
        QCOMPARE(reported.batchAlertThresholdProcessingTime, seconds);
        // PUT /config with what GET reported changes nothing, not even a threshold that seconds round.
        AlertConfig same = alerts;
        QVERIFY(!applyConfigThresholds(same, reported));
        QVERIFY(same == alerts);
    }

    void configSetsTheRules()
    {
        AlertConfig alerts = AlertConfig::defaults();
        alerts.rules[1].threshold = 90000; // 1.5 min: reported as 90 s
        BatchConfig given = withAlertThresholds(BatchConfig(), alerts);
        given.batchAlertThresholdErrorRate = 12;
        QVERIFY(applyConfigThresholds(alerts, given));
        QCOMPARE(alerts.rule(AlertRuleId::HighErrorRate)->threshold, 12.0);
        QCOMPARE(alerts.rule(AlertRuleId::LongProcessingTime)->threshold, 90000.0); // left alone
        given.batchAlertThresholdProcessingTime = 120;
        QVERIFY(applyConfigThresholds(alerts, given));
        QCOMPARE(alerts.rule(AlertRuleId::LongProcessingTime)->threshold, 120000.0);
    }
};

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
