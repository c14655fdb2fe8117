// SPDX-License-Identifier: GPL-3.0-or-later
#include "LocalSource.h"

#include "LocalWorker.h"
#include "WorkerCall.h"

#include <QCoreApplication>
#include <QDir>
#include <QPromise>
#include <QStandardPaths>

#include <memory>

namespace batchmon {

LocalSource::LocalSource(LocalSourceOptions options, QObject *parent)
    : DataSource(parent), m_actor(options.actor), m_openAi(options.openAi.has_value())
{
    m_thread.setObjectName(QStringLiteral("batchmon-local-source"));
    m_worker = new LocalWorker(std::move(options));
    m_worker->moveToThread(&m_thread);
    // The worker (and its SQL connection) must die on its own thread.
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &LocalWorker::progress, this, &LocalSource::openProgress);
    connect(m_worker, &LocalWorker::opened, this, &LocalSource::opened);
    connect(m_worker, &LocalWorker::openFailed, this, &LocalSource::openFailed);
    connect(m_worker, &LocalWorker::dataChanged, this, &DataSource::dataChanged);
    connect(m_worker, &LocalWorker::collectorProblem, this, [this](const QString &message, bool keyRefused) {
        m_problem = message;
        emit collectorProblem(message, keyRefused);
    });
    m_thread.start();
}

LocalSource::~LocalSource()
{
    // A call to an OpenAI account still waiting would hold the thread (and the window closing) up to its
    // timeout: it ends now.
    m_worker->closeProvider();
    m_thread.quit();
    m_thread.wait();
}

QString LocalSource::defaultDemoPath()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QDir(folder).filePath(QStringLiteral("demo-workspace.sqlite"));
}

BatchConfig LocalSource::demoConfig()
{
    BatchConfig c;
    c.batchMinSize = 100;
    return c;
}

BatchConfig LocalSource::openAiConfig()
{
    BatchConfig c;
    c.batchStatusCheckInterval = QStringLiteral("*/1 * * * *");
    c.batchResultProcessingInterval = QStringLiteral("*/1 * * * *");
    return c;
}

QString LocalSource::explainOpenAiError(const ProviderError &error, const QUrl &baseUrl)
{
    // What to do first; the provider's own words (never the key: it scrubs it) last, for the curious.
    const QString host = baseUrl.host();
    const QString detail = error.message;
    switch (error.kind) {
    case ProviderError::Kind::Unauthorized:
        return tr("%1 refused the API key. Check that it was copied whole and has not been revoked, and that "
                  "it "
                  "may use the Batch and Files APIs; if needed, create a new key in the OpenAI dashboard "
                  "under "
                  "API keys and enter it in the profile. (%2)")
            .arg(host, detail);
    case ProviderError::Kind::NotFound:
        return tr("%1 answers, but has no Batch API at this address. Check the API base URL: for OpenAI it "
                  "is "
                  "https://api.openai.com/v1, with the /v1. (%2)")
            .arg(host, detail);
    case ProviderError::Kind::RateLimited:
        return tr("OpenAI's rate limit refused the requests; batchmon tries again at the next check. (%1)")
            .arg(detail);
    case ProviderError::Kind::QuotaExceeded:
        return tr("The OpenAI account has no quota left: check its billing and usage limits. (%1)")
            .arg(detail);
    case ProviderError::Kind::Unavailable:
        return tr("Cannot read the account's batches from %1. Check the API base URL and the network "
                  "connection; batchmon tries again at the next check. (%2)")
            .arg(host, detail);
    case ProviderError::Kind::Conflict:
    case ProviderError::Kind::Other:
        break;
    }
    return tr("%1 gave an answer batchmon does not understand. Check that the API base URL points to "
              "OpenAI's "
              "API or to a server compatible with its Batch API. (%2)")
        .arg(host, detail);
}

QFuture<Result<BatchPage, ProviderError>> LocalSource::probeOpenAi(const OpenAiSettings &settings)
{
    auto promise = std::make_shared<QPromise<Result<BatchPage, ProviderError>>>();
    promise->start();
    QFuture<Result<BatchPage, ProviderError>> future = promise->future();
    // Its own thread: the provider blocks the caller until the answer is there.
    QThread *thread = QThread::create([settings, promise] {
        OpenAiProvider provider(settings);
        promise->addResult(provider.listBatches(QString(), 100));
        promise->finish();
    });
    thread->setObjectName(QStringLiteral("batchmon-openai-probe"));
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    // A probe still waiting for its answer ends before the application does.
    if (QCoreApplication *app = QCoreApplication::instance())
        QObject::connect(app, &QCoreApplication::aboutToQuit, thread, [thread] { thread->wait(); });
    thread->start();
    return future;
}

