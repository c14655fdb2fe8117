// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "HttpTypes.h"
#include "RateLimiter.h"
#include "TokenStore.h"
#include "store/AdminStore.h"
#include "store/JobActions.h"
#include "store/MonitoringEngine.h"
#include "store/RequestStore.h"
#include "json/DecodeError.h"

#include <QJsonObject>

#include <functional>

namespace batchmon {

/// What the service needs besides the store: the clock, the provider's quota, the environment's
/// configuration defaults, and a hook for settings changes (the pipeline applies them).
struct ServiceContext
{
    std::function<QDateTime()> clock = [] {
        return QDateTime::currentDateTimeUtc();
    };
    qint64 enqueuedTokenLimit = 0;
    BatchConfig configDefaults;
    AlertConfig alertDefaults = AlertConfig::defaults();
    std::function<std::optional<QString>(const BatchConfig &)> validateConfig; ///< error message or nullopt
    std::function<void(const BatchConfig &)> configChanged;
};

/**
 * docs/api.md as a function from request to response: routing (404, 405 with Allow), bearer tokens
 * (401) and roles (403), the rate limit (429 with Retry-After and X-RateLimit-*), the 1 MiB body limit
 * (413), query and body validation (400 naming the parameter or JSON path), the engine's reads, the
 * admin actions (404, 409) and the audit log of every request it answers. No sockets: the HTTP
 * adapter feeds it, and tests can call it directly.
 */
class ApiService
{
public:
    static constexpr qint64 kMaxBodyBytes = 1024 * 1024;

    ApiService(Database &db, TokenStore &tokens, RateLimiter &limiter, ServiceContext context);

    HttpResponse handle(const HttpRequest &request);
    /// Forgets cached snapshots: the data changed (the pipeline ran).
    void invalidate() { m_snapshots.clear(); }
    /// Writes the audit entries gathered since the last flush, in one transaction. The server calls
    /// it every 200 ms and on exit: one commit per request cost more than the request itself (at
    /// 7,000 requests/s the WAL checkpoints stalled answers for 50 ms), and a crash loses at most
    /// the last 200 ms of the log.
    void flushAudit();

    /// POST /alerts's merge (docs/api.md §12.7): the body checked as sent (errors name its paths),
    /// then its top-level keys that are present and not null over `current`; `rules` replaces only
    /// the rules it lists, and the seed's flat thresholds win over them.
    static Result<AlertConfig, DecodeError> mergeAlertConfig(const AlertConfig &current,
                                                             const QJsonObject &body);

private:
    struct Call;
    HttpResponse dispatch(Call &call);
    HttpResponse monitoring(Call &call);
    HttpResponse jobAction(Call &call, const QString &id, const QString &action);
    HttpResponse alerts(Call &call, bool preview);
    HttpResponse alertEvents(Call &call);
    HttpResponse acknowledge(Call &call, const QString &id);
    HttpResponse config(Call &call);
    HttpResponse scheduler(Call &call, bool pause);
    HttpResponse auditLog(Call &call);
    HttpResponse whoami(Call &call);
    HttpResponse submitRequests(Call &call);
    HttpResponse viewRequest(Call &call, const QString &customId);
    void audit(const Call &call, int status);

    JobStore m_jobs;
    AdminStore m_admin;
    MonitoringEngine m_engine;
    JobActions m_actions;
    RequestStore m_requests;
    TokenStore &m_tokens;
    RateLimiter &m_limiter;
    ServiceContext m_context;

    /// Recent snapshot bodies by query. Dashboards poll the same few queries, and a snapshot is the
    /// same for everyone within a second; writes through this service or the pipeline clear it, and
    /// another process's writes show within kSnapshotTtlMs.
    struct CachedSnapshot
    {
        QByteArray body;
        qint64 madeAtMs = 0;
    };
    static constexpr qint64 kSnapshotTtlMs = 1000;
    QHash<QString, CachedSnapshot> m_snapshots;
    QList<AuditEntry> m_pendingAudit;
    Database &m_db;
};

} // namespace batchmon
