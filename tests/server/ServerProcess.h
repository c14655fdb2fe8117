// SPDX-License-Identifier: GPL-3.0-or-later
// A batchmon-server process for the integration tests: started on 127.0.0.1:0, its URL read from the
// line it prints, its output kept for the tests to look at.
#pragma once

#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QUrl>

/// One running server process and what it needs.
class Server
{
public:
    explicit Server(const QString &databaseUrl, int rateLimit = 0) : m_db(databaseUrl), m_rateLimit(rateLimit)
    {}
    ~Server()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(5000))
                m_process.kill();
            m_process.waitForFinished();
        }
    }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BATCHMON_DATABASE"), m_db);
        env.insert(QStringLiteral("BATCHMON_RATE_LIMIT"), QString::number(m_rateLimit));
        for (auto it = m_extraEnvironment.cbegin(); it != m_extraEnvironment.cend(); ++it)
            env.insert(it.key(), it.value());
        return env;
    }
    /// A variable for the process (OPENAI_API_KEY, BATCH_*), set before start().
    void setEnvironment(const QString &name, const QString &value) { m_extraEnvironment.insert(name, value); }

    /// `batchmon-server token add NAME --role ROLE`; the token is the last line printed.
    QString addToken(const QString &name, const QString &role) const
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(QStringLiteral(BATCHMON_SERVER_BINARY),
                {QStringLiteral("token"), QStringLiteral("add"), name, QStringLiteral("--role"), role});
        if (!p.waitForFinished(30000) || p.exitCode() != 0)
            qFatal("token add failed: %s", p.readAllStandardError().constData());
        const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
        return QString::fromUtf8(lines.last().trimmed());
    }

    bool start(const QStringList &extra = {})
    {
        static const QRegularExpression listening(
            QStringLiteral("listening on (https?://127\\.0\\.0\\.1:\\d+)"));
        m_process.setProcessEnvironment(environment());
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QStringLiteral(BATCHMON_SERVER_BINARY),
                        QStringList{QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")} + extra);
        QRegularExpressionMatch m;
        const bool up = QTest::qWaitFor(
            [&] {
                m = listening.match(QString::fromUtf8(output()));
                return m.hasMatch() || m_process.state() == QProcess::NotRunning;
            },
            60000);
        if (!up || !m.hasMatch()) {
            qWarning("server did not start: %s %s", m_output.constData(),
                     m_process.readAllStandardError().constData());
            return false;
        }
        m_url = QUrl(m.captured(1));
        return true;
    }

    QUrl url() const { return m_url; }
    /// Everything the process printed on standard output so far.
    QByteArray output()
    {
        m_output += m_process.readAllStandardOutput();
        return m_output;
    }
    /// SIGTERM, as systemctl stop sends it; the exit code, or -1 when the process did not exit normally.
    int stop()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(30000))
            return -2;
        m_output += m_process.readAllStandardOutput();
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished();
    }

private:
    QString m_db;
    int m_rateLimit;
    QHash<QString, QString> m_extraEnvironment;
    QProcess m_process;
    QUrl m_url;
    QByteArray m_output;
};
