// SPDX-License-Identifier: GPL-3.0-or-later
// batchmon-server: the batch-monitoring REST API (docs/api.md) over the job store, optionally with the
// simulated pipeline; and `token add|list|revoke` to manage who may use it.
#include "AlertNotifier.h"
#include "ApiService.h"
#include "HttpAdapter.h"
#include "PipelineRunner.h"
#include "ServerConfig.h"
#include "domain/AlertRules.h"
#include "openai/OpenAiProvider.h"
#include "pipeline/Pipeline.h"
#include "pipeline/SimulatedProvider.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QSocketNotifier>
#include <QSslKey>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

using namespace batchmon;

namespace {

int g_signalPipe[2] = {-1, -1};

void onQuitSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &c, 1); // async-signal-safe
}

/// Routes SIGTERM and SIGINT through a pipe into the event loop, which then quits.
void quitOnSignals(QCoreApplication &app)
{
    if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        qWarning("cannot watch for SIGTERM: %s", std::strerror(errno));
        return;
    }
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [] {
        char c;
        while (::read(g_signalPipe[0], &c, 1) > 0) {
        }
        std::fprintf(stderr, "batchmon-server: stopping\n");
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onQuitSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

int fail(const QString &message)
{
    err() << "batchmon-server: " << message << Qt::endl;
    return 2;
}

int tokenCommand(const QStringList &args, const QString &roleName, Database &db)
{
    TokenStore tokens(db);
    const QString verb = args.value(1);
    QTextStream out(stdout);
    if (verb == QLatin1String("add") && args.size() >= 3) {
        const auto parsed = roleFromWire(roleName);
        if (!parsed)
            return fail(QStringLiteral("--role must be admin, viewer or producer, got \"%1\"").arg(roleName));
        const Role role = *parsed;
        auto token = tokens.add(args[2], role, QDateTime::currentDateTimeUtc());
        if (!token)
            return fail(token.error().message);
        out << "Token for " << args[2] << " (" << toWireString(role)
            << "). It is shown once; store it now:" << Qt::endl;
        out << token.value() << Qt::endl;
        return 0;
    }
    if (verb == QLatin1String("list")) {
        auto list = tokens.list();
        if (!list)
            return fail(list.error().message);
        for (const TokenInfo &t : list.value())
            out << t.name << '\t' << toWireString(t.role) << '\t' << t.createdAt.toString(Qt::ISODate)
                << Qt::endl;
        return 0;
    }
    if (verb == QLatin1String("revoke") && args.size() >= 3) {
        if (auto r = tokens.revoke(args[2]); !r)
            return fail(r.error().message);
        out << "Revoked " << args[2] << Qt::endl;
        return 0;
    }
    return fail(
        QStringLiteral("usage: batchmon-server token add NAME --role admin|viewer|producer | token list | "
                       "token revoke NAME"));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("batchmon-server"));
    QCoreApplication::setOrganizationName(QStringLiteral("batchmon"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BATCHMON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "main", "The batch-monitoring REST API (docs/api.md).\n\nCommands: token add NAME --role "
                "admin|viewer|producer, "
                "token list, token revoke NAME.\nThe database is BATCHMON_DATABASE (sqlite:PATH or "
                "postgresql://user:password@host/db); the seed's BATCH_* variables set the defaults."));
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption listen(QStringLiteral("listen"),
                              QStringLiteral("Address and port (default 127.0.0.1:8080; port 0 picks one)."),
                              QStringLiteral("host:port"), QStringLiteral("127.0.0.1:8080"));
    QCommandLineOption simulate(QStringLiteral("simulate"),
                                QStringLiteral("Run the pipeline with the simulated provider and workload "
                                               "(the same as --provider simulated)."));
    QCommandLineOption providerOption(
        QStringLiteral("provider"),
        QStringLiteral("Run the pipeline: \"simulated\", or \"openai\" to send the intake's requests "
                       "(POST /api/batch-requests) through OpenAI's Batch API — OPENAI_API_KEY or "
                       "OPENAI_API_KEY_FILE, OPENAI_BASE_URL (docs/api.md §18)."),
        QStringLiteral("name"));
    QCommandLineOption collect(
        QStringLiteral("collect"),
        QStringLiteral("With --provider openai: also import the account's batches made "
                       "outside batchmon (docs/api.md §18.4)."));
    QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Seed of the simulation (default 1)."),
                            QStringLiteral("n"), QStringLiteral("1"));
    QCommandLineOption backfill(
        QStringLiteral("backfill-days"),
        QStringLiteral("With --simulate on a new store: write this many days of history first."),
        QStringLiteral("days"), QStringLiteral("0"));
    QCommandLineOption tlsCert(QStringLiteral("tls-cert"), QStringLiteral("PEM certificate: serve https."),
                               QStringLiteral("file"));
    QCommandLineOption tlsKey(QStringLiteral("tls-key"), QStringLiteral("PEM private key of --tls-cert."),
                              QStringLiteral("file"));
    QCommandLineOption role(QStringLiteral("role"),
                            QStringLiteral("With token add: admin, viewer or producer (default viewer)."),
                            QStringLiteral("role"), QStringLiteral("viewer"));
    parser.addOptions({listen, simulate, providerOption, collect, seed, backfill, tlsCert, tlsKey, role});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("token add|list|revoke"),
                                 QStringLiteral("[token ...]"));
    parser.process(app);

    const auto config = ServerConfig::fromEnvironment(QProcessEnvironment::systemEnvironment());
    if (const auto *error = std::get_if<QString>(&config))
        return fail(*error);
    const ServerConfig &cfg = std::get<ServerConfig>(config);
    auto db = Database::open(cfg.databaseUrl);
    if (!db)
        return fail(db.error().message);

    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        if (positional.first() != QLatin1String("token"))
            return fail(QStringLiteral("unknown command \"%1\"; see --help").arg(positional.first()));
        return tokenCommand(positional, parser.value(role), *db.value());
    }

    const QString where = parser.value(listen);
    const int colon = int(where.lastIndexOf(QLatin1Char(':')));
    bool portOk = false;
    const int port = where.mid(colon + 1).toInt(&portOk);
    QHostAddress host(where.left(colon).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
    if (colon < 0 || !portOk || port < 0 || port > 65535 || host.isNull())
        return fail(
            QStringLiteral("--listen must be HOST:PORT, such as 127.0.0.1:8080; got \"%1\"").arg(where));

    QString providerName = parser.value(providerOption);
    if (parser.isSet(simulate)) {
        if (!providerName.isEmpty() && providerName != QLatin1String("simulated"))
            return fail(
                QStringLiteral("--simulate and --provider %1 contradict each other").arg(providerName));
        providerName = QStringLiteral("simulated");
    }
    if (!providerName.isEmpty() && providerName != QLatin1String("simulated") &&
        providerName != QLatin1String("openai"))
        return fail(QStringLiteral("--provider must be simulated or openai, got \"%1\"").arg(providerName));
    if (parser.isSet(collect) && providerName != QLatin1String("openai"))
        return fail(
            QStringLiteral("--collect lists an OpenAI account's batches: it needs --provider openai"));
    AdminStore admin(*db.value());
    auto stored = admin.batchConfig(cfg.batch);
    if (!stored)
        return fail(stored.error().message);
    auto settings = PipelineSettings::from(stored.value());
    if (const auto *error = std::get_if<QString>(&settings))
        return fail(QStringLiteral("the stored configuration: ") + *error);

    PipelineRunner::Options runnerOptions;
    runnerOptions.settings = std::get<PipelineSettings>(settings);
    runnerOptions.backfillDays = parser.value(backfill).toInt();
    runnerOptions.collect = parser.isSet(collect);
    runnerOptions.alertDefaults = alertDefaultsFor(cfg.batch);
    runnerOptions.configDefaults = cfg.batch;
    if (providerName == QLatin1String("simulated")) {
        runnerOptions.provider = std::make_unique<SimulatedProvider>(parser.value(seed).toULongLong());
        runnerOptions.workload = std::make_unique<SimulatedWorkload>(parser.value(seed).toULongLong());
    } else if (providerName == QLatin1String("openai")) {
        auto openAi = OpenAiSettings::fromEnvironment(QProcessEnvironment::systemEnvironment());
        if (const auto *error = std::get_if<QString>(&openAi))
            return fail(*error);
        if (cfg.databaseUrl.contains(QLatin1String(":memory:")))
            return fail(
                QStringLiteral("--provider openai runs the pipeline on a connection of its own: "
                               "BATCHMON_DATABASE must be a file or PostgreSQL, not sqlite::memory:"));
        // The key checked at start, as the app's Test connection does: a refused key stops the server here
        // rather than in a log line at the first batch. An API that cannot be reached now may be later.
        OpenAiSettings probeSettings = std::get<OpenAiSettings>(openAi);
        probeSettings.requestTimeoutMs = 10'000;
        probeSettings.maxRateLimitWaitMs = 0;
        OpenAiProvider probe(probeSettings);
        if (const auto listed = probe.listBatches(QString(), 1); !listed) {
            if (listed.error().kind == ProviderError::Kind::Unauthorized)
                return fail(
                    listed.error().message +
                    QStringLiteral(" — set OPENAI_API_KEY or OPENAI_API_KEY_FILE to a key of the account"));
            err() << "batchmon-server: warning: " << listed.error().message
                  << " — the pipeline keeps trying at every tick" << Qt::endl;
        }
        runnerOptions.provider = std::make_unique<OpenAiProvider>(std::get<OpenAiSettings>(openAi));
    }
    const qint64 enqueuedTokenLimit =
        runnerOptions.provider ? runnerOptions.provider->enqueuedTokenLimit() : 0;
    // Exactly one process of those sharing a database runs the pipeline (PipelineLeader). The simulated
    // one runs here and writes a new store's history before the server listens; one that waits on the
    // network runs on a thread and connection of its own, so the API answers while it waits.
    const bool threaded = providerName == QLatin1String("openai");
    std::unique_ptr<PipelineRunner> runner;
    QThread pipelineThread;
    pipelineThread.setObjectName(QStringLiteral("pipeline"));
    if (runnerOptions.provider) {
        runner = std::make_unique<PipelineRunner>(std::move(runnerOptions));
        if (!threaded)
            runner->startOn(*db.value());
    }

    TokenStore tokens(*db.value());
    RateLimiter limiter(cfg.rateLimitPerMinute);
    ServiceContext context;
    context.enqueuedTokenLimit = enqueuedTokenLimit;
    context.configDefaults = cfg.batch;
    // BATCH_ALERT_THRESHOLD_* are the rules' defaults until an admin sets them (docs/api.md §12.8).
    context.alertDefaults = alertDefaultsFor(cfg.batch);
    context.validateConfig = [](const BatchConfig &c) -> std::optional<QString> {
        const auto s = PipelineSettings::from(c);
        if (const auto *error = std::get_if<QString>(&s))
            return *error;
        return std::nullopt;
    };
    context.configChanged = [&runner](const BatchConfig &c) {
        if (runner) // in the runner's thread, between its ticks
            QMetaObject::invokeMethod(runner.get(), [r = runner.get(), c] { r->setConfig(c); });
    };
    ApiService service(*db.value(), tokens, limiter, context);
    HttpAdapter server([&service](const HttpRequest &r) { return service.handle(r); });

    if (parser.isSet(tlsCert) != parser.isSet(tlsKey))
        return fail(QStringLiteral("--tls-cert and --tls-key go together"));
    QString scheme = QStringLiteral("http");
    if (parser.isSet(tlsCert)) {
        QFile certFile(parser.value(tlsCert));
        QFile keyFile(parser.value(tlsKey));
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("cannot read %1 or %2").arg(certFile.fileName(), keyFile.fileName()));
        const QSslCertificate cert(certFile.readAll(), QSsl::Pem);
        const QSslKey key(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);
        if (cert.isNull() || key.isNull())
            return fail(QStringLiteral("%1 / %2: not a PEM certificate and RSA key")
                            .arg(certFile.fileName(), keyFile.fileName()));
        server.sslSetup(cert, key);
        scheme = QStringLiteral("https");
    }
    const quint16 bound = server.listen(host, quint16(port));
    if (bound == 0)
        return fail(
            QStringLiteral("cannot listen on %1 (in use, or not an address of this machine)").arg(where));
    // Tests and scripts read the port from this line (with --listen HOST:0 the system picks it).
    std::printf("batchmon-server: listening on %s://%s:%u\n", qPrintable(scheme),
                qPrintable(host.protocol() == QAbstractSocket::IPv6Protocol
                               ? QLatin1Char('[') + host.toString() + QLatin1Char(']')
                               : host.toString()),
                unsigned(bound));
    std::fflush(stdout);

    // Retention of the audit log and resolved alert events, also without a pipeline (which purges
    // jobs, audit and events itself).
    QTimer retention;
    if (!runner) {
        QObject::connect(&retention, &QTimer::timeout, [&admin, &cfg] {
            const auto config = admin.batchConfig(cfg.batch);
            const qint64 days =
                config ? config.value().batchMonitoringRetentionDays : cfg.batch.batchMonitoringRetentionDays;
            if (auto r = admin.purgeBefore(QDateTime::currentDateTimeUtc().addDays(-days)); !r)
                qWarning("retention: %s", qPrintable(r.error().message));
        });
        retention.start(3600 * 1000);
    }

    QTimer auditFlush;
    QObject::connect(&auditFlush, &QTimer::timeout, [&service] { service.flushAudit(); });
    auditFlush.start(200);
    QObject::connect(&app, &QCoreApplication::aboutToQuit, [&service] { service.flushAudit(); });
    // SIGTERM (systemctl stop) and SIGINT (Ctrl+C) end the event loop, so the audit entries still in
    // memory are written and the store is closed, rather than the process dying mid-write.
    quitOnSignals(app);

    if (runner) {
        QObject::connect(runner.get(), &PipelineRunner::changed, &app, [&service] { service.invalidate(); });
        if (threaded) {
            QObject::connect(runner.get(), &PipelineRunner::failed, &app, [](const QString &message) {
                err() << "batchmon-server: the pipeline cannot open the store: " << message << Qt::endl;
                QCoreApplication::exit(1);
            });
            runner->moveToThread(&pipelineThread);
            const QString url = cfg.databaseUrl;
            QObject::connect(&pipelineThread, &QThread::started, runner.get(),
                             [r = runner.get(), url] { r->startOwn(url); });
            pipelineThread.start();
        }
    }
    const int code = app.exec();
    if (threaded && runner) {
        // The runner and its connection are destroyed in its thread; a call to the provider still
        // waiting ends now, and a stop waits no more than 10 s for the tick to finish.
        runner->closeProvider();
        // The pointer first: in one call, release() could be evaluated before get().
        PipelineRunner *running = runner.release();
        QMetaObject::invokeMethod(running, [running] {
            delete running;
            QThread::currentThread()->quit();
        });
        if (!pipelineThread.wait(QDeadlineTimer(10000))) {
            err() << "batchmon-server: the pipeline is still waiting for the provider; stopping without it"
                  << Qt::endl;
            service.flushAudit();
            std::_Exit(code);
        }
    }
    return code;
}
