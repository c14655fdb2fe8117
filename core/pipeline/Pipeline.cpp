// SPDX-License-Identifier: GPL-3.0-or-later
#include "Pipeline.h"

#include "domain/BatchConfigValidation.h"
#include "pipeline/ModelPrices.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>

#include <algorithm>

namespace batchmon {

namespace {

const QString kClock = QStringLiteral("pipeline_clock");
const QString kBuffer = QStringLiteral("pipeline_buffer");
constexpr qint64 kDayMs = 86400LL * 1000;

qint64 nextMultiple(qint64 afterMs, qint64 periodMs)
{
    return (afterMs / periodMs + 1) * periodMs;
}

/// The next tick after `afterMs`: the cron schedule's when there is one, else the fixed period's.
qint64 nextTick(const std::optional<CronSchedule> &schedule, qint64 periodMs, qint64 afterMs)
{
    return schedule ? schedule->nextAfterMs(afterMs) : nextMultiple(afterMs, periodMs);
}

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

SubmittedBatch submittedBatch(const StoredJob &s)
{
    return {s.job.batchId.value_or(QString()),
            {s.job.id,
             s.job.jobType,
             s.job.model.value_or(QString()),
             s.job.requestCount,
             s.estimatedInputTokens,
             {}},
            s.submittedAt.value_or(s.job.createdAt),
            s.cancelRequestedAt,
            true};
}

} // namespace

std::variant<PipelineSettings, QString> PipelineSettings::from(const BatchConfig &c)
{
    // Everything PUT /config requires, so the demo workspace (which has no codec in between)
    // refuses what the server refuses, in the same words.
    if (const auto errors = validateBatchConfig(c); !errors.isEmpty())
        return errors.first().message;
    PipelineSettings s;
    s.createSchedule = CronSchedule::parse(c.batchCreateInterval);
    s.statusSchedule = CronSchedule::parse(c.batchStatusCheckInterval);
    s.resultSchedule = CronSchedule::parse(c.batchResultProcessingInterval);
    s.createIntervalMs = s.createSchedule->periodSeconds() * 1000;
    s.statusIntervalMs = s.statusSchedule->periodSeconds() * 1000;
    s.resultIntervalMs = s.resultSchedule->periodSeconds() * 1000;
    s.minSize = c.batchMinSize;
    s.maxRequests = c.batchMaxRequests;
    s.retentionDays = c.batchMonitoringRetentionDays;
    s.processingEnabled = c.batchProcessingEnabled;
    s.timeoutMs = c.batchTimeoutHours * 3600 * 1000;
    return s;
}

PipelineSettings PipelineSettings::backfill(const PipelineSettings &live)
{
    PipelineSettings s = live;
    s.statusIntervalMs = std::max<qint64>(live.statusIntervalMs, 10 * 60 * 1000);
    s.resultIntervalMs = std::max<qint64>(live.resultIntervalMs, 5 * 60 * 1000);
    s.statusSchedule.reset(); // the coarser fixed periods above
    s.resultSchedule.reset();
    s.recordProgress = false;
    return s;
}

Pipeline::Pipeline(Database &db, Provider &provider, Workload &workload, PipelineSettings settings)
    : m_db(db), m_jobs(db), m_admin(db), m_requests(db), m_provider(provider), m_workload(&workload),
      m_settings(settings)
{}

Pipeline::Pipeline(Database &db, Provider &provider, PipelineSettings settings)
    : m_db(db), m_jobs(db), m_admin(db), m_requests(db), m_provider(provider), m_settings(settings)
{}

StoreResult<Done> Pipeline::loadImported()
{
    m_importedJobs.clear();
    // Only those the pipeline polls (in flight): an account's month of finished imports is not read
    // again at every tick.
    auto q = m_db.exec(QStringLiteral("SELECT i.job_id FROM imported_batches i JOIN jobs j ON j.id = i.job_id"
                                      " WHERE j.status IN (?, ?, ?, ?)"),
                       {toWireString(JobStatus::Validating), toWireString(JobStatus::InProgress),
                        toWireString(JobStatus::Finalizing), toWireString(JobStatus::Cancelling)});
    if (!q)
        return q.error();
    while (q.value().next())
        m_importedJobs.insert(q.value().value(0).toString());
    return Done{};
}

StoreResult<std::optional<QDateTime>> Pipeline::clock()
{
    auto q = m_db.exec(QStringLiteral("SELECT value FROM settings WHERE key = ?"), {kClock});
    if (!q)
        return q.error();
    if (!q.value().next())
        return std::optional<QDateTime>();
    return std::optional<QDateTime>(at(q.value().value(0).toLongLong()));
}

StoreResult<Done> Pipeline::startAt(const QDateTime &start)
{
    auto q = m_db.exec(
        QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING"),
        {kClock, QString::number(start.toMSecsSinceEpoch())});
    if (!q)
        return q.error();
    return Done{};
}

StoreResult<qint64> Pipeline::load(qint64 clockMs)
{
    m_buffer.clear();
    auto q = m_db.exec(QStringLiteral("SELECT value FROM settings WHERE key = ?"), {kBuffer});
    if (!q)
        return q.error();
    qint64 lastCreate = clockMs;
    if (q.value().next()) {
        const QJsonObject state = QJsonDocument::fromJson(q.value().value(0).toString().toUtf8()).object();
        lastCreate = state.value(QStringLiteral("lastCreate")).toInteger(clockMs);
        const QJsonObject o = state.value(QStringLiteral("groups")).toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QJsonObject b = it.value().toObject();
            m_buffer.insert(it.key(), {b.value(QStringLiteral("count")).toInteger(),
                                       b.value(QStringLiteral("tokens")).toInteger()});
        }
    }
    return lastCreate;
}

