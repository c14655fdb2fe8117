// SPDX-License-Identifier: GPL-3.0-or-later
// The simulated Batch API is what the demo workspace and the server's pipeline run on, and what 30 days
// of history are backfilled from. These tests hold it to what a pipeline relies on: the same answers
// from the same seed in any order and any process, OpenAI's lifecycle, counts that only grow and add
// up, the configured mix of outcomes, and exact costs.
#include "pipeline/ModelPrices.h"
#include "pipeline/SimulatedProvider.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>

using namespace batchmon;

namespace batchmon {
// Lets QCOMPARE print statuses by their wire names.
char *toString(JobStatus status)
{
    return QTest::toString(toWireString(status));
}
} // namespace batchmon

namespace {

constexpr qint64 kMinute = 60 * 1000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;

const QDateTime kStart(QDate(2025, 1, 1), QTime(0, 0), Qt::UTC);

const QStringList kJobTypes{QStringLiteral("ai_analysis"),    QStringLiteral("summarization"),
                            QStringLiteral("classification"), QStringLiteral("embedding"),
                            QStringLiteral("translation"),    QStringLiteral("custom_extraction")};
const QStringList kModels{QStringLiteral("gpt-4o-mini"), QStringLiteral("gpt-4o"),
                          QStringLiteral("gpt-4.1-mini"), QStringLiteral("gpt-4.1"),
                          QStringLiteral("text-embedding-3-small")};
const QStringList kKnownCodes{QStringLiteral("token_limit_exceeded"), QStringLiteral("rate_limit_exceeded"),
                              QStringLiteral("request_timeout"),      QStringLiteral("batch_expired"),
                              QStringLiteral("invalid_request"),      QStringLiteral("model_not_found")};

BatchSubmission makeSubmission(const QString &jobId, qint64 requests,
                               const QString &jobType = QStringLiteral("ai_analysis"),
                               const QString &model = QStringLiteral("gpt-4o-mini"))
{
    BatchSubmission s;
    s.jobId = jobId;
    s.jobType = jobType;
    s.model = model;
    s.requestCount = requests;
    s.estimatedInputTokens = requests * 1000;
    return s;
}

// The provider must accept every call these tests make; a refusal means nothing after it is meaningful.
SubmittedBatch submitOrDie(SimulatedProvider &provider, const BatchSubmission &submission,
                           const QDateTime &at)
{
    const auto id = provider.submit(submission, at);
    if (!id.ok())
        qFatal("submit refused: %s", qPrintable(id.error().message));
    return SubmittedBatch{id.value(), submission, at, std::nullopt};
}

ProviderBatchStatus pollOrDie(SimulatedProvider &provider, const SubmittedBatch &batch, const QDateTime &now)
{
    const auto status = provider.poll(batch, now);
    if (!status.ok())
        qFatal("poll refused: %s", qPrintable(status.error().message));
    return status.value();
}

// QVERIFY2 evaluates its message even when the check passes, so it must not ask a value for its error.
template<typename T> QString refusalOf(const Result<T, ProviderError> &result)
{
    return result.ok() ? QString() : result.error().message;
}

/// Long after anything can happen (the window is 24 h by default).
ProviderBatchStatus finalStatus(SimulatedProvider &provider, const SubmittedBatch &batch)
{
    return pollOrDie(provider, batch, batch.submittedAt.addDays(60));
}

QString optionalTime(const std::optional<QDateTime> &t)
{
    return t ? t->toString(Qt::ISODateWithMs) : QStringLiteral("-");
}

/// Every field, so that two statuses can be compared and a difference shown.
QString describe(const ProviderBatchStatus &s)
{
    QStringList errors;
    for (auto it = s.errorCounts.cbegin(); it != s.errorCounts.cend(); ++it)
        errors << it.key() + QLatin1Char('=') + QString::number(it.value());
    return QStringLiteral("%1 %2 completed=%3 failed=%4 errors={%5} tokens=%6/%7 completedTokens=%8/%9 "
                          "batchError=%10 inProgressAt=%11 finishedAt=%12")
        .arg(s.batchId, toWireString(s.status))
        .arg(s.completedCount)
        .arg(s.failedCount)
        .arg(errors.join(QLatin1Char(',')))
        .arg(s.inputTokens)
        .arg(s.outputTokens)
        .arg(s.completedInputTokens)
        .arg(s.completedOutputTokens)
        .arg(s.batchError.value_or(QStringLiteral("-")), optionalTime(s.inProgressAt),
             optionalTime(s.finishedAt));
}

bool sameCounts(const ProviderBatchStatus &a, const ProviderBatchStatus &b)
{
    return a.completedCount == b.completedCount && a.failedCount == b.failedCount &&
           a.errorCounts == b.errorCounts && a.inputTokens == b.inputTokens &&
           a.outputTokens == b.outputTokens && a.completedInputTokens == b.completedInputTokens &&
           a.completedOutputTokens == b.completedOutputTokens;
}

/// Whether `to` may be seen after `from` in OpenAI's lifecycle, when polls may skip short phases.
bool mayFollow(JobStatus from, JobStatus to)
{
    if (from == to)
        return true;
    switch (from) {
    case JobStatus::Validating:
        return to != JobStatus::Pending && to != JobStatus::Paused;
    case JobStatus::InProgress:
        return to == JobStatus::Finalizing || to == JobStatus::Completed || to == JobStatus::Expired ||
               to == JobStatus::Cancelling || to == JobStatus::Cancelled;
    case JobStatus::Finalizing:
        return to == JobStatus::Completed || to == JobStatus::Cancelling || to == JobStatus::Cancelled;
    case JobStatus::Cancelling:
        return to == JobStatus::Cancelled;
    default:
        return false;
    }
}

/**
 * Empty when `s`, the answer at `now`, keeps every promise of ProviderBatchStatus (and, given the
 * answer at an earlier moment, every promise about how it changes); otherwise the first broken one.
 */
QString brokenInvariant(const SubmittedBatch &batch, const QDateTime &now, const ProviderBatchStatus &s,
                        const ProviderBatchStatus *previous)
{
    const qint64 n = batch.submission.requestCount;
    const auto broken = [&](const QString &what) {
        return QStringLiteral("%1 at %2: %3\n  now:    %4\n  before: %5")
            .arg(batch.batchId, now.toString(Qt::ISODateWithMs), what, describe(s),
                 previous ? describe(*previous) : QStringLiteral("-"));
    };
    const JobStatus st = s.status;

    if (s.batchId != batch.batchId)
        return broken(QStringLiteral("another batch id"));
    if (st == JobStatus::Pending || st == JobStatus::Paused)
        return broken(QStringLiteral("a status of batchmon's own"));
    if (s.completedCount < 0 || s.failedCount < 0)
        return broken(QStringLiteral("negative count"));
    if (s.completedCount + s.failedCount > n)
        return broken(QStringLiteral("completed + failed > requestCount"));
    const bool everyOutcome = st == JobStatus::Completed || st == JobStatus::Failed ||
                              st == JobStatus::Expired || st == JobStatus::Finalizing;
    if (everyOutcome && s.completedCount + s.failedCount != n)
        return broken(QStringLiteral("completed + failed != requestCount"));
    qint64 sum = 0;
    for (auto it = s.errorCounts.cbegin(); it != s.errorCounts.cend(); ++it) {
        if (it.value() <= 0)
            return broken(QStringLiteral("an error code with a count of %1").arg(it.value()));
        if (!kKnownCodes.contains(it.key()))
            return broken(QStringLiteral("unknown error code ") + it.key());
        sum += it.value();
    }
    if (sum != s.failedCount)
        return broken(QStringLiteral("errorCounts sum to %1").arg(sum));
    if (s.completedInputTokens < 0 || s.completedOutputTokens < 0 || s.completedInputTokens > s.inputTokens ||
        s.completedOutputTokens > s.outputTokens)
        return broken(QStringLiteral("completed tokens outside 0 … tokens"));
    if (s.finishedAt.has_value() != isFinished(st))
        return broken(QStringLiteral("finishedAt set iff finished"));
    if (s.finishedAt && *s.finishedAt > now)
        return broken(QStringLiteral("finishedAt in the future"));
    if (s.inProgressAt && (*s.inProgressAt > now || *s.inProgressAt < batch.submittedAt))
        return broken(QStringLiteral("inProgressAt outside submittedAt … now"));
    const bool hasRun = st == JobStatus::InProgress || st == JobStatus::Finalizing ||
                        st == JobStatus::Completed || st == JobStatus::Expired;
    if (hasRun && !s.inProgressAt)
        return broken(QStringLiteral("no inProgressAt"));
    if ((st == JobStatus::Validating || st == JobStatus::Failed) && s.inProgressAt)
        return broken(QStringLiteral("inProgressAt before it ran"));
    if (s.batchError.has_value() != (st == JobStatus::Failed || st == JobStatus::Expired))
        return broken(QStringLiteral("batchError set iff failed or expired"));
    if (st == JobStatus::Expired && s.batchError != QStringLiteral("batch_expired"))
        return broken(QStringLiteral("expired without batch_expired"));
    if (st == JobStatus::Failed && (s.completedCount != 0 || s.inputTokens != 0 ||
                                    s.errorCounts != QMap<QString, qint64>{{*s.batchError, n}}))
        return broken(
            QStringLiteral("a batch failed at validation must count every request failed with its code"));
    if (st == JobStatus::Validating &&
        (s.completedCount != 0 || s.failedCount != 0 || s.inputTokens != 0 || s.outputTokens != 0))
        return broken(QStringLiteral("counts while validating"));
    if (batch.cancelRequestedAt && now < *batch.cancelRequestedAt &&
        (st == JobStatus::Cancelling || st == JobStatus::Cancelled))
        return broken(QStringLiteral("cancelling before the cancel request"));

    if (!previous)
        return {};
    if (!mayFollow(previous->status, st))
        return broken(QStringLiteral("not a lifecycle transition"));
    if (s.completedCount < previous->completedCount || s.failedCount < previous->failedCount ||
        s.inputTokens < previous->inputTokens || s.outputTokens < previous->outputTokens ||
        s.completedInputTokens < previous->completedInputTokens ||
        s.completedOutputTokens < previous->completedOutputTokens)
        return broken(QStringLiteral("a count or token total decreased"));
    for (auto it = previous->errorCounts.cbegin(); it != previous->errorCounts.cend(); ++it) {
        if (s.errorCounts.value(it.key()) < it.value())
            return broken(QStringLiteral("the count of %1 decreased").arg(it.key()));
    }
    if (previous->inProgressAt && s.inProgressAt != previous->inProgressAt)
        return broken(QStringLiteral("inProgressAt changed"));
    if (previous->finishedAt && describe(s) != describe(*previous))
        return broken(QStringLiteral("changed after it finished"));
    return {};
}

/// Random but reproducible inputs; mt19937_64's raw output is the same in every standard library.
struct Inputs
{
    std::mt19937_64 rng;
    explicit Inputs(quint64 seed) : rng(seed) {}
    qint64 between(qint64 lo, qint64 hi) { return lo + qint64(rng() % quint64(hi - lo + 1)); }
    const QString &pick(const QStringList &list) { return list.at(int(rng() % quint64(list.size()))); }
};

/// A few hundred batches like the pipeline's: every job type, sizes 1 … 1000, now and then an unknown
/// model, a third cancelled at some point in their first 3 hours.
QList<SubmittedBatch> randomBatches(SimulatedProvider &provider, int count, quint64 seed)
{
    Inputs in(seed);
    QList<SubmittedBatch> batches;
    for (int i = 0; i < count; ++i) {
        const QString model = in.between(0, 19) == 0 ? QStringLiteral("gpt-imaginary") : in.pick(kModels);
        BatchSubmission s = makeSubmission(QStringLiteral("batch-job-%1").arg(i), in.between(1, 1000),
                                           in.pick(kJobTypes), model);
        SubmittedBatch b = submitOrDie(provider, s, kStart.addMSecs(in.between(0, 30 * kDay)));
        if (in.between(0, 2) == 0)
            b.cancelRequestedAt = b.submittedAt.addMSecs(in.between(0, 3 * kHour));
        batches << b;
    }
    return batches;
}

} // namespace

