// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Pagination.h"
#include "Tie.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>
#include <tuple>

namespace batchmon {

/// One row of GET /api/admin/audit-logs: who did what, when, from where, and how it ended.
struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    QString actor;                 ///< token name, or "anonymous" for a request without a valid token
    QString action;                ///< "batch_monitoring_access", "job_retry", "alerts_update", …
    std::optional<QString> target; ///< job id or resource, when there is one
    QString outcome;               ///< "success", "failure" or "denied"
    QString clientAddress;
    std::optional<QString> detail;

    auto tie() const { return std::tie(id, at, actor, action, target, outcome, clientAddress, detail); }
};

/// A page of the audit log (GET /api/admin/audit-logs).
struct AuditPage
{
    QList<AuditEntry> entries;
    Pagination pagination;

    auto tie() const { return std::tie(entries, pagination); }
};

} // namespace batchmon
