// SPDX-License-Identifier: GPL-3.0-or-later
#include "Charts.h"

#include "Colours.h"

#include <QAbstractAxis>
#include <QAbstractBarSeries>
#include <QAreaSeries>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QCursor>
#include <QDateTimeAxis>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHorizontalBarSeries>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QSaveFile>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace batchmon {

using namespace colours;

namespace {

QChart *plainChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation); // a live chart that animates every 30 s distracts
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    chart->setDropShadowEnabled(false);
    return chart;
}

QString formatValue(qreal v, const QString &labelFormat)
{
    // "%.2f" → two decimals, "%.1f" → one; "%.0f"/"%d" → none.
    const int dot = int(labelFormat.indexOf(QLatin1Char('.')));
    const int decimals = dot >= 0 ? std::clamp(labelFormat.mid(dot + 1, 1).toInt(), 0, 6) : 0;
    return QLocale().toString(v, 'f', decimals);
}

/// A count axis from 0 with whole-number ticks at 1, 2 or 5 × 10ⁿ, and room beyond `max` for the
/// bars' labels.
void countAxis(QValueAxis *axis, qreal max)
{
    const qreal wanted = std::max<qreal>(1, max * 1.2) / 4;
    qreal step = 1;
    for (qreal magnitude = 1; step < wanted; magnitude *= 10) {
        for (const qreal m : {1.0, 2.0, 5.0}) {
            step = m * magnitude;
            if (step >= wanted)
                break;
        }
    }
    const int ticks = std::max(1, int(std::ceil(std::max<qreal>(1, max * 1.2) / step)));
    axis->setRange(0, step * ticks);
    axis->setTickCount(ticks + 1);
}

} // namespace

PaletteChartView::PaletteChartView(QWidget *parent) : QChartView(parent)
{
    setRenderHint(QPainter::Antialiasing);
    setMinimumHeight(180);
    setFocusPolicy(Qt::NoFocus); // nothing to do with the keyboard in a chart
}

/// QChartView's constructor makes a default chart, and setChart() releases the previous chart
/// without deleting it ("users need to make sure the previous chart is deleted"): LeakSanitizer
/// found the three default charts leaked.
void PaletteChartView::adopt(QChart *chart)
{
    QChart *previous = this->chart();
    setChart(chart);
    delete previous;
    m_legend = chart->legend()->isVisible();
    applyPalette();
}

void PaletteChartView::setEmptyText(const QString &text)
{
    if (text == m_emptyText)
        return;
    m_emptyText = text;
    const bool empty = !text.isEmpty();
    for (QAbstractAxis *axis : chart()->axes())
        axis->setVisible(!empty);
    for (QAbstractSeries *series : chart()->series())
        series->setVisible(!empty);
    chart()->legend()->setVisible(!empty && m_legend);
    viewport()->update();
}

void PaletteChartView::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_emptyText.isEmpty())
        return;
    // In scene coordinates, which the painter has both on screen and in render() into a report or an
    // image (a reset transform put the text at the report page's corner).
    painter->save();
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->setFont(font());
    painter->drawText(mapToScene(viewport()->rect()).boundingRect().adjusted(12, 30, -12, -12),
                      Qt::AlignCenter | Qt::TextWordWrap, m_emptyText);
    painter->restore();
}

QImage PaletteChartView::image()
{
    return grab().toImage(); // at devicePixelRatioF(), as the screen shows it
}

bool PaletteChartView::saveImage(const QString &path, QString *error)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Could not create %1: %2.").arg(path, file.errorString());
        return false;
    }
    if (!image().save(&file, "PNG")) {
        file.cancelWriting();
        *error = tr("Could not write the image to %1: %2.").arg(path, file.errorString());
        return false;
    }
    if (!file.commit()) {
        *error = tr("Could not save %1: %2.").arg(path, file.errorString());
        return false;
    }
    return true;
}

QString PaletteChartView::defaultImageFileName() const
{
    return QStringLiteral("batchmon-%1-%2.png")
        .arg(m_imageName, QDate::currentDate().toString(QStringLiteral("yyyy-MM-dd")));
}

