// SPDX-License-Identifier: GPL-3.0-or-later
#include "ExportWriter.h"

#include "json/Codec.h"
#include "json/CodecHelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

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

/// A JSON value as CSV text: strings as they are, numbers as JSON writes them, null as empty.
QString csvText(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        const qint64 i = v.toInteger(std::numeric_limits<qint64>::min());
        if (i != std::numeric_limits<qint64>::min() && double(i) == d)
            return QString::number(i);
        return QString::number(d, 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    default:
        return QString();
    }
}

} // namespace

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
    const QJsonObject o = json::encode(job);
    QByteArray row;
    bool first = true;
    for (const QLatin1String &f : kCsvFields) {
        if (!first)
            row += ',';
        first = false;
        row += csvField(csvText(o.value(f)));
    }
    row += "\r\n";
    return row;
}

bool ExportWriter::write(const QByteArray &bytes)
{
    if (!m_error.isEmpty())
        return false;
    if (m_device->write(bytes) != bytes.size()) {
        m_error = tr("could not write the export: %1. Check that the disk has free space and try again.")
                      .arg(m_device->errorString());
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
            chunk += QJsonDocument(json::encode(job)).toJson(QJsonDocument::Compact);
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
