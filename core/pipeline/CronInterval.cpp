// SPDX-License-Identifier: GPL-3.0-or-later
#include "CronInterval.h"

#include <QRegularExpression>
#include <QStringList>

namespace batchmon {

std::optional<CronInterval> CronInterval::parse(const QString &expression, QString *error)
{
    const QStringList fields = expression.simplified().split(QLatin1Char(' '));
    auto fail = [&]() -> std::optional<CronInterval> {
        if (error)
            *error =
                QStringLiteral("\"%1\" is not a periodic schedule; use \"*/N * * * *\" (every N minutes, N "
                               "dividing 60), \"M * * * *\" (hourly) or \"M H * * *\" (daily)")
                    .arg(expression);
        return std::nullopt;
    };
    if (fields.size() != 5)
        return fail();
    const bool restAny =
        fields[2] == QLatin1String("*") && fields[3] == QLatin1String("*") && fields[4] == QLatin1String("*");
    if (!restAny)
        return fail();
    static const QRegularExpression every(QStringLiteral("^\\*/([0-9]{1,2})$"));
    static const QRegularExpression number(QStringLiteral("^[0-9]{1,2}$"));
    const QString &minute = fields[0];
    const QString &hour = fields[1];
    if (hour == QLatin1String("*")) {
        if (minute == QLatin1String("*"))
            return CronInterval{60};
        if (const auto m = every.match(minute); m.hasMatch()) {
            const int n = m.captured(1).toInt();
            if (n < 1 || n > 60 || 60 % n != 0)
                return fail();
            return CronInterval{qint64(n) * 60};
        }
        if (number.match(minute).hasMatch() && minute.toInt() < 60)
            return CronInterval{3600};
        return fail();
    }
    if (number.match(minute).hasMatch() && minute.toInt() < 60 && number.match(hour).hasMatch() &&
        hour.toInt() < 24)
        return CronInterval{86400};
    return fail();
}

} // namespace batchmon