void PaletteChartView::contextMenuEvent(QContextMenuEvent *event)
{
    QMenu menu(this);
    menu.addAction(tr("&Save as PNG…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the chart as an image"),
                                                          QDir::home().filePath(defaultImageFileName()),
                                                          tr("PNG image (*.png)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!saveImage(path, &error))
            QMessageBox::warning(this, tr("The image was not saved"), error);
    });
    menu.addAction(tr("&Copy image"), this, [this] { QGuiApplication::clipboard()->setImage(image()); });
    menu.exec(event->globalPos());
}

void PaletteChartView::changeEvent(QEvent *event)
{
    QChartView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
}

void PaletteChartView::applyPalette()
{
    QChart *c = chart();
    const QPalette p = palette();
    const QColor text = p.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.15);
    QColor line = text;
    line.setAlphaF(0.4);
    c->setBackgroundBrush(p.base());
    c->setBackgroundPen(Qt::NoPen);
    c->setTitleBrush(text);
    c->legend()->setLabelColor(text);
    for (QAbstractSeries *series : c->series()) {
        if (auto *bars = qobject_cast<QAbstractBarSeries *>(series))
            for (QBarSet *set : bars->barSets())
                set->setLabelColor(text);
    }
    for (QAbstractAxis *axis : c->axes()) {
        axis->setLabelsBrush(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setLinePenColor(line);
    }
    setBackgroundBrush(p.base());
}

QueueStatusChart::QueueStatusChart(QWidget *parent) : PaletteChartView(parent), m_set(new QBarSet(tr("Jobs")))
{
    QChart *chart = plainChart(tr("Queues now"));
    // Horizontal, so the queue names have room at 1280 px wide.
    auto *series = new QHorizontalBarSeries;
    *m_set << 0 << 0 << 0 << 0 << 0;
    m_set->setColor(kBlue);
    m_set->setBorderColor(kBlue);
    series->append(m_set);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
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
    adopt(chart);
    setImageName(QStringLiteral("queues"));
    setEmptyText(tr("No data yet"));
    connect(m_set, &QBarSet::hovered, this, [this, categories](bool on, int i) {
        if (on)
            QToolTip::showText(
                QCursor::pos(),
                tr("%1: %2 jobs").arg(categories->at(i), QLocale().toString(qint64(m_set->at(i)))));
        else
            QToolTip::hideText();
    });
    m_set->setLabelColor(palette().color(QPalette::Text));
}

void QueueStatusChart::setQueues(const Queues &q)
{
    const QList<qreal> v{qreal(q.pending), qreal(q.processing), qreal(q.completed), qreal(q.failed),
                         qreal(q.cancelled.value_or(0))};
    setEmptyText(std::all_of(v.begin(), v.end(), [](qreal x) { return x == 0; }) ? tr("No jobs yet")
                                                                                 : QString());
    for (int i = 0; i < v.size(); ++i)
        m_set->replace(i, v[i]);
    countAxis(m_axis, *std::max_element(v.begin(), v.end()));
    m_set->setLabelColor(palette().color(QPalette::Text));
}

QList<qreal> QueueStatusChart::values() const
{
    QList<qreal> v;
    for (int i = 0; i < m_set->count(); ++i)
        v << m_set->at(i);
    return v;
}

TrendChart::TrendChart(const QString &title, const QStringList &seriesNames, const QString &unit,
                       const QString &labelFormat, QWidget *parent, bool stacked)
    : PaletteChartView(parent), m_stacked(stacked), m_title(title), m_unit(unit), m_labelFormat(labelFormat),
      m_time(new QDateTimeAxis), m_values(new QValueAxis)
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
        auto *s = new QLineSeries(this);
        s->setName(name);
        m_series << s;
        if (!m_stacked) {
            chart->addSeries(s);
            s->attachAxis(m_time);
            s->attachAxis(m_values);
            connect(s, &QLineSeries::hovered, this, &TrendChart::showTip);
        }
    }
    if (m_stacked) {
        // Bottom up: the last series first, each area between the previous edge and its own.
        QLineSeries *below = nullptr;
        QList<QAreaSeries *> areas;
        for (int i = int(seriesNames.size()) - 1; i >= 0; --i) {
            auto *edge = new QLineSeries(this);
            auto *area = new QAreaSeries(edge, below);
            area->setName(seriesNames[i]);
            chart->addSeries(area);
            area->attachAxis(m_time);
            area->attachAxis(m_values);
            connect(area, &QAreaSeries::hovered, this, &TrendChart::showTip);
            m_edges.prepend(edge);
            areas.prepend(area);
            below = edge;
        }
        m_areas = areas;
    }
    chart->legend()->setVisible(seriesNames.size() > 1);
    chart->legend()->setAlignment(Qt::AlignBottom);
    adopt(chart);
    setEmptyText(tr("No data yet"));
}

