// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Snapshot.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QIODevice>
#include <QString>

namespace batchmon {

enum class ExportFormat
{
    Json,
    Csv,
};

/// The `data.export` header of a JSON export (docs/api.md, "Exports"); the API never sends it.
struct ExportHeader
{
    QDateTime exportedAt; ///< UTC
    QString source;       ///< "demo", a profile name, a server URL or a file name
    std::optional<TimeRange> timeRange;
    std::optional<JobStatus> status;
    std::optional<QString> jobType;
    qint64 jobCount = 0; ///< filled in by the reader from the jobs it read

    auto tie() const { return std::tie(exportedAt, source, timeRange, status, jobType); }

    /// The source to name when this export, read from the file `fileName`, is exported again: where its
    /// data came from first, and the file it went through ("demo, re-exported from week.json of
    /// 2026-11-29 14:31 UTC").
    QString sourceWhenReexported(const QString &fileName) const;
};

/**
 * Streams one export to a device: begin() with the snapshot of the first page (its jobs are
 * ignored), writeJobs() once per page, finish(). Nothing but the page at hand is held in memory.
 * JSON is `{"success":true,"data":{"export":{…},…snapshot…,"jobs":[…]}}`; CSV is RFC 4180, one row
 * per job. A write error stops the export; error() says why.
 */
class ExportWriter
{
    Q_DECLARE_TR_FUNCTIONS(batchmon::ExportWriter)
public:
    ExportWriter(QIODevice *device, ExportFormat format);

    bool begin(const ExportHeader &header, const MonitoringSnapshot &snapshot);
    bool writeJobs(const QList<Job> &jobs);
    bool finish();

    qint64 jobsWritten() const { return m_jobs; }
    QString error() const { return m_error; }

    /// The CSV header row's field names, the API's (without the line end).
    static QByteArray csvHeader();
    /// One job as the JSON export writes it: json::encode(job), written directly.
    static QByteArray jobJson(const Job &job);
    /// One job as a CSV record, CRLF-terminated.
    static QByteArray csvRecord(const Job &job);
    /// One field quoted as RFC 4180 wants: in double quotes, doubled inside, when it holds a comma,
    /// a quote, CR or LF.
    static QByteArray csvField(const QString &value);

private:
    bool write(const QByteArray &bytes);

    QIODevice *m_device;
    ExportFormat m_format;
    qint64 m_jobs = 0;
    QString m_error;
};

} // namespace batchmon
