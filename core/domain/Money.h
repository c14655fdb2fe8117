// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>

namespace batchmon {

/**
 * An amount of US dollars held as an integer count of micro-dollars (1e-6 USD).
 *
 * One request to a small model costs a few hundredths of a cent, so cents would round most
 * per-request costs to zero; a double would drift when a month of them is summed. Integer
 * micro-dollars add exactly and, up to ±9 billion dollars, survive a trip through a JSON double exactly. On
 * the wire an amount is a JSON number of dollars with at most six decimals (docs/api.md, "Money").
 */
class Money
{
public:
    static constexpr double kMaxDollars = 9e9;

    constexpr Money() = default;
    static constexpr Money fromMicros(qint64 micros) { return Money(micros); }
    /// Rounds half away from zero to the nearest micro-dollar; nullopt when not finite or too large.
    static std::optional<Money> fromDollars(double dollars);

    constexpr qint64 micros() const { return m_micros; }
    double dollars() const { return double(m_micros) / 1e6; }

    constexpr Money operator+(Money o) const { return Money(m_micros + o.m_micros); }
    constexpr Money operator-(Money o) const { return Money(m_micros - o.m_micros); }
    Money &operator+=(Money o)
    {
        m_micros += o.m_micros;
        return *this;
    }
    constexpr bool operator==(Money o) const { return m_micros == o.m_micros; }
    constexpr bool operator!=(Money o) const { return m_micros != o.m_micros; }
    constexpr bool operator<(Money o) const { return m_micros < o.m_micros; }

    /// "12.50": dollars with two decimals, rounded half away from zero (for logs and CSV, not the UI).
    QString toPlainString() const;

private:
    constexpr explicit Money(qint64 micros) : m_micros(micros) {}
    qint64 m_micros = 0;
};

} // namespace batchmon
