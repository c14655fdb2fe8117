// SPDX-License-Identifier: GPL-3.0-or-later
#include "HistoryMerge.h"

#include <QHash>

#include <algorithm>

namespace batchmon {

namespace {

struct Key
{
    qint64 width;
    qint64 startMs;
    bool operator==(const Key &o) const { return width == o.width && startMs == o.startMs; }
};

size_t qHash(const Key &k, size_t seed = 0)
{
    return qHashMulti(seed, k.width, k.startMs);
}

/// `parts` summed into one bucket over [start, end); the mean processing time weighted by jobs.
HistoricalBucket sum(const QList<const RecordedBucket *> &parts, const QDateTime &start, const QDateTime &end)
{
    HistoricalBucket b;
    b.start = start;
    b.end = end;
    qint64 timedJobs = 0;
    qint64 timeSum = 0;
    for (const RecordedBucket *p : parts) {
        b.jobs += p->bucket.jobs;
        b.requests += p->bucket.requests;
        b.completedRequests += p->bucket.completedRequests;
        b.failedRequests += p->bucket.failedRequests;
        b.batchCost += p->bucket.batchCost;
        b.savings += p->bucket.savings;
        if (p->bucket.averageProcessingTime && p->bucket.jobs > 0) {
            timedJobs += p->bucket.jobs;
            timeSum += *p->bucket.averageProcessingTime * p->bucket.jobs;
        }
    }
    if (timedJobs > 0)
        b.averageProcessingTime = timeSum / timedJobs;
    return b;
}

} // namespace

MergedHistorical mergeHistorical(const Historical &server, const QList<RecordedBucket> &recorded)
{
    MergedHistorical out;
    out.historical = server;
    out.fromHistory = QList<bool>(server.buckets.size(), false);
    if (recorded.isEmpty())
        return out;
    QHash<Key, const RecordedBucket *> byKey;
    QList<qint64> widths;
    for (const RecordedBucket &r : recorded) {
        byKey.insert(Key{r.bucketSeconds, r.bucket.start.toMSecsSinceEpoch()}, &r);
        if (!widths.contains(r.bucketSeconds))
            widths << r.bucketSeconds;
    }
    std::sort(widths.begin(), widths.end(), std::greater<qint64>()); // coarsest first

    for (int i = 0; i < server.buckets.size(); ++i) {
        const HistoricalBucket &slot = server.buckets[i];
        if (slot.jobs > 0)
            continue;
        const qint64 width = slot.start.secsTo(slot.end);
        const qint64 startMs = slot.start.toMSecsSinceEpoch();
        std::optional<HistoricalBucket> found;
        if (const RecordedBucket *same = byKey.value(Key{width, startMs}); same && same->bucket.jobs > 0) {
            found = same->bucket;
            found->start = slot.start;
            found->end = slot.end;
        }
        for (int w = 0; !found && w < widths.size(); ++w) {
            const qint64 fine = widths[w];
            if (fine <= 0 || fine >= width || width % fine != 0)
                continue;
            QList<const RecordedBucket *> parts;
            for (qint64 k = 0; k < width / fine; ++k) {
                const RecordedBucket *part = byKey.value(Key{fine, startMs + k * fine * 1000});
                if (!part || !part->closed) {
                    parts.clear();
                    break;
                }
                parts << part;
            }
            if (parts.isEmpty())
                continue;
            const HistoricalBucket summed = sum(parts, slot.start, slot.end);
            if (summed.jobs > 0)
                found = summed;
        }
        if (!found)
            continue;
        out.historical.buckets[i] = *found;
        out.fromHistory[i] = true;
        if (!out.historyBefore || *out.historyBefore < slot.end)
            out.historyBefore = slot.end;
    }
    return out;
}

Historical emptyHistorical(TimeRange range, const QDateTime &generatedAt)
{
    Historical h;
    h.bucketSeconds = bucketSeconds(range);
    const qint64 width = h.bucketSeconds * 1000;
    const qint64 end = (generatedAt.toMSecsSinceEpoch() / width + 1) * width;
    for (qint64 start = end - durationSeconds(range) * 1000; start < end; start += width) {
        HistoricalBucket b;
        b.start = QDateTime::fromMSecsSinceEpoch(start, Qt::UTC);
        b.end = QDateTime::fromMSecsSinceEpoch(start + width, Qt::UTC);
        h.buckets << b;
    }
    return h;
}

} // namespace batchmon
