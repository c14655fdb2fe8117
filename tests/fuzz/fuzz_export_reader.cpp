// SPDX-License-Identifier: GPL-3.0-or-later
// Feeds arbitrary bytes to the streaming export reader. Beyond "no crash": every refusal says what
// is wrong, and whatever reads writes back to an export that reads to the same jobs and snapshot.
#include "ExportReader.h"
#include "ExportWriter.h"

#include <QBuffer>

#include <cstdio>
#include <cstdlib>

using namespace batchmon;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QBuffer in;
    in.setData(reinterpret_cast<const char *>(data), qsizetype(size));
    in.open(QIODevice::ReadOnly);
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
