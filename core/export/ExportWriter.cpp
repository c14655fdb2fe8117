// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportWriter.h"

#include "json/Codec.h"
#include "json/CodecHelpers.h"

#include <QDir>
#include <QFileDevice>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QStorageInfo>

#include <cmath>

namespace batchmon {

namespace {

const QLatin1String kCsvFields[] = {
    QLatin1String("id"),          QLatin1String("batchId"),          QLatin1String("status"),
    QLatin1String("jobType"),     QLatin1String("requestCount"),     QLatin1String("completedCount"),
    QLatin1String("failedCount"), QLatin1String("createdAt"),        QLatin1String("startedAt"),
    QLatin1String("completedAt"), QLatin1String("processingTimeMs"), QLatin1String("costEstimate"),
    QLatin1String("model"),       QLatin1String("priority"),         QLatin1String("retryOf"),
    QLatin1String("attempt"),     QLatin1String("inputTokens"),      QLatin1String("outputTokens"),
};

/// `text` as a JSON string: in quotes, with `"`, `\` and control characters escaped, UTF-8.
void appendString(QByteArray &out, const QString &text)
{
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char ch : utf8) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20) {
            static const char hex[] = "0123456789abcdef";
            const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(escaped, sizeof escaped);
        } else {
            out += ch;
        }
    }
    out += '"';
}

void appendKey(QByteArray &out, const char *key)
{
    out += ",\"";
    out += key;
    out += "\":";
}

void appendNumber(QByteArray &out, qint64 n)
{
    out += QByteArray::number(n);
}

/// As Qt's JSON writer writes a double: whole numbers in full, else the shortest form.
void appendNumber(QByteArray &out, double d)
{
    if (d == std::floor(d) && std::fabs(d) < 1e15)
        out += QByteArray::number(qint64(d));
    else
        out += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
}

void appendTime(QByteArray &out, const std::optional<QDateTime> &t)
{
    if (t)
        appendString(out, json::formatTime(*t));
    else
        out += "null";
}

/**
 * One job as json::encode(job) would be written, without building a QJsonObject (which made a
 * million-job export take twice as long). Jobs with an errorSummary or timeline go through the codec.
 */
void appendJob(QByteArray &out, const Job &job)
{
    if (job.errorSummary || job.timeline) {
        out += QJsonDocument(json::encode(job)).toJson(QJsonDocument::Compact);
        return;
    }
    out += "{\"id\":";
    appendString(out, job.id);
    appendKey(out, "batchId");
    if (job.batchId)
        appendString(out, *job.batchId);
    else
        out += "null";
    appendKey(out, "status");
    appendString(out, toWireString(job.status));
    appendKey(out, "jobType");
    appendString(out, job.jobType);
    appendKey(out, "requestCount");
    appendNumber(out, job.requestCount);
    appendKey(out, "completedCount");
    appendNumber(out, job.completedCount);
    appendKey(out, "failedCount");
    appendNumber(out, job.failedCount);
    appendKey(out, "createdAt");
    appendTime(out, job.createdAt);
    appendKey(out, "startedAt");
    appendTime(out, job.startedAt);
    appendKey(out, "completedAt");
    appendTime(out, job.completedAt);
    appendKey(out, "processingTimeMs");
    if (job.processingTimeMs)
        appendNumber(out, *job.processingTimeMs);
    else
        out += "null";
    appendKey(out, "costEstimate");
    appendNumber(out, job.costEstimate.dollars());
    if (job.model) {
        appendKey(out, "model");
        appendString(out, *job.model);
    }
    appendKey(out, "priority");
    appendString(out, toWireString(job.priority));
    if (job.retryOf) {
        appendKey(out, "retryOf");
        appendString(out, *job.retryOf);
    }
    appendKey(out, "attempt");
    appendNumber(out, job.attempt);
    appendKey(out, "inputTokens");
    appendNumber(out, job.inputTokens);
    appendKey(out, "outputTokens");
    appendNumber(out, job.outputTokens);
    out += '}';
}

} // namespace

QByteArray ExportWriter::jobJson(const Job &job)
{
    QByteArray out;
    appendJob(out, job);
    return out;
}

