// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Pagination.h"
#include "Tie.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringView>

#include <optional>
#include <tuple>

namespace batchmon {

/// The seed's four automated alert conditions; on the wire their seed names ("highErrorRate", …).
enum class AlertRuleId
{
    HighErrorRate,
    LongProcessingTime,
    LowThroughput,
    BatchFailure
};
enum class Severity
{
    Low,
    Medium,
    High,
    Critical
};
/// How often a condition that stays true notifies again.
enum class NotificationCadence
{
    Immediate,
    Hourly,
    Daily
};
enum class NotificationChannel
{
    Desktop,
    Log,
    Webhook
};

QString toWireString(AlertRuleId id);
QString toWireString(Severity severity);
QString toWireString(NotificationCadence cadence);
QString toWireString(NotificationChannel channel);
std::optional<AlertRuleId> alertRuleIdFromWire(QStringView text);
std::optional<Severity> severityFromWire(QStringView text);
std::optional<NotificationCadence> cadenceFromWire(QStringView text);
std::optional<NotificationChannel> channelFromWire(QStringView text);

/**
 * One rule. Threshold units: highErrorRate percent (0–100, fires above); longProcessingTime
 * milliseconds (fires above); lowThroughput jobs per hour (fires below); batchFailure count of
 * batches whose every request failed (fires at or above).
 */
struct AlertRule
{
    AlertRuleId id = AlertRuleId::HighErrorRate;
    double threshold = 0;
    Severity severity = Severity::Medium;
    NotificationCadence notification = NotificationCadence::Immediate;
    bool enabled = true;

    auto tie() const { return std::tie(id, threshold, severity, notification, enabled); }
};

/// GET|POST /alerts.
struct AlertConfig
{
    QList<AlertRule> rules; ///< exactly one per AlertRuleId, in AlertRuleId order
    QList<NotificationChannel> notificationChannels;
    qint64 suppressionWindowMinutes = 0; ///< `alertSuppression.windowMinutes`; 0 = no suppression
    std::optional<QString> webhookUrl;

    /// The seed's defaults: error rate > 10 % high/immediate, processing > 1 h medium/hourly,
    /// throughput < 0.5 jobs/h medium/daily, any batch failure critical/immediate.
    static AlertConfig defaults();
    const AlertRule *rule(AlertRuleId id) const;

    auto tie() const { return std::tie(rules, notificationChannels, suppressionWindowMinutes, webhookUrl); }
};

/// One occurrence of a rule's condition (GET /alerts/events).
struct AlertEvent
{
    qint64 id = 0;
    AlertRuleId rule = AlertRuleId::HighErrorRate;
    Severity severity = Severity::Medium;
    double observedValue = 0;
    double threshold = 0;
    QString message;
    QDateTime firstSeen;
    QDateTime lastSeen;
    std::optional<QDateTime> resolvedAt;
    std::optional<QString> acknowledgedBy;
    std::optional<QDateTime> acknowledgedAt;
    std::optional<QString> jobId;

    auto tie() const
    {
        return std::tie(id, rule, severity, observedValue, threshold, message, firstSeen, lastSeen,
                        resolvedAt, acknowledgedBy, acknowledgedAt, jobId);
    }
};

/// A rule's condition that holds at an evaluation: what POST /alerts/preview lists, and what the
/// recorder turns into an AlertEvent (global rules: at most one; per-job rules: one per job).
struct AlertCondition
{
    AlertRuleId rule = AlertRuleId::HighErrorRate;
    Severity severity = Severity::Medium;
    double observedValue = 0; ///< in the rule's unit
    double threshold = 0;
    QString message; ///< "Error rate 14.2 % > 10 %"
    std::optional<QString> jobId;

    auto tie() const { return std::tie(rule, severity, observedValue, threshold, message, jobId); }
};

/// POST /alerts/preview: the conditions that hold now under a configuration, in rule order.
struct AlertPreview
{
    QList<AlertCondition> conditions;

    auto tie() const { return std::tie(conditions); }
};

/// A page of alert events (GET /alerts/events).
struct AlertEventPage
{
    QList<AlertEvent> events;
    Pagination pagination;

    auto tie() const { return std::tie(events, pagination); }
};

} // namespace batchmon
