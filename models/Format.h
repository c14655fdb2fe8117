// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Money.h"

#include <QLocale>
#include <QString>

namespace batchmon {

/// Dollars as the app shows them: "$1,234.56", "−$3.20", and "<$0.01" for a cost too small for cents.
/// Amounts are always USD (the provider's prices), so the symbol does not follow the locale.
QString formatDollars(Money amount, const QLocale &locale = QLocale());

} // namespace batchmon
