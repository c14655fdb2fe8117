// SPDX-License-Identifier: GPL-3.0-or-later
#include "ApiService.h"

#include "Intake.h"

#include "domain/AlertRules.h"
#include "store/AlertEvaluator.h"
#include "json/Codec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <utility>

namespace batchmon {

namespace {

const QString kBase = QStringLiteral("/api/admin/batch-monitoring");
const QString kAuditPath = QStringLiteral("/api/admin/audit-logs");
const QString kIntakePath = QStringLiteral("/api/batch-requests");

HttpResponse success(int status, const QJsonValue &data)
{
    return {status, json::encodeSuccess(data), {}};
}

HttpResponse failure(int status, const QString &code, const QString &message,
                     const std::optional<QString> &parameter = std::nullopt)
{
    return {status, json::encodeError({code, message, parameter}), {}};
}

HttpResponse storeFailure(const StoreError &e)
{
    switch (e.kind) {
    case StoreError::Kind::NotFound:
        return failure(404, QStringLiteral("not_found"), e.message);
    case StoreError::Kind::InvalidTransition:
    case StoreError::Kind::Conflict:
        return failure(409, QStringLiteral("invalid_transition"), e.message);
    default: {
        // The store failed (unreachable, locked, out of space): the contract's 503, which clients retry.
        qWarning("store error: %s", qPrintable(e.message));
        HttpResponse r = failure(503, QStringLiteral("unavailable"),
                                 QStringLiteral("the database is unavailable; retry in 5 s"));
        r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("5")));
        return r;
    }
    }
}

HttpResponse badBody(const DecodeError &e)
{
    return failure(400, QStringLiteral("invalid_body"), e.toString(),
                   e.path.isEmpty() ? std::nullopt : std::optional<QString>(e.path));
}

/// Query parameters of the endpoints other than GET /: only `allowed`, each at most once.
class Params
{
public:
    Params(const QUrlQuery &query, const QStringList &allowed)
    {
        QStringList seen;
        for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
            if (m_error)
                break;
            if (!allowed.contains(key))
                fail(key, allowed.isEmpty() ? QStringLiteral("unknown parameter; this endpoint takes none")
                                            : QStringLiteral("unknown parameter; allowed: ") +
                                                  allowed.join(QStringLiteral(", ")));
            else if (seen.contains(key))
                fail(key, QStringLiteral("given more than once"));
            seen << key;
            m_values.insert(key, value);
        }
    }

    std::optional<HttpResponse> error() const { return m_error; }

    qint64 number(const QString &key, qint64 fallback, qint64 max)
    {
        if (m_error || !m_values.contains(key))
            return fallback;
        static const QRegularExpression digits(QStringLiteral("^[0-9]{1,9}$"));
        const QString v = m_values.value(key);
        if (!digits.match(v).hasMatch() || v.toLongLong() < 1 || v.toLongLong() > max) {
            fail(key, QStringLiteral("must be a whole number from 1 to %1; got \"%2\"").arg(max).arg(v));
            return fallback;
        }
        return v.toLongLong();
    }

    std::optional<QString> text(const QString &key)
    {
        if (m_error || !m_values.contains(key))
            return std::nullopt;
        const QString v = m_values.value(key);
        if (v.isEmpty() || v.size() > 64) {
            fail(key, QStringLiteral("must be 1 to 64 characters"));
            return std::nullopt;
        }
        return v;
    }

    void fail(const QString &key, const QString &message)
    {
        if (!m_error)
            m_error =
                failure(400, QStringLiteral("invalid_parameter"), key + QStringLiteral(": ") + message, key);
    }

private:
    QHash<QString, QString> m_values;
    std::optional<HttpResponse> m_error;
};

bool isReserved(const QString &segment)
{
    return segment == QLatin1String("alerts") || segment == QLatin1String("config") ||
           segment == QLatin1String("scheduler") || segment == QLatin1String("whoami");
}

} // namespace

