// SPDX-License-Identifier: GPL-3.0-or-later
#include "MonitoringQuery.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

namespace batchmon {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("batchmon::MonitoringQuery", text);
}

QStringList statusNames()
{
    QStringList names;
    for (JobStatus s : allJobStatuses())
        names << toWireString(s);
    return names;
}

std::optional<qint64> parsePositive(const QString &text, qint64 max)
{
    // Digits only: "+2", " 2", "2.0" and "0x2" are all refused rather than guessed at.
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,9}$"));
    if (!digits.match(text).hasMatch())
        return std::nullopt;
    const qint64 value = text.toLongLong();
    if (value < 1 || value > max)
        return std::nullopt;
    return value;
}

} // namespace

QUrlQuery MonitoringQuery::toUrlQuery() const
{
    QUrlQuery q;
    if (timeRange != TimeRange::LastDay)
        q.addQueryItem(QStringLiteral("timeRange"), toWireString(timeRange));
    if (status)
        q.addQueryItem(QStringLiteral("status"), toWireString(*status));
    if (jobType)
        q.addQueryItem(QStringLiteral("jobType"),
                       QString(*jobType).replace(QLatin1Char('+'), QStringLiteral("%2B")));
    if (includeDetails)
        q.addQueryItem(QStringLiteral("includeDetails"), QStringLiteral("true"));
    if (page != 1)
        q.addQueryItem(QStringLiteral("page"), QString::number(page));
    if (limit != kDefaultLimit)
        q.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    return q;
}

std::variant<MonitoringQuery, QueryError> MonitoringQuery::fromUrlQuery(const QUrlQuery &query)
{
    static const QStringList known{QStringLiteral("timeRange"), QStringLiteral("status"),
                                   QStringLiteral("jobType"),   QStringLiteral("includeDetails"),
                                   QStringLiteral("page"),      QStringLiteral("limit")};
    MonitoringQuery result;
    QStringList seen;
    const auto items = query.queryItems(QUrl::FullyDecoded);
    for (const auto &[key, value] : items) {
        if (!known.contains(key))
            return QueryError{key,
                              tr("unknown parameter; allowed: %1").arg(known.join(QStringLiteral(", ")))};
        if (seen.contains(key))
            return QueryError{key, tr("given more than once")};
        seen << key;
        if (key == QLatin1String("timeRange")) {
            const auto range = timeRangeFromWire(value);
            if (!range)
                return QueryError{key, tr("must be one of 1h, 24h, 7d, 30d; got \"%1\"").arg(value)};
            result.timeRange = *range;
        } else if (key == QLatin1String("status")) {
            const auto status = jobStatusFromWire(value);
            if (!status)
                return QueryError{
                    key,
                    tr("must be one of %1; got \"%2\"").arg(statusNames().join(QStringLiteral(", ")), value)};
            result.status = *status;
        } else if (key == QLatin1String("jobType")) {
            if (value.isEmpty() || value.size() > 64)
                return QueryError{key, tr("must be 1 to 64 characters")};
            result.jobType = value;
        } else if (key == QLatin1String("includeDetails")) {
            if (value != QLatin1String("true") && value != QLatin1String("false"))
                return QueryError{key, tr("must be true or false; got \"%1\"").arg(value)};
            result.includeDetails = value == QLatin1String("true");
        } else if (key == QLatin1String("page")) {
            const auto page = parsePositive(value, kMaxPage);
            if (!page)
                return QueryError{key,
                                  tr("must be a whole number from 1 to 999999999; got \"%1\"").arg(value)};
            result.page = *page;
        } else if (key == QLatin1String("limit")) {
            const auto limit = parsePositive(value, kMaxLimit);
            if (!limit)
                return QueryError{key, tr("must be a whole number from 1 to 100; got \"%1\"").arg(value)};
            result.limit = *limit;
        }
    }
    return result;
}

} // namespace batchmon
