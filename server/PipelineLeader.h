// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "store/Database.h"

namespace batchmon {

/**
 * Which of the server processes sharing a database runs the pipeline. On PostgreSQL it is the one
 * holding a session-level advisory lock: the lock goes with its connection, so when that process dies
 * the database releases it and the next process to ask (every 5 s) takes over. On SQLite, a store of
 * one machine, the process is always the leader.
 */
class PipelineLeader
{
public:
    /// The advisory lock's key: "batc" in ASCII, so it is recognisable in pg_locks.
    static constexpr qint64 kLockKey = 0x62617463;

    explicit PipelineLeader(Database &db) : m_db(db) {}

    /// Tries to become (or checks it still is) the leader.
    bool acquire();
    bool isLeader() const { return m_leader; }

private:
    Database &m_db;
    bool m_leader = false;
};

} // namespace batchmon
