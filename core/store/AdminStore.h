// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Database.h"
#include "domain/Alerts.h"
#include "domain/AuditEntry.h"
#include "domain/BatchConfig.h"
#include "domain/Snapshot.h"

namespace batchmon {

/**
 * Everything in the store that is not a job: the batch configuration, the alert configuration, the
 * scheduler's paused flag, alert events and the audit log. Configurations are kept as the contract's
 * own JSON, so what GET /config answers is byte for byte what PUT /config stored.
 */
class AdminStore
{
public:
    explicit AdminStore(Database &db) : m_db(db) {}

    /// The stored configuration, or `fallback` (the server's environment) when none was stored yet.
    StoreResult<BatchConfig> batchConfig(const BatchConfig &fallback = {});
    StoreResult<Done> setBatchConfig(const BatchConfig &config);
    StoreResult<AlertConfig> alertConfig(const AlertConfig &fallback = AlertConfig::defaults());
    StoreResult<Done> setAlertConfig(const AlertConfig &config);
    StoreResult<bool> schedulerPaused();
    StoreResult<Done> setSchedulerPaused(bool paused);

    /// Stores a new event and returns it with its id.
    StoreResult<AlertEvent> addAlertEvent(const AlertEvent &event);
    /// Rewrites what an evaluation changes (severity, values, message, last seen, resolved) and not the
    /// acknowledgement, so an admin's ack made meanwhile by another process is never undone;
    /// NotFound when it is gone.
    StoreResult<Done> updateAlertEvent(const AlertEvent &event);
    /// Newest `lastSeen` first; `activeOnly`: not resolved.
    StoreResult<AlertEventPage> alertEvents(bool activeOnly, qint64 page, qint64 limit);
    /// Idempotent: the first acknowledger stays. NotFound for an unknown id.
    StoreResult<AlertEvent> acknowledgeAlertEvent(qint64 id, const QString &who, const QDateTime &at);

    StoreResult<qint64> appendAudit(const AuditEntry &entry);
    /// Newest first, optionally of one actor and/or one action.
    StoreResult<AuditPage> auditLog(qint64 page, qint64 limit, const std::optional<QString> &actor = {},
                                    const std::optional<QString> &action = {});
    /// Deletes audit entries from before `cutoff` and alert events resolved before it; returns how
    /// many rows went.
    StoreResult<qint64> purgeBefore(const QDateTime &cutoff);

    /// The SELECT list that readAlertEvent() expects, for the alert recorder's own queries.
    static QString alertEventColumns();
    static AlertEvent readAlertEvent(const QSqlQuery &q);

    /// A value of the `settings` table (the store's own state, such as the alert recorder's).
    StoreResult<std::optional<QString>> setting(const QString &key);
    StoreResult<Done> setSetting(const QString &key, const QString &value);

private:
    StoreResult<std::optional<AlertEvent>> findAlertEvent(qint64 id);

    Database &m_db;
};

} // namespace batchmon