void TrendChart::setMarkers(const QList<QPair<QDateTime, QString>> &markers)
{
    m_markerTexts = markers;
    if (!m_markers) {
        m_markers = new QScatterSeries(this);
        m_markers->setName(tr("Alerts"));
        m_markers->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        m_markers->setMarkerSize(11);
        m_markers->setColor(kRed);
        m_markers->setBorderColor(Qt::white);
        chart()->addSeries(m_markers);
        m_markers->attachAxis(m_time);
        m_markers->attachAxis(m_values);
        chart()->legend()->markers(m_markers).value(0)->setVisible(false);
        connect(m_markers, &QScatterSeries::hovered, this, [this](const QPointF &at, bool on) {
            if (!on) {
                QToolTip::hideText();
                return;
            }
            QStringList lines;
            for (const auto &[when, text] : std::as_const(m_markerTexts))
                if (std::abs(qreal(when.toMSecsSinceEpoch()) - at.x()) < 60000)
                    lines << QStringLiteral("%1: %2").arg(
                        QLocale().toString(when.toLocalTime(), QLocale::ShortFormat), text);
            QToolTip::showText(QCursor::pos(), lines.join(QLatin1Char('\n')));
        });
    }
    // Each marker sits on the first series at the bucket it falls in, inside the time axis.
    const QList<QPointF> line = m_series.value(0) ? m_series[0]->points() : QList<QPointF>();
    QList<QPointF> points;
    const qint64 from = m_time->min().toMSecsSinceEpoch();
    const qint64 to = m_time->max().toMSecsSinceEpoch();
    for (const auto &marker : markers) {
        const qint64 t = marker.first.toMSecsSinceEpoch();
        if (line.isEmpty() || t < from || t > to)
            continue;
        const auto nearest =
            std::min_element(line.begin(), line.end(), [t](const QPointF &a, const QPointF &b) {
                return std::abs(a.x() - qreal(t)) < std::abs(b.x() - qreal(t));
            });
        points << QPointF(qreal(t), nearest->y());
    }
    m_markers->replace(points);
    m_markers->setVisible(emptyText().isEmpty());
}

QList<QPointF> TrendChart::markerPoints() const
{
    return m_markers ? m_markers->points() : QList<QPointF>();
}

void TrendChart::setColor(int series, const QColor &color, Qt::PenStyle style)
{
    if (m_stacked) {
        QAreaSeries *area = m_areas.value(series);
        if (!area)
            return;
        QColor fill = color;
        fill.setAlphaF(0.45);
        area->setBrush(fill);
        area->setPen(QPen(color, 2.0, style));
    } else if (QLineSeries *line = m_series.value(series)) {
        line->setPen(QPen(color, 2.5, style));
    }
}

void TrendChart::showTip(const QPointF &at, bool on)
{
    if (!on || m_series.isEmpty() || m_series.first()->count() == 0) {
        QToolTip::hideText();
        return;
    }
    // Every series' value in the bucket nearest to the pointer.
    const QList<QPointF> pts = m_series.first()->points();
    int nearest = 0;
    for (int i = 1; i < pts.size(); ++i)
        if (std::abs(pts[i].x() - at.x()) < std::abs(pts[nearest].x() - at.x()))
            nearest = i;
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(qint64(pts[nearest].x())).toLocalTime();
    QString tip = QLocale().toString(when, QLocale::ShortFormat);
    for (QLineSeries *s : m_series)
        tip += QStringLiteral("\n%1: %2 %3")
                   .arg(s->name(), formatValue(s->at(nearest).y(), m_labelFormat), m_unit);
    if (m_fromHistory.value(nearest))
        tip += QLatin1Char('\n') + tr("From local history (the server no longer has it)");
    QToolTip::showText(QCursor::pos(), tip);
}

