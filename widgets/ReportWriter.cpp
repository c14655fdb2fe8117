// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReportWriter.h"

#include "Charts.h"
#include "Colours.h"
#include "Format.h"
#include "JobTableModel.h"
#include "MetricFigures.h"
#include "ModelsInfo.h"

#include <QApplication>
#include <QLocale>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace batchmon {

namespace {

// The page in millimetres: A4 with 15 mm margins leaves 180 × 267 for the paint rect.
constexpr qreal kWidth = 180;
constexpr qreal kHeight = 267;
constexpr qreal kBodyTop = 11;
constexpr qreal kBodyBottom = 256;
constexpr qreal kTableTop = 19;
constexpr qreal kHeaderRow = 6;
constexpr qreal kRow = 4.6;   // (256 − 25) ÷ 4.6 → 50 rows (ReportWriter::kRowsPerPage)
constexpr int kNoteRows = 3;  ///< room for the note on jobs left out, on the last table page
constexpr int kTopErrors = 8; ///< error codes listed by name; the rest are summed

const QColor kInk(0x20, 0x20, 0x20);
const QColor kMuted(0x60, 0x60, 0x60);
const QColor kRule(0xc8, 0xc8, 0xc8);
const QColor kShade(0xf2, 0xf2, 0xf2);

/// Black text on white, whatever the desktop's theme: a dark PDF prints badly and reads worse.
QPalette lightPalette()
{
    QPalette p(kInk, Qt::white);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::Text, kInk);
    p.setColor(QPalette::WindowText, kInk);
    p.setColor(QPalette::PlaceholderText, kMuted);
    return p;
}

struct Column
{
    QString title;
    qreal width; ///< mm
    bool right;  ///< numbers align right
};

/// A time in local time, the same width in every locale: the C locale's short format had seconds and
/// did not fit the table's column.
QString stamp(const QDateTime &t)
{
    return t.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

ReportWriter::ReportWriter(ReportContent content) : m_content(std::move(content))
{
    const qint64 listed = m_content.snapshot.jobs.size();
    m_omitted = std::max<qint64>(0, m_content.totalJobs - listed);
    const qint64 rows = listed + (m_omitted > 0 ? kNoteRows : 0);
    m_pageCount = kOverviewPages + std::max(1, int((rows + kRowsPerPage - 1) / kRowsPerPage));
}

ReportWriter::~ReportWriter()
{
    // The painter ends the document into the file, which is then dropped unless finish() committed it.
    m_painter.reset();
    m_writer.reset();
    if (m_file)
        m_file->cancelWriting();
}

QString ReportWriter::rangeName(TimeRange range)
{
    switch (range) {
    case TimeRange::LastHour:
        return tr("Last hour");
    case TimeRange::LastDay:
        return tr("Last 24 hours");
    case TimeRange::LastWeek:
        return tr("Last 7 days");
    case TimeRange::LastMonth:
        return tr("Last 30 days");
    }
    return {};
}

QString ReportWriter::rangeText() const
{
    const auto range = m_content.header.timeRange ? m_content.header.timeRange : m_content.snapshot.timeRange;
    return range ? rangeName(*range) : tr("Time range not recorded");
}

QString ReportWriter::periodText() const
{
    const auto range = m_content.header.timeRange ? m_content.header.timeRange : m_content.snapshot.timeRange;
    const QDateTime end = m_content.snapshot.generatedAt.value_or(m_content.header.exportedAt);
    if (!range || !end.isValid())
        return {};
    return tr("%1 to %2").arg(stamp(end.addSecs(-durationSeconds(*range))), stamp(end));
}

QFont ReportWriter::font(qreal points, bool bold) const
{
    QFont f = m_base;
    f.setPointSizeF(points);
    f.setBold(bold);
    // No ligatures: with them, pdftotext and a reader's search or copy saw "content_ﬁlter" with one
    // "ﬁ" glyph instead of the code's letters (QFont::setFeature is Qt 6.6).
    f.setStyleStrategy(QFont::PreferNoShaping);
    return f;
}

bool ReportWriter::begin(const QString &path)
{
    m_path = path;
    m_file = std::make_unique<QSaveFile>(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        m_error =
            tr("could not create %1: %2. Choose a folder you can write to.").arg(path, m_file->errorString());
        return false;
    }
    m_queues = std::make_unique<QueueStatusChart>();
    m_throughput.reset(makeThroughputChart(nullptr));
    m_costs.reset(makeCostSavingsChart(nullptr));
    m_errors = std::make_unique<ErrorBreakdownChart>();
    m_resources = std::make_unique<ResourceChart>();
    // The charts lay their text out at the screen's resolution; a PDF at the same resolution draws it
    // the same size (at 1200 dpi the axis labels came out a quarter of their size). The output is
    // vector graphics either way.
    m_dpi = m_queues->logicalDpiY() > 0 ? m_queues->logicalDpiY() : 96;
    m_base = QApplication::font();

    m_writer = std::make_unique<QPdfWriter>(m_file.get());
    m_writer->setResolution(int(m_dpi));
    m_writer->setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Portrait,
                                        QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter));
    m_writer->setTitle(tr("batchmon report: %1, %2").arg(m_content.header.source, rangeText()));
    m_writer->setCreator(QStringLiteral("batchmon %1").arg(QCoreApplication::applicationVersion()));
    m_painter = std::make_unique<QPainter>();
    if (!m_painter->begin(m_writer.get())) {
        m_error = tr("could not start the PDF document %1").arg(path);
        return false;
    }
    m_painter->setRenderHint(QPainter::Antialiasing);
    m_painter->setRenderHint(QPainter::TextAntialiasing);
    return true;
}

