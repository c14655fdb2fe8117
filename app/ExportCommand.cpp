// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportCommand.h"
#include "Translations.h"

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
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QTextStream>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <memory>

namespace batchmon {

namespace {

/// The command's texts, under one translation context that lupdate sees (ExportText::tr).
struct ExportText
{
    Q_DECLARE_TR_FUNCTIONS(batchmon::ExportText)
};

int fail(const QString &message, int code = 1)
{
    QTextStream err(stderr);
    err << QStringLiteral("batchmon export: ") << message << Qt::endl;
    return code;
}

void note(const QString &message)
{
    QTextStream(stderr) << QStringLiteral("batchmon export: ") << message << Qt::endl;
}

/// A retry the source scheduled, on stderr: a wait of up to two minutes must not look like a hang.
/// `page` is 0 before the export's first page (the connection check).
void noteRetry(qint64 page, qint64 pages, int delayMs, const QString &reason, bool rateLimited)
{
    const int seconds = (delayMs + 999) / 1000;
    const QString where = page <= 0   ? QString()
                          : pages > 0 ? ExportText::tr(" (page %1 of %2)").arg(page).arg(pages)
                                      : ExportText::tr(" (page %1)").arg(page);
    if (rateLimited)
        note(ExportText::tr("the server's rate limit: waiting %1 s%2…").arg(seconds).arg(where));
    else
        note(ExportText::tr("%1 Trying again in %2 s%3…").arg(reason).arg(seconds).arg(where));
}

/// Runs `task` (an ExportCollector or a ReportExport) to the end; the exit code.
template<typename Task> int run(QCoreApplication &app, Task *task)
{
    int code = 1;
    QObject::connect(task, &Task::retryScheduled, &app, &noteRetry);
    QObject::connect(task, &Task::finished, &app, [&code](const QString &error, qint64 jobs) {
        if (error.isEmpty()) {
            QTextStream(stderr) << ExportText::tr("batchmon export: %1 jobs written").arg(jobs) << Qt::endl;
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

/// GET /whoami before the export, with the retries of docs/api.md §5, so a wrong token or address is
/// told in this command's terms (`tokenHint`: where the token came from, what to check) before any file
/// is made. An empty string, or why not.
QString checkConnection(HttpSource &http, const QString &address, const QString &tokenHint)
{
    const QMetaObject::Connection retries = QObject::connect(
        &http, &DataSource::retryScheduled, [](int, int delayMs, const QString &reason, bool rateLimited) {
            noteRetry(0, 0, delayMs, reason, rateLimited);
        });
    const QFuture<ApiResult<Identity>> who = http.fetchIdentity();
    while (!who.isFinished())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
    QObject::disconnect(retries);
    const ApiResult<Identity> r = who.result();
    if (r.ok())
        return QString();
    switch (r.error().kind) {
    case ApiError::Kind::Unauthorized:
        return ExportText::tr(
                   "the server refused the API token (HTTP 401): it is wrong, or it was revoked. %1")
            .arg(tokenHint);
    case ApiError::Kind::NotFound:
        return ExportText::tr(
                   "%1 answers, but has no batchmon API there (HTTP 404). Give the server's root address, "
                   "for example https://batchmon.example.com:8443.")
            .arg(address);
    default:
        return r.error().userMessage();
    }
}

/// Exports from a batchmon-server after checking the connection; the exit code.
int exportFromServer(QCoreApplication &app, ApiClientOptions options, const QString &tokenHint,
                     const MonitoringQuery &query, const ExportHeader &header,
                     std::optional<ExportFormat> format, const QString &output)
{
    // The policy of docs/api.md §5, as in the app: a 429 is waited out (Retry-After up to 120 s), a
    // dropped connection or 502–504 tried again after 5 s and 10 s; each wait is said on stderr.
    options.policy = HttpCallPolicy();
    QNetworkAccessManager nam;
    HttpSource http(nam, options);
    const QString refused = checkConnection(http, options.serverUrl.toDisplayString(), tokenHint);
    if (!refused.isEmpty())
        return fail(refused);
    return collect(app, &http, query, header, format, output);
}

/// Why the keychain gave no token for `profile`, and what to do about it from a shell.
QString keychainFailure(const QString &profile, const CredentialResult &result, bool keychainReached)
{
    if (!keychainReached)
        return ExportText::tr(
                   "could not read the token of profile \"%1\": the keychain cannot be reached from this "
                   "session (no D-Bus session, as over SSH). Set BATCHMON_TOKEN, or run the export from the "
                   "desktop session.")
            .arg(profile);
    switch (result.error()) {
    case CredentialResult::Error::NotFound:
        return ExportText::tr(
                   "no API token is stored in the keychain for profile \"%1\". Set BATCHMON_TOKEN, or save "
                   "the token in the app (File > Connect to a server).")
            .arg(profile);
    case CredentialResult::Error::AccessDenied:
        return ExportText::tr(
                   "the keychain refused access to the token of profile \"%1\" (is it locked?). Unlock "
                   "it, or set BATCHMON_TOKEN.")
            .arg(profile);
    default:
        return ExportText::tr("could not read the token of profile \"%1\": %2 Or set BATCHMON_TOKEN.")
            .arg(profile, result.message());
    }
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
    installTranslations(savedLanguage());

    QCommandLineParser parser;
    parser.setApplicationDescription(ExportText::tr(
        "Exports every job of a view without a display.\n"
        "A URL source reads its API token from the environment variable BATCHMON_TOKEN; a profile\n"
        "source from the keychain, or from BATCHMON_TOKEN when it is set (the keychain cannot be\n"
        "reached over SSH).\n"
        "pdf is a report: the metric cards, the charts, the top errors and the first 5,000 jobs;\n"
        "json and csv hold every job.\n"
        "When the server's rate limit refuses a page, the export waits as the server asks (up to\n"
        "120 s) and goes on."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("export"), ExportText::tr("The command."));
    const QCommandLineOption source(
        QStringLiteral("source"),
        ExportText::tr("demo, a server profile's name, a server URL (its root; a trailing "
                       "/api is dropped), or a JSON export file."),
        QStringLiteral("SOURCE"));
    const QCommandLineOption range(
        QStringLiteral("time-range"),
        ExportText::tr("1h, 24h, 7d or 30d (default: 24h). A file keeps its own range."),
        QStringLiteral("RANGE"), QStringLiteral("24h"));
    const QString statuses = [] {
        QStringList names;
        for (const JobStatus s : allJobStatuses())
            names.append(toWireString(s));
        return names.join(QStringLiteral(", "));
    }();
    const QCommandLineOption status(QStringLiteral("status"),
                                    ExportText::tr("Only jobs in this status: %1.").arg(statuses),
                                    QStringLiteral("S"));
    const QCommandLineOption jobType(QStringLiteral("job-type"), ExportText::tr("Only jobs of this type."),
                                     QStringLiteral("T"));
    const QCommandLineOption format(QStringLiteral("format"), ExportText::tr("json, csv or pdf."),
                                    QStringLiteral("FORMAT"));
    const QCommandLineOption output(QStringLiteral("output"), ExportText::tr("The file to write."),
                                    QStringLiteral("PATH"));
    parser.addOptions({source, range, status, jobType, format, output});
    if (!parser.parse(QCoreApplication::arguments()))
        return fail(parser.errorText() + QLatin1Char('\n') +
                        ExportText::tr("Run batchmon export --help for usage."),
                    2);
    if (parser.isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << parser.helpText().replace(QStringLiteral("batchmon [options] export"),
                                                         QStringLiteral("batchmon export [options]"));
        return 0;
    }
    if (!parser.isSet(source) || !parser.isSet(format) || !parser.isSet(output))
        return fail(
            ExportText::tr(
                "--source, --format and --output are required. Run batchmon export --help for usage."),
            2);

    std::optional<ExportFormat> fmt = ExportFormat::Json; // empty: the PDF report
    const QString formatText = parser.value(format);
    if (formatText == QLatin1String("csv"))
        fmt = ExportFormat::Csv;
    else if (formatText == QLatin1String("pdf"))
        fmt = std::nullopt;
    else if (formatText != QLatin1String("json"))
        return fail(ExportText::tr("unknown format \"%1\": use json, csv or pdf.").arg(formatText), 2);

    MonitoringQuery query;
    const auto tr = timeRangeFromWire(parser.value(range));
    if (!tr)
        return fail(
            ExportText::tr("unknown time range \"%1\": use 1h, 24h, 7d or 30d.").arg(parser.value(range)), 2);
    query.timeRange = *tr;
    if (parser.isSet(status)) {
        // The API's names are lower case; "FAILED" means the same thing.
        query.status = jobStatusFromWire(parser.value(status).toLower());
        if (!query.status)
            return fail(ExportText::tr("unknown status \"%1\": use %2.").arg(parser.value(status), statuses),
                        2);
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
        options.serverUrl = ProfileStore::serverRoot(url);
        options.token = qEnvironmentVariable("BATCHMON_TOKEN").trimmed();
        if (options.token.isEmpty())
            return fail(
                ExportText::tr("set the server's API token in the environment variable BATCHMON_TOKEN."));
        return exportFromServer(
            app, options,
            ExportText::tr("Check BATCHMON_TOKEN; an admin creates a token with \"batchmon-server "
                           "token add NAME --role viewer\"."),
            query, header, fmt, out);
    }

    if (QFileInfo(src).isFile()) {
        // A file holds one time range; the status and job type filters apply to its jobs.
        header.source = QFileInfo(src).fileName();
        const auto keep = [query](const Job &job) {
            return (!query.status || job.status == *query.status) &&
                   (!query.jobType || job.jobType == *query.jobType);
        };
        if (!fmt) {
            if (parser.isSet(range))
                note(ExportText::tr(
                         "note: --time-range is not used for a file: the report shows %1's own time range.")
                         .arg(header.source));
            return run(app, new ReportExport(src, keep, header, out));
        }
        qint64 written = 0;
        std::optional<TimeRange> fileRange;
        const QString error =
            ExportCollector::convertFile(src, out, *fmt, header, keep, &written, &fileRange);
        if (!error.isEmpty())
            return fail(error);
        if (parser.isSet(range) && fileRange != query.timeRange)
            note(ExportText::tr(
                     "note: --time-range %1 is not used for a file: %2 holds the jobs of its own range, %3.")
                     .arg(parser.value(range), header.source,
                          fileRange ? toWireString(*fileRange) : ExportText::tr("not recorded")));
        QTextStream(stderr) << ExportText::tr("batchmon export: %1 jobs written").arg(written) << Qt::endl;
        return 0;
    }

    KeychainCredentialStore credentials;
    ProfileStore profiles(&credentials);
    const auto profile = profiles.profile(src);
    if (!profile) {
        const QStringList names = profiles.names();
        return fail(
            ExportText::tr("\"%1\" is not demo, a server profile, an http(s) URL or an existing file. %2")
                .arg(src, names.isEmpty()
                              ? ExportText::tr("No server profiles are saved; add one in the app "
                                               "(File > Connect to a server) or give a URL.")
                              : ExportText::tr("Profiles: %1.").arg(names.join(QStringLiteral(", ")))));
    }
    if (profile->isOpenAi())
        return fail(
            ExportText::tr("\"%1\" is an OpenAI account profile, whose batches the app collects while "
                           "it shows them: open the profile in the app and use File > Export there.")
                .arg(profile->name));
    // Over SSH the keychain (Secret Service on the session's D-Bus) is out of reach, so the environment's
    // token comes first, as for a URL source; the profile still gives the address and CA file.
    QString token = qEnvironmentVariable("BATCHMON_TOKEN").trimmed();
    QString tokenHint;
    if (!token.isEmpty()) {
        note(ExportText::tr("using the API token in BATCHMON_TOKEN for profile \"%1\".").arg(profile->name));
        tokenHint =
            ExportText::tr("Check BATCHMON_TOKEN (it is used instead of the keychain's token when set).");
    } else {
        // What the keychain's own log line says is told below in this command's terms.
        QLoggingCategory::setFilterRules(QStringLiteral("batchmon.credentials.warning=false"));
        QFuture<CredentialResult> read = profiles.readToken(profile->name);
        while (!read.isFinished())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 100);
        const CredentialResult secret = read.result();
        // An unreachable keychain makes the store keep tokens in memory only: it is not persistent.
        if (!secret.ok())
            return fail(keychainFailure(profile->name, secret, credentials.isPersistent()));
        token = secret.secret();
        tokenHint = ExportText::tr(
                        "Check the token saved for profile \"%1\" in the app (File > Connect to a server), "
                        "or set BATCHMON_TOKEN.")
                        .arg(profile->name);
    }
    auto options = ProfileStore::clientOptions(*profile, token);
    if (!options)
        return fail(options.error());
    return exportFromServer(app, options.value(), tokenHint, query, header, fmt, out);
}

} // namespace batchmon
