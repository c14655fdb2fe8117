// SPDX-License-Identifier: GPL-3.0-or-later
#include "Money.h"

#include <cmath>

namespace batchmon {

std::optional<Money> Money::fromDollars(double dollars)
{
    // 9e9 dollars is 9e15 micro-dollars, inside the 2^53 (9.007e15) range in which a double holds
    // every integer, so dollars -> micros -> dollars -> micros is exact. No batch costs a billion.
    if (!std::isfinite(dollars) || std::fabs(dollars) > kMaxDollars)
        return std::nullopt;
    return Money(std::llround(dollars * 1e6));
}

QString Money::toPlainString() const
{
    const qint64 cents = m_micros >= 0 ? (m_micros + 5000) / 10000 : -((-m_micros + 5000) / 10000);
    const qint64 whole = cents / 100;
    const qint64 frac = cents < 0 ? -(cents % 100) : cents % 100;
    const QString sign = (cents < 0 && whole == 0) ? QStringLiteral("-") : QString();
    return sign + QString::number(whole) + QLatin1Char('.') +
           QStringLiteral("%1").arg(frac, 2, 10, QLatin1Char('0'));
}

} // namespace batchmon