StoreResult<Done> Pipeline::save(qint64 clockMs, qint64 lastCreateMs)
{
    QJsonObject o;
    for (auto it = m_buffer.cbegin(); it != m_buffer.cend(); ++it) {
        if (it->count > 0)
            o.insert(it.key(), QJsonObject{{QStringLiteral("count"), it->count},
                                           {QStringLiteral("tokens"), it->tokens}});
    }
    const QString upsert = QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"
                                          " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    const QJsonObject state{{QStringLiteral("lastCreate"), lastCreateMs}, {QStringLiteral("groups"), o}};
    if (auto r = m_db.exec(upsert,
                           {kBuffer, QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact))});
        !r)
        return r.error();
    if (auto r = m_db.exec(upsert, {kClock, QString::number(clockMs)}); !r)
        return r.error();
    return Done{};
}

StoreResult<TickReport> Pipeline::advanceTo(const QDateTime &now)
{
    return inTransaction(m_db, [&]() -> StoreResult<TickReport> {
        TickReport report;
        auto clockValue = clock();
        if (!clockValue)
            return clockValue.error();
        const qint64 target = now.toMSecsSinceEpoch();
        if (!clockValue.value()) {
            // A new store starts now: requests arriving from here on are batched.
            if (auto sv = save(target, target); !sv)
                return sv.error();
            return report;
        }
        qint64 t = clockValue.value()->toMSecsSinceEpoch();
        if (t >= target)
            return report;
        auto loaded = loadAll(t);
        if (!loaded)
            return loaded.error();
        const auto &s = m_settings;
        qint64 lastCreate = loaded.value();
        qint64 nextCreate = nextTick(s.createSchedule, s.createIntervalMs, t);
        qint64 nextStatus = nextTick(s.statusSchedule, s.statusIntervalMs, t);
        qint64 nextResult = nextTick(s.resultSchedule, s.resultIntervalMs, t);
        qint64 nextPurge = nextMultiple(t, kDayMs);
        while (true) {
            const qint64 tick = std::min({nextCreate, nextStatus, nextResult, nextPurge});
            if (tick > target)
                break;
            // Results first, so a finished batch frees its quota before the next submissions.
            if (tick == nextResult || tick == nextStatus) {
                if (auto p = poll(tick, tick == nextResult, report); !p)
                    return p.error();
            }
            if (tick == nextCreate) {
                if (auto c = createBatches(lastCreate, tick, report); !c)
                    return c.error();
                lastCreate = tick;
                if (auto sub = submitPending(tick, report); !sub)
                    return sub.error();
                // Refused for the provider's token limit at this tick's poll: sent at the next one.
                m_pending += m_requeued;
                m_requeued.clear();
                nextCreate = nextTick(s.createSchedule, s.createIntervalMs, tick);
            }
            if (tick == nextPurge) {
                if (auto p = purge(tick, report); !p)
                    return p.error();
                nextPurge += kDayMs;
            }
            if (tick == nextStatus) {
                report.statusCheckedAt = at(tick);
                nextStatus = nextTick(s.statusSchedule, s.statusIntervalMs, tick);
            }
            if (tick == nextResult)
                nextResult = nextTick(s.resultSchedule, s.resultIntervalMs, tick);
            t = tick;
        }
        // Requests that arrived after the last creation tick are counted at the next one.
        if (auto sv = save(target, lastCreate); !sv)
            return sv.error();
        return report;
    });
}

