// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "DecodeError.h"
#include "domain/Money.h"

#include <QByteArrayView>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace batchmon::json {

/// Collects the first error of a decode; later reads become no-ops that return defaults, so decoders
/// can read field after field without checking each one.
class DecodeContext
{
public:
    bool failed() const { return m_error.has_value(); }
    const DecodeError &error() const { return *m_error; }
    void fail(const QString &path, const QString &message);

private:
    std::optional<DecodeError> m_error;
};

/// How a field may appear: `Required` must be present and non-null; `Nullable` must be present and
/// may be null; `Optional` may be absent (absent and null both read as "not given").
enum class Need
{
    Required,
    Nullable,
    Optional
};

/// "null", "a boolean", "a number", "a string", "an array", "an object": for error messages.
QString describeType(const QJsonValue &value);

/**
 * Reads the fields of one JSON object, each check naming the field's full path on failure:
 * `JsonObjectReader r(ctx, v, "data.summary"); r.count("totalJobs")` fails with
 * "data.summary.totalJobs: required field is missing". Unknown fields are ignored.
 */
class JsonObjectReader
{
public:
    JsonObjectReader(DecodeContext &ctx, const QJsonValue &value, const QString &path);

    const QString &path() const { return m_path; }
    QString pathOf(QStringView key) const;
    DecodeContext &context() const { return m_ctx; }

    /// A non-negative integer (counts, ids, milliseconds).
    qint64 count(QStringView key);
    std::optional<qint64> count(QStringView key, Need need);
    qint64 integer(QStringView key, qint64 min, qint64 max);
    double number(QStringView key);
    std::optional<double> number(QStringView key, Need need);
    /// A number from 0 to 100.
    double percentage(QStringView key);
    std::optional<double> percentage(QStringView key, Need need);
    bool boolean(QStringView key);
    std::optional<bool> boolean(QStringView key, Need need);
    QString string(QStringView key);
    std::optional<QString> string(QStringView key, Need need);
    /// A string that is not empty (ids, names).
    QString name(QStringView key);
    /// An ISO-8601 time with a zone ("2024-01-01T10:00:00Z"), returned in UTC.
    QDateTime time(QStringView key);
    std::optional<QDateTime> time(QStringView key, Need need);
    /// An amount of dollars, may be negative (savings).
    Money money(QStringView key);
    std::optional<Money> money(QStringView key, Need need);
    /// An amount of dollars that is at least 0 (what something cost).
    Money cost(QStringView key);
    std::optional<Money> cost(QStringView key, Need need);

    /// A string that must be one of a fixed set; `fromWire` maps it, `allowed` names the set.
    template<typename E, typename F>
    E enumeration(QStringView key, F fromWire, const QStringList &allowed, E fallback)
    {
        const QString text = string(key);
        if (m_ctx.failed())
            return fallback;
        if (const auto value = fromWire(text))
            return *value;
        m_ctx.fail(pathOf(key), QStringLiteral("expected one of %1, got \"%2\"")
                                    .arg(allowed.join(QStringLiteral(", ")), text.left(64)));
        return fallback;
    }

    /// The value at `key`, present and non-null (objects and arrays are read with their own readers).
    QJsonValue value(QStringView key, Need need = Need::Required);

    /// Each element of the array at `key`, passed with its path ("…jobs[3]") to `element`.
    template<typename F>
    auto array(QStringView key, F element) -> QList<decltype(element(QJsonValue(), QString()))>
    {
        QList<decltype(element(QJsonValue(), QString()))> out;
        const QJsonValue v = value(key);
        if (m_ctx.failed())
            return out;
        if (!v.isArray()) {
            failType(pathOf(key), QStringLiteral("an array"), v);
            return out;
        }
        const QJsonArray a = v.toArray();
        out.reserve(a.size());
        const QString base = pathOf(key);
        for (qsizetype i = 0; i < a.size() && !m_ctx.failed(); ++i)
            out.append(element(a.at(i), base + QLatin1Char('[') + QString::number(i) + QLatin1Char(']')));
        return out;
    }

    /// Like array(), for an array that may be absent or null.
    template<typename F>
    auto optionalArray(QStringView key, F element) -> std::optional<decltype(array(key, element))>
    {
        if (!present(key))
            return std::nullopt;
        return array(key, element);
    }

    /// True when `key` is present and not null.
    bool present(QStringView key) const;

    void failType(const QString &path, const QString &expected, const QJsonValue &got);

private:
    bool take(QStringView key, Need need, QJsonValue *out);

    DecodeContext &m_ctx;
    QJsonObject m_object;
    QString m_path;
};

/// Value-level readers for array elements and top-level values.
qint64 readCount(DecodeContext &ctx, const QJsonValue &value, const QString &path);
QString readName(DecodeContext &ctx, const QJsonValue &value, const QString &path);

/// The wire form of a time: UTC, "Z", milliseconds only when not zero.
QString formatTime(const QDateTime &time);
/**
 * The wire form formatTime() writes, read without Qt's general ISO parser; nullopt for any other form
 * (which the general path reads or refuses). What it accepts, the general path gives the same for.
 */
std::optional<QDateTime> parseCanonicalTime(QStringView text);
std::optional<QDateTime> parseCanonicalTime(QByteArrayView text);
/// A money amount as a JSON number of dollars.
QJsonValue moneyValue(Money money);

} // namespace batchmon::json
