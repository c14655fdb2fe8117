// SPDX-License-Identifier: GPL-3.0-or-later
#include "Format.h"

namespace batchmon {

QString formatDollars(Money amount, const QLocale &locale)
{
    const qint64 micros = amount.micros();
    if (micros > 0 && micros < 5000)
        return QStringLiteral("<$") + locale.toString(0.01, 'f', 2);
    const QString number = locale.toString(std::abs(amount.dollars()), 'f', 2);
    return (micros < 0 ? QStringLiteral("−$") : QStringLiteral("$")) + number;
}

} // namespace batchmon
