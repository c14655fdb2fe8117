// SPDX-License-Identifier: GPL-3.0-or-later
// The rules of docs/api.md §13: every field at, below and above its limits, with the contract's
// messages; and the codec, which refuses with the same function, agrees word for word.
#include "domain/BatchConfigValidation.h"
#include "json/Codec.h"

#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace batchmon;

Q_DECLARE_METATYPE(batchmon::BatchConfigField)

namespace {

/// What the codec says about `config` sent as a body: "" when it decodes.
QString codecSays(const BatchConfig &config)
{
    const auto decoded = json::decodeValue<BatchConfig>(json::encode(config));
    return decoded ? QString() : decoded.error().toString();
}

QString codecSays(const QJsonObject &body)
{
    const auto decoded = json::decodeValue<BatchConfig>(body);
    return decoded ? QString() : decoded.error().toString();
}

const QString kCronReason =
    QStringLiteral("expected \"*/N * * * *\" (N 1-59) or \"N * * * *\" (N 0-59), got \"%1\"");

} // namespace

class TestBatchConfigValidation : public QObject
{
    Q_OBJECT

private slots:
    void defaultsAreValid()
    {
        QVERIFY(validateBatchConfig(BatchConfig()).isEmpty());
        QVERIFY(codecSays(BatchConfig()).isEmpty());
    }

    void names()
    {
        QCOMPARE(batchConfigFields().size(), 10);
        QCOMPARE(batchConfigFieldName(BatchConfigField::MaxRequests), QStringLiteral("batchMaxRequests"));
        QCOMPARE(batchConfigEnvironmentName(BatchConfigField::MaxRequests),
                 QStringLiteral("BATCH_MAX_REQUESTS"));
        QCOMPARE(batchConfigFieldName(BatchConfigField::AlertThresholdProcessingTime),
                 QStringLiteral("batchAlertThresholdProcessingTime"));
        QCOMPARE(batchConfigEnvironmentName(BatchConfigField::ProcessingEnabled),
                 QStringLiteral("BATCH_PROCESSING_ENABLED"));
        // Every field of the encoded object, in the contract's order.
        const QJsonObject encoded = json::encode(BatchConfig());
        for (BatchConfigField f : batchConfigFields())
            QVERIFY2(encoded.contains(batchConfigFieldName(f)), qPrintable(batchConfigFieldName(f)));
        QCOMPARE(encoded.size(), batchConfigFields().size());
    }

    void numbers_data()
    {
        QTest::addColumn<BatchConfigField>("field");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("reason"); // empty: accepted
        const auto integer = [](BatchConfigField f, qint64 min, qint64 max) {
            const QString name = batchConfigFieldName(f);
            const QString why = QStringLiteral("expected an integer from %1 to %2, got %3").arg(min).arg(max);
            QTest::addRow("%s below", qPrintable(name)) << f << double(min - 1) << why.arg(min - 1);
            QTest::addRow("%s at min", qPrintable(name)) << f << double(min) << QString();
            QTest::addRow("%s at max", qPrintable(name)) << f << double(max) << QString();
            QTest::addRow("%s above", qPrintable(name)) << f << double(max + 1) << why.arg(max + 1);
        };
        integer(BatchConfigField::MaxRequests, 1, 50000);
        integer(BatchConfigField::TimeoutHours, 1, 720);
        integer(BatchConfigField::MinSize, 1, 50000);
        integer(BatchConfigField::MonitoringRetentionDays, 1, 3650);
        integer(BatchConfigField::AlertThresholdProcessingTime, 1, 2592000);
        const BatchConfigField rate = BatchConfigField::AlertThresholdErrorRate;
        QTest::newRow("error rate below")
            << rate << -0.5 << QStringLiteral("expected a percentage from 0 to 100, got -0.5");
        QTest::newRow("error rate at 0") << rate << 0.0 << QString();
        QTest::newRow("error rate fractional") << rate << 12.5 << QString();
        QTest::newRow("error rate at 100") << rate << 100.0 << QString();
        QTest::newRow("error rate above")
            << rate << 100.25 << QStringLiteral("expected a percentage from 0 to 100, got 100.25");
        QTest::newRow("contract example") << BatchConfigField::MaxRequests << 60000.0
                                          << QStringLiteral("expected an integer from 1 to 50000, got 60000");
        QTest::newRow("fractional integer") << BatchConfigField::TimeoutHours << 1.5
                                            << QStringLiteral("expected an integer from 1 to 720, got 1.5");
        QTest::newRow("huge") << BatchConfigField::MaxRequests << 1e30
                              << QStringLiteral("expected an integer from 1 to 50000, got 1e+30");
    }
    void numbers()
    {
        QFETCH(BatchConfigField, field);
        QFETCH(double, value);
        QFETCH(QString, reason);
        QCOMPARE(batchConfigNumberReason(field, value).value_or(QString()), reason);

        // The codec refuses the same body with the same words.
        // Room between batchMinSize and batchMaxRequests, so only the range speaks.
        QJsonObject body = json::encode(BatchConfig());
        body.insert(QStringLiteral("batchMaxRequests"), 50000);
        body.insert(QStringLiteral("batchMinSize"), 1);
        body.insert(batchConfigFieldName(field), value);
        const QString prefix = batchConfigFieldName(field) + QStringLiteral(": ");
        QCOMPARE(codecSays(body), reason.isEmpty() ? QString() : prefix + reason);

        // validateBatchConfig, for the values a BatchConfig can hold.
        if (value != std::floor(value) && field != BatchConfigField::AlertThresholdErrorRate)
            return;
        if (std::fabs(value) > 1e15)
            return;
        BatchConfig c;
        c.batchMaxRequests = 50000;
        c.batchMinSize = 1;
        setBatchConfigNumber(c, field, value);
        const QList<BatchConfigError> errors = validateBatchConfig(c);
        if (reason.isEmpty()) {
            QVERIFY2(errors.isEmpty(), qPrintable(errors.value(0).message));
        } else {
            QCOMPARE(errors.size(), 1);
            QCOMPARE(errors.first().field, field);
            QCOMPARE(errors.first().message, prefix + reason);
        }
    }

