// SPDX-License-Identifier: GPL-3.0-or-later
#include "AlertMonitor.h"

#include <QColor>
#include <QFutureWatcher>
#include <QLocale>
#include <QSet>
#include <QSettings>
#include <QUrl>

#include <algorithm>

namespace batchmon {

namespace {

bool newerFirst(const AlertEvent &a, const AlertEvent &b)
{
    return a.firstSeen != b.firstSeen ? a.firstSeen > b.firstSeen : a.id > b.id;
}

QString when(const QDateTime &t)
{
    return QLocale().toString(t.toLocalTime(), QLocale::ShortFormat);
}

/// One group per connection; the key (an address) encoded, '/' being QSettings' separator.
QString memoryGroup(const QString &key)
{
    return QStringLiteral("alertNotifications/") + QString::fromLatin1(QUrl::toPercentEncoding(key));
}

} // namespace

int AlertEventsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int AlertEventsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AlertEventsModel::ruleName(AlertRuleId rule)
{
    switch (rule) {
    case AlertRuleId::HighErrorRate:
        return tr("High error rate");
    case AlertRuleId::LongProcessingTime:
        return tr("Long processing time");
    case AlertRuleId::LowThroughput:
        return tr("Low throughput");
    case AlertRuleId::BatchFailure:
        return tr("Batch failure");
    }
    return {};
}

QString AlertEventsModel::severityName(batchmon::Severity severity)
{
    switch (severity) {
    case batchmon::Severity::Low:
        return tr("Low");
    case batchmon::Severity::Medium:
        return tr("Medium");
    case batchmon::Severity::High:
        return tr("High");
    case batchmon::Severity::Critical:
        return tr("Critical");
    }
    return {};
}

QVariant AlertEventsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_events.size())
        return {};
    const AlertEvent &e = m_events[index.row()];
    if (role == EventIdRole)
        return e.id;
    if (role == ActiveRole)
        return !e.resolvedAt.has_value();
    if (role == Qt::ForegroundRole && index.column() == Severity) {
        switch (e.severity) {
        case batchmon::Severity::Critical:
        case batchmon::Severity::High:
            return QColor(0xd3, 0x3b, 0x3b);
        case batchmon::Severity::Medium:
            return QColor(0xe0, 0x8a, 0x1e);
        case batchmon::Severity::Low:
            break;
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Severity:
        return severityName(e.severity);
    case Rule:
        return ruleName(e.rule);
    case Message:
        return e.message;
    case JobId:
        return e.jobId.value_or(QString());
    case FirstSeen:
        return when(e.firstSeen);
    case LastSeen:
        return when(e.lastSeen);
    case State:
        return e.resolvedAt ? tr("Resolved %1").arg(when(*e.resolvedAt)) : tr("Active");
    case Acknowledged:
        return e.acknowledgedBy ? tr("%1, %2").arg(*e.acknowledgedBy,
                                                   e.acknowledgedAt ? when(*e.acknowledgedAt) : QString())
                                : QString();
    default:
        return {};
    }
}

QVariant AlertEventsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Severity:
        return tr("Severity");
    case Rule:
        return tr("Rule");
    case Message:
        return tr("What");
    case JobId:
        return tr("Job");
    case FirstSeen:
        return tr("First seen");
    case LastSeen:
        return tr("Last seen");
    case State:
        return tr("State");
    case Acknowledged:
        return tr("Acknowledged by");
    default:
        return {};
    }
}

int AlertEventsModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_events.size(); ++i)
        if (m_events[i].id == id)
            return i;
    return -1;
}

