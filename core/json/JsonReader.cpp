// SPDX-License-Identifier: GPL-3.0-or-later
#include "JsonReader.h"

#include <QLocale>
#include <QRegularExpression>

#include <cmath>

namespace batchmon::json {

namespace {

// Integers beyond 2^53 cannot be held exactly by the JSON number a peer's parser makes of them.
constexpr double kMaxExactInteger = 9007199254740992.0;

// The shortest text that reads back as the same double: 100.1, not 100.09999999999999.
// Whole numbers in full (9000000000, not 9e+09).
QString describeNumber(double d)
{
    if (d == std::floor(d) && std::fabs(d) < 1e18)
        return QString::number(qint64(d));
    return QString::number(d, 'g', QLocale::FloatingPointShortest);
}

} // namespace

void DecodeContext::fail(const QString &path, const QString &message)
{
    if (!m_error)
        m_error = DecodeError{path, message};
}

QString describeType(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

JsonObjectReader::JsonObjectReader(DecodeContext &ctx, const QJsonValue &value, const QString &path)
    : m_ctx(ctx), m_path(path)
{
    if (m_ctx.failed())
        return;
    if (!value.isObject()) {
        failType(path, QStringLiteral("an object"), value);
        return;
    }
    m_object = value.toObject();
}

QString JsonObjectReader::pathOf(QStringView key) const
{
    return m_path.isEmpty() ? key.toString() : m_path + QLatin1Char('.') + key;
}

void JsonObjectReader::failType(const QString &path, const QString &expected, const QJsonValue &got)
{
    m_ctx.fail(path, QStringLiteral("expected %1, got %2").arg(expected, describeType(got)));
}

bool JsonObjectReader::present(QStringView key) const
{
    const auto it = m_object.constFind(key);
    return it != m_object.constEnd() && !it->isNull();
}

bool JsonObjectReader::take(QStringView key, Need need, QJsonValue *out)
{
    if (m_ctx.failed())
        return false;
    const auto it = m_object.constFind(key);
    if (it == m_object.constEnd()) {
        if (need != Need::Optional)
            m_ctx.fail(pathOf(key), QStringLiteral("required field is missing"));
        return false;
    }
    if (it->isNull())
        return false; // the caller decides whether null was allowed
    *out = it.value();
    return true;
}

QJsonValue JsonObjectReader::value(QStringView key, Need need)
{
    QJsonValue v;
    if (take(key, need, &v))
        return v;
    if (!m_ctx.failed() && need == Need::Required)
        m_ctx.fail(pathOf(key), QStringLiteral("expected a value, got null"));
    return QJsonValue();
}

namespace {

// Shared by every typed reader: fetch, then complain about null where null is not allowed.
template<typename Read>
auto readField(JsonObjectReader &r, QStringView key, Need need, const QString &expected, Read read)
    -> std::optional<decltype(read(QJsonValue()))>
{
    if (r.context().failed())
        return std::nullopt;
    if (!r.present(key)) {
        QJsonValue ignored = r.value(key, need == Need::Required ? Need::Nullable : need);
        Q_UNUSED(ignored);
        if (need == Need::Required && !r.context().failed())
            r.context().fail(r.pathOf(key), QStringLiteral("expected %1, got null").arg(expected));
        return std::nullopt;
    }
    return read(r.value(key));
}

} // namespace

std::optional<qint64> JsonObjectReader::count(QStringView key, Need need)
{
    return readField(*this, key, need, QStringLiteral("a non-negative integer"),
                     [&](const QJsonValue &v) { return readCount(m_ctx, v, pathOf(key)); });
}

qint64 JsonObjectReader::count(QStringView key)
{
    return count(key, Need::Required).value_or(0);
}

qint64 JsonObjectReader::integer(QStringView key, qint64 min, qint64 max)
{
    const auto v = number(key, Need::Required);
    if (!v)
        return min;
    if (*v != std::floor(*v) || *v < double(min) || *v > double(max)) {
        m_ctx.fail(pathOf(key), QStringLiteral("expected an integer from %1 to %2, got %3")
                                    .arg(min)
                                    .arg(max)
                                    .arg(describeNumber(*v)));
        return min;
    }
    return qint64(*v);
}

std::optional<double> JsonObjectReader::number(QStringView key, Need need)
{
    return readField(*this, key, need, QStringLiteral("a number"), [&](const QJsonValue &v) -> double {
        if (!v.isDouble()) {
            failType(pathOf(key), QStringLiteral("a number"), v);
            return 0;
        }
        return v.toDouble();
    });
}

double JsonObjectReader::number(QStringView key)
{
    return number(key, Need::Required).value_or(0);
}

std::optional<double> JsonObjectReader::percentage(QStringView key, Need need)
{
    auto v = number(key, need);
    if (v && (*v < 0 || *v > 100)) {
        m_ctx.fail(pathOf(key),
                   QStringLiteral("expected a percentage from 0 to 100, got %1").arg(describeNumber(*v)));
        return std::nullopt;
    }
    return v;
}

double JsonObjectReader::percentage(QStringView key)
{
    return percentage(key, Need::Required).value_or(0);
}

std::optional<bool> JsonObjectReader::boolean(QStringView key, Need need)
{
    return readField(*this, key, need, QStringLiteral("a boolean"), [&](const QJsonValue &v) {
        if (!v.isBool())
            failType(pathOf(key), QStringLiteral("a boolean"), v);
        return v.toBool();
    });
}

bool JsonObjectReader::boolean(QStringView key)
{
    return boolean(key, Need::Required).value_or(false);
}

std::optional<QString> JsonObjectReader::string(QStringView key, Need need)
{
    return readField(*this, key, need, QStringLiteral("a string"), [&](const QJsonValue &v) {
        if (!v.isString())
            failType(pathOf(key), QStringLiteral("a string"), v);
        return v.toString();
    });
}

QString JsonObjectReader::string(QStringView key)
{
    return string(key, Need::Required).value_or(QString());
}

QString JsonObjectReader::name(QStringView key)
{
    const QString s = string(key);
    if (!m_ctx.failed() && s.trimmed().isEmpty())
        m_ctx.fail(pathOf(key), QStringLiteral("expected a non-empty string, got an empty one"));
    return s;
}

std::optional<QDateTime> JsonObjectReader::time(QStringView key, Need need)
{
    return readField(*this, key, need, QStringLiteral("an ISO-8601 time"), [&](const QJsonValue &v) {
        if (!v.isString()) {
            failType(pathOf(key), QStringLiteral("an ISO-8601 time string"), v);
            return QDateTime();
        }
        // Qt's ISO parser reads a time without a zone as local time, which would shift every
        // timestamp by the reader's UTC offset; the contract requires "Z" or ±HH:MM.
        static const QRegularExpression shape(
            QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$"));
        const QString text = v.toString();
        QDateTime t;
        if (shape.match(text).hasMatch())
            t = QDateTime::fromString(text, Qt::ISODateWithMs);
        if (!t.isValid()) {
            m_ctx.fail(pathOf(key), QStringLiteral("expected an ISO-8601 time with a zone, such as "
                                                   "2024-01-01T10:00:00Z, got \"%1\"")
                                        .arg(text.left(64)));
            return QDateTime();
        }
        // An offset or rounded-up fraction can carry 9999-12-31 into year 10000 (or 0001 into year 0),
        // which ISO-8601's four-digit years cannot write back.
        const QDateTime utc = t.toUTC();
        if (utc.date().year() < 1 || utc.date().year() > 9999) {
            m_ctx.fail(
                pathOf(key),
                QStringLiteral("expected a time from year 1 to 9999 in UTC, got \"%1\"").arg(text.left(64)));
            return QDateTime();
        }
        return utc;
    });
}

QDateTime JsonObjectReader::time(QStringView key)
{
    return time(key, Need::Required).value_or(QDateTime());
}

std::optional<Money> JsonObjectReader::money(QStringView key, Need need)
{
    return readField(*this, key, need, QStringLiteral("an amount of dollars"), [&](const QJsonValue &v) {
        if (!v.isDouble()) {
            failType(pathOf(key), QStringLiteral("a number"), v);
            return Money();
        }
        const auto m = Money::fromDollars(v.toDouble());
        if (!m) {
            m_ctx.fail(pathOf(key),
                       QStringLiteral("expected an amount from -%1 to %1 dollars, got %2")
                           .arg(describeNumber(Money::kMaxDollars), describeNumber(v.toDouble())));
            return Money();
        }
        return *m;
    });
}

Money JsonObjectReader::money(QStringView key)
{
    return money(key, Need::Required).value_or(Money());
}

std::optional<Money> JsonObjectReader::cost(QStringView key, Need need)
{
    const auto m = money(key, need);
    if (m && *m < Money()) {
        m_ctx.fail(pathOf(key),
                   QStringLiteral("expected a cost of at least 0, got %1").arg(describeNumber(m->dollars())));
        return std::nullopt;
    }
    return m;
}

Money JsonObjectReader::cost(QStringView key)
{
    return cost(key, Need::Required).value_or(Money());
}

qint64 readCount(DecodeContext &ctx, const QJsonValue &value, const QString &path)
{
    if (ctx.failed())
        return 0;
    if (!value.isDouble()) {
        ctx.fail(path, QStringLiteral("expected a non-negative integer, got %1").arg(describeType(value)));
        return 0;
    }
    const double d = value.toDouble();
    // 2^53 + 1 reads as the double 2^53; the parser's exact integer tells them apart.
    const qint64 exact = value.toInteger(-1);
    if (d != std::floor(d) || d < 0 || d > kMaxExactInteger || exact < 0 ||
        exact > qint64(kMaxExactInteger)) {
        const QString shown = exact >= 0 && d == std::floor(d) ? QString::number(exact) : describeNumber(d);
        ctx.fail(path, QStringLiteral("expected a non-negative integer, got %1").arg(shown));
        return 0;
    }
    return exact;
}

QString readName(DecodeContext &ctx, const QJsonValue &value, const QString &path)
{
    if (ctx.failed())
        return {};
    if (!value.isString() || value.toString().trimmed().isEmpty()) {
        ctx.fail(path, QStringLiteral("expected a non-empty string, got %1").arg(describeType(value)));
        return {};
    }
    return value.toString();
}

QString formatTime(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    return utc.time().msec() == 0 ? utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'"))
                                  : utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz'Z'"));
}

QJsonValue moneyValue(Money money)
{
    return QJsonValue(money.dollars());
}

} // namespace batchmon::json
