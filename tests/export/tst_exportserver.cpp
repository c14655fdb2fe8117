// SPDX-License-Identifier: GPL-3.0-or-later
// Exports against a real batchmon-server on loopback (every page of > 100 jobs), and the headless
// `batchmon export` command run as a subprocess with no display at all (JSON, CSV and the PDF report,
// read back with poppler's pdftotext).
#include "../server/ServerProcess.h"
#include "ExportCollector.h"
#include "ExportReader.h"
#include "source/HttpSource.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace batchmon;

/**
 * Stands between `batchmon export` and the real server, and answers the first request for page
 * `limitedPage` itself with the server's 429 and `Retry-After: 1` (the server's own Retry-After runs to
 * the end of its one-minute window, up to 60 s: too long for a test). Everything else is passed on.
 */
class RateLimitingProxy : public QObject
{
public:
    RateLimitingProxy(const QUrl &server, int limitedPage) : m_server(server), m_limitedPage(limitedPage)
    {
        m_listener.listen(QHostAddress::LocalHost);
        connect(&m_listener, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_listener.nextPendingConnection()) {
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            }
        });
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_listener.serverPort())); }
    int refused = 0;

private:
    void onReadyRead(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return; // GET requests: the headers are the whole request
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.clear();
        const QByteArray target = lines.first().split(' ').value(1);
        QByteArray authorization;
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("authorization:"))
                authorization = line.mid(line.indexOf(':') + 1).trimmed();
        }
        const QUrl asked = QUrl::fromEncoded("http://x" + target);
        if (QUrlQuery(asked).queryItemValue(QStringLiteral("page")).toInt() == m_limitedPage &&
            refused == 0) {
            ++refused;
            const QByteArray body =
                R"({"success":false,"error":{"code":"rate_limited","message":"rate limit exceeded"}})";
            socket->write("HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: "
                          "1\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
            return;
        }
        QUrl forward = m_server;
        forward.setPath(asked.path());
        forward.setQuery(asked.query());
        QNetworkRequest request(forward);
        request.setRawHeader("Authorization", authorization);
        QNetworkReply *reply = m_nam.get(request);
        connect(reply, &QNetworkReply::finished, socket, [reply, socket] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray body = reply->readAll();
            socket->write("HTTP/1.1 " + QByteArray::number(status) +
                          " X\r\nContent-Type: application/json\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
        });
    }

    QUrl m_server;
    int m_limitedPage;
    QTcpServer m_listener;
    QNetworkAccessManager m_nam;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

class TestExportServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    QString m_token;

    /// The environment of a session over SSH: DISPLAY, WAYLAND_DISPLAY, QT_QPA_PLATFORM and the D-Bus
    /// session (so the keychain) unset; BATCHMON_TOKEN set to `token` unless it is empty.
    QProcessEnvironment sshEnvironment(const QString &token) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name :
             {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS", "BATCHMON_TOKEN"})
            env.remove(QLatin1String(name));
        if (!token.isEmpty())
            env.insert(QStringLiteral("BATCHMON_TOKEN"), token);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        return env;
    }

    /// `batchmon ARGS` in `env`; the event loop runs meanwhile (for RateLimitingProxy).
    static int runApp(const QStringList &args, const QProcessEnvironment &env, QByteArray *err,
                      QByteArray *out = nullptr)
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BATCHMON_APP_BINARY), args);
        if (!QTest::qWaitFor([&p] { return p.state() == QProcess::NotRunning; }, 120000))
            qFatal("batchmon did not finish");
        *err = p.readAllStandardError();
        if (out)
            *out = p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    /// `batchmon export …` over "SSH" (sshEnvironment()).
    int runCli(const QStringList &args, const QString &token, QByteArray *err)
    {
        return runApp(QStringList{QStringLiteral("export")} + args, sshEnvironment(token), err);
    }

    /// A saved server profile, as the app writes it (its token would be in the keychain).
    void saveProfile(const QString &name, const QUrl &url)
    {
        QSettings settings(m_dir.filePath(QStringLiteral("config/batchmon/batchmon.conf")),
                           QSettings::IniFormat);
        settings.beginGroup(QStringLiteral("servers"));
        settings.beginWriteArray(QStringLiteral("profiles"), 1);
        settings.setArrayIndex(0);
        settings.setValue(QStringLiteral("name"), name);
        settings.setValue(QStringLiteral("url"), url.toString());
        settings.setValue(QStringLiteral("allowInsecureHttp"), false);
        settings.endArray();
        settings.endGroup();
    }

    /// The text of each page of `pdf` (pdftotext -layout); poppler-utils is required, not optional.
    static QStringList pdfPages(const QString &pdf)
    {
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            qFatal("pdftotext is missing: install poppler-utils (tools/dev deps)");
        QProcess p;
        p.start(pdftotext, {QStringLiteral("-layout"), pdf, QStringLiteral("-")});
        if (!p.waitForFinished(60000) || p.exitCode() != 0)
            return {};
        QStringList pages = QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\f'));
        if (!pages.isEmpty() && pages.last().trimmed().isEmpty())
            pages.removeLast();
        return pages;
    }

