// SPDX-License-Identifier: GPL-3.0-or-later
// Jobs, their error summaries and timelines, and the wire names of every enumeration.
#include "CodecHelpers.h"
#include "EnumNames.h"
#include "domain/Alerts.h"
#include "domain/Identity.h"
#include "domain/TimeRange.h"

#include <QJsonArray>

namespace batchmon::json {

namespace {

template<typename E> QStringList namesOf(std::initializer_list<E> values)
{
    QStringList names;
    for (E v : values)
        names << toWireString(v);
    return names;
}

} // namespace

const QStringList &jobStatusNames()
{
    static const QStringList names = [] {
        QStringList n;
        for (JobStatus s : allJobStatuses())
            n << toWireString(s);
        return n;
    }();
    return names;
}

const QStringList &jobPriorityNames()
{
    static const QStringList names =
        namesOf({JobPriority::Low, JobPriority::Normal, JobPriority::High, JobPriority::Urgent});
    return names;
}

const QStringList &timeRangeNames()
{
    static const QStringList names =
        namesOf({TimeRange::LastHour, TimeRange::LastDay, TimeRange::LastWeek, TimeRange::LastMonth});
    return names;
}

const QStringList &alertRuleNames()
{
    static const QStringList names = namesOf({AlertRuleId::HighErrorRate, AlertRuleId::LongProcessingTime,
                                              AlertRuleId::LowThroughput, AlertRuleId::BatchFailure});
    return names;
}

const QStringList &severityNames()
{
    static const QStringList names =
        namesOf({Severity::Low, Severity::Medium, Severity::High, Severity::Critical});
    return names;
}

const QStringList &cadenceNames()
{
    static const QStringList names =
        namesOf({NotificationCadence::Immediate, NotificationCadence::Hourly, NotificationCadence::Daily});
    return names;
}

const QStringList &channelNames()
{
    static const QStringList names =
        namesOf({NotificationChannel::Desktop, NotificationChannel::Log, NotificationChannel::Webhook});
    return names;
}

const QStringList &roleNames()
{
    static const QStringList names = namesOf({Role::Viewer, Role::Admin, Role::Producer});
    return names;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, ErrorSummaryEntry &out)
{
    JsonObjectReader r(ctx, v, path);
    out.error = r.name(u"error");
    out.count = r.count(u"count");
    out.percentage = r.percentage(u"percentage");
}

QJsonObject encode(const ErrorSummaryEntry &v)
{
    return {{QStringLiteral("error"), v.error},
            {QStringLiteral("count"), v.count},
            {QStringLiteral("percentage"), v.percentage}};
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, TimelineEntry &out)
{
    JsonObjectReader r(ctx, v, path);
    out.status = r.enumeration(u"status", jobStatusFromWire, jobStatusNames(), JobStatus::Pending);
    out.at = r.time(u"at");
    out.actor = r.name(u"actor");
    out.note = r.string(u"note", Need::Optional);
}

QJsonObject encode(const TimelineEntry &v)
{
    QJsonObject o{{QStringLiteral("status"), toWireString(v.status)},
                  {QStringLiteral("at"), formatTime(v.at)},
                  {QStringLiteral("actor"), v.actor}};
    if (v.note)
        o.insert(QStringLiteral("note"), *v.note);
    return o;
}

void decode(DecodeContext &ctx, const QJsonValue &v, const QString &path, Job &out)
{
    JsonObjectReader r(ctx, v, path);
    out.id = r.name(u"id");
    out.batchId = r.string(u"batchId", Need::Nullable);
    out.status = r.enumeration(u"status", jobStatusFromWire, jobStatusNames(), JobStatus::Pending);
    out.jobType = r.name(u"jobType");
    out.requestCount = r.count(u"requestCount");
    out.completedCount = r.count(u"completedCount");
    out.failedCount = r.count(u"failedCount");
    if (!ctx.failed() && out.completedCount + out.failedCount > out.requestCount)
        ctx.fail(r.pathOf(u"failedCount"),
                 QStringLiteral("completedCount (%1) + failedCount (%2) exceeds requestCount (%3)")
                     .arg(out.completedCount)
                     .arg(out.failedCount)
                     .arg(out.requestCount));
    out.createdAt = r.time(u"createdAt");
    out.startedAt = r.time(u"startedAt", Need::Nullable);
    out.completedAt = r.time(u"completedAt", Need::Nullable);
    out.processingTimeMs = r.count(u"processingTimeMs", Need::Nullable);
    out.costEstimate = r.cost(u"costEstimate");

    out.model = r.string(u"model", Need::Optional);
    if (r.present(u"priority"))
        out.priority =
            r.enumeration(u"priority", jobPriorityFromWire, jobPriorityNames(), JobPriority::Normal);
    out.retryOf = r.string(u"retryOf", Need::Optional);
    out.attempt = r.count(u"attempt", Need::Optional).value_or(1);
    if (!ctx.failed() && out.attempt < 1)
        ctx.fail(r.pathOf(u"attempt"), QStringLiteral("expected an integer of at least 1, got 0"));
    out.inputTokens = r.count(u"inputTokens", Need::Optional).value_or(0);
    out.outputTokens = r.count(u"outputTokens", Need::Optional).value_or(0);
    if (r.present(u"errorSummary"))
        out.errorSummary = readList<ErrorSummaryEntry>(r, u"errorSummary");
    if (r.present(u"timeline"))
        out.timeline = readList<TimelineEntry>(r, u"timeline");
}

QJsonObject encode(const Job &v)
{
    QJsonObject o{
        {QStringLiteral("id"), v.id},
        {QStringLiteral("batchId"), orNull(v.batchId)},
        {QStringLiteral("status"), toWireString(v.status)},
        {QStringLiteral("jobType"), v.jobType},
        {QStringLiteral("requestCount"), v.requestCount},
        {QStringLiteral("completedCount"), v.completedCount},
        {QStringLiteral("failedCount"), v.failedCount},
        {QStringLiteral("createdAt"), formatTime(v.createdAt)},
        {QStringLiteral("startedAt"), timeOrNull(v.startedAt)},
        {QStringLiteral("completedAt"), timeOrNull(v.completedAt)},
        {QStringLiteral("processingTimeMs"), orNull(v.processingTimeMs)},
        {QStringLiteral("costEstimate"), moneyValue(v.costEstimate)},
        {QStringLiteral("priority"), toWireString(v.priority)},
        {QStringLiteral("attempt"), v.attempt},
        {QStringLiteral("inputTokens"), v.inputTokens},
        {QStringLiteral("outputTokens"), v.outputTokens},
    };
    if (v.model)
        o.insert(QStringLiteral("model"), *v.model);
    if (v.retryOf)
        o.insert(QStringLiteral("retryOf"), *v.retryOf);
    if (v.errorSummary)
        o.insert(QStringLiteral("errorSummary"), encodeList(*v.errorSummary));
    if (v.timeline)
        o.insert(QStringLiteral("timeline"), encodeList(*v.timeline));
    return o;
}

} // namespace batchmon::json