QString ExportHeader::sourceWhenReexported(const QString &fileName) const
{
    const QString when =
        exportedAt.isValid()
            ? QLatin1Char(' ') + ExportWriter::tr("of %1 UTC")
                                     .arg(exportedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
            : QString();
    if (source.isEmpty())
        return fileName;
    return ExportWriter::tr("%1, re-exported from %2%3").arg(source, fileName, when);
}

ExportWriter::ExportWriter(QIODevice *device, ExportFormat format) : m_device(device), m_format(format) {}

QByteArray ExportWriter::csvField(const QString &value)
{
    QByteArray bytes = value.toUtf8();
    if (bytes.contains(',') || bytes.contains('"') || bytes.contains('\r') || bytes.contains('\n')) {
        bytes.replace("\"", "\"\"");
        bytes.prepend('"');
        bytes.append('"');
    }
    return bytes;
}

QByteArray ExportWriter::csvHeader()
{
    QByteArray row;
    for (const QLatin1String &f : kCsvFields) {
        if (!row.isEmpty())
            row += ',';
        row += QByteArray(f.data(), f.size());
    }
    return row;
}

QByteArray ExportWriter::csvRecord(const Job &job)
{
    // The values as JSON writes them (json::encode), without building a QJsonObject per job; the
    // columns in kCsvFields' order. tst_export checks the two agree.
    QByteArray row;
    const auto text = [&row](const QString &value) {
        row += csvField(value);
    };
    const auto optionalText = [&text](const std::optional<QString> &value) {
        if (value)
            text(*value);
    };
    const auto number = [&row](qint64 value) {
        row += QByteArray::number(value);
    };
    const auto time = [&text](const std::optional<QDateTime> &value) {
        if (value)
            text(json::formatTime(*value));
    };
    text(job.id);
    row += ',';
    optionalText(job.batchId);
    row += ',';
    text(toWireString(job.status));
    row += ',';
    text(job.jobType);
    row += ',';
    number(job.requestCount);
    row += ',';
    number(job.completedCount);
    row += ',';
    number(job.failedCount);
    row += ',';
    time(job.createdAt);
    row += ',';
    time(job.startedAt);
    row += ',';
    time(job.completedAt);
    row += ',';
    if (job.processingTimeMs)
        number(*job.processingTimeMs);
    row += ',';
    appendNumber(row, job.costEstimate.dollars());
    row += ',';
    optionalText(job.model);
    row += ',';
    text(toWireString(job.priority));
    row += ',';
    optionalText(job.retryOf);
    row += ',';
    number(job.attempt);
    row += ',';
    number(job.inputTokens);
    row += ',';
    number(job.outputTokens);
    row += "\r\n";
    return row;
}

bool ExportWriter::write(const QByteArray &bytes)
{
    if (!m_error.isEmpty())
        return false;
    if (m_device->write(bytes) != bytes.size()) {
        // Name the file, and say "the disk is full" rather than the "Unknown error" a buffered
        // QSaveFile can report for it.
        const auto *file = qobject_cast<QFileDevice *>(m_device);
        const QString name = file ? QDir::toNativeSeparators(file->fileName()) : QString();
        QString why = m_device->errorString();
        if (file && (why.isEmpty() || why == QLatin1String("Unknown error"))) {
            const QStorageInfo volume(QFileInfo(file->fileName()).absolutePath());
            why = volume.isValid() && volume.bytesAvailable() < bytes.size() + (1 << 20)
                      ? tr("the disk is full")
                      : tr("the system gave no reason");
        }
        m_error = (name.isEmpty() ? tr("could not write the export: %1.").arg(why)
                                  : tr("could not write %1: %2.").arg(name, why)) +
                  QLatin1Char(' ') + tr("Check that the disk has free space and try again.");
        return false;
    }
    return true;
}

bool ExportWriter::begin(const ExportHeader &header, const MonitoringSnapshot &snapshot)
{
    if (m_format == ExportFormat::Csv)
        return write(csvHeader() + "\r\n");

    MonitoringSnapshot head = snapshot;
    head.jobs.clear();
    head.pagination.reset(); // the export holds every job: there are no pages
    QJsonObject data = json::encode(head);
    data.remove(QStringLiteral("jobs"));
    QJsonObject exp{{QStringLiteral("exportedAt"), json::formatTime(header.exportedAt)},
                    {QStringLiteral("source"), header.source}};
    if (header.timeRange)
        exp.insert(QStringLiteral("timeRange"), toWireString(*header.timeRange));
    if (header.status)
        exp.insert(QStringLiteral("status"), toWireString(*header.status));
    if (header.jobType)
        exp.insert(QStringLiteral("jobType"), *header.jobType);
    data.insert(QStringLiteral("export"), exp);
    QByteArray bytes = QJsonDocument(data).toJson(QJsonDocument::Compact);
    bytes.chop(1); // the closing brace: the jobs follow
    return write("{\"success\":true,\"data\":" + bytes + ",\"jobs\":[");
}

bool ExportWriter::writeJobs(const QList<Job> &jobs)
{
    QByteArray chunk;
    for (const Job &job : jobs) {
        if (m_format == ExportFormat::Csv) {
            chunk += csvRecord(job);
        } else {
            if (m_jobs > 0 || !chunk.isEmpty())
                chunk += ",\n";
            appendJob(chunk, job);
        }
        ++m_jobs;
    }
    return chunk.isEmpty() || write(chunk);
}

bool ExportWriter::finish()
{
    if (m_format == ExportFormat::Csv)
        return m_error.isEmpty();
    return write("]}}\n");
}

} // namespace batchmon
