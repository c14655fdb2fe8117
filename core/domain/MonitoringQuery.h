// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "JobStatus.h"
#include "Tie.h"
#include "TimeRange.h"

#include <QString>
#include <QUrlQuery>

#include <optional>
#include <tuple>
#include <variant>

namespace batchmon {

/// A query parameter that was refused, with the message the server's 400 carries.
struct QueryError
{
    QString parameter;
    QString message;
};

/// The query of GET /api/admin/batch-monitoring (docs/api.md, "Query parameters").
struct MonitoringQuery
{
    static constexpr qint64 kMaxLimit = 100;
    static constexpr qint64 kDefaultLimit = 50;
    static constexpr qint64 kMaxPage = 999999999; ///< nine digits: parsed without overflow anywhere

    TimeRange timeRange = TimeRange::LastDay;
    std::optional<JobStatus> status;
    std::optional<QString> jobType;
    bool includeDetails = false;
    qint64 page = 1;
    qint64 limit = kDefaultLimit;

    /// Only the parameters that differ from their defaults, in a fixed order.
    QUrlQuery toUrlQuery() const;
    /// Strict: an unknown parameter, a repeated one or a bad value is an error naming it.
    static std::variant<MonitoringQuery, QueryError> fromUrlQuery(const QUrlQuery &query);

    auto tie() const { return std::tie(timeRange, status, jobType, includeDetails, page, limit); }
};

} // namespace batchmon
