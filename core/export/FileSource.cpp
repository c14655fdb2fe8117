// SPDX-License-Identifier: GPL-3.0-or-later
#include "FileSource.h"

#include "source/WorkerCall.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QPromise>

#include <vector>

namespace batchmon {

/// FileSource's half on its worker thread: the open file and the index of its jobs.
class FileWorker : public QObject
{
    Q_OBJECT
public:
    FileWorker(const QString &path, std::shared_ptr<std::atomic_bool> cancel)
        : m_file(path), m_cancel(std::move(cancel))
    {}

    void open();
    ApiResult<MonitoringSnapshot> monitoring(const MonitoringQuery &query);
    ApiResult<Job> job(const QString &id);

signals:
    void progress(int percent);
    void opened(const batchmon::ExportData &data);
    void openFailed(const QString &message);

private:
    /// What the filters need of one job, and where it is in the file.
    struct Entry
    {
        qint64 offset;
        quint32 length;
        quint32 idHash;
        quint32 jobType; ///< index into m_jobTypes
        quint8 status;
    };

    /// The entries (indexes into m_entries) a filter selects, kept for the next page of the same one.
    const std::vector<quint32> &matching(const MonitoringQuery &query);
    /// The error for a file that cannot be read back as it was opened.
    ApiError changed(const QString &detail) const;
    bool unchanged() const;
    Result<Job, ExportReadError> readAt(quint32 index);