void LocalSource::open()
{
    QMetaObject::invokeMethod(m_worker, &LocalWorker::open, Qt::QueuedConnection);
}

void LocalSource::collectNow()
{
    QMetaObject::invokeMethod(m_worker, &LocalWorker::collectNow, Qt::QueuedConnection);
}

template<typename T> QFuture<ApiResult<T>> LocalSource::run(std::function<ApiResult<T>(LocalWorker &)> work)
{
    return callOnWorker<T>(m_worker, std::move(work));
}

QFuture<ApiResult<MonitoringSnapshot>> LocalSource::fetchMonitoring(const MonitoringQuery &query)
{
    return run<MonitoringSnapshot>([query](LocalWorker &w) { return w.monitoring(query); });
}

QFuture<ApiResult<Job>> LocalSource::fetchJob(const QString &id)
{
    return run<Job>([id](LocalWorker &w) { return w.job(id); });
}

QFuture<ApiResult<Job>> LocalSource::retryJob(const QString &id)
{
    return run<Job>([id](LocalWorker &w) { return w.act(JobAction::Retry, id); });
}

QFuture<ApiResult<Job>> LocalSource::cancelJob(const QString &id)
{
    return run<Job>([id](LocalWorker &w) { return w.act(JobAction::Cancel, id); });
}

QFuture<ApiResult<Job>> LocalSource::pauseJob(const QString &id)
{
    return run<Job>([id](LocalWorker &w) { return w.act(JobAction::Pause, id); });
}

QFuture<ApiResult<Job>> LocalSource::resumeJob(const QString &id)
{
    return run<Job>([id](LocalWorker &w) { return w.act(JobAction::Resume, id); });
}

QFuture<ApiResult<Job>> LocalSource::setJobPriority(const QString &id, JobPriority priority)
{
    return run<Job>([id, priority](LocalWorker &w) { return w.act(JobAction::SetPriority, id, priority); });
}

QFuture<ApiResult<AlertConfig>> LocalSource::fetchAlertConfig()
{
    return run<AlertConfig>([](LocalWorker &w) { return w.alertConfig(); });
}

QFuture<ApiResult<AlertConfig>> LocalSource::updateAlertConfig(const AlertConfig &config)
{
    return run<AlertConfig>([config](LocalWorker &w) { return w.setAlertConfig(config); });
}

QFuture<ApiResult<AlertPreview>> LocalSource::previewAlerts(const AlertConfig &config)
{
    return run<AlertPreview>([config](LocalWorker &w) { return w.previewAlerts(config); });
}

QFuture<ApiResult<AlertEventPage>> LocalSource::fetchAlertEvents(const AlertEventQuery &query)
{
    return run<AlertEventPage>([query](LocalWorker &w) { return w.alertEvents(query); });
}

QFuture<ApiResult<AlertEvent>> LocalSource::acknowledgeAlertEvent(qint64 id)
{
    return run<AlertEvent>([id](LocalWorker &w) { return w.acknowledge(id); });
}

QFuture<ApiResult<BatchConfig>> LocalSource::fetchConfig()
{
    return run<BatchConfig>([](LocalWorker &w) { return w.config(); });
}

QFuture<ApiResult<BatchConfig>> LocalSource::updateConfig(const BatchConfig &config)
{
    return run<BatchConfig>([config](LocalWorker &w) { return w.setConfig(config); });
}

QFuture<ApiResult<SchedulerState>> LocalSource::pauseScheduler()
{
    return run<SchedulerState>([](LocalWorker &w) { return w.setSchedulerPaused(true); });
}

QFuture<ApiResult<SchedulerState>> LocalSource::resumeScheduler()
{
    return run<SchedulerState>([](LocalWorker &w) { return w.setSchedulerPaused(false); });
}

QFuture<ApiResult<Identity>> LocalSource::fetchIdentity()
{
    // The demo workspace is the user's own file: whoever runs the app may do everything, under the
    // name its timelines record for the actions. An OpenAI account's collector acts with the account's
    // key, under the profile's name.
    return run<Identity>([actor = m_actor](LocalWorker &) {
        return ApiResult<Identity>(Identity{actor, Role::Admin});
    });
}

} // namespace batchmon
