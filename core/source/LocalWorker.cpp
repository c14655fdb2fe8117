// SPDX-License-Identifier: GPL-3.0-or-later
#include "LocalWorker.h"

#include "domain/AlertRules.h"

#include <QCoreApplication>

namespace batchmon {

namespace {

/// The demo shows progress at the dashboard's 30-second refresh, faster than the seed's 2-minute poll.
PipelineSettings liveSettings(const PipelineSettings &configured)
{
    PipelineSettings s = configured;
    s.statusIntervalMs = 30 * 1000;
    s.resultIntervalMs = 30 * 1000;
    s.statusSchedule.reset();
    s.resultSchedule.reset();
    return s;
}

} // namespace

LocalWorker::LocalWorker(LocalSourceOptions options)
    : m_options(std::move(options)), m_provider(m_options.seed), m_workload(m_options.seed), m_ticker(this)
{
    m_ticker.setInterval(m_options.liveTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &LocalWorker::tick);
}

LocalWorker::~LocalWorker()
{
    // The pipeline and stores refer to the database: they go first.
    m_pipeline.reset();
    m_alerts.reset();
    m_actions.reset();
    m_engine.reset();
    m_admin.reset();
    m_jobs.reset();
    m_db.reset();
}

ApiError LocalWorker::notOpen()
{
    ApiError e;
    e.kind = ApiError::Kind::ServerError;
    e.message = tr("the local store is not open");
    return e;
}

ApiError LocalWorker::fromStore(const StoreError &error)
{
    ApiError e;
    e.message = error.message;
    switch (error.kind) {
    case StoreError::Kind::NotFound:
        e.kind = ApiError::Kind::NotFound;
        e.httpStatus = 404;
        e.code = QStringLiteral("not_found");
        break;
    case StoreError::Kind::InvalidTransition:
    case StoreError::Kind::Conflict:
        e.kind = ApiError::Kind::Conflict;
        e.httpStatus = 409;
        e.code = QStringLiteral("invalid_transition");
        break;
    default:
        e.kind = ApiError::Kind::ServerError;
        e.httpStatus = 500;
        e.code = QStringLiteral("internal_error");
        break;
    }
    return e;
}

ApiError LocalWorker::invalidBody(const QString &message, const QString &parameter)
{
    ApiError e;
    e.kind = ApiError::Kind::BadRequest;
    e.httpStatus = 400;
    e.code = QStringLiteral("invalid_body");
    e.message = message;
    e.parameter = parameter;
    return e;
}

void LocalWorker::open()
{
    auto db = Database::open(QStringLiteral("sqlite:") + m_options.databasePath);
    if (!db) {
        emit openFailed(db.error().message);
        return;
    }
    m_db = std::move(db).value();
    m_jobs = std::make_unique<JobStore>(*m_db);
    m_admin = std::make_unique<AdminStore>(*m_db);
    m_engine = std::make_unique<MonitoringEngine>(*m_db, *m_jobs);
    m_actions = std::make_unique<JobActions>(*m_jobs);
    m_alerts = std::make_unique<AlertRecorder>(*m_db);

    auto config = m_admin->batchConfig(LocalSource::demoConfig());
    if (!config) {
        emit openFailed(config.error().message);
        return;
    }
    const auto settings = PipelineSettings::from(config.value());
    if (std::holds_alternative<QString>(settings)) {
        emit openFailed(std::get<QString>(settings));
        return;
    }
    m_pipeline = std::make_unique<Pipeline>(*m_db, m_provider, m_workload,
                                            PipelineSettings::backfill(std::get<PipelineSettings>(settings)));
    auto clock = m_pipeline->clock();
    if (!clock) {
        emit openFailed(clock.error().message);
        return;
    }
    const QDateTime now = m_options.clock();
    if (!clock.value()) {
        // A new store: the demo's configuration, then the history of the last days, a day at a time
        // so the progress bar moves and no transaction grows past a day of writes.
        if (auto stored = m_admin->setBatchConfig(config.value()); !stored) {
            emit openFailed(stored.error().message);
            return;
        }
        if (auto started = m_pipeline->startAt(now.addDays(-m_options.backfillDays)); !started) {
            emit openFailed(started.error().message);
            return;
        }
    }
    // A new store, or one last opened days ago: catch up in day-sized steps.
    const QDateTime from = m_pipeline->clock().value().value_or(now);
    const qint64 days = std::max<qint64>(1, from.daysTo(now) + 1);
    for (qint64 day = 1; day <= days; ++day) {
        const QDateTime until = std::min(from.addDays(day), now);
        if (auto r = m_pipeline->advanceTo(until); !r) {
            emit openFailed(r.error().message);
            return;
        }
        emit progress(int(day * 100 / days));
    }
    m_pipeline->setSettings(liveSettings(std::get<PipelineSettings>(settings)));
    m_ticker.start();
    emit opened();
}

void LocalWorker::tick()
{
    if (!m_pipeline)
        return;
    const auto report = m_pipeline->advanceTo(m_options.clock());
    if (!report) {
        qWarning("demo pipeline: %s", qPrintable(report.error().message));
        return;
    }
    const TickReport &r = report.value();
    bool changed = r.created || r.submitted || r.updated || r.purged;
    // The alert rules after each status check, as the server's leader does; the demo delivers no
    // channel itself (desktop notifications are the app's).
    if (r.statusCheckedAt) {
        const auto alerts =
            m_alerts->recordAt(*r.statusCheckedAt, AlertConfig::defaults(), LocalSource::demoConfig());
        if (!alerts)
            qWarning("demo alerts: %s", qPrintable(alerts.error().message));
        else if (!alerts.value().started.isEmpty() || !alerts.value().resolved.isEmpty())
            changed = true;
    }
    if (changed)
        emit dataChanged();
}

ApiResult<MonitoringSnapshot> LocalWorker::monitoring(const MonitoringQuery &query)
{
    if (!isOpen())
        return notOpen();
    auto config = m_admin->batchConfig(LocalSource::demoConfig());
    auto paused = m_admin->schedulerPaused();
    if (!config)
        return fromStore(config.error());
    if (!paused)
        return fromStore(paused.error());
    const SnapshotContext context{m_options.clock(), m_provider.enqueuedTokenLimit(),
                                  config.value().batchMaxRequests,
                                  SchedulerState{paused.value(), config.value().batchProcessingEnabled}};
    auto snapshot = m_engine->snapshot(query, context);
    if (!snapshot)
        return fromStore(snapshot.error());
    return snapshot.value();
}

ApiResult<Job> LocalWorker::job(const QString &id)
{
    if (!isOpen())
        return notOpen();
    auto j = m_engine->job(id);
    if (!j)
        return fromStore(j.error());
    return j.value();
}

ApiResult<Job> LocalWorker::act(JobAction action, const QString &id, JobPriority priority)
{
    if (!isOpen())
        return notOpen();
    const QDateTime now = m_options.clock();
    StoreResult<StoredJob> result = StoreError{};
    switch (action) {
    case JobAction::Retry:
        result = m_actions->retry(id, m_options.actor, now);
        break;
    case JobAction::Cancel:
        result = m_actions->cancel(id, m_options.actor, now);
        break;
    case JobAction::Pause:
        result = m_actions->pause(id, m_options.actor, now);
        break;
    case JobAction::Resume:
        result = m_actions->resume(id, m_options.actor, now);
        break;
    case JobAction::SetPriority:
        result = m_actions->setPriority(id, priority, m_options.actor, now);
        break;
    }
    if (!result)
        return fromStore(result.error());
    // Answer as GET /{id} would after the action: with details.
    return job(result.value().job.id);
}

ApiResult<AlertConfig> LocalWorker::alertConfig()
{
    if (!isOpen())
        return notOpen();
    auto c = m_admin->alertConfig();
    if (!c)
        return fromStore(c.error());
    return c.value();
}

ApiResult<AlertConfig> LocalWorker::setAlertConfig(const AlertConfig &config)
{
    if (!isOpen())
        return notOpen();
    // What POST /alerts refuses, in its words.
    if (const auto errors = validateAlertConfig(config); !errors.isEmpty())
        return invalidBody(errors.first().message, errors.first().path);
    if (auto w = m_admin->setAlertConfig(config); !w)
        return fromStore(w.error());
    return config;
}

ApiResult<AlertPreview> LocalWorker::previewAlerts(const AlertConfig &config)
{
    if (!isOpen())
        return notOpen();
    if (const auto errors = validateAlertConfig(config); !errors.isEmpty())
        return invalidBody(errors.first().message, errors.first().path);
    auto batch = m_admin->batchConfig(LocalSource::demoConfig());
    if (!batch)
        return fromStore(batch.error());
    auto paused = m_admin->schedulerPaused();
    if (!paused)
        return fromStore(paused.error());
    AlertEvaluator evaluator(*m_db);
    auto conditions =
        evaluator.evaluate(config, {m_options.clock(), paused.value(), batch.value().batchProcessingEnabled});
    if (!conditions)
        return fromStore(conditions.error());
    return AlertPreview{conditions.value()};
}

ApiResult<AlertEventPage> LocalWorker::alertEvents(const AlertEventQuery &query)
{
    if (!isOpen())
        return notOpen();
    auto page = m_admin->alertEvents(query.activeOnly, query.page, query.limit);
    if (!page)
        return fromStore(page.error());
    return page.value();
}

ApiResult<AlertEvent> LocalWorker::acknowledge(qint64 id)
{
    if (!isOpen())
        return notOpen();
    auto e = m_admin->acknowledgeAlertEvent(id, m_options.actor, m_options.clock());
    if (!e)
        return fromStore(e.error());
    return e.value();
}

ApiResult<BatchConfig> LocalWorker::config()
{
    if (!isOpen())
        return notOpen();
    auto c = m_admin->batchConfig(LocalSource::demoConfig());
    if (!c)
        return fromStore(c.error());
    // The two alert thresholds are the alert rules' (docs/api.md §12.8).
    auto alerts = m_admin->alertConfig();
    if (!alerts)
        return fromStore(alerts.error());
    return withAlertThresholds(c.value(), alerts.value());
}

ApiResult<BatchConfig> LocalWorker::setConfig(const BatchConfig &config)
{
    if (!isOpen())
        return notOpen();
    const auto settings = PipelineSettings::from(config);
    if (std::holds_alternative<QString>(settings)) {
        const QString why = std::get<QString>(settings);
        return invalidBody(why, why.section(QLatin1Char(':'), 0, 0));
    }
    auto alerts = m_admin->alertConfig();
    if (!alerts)
        return fromStore(alerts.error());
    AlertConfig rules = alerts.value();
    const bool rulesChanged = applyConfigThresholds(rules, config);
    const auto written = inTransaction(*m_db, [&]() -> StoreResult<Done> {
        if (rulesChanged) {
            if (auto w = m_admin->setAlertConfig(rules); !w)
                return w.error();
        }
        return m_admin->setBatchConfig(config);
    });
    if (!written)
        return fromStore(written.error());
    m_pipeline->setSettings(liveSettings(std::get<PipelineSettings>(settings)));
    return withAlertThresholds(config, rules);
}

ApiResult<SchedulerState> LocalWorker::setSchedulerPaused(bool paused)
{
    if (!isOpen())
        return notOpen();
    if (auto w = m_admin->setSchedulerPaused(paused); !w)
        return fromStore(w.error());
    auto c = m_admin->batchConfig(LocalSource::demoConfig());
    if (!c)
        return fromStore(c.error());
    return SchedulerState{paused, c.value().batchProcessingEnabled};
}

} // namespace batchmon
