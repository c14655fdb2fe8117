// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportReader.h"

#include "json/Codec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace batchmon {

QString ExportReadError::toString() const
{
    QString where;
    if (offset >= 0)
        where = ExportReader::tr("byte %1").arg(offset);
    if (!path.isEmpty())
        where = where.isEmpty() ? path : where + QStringLiteral(" (") + path + QStringLiteral(")");
    return where.isEmpty() ? message : where + QStringLiteral(": ") + message;
}

namespace {

constexpr int kChunk = 1 << 20;
/// No single value but the jobs array may be larger than this (a snapshot's other parts are small).
constexpr qint64 kMaxValueBytes = 64 * 1024 * 1024;

struct Failure
{
    ExportReadError error;
};

/// A chunked view of the device's bytes with the file offset of each.
class Scanner
{
public:
    explicit Scanner(QIODevice *device) : m_device(device) {}

    qint64 offset() const { return m_base + m_pos; }

    /// The byte at the cursor, or -1 at the end of the file.
    int peek()
    {
        if (m_pos >= m_buf.size() && !fill())
            return -1;
        return static_cast<unsigned char>(m_buf.at(m_pos));
    }

    void skipWhitespace()
    {
        for (int c = peek(); c == ' ' || c == '\t' || c == '\r' || c == '\n'; c = peek())
            ++m_pos;
    }

    /// Skips whitespace and consumes `c`, or fails naming what was expected.
    void expect(char c, const QString &path, const QString &what)
    {
        skipWhitespace();
        const int got = peek();
        if (got != c)
            fail(path, got < 0
                           ? ExportReader::tr("the file ends here; expected %1 (is it truncated?)").arg(what)
                           : ExportReader::tr("expected %1").arg(what));
        ++m_pos;
    }

    /// Consumes `,` (true) or `close` (false).
    bool nextOrClose(char close, const QString &path)
    {
        skipWhitespace();
        const int c = peek();
        if (c == ',') {
            ++m_pos;
            return true;
        }
        if (c == close) {
            ++m_pos;
            return false;
        }
        fail(path, c < 0 ? ExportReader::tr("the file ends here (is it truncated?)")
                         : ExportReader::tr("expected ',' or '%1'").arg(QLatin1Char(close)));
        return false;
    }

    /// The next whole JSON value, parsed; fails at its first byte or where it breaks.
    QJsonValue takeValue(const QString &path)
    {
        const QByteArray bytes = takeBytes(path);
        return parse(bytes, m_lastStart, path);
    }

