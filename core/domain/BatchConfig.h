// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Tie.h"

#include <QString>

#include <tuple>

namespace batchmon {

/**
 * GET|PUT /config: the seed's BATCH_* environment variables, named in camelCase
 * (BATCH_MAX_REQUESTS → batchMaxRequests). Defaults are the seed's.
 */
struct BatchConfig
{
    bool batchProcessingEnabled = true;
    QString batchCreateInterval = QStringLiteral("*/5 * * * *");
    QString batchStatusCheckInterval = QStringLiteral("*/2 * * * *");
    QString batchResultProcessingInterval = QStringLiteral("*/1 * * * *");
    qint64 batchMaxRequests = 1000;
    qint64 batchTimeoutHours = 24;
    qint64 batchMinSize = 10;
    qint64 batchMonitoringRetentionDays = 30;
    double batchAlertThresholdErrorRate = 10;        ///< percent
    qint64 batchAlertThresholdProcessingTime = 3600; ///< seconds, as the environment variable

    auto tie() const
    {
        return std::tie(batchProcessingEnabled, batchCreateInterval, batchStatusCheckInterval,
                        batchResultProcessingInterval, batchMaxRequests, batchTimeoutHours, batchMinSize,
                        batchMonitoringRetentionDays, batchAlertThresholdErrorRate,
                        batchAlertThresholdProcessingTime);
    }
};

} // namespace batchmon
