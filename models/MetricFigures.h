// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Snapshot.h"

#include <QLocale>
#include <QString>

namespace batchmon {

/// Which way a figure moved against the previous period of the same length.
enum class Trend
{
    None,
    Up,
    Down,
    Flat
};

/// One metric card's texts.
struct CardFigure
{
    QString value;
    QString change; ///< "+12 vs previous 24 h", "48.2 % vs individual API"
    Trend trend = Trend::None;
    bool good = true; ///< whether the move is good news (an error rate going up is not)
};

/// The seed's five cards: Total Jobs, Success Rate, Cost Savings, Average Processing Time, Error Rate.
struct DashboardFigures
{
    CardFigure totalJobs;
    CardFigure successRate;
    CardFigure costSavings;
    CardFigure averageProcessingTime;
    CardFigure errorRate;

    static DashboardFigures of(const MonitoringSnapshot &snapshot, const QLocale &locale = QLocale());
};

} // namespace batchmon