StoreResult<qint64> Pipeline::loadAll(qint64 clockMs)
{
    auto loaded = load(clockMs);
    if (!loaded)
        return loaded.error();
    auto flying = m_jobs.withStatus(
        {JobStatus::Validating, JobStatus::InProgress, JobStatus::Finalizing, JobStatus::Cancelling});
    if (!flying)
        return flying.error();
    m_flying = flying.value();
    auto pending = m_jobs.withStatus({JobStatus::Pending});
    if (!pending)
        return pending.error();
    m_pending = pending.value();
    auto paused = m_admin.schedulerPaused();
    if (!paused)
        return paused.error();
    m_paused = paused.value();
    m_requeued.clear();
    if (auto imported = loadImported(); !imported)
        return imported.error();
    return loaded.value();
}

StoreResult<TickReport> Pipeline::checkNow(const QDateTime &now, bool cancellingOnly)
{
    return inTransaction(m_db, [&]() -> StoreResult<TickReport> {
        TickReport report;
        auto clockValue = clock();
        if (!clockValue)
            return clockValue.error();
        qint64 target = now.toMSecsSinceEpoch();
        // Plain values, not an optional: GCC's -O3 sees an optional<qint64> here as maybe uninitialised.
        const bool hadClock = clockValue.value().has_value();
        const qint64 before = hadClock ? clockValue.value()->toMSecsSinceEpoch() : target;
        target = std::max(target, before);
        auto loaded = loadAll(before);
        if (!loaded)
            return loaded.error();
        if (cancellingOnly) {
            m_flying.removeIf([](const StoredJob &j) { return j.job.status != JobStatus::Cancelling; });
        }
        if (auto p = poll(target, true, report); !p)
            return p.error();
        // Sent again at the next creation tick, as advanceTo() does with them.
        m_pending += m_requeued;
        m_requeued.clear();
        if (cancellingOnly)
            return report; // the other jobs' schedule goes on from where the clock stands
        report.statusCheckedAt = at(target);
        if (hadClock && nextMultiple(before, kDayMs) <= target) {
            if (auto p = purge(target, report); !p)
                return p.error();
        }
        if (auto sv = save(target, loaded.value()); !sv)
            return sv.error();
        return report;
    });
}

StoreResult<Done> Pipeline::createBatches(qint64 fromMs, qint64 toMs, TickReport &report)
{
    if (!m_workload)
        return createFromIntake(toMs, report);
    for (const Arrivals &a : m_workload->arrivals(at(fromMs), at(toMs))) {
        Buffered &b = m_buffer[a.jobType + QLatin1Char('\n') + a.model];
        b.count += a.count;
        b.tokens += a.estimatedInputTokens;
    }
    for (auto it = m_buffer.begin(); it != m_buffer.end(); ++it) {
        const QStringList key = it.key().split(QLatin1Char('\n'));
        while (it->count >= m_settings.minSize) {
            const qint64 n = std::min(it->count, m_settings.maxRequests);
            const qint64 tokens = it->tokens * n / it->count;
            auto id = m_jobs.nextJobId();
            if (!id)
                return id.error();
            StoredJob s;
            s.job.id = id.value();
            s.job.status = JobStatus::Pending;
            s.job.jobType = key.value(0);
            s.job.model = key.value(1);
            s.job.requestCount = n;
            s.job.createdAt = at(toMs);
            s.estimatedInputTokens = tokens;
            if (auto w = m_jobs.insert(s, QStringLiteral("pipeline")); !w)
                return w.error();
            m_pending.append(s);
            it->count -= n;
            it->tokens -= tokens;
            ++report.created;
        }
    }
    return Done{};
}

