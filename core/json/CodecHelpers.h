// SPDX-License-Identifier: GPL-3.0-or-later
// Private to the codec's .cpp files.
#pragma once

#include "Codec.h"

#include <QJsonArray>

namespace batchmon::json {

template<typename T> QJsonArray encodeList(const QList<T> &list)
{
    QJsonArray a;
    for (const T &item : list)
        a.append(encode(item));
    return a;
}

template<typename T> QJsonValue orNull(const std::optional<T> &v)
{
    return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null);
}

inline QJsonValue timeOrNull(const std::optional<QDateTime> &t)
{
    return t ? QJsonValue(formatTime(*t)) : QJsonValue(QJsonValue::Null);
}

inline QJsonValue moneyOrNull(const std::optional<Money> &m)
{
    return m ? moneyValue(*m) : QJsonValue(QJsonValue::Null);
}

/// Reads an array of T at `key` with T's decode().
template<typename T> QList<T> readList(JsonObjectReader &r, QStringView key)
{
    return r.array(key, [&](const QJsonValue &e, const QString &p) {
        T item{};
        decode(r.context(), e, p, item);
        return item;
    });
}

/// Reads an object at `key` as T, when present; nullopt when absent or null.
template<typename T> std::optional<T> readOptionalObject(JsonObjectReader &r, QStringView key)
{
    if (!r.present(key))
        return std::nullopt;
    T item{};
    decode(r.context(), r.value(key), r.pathOf(key), item);
    return item;
}

template<typename T> T readObject(JsonObjectReader &r, QStringView key)
{
    T item{};
    decode(r.context(), r.value(key), r.pathOf(key), item);
    return item;
}

} // namespace batchmon::json