struct ApiService::Call
{
    const HttpRequest &request;
    QStringList route; ///< path segments after the base path
    bool auditLog = false;
    bool intake = false; ///< /api/batch-requests (docs/api.md §18): producers and admins only
    std::optional<Identity> identity;
    QString action;
    std::optional<QString> target;
    std::optional<QString> detail;
};

ApiService::ApiService(Database &db, TokenStore &tokens, RateLimiter &limiter, ServiceContext context)
    : m_jobs(db), m_admin(db), m_engine(db, m_jobs), m_actions(m_jobs), m_requests(db), m_tokens(tokens),
      m_limiter(limiter), m_context(std::move(context)), m_db(db)
{}

HttpResponse ApiService::handle(const HttpRequest &request)
{
    Call call{request, {}, false, false, std::nullopt, QString(), std::nullopt, std::nullopt};
    const QString &path = request.path;
    QStringList allowed;
    if (path == kBase || path == kBase + QLatin1Char('/')) {
        allowed = {QStringLiteral("GET")};
        call.action = QStringLiteral("batch_monitoring_access");
    } else if (path == kAuditPath) {
        call.auditLog = true;
        allowed = {QStringLiteral("GET")};
        call.action = QStringLiteral("audit_log_access");
    } else if (path == kIntakePath) {
        call.intake = true;
        allowed = {QStringLiteral("POST")};
        call.action = QStringLiteral("requests_submit");
    } else if (path.startsWith(kIntakePath + QLatin1Char('/')) &&
               intake::isValidCustomId(path.mid(kIntakePath.size() + 1))) {
        call.intake = true;
        allowed = {QStringLiteral("GET")};
        call.action = QStringLiteral("request_view");
        call.target = path.mid(kIntakePath.size() + 1);
    } else if (path.startsWith(kBase + QLatin1Char('/'))) {
        call.route = path.mid(kBase.size() + 1).split(QLatin1Char('/'));
        const QStringList &r = call.route;
        const QString first = r.value(0);
        if (r.size() == 1 && first == QLatin1String("alerts")) {
            allowed = {QStringLiteral("GET"), QStringLiteral("POST")};
            call.action =
                request.method == "POST" ? QStringLiteral("alerts_update") : QStringLiteral("alerts_view");
        } else if (r.size() == 2 && first == QLatin1String("alerts") && r[1] == QLatin1String("preview")) {
            allowed = {QStringLiteral("POST")};
            call.action = QStringLiteral("alerts_preview");
        } else if (r.size() == 2 && first == QLatin1String("alerts") && r[1] == QLatin1String("events")) {
            allowed = {QStringLiteral("GET")};
            call.action = QStringLiteral("alert_events_view");
        } else if (r.size() == 4 && first == QLatin1String("alerts") && r[1] == QLatin1String("events") &&
                   r[3] == QLatin1String("ack") && !r[2].isEmpty()) {
            allowed = {QStringLiteral("POST")};
            call.action = QStringLiteral("alert_ack");
            call.target = r[2];
        } else if (r.size() == 1 && first == QLatin1String("config")) {
            allowed = {QStringLiteral("GET"), QStringLiteral("PUT")};
            call.action =
                request.method == "PUT" ? QStringLiteral("config_update") : QStringLiteral("config_view");
        } else if (r.size() == 2 && first == QLatin1String("scheduler") &&
                   (r[1] == QLatin1String("pause") || r[1] == QLatin1String("resume"))) {
            allowed = {QStringLiteral("POST")};
            call.action = QStringLiteral("scheduler_") + r[1];
        } else if (r.size() == 1 && first == QLatin1String("whoami")) {
            allowed = {QStringLiteral("GET")};
            call.action = QStringLiteral("whoami_view");
        } else if (r.size() == 1 && !first.isEmpty() && !isReserved(first)) {
            allowed = {QStringLiteral("GET")};
            call.action = QStringLiteral("job_view");
            call.target = first;
        } else if (r.size() == 2 && !first.isEmpty() && !isReserved(first)) {
            const QString &a = r[1];
            if (a == QLatin1String("retry") || a == QLatin1String("cancel") || a == QLatin1String("pause") ||
                a == QLatin1String("resume"))
                allowed = {QStringLiteral("POST")};
            else if (a == QLatin1String("priority"))
                allowed = {QStringLiteral("PUT")};
            call.action = QStringLiteral("job_") + a;
            call.target = first;
        }
    }
    if (allowed.isEmpty())
        return failure(404, QStringLiteral("not_found"),
                       QStringLiteral("no route %1 %2").arg(QString::fromLatin1(request.method), path));

    if (!allowed.contains(QString::fromLatin1(request.method))) {
        HttpResponse r =
            failure(405, QStringLiteral("method_not_allowed"),
                    QStringLiteral("%1 is not allowed on %2; allowed: %3")
                        .arg(QString::fromLatin1(request.method), path, allowed.join(QStringLiteral(", "))));
        r.headers.append(qMakePair(QByteArray("Allow"), allowed.join(QStringLiteral(", ")).toLatin1()));
        audit(call, r.status);
        return r;
    }

    // Who: a bearer token.
    const QByteArray authorization = request.headers.value("authorization");
    if (authorization.startsWith("Bearer ")) {
        auto who = m_tokens.authenticate(QString::fromUtf8(authorization.mid(7).trimmed()));
        if (!who)
            return storeFailure(who.error());
        call.identity = who.value();
    }
    if (!call.identity) {
        // docs/api.md §2: what is missing, or that the token is not (or no longer) valid.
        const bool presented =
            authorization.startsWith("Bearer ") && !authorization.mid(7).trimmed().isEmpty();
        HttpResponse r = failure(401, QStringLiteral("unauthorized"),
                                 presented ? QStringLiteral("invalid or revoked token")
                                           : QStringLiteral("missing bearer token"));
        r.headers.append(qMakePair(QByteArray("WWW-Authenticate"),
                                   presented
                                       ? QByteArray("Bearer realm=\"batchmon\", error=\"invalid_token\"")
                                       : QByteArray("Bearer realm=\"batchmon\"")));
        audit(call, r.status);
        return r;
    }

    // How often: the seed's admin rate limit, per token.
    const QDateTime now = m_context.clock();
    const RateLimiter::Decision limit =
        m_limiter.check(QStringLiteral("admin-batch-monitoring:") + call.identity->name, now);
    QList<QPair<QByteArray, QByteArray>> limitHeaders;
    if (limit.limit > 0)
        limitHeaders = {{"X-RateLimit-Limit", QByteArray::number(limit.limit)},
                        {"X-RateLimit-Remaining", QByteArray::number(limit.remaining)},
                        {"X-RateLimit-Reset", QByteArray::number(limit.resetAt)}};
    if (!limit.allowed) {
        HttpResponse r = failure(429, QStringLiteral("rate_limited"),
                                 QStringLiteral("more than %1 requests a minute; retry in %2 s")
                                     .arg(limit.limit)
                                     .arg(limit.retryAfterSeconds));
        r.headers = limitHeaders;
        r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray::number(limit.retryAfterSeconds)));
        return r; // not audited: a flood must not fill the log
    }

    // Every POST and PUT changes something, except the preview of an alert configuration.
    const bool writes = request.method != "GET" && call.action != QLatin1String("alerts_preview");
    if (writes)
        invalidate(); // whatever it changes, the cached snapshots may show it
    HttpResponse response = [&] {
        const Role role = call.identity->role;
        if (call.intake && role != Role::Producer && role != Role::Admin)
            return failure(403, QStringLiteral("forbidden"),
                           QStringLiteral("the %1 role may not %2 %3; a producer or admin token is required")
                               .arg(toWireString(role), QString::fromLatin1(request.method), request.path));
        if (!call.intake && role == Role::Producer)
            return failure(403, QStringLiteral("forbidden"),
                           QStringLiteral("the producer role may only submit and read requests "
                                          "(/api/batch-requests); %1 %2 needs a viewer or admin token")
                               .arg(QString::fromLatin1(request.method), request.path));
        if (!call.intake && (writes || call.auditLog) && role != Role::Admin)
            return failure(403, QStringLiteral("forbidden"),
                           QStringLiteral("the viewer role may not %1 %2; an admin token is required")
                               .arg(QString::fromLatin1(request.method), request.path));
        if (request.body.size() > kMaxBodyBytes)
            return failure(413, QStringLiteral("payload_too_large"),
                           QStringLiteral("the body is %1 bytes, more than the %2 bytes allowed")
                               .arg(request.body.size())
                               .arg(kMaxBodyBytes));
        return dispatch(call);
    }();
    response.headers += limitHeaders;
    audit(call, response.status);
    return response;
}

