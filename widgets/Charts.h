// SPDX-License-Identifier: GPL-3.0-or-later
// The dashboard's charts, each behind a class of ours so Qt Charts (deprecated from Qt 6.10) can be
// swapped without touching the dashboard. Fed whole snapshots; updated with replace(), no animation.
#pragma once

#include "domain/Snapshot.h"

#include <QChartView>

class QBarSet;
class QBarCategoryAxis;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;

namespace batchmon {

/// The seed's QueueStatusChart: pending, processing, completed, failed (and cancelled) jobs now.
class QueueStatusChart : public QChartView
{
    Q_OBJECT
public:
    explicit QueueStatusChart(QWidget *parent = nullptr);
    void setQueues(const Queues &queues);
    QList<qreal> values() const;

private:
    QBarSet *m_set;
    QValueAxis *m_axis;
};

/// A line per measure over the range's historical buckets, with a local-time axis.
class TrendChart : public QChartView
{
    Q_OBJECT
public:
    /// `labelFormat`: printf-style, for the value axis ("%.0f" requests, "%.2f" dollars).
    TrendChart(const QString &title, const QStringList &seriesNames, const QString &unit,
               const QString &labelFormat, QWidget *parent = nullptr);
    /// `values[i]` is series i's value for each bucket.
    void setBuckets(const QList<HistoricalBucket> &buckets, const QList<QList<qreal>> &values);
    QList<QPointF> points(int series) const;

private:
    QList<QLineSeries *> m_series;
    QDateTimeAxis *m_time;
    QValueAxis *m_values;
};

/// The seed's ThroughputChart: requests per hour in each bucket.
TrendChart *makeThroughputChart(QWidget *parent);
/// The seed's CostSavingsChart: what batching saved and what the batches cost, per bucket.
TrendChart *makeCostSavingsChart(QWidget *parent);
void updateThroughputChart(TrendChart *chart, const Historical &historical);
void updateCostSavingsChart(TrendChart *chart, const Historical &historical);

} // namespace batchmon
