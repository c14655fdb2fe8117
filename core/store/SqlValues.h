// SPDX-License-Identifier: GPL-3.0-or-later
// Private to the store: optional values to and from SQL columns (times as UTC milliseconds).
#pragma once

#include <QDateTime>
#include <QString>
#include <QVariant>

#include <optional>

namespace batchmon::sql {

inline QVariant fromTime(const std::optional<QDateTime> &t)
{
    return t ? QVariant(t->toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

inline QVariant fromText(const std::optional<QString> &s)
{
    return s ? QVariant(*s) : QVariant(QMetaType::fromType<QString>());
}

inline QVariant fromCount(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<qint64>());
}

inline QDateTime time(const QVariant &v)
{
    return QDateTime::fromMSecsSinceEpoch(v.toLongLong(), Qt::UTC);
}

inline std::optional<QDateTime> optionalTime(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<QDateTime>(time(v));
}

inline std::optional<QString> optionalText(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<QString>(v.toString());
}

} // namespace batchmon::sql
