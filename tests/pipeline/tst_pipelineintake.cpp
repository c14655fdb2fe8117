// SPDX-License-Identifier: GPL-3.0-or-later
// The pipeline over the intake's requests (docs/api.md §18) with a provider that sends them, scripted
// here: requests grouped into jobs, each request's outcome recorded, a cancelled batch's unrun requests,
// a retry sending only what did not complete, token_limit_exceeded sending the job again later, the
// collector importing the account's batches once, across restarts, and checks outside the schedule.
#include "../store/StoreTestSupport.h"
#include "pipeline/Pipeline.h"
#include "store/JobActions.h"

#include <QTest>

using namespace batchmon;

namespace {

const QDateTime kStart(QDate(2026, 11, 1), QTime(0, 0), Qt::UTC);

/// A provider whose batches do what the test says, when polled.
class ScriptedProvider : public Provider
{
public:
    struct Batch
    {
        BatchSubmission submission;
        ProviderBatchStatus status;
    };
    QMap<QString, Batch> batches;
    QList<ListedBatch> account; ///< newest first
    int listCalls = 0;
    int cancels = 0;
    int polls = 0;

    bool sendsRequests() const override { return true; }
    qint64 enqueuedTokenLimit() const override { return 1'000'000'000; }
    std::optional<ModelPrice> price(const QString &) const override { return ModelPrice{2.0, 8.0}; }

    Result<QString, ProviderError> submit(const BatchSubmission &batch, const QDateTime &) override
    {
        const QString id = QStringLiteral("batch_%1").arg(batches.size() + 1);
        ProviderBatchStatus s;
        s.batchId = id;
        s.status = JobStatus::Validating;
        batches.insert(id, {batch, s});
        return id;
    }
    Result<ProviderBatchStatus, ProviderError> poll(const SubmittedBatch &batch, const QDateTime &) override
    {
        ++polls;
        if (!batches.contains(batch.batchId))
            return ProviderError{ProviderError::Kind::NotFound, QStringLiteral("no such batch"), {}};
        return batches.value(batch.batchId).status;
    }
    Result<ProviderBatchStatus, ProviderError> cancel(const SubmittedBatch &batch, const QDateTime &) override
    {
        ++cancels;
        ProviderBatchStatus &s = batches[batch.batchId].status;
        if (!isFinished(s.status))
            s.status = JobStatus::Cancelling;
        return s;
    }
    Result<BatchPage, ProviderError> listBatches(const QString &after, int limit) override
    {
        ++listCalls;
        int from = 0;
        if (!after.isEmpty()) {
            while (from < account.size() && account.at(from).batchId != after)
                ++from;
            ++from;
        }
        BatchPage page;
        page.batches = account.mid(from, limit);
        page.hasMore = from + limit < account.size();
        page.lastId = page.batches.isEmpty() ? QString() : page.batches.last().batchId;
        return page;
    }

    /// Finishes `batchId` as completed: every request succeeds but those in `failing` (code → ids).
    void complete(const QString &batchId, const QMap<QString, QString> &failing = {},
                  const QStringList &withoutLine = {})
    {
        Batch &b = batches[batchId];
        ProviderBatchStatus &s = b.status;
        s.status = JobStatus::Completed;
        s.finishedAt = kStart.addSecs(3600);
        for (const ProviderRequest &r : b.submission.requests) {
            if (withoutLine.contains(r.customId))
                continue;
            RequestOutcome o;
            o.customId = r.customId;
            o.inputTokens = 10;
            o.outputTokens = 5;
            if (failing.contains(r.customId)) {
                o.failed = true;
                o.statusCode = 400;
                o.errorCode = failing.value(r.customId);
                o.errorMessage = QStringLiteral("refused");
                o.response = R"({"error":{"code":"x"}})";
                ++s.failedCount;
                s.errorCounts[o.errorCode] += 1;
            } else {
                o.statusCode = 200;
                o.response = R"({"choices":[]})";
                ++s.completedCount;
                s.completedInputTokens += 10;
                s.completedOutputTokens += 5;
            }
            s.inputTokens += 10;
            s.outputTokens += 5;
            s.outcomes.append(o);
        }
        if (!withoutLine.isEmpty()) {
            s.failedCount += withoutLine.size();
            s.errorCounts[QStringLiteral("missing_from_output")] += withoutLine.size();
        }
    }
};

QList<IntakeRequest> requests(const QString &prefix, int n, const QString &jobType = QStringLiteral("chat"),
                              const QString &model = QStringLiteral("gpt-4o-mini"))
{
    QList<IntakeRequest> out;
    for (int i = 0; i < n; ++i)
        out.append({QStringLiteral("%1-%2").arg(prefix).arg(i, 3, 10, QLatin1Char('0')), jobType, model,
                    QStringLiteral("/v1/chat/completions"),
                    QByteArray(R"({"model":")") + model.toUtf8() + R"(","messages":[]})"});
    return out;
}

PipelineSettings settings()
{
    PipelineSettings s;
    s.minSize = 10;
    s.maxRequests = 10;
    s.createIntervalMs = 60'000;
    s.statusIntervalMs = 60'000;
    s.resultIntervalMs = 60'000;
    return s;
}

struct Fixture
{
    QTemporaryDir dir;
    /// SQLite, or the PostgreSQL of tools/dev test for the _postgres entry (BATCHMON_TEST_BACKEND).
    std::unique_ptr<Database> db =
        openTestStore(qEnvironmentVariable("BATCHMON_TEST_BACKEND") == QLatin1String("postgres")
                          ? QStringLiteral("postgres")
                          : QStringLiteral("sqlite"),
                      dir);
    ScriptedProvider provider;
    std::unique_ptr<Pipeline> pipeline = std::make_unique<Pipeline>(*db, provider, settings());
    RequestStore store{*db};
    JobStore jobs{*db};

    Fixture()
    {
        pipeline->startAt(kStart);
        pipeline->advanceTo(kStart);
    }
    void advanceMinutes(int minutes, int from = 0)
    {
        QVERIFY(pipeline->advanceTo(kStart.addSecs(60 * (from + minutes))));
    }
    RequestState state(const QString &customId)
    {
        auto r = store.find(customId);
        return r && r.value() ? r.value()->state : RequestState::Queued;
    }
};

} // namespace

class TestPipelineIntake : public QObject
{
    Q_OBJECT

private slots:
    void groupsRequestsIntoJobs()
    {
        Fixture f;
        QVERIFY(f.store.submit(requests(QStringLiteral("a"), 25), QStringLiteral("app"), kStart));
        QVERIFY(f.store.submit(requests(QStringLiteral("b"), 5, QStringLiteral("embed")),
                               QStringLiteral("app"), kStart));
        f.advanceMinutes(1);
        // 25 of one group: two batches of 10; 5 wait for more (BATCH_MIN_SIZE 10); the other group too.
        QCOMPARE(f.provider.batches.size(), 2);
        const auto first = f.provider.batches.value(QStringLiteral("batch_1")).submission;
        QCOMPARE(first.requests.size(), 10);
        QCOMPARE(first.requests.first().customId, QStringLiteral("a-000"));
        QCOMPARE(first.requests.first().url, QStringLiteral("/v1/chat/completions"));
        QCOMPARE(first.model, QStringLiteral("gpt-4o-mini"));
        QCOMPARE(f.state(QStringLiteral("a-019")), RequestState::Batched);
        QCOMPARE(f.state(QStringLiteral("a-020")), RequestState::Queued);
        QCOMPARE(f.state(QStringLiteral("b-000")), RequestState::Queued);

        // Idempotent: the same requests again change nothing; other content under an id is refused.
        auto again = f.store.submit(requests(QStringLiteral("a"), 25), QStringLiteral("app"), kStart);
        QVERIFY(again);
        QCOMPARE(again.value().created, 0);
        QCOMPARE(again.value().requests.first().state, RequestState::Batched);
        auto changed = requests(QStringLiteral("a"), 1);
        changed[0].body = R"({"model":"gpt-4o","messages":[]})";
        auto conflict = f.store.submit(changed, QStringLiteral("app"), kStart);
        QVERIFY(!conflict);
        QCOMPARE(conflict.error().kind, StoreError::Kind::Conflict);
    }

