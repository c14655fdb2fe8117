// SPDX-License-Identifier: GPL-3.0-or-later
#include "AdminStore.h"

#include "json/Codec.h"

#include "SqlValues.h"
#include <QJsonDocument>

#include <QSqlQuery>

namespace batchmon {

namespace {

const QString kBatchConfig = QStringLiteral("batch_config");
const QString kAlertConfig = QStringLiteral("alert_config");
const QString kSchedulerPaused = QStringLiteral("scheduler_paused");

const QString kEventColumns =
    QStringLiteral("id, rule, severity, observed_value, threshold, message, first_seen,"
                   " last_seen, resolved_at, acknowledged_by, acknowledged_at, job_id");

} // namespace

QString AdminStore::alertEventColumns()
{
    return kEventColumns;
}

AlertEvent AdminStore::readAlertEvent(const QSqlQuery &q)
{
    AlertEvent e;
    e.id = q.value(0).toLongLong();
    e.rule = alertRuleIdFromWire(q.value(1).toString()).value_or(AlertRuleId::HighErrorRate);
    e.severity = severityFromWire(q.value(2).toString()).value_or(Severity::Medium);
    e.observedValue = q.value(3).toDouble();
    e.threshold = q.value(4).toDouble();
    e.message = q.value(5).toString();
    e.firstSeen = QDateTime::fromMSecsSinceEpoch(q.value(6).toLongLong(), Qt::UTC);
    e.lastSeen = QDateTime::fromMSecsSinceEpoch(q.value(7).toLongLong(), Qt::UTC);
    e.resolvedAt = sql::optionalTime(q.value(8));
    e.acknowledgedBy = sql::optionalText(q.value(9));
    e.acknowledgedAt = sql::optionalTime(q.value(10));
    e.jobId = sql::optionalText(q.value(11));
    return e;
}

namespace {

Pagination pageOf(qint64 page, qint64 limit, qint64 total)
{
    return {page, limit, total, (total + limit - 1) / limit};
}

template<typename T> StoreResult<T> decodeSetting(const QString &key, const QString &text)
{
    const auto decoded = json::decodeValue<T>(QJsonDocument::fromJson(text.toUtf8()).object(), key);
    if (!decoded)
        return StoreError{
            StoreError::Kind::Query,
            QStringLiteral("the stored setting is unreadable: %1").arg(decoded.error().toString())};
    return decoded.value();
}

template<typename T> QString encodeSetting(const T &value)
{
    return QString::fromUtf8(QJsonDocument(json::encode(value)).toJson(QJsonDocument::Compact));
}

} // namespace

StoreResult<std::optional<QString>> AdminStore::setting(const QString &key)
{
    auto q = m_db.exec(QStringLiteral("SELECT value FROM settings WHERE key = ?"), {key});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<QString>();
    return std::optional<QString>(q.value().value(0).toString());
}

StoreResult<Done> AdminStore::setSetting(const QString &key, const QString &value)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"
                                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                       {key, value});
    if (!q)
        return q.error();
    return Done{};
}

StoreResult<BatchConfig> AdminStore::batchConfig(const BatchConfig &fallback)
{
    auto text = setting(kBatchConfig);
    if (!text)
        return text.error();
    if (!text.value())
        return fallback;
    return decodeSetting<BatchConfig>(kBatchConfig, *text.value());
}

StoreResult<Done> AdminStore::setBatchConfig(const BatchConfig &config)
{
    return setSetting(kBatchConfig, encodeSetting(config));
}

StoreResult<AlertConfig> AdminStore::alertConfig(const AlertConfig &fallback)
{
    auto text = setting(kAlertConfig);
    if (!text)
        return text.error();
    if (!text.value())
        return fallback;
    return decodeSetting<AlertConfig>(kAlertConfig, *text.value());
}

StoreResult<Done> AdminStore::setAlertConfig(const AlertConfig &config)
{
    return setSetting(kAlertConfig, encodeSetting(config));
}

StoreResult<bool> AdminStore::schedulerPaused()
{
    auto text = setting(kSchedulerPaused);
    if (!text)
        return text.error();
    return text.value().value_or(QString()) == QLatin1String("true");
}

StoreResult<Done> AdminStore::setSchedulerPaused(bool paused)
{
    return setSetting(kSchedulerPaused, paused ? QStringLiteral("true") : QStringLiteral("false"));
}

StoreResult<AlertEvent> AdminStore::addAlertEvent(const AlertEvent &e)
{
    auto q = m_db.exec(
        QStringLiteral("INSERT INTO alert_events (rule, severity, observed_value, threshold, message,"
                       " first_seen, last_seen, resolved_at, acknowledged_by, acknowledged_at, job_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        {toWireString(e.rule), toWireString(e.severity), e.observedValue, e.threshold, e.message,
         e.firstSeen.toMSecsSinceEpoch(), e.lastSeen.toMSecsSinceEpoch(), sql::fromTime(e.resolvedAt),
         sql::fromText(e.acknowledgedBy), sql::fromTime(e.acknowledgedAt), sql::fromText(e.jobId)});
    if (!q)
        return q.error();
    if (!q.value().next())
        return StoreError{StoreError::Kind::Query, QStringLiteral("the new alert event has no id")};
    AlertEvent stored = e;
    stored.id = q.value().value(0).toLongLong();
    return stored;
}

StoreResult<Done> AdminStore::updateAlertEvent(const AlertEvent &e)
{
    auto q =
        m_db.exec(QStringLiteral("UPDATE alert_events SET severity = ?, observed_value = ?, threshold = ?,"
                                 " message = ?, last_seen = ?, resolved_at = ? WHERE id = ?"),
                  {toWireString(e.severity), e.observedValue, e.threshold, e.message,
                   e.lastSeen.toMSecsSinceEpoch(), sql::fromTime(e.resolvedAt), e.id});
    if (!q)
        return q.error();
    if (q.value().numRowsAffected() == 0)
        return StoreError{StoreError::Kind::NotFound,
                          QStringLiteral("no alert event with id \"%1\"").arg(e.id)};
    return Done{};
}

