// SPDX-License-Identifier: GPL-3.0-or-later
// The query parameters of GET /api/admin/batch-monitoring: defaults, every allowed value, and the
// 400 message naming the parameter for every refused one.
#include "domain/MonitoringQuery.h"

#include <QTest>

using namespace batchmon;

namespace {

std::variant<MonitoringQuery, QueryError> parse(const QString &query)
{
    return MonitoringQuery::fromUrlQuery(QUrlQuery(query));
}

} // namespace

class TestMonitoringQuery : public QObject
{
    Q_OBJECT

private slots:
    void defaults()
    {
        const auto r = parse(QString());
        QVERIFY(std::holds_alternative<MonitoringQuery>(r));
        const MonitoringQuery q = std::get<MonitoringQuery>(r);
        QCOMPARE(q.timeRange, TimeRange::LastDay);
        QVERIFY(!q.status);
        QVERIFY(!q.jobType);
        QCOMPARE(q.includeDetails, false);
        QCOMPARE(q.page, 1);
        QCOMPARE(q.limit, 50);
        QVERIFY(q.toUrlQuery().isEmpty());
    }

    void accepted_data()
    {
        QTest::addColumn<QString>("query");
        QTest::newRow("1h") << "timeRange=1h";
        QTest::newRow("7d") << "timeRange=7d";
        QTest::newRow("30d") << "timeRange=30d";
        QTest::newRow("status") << "status=in_progress";
        QTest::newRow("expired") << "status=expired";
        QTest::newRow("jobType") << "jobType=ai_analysis";
        QTest::newRow("details") << "includeDetails=true";
        QTest::newRow("no details") << "includeDetails=false";
        QTest::newRow("page") << "page=999999999";
        QTest::newRow("limit 1") << "limit=1";
        QTest::newRow("limit 100") << "limit=100";
        QTest::newRow("all") << "timeRange=7d&status=failed&jobType=x&includeDetails=true&page=3&limit=25";
    }

    void accepted()
    {
        QFETCH(QString, query);
        const auto r = parse(query);
        QVERIFY2(
            std::holds_alternative<MonitoringQuery>(r),
            qPrintable(std::holds_alternative<QueryError>(r) ? std::get<QueryError>(r).message : QString()));
        // What was read writes back as the same parameters.
        const auto again = MonitoringQuery::fromUrlQuery(std::get<MonitoringQuery>(r).toUrlQuery());
        QVERIFY(std::get<MonitoringQuery>(again) == std::get<MonitoringQuery>(r));
    }

    void refused_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("parameter");
        QTest::addColumn<QString>("message");
        QTest::newRow("range 2h") << "timeRange=2h"
                                  << "timeRange"
                                  << R"(must be one of 1h, 24h, 7d, 30d; got "2h")";
        QTest::newRow("range empty") << "timeRange="
                                     << "timeRange"
                                     << R"(must be one of 1h, 24h, 7d, 30d; got "")";
        QTest::newRow("status done")
            << "status=done"
            << "status"
            << "must be one of pending, paused, validating, in_progress, finalizing, "
               "completed, failed, expired, cancelling, cancelled; got \"done\"";
        QTest::newRow("status case") << "status=Completed"
                                     << "status"
                                     << "";
        QTest::newRow("jobType empty") << "jobType="
                                       << "jobType"
                                       << "must be 1 to 64 characters";
        QTest::newRow("jobType long")
            << QStringLiteral("jobType=") + QString(65, QLatin1Char('x')) << "jobType"
            << "must be 1 to 64 characters";
        QTest::newRow("details yes") << "includeDetails=yes"
                                     << "includeDetails"
                                     << R"(must be true or false; got "yes")";
        QTest::newRow("details 1") << "includeDetails=1"
                                   << "includeDetails"
                                   << "";
        QTest::newRow("page 0") << "page=0"
                                << "page"
                                << R"(must be a whole number from 1 to 999999999; got "0")";
        QTest::newRow("page -1") << "page=-1"
                                 << "page"
                                 << "";
        QTest::newRow("page 1.5") << "page=1.5"
                                  << "page"
                                  << "";
        QTest::newRow("page +2") << "page=+2"
                                 << "page"
                                 << "";
        QTest::newRow("page huge") << "page=1000000000"
                                   << "page"
                                   << "";
        QTest::newRow("page text") << "page=two"
                                   << "page"
                                   << "";
        QTest::newRow("limit 0") << "limit=0"
                                 << "limit"
                                 << R"(must be a whole number from 1 to 100; got "0")";
        QTest::newRow("limit 101") << "limit=101"
                                   << "limit"
                                   << R"(must be a whole number from 1 to 100; got "101")";
        QTest::newRow("limit hex") << "limit=0x10"
                                   << "limit"
                                   << "";
        QTest::newRow("unknown")
            << "pageSize=10"
            << "pageSize"
            << "unknown parameter; allowed: timeRange, status, jobType, includeDetails, page, limit";
        QTest::newRow("repeated") << "limit=10&limit=20"
                                  << "limit"
                                  << "given more than once";
        QTest::newRow("first bad wins") << "limit=500&page=0"
                                        << "limit"
                                        << "";
    }

    void refused()
    {
        QFETCH(QString, query);
        QFETCH(QString, parameter);
        QFETCH(QString, message);
        const auto r = parse(query);
        QVERIFY(std::holds_alternative<QueryError>(r));
        QCOMPARE(std::get<QueryError>(r).parameter, parameter);
        if (!message.isEmpty())
            QCOMPARE(std::get<QueryError>(r).message, message);
        else
            QVERIFY(!std::get<QueryError>(r).message.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMonitoringQuery)
#include "tst_monitoringquery.moc"