    void aSmallGroupGoesAfterAnHour()
    {
        Fixture f;
        QVERIFY(f.store.submit(requests(QStringLiteral("a"), 3), QStringLiteral("app"), kStart));
        f.advanceMinutes(59);
        QCOMPARE(f.provider.batches.size(), 0); // under BATCH_MIN_SIZE: waits for more
        f.advanceMinutes(1, 59);
        QCOMPARE(f.provider.batches.size(), 1); // an hour old: sent as it is
        QCOMPARE(f.provider.batches.first().submission.requests.size(), 3);
    }

    void recordsEveryOutcome()
    {
        Fixture f;
        QVERIFY(f.store.submit(requests(QStringLiteral("a"), 10), QStringLiteral("app"), kStart));
        f.advanceMinutes(1);
        f.provider.complete(QStringLiteral("batch_1"),
                            {{QStringLiteral("a-003"), QStringLiteral("invalid_prompt")}},
                            {QStringLiteral("a-009")});
        f.advanceMinutes(1, 1);
        auto ok = f.store.find(QStringLiteral("a-000")).value().value();
        QCOMPARE(ok.state, RequestState::Completed);
        QCOMPARE(ok.statusCode, std::optional<int>(200));
        QCOMPARE(ok.response, QByteArray(R"({"choices":[]})"));
        QCOMPARE(ok.inputTokens, std::optional<qint64>(10));
        auto bad = f.store.find(QStringLiteral("a-003")).value().value();
        QCOMPARE(bad.state, RequestState::Failed);
        QCOMPARE(bad.statusCode, std::optional<int>(400));
        QCOMPARE(bad.errorCode, std::optional<QString>(QStringLiteral("invalid_prompt")));
        auto missing = f.store.find(QStringLiteral("a-009")).value().value();
        QCOMPARE(missing.state, RequestState::Failed);
        QCOMPARE(missing.errorCode, std::optional<QString>(QStringLiteral("missing_from_output")));

        auto job = f.jobs.find(ok.jobId.value()).value().value();
        QCOMPARE(job.job.status, JobStatus::Completed);
        QCOMPARE(job.job.completedCount, 8);
        QCOMPARE(job.job.failedCount, 2);
        QCOMPARE(job.errorCounts.value(QStringLiteral("invalid_prompt")), 1);
    }

