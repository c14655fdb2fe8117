// SPDX-License-Identifier: GPL-3.0-or-later
#include "AlertRecorder.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

namespace batchmon {

namespace {

const QString kState = QStringLiteral("alert_recorder");

/// Active events are matched to conditions by rule and job.
QString keyOf(AlertRuleId rule, const std::optional<QString> &jobId)
{
    return toWireString(rule) + QLatin1Char('\n') + jobId.value_or(QString());
}

} // namespace

struct AlertRecorder::State
{
    /// The highest job_timeline id already looked at for jobs that finished; unset before the first run.
    std::optional<qint64> timelineMark;
    /// When each rule last notified (ms), for the suppression window.
    QMap<AlertRuleId, qint64> lastNotified;
};

qint64 AlertRecorder::cadencePeriodMs(NotificationCadence cadence)
{
    switch (cadence) {
    case NotificationCadence::Immediate:
        return 0;
    case NotificationCadence::Hourly:
        return 3600LL * 1000;
    case NotificationCadence::Daily:
        return 86400LL * 1000;
    }
    return 0;
}

StoreResult<AlertRecorder::State> AlertRecorder::loadState()
{
    auto text = m_admin.setting(kState);
    if (!text)
        return text.error();
    State state;
    if (!text.value())
        return state;
    const QJsonObject o = QJsonDocument::fromJson(text.value()->toUtf8()).object();
    if (o.contains(QStringLiteral("timelineMark")))
        state.timelineMark = o.value(QStringLiteral("timelineMark")).toInteger();
    const QJsonObject last = o.value(QStringLiteral("lastNotified")).toObject();
    for (auto it = last.begin(); it != last.end(); ++it) {
        if (const auto rule = alertRuleIdFromWire(it.key()))
            state.lastNotified.insert(*rule, it.value().toInteger());
    }
    return state;
}

StoreResult<Done> AlertRecorder::saveState(const State &state)
{
    QJsonObject last;
    for (auto it = state.lastNotified.cbegin(); it != state.lastNotified.cend(); ++it)
        last.insert(toWireString(it.key()), it.value());
    QJsonObject o{{QStringLiteral("lastNotified"), last}};
    if (state.timelineMark)
        o.insert(QStringLiteral("timelineMark"), *state.timelineMark);
    return m_admin.setSetting(kState, QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
}

StoreResult<AlertRun> AlertRecorder::recordAt(const QDateTime &now, const AlertConfig &alertDefaults,
                                              const BatchConfig &batchDefaults)
{
    auto config = m_admin.alertConfig(alertDefaults);
    if (!config)
        return config.error();
    auto paused = m_admin.schedulerPaused();
    if (!paused)
        return paused.error();
    auto batch = m_admin.batchConfig(batchDefaults);
    if (!batch)
        return batch.error();
    return record(config.value(), {now, paused.value(), batch.value().batchProcessingEnabled});
}

StoreResult<AlertRun> AlertRecorder::record(const AlertConfig &config, const AlertContext &context)
{
    return inTransaction(m_db, [&]() -> StoreResult<AlertRun> {
        AlertRun run;
        run.config = config;
        const QDateTime now = context.now.toUTC();
        const qint64 nowMs = now.toMSecsSinceEpoch();
        auto conditions = m_evaluator.evaluate(config, context);
        if (!conditions)
            return conditions.error();
        auto loaded = loadState();
        if (!loaded)
            return loaded.error();
        State state = loaded.value();

        struct Active
        {
            AlertEvent event;
            std::optional<qint64> notifiedThrough;
            bool seen = false;
        };
        QList<Active> active;
        QHash<QString, qsizetype> byKey;
        auto q = m_db.exec(QStringLiteral("SELECT ") + AdminStore::alertEventColumns() +
                           QStringLiteral(", notified_through FROM alert_events WHERE resolved_at IS NULL"
                                          " ORDER BY id"));
        if (!q)
            return q.error();
        while (q.value().next()) {
            const AlertEvent e = AdminStore::readAlertEvent(q.value());
            const QVariant through = q.value().value(12);
            active.append({e, through.isNull() ? std::nullopt : std::optional<qint64>(through.toLongLong())});
            // Should two events of one key be active (written by two processes), the later resolves.
            const QString key = keyOf(e.rule, e.jobId);
            if (!byKey.contains(key))
                byKey.insert(key, active.size() - 1);
        }

        auto start = [&](const AlertCondition &c, bool resolvedAtOnce) -> StoreResult<Done> {
            AlertEvent e{0,   c.rule, c.severity,   c.observedValue, c.threshold,  c.message,
                         now, now,    std::nullopt, std::nullopt,    std::nullopt, c.jobId};
            if (resolvedAtOnce)
                e.resolvedAt = now;
            auto added = m_admin.addAlertEvent(e);
            if (!added)
                return added.error();
            auto marked =
                m_db.exec(QStringLiteral("UPDATE alert_events SET notified_through = ? WHERE id = ?"),
                          {nowMs, added.value().id});
            if (!marked)
                return marked.error();
            run.started.append(added.value());
            return Done{};
        };

        for (const AlertCondition &c : conditions.value()) {
            const auto found = byKey.constFind(keyOf(c.rule, c.jobId));
            if (found != byKey.constEnd() && !active[found.value()].seen) {
                Active &a = active[found.value()];
                a.seen = true;
                a.event.lastSeen = now;
                a.event.observedValue = c.observedValue;
                a.event.message = c.message;
                if (auto w = m_admin.updateAlertEvent(a.event); !w)
                    return w.error();
                ++run.updated;
                continue;
            }
            if (auto s = start(c, false); !s)
                return s.error();
        }
        for (Active &a : active) {
            if (a.seen)
                continue;
            a.event.resolvedAt = now;
            if (auto w = m_admin.updateAlertEvent(a.event); !w)
                return w.error();
            run.resolved.append(a.event);
        }

        // Jobs recorded as finished since the last run whose processing took longer than the threshold
        // and that no evaluation saw running past it: an event that starts and resolves at once. The
        // job timeline's ids are in the order the pipeline wrote them, so none is missed or seen twice,
        // however late a finish is recorded.
        auto maxId = m_db.exec(QStringLiteral("SELECT MAX(id) FROM job_timeline"));
        if (!maxId)
            return maxId.error();
        const qint64 mark = maxId.value().next() ? maxId.value().value(0).toLongLong() : 0;
        const AlertRule *slow = config.rule(AlertRuleId::LongProcessingTime);
        if (state.timelineMark && slow && slow->enabled && mark > *state.timelineMark) {
            auto finished = m_db.exec(QStringLiteral("SELECT DISTINCT job_id FROM job_timeline WHERE id > ?"
                                                     " AND id <= ? AND status IN"
                                                     " ('completed', 'failed', 'expired', 'cancelled')"),
                                      {*state.timelineMark, mark});
            if (!finished)
                return finished.error();
            QStringList ids;
            while (finished.value().next())
                ids << finished.value().value(0).toString();
            for (const QString &id : std::as_const(ids)) {
                auto job = m_jobs.find(id);
                if (!job)
                    return job.error();
                if (!job.value() || !isFinished(job.value()->job.status) ||
                    !job.value()->job.processingTimeMs ||
                    double(*job.value()->job.processingTimeMs) <= slow->threshold)
                    continue;
                auto seen = m_db.exec(
                    QStringLiteral("SELECT COUNT(*) FROM alert_events WHERE job_id = ? AND rule = ?"),
                    {id, toWireString(AlertRuleId::LongProcessingTime)});
                if (!seen)
                    return seen.error();
                if (seen.value().next() && seen.value().value(0).toLongLong() > 0)
                    continue;
                const AlertCondition c =
                    AlertEvaluator::processingTimeCondition(*slow, id, *job.value()->job.processingTimeMs);
                if (auto s = start(c, true); !s)
                    return s.error();
            }
        }
        state.timelineMark = mark;

        // Notifications: new events first, then the cadence of those still active.
        const qint64 windowMs = config.suppressionWindowMinutes * 60 * 1000;
        auto offer = [&](const AlertEvent &e) {
            const auto last = state.lastNotified.constFind(e.rule);
            if (windowMs > 0 && last != state.lastNotified.constEnd() && nowMs - last.value() < windowMs) {
                run.suppressed.append(e);
                return;
            }
            run.notify.append(e);
            state.lastNotified.insert(e.rule, nowMs);
        };
        for (const AlertEvent &e : std::as_const(run.started))
            offer(e);
        for (const Active &a : std::as_const(active)) {
            const AlertRule *rule = config.rule(a.event.rule);
            if (!a.seen || a.event.acknowledgedBy || !rule)
                continue;
            const qint64 period = cadencePeriodMs(rule->notification);
            if (period == 0)
                continue;
            const qint64 first = a.event.firstSeen.toMSecsSinceEpoch();
            if (nowMs < a.notifiedThrough.value_or(first) + period)
                continue;
            // The latest cadence point reached: after a long gap, one notification rather than a burst.
            const qint64 point = first + (nowMs - first) / period * period;
            auto marked =
                m_db.exec(QStringLiteral("UPDATE alert_events SET notified_through = ? WHERE id = ?"),
                          {point, a.event.id});
            if (!marked)
                return marked.error();
            offer(a.event);
        }
        if (auto s = saveState(state); !s)
            return s.error();
        return run;
    });
}

} // namespace batchmon
