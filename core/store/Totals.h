// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "StoredJob.h"

#include <QtGlobal>

class QSqlQuery;

namespace batchmon {

/**
 * Additive sums over a set of jobs: one row of the `rollups` table (jobs created in one hour, of one
 * type), or any range of them. Every figure of docs/api.md's summary, performance and historical
 * sections is computed from these sums, so the hourly rollups, a raw scan of the jobs and the tests'
 * brute-force recomputation all go through `of()`.
 */
struct Totals
{
    qint64 jobs = 0;
    qint64 requests = 0;
    qint64 completedRequests = 0;
    qint64 failedRequests = 0;
    qint64 completedJobs = 0; ///< status completed
    qint64 failedJobs = 0;    ///< failed + expired
    qint64 pendingJobs = 0;   ///< pending + paused
    qint64 batchCostMicros = 0;
    qint64 individualCostMicros = 0;
    qint64 processingSumMs = 0; ///< Σ processingTimeMs of jobs that have one
    qint64 processingCount = 0;
    qint64 lifetimeSumMs = 0; ///< Σ (completedAt − createdAt) of the same jobs
    qint64 inputTokens = 0;
    qint64 outputTokens = 0;
    qint64 rateLimitedRequests = 0;

    /// One job's contribution.
    static Totals of(const StoredJob &job);
    /// The 15 sums in column order of `rollups`, starting at column `first` of the current row.
    static Totals fromColumns(const QSqlQuery &row, int first);

    Totals &operator+=(const Totals &o);
    Totals operator-(const Totals &o) const;
    bool isZero() const;

    auto tie() const
    {
        return std::tie(jobs, requests, completedRequests, failedRequests, completedJobs, failedJobs,
                        pendingJobs, batchCostMicros, individualCostMicros, processingSumMs, processingCount,
                        lifetimeSumMs, inputTokens, outputTokens, rateLimitedRequests);
    }
};

} // namespace batchmon