void TrendChart::setNote(const QString &note)
{
    if (note == m_note)
        return;
    m_note = note;
    // Chart titles take HTML: the note goes on a second line, smaller.
    chart()->setTitle(note.isEmpty() ? m_title
                                     : m_title.toHtmlEscaped() + QStringLiteral("<br><small>") +
                                           note.toHtmlEscaped() + QStringLiteral("</small>"));
}

void TrendChart::setValueRange(qreal min, qreal max)
{
    m_fixedRange = qMakePair(min, max);
    m_values->setRange(min, max);
    m_values->setTickCount(5); // 0, 25, 50, 75, 100 rather than 0, 33.3, 66.7, 100
    m_values->setLabelFormat(QStringLiteral("%.0f"));
}

QList<QPointF> TrendChart::historyPoints() const
{
    return m_historyMarks ? m_historyMarks->points() : QList<QPointF>();
}

void TrendChart::setBuckets(const QList<HistoricalBucket> &buckets, const QList<QList<qreal>> &values,
                            const QList<bool> &fromHistory)
{
    m_fromHistory = fromHistory;
    if (!m_historyMarks && fromHistory.contains(true)) {
        m_historyMarks = new QScatterSeries(this);
        m_historyMarks->setName(tr("From local history"));
        m_historyMarks->setMarkerShape(QScatterSeries::MarkerShapeCircle);
        m_historyMarks->setMarkerSize(7);
        m_historyMarks->setColor(Qt::white); // hollow, grey-rimmed: reads on light and dark alike
        m_historyMarks->setBorderColor(QColor(0x80, 0x80, 0x80));
        chart()->addSeries(m_historyMarks);
        m_historyMarks->attachAxis(m_time);
        m_historyMarks->attachAxis(m_values);
        chart()->legend()->markers(m_historyMarks).value(0)->setVisible(false);
        connect(m_historyMarks, &QScatterSeries::hovered, this, &TrendChart::showTip);
    }
    if (buckets.isEmpty()) {
        setEmptyText(tr("No data for this range"));
        return;
    }
    setEmptyText({});
    qreal low = 0;
    qreal high = 0; // the axis fits the values: a fixed floor of 1 flattened a range of cents
    QList<QList<QPointF>> all;
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
        all << points;
    }
    if (m_stacked) {
        // Running sums from the bottom (the last series) up.
        QList<QPointF> sum;
        for (int s = int(m_series.size()) - 1; s >= 0; --s) {
            if (sum.isEmpty()) {
                sum = all[s];
            } else {
                for (int i = 0; i < sum.size() && i < all[s].size(); ++i)
                    sum[i].ry() += all[s][i].y();
            }
            for (const QPointF &p : sum) {
                low = std::min(low, p.y());
                high = std::max(high, p.y());
            }
            m_edges[s]->replace(sum);
        }
    }
    if (m_historyMarks) {
        // On the line (or the stacked areas' top edge) at each bucket from local history.
        const QList<QPointF> top = m_stacked ? m_edges.value(0)->points() : all.value(0);
        QList<QPointF> marks;
        for (int i = 0; i < top.size(); ++i)
            if (m_fromHistory.value(i))
                marks << top[i];
        m_historyMarks->replace(marks);
    }
    m_time->setRange(buckets.first().start.toLocalTime(), buckets.last().end.toLocalTime());
    // Hours for a day or less, days beyond: the labels must fit a third of the window.
    const qint64 span = buckets.first().start.secsTo(buckets.last().end);
    m_time->setFormat(span <= 86400 ? QStringLiteral("HH:mm") : QStringLiteral("d MMM"));
    const bool allZero = low == 0 && std::all_of(values.begin(), values.end(), [](const QList<qreal> &v) {
                             return std::all_of(v.begin(), v.end(), [](qreal x) { return x == 0; });
                         });
    if (allZero) {
        setEmptyText(tr("Nothing in this range"));
        return;
    }
    if (m_fixedRange) {
        m_values->setRange(m_fixedRange->first, m_fixedRange->second);
    } else if (m_labelFormat == QLatin1String("%.0f") && low >= 0) {
        countAxis(m_values, high / 1.2 * 1.05); // whole numbers: 0, 250, 500, … and never 0, 1, 1, 2
    } else {
        m_values->setRange(low, high > 0 ? high * 1.05 : 1);
        m_values->applyNiceNumbers(); // 0.00, 0.50, 1.00, … rather than 0, 0.37, 0.73
    }
}

