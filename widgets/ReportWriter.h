// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "export/ExportWriter.h"

#include <QCoreApplication>
#include <QFont>

#include <memory>

class QPainter;
class QPdfWriter;
class QSaveFile;

namespace batchmon {

class ErrorBreakdownChart;
class PaletteChartView;
class QueueStatusChart;
class ResourceChart;
class TrendChart;

/// What a PDF report shows: the export's header, the snapshot's parts and the jobs to list.
struct ReportContent
{
    ExportHeader header;
    /// summary, queues, performance, resources, historical, errors, scheduler; `jobs` holds the jobs
    /// the table lists (at most ReportWriter's cap, in the export's order).
    MonitoringSnapshot snapshot;
    /// Every job of the export; more than snapshot.jobs.size() when the table was capped.
    qint64 totalJobs = 0;
};

/**
 * Renders a report as an A4 PDF: page 1 the title, source, time range, filters and the five metric
 * cards with the activity charts; page 2 the error and resource charts, the top errors and the
 * performance figures; then the job table with its header row on every page. Each page carries the
 * source, the time range and "Page N of M". Black on white whatever the desktop's theme.
 *
 * Written one page at a time (begin(), writeNextPage() until done(), finish()) so a caller on the UI
 * thread can return to its event loop between pages. The file is a QSaveFile: nothing appears at the
 * path unless finish() succeeds. Needs a QApplication (the charts are widgets).
 */
class ReportWriter
{
    Q_DECLARE_TR_FUNCTIONS(batchmon::ReportWriter)
public:
    /// The table lists at most this many jobs: 5,000 jobs make 100 table pages (≈ 2 MB); the JSON and
    /// CSV exports are the place for a million.
    static constexpr qint64 kMaxJobs = 5000;
    /// Rows of the job table on one page.
    static constexpr int kRowsPerPage = 50;
    /// Pages before the job table.
    static constexpr int kOverviewPages = 2;

    explicit ReportWriter(ReportContent content);
    ~ReportWriter();
    ReportWriter(const ReportWriter &) = delete;
    ReportWriter &operator=(const ReportWriter &) = delete;

    /// Opens `path` for writing; false (see error()) when it cannot be created.
    bool begin(const QString &path);
    int pageCount() const { return m_pageCount; }
    int pagesWritten() const { return m_page; }
    bool done() const { return m_page >= m_pageCount; }
    /// Draws the next page.
    void writeNextPage();
    /// Ends the document and commits the file; false (see error()) when it could not be saved.
    bool finish();
    QString error() const { return m_error; }

    /// The page (1-based) that lists the job at `index` in the table.
    static int pageOfJob(qint64 index) { return kOverviewPages + 1 + int(index / kRowsPerPage); }
    /// The whole report in one go; an empty string or why not.
    static QString write(const QString &path, const ReportContent &content);

    /// The range's name as the report says it ("Last 24 hours").
    static QString rangeName(TimeRange range);

private:
    qreal mm(qreal v) const { return v * m_dpi / 25.4; }
    QFont font(qreal points, bool bold = false) const;
    void drawFrame();
    void drawOverview();
    void drawBreakdown();
    void drawJobs(int tablePage);
    void drawChart(PaletteChartView *chart, const QRectF &mmRect);
    qreal drawHeading(const QString &text, qreal y);
    QString rangeText() const;
    QString periodText() const;

    ReportContent m_content;
    QString m_path;
    QString m_error;
    qreal m_dpi = 96;
    int m_pageCount = 0;
    int m_page = 0;
    qint64 m_omitted = 0;
    QFont m_base;
    std::unique_ptr<QSaveFile> m_file;
    std::unique_ptr<QPdfWriter> m_writer;
    std::unique_ptr<QPainter> m_painter;
    std::unique_ptr<QueueStatusChart> m_queues;
    std::unique_ptr<TrendChart> m_throughput;
    std::unique_ptr<TrendChart> m_costs;
    std::unique_ptr<ErrorBreakdownChart> m_errors;
    std::unique_ptr<ResourceChart> m_resources;
};

} // namespace batchmon
