// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ReportWriter.h"
#include "source/DataSource.h"
#include "util/Result.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

class QTemporaryDir;
class QThread;

namespace batchmon {

class ExportCollector;

/**
 * A PDF report of every job of a view, in bounded memory and without freezing the UI thread: the
 * jobs go to a temporary JSON export first (ExportCollector, page by page), which a worker thread
 * reads back keeping the first ReportWriter::kMaxJobs jobs and counting the rest; then the pages are
 * drawn on this thread (the charts are widgets) a few per event-loop turn. Nothing is left at `path`
 * unless it all worked. Deletes itself after `finished`.
 */
class ReportExport : public QObject
{
    Q_OBJECT
public:
    /// Every job of `query` from `source`.
    ReportExport(DataSource *source, const MonitoringQuery &query, const ExportHeader &header,
                 const QString &path, QObject *parent = nullptr);
    /// The JSON export file `input`, its jobs that `keep` accepts; the report's time range is the file's.
    ReportExport(const QString &input, std::function<bool(const Job &)> keep, const ExportHeader &header,
                 const QString &path, QObject *parent = nullptr);
    ~ReportExport() override;

    /// Starts; `finished` follows, always.
    void start();
    /// Stops at the next step; `finished` reports the cancellation and no file is left.
    void cancel();

    /**
     * Reads the JSON export `input` for a report in one streaming pass: the snapshot's parts, the
     * first `maxJobs` jobs that `keep` accepts (in file order) and how many it accepts in all. The
     * content's header is the file's. Safe on any thread.
     */
    static Result<ReportContent, QString> readExport(const QString &input,
                                                     const std::function<bool(const Job &)> &keep,
                                                     qint64 maxJobs = ReportWriter::kMaxJobs);

signals:
    /// `done` of `total` in the stage `stageChanged` last named (jobs collected, then pages drawn).
    void progress(qint64 done, qint64 total);
    void stageChanged(const QString &text);
    /// While the jobs are collected: ExportCollector::retryScheduled (the server's rate limit, …).
    void retryScheduled(qint64 page, qint64 pages, int delayMs, const QString &reason, bool rateLimited);
    /// `error` is empty on success; the file is then complete at its path. `jobs`: the export's jobs.
    void finished(const QString &error, qint64 jobs);

private:
    void readBack(const QString &input);
    void onRead();
    void renderSome();
    void finish(const QString &error);

    QPointer<DataSource> m_source;
    MonitoringQuery m_query;
    ExportHeader m_header;
    QString m_path;
    QString m_input;
    std::function<bool(const Job &)> m_keep;
    std::unique_ptr<QTemporaryDir> m_temp;
    QPointer<ExportCollector> m_collector;
    QThread *m_reader = nullptr;
    std::shared_ptr<std::optional<Result<ReportContent, QString>>> m_read;
    std::unique_ptr<ReportWriter> m_writer;
    qint64 m_jobs = 0;
    bool m_cancelled = false;
    bool m_finished = false;
};

} // namespace batchmon