class TestSimulatedProvider : public QObject
{
    Q_OBJECT

private slots:
    // --- determinism -----------------------------------------------------------------------------

    void batchIdIsAFunctionOfSeedAndJob()
    {
        SimulatedProvider a(7);
        SimulatedProvider b(7);
        SimulatedProvider other(8);
        const BatchSubmission s = makeSubmission(QStringLiteral("batch-job-1"), 100);
        const QString id = submitOrDie(a, s, kStart).batchId;
        QCOMPARE(id.size(), 6 + 24);
        QVERIFY(id.startsWith(QStringLiteral("batch_")));
        for (const QChar c : id.mid(6))
            QVERIFY2(c.isDigit() || (c >= QLatin1Char('a') && c <= QLatin1Char('f')), qPrintable(id));
        // The submission time plays no part: a retried submit of the same job gets the same batch.
        QCOMPARE(submitOrDie(b, s, kStart.addDays(3)).batchId, id);
        QCOMPARE(a.batchIdFor(s.jobId), id);
        QVERIFY(submitOrDie(other, s, kStart).batchId != id);
        QVERIFY(a.batchIdFor(QStringLiteral("batch-job-2")) != id);
    }

    // Pinned output. These numbers are the simulation: if hashing or a draw changes, a restarted
    // pipeline would get other answers for the batches it stored — change them only on purpose.
    void pinnedHistory()
    {
        SimulatedProvider provider(42);
        const SubmittedBatch b =
            submitOrDie(provider, makeSubmission(QStringLiteral("batch-job-1"), 100), kStart);
        QCOMPARE(b.batchId, QStringLiteral("batch_cccc0a02c168c10a45541511"));
        QCOMPARE(describe(pollOrDie(provider, b, kStart.addSecs(20 * 60))),
                 QStringLiteral("batch_cccc0a02c168c10a45541511 in_progress completed=57 failed=1 "
                                "errors={request_timeout=1} tokens=82251/22254 completedTokens=80833/22060 "
                                "batchError=- inProgressAt=2025-01-01T00:02:51.349Z finishedAt=-"));
        QCOMPARE(describe(finalStatus(provider, b)),
                 QStringLiteral("batch_cccc0a02c168c10a45541511 completed completed=98 failed=2 "
                                "errors={request_timeout=2} tokens=141811/38315 completedTokens=138975/37928 "
                                "batchError=- inProgressAt=2025-01-01T00:02:51.349Z "
                                "finishedAt=2025-01-01T00:36:43.016Z"));
    }

