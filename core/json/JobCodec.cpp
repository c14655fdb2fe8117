// SPDX-License-Identifier: GPL-3.0-or-later
// Jobs, their error summaries and timelines, and the wire names of every enumeration.
#include "CodecHelpers.h"
#include "EnumNames.h"
#include "domain/Alerts.h"
#include "domain/Identity.h"
#include "domain/TimeRange.h"

#include <QJsonArray>

namespace batchmon::json {

namespace {

template<typename E> QStringList namesOf(std::initializer_list<E> values)
{
    QStringList names;
    for (E v : values)
        names << toWireString(v);
    return names;
}

} // namespace

const QStringList &jobStatusNames()
{
    static const QStringList names = [] {
        QStringList n;
        for (JobStatus s : allJobStatuses())
            n << toWireString(s);
        return n;
    }();
    return names;
}

const QStringList &jobPriorityNames()
{
    static const QStringList names =
        namesOf({JobPriority::Low, JobPriority::Normal, JobPriority::High, JobPriority::Urgent});
    return names;
}

const QStringList &timeRangeNames()
{
    static const QStringList names =
        namesOf({TimeRange::LastHour, TimeRange::LastDay, TimeRange::LastWeek, TimeRange::LastMonth});
    return names;
}

const QStringList &alertRuleNames()
{
    static const QStringList names = namesOf({AlertRuleId::HighErrorRate, AlertRuleId::LongProcessingTime,
                                              AlertRuleId::LowThroughput, AlertRuleId::BatchFailure});
    return names;
}

const QStringList &severityNames()
{
    static const QStringList names =
        namesOf({Severity::Low, Severity::Medium, Severity::High, Severity::Critical});
    return names;
}

const QStringList &cadenceNames()
{
    static const QStringList names =
        namesOf({NotificationCadence::Immediate, NotificationCadence::Hourly, NotificationCadence::Daily});
    return names;
}

const QStringList &channelNames()
{
    static const QStringList names =
        namesOf({NotificationChannel::Desktop, NotificationChannel::Log, NotificationChannel::Webhook});
    return names;
}

const QStringList &roleNames()
{
    static const QStringList names = namesOf({Role::Viewer, Role::Admin});
    return names;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, ErrorSummaryEntry &out)
{
    JsonObjectReader r(ctx, v, path);
    out.error = r.name(u"error");
    out.count = r.count(u"count");
    out.percentage = r.percentage(u"percentage");
}

QJsonObject encode(const ErrorSummaryEntry &v)
{
    return {{QStringLiteral("error"), v.error},
            {QStringLiteral("count"), v.count},
            {QStringLiteral("percentage"), v.percentage}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, TimelineEntry &out)
{
    JsonObjectReader r(ctx, v, path);
    out.status = r.enumeration(u"status", jobStatusFromWire, jobStatusNames(), JobStatus::Pending);
    out.at = r.time(u"at");
    out.actor = r.name(u"actor");
    out.note = r.string(u"note", Need::Optional);
}

QJsonObject encode(const TimelineEntry &v)
{
    QJsonObject o{{QStringLiteral("status"), toWireString(v.status)},
                  {QStringLiteral("at"), formatTime(v.at)},
                  {QStringLiteral("actor"), v.actor}};
    if (v.note)
        o.insert(QStringLiteral("note"), *v.note);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Job &out)
{
    JsonObjectReader r(ctx, v, path);
    out.id = r.name(u"id");
    out.batchId = r.string(u"batchId", Need::Nullable);
    out.status = r.enumeration(u"status", jobStatusFromWire, jobStatusNames(), JobStatus::Pending);
    out.jobType = r.name(u"jobType");
    out.requestCount = r.count(u"requestCount");
    out.completedCount = r.count(u"completedCount");
    out.failedCount = r.count(u"failedCount");
    if (!ctx.failed() && out.completedCount + out.failedCount > out.requestCount)
        ctx.fail(r.pathOf(u"failedCount"),
                 QStringLiteral("completedCount (%1) + failedCount (%2) exceeds requestCount (%3)")
                     .arg(out.completedCount)
                     .arg(out.failedCount)
                     .arg(out.requestCount));
    out.createdAt = r.time(u"createdAt");
    out.startedAt = r.time(u"startedAt", Need::Nullable);
    out.completedAt = r.time(u"completedAt", Need::Nullable);
    out.processingTimeMs = r.count(u"processingTimeMs", Need::Nullable);
    out.costEstimate = r.cost(u"costEstimate");

    out.model = r.string(u"model", Need::Optional);
    if (r.present(u"priority"))
        out.priority =
            r.enumeration(u"priority", jobPriorityFromWire, jobPriorityNames(), JobPriority::Normal);
    out.retryOf = r.string(u"retryOf", Need::Optional);
    out.attempt = r.count(u"attempt", Need::Optional).value_or(1);
    if (!ctx.failed() && out.attempt < 1)
        ctx.fail(r.pathOf(u"attempt"), QStringLiteral("expected an integer of at least 1, got 0"));
    out.inputTokens = r.count(u"inputTokens", Need::Optional).value_or(0);
    out.outputTokens = r.count(u"outputTokens", Need::Optional).value_or(0);
    if (r.present(u"errorSummary"))
        out.errorSummary = readList<ErrorSummaryEntry>(r, u"errorSummary");
    if (r.present(u"timeline"))
        out.timeline = readList<TimelineEntry>(r, u"timeline");
}

QJsonObject encode(const Job &v)
{
    QJsonObject o{
        {QStringLiteral("id"), v.id},
        {QStringLiteral("batchId"), orNull(v.batchId)},
        {QStringLiteral("status"), toWireString(v.status)},
        {QStringLiteral("jobType"), v.jobType},
        {QStringLiteral("requestCount"), v.requestCount},
        {QStringLiteral("completedCount"), v.completedCount},
        {QStringLiteral("failedCount"), v.failedCount},
        {QStringLiteral("createdAt"), formatTime(v.createdAt)},
        {QStringLiteral("startedAt"), timeOrNull(v.startedAt)},
        {QStringLiteral("completedAt"), timeOrNull(v.completedAt)},
        {QStringLiteral("processingTimeMs"), orNull(v.processingTimeMs)},
        {QStringLiteral("costEstimate"), moneyValue(v.costEstimate)},
        {QStringLiteral("priority"), toWireString(v.priority)},
        {QStringLiteral("attempt"), v.attempt},
        {QStringLiteral("inputTokens"), v.inputTokens},
        {QStringLiteral("outputTokens"), v.outputTokens},
    };
    if (v.model)
        o.insert(QStringLiteral("model"), *v.model);
    if (v.retryOf)
        o.insert(QStringLiteral("retryOf"), *v.retryOf);
    if (v.errorSummary)
        o.insert(QStringLiteral("errorSummary"), encodeList(*v.errorSummary));
    if (v.timeline)
        o.insert(QStringLiteral("timeline"), encodeList(*v.timeline));
    return o;
}

} // namespace batchmon::json