    void cancelledBatchAndRetry()
    {
        Fixture f;
        QVERIFY(f.store.submit(requests(QStringLiteral("a"), 10), QStringLiteral("app"), kStart));
        f.advanceMinutes(1);
        JobActions actions(f.jobs);
        QVERIFY(actions.cancel(QStringLiteral("batch-job-1"), QStringLiteral("alice"), kStart.addSecs(70)));
        f.advanceMinutes(1, 1);
        QCOMPARE(f.provider.cancels, 1);
        // Cancelled after 4 requests ran (2 of them failed): the other 6 never ran.
        ScriptedProvider::Batch &b = f.provider.batches[QStringLiteral("batch_1")];
        for (int i = 0; i < 4; ++i) {
            RequestOutcome o;
            o.customId = b.submission.requests.at(i).customId;
            o.failed = i >= 2;
            o.statusCode = o.failed ? 500 : 200;
            o.errorCode = o.failed ? QStringLiteral("server_error") : QString();
            b.status.outcomes.append(o);
        }
        b.status.status = JobStatus::Cancelled;
        b.status.completedCount = 2;
        b.status.failedCount = 2;
        b.status.errorCounts = {{QStringLiteral("server_error"), 2}};
        b.status.finishedAt = kStart.addSecs(150);
        f.advanceMinutes(1, 2);
        QCOMPARE(f.state(QStringLiteral("a-000")), RequestState::Completed);
        QCOMPARE(f.state(QStringLiteral("a-002")), RequestState::Failed);
        QCOMPARE(f.state(QStringLiteral("a-004")), RequestState::Cancelled);

        // The retry sends the 8 that did not complete, not the 2 that did.
        auto retry =
            actions.retry(QStringLiteral("batch-job-1"), QStringLiteral("alice"), kStart.addSecs(200));
        QVERIFY2(retry, qPrintable(retry ? QString() : retry.error().message));
        f.advanceMinutes(2, 3);
        QCOMPARE(f.provider.batches.size(), 2);
        const auto sent = f.provider.batches.value(QStringLiteral("batch_2")).submission;
        QCOMPARE(sent.requests.size(), 8);
        QCOMPARE(sent.requests.first().customId, QStringLiteral("a-002"));
        QCOMPARE(f.store.find(QStringLiteral("a-004")).value()->jobId,
                 std::optional<QString>(retry.value().job.id));
        QCOMPARE(f.store.find(QStringLiteral("a-000")).value()->jobId,
                 std::optional<QString>(QStringLiteral("batch-job-1")));
    }

