// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QThread>
#include <QUrl>

class QIODevice;

namespace batchmon {

class BlockingHttpWorker;

/// Header name and value pairs, in the order they are sent or were received.
using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

/// What one BlockingHttp::send() got back.
struct BlockingHttpResponse
{
    /// The HTTP status; 0 when no response arrived (see networkError).
    int status = 0;
    HttpHeaders headers;
    /// The response body. Empty when it went to the call's sink instead (a 2xx answer with a sink).
    QByteArray body;
    /// Empty when the exchange completed; else why it did not: the network's error, "no data for 12 s",
    /// a sink that could not be written. A response can have a status and still a network error (the
    /// connection broke or stalled during the body): callers must check this first.
    QString networkError;
    bool timedOut = false;

    bool ok() const { return networkError.isEmpty(); }
    /// The first header of that name, compared case-insensitively; empty when there is none.
    QByteArray header(const QByteArray &name) const;
};

/**
 * Synchronous HTTP for callers on any thread that must not run an event loop while they wait — the
 * pipeline calls its provider inside a database transaction, where re-entering the event loop would be
 * a bug. A private thread owns the QNetworkAccessManager; send() posts the request to it and blocks on
 * a future until the reply has finished. So the calling thread processes no events at all, and any
 * number of threads (the main thread included) may call send() at the same time.
 *
 * Redirects are not followed (a 3xx is returned as it is), so request headers such as an API key never
 * go to a host the caller did not name. Needs a QCoreApplication, like every Qt event loop.
 */
class BlockingHttp
{
public:
    BlockingHttp();
    /// Aborts calls still in flight (they return a network error), then stops the thread. Do not destroy
    /// it while another thread may still start a call.
    ~BlockingHttp();
    BlockingHttp(const BlockingHttp &) = delete;
    BlockingHttp &operator=(const BlockingHttp &) = delete;

    /**
     * Sends `method` to `url` and waits for the whole answer.
     *
     * `timeoutMs` is an inactivity timeout: the reply is aborted (timedOut, networkError set) when no
     * byte has gone either way for that long, so a large download that keeps flowing is not cut off.
     *
     * With a `sink`, the body of a 2xx answer is written to it as it arrives, on the network thread,
     * instead of being kept in memory (for files of hundreds of MB); other answers' bodies, typically an
     * error object, still come back in `body`. The sink must be open for writing and must not be used
     * by anyone else until send() returns.
     */
    BlockingHttpResponse send(const QByteArray &method, const QUrl &url, const HttpHeaders &headers,
                              const QByteArray &body, int timeoutMs, QIODevice *sink = nullptr);
    /// From any thread: aborts the calls in flight and answers every later one at once with a network
    /// error, so nobody waits on it any more (closing).
    void close();

private:
    QThread m_thread;
    BlockingHttpWorker *m_worker = nullptr;
};

} // namespace batchmon
