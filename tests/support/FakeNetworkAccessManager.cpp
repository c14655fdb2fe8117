// SPDX-License-Identifier: GPL-3.0-or-later
#include "FakeNetworkAccessManager.h"

#include <QTimer>

#include <cstring>

QNetworkReply *FakeNetworkAccessManager::createRequest(Operation op, const QNetworkRequest &request,
                                                       QIODevice *outgoingData)
{
    FakeRequest seen;
    seen.verb = request.attribute(QNetworkRequest::CustomVerbAttribute).toByteArray();
    if (seen.verb.isEmpty())
        seen.verb = op == GetOperation    ? "GET"
                    : op == PostOperation ? "POST"
                    : op == PutOperation  ? "PUT"
                                          : "?";
    seen.url = request.url();
    seen.body = outgoingData ? outgoingData->readAll() : QByteArray();
    seen.request = request;
    requests.append(seen);

    FakeResponse response;
    if (!script.isEmpty())
        response = script.takeFirst();
    else if (fallback)
        response = fallback(seen);
    else
        response = FakeResponse::networkError(QNetworkReply::ConnectionRefusedError);
    return new FakeReply(request, op, seen.verb, response, this);
}

FakeReply::FakeReply(const QNetworkRequest &request, QNetworkAccessManager::Operation op,
                     const QByteArray &verb, const FakeResponse &response, QObject *parent)
    : QNetworkReply(parent), m_response(response), m_body(response.body)
{
    setRequest(request);
    setUrl(request.url());
    setOperation(op);
    setAttribute(QNetworkRequest::CustomVerbAttribute, verb);
    open(QIODevice::ReadOnly);
    if (!m_response.hang)
        QTimer::singleShot(m_response.delayMs, this, &FakeReply::deliver);
}

void FakeReply::deliver()
{
    if (m_done)
        return;
    m_done = true;
    if (m_response.status != 0) {
        setAttribute(QNetworkRequest::HttpStatusCodeAttribute, m_response.status);
        for (const auto &[name, value] : m_response.headers)
            setRawHeader(name, value);
        setHeader(QNetworkRequest::ContentLengthHeader, m_body.size());
        emit metaDataChanged();
        if (m_response.status >= 400)
            setError(QNetworkReply::UnknownContentError, QStringLiteral("HTTP %1").arg(m_response.status));
        if (!m_body.isEmpty()) {
            emit readyRead();
            emit downloadProgress(m_body.size(), m_body.size());
        }
        if (m_response.status >= 400)
            emit errorOccurred(error());
    } else {
        setError(m_response.error, QStringLiteral("fake network error %1").arg(int(m_response.error)));
        emit errorOccurred(m_response.error);
    }
    setFinished(true);
    emit finished();
}

void FakeReply::abort()
{
    if (m_done)
        return;
    m_done = true;
    m_body.clear();
    setError(QNetworkReply::OperationCanceledError, QStringLiteral("Operation canceled"));
    emit errorOccurred(QNetworkReply::OperationCanceledError);
    setFinished(true);
    emit finished();
}

qint64 FakeReply::readData(char *data, qint64 maxSize)
{
    const qint64 n = qMin(maxSize, qint64(m_body.size()) - m_offset);
    if (n <= 0)
        return m_done ? -1 : 0;
    std::memcpy(data, m_body.constData() + m_offset, size_t(n));
    m_offset += n;
    return n;
}
