// SPDX-License-Identifier: GPL-3.0-or-later
// Feeds arbitrary bytes to the streaming export reader. Beyond "no crash": every refusal says what
// is wrong, and whatever reads writes back to an export that reads to the same jobs and snapshot;
// and the canonical job decoder agrees with the general one on every job object it accepts.
#include "ExportReader.h"
#include "ExportWriter.h"
#include "json/Codec.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <cstdlib>

using namespace batchmon;

namespace {

/// The canonical job decoder's promise: what it accepts, the general decoder gives the same Job for.
void checkCanonical(const QByteArray &bytes)
{
    const auto canonical = json::decodeCanonicalJob(bytes);
    if (!canonical)
        return;
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    const auto general = json::decodeValue<Job>(doc.object());
    if (error.error != QJsonParseError::NoError || !doc.isObject() || !general ||
        !(general.value() == *canonical)) {
        std::fprintf(stderr, "the canonical decoder differs on:\n%s\n%s\n", bytes.constData(),
                     general ? "(the general decoder gives another job)"
                             : qPrintable(general.error().toString()));
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    checkCanonical(input);
    QBuffer in;
    in.setData(input);
    in.open(QIODevice::ReadOnly);
    // Each job's bytes as the reader found them, through both decoders.
    ExportReader::read(&in, ExportReader::JobSink([&input](Job &&, ExportJobSpan span) {
        checkCanonical(input.mid(span.offset, span.length));
        return true;
    }));
    in.seek(0);
    const auto first = ExportReader::read(&in);
    if (!first) {
        if (first.error().message.isEmpty())
            std::abort();
        return 0;
    }
    QBuffer out;
    out.open(QIODevice::WriteOnly);
    ExportWriter writer(&out, ExportFormat::Json);
    if (!writer.begin(first.value().header, first.value().snapshot) ||
        !writer.writeJobs(first.value().snapshot.jobs) || !writer.finish())
        std::abort();
    QBuffer again;
    again.setData(out.data());
    again.open(QIODevice::ReadOnly);
    const auto second = ExportReader::read(&again);
    if (!second || !(second.value().snapshot.jobs == first.value().snapshot.jobs) ||
        !(second.value().snapshot.summary == first.value().snapshot.summary)) {
        std::fprintf(stderr, "round trip changed the export:\n%s\n", out.data().constData());
        if (!second)
            std::fprintf(stderr, "%s\n", qPrintable(second.error().toString()));
        std::abort();
    }
    return 0;
}