    void tokenLimitSendsTheJobAgainLater()
    {
        Fixture f;
        QVERIFY(f.store.submit(requests(QStringLiteral("a"), 10), QStringLiteral("app"), kStart));
        f.advanceMinutes(1);
        ProviderBatchStatus &s = f.provider.batches[QStringLiteral("batch_1")].status;
        s.status = JobStatus::Failed;
        s.batchError = QStringLiteral("token_limit_exceeded");
        s.failedCount = 10;
        s.errorCounts = {{QStringLiteral("token_limit_exceeded"), 10}};
        s.finishedAt = kStart.addSecs(90);
        QVERIFY(f.pipeline->advanceTo(kStart.addSecs(120)));
        // Back to pending, not failed for good: the requests wait with it, and it goes again.
        auto job = f.jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::Pending);
        QCOMPARE(job.job.failedCount, 0);
        QCOMPARE(f.state(QStringLiteral("a-000")), RequestState::Batched);
        QCOMPARE(f.provider.batches.size(), 1); // not at the tick that saw the refusal
        QVERIFY(f.pipeline->advanceTo(kStart.addSecs(180)));
        QCOMPARE(f.provider.batches.size(), 2);
        QCOMPARE(f.provider.batches.value(QStringLiteral("batch_2")).submission.requests.size(), 10);
        f.provider.complete(QStringLiteral("batch_2"));
        QVERIFY(f.pipeline->advanceTo(kStart.addSecs(240)));
        job = f.jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::Completed);
        QCOMPARE(job.job.batchId, std::optional<QString>(QStringLiteral("batch_2")));
        QCOMPARE(f.state(QStringLiteral("a-009")), RequestState::Completed);
    }

