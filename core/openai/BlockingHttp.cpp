// SPDX-License-Identifier: GPL-3.0-or-later
#include "BlockingHttp.h"

#include <QIODevice>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <future>
#include <memory>
#include <utility>

namespace batchmon {

namespace {

/// One send() between the caller and the network thread. Only the network thread touches it between
/// the post and the promise; the caller reads nothing but the future.
struct PendingCall
{
    QByteArray method;
    QUrl url;
    HttpHeaders headers;
    QByteArray body;
    int timeoutMs = 0;
    QIODevice *sink = nullptr;

    std::promise<BlockingHttpResponse> promise;
    BlockingHttpResponse response;
    bool timedOut = false;
    QString sinkError;
    bool done = false;

    void complete()
    {
        if (done)
            return;
        done = true;
        promise.set_value(std::move(response));
    }
};

/// Failures below the HTTP layer: no answer, or an answer cut off. QNetworkReply's 2xx and 4xx error
/// codes (ContentNotFoundError, InternalServerError, …) only restate the HTTP status.
bool isTransportError(QNetworkReply::NetworkError error)
{
    const int code = int(error);
    return code != 0 && (code < 200 || (code >= 300 && code < 400));
}

} // namespace

/// Lives on BlockingHttp's thread and owns the network access manager there.
class BlockingHttpWorker : public QObject
{
public:
    void start(const std::shared_ptr<PendingCall> &call);
    /// Ends every call in flight with a network error; later calls are refused.
    void shutdown();

private:
    void read(QNetworkReply *reply, PendingCall &call);
    void finish(QNetworkReply *reply, const std::shared_ptr<PendingCall> &call);

    QNetworkAccessManager *m_nam = nullptr;
    QList<QPair<QPointer<QNetworkReply>, std::shared_ptr<PendingCall>>> m_inFlight;
    bool m_closed = false;
};

void BlockingHttpWorker::start(const std::shared_ptr<PendingCall> &call)
{
    if (m_closed) {
        call->response.networkError = QStringLiteral("the HTTP client is shutting down");
        call->complete();
        return;
    }
    // Made here rather than in BlockingHttp's constructor, so that it and everything it creates belong
    // to this thread from the start.
    if (!m_nam)
        m_nam = new QNetworkAccessManager(this);

    QNetworkRequest request(call->url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // A body that goes to a sink goes to disk, not memory: the check against compression bombs (which
    // refuses highly compressible files, such as long result files) is for bodies kept in memory.
    if (call->sink)
        request.setDecompressedSafetyCheckThreshold(-1);
    for (const auto &[name, value] : std::as_const(call->headers))
        request.setRawHeader(name, value);
    // A POST without a body is still sent with one (empty, "Content-Length: 0"): some servers refuse a
    // POST without a length.
    const bool bodiless =
        call->body.isEmpty() && (call->method == "GET" || call->method == "HEAD" || call->method == "DELETE");
    QNetworkReply *reply = bodiless ? m_nam->sendCustomRequest(request, call->method)
                                    : m_nam->sendCustomRequest(request, call->method, call->body);
    m_inFlight.append({reply, call});

    if (call->timeoutMs > 0) {
        auto *timer = new QTimer(reply);
        timer->setSingleShot(true);
        timer->setInterval(call->timeoutMs);
        QObject::connect(timer, &QTimer::timeout, reply, [reply, call] {
            call->timedOut = true;
            reply->abort();
        });
        const auto restart = [timer] {
            timer->start();
        };
        QObject::connect(reply, &QNetworkReply::uploadProgress, timer, restart);
        QObject::connect(reply, &QNetworkReply::downloadProgress, timer, restart);
        QObject::connect(reply, &QNetworkReply::metaDataChanged, timer, restart);
        timer->start();
    }
    QObject::connect(reply, &QNetworkReply::readyRead, this, [this, reply, call] { read(reply, *call); });
    QObject::connect(reply, &QNetworkReply::finished, this, [this, reply, call] { finish(reply, call); });
}

void BlockingHttpWorker::read(QNetworkReply *reply, PendingCall &call)
{
    const QByteArray chunk = reply->readAll();
    if (chunk.isEmpty())
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (call.sink && status >= 200 && status < 300) {
        if (!call.sinkError.isEmpty())
            return;
        if (call.sink->write(chunk) != chunk.size()) {
            call.sinkError = call.sink->errorString();
            if (call.sinkError.isEmpty())
                call.sinkError = QStringLiteral("short write");
            reply->abort();
        }
        return;
    }
    call.response.body += chunk;
}

void BlockingHttpWorker::finish(QNetworkReply *reply, const std::shared_ptr<PendingCall> &call)
{
    for (int i = 0; i < m_inFlight.size(); ++i) {
        if (m_inFlight.at(i).first == reply) {
            m_inFlight.removeAt(i);
            break;
        }
    }
    if (reply->isOpen())
        read(reply, *call);
    BlockingHttpResponse &response = call->response;
    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto &[name, value] : reply->rawHeaderPairs())
        response.headers.append({name, value});
    if (call->timedOut) {
        response.timedOut = true;
        response.networkError = QStringLiteral("no data for %1 s").arg(call->timeoutMs / 1000.0);
    } else if (!call->sinkError.isEmpty()) {
        response.networkError = QStringLiteral("could not store the response: %1").arg(call->sinkError);
    } else if (isTransportError(reply->error())) {
        response.networkError = reply->errorString();
    }
    reply->deleteLater();
    call->complete();
}

void BlockingHttpWorker::shutdown()
{
    m_closed = true;
    // abort() finishes a reply at once, which takes it off the list; whatever is left (a reply gone
    // without finishing) is answered here, so no caller waits forever.
    const auto inFlight = m_inFlight;
    for (const auto &[reply, call] : inFlight) {
        if (reply)
            reply->abort();
    }
    for (const auto &[reply, call] : std::as_const(m_inFlight)) {
        if (call->response.networkError.isEmpty())
            call->response.networkError = QStringLiteral("the HTTP client is shutting down");
        call->complete();
    }
    m_inFlight.clear();
}

QByteArray BlockingHttpResponse::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

BlockingHttp::BlockingHttp() : m_worker(new BlockingHttpWorker)
{
    m_thread.setObjectName(QStringLiteral("BlockingHttp"));
    m_worker->moveToThread(&m_thread);
    m_thread.start();
}

BlockingHttp::~BlockingHttp()
{
    // The worker and its network access manager are deleted on their own thread, then the thread ends.
    BlockingHttpWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker] {
            worker->shutdown();
            delete worker;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void BlockingHttp::close()
{
    BlockingHttpWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker] { worker->shutdown(); }, Qt::QueuedConnection);
}

BlockingHttpResponse BlockingHttp::send(const QByteArray &method, const QUrl &url, const HttpHeaders &headers,
                                        const QByteArray &body, int timeoutMs, QIODevice *sink)
{
    Q_ASSERT(QThread::currentThread() != &m_thread);
    auto call = std::make_shared<PendingCall>();
    call->method = method;
    call->url = url;
    call->headers = headers;
    call->body = body;
    call->timeoutMs = timeoutMs;
    call->sink = sink;
    std::future<BlockingHttpResponse> answer = call->promise.get_future();
    BlockingHttpWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, call] { worker->start(call); }, Qt::QueuedConnection);
    // A plain wait on the future: this thread runs no event loop and so nothing re-enters its code.
    return answer.get();
}

} // namespace batchmon