HttpResponse ApiService::dispatch(Call &call)
{
    const QStringList &r = call.route;
    if (call.auditLog)
        return auditLog(call);
    if (call.intake)
        return call.target ? viewRequest(call, *call.target) : submitRequests(call);
    if (r.isEmpty())
        return monitoring(call);
    if (r[0] == QLatin1String("alerts")) {
        if (r.size() == 1)
            return alerts(call, false);
        if (r.size() == 2)
            return r[1] == QLatin1String("preview") ? alerts(call, true) : alertEvents(call);
        return acknowledge(call, r[2]);
    }
    if (r[0] == QLatin1String("config"))
        return config(call);
    if (r[0] == QLatin1String("scheduler"))
        return scheduler(call, r[1] == QLatin1String("pause"));
    if (r[0] == QLatin1String("whoami"))
        return whoami(call);
    return jobAction(call, r[0], r.size() > 1 ? r[1] : QString());
}

HttpResponse ApiService::monitoring(Call &call)
{
    const auto parsed = MonitoringQuery::fromUrlQuery(call.request.query);
    if (const auto *e = std::get_if<QueryError>(&parsed))
        return failure(400, QStringLiteral("invalid_parameter"),
                       e->parameter + QStringLiteral(": ") + e->message, e->parameter);
    const QString key = std::get<MonitoringQuery>(parsed).toUrlQuery().toString(QUrl::FullyEncoded);
    const QDateTime now = m_context.clock();
    const qint64 nowMs = now.toMSecsSinceEpoch();
    if (const auto hit = m_snapshots.constFind(key);
        hit != m_snapshots.constEnd() && nowMs - hit->madeAtMs >= 0 && nowMs - hit->madeAtMs < kSnapshotTtlMs)
        return HttpResponse{200, hit->body, {}};
    auto config = m_admin.batchConfig(m_context.configDefaults);
    if (!config)
        return storeFailure(config.error());
    auto paused = m_admin.schedulerPaused();
    if (!paused)
        return storeFailure(paused.error());
    const SnapshotContext context{now, m_context.enqueuedTokenLimit, config.value().batchMaxRequests,
                                  SchedulerState{paused.value(), config.value().batchProcessingEnabled}};
    auto snapshot = m_engine.snapshot(std::get<MonitoringQuery>(parsed), context);
    if (!snapshot)
        return storeFailure(snapshot.error());
    HttpResponse r = success(200, json::encode(snapshot.value()));
    if (m_snapshots.size() > 256)
        m_snapshots.clear();
    m_snapshots.insert(key, {r.body, nowMs});
    return r;
}

