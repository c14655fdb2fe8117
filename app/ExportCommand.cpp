// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportCommand.h"

#include "ExportCollector.h"
#include "ProfileStore.h"
#include "ReportExport.h"
#include "api/HttpCall.h"
#include "credentials/KeychainCredentialStore.h"
#include "source/HttpSource.h"
#include "source/LocalSource.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <memory>

namespace batchmon {

namespace {

QString trc(const char *text)
{
    return QCoreApplication::translate("export", text);
}

int fail(const QString &message, int code = 1)
{
    QTextStream err(stderr);
    err << QStringLiteral("batchmon export: ") << message << Qt::endl;
    return code;
}

/// Runs `task` (an ExportCollector or a ReportExport) to the end; the exit code.
template<typename Task> int run(QCoreApplication &app, Task *task)
{
    int code = 1;
    QObject::connect(task, &Task::finished, &app, [&code](const QString &error, qint64 jobs) {
        if (error.isEmpty()) {
            QTextStream(stderr) << trc("batchmon export: %1 jobs written").arg(jobs) << Qt::endl;
            code = 0;
        } else {
            fail(error);
        }
        QCoreApplication::exit();
    });
    // Started from the event loop: a task that fails at once (an unwritable path) finishes inside
    // start(), and an exit() before exec() would be lost, leaving exec() waiting for ever.
    QTimer::singleShot(0, task, [task] { task->start(); });
    app.exec();
    return code;
}

/// Exports every job of `query` from `source`: JSON, CSV, or (format empty) a PDF report.
int collect(QCoreApplication &app, DataSource *source, const MonitoringQuery &query,
            const ExportHeader &header, std::optional<ExportFormat> format, const QString &output)
{
    if (!format)
        return run(app, new ReportExport(source, query, header, output));
    return run(app, new ExportCollector(source, query, header, *format, output));
}

/// Whether the arguments ask for `--format pdf`, before any QCoreApplication exists to parse them.
bool wantsPdf(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--format=pdf") == 0 || std::strcmp(argv[i], "-format=pdf") == 0)
            return true;
        if ((std::strcmp(argv[i], "--format") == 0 || std::strcmp(argv[i], "-format") == 0) && i + 1 < argc &&
            std::strcmp(argv[i + 1], "pdf") == 0)
            return true;
    }
    return false;
}

} // namespace

