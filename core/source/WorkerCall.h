// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/ApiClient.h"

#include <QFuture>
#include <QMetaObject>
#include <QPromise>

#include <functional>
#include <memory>

namespace batchmon {

/// Runs `work` on `worker`'s thread (queued behind what is already asked of it) and returns its
/// result as a future: how the in-process sources (LocalSource, FileSource) answer the DataSource calls
/// without the UI thread waiting on SQL or file reads.
template<typename T, typename Worker>
QFuture<ApiResult<T>> callOnWorker(Worker *worker, std::function<ApiResult<T>(Worker &)> work)
{
    auto promise = std::make_shared<QPromise<ApiResult<T>>>();
    promise->start();
    QFuture<ApiResult<T>> future = promise->future();
    QMetaObject::invokeMethod(
        worker,
        [worker, promise, work = std::move(work)] {
            promise->addResult(work(*worker));
            promise->finish();
        },
        Qt::QueuedConnection);
    return future;
}

} // namespace batchmon
