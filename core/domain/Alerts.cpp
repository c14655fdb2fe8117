// SPDX-License-Identifier: GPL-3.0-or-later
#include "Alerts.h"

#include <array>
#include <utility>

namespace batchmon {

namespace {

template<typename E, std::size_t N>
QString nameOf(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, name] : table) {
        if (v == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template<typename E, std::size_t N>
std::optional<E> valueOf(const std::array<std::pair<E, const char *>, N> &table, QStringView text)
{
    for (const auto &[v, name] : table) {
        if (text == QLatin1String(name))
            return v;
    }
    return std::nullopt;
}

constexpr std::array<std::pair<AlertRuleId, const char *>, 4> kRules{{
    {AlertRuleId::HighErrorRate, "highErrorRate"},
    {AlertRuleId::LongProcessingTime, "longProcessingTime"},
    {AlertRuleId::LowThroughput, "lowThroughput"},
    {AlertRuleId::BatchFailure, "batchFailure"},
}};
constexpr std::array<std::pair<Severity, const char *>, 4> kSeverities{{
    {Severity::Low, "low"},
    {Severity::Medium, "medium"},
    {Severity::High, "high"},
    {Severity::Critical, "critical"},
}};
constexpr std::array<std::pair<NotificationCadence, const char *>, 3> kCadences{{
    {NotificationCadence::Immediate, "immediate"},
    {NotificationCadence::Hourly, "hourly"},
    {NotificationCadence::Daily, "daily"},
}};
constexpr std::array<std::pair<NotificationChannel, const char *>, 3> kChannels{{
    {NotificationChannel::Desktop, "desktop"},
    {NotificationChannel::Log, "log"},
    {NotificationChannel::Webhook, "webhook"},
}};

} // namespace

QString toWireString(AlertRuleId id)
{
    return nameOf(kRules, id);
}
QString toWireString(Severity severity)
{
    return nameOf(kSeverities, severity);
}
QString toWireString(NotificationCadence cadence)
{
    return nameOf(kCadences, cadence);
}
QString toWireString(NotificationChannel channel)
{
    return nameOf(kChannels, channel);
}
std::optional<AlertRuleId> alertRuleIdFromWire(QStringView text)
{
    return valueOf(kRules, text);
}
std::optional<Severity> severityFromWire(QStringView text)
{
    return valueOf(kSeverities, text);
}
std::optional<NotificationCadence> cadenceFromWire(QStringView text)
{
    return valueOf(kCadences, text);
}
std::optional<NotificationChannel> channelFromWire(QStringView text)
{
    return valueOf(kChannels, text);
}

AlertConfig AlertConfig::defaults()
{
    AlertConfig config;
    config.rules = {
        {AlertRuleId::HighErrorRate, 10, Severity::High, NotificationCadence::Immediate, true},
        {AlertRuleId::LongProcessingTime, 3600000, Severity::Medium, NotificationCadence::Hourly, true},
        {AlertRuleId::LowThroughput, 0.5, Severity::Medium, NotificationCadence::Daily, true},
        {AlertRuleId::BatchFailure, 1, Severity::Critical, NotificationCadence::Immediate, true},
    };
    config.notificationChannels = {NotificationChannel::Desktop, NotificationChannel::Log};
    config.suppressionWindowMinutes = 0;
    return config;
}

const AlertRule *AlertConfig::rule(AlertRuleId id) const
{
    for (const AlertRule &r : rules) {
        if (r.id == id)
            return &r;
    }
    return nullptr;
}

} // namespace batchmon
