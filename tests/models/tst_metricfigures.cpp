// SPDX-License-Identifier: GPL-3.0-or-later
// The metric cards' texts from the seed's example response, with and without a previous period.
#include "Format.h"
#include "MetricFigures.h"
#include "json/Codec.h"

#include <QFile>
#include <QTest>

using namespace batchmon;

class TestMetricFigures : public QObject
{
    Q_OBJECT

    MonitoringSnapshot m_seed;

private slots:
    void initTestCase()
    {
        QFile f(QStringLiteral(BATCHMON_FIXTURES "/seed-response.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_seed = json::decodeResponse<MonitoringSnapshot>(f.readAll()).value();
    }

    void seedCards()
    {
        const QLocale en(QLocale::English, QLocale::UnitedStates);
        const DashboardFigures f = DashboardFigures::of(m_seed, en);
        QCOMPARE(f.totalJobs.value, QStringLiteral("156"));
        QCOMPARE(f.successRate.value, QStringLiteral("95.2 %"));
        QCOMPARE(f.errorRate.value, QStringLiteral("4.8 %"));
        QCOMPARE(f.costSavings.value, QStringLiteral("$234.56"));
        QCOMPARE(f.costSavings.change, QStringLiteral("48.2 % vs individual API"));
        QCOMPARE(f.averageProcessingTime.value, QStringLiteral("30 min"));
        QCOMPARE(f.totalJobs.trend, Trend::None); // the seed has no previous period
    }

    void changesAgainstThePreviousPeriod()
    {
        const QLocale en(QLocale::English, QLocale::UnitedStates);
        MonitoringSnapshot s = m_seed;
        s.timeRange = TimeRange::LastDay;
        s.summary.previousPeriod =
            PeriodTotals{144, 14000, 13000, 93.1, Money::fromMicros(200000000), 1920000};
        const DashboardFigures f = DashboardFigures::of(s, en);
        QCOMPARE(f.totalJobs.change, QStringLiteral("+12 vs previous 24h"));
        QCOMPARE(f.totalJobs.trend, Trend::Up);
        QCOMPARE(f.successRate.change, QStringLiteral("+2.1 points vs previous 24h"));
        QCOMPARE(f.successRate.trend, Trend::Up);
        QCOMPARE(f.errorRate.change, QStringLiteral("−2.1 points vs previous 24h"));
        QCOMPARE(f.errorRate.trend, Trend::Down);
        QVERIFY(f.errorRate.good);
        QCOMPARE(f.averageProcessingTime.change, QStringLiteral("−2 min vs previous 24h"));
        QVERIFY(f.averageProcessingTime.good);
        QCOMPARE(f.costSavings.trend, Trend::Up);
        QCOMPARE(f.costSavings.change, QStringLiteral("+$34.56 vs previous 24h · 48.2 % vs individual API"));
    }

    void dollars_data()
    {
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<QString>("shown");
        QTest::newRow("seed savings") << qint64(234560000) << "$234.56";
        QTest::newRow("thousands") << qint64(7038450000) << "$7,038.45";
        QTest::newRow("zero") << qint64(0) << "$0.00";
        QTest::newRow("a fraction of a cent") << qint64(37) << "<$0.01";
        QTest::newRow("half a cent rounds up") << qint64(5000) << "$0.01";
        QTest::newRow("negative savings") << qint64(-3200000) << "−$3.20";
    }
    void dollars()
    {
        QFETCH(qint64, micros);
        QFETCH(QString, shown);
        QCOMPARE(formatDollars(Money::fromMicros(micros), QLocale(QLocale::English, QLocale::UnitedStates)),
                 shown);
    }

    /// Money as the locale writes it: in German the sign follows the number ("7.038,45 $").
    void dollarsGerman()
    {
        const QLocale de(QLocale::German, QLocale::Germany);
        const QString nbsp(QChar(0x00A0));
        QCOMPARE(formatDollars(Money::fromMicros(7038450000), de),
                 QStringLiteral("7.038,45") + nbsp + QLatin1Char('$'));
        QCOMPARE(formatDollars(Money::fromMicros(-3200000), de),
                 QStringLiteral("−3,20") + nbsp + QLatin1Char('$'));
        QCOMPARE(formatDollars(Money::fromMicros(37), de), QStringLiteral("<0,01") + nbsp + QLatin1Char('$'));
    }

    /// A machine without a locale (C, as in CI) writes dollars as in English.
    void dollarsInTheCLocale()
    {
        QCOMPARE(formatDollars(Money::fromMicros(7038450000), QLocale::c()), QStringLiteral("$7038.45"));
    }

    void nothingFinished()
    {
        MonitoringSnapshot s;
        const DashboardFigures f = DashboardFigures::of(s);
        QCOMPARE(f.successRate.value, QStringLiteral("—"));
        QCOMPARE(f.averageProcessingTime.change, QStringLiteral("No finished jobs in this range"));
    }
};

QTEST_GUILESS_MAIN(TestMetricFigures)
#include "tst_metricfigures.moc"
