// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

class QLocalServer;
class QLocalSocket;

namespace batchmon {

/**
 * One batchmon window per user: the first launch listens on a per-user local socket, a later launch
 * hands its file argument (or nothing) to it and exits, and the first raises its window and opens the
 * file.
 *
 * The protocol is one line of UTF-8 JSON each way: the launch sends `{"file": "/absolute/path"}` (no
 * "file" to only raise the window) and the running instance answers `{"ok": true}` once it has taken
 * the request. Anything else — not JSON, not an object, a relative path, a line over 64 KiB, or no
 * complete line within a few seconds — is dropped without an answer.
 */
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    enum class Result
    {
        Primary,   ///< no other instance answered: this one listens now
        Delivered, ///< the running instance took the request: this launch may exit
        Failed,    ///< an instance answered the connection but not the request, or listening failed
    };

    /// `serverName`: the socket's name, or a full path (defaultServerName() in the app).
    explicit SingleInstance(const QString &serverName, QObject *parent = nullptr);
    ~SingleInstance() override;

    /// `$XDG_RUNTIME_DIR/batchmon-<uid>` (the temporary folder when there is no runtime folder).
    static QString defaultServerName();

    /// Hands `file` (made absolute against the current directory; empty: only raise the window) to the
    /// running instance and waits up to `timeoutMs` for its answer; when none is running (or only its
    /// socket is left after a crash) this one listens instead. Blocks: call it before the event loop.
    Result start(const QString &file, int timeoutMs = 3000);

    /// Whether this instance listens (start() returned Primary).
    bool isListening() const;
    QString serverName() const { return m_name; }
    /// The error of the last failed start(), for the user.
    QString errorString() const { return m_error; }

    /// How long a connection may take to send its line before it is dropped (5 s).
    void setReadTimeout(int ms) { m_readTimeoutMs = ms; }

    /// Parses one request line; nullopt-like: `ok` false for anything not a valid request.
    struct Request
    {
        bool ok = false;
        QString file;
    };
    static Request parseRequest(const QByteArray &line);

signals:
    /// Another launch asked for the window, with its file (absolute) or an empty string.
    void activationRequested(const QString &file);

private:
    Result deliver(const QString &file, int timeoutMs);
    bool listen();
    void onNewConnection();
    void onReadyRead(QLocalSocket *socket);

    QString m_name;
    QLocalServer *m_server = nullptr;
    QString m_error;
    int m_readTimeoutMs = 5000;
};

} // namespace batchmon
