// SPDX-License-Identifier: GPL-3.0-or-later
#include "CronInterval.h"

#include "domain/BatchConfigValidation.h"

namespace batchmon {

std::optional<CronInterval> CronInterval::parse(const QString &expression, QString *error)
{
    if (const auto schedule = CronSchedule::parse(expression))
        return CronInterval{schedule->periodSeconds()};
    if (error)
        *error = batchConfigIntervalReason(expression, BatchConfigRules::Server).value_or(QString());
    return std::nullopt;
}

} // namespace batchmon
