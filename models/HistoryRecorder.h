// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "history/HistoryMerge.h"
#include "history/HistoryStore.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace batchmon {

class Session;

/**
 * Records every snapshot a server profile's Session receives into that profile's local history, and
 * gives the charts what the history adds: the server's buckets merged with the recorded ones, and the
 * recorded queue depth and success rate over time. The demo workspace has none (its store keeps its own
 * 30 days).
 *
 * Each snapshot is one transaction of prepared statements on the UI thread — a row and up to 30
 * buckets, about a millisecond — and pruning runs at most once an hour. A file that cannot be opened or
 * written never stops the session: the recorder says why once (unavailable()), stops recording, and the
 * charts show the server's data only.
 */
class HistoryRecorder : public QObject
{
    Q_OBJECT
public:
    /// Records `session`'s snapshots in the file at `path` (HistoryStore::pathForProfile in the app).
    HistoryRecorder(Session *session, const QString &path, const HistoryLimits &limits,
                    QObject *parent = nullptr);
    ~HistoryRecorder() override;

    /// The limits in the application's QSettings (`history/retentionDays`, `history/maxMegabytes`), or
    /// the defaults (30 days, 50 MB).
    static HistoryLimits limitsFromSettings();
    static void saveLimitsToSettings(const HistoryLimits &limits);

    bool isAvailable() const { return m_store != nullptr; }
    /// Why the history cannot be used (empty while it can).
    QString problem() const { return m_problem; }
    QString path() const { return m_path; }
    HistoryLimits limits() const { return m_limits; }
    /// New limits, applied at once (the file may shrink).
    void setLimits(const HistoryLimits &limits);

    /// `snapshot`'s historical (or the empty slots of its range when the server sends none) with the
    /// slots the server has no jobs in filled from local history. A view narrowed to one job type is
    /// left as the server sent it: the history holds every job type together.
    MergedHistorical merged(const MonitoringSnapshot &snapshot) const;
    /// How long one point of samples(range) stands for: the range in 120 slots (12 minutes on 24 h).
    static qint64 sampleSeconds(TimeRange range);
    /// Recorded queue depth and success rate over the `range` up to now, in at most 120 points.
    QList<RecordedSample> samples(TimeRange range) const;

    qint64 fileSize() const;
    std::optional<QDateTime> oldest() const;
    /// Deletes everything recorded for this profile. A file that could not be opened is removed and
    /// started afresh. Returns an error message, or an empty string.
    QString clear();

    /// For tests: the clock that stamps snapshots without generatedAt and drives retention.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }
    HistoryStore *store() const { return m_store.get(); }

signals:
    /// A snapshot was recorded.
    void recorded();
    /// Recording stopped: the file cannot be opened or written (`message` says which and why).
    void unavailable(const QString &message);

private:
    void onSnapshotUpdated();
    void fail(const QString &why);
    void prune();

    QPointer<Session> m_session;
    QString m_path;
    HistoryLimits m_limits;
    std::unique_ptr<HistoryStore> m_store;
    QString m_problem;
    QDateTime m_lastPrune;
    std::function<QDateTime()> m_clock = [] {
        return QDateTime::currentDateTimeUtc();
    };
};

} // namespace batchmon
