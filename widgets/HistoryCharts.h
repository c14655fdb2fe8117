// SPDX-License-Identifier: GPL-3.0-or-later
// The charts local history feeds: the trend charts with the slots the server no longer has, and the
// "Recorded" tab's queue depth and success rate over time, which only history can give.
#pragma once

#include "history/HistoryMerge.h"

#include <QList>

class QWidget;

namespace batchmon {

class TrendChart;

/// The throughput chart over `merged`, with its buckets from local history marked and noted.
void updateThroughputChart(TrendChart *chart, const MergedHistorical &merged);
/// The cost and savings chart over `merged`, likewise.
void updateCostSavingsChart(TrendChart *chart, const MergedHistorical &merged);
/// "includes local history from before 3 Dec 14:00", or empty when nothing came from history.
QString historyNote(const MergedHistorical &merged);

/// Pending and processing jobs as recorded over time.
TrendChart *makeQueueDepthChart(QWidget *parent);
/// The range's success rate as each recorded snapshot reported it.
TrendChart *makeSuccessRateChart(QWidget *parent);
/// Fills both from `samples`; with fewer than two samples, each says `emptyText` instead.
void updateRecordedCharts(TrendChart *queues, TrendChart *successRate, const QList<RecordedSample> &samples,
                          const QString &emptyText);

} // namespace batchmon