QList<QPointF> TrendChart::points(int series) const
{
    return m_series.value(series) ? m_series[series]->points() : QList<QPointF>();
}

ErrorBreakdownChart::ErrorBreakdownChart(QWidget *parent)
    : PaletteChartView(parent), m_set(new QBarSet(tr("Failed requests"))), m_categories(new QBarCategoryAxis),
      m_axis(new QValueAxis)
{
    QChart *chart = plainChart(tr("Errors by code"));
    auto *series = new QHorizontalBarSeries;
    m_set->setColor(kRed);
    m_set->setBorderColor(kRed);
    series->append(m_set);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    chart->addSeries(series);
    chart->addAxis(m_categories, Qt::AlignLeft);
    series->attachAxis(m_categories);
    m_axis->setLabelFormat(QStringLiteral("%d"));
    m_axis->setTickCount(4);
    m_axis->setTitleText(tr("failed requests"));
    chart->addAxis(m_axis, Qt::AlignBottom);
    series->attachAxis(m_axis);
    chart->legend()->hide();
    adopt(chart);
    setImageName(QStringLiteral("errors"));
    connect(m_set, &QBarSet::hovered, this, [this](bool on, int i) {
        if (on)
            QToolTip::showText(QCursor::pos(),
                               tr("%1: %2 failed requests")
                                   .arg(m_categories->at(i), QLocale().toString(qint64(m_set->at(i)))));
        else
            QToolTip::hideText();
    });
    setErrors({});
    setEmptyText(tr("No data yet"));
}

void ErrorBreakdownChart::setErrors(const QList<QPair<QString, qint64>> &errors)
{
    QStringList names;
    QList<qreal> counts;
    qint64 other = 0;
    for (int i = 0; i < errors.size(); ++i) {
        if (i < kShown) {
            names << errors[i].first;
            counts << qreal(errors[i].second);
        } else {
            other += errors[i].second;
        }
    }
    if (other > 0) {
        names << tr("other codes");
        counts << qreal(other);
    }
    setEmptyText(names.isEmpty() ? tr("No failed requests in this range") : QString());
    if (names.isEmpty()) {
        names << QString();
        counts << 0;
    }
    // A horizontal bar chart draws its first category at the bottom: reverse, so the most frequent
    // code is on top, where the eye starts.
    std::reverse(names.begin(), names.end());
    std::reverse(counts.begin(), counts.end());
    if (m_categories->categories() != names) {
        m_categories->clear();
        m_categories->append(names);
    }
    if (m_set->count() != counts.size()) {
        m_set->remove(0, m_set->count());
        m_set->append(counts);
    } else {
        for (int i = 0; i < counts.size(); ++i)
            m_set->replace(i, counts[i]);
    }
    countAxis(m_axis, *std::max_element(counts.begin(), counts.end()));
    m_set->setLabelColor(palette().color(QPalette::Text));
}

QStringList ErrorBreakdownChart::categories() const
{
    QStringList c = m_categories->categories();
    std::reverse(c.begin(), c.end());
    return c;
}

QList<qreal> ErrorBreakdownChart::values() const
{
    QList<qreal> v;
    for (int i = m_set->count() - 1; i >= 0; --i)
        v << m_set->at(i);
    return v;
}