int runExportCommand(int argc, char *argv[])
{
    // The PDF report draws the dashboard's chart widgets, which need a QApplication, and that a
    // platform: offscreen unless the user chose one, so it runs over SSH with no display at all.
    std::unique_ptr<QCoreApplication> application;
    if (wantsPdf(argc, argv)) {
        if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        application = std::make_unique<QApplication>(argc, argv);
    } else {
        application = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication &app = *application;
    QCoreApplication::setApplicationName(QStringLiteral("batchmon"));
    QCoreApplication::setOrganizationName(QStringLiteral("batchmon"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BATCHMON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        trc("Exports every job of a view without a display.\n"
            "A URL source reads its API token from the environment variable BATCHMON_TOKEN.\n"
            "pdf is a report: the metric cards, the charts, the top errors and the first 5,000 jobs;\n"
            "json and csv hold every job."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("export"), trc("The command."));
    const QCommandLineOption source(
        QStringLiteral("source"), trc("demo, a server profile's name, a server URL, or a JSON export file."),
        QStringLiteral("SOURCE"));
    const QCommandLineOption range(QStringLiteral("time-range"), trc("1h, 24h, 7d or 30d."),
                                   QStringLiteral("RANGE"), QStringLiteral("24h"));
    const QCommandLineOption status(QStringLiteral("status"), trc("Only jobs in this status."),
                                    QStringLiteral("S"));
    const QCommandLineOption jobType(QStringLiteral("job-type"), trc("Only jobs of this type."),
                                     QStringLiteral("T"));
    const QCommandLineOption format(QStringLiteral("format"), trc("json, csv or pdf."),
                                    QStringLiteral("FORMAT"));
    const QCommandLineOption output(QStringLiteral("output"), trc("The file to write."),
                                    QStringLiteral("PATH"));
    parser.addOptions({source, range, status, jobType, format, output});
    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText() + QLatin1Char('\n') + trc("Run batchmon export --help for usage."), 2);
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText().replace(QStringLiteral("batchmon [options] export"),
                                                         QStringLiteral("batchmon export [options]"));
        return 0;
    }
    if (!parser.isSet(source) || !parser.isSet(format) || !parser.isSet(output))
        return fail(
            trc("--source, --format and --output are required. Run batchmon export --help for usage."), 2);

    std::optional<ExportFormat> fmt = ExportFormat::Json; // empty: the PDF report
    const QString formatText = parser.value(format);
    if (formatText == QLatin1String("csv"))
        fmt = ExportFormat::Csv;
    else if (formatText == QLatin1String("pdf"))
        fmt = std::nullopt;
    else if (formatText != QLatin1String("json"))
        return fail(trc("unknown format \"%1\": use json, csv or pdf.").arg(formatText), 2);

    MonitoringQuery query;
    const auto tr = timeRangeFromWire(parser.value(range));
    if (!tr)
        return fail(trc("unknown time range \"%1\": use 1h, 24h, 7d or 30d.").arg(parser.value(range)), 2);
    query.timeRange = *tr;
    if (parser.isSet(status)) {
        query.status = jobStatusFromWire(parser.value(status));
        if (!query.status)
            return fail(trc("unknown status \"%1\".").arg(parser.value(status)), 2);
    }
    if (parser.isSet(jobType))
        query.jobType = parser.value(jobType);

    ExportHeader header;
    header.exportedAt = QDateTime::currentDateTimeUtc();
    header.source = parser.value(source);
    header.timeRange = query.timeRange;
    header.status = query.status;
    header.jobType = query.jobType;
    const QString out = parser.value(output);
    const QString src = parser.value(source);

    if (src == QLatin1String("demo")) {
        LocalSourceOptions options;
        options.databasePath = LocalSource::defaultDemoPath();
        LocalSource local(options);
        local.open();
        return collect(app, &local, query, header, fmt, out);
    }

    const QUrl url(src, QUrl::StrictMode);
    if (url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))) {
        const QString invalid = ProfileStore::validateUrl(url);
        if (!invalid.isEmpty())
            return fail(invalid);
        ApiClientOptions options;
        options.serverUrl = url;
        options.token = qEnvironmentVariable("BATCHMON_TOKEN");
        if (options.token.isEmpty())
            return fail(trc("set the server's API token in the environment variable BATCHMON_TOKEN."));
        options.policy.maxAttempts = 1; // a headless run reports at once instead of waiting on retries
        QNetworkAccessManager nam;
        HttpSource http(nam, options);
        return collect(app, &http, query, header, fmt, out);
    }

    if (QFileInfo(src).isFile()) {
        // A file holds one time range; the status and job type filters apply to its jobs.
        header.source = QFileInfo(src).fileName();
        const auto keep = [query](const Job &job) {
            return (!query.status || job.status == *query.status) &&
                   (!query.jobType || job.jobType == *query.jobType);
        };
        if (!fmt)
            return run(app, new ReportExport(src, keep, header, out));
        qint64 written = 0;
        const QString error = ExportCollector::convertFile(src, out, *fmt, header, keep, &written);
        if (!error.isEmpty())
            return fail(error);
        QTextStream(stderr) << trc("batchmon export: %1 jobs written").arg(written) << Qt::endl;
        return 0;
    }

    KeychainCredentialStore credentials;
    ProfileStore profiles(&credentials);
    const auto profile = profiles.profile(src);
    if (!profile) {
        const QStringList names = profiles.names();
        return fail(trc("\"%1\" is not demo, a server profile, an http(s) URL or an existing file. %2")
                        .arg(src, names.isEmpty()
                                      ? trc("No server profiles are saved; add one in the app "
                                            "(File > Connect to a server) or give a URL.")
                                      : trc("Profiles: %1.").arg(names.join(QStringLiteral(", ")))));
    }
    QFuture<CredentialResult> token = profiles.readToken(profile->name);
    while (!token.isFinished())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
    const CredentialResult secret = token.result();
    if (!secret.ok())
        return fail(
            trc("could not read the token of profile \"%1\": %2").arg(profile->name, secret.message()));
    auto options = ProfileStore::clientOptions(*profile, secret.secret());
    if (!options)
        return fail(options.error());
    options.value().policy.maxAttempts = 1;
    QNetworkAccessManager nam;
    HttpSource http(nam, options.value());
    return collect(app, &http, query, header, fmt, out);
}

} // namespace batchmon