HttpResponse ApiService::jobAction(Call &call, const QString &id, const QString &action)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    const QString actor = call.identity->name;
    const QDateTime now = m_context.clock();
    StoreResult<StoredJob> done = StoreError{};
    if (action.isEmpty()) {
        auto job = m_engine.job(id);
        if (!job)
            return storeFailure(job.error());
        return success(200, json::encode(job.value()));
    } else if (action == QLatin1String("retry")) {
        done = m_actions.retry(id, actor, now);
    } else if (action == QLatin1String("cancel")) {
        done = m_actions.cancel(id, actor, now);
    } else if (action == QLatin1String("pause")) {
        done = m_actions.pause(id, actor, now);
    } else if (action == QLatin1String("resume")) {
        done = m_actions.resume(id, actor, now);
    } else {
        const auto body = json::parseObject(call.request.body, kMaxBodyBytes);
        if (!body)
            return badBody(body.error());
        const auto change = json::decodeValue<PriorityChange>(body.value());
        if (!change)
            return badBody(change.error());
        done = m_actions.setPriority(id, change.value().priority, actor, now);
        if (done)
            call.detail = QStringLiteral("priority ") + toWireString(change.value().priority);
    }
    if (!done)
        return storeFailure(done.error());
    auto job = m_engine.job(done.value().job.id);
    if (!job)
        return storeFailure(job.error());
    if (action == QLatin1String("retry")) {
        call.detail = QStringLiteral("new job ") + job.value().id;
        HttpResponse r = success(201, json::encode(job.value()));
        r.headers.append(
            qMakePair(QByteArray("Location"), (kBase + QLatin1Char('/') + job.value().id).toUtf8()));
        return r;
    }
    return success(200, json::encode(job.value()));
}

