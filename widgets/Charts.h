// SPDX-License-Identifier: GPL-3.0-or-later
// The dashboard's charts, each behind a class of ours so Qt Charts (deprecated from Qt 6.10) can be
// swapped without touching the dashboard. Fed whole snapshots; updated with replace(), no animation.
#pragma once

#include "domain/Snapshot.h"

#include <QChartView>

#include <QPair>

#include <optional>

class QAreaSeries;
class QBarSet;
class QBarCategoryAxis;
class QDateTimeAxis;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace batchmon {

/**
 * The base of our charts: follows the application's palette (light or dark) — backgrounds, titles,
 * axis labels and grid lines take the palette's colours whenever it changes.
 */
class PaletteChartView : public QChartView
{
    Q_OBJECT
public:
    explicit PaletteChartView(QWidget *parent = nullptr);

    /// With no data to show, the axes and the legend are hidden and `text` is drawn in their place.
    void setEmptyText(const QString &text);
    QString emptyText() const { return m_emptyText; }

    /// The chart as the user sees it, at the screen's device pixel ratio (size() × devicePixelRatio()).
    QImage image();
    /// Writes image() as a PNG to `path` atomically; false with `error` set (nothing is left at
    /// `path`) when it cannot.
    bool saveImage(const QString &path, QString *error);
    /// What "Save as PNG…" proposes, e.g. "batchmon-throughput-2026-11-29.png".
    QString defaultImageFileName() const;
    /// The chart's part of that name ("throughput").
    void setImageName(const QString &name) { m_imageName = name; }

protected:
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    /// "Save as PNG…" and "Copy image".
    void contextMenuEvent(QContextMenuEvent *event) override;
    /// Installs `chart` (deleting the default one) and colours it from the palette.
    void adopt(QChart *chart);
    void changeEvent(QEvent *event) override;

private:
    void applyPalette();

    QString m_emptyText;
    QString m_imageName = QStringLiteral("chart");
    bool m_legend = false; ///< whether the chart shows its legend when it has data
};

/// The seed's QueueStatusChart: pending, processing, completed, failed (and cancelled) jobs now.
class QueueStatusChart : public PaletteChartView
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
class TrendChart : public PaletteChartView
{
    Q_OBJECT
public:
    /// `labelFormat`: printf-style, for the value axis ("%.0f" requests, "%.2f" dollars). `stacked`:
    /// filled areas, the last series at the bottom and each earlier one on top of the later ones (the
    /// top edge is their sum); otherwise one line each.
    TrendChart(const QString &title, const QStringList &seriesNames, const QString &unit,
               const QString &labelFormat, QWidget *parent = nullptr, bool stacked = false);
    /// `values[i]` is series i's value for each bucket. `fromHistory[i]`: bucket i came from local
    /// history, not the server — marked with a hollow dot and said in the tooltip.
    void setBuckets(const QList<HistoricalBucket> &buckets, const QList<QList<qreal>> &values,
                    const QList<bool> &fromHistory = {});
    QList<QPointF> points(int series) const;
    /// The hollow dots on the buckets from local history.
    QList<QPointF> historyPoints() const;
    /// A second, smaller line under the title (e.g. "includes local history from before 3 Dec"); empty: none.
    void setNote(const QString &note);
    QString note() const { return m_note; }
    /// A fixed value axis (a percentage's 0–100) instead of one fitted to the values.
    void setValueRange(qreal min, qreal max);
    /// The series' colour (line, or area with its border).
    void setColor(int series, const QColor &color, Qt::PenStyle style = Qt::SolidLine);
    /// Alert markers: a red dot on the first series at each time (within the axis' range), its text in
    /// the tooltip. Empty: none.
    void setMarkers(const QList<QPair<QDateTime, QString>> &markers);
    QList<QPointF> markerPoints() const;

private:
    void showTip(const QPointF &at, bool on);

    bool m_stacked;
    QString m_title;
    QString m_note;
    std::optional<QPair<qreal, qreal>> m_fixedRange;
    QList<bool> m_fromHistory;
    QScatterSeries *m_historyMarks = nullptr;
    QList<QLineSeries *> m_series; ///< the values (in stacked mode, not drawn themselves)
    QList<QLineSeries *> m_edges;  ///< stacked mode: each area's upper edge, the running sum
    QList<QAreaSeries *> m_areas;
    QScatterSeries *m_markers = nullptr;
    QList<QPair<QDateTime, QString>> m_markerTexts;
    QString m_unit;
    QString m_labelFormat;
    QDateTimeAxis *m_time;
    QValueAxis *m_values;
};

/// Failed requests of the range by error code (the snapshot's `errors`), most frequent first.
class ErrorBreakdownChart : public PaletteChartView
{
    Q_OBJECT
public:
    explicit ErrorBreakdownChart(QWidget *parent = nullptr);
    /// `errors`: (code, failed requests), in the order to show; the first `kShown` are drawn, the rest
    /// summed as "other codes".
    void setErrors(const QList<QPair<QString, qint64>> &errors);
    QStringList categories() const;
    QList<qreal> values() const;
    static constexpr int kShown = 6;

private:
    QBarSet *m_set;
    QBarCategoryAxis *m_categories;
    QValueAxis *m_axis;
};

/// Resource utilisation now: the provider's enqueued-token quota in use, and the share of the range's
/// requests that failed because of rate limiting, both in per cent with the exact counts in tooltips.
class ResourceChart : public PaletteChartView
{
    Q_OBJECT
public:
    explicit ResourceChart(QWidget *parent = nullptr);
    void setResources(const Resources &resources, qint64 totalRequests);
    QList<qreal> values() const;
    /// The exact figures under the chart, e.g. "37,400,000 of 200,000,000 tokens enqueued".
    QString caption() const;

private:
    QBarSet *m_set;
    QValueAxis *m_axis;
    QStringList m_tips;
};

/// The seed's ThroughputChart: requests per hour in each bucket.
TrendChart *makeThroughputChart(QWidget *parent);
/// The seed's CostSavingsChart: what batching saved and what the batches cost, per bucket.
TrendChart *makeCostSavingsChart(QWidget *parent);
void updateThroughputChart(TrendChart *chart, const Historical &historical);
void updateCostSavingsChart(TrendChart *chart, const Historical &historical);

} // namespace batchmon
