// SPDX-License-Identifier: GPL-3.0-or-later
// Exports without a server: the JSON round trip, RFC 4180 CSV byte for byte, truncated and malformed
// files, atomic writes (unwritable path, cancel), and every page of the demo source collected.
#include "ExportCollector.h"
#include "ExportReader.h"
#include "ExportWriter.h"
#include "source/LocalSource.h"
#include "json/Codec.h"
#include "json/JsonReader.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <cmath>

using namespace batchmon;

namespace {

Job makeJob(int i)
{
    Job j;
    j.id = QStringLiteral("batch-job-%1").arg(i);
    j.batchId = QStringLiteral("batch_%1").arg(i);
    j.status = i % 3 == 0 ? JobStatus::Failed : JobStatus::Completed;
    j.jobType = QStringLiteral("summarize");
    j.requestCount = 100 + i;
    j.completedCount = 90;
    j.failedCount = 10 + i;
    j.createdAt = QDateTime(QDate(2026, 11, 1), QTime(10, 0), Qt::UTC).addSecs(i * 60);
    j.startedAt = j.createdAt.addSecs(5);
    j.completedAt = j.createdAt.addSecs(65);
    j.processingTimeMs = 60000;
    j.costEstimate = Money::fromMicros(1234567 + i);
    j.model = QStringLiteral("gpt-4o-mini");
    j.inputTokens = 1000 * i;
    j.outputTokens = 10 * i;
    return j;
}

MonitoringSnapshot makeSnapshot(int jobs)
{
    MonitoringSnapshot s;
    s.timeRange = TimeRange::LastWeek;
    s.generatedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 30), Qt::UTC);
    s.summary.totalJobs = jobs;
    for (int i = 1; i <= jobs; ++i)
        s.jobs.append(makeJob(i));
    return s;
}

ExportHeader makeHeader()
{
    ExportHeader h;
    h.exportedAt = QDateTime(QDate(2026, 11, 2), QTime(9, 31), Qt::UTC);
    h.source = QStringLiteral("demo");
    h.timeRange = TimeRange::LastWeek;
    return h;
}

QByteArray writeJson(const MonitoringSnapshot &s)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    ExportWriter w(&buffer, ExportFormat::Json);
    if (!w.begin(makeHeader(), s) || !w.writeJobs(s.jobs.mid(0, 7)) || !w.writeJobs(s.jobs.mid(7)) ||
        !w.finish())
        qFatal("write failed");
    return buffer.data();
}