StoreResult<Done> Pipeline::createFromIntake(qint64 atMs, TickReport &report)
{
    auto groups = m_requests.waitingGroups();
    if (!groups)
        return groups.error();
    for (WaitingGroup g : groups.value()) {
        const bool waitedEnough = g.oldestReceivedAt.isValid() &&
                                  atMs - g.oldestReceivedAt.toMSecsSinceEpoch() >= m_settings.intakeMaxWaitMs;
        while (g.count >= m_settings.minSize || (g.count > 0 && waitedEnough)) {
            const qint64 n = std::min(g.count, m_settings.maxRequests);
            auto id = m_jobs.nextJobId();
            if (!id)
                return id.error();
            auto tokens = m_requests.assign(g, n, id.value());
            if (!tokens)
                return tokens.error();
            StoredJob s;
            s.job.id = id.value();
            s.job.status = JobStatus::Pending;
            s.job.jobType = g.jobType;
            s.job.model = g.model;
            s.job.requestCount = n;
            s.job.createdAt = at(atMs);
            s.estimatedInputTokens = tokens.value();
            if (auto w = m_jobs.insert(s, QStringLiteral("pipeline")); !w)
                return w.error();
            m_pending.append(s);
            g.count -= n;
            ++report.created;
        }
    }
    return Done{};
}

StoreResult<QList<ProviderRequest>> Pipeline::requestsFor(StoredJob &s)
{
    auto stored = m_requests.forJob(s.job.id);
    if (!stored)
        return stored.error();
    if (stored.value().isEmpty() && s.job.retryOf) {
        // A retry (JobActions::retry) sends its original's requests that did not complete.
        if (auto moved = m_requests.reassignUnfinished(*s.job.retryOf, s.job.id); !moved)
            return moved.error();
        stored = m_requests.forJob(s.job.id);
        if (!stored)
            return stored.error();
    }
    QList<ProviderRequest> out;
    out.reserve(stored.value().size());
    for (const StoredRequest &r : stored.value())
        out.append({r.request.customId, r.request.url, r.request.body});
    return out;
}

