// SPDX-License-Identifier: GPL-3.0-or-later
// The PDF report of a known snapshot, read back with poppler (pdfinfo, pdftotext -layout, pdftoppm):
// its pages, the source and the time range on every page, the cards' texts, the top errors, each job
// on its page, the note on the jobs left out; a dark desktop still gets a white page; a failed or
// cancelled report leaves nothing. And a chart saved as PNG from its context menu's method.
#include "Appearance.h"
#include "Charts.h"
#include "MetricFigures.h"
#include "ReportExport.h"
#include "ReportWriter.h"
#include "export/ExportCollector.h"

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace batchmon;

namespace {

const QDateTime kStart(QDate(2026, 11, 28), QTime(12, 0), Qt::UTC);

Job job(int n)
{
    Job j;
    j.id = QStringLiteral("batch-job-%1").arg(n);
    j.batchId = QStringLiteral("batch_%1").arg(n);
    j.status = n % 7 == 0 ? JobStatus::Failed : JobStatus::Completed;
    j.jobType = n % 2 ? QStringLiteral("ai_analysis") : QStringLiteral("summarize");
    j.requestCount = 100 + n;
    j.completedCount = 98;
    j.failedCount = 2 + n;
    j.createdAt = kStart.addSecs(n * 60);
    j.startedAt = j.createdAt.addSecs(30);
    j.completedAt = j.createdAt.addSecs(1830);
    j.processingTimeMs = 1800000;
    j.costEstimate = Money::fromMicros(40000 + n);
    j.model = QStringLiteral("gpt-4o-mini");
    return j;
}

/// The seed's figures (docs/api.md §8.4), ten error codes, 24 hourly buckets and `jobs` jobs.
MonitoringSnapshot known(int jobs)
{
    MonitoringSnapshot s;
    s.timeRange = TimeRange::LastDay;
    s.generatedAt = kStart.addSecs(86400);
    s.summary.totalJobs = 156;
    s.summary.completedJobs = 142;
    s.summary.failedJobs = 8;
    s.summary.pendingJobs = 6;
    s.summary.totalRequests = 15600;
    s.summary.processedRequests = 14200;
    s.summary.costSavings.currentPeriod = Money::fromMicros(234560000);
    s.summary.costSavings.projectedMonthly = Money::fromMicros(7038450000);
    s.summary.costSavings.savingsPercentage = 48.2;
    s.summary.averageProcessingTime = 1800000;
    s.summary.successRate = 95.2;
    PeriodTotals previous;
    previous.totalJobs = 150;
    previous.successRate = 94.0;
    previous.costSavings = Money::fromMicros(200000000);
    previous.averageProcessingTime = 2100000;
    s.summary.previousPeriod = previous;
    s.queues = Queues{12, 3, 142, 8, 2};
    s.performance.throughput = Throughput{650, 6.5, 100};
    s.performance.efficiency = Efficiency{20, 87.5, 4.8};
    Resources r;
    r.enqueuedTokens = 37400000;
    r.enqueuedTokenLimit = 200000000;
    r.quotaUtilization = 18.7;
    r.rateLimitedRequests = 156;
    s.resources = r;
    s.errors = QList<ErrorSummaryEntry>{};
    const QList<QPair<QString, qint64>> codes{
        {QStringLiteral("token_limit_exceeded"), 312},  {QStringLiteral("rate_limit_exceeded"), 156},
        {QStringLiteral("request_timeout"), 145},       {QStringLiteral("invalid_request"), 40},
        {QStringLiteral("model_not_found"), 30},        {QStringLiteral("server_error"), 20},
        {QStringLiteral("context_length_exceeded"), 5}, {QStringLiteral("content_filter"), 2},
        {QStringLiteral("quota_exceeded"), 1},          {QStringLiteral("unknown_error"), 1}};
    for (const auto &[code, count] : codes)
        s.errors->append(ErrorSummaryEntry{code, count, std::round(count * 1000.0 / 15600) / 10});
    Historical h;
    h.bucketSeconds = 3600;
    for (int i = 0; i < 24; ++i) {
        HistoricalBucket b;
        b.start = kStart.addSecs(i * 3600);
        b.end = b.start.addSecs(3600);
        b.jobs = 6 + i % 3;
        b.requests = 600 + i * 10;
        b.batchCost = Money::fromMicros(1000000 + i * 10000);
        b.savings = Money::fromMicros(950000 + i * 10000);
        h.buckets << b;
    }
    s.historical = h;
    for (int n = 1; n <= jobs; ++n)
        s.jobs << job(n);
    s.scheduler = SchedulerState();
    return s;
}

ExportHeader header()
{
    ExportHeader h;
    h.exportedAt = kStart.addSecs(86460);
    h.source = QStringLiteral("ops-eu");
    h.timeRange = TimeRange::LastDay;
    return h;
}

/// A poppler tool's path; the test fails (never skips) without it: tools/dev installs poppler-utils.
QString tool(const char *name)
{
    const QString path = QStandardPaths::findExecutable(QLatin1String(name));
    if (path.isEmpty())
        qFatal("%s is missing: install poppler-utils (tools/dev deps)", name);
    return path;
}

QByteArray run(const char *name, const QStringList &args)
{
    QProcess p;
    p.start(tool(name), args);
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        qFatal("%s failed: %s", name, p.readAllStandardError().constData());
    return p.readAllStandardOutput();
}

int pageCount(const QString &pdf)
{
    const QString info = QString::fromUtf8(run("pdfinfo", {pdf}));
    const QRegularExpressionMatch m =
        QRegularExpression(QStringLiteral("^Pages:\\s+(\\d+)$"), QRegularExpression::MultilineOption)
            .match(info);
    return m.hasMatch() ? m.captured(1).toInt() : -1;
}

/// The text of each page, as pdftotext -layout lays it out (pages end with a form feed).
QStringList pageTexts(const QString &pdf)
{
    QStringList pages =
        QString::fromUtf8(run("pdftotext", {QStringLiteral("-layout"), pdf, QStringLiteral("-")}))
            .split(QLatin1Char('\f'));
    if (!pages.isEmpty() && pages.last().trimmed().isEmpty())
        pages.removeLast();
    return pages;
}

bool hasJob(const QString &page, const QString &id)
{
    return page.contains(QRegularExpression(QStringLiteral("\\b%1\\b").arg(QRegularExpression::escape(id))));
}

} // namespace

