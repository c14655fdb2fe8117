// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ExportReader.h"
#include "source/DataSource.h"

#include <QThread>

#include <atomic>
#include <memory>

namespace batchmon {

class FileWorker;

/**
 * A JSON export opened for offline review: a read-only DataSource over the file. Opening reads the
 * whole file once on a worker thread, checking every job, and keeps only where each job is and what
 * the filters need (24 bytes a job), so a million-job file opens in bounded memory; a page of jobs is
 * read back from the file when asked for. A truncated or malformed file fails to open, naming the
 * byte and JSON path where it broke, and nothing of it is shown.
 *
 * The cards and charts show the file's snapshot as it was exported; the status and job-type filters
 * and the pages apply to the file's jobs. Actions, alerts and the configuration answer that an export
 * is read only. If the file changes on disk after opening, reads say so rather than show other data.
 */
class FileSource : public DataSource
{
    Q_OBJECT
public:
    explicit FileSource(const QString &path, QObject *parent = nullptr);
    ~FileSource() override;

    QString path() const { return m_path; }
    /// The file's export header and snapshot (without jobs); valid once opened() was emitted.
    const ExportData &data() const { return m_data; }

    /// Starts reading the file; openProgress…, then opened() or openFailed().
    void open();
    /// Stops an open under way; openFailed() follows with a cancellation message.
    void cancelOpen() { m_cancel->store(true); }
    bool wasCancelled() const { return m_cancel->load(); }

    QFuture<ApiResult<MonitoringSnapshot>> fetchMonitoring(const MonitoringQuery &query) override;
    QFuture<ApiResult<Job>> fetchJob(const QString &id) override;
    QFuture<ApiResult<Job>> retryJob(const QString &id) override;
    QFuture<ApiResult<Job>> cancelJob(const QString &id) override;
    QFuture<ApiResult<Job>> pauseJob(const QString &id) override;
    QFuture<ApiResult<Job>> resumeJob(const QString &id) override;
    QFuture<ApiResult<Job>> setJobPriority(const QString &id, JobPriority priority) override;
    QFuture<ApiResult<AlertConfig>> fetchAlertConfig() override;
    QFuture<ApiResult<AlertConfig>> updateAlertConfig(const AlertConfig &config) override;
    QFuture<ApiResult<AlertPreview>> previewAlerts(const AlertConfig &config) override;
    QFuture<ApiResult<AlertEventPage>> fetchAlertEvents(const AlertEventQuery &query) override;
    QFuture<ApiResult<AlertEvent>> acknowledgeAlertEvent(qint64 id) override;
    QFuture<ApiResult<BatchConfig>> fetchConfig() override;
    QFuture<ApiResult<BatchConfig>> updateConfig(const BatchConfig &config) override;
    QFuture<ApiResult<SchedulerState>> pauseScheduler() override;
    QFuture<ApiResult<SchedulerState>> resumeScheduler() override;
    QFuture<ApiResult<Identity>> fetchIdentity() override;
    bool isLive() const override { return false; }

    /// The error every change answers with: an export is read only.
    static ApiError readOnly();

signals:
    /// Share of the file read, 0–100.
    void openProgress(int percent);
    void opened();
    void openFailed(const QString &message);

private:
    template<typename T> QFuture<ApiResult<T>> run(std::function<ApiResult<T>(FileWorker &)> work);
    template<typename T> static QFuture<ApiResult<T>> refuse();

    QString m_path;
    ExportData m_data;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QThread m_thread;
    FileWorker *m_worker = nullptr;
};

} // namespace batchmon
