// SPDX-License-Identifier: GPL-3.0-or-later
#include "Session.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QLocale>

namespace batchmon {

namespace {

/// "12 s", "4 min", "3 h": how long ago or how long until, rounded down.
QString span(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    // A plain count in each call: lupdate 6.4 never finishes on a `/` inside translate()'s arguments.
    if (seconds < 60) {
        const int n = int(seconds);
        return QCoreApplication::translate("batchmon::Session", "%n s", nullptr, n);
    }
    if (seconds < 3600) {
        const int n = int(seconds / 60);
        return QCoreApplication::translate("batchmon::Session", "%n min", nullptr, n);
    }
    const int n = int(seconds / 3600);
    return QCoreApplication::translate("batchmon::Session", "%n h", nullptr, n);
}

} // namespace

Session::Session(DataSource *source, DashboardConfig config, QObject *parent)
    : QObject(parent), m_source(source), m_config(config)
{
    m_timer.setInterval(m_config.refreshIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &Session::refresh);
    if (m_source) {
        connect(m_source, &DataSource::retryScheduled, this, [this](int, int delayMs, const QString &) {
            // The client tries again by itself: say when, so the status line is not silent for 15 s.
            m_nextAttempt = m_clock().addMSecs(delayMs);
            emit statusChanged();
        });
    }
}

void Session::setQuery(const MonitoringQuery &query)
{
    m_query = query;
    ++m_generation;
    m_inFlight = false; // the answer to the old query will be dropped
    refresh();
}

void Session::setAutoRefresh(bool on)
{
    m_autoRefresh = on;
    if (on) {
        refresh();
    } else {
        m_timer.stop();
        m_nextAttempt = QDateTime();
        emit statusChanged();
    }
}

void Session::refresh()
{
    if (m_autoRefresh && m_source && m_source->isLive())
        m_timer.start(); // the cadence counts from the last refresh, whatever started it
    if (!m_source || m_inFlight)
        return;
    askIdentity();
    m_inFlight = true;
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<ApiResult<MonitoringSnapshot>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (watcher->future().resultCount() > 0)
            onResult(generation, watcher->future().result());
        else if (generation == m_generation)
            m_inFlight = false;
    });
    watcher->setFuture(m_source->fetchMonitoring(m_query));
}

void Session::askIdentity()
{
    if (m_identity || m_identityInFlight || !m_source)
        return;
    m_identityInFlight = true;
    auto *watcher = new QFutureWatcher<ApiResult<Identity>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_identityInFlight = false;
        if (watcher->future().resultCount() == 0 || !watcher->future().result().ok())
            return; // asked again with the next refresh; the snapshot's own error says what is wrong
        m_identity = watcher->future().result().value();
        emit identityChanged();
    });
    watcher->setFuture(m_source->fetchIdentity());
}

void Session::onResult(quint64 generation, const ApiResult<MonitoringSnapshot> &result)
{
    if (generation != m_generation)
        return; // an answer to a query the user has left
    m_inFlight = false;
    m_nextAttempt = m_autoRefresh
                        ? m_clock().addMSecs(m_timer.remainingTime() >= 0 ? m_timer.remainingTime()
                                                                          : m_config.refreshIntervalMs)
                        : QDateTime();
    if (result.ok()) {
        m_snapshot = result.value();
        m_lastSuccess = m_clock();
        m_lastError.reset();
        setState(State::Connected);
        emit snapshotUpdated();
    } else {
        m_lastError = result.error();
        setState(m_snapshot ? State::Stale : State::Failed);
    }
    emit statusChanged();
}

void Session::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

QString Session::statusText(const QDateTime &now) const
{
    const QString retry =
        m_nextAttempt.isValid()
            ? tr(" Trying again in %1.").arg(span((now.msecsTo(m_nextAttempt) + 999) / 1000))
            : QString();
    switch (m_state) {
    case State::Connecting:
        return tr("Connecting…");
    case State::Connected:
        if (m_source && !m_source->isLive() && m_snapshot)
            return tr("Data as of %1, as exported; it does not change")
                .arg(QLocale().toString(m_snapshot->generatedAt.value_or(m_lastSuccess).toLocalTime(),
                                        QLocale::ShortFormat));
        return tr("Updated %1 ago").arg(span(m_lastSuccess.secsTo(now))) +
               (m_autoRefresh ? QString() : tr(" — automatic refresh paused (F5 refreshes)"));
    case State::Stale:
        return tr("Showing data from %1 (%2 ago): %3")
                   .arg(QLocale().toString(m_lastSuccess.toLocalTime().time(), QLocale::ShortFormat),
                        span(m_lastSuccess.secsTo(now)),
                        m_lastError ? m_lastError->userMessage() : QString()) +
               retry;
    case State::Failed:
        return tr("No data: %1").arg(m_lastError ? m_lastError->userMessage() : QString()) + retry;
    }
    return {};
}

} // namespace batchmon