namespace batchmon::json {

namespace {

/// One scalar of a canonical job object.
struct Scalar
{
    enum class Kind
    {
        Missing,
        Null,
        Boolean,
        String,
        Integer,
        Number,
    };
    Kind kind = Kind::Missing;
    QByteArrayView text; ///< a string's bytes (ASCII, no escapes) or a number's
    qint64 integer = 0;
    double number = 0;
};

/// The strict subset of JSON that decodeCanonicalJob() reads; anything else is a refusal (false).
class CanonicalScanner
{
public:
    explicit CanonicalScanner(QByteArrayView bytes) : m_p(bytes.data()), m_end(bytes.data() + bytes.size()) {}

    void skipWhitespace()
    {
        while (m_p < m_end && (*m_p == ' ' || *m_p == '\t' || *m_p == '\n' || *m_p == '\r'))
            ++m_p;
    }
    bool take(char c)
    {
        skipWhitespace();
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }
    bool atEnd()
    {
        skipWhitespace();
        return m_p == m_end;
    }
    /// A string of printable ASCII without escapes.
    bool string(QByteArrayView *out)
    {
        skipWhitespace();
        if (m_p >= m_end || *m_p != '"')
            return false;
        const char *start = ++m_p;
        for (; m_p < m_end; ++m_p) {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                *out = QByteArrayView(start, m_p - start);
                ++m_p;
                return true;
            }
            if (c < 0x20 || c == '\\' || c >= 0x80)
                return false;
        }
        return false;
    }
    bool scalar(Scalar *out)
    {
        skipWhitespace();
        if (m_p >= m_end)
            return false;
        switch (*m_p) {
        case '"':
            out->kind = Scalar::Kind::String;
            return string(&out->text);
        case 'n':
            out->kind = Scalar::Kind::Null;
            return word("null");
        case 't':
        case 'f':
            out->kind = Scalar::Kind::Boolean;
            return word(*m_p == 't' ? "true" : "false");
        default:
            return number(out);
        }
    }

private:
    bool word(const char *w)
    {
        const qsizetype n = qsizetype(std::strlen(w));
        if (m_end - m_p < n || std::memcmp(m_p, w, size_t(n)) != 0)
            return false;
        m_p += n;
        return true;
    }
    bool digits()
    {
        const char *start = m_p;
        while (m_p < m_end && *m_p >= '0' && *m_p <= '9')
            ++m_p;
        return m_p > start;
    }
    /// JSON's number grammar; whole numbers of up to 15 digits as integers, the rest as Qt reads them.
    bool number(Scalar *out)
    {
        const char *start = m_p;
        if (m_p < m_end && *m_p == '-')
            ++m_p;
        if (m_p < m_end && *m_p == '0')
            ++m_p;
        else if (m_p >= m_end || *m_p < '1' || *m_p > '9' || !digits())
            return false;
        bool whole = true;
        if (m_p < m_end && *m_p == '.') {
            whole = false;
            ++m_p;
            if (!digits())
                return false;
        }
        if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
            whole = false;
            ++m_p;
            if (m_p < m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (!digits())
                return false;
        }
        out->text = QByteArrayView(start, m_p - start);
        const qsizetype digitCount = out->text.size() - (*start == '-' ? 1 : 0);
        bool ok = false;
        const QByteArray text = QByteArray::fromRawData(start, out->text.size());
        if (whole && digitCount <= 15) {
            out->kind = Scalar::Kind::Integer;
            out->integer = text.toLongLong(&ok);
            out->number = double(out->integer);
            return ok;
        }
        out->kind = Scalar::Kind::Number;
        out->number = text.toDouble(&ok);
        return ok && std::isfinite(out->number);
    }

