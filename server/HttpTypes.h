// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace batchmon {

/// A request as the API service sees it, independent of the HTTP server library.
struct HttpRequest
{
    QByteArray method; ///< "GET", "POST", …
    QString path;      ///< percent-decoded
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; ///< names in lower case
    QByteArray body;
    QString clientAddress;
};

struct HttpResponse
{
    int status = 200;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
};

} // namespace batchmon
