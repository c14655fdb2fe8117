// SPDX-License-Identifier: GPL-3.0-or-later
// Alerts, configuration, audit log, priority changes, and the response envelope.
#include "CodecHelpers.h"
#include "EnumNames.h"
#include "domain/AlertRules.h"
#include "domain/BatchConfigValidation.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace batchmon::json {

namespace {

const QStringList &outcomeNames()
{
    static const QStringList names{QStringLiteral("success"), QStringLiteral("failure"),
                                   QStringLiteral("denied")};
    return names;
}

std::optional<QString> outcomeFromWire(QStringView text)
{
    for (const QString &name : outcomeNames()) {
        if (text == name)
            return name;
    }
    return std::nullopt;
}

// Qt's parser lets raw control characters through inside strings. RFC 8259 requires them escaped,
// and a raw newline in a job type would later split a CSV row or a log line.
qsizetype firstRawControlCharacterInString(const QByteArray &body)
{
    bool inString = false;
    bool escaped = false;
    for (qsizetype i = 0; i < body.size(); ++i) {
        const auto c = static_cast<unsigned char>(body.at(i));
        if (!inString) {
            inString = c == '"';
        } else if (escaped) {
            escaped = false;
        } else if (c == '\\') {
            escaped = true;
        } else if (c == '"') {
            inString = false;
        } else if (c < 0x20) {
            return i;
        }
    }
    return -1;
}

} // namespace

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertRule &out)
{
    JsonObjectReader r(ctx, v, path);
    out.id = r.enumeration(u"id", alertRuleIdFromWire, alertRuleNames(), AlertRuleId::HighErrorRate);
    // Units decide the shape: a percentage, whole milliseconds, jobs per hour, a count of batches.
    // Whole milliseconds are read as a count (exact up to 2^53); the ranges are AlertRules.h's.
    if (out.id == AlertRuleId::LongProcessingTime) {
        out.threshold = double(r.count(u"threshold"));
    } else {
        out.threshold = r.number(u"threshold");
        if (!ctx.failed()) {
            if (const auto why = alertThresholdReason(out.id, out.threshold))
                ctx.fail(r.pathOf(u"threshold"), *why);
        }
    }
    out.severity = r.enumeration(u"severity", severityFromWire, severityNames(), Severity::Medium);
    out.notification =
        r.enumeration(u"notification", cadenceFromWire, cadenceNames(), NotificationCadence::Immediate);
    out.enabled = r.boolean(u"enabled");
}

