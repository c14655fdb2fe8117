// SPDX-License-Identifier: GPL-3.0-or-later
#include "ServerConfig.h"

#include "pipeline/CronInterval.h"

#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>

namespace batchmon {

namespace {

struct Reader
{
    const QProcessEnvironment &env;
    QString error;

    std::optional<QString> raw(const char *name)
    {
        const QString key = QString::fromLatin1(name);
        if (!env.contains(key))
            return std::nullopt;
        return env.value(key).trimmed();
    }

    void integer(const char *name, qint64 min, qint64 max, qint64 &out)
    {
        const auto v = raw(name);
        if (!v || !error.isEmpty())
            return;
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,12}$"));
        if (!digits.match(*v).hasMatch() || v->toLongLong() < min || v->toLongLong() > max) {
            error = QStringLiteral("%1=\"%2\": expected a whole number from %3 to %4")
                        .arg(QLatin1String(name), *v)
                        .arg(min)
                        .arg(max);
            return;
        }
        out = v->toLongLong();
    }

    void number(const char *name, double min, double max, double &out)
    {
        const auto v = raw(name);
        if (!v || !error.isEmpty())
            return;
        bool ok = false;
        const double d = v->toDouble(&ok);
        if (!ok || d < min || d > max) {
            error = QStringLiteral("%1=\"%2\": expected a number from %3 to %4")
                        .arg(QLatin1String(name), *v)
                        .arg(min)
                        .arg(max);
            return;
        }
        out = d;
    }

    void schedule(const char *name, QString &out)
    {
        const auto v = raw(name);
        if (!v || !error.isEmpty())
            return;
        QString why;
        if (!CronInterval::parse(*v, &why)) {
            error = QLatin1String(name) + QStringLiteral(": ") + why;
            return;
        }
        out = *v;
    }

    void boolean(const char *name, bool &out)
    {
        const auto v = raw(name);
        if (!v || !error.isEmpty())
            return;
        if (*v == QLatin1String("true") || *v == QLatin1String("1"))
            out = true;
        else if (*v == QLatin1String("false") || *v == QLatin1String("0"))
            out = false;
        else
            error = QStringLiteral("%1=\"%2\": expected true or false").arg(QLatin1String(name), *v);
    }
};

} // namespace

QString ServerConfig::defaultDatabaseUrl()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QStringLiteral("sqlite:") + QDir(folder).filePath(QStringLiteral("server.sqlite"));
}

std::variant<ServerConfig, QString> ServerConfig::fromEnvironment(const QProcessEnvironment &env)
{
    ServerConfig c;
    Reader r{env, {}};
    BatchConfig &b = c.batch;
    r.boolean("BATCH_PROCESSING_ENABLED", b.batchProcessingEnabled);
    r.schedule("BATCH_CREATE_INTERVAL", b.batchCreateInterval);
    r.schedule("BATCH_STATUS_CHECK_INTERVAL", b.batchStatusCheckInterval);
    r.schedule("BATCH_RESULT_PROCESSING_INTERVAL", b.batchResultProcessingInterval);
    r.integer("BATCH_MAX_REQUESTS", 1, 50000, b.batchMaxRequests);
    r.integer("BATCH_TIMEOUT_HOURS", 1, 720, b.batchTimeoutHours);
    r.integer("BATCH_MIN_SIZE", 1, 50000, b.batchMinSize);
    r.integer("BATCH_MONITORING_RETENTION_DAYS", 1, 3650, b.batchMonitoringRetentionDays);
    r.number("BATCH_ALERT_THRESHOLD_ERROR_RATE", 0, 100, b.batchAlertThresholdErrorRate);
    r.integer("BATCH_ALERT_THRESHOLD_PROCESSING_TIME", 1, 30 * 86400, b.batchAlertThresholdProcessingTime);
    qint64 rate = c.rateLimitPerMinute;
    r.integer("BATCHMON_RATE_LIMIT", 0, 1000000, rate);
    c.rateLimitPerMinute = int(rate);
    if (r.error.isEmpty() && b.batchMinSize > b.batchMaxRequests)
        r.error = QStringLiteral("BATCH_MIN_SIZE=%1: must not exceed BATCH_MAX_REQUESTS (%2)")
                      .arg(b.batchMinSize)
                      .arg(b.batchMaxRequests);
    if (!r.error.isEmpty())
        return r.error;
    c.databaseUrl = env.value(QStringLiteral("BATCHMON_DATABASE"), defaultDatabaseUrl());
    return c;
}

} // namespace batchmon