    const char *m_p;
    const char *m_end;
};

enum Field
{
    Id,
    BatchId,
    Status,
    JobType,
    RequestCount,
    CompletedCount,
    FailedCount,
    CreatedAt,
    StartedAt,
    CompletedAt,
    ProcessingTimeMs,
    CostEstimate,
    Model,
    Priority,
    RetryOf,
    Attempt,
    InputTokens,
    OutputTokens,
    ErrorSummary,
    Timeline,
    FieldCount,
};

constexpr const char *kFieldNames[FieldCount] = {
    "id",           "batchId",   "status",    "jobType",     "requestCount",     "completedCount",
    "failedCount",  "createdAt", "startedAt", "completedAt", "processingTimeMs", "costEstimate",
    "model",        "priority",  "retryOf",   "attempt",     "inputTokens",      "outputTokens",
    "errorSummary", "timeline",
};

int fieldOf(QByteArrayView key)
{
    for (int i = 0; i < FieldCount; ++i)
        if (key == QByteArrayView(kFieldNames[i]))
            return i;
    return -1;
}

bool present(const Scalar &s)
{
    return s.kind != Scalar::Kind::Missing && s.kind != Scalar::Kind::Null;
}

std::optional<QString> text(const Scalar &s)
{
    if (s.kind != Scalar::Kind::String)
        return std::nullopt;
    return QString::fromLatin1(s.text.data(), s.text.size());
}

/// A JsonObjectReader::name(): a string that is not blank.
std::optional<QString> name(const Scalar &s)
{
    auto t = text(s);
    if (!t || t->trimmed().isEmpty())
        return std::nullopt;
    return t;
}

std::optional<qint64> count(const Scalar &s)
{
    if (s.kind != Scalar::Kind::Integer || s.integer < 0)
        return std::nullopt;
    return s.integer;
}

} // namespace