StoreResult<std::optional<AlertEvent>> AdminStore::findAlertEvent(qint64 id)
{
    auto q = m_db.exec(
        QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM alert_events WHERE id = ?"), {id});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<AlertEvent>();
    return std::optional<AlertEvent>(readAlertEvent(q.value()));
}

StoreResult<AlertEventPage> AdminStore::alertEvents(bool activeOnly, qint64 page, qint64 limit)
{
    const QString where = activeOnly ? QStringLiteral(" WHERE resolved_at IS NULL") : QString();
    auto count = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM alert_events") + where);
    if (!count)
        return count.error();
    const qint64 total = count.value().next() ? count.value().value(0).toLongLong() : 0;
    auto q = m_db.exec(QStringLiteral("SELECT ") + kEventColumns + QStringLiteral(" FROM alert_events") +
                           where + QStringLiteral(" ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?"),
                       {limit, (page - 1) * limit});
    if (!q)
        return q.error();
    AlertEventPage out;
    while (q.value().next())
        out.events.append(readAlertEvent(q.value()));
    out.pagination = pageOf(page, limit, total);
    return out;
}

StoreResult<AlertEvent> AdminStore::acknowledgeAlertEvent(qint64 id, const QString &who, const QDateTime &at)
{
    return inTransaction(m_db, [&]() -> StoreResult<AlertEvent> {
        auto found = findAlertEvent(id);
        if (!found)
            return found.error();
        if (!found.value())
            return StoreError{StoreError::Kind::NotFound,
                              QStringLiteral("no alert event with id \"%1\"").arg(id)};
        AlertEvent e = *found.value();
        if (e.acknowledgedBy)
            return e;
        // Only the acknowledgement, and only if nobody was first: the evaluation may be writing the
        // rest of the row (another process), and the first acknowledger stays.
        auto w = m_db.exec(QStringLiteral("UPDATE alert_events SET acknowledged_by = ?, acknowledged_at = ?"
                                          " WHERE id = ? AND acknowledged_by IS NULL"),
                           {who, at.toUTC().toMSecsSinceEpoch(), id});
        if (!w)
            return w.error();
        auto after = findAlertEvent(id);
        if (!after)
            return after.error();
        if (!after.value())
            return StoreError{StoreError::Kind::NotFound,
                              QStringLiteral("no alert event with id \"%1\"").arg(id)};
        return *after.value();
    });
}

StoreResult<qint64> AdminStore::appendAudit(const AuditEntry &a)
{
    auto q =
        m_db.exec(QStringLiteral("INSERT INTO audit_log (at, actor, action, target, outcome, client_address,"
                                 " detail) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                  {a.at.toMSecsSinceEpoch(), a.actor, a.action, sql::fromText(a.target), a.outcome,
                   a.clientAddress, sql::fromText(a.detail)});
    if (!q)
        return q.error();
    if (!q.value().next())
        return StoreError{StoreError::Kind::Query, QStringLiteral("the new audit entry has no id")};
    return q.value().value(0).toLongLong();
}

StoreResult<AuditPage> AdminStore::auditLog(qint64 page, qint64 limit, const std::optional<QString> &actor,
                                            const std::optional<QString> &action)
{
    QStringList conditions;
    QVariantList values;
    if (actor) {
        conditions << QStringLiteral("actor = ?");
        values << *actor;
    }
    if (action) {
        conditions << QStringLiteral("action = ?");
        values << *action;
    }
    const QString where = conditions.isEmpty()
                              ? QString()
                              : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    auto count = m_db.exec(QStringLiteral("SELECT COUNT(*) FROM audit_log") + where, values);
    if (!count)
        return count.error();
    const qint64 total = count.value().next() ? count.value().value(0).toLongLong() : 0;
    auto q = m_db.exec(QStringLiteral("SELECT id, at, actor, action, target, outcome, client_address, detail"
                                      " FROM audit_log") +
                           where + QStringLiteral(" ORDER BY at DESC, id DESC LIMIT ? OFFSET ?"),
                       values + QVariantList{limit, (page - 1) * limit});
    if (!q)
        return q.error();
    AuditPage out;
    while (q.value().next()) {
        const QSqlQuery &r = q.value();
        out.entries.append({r.value(0).toLongLong(),
                            QDateTime::fromMSecsSinceEpoch(r.value(1).toLongLong(), Qt::UTC),
                            r.value(2).toString(), r.value(3).toString(), sql::optionalText(r.value(4)),
                            r.value(5).toString(), r.value(6).toString(), sql::optionalText(r.value(7))});
    }
    out.pagination = pageOf(page, limit, total);
    return out;
}

StoreResult<qint64> AdminStore::purgeBefore(const QDateTime &cutoff)
{
    return inTransaction(m_db, [&]() -> StoreResult<qint64> {
        const qint64 ms = cutoff.toMSecsSinceEpoch();
        // Read each count at once: SQLite reports the changes of the connection's latest statement.
        auto audit = m_db.exec(QStringLiteral("DELETE FROM audit_log WHERE at < ?"), {ms});
        if (!audit)
            return audit.error();
        const qint64 auditRows = audit.value().numRowsAffected();
        auto events = m_db.exec(QStringLiteral("DELETE FROM alert_events WHERE resolved_at < ?"), {ms});
        if (!events)
            return events.error();
        return auditRows + events.value().numRowsAffected();
    });
}

} // namespace batchmon