StoreResult<Done> Pipeline::submitPending(qint64 atMs, TickReport &report)
{
    if (m_paused || !m_settings.processingEnabled)
        return Done{};
    qint64 enqueued = 0;
    for (const StoredJob &s : m_flying)
        enqueued += s.estimatedInputTokens;
    // Priority is submission order: higher first, then the oldest (docs/api.md §7.5).
    std::stable_sort(m_pending.begin(), m_pending.end(),
                     [](const StoredJob &a, const StoredJob &b) { return a.job.priority > b.job.priority; });
    const qint64 quota = m_provider.enqueuedTokenLimit();
    while (!m_pending.isEmpty()) {
        const StoredJob before = m_pending.first();
        StoredJob s = before;
        // Strict order: a job that does not fit waits, and so does everything behind it — unless
        // nothing is in flight, when it goes anyway and the provider says what it thinks of it.
        if (enqueued + s.estimatedInputTokens > quota && enqueued > 0)
            break;
        BatchSubmission submission{
            s.job.id,           s.job.jobType,          s.job.model.value_or(QString()),
            s.job.requestCount, s.estimatedInputTokens, {}};
        if (m_provider.sendsRequests()) {
            auto requests = requestsFor(s);
            if (!requests)
                return requests.error();
            if (requests.value().isEmpty()) {
                // Nothing of the intake's behind it (a retry of a job made elsewhere, say): it cannot
                // be sent, and waiting will not change that.
                s.job.status = JobStatus::Failed;
                s.job.failedCount = s.job.requestCount;
                s.job.completedAt = at(atMs);
                s.job.processingTimeMs = 0;
                if (s.job.requestCount > 0)
                    s.errorCounts[QStringLiteral("no_requests")] = s.job.requestCount;
                if (auto w = m_jobs.update(before, s, at(atMs), QStringLiteral("pipeline"),
                                           QStringLiteral("no_requests: no requests of the intake to send"));
                    !w && w.error().kind != StoreError::Kind::Conflict)
                    return w.error();
                m_pending.removeFirst();
                continue;
            }
            submission.requests = requests.value();
            submission.requestCount = submission.requests.size();
            s.job.requestCount = submission.requestCount;
        }
        const auto batchId = m_provider.submit(submission, at(atMs));
        if (!batchId)
            break; // rate limited or unavailable: the next creation tick tries again
        s.job.status = JobStatus::Validating;
        s.job.batchId = batchId.value();
        s.job.startedAt = at(atMs);
        s.submittedAt = at(atMs);
        if (auto w = m_jobs.update(before, s, at(atMs), QStringLiteral("pipeline")); !w) {
            if (w.error().kind != StoreError::Kind::Conflict)
                return w.error();
            // An admin paused, cancelled or reprioritised it meanwhile (another process): take the
            // batch back and leave the job as they left it.
            m_provider.cancel(submittedBatch(s), at(atMs));
            m_pending.removeFirst();
            continue;
        }
        m_pending.removeFirst();
        m_flying.append(s);
        enqueued += s.estimatedInputTokens;
        ++report.submitted;
    }
    return Done{};
}

