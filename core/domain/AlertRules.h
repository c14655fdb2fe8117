// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Alerts.h"
#include "BatchConfig.h"

#include <QList>
#include <QString>

#include <optional>

namespace batchmon {

/**
 * The rules of docs/api.md §12 for an AlertConfig, in one place: the codec, the server, the demo
 * workspace and the alert panel ask these functions, so they refuse the same values with the same
 * words. A reason is the text after "<path>: " in the contract's message.
 */

/// Why `threshold` is refused for `rule`: "expected a percentage from 0 to 100, got 120"
/// (highErrorRate), "expected a non-negative integer, got 1500.5" (longProcessingTime, whole ms),
/// "expected a threshold of at least 0, got -1" (lowThroughput), "expected an integer from 1 to
/// 1000000, got 0" (batchFailure). nullopt when it is accepted.
std::optional<QString> alertThresholdReason(AlertRuleId rule, double threshold);
/// `alertSuppression.windowMinutes`: "expected an integer from 0 to 10080, got 20000".
std::optional<QString> suppressionWindowReason(qint64 minutes);
/// `webhookUrl`: `expected an http or https URL, got "<text>"`.
std::optional<QString> webhookUrlReason(const QString &url);

/// The longest suppression window: a week. Longer would hide a condition that became the norm.
constexpr qint64 kMaxSuppressionMinutes = 7 * 24 * 60;

struct AlertConfigError
{
    QString path;    ///< the JSON path, as the server's 400 names it: "rules[1].threshold"
    QString message; ///< "<path>: <reason>"

    bool operator==(const AlertConfigError &o) const { return path == o.path && message == o.message; }
};

/// Every refused field of a complete configuration (rules at their index in `config.rules`), in
/// the order the codec reads them; empty when POST /alerts would accept it.
QList<AlertConfigError> validateAlertConfig(const AlertConfig &config);

// docs/api.md §12.8: the configuration's two alert thresholds and the rules that hold them.

/// The server's defaults from its environment: AlertConfig::defaults() with highErrorRate's
/// threshold = BATCH_ALERT_THRESHOLD_ERROR_RATE and longProcessingTime's =
/// BATCH_ALERT_THRESHOLD_PROCESSING_TIME seconds × 1000.
AlertConfig alertDefaultsFor(const BatchConfig &environment);
/// `config` as GET /config reports it: batchAlertThresholdErrorRate = highErrorRate's threshold,
/// batchAlertThresholdProcessingTime = longProcessingTime's in seconds (ms ÷ 1000 rounded up, within
/// the field's 1 … 2,592,000).
BatchConfig withAlertThresholds(BatchConfig config, const AlertConfig &alerts);
/// PUT /config's two thresholds applied to the rules: a value equal to what GET /config reports
/// leaves its rule alone, another sets it. Returns whether `alerts` changed.
bool applyConfigThresholds(AlertConfig &alerts, const BatchConfig &given);

} // namespace batchmon
