// SPDX-License-Identifier: GPL-3.0-or-later
#include "LocalWorker.h"

#include "domain/AlertRules.h"

#include <QCoreApplication>

namespace batchmon {

namespace {

/// How long after a cancel an OpenAI account's collector asks about the batch at every live tick (so the
/// user sees `cancelling` become `cancelled` soon), rather than at the status checks only.
constexpr qint64 kCancelWatchMs = 5 * 60 * 1000;

/// The demo shows progress at the dashboard's 30-second refresh, faster than the seed's 2-minute poll.
PipelineSettings demoLiveSettings(const PipelineSettings &configured)
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
    if (m_options.openAi)
        m_openAi = std::make_unique<OpenAiProvider>(*m_options.openAi);
    m_ticker.setInterval(m_options.liveTickMs);
    connect(&m_ticker, &QTimer::timeout, this, &LocalWorker::tick);
}

LocalWorker::~LocalWorker()
{
    // The pipeline and stores refer to the database (and the pipeline to the provider): they go first.
    m_pipeline.reset();
    m_openAi.reset();
    m_alerts.reset();
    m_actions.reset();
    m_engine.reset();
    m_admin.reset();
    m_jobs.reset();
    m_db.reset();
}

Provider &LocalWorker::provider()
{
    if (m_openAi)
        return *m_openAi;
    return m_provider;
}

AlertConfig LocalWorker::defaultAlerts() const
{
    AlertConfig c = AlertConfig::defaults();
    if (m_openAi) {
        // An account's batches come when its teams send them: a few a week is no fault, so the low
        // throughput rule starts off (the Alerts page turns it on).
        for (AlertRule &rule : c.rules) {
            if (rule.id == AlertRuleId::LowThroughput)
                rule.enabled = false;
        }
    }
    return c;
}

BatchConfig LocalWorker::defaultConfig() const
{
    return m_openAi ? LocalSource::openAiConfig() : LocalSource::demoConfig();
}

PipelineSettings LocalWorker::liveSettings(const PipelineSettings &configured) const
{
    // An account's batches are polled as configured (every minute at first): each poll is a call to
    // the account's API.
    return m_openAi ? configured : demoLiveSettings(configured);
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
    if (m_openAi) {
        openAccount();
        return;
    }

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

void LocalWorker::openAccount()
{
    auto config = m_admin->batchConfig(defaultConfig());
    if (!config) {
        emit openFailed(config.error().message);
        return;
    }
    const auto settings = PipelineSettings::from(config.value());
    if (std::holds_alternative<QString>(settings)) {
        emit openFailed(std::get<QString>(settings));
        return;
    }
    m_pipeline = std::make_unique<Pipeline>(*m_db, *m_openAi, std::get<PipelineSettings>(settings));
    auto clock = m_pipeline->clock();
    if (!clock) {
        emit openFailed(clock.error().message);
        return;
    }
    if (!clock.value()) {
        // A new store: the account's configuration, and a clock from now. Nothing to backfill: the
        // account's batches are imported as they are.
        if (auto stored = m_admin->setBatchConfig(config.value()); !stored) {
            emit openFailed(stored.error().message);
            return;
        }
        if (auto started = m_pipeline->advanceTo(m_options.clock()); !started) {
            emit openFailed(started.error().message);
            return;
        }
    }
    m_ticker.start();
    emit opened();
    // The store's data can be read meanwhile; the calls made now queue behind the first collect.
    QMetaObject::invokeMethod(this, &LocalWorker::collectNow, Qt::QueuedConnection);
}

void LocalWorker::collectNow()
{
    collect(true);
}

void LocalWorker::collect(bool checkAll)
{
    if (!m_pipeline || !m_openAi)
        return;
    const QDateTime now = m_options.clock();
    m_nextCollect = now.addMSecs(std::max<qint64>(60 * 1000, m_pipeline->settings().statusIntervalMs));
    const auto collected = m_pipeline->collect(now);
    if (!collected) {
        qWarning("OpenAI collector: %s", qPrintable(collected.error().message));
        setProblem(tr("The account's local store cannot be written (%1). Check that the folder is writable "
                      "and the disk is not full.")
                       .arg(collected.error().message),
                   false);
        return;
    }
    const CollectReport &report = collected.value();
    if (report.error) {
        // The provider's messages never hold the key (it scrubs them).
        qWarning("OpenAI collector: %s", qPrintable(report.error->message));
        setProblem(LocalSource::explainOpenAiError(*report.error, m_options.openAi->baseUrl),
                   report.error->kind == ProviderError::Kind::Unauthorized);
        if (report.imported > 0)
            emit dataChanged();
        return;
    }
    setProblem(QString(), false);
    if (!checkAll && report.imported == 0) {
        advance(now);
        return;
    }
    // New batches are polled at once, so that they show their counts and costs now, not a minute later.
    const auto checked = m_pipeline->checkNow(now);
    if (!checked) {
        qWarning("OpenAI collector: %s", qPrintable(checked.error().message));
        return;
    }
    TickReport r = checked.value();
    r.created += report.imported;
    afterTick(r);
}

void LocalWorker::setProblem(const QString &message, bool keyRefused)
{
    if (message == m_problem)
        return;
    m_problem = message;
    emit collectorProblem(message, keyRefused);
}

void LocalWorker::advance(const QDateTime &now)
{
    const auto run = [this, &now]() -> StoreResult<TickReport> {
        if (m_openAi) {
            // After a sleep or a long time closed: ask about the present, not about every missed minute
            // (each status tick polls every batch in flight).
            auto clock = m_pipeline->clock();
            if (!clock)
                return clock.error();
            const qint64 period = std::max<qint64>(60 * 1000, m_pipeline->settings().statusIntervalMs);
            if (clock.value() && clock.value()->msecsTo(now) > 2 * period)
                return m_pipeline->checkNow(now);
        }
        return m_pipeline->advanceTo(now);
    };
    const auto report = run();
    if (!report) {
        qWarning(m_openAi ? "OpenAI collector: %s" : "demo pipeline: %s", qPrintable(report.error().message));
        return;
    }
    afterTick(report.value());
}

void LocalWorker::checkCancelling(const QDateTime &now)
{
    if (!m_cancelsUntil.isValid())
        return;
    auto cancelling = m_jobs->withStatus({JobStatus::Cancelling});
    if (now > m_cancelsUntil || (cancelling && cancelling.value().isEmpty())) {
        m_cancelsUntil = QDateTime(); // confirmed, or left to the status checks
        return;
    }
    const auto report = m_pipeline->checkNow(now, true);
    if (!report) {
        qWarning("OpenAI collector: %s", qPrintable(report.error().message));
        return;
    }
    afterTick(report.value());
}

void LocalWorker::tick()
{
    if (!m_pipeline)
        return;
    const QDateTime now = m_options.clock();
    if (!m_openAi) {
        advance(now);
        return;
    }
    if (!m_nextCollect.isValid() || now >= m_nextCollect) {
        collect(false);
    } else if (m_problem.isEmpty()) {
        advance(now);
    }
    // While the account cannot be read (a refused key, no network), only the minute's collect tries
    // again: polling every batch in flight would fail the same way, each call waiting for its timeout.
    // The clock catches up at the next successful collect.
    if (m_problem.isEmpty())
        checkCancelling(now);
}

void LocalWorker::afterTick(const TickReport &r)
{
    bool changed = r.created || r.submitted || r.updated || r.purged;
    // The alert rules after each status check, as the server's leader does; the demo delivers no
    // channel itself (desktop notifications are the app's).
    if (r.statusCheckedAt) {
        const auto alerts = m_alerts->recordAt(*r.statusCheckedAt, defaultAlerts(), defaultConfig());
        if (!alerts)
            qWarning("alerts: %s", qPrintable(alerts.error().message));
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
    auto config = m_admin->batchConfig(defaultConfig());
    auto paused = m_admin->schedulerPaused();
    if (!config)
        return fromStore(config.error());
    if (!paused)
        return fromStore(paused.error());
    const SnapshotContext context{m_options.clock(), provider().enqueuedTokenLimit(),
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
    if (m_openAi && action != JobAction::Cancel) {
        // The dashboard offers no such action here; a batch made outside batchmon has no requests of its
        // own in the store to send again, and is not queued by batchmon to pause or prioritise.
        ApiError e;
        e.kind = ApiError::Kind::Conflict;
        e.httpStatus = 409;
        e.code = QStringLiteral("not_supported");
        e.message = tr("batches of an OpenAI account can only be cancelled from batchmon");
        return e;
    }
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
    if (m_openAi && action == JobAction::Cancel && m_pipeline) {
        // Sent to the account now, and confirmed at the next ticks, rather than at the next status check.
        m_cancelsUntil = now.addMSecs(kCancelWatchMs);
        if (const auto sent = m_pipeline->checkNow(now, true); !sent)
            qWarning("OpenAI collector: %s", qPrintable(sent.error().message));
        else
            afterTick(sent.value());
    }
    // Answer as GET /{id} would after the action: with details.
    return job(result.value().job.id);
}

ApiResult<AlertConfig> LocalWorker::alertConfig()
{
    if (!isOpen())
        return notOpen();
    auto c = m_admin->alertConfig(defaultAlerts());
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
    auto batch = m_admin->batchConfig(defaultConfig());
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
    auto c = m_admin->batchConfig(defaultConfig());
    if (!c)
        return fromStore(c.error());
    // The two alert thresholds are the alert rules' (docs/api.md §12.8).
    auto alerts = m_admin->alertConfig(defaultAlerts());
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
    auto alerts = m_admin->alertConfig(defaultAlerts());
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
    auto c = m_admin->batchConfig(defaultConfig());
    if (!c)
        return fromStore(c.error());
    return SchedulerState{paused, c.value().batchProcessingEnabled};
}

} // namespace batchmon
