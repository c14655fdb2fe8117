// SPDX-License-Identifier: GPL-3.0-or-later
// A DataSource for model and widget tests: answers at once with what the test put in it.
#pragma once

#include "source/DataSource.h"

#include <QFuture>

namespace batchmon {

template<typename T> QFuture<ApiResult<T>> ready(ApiResult<T> r)
{
    return QtFuture::makeReadyFuture(std::move(r));
}

inline ApiError unsupported()
{
    ApiError e;
    e.kind = ApiError::Kind::BadRequest;
    e.message = QStringLiteral("not in this test");
    return e;
}

/// Answers every refresh with the snapshot the test set (or `error`), the alert configuration and
/// events it holds, and acknowledges events as the server does (the first acknowledger stays).
class FixedSource : public DataSource
{
public:
    std::optional<MonitoringSnapshot> snapshot;
    ApiError error;
    AlertConfig alertConfig = AlertConfig::defaults();
    QList<AlertEvent> events;
    /// What previewAlerts answers: the conditions of `events`' rules whose threshold the previewed
    /// configuration puts below their observed value (a stand-in for the server's evaluation).
    std::optional<AlertConfig> lastPreviewed;
    int eventFetches = 0;

    QFuture<ApiResult<MonitoringSnapshot>> fetchMonitoring(const MonitoringQuery &) override
    {
        return snapshot ? ready<MonitoringSnapshot>(*snapshot) : ready<MonitoringSnapshot>(error);
    }
    QFuture<ApiResult<Identity>> fetchIdentity() override
    {
        return ready<Identity>(Identity{QStringLiteral("tester"), Role::Admin});
    }
    std::optional<Job> job; ///< what fetchJob answers, whatever the id
    QFuture<ApiResult<Job>> fetchJob(const QString &) override
    {
        return job ? ready<Job>(*job) : ready<Job>(unsupported());
    }
    QFuture<ApiResult<Job>> retryJob(const QString &) override { return ready<Job>(unsupported()); }
    QFuture<ApiResult<Job>> cancelJob(const QString &) override { return ready<Job>(unsupported()); }
    QFuture<ApiResult<Job>> pauseJob(const QString &) override { return ready<Job>(unsupported()); }
    QFuture<ApiResult<Job>> resumeJob(const QString &) override { return ready<Job>(unsupported()); }
    QFuture<ApiResult<Job>> setJobPriority(const QString &, JobPriority) override
    {
        return ready<Job>(unsupported());
    }
    QFuture<ApiResult<AlertConfig>> fetchAlertConfig() override { return ready<AlertConfig>(alertConfig); }
    QFuture<ApiResult<AlertConfig>> updateAlertConfig(const AlertConfig &c) override
    {
        alertConfig = c;
        return ready<AlertConfig>(c);
    }
    QFuture<ApiResult<AlertPreview>> previewAlerts(const AlertConfig &config) override
    {
        lastPreviewed = config;
        AlertPreview preview;
        for (const AlertEvent &e : events) {
            const AlertRule *rule = config.rule(e.rule);
            if (rule && rule->enabled && e.observedValue > rule->threshold)
                preview.conditions << AlertCondition{e.rule,          rule->severity, e.observedValue,
                                                     rule->threshold, e.message,      e.jobId};
        }
        return ready<AlertPreview>(preview);
    }
    QFuture<ApiResult<AlertEventPage>> fetchAlertEvents(const AlertEventQuery &q) override
    {
        ++eventFetches;
        AlertEventPage page;
        for (const AlertEvent &e : events)
            if (!q.activeOnly || !e.resolvedAt)
                page.events << e;
        page.pagination = Pagination{1, q.limit, qint64(page.events.size()), 1};
        return ready<AlertEventPage>(page);
    }
    QFuture<ApiResult<AlertEvent>> acknowledgeAlertEvent(qint64 id) override
    {
        for (AlertEvent &e : events) {
            if (e.id != id)
                continue;
            if (!e.acknowledgedBy) {
                e.acknowledgedBy = QStringLiteral("tester");
                e.acknowledgedAt = QDateTime::currentDateTimeUtc();
            }
            return ready<AlertEvent>(e);
        }
        ApiError missing;
        missing.kind = ApiError::Kind::NotFound;
        missing.message = QStringLiteral("no alert event with id \"%1\"").arg(id);
        return ready<AlertEvent>(missing);
    }
    QFuture<ApiResult<BatchConfig>> fetchConfig() override { return ready<BatchConfig>(BatchConfig()); }
    QFuture<ApiResult<BatchConfig>> updateConfig(const BatchConfig &c) override
    {
        return ready<BatchConfig>(c);
    }
    QFuture<ApiResult<SchedulerState>> pauseScheduler() override
    {
        return ready<SchedulerState>(SchedulerState{true, true});
    }
    QFuture<ApiResult<SchedulerState>> resumeScheduler() override
    {
        return ready<SchedulerState>(SchedulerState());
    }
};

} // namespace batchmon