    void sameSeedSameHistory()
    {
        SimulatedProvider a(1234);
        SimulatedProvider b(1234);
        const QList<SubmittedBatch> batches = randomBatches(a, 200, 1);
        for (const SubmittedBatch &batch : batches) {
            for (int i = -2; i < 120; ++i) {
                const QDateTime now = batch.submittedAt.addMSecs(i * 15 * kMinute);
                QCOMPARE(describe(pollOrDie(b, batch, now)), describe(pollOrDie(a, batch, now)));
            }
        }
    }

    void differentSeedsDiffer()
    {
        SimulatedProvider a(1234);
        SimulatedProvider b(1235);
        int differing = 0;
        const int count = 200;
        for (int i = 0; i < count; ++i) {
            const BatchSubmission s = makeSubmission(QStringLiteral("batch-job-%1").arg(i), 500);
            const SubmittedBatch inA = submitOrDie(a, s, kStart);
            const SubmittedBatch inB = submitOrDie(b, s, kStart);
            QVERIFY(inA.batchId != inB.batchId);
            // Compare everything but the id.
            ProviderBatchStatus sa = finalStatus(a, inA);
            ProviderBatchStatus sb = finalStatus(b, inB);
            sa.batchId = sb.batchId = QString();
            if (describe(sa) != describe(sb))
                ++differing;
        }
        QVERIFY2(differing > count * 9 / 10, qPrintable(QString::number(differing)));
    }

    void answersDoNotDependOnCallOrder()
    {
        const QList<SubmittedBatch> batches = [] {
            SimulatedProvider p(99);
            return randomBatches(p, 50, 2);
        }();
        // Forward in time, one batch after another, on one instance ...
        SimulatedProvider forward(99);
        QMap<QPair<int, int>, QString> expected;
        for (int bi = 0; bi < batches.size(); ++bi) {
            for (int step = 0; step < 100; ++step)
                expected[{bi, step}] = describe(
                    pollOrDie(forward, batches[bi], batches[bi].submittedAt.addMSecs(step * 10 * kMinute)));
        }
        // ... is what the same instance answers backwards in time, all batches interleaved ...
        for (int step = 99; step >= 0; --step) {
            for (int bi = batches.size() - 1; bi >= 0; --bi) {
                const QPair<int, int> key(bi, step);
                QCOMPARE(describe(pollOrDie(forward, batches[bi],
                                            batches[bi].submittedAt.addMSecs(step * 10 * kMinute))),
                         expected[key]);
            }
        }
        // ... and what a fresh instance answers in a shuffled order, with cancels asked in between.
        SimulatedProvider shuffled(99);
        QList<QPair<int, int>> order = expected.keys();
        std::shuffle(order.begin(), order.end(), std::mt19937_64(5));
        for (const QPair<int, int> &key : order) {
            const auto [bi, step] = key;
            const QDateTime now = batches[bi].submittedAt.addMSecs(step * 10 * kMinute);
            (void)shuffled.cancel(batches[(bi + 1) % batches.size()], now);
            QCOMPARE(describe(pollOrDie(shuffled, batches[bi], now)), expected[key]);
        }
    }

    // --- lifecycle and invariants -----------------------------------------------------------------

