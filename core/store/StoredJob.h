// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Job.h"
#include "domain/Tie.h"

#include <QMap>

namespace batchmon {

/// A job as the store keeps it: the API's fields plus what the engine and the pipeline need.
struct StoredJob
{
    Job job;                         ///< errorSummary and timeline are not held here (see JobStore)
    Money individualCost;            ///< what the completed requests would have cost synchronously
    qint64 estimatedInputTokens = 0; ///< counted against the provider's enqueued-token quota
    std::optional<QDateTime> submittedAt;
    std::optional<QDateTime> cancelRequestedAt;
    QMap<QString, qint64> errorCounts; ///< failed requests by error code; sums to failedCount
    /// Bumped by every update; an update from an older revision is refused (JobStore::update).
    /// Bookkeeping, not data: not part of equality.
    qint64 revision = 0;

    auto tie() const
    {
        return std::tie(job, individualCost, estimatedInputTokens, submittedAt, cancelRequestedAt,
                        errorCounts);
    }
};

} // namespace batchmon
