// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

namespace batchmon {

/**
 * The API's rate limit (docs/api.md §3): at most `limit` requests per key in each fixed one-minute
 * window, the windows aligned to whole minutes of Unix time (UTC). The caller passes the time, so
 * the limiter reads no clock and tests can walk across window boundaries. Counts live in this
 * process only: several server processes each count separately, as the contract says.
 *
 * Memory stays bounded: once more than `maxKeys` keys are tracked, the keys whose window has
 * passed are dropped (at most once per window, so a flood of keys does not make every request scan
 * the map). Use from one thread.
 */
class RateLimiter
{
public:
    /// Requests per minute per token unless the server is configured otherwise.
    static constexpr int kDefaultLimit = 60;
    /// Past this many keys, keys of past windows are dropped.
    static constexpr int kDefaultMaxKeys = 10000;

    /// The answer for one request, and the values of its X-RateLimit-* and Retry-After headers.
    struct Decision
    {
        bool allowed = true;
        /// X-RateLimit-Limit: requests per window (0: the limiter is off).
        int limit = 0;
        /// X-RateLimit-Remaining: requests left in this window after this one, ≥ 0.
        int remaining = 0;
        /// X-RateLimit-Reset: Unix seconds at which this window ends.
        qint64 resetAt = 0;
        /// Retry-After when refused: whole seconds until the window ends, rounded up, ≥ 1. 0 when allowed.
        int retryAfterSeconds = 0;
    };

    /// `limitPerMinute` 0 turns the limit off: every request is allowed.
    explicit RateLimiter(int limitPerMinute = kDefaultLimit, int maxKeys = kDefaultMaxKeys);

    /// The key of a token's requests: `admin-batch-monitoring:<token name>`.
    static QString keyFor(const QString &tokenName);

    /// False when the limit is 0; the server then sends no X-RateLimit-* headers.
    bool enabled() const { return m_limit > 0; }
    int limit() const { return m_limit; }

    /// Counts one request of `key` at `now` and says whether it may go on. A refused request is not
    /// counted further (the window's count stays at the limit).
    Decision check(const QString &key, const QDateTime &now);

    /// How many keys are tracked (for tests of the memory bound).
    int trackedKeys() const { return int(m_windows.size()); }

private:
    struct Window
    {
        qint64 startMs = 0;
        int count = 0;
    };

    void dropPastWindows(qint64 currentStartMs);

    int m_limit;
    int m_maxKeys;
    QHash<QString, Window> m_windows;
    qint64 m_lastPruneStartMs = 0;
    bool m_pruned = false;
};

} // namespace batchmon