Result<AlertConfig, DecodeError> ApiService::mergeAlertConfig(const AlertConfig &current,
                                                              const QJsonObject &body)
{
    // The codec checks the body as sent, so an error names the body's own path ("rules[0].threshold");
    // it fills what the body leaves out with defaults, so the merge looks at the keys the body has.
    const auto given = json::decodeValue<AlertConfig>(body);
    if (!given)
        return given.error();
    auto has = [&body](const char *key) {
        const QJsonValue v = body.value(QLatin1String(key));
        return !v.isUndefined() && !v.isNull();
    };
    AlertConfig merged = current;
    auto take = [&](AlertRuleId id) {
        for (AlertRule &rule : merged.rules) {
            if (rule.id == id)
                rule = *given.value().rule(id);
        }
    };
    if (has("rules")) {
        for (const QJsonValue &rule : body.value(QStringLiteral("rules")).toArray()) {
            if (const auto id = alertRuleIdFromWire(rule.toObject().value(QStringLiteral("id")).toString()))
                take(*id);
        }
    }
    // The seed's flat fields win over rules[].threshold (the decoder applied them to its rules).
    if (has("errorRateThreshold")) {
        for (AlertRule &rule : merged.rules) {
            if (rule.id == AlertRuleId::HighErrorRate)
                rule.threshold = given.value().rule(AlertRuleId::HighErrorRate)->threshold;
        }
    }
    if (has("processingTimeThreshold")) {
        for (AlertRule &rule : merged.rules) {
            if (rule.id == AlertRuleId::LongProcessingTime)
                rule.threshold = given.value().rule(AlertRuleId::LongProcessingTime)->threshold;
        }
    }
    if (has("notificationChannels"))
        merged.notificationChannels = given.value().notificationChannels;
    if (has("alertSuppression"))
        merged.suppressionWindowMinutes = given.value().suppressionWindowMinutes;
    if (has("webhookUrl"))
        merged.webhookUrl = given.value().webhookUrl;
    return merged;
}

HttpResponse ApiService::alerts(Call &call, bool preview)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    auto current = m_admin.alertConfig(m_context.alertDefaults);
    if (!current)
        return storeFailure(current.error());
    if (call.request.method == "GET")
        return success(200, json::encode(current.value()));
    const auto body = json::parseObject(call.request.body, kMaxBodyBytes);
    if (!body)
        return badBody(body.error());
    const auto merged = mergeAlertConfig(current.value(), body.value());
    if (!merged)
        return badBody(merged.error());
    if (preview) {
        // What would fire now under the edited configuration; nothing is recorded.
        auto config = m_admin.batchConfig(m_context.configDefaults);
        if (!config)
            return storeFailure(config.error());
        auto paused = m_admin.schedulerPaused();
        if (!paused)
            return storeFailure(paused.error());
        AlertEvaluator evaluator(m_db);
        auto conditions = evaluator.evaluate(
            merged.value(), {m_context.clock(), paused.value(), config.value().batchProcessingEnabled});
        if (!conditions)
            return storeFailure(conditions.error());
        return success(200, json::encode(AlertPreview{conditions.value()}));
    }
    if (auto w = m_admin.setAlertConfig(merged.value()); !w)
        return storeFailure(w.error());
    return success(200, json::encode(merged.value()));
}