ResourceChart::ResourceChart(QWidget *parent)
    : PaletteChartView(parent), m_set(new QBarSet(tr("Per cent"))), m_axis(new QValueAxis)
{
    QChart *chart = plainChart(tr("Resources"));
    auto *series = new QHorizontalBarSeries;
    *m_set << 0 << 0;
    m_set->setColor(kOrange);
    m_set->setBorderColor(kOrange);
    series->append(m_set);
    series->setLabelsVisible(true);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsFormat(QStringLiteral("@value %"));
    chart->addSeries(series);
    auto *categories = new QBarCategoryAxis;
    categories->append({tr("Requests rate-limited"), tr("Token quota in use")});
    chart->addAxis(categories, Qt::AlignLeft);
    series->attachAxis(categories);
    m_axis->setRange(0, 100);
    m_axis->setLabelFormat(QStringLiteral("%d"));
    m_axis->setTickCount(5);
    m_axis->setTitleText(tr("per cent"));
    chart->addAxis(m_axis, Qt::AlignBottom);
    series->attachAxis(m_axis);
    chart->legend()->hide();
    adopt(chart);
    setImageName(QStringLiteral("resources"));
    m_tips = QStringList{QString(), QString()};
    setEmptyText(tr("No data yet"));
    connect(m_set, &QBarSet::hovered, this, [this](bool on, int i) {
        if (on && !m_tips.value(i).isEmpty())
            QToolTip::showText(QCursor::pos(), m_tips.value(i));
        else
            QToolTip::hideText();
    });
}

void ResourceChart::setResources(const Resources &r, qint64 totalRequests)
{
    setEmptyText({});
    const QLocale l;
    const qreal quota = r.quotaUtilization.value_or(0);
    const qreal limited =
        totalRequests > 0 ? std::round(qreal(r.rateLimitedRequests) * 1000.0 / qreal(totalRequests)) / 10.0
                          : 0;
    m_set->replace(0, limited);
    m_set->replace(1, quota);
    m_tips = QStringList{tr("%1 of %2 requests in the range failed with rate_limit_exceeded")
                             .arg(l.toString(r.rateLimitedRequests), l.toString(totalRequests)),
                         r.enqueuedTokenLimit > 0
                             ? tr("%1 of %2 input tokens enqueued at the provider (%3 %)")
                                   .arg(l.toString(r.enqueuedTokens), l.toString(r.enqueuedTokenLimit),
                                        l.toString(quota, 'f', 1))
                             : tr("%1 input tokens enqueued; the provider reports no quota")
                                   .arg(l.toString(r.enqueuedTokens))};
    // A quota may be exceeded (the provider then refuses new batches): widen the axis to show it.
    m_axis->setRange(0, std::max<qreal>(100, std::max(quota, limited) * 1.1));
    m_set->setLabelColor(palette().color(QPalette::Text));
    setToolTip(m_tips.join(QLatin1Char('\n')));
}

QList<qreal> ResourceChart::values() const
{
    return {m_set->at(1), m_set->at(0)}; // quota, rate-limited
}

QString ResourceChart::caption() const
{
    return m_tips.join(QLatin1Char('\n'));
}

TrendChart *makeThroughputChart(QWidget *parent)
{
    auto *chart = new TrendChart(QObject::tr("Throughput"), {QObject::tr("Requests per hour")},
                                 QObject::tr("requests/h"), QStringLiteral("%.0f"), parent);
    chart->setColor(0, kBlue);
    chart->setImageName(QStringLiteral("throughput"));
    return chart;
}

TrendChart *makeCostSavingsChart(QWidget *parent)
{
    // Savings run close to the cost (the Batch API halves the price): two lines lay on top of each
    // other. Stacked, the batch cost is the lower area, the saving the band above it, and the top edge
    // what the same requests would have cost one by one.
    auto *chart =
        new TrendChart(QObject::tr("Cost and savings"), {QObject::tr("Saved"), QObject::tr("Batch cost")},
                       QObject::tr("USD"), QStringLiteral("%.2f"), parent, true);
    chart->setColor(0, kGreen);
    chart->setColor(1, kOrange);
    chart->setImageName(QStringLiteral("cost-savings"));
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
