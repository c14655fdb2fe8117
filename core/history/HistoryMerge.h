// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "HistoryStore.h"
#include "domain/Snapshot.h"

#include <QList>

#include <optional>

namespace batchmon {

/// The trend charts' buckets: the server's, with the slots it has no jobs in filled from local history.
struct MergedHistorical
{
    Historical historical;
    QList<bool> fromHistory; ///< per bucket: whether it came from local history
    /// The end of the latest bucket taken from local history ("includes local history from before …").
    std::optional<QDateTime> historyBefore;

    int filled() const { return int(fromHistory.count(true)); }
};

/**
 * For each slot of `server`: the server's bucket when it has jobs. When it has none (the server purged
 * them past its retention, or started over on a new database): the recorded bucket of the same width and
 * start when that has jobs; otherwise recorded finer buckets (hourly ones seen on 24 h in a daily slot of
 * 30 d), summed, when they cover the slot entirely — every sub-slot recorded after it had ended — and hold
 * jobs. The coarsest complete width wins. `recorded` may hold any widths and times; the rest are ignored.
 */
MergedHistorical mergeHistorical(const Historical &server, const QList<RecordedBucket> &recorded);

/// The empty slots of `range` at `generatedAt` as batchmon-server lays them out (docs/api.md §8.2), for
/// a server that sends no `historical`.
Historical emptyHistorical(TimeRange range, const QDateTime &generatedAt);

} // namespace batchmon