private slots:
    void initTestCase()
    {
        m_server =
            std::make_unique<Server>(QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("server.db")));
        m_token = m_server->addToken(QStringLiteral("vera"), QStringLiteral("viewer"));
        QVERIFY(m_server->start(
            {QStringLiteral("--simulate"), QStringLiteral("--backfill-days"), QStringLiteral("2")}));
    }

    void everyPageFromServer()
    {
        QNetworkAccessManager nam;
        ApiClientOptions options;
        options.serverUrl = m_server->url();
        options.token = m_token;
        HttpSource source(nam, options);
        MonitoringQuery query;
        query.timeRange = TimeRange::LastWeek;
        ExportHeader header;
        header.exportedAt = QDateTime::currentDateTimeUtc();
        header.source = m_server->url().toString();
        header.timeRange = query.timeRange;
        const QString path = m_dir.filePath(QStringLiteral("server.json"));
        auto *collector = new ExportCollector(&source, query, header, ExportFormat::Json, path);
        QSignalSpy done(collector, &ExportCollector::finished);
        collector->start();
        QVERIFY(done.wait(120000));
        QCOMPARE(done.first().at(0).toString(), QString());
        const qint64 written = done.first().at(1).toLongLong();
        QVERIFY2(written > 100, qPrintable(QString::number(written)));
        const auto read = ExportReader::readFile(path);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
        QCOMPARE(read.value().snapshot.jobs.size(), written);
        QVERIFY(read.value().snapshot.summary.totalJobs > 100);
    }

    void cliWritesWithoutDisplay()
    {
        const QString json = m_dir.filePath(QStringLiteral("cli.json"));
        QByteArray err;
        const int code =
            runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--time-range"),
                    QStringLiteral("7d"), QStringLiteral("--format"), QStringLiteral("json"),
                    QStringLiteral("--output"), json},
                   m_token, &err);
        QVERIFY2(code == 0, err.constData());
        const auto read = ExportReader::readFile(json);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
        QVERIFY(read.value().snapshot.jobs.size() > 100);

        // The file as a source, filtered, to CSV: one row per failed job plus the header.
        const QString csv = m_dir.filePath(QStringLiteral("cli.csv"));
        QVERIFY2(
            runCli({QStringLiteral("--source"), json, QStringLiteral("--status"), QStringLiteral("failed"),
                    QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--output"), csv},
                   QString(), &err) == 0,
            err.constData());
        qsizetype failed = 0;
        for (const Job &j : read.value().snapshot.jobs)
            failed += j.status == JobStatus::Failed ? 1 : 0;
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.startsWith("id,batchId,status,jobType,requestCount,"));
        QCOMPARE(bytes.count("\r\n"), failed + 1); // the generated fields hold no line breaks

        QVERIFY(runCli({QStringLiteral("--help")}, QString(), &err) == 0);
    }

    void cliPdfWithoutDisplay()
    {
        // The demo workspace (a new one, in this test's XDG_DATA_HOME) to a PDF report, no display.
        const QString pdf = m_dir.filePath(QStringLiteral("demo.pdf"));
        QByteArray err;
        const int code =
            runCli({QStringLiteral("--source"), QStringLiteral("demo"), QStringLiteral("--time-range"),
                    QStringLiteral("24h"), QStringLiteral("--format"), QStringLiteral("pdf"),
                    QStringLiteral("--output"), pdf},
                   QString(), &err);
        QVERIFY2(code == 0, err.constData());
        QVERIFY2(err.contains("jobs written"), err.constData());
        const QStringList pages = pdfPages(pdf);
        QVERIFY2(pages.size() >= 3, qPrintable(QString::number(pages.size())));
        for (int i = 0; i < pages.size(); ++i) {
            QVERIFY(pages[i].contains(QStringLiteral("demo")));
            QVERIFY(pages[i].contains(QStringLiteral("Last 24 hours")));
            QVERIFY(pages[i].contains(QStringLiteral("Page %1 of %2").arg(i + 1).arg(pages.size())));
        }
        QVERIFY(pages[0].contains(QStringLiteral("Batch monitoring report")));
        QVERIFY(pages[0].contains(QStringLiteral("Total Jobs")));
        QVERIFY(pages[1].contains(QStringLiteral("Top errors")));
        QVERIFY(pages[2].contains(QRegularExpression(QStringLiteral("\\bbatch-job-\\d+\\b"))));

        // The same from a server, filtered by status: the filter is on page 1.
        const QString failed = m_dir.filePath(QStringLiteral("failed.pdf"));
        QVERIFY2(
            runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--time-range"),
                    QStringLiteral("7d"), QStringLiteral("--status"), QStringLiteral("failed"),
                    QStringLiteral("--format=pdf"), QStringLiteral("--output"), failed},
                   m_token, &err) == 0,
            err.constData());
        const QStringList serverPages = pdfPages(failed);
        QVERIFY(serverPages.size() >= 3);
        QVERIFY(serverPages[0].contains(m_server->url().toString()));
        QVERIFY(serverPages[0].contains(QStringLiteral("status Failed")));
        QVERIFY(serverPages[0].contains(QStringLiteral("Last 7 days")));
    }

    void cliFailures()
    {
        QByteArray err;
        const QString out = m_dir.filePath(QStringLiteral("bad.json"));
        const int code =
            runCli({QStringLiteral("--source"), QStringLiteral("http://127.0.0.1:1"),
                    QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--output"), out},
                   m_token, &err);
        QVERIFY(code != 0);
        QVERIFY2(err.contains("batchmon export:"), err.constData());
        QVERIFY(!QFile::exists(out));

        // A PDF report that cannot be written: exit 1, why on stderr, nothing left.
        const QString pdf = m_dir.filePath(QStringLiteral("missing-folder/report.pdf"));
        QCOMPARE(runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--format"),
                         QStringLiteral("pdf"), QStringLiteral("--output"), pdf},
                        m_token, &err),
                 1);
        QVERIFY2(err.contains("batchmon export:") && err.contains("could not create"), err.constData());
        QVERIFY(!QFile::exists(pdf));
        QVERIFY(!QDir(m_dir.filePath(QStringLiteral("missing-folder"))).exists());
        QVERIFY(runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--format"),
                        QStringLiteral("json"), QStringLiteral("--output"), out},
                       QString(), &err) != 0);
        QVERIFY2(err.contains("BATCHMON_TOKEN"), err.constData());
        QVERIFY(!QFile::exists(out));

        // A wrong token: what to check, in this command's terms.
        QCOMPARE(runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--format"),
                         QStringLiteral("json"), QStringLiteral("--output"), out},
                        QStringLiteral("bm_wrong"), &err),
                 1);
        QVERIFY2(err.contains("HTTP 401") && err.contains("Check BATCHMON_TOKEN"), err.constData());
        QVERIFY2(!err.contains("in the profile"), err.constData());
        QVERIFY(!QFile::exists(out));

        // A status that does not exist: the ones that do.
        QCOMPARE(runCli({QStringLiteral("--source"), QStringLiteral("demo"), QStringLiteral("--status"),
                         QStringLiteral("bogus"), QStringLiteral("--format"), QStringLiteral("json"),
                         QStringLiteral("--output"), out},
                        QString(), &err),
                 2);
        QVERIFY2(err.contains("unknown status \"bogus\": use pending, paused, validating, in_progress"),
                 err.constData());
    }

    void cliWaitsForTheRateLimit()
    {
        // The server refuses page 2 once with 429 and Retry-After: 1: the export says why it pauses,
        // waits and goes on to write every job.
        RateLimitingProxy proxy(m_server->url(), 2);
        const QString csv = m_dir.filePath(QStringLiteral("limited.csv"));
        QByteArray err;
        QElapsedTimer clock;
        clock.start();
        const int code =
            runCli({QStringLiteral("--source"), proxy.url().toString(), QStringLiteral("--time-range"),
                    QStringLiteral("7d"), QStringLiteral("--format"), QStringLiteral("csv"),
                    QStringLiteral("--output"), csv},
                   m_token, &err);
        QVERIFY2(code == 0, err.constData());
        QCOMPARE(proxy.refused, 1);
        QVERIFY(clock.elapsed() >= 1000);
        static const QRegularExpression waiting(
            QStringLiteral("batchmon export: the server's rate limit: waiting 1 s \\(page 2 of (\\d+)\\)"));
        const QRegularExpressionMatch m = waiting.match(QString::fromUtf8(err));
        QVERIFY2(m.hasMatch(), err.constData());
        QVERIFY(m.captured(1).toInt() >= 2);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const qsizetype rows = f.readAll().count("\r\n") - 1;
        QVERIFY2(err.contains(QStringLiteral("%1 jobs written").arg(rows).toUtf8()), err.constData());
        QVERIFY(rows > 100); // page 2 is in the file
    }

    void cliProfileOverSsh()
    {
        // The profile's address with the API path a user copied from the docs: the root is used.
        saveProfile(QStringLiteral("Local"), QUrl(m_server->url().toString() + QStringLiteral("/api/")));
        const QString json = m_dir.filePath(QStringLiteral("profile.json"));
        const QStringList args = {QStringLiteral("--source"), QStringLiteral("Local"),
                                  QStringLiteral("--format"), QStringLiteral("json"),
                                  QStringLiteral("--output"), json};
        QByteArray err;
        // No D-Bus session, no BATCHMON_TOKEN: what to do, and no raw log line of the keychain.
        QCOMPARE(runCli(args, QString(), &err), 1);
        QVERIFY2(err.contains("keychain cannot be reached") && err.contains("Set BATCHMON_TOKEN"),
                 err.constData());
        QVERIFY2(!err.contains("batchmon.credentials") && !err.contains("System keychain"), err.constData());
        QVERIFY2(!err.contains("connection settings"), err.constData());
        QVERIFY(!QFile::exists(json));
        // BATCHMON_TOKEN stands in for the keychain.
        QVERIFY2(runCli(args, m_token, &err) == 0, err.constData());
        QVERIFY2(err.contains("using the API token in BATCHMON_TOKEN for profile \"Local\""),
                 err.constData());
        QVERIFY(ExportReader::readFile(json).ok());
        // A URL source with a trailing /api too.
        QVERIFY2(
            runCli({QStringLiteral("--source"), m_server->url().toString() + QStringLiteral("/api"),
                    QStringLiteral("--format"), QStringLiteral("json"), QStringLiteral("--output"), json},
                   m_token, &err) == 0,
            err.constData());

        // A file keeps its own range: said, not silently ignored.
        const QString csv = m_dir.filePath(QStringLiteral("file.csv"));
        QVERIFY2(
            runCli({QStringLiteral("--source"), json, QStringLiteral("--time-range"), QStringLiteral("7d"),
                    QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--output"), csv},
                   QString(), &err) == 0,
            err.constData());
        QVERIFY2(
            err.contains("--time-range 7d is not used for a file: profile.json holds the jobs of its own "
                         "range, 24h."),
            err.constData());
    }

    void mainWithoutDisplay()
    {
        QByteArray err;
        QByteArray out;
        QCOMPARE(runApp({QStringLiteral("--help")}, sshEnvironment(QString()), &err, &out), 0);
        QVERIFY2(out.contains("batchmon export --help"), out.constData());
        QCOMPARE(runApp({QStringLiteral("-v")}, sshEnvironment(QString()), &err, &out), 0);
        QVERIFY2(out.contains("batchmon " BATCHMON_VERSION), out.constData());
        QCOMPARE(runApp({}, sshEnvironment(QString()), &err, &out), 1);
        QVERIFY2(err.contains("no display to open the window on") && err.contains("batchmon export --help"),
                 err.constData());

        // In the user's language, as the window would be.
        QProcessEnvironment german = sshEnvironment(QString());
        german.remove(QStringLiteral("LANGUAGE"));
        german.insert(QStringLiteral("LC_ALL"), QStringLiteral("de_DE.UTF-8"));
        QCOMPARE(runApp({}, german, &err, &out), 1);
        QVERIFY2(QString::fromUtf8(err).contains(
                     QStringLiteral("keine Anzeige, auf der das Fenster geöffnet werden kann")),
                 err.constData());
    }
};

QTEST_GUILESS_MAIN(TestExportServer)
#include "tst_exportserver.moc"