StoreResult<Done> Pipeline::poll(qint64 atMs, bool processResults, TickReport &report)
{
    for (int i = 0; i < m_flying.size(); ++i) {
        const StoredJob before = m_flying.at(i);
        StoredJob s = before;
        SubmittedBatch batch = submittedBatch(s);
        batch.needsOutcomes = !m_importedJobs.contains(s.job.id);
        auto status = m_provider.poll(batch, at(atMs));
        if (!status)
            continue; // the provider is not answering about this batch now; the next poll asks again
        ProviderBatchStatus p = status.value();
        if (s.job.status == JobStatus::Cancelling && p.status != JobStatus::Cancelling &&
            p.status != JobStatus::Cancelled && !isFinished(p.status)) {
            auto cancelled = m_provider.cancel(batch, at(atMs));
            if (cancelled)
                p = cancelled.value();
        }
        if (!isFinished(p.status) && s.job.status != JobStatus::Cancelling && s.submittedAt &&
            !m_importedJobs.contains(s.job.id) &&
            atMs - s.submittedAt->toMSecsSinceEpoch() >= m_settings.timeoutMs) {
            // Our own timeout, which may be shorter than the provider's window: stop paying for it.
            m_provider.cancel(batch, at(atMs));
            p.status = JobStatus::Expired;
            failUnrunAsExpired(p, s.job.requestCount);
            p.finishedAt = s.submittedAt->addMSecs(m_settings.timeoutMs);
        }
        const bool final = isFinished(p.status);
        if (final && !processResults)
            continue; // the result-processing tick records it with its results
        if (p.status == JobStatus::Failed && p.batchError == errorcode::tokenLimitExceeded() &&
            s.job.status != JobStatus::Cancelling && !m_importedJobs.contains(s.job.id)) {
            // The provider's enqueued-token limit, not the requests: the job waits and goes again.
            s.job.status = JobStatus::Pending;
            s.job.batchId.reset();
            s.job.startedAt.reset();
            s.submittedAt.reset();
            s.job.completedCount = 0;
            s.job.failedCount = 0;
            s.errorCounts.clear();
            if (m_provider.sendsRequests()) {
                if (auto r = m_requests.resetOutcomes(s.job.id); !r)
                    return r.error();
            }
            if (auto w = m_jobs.update(before, s, p.finishedAt.value_or(at(atMs)), QStringLiteral("provider"),
                                       QStringLiteral("token_limit_exceeded: the provider's enqueued-token "
                                                      "limit; sent again later"));
                !w) {
                if (w.error().kind != StoreError::Kind::Conflict)
                    return w.error();
            } else {
                m_requeued.append(s);
                ++report.requeued;
                ++report.updated;
            }
            m_flying.removeAt(i--);
            continue;
        }
        // A job being cancelled stays `cancelling` until the provider confirms.
        JobStatus next = p.status;
        if (s.job.status == JobStatus::Cancelling && !final)
            next = JobStatus::Cancelling;
        const bool moved = next != s.job.status;
        const bool progressed =
            p.completedCount != s.job.completedCount || p.failedCount != s.job.failedCount;
        if (!final && !moved && !(progressed && m_settings.recordProgress))
            continue;
        const JobStatus previous = s.job.status;
        s.job.status = next;
        // A batch imported while validating was listed with no requests yet: the provider counts them now.
        if (m_importedJobs.contains(s.job.id))
            s.job.requestCount =
                std::max({s.job.requestCount, p.totalRequests, p.completedCount + p.failedCount});
        s.job.completedCount = p.completedCount;
        s.job.failedCount = p.failedCount;
        s.errorCounts = p.errorCounts;
        s.job.inputTokens = p.inputTokens;
        s.job.outputTokens = p.outputTokens;
        QDateTime when = at(atMs);
        if (final) {
            const QDateTime finishedAt = p.finishedAt.value_or(at(atMs));
            s.job.completedAt = finishedAt;
            s.job.processingTimeMs =
                s.job.startedAt ? std::max<qint64>(0, s.job.startedAt->msecsTo(finishedAt)) : 0;
            if (const auto price = m_provider.price(s.job.model.value_or(QString()))) {
                s.job.costEstimate = batchCost(*price, p.inputTokens, p.outputTokens);
                s.individualCost = syncCost(*price, p.completedInputTokens, p.completedOutputTokens);
            }
            when = finishedAt;
            ++report.finished;
            if (m_provider.sendsRequests() && !m_importedJobs.contains(s.job.id)) {
                if (auto r = recordOutcomes(s, p, finishedAt); !r)
                    return r.error();
            }
        } else if (next == JobStatus::InProgress && previous == JobStatus::Validating && p.inProgressAt) {
            when = *p.inProgressAt;
        }
        if (auto w = m_jobs.update(before, s, when,
                                   next == JobStatus::Cancelling ? QStringLiteral("pipeline")
                                                                 : QStringLiteral("provider"),
                                   p.batchError);
            !w) {
            if (w.error().kind != StoreError::Kind::Conflict)
                return w.error();
            m_flying.removeAt(i--); // changed by an admin meanwhile: the next advance reads it again
            continue;
        }
        ++report.updated;
        if (final)
            m_flying.removeAt(i--);
        else
            m_flying[i] = s;
    }
    return Done{};
}

StoreResult<Done> Pipeline::recordOutcomes(const StoredJob &s, const ProviderBatchStatus &p,
                                           const QDateTime &finishedAt)
{
    QList<RecordedOutcome> recorded;
    recorded.reserve(p.outcomes.size());
    for (const RequestOutcome &o : p.outcomes)
        recorded.append({o.customId, o.failed ? RequestState::Failed : RequestState::Completed, o.statusCode,
                         o.response, o.errorCode, o.errorMessage, o.inputTokens, o.outputTokens});
    // Requests without a line: never run. Cancelled with their batch; failed with it otherwise, under
    // the batch's error ("batch_expired", a validation code), or as missing from a complete output.
    RequestState missing = RequestState::Failed;
    QString code = p.batchError.value_or(QStringLiteral("missing_from_output"));
    if (p.status == JobStatus::Cancelled)
        missing = RequestState::Cancelled;
    else if (p.status == JobStatus::Expired)
        code = errorcode::batchExpired();
    return m_requests.recordOutcomes(s.job.id, recorded, missing, code, finishedAt);
}

