// SPDX-License-Identifier: GPL-3.0-or-later
#include "AlertEvaluator.h"

#include <QSqlQuery>

namespace batchmon {

namespace {

/// A threshold or observed value in a message: "10", "14.2", "0.25".
QString number(double v)
{
    return QString::number(v, 'g', 6);
}

} // namespace

QString AlertEvaluator::formatDuration(qint64 ms)
{
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    const qint64 s = ms / 1000;
    const std::pair<qint64, const char *> parts[] = {
        {s / 86400, "d"}, {s / 3600 % 24, "h"}, {s / 60 % 60, "min"}, {s % 60, "s"}};
    QStringList out;
    for (const auto &[n, unit] : parts) {
        if (n > 0)
            out << QString::number(n) + QLatin1Char(' ') + QLatin1String(unit);
    }
    return out.join(QLatin1Char(' '));
}

QString AlertEvaluator::errorRateMessage(double observed, double threshold)
{
    return QStringLiteral("Error rate %1 % > %2 %").arg(number(observed), number(threshold));
}

QString AlertEvaluator::processingTimeMessage(const QString &jobId, qint64 observedMs, qint64 thresholdMs)
{
    return QStringLiteral("%1: processing time %2 > %3")
        .arg(jobId, formatDuration(observedMs), formatDuration(thresholdMs));
}

QString AlertEvaluator::throughputMessage(double observed, double threshold)
{
    return QStringLiteral("Throughput %1 jobs/h < %2 jobs/h").arg(number(observed), number(threshold));
}

QString AlertEvaluator::batchFailureMessage(const QString &jobId, qint64 requests)
{
    return QStringLiteral("%1: all %2 requests failed").arg(jobId).arg(requests);
}

AlertCondition AlertEvaluator::processingTimeCondition(const AlertRule &rule, const QString &jobId,
                                                       qint64 observedMs)
{
    return {rule.id,
            rule.severity,
            double(observedMs),
            rule.threshold,
            processingTimeMessage(jobId, observedMs, qint64(rule.threshold)),
            jobId};
}

StoreResult<QList<AlertCondition>> AlertEvaluator::evaluate(const AlertConfig &config,
                                                            const AlertContext &ctx)
{
    QList<AlertCondition> out;
    const qint64 now = ctx.now.toMSecsSinceEpoch();
    std::optional<Performance> day; // read once, for the two global rules
    auto performance = [&]() -> StoreResult<Performance> {
        if (!day) {
            auto p = m_engine.performance(TimeRange::LastDay, ctx.now);
            if (!p)
                return p.error();
            day = p.value();
        }
        return *day;
    };
    for (const AlertRule &rule : config.rules) {
        if (!rule.enabled)
            continue;
        switch (rule.id) {
        case AlertRuleId::HighErrorRate: {
            auto p = performance();
            if (!p)
                return p.error();
            // No request with an outcome in the last day: no rate, nothing to compare.
            const std::optional<double> rate = p.value().efficiency.errorRate;
            if (rate && *rate > rule.threshold)
                out.append({rule.id, rule.severity, *rate, rule.threshold,
                            errorRateMessage(*rate, rule.threshold), std::nullopt});
            break;
        }
        case AlertRuleId::LowThroughput: {
            // Nothing is submitted while paused or disabled: a low throughput is what was asked for.
            if (ctx.schedulerPaused || !ctx.processingEnabled)
                break;
            auto p = performance();
            if (!p)
                return p.error();
            const double jobsPerHour = p.value().throughput.jobsPerHour;
            if (jobsPerHour < rule.threshold)
                out.append({rule.id, rule.severity, jobsPerHour, rule.threshold,
                            throughputMessage(jobsPerHour, rule.threshold), std::nullopt});
            break;
        }
        case AlertRuleId::LongProcessingTime: {
            // Started and not finished, for longer than the threshold: now − startedAt > threshold.
            auto q = m_db.exec(QStringLiteral("SELECT id, started_at FROM jobs WHERE status IN"
                                              " ('validating', 'in_progress', 'finalizing', 'cancelling')"
                                              " AND started_at < ? ORDER BY started_at, id"),
                               {now - qint64(rule.threshold)});
            if (!q)
                return q.error();
            while (q.value().next())
                out.append(processingTimeCondition(rule, q.value().value(0).toString(),
                                                   now - q.value().value(1).toLongLong()));
            break;
        }
        case AlertRuleId::BatchFailure: {
            // The terms before completed_at repeat the partial index's condition, so it is used.
            auto q =
                m_db.exec(QStringLiteral("SELECT id, request_count FROM jobs WHERE completed_count = 0"
                                         " AND failed_count = request_count AND request_count > 0"
                                         " AND completed_at > ? AND completed_at <= ?"
                                         " AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.retry_of = jobs.id)"
                                         " ORDER BY completed_at, id"),
                          {now - kDayMs, now});
            if (!q)
                return q.error();
            QList<QPair<QString, qint64>> failed;
            while (q.value().next())
                failed.append({q.value().value(0).toString(), q.value().value(1).toLongLong()});
            if (failed.size() < rule.threshold)
                break;
            for (const auto &[id, requests] : failed)
                out.append({rule.id, rule.severity, double(failed.size()), rule.threshold,
                            batchFailureMessage(id, requests), id});
            break;
        }
        }
    }
    return out;
}

} // namespace batchmon
