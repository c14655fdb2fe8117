// SPDX-License-Identifier: GPL-3.0-or-later
#include "Totals.h"

#include <QSqlQuery>

namespace batchmon {

Totals Totals::of(const StoredJob &stored)
{
    const Job &j = stored.job;
    Totals t;
    t.jobs = 1;
    t.requests = j.requestCount;
    t.completedRequests = j.completedCount;
    t.failedRequests = j.failedCount;
    t.completedJobs = j.status == JobStatus::Completed ? 1 : 0;
    t.failedJobs = (j.status == JobStatus::Failed || j.status == JobStatus::Expired) ? 1 : 0;
    t.pendingJobs = (j.status == JobStatus::Pending || j.status == JobStatus::Paused) ? 1 : 0;
    t.batchCostMicros = j.costEstimate.micros();
    t.individualCostMicros = stored.individualCost.micros();
    if (j.processingTimeMs && j.completedAt) {
        t.processingSumMs = *j.processingTimeMs;
        t.processingCount = 1;
        t.lifetimeSumMs = j.createdAt.msecsTo(*j.completedAt);
    }
    t.inputTokens = j.inputTokens;
    t.outputTokens = j.outputTokens;
    t.rateLimitedRequests = stored.errorCounts.value(QStringLiteral("rate_limit_exceeded"));
    return t;
}

Totals Totals::fromColumns(const QSqlQuery &q, int first)
{
    auto at = [&q, first](int i) {
        return q.value(first + i).toLongLong();
    };
    return {at(0), at(1), at(2),  at(3),  at(4),  at(5),  at(6), at(7),
            at(8), at(9), at(10), at(11), at(12), at(13), at(14)};
}

Totals &Totals::operator+=(const Totals &o)
{
    jobs += o.jobs;
    requests += o.requests;
    completedRequests += o.completedRequests;
    failedRequests += o.failedRequests;
    completedJobs += o.completedJobs;
    failedJobs += o.failedJobs;
    pendingJobs += o.pendingJobs;
    batchCostMicros += o.batchCostMicros;
    individualCostMicros += o.individualCostMicros;
    processingSumMs += o.processingSumMs;
    processingCount += o.processingCount;
    lifetimeSumMs += o.lifetimeSumMs;
    inputTokens += o.inputTokens;
    outputTokens += o.outputTokens;
    rateLimitedRequests += o.rateLimitedRequests;
    return *this;
}

Totals Totals::operator-(const Totals &o) const
{
    Totals d;
    d.jobs = jobs - o.jobs;
    d.requests = requests - o.requests;
    d.completedRequests = completedRequests - o.completedRequests;
    d.failedRequests = failedRequests - o.failedRequests;
    d.completedJobs = completedJobs - o.completedJobs;
    d.failedJobs = failedJobs - o.failedJobs;
    d.pendingJobs = pendingJobs - o.pendingJobs;
    d.batchCostMicros = batchCostMicros - o.batchCostMicros;
    d.individualCostMicros = individualCostMicros - o.individualCostMicros;
    d.processingSumMs = processingSumMs - o.processingSumMs;
    d.processingCount = processingCount - o.processingCount;
    d.lifetimeSumMs = lifetimeSumMs - o.lifetimeSumMs;
    d.inputTokens = inputTokens - o.inputTokens;
    d.outputTokens = outputTokens - o.outputTokens;
    d.rateLimitedRequests = rateLimitedRequests - o.rateLimitedRequests;
    return d;
}

bool Totals::isZero() const
{
    return *this == Totals();
}

} // namespace batchmon
