// SPDX-License-Identifier: GPL-3.0-or-later
#include "Charts.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QDateTimeAxis>
#include <QHorizontalBarSeries>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>

namespace batchmon {

namespace {

QChart *plainChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation); // a live chart that animates every 30 s distracts
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    return chart;
}

/// QChartView's constructor makes a default chart, and setChart() releases the previous chart
/// without deleting it ("users need to make sure the previous chart is deleted"): LeakSanitizer
/// found the three default charts leaked.
void adopt(QChartView *view, QChart *chart)
{
    QChart *previous = view->chart();
    view->setChart(chart);
    delete previous;
}

} // namespace

QueueStatusChart::QueueStatusChart(QWidget *parent) : QChartView(parent), m_set(new QBarSet(tr("Jobs")))
{
    QChart *chart = plainChart(tr("Queues now"));
    // Horizontal, so the queue names have room at 1280 px wide.
    auto *series = new QHorizontalBarSeries;
    *m_set << 0 << 0 << 0 << 0 << 0;
    series->append(m_set);
    series->setLabelsVisible(true);
    chart->addSeries(series);
    auto *categories = new QBarCategoryAxis;
    categories->append({tr("Pending"), tr("Processing"), tr("Completed"), tr("Failed"), tr("Cancelled")});
    chart->addAxis(categories, Qt::AlignLeft);
    series->attachAxis(categories);
    m_axis = new QValueAxis;
    m_axis->setLabelFormat(QStringLiteral("%d"));
    m_axis->setTickCount(4);
    chart->addAxis(m_axis, Qt::AlignBottom);
    series->attachAxis(m_axis);
    chart->legend()->hide();
    adopt(this, chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
}

void QueueStatusChart::setQueues(const Queues &q)
{
    const QList<qreal> v{qreal(q.pending), qreal(q.processing), qreal(q.completed), qreal(q.failed),
                         qreal(q.cancelled.value_or(0))};
    for (int i = 0; i < v.size(); ++i)
        m_set->replace(i, v[i]);
    m_axis->setRange(0, std::max<qreal>(1, *std::max_element(v.begin(), v.end()) * 1.15));
}

QList<qreal> QueueStatusChart::values() const
{
    QList<qreal> v;
    for (int i = 0; i < m_set->count(); ++i)
        v << m_set->at(i);
    return v;
}

TrendChart::TrendChart(const QString &title, const QStringList &seriesNames, const QString &unit,
                       const QString &labelFormat, QWidget *parent)
    : QChartView(parent), m_time(new QDateTimeAxis), m_values(new QValueAxis)
{
    QChart *chart = plainChart(title);
    chart->addAxis(m_time, Qt::AlignBottom);
    chart->addAxis(m_values, Qt::AlignLeft);
    m_values->setTitleText(unit);
    m_time->setFormat(QStringLiteral("HH:mm"));
    m_time->setTickCount(5);
    m_values->setLabelFormat(labelFormat);
    m_values->setTickCount(4);
    for (const QString &name : seriesNames) {
        auto *s = new QLineSeries;
        s->setName(name);
        chart->addSeries(s);
        s->attachAxis(m_time);
        s->attachAxis(m_values);
        m_series << s;
    }
    chart->legend()->setVisible(seriesNames.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    adopt(this, chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(200);
}

void TrendChart::setBuckets(const QList<HistoricalBucket> &buckets, const QList<QList<qreal>> &values)
{
    if (buckets.isEmpty())
        return;
    qreal low = 0;
    qreal high = 1;
    for (int s = 0; s < m_series.size(); ++s) {
        QList<QPointF> points;
        points.reserve(buckets.size());
        for (int i = 0; i < buckets.size() && i < values.value(s).size(); ++i) {
            // Each point sits at its bucket's middle, in local time (the axis shows local time).
            const qint64 mid =
                buckets[i].start.toMSecsSinceEpoch() / 2 + buckets[i].end.toMSecsSinceEpoch() / 2;
            points << QPointF(qreal(mid), values[s][i]);
            low = std::min(low, values[s][i]);
            high = std::max(high, values[s][i]);
        }
        m_series[s]->replace(points); // one signal for the lot, not one per point
    }
    m_time->setRange(buckets.first().start.toLocalTime(), buckets.last().end.toLocalTime());
    // Hours for a day or less, days beyond: the labels must fit a third of the window.
    const qint64 span = buckets.first().start.secsTo(buckets.last().end);
    m_time->setFormat(span <= 86400 ? QStringLiteral("HH:mm") : QStringLiteral("d MMM"));
    m_values->setRange(low, high * 1.1);
}

QList<QPointF> TrendChart::points(int series) const
{
    return m_series.value(series) ? m_series[series]->points() : QList<QPointF>();
}

TrendChart *makeThroughputChart(QWidget *parent)
{
    return new TrendChart(QObject::tr("Throughput"), {QObject::tr("Requests per hour")},
                          QObject::tr("requests/h"), QStringLiteral("%.0f"), parent);
}

TrendChart *makeCostSavingsChart(QWidget *parent)
{
    auto *chart =
        new TrendChart(QObject::tr("Cost and savings"), {QObject::tr("Saved"), QObject::tr("Batch cost")},
                       QObject::tr("USD"), QStringLiteral("%.2f"), parent);
    return chart;
}

void updateThroughputChart(TrendChart *chart, const Historical &h)
{
    const qreal hours = qreal(h.bucketSeconds) / 3600.0;
    QList<qreal> perHour;
    for (const HistoricalBucket &b : h.buckets)
        perHour << (hours > 0 ? qreal(b.requests) / hours : 0);
    chart->setBuckets(h.buckets, {perHour});
}

void updateCostSavingsChart(TrendChart *chart, const Historical &h)
{
    QList<qreal> saved;
    QList<qreal> cost;
    for (const HistoricalBucket &b : h.buckets) {
        saved << b.savings.dollars();
        cost << b.batchCost.dollars();
    }
    chart->setBuckets(h.buckets, {saved, cost});
}

} // namespace batchmon
