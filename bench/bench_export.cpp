// SPDX-License-Identifier: GPL-3.0-or-later
// Exports at scale (issue 7): a 1,000,000-job JSON export written to a file and read back as a
// stream. Run alone, under /usr/bin/time -v, for the peak RSS:
//   batchmon-bench --benchmark_filter=Export
// (each of Write, Read and OpenFile alone for its own peak RSS).
#include "ExportCollector.h"
#include "ExportReader.h"
#include "ExportWriter.h"
#include "FileSource.h"

#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryDir>

#include <benchmark/benchmark.h>

using namespace batchmon;

namespace {

constexpr qint64 kJobs = 1000000;

Job benchJob(qint64 i)
{
    Job j;
    j.id = QStringLiteral("batch-job-%1").arg(i);
    j.batchId = QStringLiteral("batch_%1").arg(i, 24, 16, QLatin1Char('0'));
    j.status = i % 10 == 0 ? JobStatus::Failed : JobStatus::Completed;
    j.jobType = QStringLiteral("classification");
    j.requestCount = 100 + i % 900;
    j.completedCount = j.requestCount - i % 7;
    j.failedCount = i % 7;
    j.createdAt = QDateTime(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC).addSecs(i);
    j.startedAt = j.createdAt.addSecs(5);
    j.completedAt = j.createdAt.addSecs(3600);
    j.processingTimeMs = 3595000;
    j.costEstimate = Money::fromMicros(1000 + i);
    j.model = QStringLiteral("gpt-4.1-mini");
    j.inputTokens = 50000 + i % 1000;
    j.outputTokens = 2000 + i % 100;
    return j;
}

QString exportPath(const QTemporaryDir &dir)
{
    return dir.filePath(QStringLiteral("bench-export.json"));
}

void writeExport(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    ExportWriter writer(&file, ExportFormat::Json);
    ExportHeader header;
    header.exportedAt = QDateTime::currentDateTimeUtc();
    header.source = QStringLiteral("bench");
    MonitoringSnapshot snapshot;
    snapshot.timeRange = TimeRange::LastMonth;
    writer.begin(header, snapshot);
    QList<Job> page;
    for (qint64 i = 0; i < kJobs; ++i) {
        page.append(benchJob(i));
        if (page.size() == 100) { // as the collector writes: a page at a time
            writer.writeJobs(page);
            page.clear();
        }
    }
    writer.writeJobs(page);
    if (!writer.finish() || !file.commit())
        qFatal("write failed: %s", qPrintable(writer.error()));
}

void BM_ExportWriteJson1M(benchmark::State &state)
{
    QTemporaryDir dir;
    for (auto _ : state)
        writeExport(exportPath(dir));
    state.counters["jobs"] = double(kJobs);
    state.counters["MB"] = double(QFileInfo(exportPath(dir)).size()) / 1e6;
}
BENCHMARK(BM_ExportWriteJson1M)->Unit(benchmark::kSecond)->Iterations(1);

void BM_ExportReadJson1M(benchmark::State &state)
{
    QTemporaryDir dir;
    writeExport(exportPath(dir));
    for (auto _ : state) {
        // As the app opens a file: every job decoded and checked, none kept (FileSource keeps where
        // each one is, not the job).
        QFile file(exportPath(dir));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(exportPath(dir)));
        qint64 requests = 0;
        const auto read =
            ExportReader::read(&file, ExportReader::JobSink([&requests](Job &&job, ExportJobSpan) {
                requests += job.requestCount;
                return true;
            }));
        if (!read || read.value().header.jobCount != kJobs)
            qFatal("read failed: %s", qPrintable(read ? QStringLiteral("count") : read.error().toString()));
        benchmark::DoNotOptimize(requests);
    }
    state.counters["jobs"] = double(kJobs);
}
BENCHMARK(BM_ExportReadJson1M)->Unit(benchmark::kSecond)->Iterations(1);

/// What File ▸ Open does with a million-job export: FileSource reads and checks it all on its worker
/// thread and keeps an index; then the first page, and the first page of failed jobs, as the
/// dashboard asks for them.
void BM_ExportOpenFile1M(benchmark::State &state)
{
    QTemporaryDir dir;
    writeExport(exportPath(dir));
    for (auto _ : state) {
        FileSource source(exportPath(dir));
        QEventLoop loop;
        QString failure;
        QObject::connect(&source, &FileSource::opened, &loop, &QEventLoop::quit);
        QObject::connect(&source, &FileSource::openFailed, &loop, [&](const QString &message) {
            failure = message;
            loop.quit();
        });
        source.open();
        loop.exec();
        if (!failure.isEmpty())
            qFatal("open failed: %s", qPrintable(failure));
        MonitoringQuery query;
        query.limit = 100;
        for (int pass = 0; pass < 2; ++pass) {
            auto page = source.fetchMonitoring(query);
            page.waitForFinished();
            if (!page.result() || page.result().value().pagination->total < 100000)
                qFatal("page failed");
            query.status = JobStatus::Failed;
        }
    }
    state.counters["jobs"] = double(kJobs);
}
BENCHMARK(BM_ExportOpenFile1M)->Unit(benchmark::kSecond)->Iterations(1);

/// What File ▸ Export does with an open million-job file: ExportCollector walks its 10,000 pages and
/// writes CSV (the file's opening is not timed).
void BM_ExportCollectFile1MToCsv(benchmark::State &state)
{
    QTemporaryDir dir;
    writeExport(exportPath(dir));
    FileSource source(exportPath(dir));
    {
        QEventLoop loop;
        QObject::connect(&source, &FileSource::opened, &loop, &QEventLoop::quit);
        QObject::connect(&source, &FileSource::openFailed, &loop,
                         [](const QString &message) { qFatal("open failed: %s", qPrintable(message)); });
        source.open();
        loop.exec();
    }
    const QString csv = dir.filePath(QStringLiteral("again.csv"));
    qint64 written = 0;
    for (auto _ : state) {
        ExportHeader header;
        header.exportedAt = QDateTime::currentDateTimeUtc();
        header.source = QStringLiteral("bench-export.json");
        auto *collector = new ExportCollector(&source, MonitoringQuery(), header, ExportFormat::Csv, csv);
        QEventLoop loop;
        QObject::connect(collector, &ExportCollector::finished, &loop,
                         [&](const QString &error, qint64 jobs) {
                             if (!error.isEmpty())
                                 qFatal("export failed: %s", qPrintable(error));
                             written = jobs;
                             loop.quit();
                         });
        collector->start();
        loop.exec();
    }
    if (written != kJobs)
        qFatal("wrote %lld jobs", written);
    state.counters["jobs"] = double(written);
    state.counters["MB"] = double(QFileInfo(csv).size()) / 1e6;
}
BENCHMARK(BM_ExportCollectFile1MToCsv)->Unit(benchmark::kSecond)->Iterations(1);

} // namespace