StoreResult<CollectReport> Pipeline::collect(const QDateTime &now, int pageSize)
{
    CollectReport report;
    const QString kDone = QStringLiteral("collector_complete");
    auto doneBefore = m_db.exec(QStringLiteral("SELECT value FROM settings WHERE key = ?"), {kDone});
    if (!doneBefore)
        return doneBefore.error();
    const bool passMade = doneBefore.value().next();
    const QDateTime cutoff = now.addDays(-m_settings.retentionDays);
    QString after;
    while (true) {
        const auto page = m_provider.listBatches(after, pageSize);
        if (!page) {
            report.error = page.error();
            return report; // the next collect goes on; what was imported stays
        }
        ++report.pages;
        bool knewOne = false;
        bool reachedCutoff = false;
        auto imported = inTransaction(m_db, [&]() -> StoreResult<Done> {
            for (const ListedBatch &b : page.value().batches) {
                ++report.listed;
                if (b.createdAt.isValid() && b.createdAt < cutoff) {
                    reachedCutoff = true; // older than the retention keeps: purged if imported
                    break;
                }
                auto known = m_db.exec(QStringLiteral("SELECT 1 FROM jobs WHERE batch_id = ? UNION ALL"
                                                      " SELECT 1 FROM imported_batches WHERE batch_id = ?"),
                                       {b.batchId, b.batchId});
                if (!known)
                    return known.error();
                if (known.value().next()) {
                    knewOne = true;
                    continue;
                }
                auto id = m_jobs.nextJobId();
                if (!id)
                    return id.error();
                StoredJob s;
                s.job.id = id.value();
                // Polled like the pipeline's own from here on; the first poll brings its counts.
                s.job.status = isFinished(b.status) ? JobStatus::Validating : b.status;
                s.job.batchId = b.batchId;
                s.job.jobType = b.jobType.isEmpty() ? QStringLiteral("imported") : b.jobType;
                if (!b.model.isEmpty())
                    s.job.model = b.model;
                s.job.requestCount = b.requestCount;
                s.job.createdAt = b.createdAt.isValid() ? b.createdAt.toUTC() : now.toUTC();
                s.job.startedAt = s.job.createdAt;
                s.submittedAt = s.job.createdAt;
                if (auto w =
                        m_jobs.insert(s, QStringLiteral("collector"),
                                      QStringLiteral("imported from the provider: batch %1").arg(b.batchId));
                    !w)
                    return w.error();
                auto mark =
                    m_db.exec(QStringLiteral("INSERT INTO imported_batches (batch_id, job_id, imported_at)"
                                             " VALUES (?, ?, ?)"),
                              {b.batchId, s.job.id, now.toMSecsSinceEpoch()});
                if (!mark)
                    return mark.error();
                ++report.imported;
            }
            return Done{};
        });
        if (!imported)
            return imported.error();
        const bool last = !page.value().hasMore || page.value().lastId.isEmpty() || reachedCutoff;
        if (last) {
            auto r = m_db.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"
                                              " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                               {kDone, QString::number(now.toMSecsSinceEpoch())});
            if (!r)
                return r.error();
            return report;
        }
        if (passMade && knewOne)
            return report; // newest first: what follows was seen by an earlier pass
        after = page.value().lastId;
    }
}

StoreResult<Done> Pipeline::purge(qint64 atMs, TickReport &report)
{
    const QDateTime cutoff = at(atMs - m_settings.retentionDays * kDayMs);
    auto jobs = m_jobs.purgeCreatedBefore(cutoff);
    if (!jobs)
        return jobs.error();
    auto requests = m_requests.purgeReceivedBefore(cutoff);
    if (!requests)
        return requests.error();
    report.purged += requests.value();
    // Imported batches whose jobs went: older than the retention, so a collect will not list them in.
    if (auto gone = m_db.exec(
            QStringLiteral("DELETE FROM imported_batches WHERE job_id NOT IN (SELECT id FROM jobs)"));
        !gone)
        return gone.error();
    auto admin = m_admin.purgeBefore(cutoff);
    if (!admin)
        return admin.error();
    report.purged += jobs.value() + admin.value();
    return Done{};
}

} // namespace batchmon
