// SPDX-License-Identifier: GPL-3.0-or-later
#include "Format.h"

namespace batchmon {

QString formatDollars(Money amount, const QLocale &locale)
{
    // The dollar sign where the locale puts a currency symbol: "$7.06" in English, "7,06 $" in German.
    // (The C locale, a system without one, writes "1.00 $"; the dollar's own "$1.00" reads better there.)
    const bool symbolFirst =
        locale.language() == QLocale::C ||
        locale.toCurrencyString(1.0, QStringLiteral("$"), 2).startsWith(QLatin1Char('$'));
    const auto withSymbol = [symbolFirst](const QString &number) -> QString {
        if (symbolFirst)
            return QStringLiteral("$") + number;
        return number + QChar(0x00A0) + QLatin1Char('$');
    };
    const qint64 micros = amount.micros();
    if (micros > 0 && micros < 5000)
        return QLatin1Char('<') + withSymbol(locale.toString(0.01, 'f', 2));
    const QString number = withSymbol(locale.toString(std::abs(amount.dollars()), 'f', 2));
    return micros < 0 ? QStringLiteral("−") + number : number;
}

} // namespace batchmon
