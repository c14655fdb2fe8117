// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportWriter.h"
#include "source/DataSource.h"

#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QSaveFile>
#include <QSet>

#include <functional>
#include <memory>

namespace batchmon {

/**
 * Exports every job of `query` from a DataSource to a file: walks the pages (100 jobs each), feeds
 * each page to an ExportWriter on a QSaveFile, and commits the file only when every page was
 * written. A failed or cancelled export leaves nothing at `path` (an older file there is kept).
 * A job seen twice (pages shift while new jobs arrive) is written once. Memory holds a page and the
 * last ids written, whatever the export's size. Deletes itself after `finished`.
 */
class ExportCollector : public QObject
{
    Q_OBJECT
public:
    ExportCollector(DataSource *source, const MonitoringQuery &query, const ExportHeader &header,
                    ExportFormat format, const QString &path, QObject *parent = nullptr);
    /// Starts; `finished` follows, always.
    void start();
    /// Stops after the page under way; `finished` reports the cancellation and no file is left.
    void cancel() { m_cancelled = true; }

    /// Writes already loaded data (an export read back) to `path` atomically; an empty string or why not.
    static QString writeFile(const QString &path, ExportFormat format, const ExportHeader &header,
                             const MonitoringSnapshot &snapshot);

    /**
     * Re-exports the JSON export `input` to `path` in bounded memory: a first pass checks the whole
     * file, a second streams its jobs that `keep` accepts to the writer. An empty string or why not;
     * `written` gets the number of jobs written. `header.timeRange` is the file's, which `fileRange`
     * (if given) receives; `header.source` names the file's own source and the file
     * (ExportHeader::sourceWhenReexported).
     */
    static QString convertFile(const QString &input, const QString &path, ExportFormat format,
                               ExportHeader header, const std::function<bool(const Job &)> &keep,
                               qint64 *written, std::optional<TimeRange> *fileRange = nullptr);

signals:
    void progress(qint64 written, qint64 expected);
    /**
     * The page under way failed for a reason that may pass (the server's rate limit when
     * `rateLimited`, its Retry-After as `delayMs`) and is asked for again after `delayMs`; `pages` is 0
     * until the first page said how many there are. The source gives up after its last attempt, or at
     * once when the server asks for a longer wait than docs/api.md §5 allows, and `finished` says why.
     */
    void retryScheduled(qint64 page, qint64 pages, int delayMs, const QString &reason, bool rateLimited);
    /// `error` is empty on success; the file is then complete at its path.
    void finished(const QString &error, qint64 jobsWritten);

private:
    void fetchNext();
    void finish(const QString &error);
    /// Why the page under way could not be fetched, and where the export stopped.
    QString fetchError(const ApiError &error) const;

    QPointer<DataSource> m_source;
    MonitoringQuery m_query;
    ExportHeader m_header;
    QString m_path;
    std::unique_ptr<QSaveFile> m_file;
    std::unique_ptr<ExportWriter> m_writer;
    /// The ids of the last kSeenWindow jobs written: a job that moved to the next page while the pages
    /// were fetched (new jobs arrived above it) is written once, in memory that does not grow with the
    /// export. Only more than kSeenWindow new jobs between two page fetches could slip a duplicate by.
    static constexpr int kSeenWindow = 10000;
    QSet<QString> m_seen;
    QQueue<QString> m_seenOrder;
    qint64 m_expected = 0;
    qint64 m_pages = 0;
    bool m_fetching = false; ///< a page is in flight: the source's retries are ours
    bool m_cancelled = false;
};

} // namespace batchmon