    void invariantsOverDenseTimeGrid()
    {
        SimulatedProvider provider(2024);
        const QList<SubmittedBatch> batches = randomBatches(provider, 300, 3);
        QMap<JobStatus, int> outcomes;
        qint64 polls = 0;
        for (const SubmittedBatch &batch : batches) {
            const ProviderBatchStatus last = finalStatus(provider, batch);
            QVERIFY2(last.finishedAt, qPrintable(describe(last)));
            ++outcomes[last.status];
            // 1,500 even steps from before the submission to an hour after the end, plus both sides of
            // every moment something happens.
            const QDateTime from = batch.submittedAt.addSecs(-120);
            const qint64 span = from.msecsTo(last.finishedAt->addSecs(3600));
            QList<QDateTime> grid;
            for (int i = 0; i <= 1500; ++i)
                grid << from.addMSecs(span * i / 1500);
            for (const auto &moment : {last.inProgressAt, last.finishedAt, batch.cancelRequestedAt,
                                       std::optional<QDateTime>(batch.submittedAt)}) {
                if (moment)
                    grid << moment->addMSecs(-1) << *moment << moment->addMSecs(1);
            }
            std::sort(grid.begin(), grid.end());

            std::optional<ProviderBatchStatus> previous;
            for (const QDateTime &now : grid) {
                const ProviderBatchStatus s = pollOrDie(provider, batch, now);
                ++polls;
                const QString broken = brokenInvariant(batch, now, s, previous ? &*previous : nullptr);
                QVERIFY2(broken.isEmpty(), qPrintable(broken));
                previous = s;
            }
            QCOMPARE(describe(*previous), describe(last));
        }
        qInfo("%lld polls of %lld batches: %d completed, %d failed, %d expired, %d cancelled", polls,
              qint64(batches.size()), outcomes.value(JobStatus::Completed), outcomes.value(JobStatus::Failed),
              outcomes.value(JobStatus::Expired), outcomes.value(JobStatus::Cancelled));
        QVERIFY(outcomes.value(JobStatus::Completed) > 0);
        QVERIFY(outcomes.value(JobStatus::Failed) > 0);
        QVERIFY(outcomes.value(JobStatus::Cancelled) > 0);
    }

    // With steps shorter than every phase, the statuses seen are exactly one of OpenAI's paths.
    void everyPathIsOpenAisLifecycle()
    {
        SimulationProfile profile;
        profile.completionWindowMs = kHour; // so that expiry happens within a short grid
        profile.validationFailureRate = 0.2;
        profile.expiryRate = 0.2;
        SimulatedProvider provider(77, profile);
        using S = JobStatus;
        const QList<QList<S>> paths{
            {S::Validating, S::Failed},
            {S::Validating, S::InProgress, S::Finalizing, S::Completed},
            {S::Validating, S::InProgress, S::Expired},
            {S::Validating, S::Cancelling, S::Cancelled},
            {S::Validating, S::InProgress, S::Cancelling, S::Cancelled},
            {S::Validating, S::InProgress, S::Finalizing, S::Cancelling, S::Cancelled},
        };
        QMap<int, int> seen;
        Inputs in(4);
        for (int i = 0; i < 300; ++i) {
            SubmittedBatch b = submitOrDie(
                provider, makeSubmission(QStringLiteral("job-%1").arg(i), in.between(10, 40)), kStart);
            if (i % 3 == 0)
                b.cancelRequestedAt = kStart.addMSecs(in.between(0, 20 * kMinute));
            QList<S> path;
            // Every phase lasts at least 10 s (cancelling) — 5 s steps see each one.
            for (qint64 t = -5000; t <= 2 * kHour; t += 5000) {
                const S s = pollOrDie(provider, b, kStart.addMSecs(t)).status;
                if (path.isEmpty() || path.last() != s)
                    path << s;
            }
            const int index = int(paths.indexOf(path));
            QStringList names;
            for (const S s : path)
                names << toWireString(s);
            QVERIFY2(index >= 0, qPrintable(names.join(QStringLiteral(" → "))));
            ++seen[index];
        }
        QCOMPARE(seen.size(), paths.size());
    }

    void pollBeforeSubmission()
    {
        SimulatedProvider provider(5);
        const SubmittedBatch b = submitOrDie(provider, makeSubmission(QStringLiteral("early"), 100), kStart);
        for (const QDateTime &now : {kStart.addDays(-1), kStart.addMSecs(-1), kStart}) {
            const ProviderBatchStatus s = pollOrDie(provider, b, now);
            QCOMPARE(s.status, JobStatus::Validating);
            QCOMPARE(s.batchId, b.batchId);
            QCOMPARE(s.completedCount, 0);
            QCOMPARE(s.failedCount, 0);
            QVERIFY(s.errorCounts.isEmpty());
            QCOMPARE(s.inputTokens, 0);
            QCOMPARE(s.outputTokens, 0);
            QVERIFY(!s.inProgressAt);
            QVERIFY(!s.finishedAt);
            QVERIFY(!s.batchError);
        }
    }

    void durationsAndTokensFollowTheProfile_data()
    {
        QTest::addColumn<qint64>("requests");
        QTest::addColumn<QString>("jobType");
        QTest::addColumn<double>("meanInput");
        QTest::addColumn<double>("meanOutput");
        QTest::newRow("100 ai_analysis") << qint64(100) << "ai_analysis" << 1200.0 << 450.0;
        QTest::newRow("1000 summarization") << qint64(1000) << "summarization" << 2400.0 << 220.0;
        QTest::newRow("300 embedding") << qint64(300) << "embedding" << 280.0 << 0.0;
        QTest::newRow("500 unknown type") << qint64(500) << "custom_extraction" << 900.0 << 300.0;
    }