    QFile m_file;
    std::shared_ptr<std::atomic_bool> m_cancel;
    ExportData m_data;
    std::vector<Entry> m_entries;
    QStringList m_jobTypes;
    QHash<QString, quint32> m_jobTypeIndex;
    qint64 m_size = -1;
    QDateTime m_modified;
    bool m_open = false;
    // The last filter's selection.
    std::optional<JobStatus> m_cachedStatus;
    std::optional<QString> m_cachedType;
    std::vector<quint32> m_cached;
    bool m_cacheValid = false;
};

namespace {

/// The error of a call on a file that was not opened (the UI installs the source only once opened).
ApiError notOpen()
{
    ApiError e;
    e.kind = ApiError::Kind::ServerError;
    e.message = FileSource::tr("the file is not open");
    return e;
}

} // namespace

void FileWorker::open()
{
    const QFileInfo info(m_file.fileName());
    if (!m_file.open(QIODevice::ReadOnly)) {
        emit openFailed(
            FileSource::tr("Could not open %1: %2.").arg(m_file.fileName(), m_file.errorString()));
        return;
    }
    m_size = info.size();
    m_modified = info.lastModified();
    const qint64 size = std::max<qint64>(1, m_size);
    int lastPercent = -1;
    std::vector<Entry> entries;
    QStringList jobTypes;
    QHash<QString, quint32> jobTypeIndex;
    const auto read = ExportReader::read(&m_file, [&](Job &&job, ExportJobSpan span) {
        auto type = jobTypeIndex.constFind(job.jobType);
        if (type == jobTypeIndex.constEnd()) {
            type = jobTypeIndex.insert(job.jobType, quint32(jobTypes.size()));
            jobTypes.append(job.jobType);
        }
        entries.push_back(Entry{span.offset, quint32(span.length), quint32(qHash(job.id)), type.value(),
                                quint8(job.status)});
        if ((entries.size() & 4095) == 0) {
            if (m_cancel->load())
                return false;
            const int percent = int(span.offset * 100 / size);
            if (percent != lastPercent) {
                lastPercent = percent;
                emit progress(percent);
            }
        }
        return true;
    });
    if (!read) {
        m_file.close();
        if (m_cancel->load()) {
            emit openFailed(FileSource::tr("Opening %1 was cancelled.").arg(info.fileName()));
            return;
        }
        emit openFailed(FileSource::tr("%1 cannot be opened: %2. Nothing was loaded from it.")
                            .arg(info.fileName(), read.error().toString()));
        return;
    }
    m_data = read.value();
    m_entries = std::move(entries);
    m_entries.shrink_to_fit();
    m_jobTypes = std::move(jobTypes);
    m_jobTypeIndex = std::move(jobTypeIndex);
    m_open = true;
    emit progress(100);
    emit opened(m_data);
}

bool FileWorker::unchanged() const
{
    const QFileInfo info(m_file.fileName());
    return info.exists() && info.size() == m_size && info.lastModified() == m_modified;
}

ApiError FileWorker::changed(const QString &detail) const
{
    ApiError e;
    e.kind = ApiError::Kind::BadResponse;
    e.message = FileSource::tr("%1 has changed on disk since it was opened (%2); open it again to see it")
                    .arg(QFileInfo(m_file.fileName()).fileName(), detail);
    return e;
}

const std::vector<quint32> &FileWorker::matching(const MonitoringQuery &query)
{
    if (m_cacheValid && m_cachedStatus == query.status && m_cachedType == query.jobType)
        return m_cached;
    m_cached.clear();
    std::optional<quint32> type;
    if (query.jobType) {
        const auto it = m_jobTypeIndex.constFind(*query.jobType);
        type = it == m_jobTypeIndex.constEnd() ? std::numeric_limits<quint32>::max() : it.value();
    }
    const std::optional<quint8> status =
        query.status ? std::optional<quint8>(quint8(*query.status)) : std::nullopt;
    if (!type && !status) {
        m_cached.resize(m_entries.size());
        for (quint32 i = 0; i < m_cached.size(); ++i)
            m_cached[i] = i;
    } else {
        for (quint32 i = 0; i < m_entries.size(); ++i) {
            const Entry &e = m_entries[i];
            if ((!type || e.jobType == *type) && (!status || e.status == *status))
                m_cached.push_back(i);
        }
    }
    m_cachedStatus = query.status;
    m_cachedType = query.jobType;
    m_cacheValid = true;
    return m_cached;
}

Result<Job, ExportReadError> FileWorker::readAt(quint32 index)
{
    const Entry &e = m_entries[index];
    return ExportReader::readJob(&m_file, ExportJobSpan{e.offset, e.length},
                                 QStringLiteral("data.jobs[%1]").arg(index));
}

ApiResult<MonitoringSnapshot> FileWorker::monitoring(const MonitoringQuery &query)
{
    if (!m_open)
        return notOpen();
    if (!unchanged())
        return changed(FileSource::tr("its size or time changed"));
    MonitoringSnapshot out = m_data.snapshot;
    const std::vector<quint32> &selected = matching(query);
    const qint64 total = qint64(selected.size());
    const qint64 limit = std::clamp<qint64>(query.limit, 1, MonitoringQuery::kMaxLimit);
    Pagination p;
    p.page = query.page;
    p.limit = limit;
    p.total = total;
    p.totalPages = (total + limit - 1) / limit;
    out.pagination = p;
    out.jobs.clear();
    const qint64 first = (query.page - 1) * limit;
    const qint64 last = std::min(total, first + limit); // exclusive
    // Jobs next to each other in the file (a page without filters) are read in one go.
    for (qint64 i = std::max<qint64>(first, 0); i < last;) {
        qint64 j = i + 1;
        while (j < last && selected[size_t(j)] == selected[size_t(j - 1)] + 1 &&
               m_entries[selected[size_t(j)]].offset - m_entries[selected[size_t(i)]].offset < (4 << 20))
            ++j;
        const Entry &a = m_entries[selected[size_t(i)]];
        const Entry &b = m_entries[selected[size_t(j - 1)]];
        const qint64 length = b.offset + b.length - a.offset;
        if (!m_file.seek(a.offset))
            return changed(m_file.errorString());
        const QByteArray run = m_file.read(length);
        if (run.size() != length)
            return changed(FileSource::tr("it is shorter than it was"));
        for (qint64 k = i; k < j; ++k) {
            const quint32 index = selected[size_t(k)];
            const Entry &e = m_entries[index];
            auto job = ExportReader::readJob(
                QByteArray::fromRawData(run.constData() + (e.offset - a.offset), e.length), e.offset,
                QStringLiteral("data.jobs[%1]").arg(index));
            if (!job)
                return changed(job.error().toString());
            out.jobs.append(std::move(job).value());
        }
        i = j;
    }
    return out;
}

ApiResult<Job> FileWorker::job(const QString &id)
{
    if (!m_open)
        return notOpen();
    if (!unchanged())
        return changed(FileSource::tr("its size or time changed"));
    const quint32 hash = quint32(qHash(id));
    for (quint32 i = 0; i < m_entries.size(); ++i) {
        if (m_entries[i].idHash != hash)
            continue;
        auto job = readAt(i);
        if (!job)
            return changed(job.error().toString());
        if (job.value().id == id)
            return std::move(job).value();
    }
    ApiError e;
    e.kind = ApiError::Kind::NotFound;
    e.httpStatus = 404;
    e.code = QStringLiteral("not_found");
    e.message = FileSource::tr("job %1 is not in this export").arg(id);
    return e;
}

FileSource::FileSource(const QString &path, QObject *parent)
    : DataSource(parent), m_path(path), m_cancel(std::make_shared<std::atomic_bool>(false))
{
    qRegisterMetaType<batchmon::ExportData>();
    m_thread.setObjectName(QStringLiteral("batchmon-file-source"));
    m_worker = new FileWorker(path, m_cancel);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &FileWorker::progress, this, &FileSource::openProgress);
    connect(m_worker, &FileWorker::opened, this, [this](const ExportData &data) {
        m_data = data;
        emit opened();
    });
    connect(m_worker, &FileWorker::openFailed, this, &FileSource::openFailed);
    m_thread.start();
}

