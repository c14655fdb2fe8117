// SPDX-License-Identifier: GPL-3.0-or-later
#include "BatchConfigValidation.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace batchmon {

namespace {

struct FieldInfo
{
    BatchConfigField field;
    const char *name;
    const char *environment;
    std::optional<BatchConfigRange> range;
};

// docs/api.md §13. 50,000 requests is the OpenAI Batch API's own limit for one batch; 720 hours
// (30 days) and 2,592,000 seconds (30 days) bound a completion window and a processing-time alert.
const FieldInfo kFields[] = {
    {BatchConfigField::ProcessingEnabled, "batchProcessingEnabled", "BATCH_PROCESSING_ENABLED", {}},
    {BatchConfigField::CreateInterval, "batchCreateInterval", "BATCH_CREATE_INTERVAL", {}},
    {BatchConfigField::StatusCheckInterval, "batchStatusCheckInterval", "BATCH_STATUS_CHECK_INTERVAL", {}},
    {BatchConfigField::ResultProcessingInterval,
     "batchResultProcessingInterval",
     "BATCH_RESULT_PROCESSING_INTERVAL",
     {}},
    {BatchConfigField::MaxRequests, "batchMaxRequests", "BATCH_MAX_REQUESTS", BatchConfigRange{1, 50000}},
    {BatchConfigField::TimeoutHours, "batchTimeoutHours", "BATCH_TIMEOUT_HOURS",
     BatchConfigRange{1, 24 * 30}},
    {BatchConfigField::MinSize, "batchMinSize", "BATCH_MIN_SIZE", BatchConfigRange{1, 50000}},
    {BatchConfigField::MonitoringRetentionDays, "batchMonitoringRetentionDays",
     "BATCH_MONITORING_RETENTION_DAYS", BatchConfigRange{1, 3650}},
    {BatchConfigField::AlertThresholdErrorRate, "batchAlertThresholdErrorRate",
     "BATCH_ALERT_THRESHOLD_ERROR_RATE", BatchConfigRange{0, 100, false}},
    {BatchConfigField::AlertThresholdProcessingTime, "batchAlertThresholdProcessingTime",
     "BATCH_ALERT_THRESHOLD_PROCESSING_TIME", BatchConfigRange{1, 30 * 86400}},
};

const FieldInfo &info(BatchConfigField field)
{
    return kFields[int(field)];
}

// As the codec shows a number: whole numbers without a fraction, others as short as they read back.
QString describeNumber(double d)
{
    if (d == std::floor(d) && std::fabs(d) < 1e18)
        return QString::number(qint64(d));
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

std::optional<QString> check(BatchConfigField field, const BatchConfig &c, BatchConfigRules rules)
{
    switch (field) {
    case BatchConfigField::ProcessingEnabled:
        return std::nullopt;
    case BatchConfigField::CreateInterval:
    case BatchConfigField::StatusCheckInterval:
    case BatchConfigField::ResultProcessingInterval:
        return batchConfigIntervalReason(batchConfigInterval(c, field), rules);
    case BatchConfigField::MinSize:
        if (auto why = batchConfigNumberReason(field, double(c.batchMinSize)))
            return why;
        // Against a batchMaxRequests the codec would have refused first, this says nothing useful.
        if (batchConfigNumberReason(BatchConfigField::MaxRequests, double(c.batchMaxRequests)))
            return std::nullopt;
        return batchConfigMinSizeReason(c.batchMinSize, c.batchMaxRequests);
    case BatchConfigField::MaxRequests:
    case BatchConfigField::TimeoutHours:
    case BatchConfigField::MonitoringRetentionDays:
    case BatchConfigField::AlertThresholdErrorRate:
    case BatchConfigField::AlertThresholdProcessingTime:
        return batchConfigNumberReason(field, batchConfigNumber(c, field));
    }
    return std::nullopt;
}

/// The member behind an interval field, or nullptr.
template<typename Config>
auto intervalMember(Config &c, BatchConfigField field) -> decltype(&c.batchCreateInterval)
{
    switch (field) {
    case BatchConfigField::CreateInterval:
        return &c.batchCreateInterval;
    case BatchConfigField::StatusCheckInterval:
        return &c.batchStatusCheckInterval;
    case BatchConfigField::ResultProcessingInterval:
        return &c.batchResultProcessingInterval;
    default:
        return nullptr;
    }
}

/// The member behind an integer field, or nullptr.
template<typename Config>
auto integerMember(Config &c, BatchConfigField field) -> decltype(&c.batchMaxRequests)
{
    switch (field) {
    case BatchConfigField::MaxRequests:
        return &c.batchMaxRequests;
    case BatchConfigField::TimeoutHours:
        return &c.batchTimeoutHours;
    case BatchConfigField::MinSize:
        return &c.batchMinSize;
    case BatchConfigField::MonitoringRetentionDays:
        return &c.batchMonitoringRetentionDays;
    case BatchConfigField::AlertThresholdProcessingTime:
        return &c.batchAlertThresholdProcessingTime;
    default:
        return nullptr;
    }
}

} // namespace

QString batchConfigInterval(const BatchConfig &config, BatchConfigField field)
{
    const QString *member = intervalMember(config, field);
    return member ? *member : QString();
}

void setBatchConfigInterval(BatchConfig &config, BatchConfigField field, const QString &value)
{
    if (QString *member = intervalMember(config, field))
        *member = value;
}

double batchConfigNumber(const BatchConfig &config, BatchConfigField field)
{
    if (field == BatchConfigField::AlertThresholdErrorRate)
        return config.batchAlertThresholdErrorRate;
    const qint64 *member = integerMember(config, field);
    return member ? double(*member) : 0.0;
}

void setBatchConfigNumber(BatchConfig &config, BatchConfigField field, double value)
{
    if (field == BatchConfigField::AlertThresholdErrorRate)
        config.batchAlertThresholdErrorRate = value;
    else if (qint64 *member = integerMember(config, field))
        *member = qint64(value);
}

const QList<BatchConfigField> &batchConfigFields()
{
    static const QList<BatchConfigField> fields = [] {
        QList<BatchConfigField> all;
        for (const FieldInfo &f : kFields)
            all.append(f.field);
        return all;
    }();
    return fields;
}

QString batchConfigFieldName(BatchConfigField field)
{
    return QString::fromLatin1(info(field).name);
}

QString batchConfigEnvironmentName(BatchConfigField field)
{
    return QString::fromLatin1(info(field).environment);
}

std::optional<BatchConfigRange> batchConfigRange(BatchConfigField field)
{
    return info(field).range;
}

qint64 CronSchedule::periodSeconds() const
{
    return kind == Kind::EveryMinutes ? qint64(minutes) * 60 : 3600;
}

qint64 CronSchedule::nextAfterMs(qint64 afterMs) const
{
    constexpr qint64 hour = 3600 * 1000;
    constexpr qint64 minute = 60 * 1000;
    const qint64 hourStart = afterMs - ((afterMs % hour) + hour) % hour;
    if (kind == Kind::HourlyAtMinute) {
        const qint64 at = hourStart + minutes * minute;
        return at > afterMs ? at : at + hour;
    }
    const int step = std::max(1, minutes);
    for (int m = 0; m < 60; m += step) {
        if (hourStart + m * minute > afterMs)
            return hourStart + m * minute;
    }
    return hourStart + hour;
}

std::optional<CronSchedule> CronSchedule::parse(const QString &expression)
{
    static const QRegularExpression form(QStringLiteral("^(\\*/)?([0-9]{1,2}) \\* \\* \\* \\*$"));
    const QRegularExpressionMatch m = form.match(expression);
    if (!m.hasMatch())
        return std::nullopt;
    const int n = m.captured(2).toInt();
    if (m.capturedLength(1) > 0) {
        if (n < 1 || n > 59)
            return std::nullopt;
        return CronSchedule{Kind::EveryMinutes, n};
    }
    if (n > 59)
        return std::nullopt;
    return CronSchedule{Kind::HourlyAtMinute, n};
}

std::optional<QString> batchConfigNumberReason(BatchConfigField field, double value)
{
    const auto range = batchConfigRange(field);
    if (!range)
        return std::nullopt;
    if (!range->integer) {
        if (std::isfinite(value) && value >= double(range->min) && value <= double(range->max))
            return std::nullopt;
        return QStringLiteral("expected a percentage from %1 to %2, got %3")
            .arg(range->min)
            .arg(range->max)
            .arg(describeNumber(value));
    }
    if (std::isfinite(value) && value == std::floor(value) && value >= double(range->min) &&
        value <= double(range->max))
        return std::nullopt;
    return QStringLiteral("expected an integer from %1 to %2, got %3")
        .arg(range->min)
        .arg(range->max)
        .arg(describeNumber(value));
}

std::optional<QString> batchConfigIntervalReason(const QString &value, BatchConfigRules rules)
{
    if (value.trimmed().isEmpty())
        return QStringLiteral("expected a non-empty string, got an empty one");
    if (rules == BatchConfigRules::Codec || CronSchedule::parse(value))
        return std::nullopt;
    return QStringLiteral("expected \"*/N * * * *\" (N 1-59) or \"N * * * *\" (N 0-59), got \"%1\"")
        .arg(value.left(64));
}

std::optional<QString> batchConfigMinSizeReason(qint64 minSize, qint64 maxRequests)
{
    if (minSize <= maxRequests)
        return std::nullopt;
    return QStringLiteral("must not exceed batchMaxRequests (%1), got %2").arg(maxRequests).arg(minSize);
}

QList<BatchConfigError> validateBatchConfig(const BatchConfig &config, BatchConfigRules rules)
{
    QList<BatchConfigError> errors;
    for (BatchConfigField field : batchConfigFields()) {
        if (const auto why = check(field, config, rules))
            errors.append({field, batchConfigFieldName(field) + QStringLiteral(": ") + *why});
    }
    return errors;
}

} // namespace batchmon