void ReportWriter::writeNextPage()
{
    if (done() || !m_painter || !m_painter->isActive())
        return;
    if (m_page > 0)
        m_writer->newPage();
    ++m_page;
    drawFrame();
    if (m_page == 1)
        drawOverview();
    else if (m_page == 2)
        drawBreakdown();
    else
        drawJobs(m_page - kOverviewPages - 1);
}

bool ReportWriter::finish()
{
    if (!m_painter || !m_painter->isActive())
        return false;
    while (!done())
        writeNextPage();
    m_painter->end();
    m_painter.reset();
    m_writer.reset();
    if (!m_file->commit()) {
        m_error = tr("could not save %1: %2. Check that the disk has free space and try again.")
                      .arg(m_path, m_file->errorString());
        m_file.reset();
        return false;
    }
    m_file.reset();
    return true;
}

QString ReportWriter::write(const QString &path, const ReportContent &content)
{
    ReportWriter writer(content);
    if (!writer.begin(path) || !writer.finish())
        return writer.error();
    return {};
}

void ReportWriter::drawFrame()
{
    QPainter &p = *m_painter;
    p.save();
    p.setFont(font(7.5));
    p.setPen(kMuted);
    const QString period = periodText();
    const QString left = tr("batchmon report · %1").arg(m_content.header.source);
    const QString right = period.isEmpty() ? rangeText() : tr("%1 (%2)").arg(rangeText(), period);
    const qreal half = mm(kWidth) / 2;
    p.drawText(QRectF(0, 0, half, mm(6)), Qt::AlignLeft | Qt::AlignBottom,
               p.fontMetrics().elidedText(left, Qt::ElideMiddle, int(half - mm(2))));
    p.drawText(QRectF(half, 0, half, mm(6)), Qt::AlignRight | Qt::AlignBottom, right);
    p.setPen(QPen(kRule, mm(0.2)));
    p.drawLine(QPointF(0, mm(7)), QPointF(mm(kWidth), mm(7)));
    p.drawLine(QPointF(0, mm(kHeight - 8)), QPointF(mm(kWidth), mm(kHeight - 8)));
    p.setPen(kMuted);
    p.drawText(QRectF(0, mm(kHeight - 7), half, mm(6)), Qt::AlignLeft | Qt::AlignTop,
               tr("Exported %1").arg(stamp(m_content.header.exportedAt)));
    p.drawText(QRectF(half, mm(kHeight - 7), half, mm(6)), Qt::AlignRight | Qt::AlignTop,
               tr("Page %1 of %2").arg(m_page).arg(m_pageCount));
    p.restore();
}