FileSource::~FileSource()
{
    m_cancel->store(true);
    m_thread.quit();
    m_thread.wait();
}

void FileSource::open()
{
    QMetaObject::invokeMethod(m_worker, &FileWorker::open, Qt::QueuedConnection);
}

ApiError FileSource::readOnly()
{
    ApiError e;
    e.kind = ApiError::Kind::Forbidden;
    e.httpStatus = 403;
    e.code = QStringLiteral("read_only");
    e.message = tr("this is an exported file, opened read only; connect to the server to act on jobs");
    return e;
}

template<typename T> QFuture<ApiResult<T>> FileSource::run(std::function<ApiResult<T>(FileWorker &)> work)
{
    return callOnWorker<T>(m_worker, std::move(work));
}

template<typename T> QFuture<ApiResult<T>> FileSource::refuse()
{
    QPromise<ApiResult<T>> promise;
    promise.start();
    promise.addResult(ApiResult<T>(readOnly()));
    promise.finish();
    return promise.future();
}

QFuture<ApiResult<MonitoringSnapshot>> FileSource::fetchMonitoring(const MonitoringQuery &query)
{
    return run<MonitoringSnapshot>([query](FileWorker &w) { return w.monitoring(query); });
}

QFuture<ApiResult<Job>> FileSource::fetchJob(const QString &id)
{
    return run<Job>([id](FileWorker &w) { return w.job(id); });
}

QFuture<ApiResult<Job>> FileSource::retryJob(const QString &)
{
    return refuse<Job>();
}

QFuture<ApiResult<Job>> FileSource::cancelJob(const QString &)
{
    return refuse<Job>();
}

QFuture<ApiResult<Job>> FileSource::pauseJob(const QString &)
{
    return refuse<Job>();
}

QFuture<ApiResult<Job>> FileSource::resumeJob(const QString &)
{
    return refuse<Job>();
}

QFuture<ApiResult<Job>> FileSource::setJobPriority(const QString &, JobPriority)
{
    return refuse<Job>();
}

QFuture<ApiResult<AlertConfig>> FileSource::fetchAlertConfig()
{
    return refuse<AlertConfig>();
}

QFuture<ApiResult<AlertConfig>> FileSource::updateAlertConfig(const AlertConfig &)
{
    return refuse<AlertConfig>();
}

QFuture<ApiResult<AlertPreview>> FileSource::previewAlerts(const AlertConfig &)
{
    return refuse<AlertPreview>();
}

QFuture<ApiResult<AlertEventPage>> FileSource::fetchAlertEvents(const AlertEventQuery &)
{
    return refuse<AlertEventPage>();
}

QFuture<ApiResult<AlertEvent>> FileSource::acknowledgeAlertEvent(qint64)
{
    return refuse<AlertEvent>();
}

QFuture<ApiResult<BatchConfig>> FileSource::fetchConfig()
{
    return refuse<BatchConfig>();
}

QFuture<ApiResult<BatchConfig>> FileSource::updateConfig(const BatchConfig &)
{
    return refuse<BatchConfig>();
}

QFuture<ApiResult<SchedulerState>> FileSource::pauseScheduler()
{
    return refuse<SchedulerState>();
}

QFuture<ApiResult<SchedulerState>> FileSource::resumeScheduler()
{
    return refuse<SchedulerState>();
}

QFuture<ApiResult<Identity>> FileSource::fetchIdentity()
{
    // Whoever opened the file may only read it.
    QPromise<ApiResult<Identity>> promise;
    promise.start();
    promise.addResult(ApiResult<Identity>(Identity{QFileInfo(m_path).fileName(), Role::Viewer}));
    promise.finish();
    return promise.future();
}

} // namespace batchmon

#include "FileSource.moc"
