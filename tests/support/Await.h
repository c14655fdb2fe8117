// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFuture>
#include <QTest>

#include <optional>

/// A QFuture's result once it is there, or nullopt after `timeoutMs` or when it was cancelled.
/// QTest::qWaitFor keeps the event loop running (as QTRY_VERIFY does), which is what delivers
/// network replies and libsecret's answers.
template<typename T> std::optional<T> awaitFuture(const QFuture<T> &future, int timeoutMs = 10000)
{
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, timeoutMs))
        return std::nullopt;
    if (future.isCanceled() || future.resultCount() == 0)
        return std::nullopt;
    return future.result();
}

/// Like awaitFuture(), for calls that always finish: a call that does not is a broken test run.
template<typename T> T awaitResult(const QFuture<T> &future, int timeoutMs = 20000)
{
    std::optional<T> result = awaitFuture(future, timeoutMs);
    if (!result)
        qFatal("the call did not finish within %d ms", timeoutMs);
    return *std::move(result);
}
