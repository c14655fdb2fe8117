// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DecodeError.h"
#include "JsonReader.h"
#include "domain/Alerts.h"
#include "domain/AuditEntry.h"
#include "domain/BatchConfig.h"
#include "domain/Identity.h"
#include "domain/Job.h"
#include "domain/Snapshot.h"
#include "util/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

/**
 * The JSON codec of docs/api.md. Decoding is strict about types and required fields, tolerant of
 * unknown fields, and reports the JSON path of the first thing wrong. Encoding writes what decoding
 * reads, so decode(encode(x)) == x for every value.
 */
namespace batchmon::json {

/// A body larger than this is refused before parsing. The largest response, a page of 100 jobs with
/// details, is about 150 KiB; an export file is read by its own streaming reader, not by this.
constexpr qint64 kMaxBodyBytes = 16 * 1024 * 1024;

/// The `error` of a `{"success": false}` envelope.
struct ApiErrorBody
{
    QString code;
    QString message;
    std::optional<QString> parameter; ///< invalid_parameter: the query parameter; invalid_body: the JSON path

    auto tie() const { return std::tie(code, message, parameter); }
};

// Decoders of one value at `path` into `out`; they report through `ctx`.
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, ErrorSummaryEntry &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, TimelineEntry &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Job &out);
/**
 * A job object in the canonical form the server and exports write — ASCII strings without escapes,
 * whole counts, times as formatTime() writes them, no nested values — decoded straight from its bytes
 * (a third of the time of parsing and decoding it); nullopt for anything else, which decodeValue<Job>
 * then reads or refuses. For whatever it accepts, decodeValue<Job> gives the same Job (the export
 * reader's fuzz target checks this).
 */
std::optional<Job> decodeCanonicalJob(QByteArrayView bytes);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, MonitoringSnapshot &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, CostSavings &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, PeriodTotals &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Summary &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Queues &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Throughput &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Efficiency &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Performance &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Resources &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Historical &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, HistoricalBucket &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Pagination &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, SchedulerState &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertRule &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertConfig &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertEvent &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertEventPage &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertCondition &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AlertPreview &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, BatchConfig &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AuditEntry &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, AuditPage &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, PriorityChange &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Identity &out);
void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, ApiErrorBody &out);

QJsonObject encode(const ErrorSummaryEntry &v);
QJsonObject encode(const TimelineEntry &v);
QJsonObject encode(const Job &v);
QJsonObject encode(const MonitoringSnapshot &v);
QJsonObject encode(const CostSavings &v);
QJsonObject encode(const PeriodTotals &v);
QJsonObject encode(const Summary &v);
QJsonObject encode(const Queues &v);
QJsonObject encode(const Throughput &v);
QJsonObject encode(const Efficiency &v);
QJsonObject encode(const Performance &v);
QJsonObject encode(const Resources &v);
QJsonObject encode(const Historical &v);
QJsonObject encode(const HistoricalBucket &v);
QJsonObject encode(const Pagination &v);
QJsonObject encode(const SchedulerState &v);
QJsonObject encode(const AlertRule &v);
QJsonObject encode(const AlertConfig &v);
QJsonObject encode(const AlertEvent &v);
QJsonObject encode(const AlertEventPage &v);
QJsonObject encode(const AlertCondition &v);
QJsonObject encode(const AlertPreview &v);
QJsonObject encode(const BatchConfig &v);
QJsonObject encode(const AuditEntry &v);
QJsonObject encode(const AuditPage &v);
QJsonObject encode(const PriorityChange &v);
QJsonObject encode(const Identity &v);
QJsonObject encode(const ApiErrorBody &v);

/// Parses a whole body: size cap, JSON syntax (with the byte offset of a syntax error), an object.
Result<QJsonObject, DecodeError> parseObject(const QByteArray &body, qint64 maxBytes = kMaxBodyBytes);

/// Decodes `value` as T, paths starting at `path`.
template<typename T>
Result<T, DecodeError> decodeValue(const QJsonValue &value, const QString &path = QString())
{
    DecodeContext ctx;
    T out{};
    decode(ctx, value, path, out);
    if (ctx.failed())
        return ctx.error();
    return out;
}

/// Checks `{"success": true, "data": …}` and returns `data`, for decodeValue(…, "data").
Result<QJsonValue, DecodeError> unwrapSuccess(const QJsonObject &envelope);

/// A whole successful response body decoded as T.
template<typename T>
Result<T, DecodeError> decodeResponse(const QByteArray &body, qint64 maxBytes = kMaxBodyBytes)
{
    const auto object = parseObject(body, maxBytes);
    if (!object)
        return object.error();
    const auto data = unwrapSuccess(object.value());
    if (!data)
        return data.error();
    return decodeValue<T>(data.value(), QStringLiteral("data"));
}

/// The `error` of a `{"success": false, "error": …}` body.
Result<ApiErrorBody, DecodeError> decodeErrorResponse(const QByteArray &body);

/// `{"success": true, "data": data}`, compact.
QByteArray encodeSuccess(const QJsonValue &data);
/// `{"success": false, "error": {…}}`, compact.
QByteArray encodeError(const ApiErrorBody &error);

} // namespace batchmon::json