    void minSizeAgainstMaxRequests()
    {
        BatchConfig c;
        c.batchMinSize = 1000; // equal: accepted
        QVERIFY(validateBatchConfig(c).isEmpty());
        c.batchMinSize = 2000;
        const QString message = QStringLiteral(
            "batchMinSize: must not exceed batchMaxRequests (1000), got 2000"); // the contract's
        QCOMPARE(validateBatchConfig(c), (QList<BatchConfigError>{{BatchConfigField::MinSize, message}}));
        QCOMPARE(codecSays(c), message);
        QCOMPARE(batchConfigMinSizeReason(1001, 1000).value_or(QString()),
                 QStringLiteral("must not exceed batchMaxRequests (1000), got 1001"));
        QVERIFY(!batchConfigMinSizeReason(1000, 1000));
        // With batchMaxRequests itself out of range, that is the error, not the comparison.
        c.batchMaxRequests = 0;
        c.batchMinSize = 10;
        const QList<BatchConfigError> errors = validateBatchConfig(c);
        QCOMPARE(errors.size(), 1);
        QCOMPARE(errors.first().field, BatchConfigField::MaxRequests);
    }

    void intervals_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<bool>("server"); // the server accepts it
        QTest::addColumn<int>("kind");    // CronSchedule::Kind, or -1
        QTest::addColumn<int>("minutes");
        QTest::newRow("*/1") << "*/1 * * * *" << true << int(CronSchedule::Kind::EveryMinutes) << 1;
        QTest::newRow("*/5") << "*/5 * * * *" << true << int(CronSchedule::Kind::EveryMinutes) << 5;
        QTest::newRow("*/59") << "*/59 * * * *" << true << int(CronSchedule::Kind::EveryMinutes) << 59;
        QTest::newRow("*/0") << "*/0 * * * *" << false << -1 << 0;
        QTest::newRow("*/60") << "*/60 * * * *" << false << -1 << 0;
        QTest::newRow("0") << "0 * * * *" << true << int(CronSchedule::Kind::HourlyAtMinute) << 0;
        QTest::newRow("7") << "7 * * * *" << true << int(CronSchedule::Kind::HourlyAtMinute) << 7;
        QTest::newRow("59") << "59 * * * *" << true << int(CronSchedule::Kind::HourlyAtMinute) << 59;
        QTest::newRow("60") << "60 * * * *" << false << -1 << 0;
        QTest::newRow("-1") << "-1 * * * *" << false << -1 << 0;
        QTest::newRow("*/100") << "*/100 * * * *" << false << -1 << 0;
        QTest::newRow("every minute as *") << "* * * * *" << false << -1 << 0;
        QTest::newRow("daily") << "0 3 * * *" << false << -1 << 0;
        QTest::newRow("weekdays") << "*/5 * * * 1-5" << false << -1 << 0;
        QTest::newRow("four fields") << "*/5 * * *" << false << -1 << 0;
        QTest::newRow("six fields") << "*/5 * * * * *" << false << -1 << 0;
        QTest::newRow("two spaces") << "*/5  * * * *" << false << -1 << 0;
        QTest::newRow("trailing space") << "*/5 * * * * " << false << -1 << 0;
        QTest::newRow("tab") << "*/5\t* * * *" << false << -1 << 0;
        QTest::newRow("words") << "every 5 minutes" << false << -1 << 0;
    }
    void intervals()
    {
        QFETCH(QString, value);
        QFETCH(bool, server);
        QFETCH(int, kind);
        QFETCH(int, minutes);
        const auto schedule = CronSchedule::parse(value);
        QCOMPARE(schedule.has_value(), server);
        if (schedule) {
            QCOMPARE(int(schedule->kind), kind);
            QCOMPARE(schedule->minutes, minutes);
            QCOMPARE(schedule->periodSeconds(), schedule->kind == CronSchedule::Kind::EveryMinutes
                                                    ? qint64(minutes) * 60
                                                    : qint64(3600));
        }
        // The codec only wants a non-empty string; the server wants one of the two forms.
        QVERIFY(!batchConfigIntervalReason(value, BatchConfigRules::Codec));
        QCOMPARE(batchConfigIntervalReason(value, BatchConfigRules::Server).value_or(QString()),
                 server ? QString() : kCronReason.arg(value));
        for (BatchConfigField f : {BatchConfigField::CreateInterval, BatchConfigField::StatusCheckInterval,
                                   BatchConfigField::ResultProcessingInterval}) {
            BatchConfig c;
            setBatchConfigInterval(c, f, value);
            QVERIFY(validateBatchConfig(c, BatchConfigRules::Codec).isEmpty());
            QVERIFY(codecSays(c).isEmpty());
            const QList<BatchConfigError> errors = validateBatchConfig(c);
            QCOMPARE(errors.isEmpty(), server);
            if (!server)
                QCOMPARE(errors.first(), (BatchConfigError{f, batchConfigFieldName(f) + QStringLiteral(": ") +
                                                                  kCronReason.arg(value)}));
        }
    }

    void emptyInterval()
    {
        const QString reason = QStringLiteral("expected a non-empty string, got an empty one");
        for (const QString &value : {QString(), QStringLiteral("   ")}) {
            QCOMPARE(batchConfigIntervalReason(value, BatchConfigRules::Codec).value_or(QString()), reason);
            QCOMPARE(batchConfigIntervalReason(value, BatchConfigRules::Server).value_or(QString()), reason);
            BatchConfig c;
            c.batchCreateInterval = value;
            QCOMPARE(codecSays(c),
                     QStringLiteral("batchCreateInterval: ") + reason); // the contract's example
        }
    }

    void everyErrorAtOnce()
    {
        BatchConfig c;
        c.batchCreateInterval = QStringLiteral("0 3 * * *");
        c.batchStatusCheckInterval.clear();
        c.batchMaxRequests = 100;
        c.batchMinSize = 200;
        c.batchTimeoutHours = 0;
        c.batchMonitoringRetentionDays = 3651;
        c.batchAlertThresholdErrorRate = 101;
        c.batchAlertThresholdProcessingTime = 0;
        QList<BatchConfigField> fields;
        for (const BatchConfigError &e : validateBatchConfig(c))
            fields << e.field;
        QCOMPARE(fields, (QList<BatchConfigField>{BatchConfigField::CreateInterval,
                                                  BatchConfigField::StatusCheckInterval,
                                                  BatchConfigField::TimeoutHours, BatchConfigField::MinSize,
                                                  BatchConfigField::MonitoringRetentionDays,
                                                  BatchConfigField::AlertThresholdErrorRate,
                                                  BatchConfigField::AlertThresholdProcessingTime}));
        // The codec names the first of those it checks (it leaves the cron forms to the server).
        QCOMPARE(codecSays(c),
                 QStringLiteral("batchStatusCheckInterval: expected a non-empty string, got an empty one"));
    }

    void typesStayTheCodecs()
    {
        QJsonObject body = json::encode(BatchConfig());
        body.insert(QStringLiteral("batchMaxRequests"), QStringLiteral("1000"));
        QCOMPARE(codecSays(body), QStringLiteral("batchMaxRequests: expected a number, got a string"));
        body = json::encode(BatchConfig());
        body.remove(QStringLiteral("batchTimeoutHours"));
        QCOMPARE(codecSays(body), QStringLiteral("batchTimeoutHours: required field is missing"));
        body = json::encode(BatchConfig());
        body.insert(QStringLiteral("batchCreateInterval"), 5);
        QCOMPARE(codecSays(body), QStringLiteral("batchCreateInterval: expected a string, got a number"));
    }
};

QTEST_GUILESS_MAIN(TestBatchConfigValidation)
#include "tst_batchconfigvalidation.moc"
