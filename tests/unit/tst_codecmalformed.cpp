// SPDX-License-Identifier: GPL-3.0-or-later
// Malformed responses: each is refused with the JSON path of what is wrong and a message that says
// what is wrong, and nothing crashes or hangs.
//
// Most bodies are the seed fixture (tests/fixtures/seed-response.json) with exactly one defect written
// into it at a dotted path ("data.jobs[2].costEstimate"). To let one edit reach any field, the base is
// the seed extended with every optional part (three jobs, a timeline, resources, historical buckets,
// pagination, scheduler state); baselinesDecode() checks that the unedited bases decode, so each row's
// only defect is its own.
#include "json/Codec.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <optional>

using namespace batchmon;

namespace {

// ---------------------------------------------------------------------------------------------------
// Documents to mutate

QByteArray seedBytes()
{
    static const QByteArray bytes = [] {
        QFile file(QStringLiteral(BATCHMON_FIXTURES "/seed-response.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read the seed fixture: %s", qPrintable(file.errorString()));
        return file.readAll();
    }();
    return bytes;
}

QJsonObject seedEnvelope()
{
    return QJsonDocument::fromJson(seedBytes()).object();
}

QJsonObject successEnvelope(const QJsonValue &data)
{
    return {{QStringLiteral("success"), true}, {QStringLiteral("data"), data}};
}

QByteArray toBody(const QJsonValue &root)
{
    return root.isArray() ? QJsonDocument(root.toArray()).toJson(QJsonDocument::Compact)
                          : QJsonDocument(root.toObject()).toJson(QJsonDocument::Compact);
}

QString str(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

/// One step of a path: a key, or an index when `index` >= 0.
struct Step
{
    QString key;
    qsizetype index = -1;
};

/// "data.jobs[2].errorSummary[0].count" → data, jobs, [2], errorSummary, [0], count.
QList<Step> parsePath(const QString &path)
{
    QList<Step> steps;
    for (const QString &part : path.split(QLatin1Char('.'))) {
        const qsizetype bracket = part.indexOf(QLatin1Char('['));
        if (bracket != 0)
            steps.append({bracket < 0 ? part : part.left(bracket), -1});
        for (qsizetype open = bracket; open >= 0; open = part.indexOf(QLatin1Char('['), open + 1)) {
            const qsizetype close = part.indexOf(QLatin1Char(']'), open);
            steps.append({QString(), part.mid(open + 1, close - open - 1).toLongLong()});
        }
    }
    return steps;
}

/// `node` with the value at `steps` replaced by `value`, or removed when `value` is nullopt. Every
/// step but the last must exist: a typo in a row's path is a bug in the test, not a malformed body.
QJsonValue edited(const QJsonValue &node, QList<Step> steps, const std::optional<QJsonValue> &value,
                  const QString &path)
{
    const Step step = steps.takeFirst();
    const bool last = steps.isEmpty();
    if (step.index < 0) {
        if (!node.isObject())
            qFatal("test bug: %s: \"%s\" is not in an object", qPrintable(path), qPrintable(step.key));
        QJsonObject o = node.toObject();
        if (!last && !o.contains(step.key))
            qFatal("test bug: %s: no \"%s\" in the base document", qPrintable(path), qPrintable(step.key));
        if (!last)
            o.insert(step.key, edited(o.value(step.key), steps, value, path));
        else if (value)
            o.insert(step.key, *value);
        else if (!o.contains(step.key))
            qFatal("test bug: %s: nothing to remove", qPrintable(path));
        else
            o.remove(step.key);
        return o;
    }
    QJsonArray a = node.toArray();
    if (!node.isArray() || step.index >= a.size())
        qFatal("test bug: %s: no element [%lld] in the base document", qPrintable(path), qint64(step.index));
    if (!last)
        a.replace(step.index, edited(a.at(step.index), steps, value, path));
    else if (value)
        a.replace(step.index, *value);
    else
        a.removeAt(step.index);
    return a;
}

QJsonValue valueAt(QJsonValue node, const QString &path)
{
    for (const Step &step : parsePath(path))
        node = step.index < 0 ? node.toObject().value(step.key) : node.toArray().at(step.index);
    return node;
}

/// `base` with the value at `path` replaced.
QByteArray set(const QJsonObject &base, const char *path, const QJsonValue &value)
{
    const QString p = str(path);
    return toBody(edited(base, parsePath(p), value, p));
}

/// `base` without the field at `path`.
QByteArray drop(const QJsonObject &base, const char *path)
{
    const QString p = str(path);
    return toBody(edited(base, parsePath(p), std::nullopt, p));
}

/// `base` with `json` written verbatim at `path`: for what a QJsonValue cannot hold (numbers past
/// 2^53 or past a double, invalid UTF-8, raw control characters, duplicate keys).
QByteArray raw(const QJsonObject &base, const char *path, const QByteArray &json)
{
    static const QByteArray marker("@@raw@@");
    static const QByteArray quotedMarker("\"@@raw@@\"");
    QByteArray body = set(base, path, QString::fromLatin1(marker));
    Q_ASSERT(body.count(quotedMarker) == 1);
    return body.replace(quotedMarker, json);
}

const QJsonValue kNull(QJsonValue::Null);

/// The start of the message for a job status outside the set.
const char *const kStatuses =
    "expected one of pending, paused, validating, in_progress, finalizing, completed, "
    "failed, expired, cancelling, cancelled, got ";

QJsonObject timelineEntry(const char *status, const char *at, const char *actor)
{
    return {{QStringLiteral("status"), str(status)},
            {QStringLiteral("at"), str(at)},
            {QStringLiteral("actor"), str(actor)}};
}

/// The seed with every optional part of a snapshot filled in and three jobs, all valid.
QJsonObject richSnapshot()
{
    static const QJsonObject rich = [] {
        QJsonObject root = seedEnvelope();
        QJsonObject data = root.value(QStringLiteral("data")).toObject();

        data.insert(QStringLiteral("timeRange"), QStringLiteral("24h"));
        data.insert(QStringLiteral("generatedAt"), QStringLiteral("2024-01-01T11:00:00Z"));

        QJsonObject summary = data.value(QStringLiteral("summary")).toObject();
        QJsonObject costSavings = summary.value(QStringLiteral("costSavings")).toObject();
        costSavings.insert(QStringLiteral("batchCost"), 251.0);
        costSavings.insert(QStringLiteral("individualCost"), 485.56);
        summary.insert(QStringLiteral("costSavings"), costSavings);
        summary.insert(QStringLiteral("previousPeriod"),
                       QJsonObject{{QStringLiteral("totalJobs"), 140},
                                   {QStringLiteral("totalRequests"), 14000},
                                   {QStringLiteral("processedRequests"), 13000},
                                   {QStringLiteral("successRate"), 93.1},
                                   {QStringLiteral("costSavings"), -1.5},
                                   {QStringLiteral("averageProcessingTime"), 1700000}});
        data.insert(QStringLiteral("summary"), summary);

        QJsonObject queues = data.value(QStringLiteral("queues")).toObject();
        queues.insert(QStringLiteral("cancelled"), 0);
        data.insert(QStringLiteral("queues"), queues);

        data.insert(QStringLiteral("resources"), QJsonObject{{QStringLiteral("enqueuedTokens"), 1200000},
                                                             {QStringLiteral("enqueuedTokenLimit"), 2000000},
                                                             {QStringLiteral("quotaUtilization"), 60},
                                                             {QStringLiteral("rateLimitedRequests"), 14},
                                                             {QStringLiteral("inputTokens"), 5000000},
                                                             {QStringLiteral("outputTokens"), 800000}});
        const QJsonObject bucket{{QStringLiteral("start"), QStringLiteral("2024-01-01T10:00:00Z")},
                                 {QStringLiteral("end"), QStringLiteral("2024-01-01T11:00:00Z")},
                                 {QStringLiteral("jobs"), 1},
                                 {QStringLiteral("requests"), 100},
                                 {QStringLiteral("completedRequests"), 98},
                                 {QStringLiteral("failedRequests"), 2},
                                 {QStringLiteral("batchCost"), 12.5},
                                 {QStringLiteral("savings"), 12.5},
                                 {QStringLiteral("averageProcessingTime"), 1800000}};
        data.insert(QStringLiteral("historical"),
                    QJsonObject{{QStringLiteral("bucketSeconds"), 3600},
                                {QStringLiteral("buckets"), QJsonArray{bucket}}});
        data.insert(QStringLiteral("errors"),
                    QJsonArray{QJsonObject{{QStringLiteral("error"), QStringLiteral("token_limit_exceeded")},
                                           {QStringLiteral("count"), 600},
                                           {QStringLiteral("percentage"), 3.8}},
                               QJsonObject{{QStringLiteral("error"), QStringLiteral("rate_limit_exceeded")},
                                           {QStringLiteral("count"), 14},
                                           {QStringLiteral("percentage"), 0.1}}});
        data.insert(QStringLiteral("pagination"), QJsonObject{{QStringLiteral("page"), 1},
                                                              {QStringLiteral("limit"), 50},
                                                              {QStringLiteral("total"), 3},
                                                              {QStringLiteral("totalPages"), 1}});
        data.insert(QStringLiteral("scheduler"), QJsonObject{{QStringLiteral("paused"), false},
                                                             {QStringLiteral("processingEnabled"), true}});

        QJsonObject job = data.value(QStringLiteral("jobs")).toArray().at(0).toObject();
        job.insert(QStringLiteral("model"), QStringLiteral("gpt-4o-mini"));
        job.insert(QStringLiteral("priority"), QStringLiteral("normal"));
        job.insert(QStringLiteral("attempt"), 1);
        job.insert(QStringLiteral("inputTokens"), 50000);
        job.insert(QStringLiteral("outputTokens"), 8000);
        QJsonObject submitted = timelineEntry("in_progress", "2024-01-01T10:05:00Z", "provider");
        submitted.insert(QStringLiteral("note"), QStringLiteral("submitted as batch_abc123"));
        job.insert(QStringLiteral("timeline"),
                   QJsonArray{timelineEntry("pending", "2024-01-01T10:00:00Z", "pipeline"), submitted,
                              timelineEntry("completed", "2024-01-01T10:35:00Z", "provider")});
        QJsonArray jobs{job};
        for (const char *id : {"batch-job-124", "batch-job-125"}) {
            job.insert(QStringLiteral("id"), str(id));
            jobs.append(job);
        }
        data.insert(QStringLiteral("jobs"), jobs);

        root.insert(QStringLiteral("data"), data);
        return root;
    }();
    return rich;
}

QJsonObject alertConfigEnvelope()
{
    return successEnvelope(json::encode(AlertConfig::defaults()));
}

QJsonObject batchConfigEnvelope()
{
    return successEnvelope(json::encode(BatchConfig{}));
}

QJsonObject identityEnvelope()
{
    return successEnvelope(json::encode(Identity{QStringLiteral("alice"), Role::Admin}));
}

QJsonObject errorEnvelope()
{
    return QJsonDocument::fromJson(
               json::encodeError({QStringLiteral("invalid_parameter"),
                                  QStringLiteral("limit: must be 1 to 100"), QStringLiteral("limit")}))
        .object();
}

// ---------------------------------------------------------------------------------------------------
// Rows and their check

/// How a row's message is compared: the whole `toString()`, a prefix of the message, or a regular
/// expression over the message (for byte offsets that depend on how Qt serialises the base).
enum Match
{
    Exact,
    Prefix,
    Pattern
};

void addColumns()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::addColumn<int>("match");
}

void row(const char *name, const QByteArray &body, const char *path, const QByteArray &message,
         Match match = Exact)
{
    QTest::newRow(name) << body << str(path) << QString::fromUtf8(message) << int(match);
}

QByteArray fetchBody()
{
    QFETCH(QByteArray, body);
    return body;
}

QString joined(const QString &path, const QString &message)
{
    return path.isEmpty() ? message : path + QStringLiteral(": ") + message;
}

bool messageMatches(const QString &observed, const QString &expected, Match match)
{
    switch (match) {
    case Exact:
        return observed == expected;
    case Prefix:
        return observed.startsWith(expected);
    case Pattern:
        return QRegularExpression(expected).match(observed).hasMatch();
    }
    return false;
}

template<typename T> void verifyRefused(const Result<T, DecodeError> &result)
{
    QFETCH(QString, path);
    QFETCH(QString, message);
    QFETCH(int, match);

    const QString observed =
        result.ok() ? QStringLiteral("(decoded without an error)") : result.error().toString();

    QVERIFY2(!result.ok(), "the body decoded without an error");
    const DecodeError &error = result.error();
    QCOMPARE(error.path, path);
    if (Match(match) == Exact)
        QCOMPARE(error.toString(), joined(path, message));
    else
        QVERIFY2(messageMatches(error.message, message, Match(match)),
                 qPrintable(QStringLiteral("observed: ") + observed + QStringLiteral("\nexpected ") +
                            (Match(match) == Prefix ? QStringLiteral("a message starting with: ")
                                                    : QStringLiteral("a message matching: ")) +
                            message));
}

QString jsonText(const QJsonValue &v)
{
    if (v.isUndefined())
        return QStringLiteral("(absent)");
    const QByteArray array = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

} // namespace

class TestCodecMalformed : public QObject
{
    Q_OBJECT

private slots:
    void baselinesDecode()
    {
        const auto seed = json::decodeResponse<MonitoringSnapshot>(seedBytes());
        QVERIFY2(seed.ok(), seed.ok() ? "" : qPrintable(seed.error().toString()));
        const auto rich = json::decodeResponse<MonitoringSnapshot>(toBody(richSnapshot()));
        QVERIFY2(rich.ok(), rich.ok() ? "" : qPrintable(rich.error().toString()));
        QCOMPARE(rich.value().jobs.size(), 3);
        QVERIFY(rich.value().historical && rich.value().pagination && rich.value().scheduler);
        QVERIFY(rich.value().resources && rich.value().summary.previousPeriod &&
                rich.value().jobs[2].timeline);
        QCOMPARE(rich.value().errors->size(), 2);
        QVERIFY(json::decodeResponse<AlertConfig>(toBody(alertConfigEnvelope())).ok());
        QVERIFY(json::decodeResponse<BatchConfig>(toBody(batchConfigEnvelope())).ok());
        QVERIFY(json::decodeErrorResponse(toBody(errorEnvelope())).ok());
        QVERIFY(json::decodeResponse<Identity>(toBody(identityEnvelope())).ok());
    }

    // --- the body as a whole: not JSON, not an object, hostile bytes ---------------------------------

    void wholeBody_data()
    {
        addColumns();
        const QByteArray seed = seedBytes();
        const QJsonObject s = richSnapshot();
        const char *offset = R"(^not valid JSON: [a-zA-Z0-9 ]+ at byte \d+$)";

        row("empty body", QByteArray(), "", "the body is empty, expected a JSON object");
        row("whitespace body", " \r\n\t  \n", "", "the body is empty, expected a JSON object");
        row("plain HTML", "<html><body><h1>502 Bad Gateway</h1></body></html>", "",
            "not valid JSON: illegal value at byte 1");
        row("top-level array", "[" + seed + "]", "", "expected a JSON object, got an array");
        row("top-level number", "42", "", "not valid JSON: illegal value at byte 1");
        row("top-level string", "\"success\"", "", "not valid JSON: illegal value at byte 1");
        row("truncated mid-way", seed.left(seed.size() / 2), "", offset, Pattern);
        row("truncated before the last brace", seed.left(seed.lastIndexOf('}')), "",
            R"(^not valid JSON: unterminated object at byte \d+$)", Pattern);
        row("garbage after the object", seed + "\n{}", "",
            R"(^not valid JSON: garbage at the end of the document at byte \d+$)", Pattern);
        row("trailing comma", raw(s, "data.queues.processing", "3,"), "", offset, Pattern);
        row("single-quoted strings", "{'success': true, 'data': {}}", "", offset, Pattern);
        row("NaN literal", raw(s, "data.performance.throughput.jobsPerHour", "NaN"), "",
            "not valid JSON: illegal number at byte ", Prefix);
        row("number beyond a double", raw(s, "data.summary.totalJobs", "1e400"), "",
            "not valid JSON: illegal number at byte ", Prefix);
        row("invalid UTF-8 in a string", raw(s, "data.jobs[0].jobType", "\"ai_\xff_analysis\""), "",
            "not valid JSON: invalid UTF8 string at byte ", Prefix);
        row("overlong UTF-8 in a string", raw(s, "data.jobs[0].id", "\"batch\xc0\xafjob\""), "",
            "not valid JSON: invalid UTF8 string at byte ", Prefix);
        row("UTF-8 surrogate in a string", raw(s, "data.jobs[0].id", "\"batch\xed\xa0\x80job\""), "",
            "not valid JSON: invalid UTF8 string at byte ", Prefix);
        row("invalid UTF-8 in a key", raw(s, "data.summary.totalJobs", "156,\"\xfe\xff\":1"), "",
            "not valid JSON: invalid UTF8 string at byte ", Prefix);
        row("Latin-1 text in a string", raw(s, "data.jobs[0].jobType", "\"r\xe9sum\xe9\""), "",
            "not valid JSON: invalid UTF8 string at byte ", Prefix);
        row("BOM only", "\xef\xbb\xbf", "", "not valid JSON: ", Prefix);
        row("two BOMs", "\xef\xbb\xbf\xef\xbb\xbf" + seed, "", "not valid JSON: ", Prefix);
        row("UTF-16 BOM", "\xff\xfe" + seed, "", "not valid JSON: ", Prefix);
        row("NUL after the object", seed + QByteArray(1, '\0'), "",
            R"(^not valid JSON: garbage at the end of the document at byte \d+$)", Pattern);
        // Qt's parser stops at 1024 levels: a hostile body is refused, not recursed into.
        row("100000 [", QByteArray(100000, '['), "", "not valid JSON: too deeply nested document at byte ",
            Prefix);
        row("100000 nested objects", QByteArray("{\"a\":").repeated(100000), "",
            "not valid JSON: too deeply nested document at byte ", Prefix);
        row("100000 [ inside a field", raw(s, "data.summary.totalJobs", QByteArray(100000, '[')), "",
            "not valid JSON: too deeply nested document at byte ", Prefix);
        // RFC 8259 section 7: control characters in strings must be escaped. Qt's parser takes them raw.
        row("raw control character in a string", raw(s, "data.jobs[0].jobType", "\"ai\tanalysis\x01\n\""), "",
            "not valid JSON: unescaped control character in a string at byte ", Prefix);
    }
    void wholeBody() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- the {"success": true, "data": …} envelope ------------------------------------------------------

    void envelope_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("success false", set(s, "success", false), "success",
            "expected true in a successful response, got false");
        row("success as a string", set(s, "success", QStringLiteral("true")), "success",
            "expected a boolean, got a string");
        row("success as 1", set(s, "success", 1), "success", "expected a boolean, got a number");
        row("success null", set(s, "success", kNull), "success", "expected a boolean, got null");
        row("success missing", drop(s, "success"), "success", "required field is missing");
        row("data missing", drop(s, "data"), "data", "required field is missing");
        row("data null", set(s, "data", kNull), "data", "expected a value, got null");
        row("data an array", set(s, "data", QJsonArray{}), "data", "expected an object, got an array");
        row("data a string", set(s, "data", QStringLiteral("ok")), "data",
            "expected an object, got a string");
        // Duplicate keys: Qt keeps the last one, so the string below is what is decoded.
        row("duplicate data, last one a string", raw(s, "success", "true,\"data\":\"later\""), "data",
            "expected an object, got a string");
        row("error envelope given to a success decode",
            json::encodeError({QStringLiteral("not_found"), QStringLiteral("no such job"), {}}), "success",
            "expected true in a successful response, got false");
    }
    void envelope() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- a value of the wrong JSON type, for each kind of field ----------------------------------------

    void wrongType_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("count as a string", set(s, "data.summary.totalJobs", QStringLiteral("156")),
            "data.summary.totalJobs", "expected a non-negative integer, got a string");
        row("count as a boolean", set(s, "data.queues.pending", true), "data.queues.pending",
            "expected a non-negative integer, got a boolean");
        row("count as an object", set(s, "data.resources.inputTokens", QJsonObject{}),
            "data.resources.inputTokens", "expected a non-negative integer, got an object");
        row("money as a string", set(s, "data.summary.costSavings.currentPeriod", QStringLiteral("234.56")),
            "data.summary.costSavings.currentPeriod", "expected a number, got a string");
        row("money as a string with $", set(s, "data.jobs[0].costEstimate", QStringLiteral("$12.50")),
            "data.jobs[0].costEstimate", "expected a number, got a string");
        row("percentage as a string", set(s, "data.summary.successRate", QStringLiteral("95.2%")),
            "data.summary.successRate", "expected a number, got a string");
        row("percentage as an array", set(s, "data.performance.efficiency.errorRate", QJsonArray{4.8}),
            "data.performance.efficiency.errorRate", "expected a number, got an array");
        row("number as a boolean", set(s, "data.performance.throughput.requestsPerHour", false),
            "data.performance.throughput.requestsPerHour", "expected a number, got a boolean");
        row("string as a number", set(s, "data.jobs[0].jobType", 42), "data.jobs[0].jobType",
            "expected a string, got a number");
        row("nullable string as a boolean", set(s, "data.jobs[0].batchId", false), "data.jobs[0].batchId",
            "expected a string, got a boolean");
        row("optional string as an object", set(s, "data.jobs[0].model", QJsonObject{}), "data.jobs[0].model",
            "expected a string, got an object");
        row("time as a number", set(s, "data.jobs[0].createdAt", 1704103200), "data.jobs[0].createdAt",
            "expected an ISO-8601 time string, got a number");
        row("time as an object", set(s, "data.generatedAt", QJsonObject{}), "data.generatedAt",
            "expected an ISO-8601 time string, got an object");
        row("boolean as a string", set(s, "data.scheduler.paused", QStringLiteral("no")),
            "data.scheduler.paused", "expected a boolean, got a string");
        row("boolean as a number", set(s, "data.scheduler.processingEnabled", 1),
            "data.scheduler.processingEnabled", "expected a boolean, got a number");
        row("enum as a number", set(s, "data.jobs[0].status", 5), "data.jobs[0].status",
            "expected a string, got a number");
        row("object as an array", set(s, "data.summary", QJsonArray{}), "data.summary",
            "expected an object, got an array");
        row("object as a string", set(s, "data.performance.throughput", QStringLiteral("fast")),
            "data.performance.throughput", "expected an object, got a string");
        row("object as a number", set(s, "data.summary.costSavings", 234.56), "data.summary.costSavings",
            "expected an object, got a number");
        row("optional object as a boolean", set(s, "data.resources", true), "data.resources",
            "expected an object, got a boolean");
        row("array as an object", set(s, "data.jobs", QJsonObject{}), "data.jobs",
            "expected an array, got an object");
        row("optional array as a string",
            set(s, "data.jobs[0].errorSummary", QStringLiteral("token_limit_exceeded")),
            "data.jobs[0].errorSummary", "expected an array, got a string");
        row("array element as a string", set(s, "data.jobs[0]", QStringLiteral("batch-job-123")),
            "data.jobs[0]", "expected an object, got a string");
        row("array element as null", set(s, "data.historical.buckets[0]", kNull),
            "data.historical.buckets[0]", "expected an object, got null");
        row("count nested 1000 arrays deep",
            raw(s, "data.summary.totalJobs", QByteArray(1000, '[') + QByteArray(1000, ']')),
            "data.summary.totalJobs", "expected a non-negative integer, got an array");
    }
    void wrongType() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- a required field missing, at several depths --------------------------------------------------

