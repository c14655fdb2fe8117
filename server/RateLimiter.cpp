// SPDX-License-Identifier: GPL-3.0-or-later
#include "RateLimiter.h"

#include <QtGlobal>

namespace batchmon {

namespace {

constexpr qint64 kWindowMs = 60 * 1000;

/// The start of the minute holding `ms`: floor division, so a time before 1970 still lands in the
/// minute that contains it rather than the one after.
qint64 windowStartOf(qint64 ms)
{
    const qint64 q = ms / kWindowMs;
    return (ms % kWindowMs < 0 ? q - 1 : q) * kWindowMs;
}

} // namespace

RateLimiter::RateLimiter(int limitPerMinute, int maxKeys)
    : m_limit(qMax(0, limitPerMinute)), m_maxKeys(qMax(1, maxKeys))
{}

QString RateLimiter::keyFor(const QString &tokenName)
{
    return QStringLiteral("admin-batch-monitoring:") + tokenName;
}

void RateLimiter::dropPastWindows(qint64 currentStartMs)
{
    if (m_pruned && m_lastPruneStartMs == currentStartMs)
        return;
    m_pruned = true;
    m_lastPruneStartMs = currentStartMs;
    for (auto it = m_windows.begin(); it != m_windows.end();) {
        if (it->startMs < currentStartMs)
            it = m_windows.erase(it);
        else
            ++it;
    }
}

RateLimiter::Decision RateLimiter::check(const QString &key, const QDateTime &now)
{
    Q_ASSERT(now.isValid());
    const qint64 nowMs = now.toMSecsSinceEpoch();
    const qint64 startMs = windowStartOf(nowMs);
    const qint64 endMs = startMs + kWindowMs;
    Decision d;
    d.limit = m_limit;
    d.resetAt = endMs / 1000;
    if (m_limit == 0) {
        d.allowed = true;
        return d;
    }

    auto it = m_windows.find(key);
    if (it == m_windows.end()) {
        if (m_windows.size() >= m_maxKeys)
            dropPastWindows(startMs);
        it = m_windows.insert(key, Window{startMs, 0});
    } else if (it->startMs != startMs) {
        // A new minute; also when the clock went back, so a count never outlives its own window.
        *it = Window{startMs, 0};
    }

    if (it->count >= m_limit) {
        d.allowed = false;
        d.remaining = 0;
        // Rounded up: a client that waits this long arrives in the next window, never just before it.
        d.retryAfterSeconds = int(qMax<qint64>(1, (endMs - nowMs + 999) / 1000));
        return d;
    }
    ++it->count;
    d.allowed = true;
    d.remaining = m_limit - it->count;
    return d;
}

} // namespace batchmon
