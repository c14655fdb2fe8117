// SPDX-License-Identifier: GPL-3.0-or-later
// Exports against a real batchmon-server on loopback (every page of > 100 jobs), and the headless
// `batchmon export` command run as a subprocess with no display at all.
#include "../server/ServerProcess.h"
#include "ExportCollector.h"
#include "ExportReader.h"
#include "source/HttpSource.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace batchmon;

class TestExportServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Server> m_server;
    QString m_token;

    /// `batchmon export …` with DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM unset.
    int runCli(const QStringList &args, const QString &token, QByteArray *err)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        env.insert(QStringLiteral("BATCHMON_TOKEN"), token);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("data")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BATCHMON_APP_BINARY), QStringList{QStringLiteral("export")} + args);
        if (!p.waitForFinished(120000))
            qFatal("batchmon export did not finish");
        *err = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
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

        QCOMPARE(runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--format"),
                         QStringLiteral("pdf"), QStringLiteral("--output"), out},
                        m_token, &err),
                 2);
        QVERIFY(err.contains("not available yet"));
        QVERIFY(runCli({QStringLiteral("--source"), m_server->url().toString(), QStringLiteral("--format"),
                        QStringLiteral("json"), QStringLiteral("--output"), out},
                       QString(), &err) != 0);
        QVERIFY2(err.contains("BATCHMON_TOKEN"), err.constData());
        QVERIFY(!QFile::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestExportServer)
#include "tst_exportserver.moc"
