// SPDX-License-Identifier: GPL-3.0-or-later
#include "TimeRange.h"

namespace batchmon {

QString toWireString(TimeRange range)
{
    switch (range) {
    case TimeRange::LastHour:
        return QStringLiteral("1h");
    case TimeRange::LastDay:
        return QStringLiteral("24h");
    case TimeRange::LastWeek:
        return QStringLiteral("7d");
    case TimeRange::LastMonth:
        return QStringLiteral("30d");
    }
    Q_UNREACHABLE();
    return {};
}

std::optional<TimeRange> timeRangeFromWire(QStringView text)
{
    for (TimeRange r : {TimeRange::LastHour, TimeRange::LastDay, TimeRange::LastWeek, TimeRange::LastMonth}) {
        if (text == toWireString(r))
            return r;
    }
    return std::nullopt;
}

qint64 durationSeconds(TimeRange range)
{
    switch (range) {
    case TimeRange::LastHour:
        return 3600;
    case TimeRange::LastDay:
        return 86400;
    case TimeRange::LastWeek:
        return 7 * 86400;
    case TimeRange::LastMonth:
        return 30 * 86400;
    }
    Q_UNREACHABLE();
    return 0;
}

qint64 bucketSeconds(TimeRange range)
{
    switch (range) {
    case TimeRange::LastHour:
        return 300;
    case TimeRange::LastDay:
        return 3600;
    case TimeRange::LastWeek:
        return 6 * 3600;
    case TimeRange::LastMonth:
        return 86400;
    }
    Q_UNREACHABLE();
    return 0;
}

} // namespace batchmon