void AlertEventsModel::setEvents(QList<AlertEvent> events)
{
    std::sort(events.begin(), events.end(), newerFirst);
    // Rows that are gone, from the bottom up.
    for (int i = int(m_events.size()) - 1; i >= 0; --i) {
        const qint64 id = m_events[i].id;
        if (std::none_of(events.begin(), events.end(), [id](const AlertEvent &e) { return e.id == id; })) {
            beginRemoveRows({}, i, i);
            m_events.removeAt(i);
            endRemoveRows();
        }
    }
    // Then, in the new order (which keeps the old rows' relative order: firstSeen never changes),
    // changed rows in place and new rows where they belong.
    for (int i = 0; i < events.size(); ++i) {
        if (i < m_events.size() && m_events[i].id == events[i].id) {
            if (!(m_events[i].tie() == events[i].tie())) {
                m_events[i] = events[i];
                emit dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
            continue;
        }
        beginInsertRows({}, i, i);
        m_events.insert(i, events[i]);
        endInsertRows();
    }
}

AlertMonitor::AlertMonitor(DataSource *source, int pollIntervalMs, QObject *parent)
    : QObject(parent), m_source(source)
{
    m_timer.setInterval(pollIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &AlertMonitor::poll);
}

void AlertMonitor::setShowResolved(bool on)
{
    if (m_showResolved == on)
        return;
    m_showResolved = on;
    refresh();
}

void AlertMonitor::refresh()
{
    m_timer.start();
    poll();
}

void AlertMonitor::loadConfig()
{
    if (!m_source)
        return;
    auto *watcher = new QFutureWatcher<ApiResult<AlertConfig>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        if (watcher->future().resultCount() == 0 || !watcher->future().result().ok())
            return; // tried again with a later poll
        m_config = watcher->future().result().value();
        emit configChanged();
    });
    watcher->setFuture(m_source->fetchAlertConfig());
}

void AlertMonitor::poll()
{
    if (!m_source || m_inFlight)
        return;
    // The configuration (channels, cadences, suppression) every sixth poll: a minute at 10 s.
    if (!m_config || m_polls % 6 == 0)
        loadConfig();
    ++m_polls;
    m_inFlight = true;
    AlertEventQuery query;
    query.activeOnly = !m_showResolved;
    query.limit = 100;
    auto *watcher = new QFutureWatcher<ApiResult<AlertEventPage>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_inFlight = false;
        if (watcher->future().resultCount() == 0)
            return;
        const ApiResult<AlertEventPage> r = watcher->future().result();
        if (!r.ok()) {
            m_lastError = r.error();
            emit updated();
            return;
        }
        m_lastError.reset();
        onEvents(r.value());
    });
    watcher->setFuture(m_source->fetchAlertEvents(query));
}

void AlertMonitor::setMemoryKey(const QString &key)
{
    m_memoryKey = key;
    loadMemory();
}

void AlertMonitor::loadMemory()
{
    m_notifiedEvent.clear();
    m_notifiedRule.clear();
    if (m_memoryKey.isEmpty())
        return;
    QSettings settings;
    settings.beginGroup(memoryGroup(m_memoryKey));
    // "id firstSeen at" and "rule at", times in ms since the epoch; anything else is skipped.
    const auto time = [](const QString &ms, bool *ok) {
        return QDateTime::fromMSecsSinceEpoch(ms.toLongLong(ok), Qt::UTC);
    };
    for (const QString &line : settings.value(QStringLiteral("events")).toStringList()) {
        const QStringList f = line.split(QLatin1Char(' '));
        bool ok[3] = {};
        const qint64 id = f.size() == 3 ? f[0].toLongLong(&ok[0]) : 0;
        const QDateTime firstSeen = f.size() == 3 ? time(f[1], &ok[1]) : QDateTime();
        const QDateTime at = f.size() == 3 ? time(f[2], &ok[2]) : QDateTime();
        if (ok[0] && ok[1] && ok[2])
            m_notifiedEvent.insert(id, Notified{firstSeen, at});
    }
    for (const QString &line : settings.value(QStringLiteral("rules")).toStringList()) {
        const QStringList f = line.split(QLatin1Char(' '));
        bool ok[2] = {};
        const int rule = f.size() == 2 ? f[0].toInt(&ok[0]) : -1;
        const QDateTime at = f.size() == 2 ? time(f[1], &ok[1]) : QDateTime();
        if (ok[0] && ok[1])
            m_notifiedRule.insert(rule, at);
    }
}

void AlertMonitor::saveMemory() const
{
    if (m_memoryKey.isEmpty())
        return;
    QStringList events;
    for (auto it = m_notifiedEvent.begin(); it != m_notifiedEvent.end(); ++it)
        events << QStringLiteral("%1 %2 %3")
                      .arg(it.key())
                      .arg(it->firstSeen.toMSecsSinceEpoch())
                      .arg(it->at.toMSecsSinceEpoch());
    events.sort(); // a stable file, whatever the hash's order
    QStringList rules;
    for (auto it = m_notifiedRule.begin(); it != m_notifiedRule.end(); ++it)
        rules << QStringLiteral("%1 %2").arg(it.key()).arg(it->toMSecsSinceEpoch());
    rules.sort();
    QSettings settings;
    settings.beginGroup(memoryGroup(m_memoryKey));
    settings.setValue(QStringLiteral("events"), events);
    settings.setValue(QStringLiteral("rules"), rules);
}

