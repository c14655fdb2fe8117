// SPDX-License-Identifier: GPL-3.0-or-later
// Snapshots with known buckets for the local history's tests.
#pragma once

#include "domain/Snapshot.h"

namespace batchmon::test {

/// A snapshot of `range` generated at `at`, its buckets laid out as batchmon-server does (docs/api.md
/// §8.2), each with `jobs(i)` jobs of 100 requests.
template<typename F>
MonitoringSnapshot snapshotAt(const QDateTime &at, TimeRange range, F jobs, qint64 pending = 4,
                              std::optional<double> successRate = 95.0)
{
    MonitoringSnapshot s;
    s.timeRange = range;
    s.generatedAt = at;
    s.summary.totalJobs = 0;
    s.summary.successRate = successRate;
    s.queues = Queues{pending, 2, 100, 5, 1};
    s.performance.throughput.requestsPerHour = 650;
    s.performance.throughput.jobsPerHour = 6.5;
    Historical h;
    h.bucketSeconds = bucketSeconds(range);
    const qint64 width = h.bucketSeconds * 1000;
    const qint64 end = (at.toMSecsSinceEpoch() / width + 1) * width;
    int i = 0;
    for (qint64 start = end - durationSeconds(range) * 1000; start < end; start += width, ++i) {
        HistoricalBucket b;
        b.start = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
        b.end = QDateTime::fromMSecsSinceEpoch(start + width, Qt::UTC);
        b.jobs = jobs(i);
        b.requests = b.jobs * 100;
        b.completedRequests = b.jobs * 95;
        b.failedRequests = b.jobs * 5;
        b.batchCost = Money::fromMicros(b.jobs * 40000);
        b.savings = Money::fromMicros(b.jobs * 38000);
        if (b.jobs > 0)
            b.averageProcessingTime = 1800000;
        h.buckets << b;
        s.summary.totalJobs += b.jobs;
        s.summary.totalRequests += b.requests;
    }
    s.historical = h;
    return s;
}

} // namespace batchmon::test
