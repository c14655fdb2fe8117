// SPDX-License-Identifier: GPL-3.0-or-later
#include "ReportExport.h"

#include "export/ExportCollector.h"
#include "export/ExportReader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

namespace batchmon {

namespace {

/// How long one step of drawing pages may hold the UI thread: a table page takes about 5 ms, and
/// 40 ms stays below what a user notices as a stall.
constexpr qint64 kStepMs = 40;

} // namespace

ReportExport::ReportExport(DataSource *source, const MonitoringQuery &query, const ExportHeader &header,
                           const QString &path, QObject *parent)
    : QObject(parent), m_source(source), m_query(query), m_header(header), m_path(path)
{}

ReportExport::ReportExport(const QString &input, std::function<bool(const Job &)> keep,
                           const ExportHeader &header, const QString &path, QObject *parent)
    : QObject(parent), m_header(header), m_path(path), m_input(input), m_keep(std::move(keep))
{}

ReportExport::~ReportExport()
{
    if (m_reader) {
        m_reader->wait(); // it reads into m_read, which it shares; nothing else to stop
        delete m_reader;
    }
}

Result<ReportContent, QString>
ReportExport::readExport(const QString &input, const std::function<bool(const Job &)> &keep, qint64 maxJobs)
{
    QFile in(input);
    if (!in.open(QIODevice::ReadOnly))
        return tr("could not open %1: %2").arg(input, in.errorString());
    QList<Job> listed;
    qint64 accepted = 0;
    auto read = ExportReader::read(&in, [&](Job &&job) {
        if (!keep(job))
            return;
        ++accepted;
        if (listed.size() < maxJobs)
            listed.append(std::move(job));
    });
    if (!read)
        return tr("%1 is not a readable export: %2").arg(input, read.error().toString());
    ReportContent content;
    content.header = read.value().header;
    content.snapshot = std::move(read.value().snapshot);
    content.snapshot.jobs = std::move(listed);
    content.totalJobs = accepted;
    return content;
}

void ReportExport::start()
{
    // Whether the report can be saved where asked, before minutes of collecting jobs for nothing.
    QSaveFile probe(m_path);
    if (!probe.open(QIODevice::WriteOnly)) {
        finish(tr("could not create %1: %2. Choose a folder you can write to.")
                   .arg(m_path, probe.errorString()));
        return;
    }
    probe.cancelWriting();
    if (!m_input.isEmpty()) {
        readBack(m_input);
        return;
    }
    m_temp = std::make_unique<QTemporaryDir>();
    if (!m_temp->isValid()) {
        finish(tr("could not create a temporary folder for the export: %1").arg(m_temp->errorString()));
        return;
    }
    emit stageChanged(tr("Collecting the jobs of this view…"));
    const QString json = m_temp->filePath(QStringLiteral("export.json"));
    m_collector = new ExportCollector(m_source, m_query, m_header, ExportFormat::Json, json, this);
    connect(m_collector, &ExportCollector::progress, this, &ReportExport::progress);
    connect(m_collector, &ExportCollector::retryScheduled, this, &ReportExport::retryScheduled);
    connect(m_collector, &ExportCollector::finished, this, [this, json](const QString &error) {
        if (!error.isEmpty())
            finish(error);
        else
            readBack(json);
    });
    m_collector->start();
}

void ReportExport::cancel()
{
    m_cancelled = true;
    if (m_collector)
        m_collector->cancel();
}

void ReportExport::readBack(const QString &input)
{
    if (m_cancelled) {
        finish(tr("the export was cancelled; no file was written"));
        return;
    }
    emit stageChanged(tr("Reading the jobs back…"));
    emit progress(0, 0);
    // A million jobs take seconds to decode: off the UI thread. The thread touches only its copies and
    // the shared result.
    m_read = std::make_shared<std::optional<Result<ReportContent, QString>>>();
    std::function<bool(const Job &)> keep = m_keep;
    if (!keep)
        keep = [](const Job &) {
            return true;
        };
    m_reader = QThread::create([result = m_read, input, keep] { *result = readExport(input, keep); });
    connect(m_reader, &QThread::finished, this, &ReportExport::onRead);
    m_reader->start();
}

void ReportExport::onRead()
{
    m_reader->wait();
    delete m_reader;
    m_reader = nullptr;
    m_temp.reset(); // the temporary export is read; its disk space goes back now
    if (m_cancelled) {
        finish(tr("the export was cancelled; no file was written"));
        return;
    }
    if (!*m_read || !(*m_read)->ok()) {
        finish(*m_read ? (*m_read)->error() : tr("the export could not be read back"));
        return;
    }
    ReportContent content = std::move(**m_read).value();
    m_read.reset();
    const std::optional<TimeRange> fileRange =
        content.header.timeRange ? content.header.timeRange : content.snapshot.timeRange;
    const ExportHeader fileHeader = content.header;
    content.header = m_header;
    if (!m_input.isEmpty()) {
        content.header.timeRange = fileRange; // a file holds one range, whatever was asked
        // and came from somewhere first: the report names it, and the file it went through
        content.header.source = fileHeader.sourceWhenReexported(QFileInfo(m_input).fileName());
    }
    m_jobs = content.totalJobs;
    m_writer = std::make_unique<ReportWriter>(std::move(content));
    if (!m_writer->begin(m_path)) {
        finish(m_writer->error());
        return;
    }
    emit stageChanged(tr("Writing the report…"));
    renderSome();
}

void ReportExport::renderSome()
{
    if (m_cancelled) {
        m_writer.reset(); // drops the unfinished file
        finish(tr("the export was cancelled; no file was written"));
        return;
    }
    QElapsedTimer clock;
    clock.start();
    while (!m_writer->done() && clock.elapsed() < kStepMs)
        m_writer->writeNextPage();
    emit progress(m_writer->pagesWritten(), m_writer->pageCount());
    if (!m_writer->done()) {
        QTimer::singleShot(0, this, &ReportExport::renderSome);
        return;
    }
    const bool ok = m_writer->finish();
    const QString error = ok ? QString() : m_writer->error();
    m_writer.reset();
    finish(error);
}

void ReportExport::finish(const QString &error)
{
    if (m_finished)
        return;
    m_finished = true;
    emit finished(error, error.isEmpty() ? m_jobs : 0);
    deleteLater();
}

} // namespace batchmon
