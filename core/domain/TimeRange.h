// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringView>

#include <optional>

namespace batchmon {

/// The `timeRange` query parameter: the window the summary, performance and historical cover.
enum class TimeRange
{
    LastHour,
    LastDay,
    LastWeek,
    LastMonth
};

QString toWireString(TimeRange range); ///< "1h", "24h", "7d", "30d"
std::optional<TimeRange> timeRangeFromWire(QStringView text);
qint64 durationSeconds(TimeRange range); ///< 3600, 86400, 604800, 2592000
/// Width of one `historical` bucket: 5 min, 1 h, 6 h, 1 day (12, 24, 28 and 30 buckets).
qint64 bucketSeconds(TimeRange range);

} // namespace batchmon
