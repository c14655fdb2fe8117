// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPair>

#include <functional>

/// What the fake server answers to one request.
struct FakeResponse
{
    int status = 200; ///< 0: no HTTP response, `error` instead
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    bool hang = false; ///< never answers (the client's timeout must end it)
    int delayMs = 0;

    static FakeResponse json(int status, const QByteArray &body) { return {status, body, {}, {}, false, 0}; }
    static FakeResponse networkError(QNetworkReply::NetworkError e) { return {0, {}, {}, e, false, 0}; }
    static FakeResponse hanging() { return {0, {}, {}, {}, true, 0}; }
};

/// A request as the fake saw it.
struct FakeRequest
{
    QByteArray verb;
    QUrl url;
    QByteArray body;
    QNetworkRequest request;
};

/**
 * Answers requests from a script instead of the network (Transmission's Qt client tests do the same
 * by overriding createRequest). Responses are taken in order; with none left, `fallback` answers.
 */
class FakeNetworkAccessManager : public QNetworkAccessManager
{
    Q_OBJECT
public:
    using QNetworkAccessManager::QNetworkAccessManager;

    QList<FakeResponse> script;
    std::function<FakeResponse(const FakeRequest &)> fallback;
    QList<FakeRequest> requests;

protected:
    QNetworkReply *createRequest(Operation op, const QNetworkRequest &request,
                                 QIODevice *outgoingData) override;
};

class FakeReply : public QNetworkReply
{
    Q_OBJECT
public:
    FakeReply(const QNetworkRequest &request, QNetworkAccessManager::Operation op, const QByteArray &verb,
              const FakeResponse &response, QObject *parent);

    void abort() override;
    qint64 bytesAvailable() const override { return m_body.size() - m_offset + QIODevice::bytesAvailable(); }
    bool isSequential() const override { return true; }

protected:
    qint64 readData(char *data, qint64 maxSize) override;

private:
    void deliver();

    FakeResponse m_response;
    QByteArray m_body;
    qint64 m_offset = 0;
    bool m_done = false;
};