QJsonObject encode(const AlertRule &v)
{
    return {{QStringLiteral("id"), toWireString(v.id)},
            {QStringLiteral("threshold"), v.threshold},
            {QStringLiteral("severity"), toWireString(v.severity)},
            {QStringLiteral("notification"), toWireString(v.notification)},
            {QStringLiteral("enabled"), v.enabled}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertConfig &out)
{
    JsonObjectReader r(ctx, v, path);
    out = AlertConfig::defaults();
    if (r.present(u"rules")) {
        const QList<AlertRule> rules = readList<AlertRule>(r, u"rules");
        // One rule per id, kept in AlertRuleId order whatever order they came in.
        for (int i = 0; i < rules.size() && !ctx.failed(); ++i) {
            for (int j = 0; j < i; ++j) {
                if (rules[j].id == rules[i].id)
                    ctx.fail(r.pathOf(u"rules") + QStringLiteral("[%1].id").arg(i),
                             QStringLiteral("rule \"%1\" is given twice").arg(toWireString(rules[i].id)));
            }
        }
        for (AlertRule &rule : out.rules) {
            for (const AlertRule &given : rules) {
                if (given.id == rule.id)
                    rule = given;
            }
        }
    }
    // The seed's flat fields win over rules[].threshold, so a body written for the seed's
    // configureAlerts() works unchanged.
    if (const auto errorRate = r.percentage(u"errorRateThreshold", Need::Optional))
        out.rules[int(AlertRuleId::HighErrorRate)].threshold = *errorRate;
    if (const auto processing = r.count(u"processingTimeThreshold", Need::Optional))
        out.rules[int(AlertRuleId::LongProcessingTime)].threshold = double(*processing);
    if (r.present(u"notificationChannels")) {
        const QString base = r.pathOf(u"notificationChannels");
        out.notificationChannels =
            r.array(u"notificationChannels", [&](const QJsonValue &e, const QString &p) {
                const auto channel = e.isString() ? channelFromWire(e.toString()) : std::nullopt;
                if (!channel && !ctx.failed())
                    ctx.fail(p, QStringLiteral("expected one of %1, got %2")
                                    .arg(channelNames().join(QStringLiteral(", ")),
                                         e.isString()
                                             ? QLatin1Char('"') + e.toString().left(64) + QLatin1Char('"')
                                             : describeType(e)));
                return channel.value_or(NotificationChannel::Log);
            });
        for (int i = 0; i < out.notificationChannels.size() && !ctx.failed(); ++i) {
            if (out.notificationChannels.indexOf(out.notificationChannels[i]) != i)
                ctx.fail(base + QStringLiteral("[%1]").arg(i), QStringLiteral("channel is given twice"));
        }
    }
    if (r.present(u"alertSuppression")) {
        JsonObjectReader s(ctx, r.value(u"alertSuppression"), r.pathOf(u"alertSuppression"));
        out.suppressionWindowMinutes = s.integer(u"windowMinutes", 0, kMaxSuppressionMinutes);
    }
    out.webhookUrl = r.string(u"webhookUrl", Need::Optional);
    if (!ctx.failed() && out.webhookUrl) {
        if (const auto why = webhookUrlReason(*out.webhookUrl))
            ctx.fail(r.pathOf(u"webhookUrl"), *why);
    }
    if (!ctx.failed() && out.notificationChannels.contains(NotificationChannel::Webhook) && !out.webhookUrl)
        ctx.fail(r.pathOf(u"webhookUrl"),
                 QStringLiteral("required when notificationChannels has \"webhook\""));
}

QJsonObject encode(const AlertConfig &v)
{
    QJsonArray channels;
    for (NotificationChannel c : v.notificationChannels)
        channels.append(toWireString(c));
    QJsonObject o{{QStringLiteral("rules"), encodeList(v.rules)},
                  {QStringLiteral("notificationChannels"), channels},
                  {QStringLiteral("alertSuppression"),
                   QJsonObject{{QStringLiteral("windowMinutes"), v.suppressionWindowMinutes}}}};
    if (const AlertRule *rule = v.rule(AlertRuleId::HighErrorRate))
        o.insert(QStringLiteral("errorRateThreshold"), rule->threshold);
    if (const AlertRule *rule = v.rule(AlertRuleId::LongProcessingTime))
        o.insert(QStringLiteral("processingTimeThreshold"), rule->threshold);
    if (v.webhookUrl)
        o.insert(QStringLiteral("webhookUrl"), *v.webhookUrl);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertEvent &out)
{
    JsonObjectReader r(ctx, v, path);
    out.id = r.count(u"id");
    out.rule = r.enumeration(u"rule", alertRuleIdFromWire, alertRuleNames(), AlertRuleId::HighErrorRate);
    out.severity = r.enumeration(u"severity", severityFromWire, severityNames(), Severity::Medium);
    out.observedValue = r.number(u"observedValue");
    out.threshold = r.number(u"threshold");
    out.message = r.string(u"message");
    out.firstSeen = r.time(u"firstSeen");
    out.lastSeen = r.time(u"lastSeen");
    out.resolvedAt = r.time(u"resolvedAt", Need::Nullable);
    out.acknowledgedBy = r.string(u"acknowledgedBy", Need::Nullable);
    out.acknowledgedAt = r.time(u"acknowledgedAt", Need::Nullable);
    out.jobId = r.string(u"jobId", Need::Optional);
}

QJsonObject encode(const AlertEvent &v)
{
    QJsonObject o{{QStringLiteral("id"), v.id},
                  {QStringLiteral("rule"), toWireString(v.rule)},
                  {QStringLiteral("severity"), toWireString(v.severity)},
                  {QStringLiteral("observedValue"), v.observedValue},
                  {QStringLiteral("threshold"), v.threshold},
                  {QStringLiteral("message"), v.message},
                  {QStringLiteral("firstSeen"), formatTime(v.firstSeen)},
                  {QStringLiteral("lastSeen"), formatTime(v.lastSeen)},
                  {QStringLiteral("resolvedAt"), timeOrNull(v.resolvedAt)},
                  {QStringLiteral("acknowledgedBy"), orNull(v.acknowledgedBy)},
                  {QStringLiteral("acknowledgedAt"), timeOrNull(v.acknowledgedAt)}};
    if (v.jobId)
        o.insert(QStringLiteral("jobId"), *v.jobId);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertEventPage &out)
{
    JsonObjectReader r(ctx, v, path);
    out.events = readList<AlertEvent>(r, u"events");
    out.pagination = readObject<Pagination>(r, u"pagination");
}

QJsonObject encode(const AlertEventPage &v)
{
    return {{QStringLiteral("events"), encodeList(v.events)},
            {QStringLiteral("pagination"), encode(v.pagination)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertCondition &out)
{
    JsonObjectReader r(ctx, v, path);
    out.rule = r.enumeration(u"rule", alertRuleIdFromWire, alertRuleNames(), AlertRuleId::HighErrorRate);
    out.severity = r.enumeration(u"severity", severityFromWire, severityNames(), Severity::Medium);
    out.observedValue = r.number(u"observedValue");
    out.threshold = r.number(u"threshold");
    out.message = r.string(u"message");
    out.jobId = r.string(u"jobId", Need::Optional);
}

QJsonObject encode(const AlertCondition &v)
{
    QJsonObject o{{QStringLiteral("rule"), toWireString(v.rule)},
                  {QStringLiteral("severity"), toWireString(v.severity)},
                  {QStringLiteral("observedValue"), v.observedValue},
                  {QStringLiteral("threshold"), v.threshold},
                  {QStringLiteral("message"), v.message}};
    if (v.jobId)
        o.insert(QStringLiteral("jobId"), *v.jobId);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertPreview &out)
{
    JsonObjectReader r(ctx, v, path);
    out.conditions = readList<AlertCondition>(r, u"conditions");
}

QJsonObject encode(const AlertPreview &v)
{
    return {{QStringLiteral("conditions"), encodeList(v.conditions)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, BatchConfig &out)
{
    // Types here; ranges and the other rules in BatchConfigValidation, shared with the server and the
    // configuration panel. The cron forms are the server's: a client reads whatever a server stored.
    JsonObjectReader r(ctx, v, path);
    const auto refuse = [&](BatchConfigField field, const std::optional<QString> &why) {
        if (!ctx.failed() && why)
            ctx.fail(r.pathOf(batchConfigFieldName(field)), *why);
    };
    const auto interval = [&](BatchConfigField field) {
        const QString text = r.string(batchConfigFieldName(field));
        refuse(field, batchConfigIntervalReason(text, BatchConfigRules::Codec));
        return text;
    };
    const auto number = [&](BatchConfigField field) {
        const double value = r.number(batchConfigFieldName(field));
        refuse(field, batchConfigNumberReason(field, value));
        return ctx.failed() ? 0.0 : value;
    };
    out.batchProcessingEnabled = r.boolean(u"batchProcessingEnabled");
    out.batchCreateInterval = interval(BatchConfigField::CreateInterval);
    out.batchStatusCheckInterval = interval(BatchConfigField::StatusCheckInterval);
    out.batchResultProcessingInterval = interval(BatchConfigField::ResultProcessingInterval);
    out.batchMaxRequests = qint64(number(BatchConfigField::MaxRequests));
    out.batchTimeoutHours = qint64(number(BatchConfigField::TimeoutHours));
    out.batchMinSize = qint64(number(BatchConfigField::MinSize));
    refuse(BatchConfigField::MinSize, batchConfigMinSizeReason(out.batchMinSize, out.batchMaxRequests));
    out.batchMonitoringRetentionDays = qint64(number(BatchConfigField::MonitoringRetentionDays));
    out.batchAlertThresholdErrorRate = number(BatchConfigField::AlertThresholdErrorRate);
    out.batchAlertThresholdProcessingTime = qint64(number(BatchConfigField::AlertThresholdProcessingTime));
}

QJsonObject encode(const BatchConfig &v)
{
    return {{QStringLiteral("batchProcessingEnabled"), v.batchProcessingEnabled},
            {QStringLiteral("batchCreateInterval"), v.batchCreateInterval},
            {QStringLiteral("batchStatusCheckInterval"), v.batchStatusCheckInterval},
            {QStringLiteral("batchResultProcessingInterval"), v.batchResultProcessingInterval},
            {QStringLiteral("batchMaxRequests"), v.batchMaxRequests},
            {QStringLiteral("batchTimeoutHours"), v.batchTimeoutHours},
            {QStringLiteral("batchMinSize"), v.batchMinSize},
            {QStringLiteral("batchMonitoringRetentionDays"), v.batchMonitoringRetentionDays},
            {QStringLiteral("batchAlertThresholdErrorRate"), v.batchAlertThresholdErrorRate},
            {QStringLiteral("batchAlertThresholdProcessingTime"), v.batchAlertThresholdProcessingTime}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AuditEntry &out)
{
    JsonObjectReader r(ctx, v, path);
    out.id = r.count(u"id");
    out.at = r.time(u"at");
    out.actor = r.name(u"actor");
    out.action = r.name(u"action");
    out.target = r.string(u"target", Need::Optional);
    out.outcome = r.enumeration(u"outcome", outcomeFromWire, outcomeNames(), QString());
    out.clientAddress = r.string(u"clientAddress");
    out.detail = r.string(u"detail", Need::Optional);
}

QJsonObject encode(const AuditEntry &v)
{
    QJsonObject o{{QStringLiteral("id"), v.id},           {QStringLiteral("at"), formatTime(v.at)},
                  {QStringLiteral("actor"), v.actor},     {QStringLiteral("action"), v.action},
                  {QStringLiteral("outcome"), v.outcome}, {QStringLiteral("clientAddress"), v.clientAddress}};
    if (v.target)
        o.insert(QStringLiteral("target"), *v.target);
    if (v.detail)
        o.insert(QStringLiteral("detail"), *v.detail);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AuditPage &out)
{
    JsonObjectReader r(ctx, v, path);
    out.entries = readList<AuditEntry>(r, u"entries");
    out.pagination = readObject<Pagination>(r, u"pagination");
}

QJsonObject encode(const AuditPage &v)
{
    return {{QStringLiteral("entries"), encodeList(v.entries)},
            {QStringLiteral("pagination"), encode(v.pagination)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, PriorityChange &out)
{
    JsonObjectReader r(ctx, v, path);
    out.priority = r.enumeration(u"priority", jobPriorityFromWire, jobPriorityNames(), JobPriority::Normal);
}

QJsonObject encode(const PriorityChange &v)
{
    return {{QStringLiteral("priority"), toWireString(v.priority)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Identity &out)
{
    JsonObjectReader r(ctx, v, path);
    out.name = r.name(u"name");
    out.role = r.enumeration(u"role", roleFromWire, roleNames(), Role::Viewer);
}

QJsonObject encode(const Identity &v)
{
    return {{QStringLiteral("name"), v.name}, {QStringLiteral("role"), toWireString(v.role)}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, ApiErrorBody &out)
{
    JsonObjectReader r(ctx, v, path);
    out.code = r.name(u"code");
    out.message = r.string(u"message");
    out.parameter = r.string(u"parameter", Need::Optional);
}

QJsonObject encode(const ApiErrorBody &v)
{
    QJsonObject o{{QStringLiteral("code"), v.code}, {QStringLiteral("message"), v.message}};
    if (v.parameter)
        o.insert(QStringLiteral("parameter"), *v.parameter);
    return o;
}

Result<QJsonObject, DecodeError> parseObject(const QByteArray &body, qint64 maxBytes)
{
    if (body.size() > maxBytes)
        return DecodeError{QString(), QStringLiteral("the body is %1 bytes, more than the %2 bytes allowed")
                                          .arg(body.size())
                                          .arg(maxBytes)};
    if (body.trimmed().isEmpty())
        return DecodeError{QString(), QStringLiteral("the body is empty, expected a JSON object")};
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return DecodeError{
            QString(),
            QStringLiteral("not valid JSON: %1 at byte %2").arg(error.errorString()).arg(error.offset)};
    if (!doc.isObject())
        return DecodeError{QString(), QStringLiteral("expected a JSON object, got an array")};
    if (const qsizetype at = firstRawControlCharacterInString(body); at >= 0)
        return DecodeError{
            QString(),
            QStringLiteral("not valid JSON: unescaped control character in a string at byte %1").arg(at)};
    return doc.object();
}

Result<QJsonValue, DecodeError> unwrapSuccess(const QJsonObject &envelope)
{
    DecodeContext ctx;
    JsonObjectReader r(ctx, envelope, QString());
    const bool success = r.boolean(u"success");
    if (!ctx.failed() && !success)
        ctx.fail(QStringLiteral("success"),
                 QStringLiteral("expected true in a successful response, got false"));
    const QJsonValue data = r.value(u"data");
    if (ctx.failed())
        return ctx.error();
    return data;
}

Result<ApiErrorBody, DecodeError> decodeErrorResponse(const QByteArray &body)
{
    const auto object = parseObject(body);
    if (!object)
        return object.error();
    DecodeContext ctx;
    JsonObjectReader r(ctx, object.value(), QString());
    const bool success = r.boolean(u"success");
    if (!ctx.failed() && success)
        ctx.fail(QStringLiteral("success"), QStringLiteral("expected false in an error response, got true"));
    ApiErrorBody out = readObject<ApiErrorBody>(r, u"error");
    if (ctx.failed())
        return ctx.error();
    return out;
}

QByteArray encodeSuccess(const QJsonValue &data)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("success"), true}, {QStringLiteral("data"), data}})
        .toJson(QJsonDocument::Compact);
}

QByteArray encodeError(const ApiErrorBody &error)
{
    return QJsonDocument(
               QJsonObject{{QStringLiteral("success"), false}, {QStringLiteral("error"), encode(error)}})
        .toJson(QJsonDocument::Compact);
}

} // namespace batchmon::json
