// SPDX-License-Identifier: GPL-3.0-or-later
#include "AlertRules.h"

#include <QLocale>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace batchmon {

namespace {

constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53: a count on the wire (docs/api.md §1.4)
constexpr qint64 kMaxProcessingSeconds = 30 * 86400;    // batchAlertThresholdProcessingTime's maximum

/// As the codec shows a number in its messages: whole numbers without a fraction.
QString describeNumber(double d)
{
    if (d == std::floor(d) && std::fabs(d) < 1e18)
        return QString::number(qint64(d));
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

bool isWhole(double d)
{
    return std::isfinite(d) && d == std::floor(d);
}

} // namespace

std::optional<QString> alertThresholdReason(AlertRuleId rule, double t)
{
    switch (rule) {
    case AlertRuleId::HighErrorRate:
        if (!std::isfinite(t) || t < 0 || t > 100)
            return QStringLiteral("expected a percentage from 0 to 100, got %1").arg(describeNumber(t));
        break;
    case AlertRuleId::LongProcessingTime:
        if (!isWhole(t) || t < 0 || t > kMaxExactInteger)
            return QStringLiteral("expected a non-negative integer, got %1").arg(describeNumber(t));
        break;
    case AlertRuleId::LowThroughput:
        if (!std::isfinite(t) || t < 0)
            return QStringLiteral("expected a threshold of at least 0, got %1").arg(describeNumber(t));
        break;
    case AlertRuleId::BatchFailure:
        if (!isWhole(t) || t < 1 || t > 1000000)
            return QStringLiteral("expected an integer from 1 to 1000000, got %1").arg(describeNumber(t));
        break;
    }
    return std::nullopt;
}

std::optional<QString> suppressionWindowReason(qint64 minutes)
{
    if (minutes < 0 || minutes > kMaxSuppressionMinutes)
        return QStringLiteral("expected an integer from 0 to %1, got %2")
            .arg(kMaxSuppressionMinutes)
            .arg(minutes);
    return std::nullopt;
}

std::optional<QString> webhookUrlReason(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) ||
        url.host().isEmpty())
        return QStringLiteral("expected an http or https URL, got \"%1\"").arg(text.left(64));
    return std::nullopt;
}

QList<AlertConfigError> validateAlertConfig(const AlertConfig &config)
{
    QList<AlertConfigError> errors;
    auto fail = [&errors](const QString &path, const QString &reason) {
        errors.append({path, path + QStringLiteral(": ") + reason});
    };
    for (int i = 0; i < config.rules.size(); ++i) {
        const AlertRule &rule = config.rules.at(i);
        const QString path = QStringLiteral("rules[%1]").arg(i);
        if (const auto why = alertThresholdReason(rule.id, rule.threshold))
            fail(path + QStringLiteral(".threshold"), *why);
        for (int j = 0; j < i; ++j) {
            if (config.rules.at(j).id == rule.id) {
                fail(path + QStringLiteral(".id"),
                     QStringLiteral("rule \"%1\" is given twice").arg(toWireString(rule.id)));
                break;
            }
        }
    }
    for (int i = 0; i < config.notificationChannels.size(); ++i) {
        if (config.notificationChannels.indexOf(config.notificationChannels.at(i)) != i)
            fail(QStringLiteral("notificationChannels[%1]").arg(i), QStringLiteral("channel is given twice"));
    }
    if (const auto why = suppressionWindowReason(config.suppressionWindowMinutes))
        fail(QStringLiteral("alertSuppression.windowMinutes"), *why);
    if (config.webhookUrl) {
        if (const auto why = webhookUrlReason(*config.webhookUrl))
            fail(QStringLiteral("webhookUrl"), *why);
    } else if (config.notificationChannels.contains(NotificationChannel::Webhook)) {
        fail(QStringLiteral("webhookUrl"),
             QStringLiteral("required when notificationChannels has \"webhook\""));
    }
    return errors;
}

AlertConfig alertDefaultsFor(const BatchConfig &environment)
{
    AlertConfig config = AlertConfig::defaults();
    for (AlertRule &rule : config.rules) {
        if (rule.id == AlertRuleId::HighErrorRate)
            rule.threshold = environment.batchAlertThresholdErrorRate;
        else if (rule.id == AlertRuleId::LongProcessingTime)
            rule.threshold = double(environment.batchAlertThresholdProcessingTime * 1000);
    }
    return config;
}

BatchConfig withAlertThresholds(BatchConfig config, const AlertConfig &alerts)
{
    if (const AlertRule *rule = alerts.rule(AlertRuleId::HighErrorRate))
        config.batchAlertThresholdErrorRate = rule->threshold;
    if (const AlertRule *rule = alerts.rule(AlertRuleId::LongProcessingTime)) {
        const qint64 ms = qint64(rule->threshold);
        config.batchAlertThresholdProcessingTime =
            std::clamp<qint64>((ms + 999) / 1000, 1, kMaxProcessingSeconds);
    }
    return config;
}

bool applyConfigThresholds(AlertConfig &alerts, const BatchConfig &given)
{
    const BatchConfig reported = withAlertThresholds(given, alerts);
    bool changed = false;
    for (AlertRule &rule : alerts.rules) {
        if (rule.id == AlertRuleId::HighErrorRate &&
            given.batchAlertThresholdErrorRate != reported.batchAlertThresholdErrorRate) {
            rule.threshold = given.batchAlertThresholdErrorRate;
            changed = true;
        } else if (rule.id == AlertRuleId::LongProcessingTime &&
                   given.batchAlertThresholdProcessingTime != reported.batchAlertThresholdProcessingTime) {
            rule.threshold = double(given.batchAlertThresholdProcessingTime * 1000);
            changed = true;
        }
    }
    return changed;
}

} // namespace batchmon
