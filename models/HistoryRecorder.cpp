// SPDX-License-Identifier: GPL-3.0-or-later
#include "HistoryRecorder.h"

#include "Session.h"

#include <QFile>
#include <QSettings>
#include <QtDebug>

#include <algorithm>

namespace batchmon {

namespace {

const QString kRetentionKey = QStringLiteral("history/retentionDays");
const QString kMaxMegabytesKey = QStringLiteral("history/maxMegabytes");

/// The recorded samples a trend chart draws: enough for a line, few enough to draw in a millisecond.
constexpr int kSampleSlots = 120;

} // namespace

HistoryRecorder::HistoryRecorder(Session *session, const QString &path, const HistoryLimits &limits,
                                 QObject *parent)
    : QObject(parent), m_session(session), m_path(path), m_limits(limits)
{
    auto opened = HistoryStore::open(path);
    if (!opened) {
        m_problem = opened.error();
        qWarning("Local history disabled: %s", qPrintable(m_problem));
    } else {
        m_store = std::move(opened).value();
        prune();
    }
    if (m_session)
        connect(m_session, &Session::snapshotUpdated, this, &HistoryRecorder::onSnapshotUpdated);
}

HistoryRecorder::~HistoryRecorder() = default;

HistoryLimits HistoryRecorder::limitsFromSettings()
{
    const QSettings settings;
    HistoryLimits limits;
    limits.retentionDays = std::clamp(settings.value(kRetentionKey, limits.retentionDays).toInt(), 1, 3650);
    const qint64 megabytes =
        std::clamp<qint64>(settings.value(kMaxMegabytesKey, limits.maxBytes >> 20).toLongLong(), 1, 10240);
    limits.maxBytes = megabytes << 20;
    return limits;
}

void HistoryRecorder::saveLimitsToSettings(const HistoryLimits &limits)
{
    QSettings settings;
    settings.setValue(kRetentionKey, limits.retentionDays);
    settings.setValue(kMaxMegabytesKey, std::max<qint64>(1, limits.maxBytes >> 20));
}

void HistoryRecorder::setLimits(const HistoryLimits &limits)
{
    m_limits = limits;
    m_lastPrune = QDateTime();
    prune();
}

void HistoryRecorder::onSnapshotUpdated()
{
    if (!m_store || !m_session || !m_session->snapshot())
        return;
    // A view of one job type narrows the summary, queues and buckets: not the server's history.
    if (m_session->query().jobType)
        return;
    const MonitoringSnapshot &s = *m_session->snapshot();
    const TimeRange range = s.timeRange.value_or(m_session->query().timeRange);
    const auto written = m_store->record(s, range, m_clock());
    if (!written) {
        fail(written.error());
        return;
    }
    prune();
    if (m_store)
        emit recorded();
}

void HistoryRecorder::prune()
{
    if (!m_store)
        return;
    // Retention moves by the hour at most, and a refresh adds a few kilobytes: once an hour is enough.
    const QDateTime now = m_clock();
    if (m_lastPrune.isValid() && m_lastPrune.secsTo(now) < 3600 && m_lastPrune <= now)
        return;
    m_lastPrune = now;
    if (auto pruned = m_store->prune(m_limits, now); !pruned)
        fail(pruned.error());
}

void HistoryRecorder::fail(const QString &why)
{
    m_problem = why;
    m_store.reset();
    qWarning("Local history disabled: %s", qPrintable(why));
    emit unavailable(why);
}

MergedHistorical HistoryRecorder::merged(const MonitoringSnapshot &snapshot) const
{
    MergedHistorical out;
    const TimeRange range =
        snapshot.timeRange.value_or(m_session ? m_session->query().timeRange : TimeRange::LastDay);
    if (snapshot.historical)
        out.historical = *snapshot.historical;
    else
        out.historical = emptyHistorical(range, snapshot.generatedAt.value_or(m_clock()));
    out.fromHistory = QList<bool>(out.historical.buckets.size(), false);
    if (!m_store || (m_session && m_session->query().jobType))
        return out;
    // Only the slots the server has no jobs in are looked up; usually there are none and this reads
    // nothing.
    std::optional<QDateTime> from;
    QDateTime to;
    for (const HistoricalBucket &b : std::as_const(out.historical.buckets)) {
        if (b.jobs > 0)
            continue;
        if (!from)
            from = b.start;
        to = b.end;
    }
    if (!from)
        return out;
    const auto recorded = m_store->buckets(out.historical.bucketSeconds, *from, to);
    if (!recorded) {
        qWarning("Local history not read: %s", qPrintable(recorded.error()));
        return out;
    }
    return mergeHistorical(out.historical, recorded.value());
}

qint64 HistoryRecorder::sampleSeconds(TimeRange range)
{
    return durationSeconds(range) / kSampleSlots;
}

QList<RecordedSample> HistoryRecorder::samples(TimeRange range) const
{
    if (!m_store)
        return {};
    const QDateTime now = m_clock();
    const auto r =
        m_store->samples(range, now.addSecs(-durationSeconds(range)), now.addMSecs(1), kSampleSlots);
    if (!r) {
        qWarning("Local history not read: %s", qPrintable(r.error()));
        return {};
    }
    return r.value();
}

qint64 HistoryRecorder::fileSize() const
{
    if (m_store)
        return m_store->fileSize();
    return QFile(m_path).size();
}

std::optional<QDateTime> HistoryRecorder::oldest() const
{
    return m_store ? m_store->oldest() : std::nullopt;
}

QString HistoryRecorder::clear()
{
    if (m_store) {
        if (auto cleared = m_store->clear(); !cleared)
            return cleared.error();
        return {};
    }
    // A file that could not be opened (not a database, a newer schema): start a new one in its place.
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        QFile file(m_path + suffix);
        if (file.exists() && !file.remove())
            return tr("Cannot remove %1: %2").arg(file.fileName(), file.errorString());
    }
    auto opened = HistoryStore::open(m_path);
    if (!opened) {
        m_problem = opened.error();
        return m_problem;
    }
    m_store = std::move(opened).value();
    m_problem.clear();
    m_lastPrune = QDateTime();
    return {};
}

} // namespace batchmon
