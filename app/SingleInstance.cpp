// SPDX-License-Identifier: GPL-3.0-or-later
#include "SingleInstance.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLockFile>
#include <QStandardPaths>
#include <QTimer>

#include <algorithm>

#include <unistd.h>

namespace batchmon {

namespace {

// A path is at most PATH_MAX (4096) bytes; a request is a path in JSON escapes at worst six bytes a
// byte. Anything longer is not a batchmon launch.
constexpr qsizetype kMaxLine = 64 * 1024;

QString lockPath(const QString &serverName)
{
    const QString path =
        serverName.contains(QLatin1Char('/')) ? serverName : QDir::temp().filePath(serverName);
    return path + QStringLiteral(".lock");
}

} // namespace

SingleInstance::SingleInstance(const QString &serverName, QObject *parent)
    : QObject(parent), m_name(serverName)
{}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::defaultServerName()
{
    // Per user: the uid in the name, and the runtime folder (0700, the user's own) when there is one.
    const QString name = QStringLiteral("batchmon-%1").arg(::getuid());
    const QString runtime = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    return runtime.isEmpty() ? name : QDir(runtime).filePath(name);
}

bool SingleInstance::isListening() const
{
    return m_server && m_server->isListening();
}

SingleInstance::Result SingleInstance::start(const QString &file, int timeoutMs)
{
    m_error.clear();
    // Two launches at once (a double click) would both find no server and both listen, the second
    // removing the first's socket: the lock makes "connect, else listen" one step. A lock left by a
    // crash is taken over (QLockFile checks whether its process still runs).
    QLockFile lock(lockPath(m_name));
    const bool locked = lock.tryLock(timeoutMs);
    const QString absolute = file.isEmpty() ? QString() : QFileInfo(file).absoluteFilePath();
    const Result delivered = deliver(absolute, timeoutMs);
    if (delivered != Result::Primary)
        return delivered;
    const bool listening = listen();
    if (locked)
        lock.unlock();
    return listening ? Result::Primary : Result::Failed;
}

SingleInstance::Result SingleInstance::deliver(const QString &file, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    const auto left = [&clock, timeoutMs] {
        return int(std::max<qint64>(1, timeoutMs - clock.elapsed()));
    };
    QLocalSocket socket;
    socket.connectToServer(m_name);
    // No socket file, or one left by a crash (nobody accepts): no instance runs.
    if (!socket.waitForConnected(left()))
        return Result::Primary;
    QJsonObject request;
    if (!file.isEmpty())
        request.insert(QStringLiteral("file"), file);
    const QByteArray line = QJsonDocument(request).toJson(QJsonDocument::Compact) + '\n';
    socket.write(line);
    while (!socket.canReadLine() && clock.elapsed() < timeoutMs) {
        if (!socket.waitForReadyRead(left()))
            break;
    }
    const QByteArray answer = socket.canReadLine() ? socket.readLine(kMaxLine).trimmed() : QByteArray();
    if (QJsonDocument::fromJson(answer).object().value(QStringLiteral("ok")).toBool())
        return Result::Delivered;
    m_error = tr("The running batchmon did not answer in %1 s.").arg(timeoutMs / 1000.0, 0, 'f', 1);
    return Result::Failed;
}

bool SingleInstance::listen()
{
    delete m_server;
    m_server = new QLocalServer(this);
    // Only this user may connect (the socket file is made 0700).
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    bool ok = m_server->listen(m_name);
    if (!ok && m_server->serverError() == QAbstractSocket::AddressInUseError) {
        // The socket of a batchmon that crashed: nobody accepted the connection above.
        QLocalServer::removeServer(m_name);
        ok = m_server->listen(m_name);
    }
    if (!ok) {
        m_error = m_server->errorString();
        delete m_server;
        m_server = nullptr;
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    return true;
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        // A client that connects and says nothing is let go of.
        QTimer::singleShot(m_readTimeoutMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            onReadyRead(socket);
    }
}

void SingleInstance::onReadyRead(QLocalSocket *socket)
{
    if (!socket->canReadLine()) {
        if (socket->bytesAvailable() > kMaxLine) {
            socket->abort();
            socket->deleteLater();
        }
        return;
    }
    const QByteArray line = socket->readLine(kMaxLine + 1);
    disconnect(socket, &QLocalSocket::readyRead, this, nullptr); // one request a connection
    const Request request = parseRequest(line);
    if (!request.ok) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    // Answered first: the other launch exits at once, whatever opening the file takes here.
    socket->write("{\"ok\":true}\n");
    socket->flush();
    socket->disconnectFromServer();
    emit activationRequested(request.file);
}

SingleInstance::Request SingleInstance::parseRequest(const QByteArray &line)
{
    Request request;
    if (line.size() > kMaxLine || !line.endsWith('\n'))
        return request;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return request;
    const QJsonValue file = doc.object().value(QStringLiteral("file"));
    if (file.isUndefined() || file.isNull()) {
        request.ok = true;
        return request;
    }
    if (!file.isString())
        return request;
    const QString path = file.toString();
    if (path.isEmpty() || !QDir::isAbsolutePath(path) || path.contains(QChar(0)))
        return request;
    request.ok = true;
    request.file = QDir::cleanPath(path);
    return request;
}

} // namespace batchmon