    /// The bytes of the next whole JSON value (valid until the scanner moves on), not parsed yet:
    /// fails where the file ends before the value does.
    QByteArray takeBytes(const QString &path)
    {
        skipWhitespace();
        compact();
        const qint64 start = offset();
        const int startPos = m_pos;
        int c = peek();
        if (c < 0)
            fail(path, ExportReader::tr("the file ends here; expected a value (is it truncated?)"));
        int depth = 0;
        bool inString = false;
        bool escaped = false;
        // Finds the end of the value: strings with escapes, nesting of {} and []. The inner loop runs
        // over the bytes in hand; the outer one reads more.
        bool done = false;
        while (!done) {
            if (m_pos >= m_buf.size() && !fill()) {
                if (depth == 0 && !inString && m_pos > startPos)
                    break; // a scalar at the very end
                fail(path, ExportReader::tr("the file ends in the middle of this value (is it truncated?)"));
            }
            if (offset() - start > kMaxValueBytes)
                fail(path, ExportReader::tr("a value larger than %1 MiB; this is not an export")
                               .arg(kMaxValueBytes >> 20));
            const char *data = m_buf.constData();
            const qint64 limit = qMin<qint64>(m_buf.size(), startPos + kMaxValueBytes + 1);
            qint64 pos = m_pos;
            for (; pos < limit; ++pos) {
                const char ch = data[pos];
                if (inString) {
                    if (escaped) {
                        escaped = false;
                    } else if (ch == '\\') {
                        escaped = true;
                    } else if (ch == '"') {
                        inString = false;
                        if (depth == 0) {
                            ++pos;
                            done = true;
                            break;
                        }
                    }
                    continue;
                }
                if (ch == '"') {
                    inString = true;
                } else if (ch == '{' || ch == '[') {
                    ++depth;
                } else if (ch == '}' || ch == ']') {
                    if (depth == 0) {
                        done = true;
                        break;
                    }
                    if (--depth == 0) {
                        ++pos;
                        done = true;
                        break;
                    }
                } else if (depth == 0 && (ch == ',' || ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')) {
                    done = true;
                    break;
                }
            }
            m_pos = int(pos);
        }
        m_lastStart = start;
        m_lastLength = m_pos - startPos;
        return QByteArray::fromRawData(m_buf.constData() + startPos, m_pos - startPos);
    }

    /// Where the value takeValue() returned last starts in the file, and its length in bytes.
    qint64 lastStart() const { return m_lastStart; }
    qint64 lastLength() const { return m_lastLength; }

    /// `bytes`, one whole JSON value that starts at `start` in the file, parsed.
    static QJsonValue parse(const QByteArray &bytes, qint64 start, const QString &path)
    {
        // An object or array parses as a document of its own; a scalar only inside an array.
        const bool container = !bytes.isEmpty() && (bytes.front() == '{' || bytes.front() == '[');
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(container ? bytes : '[' + bytes + ']', &err);
        if (err.error != QJsonParseError::NoError) {
            // report from the value's first byte plus the parser's offset
            ExportReadError e;
            e.offset = start + qMax(0, err.offset - (container ? 0 : 1));
            e.path = path;
            e.message = ExportReader::tr("invalid JSON: %1").arg(err.errorString());
            throw Failure{e};
        }
        if (!container)
            return doc.array().at(0);
        return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    }

    [[noreturn]] void fail(const QString &path, const QString &message) const
    {
        ExportReadError e;
        e.offset = offset();
        e.path = path;
        e.message = message;
        throw Failure{e};
    }

private:
    bool fill()
    {
        if (m_eof)
            return false;
        const QByteArray more = m_device->read(kChunk);
        if (more.isEmpty()) {
            m_eof = true;
            return false;
        }
        m_buf += more;
        return true;
    }

    void compact()
    {
        if (m_pos > kChunk) {
            m_buf.remove(0, m_pos);
            m_base += m_pos;
            m_pos = 0;
        }
    }

    QIODevice *m_device;
    QByteArray m_buf;
    int m_pos = 0;
    qint64 m_base = 0;
    bool m_eof = false;
    qint64 m_lastStart = -1;
    qint64 m_lastLength = 0;
};

QString readKey(Scanner &s, const QString &path)
{
    s.skipWhitespace();
    if (s.peek() != '"')
        s.fail(path, s.peek() < 0 ? ExportReader::tr("the file ends here; expected a key (is it truncated?)")
                                  : ExportReader::tr("expected a key in double quotes"));
    const QJsonValue key = s.takeValue(path);
    s.expect(':', path, QStringLiteral("':'"));
    return key.toString();
}

ExportReadError decodeFailure(const DecodeError &e)
{
    ExportReadError r;
    r.path = e.path;
    r.message = e.message;
    return r;
}

/// A job decoded from its parsed value, which starts at `offset` in the file; fails naming it.
template<typename PathOf> Job decodeJob(const QJsonValue &v, qint64 offset, const PathOf &jobPath)
{
    auto job = json::decodeValue<Job>(v);
    if (!job) {
        // Again with the real path, so the error names the job and its field.
        ExportReadError e = decodeFailure(json::decodeValue<Job>(v, jobPath()).error());
        e.offset = offset;
        throw Failure{e};
    }
    return std::move(job).value();
}

ExportHeader readHeader(const QJsonValue &v, qint64 jobCount)
{
    ExportHeader h;
    const QJsonObject o = v.toObject();
    h.exportedAt = QDateTime::fromString(o.value(QStringLiteral("exportedAt")).toString(), Qt::ISODateWithMs);
    h.source = o.value(QStringLiteral("source")).toString();
    h.timeRange = timeRangeFromWire(o.value(QStringLiteral("timeRange")).toString());
    h.status = jobStatusFromWire(o.value(QStringLiteral("status")).toString());
    if (o.value(QStringLiteral("jobType")).isString())
        h.jobType = o.value(QStringLiteral("jobType")).toString();
    h.jobCount = jobCount;
    return h;
}

void readData(Scanner &s, const ExportReader::JobSink &onJob, qint64 &count, QJsonObject &rest)
{
    const QString dataPath = QStringLiteral("data");
    s.expect('{', dataPath, QStringLiteral("'{'"));
    s.skipWhitespace();
    if (s.peek() == '}') {
        s.fail(dataPath, ExportReader::tr("data is empty"));
    }
    QSet<QString> seen;
    bool sawJobs = false;
    do {
        const QString key = readKey(s, dataPath);
        const QString path = dataPath + QLatin1Char('.') + key;
        if (seen.contains(key))
            s.fail(path, ExportReader::tr("the key is given twice"));
        seen.insert(key);
        if (key == QLatin1String("jobs")) {
            sawJobs = true;
            s.expect('[', path, QStringLiteral("'['"));
            s.skipWhitespace();
            if (s.peek() == ']') {
                s.expect(']', path, QStringLiteral("']'"));
                continue;
            }
            qint64 i = 0;
            // The job's path ("data.jobs[41]") is only written out when something is wrong with it.
            const auto jobPath = [&path, &i]() -> QString {
                return path + QStringLiteral("[%1]").arg(i);
            };
            do {
                QByteArray bytes;
                try {
                    bytes = s.takeBytes(path);
                } catch (Failure &f) {
                    f.error.path = jobPath();
                    throw;
                }
                // The canonical form the writer and the server use is read straight from its bytes;
                // anything else is parsed and decoded as JSON, which explains what is wrong with it.
                std::optional<Job> canonical = json::decodeCanonicalJob(bytes);
                Job job = canonical ? std::move(*canonical)
                                    : decodeJob(Scanner::parse(bytes, s.lastStart(), jobPath()),
                                                s.lastStart(), jobPath);
                if (!onJob(std::move(job), ExportJobSpan{s.lastStart(), s.lastLength()}))
                    s.fail(jobPath(), ExportReader::tr("stopped before the end of the file"));
                ++i;
                ++count;
            } while (s.nextOrClose(']', path));
        } else {
            rest.insert(key, s.takeValue(path));
        }
    } while (s.nextOrClose('}', dataPath));
    if (!sawJobs)
        s.fail(dataPath, ExportReader::tr("there is no jobs array"));
}

} // namespace

Result<ExportData, ExportReadError> ExportReader::read(QIODevice *device)
{
    QList<Job> jobs;
    auto data = read(device, [&jobs](Job &&job) { jobs.append(std::move(job)); });
    if (data)
        data.value().snapshot.jobs = std::move(jobs);
    return data;
}

Result<ExportData, ExportReadError> ExportReader::read(QIODevice *device,
                                                       const std::function<void(Job &&)> &onJob)
{
    return read(device, JobSink([&onJob](Job &&job, ExportJobSpan) {
                    onJob(std::move(job));
                    return true;
                }));
}

Result<ExportData, ExportReadError> ExportReader::read(QIODevice *device, const JobSink &onJob)
{
    Scanner s(device);
    qint64 count = 0;
    ExportData out;
    QJsonObject rest;
    try {
        s.expect('{', QString(), QStringLiteral("'{' (a JSON export starts with {\"success\":true,…)"));
        bool sawData = false;
        std::optional<bool> success;
        s.skipWhitespace();
        if (s.peek() != '}') {
            do {
                const QString key = readKey(s, QString());
                if (key == QLatin1String("data")) {
                    if (sawData)
                        s.fail(key, tr("the key is given twice"));
                    sawData = true;
                    readData(s, onJob, count, rest);
                } else {
                    const QJsonValue v = s.takeValue(key);
                    if (key == QLatin1String("success"))
                        success = v.toBool(false);
                }
            } while (s.nextOrClose('}', QString()));
        } else {
            s.expect('}', QString(), QStringLiteral("'}'"));
        }
        s.skipWhitespace();
        if (s.peek() >= 0)
            s.fail(QString(), tr("unexpected bytes after the end of the export"));
        if (success != true)
            return ExportReadError{-1, QStringLiteral("success"), tr("expected \"success\": true")};
        if (!sawData)
            return ExportReadError{-1, QStringLiteral("data"), tr("there is no data object")};
    } catch (const Failure &f) {
        return f.error;
    }

    const QJsonValue header = rest.take(QStringLiteral("export"));
    rest.insert(QStringLiteral("jobs"), QJsonArray());
    auto snapshot = json::decodeValue<MonitoringSnapshot>(rest, QStringLiteral("data"));
    if (!snapshot)
        return decodeFailure(snapshot.error());
    out.snapshot = std::move(snapshot).value();
    out.header = readHeader(header, count);
    return out;
}

Result<Job, ExportReadError> ExportReader::readJob(QIODevice *device, ExportJobSpan span, const QString &path)
{
    try {
        if (span.offset < 0 || span.length <= 0 || span.length > kMaxValueBytes || !device->seek(span.offset))
            throw Failure{ExportReadError{span.offset, path, tr("the file has changed since it was opened")}};
        const QByteArray bytes = device->read(span.length);
        if (bytes.size() != span.length)
            throw Failure{ExportReadError{span.offset, path, tr("the file has changed since it was opened")}};
        return readJob(bytes, span.offset, path);
    } catch (const Failure &f) {
        return f.error;
    }
}

Result<Job, ExportReadError> ExportReader::readJob(const QByteArray &bytes, qint64 offset,
                                                   const QString &path)
{
    try {
        if (!bytes.startsWith('{') || !bytes.endsWith('}'))
            throw Failure{ExportReadError{offset, path, tr("the file has changed since it was opened")}};
        if (auto canonical = json::decodeCanonicalJob(bytes))
            return std::move(*canonical);
        const QJsonValue v = Scanner::parse(bytes, offset, path);
        return decodeJob(v, offset, [&path] { return path; });
    } catch (const Failure &f) {
        return f.error;
    }
}

Result<ExportData, ExportReadError> ExportReader::readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return ExportReadError{-1, QString(), tr("could not open %1: %2").arg(path, file.errorString())};
    return read(&file);
}

} // namespace batchmon
