// SPDX-License-Identifier: GPL-3.0-or-later
// Crash safety: a writer process is killed with SIGKILL in the middle of its writes, several times
// over the same SQLite file; every time the store must reopen, pass SQLite's integrity check, and
// hold rollups and status counters equal to a recomputation from its jobs.
#include "StoreTestSupport.h"
#include "store/JobStore.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTest>

#include <cstdio>

using namespace batchmon;

namespace {

/// The child: inserts and updates jobs forever, printing how many writes have committed.
int runWriter(const QString &path, quint32 seed)
{
    auto db = Database::open(QStringLiteral("sqlite:") + path);
    if (!db) {
        std::fprintf(stderr, "%s\n", qPrintable(db.error().message));
        return 2;
    }
    JobStore store(*db.value());
    QRandomGenerator rng(seed);
    const qint64 now = QDateTime(QDate(2026, 11, 29), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();
    for (qint64 n = 1;; ++n) {
        auto id = store.nextJobId();
        if (!id)
            return 3;
        StoredJob final = randomJob(rng, id.value(), now - 30LL * 86400000, now);
        StoredJob start = final;
        start.job.status = JobStatus::Pending;
        start.job.completedCount = start.job.failedCount = 0;
        start.errorCounts.clear();
        // A few writes per transaction, like a pipeline tick, so the kill lands inside some.
        const bool ok = inTransaction(*db.value(), [&]() -> StoreResult<Done> {
                            if (auto r = store.insert(start, QStringLiteral("pipeline")); !r)
                                return r;
                            return store.update(final, final.job.createdAt, QStringLiteral("provider"));
                        }).ok();
        if (!ok)
            return 4;
        std::printf("%lld\n", static_cast<long long>(n));
        std::fflush(stdout);
    }
}

} // namespace

class TestStoreCrash : public QObject
{
    Q_OBJECT

private slots:
    void killedWriterLeavesAConsistentStore()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("crash.db"));
        qint64 previousJobs = 0;
        for (int round = 0; round < 6; ++round) {
            QProcess writer;
            writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            writer.start(QCoreApplication::applicationFilePath(),
                         {QStringLiteral("--writer"), path, QString::number(round + 1)});
            QVERIFY(writer.waitForStarted());
            // Let it commit a different number of transactions each round, then kill it mid-stream.
            const qint64 target = 20 + round * 37;
            qint64 committed = 0;
            QByteArray pending;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    pending += writer.readAllStandardOutput();
                    while (pending.contains('\n')) {
                        const int nl = pending.indexOf('\n');
                        committed = pending.left(nl).toLongLong();
                        pending.remove(0, nl + 1);
                    }
                    return committed >= target || writer.state() == QProcess::NotRunning;
                },
                60000));
            QCOMPARE(writer.state(), QProcess::Running);
            writer.kill(); // SIGKILL: no destructor, no rollback, no checkpoint
            QVERIFY(writer.waitForFinished());

            auto db = Database::open(QStringLiteral("sqlite:") + path);
            QVERIFY2(db.ok(), qPrintable(db.ok() ? QString() : db.error().message));
            auto check = db.value()->exec(QStringLiteral("PRAGMA integrity_check"));
            QVERIFY(check.ok() && check.value().next());
            QCOMPARE(check.value().value(0).toString(), QStringLiteral("ok"));
            JobStore store(*db.value());
            const auto consistent = store.aggregatesConsistent();
            QVERIFY(consistent.ok());
            QVERIFY2(consistent.value(),
                     "rollups or status counts differ from a recomputation after a crash");
            auto count = db.value()->exec(QStringLiteral("SELECT COUNT(*) FROM jobs"));
            QVERIFY(count.ok() && count.value().next());
            const qint64 jobs = count.value().value(0).toLongLong();
            // Everything reported committed is there (WAL: a commit survives the process's death).
            QVERIFY2(
                jobs >= previousJobs + committed,
                qPrintable(
                    QStringLiteral("%1 jobs, expected at least %2").arg(jobs).arg(previousJobs + committed)));
            previousJobs = jobs;
        }
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc == 4 && qstrcmp(argv[1], "--writer") == 0)
        return runWriter(QString::fromLocal8Bit(argv[2]), quint32(QByteArray(argv[3]).toUInt()));
    TestStoreCrash test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_storecrash.moc"
