// SPDX-License-Identifier: GPL-3.0-or-later
#include "PipelineLeader.h"

#include <QSqlQuery>

namespace batchmon {

bool PipelineLeader::acquire()
{
    if (m_db.dialect() == Database::Dialect::Sqlite) {
        m_leader = true;
        return true;
    }
    if (m_leader) {
        // Still connected means still holding the lock.
        auto alive = m_db.exec(QStringLiteral("SELECT 1"));
        m_leader = alive.ok();
        return m_leader;
    }
    auto taken = m_db.exec(QStringLiteral("SELECT pg_try_advisory_lock(?)"), {kLockKey});
    m_leader = taken.ok() && taken.value().next() && taken.value().value(0).toBool();
    return m_leader;
}

} // namespace batchmon