HttpResponse ApiService::alertEvents(Call &call)
{
    Params params(call.request.query,
                  {QStringLiteral("state"), QStringLiteral("page"), QStringLiteral("limit")});
    const QUrlQuery &q = call.request.query;
    const QString state = q.hasQueryItem(QStringLiteral("state")) ? q.queryItemValue(QStringLiteral("state"))
                                                                  : QStringLiteral("active");
    if (state != QLatin1String("active") && state != QLatin1String("all"))
        params.fail(QStringLiteral("state"),
                    QStringLiteral("must be one of active, all; got \"%1\"").arg(state));
    const qint64 page = params.number(QStringLiteral("page"), 1, MonitoringQuery::kMaxPage);
    const qint64 limit = params.number(QStringLiteral("limit"), 50, MonitoringQuery::kMaxLimit);
    if (params.error())
        return *params.error();
    auto events = m_admin.alertEvents(state == QLatin1String("active"), page, limit);
    if (!events)
        return storeFailure(events.error());
    return success(200, json::encode(events.value()));
}

HttpResponse ApiService::acknowledge(Call &call, const QString &id)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    bool ok = false;
    const qint64 n = id.toLongLong(&ok);
    if (!ok || n < 1)
        return failure(404, QStringLiteral("not_found"),
                       QStringLiteral("no alert event with id \"%1\"").arg(id));
    auto event = m_admin.acknowledgeAlertEvent(n, call.identity->name, m_context.clock());
    if (!event)
        return storeFailure(event.error());
    return success(200, json::encode(event.value()));
}

HttpResponse ApiService::config(Call &call)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    // The two alert thresholds are the alert rules' (docs/api.md §12.8).
    auto alerts = m_admin.alertConfig(m_context.alertDefaults);
    if (!alerts)
        return storeFailure(alerts.error());
    if (call.request.method == "GET") {
        auto current = m_admin.batchConfig(m_context.configDefaults);
        if (!current)
            return storeFailure(current.error());
        return success(200, json::encode(withAlertThresholds(current.value(), alerts.value())));
    }
    const auto body = json::parseObject(call.request.body, kMaxBodyBytes);
    if (!body)
        return badBody(body.error());
    const auto config = json::decodeValue<BatchConfig>(body.value());
    if (!config)
        return badBody(config.error());
    if (m_context.validateConfig) {
        if (const auto why = m_context.validateConfig(config.value()))
            return failure(400, QStringLiteral("invalid_body"), *why, why->section(QLatin1Char(':'), 0, 0));
    }
    AlertConfig rules = alerts.value();
    const bool rulesChanged = applyConfigThresholds(rules, config.value());
    const auto written = inTransaction(m_db, [&]() -> StoreResult<Done> {
        if (rulesChanged) {
            if (auto w = m_admin.setAlertConfig(rules); !w)
                return w.error();
        }
        return m_admin.setBatchConfig(config.value());
    });
    if (!written)
        return storeFailure(written.error());
    if (m_context.configChanged)
        m_context.configChanged(config.value());
    return success(200, json::encode(withAlertThresholds(config.value(), rules)));
}

HttpResponse ApiService::scheduler(Call &call, bool pause)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    if (auto w = m_admin.setSchedulerPaused(pause); !w)
        return storeFailure(w.error());
    auto config = m_admin.batchConfig(m_context.configDefaults);
    if (!config)
        return storeFailure(config.error());
    return success(200, json::encode(SchedulerState{pause, config.value().batchProcessingEnabled}));
}

