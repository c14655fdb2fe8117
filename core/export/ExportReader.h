// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportWriter.h"
#include "util/Result.h"

#include <QCoreApplication>
#include <QIODevice>

#include <functional>

namespace batchmon {

/// A JSON export read back: its header and the snapshot with every job.
struct ExportData
{
    ExportHeader header;
    MonitoringSnapshot snapshot;
};

/// Where and why a file could not be read.
struct ExportReadError
{
    qint64 offset = -1; ///< byte offset in the file, -1 when not known
    QString path;       ///< JSON path, e.g. "data.jobs[41].status"
    QString message;

    /// "byte 1234 (data.jobs[41]): the file ends in the middle of a value"
    QString toString() const;
};

/// Where one job's JSON object is in an export file.
struct ExportJobSpan
{
    qint64 offset = -1;
    qint64 length = 0;
};

/**
 * Reads a JSON export (ExportWriter's format, or any GET /api/admin/batch-monitoring response) as
 * a stream: the token stream is scanned in chunks and each job is parsed and decoded on its own, so
 * memory holds the jobs decoded, never the whole document. Strict: a truncated or malformed file,
 * trailing bytes, or an invalid job is an error naming the byte offset and the JSON path, and
 * nothing is returned.
 */
class ExportReader
{
    Q_DECLARE_TR_FUNCTIONS(batchmon::ExportReader)
public:
    static Result<ExportData, ExportReadError> read(QIODevice *device);
    /**
     * The same, in bounded memory: each job goes to `onJob` as soon as it is decoded, in file order,
     * and the result's snapshot has no jobs (header.jobCount says how many went by). On an error the
     * jobs already delivered must be dropped by the caller.
     */
    static Result<ExportData, ExportReadError> read(QIODevice *device,
                                                    const std::function<void(Job &&)> &onJob);
    /// Each job with where it is in the file; returning false stops the read with an error.
    using JobSink = std::function<bool(Job &&job, ExportJobSpan span)>;
    /// The same as above, with each job's place in the file (for reading it again with readJob()),
    /// and a way to stop (a cancelled open).
    static Result<ExportData, ExportReadError> read(QIODevice *device, const JobSink &onJob);
    /// The job at `span` of a file read before; `path` names it in an error (e.g. "data.jobs[41]").
    static Result<Job, ExportReadError> readJob(QIODevice *device, ExportJobSpan span, const QString &path);
    /// The same from the job's bytes, read already (they start at `offset` in the file).
    static Result<Job, ExportReadError> readJob(const QByteArray &bytes, qint64 offset, const QString &path);
    static Result<ExportData, ExportReadError> readFile(const QString &path);
};

} // namespace batchmon
