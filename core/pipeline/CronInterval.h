// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>

namespace batchmon {

/**
 * The period of one of the seed's BATCH_*_INTERVAL cron expressions, for the pipeline, which runs on
 * fixed periods. The accepted forms are CronSchedule's (domain/BatchConfigValidation.h, the contract's
 * two): "*\/N * * * *" (every N minutes, N 1–59) and "N * * * *" (hourly, N 0–59). Anything else is
 * refused with the contract's reason, which says which forms work.
 */
struct CronInterval
{
    qint64 periodSeconds = 60;

    /// `error`: the reason without a field name, e.g. `expected "*\/N * * * *" (N 1-59) or …, got "x"`.
    static std::optional<CronInterval> parse(const QString &expression, QString *error = nullptr);
};

} // namespace batchmon
