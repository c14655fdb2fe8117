// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "source/DataSource.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

namespace batchmon {

/**
 * The alert events as a table, newest first (by firstSeen, then id), updated in place: an event that
 * changes keeps its row, a new one is inserted, one that is gone removed — so the user's selection
 * survives the 10-second polls.
 */
class AlertEventsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Severity,
        Rule,
        Message,
        JobId,
        FirstSeen,
        LastSeen,
        State,
        Acknowledged,
        ColumnCount
    };
    enum Role
    {
        EventIdRole = Qt::UserRole + 1,
        ActiveRole,
    };
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setEvents(QList<AlertEvent> events);
    const QList<AlertEvent> &events() const { return m_events; }
    int rowOf(qint64 id) const;

    /// "Error rate too high", "Job takes too long", …
    static QString ruleName(AlertRuleId rule);
    static QString severityName(batchmon::Severity severity);

private:
    QList<AlertEvent> m_events;
};

/**
 * Watches a source's alerts for the app (events that were already active for over 15 minutes when the
 * app first sees them are the backlog: counted and listed, not notified — opening the app on a busy
 * server does not bring fifty notifications): polls the active events every 10 s (the seed's
 * alertRefreshInterval) and the configuration every minute, keeps the list for the alerts page, and
 * decides which events to show as desktop notifications — the contract's cadence (immediate: once;
 * hourly/daily: again while unresolved and unacknowledged), suppression window per rule, and only when
 * the configuration's channels include `desktop`. What it decided is remembered, so a poll never
 * notifies the same thing twice: for the monitor's life, and with a memory key (setMemoryKey) across
 * monitors of the same connection too — an app restart or a switch back to the connection does not
 * announce the alerts it already announced. An event missing from the first page (over 100 active)
 * that turns up later, below an id already seen, existed then: backlog too.
 */
class AlertMonitor : public QObject
{
    Q_OBJECT
public:
    AlertMonitor(DataSource *source, int pollIntervalMs = 10000, QObject *parent = nullptr);

    AlertEventsModel *model() { return &m_model; }
    /// Active (unresolved) events; with `showResolved` the list also keeps the recent resolved ones.
    void setShowResolved(bool on);
    bool showResolved() const { return m_showResolved; }
    /// Unresolved and not acknowledged: the badge's count.
    int activeCount() const { return m_activeCount; }
    const std::optional<AlertConfig> &config() const { return m_config; }
    const std::optional<ApiError> &lastError() const { return m_lastError; }

    /// Polls now (and restarts the cadence).
    void refresh();
    /// Acknowledges `id` on the source; `acknowledged` follows.
    void acknowledge(qint64 id);
    /// Remembers what was notified, and when, under `key` in QSettings — one key per connection (the
    /// server's address, the demo workspace's file), so another monitor of it (after a restart, or
    /// switching back) goes on where this one left off. Call before the first poll. Only the events
    /// of the last page are kept, at most 100.
    void setMemoryKey(const QString &key);
    QString memoryKey() const { return m_memoryKey; }
    /// For tests: the clock cadence and suppression use.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

signals:
    void updated();
    void activeCountChanged(int count);
    /// Events to show as desktop notifications now (new, or due again by their rule's cadence).
    void notify(const QList<batchmon::AlertEvent> &events);
    void acknowledged(bool ok, const QString &message);
    /// The configuration (re)loaded.
    void configChanged();

private:
    void poll();
    void loadConfig();
    void onEvents(const AlertEventPage &page);
    bool due(const AlertEvent &event, const QDateTime &now) const;
    void loadMemory();
    void saveMemory() const;

    struct Notified
    {
        QDateTime firstSeen; ///< with the id, which event: a replaced server database reuses ids
        QDateTime at;        ///< when it was last shown (or taken as backlog)
    };

    QPointer<DataSource> m_source;
    AlertEventsModel m_model;
    QTimer m_timer;
    bool m_showResolved = false;
    bool m_inFlight = false;
    int m_activeCount = 0;
    int m_polls = 0;
    std::optional<AlertConfig> m_config;
    std::optional<ApiError> m_lastError;
    QHash<qint64, Notified> m_notifiedEvent; ///< event id → when it was last shown
    QHash<int, QDateTime> m_notifiedRule;    ///< rule → when any of its events was last shown
    bool m_seenFirstPage = false;            ///< the first answer's older events are a backlog, not news
    qint64 m_highestSeen = 0;                ///< the highest event id this monitor has handled
    QString m_memoryKey;
    std::function<QDateTime()> m_clock = [] {
        return QDateTime::currentDateTimeUtc();
    };
};

} // namespace batchmon