    void durationsAndTokensFollowTheProfile()
    {
        QFETCH(qint64, requests);
        QFETCH(QString, jobType);
        QFETCH(double, meanInput);
        QFETCH(double, meanOutput);
        SimulatedProvider provider(11);
        const SimulationProfile &p = provider.profile();
        double totalMinutes = 0;
        double inputPerRequest = 0;
        double outputPerRequest = 0;
        int completed = 0;
        for (int i = 0; i < 400; ++i) {
            const SubmittedBatch b = submitOrDie(
                provider, makeSubmission(QStringLiteral("job-%1").arg(i), requests, jobType), kStart);
            const ProviderBatchStatus s = finalStatus(provider, b);
            if (s.status != JobStatus::Completed)
                continue;
            ++completed;
            const qint64 validating = kStart.msecsTo(*s.inProgressAt);
            const qint64 afterValidating = s.inProgressAt->msecsTo(*s.finishedAt);
            QVERIFY(validating >= p.validating.minMs && validating <= p.validating.maxMs);
            QVERIFY(afterValidating >= requests * p.perRequest.minMs + p.finalizing.minMs);
            QVERIFY(afterValidating <= requests * p.perRequest.maxMs + p.finalizing.maxMs);
            totalMinutes += double(kStart.msecsTo(*s.finishedAt)) / kMinute;
            // Tokens per completed request; timed-out requests are billed on top of these.
            inputPerRequest += double(s.completedInputTokens) / double(s.completedCount);
            outputPerRequest += double(s.completedOutputTokens) / double(s.completedCount);
            QVERIFY(s.inputTokens >= s.completedInputTokens);
            if (s.errorCounts.value(QStringLiteral("request_timeout")) > 0 && meanInput > 0)
                QVERIFY(s.inputTokens > s.completedInputTokens);
        }
        QVERIFY(completed > 350);
        qInfo("%lld requests: %.0f min from submission to completed on average", requests,
              totalMinutes / completed);
        QVERIFY(std::fabs(inputPerRequest / completed - meanInput) <= 0.05 * meanInput);
        QVERIFY(std::fabs(outputPerRequest / completed - meanOutput) <= 0.05 * meanOutput + 0.5);
    }

    void lifecycleFrequencies_data()
    {
        QTest::addColumn<double>("validationFailureRate");
        QTest::addColumn<double>("expiryRate");
        QTest::addColumn<double>("requestErrorRate");
        QTest::newRow("defaults") << 0.02 << 0.01 << 0.03;
        QTest::newRow("stormy day") << 0.10 << 0.05 << 0.12;
        QTest::newRow("flawless") << 0.0 << 0.0 << 0.0;
    }

    void lifecycleFrequencies()
    {
        QFETCH(double, validationFailureRate);
        QFETCH(double, expiryRate);
        QFETCH(double, requestErrorRate);
        SimulationProfile profile;
        profile.validationFailureRate = validationFailureRate;
        profile.expiryRate = expiryRate;
        profile.requestErrorRate = requestErrorRate;
        SimulatedProvider provider(31337, profile);

        const int count = 5000;
        Inputs in(6);
        QMap<JobStatus, int> outcomes;
        QMap<QString, qint64> requestErrors;
        QMap<QString, qint64> validationErrors;
        qint64 requests = 0;
        qint64 failed = 0;
        int batchesAbove10Percent = 0;
        int largeCompleted = 0;
        for (int i = 0; i < count; ++i) {
            const SubmittedBatch b =
                submitOrDie(provider,
                            makeSubmission(QStringLiteral("job-%1").arg(i), in.between(10, 1000),
                                           in.pick(kJobTypes), in.pick(kModels)),
                            kStart.addMSecs(in.between(0, 30 * kDay)));
            const ProviderBatchStatus s = finalStatus(provider, b);
            ++outcomes[s.status];
            if (s.status == JobStatus::Failed)
                ++validationErrors[*s.batchError];
            if (s.status != JobStatus::Completed)
                continue;
            requests += b.submission.requestCount;
            failed += s.failedCount;
            for (auto it = s.errorCounts.cbegin(); it != s.errorCounts.cend(); ++it)
                requestErrors[it.key()] += it.value();
            if (b.submission.requestCount >= 100) {
                ++largeCompleted;
                if (s.failedCount * 10 > b.submission.requestCount)
                    ++batchesAbove10Percent;
            }
        }
        const auto within = [](double actual, double expected, double tolerance) {
            return std::fabs(actual - expected) <= tolerance;
        };
        // Binomial shares: four standard deviations and a little more.
        const auto shareTolerance = [&](double p) {
            return 4 * std::sqrt(p * (1 - p) / count) + 0.001;
        };
        const double failedShare = double(outcomes.value(JobStatus::Failed)) / count;
        const double expiredShare = double(outcomes.value(JobStatus::Expired)) / count;
        const double errorRate = double(failed) / double(requests);
        qInfo("%d batches: %.2f %% failed at validation, %.2f %% expired; request error rate %.2f %%; "
              "%d of %d batches of 100+ requests above 10 %%",
              count, failedShare * 100, expiredShare * 100, errorRate * 100, batchesAbove10Percent,
              largeCompleted);
        QVERIFY2(within(failedShare, validationFailureRate, shareTolerance(validationFailureRate)),
                 qPrintable(QString::number(failedShare)));
        QVERIFY2(within(expiredShare, expiryRate, shareTolerance(expiryRate)),
                 qPrintable(QString::number(expiredShare)));
        // Each batch draws its rate, so the spread is that of the batches' rates: ±15 % of the mean.
        QVERIFY2(within(errorRate, requestErrorRate, 0.15 * requestErrorRate + 0.0005),
                 qPrintable(QString::number(errorRate)));
        QCOMPARE(outcomes.value(JobStatus::Completed) + outcomes.value(JobStatus::Failed) +
                     outcomes.value(JobStatus::Expired),
                 count);

        if (requestErrorRate > 0) {
            // The codes of failed requests follow the profile's mix.
            double totalWeight = 0;
            for (const double w : profile.requestErrorMix)
                totalWeight += w;
            for (auto it = profile.requestErrorMix.cbegin(); it != profile.requestErrorMix.cend(); ++it) {
                const double share = double(requestErrors.value(it.key())) / double(failed);
                QVERIFY2(within(share, it.value() / totalWeight, 0.03),
                         qPrintable(it.key() + QString::number(share)));
            }
            QCOMPARE(requestErrors.size(), profile.requestErrorMix.size());
            // An exponential rate with mean r exceeds 10 % with probability e^(−0.1/r).
            const double above = double(batchesAbove10Percent) / largeCompleted;
            const double expectedAbove = std::exp(-0.1 / requestErrorRate);
            QVERIFY2(within(above, expectedAbove, 0.3 * expectedAbove + 0.01),
                     qPrintable(QString::number(above)));
        } else {
            QCOMPARE(failed, 0);
        }
        if (validationFailureRate > 0) {
            // invalid_request 0.75, model_not_found 0.25 by default; every model here is known.
            const double invalid = double(validationErrors.value(QStringLiteral("invalid_request"))) /
                                   outcomes.value(JobStatus::Failed);
            QVERIFY2(within(invalid, 0.75, 0.15), qPrintable(QString::number(invalid)));
            QCOMPARE(validationErrors.size(), 2);
        }
    }

