// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

namespace batchmon {

/**
 * The period of one of the seed's BATCH_*_INTERVAL cron expressions. The pipeline runs on fixed
 * periods, so only the periodic forms are accepted: "* * * * *" (every minute), "*\/N * * * *"
 * (every N minutes, N dividing 60), "M * * * *" (hourly) and "M H * * *" (daily). Anything else is
 * refused with a message that says which forms work.
 */
struct CronInterval
{
    qint64 periodSeconds = 60;

    static std::optional<CronInterval> parse(const QString &expression, QString *error = nullptr);
};

} // namespace batchmon