HttpResponse ApiService::submitRequests(Call &call)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    const auto decoded = intake::decodeSubmission(call.request.body);
    if (const auto *e = std::get_if<IntakeError>(&decoded))
        return failure(400, QStringLiteral("invalid_body"), e->message, e->path);
    const auto &requests = std::get<QList<IntakeRequest>>(decoded);
    auto stored = m_requests.submit(requests, call.identity->name, m_context.clock());
    if (!stored) {
        if (stored.error().kind == StoreError::Kind::Conflict)
            return failure(409, QStringLiteral("conflict"), stored.error().message);
        return storeFailure(stored.error());
    }
    call.detail = QStringLiteral("%1 requests, %2 new").arg(requests.size()).arg(stored.value().created);
    QJsonArray list;
    for (const StoredRequest &r : stored.value().requests)
        list.append(intake::encode(r));
    // 202: accepted for batching; 200 when every one was there already (a retried POST).
    return success(stored.value().created > 0 ? 202 : 200,
                   QJsonObject{{QStringLiteral("requests"), list},
                               {QStringLiteral("created"), stored.value().created},
                               {QStringLiteral("existing"), int(requests.size()) - stored.value().created}});
}

HttpResponse ApiService::viewRequest(Call &call, const QString &customId)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    auto found = m_requests.find(customId);
    if (!found)
        return storeFailure(found.error());
    if (!found.value())
        return failure(404, QStringLiteral("not_found"), QStringLiteral("no request %1").arg(customId));
    return success(200, intake::encode(*found.value()));
}

HttpResponse ApiService::whoami(Call &call)
{
    Params params(call.request.query, {});
    if (params.error())
        return *params.error();
    return success(200, json::encode(*call.identity));
}

HttpResponse ApiService::auditLog(Call &call)
{
    flushAudit(); // the log a reader gets includes everything answered so far
    Params params(call.request.query, {QStringLiteral("page"), QStringLiteral("limit"),
                                       QStringLiteral("actor"), QStringLiteral("action")});
    const qint64 page = params.number(QStringLiteral("page"), 1, MonitoringQuery::kMaxPage);
    const qint64 limit = params.number(QStringLiteral("limit"), 50, MonitoringQuery::kMaxLimit);
    const auto actor = params.text(QStringLiteral("actor"));
    const auto action = params.text(QStringLiteral("action"));
    if (params.error())
        return *params.error();
    auto entries = m_admin.auditLog(page, limit, actor, action);
    if (!entries)
        return storeFailure(entries.error());
    return success(200, json::encode(entries.value()));
}

void ApiService::audit(const Call &call, int status)
{
    AuditEntry e;
    e.at = m_context.clock();
    e.actor = call.identity ? call.identity->name : QStringLiteral("anonymous");
    e.action = call.action;
    e.target = call.target;
    e.outcome = status < 300                       ? QStringLiteral("success")
                : (status == 401 || status == 403) ? QStringLiteral("denied")
                                                   : QStringLiteral("failure");
    e.clientAddress = call.request.clientAddress;
    e.detail = call.detail;
    m_pendingAudit.append(e);
    if (m_pendingAudit.size() >= 500)
        flushAudit();
}

void ApiService::flushAudit()
{
    if (m_pendingAudit.isEmpty())
        return;
    const QList<AuditEntry> entries = std::exchange(m_pendingAudit, {});
    const auto written = inTransaction(m_db, [&]() -> StoreResult<Done> {
        for (const AuditEntry &e : entries) {
            if (auto w = m_admin.appendAudit(e); !w)
                return w.error();
        }
        return Done{};
    });
    if (!written)
        qWarning("audit log: %s (%lld entries lost)", qPrintable(written.error().message),
                 qint64(entries.size()));
}

} // namespace batchmon
