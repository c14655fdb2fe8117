// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "BatchConfig.h"

#include <QList>
#include <QString>

#include <optional>

namespace batchmon {

/**
 * The rules of docs/api.md §13 for a BatchConfig, in one place: the codec, the server, the demo
 * workspace and the configuration panel all ask these functions, so they refuse the same values
 * with the same words. A reason is the text after "<field>: " in the contract's message.
 */

/// The fields of BatchConfig, in the contract's order.
enum class BatchConfigField
{
    ProcessingEnabled,
    CreateInterval,
    StatusCheckInterval,
    ResultProcessingInterval,
    MaxRequests,
    TimeoutHours,
    MinSize,
    MonitoringRetentionDays,
    AlertThresholdErrorRate,
    AlertThresholdProcessingTime,
};

/// Every field, in the contract's order.
const QList<BatchConfigField> &batchConfigFields();
/// The JSON name: "batchMaxRequests".
QString batchConfigFieldName(BatchConfigField field);
/// The seed's environment variable: "BATCH_MAX_REQUESTS".
QString batchConfigEnvironmentName(BatchConfigField field);

/// The value of an interval field (Create, StatusCheck, ResultProcessing); empty for the others.
QString batchConfigInterval(const BatchConfig &config, BatchConfigField field);
/// Sets an interval field; does nothing for the others.
void setBatchConfigInterval(BatchConfig &config, BatchConfigField field, const QString &value);
/// The value of a numeric field (MaxRequests … AlertThresholdProcessingTime); 0 for the others.
double batchConfigNumber(const BatchConfig &config, BatchConfigField field);
/// Sets a numeric field (integer fields take the value's integer part); does nothing for the others.
void setBatchConfigNumber(BatchConfig &config, BatchConfigField field, double value);

/// The accepted range of a numeric field (integers, except the error-rate percentage).
struct BatchConfigRange
{
    qint64 min = 0;
    qint64 max = 0;
    bool integer = true; ///< false: any number in the range (a percentage)
};
/// The range of MaxRequests … AlertThresholdProcessingTime; nullopt for the boolean and the intervals.
std::optional<BatchConfigRange> batchConfigRange(BatchConfigField field);

/**
 * An interval field in one of the two cron forms the server accepts, fields separated by single
 * spaces: "*\/N * * * *" (every N minutes, N 1–59) and "N * * * *" (hourly at minute N, N 0–59).
 */
struct CronSchedule
{
    enum class Kind
    {
        EveryMinutes,   ///< "*\/N * * * *"
        HourlyAtMinute, ///< "N * * * *"
    };
    Kind kind = Kind::EveryMinutes;
    int minutes = 1; ///< N

    /// How often the schedule fires: N minutes, or an hour.
    qint64 periodSeconds() const;
    /// When it fires next after `afterMs` (ms since the epoch, UTC), as cron does: "*\/N" at minutes
    /// 0, N, 2N, … of every hour (so "*\/7" fires at :56 and then :00), "N" at minute N of every hour.
    qint64 nextAfterMs(qint64 afterMs) const;

    static std::optional<CronSchedule> parse(const QString &expression);
};

/// Which rules: the codec's (types, ranges, non-empty intervals) or everything PUT /config
/// requires (the codec's and the cron forms).
enum class BatchConfigRules
{
    Codec,
    Server,
};

/// Why a number is refused for a numeric field: "expected an integer from 1 to 50000, got 60000",
/// "expected a percentage from 0 to 100, got 150". nullopt when it is accepted.
std::optional<QString> batchConfigNumberReason(BatchConfigField field, double value);
/// Why an interval is refused: "expected a non-empty string, got an empty one" and, for the server,
/// `expected "*\/N * * * *" (N 1-59) or "N * * * *" (N 0-59), got "<value>"`.
std::optional<QString> batchConfigIntervalReason(const QString &value, BatchConfigRules rules);
/// Why batchMinSize is refused next to batchMaxRequests: "must not exceed batchMaxRequests (1000), got 2000".
std::optional<QString> batchConfigMinSizeReason(qint64 minSize, qint64 maxRequests);

struct BatchConfigError
{
    BatchConfigField field = BatchConfigField::ProcessingEnabled;
    QString message; ///< "<field>: <reason>", as the server's 400 says it

    bool operator==(const BatchConfigError &o) const { return field == o.field && message == o.message; }
};

/// Every refused field of `config` (at most one error each), in the contract's order; empty when
/// it is accepted.
QList<BatchConfigError> validateBatchConfig(const BatchConfig &config,
                                            BatchConfigRules rules = BatchConfigRules::Server);

} // namespace batchmon