qreal ReportWriter::drawHeading(const QString &text, qreal y)
{
    m_painter->setFont(font(11, true));
    m_painter->setPen(kInk);
    m_painter->drawText(QRectF(0, mm(y), mm(kWidth), mm(7)), Qt::AlignLeft | Qt::AlignVCenter, text);
    return y + 7;
}

void ReportWriter::drawChart(PaletteChartView *chart, const QRectF &r)
{
    chart->setPalette(lightPalette());
    // Shown without a window so that its resize and layout happen now, at the size it is printed.
    chart->setAttribute(Qt::WA_DontShowOnScreen);
    chart->resize(int(mm(r.width())), int(mm(r.height())));
    chart->show();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    const QRectF target(mm(r.x()), mm(r.y()), mm(r.width()), mm(r.height()));
    chart->render(m_painter.get(), target, chart->viewport()->rect(), Qt::IgnoreAspectRatio);
    m_painter->setPen(QPen(kRule, mm(0.2)));
    m_painter->setBrush(Qt::NoBrush);
    m_painter->drawRect(target);
}

void ReportWriter::drawOverview()
{
    QPainter &p = *m_painter;
    const ExportHeader &h = m_content.header;
    const MonitoringSnapshot &s = m_content.snapshot;
    const QLocale l;

    p.setFont(font(18, true));
    p.setPen(kInk);
    p.drawText(QRectF(0, mm(kBodyTop), mm(kWidth), mm(11)), Qt::AlignLeft | Qt::AlignVCenter,
               tr("Batch monitoring report"));

    QStringList filters;
    if (h.status)
        filters << tr("status %1").arg(statusDisplayName(*h.status));
    if (h.jobType)
        filters << tr("job type %1").arg(*h.jobType);
    const QDateTime exported = h.exportedAt.toLocalTime();
    const QString period = periodText();
    const QString jobs = m_omitted > 0
                             ? tr("%1 (the table lists the first %2)")
                                   .arg(l.toString(m_content.totalJobs), l.toString(qint64(s.jobs.size())))
                             : l.toString(m_content.totalJobs);
    const QList<QPair<QString, QString>> facts{
        {tr("Source"), h.source},
        {tr("Time range"), period.isEmpty() ? rangeText() : tr("%1, %2").arg(rangeText(), period)},
        {tr("Filters"), filters.isEmpty() ? tr("none (every status and job type)") : filters.join(tr(", "))},
        {tr("Exported at"),
         tr("%1 at %2, local time (%3)")
             .arg(l.toString(exported.date(), QLocale::LongFormat),
                  l.toString(exported.time(), QLocale::ShortFormat), exported.timeZoneAbbreviation())},
        {tr("Jobs"), jobs}};
    qreal y = kBodyTop + 13;
    for (const auto &[key, value] : facts) {
        p.setFont(font(9, true));
        p.setPen(kMuted);
        p.drawText(QRectF(0, mm(y), mm(28), mm(5)), Qt::AlignLeft | Qt::AlignVCenter, key);
        p.setFont(font(9));
        p.setPen(kInk);
        p.drawText(QRectF(mm(28), mm(y), mm(kWidth - 28), mm(5)), Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(value, Qt::ElideMiddle, int(mm(kWidth - 28))));
        y += 5;
    }

    // The five cards with the dashboard's own texts (DashboardFigures).
    y += 3;
    const DashboardFigures f = DashboardFigures::of(s, l);
    const QList<QPair<QString, const CardFigure *>> cards{
        {tr("Total Jobs"), &f.totalJobs},
        {tr("Success Rate"), &f.successRate},
        {tr("Cost Savings"), &f.costSavings},
        {tr("Average Processing Time"), &f.averageProcessingTime},
        {tr("Error Rate"), &f.errorRate}};
    const qreal gap = 3;
    const qreal cardWidth = (kWidth - gap * 4) / 5;
    const qreal cardHeight = 32;
    for (int i = 0; i < cards.size(); ++i) {
        const QRectF box(mm(i * (cardWidth + gap)), mm(y), mm(cardWidth), mm(cardHeight));
        p.setPen(QPen(kRule, mm(0.3)));
        p.setBrush(Qt::white);
        p.drawRoundedRect(box, mm(1.5), mm(1.5));
        const QRectF inner = box.adjusted(mm(2.5), mm(2), -mm(2.5), -mm(2));
        p.setFont(font(7, true));
        p.setPen(kMuted);
        // A title of two lines ("Average Processing Time") ends on the same line as those of one.
        p.drawText(QRectF(inner.x(), inner.y(), inner.width(), mm(7)),
                   Qt::AlignLeft | Qt::AlignBottom | Qt::TextWordWrap, cards[i].first);
        const CardFigure &c = *cards[i].second;
        p.setFont(font(14, true));
        p.setPen(kInk);
        p.drawText(QRectF(inner.x(), inner.y() + mm(7.5), inner.width(), mm(8)),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(c.value, Qt::ElideRight, int(inner.width())));
        QString arrow;
        if (c.trend == Trend::Up)
            arrow = QStringLiteral("▲ ");
        else if (c.trend == Trend::Down)
            arrow = QStringLiteral("▼ ");
        else if (c.trend == Trend::Flat)
            arrow = QStringLiteral("▶ ");
        p.setFont(font(6.5));
        p.setPen(c.trend == Trend::Up || c.trend == Trend::Down ? (c.good ? colours::kGreen : colours::kRed)
                                                                : kInk);
        p.drawText(QRectF(inner.x(), inner.y() + mm(16.5), inner.width(), inner.height() - mm(16.5)),
                   Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   c.change.isEmpty() ? QString() : arrow + c.change);
    }
    y += cardHeight + 4;

    y = drawHeading(tr("Activity"), y);
    if (s.historical) {
        updateThroughputChart(m_throughput.get(), *s.historical);
        updateCostSavingsChart(m_costs.get(), *s.historical);
    } else {
        // "No data yet" is the live dashboard's word; a report's source simply had none.
        m_throughput->setEmptyText(tr("The source reported no history"));
        m_costs->setEmptyText(tr("The source reported no history"));
    }
    m_queues->setQueues(s.queues);
    const qreal half = (kWidth - 4) / 2;
    const qreal lower = (kBodyBottom - y - 3) / 2;
    drawChart(m_throughput.get(), QRectF(0, y, kWidth, lower));
    y += lower + 3;
    drawChart(m_queues.get(), QRectF(0, y, half, lower));
    drawChart(m_costs.get(), QRectF(half + 4, y, half, lower));
}