    void unknownModelAlwaysFailsValidation_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("made up") << "gpt-imaginary";
        QTest::newRow("empty") << "";
        QTest::newRow("case matters") << "GPT-4o-mini";
        QTest::newRow("not a snapshot") << "gpt-4o-mini-latest";
    }

    void unknownModelAlwaysFailsValidation()
    {
        QFETCH(QString, model);
        SimulatedProvider provider(8);
        QVERIFY(!provider.price(model));
        for (int i = 0; i < 200; ++i) {
            const SubmittedBatch b = submitOrDie(
                provider,
                makeSubmission(QStringLiteral("job-%1").arg(i), 10 + i, QStringLiteral("ai_analysis"), model),
                kStart);
            QCOMPARE(pollOrDie(provider, b, kStart.addSecs(19)).status, JobStatus::Validating);
            const ProviderBatchStatus s = pollOrDie(provider, b, kStart.addSecs(180));
            QCOMPARE(s.status, JobStatus::Failed);
            QCOMPARE(s.batchError, QStringLiteral("model_not_found"));
            QCOMPARE(s.failedCount, 10 + i);
            QCOMPARE(s.completedCount, 0);
            QCOMPARE(s.errorCounts, (QMap<QString, qint64>{{QStringLiteral("model_not_found"), 10 + i}}));
            QCOMPARE(s.inputTokens, 0);
            QVERIFY(!s.inProgressAt);
            QVERIFY(s.finishedAt && *s.finishedAt >= kStart.addSecs(20) &&
                    *s.finishedAt <= kStart.addSecs(180));
        }
    }

    void batchesThatCannotBeAcceptedFailValidation_data()
    {
        QTest::addColumn<qint64>("requests");
        QTest::addColumn<qint64>("estimatedInputTokens");
        QTest::addColumn<QString>("batchError");
        QTest::newRow("above the enqueued-token limit")
            << qint64(1000) << qint64(20'000'001) << "token_limit_exceeded";
        QTest::newRow("above 50,000 requests") << qint64(50'001) << qint64(1'000'000) << "invalid_request";
    }

    void batchesThatCannotBeAcceptedFailValidation()
    {
        QFETCH(qint64, requests);
        QFETCH(qint64, estimatedInputTokens);
        QFETCH(QString, batchError);
        SimulatedProvider provider(9);
        QCOMPARE(provider.enqueuedTokenLimit(), 20'000'000);
        for (int i = 0; i < 50; ++i) {
            BatchSubmission s = makeSubmission(QStringLiteral("job-%1").arg(i), requests);
            s.estimatedInputTokens = estimatedInputTokens;
            const ProviderBatchStatus status = finalStatus(provider, submitOrDie(provider, s, kStart));
            QCOMPARE(status.status, JobStatus::Failed);
            QCOMPARE(status.batchError, batchError);
            QCOMPARE(status.failedCount, requests);
        }
        // Exactly at the limit is accepted.
        int refused = 0;
        for (int i = 0; i < 50; ++i) {
            BatchSubmission s = makeSubmission(QStringLiteral("job-%1").arg(i), 1000);
            s.estimatedInputTokens = 20'000'000;
            refused += finalStatus(provider, submitOrDie(provider, s, kStart)).batchError ==
                       QStringLiteral("token_limit_exceeded");
        }
        QCOMPARE(refused, 0);
    }

    void submitRefusesEmptyBatches()
    {
        SimulatedProvider provider(1);
        const auto none = provider.submit(makeSubmission(QStringLiteral("job"), 0), kStart);
        QVERIFY(!none.ok());
        QCOMPARE(none.error().kind, ProviderError::Kind::Other);
        const auto anonymous = provider.submit(makeSubmission(QString(), 10), kStart);
        QVERIFY(!anonymous.ok());
        QCOMPARE(anonymous.error().kind, ProviderError::Kind::Other);
    }

    void unknownBatchIsNotFound()
    {
        SimulatedProvider provider(1);
        SimulatedProvider otherAccount(2);
        SubmittedBatch b = submitOrDie(otherAccount, makeSubmission(QStringLiteral("job"), 10), kStart);
        const auto polled = provider.poll(b, kStart.addSecs(60));
        QVERIFY(!polled.ok());
        QCOMPARE(polled.error().kind, ProviderError::Kind::NotFound);
        const auto cancelled = provider.cancel(b, kStart.addSecs(60));
        QVERIFY(!cancelled.ok());
        QCOMPARE(cancelled.error().kind, ProviderError::Kind::NotFound);
    }

    void expiredBatchKeepsWhatRan()
    {
        SimulationProfile profile;
        profile.validationFailureRate = 0;
        profile.expiryRate = 1;
        SimulatedProvider provider(12, profile);
        for (int i = 0; i < 100; ++i) {
            const qint64 n = 100 + i * 9;
            const SubmittedBatch b =
                submitOrDie(provider, makeSubmission(QStringLiteral("slow-%1").arg(i), n), kStart);
            const QDateTime window = kStart.addSecs(24 * 3600);
            const ProviderBatchStatus before = pollOrDie(provider, b, window.addMSecs(-1));
            QCOMPARE(before.status, JobStatus::InProgress);
            const ProviderBatchStatus s = pollOrDie(provider, b, window);
            QCOMPARE(s.status, JobStatus::Expired);
            QCOMPARE(s.finishedAt, window);
            QCOMPARE(s.batchError, QStringLiteral("batch_expired"));
            QCOMPARE(s.completedCount + s.failedCount, n);
            // A slow batch needs 1.25–3 times its window, so it ran a third to four fifths of its requests.
            const qint64 ran =
                s.completedCount + s.failedCount - s.errorCounts.value(QStringLiteral("batch_expired"));
            QCOMPARE(ran, before.completedCount + before.failedCount);
            QVERIFY2(ran >= n / 3 - 1 && ran <= n * 4 / 5 + 1, qPrintable(describe(s)));
            QVERIFY(s.completedInputTokens > 0);
        }
    }

    void batchTooLargeForTheWindowExpires()
    {
        SimulationProfile profile;
        profile.validationFailureRate = 0;
        profile.expiryRate = 0;
        profile.completionWindowMs = kHour; // 1000 requests take at least 6,000 s
        SimulatedProvider provider(13, profile);
        const SubmittedBatch b = submitOrDie(provider, makeSubmission(QStringLiteral("big"), 1000), kStart);
        const ProviderBatchStatus s = finalStatus(provider, b);
        QCOMPARE(s.status, JobStatus::Expired);
        QCOMPARE(s.finishedAt, kStart.addMSecs(kHour));
        QVERIFY(s.errorCounts.value(QStringLiteral("batch_expired")) > 0);
        QVERIFY(s.completedCount > 0);
    }

    // --- cancel ---------------------------------------------------------------------------------

    void cancelWhileRunning_data()
    {
        QTest::addColumn<QString>("phase");
        QTest::newRow("validating") << "validating";
        QTest::newRow("in_progress") << "in_progress";
        QTest::newRow("finalizing") << "finalizing";
    }

    void cancelWhileRunning()
    {
        QFETCH(QString, phase);
        SimulatedProvider provider(21);
        int tried = 0;
        for (int i = 0; i < 50; ++i) {
            SubmittedBatch b =
                submitOrDie(provider, makeSubmission(QStringLiteral("job-%1").arg(i), 200), kStart);
            const ProviderBatchStatus natural = finalStatus(provider, b);
            if (natural.status != JobStatus::Completed)
                continue;
            // The first moment of the phase, found on a 1-second grid, plus a little.
            QDateTime at = kStart;
            while (toWireString(pollOrDie(provider, b, at).status) != phase)
                at = at.addSecs(1);
            at = at.addSecs(5);
            const ProviderBatchStatus running = pollOrDie(provider, b, at);
            QCOMPARE(toWireString(running.status), phase);
            ++tried;

            const auto answer = provider.cancel(b, at);
            QVERIFY2(answer.ok(), qPrintable(refusalOf(answer)));
            QCOMPARE(answer.value().status, JobStatus::Cancelling);
            QVERIFY(sameCounts(answer.value(), running));
            QCOMPARE(answer.value().inProgressAt, running.inProgressAt);
            QVERIFY(!answer.value().finishedAt);

            b.cancelRequestedAt = at;
            QCOMPARE(pollOrDie(provider, b, at.addMSecs(-1)).status, running.status);
            QCOMPARE(pollOrDie(provider, b, at.addSecs(9)).status, JobStatus::Cancelling);
            // Asking again while cancelling is answered with the same state.
            const auto again = provider.cancel(b, at.addSecs(5));
            QVERIFY(again.ok());
            QCOMPARE(describe(again.value()), describe(pollOrDie(provider, b, at.addSecs(5))));

            const ProviderBatchStatus done = pollOrDie(provider, b, at.addSecs(121));
            QCOMPARE(done.status, JobStatus::Cancelled);
            QVERIFY(done.finishedAt >= at.addSecs(10) && done.finishedAt <= at.addSecs(120));
            // Frozen at the request: what had not run is neither completed nor failed.
            QVERIFY2(sameCounts(done, running),
                     qPrintable(describe(done) + QLatin1Char('\n') + describe(running)));
            QVERIFY(!done.batchError);
            QCOMPARE(done.inProgressAt, running.inProgressAt);
            if (phase == QStringLiteral("finalizing"))
                QCOMPARE(done.completedCount + done.failedCount, 200);
            else
                QVERIFY(done.completedCount + done.failedCount < 200);
            QCOMPARE(describe(finalStatus(provider, b)), describe(done));

            const auto late = provider.cancel(b, at.addSecs(121));
            QVERIFY(!late.ok());
            QCOMPARE(late.error().kind, ProviderError::Kind::Conflict);
            if (tried == 5)
                break;
        }
        QCOMPARE(tried, 5);
    }

    void cancelAfterFinishIsAConflict()
    {
        SimulatedProvider provider(22);
        QMap<JobStatus, int> seen;
        for (const SubmittedBatch &b : randomBatches(provider, 200, 7)) {
            SubmittedBatch uncancelled = b;
            uncancelled.cancelRequestedAt.reset();
            const ProviderBatchStatus natural = finalStatus(provider, uncancelled);
            if (natural.status == JobStatus::Cancelled)
                continue;
            ++seen[natural.status];
            for (const QDateTime &at : {*natural.finishedAt, natural.finishedAt->addDays(2)}) {
                const auto answer = provider.cancel(uncancelled, at);
                QVERIFY(!answer.ok());
                QCOMPARE(answer.error().kind, ProviderError::Kind::Conflict);
                QVERIFY2(answer.error().message.contains(toWireString(natural.status)),
                         qPrintable(answer.error().message));
                // A cancel recorded after the end changes nothing.
                SubmittedBatch late = uncancelled;
                late.cancelRequestedAt = at;
                QCOMPARE(describe(finalStatus(provider, late)), describe(natural));
            }
        }
        QVERIFY(seen.value(JobStatus::Completed) > 0);
        QVERIFY(seen.value(JobStatus::Failed) > 0);
    }

    // --- prices ---------------------------------------------------------------------------------

    void priceTable()
    {
        const ModelPrices prices = ModelPrices::listPrices();
        const auto mini = prices.price(QStringLiteral("gpt-4o-mini"));
        QVERIFY(mini);
        QCOMPARE(mini->inputPerMillion, 0.15);
        QCOMPARE(mini->outputPerMillion, 0.60);
        const auto snapshot = prices.price(QStringLiteral("gpt-4o-mini-2024-07-18"));
        QVERIFY(snapshot);
        QCOMPARE(snapshot->outputPerMillion, 0.60);
        QCOMPARE(prices.price(QStringLiteral("gpt-4o"))->inputPerMillion, 2.50);
        QCOMPARE(prices.price(QStringLiteral("text-embedding-3-small"))->outputPerMillion, 0.0);
        QVERIFY(!prices.price(QStringLiteral("gpt-imaginary")));
        QVERIFY(prices.models().contains(QStringLiteral("gpt-4.1-mini")));

        SimulatedProvider provider(1);
        QCOMPARE(provider.price(QStringLiteral("gpt-4.1"))->outputPerMillion, 8.00);
        QVERIFY(!provider.price(QStringLiteral("gpt-imaginary")));

        // The table is the simulation's list of models: a custom one replaces it.
        SimulatedProvider custom(1, {}, ModelPrices({{QStringLiteral("house-model"), {1.0, 2.0}}}));
        QVERIFY(!custom.price(QStringLiteral("gpt-4o-mini")));
        const SubmittedBatch b =
            submitOrDie(custom,
                        makeSubmission(QStringLiteral("j"), 10, QStringLiteral("ai_analysis"),
                                       QStringLiteral("gpt-4o-mini")),
                        kStart);
        QCOMPARE(finalStatus(custom, b).batchError, QStringLiteral("model_not_found"));
    }

    void costsAreExact_data()
    {
        QTest::addColumn<double>("inputPerMillion");
        QTest::addColumn<double>("outputPerMillion");
        QTest::addColumn<qint64>("inputTokens");
        QTest::addColumn<qint64>("outputTokens");
        QTest::addColumn<qint64>("syncMicros");
        QTest::addColumn<qint64>("batchMicros");
        const auto row = [](const char *name, double in, double out, qint64 inT, qint64 outT, qint64 sync,
                            qint64 batch) {
            QTest::newRow(name) << in << out << inT << outT << sync << batch;
        };
        row("1M input of gpt-4o-mini: $0.15, $0.075", 0.15, 0.60, 1'000'000, 0, 150'000, 75'000);
        row("1M output of gpt-4o-mini", 0.15, 0.60, 0, 1'000'000, 600'000, 300'000);
        row("gpt-4o both", 2.50, 10.00, 1'000'000, 1'000'000, 12'500'000, 6'250'000);
        row("0.1 per million has no exact double", 0.10, 0.40, 10'000'000, 0, 1'000'000, 500'000);
        row("sub-micro-dollar rounds to 0", 0.15, 0.60, 3, 0, 0, 0);   // 0.45 µ$, 0.225 µ$
        row("half a micro-dollar rounds up", 0.15, 0.60, 10, 0, 2, 1); // 1.5 µ$, 0.75 µ$
        row("rounded once, not per part", 0.15, 0.60, 4, 1, 1, 1);     // 0.6 + 0.6 = 1.2 µ$, 0.6 µ$
        row("batch from the exact amount", 0.15, 0.60, 30, 0, 5, 2);   // 4.5 µ$ → 5; 2.25 µ$ → 2, not 3
        row("batch half rounds away from zero", 0.15, 0.60, 20, 0, 3, 2); // 3 µ$; 1.5 µ$ → 2
        row("odd micros halve to a half", 1.10, 4.40, 123'457, 54'321, 374'815, 187'408); // 374,815.1 µ$
        row("embedding has no output price", 0.02, 0.0, 1000, 500, 20, 10);
        row("a month of gpt-4.1", 2.00, 8.00, 10'000'000'000, 2'000'000'000, 36'000'000'000, 18'000'000'000);
        row("nothing", 2.50, 10.00, 0, 0, 0, 0);
        row("negative tokens count as 0", 0.15, 0.60, -5, 10, 6, 3); // 6 µ$, 3 µ$
    }

    void costsAreExact()
    {
        QFETCH(double, inputPerMillion);
        QFETCH(double, outputPerMillion);
        QFETCH(qint64, inputTokens);
        QFETCH(qint64, outputTokens);
        QFETCH(qint64, syncMicros);
        QFETCH(qint64, batchMicros);
        const ModelPrice price{inputPerMillion, outputPerMillion};
        QCOMPARE(syncCost(price, inputTokens, outputTokens).micros(), syncMicros);
        QCOMPARE(batchCost(price, inputTokens, outputTokens).micros(), batchMicros);
    }

    // --- scale ------------------------------------------------------------------------------------

    // The pipeline backfills 30 days by driving its clock through them; the provider's share of that
    // must be negligible. Prints the time; asserts only the answers.
    void thirtyDaysOfHistoryInWellUnderASecond()
    {
        SimulatedProvider provider(30);
        Inputs in(30);
        QList<SubmittedBatch> batches;
        const int count = 1000;
        for (int i = 0; i < count; ++i) {
            batches << submitOrDie(provider,
                                   makeSubmission(QStringLiteral("batch-job-%1").arg(i), in.between(10, 1000),
                                                  in.pick(kJobTypes), in.pick(kModels)),
                                   kStart.addMSecs(30 * kDay * i / count));
        }
        QElapsedTimer timer;
        timer.start();
        int finished = 0;
        for (const SubmittedBatch &b : batches) {
            const ProviderBatchStatus last = finalStatus(provider, b);
            finished += isFinished(pollOrDie(provider, b, *last.finishedAt).status);
        }
        const qint64 atFinish = timer.nsecsElapsed();
        QCOMPARE(finished, count);

        // As the pipeline really polls: every 2 minutes (BATCH_STATUS_CHECK_INTERVAL) until finished.
        timer.restart();
        qint64 polls = 0;
        for (const SubmittedBatch &b : batches) {
            for (QDateTime now = b.submittedAt;; now = now.addSecs(120)) {
                ++polls;
                if (isFinished(pollOrDie(provider, b, now).status))
                    break;
            }
        }
        const qint64 everyTwoMinutes = timer.nsecsElapsed();
        qInfo(
            "30 days, %d batches: %.1f ms polling each at its finish, %.1f ms for %lld polls every 2 minutes",
            count, atFinish / 1e6, everyTwoMinutes / 1e6, polls);
    }
};

QTEST_GUILESS_MAIN(TestSimulatedProvider)
#include "tst_simulatedprovider.moc"
