// SPDX-License-Identifier: GPL-3.0-or-later
#include "PipelineRunner.h"

#include <cstdio>

namespace batchmon {

PipelineRunner::PipelineRunner(Options options) : m_options(std::move(options)) {}

PipelineRunner::~PipelineRunner() = default;

void PipelineRunner::startOn(Database &db)
{
    begin(db);
}

void PipelineRunner::startOwn(const QString &databaseUrl)
{
    auto db = Database::open(databaseUrl);
    if (!db) {
        emit failed(db.error().message);
        return;
    }
    m_ownDb = std::move(db).value();
    begin(*m_ownDb);
}

void PipelineRunner::begin(Database &db)
{
    m_db = &db;
    if (m_options.workload)
        m_pipeline =
            std::make_unique<Pipeline>(db, *m_options.provider, *m_options.workload, m_options.settings);
    else
        m_pipeline = std::make_unique<Pipeline>(db, *m_options.provider, m_options.settings);
    m_leader = std::make_unique<PipelineLeader>(db);
    m_alerts = std::make_unique<AlertRecorder>(db);
    m_notifier = new AlertNotifier({}, this);
    m_ticker = new QTimer(this);
    connect(m_ticker, &QTimer::timeout, this, &PipelineRunner::tick);
    lead();
    m_ticker->start(5000);
}

void PipelineRunner::setConfig(const BatchConfig &config)
{
    const auto settings = PipelineSettings::from(config);
    if (const auto *s = std::get_if<PipelineSettings>(&settings)) {
        m_options.settings = *s;
        if (m_pipeline)
            m_pipeline->setSettings(*s);
    }
}

bool PipelineRunner::lead()
{
    const bool was = m_leader->isLeader();
    if (!m_leader->acquire())
        return false;
    if (!was) {
        std::printf("batchmon-server: running the pipeline\n");
        std::fflush(stdout);
        const PipelineSettings live = m_pipeline->settings();
        const QDateTime now = QDateTime::currentDateTimeUtc();
        // The first to lead a new store of the simulation writes its history.
        if (auto clock = m_pipeline->clock(); m_options.workload && clock && !clock.value()) {
            m_pipeline->setSettings(PipelineSettings::backfill(live));
            m_pipeline->startAt(now.addDays(-m_options.backfillDays));
            for (QDateTime t = m_pipeline->clock().value().value_or(now); t < now; t = t.addDays(1))
                m_pipeline->advanceTo(std::min(t.addDays(1), now));
            m_pipeline->setSettings(live);
        }
    }
    return true;
}

void PipelineRunner::tick()
{
    if (!lead())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // The account's batches made elsewhere: at the first tick, then every status check.
    if (m_options.collect &&
        (!m_lastCollect.isValid() || m_lastCollect.msecsTo(now) >= m_pipeline->settings().statusIntervalMs)) {
        m_lastCollect = now;
        const auto c = m_pipeline->collect(now);
        if (!c)
            qWarning("collector: %s", qPrintable(c.error().message));
        else if (c.value().error)
            qWarning("collector: %s", qPrintable(c.value().error->message));
        if (c && c.value().imported > 0) {
            std::printf("batchmon-server: imported %d batches made outside batchmon\n", c.value().imported);
            std::fflush(stdout);
            emit changed();
        }
    }
    const auto r = m_pipeline->advanceTo(now);
    if (!r) {
        qWarning("pipeline: %s", qPrintable(r.error().message));
        return;
    }
    if (r.value().created || r.value().submitted || r.value().updated || r.value().purged ||
        r.value().requeued)
        emit changed();
    if (!r.value().statusCheckedAt)
        return;
    const auto alerts =
        m_alerts->recordAt(*r.value().statusCheckedAt, m_options.alertDefaults, m_options.configDefaults);
    if (!alerts) {
        qWarning("alerts: %s", qPrintable(alerts.error().message));
        return;
    }
    m_notifier->notify(alerts.value().notify, alerts.value().config);
}

} // namespace batchmon