bool AlertMonitor::due(const AlertEvent &e, const QDateTime &now) const
{
    if (e.resolvedAt || e.acknowledgedBy)
        return false;
    const auto notified = m_notifiedEvent.constFind(e.id);
    if (notified == m_notifiedEvent.constEnd())
        return true;
    const QDateTime &last = notified->at;
    const AlertRule *rule = m_config ? m_config->rule(e.rule) : nullptr;
    if (!rule)
        return false;
    switch (rule->notification) {
    case NotificationCadence::Immediate:
        return false;
    case NotificationCadence::Hourly:
        return last.secsTo(now) >= 3600;
    case NotificationCadence::Daily:
        return last.secsTo(now) >= 86400;
    }
    return false;
}

void AlertMonitor::onEvents(const AlertEventPage &page)
{
    m_model.setEvents(page.events);
    const int active = int(std::count_if(page.events.begin(), page.events.end(), [](const AlertEvent &e) {
        return !e.resolvedAt && !e.acknowledgedBy;
    }));
    if (active != m_activeCount) {
        m_activeCount = active;
        emit activeCountChanged(active);
    }
    // Desktop notifications: only when the configuration is known and has the channel.
    const bool desktop = m_config && m_config->notificationChannels.contains(NotificationChannel::Desktop);
    if (desktop) {
        const QDateTime now = m_clock();
        const qint64 window = m_config->suppressionWindowMinutes * 60;
        QList<AlertEvent> show;
        QList<AlertEvent> oldestFirst = page.events;
        std::reverse(oldestFirst.begin(), oldestFirst.end());
        qint64 highestBefore = m_highestSeen;
        bool changed = false;
        QSet<qint64> listed;
        for (const AlertEvent &e : oldestFirst) {
            listed.insert(e.id);
            m_highestSeen = std::max(m_highestSeen, e.id);
            auto known = m_notifiedEvent.find(e.id);
            if (known != m_notifiedEvent.end() && known->firstSeen != e.firstSeen) {
                // Another event under a remembered id: the server's database was replaced, and ids
                // say nothing about what existed before.
                m_notifiedEvent.erase(known);
                known = m_notifiedEvent.end();
                highestBefore = 0;
                m_highestSeen = e.id;
            }
            const bool backlog =
                (!m_seenFirstPage && e.firstSeen.secsTo(now) > 15 * 60) || e.id <= highestBefore;
            if (known == m_notifiedEvent.end() && backlog) {
                m_notifiedEvent.insert(e.id, Notified{e.firstSeen, now}); // its cadence counts from here
                changed = true;
                continue;
            }
            if (!due(e, now))
                continue;
            // Shown, or skipped by suppression: not delayed either way.
            m_notifiedEvent.insert(e.id, Notified{e.firstSeen, now});
            changed = true;
            const auto ruleLast = m_notifiedRule.constFind(int(e.rule));
            if (window > 0 && ruleLast != m_notifiedRule.constEnd() && ruleLast.value().secsTo(now) < window)
                continue;
            m_notifiedRule[int(e.rule)] = now;
            show << e;
        }
        // Only what is listed is remembered (a page: at most 100): a resolved event does not come
        // back, and one that does (from past the page) has an id at most one seen, so is no news.
        for (auto it = m_notifiedEvent.begin(); it != m_notifiedEvent.end();) {
            if (listed.contains(it.key())) {
                ++it;
            } else {
                it = m_notifiedEvent.erase(it);
                changed = true;
            }
        }
        if (changed)
            saveMemory(); // before the notification, so a crash cannot repeat it
        if (!show.isEmpty())
            emit notify(show);
        m_seenFirstPage = true;
    }
    emit updated();
}

void AlertMonitor::acknowledge(qint64 id)
{
    if (!m_source)
        return;
    auto *watcher = new QFutureWatcher<ApiResult<AlertEvent>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const ApiResult<AlertEvent> r = watcher->future().result();
        emit acknowledged(r.ok(),
                          r.ok() ? tr("Acknowledged: %1").arg(r.value().message) : r.error().userMessage());
        refresh();
    });
    watcher->setFuture(m_source->acknowledgeAlertEvent(id));
}

} // namespace batchmon
