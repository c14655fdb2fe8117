// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportCollector.h"

#include "ExportReader.h"

#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>

namespace batchmon {

namespace {

QString openError(const QString &path, const QSaveFile &file)
{
    return ExportCollector::tr("could not create %1: %2. Choose a folder you can write to.")
        .arg(path, file.errorString());
}

QString commitError(const QString &path, const QSaveFile &file)
{
    return ExportCollector::tr("could not save %1: %2. Check that the disk has free space and try again.")
        .arg(path, file.errorString());
}

} // namespace

ExportCollector::ExportCollector(DataSource *source, const MonitoringQuery &query, const ExportHeader &header,
                                 ExportFormat format, const QString &path, QObject *parent)
    : QObject(parent), m_source(source), m_query(query), m_header(header), m_path(path),
      m_file(std::make_unique<QSaveFile>(path))
{
    m_query.includeDetails = false;
    m_query.limit = MonitoringQuery::kMaxLimit;
    m_query.page = 1;
    m_writer = std::make_unique<ExportWriter>(m_file.get(), format);
    if (m_source) {
        // The source retries a page by itself (docs/api.md §5); say so, or a wait of a minute for the
        // server's rate limit (60 requests a minute: page 61 of a 7-day view) looks like a hang.
        connect(m_source, &DataSource::retryScheduled, this,
                [this](int, int delayMs, const QString &reason, bool rateLimited) {
                    if (m_fetching)
                        emit retryScheduled(m_query.page, m_pages, delayMs, reason, rateLimited);
                });
    }
}

void ExportCollector::start()
{
    if (!m_file->open(QIODevice::WriteOnly)) {
        finish(openError(m_path, *m_file));
        return;
    }
    fetchNext();
}

void ExportCollector::fetchNext()
{
    if (m_cancelled) {
        finish(tr("the export was cancelled; no file was written"));
        return;
    }
    if (!m_source) {
        finish(tr("the connection was closed before the export finished"));
        return;
    }
    auto *watcher = new QFutureWatcher<ApiResult<MonitoringSnapshot>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_fetching = false;
        const ApiResult<MonitoringSnapshot> r = watcher->future().result();
        if (!r.ok()) {
            finish(fetchError(r.error()));
            return;
        }
        const MonitoringSnapshot &s = r.value();
        m_pages = s.pagination ? s.pagination->totalPages : 1; // grows while new jobs arrive
        if (m_query.page == 1) {
            m_expected = s.pagination ? s.pagination->total : s.jobs.size();
            if (!m_writer->begin(m_header, s)) {
                finish(m_writer->error());
                return;
            }
        }
        QList<Job> fresh;
        fresh.reserve(s.jobs.size());
        for (const Job &job : s.jobs) {
            if (m_seen.contains(job.id))
                continue;
            m_seen.insert(job.id);
            m_seenOrder.enqueue(job.id);
            if (m_seenOrder.size() > kSeenWindow)
                m_seen.remove(m_seenOrder.dequeue());
            fresh.append(job);
        }
        if (!m_writer->writeJobs(fresh)) {
            finish(m_writer->error());
            return;
        }
        emit progress(m_writer->jobsWritten(), m_expected);
        if (m_query.page < m_pages && !s.jobs.isEmpty()) {
            ++m_query.page;
            fetchNext();
            return;
        }
        if (!m_writer->finish()) {
            finish(m_writer->error());
            return;
        }
        finish(m_file->commit() ? QString() : commitError(m_path, *m_file));
    });
    m_fetching = true;
    watcher->setFuture(m_source->fetchMonitoring(m_query));
}

QString ExportCollector::fetchError(const ApiError &error) const
{
    QString message = error.userMessage();
    const QString where =
        m_pages > 0 ? tr("page %1 of %2").arg(m_query.page).arg(m_pages) : tr("page %1").arg(m_query.page);
    if (error.attempts > 1) {
        message += QLatin1Char(' ') +
                   tr("The export gave up on %1 after %2 attempts.").arg(where).arg(error.attempts);
    } else if (error.kind == ApiError::Kind::RateLimited && error.retryAfterSeconds) {
        // Not retried with a Retry-After: longer than a client waits (docs/api.md §5, 120 s).
        message += QLatin1Char(' ') + tr("That is longer than an export waits; the export stopped at %1. "
                                         "Run it again later.")
                                          .arg(where);
    }
    return message;
}

void ExportCollector::finish(const QString &error)
{
    if (!error.isEmpty())
        m_file->cancelWriting(); // nothing is left behind: QSaveFile removes its temporary file
    emit finished(error, error.isEmpty() ? m_writer->jobsWritten() : 0);
    deleteLater();
}

QString ExportCollector::writeFile(const QString &path, ExportFormat format, const ExportHeader &header,
                                   const MonitoringSnapshot &snapshot)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return openError(path, file);
    ExportWriter writer(&file, format);
    constexpr qsizetype kChunk = 1000;
    bool ok = writer.begin(header, snapshot);
    for (qsizetype i = 0; ok && i < snapshot.jobs.size(); i += kChunk)
        ok = writer.writeJobs(snapshot.jobs.mid(i, kChunk));
    ok = ok && writer.finish();
    if (!ok) {
        file.cancelWriting();
        return writer.error();
    }
    return file.commit() ? QString() : commitError(path, file);
}

QString ExportCollector::convertFile(const QString &input, const QString &path, ExportFormat format,
                                     ExportHeader header, const std::function<bool(const Job &)> &keep,
                                     qint64 *written, std::optional<TimeRange> *fileRange)
{
    *written = 0;
    QFile in(input);
    if (!in.open(QIODevice::ReadOnly))
        return tr("could not open %1: %2").arg(input, in.errorString());
    const auto checked = ExportReader::read(&in, [](Job &&) {});
    if (!checked)
        return tr("%1 is not a readable export: %2").arg(input, checked.error().toString());
    header.timeRange = checked.value().snapshot.timeRange;
    // Where the data came from first, and the file it went through.
    header.source = checked.value().header.sourceWhenReexported(QFileInfo(input).fileName());
    if (fileRange)
        *fileRange = header.timeRange;

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return openError(path, file);
    ExportWriter writer(&file, format);
    bool ok = writer.begin(header, checked.value().snapshot);
    QList<Job> batch;
    in.seek(0);
    const auto streamed = ExportReader::read(&in, [&](Job &&job) {
        if (!ok || !keep(job))
            return;
        batch.append(std::move(job));
        if (batch.size() >= 1000) {
            ok = writer.writeJobs(batch);
            batch.clear();
        }
    });
    if (!streamed) {
        file.cancelWriting();
        return tr("%1 changed while it was read: %2").arg(input, streamed.error().toString());
    }
    ok = ok && writer.writeJobs(batch) && writer.finish();
    if (!ok) {
        file.cancelWriting();
        return writer.error();
    }
    if (!file.commit())
        return commitError(path, file);
    *written = writer.jobsWritten();
    return QString();
}

} // namespace batchmon