class TestReportWriter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QVERIFY(m_dir.isValid());
    }

    void reportOfKnownSnapshot()
    {
        ReportContent content;
        content.header = header();
        content.snapshot = known(120);
        content.totalJobs = 120;
        const QString pdf = m_dir.filePath(QStringLiteral("known.pdf"));
        QCOMPARE(ReportWriter::write(pdf, content), QString());

        // Two overview pages, then 120 jobs at 50 a page.
        QCOMPARE(pageCount(pdf), 5);
        const QStringList pages = pageTexts(pdf);
        QCOMPARE(pages.size(), 5);
        for (int i = 0; i < pages.size(); ++i) {
            QVERIFY2(pages[i].contains(QStringLiteral("ops-eu")), qPrintable(pages[i]));
            QVERIFY2(pages[i].contains(QStringLiteral("Last 24 hours")), qPrintable(pages[i]));
            QVERIFY2(pages[i].contains(QStringLiteral("Page %1 of 5").arg(i + 1)), qPrintable(pages[i]));
        }

        // Page 1: the title, the facts and the dashboard's card texts; the charts drew their axes.
        const QString &first = pages[0];
        QVERIFY(first.contains(QStringLiteral("Batch monitoring report")));
        QVERIFY(first.contains(QStringLiteral("none (every status and job type)")));
        const DashboardFigures f = DashboardFigures::of(content.snapshot);
        for (const CardFigure *c :
             {&f.totalJobs, &f.successRate, &f.costSavings, &f.averageProcessingTime, &f.errorRate}) {
            QVERIFY2(!c->value.isEmpty() && first.contains(c->value), qPrintable(c->value));
        }
        QVERIFY(first.contains(QStringLiteral("Total Jobs")));
        QVERIFY(first.contains(QStringLiteral("$234.56")));
        QVERIFY2(first.contains(QStringLiteral("requests/h")), qPrintable(first)); // the throughput axis
        QVERIFY(first.contains(QStringLiteral("Queues now")));
        QVERIFY(first.contains(QStringLiteral("Cost and savings")));
        QVERIFY(!first.contains(QStringLiteral("No data")));

        // Page 2: the top eight codes by name with their counts and shares, the other two summed.
        const QString &second = pages[1];
        QVERIFY(second.contains(QStringLiteral("Top errors")));
        QVERIFY(
            second.contains(QRegularExpression(QStringLiteral("token_limit_exceeded\\s+312\\s+2\\.0 %"))));
        QVERIFY(second.contains(QRegularExpression(QStringLiteral("request_timeout\\s+145\\s+0\\.9 %"))));
        QVERIFY(second.contains(QRegularExpression(QStringLiteral("2 other codes\\s+2\\s"))));
        QVERIFY(second.contains(QRegularExpression(QStringLiteral("All failed requests\\s+712"))));
        QVERIFY(second.contains(QStringLiteral("37,400,000 of 200,000,000 input tokens enqueued")));
        QVERIFY(second.contains(QStringLiteral("Errors by code")));
        QVERIFY(second.contains(QRegularExpression(QStringLiteral("Scheduler\\s+running"))));

        // The jobs, each on its page and only there, with the header row repeated.
        for (int i = 0; i < 120; ++i) {
            const QString id = content.snapshot.jobs[i].id;
            for (int page = 1; page <= 5; ++page)
                QVERIFY2(hasJob(pages[page - 1], id) == (page == ReportWriter::pageOfJob(i)),
                         qPrintable(QStringLiteral("%1 on page %2").arg(id).arg(page)));
        }
        QCOMPARE(ReportWriter::pageOfJob(49), 3);
        QCOMPARE(ReportWriter::pageOfJob(50), 4);
        for (int page = 3; page <= 5; ++page)
            QVERIFY(pages[page - 1].contains(
                QRegularExpression(QStringLiteral("Job\\s+Status\\s+Type\\s+Requests"))));
        QVERIFY(pages[2].contains(
            QRegularExpression(QStringLiteral("batch-job-7\\s+Failed\\s+ai_analysis\\s+107\\s+98 / 9"))));
        QVERIFY(!pages[4].contains(QStringLiteral("not listed")));
    }

    void cappedReportSaysWhatIsLeftOut()
    {
        // A JSON export of 130 jobs read back for a report of at most 60: one streaming pass.
        const QString json = m_dir.filePath(QStringLiteral("capped.json"));
        QCOMPARE(ExportCollector::writeFile(json, ExportFormat::Json, header(), known(130)), QString());
        const auto read = ReportExport::readExport(
            json, [](const Job &) { return true; }, 60);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error()));
        QCOMPARE(read.value().snapshot.jobs.size(), 60);
        QCOMPARE(read.value().totalJobs, 130);
        QCOMPARE(read.value().snapshot.summary.totalJobs, 156);
        const auto failed = ReportExport::readExport(
            json, [](const Job &j) { return j.status == JobStatus::Failed; }, 10);
        QVERIFY(failed.ok());
        QCOMPARE(failed.value().totalJobs, 18); // 7, 14, …, 126
        QCOMPARE(failed.value().snapshot.jobs.size(), 10);

        ReportContent content = read.value();
        content.header = header();
        const QString pdf = m_dir.filePath(QStringLiteral("capped.pdf"));
        QCOMPARE(ReportWriter::write(pdf, content), QString());
        // 60 rows and the note's three fill 63 of 100 slots: two table pages.
        QCOMPARE(pageCount(pdf), 4);
        const QStringList pages = pageTexts(pdf);
        QCOMPARE(pages.size(), 4);
        QVERIFY(pages[0].contains(QStringLiteral("130 (the table lists the first 60)")));
        QVERIFY(hasJob(pages[3], QStringLiteral("batch-job-60")));
        for (const QString &page : pages)
            QVERIFY(!hasJob(page, QStringLiteral("batch-job-61")));
        const QString last = pages[3].simplified();
        QVERIFY2(last.contains(QStringLiteral("70 more jobs of this export are not listed")),
                 qPrintable(last));
        QVERIFY(last.contains(QStringLiteral("The JSON or CSV export")));
        QVERIFY(!pages[2].contains(QStringLiteral("not listed")));
    }

    void emptyReport()
    {
        ReportContent content;
        content.header = header();
        content.header.status = JobStatus::Failed;
        content.snapshot = known(0);
        content.snapshot.errors = QList<ErrorSummaryEntry>{};
        const QString pdf = m_dir.filePath(QStringLiteral("empty.pdf"));
        QCOMPARE(ReportWriter::write(pdf, content), QString());
        const QStringList pages = pageTexts(pdf);
        QCOMPARE(pages.size(), 3);
        QVERIFY(pages[0].contains(QStringLiteral("status Failed")));
        QVERIFY(pages[1].contains(QStringLiteral("No failed requests in this range")));
        QVERIFY(pages[2].contains(QStringLiteral("No jobs in this range and filters.")));
    }

    void darkDesktopStillPrintsOnWhite()
    {
        const QPalette before = QApplication::palette();
        QApplication::setPalette(Appearance::darkPalette());
        ReportContent content;
        content.header = header();
        content.snapshot = known(10);
        content.totalJobs = 10;
        const QString pdf = m_dir.filePath(QStringLiteral("dark.pdf"));
        const QString error = ReportWriter::write(pdf, content);
        QApplication::setPalette(before);
        QCOMPARE(error, QString());
        run("pdftoppm", {QStringLiteral("-png"), QStringLiteral("-r"), QStringLiteral("40"),
                         QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"), QStringLiteral("1"),
                         QStringLiteral("-singlefile"), pdf, m_dir.filePath(QStringLiteral("dark"))});
        const QImage page(m_dir.filePath(QStringLiteral("dark.png")));
        QVERIFY(!page.isNull());
        // The charts included: count the light pixels of the whole page, and of the throughput chart's
        // middle (40 dpi: 180 mm wide from 15 mm, the chart 105–170 mm down).
        const auto lightShare = [&page](const QRect &r) {
            int light = 0;
            for (int y = r.top(); y <= r.bottom(); ++y)
                for (int x = r.left(); x <= r.right(); ++x)
                    light += qGray(page.pixel(x, y)) > 200 ? 1 : 0;
            return double(light) / (r.width() * r.height());
        };
        QVERIFY2(lightShare(page.rect()) > 0.85, qPrintable(QString::number(lightShare(page.rect()))));
        const QRect chart(int(40 / 25.4 * 40), int(120 / 25.4 * 40), int(100 / 25.4 * 40),
                          int(30 / 25.4 * 40));
        QVERIFY2(lightShare(chart) > 0.7, qPrintable(QString::number(lightShare(chart))));
    }

    void failedWriteLeavesNothing()
    {
        ReportContent content;
        content.header = header();
        content.snapshot = known(5);
        content.totalJobs = 5;
        const QString nowhere = m_dir.filePath(QStringLiteral("missing-folder/report.pdf"));
        const QString error = ReportWriter::write(nowhere, content);
        QVERIFY2(error.contains(nowhere), qPrintable(error));
        QVERIFY(!QFile::exists(nowhere));

        // A writer dropped before finish() (a cancel) leaves nothing, and an older file is kept.
        const QString kept = m_dir.filePath(QStringLiteral("kept.pdf"));
        {
            QFile old(kept);
            QVERIFY(old.open(QIODevice::WriteOnly));
            old.write("older");
        }
        {
            ReportWriter writer(content);
            QVERIFY(writer.begin(kept));
            writer.writeNextPage();
        }
        QFile old(kept);
        QVERIFY(old.open(QIODevice::ReadOnly));
        QCOMPARE(old.readAll(), QByteArray("older"));
    }

    void reportExportFromFileAndCancel()
    {
        const QString json = m_dir.filePath(QStringLiteral("source.json"));
        QCOMPARE(ExportCollector::writeFile(json, ExportFormat::Json, header(), known(300)), QString());
        ExportHeader h = header();
        h.source = QStringLiteral("source.json");
        h.timeRange = TimeRange::LastMonth; // a file's own range wins
        const QString pdf = m_dir.filePath(QStringLiteral("from-file.pdf"));
        auto *report = new ReportExport(
            json, [](const Job &j) { return j.jobType == QLatin1String("summarize"); }, h, pdf);
        QSignalSpy done(report, &ReportExport::finished);
        QSignalSpy progress(report, &ReportExport::progress);
        report->start();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.first().at(0).toString(), QString());
        QCOMPARE(done.first().at(1).toLongLong(), 150);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), 5); // pages: 2 + 150 jobs at 50 a page
        const QStringList pages = pageTexts(pdf);
        QCOMPARE(pages.size(), 5);
        QVERIFY(pages[4].contains(QStringLiteral("Last 24 hours")));
        QVERIFY(hasJob(pages[2], QStringLiteral("batch-job-2")));
        QVERIFY(!hasJob(pages[2], QStringLiteral("batch-job-1")));

        // Cancelled while the pages are drawn: nothing at the path.
        const QString cancelled = m_dir.filePath(QStringLiteral("cancelled.pdf"));
        auto *second = new ReportExport(json, {}, h, cancelled);
        QSignalSpy ended(second, &ReportExport::finished);
        connect(second, &ReportExport::stageChanged, second, [second](const QString &stage) {
            if (stage.startsWith(QLatin1String("Writing")))
                second->cancel(); // the document is open, no page is drawn yet
        });
        second->start();
        QVERIFY(ended.wait(60000));
        QVERIFY2(ended.first().at(0).toString().contains(QStringLiteral("cancelled")),
                 qPrintable(ended.first().at(0).toString()));
        QVERIFY(!QFile::exists(cancelled));
    }

    void chartSavedAsPng()
    {
        std::unique_ptr<TrendChart> chart(makeThroughputChart(nullptr));
        updateThroughputChart(chart.get(), *known(0).historical);
        chart->resize(480, 300);
        QVERIFY(QRegularExpression(QStringLiteral("^batchmon-throughput-\\d{4}-\\d\\d-\\d\\d\\.png$"))
                    .match(chart->defaultImageFileName())
                    .hasMatch());
        const QString png = m_dir.filePath(QStringLiteral("throughput.png"));
        QString error;
        QVERIFY2(chart->saveImage(png, &error), qPrintable(error));
        QImage image;
        QVERIFY(image.load(png, "PNG"));
        QCOMPARE(image.size(), QSize(480, 300) * chart->devicePixelRatio());
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 5)
            for (int x = 0; x < image.width(); x += 5)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 10, qPrintable(QString::number(colours.size())));

        const QString nowhere = m_dir.filePath(QStringLiteral("missing-folder/chart.png"));
        QVERIFY(!chart->saveImage(nowhere, &error));
        QVERIFY2(error.contains(nowhere), qPrintable(error));
        QVERIFY(!QFile::exists(nowhere));
    }
};

QTEST_MAIN(TestReportWriter)
#include "tst_reportwriter.moc"