void ReportWriter::drawBreakdown()
{
    QPainter &p = *m_painter;
    const MonitoringSnapshot &s = m_content.snapshot;
    const QLocale l;
    qreal y = drawHeading(tr("Errors and resources"), kBodyTop);

    QList<QPair<QString, qint64>> errors;
    for (const ErrorSummaryEntry &e : s.errors.value_or(QList<ErrorSummaryEntry>()))
        errors << qMakePair(e.error, e.count);
    m_errors->setErrors(errors);
    drawChart(m_errors.get(), QRectF(0, y, kWidth, 62));
    y += 65;
    if (s.resources)
        m_resources->setResources(*s.resources, s.summary.totalRequests);
    else
        m_resources->setEmptyText(tr("The source reported no resource figures."));
    drawChart(m_resources.get(), QRectF(0, y, kWidth, 40));
    y += 41;
    p.setFont(font(8));
    p.setPen(kMuted);
    p.drawText(QRectF(0, mm(y), mm(kWidth), mm(9)), Qt::AlignLeft | Qt::AlignTop,
               s.resources ? m_resources->caption() : tr("The source reported no resource figures."));
    y += 12;

    // Top errors: code, failed requests, share of the range's requests (docs/api.md §8.3).
    y = drawHeading(tr("Top errors"), y);
    const QList<Column> columns{{tr("Error code"), 100, false},
                                {tr("Failed requests"), 40, true},
                                {tr("Share of requests"), 40, true}};
    const auto row = [&](qreal top, const QStringList &cells, bool bold) {
        p.setFont(font(8, bold));
        p.setPen(kInk);
        qreal x = 0;
        for (int c = 0; c < columns.size(); ++c) {
            p.drawText(QRectF(mm(x + 1), mm(top), mm(columns[c].width - 2), mm(5)),
                       (columns[c].right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                       cells.value(c));
            x += columns[c].width;
        }
        p.setPen(QPen(kRule, mm(0.2)));
        p.drawLine(QPointF(0, mm(top + 5)), QPointF(mm(kWidth), mm(top + 5)));
    };
    row(y, {columns[0].title, columns[1].title, columns[2].title}, true);
    y += 5;
    const QList<ErrorSummaryEntry> all = s.errors.value_or(QList<ErrorSummaryEntry>());
    if (all.isEmpty()) {
        row(y, {tr("No failed requests in this range")}, false);
        y += 5;
    }
    qint64 otherCount = 0;
    double otherShare = 0;
    qint64 total = 0;
    for (int i = 0; i < all.size(); ++i) {
        total += all[i].count;
        if (i < kTopErrors) {
            row(y,
                {all[i].error, l.toString(all[i].count),
                 tr("%1 %").arg(l.toString(all[i].percentage, 'f', 1))},
                false);
            y += 5;
        } else {
            otherCount += all[i].count;
            otherShare += all[i].percentage;
        }
    }
    if (all.size() > kTopErrors) {
        row(y,
            {tr("%1 other codes").arg(all.size() - kTopErrors), l.toString(otherCount),
             tr("%1 %").arg(l.toString(otherShare, 'f', 1))},
            false);
        y += 5;
    }
    if (!all.isEmpty()) {
        row(y, {tr("All failed requests"), l.toString(total), QString()}, true);
        y += 5;
    }

    // Performance and the scheduler, two columns of figures.
    y = drawHeading(tr("Performance"), y + 4);
    const Performance &perf = s.performance;
    const auto percent = [&l](const std::optional<double> &v) -> QString {
        return v ? tr("%1 %").arg(l.toString(*v, 'f', 1)) : tr("—");
    };
    QString scheduler = tr("not reported");
    if (s.scheduler)
        scheduler = !s.scheduler->processingEnabled ? tr("processing disabled")
                    : s.scheduler->paused           ? tr("paused")
                                                    : tr("running");
    const QList<QPair<QString, QString>> figures{
        {tr("Requests per hour"), l.toString(perf.throughput.requestsPerHour, 'f', 0)},
        {tr("Batch utilisation"), percent(perf.efficiency.batchUtilization)},
        {tr("Jobs per hour"), l.toString(perf.throughput.jobsPerHour, 'f', 1)},
        {tr("Processing efficiency"), percent(perf.efficiency.processingEfficiency)},
        {tr("Average batch size"),
         perf.throughput.averageBatchSize ? l.toString(*perf.throughput.averageBatchSize, 'f', 0) : tr("—")},
        {tr("Error rate"), percent(perf.efficiency.errorRate)},
        {tr("Scheduler"), scheduler}};
    for (int i = 0; i < figures.size(); ++i) {
        const qreal x = (i % 2) * kWidth / 2;
        const qreal top = y + (i / 2) * 5;
        p.setFont(font(8, true));
        p.setPen(kMuted);
        p.drawText(QRectF(mm(x), mm(top), mm(45), mm(5)), Qt::AlignLeft | Qt::AlignVCenter, figures[i].first);
        p.setFont(font(8));
        p.setPen(kInk);
        p.drawText(QRectF(mm(x + 45), mm(top), mm(40), mm(5)), Qt::AlignLeft | Qt::AlignVCenter,
                   figures[i].second);
    }
}

void ReportWriter::drawJobs(int tablePage)
{
    QPainter &p = *m_painter;
    const QList<Job> &jobs = m_content.snapshot.jobs;
    const QLocale l;
    drawHeading(tablePage == 0 ? tr("Jobs") : tr("Jobs (continued)"), kBodyTop);
    // 180 mm: ids up to "batch-job-1234567", the statuses and short local times fit at 7 pt.
    const QList<Column> columns{
        {tr("Job"), 23, false},     {tr("Status"), 16, false},     {tr("Type"), 22, false},
        {tr("Requests"), 16, true}, {tr("Done/failed"), 19, true}, {tr("Created"), 25, false},
        {tr("Time"), 12, true},     {tr("Cost"), 13, true},        {tr("Model"), 34, false}};
    const auto cells = [&](qreal top, qreal height, const QStringList &texts) {
        qreal x = 0;
        for (int c = 0; c < columns.size(); ++c) {
            const qreal w = mm(columns[c].width - 2.5);
            p.drawText(QRectF(mm(x + 1.25), mm(top), w, mm(height)),
                       (columns[c].right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter,
                       p.fontMetrics().elidedText(texts.value(c), Qt::ElideRight, int(w)));
            x += columns[c].width;
        }
    };
    p.setPen(Qt::NoPen);
    p.setBrush(kShade);
    p.drawRect(QRectF(0, mm(kTableTop), mm(kWidth), mm(kHeaderRow)));
    p.setFont(font(7, true));
    p.setPen(kInk);
    QStringList titles;
    for (const Column &c : columns)
        titles << c.title;
    cells(kTableTop, kHeaderRow, titles);

    const qint64 first = qint64(tablePage) * kRowsPerPage;
    const qint64 last = std::min<qint64>(first + kRowsPerPage, jobs.size());
    qreal y = kTableTop + kHeaderRow;
    p.setFont(font(7));
    for (qint64 i = first; i < last; ++i) {
        const Job &j = jobs.at(i);
        if ((i - first) % 2 == 1) {
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(0xf8, 0xf8, 0xf8));
            p.drawRect(QRectF(0, mm(y), mm(kWidth), mm(kRow)));
        }
        p.setPen(kInk);
        // A running job's cost is known when its results are processed (as in the dashboard's table).
        const QString cost =
            !isFinished(j.status) && j.costEstimate == Money() ? QString() : formatDollars(j.costEstimate, l);
        cells(y, kRow,
              {j.id, statusDisplayName(j.status), j.jobType, l.toString(j.requestCount),
               tr("%1 / %2").arg(l.toString(j.completedCount), l.toString(j.failedCount)), stamp(j.createdAt),
               j.processingTimeMs ? JobTableModel::formatDuration(*j.processingTimeMs) : QString(), cost,
               j.model.value_or(QString())});
        y += kRow;
    }
    p.setPen(QPen(kRule, mm(0.2)));
    p.drawLine(QPointF(0, mm(y)), QPointF(mm(kWidth), mm(y)));

    const bool lastPage = m_page == m_pageCount;
    if (!lastPage)
        return;
    p.setPen(kInk);
    p.setFont(font(8));
    QString note;
    if (jobs.isEmpty() && m_omitted == 0)
        note = tr("No jobs in this range and filters.");
    else if (m_omitted > 0)
        note = tr("%1 more jobs of this export are not listed: the report lists the first %2 jobs in the "
                  "export's order. The JSON or CSV export (batchmon export --format json|csv) has them all.")
                   .arg(l.toString(m_omitted), l.toString(qint64(jobs.size())));
    if (!note.isEmpty())
        p.drawText(QRectF(0, mm(y + 2), mm(kWidth), mm(kRow * kNoteRows - 2)),
                   Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, note);
}

} // namespace batchmon