Result<ExportData, ExportReadError> readBytes(const QByteArray &bytes)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return ExportReader::read(&buffer);
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private slots:
    void jsonRoundTrip()
    {
        const MonitoringSnapshot s = makeSnapshot(250);
        const QByteArray bytes = writeJson(s);
        QVERIFY(bytes.startsWith("{\"success\":true,\"data\":{"));
        // It is the API's own response: the app's codec decodes it as one (ignoring data.export).
        const auto asResponse = json::decodeResponse<MonitoringSnapshot>(bytes);
        QVERIFY2(asResponse.ok(), qPrintable(asResponse.ok() ? QString() : asResponse.error().toString()));
        QVERIFY(asResponse.value().jobs == s.jobs);
        const auto read = readBytes(bytes);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
        QCOMPARE(read.value().snapshot.jobs.size(), 250);
        QVERIFY(read.value().snapshot.jobs == s.jobs);
        QVERIFY(read.value().snapshot.summary == s.summary);
        QCOMPARE(read.value().snapshot.timeRange, s.timeRange);
        QCOMPARE(read.value().header.source, QStringLiteral("demo"));
        QCOMPARE(read.value().header.exportedAt, makeHeader().exportedAt);
        QCOMPARE(read.value().header.jobCount, 250);

        // Also as a file, then JSON → CSV from what was read is the same rows as from the original.
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("a.json"));
        QCOMPARE(ExportCollector::writeFile(json, ExportFormat::Json, makeHeader(), s), QString());
        const auto again = ExportReader::readFile(json);
        QVERIFY(again.ok());
        const QString csv1 = dir.filePath(QStringLiteral("1.csv"));
        const QString csv2 = dir.filePath(QStringLiteral("2.csv"));
        QCOMPARE(ExportCollector::writeFile(csv1, ExportFormat::Csv, makeHeader(), s), QString());
        QCOMPARE(ExportCollector::writeFile(csv2, ExportFormat::Csv, makeHeader(), again.value().snapshot),
                 QString());
        QFile f1(csv1), f2(csv2);
        QVERIFY(f1.open(QIODevice::ReadOnly) && f2.open(QIODevice::ReadOnly));
        QCOMPARE(f1.readAll(), f2.readAll());
    }

    /// The writer's hand-written JSON of a job is json::encode(job), value for value: nulls, absent
    /// optional fields, escapes, control characters, non-ASCII text, whole and fractional dollars.
    void jobJsonIsTheCodecs()
    {
        QList<Job> jobs;
        Job plain = makeJob(1);
        jobs << plain;
        Job bare = plain;
        bare.batchId.reset();
        bare.startedAt.reset();
        bare.completedAt.reset();
        bare.processingTimeMs.reset();
        bare.model.reset();
        bare.costEstimate = Money::fromMicros(0);
        jobs << bare;
        Job odd = plain;
        odd.id = QStringLiteral("job \"quoted\", back\\slash\ttab\nnew line \u0001 ünïcødé 日本 😀");
        odd.jobType = QStringLiteral("a/b\u007f\u2028");
        odd.retryOf = QStringLiteral("batch-job-0");
        odd.attempt = 2;
        odd.costEstimate = Money::fromMicros(2000000); // whole dollars
        odd.createdAt = QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC);
        odd.completedAt = QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC);
        odd.requestCount = qint64(1) << 53;
        jobs << odd;
        for (const Job &job : jobs) {
            QJsonParseError error{};
            const QJsonDocument ours = QJsonDocument::fromJson(ExportWriter::jobJson(job), &error);
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
            QCOMPARE(ours.object(), json::encode(job));
            const auto back = json::decodeValue<Job>(ours.object());
            QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().toString()));
            QVERIFY(back.value() == job);
        }
    }

    /// The canonical job decoder (exports and pages of an open file) agrees with the general one: the
    /// same Job for what it accepts, and what it does not accept goes to the general one, which then
    /// reads or refuses it as before.
    void canonicalJobDecoder_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("canonical"); // whether the fast decoder takes it
        const QByteArray base = ExportWriter::jobJson(makeJob(5));
        const auto with = [&base](const char *from, const char *to) {
            QByteArray b = base;
            const qsizetype at = b.indexOf(from);
            if (at < 0)
                qFatal("%s not in %s", from, base.constData());
            return b.replace(at, qsizetype(strlen(from)), to);
        };
        QTest::newRow("as written") << base << true;
        QTest::newRow("whitespace") << QByteArray(" { \"x\" : 1 ,") + base.mid(1) + "\n" << true;
        QTest::newRow("unknown fields") << with("{", "{\"extra\":[1,{}],") << false;
        QTest::newRow("unknown scalar") << with("{", "{\"extra\":true,") << true;
        QTest::newRow("given twice") << with("{", "{\"status\":\"failed\",") << false;
        QTest::newRow("escaped id") << with("\"batch-job-5\"", "\"batch\\u002djob-5\"") << false;
        QTest::newRow("non-ASCII id") << with("\"batch-job-5\"", "\"b\xc3\xa4tch\"") << false;
        QTest::newRow("blank id") << with("\"batch-job-5\"", "\"  \"") << false;
        QTest::newRow("count as 5.0") << with("\"failedCount\":15", "\"failedCount\":15.0") << false;
        QTest::newRow("count -0") << with("\"inputTokens\":5000", "\"inputTokens\":-0") << true;
        QTest::newRow("count of 16 digits")
            << with("\"inputTokens\":5000", "\"inputTokens\":1234567890123456") << false;
        QTest::newRow("count of 15 digits")
            << with("\"inputTokens\":5000", "\"inputTokens\":123456789012345") << true;
        QTest::newRow("negative count") << with("\"inputTokens\":5000", "\"inputTokens\":-1") << false;
        QTest::newRow("attempt 0") << with("\"attempt\":1", "\"attempt\":0") << false;
        QTest::newRow("attempt null") << with("\"attempt\":1", "\"attempt\":null") << true;
        QTest::newRow("no attempt") << with(",\"attempt\":1", "") << true;
        QTest::newRow("cost 1e-320") << with("\"costEstimate\":1.234572", "\"costEstimate\":1e-320") << true;
        QTest::newRow("cost 1e400") << with("\"costEstimate\":1.234572", "\"costEstimate\":1e400") << false;
        QTest::newRow("cost 2") << with("\"costEstimate\":1.234572", "\"costEstimate\":2") << true;
        QTest::newRow("cost 0.1234565")
            << with("\"costEstimate\":1.234572", "\"costEstimate\":0.1234565") << true;
        QTest::newRow("negative cost") << with("\"costEstimate\":1.234572", "\"costEstimate\":-1") << false;
        QTest::newRow("cost null") << with("\"costEstimate\":1.234572", "\"costEstimate\":null") << false;
        QTest::newRow("no batchId") << with("\"batchId\":\"batch_5\",", "") << false;
        QTest::newRow("batchId null") << with("\"batchId\":\"batch_5\"", "\"batchId\":null") << true;
        QTest::newRow("model empty") << with("\"model\":\"gpt-4o-mini\"", "\"model\":\"\"") << true;
        QTest::newRow("model null") << with("\"model\":\"gpt-4o-mini\"", "\"model\":null") << true;
        QTest::newRow("bad status") << with("\"status\":\"completed\"", "\"status\":\"done\"") << false;
        QTest::newRow("time with offset") << with("T10:05:00Z", "T11:05:00+01:00") << false;
        QTest::newRow("time 24:00") << with("T10:05:00Z", "T24:00:00Z") << false;
        QTest::newRow("leading zero") << with("\"inputTokens\":5000", "\"inputTokens\":05000") << false;
        QTest::newRow("timeline") << ExportWriter::jobJson([] {
            Job j = makeJob(2);
            j.timeline = QList<TimelineEntry>{};
            return j;
        }()) << false;
        QTest::newRow("trailing bytes") << base + "x" << false;
        QTest::newRow("truncated") << base.left(base.size() - 1) << false;
    }
    void canonicalJobDecoder()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, canonical);
        const auto fast = json::decodeCanonicalJob(bytes);
        QCOMPARE(fast.has_value(), canonical);
        if (!fast)
            return;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const auto general = json::decodeValue<Job>(doc.object());
        QVERIFY2(general.ok(), qPrintable(general.ok() ? QString() : general.error().toString()));
        QVERIFY(general.value() == *fast);
    }

    /// A CSV record holds each field as JSON writes it (json::encode), null as an empty field.
    void csvRecordIsTheCodecs()
    {
        Job odd = makeJob(3);
        odd.id = QStringLiteral("job, \"quoted\"\r\nünïcødé");
        odd.retryOf = QStringLiteral("batch-job-1");
        odd.costEstimate = Money::fromMicros(2000000);
        Job bare = makeJob(4);
        bare.batchId.reset();
        bare.startedAt.reset();
        bare.completedAt.reset();
        bare.processingTimeMs.reset();
        bare.model.reset();
        for (const Job &job : {makeJob(1), odd, bare}) {
            const QJsonObject o = json::encode(job);
            QByteArray expected;
            for (const QByteArray &field : ExportWriter::csvHeader().split(',')) {
                if (!expected.isEmpty())
                    expected += ',';
                const QJsonValue v = o.value(QString::fromLatin1(field));
                if (v.isString())
                    expected += ExportWriter::csvField(v.toString());
                else if (v.isDouble() && v.toDouble() == std::floor(v.toDouble()))
                    expected += QByteArray::number(qint64(v.toDouble()));
                else if (v.isDouble())
                    expected += QByteArray::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
            }
            QCOMPARE(ExportWriter::csvRecord(job), expected + "\r\n");
        }
    }

    /// The codec reads the times formatTime() writes without Qt's ISO parser; what it gives must be
    /// what the parser gives.
    void canonicalTimes_data()
    {
        QTest::addColumn<QString>("text");
        for (const char *t : {"2024-01-01T10:00:00Z", "2024-01-01T10:00:00.123Z", "2024-02-29T23:59:59.999Z",
                              "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-01-01T10:00:00.000Z",
                              "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.001Z", "2026-11-29T14:02:52.5Z",
                              "2026-11-29T14:02:52+01:00", "2026-11-29T24:00:00Z"})
            QTest::newRow(t) << QString::fromLatin1(t);
    }
    void canonicalTimes()
    {
        QFETCH(QString, text);
        Job job = makeJob(1);
        QJsonObject o = json::encode(job);
        o.insert(QStringLiteral("createdAt"), text);
        const auto decoded = json::decodeValue<Job>(o);
        const QDateTime qt = QDateTime::fromString(text, Qt::ISODateWithMs);
        QVERIFY(qt.isValid());
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().toString()));
        QCOMPARE(decoded.value().createdAt, qt.toUTC());
        QCOMPARE(decoded.value().createdAt.timeSpec(), Qt::UTC);
        // and written back in the wire form
        QCOMPARE(json::formatTime(decoded.value().createdAt), json::formatTime(qt.toUTC()));
        const QDateTime utc = qt.toUTC();
        QCOMPARE(json::formatTime(utc),
                 utc.toString(utc.time().msec() == 0 ? QStringLiteral("yyyy-MM-ddTHH:mm:ss'Z'")
                                                     : QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz'Z'")));
    }

    void emptyExport()
    {
        const auto read = readBytes(writeJson(makeSnapshot(0)));
        QVERIFY(read.ok());
        QCOMPARE(read.value().snapshot.jobs.size(), 0);
    }

    void csvBytes()
    {
        Job j = makeJob(1);
        j.id = QStringLiteral("a,b");
        j.jobType = QStringLiteral("say \"hi\"\r\nthen\nbye");
        j.model = QStringLiteral("modèle-日本");
        j.batchId.reset();
        j.retryOf.reset();
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        ExportWriter w(&buffer, ExportFormat::Csv);
        QVERIFY(w.begin(makeHeader(), makeSnapshot(0)));
        QVERIFY(w.writeJobs({j}));
        QVERIFY(w.finish());
        const QByteArray expected =
            "id,batchId,status,jobType,requestCount,completedCount,failedCount,createdAt,startedAt,"
            "completedAt,"
            "processingTimeMs,costEstimate,model,priority,retryOf,attempt,inputTokens,outputTokens\r\n"
            "\"a,b\",,completed,\"say \"\"hi\"\"\r\nthen\nbye\",101,90,11,2026-11-01T10:01:00Z,"
            "2026-11-01T10:01:05Z,2026-11-01T10:02:05Z,60000,1.234568,"
            "mod\xc3\xa8le-\xe6\x97\xa5\xe6\x9c\xac,normal,,1,1000,10\r\n";
        QCOMPARE(buffer.data(), expected);
        QCOMPARE(ExportWriter::csvField(QStringLiteral("plain")), QByteArray("plain"));
        QCOMPARE(ExportWriter::csvField(QStringLiteral("\"")), QByteArray("\"\"\"\""));
        QCOMPARE(ExportWriter::csvField(QStringLiteral("\r")), QByteArray("\"\r\""));
        QCOMPARE(ExportWriter::csvField(QString()), QByteArray());
    }

    void truncatedJson()
    {
        const QByteArray bytes = writeJson(makeSnapshot(20));
        // Every cut short of the whole file is an error naming a place, and loads nothing.
        for (qsizetype cut : {qsizetype(0), qsizetype(1), qsizetype(30), bytes.size() / 2, bytes.size() - 3,
                              bytes.size() - 2}) {
            const auto read = readBytes(bytes.left(cut));
            QVERIFY2(!read.ok(), qPrintable(QString::number(cut)));
            QVERIFY2(read.error().offset >= 0 || !read.error().path.isEmpty(),
                     qPrintable(read.error().toString()));
        }
        const auto half = readBytes(bytes.left(bytes.size() / 2));
        QVERIFY2(half.error().path.startsWith(QLatin1String("data.jobs")),
                 qPrintable(half.error().toString()));
        QVERIFY2(half.error().toString().contains(QLatin1String("truncated")),
                 qPrintable(half.error().toString()));
        QVERIFY(readBytes(bytes).ok());
    }

    void malformedJson()
    {
        QByteArray bytes = writeJson(makeSnapshot(5));
        const auto bad =
            readBytes(QByteArray(bytes).replace("\"status\":\"failed\"", "\"status\":\"weird\""));
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().path.startsWith(QLatin1String("data.jobs[2]")),
                 qPrintable(bad.error().toString()));
        QVERIFY(bad.error().offset > 0);
        QVERIFY(!readBytes(bytes + "x").ok());
        QVERIFY(!readBytes(QByteArray(bytes).replace("\"success\":true", "\"success\":false")).ok());
        const auto syntax =
            readBytes(QByteArray(bytes).replace("\"jobType\":\"summarize\"", "\"jobType\":summarize"));
        QVERIFY(!syntax.ok());
        QVERIFY2(syntax.error().toString().contains(QLatin1String("invalid JSON")),
                 qPrintable(syntax.error().toString()));
        QVERIFY(!readBytes("[]").ok());
        QVERIFY(!readBytes("{\"success\":true}").ok());
    }

    void streamingReadAndConvert()
    {
        const MonitoringSnapshot s = makeSnapshot(30);
        QTemporaryDir dir;
        const QString json = dir.filePath(QStringLiteral("a.json"));
        QCOMPARE(ExportCollector::writeFile(json, ExportFormat::Json, makeHeader(), s), QString());

        // The callback form hands over every job in order and keeps none.
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QList<Job> seen;
        const auto streamed = ExportReader::read(&f, [&seen](Job &&job) { seen.append(std::move(job)); });
        QVERIFY(streamed.ok());
        QVERIFY(streamed.value().snapshot.jobs.isEmpty());
        QCOMPARE(streamed.value().header.jobCount, 30);
        QVERIFY(seen == s.jobs);

        // File → CSV, only the failed jobs (every third).
        const QString csv = dir.filePath(QStringLiteral("failed.csv"));
        qint64 written = -1;
        QCOMPARE(ExportCollector::convertFile(
                     json, csv, ExportFormat::Csv, makeHeader(),
                     [](const Job &job) { return job.status == JobStatus::Failed; }, &written),
                 QString());
        QCOMPARE(written, 10);
        QFile c(csv);
        QVERIFY(c.open(QIODevice::ReadOnly));
        QCOMPARE(c.readAll().count("\r\n"), 11);
        // A JSON re-export names where the data came from first.
        const QString again = QFileInfo(json).dir().filePath(QStringLiteral("again.json"));
        QCOMPARE(
            ExportCollector::convertFile(
                json, again, ExportFormat::Json, makeHeader(), [](const Job &) { return true; }, &written),
            QString());
        const auto reread = ExportReader::readFile(again);
        QVERIFY(reread.ok());
        QCOMPARE(reread.value().header.source,
                 QStringLiteral("demo, re-exported from %1 of 2026-11-02 09:31 UTC")
                     .arg(QFileInfo(json).fileName()));

        // A truncated input: an error naming where, and no output file.
        QVERIFY(f.seek(0));
        const QByteArray bytes = f.readAll();
        const QString cut = dir.filePath(QStringLiteral("cut.json"));
        QFile t(cut);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(bytes.left(bytes.size() - 40));
        t.close();
        const QString out = dir.filePath(QStringLiteral("from-cut.csv"));
        const QString error = ExportCollector::convertFile(
            cut, out, ExportFormat::Csv, makeHeader(), [](const Job &) { return true; }, &written);
        QVERIFY2(error.contains(QLatin1String("byte")) && error.contains(QLatin1String("data.jobs[29]")),
                 qPrintable(error));
        QVERIFY(!QFile::exists(out));
        QCOMPARE(written, 0);
    }

    void unwritablePathLeavesNothing()
    {
        QTemporaryDir dir;
        // A "folder" that is a file cannot be written into, not even by root (which ignores permissions).
        const QString file = dir.filePath(QStringLiteral("plain-file"));
        QFile plain(file);
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        const QStringList before =
            QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden);
        const QString path = file + QStringLiteral("/out.json");
        const QString error =
            ExportCollector::writeFile(path, ExportFormat::Json, makeHeader(), makeSnapshot(3));
        QVERIFY(!error.isEmpty());
        QVERIFY2(error.contains(path), qPrintable(error));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), before);

        // A missing folder, and a read-only one when permissions apply to this user.
        QVERIFY(!ExportCollector::writeFile(dir.filePath(QStringLiteral("no/such/dir.json")),
                                            ExportFormat::Csv, makeHeader(), makeSnapshot(1))
                     .isEmpty());
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden), before);
        if (::geteuid() != 0) {
            const QString locked = dir.filePath(QStringLiteral("locked"));
            QVERIFY(QDir().mkdir(locked));
            QVERIFY(QFile::setPermissions(locked, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
            QVERIFY(!ExportCollector::writeFile(locked + QStringLiteral("/out.json"), ExportFormat::Json,
                                                makeHeader(), makeSnapshot(3))
                         .isEmpty());
            QVERIFY(QDir(locked).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
            QFile::setPermissions(locked,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        }
    }

    void fullDisk()
    {
        if (!QFile::exists(QStringLiteral("/dev/full")))
            QSKIP("no /dev/full");
        QFile full(QStringLiteral("/dev/full"));
        QVERIFY(full.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        ExportWriter w(&full, ExportFormat::Json);
        const MonitoringSnapshot s = makeSnapshot(100);
        const bool ok = w.begin(makeHeader(), s) && w.writeJobs(s.jobs) && w.finish() && full.flush();
        QVERIFY(!ok);
        QVERIFY2(w.error().contains(QLatin1String("free space")), qPrintable(w.error()));
        QVERIFY2(w.error().contains(QLatin1String("/dev/full")), qPrintable(w.error()));
    }

    void collectDemoEveryPage()
    {
        QTemporaryDir dir;
        LocalSourceOptions options;
        options.databasePath = dir.filePath(QStringLiteral("demo.db"));
        options.backfillDays = 3;
        options.liveTickMs = 3600 * 1000;
        LocalSource source(options);
        source.open();

        MonitoringQuery query;
        query.timeRange = TimeRange::LastWeek;
        const QString path = dir.filePath(QStringLiteral("demo.json"));
        auto *collector = new ExportCollector(&source, query, makeHeader(), ExportFormat::Json, path);
        QSignalSpy done(collector, &ExportCollector::finished);
        QSignalSpy progress(collector, &ExportCollector::progress);
        collector->start();
        QVERIFY(done.wait(60000));
        QCOMPARE(done.first().at(0).toString(), QString());
        const qint64 written = done.first().at(1).toLongLong();
        QVERIFY2(written > 100, qPrintable(QString::number(written)));
        QVERIFY(progress.size() >= 2);
        const auto read = ExportReader::readFile(path);
        QVERIFY2(read.ok(), qPrintable(read.ok() ? QString() : read.error().toString()));
        QCOMPARE(read.value().snapshot.jobs.size(), written);
        QSet<QString> ids;
        for (const Job &j : read.value().snapshot.jobs)
            ids.insert(j.id);
        QCOMPARE(ids.size(), written);

        // Cancelled: nothing at the path, nothing left in the folder.
        const QString cancelled = dir.filePath(QStringLiteral("cancelled.csv"));
        auto *second = new ExportCollector(&source, query, makeHeader(), ExportFormat::Csv, cancelled);
        QSignalSpy secondDone(second, &ExportCollector::finished);
        connect(second, &ExportCollector::progress, second, &ExportCollector::cancel);
        second->start();
        QVERIFY(secondDone.wait(60000));
        QVERIFY(secondDone.first().at(0).toString().contains(QLatin1String("cancelled")));
        QVERIFY(!QFile::exists(cancelled));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).filter(QStringLiteral("cancelled")), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