    void collectorImportsOnceAcrossRestarts()
    {
        Fixture f;
        for (int i = 250; i >= 1; --i) {
            ListedBatch b;
            b.batchId = QStringLiteral("batch_ext_%1").arg(i);
            b.endpoint = QStringLiteral("/v1/chat/completions");
            b.model = QStringLiteral("gpt-4o-mini");
            b.jobType = QStringLiteral("chat_completions");
            b.status = JobStatus::Completed;
            b.requestCount = 100;
            b.createdAt = kStart.addSecs(-i * 60);
            f.provider.account.append(b);
        }
        auto first = f.pipeline->collect(kStart);
        QVERIFY(first);
        QCOMPARE(first.value().imported, 250);
        QCOMPARE(first.value().pages, 3);

        // A restarted process: a new pipeline on the same store imports nothing twice, and stops paging
        // at the first page with a batch it knows.
        f.pipeline = std::make_unique<Pipeline>(*f.db, f.provider, settings());
        ListedBatch fresh = f.provider.account.first();
        fresh.batchId = QStringLiteral("batch_ext_new");
        f.provider.account.prepend(fresh);
        const int callsBefore = f.provider.listCalls;
        auto second = f.pipeline->collect(kStart.addSecs(60));
        QVERIFY(second);
        QCOMPARE(second.value().imported, 1);
        QCOMPARE(f.provider.listCalls - callsBefore, 1);
        auto count = f.db->exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT batch_id) FROM jobs"));
        QVERIFY(count && count.value().next());
        QCOMPARE(count.value().value(0).toLongLong(), 251);
        QCOMPARE(count.value().value(1).toLongLong(), 251);
    }

    void anImportedBatchTakesItsRequestCountWhenKnown()
    {
        // Listed while validating, with no requests counted yet; finished later with 13.
        Fixture f;
        ListedBatch b;
        b.batchId = QStringLiteral("batch_ext");
        b.endpoint = QStringLiteral("/v1/chat/completions");
        b.jobType = QStringLiteral("chat_completions");
        b.status = JobStatus::Validating;
        b.requestCount = 0;
        b.createdAt = kStart.addSecs(-60);
        f.provider.account.append(b);
        f.provider.batches.insert(b.batchId, {{}, ProviderBatchStatus{}});
        ProviderBatchStatus &s = f.provider.batches[b.batchId].status;
        s.batchId = b.batchId;
        s.status = JobStatus::Completed;
        s.totalRequests = 13;
        s.completedCount = 10;
        s.failedCount = 3;
        s.errorCounts = {{QStringLiteral("server_error"), 3}};
        s.finishedAt = kStart;
        QVERIFY(f.pipeline->collect(kStart));
        f.advanceMinutes(2);
        const auto job = f.jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::Completed);
        QCOMPARE(job.job.requestCount, 13);
        QCOMPARE(job.job.completedCount, 10);
        QCOMPARE(job.job.failedCount, 3);
    }

    void importedBatchesAreNeverTimedOut()
    {
        Fixture f;
        ListedBatch b;
        b.batchId = QStringLiteral("batch_ext");
        b.endpoint = QStringLiteral("/v1/embeddings");
        b.jobType = QStringLiteral("embeddings");
        b.status = JobStatus::InProgress;
        b.requestCount = 50;
        b.createdAt = kStart.addSecs(-30 * 3600); // past BATCH_TIMEOUT_HOURS (24) already
        f.provider.account.append(b);
        f.provider.batches.insert(b.batchId, {{}, ProviderBatchStatus{}});
        f.provider.batches[b.batchId].status.batchId = b.batchId;
        f.provider.batches[b.batchId].status.status = JobStatus::InProgress;
        QVERIFY(f.pipeline->collect(kStart));
        f.advanceMinutes(5);
        // Not ours to give up on: no cancel sent, still in progress.
        QCOMPARE(f.provider.cancels, 0);
        auto job = f.jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(job.job.status, JobStatus::InProgress);
        QCOMPARE(job.job.batchId, std::optional<QString>(QStringLiteral("batch_ext")));
    }
    void checkNowPollsAtOnceAndSkipsMissedTicks()
    {
        Fixture f;
        const auto external = [&f](const QString &id, JobStatus status) {
            ListedBatch b;
            b.batchId = id;
            b.endpoint = QStringLiteral("/v1/chat/completions");
            b.model = QStringLiteral("gpt-4o-mini");
            b.jobType = QStringLiteral("chat_completions");
            b.status = status;
            b.requestCount = 20;
            b.createdAt = kStart.addSecs(-3600);
            f.provider.account.append(b);
            ProviderBatchStatus s;
            s.batchId = id;
            s.status = status;
            f.provider.batches.insert(id, {{}, s});
        };
        external(QStringLiteral("batch_done"), JobStatus::Completed);
        external(QStringLiteral("batch_running"), JobStatus::InProgress);
        ProviderBatchStatus &done = f.provider.batches[QStringLiteral("batch_done")].status;
        done.completedCount = 18;
        done.failedCount = 2;
        done.errorCounts.insert(QStringLiteral("server_error"), 2);
        done.inputTokens = 2000;
        done.outputTokens = 400;
        done.finishedAt = kStart.addSecs(-60);

        const QDateTime t = kStart.addSecs(10); // before the first status tick
        auto collected = f.pipeline->collect(t);
        QVERIFY(collected);
        QCOMPARE(collected.value().imported, 2);
        auto checked = f.pipeline->checkNow(t);
        QVERIFY(checked);
        QCOMPARE(checked.value().finished, 1);
        QCOMPARE(checked.value().statusCheckedAt, std::optional<QDateTime>(t));
        QCOMPARE(f.provider.polls, 2);
        const StoredJob finished = f.jobs.find(QStringLiteral("batch-job-1")).value().value();
        QCOMPARE(finished.job.status, JobStatus::Completed);
        QCOMPARE(finished.job.completedCount, 18);
        QCOMPARE(finished.errorCounts.value(QStringLiteral("server_error")), 2);
        QVERIFY(finished.job.costEstimate.micros() > 0);
        QCOMPARE(f.pipeline->clock().value(), std::optional<QDateTime>(t));

        // A cancel is sent at once, and only the job being cancelled is asked about; the clock stays.
        JobActions actions(f.jobs);
        QVERIFY(actions.cancel(QStringLiteral("batch-job-2"), QStringLiteral("admin"), t.addSecs(5)));
        auto cancelling = f.pipeline->checkNow(t.addSecs(5), true);
        QVERIFY(cancelling);
        QCOMPARE(f.provider.cancels, 1);
        QCOMPARE(f.provider.polls, 3);
        QCOMPARE(f.jobs.find(QStringLiteral("batch-job-2")).value().value().job.status,
                 JobStatus::Cancelling);
        QCOMPARE(f.pipeline->clock().value(), std::optional<QDateTime>(t));
        f.provider.batches[QStringLiteral("batch_running")].status.status = JobStatus::Cancelled;
        f.provider.batches[QStringLiteral("batch_running")].status.finishedAt = t.addSecs(8);
        QVERIFY(f.pipeline->checkNow(t.addSecs(8), true));
        QCOMPARE(f.jobs.find(QStringLiteral("batch-job-2")).value().value().job.status, JobStatus::Cancelled);

        // Three days later: one poll per batch in flight at the present, not one per missed minute.
        external(QStringLiteral("batch_later"), JobStatus::InProgress);
        QVERIFY(f.pipeline->collect(t.addSecs(20)));
        const int before = f.provider.polls;
        const QDateTime later = t.addDays(3);
        auto caughtUp = f.pipeline->checkNow(later);
        QVERIFY(caughtUp);
        QCOMPARE(f.provider.polls - before, 1);
        QCOMPARE(f.pipeline->clock().value(), std::optional<QDateTime>(later));
        // The clock never goes back.
        QVERIFY(f.pipeline->checkNow(t));
        QCOMPARE(f.pipeline->clock().value(), std::optional<QDateTime>(later));
    }
};

QTEST_GUILESS_MAIN(TestPipelineIntake)
#include "tst_pipelineintake.moc"
