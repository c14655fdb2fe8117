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

char16_t unit(QStringView text, qsizetype i)
{
    return text[i].unicode();
}

char16_t unit(QByteArrayView text, qsizetype i)
{
    return char16_t(static_cast<unsigned char>(text[i]));
}

/// Two to four ASCII digits at `at` as a number, or -1.
template<typename Text> int digits(const Text &text, qsizetype at, qsizetype count)
{
    int n = 0;
    for (qsizetype i = at; i < at + count; ++i) {
        const char16_t c = unit(text, i);
        if (c < u'0' || c > u'9')
            return -1;
        n = n * 10 + (c - u'0');
    }
    return n;
}

/**
 * The wire form formatTime() writes, "2024-01-01T10:00:00Z" or "2024-01-01T10:00:00.123Z", read
 * without Qt's general ISO parser (a tenth of the time, which counts in a million-job export). Any
 * other form, or a value out of the ordinary ranges, is nullopt and goes through the general path,
 * which gives the same QDateTime for everything accepted here.
 */
template<typename Text> std::optional<QDateTime> canonicalTime(const Text &text)
{
    const qsizetype n = text.size();
    if ((n != 20 && n != 24) || unit(text, 4) != u'-' || unit(text, 7) != u'-' || unit(text, 10) != u'T' ||
        unit(text, 13) != u':' || unit(text, 16) != u':' || unit(text, n - 1) != u'Z')
        return std::nullopt;
    int ms = 0;
    if (n == 24) {
        if (unit(text, 19) != u'.')
            return std::nullopt;
        ms = digits(text, 20, 3);
    }
    const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    const int hour = digits(text, 11, 2), minute = digits(text, 14, 2), second = digits(text, 17, 2);
    if (ms < 0 || year < 1 || month < 1 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
        second < 0 || second > 59)
        return std::nullopt;
    const QDate date(year, month, day);
    if (!date.isValid())
        return std::nullopt;
    return QDateTime(date, QTime(hour, minute, second, ms), Qt::UTC);
}

} // namespace

std::optional<QDateTime> parseCanonicalTime(QStringView text)
{
    return canonicalTime(text);
}

std::optional<QDateTime> parseCanonicalTime(QByteArrayView text)
{
    return canonicalTime(text);
}

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
    return readField(*this, key, need, QStringLiteral("a non-negative integer"), [&](const QJsonValue &v) {
        // The common case without building the field's path, which only an error needs.
        if (v.isDouble()) {
            const qint64 exact = v.toInteger(-1);
            if (exact >= 0 && exact <= qint64(kMaxExactInteger) && double(exact) == v.toDouble())
                return exact;
        }
        return readCount(m_ctx, v, pathOf(key));
    });
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
        const QString text = v.toString();
        if (const auto fast = parseCanonicalTime(QStringView(text)))
            return *fast;
        // Qt's ISO parser reads a time without a zone as local time, which would shift every
        // timestamp by the reader's UTC offset; the contract requires "Z" or ±HH:MM.
        static const QRegularExpression shape(
            QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$"));
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
    if (!time.isValid())
        return {};
    // Written by hand rather than with QDateTime::toString (its format interpreter costs a second per
    // million jobs of an export); the calendar arithmetic is QDate's.
    constexpr qint64 kDayMs = 86400000;
    const qint64 msecs = time.toMSecsSinceEpoch();
    qint64 days = msecs / kDayMs;
    qint64 rest = msecs % kDayMs;
    if (rest < 0) {
        rest += kDayMs;
        --days;
    }
    int year = 0, month = 0, day = 0;
    QDate(1970, 1, 1).addDays(days).getDate(&year, &month, &day);
    if (year < 1 || year > 9999) {
        const QDateTime utc = time.toUTC();
        return utc.toString(utc.time().msec() == 0 ? QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'")
                                                   : QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz'Z'"));
    }
    const int ms = int(rest % 1000);
    const int second = int(rest / 1000 % 60), minute = int(rest / 60000 % 60), hour = int(rest / 3600000);
    char text[24];
    const auto put = [&text](int at, int value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10)
            text[at + i] = char('0' + value % 10);
    };
    put(0, year, 4);
    text[4] = '-';
    put(5, month, 2);
    text[7] = '-';
    put(8, day, 2);
    text[10] = 'T';
    put(11, hour, 2);
    text[13] = ':';
    put(14, minute, 2);
    text[16] = ':';
    put(17, second, 2);
    int size = 19;
    if (ms != 0) {
        text[19] = '.';
        put(20, ms, 3);
        size = 23;
    }
    text[size++] = 'Z';
    return QString::fromLatin1(text, size);
}

QJsonValue moneyValue(Money money)
{
    return QJsonValue(money.dollars());
}

} // namespace batchmon::json
