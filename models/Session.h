// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "source/DataSource.h"

#include <QDateTime>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

namespace batchmon {

/// The seed's DASHBOARD_CONFIG. Retries of a failed call (3, 5 s apart) are the HTTP client's; the
/// session refreshes on its cadence and says what is happening in between.
struct DashboardConfig
{
    int refreshIntervalMs = 30000;
    int alertRefreshIntervalMs = 10000;
    int detailRefreshIntervalMs = 60000;
};

/**
 * One connection to a data source, as the dashboard sees it: the query, the refresh cadence, the last
 * good snapshot and the connection state. A failed refresh keeps the last data and says how old it
 * is, why, and when the next try is; the next success recovers by itself. Models and widgets read
 * the session; it is the only one that talks to the source about the snapshot.
 */
class Session : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Connecting, ///< no answer yet
        Connected,  ///< the last refresh succeeded
        Stale,      ///< refreshes fail; the last good snapshot is still shown
        Failed,     ///< refreshes fail and there has never been a snapshot
    };
    Q_ENUM(State)

    Session(DataSource *source, DashboardConfig config = {}, QObject *parent = nullptr);

    DataSource *source() const { return m_source; }
    const MonitoringQuery &query() const { return m_query; }
    /// A new query (range, filters, page): refreshes at once; an answer to the old query is dropped.
    void setQuery(const MonitoringQuery &query);

    const std::optional<MonitoringSnapshot> &snapshot() const { return m_snapshot; }
    State state() const { return m_state; }
    QDateTime lastSuccess() const { return m_lastSuccess; }
    const std::optional<ApiError> &lastError() const { return m_lastError; }
    QDateTime nextAttempt() const { return m_nextAttempt; }
    /// Who the source says we are (GET /whoami): asked with the first refresh, and again after a
    /// failure; nullopt until answered.
    const std::optional<Identity> &identity() const { return m_identity; }
    /// Whether the user may change things: an admin identity. False while unknown.
    bool canAct() const { return m_identity && m_identity->role == Role::Admin; }

    /// One line for the status bar, e.g. "Updated 12 s ago" or "Showing data from 10:31 (2 min ago):
    /// cannot reach the server (…). Trying again in 25 s."
    QString statusText(const QDateTime &now) const;

    /// Refreshes now (unless a refresh is under way) and restarts the cadence.
    void refresh();
    /// Stops or restarts the automatic refreshes (the user reads a page and does not want it to move).
    void setAutoRefresh(bool on);
    bool autoRefresh() const { return m_autoRefresh; }
    /// For tests: the clock the status text and times use.
    void setClock(std::function<QDateTime()> clock) { m_clock = std::move(clock); }

signals:
    void snapshotUpdated();
    void identityChanged();
    void stateChanged(batchmon::Session::State state);
    /// The status line changed meaning (state, error, next attempt).
    void statusChanged();

private:
    void onResult(quint64 generation, const ApiResult<MonitoringSnapshot> &result);
    void setState(State state);
    void askIdentity();

    QPointer<DataSource> m_source;
    DashboardConfig m_config;
    MonitoringQuery m_query;
    std::optional<MonitoringSnapshot> m_snapshot;
    State m_state = State::Connecting;
    QDateTime m_lastSuccess;
    std::optional<ApiError> m_lastError;
    QDateTime m_nextAttempt;
    QTimer m_timer;
    bool m_inFlight = false;
    std::optional<Identity> m_identity;
    bool m_identityInFlight = false;
    bool m_autoRefresh = true;
    quint64 m_generation = 0; ///< bumped by setQuery, so a late answer to an old query is ignored
    std::function<QDateTime()> m_clock = [] {
        return QDateTime::currentDateTimeUtc();
    };
};

} // namespace batchmon
