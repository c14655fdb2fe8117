// SPDX-License-Identifier: GPL-3.0-or-later
// Exports against a real batchmon-server on loopback (every page of > 100 jobs), and the headless
// `batchmon export` command run as a subprocess with no display at all (JSON, CSV and the PDF report,
// read back with poppler's pdftotext).
#include "../server/ServerProcess.h"
#include "ExportCollector.h"
#include "ExportReader.h"
#include "source/HttpSource.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
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
    }
};

QTEST_GUILESS_MAIN(TestExportServer)
#include "tst_exportserver.moc"
