// SPDX-License-Identifier: GPL-3.0-or-later
#include "MetricFigures.h"

#include "Format.h"
#include "JobTableModel.h"

#include <QCoreApplication>

#include <cmath>

namespace batchmon {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("batchmon::DashboardFigures", text);
}

Trend trendOf(double delta)
{
    if (std::fabs(delta) < 1e-9)
        return Trend::Flat;
    return delta > 0 ? Trend::Up : Trend::Down;
}

QString rangeName(const MonitoringSnapshot &s)
{
    return toWireString(s.timeRange.value_or(TimeRange::LastDay));
}

QString signedNumber(const QLocale &locale, double v, int decimals)
{
    const QString text = locale.toString(std::fabs(v), 'f', decimals);
    return (v > 0 ? QStringLiteral("+") : v < 0 ? QStringLiteral("−") : QString()) + text;
}

} // namespace

DashboardFigures DashboardFigures::of(const MonitoringSnapshot &s, const QLocale &locale)
{
    DashboardFigures f;
    const Summary &sum = s.summary;
    const std::optional<PeriodTotals> &prev = sum.previousPeriod;
    const QString vsPrevious = tr(" vs previous %1").arg(rangeName(s));

    f.totalJobs.value = locale.toString(sum.totalJobs);
    if (prev) {
        const qint64 d = sum.totalJobs - prev->totalJobs;
        f.totalJobs.change = signedNumber(locale, double(d), 0) + vsPrevious;
        f.totalJobs.trend = trendOf(double(d));
    }

    if (sum.successRate) {
        f.successRate.value = locale.toString(*sum.successRate, 'f', 1) + QStringLiteral(" %");
        f.errorRate.value =
            locale.toString(s.performance.efficiency.errorRate.value_or(100 - *sum.successRate), 'f', 1) +
            QStringLiteral(" %");
        if (prev && prev->successRate) {
            const double d = *sum.successRate - *prev->successRate;
            f.successRate.change = signedNumber(locale, d, 1) + tr(" points") + vsPrevious;
            f.successRate.trend = trendOf(d);
            f.errorRate.change = signedNumber(locale, -d, 1) + tr(" points") + vsPrevious;
            f.errorRate.trend = trendOf(-d);
            f.errorRate.good = -d <= 0;
        }
    } else {
        f.successRate.value = f.errorRate.value = QStringLiteral("—");
        f.successRate.change = f.errorRate.change = tr("No finished requests in this range");
    }

    const CostSavings &c = sum.costSavings;
    f.costSavings.value = formatDollars(c.currentPeriod, locale);
    const QString share = c.savingsPercentage
                              ? locale.toString(*c.savingsPercentage, 'f', 1) + tr(" % vs individual API")
                              : QString();
    f.costSavings.change = share;
    if (prev) {
        // The arrow is the change against the previous period, so that change comes first: an arrow
        // in front of "49.7 % vs individual API" read as a fall of the share.
        const qint64 d = c.currentPeriod.micros() - prev->costSavings.micros();
        f.costSavings.trend = trendOf(double(d));
        const QString money = formatDollars(Money::fromMicros(std::llabs(d)), locale);
        f.costSavings.change = (d > 0   ? QStringLiteral("+")
                                : d < 0 ? QStringLiteral("−")
                                        : QString()) +
                               money + vsPrevious +
                               (share.isEmpty() ? QString() : QStringLiteral(" · ") + share);
    }
    f.costSavings.good = c.currentPeriod.micros() >= 0;

    if (sum.averageProcessingTime) {
        f.averageProcessingTime.value = JobTableModel::formatDuration(*sum.averageProcessingTime);
        if (prev && prev->averageProcessingTime) {
            const qint64 d = *sum.averageProcessingTime - *prev->averageProcessingTime;
            f.averageProcessingTime.change = (d > 0   ? QStringLiteral("+")
                                              : d < 0 ? QStringLiteral("−")
                                                      : QString()) +
                                             JobTableModel::formatDuration(std::llabs(d)) + vsPrevious;
            f.averageProcessingTime.trend = trendOf(double(d));
            f.averageProcessingTime.good = d <= 0;
        }
    } else {
        f.averageProcessingTime.value = QStringLiteral("—");
        f.averageProcessingTime.change = tr("No finished jobs in this range");
    }
    return f;
}

} // namespace batchmon