    void missingField_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        const char *missing = "required field is missing";
        row("summary", drop(s, "data.summary"), "data.summary", missing);
        row("summary.totalJobs", drop(s, "data.summary.totalJobs"), "data.summary.totalJobs", missing);
        row("summary.costSavings", drop(s, "data.summary.costSavings"), "data.summary.costSavings", missing);
        row("costSavings.projectedMonthly", drop(s, "data.summary.costSavings.projectedMonthly"),
            "data.summary.costSavings.projectedMonthly", missing);
        // Nullable is not optional: the field must be there, even if only as null.
        row("costSavings.savingsPercentage", drop(s, "data.summary.costSavings.savingsPercentage"),
            "data.summary.costSavings.savingsPercentage", missing);
        row("queues", drop(s, "data.queues"), "data.queues", missing);
        row("queues.failed", drop(s, "data.queues.failed"), "data.queues.failed", missing);
        row("performance.throughput", drop(s, "data.performance.throughput"), "data.performance.throughput",
            missing);
        row("throughput.jobsPerHour", drop(s, "data.performance.throughput.jobsPerHour"),
            "data.performance.throughput.jobsPerHour", missing);
        row("efficiency.errorRate", drop(s, "data.performance.efficiency.errorRate"),
            "data.performance.efficiency.errorRate", missing);
        row("jobs", drop(s, "data.jobs"), "data.jobs", missing);
        row("job id", drop(s, "data.jobs[0].id"), "data.jobs[0].id", missing);
        row("job createdAt", drop(s, "data.jobs[0].createdAt"), "data.jobs[0].createdAt", missing);
        row("job startedAt (nullable)", drop(s, "data.jobs[0].startedAt"), "data.jobs[0].startedAt", missing);
        row("job costEstimate", drop(s, "data.jobs[0].costEstimate"), "data.jobs[0].costEstimate", missing);
        row("errorSummary entry count", drop(s, "data.jobs[0].errorSummary[0].count"),
            "data.jobs[0].errorSummary[0].count", missing);
        row("errorSummary entry error", drop(s, "data.jobs[0].errorSummary[0].error"),
            "data.jobs[0].errorSummary[0].error", missing);
        row("timeline entry actor", drop(s, "data.jobs[0].timeline[1].actor"),
            "data.jobs[0].timeline[1].actor", missing);
        row("previousPeriod.costSavings", drop(s, "data.summary.previousPeriod.costSavings"),
            "data.summary.previousPeriod.costSavings", missing);
        row("historical bucket savings", drop(s, "data.historical.buckets[0].savings"),
            "data.historical.buckets[0].savings", missing);
        row("pagination.totalPages", drop(s, "data.pagination.totalPages"), "data.pagination.totalPages",
            missing);
        row("scheduler.paused", drop(s, "data.scheduler.paused"), "data.scheduler.paused", missing);
        row("resources.enqueuedTokenLimit", drop(s, "data.resources.enqueuedTokenLimit"),
            "data.resources.enqueuedTokenLimit", missing);
    }
    void missingField() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- null where null is not allowed (see tolerated() for where it is) -------------------------------

    void nullField_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("totalJobs", set(s, "data.summary.totalJobs", kNull), "data.summary.totalJobs",
            "expected a non-negative integer, got null");
        row("createdAt", set(s, "data.jobs[0].createdAt", kNull), "data.jobs[0].createdAt",
            "expected an ISO-8601 time, got null");
        row("job id", set(s, "data.jobs[0].id", kNull), "data.jobs[0].id", "expected a string, got null");
        row("costEstimate", set(s, "data.jobs[0].costEstimate", kNull), "data.jobs[0].costEstimate",
            "expected an amount of dollars, got null");
        row("requestsPerHour", set(s, "data.performance.throughput.requestsPerHour", kNull),
            "data.performance.throughput.requestsPerHour", "expected a number, got null");
        row("errorSummary percentage", set(s, "data.jobs[0].errorSummary[0].percentage", kNull),
            "data.jobs[0].errorSummary[0].percentage", "expected a number, got null");
        row("status", set(s, "data.jobs[0].status", kNull), "data.jobs[0].status",
            "expected a string, got null");
        row("summary", set(s, "data.summary", kNull), "data.summary", "expected a value, got null");
        row("jobs", set(s, "data.jobs", kNull), "data.jobs", "expected a value, got null");
        row("scheduler.paused", set(s, "data.scheduler.paused", kNull), "data.scheduler.paused",
            "expected a boolean, got null");
        row("pagination.limit", set(s, "data.pagination.limit", kNull), "data.pagination.limit",
            "expected a number, got null");
    }
    void nullField() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- numbers of the right type but out of their range ---------------------------------------------

    void badNumber_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("negative count", set(s, "data.summary.failedJobs", -1), "data.summary.failedJobs",
            "expected a non-negative integer, got -1");
        row("fractional count", set(s, "data.queues.pending", 12.5), "data.queues.pending",
            "expected a non-negative integer, got 12.5");
        row("fractional milliseconds", set(s, "data.jobs[0].processingTimeMs", 1800000.5),
            "data.jobs[0].processingTimeMs", "expected a non-negative integer, got 1800000.5");
        row("count 2^53 + 2", raw(s, "data.summary.totalRequests", "9007199254740994"),
            "data.summary.totalRequests", "expected a non-negative integer, got 9007199254740994");
        row("count 1e20", raw(s, "data.resources.inputTokens", "1e20"), "data.resources.inputTokens",
            "expected a non-negative integer, got 1e+20");
        row("count 2^64", raw(s, "data.resources.outputTokens", "18446744073709551616"),
            "data.resources.outputTokens", "expected a non-negative integer, got ", Prefix);
        // 2^53 + 1 rounds to the double 2^53; it used to be accepted as a different number than was sent.
        row("count 2^53 + 1", raw(s, "data.summary.totalJobs", "9007199254740993"), "data.summary.totalJobs",
            "expected a non-negative integer, got 9007199254740993");
        row("percentage over 100", set(s, "data.summary.successRate", 100.5), "data.summary.successRate",
            "expected a percentage from 0 to 100, got 100.5");
        row("percentage 150 in an errorSummary", set(s, "data.jobs[0].errorSummary[0].percentage", 150),
            "data.jobs[0].errorSummary[0].percentage", "expected a percentage from 0 to 100, got 150");
        row("negative percentage", set(s, "data.performance.efficiency.batchUtilization", -5),
            "data.performance.efficiency.batchUtilization", "expected a percentage from 0 to 100, got -5");
        // Messages echo numbers as sent (they used to say 100.09999999999999).
        row("percentage 100.1 echoed as sent", set(s, "data.performance.efficiency.errorRate", 100.1),
            "data.performance.efficiency.errorRate", "expected a percentage from 0 to 100, got 100.1");
        row("fractional count 0.3 echoed as sent", set(s, "data.queues.processing", 0.3),
            "data.queues.processing", "expected a non-negative integer, got 0.3");
        // Costs are never negative; savings may be (retries and expired work can cost more than batching
        // saved).
        row("negative costEstimate", set(s, "data.jobs[1].costEstimate", -1.5), "data.jobs[1].costEstimate",
            "expected a cost of at least 0, got -1.5");
        row("negative batchCost", set(s, "data.summary.costSavings.batchCost", -0.000001),
            "data.summary.costSavings.batchCost", "expected a cost of at least 0, got -1e-06");
        row("negative bucket batchCost", set(s, "data.historical.buckets[0].batchCost", -3),
            "data.historical.buckets[0].batchCost", "expected a cost of at least 0, got -3");
        row("negative throughput", set(s, "data.performance.throughput.requestsPerHour", -650),
            "data.performance.throughput.requestsPerHour",
            "expected a number of at least 0, got a negative one");
        row("money over 9e9 dollars", set(s, "data.summary.costSavings.currentPeriod", 9000000001.0),
            "data.summary.costSavings.currentPeriod",
            "expected an amount from -9000000000 to 9000000000 dollars, got 9000000001");
        row("money 1e12 dollars in jobs[2]", set(s, "data.jobs[2].costEstimate", 1e12),
            "data.jobs[2].costEstimate",
            "expected an amount from -9000000000 to 9000000000 dollars, got 1000000000000");
        row("money under -9e9 dollars", set(s, "data.summary.previousPeriod.costSavings", -1e10),
            "data.summary.previousPeriod.costSavings",
            "expected an amount from -9000000000 to 9000000000 dollars, got -10000000000");
        row("pagination limit 500", set(s, "data.pagination.limit", 500), "data.pagination.limit",
            "expected an integer from 1 to 100, got 500");
        row("pagination page 0", set(s, "data.pagination.page", 0), "data.pagination.page",
            "expected an integer from 1 to 999999999, got 0");
        row("bucketSeconds 0", set(s, "data.historical.bucketSeconds", 0), "data.historical.bucketSeconds",
            "expected an integer from 1 to 31622400, got 0");
        row("attempt 0", set(s, "data.jobs[0].attempt", 0), "data.jobs[0].attempt",
            "expected an integer of at least 1, got 0");
    }
    void badNumber() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- strings outside their set or shape -----------------------------------------------------------

    void badString_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("status done", set(s, "data.jobs[0].status", QStringLiteral("done")), "data.jobs[0].status",
            QByteArray(kStatuses) + "\"done\"");
        row("status in another case", set(s, "data.jobs[0].status", QStringLiteral("Completed")),
            "data.jobs[0].status", QByteArray(kStatuses) + "\"Completed\"");
        row("status of 10000 characters", set(s, "data.jobs[0].status", QString(10000, QLatin1Char('x'))),
            "data.jobs[0].status", QByteArray(kStatuses) + '"' + QByteArray(64, 'x') + '"');
        row("timeline status running", set(s, "data.jobs[0].timeline[2].status", QStringLiteral("running")),
            "data.jobs[0].timeline[2].status", QByteArray(kStatuses) + "\"running\"");
        row("priority asap", set(s, "data.jobs[0].priority", QStringLiteral("asap")), "data.jobs[0].priority",
            R"(expected one of low, normal, high, urgent, got "asap")");
        row("timeRange 90d", set(s, "data.timeRange", QStringLiteral("90d")), "data.timeRange",
            R"(expected one of 1h, 24h, 7d, 30d, got "90d")");
        row("empty job id", set(s, "data.jobs[0].id", QString()), "data.jobs[0].id",
            "expected a non-empty string, got an empty one");
        row("blank jobType", set(s, "data.jobs[0].jobType", QStringLiteral("   ")), "data.jobs[0].jobType",
            "expected a non-empty string, got an empty one");
        row("empty errorSummary code", set(s, "data.jobs[0].errorSummary[0].error", QString()),
            "data.jobs[0].errorSummary[0].error", "expected a non-empty string, got an empty one");
    }
    void badString() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- times --------------------------------------------------------------------------------------

    void badTime_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        const QByteArray prefix = "expected an ISO-8601 time with a zone, such as 2024-01-01T10:00:00Z, got ";
        const auto refusedTime = [&](const char *name, const char *path, const char *text) {
            row(name, set(s, path, str(text)), path, prefix + '"' + text + '"');
        };
        refusedTime("no zone", "data.jobs[0].createdAt", "2024-01-01T10:00:00");
        refusedTime("garbage", "data.jobs[0].startedAt", "yesterday");
        refusedTime("date only", "data.jobs[0].completedAt", "2024-01-01");
        refusedTime("empty", "data.generatedAt", "");
        refusedTime("space for T", "data.jobs[0].createdAt", "2024-01-01 10:00:00Z");
        refusedTime("30 February", "data.jobs[0].createdAt", "2024-02-30T10:00:00Z");
        refusedTime("minute 60", "data.historical.buckets[0].start", "2024-01-01T10:60:00Z");
        refusedTime("month 13", "data.historical.buckets[0].end", "2024-13-01T10:00:00Z");
        refusedTime("lower-case z", "data.jobs[0].createdAt", "2024-01-01T10:00:00z");
        refusedTime("offset without colon", "data.jobs[0].createdAt", "2024-01-01T10:00:00+0100");
        refusedTime("offset +99:99", "data.jobs[0].createdAt", "2024-01-01T10:00:00+99:99");
        refusedTime("seconds missing", "data.jobs[0].createdAt", "2024-01-01T10:00Z");
        refusedTime("Unix seconds as a string", "data.jobs[0].createdAt", "1704103200");
        refusedTime("fullwidth digits", "data.jobs[0].createdAt", "２０２４-01-01T10:00:00Z");
        refusedTime("timeline entry", "data.jobs[1].timeline[0].at", "10:00");
        // An offset or a rounded-up fraction can move a time out of years 0001-9999 in UTC, which
        // the wire form cannot write back; such times used to be accepted and then broke decode(encode(x)).
        const QByteArray outsideYears = "expected a time from year 1 to 9999 in UTC, got ";
        row("year 10000 once in UTC",
            set(s, "data.jobs[0].createdAt", QStringLiteral("9999-12-31T23:30:00-01:00")),
            "data.jobs[0].createdAt", outsideYears + "\"9999-12-31T23:30:00-01:00\"");
        row("year 0 once in UTC",
            set(s, "data.jobs[0].createdAt", QStringLiteral("0001-01-01T00:30:00+01:00")),
            "data.jobs[0].createdAt", outsideYears + "\"0001-01-01T00:30:00+01:00\"");
        row("rounds up into year 10000",
            set(s, "data.jobs[0].createdAt", QStringLiteral("9999-12-31T23:59:59.9999Z")),
            "data.jobs[0].createdAt", outsideYears + "\"9999-12-31T23:59:59.9999Z\"");
        row("bucket ends before it starts",
            set(s, "data.historical.buckets[0].end", QStringLiteral("2024-01-01T09:00:00Z")),
            "data.historical.buckets[0].end", "expected a time after start");
        row("bucket of no length",
            set(s, "data.historical.buckets[0].end", QStringLiteral("2024-01-01T10:00:00Z")),
            "data.historical.buckets[0].end", "expected a time after start");
    }
    void badTime() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- a job whose fields disagree, and the path of a job further down the list ---------------------

    void badJob_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("completed + failed > requests", set(s, "data.jobs[0].completedCount", 99),
            "data.jobs[0].failedCount", "completedCount (99) + failedCount (2) exceeds requestCount (100)");
        row("counts over a requestCount of 1", set(s, "data.jobs[1].requestCount", 1),
            "data.jobs[1].failedCount", "completedCount (98) + failedCount (2) exceeds requestCount (1)");
        row("jobs[2] costEstimate as a string", set(s, "data.jobs[2].costEstimate", QStringLiteral("12.50")),
            "data.jobs[2].costEstimate", "expected a number, got a string");
        row("jobs[2] errorSummary percentage", set(s, "data.jobs[2].errorSummary[0].percentage", 101),
            "data.jobs[2].errorSummary[0].percentage", "expected a percentage from 0 to 100, got 101");
        row("jobs[2] timeline time", set(s, "data.jobs[2].timeline[1].at", QStringLiteral("soon")),
            "data.jobs[2].timeline[1].at",
            R"(expected an ISO-8601 time with a zone, such as 2024-01-01T10:00:00Z, got "soon")");
        row("jobs[2] status missing", drop(s, "data.jobs[2].status"), "data.jobs[2].status",
            "required field is missing");
    }
    void badJob() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- the snapshot's error breakdown ----------------------------------------------------------------

    void errors_data()
    {
        addColumns();
        const QJsonObject s = richSnapshot();
        row("errors as an object", set(s, "data.errors", QJsonObject{}), "data.errors",
            "expected an array, got an object");
        row("entry count missing", drop(s, "data.errors[1].count"), "data.errors[1].count",
            "required field is missing");
        row("entry error empty", set(s, "data.errors[0].error", QString()), "data.errors[0].error",
            "expected a non-empty string, got an empty one");
        row("entry percentage null", set(s, "data.errors[1].percentage", kNull), "data.errors[1].percentage",
            "expected a number, got null");
        row("entry percentage 101", set(s, "data.errors[0].percentage", 101), "data.errors[0].percentage",
            "expected a percentage from 0 to 100, got 101");
        row("entry count negative", set(s, "data.errors[1].count", -14), "data.errors[1].count",
            "expected a non-negative integer, got -14");
        row("entry count fractional", set(s, "data.errors[1].count", 1.5), "data.errors[1].count",
            "expected a non-negative integer, got 1.5");
        row("entry a string", set(s, "data.errors[0]", QStringLiteral("token_limit_exceeded")),
            "data.errors[0]", "expected an object, got a string");
        row("code given twice", set(s, "data.errors[1].error", QStringLiteral("token_limit_exceeded")),
            "data.errors[1].error", R"(code "token_limit_exceeded" is given twice)");
        // 14,200 requests have an outcome in the seed; failures cannot outnumber them.
        row("more failures than outcomes", set(s, "data.errors[0].count", 14187), "data.errors",
            "the counts add up to more than summary.processedRequests (14200)");
        row("one count past 2^53", raw(s, "data.errors[0].count", "9007199254740993"), "data.errors[0].count",
            "expected a non-negative integer, got 9007199254740993");
    }
    void errors() { verifyRefused(json::decodeResponse<MonitoringSnapshot>(fetchBody())); }

    // --- GET /{id}: one job as `data` ------------------------------------------------------------------

    void jobResponse_data()
    {
        addColumns();
        const QJsonObject job = successEnvelope(valueAt(richSnapshot(), QStringLiteral("data.jobs[0]")));
        row("bare job, status unknown", set(job, "data.status", QStringLiteral("done")), "data.status",
            QByteArray(kStatuses) + "\"done\"");
        row("bare job, timeline entry without zone",
            set(job, "data.timeline[1].at", QStringLiteral("2024-01-01T10:05:00")), "data.timeline[1].at",
            R"(expected an ISO-8601 time with a zone, such as 2024-01-01T10:00:00Z, got "2024-01-01T10:05:00")");
        row("bare job, data is the job list", set(job, "data", QJsonArray{job.value(QStringLiteral("data"))}),
            "data", "expected an object, got an array");
    }
    void jobResponse() { verifyRefused(json::decodeResponse<Job>(fetchBody())); }

    // --- GET|POST /alerts -----------------------------------------------------------------------------

    void alertConfig_data()
    {
        addColumns();
        const QJsonObject a = alertConfigEnvelope();
        row("duplicate rule id", set(a, "data.rules[1]", valueAt(a, QStringLiteral("data.rules[0]"))),
            "data.rules[1].id", R"(rule "highErrorRate" is given twice)");
        row("unknown rule id", set(a, "data.rules[3].id", QStringLiteral("diskFull")), "data.rules[3].id",
            R"(expected one of highErrorRate, longProcessingTime, lowThroughput, batchFailure, got "diskFull")");
        row("negative threshold", set(a, "data.rules[2].threshold", -1), "data.rules[2].threshold",
            "expected a threshold of at least 0, got -1");
        // Each rule's threshold has its own shape (docs/api.md, 12.2).
        row("fractional longProcessingTime threshold", set(a, "data.rules[1].threshold", 1500.5),
            "data.rules[1].threshold", "expected a non-negative integer, got 1500.5");
        row("batchFailure threshold 0", set(a, "data.rules[3].threshold", 0), "data.rules[3].threshold",
            "expected an integer from 1 to 1000000, got 0");
        row("batchFailure threshold fractional", set(a, "data.rules[3].threshold", 1.5),
            "data.rules[3].threshold", "expected an integer from 1 to 1000000, got 1.5");
        row("error-rate rule threshold 150", set(a, "data.rules[0].threshold", 150),
            "data.rules[0].threshold", "expected a percentage from 0 to 100, got 150");
        row("errorRateThreshold 150", set(a, "data.errorRateThreshold", 150), "data.errorRateThreshold",
            "expected a percentage from 0 to 100, got 150");
        row("errorRateThreshold negative", set(a, "data.errorRateThreshold", -10), "data.errorRateThreshold",
            "expected a percentage from 0 to 100, got -10");
        row("processingTimeThreshold negative", set(a, "data.processingTimeThreshold", -5),
            "data.processingTimeThreshold", "expected a non-negative integer, got -5");
        row("unknown severity", set(a, "data.rules[3].severity", QStringLiteral("urgent")),
            "data.rules[3].severity", R"(expected one of low, medium, high, critical, got "urgent")");
        row("unknown cadence", set(a, "data.rules[1].notification", QStringLiteral("weekly")),
            "data.rules[1].notification", R"(expected one of immediate, hourly, daily, got "weekly")");
        row("enabled as a string", set(a, "data.rules[2].enabled", QStringLiteral("yes")),
            "data.rules[2].enabled", "expected a boolean, got a string");
        row("rules as an object", set(a, "data.rules", QJsonObject{}), "data.rules",
            "expected an array, got an object");
        row("webhook channel without webhookUrl",
            set(a, "data.notificationChannels",
                QJsonArray{QStringLiteral("desktop"), QStringLiteral("webhook")}),
            "data.webhookUrl", R"(required when notificationChannels has "webhook")");
        row("unknown channel", set(a, "data.notificationChannels[1]", QStringLiteral("sms")),
            "data.notificationChannels[1]", R"(expected one of desktop, log, webhook, got "sms")");
        row("channel as a number", set(a, "data.notificationChannels[0]", 3), "data.notificationChannels[0]",
            "expected one of desktop, log, webhook, got a number");
        row("channel given twice", set(a, "data.notificationChannels[1]", QStringLiteral("desktop")),
            "data.notificationChannels[1]", "channel is given twice");
        row("webhookUrl ftp", set(a, "data.webhookUrl", QStringLiteral("ftp://hooks.example.org/x")),
            "data.webhookUrl", "expected an http or https URL, got \"ftp://hooks.example.org/x\"");
        row("webhookUrl without host", set(a, "data.webhookUrl", QStringLiteral("https://")),
            "data.webhookUrl", "expected an http or https URL, got \"https://\"");
        row("suppression window over a week", set(a, "data.alertSuppression.windowMinutes", 20000),
            "data.alertSuppression.windowMinutes", "expected an integer from 0 to 10080, got 20000");
    }
    void alertConfig() { verifyRefused(json::decodeResponse<AlertConfig>(fetchBody())); }

    // --- GET|PUT /config ------------------------------------------------------------------------------

    void batchConfig_data()
    {
        addColumns();
        const QJsonObject b = batchConfigEnvelope();
        row("batchMinSize > batchMaxRequests", set(b, "data.batchMinSize", 2000), "data.batchMinSize",
            "must not exceed batchMaxRequests (1000), got 2000");
        row("batchMaxRequests 0", set(b, "data.batchMaxRequests", 0), "data.batchMaxRequests",
            "expected an integer from 1 to 50000, got 0");
        row("batchMaxRequests over the provider limit", set(b, "data.batchMaxRequests", 50001),
            "data.batchMaxRequests", "expected an integer from 1 to 50000, got 50001");
        row("batchMaxRequests fractional", set(b, "data.batchMaxRequests", 10.5), "data.batchMaxRequests",
            "expected an integer from 1 to 50000, got 10.5");
        row("batchMaxRequests as a string", set(b, "data.batchMaxRequests", QStringLiteral("1000")),
            "data.batchMaxRequests", "expected a number, got a string");
        row("batchProcessingEnabled as a string",
            set(b, "data.batchProcessingEnabled", QStringLiteral("true")), "data.batchProcessingEnabled",
            "expected a boolean, got a string");
        row("empty batchCreateInterval", set(b, "data.batchCreateInterval", QString()),
            "data.batchCreateInterval", "expected a non-empty string, got an empty one");
        row("error-rate threshold 150", set(b, "data.batchAlertThresholdErrorRate", 150),
            "data.batchAlertThresholdErrorRate", "expected a percentage from 0 to 100, got 150");
        row("batchTimeoutHours missing", drop(b, "data.batchTimeoutHours"), "data.batchTimeoutHours",
            "required field is missing");
    }
    void batchConfig() { verifyRefused(json::decodeResponse<BatchConfig>(fetchBody())); }

    // --- GET /whoami -----------------------------------------------------------------------------------

    void identity_data()
    {
        addColumns();
        const QJsonObject i = identityEnvelope();
        row("name missing", drop(i, "data.name"), "data.name", "required field is missing");
        row("name empty", set(i, "data.name", QString()), "data.name",
            "expected a non-empty string, got an empty one");
        row("name a number", set(i, "data.name", 7), "data.name", "expected a string, got a number");
        row("role missing", drop(i, "data.role"), "data.role", "required field is missing");
        row("role null", set(i, "data.role", kNull), "data.role", "expected a string, got null");
        row("role unknown", set(i, "data.role", QStringLiteral("owner")), "data.role",
            R"(expected one of viewer, admin, producer, got "owner")");
        row("role in another case", set(i, "data.role", QStringLiteral("Admin")), "data.role",
            R"(expected one of viewer, admin, producer, got "Admin")");
        row("data an array", set(i, "data", QJsonArray{}), "data", "expected an object, got an array");
    }
    void identity() { verifyRefused(json::decodeResponse<Identity>(fetchBody())); }

    // --- {"success": false, "error": …} ---------------------------------------------------------------

    void errorResponse_data()
    {
        addColumns();
        const QJsonObject e = errorEnvelope();
        row("error.code missing", drop(e, "error.code"), "error.code", "required field is missing");
        row("error.code null", set(e, "error.code", kNull), "error.code", "expected a string, got null");
        row("error.code empty", set(e, "error.code", QString()), "error.code",
            "expected a non-empty string, got an empty one");
        row("error.code a number", set(e, "error.code", 404), "error.code",
            "expected a string, got a number");
        row("error.message missing", drop(e, "error.message"), "error.message", "required field is missing");
        row("error.parameter a number", set(e, "error.parameter", 1), "error.parameter",
            "expected a string, got a number");
        row("error missing", drop(e, "error"), "error", "required field is missing");
        row("error a string", set(e, "error", QStringLiteral("limit: must be 1 to 100")), "error",
            "expected an object, got a string");
        row("error null", set(e, "error", kNull), "error", "expected a value, got null");
        row("success true", set(e, "success", true), "success",
            "expected false in an error response, got true");
        row("a success body", seedBytes(), "success", "expected false in an error response, got true");
        row("plain HTML", "<html>502 Bad Gateway</html>", "", "not valid JSON: illegal value at byte 1");
        row("100000 [", QByteArray(100000, '['), "", "not valid JSON: too deeply nested document at byte ",
            Prefix);
    }
    void errorResponse() { verifyRefused(json::decodeErrorResponse(fetchBody())); }

    // --- accepted on purpose: what the codec tolerates, and how ---------------------------------------

    void tolerated_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("path");     ///< where to look in the re-encoded value
        QTest::addColumn<QString>("expected"); ///< the JSON text found there, or "(absent)"
        const QJsonObject s = richSnapshot();
        const auto ok = [](const char *name, const QByteArray &body, const char *path, const char *expected) {
            QTest::newRow(name) << body << str(path) << str(expected);
        };
        ok("startedAt null", set(s, "data.jobs[0].startedAt", kNull), "data.jobs[0].startedAt", "null");
        ok("batchId null", set(s, "data.jobs[0].batchId", kNull), "data.jobs[0].batchId", "null");
        ok("processingTimeMs null", set(s, "data.jobs[0].processingTimeMs", kNull),
           "data.jobs[0].processingTimeMs", "null");
        ok("successRate null", set(s, "data.summary.successRate", kNull), "data.summary.successRate", "null");
        ok("savingsPercentage negative", set(s, "data.summary.costSavings.savingsPercentage", -12.5),
           "data.summary.costSavings.savingsPercentage", "-12.5");
        ok("averageBatchSize null", set(s, "data.performance.throughput.averageBatchSize", kNull),
           "data.performance.throughput.averageBatchSize", "null");
        ok("optional count null", set(s, "data.queues.cancelled", kNull), "data.queues.cancelled",
           "(absent)");
        ok("optional section null", set(s, "data.resources", kNull), "data.resources", "(absent)");
        ok("optional array null", set(s, "data.jobs[0].errorSummary", kNull), "data.jobs[0].errorSummary",
           "(absent)");
        ok("errors null", set(s, "data.errors", kNull), "data.errors", "(absent)");
        ok("errors empty", set(s, "data.errors", QJsonArray{}), "data.errors", "[]");
        ok("errors out of order", set(s, "data.errors[1].count", 700), "data.errors[1].count", "700");
        ok("an unknown error code", set(s, "data.errors[0].error", QStringLiteral("provider_said_no")),
           "data.errors[0].error", "\"provider_said_no\"");
        ok("attempt null reads as 1", set(s, "data.jobs[0].attempt", kNull), "data.jobs[0].attempt", "1");
        ok("unknown field", set(s, "data.summary.somethingNew", QJsonObject{}), "data.summary.totalJobs",
           "156");
        ok("UTF-8 BOM", "\xef\xbb\xbf" + seedBytes(), "data.summary.totalJobs", "156");
        // Duplicate keys: QJsonDocument keeps the last one. Deterministic, and the codec sees one value.
        ok("duplicate key, last wins", raw(s, "data.summary.totalJobs", "\"156\",\"totalJobs\":157"),
           "data.summary.totalJobs", "157");
        ok("negative zero count", raw(s, "data.queues.failed", "-0"), "data.queues.failed", "0");
        ok("count with an exponent", raw(s, "data.summary.totalJobs", "1.56e2"), "data.summary.totalJobs",
           "156");
        ok("count 2^53 - 1", raw(s, "data.summary.totalRequests", "9007199254740991"),
           "data.summary.totalRequests", "9007199254740991");
        ok("money at the limit", set(s, "data.summary.costSavings.projectedMonthly", 9e9),
           "data.summary.costSavings.projectedMonthly", "9000000000");
        ok("time with an offset",
           set(s, "data.jobs[0].createdAt", QStringLiteral("2024-01-01T11:00:00+01:00")),
           "data.jobs[0].createdAt", "\"2024-01-01T10:00:00Z\"");
        ok("time with microseconds",
           set(s, "data.jobs[0].createdAt", QStringLiteral("2024-01-01T10:00:00.123456Z")),
           "data.jobs[0].createdAt", "\"2024-01-01T10:00:00.123Z\"");
        ok("escaped control character", set(s, "data.jobs[0].jobType", QStringLiteral("ai\tanalysis")),
           "data.jobs[0].jobType", "\"ai\\tanalysis\"");
    }
    void tolerated()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, path);
        QFETCH(QString, expected);
        const auto result = json::decodeResponse<MonitoringSnapshot>(body);
        QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().toString()));
        const QJsonValue again = successEnvelope(json::encode(result.value()));
        QCOMPARE(jsonText(valueAt(again, path)), expected);
    }

    // --- size ---------------------------------------------------------------------------------------

    void oversizedBodyIsRefusedBeforeParsing()
    {
        // 50 MB of valid JSON that would take seconds and gigabytes to parse: 25 million numbers.
        const QByteArray head = "{\"success\":true,\"data\":{\"jobs\":[";
        const QByteArray tail = "0]}}";
        const qsizetype size = 50 * 1024 * 1024;
        const QByteArray body =
            head + QByteArray("0,").repeated((size - head.size() - tail.size()) / 2) + tail;
        QCOMPARE(body.size(), size);

        QElapsedTimer timer;
        timer.start();
        const auto snapshot = json::decodeResponse<MonitoringSnapshot>(body);
        const auto error = json::decodeErrorResponse(body);
        const qint64 elapsed = timer.elapsed();

        const QString expected = QStringLiteral("the body is 52428800 bytes, more than the %1 bytes allowed")
                                     .arg(json::kMaxBodyBytes);
        QVERIFY(!snapshot.ok());
        QCOMPARE(snapshot.error().path, QString());
        QCOMPARE(snapshot.error().toString(), expected);
        QVERIFY(!error.ok());
        QCOMPARE(error.error().toString(), expected);
        QVERIFY2(elapsed < 1000, qPrintable(QStringLiteral("refusing took %1 ms").arg(elapsed)));

        // A caller's own limit: one byte over is refused, exactly at the limit is parsed.
        const QByteArray seed = seedBytes();
        const auto over = json::decodeResponse<MonitoringSnapshot>(seed, seed.size() - 1);
        QVERIFY(!over.ok());
        QCOMPARE(over.error().toString(),
                 QStringLiteral("the body is %1 bytes, more than the %2 bytes allowed")
                     .arg(seed.size())
                     .arg(seed.size() - 1));
        QVERIFY(json::decodeResponse<MonitoringSnapshot>(seed, seed.size()).ok());
    }
};

QTEST_GUILESS_MAIN(TestCodecMalformed)
#include "tst_codecmalformed.moc"
