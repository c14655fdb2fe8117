// SPDX-License-Identifier: GPL-3.0-or-later
#include "HistoryCharts.h"

#include "Charts.h"
#include "Colours.h"

#include <QCoreApplication>
#include <QLocale>

namespace batchmon {

using namespace colours;

// The context is spelled out in each call: lupdate gives a local tr() helper in these free functions the
// context "batchmon", which the helper would not ask for.

QString historyNote(const MergedHistorical &merged)
{
    if (!merged.historyBefore)
        return {};
    // Daily slots end at midnight UTC: the date says it; shorter ones need the time too.
    const QDateTime before = merged.historyBefore->toLocalTime();
    return QCoreApplication::translate("HistoryCharts", "◦ includes local history from before %1")
        .arg(merged.historical.bucketSeconds >= 86400
                 ? QLocale().toString(before.date(), QLocale::ShortFormat)
                 : QLocale().toString(before, QLocale::ShortFormat));
}

void updateThroughputChart(TrendChart *chart, const MergedHistorical &merged)
{
    const Historical &h = merged.historical;
    const qreal hours = qreal(h.bucketSeconds) / 3600.0;
    QList<qreal> perHour;
    for (const HistoricalBucket &b : h.buckets)
        perHour << (hours > 0 ? qreal(b.requests) / hours : 0);
    chart->setBuckets(h.buckets, {perHour}, merged.fromHistory);
    chart->setNote(historyNote(merged));
}

void updateCostSavingsChart(TrendChart *chart, const MergedHistorical &merged)
{
    QList<qreal> saved;
    QList<qreal> cost;
    for (const HistoricalBucket &b : merged.historical.buckets) {
        saved << b.savings.dollars();
        cost << b.batchCost.dollars();
    }
    chart->setBuckets(merged.historical.buckets, {saved, cost}, merged.fromHistory);
    chart->setNote(historyNote(merged));
}

TrendChart *makeQueueDepthChart(QWidget *parent)
{
    auto *chart =
        new TrendChart(QCoreApplication::translate("HistoryCharts", "Queue depth (recorded)"),
                       {QCoreApplication::translate("HistoryCharts", "Pending"),
                        QCoreApplication::translate("HistoryCharts", "Processing")},
                       QCoreApplication::translate("HistoryCharts", "jobs"), QStringLiteral("%.0f"), parent);
    chart->setColor(0, kAmber);
    chart->setColor(1, kBlue);
    return chart;
}

TrendChart *makeSuccessRateChart(QWidget *parent)
{
    auto *chart = new TrendChart(QCoreApplication::translate("HistoryCharts", "Success rate (recorded)"),
                                 {QCoreApplication::translate("HistoryCharts", "Success rate")},
                                 QStringLiteral("%"), QStringLiteral("%.1f"), parent);
    chart->setColor(0, kGreen);
    chart->setValueRange(0, 100);
    return chart;
}

void updateRecordedCharts(TrendChart *queues, TrendChart *successRate, const QList<RecordedSample> &samples,
                          const QString &emptyText)
{
    // Each sample stands for its slot, drawn like a bucket; a line needs two of them.
    QList<HistoricalBucket> points;
    QList<qreal> pending;
    QList<qreal> processing;
    QList<HistoricalBucket> rateSlots;
    QList<qreal> rates;
    for (const RecordedSample &s : samples) {
        HistoricalBucket b;
        b.start = s.start;
        b.end = s.end;
        points << b;
        pending << s.pending;
        processing << s.processing;
        if (s.successRate) {
            rateSlots << b;
            rates << *s.successRate;
        }
    }
    if (points.size() < 2) {
        queues->setEmptyText(emptyText);
    } else {
        queues->setBuckets(points, {pending, processing});
    }
    if (rateSlots.size() < 2) {
        successRate->setEmptyText(emptyText);
    } else {
        successRate->setBuckets(rateSlots, {rates});
        successRate->setNote(QCoreApplication::translate(
            "HistoryCharts", "each point: the success rate of the range before it, as recorded"));
    }
}

} // namespace batchmon
