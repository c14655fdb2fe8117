// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "HttpTypes.h"

#include <QAbstractHttpServer>

#include <functional>

namespace batchmon {

/**
 * The thin layer over Qt HttpServer (6.4's QAbstractHttpServer; its routing API changed in 6.5):
 * every request, whatever its path or method, goes to one handler as an HttpRequest, and the
 * handler's HttpResponse is written back. Routing, errors and the JSON envelope are ours, so an
 * unknown route or method gets the contract's JSON error rather than the library's HTML page.
 */
class HttpAdapter : public QAbstractHttpServer
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest &)>;

    explicit HttpAdapter(Handler handler, QObject *parent = nullptr);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    Handler m_handler;
};

} // namespace batchmon