std::optional<Job> decodeCanonicalJob(QByteArrayView bytes)
{
    CanonicalScanner in(bytes);
    Scalar f[FieldCount];
    if (!in.take('{'))
        return std::nullopt;
    if (!in.take('}')) {
        do {
            QByteArrayView key;
            Scalar value;
            if (!in.string(&key) || !in.take(':') || !in.scalar(&value))
                return std::nullopt;
            const int field = fieldOf(key);
            if (field < 0)
                continue; // unknown fields are ignored (docs/api.md §1.3)
            if (f[field].kind != Scalar::Kind::Missing)
                return std::nullopt; // given twice: the general path decides
            f[field] = value;
        } while (in.take(','));
        if (!in.take('}'))
            return std::nullopt;
    }
    if (!in.atEnd())
        return std::nullopt;

    // The same checks as decode(…, Job &); any failure goes to the general path, which explains it.
    const auto nullableText = [](const Scalar &s, std::optional<QString> *out) {
        if (s.kind == Scalar::Kind::Null)
            return true;
        *out = text(s);
        return out->has_value();
    };
    const auto optionalText = [](const Scalar &s, std::optional<QString> *out) {
        if (!present(s))
            return true;
        *out = text(s);
        return out->has_value();
    };
    const auto nullableTime = [](const Scalar &s, std::optional<QDateTime> *out) {
        if (s.kind == Scalar::Kind::Null)
            return true;
        if (s.kind != Scalar::Kind::String)
            return false;
        *out = parseCanonicalTime(s.text);
        return out->has_value();
    };
    Job job;
    const auto id = name(f[Id]);
    const auto status = text(f[Status]);
    const auto type = name(f[JobType]);
    const auto requests = count(f[RequestCount]);
    const auto completed = count(f[CompletedCount]);
    const auto failed = count(f[FailedCount]);
    const auto created =
        f[CreatedAt].kind == Scalar::Kind::String ? parseCanonicalTime(f[CreatedAt].text) : std::nullopt;
    if (!id || !status || !type || !requests || !completed || !failed || !created ||
        *completed + *failed > *requests)
        return std::nullopt;
    const auto wireStatus = jobStatusFromWire(*status);
    if (!wireStatus)
        return std::nullopt;
    job.id = *id;
    job.status = *wireStatus;
    job.jobType = *type;
    job.requestCount = *requests;
    job.completedCount = *completed;
    job.failedCount = *failed;
    job.createdAt = *created;
    if (!nullableText(f[BatchId], &job.batchId) || !nullableTime(f[StartedAt], &job.startedAt) ||
        !nullableTime(f[CompletedAt], &job.completedAt))
        return std::nullopt;
    if (f[ProcessingTimeMs].kind != Scalar::Kind::Null) {
        job.processingTimeMs = count(f[ProcessingTimeMs]);
        if (!job.processingTimeMs)
            return std::nullopt;
    }
    const Scalar &cost = f[CostEstimate];
    if (cost.kind != Scalar::Kind::Integer && cost.kind != Scalar::Kind::Number)
        return std::nullopt;
    const auto money = Money::fromDollars(cost.number);
    if (!money || *money < Money())
        return std::nullopt;
    job.costEstimate = *money;
    if (!optionalText(f[Model], &job.model) || !optionalText(f[RetryOf], &job.retryOf))
        return std::nullopt;
    if (present(f[Priority])) {
        const auto priority = text(f[Priority]);
        const auto wirePriority = priority ? jobPriorityFromWire(*priority) : std::nullopt;
        if (!wirePriority)
            return std::nullopt;
        job.priority = *wirePriority;
    }
    for (const auto &[field, target, minimum] :
         {std::tuple{Attempt, &job.attempt, qint64(1)}, std::tuple{InputTokens, &job.inputTokens, qint64(0)},
          std::tuple{OutputTokens, &job.outputTokens, qint64(0)}}) {
        if (!present(f[field]))
            continue;
        const auto n = count(f[field]);
        if (!n || *n < minimum)
            return std::nullopt;
        *target = *n;
    }
    // Nested values (errorSummary, timeline) are never canonical; null ones are absent.
    return job;
}

} // namespace batchmon::json
